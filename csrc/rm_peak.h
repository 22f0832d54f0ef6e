/* rm_peak.h: this core's floating-point peak, measured by a register-only FMA loop.
 *
 * A GEMM runs at some share of the machine's peak: the number of fused multiply-adds a
 * core can retire per second.  Datasheets give a figure that assumes a clock the core may
 * not hold (AVX-512 lowers it on many parts), so we measure it instead: RM_PEAK_CHAINS
 * independent accumulator chains, acc = acc * b + c, each a full SIMD register, updated
 * in turn for `iters` rounds.  No load or store sits in the loop, so nothing waits on
 * memory; with enough independent chains (at least pipes x FMA latency, 2 x 4 on current
 * x86 cores) every cycle issues as many FMAs as the core has FMA pipes.
 *   An FMA on a vector of L lanes is 2 L flops (one multiply, one add).  float32 vectors
 * hold twice as many lanes as float64 ones, hence twice the peak.
 * Reference: the same method as G. Hager and G. Wellein, "Introduction to High
 * Performance Computing for Scientists and Engineers" (2010), sec. 1.2 (peak as
 * pipes x width x clock) measured as in likwid-bench's "peakflops" kernels.
 *
 * Files: rm_peak_generic.c (plain C, the dispatch), rm_peak_avx2.c (-mavx2 -mfma),
 * rm_peak_avx512.c (-mavx512f); setup.py compiles each _<isa>.c with its flags.
 * Only rusty_machine/_peak.pyx includes this header.
 */
#ifndef RM_PEAK_H
#define RM_PEAK_H

#ifdef __cplusplus
extern "C" {
#endif

/* independent accumulator chains per loop: 12 covers 2 pipes x 4 cycles of latency
 * with room to spare, and 12 + 2 constants fit the 16 YMM registers of AVX2 */
#define RM_PEAK_CHAINS 12

/* The instruction set the run-time choice picks ("avx512", "avx2" or "generic"): the
 * widest one this build compiled and this CPU and OS can run (rm_cpu.c). */
const char *rm_peak_best_isa(void);

/* 1 if `isa` was compiled into this build and the CPU and OS can run it, else 0. */
int rm_peak_supported(const char *isa);

/* Run the loop of `isa` ("avx512", "avx2", "generic") for `iters` rounds in float32
 * (single != 0) or float64.  Returns the number of flops done (2 per lane per FMA), or
 * -1 if `isa` is unknown or unsupported.  *sink receives a number that depends on every
 * chain (the caller keeps it, so the compiler cannot drop the loop). */
double rm_peak_run(const char *isa, int single, long iters, double *sink);

/* The per-ISA loops (same contract as rm_peak_run). */
double rm_peak_f64_generic(long iters, double *sink);
double rm_peak_f32_generic(long iters, double *sink);
double rm_peak_f64_avx2(long iters, double *sink);
double rm_peak_f32_avx2(long iters, double *sink);
double rm_peak_f64_avx512(long iters, double *sink);
double rm_peak_f32_avx512(long iters, double *sink);

#ifdef __cplusplus
}
#endif
#endif

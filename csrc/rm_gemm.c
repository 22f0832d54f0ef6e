/* rm_gemm.c: the third rung of the GEMM ladder, a BLIS-style packed driver, plus the
 * run-time choice of the micro-kernel.
 *
 *     C = alpha * op(A) @ op(B) + beta * C      (row-major; op(A) m x k, op(B) k x n)
 *
 * Two element types, one driver: the loops below are written once, in rm_gemm_driver.h,
 * and instantiated at the end of this file for double (rm_dgemm) and float (rm_sgemm).
 * Each instruction set has a micro-kernel per type, with its own register tile and
 * block-size table (rm_gemm_kernel.h); the choice of instruction set is one setting for
 * both types.
 *
 * References
 *   [GvdG08] K. Goto, R. van de Geijn, "Anatomy of high-performance matrix
 *            multiplication", ACM TOMS 34(3), 2008: packing, the layered blocking.
 *   [BLIS15] F. Van Zee, R. van de Geijn, "BLIS: A framework for rapidly instantiating
 *            BLAS functionality", ACM TOMS 41(3), 2015: the five loops around one
 *            micro-kernel, edge handling inside the micro-kernel path.
 *   [LOW16]  T. M. Low et al., "Analytical modeling is enough for high-performance BLIS",
 *            ACM TOMS 43(2), 2016: block sizes from the cache sizes.
 *   [SMITH14] T. M. Smith et al., "Anatomy of high-performance many-threaded matrix
 *            multiplication", IPDPS 2014: which loop to parallelise.
 *
 * Row-major C is column-major C^T = op(B)^T op(A)^T, so this driver is the BLIS loop nest
 * with the roles of A and B exchanged: the micro-kernel vectorises along the rows of C
 * (NR columns of B per step) and broadcasts elements of A (MR rows).  The loops, outer to
 * inner ([BLIS15] Fig. 2, mirrored):
 *
 *   loop 5  ic: rows of C in blocks of MC
 *   loop 4  pc: the k dimension in blocks of KC; pack op(A)[ic:ic+MC, pc:pc+KC] into
 *               MR-row micro-panels (the MC x KC block, in L3)
 *   loop 3  jc: columns of C in blocks of NC; pack op(B)[pc:pc+KC, jc:jc+NC] into
 *               NR-column micro-panels (the KC x NC block, in the core's L2)
 *   loop 2  ir: MR-row micro-panel of A (stays in L1 for the whole of loop 1)
 *   loop 1  jr: NR-column micro-panel of B (streams from L2) -> micro-kernel, MR x NR of C
 *
 * Transposes are absorbed by the packing routines (the packed micro-kernel only ever
 * sees packed panels); the packing of one micro-panel is the kernel's own (it knows its
 * MR / NR and may use its instruction set).  Small or skinny products skip packing: the
 * micro-kernel reads the caller's operands directly (gemm_direct), sizes from each
 * kernel's table.
 *
 * Threads (OpenMP, one level: inside another parallel region everything runs serially),
 * [SMITH14 sections 4-5].  A wide C (n >= m) runs loop 3 in parallel: the threads pack
 * the shared A~ together, then take column blocks of C dynamically, each packing its
 * own B~ into its own buffer (its core's L2) -- two barriers per MC x KC block of A, a
 * handful per call, each after milliseconds of work.  (A barrier per KC x NC block of B,
 * sharing loop 2, made a 2048^3 product on 2 threads slower than on one while other
 * processes used the cores: every barrier waited for a descheduled thread; and static
 * column ranges left the whole call waiting for a thread that shared its core.)  A tall
 * C is cut into slabs of rows handed out dynamically (loop 5 in parallel), each an
 * independent packed product; the direct path hands out chunks of MR x NR tiles.
 * Neither of these synchronises at all.
 */
#define _POSIX_C_SOURCE 200112L
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "rm_gemm.h"
#include "rm_gemm_kernel.h"

/* ---------------------------------------------------------------------------------
 * Kernel selection: the best instruction set the CPU and OS support, chosen at first use,
 * or the one named by RUSTY_MACHINE_KERNEL (an unknown or unsupported name falls back to
 * the best one).  rm_gemm_set_kernel changes it (tests and benchmarks).  An instruction
 * set is a pair of kernels, one per element type, so the one setting covers dgemm and
 * sgemm.
 * ------------------------------------------------------------------------------- */
typedef struct {
    const rm_dgemm_kernel_t *d;
    const rm_sgemm_kernel_t *s;
} rm_gemm_isa_t;

static const rm_gemm_isa_t isa_generic = {&rm_dgemm_kernel_generic, &rm_sgemm_kernel_generic};
#ifdef RM_BUILD_AVX2
static const rm_gemm_isa_t isa_avx2 = {&rm_dgemm_kernel_avx2, &rm_sgemm_kernel_avx2};
#endif
#ifdef RM_BUILD_AVX512
static const rm_gemm_isa_t isa_avx512 = {&rm_dgemm_kernel_avx512, &rm_sgemm_kernel_avx512};
#endif

static const rm_gemm_isa_t *kernel_lookup(const char *name) {
    if (name == NULL) return NULL;
    if (strcmp(name, "generic") == 0) return &isa_generic;
#ifdef RM_BUILD_AVX2
    if (strcmp(name, "avx2") == 0) return rm_cpu_has_avx2_fma() ? &isa_avx2 : NULL;
#endif
#ifdef RM_BUILD_AVX512
    if (strcmp(name, "avx512") == 0) return rm_cpu_has_avx512f() ? &isa_avx512 : NULL;
#endif
    return NULL;
}

static int kernel_known(const char *name) {
    return strcmp(name, "generic") == 0 || strcmp(name, "avx2") == 0
        || strcmp(name, "avx512") == 0;
}

static const rm_gemm_isa_t *kernel_best(void) {
    const rm_gemm_isa_t *k;
    if ((k = kernel_lookup("avx512")) != NULL) return k;
    if ((k = kernel_lookup("avx2")) != NULL) return k;
    return &isa_generic;
}

static const rm_gemm_isa_t *rm_kernel = NULL;

static const rm_gemm_isa_t *kernel_current(void) {
    const rm_gemm_isa_t *k = __atomic_load_n(&rm_kernel, __ATOMIC_ACQUIRE);
    if (k == NULL) {
        /* the same answer whichever thread gets here first */
        k = kernel_lookup(getenv("RUSTY_MACHINE_KERNEL"));
        if (k == NULL) k = kernel_best();
        __atomic_store_n(&rm_kernel, k, __ATOMIC_RELEASE);
    }
    return k;
}

const char *rm_gemm_kernel_name(void) { return kernel_current()->d->name; }

int rm_gemm_kernel_supported(const char *name) { return kernel_lookup(name) != NULL; }

void rm_gemm_kernel_blocks(int *mr, int *nr, long *mc, long *kc, long *nc, long *small,
                           long *skinny) {
    const rm_dgemm_kernel_t *k = kernel_current()->d;
    *mr = k->MR; *nr = k->NR; *mc = k->MC; *kc = k->KC; *nc = k->NC;
    *small = k->small; *skinny = k->skinny;
}

void rm_sgemm_kernel_blocks(int *mr, int *nr, long *mc, long *kc, long *nc, long *small,
                            long *skinny) {
    const rm_sgemm_kernel_t *k = kernel_current()->s;
    *mr = k->MR; *nr = k->NR; *mc = k->MC; *kc = k->KC; *nc = k->NC;
    *small = k->small; *skinny = k->skinny;
}

int rm_gemm_set_kernel(const char *name) {
    if (name == NULL || !kernel_known(name)) return -1;
    const rm_gemm_isa_t *k = kernel_lookup(name);
    if (k == NULL) return -2;
    __atomic_store_n(&rm_kernel, k, __ATOMIC_RELEASE);
    return 0;
}

/* ---------------------------------------------------------------------------------
 * Packing buffers: one per thread (the caller's or an OpenMP worker's), kept between
 * calls (a fresh allocation of a few MiB per call costs page faults comparable to a
 * 256^3 product) and never shared, so concurrent callers (Python threads without the
 * GIL) are safe; both element types use the same buffers (sizes in bytes).  Page
 * aligned; B's block starts 4 KiB + 320 bytes after A's so that the two streams do not
 * alias in the L1 (4 KiB aliasing of loads and stores).
 * ------------------------------------------------------------------------------- */
static __thread void *tls_buf = NULL;
static __thread size_t tls_cap = 0;      /* bytes */

static void *grow(void **buf, size_t *cap, size_t nbytes) {
    if (nbytes > *cap) {
        free(*buf);
        *buf = NULL;
        *cap = 0;
        void *p = NULL;
        size_t bytes = (nbytes + 4095) & ~(size_t)4095;
        if (posix_memalign(&p, 4096, bytes) != 0) return NULL;
        *buf = p;
        *cap = bytes;
    }
    return *buf;
}

static void *workspace(size_t nbytes) { return grow(&tls_buf, &tls_cap, nbytes); }

static __thread void *tls_shared = NULL;
static __thread size_t tls_shared_cap = 0;

/* Which path rm_dgemm / rm_sgemm take (tests force each one): RM_GEMM_PATH_AUTO decides
 * by size. */
static int rm_path = RM_GEMM_PATH_AUTO;

int rm_gemm_set_path(int path) {
    int old = rm_path;
    if (path >= RM_GEMM_PATH_AUTO && path <= RM_GEMM_PATH_DIRECT) rm_path = path;
    return old;
}

static long round_up(long x, long to) { return (x + to - 1) / to * to; }

/* Threads for an m x n x k product: 1 inside a parallel region or when the product is
 * too small to pay for waking the team.  On a quiet machine (AVX-512) 64^3 takes 4.5 us
 * on one thread or two and 80^3 12.5 us on one, 7.4 on two, but every parallel region
 * also costs the time the other thread needs to be scheduled, and with libgomp's default
 * (active) wait policy a worker spins for milliseconds after each region, taking the
 * core from whatever else runs.  With the cores shared by other processes the ~1000
 * small GEMMs of a 1024 eigh/eig (panel products of a few hundred thousand
 * multiply-adds) made 2 threads 3-6x SLOWER than one (eigh 0.34 s -> 2.0 s, eig 1.2 s ->
 * 8.4 s, load ~10 on 2 cores).  Each thread therefore gets at least MIN_WORK_PER_THREAD
 * = 4e6 multiply-adds (about 160^3, ~100 us of work): measured under the same load,
 * eigh on 2 threads went 2.1 s -> 1.25 s against 0.56 s on one (a threshold of 3e7:
 * 1.1 s), svd 6.6 s -> 5.0 s (3e7: 2.7 s, one thread 2.9 s).  The rest of the cost is
 * the spinning itself: OMP_WAIT_POLICY=PASSIVE in the environment (read by libgomp when
 * it is loaded, so it cannot be set from here) brought 2 threads to parity with one
 * under that load (eigh 0.62 s / 0.59 s, svd 2.4 s / 2.7 s, eig 2.8 s / 2.7 s). */
#define MIN_WORK_PER_THREAD 4.0e6

static int gemm_threads(long m, long n, long k) {
    if (rm_in_parallel()) return 1;
    int nt = rm_get_num_threads();
    if (nt <= 1) return 1;
    double work = (double)m * (double)n * (double)k;
    double most = work / MIN_WORK_PER_THREAD;
    if (most < nt) nt = most < 1.0 ? 1 : (int)most;
    return nt;
}


/* ---------------------------------------------------------------------------------
 * The driver, once per element type.
 * ------------------------------------------------------------------------------- */
#define RM_T double
#define RM_P d
#define RM_KER_T rm_dgemm_kernel_t
#include "rm_gemm_driver.h"
#undef RM_T
#undef RM_P
#undef RM_KER_T

#define RM_T float
#define RM_P s
#define RM_KER_T rm_sgemm_kernel_t
#include "rm_gemm_driver.h"
#undef RM_T
#undef RM_P
#undef RM_KER_T

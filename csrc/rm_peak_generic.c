/* rm_peak_generic.c: the portable peak loop and the run-time choice of instruction set.
 *
 * The generic loop is plain C: RM_PEAK_CHAINS scalars per lane group, written so the
 * compiler may keep them in registers and vectorise with whatever the baseline flags
 * allow (SSE2 on x86-64: mul + add, no FMA).  It is the peak the generic GEMM kernel
 * can hope for, not the machine's.  The method is in rm_peak.h.
 */
#include <string.h>
#include "rm_peak.h"
#include "rm_gemm.h"       /* rm_cpu_has_avx2_fma, rm_cpu_has_avx512f (rm_cpu.c) */

/* lanes per chain in the generic loop: 4 doubles or 8 floats, so that with SSE2 each
 * chain is two 16-byte registers and the loop matches a 32-byte vector's work */
enum { GL64 = 4, GL32 = 8 };

double rm_peak_f64_generic(long iters, double *sink) {
    double acc[RM_PEAK_CHAINS][GL64];
    const double b = 1.0000001, c = 0.9999999;
    for (int i = 0; i < RM_PEAK_CHAINS; i++)
        for (int l = 0; l < GL64; l++) acc[i][l] = i + 0.25 * l;
    for (long k = 0; k < iters; k++)
        for (int i = 0; i < RM_PEAK_CHAINS; i++)
            for (int l = 0; l < GL64; l++) acc[i][l] = acc[i][l] * b + c;
    double s = 0.0;
    for (int i = 0; i < RM_PEAK_CHAINS; i++)
        for (int l = 0; l < GL64; l++) s += acc[i][l];
    *sink = s;
    return (double)iters * RM_PEAK_CHAINS * GL64 * 2.0;
}

double rm_peak_f32_generic(long iters, double *sink) {
    float acc[RM_PEAK_CHAINS][GL32];
    const float b = 1.0000001f, c = 0.9999999f;
    for (int i = 0; i < RM_PEAK_CHAINS; i++)
        for (int l = 0; l < GL32; l++) acc[i][l] = (float)i + 0.25f * (float)l;
    for (long k = 0; k < iters; k++)
        for (int i = 0; i < RM_PEAK_CHAINS; i++)
            for (int l = 0; l < GL32; l++) acc[i][l] = acc[i][l] * b + c;
    double s = 0.0;
    for (int i = 0; i < RM_PEAK_CHAINS; i++)
        for (int l = 0; l < GL32; l++) s += acc[i][l];
    *sink = s;
    return (double)iters * RM_PEAK_CHAINS * GL32 * 2.0;
}

/* setup.py defines RM_BUILD_<ISA> for rm_core when it compiled that ISA's library */
int rm_peak_supported(const char *isa) {
    if (strcmp(isa, "generic") == 0) return 1;
#ifdef RM_BUILD_AVX2
    if (strcmp(isa, "avx2") == 0) return rm_cpu_has_avx2_fma();
#endif
#ifdef RM_BUILD_AVX512
    if (strcmp(isa, "avx512") == 0) return rm_cpu_has_avx512f();
#endif
    return 0;
}

const char *rm_peak_best_isa(void) {
    if (rm_peak_supported("avx512")) return "avx512";
    if (rm_peak_supported("avx2")) return "avx2";
    return "generic";
}

double rm_peak_run(const char *isa, int single, long iters, double *sink) {
    *sink = 0.0;
    if (!rm_peak_supported(isa)) return -1.0;
    if (iters < 0) iters = 0;
#ifdef RM_BUILD_AVX512
    if (strcmp(isa, "avx512") == 0)
        return single ? rm_peak_f32_avx512(iters, sink) : rm_peak_f64_avx512(iters, sink);
#endif
#ifdef RM_BUILD_AVX2
    if (strcmp(isa, "avx2") == 0)
        return single ? rm_peak_f32_avx2(iters, sink) : rm_peak_f64_avx2(iters, sink);
#endif
    return single ? rm_peak_f32_generic(iters, sink) : rm_peak_f64_generic(iters, sink);
}

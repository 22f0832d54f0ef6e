/* rm_peak_avx2.c: the register-only FMA loop for avx2 (compiled with -mavx2 -mfma; run only when
 * rm_peak_supported("avx2") says the CPU and the OS can).  Method in rm_peak.h:
 * RM_PEAK_CHAINS accumulators acc = acc * b + c, each a 256-bit register, no memory
 * traffic inside the loop.  float64: 4 lanes, float32: 8 lanes per FMA.
 */
#include <immintrin.h>
#include "rm_peak.h"

double rm_peak_f64_avx2(long iters, double *sink) {
    __m256d acc[RM_PEAK_CHAINS];
    const __m256d b = _mm256_set1_pd(1.0000001), c = _mm256_set1_pd(0.9999999);
    for (int i = 0; i < RM_PEAK_CHAINS; i++) acc[i] = _mm256_set1_pd((double)i);
    for (long k = 0; k < iters; k++) {
#pragma GCC unroll 12
        for (int i = 0; i < RM_PEAK_CHAINS; i++) acc[i] = _mm256_fmadd_pd(acc[i], b, c);
    }
    double out[4], s = 0.0;
    for (int i = 0; i < RM_PEAK_CHAINS; i++) {
        _mm256_storeu_pd(out, acc[i]);
        s += out[0];
    }
    *sink = s;
    return (double)iters * RM_PEAK_CHAINS * 4 * 2.0;
}

double rm_peak_f32_avx2(long iters, double *sink) {
    __m256 acc[RM_PEAK_CHAINS];
    const __m256 b = _mm256_set1_ps(1.0000001f), c = _mm256_set1_ps(0.9999999f);
    for (int i = 0; i < RM_PEAK_CHAINS; i++) acc[i] = _mm256_set1_ps((float)i);
    for (long k = 0; k < iters; k++) {
#pragma GCC unroll 12
        for (int i = 0; i < RM_PEAK_CHAINS; i++) acc[i] = _mm256_fmadd_ps(acc[i], b, c);
    }
    float out[8];
    double s = 0.0;
    for (int i = 0; i < RM_PEAK_CHAINS; i++) {
        _mm256_storeu_ps(out, acc[i]);
        s += out[0];
    }
    *sink = s;
    return (double)iters * RM_PEAK_CHAINS * 8 * 2.0;
}

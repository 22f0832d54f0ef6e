/* rm_gemm_avx512.c: the AVX-512F micro-kernel dgemm_ukr_avx512_8x24 (compiled with
 * -mavx512f -mavx2 -mfma; chosen at run time only when cpuid and XGETBV say the CPU and
 * the OS support the ZMM and opmask state).
 *
 * Layout ("broadcast A", row-preferential, BLIS Zen4 8x24 style): C is row-major, so a row
 * of the tile is NR = 24 doubles = three ZMM vectors.  At each step p of the k loop the
 * kernel loads the three vectors b[p, 0:24] and, for each of the MR = 8 rows, broadcasts
 * a[i, p] and issues three FMAs:  ab[i, :] += a[i, p] * b[p, :]  (a rank-1 update, BLIS
 * micro-kernel, Van Zee & van de Geijn 2015, section 4).  Register budget: 24 accumulators
 * + 3 B vectors + 1 broadcast = 28 of the 32 ZMM registers.  With two FMA pipes of
 * latency 4, 24 independent accumulators keep both pipes busy (at least 8 are needed).
 * Edge tiles: columns by an opmask on the loads/stores of C (and of B when B is not
 * packed), rows by predicated stores.  Contract: rm_gemm_kernel.h.
 */
#include <immintrin.h>
#include "rm_gemm_kernel.h"

#ifndef RM512_MR
#define RM512_MR 8
#endif
#ifndef RM512_NV
#define RM512_NV 3
#endif
enum { MR = RM512_MR, NV = RM512_NV, NR = 8 * RM512_NV };

#define INLINE static inline __attribute__((always_inline))

/* ab += A @ B for the packed (fixed-stride, zero-padded) panels */
INLINE void kloop_packed(long k, const double *a, const double *b, __m512d ab[MR][NV]) {
    for (long p = 0; p < k; p++) {
        __m512d bv[NV];
#pragma GCC unroll 8
        for (int v = 0; v < NV; v++) bv[v] = _mm512_load_pd(b + 8 * v);
#pragma GCC unroll 16
        for (int i = 0; i < MR; i++) {
            __m512d ai = _mm512_set1_pd(a[i]);
#pragma GCC unroll 8
            for (int v = 0; v < NV; v++) ab[i][v] = _mm512_fmadd_pd(ai, bv[v], ab[i][v]);
        }
        a += MR;
        b += NR;
    }
}

/* ab += A @ B for the caller's own operands (direct path): rows of A beyond mr are
 * clamped to row mr-1 (their results are never stored), columns of B beyond nr are
 * masked off in the loads. */
INLINE void kloop_strided(long k, const double *a, long rsa, long csa,
                          const double *b, long rsb, long mr, __mmask8 mlast, int nfull,
                          __m512d ab[MR][NV]) {
    const double *ap[MR];
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) ap[i] = a + (i < mr ? i : mr - 1) * rsa;
    for (long p = 0; p < k; p++) {
        __m512d bv[NV];
#pragma GCC unroll 8
        for (int v = 0; v < NV; v++)
            bv[v] = v < nfull ? _mm512_loadu_pd(b + 8 * v)
                  : v == nfull ? _mm512_maskz_loadu_pd(mlast, b + 8 * v)
                  : _mm512_setzero_pd();
#pragma GCC unroll 16
        for (int i = 0; i < MR; i++) {
            __m512d ai = _mm512_set1_pd(ap[i][p * csa]);
#pragma GCC unroll 8
            for (int v = 0; v < NV; v++) ab[i][v] = _mm512_fmadd_pd(ai, bv[v], ab[i][v]);
        }
        b += rsb;
    }
}

INLINE void ukr_avx512(int packed, long k, double alpha,
                             const double *a, long rsa, long csa,   /* IN  mr x k    */
                             const double *b, long rsb,             /* IN  k x nr    */
                             double beta, double *c, long ldc,      /* INOUT mr x nr */
                             long mr, long nr) {
    __m512d ab[MR][NV];
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++)
#pragma GCC unroll 8
        for (int v = 0; v < NV; v++) ab[i][v] = _mm512_setzero_pd();
    int nfull = (int)(nr / 8);                       /* full vectors in a row of the tile */
    __mmask8 mlast = (__mmask8)((1u << (nr % 8)) - 1u);   /* the partial one, if any */

    /* warm the C tile while the k loop runs */
    if (beta != 0.0)
        for (long i = 0; i < mr; i++) {
            _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
            _mm_prefetch((const char *)(c + i * ldc + nr - 1), _MM_HINT_T0);
        }

    if (packed)
        kloop_packed(k, a, b, ab);
    else
        kloop_strided(k, a, rsa, csa, b, rsb, mr, mlast, nfull, ab);

    /* C = alpha * AB + beta * C; beta == 0 never reads C */
    __m512d va = _mm512_set1_pd(alpha), vb = _mm512_set1_pd(beta);
    if (mr == MR && nr == NR) {
#pragma GCC unroll 16
        for (int i = 0; i < MR; i++) {
            double *ci = c + i * ldc;
#pragma GCC unroll 8
            for (int v = 0; v < NV; v++) {
                __m512d r = _mm512_mul_pd(va, ab[i][v]);
                if (beta != 0.0) r = _mm512_fmadd_pd(vb, _mm512_loadu_pd(ci + 8 * v), r);
                _mm512_storeu_pd(ci + 8 * v, r);
            }
        }
        return;
    }
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
        if (i >= mr) break;
        double *ci = c + i * ldc;
#pragma GCC unroll 8
        for (int v = 0; v < NV; v++) {
            if (v > nfull || (v == nfull && mlast == 0)) break;
            __mmask8 m = v < nfull ? (__mmask8)0xFF : mlast;
            __m512d r = _mm512_mul_pd(va, ab[i][v]);
            if (beta != 0.0) r = _mm512_fmadd_pd(vb, _mm512_maskz_loadu_pd(m, ci + 8 * v), r);
            _mm512_mask_storeu_pd(ci + 8 * v, m, r);
        }
    }
}

void dgemm_ukr_avx512_8x24(long k, double alpha, const double *a, long rsa, long csa,
                           const double *b, long rsb, double beta, double *c, long ldc,
                           long mr, long nr) {
    ukr_avx512(1, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr);
}

void dgemm_ukr_avx512_8x24_direct(long k, double alpha, const double *a, long rsa,
                                  long csa, const double *b, long rsb, double beta,
                                  double *c, long ldc, long mr, long nr) {
    ukr_avx512(0, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr);
}

/* Block sizes (Low et al. 2016): the MR x KC micro-panel of A, 8 x 384 doubles = 24 KiB,
 * stays in the 48 KiB L1 while the KC x NR micro-panels of B stream from L2; the
 * KC x NC block of B, 384 x 240 doubles = 720 KiB, stays in the 1 MiB L2; the MC x KC
 * block of A (2 x 2.25 MiB... 768 x 384 doubles = 2.25 MiB) lives in the shared L3. */
const rm_gemm_kernel_t rm_gemm_kernel_avx512 = {
    "avx512", dgemm_ukr_avx512_8x24, dgemm_ukr_avx512_8x24_direct, MR, NR,
    /* MC */ 768, /* KC */ 384, /* NC */ 240, /* small */ 64,
};

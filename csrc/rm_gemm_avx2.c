/* rm_gemm_avx2.c: the AVX2+FMA micro-kernel dgemm_ukr_avx2_6x8 (compiled with -mavx2
 * -mfma; chosen at run time only when cpuid and XGETBV say the CPU and the OS support
 * the YMM state).
 *
 * Layout ("broadcast A", row-preferential, as BLIS's Haswell 6x8 kernel): a row of the
 * tile is NR = 8 doubles = two YMM vectors.  At each step p the kernel loads b[p, 0:8]
 * and, for each of the MR = 6 rows, broadcasts a[i, p] and issues two FMAs:
 * ab[i, :] += a[i, p] * b[p, :] (a rank-1 update; Van Zee & van de Geijn 2015, sec. 4).
 * Register budget: 12 accumulators + 2 B vectors + 1 broadcast = 15 of 16 YMM registers;
 * 12 independent FMA chains cover the 2 pipes x 4 cycles of latency.
 * Edge tiles: columns by masked loads/stores (vmaskmov), rows by predicated stores.
 * Contract: rm_gemm_kernel.h.
 */
#include <immintrin.h>
#include "rm_gemm_kernel.h"
#include "rm_gemm_pack.h"

enum { MR = 6, NV = 2, NR = 4 * NV };

#define INLINE static inline __attribute__((always_inline))

/* lane mask for the first r (0..4) doubles of a vector */
INLINE __m256i lanes(long r) {
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(r), _mm256_set_epi64x(3, 2, 1, 0));
}

/* One tile with only the first MRE <= MR rows and NVE <= NV vectors computed (edge
 * tiles need no more: mr <= MRE, nr <= 4 * NVE). */
INLINE void ukr_avx2(int packed, const int MRE, const int NVE, long k, double alpha,
                     const double *a, long rsa, long csa,   /* IN  mr x k    */
                     const double *b, long rsb,             /* IN  k x nr    */
                     double beta, double *c, long ldc,      /* INOUT mr x nr */
                     long mr, long nr) {
    __m256d ab[MR][NV];
#pragma GCC unroll 16
    for (int i = 0; i < MRE; i++)
#pragma GCC unroll 8
        for (int v = 0; v < NVE; v++) ab[i][v] = _mm256_setzero_pd();

    if (beta != 0.0)
        for (long i = 0; i < mr; i++) {
            _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
            _mm_prefetch((const char *)(c + i * ldc + nr - 1), _MM_HINT_T0);
        }

    if (packed) {
        for (long p = 0; p < k; p++) {
            __m256d bv[NV];
#pragma GCC unroll 8
            for (int v = 0; v < NVE; v++) bv[v] = _mm256_load_pd(b + 4 * v);
#pragma GCC unroll 16
            for (int i = 0; i < MRE; i++) {
                __m256d ai = _mm256_broadcast_sd(a + i);
#pragma GCC unroll 8
                for (int v = 0; v < NVE; v++) ab[i][v] = _mm256_fmadd_pd(ai, bv[v], ab[i][v]);
            }
            a += MR;
            b += NR;
        }
    } else {
        /* caller's operands: rows beyond mr clamped to row mr-1 (never stored),
         * columns beyond nr masked off */
        const double *ap[MR];
        __m256i bm[NV];
#pragma GCC unroll 16
        for (int i = 0; i < MRE; i++) ap[i] = a + (i < mr ? i : mr - 1) * rsa;
#pragma GCC unroll 8
        for (int v = 0; v < NVE; v++) bm[v] = lanes(nr - 4 * v);
        for (long p = 0; p < k; p++) {
            __m256d bv[NV];
#pragma GCC unroll 8
            for (int v = 0; v < NVE; v++) bv[v] = _mm256_maskload_pd(b + 4 * v, bm[v]);
#pragma GCC unroll 16
            for (int i = 0; i < MRE; i++) {
                __m256d ai = _mm256_broadcast_sd(ap[i] + p * csa);
#pragma GCC unroll 8
                for (int v = 0; v < NVE; v++) ab[i][v] = _mm256_fmadd_pd(ai, bv[v], ab[i][v]);
            }
            b += rsb;
        }
    }

    /* C = alpha * AB + beta * C; beta == 0 never reads C */
    __m256d va = _mm256_set1_pd(alpha), vb = _mm256_set1_pd(beta);
    if (MRE == MR && NVE == NV && mr == MR && nr == NR) {
#pragma GCC unroll 16
        for (int i = 0; i < MRE; i++) {
            double *ci = c + i * ldc;
#pragma GCC unroll 8
            for (int v = 0; v < NVE; v++) {
                __m256d r = _mm256_mul_pd(va, ab[i][v]);
                if (beta != 0.0) r = _mm256_fmadd_pd(vb, _mm256_loadu_pd(ci + 4 * v), r);
                _mm256_storeu_pd(ci + 4 * v, r);
            }
        }
        return;
    }
#pragma GCC unroll 16
    for (int i = 0; i < MRE; i++) {
        if (i >= mr) break;
        double *ci = c + i * ldc;
#pragma GCC unroll 8
        for (int v = 0; v < NVE; v++) {
            if (4 * v >= nr) break;
            __m256i m = lanes(nr - 4 * v);
            __m256d r = _mm256_mul_pd(va, ab[i][v]);
            if (beta != 0.0) r = _mm256_fmadd_pd(vb, _mm256_maskload_pd(ci + 4 * v, m), r);
            _mm256_maskstore_pd(ci + 4 * v, m, r);
        }
    }
}

/* the instances: rows 6, 4, 2 or 1 by vectors 2 or 1, chosen by the tile's size */
#define RM_UKR_CASES(PACKED)                                                            \
    int rows = mr > 4 ? 6 : mr > 2 ? 4 : mr > 1 ? 2 : 1;                                \
    int two = nr > 4;                                                                   \
    switch (rows * 2 + two) {                                                           \
    case 6 * 2 + 1: ukr_avx2(PACKED, 6, 2, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr); break; \
    case 6 * 2 + 0: ukr_avx2(PACKED, 6, 1, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr); break; \
    case 4 * 2 + 1: ukr_avx2(PACKED, 4, 2, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr); break; \
    case 4 * 2 + 0: ukr_avx2(PACKED, 4, 1, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr); break; \
    case 2 * 2 + 1: ukr_avx2(PACKED, 2, 2, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr); break; \
    case 2 * 2 + 0: ukr_avx2(PACKED, 2, 1, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr); break; \
    case 1 * 2 + 1: ukr_avx2(PACKED, 1, 2, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr); break; \
    default:        ukr_avx2(PACKED, 1, 1, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr); break; \
    }

void dgemm_ukr_avx2_6x8(long k, double alpha, const double *a, long rsa, long csa,
                        const double *b, long rsb, double beta, double *c, long ldc,
                        long mr, long nr) {
    if (mr == MR && nr == NR) {   /* the common case first */
        ukr_avx2(1, MR, NV, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr);
        return;
    }
    RM_UKR_CASES(1)
}

void dgemm_ukr_avx2_6x8_direct(long k, double alpha, const double *a, long rsa, long csa,
                               const double *b, long rsb, double beta, double *c, long ldc,
                               long mr, long nr) {
    RM_UKR_CASES(0)
}

static void pack_a_avx2(int trans, long mr, long kc, const double *a, long lda, double *d) {
    rm_pack_a_panel(trans, mr, kc, a, lda, d, MR);
}

static void pack_b_avx2(int trans, long nr, long kc, const double *b, long ldb, double *d) {
    rm_pack_b_panel(trans, nr, kc, b, ldb, d, NR);
}

/* Block sizes (Low et al. 2016): the 6 x 256 micro-panel of A (12 KiB) stays in L1 with
 * room for the streaming B micro-panels; the 256 x 384 block of B (768 KiB) in L2;
 * the 1536 x 256 block of A (3 MiB) in L3.  Direct (unpacked) path only below 80^3
 * (measured: packing wins from 96^3, and for skinny shapes too, since two YMM loads of
 * B per step read in place cost more than with the AVX-512 kernel). */
const rm_gemm_kernel_t rm_gemm_kernel_avx2 = {
    "avx2", dgemm_ukr_avx2_6x8, dgemm_ukr_avx2_6x8_direct,
    pack_a_avx2, pack_b_avx2, MR, NR,
    /* MC */ 1536, /* KC */ 256, /* NC */ 384, /* small */ 80, /* skinny */ MR,
};

/* rm_gemm_avx2.c: the AVX2+FMA micro-kernels dgemm_ukr_avx2_6x8 and sgemm_ukr_avx2_6x16
 * (compiled with -mavx2 -mfma; chosen at run time only when cpuid and XGETBV say the CPU
 * and the OS support the YMM state).
 *
 * Layout ("broadcast A", row-preferential, as BLIS's Haswell 6x8 / 6x16 kernels): a row
 * of the tile is NV = 2 YMM vectors, NR = 8 doubles or 16 floats.  At each step p the
 * kernel loads b[p, 0:NR] and, for each of the MR = 6 rows, broadcasts a[i, p] and issues
 * two FMAs: ab[i, :] += a[i, p] * b[p, :] (a rank-1 update; Van Zee & van de Geijn 2015,
 * sec. 4).  Register budget: 12 accumulators + 2 B vectors + 1 broadcast = 15 of 16 YMM
 * registers; 12 independent FMA chains cover the 2 pipes x 4 cycles of latency.  The
 * float kernel does twice the flops per instruction with the same schedule.
 * Edge tiles: columns by masked loads/stores (vmaskmov), rows by predicated stores.
 * Contract: rm_gemm_kernel.h.
 *
 * Written once for both element types: the file includes itself twice with RM_T, RM_P
 * and the type's intrinsics (RM_V*: vector type, lanes, load/store/broadcast/FMA, the
 * lane mask) defined; each instance ends in its kernel's table.
 */
#ifndef RM_GEMM_AVX2_INSTANCE
#include <immintrin.h>
#include "rm_gemm_kernel.h"
#include "rm_gemm_pack.h"

#define INLINE static inline __attribute__((always_inline))

/* lane masks for the first r lanes of a vector (r may be <= 0 or >= the lane count) */
INLINE __m256i lanes_pd(long r) {
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(r), _mm256_set_epi64x(3, 2, 1, 0));
}
INLINE __m256i lanes_ps(long r) {
    int ri = r < 0 ? 0 : r > 8 ? 8 : (int)r;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(ri), _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0));
}

#define RM_GEMM_AVX2_INSTANCE
/* Block sizes (Low et al. 2016): the 6 x 256 micro-panel of A (12 KiB of doubles) stays
 * in L1 with room for the streaming B micro-panels; the 256 x 384 block of B (768 KiB)
 * in L2; the 1536 x 256 block of A (3 MiB) in L3.  The float kernel keeps the byte
 * footprints: KC = 512 (12 KiB), NC = 384 (768 KiB), MC = 1536 (3 MiB).  Direct (unpacked)
 * path only below 80^3 (measured: packing wins from 96^3, and for skinny shapes too,
 * since two YMM loads of B per step read in place cost more than with the AVX-512
 * kernel). */
#define RM_T double
#define RM_P d
#define RM_VT __m256d
#define RM_VL 4
#define RM_VLOAD _mm256_load_pd
#define RM_VLOADU _mm256_loadu_pd
#define RM_VSTOREU _mm256_storeu_pd
#define RM_VMASKLOAD _mm256_maskload_pd
#define RM_VMASKSTORE _mm256_maskstore_pd
#define RM_VBCAST _mm256_broadcast_sd
#define RM_VSET1 _mm256_set1_pd
#define RM_VZERO _mm256_setzero_pd
#define RM_VFMADD _mm256_fmadd_pd
#define RM_VMUL _mm256_mul_pd
#define RM_VLANES lanes_pd
#define RM_A2_KC 256
#define RM_A2_NAME dgemm_ukr_avx2_6x8
#include "rm_gemm_avx2.c"
#undef RM_T
#undef RM_P
#undef RM_VT
#undef RM_VL
#undef RM_VLOAD
#undef RM_VLOADU
#undef RM_VSTOREU
#undef RM_VMASKLOAD
#undef RM_VMASKSTORE
#undef RM_VBCAST
#undef RM_VSET1
#undef RM_VZERO
#undef RM_VFMADD
#undef RM_VMUL
#undef RM_VLANES
#undef RM_A2_KC
#undef RM_A2_NAME

#define RM_T float
#define RM_P s
#define RM_VT __m256
#define RM_VL 8
#define RM_VLOAD _mm256_load_ps
#define RM_VLOADU _mm256_loadu_ps
#define RM_VSTOREU _mm256_storeu_ps
#define RM_VMASKLOAD _mm256_maskload_ps
#define RM_VMASKSTORE _mm256_maskstore_ps
#define RM_VBCAST _mm256_broadcast_ss
#define RM_VSET1 _mm256_set1_ps
#define RM_VZERO _mm256_setzero_ps
#define RM_VFMADD _mm256_fmadd_ps
#define RM_VMUL _mm256_mul_ps
#define RM_VLANES lanes_ps
#define RM_A2_KC 512
#define RM_A2_NAME sgemm_ukr_avx2_6x16
#include "rm_gemm_avx2.c"

#else
/* ---- one instance ---- */
#define RM_A2_CAT_(a, b) a##b
#define RM_A2_CAT(a, b) RM_A2_CAT_(a, b)
#define MR 6
#define NV 2
#define NR (RM_VL * NV)

/* One tile with only the first MRE <= MR rows and NVE <= NV vectors computed (edge
 * tiles need no more: mr <= MRE, nr <= RM_VL * NVE). */
INLINE void RM_TN(ukr_avx2_, )(int packed, const int MRE, const int NVE, long k, RM_T alpha,
                               const RM_T *a, long rsa, long csa,   /* IN  mr x k    */
                               const RM_T *b, long rsb,             /* IN  k x nr    */
                               RM_T beta, RM_T *c, long ldc,        /* INOUT mr x nr */
                               long mr, long nr) {
    RM_VT ab[MR][NV];
#pragma GCC unroll 16
    for (int i = 0; i < MRE; i++)
#pragma GCC unroll 8
        for (int v = 0; v < NVE; v++) ab[i][v] = RM_VZERO();

    if (beta != (RM_T)0)
        for (long i = 0; i < mr; i++) {
            _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
            _mm_prefetch((const char *)(c + i * ldc + nr - 1), _MM_HINT_T0);
        }

    if (packed) {
        for (long p = 0; p < k; p++) {
            RM_VT bv[NV];
#pragma GCC unroll 8
            for (int v = 0; v < NVE; v++) bv[v] = RM_VLOAD(b + RM_VL * v);
#pragma GCC unroll 16
            for (int i = 0; i < MRE; i++) {
                RM_VT ai = RM_VBCAST(a + i);
#pragma GCC unroll 8
                for (int v = 0; v < NVE; v++) ab[i][v] = RM_VFMADD(ai, bv[v], ab[i][v]);
            }
            a += MR;
            b += NR;
        }
    } else {
        /* caller's operands: rows beyond mr clamped to row mr-1 (never stored),
         * columns beyond nr masked off */
        const RM_T *ap[MR];
        __m256i bm[NV];
#pragma GCC unroll 16
        for (int i = 0; i < MRE; i++) ap[i] = a + (i < mr ? i : mr - 1) * rsa;
#pragma GCC unroll 8
        for (int v = 0; v < NVE; v++) bm[v] = RM_VLANES(nr - RM_VL * v);
        for (long p = 0; p < k; p++) {
            RM_VT bv[NV];
#pragma GCC unroll 8
            for (int v = 0; v < NVE; v++) bv[v] = RM_VMASKLOAD(b + RM_VL * v, bm[v]);
#pragma GCC unroll 16
            for (int i = 0; i < MRE; i++) {
                RM_VT ai = RM_VBCAST(ap[i] + p * csa);
#pragma GCC unroll 8
                for (int v = 0; v < NVE; v++) ab[i][v] = RM_VFMADD(ai, bv[v], ab[i][v]);
            }
            b += rsb;
        }
    }

    /* C = alpha * AB + beta * C; beta == 0 never reads C */
    RM_VT va = RM_VSET1(alpha), vb = RM_VSET1(beta);
    if (MRE == MR && NVE == NV && mr == MR && nr == NR) {
#pragma GCC unroll 16
        for (int i = 0; i < MRE; i++) {
            RM_T *ci = c + i * ldc;
#pragma GCC unroll 8
            for (int v = 0; v < NVE; v++) {
                RM_VT r = RM_VMUL(va, ab[i][v]);
                if (beta != (RM_T)0) r = RM_VFMADD(vb, RM_VLOADU(ci + RM_VL * v), r);
                RM_VSTOREU(ci + RM_VL * v, r);
            }
        }
        return;
    }
#pragma GCC unroll 16
    for (int i = 0; i < MRE; i++) {
        if (i >= mr) break;
        RM_T *ci = c + i * ldc;
#pragma GCC unroll 8
        for (int v = 0; v < NVE; v++) {
            if (RM_VL * v >= nr) break;
            __m256i m = RM_VLANES(nr - RM_VL * v);
            RM_VT r = RM_VMUL(va, ab[i][v]);
            if (beta != (RM_T)0) r = RM_VFMADD(vb, RM_VMASKLOAD(ci + RM_VL * v, m), r);
            RM_VMASKSTORE(ci + RM_VL * v, m, r);
        }
    }
}

/* the instances: rows 6, 4, 2 or 1 by vectors 2 or 1, chosen by the tile's size */
#define RM_UKR_ONE(PACKED, R, V) \
    RM_TN(ukr_avx2_, )(PACKED, R, V, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr)
#define RM_UKR_CASES(PACKED)                                                            \
    int rows = mr > 4 ? 6 : mr > 2 ? 4 : mr > 1 ? 2 : 1;                                \
    int two = nr > RM_VL;                                                               \
    switch (rows * 2 + two) {                                                           \
    case 6 * 2 + 1: RM_UKR_ONE(PACKED, 6, 2); break;                                    \
    case 6 * 2 + 0: RM_UKR_ONE(PACKED, 6, 1); break;                                    \
    case 4 * 2 + 1: RM_UKR_ONE(PACKED, 4, 2); break;                                    \
    case 4 * 2 + 0: RM_UKR_ONE(PACKED, 4, 1); break;                                    \
    case 2 * 2 + 1: RM_UKR_ONE(PACKED, 2, 2); break;                                    \
    case 2 * 2 + 0: RM_UKR_ONE(PACKED, 2, 1); break;                                    \
    case 1 * 2 + 1: RM_UKR_ONE(PACKED, 1, 2); break;                                    \
    default:        RM_UKR_ONE(PACKED, 1, 1); break;                                    \
    }

static void RM_A2_NAME(long k, RM_T alpha, const RM_T *a, long rsa, long csa,
                       const RM_T *b, long rsb, RM_T beta, RM_T *c, long ldc,
                       long mr, long nr) {
    if (mr == MR && nr == NR) {   /* the common case first */
        RM_UKR_ONE(1, MR, NV);
        return;
    }
    RM_UKR_CASES(1)
}

static void RM_A2_CAT(RM_A2_NAME, _direct)(long k, RM_T alpha, const RM_T *a, long rsa,
                                           long csa, const RM_T *b, long rsb, RM_T beta,
                                           RM_T *c, long ldc, long mr, long nr) {
    RM_UKR_CASES(0)
}

static void RM_TN(pack_a_avx2_, )(int trans, long mr, long kc, const RM_T *a, long lda,
                                  RM_T *d) {
    RM_TN(rm_, pack_a_panel)(trans, mr, kc, a, lda, d, MR);
}

static void RM_TN(pack_b_avx2_, )(int trans, long nr, long kc, const RM_T *b, long ldb,
                                  RM_T *d) {
    RM_TN(rm_, pack_b_panel)(trans, nr, kc, b, ldb, d, NR);
}

const RM_TN(rm_, gemm_kernel_t) RM_TN(rm_, gemm_kernel_avx2) = {
    "avx2", RM_A2_NAME, RM_A2_CAT(RM_A2_NAME, _direct),
    RM_TN(pack_a_avx2_, ), RM_TN(pack_b_avx2_, ), MR, NR,
    /* MC */ 1536, /* KC */ RM_A2_KC, /* NC */ 384, /* small */ 80, /* skinny */ MR,
};

#undef MR
#undef NV
#undef NR
#undef RM_UKR_ONE
#undef RM_UKR_CASES
#endif

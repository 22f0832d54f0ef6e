/* rm_gemm_avx512.c: the AVX-512F micro-kernels dgemm_ukr_avx512_8x24 and
 * sgemm_ukr_avx512_8x48 (compiled with -mavx512f -mavx2 -mfma; chosen at run time only
 * when cpuid and XGETBV say the CPU and the OS support the ZMM and opmask state).
 *
 * Layout ("broadcast A", row-preferential, BLIS Zen4 8x24 style): C is row-major, so a row
 * of the tile is NV = 3 ZMM vectors, NR = 24 doubles or 48 floats.  At each step p of the
 * k loop the kernel loads the three vectors b[p, 0:NR] and, for each of the MR = 8 rows,
 * broadcasts a[i, p] and issues three FMAs:  ab[i, :] += a[i, p] * b[p, :]  (a rank-1
 * update, BLIS micro-kernel, Van Zee & van de Geijn 2015, section 4).  Register budget:
 * 24 accumulators + 3 B vectors + 1 broadcast = 28 of the 32 ZMM registers.  With two FMA
 * pipes of latency 4, 24 independent accumulators keep both pipes busy (at least 8 are
 * needed).  The float kernel runs the same schedule on 16 lanes: twice the flops per
 * instruction, the same bytes of A and B per FMA.
 * Edge tiles: columns by an opmask on the loads/stores of C (and of B when B is not
 * packed), rows by predicated stores.  Contract: rm_gemm_kernel.h.
 *
 * The micro-kernel is written once for both element types: the file includes itself
 * twice with RM_T, RM_P and the type's intrinsics (RM_V*: vector and mask types, lanes,
 * loads/stores/FMA) defined.  The packing routines (8 x 8 register transposes for
 * doubles) and the two block-size tables follow the instances.
 */
#ifndef RM_GEMM_AVX512_INSTANCE
#include <immintrin.h>
#include "rm_gemm_kernel.h"
#include "rm_gemm_pack.h"

#ifndef RM512_MR
#define RM512_MR 8
#endif
#ifndef RM512_NV
#define RM512_NV 3
#endif
enum { MR = RM512_MR, NV = RM512_NV, NR_D = 8 * RM512_NV, NR_S = 16 * RM512_NV };

#define INLINE static inline __attribute__((always_inline))
#define RM_A5_CAT_(a, b) a##b
#define RM_A5_CAT(a, b) RM_A5_CAT_(a, b)

#define RM_GEMM_AVX512_INSTANCE
#define RM_T double
#define RM_P d
#define RM_VT __m512d
#define RM_MASK __mmask8
#define RM_MASK_ALL 0xFFu
#define RM_VL 8
#define RM_LINE 8          /* elements per 64-byte cache line */
#define RM_VLOAD _mm512_load_pd
#define RM_VLOADU _mm512_loadu_pd
#define RM_VMASKZLOAD _mm512_maskz_loadu_pd
#define RM_VSTOREU _mm512_storeu_pd
#define RM_VMASKSTORE _mm512_mask_storeu_pd
#define RM_VSET1 _mm512_set1_pd
#define RM_VZERO _mm512_setzero_pd
#define RM_VFMADD _mm512_fmadd_pd
#define RM_VMUL _mm512_mul_pd
#define RM_A5_NAME dgemm_ukr_avx512_8x24
#include "rm_gemm_avx512.c"
#undef RM_T
#undef RM_P
#undef RM_VT
#undef RM_MASK
#undef RM_MASK_ALL
#undef RM_VL
#undef RM_LINE
#undef RM_VLOAD
#undef RM_VLOADU
#undef RM_VMASKZLOAD
#undef RM_VSTOREU
#undef RM_VMASKSTORE
#undef RM_VSET1
#undef RM_VZERO
#undef RM_VFMADD
#undef RM_VMUL
#undef RM_A5_NAME

#define RM_T float
#define RM_P s
#define RM_VT __m512
#define RM_MASK __mmask16
#define RM_MASK_ALL 0xFFFFu
#define RM_VL 16
#define RM_LINE 16
#define RM_VLOAD _mm512_load_ps
#define RM_VLOADU _mm512_loadu_ps
#define RM_VMASKZLOAD _mm512_maskz_loadu_ps
#define RM_VSTOREU _mm512_storeu_ps
#define RM_VMASKSTORE _mm512_mask_storeu_ps
#define RM_VSET1 _mm512_set1_ps
#define RM_VZERO _mm512_setzero_ps
#define RM_VFMADD _mm512_fmadd_ps
#define RM_VMUL _mm512_mul_ps
#define RM_A5_NAME sgemm_ukr_avx512_8x48
#include "rm_gemm_avx512.c"
#undef RM_T
#undef RM_P
#undef RM_VL
#undef RM_A5_NAME

/* The 8 x 8 block r[0..7] (rows) transposed in registers: t[j] = column j.
 * unpacklo/hi pair up neighbouring rows, two rounds of 128-bit lane shuffles
 * (vshuff64x2) finish the transpose. */
INLINE void transpose8(__m512d r[8], __m512d t[8]) {
    __m512d u[8], w[8];
    for (int i = 0; i < 4; i++) {
        u[2 * i] = _mm512_unpacklo_pd(r[2 * i], r[2 * i + 1]);      /* cols 0 2 4 6 */
        u[2 * i + 1] = _mm512_unpackhi_pd(r[2 * i], r[2 * i + 1]);  /* cols 1 3 5 7 */
    }
    /* w0: col 0|4 of rows 0-3, w1: col 2|6, w2: col 1|5, w3: col 3|7; w4..7 rows 4-7 */
    w[0] = _mm512_shuffle_f64x2(u[0], u[2], 0x88);
    w[1] = _mm512_shuffle_f64x2(u[0], u[2], 0xDD);
    w[2] = _mm512_shuffle_f64x2(u[1], u[3], 0x88);
    w[3] = _mm512_shuffle_f64x2(u[1], u[3], 0xDD);
    w[4] = _mm512_shuffle_f64x2(u[4], u[6], 0x88);
    w[5] = _mm512_shuffle_f64x2(u[4], u[6], 0xDD);
    w[6] = _mm512_shuffle_f64x2(u[5], u[7], 0x88);
    w[7] = _mm512_shuffle_f64x2(u[5], u[7], 0xDD);
    t[0] = _mm512_shuffle_f64x2(w[0], w[4], 0x88);
    t[4] = _mm512_shuffle_f64x2(w[0], w[4], 0xDD);
    t[2] = _mm512_shuffle_f64x2(w[1], w[5], 0x88);
    t[6] = _mm512_shuffle_f64x2(w[1], w[5], 0xDD);
    t[1] = _mm512_shuffle_f64x2(w[2], w[6], 0x88);
    t[5] = _mm512_shuffle_f64x2(w[2], w[6], 0xDD);
    t[3] = _mm512_shuffle_f64x2(w[3], w[7], 0x88);
    t[7] = _mm512_shuffle_f64x2(w[3], w[7], 0xDD);
}

/* 8 rows x (8 * (kc / 8)) columns, row stride ld, transposed into d with stride dstride:
 * d[p * dstride + i] = x[i * ld + p]. Returns the number of columns done. */
INLINE long pack_transpose8(long kc, const double *x, long ld, double *d, long dstride) {
    long p = 0;
    for (; p + 8 <= kc; p += 8) {
        __m512d r[8], t[8];
#pragma GCC unroll 8
        for (int i = 0; i < 8; i++) r[i] = _mm512_loadu_pd(x + i * ld + p);
        transpose8(r, t);
#pragma GCC unroll 8
        for (int j = 0; j < 8; j++) _mm512_store_pd(d + (p + j) * dstride, t[j]);
    }
    return p;
}

static void pack_a_avx512_d(int trans, long mr, long kc, const double *a, long lda, double *d) {
    if (!trans && mr == MR && MR == 8) {
        /* op(A) = A: 8 rows of A, transposed 8 x 8 at a time into the panel */
        long p = pack_transpose8(kc, a, lda, d, MR);
        for (; p < kc; p++)
            for (int i = 0; i < MR; i++) d[p * MR + i] = a[i * lda + p];
    } else if (trans && mr == MR && MR == 8) {
        /* op(A) = A^T: a row of the panel is a contiguous piece of a row of A */
        for (long p = 0; p < kc; p++) _mm512_store_pd(d + p * MR, _mm512_loadu_pd(a + p * lda));
    } else {
        rm_dpack_a_panel(trans, mr, kc, a, lda, d, MR);
    }
}

static void pack_b_avx512_d(int trans, long nr, long kc, const double *b, long ldb, double *d) {
    if (!trans && nr == NR_D) {
        for (long p = 0; p < kc; p++)
#pragma GCC unroll 8
            for (int v = 0; v < NV; v++)
                _mm512_store_pd(d + p * NR_D + 8 * v, _mm512_loadu_pd(b + p * ldb + 8 * v));
    } else if (trans && nr == NR_D) {
        /* op(B) = B^T: rows 8v..8v+7 of B transposed 8 x 8 into columns 8v.. of the panel */
        long done = 0;
        for (int v = 0; v < NV; v++)
            done = pack_transpose8(kc, b + 8 * v * ldb, ldb, d + 8 * v, NR_D);
        for (long p = done; p < kc; p++)
            for (int j = 0; j < NR_D; j++) d[p * NR_D + j] = b[j * ldb + p];
    } else {
        rm_dpack_b_panel(trans, nr, kc, b, ldb, d, NR_D);
    }
}

/* float panels: the portable packing loops (compiled here with AVX-512 flags, the
 * copies of a row are vectorised by the compiler) */
static void pack_a_avx512_s(int trans, long mr, long kc, const float *a, long lda, float *d) {
    rm_spack_a_panel(trans, mr, kc, a, lda, d, MR);
}

static void pack_b_avx512_s(int trans, long nr, long kc, const float *b, long ldb, float *d) {
    rm_spack_b_panel(trans, nr, kc, b, ldb, d, NR_S);
}

/* Block sizes (Low et al. 2016), checked by sweeps on the target (Zen 4/5 class: 48 KiB
 * L1d, 1 MiB L2 per core, 32 MiB shared L3): the MR x KC micro-panel of A, 8 x 384
 * doubles = 24 KiB, stays in L1 while the KC x NR micro-panels of B stream from L2; the
 * KC x NC block of B, 384 x 240 doubles = 720 KiB, stays in L2 (NC 120-240 equal, 480+
 * slower); the MC x KC block of A, 1536 x 384 doubles = 4.5 MiB, lives in L3 (MC 1536 vs
 * 768: +3% at 2048^3, fewer re-packings of B).  Direct (unpacked) path: measured faster
 * than packing up to about 640^3 for square products, and for a narrow C (n <= 256:
 * 256x4096 @ 4096x256 118 vs 109 GFLOPS, 10000x50 @ 50x100 103 vs 99). */
const rm_dgemm_kernel_t rm_dgemm_kernel_avx512 = {
    "avx512", dgemm_ukr_avx512_8x24, dgemm_ukr_avx512_8x24_direct,
    pack_a_avx512_d, pack_b_avx512_d, MR, NR_D,
    /* MC */ 1536, /* KC */ 384, /* NC */ 240, /* small */ 384, /* skinny */ 256,
};

/* The float kernel's table: the same byte footprints (measured below): the 8 x KC panel
 * of A in L1, the KC x NC block of B in L2, the MC x KC block of A in L3. */
const rm_sgemm_kernel_t rm_sgemm_kernel_avx512 = {
    "avx512", sgemm_ukr_avx512_8x48, sgemm_ukr_avx512_8x48_direct,
    pack_a_avx512_s, pack_b_avx512_s, MR, NR_S,
    /* MC */ 1536, /* KC */ 512, /* NC */ 384, /* small */ 384, /* skinny */ 256,
};

#else
/* ---- one instance: the micro-kernel for RM_T ---- */
#define NR (RM_VL * NV)

/* ab += A @ B for the packed (fixed-stride, zero-padded) panels */
INLINE void RM_TN(kloop_packed_, )(long k, const RM_T *a, const RM_T *b, RM_VT ab[MR][NV],
                         const int MRE, const int NVE) {
    for (long p = 0; p < k; p++) {
        RM_VT bv[NV];
#pragma GCC unroll 8
        for (int v = 0; v < NVE; v++) bv[v] = RM_VLOAD(b + RM_VL * v);
#pragma GCC unroll 16
        for (int i = 0; i < MRE; i++) {
            RM_VT ai = RM_VSET1(a[i]);
#pragma GCC unroll 8
            for (int v = 0; v < NVE; v++) ab[i][v] = RM_VFMADD(ai, bv[v], ab[i][v]);
        }
        a += MR;
        b += NR;
    }
}

/* ab += A @ B for the caller's own operands (direct path): rows of A beyond mr are
 * clamped to row mr-1 (their results are never stored), columns of B beyond nr are
 * masked off in the loads. */
INLINE void RM_TN(kloop_strided_, )(long k, const RM_T *a, long rsa, long csa,
                          const RM_T *b, long rsb, long mr, RM_MASK mlast, int nfull,
                          RM_VT ab[MR][NV], const int MRE, const int NVE) {
    const RM_T *ap[MR];
#pragma GCC unroll 16
    for (int i = 0; i < MRE; i++) ap[i] = a + (i < mr ? i : mr - 1) * rsa;
    for (long p = 0; p < k; p++) {
        RM_VT bv[NV];
#pragma GCC unroll 8
        for (int v = 0; v < NVE; v++)
            bv[v] = v < nfull ? RM_VLOADU(b + RM_VL * v)
                  : v == nfull ? RM_VMASKZLOAD(mlast, b + RM_VL * v)
                  : RM_VZERO();
#pragma GCC unroll 16
        for (int i = 0; i < MRE; i++) {
            RM_VT ai = RM_VSET1(ap[i][p * csa]);
#pragma GCC unroll 8
            for (int v = 0; v < NVE; v++) ab[i][v] = RM_VFMADD(ai, bv[v], ab[i][v]);
        }
        b += rsb;
    }
}

/* One tile with only the first MRE <= MR rows and NVE <= NV vectors computed (edge tiles
 * need no more: mr <= MRE, nr <= RM_VL * NVE), so a 64-column C costs 8 vectors per row of
 * tiles, not 9, and a 1-row C one broadcast per step, not 8. */
INLINE void RM_TN(ukr_avx512_, )(int packed, const int MRE, const int NVE, long k, RM_T alpha,
                       const RM_T *a, long rsa, long csa,   /* IN  mr x k    */
                       const RM_T *b, long rsb,             /* IN  k x nr    */
                       RM_T beta, RM_T *c, long ldc,      /* INOUT mr x nr */
                       long mr, long nr) {
    RM_VT ab[MR][NV];
#pragma GCC unroll 16
    for (int i = 0; i < MRE; i++)
#pragma GCC unroll 8
        for (int v = 0; v < NVE; v++) ab[i][v] = RM_VZERO();
    int nfull = (int)(nr / RM_VL);                       /* full vectors in a row of the tile */
    RM_MASK mlast = (RM_MASK)((1u << (nr % RM_VL)) - 1u);   /* the partial one, if any */

    /* warm the C tile while the k loop runs */
    if (beta != (RM_T)0)
        for (long i = 0; i < mr; i++)
            for (long j = 0; j < nr + RM_LINE - 1; j += RM_LINE)   /* every line of the row */
                _mm_prefetch((const char *)(c + i * ldc + (j < nr ? j : nr - 1)), _MM_HINT_T0);

    if (packed)
        RM_TN(kloop_packed_, )(k, a, b, ab, MRE, NVE);
    else
        RM_TN(kloop_strided_, )(k, a, rsa, csa, b, rsb, mr, mlast, nfull, ab, MRE, NVE);

    /* C = alpha * AB + beta * C; beta == 0 never reads C */
    RM_VT va = RM_VSET1(alpha), vb = RM_VSET1(beta);
    if (MRE == MR && NVE == NV && mr == MR && nr == NR) {
#pragma GCC unroll 16
        for (int i = 0; i < MR; i++) {
            RM_T *ci = c + i * ldc;
#pragma GCC unroll 8
            for (int v = 0; v < NV; v++) {
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
            if (v > nfull || (v == nfull && mlast == 0)) break;
            RM_MASK m = v < nfull ? (RM_MASK)RM_MASK_ALL : mlast;
            RM_VT r = RM_VMUL(va, ab[i][v]);
            if (beta != (RM_T)0) r = RM_VFMADD(vb, RM_VMASKZLOAD(m, ci + RM_VL * v), r);
            RM_VMASKSTORE(ci + RM_VL * v, m, r);
        }
    }
}

/* the instances: rows 8, 4, 2 or 1 by vectors 3, 2 or 1, chosen by the tile's size */
#define RM_UKR_ONE(PACKED, R, V) \
    RM_TN(ukr_avx512_, )(PACKED, R, V, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr)
#define RM_UKR_CASES(PACKED)                                                            \
    int rows = mr > 4 ? 8 : mr > 2 ? 4 : mr > 1 ? 2 : 1;                                \
    int nv = (int)((nr + RM_VL - 1) / RM_VL);                                           \
    switch (rows * 4 + (nv < NV ? nv : NV)) {                                           \
    case 8 * 4 + 3: RM_UKR_ONE(PACKED, 8, 3); break;                                    \
    case 8 * 4 + 2: RM_UKR_ONE(PACKED, 8, 2); break;                                    \
    case 8 * 4 + 1: RM_UKR_ONE(PACKED, 8, 1); break;                                    \
    case 4 * 4 + 3: RM_UKR_ONE(PACKED, 4, 3); break;                                    \
    case 4 * 4 + 2: RM_UKR_ONE(PACKED, 4, 2); break;                                    \
    case 4 * 4 + 1: RM_UKR_ONE(PACKED, 4, 1); break;                                    \
    case 2 * 4 + 3: RM_UKR_ONE(PACKED, 2, 3); break;                                    \
    case 2 * 4 + 2: RM_UKR_ONE(PACKED, 2, 2); break;                                    \
    case 2 * 4 + 1: RM_UKR_ONE(PACKED, 2, 1); break;                                    \
    case 1 * 4 + 3: RM_UKR_ONE(PACKED, 1, 3); break;                                    \
    case 1 * 4 + 2: RM_UKR_ONE(PACKED, 1, 2); break;                                    \
    default:        RM_UKR_ONE(PACKED, 1, 1); break;                                    \
    }

static void RM_A5_NAME(long k, RM_T alpha, const RM_T *a, long rsa, long csa,
                           const RM_T *b, long rsb, RM_T beta, RM_T *c, long ldc,
                           long mr, long nr) {
    if (mr == MR && nr == NR) {   /* the common case first */
        RM_UKR_ONE(1, MR, NV);
        return;
    }
    RM_UKR_CASES(1)
}

static void RM_A5_CAT(RM_A5_NAME, _direct)(long k, RM_T alpha, const RM_T *a, long rsa,
                                  long csa, const RM_T *b, long rsb, RM_T beta,
                                  RM_T *c, long ldc, long mr, long nr) {
    RM_UKR_CASES(0)
}

#undef NR
#undef RM_UKR_ONE
#undef RM_UKR_CASES
#endif

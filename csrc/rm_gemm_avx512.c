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
#include "rm_gemm_pack.h"

#ifndef RM512_MR
#define RM512_MR 8
#endif
#ifndef RM512_NV
#define RM512_NV 3
#endif
enum { MR = RM512_MR, NV = RM512_NV, NR = 8 * RM512_NV };

#define INLINE static inline __attribute__((always_inline))

/* ab += A @ B for the packed (fixed-stride, zero-padded) panels */
INLINE void kloop_packed(long k, const double *a, const double *b, __m512d ab[MR][NV],
                         const int MRE, const int NVE) {
    for (long p = 0; p < k; p++) {
        __m512d bv[NV];
#pragma GCC unroll 8
        for (int v = 0; v < NVE; v++) bv[v] = _mm512_load_pd(b + 8 * v);
#pragma GCC unroll 16
        for (int i = 0; i < MRE; i++) {
            __m512d ai = _mm512_set1_pd(a[i]);
#pragma GCC unroll 8
            for (int v = 0; v < NVE; v++) ab[i][v] = _mm512_fmadd_pd(ai, bv[v], ab[i][v]);
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
                          __m512d ab[MR][NV], const int MRE, const int NVE) {
    const double *ap[MR];
#pragma GCC unroll 16
    for (int i = 0; i < MRE; i++) ap[i] = a + (i < mr ? i : mr - 1) * rsa;
    for (long p = 0; p < k; p++) {
        __m512d bv[NV];
#pragma GCC unroll 8
        for (int v = 0; v < NVE; v++)
            bv[v] = v < nfull ? _mm512_loadu_pd(b + 8 * v)
                  : v == nfull ? _mm512_maskz_loadu_pd(mlast, b + 8 * v)
                  : _mm512_setzero_pd();
#pragma GCC unroll 16
        for (int i = 0; i < MRE; i++) {
            __m512d ai = _mm512_set1_pd(ap[i][p * csa]);
#pragma GCC unroll 8
            for (int v = 0; v < NVE; v++) ab[i][v] = _mm512_fmadd_pd(ai, bv[v], ab[i][v]);
        }
        b += rsb;
    }
}

/* One tile with only the first MRE <= MR rows and NVE <= NV vectors computed (edge tiles
 * need no more: mr <= MRE, nr <= 8 * NVE), so a 64-column C costs 8 vectors per row of
 * tiles, not 9, and a 1-row C one broadcast per step, not 8. */
INLINE void ukr_avx512(int packed, const int MRE, const int NVE, long k, double alpha,
                       const double *a, long rsa, long csa,   /* IN  mr x k    */
                       const double *b, long rsb,             /* IN  k x nr    */
                       double beta, double *c, long ldc,      /* INOUT mr x nr */
                       long mr, long nr) {
    __m512d ab[MR][NV];
#pragma GCC unroll 16
    for (int i = 0; i < MRE; i++)
#pragma GCC unroll 8
        for (int v = 0; v < NVE; v++) ab[i][v] = _mm512_setzero_pd();
    int nfull = (int)(nr / 8);                       /* full vectors in a row of the tile */
    __mmask8 mlast = (__mmask8)((1u << (nr % 8)) - 1u);   /* the partial one, if any */

    /* warm the C tile while the k loop runs */
    if (beta != 0.0)
        for (long i = 0; i < mr; i++)
            for (long j = 0; j < nr + 7; j += 8)     /* every line of the row (3 or 4) */
                _mm_prefetch((const char *)(c + i * ldc + (j < nr ? j : nr - 1)), _MM_HINT_T0);

    if (packed)
        kloop_packed(k, a, b, ab, MRE, NVE);
    else
        kloop_strided(k, a, rsa, csa, b, rsb, mr, mlast, nfull, ab, MRE, NVE);

    /* C = alpha * AB + beta * C; beta == 0 never reads C */
    __m512d va = _mm512_set1_pd(alpha), vb = _mm512_set1_pd(beta);
    if (MRE == MR && NVE == NV && mr == MR && nr == NR) {
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
    for (int i = 0; i < MRE; i++) {
        if (i >= mr) break;
        double *ci = c + i * ldc;
#pragma GCC unroll 8
        for (int v = 0; v < NVE; v++) {
            if (v > nfull || (v == nfull && mlast == 0)) break;
            __mmask8 m = v < nfull ? (__mmask8)0xFF : mlast;
            __m512d r = _mm512_mul_pd(va, ab[i][v]);
            if (beta != 0.0) r = _mm512_fmadd_pd(vb, _mm512_maskz_loadu_pd(m, ci + 8 * v), r);
            _mm512_mask_storeu_pd(ci + 8 * v, m, r);
        }
    }
}

/* the instances: rows 8, 4, 2 or 1 by vectors 3, 2 or 1, chosen by the tile's size */
#define RM_UKR_CASES(PACKED)                                                            \
    int rows = mr > 4 ? 8 : mr > 2 ? 4 : mr > 1 ? 2 : 1;                                \
    int nv = (int)((nr + 7) / 8);                                                       \
    switch (rows * 4 + (nv < NV ? nv : NV)) {                                           \
    case 8 * 4 + 3: ukr_avx512(PACKED, 8, 3, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr); break; \
    case 8 * 4 + 2: ukr_avx512(PACKED, 8, 2, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr); break; \
    case 8 * 4 + 1: ukr_avx512(PACKED, 8, 1, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr); break; \
    case 4 * 4 + 3: ukr_avx512(PACKED, 4, 3, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr); break; \
    case 4 * 4 + 2: ukr_avx512(PACKED, 4, 2, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr); break; \
    case 4 * 4 + 1: ukr_avx512(PACKED, 4, 1, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr); break; \
    case 2 * 4 + 3: ukr_avx512(PACKED, 2, 3, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr); break; \
    case 2 * 4 + 2: ukr_avx512(PACKED, 2, 2, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr); break; \
    case 2 * 4 + 1: ukr_avx512(PACKED, 2, 1, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr); break; \
    case 1 * 4 + 3: ukr_avx512(PACKED, 1, 3, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr); break; \
    case 1 * 4 + 2: ukr_avx512(PACKED, 1, 2, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr); break; \
    default:        ukr_avx512(PACKED, 1, 1, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr); break; \
    }

void dgemm_ukr_avx512_8x24(long k, double alpha, const double *a, long rsa, long csa,
                           const double *b, long rsb, double beta, double *c, long ldc,
                           long mr, long nr) {
    if (mr == MR && nr == NR) {   /* the common case first */
        ukr_avx512(1, MR, NV, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr);
        return;
    }
    RM_UKR_CASES(1)
}

void dgemm_ukr_avx512_8x24_direct(long k, double alpha, const double *a, long rsa,
                                  long csa, const double *b, long rsb, double beta,
                                  double *c, long ldc, long mr, long nr) {
    RM_UKR_CASES(0)
}

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

static void pack_a_avx512(int trans, long mr, long kc, const double *a, long lda, double *d) {
    if (!trans && mr == MR && MR == 8) {
        /* op(A) = A: 8 rows of A, transposed 8 x 8 at a time into the panel */
        long p = pack_transpose8(kc, a, lda, d, MR);
        for (; p < kc; p++)
            for (int i = 0; i < MR; i++) d[p * MR + i] = a[i * lda + p];
    } else if (trans && mr == MR && MR == 8) {
        /* op(A) = A^T: a row of the panel is a contiguous piece of a row of A */
        for (long p = 0; p < kc; p++) _mm512_store_pd(d + p * MR, _mm512_loadu_pd(a + p * lda));
    } else {
        rm_pack_a_panel(trans, mr, kc, a, lda, d, MR);
    }
}

static void pack_b_avx512(int trans, long nr, long kc, const double *b, long ldb, double *d) {
    if (!trans && nr == NR) {
        for (long p = 0; p < kc; p++)
#pragma GCC unroll 8
            for (int v = 0; v < NV; v++)
                _mm512_store_pd(d + p * NR + 8 * v, _mm512_loadu_pd(b + p * ldb + 8 * v));
    } else if (trans && nr == NR) {
        /* op(B) = B^T: rows 8v..8v+7 of B transposed 8 x 8 into columns 8v.. of the panel */
        long done = 0;
        for (int v = 0; v < NV; v++) done = pack_transpose8(kc, b + 8 * v * ldb, ldb, d + 8 * v, NR);
        for (long p = done; p < kc; p++)
            for (int j = 0; j < NR; j++) d[p * NR + j] = b[j * ldb + p];
    } else {
        rm_pack_b_panel(trans, nr, kc, b, ldb, d, NR);
    }
}

/* Block sizes (Low et al. 2016), checked by sweeps on the target (Zen 4/5 class: 48 KiB
 * L1d, 1 MiB L2 per core, 32 MiB shared L3): the MR x KC micro-panel of A, 8 x 384
 * doubles = 24 KiB, stays in L1 while the KC x NR micro-panels of B stream from L2; the
 * KC x NC block of B, 384 x 240 doubles = 720 KiB, stays in L2 (NC 120-240 equal, 480+
 * slower); the MC x KC block of A, 1536 x 384 doubles = 4.5 MiB, lives in L3 (MC 1536 vs
 * 768: +3% at 2048^3, fewer re-packings of B).  Direct (unpacked) path: measured faster
 * than packing up to about 640^3 for square products, and for a narrow C (n <= 256:
 * 256x4096 @ 4096x256 118 vs 109 GFLOPS, 10000x50 @ 50x100 103 vs 99). */
const rm_gemm_kernel_t rm_gemm_kernel_avx512 = {
    "avx512", dgemm_ukr_avx512_8x24, dgemm_ukr_avx512_8x24_direct,
    pack_a_avx512, pack_b_avx512, MR, NR,
    /* MC */ 1536, /* KC */ 384, /* NC */ 240, /* small */ 384, /* skinny */ 256,
};

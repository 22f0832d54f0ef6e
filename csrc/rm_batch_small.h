/* rm_batch_small.h: LU and Cholesky of many small matrices at once, one matrix per SIMD
 * lane (part D, issue 14: numpy's stacked (..., n, n) solve / inv / det / slogdet /
 * cholesky for n <= RM_BNMAX).
 *
 * Not a header to include anywhere else: rm_vec_impl.h includes it once per element
 * type and instruction set, beside rm_vec_decomp.h and with the same macros (RM_T,
 * RM_VN, RM_SFX), giving dbatch_lu_<isa>, sbatch_lu_<isa>, dbatch_potrf_<isa> ...
 *
 * Why.  A 4 x 4 LU is ~40 flops; a per-matrix call of a scalar kernel (ours or numpy's
 * LAPACK) spends more on loop set-up, pivot search branches and the call itself than on
 * the flops, and no SIMD lane is ever full.  The batch is therefore cut into blocks of W
 * matrices (W = SIMD lanes of the element type: 8 doubles / 16 floats with AVX-512, 4 / 8
 * with AVX2 and the generic build) and each block is transposed into the "compact" or
 * "interleaved" layout of [KCD17] and [DHHRZ17]: vector e holds entry e of the W
 * matrices, one matrix per lane.  The factorisation is then written as for one matrix,
 * with every scalar operation a vector operation on W matrices and every branch a
 * per-lane mask:
 *   - partial pivoting: candidate row r replaces the pivot row j in the lanes where
 *     |a_rj| > |a_jj| (a compare and a blend of the two rows; ties keep the earlier row,
 *     as idamax).  The rows left below the pivot are a permutation of LAPACK's one-swap
 *     order; each row's elimination is the same arithmetic, so the factors are LAPACK's
 *     up to that row order.  The sign of the permutation is kept per lane.
 *   - an exactly zero pivot (LAPACK's info > 0) is recorded per lane; the lane goes on
 *     computing (with infinities or NaNs) while its neighbours are unaffected.
 *   - Cholesky's "not positive definite" (d <= 0 or NaN, dpotf2's test) likewise.
 *   - NaN / infinity in the input: x * 0 summed over the lane's entries is NaN exactly
 *     then, so the check costs one multiply-add per entry loaded, in the same pass.
 * The last block of a batch whose length is not a multiple of W is padded with identity
 * matrices in the unused lanes, which are computed and never stored: the remainder takes
 * the same code as the rest (one path to test), at the price of at most W - 1 identity
 * factorisations per call.
 *
 * Algorithms.  LU: Gaussian elimination with partial pivoting, GVL4 Alg. 3.4.1 (LAPACK
 * dgetf2), applied to [A | B] at once for solve and inv, so that L never needs storing
 * (the updates of B are dgetrs's forward substitution with L, in the same order), then
 * back substitution with U (GVL4 Alg. 3.1.2, dtrsm's divide by u_jj).  inv is solve
 * with B = I built in registers (numpy's inv: dgesv with B = I).  det is the pivot
 * product with the permutation's sign; when a partial product leaves the normal range
 * (|p| < T_MIN or |p| > T_MAX) the lane is flagged and the caller recomputes that matrix
 * with the scalar mantissa/exponent product (_lu.pyx's diag_product), so that no
 * overflow or gradual underflow on the way changes the result.  Cholesky: dpotf2's
 * dot-product form, GVL4 Alg. 4.2.1 (l_jj = sqrt(a_jj - sum_p l_jp^2), then column j
 * below it divided by l_jj).
 *
 * Cost at 4 x 4 (AVX-512, float64): the transposition of 8 matrices in and out is
 * ~2 x 128 scalar moves; the arithmetic is ~60 vector operations for 8 matrices.
 *
 * References
 * [KCD17]  K. Kim, T. B. Costa, M. Deveci, A. M. Bradley, S. D. Hammond, M. E. Guney,
 *          S. Knepper, S. Story, S. Rajamanickam, "Designing vector-friendly compact BLAS
 *          and LAPACK kernels", SC17 (2017): the interleaved layout, one matrix per lane.
 * [DHHRZ17] J. Dongarra, S. Hammarling, N. J. Higham, S. D. Relton, M. Zounon,
 *          "Optimized batched linear algebra for modern architectures", Euro-Par 2017:
 *          block-interleaved batches of 2 x 2 ... 32 x 32, Cholesky and POSV.
 * [GVL4]   G. H. Golub, C. F. Van Loan, Matrix Computations, 4th ed., 2013.
 * [LAPACK] dgetf2, dgetrs, dpotf2 (reference LAPACK 3.x).
 *
 * Contracts (T = double or float; matrices contiguous, row-major, n x n each):
 *
 * int <d|s>batch_lu(batch, n, k, mode, A, B, X, det, info)
 *   1 <= n <= RM_BNMAX.  A: batch x n x n, read only.
 *   mode RM_BLU_SOLVE: B batch x n x k (1 <= k <= RM_BKMAX), X_i = inv(A_i) B_i into X
 *                      (batch x n x k; X may be B);
 *   mode RM_BLU_INV:   X_i = inv(A_i) (batch x n x n; B unused);
 *   mode RM_BLU_DET:   det[i] = det(A_i) as a double (0.0 when a pivot is exactly zero).
 *   info[i]: 0; or j + 1 for the first exactly zero pivot U[j, j] (solve / inv; det
 *   reports it as det 0 with info 0); RM_BINFO_NONFINITE (-1) for NaN or infinity in
 *   A_i or B_i; RM_BINFO_RANGE (-2) when det[i] (det mode) or an entry of X_i (solve /
 *   inv) is not a finite normal-range result: the caller decides (scalar recompute of
 *   det, "result overflowed" for X).  Returns the number of i with info[i] != 0.
 *
 * int <d|s>batch_potrf(batch, n, upper, A, L, info)
 *   A batch x n x n read only, its lower triangle (upper = 0) or upper triangle
 *   (upper = 1) factored: L_i lower with A_i = L_i L_i^T and exact zeros above (or
 *   U_i = L_i^T of the upper triangle, exact zeros below).  info[i]: 0, j + 1 for the
 *   first leading minor of order j + 1 not positive, or RM_BINFO_NONFINITE for NaN /
 *   infinity anywhere in A_i.  Returns the number of i with info[i] != 0.
 *
 * int rm_batch_lanes(int is_float): W of the table's build (tests cut batches around it).
 */
#if RM_HAVE_VEC

#ifndef RM_BATCH_SMALL_ONCE
#define RM_BATCH_SMALL_ONCE
#  if defined(__AVX512F__)
#    define RM_BW 64                  /* bytes per lane vector: one ZMM register */
#  else
#    define RM_BW 32                  /* one YMM register (AVX2), two XMM (generic) */
#  endif
#  if defined(__SSE2__) || defined(_M_X64)
#    include <immintrin.h>
#  endif
static int RM_SFX(batch_lanes)(int is_float) {
    return is_float ? RM_BW / (int)sizeof(float) : RM_BW / (int)sizeof(double);
}
#endif

/* the lane vector of W entries, its comparison mask (signed integers of the same width),
 * and W itself */
typedef RM_T RM_VN(bvec_t) __attribute__((vector_size(RM_BW)));
typedef __typeof__((RM_VN(bvec_t)){0} < (RM_VN(bvec_t)){0}) RM_VN(bmask_t);
#define BV RM_VN(bvec_t)
#define BM RM_VN(bmask_t)
#define BW ((ptrdiff_t)(RM_BW / sizeof(RM_T)))
#define BZERO ((BV){0})

/* m ? a : b lane by lane (C has no ?: on vectors), and |x| (the sign bits cleared).
 * Macros, and bsqrt below takes a pointer: a function passing 32-byte vectors by value
 * would change the calling convention in the generic build (gcc's -Wpsabi; see
 * rm_port.h's rm_load4) */
#define BSEL(m, a, b) ((BV)(((m) & (BM)(a)) | (~(m) & (BM)(b))))
#define BABS(x) ((BV)(~(BM)(-BZERO) & (BM)(x)))      /* -BZERO: the sign bits */
/* lane-wise sqrt: the ISA's vector instruction (libm's sqrt would be called per lane,
 * with its errno branch); the cast between same-size vectors only renames the bits */
RM_INLINE void RM_VN(bsqrt)(BV *v) {
    BV x = *v;
#if RM_BW == 64
    if (sizeof(RM_T) == 8) x = (BV)_mm512_sqrt_pd((__m512d)x);
    else x = (BV)_mm512_sqrt_ps((__m512)x);
#elif defined(__AVX__)
    if (sizeof(RM_T) == 8) x = (BV)_mm256_sqrt_pd((__m256d)x);
    else x = (BV)_mm256_sqrt_ps((__m256)x);
#elif defined(__SSE2__) || defined(_M_X64)
    __m128d h[2];
    memcpy(h, &x, sizeof x);
    if (sizeof(RM_T) == 8) {
        h[0] = _mm_sqrt_pd(h[0]);
        h[1] = _mm_sqrt_pd(h[1]);
    } else {
        h[0] = _mm_castps_pd(_mm_sqrt_ps(_mm_castpd_ps(h[0])));
        h[1] = _mm_castps_pd(_mm_sqrt_ps(_mm_castpd_ps(h[1])));
    }
    memcpy(&x, h, sizeof x);
#else
    for (int l = 0; l < (int)BW; l++) x[l] = (RM_T)sqrt((double)x[l]);
#endif
    *v = x;
}

/* Gather entries e0..e0+m-1 of cnt matrices (stride ld between matrices, entries at
 * p[i * ld + e]) into m lane vectors; lanes cnt..W-1 get pad[e] (identity entries). */
RM_INLINE void RM_VN(bgather)(ptrdiff_t m, ptrdiff_t cnt, const RM_T *p,
                                      ptrdiff_t ld, const RM_T *pad, BV *v) {
    RM_T buf[64 * RM_BW / sizeof(RM_T)] __attribute__((aligned(64)));
    if (cnt == BW) {
        for (ptrdiff_t l = 0; l < BW; l++)
            for (ptrdiff_t e = 0; e < m; e++) buf[e * BW + l] = p[l * ld + e];
    } else {
        for (ptrdiff_t l = 0; l < BW; l++)
            for (ptrdiff_t e = 0; e < m; e++)
                buf[e * BW + l] = l < cnt ? p[l * ld + e] : pad[e];
    }
    for (ptrdiff_t e = 0; e < m; e++) memcpy(&v[e], buf + e * BW, sizeof(BV));
}

/* The inverse of bgather for the first cnt lanes. */
RM_INLINE void RM_VN(bscatter)(ptrdiff_t m, ptrdiff_t cnt, const BV *v, RM_T *p,
                                       ptrdiff_t ld) {
    RM_T buf[64 * RM_BW / sizeof(RM_T)] __attribute__((aligned(64)));
    for (ptrdiff_t e = 0; e < m; e++) memcpy(buf + e * BW, &v[e], sizeof(BV));
    for (ptrdiff_t l = 0; l < cnt; l++)
        for (ptrdiff_t e = 0; e < m; e++) p[l * ld + e] = buf[e * BW + l];
}

/* the identity's entries, the padding of an incomplete block */
RM_INLINE void RM_VN(bident)(ptrdiff_t n, ptrdiff_t k, RM_T *pad) {
    for (ptrdiff_t r = 0; r < n; r++)
        for (ptrdiff_t c = 0; c < k; c++) pad[r * k + c] = r == c ? 1 : 0;
}

/* RM_BLU_SOLVE / _INV / _DET, RM_BINFO_*, RM_BNMAX, RM_BKMAX: rm_kernels.h */

/* One block of cnt <= W matrices: the body of batch_lu, inlined with constant n, k and
 * mode so that the entry vectors live in registers and every loop unrolls. */
RM_INLINE int RM_VN(blu_block)(const ptrdiff_t n, const ptrdiff_t k,
                                       const int mode, ptrdiff_t cnt,
                                       const RM_T *A,     /* IN  cnt x n x n */
                                       const RM_T *B,     /* IN  cnt x n x k (solve) */
                                       RM_T *X,           /* OUT cnt x n x k (solve, inv) */
                                       double *det,       /* OUT cnt (det) */
                                       int *info,         /* OUT cnt */
                                       const RM_T *pad) { /* the identity, n x n */
    BV a[RM_BNMAX * RM_BNMAX], b[RM_BNMAX * RM_BNMAX];
    const ptrdiff_t kb = mode == RM_BLU_INV ? n : k;     /* columns of [A | B]'s B */
    BV fin = BZERO, sign = BZERO + 1, zpiv = BZERO;
    RM_VN(bgather)(n * n, cnt, A, n * n, pad, a);
    for (ptrdiff_t e = 0; e < n * n; e++) fin += a[e] * 0;
    if (mode == RM_BLU_SOLVE) {
        RM_VN(bgather)(n * k, cnt, B, n * k, pad, b);    /* (pad: any finite entries) */
        for (ptrdiff_t e = 0; e < n * k; e++) fin += b[e] * 0;
    } else if (mode == RM_BLU_INV) {
        for (ptrdiff_t r = 0; r < n; r++)
            for (ptrdiff_t c = 0; c < n; c++) b[r * n + c] = BZERO + (RM_T)(r == c);
    }
    for (ptrdiff_t j = 0; j < n; j++) {
        /* GVL4 Alg. 3.4.1: the pivot of column j, row by row, a blend per candidate */
        for (ptrdiff_t r = j + 1; r < n; r++) {
            BM m = BABS(a[r * n + j]) > BABS(a[j * n + j]);
            for (ptrdiff_t c = j; c < n; c++) {
                BV x = a[j * n + c], y = a[r * n + c];
                a[j * n + c] = BSEL(m, y, x);
                a[r * n + c] = BSEL(m, x, y);
            }
            if (mode != RM_BLU_DET) {
                for (ptrdiff_t c = 0; c < kb; c++) {
                    BV x = b[j * kb + c], y = b[r * kb + c];
                    b[j * kb + c] = BSEL(m, y, x);
                    b[r * kb + c] = BSEL(m, x, y);
                }
            } else {
                sign = BSEL(m, -sign, sign);
            }
        }
        const BV piv = a[j * n + j];
        zpiv = BSEL((piv == 0) & (zpiv == 0), BZERO + (RM_T)(j + 1), zpiv);
        /* eliminate below the pivot: a_r -= (a_rj / a_jj) a_j, and the same on B
         * (dgetrs's forward substitution with unit L, in dgetf2's order) */
        for (ptrdiff_t r = j + 1; r < n; r++) {
            const BV l = a[r * n + j] / piv;
            for (ptrdiff_t c = j + 1; c < n; c++) a[r * n + c] -= l * a[j * n + c];
            if (mode != RM_BLU_DET)
                for (ptrdiff_t c = 0; c < kb; c++) b[r * kb + c] -= l * b[j * kb + c];
        }
    }
    const BM bad_in = fin != fin;
    BM range = (BM)BZERO;
    if (mode == RM_BLU_DET) {
        /* det = sign * prod u_jj; every partial product must stay in the normal range */
        const RM_T tmin = sizeof(RM_T) == 8 ? (RM_T)2.2250738585072014e-308 : (RM_T)1.17549435e-38f;
        const RM_T tmax = sizeof(RM_T) == 8 ? (RM_T)1.7976931348623157e308 : (RM_T)3.40282347e38f;
        BV p = sign;
        BM inr = ~(BM)BZERO;
        for (ptrdiff_t j = 0; j < n; j++) {
            p = p * a[j * n + j];
            const BV ap = BABS(p);
            inr &= (ap >= tmin) & (ap <= tmax);
        }
        p = BSEL(zpiv != 0, BZERO, p);
        range = ~inr & (zpiv == 0);
        for (ptrdiff_t l = 0; l < cnt; l++) det[l] = (double)p[l];
    } else {
        /* back substitution with U, GVL4 Alg. 3.1.2 (row-oriented), on each column of B */
        BV xfin = BZERO;
        for (ptrdiff_t r = n - 1; r >= 0; r--) {
            for (ptrdiff_t c = 0; c < kb; c++) {
                BV x = b[r * kb + c];
                for (ptrdiff_t p = r + 1; p < n; p++) x -= a[r * n + p] * b[p * kb + c];
                b[r * kb + c] = x / a[r * n + r];
                xfin += b[r * kb + c] * 0;
            }
        }
        range = (xfin != xfin) & (zpiv == 0);
        RM_VN(bscatter)(n * kb, cnt, b, X, n * kb);
    }
    int nbad = 0;
    for (ptrdiff_t l = 0; l < cnt; l++) {
        int code = 0;
        if (bad_in[l]) code = RM_BINFO_NONFINITE;
        else if (mode != RM_BLU_DET && zpiv[l] != 0) code = (int)zpiv[l];
        else if (range[l]) code = RM_BINFO_RANGE;
        info[l] = code;
        nbad += code != 0;
    }
    return nbad;
}

/* the same body with n, k and mode variable (orders without their own instance) */
static int RM_VN(blu_any)(ptrdiff_t n, ptrdiff_t kb, int mode, ptrdiff_t cnt,
                          const RM_T *A, const RM_T *B, RM_T *X, double *det, int *info,
                          const RM_T *pad) {
    return RM_VN(blu_block)(n, kb, mode, cnt, A, B, X, det, info, pad);
}

static int RM_SFX(RM_VN(batch_lu))(ptrdiff_t batch, ptrdiff_t n, ptrdiff_t k, int mode,
                                   const RM_T *A, const RM_T *B, RM_T *X, double *det,
                                   int *info) {
    RM_T pad[RM_BNMAX * RM_BNMAX] = {0};
    const ptrdiff_t kb = mode == RM_BLU_INV ? n : k;
    int nbad = 0;
    RM_VN(bident)(n, n, pad);
    for (ptrdiff_t i = 0; i < batch; i += BW) {
        const ptrdiff_t cnt = batch - i < BW ? batch - i : BW;
        const RM_T *Ai = A + i * n * n;
        const RM_T *Bi = mode == RM_BLU_SOLVE ? B + i * n * k : NULL;
        RM_T *Xi = mode == RM_BLU_DET ? NULL : X + i * n * kb;
        double *di = mode == RM_BLU_DET ? det + i : NULL;
        int *ii = info + i;
#define RM_BLU_CASE(N)                                                                   \
        case N:                                                                          \
            if (mode == RM_BLU_DET)                                                      \
                nbad += RM_VN(blu_block)(N, 0, RM_BLU_DET, cnt, Ai, Bi, Xi, di, ii, pad); \
            else if (mode == RM_BLU_INV)                                                 \
                nbad += RM_VN(blu_block)(N, N, RM_BLU_INV, cnt, Ai, Bi, Xi, di, ii, pad); \
            else if (k == 1)                                                             \
                nbad += RM_VN(blu_block)(N, 1, RM_BLU_SOLVE, cnt, Ai, Bi, Xi, di, ii, pad); \
            else                                                                         \
                nbad += RM_VN(blu_block)(N, k, RM_BLU_SOLVE, cnt, Ai, Bi, Xi, di, ii, pad); \
            break;
        switch (n) {
            RM_BLU_CASE(2) RM_BLU_CASE(3) RM_BLU_CASE(4)
            default:        /* n = 1, 5..8: one instance with n and k variable */
                nbad += RM_VN(blu_any)(n, kb, mode, cnt, Ai, Bi, Xi, di, ii, pad);
                break;
        }
#undef RM_BLU_CASE
    }
    return nbad;
}

/* One block of the batch Cholesky (constant n, upper), dpotf2's order. */
RM_INLINE int RM_VN(bpotrf_block)(const ptrdiff_t n, const int upper,
                                          ptrdiff_t cnt,
                                          const RM_T *A,     /* IN  cnt x n x n */
                                          RM_T *L,           /* OUT cnt x n x n */
                                          int *info,         /* OUT cnt */
                                          const RM_T *pad) {
    BV a[RM_BNMAX * RM_BNMAX], l[RM_BNMAX * RM_BNMAX];
    BV fin = BZERO, fail = BZERO;
    RM_VN(bgather)(n * n, cnt, A, n * n, pad, a);
    for (ptrdiff_t e = 0; e < n * n; e++) fin += a[e] * 0;
    /* entry (i, j) of the triangle factored: A's lower one, or A^T's (A's upper) */
#define RM_AIJ(i, j) (upper ? a[(j) * n + (i)] : a[(i) * n + (j)])
    for (ptrdiff_t j = 0; j < n; j++) {
        BV d = RM_AIJ(j, j);
        for (ptrdiff_t p = 0; p < j; p++) d -= l[j * n + p] * l[j * n + p];
        /* dpotf2: stop at the first d <= 0 or NaN; here the lane records it */
        fail = BSEL(~(d > 0) & (fail == 0), BZERO + (RM_T)(j + 1), fail);
        BV ljj = d;
        RM_VN(bsqrt)(&ljj);
        l[j * n + j] = ljj;
        for (ptrdiff_t i = j + 1; i < n; i++) {
            BV s = RM_AIJ(i, j);
            for (ptrdiff_t p = 0; p < j; p++) s -= l[i * n + p] * l[j * n + p];
            l[i * n + j] = s / ljj;
        }
        for (ptrdiff_t c = j + 1; c < n; c++) l[j * n + c] = BZERO;
    }
#undef RM_AIJ
    if (upper) {
        /* U = L^T: transpose the lane vectors (a register renaming) */
        for (ptrdiff_t i = 0; i < n; i++)
            for (ptrdiff_t j = 0; j < n; j++) a[i * n + j] = l[j * n + i];
        RM_VN(bscatter)(n * n, cnt, a, L, n * n);
    } else {
        RM_VN(bscatter)(n * n, cnt, l, L, n * n);
    }
    const BM bad_in = fin != fin;
    int nbad = 0;
    for (ptrdiff_t q = 0; q < cnt; q++) {
        int code = bad_in[q] ? RM_BINFO_NONFINITE : (int)fail[q];
        info[q] = code;
        nbad += code != 0;
    }
    return nbad;
}

static int RM_VN(bpotrf_any)(ptrdiff_t n, int upper, ptrdiff_t cnt, const RM_T *A,
                             RM_T *L, int *info, const RM_T *pad) {
    return RM_VN(bpotrf_block)(n, upper, cnt, A, L, info, pad);
}

static int RM_SFX(RM_VN(batch_potrf))(ptrdiff_t batch, ptrdiff_t n, int upper,
                                      const RM_T *A, RM_T *L, int *info) {
    RM_T pad[RM_BNMAX * RM_BNMAX] = {0};
    int nbad = 0;
    RM_VN(bident)(n, n, pad);
    for (ptrdiff_t i = 0; i < batch; i += BW) {
        const ptrdiff_t cnt = batch - i < BW ? batch - i : BW;
        const RM_T *Ai = A + i * n * n;
        RM_T *Li = L + i * n * n;
#define RM_BPO_CASE(N)                                                                   \
        case N:                                                                          \
            nbad += upper ? RM_VN(bpotrf_block)(N, 1, cnt, Ai, Li, info + i, pad)        \
                          : RM_VN(bpotrf_block)(N, 0, cnt, Ai, Li, info + i, pad);       \
            break;
        switch (n) {
            RM_BPO_CASE(2) RM_BPO_CASE(3) RM_BPO_CASE(4)
            default:        /* n = 1, 5..8: one instance with n variable */
                nbad += RM_VN(bpotrf_any)(n, upper, cnt, Ai, Li, info + i, pad);
                break;
        }
#undef RM_BPO_CASE
    }
    return nbad;
}

#undef BV
#undef BM
#undef BW
#undef BZERO
#undef BSEL
#undef BABS

#endif /* RM_HAVE_VEC */

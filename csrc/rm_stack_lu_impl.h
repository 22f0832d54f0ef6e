/* rm_stack_lu_impl.h: the kernel of rm_stack_lu.h (its contract is there), written once
 * and compiled once per instruction set and element type.
 *
 * Not a header to include anywhere else: rm_stack_lu.c, rm_stack_lu_avx2.c and
 * rm_stack_lu_avx512.c define RM_ISA, then SLU_T (double or float) and SLU_P (d or s)
 * and include this file, once per element type; it defines rm_<SLU_P>stack_lu_<RM_ISA>.
 *
 * Layout.  A block of W matrices (W = lanes of the element type: 8 doubles / 16 floats
 * with AVX-512, 4 / 8 otherwise) lives in a workspace of lane vectors: the vector at
 * w[r * ld + c] holds entry (r, c) of the W matrices, one per lane ([KCD17]'s "compact"
 * layout).  Row r is [A_r | B_r]: for solve and inverse the right-hand sides (B, or the
 * identity) sit beside A, ld = n + kb + 1 (the one spare vector keeps the rows from
 * being a power of two apart, where a column's entries would share cache sets: det at
 * n = 64 took 17 ms instead of 14 for 1000 matrices), so that the elimination applies L^{-1} to them as
 * it goes (dgetrs's forward substitution, fused: L is never needed afterwards, which is
 * also why the row interchanges skip the columns left of the current panel).  An
 * incomplete last block fills its unused lanes with identity matrices, computed and
 * never stored: one code path for every block.
 *
 * Algorithm: the blocked right-looking LU of LAPACK's dgetrf ([LAPACK], GVL4 Sec. 3.4,
 * block form) with panels of NB columns, on all W matrices at once:
 *   1. panel: for each column j of the panel, the pivot of each lane (the first row of
 *      largest |a_rj|, as idamax), the interchange of rows j and p in each lane whose
 *      p != j (a scalar swap: the lanes' pivots differ), the multipliers
 *      l_rj = a_rj / a_jj (times the reciprocal unless |a_jj| < the safe minimum, as
 *      dgetf2) and their rank-1 update of the panel's remaining columns (dgetf2);
 *   2. U_12 = inv(L_11) A_12, the panel's block row right of it (dtrsm, unit lower);
 *   3. A_22 -= L_21 U_12, the trailing rows, B's columns included (dgemm, rank NB): the
 *      kernel slu_sub keeps MR rows x NB multipliers in registers for a pass over the
 *      columns, so that a lane vector of C is loaded and stored once per NB
 *      multiply-adds.
 * An exactly zero pivot (the column is zero from row j down) is recorded per lane and
 * its multipliers set to zero (dgetf2 skips the step); the other lanes are unaffected.
 * Then, for solve and inverse, the back substitution X = inv(U) Y (GVL4 Alg. 3.1.2 by
 * blocks, bottom up: the diagonal block by rows, then the rows above it updated by
 * slu_sub with rank NB, as dtrsm's blocked form); for det, the pivots' product with the
 * permutation's sign, renormalised by frexp at each step (_lu.pyx's diag_product, in
 * the same order), so that no partial product overflows or underflows.
 *
 * Rounding: the same operations as dgetrf + dgetrs on each matrix up to the order of
 * the sums in the trailing updates (no FMA contraction: -std=c99).
 *
 * References
 * [KCD17]  K. Kim et al., "Designing vector-friendly compact BLAS and LAPACK kernels",
 *          SC17 (2017): the interleaved layout, and LU with per-lane pivoting in it.
 * [GVL4]   G. H. Golub, C. F. Van Loan, Matrix Computations, 4th ed., 2013.
 * [LAPACK] dgetrf, dgetf2, dtrsm, dgetrs (reference LAPACK 3.x).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "rm_port.h"
#include "rm_kernels.h"           /* RM_BLU_*, RM_BINFO_* (shared with rm_batch_small.h) */
#include "rm_stack_lu.h"

#if RM_HAVE_VEC

#ifndef RM_STACK_LU_ONCE
#define RM_STACK_LU_ONCE
#  define SLU_CAT_(a, b, c) a##b##_##c
#  define SLU_CAT(a, b, c) SLU_CAT_(a, b, c)
#  define SLU_NAME_(p, isa) rm_##p##stack_lu_##isa
#  define SLU_NAME(p, isa) SLU_NAME_(p, isa)
#  define SPO_NAME_(p, isa) rm_##p##stack_potrf_##isa
#  define SPO_NAME(p, isa) SPO_NAME_(p, isa)
#  if defined(__AVX512F__)
#    define SLU_BW 64             /* bytes per lane vector: one ZMM register */
#  else
#    define SLU_BW 32             /* one YMM register (AVX2), two XMM (generic) */
#  endif
/* the one table of block sizes: NB columns per panel (the rank of each trailing
 * update), MR rows of multipliers held in registers by slu_sub.  Measured (AVX2, 1000
 * stacked 64 x 64 float64, one thread): det / solve / inv within 5% of each other for
 * NB in {4, 6, 8} and MR in {1, 2, 3, 4} (slu_sub is about a third of the time; the
 * loads, pivot searches and interchanges the rest); 4 x 2 fits the 16 AVX2 registers */
#  define SLU_NB 4
#  define SLU_MR 2
#endif

#define SV SLU_CAT(slu_v, SLU_P, RM_ISA)
#define SM SLU_CAT(slu_m, SLU_P, RM_ISA)
#define SLU_FN(name) SLU_CAT(name, SLU_P, RM_ISA)
typedef SLU_T SV __attribute__((vector_size(SLU_BW)));
typedef __typeof__((SV){0} < (SV){0}) SM;
#define SW ((ptrdiff_t)(SLU_BW / sizeof(SLU_T)))
#define SZERO ((SV){0})
#define SSEL(m, a, b) ((SV)(((m) & (SM)(a)) | (~(m) & (SM)(b))))
#define SABS(x) ((SV)(~(SM)(-SZERO) & (SM)(x)))

/* the largest finite value of the element type: !(|x| <= SLU_BIG) holds exactly for NaN
 * and infinity, one vector comparison */
#define SLU_BIG (sizeof(SLU_T) == 8 ? (SLU_T)1.7976931348623157e308 : (SLU_T)3.40282347e38f)

/* Load: w[r * ld + c] <- entry (r, c) of the W matrices, lane l reading src[l][r * rs +
 * c * cs] (rs = cols, cs = 1: the matrix; rs = 1, cs = rows: its transpose), r < rows,
 * c < cols; the lanes of NaN or infinity are or-ed into *bad. */
RM_INLINE void SLU_FN(slu_load)(ptrdiff_t rows, ptrdiff_t cols, const SLU_T *const *src,
                                ptrdiff_t rs, ptrdiff_t cs, SV *w, ptrdiff_t ld, SM *bad) {
    SM b = *bad;
    for (ptrdiff_t r = 0; r < rows; r++)
        for (ptrdiff_t c = 0; c < cols; c++) {
            SV v;
            for (ptrdiff_t l = 0; l < SW; l++) v[l] = src[l][r * rs + c * cs];
            b |= ~(SABS(v) <= SLU_BIG);
            w[r * ld + c] = v;
        }
    *bad = b;
}

/* Store: lanes l < cnt of w[r * ld + c] into dst[l * rows * cols + r * rs + c * cs]
 * (the transposition as in slu_load); the lanes holding NaN or infinity are or-ed into
 * *range (by pointer, as every vector argument here: see slu_scale). */
RM_INLINE void SLU_FN(slu_store)(ptrdiff_t rows, ptrdiff_t cols, const SV *w, ptrdiff_t ld,
                                 ptrdiff_t cnt, SLU_T *dst, ptrdiff_t rs, ptrdiff_t cs,
                                 SM *range) {
    SM b = *range;
    for (ptrdiff_t r = 0; r < rows; r++)
        for (ptrdiff_t c = 0; c < cols; c++) {
            const SV v = w[r * ld + c];
            b |= ~(SABS(v) <= SLU_BIG);
            for (ptrdiff_t l = 0; l < cnt; l++) dst[l * rows * cols + r * rs + c * cs] = v[l];
        }
    *range = b;
}

/* C[i, c] -= sum_{q < k} L[i, q] U[q, c] for i < m, c < nc (k <= SLU_NB); every entry a
 * lane vector, rows ld vectors apart in all three.  Inlined with k constant (SLU_NB) or
 * not (a short last panel, the diagonal blocks). */
RM_INLINE void SLU_FN(slu_sub_k)(ptrdiff_t m, ptrdiff_t nc, const ptrdiff_t k, SV *C,
                                 const SV *L, const SV *U, ptrdiff_t ld) {
    ptrdiff_t i = 0;
    for (; i + SLU_MR <= m; i += SLU_MR) {
        SV l[SLU_MR][SLU_NB];
        for (ptrdiff_t r = 0; r < SLU_MR; r++)
            for (ptrdiff_t q = 0; q < k; q++) l[r][q] = L[(i + r) * ld + q];
        SV *c0 = C + i * ld;
        for (ptrdiff_t c = 0; c < nc; c++) {
            SV x[SLU_MR];
            for (ptrdiff_t r = 0; r < SLU_MR; r++) x[r] = c0[r * ld + c];
            for (ptrdiff_t q = 0; q < k; q++) {
                const SV u = U[q * ld + c];
                for (ptrdiff_t r = 0; r < SLU_MR; r++) x[r] -= l[r][q] * u;
            }
            for (ptrdiff_t r = 0; r < SLU_MR; r++) c0[r * ld + c] = x[r];
        }
    }
    for (; i < m; i++) {
        SV l[SLU_NB];
        for (ptrdiff_t q = 0; q < k; q++) l[q] = L[i * ld + q];
        SV *ci = C + i * ld;
        for (ptrdiff_t c = 0; c < nc; c++) {
            SV x = ci[c];
            for (ptrdiff_t q = 0; q < k; q++) x -= l[q] * U[q * ld + c];
            ci[c] = x;
        }
    }
}

/* C -= L U of any rank k (in steps of SLU_NB) */
static void SLU_FN(slu_sub)(ptrdiff_t m, ptrdiff_t nc, ptrdiff_t k, SV *C, const SV *L,
                            const SV *U, ptrdiff_t ld) {
    for (ptrdiff_t q = 0; q < k; q += SLU_NB) {
        if (k - q >= SLU_NB)
            SLU_FN(slu_sub_k)(m, nc, SLU_NB, C, L + q, U + q * ld, ld);
        else
            SLU_FN(slu_sub_k)(m, nc, k - q, C, L + q, U + q * ld, ld);
    }
}

/* x * (1 / d) lane by lane, or x / d when some lane's |d| is below the safe minimum
 * (1 / d would overflow there: dgetf2's SFMIN test); d has no zero lanes.  d by
 * pointer: a vector argument by value changes the calling convention between ISAs
 * (gcc's -Wpsabi, see rm_port.h) */
RM_INLINE void SLU_FN(slu_scale)(ptrdiff_t cnt, ptrdiff_t stride, SV *x, const SV *dp) {
    const SV d = *dp;
    const SLU_T sfmin = sizeof(SLU_T) == 8 ? (SLU_T)2.2250738585072014e-308
                                           : (SLU_T)1.17549435e-38f;
    const SM tiny = SABS(d) < sfmin;
    int any = 0;
    for (ptrdiff_t l = 0; l < SW; l++) any |= tiny[l] != 0;
    if (any) {
        for (ptrdiff_t i = 0; i < cnt; i++) x[i * stride] = x[i * stride] / d;
    } else {
        const SV rec = 1 / d;
        for (ptrdiff_t i = 0; i < cnt; i++) x[i * stride] = x[i * stride] * rec;
    }
}

/* The workspace of one call: nvec lane vectors (*w, aligned) and the identity of order
 * n (*pad, the unused lanes' matrix); the block to free, or NULL. */
static char *SLU_FN(slu_workspace)(ptrdiff_t n, ptrdiff_t nvec, SV **w, SLU_T **pad) {
    char *raw = malloc((size_t)nvec * sizeof(SV) + (size_t)(n * n) * sizeof(SLU_T) + SLU_BW);
    if (raw == NULL) return NULL;
    *w = (SV *)(raw + (SLU_BW - (uintptr_t)raw % SLU_BW));
    *pad = (SLU_T *)(*w + nvec);
    for (ptrdiff_t r = 0; r < n; r++)
        for (ptrdiff_t c = 0; c < n; c++) (*pad)[r * n + c] = r == c;
    return raw;
}

/* One block of cnt <= W matrices (the contract of rm_stack_lu.h), in the workspace w of
 * n rows of ld = n + kb + 1 lane vectors. */
static int SLU_FN(slu_block)(ptrdiff_t n, ptrdiff_t k, int mode, ptrdiff_t cnt,
                             const SLU_T *A,      /* IN  cnt x n x n */
                             const SLU_T *B,      /* IN  cnt x n x k (solve) */
                             SLU_T *X,            /* OUT cnt x n x kb (solve, inv) */
                             double *mant,        /* OUT cnt (det) */
                             int *expo,           /* OUT cnt (det) */
                             int *info,           /* OUT cnt */
                             const SLU_T *pad,    /* IN  the identity, n x n */
                             SV *w) {             /* WORK n x ld lane vectors */
    const ptrdiff_t kb = mode == RM_BLU_INV ? n : (mode == RM_BLU_SOLVE ? k : 0);
    const ptrdiff_t ld = n + kb + 1;
    SLU_T *ws = (SLU_T *)w;       /* entry (r, c) of lane l at ws[(r * ld + c) * SW + l] */
    const SLU_T *src[SW], *bsrc[SW];
    SLU_T sign[SW];
    SM bad_in = (SM)SZERO;
    SV zpiv = SZERO;
    /* ---- load: entry e of the W matrices into one lane vector (the unused lanes read
     * the identity), with the NaN / infinity test on the way (!(|x| <= max) holds
     * exactly for them) */
    for (ptrdiff_t l = 0; l < SW; l++) {
        src[l] = l < cnt ? A + l * n * n : pad;
        /* (solve only; the padding lanes' right-hand sides: any finite entries) */
        bsrc[l] = mode == RM_BLU_SOLVE && l < cnt ? B + l * n * k : pad;
        sign[l] = 1;
    }
    SLU_FN(slu_load)(n, n, src, n, 1, w, ld, &bad_in);
    if (mode == RM_BLU_SOLVE) SLU_FN(slu_load)(n, k, bsrc, k, 1, w + n, ld, &bad_in);
    if (mode == RM_BLU_INV)
        for (ptrdiff_t r = 0; r < n; r++)
            for (ptrdiff_t c = 0; c < n; c++) w[r * ld + n + c] = SZERO + (SLU_T)(r == c);
    /* ---- the blocked LU of [A | B] (dgetrf, steps 1-3 of the header) */
    for (ptrdiff_t j0 = 0; j0 < n; j0 += SLU_NB) {
        const ptrdiff_t nb = n - j0 < SLU_NB ? n - j0 : SLU_NB, c0 = j0 + nb;
        for (ptrdiff_t j = j0; j < c0; j++) {
            /* step 1: each lane's pivot row p (the first largest |a_rj|, r >= j) */
            SV best = SABS(w[j * ld + j]), at = SZERO + (SLU_T)j;
            for (ptrdiff_t r = j + 1; r < n; r++) {
                const SV a = SABS(w[r * ld + j]);
                const SM m = a > best;
                best = SSEL(m, a, best);
                at = SSEL(m, SZERO + (SLU_T)r, at);
            }
            /* the interchange, lane by lane, columns j0.. (L left of the panel is
             * never read again) */
            for (ptrdiff_t l = 0; l < SW; l++) {
                const ptrdiff_t p = (ptrdiff_t)at[l];
                if (p == j) continue;
                SLU_T *x = ws + (j * ld + j0) * SW + l, *y = ws + (p * ld + j0) * SW + l;
                for (ptrdiff_t c = 0; c < ld - j0; c++) {
                    const SLU_T t = x[c * SW];
                    x[c * SW] = y[c * SW];
                    y[c * SW] = t;
                }
                sign[l] = -sign[l];
            }
            const SV piv = w[j * ld + j];
            const SM zero = piv == 0;
            zpiv = SSEL(zero & (zpiv == 0), SZERO + (SLU_T)(j + 1), zpiv);
            /* the multipliers (0 in a lane with a zero pivot: its column is zero) and
             * their rank-1 update of the panel's columns right of j */
            const SV d = SSEL(zero, SZERO + 1, piv);
            SLU_FN(slu_scale)(n - j - 1, ld, w + (j + 1) * ld + j, &d);
            for (ptrdiff_t r = j + 1; r < n; r++) {
                const SV lr = w[r * ld + j];
                for (ptrdiff_t c = j + 1; c < c0; c++) w[r * ld + c] -= lr * w[j * ld + c];
            }
        }
        if (c0 < ld) {
            /* step 2: U_12 = inv(L_11) A_12, row by row (unit lower L_11) */
            for (ptrdiff_t r = 1; r < nb; r++)
                SLU_FN(slu_sub)(1, ld - c0, r, w + (j0 + r) * ld + c0, w + (j0 + r) * ld + j0,
                                w + j0 * ld + c0, ld);
            /* step 3: A_22 -= L_21 U_12 (B's columns included) */
            SLU_FN(slu_sub)(n - c0, ld - c0, nb, w + c0 * ld + c0, w + c0 * ld + j0,
                            w + j0 * ld + c0, ld);
        }
    }
    SM range = (SM)SZERO;
    if (mode == RM_BLU_DET) {
        for (ptrdiff_t l = 0; l < cnt; l++) {
            double m = sign[l];
            int e, total = 0;
            for (ptrdiff_t j = 0; j < n; j++) {
                m = frexp(m * (double)ws[(j * ld + j) * SW + l], &e);
                total += e;
            }
            mant[l] = zpiv[l] != 0 ? 0.0 : m;
            expo[l] = zpiv[l] != 0 ? 0 : total;
        }
    } else {
        /* back substitution X = inv(U) Y by blocks of SLU_NB rows, bottom up */
        const ptrdiff_t last = (n - 1) / SLU_NB * SLU_NB;
        for (ptrdiff_t r0 = last; r0 >= 0; r0 -= SLU_NB) {
            const ptrdiff_t nb = n - r0 < SLU_NB ? n - r0 : SLU_NB;
            for (ptrdiff_t r = r0 + nb - 1; r >= r0; r--) {
                /* row r of Y minus its solved rows below, in the block; / u_rr */
                SLU_FN(slu_sub)(1, kb, r0 + nb - 1 - r, w + r * ld + n, w + r * ld + r + 1,
                                w + (r + 1) * ld + n, ld);
                const SV d = SSEL(w[r * ld + r] == 0, SZERO + 1, w[r * ld + r]);
                SLU_FN(slu_scale)(kb, 1, w + r * ld + n, &d);
            }
            /* the rows above: Y[:r0] -= U[:r0, r0:r0+nb] X[r0:r0+nb] */
            SLU_FN(slu_sub)(r0, kb, nb, w + n, w + r0, w + r0 * ld + n, ld);
        }
        SLU_FN(slu_store)(n, kb, w + n, ld, cnt, X, kb, 1, &range);
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

int SLU_NAME(SLU_P, RM_ISA)(ptrdiff_t batch, ptrdiff_t n, ptrdiff_t k, int mode,
                            const SLU_T *A, const SLU_T *B, SLU_T *X, double *mant,
                            int *expo, int *info) {
    const ptrdiff_t kb = mode == RM_BLU_INV ? n : (mode == RM_BLU_SOLVE ? k : 0);
    SLU_T *pad;
    SV *w;
    char *raw = SLU_FN(slu_workspace)(n, n * (n + kb + 1), &w, &pad);
    if (raw == NULL) return -1;
    int nbad = 0;
    for (ptrdiff_t i = 0; i < batch; i += SW) {
        const ptrdiff_t cnt = batch - i < SW ? batch - i : SW;
        nbad += SLU_FN(slu_block)(n, k, mode, cnt, A + i * n * n,
                                  mode == RM_BLU_SOLVE ? B + i * n * k : B,
                                  mode == RM_BLU_DET ? X : X + i * n * kb,
                                  mode == RM_BLU_DET ? mant + i : mant,
                                  mode == RM_BLU_DET ? expo + i : expo, info + i, pad, w);
    }
    free(raw);
    return nbad;
}

/* ---- Cholesky (rm_<d|s>stack_potrf of rm_stack_lu.h) ------------------------------
 * The blocked right-looking Cholesky of LAPACK's dpotrf (lower; [LAPACK], GVL4 Alg.
 * 4.2.2's right-looking form by blocks of SLU_NB columns) on W matrices at once, in the
 * layout of the LU above (rows ld = n + 1 vectors apart; U = L^T is the lower factor of
 * A^T, loaded transposed):
 *   1. panel (dpotf2 on columns j0..c0): for each column j, l_jj = sqrt(a_jj), the
 *      column below it times 1 / l_jj, and its rank-1 update of the panel's columns
 *      right of j (their lower part);
 *   2. A_22 -= L_21 L_21^T, the trailing lower triangle (dsyrk), by slu_sub on row
 *      blocks of SLU_MR rows, each up to its last row's diagonal; the right factor
 *      L_21^T is the panel transposed into tb (SLU_NB rows of ld vectors), so that
 *      slu_sub reads it by rows as it reads U_12 in the LU.
 * A pivot a_jj that is not > 0 (NaN included) makes that lane's matrix not positive
 * definite: the lane records j + 1 (dpotrf's info) the first time and goes on with
 * a_jj = 1, which keeps its arithmetic away from sqrt of a negative (its results are
 * never stored by the caller); the other lanes are unaffected.  Only the lower triangle
 * takes part (the strict upper one of the workspace holds leftovers, stored as zeros).
 */
static int SLU_FN(slu_potrf_block)(ptrdiff_t n, int upper, ptrdiff_t cnt,
                                   const SLU_T *A,     /* IN  cnt x n x n */
                                   SLU_T *L,           /* OUT cnt x n x n */
                                   int *info,          /* OUT cnt */
                                   const SLU_T *pad,   /* IN  the identity, n x n */
                                   SV *w) {            /* WORK (n + SLU_NB) x ld vectors */
    const ptrdiff_t ld = n + 1;
    SV *tb = w + n * ld;
    const SLU_T *src[SW];
    SM bad_in = (SM)SZERO;
    SV fail = SZERO;
    for (ptrdiff_t l = 0; l < SW; l++) src[l] = l < cnt ? A + l * n * n : pad;
    /* the whole matrix is tested for NaN / infinity, as the per-matrix path does */
    if (upper) SLU_FN(slu_load)(n, n, src, 1, n, w, ld, &bad_in);
    else SLU_FN(slu_load)(n, n, src, n, 1, w, ld, &bad_in);
    for (ptrdiff_t j0 = 0; j0 < n; j0 += SLU_NB) {
        const ptrdiff_t nb = n - j0 < SLU_NB ? n - j0 : SLU_NB, c0 = j0 + nb;
        /* step 1: the panel */
        for (ptrdiff_t j = j0; j < c0; j++) {
            const SV d = w[j * ld + j];
            const SM ok = d > 0;
            fail = SSEL(~ok & (fail == 0), SZERO + (SLU_T)(j + 1), fail);
            SV ljj = SSEL(ok, d, SZERO + 1);
            for (ptrdiff_t l = 0; l < SW; l++) ljj[l] = sqrt(ljj[l]);
            w[j * ld + j] = ljj;
            const SV rec = 1 / ljj;
            for (ptrdiff_t r = j + 1; r < n; r++) w[r * ld + j] *= rec;
            for (ptrdiff_t r = j + 1; r < n; r++) {
                const SV lr = w[r * ld + j];
                const ptrdiff_t cend = r < c0 ? r + 1 : c0;
                for (ptrdiff_t c = j + 1; c < cend; c++) w[r * ld + c] -= lr * w[c * ld + j];
            }
        }
        if (c0 < n) {
            /* step 2: tb[q, c] = L_21[c, q], then A_22 -= L_21 L_21^T (lower part) */
            for (ptrdiff_t q = 0; q < nb; q++)
                for (ptrdiff_t c = c0; c < n; c++) tb[q * ld + c] = w[c * ld + j0 + q];
            for (ptrdiff_t i = c0; i < n; i += SLU_MR) {
                const ptrdiff_t m = n - i < SLU_MR ? n - i : SLU_MR;
                SLU_FN(slu_sub)(m, i + m - c0, nb, w + i * ld + c0, w + i * ld + j0,
                                tb + c0, ld);
            }
        }
    }
    /* the factor with exact zeros in its other triangle (dpotrf leaves it alone, numpy
     * zeroes it) */
    for (ptrdiff_t r = 0; r < n; r++)
        for (ptrdiff_t c = r + 1; c < n; c++) w[r * ld + c] = SZERO;
    SM range = (SM)SZERO;         /* (finite: every |l_ij| <= sqrt(a_ii)) */
    if (upper) SLU_FN(slu_store)(n, n, w, ld, cnt, L, 1, n, &range);
    else SLU_FN(slu_store)(n, n, w, ld, cnt, L, n, 1, &range);
    int nbad = 0;
    for (ptrdiff_t l = 0; l < cnt; l++) {
        const int code = bad_in[l] ? RM_BINFO_NONFINITE : (int)fail[l];
        info[l] = code;
        nbad += code != 0;
    }
    return nbad;
}

int SPO_NAME(SLU_P, RM_ISA)(ptrdiff_t batch, ptrdiff_t n, int upper, const SLU_T *A,
                            SLU_T *L, int *info) {
    SLU_T *pad;
    SV *w;
    char *raw = SLU_FN(slu_workspace)(n, (n + SLU_NB) * (n + 1), &w, &pad);
    if (raw == NULL) return -1;
    int nbad = 0;
    for (ptrdiff_t i = 0; i < batch; i += SW) {
        const ptrdiff_t cnt = batch - i < SW ? batch - i : SW;
        nbad += SLU_FN(slu_potrf_block)(n, upper, cnt, A + i * n * n, L + i * n * n,
                                        info + i, pad, w);
    }
    free(raw);
    return nbad;
}

#undef SV
#undef SM
#undef SLU_FN
#undef SW
#undef SZERO
#undef SSEL
#undef SABS
#undef SLU_BIG

#endif /* RM_HAVE_VEC */
#undef SLU_T
#undef SLU_P

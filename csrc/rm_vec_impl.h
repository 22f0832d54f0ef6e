/* rm_vec_impl.h: the vector kernels, written once and compiled once per instruction set.
 *
 * Not a header to include anywhere else: rm_vec_generic.c, rm_vec_avx2.c and
 * rm_vec_avx512.c each define RM_ISA (generic, avx2, avx512) and include this file; the
 * file's ISA flags (setup.py: files ending _avx2.c / _avx512.c) decide which instructions
 * the compiler may use for the same source.  Each inclusion defines static kernels and
 * one table, rm_vec_kernels_<RM_ISA>, that rm_vec.c chooses from at load time.  The
 * contracts are in rm_kernels.h; these files never call back into rm_core (the ISA
 * libraries are linked after it).
 *
 * No FMA contraction: setup.py compiles csrc/ with -std=c99, where gcc's default is
 * -ffp-contract=off, so every ISA computes the same roundings (a * b + c is two
 * operations whatever the flags).
 *
 * References
 * [BLAS]  the reference BLAS (netlib) ddot, daxpy, dgemv; [GVL4] G. H. Golub, C. F. Van
 *         Loan, Matrix Computations, 4th ed., 2013, Sec. 1.1 (dot and saxpy forms),
 *         Sec. 3.1 (triangular systems by rows), Alg. 7.5.1 (Francis double-shift step),
 *         Sec. 8.3 (tridiagonalisation, whose half is a symmetric matrix-vector product),
 *         Sec. 8.6.2 (Golub-Kahan SVD step: rotations of rows).
 * [VvdGQ14] F. Van Zee, R. van de Geijn, G. Quintana-Orti, "Restructuring the
 *         tridiagonal and bidiagonal QR algorithms for performance", ACM TOMS 40(3),
 *         2014: sweeps stored, then applied one cache-resident column chunk at a time.
 */
#include <math.h>
#include "rm_port.h"
#include "rm_kernels.h"

#ifndef RM_ISA
#  error "define RM_ISA (generic, avx2, avx512) before including rm_vec_impl.h"
#endif

#define RM_CAT_(a, b) a##_##b
#define RM_CAT(a, b) RM_CAT_(a, b)
#define RM_SFX(name) RM_CAT(name, RM_ISA)
#define RM_STR_(x) #x
#define RM_STR(x) RM_STR_(x)

/* ================================================================================
 * level-1/2 inner loops of blas.pyx (rm_vec_level12.h), of the eigensolvers and the
 * SVD (rm_vec_decomp.h) and the small batched factorisations, once per element type
 * ============================================================================== */
#if RM_HAVE_VEC
/* the integer lanes of a comparison of two rm_v4d (32 bytes): rm_vmath.h's masks and
 * exponent bits */
typedef long long rm_v4l __attribute__((vector_size(32)));
#endif
#define RM_VN_d(x) d##x
#define RM_VN_s(x) s##x

#define RM_T double
#define RM_VN(x) RM_VN_d(x)
#define RM_L 4
#if RM_HAVE_VEC
#  define RM_VEC rm_v4d
#  define RM_VZERO ((rm_v4d){0.0, 0.0, 0.0, 0.0})
#  define RM_VLOAD(p) rm_load4(p)
#  define RM_VSTORE(p, v) rm_store4(p, v)
#  define RM_HSUM(v) rm_hsum4(v)
#endif
#include "rm_vec_level12.h"
#include "rm_vec_decomp.h"
#include "rm_batch_small.h"      /* part D (issue 14): batch-interleaved small LU/Cholesky */
#undef RM_T
#undef RM_VN
#undef RM_L
#undef RM_VEC
#undef RM_VZERO
#undef RM_VLOAD
#undef RM_VSTORE
#undef RM_HSUM

#define RM_T float
#define RM_VN(x) RM_VN_s(x)
#define RM_L 8
#if RM_HAVE_VEC
#  define RM_VEC rm_v8f
#  define RM_VZERO ((rm_v8f){0, 0, 0, 0, 0, 0, 0, 0})
#  define RM_VLOAD(p) rm_load8f(p)
#  define RM_VSTORE(p, v) rm_store8f(p, v)
#  define RM_HSUM(v) rm_hsum8f(v)
#endif
#include "rm_vec_level12.h"
#include "rm_vec_decomp.h"
#include "rm_batch_small.h"      /* part D (issue 14): batch-interleaved small LU/Cholesky */
#undef RM_T
#undef RM_VN
#undef RM_L
#undef RM_VEC
#undef RM_VZERO
#undef RM_VLOAD
#undef RM_VSTORE
#undef RM_HSUM

/* the eigensolvers' and the SVD's inner loops: rm_vec_decomp.h, included above beside
 * rm_vec_level12.h, once per element type */

/* ================================================================================
 * reductions of matrix.pyx
 * ============================================================================== */
/* max (min) of x[0..n-1], n >= 1, NaN if any entry is NaN (numpy's rule).
 * e = (v > e) ? v : e never selects a NaN, so NaN is probed separately: q += v * 0 is NaN
 * for NaN (and inf) entries; only then is the row rescanned for a real NaN.  On x86-64
 * (SSE2 is part of the baseline) the bulk uses maxpd/minpd, whose semantics are exactly
 * v > e ? v : e (Intel SDM, MAXPD: "if the values are both 0.0s or either is a NaN, the
 * second operand is returned"); plain C elsewhere.  Compilers do not vectorise a
 * compare-select floating-point reduction without -ffast-math, hence the intrinsics. */
#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
static double RM_SFX(ext_row)(int want_max, ptrdiff_t n, const double *x) {
    /* four independent 2-wide running extrema and two NaN probes: 8 entries per
     * iteration, no dependency chain longer than one maxpd/addpd each */
    __m128d e0 = _mm_set1_pd(x[0]), e1 = e0, e2 = e0, e3 = e0;
    __m128d p0 = _mm_setzero_pd(), p1 = p0, v0, v1, v2, v3;
    const __m128d zero = _mm_setzero_pd();
    double lane[2], e, q;
    ptrdiff_t j = 0;
    if (want_max) {
        for (; j + 8 <= n; j += 8) {
            v0 = _mm_loadu_pd(x + j);     v1 = _mm_loadu_pd(x + j + 2);
            v2 = _mm_loadu_pd(x + j + 4); v3 = _mm_loadu_pd(x + j + 6);
            e0 = _mm_max_pd(v0, e0); e1 = _mm_max_pd(v1, e1);   /* v > e ? v : e */
            e2 = _mm_max_pd(v2, e2); e3 = _mm_max_pd(v3, e3);
            p0 = _mm_add_pd(p0, _mm_add_pd(_mm_mul_pd(v0, zero), _mm_mul_pd(v1, zero)));
            p1 = _mm_add_pd(p1, _mm_add_pd(_mm_mul_pd(v2, zero), _mm_mul_pd(v3, zero)));
        }
        e0 = _mm_max_pd(_mm_max_pd(e0, e1), _mm_max_pd(e2, e3));
        _mm_storeu_pd(lane, e0);
        e = lane[1] > lane[0] ? lane[1] : lane[0];
    } else {
        for (; j + 8 <= n; j += 8) {
            v0 = _mm_loadu_pd(x + j);     v1 = _mm_loadu_pd(x + j + 2);
            v2 = _mm_loadu_pd(x + j + 4); v3 = _mm_loadu_pd(x + j + 6);
            e0 = _mm_min_pd(v0, e0); e1 = _mm_min_pd(v1, e1);   /* v < e ? v : e */
            e2 = _mm_min_pd(v2, e2); e3 = _mm_min_pd(v3, e3);
            p0 = _mm_add_pd(p0, _mm_add_pd(_mm_mul_pd(v0, zero), _mm_mul_pd(v1, zero)));
            p1 = _mm_add_pd(p1, _mm_add_pd(_mm_mul_pd(v2, zero), _mm_mul_pd(v3, zero)));
        }
        e0 = _mm_min_pd(_mm_min_pd(e0, e1), _mm_min_pd(e2, e3));
        _mm_storeu_pd(lane, e0);
        e = lane[1] < lane[0] ? lane[1] : lane[0];
    }
    _mm_storeu_pd(lane, _mm_add_pd(p0, p1));
    q = lane[0] + lane[1];
    for (; j < n; j++) {
        if (want_max) e = x[j] > e ? x[j] : e; else e = x[j] < e ? x[j] : e;
        q += x[j] * 0.0;
    }
    if (q != q && rm_first_nan(n, x) != 0.0) return rm_first_nan(n, x);
    return e;
}
#else
static double RM_SFX(ext_row)(int want_max, ptrdiff_t n, const double *x) {
    double e = x[0], q = 0.0;
    for (ptrdiff_t j = 0; j < n; j++) {
        if (want_max) e = x[j] > e ? x[j] : e; else e = x[j] < e ? x[j] : e;
        q += x[j] * 0.0;
    }
    if (q != q && rm_first_nan(n, x) != 0.0) return rm_first_nan(n, x);
    return e;
}
#endif

/* the candidate scan of the brute-force k-nearest-neighbour search (_brute.pyx) */
#include "rm_knn_scan.h"

/* (part E, issue 16) exp, log, log1p over arrays: the logistic losses (_logistic.pyx) */
#include "rm_vmath.h"

/* ================================================================================
 * the table
 * ============================================================================== */
const rm_vec_kernels_t RM_SFX(rm_vec_kernels) = {
    RM_STR(RM_ISA),
    RM_SFX(ddot_unit), RM_SFX(ddot4), RM_SFX(dsumsq_unit), RM_SFX(daxpy_unit),
    RM_SFX(daxpy4), RM_SFX(drow_combine),
    RM_SFX(sdot_unit), RM_SFX(sdot4), RM_SFX(ssumsq_unit), RM_SFX(saxpy_unit),
    RM_SFX(saxpy4), RM_SFX(srow_combine),
    RM_SFX(dsymv_lower), RM_SFX(drefl_rows), RM_SFX(drefl_cols),
    RM_SFX(dsvd_apply_sweeps),
    RM_SFX(ssymv_lower), RM_SFX(srefl_rows), RM_SFX(srefl_cols),
    RM_SFX(ssvd_apply_sweeps),
    RM_SFX(ext_row),
    RM_SFX(knn_scan), RM_SFX(knn_tile4),
    RM_SFX(knn_tile4f),                               /* part F, issue 19 */
    /* ---- part D (issue 14): batch-interleaved small LU / Cholesky (rm_batch_small.h) */
#if RM_HAVE_VEC
    RM_SFX(dbatch_lu), RM_SFX(sbatch_lu), RM_SFX(dbatch_potrf), RM_SFX(sbatch_potrf),
    RM_SFX(batch_lanes),
#else
    NULL, NULL, NULL, NULL, NULL,
#endif
    RM_SFX(vexp), RM_SFX(vlog), RM_SFX(vlog1p),      /* (part E, issue 16) */
};

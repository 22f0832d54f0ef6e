/* rm_kernels.h: the vector kernels of the C core (everything except the GEMM, which has
 * rm_gemm.h), as the Cython modules see them.  Declared for Cython in
 * rusty_machine/linalg/_csrc.pxd, the one .pxd of csrc/.
 *
 * Storage is row-major float64 (element (i, j) of X at X[i * ldx + j]); sizes and
 * strides are ptrdiff_t (Py_ssize_t on every platform CPython supports).  Every kernel
 * trusts its caller: shapes were checked in Cython.
 *
 * Run-time dispatch.  Each kernel is written once, in rm_vec_impl.h, and compiled three
 * times: rm_vec_generic.c (no ISA flags), rm_vec_avx2.c (-mavx2 -mfma) and
 * rm_vec_avx512.c (-mavx512f ...); each file fills one table of function pointers
 * (rm_vec_kernels_t).  rm_vec.c points rm_vec_active at the best table the CPU and the
 * OS support (rm_cpu.c: cpuid + XGETBV, the test the GEMM micro-kernels use), or at the
 * one the environment variable RUSTY_MACHINE_KERNEL names (generic, avx2, avx512), once,
 * when the extension module is loaded.  Before that (and with a compiler without
 * constructors) the generic table is in use, so a call is always valid.  The names below
 * (rm_dot_unit, ...) are inline wrappers: one indirect call, as a GNU ifunc would cost.
 *
 * Each extension module that calls these links its own copy of rm_vec.c (static
 * libraries); the copies make the same choice, and hold no other state.
 */
#ifndef RM_KERNELS_H
#define RM_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The base triangles of blas.pyx's dtrsm/dtrmm are at most this big (rm_row_combine). */
#define RM_TRI_MAX 64

typedef struct {
    const char *isa;              /* "generic", "avx2", "avx512" */
    /* level-1/2 inner loops (blas.pyx) */
    double (*dot_unit)(ptrdiff_t n, const double *x, const double *y);
    void (*dot4)(ptrdiff_t n, const double *a0, const double *a1, const double *a2,
                 const double *a3, const double *x, double *out);
    double (*sumsq_unit)(ptrdiff_t n, const double *x);
    void (*axpy_unit)(ptrdiff_t n, double alpha, const double *x, double *y);
    void (*axpy4)(ptrdiff_t n, double c0, double c1, double c2, double c3,
                  const double *a0, const double *a1, const double *a2, const double *a3,
                  double *y);
    void (*row_combine)(ptrdiff_t w, double pre, double post, double sign,
                        const double *P, ptrdiff_t lo, ptrdiff_t hi,
                        const double *B, ptrdiff_t ldb, double *bi);
    /* the same six for float (rm_vec_level12.h's float instance) */
    float (*sdot_unit)(ptrdiff_t n, const float *x, const float *y);
    void (*sdot4)(ptrdiff_t n, const float *a0, const float *a1, const float *a2,
                  const float *a3, const float *x, float *out);
    float (*ssumsq_unit)(ptrdiff_t n, const float *x);
    void (*saxpy_unit)(ptrdiff_t n, float alpha, const float *x, float *y);
    void (*saxpy4)(ptrdiff_t n, float c0, float c1, float c2, float c3,
                   const float *a0, const float *a1, const float *a2, const float *a3,
                   float *y);
    void (*srow_combine)(ptrdiff_t w, float pre, float post, float sign,
                         const float *P, ptrdiff_t lo, ptrdiff_t hi,
                         const float *B, ptrdiff_t ldb, float *bi);
    /* the eigensolvers (_eigh.pyx, _eig.pyx) and the SVD (_svd.pyx, _bdsdc.pyx) */
    void (*symv_lower)(ptrdiff_t n, const double *A, ptrdiff_t lda, const double *x,
                       double *y);
    void (*refl_rows)(ptrdiff_t lo, ptrdiff_t hi, const double *tau, const double *v1,
                      const double *v2, double *X, ptrdiff_t ldx, ptrdiff_t c0,
                      ptrdiff_t c1, ptrdiff_t chunk);
    void (*refl_cols)(ptrdiff_t lo, ptrdiff_t hi, const double *tau, const double *v1,
                      const double *v2, double *X, ptrdiff_t ldx, ptrdiff_t r0,
                      ptrdiff_t r1);
    void (*svd_apply_sweeps)(ptrdiff_t nsweeps, const ptrdiff_t *lo, const ptrdiff_t *hi,
                             const double *cs, const double *sn, ptrdiff_t ld,
                             double *X, ptrdiff_t ldx, ptrdiff_t ncols, ptrdiff_t chunk);
    /* the same four for float (rm_vec_decomp.h's float instance) */
    void (*ssymv_lower)(ptrdiff_t n, const float *A, ptrdiff_t lda, const float *x,
                        float *y);
    void (*srefl_rows)(ptrdiff_t lo, ptrdiff_t hi, const float *tau, const float *v1,
                       const float *v2, float *X, ptrdiff_t ldx, ptrdiff_t c0,
                       ptrdiff_t c1, ptrdiff_t chunk);
    void (*srefl_cols)(ptrdiff_t lo, ptrdiff_t hi, const float *tau, const float *v1,
                       const float *v2, float *X, ptrdiff_t ldx, ptrdiff_t r0,
                       ptrdiff_t r1);
    void (*ssvd_apply_sweeps)(ptrdiff_t nsweeps, const ptrdiff_t *lo, const ptrdiff_t *hi,
                              const float *cs, const float *sn, ptrdiff_t ld,
                              float *X, ptrdiff_t ldx, ptrdiff_t ncols, ptrdiff_t chunk);
    /* reductions of matrix.pyx */
    double (*ext_row)(int want_max, ptrdiff_t n, const double *x);
    /* brute-force neighbours (learning/_brute.pyx; csrc/rm_knn_scan.h) */
    ptrdiff_t (*knn_scan)(ptrdiff_t n, const double *v, double thr, ptrdiff_t *out);
    ptrdiff_t (*knn_tile4)(ptrdiff_t d1, ptrdiff_t nb, const double *Xp, const double *Q,
                           ptrdiff_t ldq, const double *thr, ptrdiff_t *out_q,
                           ptrdiff_t *out_j, double *out_v);
    /* (part F, issue 19) the float32-filtered tile (rm_knn_scan.h) */
    ptrdiff_t (*knn_tile4f)(ptrdiff_t d1, ptrdiff_t nb, const float *Xs, const double *Xp,
                            const float *Qs, const double *Q, ptrdiff_t ldq,
                            const float *thr32, const double *thr, ptrdiff_t *out_q,
                            ptrdiff_t *out_j, double *out_v);
    /* ---- part D (issue 14): batch-interleaved LU / Cholesky of small matrices, one
     * matrix per SIMD lane (contracts in rm_batch_small.h); NULL without vector
     * extensions */
    int (*dbatch_lu)(ptrdiff_t batch, ptrdiff_t n, ptrdiff_t k, int mode, const double *A,
                     const double *B, double *X, double *det, int *info);
    int (*sbatch_lu)(ptrdiff_t batch, ptrdiff_t n, ptrdiff_t k, int mode, const float *A,
                     const float *B, float *X, double *det, int *info);
    int (*dbatch_potrf)(ptrdiff_t batch, ptrdiff_t n, int upper, const double *A,
                        double *L, int *info);
    int (*sbatch_potrf)(ptrdiff_t batch, ptrdiff_t n, int upper, const float *A,
                        float *L, int *info);
    int (*batch_lanes)(int is_float);
    /* (part E, issue 16) elementwise exp, log, log1p of doubles (csrc/rm_vmath.h) */
    void (*vexp)(ptrdiff_t n, const double *x, double *y);
    void (*vlog)(ptrdiff_t n, const double *x, double *y);
    void (*vlog1p)(ptrdiff_t n, const double *x, double *y);
} rm_vec_kernels_t;

/* The tables (rm_vec_<isa>.c) and the one in use (rm_vec.c). */
extern const rm_vec_kernels_t rm_vec_kernels_generic;
extern const rm_vec_kernels_t *rm_vec_active;

/* The ISA of the table in use, and selection by name (tests and benchmarks):
 * rm_vec_set_isa returns 0 on success, -1 for an unknown name, -2 when this CPU/OS or
 * build cannot run it.  It changes the choice of the calling extension module only. */
const char *rm_vec_isa_name(void);
int rm_vec_set_isa(const char *name);

/* ---- level-1/2 inner loops (blas.pyx); unit strides ------------------------------- */
/* x . y, four 4-lane accumulators */
static inline double rm_dot_unit(ptrdiff_t n, const double *x, const double *y) {
    return rm_vec_active->dot_unit(n, x, y);
}
/* out[r] = a_r . x for four rows sharing each load of x */
static inline void rm_dot4(ptrdiff_t n, const double *a0, const double *a1,
                           const double *a2, const double *a3, const double *x,
                           double *out) {
    rm_vec_active->dot4(n, a0, a1, a2, a3, x, out);
}
/* sum of x_i^2 */
static inline double rm_sumsq_unit(ptrdiff_t n, const double *x) {
    return rm_vec_active->sumsq_unit(n, x);
}
/* y += alpha * x (y distinct from x) */
static inline void rm_axpy_unit(ptrdiff_t n, double alpha, const double *x, double *y) {
    rm_vec_active->axpy_unit(n, alpha, x, y);
}
/* y += c0 a0 + c1 a1 + c2 a2 + c3 a3 (y distinct from the a_r) */
static inline void rm_axpy4(ptrdiff_t n, double c0, double c1, double c2, double c3,
                            const double *a0, const double *a1, const double *a2,
                            const double *a3, double *y) {
    rm_vec_active->axpy4(n, c0, c1, c2, c3, a0, a1, a2, a3, y);
}
/* bi[:w] = post * (pre * bi[:w] + sign * sum_{p in [lo, hi)} P[p] * B[p, :w]),
 * lo <= hi, hi - lo <= RM_TRI_MAX; the rows of B and bi are distinct rows of one matrix */
static inline void rm_row_combine(ptrdiff_t w, double pre, double post, double sign,
                                  const double *P, ptrdiff_t lo, ptrdiff_t hi,
                                  const double *B, ptrdiff_t ldb, double *bi) {
    rm_vec_active->row_combine(w, pre, post, sign, P, lo, hi, B, ldb, bi);
}

/* the float32 instances of the six above (same contracts, float in place of double) */
static inline float rm_sdot_unit(ptrdiff_t n, const float *x, const float *y) {
    return rm_vec_active->sdot_unit(n, x, y);
}
static inline void rm_sdot4(ptrdiff_t n, const float *a0, const float *a1,
                            const float *a2, const float *a3, const float *x,
                            float *out) {
    rm_vec_active->sdot4(n, a0, a1, a2, a3, x, out);
}
static inline float rm_ssumsq_unit(ptrdiff_t n, const float *x) {
    return rm_vec_active->ssumsq_unit(n, x);
}
static inline void rm_saxpy_unit(ptrdiff_t n, float alpha, const float *x, float *y) {
    rm_vec_active->saxpy_unit(n, alpha, x, y);
}
static inline void rm_saxpy4(ptrdiff_t n, float c0, float c1, float c2, float c3,
                             const float *a0, const float *a1, const float *a2,
                             const float *a3, float *y) {
    rm_vec_active->saxpy4(n, c0, c1, c2, c3, a0, a1, a2, a3, y);
}
static inline void rm_srow_combine(ptrdiff_t w, float pre, float post, float sign,
                                   const float *P, ptrdiff_t lo, ptrdiff_t hi,
                                   const float *B, ptrdiff_t ldb, float *bi) {
    rm_vec_active->srow_combine(w, pre, post, sign, P, lo, hi, B, ldb, bi);
}

/* ---- eigensolvers (eigen.pyx) ------------------------------------------------------ */
/* y = A x for symmetric A (n x n, leading dimension lda), reading only the lower
 * triangle */
static inline void rm_symv_lower(ptrdiff_t n, const double *A, ptrdiff_t lda,
                                 const double *x, double *y) {
    rm_vec_active->symv_lower(n, A, lda, x, y);
}
/* Francis sweep, deferred parts.  P_k = I - tau_k v_k v_k^T, v_k = (1, v1_k, v2_k)
 * acting on indices k, k+1, k+2 (v2_k unused for the last, 2-long one; tau_k = 0 means
 * P_k = I).
 * rm_refl_rows: X[lo:hi+1, c0:c1] <- P_{hi-1} ... P_lo X[lo:hi+1, c0:c1], by column
 * chunks of width chunk. */
static inline void rm_refl_rows(ptrdiff_t lo, ptrdiff_t hi, const double *tau,
                                const double *v1, const double *v2, double *X,
                                ptrdiff_t ldx, ptrdiff_t c0, ptrdiff_t c1,
                                ptrdiff_t chunk) {
    rm_vec_active->refl_rows(lo, hi, tau, v1, v2, X, ldx, c0, c1, chunk);
}
/* rm_refl_cols: X[r0:r1, lo:hi+1] <- X[r0:r1, lo:hi+1] P_lo ... P_{hi-1}, row by row */
static inline void rm_refl_cols(ptrdiff_t lo, ptrdiff_t hi, const double *tau,
                                const double *v1, const double *v2, double *X,
                                ptrdiff_t ldx, ptrdiff_t r0, ptrdiff_t r1) {
    rm_vec_active->refl_cols(lo, hi, tau, v1, v2, X, ldx, r0, r1);
}

/* ---- SVD (svd.pyx) ------------------------------------------------------------------ */
/* For each column chunk of X (width chunk, ncols columns in all): for each stored sweep
 * q < nsweeps, for k = lo[q] .. hi[q]-1: rows (k, k+1) <- [c s; -s c] rows, with
 * (c, s) = (cs[q*ld + k], sn[q*ld + k]). */
static inline void rm_svd_apply_sweeps(ptrdiff_t nsweeps, const ptrdiff_t *lo,
                                       const ptrdiff_t *hi, const double *cs,
                                       const double *sn, ptrdiff_t ld, double *X,
                                       ptrdiff_t ldx, ptrdiff_t ncols, ptrdiff_t chunk) {
    rm_vec_active->svd_apply_sweeps(nsweeps, lo, hi, cs, sn, ld, X, ldx, ncols, chunk);
}

/* the float32 instances of the four above (same contracts, float in place of double) */
static inline void rm_ssymv_lower(ptrdiff_t n, const float *A, ptrdiff_t lda,
                                  const float *x, float *y) {
    rm_vec_active->ssymv_lower(n, A, lda, x, y);
}
static inline void rm_srefl_rows(ptrdiff_t lo, ptrdiff_t hi, const float *tau,
                                 const float *v1, const float *v2, float *X,
                                 ptrdiff_t ldx, ptrdiff_t c0, ptrdiff_t c1,
                                 ptrdiff_t chunk) {
    rm_vec_active->srefl_rows(lo, hi, tau, v1, v2, X, ldx, c0, c1, chunk);
}
static inline void rm_srefl_cols(ptrdiff_t lo, ptrdiff_t hi, const float *tau,
                                 const float *v1, const float *v2, float *X,
                                 ptrdiff_t ldx, ptrdiff_t r0, ptrdiff_t r1) {
    rm_vec_active->srefl_cols(lo, hi, tau, v1, v2, X, ldx, r0, r1);
}
static inline void rm_ssvd_apply_sweeps(ptrdiff_t nsweeps, const ptrdiff_t *lo,
                                        const ptrdiff_t *hi, const float *cs,
                                        const float *sn, ptrdiff_t ld, float *X,
                                        ptrdiff_t ldx, ptrdiff_t ncols, ptrdiff_t chunk) {
    rm_vec_active->ssvd_apply_sweeps(nsweeps, lo, hi, cs, sn, ld, X, ldx, ncols, chunk);
}

/* ---- reductions (matrix.pyx) -------------------------------------------------------- */
/* The first NaN of x[0..n-1] (0.0 when there is none). */
static inline double rm_first_nan(ptrdiff_t n, const double *x) {
    for (ptrdiff_t j = 0; j < n; j++)
        if (x[j] != x[j]) return x[j];
    return 0.0;
}
/* max (want_max) or min of x[0..n-1], n >= 1; NaN if an entry is NaN (numpy's rule) */
static inline double rm_ext_row(int want_max, ptrdiff_t n, const double *x) {
    return rm_vec_active->ext_row(want_max, n, x);
}

/* ---- brute-force neighbours (learning/_brute.pyx) --------------------------------- */
/* out[:cnt] = the j in [0, n) with v[j] < thr, ascending; returns cnt (contract and
 * reference in rm_knn_scan.h) */
static inline ptrdiff_t rm_knn_scan(ptrdiff_t n, const double *v, double thr,
                                    ptrdiff_t *out) {
    return rm_vec_active->knn_scan(n, v, thr, out);
}
/* the fused distance-and-compare tile of 4 queries x 8-point blocks for few features
 * (contract in rm_knn_scan.h) */
static inline ptrdiff_t rm_knn_tile4(ptrdiff_t d1, ptrdiff_t nb, const double *Xp,
                                     const double *Q, ptrdiff_t ldq, const double *thr,
                                     ptrdiff_t *out_q, ptrdiff_t *out_j, double *out_v) {
    return rm_vec_active->knn_tile4(d1, nb, Xp, Q, ldq, thr, out_q, out_j, out_v);
}
/* (part F, issue 19) the same behind a float32 filter (contract in rm_knn_scan.h) */
static inline ptrdiff_t rm_knn_tile4f(ptrdiff_t d1, ptrdiff_t nb, const float *Xs,
                                      const double *Xp, const float *Qs, const double *Q,
                                      ptrdiff_t ldq, const float *thr32, const double *thr,
                                      ptrdiff_t *out_q, ptrdiff_t *out_j, double *out_v) {
    return rm_vec_active->knn_tile4f(d1, nb, Xs, Xp, Qs, Q, ldq, thr32, thr, out_q, out_j,
                                     out_v);
}

/* (part E, issue 16) y[i] = exp(x[i]), log(x[i]), log1p(x[i]) within 2 ulp; y may be x
 * (contract in rm_vmath.h) */
static inline void rm_vexp(ptrdiff_t n, const double *x, double *y) {
    rm_vec_active->vexp(n, x, y);
}
static inline void rm_vlog(ptrdiff_t n, const double *x, double *y) {
    rm_vec_active->vlog(n, x, y);
}
static inline void rm_vlog1p(ptrdiff_t n, const double *x, double *y) {
    rm_vec_active->vlog1p(n, x, y);
}

/* ---- part D (issue 14): batch-interleaved small LU / Cholesky (rm_batch_small.h) ---- */
#define RM_BLU_SOLVE 0
#define RM_BLU_INV 1
#define RM_BLU_DET 2
#define RM_BINFO_NONFINITE (-1)
#define RM_BINFO_RANGE (-2)
#define RM_BNMAX 8
#define RM_BKMAX 8
/* lanes per block of the table in use (0: no batch kernels in this build) */
static inline int rm_batch_lanes(int is_float) {
    return rm_vec_active->batch_lanes ? rm_vec_active->batch_lanes(is_float) : 0;
}
static inline int rm_dbatch_lu(ptrdiff_t batch, ptrdiff_t n, ptrdiff_t k, int mode,
                               const double *A, const double *B, double *X, double *det,
                               int *info) {
    return rm_vec_active->dbatch_lu(batch, n, k, mode, A, B, X, det, info);
}
static inline int rm_sbatch_lu(ptrdiff_t batch, ptrdiff_t n, ptrdiff_t k, int mode,
                               const float *A, const float *B, float *X, double *det,
                               int *info) {
    return rm_vec_active->sbatch_lu(batch, n, k, mode, A, B, X, det, info);
}
static inline int rm_dbatch_potrf(ptrdiff_t batch, ptrdiff_t n, int upper, const double *A,
                                  double *L, int *info) {
    return rm_vec_active->dbatch_potrf(batch, n, upper, A, L, info);
}
static inline int rm_sbatch_potrf(ptrdiff_t batch, ptrdiff_t n, int upper, const float *A,
                                  float *L, int *info) {
    return rm_vec_active->sbatch_potrf(batch, n, upper, A, L, info);
}

/* ---- memory (rm_mem.c) -------------------------------------------------------------- */
/* Ask the OS for transparent huge pages on a buffer of >= 4 MiB (Linux; else nothing). */
void rm_advise_hugepages(void *p, size_t nbytes);

#ifdef __cplusplus
}
#endif
#endif

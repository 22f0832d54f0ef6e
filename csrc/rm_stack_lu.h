/* rm_stack_lu.h: solve, inverse and determinant of a stack of medium matrices (orders
 * 9 .. RM_SLU_NMAX) by LU with partial pivoting, and their Cholesky factors, W matrices
 * at a time, one per SIMD lane
 * (issue 14: "1,000 stacked 64x64: at least 1.0x numpy").
 *
 * Included by rusty_machine/linalg/_stacked.pyx only.  The kernel body is
 * rm_stack_lu_impl.h, compiled once per instruction set (rm_stack_lu.c: generic and the
 * dispatch; rm_stack_lu_avx2.c, rm_stack_lu_avx512.c: setup.py gives files with these
 * endings their ISA flags).  The instance used is the one of the vector-kernel table in
 * use (rm_kernels.h's rm_vec_isa_name), so the tests' ISA switch reaches it too.
 *
 * Why.  numpy's stacked solve / det calls LAPACK's dgetrf (and dgetrs) once per matrix.
 * At order 64 that call runs at a fraction of the FMA peak: the pivot search reads a
 * column (strided), each rank-1 or rank-16 update is a short loop, and every call pays
 * its set-up.  rm_batch_small.h showed the remedy for orders <= 8 (the "compact" layout
 * of [KCD17]: entry e of W matrices in one vector, every scalar operation of the
 * algorithm a vector operation on W matrices); here the same layout carries a BLOCKED
 * right-looking LU whose trailing update is a register-tiled rank-NB product, so that
 * the arithmetic runs on full vectors without a single horizontal operation.
 *
 * Contract (T = double or float; matrices contiguous, row-major, n x n each):
 *
 * int rm_stack_lu_lanes(is_float): W, the matrices per block of the instance in use
 *   (0: no vector extensions in this build; the caller keeps its per-matrix path).
 *
 * int rm_<d|s>stack_lu(batch, n, k, mode, A, B, X, mant, expo, info)
 *   1 <= n <= RM_SLU_NMAX, batch >= 1.  A: batch x n x n, read only.
 *   mode RM_BLU_SOLVE: B batch x n x k (1 <= k <= n), X_i = inv(A_i) B_i (batch x n x k);
 *   mode RM_BLU_INV:   X_i = inv(A_i) (batch x n x n; B unused);
 *   mode RM_BLU_DET:   det(A_i) = mant[i] * 2**expo[i], mant[i] in +-[0.5, 1) or 0.0
 *                      for an exactly zero pivot (B, X unused).
 *   info[i]: 0; j + 1 for the first exactly zero pivot U[j, j] (solve / inv; det reports
 *   it as mant 0 with info 0); RM_BINFO_NONFINITE (-1) for NaN or infinity in A_i or
 *   B_i; RM_BINFO_RANGE (-2) when an entry of X_i is not finite (solve / inv).
 *   Returns the number of i with info[i] != 0, or -1 when the workspace (W n (n + kb + 1)
 *   + n^2 elements per call, kb = k, n or 0) cannot be allocated.
 *
 * int rm_<d|s>stack_potrf(batch, n, upper, A, L, info)
 *   1 <= n <= RM_SLU_NMAX, batch >= 1.  A: batch x n x n, read only (only the lower
 *   triangle, or the upper one when upper, enters the factor; all of it is tested for
 *   NaN / infinity).  L: batch x n x n, the Cholesky factor (A_i = L_i L_i^T, L_i
 *   lower; upper: U_i with A_i = U_i^T U_i) with exact zeros in the other triangle.
 *   info[i]: 0; j + 1 when the leading minor of order j + 1 is not positive definite
 *   (dpotrf's; L_i then unspecified); RM_BINFO_NONFINITE for NaN or infinity in A_i.
 *   Returns the number of i with info[i] != 0, or -1 when the workspace ((n + 4)(n + 1)
 *   lane vectors + n^2 elements) cannot be allocated.
 */
#ifndef RM_STACK_LU_H
#define RM_STACK_LU_H

#include <stddef.h>

#define RM_SLU_NMAX 128

int rm_stack_lu_lanes(int is_float);
int rm_dstack_lu(ptrdiff_t batch, ptrdiff_t n, ptrdiff_t k, int mode, const double *A,
                 const double *B, double *X, double *mant, int *expo, int *info);
int rm_sstack_lu(ptrdiff_t batch, ptrdiff_t n, ptrdiff_t k, int mode, const float *A,
                 const float *B, float *X, double *mant, int *expo, int *info);
int rm_dstack_potrf(ptrdiff_t batch, ptrdiff_t n, int upper, const double *A, double *L,
                    int *info);
int rm_sstack_potrf(ptrdiff_t batch, ptrdiff_t n, int upper, const float *A, float *L,
                    int *info);

#endif

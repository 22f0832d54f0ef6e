/* rm_gemm.h: the C core of rusty_machine.
 *
 * Storage is row-major float64 (rm_dgemm...) or float32 (rm_sgemm..., the same contract
 * with float in place of double; one driver instantiated for both types).  A matrix
 * operand is (pointer, leading dimension):
 * element (i, j) of an r x c matrix X with leading dimension ldx >= max(1, c)
 * lives at X[i * ldx + j].
 *
 * GEMM semantics (BLAS dgemm, row-major):
 *     C = alpha * op(A) @ op(B) + beta * C,   op(X) = X or X^T
 * op(A) is m x k, op(B) is k x n, C is m x n.  When beta == 0, C is never read
 * (NaN already in C does not propagate); when k == 0 or alpha == 0, A and B are not
 * read and C = beta * C (as in the reference BLAS).  m == 0 or n == 0 does nothing.
 * Callers have checked every shape.
 *
 * Declared for Cython in rusty_machine/linalg/_csrc.pxd, but only blas.pyx calls
 * these functions; every other extension reaches them through blas.pxd, so the
 * process holds exactly one copy of the thread setting and of the selected
 * micro-kernel.  (The stateless vector kernels are in rm_kernels.h.)
 */
#ifndef RM_GEMM_H
#define RM_GEMM_H

#ifdef __cplusplus
extern "C" {
#endif

/* The driver: BLIS-style five loops, packing, micro-kernel chosen at run time. */
void rm_dgemm(int transa, int transb, long m, long n, long k,
              double alpha, const double *A, long lda,
              const double *B, long ldb,
              double beta, double *C, long ldc);

void rm_sgemm(int transa, int transb, long m, long n, long k,
              float alpha, const float *A, long lda,
              const float *B, long ldb,
              float beta, float *C, long ldc);

/* The symmetric rank-k update on the same packed path, lower triangle only (BLAS
 * dsyrk / ssyrk with uplo = lower, row-major):
 *     lower(C) = alpha * op(A) @ op(A)^T + beta * lower(C),   op(A) = A (n x k) or A^T
 * The strict upper triangle of C is never read nor written; beta == 0 never reads C.
 * Threads split k (each a partial C, summed): meant for k >> n (Gram matrices). */
void rm_dsyrk(int trans, long n, long k, double alpha, const double *A, long lda,
              double beta, double *C, long ldc);
void rm_ssyrk(int trans, long n, long k, float alpha, const float *A, long lda,
              float beta, float *C, long ldc);

/* The teaching ladder (same semantics): a reference triple loop (the test oracle)
 * and a cache-blocked loop without packing or SIMD. */
void rm_dgemm_ref(int transa, int transb, long m, long n, long k,
                  double alpha, const double *A, long lda,
                  const double *B, long ldb,
                  double beta, double *C, long ldc);
void rm_dgemm_blocked(int transa, int transb, long m, long n, long k,
                      double alpha, const double *A, long lda,
                      const double *B, long ldb,
                      double beta, double *C, long ldc);
void rm_sgemm_ref(int transa, int transb, long m, long n, long k,
                  float alpha, const float *A, long lda,
                  const float *B, long ldb,
                  float beta, float *C, long ldc);
void rm_sgemm_blocked(int transa, int transb, long m, long n, long k,
                      float alpha, const float *A, long lda,
                      const float *B, long ldb,
                      float beta, float *C, long ldc);

/* Micro-kernel selection.  Names: "generic", "avx2", "avx512"; an instruction set holds
 * one kernel per element type, so one name selects the dgemm and the sgemm kernel.
 * rm_gemm_kernel_name(): the kernel in use.
 * rm_gemm_kernel_supported(name): 1 if this CPU and OS can run it.
 * rm_gemm_set_kernel(name): select; returns 0 on success, -1 unknown, -2 unsupported.
 * At first use the best supported kernel is chosen, unless the environment variable
 * RUSTY_MACHINE_KERNEL names another one. */
const char *rm_gemm_kernel_name(void);
int rm_gemm_kernel_supported(const char *name);
int rm_gemm_set_kernel(const char *name);
/* The block-size table of the kernel in use: register tile MR x NR, cache blocks
 * MC x KC (A) and KC x NC (B), and the sizes below which products skip packing
 * (m * n * k <= small^3, n <= skinny, or m <= 2 * mr). */
void rm_gemm_kernel_blocks(int *mr, int *nr, long *mc, long *kc, long *nc, long *small,
                           long *skinny);
/* The same for the float kernel of the instruction set in use (sizes in floats). */
void rm_sgemm_kernel_blocks(int *mr, int *nr, long *mc, long *kc, long *nc, long *small,
                            long *skinny);

/* Testing knob: force the packed path (both operands packed), the direct path (no
 * packing, except a transposed B) or let the driver decide by size (the default).
 * Returns the previous setting; an unknown value leaves it unchanged. */
enum { RM_GEMM_PATH_AUTO = 0, RM_GEMM_PATH_PACKED = 1, RM_GEMM_PATH_DIRECT = 2 };
int rm_gemm_set_path(int path);

/* Threads (rm_threads.c).  One level only: inside an OpenMP parallel region the
 * kernels run serially. */
void rm_set_num_threads(int n);
int rm_get_num_threads(void);
int rm_have_openmp(void);
int rm_in_parallel(void);

/* CPU features (rm_cpu.c): cpuid plus the OS support check (XGETBV). */
int rm_cpu_has_avx2_fma(void);
int rm_cpu_has_avx512f(void);

#ifdef __cplusplus
}
#endif
#endif

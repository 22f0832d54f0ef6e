# blas.pxd: the level-1/2/3 kernels every other compiled module builds on.
#
# Conventions (BLAS on row-major storage):
#   * a matrix operand is (pointer, leading dimension): element (i, j) of X is
#     X[i * ldx + j], ldx >= number of columns;
#   * a vector operand is (pointer, increment); increments are > 0;
#   * every kernel is `noexcept nogil` and trusts its caller: shapes were checked
#     in the `def` shell that called it;
#   * flags are bints: trans = use the transpose, lower = the lower triangle,
#     unit = unit diagonal (not read), left = the triangular matrix is on the left.
#
# This module is the only one that calls the GEMM of csrc/ (rm_gemm.h, declared in
# _csrc.pxd); other modules cimport dgemm from here so the process has one thread
# setting and one selected micro-kernel. (The stateless vector kernels of
# csrc/rm_kernels.h may be cimported from _csrc.pxd by any module.)

# ---- threads and configuration -------------------------------------------------
cdef int get_num_threads() noexcept nogil          # threads for a top-level kernel
cdef bint in_parallel() noexcept nogil             # inside an OpenMP region already?
cdef int batch_threads(Py_ssize_t batch, Py_ssize_t n) noexcept nogil   # threads over a stack

# ---- level 1 -------------------------------------------------------------------
# x . y
cdef double ddot(Py_ssize_t n, const double* x, Py_ssize_t incx,
                 const double* y, Py_ssize_t incy) noexcept nogil
# y += alpha * x
cdef void daxpy(Py_ssize_t n, double alpha, const double* x, Py_ssize_t incx,
                double* y, Py_ssize_t incy) noexcept nogil
# x *= alpha
cdef void dscal(Py_ssize_t n, double alpha, double* x, Py_ssize_t incx) noexcept nogil
# y = x
cdef void dcopy(Py_ssize_t n, const double* x, Py_ssize_t incx,
                double* y, Py_ssize_t incy) noexcept nogil
# swap x and y
cdef void dswap(Py_ssize_t n, double* x, Py_ssize_t incx,
                double* y, Py_ssize_t incy) noexcept nogil
# ||x||_2 without overflow or harmful underflow (scaled sum of squares)
cdef double dnrm2(Py_ssize_t n, const double* x, Py_ssize_t incx) noexcept nogil
# sum |x_i|
cdef double dasum(Py_ssize_t n, const double* x, Py_ssize_t incx) noexcept nogil
# first index of max |x_i| (0-based); -1 when n == 0
cdef Py_ssize_t idamax(Py_ssize_t n, const double* x, Py_ssize_t incx) noexcept nogil

# ---- level 2 -------------------------------------------------------------------
# y = alpha * op(A) @ x + beta * y, A is m x n; beta == 0 never reads y
cdef void dgemv(bint trans, Py_ssize_t m, Py_ssize_t n, double alpha,
                const double* A, Py_ssize_t lda, const double* x, Py_ssize_t incx,
                double beta, double* y, Py_ssize_t incy) noexcept nogil
# A += alpha * x @ y.T, A is m x n
cdef void dger(Py_ssize_t m, Py_ssize_t n, double alpha,
               const double* x, Py_ssize_t incx, const double* y, Py_ssize_t incy,
               double* A, Py_ssize_t lda) noexcept nogil
# x = inv(op(T)) @ x, T is n x n triangular
cdef void dtrsv(bint lower, bint trans, bint unit, Py_ssize_t n,
                const double* T, Py_ssize_t ldt, double* x, Py_ssize_t incx) noexcept nogil

# ---- the same level-1/2 kernels written once for float32 and float64 --------------
# (fused over _floating.floating; the d-names above are their float64 instances)
from rusty_machine.linalg._floating cimport floating
cdef floating xdot(Py_ssize_t n, const floating* x, Py_ssize_t incx,
                   const floating* y, Py_ssize_t incy) noexcept nogil
cdef void xaxpy(Py_ssize_t n, floating alpha, const floating* x, Py_ssize_t incx,
                floating* y, Py_ssize_t incy) noexcept nogil
cdef void xscal(Py_ssize_t n, floating alpha, floating* x, Py_ssize_t incx) noexcept nogil
cdef void xcopy(Py_ssize_t n, const floating* x, Py_ssize_t incx,
                floating* y, Py_ssize_t incy) noexcept nogil
cdef void xswap(Py_ssize_t n, floating* x, Py_ssize_t incx,
                floating* y, Py_ssize_t incy) noexcept nogil
cdef floating xnrm2(Py_ssize_t n, const floating* x, Py_ssize_t incx) noexcept nogil
cdef floating xasum(Py_ssize_t n, const floating* x, Py_ssize_t incx) noexcept nogil
cdef Py_ssize_t ixamax(Py_ssize_t n, const floating* x, Py_ssize_t incx) noexcept nogil
cdef void xgemv(bint trans, Py_ssize_t m, Py_ssize_t n, floating alpha,
                const floating* A, Py_ssize_t lda, const floating* x, Py_ssize_t incx,
                floating beta, floating* y, Py_ssize_t incy) noexcept nogil
cdef void xger(Py_ssize_t m, Py_ssize_t n, floating alpha,
               const floating* x, Py_ssize_t incx, const floating* y, Py_ssize_t incy,
               floating* A, Py_ssize_t lda) noexcept nogil
cdef void xtrsv(bint lower, bint trans, bint unit, Py_ssize_t n,
                const floating* T, Py_ssize_t ldt, floating* x,
                Py_ssize_t incx) noexcept nogil

# ---- level 3 -------------------------------------------------------------------
# C = alpha * op(A) @ op(B) + beta * C; op(A) m x k, op(B) k x n; beta == 0 never reads C
cdef void dgemm(bint transa, bint transb, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                double alpha, const double* A, Py_ssize_t lda,
                const double* B, Py_ssize_t ldb,
                double beta, double* C, Py_ssize_t ldc) noexcept nogil
# the same in float32 (one driver for both types, csrc/rm_gemm_driver.h)
cdef void sgemm(bint transa, bint transb, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                float alpha, const float* A, Py_ssize_t lda,
                const float* B, Py_ssize_t ldb,
                float beta, float* C, Py_ssize_t ldc) noexcept nogil
# left:  B = alpha * inv(op(T)) @ B,  T is m x m
# right: B = alpha * B @ inv(op(T)),  T is n x n;  B is m x n
cdef void dtrsm(bint left, bint lower, bint trans, bint unit,
                Py_ssize_t m, Py_ssize_t n, double alpha,
                const double* T, Py_ssize_t ldt, double* B, Py_ssize_t ldb) noexcept nogil
# left:  B = alpha * op(T) @ B,  T is m x m
# right: B = alpha * B @ op(T),  T is n x n;  B is m x n
cdef void dtrmm(bint left, bint lower, bint trans, bint unit,
                Py_ssize_t m, Py_ssize_t n, double alpha,
                const double* T, Py_ssize_t ldt, double* B, Py_ssize_t ldb) noexcept nogil
# trans == 0: C = alpha * A @ A.T + beta * C, A is n x k
# trans == 1: C = alpha * A.T @ A + beta * C, A is k x n
# only the `lower` (or upper) triangle of the n x n C is referenced and updated
cdef void dsyrk(bint lower, bint trans, Py_ssize_t n, Py_ssize_t k, double alpha,
                const double* A, Py_ssize_t lda, double beta,
                double* C, Py_ssize_t ldc) noexcept nogil
# the level-3 kernels written once for float32 and float64 (fused; the d-names above
# are their float64 instances; xgemm is sgemm or dgemm)
cdef void xgemm(bint transa, bint transb, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                floating alpha, const floating* A, Py_ssize_t lda,
                const floating* B, Py_ssize_t ldb,
                floating beta, floating* C, Py_ssize_t ldc) noexcept nogil
cdef void xtrsm(bint left, bint lower, bint trans, bint unit,
                Py_ssize_t m, Py_ssize_t n, floating alpha,
                const floating* T, Py_ssize_t ldt, floating* B,
                Py_ssize_t ldb) noexcept nogil
cdef void xtrmm(bint left, bint lower, bint trans, bint unit,
                Py_ssize_t m, Py_ssize_t n, floating alpha,
                const floating* T, Py_ssize_t ldt, floating* B,
                Py_ssize_t ldb) noexcept nogil
cdef void xsyrk(bint lower, bint trans, Py_ssize_t n, Py_ssize_t k, floating alpha,
                const floating* A, Py_ssize_t lda, floating beta,
                floating* C, Py_ssize_t ldc) noexcept nogil
# the upper triangle of the n x n C from the lower one: C[i, j] = C[j, i] for j > i
# (completes dsyrk(lower=True)'s output to the full symmetric matrix)
cdef void mirror_lower(Py_ssize_t n, double* C, Py_ssize_t ldc) noexcept nogil

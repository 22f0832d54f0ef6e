# cython: language_level=3
"""blas.pyx: level-1/2/3 kernels on raw pointers (see blas.pxd for the conventions).

FIRST CUT written to unblock the build: straightforward loops. To be replaced by the
blocked, GEMM-based versions and their _py test wrappers (issue 2).
"""
from libc.math cimport fabs, sqrt

include "_gemm.pxi"


# ---- level 1 -------------------------------------------------------------------
cdef double ddot(Py_ssize_t n, const double* x, Py_ssize_t incx,
                 const double* y, Py_ssize_t incy) noexcept nogil:
    cdef double s = 0.0
    cdef Py_ssize_t i
    for i in range(n):
        s += x[i * incx] * y[i * incy]
    return s

cdef void daxpy(Py_ssize_t n, double alpha, const double* x, Py_ssize_t incx,
                double* y, Py_ssize_t incy) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        y[i * incy] += alpha * x[i * incx]

cdef void dscal(Py_ssize_t n, double alpha, double* x, Py_ssize_t incx) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        x[i * incx] *= alpha

cdef void dcopy(Py_ssize_t n, const double* x, Py_ssize_t incx,
                double* y, Py_ssize_t incy) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        y[i * incy] = x[i * incx]

cdef void dswap(Py_ssize_t n, double* x, Py_ssize_t incx,
                double* y, Py_ssize_t incy) noexcept nogil:
    cdef Py_ssize_t i
    cdef double t
    for i in range(n):
        t = x[i * incx]; x[i * incx] = y[i * incy]; y[i * incy] = t

cdef double dnrm2(Py_ssize_t n, const double* x, Py_ssize_t incx) noexcept nogil:
    cdef double scale = 0.0, ssq = 1.0, a
    cdef Py_ssize_t i
    for i in range(n):
        a = fabs(x[i * incx])
        if a != 0.0:
            if scale < a:
                ssq = 1.0 + ssq * (scale / a) * (scale / a)
                scale = a
            else:
                ssq += (a / scale) * (a / scale)
    return scale * sqrt(ssq)

cdef double dasum(Py_ssize_t n, const double* x, Py_ssize_t incx) noexcept nogil:
    cdef double s = 0.0
    cdef Py_ssize_t i
    for i in range(n):
        s += fabs(x[i * incx])
    return s

cdef Py_ssize_t idamax(Py_ssize_t n, const double* x, Py_ssize_t incx) noexcept nogil:
    cdef Py_ssize_t i, best = -1
    cdef double m = -1.0
    for i in range(n):
        if fabs(x[i * incx]) > m:
            m = fabs(x[i * incx]); best = i
    return best


# ---- level 2 -------------------------------------------------------------------
cdef void dgemv(bint trans, Py_ssize_t m, Py_ssize_t n, double alpha,
                const double* A, Py_ssize_t lda, const double* x, Py_ssize_t incx,
                double beta, double* y, Py_ssize_t incy) noexcept nogil:
    cdef Py_ssize_t i, j, ny = n if trans else m
    for i in range(ny):
        y[i * incy] = 0.0 if beta == 0.0 else beta * y[i * incy]
    if trans:
        for i in range(m):
            daxpy(n, alpha * x[i * incx], A + i * lda, 1, y, incy)
    else:
        for i in range(m):
            y[i * incy] += alpha * ddot(n, A + i * lda, 1, x, incx)

cdef void dger(Py_ssize_t m, Py_ssize_t n, double alpha,
               const double* x, Py_ssize_t incx, const double* y, Py_ssize_t incy,
               double* A, Py_ssize_t lda) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(m):
        daxpy(n, alpha * x[i * incx], y, incy, A + i * lda, 1)

cdef void dtrsv(bint lower, bint trans, bint unit, Py_ssize_t n,
                const double* T, Py_ssize_t ldt, double* x, Py_ssize_t incx) noexcept nogil:
    cdef Py_ssize_t i, j
    cdef double s
    # op(T) is lower triangular when lower != trans
    if lower != trans:
        for i in range(n):
            s = x[i * incx]
            for j in range(i):
                s -= (T[j * ldt + i] if trans else T[i * ldt + j]) * x[j * incx]
            x[i * incx] = s if unit else s / T[i * ldt + i]
    else:
        for i in range(n - 1, -1, -1):
            s = x[i * incx]
            for j in range(i + 1, n):
                s -= (T[j * ldt + i] if trans else T[i * ldt + j]) * x[j * incx]
            x[i * incx] = s if unit else s / T[i * ldt + i]


# ---- level 3 -------------------------------------------------------------------
cdef void dtrsm(bint left, bint lower, bint trans, bint unit,
                Py_ssize_t m, Py_ssize_t n, double alpha,
                const double* T, Py_ssize_t ldt, double* B, Py_ssize_t ldb) noexcept nogil:
    cdef Py_ssize_t i, j
    for i in range(m):
        dscal(n, alpha, B + i * ldb, 1)
    if left:
        for j in range(n):
            dtrsv(lower, trans, unit, m, T, ldt, B + j, ldb)
    else:
        # X op(T) = B  <=>  op(T)^T X^T = B^T: each row of B is a solve with op(T)^T
        for i in range(m):
            dtrsv(lower, not trans, unit, n, T, ldt, B + i * ldb, 1)

cdef void dtrmm(bint left, bint lower, bint trans, bint unit,
                Py_ssize_t m, Py_ssize_t n, double alpha,
                const double* T, Py_ssize_t ldt, double* B, Py_ssize_t ldb) noexcept nogil:
    cdef Py_ssize_t i, j, p, nt = m if left else n
    cdef double s, t
    cdef bint low = lower != trans       # op(T) is lower triangular
    if left:
        for j in range(n):
            if low:
                for i in range(m - 1, -1, -1):
                    s = 0.0
                    for p in range(i + 1):
                        t = 1.0 if (unit and p == i) else (T[p * ldt + i] if trans else T[i * ldt + p])
                        s += t * B[p * ldb + j]
                    B[i * ldb + j] = alpha * s
            else:
                for i in range(m):
                    s = 0.0
                    for p in range(i, m):
                        t = 1.0 if (unit and p == i) else (T[p * ldt + i] if trans else T[i * ldt + p])
                        s += t * B[p * ldb + j]
                    B[i * ldb + j] = alpha * s
    else:
        for i in range(m):
            if low:
                for j in range(n):
                    s = 0.0
                    for p in range(j, n):
                        t = 1.0 if (unit and p == j) else (T[j * ldt + p] if trans else T[p * ldt + j])
                        s += B[i * ldb + p] * t
                    B[i * ldb + j] = alpha * s
            else:
                for j in range(n - 1, -1, -1):
                    s = 0.0
                    for p in range(j + 1):
                        t = 1.0 if (unit and p == j) else (T[j * ldt + p] if trans else T[p * ldt + j])
                        s += B[i * ldb + p] * t
                    B[i * ldb + j] = alpha * s

cdef void dsyrk(bint lower, bint trans, Py_ssize_t n, Py_ssize_t k, double alpha,
                const double* A, Py_ssize_t lda, double beta,
                double* C, Py_ssize_t ldc) noexcept nogil:
    cdef Py_ssize_t i, j, lo, hi
    cdef double s
    for i in range(n):
        lo = 0 if lower else i
        hi = i + 1 if lower else n
        for j in range(lo, hi):
            if trans:
                s = ddot(k, A + i, lda, A + j, lda)
            else:
                s = ddot(k, A + i * lda, 1, A + j * lda, 1)
            C[i * ldc + j] = alpha * s if beta == 0.0 else alpha * s + beta * C[i * ldc + j]


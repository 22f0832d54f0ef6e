# _kind_dispatch.pxi: included by matrix.pyx. The block kernels of _matrix_kernels.pyx
# and the products of blas.pyx are fused over _floating.floating (each compiled for
# float and double); a Matrix or Vector holds its data as char* with a kind tag
# (RM_FLOAT64 / RM_FLOAT32, matrix.pxd). Each k_* function below takes the kind first
# and calls the kernel instance of that kind, with the pointers cast to its element
# type. The operands of one call always share a kind: matrix.pyx converts a mixed
# operand first (numpy's promotion), so no kernel ever mixes float and double.
# Scalars cross this boundary as double and are rounded to float for float32 (numpy
# casts a Python scalar to the array's dtype the same way).


# A Matrix, or a Vector seen as one row: what the shared code of _dense.pxi works on.
cdef struct Block:
    char* data
    Py_ssize_t rows
    Py_ssize_t cols
    Py_ssize_t ld
    int kind


cdef inline double k_get(int kind, const char* p, Py_ssize_t i) noexcept nogil:
    """Element i of p (as a double)."""
    if kind == RM_FLOAT32:
        return (<const float*>p)[i]
    return (<const double*>p)[i]


cdef inline void k_set(int kind, char* p, Py_ssize_t i, double value) noexcept nogil:
    """p[i] = value (rounded to float32 for that kind)."""
    if kind == RM_FLOAT32:
        (<float*>p)[i] = <float>value
    else:
        (<double*>p)[i] = value


cdef inline void k_copy(int kind, Py_ssize_t m, Py_ssize_t n,
                        const char* src, Py_ssize_t lds,          # IN
                        char* dst, Py_ssize_t ldd) noexcept nogil:  # OUT
    if kind == RM_FLOAT32:
        _copy_block(m, n, <const float*>src, lds, <float*>dst, ldd)
    else:
        _copy_block(m, n, <const double*>src, lds, <double*>dst, ldd)


cdef inline void k_fill(int kind, Py_ssize_t m, Py_ssize_t n, double value,
                        char* dst, Py_ssize_t ldd) noexcept nogil:  # OUT
    if kind == RM_FLOAT32:
        _fill_block(m, n, <float>value, <float*>dst, ldd)
    else:
        _fill_block(m, n, value, <double*>dst, ldd)


cdef inline void k_ew(int kind, int op, Py_ssize_t m, Py_ssize_t n,
                      const char* a, Py_ssize_t lda,              # IN
                      const char* b, Py_ssize_t ldb,              # IN
                      char* c, Py_ssize_t ldc) noexcept nogil:    # OUT
    if kind == RM_FLOAT32:
        _ew_block(op, m, n, <const float*>a, lda, <const float*>b, ldb, <float*>c, ldc)
    else:
        _ew_block(op, m, n, <const double*>a, lda, <const double*>b, ldb,
                  <double*>c, ldc)


cdef inline void k_ew_scalar(int kind, int op, bint scalar_first,
                             Py_ssize_t m, Py_ssize_t n,
                             const char* a, Py_ssize_t lda,           # IN
                             double s,                                 # IN
                             char* c, Py_ssize_t ldc) noexcept nogil:  # OUT
    if kind == RM_FLOAT32:
        _ew_scalar(op, scalar_first, m, n, <const float*>a, lda, <float>s,
                   <float*>c, ldc)
    else:
        _ew_scalar(op, scalar_first, m, n, <const double*>a, lda, s, <double*>c, ldc)


cdef inline void k_neg(int kind, Py_ssize_t m, Py_ssize_t n,
                       const char* a, Py_ssize_t lda,              # IN
                       char* c, Py_ssize_t ldc) noexcept nogil:    # OUT
    if kind == RM_FLOAT32:
        _neg_block(m, n, <const float*>a, lda, <float*>c, ldc)
    else:
        _neg_block(m, n, <const double*>a, lda, <double*>c, ldc)


cdef inline void k_abs(int kind, Py_ssize_t m, Py_ssize_t n,
                       const char* a, Py_ssize_t lda,              # IN
                       char* c, Py_ssize_t ldc) noexcept nogil:    # OUT
    if kind == RM_FLOAT32:
        _abs_block(m, n, <const float*>a, lda, <float*>c, ldc)
    else:
        _abs_block(m, n, <const double*>a, lda, <double*>c, ldc)


cdef inline void k_pow(int kind, Py_ssize_t m, Py_ssize_t n,
                       const char* a, Py_ssize_t lda,              # IN
                       double p,                                   # IN
                       char* c, Py_ssize_t ldc) noexcept nogil:    # OUT
    if kind == RM_FLOAT32:
        _pow_block(m, n, <const float*>a, lda, p, <float*>c, ldc)
    else:
        _pow_block(m, n, <const double*>a, lda, p, <double*>c, ldc)


cdef inline void k_transpose(int kind, Py_ssize_t m, Py_ssize_t n,
                             const char* a, Py_ssize_t lda,            # IN
                             char* b, Py_ssize_t ldb) noexcept nogil:  # OUT
    if kind == RM_FLOAT32:
        _transpose(m, n, <const float*>a, lda, <float*>b, ldb)
    else:
        _transpose(m, n, <const double*>a, lda, <double*>b, ldb)


cdef inline double k_sum(int kind, Py_ssize_t m, Py_ssize_t n,
                         const char* a, Py_ssize_t lda) noexcept nogil:  # IN
    if kind == RM_FLOAT32:
        return _sum_block(m, n, <const float*>a, lda)
    return _sum_block(m, n, <const double*>a, lda)


cdef inline void k_row_sums(int kind, Py_ssize_t m, Py_ssize_t n,
                            const char* a, Py_ssize_t lda,         # IN
                            char* out) noexcept nogil:             # OUT m
    if kind == RM_FLOAT32:
        _row_sums(m, n, <const float*>a, lda, <float*>out)
    else:
        _row_sums(m, n, <const double*>a, lda, <double*>out)


cdef inline void k_col_sums(int kind, bint absolute, Py_ssize_t m, Py_ssize_t n,
                            const char* a, Py_ssize_t lda,         # IN
                            char* out) noexcept nogil:             # OUT n
    if kind == RM_FLOAT32:
        _col_sums(absolute, m, n, <const float*>a, lda, <float*>out)
    else:
        _col_sums(absolute, m, n, <const double*>a, lda, <double*>out)


cdef inline double k_ext_row(int kind, bint want_max, Py_ssize_t n,
                             const char* x) noexcept nogil:        # IN
    if kind == RM_FLOAT32:
        return _ext_row(want_max, n, <const float*>x)
    return _ext_row(want_max, n, <const double*>x)


cdef inline Py_ssize_t k_find(int kind, double v, Py_ssize_t n,
                              const char* x) noexcept nogil:       # IN
    if kind == RM_FLOAT32:
        return _find(<float>v, n, <const float*>x)
    return _find(v, n, <const double*>x)


cdef inline double k_ext_block(int kind, bint want_max, Py_ssize_t m, Py_ssize_t n,
                               const char* a, Py_ssize_t lda) noexcept nogil:  # IN
    if kind == RM_FLOAT32:
        return _ext_block(want_max, m, n, <const float*>a, lda)
    return _ext_block(want_max, m, n, <const double*>a, lda)


cdef inline void k_argext_block(int kind, bint want_max, Py_ssize_t m, Py_ssize_t n,
                                const char* a, Py_ssize_t lda,     # IN
                                Py_ssize_t* bi, Py_ssize_t* bj) noexcept nogil:  # OUT
    if kind == RM_FLOAT32:
        _argext_block(want_max, m, n, <const float*>a, lda, bi, bj)
    else:
        _argext_block(want_max, m, n, <const double*>a, lda, bi, bj)


cdef inline void k_argext_cols(int kind, bint want_max, Py_ssize_t m, Py_ssize_t n,
                               const char* a, Py_ssize_t lda,      # IN
                               Py_ssize_t* index, char* value) noexcept nogil:  # OUT
    if kind == RM_FLOAT32:
        _argext_cols(want_max, m, n, <const float*>a, lda, index, <float*>value)
    else:
        _argext_cols(want_max, m, n, <const double*>a, lda, index, <double*>value)


cdef inline bint k_equal(int kind, Py_ssize_t m, Py_ssize_t n,
                         const char* a, Py_ssize_t lda,            # IN
                         const char* b, Py_ssize_t ldb) noexcept nogil:  # IN
    if kind == RM_FLOAT32:
        return _equal_block(m, n, <const float*>a, lda, <const float*>b, ldb)
    return _equal_block(m, n, <const double*>a, lda, <const double*>b, ldb)


cdef inline bint k_close(int kind, Py_ssize_t m, Py_ssize_t n,
                         const char* a, Py_ssize_t lda,            # IN
                         const char* b, Py_ssize_t ldb,            # IN
                         double rtol, double atol) noexcept nogil:
    if kind == RM_FLOAT32:
        return _close_block(m, n, <const float*>a, lda, <const float*>b, ldb, rtol, atol)
    return _close_block(m, n, <const double*>a, lda, <const double*>b, ldb, rtol, atol)


cdef inline double k_fro(int kind, Py_ssize_t m, Py_ssize_t n,
                         const char* a, Py_ssize_t lda) noexcept nogil:  # IN
    if kind == RM_FLOAT32:
        return _fro_block(m, n, <const float*>a, lda)
    return _fro_block(m, n, <const double*>a, lda)


cdef inline void k_gather(int kind, Py_ssize_t m, Py_ssize_t n,
                          const char* a, Py_ssize_t lda,           # IN
                          const Py_ssize_t* ri, const Py_ssize_t* ci,  # IN m, n
                          char* out, Py_ssize_t ldo) noexcept nogil:   # OUT
    if kind == RM_FLOAT32:
        _gather(m, n, <const float*>a, lda, ri, ci, <float*>out, ldo)
    else:
        _gather(m, n, <const double*>a, lda, ri, ci, <double*>out, ldo)


cdef inline void k_scatter(int kind, Py_ssize_t m, Py_ssize_t n,
                           const char* src, Py_ssize_t lds, bint scalar,  # IN
                           const Py_ssize_t* ri, const Py_ssize_t* ci,    # IN m, n
                           char* a, Py_ssize_t lda) noexcept nogil:       # INOUT
    if kind == RM_FLOAT32:
        _scatter(m, n, <const float*>src, lds, scalar, ri, ci, <float*>a, lda)
    else:
        _scatter(m, n, <const double*>src, lds, scalar, ri, ci, <double*>a, lda)


cdef inline void k_gemm(int kind, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                        const char* A, Py_ssize_t lda,             # IN  m x k
                        const char* B, Py_ssize_t ldb,             # IN  k x n
                        char* C, Py_ssize_t ldc) noexcept nogil:   # OUT m x n
    # C = A @ B (sgemm or dgemm)
    if kind == RM_FLOAT32:
        xgemm(False, False, m, n, k, <float>1.0, <const float*>A, lda,
              <const float*>B, ldb, <float>0.0, <float*>C, ldc)
    else:
        xgemm(False, False, m, n, k, 1.0, <const double*>A, lda,
              <const double*>B, ldb, 0.0, <double*>C, ldc)


cdef inline void k_gemv(int kind, bint trans, Py_ssize_t m, Py_ssize_t n,
                        const char* A, Py_ssize_t lda,             # IN  m x n
                        const char* x,                             # IN
                        char* y) noexcept nogil:                   # OUT
    # y = op(A) @ x
    if kind == RM_FLOAT32:
        xgemv(trans, m, n, <float>1.0, <const float*>A, lda, <const float*>x, 1,
              <float>0.0, <float*>y, 1)
    else:
        xgemv(trans, m, n, 1.0, <const double*>A, lda, <const double*>x, 1,
              0.0, <double*>y, 1)


cdef inline double k_dot(int kind, Py_ssize_t n,
                         const char* x, const char* y) noexcept nogil:  # IN
    if kind == RM_FLOAT32:
        return xdot(n, <const float*>x, 1, <const float*>y, 1)
    return xdot(n, <const double*>x, 1, <const double*>y, 1)


cdef inline double k_nrm2(int kind, Py_ssize_t n, const char* x) noexcept nogil:  # IN
    if kind == RM_FLOAT32:
        return xnrm2(n, <const float*>x, 1)
    return xnrm2(n, <const double*>x, 1)


cdef inline double k_asum(int kind, Py_ssize_t n, const char* x) noexcept nogil:  # IN
    if kind == RM_FLOAT32:
        return xasum(n, <const float*>x, 1)
    return xasum(n, <const double*>x, 1)

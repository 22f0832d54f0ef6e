# _checks.pxd: the input-check kernels the decompositions share (lu, qr, cholesky,
# triangular), declared here because several modules cimport them.
# Row-major (pointer, leading dimension) conventions of blas.pxd; no GIL.

# True when every entry of the m x n block A is finite.
cdef bint all_finite(Py_ssize_t m, Py_ssize_t n,
                     const double* A, Py_ssize_t lda) noexcept nogil

# dst = src (m x n); True when every entry is finite.
cdef bint copy_finite(Py_ssize_t m, Py_ssize_t n,
                      const double* src, Py_ssize_t lds,
                      double* dst, Py_ssize_t ldd) noexcept nogil

# The shape of an array-like for an error message, e.g. "(3, 4)" ("?" if it has none).
cdef str shape_str(obj)

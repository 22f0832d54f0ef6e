# _checks.pxd: the one input path of rusty_machine.linalg (input_matrix) and the
# finite-check kernels, declared here because every decomposition module cimports them.
# Row-major (pointer, leading dimension) conventions of blas.pxd; no GIL.
from rusty_machine.linalg.matrix cimport Matrix
from rusty_machine.linalg._floating cimport floating

# True when every entry of the m x n block A is finite.
cdef bint all_finite(Py_ssize_t m, Py_ssize_t n,
                     const floating* A, Py_ssize_t lda) noexcept nogil

# dst = src (m x n); True when every entry is finite.
cdef bint copy_finite(Py_ssize_t m, Py_ssize_t n,
                      const floating* src, Py_ssize_t lds,
                      floating* dst, Py_ssize_t ldd) noexcept nogil

# The shape of an array-like for an error message, e.g. "(3, 4)" ("?" if it has none).
cdef str shape_str(obj)

# A checked 2-D Matrix for func (see _checks.pyx): a private finite copy, or
# (copy=False) the input wrapped without a copy where possible; square=True also
# requires rows == cols; float64, or float32 for float32 input with keep_float32.
# ValueError / TypeError name func and the shape.
cdef Matrix input_matrix(object A, str func, bint square=*, bint copy=*,
                         bint keep_float32=*)

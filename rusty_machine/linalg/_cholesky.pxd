# _cholesky.pxd: the Cholesky kernel of _cholesky.pyx that other compiled modules call (the
# batch driver of _stacked.pyx). Row-major (pointer, leading dimension); no GIL; written
# once for float32 and float64 (_floating.floating).
from rusty_machine.linalg._floating cimport floating

# A = L L^T in place on the lower triangle, blocked (dpotrf 'L'); the upper triangle is
# not read. Returns 0, or the order k of the first leading minor found not positive.
cdef Py_ssize_t potrf(Py_ssize_t n, floating* A, Py_ssize_t lda) noexcept nogil

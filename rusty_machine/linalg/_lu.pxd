# _lu.pxd: the LU kernels of _lu.pyx that other compiled modules call (the batch driver of
# _stacked.pyx). Row-major (pointer, leading dimension) conventions of blas.pxd; no GIL;
# pivots are 0-based (row i was swapped with row ipiv[i]). Written once for float32 and
# float64 (_floating.floating).
from rusty_machine.linalg._floating cimport floating

# P A = L U in place, blocked (dgetrf); panel: m * 128 elements of work, or NULL.
# Returns 0, or 1 + the index of the first exactly-zero pivot.
cdef Py_ssize_t getrf(Py_ssize_t m, Py_ssize_t n, floating* A, Py_ssize_t lda,
                      Py_ssize_t* ipiv, floating* panel) noexcept nogil

# Solve A X = B (or A^T X = B) with the factors of getrf, B is n x nrhs (dgetrs).
cdef void getrs(bint trans, Py_ssize_t n, Py_ssize_t nrhs, const floating* LU,
                Py_ssize_t ldlu, const Py_ssize_t* ipiv, floating* B,
                Py_ssize_t ldb) noexcept nogil

# det(A) from the factors as mantissa * 2**exponent (no overflow on the way).
cdef double diag_product(Py_ssize_t n, const floating* LU, Py_ssize_t ld,
                         const Py_ssize_t* ipiv, int* exponent) noexcept nogil

# _bdsdc.pxd: the bidiagonal SVD kernels of _bdsdc.pyx, for _svd.pyx to cimport.
# Row-major (pointer, leading dimension) conventions of blas.pxd; no checks, no GIL.
# Fused over `floating` (float32 and float64, each in its own precision: issue 13).
from rusty_machine.linalg._floating cimport floating

cdef enum:
    SWEEP_BATCH = 16          # QR sweeps stored before they are applied

# Bidiagonal QR (LAPACK dbdsqr): B = U_B diag(s) V_B^T for the n x n upper bidiagonal
# (d, e); the rows of UT / VT (ucols / vcols long; NULL to skip) are rotated:
# U^T <- U_B^T U^T, V^T <- V_B^T V^T. d unsorted, any sign on exit. Returns 0, or -1
# when the sweep cap was reached. work: (4 + 4 SWEEP_BATCH) n entries.
cdef Py_ssize_t bdsqr(Py_ssize_t n, floating* d, floating* e,
                      floating* UT, Py_ssize_t ldu, Py_ssize_t ucols,
                      floating* VT, Py_ssize_t ldv, Py_ssize_t vcols,
                      floating* work) noexcept nogil

# Divide and conquer (LAPACK dbdsdc): B = U diag(s) V^T, U and V n x n with the vectors
# as columns, s >= 0 descending in d. Returns 0, -1 (sweep cap in a leaf), -2 (memory).
cdef int bdsdc(Py_ssize_t n, floating* d, floating* e, floating* U, Py_ssize_t ldu,
               floating* V, Py_ssize_t ldv) noexcept nogil

# the sweep cap factor in use (the cap is CAP_FACTOR * (n + 1) sweeps)
cdef Py_ssize_t cap_factor() noexcept nogil

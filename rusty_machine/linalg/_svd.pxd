# _svd.pxd: the SVD kernels of _svd.pyx, for other modules to cimport.
# Row-major (pointer, leading dimension) conventions of blas.pxd; no checks, no GIL;
# the inputs must be finite (the def shells check). Fused over `floating`: float32 and
# float64, each computed in its own precision (issue 13). See _svd.pyx for the
# mathematics.
from rusty_machine.linalg._floating cimport floating

# Workspace (entries of the working type) of gesdd / jacobi_svd for one m x n matrix.
cdef Py_ssize_t gesdd_work_size(Py_ssize_t m, Py_ssize_t n, bint want, bint full,
                                bint use_dc) noexcept nogil
cdef Py_ssize_t jacobi_work_size(Py_ssize_t m, Py_ssize_t n) noexcept nogil

# A = U diag(s) VT, min(m, n) >= 1, A destroyed (LAPACK dgesdd: bidiagonalisation,
# divide and conquer, back-transformation; QR first when m >= 1.6 n). U: m x (m if full
# else k), ld ldu, or NULL for values only; VT: (n if full else k) x n, ld ldvt.
# Returns 0, -1 (bidiagonal QR cap), -2 (out of memory), -3 (a leaf's QR cap).
cdef int gesdd(Py_ssize_t m, Py_ssize_t n, floating* A, Py_ssize_t lda, floating* s,
               floating* U, Py_ssize_t ldu, floating* VT, Py_ssize_t ldvt,
               bint full, bint use_dc, floating* work) noexcept nogil

# The same by one-sided Jacobi (Hestenes, de Rijk's pivoting; for small matrices).
# A is read only. Returns 0, or 1 when the sweep cap was reached.
cdef int jacobi_svd(Py_ssize_t m, Py_ssize_t n, const floating* A, Py_ssize_t lda,
                    floating* s, floating* U, Py_ssize_t ldu, floating* VT, Py_ssize_t ldvt,
                    bint full, floating* work) noexcept nogil

# The batch loop over (batch, m, n) stacks: jacobi_svd for small matrices (when
# allow_jacobi), else gesdd;
# U (batch x m x ku) and VT (batch x kv x n), or U NULL for values only. info[i] is
# matrix i's status; returns -1 when the workspace cannot be allocated.
cdef int svd_batch(Py_ssize_t batch, Py_ssize_t m, Py_ssize_t n, floating* A, floating* s,
                   floating* U, Py_ssize_t ku, floating* VT, Py_ssize_t kv,
                   bint full, bint use_dc, bint allow_jacobi, floating* work_in,
                   Py_ssize_t* info) noexcept nogil
# The entries work_in must hold (64-byte aligned; work_in NULL: svd_batch mallocs it).
cdef Py_ssize_t svd_batch_work_size(Py_ssize_t batch, Py_ssize_t m, Py_ssize_t n,
                                    bint want, bint full, bint use_dc,
                                    bint allow_jacobi) noexcept nogil

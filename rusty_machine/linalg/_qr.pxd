# _qr.pxd: the QR kernels of _qr.pyx, for other modules to cimport.
# The reflector kernels themselves (house, larft, larfb, org_q) are in _householder.pxd.
# Row-major (pointer, leading dimension) conventions of blas.pxd; no checks, no GIL.
# See _qr.pyx's module docstring for the mathematics (GVL4 Alg. 5.2.1, 5.2.2;
# LAPACK dgeqr2/dgeqrf/dorgqr/dormqr). Fused over _floating.floating (float32 and
# float64 instances, sgeqrf/dgeqrf of one source).
from rusty_machine.linalg._floating cimport floating

# Unblocked Householder QR of an m x n block (dgeqr2); w: n elements of workspace.
cdef void geqr2(Py_ssize_t m, Py_ssize_t n, floating* A, Py_ssize_t lda, floating* tau,
                floating* w) noexcept nogil

# Workspace (in elements) that geqrf / orgqr / ormqr_lt need for an m x n problem
# with block size nb (pass the module's current block size: NB_GEQRF / NB_ORGQR,
# as returned by qr_block_size(); a larger nb only over-allocates).
cdef Py_ssize_t work_size(Py_ssize_t m, Py_ssize_t n, Py_ssize_t nb) noexcept nogil

# Blocked QR (dgeqrf): A (m x n) -> R above, V below the diagonal; tau: min(m, n).
cdef void geqrf(Py_ssize_t m, Py_ssize_t n, floating* A, Py_ssize_t lda, floating* tau,
                floating* work) noexcept nogil

# The first nq columns of Q = H_0 ... H_{k-1} from geqrf's output (dorgqr).
cdef void orgqr(Py_ssize_t m, Py_ssize_t nq, Py_ssize_t k, const floating* A,
                Py_ssize_t lda, const floating* tau, floating* Q, Py_ssize_t ldq,
                floating* work) noexcept nogil

# B (m x nrhs) <- Q^T B (dormqr, left, transpose).
cdef void ormqr_lt(Py_ssize_t m, Py_ssize_t nrhs, Py_ssize_t k, const floating* A,
                   Py_ssize_t lda, const floating* tau, floating* B, Py_ssize_t ldb,
                   floating* work) noexcept nogil

# The block sizes in use (_qr.pyx's table), so callers can size workspace.
cdef Py_ssize_t qr_block_size() noexcept nogil

# qr.pxd: the Householder kernels of qr.pyx, for other decompositions to cimport
# (bidiagonalisation, Hessenberg and tridiagonal reductions reuse them).
# Row-major (pointer, leading dimension) conventions of blas.pxd; no checks, no GIL.
# See qr.pyx's module docstring for the mathematics (GVL4 Alg. 5.1.1, 5.2.1, 5.2.2;
# Schreiber & Van Loan 1989; LAPACK dlarfg/dlarft/dlarfb/dgeqrf/dorgqr).

# Householder vector (dlarfg): (I - tau v v^T) [alpha; x] = [beta; 0], v = [1; x_out];
# alpha is overwritten by beta, x (stride incx) by v[1:]; tau = 0 means H = I.
cdef void house(Py_ssize_t n, double* alpha, double* x, Py_ssize_t incx,
                double* tau) noexcept nogil

# Unblocked Householder QR of an m x n block (dgeqr2); w: n doubles of workspace.
cdef void geqr2(Py_ssize_t m, Py_ssize_t n, double* A, Py_ssize_t lda, double* tau,
                double* w) noexcept nogil

# V (m x k, ld ldv) = the explicit unit lower trapezoid stored below A's diagonal.
cdef void copy_v(Py_ssize_t m, Py_ssize_t k, const double* A, Py_ssize_t lda,
                 double* V, Py_ssize_t ldv) noexcept nogil

# T (k x k upper, zeros below) with H_0 ... H_{k-1} = I - V T V^T (dlarft, forward).
cdef void larft(Py_ssize_t m, Py_ssize_t k, const double* V, Py_ssize_t ldv,
                const double* tau, double* T, Py_ssize_t ldt) noexcept nogil

# C (m x n) <- Q^T C (trans) or Q C, Q = I - V T V^T (dlarfb, left);
# W and W2: k x n doubles each of workspace.
cdef void larfb(bint trans, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                const double* V, Py_ssize_t ldv, const double* T, Py_ssize_t ldt,
                double* C, Py_ssize_t ldc, double* W, double* W2) noexcept nogil

# Workspace (in doubles) that geqrf / orgqr / ormqr_lt need for an m x n problem
# with block size nb (pass the module's current block size: NB_GEQRF / NB_ORGQR,
# as returned by qr_block_size(); a larger nb only over-allocates).
cdef Py_ssize_t work_size(Py_ssize_t m, Py_ssize_t n, Py_ssize_t nb) noexcept nogil

# Blocked QR (dgeqrf): A (m x n) -> R above, V below the diagonal; tau: min(m, n).
cdef void geqrf(Py_ssize_t m, Py_ssize_t n, double* A, Py_ssize_t lda, double* tau,
                double* work) noexcept nogil

# The first nq columns of Q = H_0 ... H_{k-1} from geqrf's output (dorgqr).
cdef void orgqr(Py_ssize_t m, Py_ssize_t nq, Py_ssize_t k, const double* A,
                Py_ssize_t lda, const double* tau, double* Q, Py_ssize_t ldq,
                double* work) noexcept nogil

# B (m x nrhs) <- Q^T B (dormqr, left, transpose).
cdef void ormqr_lt(Py_ssize_t m, Py_ssize_t nrhs, Py_ssize_t k, const double* A,
                   Py_ssize_t lda, const double* tau, double* B, Py_ssize_t ldb,
                   double* work) noexcept nogil

# The block sizes in use (qr.pyx's table), so callers can size workspace.
cdef Py_ssize_t qr_block_size() noexcept nogil

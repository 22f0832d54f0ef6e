# eigen.pxd: the Householder / compact-WY / rotation kernels of eigen.pyx that svd.pyx
# reuses (declared here only because another module cimports them).

# Householder vector (GVL4 Alg. 5.1.1, LAPACK dlarfg): returns tau; alpha <- beta, x <- v[1:]
cdef double _house(Py_ssize_t n, double* alpha, double* x, Py_ssize_t incx) noexcept nogil
# [x; y] <- [c s; -s c] @ [x; y] on two contiguous rows
cdef void _rot_rows(Py_ssize_t n, double c, double s, double* x, double* y) noexcept nogil
# compact WY factor T of H_0 ... H_{k-1} = I - Y T Y^T (LAPACK dlarft 'F','C')
cdef void _larft(Py_ssize_t k, Py_ssize_t r, const double* YT, Py_ssize_t ldy,
                 const double* tau, double* T, Py_ssize_t ldt, double* work) noexcept nogil
# X <- (I - Y T Y^T) X with two GEMMs
cdef void _apply_block_left(Py_ssize_t k, Py_ssize_t r, Py_ssize_t ncols,
                            const double* YT, Py_ssize_t ldy, const double* T, Py_ssize_t ldt,
                            double* X, Py_ssize_t ldx, double* W) noexcept nogil
# Q = H_0 ... H_{n-2} from reflectors stored as in LAPACK dsytrd 'L' (rows, from k+1)
cdef void _orgtr(Py_ssize_t n, const double* S, Py_ssize_t lds, const double* tau,
                 double* Q, Py_ssize_t ldq, double* YT, double* T, double* W,
                 double* tmp) noexcept nogil

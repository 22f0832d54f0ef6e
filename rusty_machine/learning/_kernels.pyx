"""_kernels.pyx: the kernel matrices behind rusty_machine.learning.kernels.

Two passes build a distance-based kernel matrix:

1. the squared Euclidean distances by the expansion [1]
       ||x - y||^2 = ||x||^2 - 2 x.y + ||y||^2,
   the cross terms for all pairs being ONE call of our GEMM; rounding can push a
   distance a few ulps below zero, so it is clamped at 0 (and the diagonal of K(X, X)
   is set to exactly 0);
2. one elementwise pass that evaluates the radial profile K = f(r^2) and, when a
   gradient is wanted, the factor G = -2 f'(r^2) such that for a length scale l_k
       dK/d(log l_k) = G * (x_k - y_k)^2 / l_k^2          (chain rule on r^2)
   [2, eqs. 4.9, 4.14, 4.17, 4.19; 3, Sec. 4.2]. The pass runs over rows with
   OpenMP (prange) when more than one thread is allowed.

Profiles (``kind``), with r^2 the squared distance in length-scale units:
  0 RBF / squared exponential  f = exp(-r^2 / 2)                      G = f
  1 Matern nu = 1/2            f = exp(-r)                            G = exp(-r) / r
  2 Matern nu = 3/2            f = (1 + s) exp(-s),  s = sqrt(3) r     G = 3 exp(-s)
  3 Matern nu = 5/2            f = (1 + s + s^2/3) exp(-s), s = sqrt(5) r
                                                                       G = 5/3 (1 + s) exp(-s)
  4 rational quadratic         f = b^-alpha, b = 1 + r^2 / (2 alpha)   G = b^(-alpha-1)
     (and the alpha derivative dK/d(log alpha) = f (r^2 / (2 b) - alpha log b),
      returned in place of nothing else: see ``profile``)

References
----------
[1] Golub & Van Loan, "Matrix Computations", 4th ed., Sec. 1.1 (dot-product view of a
    matrix product: all x.y at once as one GEMM).
[2] C. E. Rasmussen & C. K. I. Williams, "Gaussian Processes for Machine Learning",
    MIT Press 2006, Ch. 4 (covariance functions and their forms).
[3] M. L. Stein, "Interpolation of Spatial Data", Springer 1999, Sec. 2.7 (Matern class).
"""
from cython.parallel cimport prange
from libc.math cimport exp, sqrt, log, pow
from libc.string cimport memcpy

import numpy as np

from rusty_machine.linalg.blas cimport dgemm, get_num_threads, in_parallel
from rusty_machine.linalg._csrc cimport rm_vexp

cdef double SQRT3 = 1.7320508075688772
cdef double SQRT5 = 2.23606797749979
cdef Py_ssize_t PARALLEL_MIN = 65536     # entries below which a pass runs serially


cdef void _row_norms(const double* X,      # IN  (n, d), ld d
                     Py_ssize_t n,
                     Py_ssize_t d,
                     double* out) noexcept nogil:  # OUT (n,) ||x_i||^2
    cdef Py_ssize_t i, k
    cdef double s
    for i in range(n):
        s = 0.0
        for k in range(d):
            s = s + X[i * d + k] * X[i * d + k]
        out[i] = s


cdef void _sq_dists(const double* X,          # IN  (n, d), ld d
                    Py_ssize_t n,
                    const double* Y,          # IN  (m, d), ld d
                    Py_ssize_t m,
                    Py_ssize_t d,
                    bint same,
                    const double* x_sq,       # IN  (n,) ||x_i||^2
                    const double* y_sq,       # IN  (m,) ||y_j||^2
                    double* D,                # OUT (n, m), ld m
                    int n_threads) noexcept nogil:
    """D[i, j] = ||x_i - y_j||^2 through one GEMM, clamped at zero."""
    cdef Py_ssize_t i, j
    cdef double v
    # D = -2 * X @ Y.T  ([1]: every cross term x_i.y_j in one GEMM)
    dgemm(False, True, n, m, d, -2.0, X, d, Y, d, 0.0, D, m)
    for i in prange(n, num_threads=n_threads, schedule="static"):
        for j in range(m):
            v = D[i * m + j] + x_sq[i] + y_sq[j]
            D[i * m + j] = v if v > 0.0 else 0.0     # rounding: clamp tiny negatives
        if same:
            D[i * m + i] = 0.0
    if same:
        # GEMM's blocking does not round x_i.x_j and x_j.x_i alike: mirror the lower
        # triangle so that K(X, X) is exactly symmetric
        for i in prange(n, num_threads=n_threads, schedule="static"):
            for j in range(i):
                D[j * m + i] = D[i * m + j]


def sq_dists(const double[:, ::1] X, const double[:, ::1] Y, bint same=False):
    """Squared Euclidean distances between the rows of X and the rows of Y.

    Parameters
    ----------
    X : ndarray of shape (n, d), C-contiguous float64
    Y : ndarray of shape (m, d), C-contiguous float64
    same : bool
        Y is X: the diagonal is set to exactly 0.

    Returns
    -------
    ndarray of shape (n, m), entries >= 0
    """
    if X.shape[1] != Y.shape[1]:
        raise ValueError("sq_dists: X has %d features but Y has %d"
                         % (X.shape[1], Y.shape[1]))
    if same and X.shape[0] != Y.shape[0]:
        raise ValueError("sq_dists: same=True needs X and Y of the same shape")
    cdef Py_ssize_t n = X.shape[0], m = Y.shape[0], d = X.shape[1]
    out = np.empty((n, m), dtype=np.float64)
    cdef double[:, ::1] Dv = out
    # threads only pay off on large blocks (a parallel region costs microseconds)
    cdef int nt = 1 if (in_parallel() or n * m < PARALLEL_MIN) else get_num_threads()
    if n == 0 or m == 0:
        return out
    if d == 0:
        out[...] = 0.0
        return out
    x_sq = np.empty(n, dtype=np.float64)
    y_sq = np.empty(m, dtype=np.float64)
    cdef double[::1] xs = x_sq, ys = y_sq
    with nogil:
        _row_norms(&X[0, 0], n, d, &xs[0])
        _row_norms(&Y[0, 0], m, d, &ys[0])
        _sq_dists(&X[0, 0], n, &Y[0, 0], m, d, same, &xs[0], &ys[0], &Dv[0, 0], nt)
    return out


cdef inline double _profile_value(int kind, double r2, double alpha,
                                  double* g, double* ga) noexcept nogil:
    """f(r^2) for the radial profile ``kind`` (1 to 4: RBF rows go through
    ``_profile_row``'s vectorised exp); *g = -2 f'(r^2); *ga = df/d(log alpha)
    (rational quadratic only). See the module docstring for the formulas."""
    cdef double r, s, e, b, f
    r = sqrt(r2)
    if kind == 1:                                   # Matern 1/2, R&W eq. 4.17 (p = 0)
        f = exp(-r)
        g[0] = f / r if r > 0.0 else 0.0
        return f
    if kind == 2:                                   # Matern 3/2, R&W eq. 4.17
        s = SQRT3 * r
        e = exp(-s)
        g[0] = 3.0 * e
        return (1.0 + s) * e
    if kind == 3:                                   # Matern 5/2, R&W eq. 4.17
        s = SQRT5 * r
        e = exp(-s)
        g[0] = (5.0 / 3.0) * (1.0 + s) * e
        return (1.0 + s + s * s / 3.0) * e
    # kind == 4: rational quadratic, R&W eq. 4.19
    b = 1.0 + r2 / (2.0 * alpha)
    f = pow(b, -alpha)
    g[0] = f / b
    ga[0] = f * (0.5 * r2 / b - alpha * log(b))
    return f


def profile(double[:, ::1] R2, int kind, double alpha=1.0, bint want_grad=False,
            bint inplace=False):
    """Evaluate a radial profile on squared scaled distances.

    Parameters
    ----------
    R2 : ndarray of shape (n, m)
        Squared distances in length-scale units (not modified unless ``inplace``).
    kind : int
        0 RBF, 1/2/3 Matern nu = 1/2, 3/2, 5/2, 4 rational quadratic.
    alpha : float
        Shape of the rational quadratic (> 0), ignored otherwise.
    want_grad : bool
        Also return G = -2 f'(r^2) (and for kind 4 dK/d(log alpha)).
    inplace : bool
        Write K over R2 (each entry is read before it is written) and return R2's
        memory as K: one (n, m) array less to allocate, for callers that need only K.
        Not with want_grad.

    Returns
    -------
    K : ndarray of shape (n, m)
    G : ndarray of shape (n, m) or None
    GA : ndarray of shape (n, m) or None (kind 4 with want_grad only)
    """
    if kind < 0 or kind > 4:
        raise ValueError("profile: unknown kind %d" % kind)
    if kind == 4 and not alpha > 0.0:
        raise ValueError("profile: alpha must be > 0, got %r" % alpha)
    if inplace and want_grad:
        raise ValueError("profile: inplace and want_grad exclude each other")
    cdef Py_ssize_t n = R2.shape[0], m = R2.shape[1], i
    shape = (n, m)
    K = np.asarray(R2) if inplace else np.empty(shape, dtype=np.float64)
    G = np.empty(shape if want_grad else (1, 1), dtype=np.float64)
    GA = np.empty(shape if (want_grad and kind == 4) else (1, 1), dtype=np.float64)
    cdef double[:, ::1] Kv = K, Gv = G, GAv = GA
    # threads only pay off on large blocks (a parallel region costs microseconds)
    cdef int nt = 1 if (in_parallel() or n * m < PARALLEL_MIN) else get_num_threads()
    cdef bint wg = want_grad, wa = want_grad and kind == 4
    if n == 0 or m == 0:
        return K, (G if want_grad else None), (GA if wa else None)
    with nogil:
        for i in prange(n, num_threads=nt, schedule="static"):
            _profile_row(kind, &R2[i, 0], m, alpha, &Kv[i, 0],
                         &Gv[i, 0] if wg else NULL, &GAv[i, 0] if wa else NULL)
    return K, (G if want_grad else None), (GA if wa else None)


cdef void _profile_row(int kind,
                       const double* r2,       # IN  (m,) squared scaled distances
                       Py_ssize_t m,
                       double alpha,
                       double* k,              # OUT (m,) f(r^2)
                       double* g,              # OUT (m,) -2 f'(r^2), or NULL
                       double* ga) noexcept nogil:  # OUT (m,) df/dlog alpha, or NULL
    """One row of ``profile`` (its scratch scalars are local: safe under prange)."""
    cdef Py_ssize_t j
    cdef double gj = 0.0, gaj = 0.0
    if kind == 0:
        # RBF, R&W eq. 4.9: f = exp(-r^2 / 2) = G, the exponents first, then exp over
        # the row four lanes at a time (csrc/rm_vmath.h, within 2 ulp of libm's)
        for j in range(m):
            k[j] = -0.5 * r2[j]
        rm_vexp(m, k, k)
        if g != NULL:
            memcpy(g, k, m * sizeof(double))
        return
    for j in range(m):
        k[j] = _profile_value(kind, r2[j], alpha, &gj, &gaj)
        if g != NULL:
            g[j] = gj
        if ga != NULL:
            ga[j] = gaj

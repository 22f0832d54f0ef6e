"""_glm.pyx: the one pass over the data of an IRLS iteration.

Each IRLS step [1] needs the weighted normal equations of the working problem,

    X~' W X~  and  X~' W z,        X~ = [X, 1]  (the column of ones with an intercept),

which are blocks of the Gram matrix A' A of A = sqrt(W) [X, 1, z]. ``weighted_gram``
builds A one block of CHUNK rows at a time in a small buffer (the block stays in cache)
and accumulates the lower triangle of A' A with our dsyrk (a GEMM-based symmetric
rank-k update [2]), so A itself never exists in full and X is read exactly once.

References
----------
[1] P. McCullagh and J. A. Nelder, *Generalized Linear Models*, 2nd ed., 1989, Sec. 2.5.
[2] K. Goto and R. A. van de Geijn, "High-performance implementation of the level-3
    BLAS", ACM TOMS 35(1), 2008 (SYRK cast as GEMM).
"""
from libc.math cimport sqrt
from libc.stdlib cimport malloc, free

import numpy as np

from rusty_machine.linalg.blas cimport dgemv, dsyrk
from rusty_machine.linalg._csrc cimport rm_vexp, rm_vlog

# Rows per block: CHUNK x (n_features + 2) doubles stay in L2 for the dsyrk.
cdef Py_ssize_t CHUNK = 2048


cdef void _gram_kernel(Py_ssize_t n_samples, Py_ssize_t n_features, bint intercept,
                       const double* X, Py_ssize_t ldx,    # IN  (n_samples, n_features)
                       const double* z,                    # IN  (n_samples,)
                       const double* w,                    # IN  (n_samples,) weights >= 0
                       double* buf,                        # OUT (CHUNK, width) scratch
                       double* G) noexcept nogil:          # INOUT (width, width) lower
    cdef Py_ssize_t width = n_features + (1 if intercept else 0) + 1
    cdef Py_ssize_t start, rows, i, j
    cdef double sw
    cdef const double* xrow
    cdef double* brow
    start = 0
    while start < n_samples:
        rows = min(CHUNK, n_samples - start)
        for i in range(rows):
            sw = sqrt(w[start + i])
            xrow = X + (start + i) * ldx
            brow = buf + i * width
            for j in range(n_features):
                brow[j] = sw * xrow[j]
            if intercept:
                brow[n_features] = sw
            brow[width - 1] = sw * z[start + i]
        # G += buf.T @ buf   (lower triangle)
        dsyrk(True, True, width, rows, 1.0, buf, width, 1.0, G, width)
        start += rows


def weighted_gram(const double[:, ::1] X, const double[::1] z, const double[::1] w,
                  bint fit_intercept):
    """Lower triangle of A' A for A = sqrt(w) [X, 1, z] (the ones only with an
    intercept), shape (q + 1, q + 1) with q = n_features + fit_intercept.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), C-contiguous float64
    z, w : ndarray of shape (n_samples,)
        Working response and non-negative working weights.
    fit_intercept : bool

    Returns
    -------
    ndarray of shape (q + 1, q + 1)
        Only the lower triangle is filled (the upper one is zero).
    """
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1]
    if z.shape[0] != n or w.shape[0] != n:
        raise ValueError("weighted_gram: X has %d rows but z has %d and w has %d"
                         % (n, z.shape[0], w.shape[0]))
    cdef Py_ssize_t width = p + (1 if fit_intercept else 0) + 1
    G_arr = np.zeros((width, width), dtype=np.float64)
    cdef double[:, ::1] G = G_arr
    if n == 0:
        return G_arr
    cdef double* buf = <double*> malloc(CHUNK * width * sizeof(double))
    if buf == NULL:
        raise MemoryError("weighted_gram: cannot allocate the block buffer")
    try:
        with nogil:
            _gram_kernel(n, p, fit_intercept, &X[0, 0], p, &z[0], &w[0], buf, &G[0, 0])
    finally:
        free(buf)
    return G_arr


# ---------------------------------------------------------------------------------------
# The L-BFGS path (part E, issue 16): value and gradient of a log-link Tweedie model in
# one pass, as scikit-learn's default solver needs them at every evaluation.
#
# With the log link mu = exp(eta), eta = X w + b + offset, the Tweedie unit deviance of
# power p [1, Sec. 2.2; Jorgensen, "The theory of dispersion models", 1997, Ch. 4] is, up
# to a term that depends on y only,
#     d(y, mu) / 2 = h(eta) + c(y),
#     h = mu^(2-p) / (2-p) - y mu^(1-p) / (1-p)      (p not 1 or 2; p = 0 is least squares)
#     h = mu - y eta                                  (p = 1, Poisson)
#     h = eta + y exp(-eta)                           (p = 2, Gamma)
# and dh/deta = (mu - y) mu^(1-p). The kernel returns sum_i s_i h_i and the gradient
# X' r, 1' r with r = s (mu - y) mu^(1-p); the caller adds sum_i s_i c_i, divides by the
# weight sum and adds the penalty. The exponentials of a block are one call of the vector
# exp of csrc/rm_vmath.h each.
# ---------------------------------------------------------------------------------------

def log_link_loss_grad(const double[:, ::1] X not None,
                       const double[::1] y not None,
                       const double[::1] s,
                       const double[::1] offset,
                       const double[::1] coef not None,
                       double b,
                       double power,
                       double[::1] g not None):
    """sum_i s_i h_i (the eta-dependent half deviance) and its gradient, one pass.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), C-contiguous float64
    y, s, offset : ndarray of shape (n_samples,)
        Responses, sample weights, offsets; s None means unit weights and offset None
        no offset (those n_samples values are then not read at every evaluation).
    coef : ndarray of shape (n_features,)
    b : float
        Intercept.
    power : float
        Tweedie power (0, or >= 1).
    g : ndarray of shape (n_features,)
        OUT: X' r.

    Returns
    -------
    (float, float)
        sum_i s_i h_i and sum_i r_i (+inf and nan when a mean overflows).
    """
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1]
    if (y.shape[0] != n or (s is not None and s.shape[0] != n)
            or (offset is not None and offset.shape[0] != n)
            or coef.shape[0] != p or g.shape[0] != p):
        raise ValueError("log_link_loss_grad: inconsistent shapes")
    g[:] = 0.0
    if n == 0:
        return 0.0, 0.0
    # per block: eta, then mu = exp(eta), then mu^(1-p) (general p: a second exp)
    cdef double* buf = <double*> malloc(3 * CHUNK * sizeof(double))
    if buf == NULL:
        raise MemoryError("log_link_loss_grad: cannot allocate the block buffer")
    cdef double* eta = buf
    cdef double* mu = buf + CHUNK
    cdef double* mq = buf + 2 * CHUNK
    cdef int kind = 1 if power == 1.0 else (2 if power == 2.0 else 0)
    cdef double q1 = 1.0 - power, q2 = 2.0 - power
    cdef double loss = 0.0, gb = 0.0, h, r
    cdef Py_ssize_t i, start, rows
    cdef const double* sw = &s[0] if s is not None else NULL
    cdef const double* off = &offset[0] if offset is not None else NULL
    try:
        with nogil:
            start = 0
            while start < n:
                rows = min(CHUNK, n - start)
                if p > 0:
                    # eta_b = X_b w
                    dgemv(False, rows, p, 1.0, &X[start, 0], p, &coef[0], 1, 0.0, eta, 1)
                else:
                    for i in range(rows):
                        eta[i] = 0.0
                for i in range(rows):
                    eta[i] += b if off == NULL else b + off[start + i]
                    if kind == 2:
                        mq[i] = -eta[i]
                    elif kind == 0:
                        mq[i] = q1 * eta[i]
                rm_vexp(rows, eta, mu)
                if kind != 1:
                    rm_vexp(rows, mq, mq)          # exp(-eta), or mu^(1-p)
                for i in range(rows):
                    if kind == 1:
                        h = mu[i] - y[start + i] * eta[i]
                        r = mu[i] - y[start + i]
                    elif kind == 2:
                        h = eta[i] + y[start + i] * mq[i]
                        r = 1.0 - y[start + i] * mq[i]
                    else:
                        h = mu[i] * mq[i] / q2 - y[start + i] * mq[i] / q1
                        r = (mu[i] - y[start + i]) * mq[i]
                    if sw != NULL:
                        h = sw[start + i] * h
                        r = sw[start + i] * r
                    loss += h
                    gb += r
                    eta[i] = r
                if p > 0:
                    # g += X_b' r_b
                    dgemv(True, rows, p, 1.0, &X[start, 0], p, eta, 1, 1.0, &g[0], 1)
                start += rows
    finally:
        free(buf)
    return loss, gb


def y_terms_sum(const double[::1] y not None, const double[::1] s, double power):
    """sum_i s_i c(y_i): the part of the half deviance d(y, mu) / 2 that depends on y
    only (see above), so that sum_i s_i (h_i + c_i) is half the weighted deviance:

        c = y log y - y      (p = 1; 0 log 0 = 0)
        c = -log y - 1       (p = 2)
        c = y^(2-p) / ((1-p)(2-p))  (other p; y >= 0, and y^2 / 2 for p = 0)

    The logarithms of a block are one call of the vector log of csrc/rm_vmath.h (y^(2-p)
    = exp((2-p) log y), then one vector exp).

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Responses (> 0 for p = 2 and p > 2, >= 0 for 1 <= p < 2).
    s : ndarray of shape (n_samples,) or None
        Sample weights (None: all one).
    power : float
        Tweedie power (0, or >= 1).

    Returns
    -------
    float
    """
    cdef Py_ssize_t n = y.shape[0], i, start, rows
    if s is not None and s.shape[0] != n:
        raise ValueError("y_terms_sum: y and s have different lengths")
    if n == 0:
        return 0.0
    cdef double* buf = <double*> malloc(CHUNK * sizeof(double))
    if buf == NULL:
        raise MemoryError("y_terms_sum: cannot allocate the block buffer")
    cdef const double* sw = &s[0] if s is not None else NULL
    cdef int kind = 1 if power == 1.0 else (2 if power == 2.0 else (3 if power == 0.0 else 0))
    cdef double q2 = 2.0 - power, scale = 1.0 / ((1.0 - power) * (2.0 - power))
    cdef double total = 0.0, c, yi
    try:
        with nogil:
            start = 0
            while start < n:
                rows = min(CHUNK, n - start)
                if kind != 3:
                    for i in range(rows):            # log of the positive y (1 for y = 0)
                        yi = y[start + i]
                        buf[i] = yi if yi > 0.0 else 1.0
                    rm_vlog(rows, buf, buf)
                    if kind == 0:
                        for i in range(rows):
                            buf[i] *= q2
                        rm_vexp(rows, buf, buf)      # y^(2-p) (1 for y = 0: masked below)
                for i in range(rows):
                    yi = y[start + i]
                    if kind == 1:
                        c = yi * buf[i] - yi
                    elif kind == 2:
                        c = -buf[i] - 1.0
                    elif kind == 3:
                        c = 0.5 * yi * yi
                    else:
                        c = buf[i] * scale if yi > 0.0 else 0.0
                    total += c if sw == NULL else sw[start + i] * c
                start += rows
    finally:
        free(buf)
    return total

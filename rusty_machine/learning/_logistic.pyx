# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""_logistic.pyx: the loss and gradient of logistic regression (binary and multinomial)
in one pass over the data.

For the softmax model with scores Z = X W' + 1 b' (W of shape (K, p)), weights s and
labels y, L-BFGS needs at every evaluation

    F = sum_i s_i (logsumexp(z_i) - z_{i, y_i}),
    dF/dW = R' X,  dF/db = R' 1,   R = diag(s) (P - Y),  P = softmax(Z) row-wise

[1, Sec. 4.3.4]. ``multinomial_loss_grad`` walks X in blocks of CHUNK rows: the block's
scores by one GEMM into a small buffer, the log-sum-exp (the row maximum subtracted
first [2]), the loss and R row by row while the block is in cache, then the block's
share of the gradient R_b' X_b by a second GEMM accumulated in place. Neither Z, P nor
R exists for the whole data, and X is read once per evaluation (from cache the second
time). ``binary_loss_grad`` is the same pass for the binary model with GEMVs: margins
z = X_b w + b, F = sum_i s_i (softplus(z_i) - y_i z_i), r = s (sigmoid(z) - y),
dF/dw = X' r [1, Sec. 4.3.2], softplus and sigmoid from exp(-|z|) <= 1 (no overflow).
The exponentials and logarithms of a block are one call each of the vector kernels of
csrc/rm_vmath.h (exp, log, log1p within 2 ulp, four lanes at a time).

References
----------
[1] C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer 2006, Sec. 4.3.4
    (multiclass logistic regression, eq. 4.109).
[2] P. Blanchard, D. J. Higham and N. J. Higham, "Accurately computing the log-sum-exp
    and softmax functions", IMA J. Numer. Anal. 41(4), 2021.
"""
from libc.math cimport fabs
from libc.stdlib cimport malloc, free

import numpy as np

from rusty_machine.linalg.blas cimport dgemm, dgemv
from rusty_machine.linalg._csrc cimport rm_vexp, rm_vlog, rm_vlog1p

# Rows per block: CHUNK x n_features doubles of X stay in L2 between the two GEMMs.
cdef Py_ssize_t CHUNK = 512


cdef double _block_loss(Py_ssize_t rows, Py_ssize_t K,
                        const double* b,          # IN  (K,) intercepts
                        const int* y,             # IN  (rows,) class indices
                        const double* s,          # IN  (rows,) sample weights
                        double* Z,                # INOUT (rows, K): scores in, R out
                        double* acc) noexcept nogil:  # scratch (rows,)
    """The block's weighted loss; Z (the scores X_b W') becomes R = s (P - Y)."""
    cdef Py_ssize_t i, k
    cdef double m, a, scale, loss = 0.0
    cdef double* z
    # loss_i = log sum_k exp(z_k - m) - (z_y - m) with m the row's largest score [2]:
    # first the shifted scores, then one vector exp over the whole block, one vector
    # log over the row sums (csrc/rm_vmath.h), then P and R
    for i in range(rows):
        z = Z + i * K
        m = z[0] + b[0]
        for k in range(K):
            z[k] += b[k]
            if z[k] > m:
                m = z[k]
        loss += s[i] * (m - z[y[i]])
        for k in range(K):
            z[k] -= m
    rm_vexp(rows * K, Z, Z)                   # each <= 1, the largest = 1
    for i in range(rows):
        z = Z + i * K
        a = 0.0
        for k in range(K):
            a += z[k]
        acc[i] = a
    for i in range(rows):
        z = Z + i * K
        scale = s[i] / acc[i]
        for k in range(K):
            z[k] *= scale
        z[y[i]] -= s[i]
    rm_vlog(rows, acc, acc)
    for i in range(rows):
        loss += s[i] * acc[i]
    return loss


def multinomial_loss_grad(const double[:, ::1] X not None,
                          const double[:, ::1] W not None,
                          const double[::1] b not None,
                          const int[::1] y not None,
                          const double[::1] s not None,
                          double[:, ::1] G not None,
                          double[::1] gb not None):
    """Weighted multinomial loss and its gradient, without the penalty or any division.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), C-contiguous float64
    W : ndarray of shape (n_classes, n_features)
    b : ndarray of shape (n_classes,)
    y : ndarray of shape (n_samples,), int32 class indices in [0, n_classes)
    s : ndarray of shape (n_samples,), sample weights
    G : ndarray of shape (n_classes, n_features)
        OUT: sum_i s_i (p_i - e_{y_i}) x_i'.
    gb : ndarray of shape (n_classes,)
        OUT: sum_i s_i (p_i - e_{y_i}).

    Returns
    -------
    float
        sum_i s_i (logsumexp(z_i) - z_{i, y_i}).
    """
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1], K = W.shape[0]
    if (W.shape[1] != p or b.shape[0] != K or y.shape[0] != n or s.shape[0] != n
            or G.shape[0] != K or G.shape[1] != p or gb.shape[0] != K):
        raise ValueError("multinomial_loss_grad: inconsistent shapes")
    cdef Py_ssize_t i, k, start, rows
    for i in range(n):
        if y[i] < 0 or y[i] >= K:
            raise ValueError("multinomial_loss_grad: a label index is outside [0, %d)" % K)
    G[:, :] = 0.0
    gb[:] = 0.0
    if n == 0 or K == 0:
        return 0.0
    cdef double* Z = <double*> malloc((CHUNK * K + CHUNK) * sizeof(double))
    if Z == NULL:
        raise MemoryError("multinomial_loss_grad: cannot allocate the block buffer")
    cdef double loss = 0.0
    try:
        with nogil:
            start = 0
            while start < n:
                rows = min(CHUNK, n - start)
                # Z_b = X_b W'   (rows x K)
                if p > 0:
                    dgemm(False, True, rows, K, p, 1.0, &X[start, 0], p, &W[0, 0], p,
                          0.0, Z, K)
                else:
                    for i in range(rows * K):
                        Z[i] = 0.0
                loss += _block_loss(rows, K, &b[0], &y[start], &s[start], Z, Z + CHUNK * K)
                for i in range(rows):
                    for k in range(K):
                        gb[k] += Z[i * K + k]
                # G += R_b' X_b   (K x p)
                if p > 0:
                    dgemm(True, False, K, p, rows, 1.0, Z, K, &X[start, 0], p,
                          1.0, &G[0, 0], p)
                start += rows
    finally:
        free(Z)
    return loss


def binary_loss_grad(const double[:, ::1] X not None,
                     const double[::1] w not None,
                     double b,
                     const double[::1] y not None,
                     const double[::1] s not None,
                     double[::1] g not None):
    """Weighted binary logistic loss and its gradient, without the penalty or division.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), C-contiguous float64
    w : ndarray of shape (n_features,)
    b : float
    y : ndarray of shape (n_samples,), 0/1 targets
    s : ndarray of shape (n_samples,), sample weights
    g : ndarray of shape (n_features,)
        OUT: X' r with r = s (sigmoid(X w + b) - y).

    Returns
    -------
    (float, float)
        sum_i s_i (softplus(z_i) - y_i z_i) and sum_i r_i (the intercept's gradient).
    """
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1]
    if w.shape[0] != p or y.shape[0] != n or s.shape[0] != n or g.shape[0] != p:
        raise ValueError("binary_loss_grad: inconsistent shapes")
    g[:] = 0.0
    if n == 0:
        return 0.0, 0.0
    # z: the block's margins, then its residuals; ez = exp(-|z|); lp = log1p(ez)
    cdef double* z = <double*> malloc(3 * CHUNK * sizeof(double))
    if z == NULL:
        raise MemoryError("binary_loss_grad: cannot allocate the block buffer")
    cdef double* ez = z + CHUNK
    cdef double* lp = z + 2 * CHUNK
    cdef double loss = 0.0, gb = 0.0, zi, e, sig
    cdef Py_ssize_t i, start, rows
    try:
        with nogil:
            start = 0
            while start < n:
                rows = min(CHUNK, n - start)
                if p > 0:
                    # z_b = X_b w
                    dgemv(False, rows, p, 1.0, &X[start, 0], p, &w[0], 1, 0.0, z, 1)
                else:
                    for i in range(rows):
                        z[i] = 0.0
                for i in range(rows):
                    z[i] += b
                    ez[i] = -fabs(z[i])
                # exp(-|z|), then log1p of it, each one vector call over the block
                # (csrc/rm_vmath.h)
                rm_vexp(rows, ez, ez)
                rm_vlog1p(rows, ez, lp)
                for i in range(rows):
                    zi = z[i]
                    e = ez[i]
                    # softplus(z) = max(z, 0) + log1p(exp(-|z|))
                    loss += s[start + i] * ((zi if zi > 0 else 0.0) + lp[i]
                                            - y[start + i] * zi)
                    sig = 1.0 / (1.0 + e) if zi >= 0 else e / (1.0 + e)
                    z[i] = s[start + i] * (sig - y[start + i])
                    gb += z[i]
                if p > 0:
                    # g += X_b' r_b
                    dgemv(True, rows, p, 1.0, &X[start, 0], p, z, 1, 1.0, &g[0], 1)
                start += rows
    finally:
        free(z)
    return loss, gb


def _vmath_py(str name, const double[::1] x not None):
    """Test wrapper: exp, log or log1p of every entry by csrc/rm_vmath.h's vector kernels.

    Returns
    -------
    ndarray of the shape of x, float64
    """
    if name not in ("exp", "log", "log1p"):
        raise ValueError("_vmath_py: name must be exp, log or log1p, got %r" % (name,))
    out = np.empty(x.shape[0], dtype=np.float64)
    cdef double[::1] o = out
    cdef Py_ssize_t n = x.shape[0]
    if n == 0:
        return out
    with nogil:
        if name == "exp":
            rm_vexp(n, &x[0], &o[0])
        elif name == "log":
            rm_vlog(n, &x[0], &o[0])
        else:
            rm_vlog1p(n, &x[0], &o[0])
    return out

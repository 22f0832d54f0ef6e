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

from rusty_machine.linalg.blas cimport dsyrk

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

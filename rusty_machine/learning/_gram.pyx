"""_gram.pyx: the Gram matrix X^T X of the data, the one pass over X of PCA's
covariance route and of the normal equations of LinearRegression / Ridge.

``gram`` forms the d x d Gram (scatter) matrix X^T X of the data in the data's own type
with one symmetric rank-k update, our ``xsyrk`` (ssyrk or dsyrk: half the flops of a
GEMM, its time that of the GEMM it calls [1, Sec. 1.3.4 and 3.1.5]); the upper triangle
is mirrored from the lower one so that the result is exactly symmetric. Written once for
float32 and float64 (``floating``, _floating.pxd): float32 data is never copied to
float64, the n x d pass runs in sgemm.

References
----------
[1] Golub & Van Loan, "Matrix Computations", 4th ed. (the symmetric rank-k update).
"""
import numpy as np

from rusty_machine.linalg.blas cimport xsyrk
from rusty_machine.linalg._floating cimport floating


def gram(const floating[:, :] X not None):
    """G = X.T @ X, shape (n_features, n_features), in the dtype of X.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float32 or float64
        Rows contiguous (a C-ordered array or a column slice of one: used in place
        through its leading dimension).

    Returns
    -------
    ndarray of shape (n_features, n_features), symmetric, the dtype of X
    """
    cdef Py_ssize_t n = X.shape[0], d = X.shape[1], i, j
    dtype = np.float32 if floating is float else np.float64
    G = np.zeros((d, d), dtype=dtype)
    if d == 0 or n == 0:
        return G
    if d > 1 and X.strides[1] != sizeof(floating):
        raise ValueError("gram: the rows of X must be contiguous")
    cdef Py_ssize_t ldx = X.strides[0] // sizeof(floating) if n > 1 else d
    if ldx < d:
        raise ValueError("gram: X's row stride is shorter than a row")
    cdef floating[:, ::1] g = G
    with nogil:
        # lower(G) = X.T @ X      (xsyrk, trans: A is k x n = n_samples x n_features)
        xsyrk(True, True, d, n, 1.0, &X[0, 0], ldx, 0.0, &g[0, 0], d)
        for i in range(d):                       # upper(G) = lower(G).T
            for j in range(i + 1, d):
                g[i, j] = g[j, i]
    return G

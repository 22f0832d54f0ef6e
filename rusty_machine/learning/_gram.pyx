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


# Rows of X per syrk call when the column sums are wanted too: 1024 rows of 100 float64
# features (800 KiB) are still in the 1 MiB L2 when their sums are taken, and each call
# still spans a few of the GEMM kernels' k blocks (KC = 256 to 512).
cdef Py_ssize_t SUM_BLOCK_ROWS = 1024


def gram(const floating[:, :] X not None, bint with_sums=False):
    """G = X.T @ X, shape (n_features, n_features), in the dtype of X; with
    ``with_sums``, also the column sums X.T @ 1 in float64.

    The sums are taken block by block of rows right after each block's syrk, while the
    block is still in cache: one pass over X from memory gives both (PCA's covariance
    route needs the mean and the scatter matrix). A non-finite entry of X makes its
    column's diagonal entry of G and its sum non-finite (x^2 >= 0 cannot cancel an inf,
    and NaN propagates), so checking those 2 d numbers checks all of X.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float32 or float64
        Rows contiguous (a C-ordered array or a column slice of one: used in place
        through its leading dimension).
    with_sums : bool, default False

    Returns
    -------
    G : ndarray of shape (n_features, n_features), symmetric, the dtype of X
    sums : ndarray of shape (n_features,), float64 (only with ``with_sums``)
    """
    cdef Py_ssize_t n = X.shape[0], d = X.shape[1], i, j, r0, nb
    dtype = np.float32 if floating is float else np.float64
    G = np.zeros((d, d), dtype=dtype)
    S = np.zeros(d, dtype=np.float64)
    if d == 0 or n == 0:
        return (G, S) if with_sums else G
    if d > 1 and X.strides[1] != sizeof(floating):
        raise ValueError("gram: the rows of X must be contiguous")
    cdef Py_ssize_t ldx = X.strides[0] // sizeof(floating) if n > 1 else d
    if ldx < d:
        raise ValueError("gram: X's row stride is shorter than a row")
    cdef floating[:, ::1] g = G
    cdef double[::1] sums = S
    cdef double* sp = &sums[0]
    cdef const floating* xb
    # one block of all the rows without the sums; blocks of at least d rows (the packed
    # syrk's shape, k >= n) with them
    cdef Py_ssize_t block = max(SUM_BLOCK_ROWS, d) if with_sums else n
    with nogil:
        r0 = 0
        while r0 < n:
            nb = min(block, n - r0)
            xb = &X[r0, 0]
            # lower(G) += X[r0:r0+nb].T @ X[r0:r0+nb]   (xsyrk, trans: A is nb x d)
            xsyrk(True, True, d, nb, 1.0, xb, ldx, 0.0 if r0 == 0 else 1.0, &g[0, 0], d)
            if with_sums:
                # sums += X[r0:r0+nb].sum(0), from cache: four rows per sweep of sums
                # (a quarter of the loads and stores of sums, and a pairwise sum of the
                # four values of each column)
                i = 0
                while i + 4 <= nb:
                    for j in range(d):
                        sp[j] += ((<double> xb[i * ldx + j] + xb[(i + 1) * ldx + j])
                                  + (<double> xb[(i + 2) * ldx + j] + xb[(i + 3) * ldx + j]))
                    i += 4
                while i < nb:
                    for j in range(d):
                        sp[j] += xb[i * ldx + j]
                    i += 1
            r0 += nb
        for i in range(d):                       # upper(G) = lower(G).T
            for j in range(i + 1, d):
                g[i, j] = g[j, i]
    return (G, S) if with_sums else G

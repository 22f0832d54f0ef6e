"""Tall-skinny QR (TSQR) of a row-chunked Dask array: the R factor by a tree reduction.

For A = [A_1; A_2; ...; A_p] (p row chunks, n columns, every chunk with whole rows),

    A_i = Q_i R_i                       (one Householder QR per chunk, in its own task)
    [R_1; R_2; ...; R_s] = Q' R'        (QR of the stacked n x n factors, s at a time)

and so on up a tree until one n x n R is left. Every R so obtained is the R of A up to
the signs of its rows (A'A = R'R at every level, and R is unique up to those signs), so
least squares and the SVD only need this small matrix: A = Q R with Q never formed.
Each task moves only n x n numbers; the data are read once, where they are.

References
----------
[1] J. Demmel, L. Grigori, M. Hoemmen & J. Langou, "Communication-optimal parallel and
    sequential QR and LU factorizations", SIAM J. Sci. Comput. 34(1), 2012, A206-A239
    (TSQR, Sec. 3: the reduction tree of R factors).
[2] A. R. Benson, D. F. Gleich & J. Demmel, "Direct QR factorizations for tall-and-skinny
    matrices in MapReduce architectures", IEEE BigData 2013 (the same reduction on a
    map/reduce cluster; R-only output, Q never formed).
[3] G. H. Golub & C. F. Van Loan, "Matrix Computations", 4th ed., Alg. 5.2.1
    (Householder QR, our ``rusty_machine.linalg.qr``).
"""
import numpy as np

from ..linalg import qr
from ._checks import as_row_chunked, check_block, chunks_of, compute, task, tree_reduce

__all__ = ["tsqr_r", "r_factor"]


def r_factor(A):
    """R of the Householder QR of A (GVL4 Alg. 5.2.1), as an (min(m, n), n) array."""
    R = np.array(np.asarray(qr(np.ascontiguousarray(A), mode="r")), dtype=np.float64)
    if R.ndim == 1:
        R = R[None, :]
    return R


def _stack_r(rs):
    """The TSQR combine step [1, Sec. 3]: R of [R_1; ...; R_s]."""
    rs = [r for r in rs if r.shape[0] > 0]
    return r_factor(np.concatenate(rs, axis=0))


def _chunk_r(block, chunk, y_block, w_block, x_off, y_off):
    """Leaf of the tree: R of sqrt(w) [X_i - x_off, Y_i - y_off] for one chunk."""
    Xb = check_block(block, chunk, "X")
    parts = [Xb - x_off]
    if y_block is not None:
        Yb = check_block(y_block, chunk, "y").reshape(Xb.shape[0], -1)
        parts.append(Yb - y_off)
    A = np.concatenate(parts, axis=1) if len(parts) > 1 else parts[0]
    if w_block is not None:
        sw = check_block(w_block, chunk, "sample_weight")
        if (sw < 0).any():
            raise ValueError("Negative values in sample_weight (%r)" % (chunk,))
        A *= np.sqrt(sw)[:, None]
    return r_factor(A)


def tsqr_graph(X, Y=None, sample_weight=None, x_off=None, y_off=None, split_every=8):
    """Delayed R factor of sqrt(W) [X - x_off, Y - y_off] (see the module docstring)."""
    n = X.shape[1]
    x_off = np.zeros(n) if x_off is None else np.asarray(x_off, dtype=np.float64)
    if Y is not None:
        k = 1 if Y.ndim == 1 else Y.shape[1]
        y_off = np.zeros(k) if y_off is None else np.asarray(y_off, dtype=np.float64)
    leaf = task(_chunk_r)
    leaves = [leaf(xb, ch, yb, wb, x_off, y_off)
              for ch, xb, yb, wb in chunks_of(X, Y, sample_weight)]
    return tree_reduce(leaves, _stack_r, split_every)


def tsqr_r(X, split_every=8):
    """The R factor of a tall, row-chunked Dask array by TSQR [1, 2].

    Parameters
    ----------
    X : dask.array.Array of shape (m, n), chunked along rows only
    split_every : int, default 8
        Fan-in of the reduction tree.

    Returns
    -------
    ndarray of shape (min(m, n), n)
        Upper triangular (trapezoidal when m < n); X'X = R'R.
    """
    X = as_row_chunked(X)
    (R,) = compute(tsqr_graph(X, split_every=split_every))
    return R

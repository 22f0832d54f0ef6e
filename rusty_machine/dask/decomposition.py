"""PCA of a row-chunked Dask array: TSQR, then our SVD of the small R.

With the column means from one pass (pairwise-combined moments), the centred data
Xc = X - mean has Xc = Q R (TSQR [1, 2]: a QR per chunk and a tree of QRs of stacked R
factors), and R = U_R S V' (our SVD, GVL4 Sec. 8.6.3, the "R-SVD" of Chan 1982), so the
principal axes are the rows of V' and the variances s_j^2 / (n - 1), exactly as the
in-memory PCA's ``svd_solver="full"``: only a d x d matrix ever leaves the workers.

References
----------
[1] J. Demmel, L. Grigori, M. Hoemmen & J. Langou, "Communication-optimal parallel and
    sequential QR and LU factorizations", SIAM J. Sci. Comput. 34(1), 2012.
[2] A. R. Benson, D. F. Gleich & J. Demmel, "Direct QR factorizations for tall-and-skinny
    matrices in MapReduce architectures", IEEE BigData 2013 (TSQR, then the SVD of R).
[3] T. F. Chan, "An improved algorithm for computing the singular value decomposition",
    ACM TOMS 8(1), 1982; Golub & Van Loan, "Matrix Computations", 4th ed., Sec. 8.6.3.
[4] T. P. Minka, "Automatic choice of dimensionality for PCA", NIPS 13, 2000.
"""
import numbers

import numpy as np

from ..learning import pca as _pca
from ..linalg import svd
from ._base import DaskEstimatorMixin, moments_graph
from ._checks import as_row_chunked, compute
from ._tsqr import tsqr_graph

__all__ = ["PCA"]


class PCA(DaskEstimatorMixin, _pca.PCA):
    """Principal component analysis of a tall, row-chunked Dask array (TSQR + SVD of R).

    Parameters
    ----------
    n_components : int, float in (0, 1), "mle" or None, default None
        As the in-memory PCA (None: min(n_samples, n_features)).
    whiten : bool, default False
    svd_solver : ignored for Dask input (always TSQR + SVD of R); used for numpy input.
    split_every : int, default 8
        Fan-in of the reduction trees.

    Attributes
    ----------
    As :class:`rusty_machine.learning.PCA`; ``explained_variance_ratio_`` is the in-memory
    PCA's.
    """
    _local_class = _pca.PCA

    def __init__(self, n_components=None, *, whiten=False, svd_solver="auto",
                 split_every=8):
        self.n_components = n_components
        self.whiten = whiten
        self.svd_solver = svd_solver
        self.split_every = split_every

    def fit(self, X, y=None):
        """Fit the principal axes (TSQR for Dask input).

        Returns
        -------
        self
        """
        if not self._any_dask(X):
            return super().fit(X)
        return self._fit_dask(X)

    def fit_transform(self, X, y=None):
        """Fit, then project X (lazily for Dask input)."""
        return self.fit(X).transform(X)

    def _fit_dask(self, X):
        X = as_row_chunked(X, estimator=self)
        n, d = X.shape
        if n < 2:
            raise ValueError("Found array with %d sample(s) (shape=%s) while a minimum of 2 "
                             "is required." % (n, X.shape))
        k_max = min(n, d)
        nc = self.n_components
        if nc is None:
            pass
        elif isinstance(nc, str):
            if nc != "mle":
                raise ValueError("n_components must be None, an int, a float in (0, 1) or "
                                 "'mle', got %r" % (nc,))
            if n < d:
                raise ValueError("n_components='mle' is only supported if n_samples >= "
                                 "n_features (got %d < %d)" % (n, d))
        elif isinstance(nc, bool) or not isinstance(nc, numbers.Real):
            raise ValueError("n_components must be None, an int or a float in (0, 1), "
                             "got %r" % (nc,))
        elif isinstance(nc, numbers.Integral):
            if not 1 <= nc <= k_max:
                raise ValueError("n_components=%r must be between 1 and min(n_samples, "
                                 "n_features)=%d" % (nc, k_max))
        elif not 0.0 < nc < 1.0:
            raise ValueError("n_components=%r: a float must be in (0, 1)" % (nc,))
        (_, mean, _), = compute(moments_graph(X, split_every=self.split_every))
        (R,) = compute(tsqr_graph(X, x_off=mean, split_every=self.split_every))
        # R-SVD [3]: Xc = Q R, R = U_R S V'
        _, s, Vt = svd(np.ascontiguousarray(R[:k_max]) if n >= d else R,
                       full_matrices=False)
        s = np.array(s, dtype=np.float64)[:k_max]
        Vt = np.array(Vt, dtype=np.float64)[:k_max]
        # sign convention of the in-memory PCA: the largest |entry| of each axis > 0
        pivot = np.argmax(np.abs(Vt), axis=1)
        signs = np.sign(Vt[np.arange(Vt.shape[0]), pivot])
        signs[signs == 0] = 1.0
        Vt *= signs[:, None]
        explained = s ** 2 / (n - 1)
        total = explained.sum()
        ratio = explained / total if total > 0 else np.zeros_like(explained)
        if nc is None:
            k = k_max
        elif isinstance(nc, str):
            k = 1 if d == 1 else int(np.argmax([_pca._log_evidence(explained, r, n)
                                                for r in range(1, d)])) + 1
        elif isinstance(nc, numbers.Integral):
            k = int(nc)
        else:
            k = min(int(np.searchsorted(np.cumsum(ratio), nc, side="right")) + 1, k_max)
        self.mean_ = mean
        self.n_components_ = k
        self.n_samples_ = n
        self.n_features_in_ = d
        self.components_ = np.ascontiguousarray(Vt[:k])
        self.explained_variance_ = explained[:k]
        self.explained_variance_ratio_ = ratio[:k]
        self.singular_values_ = s[:k].copy()
        self.noise_variance_ = float(explained[k:].mean()) if k < k_max else 0.0
        return self

    def transform(self, X):
        """Project onto the principal axes (lazily for Dask input)."""
        if self._any_dask(X):
            return self._mapped("transform", X)
        return super().transform(X)

    def inverse_transform(self, X):
        """Back to feature space (lazily for Dask input)."""
        if self._any_dask(X):
            return self._mapped("inverse_transform", X)
        return super().inverse_transform(X)

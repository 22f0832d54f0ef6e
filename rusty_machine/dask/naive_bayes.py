"""Gaussian naive Bayes on a row-chunked Dask array: per-class sufficient statistics.

The fitted model is a function of, per class c, the total weight n_c, the weighted mean
theta_c and the weighted sum of squared deviations M_c (var_c = M_c / n_c). Each task
computes them on its chunk (one GEMM for the class sums Y'X, our two-pass deviation
kernel for M_c); partial statistics are merged up a reduction tree with the pairwise
formulas of Chan, Golub & LeVeque [1] (the ones the in-memory ``partial_fit`` uses), so
the result is the in-memory fit up to rounding, in one pass over the data. The
variance floor ``var_smoothing * max_j var(X_j)`` needs the whole data's (unweighted)
feature variances: merged the same way, in the same pass.

References
----------
[1] T. F. Chan, G. H. Golub & R. J. LeVeque, "Updating formulae and a pairwise algorithm
    for computing sample variances", Stanford CS report STAN-CS-79-773, 1979.
"""
import numbers

import numpy as np

from ..learning import _naive_bayes
from ..learning import naive_bayes as _nb
from ..learning.validation import check_classification_targets
from ..linalg.blas import gemm
from ._base import DaskEstimatorMixin, _chunk_moments, combine_moments
from ._checks import as_row_chunked, check_block, chunks_of, compute, rows_like, task, \
    tree_reduce

__all__ = ["GaussianNB"]


def _chunk_class_stats(block, chunk, y_block, w_block):
    """({label: (n_c, mean_c, M_c)}, unweighted moments of the chunk's columns)."""
    X = check_block(block, chunk, "X")
    y = np.asarray(y_block)
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise ValueError("Input y: %r contains NaN or infinity" % (chunk,))
    if w_block is None:
        w = np.ones(X.shape[0])
    else:
        w = check_block(w_block, chunk, "sample_weight")
        if (w < 0).any():
            raise ValueError("Negative values in sample_weight (%r)" % (chunk,))
    labels, idx = np.unique(y, return_inverse=True)
    idx = np.ascontiguousarray(idx.ravel(), dtype=np.intp)
    Y = np.zeros((X.shape[0], len(labels)))
    Y[np.arange(X.shape[0]), idx] = w
    n_c = Y.sum(0)
    # class means: Y' X / n_c
    S1 = gemm(Y, X, trans_a=True)
    mu = S1 / np.where(n_c > 0, n_c, 1.0)[:, None]
    M = np.empty_like(mu)
    _naive_bayes.class_sq_dev(X, idx, w, np.ascontiguousarray(mu), M)
    stats = {lab: (n_c[j], mu[j], M[j]) for j, lab in enumerate(labels.tolist())}
    return stats, _chunk_moments(X, chunk, None, None)


def _merge_class_stats(parts):
    stats = {}
    for part, _ in parts:
        for lab, triple in part.items():
            stats[lab] = combine_moments([stats[lab], triple]) if lab in stats else triple
    return stats, combine_moments([p[1] for p in parts])


class GaussianNB(DaskEstimatorMixin, _nb.GaussianNB):
    """Gaussian naive Bayes fitted on a row-chunked Dask array in one pass (per-class
    sufficient statistics merged by the Chan-Golub-LeVeque formulas [1]).

    Parameters
    ----------
    priors : array-like of shape (n_classes,), optional
    var_smoothing : float, default 1e-9
    split_every : int, default 8
        Fan-in of the reduction tree.

    Attributes
    ----------
    As :class:`rusty_machine.learning.GaussianNB`.
    """
    _local_class = _nb.GaussianNB

    def __init__(self, *, priors=None, var_smoothing=1e-9, split_every=8):
        self.priors = priors
        self.var_smoothing = var_smoothing
        self.split_every = split_every

    def fit(self, X, y, sample_weight=None):
        """Fit from scratch (one pass for Dask input).

        Parameters
        ----------
        X : dask.array.Array or array-like of shape (n_samples, n_features)
        y : dask.array.Array or array-like of shape (n_samples,)
        sample_weight : dask.array.Array or array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        if not self._any_dask(X, y, sample_weight):
            return super().fit(X, y, sample_weight)
        vs = self.var_smoothing
        if isinstance(vs, bool) or not isinstance(vs, numbers.Real) or not vs >= 0:
            raise ValueError("var_smoothing must be a non-negative number, got %r" % (vs,))
        X = as_row_chunked(X, estimator=self)
        if y is None:
            raise ValueError("requires y to be passed, but the target y is None")
        y = rows_like(y, X, "y")
        sw = rows_like(sample_weight, X, "sample_weight", numeric=True)
        leaf = task(_chunk_class_stats)
        (stats, (n_all, _, M_all)), = compute(tree_reduce(
            [leaf(xb, ch, yb, wb) for ch, xb, yb, wb in chunks_of(X, y, sw)],
            _merge_class_stats, self.split_every))
        classes = np.array(sorted(stats))
        check_classification_targets(classes)
        K, d = len(classes), X.shape[1]
        n_c = np.array([stats[c][0] for c in classes.tolist()])
        if not n_c.sum() > 0:
            raise ValueError("sample_weight sums to zero: at least one sample needs weight")
        max_var = float((M_all / n_all).max()) if X.shape[0] > 1 else 0.0
        for name in ("classes_", "theta_", "var_", "class_count_", "class_prior_"):
            self.__dict__.pop(name, None)
        self.classes_ = classes
        self.epsilon_ = vs * max_var if max_var > 0 else vs * 1.0
        self.theta_ = np.zeros((K, d))
        self.var_ = np.zeros((K, d))
        for j, c in enumerate(classes.tolist()):
            n, mean, M = stats[c]
            if n > 0:
                self.theta_[j] = mean
                self.var_[j] = M / n
        self.var_ += self.epsilon_
        self.class_count_ = n_c
        if self.priors is not None:
            priors = np.asarray(self.priors, dtype=np.float64)
            if priors.shape != (K,):
                raise ValueError("Number of priors must match number of classes: got %d "
                                 "priors for %d classes" % (priors.size, K))
            if not np.isclose(priors.sum(), 1.0):
                raise ValueError("The sum of the priors should be 1.")
            if (priors < 0).any():
                raise ValueError("Priors must be non-negative.")
            self.class_prior_ = priors
        else:
            self.class_prior_ = n_c / n_c.sum()
        self.n_features_in_ = d
        return self

    def predict(self, X):
        """Most probable class (lazy for Dask input)."""
        if self._any_dask(X):
            return self._mapped("predict", X)
        return super().predict(X)

    def predict_proba(self, X):
        """Class probabilities (lazy for Dask input)."""
        if self._any_dask(X):
            return self._mapped("predict_proba", X)
        return super().predict_proba(X)

    def predict_log_proba(self, X):
        """Log class probabilities (lazy for Dask input)."""
        if self._any_dask(X):
            return self._mapped("predict_log_proba", X)
        return super().predict_log_proba(X)

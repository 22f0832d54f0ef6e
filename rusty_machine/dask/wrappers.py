"""Meta-estimators for Dask arrays, with dask-ml's names and behaviour.

* ``ParallelPostFit(estimator)``: fit in memory (as the wrapped estimator does), then
  ``predict``, ``predict_proba``, ``predict_log_proba``, ``decision_function`` and
  ``transform`` of a Dask array are mapped lazily over its row chunks (the fitted
  estimator travels to the workers pickled; ``meta`` and the output chunks come from
  one call on a single row), and ``score`` reduces per-chunk sums (accuracy for
  classifiers, R^2 for regressors, the estimator's own additive score otherwise).
* ``Incremental(estimator)``: ``fit`` streams the row chunks through
  ``estimator.partial_fit`` in order (shuffled with ``shuffle_blocks``): a chain of
  Dask tasks, each taking the model left by the previous one and one chunk, so the
  chunks are read where they live and only the (small) model moves between workers.
  The estimators with ``partial_fit``: GaussianNB, MultinomialNB, BernoulliNB,
  MLPClassifier, MLPRegressor, MiniBatchKMeans (scikit-learn's semantics: classifiers
  need ``classes=`` on the first call, which ``fit`` passes on to every call).

Reference: T. Augspurger et al., dask-ml (the ParallelPostFit / Incremental interface,
https://ml.dask.org/incremental.html); scikit-learn's ``partial_fit`` contract
(Pedregosa et al., JMLR 12, 2011; "Strategies to scale computationally").
"""
import numpy as np

from ..learning.base import BaseEstimator, clone
from ..learning.validation import check_is_fitted, check_random_state
from ._base import map_method
from ._checks import (as_row_chunked, check_block, chunks_of, compute, is_dask_array,
                      rows_like, task, tree_reduce)

__all__ = ["ParallelPostFit", "Incremental"]


def _chunk_score(block, chunk, y_block, w_block, estimator, kind):
    """Sums from which a chunk-wise score is assembled."""
    X = check_block(block, chunk, "X")
    y = np.asarray(y_block)
    w = np.ones(X.shape[0]) if w_block is None else np.asarray(w_block, dtype=np.float64)
    if kind == "classifier":
        pred = estimator.predict(X)
        correct = np.all(pred == y, axis=1) if y.ndim == 2 else pred == y
        return float((w * correct).sum()), float(w.sum())
    if kind == "regressor":
        Y = np.asarray(y, dtype=np.float64).reshape(X.shape[0], -1)
        P = np.asarray(estimator.predict(X), dtype=np.float64).reshape(Y.shape)
        # (sum w, sum w y, sum w y^2, sum w (y - y_hat)^2) per output
        return (float(w.sum()), (w[:, None] * Y).sum(0), (w[:, None] * Y * Y).sum(0),
                (w[:, None] * (Y - P) ** 2).sum(0))
    if w_block is None:
        return (float(estimator.score(X, y_block)),) if y_block is not None else \
            (float(estimator.score(X)),)
    return (float(estimator.score(X, y_block, sample_weight=w)),) if y_block is not None \
        else (float(estimator.score(X, sample_weight=w)),)


def _sum_tuples(parts):
    out = list(parts[0])
    for p in parts[1:]:
        for i, v in enumerate(p):
            out[i] = out[i] + v
    return tuple(out)


class ParallelPostFit(BaseEstimator):
    """Fit in memory, predict / transform / score on Dask arrays in parallel.

    Parameters
    ----------
    estimator : a rusty_machine estimator
        Fitted by ``fit`` (on numpy data; a Dask array is computed first), or already
        fitted: the prediction methods use ``estimator_`` when set, else ``estimator``.

    Attributes
    ----------
    estimator_ : the fitted estimator (after ``fit``)
    """

    def __init__(self, estimator=None):
        self.estimator = estimator

    @property
    def _estimator_type(self):
        return getattr(self.estimator, "_estimator_type", None)

    def _fitted(self):
        est = getattr(self, "estimator_", None)
        if est is None:
            est = self.estimator
            if est is None:
                raise ValueError("ParallelPostFit needs an estimator")
            check_is_fitted(est)
        return est

    def fit(self, X, y=None, **fit_params):
        """Fit a clone of ``estimator`` on (X, y) in memory (Dask inputs are computed).

        Returns
        -------
        self
        """
        if self.estimator is None:
            raise ValueError("ParallelPostFit needs an estimator")
        X, y = (x.compute() if is_dask_array(x) else x for x in (X, y))
        est = clone(self.estimator)
        est.fit(X, **fit_params) if y is None else est.fit(X, y, **fit_params)
        self.estimator_ = est
        for name in ("classes_", "n_features_in_"):
            if hasattr(est, name):
                setattr(self, name, getattr(est, name))
        return self

    def _method(self, name, X):
        est = self._fitted()
        if not hasattr(est, name):
            raise AttributeError("%s has no method %r" % (type(est).__name__, name))
        if is_dask_array(X):
            return map_method(est, name, X)
        return getattr(est, name)(X)

    def predict(self, X):
        """``estimator.predict`` over the chunks (lazy Dask array for Dask input)."""
        return self._method("predict", X)

    def predict_proba(self, X):
        """``estimator.predict_proba`` over the chunks (lazy for Dask input)."""
        return self._method("predict_proba", X)

    def predict_log_proba(self, X):
        """``estimator.predict_log_proba`` over the chunks (lazy for Dask input)."""
        return self._method("predict_log_proba", X)

    def decision_function(self, X):
        """``estimator.decision_function`` over the chunks (lazy for Dask input)."""
        return self._method("decision_function", X)

    def transform(self, X):
        """``estimator.transform`` over the chunks (lazy for Dask input)."""
        return self._method("transform", X)

    def score(self, X, y=None, sample_weight=None):
        """The estimator's score, computed from per-chunk sums for Dask input:
        (weighted) accuracy for classifiers, R^2 (uniform over outputs) for regressors,
        the sum of the per-chunk scores otherwise (an additive score such as KMeans').

        Returns
        -------
        float
        """
        est = self._fitted()
        if not any(is_dask_array(v) for v in (X, y, sample_weight)):
            if sample_weight is None:
                return est.score(X) if y is None else est.score(X, y)
            return est.score(X, y, sample_weight=sample_weight)
        X = as_row_chunked(X, estimator=est)
        y = rows_like(y, X, "y", allow_2d=True)
        sw = rows_like(sample_weight, X, "sample_weight", numeric=True)
        kind = getattr(est, "_estimator_type", None)
        leaf = task(_chunk_score)
        (out,) = compute(tree_reduce([leaf(xb, ch, yb, wb, est, kind)
                                      for ch, xb, yb, wb in chunks_of(X, y, sw)],
                                     _sum_tuples))
        if kind == "classifier":
            return out[0] / out[1]
        if kind == "regressor":
            W, S1, S2, ss_res = out
            ss_tot = S2 - S1 * S1 / W
            with np.errstate(divide="ignore", invalid="ignore"):
                r2 = np.where(ss_tot > 0, 1.0 - ss_res / np.where(ss_tot > 0, ss_tot, 1.0),
                              np.where(ss_res > 0, 0.0, 1.0))
            return float(np.mean(r2))
        return float(out[0])


def _partial_fit_step(model, block, chunk, y_block, fit_params):
    """One link of the Incremental chain: the model after partial_fit on one chunk."""
    X = check_block(block, chunk, "X")
    if y_block is None:
        model.partial_fit(X, **fit_params)
    else:
        model.partial_fit(X, np.asarray(y_block), **fit_params)
    return model


class Incremental(ParallelPostFit):
    """Stream the row chunks of a Dask array through ``estimator.partial_fit``.

    Parameters
    ----------
    estimator : an estimator with ``partial_fit``
    shuffle_blocks : bool, default True
        Visit the chunks in a random order (``random_state``) on every pass.
    random_state : int, RandomState or None

    Attributes
    ----------
    estimator_ : the estimator after the last pass
    """

    def __init__(self, estimator=None, *, shuffle_blocks=True, random_state=None):
        self.estimator = estimator
        self.shuffle_blocks = shuffle_blocks
        self.random_state = random_state

    def _stream(self, model, X, y, fit_params):
        if not hasattr(model, "partial_fit"):
            raise ValueError("%s has no partial_fit: Incremental needs an estimator that "
                             "learns from batches" % type(model).__name__)
        X = as_row_chunked(X, estimator=model)
        y = rows_like(y, X, "y", allow_2d=True)
        parts = chunks_of(X, y)
        order = np.arange(len(parts))
        if self.shuffle_blocks:
            check_random_state(self.random_state).shuffle(order)
        step = task(_partial_fit_step)
        for i in order:
            ch, xb, yb = parts[i]
            model = step(model, xb, ch, yb, fit_params)
        (model,) = compute(model)
        self.estimator_ = model
        for name in ("classes_", "n_features_in_"):
            if hasattr(model, name):
                setattr(self, name, getattr(model, name))
        return self

    def fit(self, X, y=None, **fit_params):
        """One pass of ``partial_fit`` over the chunks, from a fresh clone of
        ``estimator``. Keyword arguments (``classes=`` for classifiers) are passed to
        every ``partial_fit`` call.

        Returns
        -------
        self
        """
        if self.estimator is None:
            raise ValueError("Incremental needs an estimator")
        return self._stream(clone(self.estimator), X, y, fit_params)

    def partial_fit(self, X, y=None, **fit_params):
        """One more pass of ``partial_fit`` over the chunks, continuing from
        ``estimator_`` (from a clone of ``estimator`` on the first call).

        Returns
        -------
        self
        """
        if self.estimator is None:
            raise ValueError("Incremental needs an estimator")
        model = getattr(self, "estimator_", None)
        if model is None:
            model = clone(self.estimator)
        return self._stream(model, X, y, fit_params)

"""The estimator contract: scikit-learn's conventions without importing scikit-learn.

* ``__init__`` stores its keyword arguments unchanged (validation happens in ``fit``);
* ``get_params`` / ``set_params`` (nested ``a__b`` names too), so :func:`clone`,
  ``Pipeline`` and ``GridSearchCV`` work;
* ``fit`` returns ``self``; fitted attributes end with ``_``; ``n_features_in_``;
* ``score``: accuracy for classifiers, R^2 for regressors;
* ``__sklearn_tags__`` imports scikit-learn lazily, only when scikit-learn asks for it.

Reference: Buitinck et al., "API design for machine learning software: experiences from
the scikit-learn project", ECML PKDD workshop, 2013.
"""
import copy
import inspect

import numpy as np

from .validation import check_is_fitted, check_sample_weight

__all__ = ["BaseEstimator", "ClassifierMixin", "RegressorMixin", "ClusterMixin",
           "TransformerMixin", "clone", "is_classifier", "is_regressor"]


class BaseEstimator:
    """Base class: parameter introspection, repr, pickling and tags."""

    @classmethod
    def _get_param_names(cls):
        init = cls.__init__
        if init is object.__init__:
            return []
        sig = inspect.signature(init)
        names = []
        for p in sig.parameters.values():
            if p.name == "self" or p.kind == p.VAR_KEYWORD:
                continue
            if p.kind == p.VAR_POSITIONAL:
                raise RuntimeError("%s.__init__ must not take *args (scikit-learn's "
                                   "convention)" % cls.__name__)
            names.append(p.name)
        return sorted(names)

    def get_params(self, deep=True):
        """Parameters of this estimator (and of nested estimators with ``deep``).

        Returns
        -------
        dict
            Parameter name -> value.
        """
        out = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                for k, v in value.get_params().items():
                    out["%s__%s" % (name, k)] = v
            out[name] = value
        return out

    def set_params(self, **params):
        """Set parameters (``name`` or nested ``name__sub``); returns self."""
        if not params:
            return self
        valid = self.get_params(deep=True)
        nested = {}
        for key, value in params.items():
            name, delim, sub = key.partition("__")
            if name not in valid:
                raise ValueError("Invalid parameter %r for estimator %s. Valid parameters are: "
                                 "%s." % (name, type(self).__name__,
                                          sorted(self._get_param_names())))
            if delim:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
                valid[name] = value
        for name, sub_params in nested.items():
            valid[name].set_params(**sub_params)
        return self

    def __repr__(self):
        defaults = {}
        try:
            sig = inspect.signature(type(self).__init__)
            defaults = {p.name: p.default for p in sig.parameters.values()}
        except (TypeError, ValueError):
            pass
        shown = []
        for name in self._get_param_names():
            value = getattr(self, name, None)
            default = defaults.get(name, inspect.Parameter.empty)
            try:
                same = value is default or (type(value) is type(default) and value == default)
                same = bool(same)
            except Exception:
                same = False
            if not same:
                shown.append("%s=%r" % (name, value))
        return "%s(%s)" % (type(self).__name__, ", ".join(shown))

    def __getstate__(self):
        return dict(self.__dict__)

    def __setstate__(self, state):
        self.__dict__.update(state)

    # ---- scikit-learn interoperability -----------------------------------------
    _estimator_type = None

    def _rm_tags(self, tags):
        """Hook for subclasses: adjust scikit-learn's Tags object and return it."""
        return tags

    def __sklearn_tags__(self):
        # Imported lazily: only scikit-learn itself calls this.
        from sklearn.utils import (ClassifierTags, InputTags, RegressorTags, Tags,
                                   TargetTags, TransformerTags)
        kind = self._estimator_type
        tags = Tags(
            estimator_type=kind,
            target_tags=TargetTags(required=kind in ("classifier", "regressor")),
            transformer_tags=TransformerTags() if isinstance(self, TransformerMixin) else None,
            classifier_tags=ClassifierTags() if kind == "classifier" else None,
            regressor_tags=RegressorTags() if kind == "regressor" else None,
            input_tags=InputTags(),
        )
        return self._rm_tags(tags)


def _weighted_mean(values, sample_weight):
    if sample_weight is None:
        return float(np.mean(values))
    w = check_sample_weight(sample_weight, len(values))
    return float(np.sum(w * values) / np.sum(w))


class ClassifierMixin:
    """Mixin for classifiers: ``score`` is the (weighted) accuracy."""
    _estimator_type = "classifier"

    def score(self, X, y, sample_weight=None):
        """Mean accuracy of ``predict(X)`` against ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        float
        """
        y = np.asarray(y)
        pred = self.predict(X)
        if y.ndim == 2 and y.shape[1] > 1:        # multi-label: exact-match ratio
            correct = np.all(pred == y, axis=1)
        else:
            correct = pred == y.ravel()
        return _weighted_mean(correct.astype(np.float64), sample_weight)


class RegressorMixin:
    """Mixin for regressors: ``score`` is the coefficient of determination R^2."""
    _estimator_type = "regressor"

    def score(self, X, y, sample_weight=None):
        """R^2 = 1 - sum w (y - y_hat)^2 / sum w (y - mean_w(y))^2 (averaged uniformly
        over outputs for multi-output y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        float
        """
        y = np.asarray(y, dtype=np.float64)
        pred = np.asarray(self.predict(X), dtype=np.float64).reshape(y.shape)
        w = check_sample_weight(sample_weight, y.shape[0])
        if y.ndim == 1:
            y, pred = y[:, None], pred[:, None]
        mean = (w[:, None] * y).sum(0) / w.sum()
        ss_res = (w[:, None] * (y - pred) ** 2).sum(0)
        ss_tot = (w[:, None] * (y - mean) ** 2).sum(0)
        with np.errstate(divide="ignore", invalid="ignore"):
            r2 = np.where(ss_tot > 0, 1.0 - ss_res / np.where(ss_tot > 0, ss_tot, 1.0),
                          np.where(ss_res > 0, 0.0, 1.0))
        return float(np.mean(r2))


class ClusterMixin:
    """Mixin for clusterers: ``fit_predict`` returns ``labels_``."""
    _estimator_type = "clusterer"

    def fit_predict(self, X, y=None, **fit_params):
        """Fit and return the cluster label of each sample."""
        self.fit(X, **fit_params)
        return self.labels_


class TransformerMixin:
    """Mixin for transformers: ``fit_transform``."""

    def fit_transform(self, X, y=None, **fit_params):
        """Fit to X, then transform it."""
        if y is None:
            return self.fit(X, **fit_params).transform(X)
        return self.fit(X, y, **fit_params).transform(X)


def clone(estimator, *, safe=True):
    """A new unfitted estimator with the same parameters (deep-copied), like
    scikit-learn's ``clone``. Lists/tuples of estimators are cloned elementwise."""
    if isinstance(estimator, (list, tuple, set, frozenset)):
        return type(estimator)(clone(e, safe=safe) for e in estimator)
    if not hasattr(estimator, "get_params") or isinstance(estimator, type):
        if not safe:
            return copy.deepcopy(estimator)
        raise TypeError("Cannot clone object %r: it does not implement get_params" % (estimator,))
    params = estimator.get_params(deep=False)
    new_params = {k: clone(v, safe=False) for k, v in params.items()}
    return type(estimator)(**new_params)


def is_classifier(estimator):
    return getattr(estimator, "_estimator_type", None) == "classifier"


def is_regressor(estimator):
    return getattr(estimator, "_estimator_type", None) == "regressor"


# re-exported for estimator modules: from .base import check_is_fitted
check_is_fitted = check_is_fitted

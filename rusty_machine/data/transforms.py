"""Data transforms with fit / transform / inverse_transform.

* :class:`Standardizer`: (x - mean) / std per column (scikit-learn's StandardScaler).
* :class:`MinMaxScaler`: maps each column's [min, max] onto ``feature_range``.
* :class:`Normalizer`: scales each *row* to unit l1, l2 or max norm (stateless).
* :class:`Shuffler`: a seeded random permutation of the rows.

Constant columns (std = 0, or max = min) are left centred / mapped to the lower end of
the range instead of being divided by zero: their scale is set to 1 (scikit-learn's
``_handle_zeros_in_scale``).

Column means and variances use Welford's update in its batched form (Chan, Golub &
LeVeque 1983) through numpy's two-pass mean / sum of squared deviations, which is
accurate for data with a large offset.

References
----------
1. T. F. Chan, G. H. Golub and R. J. LeVeque, "Algorithms for computing the sample
   variance: analysis and recommendations", The American Statistician 37 (1983) 242-247.
2. D. E. Knuth, *The Art of Computer Programming* vol. 2, 3rd ed., Sec. 3.4.2,
   Algorithm P (the shuffle; numpy's permutation implements it).
"""
import numbers

import numpy as np

from ..learning.base import BaseEstimator, TransformerMixin
from ..learning.validation import (check_array, check_is_fitted, check_random_state,
                                   check_sample_weight, validate_data)

__all__ = ["Standardizer", "MinMaxScaler", "Normalizer", "Shuffler"]


def _safe_scale(scale):
    """Replace (near-)zero scales by 1 so constant columns are not divided by zero."""
    scale = np.asarray(scale, dtype=np.float64).copy()
    scale[scale < 10 * np.finfo(np.float64).eps] = 1.0
    return scale


class Standardizer(TransformerMixin, BaseEstimator):
    """Standardise columns: (x - mean_) / scale_.

    Parameters
    ----------
    with_mean : bool, default True
        Subtract the column mean.
    with_std : bool, default True
        Divide by the column standard deviation (population, ddof=0).

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,)
    var_ : ndarray of shape (n_features,)
        inf where the variance exceeds the largest double (|x| beyond ~1e154).
    scale_ : ndarray of shape (n_features,)
        The standard deviation (finite even when ``var_`` is not), with 1 for constant
        columns.
    n_samples_seen_ : int
    n_features_in_ : int
    """

    def __init__(self, with_mean=True, with_std=True):
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, X, y=None, sample_weight=None):
        """Compute the (weighted) column means and standard deviations.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        X = validate_data(self, X)
        w = check_sample_weight(sample_weight, X.shape[0])
        total = w.sum()
        if not total > 0:
            raise ValueError("sample_weight sums to zero")
        # two-pass (Chan, Golub & LeVeque 1983): mean first, then squared deviations, on
        # each column divided by a power of two c with max |x| / c in [1, 2) (exact), as
        # LAPACK's dnrm2 scales: no sum overflows even for |x| near the largest double,
        # and the standard deviation (at most max |x|) is always a double
        amax = np.abs(X).max(axis=0) if X.shape[0] else np.zeros(X.shape[1])
        c = np.ldexp(1.0, np.frexp(np.where(amax > 0, amax, 1.0))[1] - 1)
        Xs = X / c
        mean_s = (w[:, None] * Xs).sum(axis=0) / total
        var_s = (w[:, None] * (Xs - mean_s) ** 2).sum(axis=0) / total
        # a constant column's variance is rounding only: at most the error bound of the
        # two passes, n eps var + (n eps mean)^2 (scikit-learn's _is_constant_feature)
        n_eps = X.shape[0] * np.finfo(np.float64).eps
        var_s[var_s <= n_eps * var_s + (n_eps * mean_s) ** 2] = 0.0
        self.mean_ = mean_s * c
        std = np.sqrt(var_s) * c
        with np.errstate(over="ignore"):
            # the variance of a column of |x| ~ 1e300 is not a double (it is inf); the
            # scale, its square root, is, and it is all transform uses
            self.var_ = std * std
        self.scale_ = _safe_scale(std)
        self.n_samples_seen_ = X.shape[0]
        return self

    def transform(self, X):
        """Standardise X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self, "scale_")
        X = validate_data(self, X, reset=False, copy=True)
        if self.with_mean:
            X -= self.mean_
        if self.with_std:
            X /= self.scale_
        return X

    def inverse_transform(self, X):
        """Undo :meth:`transform`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self, "scale_")
        X = validate_data(self, X, reset=False, copy=True)
        if self.with_std:
            X *= self.scale_
        if self.with_mean:
            X += self.mean_
        return X


class MinMaxScaler(TransformerMixin, BaseEstimator):
    """Map each column's [min, max] linearly onto ``feature_range``.

    Parameters
    ----------
    feature_range : tuple (low, high), default (0, 1)
        low < high.
    clip : bool, default False
        Clip transformed values of new data to ``feature_range``.

    Attributes
    ----------
    data_min_, data_max_, data_range_ : ndarray of shape (n_features,)
    scale_, min_ : ndarray of shape (n_features,)
        transform(X) = X * scale_ + min_. A constant column maps to ``low``.
    n_features_in_ : int
    """

    def __init__(self, feature_range=(0, 1), clip=False):
        self.feature_range = feature_range
        self.clip = clip

    def fit(self, X, y=None):
        """Record the column minima and maxima.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self
        """
        try:
            low, high = self.feature_range
            low, high = float(low), float(high)
        except (TypeError, ValueError):
            raise ValueError("feature_range must be a pair (low, high), got %r"
                             % (self.feature_range,)) from None
        if not (np.isfinite(low) and np.isfinite(high) and low < high):
            raise ValueError("Minimum of desired feature range must be smaller than maximum. "
                             "Got %r." % (self.feature_range,))
        X = validate_data(self, X)
        self.data_min_ = X.min(axis=0)
        self.data_max_ = X.max(axis=0)
        self.data_range_ = self.data_max_ - self.data_min_
        self.scale_ = (high - low) / _safe_scale(self.data_range_)
        self.min_ = low - self.data_min_ * self.scale_
        return self

    def transform(self, X):
        """Scale X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self, "scale_")
        X = validate_data(self, X, reset=False, copy=True)
        X *= self.scale_
        X += self.min_
        if self.clip:
            np.clip(X, self.feature_range[0], self.feature_range[1], out=X)
        return X

    def inverse_transform(self, X):
        """Undo :meth:`transform`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self, "scale_")
        X = validate_data(self, X, reset=False, copy=True)
        X -= self.min_
        X /= self.scale_
        return X


class Normalizer(TransformerMixin, BaseEstimator):
    """Scale each row to unit norm (rows of zeros are left as they are).

    Parameters
    ----------
    norm : {"l2", "l1", "max"}, default "l2"

    Attributes
    ----------
    n_features_in_ : int
    """

    def __init__(self, norm="l2"):
        self.norm = norm

    def fit(self, X, y=None):
        """Check the parameters and record n_features_in_ (nothing is learned; transform
        also works without fit).

        Returns
        -------
        self
        """
        if self.norm not in ("l1", "l2", "max"):
            raise ValueError("norm must be 'l1', 'l2' or 'max', got %r" % (self.norm,))
        validate_data(self, X)
        return self

    def transform(self, X):
        """Divide each row by its norm.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        if self.norm not in ("l1", "l2", "max"):
            raise ValueError("norm must be 'l1', 'l2' or 'max', got %r" % (self.norm,))
        if hasattr(self, "n_features_in_"):
            X = validate_data(self, X, reset=False, copy=True)
        else:                                   # stateless: fitting is optional
            X = check_array(X, copy=True, estimator=self)
        if self.norm == "l1":
            norms = np.abs(X).sum(axis=1)
        elif self.norm == "max":
            norms = np.abs(X).max(axis=1)
        else:
            # scaled 2-norm (avoids overflow/underflow as LAPACK's dnrm2 does)
            big = np.abs(X).max(axis=1)
            safe = np.where(big > 0, big, 1.0)
            norms = big * np.sqrt(((X / safe[:, None]) ** 2).sum(axis=1))
        X /= np.where(norms > 0, norms, 1.0)[:, None]
        return X

    def _rm_tags(self, tags):
        tags.requires_fit = False
        return tags


class Shuffler(TransformerMixin, BaseEstimator):
    """Permute the rows randomly (Knuth's Algorithm P through numpy's permutation).

    ``fit`` draws the permutation for the number of rows it sees; ``transform`` applies it
    to an X with that many rows, ``inverse_transform`` undoes it, ``permute(y)`` applies
    it to any array with those rows (the targets). ``fit_transform(X)`` shuffles X.

    Parameters
    ----------
    random_state : int, RandomState or None, default None

    Attributes
    ----------
    permutation_ : ndarray of shape (n_samples,)
    n_features_in_ : int
    """

    def __init__(self, random_state=None):
        self.random_state = random_state

    def fit(self, X, y=None):
        """Draw a permutation of the rows of X.

        Returns
        -------
        self
        """
        X = validate_data(self, X)
        rng = check_random_state(self.random_state)
        self.permutation_ = rng.permutation(X.shape[0])
        return self

    def _rows(self, X):
        check_is_fitted(self, "permutation_")
        X = validate_data(self, X, reset=False, dtype=None)
        if X.shape[0] != self.permutation_.shape[0]:
            raise ValueError("Shuffler was fitted on %d rows, got X with %d rows"
                             % (self.permutation_.shape[0], X.shape[0]))
        return X

    def transform(self, X):
        """Rows of X in the shuffled order.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The same number of rows as in fit.

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        return self._rows(X)[self.permutation_]

    def inverse_transform(self, X):
        """Put shuffled rows back in their original order.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        X = self._rows(X)
        out = np.empty_like(X)
        out[self.permutation_] = X
        return out

    def permute(self, a):
        """Apply the fitted permutation to any array with the fitted number of rows
        (for example the targets y that go with X).

        Parameters
        ----------
        a : array-like of shape (n_samples, ...)

        Returns
        -------
        ndarray
        """
        check_is_fitted(self, "permutation_")
        a = np.asarray(a)
        if a.ndim == 0 or a.shape[0] != self.permutation_.shape[0]:
            raise ValueError("Shuffler was fitted on %d rows, got an array of shape %s"
                             % (self.permutation_.shape[0], a.shape))
        return a[self.permutation_]

    def _rm_tags(self, tags):
        tags.non_deterministic = not isinstance(self.random_state, numbers.Integral)
        return tags

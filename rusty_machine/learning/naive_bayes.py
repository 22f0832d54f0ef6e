"""Naive Bayes classifiers: Gaussian, Bernoulli and multinomial.

Bayes' rule with features independent given the class:
    log p(c | x) = log pi_c + sum_j log p(x_j | c) - log p(x),
normalised with the log-sum-exp trick so that no probability underflows to 0/0.

* GaussianNB: p(x_j | c) = N(theta_cj, sigma2_cj); the per-class means and variances are
  updated online by the pairwise (parallel) formulas of Chan, Golub & LeVeque [2], which
  is what makes ``partial_fit`` exact; ``var_smoothing`` adds a fraction of the largest
  feature variance to every variance.
* MultinomialNB: p(x | c) proportional to prod_j p_cj^{x_j}, with the smoothed estimate
  p_cj = (N_cj + alpha) / (N_c + alpha d) [1, Sec. 13.2].
* BernoulliNB: binary features, p(x_j = 1 | c) = (N_cj + alpha) / (N_c + 2 alpha) [1,
  Sec. 13.3]; absent features count too.

The Gaussian model's passes over the data (per-class squared deviations, joint
log-likelihoods) are Cython loops in ``_naive_bayes.pyx``. The count matrices are one
GEMM (Y^T X, Y the weighted one-hot labels) and the joint log-likelihoods of the
discrete models one GEMM (X @ log p^T).

References
----------
[1] C. D. Manning, P. Raghavan & H. Schuetze, "Introduction to Information Retrieval",
    Cambridge University Press 2008, Ch. 13.
[2] T. F. Chan, G. H. Golub & R. J. LeVeque, "Updating formulae and a pairwise algorithm
    for computing sample variances", Stanford CS report STAN-CS-79-773, 1979/1983.
"""
import numbers

import numpy as np

from ..linalg.blas import gemm
from .base import BaseEstimator, ClassifierMixin
from .validation import (check_classification_targets, check_is_fitted, check_sample_weight,
                         validate_data)
from . import _naive_bayes

__all__ = ["GaussianNB", "BernoulliNB", "MultinomialNB"]


def _log_sum_exp_rows(a):
    m = a.max(1)
    m = np.where(np.isfinite(m), m, 0.0)
    return m + np.log(np.exp(a - m[:, None]).sum(1))


class _BaseNB(ClassifierMixin, BaseEstimator):
    """predict / predict_proba / predict_log_proba from ``_joint_log_likelihood``."""

    def _check_X_predict(self, X):
        check_is_fitted(self, "classes_")
        return validate_data(self, X, reset=False)

    def predict_log_proba(self, X):
        """log p(c | x) for each class (columns in the order of ``classes_``).

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        jll = self._joint_log_likelihood(self._check_X_predict(X))
        return jll - _log_sum_exp_rows(jll)[:, None]

    def predict_proba(self, X):
        """p(c | x) for each class; rows sum to 1.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        return np.exp(self.predict_log_proba(X))

    def predict(self, X):
        """Most probable class.

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        jll = self._joint_log_likelihood(self._check_X_predict(X))
        return self.classes_[np.argmax(jll, axis=1)]

    # ---- label handling shared by fit / partial_fit --------------------------------
    def _first_call(self, classes, y):
        """Set classes_ on the first partial_fit (classes= given) or in fit."""
        if classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        classes = np.asarray(classes)
        if classes.ndim != 1 or classes.size == 0:
            raise ValueError("classes must be a non-empty 1-D array")
        uniq = np.unique(classes)
        if uniq.size != classes.size:
            raise ValueError("classes contains duplicates: %r" % (classes,))
        self.classes_ = uniq

    def _encode(self, y):
        idx = np.searchsorted(self.classes_, y)
        idx = np.clip(idx, 0, len(self.classes_) - 1)
        unknown = self.classes_[idx] != y
        if unknown.any():
            raise ValueError("y contains labels not in classes: %r (classes=%r)"
                             % (np.unique(y[unknown])[:5], self.classes_))
        return idx

    def _weighted_onehot(self, y_idx, w):
        Y = np.zeros((len(y_idx), len(self.classes_)))
        Y[np.arange(len(y_idx)), y_idx] = w
        return Y

    def _validate_xy(self, X, y, reset):
        X, y = validate_data(self, X, y, reset=reset)
        check_classification_targets(y)
        return X, y


class GaussianNB(_BaseNB):
    """Gaussian naive Bayes.

    Parameters
    ----------
    priors : array-like of shape (n_classes,), optional
        Class prior probabilities (default: the class frequencies).
    var_smoothing : float, default 1e-9
        Fraction of the largest feature variance added to every variance.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    class_count_ : ndarray of shape (n_classes,)
        (Weighted) number of training samples per class.
    class_prior_ : ndarray of shape (n_classes,)
    theta_ : ndarray of shape (n_classes, n_features)
        Per-class means.
    var_ : ndarray of shape (n_classes, n_features)
        Per-class variances (smoothed).
    epsilon_ : float
        The added variance.
    n_features_in_ : int

    Notes
    -----
    float32 X is read in float32 and the fitted statistics (``theta_``, ``var_``,
    ``class_count_``, ``class_prior_``) are float32, as scikit-learn's; they are
    computed with float64 sums and rounded once. The probabilities come back in the
    dtype of the X given to predict.
    """

    def __init__(self, *, priors=None, var_smoothing=1e-9):
        self.priors = priors
        self.var_smoothing = var_smoothing

    def fit(self, X, y, sample_weight=None):
        """Fit from scratch.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        X, y = self._validate_xy(X, y, reset=True)
        for name in ("classes_", "theta_", "var_", "class_count_", "class_prior_"):
            self.__dict__.pop(name, None)
        return self._partial_fit(X, y, np.unique(y), sample_weight, first=True)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Update with a batch of samples (``classes`` required on the first call).

        Returns
        -------
        self
        """
        first = not hasattr(self, "classes_")
        X, y = self._validate_xy(X, y, reset=first)
        return self._partial_fit(X, y, classes, sample_weight, first=first)

    def _partial_fit(self, X, y, classes, sample_weight, first):
        vs = self.var_smoothing
        if isinstance(vs, bool) or not isinstance(vs, numbers.Real) or not vs >= 0:
            raise ValueError("var_smoothing must be a non-negative number, got %r" % (vs,))
        n_samples, n_features = X.shape
        w = check_sample_weight(sample_weight, n_samples, allow_zero=False)
        # epsilon from this batch's largest feature variance (as on the first batch); at
        # |x| near the float64 limit it overflows, reported below with the class statistics
        with np.errstate(over="ignore", invalid="ignore"):
            max_var = float(X.var(0, dtype=np.float64).max()) if n_samples > 1 else 0.0
        if first:
            self._first_call(classes, y)
            self.epsilon_ = vs * max_var if max_var > 0 else vs * 1.0
            K = len(self.classes_)
            self.theta_ = np.zeros((K, n_features))
            self.var_ = np.zeros((K, n_features))
            self.class_count_ = np.zeros(K)
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
            if classes is not None and not np.array_equal(np.unique(classes), self.classes_):
                raise ValueError("classes=%r is not the same as on the first call to "
                                 "partial_fit: %r" % (classes, self.classes_))
            # the running statistics in float64 while they are updated (float32 ones are
            # rounded again at the end)
            self.theta_ = self.theta_.astype(np.float64)
            self.var_ = self.var_.astype(np.float64) - self.epsilon_
            self.class_count_ = self.class_count_.astype(np.float64)
        y_idx = self._encode(y)
        # Chan-Golub-LeVeque update per class present in this batch [2]
        Y = self._weighted_onehot(y_idx, w)
        n_new = Y.sum(0)                                   # (K,)
        present = n_new > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            # batch means: Y.T @ X / n_new (sgemm for float32 X: the weighted one-hot
            # labels in X's dtype, no float64 copy of X)
            S1 = gemm(Y.astype(X.dtype, copy=False), X, trans_a=True).astype(np.float64)
            mu_new = np.where(present[:, None], S1 / np.where(present, n_new, 1)[:, None], 0)
        # batch variances: sum_{i in c} w_i (x_i - mu_c)^2 / n_c  (centred two-pass form)
        sq_dev = np.empty_like(mu_new)
        _naive_bayes.class_sq_dev(X, np.ascontiguousarray(y_idx, dtype=np.intp), w,
                                  np.ascontiguousarray(mu_new), sq_dev)
        var_new = sq_dev / np.where(present, n_new, 1.0)[:, None]
        n_old = self.class_count_
        n_tot = n_old + n_new
        with np.errstate(over="ignore", invalid="ignore"):
            self._merge(present, n_old, n_new, n_tot, mu_new, var_new)
        self.class_count_ = n_tot
        self.var_[:] += self.epsilon_
        if not (np.isfinite(self.theta_).all() and np.isfinite(self.var_).all()):
            raise ValueError("GaussianNB: the class means or variances overflow float64 "
                             "(|X| up to %g); scale the features" % float(np.abs(X).max()))
        if self.priors is None:
            total = self.class_count_.sum()
            self.class_prior_ = self.class_count_ / total if total > 0 else \
                np.full(len(self.classes_), 1.0 / len(self.classes_))
        if X.dtype == np.float32:          # scikit-learn keeps float32 statistics
            for name in ("theta_", "var_", "class_count_", "class_prior_"):
                setattr(self, name, getattr(self, name).astype(np.float32))
        return self

    def _merge(self, present, n_old, n_new, n_tot, mu_new, var_new):
        """Chan-Golub-LeVeque: pool each present class's batch statistics into theta_ and
        var_ (without epsilon)."""
        for k in np.flatnonzero(present):
            if n_old[k] == 0:
                self.theta_[k] = mu_new[k]
                self.var_[k] = var_new[k]
            else:
                delta = mu_new[k] - self.theta_[k]
                ssd = (n_old[k] * self.var_[k] + n_new[k] * var_new[k]
                       + (n_old[k] * n_new[k] / n_tot[k]) * delta * delta)
                self.theta_[k] = self.theta_[k] + delta * (n_new[k] / n_tot[k])
                self.var_[k] = ssd / n_tot[k]

    def _validate_xy(self, X, y, reset):
        X, y = validate_data(self, X, y, reset=reset, dtype=[np.float64, np.float32])
        check_classification_targets(y)
        return X, y

    def _check_X_predict(self, X):
        check_is_fitted(self, "classes_")
        return validate_data(self, X, reset=False, dtype=[np.float64, np.float32])

    def _joint_log_likelihood(self, X):
        """log pi_c - 1/2 sum_j [log(2 pi s2_cj) + (x_j - theta_cj)^2 / s2_cj], in the
        dtype of X (the statistics taken in float64)."""
        K = len(self.classes_)
        out = np.empty((X.shape[0], K), dtype=X.dtype)
        with np.errstate(divide="ignore"):
            log_prior = np.log(self.class_prior_.astype(np.float64))
        var = np.maximum(self.var_.astype(np.float64), np.finfo(np.float64).tiny)
        const = log_prior - 0.5 * np.log(2.0 * np.pi * var).sum(1)
        _naive_bayes.gaussian_jll(X, np.ascontiguousarray(self.theta_, dtype=np.float64),
                                  1.0 / var, const, out)
        return out


class _BaseDiscreteNB(_BaseNB):
    """Shared fit / partial_fit of the count-based models."""

    def _check_alpha(self):
        a = self.alpha
        if isinstance(a, bool) or not isinstance(a, numbers.Real) or not a >= 0:
            raise ValueError("alpha must be a non-negative number, got %r" % (a,))
        return max(float(a), 1e-10)     # alpha = 0 would give log(0)

    def _prepare_X(self, X):
        return X

    def fit(self, X, y, sample_weight=None):
        """Fit from scratch.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        X, y = self._validate_xy(X, y, reset=True)
        self.__dict__.pop("classes_", None)
        self._first_call(np.unique(y), y)
        K = len(self.classes_)
        self.feature_count_ = np.zeros((K, X.shape[1]))
        self.class_count_ = np.zeros(K)
        return self._update(X, y, sample_weight)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Update the counts with a batch (``classes`` required on the first call).

        Returns
        -------
        self
        """
        first = not hasattr(self, "classes_")
        X, y = self._validate_xy(X, y, reset=first)
        if first:
            self._first_call(classes, y)
            K = len(self.classes_)
            self.feature_count_ = np.zeros((K, X.shape[1]))
            self.class_count_ = np.zeros(K)
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError("classes=%r is not the same as on the first call to "
                             "partial_fit: %r" % (classes, self.classes_))
        return self._update(X, y, sample_weight)

    def _update(self, X, y, sample_weight):
        alpha = self._check_alpha()
        X = self._prepare_X(X)
        w = check_sample_weight(sample_weight, X.shape[0], allow_zero=False)
        Y = self._weighted_onehot(self._encode(y), w)
        # feature counts N_cj += Y.T @ X
        gemm(Y, X, trans_a=True, c=self.feature_count_, beta=1.0)
        self.class_count_ += Y.sum(0)
        self._update_log_probs(alpha)
        K = len(self.classes_)
        if self.class_prior is not None:
            prior = np.asarray(self.class_prior, dtype=np.float64)
            if prior.shape != (K,):
                raise ValueError("Number of priors must match number of classes.")
            self.class_log_prior_ = np.log(prior)
        elif self.fit_prior and self.class_count_.sum() > 0:
            with np.errstate(divide="ignore"):
                self.class_log_prior_ = np.log(self.class_count_) - np.log(
                    self.class_count_.sum())
        else:
            self.class_log_prior_ = np.full(K, -np.log(K))
        return self


class MultinomialNB(_BaseDiscreteNB):
    """Multinomial naive Bayes for count features (word counts, tf-idf).

    Parameters
    ----------
    alpha : float, default 1.0
        Additive (Laplace / Lidstone) smoothing.
    fit_prior : bool, default True
        Learn the class priors (else uniform).
    class_prior : array-like of shape (n_classes,), optional

    Attributes
    ----------
    classes_, class_count_, feature_count_ : ndarrays
    class_log_prior_ : ndarray of shape (n_classes,)
    feature_log_prob_ : ndarray of shape (n_classes, n_features)
        log p_cj.
    n_features_in_ : int
    """

    def __init__(self, *, alpha=1.0, fit_prior=True, class_prior=None):
        self.alpha = alpha
        self.fit_prior = fit_prior
        self.class_prior = class_prior

    def _rm_tags(self, tags):
        tags.input_tags.positive_only = True
        # a count model on shifted continuous blobs: the accuracy bar does not apply
        tags.classifier_tags.poor_score = True
        return tags

    def _prepare_X(self, X):
        if (X < 0).any():
            raise ValueError("Negative values in data passed to MultinomialNB (input X): "
                             "the features must be counts or frequencies")
        return X

    def _update_log_probs(self, alpha):
        smoothed = self.feature_count_ + alpha
        with np.errstate(over="ignore", invalid="ignore"):
            total = smoothed.sum(1)
        if not (np.isfinite(smoothed).all() and np.isfinite(total).all()):
            raise ValueError("MultinomialNB: the feature counts overflow float64 (their "
                             "sums exceed %g); scale X" % np.finfo(np.float64).max)
        self.feature_log_prob_ = np.log(smoothed) - np.log(total)[:, None]

    def _joint_log_likelihood(self, X):
        self._prepare_X(X)
        # X @ log p.T + log pi
        return gemm(X, self.feature_log_prob_, trans_b=True) + self.class_log_prior_


class BernoulliNB(_BaseDiscreteNB):
    """Bernoulli naive Bayes for binary (or binarised) features.

    Parameters
    ----------
    alpha : float, default 1.0
        Additive smoothing.
    binarize : float or None, default 0.0
        Threshold: features > binarize become 1, others 0. None: X is already binary.
    fit_prior : bool, default True
    class_prior : array-like of shape (n_classes,), optional

    Attributes
    ----------
    classes_, class_count_, feature_count_ : ndarrays
    class_log_prior_ : ndarray of shape (n_classes,)
    feature_log_prob_ : ndarray of shape (n_classes, n_features)
        log p(x_j = 1 | c).
    n_features_in_ : int
    """

    def __init__(self, *, alpha=1.0, binarize=0.0, fit_prior=True, class_prior=None):
        self.alpha = alpha
        self.binarize = binarize
        self.fit_prior = fit_prior
        self.class_prior = class_prior

    def _rm_tags(self, tags):
        # binarising continuous features at a threshold throws most of their information
        # away: scikit-learn's accuracy bar for continuous blobs does not apply
        tags.classifier_tags.poor_score = True
        return tags

    def _prepare_X(self, X):
        if self.binarize is None:
            return X
        return (X > self.binarize).astype(np.float64)

    def _update_log_probs(self, alpha):
        self.feature_log_prob_ = (np.log(self.feature_count_ + alpha)
                                  - np.log(self.class_count_ + 2.0 * alpha)[:, None])

    def _joint_log_likelihood(self, X):
        X = self._prepare_X(X)
        log_p = self.feature_log_prob_
        log_q = np.log1p(-np.exp(log_p))        # log(1 - p), accurate for small p
        # sum_j x_j log p_cj + (1 - x_j) log(1 - p_cj) = X @ (log p - log q).T + sum log q
        return gemm(X, log_p - log_q, trans_b=True) + log_q.sum(1) + self.class_log_prior_

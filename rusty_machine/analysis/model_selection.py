"""Model selection: K-fold splits, cross-validated scores, a hold-out split.

* :class:`KFold` (n_splits, shuffle, random_state): consecutive folds of sizes differing
  by at most one (the first n % k folds get one extra sample), optionally after a seeded
  shuffle.
* :class:`StratifiedKFold`: each class is dealt round-robin over the folds so every fold
  keeps the class proportions (used by :func:`cross_val_score` for classifiers when
  ``cv`` is an integer, as scikit-learn does).
* :func:`cross_val_score` (estimator, X, y, cv, scoring): refits a :func:`clone` of the
  estimator on each training part and scores it on the held-out part.
* :func:`train_test_split`: a seeded hold-out split.

Reference: R. Kohavi, "A study of cross-validation and bootstrap for accuracy estimation
and model selection", IJCAI 1995 (stratified k-fold cross-validation).
"""
import numbers

import numpy as np

from ..learning.base import clone, is_classifier
from ..learning.validation import check_random_state
from . import metrics

__all__ = ["KFold", "StratifiedKFold", "cross_val_score", "train_test_split", "get_scorer"]


def _n_samples(X):
    if hasattr(X, "shape") and len(X.shape) >= 1:
        return int(X.shape[0])
    return len(X)


def _check_n_splits(n_splits):
    if isinstance(n_splits, bool) or not isinstance(n_splits, numbers.Integral):
        raise ValueError("n_splits must be an integer, got %r" % (n_splits,))
    if n_splits < 2:
        raise ValueError("k-fold cross-validation requires at least one train/test split "
                         "by setting n_splits=2 or more, got n_splits=%d." % n_splits)


class KFold:
    """K-fold cross-validation indices.

    Parameters
    ----------
    n_splits : int >= 2, default 5
    shuffle : bool, default False
        Shuffle the samples once before splitting.
    random_state : int, RandomState or None
        Seed of the shuffle (only with ``shuffle=True``).
    """

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        _check_n_splits(n_splits)
        if not isinstance(shuffle, (bool, np.bool_)):
            raise TypeError("shuffle must be True or False, got %r" % (shuffle,))
        if not shuffle and random_state is not None:
            raise ValueError("Setting a random_state has no effect since shuffle is False. "
                             "Leave random_state to its default (None), or set shuffle=True.")
        self.n_splits = int(n_splits)
        self.shuffle = shuffle
        self.random_state = random_state

    def __repr__(self):
        return "KFold(n_splits=%d, shuffle=%r, random_state=%r)" % (
            self.n_splits, self.shuffle, self.random_state)

    def get_n_splits(self, X=None, y=None, groups=None):
        """The number of folds."""
        return self.n_splits

    def _fold_sizes(self, n):
        sizes = np.full(self.n_splits, n // self.n_splits, dtype=np.intp)
        sizes[:n % self.n_splits] += 1
        return sizes

    def split(self, X, y=None, groups=None):
        """Yield (train_index, test_index) for each fold.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
        y, groups : ignored

        Yields
        ------
        train, test : ndarray of int
        """
        n = _n_samples(X)
        if self.n_splits > n:
            raise ValueError("Cannot have number of splits n_splits=%d greater than the "
                             "number of samples: n_samples=%d." % (self.n_splits, n))
        idx = np.arange(n)
        if self.shuffle:
            check_random_state(self.random_state).shuffle(idx)
        start = 0
        for size in self._fold_sizes(n):
            test = np.sort(idx[start:start + size])
            mask = np.ones(n, dtype=bool)
            mask[test] = False
            yield np.flatnonzero(mask), test
            start += size


class StratifiedKFold(KFold):
    """K-fold split that keeps the class proportions in every fold.

    The samples of each class (in order, or shuffled with ``shuffle``) are dealt to the
    folds round-robin, continuing where the previous class stopped, so fold sizes differ
    by at most one.
    """

    def __repr__(self):
        return "StratifiedKFold(n_splits=%d, shuffle=%r, random_state=%r)" % (
            self.n_splits, self.shuffle, self.random_state)

    def split(self, X, y, groups=None):
        """Yield (train_index, test_index) for each fold; y gives the classes."""
        n = _n_samples(X)
        y = np.asarray(y)
        if y.shape[0] != n:
            raise ValueError("X has %d samples, y has %d" % (n, y.shape[0]))
        if self.n_splits > n:
            raise ValueError("Cannot have number of splits n_splits=%d greater than the "
                             "number of samples: n_samples=%d." % (self.n_splits, n))
        rng = check_random_state(self.random_state) if self.shuffle else None
        fold_of = np.empty(n, dtype=np.intp)
        classes, y_idx = np.unique(y, return_inverse=True)
        offset = 0
        for k in range(classes.shape[0]):
            members = np.flatnonzero(y_idx.ravel() == k)
            if rng is not None:
                rng.shuffle(members)
            fold_of[members] = (offset + np.arange(members.shape[0])) % self.n_splits
            offset += members.shape[0]
        for f in range(self.n_splits):
            test = np.flatnonzero(fold_of == f)
            train = np.flatnonzero(fold_of != f)
            yield train, test


# ---------------------------------------------------------------------------------------

def _neg(fn):
    return lambda y, p: -fn(y, p)


_PRED_SCORERS = {
    "accuracy": metrics.accuracy_score,
    "r2": metrics.r2_score,
    "neg_mean_squared_error": _neg(metrics.mean_squared_error),
    "neg_mean_absolute_error": _neg(metrics.mean_absolute_error),
    "f1": metrics.f1_score,
    "f1_macro": lambda y, p: metrics.f1_score(y, p, average="macro"),
    "f1_micro": lambda y, p: metrics.f1_score(y, p, average="micro"),
    "f1_weighted": lambda y, p: metrics.f1_score(y, p, average="weighted"),
    "precision": metrics.precision_score,
    "precision_macro": lambda y, p: metrics.precision_score(y, p, average="macro"),
    "recall": metrics.recall_score,
    "recall_macro": lambda y, p: metrics.recall_score(y, p, average="macro"),
}


def get_scorer(scoring):
    """A callable ``scorer(estimator, X, y) -> float`` for a scoring name, a callable, or
    None (the estimator's own ``score``)."""
    if scoring is None:
        return lambda est, X, y: est.score(X, y)
    if callable(scoring):
        return scoring
    if scoring == "neg_log_loss":
        def scorer(est, X, y):
            return -metrics.log_loss(y, est.predict_proba(X), labels=est.classes_)
        return scorer
    try:
        fn = _PRED_SCORERS[scoring]
    except (KeyError, TypeError):
        raise ValueError("%r is not a valid scoring value. Valid options are %s, "
                         "'neg_log_loss', a callable or None."
                         % (scoring, sorted(_PRED_SCORERS))) from None
    return lambda est, X, y: fn(y, est.predict(X))


def _take(a, idx):
    if a is None:
        return None
    if hasattr(a, "iloc"):
        return a.iloc[idx]
    return np.asarray(a)[idx]


def cross_val_score(estimator, X, y=None, *, cv=5, scoring=None):
    """Score a freshly cloned estimator on each held-out fold.

    Parameters
    ----------
    estimator : estimator with fit and predict / score
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,), optional
    cv : int, KFold-like object with ``split``, or iterable of (train, test), default 5
        An int means :class:`StratifiedKFold` for classifiers, :class:`KFold` otherwise
        (no shuffling).
    scoring : str, callable(estimator, X, y) or None
        None uses ``estimator.score``; names: "accuracy", "r2", "neg_mean_squared_error",
        "neg_mean_absolute_error", "neg_log_loss", "f1", "f1_macro", "f1_micro",
        "f1_weighted", "precision", "precision_macro", "recall", "recall_macro".

    Returns
    -------
    ndarray of shape (n_splits,)
    """
    scorer = get_scorer(scoring)
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        cv = (StratifiedKFold(cv) if is_classifier(estimator) and y is not None
              else KFold(cv))
    splits = cv.split(X, y) if hasattr(cv, "split") else cv
    scores = []
    for train, test in splits:
        est = clone(estimator)
        if y is None:
            est.fit(_take(X, train))
        else:
            est.fit(_take(X, train), _take(y, train))
        scores.append(float(scorer(est, _take(X, test),
                                   None if y is None else _take(y, test))))
    if not scores:
        raise ValueError("cv produced no splits")
    return np.asarray(scores)


def train_test_split(*arrays, test_size=0.25, random_state=None, shuffle=True,
                     stratify=None):
    """Split arrays into a training and a test part (scikit-learn's signature).

    Parameters
    ----------
    *arrays : array-likes with the same number of rows
    test_size : float in (0, 1) or int, default 0.25
    random_state : int, RandomState or None
    shuffle : bool, default True
    stratify : array-like, optional
        Keep the proportions of these labels in both parts.

    Returns
    -------
    list
        ``[a_train, a_test, b_train, b_test, ...]``
    """
    if not arrays:
        raise ValueError("At least one array required as input")
    n = _n_samples(arrays[0])
    for a in arrays[1:]:
        if _n_samples(a) != n:
            raise ValueError("Found input variables with inconsistent numbers of samples")
    if isinstance(test_size, numbers.Integral) and not isinstance(test_size, bool):
        n_test = int(test_size)
    elif isinstance(test_size, numbers.Real) and 0 < test_size < 1:
        n_test = int(np.ceil(test_size * n))
    else:
        raise ValueError("test_size must be a float in (0, 1) or a positive int, got %r"
                         % (test_size,))
    if not 0 < n_test < n:
        raise ValueError("test_size=%r leaves an empty training or test set for %d samples"
                         % (test_size, n))
    rng = check_random_state(random_state)
    if stratify is not None:
        labels = np.asarray(stratify)
        classes, y_idx = np.unique(labels, return_inverse=True)
        order = []
        for k in range(classes.shape[0]):
            members = np.flatnonzero(y_idx.ravel() == k)
            if shuffle:
                rng.shuffle(members)
            order.append(members)
        # interleave classes proportionally: sort by the relative position in each class
        keys = np.concatenate([(np.arange(m.shape[0]) + 0.5) / m.shape[0] for m in order])
        idx = np.concatenate(order)[np.argsort(keys, kind="stable")]
        test, train = np.sort(idx[:n_test]), np.sort(idx[n_test:])
    else:
        idx = rng.permutation(n) if shuffle else np.arange(n)
        test, train = idx[n - n_test:], idx[:n - n_test]
    out = []
    for a in arrays:
        out.extend([_take(a, train), _take(a, test)])
    return out

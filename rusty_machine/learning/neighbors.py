"""k-nearest-neighbour classification and regression.

Prediction looks up the k training points nearest to each query -- through our KD-tree
(``_kdtree.pyx``: median splits, bounded max-heap per query, OpenMP over queries [1, 2])
in low dimension, or an exhaustive search whose euclidean distances are one GEMM per
block of queries and points in higher dimension -- then votes (classifier) or averages
(regressor), uniformly or with weights 1/distance [3].

References
----------
[1] J. L. Bentley, "Multidimensional binary search trees used for associative
    searching", CACM 18(9), 1975.
[2] J. H. Friedman, J. L. Bentley & R. A. Finkel, "An algorithm for finding best matches
    in logarithmic expected time", ACM TOMS 3(3), 1977.
[3] T. Hastie, R. Tibshirani & J. Friedman, "The Elements of Statistical Learning",
    2nd ed., Springer 2009, Sec. 13.3.
"""
import numbers

import numpy as np

from .base import BaseEstimator, ClassifierMixin, RegressorMixin
from .validation import check_classification_targets, check_is_fitted, validate_data
from . import _kdtree

__all__ = ["KNeighborsClassifier", "KNeighborsRegressor"]

_METRICS = ("minkowski", "euclidean", "manhattan", "chebyshev")
_KD_TREE_MAX_FEATURES = 16


class _KNeighborsBase(BaseEstimator):

    def __init__(self, n_neighbors=5, *, weights="uniform", algorithm="auto", leaf_size=30,
                 p=2, metric="minkowski"):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric

    def _check_params(self):
        k = self.n_neighbors
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
            raise ValueError("n_neighbors must be an integer >= 1, got %r" % (k,))
        if self.weights not in ("uniform", "distance"):
            raise ValueError("weights must be 'uniform' or 'distance', got %r" % (self.weights,))
        if self.algorithm not in ("auto", "kd_tree", "brute"):
            raise ValueError("algorithm must be 'auto', 'kd_tree' or 'brute', got %r"
                             % (self.algorithm,))
        if self.metric not in _METRICS:
            raise ValueError("metric must be one of %s, got %r" % (_METRICS, self.metric))
        p = self.p
        if self.metric == "minkowski" and (isinstance(p, bool) or not isinstance(
                p, numbers.Real) or not p >= 1):
            raise ValueError("p must be a number >= 1, got %r" % (p,))
        ls = self.leaf_size
        if isinstance(ls, bool) or not isinstance(ls, numbers.Integral) or ls < 1:
            raise ValueError("leaf_size must be an integer >= 1, got %r" % (ls,))

    def _fit(self, X):
        self._check_params()
        self._fit_X = X
        self.n_samples_fit_ = X.shape[0]
        use_tree = self.algorithm == "kd_tree" or (
            self.algorithm == "auto" and X.shape[1] <= _KD_TREE_MAX_FEATURES)
        self._fit_method = "kd_tree" if use_tree else "brute"
        self._tree = (_kdtree.KDTree(X, leaf_size=self.leaf_size, metric=self.metric,
                                     p=float(self.p)) if use_tree else None)

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """The k nearest training points of each query.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features), optional
            None: the training points, each without itself.
        n_neighbors : int, optional
            Default: the estimator's n_neighbors.
        return_distance : bool, default True

        Returns
        -------
        dist : ndarray of shape (n_queries, n_neighbors)   (if return_distance)
        ind : ndarray of shape (n_queries, n_neighbors)
        """
        check_is_fitted(self, "_fit_X")
        k = self.n_neighbors if n_neighbors is None else n_neighbors
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
            raise ValueError("n_neighbors must be an integer >= 1, got %r" % (k,))
        query_is_train = X is None
        if query_is_train:
            X = self._fit_X
            k += 1
        else:
            X = validate_data(self, X, reset=False)
        if k > self.n_samples_fit_:
            raise ValueError("Expected n_neighbors <= n_samples_fit, but n_neighbors = %d, "
                             "n_samples_fit = %d" % (k - query_is_train, self.n_samples_fit_))
        if self._tree is not None:
            dist, ind = self._tree.query(X, k)
        else:
            dist, ind = _kdtree.brute_knn(self._fit_X, X, k, self.metric, float(self.p))
        if query_is_train:
            # drop each point itself (when duplicates push it out of the k + 1 nearest,
            # drop the farthest neighbour instead); indices in a row are distinct
            own = ind == np.arange(len(X))[:, None]
            own[~own.any(1), -1] = True
            keep = ~own
            dist = dist[keep].reshape(len(X), k - 1)
            ind = ind[keep].reshape(len(X), k - 1)
        return (dist, ind) if return_distance else ind

    def _neighbour_weights(self, dist):
        if self.weights == "uniform":
            return np.ones_like(dist)
        # 1/d; a query that coincides with training points takes only those
        with np.errstate(divide="ignore"):
            w = 1.0 / dist
        exact = dist == 0.0
        rows = exact.any(1)
        w[rows] = exact[rows].astype(np.float64)
        return w


class KNeighborsClassifier(ClassifierMixin, _KNeighborsBase):
    """Classifier voting among the k nearest neighbours.

    Parameters
    ----------
    n_neighbors : int, default 5
    weights : {"uniform", "distance"}, default "uniform"
        "distance": votes weighted by 1/distance.
    algorithm : {"auto", "kd_tree", "brute"}, default "auto"
        "auto": KD-tree up to 16 features, exhaustive (GEMM) search above.
    leaf_size : int, default 30
    p : float, default 2
        Minkowski power (2: euclidean).
    metric : {"minkowski", "euclidean", "manhattan", "chebyshev"}, default "minkowski"

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    n_samples_fit_ : int
    n_features_in_ : int
    """

    def fit(self, X, y):
        """Store the training set (and build the KD-tree).

        Returns
        -------
        self
        """
        X, y = validate_data(self, X, y, reset=True)
        check_classification_targets(y)
        self.classes_, self._y = np.unique(y, return_inverse=True)
        self._fit(X)
        return self

    def predict_proba(self, X):
        """Weighted share of each class among the neighbours.

        Returns
        -------
        ndarray of shape (n_queries, n_classes)
        """
        check_is_fitted(self, "classes_")
        dist, ind = self.kneighbors(X)
        w = self._neighbour_weights(dist)
        labels = self._y[ind]
        n_q, n_c = len(ind), len(self.classes_)
        proba = np.zeros((n_q, n_c))
        rows = np.repeat(np.arange(n_q), ind.shape[1])
        np.add.at(proba, (rows, labels.ravel()), w.ravel())
        proba /= proba.sum(1)[:, None]
        return proba

    def predict(self, X):
        """Most voted class (ties: the first class in ``classes_``).

        Returns
        -------
        ndarray of shape (n_queries,)
        """
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(1)]


class KNeighborsRegressor(RegressorMixin, _KNeighborsBase):
    """Regressor averaging the targets of the k nearest neighbours.

    Parameters
    ----------
    n_neighbors : int, default 5
    weights : {"uniform", "distance"}, default "uniform"
    algorithm : {"auto", "kd_tree", "brute"}, default "auto"
    leaf_size : int, default 30
    p : float, default 2
    metric : {"minkowski", "euclidean", "manhattan", "chebyshev"}, default "minkowski"

    Attributes
    ----------
    n_samples_fit_ : int
    n_features_in_ : int
    """

    def _rm_tags(self, tags):
        tags.target_tags.multi_output = True
        return tags

    def fit(self, X, y):
        """Store the training set (and build the KD-tree).

        Returns
        -------
        self
        """
        X, y = validate_data(self, X, y, reset=True, multi_output=True, y_numeric=True)
        self._y = y
        self._fit(X)
        return self

    def predict(self, X):
        """(Weighted) mean target of the neighbours.

        Returns
        -------
        ndarray of shape (n_queries,) or (n_queries, n_outputs)
        """
        check_is_fitted(self, "_fit_X")
        dist, ind = self.kneighbors(X)
        w = self._neighbour_weights(dist)
        w /= w.sum(1)[:, None]
        Y = self._y[ind]                          # (n_queries, k) or (n_queries, k, n_out)
        if Y.ndim == 2:
            return (Y * w).sum(1)
        return (Y * w[:, :, None]).sum(1)

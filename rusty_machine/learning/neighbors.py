"""k-nearest-neighbour classification and regression.

Prediction looks up the k training points nearest to each query -- through our KD-tree
(``_kdtree.pyx``: median splits, bounded max-heap per query, OpenMP over queries [1, 2])
or an exhaustive search (``_brute.pyx``: euclidean distances from our GEMM in blocks that
stay in cache, the k smallest kept in a per-query heap in the same pass [4]) -- then
votes (classifier) or averages (regressor), uniformly or with weights 1/distance [3].
``algorithm="auto"`` picks the faster of the two from crossovers measured on this
library (see ``_tree_is_faster``).

References
----------
[1] J. L. Bentley, "Multidimensional binary search trees used for associative
    searching", CACM 18(9), 1975.
[2] J. H. Friedman, J. L. Bentley & R. A. Finkel, "An algorithm for finding best matches
    in logarithmic expected time", ACM TOMS 3(3), 1977.
[3] T. Hastie, R. Tibshirani & J. Friedman, "The Elements of Statistical Learning",
    2nd ed., Springer 2009, Sec. 13.3.
[4] J. Johnson, M. Douze & H. Jegou, "Billion-scale similarity search with GPUs", IEEE
    Trans. Big Data 7(3), 2019.
"""
import numbers

import numpy as np

from .base import BaseEstimator, ClassifierMixin, RegressorMixin
from .validation import check_classification_targets, check_is_fitted, validate_data
from . import _brute, _kdtree

__all__ = ["KNeighborsClassifier", "KNeighborsRegressor"]

_METRICS = ("minkowski", "euclidean", "manhattan", "chebyshev")
# other metrics than the euclidean one have no GEMM form: the tree up to this dimension
_KD_TREE_MAX_FEATURES = 16


def _is_euclidean(metric, p):
    return metric == "euclidean" or (metric == "minkowski" and p == 2)


def _tree_is_faster(n_features, n_samples, k):
    """Euclidean k-nearest queries: is the KD-tree faster than the GEMM brute force?

    The tree's work per query grows about like 2^d (the leaves a ball of the k-th
    distance meets), the brute force's is n_samples * d at GEMM speed. Measured with one
    thread (gaussian points, 1000 queries; ratio tree time / brute time; the brute
    force with its float32 filter, _brute.pyx; machine loaded):

        n_samples  k    d=3   d=4   d=5   d=6   d=8
        10000      5    0.32  0.55  1.05  2.10  5.3
        10000      50   0.34  0.57  0.82  1.29  2.6
        100000     5          0.17  0.39  0.81  3.2
        100000     50         0.31  0.53  1.16  3.7

    so the tree up to 5 features, and at 6 for a small k on many points. (Data of a
    lower intrinsic dimension than its number of features favours the tree; ask for
    ``algorithm="kd_tree"`` then.)
    """
    if n_features <= _TREE_MAX_FEATURES:
        return True
    return n_features == _TREE_MAX_FEATURES + 1 and k <= 20 and n_samples >= 50000


_TREE_MAX_FEATURES = 5


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
        euclid = _is_euclidean(self.metric, self.p)
        if self.algorithm == "auto":
            use_tree = (_tree_is_faster(X.shape[1], X.shape[0], self.n_neighbors) if euclid
                        else X.shape[1] <= _KD_TREE_MAX_FEATURES)
        else:
            use_tree = self.algorithm == "kd_tree"
        self._fit_method = "kd_tree" if use_tree else "brute"
        self._tree = (_kdtree.KDTree(X, leaf_size=self.leaf_size, metric=self.metric,
                                     p=float(self.p)) if use_tree else None)
        # the brute force's centred points and norms, made once
        self._brute_index = _brute.make_index(X) if euclid and not use_tree else None

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
        elif self._brute_index is not None:
            dist, ind = _brute.knn(self._fit_X, X, k, index=self._brute_index)
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
        "auto": the faster of the two for the data's dimension, size and k (measured
        crossovers; the KD-tree in low dimension).
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
        # votes: one weighted count over (query, class) cells
        cells = (np.arange(n_q)[:, None] * n_c + labels).ravel()
        proba = np.bincount(cells, weights=None if self.weights == "uniform" else w.ravel(),
                            minlength=n_q * n_c).reshape(n_q, n_c).astype(np.float64)
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
        y_dtype = getattr(y, "dtype", None)
        X, y = validate_data(self, X, y, reset=True, multi_output=True, y_numeric=True)
        # float32 targets stay float32 (scikit-learn's uniform-weight predict returns y's
        # dtype)
        self._y = y.astype(np.float32) if y_dtype == np.float32 else y
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
        if self.weights == "uniform":
            return self._y[ind].mean(1)           # in the targets' dtype, as scikit-learn
        w = self._neighbour_weights(dist)
        w /= w.sum(1)[:, None]
        Y = self._y[ind]                          # (n_queries, k) or (n_queries, k, n_out)
        if Y.ndim == 2:
            return (Y * w).sum(1)
        return (Y * w[:, :, None]).sum(1)

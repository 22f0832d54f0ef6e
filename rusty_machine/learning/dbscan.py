"""DBSCAN: density-based clustering with noise, and a predictive mode for new points.

A point is a *core* point when at least ``min_samples`` points (itself included;
weighted by ``sample_weight``) lie within distance ``eps`` of it. Clusters are the
connected components of core points under the "within eps" relation, plus the
*border* points within eps of one of their core points; everything else is noise
(label -1) [1]. rusty-machine left border points as noise; here they take the label of
the first cluster that reaches them, as in the original algorithm.

The eps-neighbourhoods come from our KD-tree (``_kdtree.pyx``: radius queries in
parallel, boxes entirely inside the ball taken without computing distances) or from an
exhaustive search (``_brute.pyx`` for the euclidean metric: distances from our GEMM in
cache-sized blocks, an exact check at the radius' edge); the expansion is an explicit
stack over the neighbourhood graph (no recursion, any cluster size).

References
----------
[1] M. Ester, H.-P. Kriegel, J. Sander & X. Xu, "A density-based algorithm for
    discovering clusters in large spatial databases with noise", KDD 1996.
[2] E. Schubert, J. Sander, M. Ester, H.-P. Kriegel & X. Xu, "DBSCAN revisited,
    revisited: why and how you should (still) use DBSCAN", ACM TODS 42(3), 2017.
"""
import numbers

import numpy as np

from .base import BaseEstimator, ClusterMixin
from .validation import check_is_fitted, check_sample_weight, validate_data
from . import _brute, _kdtree

__all__ = ["DBSCAN"]

_METRICS = ("euclidean", "manhattan", "chebyshev", "minkowski")
_ALGORITHMS = ("auto", "kd_tree", "brute")
# above this many features a KD-tree prunes little: search exhaustively. Euclidean radius
# queries have the GEMM brute force (_brute.pyx), which overtakes the tree earlier
# (measured with one thread, 20000 gaussian points queried against themselves, eps
# giving about 10 / 100 neighbours; tree time / brute time: d=4 0.26 / 0.64, d=6
# 0.95 / 2.1, d=8 3.3 / 5.0, d=12 9.1 / 10.9: the tree wins up to 5 features)
_KD_TREE_MAX_FEATURES = 16
_KD_TREE_MAX_FEATURES_EUCLIDEAN = 5
# the neighbourhood graph is stored only up to this many entries (256 MiB of indices)
_CSR_MAX_NEIGHBOURS = 1 << 25


def _check_metric(metric, p):
    if metric not in _METRICS:
        raise ValueError("metric must be one of %s, got %r" % (_METRICS, metric))
    if metric == "minkowski":
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not p >= 1:
            raise ValueError("p must be a number >= 1 for the minkowski metric, got %r"
                             % (p,))
    return float(p) if metric == "minkowski" else 2.0


class DBSCAN(ClusterMixin, BaseEstimator):
    """Density-based spatial clustering of applications with noise [1].

    Parameters
    ----------
    eps : float, default 0.5
        Neighbourhood radius (> 0); a point at distance exactly eps is a neighbour.
    min_samples : int, default 5
        Weighted number of points within eps (the point included) for a core point.
    metric : {"euclidean", "manhattan", "chebyshev", "minkowski"}, default "euclidean"
    p : float, default 2
        Power of the minkowski metric.
    algorithm : {"auto", "kd_tree", "brute"}, default "auto"
        "auto": KD-tree up to 5 features (euclidean; 16 for the other metrics),
        exhaustive search above.
    leaf_size : int, default 30
        KD-tree leaf size.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Cluster of each training point, -1 for noise.
    core_sample_indices_ : ndarray of shape (n_core,)
    components_ : ndarray of shape (n_core, n_features)
        The core points.
    n_features_in_ : int
    """

    def __init__(self, eps=0.5, *, min_samples=5, metric="euclidean", p=2,
                 algorithm="auto", leaf_size=30):
        self.eps = eps
        self.min_samples = min_samples
        self.metric = metric
        self.p = p
        self.algorithm = algorithm
        self.leaf_size = leaf_size

    def _check_params(self):
        eps = self.eps
        if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not eps > 0 \
                or not np.isfinite(eps):
            raise ValueError("eps must be a finite number > 0, got %r" % (eps,))
        ms = self.min_samples
        if isinstance(ms, bool) or not isinstance(ms, numbers.Integral) or ms < 1:
            raise ValueError("min_samples must be an integer >= 1, got %r" % (ms,))
        if self.algorithm not in _ALGORITHMS:
            raise ValueError("algorithm must be one of %s, got %r"
                             % (_ALGORITHMS, self.algorithm))
        ls = self.leaf_size
        if isinstance(ls, bool) or not isinstance(ls, numbers.Integral) or ls < 1:
            raise ValueError("leaf_size must be an integer >= 1, got %r" % (ls,))
        return float(eps), _check_metric(self.metric, self.p)

    def _euclidean(self):
        return self.metric == "euclidean" or (self.metric == "minkowski" and self.p == 2)

    def _use_tree(self, n_features):
        limit = (_KD_TREE_MAX_FEATURES_EUCLIDEAN if self._euclidean()
                 else _KD_TREE_MAX_FEATURES)
        return self.algorithm == "kd_tree" or (self.algorithm == "auto"
                                                and n_features <= limit)

    def fit(self, X, y=None, sample_weight=None):
        """Cluster X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored
        sample_weight : array-like of shape (n_samples,), optional
            Weight of each point in the core-point counts.

        Returns
        -------
        self
        """
        X = validate_data(self, X, reset=True)
        eps, p = self._check_params()
        n = X.shape[0]
        w = (None if sample_weight is None
             else check_sample_weight(sample_weight, n, allow_zero=False))
        graph = None
        # pass 1 (parallel): the (weighted) size of every eps-neighbourhood
        if self._use_tree(X.shape[1]) and w is None:
            # unweighted: the neighbourhood graph in one traversal (its row lengths are
            # the counts), unless it would pass the memory budget
            tree = _kdtree.KDTree(X, leaf_size=self.leaf_size, metric=self.metric, p=p)
            graph = tree.radius_graph(X, eps, _CSR_MAX_NEIGHBOURS)
            if graph is not None:
                counts = np.diff(graph[0]).astype(np.float64)
            else:
                counts = tree.query_radius(X, eps, count_only=True)
            wcounts = counts
        elif self._use_tree(X.shape[1]):
            tree = _kdtree.KDTree(X, leaf_size=self.leaf_size, metric=self.metric, p=p)
            counts = tree.query_radius(X, eps, count_only=True)
            wcounts = (counts if w is None
                       else tree.query_radius(X, eps, sample_weight=w, count_only=True))
        elif self._euclidean():
            tree = None
            index = _brute.make_index(X)
            wcounts, counts = _brute.radius(X, X, eps, w, count_only=True, index=index)
        else:
            tree = None
            wcounts, counts = _kdtree.brute_radius(X, X, eps, self.metric, p, w,
                                                   count_only=True)
        # counts are sums of weights (integers without weights): a small tolerance keeps
        # weighted sums such as 0.1 * 10 on the right side of min_samples
        is_core = wcounts >= self.min_samples * (1.0 - 8 * np.finfo(float).eps)
        core_u8 = is_core.astype(np.uint8)
        # pass 2: expansion. While the neighbourhood graph fits the memory budget it is
        # stored (CSR, filled in parallel); beyond it the neighbours of each core point
        # are listed again when it is expanded (O(n) memory, whatever eps).
        if graph is not None:
            self.labels_ = _kdtree.dbscan_expand(graph[0], graph[1], core_u8)
        elif counts.sum() <= _CSR_MAX_NEIGHBOURS:
            if tree is not None:
                offsets, indices = tree.query_radius(X, eps, counts=counts)
            elif self._euclidean():
                offsets, indices, _ = _brute.radius(X, X, eps, index=index)
            else:
                offsets, indices, _ = _kdtree.brute_radius(X, X, eps, self.metric, p)
            self.labels_ = _kdtree.dbscan_expand(offsets, indices, core_u8)
        elif tree is not None:
            self.labels_ = tree.dbscan_expand(core_u8, eps)
        else:
            self.labels_ = _kdtree.brute_dbscan_expand(X, core_u8, eps, self.metric, p)
        self.core_sample_indices_ = np.flatnonzero(is_core)
        self.components_ = X[self.core_sample_indices_].copy()
        self._core_tree = None
        return self

    def fit_predict(self, X, y=None, sample_weight=None):
        """Fit, then return ``labels_``."""
        return self.fit(X, sample_weight=sample_weight).labels_

    def predict(self, X):
        """Label new points: the cluster of the nearest core point if it lies within eps,
        else -1 (noise). On the training points this gives ``labels_`` for core points,
        and for border points the cluster of their nearest core point.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self, "labels_")
        X = validate_data(self, X, reset=False)
        out = np.full(X.shape[0], -1, dtype=np.intp)
        if len(self.core_sample_indices_) == 0:
            return out
        eps, p = self._check_params()
        if self._use_tree(X.shape[1]):
            if getattr(self, "_core_tree", None) is None:
                self._core_tree = _kdtree.KDTree(self.components_, leaf_size=self.leaf_size,
                                                 metric=self.metric, p=p)
            dist, ind = self._core_tree.query(X, 1)
        elif self._euclidean():
            dist, ind = _brute.knn(self.components_, X, 1)
        else:
            dist, ind = _kdtree.brute_knn(self.components_, X, 1, self.metric, p)
        core_labels = self.labels_[self.core_sample_indices_]
        hit = dist[:, 0] <= eps
        out[hit] = core_labels[ind[hit, 0]]
        return out

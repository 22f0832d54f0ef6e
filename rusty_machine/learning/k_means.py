"""k-means clustering: Lloyd's algorithm with greedy k-means++ seeding.

The estimator is thin Python; every pass over the data (assignment, centre sums,
inertia) is a Cython kernel in ``_k_means.pyx`` with OpenMP over chunks of rows; the
assignment's distances and arg-min are one fused kernel (csrc/rm_kmeans_assign.h).

References
----------
[1] S. Lloyd, "Least squares quantization in PCM", IEEE Trans. Inf. Theory 28(2), 1982.
[2] D. Arthur & S. Vassilvitskii, "k-means++: the advantages of careful seeding",
    SODA 2007 (D^2 sampling; the greedy variant with 2 + log k trials per centre is the
    one discussed in Sec. 5 and used by scikit-learn).
[4] G. Hamerly, "Making k-means even faster", SIAM Int. Conf. on Data Mining 2010
    (one upper and one lower bound per sample: Lloyd's assignments with most distance
    rows skipped; ``_k_means.hamerly_iter``).
[3] E. W. Forgy, "Cluster analysis of multivariate data", Biometrics 21, 1965 (random
    points as initial centres); the "random partition" initialisation assigns every point
    to a random cluster first (Hamerly & Elkan, CIKM 2002, Sec. 2).
"""
import numbers
import warnings

import numpy as np

from ..exceptions import _warn_convergence
from ..linalg.blas import gemm
from .base import BaseEstimator, ClusterMixin, TransformerMixin
from .validation import (check_is_fitted, check_random_state, check_sample_weight,
                         validate_data)
from . import _k_means

__all__ = ["KMeans", "kmeans_plusplus"]

_INITS = ("k-means++", "forgy", "random", "random-partition")
_ALGORITHMS = ("auto", "lloyd", "hamerly")


def _sq_dist_to(points, X, x_sq_norms):
    """Squared distances from each of ``points`` (m, d) to every row of X: (m, n).

    ||p||^2 - 2 p.x + ||x||^2 with the cross term as one GEMM; clipped at 0 (the
    expansion can round to tiny negatives)."""
    p_sq = (points * points).sum(1)
    # D = -2 * points @ X.T
    D = gemm(points, X, trans_b=True, alpha=-2.0)
    D += p_sq[:, None]
    D += x_sq_norms[None, :]
    np.maximum(D, 0.0, out=D)
    return D


def kmeans_plusplus(X, n_clusters, *, sample_weight=None, x_sq_norms=None,
                    random_state=None, n_local_trials=None):
    """Greedy k-means++ seeding [2].

    The first centre is a sample drawn with probability proportional to its weight;
    each next one is drawn by D^2 sampling (probability proportional to w_i times the
    squared distance to the nearest centre chosen so far), and among ``n_local_trials``
    such draws the one that lowers the potential sum_i w_i D(x_i)^2 the most is kept.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    n_clusters : int
    sample_weight : ndarray of shape (n_samples,), optional
    x_sq_norms : ndarray of shape (n_samples,), optional
        Precomputed ||x_i||^2.
    random_state : int, RandomState or None
    n_local_trials : int, optional
        Default 2 + floor(log k).

    Returns
    -------
    centers : ndarray of shape (n_clusters, n_features), float32 for float32 X
    indices : ndarray of shape (n_clusters,)
        Row of X chosen for each centre.
    """
    if X.dtype != np.float32:
        X = np.asarray(X, dtype=np.float64)
    X = np.ascontiguousarray(X)          # float32 stays float32 (the centres too)
    n_samples, n_features = X.shape
    rng = check_random_state(random_state)
    w = check_sample_weight(sample_weight, n_samples)
    if x_sq_norms is None:
        x_sq_norms = (X * X).sum(1)
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(n_clusters))
    centers = np.empty((n_clusters, n_features), dtype=X.dtype)
    indices = np.full(n_clusters, -1, dtype=np.intp)

    # step 1: first centre with probability w_i / sum w
    first = rng.choice(n_samples, p=w / w.sum())
    centers[0] = X[first]
    indices[0] = first
    closest_sq = _sq_dist_to(X[first:first + 1], X, x_sq_norms)[0]
    potential = float((closest_sq * w).sum())

    for c in range(1, n_clusters):
        # with potential 0 (fewer distinct points than centres) every draw is 0 and the
        # candidate is the first sample: a duplicate centre, as in scikit-learn
        # step 2: D^2 sampling of n_local_trials candidates (inverse-CDF on the running sum)
        draws = rng.uniform(size=n_local_trials) * potential
        cdf = np.cumsum(w * closest_sq)
        candidates = np.searchsorted(cdf, draws)
        np.clip(candidates, None, n_samples - 1, out=candidates)
        # step 3 (greedy): keep the candidate giving the smallest new potential
        cand_sq = _sq_dist_to(X[candidates], X, x_sq_norms)
        np.minimum(closest_sq[None, :], cand_sq, out=cand_sq)
        cand_pot = (cand_sq * w[None, :]).sum(1)
        best = int(np.argmin(cand_pot))
        potential = float(cand_pot[best])
        closest_sq = cand_sq[best]
        centers[c] = X[candidates[best]]
        indices[c] = candidates[best]
    return centers, indices


# "auto" takes Hamerly's bounds from this many clusters: with fewer, a full distance row
# costs little more than the bound updates and the exact distance of a tightened bound.
# Only on float64 data: on float32 the distance kernel runs at twice the rate while the
# bound bookkeeping does not, and Hamerly lost (100000x50, k=100, 20 iterations, one
# thread, CPU time, one interleaved run on a loaded machine: float32 Lloyd 0.330 s,
# Hamerly 0.358 s; float64 Lloyd 0.681 s, Hamerly 0.591 s).
_HAMERLY_MIN_K = 8

# rows per block of _column_variance's passes (a few MiB of float64 temporaries)
_VAR_BLOCK_ROWS = 8192


def _column_variance(X, w=None):
    """(Weighted) variance of each column, two passes (the mean, then the squared
    deviations: no cancellation), accumulated in float64 over blocks of rows, so that no
    n x d temporary is made (np.var would make a float64 copy of a float32 X)."""
    n, d = X.shape
    w_sum = float(n) if w is None else float(w.sum())
    total = np.zeros(d)
    for s in range(0, n, _VAR_BLOCK_ROWS):
        blk = X[s:s + _VAR_BLOCK_ROWS].astype(np.float64)
        total += blk.sum(0) if w is None else (w[s:s + _VAR_BLOCK_ROWS, None] * blk).sum(0)
    mean = total / w_sum
    sq = np.zeros(d)
    for s in range(0, n, _VAR_BLOCK_ROWS):
        blk = X[s:s + _VAR_BLOCK_ROWS] - mean           # float64 (mean is float64)
        blk *= blk
        sq += blk.sum(0) if w is None else (w[s:s + _VAR_BLOCK_ROWS, None] * blk).sum(0)
    return sq / w_sum


def _centers_in(C, dtype):
    """The fitted centres in the dtype of the data they are compared with."""
    return C if C.dtype == dtype else np.ascontiguousarray(C, dtype=dtype)


class KMeans(ClusterMixin, TransformerMixin, BaseEstimator):
    """k-means clustering (Lloyd's algorithm [1], k-means++ seeding [2]).

    Minimises the inertia sum_i w_i ||x_i - c_{l_i}||^2 by alternating assignment to the
    nearest centre and recomputation of each centre as its samples' weighted mean.

    Parameters
    ----------
    n_clusters : int, default 8
    init : {"k-means++", "forgy", "random", "random-partition"} or array-like of shape \
(n_clusters, n_features), default "k-means++"
        "forgy" (alias "random", scikit-learn's name) picks n_clusters distinct samples;
        "random-partition" assigns each sample to a random cluster and starts from the
        clusters' means; an array gives the initial centres.
    n_init : "auto" or int, default "auto"
        Number of runs with different seeds (best inertia kept). "auto": 1 for
        "k-means++" and an explicit array, 10 otherwise.
    max_iter : int, default 300
    tol : float, default 1e-4
        Convergence when sum_j ||c_j^new - c_j^old||^2 <= tol * mean feature variance.
    random_state : int, RandomState or None
    verbose : int, default 0
        > 0: print each Lloyd iteration (labels changed, centre shift).
    algorithm : {"auto", "lloyd", "hamerly"}, default "auto"
        How each Lloyd iteration finds the nearest centres; both give Lloyd's answers.
        "lloyd": a full distance row for every sample (the fused distance + arg-min
        kernel on each chunk of rows).
        "hamerly": Hamerly's bounds [4] skip the samples whose nearest centre provably
        did not change (two floats per sample of memory). "auto": "hamerly" from
        ``n_clusters >= 8`` on float64 data, where a skipped row saves more than the
        bounds cost; "lloyd" on float32 data, whose distances are twice as fast.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        float32 when X is float32 (as scikit-learn), float64 otherwise.
    labels_ : ndarray of shape (n_samples,)
    inertia_ : float
    n_iter_ : int
        Lloyd iterations of the best run.
    n_features_in_ : int

    Notes
    -----
    float32 X is computed in float32 (the distances in float32 lanes, the data moves half
    the bytes); the centre sums, the inertia and the tolerance are accumulated in float64 and
    the centres rounded to float32 after each update. ``transform`` returns X's dtype.
    """

    def __init__(self, n_clusters=8, *, init="k-means++", n_init="auto", max_iter=300,
                 tol=1e-4, random_state=None, verbose=0, algorithm="auto"):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.verbose = verbose
        self.algorithm = algorithm

    # ---- parameter checks -------------------------------------------------------------
    def _check_params(self, X):
        n_samples, n_features = X.shape
        k = self.n_clusters
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
            raise ValueError("n_clusters must be a positive integer, got %r" % (k,))
        if n_samples < k:
            raise ValueError("n_samples=%d should be >= n_clusters=%d." % (n_samples, k))
        if isinstance(self.max_iter, bool) or not isinstance(self.max_iter, numbers.Integral) \
                or self.max_iter < 1:
            raise ValueError("max_iter must be a positive integer, got %r" % (self.max_iter,))
        if isinstance(self.tol, bool) or not isinstance(self.tol, numbers.Real) \
                or not self.tol >= 0:
            raise ValueError("tol must be a non-negative number, got %r" % (self.tol,))
        if not isinstance(self.algorithm, str) or self.algorithm not in _ALGORITHMS:
            raise ValueError("algorithm must be one of %s, got %r"
                             % (_ALGORITHMS, self.algorithm))
        init = self.init
        if isinstance(init, str):
            if init not in _INITS:
                raise ValueError("init must be one of %s or an array of shape (n_clusters, "
                                 "n_features), got %r" % (_INITS, init))
            init_arr = None
        else:
            init_arr = np.array(init, dtype=np.float64)   # a copy
            if init_arr.shape != (k, n_features):
                raise ValueError("init array has shape %s; expected (n_clusters, n_features) "
                                 "= (%d, %d)" % (init_arr.shape, k, n_features))
            if not np.isfinite(init_arr).all():
                raise ValueError("init array contains NaN or infinity")
            init_arr = np.ascontiguousarray(init_arr, dtype=X.dtype)
        n_init = self.n_init
        if isinstance(n_init, str):
            if n_init != "auto":
                raise ValueError("n_init must be 'auto' or a positive integer, got %r" % n_init)
            n_init = 1 if (init_arr is not None or init == "k-means++") else 10
        elif isinstance(n_init, bool) or not isinstance(n_init, numbers.Integral) or n_init < 1:
            raise ValueError("n_init must be 'auto' or a positive integer, got %r" % (n_init,))
        if init_arr is not None and n_init != 1:
            warnings.warn("Explicit initial centres given: running n_init=1 instead of %d"
                          % n_init, RuntimeWarning, stacklevel=3)
            n_init = 1
        return init_arr, int(n_init)

    # ---- initialisation ---------------------------------------------------------------
    def _init_centers(self, X, w, x_sq_norms, init_arr, rng):
        k = self.n_clusters
        n_samples = X.shape[0]
        if init_arr is not None:
            return init_arr.copy()
        if self.init == "k-means++":
            return kmeans_plusplus(X, k, sample_weight=w, x_sq_norms=x_sq_norms,
                                   random_state=rng)[0]
        if self.init in ("forgy", "random"):
            # Forgy [3]: k distinct samples (drawn proportionally to their weight)
            p = w / w.sum()
            n_pos = int((w > 0).sum())
            idx = rng.choice(n_samples, size=k, replace=False, p=p if n_pos >= k else None)
            return X[idx].copy()
        # random partition [3]: random labels, centres = weighted means; an empty part
        # takes a random sample
        labels = rng.randint(k, size=n_samples)
        sums = np.zeros((k, X.shape[1]))
        np.add.at(sums, labels, X * w[:, None])
        wsum = np.bincount(labels, weights=w, minlength=k)
        centers = np.empty(sums.shape, dtype=X.dtype)
        for j in range(k):
            if wsum[j] > 0:
                centers[j] = sums[j] / wsum[j]
            else:
                centers[j] = X[rng.randint(n_samples)]
        return centers

    # ---- one Lloyd run ----------------------------------------------------------------
    def _use_hamerly(self, dtype):
        return self.algorithm == "hamerly" or (self.algorithm == "auto"
                                               and self.n_clusters >= _HAMERLY_MIN_K
                                               and dtype == np.float64)

    def _lloyd(self, X, w, centers, tol, x_sq=None):
        """Lloyd iterations from ``centers``; returns (labels, inertia, centers, n_iter).

        With Hamerly's bounds (``x_sq`` given: ||x_i||^2) each assignment pass skips the
        samples whose label provably stays; the labels, centres and inertia are those of
        the plain pass."""
        n_samples = X.shape[0]
        k = centers.shape[0]
        labels = np.full(n_samples, -1, dtype=np.int32)
        centers = np.ascontiguousarray(centers, dtype=X.dtype)
        sums = np.empty(centers.shape)       # float64 accumulators for either dtype
        wsum = np.empty(k)
        hamerly = x_sq is not None
        if hamerly:
            upper = np.empty(n_samples)
            lower = np.empty(n_samples)
            delta = np.zeros(k)
            bounds_valid = False

        def assign(update):
            if hamerly:
                return _k_means.hamerly_iter(X, x_sq, w, centers, delta, upper, lower, sums,
                                             wsum, labels, bounds_valid, update)
            return _k_means.lloyd_iter(X, w, centers, sums, wsum, labels, update)

        converged_strict = False
        n_iter = 0
        for n_iter in range(1, self.max_iter + 1):
            n_changed = assign(True)
            old_centers = centers
            if (wsum == 0).any():
                centers = centers.copy()
                moved = self._relocate_empty(X, w, centers, sums, wsum, labels)
                if hamerly:
                    # the relocated samples changed label outside the bounds'
                    # bookkeeping: bounds that force a fresh look at them (the other
                    # samples' bounds stay valid: the centre moves enter delta)
                    upper[moved] = np.inf
                    lower[moved] = 0.0
            if hamerly:
                bounds_valid = True
            nonempty = wsum > 0
            new_centers = centers.copy()
            new_centers[nonempty] = sums[nonempty] / wsum[nonempty, None]  # rounded to X's
            shift = float(((new_centers - centers.astype(np.float64)) ** 2).sum())
            centers = new_centers
            if hamerly and bounds_valid:
                delta = _k_means.center_moves(old_centers, centers)
            if self.verbose:
                print("Iteration %d: %d labels changed, centre shift %.6g"
                      % (n_iter, n_changed, shift))
            if n_changed == 0:
                converged_strict = True      # labels did not move: a fixed point
                break
            if shift <= tol:
                break
        else:
            _warn_convergence("KMeans did not converge in max_iter=%d iterations; increase "
                              "max_iter or tol" % self.max_iter, stacklevel=3)
        if not converged_strict:
            # labels consistent with the final centres
            assign(False)
        inertia = _k_means.inertia(X, w, centers, labels)
        return labels, inertia, centers, n_iter

    @staticmethod
    def _relocate_empty(X, w, centers, sums, wsum, labels):
        """Give each empty cluster the sample farthest from its own centre (never a NaN
        centre): the sample's weighted coordinates move from its cluster's sum to the
        empty one. Returns the indices of the samples moved."""
        empty = np.flatnonzero(wsum == 0)
        far_d = _k_means.min_sq_dist_to_own(X, centers, labels)
        order = np.argsort(-far_d, kind="stable")[:len(empty)]
        moved = []
        for j, i in zip(empty, order):
            old = labels[i]
            sums[old] -= w[i] * X[i]
            wsum[old] -= w[i]
            sums[j] = w[i] * X[i]
            wsum[j] = w[i]
            if w[i] == 0:          # zero-weight sample: place the centre on it directly
                centers[j] = X[i]
            labels[i] = j
            moved.append(i)
        return np.array(moved, dtype=np.intp)

    # ---- public API -------------------------------------------------------------------
    def fit(self, X, y=None, sample_weight=None):
        """Compute the clustering.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        X = validate_data(self, X, reset=True, dtype=[np.float64, np.float32])
        n_samples = X.shape[0]
        w = check_sample_weight(sample_weight, n_samples)
        if not w.sum() > 0:
            raise ValueError("sample_weight sums to zero: at least one sample needs weight")
        init_arr, n_init = self._check_params(X)
        rng = check_random_state(self.random_state)
        # tol relative to the data: mean of the (weighted) feature variances
        # (computed in float64 for either dtype; scikit-learn scales it the same way for
        # float32 data, so tol is not raised to float32's epsilon)
        tol = 0.0
        if self.tol > 0:
            variance = _column_variance(X, None if sample_weight is None else w)
            tol = float(self.tol) * float(np.mean(variance))
        # ||x||^2, only needed by the k-means++ seeding
        x_sq_norms = (X * X).sum(1) if (init_arr is None and self.init == "k-means++") \
            else None
        x_sq = _k_means.row_sq_norms(X) if self._use_hamerly(X.dtype) else None
        best = None
        for _ in range(n_init):
            centers = self._init_centers(X, w, x_sq_norms, init_arr, rng)
            labels, inertia, centers, n_iter = self._lloyd(X, w, centers, tol, x_sq)
            if best is None or inertia < best[1]:
                best = (labels, inertia, centers, n_iter)
        labels, inertia, centers, n_iter = best
        n_distinct_labels = len(np.unique(labels))
        if n_distinct_labels < self.n_clusters:
            _warn_convergence("Number of distinct clusters (%d) found smaller than n_clusters "
                              "(%d)." % (n_distinct_labels, self.n_clusters),
                              stacklevel=2)
        self.cluster_centers_ = centers
        self.labels_ = labels.astype(np.intp)
        self.inertia_ = float(inertia)
        self.n_iter_ = int(n_iter)
        return self

    def _check_X(self, X):
        """X as given when float32 or float64 (scikit-learn's rule: predict and
        transform run in the dtype of X, the centres cast to it)."""
        return validate_data(self, X, reset=False, dtype=[np.float64, np.float32])

    def _centers_for(self, X):
        return _centers_in(self.cluster_centers_, X.dtype)

    def _labels_of(self, X):
        labels = np.zeros(X.shape[0], dtype=np.int32)
        C = self._centers_for(X)
        k, d = C.shape
        _k_means.lloyd_iter(X, np.ones(X.shape[0]), C, np.empty((k, d)), np.empty(k),
                            labels, False)
        return labels

    def predict(self, X):
        """Index of the nearest centre for each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self, "cluster_centers_")
        X = self._check_X(X)
        return self._labels_of(X).astype(np.intp)

    def fit_predict(self, X, y=None, sample_weight=None):
        """Fit, then return ``labels_``."""
        return self.fit(X, sample_weight=sample_weight).labels_

    def transform(self, X):
        """Euclidean distance from each sample to each centre.

        Returns
        -------
        ndarray of shape (n_samples, n_clusters), the dtype of X
        """
        check_is_fitted(self, "cluster_centers_")
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        C = _centers_in(self.cluster_centers_, X.dtype)
        # D2 = ||x||^2 - 2 X @ C.T + ||c||^2
        D = gemm(X, C, trans_b=True, alpha=-2.0)
        D += (X * X).sum(1)[:, None]
        D += (C * C).sum(1)[None, :]
        np.maximum(D, 0.0, out=D)
        return np.sqrt(D)

    def fit_transform(self, X, y=None, sample_weight=None):
        """Fit, then return the distances of X to the centres."""
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def _rm_tags(self, tags):
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the inertia of X on the fitted centres (higher is better).

        Returns
        -------
        float
        """
        check_is_fitted(self, "cluster_centers_")
        X = self._check_X(X)
        w = check_sample_weight(sample_weight, X.shape[0])
        labels = self._labels_of(X)
        return -float(_k_means.inertia(X, w, self._centers_for(X), labels))

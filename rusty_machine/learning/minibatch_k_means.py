"""Mini-batch k-means (Sculley 2010), with scikit-learn's parameters and ``partial_fit``.

Each step draws a batch B of ``batch_size`` samples (with replacement), assigns them to
their nearest centres and moves each centre c_j towards the batch's samples by a
per-centre learning rate that decays as 1 / (the weight the centre has seen) [1, Alg. 1]:

    v_j <- v_j + sum_{i in B, l_i = j} w_i
    c_j <- c_j + (sum_{i in B, l_i = j} w_i x_i - (sum_{i in B, l_i = j} w_i) c_j) / v_j

which is Sculley's per-sample update c <- (1 - 1/v) c + x / v applied to the batch at
once: c_j is the weighted mean of every sample it was ever assigned. The assignment and
the batch sums are one call of our Lloyd kernel (``_k_means.lloyd_iter``).

Around that core, scikit-learn's conventions, so its users find what they expect:

* seeding (k-means++ [2] / random / array) on a random subset of ``init_size`` samples,
  ``n_init`` times, keeping the seeds with the lowest inertia on that subset;
* ``(max_iter * n_samples) // batch_size`` steps at most; early stopping when the
  exponentially weighted average of the batch inertia (per unit weight, smoothing
  2 batch_size / (n_samples + 1)) has not improved for ``max_no_improvement`` steps, or
  when ``tol > 0`` and the squared centre shift falls below tol * mean feature variance;
* reassignment: every 10 n_clusters samples seen (or when a centre has seen no
  sample), centres whose weight is below ``reassignment_ratio`` times the largest are
  moved to random samples of the batch (at most half of them at once) and given the
  smallest remaining weight - this revives centres stuck far from the data.

References
----------
[1] D. Sculley, "Web-scale k-means clustering", Proc. WWW 2010, 1177-1178 (Algorithm 1,
    mini-batch k-means with per-centre learning rates).
[2] D. Arthur & S. Vassilvitskii, "k-means++: the advantages of careful seeding",
    SODA 2007.
[3] scikit-learn's MiniBatchKMeans (parameters, stopping and reassignment rules: the
    documented behaviour, re-implemented).
"""
import math
import numbers

import numpy as np

from .base import BaseEstimator, ClusterMixin, TransformerMixin
from .k_means import KMeans, kmeans_plusplus
from .validation import (check_is_fitted, check_random_state, check_sample_weight,
                         validate_data)
from . import _k_means

__all__ = ["MiniBatchKMeans"]


class MiniBatchKMeans(ClusterMixin, TransformerMixin, BaseEstimator):
    """Mini-batch k-means [1].

    Parameters
    ----------
    n_clusters : int, default 8
    init : {"k-means++", "random"} or array-like of shape (n_clusters, n_features), \
default "k-means++"
    max_iter : int, default 100
        Passes over the data (in number of samples seen) at most.
    batch_size : int, default 1024
    verbose : int, default 0
        Print the progress of each step when > 0.
    compute_labels : bool, default True
        Compute ``labels_`` and ``inertia_`` on the whole data at the end of ``fit``
        (of the batch, in ``partial_fit``).
    random_state : int, RandomState or None
    tol : float, default 0.0
        Stop when the squared centre shift of a step is below tol * mean feature
        variance (0 disables it).
    max_no_improvement : int or None, default 10
        Stop after that many steps without improving the smoothed batch inertia
        (None disables it).
    init_size : int or None, default None
        Samples used for seeding (default 3 * batch_size, at least 3 * n_clusters).
    n_init : "auto" or int, default "auto"
        Seedings tried ("auto": 1 for "k-means++" or an array, 3 for "random").
    reassignment_ratio : float, default 0.01

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    labels_ : ndarray of shape (n_samples,)
    inertia_ : float
    n_iter_ : int
        Passes over the data (samples seen / n_samples, rounded up).
    n_steps_ : int
        Mini-batches processed.
    n_features_in_ : int
    """

    def __init__(self, n_clusters=8, *, init="k-means++", max_iter=100, batch_size=1024,
                 verbose=0, compute_labels=True, random_state=None, tol=0.0,
                 max_no_improvement=10, init_size=None, n_init="auto",
                 reassignment_ratio=0.01):
        self.n_clusters = n_clusters
        self.init = init
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.verbose = verbose
        self.compute_labels = compute_labels
        self.random_state = random_state
        self.tol = tol
        self.max_no_improvement = max_no_improvement
        self.init_size = init_size
        self.n_init = n_init
        self.reassignment_ratio = reassignment_ratio

    # ---- checks -------------------------------------------------------------------------
    @staticmethod
    def _int(value, name, low, allow_none=False):
        if allow_none and value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
            raise ValueError("%s must be an integer >= %d%s, got %r"
                             % (name, low, " or None" if allow_none else "", value))
        return int(value)

    def _check_params(self, X):
        n_samples, n_features = X.shape
        k = self._int(self.n_clusters, "n_clusters", 1)
        if n_samples < k:
            raise ValueError("n_samples=%d should be >= n_clusters=%d." % (n_samples, k))
        self._int(self.max_iter, "max_iter", 1)
        self._int(self.batch_size, "batch_size", 1)
        self._int(self.max_no_improvement, "max_no_improvement", 0, allow_none=True)
        init_size = self._int(self.init_size, "init_size", 1, allow_none=True)
        for name in ("tol", "reassignment_ratio"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, numbers.Real) or not v >= 0:
                raise ValueError("%s must be a non-negative number, got %r" % (name, v))
        init = self.init
        if isinstance(init, str):
            if init not in ("k-means++", "random"):
                raise ValueError("init must be 'k-means++', 'random' or an array of shape "
                                 "(n_clusters, n_features), got %r" % (init,))
            init_arr = None
        else:
            init_arr = np.array(init, dtype=np.float64)
            if init_arr.shape != (k, n_features):
                raise ValueError("init array has shape %s; expected (n_clusters, n_features) "
                                 "= (%d, %d)" % (init_arr.shape, k, n_features))
            if not np.isfinite(init_arr).all():
                raise ValueError("init array contains NaN or infinity")
        n_init = self.n_init
        if isinstance(n_init, str):
            if n_init != "auto":
                raise ValueError("n_init must be 'auto' or a positive integer, got %r"
                                 % (n_init,))
            n_init = 3 if (init_arr is None and init == "random") else 1
        else:
            n_init = self._int(n_init, "n_init", 1)
        if init_arr is not None:
            n_init = 1
        if init_size is None:
            init_size = 3 * self.batch_size
            if init_size < k:
                init_size = 3 * k
        elif init_size < k:
            init_size = 3 * k
        return k, init_arr, n_init, min(init_size, n_samples)

    # ---- pieces ---------------------------------------------------------------------------
    def _init_centers(self, X, w, k, init_arr, rng, init_size):
        if init_arr is not None:
            return np.ascontiguousarray(init_arr, dtype=np.float64).copy()
        if init_size is not None and init_size < X.shape[0]:
            idx = rng.randint(0, X.shape[0], init_size)
            X, w = X[idx], w[idx]
        if self.init == "k-means++":
            return kmeans_plusplus(X, k, sample_weight=w, random_state=rng)[0]
        n_pos = int((w > 0).sum())
        idx = rng.choice(X.shape[0], size=k, replace=False,
                         p=w / w.sum() if n_pos >= k else None)
        return X[idx].copy()

    @staticmethod
    def _labels_inertia(X, w, centers):
        k, d = centers.shape
        labels = np.full(X.shape[0], -1, dtype=np.int32)
        _k_means.lloyd_iter(X, w, centers, np.empty((k, d)), np.empty(k), labels, False)
        return labels, float(_k_means.inertia(X, w, centers, labels))

    def _random_reassign(self, batch_size):
        """scikit-learn's schedule: every 10 n_clusters samples, or when a centre has
        seen no sample yet."""
        self._n_since_last_reassign += batch_size
        if (self._counts == 0).any() or self._n_since_last_reassign >= 10 * self.n_clusters:
            self._n_since_last_reassign = 0
            return True
        return False

    def _step(self, Xb, wb, centers, rng, reassign):
        """One mini-batch step [1, Alg. 1] in place on ``centers`` and ``self._counts``;
        returns the batch's inertia on the centres it was assigned with."""
        k, d = centers.shape
        labels = np.full(Xb.shape[0], -1, dtype=np.int32)
        sums, wsum = np.empty((k, d)), np.empty(k)
        # assignment and per-centre batch sums: one pass of our Lloyd kernel
        _k_means.lloyd_iter(Xb, wb, centers, sums, wsum, labels, True)
        inertia = float(_k_means.inertia(Xb, wb, centers, labels))
        seen = wsum > 0
        counts = self._counts
        counts[seen] += wsum[seen]
        # c_j <- c_j + (S_j - W_j c_j) / v_j   (per-centre rate 1 / v_j)
        centers[seen] += (sums[seen] - wsum[seen, None] * centers[seen]) / counts[seen, None]
        if reassign and self.reassignment_ratio > 0 and counts.max() > 0:
            low = counts < self.reassignment_ratio * counts.max()
            if low.sum() > 0.5 * Xb.shape[0]:
                keep = np.argsort(counts, kind="stable")[int(0.5 * Xb.shape[0]):]
                low[keep] = False
            n_low = int(low.sum())
            if n_low and n_low < k:
                n_pos = int((wb > 0).sum())
                pick = rng.choice(Xb.shape[0], size=n_low, replace=False,
                                  p=wb / wb.sum() if n_pos >= n_low else None)
                centers[low] = Xb[pick]
                counts[low] = counts[~low].min()
        return inertia

    # ---- public API ---------------------------------------------------------------------
    def fit(self, X, y=None, sample_weight=None):
        """Compute the centres by mini-batch steps.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        X = validate_data(self, X, reset=True)
        n_samples = X.shape[0]
        w = check_sample_weight(sample_weight, n_samples)
        if not w.sum() > 0:
            raise ValueError("sample_weight sums to zero: at least one sample needs weight")
        k, init_arr, n_init, init_size = self._check_params(X)
        rng = check_random_state(self.random_state)
        batch_size = min(int(self.batch_size), n_samples)
        tol = 0.0
        if self.tol > 0:
            mean = (w[:, None] * X).sum(0) / w.sum()
            tol = float(self.tol) * float(np.mean((w[:, None] * (X - mean) ** 2).sum(0)
                                                  / w.sum()))
        # seeding: n_init candidates scored on one validation subset
        val = rng.randint(0, n_samples, init_size)
        Xv, wv = X[val], w[val]
        best, best_inertia = None, np.inf
        for _ in range(n_init):
            centers = self._init_centers(X, w, k, init_arr, rng, init_size)
            _, inertia = self._labels_inertia(Xv, wv, centers)
            if inertia < best_inertia or best is None:
                best, best_inertia = centers, inertia
        centers = np.ascontiguousarray(best)
        self._counts = np.zeros(k)
        self._n_since_last_reassign = 0
        self._rng = rng
        n_steps = (int(self.max_iter) * n_samples) // batch_size
        alpha = min(batch_size * 2.0 / (n_samples + 1), 1.0)
        ewa, ewa_min, no_improvement = None, None, 0
        step = 0
        for step in range(n_steps):
            idx = rng.randint(0, n_samples, batch_size)
            old = centers.copy() if tol > 0 else None
            batch_inertia = self._step(X[idx], w[idx], centers, rng,
                                       self._random_reassign(batch_size))
            shift = float(((centers - old) ** 2).sum()) if tol > 0 else 0.0
            # early stopping (scikit-learn's rule); the first step is not judged
            batch_inertia /= batch_size
            if self.verbose:
                print("Minibatch step %d/%d: mean batch inertia: %f"
                      % (step + 1, n_steps, batch_inertia))
            if step == 0:
                continue
            ewa = batch_inertia if ewa is None else ewa * (1 - alpha) + batch_inertia * alpha
            if tol > 0 and shift <= tol:
                break
            if ewa_min is None or ewa < ewa_min:
                no_improvement, ewa_min = 0, ewa
            else:
                no_improvement += 1
            if self.max_no_improvement is not None and \
                    no_improvement >= self.max_no_improvement:
                break
        self.cluster_centers_ = centers
        self.n_steps_ = step + 1 if n_steps else 0
        self.n_iter_ = int(math.ceil(self.n_steps_ * batch_size / n_samples))
        if self.compute_labels:
            labels, inertia = self._labels_inertia(X, w, centers)
            self.labels_ = labels.astype(np.intp)
            self.inertia_ = inertia
        return self

    def partial_fit(self, X, y=None, sample_weight=None):
        """One mini-batch step on X (the first call also seeds the centres on X).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        first = not hasattr(self, "cluster_centers_")
        X = validate_data(self, X, reset=first)
        w = check_sample_weight(sample_weight, X.shape[0])
        if not w.sum() > 0:
            raise ValueError("sample_weight sums to zero: at least one sample needs weight")
        if first:
            k, init_arr, n_init, init_size = self._check_params(X)
            self._rng = check_random_state(self.random_state)
            best, best_inertia = None, np.inf
            for _ in range(n_init):
                centers = self._init_centers(X, w, k, init_arr, self._rng, init_size)
                _, inertia = self._labels_inertia(X, w, centers)
                if inertia < best_inertia or best is None:
                    best, best_inertia = centers, inertia
            self.cluster_centers_ = np.ascontiguousarray(best)
            self._counts = np.zeros(k)
            self._n_since_last_reassign = 0
            self.n_steps_ = 0
        self._step(X, w, self.cluster_centers_, self._rng,
                   self._random_reassign(X.shape[0]))
        self.n_steps_ += 1
        if self.compute_labels:
            labels, inertia = self._labels_inertia(X, w, self.cluster_centers_)
            self.labels_ = labels.astype(np.intp)
            self.inertia_ = inertia
        return self

    def predict(self, X):
        """Index of the nearest centre for each sample.

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self, "cluster_centers_")
        X = validate_data(self, X, reset=False)
        return self._labels_inertia(X, np.ones(X.shape[0]), self.cluster_centers_)[0] \
            .astype(np.intp)

    def fit_predict(self, X, y=None, sample_weight=None):
        """Fit, then the nearest centre of each sample of X."""
        return self.fit(X, sample_weight=sample_weight).predict(X)

    def transform(self, X):
        """Euclidean distance from each sample to each centre.

        Returns
        -------
        ndarray of shape (n_samples, n_clusters)
        """
        return KMeans.transform(self, X)

    def fit_transform(self, X, y=None, sample_weight=None):
        """Fit, then the distances of X to the centres."""
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the inertia of X on the centres.

        Returns
        -------
        float
        """
        check_is_fitted(self, "cluster_centers_")
        X = validate_data(self, X, reset=False)
        w = check_sample_weight(sample_weight, X.shape[0])
        return -self._labels_inertia(X, w, self.cluster_centers_)[1]

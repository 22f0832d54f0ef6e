"""k-means on a row-chunked Dask array: k-means|| seeding, then Lloyd iterations.

Lloyd's iteration [1] is a sum over samples: each task runs our ``_k_means.lloyd_iter``
kernel on its chunk (assignment by one GEMM per block of rows, then the per-centre sums
of w_i x_i and of w_i) and the (k, d) partial sums are added up a reduction tree; the
client divides. From the same initial centres the iterates are the in-memory KMeans'
(up to the order of the floating-point additions), and so are the stopping rules
(sum_j ||c_j^new - c_j^old||^2 <= tol * mean feature variance) and the relocation of an
empty cluster to the sample farthest from its own centre (one extra pass, only when a
cluster empties: each chunk offers its farthest candidates).

k-means|| [2] replaces the k sequential passes of k-means++ by a few rounds of
oversampling, each one pass:

1. C = one sample drawn with probability proportional to its weight;
2. for r rounds: every sample x joins C independently with probability
   min(1, l w_x d^2(x, C) / phi(C)), where phi(C) = sum_x w_x d^2(x, C) and l the
   oversampling factor (default 2k);
3. each point of C is weighted by the total weight of the samples nearest to it;
4. the weighted C (a few times k points) is reclustered in memory into k centres by
   k-means++ and Lloyd (our in-memory KMeans).

Step 2 needs phi(C) before it can sample, which would cost a second pass per round. A
chunk knows a lower bound of phi: its own share c_i <= phi. It draws u_x ~ U(0, 1) for
its rows and returns the candidates with u_x c_i < l w_x d^2(x, C) (about l of them), a
superset of the rows with u_x phi < l w_x d^2(x, C); the client, once phi is summed,
keeps exactly the latter. So each round is one pass and the sample has the law of [2].
Bahmani et al. find r = 5 rounds with l = 2k enough in practice [2, Sec. 5]; that is the
default here (``init_max_iter``).

References
----------
[1] S. Lloyd, "Least squares quantization in PCM", IEEE Trans. Inf. Theory 28(2), 1982.
[2] B. Bahmani, B. Moseley, A. Vattani, R. Kumar & S. Vassilvitskii, "Scalable
    k-means++", Proc. VLDB Endowment 5(7), 2012 (Algorithm 2, k-means||).
[3] D. Arthur & S. Vassilvitskii, "k-means++: the advantages of careful seeding",
    SODA 2007 (the reclustering of step 4).
"""
import numbers
import warnings

import numpy as np

from ..exceptions import ConvergenceWarning, _warn_convergence
from ..learning import _k_means
from ..learning import k_means as _km
from ..learning.validation import check_random_state
from ._base import DaskEstimatorMixin, _chunk_moments, combine_moments
from ._checks import (as_row_chunked, check_block, chunks_of, compute, rows_like, task,
                      tree_reduce)

__all__ = ["KMeans"]


# ---- per-chunk tasks ----------------------------------------------------------------------
def _weights(w_block, n, chunk):
    # X and the weights were checked (finite, non-negative) by the fit's first pass,
    # the moments pass (``_base._chunk_moments``): the later passes do not scan again
    if w_block is None:
        return np.ones(n)
    return check_block(w_block, chunk, "sample_weight", finite=False)


def _assign(X, centers):
    """Nearest-centre labels (int32) through the Lloyd kernel, without the sums."""
    k, d = centers.shape
    labels = np.full(X.shape[0], -1, dtype=np.int32)
    _k_means.lloyd_iter(X, np.ones(X.shape[0]), centers, np.empty((k, d)), np.empty(k),
                        labels, False)
    return labels


def _chunk_pick(block, chunk, w_block, seed):
    """One row of the chunk drawn with probability w_i / sum(w) (k-means|| step 1)."""
    X = check_block(block, chunk, "X", finite=False)
    w = _weights(w_block, X.shape[0], chunk)
    rng = np.random.default_rng(seed)
    return X[rng.choice(X.shape[0], p=w / w.sum())].copy()


def _chunk_oversample(block, chunk, w_block, C, ell, seed):
    """k-means|| step 2 on one chunk: (its cost c_i, candidate rows, their u, their
    w d^2), the candidates being the rows with u c_i < l w d^2(x, C)."""
    X = check_block(block, chunk, "X", finite=False)
    w = _weights(w_block, X.shape[0], chunk)
    labels = _assign(X, C)
    wd2 = w * _k_means.min_sq_dist_to_own(X, C, labels)
    cost = float(wd2.sum())
    u = np.random.default_rng(seed).random(X.shape[0])
    keep = np.flatnonzero(u * cost < ell * wd2) if cost > 0 else np.zeros(0, dtype=np.intp)
    return cost, X[keep], u[keep], wd2[keep]


def _chunk_d2_draw(block, chunk, w_block, C, seed):
    """(the chunk's potential sum w d^2(x, C), one row drawn with probability
    proportional to w d^2(x, C)) - k-means++'s D^2 sampling, one chunk's share."""
    X = check_block(block, chunk, "X", finite=False)
    w = _weights(w_block, X.shape[0], chunk)
    wd2 = w * _k_means.min_sq_dist_to_own(X, C, _assign(X, C))
    cost = float(wd2.sum())
    if not cost > 0:
        return 0.0, X[0].copy()
    i = np.random.default_rng(seed).choice(X.shape[0], p=wd2 / cost)
    return cost, X[i].copy()


def _merge_oversample(parts):
    return (sum(p[0] for p in parts), np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]), np.concatenate([p[3] for p in parts]))


def _chunk_lloyd(block, chunk, w_block, centers):
    """One chunk's Lloyd partial sums: (sum of w_i x_i per centre, sum of w_i per centre)."""
    X = check_block(block, chunk, "X", finite=False)
    w = _weights(w_block, X.shape[0], chunk)
    k, d = centers.shape
    sums, wsum = np.empty((k, d)), np.empty(k)
    labels = np.full(X.shape[0], -1, dtype=np.int32)
    _k_means.lloyd_iter(X, w, centers, sums, wsum, labels, True)
    return sums, wsum


def _sum_pairs(parts):
    return (sum(p[0] for p in parts), sum(p[1] for p in parts))


def _chunk_farthest(block, chunk, w_block, centers, m):
    """The m samples of the chunk farthest from their own centre: (distances, rows,
    weights, labels), farthest first."""
    X = check_block(block, chunk, "X", finite=False)
    w = _weights(w_block, X.shape[0], chunk)
    labels = _assign(X, centers)
    far = _k_means.min_sq_dist_to_own(X, centers, labels)
    if m < X.shape[0]:
        # the m largest in O(n), then sorted: the same rows as a full stable sort
        # except among ties at the m-th distance
        top = np.argpartition(-far, m - 1)[:m]
        top = top[np.lexsort((top, -far[top]))]
    else:
        top = np.argsort(-far, kind="stable")
    return far[top], X[top], w[top], labels[top]


def _merge_farthest(parts):
    far = np.concatenate([p[0] for p in parts])
    order = np.argsort(-far, kind="stable")
    return tuple(np.concatenate([p[i] for p in parts])[order] for i in range(4))


def _chunk_final(block, chunk, w_block, centers, finite=False):
    """(inertia of the chunk on the final centres, number of samples per centre);
    ``finite``: check the chunk first (when no earlier pass did, as in ``score``)."""
    X = check_block(block, chunk, "X", finite=finite)
    if w_block is not None and finite:
        w = check_block(w_block, chunk, "sample_weight")
        if (w < 0).any():
            raise ValueError("Negative values in sample_weight (%r)" % (chunk,))
    else:
        w = _weights(w_block, X.shape[0], chunk)
    labels = _assign(X, centers)
    return (_k_means.inertia(X, w, centers, labels),
            np.bincount(labels, minlength=centers.shape[0]).astype(np.float64))


class KMeans(DaskEstimatorMixin, _km.KMeans):
    """k-means on a row-chunked Dask array: k-means|| seeding [2], Lloyd iterations [1]
    reduced over chunks.

    Parameters
    ----------
    n_clusters : int, default 8
    init : {"k-means||", "k-means++", "random"} or array-like of shape (n_clusters, \
n_features), default "k-means||"
        "k-means||": scalable seeding [2]; "k-means++": k sequential D^2 draws (k passes,
        for comparison); "random": n_clusters samples drawn by weight; an array gives the
        initial centres (then the result is the in-memory KMeans' from the same centres).
    oversampling_factor : float, default 2
        l = oversampling_factor * n_clusters points expected per k-means|| round.
    init_max_iter : int or None, default None
        Rounds of k-means|| (None: 5, Bahmani et al.'s choice).
    max_iter : int, default 300
    tol : float, default 1e-4
        Convergence when sum_j ||c_j^new - c_j^old||^2 <= tol * mean feature variance.
    random_state : int, RandomState or None
    split_every : int, default 8
        Fan-in of the reduction trees.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    labels_ : dask.array.Array of shape (n_samples,)
        Lazy: the nearest centre of each sample, computed when asked for.
    inertia_ : float
    n_iter_ : int
        Lloyd iterations.
    n_passes_ : int
        Passes over the data (seeding included).
    n_features_in_ : int
    """
    _local_class = _km.KMeans

    def __init__(self, n_clusters=8, *, init="k-means||", oversampling_factor=2,
                 init_max_iter=None, max_iter=300, tol=1e-4, random_state=None,
                 split_every=8):
        self.n_clusters = n_clusters
        self.init = init
        self.oversampling_factor = oversampling_factor
        self.init_max_iter = init_max_iter
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.split_every = split_every

    def to_local(self):
        """The fitted in-memory KMeans (its ``init`` is "k-means++" where this one's is
        "k-means||"; the lazy ``labels_`` is left out)."""
        local = super().to_local()
        if isinstance(self.init, str) and self.init == "k-means||":
            local.init = "k-means++"
        return local

    # ---- checks -------------------------------------------------------------------------
    def _check_dask_params(self, n_features):
        k = self.n_clusters
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
            raise ValueError("n_clusters must be a positive integer, got %r" % (k,))
        for name in ("max_iter",):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
                raise ValueError("%s must be a positive integer, got %r" % (name, v))
        r = self.init_max_iter
        if r is not None and (isinstance(r, bool) or not isinstance(r, numbers.Integral)
                              or r < 1):
            raise ValueError("init_max_iter must be None or a positive integer, got %r"
                             % (r,))
        of = self.oversampling_factor
        if isinstance(of, bool) or not isinstance(of, numbers.Real) or not of > 0:
            raise ValueError("oversampling_factor must be a positive number, got %r" % (of,))
        if isinstance(self.tol, bool) or not isinstance(self.tol, numbers.Real) \
                or not self.tol >= 0:
            raise ValueError("tol must be a non-negative number, got %r" % (self.tol,))
        init = self.init
        if isinstance(init, str):
            if init not in ("k-means||", "k-means++", "random"):
                raise ValueError("init must be 'k-means||', 'k-means++', 'random' or an "
                                 "array of shape (n_clusters, n_features), got %r" % (init,))
            return None
        arr = np.array(init, dtype=np.float64)
        if arr.shape != (k, n_features):
            raise ValueError("init array has shape %s; expected (n_clusters, n_features) "
                             "= (%d, %d)" % (arr.shape, k, n_features))
        if not np.isfinite(arr).all():
            raise ValueError("init array contains NaN or infinity")
        return np.ascontiguousarray(arr)

    # ---- passes -------------------------------------------------------------------------
    def _pass(self, fn, parts, combine, *args):
        leaf = task(fn)
        (out,) = compute(tree_reduce([leaf(xb, ch, wb, *args) for ch, xb, wb in parts],
                                     combine, self.split_every))
        self.n_passes_ += 1
        return out

    def _pick_one(self, parts, chunk_weights, rng):
        """A sample drawn with probability proportional to its weight: a chunk by its
        total weight, then a row inside it (one task)."""
        j = int(rng.choice(len(parts), p=chunk_weights / chunk_weights.sum()))
        ch, xb, wb = parts[j]
        (row,) = compute(task(_chunk_pick)(xb, ch, wb, int(rng.randint(2 ** 31))))
        return row[None, :]

    def _init_kmeans_parallel(self, parts, chunk_weights, rng):
        """k-means|| [2, Alg. 2] (see the module docstring)."""
        k = self.n_clusters
        ell = float(self.oversampling_factor) * k
        rounds = 5 if self.init_max_iter is None else int(self.init_max_iter)
        C = self._pick_one(parts, chunk_weights, rng)
        r = 0
        while r < rounds or (len(C) < k and r < rounds + 10):
            seed = int(rng.randint(2 ** 31))
            leaf = task(_chunk_oversample)
            (phi, cand, u, wd2), = compute(tree_reduce(
                [leaf(xb, ch, wb, C, ell, [seed, ch.index]) for ch, xb, wb in parts],
                _merge_oversample, self.split_every))
            self.n_passes_ += 1
            r += 1
            if not phi > 0:
                break                    # every sample sits on a point of C
            # the exact rule of [2]: x joins with probability min(1, l w d^2 / phi)
            chosen = cand[u * phi < ell * wd2]
            if len(chosen):
                C = np.concatenate([C, chosen])
        C = np.ascontiguousarray(np.unique(C, axis=0))
        if len(C) < k:
            raise ValueError("n_clusters=%d is larger than the number of distinct points "
                             "(at most %d found by k-means||) in X" % (k, len(C)))
        # step 3: weight of each point of C = weight of the samples nearest to it
        _, wC = self._pass(_chunk_lloyd, parts, _sum_pairs, C)
        if len(C) == k:
            return C
        # step 4: recluster the weighted C in memory (k-means++ [3], then Lloyd)
        local = _km.KMeans(n_clusters=k, init="k-means++", n_init=1,
                           random_state=int(rng.randint(2 ** 31)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            local.fit(C, sample_weight=np.where(wC > 0, wC, 0.0))
        return np.ascontiguousarray(local.cluster_centers_)

    def _init_plusplus(self, parts, chunk_weights, rng):
        """k-means++ [3] with one pass per centre (D^2 sampling by chunk, then by row)."""
        k = self.n_clusters
        C = self._pick_one(parts, chunk_weights, rng)
        while len(C) < k:
            seed = int(rng.randint(2 ** 31))
            leaf = task(_chunk_d2_draw)
            # each chunk: its potential and one row drawn by D^2 inside it; the client
            # picks a chunk by potential, so the row is a D^2 draw over all samples
            drawn = compute(*[leaf(xb, ch, wb, C, [seed, ch.index]) for ch, xb, wb in parts])
            self.n_passes_ += 1
            costs = np.array([p[0] for p in drawn])
            if not costs.sum() > 0:
                raise ValueError("n_clusters=%d is larger than the number of distinct "
                                 "points (%d) in X" % (k, len(C)))
            j = int(rng.choice(len(parts), p=costs / costs.sum()))
            C = np.concatenate([C, drawn[j][1][None, :]])
        return C

    def _relocate(self, parts, centers, sums, wsum):
        """The in-memory rule: each empty cluster takes the sample farthest from its own
        centre (its weighted coordinates move from its cluster's sums)."""
        empty = np.flatnonzero(wsum == 0)
        far, rows, ws, labs = self._pass(_chunk_farthest, parts, _merge_farthest, centers,
                                         len(empty))
        for j, x, wi, old in zip(empty, rows, ws, labs):
            sums[old] -= wi * x
            wsum[old] -= wi
            sums[j] = wi * x
            wsum[j] = wi
            if wi == 0:
                centers[j] = x

    # ---- public API ---------------------------------------------------------------------
    def fit(self, X, y=None, sample_weight=None):
        """Compute the clustering (numpy input is treated as one chunk).

        Parameters
        ----------
        X : dask.array.Array or array-like of shape (n_samples, n_features)
        y : ignored
        sample_weight : dask.array.Array or array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        X = as_row_chunked(X, estimator=self)
        sw = rows_like(sample_weight, X, "sample_weight", numeric=True)
        n_samples, n_features = X.shape
        init_arr = self._check_dask_params(n_features)
        if n_samples < self.n_clusters:
            raise ValueError("n_samples=%d should be >= n_clusters=%d."
                             % (n_samples, self.n_clusters))
        rng = check_random_state(self.random_state)
        self.n_passes_ = 0
        parts = [(ch, xb, wb) for ch, xb, wb in chunks_of(X, sw)]
        # pass 1: moments (tol is relative to the mean feature variance); every chunk
        # is checked for NaN here
        leaf = task(_chunk_moments)
        leaves = [leaf(xb, ch, None, wb) for ch, xb, wb in parts]
        (total, _, M2), chunk_moments = compute(tree_reduce(leaves, combine_moments,
                                                            self.split_every), leaves)
        self.n_passes_ += 1
        if not total > 0:
            raise ValueError("sample_weight sums to zero: at least one sample needs weight")
        chunk_weights = np.array([m[0] for m in chunk_moments])
        tol = float(self.tol) * float(np.mean(M2 / total)) if self.tol > 0 else 0.0
        if init_arr is not None:
            centers = init_arr.copy()
        elif self.init == "k-means||":
            centers = self._init_kmeans_parallel(parts, chunk_weights, rng)
        elif self.init == "k-means++":
            centers = self._init_plusplus(parts, chunk_weights, rng)
        else:
            centers = np.concatenate([self._pick_one(parts, chunk_weights, rng)
                                      for _ in range(self.n_clusters)])
        centers = np.ascontiguousarray(centers, dtype=np.float64)
        n_iter = 0
        for n_iter in range(1, self.max_iter + 1):
            sums, wsum = self._pass(_chunk_lloyd, parts, _sum_pairs, centers)
            sums, wsum = np.array(sums), np.array(wsum)
            if (wsum == 0).any():
                self._relocate(parts, centers, sums, wsum)
            nonempty = wsum > 0
            new_centers = centers.copy()
            new_centers[nonempty] = sums[nonempty] / wsum[nonempty, None]
            shift = float(((new_centers - centers) ** 2).sum())
            centers = new_centers
            if shift <= tol:
                break
        else:
            _warn_convergence("KMeans did not converge in max_iter=%d iterations; increase "
                              "max_iter or tol" % self.max_iter, stacklevel=2)
        inertia, counts = self._pass(_chunk_final, parts, _sum_pairs, centers)
        n_distinct = int((counts > 0).sum())
        if n_distinct < self.n_clusters:
            _warn_convergence("Number of distinct clusters (%d) found smaller than "
                              "n_clusters (%d)." % (n_distinct, self.n_clusters),
                              stacklevel=2)
        self.cluster_centers_ = centers
        self.inertia_ = float(inertia)
        self.n_iter_ = int(n_iter)
        self.n_features_in_ = n_features
        self.labels_ = self._mapped("predict", X)
        return self

    def fit_predict(self, X, y=None, sample_weight=None):
        """Fit, then return ``labels_`` (lazy)."""
        return self.fit(X, sample_weight=sample_weight).labels_

    def predict(self, X):
        """Nearest centre of each sample (lazy for Dask input)."""
        if self._any_dask(X):
            return self._mapped("predict", X)
        return super().predict(X)

    def transform(self, X):
        """Distances to the centres (lazy for Dask input)."""
        if self._any_dask(X):
            return self._mapped("transform", X)
        return super().transform(X)

    def fit_transform(self, X, y=None, sample_weight=None):
        """Fit, then return the distances of X to the centres."""
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the inertia of X on the fitted centres (one pass for Dask input)."""
        if self._any_dask(X, sample_weight):
            self._check_fitted_centres()
            X = as_row_chunked(X, estimator=self)
            if X.shape[1] != self.n_features_in_:
                raise ValueError("X has %d features, but KMeans is expecting %d features "
                                 "as input." % (X.shape[1], self.n_features_in_))
            sw = rows_like(sample_weight, X, "sample_weight", numeric=True)
            leaf = task(_chunk_final)
            parts = [leaf(xb, ch, wb, self.cluster_centers_, True)
                     for ch, xb, wb in chunks_of(X, sw)]
            (out,) = compute(tree_reduce(parts, _sum_pairs, self.split_every))
            return -float(out[0])
        return super().score(X, sample_weight=sample_weight)

    def _check_fitted_centres(self):
        from ..learning.validation import check_is_fitted
        check_is_fitted(self, "cluster_centers_")

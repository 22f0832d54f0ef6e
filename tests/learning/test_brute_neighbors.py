"""The GEMM brute-force neighbour search (_brute.pyx) and the estimators on it."""
import numpy as np
import pytest

import rusty_machine as rm
from rusty_machine.learning import DBSCAN, KNeighborsClassifier, KNeighborsRegressor, _brute
from rusty_machine.learning import neighbors as rm_neighbors

from sklearn import cluster as sk_cluster
from sklearn import neighbors as sk_neighbors

EPS = np.finfo(np.float64).eps


def _exact(X, Q, k):
    """Reference: all squared distances by differences, sorted by (distance, index)."""
    D = np.vstack([((Q[s:s + 16, None, :] - X[None, :, :]) ** 2).sum(-1)
                   for s in range(0, len(Q), 16)])
    order = np.lexsort((np.broadcast_to(np.arange(len(X)), D.shape), D), axis=1)[:, :k]
    return np.sqrt(np.take_along_axis(D, order, 1)), order


def test_by_hand():
    X = np.array([[0.0, 0.0], [3.0, 4.0], [1.0, 0.0], [0.0, 2.0]])
    dist, ind = _brute.knn(X, [[0.0, 0.0], [3.0, 3.0]], 2)
    np.testing.assert_array_equal(ind, [[0, 2], [1, 3]])
    # |(3, 3) - (0, 2)| = sqrt(10); distances are exact (recomputed from differences)
    np.testing.assert_array_equal(dist, [[0.0, 1.0], [1.0, np.sqrt(10.0)]])
    offsets, indices, wcounts = _brute.radius(X, [[0.0, 0.0]], 2.0)
    # radius 2 is inclusive: (0, 2) is at exactly 2
    np.testing.assert_array_equal(indices, [0, 2, 3])
    np.testing.assert_array_equal(offsets, [0, 3])


@pytest.mark.parametrize("d", [1, 3, 8, 33, 130])
@pytest.mark.parametrize("k", [1, 5, 50])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_knn_matches_exact_search(d, k, n_threads):
    rng = np.random.default_rng(d * 100 + k)
    X = rng.standard_normal((700, d)) + 10.0          # far from 0: cancellation matters
    Q = rng.standard_normal((300, d)) + 10.0
    with rm.num_threads(n_threads):
        dist, ind = _brute.knn(X, Q, k)
    ref_d, ref_i = _exact(X, Q, k)
    np.testing.assert_allclose(dist, ref_d, rtol=1e-12, atol=1e-12)
    # continuous random data: no ties, the same neighbours in the same order
    np.testing.assert_array_equal(ind, ref_i)


@pytest.mark.parametrize("qb,pb,tile_pb,tile_max", [(1, 1, 1, 128), (3, 7, 2, 128),
                                                    (256, 128, 128, 128), (5, 9, 1, 0),
                                                    (256, 128, 128, 0)])
def test_block_sizes_do_not_change_the_answer(qb, pb, tile_pb, tile_max):
    # tile_max = 0: the GEMM + scan path instead of the fused tile
    rng = np.random.default_rng(1)
    X, Q = rng.random((157, 4)), rng.random((61, 4))
    old = _brute._set_block_sizes(qb=qb, pb=pb, tile_pb=tile_pb, tile_max=tile_max)
    try:
        dist, ind = _brute.knn(X, Q, 6)
        offsets, indices, _ = _brute.radius(X, Q, 0.3)
    finally:
        _brute._set_block_sizes(**old)
    ref_d, ref_i = _exact(X, Q, 6)
    np.testing.assert_array_equal(ind, ref_i)
    np.testing.assert_allclose(dist, ref_d, rtol=1e-13)
    D = np.sqrt(((Q[:, None] - X[None]) ** 2).sum(-1))
    for q in range(len(Q)):
        np.testing.assert_array_equal(indices[offsets[q]:offsets[q + 1]],
                                      np.flatnonzero(D[q] <= 0.3))


def test_duplicates_and_ties_are_decided_exactly():
    # every point three times, far from the origin: GEMM distances of duplicates are
    # rounding noise of size eps * ||x||^2, the exact fallback must give 0 and sort ties
    # by index
    rng = np.random.default_rng(2)
    base = rng.standard_normal((50, 3)) * 1e-3 + 1e4
    X = np.repeat(base, 3, axis=0)
    dist, ind = _brute.knn(X, base, 3)
    np.testing.assert_array_equal(dist, 0.0)
    np.testing.assert_array_equal(ind, 3 * np.arange(50)[:, None] + np.arange(3))
    # a grid: many exactly tied distances
    g = np.array([[i, j] for i in range(6) for j in range(6)], dtype=float)
    d_g, i_g = _brute.knn(g, [[2.5, 2.5]], 4)
    np.testing.assert_allclose(d_g, np.sqrt(0.5))
    np.testing.assert_array_equal(i_g, [[14, 15, 20, 21]])


def test_k_equal_n_and_float32_queries():
    rng = np.random.default_rng(3)
    X = rng.random((40, 5))
    Q = rng.random((9, 5)).astype(np.float32)
    dist, ind = _brute.knn(X, Q, 40)
    ref_d, ref_i = _exact(X, Q.astype(np.float64), 40)
    np.testing.assert_allclose(dist, ref_d, rtol=1e-13)
    np.testing.assert_array_equal(np.sort(ind, 1), np.tile(np.arange(40), (9, 1)))
    assert dist.dtype == np.float64


@pytest.mark.parametrize("n_threads", [1, 2])
def test_radius_edges_and_weights(n_threads):
    # points at exactly distance r = 1 on the axes, and just inside / outside
    X = np.array([[1.0, 0.0], [0.0, -1.0], [1.0 - 1e-15, 0.0], [0.0, 1.0 + 1e-15],
                  [0.6, 0.8], [3.0, 3.0]]) + 1e3
    Q = np.array([[0.0, 0.0]]) + 1e3
    w = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    with rm.num_threads(n_threads):
        offsets, indices, wcounts = _brute.radius(X, Q, 1.0, sample_weight=w)
        wc, c = _brute.radius(X, Q, 1.0, sample_weight=w, count_only=True)
    D = np.sqrt(((X - Q) ** 2).sum(1))
    inside = np.flatnonzero(D <= 1.0)
    np.testing.assert_array_equal(indices, inside)
    assert wcounts[0] == w[inside].sum() == wc[0]
    assert c[0] == len(inside)


def test_bad_input():
    X = np.zeros((5, 2))
    with pytest.raises(ValueError):
        _brute.knn(X, np.zeros((3, 3)), 1)
    with pytest.raises(ValueError):
        _brute.knn(X, np.zeros((3, 2)), 6)
    with pytest.raises(ValueError):
        _brute.knn(X, np.zeros((3, 2)), 0)
    with pytest.raises(ValueError):
        _brute.knn(X, np.full((1, 2), np.nan), 1)
    with pytest.raises(ValueError):
        _brute.knn(np.full((5, 2), np.inf), np.zeros((1, 2)), 1)
    with pytest.raises(ValueError):
        _brute.radius(X, np.zeros((1, 2)), -1.0)
    with pytest.raises(ValueError):
        _brute.radius(X, np.zeros((1, 2)), 1.0, sample_weight=np.ones(4))
    with pytest.raises(ValueError):
        _brute.make_index(np.zeros(3))
    with pytest.raises(ValueError):
        _brute._set_block_sizes(qb=0)
    with pytest.raises(ValueError):
        _brute._set_block_sizes(tile_pb=0)


@pytest.mark.parametrize("d", [2, 9, 40])
@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_estimators_on_brute_match_sklearn(d, weights):
    rng = np.random.default_rng(d)
    X, Q = rng.standard_normal((1200, d)), rng.standard_normal((300, d))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)
    for algorithm in ("brute", "auto"):
        ours = KNeighborsClassifier(7, weights=weights, algorithm=algorithm).fit(X, y)
        ref = sk_neighbors.KNeighborsClassifier(7, weights=weights,
                                                algorithm="brute").fit(X, y)
        np.testing.assert_allclose(ours.predict_proba(Q), ref.predict_proba(Q),
                                   atol=1e-12)
        reg = KNeighborsRegressor(7, weights=weights, algorithm=algorithm).fit(X, X[:, :2])
        ref_r = sk_neighbors.KNeighborsRegressor(7, weights=weights).fit(X, X[:, :2])
        np.testing.assert_allclose(reg.predict(Q), ref_r.predict(Q), rtol=1e-12,
                                   atol=1e-13)


def test_auto_uses_the_measured_crossover():
    rng = np.random.default_rng(4)
    low = KNeighborsClassifier(5).fit(rng.random((500, 2)), np.arange(500) % 2)
    high = KNeighborsClassifier(5).fit(rng.random((500, 64)), np.arange(500) % 2)
    assert low._fit_method == "kd_tree" and high._fit_method == "brute"
    assert rm_neighbors._tree_is_faster(2, 50000, 5)
    assert not rm_neighbors._tree_is_faster(128, 50000, 50)
    # other metrics keep the tree up to 16 features
    man = KNeighborsClassifier(5, metric="manhattan").fit(rng.random((500, 12)),
                                                          np.arange(500) % 2)
    assert man._fit_method == "kd_tree"


@pytest.mark.parametrize("d", [3, 12])
def test_dbscan_brute_matches_sklearn(d):
    rng = np.random.default_rng(d)
    centres = rng.standard_normal((4, d)) * 6
    X = np.vstack([c + rng.standard_normal((150, d)) for c in centres])
    X = np.vstack([X, X[:20]])                       # duplicates
    eps = 1.1 * np.sqrt(d)
    w = rng.integers(1, 3, len(X)).astype(float)
    for algorithm in ("brute", "auto"):
        ours = DBSCAN(eps=eps, min_samples=8, algorithm=algorithm).fit(X, sample_weight=w)
        ref = sk_cluster.DBSCAN(eps=eps, min_samples=8).fit(X, sample_weight=w)
        np.testing.assert_array_equal(ours.core_sample_indices_, ref.core_sample_indices_)
        # same partition of the core points (cluster numbers may differ)
        core = ours.core_sample_indices_
        pairs = np.unique(np.c_[ours.labels_[core], ref.labels_[core]], axis=0)
        assert len(pairs) == len(np.unique(ours.labels_[core]))
        np.testing.assert_array_equal(ours.labels_ == -1, ref.labels_ == -1)
        # predict on the training core points gives their labels
        np.testing.assert_array_equal(ours.predict(X[core]), ours.labels_[core])


# ---- the tile's float32 filter (rm_knn_tile4f): candidates, and answers, bit for bit
# those of the float64 tile ------------------------------------------------------------

def _knn_both(X, Q, k, **sizes):
    """knn with the float32 filter off, then on (same block sizes)."""
    out = []
    for filter32 in (False, True):
        old = _brute._set_block_sizes(filter32=filter32, **sizes)
        try:
            index = _brute.make_index(X)
            assert (index[4] is not None) == (filter32 and X.shape[1] <= 128
                                              and np.abs(index[0]).max() <= 1e15)
            out.append(_brute.knn(X, Q, k, index=index))
        finally:
            _brute._set_block_sizes(**old)
    return out


@pytest.mark.parametrize("d", [1, 3, 8, 17, 32, 128])
@pytest.mark.parametrize("k", [1, 5, 50])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_filter32_gives_the_float64_answers(d, k, n_threads):
    rng = np.random.default_rng(7 * d + k)
    # n not a multiple of 16, queries not of 4; a grid part for exact ties
    X = np.vstack([rng.standard_normal((1203, d)), rng.integers(0, 3, (200, d))]) + 5.0
    Q = np.vstack([rng.standard_normal((201, d)), rng.integers(0, 3, (50, d))]) + 5.0
    with rm.num_threads(n_threads):
        (d64, i64), (d32, i32) = _knn_both(X, Q, k)
    np.testing.assert_array_equal(i32, i64)
    np.testing.assert_array_equal(d32, d64)
    # the continuous queries have no ties: the exact search's neighbours, in order (the
    # grid queries' equidistant points are ordered by the reduced distances, as before)
    ref_d, ref_i = _exact(X, Q[:201], k)
    np.testing.assert_allclose(d32[:201], ref_d, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(i32[:201], ref_i)


@pytest.mark.parametrize("tile_pb", [1, 3, 128])
def test_filter32_odd_tile_blocks(tile_pb):
    rng = np.random.default_rng(3)
    X, Q = rng.random((333, 8)), rng.random((37, 8))
    (d64, i64), (d32, i32) = _knn_both(X, Q, 7, tile_pb=tile_pb)
    np.testing.assert_array_equal(i32, i64)
    np.testing.assert_array_equal(d32, d64)


@pytest.mark.parametrize("scale", [1e-30, 1e-12, 1e12, 1e20, 1e150])
def test_filter32_extreme_scales(scale):
    # tiny data (float32 underflow: the margin's absolute floor), huge data (above
    # FILTER32_MAX_ABS the filter is off): the answers are still scikit-learn's
    rng = np.random.default_rng(5)
    X, Q = rng.standard_normal((500, 8)) * scale, rng.standard_normal((60, 8)) * scale
    (d64, i64), (d32, i32) = _knn_both(X, Q, 5)
    np.testing.assert_array_equal(i32, i64)
    ref = sk_neighbors.NearestNeighbors(n_neighbors=5, algorithm="brute").fit(X)
    ref_d, ref_i = ref.kneighbors(Q)
    np.testing.assert_array_equal(i32, ref_i)
    np.testing.assert_allclose(d32, ref_d, rtol=1e-12)


def test_filter32_query_far_outside():
    # queries far from the points (large ||q||^2: a large margin) and one beyond the
    # filter's range (1e16: the float64 tile for that call)
    rng = np.random.default_rng(6)
    X = rng.standard_normal((400, 8))
    for far in (1e6, 1e16):
        Q = np.vstack([rng.standard_normal((5, 8)), far + rng.standard_normal((3, 8))])
        (d64, i64), (d32, i32) = _knn_both(X, Q, 4)
        np.testing.assert_array_equal(i32, i64)
        np.testing.assert_array_equal(d32, d64)


@pytest.mark.parametrize("filter32", [False, True])
@pytest.mark.parametrize("tile_pb,n", [(1, 3000), (128, 70000)])
def test_many_tile_calls(filter32, tile_pb, n):
    # more than 62 calls of the tile per query block: the doubling of the first calls'
    # sizes once overflowed there (wrong neighbours from about 65000 points at the
    # default block sizes)
    rng = np.random.default_rng(9)
    X, Q = rng.standard_normal((n, 3)), rng.standard_normal((21, 3))
    old = _brute._set_block_sizes(tile_pb=tile_pb, filter32=filter32)
    try:
        dist, ind = _brute.knn(X, Q, 5)
    finally:
        _brute._set_block_sizes(**old)
    ref_d, ref_i = _exact(X, Q, 5)
    np.testing.assert_array_equal(ind, ref_i)
    np.testing.assert_allclose(dist, ref_d, rtol=1e-12)

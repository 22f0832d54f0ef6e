"""DBSCAN and the KD-tree: hand-worked case, scikit-learn comparison, invariants, bad input."""
import pickle

import numpy as np
import pytest
from hypothesis import given, strategies as st

from rusty_machine.exceptions import NotFittedError
from rusty_machine.learning import DBSCAN
from rusty_machine.learning import _kdtree

from sklearn import cluster as sk_cluster
from sklearn import neighbors as sk_neighbors


def three_groups(seed=0):
    rng = np.random.RandomState(seed)
    return np.vstack([0.3 * rng.randn(150, 2), 0.3 * rng.randn(150, 2) + 3,
                      8 * rng.rand(60, 2) - 2])


def test_by_hand_border_point_gets_cluster_label():
    # points 0, 1, 2, 3 (spacing 1) and 10; eps = 1, min_samples = 3 (self included):
    # 1 has {0, 1, 2} and 2 has {1, 2, 3} within eps -> core; 0 and 3 have only two
    # points each but lie within eps of a core point -> border; 10 is alone -> noise
    X = np.array([[0.0], [1.0], [2.0], [3.0], [10.0]])
    db = DBSCAN(eps=1.0, min_samples=3).fit(X)
    # cores: 1 (0,1,2) and 2 (1,2,3); borders: 0 and 3; noise: 10
    np.testing.assert_array_equal(db.core_sample_indices_, [1, 2])
    np.testing.assert_array_equal(db.labels_, [0, 0, 0, 0, -1])
    np.testing.assert_array_equal(db.components_, [[1.0], [2.0]])
    # predictive mode: nearest core point within eps, else noise
    np.testing.assert_array_equal(db.predict([[1.4], [2.9], [3.5], [-5.0]]), [0, 0, -1, -1])


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "chebyshev", "minkowski"])
@pytest.mark.parametrize("algorithm", ["kd_tree", "brute"])
def test_matches_sklearn(metric, algorithm):
    X = three_groups()
    kw = dict(eps=0.35, min_samples=6, metric=metric)
    ours = DBSCAN(algorithm=algorithm, p=3, **kw).fit(X)
    ref = sk_cluster.DBSCAN(p=3 if metric == "minkowski" else None, **kw).fit(X)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    np.testing.assert_array_equal(ours.core_sample_indices_, ref.core_sample_indices_)


def test_sample_weight_matches_sklearn():
    X = three_groups(1)
    w = np.random.RandomState(0).randint(0, 4, len(X)).astype(float)
    ours = DBSCAN(eps=0.3, min_samples=8).fit(X, sample_weight=w)
    ref = sk_cluster.DBSCAN(eps=0.3, min_samples=8).fit(X, sample_weight=w)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)


def test_labels_invariant_to_row_order_up_to_renaming():
    X = three_groups(2)
    base = DBSCAN(eps=0.4, min_samples=5).fit(X)
    perm = np.random.RandomState(1).permutation(len(X))
    other = DBSCAN(eps=0.4, min_samples=5).fit(X[perm])
    a, b = base.labels_[perm], other.labels_
    np.testing.assert_array_equal(a == -1, b == -1)
    core = np.zeros(len(X), bool)
    core[base.core_sample_indices_] = True
    core = core[perm]
    # on core points the two labelings are the same partition (border points may
    # legitimately go to either of two clusters that reach them)
    pairs = set(zip(a[core], b[core]))
    assert len(pairs) == len(set(a[core])) == len(set(b[core]))


@pytest.mark.parametrize("algorithm", ["kd_tree", "brute"])
def test_low_memory_expansion_gives_the_same_labels(algorithm, monkeypatch):
    from rusty_machine.learning import dbscan as dbscan_module
    X = three_groups(5)
    w = np.random.RandomState(0).rand(len(X)) * 2
    stored = DBSCAN(eps=0.4, min_samples=4, algorithm=algorithm).fit(X, sample_weight=w)
    monkeypatch.setattr(dbscan_module, "_CSR_MAX_NEIGHBOURS", 0)
    streamed = DBSCAN(eps=0.4, min_samples=4, algorithm=algorithm).fit(X, sample_weight=w)
    np.testing.assert_array_equal(stored.labels_, streamed.labels_)
    assert len(set(stored.labels_)) > 2


def test_one_long_cluster_needs_no_recursion():
    X = np.arange(200000, dtype=float)[:, None]
    db = DBSCAN(eps=1.0, min_samples=2).fit(X)
    assert (db.labels_ == 0).all()


def test_kdtree_queries_match_sklearn_and_pickle():
    rng = np.random.RandomState(3)
    X, Q = rng.rand(3000, 3), rng.rand(300, 3)
    tree = _kdtree.KDTree(X, leaf_size=16)
    dist, ind = tree.query(Q, 5)
    ref_d, ref_i = sk_neighbors.KDTree(X).query(Q, 5)
    np.testing.assert_allclose(dist, ref_d, rtol=1e-14)
    np.testing.assert_array_equal(ind, ref_i)
    off, idx = pickle.loads(pickle.dumps(tree)).query_radius(Q, 0.1)
    counts = sk_neighbors.KDTree(X).query_radius(Q, 0.1, count_only=True)
    np.testing.assert_array_equal(np.diff(off), counts)
    bd, bi = _kdtree.brute_knn(X, Q, 5)
    np.testing.assert_array_equal(bi, ref_i)


def test_bad_input_and_edge_cases():
    X = three_groups(4)
    for eps in (0.0, -1.0, np.inf):
        with pytest.raises(ValueError, match="eps"):
            DBSCAN(eps=eps).fit(X)
    with pytest.raises(ValueError, match="min_samples"):
        DBSCAN(min_samples=0).fit(X)
    with pytest.raises(ValueError, match="metric"):
        DBSCAN(metric="cosine").fit(X)
    with pytest.raises(ValueError, match="algorithm"):
        DBSCAN(algorithm="ball_tree").fit(X)
    bad = X.copy()
    bad[1, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        DBSCAN().fit(bad)
    with pytest.raises(NotFittedError):
        DBSCAN().predict(X)
    # identical points: one cluster; one sample: noise (or core with min_samples=1)
    np.testing.assert_array_equal(DBSCAN(min_samples=3).fit(np.ones((5, 2))).labels_, 0)
    np.testing.assert_array_equal(DBSCAN().fit([[1.0, 2.0]]).labels_, [-1])
    np.testing.assert_array_equal(DBSCAN(min_samples=1).fit([[1.0, 2.0]]).labels_, [0])
    # no core point at all: predict gives noise everywhere
    assert (DBSCAN(eps=1e-3).fit(X).predict(X[:5]) == -1).all()



@given(seed=st.integers(0, 2 ** 31 - 1), n=st.integers(1, 120), d=st.integers(1, 4),
       eps=st.floats(0.05, 1.5) | st.sampled_from([0.1, 0.2, 0.3, 0.5, 1.0]),
       min_samples=st.integers(1, 8),
       metric=st.sampled_from(["euclidean", "manhattan", "chebyshev"]))
def test_random_data_matches_sklearn_and_brute(seed, n, d, eps, min_samples, metric):
    rng = np.random.RandomState(seed)
    # rounded coordinates: many exact ties and duplicate points
    X = np.round(rng.rand(n, d) * 4, 1)
    tree = DBSCAN(eps=eps, min_samples=min_samples, metric=metric, algorithm="kd_tree",
                  leaf_size=4).fit(X)
    brute = DBSCAN(eps=eps, min_samples=min_samples, metric=metric, algorithm="brute").fit(X)
    ref = sk_cluster.DBSCAN(eps=eps, min_samples=min_samples, metric=metric).fit(X)
    np.testing.assert_array_equal(tree.labels_, brute.labels_)
    # A pair at distance eps to within rounding (2.4 - 2.2 is 0.19999999999999973) is a
    # neighbour or not depending on how the distance is rounded (scikit-learn may use
    # ||x||^2 - 2 x.y + ||y||^2): compare with scikit-learn only away from that boundary.
    diff = np.abs(X[:, None, :] - X[None, :, :])
    D = {"euclidean": np.sqrt((diff ** 2).sum(-1)), "manhattan": diff.sum(-1),
         "chebyshev": diff.max(-1) if d else np.zeros((n, n))}[metric]
    if not np.any(np.abs(D - eps) <= 1e-9 * eps):
        np.testing.assert_array_equal(tree.labels_, ref.labels_)
    # every core point's prediction is its own label
    if len(tree.core_sample_indices_):
        np.testing.assert_array_equal(tree.predict(tree.components_),
                                      tree.labels_[tree.core_sample_indices_])


@given(seed=st.integers(0, 2 ** 31 - 1), n=st.integers(1, 200), d=st.integers(1, 6),
       k=st.integers(1, 10), leaf_size=st.integers(1, 40))
def test_kdtree_knn_equals_brute(seed, n, d, k, leaf_size):
    rng = np.random.RandomState(seed)
    X, Q = rng.rand(n, d), rng.rand(30, d)
    k = min(k, n)
    dist, ind = _kdtree.KDTree(X, leaf_size=leaf_size).query(Q, k)
    bd, bi = _kdtree.brute_knn(X, Q, k)
    np.testing.assert_allclose(dist, bd, rtol=1e-14, atol=1e-15)
    exact = np.sqrt(((Q[:, None, :] - X[None, :, :]) ** 2).sum(-1))
    np.testing.assert_allclose(np.sort(exact, 1)[:, :k], dist, rtol=1e-14, atol=1e-15)

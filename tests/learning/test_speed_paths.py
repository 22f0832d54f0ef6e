"""The fast paths added for issue 16's speed targets give the answers of the paths they
short-cut (and step aside when they could not)."""
import numpy as np
import pytest

from rusty_machine.learning import LinearRegression, Ridge
from rusty_machine.learning.linear_regression import _uncentred_gram

EPS = np.finfo(np.float64).eps


def _centred_gram(X, Y):
    A = np.hstack([X - X.mean(0), Y - Y.mean(0)])
    return A.T @ A                     # reference (numpy only in the test)


@pytest.mark.parametrize("shape", [(5000, 7), (3000, 40), (2049, 3), (10, 4)])
def test_uncentred_gram_matches_centred(shape):
    rng = np.random.RandomState(0)
    X = rng.randn(*shape) + rng.uniform(-1, 1, shape[1])      # offsets below the guard
    Y = rng.randn(shape[0], 2) + 0.5
    out = _uncentred_gram(X, Y)
    assert out is not None
    G, x_off, y_off = out
    ref = _centred_gram(X, Y)
    n = shape[1]
    scale = np.max(np.abs(ref))
    # the guard bounds the cancellation to ~4 bits: 17 * (rows * eps) relative
    tol = 17 * shape[0] * EPS * scale
    assert np.allclose(np.tril(G), np.tril(ref), rtol=0, atol=tol)
    assert np.allclose(G[:n, :n], G[:n, :n].T)
    assert np.allclose(x_off, X.mean(0), rtol=1e-13, atol=1e-15)
    assert np.allclose(y_off, Y.mean(0), rtol=1e-13, atol=1e-15)


def test_uncentred_gram_refuses_large_offsets():
    rng = np.random.RandomState(1)
    X = rng.randn(1000, 5)
    X[:, 2] += 1e4                      # mean 1e4 next to a spread of 1
    assert _uncentred_gram(X, rng.randn(1000, 1)) is None
    X = rng.randn(1000, 5)
    X[:, 1] = 3.0                       # a constant column: no spread at all
    assert _uncentred_gram(X, rng.randn(1000, 1)) is None


@pytest.mark.parametrize("offset", [0.3, 1e4])
def test_cholesky_ridge_matches_sklearn_either_path(offset):
    from sklearn import linear_model as sk
    rng = np.random.RandomState(2)
    X = rng.randn(4000, 12) + offset
    y = X @ rng.randn(12) + 0.1 * rng.randn(4000) + 7.0
    for alpha in (0.0, 1.0):
        ours = (Ridge(alpha=alpha, solver="cholesky") if alpha
                else LinearRegression(solver="cholesky")).fit(X, y)
        ref = sk.Ridge(alpha=alpha, solver="cholesky").fit(X, y)
        assert np.allclose(ours.coef_, ref.coef_, rtol=1e-7, atol=1e-9)
        assert np.isclose(ours.intercept_, ref.intercept_, rtol=1e-7, atol=1e-7)


def test_cholesky_rank_deficient_goes_to_qr():
    # an exactly dependent column: the normal equations are singular; rounding may let
    # the Cholesky finish, the pivot check sends it to the QR path (minimum norm)
    from sklearn import linear_model as sk
    rng = np.random.RandomState(3)
    A = rng.randn(5000, 4) + 0.5
    X = np.column_stack([A, A[:, 0] - 2 * A[:, 3]])
    y = rng.randn(5000)
    est = LinearRegression(solver="cholesky").fit(X, y)
    assert est.rank_ == 4
    assert np.allclose(est.coef_, sk.LinearRegression().fit(X, y).coef_, rtol=1e-8,
                       atol=1e-10)


@pytest.mark.parametrize("threads", [1, 2])
def test_radius_graph_equals_two_pass_query_radius(threads):
    import rusty_machine
    from rusty_machine.learning import _kdtree
    rng = np.random.RandomState(4)
    X = np.vstack([0.3 * rng.randn(1500, 2), 5 * rng.rand(500, 2)])
    tree = _kdtree.KDTree(X, leaf_size=30, metric="euclidean", p=2)
    with rusty_machine.num_threads(threads):
        off1, ind1 = tree.query_radius(X, 0.4)
        off2, ind2 = tree.radius_graph(X, 0.4, 1 << 30)
    assert off1[-1] > 8 * 4096        # the per-thread buffers had to grow several times
    assert np.array_equal(off1, off2)
    assert np.array_equal(ind1, ind2)   # the same traversal: the same order
    # over the budget: None (the caller falls back to the O(n)-memory expansion)
    with rusty_machine.num_threads(threads):
        assert tree.radius_graph(X, 0.4, off1[-1] - 1) is None
        assert tree.radius_graph(X, 0.4, off1[-1]) is not None
        empty = tree.radius_graph(X[:0], 0.4, 10)
    assert empty[0].tolist() == [0] and empty[1].size == 0


def test_dbscan_one_pass_graph_matches_sklearn():
    from sklearn.cluster import DBSCAN as SkDBSCAN

    from rusty_machine.learning import DBSCAN
    rng = np.random.RandomState(5)
    X = np.vstack([0.5 * rng.randn(800, 2), 0.5 * rng.randn(800, 2) + 4,
                   10 * rng.rand(400, 2) - 3])
    ours = DBSCAN(eps=0.3, min_samples=10).fit(X)
    ref = SkDBSCAN(eps=0.3, min_samples=10).fit(X)
    assert np.array_equal(ours.labels_, ref.labels_)
    assert np.array_equal(ours.core_sample_indices_, ref.core_sample_indices_)


def test_dbscan_over_budget_falls_back(monkeypatch):
    from sklearn.cluster import DBSCAN as SkDBSCAN

    from rusty_machine.learning import DBSCAN, dbscan
    monkeypatch.setattr(dbscan, "_CSR_MAX_NEIGHBOURS", 100)
    rng = np.random.RandomState(6)
    X = np.vstack([0.5 * rng.randn(500, 2), 0.5 * rng.randn(500, 2) + 4])
    ours = DBSCAN(eps=0.3, min_samples=10).fit(X)
    assert np.array_equal(ours.labels_, SkDBSCAN(eps=0.3, min_samples=10).fit(X).labels_)

"""KMeans: a hand-worked case, seeded comparisons with scikit-learn, invariants, bad input."""
import pickle

import numpy as np
import pytest
from hypothesis import given, strategies as st

import rusty_machine as rm
from rusty_machine.exceptions import ConvergenceWarning, NotFittedError
from rusty_machine.learning import KMeans
from rusty_machine.learning import _k_means

from sklearn import cluster as sk_cluster
EPS = np.finfo(float).eps


def blobs(n=300, d=4, k=3, seed=0):
    rng = np.random.RandomState(seed)
    # centres on a grid 20 apart: well separated blobs of unit variance
    centers = 20.0 * np.eye(max(k, d))[:k, :d] + rng.uniform(-1, 1, size=(k, d))
    lab = rng.randint(k, size=n)
    return centers[lab] + rng.randn(n, d), lab


def test_four_points_by_hand():
    # two pairs 2 apart on the x axis, far from each other: the centres are the pair
    # midpoints and each point is at distance 1 from its centre -> inertia 4 * 1 = 4
    X = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 5.0], [12.0, 5.0]])
    km = KMeans(2, init=np.array([[0.0, 0.0], [12.0, 5.0]])).fit(X)
    np.testing.assert_allclose(np.sort(km.cluster_centers_[:, 0]), [1.0, 11.0])
    assert km.inertia_ == pytest.approx(4.0, rel=8 * EPS)
    assert km.labels_[0] == km.labels_[1] != km.labels_[2] == km.labels_[3]
    # score is minus the inertia; transform gives the distances (1 to its own centre)
    assert km.score(X) == pytest.approx(-4.0)
    D = km.transform(X)
    np.testing.assert_allclose(D[np.arange(4), km.labels_], 1.0, rtol=1e-12)
    # sample weights: doubling one point's weight pulls its centre to (2/3)*0 + (1/3)*2
    kmw = KMeans(2, init=np.array([[0.0, 0.0], [12.0, 5.0]])).fit(
        X, sample_weight=[2.0, 1.0, 1.0, 1.0])
    c = kmw.cluster_centers_[kmw.labels_[0]]
    np.testing.assert_allclose(c, [2.0 / 3.0, 0.0], atol=8 * EPS)


@pytest.mark.parametrize("n_threads", [1, 2])
def test_same_explicit_init_as_sklearn(n_threads):
    # large enough (n * k * d > 2^20) for the kernel to use the threads it is given
    X, _ = blobs(n=6000, d=20, k=9, seed=1)
    rng = np.random.RandomState(3)
    init = X[rng.choice(len(X), 10, replace=False)]
    with rm.num_threads(n_threads):
        ours = KMeans(10, init=init, tol=0.0, max_iter=300).fit(X)
    ref = sk_cluster.KMeans(10, init=init, n_init=1, tol=0.0, max_iter=300).fit(X)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=0, atol=1e-10)
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-10)
    assert ours.n_iter_ == ref.n_iter_


def test_kmeanspp_matches_sklearn_seeded():
    X, _ = blobs(n=800, d=3, k=4, seed=2)
    ours = KMeans(4, random_state=0).fit(X)
    ref = sk_cluster.KMeans(4, random_state=0, n_init=1).fit(X)
    # greedy k-means++ draws the same way from the same RandomState
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, atol=1e-10)
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-10)


@pytest.mark.parametrize("init", ["k-means++", "forgy", "random", "random-partition"])
def test_inits_recover_blobs(init):
    X, lab = blobs(n=400, d=2, k=3, seed=4)
    km = KMeans(3, init=init, random_state=0).fit(X)
    # the partition equals the generating one up to renaming
    pairs = set(zip(km.labels_, lab))
    assert len(pairs) == 3
    ref = sk_cluster.KMeans(3, random_state=0, n_init=10).fit(X)
    assert km.inertia_ == pytest.approx(ref.inertia_, rel=1e-9)


def test_inertia_never_increases():
    X, _ = blobs(n=600, d=5, k=6, seed=5)
    rng = np.random.RandomState(0)
    centers = X[rng.choice(600, 6, replace=False)].copy()
    w = np.ones(len(X))
    labels = np.full(len(X), -1, dtype=np.int32)
    sums, wsum = np.empty_like(centers), np.empty(6)
    previous = np.inf
    for _ in range(30):
        _k_means.lloyd_iter(X, w, centers, sums, wsum, labels, True)
        inertia = _k_means.inertia(X, w, centers, labels)
        assert inertia <= previous * (1 + 1e3 * EPS)
        previous = inertia
        nz = wsum > 0
        centers = centers.copy()
        centers[nz] = sums[nz] / wsum[nz, None]


def test_predict_fit_predict_and_pickle():
    X, _ = blobs(n=200, seed=6)
    km = KMeans(3, random_state=0)
    labels = km.fit_predict(X)
    np.testing.assert_array_equal(labels, km.predict(X))
    km2 = pickle.loads(pickle.dumps(km))
    np.testing.assert_array_equal(km2.predict(X), labels)
    np.testing.assert_array_equal(km.fit_transform(X).argmin(1), labels)


def test_empty_cluster_relocated_never_nan():
    # a far-away initial centre attracts no sample: it must move to the farthest point
    X = np.array([[0.0], [0.1], [0.2], [5.0], [5.1], [9.0]])
    init = np.array([[0.0], [5.0], [1000.0]])
    km = KMeans(3, init=init).fit(X)
    assert np.isfinite(km.cluster_centers_).all()
    assert len(np.unique(km.labels_)) == 3


def test_matrix_and_list_input():
    X, _ = blobs(n=60, seed=7)
    a = KMeans(3, random_state=1).fit(X)
    b = KMeans(3, random_state=1).fit(rm.linalg.Matrix(X))
    c = KMeans(3, random_state=1).fit(X.tolist())
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.labels_, c.labels_)


def test_bad_input():
    X, _ = blobs(n=20, seed=8)
    with pytest.raises(ValueError, match="n_samples=20 should be >= n_clusters=21"):
        KMeans(21).fit(X)
    # fewer distinct points than clusters: not an error (scikit-learn's behaviour), a
    # ConvergenceWarning and duplicate centres
    for init in ("k-means++", "forgy"):
        with pytest.warns(ConvergenceWarning, match=r"distinct clusters \(1\)"):
            one = KMeans(3, init=init, random_state=0).fit(np.ones((10, 2)))
        assert one.inertia_ == 0.0 and np.all(one.cluster_centers_ == 1.0)
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        KMeans(2).fit(bad)
    bad[3, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        KMeans(2).fit(bad)
    with pytest.raises(ValueError, match="init"):
        KMeans(2, init="nope").fit(X)
    with pytest.raises(ValueError, match="init array"):
        KMeans(2, init=np.zeros((3, 4))).fit(X)
    with pytest.raises(ValueError, match="n_clusters"):
        KMeans(0).fit(X)
    with pytest.raises(ValueError, match="max_iter"):
        KMeans(2, max_iter=0).fit(X)
    with pytest.raises(NotFittedError):
        KMeans(2).predict(X)
    with pytest.raises(ValueError, match="features"):
        KMeans(2, random_state=0).fit(X).predict(X[:, :2])


def test_one_feature_and_one_sample():
    X = np.array([[1.0], [1.1], [5.0], [5.2]])
    km = KMeans(2, random_state=0).fit(X)
    np.testing.assert_allclose(np.sort(km.cluster_centers_.ravel()), [1.05, 5.1])
    one = KMeans(1).fit([[3.0, 4.0]])
    np.testing.assert_allclose(one.cluster_centers_, [[3.0, 4.0]])
    assert one.inertia_ == 0.0


def test_convergence_warning():
    X, _ = blobs(n=300, seed=9)
    with pytest.warns(ConvergenceWarning):
        KMeans(5, max_iter=1, tol=0.0, init="random-partition", n_init=1,
               random_state=0).fit(X)



@given(seed=st.integers(0, 2 ** 31 - 1), n=st.integers(1, 150), d=st.integers(1, 5),
       k=st.integers(1, 6))
def test_random_data_same_as_sklearn(seed, n, d, k):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d) * rng.uniform(0.1, 10, size=d)
    k = min(k, n)
    init = X[rng.choice(n, k, replace=False)]
    w = rng.uniform(0.5, 2.0, size=n)
    ours = KMeans(k, init=init).fit(X, sample_weight=w)
    ref = sk_cluster.KMeans(k, init=init, n_init=1).fit(X, sample_weight=w)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-10,
                               atol=1e-10 * np.abs(X).max())
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-9, abs=1e-12)
    # the inertia is the weighted sum of squared distances to the assigned centres
    direct = (w * ((X - ours.cluster_centers_[ours.labels_]) ** 2).sum(1)).sum()
    assert ours.inertia_ == pytest.approx(direct, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_more_clusters_than_distinct_points_fits_and_warns_like_sklearn(init):
    from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 3.0], [5.0, 5.0]]), 5, axis=0)
    with pytest.warns(ConvergenceWarning, match=r"distinct clusters \(4\).*n_clusters \(8\)"):
        ours = KMeans(8, init=init, n_init=1, random_state=0).fit(X)
    with pytest.warns(SkConvergenceWarning):
        ref = sk_cluster.KMeans(8, init=init, n_init=1, random_state=0).fit(X)
    assert ours.inertia_ == ref.inertia_ == 0.0
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    np.testing.assert_array_equal(np.unique(ours.labels_).size, 4)
    # every sample sits on its centre
    np.testing.assert_array_equal(ours.cluster_centers_[ours.labels_], X)


# ---- Hamerly's bounds (algorithm="hamerly"): Lloyd's answers with rows skipped ----------

def _fit_both(X, k, seed, dtype=np.float64, w=None, **kw):
    rng = np.random.RandomState(seed)
    init = X[rng.choice(len(X), k, replace=False)]
    X = X.astype(dtype)
    out = [KMeans(k, init=init.astype(dtype), algorithm=a, **kw).fit(X, sample_weight=w)
           for a in ("lloyd", "hamerly")]
    return out


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_hamerly_same_answers_as_lloyd(dtype, n_threads):
    # random data without cluster structure (the bounds fail often) and blobs (they hold
    # almost always): the same labels, the same centres bit for bit, the same n_iter_
    rng = np.random.RandomState(0)
    w = rng.uniform(0.5, 2.0, size=3000)
    for X in (rng.randn(3000, 12), blobs(n=3000, d=6, k=9, seed=4)[0]):
        with rm.num_threads(n_threads):
            lloyd, ham = _fit_both(X, 16, seed=1, dtype=dtype, w=w, tol=0.0, max_iter=1000)
        np.testing.assert_array_equal(ham.labels_, lloyd.labels_)
        np.testing.assert_array_equal(ham.cluster_centers_, lloyd.cluster_centers_)
        assert ham.inertia_ == lloyd.inertia_
        assert ham.n_iter_ == lloyd.n_iter_
        assert ham.cluster_centers_.dtype == dtype


def test_hamerly_same_as_sklearn_on_the_bench_shape():
    # the benchmark's workload, smaller: random 50-D data, 100 centres, run to the end
    rng = np.random.RandomState(0)
    X = rng.randn(4000, 50)
    init = X[rng.choice(len(X), 100, replace=False)]
    ours = KMeans(100, init=init, tol=0.0, max_iter=300, algorithm="hamerly").fit(X)
    ref = sk_cluster.KMeans(100, init=init, n_init=1, tol=0.0, max_iter=300).fit(X)
    assert ours.n_iter_ == ref.n_iter_
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=0, atol=1e-12)
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-12)


def test_hamerly_ties_and_duplicates_go_to_the_first_centre():
    # integer grid points with duplicated centres: exact ties everywhere; Lloyd's rule
    # (the first centre among equals) must hold, so no tie may be skipped by a bound
    rng = np.random.RandomState(5)
    X = rng.randint(0, 4, size=(500, 3)).astype(float)
    init = np.vstack([X[:6], X[:6]])                   # every centre twice
    # (the duplicates get no sample in the first pass: relocated to far samples)
    lloyd = KMeans(12, init=init, algorithm="lloyd", max_iter=100).fit(X)
    ham = KMeans(12, init=init, algorithm="hamerly", max_iter=100).fit(X)
    np.testing.assert_array_equal(ham.labels_, lloyd.labels_)
    np.testing.assert_array_equal(ham.cluster_centers_, lloyd.cluster_centers_)


def test_hamerly_empty_cluster_relocation_and_one_cluster():
    X = np.array([[0.0], [0.1], [0.2], [5.0], [5.1], [9.0], [9.2], [4.0], [0.3]])
    init = np.array([[0.0], [5.0], [1000.0], [2000.0], [9.0], [-50.0], [4.0], [0.2]])
    a = KMeans(8, init=init, algorithm="lloyd").fit(X)
    b = KMeans(8, init=init, algorithm="hamerly").fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    assert np.isfinite(b.cluster_centers_).all()
    one = KMeans(1, init=X[:1], algorithm="hamerly").fit(X)
    assert (one.labels_ == 0).all()
    np.testing.assert_allclose(one.cluster_centers_[0], X.mean(0), rtol=4 * EPS)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("k", [1, 3, 8, 9, 17, 100])
def test_hamerly_iter_bounds_bracket_the_distances(dtype, k):
    # a first pass (no valid bounds) gives every sample a full row: the labels are
    # lloyd_iter's, upper >= the distance to the own centre, lower <= the distance to
    # the second nearest, both within rounding of the exact values (k covers the SIMD
    # scan's tail: 1 and 3 fewer than a vector, 9 and 17 one past the two-vector step)
    rng = np.random.RandomState(k)
    X = rng.randn(700, 7).astype(dtype)
    C = X[rng.choice(len(X), k, replace=False)] + dtype(0.01)
    w = np.ones(len(X))
    labels = np.full(len(X), -1, dtype=np.int32)
    ref = labels.copy()
    up, lo = np.empty(len(X)), np.empty(len(X))
    sums, wsum = np.empty((k, 7)), np.empty(k)
    n = _k_means.hamerly_iter(X, _k_means.row_sq_norms(X), w, C, np.zeros(k), up, lo,
                              sums, wsum, labels, False, True)
    _k_means.lloyd_iter(X, w, C, np.empty((k, 7)), np.empty(k), ref, True)
    assert n == len(X)
    np.testing.assert_array_equal(labels, ref)
    D = np.sqrt(((X[:, None, :].astype(float) - C[None].astype(float)) ** 2).sum(2))
    own = D[np.arange(len(X)), labels]
    D[np.arange(len(X)), labels] = np.inf
    second = D.min(1)
    tol = 100 * np.finfo(dtype).eps ** 0.5 * (1 + own)
    assert (up >= own).all() and (up - own <= tol).all()
    if k == 1:
        assert np.isinf(lo).all()
    else:
        assert (lo <= second).all() and (second - lo <= 100 * np.finfo(dtype).eps ** 0.5
                                         * (1 + second)).all()


def test_algorithm_parameter_checked():
    with pytest.raises(ValueError, match="algorithm"):
        KMeans(2, algorithm="elkan").fit(np.random.RandomState(0).randn(10, 2))
    assert KMeans(2).get_params()["algorithm"] == "auto"


def test_auto_picks_hamerly_on_float64_and_lloyd_on_float32():
    """"auto" uses the bounds only where they were measured to win (float64, k >= 8)."""
    from rusty_machine.learning import k_means as km
    m = KMeans(8)
    assert m._use_hamerly(np.dtype(np.float64))
    assert not m._use_hamerly(np.dtype(np.float32))
    assert not KMeans(7)._use_hamerly(np.dtype(np.float64))
    assert KMeans(8, algorithm="hamerly")._use_hamerly(np.dtype(np.float32))
    assert not KMeans(8, algorithm="lloyd")._use_hamerly(np.dtype(np.float64))
    assert km._HAMERLY_MIN_K == 8


@pytest.mark.parametrize("bad", ["elkan", "", None, 3])
def test_unknown_algorithm_is_a_clear_value_error(bad):
    X = np.random.default_rng(0).standard_normal((20, 2))
    with pytest.raises(ValueError, match="algorithm must be one of"):
        KMeans(3, algorithm=bad, n_init=1, random_state=0).fit(X)

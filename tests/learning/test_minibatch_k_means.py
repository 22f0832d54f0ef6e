"""MiniBatchKMeans (Sculley 2010): scikit-learn's checks, a hand-worked step, agreement
with scikit-learn and with our KMeans on separated blobs, partial_fit semantics."""
import pickle

import numpy as np
import pytest

from rusty_machine.learning import KMeans, MiniBatchKMeans

sklearn = pytest.importorskip("sklearn")
from sklearn.metrics import adjusted_rand_score  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402


def _blobs(n=600, k=4, d=3, seed=0):
    rng = np.random.RandomState(seed)
    centres = rng.uniform(-20, 20, size=(k, d))
    labels = rng.randint(k, size=n)
    return centres[labels] + rng.randn(n, d), labels


@parametrize_with_checks([MiniBatchKMeans(n_clusters=3, random_state=0, n_init=1)],
                         expected_failed_checks=lambda est: {
                             "check_sample_weight_equivalence_on_dense_data": (
                                 "batches are drawn by index, so repeated rows and integer "
                                 "weights are sampled differently (as scikit-learn's)")})
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_one_step_by_hand():
    # two centres, a batch of three points: c0 sees {0, 1}, c1 sees {10}
    X = np.array([[0.0], [1.0], [10.0]])
    m = MiniBatchKMeans(n_clusters=2, init=np.array([[0.0], [9.0]]), compute_labels=False)
    m.partial_fit(X)
    # Sculley's rate 1/v: c0 = mean(0, 1) = 0.5, c1 = 10 (v = 2 and 1)
    np.testing.assert_allclose(m.cluster_centers_.ravel(), [0.5, 10.0])
    np.testing.assert_allclose(m._counts, [2.0, 1.0])
    # a second batch: c0 <- c0 + (3 - 1 * 0.5) / 3 = mean of {0, 1, 3}
    m.partial_fit(np.array([[3.0]]))
    np.testing.assert_allclose(m.cluster_centers_.ravel(), [4.0 / 3.0, 10.0])


def test_matches_sklearn_and_kmeans_on_blobs():
    from sklearn.cluster import MiniBatchKMeans as SkMBK
    X, truth = _blobs()
    ours = MiniBatchKMeans(n_clusters=4, batch_size=64, random_state=0).fit(X)
    theirs = SkMBK(n_clusters=4, batch_size=64, random_state=0, n_init=1).fit(X)
    full = KMeans(n_clusters=4, random_state=0).fit(X)
    assert adjusted_rand_score(ours.labels_, truth) == 1.0
    assert adjusted_rand_score(ours.labels_, theirs.labels_) == 1.0
    # the inertia is within a few percent of Lloyd's optimum (noise of the mini-batches)
    assert full.inertia_ <= ours.inertia_ <= 1.05 * full.inertia_
    assert ours.predict(X).tolist() == ours.labels_.tolist()
    assert ours.score(X) == pytest.approx(-ours.inertia_)
    np.testing.assert_allclose(ours.transform(X).min(1) ** 2, ((X - ours.cluster_centers_[
        ours.labels_]) ** 2).sum(1), rtol=1e-9, atol=1e-9)
    assert ours.n_steps_ >= 1 and ours.n_iter_ >= 1


def test_centre_is_running_mean_of_its_samples():
    # invariant of the 1/v rate: without reassignment, each centre that has seen samples
    # is the mean of every sample ever assigned to it
    X, _ = _blobs(n=300, seed=3)
    init = X[:4].copy()
    m = MiniBatchKMeans(n_clusters=4, init=init, reassignment_ratio=0.0,
                        compute_labels=False)
    seen = [[] for _ in range(4)]
    for start in range(0, 300, 50):
        batch = X[start:start + 50]
        before = m.cluster_centers_ if start else init
        lab = ((batch[:, None, :] - before[None]) ** 2).sum(2).argmin(1)
        m.partial_fit(batch)
        for j in range(4):
            seen[j].extend(batch[lab == j])
    for j in range(4):
        if seen[j]:
            np.testing.assert_allclose(m.cluster_centers_[j], np.mean(seen[j], axis=0),
                                       rtol=1e-10, atol=1e-10)
            assert m._counts[j] == len(seen[j])


def test_partial_fit_semantics_and_pickle():
    X, _ = _blobs()
    m = MiniBatchKMeans(n_clusters=4, random_state=0)
    for start in range(0, 600, 100):
        m.partial_fit(X[start:start + 100])
    assert m.n_steps_ == 6 and m.labels_.shape == (100,)
    with pytest.raises(ValueError, match="features"):
        m.partial_fit(X[:10, :2])
    m2 = pickle.loads(pickle.dumps(m))
    np.testing.assert_array_equal(m2.cluster_centers_, m.cluster_centers_)
    m2.partial_fit(X[:100])
    m.partial_fit(X[:100])
    np.testing.assert_array_equal(m2.cluster_centers_, m.cluster_centers_)


def test_bad_parameters():
    X, _ = _blobs(n=50)
    for kw in ({"batch_size": 0}, {"n_clusters": 0}, {"init": "nope"}, {"tol": -1},
               {"reassignment_ratio": -0.1}, {"n_init": 0}, {"init": np.zeros((2, 3))}):
        with pytest.raises(ValueError):
            MiniBatchKMeans(**kw).fit(X)
    with pytest.raises(ValueError, match="n_clusters"):
        MiniBatchKMeans(n_clusters=60).fit(X)

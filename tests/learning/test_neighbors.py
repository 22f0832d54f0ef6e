"""k-nearest neighbours: hand-worked case, scikit-learn comparison, bad input."""
import pickle

import numpy as np
import pytest

import rusty_machine as rm
from rusty_machine.exceptions import NotFittedError
from rusty_machine.learning import KNeighborsClassifier, KNeighborsRegressor

from sklearn import neighbors as sk_neighbors


def test_by_hand():
    X = np.array([[0.0], [1.0], [3.0], [7.0]])
    y = np.array([0.0, 2.0, 4.0, 8.0])
    reg = KNeighborsRegressor(2).fit(X, y)
    # query 2.4: neighbours 3 (d 0.6) and 1 (d 1.4): mean (4 + 2) / 2 = 3; with 1/d
    # weights (4/0.6 + 2/1.4) / (1/0.6 + 1/1.4)
    assert reg.predict([[2.4]])[0] == pytest.approx(3.0)
    regw = KNeighborsRegressor(2, weights="distance").fit(X, y)
    assert regw.predict([[2.4]])[0] == pytest.approx((4 / 0.6 + 2 / 1.4) / (1 / 0.6 + 1 / 1.4))
    # a query on a training point takes its target exactly with distance weights
    assert regw.predict([[7.0]])[0] == 8.0
    clf = KNeighborsClassifier(3).fit(X, ["a", "a", "b", "b"])
    np.testing.assert_allclose(clf.predict_proba([[0.5]]), [[2 / 3, 1 / 3]])
    assert clf.predict([[6.0]])[0] == "b"
    dist, ind = clf.kneighbors([[2.9]], n_neighbors=2)
    np.testing.assert_array_equal(ind, [[2, 1]])
    np.testing.assert_allclose(dist, [[0.1, 1.9]])


@pytest.mark.parametrize("algorithm", ["kd_tree", "brute"])
@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_matches_sklearn(algorithm, weights, n_threads):
    rng = np.random.RandomState(0)
    X, Q = rng.rand(1500, 5), rng.rand(400, 5)
    y = (X[:, 0] + X[:, 1] > 1).astype(int) + (X[:, 2] > 0.5)
    with rm.num_threads(n_threads):
        clf = KNeighborsClassifier(6, weights=weights, algorithm=algorithm).fit(X, y)
        reg = KNeighborsRegressor(6, weights=weights, algorithm=algorithm).fit(X, X[:, :2])
        proba, pred = clf.predict_proba(Q), reg.predict(Q)
    ref_c = sk_neighbors.KNeighborsClassifier(6, weights=weights).fit(X, y)
    ref_r = sk_neighbors.KNeighborsRegressor(6, weights=weights).fit(X, X[:, :2])
    np.testing.assert_allclose(proba, ref_c.predict_proba(Q), atol=1e-12)
    np.testing.assert_allclose(pred, ref_r.predict(Q), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("metric,p", [("manhattan", 2), ("chebyshev", 2), ("minkowski", 3)])
def test_metrics(metric, p):
    rng = np.random.RandomState(1)
    X, Q = rng.rand(500, 3), rng.rand(50, 3)
    for algorithm in ("kd_tree", "brute"):
        ours = KNeighborsRegressor(4, metric=metric, p=p, algorithm=algorithm).fit(X, X[:, 0])
        ref = sk_neighbors.KNeighborsRegressor(4, metric=metric, p=p).fit(X, X[:, 0])
        d1, i1 = ours.kneighbors(Q)
        d2, i2 = ref.kneighbors(Q)
        np.testing.assert_allclose(d1, d2, rtol=1e-13)
        np.testing.assert_array_equal(i1, i2)


def test_kneighbors_on_training_set_excludes_self_and_pickles():
    rng = np.random.RandomState(2)
    X = rng.rand(200, 2)
    clf = KNeighborsClassifier(3).fit(X, (X[:, 0] > 0.5).astype(int))
    ind = clf.kneighbors(return_distance=False)
    assert not (ind == np.arange(200)[:, None]).any()
    ref = sk_neighbors.NearestNeighbors(n_neighbors=3).fit(X).kneighbors(return_distance=False)
    np.testing.assert_array_equal(ind, ref)
    clf2 = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(clf2.predict(X), clf.predict(X))


def test_bad_input():
    X = np.random.RandomState(3).rand(10, 2)
    y = np.arange(10) % 2
    with pytest.raises(ValueError, match="n_neighbors"):
        KNeighborsClassifier(11).fit(X, y).predict(X)
    with pytest.raises(ValueError, match="n_neighbors"):
        KNeighborsClassifier(0).fit(X, y)
    with pytest.raises(ValueError, match="weights"):
        KNeighborsClassifier(weights="gauss").fit(X, y)
    with pytest.raises(ValueError, match="algorithm"):
        KNeighborsRegressor(algorithm="ball_tree").fit(X, y)
    with pytest.raises(ValueError, match="Unknown label type"):
        KNeighborsClassifier(3).fit(X, y + 0.5)
    bad = X.copy()
    bad[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        KNeighborsClassifier(3).fit(bad, y)
    with pytest.raises(NotFittedError):
        KNeighborsRegressor().predict(X)
    one = KNeighborsRegressor(1).fit([[1.0]], [5.0])
    assert one.predict([[100.0]])[0] == 5.0

"""Naive Bayes: hand-worked cases, scikit-learn comparisons, partial_fit, bad input."""
import pickle
import re

import numpy as np
import pytest

from rusty_machine.exceptions import NotFittedError
from rusty_machine.learning import BernoulliNB, GaussianNB, MultinomialNB

from sklearn import naive_bayes as sk_nb
EPS = np.finfo(float).eps
NAMES = ["GaussianNB", "MultinomialNB", "BernoulliNB"]
OURS = {"GaussianNB": GaussianNB, "MultinomialNB": MultinomialNB, "BernoulliNB": BernoulliNB}


def data(name, seed=0, n=240):
    rng = np.random.RandomState(seed)
    y = rng.randint(0, 3, n)
    X = rng.randn(n, 5) + y[:, None] * np.array([1.0, -0.5, 0.0, 0.3, 2.0])
    if name == "MultinomialNB":
        X = np.round(np.abs(3 * X))
    return X, y


def test_gaussian_by_hand():
    # class 0: x in {0, 2} -> mean 1, var 1; class 1: x in {10} -> mean 10, var 0 (+eps)
    X = np.array([[0.0], [2.0], [10.0]])
    y = np.array([0, 0, 1])
    nb = GaussianNB(var_smoothing=0.0).fit(X, y)
    np.testing.assert_allclose(nb.theta_.ravel(), [1.0, 10.0])
    np.testing.assert_allclose(nb.var_[0], [1.0])
    np.testing.assert_allclose(nb.class_prior_, [2 / 3, 1 / 3])
    # a class with a single sample works (var_smoothing > 0 keeps its variance positive)
    nb = GaussianNB().fit(X, y)
    assert nb.var_[1, 0] == pytest.approx(1e-9 * X.var())
    assert list(nb.predict([[1.5], [10.0]])) == [0, 1]
    assert np.isfinite(nb.predict_log_proba([[5.0]])).all()


def test_multinomial_by_hand():
    # class a: counts [2, 0], class b: [0, 1]; alpha = 1 -> p_a = [3/4, 1/4], p_b = [1/3, 2/3]
    X = np.array([[2.0, 0.0], [0.0, 1.0]])
    nb = MultinomialNB().fit(X, ["a", "b"])
    np.testing.assert_allclose(np.exp(nb.feature_log_prob_), [[0.75, 0.25], [1 / 3, 2 / 3]])
    # p(a | [1, 0]) = (1/2 * 3/4) / (1/2 * 3/4 + 1/2 * 1/3)
    np.testing.assert_allclose(nb.predict_proba([[1.0, 0.0]])[0, 0], 0.75 / (0.75 + 1 / 3))


@pytest.mark.parametrize("name", NAMES)
def test_matches_sklearn_with_sample_weight(name):
    X, y = data(name)
    w = np.random.RandomState(1).rand(len(y))
    ours = OURS[name]().fit(X, y, sample_weight=w)
    ref = getattr(sk_nb, name)().fit(X, y, sample_weight=w)
    np.testing.assert_allclose(ours.predict_log_proba(X), ref.predict_log_proba(X),
                               rtol=1e-10, atol=1e-10)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X).sum(1), 1.0, atol=10 * EPS)


@pytest.mark.parametrize("name", NAMES)
def test_partial_fit_equals_fit(name):
    X, y = data(name, seed=2)
    full = OURS[name]().fit(X, y)
    inc = OURS[name]()
    for lo in range(0, len(y), 60):
        inc.partial_fit(X[lo:lo + 60], y[lo:lo + 60], classes=np.unique(y))
    np.testing.assert_allclose(inc.predict_log_proba(X), full.predict_log_proba(X),
                               rtol=1e-9, atol=1e-9)
    inc2 = pickle.loads(pickle.dumps(inc))
    np.testing.assert_array_equal(inc2.predict(X), inc.predict(X))


def test_sample_weight_equals_repetition():
    X, y = data("GaussianNB", seed=3)
    reps = np.random.RandomState(0).randint(1, 4, len(y))
    a = GaussianNB().fit(X, y, sample_weight=reps.astype(float))
    b = GaussianNB().fit(np.repeat(X, reps, 0), np.repeat(y, reps))
    np.testing.assert_allclose(a.theta_, b.theta_, rtol=1e-12)
    np.testing.assert_allclose(a.var_, b.var_, rtol=1e-9)


def test_bad_input():
    X, y = data("GaussianNB")
    with pytest.raises(ValueError, match="classes must be passed"):
        GaussianNB().partial_fit(X, y)
    with pytest.raises(ValueError, match="not in classes"):
        GaussianNB().partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="Negative values"):
        MultinomialNB().fit(X, y)
    with pytest.raises(ValueError, match="alpha"):
        BernoulliNB(alpha=-1).fit(X, y)
    with pytest.raises(ValueError, match="var_smoothing"):
        GaussianNB(var_smoothing=-1).fit(X, y)
    with pytest.raises(ValueError, match="priors"):
        GaussianNB(priors=[0.5, 0.5]).fit(X, y)
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        GaussianNB().fit(bad, y)
    with pytest.raises(ValueError, match="Unknown label type"):
        GaussianNB().fit(X, y + 0.5)
    with pytest.raises(NotFittedError):
        BernoulliNB().predict(X)
    one = GaussianNB().fit([[1.0, 2.0]], [7])
    assert one.predict([[0.0, 0.0]])[0] == 7


@pytest.mark.parametrize("name, X", [
    ("GaussianNB", [[1e307, 2e307], [3e307, 1e307], [2e307, 2e307], [1e307, 3e307]]),
    ("MultinomialNB", [[1e308, 1.7e308], [1.7e308, 1e308], [1.5e308, 1e308], [1e308, 1.7e308]]),
    ("BernoulliNB", [[1e308, 1.7e308], [1.7e308, 1e308], [1.5e308, 1e308], [1e308, 1.7e308]]),
])
def test_huge_values_give_a_finite_answer_or_a_clear_error(name, X):
    """Our contract: a finite answer or a ValueError naming the problem, never a silent
    NaN (nor a RuntimeWarning from numpy)."""
    y = [0, 1, 0, 1]
    try:
        P = OURS[name]().fit(X, y).predict_proba(X)
    except ValueError as exc:
        assert re.search(r"overflow.*scale", str(exc)), exc
    else:
        assert np.isfinite(P).all(), P

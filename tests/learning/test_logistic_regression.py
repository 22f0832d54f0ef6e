"""LogisticRegression: hand-worked cases, gradients and Hessians against finite
differences, scikit-learn comparisons, numerical stability, bad input."""
import pickle
import warnings

import numpy as np
import pytest

from rusty_machine.datasets import load_iris
from rusty_machine.exceptions import ConvergenceWarning, NotFittedError
from rusty_machine.learning import LogisticRegression
from rusty_machine.learning.logistic_regression import (_BinaryLoss, _log_softmax,
                                                        _MultinomialLoss, _sigmoid,
                                                        _softplus)

EPS = np.finfo(float).eps


def binary_data(m=300, n=5, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(m, n)
    y = (X[:, 0] - 0.5 * X[:, 1] + 0.7 * rng.randn(m) > 0).astype(int)
    return X, y, rng.uniform(0.2, 2.0, m)


def fd_grad(f, x, h=1e-6):
    return np.array([(f(x + h * e)[0] - f(x - h * e)[0]) / (2 * h) for e in np.eye(len(x))])


def test_stable_pieces():
    z = np.array([-800.0, -30.0, 0.0, 30.0, 800.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        sp = _softplus(z)
        sg = _sigmoid(z)
        ls = _log_softmax(np.array([[1000.0, 0.0, -1000.0]]))
    assert np.allclose(sp[1:4], np.log1p(np.exp(z[1:4])), rtol=4 * EPS, atol=0)
    assert sp[-1] == 800.0 and sp[0] == 0.0
    assert sg[0] == 0.0 and sg[-1] == 1.0 and sg[2] == 0.5
    assert ls[0, 0] == 0.0 and ls[0, 1] == -1000.0


def test_hand_worked_symmetric_case():
    # x = -1 (class 0), x = +1 (class 1), no intercept, C = 1: minimise
    # 2 log(1 + e^-w) + w^2 / 2  ->  w = 2 e^-w / (1 + e^-w) = 2 sigmoid(-w)
    X = np.array([[-1.0], [1.0]])
    y = np.array([0, 1])
    est = LogisticRegression(fit_intercept=False, tol=1e-12, max_iter=200).fit(X, y)
    w = est.coef_[0, 0]
    assert abs(w - 2.0 / (1.0 + np.exp(w))) < 1e-10
    assert est.intercept_.shape == (1,) and est.intercept_[0] == 0.0
    p = est.predict_proba(X)
    assert np.allclose(p.sum(1), 1.0) and abs(p[0, 0] - p[1, 1]) < 1e-12


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_loss_gradients_and_hessians_match_finite_differences(fit_intercept):
    X, y, w = binary_data(m=40, n=3)
    b = _BinaryLoss(X, y.astype(float), w, 0.7, fit_intercept)
    theta = np.random.RandomState(1).randn(3 + fit_intercept) * 0.5
    assert np.allclose(b(theta)[1], fd_grad(b, theta), rtol=1e-6, atol=1e-8)
    H = b.hessian(theta)
    Hfd = np.array([(b(theta + 1e-6 * e)[1] - b(theta - 1e-6 * e)[1]) / 2e-6
                    for e in np.eye(len(theta))])
    assert np.allclose(H, Hfd, rtol=1e-5, atol=1e-7)
    yk = np.random.RandomState(2).randint(0, 3, 40)
    mloss = _MultinomialLoss(X, yk, 3, w, 0.7, fit_intercept)
    theta = np.random.RandomState(3).randn(3 * (3 + fit_intercept)) * 0.5
    assert np.allclose(mloss(theta)[1], fd_grad(mloss, theta), rtol=1e-6, atol=1e-8)
    H = mloss.hessian(theta)
    Hfd = np.array([(mloss(theta + 1e-6 * e)[1] - mloss(theta - 1e-6 * e)[1]) / 2e-6
                    for e in np.eye(len(theta))])
    assert np.allclose(H, Hfd, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("solver", ["lbfgs", "newton"])
@pytest.mark.parametrize("C", [0.1, 10.0])
def test_binary_matches_sklearn(solver, C):
    from sklearn import linear_model as sk
    X, y, w = binary_data()
    ours = LogisticRegression(C=C, solver=solver, tol=1e-10, max_iter=500).fit(X, y, w)
    ref = sk.LogisticRegression(C=C, tol=1e-12, max_iter=1000,
                                solver="newton-cholesky").fit(X, y, w)
    assert ours.coef_.shape == (1, 5)
    assert np.allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=1e-9)
    assert np.allclose(ours.intercept_, ref.intercept_, rtol=1e-6, atol=1e-9)
    assert np.allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-7)
    assert np.array_equal(ours.predict(X), ref.predict(X))


def test_gd_solver_converges_to_the_same_optimum():
    X, y, _ = binary_data(m=100)
    a = LogisticRegression(solver="gd", tol=1e-8, max_iter=5000).fit(X, y)
    b = LogisticRegression(solver="newton", tol=1e-12).fit(X, y)
    assert np.allclose(a.coef_, b.coef_, rtol=1e-5, atol=1e-7)


def test_multinomial_iris_matches_sklearn_and_strings():
    from sklearn import linear_model as sk
    X, y = load_iris()
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    ref = sk.LogisticRegression(C=1.0, tol=1e-12, max_iter=1000,
                                solver="newton-cholesky").fit(X, y)
    newton = LogisticRegression(solver="newton", tol=1e-11, max_iter=100).fit(X, names)
    assert list(newton.classes_) == list(names[[0, 50, 100]])
    assert np.allclose(newton.coef_, ref.coef_, rtol=1e-6, atol=1e-8)
    assert np.allclose(newton.intercept_, ref.intercept_, rtol=1e-6, atol=1e-8)
    lbfgs = LogisticRegression(tol=1e-8, max_iter=1000).fit(X, y)
    # L-BFGS stops on the f-tolerance (64 eps) like scikit-learn: about 1e-5 relative
    assert np.allclose(lbfgs.coef_, ref.coef_, rtol=1e-4, atol=1e-4)
    assert abs(newton.score(X, names) - ref.score(X, y)) < 1e-12
    P = newton.predict_proba(X)
    assert np.allclose(P.sum(1), 1.0, atol=10 * EPS)
    assert np.allclose(np.log(P), newton.predict_log_proba(X), atol=1e-10)
    assert np.array_equal(newton.predict(X), newton.classes_[np.argmax(P, 1)])


def test_class_weight_equals_sample_weight():
    X, y, _ = binary_data()
    a = LogisticRegression(class_weight={0: 3.0, 1: 0.5}, tol=1e-10).fit(X, y)
    b = LogisticRegression(tol=1e-10).fit(X, y, sample_weight=np.where(y == 0, 3.0, 0.5))
    assert np.allclose(a.coef_, b.coef_, rtol=1e-7)
    bal = LogisticRegression(class_weight="balanced", tol=1e-10).fit(X, y)
    counts = np.bincount(y)
    c = LogisticRegression(tol=1e-10).fit(X, y, sample_weight=len(y) / (2 * counts[y]))
    assert np.allclose(bal.coef_, c.coef_, rtol=1e-7)


def test_no_overflow_for_separable_data_and_unpenalised():
    X = np.array([[-3.0], [-2.0], [2.0], [3.0]]) * 100
    y = np.array([0, 0, 1, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.warns(ConvergenceWarning):
            est = LogisticRegression(penalty=None, max_iter=5, tol=0.0, solver="newton").fit(X, y)
        P = est.predict_proba(X * 10)
        L = est.predict_log_proba(X * 10)
    assert np.all(np.isfinite(L)) and np.all(P >= 0) and np.all(P <= 1)
    assert np.array_equal(est.predict(X), y)


def test_pickle_and_repr():
    X, y, _ = binary_data()
    est = LogisticRegression(C=0.5).fit(X, y)
    back = pickle.loads(pickle.dumps(est))
    assert np.array_equal(back.predict_proba(X), est.predict_proba(X))
    assert repr(est) == "LogisticRegression(C=0.5)"


def test_bad_input():
    X, y, _ = binary_data()
    with pytest.raises(NotFittedError):
        LogisticRegression().predict(X)
    with pytest.raises(ValueError, match="one class"):
        LogisticRegression().fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match="Unknown label type"):
        LogisticRegression().fit(X, np.linspace(0, 1, len(y)))
    Xn = X.copy()
    Xn[3, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        LogisticRegression().fit(Xn, y)
    with pytest.raises(ValueError, match="inconsistent"):
        LogisticRegression().fit(X, y[:10])
    est = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        est.predict_proba(X[:, :2])
    for params, name in [({"C": 0.0}, "C"), ({"penalty": "l1"}, "penalty"),
                         ({"solver": "sag"}, "solver"), ({"max_iter": 0}, "max_iter"),
                         ({"tol": -1.0}, "tol"), ({"class_weight": {5: 1.0}}, "class_weight"),
                         ({"class_weight": "auto"}, "class_weight")]:
        with pytest.raises(ValueError, match=name):
            LogisticRegression(**params).fit(X, y)


@pytest.mark.parametrize("n", [0, 1, 511, 512, 1300])
def test_fused_loss_kernels_match_the_formulas(n):
    """_logistic.pyx's one-pass kernels (blocks of 512 rows) against the definitions,
    weighted, with scores up to +-800 (exp would overflow without the shifts)."""
    from scipy.special import log_softmax, log_expit, expit
    from rusty_machine.learning import _logistic
    rng = np.random.RandomState(n)
    X = rng.randn(n, 7)
    s = rng.uniform(0.2, 3.0, n)
    W = rng.randn(4, 7) * 40.0
    b = rng.randn(4)
    y = rng.randint(0, 4, n).astype(np.int32)
    G, gb = np.empty((4, 7)), np.empty(4)
    loss = _logistic.multinomial_loss_grad(X, W, b, y, s, G, gb)
    Z = X @ W.T + b
    R = s[:, None] * (np.exp(log_softmax(Z, axis=1)) - np.eye(4)[y])
    ref = -np.sum(s * log_softmax(Z, axis=1)[np.arange(n), y])
    assert np.isfinite(loss) and loss == pytest.approx(ref, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(G, R.T @ X, rtol=1e-11, atol=1e-10)
    np.testing.assert_allclose(gb, R.sum(0), rtol=1e-11, atol=1e-10)
    yb = (y % 2).astype(np.float64)
    g = np.empty(7)
    loss, gbin = _logistic.binary_loss_grad(X, W[0], 0.5, yb, s, g)
    z = X @ W[0] + 0.5
    r = s * (expit(z) - yb)
    ref = np.sum(s * (-log_expit(z) + (1 - yb) * z))        # softplus(z) - y z
    assert np.isfinite(loss) and loss == pytest.approx(ref, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(g, X.T @ r, rtol=1e-11, atol=1e-10)
    assert gbin == pytest.approx(r.sum(), rel=1e-11, abs=1e-10)
    if n:
        y[-1] = 4
        with pytest.raises(ValueError, match="label"):
            _logistic.multinomial_loss_grad(X, W, b, y, s, G, gb)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_binary_hessian_is_the_weighted_gram(fit_intercept):
    """Newton's Hessian (accumulated by blocks, no scaled copy of X): X~' diag(s p (1 - p))
    X~ + l2 on the weights, divided by sum(s); exactly symmetric."""
    from scipy.special import expit
    from rusty_machine.learning.logistic_regression import _BinaryLoss
    rng = np.random.RandomState(5)
    X = rng.randn(3000, 6)
    y = (rng.rand(3000) < 0.4).astype(np.float64)
    s = rng.uniform(0.5, 2.0, 3000)
    theta = rng.randn(6 + int(fit_intercept))
    H = _BinaryLoss(X, y, s, 0.7, fit_intercept).hessian(theta)
    Xt = np.hstack([X, np.ones((3000, 1))]) if fit_intercept else X
    p = expit(X @ theta[:6] + (theta[6] if fit_intercept else 0.0))
    ref = Xt.T @ (Xt * (s * p * (1 - p))[:, None])
    ref[np.arange(6), np.arange(6)] += 0.7
    assert np.array_equal(H, H.T)
    np.testing.assert_allclose(H, ref / s.sum(), rtol=1e-12, atol=1e-15)

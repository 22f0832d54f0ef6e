"""LinearRegression and Ridge: hand-worked cases, scikit-learn comparisons, invariants,
bad input."""
import pickle

import numpy as np
import pytest

from rusty_machine.exceptions import NotFittedError
from rusty_machine.learning import LinearRegression, Ridge
from rusty_machine.linalg import Matrix

EPS = np.finfo(float).eps
SOLVERS = ["auto", "qr", "cholesky", "svd"]


def make_data(m=80, n=6, k=None, seed=0, offset=5.0):
    rng = np.random.RandomState(seed)
    X = rng.randn(m, n) * rng.uniform(0.5, 3, n) + offset * rng.randn(n)
    coef = rng.randn(n) if k is None else rng.randn(n, k)
    y = X @ coef + 2.0 + 0.1 * (rng.randn(m) if k is None else rng.randn(m, k))
    return X, y, rng.uniform(0.2, 2.0, m)


@pytest.mark.parametrize("solver", SOLVERS)
def test_hand_worked_line(solver):
    # y = 1 + 2 x exactly: least squares recovers it
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = 1.0 + 2.0 * X[:, 0]
    est = LinearRegression(solver=solver).fit(X, y)
    assert np.allclose(est.coef_, [2.0], rtol=0, atol=1e3 * EPS)
    assert abs(est.intercept_ - 1.0) < 1e3 * EPS
    # ridge by hand: centred x = (-1.5, -.5, .5, 1.5), sum x^2 = 5, sum x y = 10
    r = Ridge(alpha=1.0, solver=solver).fit(X, y)
    assert abs(r.coef_[0] - 10.0 / 6.0) < 1e3 * EPS
    assert abs(r.intercept_ - (y.mean() - 10.0 / 6.0 * 1.5)) < 1e3 * EPS


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("k", [None, 3])
def test_matches_sklearn_linear_regression(solver, fit_intercept, k):
    from sklearn import linear_model as sk
    X, y, w = make_data(k=k)
    ours = LinearRegression(fit_intercept=fit_intercept, solver=solver).fit(X, y, w)
    ref = sk.LinearRegression(fit_intercept=fit_intercept).fit(X, y, w)
    # cond(X) is modest here; the normal equations lose up to cond^2 * eps
    tol = 1e-10 if solver != "cholesky" else 1e-8
    assert ours.coef_.shape == ref.coef_.shape
    assert np.max(np.abs(ours.coef_ - ref.coef_)) <= tol * np.max(np.abs(ref.coef_))
    assert np.allclose(ours.intercept_, ref.intercept_, rtol=tol, atol=tol)
    assert ours.rank_ == X.shape[1]
    if solver == "svd":
        Xc = X - np.average(X, axis=0, weights=w) if fit_intercept else X
        s = np.linalg.svd(Xc * np.sqrt(w)[:, None], compute_uv=False)
        assert np.allclose(ours.singular_, s, rtol=1e-12)
    else:
        assert not hasattr(ours, "singular_")


@pytest.mark.parametrize("solver", SOLVERS + ["auto"])
@pytest.mark.parametrize("alpha", [0.3, 10.0])
def test_matches_sklearn_ridge(solver, alpha):
    from sklearn import linear_model as sk
    X, y, w = make_data(k=2)
    ours = Ridge(alpha=alpha, solver=solver).fit(X, y, w)
    ref = sk.Ridge(alpha=alpha, solver="svd").fit(X, y, w)
    assert np.allclose(ours.coef_, ref.coef_, rtol=1e-9, atol=1e-12)
    assert np.allclose(ours.intercept_, ref.intercept_, rtol=1e-9)
    per_target = Ridge(alpha=[alpha, 2 * alpha], solver=solver).fit(X, y)
    ref2 = sk.Ridge(alpha=[alpha, 2 * alpha], solver="svd").fit(X, y)
    assert np.allclose(per_target.coef_, ref2.coef_, rtol=1e-9, atol=1e-12)


def test_ridge_auto_solver_is_cholesky_with_a_penalty_and_qr_without():
    """The default "auto": the Cholesky solution when every alpha > 0 on well-conditioned
    data (bit for bit: no refinement below kappa = 10), the QR one when an alpha is 0
    (on a rank-deficient X the minimum-norm solution, which the normal equations cannot
    give)."""
    X, y, w = make_data(k=2)
    assert Ridge().solver == "auto"
    for alpha in (1.0, [0.5, 2.0]):
        auto = Ridge(alpha=alpha).fit(X, y, w)
        chol = Ridge(alpha=alpha, solver="cholesky").fit(X, y, w)
        assert np.array_equal(auto.coef_, chol.coef_)
    Xd = np.hstack([X, X[:, :1]])                   # a repeated column
    for alpha in (0.0, [0.0, 1.0]):
        auto = Ridge(alpha=alpha).fit(Xd, y)
        qr = Ridge(alpha=alpha, solver="qr").fit(Xd, y)
        assert np.array_equal(auto.coef_, qr.coef_)
    ref = LinearRegression().fit(Xd, y)
    zero = Ridge(alpha=0.0).fit(Xd, y)
    assert np.allclose(zero.coef_, ref.coef_, rtol=1e-10, atol=1e-12)
    assert np.allclose(zero.coef_[:, 0], zero.coef_[:, -1], rtol=1e-10)


def test_large_streamed_qr_matches_lstsq():
    # more rows than one TSQR block: the streamed R is exercised over several blocks
    rng = np.random.RandomState(3)
    X = rng.randn(5000, 12) + 100.0
    y = rng.randn(5000)
    ours = LinearRegression().fit(X, y)
    Xc = X - X.mean(0)
    ref = np.linalg.lstsq(Xc, y - y.mean(), rcond=None)[0]
    assert np.allclose(ours.coef_, ref, rtol=1e-10, atol=1e-13)


def test_rank_deficient_gives_minimum_norm():
    from sklearn import linear_model as sk
    rng = np.random.RandomState(1)
    A = rng.randn(30, 3)
    X = np.column_stack([A, A[:, 0] + A[:, 1]])       # rank 3 of 4
    y = rng.randn(30)
    ref = sk.LinearRegression().fit(X, y)
    for solver in SOLVERS:
        est = LinearRegression(solver=solver).fit(X, y)
        assert est.rank_ == 3
        assert np.allclose(est.coef_, ref.coef_, rtol=1e-8, atol=1e-10)
    # wide problem (more features than samples)
    Xw, yw = rng.randn(5, 9), rng.randn(5)
    est = LinearRegression().fit(Xw, yw)
    assert np.allclose(est.predict(Xw), yw, atol=1e-10)
    assert np.allclose(est.coef_, sk.LinearRegression().fit(Xw, yw).coef_, atol=1e-10)


def test_invariants():
    X, y, w = make_data()
    est = LinearRegression().fit(X, y, w)
    r = y - est.predict(X)
    # normal equations: X~' W r = 0 (residual orthogonal to the columns and to 1)
    Xt = np.column_stack([X, np.ones(len(y))])
    scale = np.abs(Xt).max() * np.abs(y).max() * len(y)
    assert np.max(np.abs(Xt.T @ (w * r))) < 100 * EPS * scale
    # integer weights equal repeated rows
    wi = np.random.RandomState(0).randint(0, 3, len(y))
    a = LinearRegression().fit(X, y, wi)
    b = LinearRegression().fit(np.repeat(X, wi, 0), np.repeat(y, wi))
    assert np.allclose(a.coef_, b.coef_, rtol=1e-10)
    # ridge shrinks
    n0 = np.linalg.norm(Ridge(alpha=0.0).fit(X, y).coef_)
    assert np.linalg.norm(Ridge(alpha=100.0).fit(X, y).coef_) < n0
    assert np.allclose(Ridge(alpha=0.0).fit(X, y).coef_, LinearRegression().fit(X, y).coef_)


def test_input_types_and_pickle():
    X, y, _ = make_data()
    a = LinearRegression().fit(X, y)
    b = LinearRegression().fit(Matrix(X), list(y))
    c = LinearRegression().fit(X.tolist(), y)
    assert np.array_equal(a.coef_, b.coef_) and np.array_equal(a.coef_, c.coef_)
    assert isinstance(a.predict(Matrix(X)), np.ndarray)
    back = pickle.loads(pickle.dumps(a))
    assert np.array_equal(back.predict(X), a.predict(X))
    assert abs(a.score(X, y) - (1 - np.sum((y - a.predict(X)) ** 2)
                                / np.sum((y - y.mean()) ** 2))) < 1e-12


def test_bad_input():
    X, y, _ = make_data()
    with pytest.raises(NotFittedError):
        LinearRegression().predict(X)
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        LinearRegression().fit(Xn, y)
    with pytest.raises(ValueError, match="infinity|NaN"):
        LinearRegression().fit(X, np.where(np.arange(len(y)) == 3, np.inf, y))
    with pytest.raises(ValueError, match="inconsistent"):
        LinearRegression().fit(X, y[:-1])
    est = LinearRegression().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        est.predict(X[:, :3])
    with pytest.raises(ValueError, match="solver"):
        LinearRegression(solver="normal").fit(X, y)
    with pytest.raises(ValueError, match="alpha"):
        Ridge(alpha=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="alpha"):
        Ridge(alpha=[1.0, 2.0, 3.0]).fit(X, np.column_stack([y, y]))
    with pytest.raises(ValueError, match="sample_weight"):
        LinearRegression().fit(X, y, sample_weight=np.ones(3))


# ---- accuracy against the condition number ---------------------------------------------
def _conditioned(shape, kappa, seed):
    """A design with condition number ~kappa: U diag(s) V' with s log-spaced from 1 to
    1/kappa (tall 200x8, wide 8x20), or nearly collinear columns (two columns equal to
    combinations of others up to a perturbation of size 1/kappa)."""
    rng = np.random.RandomState(seed)
    if shape == "collinear":
        A = rng.randn(120, 3)
        return np.column_stack([A, A[:, 0] + A[:, 1] + rng.randn(120) / kappa,
                                A[:, 2] - 2 * A[:, 0] + rng.randn(120) / kappa,
                                rng.randn(120)])
    m, n = (200, 8) if shape == "tall" else (8, 20)
    r = min(m, n)
    U = np.linalg.qr(rng.randn(m, r))[0]
    V = np.linalg.qr(rng.randn(n, r))[0]
    return (U * np.logspace(0, -np.log10(kappa), r)) @ V.T


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("kappa", [1e2, 1e6, 1e10])
@pytest.mark.parametrize("shape", ["tall", "wide", "collinear"])
def test_error_bounded_by_condition_number(shape, kappa, seed):
    """y = X b exactly with b in X's row space (so b is the minimum-norm solution):
    the forward error ||b^ - b|| / ||b|| <= n kappa eps for QR and SVD and n kappa^2 eps
    for the normal equations (Cholesky) [GVL4 Sec. 5.3.8, Thm 5.3.1]; the residual
    ||X b^ - y|| <= n eps ||X|| ||b|| for the backward-stable QR and SVD, kappa times more
    for Cholesky. Ridge (no intercept) likewise against V diag(s / (s^2 + alpha)) U' y,
    with the regularised problem's own condition number."""
    X = _conditioned(shape, kappa, seed)
    m, n = X.shape
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    k = s[0] / s[-1]
    b = Vt.T @ (Vt @ np.random.RandomState(100 + seed).randn(n))   # in the row space
    y = X @ b
    N = max(m, n)
    for solver in SOLVERS:
        est = LinearRegression(fit_intercept=False, solver=solver).fit(X, y)
        kk = k * k if solver == "cholesky" else k
        err = np.linalg.norm(est.coef_ - b) / np.linalg.norm(b)
        assert err <= N * kk * EPS, (solver, err / (N * kk * EPS))
        res = np.linalg.norm(X @ est.coef_ - y) / (s[0] * np.linalg.norm(b))
        assert res <= N * (k if solver == "cholesky" else 1.0) * EPS, (solver, res)
        assert est.intercept_ == 0.0
    alpha = 1e-3
    ridge_ref = Vt.T @ (s / (s ** 2 + alpha) * (U.T @ y))
    # the regularised problem [X; sqrt(alpha) I] b = [y; 0] has condition number
    # sqrt((s_1^2 + alpha) / (s_min^2 + alpha)), s_min = 0 for a wide X
    s_min2 = s[-1] ** 2 if m >= n else 0.0
    k_ridge = np.sqrt((s[0] ** 2 + alpha) / (s_min2 + alpha))
    for solver in SOLVERS:
        est = Ridge(alpha=alpha, fit_intercept=False, solver=solver).fit(X, y)
        kk = k_ridge ** 2 if solver == "cholesky" else k_ridge
        err = np.linalg.norm(est.coef_ - ridge_ref) / np.linalg.norm(ridge_ref)
        assert err <= N * kk * EPS, (solver, err / (N * kk * EPS))

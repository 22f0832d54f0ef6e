"""Generalized linear models: hand-worked cases, gradients against finite differences,
monotone IRLS objective, scikit-learn comparisons, offsets, binomial proportions, bad
input."""
import numpy as np
import pytest

from rusty_machine.exceptions import ConvergenceWarning, NotFittedError
from rusty_machine.learning import (GammaRegressor, GeneralizedLinearModel,
                                    LinearRegression, PoissonRegressor, TweedieRegressor)
from rusty_machine.learning.glm import _Family, _LINKS, _norm_cdf, _norm_ppf

EPS = np.finfo(float).eps


def make(m=400, n=4, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(m, n) * 0.5
    eta = X @ (rng.randn(n) * 0.5) + 0.3
    mu = np.exp(eta)
    return (X, rng.poisson(mu).astype(float), rng.gamma(2.0, mu / 2.0),
            rng.uniform(0.5, 2.0, m))


def test_hand_worked_poisson_intercept_only():
    # with one constant feature the MLE of a Poisson mean is the sample mean
    X = np.zeros((5, 1))
    y = np.array([0.0, 1.0, 2.0, 3.0, 9.0])
    est = PoissonRegressor(alpha=0.0, tol=1e-12).fit(X, y)
    assert abs(est.intercept_ - np.log(3.0)) < 1e-12
    assert np.allclose(est.predict(X), 3.0, rtol=1e-12)
    # exposure: y_i ~ Poisson(t_i * rate): the MLE of the rate is sum y / sum t
    t = np.array([1.0, 2.0, 1.0, 4.0, 2.0])
    est = PoissonRegressor(alpha=0.0, tol=1e-12).fit(X, y, offset=np.log(t))
    assert abs(np.exp(est.intercept_) - y.sum() / t.sum()) < 1e-12
    assert np.allclose(est.predict(X, offset=np.log(t)), t * y.sum() / t.sum())


def test_normal_identity_is_least_squares():
    X, _, yg, w = make()
    a = GeneralizedLinearModel(family="normal", tol=1e-12).fit(X, yg, w)
    b = LinearRegression().fit(X, yg, w)
    assert np.allclose(a.coef_, b.coef_, rtol=1e-10) and abs(a.intercept_ - b.intercept_) < 1e-10
    assert a.n_iter_ <= 2


@pytest.mark.parametrize("family, power", [("normal", 0), ("poisson", 1), ("gamma", 2),
                                           ("inverse_gaussian", 3), ("tweedie", 1.5),
                                           ("tweedie", -0.5), ("binomial", 0)])
def test_unit_deviance_gradient_matches_finite_differences(family, power):
    # d/dmu of d(y, mu) / 2 must be -(y - mu) / V(mu): what IRLS relies on
    fam = _Family(family, power)
    y = np.array([0.2, 0.7, 0.4]) if family == "binomial" else np.array([0.5, 1.5, 3.0])
    mu = np.array([0.3, 0.6, 0.45]) if family == "binomial" else np.array([0.8, 1.2, 2.5])
    h = 1e-6
    fd = (fam.unit_deviance(y, mu + h) - fam.unit_deviance(y, mu - h)) / (4 * h)
    assert np.allclose(fd, -(y - mu) / fam.variance(mu), rtol=1e-6)
    assert np.all(fam.unit_deviance(y, y) == 0) or np.allclose(fam.unit_deviance(y, y), 0,
                                                               atol=1e-15)


@pytest.mark.parametrize("name", list(_LINKS))
def test_links_are_inverse_and_derivative(name):
    link = _LINKS[name]()
    mu = np.array([0.2, 0.5, 0.7])
    eta = link.link(mu)
    assert np.allclose(link.inverse(eta), mu, rtol=1e-12)
    h = 1e-6
    fd = (link.link(mu + h) - link.link(mu - h)) / (2 * h)
    assert np.allclose(link.deriv(mu, eta), fd, rtol=1e-6)


def test_normal_cdf_and_quantile():
    x = np.array([-3.0, -1.0, 0.0, 0.5, 2.0])
    ref = np.array([0.0013498980316301, 0.15865525393145707, 0.5, 0.6914624612740131,
                    0.9772498680518208])
    assert np.allclose(_norm_cdf(x), ref, rtol=1e-13)
    assert np.allclose(_norm_ppf(ref), x, atol=1e-12)


@pytest.mark.parametrize("cls, kind, alpha, fi", [
    (PoissonRegressor, "p", 0.0, True), (PoissonRegressor, "p", 0.5, False),
    (GammaRegressor, "g", 0.0, True), (GammaRegressor, "g", 0.3, True),
    (TweedieRegressor, "p", 0.2, True),
])
def test_matches_sklearn(cls, kind, alpha, fi):
    from sklearn import linear_model as sk
    X, yp, yg, w = make()
    y = yp if kind == "p" else yg
    kw = {"power": 1.5} if cls is TweedieRegressor else {}
    ours = cls(alpha=alpha, fit_intercept=fi, tol=1e-10, max_iter=200, **kw).fit(X, y, w)
    ref = getattr(sk, cls.__name__)(alpha=alpha, fit_intercept=fi, tol=1e-12, max_iter=1000,
                                    solver="newton-cholesky", **kw).fit(X, y, w)
    assert np.allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=1e-9)
    assert abs(ours.intercept_ - ref.intercept_) < 1e-6 * max(1, abs(ref.intercept_))
    assert abs(ours.score(X, y, w) - ref.score(X, y, w)) < 1e-9


@pytest.mark.parametrize("family, link", [("poisson", "log"), ("poisson", "identity"),
                                          ("gamma", "inverse"), ("binomial", "probit"),
                                          ("inverse_gaussian", "log")])
def test_irls_objective_never_increases(family, link):
    X, yp, yg, w = make(seed=4)
    if family == "binomial":
        y = (yp > 1).astype(float)
    elif family == "poisson":
        y = yp
    else:
        y = yg
    if link == "identity":
        X = np.abs(X)                 # keep the identity-link mean positive
    est = GeneralizedLinearModel(family=family, link=link, alpha=0.01, tol=1e-10,
                                 max_iter=300).fit(X, y, w)
    path = np.array(est.objective_path_)
    assert len(path) >= 2
    assert np.all(np.diff(path) <= 8 * EPS * np.abs(path[:-1]))
    assert np.all(np.isfinite(est.predict(X)))


def test_binomial_proportions_equal_expanded_bernoulli():
    rng = np.random.RandomState(2)
    X = rng.randn(30, 2)
    trials = rng.randint(1, 6, 30)
    succ = rng.binomial(trials, 1 / (1 + np.exp(-(X @ [1.0, -0.5]))))
    prop = GeneralizedLinearModel(family="binomial", tol=1e-12).fit(
        X, succ / trials, sample_weight=trials)
    Xe = np.repeat(X, trials, axis=0)
    ye = np.concatenate([np.r_[np.ones(s), np.zeros(t - s)] for s, t in zip(succ, trials)])
    bern = GeneralizedLinearModel(family="bernoulli", tol=1e-12).fit(Xe, ye)
    assert np.allclose(prop.coef_, bern.coef_, rtol=1e-9)
    assert abs(prop.intercept_ - bern.intercept_) < 1e-9
    # logistic regression without penalty is the same model
    from rusty_machine.learning import LogisticRegression
    lr = LogisticRegression(penalty=None, solver="newton", tol=1e-12).fit(Xe, ye)
    assert np.allclose(lr.coef_[0], bern.coef_, rtol=1e-8)


def test_deviance_and_score():
    X, yp, _, w = make()
    est = PoissonRegressor(alpha=0.0, tol=1e-12).fit(X, yp)
    mu = est.predict(X)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = 2 * np.sum(np.where(yp > 0, yp * np.log(yp / mu), 0) - yp + mu)
        null = 2 * np.sum(np.where(yp > 0, yp * np.log(yp / yp.mean()), 0) - yp + yp.mean())
    assert abs(est.deviance(X, yp) - d) < 1e-9 * d
    assert abs(est.score(X, yp) - (1 - d / null)) < 1e-12


def test_convergence_warning():
    X, yp, _, _ = make()
    with pytest.warns(ConvergenceWarning):
        GammaRegressor(alpha=0.0, tol=0.0, max_iter=2).fit(X, yp + 1.0)


def test_bad_input():
    X, yp, yg, _ = make(m=50)
    with pytest.raises(NotFittedError):
        PoissonRegressor().predict(X)
    with pytest.raises(ValueError, match="negative"):
        PoissonRegressor().fit(X, yp - 5)
    with pytest.raises(ValueError, match="y > 0"):
        GammaRegressor().fit(X, yp)                       # has zeros
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        GeneralizedLinearModel(family="binomial").fit(X, yg)
    with pytest.raises(ValueError, match="0, 1"):
        GeneralizedLinearModel(family="bernoulli").fit(X, np.full(50, 0.5))
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        PoissonRegressor().fit(Xn, yp)
    with pytest.raises(ValueError, match="inconsistent"):
        PoissonRegressor().fit(X, yp[:-2])
    est = PoissonRegressor().fit(X, yp)
    with pytest.raises(ValueError, match="features"):
        est.predict(X[:, :2])
    with pytest.raises(ValueError, match="offset"):
        est.predict(X, offset=np.zeros(3))
    for params, name in [({"family": "cauchy"}, "family"), ({"link": "cloglog"}, "link"),
                         ({"family": "tweedie", "power": 0.5}, "power"),
                         ({"alpha": -1.0}, "alpha"), ({"max_iter": 0}, "max_iter")]:
        with pytest.raises(ValueError, match=name):
            GeneralizedLinearModel(**params).fit(X, yp)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_weighted_gram_kernel(fit_intercept):
    from rusty_machine.learning._glm import weighted_gram
    rng = np.random.RandomState(5)
    X, z, w = rng.randn(5000, 3), rng.randn(5000), rng.rand(5000)   # several row blocks
    A = np.column_stack([X, np.ones(5000)] if fit_intercept else [X])
    A = np.column_stack([A, z]) * np.sqrt(w)[:, None]
    G = weighted_gram(X, z, w, fit_intercept)
    ref = A.T @ A
    assert np.allclose(np.tril(G), np.tril(ref), rtol=0, atol=5000 * EPS * np.abs(ref).max())
    assert np.all(np.triu(G, 1) == 0)
    with pytest.raises(ValueError, match="rows"):
        weighted_gram(X, z[:10], w, fit_intercept)


# ---- the L-BFGS path (solver="lbfgs", scikit-learn's default) ---------------------------

def _est(cls, power, **kw):
    return cls(power=power, link="log", **kw) if cls is TweedieRegressor else cls(**kw)


@pytest.mark.parametrize("cls, power, kind", [
    (PoissonRegressor, 1.0, "p"), (GammaRegressor, 2.0, "g"), (TweedieRegressor, 1.5, "p"),
    (TweedieRegressor, 0.0, "g"), (TweedieRegressor, 3.0, "g")])
@pytest.mark.parametrize("alpha", [1.0, 1e-3])
def test_lbfgs_follows_sklearn_lbfgs(cls, power, kind, alpha):
    # the same start, objective, optimiser and stopping rule: scikit-learn's answer to
    # its own tolerance, in about its number of iterations
    from sklearn import linear_model as sk
    X, yp, yg, w = make(m=600, seed=3)
    y = yp if kind == "p" else yg
    ours = _est(cls, power, alpha=alpha).fit(X, y, w)
    kw = {"power": power, "link": "log"} if cls is TweedieRegressor else {}
    ref = getattr(sk, cls.__name__)(alpha=alpha, **kw).fit(X, y, w)
    # both stop at max |grad F| <= 1e-4: the objectives agree far more closely than the
    # coefficients of the flat power-3 problem
    fam = _Family("tweedie", power)

    def F(est):
        mu = np.exp(X @ est.coef_ + est.intercept_)
        return (0.5 * np.sum(w * fam.unit_deviance(y, mu)) / w.sum()
                + 0.5 * alpha * np.sum(est.coef_ ** 2))
    assert F(ours) == pytest.approx(F(ref), rel=1e-6)
    scale = max(1.0, np.abs(ref.coef_).max())
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=1e-3 * scale)
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-3 * scale)
    assert abs(ours.n_iter_ - ref.n_iter_) <= 2
    assert ours.objective_path_ and np.all(np.diff(ours.objective_path_) <= 0)


@pytest.mark.parametrize("cls, power, kind", [
    (PoissonRegressor, 1.0, "p"), (GammaRegressor, 2.0, "g"), (TweedieRegressor, 1.5, "p")])
def test_lbfgs_and_newton_reach_the_same_optimum(cls, power, kind):
    X, yp, yg, w = make(seed=5)
    y = yp if kind == "p" else yg
    off = np.linspace(-0.2, 0.2, len(y))
    a = _est(cls, power, alpha=0.1, tol=1e-9, max_iter=1000).fit(X, y, w, offset=off)
    b = _est(cls, power, alpha=0.1, tol=1e-10, solver="newton-cholesky").fit(
        X, y, w, offset=off)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-6, atol=1e-8)
    assert a.intercept_ == pytest.approx(b.intercept_, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("power", [0.0, 1.0, 1.5, 2.0, 3.0])
def test_log_link_pass_value_and_gradient(power):
    # sum s h + sum s c equals half the weighted deviance of _Family; the gradient
    # matches central differences of the value
    from rusty_machine.learning._glm import log_link_loss_grad
    X, yp, yg, w = make(m=1500, n=5, seed=7)
    X = np.vstack([X, X[:700]])                   # 2200 rows: two blocks of 2048
    y = np.concatenate([yp if 0 < power < 2 else yg, (yp if 0 < power < 2 else yg)[:700]])
    s = np.concatenate([w, w[:700]])
    off = np.full(len(y), 0.1)
    coef, b = np.array([0.1, -0.2, 0.3, 0.0, 0.05]), 0.2
    g = np.empty(5)
    val, gb = log_link_loss_grad(X, y, s, off, coef, b, power, g)
    fam = _Family("tweedie", power)
    mu = np.exp(X @ coef + b + off)
    half = 0.5 * np.sum(s * fam.unit_deviance(y, mu))
    with np.errstate(divide="ignore"):
        if power == 1.0:
            c = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0) - y
        elif power == 2.0:
            c = -np.log(y) - 1.0
        else:
            c = np.maximum(y, 0) ** (2 - power) / ((1 - power) * (2 - power))
    assert val + np.sum(s * c) == pytest.approx(half, rel=1e-12)
    h = 1e-6
    for j in range(5):
        e = np.zeros(5)
        e[j] = h
        fd = (log_link_loss_grad(X, y, s, off, coef + e, b, power, np.empty(5))[0]
              - log_link_loss_grad(X, y, s, off, coef - e, b, power, np.empty(5))[0]) / (2 * h)
        assert g[j] == pytest.approx(fd, rel=1e-6, abs=1e-6 * np.abs(g).max())
    fdb = (log_link_loss_grad(X, y, s, off, coef, b + h, power, np.empty(5))[0]
           - log_link_loss_grad(X, y, s, off, coef, b - h, power, np.empty(5))[0]) / (2 * h)
    assert gb == pytest.approx(fdb, rel=1e-6)


@pytest.mark.parametrize("cls", [PoissonRegressor, GammaRegressor, TweedieRegressor])
@pytest.mark.parametrize("solver", ["lbfgs", "newton-cholesky"])
def test_max_iter_one_warns(cls, solver):
    X, yp, yg, w = make(seed=2)
    y = yg if cls is GammaRegressor else yp
    est = (cls(power=1.5, max_iter=1, tol=1e-12, solver=solver) if cls is TweedieRegressor
           else cls(max_iter=1, tol=1e-12, solver=solver))
    with pytest.warns(ConvergenceWarning):
        est.fit(X, y)
    assert est.n_iter_ == 1


def test_solver_checked():
    X, yp, _, _ = make()
    with pytest.raises(ValueError, match="solver"):
        PoissonRegressor(solver="newton").fit(X, yp)
    assert PoissonRegressor().get_params()["solver"] == "lbfgs"

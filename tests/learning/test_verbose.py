"""``verbose`` on the estimators that iterate: quiet by default, one line per iteration
(or per solved problem, for SMO) when set, as scikit-learn's estimators report."""
import re
import warnings

import numpy as np
import pytest

from rusty_machine.learning import (GaussianMixture, GaussianProcessRegressor, KMeans,
                                    LogisticRegression, MLPClassifier, PoissonRegressor,
                                    SVC, SVR, GeneralizedLinearModel, GammaRegressor,
                                    TweedieRegressor)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 3))
    y_cls = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    y_reg = np.exp(0.3 * X[:, 0] + 0.1)
    return X, y_cls, y_reg


def _lines(capsys, pattern):
    out = capsys.readouterr().out
    return [line for line in out.splitlines() if re.search(pattern, line)], out


def test_default_is_quiet(data, capsys):
    X, y, yr = data
    KMeans(3, random_state=0).fit(X)
    LogisticRegression().fit(X, y)
    SVC().fit(X, y)
    PoissonRegressor().fit(X, yr)
    GaussianProcessRegressor().fit(X[:20], yr[:20])
    assert capsys.readouterr().out == ""
    for est in (KMeans(), LogisticRegression(), SVC(), SVR(), PoissonRegressor(),
                GammaRegressor(), TweedieRegressor(), GeneralizedLinearModel(),
                GaussianProcessRegressor()):
        assert est.get_params()["verbose"] == 0


def test_kmeans_one_line_per_lloyd_iteration(data, capsys):
    X = data[0]
    km = KMeans(3, n_init=1, random_state=0, verbose=1).fit(X)
    lines, _ = _lines(capsys, r"^Iteration \d+: \d+ labels changed")
    assert len(lines) == km.n_iter_


@pytest.mark.parametrize("solver", ["lbfgs", "newton", "gd"])
def test_logistic_regression_one_line_per_iteration(data, capsys, solver):
    X, y, _ = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")            # gd may stop at max_iter: not the point
        clf = LogisticRegression(solver=solver, verbose=1, max_iter=50).fit(X, y)
    lines, _ = _lines(capsys, r"^%s iteration \d+: loss " % solver)
    assert 0 < len(lines) <= clf.n_iter_[0]
    losses = [float(line.rsplit(" ", 1)[1]) for line in lines]
    assert all(b <= a + 1e-12 for a, b in zip(losses, losses[1:]))   # descent methods


@pytest.mark.parametrize("est", [PoissonRegressor(), GammaRegressor(),
                                 TweedieRegressor(power=1.5)])
@pytest.mark.parametrize("solver", ["lbfgs", "newton-cholesky"])
def test_glm_one_line_per_irls_iteration(data, capsys, est, solver):
    X, _, yr = data
    est.set_params(verbose=1, solver=solver).fit(X, yr)
    name = "L-BFGS" if solver == "lbfgs" else "IRLS"
    lines, _ = _lines(capsys, r"^%s iteration \d+: objective " % name)
    assert len(lines) == len(est.objective_path_)
    printed = [float(line.split("objective ")[1].split(",")[0]) for line in lines]
    np.testing.assert_allclose(printed, est.objective_path_, rtol=1e-9)


def test_svm_one_line_per_smo_problem(data, capsys):
    X, y, yr = data
    SVC(verbose=1).fit(X, y)
    lines, _ = _lines(capsys, r"^optimization finished, #iter = \d+, obj = ")
    assert len(lines) == 1
    y3 = np.digitize(X[:, 0], [-0.5, 0.5])
    SVC(verbose=1).fit(X, y3)                       # one-vs-one: 3 problems
    lines, _ = _lines(capsys, r"^optimization finished")
    assert len(lines) == 3
    m = SVR(verbose=1).fit(X, yr)
    lines, _ = _lines(capsys, r"^optimization finished")
    assert len(lines) == 1
    assert ("#iter = %d," % np.asarray(m.n_iter_).ravel()[0]) in lines[0]


def test_gp_optimiser_reports_rising_likelihood(data, capsys):
    X, _, yr = data
    gp = GaussianProcessRegressor(verbose=1).fit(X[:25], yr[:25])
    lines, _ = _lines(capsys, r"^L-BFGS iteration \d+: log marginal likelihood ")
    assert len(lines) == gp.n_iter_ > 0
    last = float(lines[-1].rsplit(" ", 1)[1])
    assert last == pytest.approx(gp.log_marginal_likelihood_value_, rel=1e-6)


def test_already_verbose_estimators_still_report(data, capsys):
    X, y, _ = data
    GaussianMixture(2, verbose=2, verbose_interval=1, random_state=0).fit(X)
    assert "Iteration" in capsys.readouterr().out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        MLPClassifier((5,), max_iter=3, verbose=True, random_state=0).fit(X, y)
    out = capsys.readouterr().out
    assert "Iteration" in out or "loss" in out

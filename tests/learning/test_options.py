"""Options no other test exercised, each checked for its effect against scikit-learn (or
numpy) on seeded data, or against a case worked by hand: naive Bayes fit_prior /
class_prior / binarize and GaussianNB priors; TweedieRegressor's link at powers 0 to 3;
GaussianProcessRegressor's callable optimizer and per-sample alpha; pinv's rcond; the
metrics' labels= and pos_label=."""
import numpy as np
import pytest
from scipy.optimize import minimize
from sklearn import linear_model as sk_lm
from sklearn import metrics as sk_metrics
from sklearn import naive_bayes as sk_nb
from sklearn.gaussian_process import GaussianProcessRegressor as SkGP
from sklearn.gaussian_process import kernels as SK

from rusty_machine.analysis import (confusion_matrix, f1_score, log_loss,
                                    precision_recall_fscore_support, precision_score,
                                    recall_score)
from rusty_machine.learning import (BernoulliNB, GaussianNB, GaussianProcessRegressor,
                                    MultinomialNB, TweedieRegressor)
from rusty_machine.learning import kernels as K
from rusty_machine.linalg import pinv

EPS = np.finfo(float).eps


# ---- naive Bayes -------------------------------------------------------------------------
def _nb_data(seed=0, n=120):
    rng = np.random.RandomState(seed)
    y = np.repeat([0, 1, 2], [70, 30, 20])[:n]
    X = rng.randn(n, 4) + y[:, None] * np.array([1.0, -0.5, 0.3, 0.8])
    return X, y


@pytest.mark.parametrize("params", [dict(fit_prior=False),
                                    dict(class_prior=[0.2, 0.3, 0.5]),
                                    dict(fit_prior=False, class_prior=[0.6, 0.3, 0.1]),
                                    dict(binarize=0.5), dict(binarize=None, alpha=0.3)])
def test_bernoulli_options_match_sklearn(params):
    X, y = _nb_data()
    Xb = X if params.get("binarize", 0.0) is not None else (X > 0.2).astype(float)
    ours = BernoulliNB(**params).fit(Xb, y)
    ref = sk_nb.BernoulliNB(**params).fit(Xb, y)
    np.testing.assert_allclose(ours.class_log_prior_, ref.class_log_prior_, rtol=1e-13)
    np.testing.assert_allclose(ours.predict_log_proba(Xb), ref.predict_log_proba(Xb),
                               rtol=1e-11, atol=1e-11)
    np.testing.assert_array_equal(ours.predict(Xb), ref.predict(Xb))


def test_prior_options_by_hand():
    """fit_prior=False: uniform log(1/3); class_prior given: its log, whatever fit_prior."""
    X, y = _nb_data()
    Xc = np.round(np.abs(3 * X))
    np.testing.assert_allclose(MultinomialNB(fit_prior=False).fit(Xc, y).class_log_prior_,
                               np.log(np.full(3, 1 / 3)), rtol=1e-15)
    np.testing.assert_allclose(MultinomialNB(class_prior=[0.5, 0.25, 0.25]).fit(Xc, y)
                               .class_log_prior_, np.log([0.5, 0.25, 0.25]), rtol=1e-15)
    np.testing.assert_allclose(MultinomialNB().fit(Xc, y).class_log_prior_,
                               np.log([70 / 120, 30 / 120, 20 / 120]), rtol=1e-15)
    # binarize=t maps x > t to 1: the same model as fitting the binarised data
    a = BernoulliNB(binarize=0.7).fit(X, y)
    b = BernoulliNB(binarize=None).fit((X > 0.7).astype(float), y)
    np.testing.assert_array_equal(a.feature_log_prob_, b.feature_log_prob_)
    np.testing.assert_array_equal(a.predict_log_proba(X),
                                  b.predict_log_proba((X > 0.7).astype(float)))


@pytest.mark.parametrize("params", [dict(fit_prior=False), dict(class_prior=[0.2, 0.3, 0.5])])
def test_multinomial_options_match_sklearn(params):
    X, y = _nb_data(1)
    Xc = np.round(np.abs(3 * X))
    ours = MultinomialNB(**params).fit(Xc, y)
    ref = sk_nb.MultinomialNB(**params).fit(Xc, y)
    np.testing.assert_allclose(ours.predict_log_proba(Xc), ref.predict_log_proba(Xc),
                               rtol=1e-11, atol=1e-11)


def test_gaussian_priors_match_sklearn_and_hand():
    X, y = _nb_data(2)
    priors = [0.1, 0.1, 0.8]
    ours = GaussianNB(priors=priors).fit(X, y)
    ref = sk_nb.GaussianNB(priors=priors).fit(X, y)
    np.testing.assert_array_equal(ours.class_prior_, priors)
    np.testing.assert_allclose(ours.predict_log_proba(X), ref.predict_log_proba(X),
                               rtol=1e-11, atol=1e-11)
    # the joint log-likelihood moves by log(prior ratio): the log-odds of classes 2 and 0
    plain = GaussianNB().fit(X, y)
    shift = (ours.predict_log_proba(X)[:, 2] - ours.predict_log_proba(X)[:, 0]) - \
        (plain.predict_log_proba(X)[:, 2] - plain.predict_log_proba(X)[:, 0])
    np.testing.assert_allclose(shift, np.log(0.8 / 0.1) - np.log(20 / 70), rtol=1e-10)


# ---- Tweedie link and power -----------------------------------------------------------------
# scikit-learn's Newton-Cholesky gives up on these (a Hessian with negative pointwise
# values) and warns before falling back to L-BFGS: ask for L-BFGS directly
_SK_LBFGS = {(2.0, "identity"), (3.0, "identity"), (3.0, "log")}


@pytest.mark.parametrize("link", ["identity", "log"])
@pytest.mark.parametrize("power", [0.0, 1.0, 1.5, 2.0, 3.0])
def test_tweedie_power_and_link_match_sklearn(power, link):
    rng = np.random.RandomState(0)
    X = rng.rand(200, 3)
    mu = np.exp(X @ [0.5, -0.3, 0.2] + 0.5)
    y = rng.gamma(2.0, mu / 2.0) if power > 0 else mu + 0.3 * rng.randn(200)
    if power == 1.0:
        y = rng.poisson(mu).astype(float)
    solver = "lbfgs" if (power, link) in _SK_LBFGS else "newton-cholesky"
    # the same solver on both sides (ours runs IRLS for the identity link either way)
    ours = TweedieRegressor(power=power, link=link, alpha=0.05, tol=1e-12,
                            max_iter=1000, solver=solver).fit(X, y)
    ref = sk_lm.TweedieRegressor(power=power, link=link, alpha=0.05, tol=1e-12,
                                 solver=solver, max_iter=1000).fit(X, y)
    rtol = 1e-6 if solver == "lbfgs" else 1e-9
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=rtol, atol=rtol * 1e-2)
    assert ours.intercept_ == pytest.approx(ref.intercept_, rel=rtol, abs=rtol * 1e-2)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=rtol)
    # the link is what it says: identity predicts X b + c, log predicts exp(X b + c)
    eta = X @ ours.coef_ + ours.intercept_
    np.testing.assert_allclose(ours.predict(X), np.exp(eta) if link == "log" else eta,
                               rtol=1e-12)
    # "auto" is identity for power 0 and log otherwise: the very same fit
    if (link == "log") == (power > 0):
        auto = TweedieRegressor(power=power, alpha=0.05, tol=1e-12, max_iter=1000,
                                solver=solver).fit(X, y)
        np.testing.assert_array_equal(auto.coef_, ours.coef_)
        assert auto.intercept_ == ours.intercept_


# ---- Gaussian process: callable optimizer, per-sample alpha -------------------------------
RNG = np.random.RandomState(0)
XG = RNG.rand(40, 2)
YG = np.sin(3 * XG[:, 0]) + XG[:, 1] ** 2 + 0.1 * RNG.randn(40)


def _scipy_optimizer(obj_func, initial_theta, bounds):
    res = minimize(obj_func, initial_theta, jac=True, method="L-BFGS-B", bounds=bounds)
    return res.x, res.fun


def test_gp_callable_optimizer_matches_sklearn():
    """The same callable (scipy's L-BFGS-B) on both sides: the same optimum, and the
    callable is what ran (our own L-BFGS is not called)."""
    calls = []

    def optimizer(obj_func, theta0, bounds):
        calls.append(np.array(theta0))
        return _scipy_optimizer(obj_func, theta0, bounds)

    ours = GaussianProcessRegressor(K.Constant(1.0) * K.RBF([1.0, 1.0]),
                                    optimizer=optimizer, alpha=1e-2).fit(XG, YG)
    ref = SkGP(SK.ConstantKernel(1.0) * SK.RBF([1.0, 1.0]), optimizer=_scipy_optimizer,
               alpha=1e-2).fit(XG, YG)
    assert len(calls) == 1
    np.testing.assert_allclose(calls[0], np.zeros(3), atol=1e-15)      # log(1) each
    assert ours.log_marginal_likelihood_value_ == pytest.approx(
        ref.log_marginal_likelihood_value_, rel=1e-8)
    np.testing.assert_allclose(ours.predict(XG), ref.predict(XG), rtol=1e-6, atol=1e-8)


def test_gp_array_alpha_matches_sklearn_and_hand():
    alpha = np.linspace(1e-3, 0.5, len(YG))
    ours = GaussianProcessRegressor(K.RBF(0.4), alpha=alpha, optimizer=None).fit(XG, YG)
    ref = SkGP(SK.RBF(0.4), alpha=alpha, optimizer=None).fit(XG, YG)
    mean, std = ours.predict(XG, return_std=True)
    mean_r, std_r = ref.predict(XG, return_std=True)
    np.testing.assert_allclose(mean, mean_r, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(std, std_r, rtol=1e-8, atol=1e-10)
    # by hand: mean = K (K + diag(alpha))^-1 y
    d2 = ((XG[:, None] - XG[None]) ** 2).sum(-1)
    Kxx = np.exp(-0.5 * d2 / 0.4 ** 2)
    np.testing.assert_allclose(mean, Kxx @ np.linalg.solve(Kxx + np.diag(alpha), YG),
                               rtol=1e-9, atol=1e-11)
    with pytest.raises(ValueError, match="alpha"):
        GaussianProcessRegressor(K.RBF(0.4), alpha=alpha[:5], optimizer=None).fit(XG, YG)


# ---- pinv(rcond=) ------------------------------------------------------------------------------
@pytest.mark.parametrize("rcond", [1e-15, 1e-8, 1e-3, 0.5])
def test_pinv_rcond_matches_numpy(rcond):
    """Singular values 1, 1e-2, 1e-6, 1e-12: rcond decides which are inverted."""
    rng = np.random.RandomState(3)
    U = np.linalg.qr(rng.randn(7, 4))[0]
    V = np.linalg.qr(rng.randn(5, 4))[0]
    s = np.array([1.0, 1e-2, 1e-6, 1e-12])
    A = (U * s) @ V.T
    ours = np.asarray(pinv(A, rcond=rcond))
    ref = np.linalg.pinv(A, rcond=rcond)
    kept = s > rcond * s[0]
    by_hand = (V[:, kept] / s[kept]) @ U[:, kept].T
    scale = 1.0 / s[kept].min()
    np.testing.assert_allclose(ours, by_hand, rtol=0, atol=1e3 * EPS * scale ** 2)
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e3 * EPS * scale ** 2)


# ---- metrics: labels= and pos_label= -----------------------------------------------------------
Y_TRUE = np.array(["a", "b", "c", "a", "b", "c", "a", "a", "d"])
Y_PRED = np.array(["a", "c", "c", "b", "b", "a", "a", "d", "d"])


@pytest.mark.parametrize("labels", [["a", "b"], ["c", "a", "d"], ["b", "a", "c", "d", "e"]])
def test_metrics_labels_match_sklearn(labels):
    np.testing.assert_array_equal(confusion_matrix(Y_TRUE, Y_PRED, labels=labels),
                                  sk_metrics.confusion_matrix(Y_TRUE, Y_PRED, labels=labels))
    for average in (None, "macro", "micro", "weighted"):
        for ours, ref in [(precision_score, sk_metrics.precision_score),
                          (recall_score, sk_metrics.recall_score),
                          (f1_score, sk_metrics.f1_score)]:
            # ours counts 0/0 as 0, scikit-learn's zero_division=0
            kw = dict(labels=labels, average=average)
            np.testing.assert_allclose(ours(Y_TRUE, Y_PRED, **kw),
                                       ref(Y_TRUE, Y_PRED, zero_division=0, **kw),
                                       rtol=1e-14, err_msg="%s %s" % (ours.__name__, average))
    got = precision_recall_fscore_support(Y_TRUE, Y_PRED, labels=labels)
    ref = sk_metrics.precision_recall_fscore_support(Y_TRUE, Y_PRED, labels=labels,
                                                     zero_division=0)
    for a, b in zip(got, ref):
        np.testing.assert_allclose(a, b, rtol=1e-14)


@pytest.mark.parametrize("pos_label", ["yes", "no"])
def test_metrics_pos_label_match_sklearn_and_hand(pos_label):
    yt = np.array(["yes", "no", "yes", "yes", "no", "no", "yes"])
    yp = np.array(["yes", "yes", "no", "yes", "no", "yes", "yes"])
    for ours, ref in [(precision_score, sk_metrics.precision_score),
                      (recall_score, sk_metrics.recall_score),
                      (f1_score, sk_metrics.f1_score)]:
        assert ours(yt, yp, pos_label=pos_label) == pytest.approx(
            ref(yt, yp, pos_label=pos_label), rel=1e-15)
    # by hand for "yes": 3 of the 5 predicted yes are yes, 3 of the 4 yes are found
    if pos_label == "yes":
        assert precision_score(yt, yp, pos_label="yes") == pytest.approx(3 / 5)
        assert recall_score(yt, yp, pos_label="yes") == pytest.approx(3 / 4)
    else:  # "no": 1 of the 2 predicted no, 1 of the 3 no
        assert precision_score(yt, yp, pos_label="no") == pytest.approx(1 / 2)
        assert recall_score(yt, yp, pos_label="no") == pytest.approx(1 / 3)


def test_log_loss_labels_match_sklearn():
    """labels= names the columns of y_prob when y_true lacks a class."""
    yt = np.array([0, 2, 2, 0])
    P = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.2, 0.6], [0.5, 0.4, 0.1]])
    assert log_loss(yt, P, labels=[0, 1, 2]) == pytest.approx(
        sk_metrics.log_loss(yt, P, labels=[0, 1, 2]), rel=1e-14)
    assert log_loss(yt, P, labels=[0, 1, 2]) == pytest.approx(
        -np.mean(np.log([0.7, 0.6, 0.6, 0.5])), rel=1e-14)


@pytest.mark.parametrize("power, link", [(0.0, "log"), (1.0, "log"), (1.5, "log"),
                                         (1.5, "identity"), (2.0, "log"), (3.0, "log")])
def test_glm_iteration_limit_warns_unless_converged(power, link):
    """max_iter=1 with tol=1e-12: one IRLS step cannot meet the gradient tolerance, so a
    ConvergenceWarning (issue 16: Gamma and Tweedie stopped silently); the normal family
    with the identity link is least squares, solved exactly by its one step: no warning."""
    from rusty_machine.exceptions import ConvergenceWarning
    rng = np.random.RandomState(0)
    X = rng.rand(50, 3)
    y = rng.gamma(2.0, 1.0, 50)
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        est = TweedieRegressor(power=power, link=link, alpha=0.1, max_iter=1,
                               tol=1e-12).fit(X, y)
    assert est.n_iter_ == 1
    exact = TweedieRegressor(power=0.0, link="identity", alpha=0.0, max_iter=1,
                             tol=1e-12).fit(X, y)                   # no warning
    ref = np.linalg.lstsq(np.column_stack([X, np.ones(50)]), y, rcond=None)[0]
    np.testing.assert_allclose(np.append(exact.coef_, exact.intercept_), ref, rtol=1e-10)

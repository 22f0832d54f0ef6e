"""GaussianProcessRegressor: a hand-worked case, scikit-learn comparisons with fixed and
optimised hyperparameters, the likelihood gradient, mean functions, sampling, the jitter
path and bad input."""
import pickle

import numpy as np
import pytest
from sklearn.gaussian_process import GaussianProcessRegressor as SkGP
from sklearn.gaussian_process import kernels as SK

from rusty_machine.exceptions import LinAlgError
from rusty_machine.learning import kernels as K
from rusty_machine.learning.gp import GaussianProcessRegressor as GP

RNG = np.random.RandomState(0)
X = RNG.rand(60, 3)
y = np.sin(3 * X[:, 0]) + X[:, 1] ** 2 + 0.1 * RNG.randn(60)
Xt = RNG.rand(25, 3)


def _pair():
    return (K.Constant(1.5) * K.RBF([0.5, 1.0, 2.0]) + K.White(0.01),
            SK.ConstantKernel(1.5) * SK.RBF([0.5, 1.0, 2.0]) + SK.WhiteKernel(0.01))


def test_hand_worked_single_point():
    """One observation y0 at x0, k = RBF: mean(x0) = y0 / (1 + a), var(x0) = a / (1 + a);
    far away the prior (0, 1) comes back."""
    a = 0.25
    gp = GP(kernel=K.RBF(1.0), alpha=a, optimizer=None).fit([[0.0]], [2.0])
    m, s = gp.predict([[0.0], [50.0]], return_std=True)
    np.testing.assert_allclose(m, [2.0 / 1.25, 0.0], atol=1e-14)
    np.testing.assert_allclose(s ** 2, [a / 1.25, 1.0], atol=1e-14)
    # log p(y) = -y^2 / (2 (1 + a)) - log(1 + a) / 2 - log(2 pi) / 2
    expected = -4.0 / 2.5 - 0.5 * np.log(1.25) - 0.5 * np.log(2 * np.pi)
    assert gp.log_marginal_likelihood_value_ == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("normalize_y", [False, True])
def test_fixed_hyperparameters_match_sklearn(normalize_y):
    ours_k, ref_k = _pair()
    ours = GP(kernel=ours_k, optimizer=None, normalize_y=normalize_y).fit(X, y)
    ref = SkGP(kernel=ref_k, optimizer=None, normalize_y=normalize_y).fit(X, y)
    m, s = ours.predict(Xt, return_std=True)
    mr, sr = ref.predict(Xt, return_std=True)
    np.testing.assert_allclose(m, mr, rtol=0, atol=1e-8)
    np.testing.assert_allclose(s, sr, rtol=0, atol=1e-8)
    _, c = ours.predict(Xt, return_cov=True)
    np.testing.assert_allclose(c, ref.predict(Xt, return_cov=True)[1], rtol=0, atol=1e-8)
    np.testing.assert_allclose(ours.L_, ref.L_, atol=1e-10)
    assert ours.log_marginal_likelihood_value_ == pytest.approx(
        ref.log_marginal_likelihood_value_, abs=1e-8)
    # multi-output targets
    Y2 = np.column_stack([y, np.cos(X[:, 2])])
    ours_k, ref_k = _pair()
    m2, s2 = GP(kernel=ours_k, optimizer=None, normalize_y=normalize_y).fit(X, Y2).predict(
        Xt, return_std=True)
    mr2, sr2 = SkGP(kernel=ref_k, optimizer=None, normalize_y=normalize_y).fit(X, Y2).predict(
        Xt, return_std=True)
    np.testing.assert_allclose(m2, mr2, atol=1e-8)
    np.testing.assert_allclose(s2, sr2, atol=1e-8)


def test_lml_gradient_matches_sklearn_and_finite_differences():
    ours_k, ref_k = _pair()
    ours = GP(kernel=ours_k, optimizer=None).fit(X, y)
    ref = SkGP(kernel=ref_k, optimizer=None).fit(X, y)
    theta = ours.kernel_.theta + np.array([0.2, -0.1, 0.3, 0.1, -0.5])
    lml, grad = ours.log_marginal_likelihood(theta, eval_gradient=True)
    lml_r, grad_r = ref.log_marginal_likelihood(theta, eval_gradient=True)
    assert lml == pytest.approx(lml_r, abs=1e-9)
    np.testing.assert_allclose(grad, grad_r, atol=1e-8)
    h = 1e-6
    for j in range(theta.size):
        e = np.zeros_like(theta)
        e[j] = h
        f = ours.log_marginal_likelihood
        fd = (f(theta + e) - f(theta - e)) / (2 * h)
        assert grad[j] == pytest.approx(fd, abs=1e-5 * max(1.0, abs(lml)))


def test_optimised_lml_at_least_sklearn():
    ours_k, ref_k = _pair()
    ours = GP(kernel=ours_k).fit(X, y)
    ref = SkGP(kernel=ref_k).fit(X, y)
    assert ours.log_marginal_likelihood_value_ >= ref.log_marginal_likelihood_value_ - 1e-3
    assert ours.n_iter_ > 0
    # the optimum is stationary inside the bounds: small gradient on free coordinates
    lml, grad = ours.log_marginal_likelihood(ours.kernel_.theta, eval_gradient=True)
    b = ours.kernel_.bounds
    inside = (ours.kernel_.theta > b[:, 0] + 1e-6) & (ours.kernel_.theta < b[:, 1] - 1e-6)
    assert np.abs(grad[inside]).max() < 1e-3
    # restarts never do worse than the single start
    more = GP(kernel=_pair()[0], n_restarts_optimizer=2, random_state=0).fit(X, y)
    assert more.log_marginal_likelihood_value_ >= ours.log_marginal_likelihood_value_ - 1e-9


def test_prior_before_fit_and_default_kernel():
    gp = GP()
    m, s = gp.predict(Xt, return_std=True)
    np.testing.assert_array_equal(m, 0.0)
    np.testing.assert_allclose(s, 1.0)
    _, c = GP(kernel=K.RBF(0.5)).predict(Xt, return_cov=True)
    np.testing.assert_allclose(c, K.RBF(0.5)(Xt))
    fitted = GP(optimizer=None).fit(X, y)
    assert repr(fitted.kernel_) == repr(K.Constant(1.0) * K.RBF(1.0))
    with pytest.raises(RuntimeError, match="At most one"):
        fitted.predict(Xt, return_std=True, return_cov=True)


def test_mean_functions():
    far = np.full((1, 3), 100.0)
    y_shift = y + 10.0
    const = GP(kernel=K.RBF(0.3), mean="constant", optimizer=None).fit(X, y_shift)
    assert const.predict(far)[0] == pytest.approx(np.mean(y_shift), abs=1e-12)
    zero = GP(kernel=K.RBF(0.3), optimizer=None).fit(X, y_shift)
    assert zero.predict(far)[0] == pytest.approx(0.0, abs=1e-12)
    lin = GP(kernel=K.RBF(0.3), mean=lambda Z: 2.0 * Z[:, 0], optimizer=None).fit(X, y)
    assert lin.predict(far)[0] == pytest.approx(200.0, abs=1e-9)
    # the mean function is used at the training points: residual fit is exact-ish
    np.testing.assert_allclose(lin.predict(X), y, atol=1e-3)
    with pytest.raises(ValueError, match="mean"):
        GP(mean="linear").fit(X, y)


def test_sample_y_moments():
    gp = GP(kernel=K.RBF(0.5), alpha=1e-2, optimizer=None).fit(X[:20], y[:20])
    pts = Xt[:4]
    draws = gp.sample_y(pts, n_samples=4000, random_state=1)
    assert draws.shape == (4, 4000)
    m, c = gp.predict(pts, return_cov=True)
    # Monte-Carlo error ~ sd / sqrt(n)
    sd = np.sqrt(np.diag(c))
    assert (np.abs(draws.mean(1) - m) <= 5 * sd / np.sqrt(4000) + 1e-12).all()
    np.testing.assert_allclose(np.cov(draws), c, atol=5 * sd.max() ** 2 / np.sqrt(4000) + 1e-12)


def test_duplicate_rows_take_the_jitter_path():
    Xd = np.vstack([X[:10], X[:10]])
    yd = np.concatenate([y[:10], y[:10]])
    with pytest.warns(RuntimeWarning, match="jitter"):
        gp = GP(kernel=K.RBF(0.5), alpha=0.0, optimizer=None).fit(Xd, yd)
    m = gp.predict(X[:10])
    assert np.isfinite(m).all()
    np.testing.assert_allclose(m, y[:10], atol=1e-3)
    # an indefinite "kernel" cannot be rescued: the error says to raise alpha
    with pytest.raises(LinAlgError, match="alpha"):
        GP(kernel=K.Multiquadric(1.0), alpha=0.0, optimizer=None).fit(X[:10], y[:10])


def test_bad_input_and_pickle():
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        GP().fit(Xn, y)
    with pytest.raises(ValueError, match="alpha"):
        GP(alpha=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="alpha"):
        GP(alpha=np.ones(3)).fit(X, y)
    with pytest.raises(ValueError, match="optimizer"):
        GP(optimizer="adam").fit(X, y)
    with pytest.raises(ValueError, match="kernel"):
        GP(kernel="rbf").fit(X, y)
    gp = GP(kernel=_pair()[0], optimizer=None).fit(X, y)
    back = pickle.loads(pickle.dumps(gp))
    np.testing.assert_array_equal(back.predict(Xt), gp.predict(Xt))

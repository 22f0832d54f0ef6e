"""The paths of issue 16's SVR fit and GP predict(return_std) work.

SMO: the selection passes of csrc/rm_smo_scan.h (i chosen in the gradient update's
pass), whole RBF rows through the vectorised exp, the gradient reconstruction. GP: the
RBF profile through the vectorised exp, K written over the distances, the clipping of
negative variances with scikit-learn's warning.
"""
import numpy as np
import pytest
from sklearn import datasets
from sklearn import svm as sksvm
from sklearn.gaussian_process import GaussianProcessRegressor as SkGP
from sklearn.gaussian_process import kernels as SK

from rusty_machine.learning import GaussianProcessRegressor, SVR, _kernels, _smo
from rusty_machine.learning import kernels as K

EPS = np.finfo(float).eps
EPS32 = float(np.finfo(np.float32).eps)


def _regression(seed, n=400, d=8):
    X, y = datasets.make_regression(n, d, noise=10.0, random_state=seed)
    return X, (y - y.mean()) / y.std()


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("epsilon", [0.05, 0.3])
@pytest.mark.parametrize("C", [0.5, 5.0])
def test_svr_rbf_matches_libsvm_and_the_precomputed_kernel(seed, epsilon, C):
    """RBF epsilon-SVR solved to tol=1e-10: the same support as LIBSVM (scikit-learn),
    its predictions and intercept within its float32 kernel cache's rounding, its dual
    coefficients within 1e-4 C (their sensitivity to that rounding); and the fit on the
    same kernel given as a float64 matrix (libm's exp, no row cache) to 1e-8."""
    X, y = _regression(seed)
    ours = SVR(C=C, epsilon=epsilon, tol=1e-10).fit(X, y)
    ref = sksvm.SVR(C=C, epsilon=epsilon, tol=1e-10).fit(X, y)
    np.testing.assert_array_equal(ours.support_, ref.support_)
    bound = 16 * EPS32 * (np.abs(ref.dual_coef_).sum() + 1)        # |K| <= 1 (RBF)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=0, atol=bound)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=0, atol=bound)
    np.testing.assert_allclose(ours.dual_coef_, ref.dual_coef_, rtol=0, atol=1e-4 * C)
    Kx = _smo.kernel_matrix(X, X, _smo.KERNEL_KINDS["rbf"], ours._gamma)
    pre = SVR(kernel="precomputed", C=C, epsilon=epsilon, tol=1e-10).fit(Kx, y)
    np.testing.assert_array_equal(ours.support_, pre.support_)
    np.testing.assert_allclose(ours.dual_coef_, pre.dual_coef_, rtol=0, atol=1e-8 * C)
    np.testing.assert_allclose(ours.predict(X), pre.predict(Kx), rtol=0, atol=1e-8)


def _svr_problem(X, y, epsilon=0.1, C=1.0):
    n = len(y)
    real = np.concatenate([np.arange(n), np.arange(n)])
    ysign = np.concatenate([np.ones(n), -np.ones(n)])
    p = np.concatenate([epsilon - y, epsilon + y])
    return real, ysign, p, np.full(2 * n, C)


@pytest.mark.parametrize("seed", [3, 4])
def test_smo_rows_recomputed_in_a_tiny_cache_give_the_same_solution(seed):
    """A cache of a few rows (evicted and recomputed all the time, whole or partial as
    the active set shrinks) and one that holds every row: the same optimum, and the
    final gradient is Q alpha + p recomputed from scratch (the reconstruction after
    shrinking is exact up to rounding)."""
    X, y = _regression(seed, n=1500, d=10)
    real, ysign, p, C = _svr_problem(X, y)
    gamma = 1.0 / (X.shape[1] * X.var())
    kind = _smo.KERNEL_KINDS["rbf"]
    big = _smo.Solver(X, None, real, ysign, p, C, kind, gamma, 0.0, 3, 200.0)
    tiny = _smo.Solver(X, None, real, ysign, p, C, kind, gamma, 0.0, 3, 0.05)
    a_big, rho_big, _, G_big, obj_big = big.solve(1e-6, True, 10 ** 7)
    a_tiny, rho_tiny, _, _, obj_tiny = tiny.solve(1e-6, True, 10 ** 7)
    assert tiny.n_rows_computed > big.n_rows_computed
    np.testing.assert_allclose(obj_tiny, obj_big, rtol=1e-9)
    np.testing.assert_allclose(a_tiny, a_big, rtol=0, atol=1e-4)
    np.testing.assert_allclose(rho_tiny, rho_big, rtol=0, atol=1e-5)
    Kfull = _smo.kernel_matrix(X, X, kind, gamma)
    Q = ysign[:, None] * ysign[None, :] * Kfull[np.ix_(real, real)]
    np.testing.assert_allclose(G_big, Q @ a_big + p, rtol=0, atol=1e-9 * len(y))


def test_smo_with_and_without_shrinking_agree():
    """Shrinking (partial rows, unshrinking, the i carried over from the update pass
    across active-set changes) reaches the optimum of the plain solver."""
    X, y = _regression(5, n=1200, d=6)
    real, ysign, p, C = _svr_problem(X, y, epsilon=0.2, C=3.0)
    gamma = 1.0 / (X.shape[1] * X.var())
    kind = _smo.KERNEL_KINDS["rbf"]
    out = [_smo.Solver(X, None, real, ysign, p, C, kind, gamma, 0.0, 3, 200.0)
           .solve(1e-8, shrinking, 10 ** 7) for shrinking in (True, False)]
    np.testing.assert_allclose(out[0][4], out[1][4], rtol=1e-10)
    np.testing.assert_allclose(out[0][0], out[1][0], rtol=0, atol=1e-5)


# ---- GP ----------------------------------------------------------------------------
def _gp_data(seed, n=300, m=200, d=4):
    rng = np.random.RandomState(seed)
    X = rng.rand(n, d)
    y = np.sin(X @ np.arange(1.0, d + 1)) + 0.1 * rng.randn(n)
    return X, y, rng.rand(m, d)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("noise", [1e-2, 1e-6])
def test_gp_std_matches_sklearn_and_the_direct_formula(seed, noise):
    """Fixed hyperparameters on both sides: the predictive mean and std of scikit-learn,
    and the variance k(x, x) - k*' (K + s I)^-1 k* from a float64 solve."""
    X, y, Xq = _gp_data(seed)
    ls = np.array([0.3, 0.5, 0.8, 1.2])
    ours = GaussianProcessRegressor(kernel=K.RBF(ls) + K.White(noise), optimizer=None)
    ref = SkGP(kernel=SK.RBF(ls) + SK.WhiteKernel(noise), optimizer=None)
    mo, so = ours.fit(X, y).predict(Xq, return_std=True)
    mr, sr = ref.fit(X, y).predict(Xq, return_std=True)
    # the mean's rounding grows with the condition number of K + s I (~ n / s)
    cond = len(y) / noise
    np.testing.assert_allclose(mo, mr, rtol=0, atol=100 * EPS * cond)
    np.testing.assert_allclose(so, sr, rtol=0, atol=np.sqrt(100 * EPS * cond))
    d2 = (((Xq[:, None, :] - X[None, :, :]) / ls) ** 2).sum(-1)
    Ks = np.exp(-0.5 * d2)
    D2 = (((X[:, None, :] - X[None, :, :]) / ls) ** 2).sum(-1)
    Kn = np.exp(-0.5 * D2) + noise * np.eye(len(X))
    # k(x, x) = 1 + noise: the White kernel's level is in the prior variance (as in
    # scikit-learn, whose std includes it)
    var = 1.0 + noise - np.einsum("ij,ji->i", Ks, np.linalg.solve(Kn, Ks.T))
    assert (so >= 0).all()
    np.testing.assert_allclose(so ** 2, np.maximum(var, 0), rtol=0, atol=100 * EPS * cond)


def test_gp_negative_variances_are_clipped_with_sklearns_warning(monkeypatch):
    """k(x, x) - ||v_x||^2 below zero (forced here by lowering k(x, x)): the variance
    is set to 0 with scikit-learn's warning, the others are untouched."""
    X, y, Xq = _gp_data(2)
    gp = GaussianProcessRegressor(kernel=K.RBF(0.5) + K.White(1e-2), optimizer=None)
    gp.fit(X, y)
    _, std = gp.predict(Xq, return_std=True)
    diag = gp.kernel_.diag
    shift = np.where(np.arange(len(Xq)) % 2 == 0, std ** 2 + 1e-3, 0.0)
    monkeypatch.setattr(gp.kernel_, "diag", lambda Z: diag(Z) - shift)
    with pytest.warns(UserWarning, match="Predicted variances smaller than 0"):
        _, std2 = gp.predict(Xq, return_std=True)
    np.testing.assert_array_equal(std2[::2], 0.0)
    np.testing.assert_array_equal(std2[1::2], std[1::2])


def test_rbf_profile_vectorised_exp_and_inplace():
    """The RBF profile is exp(-r^2 / 2) within 2 ulp of numpy's; inplace=True writes the
    same K over R2 (the same memory), and refuses want_grad."""
    rng = np.random.RandomState(0)
    R2 = rng.exponential(20.0, size=(37, 53))
    R2[0, :5] = [0.0, 1e-300, 1400.0, 1500.0, 3.0]      # exact 1, ~1, underflow to 0
    K0, G0, _ = _kernels.profile(R2, 0, want_grad=True)
    ref = np.exp(-0.5 * R2)
    np.testing.assert_allclose(K0, ref, rtol=2 * EPS, atol=0)
    np.testing.assert_array_equal(G0, K0)
    R2c = R2.copy()
    K1 = _kernels.profile(R2c, 0, inplace=True)[0]
    assert np.shares_memory(K1, R2c)
    np.testing.assert_array_equal(K1, K0)
    with pytest.raises(ValueError, match="inplace"):
        _kernels.profile(R2.copy(), 0, want_grad=True, inplace=True)

"""Kernels: values against scikit-learn / closed forms, analytic gradients against finite
differences, the gradient contraction used by the GP, hyperparameter bookkeeping."""
import pickle

import numpy as np
import pytest
from hypothesis import given, strategies as st
from scipy.spatial.distance import cdist
from sklearn.gaussian_process import kernels as SK

from rusty_machine.learning import kernels as K
from rusty_machine.learning import _kernels

EPS = np.finfo(float).eps
RNG = np.random.RandomState(0)
X = RNG.randn(25, 3)
Y = RNG.randn(7, 3)

# (ours, scikit-learn's equivalent or None)
PAIRS = [
    (K.RBF(1.3), SK.RBF(1.3)),
    (K.RBF([0.5, 1.0, 2.0]), SK.RBF([0.5, 1.0, 2.0])),
    (K.Exponential(0.8), SK.Matern(0.8, nu=0.5)),
    (K.Matern(0.7, nu=0.5), SK.Matern(0.7, nu=0.5)),
    (K.Matern([0.7, 1.1, 1.9], nu=1.5), SK.Matern([0.7, 1.1, 1.9], nu=1.5)),
    (K.Matern(1.4, nu=2.5), SK.Matern(1.4, nu=2.5)),
    (K.RationalQuadratic(0.9, 2.5), SK.RationalQuadratic(0.9, 2.5)),
    (K.Constant(2.0), SK.ConstantKernel(2.0)),
    (K.White(0.3), SK.WhiteKernel(0.3)),
    (K.Constant(2.0) * K.RBF([1.0, 2.0, 0.5]) + K.White(0.1),
     SK.ConstantKernel(2.0) * SK.RBF([1.0, 2.0, 0.5]) + SK.WhiteKernel(0.1)),
    (3.0 * K.Matern(1.0, nu=1.5) + 0.5, None),
    (K.Polynomial(degree=2, gamma=0.5, coef0=1.0), None),
    (K.HyperTan(alpha=0.3, c=-0.2), None),
    (K.Multiquadric(0.7), None),
    (K.Linear(c=0.5), None),
    (K.RBF(1.0) * K.RationalQuadratic(2.0, 1.5), None),
]
IDS = [repr(p[0])[:40] for p in PAIRS]


@pytest.mark.parametrize("ours, ref", PAIRS, ids=IDS)
def test_values_match_reference_and_diag(ours, ref):
    Kxx = ours(X)
    Kxy = ours(X, Y)
    assert Kxx.shape == (25, 25) and Kxy.shape == (25, 7)
    np.testing.assert_allclose(ours.diag(X), np.diag(Kxx), rtol=0, atol=100 * EPS)
    np.testing.assert_allclose(Kxx, Kxx.T, rtol=0, atol=100 * EPS * np.abs(Kxx).max())
    if ref is not None:
        scale = max(1.0, np.abs(ref(X)).max())
        np.testing.assert_allclose(Kxx, ref(X), rtol=0, atol=100 * EPS * scale)
        np.testing.assert_allclose(Kxy, ref(X, Y), rtol=0, atol=100 * EPS * scale)
        np.testing.assert_allclose(ours.theta, ref.theta, rtol=1e-15)
        np.testing.assert_allclose(ours.bounds, ref.bounds, rtol=1e-15)


def _closed_forms():
    D = cdist(X, Y)
    r = D / 0.8
    return [
        (K.RBF(0.8), np.exp(-0.5 * r ** 2)),
        (K.Exponential(0.8), np.exp(-r)),
        (K.Matern(0.8, nu=1.5), (1 + np.sqrt(3) * r) * np.exp(-np.sqrt(3) * r)),
        (K.Multiquadric(0.8), np.sqrt(D ** 2 + 0.64)),
        (K.Polynomial(degree=3, gamma=0.5, coef0=2.0), (0.5 * X.dot(Y.T) + 2.0) ** 3),
        (K.HyperTan(alpha=0.5, c=0.1), np.tanh(0.5 * X.dot(Y.T) + 0.1)),
        (K.Linear(c=1.5), X.dot(Y.T) + 1.5),
    ]


def test_closed_forms_by_hand():
    for k, expected in _closed_forms():
        np.testing.assert_allclose(k(X, Y), expected, rtol=1e-12, atol=1e-12,
                                   err_msg=repr(k))


@pytest.mark.parametrize("ours, ref", PAIRS, ids=IDS)
def test_gradient_matches_finite_differences(ours, ref):
    """Central differences in log space: error O(h^2 K''') + O(eps K / h)."""
    Kxx, dK = ours(X, eval_gradient=True)
    theta = ours.theta
    assert dK.shape == (25, 25, theta.size)
    h = 1e-5
    for j in range(theta.size):
        tp, tm = theta.copy(), theta.copy()
        tp[j] += h
        tm[j] -= h
        fd = (ours.clone_with_theta(tp)(X) - ours.clone_with_theta(tm)(X)) / (2 * h)
        scale = max(1.0, np.abs(Kxx).max())
        np.testing.assert_allclose(dK[:, :, j], fd, rtol=0, atol=1e-7 * scale,
                                   err_msg="%r, hyperparameter %d" % (ours, j))
    if ref is not None:
        np.testing.assert_allclose(dK, ref(X, eval_gradient=True)[1], rtol=0, atol=1e-12)


@pytest.mark.parametrize("ours, ref", PAIRS, ids=IDS)
def test_contraction_equals_full_gradient(ours, ref):
    """_vjp(W) = sum_ij W_ij dK_ij/dtheta without the (n, n, p) tensor (symmetric W)."""
    W = RNG.randn(25, 25)
    W = W + W.T
    Kxx, dK = ours(X, eval_gradient=True)
    _, ctx = ours._eval(X, None, True)
    expected = np.einsum("ij,ijk->k", W, dK)
    np.testing.assert_allclose(ours._vjp(ctx, W), expected, rtol=1e-11,
                               atol=1e-11 * np.abs(W).sum() * max(1, np.abs(dK).max(initial=0)))


def test_theta_bounds_fixed_and_clone():
    k = K.Constant(2.0, constant_value_bounds="fixed") * K.RBF([1.0, 2.0], (1e-2, 1e2)) \
        + K.White(0.5, noise_level_bounds=(1e-3, 1.0))
    assert k.n_dims == 3
    np.testing.assert_allclose(k.theta, np.log([1.0, 2.0, 0.5]))
    np.testing.assert_allclose(k.bounds, np.log([[1e-2, 1e2], [1e-2, 1e2], [1e-3, 1.0]]))
    k2 = k.clone_with_theta(np.log([3.0, 4.0, 0.1]))
    np.testing.assert_allclose(k2.k1.k2.length_scale, [3.0, 4.0])
    assert k2.k2.noise_level == pytest.approx(0.1)
    np.testing.assert_allclose(k.theta, np.log([1.0, 2.0, 0.5]))   # original untouched
    Xs = RNG.randn(6, 2)
    K_, dK = k(Xs, eval_gradient=True)
    assert dK.shape == (6, 6, 3)
    names = [h.name for h in k.hyperparameters]
    assert names == ["k1__k1__constant_value", "k1__k2__length_scale", "k2__noise_level"]
    params = k.get_params()
    assert params["k1__k2__length_scale"] == [1.0, 2.0]
    k.set_params(k2__noise_level=0.25)
    assert k.k2.noise_level == 0.25
    assert pickle.loads(pickle.dumps(k)) == k
    with pytest.raises(ValueError, match="theta has"):
        k.theta = np.zeros(5)


def test_algebra_with_scalars():
    k = 2.0 * K.RBF(1.0)
    assert isinstance(k, K.Product) and isinstance(k.k1, K.Constant)
    np.testing.assert_allclose(k(X), 2.0 * K.RBF(1.0)(X))
    k = K.RBF(1.0) + 1.0
    np.testing.assert_allclose(k(X), K.RBF(1.0)(X) + 1.0)
    np.testing.assert_allclose((K.RBF(1.0) * K.RBF(2.0))(X), K.RBF(1.0)(X) * K.RBF(2.0)(X))


def test_white_only_on_training_diagonal():
    k = K.White(0.7)
    np.testing.assert_array_equal(k(X), 0.7 * np.eye(25))
    np.testing.assert_array_equal(k(X, X), np.zeros((25, 25)))


def test_sq_dists_clamped_and_exact_diagonal():
    # far from the origin, the expansion ||x||^2 - 2x.y + ||y||^2 cancels badly
    Z = 1e4 + RNG.rand(40, 4)
    D = _kernels.sq_dists(Z, Z, True)
    assert (D >= 0).all()
    assert (np.diag(D) == 0).all()
    ref = cdist(Z, Z, "sqeuclidean")
    # error ~ eps * ||z||^2 per entry
    assert np.abs(D - ref).max() <= 64 * EPS * (Z ** 2).sum(1).max()


def test_errors():
    with pytest.raises(ValueError, match="length scales"):
        K.RBF([1.0, 2.0])(X)
    with pytest.raises(ValueError, match="length_scale"):
        K.RBF(-1.0)(X)
    with pytest.raises(ValueError, match="nu"):
        K.Matern(1.0, nu=0.7)(X)
    with pytest.raises(ValueError, match="bounds"):
        K.RBF(1.0, length_scale_bounds=(2.0, 1.0)).bounds
    with pytest.raises(ValueError, match="NaN"):
        K.RBF(1.0)(np.array([[np.nan, 1.0]]))
    with pytest.raises(ValueError, match="features"):
        K.RBF(1.0)(X, Y[:, :2])
    with pytest.raises(ValueError, match="eval_gradient"):
        K.RBF(1.0)(X, Y, eval_gradient=True)



@given(seed=st.integers(0, 2 ** 31 - 1),
       kind=st.sampled_from(["rbf", "matern0.5", "matern1.5", "matern2.5", "rq"]),
       ard=st.booleans(), log_ls=st.floats(-1.5, 1.5), log_c=st.floats(-1.0, 1.0))
def test_random_hyperparameters_psd_and_gradient(seed, kind, ard, log_ls, log_c):
    """Stationary kernels times a constant: K is symmetric positive semi-definite
    (eigenvalues >= -n eps ||K||) and the analytic gradient matches central differences."""
    rng = np.random.RandomState(seed)
    Z = rng.randn(12, 3)
    ls = np.exp(log_ls + 0.3 * rng.randn(3)) if ard and kind != "rq" else float(np.exp(log_ls))
    base = {"rbf": lambda: K.RBF(ls), "matern0.5": lambda: K.Matern(ls, nu=0.5),
            "matern1.5": lambda: K.Matern(ls, nu=1.5),
            "matern2.5": lambda: K.Matern(ls, nu=2.5),
            "rq": lambda: K.RationalQuadratic(ls, alpha=float(np.exp(log_c)))}[kind]()
    k = K.Constant(float(np.exp(log_c))) * base
    Kz, dK = k(Z, eval_gradient=True)
    np.testing.assert_array_equal(Kz, Kz.T)
    w = np.linalg.eigvalsh(Kz)
    assert w.min() >= -12 * EPS * np.abs(w).max()
    theta = k.theta
    h = 1e-6
    for j in range(theta.size):
        e = np.zeros_like(theta)
        e[j] = h
        fd = (k.clone_with_theta(theta + e)(Z) - k.clone_with_theta(theta - e)(Z)) / (2 * h)
        np.testing.assert_allclose(dK[:, :, j], fd, rtol=0, atol=1e-6 * max(1, np.abs(Kz).max()))

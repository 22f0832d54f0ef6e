"""The fast paths of issue 16/19's PCA and PoissonRegressor rows.

- the packed lower syrk of the GEMM core (rm_dsyrk / rm_ssyrk, reached by xsyrk when
  k >= n), against numpy over several k blocks, column blocks and both thread counts;
- ``_gram.gram(X, with_sums=True)``: X^T X and the column sums in one pass;
- PCA's covariance route against its SVD route and scikit-learn, float64 and float32,
  its fall back to the SVD on ill-conditioned data, and its finiteness check;
- the L-BFGS Poisson fit against scikit-learn, ``_glm.y_terms_sum`` against numpy, and the
  finiteness check that replaced the separate pass over X.
"""
import numpy as np
import pytest

import rusty_machine
from rusty_machine.learning import PCA, GammaRegressor, PoissonRegressor, TweedieRegressor
from rusty_machine.learning import _gram
from rusty_machine.linalg import blas

from sklearn import decomposition as sk_decomposition
from sklearn import linear_model as sk_linear

EPS = np.finfo(np.float64).eps


# ---- the packed syrk -------------------------------------------------------------------

@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("trans", [True, False])
@pytest.mark.parametrize("n,k", [(1, 1), (7, 7), (13, 1100), (100, 3001), (401, 1203)])
def test_packed_syrk_lower_triangle(threads, trans, n, k):
    # k >= n: the packed driver (several KC blocks for k > 512, two column blocks of the
    # AVX2 kernel's NC = 384 for n = 401, diagonal-crossing tiles everywhere); the other
    # triangle is never touched and beta == 0 never reads C
    rng = np.random.RandomState(n + k)
    a = rng.randn(k, n) if trans else rng.randn(n, k)
    full = a.T @ a if trans else a @ a.T
    bound = np.abs(a.T) @ np.abs(a) if trans else np.abs(a) @ np.abs(a.T)
    lower = np.tril(np.ones((n, n), bool))
    c0 = rng.randn(n, n)
    with rusty_machine.num_threads(threads):
        for alpha, beta in [(1.0, 0.0), (-0.5, 2.0)]:
            c = np.where(lower, np.nan, c0) if beta == 0.0 else c0.copy()
            blas.dsyrk_py(a, c, lower=True, trans=trans, alpha=alpha, beta=beta)
            ref = alpha * full + beta * c0
            tol = 2 * (k + 2) * EPS * (abs(alpha) * bound + abs(beta) * np.abs(c0))
            assert np.all(np.abs(c - ref)[lower] <= tol[lower])
            assert np.array_equal(c[~lower], c0[~lower])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n,d", [(3, 1), (1027, 5), (5000, 37), (2051, 1100)])
def test_gram_with_sums(dtype, n, d):
    # blocks of max(1024, d) rows, a remainder of rows not a multiple of four; a column
    # slice (rows not contiguous in memory as a whole) is read through its stride
    rng = np.random.RandomState(d)
    X = (rng.randn(n, d + 3) + 2.0).astype(dtype)[:, 1:d + 1]
    G, sums = _gram.gram(X, with_sums=True)
    X64 = X.astype(np.float64)
    eps = np.finfo(dtype).eps
    bound = np.abs(X64).T @ np.abs(X64)
    assert G.dtype == dtype and sums.dtype == np.float64
    assert np.array_equal(G, G.T)
    assert np.all(np.abs(G - X64.T @ X64) <= 2 * (n + 2) * eps * bound)
    # float32 data summed in float64
    assert np.all(np.abs(sums - X64.sum(0)) <= n * EPS * np.abs(X64).sum(0))
    assert np.all(np.abs(_gram.gram(X) - G) <= 4 * (n + 2) * eps * bound)


# ---- PCA -------------------------------------------------------------------------------

def _data(n, d, cond, seed=0, dtype=np.float64):
    """n x d data with singular values of the centred matrix spread over [1/cond, 1]
    (times sqrt(n)), random axes, and an offset."""
    rng = np.random.RandomState(seed)
    A = rng.randn(n, d)
    U, _ = np.linalg.qr(A - A.mean(0))          # orthonormal columns of mean zero
    V, _ = np.linalg.qr(rng.randn(d, d))
    s = np.sqrt(n) * np.logspace(0, -np.log10(cond), d)
    X = U * s @ V.T + rng.randn(d)
    return X.astype(dtype)


def _assert_same_pca(ours, ref, tol):
    np.testing.assert_allclose(ours.singular_values_, ref.singular_values_, rtol=tol)
    np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=tol)
    np.testing.assert_allclose(ours.explained_variance_ratio_,
                               ref.explained_variance_ratio_, rtol=tol, atol=tol)
    np.testing.assert_allclose(ours.noise_variance_, ref.noise_variance_, rtol=tol)
    np.testing.assert_allclose(ours.mean_, ref.mean_, rtol=tol, atol=tol)
    # the same signs (largest |entry| of each axis positive), the same axes
    np.testing.assert_allclose(ours.components_, ref.components_, atol=tol)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n_components", [None, 5])
def test_covariance_route_matches_svd_and_sklearn(dtype, n_components):
    # cond 30: the covariance route loses about eps * cond^2 relative to s_max
    X = _data(3000, 20, cond=30.0, dtype=dtype)
    eps = np.finfo(dtype).eps
    tol = 50 * eps * 30.0 ** 2
    cov = PCA(n_components, svd_solver="covariance_eigh").fit(X)
    auto = PCA(n_components).fit(X)
    full = PCA(n_components, svd_solver="full").fit(X)
    ref = sk_decomposition.PCA(n_components, svd_solver="full").fit(X.astype(np.float64))
    assert cov.components_.dtype == dtype and auto.singular_values_.dtype == dtype
    _assert_same_pca(auto, cov, 0)                     # auto took the covariance route
    _assert_same_pca(cov, full, tol)
    _assert_same_pca(cov, ref, tol)


def test_auto_falls_back_to_the_svd_when_a_kept_variance_is_lost():
    # cond 1e9: the smallest eigenvalue of Xc^T Xc, 1e-18 of the largest, is below
    # n eps lambda_max; the covariance route gets it wrong, "auto" takes the SVD and gets
    # it to about eps * cond relative accuracy
    X = _data(2000, 10, cond=1e9, seed=1)
    full = PCA(svd_solver="full").fit(X)
    auto = PCA().fit(X)
    cov = PCA(svd_solver="covariance_eigh").fit(X)
    s_true = np.sqrt(2000) * np.logspace(0, -9, 10)
    np.testing.assert_allclose(full.singular_values_, s_true, rtol=1e4 * EPS * 1e9 / 1e3)
    _assert_same_pca(auto, full, 0)
    assert abs(cov.singular_values_[-1] / s_true[-1] - 1) > 1e-2
    # keeping only the well-determined components, "auto" stays on the covariance route
    np.testing.assert_array_equal(PCA(3).fit(X).components_,
                                  PCA(3, svd_solver="covariance_eigh").fit(X).components_)


def test_pca_float32_fallback_threshold_uses_float32_eps():
    # cond 1e3 in float32: eigenvalue ratio 1e-6 < n * eps32 = 0.24, so "auto" takes
    # the SVD route, and agrees with the float64 SVD far better than the covariance one
    X = _data(2000, 8, cond=1e3, seed=2, dtype=np.float32)
    ref = PCA(svd_solver="full").fit(X.astype(np.float64))
    auto = PCA().fit(X)
    cov = PCA(svd_solver="covariance_eigh").fit(X)
    err_auto = abs(auto.singular_values_[-1] / ref.singular_values_[-1] - 1)
    err_cov = abs(cov.singular_values_[-1] / ref.singular_values_[-1] - 1)
    assert err_auto < 1e-3 < err_cov


@pytest.mark.parametrize("solver", ["auto", "covariance_eigh", "full"])
@pytest.mark.parametrize("bad, what", [(np.nan, "NaN"), (np.inf, "infinity"),
                                       (-np.inf, "infinity")])
def test_pca_refuses_non_finite_data(solver, bad, what):
    X = _data(500, 4, cond=10.0)
    X[123, 2] = bad
    with pytest.raises(ValueError, match="Input X contains %s" % what):
        PCA(svd_solver=solver).fit(X)


def test_pca_squares_that_overflow_take_the_svd():
    # finite data whose X^T X overflows (a mean of 1e156 over 400 rows) while its
    # variances do not (spread 1e148): the covariance route hands over to the SVD
    X = (_data(400, 3, cond=10.0) - 5.0) * 1e148 + 1e156
    ours = PCA().fit(X)
    ref = sk_decomposition.PCA(svd_solver="full").fit(X)
    assert np.all(np.isfinite(ours.singular_values_))
    np.testing.assert_allclose(ours.singular_values_, ref.singular_values_, rtol=1e-12)
    np.testing.assert_allclose(ours.components_, ref.components_, atol=1e-12)


# ---- PoissonRegressor (L-BFGS) ---------------------------------------------------------

@pytest.mark.parametrize("alpha", [1.0, 1e-4])
def test_poisson_matches_sklearn_at_the_bench_shape(alpha):
    # the bench's data (smaller n): the same iterations and answer as scikit-learn's
    rng = np.random.RandomState(0)
    X = rng.randn(8000, 20) * 0.3
    y = rng.poisson(np.exp(X @ (rng.randn(20) * 0.5) + 0.2)).astype(float)
    ours = PoissonRegressor(alpha=alpha).fit(X, y)
    ref = sk_linear.PoissonRegressor(alpha=alpha).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=1e-4)
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-4)
    assert abs(ours.n_iter_ - ref.n_iter_) <= 1
    # objective_path_ is F itself (the y-only constant added back): its last value is
    # half the mean deviance plus the penalty at the answer
    mu = ours.predict(X)
    with np.errstate(divide="ignore", invalid="ignore"):
        dev = 2 * (np.where(y > 0, y * np.log(y / mu), 0.0) - y + mu)
    F = 0.5 * dev.mean() + 0.5 * alpha * np.sum(ours.coef_ ** 2)
    assert ours.objective_path_[-1] == pytest.approx(F, rel=1e-12)


@pytest.mark.parametrize("power", [0.0, 1.0, 1.5, 2.0, 3.0])
@pytest.mark.parametrize("weighted", [False, True])
def test_y_terms_sum(power, weighted):
    from rusty_machine.learning._glm import y_terms_sum
    rng = np.random.RandomState(4)
    n = 5000                                          # three blocks of 2048 rows
    y = rng.poisson(1.5, n).astype(float)
    if power >= 2.0 or power == 0.0:
        y = y + rng.uniform(0.1, 1.0, n)             # positive for gamma and p > 2
    s = rng.uniform(0.5, 2.0, n) if weighted else None
    with np.errstate(divide="ignore", invalid="ignore"):
        if power == 1.0:
            c = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0) - y
        elif power == 2.0:
            c = -np.log(y) - 1.0
        elif power == 0.0:
            c = 0.5 * y * y
        else:
            c = y ** (2 - power) / ((1 - power) * (2 - power))
    ref = np.sum(c if s is None else s * c)
    assert y_terms_sum(y, s, power) == pytest.approx(ref, rel=1e-12)


@pytest.mark.parametrize("est", [PoissonRegressor(), PoissonRegressor(solver="newton-cholesky"),
                                 GammaRegressor(), TweedieRegressor(power=1.5, link="log")])
@pytest.mark.parametrize("bad, what", [(np.nan, "NaN"), (np.inf, "infinity")])
def test_glm_refuses_non_finite_X(est, bad, what):
    rng = np.random.RandomState(5)
    X = rng.randn(300, 3)
    y = rng.poisson(1.0, 300) + 0.5
    X[17, 1] = bad
    with pytest.raises(ValueError, match="Input X contains %s" % what):
        est.fit(X, y)

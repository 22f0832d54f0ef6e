"""LinearRegression / Ridge solver="auto": the normal equations with a condition check,
one step of iterative refinement with the data's residual, and QR beyond (module
docstring of linear_regression.py). Accuracy against a known solution and against
numpy.linalg.lstsq over cond(X) = 1e1 .. 1e12; which path runs; Ridge; float32."""
import numpy as np
import pytest

from rusty_machine.learning import LinearRegression, Ridge, _tsqr
from rusty_machine.learning import linear_regression as lr

EPS = np.finfo(np.float64).eps


def _problem(cond, resid, m=3000, n=40, seed=0, offset=True):
    """X with singular values logspace(0, -log10(cond)), columns of mean zero (so that the
    centred least-squares solution is exactly w), y = X w + a residual orthogonal to X's
    range and to the ones vector, of relative size `resid`; then offsets on X and y."""
    rng = np.random.RandomState(seed)
    U, _ = np.linalg.qr(np.column_stack([np.ones(m), rng.randn(m, n + 1)]))
    U = U[:, 1:]
    V, _ = np.linalg.qr(rng.randn(n, n))
    X = (U[:, :n] * np.logspace(0, -np.log10(cond), n)) @ V.T
    w = rng.randn(n)
    y = X @ w + resid * np.linalg.norm(X @ w) * U[:, n]
    if offset:
        X = X + 0.01 * rng.randn(n)
        y = y + 3.0
    return X, y, w


def _err(coef, w):
    return np.linalg.norm(coef - w) / np.linalg.norm(w)


class _Spy:
    """Counts the calls of the QR pass and of the refinement pass."""

    def __init__(self, monkeypatch):
        self.qr = self.refine = 0
        real_r, real_g = lr._tsqr.streamed_r, lr._tsqr.normal_residual

        def streamed_r(*a, **k):
            self.qr += 1
            return real_r(*a, **k)

        def normal_residual(*a, **k):
            self.refine += 1
            return real_g(*a, **k)
        monkeypatch.setattr(lr._tsqr, "streamed_r", streamed_r)
        monkeypatch.setattr(lr._tsqr, "normal_residual", normal_residual)


def test_default_is_auto():
    assert LinearRegression().solver == "auto"
    assert Ridge().solver == "auto"


@pytest.mark.parametrize("resid", [1e-6, 1e-1])
@pytest.mark.parametrize("cond", [1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e8, 1e10])
def test_auto_is_as_accurate_as_qr(cond, resid):
    X, y, w = _problem(cond, resid)
    e_auto = _err(LinearRegression().fit(X, y).coef_, w)
    e_qr = _err(LinearRegression(solver="qr").fit(X, y).coef_, w)
    # measured (6 seeds): within a factor 5 of QR's error at every condition number
    # (worst 4.3, with large residuals, where both carry the cond^2 eps |r| term); the
    # additive slack is 10 n eps (both errors are at rounding level for cond = 10)
    assert e_auto <= 5 * e_qr + 10 * X.shape[1] * EPS, (e_auto, e_qr)


@pytest.mark.parametrize("cond", [1e3, 1e4])
def test_plain_cholesky_is_not(cond):
    # the comparison above can fail: the unrefined normal equations lose cond^2 eps
    X, y, w = _problem(cond, 1e-6)
    e_chol = _err(LinearRegression(solver="cholesky").fit(X, y).coef_, w)
    e_auto = _err(LinearRegression().fit(X, y).coef_, w)
    assert e_chol > 30 * e_auto


@pytest.mark.parametrize("cond", [1e2, 1e4, 1e6, 1e8, 1e10, 1e12])
def test_auto_against_lstsq(cond):
    X, y, _ = _problem(cond, 1e-3, m=2000, n=30, seed=1)
    ours = LinearRegression().fit(X, y)
    Xc, yc = X - X.mean(0), y - y.mean()
    ref = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    # LS perturbation bound [GVL4 5.3.7]: cond eps + cond^2 eps |r| / (|X| |w|), and
    # lstsq itself carries the same error: 100 n times that between the two
    bound = 100 * X.shape[1] * EPS * (cond + cond ** 2 * 1e-3)
    assert _err(ours.coef_, ref) <= max(bound, 100 * X.shape[1] * EPS)
    if cond <= 1e8:
        assert abs(ours.intercept_ - (y.mean() - X.mean(0) @ ref)) <= bound * 10


@pytest.mark.parametrize("cond,qr,refine", [(1.5, 0, 0), (1e2, 0, 1), (1e4, 0, 1),
                                            (1e6, 1, 0), (1e10, 1, 0)])
def test_which_path_runs(monkeypatch, cond, qr, refine):
    """kappa = cond^2 <= 10: Cholesky alone; up to 1e-6 / eps: one refinement pass; above
    (or a failed factorisation): the QR path."""
    X, y, _ = _problem(cond, 1e-3, m=1000, n=10)
    spy = _Spy(monkeypatch)
    LinearRegression().fit(X, y)
    assert (spy.qr, spy.refine) == (qr, refine)


def test_rank_deficient_falls_back_to_minimum_norm():
    rng = np.random.RandomState(4)
    X = rng.randn(300, 5)
    X = np.hstack([X, X[:, :2]])
    y = rng.randn(300)
    ours = LinearRegression().fit(X, y)
    ref = np.linalg.lstsq(X - X.mean(0), y - y.mean(), rcond=None)[0]
    np.testing.assert_allclose(ours.coef_, ref, rtol=1e-9, atol=1e-12)
    assert ours.rank_ == 5


@pytest.mark.parametrize("alpha,refine", [(1e-6, 1), (1e-2, 1), (1.0, 0), ([1e-4, 10.0], 1)])
def test_ridge_auto(monkeypatch, alpha, refine):
    from sklearn.linear_model import Ridge as SkRidge
    X, y, _ = _problem(1e4, 1e-2, m=1500, n=20, seed=2)
    Y = np.column_stack([y, -2 * y + 1])
    spy = _Spy(monkeypatch)
    ours = Ridge(alpha=alpha).fit(X, Y)
    ref = SkRidge(alpha=alpha, solver="svd").fit(X, Y)
    # the problem is cond(X'X + alpha I) ~ min(1e8, 1 / alpha)-conditioned
    kappa = min(1e8, 1.0 / np.min(alpha))
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0,
                               atol=100 * kappa * EPS * np.abs(ref.coef_).max())
    # never QR; refined once for a penalty that leaves the scaled kappa above 10 (alpha =
    # 1 and 10 bring it below: plain Cholesky)
    assert (spy.qr, spy.refine) == (0, refine)


def test_weighted_multi_target_and_no_intercept():
    X, y, _ = _problem(1e3, 1e-2, m=1200, n=15, seed=3)
    rng = np.random.RandomState(5)
    Y = np.column_stack([y, rng.randn(len(y))])
    sw = rng.uniform(0.1, 3.0, len(y))
    for fit_intercept in (True, False):
        auto = LinearRegression(fit_intercept=fit_intercept).fit(X, Y, sw)
        qr = LinearRegression(fit_intercept=fit_intercept, solver="qr").fit(X, Y, sw)
        np.testing.assert_allclose(auto.coef_, qr.coef_, rtol=1e-10,
                                   atol=1e-10 * np.abs(qr.coef_).max())
        np.testing.assert_allclose(auto.intercept_, qr.intercept_, rtol=1e-10, atol=1e-10)


def test_float32():
    X, y, w = _problem(30.0, 1e-3, m=2000, n=10, seed=6)
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    auto = LinearRegression().fit(X32, y32)
    qr = LinearRegression(solver="qr").fit(X32, y32)
    assert auto.coef_.dtype == np.float32
    eps32 = np.finfo(np.float32).eps
    assert _err(auto.coef_, w) <= 3 * _err(qr.coef_, w) + 100 * eps32


def test_normal_residual_matches_numpy():
    rng = np.random.RandomState(7)
    X, Y = rng.randn(5000, 7) + 2.0, rng.randn(5000, 2)
    xo, yo, sw = X.mean(0), Y.mean(0), np.sqrt(rng.uniform(0.5, 2, 5000))
    W = rng.randn(7, 2)
    A = sw[:, None] * np.hstack([X - xo, Y - yo])
    ref = A[:, :7].T @ (A[:, 7:] - A[:, :7] @ W)
    g = _tsqr.normal_residual(X, Y, xo, yo, sw, W)
    np.testing.assert_allclose(g, ref, rtol=0, atol=1e3 * EPS * np.abs(A).max() ** 2 * 100)
    with pytest.raises(ValueError, match="W must have shape"):
        _tsqr.normal_residual(X, Y, xo, yo, sw, W[:3])
    with pytest.raises(ValueError, match="same number of rows"):
        _tsqr.normal_residual(X, Y[:10], xo, yo, sw, W)


@pytest.mark.parametrize("dtype,scale", [(np.float64, 1e200), (np.float64, 1e-200),
                                         (np.float64, 1e-155), (np.float32, 1e30),
                                         (np.float32, 1e-30)])
def test_squares_out_of_range_fall_back_to_qr(monkeypatch, dtype, scale):
    # the Gram matrix would overflow or lose digits to underflow: QR (which never squares)
    # gives the answer, without a warning (warnings are errors in this suite)
    rng = np.random.RandomState(8)
    X, y = rng.randn(60, 3), rng.randn(60)
    ref = LinearRegression(solver="qr").fit(X.astype(dtype), y).coef_
    spy = _Spy(monkeypatch)
    ours = LinearRegression().fit((X * scale).astype(dtype), y).coef_ * scale
    eps = np.finfo(dtype).eps
    np.testing.assert_allclose(ours, ref, rtol=0, atol=100 * eps * np.abs(ref).max())
    assert spy.qr == 1

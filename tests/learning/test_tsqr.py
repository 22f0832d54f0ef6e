"""The streamed, GEMM-blocked TSQR of linear_regression's QR solver (_tsqr.pyx)."""
import numpy as np
import pytest

import rusty_machine as rm
from rusty_machine.learning import LinearRegression, Ridge, _tsqr

from sklearn import linear_model as sk_linear

EPS = np.finfo(np.float64).eps


def _check_r(R, A, full_rank=True):
    """R is upper triangular with R^T R = A^T A, and (full rank) |diag R| matches
    numpy's QR."""
    ncol = A.shape[1]
    assert R.shape == (ncol, ncol)
    np.testing.assert_array_equal(np.tril(R, -1), 0.0)
    scale = max(np.abs(A).max(), 1.0) ** 2
    tol = 50 * max(A.shape) * EPS * scale
    np.testing.assert_allclose(R.T @ R, A.T @ A, atol=tol)
    if full_rank and A.shape[0] >= ncol:
        # R is unique up to the signs of its rows for full-rank A
        ref = np.linalg.qr(A, mode="r")
        np.testing.assert_allclose(np.abs(np.diag(R)), np.abs(np.diag(ref)),
                                   rtol=1e-9, atol=tol)


def test_by_hand():
    # [3; 4] has R = [5] (up to sign): one reflector, worked by hand
    R = _tsqr.streamed_r(np.array([[3.0], [4.0]]), np.zeros((2, 0)), np.zeros(1),
                         np.zeros(0))
    assert abs(R[0, 0]) == pytest.approx(5.0, rel=4 * EPS)


@pytest.mark.parametrize("m,n,t", [(1, 1, 1), (5, 3, 1), (3, 7, 2), (200, 10, 1),
                                   (5000, 101, 1), (3000, 37, 3), (1000, 1, 0)])
@pytest.mark.parametrize("n_threads", [1, 2])
@pytest.mark.parametrize("weighted", [False, True])
def test_r_factor_matches_numpy(m, n, t, n_threads, weighted):
    rng = np.random.default_rng(m * 31 + n)
    X = rng.standard_normal((m, n)) + 3.0
    Y = rng.standard_normal((m, t))
    x_off, y_off = X.mean(0), Y.mean(0) if t else np.zeros(0)
    sw = rng.uniform(0.1, 2.0, m) if weighted else None
    with rm.num_threads(n_threads):
        R = _tsqr.streamed_r(X, Y, x_off, y_off, None if sw is None else np.sqrt(sw))
    A = np.hstack([X - x_off, Y - y_off])
    if sw is not None:
        A *= np.sqrt(sw)[:, None]
    _check_r(R, A)


@pytest.mark.parametrize("block_bytes,leaf", [(8 * 64 * 40, 1), (8 * 64 * 40, 3),
                                              (1 << 20, 16)])
def test_block_sizes_do_not_change_r(block_bytes, leaf):
    rng = np.random.default_rng(7)
    X = rng.standard_normal((700, 39))
    old = _tsqr._set_block_sizes(block_bytes=block_bytes, leaf=leaf)
    try:
        R = _tsqr.streamed_r(X, np.zeros((700, 0)), np.zeros(39), np.zeros(0))
    finally:
        _tsqr._set_block_sizes(**old)
    _check_r(R, X)


def test_zero_and_rank_deficient_columns():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((400, 6))
    X[:, 2] = 0.0                       # a zero column: house() returns tau = 0
    X[:, 4] = 2.0 * X[:, 1]             # dependent column
    R = _tsqr.streamed_r(X, np.zeros((400, 0)), np.zeros(6), np.zeros(0))
    _check_r(R, X, full_rank=False)
    assert abs(R[2, 2]) < 1e-12 and abs(R[4, 4]) < 1e-10 * abs(R[0, 0])


def test_bad_input():
    with pytest.raises(ValueError):
        _tsqr.streamed_r(np.zeros((4, 2)), np.zeros((3, 1)), np.zeros(2), np.zeros(1))
    with pytest.raises(ValueError):
        _tsqr.streamed_r(np.zeros((4, 2)), np.zeros((4, 1)), np.zeros(3), np.zeros(1))
    with pytest.raises(ValueError):
        _tsqr.streamed_r(np.zeros((4, 2)), np.zeros((4, 1)), np.zeros(2), np.zeros(1),
                         sqrt_w=np.ones(3))
    with pytest.raises(ValueError):
        _tsqr._set_block_sizes(leaf=0)


@pytest.mark.parametrize("n_threads", [1, 2])
def test_linear_regression_matches_sklearn(n_threads):
    rng = np.random.default_rng(11)
    X = rng.standard_normal((20000, 60)) * rng.uniform(0.1, 10, 60) + 5.0
    y = X @ rng.standard_normal(60) + 0.1 * rng.standard_normal(20000)
    sw = rng.uniform(0.5, 1.5, 20000)
    with rm.num_threads(n_threads):
        ours = LinearRegression().fit(X, y, sample_weight=sw)
        ridge = Ridge(alpha=3.0).fit(X, y)
    ref = sk_linear.LinearRegression().fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-9, atol=1e-11)
    assert ours.intercept_ == pytest.approx(ref.intercept_, rel=1e-9)
    ref_r = sk_linear.Ridge(alpha=3.0).fit(X, y)
    np.testing.assert_allclose(ridge.coef_, ref_r.coef_, rtol=1e-8, atol=1e-11)


def test_qr_solves_ill_conditioned_data_accurately():
    # columns nearly dependent (condition ~1e7): the normal equations square it
    rng = np.random.default_rng(5)
    base = rng.standard_normal((5000, 1))
    X = np.hstack([base + 1e-7 * rng.standard_normal((5000, 1)) for _ in range(3)])
    w_true = np.array([1.0, -2.0, 0.5])
    y = X @ w_true
    qr = LinearRegression(solver="qr").fit(X, y)
    err_qr = np.abs(qr.coef_ - w_true).max()
    assert err_qr < 1e-6

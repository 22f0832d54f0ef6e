"""The stacked Cholesky of orders 9..128 (issue 14, rm_stack_potrf of csrc/rm_stack_lu.h):
dpotrf's blocked right-looking form on W matrices at a time, one per SIMD lane.

Every test runs on each kernel this machine can run (test_stack64's ``kernel`` fixture:
generic, avx2, avx512), on stacks of 19 matrices (a padded last block for every W)
unless said otherwise. Residuals are LAPACK's xPOT01 ratio
||L L^T - A||_1 / (n eps ||A||_1), below 30.
"""
import numpy as np
import pytest

import rusty_machine
from rusty_machine import linalg
from rusty_machine.exceptions import LinAlgError
from rusty_machine.linalg import _stacked
from test_stack64 import DTYPES, NB, ORDERS, THRESH, _norm1, _one_blas_thread, kernel

__all__ = ["_one_blas_thread", "kernel"]       # fixtures, used by name

NOT_PD = r"cholesky: Matrix is not positive definite \(matrix %d of the stack\)"


def _spd(rng, nb, n):
    """float64 SPD matrices, condition ~ 10 (g g^T + n I)."""
    g = rng.standard_normal((nb, n, n))
    return g @ np.swapaxes(g, -1, -2) + n * np.eye(n)


def _pot01(factor_lower, a):
    """xPOT01's ratio of each matrix (in float64), for its lower factor."""
    f = factor_lower.astype(np.float64)
    n = a.shape[-1]
    eps = np.finfo(factor_lower.dtype).eps
    return _norm1(f @ np.swapaxes(f, -1, -2) - a) / (n * eps * _norm1(a))


def test_orders_taken():
    """cholesky takes the new path from order 9 to 128 (8 is part D's, 129 the
    per-matrix loop's): the boundaries all agree with numpy."""
    assert _stacked._stack_lu_ok(NB, 9) and _stacked._stack_lu_ok(NB, 128)
    assert not _stacked._stack_lu_ok(NB, 8) and not _stacked._stack_lu_ok(NB, 129)
    rng = np.random.default_rng(20)
    for n in (8, 9, 128, 129):
        a = _spd(rng, NB, n)
        np.testing.assert_allclose(linalg.cholesky(a), np.linalg.cholesky(a),
                                   rtol=0, atol=1e3 * n * np.finfo(float).eps)


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_order_lower_and_upper(kernel, dtype):
    rng = np.random.default_rng(21)
    eps = np.finfo(dtype).eps
    for n in ORDERS:
        spd = _spd(rng, NB, n)
        # garbage in the triangle that is not read
        a = (spd + np.triu(rng.standard_normal((NB, n, n)), 1)).astype(dtype)
        low = linalg.cholesky(a)
        assert low.dtype == dtype and low.shape == (NB, n, n)
        assert (np.triu(low, 1) == 0).all()
        assert _pot01(low, spd).max() < THRESH, n
        # cond(A) ~ 10: the factor itself agrees with numpy's (|L| <= sqrt(max a_ii))
        ref = np.linalg.cholesky(spd.astype(dtype))
        np.testing.assert_allclose(low, ref, rtol=0,
                                   atol=30 * n * eps * np.sqrt(np.abs(spd).max()))
        au = (spd + np.tril(rng.standard_normal((NB, n, n)), -1)).astype(dtype)
        up = linalg.cholesky(au, upper=True)
        assert up.dtype == dtype and (np.tril(up, -1) == 0).all()
        assert _pot01(np.swapaxes(up, -1, -2), spd).max() < THRESH, n
        np.testing.assert_array_equal(linalg.cholesky(au, lower=False), up)


@pytest.mark.parametrize("dtype", DTYPES)
def test_first_failing_matrix_is_named(kernel, dtype):
    """A matrix that is not positive definite at lane 0, at the last lane of a full
    block, or in the padded last block: the error names the first one, as the
    per-matrix path did."""
    lanes = _stacked._batch_kernel()[2 if dtype == np.float32 else 1]
    rng = np.random.default_rng(22)
    nb = 2 * lanes + 3                               # two full blocks and a padded one
    for n in (9, 13, 64):
        base = _spd(rng, nb, n).astype(dtype)
        for where in (0, lanes - 1, nb - 1):
            for j in (0, n // 2, n - 1):             # the leading minor of order j + 1
                # a_jj lowered by l_jj^2 + 1: the Schur complement pivot d_j = -1
                a = base.copy()
                ljj = np.linalg.cholesky(base[where].astype(np.float64))[j, j]
                a[where, j, j] -= ljj ** 2 + 1
                with pytest.raises(LinAlgError, match=NOT_PD % where):
                    linalg.cholesky(a)
                with pytest.raises(LinAlgError, match=NOT_PD % where):
                    linalg.cholesky(a, upper=True)
        # two failing matrices: the first is named
        a = base.copy()
        a[nb - 1, 0, 0] = -1.0
        a[lanes, n - 1, n - 1] = -1e6
        with pytest.raises(LinAlgError, match=NOT_PD % lanes):
            linalg.cholesky(a)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nonfinite_is_a_value_error(kernel, dtype, bad):
    """NaN / infinity anywhere (in the triangle not read too) is a ValueError, even
    when an earlier matrix is not positive definite (the per-matrix path's order)."""
    rng = np.random.default_rng(23)
    for n, where, r, c in ((9, 0, 0, 0), (40, 18, 39, 0), (40, 7, 0, 39), (128, 5, 64, 64)):
        a = _spd(rng, NB, n).astype(dtype)
        a[0, 1, 1] = -1.0
        a[where, r, c] = bad
        with pytest.raises(ValueError, match="cholesky: the input contains NaN"):
            linalg.cholesky(a)
        with pytest.raises(ValueError, match="cholesky: the input contains NaN"):
            linalg.cholesky(a, upper=True)


def test_zero_size_stacks():
    for shape in ((0, 9, 9), (0, 64, 64), (3, 0, 40, 40)):
        out = linalg.cholesky(np.zeros(shape))
        assert out.shape == shape and out.dtype == np.float64


def test_broadcast_and_layouts(kernel):
    """A Fortran-ordered, strided, read-only, broadcast (stride 0) or int stack and a
    4-D stack: the same factors as numpy's."""
    rng = np.random.default_rng(24)
    a = _spd(rng, 2 * NB, 33)
    want = np.linalg.cholesky(a)
    tol = 30 * 33 * np.finfo(float).eps * np.sqrt(np.abs(a).max())
    fortran = np.asfortranarray(a)
    strided = np.empty((2 * NB, 66, 66))[:, ::2, ::2]
    strided[...] = a
    readonly = a.copy()
    readonly.flags.writeable = False
    for x in (fortran, strided, readonly):
        np.testing.assert_allclose(linalg.cholesky(x), want, rtol=0, atol=tol)
    shared = np.broadcast_to(a[3], a.shape)
    np.testing.assert_allclose(linalg.cholesky(shared), np.broadcast_to(want[3], a.shape),
                               rtol=0, atol=tol)
    got = linalg.cholesky(a.reshape(2, NB, 33, 33))
    assert got.shape == (2, NB, 33, 33)
    np.testing.assert_allclose(got.reshape(a.shape), want, rtol=0, atol=tol)
    ints = np.rint(a).astype(np.int64)
    np.testing.assert_allclose(linalg.cholesky(ints), np.linalg.cholesky(ints), rtol=0,
                               atol=tol)


def test_two_threads_same_factors_and_failure():
    """Chunks over two threads: the same factors, and the first failing matrix named
    when it lies in the second chunk while a later one also fails."""
    rng = np.random.default_rng(25)
    a = _spd(rng, 301, 20)
    old = rusty_machine.get_num_threads()
    try:
        rusty_machine.set_num_threads(1)
        ref = linalg.cholesky(a)
        rusty_machine.set_num_threads(2)
        np.testing.assert_array_equal(linalg.cholesky(a), ref)
        a[200, 5, 5] = -1.0
        a[300, 0, 0] = -1.0
        with pytest.raises(LinAlgError, match=NOT_PD % 200):
            linalg.cholesky(a)
    finally:
        rusty_machine.set_num_threads(old)

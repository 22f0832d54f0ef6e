"""Stacks of matrices (..., M, N) in solve, inv, det, slogdet and cholesky, against numpy.

Residuals are judged as LAPACK's tests judge them: ||A x - b|| / (||A|| ||x|| n eps)
below a small constant, per matrix of the stack; det and slogdet against numpy's with the
relative accuracy that cond(A) allows."""
import numpy as np
import pytest

import rusty_machine
from rusty_machine import linalg
from rusty_machine.linalg import LinAlgError

EPS = {np.float64: np.finfo(np.float64).eps, np.float32: np.finfo(np.float32).eps}
SHAPES = [(3, 1, 1), (5, 2, 2), (7, 3, 3), (100, 4, 4), (2, 3, 5, 5), (4, 8, 8),
          (3, 33, 33), (2, 70, 70), (2, 140, 140)]


def _well_conditioned(rng, shape, dtype=np.float64):
    n = shape[-1]
    a = rng.standard_normal(shape) + 2 * np.sqrt(n) * np.eye(n)
    return a.astype(dtype)


def _spd(rng, shape, dtype=np.float64):
    a = rng.standard_normal(shape)
    return (a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dtype)


def _residual_ratio(a, x, b, dtype):
    a, x, b = (np.asarray(t, dtype=np.float64) for t in (a, x, b))
    n = a.shape[-1]
    r = np.abs(a @ x - b).max(axis=(-2, -1))
    scale = np.abs(a).sum(-1).max(-1) * np.abs(x).max(axis=(-2, -1)) * n * EPS[dtype]
    return (r / scale).max()


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_solve_matrix_rhs(shape, dtype):
    rng = np.random.default_rng(sum(shape))
    a = _well_conditioned(rng, shape, dtype)
    b = rng.standard_normal(shape[:-1] + (3,)).astype(dtype)
    x = linalg.solve(a, b)
    assert isinstance(x, np.ndarray) and x.shape == b.shape and x.dtype == dtype
    assert _residual_ratio(a, x, b, dtype) < 10
    np.testing.assert_allclose(x, np.linalg.solve(a, b), rtol=0,
                               atol=1e3 * EPS[dtype] * np.abs(x).max())


@pytest.mark.parametrize("shape", SHAPES[:6])
def test_solve_vector_rhs_is_shared(shape):
    """numpy 2: a 1-D b is one right-hand side for every matrix of the stack."""
    rng = np.random.default_rng(1)
    a = _well_conditioned(rng, shape)
    b = rng.standard_normal(shape[-1])
    x = linalg.solve(a, b)
    assert x.shape == shape[:-1]
    np.testing.assert_allclose(x, np.linalg.solve(a, b), rtol=1e-10, atol=1e-12)


def test_solve_broadcasts_leading_axes():
    rng = np.random.default_rng(2)
    a = _well_conditioned(rng, (4, 1, 3, 3))
    b = rng.standard_normal((5, 3, 2))
    x = linalg.solve(a, b)
    assert x.shape == (4, 5, 3, 2)
    np.testing.assert_allclose(x, np.linalg.solve(a, b), rtol=1e-10, atol=1e-12)
    # a 2-D a against a stack of b
    x = linalg.solve(a[0, 0], b)
    np.testing.assert_allclose(x, np.linalg.solve(a[0, 0], b), rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match="broadcast"):
        linalg.solve(_well_conditioned(rng, (4, 3, 3)), rng.standard_normal((5, 3, 2)))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_inv(shape, dtype):
    rng = np.random.default_rng(3 + sum(shape))
    a = _well_conditioned(rng, shape, dtype)
    ai = linalg.inv(a)
    assert ai.shape == shape and ai.dtype == dtype
    eye = np.broadcast_to(np.eye(shape[-1]), shape)
    assert _residual_ratio(a, ai, eye, dtype) < 10


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_det_and_slogdet(shape, dtype):
    rng = np.random.default_rng(4 + sum(shape))
    a = rng.standard_normal(shape).astype(dtype)
    d = linalg.det(a)
    assert d.shape == shape[:-2] and d.dtype == dtype
    ref = np.linalg.det(a.astype(np.float64))
    cond = np.linalg.cond(a.astype(np.float64))
    tol = 50 * shape[-1] * EPS[dtype] * cond
    big = np.abs(ref) > np.finfo(dtype).max / 2       # not representable: inf, as numpy
    assert np.all(np.isinf(d[big]))
    assert np.all(np.abs(d - ref)[~big] <= (tol * np.abs(ref) + 1e-300)[~big])
    sign, logdet = linalg.slogdet(a)
    rsign, rlog = np.linalg.slogdet(a.astype(np.float64))
    assert sign.dtype == dtype and logdet.dtype == dtype
    np.testing.assert_array_equal(sign, rsign)
    assert np.all(np.abs(logdet - rlog) <= tol)


def test_det_of_huge_stack_is_not_overflowed_in_slogdet():
    a = np.broadcast_to(1e200 * np.eye(4), (3, 4, 4))
    sign, logdet = linalg.slogdet(a)
    np.testing.assert_array_equal(sign, 1.0)
    np.testing.assert_allclose(logdet, 4 * 200 * np.log(10))
    assert np.all(np.isinf(linalg.det(a)))          # as numpy: det itself overflows


def test_singular_members():
    a = np.stack([np.eye(3), np.ones((3, 3)), 2 * np.eye(3)])
    np.testing.assert_array_equal(linalg.det(a), [1.0, 0.0, 8.0])
    sign, logdet = linalg.slogdet(a)
    np.testing.assert_array_equal(sign, [1.0, 0.0, 1.0])
    assert logdet[1] == -np.inf
    with pytest.raises(LinAlgError, match="matrix 1 of the stack"):
        linalg.solve(a, np.ones((3, 3, 1)))
    with pytest.raises(LinAlgError, match="Singular"):
        linalg.inv(a)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky(shape, upper):
    rng = np.random.default_rng(5 + sum(shape))
    s = _spd(rng, shape)
    # only the triangle that is factored is read: garbage in the other one
    garbage = np.triu(np.full(shape, 7.0), 1)
    s_one = s + (np.swapaxes(garbage, -1, -2) if upper else garbage)
    f = linalg.cholesky(s_one, upper=upper)
    ref = np.linalg.cholesky(s, upper=upper)
    np.testing.assert_allclose(f, ref, rtol=0, atol=100 * shape[-1] * EPS[np.float64]
                               * np.abs(ref).max())
    tri = np.triu if upper else np.tril
    np.testing.assert_array_equal(f, tri(f))


def test_cholesky_float32_and_not_positive_definite():
    rng = np.random.default_rng(6)
    s = _spd(rng, (10, 5, 5), np.float32)
    assert linalg.cholesky(s).dtype == np.float32
    s[7] = -np.eye(5)
    with pytest.raises(LinAlgError, match="not positive definite.*matrix 7"):
        linalg.cholesky(s)


def test_empty_stacks_and_matrices():
    assert linalg.inv(np.zeros((2, 0, 0))).shape == (2, 0, 0)
    assert linalg.inv(np.zeros((0, 3, 3))).shape == (0, 3, 3)
    np.testing.assert_array_equal(linalg.det(np.zeros((3, 0, 0))), np.ones(3))
    sign, logdet = linalg.slogdet(np.zeros((2, 0, 0)))
    np.testing.assert_array_equal(sign, 1.0)
    np.testing.assert_array_equal(logdet, 0.0)
    assert linalg.det(np.zeros((0, 2, 2))).shape == (0,)
    assert linalg.solve(np.zeros((2, 0, 0)), np.zeros((2, 0, 4))).shape == (2, 0, 4)
    assert linalg.solve(np.eye(3)[None], np.zeros((1, 3, 0))).shape == (1, 3, 0)
    assert linalg.cholesky(np.zeros((4, 0, 0))).shape == (4, 0, 0)


@pytest.mark.parametrize("func", [linalg.solve, linalg.inv, linalg.det, linalg.slogdet,
                                  linalg.cholesky])
def test_bad_stacks_raise(func):
    args = ((lambda a: (a, np.ones(a.shape[:-1] + (1,)))) if func is linalg.solve
            else (lambda a: (a,)))
    with pytest.raises(LinAlgError, match="square"):
        func(*args(np.ones((2, 3, 4))))
    bad = np.stack([np.eye(3)] * 2)
    bad[1, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        func(*args(bad))
    with pytest.raises(TypeError, match="complex"):
        func(*args(np.stack([np.eye(3)] * 2).astype(complex)))
    with pytest.raises(TypeError):
        func(*args(np.stack([np.eye(3)] * 2).astype(np.float16)))


def test_solve_shape_mismatch():
    with pytest.raises(ValueError, match="b has shape"):
        linalg.solve(np.stack([np.eye(3)] * 2), np.ones((2, 4, 1)))
    with pytest.raises(ValueError, match="b has shape"):
        linalg.solve(np.stack([np.eye(3)] * 2), np.ones(4))
    with pytest.raises(LinAlgError, match="two-dimensional"):
        linalg.solve(np.ones(3), np.ones((2, 3, 1)))          # a is not a matrix
    with pytest.raises(ValueError, match="solve: expected a 2-D"):
        linalg.solve(np.ones(3), np.ones(3))


def test_two_dimensional_inputs_keep_the_matrix_api():
    a = [[4.0, 1.0], [1.0, 3.0]]
    assert isinstance(linalg.solve(a, [1.0, 2.0]), rusty_machine.linalg.Vector)
    assert isinstance(linalg.inv(a), rusty_machine.linalg.Matrix)
    assert isinstance(linalg.cholesky(a), rusty_machine.linalg.Matrix)
    d = linalg.det(a)
    assert isinstance(d, np.float64) and d == pytest.approx(11.0)
    assert isinstance(linalg.det(np.array(a, dtype=np.float32)), np.float32)
    assert linalg.slogdet(a).logabsdet == pytest.approx(np.log(11.0))


@pytest.mark.parametrize("threads", [1, 2])
def test_threads_give_the_same_answers(threads):
    rng = np.random.default_rng(7)
    a = _well_conditioned(rng, (301, 5, 5))
    b = rng.standard_normal((301, 5, 2))
    old = rusty_machine.get_num_threads()
    try:
        rusty_machine.set_num_threads(1)
        ref = linalg.solve(a, b), linalg.det(a), linalg.cholesky(_spd(rng, (301, 5, 5)))
        rusty_machine.set_num_threads(threads)
        rng = np.random.default_rng(7)
        a = _well_conditioned(rng, (301, 5, 5))
        b = rng.standard_normal((301, 5, 2))
        got = linalg.solve(a, b), linalg.det(a), linalg.cholesky(_spd(rng, (301, 5, 5)))
    finally:
        rusty_machine.set_num_threads(old)
    for r, g in zip(ref, got):
        np.testing.assert_array_equal(r, g)

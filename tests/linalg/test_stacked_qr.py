"""numpy.linalg.qr's contract (issue 14): every mode, QRResult, stacks (..., M, N), 0-size
inputs, float32 and integer input, bad input; against numpy on seeded data.

Factors are judged as LAPACK's xQRT01 judges them, per matrix of the stack:
    ||A - Q R||_1 / (max(m, n) ||A||_1 eps)   and   ||I - Q^T Q||_1 / (m eps)
below THRESH, with eps the input dtype's; R upper trapezoidal with exact zeros below its
diagonal; R (and raw's h, tau) against numpy's: the same algorithm (LAPACK dgeqrf's sign
convention), so they agree to a few eps times cond(A) (the random matrices here are well
conditioned, cond < 100)."""
import numpy as np
import pytest

import rusty_machine
from rusty_machine import linalg
from rusty_machine.linalg import LinAlgError, Matrix, QRResult

EPS = {np.float64: np.finfo(np.float64).eps, np.float32: np.finfo(np.float32).eps}
THRESH = 30.0
DTYPES = [np.float64, np.float32]
# (batch shape, M, N): square, tall, wide, vectors; small ones run over the batch on the
# threads, those above 64 one at a time with the threads inside the kernels
STACKS = [((3,), 1, 1), ((5,), 4, 4), ((2, 3), 5, 3), ((2, 3), 3, 5), ((4,), 8, 1),
          ((4,), 1, 8), ((2, 2, 2), 6, 6), ((100,), 8, 8), ((3,), 33, 20),
          ((2,), 80, 70), ((2,), 70, 90)]


def _ratios(a, q, r, dtype):
    """Largest reconstruction and orthogonality ratios over the stack (float64 maths)."""
    a, q, r = (np.asarray(t, dtype=np.float64) for t in (a, q, r))
    m, n = a.shape[-2:]
    eps = EPS[dtype]
    norm_a = np.maximum(np.abs(a).sum(-2).max(-1), np.finfo(np.float64).tiny)
    fact = np.abs(a - q @ r).sum(-2).max(-1) / (max(m, n, 1) * norm_a * eps)
    eye = np.eye(q.shape[-1])
    orth = np.abs(eye - np.swapaxes(q, -1, -2) @ q).sum(-2).max(-1) / (max(m, 1) * eps)
    return float(np.max(fact, initial=0)), float(np.max(orth, initial=0))


def _data(seed, batch, m, n, dtype):
    return np.random.default_rng(seed).standard_normal(batch + (m, n)).astype(dtype)


@pytest.mark.parametrize("batch, m, n", STACKS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", ["reduced", "complete"])
def test_factors_of_a_stack(batch, m, n, dtype, mode):
    a = _data(m * 100 + n, batch, m, n, dtype)
    res = linalg.qr(a, mode=mode)
    assert isinstance(res, QRResult)
    q, r = res
    assert res.Q is q and res.R is r
    qn, rn = np.linalg.qr(a, mode=mode)
    assert isinstance(q, np.ndarray) and isinstance(r, np.ndarray)
    assert q.shape == qn.shape and r.shape == rn.shape
    assert q.dtype == dtype and r.dtype == dtype
    assert np.all(np.tril(r, -1) == 0)                       # R upper trapezoidal
    r_fact, r_orth = _ratios(a, q, r, dtype)
    assert r_fact < THRESH and r_orth < THRESH
    # the same Householder convention as LAPACK: R equals numpy's, signs included
    np.testing.assert_allclose(r, rn, rtol=0, atol=100 * EPS[dtype] * np.abs(rn).max())


@pytest.mark.parametrize("batch, m, n", STACKS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_mode_r_and_each_matrix_as_the_2d_function(batch, m, n, dtype):
    a = _data(7, batch, m, n, dtype)
    r = linalg.qr(a, mode="r")
    q1, r1 = linalg.qr(a)
    assert r.shape == batch + (min(m, n), n) and r.dtype == dtype
    np.testing.assert_array_equal(r, r1)
    # the stack runs the 2-D function's reflectors (unblocked geqr2 for small matrices,
    # so equal up to rounding), matrix by matrix
    flat_a = a.reshape((-1, m, n))
    flat_q, flat_r = q1.reshape((-1, m, min(m, n))), r1.reshape((-1, min(m, n), n))
    tol = 100 * EPS[dtype]
    for i in (0, flat_a.shape[0] - 1):
        q2, r2 = linalg.qr(flat_a[i])
        assert isinstance(q2, Matrix) and isinstance(r2, Matrix)
        np.testing.assert_allclose(flat_q[i], np.asarray(q2), rtol=0, atol=tol)
        np.testing.assert_allclose(flat_r[i], np.asarray(r2), rtol=0,
                                   atol=tol * np.abs(flat_r[i]).max())


def _q_from_raw(h, tau):
    """Q = H_0 ... H_{k-1}, H_j = I - tau_j v_j v_j^T, from numpy's raw (h, tau) of one
    matrix (the test's oracle, in plain numpy: v_j is row j of h, 1 at j, 0 before)."""
    n, m = h.shape
    q = np.eye(m)
    for j in range(tau.shape[0]):
        v = np.zeros(m)
        v[j] = 1.0
        v[j + 1:] = h[j, j + 1:]
        q = q - tau[j] * np.outer(q @ v, v)
    return q


@pytest.mark.parametrize("batch, m, n", [((), 3, 2), ((), 2, 3), ((), 6, 6)] + STACKS[:9])
@pytest.mark.parametrize("dtype", DTYPES)
def test_mode_raw_is_numpys_layout(batch, m, n, dtype):
    a = _data(11, batch, m, n, dtype)
    h, tau = linalg.qr(a, mode="raw")
    hn, taun = np.linalg.qr(a, mode="raw")
    assert isinstance(h, np.ndarray) and isinstance(tau, np.ndarray)
    assert h.shape == hn.shape == batch + (n, m) and tau.shape == taun.shape
    assert h.dtype == dtype and tau.dtype == dtype
    eps = EPS[dtype]
    np.testing.assert_allclose(h, hn, rtol=0, atol=100 * eps * max(np.abs(hn).max(), 1))
    np.testing.assert_allclose(tau, taun, rtol=0, atol=100 * eps)
    assert np.all((tau == 0) | ((tau >= 1) & (tau <= 2)))
    # and the raw factors are a QR factorisation: Q from (h, tau), R from h's upper part
    k = min(m, n)
    flat_a, flat_h = a.reshape((-1, m, n)), h.reshape((-1, n, m))
    flat_tau = tau.reshape((-1, k))
    for i in range(min(flat_a.shape[0], 4)):
        q = _q_from_raw(flat_h[i].astype(np.float64), flat_tau[i].astype(np.float64))
        r = np.triu(flat_h[i].T)
        r_fact, r_orth = _ratios(flat_a[i], q, r, dtype)
        assert r_fact < THRESH and r_orth < THRESH


@pytest.mark.parametrize("shape", [(0, 0), (3, 0), (0, 3), (0, 3, 3), (2, 0, 3), (2, 3, 0),
                                   (2, 0, 0), (0, 2, 4, 5), (2, 1, 0, 0)])
@pytest.mark.parametrize("dtype", DTYPES)
def test_empty_shapes_are_numpys(shape, dtype):
    a = np.zeros(shape, dtype=dtype)
    for mode in ("reduced", "complete"):
        q, r = (np.asarray(t) for t in linalg.qr(a, mode=mode))
        qn, rn = np.linalg.qr(a, mode=mode)
        assert q.shape == qn.shape and r.shape == rn.shape
        assert q.dtype == dtype and r.dtype == dtype
        np.testing.assert_array_equal(q, qn)        # identity columns, as numpy
        np.testing.assert_array_equal(r, rn)
    r = np.asarray(linalg.qr(a, mode="r"))
    assert r.shape == np.linalg.qr(a, mode="r").shape and r.dtype == dtype
    h, tau = linalg.qr(a, mode="raw")
    hn, taun = np.linalg.qr(a, mode="raw")
    assert h.shape == hn.shape and tau.shape == taun.shape
    assert h.dtype == dtype and tau.dtype == dtype


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, bool])
def test_integer_and_bool_input_is_float64(dtype):
    a = (np.arange(2 * 4 * 3).reshape(2, 4, 3) % 5).astype(dtype)
    q, r = linalg.qr(a)
    assert q.dtype == np.float64 and r.dtype == np.float64
    r_fact, r_orth = _ratios(a, q, r, np.float64)
    assert r_fact < THRESH and r_orth < THRESH
    # up to the signs of R's rows: this rank-deficient 0/1 input leaves a column whose
    # part below the diagonal is zero or a rounding error away from it, and which of the
    # two that is (reflect or not, so +1 or -1 on the diagonal) depends on the kernel's
    # rounding, LAPACK's as well as ours (numpy's AVX2 and AVX-512 OpenBLAS differ here)
    np.testing.assert_allclose(np.abs(r), np.abs(np.linalg.qr(a)[1]), rtol=0, atol=1e-12)


def test_layouts_fortran_strided_read_only():
    base = _data(3, (4,), 12, 10, np.float64)
    expected = np.linalg.qr(base[:, ::2, 1::2])[1]
    f_order = np.asfortranarray(base)
    read_only = base.copy()
    read_only.flags.writeable = False
    for a in (base[:, ::2, 1::2], np.asfortranarray(base[:, ::2, 1::2]),
              np.swapaxes(np.swapaxes(base, 1, 2).copy(), 1, 2)[:, ::2, 1::2]):
        np.testing.assert_allclose(linalg.qr(a)[1], expected, rtol=0, atol=1e-13)
    for a in (f_order, read_only):
        before = a.copy()
        np.testing.assert_allclose(linalg.qr(a, mode="r"), np.linalg.qr(base, mode="r"),
                                   rtol=0, atol=1e-13)
        np.testing.assert_array_equal(a, before)            # input left untouched


def test_one_and_two_threads_agree():
    # small matrices: the batch spread over the threads, one kernel per thread with its
    # own workspace; large ones: one at a time, the threads inside the GEMMs
    for batch, m, n in (((64,), 8, 8), ((3,), 100, 80)):
        a = _data(5, batch, m, n, np.float64)
        with rusty_machine.num_threads(1):
            q1, r1 = linalg.qr(a)
        with rusty_machine.num_threads(2):
            q2, r2 = linalg.qr(a)
        np.testing.assert_allclose(q2, q1, rtol=0, atol=1e-13)
        np.testing.assert_allclose(r2, r1, rtol=0, atol=1e-13 * np.abs(r1).max())


def test_no_numpy_linalg_inside(monkeypatch):
    a = _data(9, (6,), 7, 5, np.float64)
    expected = np.linalg.qr(a)

    def forbidden(*args, **kwargs):
        raise AssertionError("numpy.linalg called")
    for name in ("qr", "solve", "inv", "svd", "eigh", "cholesky"):
        monkeypatch.setattr(np.linalg, name, forbidden)
    q, r = linalg.qr(a)
    np.testing.assert_allclose(r, expected[1], rtol=0, atol=1e-13)


# ---- bad input ------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["full", "f", "economic", "e", "Reduced", "", None, 1])
def test_unknown_or_deprecated_mode(mode):
    for a in (np.ones((3, 2)), np.ones((2, 3, 2))):
        with pytest.raises(ValueError, match="mode"):
            linalg.qr(a, mode=mode)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_stack_is_value_error(bad):
    a = np.ones((3, 4, 3))
    a[2, 3, 1] = bad
    for mode in ("reduced", "complete", "r", "raw"):
        with pytest.raises(ValueError, match="NaN or infinity"):
            linalg.qr(a, mode=mode)


def test_wrong_types_and_dimensions():
    with pytest.raises(TypeError, match="complex"):
        linalg.qr(np.ones((2, 3, 3), dtype=complex))
    with pytest.raises(TypeError):
        linalg.qr(np.array([[["x"]]]))
    with pytest.raises(TypeError):
        linalg.qr(np.ones((2, 3, 3), dtype=object))
    with pytest.raises(TypeError):
        linalg.qr(np.ones((2, 3, 3), dtype=np.float16))
    with pytest.raises(ValueError, match="2-D"):
        linalg.qr(np.ones(4))
    with pytest.raises(ValueError, match="2-D"):
        linalg.qr(np.float64(3.0))


def test_overflow_in_a_stack_is_reported():
    a = np.stack([np.eye(4), np.full((4, 4), 1.5e308)])
    with pytest.raises(LinAlgError, match="overflowed"):
        linalg.qr(a)

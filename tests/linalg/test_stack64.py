"""The stacked LU of orders 9..128 (issue 14, csrc/rm_stack_lu.h): solve / inv / det /
slogdet of W matrices at a time, one per SIMD lane, by a blocked right-looking LU.

Every test runs on each kernel this machine can run (generic, avx2, avx512: W is 4 / 8 /
16 by dtype and ISA), on stacks of 19 matrices (a padded last block for every W) unless
said otherwise, and compares every matrix with numpy. Residuals are LAPACK's test ratios
(xGET01/xGET03: ||residual|| / (n eps ||A|| ||X||) below 30).
"""
import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from rusty_machine import linalg
from rusty_machine.exceptions import LinAlgError
from rusty_machine.linalg import _stacked

NB = 19
ORDERS = tuple(range(9, 131))          # both sides of 8 | 9 and 128 | 129
DTYPES = (np.float64, np.float32)
THRESH = 30.0


def _kernels():
    here = []
    start = _stacked._batch_kernel()[0]
    for isa in ("generic", "avx2", "avx512"):
        try:
            _stacked._batch_kernel(isa)
            here.append(isa)
        except ValueError:
            pass
    _stacked._batch_kernel(start)
    return here


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread():
    # numpy's references on one BLAS thread: on a loaded machine OpenBLAS's own threads
    # make its small stacked calls 10-100x slower
    with threadpool_limits(1):
        yield


@pytest.fixture(params=_kernels())
def kernel(request):
    start = _stacked._batch_kernel()[0]
    _stacked._batch_kernel(request.param)
    yield request.param
    _stacked._batch_kernel(start)


def _norm1(x):
    return np.abs(x.astype(np.float64)).sum(axis=-2).max(axis=-1)


def _permuted(rng, nb, n, dtype):
    """Well-conditioned matrices with their rows shuffled: each lane pivots on other
    rows, so the per-lane interchanges are exercised."""
    a = rng.standard_normal((nb, n, n)) + 2 * np.sqrt(n) * np.eye(n)
    perm = np.argsort(rng.random((nb, n)), axis=-1)
    return np.take_along_axis(a, perm[:, :, None], axis=1).astype(dtype)


def _solve_ratio(a, x, b):
    """xGET02's ratio ||A X - B||_1 / (n eps ||A||_1 ||X||_1), per matrix."""
    a64, x64 = a.astype(np.float64), x.astype(np.float64)
    r = a64 @ x64 - b.astype(np.float64)
    n = a.shape[-1]
    return _norm1(r) / (n * np.finfo(a.dtype).eps * _norm1(a) * _norm1(x))


def test_orders_taken():
    """The new path takes orders 9..128 (8 is part D's, 129 the per-matrix loop's)."""
    lanes = _stacked._batch_kernel()[1]
    assert _stacked._stack_lu_ok(100, 9) and _stacked._stack_lu_ok(100, 128)
    assert not _stacked._stack_lu_ok(100, 8) and not _stacked._stack_lu_ok(100, 129)
    assert not _stacked._stack_lu_ok(lanes - 1, 64)     # less than one block of lanes
    assert not _stacked._stack_lu_ok(100, 64, 65)       # more right-hand sides than n


@pytest.mark.parametrize("dtype", DTYPES)
def test_solve_inv_every_order(kernel, dtype):
    rng = np.random.default_rng(1)
    for n in ORDERS:
        a = _permuted(rng, NB, n, dtype)
        b = rng.standard_normal((NB, n, 3)).astype(dtype)
        x = linalg.solve(a, b)
        assert x.dtype == dtype and x.shape == (NB, n, 3)
        assert (_solve_ratio(a, x, b) < THRESH).all(), n
        # well conditioned (cond ~ 10): the solution itself agrees with numpy's
        tol = 50 * n * np.finfo(dtype).eps
        np.testing.assert_allclose(x, np.linalg.solve(a, b), rtol=tol, atol=tol)
        xi = linalg.inv(a)
        assert xi.dtype == dtype
        eye = np.broadcast_to(np.eye(n), a.shape)
        assert (_solve_ratio(a, xi, eye) < THRESH).all(), n
        np.testing.assert_allclose(xi, np.linalg.inv(a), rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", DTYPES)
def test_det_slogdet_every_order(kernel, dtype):
    rng = np.random.default_rng(2)
    for n in ORDERS:
        # unit-scale entries: |det| stays in float32's range up to n = 130
        a = _permuted(rng, NB, n, np.float64) / (2 * np.sqrt(n))
        a = a.astype(dtype)
        want_sign, want_log = np.linalg.slogdet(a.astype(np.float64))
        sign, logdet = linalg.slogdet(a)
        assert sign.dtype == dtype and logdet.dtype == dtype
        np.testing.assert_array_equal(sign, want_sign)       # the permutation's parity
        tol = 30 * n * np.finfo(dtype).eps
        np.testing.assert_allclose(logdet, want_log, rtol=tol, atol=tol)
        np.testing.assert_allclose(linalg.det(a), np.linalg.det(a.astype(np.float64)),
                                   rtol=10 * tol)


def test_solve_vector_and_broadcast(kernel):
    """numpy's b rules: a 1-D b shared by the stack, and broadcast leading axes."""
    rng = np.random.default_rng(3)
    a = _permuted(rng, 2 * NB, 40, np.float64).reshape(2, NB, 40, 40)
    b = rng.standard_normal(40)
    np.testing.assert_allclose(linalg.solve(a, b), np.linalg.solve(a, b), rtol=1e-12,
                               atol=1e-14)
    bb = rng.standard_normal((NB, 40, 2))
    np.testing.assert_allclose(linalg.solve(a, bb), np.linalg.solve(a, bb), rtol=1e-12,
                               atol=1e-14)
    # a non-contiguous and integer stack is converted once
    ai = np.round(10 * a[:, :, ::-1, :]).astype(np.int64)
    np.testing.assert_allclose(linalg.det(ai), np.linalg.det(ai), rtol=1e-10)


@pytest.mark.parametrize("dtype", DTYPES)
def test_pivot_in_last_row(kernel, dtype):
    """Column 0's only large entry is in the last row: without that interchange the
    first multipliers are ~1e8 (float64) and the answers garbage; and every lane of a
    block gets another row order (lane i: the last row is row n - 1 - (i % 3))."""
    rng = np.random.default_rng(4)
    n = 64
    a = rng.standard_normal((NB, n, n)) + 2 * np.sqrt(n) * np.eye(n)
    a[:, :, 0] = 1e-8 if dtype == np.float64 else 1e-3
    a[:, -1, 0] = 1.0
    for i in range(NB):
        j = n - 1 - (i % 3)
        a[i, [j, n - 1]] = a[i, [n - 1, j]]
    a = a.astype(dtype)
    b = rng.standard_normal((NB, n, 1)).astype(dtype)
    x = linalg.solve(a, b)
    assert (_solve_ratio(a, x, b) < THRESH).all()
    sign, logdet = linalg.slogdet(a)
    want_sign, want_log = np.linalg.slogdet(a.astype(np.float64))
    np.testing.assert_array_equal(sign, want_sign)
    np.testing.assert_allclose(logdet, want_log, rtol=100 * n * np.finfo(dtype).eps)


@pytest.mark.parametrize("n", (9, 64, 128))
def test_singular_matrix_in_the_stack(kernel, n):
    """An exactly singular matrix (two equal rows) among regular ones: solve and inv
    name it, det is exactly 0 there and numpy's elsewhere, slogdet (0, -inf)."""
    rng = np.random.default_rng(5)
    a = _permuted(rng, NB, n, np.float64)
    a[7, 3] = a[7, 5]
    with pytest.raises(LinAlgError, match="matrix 7 of the stack"):
        linalg.solve(a, rng.standard_normal((NB, n, 1)))
    with pytest.raises(LinAlgError, match="matrix 7 of the stack"):
        linalg.inv(a)
    d = linalg.det(a)
    assert d[7] == 0.0
    np.testing.assert_allclose(np.delete(d, 7), np.delete(np.linalg.det(a), 7),
                               rtol=1e-11)
    sign, logdet = linalg.slogdet(a)
    assert sign[7] == 0.0 and logdet[7] == -np.inf
    # a zero column: the pivot is exactly zero from the first step on
    a[11, :, 0] = 0.0
    assert linalg.det(a)[11] == 0.0


def test_near_singular(kernel):
    """cond(A) ~ 1e12: the answer's error grows with cond, the residual does not."""
    rng = np.random.default_rng(6)
    n = 64
    u, _ = np.linalg.qr(rng.standard_normal((NB, n, n)))
    v, _ = np.linalg.qr(rng.standard_normal((NB, n, n)))
    s = np.logspace(0, -12, n)
    a = (u * s[None, None, :]) @ v
    b = rng.standard_normal((NB, n, 2))
    x = linalg.solve(a, b)
    assert (_solve_ratio(a, x, b) < THRESH).all()
    # both sides' |det| are within ~ cond n eps (relative) of the exact one
    tol = 1e12 * n * np.finfo(np.float64).eps
    np.testing.assert_allclose(linalg.slogdet(a).logabsdet, np.linalg.slogdet(a).logabsdet,
                               rtol=0, atol=2 * tol)
    np.testing.assert_allclose(linalg.det(a), np.linalg.det(a), rtol=2 * tol)


@pytest.mark.parametrize("dtype", DTYPES)
def test_tiny_and_huge_determinants(kernel, dtype):
    """|det| far outside the dtype's range: slogdet stays exact (the pivots' product is
    renormalised at every step); det under- / overflows to 0 / inf as numpy's."""
    rng = np.random.default_rng(7)
    n = 100
    base = _permuted(rng, NB, n, np.float64) / (2 * np.sqrt(n))
    for scale in (1e-8, 1e8):
        a = (base * scale).astype(dtype)
        want_sign, want_log = np.linalg.slogdet(a.astype(np.float64))
        sign, logdet = linalg.slogdet(a)
        np.testing.assert_array_equal(sign, want_sign)
        np.testing.assert_allclose(logdet, want_log, rtol=100 * n * np.finfo(dtype).eps)
        with np.errstate(over="ignore", under="ignore"):
            np.testing.assert_array_equal(linalg.det(a), np.linalg.det(a))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("bad", (np.nan, np.inf, -np.inf))
def test_nonfinite_input_raises(kernel, dtype, bad):
    rng = np.random.default_rng(8)
    n = 33
    a = _permuted(rng, NB, n, dtype)
    b = rng.standard_normal((NB, n, 1)).astype(dtype)
    a_bad = a.copy()
    a_bad[NB - 1, n - 1, 0] = bad            # in the padded last block
    for call in (lambda: linalg.solve(a_bad, b), lambda: linalg.inv(a_bad),
                 lambda: linalg.det(a_bad), lambda: linalg.slogdet(a_bad)):
        with pytest.raises(ValueError, match="NaN or infinity"):
            call()
    b_bad = b.copy()
    b_bad[2, 5, 0] = bad
    with pytest.raises(ValueError, match="NaN or infinity"):
        linalg.solve(a, b_bad)


def test_result_overflow_raises(kernel):
    """A finite input whose inverse overflows: LinAlgError, never a silent inf."""
    n = 20
    a = np.broadcast_to(np.eye(n) * 1e-310, (NB, n, n)).copy()
    with pytest.raises(LinAlgError, match="overflowed"):
        linalg.inv(a)

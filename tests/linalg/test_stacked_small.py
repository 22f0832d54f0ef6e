"""The batch-interleaved kernels of stacked solve / inv / det / slogdet / cholesky (part D
of issue 14, csrc/rm_batch_small.h): orders 1..8, one matrix per SIMD lane.

Every test runs on each kernel this machine can run (generic, avx2, avx512: the lane
width W is 4 / 8 / 16 by dtype and ISA) and on stack lengths around W (1, 7, 8, 9, 17,
1003), so the padded last block is exercised; every lane's result is compared, so a lane
mishandled by the blends, the pivot sign or the scatter fails. Checks are LAPACK-style
residual ratios (xGET01/xGET03/xPOT01: ||residual|| / (n eps ||A|| ||X||)) next to the
comparison with numpy.
"""
import numpy as np
import pytest

from rusty_machine import linalg
from rusty_machine.exceptions import LinAlgError
from rusty_machine.linalg import _stacked

LENGTHS = (1, 7, 8, 9, 17, 1003)
ORDERS = tuple(range(1, 9))
DTYPES = (np.float64, np.float32)
THRESH = 30.0          # LAPACK's test threshold for the residual ratios


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


KERNELS = _kernels()


@pytest.fixture(params=KERNELS)
def kernel(request):
    start = _stacked._batch_kernel()[0]
    name, w64, w32 = _stacked._batch_kernel(request.param)
    assert name == request.param and w64 >= 4 and w32 == 2 * w64
    yield request.param
    _stacked._batch_kernel(start)


def _eps(dtype):
    return np.finfo(dtype).eps


def _norm1(x):
    """1-norm of each matrix of a stack (max column sum), in float64."""
    return np.abs(x.astype(np.float64)).sum(axis=-2).max(axis=-1)


def _well_conditioned(rng, nb, n, dtype):
    """Gaussian matrices with a row permutation applied, so that partial pivoting has
    to move rows (the diagonal of P A is not dominant)."""
    a = rng.standard_normal((nb, n, n)) + 2 * np.sqrt(n) * np.eye(n)
    perm = np.argsort(rng.random((nb, n)), axis=-1)
    return np.take_along_axis(a, perm[:, :, None], axis=1).astype(dtype)


def _pivot_needed(rng, nb, n, dtype):
    """Matrices whose leading entry is tiny: without row interchanges the first
    multipliers are ~1e12 and the solution is garbage; with them, backward stable."""
    a = rng.standard_normal((nb, n, n)) + 2 * np.sqrt(n) * np.eye(n)
    a[:, 0, 0] = 1e-12 if dtype == np.float64 else 1e-6
    return a.astype(dtype)


# ---- solve / inv ---------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nb", LENGTHS)
def test_solve_every_lane(kernel, dtype, nb):
    rng = np.random.default_rng(nb)
    for n in ORDERS:
        for make in (_well_conditioned, _pivot_needed):
            a = make(rng, nb, n, dtype)
            for k in (1, 3):
                b = rng.standard_normal((nb, n, k)).astype(dtype)
                x = linalg.solve(a, b)
                assert x.dtype == dtype and x.shape == (nb, n, k)
                a64, x64, b64 = (v.astype(np.float64) for v in (a, x, b))
                # xGET02: ||b - A x||_1 / (||A||_1 ||x||_1 n eps), per matrix
                r = _norm1(b64 - a64 @ x64) / (_norm1(a64) * _norm1(x64) * n * _eps(dtype))
                assert r.max() < THRESH, (n, k, r.argmax(), r.max())
                # forward error against numpy's (float64) solution: n eps cond(A) |x|
                want = np.linalg.solve(a64, b64)
                err = np.abs(x64 - want).max(axis=(1, 2))
                bound = (10 * n * _eps(dtype) * np.linalg.cond(a64, 1)
                         * np.abs(want).max(axis=(1, 2)))
                assert (err <= bound).all(), (n, k, (err / bound).argmax())


@pytest.mark.parametrize("dtype", DTYPES)
def test_solve_vector_and_broadcast_rhs(kernel, dtype):
    rng = np.random.default_rng(3)
    a = _well_conditioned(rng, 17, 4, dtype)
    b = rng.standard_normal(4).astype(dtype)           # one vector for every matrix
    x = linalg.solve(a, b)
    assert x.shape == (17, 4)
    np.testing.assert_allclose(x, np.linalg.solve(a, b), rtol=50 * _eps(dtype),
                               atol=50 * _eps(dtype))
    b2 = rng.standard_normal((1, 4, 2)).astype(dtype)  # a stack of 1 broadcast
    np.testing.assert_allclose(linalg.solve(a, b2), np.linalg.solve(a, b2),
                               rtol=50 * _eps(dtype), atol=50 * _eps(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nb", LENGTHS)
def test_inv_every_lane(kernel, dtype, nb):
    rng = np.random.default_rng(100 + nb)
    for n in ORDERS:
        for make in (_well_conditioned, _pivot_needed):
            a = make(rng, nb, n, dtype)
            x = linalg.inv(a)
            assert x.dtype == dtype and x.shape == (nb, n, n)
            a64, x64 = a.astype(np.float64), x.astype(np.float64)
            # xGET03: ||I - A X||_1 / (||A||_1 ||X||_1 n eps)
            r = _norm1(np.eye(n) - a64 @ x64) / (_norm1(a64) * _norm1(x64) * n * _eps(dtype))
            assert r.max() < THRESH, (n, r.argmax(), r.max())


# ---- det / slogdet ---------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nb", LENGTHS)
def test_det_slogdet_every_lane(kernel, dtype, nb):
    rng = np.random.default_rng(200 + nb)
    for n in ORDERS:
        a = _well_conditioned(rng, nb, n, dtype)
        want = np.linalg.det(a.astype(np.float64))
        got = linalg.det(a)
        assert got.dtype == dtype and got.shape == (nb,)
        # |det| error of a backward stable LU: a few n eps cond(A) |det|; these are
        # well conditioned, and the sign must be exact
        np.testing.assert_allclose(got, want, rtol=50 * n * _eps(dtype))
        sign, logdet = linalg.slogdet(a)
        s_np, l_np = np.linalg.slogdet(a.astype(np.float64))
        np.testing.assert_array_equal(sign, s_np)
        np.testing.assert_allclose(logdet, l_np, rtol=0, atol=50 * n * _eps(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_det_sign_of_the_permutation(kernel, dtype):
    # permutation matrices times a positive diagonal: det = sign(P) * prod(d) exactly
    # up to the rounding of the product; the sign tests each lane's swap parity
    rng = np.random.default_rng(7)
    for n in ORDERS:
        nb = 37
        perm = np.argsort(rng.random((nb, n)), axis=-1)
        d = rng.uniform(0.5, 2.0, (nb, n))
        a = np.zeros((nb, n, n))
        a[np.arange(nb)[:, None], np.arange(n)[None, :], perm] = d
        sign_p = np.array([np.linalg.det(np.eye(n)[p]) for p in perm])
        want = sign_p * d.prod(axis=1)
        got = linalg.det(a.astype(dtype))
        np.testing.assert_array_equal(np.sign(got), np.sign(want))
        np.testing.assert_allclose(got, want, rtol=4 * n * _eps(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_singular_lanes_among_regular_ones(kernel, dtype):
    rng = np.random.default_rng(11)
    for n in (2, 3, 4, 7):
        a = _well_conditioned(rng, 19, n, dtype)
        a[5, -1] = a[5, 0]                             # two equal rows: exact zero pivot
        a[12, :, n // 2] = 0                           # a zero column
        det = linalg.det(a)
        assert det[5] == 0 and det[12] == 0
        regular = np.setdiff1d(np.arange(19), [5, 12])
        np.testing.assert_allclose(det[regular], np.linalg.det(a.astype(np.float64))[regular],
                                   rtol=50 * n * _eps(dtype))
        sign, logdet = linalg.slogdet(a)
        assert sign[5] == 0 and sign[12] == 0
        assert logdet[5] == -np.inf and logdet[12] == -np.inf
        assert np.isfinite(logdet[regular]).all() and (np.abs(sign[regular]) == 1).all()
        with pytest.raises(LinAlgError, match="matrix 5 of the stack"):
            linalg.inv(a)
        with pytest.raises(LinAlgError, match="matrix 5 of the stack"):
            linalg.solve(a, np.ones((19, n, 1), dtype=dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_det_out_of_range_partial_products(kernel, dtype):
    # the running pivot product overflows (then comes back): the lane is redone by the
    # scalar mantissa/exponent product and must equal the exact det
    big = 1e200 if dtype == np.float64 else 1e30
    a = np.tile(np.eye(4), (9, 1, 1))
    a[3] = np.diag([big, big, 1 / big, 1 / big])
    a[4] = np.diag([1 / big, 1 / big, big, -big])
    a = a.astype(dtype)
    got = linalg.det(a)
    np.testing.assert_allclose(got[3], 1.0, rtol=8 * _eps(dtype))
    np.testing.assert_allclose(got[4], -1.0, rtol=8 * _eps(dtype))
    np.testing.assert_array_equal(np.delete(got, [3, 4]), 1.0)
    # log|det| of a det beyond the dtype's range is still finite and right
    h = np.tile(np.eye(3) * big, (5, 1, 1)).astype(dtype)
    sign, logdet = linalg.slogdet(h)
    np.testing.assert_array_equal(sign, 1.0)
    np.testing.assert_allclose(logdet, 3 * np.log(big), rtol=8 * _eps(dtype))


# ---- cholesky ----------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nb", LENGTHS)
def test_cholesky_every_lane(kernel, dtype, nb):
    rng = np.random.default_rng(300 + nb)
    for n in ORDERS:
        g = rng.standard_normal((nb, n, n))
        spd = g @ np.swapaxes(g, -1, -2) + n * np.eye(n)
        # garbage in the triangle that is not read
        a = spd + np.triu(rng.standard_normal((nb, n, n)), 1)
        a = a.astype(dtype)
        low = linalg.cholesky(a)
        assert low.dtype == dtype and low.shape == (nb, n, n)
        assert (np.triu(low, 1) == 0).all()
        l64 = low.astype(np.float64)
        # xPOT01: ||L L^T - A||_1 / (||A||_1 n eps), A = the triangle read
        r = _norm1(l64 @ np.swapaxes(l64, -1, -2) - spd) / (_norm1(spd) * n * _eps(dtype))
        assert r.max() < THRESH, (n, r.argmax(), r.max())
        np.testing.assert_allclose(low, np.linalg.cholesky(spd.astype(dtype)),
                                   rtol=0, atol=100 * n * _eps(dtype) * np.sqrt(np.abs(spd).max()))
        # the upper factor reads the upper triangle only
        au = (spd + np.tril(rng.standard_normal((nb, n, n)), -1)).astype(dtype)
        up = linalg.cholesky(au, upper=True)
        assert (np.tril(up, -1) == 0).all()
        u64 = up.astype(np.float64)
        r = _norm1(np.swapaxes(u64, -1, -2) @ u64 - spd) / (_norm1(spd) * n * _eps(dtype))
        assert r.max() < THRESH


@pytest.mark.parametrize("dtype", DTYPES)
def test_cholesky_names_the_first_failing_matrix(kernel, dtype):
    rng = np.random.default_rng(13)
    for n in (1, 2, 4, 6):
        g = rng.standard_normal((21, n, n))
        a = (g @ np.swapaxes(g, -1, -2) + n * np.eye(n)).astype(dtype)
        a[9, n - 1, n - 1] = -1.0                      # the last leading minor fails
        a[17, 0, 0] = 0.0                              # the first one fails
        with pytest.raises(LinAlgError, match=r"not positive definite \(matrix 9 of"):
            linalg.cholesky(a)
        a[9] = np.eye(n)
        with pytest.raises(LinAlgError, match=r"not positive definite \(matrix 17 of"):
            linalg.cholesky(a)


# ---- bad input -----------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nonfinite_lane_is_a_value_error(kernel, dtype, bad):
    rng = np.random.default_rng(17)
    for n in (1, 3, 4, 8):
        a = _well_conditioned(rng, 18, n, dtype)
        spd = (a @ np.swapaxes(a, -1, -2)).astype(dtype)
        a[16, n - 1, 0] = bad                          # in the padded last block
        spd[16, n - 1, 0] = bad
        for f in (linalg.inv, linalg.det, linalg.slogdet, linalg.cholesky):
            arg = spd if f is linalg.cholesky else a
            with pytest.raises(ValueError, match="NaN or infinity"):
                f(arg)
        with pytest.raises(ValueError, match="NaN or infinity"):
            linalg.solve(a, np.ones((18, n, 1), dtype=dtype))
        b = np.ones((18, n, 2), dtype=dtype)
        b[0, 0, 1] = bad                               # in the right-hand side only
        with pytest.raises(ValueError, match="NaN or infinity"):
            linalg.solve(_well_conditioned(rng, 18, n, dtype), b)


def test_overflowed_result_is_a_linalg_error(kernel):
    a = np.tile(np.eye(3), (10, 1, 1))
    a[6] *= 1e-310                                     # inv = 1e310: overflows
    with pytest.raises(LinAlgError, match="overflowed"):
        linalg.inv(a)


def test_layouts_and_input_untouched(kernel):
    rng = np.random.default_rng(19)
    a = _well_conditioned(rng, 33, 4, np.float64)
    keep = a.copy()
    a.setflags(write=False)                            # read where it lies, never written
    x = linalg.inv(a)
    np.testing.assert_array_equal(a, keep)
    f = np.asfortranarray(keep)                        # a copy first, same numbers
    np.testing.assert_array_equal(linalg.inv(f), x)
    ints = rng.integers(-5, 6, (9, 3, 3)) + 20 * np.eye(3, dtype=np.int64)
    np.testing.assert_allclose(linalg.det(ints), np.linalg.det(ints), rtol=1e-13)
    assert linalg.det(ints).dtype == np.float64
    stacked = keep.reshape(3, 11, 4, 4)                # more than one leading axis
    np.testing.assert_array_equal(linalg.inv(stacked), x.reshape(3, 11, 4, 4))


# ---- qr of tiny float32 matrices (computed in float64, rounded once, as numpy) ------

@pytest.mark.parametrize("shape", [(3, 2), (2, 3), (2, 2), (16, 16), (9, 5)])
def test_tiny_float32_qr_as_numpy(shape):
    rng = np.random.default_rng(23)
    a = rng.standard_normal(shape).astype(np.float32) * 6
    for mode in ("reduced", "complete"):
        q, r = (np.asarray(x) for x in linalg.qr(a, mode=mode))
        assert q.dtype == r.dtype == np.float32
        q_np, r_np = np.linalg.qr(a, mode=mode)
        # the float64 factors rounded once: Q R = A as closely as numpy's (the float32
        # factorisation is ~10x further off, which numpy's test_linalg rejects)
        err = np.abs(q.astype(np.float64) @ r - a).max()
        err_np = np.abs(q_np.astype(np.float64) @ r_np - a).max()
        assert err <= 2 * err_np + np.finfo(np.float32).eps * np.abs(a).max() / 4
        np.testing.assert_allclose(np.abs(r), np.abs(r_np), rtol=0,
                                   atol=4 * np.finfo(np.float32).eps * np.abs(a).max())
        # a stack of one matrix gives the 2-D answer
        qs, rs = linalg.qr(a[None], mode=mode)
        np.testing.assert_array_equal(qs[0], q)
        np.testing.assert_array_equal(rs[0], r)
    h, tau = linalg.qr(a, mode="raw")
    assert h.dtype == tau.dtype == np.float32
    np.testing.assert_array_equal(np.asarray(linalg.qr(a, mode="r")),
                                  np.asarray(linalg.qr(a).R))


# ---- integer / bool products keep numpy's dtypes (exact, wrapping as numpy's) --------

INT_DTYPES = (np.int8, np.uint8, np.int16, np.int32, np.int64, np.uint32, np.uint64)


@pytest.mark.parametrize("dt", INT_DTYPES)
def test_integer_matmul_and_tensordot_as_numpy(dt):
    rng = np.random.default_rng(29)
    info = np.iinfo(dt)
    a = rng.integers(info.min, info.max, (3, 4, 5), dtype=dt, endpoint=True)
    b = rng.integers(info.min, info.max, (3, 5, 2), dtype=dt, endpoint=True)
    with np.errstate(over="ignore"):
        for x, y in ((a, b), (a, b[0]), (a[0], b), (a[0, 0], b), (a, b[0, :, 0])):
            if x.ndim < 3 and y.ndim < 3:
                continue
            got, want = linalg.matmul(x, y), np.matmul(x, y)
            assert got.dtype == want.dtype and got.shape == want.shape
            np.testing.assert_array_equal(got, want)       # overflow wraps identically
        got, want = linalg.tensordot(a, b, axes=([2], [1])), np.tensordot(a, b, ([2], [1]))
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
        small = rng.integers(-3, 4, (4, 6), dtype=dt if info.min < 0 else np.int64)
        got = linalg.tensordot(small, small.T, axes=1)
        assert got.dtype == small.dtype
        np.testing.assert_array_equal(got, np.tensordot(small, small.T, 1))


def test_bool_and_mixed_integer_matmul_as_numpy():
    rng = np.random.default_rng(31)
    p = rng.random((5, 3, 4)) < 0.3
    q = rng.random((5, 4, 6)) < 0.3
    got = linalg.matmul(p, q)
    assert got.dtype == np.bool_
    np.testing.assert_array_equal(got, np.matmul(p, q))
    n = rng.integers(-9, 10, (5, 4, 6)).astype(np.int32)
    pairs = ((p, n.astype(np.int8)), (p.astype(np.int16), n),
             (n.swapaxes(1, 2), p.swapaxes(1, 2)))
    for x, y in pairs:
        got, want = linalg.matmul(x, y), np.matmul(x, y)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    u = rng.integers(0, 9, (2, 3, 3), dtype=np.uint64)
    i = rng.integers(-9, 9, (2, 3, 3), dtype=np.int64)
    got = linalg.matmul(u, i)                              # numpy: float64
    assert got.dtype == np.matmul(u, i).dtype == np.float64
    np.testing.assert_array_equal(got, np.matmul(u, i))

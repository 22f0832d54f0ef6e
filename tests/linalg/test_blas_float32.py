"""The level-1/2 kernels written once over the fused type (blas.pyx's x-kernels and
csrc/rm_vec_level12.h), run on float32 and float64 with every vector instruction set
this machine supports, against float64 numpy references of the same inputs.

Tolerances come from the dtype's epsilon: a sum of n products errs by at most about
n * eps * sum |products| (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.,
eq. 3.5); a triangular solve by rows has a backward error of n * eps * |T| |x| (ibid.,
Thm. 8.5).
"""
import numpy as np
import pytest

from rusty_machine.linalg import blas

DTYPES = [np.float32, np.float64]
ISAS = [k for k in ("generic", "avx2", "avx512") if k in blas._supported_kernels()]
SIZES = [0, 1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 257]


@pytest.fixture(params=ISAS)
def isa(request):
    old = blas._set_vector_isa(request.param)
    yield request.param
    blas._set_vector_isa(old)


def eps(dt):
    return float(np.finfo(dt).eps)


def vec(rng, n, dt, stride=1):
    """A length-n vector of dtype dt with the given increment (a view of a larger one)."""
    return rng.standard_normal(n * stride).astype(dt)[::stride]


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("stride", [1, 2])
def test_dot_nrm2_asum_iamax(isa, dt, stride):
    rng = np.random.default_rng(1)
    for n in SIZES:
        x, y = vec(rng, n, dt, stride), vec(rng, n, dt, stride)
        xd, yd = x.astype(float), y.astype(float)
        tol = 2 * (n + 1) * eps(dt) * float(np.abs(xd) @ np.abs(yd)) + 1e-300
        assert abs(blas._xdot_py(x, y) - xd @ yd) <= tol
        nrm = float(np.sqrt(xd @ xd))
        assert abs(blas._xnrm2_py(x) - nrm) <= 2 * (n + 1) * eps(dt) * nrm
        asum = float(np.abs(xd).sum())
        assert abs(blas._xasum_py(x) - asum) <= 2 * (n + 1) * eps(dt) * asum
        assert blas._ixamax_py(x) == (int(np.argmax(np.abs(x))) if n else -1)


def test_float32_arithmetic_really_float32():
    """On a long vector the float32 dot product carries float32 rounding errors (far
    above those of the float64 kernel on the same numbers), within the float32 bound."""
    rng = np.random.default_rng(2)
    x, y = vec(rng, 100000, np.float32), vec(rng, 100000, np.float32)
    exact = x.astype(float) @ y.astype(float)
    err32 = abs(blas._xdot_py(x, y) - exact)
    err64 = abs(blas._xdot_py(x.astype(float), y.astype(float)) - exact)
    assert err32 > 1000 * err64
    assert err32 <= 2 * 100001 * eps(np.float32) * float(np.abs(x) @ np.abs(y))


def test_nrm2_float32_no_overflow_or_underflow():
    """Squares of large or tiny floats leave float32's range; the norm does not."""
    big = np.array([3e30, 4e30], np.float32)
    assert blas._xnrm2_py(big) == pytest.approx(5e30, rel=2 * eps(np.float32))
    tiny = np.array([3e-30, 4e-30], np.float32)
    assert blas._xnrm2_py(tiny) == pytest.approx(5e-30, rel=2 * eps(np.float32))
    assert np.isnan(blas._xnrm2_py(np.array([1.0, np.nan], np.float32)))
    assert blas._xnrm2_py(np.array([1.0, np.inf], np.float32)) == np.inf


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("stride", [1, 3])
def test_axpy_scal_copy_swap(isa, dt, stride):
    rng = np.random.default_rng(3)
    for n in SIZES:
        x, y = vec(rng, n, dt, stride), vec(rng, n, dt, stride)
        y0 = y.copy()
        blas._xaxpy_py(-0.75, x, y)
        want = y0.astype(float) - 0.75 * x.astype(float)
        tol = 2 * eps(dt) * (np.abs(y0.astype(float)) + 0.75 * np.abs(x.astype(float)))
        assert np.all(np.abs(y.astype(float) - want) <= tol + 1e-300)
        assert y.dtype == dt
        z = x.copy()
        blas._xscal_py(2.0, z)
        np.testing.assert_array_equal(z, 2 * x)
        c = np.zeros(n, dt)
        blas._xcopy_py(x, c)
        np.testing.assert_array_equal(c, x)
        a, b = x.copy(), y.copy()
        blas._xswap_py(a, b)
        np.testing.assert_array_equal(a, y)
        np.testing.assert_array_equal(b, x)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("trans", [False, True])
def test_gemv(isa, dt, trans):
    rng = np.random.default_rng(4)
    for m, n in [(0, 3), (3, 0), (1, 1), (5, 7), (17, 9), (64, 33), (130, 257)]:
        a = rng.standard_normal((m + 2, n + 5)).astype(dt)[1:1 + m, 2:2 + n]  # ld > n
        op = a.T if trans else a
        x = vec(rng, op.shape[1], dt, 2)
        for beta in [0.0, 0.5]:
            y = vec(rng, op.shape[0], dt)
            if beta == 0.0:
                y[::2] = np.nan                      # beta == 0: y is never read
            y0 = y.copy()
            blas._xgemv_py(a, x, y, trans=trans, alpha=1.5, beta=beta)
            want = 1.5 * (op.astype(float) @ x.astype(float))
            tol = 2 * (op.shape[1] + 2) * eps(dt) * 1.5 * (np.abs(op.astype(float))
                                                           @ np.abs(x.astype(float)))
            if beta:
                want = want + beta * y0.astype(float)
                tol = tol + 2 * eps(dt) * beta * np.abs(y0.astype(float))
            assert y.dtype == dt
            assert np.all(np.abs(y.astype(float) - want) <= tol + 1e-300)


@pytest.mark.parametrize("dt", DTYPES)
def test_ger(isa, dt):
    rng = np.random.default_rng(5)
    for m, n in [(1, 1), (6, 9), (33, 70)]:
        x, y = vec(rng, m, dt), vec(rng, n, dt, 2)
        a = rng.standard_normal((m, n)).astype(dt)
        a0 = a.copy()
        blas._xger_py(0.25, x, y, a)
        outer = 0.25 * np.outer(x.astype(float), y.astype(float))
        tol = 3 * eps(dt) * (np.abs(a0.astype(float)) + np.abs(outer))
        assert np.all(np.abs(a.astype(float) - (a0.astype(float) + outer)) <= tol + 1e-300)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("lower,trans,unit", [(True, False, False), (False, False, False),
                                              (True, True, False), (False, True, True)])
def test_trsv_backward_error(isa, dt, lower, trans, unit):
    rng = np.random.default_rng(6)
    for n in [1, 2, 9, 40, 100]:
        t = rng.standard_normal((n, n)) + n * np.eye(n)        # well conditioned
        t = (np.tril(t) if lower else np.triu(t)).astype(dt)
        b = vec(rng, n, dt)
        x = b.copy()
        blas._xtrsv_py(t, x, lower=lower, trans=trans, unit=unit)
        td = t.astype(float)
        if unit:
            np.fill_diagonal(td, 1.0)
        op = td.T if trans else td
        resid = np.abs(op @ x.astype(float) - b.astype(float))
        scale = np.abs(op) @ np.abs(x.astype(float)) + np.abs(b.astype(float))
        assert np.all(resid <= 30 * n * eps(dt) * scale), (resid / scale).max()


def test_mixed_dtypes_and_bad_strides_rejected():
    x32 = np.ones(4, np.float32)
    with pytest.raises(ValueError, match="dtype mismatch"):
        blas._xdot_py(x32, np.ones(4))
    with pytest.raises(ValueError, match="lengths"):
        blas._xdot_py(x32, np.ones(5, np.float32))
    with pytest.raises(ValueError, match="positive increment"):
        blas._xnrm2_py(np.ones(6, np.float32)[::-1])


@pytest.fixture(params=[None, (4, 3)], ids=["default-blocks", "small-blocks"])
def blocks(request):
    """The default base sizes, and tiny ones so that small problems recurse (GEMM)."""
    if request.param is None:
        yield None
        return
    old = blas._set_block_sizes(tri=request.param[0], syrk=request.param[1])
    yield request.param
    blas._set_block_sizes(**old)


def tri(rng, n, lower, dt):
    t = rng.standard_normal((n, n)) + n * np.eye(n)
    return (np.tril(t) if lower else np.triu(t)).astype(dt)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("lower,trans,unit", [(True, False, False), (False, False, True),
                                              (True, True, False), (False, True, False)])
def test_trsm_trmm(isa, blocks, dt, left, lower, trans, unit):
    rng = np.random.default_rng(7)
    for m, n in [(1, 1), (5, 9), (37, 20), (70, 45)]:
        t = tri(rng, m if left else n, lower, dt)
        td = t.astype(float)
        if unit:
            np.fill_diagonal(td, 1.0)
        op = td.T if trans else td
        b = rng.standard_normal((m, n)).astype(dt)
        # trmm: the product, entrywise bound from the dtype's eps
        x = b.copy()
        blas._xtrmm_py(t, x, left=left, lower=lower, trans=trans, unit=unit, alpha=0.5)
        want = 0.5 * (op @ b.astype(float) if left else b.astype(float) @ op)
        size = op.shape[0]
        scale = 0.5 * (np.abs(op) @ np.abs(b.astype(float)) if left
                       else np.abs(b.astype(float)) @ np.abs(op))
        assert x.dtype == dt
        assert np.all(np.abs(x.astype(float) - want) <= 2 * (size + 2) * eps(dt) * scale
                      + 1e-300)
        # trsm: backward error of the solve, alpha folded into the right-hand side
        x = b.copy()
        blas._xtrsm_py(t, x, left=left, lower=lower, trans=trans, unit=unit, alpha=2.0)
        xd = x.astype(float)
        resid = np.abs((op @ xd if left else xd @ op) - 2.0 * b.astype(float))
        scale = (np.abs(op) @ np.abs(xd) if left else np.abs(xd) @ np.abs(op)) \
            + 2.0 * np.abs(b.astype(float))
        assert np.all(resid <= 30 * size * eps(dt) * scale), (resid / scale).max()


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("trans", [False, True])
def test_syrk(isa, blocks, dt, lower, trans):
    rng = np.random.default_rng(8)
    for n, k in [(1, 1), (6, 11), (40, 7), (75, 60)]:
        a = rng.standard_normal((k, n) if trans else (n, k)).astype(dt)
        ad = a.astype(float)
        opa = ad.T if trans else ad
        c0 = rng.standard_normal((n, n)).astype(dt)
        c = c0.copy()
        blas._xsyrk_py(a, c, lower=lower, trans=trans, alpha=1.5, beta=-0.5)
        want = 1.5 * (opa @ opa.T) - 0.5 * c0.astype(float)
        tol = 2 * (k + 2) * eps(dt) * (1.5 * np.abs(opa) @ np.abs(opa.T)
                                       + 0.5 * np.abs(c0.astype(float)))
        mask = np.tril(np.ones((n, n), bool)) if lower else np.triu(np.ones((n, n), bool))
        assert c.dtype == dt
        assert np.all(np.abs(c.astype(float) - want)[mask] <= tol[mask] + 1e-300)
        np.testing.assert_array_equal(c[~mask], c0[~mask])      # the other triangle kept

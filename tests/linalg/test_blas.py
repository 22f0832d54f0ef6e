"""Tests of the level-1/2/3 kernels of rusty_machine.linalg.blas against numpy.

Every kernel is reached through its ``*_py`` wrapper on seeded data. Tolerances are
derived from eps and scaled by the length of the reductions and the norms involved
(standard BLAS error bounds: |fl(x.y) - x.y| <= n eps |x|.|y|, GVL4 Sec. 2.7).
Increments come from strided views (x[::3]) and leading dimensions from column
slices of wider arrays (big[:, :n]); unused triangles are filled with NaN so that a
kernel that reads them fails.
"""
import itertools

import numpy as np
import pytest

from rusty_machine.linalg import blas

EPS = np.finfo(float).eps
SIZES_1 = [0, 1, 2, 7, 33, 1000]


def rng(seed=0):
    return np.random.default_rng(seed)


def strided(v, inc, fill=np.nan):
    """A view of v with increment inc (the gaps hold `fill`)."""
    buf = np.full(max(len(v) * inc, 1), fill)
    view = buf[::inc][:len(v)]
    view[:] = v
    return view


def wide(a, extra=3, fill=np.nan):
    """A view of a with leading dimension cols + extra (the padding holds `fill`)."""
    r, c = a.shape
    buf = np.full((r, c + extra), fill)
    buf[:, :c] = a
    return buf[:, :c]


# ---- level 1 ---------------------------------------------------------------------
@pytest.mark.parametrize("n", SIZES_1)
@pytest.mark.parametrize("inc", [1, 3])
def test_ddot_dasum(n, inc):
    g = rng(n)
    x, y = g.standard_normal(n), g.standard_normal(n)
    xs, ys = strided(x, inc), strided(y, 2 if inc == 1 else 1)
    tol = 2 * max(n, 1) * EPS * (np.abs(x) @ np.abs(y))
    assert abs(blas.ddot_py(xs, ys) - x @ y) <= tol
    assert abs(blas.dasum_py(xs) - np.abs(x).sum()) <= 2 * max(n, 1) * EPS * np.abs(x).sum()


@pytest.mark.parametrize("n", SIZES_1)
@pytest.mark.parametrize("inc", [1, 2])
def test_daxpy_dscal_dcopy_dswap(n, inc):
    g = rng(100 + n)
    x, y = g.standard_normal(n), g.standard_normal(n)
    yv = strided(y.copy(), inc)
    blas.daxpy_py(-0.75, strided(x, inc + 1), yv)
    np.testing.assert_allclose(yv, y - 0.75 * x, rtol=0,
                               atol=4 * EPS * (np.abs(y) + np.abs(x)).max(initial=0))
    # daxpy with alpha == 0 leaves y bit-for-bit
    y0 = y.copy()
    blas.daxpy_py(0.0, x, y0)
    assert np.array_equal(y0, y)
    xv = strided(x.copy(), inc)
    blas.dscal_py(3.0, xv)
    assert np.array_equal(xv, 3.0 * x)
    out = strided(np.zeros(n), inc)
    blas.dcopy_py(strided(x, 2), out)
    assert np.array_equal(out, x)
    a, b = strided(x.copy(), inc), y.copy()
    blas.dswap_py(a, b)
    assert np.array_equal(a, y) and np.array_equal(b, x)


def test_daxpy_overlapping_in_order():
    # x and y overlapping (y = x shifted by one): the reference BLAS loop, in order
    buf = np.arange(1.0, 12.0)
    ref = buf.copy()
    for i in range(10):
        ref[i + 1] += 0.5 * ref[i]
    blas.daxpy_py(0.5, buf[0:10], buf[1:11])
    assert np.array_equal(buf, ref)


def test_level1_gaps_untouched():
    buf = np.full(12, np.nan)
    view = buf[::3]
    view[:] = 1.0
    blas.dscal_py(2.0, view)
    blas.daxpy_py(1.0, np.ones(4), view)
    assert np.array_equal(view, [3.0] * 4)
    assert np.isnan(np.delete(buf, [0, 3, 6, 9])).all()


@pytest.mark.parametrize("inc", [1, 2])
def test_dnrm2(inc):
    g = rng(7)
    for n in [0, 1, 5, 64, 1001]:
        x = g.standard_normal(n)
        ref = np.sqrt(np.sum(x * x))
        assert abs(blas.dnrm2_py(strided(x, inc)) - ref) <= 2 * max(n, 1) * EPS * ref
        # huge entries: x * 1e300 squared overflows, the scaled algorithm does not
        big = blas.dnrm2_py(strided(x * 1e300, inc))
        assert np.isfinite(big) or n == 0
        assert abs(big / 1e300 - ref) <= 4 * max(n, 1) * EPS * ref
        # tiny entries: squared they underflow to zero
        tiny = blas.dnrm2_py(strided(x * 1e-300, inc))
        assert abs(tiny / 1e-300 - ref) <= 4 * max(n, 1) * EPS * ref
    # a mix of huge and tiny: the tiny ones vanish against the huge, exactly
    big = np.array([1e300, 1e-300, -1e300])
    assert blas.dnrm2_py(big) == pytest.approx(np.sqrt(2) * 1e300, rel=4 * EPS)
    assert blas.dnrm2_py(np.array([3e-300, 4e-300])) == pytest.approx(5e-300, rel=4 * EPS)
    assert blas.dnrm2_py(np.array([1e-310, 1.0])) == 1.0      # subnormal + medium
    assert blas.dnrm2_py(np.array([0.0, -0.0])) == 0.0
    # the largest finite doubles: sqrt(2) * 1.79e308 overflows, one of them does not
    assert blas.dnrm2_py(np.array([1.7e308])) == 1.7e308
    assert np.isnan(blas.dnrm2_py(np.array([1.0, np.nan, 2.0])))
    assert blas.dnrm2_py(np.array([1.0, np.inf])) == np.inf
    assert np.isnan(blas.dnrm2_py(np.array([1e300, np.nan])))


@pytest.mark.parametrize("inc", [1, 3])
def test_idamax(inc):
    g = rng(3)
    for n in [1, 2, 5, 8, 9, 100]:
        x = g.standard_normal(n)
        assert blas.idamax_py(strided(x, inc)) == np.argmax(np.abs(x))
    # ties: the first index of the largest |x_i|
    assert blas.idamax_py(strided(np.array([1.0, -4.0, 2.0, 4.0, -4.0]), inc)) == 1
    assert blas.idamax_py(strided(np.array([0.0] * 9 + [-2.0, 2.0]), inc)) == 9
    assert blas.idamax_py(np.empty(0)) == -1


# ---- level 2 ---------------------------------------------------------------------
GEMV_SHAPES = [(0, 0), (0, 3), (3, 0), (1, 1), (5, 1), (1, 7), (17, 33), (64, 40), (3, 130)]


@pytest.mark.parametrize("m,n", GEMV_SHAPES)
@pytest.mark.parametrize("trans", [False, True])
def test_dgemv(m, n, trans):
    g = rng(m * 131 + n)
    a = g.standard_normal((m, n))
    op = a.T if trans else a
    x = g.standard_normal(op.shape[1])
    y = g.standard_normal(op.shape[0])
    tol = 4 * (max(m, n) + 2) * EPS * (np.abs(op) @ np.abs(x) + np.abs(y) + 1)
    for alpha, beta in [(1.0, 0.0), (-2.5, 0.5), (0.0, 3.0), (1.0, 1.0)]:
        # views: leading dimension > cols, strided x and y; beta == 0 ignores NaN in y
        yv = strided(np.full_like(y, np.nan) if beta == 0.0 else y.copy(), 2)
        blas.dgemv_py(wide(a), strided(x, 3), yv, trans=trans, alpha=alpha, beta=beta)
        ref = alpha * (op @ x) + (beta * y if beta != 0.0 else 0.0)
        assert np.all(np.abs(yv - ref) <= abs(alpha) * tol + 4 * EPS * abs(beta) * np.abs(y))
        yc = np.full_like(y, np.nan) if beta == 0.0 else y.copy()
        blas.dgemv_py(a, x, yc, trans=trans, alpha=alpha, beta=beta)
        assert np.all(np.abs(yc - ref) <= abs(alpha) * tol + 4 * EPS * abs(beta) * np.abs(y))


@pytest.mark.parametrize("m,n", GEMV_SHAPES)
def test_dger(m, n):
    g = rng(m * 7 + n)
    a, x, y = g.standard_normal((m, n)), g.standard_normal(m), g.standard_normal(n)
    av = wide(a.copy())
    blas.dger_py(-1.5, strided(x, 2), strided(y, 3), av)
    np.testing.assert_allclose(av, a - 1.5 * np.outer(x, y), rtol=0,
                               atol=4 * EPS
                               * (np.abs(a) + 1.5 * np.abs(np.outer(x, y))).max(initial=0))
    assert np.isnan(av.base[:, n:]).all()            # padding untouched


def triangle(t, lower, unit, g, pad=np.nan):
    """A well-conditioned t x t triangle whose unused half (and unit diagonal) is NaN,
    and the dense matrix it stands for."""
    a = g.standard_normal((t, t)) / np.sqrt(max(t, 1)) + 2.0 * np.eye(t)
    dense = np.tril(a) if lower else np.triu(a)
    if unit:
        np.fill_diagonal(dense, 1.0)
    stored = dense.copy()
    mask = np.triu(np.ones((t, t), bool), 1) if lower else np.tril(np.ones((t, t), bool), -1)
    stored[mask] = pad
    if unit:
        np.fill_diagonal(stored, pad)
    return stored, dense


VARIANTS = list(itertools.product([True, False], repeat=3))     # lower, trans, unit


@pytest.mark.parametrize("lower,trans,unit", VARIANTS)
@pytest.mark.parametrize("n", [0, 1, 9, 70])
def test_dtrsv(lower, trans, unit, n):
    g = rng(n + 8 * lower + 4 * trans + 2 * unit)
    stored, dense = triangle(n, lower, unit, g)
    op = dense.T if trans else dense
    b = g.standard_normal(n)
    for tv, xv in [(stored, b.copy()), (wide(stored), strided(b, 3))]:
        x = blas.dtrsv_py(tv, xv, lower=lower, trans=trans, unit=unit)
        # backward error: ||op(T) x - b|| <= c n eps ||T|| ||x||  (GVL4 Sec. 3.1.2)
        res = np.abs(op @ x - b).max(initial=0)
        scale = np.abs(op).sum(1).max(initial=0) * np.abs(x).max(initial=1)
        assert res <= 4 * max(n, 1) * EPS * scale


# ---- level 3 ---------------------------------------------------------------------
@pytest.fixture(params=["default", "tiny"])
def blocks(request):
    """Default base sizes, and tiny ones that put every size through deep recursion."""
    if request.param == "tiny":
        old = blas._set_block_sizes(tri=3, syrk=2)
        yield request.param
        blas._set_block_sizes(**old)
    else:
        yield request.param


# sizes of the triangle crossing the base size (16) and several recursion levels
TRI_SIZES = [(1, 5), (16, 3), (17, 20), (45, 33), (130, 7)]
L3_VARIANTS = list(itertools.product([True, False], repeat=4))  # left, lower, trans, unit


@pytest.mark.parametrize("left,lower,trans,unit", L3_VARIANTS)
def test_dtrsm_all_variants(left, lower, trans, unit, blocks):
    g = rng(int("".join(str(int(f)) for f in (left, lower, trans, unit)), 2))
    for t, other in TRI_SIZES:
        m, n = (t, other) if left else (other, t)
        stored, dense = triangle(t, lower, unit, g)
        op = dense.T if trans else dense
        b = g.standard_normal((m, n))
        alpha = -1.5
        x = blas.dtrsm_py(wide(stored), wide(b.copy()), left=left, lower=lower,
                          trans=trans, unit=unit, alpha=alpha)
        prod = op @ x if left else x @ op
        # backward error of each solved system, scaled by ||op(T)|| ||X||
        scale = np.abs(op).sum(1).max() * np.abs(x).max() + abs(alpha) * np.abs(b).max()
        assert np.abs(prod - alpha * b).max() <= 8 * t * EPS * scale
        assert np.isnan(x.base[:, n:]).all()          # padding of B untouched


@pytest.mark.parametrize("left,lower,trans,unit", L3_VARIANTS)
def test_dtrmm_all_variants(left, lower, trans, unit, blocks):
    g = rng(20 + int("".join(str(int(f)) for f in (left, lower, trans, unit)), 2))
    for t, other in TRI_SIZES:
        m, n = (t, other) if left else (other, t)
        stored, dense = triangle(t, lower, unit, g)
        op = dense.T if trans else dense
        b = g.standard_normal((m, n))
        y = blas.dtrmm_py(wide(stored), wide(b.copy()), left=left, lower=lower,
                          trans=trans, unit=unit, alpha=0.5)
        ref = 0.5 * (op @ b if left else b @ op)
        bound = 0.5 * (np.abs(op) @ np.abs(b) if left else np.abs(b) @ np.abs(op))
        assert np.all(np.abs(y - ref) <= 4 * t * EPS * bound + 1e-300)


@pytest.mark.parametrize("kernel", [blas.dtrsm_py, blas.dtrmm_py])
def test_trsm_trmm_alpha_zero_and_empty(kernel):
    g = rng(5)
    t = np.full((20, 20), np.nan)                    # alpha == 0: T is never read
    b = np.full((20, 4), np.nan)
    assert np.array_equal(kernel(t, b, alpha=0.0), np.zeros((20, 4)))
    for left in (True, False):
        e = np.empty((0, 3)) if left else np.empty((3, 0))
        assert kernel(np.empty((0, 0)), e, left=left).size == 0
        s = g.standard_normal((3, 3)) + 3 * np.eye(3)
        e = np.empty((3, 0)) if left else np.empty((0, 3))
        assert kernel(s, e, left=left).size == 0


@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("trans", [False, True])
@pytest.mark.parametrize("n,k", [(0, 3), (1, 1), (5, 0), (32, 7), (33, 40), (100, 13)])
def test_dsyrk(lower, trans, n, k, blocks):
    g = rng(n * 100 + k)
    a = g.standard_normal((k, n) if trans else (n, k))
    full = a.T @ a if trans else a @ a.T
    keep = np.tril(np.ones((n, n), bool)) if lower else np.triu(np.ones((n, n), bool))
    c0 = g.standard_normal((n, n))
    bound = np.abs(a.T) @ np.abs(a) if trans else np.abs(a) @ np.abs(a.T)
    for alpha, beta in [(1.0, 0.0), (-0.5, 2.0), (0.0, 0.5)]:
        c = wide(c0.copy() if beta != 0.0 else np.where(keep, np.nan, c0))
        blas.dsyrk_py(wide(a), c, lower=lower, trans=trans, alpha=alpha, beta=beta)
        ref = alpha * full + beta * c0
        tol = 2 * (k + 2) * EPS * (abs(alpha) * bound + abs(beta) * np.abs(c0))
        assert np.all(np.abs(c - ref)[keep] <= tol[keep])
        assert np.array_equal(c[~keep], c0[~keep])       # the other triangle untouched
        assert np.isnan(c.base[:, n:]).all()


def test_numpy_helpers_syrk_gemv():
    g = rng(11)
    a = g.standard_normal((50, 21))
    s = blas.syrk(a)
    assert np.array_equal(s, s.T)
    np.testing.assert_allclose(s, a @ a.T, rtol=0, atol=50 * EPS * (np.abs(a) @ np.abs(a.T)).max())
    np.testing.assert_allclose(blas.syrk(a, trans=True, alpha=2.0), 2 * a.T @ a,
                               rtol=0, atol=100 * EPS * (np.abs(a.T) @ np.abs(a)).max())
    x = g.standard_normal(21)
    np.testing.assert_allclose(blas.gemv(a, x), a @ x, rtol=0,
                               atol=50 * EPS * (np.abs(a) @ np.abs(x)).max())
    xt = g.standard_normal(50)
    # Fortran-order, read-only and list inputs are converted
    af = np.asfortranarray(a)
    af.flags.writeable = False
    np.testing.assert_allclose(blas.gemv(af, xt, trans=True), a.T @ xt, rtol=0,
                               atol=100 * EPS * (np.abs(a.T) @ np.abs(xt)).max())
    assert blas.gemv([[1.0, 2.0], [3.0, 4.0]], [1, 1]).tolist() == [3.0, 7.0]
    assert blas.syrk(np.empty((0, 3))).shape == (0, 0)
    assert np.array_equal(blas.syrk(np.empty((4, 0))), np.zeros((4, 4)))


def test_set_block_sizes_validates():
    with pytest.raises(ValueError):
        blas._set_block_sizes(tri=0)
    with pytest.raises(ValueError):
        blas._set_block_sizes(tri=10_000)
    with pytest.raises(ValueError):
        blas._set_block_sizes(syrk=0)


def test_wrapper_errors():
    with pytest.raises(ValueError, match="different lengths"):
        blas.ddot_py(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match=r"\(3, 2\).*x has shape \(3,\)"):
        blas.gemv(np.ones((3, 2)), np.ones(3))
    with pytest.raises(ValueError, match="2-D"):
        blas.syrk(np.ones(3))
    with pytest.raises(ValueError, match="square"):
        blas.dtrsm_py(np.ones((3, 2)), np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"\(3, 3\).*\(4, 2\)"):
        blas.dtrsm_py(np.eye(3), np.ones((4, 2)))
    with pytest.raises(ValueError, match="writeable"):
        ro = np.ones(3)
        ro.flags.writeable = False
        blas.dscal_py(2.0, ro)
    with pytest.raises(ValueError, match="positive increment"):
        blas.dscal_py(2.0, np.ones(4)[::-1])


# ---- the vector kernels of csrc/ under every instruction set ------------------------
VECTOR_ISAS = blas._supported_kernels()     # the same names and CPU test as the GEMM's


@pytest.fixture
def vector_isa(request):
    old = blas._set_vector_isa(request.param)
    yield request.param
    blas._set_vector_isa(old)


@pytest.mark.parametrize("vector_isa", VECTOR_ISAS, indirect=True)
def test_vector_kernels_every_isa(vector_isa):
    # rm_dot_unit, rm_dot4, rm_sumsq_unit, rm_axpy_unit, rm_axpy4 and rm_row_combine (one
    # source, compiled per ISA) reached through ddot, dnrm2, dgemv, dtrsv and dtrsm/dtrmm,
    # at lengths around the 4- and 16-lane unrolling
    assert blas._config()["vector_kernels"] == vector_isa
    g = rng(21)
    for n in [1, 3, 4, 15, 16, 17, 37, 130]:
        x, y = g.standard_normal(n), g.standard_normal(n)
        assert abs(blas.ddot_py(x, y) - x @ y) <= 2 * n * EPS * (np.abs(x) @ np.abs(y))
        assert abs(blas.dnrm2_py(x) - np.sqrt(x @ x)) <= 2 * n * EPS * np.sqrt(x @ x)
        a = g.standard_normal((n + 5, n))
        for trans, v in [(False, x), (True, g.standard_normal(n + 5))]:
            op = a.T if trans else a
            ref = op @ v
            got = blas.dgemv_py(wide(a), v, np.zeros(op.shape[0]), trans=trans)
            assert np.all(np.abs(got - ref) <= 2 * (n + 6) * EPS * (np.abs(op) @ np.abs(v)))
        t = np.tril(g.standard_normal((n, n))) + n * np.eye(n)
        assert np.allclose(t @ blas.dtrsv_py(t, x.copy()), x, rtol=0, atol=1e-12 * n)
        b = g.standard_normal((n, 40))
        assert np.allclose(t @ blas.dtrsm_py(t, b.copy()), b, rtol=0, atol=1e-12 * n)
        assert np.allclose(blas.dtrsm_py(t, b.T.copy(), left=False) @ t, b.T, rtol=0,
                           atol=1e-12 * n)
        ref = np.triu(t.T) @ b
        assert np.allclose(blas.dtrmm_py(t, b.copy(), trans=True), ref, rtol=0,
                           atol=4 * n * EPS * (np.abs(t.T) @ np.abs(b)).max())


def test_set_vector_isa_validates():
    with pytest.raises(ValueError, match="unknown instruction set"):
        blas._set_vector_isa("sse9")
    with pytest.raises(TypeError):
        blas._set_vector_isa(2)
    assert blas._set_vector_isa(blas._config()["vector_kernels"]) in VECTOR_ISAS


def test_vector_isa_follows_environment():
    # RUSTY_MACHINE_KERNEL chooses the vector kernels of every module at load time (each
    # extension module links its own copy of the dispatch); the matrix reductions then
    # run the generic rm_ext_row
    import os
    import subprocess
    import sys
    code = ("from rusty_machine.linalg import blas, Matrix; import numpy as np; "
            "a = np.arange(40.0).reshape(5, 8) - 17; a[3, 5] = np.nan; "
            "print(blas._config()['vector_kernels'], Matrix(a).max(), "
            "Matrix(a[:, :7]).min(axis=1).tolist())")
    env = dict(os.environ, RUSTY_MACHINE_KERNEL="generic")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                         env=env, cwd=os.path.dirname(os.path.dirname(os.path.dirname(
                             os.path.abspath(__file__)))))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[:2] == ["generic", "nan"]
    assert out.stdout.split(None, 2)[2].strip() == "[-17.0, -9.0, -1.0, nan, 15.0]"


# ---- gemv and syrk accumulate like gemm (c=, beta=) ---------------------------------
@pytest.mark.parametrize("m,n", [(0, 0), (0, 3), (3, 0), (1, 1), (17, 33), (64, 40)])
@pytest.mark.parametrize("trans", [False, True])
def test_gemv_accumulates(m, n, trans):
    g = rng(m * 7 + n)
    a = g.standard_normal((m, n))
    op = a.T if trans else a
    x = g.standard_normal(op.shape[1])
    c0 = g.standard_normal(op.shape[0])
    for alpha, beta in [(1.0, 1.0), (-0.5, 2.0), (0.0, 0.5), (2.0, 0.0)]:
        c = strided(c0.copy(), 2)                      # a positive increment is fine
        out = blas.gemv(a, x, trans=trans, alpha=alpha, c=c, beta=beta)
        assert out is c
        ref = alpha * (op @ x) + beta * c0
        tol = 2 * (op.shape[1] + 2) * EPS * (abs(alpha) * (np.abs(op) @ np.abs(x))
                                              + abs(beta) * np.abs(c0))
        assert np.all(np.abs(c - ref) <= tol)
        assert np.isnan(c.base[1::2]).all()               # the gaps untouched
    # beta == 0 never reads c (NaN there does not propagate)
    c = np.full(op.shape[0], np.nan)
    blas.gemv(a, x, trans=trans, c=c, beta=0.0)
    assert np.allclose(c, op @ x, rtol=0, atol=1e-12 * max(n, 1))


@pytest.mark.parametrize("n,k", [(0, 3), (3, 0), (1, 1), (5, 2), (40, 7), (70, 33)])
@pytest.mark.parametrize("trans", [False, True])
def test_syrk_accumulates(n, k, trans):
    g = rng(n * 11 + k)
    a = g.standard_normal((k, n) if trans else (n, k))
    prod = a.T @ a if trans else a @ a.T
    bound = np.abs(a.T) @ np.abs(a) if trans else np.abs(a) @ np.abs(a.T)
    c0 = g.standard_normal((n, n))
    sym = c0 + c0.T
    for alpha, beta in [(1.0, 1.0), (-0.5, 2.0), (0.0, 0.5), (2.0, 0.0)]:
        for start in (c0, sym):
            c = wide(start.copy())                     # rows contiguous, ld > n
            out = blas.syrk(a, trans=trans, alpha=alpha, c=c, beta=beta)
            assert out is c
            ref = alpha * prod + beta * start
            # the upper triangle adds beta * (c_upper - c_lower.T) to the new lower one
            tol = 4 * (k + 3) * EPS * (abs(alpha) * bound
                                       + abs(beta) * (np.abs(start) + np.abs(start.T)))
            assert np.all(np.abs(c - ref) <= tol)
            assert np.isnan(c.base[:, n:]).all()
            if start is sym or beta == 0.0:
                assert np.array_equal(c, c.T)           # exactly symmetric
    c = np.full((n, n), np.nan)
    blas.syrk(a, trans=trans, c=c, beta=0.0)           # beta == 0 never reads c
    assert np.allclose(c, prod, rtol=0, atol=1e-12 * max(k, 1) * max(bound.max(initial=0), 1))


def test_gemv_syrk_accumulator_errors():
    a = np.ones((3, 2))
    ro = np.zeros(3)
    ro.flags.writeable = False
    for bad in [np.zeros(2), np.zeros((3, 1)), np.zeros(3, dtype=np.float32), ro, [0.0] * 3]:
        with pytest.raises(ValueError, match=r"gemv: c must be a writeable float64 array "
                                             r"of shape \(3,\)"):
            blas.gemv(a, np.ones(2), c=bad, beta=1.0)
    with pytest.raises(ValueError, match="positive increment"):
        blas.gemv(a, np.ones(2), c=np.zeros(3)[::-1], beta=1.0)
    with pytest.raises(ValueError, match=r"gemv: c must .* shape \(2,\)"):
        blas.gemv(a, np.ones(3), trans=True, c=np.zeros(3))
    for bad in [np.zeros((2, 3)), np.zeros((3, 3), dtype=np.int64), np.zeros(9)]:
        with pytest.raises(ValueError, match=r"syrk: c must be a writeable float64 array "
                                             r"of shape \(3, 3\)"):
            blas.syrk(a, c=bad, beta=1.0)
    with pytest.raises(ValueError, match="contiguous rows"):
        blas.syrk(a, c=np.zeros((3, 6))[:, ::2], beta=1.0)
    with pytest.raises(ValueError, match="contiguous rows"):
        blas.syrk(a, c=np.asfortranarray(np.zeros((3, 3))), beta=1.0)

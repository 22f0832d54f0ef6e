"""svd / svdvals / bidiagonalize and what rests on them, in float32 (issue 13, part B).

A float32 input is computed in float32 by the same kernels as float64 (fused over
`floating`), with every convergence and deflation test in float32's own eps and safe
minimum. The checks are LAPACK's (dchkbd-style ratios, in float32's eps; each below
THRESH = 30):

- reconstruction  |A - U diag(s) Vt|_F / (max(m, n) |A|_F eps32)
- orthogonality   |U^T U - I|_F / (m eps32),  |Vt Vt^T - I|_F / (n eps32)
- singular values |s - s_numpy|_max <= THRESH max(m, n) |A|_2 eps32 (Weyl: a backward
  error E moves each s_i by at most |E|_2), non-negative and descending.

The ratios are measured in float64 on the float32 results. They are in float32's eps,
so a float64 computation rounded to float32 would pass them too: test_computed_in_float32
tells the two apart (float32 arithmetic leaves errors of many float32 ulps in the small
singular values of an ill-conditioned matrix; a float64 computation rounded once leaves
at most one), and the kernel shells are called in float32 directly.
"""
import numpy as np
import pytest

import rusty_machine

from rusty_machine.linalg import (LinAlgError, Matrix, bidiagonalize, cond, matrix_rank,
                                  pinv, svd, svdvals)
from rusty_machine.linalg import _bdsdc, _svd

F32 = np.float32
EPS32 = float(np.finfo(F32).eps)
THRESH = 30.0


def _ratios(a, U, s, Vt):
    """(reconstruction, U orthogonality, Vt orthogonality) ratios of the docstring."""
    a = np.asarray(a, dtype=np.float64)
    U, s, Vt = (np.asarray(x, dtype=np.float64) for x in (U, s, Vt))
    m, n = a.shape
    k = min(m, n)
    scale = np.abs(a).max(initial=0.0)
    if scale > 0:                          # near float32's limits: norms in range
        a = a / scale
        s = s / scale
    anorm = np.linalg.norm(a)
    rec = np.linalg.norm(a - (U[:, :k] * s) @ Vt[:k, :]) / (max(m, n, 1) * max(anorm, 1e-300)
                                                            * EPS32)
    ou = np.linalg.norm(U.T @ U - np.eye(U.shape[1])) / (max(m, 1) * EPS32)
    ov = np.linalg.norm(Vt @ Vt.T - np.eye(Vt.shape[0])) / (max(n, 1) * EPS32)
    return rec, ou, ov


def _check_values(a, s):
    a = np.asarray(a, dtype=np.float64)
    s = np.asarray(s, dtype=np.float64)
    ref = np.linalg.svd(a, compute_uv=False)
    m, n = a.shape
    two = ref.max(initial=0.0)
    assert np.abs(s - ref).max(initial=0.0) <= THRESH * max(m, n) * two * EPS32
    assert np.all(s >= 0) and np.all(np.diff(s) <= 0)


def _check_svd(a, full=False):
    U, s, Vt = svd(a, full_matrices=full)
    U, s, Vt = np.asarray(U), np.asarray(s), np.asarray(Vt)
    assert U.dtype == s.dtype == Vt.dtype == F32
    m, n = np.shape(a)
    k = min(m, n)
    assert U.shape == ((m, m) if full else (m, k))
    assert Vt.shape == ((n, n) if full else (k, n))
    assert np.isfinite(U).all() and np.isfinite(s).all() and np.isfinite(Vt).all()
    rec, ou, ov = _ratios(a, U, s, Vt)
    assert rec < THRESH and ou < THRESH and ov < THRESH, (rec, ou, ov)
    _check_values(a, s)
    sv = np.asarray(svdvals(a))
    assert sv.dtype == F32
    _check_values(a, sv)
    return U, s, Vt


def _normal(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape).astype(F32)


# square orders around the block boundaries: NB = 32 (labrd panels while more than
# 2 NB columns remain), DQDS_MIN = 24, the divide and conquer leaf 25, NBQ = 64
SQUARE = [1, 2, 3, 5, 8, 16, 23, 24, 25, 26, 31, 32, 33, 50, 63, 64, 65, 66, 97, 128,
          129, 200, 300]


@pytest.mark.parametrize("n", SQUARE)
def test_square(n):
    a = _normal((n, n), seed=n)
    _check_svd(a, full=False)


@pytest.mark.parametrize("shape", [(4000, 200), (300, 40), (41, 40), (65, 64), (100, 61),
                                   (7, 3), (200, 1), (1, 200)])
@pytest.mark.parametrize("full", [False, True])
def test_tall_and_wide(shape, full):
    if full and shape == (4000, 200):
        pytest.skip("a 4000 x 4000 U: covered by the thin case and (300, 40)")
    a = _normal(shape, seed=sum(shape))
    _check_svd(a, full)
    _check_svd(np.ascontiguousarray(a.T), full)


@pytest.mark.parametrize("shape", [(0, 0), (0, 3), (3, 0)])
def test_zero_size(shape):
    a = np.zeros(shape, dtype=F32)
    U, s, Vt = svd(a)
    assert np.asarray(s).dtype == F32 and np.asarray(s).shape == (0,)
    assert np.asarray(U).dtype == F32 and np.asarray(U).shape == (shape[0], shape[0])
    assert np.asarray(Vt).dtype == F32 and np.asarray(Vt).shape == (shape[1], shape[1])
    assert np.asarray(svdvals(a)).dtype == F32
    s = svd(np.zeros((2,) + shape, dtype=F32), compute_uv=False)
    assert s.dtype == F32 and s.shape == (2, 0)


def test_layouts():
    base = _normal((90, 70), seed=1)
    fortran = np.asfortranarray(base)
    strided = _normal((180, 140), seed=1)[::2, ::2]
    readonly = base.copy()
    readonly.flags.writeable = False
    for a in (fortran, strided, readonly, Matrix(base)):
        assert getattr(a, "dtype", None) == F32
        _check_svd(a)
    assert np.array_equal(np.asarray(svd(fortran).S), np.asarray(svd(base).S))


@pytest.mark.parametrize("shape", [(3, 4, 4), (2, 3, 12, 5), (2, 2, 40, 20),
                                   (2, 20, 40), (3, 70, 70)])
@pytest.mark.parametrize("full", [False, True])
def test_stacks(shape, full):
    """Small matrices of a stack run the one-sided Jacobi kernel, the others gesdd."""
    a = _normal(shape, seed=len(shape) + shape[-1])
    a.reshape((-1,) + shape[-2:])[0, :, -1] = a.reshape((-1,) + shape[-2:])[0, :, 0]
    U, s, Vt = svd(a, full_matrices=full)
    assert isinstance(U, np.ndarray) and U.dtype == s.dtype == Vt.dtype == F32
    sv = svdvals(a)
    assert sv.dtype == F32
    m, n = shape[-2:]
    flat = a.reshape((-1, m, n))
    Uf = U.reshape((-1,) + U.shape[-2:])
    Vf = Vt.reshape((-1,) + Vt.shape[-2:])
    sf = s.reshape((-1, s.shape[-1]))
    svf = sv.reshape((-1, sv.shape[-1]))
    for i in range(flat.shape[0]):
        rec, ou, ov = _ratios(flat[i], Uf[i], sf[i], Vf[i])
        assert rec < THRESH and ou < THRESH and ov < THRESH, (i, rec, ou, ov)
        _check_values(flat[i], sf[i])
        _check_values(flat[i], svf[i])


def test_jacobi_kernel_float32():
    """The Jacobi kernel itself in float32, including a row far below the others
    (its squared norm underflows float32: the Gram entries are accumulated in double)."""
    rng = np.random.default_rng(3)
    for shape in [(8, 5), (5, 8), (12, 12)]:
        a = rng.standard_normal(shape).astype(F32)
        if shape[0] >= shape[1]:
            a[:, 1] *= F32(1e-22)
        else:
            a[1, :] *= F32(1e-22)
        for full in (False, True):
            U, s, Vt = _svd._jacobi_py(a, True, full, dtype=F32)
            assert U.dtype == s.dtype == Vt.dtype == F32
            rec, ou, ov = _ratios(a, U, s, Vt)
            assert rec < THRESH and ou < THRESH and ov < THRESH, (shape, rec, ou, ov)
            _check_values(a, s)


def test_rank_deficient():
    rng = np.random.default_rng(4)
    for m, n, r in [(60, 40, 10), (40, 60, 1), (130, 130, 65), (300, 100, 3)]:
        a = (rng.standard_normal((m, r)) @ rng.standard_normal((r, n))).astype(F32)
        for full in (False, True):
            _, s, _ = _check_svd(a, full)
            # the null singular values are at float32's rounding level
            assert np.asarray(s)[r:].max(initial=0.0) <= THRESH * max(m, n) * EPS32 * s[0]
        assert matrix_rank(a) == r
    z = np.zeros((30, 20), dtype=F32)
    U, s, Vt = _check_svd(z, full=True)
    assert np.all(np.asarray(s) == 0)


@pytest.mark.parametrize("n", [20, 40, 100])
def test_graded(n):
    """Columns (and rows) graded over many orders of magnitude: with vectors (divide
    and conquer) and values only (dqds above 24, with its underflow fallback to the
    bidiagonal QR)."""
    rng = np.random.default_rng(n)
    g = np.logspace(0, -12, n)
    for a in (rng.standard_normal((n, n)) * g, (rng.standard_normal((n, n)) * g).T,
              rng.standard_normal((2 * n, n)) * np.logspace(0, -30, n)):
        _check_svd(np.ascontiguousarray(a, dtype=F32))


@pytest.mark.parametrize("scale", [1e-36, 1e-30, 1e-20, 1e-10, 1e10, 1e20, 1e30, 1e36])
def test_scale_near_float32_limits(scale):
    """Entries near float32's safe minimum (1.2e-38) and maximum (3.4e38): the power of
    two scaling of gesdd (float32: outside 1e-12..1e12) and of Jacobi keep everything
    finite and the ratios in range."""
    for shape in [(40, 30), (30, 40), (100, 100)]:
        a = (_normal(shape, seed=5).astype(np.float64) * scale / np.sqrt(max(shape)))
        a = a.astype(F32)
        assert np.isfinite(a).all()
        _check_svd(a)
    st = (_normal((4, 6, 3), seed=6).astype(np.float64) * scale).astype(F32)
    U, s, Vt = svd(st)
    assert np.isfinite(s).all() and s.dtype == F32
    for i in range(4):
        rec, ou, ov = _ratios(st[i], U[i], s[i], Vt[i])
        assert rec < THRESH and ou < THRESH and ov < THRESH


def test_computed_in_float32():
    """The hook that tells a float32 computation from a float64 one rounded once: on a
    matrix with singular values from 1 down to 1e-6, float32 arithmetic leaves errors
    of order eps32 |A| = 1.2e-7 in the small ones (thousands of their ulps), a float64
    computation rounded to float32 at most one ulp. Both pass the ratios above."""
    rng = np.random.default_rng(7)
    n = 80
    Q1, _ = np.linalg.qr(rng.standard_normal((n, n)))
    Q2, _ = np.linalg.qr(rng.standard_normal((n, n)))
    a = ((Q1 * np.logspace(0, -6, n)) @ Q2.T).astype(F32)
    exact = np.linalg.svd(a.astype(np.float64), compute_uv=False)
    rounded = exact.astype(F32)
    for s in (np.asarray(svd(a).S), np.asarray(svdvals(a)), svdvals(a[None])[0],
              np.asarray(svd(a, full_matrices=False).S)):
        assert s.dtype == F32
        ulps = np.abs(s.astype(np.float64) - rounded) / np.spacing(rounded)
        assert ulps.max() > 16                    # float32 arithmetic, not float64
        assert np.abs(s - exact).max() <= THRESH * n * EPS32 * exact[0]


def test_kernels_float32():
    """The bidiagonal kernels' float32 instances against float64 ones (same input)."""
    rng = np.random.default_rng(8)
    for n in [1, 2, 10, 25, 26, 60, 130]:
        d = rng.standard_normal(n).astype(F32)
        e = rng.standard_normal(max(n - 1, 0)).astype(F32)
        B = np.diag(d.astype(np.float64)) + np.diag(e.astype(np.float64), 1)
        ref = np.linalg.svd(B, compute_uv=False)
        tol = THRESH * n * EPS32 * max(ref[0], 1e-30)
        U, s, V = _bdsdc._bdsdc_py(d, e, F32)
        assert U.dtype == s.dtype == V.dtype == F32
        rec, ou, ov = _ratios(B, U, s, V.T)
        assert rec < THRESH and ou < THRESH and ov < THRESH, (n, rec, ou, ov)
        assert np.abs(s - ref).max() <= tol
        s = _svd._dqds_py(d, e, F32)
        assert s.dtype == F32 and np.abs(s - ref).max() <= tol
        s = np.sort(np.abs(_svd._bdsqr_values_py(d, e, dtype=F32)))[::-1]
        assert s.dtype == F32 and np.abs(s - ref).max() <= tol


def test_dqds_underflow_falls_back():
    """A float32 bidiagonal whose squares underflow (entries of 1e-25 next to 1):
    values-only svdvals still gives finite values within the bound."""
    n = 40
    d = np.ones(n)
    d[n // 2:] = 1e-25
    e = np.full(n - 1, 1e-3)
    e[n // 2 - 1:] = 1e-26
    a = (np.diag(d) + np.diag(e, 1)).astype(F32)
    s = np.asarray(svdvals(a))
    assert s.dtype == F32 and np.isfinite(s).all()
    _check_values(a, s)


def test_bidiagonalize_float32():
    for shape in [(70, 70), (120, 50), (50, 120), (5, 3)]:
        a = _normal(shape, seed=9)
        U, B, Vt = (np.asarray(x) for x in bidiagonalize(a))
        assert U.dtype == B.dtype == Vt.dtype == F32
        k = min(shape)
        band = np.diag(np.diag(B)) + (np.diag(np.diag(B, 1), 1) if shape[0] >= shape[1]
                                      else np.diag(np.diag(B, -1), -1))
        assert np.array_equal(B, band)
        U64, Vt64 = U.astype(np.float64), Vt.astype(np.float64)
        assert np.linalg.norm(U64.T @ U64 - np.eye(k)) <= THRESH * shape[0] * EPS32
        assert np.linalg.norm(Vt64 @ Vt64.T - np.eye(k)) <= THRESH * shape[1] * EPS32
        r = np.linalg.norm(a.astype(np.float64) - U.astype(np.float64) @ B @ Vt)
        assert r <= THRESH * max(shape) * np.linalg.norm(a) * EPS32
    U, B, Vt = bidiagonalize(np.zeros((0, 3), dtype=F32))
    assert np.asarray(B).dtype == F32


def test_dtypes():
    a = _normal((20, 12), seed=10)
    ints = np.arange(12).reshape(4, 3)
    assert np.asarray(svd(ints).S).dtype == np.float64
    assert np.asarray(svdvals(ints)).dtype == np.float64
    assert np.asarray(bidiagonalize(ints)[1]).dtype == np.float64
    assert np.asarray(svd(a.astype(np.float64)).S).dtype == np.float64
    assert np.asarray(pinv(a)).dtype == F32
    assert np.asarray(cond(a)).dtype == F32
    assert svd(a, compute_uv=False).dtype == F32
    assert svd(np.stack([a, a]), compute_uv=False).dtype == F32
    U, s, Vt = svd(a[:12, :12] + a[:12, :12].T, hermitian=True)
    assert np.asarray(s).dtype == F32


def test_pinv_cond_rank_float32():
    rng = np.random.default_rng(11)
    a = rng.standard_normal((30, 20)).astype(F32)
    x = np.asarray(pinv(a)).astype(np.float64)
    a64 = a.astype(np.float64)
    ref = np.linalg.pinv(a64)
    assert np.abs(x - ref).max() <= THRESH * 30 * EPS32 * np.abs(ref).max() * cond(a64)
    assert np.abs(a64 @ x @ a64 - a64).max() <= THRESH * 30 * EPS32 * np.abs(a64).max()
    c = np.asarray(cond(a))
    assert abs(c - np.linalg.cond(a64)) <= THRESH * 30 * EPS32 * c * c
    # a rank-deficient float32 matrix: the default cut-off drops its rounding-level
    # singular value (numpy's legacy 1e-15 would invert it)
    b = a.copy()
    b[:, -1] = b[:, 0]
    xb = np.asarray(pinv(b)).astype(np.float64)
    assert np.abs(xb - np.linalg.pinv(b.astype(np.float64))).max() <= 1e-3
    assert matrix_rank(b) == 19
    s = svd(np.stack([a, b]), compute_uv=False)
    assert s.dtype == F32


def test_bad_input_float32():
    a = _normal((6, 4), seed=12)
    for bad in (np.nan, np.inf, -np.inf):
        b = a.copy()
        b[2, 1] = bad
        for f in (svd, svdvals, bidiagonalize, pinv):
            with pytest.raises(ValueError):
                f(b)
        with pytest.raises(ValueError):
            svd(np.stack([a, b]))
    with pytest.raises(LinAlgError):
        svd(np.ones(3, dtype=F32))
    with pytest.raises(TypeError):
        svd(np.ones((3, 3), dtype=np.complex64))


@pytest.mark.parametrize("shape", [(300, 300), (420, 290), (290, 420)])
def test_two_threads_float32(shape):
    """The bidiagonal reduction's split matrix-vector products (_gemv2) and the threaded
    GEMMs in float32: two threads give the one-thread answer to float32 rounding."""
    a = _normal(shape, seed=sum(shape))
    out = {}
    with rusty_machine.num_threads(1):
        out[1] = _check_svd(a)[1]
    with rusty_machine.num_threads(2):
        out[2] = _check_svd(a)[1]
        st = svd(np.stack([a[:40, :30]] * 50))
    assert np.abs(out[1] - out[2]).max() <= THRESH * max(shape) * EPS32 * out[1][0]
    assert st.U.dtype == F32
    for i in range(50):
        rec, ou, ov = _ratios(a[:40, :30], st.U[i], st.S[i], st.Vh[i])
        assert rec < THRESH and ou < THRESH and ov < THRESH

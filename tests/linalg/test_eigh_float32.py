"""eigh / eigvalsh / tridiagonalize on float32 input (issue 13, part A): computed in float32
end to end, judged in float32's own epsilon.

LAPACK's tests judge ssyev / ssyevd by the ratios of its ssyt21 (1-norms, each O(1) for a
backward-stable method, required < 30 here):

    ||A V - V diag(w)||_1 / (n ||A||_1 eps32),    ||V^T V - I||_1 / (n eps32),

and the eigenvalues within 30 n ||A||_1 eps32 of numpy's computed in float64 on the same
float32 matrix (its eigenvalues are then exact to float64 rounding, a reference 10^9 times
finer than the tolerance). The residuals are formed in float64 from the float32 outputs, so
that the check itself adds no float32 rounding. The orders cover the block and leaf
boundaries of the code: Jacobi up to 16 (stacks), the panel width NB = 32, the
divide-and-conquer leaf DC_LEAF = 32 (so 33, 65 and 129 have one, two and three levels of
merges), the threaded split from 256.

That the float32 kernels are really used (and not float64 rounded once, as before issue
13) is tested directly: on seeded input the float32 results differ from the rounded
float64 ones by a few float32 ulps, and a float64 computation could not land there.
"""
import importlib

import numpy as np
import pytest

import rusty_machine
from rusty_machine import linalg
from rusty_machine.linalg import Matrix, eigh, eigvalsh, tridiagonalize

EPS32 = float(np.finfo(np.float32).eps)
THRESH = 30.0
eigh_mod = importlib.import_module("rusty_machine.linalg._eigh")


def _sym32(n, seed, scale=1.0):
    g = np.random.default_rng(seed).standard_normal((n, n))
    return ((g + g.T) * (0.5 * scale)).astype(np.float32)


def _full(a):
    """The symmetric matrix the solvers see: the lower triangle of a, in float64."""
    a = np.asarray(a, dtype=np.float64)
    return np.tril(a) + np.swapaxes(np.tril(a, -1), -1, -2)


def _ratios(a, w, V):
    """(residual, orthogonality, eigenvalue error) ratios of ssyt21 for one matrix, in a
    copy scaled by max |a_ij| (exactly representable in float64 for every float32 a).
    The unit n ||A|| eps32 gets the spacing of float32's subnormals (2^-149) added: an
    eigenvalue near the bottom of the range cannot be returned more precisely than
    that (it matters only for matrices of subnormal size)."""
    s = _full(a)
    n = s.shape[0]
    sc = np.max(np.abs(s)) or 1.0
    s = s / sc
    w64 = np.asarray(w, dtype=np.float64) / sc
    anorm = max(np.abs(s).sum(0).max(), np.finfo(np.float64).tiny)
    unit = n * (anorm * EPS32 + 2.0 ** -149 / sc)
    want = np.linalg.eigvalsh(s)
    err = np.abs(w64 - want).max() / unit
    if V is None:
        return None, None, err
    V64 = np.asarray(V, dtype=np.float64)
    res = np.abs(s @ V64 - V64 * w64).sum(0).max() / unit
    orth = np.abs(V64.T @ V64 - np.eye(n)).sum(0).max() / (n * EPS32)
    return res, orth, err


def _check32(a):
    """eigh and eigvalsh of the float32 matrix a: float32 outputs, ascending, ratios < 30."""
    n = a.shape[0]
    w, V = eigh(a)
    wv = eigvalsh(a)
    for x in (w, V, wv):
        assert np.asarray(x).dtype == np.float32
    w, V, wv = np.asarray(w), np.asarray(V), np.asarray(wv)
    assert w.shape == (n,) and V.shape == (n, n) and wv.shape == (n,)
    assert np.all(np.diff(w) >= 0) and np.all(np.diff(wv) >= 0)
    res, orth, err = _ratios(a, w, V)
    assert res < THRESH, res
    assert orth < THRESH, orth
    assert err < THRESH, err
    assert _ratios(a, wv, None)[2] < THRESH
    return w, V, wv


SIZES = [1, 2, 3, 4, 5, 7, 8, 12, 16, 17, 31, 32, 33, 48, 64, 65, 100, 128, 129, 200, 256,
         257, 300]


@pytest.mark.parametrize("n", SIZES)
def test_random_sizes(n):
    _check32(_sym32(n, n))


@pytest.mark.parametrize("n", [17, 33, 65, 129])
def test_quicker_paths_agree(n):
    # eigh's QR path (no divide and conquer) against the default: both in tolerance
    a = _sym32(n, 100 + n)
    w_dc, _, _ = _check32(a)
    old = eigh_mod._USE_DC
    eigh_mod._USE_DC = False
    try:
        w_qr, V_qr = eigh(a)
    finally:
        eigh_mod._USE_DC = old
    assert np.asarray(w_qr).dtype == np.float32
    res, orth, err = _ratios(a, w_qr, V_qr)
    assert max(res, orth, err) < THRESH


@pytest.mark.parametrize("n", [33, 129])
def test_float32_kernels_are_used(n):
    """The float32 results are not float64 rounded once: on these seeded inputs some
    eigenvalue differs from the rounded float64 one (by float32 rounding errors, within
    tolerance), which a float64 computation rounded at the end could not produce."""
    a = _sym32(n, 7 * n)
    w, V, wv = _check32(a)
    w64 = np.linalg.eigvalsh(_full(a)).astype(np.float32)
    assert not np.array_equal(w, w64)
    assert not np.array_equal(wv, w64)
    # and the same through the stacked driver (syevd and Jacobi in float32)
    for m in (n, 10):
        st = np.stack([_sym32(m, 3), _sym32(m, 4)])
        ws, Vs = linalg.eigh(st)
        assert ws.dtype == np.float32 and Vs.dtype == np.float32
        assert not np.array_equal(ws, np.linalg.eigvalsh(st.astype(np.float64))
                                  .astype(np.float32))


# ---- layouts --------------------------------------------------------------------------
def _layouts(a):
    n = a.shape[0]
    big = np.zeros((2 * n, 3 * n), dtype=np.float32)
    big[::2, 1::3] = a
    ro = a.copy()
    ro.flags.writeable = False
    return {"C": a, "F": np.asfortranarray(a), "strided": big[::2, 1::3], "readonly": ro,
            "Matrix": Matrix(a)}


@pytest.mark.parametrize("n", [5, 40, 70])
@pytest.mark.parametrize("layout", ["C", "F", "strided", "readonly", "Matrix"])
def test_layouts(n, layout):
    a = _sym32(n, 3 * n)
    x = _layouts(a)[layout]
    w, V, _ = _check32(a)
    w2, V2 = eigh(x)
    assert np.asarray(w2).dtype == np.float32
    assert np.array_equal(np.asarray(w2), w)
    assert np.array_equal(np.asarray(V2), V)
    assert np.array_equal(np.asarray(eigvalsh(x)), np.asarray(eigvalsh(a)))


def test_uplo_upper_and_lower_only_read():
    n = 30
    a = _sym32(n, 5)
    junk = a.copy()
    junk[np.triu_indices(n, 1)] = np.nan            # never read with UPLO='L'
    w, V = linalg.eigh(junk)
    assert np.asarray(w).dtype == np.float32
    assert max(_ratios(a, w, V)) < THRESH
    wu, Vu = linalg.eigh(np.ascontiguousarray(junk.T), UPLO="U")
    assert np.asarray(wu).dtype == np.float32
    assert np.array_equal(np.asarray(wu), np.asarray(w))
    assert np.asarray(linalg.eigvalsh(junk.T, UPLO="U")).dtype == np.float32


# ---- stacks ---------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(4, 1, 1), (50, 3, 3), (6, 12, 12), (6, 13, 13),
                                   (5, 16, 16), (5, 17, 17), (2, 3, 40, 40), (3, 70, 70)])
def test_stacks(shape):
    rng = np.random.default_rng(shape[-1])
    g = rng.standard_normal(shape)
    a = (g + np.swapaxes(g, -1, -2)).astype(np.float32)
    w, V = linalg.eigh(a)
    wv = linalg.eigvalsh(a)
    assert w.dtype == V.dtype == wv.dtype == np.float32
    assert w.shape == shape[:-1] and V.shape == shape and wv.shape == shape[:-1]
    flat = a.reshape((-1,) + shape[-2:])
    for i, (ai, wi, Vi, wvi) in enumerate(zip(flat, w.reshape(-1, shape[-1]),
                                              V.reshape(flat.shape),
                                              wv.reshape(-1, shape[-1]))):
        res, orth, err = _ratios(ai, wi, Vi)
        assert max(res, orth, err) < THRESH, (i, res, orth, err)
        assert _ratios(ai, wvi, None)[2] < THRESH
        assert np.all(np.diff(wi) >= 0)


def test_stack_strided_and_fortran():
    rng = np.random.default_rng(9)
    g = rng.standard_normal((3, 40, 40))
    a = (g + np.swapaxes(g, -1, -2)).astype(np.float32)
    w, V = linalg.eigh(a)
    big = np.zeros((3, 80, 80), dtype=np.float32)
    big[:, ::2, ::2] = a
    for x in (np.asfortranarray(a), big[:, ::2, ::2]):
        w2, V2 = linalg.eigh(x)
        assert w2.dtype == np.float32
        assert np.array_equal(w2, w) and np.array_equal(V2, V)


# ---- structured matrices ----------------------------------------------------------------
def _from_spectrum(d, seed):
    n = len(d)
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    return ((q * np.asarray(d, dtype=np.float64)) @ q.T).astype(np.float32)


@pytest.mark.parametrize("n", [40, 129, 200])
def test_repeated_eigenvalues(n):
    # three eigenvalues, each of multiplicity ~n/3: heavy deflation in every merge
    d = np.repeat([-1.0, 2.0, 5.0], n // 3 + 1)[:n]
    _check32(_from_spectrum(d, n))


@pytest.mark.parametrize("n", [40, 129, 200])
def test_clustered_eigenvalues(n):
    # clusters of width ~ eps32 and 100 eps32 (close-pole deflation and secular roots
    # squeezed between near poles), and isolated ones
    rng = np.random.default_rng(n)
    k = n // 4
    d = np.concatenate([1.0 + EPS32 * rng.random(k), 3.0 + 100 * EPS32 * rng.random(k),
                        -2.0 + 1e-4 * rng.random(k), rng.uniform(-5, 5, n - 3 * k)])
    _check32(_from_spectrum(d, n + 1))


def _tridiag(diag, off):
    return (np.diag(diag) + np.diag(off, 1) + np.diag(off, -1)).astype(np.float32)


@pytest.mark.parametrize("m", [10, 50])
def test_wilkinson(m):
    # W_{2m+1}^+: diagonal |m - i|, off-diagonal 1; its largest eigenvalues come in pairs
    # closer than float32 can tell apart, yet the vectors must stay orthogonal
    n = 2 * m + 1
    _check32(_tridiag(np.abs(m - np.arange(n)), np.ones(n - 1)))


@pytest.mark.parametrize("n", [8, 33, 100])
def test_clement(n):
    # Clement's matrix: zero diagonal, off-diagonal sqrt(i (n - i)); eigenvalues exactly
    # -(n-1), -(n-3), ..., n-1
    i = np.arange(1, n)
    a = _tridiag(np.zeros(n), np.sqrt(i * (n - i)))
    w, _, wv = _check32(a)
    exact = np.arange(-(n - 1), n, 2, dtype=np.float64)
    tol = THRESH * n * (n - 1) * EPS32
    assert np.abs(w - exact).max() <= tol and np.abs(wv - exact).max() <= tol


@pytest.mark.parametrize("n", [20, 100, 400])
@pytest.mark.parametrize("k", [20, 30, 100])
def test_graded(n, k):
    # A = D B D with D = diag(2^(-k i / n)): entries graded over 2^-2k, so for k = 30
    # and 100 the tiny end of the spectrum lies below eps32 and down among float32's
    # subnormals. Two float32 failures of divide and conquer found this way (n = 400):
    # merge vectors whose squared entries overflowed float32 (a zeroed column), and
    # merges whose poles all fell into the subnormal range (NaN); see _dc_merge
    b = _sym32(n, 5).astype(np.float64)
    dg = 2.0 ** (-k * np.arange(n) / n)
    _check32((dg[:, None] * b * dg[None, :]).astype(np.float32))


@pytest.mark.parametrize("n", [10, 70])
@pytest.mark.parametrize("scale", [1e-41, 1e-37, 1e-30, 1e-13, 1e13, 1e30, 1e36])
def test_scaling_near_float32_limits(n, scale):
    """Entries near the smallest (subnormal 1e-41 included) and largest float32 numbers:
    the solver scales by a power of two into the safe range and back (exact), so the
    ratios are those of the unscaled matrix."""
    a = (_sym32(n, n, 1.0).astype(np.float64) * (scale / n)).astype(np.float32)
    assert np.isfinite(a).all() and np.abs(a).max() > 0
    if scale < 1e-38:
        assert np.abs(a).max() < np.finfo(np.float32).tiny * n     # subnormal or nearly
    w, V, wv = _check32(a)
    assert np.isfinite(w).all() and np.isfinite(V).all() and np.isfinite(wv).all()
    T, Q = tridiagonalize(a)
    _check_tridiag(a, T, Q)


def test_overflowing_eigenvalues_raise():
    a = np.array([[2e38, 1e38], [1e38, 3e38]], dtype=np.float32)    # lambda_max ~ 3.6e38
    with pytest.raises(ValueError, match="overflow"):
        eigh(a)
    with pytest.raises(ValueError, match="overflow"):
        eigvalsh(a)
    with pytest.raises(ValueError, match="overflow"):
        linalg.eigh(np.stack([a, a]))
    with pytest.raises(ValueError, match="overflow"):
        # T[1, 0] = -||A[1:, 0]|| = -sqrt(2) 3e38
        tridiagonalize(np.full((3, 3), 3e38, dtype=np.float32))


def test_subnormal_float64_too():
    # the power-of-two scaling also fixed float64: a subnormal max used to give NaN
    a = np.array([[2.0, 1.0], [1.0, 3.0]]) * 1e-310
    ref = np.array([(5 - 5 ** 0.5) / 2, (5 + 5 ** 0.5) / 2]) * 1e-310
    for w in (np.asarray(eigh(a)[0]), np.asarray(eigvalsh(a))):
        assert w.dtype == np.float64
        assert np.allclose(w, ref, rtol=1e-5, atol=0)


# ---- tridiagonalize ---------------------------------------------------------------------
def _check_tridiag(a, T, Q):
    T, Q = np.asarray(T), np.asarray(Q)
    assert T.dtype == np.float32 and Q.dtype == np.float32
    n = a.shape[0]
    s = _full(a)
    sc = np.max(np.abs(s)) or 1.0
    s, T64, Q64 = s / sc, T.astype(np.float64) / sc, Q.astype(np.float64)
    anorm = np.abs(s).sum(0).max()
    unit = n * (anorm * EPS32 + 2.0 ** -149 / sc)       # as _ratios: subnormal spacing
    assert np.array_equal(np.triu(T, 2), np.zeros_like(T))
    assert np.array_equal(T, T.T)
    assert np.abs(Q64 @ T64 @ Q64.T - s).sum(0).max() / unit < THRESH
    assert np.abs(Q64.T @ Q64 - np.eye(n)).sum(0).max() / (n * EPS32) < THRESH


@pytest.mark.parametrize("n", [1, 2, 3, 17, 33, 65, 129])
def test_tridiagonalize(n):
    a = _sym32(n, 40 + n)
    T, Q = tridiagonalize(a)
    _check_tridiag(a, T, Q)
    # the eigenvalues of T are A's
    if n > 1:
        wt = np.linalg.eigvalsh(np.asarray(T, dtype=np.float64))
        assert np.abs(wt - np.linalg.eigvalsh(_full(a))).max() < THRESH * n * EPS32 * (
            np.abs(_full(a)).sum(0).max())


# ---- dtypes and bad input -----------------------------------------------------------------
def test_dtype_rules():
    a32 = _sym32(6, 1)
    for x in (a32.astype(np.float64), np.rint(a32 * 10).astype(np.int64),
              np.rint(a32 * 10).astype(np.int32)):
        w, V = eigh(x)
        assert np.asarray(w).dtype == np.float64 and np.asarray(V).dtype == np.float64
        assert np.asarray(eigvalsh(x)).dtype == np.float64
        assert np.asarray(tridiagonalize(x)[0]).dtype == np.float64
        st = np.stack([x, x])
        assert linalg.eigh(st)[0].dtype == np.float64
    for f in (eigh, eigvalsh):
        assert np.asarray(f(np.zeros((0, 0), np.float32))[0] if f is eigh
                          else f(np.zeros((0, 0), np.float32))).dtype == np.float32
    assert linalg.eigh(np.zeros((2, 0, 0), np.float32))[0].dtype == np.float32
    T, Q = tridiagonalize(np.zeros((0, 0), np.float32))
    assert np.asarray(T).dtype == np.float32


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("n", [3, 40])
def test_nan_inf_raise(bad, n):
    a = _sym32(n, 2)
    a[n - 1, 0] = bad                                   # in the lower triangle
    for f in (eigh, eigvalsh, tridiagonalize):
        with pytest.raises(ValueError, match="NaN or infinity"):
            f(a)
    with pytest.raises(ValueError, match="NaN or infinity"):
        linalg.eigh(np.stack([_sym32(n, 1), a]))
    with pytest.raises(ValueError, match="NaN or infinity"):
        linalg.eigvalsh(np.stack([_sym32(n, 1), a]))


@pytest.mark.parametrize("n", [70, 300])
def test_threaded_paths_float32(n):
    """The two-thread paths (split symv, parallel D&C halves and secular roots, V = Q Z
    by column halves) forced on from order 8: float32 ratios, and the same eigenvalues
    as one thread to rounding."""
    a = _sym32(n, 5 * n)
    with rusty_machine.num_threads(1):
        w1 = np.asarray(eigh(a)[0], dtype=np.float64)
    old = eigh_mod._set_par_min(8, 8, 8)
    try:
        with rusty_machine.num_threads(2):
            w2, _, _ = _check32(a)
    finally:
        eigh_mod._set_par_min(*old)
    anorm = np.abs(_full(a)).sum(0).max()
    assert np.abs(w1 - w2).max() <= THRESH * n * anorm * EPS32

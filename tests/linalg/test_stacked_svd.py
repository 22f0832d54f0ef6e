"""Stacked (..., M, N) svd / svdvals / pinv / matrix_rank / cond against numpy.linalg
(issue 14). Properties, not entries (singular vectors are defined up to sign):
reconstruction ||A - U diag(s) Vt|| <= c max(M, N) eps ||A||, orthonormal U and Vt,
singular values equal to numpy's within c max(M, N) eps s_max (Weyl: the singular
values are perfectly conditioned), and numpy's shapes and dtypes, over a shape zoo
that includes empty stacks and 0-size matrices."""
import numpy as np
import pytest

from rusty_machine.linalg import (LinAlgError, Matrix, Vector, cond, matrix_rank, pinv,
                                  svd, svdvals)

SHAPES = [(3, 4, 4), (2, 3, 5, 3), (2, 3, 3, 5), (4, 1, 1), (2, 7, 1), (2, 1, 6),
          (5, 20, 12), (0, 3, 3), (2, 0, 3), (2, 3, 0), (1, 0, 0), (2, 40, 8)]
DTYPES = [np.float64, np.float32]


def _eps(dtype):
    return np.finfo(dtype).eps


def _data(shape, dtype, seed=0):
    rng = np.random.default_rng(seed + 7 * len(shape) + sum(shape))
    return rng.standard_normal(shape).astype(dtype)


def _check_svd(a, U, s, Vt, c=30):
    m, n = a.shape[-2:]
    k = min(m, n)
    eps = _eps(a.dtype)
    tol = c * max(m, n, 1) * eps
    a64 = a.astype(np.float64)
    scale = max(np.abs(a64).max(initial=0.0), 1.0)
    U, s, Vt = (np.asarray(x, dtype=np.float64) for x in (U, s, Vt))
    rec = (U[..., :, :k] * s[..., None, :]) @ Vt[..., :k, :]
    assert np.abs(rec - a64).max(initial=0.0) <= tol * scale * max(k, 1)
    I_u = np.eye(U.shape[-1])
    I_v = np.eye(Vt.shape[-2])
    assert np.abs(np.swapaxes(U, -1, -2) @ U - I_u).max(initial=0.0) <= tol
    assert np.abs(Vt @ np.swapaxes(Vt, -1, -2) - I_v).max(initial=0.0) <= tol
    ref = np.linalg.svd(a64, compute_uv=False)
    assert np.abs(s - ref).max(initial=0.0) <= tol * max(ref.max(initial=0.0), 1.0)
    assert np.all(np.diff(s, axis=-1) <= 0)               # descending
    assert np.all(s >= 0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("full", [True, False])
@pytest.mark.parametrize("shape", SHAPES)
def test_svd_stack_against_numpy(shape, full, dtype):
    a = _data(shape, dtype)
    before = a.copy()
    res = svd(a, full_matrices=full)
    ref = np.linalg.svd(a, full_matrices=full)
    assert type(res).__name__ == "SVDResult" and res._fields == ("U", "S", "Vh")
    for ours, theirs in zip(res, ref):
        assert isinstance(ours, np.ndarray)
        assert ours.shape == theirs.shape
        assert ours.dtype == dtype
    _check_svd(a, *res)
    assert np.array_equal(a, before)                      # the input is not touched


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_svdvals_and_compute_uv_false(shape, dtype):
    a = _data(shape, dtype, seed=1)
    ref = np.linalg.svd(a.astype(np.float64), compute_uv=False)
    for s in (svd(a, compute_uv=False), svdvals(a)):
        assert isinstance(s, np.ndarray) and s.dtype == dtype and s.shape == ref.shape
        tol = 30 * max(shape[-2:]) * _eps(dtype) * max(ref.max(initial=0.0), 1.0)
        assert np.abs(s - ref).max(initial=0.0) <= tol


def test_two_d_keeps_matrix_results_and_numpy_default():
    a = _data((5, 3), np.float64)
    U, s, Vt = svd(a)                                     # numpy's default: full
    assert isinstance(U, Matrix) and isinstance(s, Vector) and isinstance(Vt, Matrix)
    assert U.shape == (5, 5) and Vt.shape == (3, 3)
    assert svd(a, full_matrices=False).U.shape == (5, 3)
    assert isinstance(svd(a, compute_uv=False), Vector)
    _check_svd(a, *svd(a))
    s32 = svd(a.astype(np.float32), compute_uv=False)
    assert s32.dtype == np.float32


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(3, 4, 4), (2, 2, 6, 6), (5, 1, 1), (0, 3, 3), (2, 0, 0)])
def test_hermitian(shape, dtype):
    rng = np.random.default_rng(3)
    b = rng.standard_normal(shape)
    a = (b + np.swapaxes(b, -1, -2)).astype(dtype)        # symmetric indefinite
    if a.size:
        a[0, ..., 0, 0] = 0.0
    U, s, Vt = svd(a, hermitian=True)
    ref = np.linalg.svd(a, hermitian=True)
    assert U.shape == ref.U.shape and Vt.shape == ref.Vh.shape and U.dtype == dtype
    _check_svd(a, U, s, Vt)
    s2 = svd(a, compute_uv=False, hermitian=True)
    assert s2.dtype == dtype
    assert np.abs(s2 - s).max(initial=0.0) <= 30 * max(shape[-1], 1) * _eps(dtype) * max(
        np.abs(s).max(initial=0.0), 1.0)


def test_hermitian_singular_keeps_vectors():
    U, s, Vt = (np.asarray(x) for x in svd(np.array([[1, 0], [0, 0]]), hermitian=True))
    assert np.allclose(U @ U.T, np.eye(2)) and np.allclose(Vt @ Vt.T, np.eye(2))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(3, 4, 4), (2, 3, 6, 4), (2, 3, 4, 6), (0, 2, 3),
                                   (2, 0, 3), (2, 3, 0)])
def test_pinv_stack(shape, dtype):
    a = _data(shape, dtype, seed=2)
    if a.size:
        a[0, ..., -1] = a[0, ..., 0]                      # one rank-deficient matrix
    ours = pinv(a)
    ref = np.linalg.pinv(a)
    assert isinstance(ours, np.ndarray) and ours.shape == ref.shape and ours.dtype == dtype
    tol = 1e3 * _eps(dtype) * max(np.abs(ref).max(initial=0.0), 1.0)
    assert np.abs(ours - ref).max(initial=0.0) <= tol
    # Penrose conditions A X A = A, X A X = X on the float64 result
    x = ours.astype(np.float64)
    a64 = a.astype(np.float64)
    assert np.abs(a64 @ x @ a64 - a64).max(initial=0.0) <= tol * 10
    assert np.abs(x @ a64 @ x - x).max(initial=0.0) <= tol * 10


def test_pinv_rcond_rtol_and_hermitian():
    rng = np.random.default_rng(4)
    a = rng.standard_normal((3, 5, 5))
    a[..., 0] *= 1e-9                                     # s_min ~ 1e-9 s_max
    for kwargs in [{}, {"rcond": 1e-6}, {"rtol": 1e-6}, {"rtol": None},
                   {"rcond": np.array([1e-12, 1e-6, 1e-3])}]:
        assert np.allclose(pinv(a, **kwargs), np.linalg.pinv(a, **kwargs),
                           rtol=1e-6, atol=1e-8 * np.abs(np.linalg.pinv(a, **kwargs)).max())
    with pytest.raises(ValueError, match="can't be both set"):
        pinv(a, rcond=1e-3, rtol=1e-3)
    h = a + np.swapaxes(a, -1, -2)
    assert np.allclose(pinv(h, hermitian=True), np.linalg.pinv(h, hermitian=True))
    assert isinstance(pinv(a[0]), Matrix)


def test_matrix_rank_stack():
    I3 = np.eye(4)
    I3[-1, -1] = 0.0
    ms = np.array([I3, np.eye(4), np.zeros((4, 4))])
    assert np.array_equal(matrix_rank(ms), [3, 4, 0])
    rng = np.random.default_rng(5)
    a = rng.standard_normal((2, 3, 6, 4)) @ np.diag([1.0, 1e-3, 1e-8, 0.0])
    for kwargs in [{}, {"tol": 1e-5}, {"rtol": 1e-5}, {"tol": np.array([1e-12, 1e-1])[:, None]},
                   {"hermitian": False}]:
        assert np.array_equal(matrix_rank(a, **kwargs), np.linalg.matrix_rank(a, **kwargs))
    h = a[..., :4, :] + np.swapaxes(a[..., :4, :], -1, -2)
    assert np.array_equal(matrix_rank(h, hermitian=True),
                          np.linalg.matrix_rank(h, hermitian=True))
    assert np.array_equal(matrix_rank(np.zeros((2, 0, 3))), [0, 0])
    assert matrix_rank([1, 0, 0]) == 1 and matrix_rank(np.zeros(3)) == 0
    with pytest.raises(ValueError, match="can't be both set"):
        matrix_rank(ms, tol=0.1, rtol=0.1)


P_ALL = [None, 2, -2, 1, -1, np.inf, -np.inf, "fro", "nuc"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p", P_ALL)
def test_cond_stack_with_singular(p, dtype):
    rng = np.random.default_rng(6)
    a = rng.standard_normal((2, 3, 4, 4)).astype(dtype)
    a[0, 1] = 0.0                                         # exactly singular
    a[1, 2, :, 0] = a[1, 2, :, 1]                         # exactly singular columns
    ours = cond(a, p)
    assert isinstance(ours, np.ndarray) and ours.shape == (2, 3) and ours.dtype == dtype
    assert np.isinf(ours[0, 1])                            # 0 / 0 or no inverse: inf
    if p == -2:
        assert ours[1, 2] < 1e-6                           # s_min / s_max of a singular A
    elif p not in (-1, -np.inf):                         # (min row/column sums: no bound)
        assert ours[1, 2] > 1e6
    ok = np.ones((2, 3), dtype=bool)
    ok[0, 1] = ok[1, 2] = False
    ref = np.array([[np.linalg.cond(a[i, j].astype(np.float64), p) if ok[i, j] else 0.0
                     for j in range(3)] for i in range(2)])
    rel = 1e3 * _eps(dtype)
    assert np.allclose(ours[ok], ref[ok], rtol=rel * 1e2 if p in (-1, -np.inf) else rel)


@pytest.mark.parametrize("p", P_ALL)
def test_cond_two_d_scalar_types(p):
    a = _data((4, 4), np.float64, seed=8)
    c64 = cond(a, p)
    c32 = cond(a.astype(np.float32), p)
    assert type(c64) is np.float64 and type(c32) is np.float32
    assert np.isclose(c64, np.linalg.cond(a, p), rtol=1e-10)
    assert np.isinf(cond(np.zeros((3, 3)), p))


def test_cond_nonsquare_stack_for_p2_only():
    a = _data((2, 5, 3), np.float64)
    assert np.allclose(cond(a), np.linalg.cond(a))
    with pytest.raises(LinAlgError):
        cond(a, 1)


def test_bad_input():
    good = _data((2, 3, 3), np.float64)
    nan = good.copy()
    nan[1, 0, 2] = np.nan
    for f in (svd, svdvals, pinv, matrix_rank, cond):
        with pytest.raises(ValueError, match="NaN or infinity"):
            f(nan)
        with pytest.raises(TypeError):
            f(good.astype(np.complex128))
        with pytest.raises(TypeError):
            f(np.array([[["a", "b"]]]))
    for f in (svd, svdvals, pinv):
        with pytest.raises(LinAlgError):
            f(np.ones(3))
    with pytest.raises(LinAlgError):
        svd(_data((2, 3, 4), np.float64), hermitian=True)
    with pytest.raises(LinAlgError, match="empty"):
        cond(np.zeros((2, 0, 0)))
    with pytest.raises(LinAlgError, match="empty"):
        cond(np.zeros((0, 0)))

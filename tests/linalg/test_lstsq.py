"""lstsq / pinv / matrix_rank against numpy, including rank-deficient problems
(GVL4 Sec. 5.5: the minimum-norm solution via the SVD)."""
import numpy as np
import pytest

from rusty_machine.linalg import Matrix, lstsq, matrix_rank, pinv

EPS = np.finfo(float).eps


def _cmp_lstsq(a, b, rcond=None):
    x, res, rank, s = lstsq(a, b, rcond=rcond)
    xr, resr, rankr, sr = np.linalg.lstsq(a, b, rcond=rcond)
    x, res, s = np.asarray(x), np.asarray(res), np.asarray(s)
    assert rank == rankr
    assert x.shape == xr.shape and res.shape == resr.shape and s.shape == sr.shape
    m, n = a.shape
    if s.size:
        # the minimum-norm solution is well conditioned relative to s_0 / s_rank
        cond = s[0] / s[rank - 1] if rank else 1.0
        scale = max(np.abs(xr).max(initial=0), 1.0)
        assert np.max(np.abs(x - xr), initial=0) <= 30 * max(m, n) * EPS * cond * scale
        assert np.max(np.abs(s - sr)) <= 30 * max(m, n) * EPS * sr[0]
    if res.size:
        assert np.allclose(res, resr, rtol=1e-8, atol=30 * EPS * np.sum(np.asarray(b) ** 2))
    return x


@pytest.mark.parametrize("shape", [(1, 1), (5, 5), (30, 8), (8, 30), (60, 60), (7, 1), (1, 7)])
@pytest.mark.parametrize("nrhs", [None, 1, 3])
def test_random_full_rank(shape, nrhs):
    rng = np.random.default_rng(shape[0] * 31 + shape[1])
    a = rng.standard_normal(shape)
    b = rng.standard_normal(shape[0] if nrhs is None else (shape[0], nrhs))
    _cmp_lstsq(a, b)


@pytest.mark.parametrize("shape", [(40, 20), (20, 40), (30, 30)])
def test_rank_deficient_minimum_norm(shape):
    rng = np.random.default_rng(9)
    a = rng.standard_normal((shape[0], 6)) @ rng.standard_normal((6, shape[1]))
    b = rng.standard_normal((shape[0], 2))
    x = _cmp_lstsq(a, b)
    # invariant: x lies in the row space of A (minimum norm): x = pinv(A) A x
    p = np.asarray(pinv(a))
    assert np.allclose(p @ (a @ x), x, atol=1e-9 * np.abs(x).max())


def test_hand_example():
    # fit y = c0 + c1 t through (0, 1), (1, 3), (2, 5): exact line y = 1 + 2 t
    a = [[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]]
    x, res, rank, s = lstsq(a, [1.0, 3.0, 5.0])
    assert np.allclose(x, [1.0, 2.0], atol=30 * EPS)
    assert rank == 2 and res.shape == (1,) and res[0] < 1e-25


def test_rcond():
    a = np.diag([1.0, 1e-3, 1e-12])
    b = np.ones(3)
    for rcond in [None, 1e-6, 1e-2, -1]:
        _cmp_lstsq(a, b, rcond)


def test_empty_and_errors():
    for a, b in [(np.empty((0, 3)), np.empty(0)), (np.empty((3, 0)), np.ones(3))]:
        _cmp_lstsq(a, b)
    with pytest.raises(ValueError, match="rows"):
        lstsq(np.ones((3, 2)), np.ones(4))
    with pytest.raises(ValueError):
        lstsq(np.ones((3, 2)), np.array([1.0, np.nan, 2.0]))
    with pytest.raises(ValueError):
        lstsq(np.ones(3), np.ones(3))


@pytest.mark.parametrize("shape", [(1, 1), (6, 6), (20, 9), (9, 20), (0, 4)])
def test_pinv(shape):
    rng = np.random.default_rng(shape[0] + shape[1])
    a = rng.standard_normal(shape)
    p = np.asarray(pinv(a))
    pr = np.linalg.pinv(a)
    assert p.shape == pr.shape
    if a.size:
        s = np.linalg.svd(a, compute_uv=False)
        cond = s[0] / s[-1]
        assert np.max(np.abs(p - pr)) <= 30 * max(shape) * EPS * cond * np.abs(pr).max()
        # Penrose conditions A P A = A, P A P = P
        assert np.allclose(a @ p @ a, a, atol=30 * max(shape) * EPS * cond * s[0])


def test_pinv_rank_deficient():
    rng = np.random.default_rng(4)
    a = rng.standard_normal((25, 3)) @ rng.standard_normal((3, 18))
    p = np.asarray(pinv(Matrix(a)))
    pr = np.linalg.pinv(a)
    assert np.allclose(p, pr, atol=1e-10 * np.abs(pr).max())
    assert np.allclose(p @ a @ p, p, atol=1e-10 * np.abs(p).max())


def test_matrix_rank():
    rng = np.random.default_rng(8)
    for r in [0, 1, 4, 10]:
        a = rng.standard_normal((15, r)) @ rng.standard_normal((r, 12)) if r else np.zeros((15, 12))
        assert matrix_rank(a) == np.linalg.matrix_rank(a) == r
    a = np.diag([1.0, 1e-5, 1e-14])
    assert matrix_rank(a) == np.linalg.matrix_rank(a) == 3
    assert matrix_rank(a, tol=1e-8) == np.linalg.matrix_rank(a, tol=1e-8) == 2
    assert matrix_rank(np.zeros(4)) == 0 and matrix_rank([0.0, 2.0]) == 1
    assert matrix_rank(np.eye(5).tolist()) == 5


def test_layouts():
    rng = np.random.default_rng(12)
    a = rng.standard_normal((30, 8))
    b = rng.standard_normal(30)
    ref = np.linalg.lstsq(a, b, rcond=None)[0]
    big = np.zeros((60, 24))
    big[::2, ::3] = a
    ro = a.copy()
    ro.flags.writeable = False
    for x in [a, np.asfortranarray(a), big[::2, ::3], ro, a.tolist(), Matrix(a)]:
        assert np.allclose(lstsq(x, b)[0], ref, rtol=0, atol=1e-12)
        assert np.allclose(np.asarray(pinv(x)), np.linalg.pinv(a), rtol=0, atol=1e-12)
        assert matrix_rank(x) == 8

"""svd / svdvals / bidiagonalize over a shape zoo (GVL4 Sec. 8.6).

Ratios required < 30 (O(1) for a backward-stable method):
  ||A - U diag(s) Vt|| / (max(m, n) ||A|| eps), ||U^T U - I|| / (max(m, n) eps),
  ||Vt Vt^T - I|| / (max(m, n) eps), max |s - s_numpy| / (max(m, n) ||A|| eps).
"""
import numpy as np
import pytest

from rusty_machine.linalg import Matrix, bidiagonalize, svd, svdvals

EPS = np.finfo(float).eps


def _check(a, full=False):
    m, n = a.shape
    k = min(m, n)
    U, s, Vt = (np.asarray(x) for x in svd(a, full_matrices=full))
    assert U.shape == ((m, m) if full else (m, k))
    assert Vt.shape == ((n, n) if full else (k, n))
    assert s.shape == (k,)
    assert np.all(s >= 0) and np.all(np.diff(s) <= 0)
    sc = max(np.max(np.abs(a)), np.finfo(float).tiny) if a.size else 1.0
    a_s, s_s = a / sc, s / sc
    nrm = max(np.linalg.norm(a_s, 2), np.finfo(float).tiny) if a.size else 1.0
    big = max(m, n, 1)
    assert np.linalg.norm(a_s - (U[:, :k] * s_s) @ Vt[:k]) / (big * nrm * EPS) < 30
    assert np.linalg.norm(U.T @ U - np.eye(U.shape[1])) / (big * EPS) < 30
    assert np.linalg.norm(Vt @ Vt.T - np.eye(Vt.shape[0])) / (big * EPS) < 30
    ref = np.linalg.svd(a_s, compute_uv=False)
    assert np.max(np.abs(s_s - ref), initial=0) / (big * nrm * EPS) < 30
    sv = np.asarray(svdvals(a)) / sc
    assert np.max(np.abs(sv - ref), initial=0) / (big * nrm * EPS) < 30


@pytest.mark.parametrize("shape", [(1, 1), (1, 7), (7, 1), (2, 2), (3, 5), (5, 3), (16, 16),
                                   (33, 33), (64, 20), (20, 64), (90, 90), (120, 45),
                                   (200, 140), (140, 200)])
@pytest.mark.parametrize("full", [False, True])
def test_random_shapes(shape, full):
    rng = np.random.default_rng(shape[0] * 1000 + shape[1])
    _check(rng.standard_normal(shape), full)


def test_hand_2x2():
    # [[3, 0], [4, 5]]: A^T A = [[25, 20], [20, 25]] -> s^2 = 45, 5
    s = np.asarray(svdvals([[3.0, 0.0], [4.0, 5.0]]))
    assert np.allclose(s, [np.sqrt(45.0), np.sqrt(5.0)], rtol=4 * EPS, atol=0)


@pytest.mark.parametrize("kind", ["rank_deficient", "zero", "diagonal", "graded", "identity",
                                  "repeated", "triangular", "tiny", "huge", "one_nonzero"])
def test_zoo(kind):
    rng = np.random.default_rng(11)
    if kind == "rank_deficient":
        a = rng.standard_normal((50, 6)) @ rng.standard_normal((6, 35))
    elif kind == "zero":
        a = np.zeros((12, 7))
    elif kind == "diagonal":
        a = np.diag(rng.standard_normal(20))
    elif kind == "graded":
        a = rng.standard_normal((30, 30)) * (10.0 ** -np.arange(30) / 3)
    elif kind == "identity":
        a = np.eye(25)
    elif kind == "repeated":
        q1, _ = np.linalg.qr(rng.standard_normal((30, 30)))
        q2, _ = np.linalg.qr(rng.standard_normal((30, 30)))
        a = (q1 * np.repeat([3.0, 1.0, 1e-8], 10)) @ q2.T
    elif kind == "triangular":
        a = np.triu(rng.standard_normal((25, 25)))
    elif kind == "tiny":
        a = rng.standard_normal((15, 9)) * 1e-300
    elif kind == "huge":
        a = rng.standard_normal((9, 15)) * 1e300
    else:
        a = np.zeros((8, 5))
        a[3, 2] = -2.0
    _check(np.ascontiguousarray(a))
    _check(np.ascontiguousarray(a), full=True)


@pytest.mark.parametrize("shape", [(40, 30), (90, 30), (30, 90)])
def test_rank_deficient_singular_values_vanish(shape):
    # (90, 30) and (30, 90) take the QR-first path of tall (wide) matrices
    rng = np.random.default_rng(5)
    a = rng.standard_normal((shape[0], 5)) @ rng.standard_normal((5, shape[1]))
    s = np.asarray(svdvals(a))
    assert np.all(s[5:] <= 30 * max(shape) * EPS * s[0])
    assert s[4] > 1e-3 * s[0]
    _check(a)
    _check(a, full=True)


def test_rank_one_integer_underflowing_reflectors():
    """Regression: the bidiagonalisation of this exact rank-one matrix produces columns
    that shrink geometrically to the underflow range; without dlarfg's rescaling the
    reflectors became NaN and the bidiagonal QR hit its sweep cap."""
    u = np.array([0, -1, 1, 1, 0, 1, 1, -1, -1, 0, 0, -1, 1, 1, 0, 1, 1, 0, 0, -1, -1, -1,
                  0, -1, 0, -1, 1, 1, -1, 0, 0, -1, 1, 1, 0, 1, 1, 0, -1, 1, 1, 1, 1, -1,
                  0, 0, 1, 1, -1, 0, 1, 1, 0, -1, 0, 0, -1, 1, 1, 0, 1, 1, -1, -1], float)
    v = np.array([1, 1, 0, -1, 0, 0, -1, 1, 0, -1, 1, -1, 1, 1, -1, 0, 1, -1, -1, 0, 0, 1,
                  -1, -1, 1, -1, 0, 0, 0, 0, 1, 0, -1, -1, -1, -1, 0, -1, 0, 1, 1, -1, -1,
                  0, 1, -1, -1, 0, 0, 1, 0, -1, 1, 0, -1], float)
    a = np.outer(u, v)
    U, B, Vt = (np.asarray(x) for x in bidiagonalize(a))
    assert np.all(np.isfinite(B))
    _check(a)
    _check(a.T.copy(), full=True)


def test_empty():
    for shape in [(0, 0), (0, 3), (4, 0)]:
        a = np.empty(shape)
        for full in (False, True):
            U, s, Vt = (np.asarray(x) for x in svd(a, full_matrices=full))
            Ur, sr, Vtr = np.linalg.svd(a, full_matrices=full)
            assert U.shape == Ur.shape and s.shape == sr.shape and Vt.shape == Vtr.shape
        assert np.asarray(svdvals(a)).shape == (0,)


def test_layouts_and_errors():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((20, 12))
    ref = np.linalg.svd(a, compute_uv=False)
    big = np.zeros((40, 36))
    big[::2, ::3] = a
    ro = a.copy()
    ro.flags.writeable = False
    for x in [a, np.asfortranarray(a), big[::2, ::3], ro, a.tolist(), Matrix(a)]:
        s = np.asarray(svd(x)[1])
        assert np.max(np.abs(s - ref)) < 30 * 20 * EPS * ref[0]
    before = a.copy()
    svd(a)
    svdvals(a)
    assert np.array_equal(a, before)
    with pytest.raises(ValueError, match="NaN"):
        svd([[1.0, np.nan]])
    with pytest.raises(ValueError):
        svdvals([[np.inf, 1.0]])
    with pytest.raises(ValueError):
        svd(np.ones(3))
    with pytest.raises(TypeError):
        svd([["a"]])


@pytest.mark.parametrize("shape", [(1, 1), (6, 6), (40, 17), (17, 40), (1, 5), (5, 1)])
def test_bidiagonalize(shape):
    rng = np.random.default_rng(shape[0] + 7 * shape[1])
    a = rng.standard_normal(shape)
    U, B, Vt = (np.asarray(x) for x in bidiagonalize(a))
    m, n = shape
    k = min(m, n)
    assert U.shape == (m, k) and B.shape == (k, k) and Vt.shape == (k, n)
    if m >= n:
        assert np.array_equal(B, np.triu(np.tril(B, 1)))
    else:
        assert np.array_equal(B, np.tril(np.triu(B, -1)))
    nrm = np.linalg.norm(a, 2)
    assert np.linalg.norm(U @ B @ Vt - a) / (max(m, n) * nrm * EPS) < 30
    assert np.linalg.norm(U.T @ U - np.eye(k)) / (max(m, n) * EPS) < 30
    assert np.linalg.norm(Vt @ Vt.T - np.eye(k)) / (max(m, n) * EPS) < 30
    assert np.allclose(np.linalg.svd(B, compute_uv=False), np.linalg.svd(a, compute_uv=False),
                       rtol=0, atol=30 * max(m, n) * EPS * nrm)


from hypothesis import given, settings, strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(st.tuples(st.integers(1, 30), st.integers(1, 30)).flatmap(
    lambda s: arrays(np.float64, s, elements=st.integers(-2, 2).map(float))))
def test_property_small_integer_matrices(a):
    # rank-deficient and repeated singular values are common with small integers
    _check(a)


def test_output_types():
    from rusty_machine.linalg import Vector
    U, s, Vt = svd(np.ones((4, 3)))
    assert isinstance(U, Matrix) and isinstance(s, Vector) and isinstance(Vt, Matrix)
    assert isinstance(svdvals(np.ones((4, 3))), Vector)
    assert all(isinstance(x, Matrix) for x in bidiagonalize(np.ones((4, 3))))

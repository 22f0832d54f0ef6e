"""solve / inv / det / slogdet through LU (rusty_machine/linalg/_lu.pyx).

Accuracy ratios (LAPACK Working Note 41, dget02 / dget03), each < 30:
    solve: ||A x - b||_1 / (||A||_1 ||x||_1 n eps)
    inv:   ||A X - I||_1 / (||A||_1 ||X||_1 n eps)
"""
import importlib

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from rusty_machine.exceptions import LinAlgError
from rusty_machine.linalg import Matrix, Vector, det, inv, lu_factor, slogdet, solve
from _zoo import block_sizes_fixture, hilbert, ill_conditioned, tiny_blocks, with_blocks

lumod = importlib.import_module("rusty_machine.linalg._lu")

EPS = np.finfo(float).eps
THRESH = 30.0
SIZES = [1, 2, 3, 8, 9, 31, 64, 65, 127, 128, 129, 257, 300]


def blocks(which):
    """The library's block sizes, or tiny ones (small matrices then take every path)."""
    return tiny_blocks(lumod, which, getrf=6, leaf=3, getri=5, trtri=4)


block_sizes = block_sizes_fixture(blocks)


def solve_ratio(A, x, b):
    A, x, b = (np.asarray(v, dtype=float) for v in (A, x, b))
    n = A.shape[0]
    x2, b2 = x.reshape(n, -1), b.reshape(n, -1)
    r = np.linalg.norm(A @ x2 - b2, 1)
    return r / (np.linalg.norm(A, 1) * max(np.linalg.norm(x2, 1), 1e-300) * n * EPS)


def inv_ratio(A, X):
    A, X = np.asarray(A), np.asarray(X)
    n = A.shape[0]
    r = np.linalg.norm(A @ X - np.eye(n), 1)
    return r / (np.linalg.norm(A, 1) * np.linalg.norm(X, 1) * n * EPS)


def zoo():
    rng = np.random.default_rng(7)
    n = 50
    out = ill_conditioned(rng, n)
    out.update({
        "diagonal": np.diag(rng.uniform(1, 3, n) * rng.choice([-1, 1], n)),
        "identity": np.eye(n),
        "upper": np.triu(rng.standard_normal((n, n))) + 5 * np.eye(n),
        "permutation": np.eye(n)[rng.permutation(n)],
    })
    for k in (4, 8, 12):
        out["hilbert%d" % k] = hilbert(k)
    return out


# ---- a case worked by hand ------------------------------------------------------------
def test_hand_worked():
    A = [[2.0, 1.0], [1.0, 3.0]]
    # det = 2*3 - 1*1 = 5; x solves 2x + y = 3, x + 3y = 5 -> x = 0.8, y = 1.4
    x = solve(A, [3.0, 5.0])
    assert isinstance(x, Vector)
    np.testing.assert_allclose(np.asarray(x), [0.8, 1.4], rtol=4 * EPS)
    assert det(A) == pytest.approx(5.0, rel=4 * EPS)
    np.testing.assert_allclose(np.asarray(inv(A)), np.array([[3.0, -1.0], [-1.0, 2.0]]) / 5,
                               rtol=4 * EPS)
    sign, logdet = slogdet([[0.0, 2.0], [3.0, 0.0]])
    assert sign == -1.0 and logdet == pytest.approx(np.log(6.0), rel=4 * EPS)


# ---- random sizes ---------------------------------------------------------------------
@pytest.mark.parametrize("n,which", with_blocks(SIZES, 130))
def test_solve_inv_det_random(n, which):
    with blocks(which):
        rng = np.random.default_rng(100 + n)
        A = rng.standard_normal((n, n))
        b = rng.standard_normal(n)
        B = rng.standard_normal((n, 3))
        x = solve(A, b)
        assert isinstance(x, Vector) and solve_ratio(A, x, b) < THRESH
        X = solve(A, B)
        assert isinstance(X, Matrix) and solve_ratio(A, X, B) < THRESH
        # against numpy: forward error bounded by cond * eps (loosely)
        kappa = np.linalg.cond(A, 1)
        xr = np.linalg.solve(A, b)
        assert np.abs(np.asarray(x) - xr).max() <= 10 * n * kappa * EPS * np.abs(xr).max()
        Ai = inv(A)
        assert isinstance(Ai, Matrix) and inv_ratio(A, Ai) < THRESH
        d = det(A)
        dr = np.linalg.det(A)
        assert abs(d - dr) <= 10 * n * kappa * EPS * abs(dr)
        s, ld = slogdet(A)
        sr, ldr = np.linalg.slogdet(A)
        assert s == sr and abs(ld - ldr) <= 10 * n * kappa * EPS * max(1.0, abs(ldr))


@pytest.mark.parametrize("name", sorted(zoo()))
def test_zoo(name, block_sizes):
    A = zoo()[name]
    n = A.shape[0]
    b = np.random.default_rng(1).standard_normal(n)
    assert solve_ratio(A, solve(A, b), b) < THRESH
    F = lu_factor(A)
    assert solve_ratio(A, F.solve(np.eye(n)), np.eye(n)) < THRESH
    assert inv_ratio(A, inv(A)) < THRESH
    sr, ldr = np.linalg.slogdet(A)
    s, ld = slogdet(A)
    kappa = np.linalg.cond(A, 1)
    assert s == sr
    # log|det| changes by at most ~ n kappa eps in relative terms of det
    assert abs(ld - ldr) <= 10 * n * kappa * EPS + 1e-12 * abs(ldr)


def test_exact_results_on_integer_matrices():
    # unimodular matrix (det 1): the inverse is an integer matrix, computed exactly
    A = np.array([[1.0, 2.0, 3.0], [0.0, 1.0, 4.0], [5.0, 6.0, 0.0]])
    assert det(A) == pytest.approx(1.0, abs=20 * EPS)
    np.testing.assert_allclose(np.asarray(inv(A)),
                               [[-24.0, 18.0, 5.0], [20.0, -15.0, -4.0], [-5.0, 4.0, 1.0]],
                               atol=200 * EPS)


# ---- det without spurious overflow; slogdet where det overflows -----------------------------
def test_det_running_product_does_not_overflow_midway():
    d = np.array([1e200, 1e200, 1e-200, 1e-200, 3.0])
    assert det(np.diag(d)) == pytest.approx(3.0, rel=10 * EPS)


def test_slogdet_where_det_overflows():
    n = 300
    A = 10.0 * np.eye(n)
    A[0, 0] = -10.0                     # det = -10^300 * 10^... = -(10^300)
    A = A[np.roll(np.arange(n), 1)]     # one cyclic shift of rows: sign (-1)^(n-1)
    assert det(A * 1e10) in (np.inf, -np.inf)
    s, ld = slogdet(A * 1e10)
    sr, ldr = np.linalg.slogdet(A * 1e10)
    assert s == sr
    assert ld == pytest.approx(n * np.log(1e11), rel=10 * EPS)
    assert det(A * 1e-10) == 0.0                # underflows, as the true value does
    assert slogdet(A * 1e-10)[1] == pytest.approx(n * np.log(1e-9), rel=10 * EPS)


# ---- layouts ------------------------------------------------------------------------------
def layouts(A):
    big = np.zeros((A.shape[0] * 2, A.shape[1] * 2))
    big[::2, ::2] = A
    ro = A.copy()
    ro.flags.writeable = False
    return {"C": A.copy(), "F": np.asfortranarray(A), "strided": big[::2, ::2],
            "readonly": ro, "list": A.tolist(), "Matrix": Matrix(A)}


@pytest.mark.parametrize("layout", ["C", "F", "strided", "readonly", "list", "Matrix"])
def test_layout_zoo(layout):
    rng = np.random.default_rng(11)
    A = rng.standard_normal((20, 20))
    b = rng.standard_normal(20)
    B = rng.standard_normal((20, 4))
    Al, bl, Bl = layouts(A)[layout], layouts(b[:, None])[layout], layouts(B)[layout]
    if layout == "Matrix":
        bl = Vector(b)
    elif layout == "list":
        bl = b.tolist()
    else:
        bl = np.asarray(bl)[:, 0]
    before = (np.array(Al, dtype=float), np.array(bl, dtype=float), np.array(Bl, dtype=float))
    x = np.asarray(solve(Al, bl))
    X = np.asarray(solve(Al, Bl))
    np.testing.assert_allclose(x, np.linalg.solve(A, b), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(X, np.linalg.solve(A, B), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(np.asarray(inv(Al)), np.linalg.inv(A), rtol=1e-10, atol=1e-12)
    assert det(Al) == pytest.approx(np.linalg.det(A), rel=1e-10)
    for orig, now in zip(before, (Al, bl, Bl)):
        np.testing.assert_array_equal(np.array(now, dtype=float), orig)


def test_factor_reused_for_many_solves():
    rng = np.random.default_rng(2)
    A = rng.standard_normal((40, 40))
    F = lu_factor(A)
    for k in range(3):
        b = rng.standard_normal(40)
        assert solve_ratio(A, F.solve(b), b) < THRESH
    # the factors are untouched by solves
    np.testing.assert_array_equal(np.asarray(F.lu), np.asarray(lu_factor(A).lu))


# ---- empty ------------------------------------------------------------------------------
def test_empty_follows_numpy():
    E = np.zeros((0, 0))
    assert det(E) == 1.0 == np.linalg.det(E)
    assert slogdet(E) == (1.0, 0.0)
    assert np.asarray(inv(E)).shape == (0, 0)
    assert np.asarray(solve(E, np.zeros(0))).shape == (0,)
    assert np.asarray(solve(E, np.zeros((0, 3)))).shape == (0, 3)


def test_zero_rhs_columns():
    A = np.eye(3) * 2
    assert np.asarray(solve(A, np.zeros((3, 0)))).shape == (3, 0)


# ---- errors -------------------------------------------------------------------------------
def test_not_square():
    for f in (inv, det, slogdet):
        with pytest.raises(ValueError, match=r"square.*\(2, 3\)"):
            f(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"square.*\(2, 3\)"):
        solve(np.ones((2, 3)), np.ones(2))


def test_shape_mismatch_names_shapes():
    with pytest.raises(ValueError, match=r"\(3, 3\).*\(4,\)"):
        solve(np.eye(3), np.ones(4))
    with pytest.raises(ValueError, match=r"\(3, 3\).*\(2, 5\)"):
        solve(np.eye(3), np.ones((2, 5)))
    with pytest.raises(ValueError, match=r"\(3, 3\).*\(4,\)"):
        lu_factor(np.eye(3)).solve(np.ones(4))
    with pytest.raises(ValueError):
        solve(np.eye(3), 1.0)
    with pytest.raises(ValueError, match="1-D or 2-D"):
        lu_factor(np.eye(3)).solve(np.ones((3, 2, 2)))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite(bad):
    A = np.eye(3)
    A[1, 1] = bad
    for f in (inv, det, slogdet):
        with pytest.raises(ValueError, match="NaN or infinity"):
            f(A)
    with pytest.raises(ValueError, match="NaN or infinity"):
        solve(A, np.ones(3))
    b = np.ones(3)
    b[2] = bad
    with pytest.raises(ValueError, match="b contains NaN or infinity"):
        solve(np.eye(3), b)
    with pytest.raises(ValueError, match="b contains NaN or infinity"):
        solve(np.eye(3), b[:, None])


def test_singular():
    A = np.array([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(LinAlgError, match=r"matrix is singular: U\[1, 1\] is exactly zero"):
        solve(A, [1.0, 1.0])
    with pytest.raises(LinAlgError, match=r"U\[1, 1\]"):
        inv(A)
    with pytest.raises(LinAlgError, match=r"U\[0, 0\]"):
        inv(np.zeros((3, 3)))
    assert det(A) == 0.0
    assert slogdet(A) == (0.0, -np.inf)
    assert issubclass(LinAlgError, ValueError)


# ---- property-based ----------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 45), k=st.integers(1, 4), seed=st.integers(0, 2**31 - 1),
       scale=st.sampled_from([1e-100, 1.0, 1e100]))
def test_property_solve(n, k, seed, scale):
    rng = np.random.default_rng(seed)
    A = scale * (rng.standard_normal((n, n)) + n ** 0.5 * np.eye(n))
    B = rng.standard_normal((n, k))
    old = lumod._set_block_sizes(getrf=1 + seed % 9, leaf=1 + seed % 4,
                                 getri=1 + seed % 5, trtri=1 + seed % 6)
    try:
        X = solve(A, B)
        Ai = inv(A)
    finally:
        lumod._set_block_sizes(**old)
    assert solve_ratio(A, X, B) < THRESH
    assert inv_ratio(A, Ai) < THRESH


@pytest.mark.parametrize("n", [1, 5, 64, 150])
def test_solve_transposed(n):
    rng = np.random.default_rng(n)
    A = rng.standard_normal((n, n))
    F = lu_factor(A)
    b = rng.standard_normal(n)
    B = rng.standard_normal((n, 4))
    assert solve_ratio(A.T, F.solve(b, trans=True), b) < THRESH
    assert solve_ratio(A.T, F.solve(B, trans=True), B) < THRESH
    import scipy.linalg as sla
    np.testing.assert_allclose(np.asarray(F.solve(b, trans=True)),
                               sla.lu_solve(sla.lu_factor(A), b, trans=1),
                               atol=1e3 * n * EPS * np.linalg.cond(A) * np.abs(b).max())


def test_matrix_views_as_inputs():
    # a Matrix view has a row stride larger than its width: the kernels must honour it
    M = Matrix(np.random.default_rng(12).standard_normal((12, 14)))
    V, Bv = M[1:9, 3:11], M[1:9, 0:3]
    Vn, Bn = np.asarray(M)[1:9, 3:11], np.asarray(M)[1:9, 0:3]
    assert solve_ratio(Vn, solve(V, Bv), Bn) < THRESH
    np.testing.assert_allclose(np.asarray(solve(V, Bv)), np.linalg.solve(Vn, Bn),
                               atol=1e3 * 8 * EPS * np.linalg.cond(Vn))
    assert inv_ratio(Vn, inv(V)) < THRESH
    assert det(V) == pytest.approx(np.linalg.det(Vn), rel=1e3 * EPS * np.linalg.cond(Vn))
    np.testing.assert_array_equal(np.asarray(M)[1:9, 3:11], Vn)   # untouched

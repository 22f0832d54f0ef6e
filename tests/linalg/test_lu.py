"""LU with partial pivoting (rusty_machine/linalg/_lu.pyx): properties, references, errors.

Accuracy is checked with LAPACK's test ratio (LAPACK Working Note 41, dget01):
    ||P^T A - L U||_1 / (n ||A||_1 eps) < 30.
"""
import numpy as np
import pytest
import scipy.linalg as sla
from hypothesis import given, settings, strategies as st

from rusty_machine.exceptions import LinAlgError
import importlib

from rusty_machine.linalg import Matrix, lu, lu_factor
from _zoo import block_sizes_fixture, hilbert, ill_conditioned, tiny_blocks, with_blocks

# the submodule (the package attribute `lu` is the function of the same name)
lumod = importlib.import_module("rusty_machine.linalg._lu")

EPS = np.finfo(float).eps
THRESH = 30.0

# sizes that hit odd sizes, the recursion leaf (8) and the panel width (128) edges
SIZES = [1, 2, 3, 7, 8, 9, 16, 31, 64, 65, 127, 128, 129, 200, 257, 300]


def blocks(which):
    """The library's block sizes, or tiny ones (small matrices then take every path)."""
    return tiny_blocks(lumod, which, getrf=5, leaf=2, getri=3, trtri=4)


block_sizes = block_sizes_fixture(blocks)


def lu_ratio(A, P, L, U):
    """||A - P L U||_1 / (max(m, n) ||A||_1 eps); 0 for the zero matrix when exact."""
    A = np.asarray(A)
    P, L, U = (np.asarray(X) for X in (P, L, U))
    res = np.linalg.norm(A - P @ L @ U, 1)
    denom = max(A.shape) * max(np.linalg.norm(A, 1), np.finfo(float).tiny) * EPS
    return res / denom


def check_factors(A, P, L, U):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    k = min(m, n)
    P, L, U = (np.asarray(X) for X in (P, L, U))
    assert P.shape == (m, m) and L.shape == (m, k) and U.shape == (k, n)
    # P is a permutation matrix
    assert np.array_equal(np.sort(P, axis=0)[-1], np.ones(m)) and P.sum() == m
    # L unit lower trapezoidal with |l_ij| <= 1 (partial pivoting), U upper
    assert np.array_equal(np.triu(L, 1), np.zeros_like(L))
    assert np.array_equal(np.diag(L), np.ones(k))
    assert np.all(np.abs(L) <= 1.0)
    assert np.array_equal(np.tril(U, -1), np.zeros_like(U))
    assert lu_ratio(A, P, L, U) < THRESH


# ---- a case worked by hand ----------------------------------------------------------
def test_hand_worked_3x3():
    # column 0: pivot 4 (row 2); then column 1 of the reduced rows picks row 1 (|3| > |1|)
    A = [[2.0, 1.0, 1.0],
         [4.0, 3.0, 3.0],
         [8.0, 7.0, 9.0]]
    F = lu_factor(A)
    assert list(F.piv) == [2, 2, 2]
    assert list(F.perm) == [2, 0, 1]
    P, L, U = (np.asarray(X) for X in F.unpack())
    np.testing.assert_allclose(L, [[1, 0, 0], [0.25, 1, 0], [0.5, 2.0 / 3.0, 1]], rtol=1e-15)
    np.testing.assert_allclose(U, [[8, 7, 9], [0, -0.75, -1.25], [0, 0, -2.0 / 3.0]],
                               rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(P @ L @ U, A, rtol=1e-15)


# ---- random sizes: residual and scipy ------------------------------------------------
@pytest.mark.parametrize("n,which", with_blocks(SIZES, 130))
def test_random_square(n, which):
    with blocks(which):
        A = np.random.default_rng(n).standard_normal((n, n))
        P, L, U = lu(A)
        check_factors(A, P, L, U)
        # random matrices have unique pivots: the factors are scipy's to rounding
        Ps, Ls, Us = sla.lu(A)
        assert np.array_equal(np.asarray(P), Ps)
        growth = np.abs(Us).max() / np.abs(A).max()
        tol = 10 * n * EPS * growth * max(1.0, np.linalg.cond(A, 1) * EPS * 1e3)
        assert np.abs(np.asarray(L) - Ls).max() < max(tol, 1e3 * n * EPS)


@pytest.mark.parametrize("shape", [(1, 5), (5, 1), (7, 3), (3, 7), (130, 40), (40, 130),
                                   (200, 129), (129, 200), (300, 9)])
def test_rectangular(shape, block_sizes):
    A = np.random.default_rng(sum(shape)).standard_normal(shape)
    P, L, U = lu(A)
    check_factors(A, P, L, U)
    Ps, Ls, Us = sla.lu(A)
    assert np.array_equal(np.asarray(P), Ps)
    np.testing.assert_allclose(np.asarray(U), Us, atol=100 * max(shape) * EPS * np.abs(A).max())


def test_piv_and_perm_match_scipy():
    A = np.random.default_rng(5).standard_normal((150, 150))
    F = lu_factor(A)
    lu_s, piv_s = sla.lu_factor(A)
    assert np.array_equal(F.piv, piv_s)
    perm = F.perm
    assert np.array_equal(np.sort(perm), np.arange(150))
    Pm, L, U = (np.asarray(X) for X in F.unpack())
    assert np.allclose(A[perm], L @ U, atol=1e3 * EPS * np.abs(A).max())
    np.testing.assert_allclose(np.asarray(F.lu), lu_s, atol=1e-10)
    assert F.shape == (150, 150) and not F.singular


# ---- the matrix zoo ------------------------------------------------------------------
def zoo():
    rng = np.random.default_rng(42)
    n = 60
    out = ill_conditioned(rng, n)
    for k in (2, 5, 8, 12):
        out["hilbert%d" % k] = hilbert(k)
    out["diagonal"] = np.diag(rng.uniform(-3, 3, n))
    out["identity"] = np.eye(n)
    out["zero"] = np.zeros((n, n))
    out["rank_deficient"] = rng.standard_normal((n, 5)) @ rng.standard_normal((5, n))
    out["rank_deficient_exact"] = np.outer(np.arange(1.0, 9.0), np.arange(1.0, 9.0))
    out["integers"] = rng.integers(-3, 4, (40, 40)).astype(float)
    out["tall"] = rng.standard_normal((90, 17))
    out["wide"] = rng.standard_normal((17, 90))
    return out


@pytest.mark.parametrize("name", sorted(zoo()))
def test_zoo(name, block_sizes):
    A = zoo()[name]
    P, L, U = lu(A)
    check_factors(A, P, L, U)


def test_zero_matrix_is_factored_and_flagged():
    F = lu_factor(np.zeros((4, 4)))
    assert F.singular
    P, L, U = (np.asarray(X) for X in F.unpack())
    assert np.array_equal(U, np.zeros((4, 4)))
    assert np.array_equal(L, np.eye(4))


def test_exactly_singular_reports_first_zero_pivot():
    # the third column is the sum of the first two: U[2, 2] is exactly zero
    A = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
    A[:, 2] = A[:, 0] + A[:, 1]
    A[1] = 2 * A[0]
    F = lu_factor(A)
    assert F.singular
    P, L, U = F.unpack()
    check_factors(A, P, L, U)
    U = np.asarray(U)
    zero = int(np.flatnonzero(np.diag(U) == 0.0)[0])
    with pytest.raises(LinAlgError, match=r"matrix is singular: U\[%d, %d\] is exactly zero"
                       % (zero, zero)):
        F.solve([1.0, 2.0, 3.0])
    with pytest.raises(LinAlgError, match="singular"):
        F.inv()
    assert F.det() == 0.0
    assert F.slogdet() == (0.0, -np.inf)


# ---- the layout zoo ------------------------------------------------------------------
def layouts(A):
    big = np.zeros((A.shape[0] * 2, A.shape[1] * 3))
    big[::2, ::3] = A
    wide = np.zeros((A.shape[0], A.shape[1] + 7))
    wide[:, 3:3 + A.shape[1]] = A
    ro = A.copy()
    ro.flags.writeable = False
    return {
        "C": np.ascontiguousarray(A),
        "F": np.asfortranarray(A),
        "strided": big[::2, ::3],
        "row_strided": wide[:, 3:3 + A.shape[1]],
        "readonly": ro,
        "list": A.tolist(),
        "Matrix": Matrix(A),
        "transposed_view": np.ascontiguousarray(A.T).T,
    }


@pytest.mark.parametrize("layout", sorted(layouts(np.eye(2))))
def test_layout_zoo(layout):
    A = np.random.default_rng(3).standard_normal((37, 37))
    X = layouts(A)[layout]
    before = np.array(X, dtype=float, copy=True)
    P, L, U = lu(X)
    check_factors(A, P, L, U)
    F = lu_factor(X)
    np.testing.assert_array_equal(np.asarray(F.lu), np.asarray(lu_factor(A).lu))
    # the input is never modified (asmatrix may wrap it without a copy)
    np.testing.assert_array_equal(np.asarray(X, dtype=float), before)


def test_integer_and_bool_input():
    A = np.array([[4, 3], [6, 3]])
    P, L, U = lu(A)
    np.testing.assert_allclose(np.asarray(P) @ np.asarray(L) @ np.asarray(U), A)
    P, L, U = lu(np.eye(3, dtype=bool))
    np.testing.assert_array_equal(np.asarray(U), np.eye(3))


def test_returns_matrix_objects():
    P, L, U = lu(np.eye(3))
    assert all(isinstance(X, Matrix) for X in (P, L, U))
    assert isinstance(lu_factor(np.eye(3)).lu, Matrix)


# ---- empty and errors ------------------------------------------------------------------
def test_empty():
    P, L, U = lu(np.zeros((0, 0)))
    assert np.asarray(P).shape == (0, 0) and np.asarray(L).shape == (0, 0)
    P, L, U = lu(np.zeros((3, 0)))
    assert np.asarray(P).shape == (3, 3) and np.asarray(L).shape == (3, 0)
    assert np.asarray(U).shape == (0, 0)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_rejected(bad):
    A = np.eye(4)
    A[2, 1] = bad
    with pytest.raises(ValueError, match="NaN or infinity"):
        lu_factor(A)
    with pytest.raises(ValueError, match="NaN or infinity"):
        lu(A)


@pytest.mark.parametrize("bad", [np.ones(3), np.ones((2, 2, 2)), 3.0])
def test_wrong_ndim(bad):
    with pytest.raises(ValueError, match="2-D"):
        lu_factor(bad)


def test_non_numeric():
    with pytest.raises(TypeError):
        lu_factor([["a", "b"], ["c", "d"]])


def test_lu_object_not_constructible():
    with pytest.raises(TypeError):
        lumod.LU()


def test_rectangular_factor_refuses_square_only_methods():
    F = lu_factor(np.ones((3, 2)))
    for method in (F.det, F.inv, F.slogdet):
        with pytest.raises(ValueError, match=r"square.*\(3, 2\)"):
            method()
    with pytest.raises(ValueError, match="square"):
        F.solve(np.ones(3))


# ---- property-based ------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(m=st.integers(1, 40), n=st.integers(1, 40), seed=st.integers(0, 2**31 - 1),
       scale=st.sampled_from([1e-150, 1e-8, 1.0, 1e8, 1e150]),
       density=st.sampled_from([0.1, 0.5, 1.0]))
def test_property_reconstruction(m, n, seed, scale, density):
    rng = np.random.default_rng(seed)
    A = scale * rng.standard_normal((m, n)) * (rng.random((m, n)) < density)
    # round to few bits sometimes to create exact ties and exact zeros
    if seed % 3 == 0:
        A = np.round(A / scale * 2) * scale
    old = lumod._set_block_sizes(getrf=1 + seed % 7, leaf=1 + seed % 3)
    try:
        P, L, U = lu(A)
    finally:
        lumod._set_block_sizes(**old)
    check_factors(A, P, L, U)


def test_overflow_during_elimination_is_reported():
    # finite input whose Schur complement overflows: 1e308 + 1e308 = inf
    with pytest.raises(LinAlgError, match="overflowed"):
        lu_factor([[1e308, 1e308], [-1e308, 1e308]])


def test_pickle_round_trip():
    import pickle
    A = np.random.default_rng(8).standard_normal((9, 6))
    F = lu_factor(A)
    G = pickle.loads(pickle.dumps(F))
    np.testing.assert_array_equal(np.asarray(G.lu), np.asarray(F.lu))
    np.testing.assert_array_equal(G.piv, F.piv)
    assert G.shape == F.shape and G.singular == F.singular
    S = lu_factor(np.ones((3, 3)))
    T = pickle.loads(pickle.dumps(S))
    assert T.singular
    with pytest.raises(LinAlgError, match="singular"):
        T.solve(np.ones(3))
    sq = np.random.default_rng(9).standard_normal((7, 7))
    b = np.arange(7.0)
    np.testing.assert_array_equal(np.asarray(pickle.loads(pickle.dumps(lu_factor(sq))).solve(b)),
                                  np.asarray(lu_factor(sq).solve(b)))

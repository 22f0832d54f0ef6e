"""Householder QR with compact WY blocking (rusty_machine/linalg/_qr.pyx; the reflector
kernels are in _householder.pyx).

LAPACK-style ratios (LAPACK Working Note 41, dqrt01), each < 30:
    ||A - Q R||_1 / (max(m, n) ||A||_1 eps)   and   ||Q^T Q - I||_1 / (max(m, n) eps).
"""
import importlib

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from rusty_machine.exceptions import LinAlgError
from rusty_machine.linalg import Matrix, Vector, qr, qr_factor
from _zoo import block_sizes_fixture, hilbert, ill_conditioned, tiny_blocks, with_blocks

qrmod = importlib.import_module("rusty_machine.linalg._qr")

EPS = np.finfo(float).eps
THRESH = 30.0
# odd sizes, the leaf (8) and panel (64) edges
SIZES = [1, 2, 3, 7, 8, 9, 31, 63, 64, 65, 128, 129, 200, 300]
SHAPES = [(1, 1), (1, 6), (6, 1), (7, 3), (3, 7), (65, 64), (64, 65), (200, 17), (17, 200),
          (300, 129), (129, 300), (150, 150)]


def blocks(which):
    """The library's block sizes, or tiny ones (small matrices then take every path)."""
    return tiny_blocks(qrmod, which, geqrf=6, leaf=2, orgqr=5)


block_sizes = block_sizes_fixture(blocks)


def ratios(A, Q, R):
    A, Q, R = (np.asarray(X) for X in (A, Q, R))
    m, n = A.shape
    scale = max(m, n)
    normA = max(np.linalg.norm(A, 1), np.finfo(float).tiny)
    r_fact = np.linalg.norm(A - Q @ R, 1) / (scale * normA * EPS)
    r_orth = np.linalg.norm(Q.T @ Q - np.eye(Q.shape[1]), 1) / (scale * EPS)
    return r_fact, r_orth


def check_qr(A, mode="reduced"):
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    k = min(m, n)
    Q, R = qr(A, mode=mode)
    assert isinstance(Q, Matrix) and isinstance(R, Matrix)
    Q, R = np.asarray(Q), np.asarray(R)
    if mode == "reduced":
        assert Q.shape == (m, k) and R.shape == (k, n)
    else:
        assert Q.shape == (m, m) and R.shape == (m, n)
    assert np.array_equal(np.tril(R, -1), np.zeros_like(R))
    r_fact, r_orth = ratios(A, Q, R)
    assert r_fact < THRESH and r_orth < THRESH
    return Q, R


# ---- worked by hand -------------------------------------------------------------------
def test_hand_worked_2x2():
    # x = [3, 4]: ||x|| = 5, beta = -sign(3) * 5 = -5, v = [1, 4 / (3 + 5)] = [1, 0.5],
    # tau = (beta - alpha) / beta = (-5 - 3) / -5 = 1.6
    F = qr_factor([[3.0, 1.0], [4.0, 2.0]])
    np.testing.assert_allclose(F.tau[0], 1.6, rtol=4 * EPS)
    packed = np.asarray(F.qr)
    np.testing.assert_allclose(packed[1, 0], 0.5, rtol=4 * EPS)
    np.testing.assert_allclose(packed[0, 0], -5.0, rtol=4 * EPS)
    # R[0, 1] = (H x2)[0] with x2 = [1, 2]: H = I - 1.6 v v^T, v.x2 = 2 -> 1 - 3.2 = -2.2
    np.testing.assert_allclose(packed[0, 1], -2.2, rtol=4 * EPS)
    Q = np.asarray(F.q())
    np.testing.assert_allclose(Q, [[-0.6, -0.8], [-0.8, 0.6]], rtol=8 * EPS, atol=8 * EPS)


# ---- sizes and shapes, numpy as the reference ---------------------------------------------
@pytest.mark.parametrize("n,which", with_blocks(SIZES, 130))
def test_square(n, which):
    with blocks(which):
        A = np.random.default_rng(n).standard_normal((n, n))
        Q, R = check_qr(A)
        # same sign convention as LAPACK / numpy: the factors agree to rounding
        Qn, Rn = np.linalg.qr(A)
        kappa = np.linalg.cond(A)
        np.testing.assert_allclose(R, Rn, atol=10 * n * kappa * EPS * np.abs(A).max())
        np.testing.assert_allclose(Q, Qn, atol=10 * n * kappa * EPS)


@pytest.mark.parametrize("shape,which", with_blocks(SHAPES, 130))
@pytest.mark.parametrize("mode", ["reduced", "complete"])
def test_shapes(shape, mode, which):
    with blocks(which):
        A = np.random.default_rng(sum(shape)).standard_normal(shape)
        Q, R = check_qr(A, mode)
        Rn = np.linalg.qr(A, mode=mode)[1]
        np.testing.assert_allclose(R, Rn, atol=1e3 * max(shape) * EPS * np.abs(A).max())


def test_mode_r_and_factor_accessors():
    A = np.random.default_rng(1).standard_normal((40, 25))
    R = qr(A, mode="r")
    assert isinstance(R, Matrix) and np.asarray(R).shape == (25, 25)
    np.testing.assert_array_equal(np.asarray(R), np.asarray(qr(A)[1]))
    F = qr_factor(A)
    assert F.shape == (40, 25) and F.tau.shape == (25,)
    assert np.all((F.tau == 0) | ((F.tau >= 1) & (F.tau <= 2)))
    assert np.asarray(F.r("complete")).shape == (40, 25)
    assert np.asarray(F.q("complete")).shape == (40, 40)
    with pytest.raises(ValueError, match="mode"):
        F.q("economic")
    with pytest.raises(ValueError, match="mode"):
        F.r("raw")
    with pytest.raises(ValueError, match="mode"):
        qr(A, mode="full")


# ---- the matrix zoo ------------------------------------------------------------------------
def zoo():
    rng = np.random.default_rng(9)
    n = 70
    out = ill_conditioned(rng, n)
    out.update({
        "diagonal": np.diag(rng.uniform(-2, 2, n)),
        "identity": np.eye(n),
        "zero": np.zeros((n, n)),
        "rank_deficient": rng.standard_normal((n, 4)) @ rng.standard_normal((4, n)),
        "zero_column": np.c_[rng.standard_normal((n, 3)), np.zeros(n), rng.standard_normal((n, 5))],
        "tall": rng.standard_normal((190, 33)),
        "wide": rng.standard_normal((33, 190)),
        "tiny_values": 1e-300 * rng.standard_normal((20, 20)),
        "huge_values": 1e300 * rng.standard_normal((20, 20)),
        "subnormal_column": np.c_[np.full(10, 1e-310), rng.standard_normal((10, 3))],
    })
    for k in (4, 8, 12):
        out["hilbert%d" % k] = hilbert(k)
    return out


@pytest.mark.parametrize("name", sorted(zoo()))
def test_zoo(name, block_sizes):
    check_qr(zoo()[name])


def test_graded_rows_rowwise_accuracy():
    # With the rows sorted by decreasing size, Householder QR is row-wise backward
    # stable (Powell & Reid; Cox & Higham 1998; Higham ASNA Sec. 19.4): every row of A,
    # even one 1e16 times smaller than the first, is reproduced to a precision relative
    # to its own size -- a normwise test would not see errors in the small rows.
    n = 40
    rng = np.random.default_rng(4)
    A = np.logspace(8, -8, n)[:, None] * rng.standard_normal((n, n))
    Q, R = check_qr(A)
    rowwise = np.abs(A - Q @ R).max(axis=1) / np.abs(A).max(axis=1)
    assert rowwise.max() < 10 * n * EPS * THRESH


# ---- layouts ----------------------------------------------------------------------------------
def layouts(A):
    big = np.zeros((A.shape[0] * 2, A.shape[1] * 3))
    big[::2, ::3] = A
    ro = A.copy()
    ro.flags.writeable = False
    return {"C": A.copy(), "F": np.asfortranarray(A), "strided": big[::2, ::3],
            "readonly": ro, "list": A.tolist(), "Matrix": Matrix(A),
            "row_strided": np.c_[A, np.zeros((A.shape[0], 5))][:, :A.shape[1]]}


@pytest.mark.parametrize("layout", ["C", "F", "strided", "readonly", "list", "Matrix",
                                    "row_strided"])
def test_layout_zoo(layout):
    A = np.random.default_rng(2).standard_normal((45, 30))
    X = layouts(A)[layout]
    before = np.array(X, dtype=float)
    Q, R = check_qr(X)
    np.testing.assert_array_equal(R, np.asarray(qr(A)[1]))
    np.testing.assert_array_equal(np.array(X, dtype=float), before)


# ---- least squares -----------------------------------------------------------------------------
@pytest.mark.parametrize("shape,which",
                         with_blocks([(1, 1), (10, 3), (100, 40), (150, 150), (300, 70)], 150))
def test_solve_least_squares(shape, which):
    with blocks(which):
        m, n = shape
        rng = np.random.default_rng(m * n)
        A = rng.standard_normal(shape)
        b = rng.standard_normal(m)
        B = rng.standard_normal((m, 3))
        F = qr_factor(A)
        x = F.solve(b)
        X = F.solve(B)
        assert isinstance(x, Vector) and isinstance(X, Matrix)
        x, X = np.asarray(x), np.asarray(X)
        assert x.shape == (n,) and X.shape == (n, 3)
        # normal equations hold at the minimiser: A^T (A x - b) = 0 (relative to the sizes)
        kappa = np.linalg.cond(A)
        tol = 10 * m * EPS * kappa
        assert np.linalg.norm(A.T @ (A @ x - b)) <= tol * np.linalg.norm(A) * (
            np.linalg.norm(A) * np.linalg.norm(x) + np.linalg.norm(b))
        xr = np.linalg.lstsq(A, b, rcond=None)[0]
        np.testing.assert_allclose(x, xr, atol=tol * kappa * max(1.0, np.abs(xr).max()))
        np.testing.assert_allclose(X, np.linalg.lstsq(A, B, rcond=None)[0],
                                   atol=tol * kappa * max(1.0, np.abs(X).max()))


def test_solve_square_is_exact_solve():
    A = np.random.default_rng(3).standard_normal((50, 50))
    b = np.random.default_rng(4).standard_normal(50)
    x = np.asarray(qr_factor(A).solve(b))
    assert np.linalg.norm(A @ x - b, 1) / (
        np.linalg.norm(A, 1) * np.linalg.norm(x, 1) * 50 * EPS) < THRESH


def test_solve_errors():
    F = qr_factor(np.random.default_rng(0).standard_normal((6, 3)))
    with pytest.raises(ValueError, match=r"\(6, 3\).*\(5,\)"):
        F.solve(np.ones(5))
    with pytest.raises(ValueError, match=r"\(6, 3\).*\(5, 2\)"):
        F.solve(np.ones((5, 2)))
    with pytest.raises(ValueError, match="NaN or infinity"):
        F.solve(np.r_[np.ones(5), np.nan])
    with pytest.raises(ValueError, match="m >= n"):
        qr_factor(np.ones((2, 3))).solve(np.ones(2))
    A = np.c_[np.ones(5), np.zeros(5)]       # zero second column: R[1, 1] is exactly 0
    with pytest.raises(LinAlgError, match=r"R\[1, 1\] is exactly zero"):
        qr_factor(A).solve(np.ones(5))
    with pytest.raises(ValueError, match="1-D or 2-D"):
        F.solve(np.ones((6, 1, 1)))


# ---- empty and errors ----------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(0, 0), (3, 0), (0, 3)])
def test_empty(shape):
    Q, R = qr(np.zeros(shape))
    Qn, Rn = np.linalg.qr(np.zeros(shape))
    assert np.asarray(Q).shape == Qn.shape and np.asarray(R).shape == Rn.shape
    Qc, Rc = qr(np.zeros(shape), mode="complete")
    np.testing.assert_array_equal(np.asarray(Qc), np.eye(shape[0]))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite(bad):
    A = np.ones((4, 3))
    A[3, 2] = bad
    with pytest.raises(ValueError, match="NaN or infinity"):
        qr(A)
    with pytest.raises(ValueError, match="NaN or infinity"):
        qr_factor(A)


def test_wrong_input():
    with pytest.raises(ValueError, match="2-D"):
        qr(np.ones(4))
    with pytest.raises(ValueError, match="2-D"):
        qr(Vector([1.0, 2.0]))
    with pytest.raises(TypeError):
        qr([["x"]])
    with pytest.raises(TypeError):
        qrmod.QR()


# ---- property-based ----------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(m=st.integers(1, 50), n=st.integers(1, 50), seed=st.integers(0, 2**31 - 1),
       scale=st.sampled_from([1e-200, 1e-5, 1.0, 1e5, 1e200]),
       density=st.sampled_from([0.2, 1.0]))
def test_property_qr(m, n, seed, scale, density):
    rng = np.random.default_rng(seed)
    A = scale * rng.standard_normal((m, n)) * (rng.random((m, n)) < density)
    old = qrmod._set_block_sizes(geqrf=1 + seed % 11, leaf=1 + seed % 4, orgqr=1 + seed % 7)
    try:
        check_qr(A, "reduced")
        check_qr(A, "complete")
    finally:
        qrmod._set_block_sizes(**old)


def test_overflow_is_reported_not_returned():
    # |alpha - beta| = 1e308 + 1.5e308 overflows in the Householder vector
    with pytest.raises(LinAlgError, match="overflowed"):
        qr(np.full((4, 4), 1.5e308))
    # large but safe entries still work
    A = 1e300 * np.random.default_rng(0).standard_normal((6, 6))
    Q, R = check_qr(A)


def test_pickle_round_trip():
    import pickle
    A = np.random.default_rng(8).standard_normal((9, 6))
    F = qr_factor(A)
    G = pickle.loads(pickle.dumps(F))
    np.testing.assert_array_equal(np.asarray(G.qr), np.asarray(F.qr))
    np.testing.assert_array_equal(G.tau, F.tau)
    np.testing.assert_array_equal(np.asarray(G.q()), np.asarray(F.q()))
    b = np.arange(9.0)
    np.testing.assert_array_equal(np.asarray(G.solve(b)), np.asarray(F.solve(b)))


def test_entries_near_the_largest_double():
    # |alpha - beta| = 2.4e308 would overflow in the textbook formula (and numpy's
    # LAPACK returns NaN here); house() works on the column scaled by 2^-64 instead
    for A in (np.array([[1e308, 1e308], [-1e308, 1e308]]),
              1.5e307 * np.random.default_rng(1).standard_normal((30, 20))):
        Q, R = (np.asarray(X) for X in qr(A))
        s = 2.0 ** -64            # exact scaling, so numpy's norms do not overflow
        r_fact, r_orth = ratios(A * s, Q, R * s)
        assert r_fact < THRESH and r_orth < THRESH

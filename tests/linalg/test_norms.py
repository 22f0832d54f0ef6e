"""norm and cond (rusty_machine/linalg/_norms.py) against numpy.linalg, plus the
properties that define them."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rusty_machine.linalg as rl
from rusty_machine.linalg import Matrix, Vector, cond, norm

EPS = np.finfo(float).eps
INF = np.inf


@pytest.fixture
def numpy_svdvals(monkeypatch):
    """Stand-in singular values (numpy's) so the 2-norm logic is tested on its own."""
    monkeypatch.setattr(rl, "svdvals", lambda a: np.linalg.svd(np.asarray(a),
                                                               compute_uv=False),
                        raising=False)


# ---- worked by hand ------------------------------------------------------------------
def test_hand_worked():
    A = [[1.0, -2.0], [-3.0, 4.0]]
    assert norm(A, 1) == 6.0            # column sums 4, 6
    assert norm(A, -1) == 4.0
    assert norm(A, INF) == 7.0          # row sums 3, 7
    assert norm(A, -INF) == 3.0
    assert norm(A) == pytest.approx(np.sqrt(30.0), rel=2 * EPS)
    assert norm(A, "fro") == norm(A)
    x = [3.0, -4.0, 0.0]
    assert norm(x) == 5.0 and norm(x, 1) == 7.0 and norm(x, INF) == 4.0
    assert norm(x, 0) == 2.0 and norm(x, -INF) == 0.0
    # inv(A) = [[-2, -1], [-1.5, -0.5]]: ||inv(A)||_1 = 3.5, ||inv(A)||_inf = 3
    assert cond(A, 1) == pytest.approx(6.0 * 3.5, rel=8 * EPS)
    assert cond(A, INF) == pytest.approx(7.0 * 3.0, rel=8 * EPS)


# ---- against numpy -------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(1, 1), (5, 3), (3, 5), (40, 40), (130, 7)])
@pytest.mark.parametrize("ord", [None, "fro", 1, -1, INF, -INF])
def test_matrix_norms(shape, ord):
    A = np.random.default_rng(sum(shape)).standard_normal(shape)
    for X in (A, Matrix(A), A.tolist(), np.asfortranarray(A)):
        assert norm(X, ord) == pytest.approx(np.linalg.norm(A, ord), rel=4 * max(shape) * EPS)


@pytest.mark.parametrize("ord", [None, 0, 1, 2, 3, 0.5, -1, -2, INF, -INF])
def test_vector_norms(ord):
    x = np.random.default_rng(1).standard_normal(37)
    for X in (x, Vector(x), x.tolist(), x[::-1][::-1]):
        assert norm(X, ord) == pytest.approx(np.linalg.norm(x, ord), rel=40 * EPS)


@pytest.mark.parametrize("ord", [2, -2, "nuc"])
def test_matrix_two_norms(ord, numpy_svdvals):
    A = np.random.default_rng(3).standard_normal((20, 12))
    assert norm(A, ord) == pytest.approx(np.linalg.norm(A, ord), rel=100 * EPS)


@pytest.mark.parametrize("p", [1, -1, INF, -INF, "fro", "nuc", None, 2, -2])
def test_cond(p, numpy_svdvals):
    rng = np.random.default_rng(4)
    A = rng.standard_normal((30, 30))
    kappa = np.linalg.cond(A)
    assert cond(A, p) == pytest.approx(np.linalg.cond(A, p), rel=100 * 30 * kappa * EPS)


@pytest.mark.parametrize("p", [None, 2, -2])
def test_cond_rectangular(p, numpy_svdvals):
    A = np.random.default_rng(5).standard_normal((25, 10))
    assert cond(A, p) == pytest.approx(np.linalg.cond(A, p), rel=1e3 * EPS)


@pytest.mark.parametrize("p", [None, 2, -2])
def test_cond_with_library_svd(p):
    A = np.random.default_rng(6).standard_normal((40, 40))
    kappa = np.linalg.cond(A)
    assert cond(A, p) == pytest.approx(np.linalg.cond(A, p), rel=100 * 40 * kappa * EPS)
    assert norm(A, 2) == pytest.approx(np.linalg.norm(A, 2), rel=100 * 40 * EPS)


def test_cond_ill_conditioned():
    # Hilbert(8): cond_1 ~ 3.4e10; the explicit inverse carries a relative error of
    # order cond * eps, so the product is accurate to a few digits only
    i = np.arange(8)
    H = 1.0 / (i[:, None] + i[None, :] + 1.0)
    ref = np.linalg.cond(H, 1)
    assert cond(H, 1) == pytest.approx(ref, rel=1e-4)


def test_cond_of_identity_and_diagonal(numpy_svdvals):
    for p in (1, INF, 2, None):
        assert cond(np.eye(7), p) == pytest.approx(1.0, rel=4 * EPS)
    D = np.diag([1.0, 10.0, 1e-3])
    for p in (1, INF, 2, None):
        assert cond(D, p) == pytest.approx(1e4, rel=8 * EPS)


def test_cond_singular_is_inf(numpy_svdvals):
    S = np.array([[1.0, 2.0], [2.0, 4.0]])
    assert cond(S, 1) == INF and cond(S, INF) == INF
    assert cond(np.zeros((3, 3)), None) == INF


# ---- properties ------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(m=st.integers(1, 20), n=st.integers(1, 20), seed=st.integers(0, 2**31 - 1))
def test_norm_properties(m, n, seed):
    rng = np.random.default_rng(seed)
    A, B = rng.standard_normal((m, n)), rng.standard_normal((m, n))
    C = rng.standard_normal((n, 4))
    alpha = rng.standard_normal()
    for ord in (None, 1, INF):
        # homogeneity, triangle inequality, consistency (sub-multiplicativity)
        assert norm(alpha * A, ord) == pytest.approx(abs(alpha) * norm(A, ord), rel=10 * EPS)
        assert norm(A + B, ord) <= (norm(A, ord) + norm(B, ord)) * (1 + 10 * EPS)
        assert norm(A @ C, ord) <= norm(A, ord) * norm(C, ord) * (1 + 10 * n * EPS)
    # ||A||_1 = ||A^T||_inf
    assert norm(A, 1) == norm(A.T, INF)


def test_no_overflow_or_underflow():
    assert norm([1e200, 1e200]) == pytest.approx(np.sqrt(2) * 1e200, rel=4 * EPS)
    assert norm([1e-200, 1e-200]) == pytest.approx(np.sqrt(2) * 1e-200, rel=4 * EPS)
    assert norm(np.full((3, 3), 1e300), "fro") == pytest.approx(3e300, rel=4 * EPS)
    assert norm([1e300, 1e300], 3) == pytest.approx(2 ** (1 / 3) * 1e300, rel=8 * EPS)


def test_non_finite_and_empty():
    assert norm([1.0, np.inf]) == INF
    assert np.isnan(norm([1.0, np.nan]))
    assert norm(np.zeros((0, 3))) == 0.0 and norm(np.zeros(0), 1) == 0.0
    with pytest.raises(ValueError, match="NaN or infinity"):
        cond([[1.0, np.nan], [0.0, 1.0]], 1)
    with pytest.raises(ValueError, match="empty"):
        cond(np.zeros((0, 0)))


def test_errors():
    with pytest.raises(ValueError, match="not defined for vectors"):
        norm([1.0, 2.0], "fro")
    with pytest.raises(ValueError, match="not defined for matrices"):
        norm(np.eye(2), 3)
    with pytest.raises(ValueError, match="not defined for matrices"):
        norm(np.eye(2), "max")
    # numpy's rule: ord=None with axis=None is the 2-norm of all the entries, any shape;
    # an ord on 3-D input needs the axes
    assert norm(np.ones((2, 2, 2))) == pytest.approx(np.sqrt(8.0), rel=2 * EPS)
    with pytest.raises(ValueError, match="improper number of dimensions"):
        norm(np.ones((2, 2, 2)), 1)
    with pytest.raises(ValueError, match="square"):
        cond(np.ones((3, 2)), 1)
    with pytest.raises(ValueError, match="not supported"):
        cond(np.eye(2), 3)
    with pytest.raises(TypeError):
        norm([["a"]])


# ---- the Hager-Higham estimate (exact=False) ----------------------------------------
@pytest.mark.parametrize("p", [1, INF])
@pytest.mark.parametrize("n", [1, 2, 10, 80])
def test_cond_estimate_is_a_close_lower_bound(p, n):
    rng = np.random.default_rng(n)
    for A in (rng.standard_normal((n, n)),
              np.triu(rng.standard_normal((n, n))) + 0.1 * np.eye(n),
              rng.standard_normal((n, n)) * np.logspace(0, 6, n)[None, :]):
        exact = cond(A, p)
        est = cond(A, p, exact=False)
        # a lower bound (up to the rounding of both, relative n kappa eps), and in
        # practice within a factor 3 (Higham ASNA Ch. 15)
        assert est <= exact * (1 + 100 * n * EPS * exact)
        assert est >= exact / 3


def test_cond_estimate_hilbert_and_singular():
    i = np.arange(10)
    H = 1.0 / (i[:, None] + i[None, :] + 1.0)
    assert cond(H, 1, exact=False) == pytest.approx(np.linalg.cond(H, 1), rel=1e-3)
    assert cond([[1.0, 2.0], [2.0, 4.0]], 1, exact=False) == INF
    # exact=False is ignored for norms without an estimator
    A = np.random.default_rng(0).standard_normal((5, 5))
    assert cond(A, "fro", exact=False) == cond(A, "fro")

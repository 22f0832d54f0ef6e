"""The bidiagonal divide-and-conquer SVD (_bdsdc.pyx) and the svd driver built on it.

Property checks against numpy.linalg.svd on seeded inputs, with LAPACK-style ratios:
singular values within C n eps ||B||, orthogonality ||U^T U - I|| / (n eps) and the
residual ||A - U S V^T|| / (||A|| n eps). The inputs cover what exercises the merge:
sizes on either side of the leaf size (25) and of the first merge levels, graded,
rank-deficient, clustered and repeated singular values, zeros on the diagonal, and a
leaf size forced down to 1..3 so that small matrices go through many merges (both the
square and the one-extra-column subproblems of the recursion).
"""
import numpy as np
import pytest

from rusty_machine.linalg import svd, svdvals, LinAlgError
from rusty_machine.linalg import _bdsdc, _svd

EPS = np.finfo(np.float64).eps
# ratio bounds: LAPACK's test drivers (xCHKBD) flag ratios above 20-30
BOUND = 30.0


def _ratios_bidiagonal(d, e):
    n = len(d)
    B = np.diag(d) + np.diag(e, 1)
    U, s, V = _bdsdc._bdsdc_py(d, e)
    ref = np.linalg.svd(B, compute_uv=False)
    nb = max(np.linalg.norm(B, 2), np.finfo(float).tiny)
    assert np.all(s >= 0) and np.all(np.diff(s) <= 0), "not non-negative descending"
    return (np.abs(s - ref).max() / (nb * n * EPS),
            np.linalg.norm(B - (U * s) @ V.T) / (nb * n * EPS),
            np.linalg.norm(U.T @ U - np.eye(n)) / (n * EPS),
            np.linalg.norm(V.T @ V - np.eye(n)) / (n * EPS))


def _bidiagonal(kind, n, rng):
    if kind == "random":
        return rng.standard_normal(n), rng.standard_normal(n - 1)
    if kind == "ones":          # Toeplitz: singular values 2 cos(k pi / (2n + 1))
        return np.ones(n), np.ones(n - 1)
    if kind == "graded":        # entries from 1 down to 1e-15
        return np.logspace(0, -15, n), np.logspace(0, -15, n - 1)
    if kind == "zeros":         # every third diagonal entry exactly zero
        d = rng.standard_normal(n)
        d[::3] = 0.0
        return d, rng.standard_normal(n - 1)
    if kind == "clustered":     # two clusters, weakly coupled: close poles deflate
        d = np.r_[np.ones(n // 2), 2.0 * np.ones(n - n // 2)]
        return d + 1e-14 * rng.standard_normal(n), 1e-9 * rng.standard_normal(n - 1)
    if kind == "diagonal":      # e = 0: every z vanishes, all deflated
        return rng.standard_normal(n), np.zeros(n - 1)
    if kind == "split":         # a negligible e in the middle: independent pieces
        d, e = rng.standard_normal(n), rng.standard_normal(n - 1)
        if n > 1:
            e[n // 3] = 1e-300
        return d, e
    raise ValueError(kind)


KINDS = ["random", "ones", "graded", "zeros", "clustered", "diagonal", "split"]


@pytest.mark.parametrize("n", [1, 2, 3, 24, 25, 26, 27, 50, 51, 52, 53, 101, 203])
@pytest.mark.parametrize("kind", KINDS)
def test_bidiagonal_against_numpy(kind, n):
    rng = np.random.default_rng(1000 + n)
    d, e = _bidiagonal(kind, n, rng)
    err_s, res, orth_u, orth_v = _ratios_bidiagonal(d, e)
    assert err_s < BOUND and res < BOUND and orth_u < BOUND and orth_v < BOUND, \
        (err_s, res, orth_u, orth_v)


@pytest.mark.parametrize("leaf", [1, 2, 3])
@pytest.mark.parametrize("n", [2, 3, 4, 5, 7, 8, 16, 31, 64])
@pytest.mark.parametrize("kind", ["random", "zeros", "clustered", "graded"])
def test_bidiagonal_many_merges(kind, n, leaf):
    """A tiny leaf size sends small matrices through every merge shape (left halves
    with an extra column, right halves with and without one)."""
    rng = np.random.default_rng(7 * n + leaf)
    d, e = _bidiagonal(kind, n, rng)
    old = _bdsdc._set_leaf(leaf)
    try:
        ratios = _ratios_bidiagonal(d, e)
    finally:
        _bdsdc._set_leaf(old)
    assert max(ratios) < BOUND, ratios


def test_bidiagonal_hand_example():
    # [[3, 4], [0, 0]]: singular values 5 and 0
    U, s, V = _bdsdc._bdsdc_py([3.0, 0.0], [4.0])
    assert np.allclose(s, [5.0, 0.0], atol=4 * EPS)
    assert np.allclose(np.abs(V[:, 0]), [0.6, 0.8])
    assert np.allclose((U * s) @ V.T, [[3.0, 4.0], [0.0, 0.0]], atol=8 * EPS)


def test_bidiagonal_toeplitz_closed_form():
    # ones on both diagonals: s_k = 2 cos(k pi / (2 n + 1)), k = 1..n
    n = 200
    _, s, _ = _bdsdc._bdsdc_py(np.ones(n), np.ones(n - 1))
    k = np.arange(1, n + 1)
    assert np.abs(s - 2 * np.cos(k * np.pi / (2 * n + 1))).max() < 8 * n * EPS


def _matrix_with_singular_values(s, m, n, rng):
    qa, _ = np.linalg.qr(rng.standard_normal((m, m)))
    qb, _ = np.linalg.qr(rng.standard_normal((n, n)))
    k = len(s)
    return (qa[:, :k] * s) @ qb[:, :k].T


def _check_svd(a, full=False):
    a = np.asarray(a, dtype=np.float64)
    m, n = a.shape
    k = min(m, n)
    U, s, Vt = svd(a, full_matrices=full)
    U, s, Vt = np.asarray(U), np.asarray(s), np.asarray(Vt)
    ku = m if full else k
    kv = n if full else k
    assert U.shape == (m, ku) and s.shape == (k,) and Vt.shape == (kv, n)
    ref = np.linalg.svd(a, compute_uv=False)
    na = max(np.linalg.norm(a, 2), np.finfo(float).tiny)
    big = max(m, n)
    assert np.abs(s - ref).max() / (na * big * EPS) < BOUND
    assert np.all(np.diff(s) <= 0) and np.all(s >= 0)
    res = np.linalg.norm(a - (U[:, :k] * s) @ Vt[:k]) / (na * big * EPS)
    assert res < BOUND, res
    assert np.linalg.norm(U.T @ U - np.eye(ku)) / (big * EPS) < BOUND
    assert np.linalg.norm(Vt @ Vt.T - np.eye(kv)) / (big * EPS) < BOUND
    # the values alone agree with the full decomposition
    sv = np.asarray(svdvals(a))
    assert np.abs(sv - s).max() / (na * big * EPS) < BOUND


@pytest.mark.parametrize("shape", [(24, 24), (26, 26), (60, 60), (100, 70), (70, 100),
                                   (130, 129), (300, 40), (40, 300), (257, 257),
                                   (200, 120)])
def test_svd_random_shapes(shape):
    rng = np.random.default_rng(shape[0] * 1000 + shape[1])
    _check_svd(rng.standard_normal(shape))


@pytest.mark.parametrize("shape", [(100, 70), (70, 100), (300, 40), (60, 60)])
def test_svd_full_matrices(shape):
    rng = np.random.default_rng(shape[0] + 3 * shape[1])
    _check_svd(rng.standard_normal(shape), full=True)


@pytest.mark.parametrize("kind", ["graded", "rank_deficient", "clustered", "repeated",
                                  "tiny_and_huge"])
@pytest.mark.parametrize("shape", [(90, 90), (150, 80), (80, 150)])
def test_svd_structured_spectra(kind, shape):
    rng = np.random.default_rng(hash(kind) % 1000 + shape[0])
    m, n = shape
    k = min(m, n)
    if kind == "graded":
        s = np.logspace(0, -14, k)
    elif kind == "rank_deficient":
        s = np.r_[rng.uniform(1, 2, k // 3), np.zeros(k - k // 3)]
    elif kind == "clustered":
        s = np.r_[1 + 1e-13 * rng.standard_normal(k // 2),
                  1e-3 + 1e-16 * rng.standard_normal(k - k // 2)]
    elif kind == "repeated":
        s = np.repeat([3.0, 2.0, 1.0], [k // 3, k // 3, k - 2 * (k // 3)])
    else:
        s = np.r_[1e150 * np.ones(k // 2), 1e-150 * np.ones(k - k // 2)]
    _check_svd(_matrix_with_singular_values(s, m, n, rng))


def test_svd_rank_one_integer():
    a = np.outer(np.arange(1, 61), np.arange(1, 41)).astype(float)
    _check_svd(a)


def test_divide_and_conquer_matches_qr_path():
    """The two bidiagonal solvers (divide and conquer, QR with accumulated rotations)
    give the same singular values and the same singular subspaces (the vectors up to
    sign: the singular values here are well separated)."""
    rng = np.random.default_rng(5)
    a = _matrix_with_singular_values(np.linspace(10, 1, 80), 120, 80, rng)
    U1, s1, V1 = (np.asarray(x) for x in svd(a))
    old = _svd._USE_DC
    _svd._USE_DC = False
    try:
        U2, s2, V2 = (np.asarray(x) for x in svd(a))
    finally:
        _svd._USE_DC = old
    assert np.abs(s1 - s2).max() < 100 * EPS * s1[0]
    assert np.allclose(np.abs(np.sum(U1 * U2, axis=0)), 1.0, atol=1e-10)
    assert np.allclose(np.abs(np.sum(V1 * V2, axis=1)), 1.0, atol=1e-10)


def test_leaf_cap_raises():
    """A leaf whose QR hits the sweep cap surfaces as LinAlgError, not a wrong answer."""
    a = np.random.default_rng(0).standard_normal((60, 60))
    old = _svd._set_cap_factor(0)
    try:
        with pytest.raises(LinAlgError, match="did not converge"):
            svd(a)
    finally:
        _svd._set_cap_factor(old)

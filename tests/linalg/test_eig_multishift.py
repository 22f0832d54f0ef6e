"""The small-bulge multishift QR with aggressive early deflation (_eig_multishift.pxi;
LAPACK dlaqr0/dlaqr3/dlaqr5, Braman-Byers-Mathias 2002).

The path normally starts at n = 200; the `small` fixture lowers the crossover to 8 so that
the sweeps, the deflation window, the block swaps and the hand-over to the double-shift QR
all run on small matrices too. Results are held to LAPACK-style ratios (LAPACK Working
Note 41, dchkhs): ||A V - V diag(w)||_F / (n ||A||_2 eps) < 30 for eig, and for the Schur
form ||A - Z T Z^T||_F / (n ||A||_2 eps) < 30, ||Z^T Z - I||_F / (n eps) < 30."""
import numpy as np
import pytest
import scipy.linalg

import rusty_machine.linalg._eig as eig_mod
from rusty_machine.linalg import LinAlgError, eig, eigvals
from test_eig_hard import GENERAL, SYMMETRIC

EPS = np.finfo(float).eps


@pytest.fixture(params=[8, None], ids=["crossover8", "default"])
def crossover(request):
    """The multishift path from 8 rows on, or the default crossover (200)."""
    old = eig_mod._set_ms_crossover(request.param or 200)
    yield request.param
    eig_mod._set_ms_crossover(old)


@pytest.fixture
def small():
    old = eig_mod._set_ms_crossover(8)
    yield 8
    eig_mod._set_ms_crossover(old)


def _norm2(a):
    return max(np.linalg.norm(a, 2), np.finfo(float).tiny)


def _check_eig(a):
    n = a.shape[0]
    nrm = _norm2(a)
    w, V = eig(a)
    assert np.all(np.isfinite(w)) and np.all(np.isfinite(V))
    assert np.linalg.norm(a @ V - V * w) / (n * nrm * EPS) < 30
    assert np.allclose(np.linalg.norm(V, axis=0), 1.0, rtol=0, atol=30 * n * EPS)
    w2 = np.asarray(eigvals(a))
    assert w2.shape == (n,)
    return np.asarray(w), w2


def _match_conditioned(a, w):
    """Each of numpy's eigenvalues lambda_i has one of ours within 30 n eps ||A|| / s_i,
    s_i = |y_i^H x_i| its condition (unit left and right eigenvectors; GVL4 Sec. 7.2.2)."""
    n = a.shape[0]
    lam, yl, xr = scipy.linalg.eig(a, left=True, right=True)
    s = np.abs(np.sum(np.conj(yl) * xr, axis=0))
    s /= np.linalg.norm(yl, axis=0) * np.linalg.norm(xr, axis=0)
    d = np.abs(lam[:, None] - np.asarray(w)[None, :]).min(axis=1)
    assert np.all(d <= 30 * n * EPS * _norm2(a) / np.maximum(s, EPS))


CASES = [(n, seed) for n in [9, 16, 40, 75] for seed in (0, 1)] + [(101, 0), (230, 0)]


@pytest.mark.parametrize("n,seed", CASES)
def test_random_against_numpy(crossover, n, seed):
    a = np.random.default_rng(seed).standard_normal((n, n))
    w, w2 = _check_eig(a)
    _match_conditioned(a, w)
    _match_conditioned(a, w2)


@pytest.mark.parametrize("family,n", [(f, n) for f in SYMMETRIC for n in [12, 60, 101, 200]])
def test_symmetric_families(small, family, n):
    a = SYMMETRIC[family](n, n)
    w, w2 = _check_eig(a)
    ref = np.linalg.eigvalsh(a)
    tol = 30 * n * _norm2(a) * EPS
    for x in (w, w2):
        assert np.max(np.abs(np.imag(x))) <= tol
        assert np.max(np.abs(np.sort(np.real(x)) - ref)) <= tol


@pytest.mark.parametrize("family,n", [(f, n) for f in GENERAL for n in [12, 60, 101, 200]])
def test_general_families(small, family, n):
    a = GENERAL[family](n, n)
    _check_eig(a)
    if family == "cyclic":
        ref = np.exp(2j * np.pi * np.arange(n) / n)
        for x in _check_eig(a):
            d = np.abs(x[:, None] - ref[None, :]).min(axis=0)
            assert np.max(d) <= 30 * n * EPS


def test_clustered_and_repeated_complex(small):
    """Complex pairs repeated: Q blkdiag([[a, b], [-b, a]] x 20, ...) Q^T."""
    rng = np.random.default_rng(3)
    blocks = [np.array([[1.0, 2.0], [-2.0, 1.0]])] * 20 + [np.array([[0.5, 1e-9],
                                                                     [-1e-9, 0.5]])] * 20
    a = scipy.linalg.block_diag(*blocks)
    q, _ = np.linalg.qr(rng.standard_normal((80, 80)))
    a = q @ a @ q.T
    w, w2 = _check_eig(a)
    _match_conditioned(a, w2)


@pytest.mark.parametrize("n", [10, 50, 120, 230])
def test_schur_form(crossover, n):
    """A = Z T Z^T, Z orthogonal, T quasi-triangular with standard 2x2 blocks (equal
    diagonal entries, off-diagonal entries of opposite signs: a complex pair)."""
    a = np.random.default_rng(n).standard_normal((n, n))
    T, Z, w = eig_mod._schur_py(a)
    nrm = _norm2(a)
    assert np.linalg.norm(a - Z @ T @ Z.T) / (n * nrm * EPS) < 30
    assert np.linalg.norm(Z.T @ Z - np.eye(n)) / (n * EPS) < 30
    assert np.all(np.tril(T, -2) == 0.0)
    sub = np.diag(T, -1)
    assert np.all(sub[:-1][sub[1:] != 0] == 0), "two consecutive subdiagonal entries"
    for i in np.flatnonzero(sub):
        assert T[i, i] == T[i + 1, i + 1]
        assert T[i, i + 1] * T[i + 1, i] < 0
    _match_conditioned(a, w)
    assert np.sum(np.abs(w.imag) > 0) == 2 * np.count_nonzero(sub)


@pytest.mark.parametrize("n1,n2", [(1, 1), (1, 2), (2, 1), (2, 2)])
def test_swap_blocks(n1, n2):
    """_swap_blocks (dlaexc): T' = Q^T T Q with Q orthogonal, the two blocks' eigenvalues
    exchanged, T' quasi-triangular again."""
    rng = np.random.default_rng(n1 * 10 + n2)
    n = 6
    T = np.triu(rng.standard_normal((n, n)))
    j1 = 2
    blocks = {1: [np.array([[1.5]]), np.array([[-0.7]])],
              2: [np.array([[0.3, 2.0], [-1.0, 0.3]]), np.array([[-1.1, 0.5], [-3.0, -1.1]])]}
    T[j1:j1 + n1, j1:j1 + n1] = blocks[n1][0]
    T[j1 + n1:j1 + n1 + n2, j1 + n1:j1 + n1 + n2] = blocks[n2][1]
    T2, Q, ok = eig_mod._swap_blocks_py(T, j1, n1, n2)
    assert ok
    assert np.linalg.norm(Q.T @ Q - np.eye(n)) < 30 * n * EPS
    assert np.linalg.norm(Q.T @ T @ Q - T2) < 30 * n * EPS * np.linalg.norm(T)
    assert np.all(np.tril(T2, -2) == 0.0)
    lead = np.linalg.eigvals(T2[j1:j1 + n2, j1:j1 + n2])
    want = np.linalg.eigvals(blocks[n2][1])
    assert np.allclose(np.sort_complex(lead), np.sort_complex(want), atol=1e-12)
    trail = np.linalg.eigvals(T2[j1 + n2:j1 + n1 + n2, j1 + n2:j1 + n1 + n2])
    assert np.allclose(np.sort_complex(trail), np.sort_complex(np.linalg.eigvals(blocks[n1][0])),
                       atol=1e-12)
    # the blocks above keep their eigenvalues in place
    assert T2[0, 0] == T[0, 0] and T2[1, 1] == T[1, 1]


def test_swap_blocks_refuses_equal_pairs():
    """Two 2x2 blocks with the same complex pair cannot be swapped stably: dlaexc's test
    refuses, and T is left as it was."""
    T = np.zeros((4, 4))
    T[:2, :2] = [[1.0, 2.0], [-2.0, 1.0]]
    T[2:, 2:] = [[1.0, 2.0], [-2.0, 1.0]]
    T[:2, 2:] = [[1.0, -3.0], [0.5, 2.0]]
    T2, Q, ok = eig_mod._swap_blocks_py(T, 0, 2, 2)
    if ok:
        assert np.linalg.norm(Q.T @ T @ Q - T2) < 30 * 4 * EPS * np.linalg.norm(T)
    else:
        assert np.array_equal(T2, T) and np.array_equal(Q, np.eye(4))


def test_same_eigenvalues_as_double_shift():
    """Both paths on one matrix: the same eigenvalues (well conditioned: symmetric)."""
    a = SYMMETRIC["repeated"](150, 5)
    old = eig_mod._set_ms_crossover(10**6)
    try:
        ref = np.sort(np.real(np.asarray(eigvals(a))))
    finally:
        eig_mod._set_ms_crossover(old)
    ours = np.sort(np.real(np.asarray(eigvals(a))))
    assert np.max(np.abs(ours - ref)) <= 60 * 150 * EPS * _norm2(a)


def test_fewer_sweeps_than_double_shift():
    """Aggressive early deflation finds most eigenvalues without a sweep of their own:
    at n = 300 far fewer sweeps (both kinds counted) than the double-shift QR's (about
    2 per eigenvalue)."""
    a = np.random.default_rng(7).standard_normal((300, 300))
    old = eig_mod._set_ms_crossover(8)
    try:
        eigvals(a)
        ms = eig_mod._last_sweeps           # (72 when written)
        eig_mod._set_ms_crossover(10**6)
        eigvals(a)
        ds = eig_mod._last_sweeps           # (540)
    finally:
        eig_mod._set_ms_crossover(old)
    assert ms < ds / 3


def test_crossover_setter():
    old = eig_mod._set_ms_crossover(2)
    try:
        assert eig_mod._set_ms_crossover(40) == 6      # clamped to at least 6
    finally:
        eig_mod._set_ms_crossover(old)
    assert eig_mod._set_ms_crossover(old) == old


def test_cap_raises(small):
    a = np.random.default_rng(0).standard_normal((30, 30))
    old = eig_mod._set_cap_factor(0)
    try:
        with pytest.raises(LinAlgError, match="did not converge after"):
            eigvals(a)
    finally:
        eig_mod._set_cap_factor(old)


def test_zero_and_triangular(small):
    """Already in Schur form: exact eigenvalues, no sweep needed."""
    n = 30
    assert np.array_equal(np.asarray(eigvals(np.zeros((n, n)))), np.zeros(n))
    t = np.triu(np.random.default_rng(2).standard_normal((n, n)))
    assert np.allclose(np.sort(np.asarray(eigvals(t))), np.sort(np.diag(t)), rtol=0,
                       atol=30 * n * EPS * _norm2(t))

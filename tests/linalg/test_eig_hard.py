"""Hard inputs for eig / eigvals / eigh / svd: the matrices on which a Francis QR without
LAPACK's safeguards stalls (issue 15). Symmetric matrices with tight clusters and
repeated eigenvalues (covariance matrices of low rank among them), Wilkinson and Clement
matrices, companion matrices (the cyclic shift among them, the classic example where
the standard shifts give no progress), and Jordan blocks hidden by an orthogonal
similarity, sizes up to n = 200.

Each result is held to LAPACK-style backward-error ratios (LAPACK Working Note 41,
the test ratios of dchkhs/dchkst/dchkbd):
  eig   ||A V - V diag(w)||_F / (n ||A||_2 eps) < 30, unit columns of V
  eigh  the same residual and ||V^T V - I|| / (n eps) < 30
  svd   ||A - U diag(s) V^T||_F / (n ||A||_2 eps) < 30, orthonormal U, V
and against numpy's eigenvalues / singular values where these are well conditioned
(symmetric matrices: every eigenvalue; all families: the singular values)."""
import numpy as np
import pytest

from rusty_machine.linalg import eig, eigh, eigvals, eigvalsh, svd, svdvals

EPS = np.finfo(float).eps


# ---- the families -------------------------------------------------------------------
def _orthogonal(n, rng):
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    return Q * np.sign(np.diag(R))


def _sym_from_spectrum(d, rng):
    Q = _orthogonal(len(d), rng)
    S = (Q * d) @ Q.T
    return (S + S.T) / 2


def clustered(n, seed):
    """One tight cluster: eigenvalues 1 + 1e-10 g (g standard normal)."""
    rng = np.random.default_rng(seed)
    return _sym_from_spectrum(1.0 + 1e-10 * rng.standard_normal(n), rng)


def repeated(n, seed):
    """Eigenvalues in groups of 10 equal values."""
    rng = np.random.default_rng(seed)
    d = np.repeat(rng.standard_normal(n // 10 + 1), 10)[:n]
    return _sym_from_spectrum(d, rng)


def two_clusters(n, seed):
    """Half the eigenvalues at -1 and half at 2, each within 1e-13."""
    rng = np.random.default_rng(seed)
    d = np.where(np.arange(n) % 2 == 0, -1.0, 2.0) + 1e-13 * rng.standard_normal(n)
    return _sym_from_spectrum(d, rng)


def covariance(n, seed):
    """X^T X / k of k = 5 samples: eigenvalue 0 with multiplicity n - 5."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((5, n))
    C = X.T @ X / 5
    return (C + C.T) / 2


def wilkinson(n, seed=None):
    """W_n^+: diagonal |k - (n-1)/2|, ones beside it; pairs of nearly equal eigenvalues."""
    m = (n - 1) / 2
    return (np.diag(np.abs(np.arange(n) - m)) + np.diag(np.ones(n - 1), 1)
            + np.diag(np.ones(n - 1), -1))


def clement_sym(n, seed=None):
    """Symmetric Clement matrix: off-diagonal sqrt(k (n-k)), eigenvalues
    +-(n-1), +-(n-3), ... (and 0 for odd n)."""
    k = np.arange(1, n)
    off = np.sqrt(k * (n - k))
    return np.diag(off, 1) + np.diag(off, -1)


def clement(n, seed=None):
    """Nonsymmetric Clement (Kac) matrix: super-diagonal k, sub-diagonal n - k; the same
    eigenvalues as clement_sym, but very ill-conditioned ones."""
    k = np.arange(1, n)
    return np.diag(k.astype(float), 1) + np.diag((n - k).astype(float), -1)


def cyclic(n, seed=None):
    """Companion matrix of z^n - 1 (the cyclic shift): orthogonal, eigenvalues on the
    unit circle, the textbook case where the standard double shift makes no progress."""
    return np.roll(np.eye(n), 1, axis=0)


def companion_random(n, seed):
    """Companion matrix of a monic polynomial with random normal coefficients."""
    rng = np.random.default_rng(seed)
    C = np.zeros((n, n))
    C[0, :] = -rng.standard_normal(n)
    C[np.arange(1, n), np.arange(n - 1)] = 1.0
    return C


def jordan(n, seed):
    """Q J Q^T: one Jordan block (eigenvalue 2, ones above the diagonal) behind a random
    orthogonal similarity (so no balancing permutation can see it)."""
    rng = np.random.default_rng(seed)
    J = 2.0 * np.eye(n) + np.diag(np.ones(n - 1), 1)
    Q = _orthogonal(n, rng)
    return Q @ J @ Q.T


def jordan_blocks(n, seed):
    """Several Jordan blocks (sizes 1..5, eigenvalues +-1) behind an orthogonal similarity."""
    rng = np.random.default_rng(seed)
    J = np.zeros((n, n))
    i = 0
    lam = 1.0
    while i < n:
        b = min(int(rng.integers(1, 6)), n - i)
        J[i:i + b, i:i + b] = lam * np.eye(b) + np.diag(np.ones(b - 1), 1)
        lam = -lam
        i += b
    Q = _orthogonal(n, rng)
    return Q @ J @ Q.T


SYMMETRIC = {"clustered": clustered, "repeated": repeated, "two_clusters": two_clusters,
             "covariance": covariance, "wilkinson": wilkinson, "clement_sym": clement_sym}
GENERAL = {"clement": clement, "cyclic": cyclic, "companion_random": companion_random,
           "jordan": jordan, "jordan_blocks": jordan_blocks}
SIZES = [5, 21, 60, 101, 200]
SVD_SIZES = [5, 60, 200]

def _cases(families, sizes=SIZES):
    return [(name, n) for name in families for n in sizes]


# ---- the checks ----------------------------------------------------------------------
def _norm2(a):
    return max(np.linalg.norm(a, 2), np.finfo(float).tiny)


def _check_eig(a):
    n = a.shape[0]
    nrm = _norm2(a)
    w, V = eig(a)
    assert np.all(np.isfinite(w)) and np.all(np.isfinite(V))
    assert np.linalg.norm(a @ V - V * w) / (n * nrm * EPS) < 30
    assert np.allclose(np.linalg.norm(V, axis=0), 1.0, rtol=0, atol=30 * n * EPS)
    w2 = eigvals(a)
    assert w2.shape == (n,) and np.all(np.isfinite(w2))
    return w, w2


def _check_svd(a):
    n = a.shape[0]
    nrm = _norm2(a)
    U, s, Vt = (np.asarray(X) for X in svd(a))
    assert np.linalg.norm(a - (U * s) @ Vt) / (n * nrm * EPS) < 30
    assert np.linalg.norm(U.T @ U - np.eye(n)) / (n * EPS) < 30
    assert np.linalg.norm(Vt @ Vt.T - np.eye(n)) / (n * EPS) < 30
    ref = np.linalg.svd(a, compute_uv=False)
    assert np.max(np.abs(s - ref)) <= 30 * n * nrm * EPS
    assert np.max(np.abs(np.asarray(svdvals(a)) - ref)) <= 30 * n * nrm * EPS


@pytest.mark.parametrize("family,n", _cases(SYMMETRIC))
def test_eig_symmetric_families(family, n):
    a = SYMMETRIC[family](n, n)
    w, w2 = _check_eig(a)
    # symmetric: every eigenvalue is well conditioned (|dw| <= ||dA||), and real
    ref = np.linalg.eigvalsh(a)
    tol = 30 * n * _norm2(a) * EPS
    for x in (w, w2):
        assert np.max(np.abs(np.imag(x))) <= tol
        assert np.max(np.abs(np.sort(np.real(x)) - ref)) <= tol


@pytest.mark.parametrize("family,n", _cases(GENERAL))
def test_eig_general_families(family, n):
    a = GENERAL[family](n, n)
    w, w2 = _check_eig(a)
    if family == "cyclic":
        # orthogonal, so normal: its eigenvalues (the n-th roots of unity) are perfectly
        # conditioned
        ref = np.exp(2j * np.pi * np.arange(n) / n)
        for x in (w, w2):
            d = np.abs(np.asarray(x)[:, None] - ref[None, :]).min(axis=0)
            assert np.max(d) <= 30 * n * EPS


@pytest.mark.parametrize("family,n", _cases(SYMMETRIC))
def test_eigh_symmetric_families(family, n):
    a = SYMMETRIC[family](n, n)
    w, V = (np.asarray(X) for X in eigh(a))
    nrm = _norm2(a)
    assert np.linalg.norm(a @ V - V * w) / (n * nrm * EPS) < 30
    assert np.linalg.norm(V.T @ V - np.eye(n)) / (n * EPS) < 30
    ref = np.linalg.eigvalsh(a)
    assert np.max(np.abs(w - ref)) <= 30 * n * nrm * EPS
    assert np.max(np.abs(np.asarray(eigvalsh(a)) - ref)) <= 30 * n * nrm * EPS


@pytest.mark.parametrize("family,n", _cases(SYMMETRIC, SVD_SIZES)
                         + _cases(GENERAL, SVD_SIZES))
def test_svd_families(family, n):
    _check_svd({**SYMMETRIC, **GENERAL}[family](n, n))


def test_sweeps_stay_far_below_the_cap():
    """LAPACK's dlahqr needs a few sweeps per eigenvalue; so must we on a cluster
    (the cap is 30 n, a stalled iteration would reach it)."""
    import rusty_machine.linalg._eig as eig_mod
    n = 100
    eigvals(clustered(n, 1))
    assert eig_mod._last_sweeps <= 10 * n

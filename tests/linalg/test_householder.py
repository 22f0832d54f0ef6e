"""Tests of the reflector kernels in rusty_machine/linalg/_householder.pyx against the
definitions they implement (explicit products of H = I - tau v v^T built with numpy)."""
import numpy as np
import pytest

from rusty_machine.linalg import _householder as hh

EPS = np.finfo(np.float64).eps


def _reflector(v, tau):
    return np.eye(len(v)) - tau * np.outer(v, v)


@pytest.mark.parametrize("scale", [1.0, 1e-300, 1e-306, 1e290, 1e305])
@pytest.mark.parametrize("n", [1, 2, 7, 40])
def test_house_zeroes_the_vector(n, scale):
    """H x = beta e_1, H orthogonal, v_1 = 1, |beta| = ||x|| (scaled tiny/huge columns)."""
    x = np.random.default_rng(n).standard_normal(n) * scale
    beta, v, tau = hh.house_py(x)
    if n == 1:
        assert tau == 0.0 and beta == x[0]
        return
    assert v[0] == 1.0 and 1.0 <= tau <= 2.0
    H = _reflector(v, tau)
    assert np.abs(H.T @ H - np.eye(n)).max() < 10 * n * EPS
    y = H @ (x / scale)          # H is scale-free; compare on the unit-size vector
    assert abs(y[0] - beta / scale) <= 10 * n * EPS * np.linalg.norm(x / scale)
    assert np.abs(y[1:]).max() <= 10 * n * EPS * np.linalg.norm(x / scale)
    # (numpy.linalg.norm underflows on the tiny columns: compare scaled)
    assert np.isclose(abs(beta) / scale, np.linalg.norm(x / scale), rtol=10 * n * EPS, atol=0)


def test_house_of_a_zero_tail_is_the_identity():
    beta, v, tau = hh.house_py([3.0, 0.0, 0.0])
    assert tau == 0.0 and beta == 3.0


def _random_reflectors(k, r, seed):
    """k reflectors of length r in explicit-row form (row p: zeros, 1 at p, tail)."""
    rng = np.random.default_rng(seed)
    VT = np.zeros((k, r))
    tau = np.empty(k)
    for p in range(k):
        beta, v, t = hh.house_py(rng.standard_normal(r - p))
        VT[p, p:] = v
        tau[p] = t
    return VT, tau


def _explicit_q(VT, tau):
    r = VT.shape[1]
    Q = np.eye(r)
    for p in range(VT.shape[0]):
        Q = Q @ _reflector(VT[p], tau[p])
    return Q


@pytest.mark.parametrize("k,r", [(1, 1), (1, 5), (3, 3), (5, 12), (32, 70)])
def test_larft_compact_wy(k, r):
    """H_0 ... H_{k-1} = I - V T V^T with T upper triangular."""
    VT, tau = _random_reflectors(k, r, k * 100 + r)
    T = hh.larft_py(VT, tau)
    assert np.all(np.tril(T, -1) == 0.0)
    Q = np.eye(r) - VT.T @ T @ VT
    assert np.abs(Q - _explicit_q(VT, tau)).max() < 20 * r * EPS


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("trans", [True, False])
def test_larfb_both_sides(left, trans):
    k, r, n = 6, 20, 9
    VT, tau = _random_reflectors(k, r, 5)
    T = hh.larft_py(VT, tau)
    Q = _explicit_q(VT, tau)
    op = Q.T if trans else Q
    rng = np.random.default_rng(1)
    C = rng.standard_normal((r, n) if left else (n, r))
    got = hh.larfb_py(VT, T, C, left=left, trans=trans)
    ref = op @ C if left else C @ op
    assert np.abs(got - ref).max() < 20 * r * EPS * np.abs(C).max()


@pytest.mark.parametrize("m,ncols,k,nb", [(10, 10, 9, 4), (30, 12, 12, 5), (50, 50, 50, 32),
                                         (7, 7, 3, 1)])
def test_org_q_from_packed_columns(m, ncols, k, nb):
    """Q from reflectors packed below the diagonal (QR's layout), in blocks of nb, equals
    the explicit product's first ncols columns and has orthonormal columns."""
    VT, tau = _random_reflectors(k, m, m + k)
    A = np.zeros((m, k))
    for p in range(k):
        A[p + 1:, p] = VT[p, p + 1:]
        A[p, p:] = 123.0          # R's part must be ignored
    Q = hh.org_q_py(A, tau, ncols, nb)
    ref = _explicit_q(VT, tau)[:, :ncols]
    assert np.abs(Q - ref).max() < 20 * m * EPS
    assert np.abs(Q.T @ Q - np.eye(ncols)).max() < 20 * m * EPS


def test_wrappers_reject_bad_shapes():
    with pytest.raises(ValueError, match="empty"):
        hh.house_py([])
    with pytest.raises(ValueError, match="k x r"):
        hh.larft_py(np.eye(3), [1.0])
    with pytest.raises(ValueError, match="shapes"):
        hh.larfb_py(np.eye(3), np.eye(3), np.eye(4))
    with pytest.raises(ValueError, match="ncols"):
        hh.org_q_py(np.eye(3), [1.0, 1.0, 1.0, 1.0], 3)

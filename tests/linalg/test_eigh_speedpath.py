"""The symmetric eigensolver's driver (_eigh.syevd: dsytrd + dsterf / dstedc + dormtr on
caller-provided workspace) on the paths issue 15 made fast: the 2-D eigh / eigvalsh,
stacks of order > 16 (one nogil loop over syevd), one thread against two (the threaded
symmetric matrix-vector product and rank-2k update of the reduction), float32.

Accuracy is checked with LAPACK's dsyt21 ratios (LAPACK Working Note 41, the test
ratios of the symmetric eigen drivers):
    ||A - V diag(w) V^T||_F / (n ||A||_2 eps)   and   ||V^T V - I||_F / (n eps),
both below 30 (dsyt21's threshold), and the eigenvalues against numpy within
30 n ||A||_2 eps (both are backward stable, and symmetric eigenvalues are perfectly
conditioned: |dw| <= ||dA||_2).
"""
import numpy as np
import pytest

import rusty_machine
from rusty_machine import linalg
from rusty_machine.linalg import LinAlgError

EPS = np.finfo(np.float64).eps
THRESH = 30.0


def _sym(n, seed):
    b = np.random.default_rng(seed).standard_normal((n, n))
    return b + b.T


def _ratios(a, w, V):
    """dsyt21's residual and orthogonality ratios (float64)."""
    n = a.shape[0]
    nrm = max(np.linalg.norm(a, 2), np.finfo(float).tiny)
    res = np.linalg.norm(a - (V * w) @ V.T) / (n * nrm * EPS)
    orth = np.linalg.norm(V.T @ V - np.eye(n)) / (n * EPS)
    return res, orth


def _check(a):
    w, V = (np.asarray(x) for x in linalg.eigh(a))
    res, orth = _ratios(a, w, V)
    assert res < THRESH and orth < THRESH, (res, orth)
    assert np.all(np.diff(w) >= 0)
    ref = np.linalg.eigvalsh(a)
    tol = THRESH * a.shape[0] * np.linalg.norm(a, 2) * EPS
    assert np.max(np.abs(w - ref)) <= tol
    wv = np.asarray(linalg.eigvalsh(a))
    assert np.max(np.abs(wv - ref)) <= tol
    return w, V


def test_ratios_detect_a_wrong_answer():
    """The checks can fail: a swapped pair of eigenvalues, or a perturbed vector, is
    far above the threshold."""
    a = _sym(40, 1)
    w, V = (np.asarray(x) for x in linalg.eigh(a))
    w_bad = w.copy()
    w_bad[[0, -1]] = w_bad[[-1, 0]]
    assert _ratios(a, w_bad, V)[0] > 1e6
    V_bad = V.copy()
    V_bad[:, 3] += 1e-8
    assert _ratios(a, w, V_bad)[1] > 1e3


@pytest.mark.parametrize("n", [17, 33, 64, 200, 513])
def test_random_against_numpy(n):
    _check(_sym(n, n))


@pytest.mark.parametrize("kind", ["cluster", "repeated", "glued_wilkinson", "rank_one",
                                  "graded"])
def test_clustered_and_repeated(kind):
    rng = np.random.default_rng(5)
    n = 150
    if kind == "cluster":
        q, _ = np.linalg.qr(rng.standard_normal((n, n)))
        lam = np.concatenate([np.ones(60), 1 + 1e-12 * np.arange(50), -2 + 1e-9 *
                              np.arange(40)])
        a = (q * lam) @ q.T
    elif kind == "repeated":
        q, _ = np.linalg.qr(rng.standard_normal((n, n)))
        a = (q * np.repeat([-3.0, 0.0, 2.0, 5.0, 7.0], 30)) @ q.T
    elif kind == "glued_wilkinson":
        wk = np.diag(np.abs(np.arange(21) - 10.0)) + np.eye(21, k=1) + np.eye(21, k=-1)
        a = np.kron(np.eye(7), wk)
        a += 1e-14 * (np.eye(147, k=1) + np.eye(147, k=-1))
    elif kind == "rank_one":
        v = rng.standard_normal(n)
        a = np.outer(v, v)
    else:
        d = 10.0 ** np.linspace(-12, 0, n)
        q, _ = np.linalg.qr(rng.standard_normal((n, n)))
        a = (q * d) @ q.T
    _check(np.ascontiguousarray((a + a.T) / 2))


@pytest.mark.parametrize("scale", [1e-200, 1e200])
def test_tiny_and_huge_entries_are_scaled(scale):
    a = _sym(40, 3)
    w, V = (np.asarray(x) for x in linalg.eigh(a * scale))
    w1 = np.asarray(linalg.eigh(a)[0])
    assert np.allclose(w / scale, w1, rtol=1e-12, atol=1e-12 * np.abs(w1).max())
    assert _ratios(a, w / scale, V)[0] < THRESH


def test_zero_matrix():
    w, V = linalg.eigh(np.zeros((50, 50)))
    assert np.array_equal(np.asarray(w), np.zeros(50))
    assert np.array_equal(np.asarray(V), np.eye(50))


def test_only_lower_triangle_is_read():
    a = _sym(70, 4)
    junk = a.copy()
    junk[np.triu_indices(70, 1)] = np.nan
    w, V = linalg.eigh(junk)
    w0, V0 = linalg.eigh(a)
    assert np.array_equal(np.asarray(w), np.asarray(w0))
    assert np.array_equal(np.asarray(V), np.asarray(V0))
    with pytest.raises(ValueError, match="NaN or infinity"):
        linalg.eigh(np.where(np.eye(70, k=-1, dtype=bool), np.inf, a))


@pytest.mark.parametrize("n", [20, 40, 64, 70, 130])
@pytest.mark.parametrize("func", ["eigh", "eigvalsh"])
def test_stack_equals_2d_per_matrix(n, func):
    """Stacks of order > 16 run syevd in one nogil loop (prange over the matrices up to
    n = 64, one at a time above): each result equals the 2-D function's."""
    rng = np.random.default_rng(n)
    b = rng.standard_normal((3, 2, n, n))
    a = b + np.swapaxes(b, -1, -2)
    with rusty_machine.num_threads(1):
        out = getattr(linalg, func)(a)
        for idx in np.ndindex(3, 2):
            one = getattr(linalg, func)(a[idx])
            if func == "eigh":
                assert np.array_equal(out[0][idx], np.asarray(one[0]))
                assert np.array_equal(out[1][idx], np.asarray(one[1]))
            else:
                assert np.array_equal(out[idx], np.asarray(one))
    # and every matrix passes the ratios
    if func == "eigh":
        for idx in np.ndindex(3, 2):
            res, orth = _ratios(a[idx], out[0][idx], out[1][idx])
            assert res < THRESH and orth < THRESH


@pytest.mark.parametrize("n", [24, 100])
def test_stack_one_thread_equals_two(n):
    """Each matrix of a stack runs on one core either way: the same numbers."""
    b = np.random.default_rng(9).standard_normal((7, n, n))
    a = b + np.swapaxes(b, -1, -2)
    with rusty_machine.num_threads(1):
        w1, V1 = linalg.eigh(a)
    with rusty_machine.num_threads(2):
        w2, V2 = linalg.eigh(a)
    assert np.array_equal(w1, w2) and np.array_equal(V1, V2)


@pytest.mark.parametrize("n", [300, 700])
def test_one_thread_and_two(n):
    """Two threads (threaded symv, rank-2k update and GEMMs of the 2-D path) pass the
    same ratios and agree with one thread to rounding."""
    a = _sym(n, 11)
    with rusty_machine.num_threads(1):
        w1, V1 = _check(a)
    with rusty_machine.num_threads(2):
        w2, V2 = _check(a)
    assert np.max(np.abs(w1 - w2)) <= THRESH * n * np.linalg.norm(a, 2) * EPS


def test_stack_bad_input_and_failure():
    a = np.stack([_sym(20, s) for s in range(4)])
    a[2, 5, 3] = np.nan                                  # lower triangle of matrix 2
    with pytest.raises(ValueError, match="NaN or infinity"):
        linalg.eigh(a)
    with pytest.raises(ValueError, match="NaN or infinity"):
        linalg.eigvalsh(a)
    a[2, 5, 3] = 0.0
    a[2, 3, 5] = np.nan                                  # upper: never read (UPLO='L')
    assert np.all(np.isfinite(linalg.eigvalsh(a)))
    import importlib
    eigh_mod = importlib.import_module("rusty_machine.linalg._eigh")
    old = eigh_mod._set_cap_factor(0)
    try:
        with pytest.raises(LinAlgError, match="did not converge.*matrix 0 of the stack"):
            linalg.eigvalsh(np.stack([_sym(40, 1), _sym(40, 2)]))
        with pytest.raises(LinAlgError, match="did not converge"):
            linalg.eigh(np.stack([_sym(40, 1)]))
    finally:
        eigh_mod._set_cap_factor(old)


@pytest.mark.parametrize("shape", [(5, 40, 40), (2, 90, 90), (90, 90)])
def test_float32_is_computed_in_float32(shape):
    # issue 13 (part A): float32 input runs the float32 kernels, not float64 rounded
    # once: the eigenvalues differ from the rounded float64 ones (by a few float32
    # ulps) yet meet float32's own tolerance (tests/linalg/test_eigh_float32.py)
    b = np.random.default_rng(2).standard_normal(shape).astype(np.float32)
    a = b + np.swapaxes(b, -1, -2)
    w, V = linalg.eigh(a)
    w64, V64 = linalg.eigh(a.astype(np.float64))
    assert np.asarray(w).dtype == np.float32 and np.asarray(V).dtype == np.float32
    assert not np.array_equal(np.asarray(w), np.asarray(w64).astype(np.float32))
    n = shape[-1]
    tol = THRESH * n * np.finfo(np.float32).eps * np.abs(np.asarray(w64)).max()
    assert np.max(np.abs(np.asarray(w, dtype=np.float64) - np.asarray(w64))) <= tol
    wv = linalg.eigvalsh(a)
    assert np.asarray(wv).dtype == np.float32
    ref = np.linalg.eigvalsh(a.astype(np.float64))
    n = shape[-1]
    tol = THRESH * n * np.finfo(np.float32).eps * np.abs(ref).max()
    assert np.max(np.abs(np.asarray(wv, dtype=np.float64) - ref)) <= tol


@pytest.mark.parametrize("n", [37, 130, 257])
def test_threaded_paths_forced_at_small_orders(n):
    """Every threaded path (split symv, parallel D&C halves and secular roots, V = Q Z by
    column halves) forced on from order 8, odd splits included: same ratios, and the
    eigenvalues agree with the serial path to rounding."""
    import importlib
    eigh_mod = importlib.import_module("rusty_machine.linalg._eigh")
    a = _sym(n, 21)
    with rusty_machine.num_threads(1):
        w1 = np.asarray(linalg.eigh(a)[0])
    old = eigh_mod._set_par_min(8, 8, 8)
    try:
        with rusty_machine.num_threads(2):
            w2, _ = _check(a)
    finally:
        eigh_mod._set_par_min(*old)
    assert np.max(np.abs(w1 - w2)) <= THRESH * n * np.linalg.norm(a, 2) * EPS

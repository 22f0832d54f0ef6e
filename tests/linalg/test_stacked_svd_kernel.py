"""The nogil SVD kernels of _svd.pyx (issue 14): the one-sided Jacobi kernel
(jacobi_svd, small matrices) and the one-matrix driver gesdd, both run by one batch
loop (svd_batch) for stacks and 2-D inputs alike.

LAPACK-style residual checks, with the constants stated (properties, not entries:
singular vectors are defined up to sign, and Jacobi's signs differ from numpy's):

- reconstruction: ||A - U diag(s) Vt||_F <= C_REC min(m, n) eps ||A||_F (backward
  stable: LAPACK's dchkbd/dchkgg ratio |A - U S V^T| / (n |A| eps) below a threshold);
- orthogonality: ||U^T U - I||_max, ||Vt Vt^T - I||_max <= C_ORTH max(m, n) eps;
- singular values against numpy's: |s_i - s_i(numpy)| <= C_WEYL max(m, n) eps ||A||_2
  (Weyl: a backward error E moves each s_i by at most ||E||_2, and both sides have
  one of order max(m, n) eps ||A||_2);
- non-negative and descending.

Seeded stacks of standard normal, rank-deficient, graded, repeated-singular-value and
zero matrices, tall and wide, full_matrices both ways, float64 and float32; one vs two
threads give identical bits; a stacked matrix gives the same bits as its 2-D call."""
import numpy as np
import pytest

import rusty_machine
from rusty_machine.linalg import LinAlgError, svd, svdvals
from rusty_machine.linalg import _svd

C_REC = 10.0
C_ORTH = 10.0
C_WEYL = 10.0


def _eps(dtype):
    return np.finfo(dtype).eps


def _check(a, U, s, Vt, full):
    """Assert the residual checks of the module docstring for one matrix a (m x n)."""
    a = np.asarray(a, dtype=np.float64)
    eps = _eps(np.float64) if np.asarray(s).dtype == np.float64 else _eps(np.float32)
    m, n = a.shape
    k = min(m, n)
    U, s, Vt = (np.asarray(x, dtype=np.float64) for x in (U, s, Vt))
    amax = np.abs(a).max(initial=0.0)
    if amax > 0:                                  # the 1e300 cases: norms without overflow
        a = a / amax
        s = s / amax
    assert U.shape == ((m, m) if full else (m, k))
    assert Vt.shape == ((n, n) if full else (k, n))
    assert s.shape == (k,)
    anorm = np.linalg.norm(a)
    rec = np.linalg.norm(a - (U[:, :k] * s) @ Vt[:k, :])
    assert rec <= C_REC * max(k, 1) * eps * anorm, rec / (max(k, 1) * eps * max(anorm, 1e-300))
    tol_o = C_ORTH * max(m, n, 1) * eps
    assert np.abs(U.T @ U - np.eye(U.shape[1])).max(initial=0.0) <= tol_o
    assert np.abs(Vt @ Vt.T - np.eye(Vt.shape[0])).max(initial=0.0) <= tol_o
    ref = np.linalg.svd(a, compute_uv=False)
    two_norm = ref.max(initial=0.0)
    assert np.abs(s - ref).max(initial=0.0) <= C_WEYL * max(m, n) * eps * two_norm
    assert np.all(s >= 0) and np.all(np.diff(s) <= 0)


def _with_singular_values(sv, m, n, rng):
    """Q1 diag(sv) Q2^T with random orthogonal Q1 (m x m), Q2 (n x n)."""
    q1, _ = np.linalg.qr(rng.standard_normal((m, m)))
    q2, _ = np.linalg.qr(rng.standard_normal((n, n)))
    k = min(m, n)
    return (q1[:, :k] * np.asarray(sv, dtype=np.float64)) @ q2[:, :k].T


def _zoo(m, n, rng):
    """(name, matrix) pairs of the hard cases at one shape."""
    k = min(m, n)
    yield "normal", rng.standard_normal((m, n))
    yield "zero", np.zeros((m, n))
    r = max(k // 2, 1)
    yield "rank %d" % r, rng.standard_normal((m, r)) @ rng.standard_normal((r, n))
    yield "rank 1", np.outer(rng.standard_normal(m), rng.standard_normal(n))
    yield "graded", rng.standard_normal((m, n)) * np.logspace(0, -12, n)
    yield "graded rows", rng.standard_normal((m, n)) * np.logspace(0, -12, m)[:, None]
    sv = np.ones(k)
    sv[k // 2:] = 0.5
    yield "repeated", _with_singular_values(sv, m, n, rng)
    yield "identity-like", np.eye(m, n)
    tiny = np.zeros((m, n))
    tiny[0, 0] = 1.0
    tiny[-1, -1] = 1e-20
    yield "spiky", tiny
    yield "huge", rng.standard_normal((m, n)) * 1e300
    yield "tiny", rng.standard_normal((m, n)) * 1e-300


JACOBI_SHAPES = [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (8, 8), (12, 12), (16, 16),
                 (6, 3), (3, 6), (20, 4), (4, 20), (64, 12), (12, 64), (1, 7), (7, 1)]


@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("shape", JACOBI_SHAPES)
def test_jacobi_kernel_zoo(shape, full):
    """jacobi_svd alone (whatever the crossover) on every hard case of the zoo."""
    m, n = shape
    rng = np.random.default_rng(100 * m + n)
    for name, a in _zoo(m, n, rng):
        U, s, Vt = _svd._jacobi_py(a, True, full)
        try:
            _check(a, U, s, Vt, full)
        except AssertionError:
            raise AssertionError("case %s %s full=%s" % (name, shape, full)) from None
        _, s2, _ = _svd._jacobi_py(a, False, full)
        assert np.array_equal(s, s2), name          # values alone: the same rotations


def test_jacobi_zero_matrix_gives_identities():
    U, s, Vt = _svd._jacobi_py(np.zeros((4, 3)), True, True)
    assert np.array_equal(s, np.zeros(3))
    assert np.array_equal(U, np.eye(4)) and np.array_equal(Vt, np.eye(3))


def test_jacobi_graded_small_values_relative():
    """A = B D with B well conditioned and D graded: one-sided Jacobi's singular values
    are accurate relative to each one ([DV92]: the error bound is eps kappa(B), not
    eps kappa(A)). The reference is exact: A = Q diag(sv) with Q orthonormal columns
    has the singular values sv exactly (the rows of Q's transpose are what Jacobi
    rotates, so this is a matrix whose columns are orthogonal up to rounding)."""
    rng = np.random.default_rng(7)
    q, _ = np.linalg.qr(rng.standard_normal((8, 6)))
    sv = np.logspace(0, -40, 6)
    a = q * sv
    _, s, _ = _svd._jacobi_py(a, False)
    assert np.allclose(s / sv, 1.0, rtol=50 * _eps(np.float64), atol=0.0)


def test_the_check_can_fail():
    """The residual checks reject a wrong factorisation (a flipped sign in one vector
    of U alone, a perturbed singular value, a non-orthogonal U)."""
    rng = np.random.default_rng(1)
    a = rng.standard_normal((5, 4))
    U, s, Vt = _svd._jacobi_py(a, True, False)
    _check(a, U, s, Vt, False)
    bad_u = U.copy()
    bad_u[:, 1] *= -1
    with pytest.raises(AssertionError):
        _check(a, bad_u, s, Vt, False)
    bad_s = s.copy()
    bad_s[2] *= 1 + 1e-10
    with pytest.raises(AssertionError):
        _check(a, U, bad_s, Vt, False)
    skew = U.copy()
    skew[:, 0] += 1e-10 * skew[:, 1]
    with pytest.raises(AssertionError):
        _check(a, skew, s, Vt, False)


STACK_SHAPES = [(50, 4, 4), (20, 2, 3, 3), (30, 6, 3), (30, 3, 6), (10, 12, 12),
                (8, 16, 16), (6, 40, 8), (4, 33, 33), (3, 64, 64), (2, 70, 20), (2, 20, 70)]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("shape", STACK_SHAPES)
def test_stack_per_matrix(shape, full, dtype):
    """Every matrix of a seeded stack (a mix of the zoo's kinds) against numpy, through
    the public svd; float32 is computed in float32 (issue 13; the bounds use float32's
    eps)."""
    rng = np.random.default_rng(sum(shape) + full)
    m, n = shape[-2:]
    kinds = [a for _, a in _zoo(m, n, rng) if np.abs(a).max() < 1e30 or dtype == np.float64]
    nb = int(np.prod(shape[:-2]))
    a = np.array([kinds[i % len(kinds)] for i in range(nb)]).reshape(shape).astype(dtype)
    U, s, Vt = svd(a, full_matrices=full)
    assert U.dtype == s.dtype == Vt.dtype == dtype
    flat = a.reshape((nb, m, n))
    Uf = U.reshape((nb,) + U.shape[-2:])
    sf = s.reshape((nb, -1))
    Vf = Vt.reshape((nb,) + Vt.shape[-2:])
    for i in range(nb):
        _check(flat[i], Uf[i], sf[i], Vf[i], full)
    sv = svdvals(a)
    assert sv.dtype == dtype
    ref = np.linalg.svd(a.astype(np.float64), compute_uv=False)
    tol = C_WEYL * max(m, n) * _eps(dtype) * ref.max(axis=-1, keepdims=True)
    assert np.all(np.abs(sv - ref) <= tol)


@pytest.mark.parametrize("shape", [(4, 4), (12, 12), (16, 16), (40, 8), (8, 40), (70, 70)])
def test_jacobi_and_gesdd_paths_agree(shape):
    """The same stack through both kernels (the crossover moved): equal singular values
    to the Weyl bound, and both pass the residual checks."""
    rng = np.random.default_rng(3)
    a = rng.standard_normal((5,) + shape)
    old = _svd._set_jacobi_limits(1000, 1000, 1000)
    try:
        Uj, sj, Vj = svd(a, full_matrices=False)
        sj2 = svdvals(a)
    finally:
        _svd._set_jacobi_limits(*old)
    old = _svd._set_jacobi_limits(0, 0, 0)
    try:
        Ug, sg, Vg = svd(a, full_matrices=False)
        sg2 = svdvals(a)
    finally:
        _svd._set_jacobi_limits(*old)
    tol = C_WEYL * max(shape) * _eps(np.float64) * sg.max()
    assert np.abs(sj - sg).max() <= tol and np.abs(sj2 - sg2).max() <= tol
    for i in range(5):
        _check(a[i], Uj[i], sj[i], Vj[i], False)
        _check(a[i], Ug[i], sg[i], Vg[i], False)


@pytest.mark.parametrize("shape", [(200, 4, 4), (64, 6, 9), (40, 20, 20), (4, 80, 80)])
def test_one_and_two_threads_identical(shape):
    """prange over the batch (small matrices) or threads inside the kernels (large): the
    bits do not depend on the thread count."""
    a = np.random.default_rng(2).standard_normal(shape)
    with rusty_machine.num_threads(1):
        r1 = svd(a)
        v1 = svdvals(a)
    with rusty_machine.num_threads(2):
        r2 = svd(a)
        v2 = svdvals(a)
    for x, y in zip(r1, r2):
        assert np.array_equal(x, y)
    assert np.array_equal(v1, v2)


@pytest.mark.parametrize("shape", [(3, 4, 4), (3, 30, 30), (3, 5, 9)])
def test_stack_member_equals_its_2d_call(shape):
    """A 2-D input is a stack of one through the same batch loop, on the gesdd kernel
    (numpy's own tests rely on its LAPACK-like rounding, see _svd_all): the same bits
    as the stack with the Jacobi kernel off; a (1, M, N) stack gives the same bits as
    the stack's member."""
    a = np.random.default_rng(4).standard_normal(shape)
    U, s, Vt = svd(a)
    old = _svd._set_jacobi_limits(0, 0, 0)
    try:
        Ug, sg, Vtg = svd(a)
    finally:
        _svd._set_jacobi_limits(*old)
    for i in range(shape[0]):
        U2, s2, Vt2 = svd(a[i])
        assert np.array_equal(Ug[i], np.asarray(U2))
        assert np.array_equal(sg[i], np.asarray(s2))
        assert np.array_equal(Vtg[i], np.asarray(Vt2))
        U1, s1, Vt1 = svd(a[i:i + 1])
        assert np.array_equal(U[i], U1[0]) and np.array_equal(s[i], s1[0])
        assert np.array_equal(Vt[i], Vt1[0])


def test_layouts_and_readonly_input_untouched():
    rng = np.random.default_rng(5)
    base = rng.standard_normal((6, 5, 8))
    for a in (np.asfortranarray(base), base[:, ::2, 1:6], base.transpose(0, 2, 1)):
        a.setflags(write=False)
        before = a.copy()
        U, s, Vt = svd(a, full_matrices=False)
        assert np.array_equal(a, before)
        for i in range(a.shape[0]):
            _check(a[i], U[i], s[i], Vt[i], False)


def test_jacobi_non_convergence_names_the_matrix():
    a = np.random.default_rng(6).standard_normal((3, 4, 4))
    old = _svd._set_jacobi_sweeps(0)
    try:
        with pytest.raises(LinAlgError, match=r"Jacobi did not converge.*matrix 0 of the"):
            svd(a)
        with pytest.raises(LinAlgError, match="did not converge"):
            svdvals(a[:1])
    finally:
        _svd._set_jacobi_sweeps(old)
    assert svd(a).S.shape == (3, 4)                   # and back to normal


def test_bidiagonal_qr_cap_in_a_stack():
    """The large path's sweep cap surfaces as LinAlgError naming the matrix (order 20:
    values by the bidiagonal QR, below DQDS_MIN)."""
    a = np.random.default_rng(8).standard_normal((2, 20, 20))
    old = _svd._set_cap_factor(0)
    try:
        with pytest.raises(LinAlgError, match=r"did not converge.*matrix 0 of the stack"):
            svdvals(a)
        with pytest.raises(LinAlgError, match="did not converge"):
            svd(a)
    finally:
        _svd._set_cap_factor(old)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_rejected_on_both_paths(bad):
    for shape in [(3, 4, 4), (2, 40, 40)]:
        a = np.ones(shape)
        a[-1, 1, 2] = bad
        with pytest.raises(ValueError, match="NaN or infinity"):
            svd(a)
        with pytest.raises(ValueError, match="NaN or infinity"):
            svdvals(a[-1])


def test_bdsqr_values_shell():
    """The values-only bidiagonal QR on a bidiagonal with known singular values
    (B = [[1, 1], [0, 1]]: s = golden ratio, 1 / golden ratio)."""
    s = np.sort(np.abs(_svd._bdsqr_values_py([1.0, 1.0], [1.0])))[::-1]
    phi = (1 + np.sqrt(5)) / 2
    assert np.allclose(s, [phi, 1 / phi], rtol=4 * _eps(np.float64), atol=0)


@pytest.mark.parametrize("shape", [(40, 4, 4), (3, 2, 12, 12), (3, 20, 20)])
def test_hermitian_stack_in_one_call(shape):
    """hermitian=True on a stack: the stacked eigh (Jacobi for small orders) and numpy's
    construction along the last axis; the residual checks per matrix, singular values
    against numpy's, a zero eigenvalue keeping its vector in Vt."""
    rng = np.random.default_rng(9)
    b = rng.standard_normal(shape)
    a = b + np.swapaxes(b, -1, -2)
    a[0] = 0.0
    a[0, ..., 0, 0] = 1.0                                 # eigenvalues 1, 0, 0, ...
    U, s, Vt = svd(a, hermitian=True)
    s2 = svd(a, compute_uv=False, hermitian=True)
    m = shape[-1]
    flat = a.reshape((-1, m, m))
    Uf, sf, Vf = U.reshape(flat.shape), s.reshape((-1, m)), Vt.reshape(flat.shape)
    for i in range(flat.shape[0]):
        _check(flat[i], Uf[i], sf[i], Vf[i], True)
    tol = C_WEYL * m * _eps(np.float64) * s.max()
    assert np.abs(s2 - s).max() <= tol


def _bidiagonal_zoo(rng, count=400):
    """(kind, d, e) upper bidiagonals: random, graded, zero diagonal entries, zero and
    tiny superdiagonal entries, constant, clustered, Wilkinson-like."""
    for trial in range(count):
        n = int(rng.integers(1, 100))
        kind = trial % 8
        d = rng.standard_normal(n)
        e = rng.standard_normal(max(n - 1, 0))
        if kind == 1:
            d *= np.logspace(0, -15, n)
        if kind == 2:
            d[rng.integers(0, n, size=3)] = 0.0
        if kind == 3 and n > 1:
            e[rng.integers(0, n - 1, size=3)] = 0.0
        if kind == 4:
            d[:] = 1.0
            e[:] = 1.0
        if kind == 5:
            d[:] = 1.0
            e *= 1e-9
        if kind == 6:
            d = np.abs(np.arange(n) - n // 2) + 1.0
            e[:] = 1.0
        if kind == 7:
            e = e * np.logspace(-20, 0, max(n - 1, 0))
        yield kind, d, e


def test_dqds_against_numpy():
    """dqds's singular values of bidiagonals against numpy's, to the Weyl bound."""
    rng = np.random.default_rng(11)
    for kind, d, e in _bidiagonal_zoo(rng):
        n = d.size
        B = np.diag(d) + (np.diag(e, 1) if n > 1 else 0.0)
        ref = np.linalg.svd(B, compute_uv=False)
        s = _svd._dqds_py(d, e)
        assert np.all(np.diff(s) <= 0) and np.all(s >= 0)
        tol = C_WEYL * n * _eps(np.float64) * max(ref.max(), 1e-300)
        assert np.abs(s - ref).max() <= tol, (kind, n)


def test_dqds_tiny_graded_falls_back_to_qr():
    """Entries graded down to 1e-300 (their squares underflow): dqds may give up, the
    values-only path then runs the bidiagonal QR on the saved bidiagonal; the answer is
    right either way."""
    rng = np.random.default_rng(12)
    n = 100
    d = np.logspace(0, -300, n) * np.sign(rng.standard_normal(n))
    e = rng.standard_normal(n - 1) * 1e-150
    B = np.diag(d) + np.diag(e, 1)
    ref = np.linalg.svd(B, compute_uv=False)
    for a in (B, B[None], np.stack([B, B.T])):
        s = np.asarray(svdvals(a)).reshape(-1, n)
        assert np.abs(s - ref).max() <= C_WEYL * n * _eps(np.float64) * ref.max()


def test_python_threads_share_the_workspace_cache_safely():
    """The driver's cached workspace is used by one call at a time: concurrent calls
    from Python threads (the kernels release the GIL) each get right answers."""
    from concurrent.futures import ThreadPoolExecutor
    rng = np.random.default_rng(13)
    mats = [rng.standard_normal((90, 70)) for _ in range(8)]
    want = [np.linalg.svd(a, compute_uv=False) for a in mats]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda a: svd(a, full_matrices=False), mats * 3))
    for i, (U, s, Vt) in enumerate(got):
        a = mats[i % 8]
        _check(a, U, s, Vt, False)
        tol = C_WEYL * 90 * _eps(np.float64) * want[i % 8][0]
        assert np.abs(np.asarray(s) - want[i % 8]).max() <= tol

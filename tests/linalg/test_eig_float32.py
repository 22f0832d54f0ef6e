"""eig / eigvals / hessenberg on float32 input, computed in float32 (issue 13, part C).

The whole geev driver (balancing, Hessenberg reduction, double-shift and multishift QR,
dtrevc) is fused over float/double; float32 input runs the float instance, with its
deflation and overflow tests in float32's epsilon and range. Checks, in float32's eps
(eps32 = 2^-23):
  - LAPACK-style residual ratios (LAPACK Working Note 41, dchkhs / dget22):
    ||A V - V diag(w)||_F / (n ||A||_2 eps32) < 30 with unit-norm columns of V;
  - eigenvalues against numpy's (numpy computes float32 in float64 and rounds) within a
    condition-aware bound: |w_i - w_i^ref| <= 30 n eps32 ||A||_2 / s_i, with s_i the
    reciprocal condition |y_i^H x_i| of the eigenvalue (LAPACK's dtrsna); Jordan
    blocks (s_i = 0) are held to residuals only;
  - numpy's types: float32 / complex64 by numpy's per-call rule; hessenberg float32;
  - evidence that the float32 path really computes in float32 and converges in
    float32's epsilon: answers differ from the rounded float64 ones, and the QR needs
    fewer sweeps than in float64 (eps32 deflates sooner).
Sizes run around the small-matrix path (order <= 16), the blocked reduction (> 65) and
the multishift crossover (200); the multishift path is also forced on small matrices."""
import numpy as np
import pytest
import scipy.linalg
from scipy.optimize import linear_sum_assignment

import rusty_machine.linalg._eig as eig_mod
from rusty_machine.linalg import LinAlgError, Matrix, eig, eigvals, hessenberg
from test_eig_hard import GENERAL, SYMMETRIC

EPS32 = float(np.finfo(np.float32).eps)
SIZES = [1, 2, 3, 4, 5, 8, 15, 16, 17, 31, 33, 64, 65, 66, 100, 150, 199, 200, 201, 257]


@pytest.fixture(params=[8, None], ids=["crossover8", "default"])
def crossover(request):
    """The multishift path from 8 rows on, or the default crossover (200)."""
    old = eig_mod._set_ms_crossover(request.param or 200)
    yield request.param
    eig_mod._set_ms_crossover(old)


def _norm2(a):
    return max(np.linalg.norm(np.asarray(a, dtype=np.float64), 2), np.finfo(float).tiny)


def _residual_ratio(a, w, V):
    """||A V - V diag(w)||_F / (n ||A||_2 eps32), in float64 from the float32 results."""
    A = np.asarray(a, dtype=np.float64)
    n = A.shape[0]
    X = np.asarray(V).astype(np.complex128)
    W = np.asarray(w).astype(np.complex128)
    return np.linalg.norm(A @ X - X * W) / (n * _norm2(A) * EPS32)


def _check_eig32(a, atol=0.0):
    """eig and eigvals of the float32 a: types, finiteness, residual, unit columns
    (atol: an absolute residual allowance, for subnormal eigenvalues)."""
    a = np.asarray(a, dtype=np.float32)
    n = a.shape[0]
    w, V = eig(a)
    assert w.dtype in (np.float32, np.complex64)
    assert V.dtype == w.dtype
    assert np.all(np.isfinite(w)) and np.all(np.isfinite(V))
    assert _residual_ratio(a, w, V) < 30 * (1 + atol / (n * _norm2(a) * EPS32))
    assert np.abs(np.linalg.norm(V.astype(np.complex128), axis=0) - 1).max() < 30 * n * EPS32
    w2 = eigvals(a)
    assert w2.dtype in (np.float32, np.complex64)
    assert w2.shape == (n,) and np.all(np.isfinite(w2))
    return w, V, w2


def _match(w, ref):
    """w reordered to match ref (a minimum-cost assignment of |w_i - ref_j|)."""
    w = np.asarray(w).astype(np.complex128)
    ref = np.asarray(ref).astype(np.complex128)
    rows, cols = linear_sum_assignment(np.abs(w[:, None] - ref[None, :]))
    out = np.empty_like(ref)
    out[cols] = w[rows]
    return out


def _check_values_conditioned(a, w):
    """|w_i - w_i^ref| <= 30 n eps32 ||A||_2 / s_i + the rounding of numpy's float32
    answer, s_i = |y_i^H x_i| (unit left/right vectors of A in float64: dtrsna's
    reciprocal condition number)."""
    A = np.asarray(a, dtype=np.float64)
    n = A.shape[0]
    ref, yl, xr = scipy.linalg.eig(A, left=True, right=True)
    s = np.abs(np.sum(np.conj(yl) * xr, axis=0)) / (
        np.linalg.norm(yl, axis=0) * np.linalg.norm(xr, axis=0))
    tol = 30 * n * EPS32 * _norm2(A) / np.maximum(s, 1e-300) + 2 * EPS32 * np.abs(ref)
    got = _match(w, ref)
    assert np.all(np.abs(got - ref) <= tol)
    # and numpy's own float32 answer is within the same bound of ours
    ref32 = _match(np.linalg.eigvals(np.asarray(a, dtype=np.float32)), ref)
    assert np.all(np.abs(got - ref32) <= 2 * tol)


# ---- random matrices of every size, both QR paths ------------------------------------
@pytest.mark.parametrize("n", SIZES)
def test_random_sizes(n, crossover):
    a = np.random.default_rng(n).standard_normal((n, n)).astype(np.float32)
    w, V, w2 = _check_eig32(a)
    _check_values_conditioned(a, w)
    _check_values_conditioned(a, w2)


@pytest.mark.parametrize("n", [3, 9, 16, 17, 40])
def test_small_path_and_blocked_path_agree(n):
    """geev's small-order path (unblocked Q, V = Z X by loops) and the blocked one give
    the same float32 answers to rounding."""
    a = np.random.default_rng(100 + n).standard_normal((n, n)).astype(np.float32)
    w1, V1, _ = _check_eig32(a)
    old = eig_mod._set_geev_small(0)
    try:
        w2, V2, _ = _check_eig32(a)
    finally:
        eig_mod._set_geev_small(old)
    assert np.allclose(w1, w2, rtol=0, atol=30 * n * EPS32 * _norm2(a))


def test_real_spectrum_gives_float32():
    """numpy's per-call rule: float32 results when every eigenvalue is real."""
    rng = np.random.default_rng(3)
    s = rng.standard_normal((30, 30))
    a = (s + s.T).astype(np.float32)
    w, V, w2 = _check_eig32(a)
    assert w.dtype == np.float32 and V.dtype == np.float32 and w2.dtype == np.float32
    ref = np.linalg.eigvalsh(a.astype(np.float64))
    assert np.max(np.abs(np.sort(w) - ref)) <= 30 * 30 * EPS32 * _norm2(a)
    # a triangular matrix (isolated by the balancing permutation): exact eigenvalues
    t = np.triu(rng.standard_normal((12, 12))).astype(np.float32)
    w, V = eig(t)
    assert w.dtype == np.float32
    assert np.array_equal(np.sort(w), np.sort(np.diag(t)))


def test_complex_pair_layout_complex64():
    """A rotation block: the pair adjacent, positive imaginary part first, conjugate
    vectors, complex64."""
    c, s = np.float32(np.cos(0.7)), np.float32(np.sin(0.7))
    a = np.array([[c, -s, 0], [s, c, 0], [0, 0, 2]], dtype=np.float32)
    w, V = eig(a)
    assert w.dtype == np.complex64 and V.dtype == np.complex64
    k = int(np.argmax(np.abs(w.imag)))
    assert w[k].imag > 0 and w[k + 1] == np.conj(w[k])
    assert np.array_equal(V[:, k + 1], np.conj(V[:, k]))
    assert abs(w[k] - (c + 1j * s)) <= 4 * EPS32
    assert _residual_ratio(a, w, V) < 30


def test_matrix_and_integer_inputs():
    """A float32 Matrix stays float32; integer input computes in float64 (numpy)."""
    rng = np.random.default_rng(4)
    a = rng.standard_normal((10, 10)).astype(np.float32)
    w, V = eig(Matrix(a))
    assert w.dtype == np.complex64
    assert np.array_equal(w, eig(a)[0])
    wi = eigvals(np.arange(16).reshape(4, 4))
    assert wi.dtype in (np.float64, np.complex128)


# ---- float32 is computed in float32, converged in float32's epsilon ------------------
def test_float32_is_not_float64_rounded():
    """The answers come from the float instance: within float32 accuracy of the float64
    answers but not equal to them rounded (a float64 computation rounded once would be);
    and the float32 QR deflates in eps32, so it needs fewer sweeps than float64."""
    rng = np.random.default_rng(5)
    differ = 0
    sweeps32 = sweeps64 = 0
    for n in (20, 60, 120, 220):
        a = rng.standard_normal((n, n)).astype(np.float32)
        w32 = eigvals(a)
        sweeps32 += eig_mod._last_sweeps
        w64 = eigvals(a.astype(np.float64))
        sweeps64 += eig_mod._last_sweeps
        differ += int(not np.array_equal(_match(w32, w64), w64.astype(np.complex64)))
        _check_values_conditioned(a, w32)
    assert differ == 4
    assert sweeps32 < sweeps64


def test_hessenberg_float32():
    for n in (1, 2, 5, 40, 70, 130):
        a = np.random.default_rng(n).standard_normal((n, n)).astype(np.float32)
        H, Q = hessenberg(a)
        assert H.dtype == np.float32 and Q.dtype == np.float32
        h = np.asarray(H, dtype=np.float64)
        q = np.asarray(Q, dtype=np.float64)
        assert np.all(np.tril(h, -2) == 0)
        assert np.linalg.norm(a - q @ h @ q.T) / (n * _norm2(a) * EPS32) < 30
        assert np.linalg.norm(q.T @ q - np.eye(n)) / (n * EPS32) < 30
        # float32 arithmetic, not float64 rounded: the residual in float64's eps is big
        if n >= 40:
            assert np.linalg.norm(a - q @ h @ q.T) / (n * _norm2(a) * np.finfo(float).eps) > 30
    H, Q = hessenberg(np.zeros((0, 0), dtype=np.float32))
    assert H.dtype == np.float32 and H.shape == (0, 0)


# ---- stacks --------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 2, 5, 20, 70])
def test_stacks(n):
    rng = np.random.default_rng(200 + n)
    a = rng.standard_normal((3, 4, n, n)).astype(np.float32)
    w, V = eig(a)
    w2 = eigvals(a)
    assert w.shape == (3, 4, n) and V.shape == (3, 4, n, n)
    assert w.dtype in (np.float32, np.complex64) and V.dtype == w.dtype
    assert w2.dtype in (np.float32, np.complex64)
    for i in range(3):
        for j in range(4):
            wk, Vk = eig(a[i, j])
            # the 2-D driver and the stack run the same float32 geev
            assert np.array_equal(w[i, j].astype(np.complex64), wk.astype(np.complex64))
            assert np.array_equal(V[i, j].astype(np.complex64), Vk.astype(np.complex64))
            assert _residual_ratio(a[i, j], w[i, j], V[i, j]) < 30
            assert np.array_equal(np.sort_complex(w2[i, j].astype(np.complex64)),
                                  np.sort_complex(eigvals(a[i, j]).astype(np.complex64)))


def test_stack_real_spectra_stay_float32():
    rng = np.random.default_rng(6)
    s = rng.standard_normal((5, 8, 8))
    a = (s + np.swapaxes(s, -1, -2)).astype(np.float32)
    w, V = eig(a)
    assert w.dtype == np.float32 and V.dtype == np.float32
    assert eigvals(a).dtype == np.float32
    assert eig(np.zeros((2, 0, 0), dtype=np.float32))[0].dtype == np.float32


# ---- the hard zoo in float32 (tests/linalg/test_eig_hard.py's families) --------------
ZOO_SIZES = [5, 21, 60, 101, 200]


@pytest.mark.parametrize("family", sorted(GENERAL))
@pytest.mark.parametrize("n", ZOO_SIZES)
def test_zoo_general_float32(family, n):
    a = GENERAL[family](n, n).astype(np.float32)
    w, V, w2 = _check_eig32(a)
    assert eig_mod._last_sweeps <= 10 * max(n, 10)      # far below the cap 30 max(n, 10)
    if family == "cyclic":
        # orthogonal, hence normal: the n-th roots of unity, perfectly conditioned
        ref = np.exp(2j * np.pi * np.arange(n) / n)
        for x in (w, w2):
            d = np.abs(np.asarray(x)[:, None] - ref[None, :]).min(axis=0)
            assert np.max(d) <= 30 * n * EPS32
    # clement, companion and Jordan eigenvalues are ill-conditioned (Jordan: s_i = 0):
    # the residual ratio above is the test


@pytest.mark.parametrize("family", sorted(SYMMETRIC))
@pytest.mark.parametrize("n", ZOO_SIZES)
def test_zoo_symmetric_float32(family, n, crossover):
    a = SYMMETRIC[family](n, n).astype(np.float32)
    w, V, w2 = _check_eig32(a)
    # a symmetric matrix's eigenvalues are perfectly conditioned (|dw| <= ||dA||_2)
    ref = np.linalg.eigvalsh(a.astype(np.float64))
    tol = 30 * n * _norm2(a) * EPS32
    for x in (w, w2):
        assert np.max(np.abs(np.imag(x))) <= tol
        assert np.max(np.abs(np.sort(np.real(x)) - ref)) <= tol


def test_cluster_sweeps_far_below_the_cap():
    n = 100
    eigvals(SYMMETRIC["clustered"](n, 1).astype(np.float32))
    assert eig_mod._last_sweeps <= 10 * n


# ---- scales near float32's limits ----------------------------------------------------
@pytest.mark.parametrize("scale", [2.0 ** -140, 1e-37, 1e-30, 1e-13, 1e-11,
                                   1e11, 1e13, 1e30, 1e37])
@pytest.mark.parametrize("n", [4, 30, 210])
def test_tiny_and_huge_scales(scale, n):
    """dgeev's scaling window in float32's range (1e-12..1e12), the balancing limits and
    dtrevc's overflow guards: finite answers, residuals in eps32, eigenvalues that scale
    with the matrix (2^-140 is subnormal in float32)."""
    rng = np.random.default_rng(300 + n)
    base = rng.standard_normal((n, n))
    base /= np.abs(base).max()
    a = (base * scale).astype(np.float32)
    # subnormal results carry an absolute error of their spacing 2^-149 each
    w, V, w2 = _check_eig32(a, atol=np.sqrt(n) * 2.0 ** -149)
    ref = np.linalg.eigvals(base).astype(np.complex128) * scale
    anorm = _norm2(a)
    # random matrices' eigenvalues are well conditioned enough for 1e4 n eps32 ||A||;
    # subnormal entries carry an absolute error of their own spacing (2^-149)
    tol = 1e4 * n * EPS32 * anorm + n * 2.0 ** -149
    assert np.max(np.abs(_match(w, ref) - ref)) <= tol


def test_wide_range_of_row_scales():
    """Balancing in float32: rows scaled from 2^-30 to 2^30 (the similarity D A D^-1 of
    a random matrix keeps its eigenvalues; balancing undoes D exactly in powers of 2);
    the largest entries (~1e18) are above the scaling window, so dgeev's scaling runs
    too and must not flush the smallest ones (~1e-18) to zero."""
    rng = np.random.default_rng(7)
    n = 31
    base = rng.standard_normal((n, n))
    d = 2.0 ** np.round(np.linspace(-30, 30, n))
    a = ((d[:, None] * base) / d[None, :]).astype(np.float32)
    w, V = eig(a)
    assert np.all(np.isfinite(w)) and np.all(np.isfinite(V))
    ref = np.linalg.eigvals(base)
    got = _match(w, ref)
    assert np.max(np.abs(got - ref)) <= 1e4 * n * EPS32 * _norm2(base)


# ---- errors --------------------------------------------------------------------------
def test_bad_input_float32():
    a = np.eye(4, dtype=np.float32)
    a[1, 2] = np.nan
    with pytest.raises(ValueError, match="NaN or inf"):
        eig(a)
    a[1, 2] = np.inf
    with pytest.raises(ValueError, match="NaN or inf"):
        eigvals(a)
    with pytest.raises(ValueError, match="NaN or inf"):
        eig(np.stack([a, a]))
    with pytest.raises((ValueError, LinAlgError)):
        eig(np.ones((3, 4), dtype=np.float32))


def test_iteration_cap_raises_float32():
    a = np.random.default_rng(8).standard_normal((12, 12)).astype(np.float32)
    old = eig_mod._set_cap_factor(0)
    try:
        with pytest.raises(LinAlgError, match="did not converge"):
            eigvals(a)
        with pytest.raises(LinAlgError):
            eig(np.stack([a, a]))
    finally:
        eig_mod._set_cap_factor(old)

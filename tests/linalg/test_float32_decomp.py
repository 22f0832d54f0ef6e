"""The decompositions on float32 (issue 13, phase D): LU, Cholesky, QR, the triangular
solve, solve, inv, det and slogdet run in float32 for float32 input and return float32,
as numpy.linalg does; mixed float32/float64 input promotes to float64.

Tolerances are LAPACK-style ratios in the result dtype's epsilon (threshold 30, as the
LAPACK test suite's): a backward error divided by n * eps * (the norms it scales with),
e.g. ||P L U - A|| / (n eps ||A||) for LU (Higham, Accuracy and Stability of Numerical
Algorithms, 2nd ed., Thm. 9.3 and 10.3; GVL4 Sec. 5.2 for QR). A float32 routine that
secretly ran in float64 would pass these too, so every test also checks the dtype, and
the dtype tests check that float32 results differ from the float64 ones by float32
rounding (they are not float64 results rounded at the end).
"""
import pickle

import numpy as np
import pytest
from _zoo import LAYOUTS, layout

from rusty_machine.linalg import (LinAlgError, Matrix, Vector, cho_factor, cholesky, det,
                                  inv, lu, lu_factor, qr, qr_factor, slogdet, solve,
                                  solve_triangular)
from rusty_machine.linalg import _cholesky, _lu, _qr

F32 = np.dtype(np.float32)
F64 = np.dtype(np.float64)
EPS32 = float(np.finfo(np.float32).eps)
THRESHOLD = 30


def norm(x):
    return float(np.linalg.norm(np.asarray(x, dtype=np.float64), 1)) if np.size(x) else 0.0


def a32(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def spd32(n, seed=0):
    g = np.random.default_rng(seed).standard_normal((n, n))
    return (g @ g.T / n + np.eye(n)).astype(np.float32)


def f64(x):
    return np.asarray(x).astype(np.float64)


@pytest.fixture(params=["default", "tiny"])
def blocks(request):
    """Default block sizes, and tiny ones so that n <= 70 reaches every blocked path."""
    if request.param == "tiny":
        olds = [(_lu, _lu._set_block_sizes(getrf=8, leaf=3, getri=5, trtri=3)),
                (_cholesky, _cholesky._set_block_sizes(potrf=8, potf2=3)),
                (_qr, _qr._set_block_sizes(geqrf=8, leaf=2, orgqr=5))]
        yield request.param
        for module, old in olds:
            module._set_block_sizes(**old)
    else:
        yield request.param


SQUARE = [1, 2, 7, 33, 70, 150]
SHAPES = [(1, 1), (7, 3), (3, 7), (40, 17), (17, 40), (70, 70), (150, 90)]


# ---- LU, solve, inv, det -------------------------------------------------------------
@pytest.mark.parametrize("shape", SHAPES)
def test_lu_float32(shape, blocks):
    a = a32(shape, 1)
    P, L, U = lu(a)
    for f in (P, L, U):
        assert f.dtype == F32
    m, n = shape
    ratio = norm(f64(P) @ f64(L) @ f64(U) - a) / (max(m, n) * EPS32 * norm(a))
    assert ratio < THRESHOLD
    assert np.all(np.abs(np.asarray(L)) <= 1)


@pytest.mark.parametrize("n", SQUARE)
def test_solve_float32(n, blocks):
    a = a32((n, n), 2) + np.float32(3) * np.eye(n, dtype=np.float32)
    b = a32(n, 3)
    B = a32((n, 4), 4)
    x = solve(a, b)
    X = solve(a, B)
    assert isinstance(x, Vector) and x.dtype == F32
    assert isinstance(X, Matrix) and X.dtype == F32
    assert np.linalg.solve(a, b).dtype == F32              # numpy's rule, the reference
    for sol, rhs in ((f64(x)[:, None], b[:, None]), (f64(X), B)):
        resid = norm(a @ sol - rhs)
        ratio = resid / (n * EPS32 * (norm(a) * norm(sol) + norm(rhs)))
        assert ratio < THRESHOLD
    # the same answer as numpy's float32 solve, to float32 accuracy times cond(A)
    cond = np.linalg.cond(f64(a), 1)
    ref = np.linalg.solve(a, b)
    assert norm(f64(x) - ref) <= THRESHOLD * n * EPS32 * cond * norm(ref)


@pytest.mark.parametrize("n", SQUARE)
def test_inv_float32(n, blocks):
    a = a32((n, n), 5) + np.float32(3) * np.eye(n, dtype=np.float32)
    X = inv(a)
    assert X.dtype == F32
    x = f64(X)
    ratio = norm(a @ x - np.eye(n)) / (n * EPS32 * norm(a) * norm(x))
    assert ratio < THRESHOLD


def test_inv_is_computed_in_float32():
    # a float64 inverse rounded to float32 would sit within half an ulp of the exact
    # one; the float32 computation errs by many ulps on a matrix of condition ~1e3
    n = 60
    rng = np.random.default_rng(6)
    q1, _ = np.linalg.qr(rng.standard_normal((n, n)))
    q2, _ = np.linalg.qr(rng.standard_normal((n, n)))
    a = (q1 @ np.diag(np.logspace(0, -3, n)) @ q2).astype(np.float32)
    exact = np.linalg.inv(f64(a))
    ours = f64(inv(a))
    assert np.max(np.abs(ours - exact)) > 8 * EPS32 * np.max(np.abs(exact))
    assert np.max(np.abs(ours - exact)) < 1e4 * EPS32 * n * np.max(np.abs(exact))


@pytest.mark.parametrize("n", [1, 5, 40, 130])
def test_det_slogdet_float32(n, blocks):
    a = a32((n, n), 7) + np.float32(2) * np.eye(n, dtype=np.float32)
    d = det(a)
    sign, logdet = slogdet(a)
    assert isinstance(d, np.float32)
    assert isinstance(sign, np.float32) and isinstance(logdet, np.float32)
    ref_sign, ref_log = np.linalg.slogdet(f64(a))
    cond = np.linalg.cond(f64(a), 1)
    assert sign == ref_sign
    # log|det| = sum log|u_ii|: each term errs by about cond * n * eps
    assert abs(logdet - ref_log) <= THRESHOLD * n * EPS32 * cond
    if abs(ref_log) < 80:
        assert abs(d - ref_sign * np.exp(ref_log)) <= (
            THRESHOLD * n * EPS32 * cond * np.exp(ref_log))


def test_singular_float32():
    a = np.ones((4, 4), dtype=np.float32)
    with pytest.raises(LinAlgError, match="singular"):
        solve(a, np.ones(4, dtype=np.float32))
    with pytest.raises(LinAlgError, match="singular"):
        inv(a)
    assert det(a) == 0.0 and isinstance(det(a), np.float32)
    sign, logdet = slogdet(a)
    assert sign == 0.0 and logdet == -np.inf


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nonfinite_float32_input(bad):
    a = spd32(5)
    a[2, 1] = bad
    for f in (inv, det, lu, qr):
        with pytest.raises(ValueError, match="NaN or infinity"):
            f(a)
    with pytest.raises(ValueError, match="NaN or infinity"):
        cholesky(a)
    b = np.ones(5, dtype=np.float32)
    b[0] = bad
    with pytest.raises(ValueError, match="NaN or infinity"):
        solve(spd32(5), b)


# ---- Cholesky -------------------------------------------------------------------------
@pytest.mark.parametrize("n", SQUARE)
def test_cholesky_float32(n, blocks):
    a = spd32(n, 8)
    L = cholesky(a)
    U = cholesky(a, lower=False)
    assert L.dtype == F32 and U.dtype == F32
    l64 = f64(L)
    assert np.array_equal(np.asarray(U), np.asarray(L).T)
    assert np.array_equal(l64, np.tril(l64))
    ratio = norm(l64 @ l64.T - a) / (n * EPS32 * norm(a))
    assert ratio < THRESHOLD
    F = cho_factor(a)
    b = a32(n, 9)
    x = F.solve(b)
    assert x.dtype == F32
    ratio = norm(a @ f64(x) - b) / (n * EPS32 * (norm(a) * norm(x) + norm(b)))
    assert ratio < THRESHOLD
    Ai = F.inv()
    assert Ai.dtype == F32 and np.array_equal(np.asarray(Ai), np.asarray(Ai).T)
    assert norm(a @ f64(Ai) - np.eye(n)) / (n * EPS32 * norm(a) * norm(Ai)) < THRESHOLD
    logdet = F.logdet()
    assert isinstance(logdet, np.float32)
    assert abs(logdet - np.linalg.slogdet(f64(a))[1]) <= THRESHOLD * n * EPS32 * (
        np.linalg.cond(f64(a), 1))


def test_cholesky_not_positive_definite_float32():
    a = spd32(6)
    a[3, 3] = -1.0
    with pytest.raises(LinAlgError, match="order 4"):
        cholesky(a)


# ---- QR -----------------------------------------------------------------------------
@pytest.mark.parametrize("shape", SHAPES)
def test_qr_float32(shape, blocks):
    a = a32(shape, 10)
    m, n = shape
    k = min(m, n)
    for mode in ("reduced", "complete"):
        Q, R = qr(a, mode=mode)
        assert Q.dtype == F32 and R.dtype == F32
        q, r = f64(Q), f64(R)
        assert q.shape == ((m, k) if mode == "reduced" else (m, m))
        assert np.array_equal(r, np.triu(r))
        assert norm(q @ r - a) / (max(m, n) * EPS32 * norm(a)) < THRESHOLD
        assert norm(q.T @ q - np.eye(q.shape[1])) / (m * EPS32) < THRESHOLD
    assert qr(a, mode="r").dtype == F32
    F = qr_factor(a)
    assert F.tau.dtype == F32 and F.qr.dtype == F32


@pytest.mark.parametrize("shape", [(5, 5), (40, 17), (150, 90)])
def test_qr_least_squares_float32(shape, blocks):
    a = a32(shape, 11)
    m, n = shape
    b = a32(m, 12)
    x = qr_factor(a).solve(b)
    assert x.dtype == F32
    # the residual is orthogonal to range(A): ||A^T (A x - b)|| small (GVL4 Sec. 5.3)
    r = a @ f64(x) - b
    ratio = norm(f64(a).T @ r) / (m * EPS32 * norm(a) * (norm(a) * norm(x) + norm(b)))
    assert ratio < THRESHOLD


def test_qr_tiny_and_huge_columns_float32():
    a = a32((20, 6), 13)
    a[:, 1] *= np.float32(1e-30)           # squares underflow in float32
    a[:, 3] *= np.float32(1e30)            # squares overflow in float32
    Q, R = qr(a)
    q, r = f64(Q), f64(R)
    assert np.all(np.isfinite(q)) and np.all(np.isfinite(r))
    scale = np.abs(f64(a)).max(axis=0)
    # column-wise backward error, each column against its own size
    err = np.abs(q @ r - a).max(axis=0) / scale
    assert np.all(err < THRESHOLD * 20 * EPS32)
    assert norm(q.T @ q - np.eye(6)) / (20 * EPS32) < THRESHOLD


# ---- triangular solves ---------------------------------------------------------------
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("trans", [0, 1])
@pytest.mark.parametrize("n", [1, 9, 70])
def test_solve_triangular_float32(lower, trans, n):
    t = a32((n, n), 14) + np.float32(4) * np.eye(n, dtype=np.float32)
    t = np.tril(t) if lower else np.triu(t)
    op = t.T if trans else t
    for b in (a32(n, 15), a32((n, 3), 16)):
        x = solve_triangular(t, b, lower=lower, trans=trans)
        assert x.dtype == F32
        sol = f64(x).reshape(n, -1)
        rhs = f64(b).reshape(n, -1)
        ratio = norm(f64(op) @ sol - rhs) / (n * EPS32 * (norm(op) * norm(sol) + norm(rhs)))
        assert ratio < THRESHOLD


# ---- promotion ---------------------------------------------------------------------
def test_mixed_inputs_promote_to_float64():
    n = 30
    a = a32((n, n), 17) + np.float32(3) * np.eye(n, dtype=np.float32)
    b32, b64 = a32(n, 18), a32(n, 18).astype(np.float64) + 1e-9
    cases = [
        (solve(a, b64), solve(f64(a), b64)),
        (solve(f64(a), b32), solve(f64(a), f64(b32))),
        (solve_triangular(np.tril(a), b64, lower=True),
         solve_triangular(np.tril(f64(a)), b64, lower=True)),
        (solve_triangular(np.tril(f64(a)), b32, lower=True),
         solve_triangular(np.tril(f64(a)), f64(b32), lower=True)),
    ]
    for got, want in cases:
        assert got.dtype == F64
        # float32 data is exact in float64: the same float64 computation, bit for bit
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    # factor objects: float32 factors, a float64 right-hand side -> float64 result
    for F in (lu_factor(a), cho_factor(spd32(n)), qr_factor(a)):
        assert F.solve(b32).dtype == F32
        got = F.solve(b64)
        assert got.dtype == F64
        # the float32 factors solve the float64 b to float32 accuracy
        want = F.solve(b64.astype(np.float32))
        assert np.allclose(np.asarray(got), np.asarray(want), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("func", [lu, cholesky, qr, inv, det])
def test_integer_and_float64_input_stay_float64(func):
    a = (np.eye(4) * 4 + 1).astype(np.int64)
    for x in (a, a.astype(np.float64), a.tolist()):
        out = func(x)
        out = out if isinstance(out, tuple) else (out,)
        for o in out:
            assert np.asarray(o).dtype == F64


# ---- the layout zoo keeps float32 ----------------------------------------------------
@pytest.mark.parametrize("kind", LAYOUTS)
def test_layout_zoo_float32(kind):
    a = spd32(12, 19)
    src = layout(a, kind)
    assert src.dtype == F32
    ref_l = np.asarray(cholesky(a))
    ref_lu = [np.asarray(f) for f in lu(a)]
    ref_qr = [np.asarray(f) for f in qr(a)]
    ref_x = np.asarray(solve(a, a[:, 0].copy()))
    got_l = cholesky(src)
    assert got_l.dtype == F32 and np.array_equal(np.asarray(got_l), ref_l)
    for g, r in zip(lu(src), ref_lu):
        assert g.dtype == F32 and np.array_equal(np.asarray(g), r)
    for g, r in zip(qr(src), ref_qr):
        assert g.dtype == F32 and np.array_equal(np.asarray(g), r)
    x = solve(src, layout(a[:, :1], kind)[:, 0])
    assert x.dtype == F32 and np.array_equal(np.asarray(x), ref_x)
    if kind == "readonly":
        assert np.array_equal(src, a)                 # input never modified


# ---- pickling keeps the dtype -------------------------------------------------------
def test_factor_objects_pickle_float32():
    a = spd32(9, 20)
    b = a32(9, 21)
    for F in (lu_factor(a), cho_factor(a), qr_factor(a)):
        G = pickle.loads(pickle.dumps(F))
        x, y = F.solve(b), G.solve(b)
        assert y.dtype == F32
        assert np.array_equal(np.asarray(x), np.asarray(y))


# ---- what rests on them: lstsq (QR path) and norm -------------------------------------
@pytest.mark.parametrize("shape", [(30, 7), (7, 7)])
def test_lstsq_float32_full_rank(shape):
    from rusty_machine.linalg import lstsq
    a = a32(shape, 22)
    m, n = shape
    b = a32(m, 23)
    x, resid, rank, s = lstsq(a, b)
    ref = np.linalg.lstsq(a, b, rcond=None)
    assert x.dtype == F32 and s.dtype == F32 and resid.dtype == ref[1].dtype == F32
    assert rank == ref[2] == n
    r = a @ f64(x) - b
    ratio = norm(f64(a).T @ r) / (m * EPS32 * norm(a) * (norm(a) * norm(x) + norm(b)))
    assert ratio < THRESHOLD
    np.testing.assert_allclose(s, ref[3], rtol=THRESHOLD * m * EPS32)


def test_lstsq_mixed_is_float64():
    from rusty_machine.linalg import lstsq
    a = a32((20, 5), 24)
    x = lstsq(a, np.ones(20))[0]
    assert x.dtype == F64


@pytest.mark.parametrize("ord", [None, "fro", 1, np.inf, 2])
def test_norm_float32(ord):
    from rusty_machine.linalg import norm as rm_norm
    a = a32((13, 9), 25)
    for x in (a, Matrix(a)):
        got = rm_norm(x, ord)
        want = np.linalg.norm(f64(a), ord)
        assert isinstance(got, np.float32)
        assert abs(got - want) <= 2 * EPS32 * want
    v = a32(50, 26)
    got = rm_norm(Vector(v))
    assert isinstance(got, np.float32)
    assert abs(got - np.linalg.norm(f64(v))) <= 2 * EPS32 * np.linalg.norm(f64(v))

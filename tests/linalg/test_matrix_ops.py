"""Matrix arithmetic, products, comparisons, reductions and norms against numpy.

Elementwise operations are the same IEEE operations numpy performs, so they must agree
bitwise. Sums are pairwise on both sides but split differently, so they are compared
with Higham's bound |s - s_ref| <= n eps sum|x| (Accuracy and Stability, sec. 4.2).
Products use the dot-product bound |C - C_ref| <= 2 k eps (|A| |B|) entrywise
(GVL4 sec. 2.7.8), on both our side and numpy's.
"""
import numpy as np
import pytest

from rusty_machine.linalg import Matrix, Vector, asmatrix, dot, matmul
from _zoo import LAYOUTS, SHAPES, data, layout

EPS = np.finfo(float).eps


def view_of(a):
    """A Matrix view (ld > cols) holding the values of a."""
    m, n = a.shape
    P = Matrix(np.full((m + 2, n + 3), np.nan))
    V = P[1:m + 1, 2:n + 2]
    V[:, :] = a
    return V


def same(M, a):
    assert isinstance(M, Matrix if np.ndim(a) == 2 else Vector), type(M)
    assert M.shape == np.shape(a)
    np.testing.assert_array_equal(np.asarray(M), a)


OPS = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
    "/": lambda x, y: x / y,
}


# ---- elementwise ---------------------------------------------------------------------
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("kind", LAYOUTS)
@pytest.mark.parametrize("op", list(OPS))
def test_elementwise_against_numpy(shape, kind, op):
    f = OPS[op]
    a, b = data(shape, 1), data(shape, 2)
    A = view_of(a)                     # ld > cols on our side too
    x = layout(b, kind)
    ref = f(a, b)
    same(f(A, Matrix(b)), ref)         # Matrix op Matrix
    same(f(A, x), ref)                 # Matrix op ndarray
    same(f(x, A), f(b, a))             # ndarray op Matrix: numpy defers to us
    same(f(A, b.tolist()), ref) if a.size else None
    for s in [2.5, -3, np.float32(0.5), np.int64(7), True]:
        same(f(A, s), f(a, np.float64(s)))
        same(f(s, A), f(np.float64(s), a))


@pytest.mark.parametrize("op", list(OPS))
def test_inplace_operators_write_through_views(op):
    f = OPS[op]
    a, b = data((6, 7), 3), data((3, 4), 4)
    P = Matrix(a)
    V = P[1:4, 2:6]
    ident = id(V)
    V = {"+": V.__iadd__, "-": V.__isub__, "*": V.__imul__, "/": V.__itruediv__}[op](b)
    assert id(V) == ident
    a[1:4, 2:6] = f(a[1:4, 2:6], b)
    same(P, a)
    W = P[0:2, :]
    W += 1.5
    a[0:2, :] += 1.5
    same(P, a)
    P[1:, :] -= P[:-1, :]               # overlapping operand: read before written
    a[1:, :] -= a[:-1, :].copy()
    same(P, a)
    P *= P                              # the same memory on both sides
    a *= a
    same(P, a)


def test_unary_operators():
    a = data((5, 4), 5)
    a[0, 0] = -0.0
    A = view_of(a)
    same(-A, -a)
    same(+A, a)
    same(abs(A), np.abs(a))
    assert np.signbit(np.asarray(-A)[0, 0]) == np.signbit(-a[0, 0])


def test_division_by_zero_follows_ieee():
    A = Matrix([[1.0, -1.0, 0.0]])
    with np.errstate(divide="ignore", invalid="ignore"):
        ref = np.array([[1.0, -1.0, 0.0]]) / 0.0
    same(A / 0.0, ref)
    same(A / Matrix.zeros(1, 3), ref)


@pytest.mark.parametrize("op", list(OPS))
def test_mismatched_shapes_name_both(op):
    f = OPS[op]
    A, B = Matrix.zeros(2, 3), Matrix.zeros(3, 2)
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(3, 2\)"):
        f(A, B)
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(3,\)"):
        f(A, np.zeros(3))                         # no broadcasting of rows
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(3,\)"):
        f(A, Vector.zeros(3))
    with pytest.raises(ValueError, match=r"\(3, 2\) and \(2, 3\)"):
        f(np.zeros((3, 2)), A)                    # reflected: the left shape first
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(2, 3, 1\)"):
        f(A, np.zeros((2, 3, 1)))
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(1, 3\)"):
        {"+": A.__iadd__, "-": A.__isub__, "*": A.__imul__, "/": A.__itruediv__}[op](
            np.zeros((1, 3)))


@pytest.mark.parametrize("op", list(OPS))
def test_wrong_operand_types(op):
    f = OPS[op]
    A = Matrix.zeros(2, 2)
    for bad in ["ab", None, object(), {"a": 1}]:
        with pytest.raises(TypeError):
            f(A, bad)
        with pytest.raises(TypeError):
            f(bad, A)
    with pytest.raises(TypeError, match="complex"):
        f(A, 1j)
    with pytest.raises(TypeError, match="complex"):
        f(A, np.ones((2, 2), dtype=complex))
    with pytest.raises(ValueError, match="ragged"):
        f(A, [[1, 2], [3]])


def test_inplace_on_readonly_raises():
    r = np.ones((2, 2))
    r.flags.writeable = False
    R = asmatrix(r)
    for op in ["__iadd__", "__isub__", "__imul__", "__itruediv__"]:
        with pytest.raises(ValueError, match="read-only"):
            getattr(R, op)(1.0)
    same(R + 1.0, np.full((2, 2), 2.0))          # out-of-place is fine


# ---- products ------------------------------------------------------------------------
def check_product(C, a, b):
    ref = a @ b
    k = a.shape[-1]
    bound = 2 * max(k, 1) * EPS * (np.abs(a) @ np.abs(b))
    assert C.shape == ref.shape
    assert np.all(np.abs(np.asarray(C) - ref) <= bound + np.finfo(float).tiny)


MATMUL_SHAPES = [(0, 0, 0), (0, 3, 2), (3, 0, 2), (3, 2, 0), (1, 1, 1), (7, 1, 5),
                 (1, 7, 1), (17, 33, 19), (40, 5, 3), (5, 40, 64), (65, 70, 33)]


@pytest.mark.parametrize("m, k, n", MATMUL_SHAPES)
def test_matmul_all_pairings_against_numpy(m, k, n):
    a, b, x, y = data((m, k), 6), data((k, n), 7), data(k, 8), data(m, 9)
    A, B = view_of(a), view_of(b)
    check_product(A @ B, a, b)
    check_product(A @ layout(b, "F"), a, b)
    check_product(layout(a, "negative") @ B, a, b)
    check_product(matmul(a.tolist() if a.size else a, B), a, b)
    check_product(A @ Vector(x), a, x)
    check_product(A @ x, a, x)
    check_product(Vector(y) @ A, y, a)
    check_product(y @ A, y, a)
    r = Vector(x) @ Vector(x)
    assert isinstance(r, float)
    assert abs(r - x @ x) <= 2 * max(k, 1) * EPS * (np.abs(x) @ np.abs(x))
    assert isinstance(dot(A, B), Matrix) and isinstance(dot(x, x), float)
    check_product(dot(a, x), a, x)
    same(dot(2.0, A), 2.0 * a)
    same(dot(Vector(x), 3), 3 * x)


def test_matmul_errors():
    A, B = Matrix.zeros(2, 3), Matrix.zeros(2, 3)
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(2, 3\)"):
        A @ B
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(2,\)"):
        A @ Vector.zeros(2)
    with pytest.raises(ValueError, match=r"\(3,\) and \(2, 3\)"):
        Vector.zeros(3) @ A
    with pytest.raises(ValueError, match=r"\(3,\) and \(2,\)"):
        Vector.zeros(3) @ Vector.zeros(2)
    with pytest.raises(ValueError, match=r"\(4, 2\) and \(3, 2\)"):
        np.zeros((4, 2)) @ A.T                   # reflected: numpy's shape first
    with pytest.raises(ValueError, match="1-D or 2-D"):
        A @ np.zeros((3, 2, 2))
    for bad in [2.0, 3, "x", None, object()]:
        with pytest.raises(TypeError):
            A @ bad
        with pytest.raises(TypeError):
            bad @ A
        with pytest.raises(TypeError):
            matmul(A, bad)
    with pytest.raises(TypeError, match="complex"):
        A @ np.ones((3, 3), dtype=complex)


def test_matmul_with_nan_and_inf_propagates():
    a = data((4, 4), 10)
    a[1, 2] = np.nan
    C = Matrix(a) @ Matrix.identity(4)
    assert np.isnan(C[1, 2])


# ---- comparisons ---------------------------------------------------------------------
def test_equality_is_one_exact_bool():
    a = data((3, 4), 11)
    A = Matrix(a)
    assert (A == Matrix(a)) is True
    assert (A == a) is True and (a == A) is True
    assert (A == a.tolist()) is True
    assert (A != a) is False
    b = a.copy()
    b[2, 3] = np.nextafter(b[2, 3], np.inf)
    assert (A == b) is False and (A != b) is True
    assert (A == a.T) is False                   # shape differs
    assert (A == 1.0) is False and (A == "x") is False and (A == None) is False  # noqa
    assert (Matrix([[1.0, 2.0]]) == Vector([1.0, 2.0])) is False
    n = Matrix([[np.nan]])
    assert (n == n) is False                     # NaN != NaN
    assert (Matrix.zeros(0, 3) == np.zeros((0, 3))) is True
    assert (Matrix.zeros(0, 3) == np.zeros((3, 0))) is False


def test_allclose_matches_numpy():
    rng = np.random.default_rng(12)
    a = rng.standard_normal((5, 6))
    for scale in [0.0, 1e-9, 1e-7, 1e-5, 1e-3]:
        b = a + scale * rng.standard_normal(a.shape)
        assert Matrix(a).allclose(b) == np.allclose(a, b)
        assert Matrix(a).allclose(b, rtol=0, atol=1e-6) == np.allclose(a, b, 0, 1e-6)
    inf = np.array([[np.inf, -np.inf, 1.0]])
    assert Matrix(inf).allclose(inf)
    assert not Matrix(inf).allclose(np.array([[np.inf, np.inf, 1.0]]))
    assert not Matrix([[1.0]]).allclose([[np.inf]])
    assert not Matrix([[np.nan]]).allclose([[np.nan]])
    with pytest.raises(ValueError, match=r"\(5, 6\) and \(6, 5\)"):
        Matrix(a).allclose(a.T)
    with pytest.raises(TypeError):
        Matrix(a).allclose("x")


# ---- reductions ----------------------------------------------------------------------
def sum_bound(x, axis=None):
    n = x.size if axis is None else x.shape[axis]
    return max(n, 1) * EPS * np.sum(np.abs(x), axis=axis)


@pytest.mark.parametrize("shape", SHAPES + [(300, 2), (3, 1000)])
@pytest.mark.parametrize("as_view", [False, True])
def test_sum_mean_against_numpy(shape, as_view):
    a = data(shape, 13)
    A = view_of(a) if as_view else Matrix(a)
    s = A.sum()
    assert isinstance(s, float) and abs(s - a.sum()) <= sum_bound(a)
    for axis in [0, 1, -1, -2]:
        r = A.sum(axis=axis)
        assert isinstance(r, Vector) and r.shape == a.sum(axis=axis).shape
        assert np.all(np.abs(np.asarray(r) - a.sum(axis=axis)) <= sum_bound(a, axis % 2))
    if a.size:
        assert abs(A.mean() - a.mean()) <= sum_bound(a) / a.size
    else:
        with pytest.raises(ValueError, match="empty"):
            A.mean()
    for axis in [0, 1]:
        if a.shape[axis] == 0 and a.shape[1 - axis] > 0:
            with pytest.raises(ValueError, match="length 0"):
                A.mean(axis=axis)
        else:
            r = np.asarray(A.mean(axis=axis))
            assert r.shape == (a.shape[1 - axis],)
            if a.size:
                ref = a.mean(axis=axis)
                assert np.all(np.abs(r - ref) <= sum_bound(a, axis) / a.shape[axis])
    assert np.sum(A) == A.sum() and np.mean(A) == A.mean() if a.size else True


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", ["min", "max", "argmin", "argmax"])
def test_extrema_against_numpy(shape, name):
    a = np.round(data(shape, 14), 1)           # ties: the first occurrence wins
    A = view_of(a)
    f = getattr(A, name)
    if a.size == 0:
        with pytest.raises(ValueError):
            f()
    else:
        r = f()
        if name.startswith("arg"):
            assert r == getattr(a, name)()          # numpy's flat index
        else:
            assert r == getattr(a, name)()
    for axis in [0, 1]:
        if a.shape[axis] == 0 and a.size == 0 and a.shape[1 - axis] > 0 or \
                (a.shape[axis] == 0 and a.shape[1 - axis] == 0):
            with pytest.raises(ValueError):
                f(axis=axis)
            continue
        r = f(axis=axis)
        np.testing.assert_array_equal(np.asarray(r), getattr(a, name)(axis=axis))
    with pytest.raises(ValueError, match="out of bounds"):
        f(axis=2)


def test_extrema_propagate_nan_like_numpy():
    a = data((4, 5), 15)
    a[2, 1] = np.nan
    a[3, 4] = np.nan
    A = Matrix(a)
    assert np.isnan(A.min()) and np.isnan(A.max())
    # axis=None: numpy's flat index, the first NaN's (row 2, column 1 of 5 columns)
    assert A.argmin() == A.argmax() == np.argmin(a) == np.argmax(a) == 2 * 5 + 1
    for name in ["min", "max", "argmin", "argmax"]:
        for axis in [0, 1]:
            np.testing.assert_array_equal(np.asarray(getattr(A, name)(axis=axis)),
                                          getattr(a, name)(axis=axis))
    assert np.isnan(A.sum())


def test_trace_diag():
    for shape in [(4, 4), (3, 6), (6, 3), (0, 0), (1, 1)]:
        a = data(shape, 16)
        A = view_of(a)
        assert A.trace() == np.trace(a) or abs(A.trace() - np.trace(a)) <= sum_bound(np.diag(a))
        d = A.diag()
        assert isinstance(d, Vector)
        np.testing.assert_array_equal(np.asarray(d), np.diag(a))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("ord", [None, "fro", 1, -1, np.inf, -np.inf])
def test_norms_against_numpy(shape, ord):
    a = data(shape, 17)
    A = view_of(a)
    r = A.norm(ord)
    if a.size == 0:
        assert r == 0.0
        return
    ref = np.linalg.norm(a, ord)
    assert abs(r - ref) <= 2 * a.size * EPS * ref


def test_norm_is_overflow_safe_and_rejects_bad_orders():
    a = np.full((3, 4), 1e300)
    assert np.isclose(Matrix(a).norm(), 1e300 * np.sqrt(12), rtol=4 * EPS * 12)
    assert np.isclose(view_of(a).norm(), 1e300 * np.sqrt(12), rtol=4 * EPS * 12)
    b = np.full((3, 4), 1e-300)
    assert np.isclose(view_of(b).norm(), 1e-300 * np.sqrt(12), rtol=4 * EPS * 12)
    for bad in [3, "nope", 0.5]:
        with pytest.raises(ValueError, match="invalid norm order"):
            Matrix(a).norm(bad)


def test_norm_2_uses_singular_values():
    a = data((7, 5), 18)
    s = np.linalg.svd(a, compute_uv=False)
    tol = 10 * 7 * EPS * s[0]
    assert abs(Matrix(a).norm(2) - s[0]) <= tol
    assert abs(Matrix(a).norm(-2) - s[-1]) <= tol
    assert abs(Matrix(a).norm("nuc") - s.sum()) <= 5 * tol


def test_decomposition_methods_delegate():
    a = data((5, 5), 19)
    spd = a @ a.T + 5 * np.eye(5)
    A, S = Matrix(a), Matrix(spd)
    tol = 1e3 * EPS * np.linalg.cond(a)
    assert abs(A.det() - np.linalg.det(a)) <= tol * abs(np.linalg.det(a))
    np.testing.assert_allclose(np.asarray(A.inv()) @ a, np.eye(5), atol=tol)
    b = data(5, 20)
    np.testing.assert_allclose(a @ np.asarray(A.solve(b)), b, atol=tol * 10)
    P, L, U = A.lu()
    np.testing.assert_allclose(np.asarray(P) @ np.asarray(L) @ np.asarray(U), a, atol=tol)
    Lc = np.asarray(S.cholesky())
    np.testing.assert_allclose(Lc @ Lc.T, spd, atol=tol * 10)
    Q, R = A.qr()
    np.testing.assert_allclose(np.asarray(Q) @ np.asarray(R), a, atol=tol)


@pytest.mark.parametrize("n", [1, 3, 8, 9, 37, 1000])
def test_extrema_nan_and_inf_at_every_kind_of_position(n):
    """The max/min kernel runs 8 entries at a time plus a tail and probes for NaN
    with x * 0 (also NaN for infinities): check NaN/inf in the bulk and in the tail,
    and +inf with -inf but no NaN (the probe fires, the rescan finds no NaN)."""
    base = np.random.default_rng(n).standard_normal(n)
    for pos in sorted({0, n // 2, n - 1}):
        x = base.copy()
        x[pos] = np.nan
        v, M = Vector(x), view_of(np.vstack([x, base]))
        assert np.isnan(v.max()) and np.isnan(v.min()) and v.argmax() == pos
        assert np.isnan(M.max()) and M.argmin() == pos == np.argmin(np.vstack([x, base]))
        np.testing.assert_array_equal(np.asarray(M.max(axis=1)), np.vstack([x, base]).max(1))
        x[pos] = np.inf
        assert Vector(x).max() == np.inf and Vector(x).argmax() == pos
        x[(pos + 1) % n] = -np.inf
        if n > 1:
            assert Vector(x).max() == np.inf and Vector(x).min() == -np.inf
            assert Matrix(x.reshape(1, -1)).argmin() == (pos + 1) % n
    signed = np.array([0.0, -0.0] * 5)
    assert Vector(signed).max() == 0.0 and Vector(signed).min() == 0.0


def test_power_with_a_scalar_exponent():
    a = data((5, 6), 21)
    A = view_of(a)
    same(A ** 2, a * a)                           # exact: a plain square
    same(Vector(a[0]) ** 2, a[0] * a[0])
    with np.errstate(invalid="ignore", divide="ignore"):
        for p in [0.5, -1.0, 3, 1.5, 0]:
            ref = a ** np.float64(p)
            got = np.asarray(A ** p)
            # C99 pow and numpy's power are both within an ulp or so of the truth
            np.testing.assert_allclose(got, ref, rtol=4 * EPS, atol=0)
            assert np.array_equal(np.isnan(got), np.isnan(ref))
    with pytest.raises(TypeError, match="scalar exponent"):
        A ** A
    with pytest.raises(TypeError):
        2 ** A
    with pytest.raises(TypeError):
        pow(A, 2, 3)

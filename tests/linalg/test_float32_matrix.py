"""Matrix and Vector with a dtype (issue 13, phase C): float32 data stays float32,
other real data becomes float64, and arithmetic follows numpy's promotion. Every
result is compared with numpy's float32 (or float64) result on the same data.

Tolerances: elementwise operators are single IEEE operations, so they must equal
numpy's exactly; sums and products of n terms err by at most about n * eps * sum |terms|
(Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., eq. 3.5), with eps the
result dtype's epsilon.
"""
import operator
import pickle

import numpy as np
import pytest
from _zoo import LAYOUTS, SHAPES, layout

from rusty_machine.linalg import Matrix, Vector, asmatrix, asvector, hstack, vstack

F32 = np.dtype(np.float32)
F64 = np.dtype(np.float64)


def data32(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def eps(dt):
    return float(np.finfo(dt).eps)


# ---- what dtype an input gets ----------------------------------------------------------
@pytest.mark.parametrize("src, expected", [
    (np.float32, F32), (np.float64, F64), (np.float16, F64), (np.int32, F64),
    (np.int64, F64), (np.uint8, F64), (np.bool_, F64),
])
def test_input_dtype_rule(src, expected):
    a = (np.arange(6).reshape(2, 3) % 2).astype(src)
    for M in (Matrix(a), asmatrix(a)):
        assert M.dtype == expected
        assert M.itemsize == expected.itemsize
        np.testing.assert_array_equal(np.asarray(M), a.astype(expected))
    for v in (Vector(a[0]), asvector(a[0])):
        assert v.dtype == expected
        np.testing.assert_array_equal(np.asarray(v), a[0].astype(expected))


def test_nested_lists_are_float64():
    assert Matrix([[1.5, 2.0]]).dtype == F64
    assert Vector([1, 2, 3]).dtype == F64


@pytest.mark.parametrize("dtype", [np.float32, "float32", F32, np.float64, "float64"])
def test_dtype_argument_forces(dtype):
    a = np.arange(6.0).reshape(2, 3)
    assert Matrix(a, dtype=dtype).dtype == np.dtype(dtype)
    assert asmatrix(a.astype(np.float32), dtype=dtype).dtype == np.dtype(dtype)
    assert Vector(a[0], dtype=dtype).dtype == np.dtype(dtype)
    assert asvector(a[0], dtype=dtype).dtype == np.dtype(dtype)


@pytest.mark.parametrize("bad", [np.int32, np.float16, np.complex64, "object", "U3"])
def test_other_dtypes_are_refused(bad):
    with pytest.raises(TypeError, match="float64 or float32"):
        Matrix([[1.0]], dtype=bad)
    with pytest.raises(TypeError, match="float64 or float32"):
        Matrix.zeros(2, 2, dtype=bad)
    with pytest.raises(TypeError, match="float64 or float32"):
        Vector.ones(2, dtype=bad)


def test_asmatrix_wraps_float32_without_copy():
    a = data32((5, 4))
    A = asmatrix(a)
    assert np.shares_memory(np.asarray(A), a)
    a[1, 2] = 42.0
    assert A[1, 2] == 42.0
    v = asvector(a[0])
    assert v.dtype == F32 and np.shares_memory(np.asarray(v), a)
    # a forced dtype change copies
    assert not np.shares_memory(np.asarray(asmatrix(a, np.float64)), a)
    assert asmatrix(A) is A and asmatrix(A, np.float32) is A


def test_float32_row_strided_view_is_wrapped():
    big = data32((10, 7))
    a = big[::2, 1:5]
    A = asmatrix(a)
    assert A.dtype == F32 and np.shares_memory(np.asarray(A), big)
    np.testing.assert_array_equal(np.asarray(A), a)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("kind", LAYOUTS)
def test_layout_zoo_keeps_float32(shape, kind):
    a = data32(shape, seed=3)
    src = layout(a, kind)
    assert src.dtype == F32
    for M in (Matrix(src), asmatrix(src)):
        assert M.dtype == F32 and M.shape == shape
        np.testing.assert_array_equal(np.asarray(M), a)
    if kind in ("C", "rows", "readonly") and a.size > 1:     # wrapped: same flags
        assert np.shares_memory(np.asarray(asmatrix(src)), src)
        assert asmatrix(src).writeable == (kind != "readonly")


# ---- constructors -------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_constructors_take_dtype(dtype):
    dt = np.dtype(dtype)
    cases = [(Matrix.zeros(3, 4, dtype=dtype), np.zeros((3, 4), dt)),
             (Matrix.ones(3, 4, dtype=dtype), np.ones((3, 4), dt)),
             (Matrix.identity(3, dtype=dtype), np.eye(3, dtype=dt)),
             (Vector.zeros(5, dtype=dtype), np.zeros(5, dt)),
             (Vector.ones(5, dtype=dtype), np.ones(5, dt)),
             (Matrix.from_fn(2, 3, lambda i, j: i + 0.1 * j, dtype=dtype),
              np.array([[0, 0.1, 0.2], [1, 1.1, 1.2]], dtype=dt)),
             (Matrix.from_diag(np.array([1.0, 2.0], dt)), np.diag(np.array([1.0, 2.0], dt)))]
    for M, ref in cases:
        assert M.dtype == dt
        np.testing.assert_array_equal(np.asarray(M), ref)


def test_defaults_stay_float64():
    assert Matrix.zeros(2, 2).dtype == F64
    assert Matrix.identity(2).dtype == F64
    assert Matrix.random(2, 2, seed=0).dtype == F64
    assert Vector.random(2, seed=0).dtype == F64


def test_random_float32_is_numpys_float32_draw():
    M = Matrix.random(6, 5, seed=7, dtype=np.float32)
    ref = np.random.default_rng(7).standard_normal((6, 5), dtype=np.float32)
    assert M.dtype == F32
    np.testing.assert_array_equal(np.asarray(M), ref)
    v = Vector.random(9, seed=7, dtype=np.float32)
    np.testing.assert_array_equal(np.asarray(v),
                                  np.random.default_rng(7).standard_normal(9, dtype=np.float32))


def test_astype_round_trip():
    a = np.random.default_rng(1).standard_normal((4, 6))
    A = Matrix(a)
    B = A.astype(np.float32)
    assert B.dtype == F32
    np.testing.assert_array_equal(np.asarray(B), a.astype(np.float32))
    C = B.astype("float64")
    assert C.dtype == F64
    np.testing.assert_array_equal(np.asarray(C), a.astype(np.float32).astype(np.float64))
    D = B.astype(np.float32)
    assert D is not B and D == B
    assert B.astype(np.float32, copy=False) is B
    v = Vector(a[0]).astype(np.float32)
    assert v.dtype == F32
    np.testing.assert_array_equal(np.asarray(v), a[0].astype(np.float32))


# ---- numpy interop, pickle, repr --------------------------------------------------------
def test_buffer_protocol_and_array_carry_float32():
    a = data32((3, 5))
    A = Matrix(a)
    mv = memoryview(A)
    assert mv.format == "f" and mv.itemsize == 4 and mv.shape == (3, 5)
    arr = np.asarray(A)
    assert arr.dtype == F32 and np.shares_memory(arr, np.asarray(A))
    view = A[1:3, 1:4]
    varr = np.asarray(view)
    assert varr.dtype == F32 and varr.strides == (20, 4)
    np.testing.assert_array_equal(varr, a[1:3, 1:4])
    assert np.array(A, dtype=np.float64).dtype == F64
    assert memoryview(Vector(a[0])).format == "f"
    assert memoryview(Matrix(a.astype(np.float64))).format == "d"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pickle_keeps_dtype(dtype):
    a = np.random.default_rng(2).standard_normal((4, 3)).astype(dtype)
    for obj in (Matrix(a), Vector(a[:, 0].copy()), Matrix(a)[1:3, :2]):
        back = pickle.loads(pickle.dumps(obj))
        assert back.dtype == np.dtype(dtype) and type(back) is type(obj)
        np.testing.assert_array_equal(np.asarray(back), np.asarray(obj))


def test_repr_names_float32():
    A = Matrix(np.array([[1.5, 2.0]], np.float32))
    assert repr(A).endswith("dtype=float32)")
    assert "dtype" not in repr(Matrix([[1.5, 2.0]]))
    assert repr(Vector.zeros(0, dtype=np.float32)).endswith("dtype=float32)")


# ---- element access, views and assignment ------------------------------------------------
def test_indexing_keeps_float32():
    a = data32((6, 5))
    A = Matrix(a)
    assert isinstance(A[1, 2], np.float32) and A[1, 2] == a[1, 2]
    row = A[2]
    assert isinstance(row, Vector) and row.dtype == F32
    np.testing.assert_array_equal(np.asarray(row), a[2])
    mask = [True, False, False, True, True]
    for key in [(slice(1, 4), slice(0, 3)), (slice(None, None, 2), slice(1, None)),
                (slice(None), 3), ([0, 4, 2], slice(None)), (slice(None), mask)]:
        got = A[key]
        assert got.dtype == F32
        np.testing.assert_array_equal(np.asarray(got), a[key])
    v = Vector(a[0])
    assert isinstance(v[1], np.float32)
    assert v[1:4].dtype == F32 and v[::2].dtype == F32
    np.testing.assert_array_equal(np.asarray(v[::2]), a[0][::2])
    assert [type(x) for x in v] == [np.float32] * 5


def test_assignment_casts_to_the_target_dtype():
    a = data32((5, 4))
    A = Matrix(a)
    b = np.random.default_rng(9).standard_normal((2, 3))        # float64 values
    A[1:3, 0:3] = b
    a[1:3, 0:3] = b                                               # numpy rounds the same way
    A[4] = 0.1
    a[4] = 0.1
    A[[0, 3], 3] = [1e-3, 2e-3]
    a[[0, 3], 3] = [1e-3, 2e-3]
    A[0, 0] = 1.0 / 3.0
    a[0, 0] = 1.0 / 3.0
    assert A.dtype == F32
    np.testing.assert_array_equal(np.asarray(A), a)
    B = Matrix(np.zeros((2, 2)))
    B[0] = np.array([0.1, 0.2], np.float32)
    assert B.dtype == F64 and B[0, 0] == np.float64(np.float32(0.1))


# ---- arithmetic: numpy's promotion ----------------------------------------------------
OPS = [operator.add, operator.sub, operator.mul, operator.truediv]


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("da, db", [(np.float32, np.float32), (np.float32, np.float64),
                                    (np.float64, np.float32), (np.float64, np.float64)])
def test_binary_ops_promote_like_numpy(op, da, db):
    a = data32((7, 9), 1).astype(da)
    b = (data32((7, 9), 2) + 3).astype(db)
    want = op(a, b)
    for A, B in [(Matrix(a), Matrix(b)), (Matrix(a), b), (a, Matrix(b)),
                 (Matrix(a)[1:5, 2:7], Matrix(b)[1:5, 2:7])]:
        got = op(A, B)
        ref = want if np.shape(A) == a.shape else op(a[1:5, 2:7], b[1:5, 2:7])
        assert got.dtype == ref.dtype
        np.testing.assert_array_equal(np.asarray(got), ref)
    u, v = Vector(a[0]), Vector(b[0])
    assert op(u, v).dtype == want.dtype
    np.testing.assert_array_equal(np.asarray(op(u, v)), op(a[0], b[0]))


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("scalar", [0.1, 3, np.float64(1e-3), -2.5])
def test_python_scalar_keeps_float32(op, scalar):
    a = data32((4, 6)) + 4
    A = Matrix(a)
    for got, want in [(op(A, scalar), op(a, np.float32(scalar))),
                      (op(scalar, A), op(np.float32(scalar), a))]:
        assert got.dtype == F32
        np.testing.assert_array_equal(np.asarray(got), want)


def test_unary_and_power_keep_float32():
    a = data32((5, 5))
    A = Matrix(a)
    for got, want in [(-A, -a), (abs(A), np.abs(a)), (+A, a), (A ** 2, a ** 2),
                      (abs(A) ** 0.5, np.abs(a) ** np.float32(0.5))]:
        assert got.dtype == F32
        np.testing.assert_allclose(np.asarray(got), want, rtol=eps(F32), atol=0)


@pytest.mark.parametrize("op", [operator.iadd, operator.isub, operator.imul,
                                operator.itruediv])
def test_inplace_keeps_the_target_dtype(op):
    a = data32((4, 5)) + 3
    b = np.random.default_rng(5).standard_normal((4, 5)) + 3       # float64
    A = Matrix(a)
    got = op(A, b)
    want = op(a.copy(), b)       # numpy: computed in float64, then cast (one rounding)
    assert got is A and A.dtype == F32
    np.testing.assert_array_equal(np.asarray(A), want)
    B = Matrix(b)
    op(B, Matrix(a))
    assert B.dtype == F64
    np.testing.assert_array_equal(np.asarray(B), op(b.copy(), a))


def test_equality_and_allclose_across_dtypes():
    a = data32((3, 4))
    A32, A64 = Matrix(a), Matrix(a.astype(np.float64))
    assert A32 == A64 and A64 == A32
    assert A32.allclose(A64, rtol=0, atol=0)
    B = Matrix(a.astype(np.float64) + 1e-9)
    assert not (A32 == B)
    assert A32.allclose(B, rtol=1e-6, atol=0)


# ---- products --------------------------------------------------------------------
@pytest.mark.parametrize("da, db", [(np.float32, np.float32), (np.float32, np.float64),
                                    (np.float64, np.float32)])
@pytest.mark.parametrize("m, k, n", [(1, 1, 1), (7, 13, 5), (64, 33, 70), (0, 4, 3),
                                     (3, 0, 4)])
def test_matmul_promotes_and_matches_numpy(da, db, m, k, n):
    a = data32((m, k), 1).astype(da)
    b = data32((k, n), 2).astype(db)
    dt = np.result_type(da, db)
    want = a.astype(np.float64) @ b.astype(np.float64)
    bound = k * eps(dt) * (np.abs(a).astype(np.float64) @ np.abs(b).astype(np.float64))
    for got in (Matrix(a) @ Matrix(b), Matrix(a) @ b, a @ Matrix(b)):
        assert got.dtype == dt
        assert np.all(np.abs(np.asarray(got) - want) <= bound + 1e-30)
    if k > 0 and n > 0:
        x = data32(k, 3).astype(db)
        w = Matrix(a) @ Vector(x)
        assert w.dtype == dt
        bw = k * eps(dt) * (np.abs(a).astype(np.float64) @ np.abs(x).astype(np.float64))
        assert np.all(np.abs(np.asarray(w) - a.astype(np.float64) @ x) <= bw + 1e-30)
        y = data32(k, 4).astype(da)
        u = Vector(y) @ Matrix(b)
        assert u.dtype == dt
        bu = k * eps(dt) * (np.abs(y).astype(np.float64) @ np.abs(b).astype(np.float64))
        assert np.all(np.abs(np.asarray(u) - y.astype(np.float64) @ b) <= bu + 1e-30)


def test_vector_dot_float32():
    x, y = data32(1000, 1), data32(1000, 2)
    r = Vector(x) @ Vector(y)
    assert isinstance(r, np.float32)
    exact = x.astype(np.float64) @ y.astype(np.float64)
    assert abs(r - exact) <= 1000 * eps(F32) * (np.abs(x) @ np.abs(y))
    assert isinstance(Vector(x) @ Vector(y.astype(np.float64)), float)


# ---- reductions -----------------------------------------------------------------
def test_reductions_match_numpy_float32():
    a = data32((37, 23), 4)
    A = Matrix(a)
    n = a.size
    tol = n * eps(F32) * np.abs(a).sum(dtype=np.float64)
    s = A.sum()
    assert isinstance(s, np.float32) and abs(s - a.sum(dtype=np.float64)) <= tol
    assert abs(A.mean() - a.mean(dtype=np.float64)) <= tol / n
    for axis in (0, 1):
        got = A.sum(axis=axis)
        assert got.dtype == F32
        np.testing.assert_allclose(np.asarray(got), a.sum(axis=axis, dtype=np.float64),
                                   rtol=0, atol=tol)
        assert A.mean(axis=axis).dtype == F32
        for name in ("min", "max"):
            got = getattr(A, name)(axis=axis)
            assert got.dtype == F32
            np.testing.assert_array_equal(np.asarray(got), getattr(a, name)(axis=axis))
        for name in ("argmin", "argmax"):
            np.testing.assert_array_equal(getattr(A, name)(axis=axis),
                                          getattr(a, name)(axis=axis))
    assert A.max() == a.max() and isinstance(A.max(), np.float32)
    assert A.argmin() == a.argmin()           # numpy's flat index
    assert A.trace() == pytest.approx(np.trace(a.astype(np.float64)), rel=1e-6)
    assert A.diag().dtype == F32 and A.T.dtype == F32
    np.testing.assert_array_equal(np.asarray(A.T), a.T)


def test_nan_propagates_in_float32_extrema():
    a = data32((4, 6))
    a[2, 3] = np.nan
    A = Matrix(a)
    assert np.isnan(A.max()) and np.isnan(A.min())
    assert A.argmax() == a.argmax() == 2 * 6 + 3
    np.testing.assert_array_equal(np.asarray(A.max(axis=1)), a.max(axis=1))
    np.testing.assert_array_equal(A.argmin(axis=0), a.argmin(axis=0))


@pytest.mark.parametrize("ord", [None, "fro", 1, -1, np.inf, -np.inf])
def test_matrix_norms_float32(ord):
    a = data32((19, 11), 6)
    got = Matrix(a).norm(ord)
    assert isinstance(got, np.float32)
    want = np.linalg.norm(a.astype(np.float64), ord)
    assert abs(got - want) <= a.size * eps(F32) * want


def test_frobenius_float32_no_overflow_or_underflow():
    for scale in (1e30, 1e-30):
        a = (data32((5, 5)) * np.float32(scale)).astype(np.float32)
        want = np.linalg.norm(a.astype(np.float64))
        got = Matrix(a).norm()
        assert np.isfinite(got) and got > 0
        assert abs(got - want) <= 25 * eps(F32) * want


@pytest.mark.parametrize("ord", [None, 1, np.inf])
def test_vector_norms_float32(ord):
    x = data32(300, 8)
    got = Vector(x).norm(ord)
    assert isinstance(got, np.float32)
    want = np.linalg.norm(x.astype(np.float64), ord)
    assert abs(got - want) <= 300 * eps(F32) * want


# ---- stacking ---------------------------------------------------------------------
def test_stacks_promote_like_numpy():
    a, b = data32((3, 2), 1), data32((3, 4), 2)
    got = hstack([Matrix(a), Matrix(b)])
    assert got.dtype == F32
    np.testing.assert_array_equal(np.asarray(got), np.hstack([a, b]))
    got = hstack([Matrix(a), b.astype(np.float64)])
    assert got.dtype == F64
    np.testing.assert_array_equal(np.asarray(got), np.hstack([a, b.astype(np.float64)]))
    got = vstack([Matrix(a.T), Matrix(b.T)])
    assert got.dtype == F32
    np.testing.assert_array_equal(np.asarray(got), np.vstack([a.T, b.T]))
    assert vstack([a.T, Vector(np.ones(3, np.float32))]).dtype == F32

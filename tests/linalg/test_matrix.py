"""Matrix (rusty_machine/linalg/matrix.pyx): construction, validation, access, views,
assignment, copies, stacking, pickling and printing, against numpy on seeded data.

Arithmetic, products and reductions are in test_matrix_ops.py; Vector in
test_vector.py; the numpy protocols (buffer, __array__, __array_ufunc__) in
test_interop.py.
"""
import array
import gc
import pickle

import numpy as np
import pytest

from rusty_machine.linalg import Matrix, Vector, asmatrix, hcat, hstack, vcat, vstack
from _zoo import LAYOUTS, SHAPES, data, layout


def same(M, a):
    """M holds exactly the entries of a (bitwise for numbers, NaN == NaN)."""
    assert isinstance(M, Matrix)
    assert M.shape == np.shape(a)
    np.testing.assert_array_equal(np.asarray(M), a)


# ---- construction --------------------------------------------------------------------
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("kind", LAYOUTS)
def test_constructor_copies_every_layout(shape, kind):
    a = data(shape)
    x = layout(a, kind)
    M = Matrix(x)
    same(M, a)
    assert M.writeable
    assert not np.shares_memory(np.asarray(M), x)
    assert (M.rows, M.cols, M.size, len(M)) == (shape[0], shape[1], a.size, shape[0])


@pytest.mark.parametrize("shape", [(1, 1), (7, 1), (1, 7), (17, 33)])
@pytest.mark.parametrize("kind", LAYOUTS)
def test_asmatrix_wraps_without_copy_when_rows_are_contiguous(shape, kind):
    a = data(shape, 1)
    x = layout(a, kind)
    M = asmatrix(x)
    same(M, a)
    wrappable = kind in ("C", "rows", "readonly") or (kind == "F" and 1 in shape) \
        or (kind == "strided" and shape[1] == 1) or shape == (1, 1)
    assert np.shares_memory(np.asarray(M), x) == wrappable
    assert M.writeable == (kind != "readonly")
    if wrappable and kind != "readonly":
        x[0, 0] = 42.0
        assert M[0, 0] == 42.0


def test_asmatrix_returns_matrix_itself_and_keeps_wrapped_array_alive():
    A = Matrix.random(3, 4, seed=0)
    assert asmatrix(A) is A
    a = np.arange(12.0).reshape(3, 4)
    M = asmatrix(a)
    del a
    gc.collect()
    same(M, np.arange(12.0).reshape(3, 4))


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint8, np.uint64,
                                   np.float16, np.float32, np.longdouble, ">f8", bool])
def test_any_real_dtype_is_converted_to_float64(dtype):
    a = np.array([[0, 1, 2], [3, 4, 5]]).astype(dtype)
    M = Matrix(a)
    same(M, a.astype(np.float64))
    M2 = asmatrix(a)
    same(M2, a.astype(np.float64))


def test_nested_sequences_buffers_and_array_likes():
    same(Matrix([[1, 2, 3], [4, 5, 6]]), np.array([[1.0, 2, 3], [4, 5, 6]]))
    same(Matrix(((1.5, 2), (3, 4))), np.array([[1.5, 2], [3, 4]]))
    same(Matrix([[]]), np.zeros((1, 0)))
    same(Matrix([]), np.zeros((1, 0)))                  # 1-D: one (empty) row
    same(Matrix([1, 2, 3]), np.array([[1.0, 2, 3]]))    # 1-D: one row
    same(Matrix(Vector([1, 2])), np.array([[1.0, 2]]))
    buf = array.array("d", [1, 2, 3, 4, 5, 6])
    same(Matrix(memoryview(buf).cast("B").cast("d", (2, 3))),
         np.arange(1.0, 7).reshape(2, 3))
    same(Matrix(buf), np.arange(1.0, 7).reshape(1, 6))

    class ArrayLike:
        def __array__(self, dtype=None, copy=None):
            return np.eye(2)

    same(Matrix(ArrayLike()), np.eye(2))


def test_constructor_copy_is_independent():
    A = Matrix.random(4, 4, seed=1)
    B = Matrix(A)
    B[0, 0] = 1e9
    assert A[0, 0] != 1e9


@pytest.mark.parametrize("bad, exc, words", [
    ([[1, 2], [3]], ValueError, "ragged"),
    ([[1, 2], [3, [4]]], ValueError, "ragged"),
    ("abc", TypeError, "numeric"),
    ([["a", "b"]], TypeError, "numeric"),
    (None, TypeError, "numeric"),
    ([[1, None]], TypeError, "numeric"),
    ([[object()]], TypeError, "numeric"),
    ([[1 + 2j]], TypeError, "complex"),
    (np.ones((2, 2), dtype=complex), TypeError, "complex"),
    (np.zeros((2, 2, 2)), ValueError, "3-D"),
    (3.0, ValueError, "scalar"),
    (np.array(["2020-01-01"], dtype="datetime64[D]"), TypeError, "numeric"),
])
def test_bad_input_raises_clear_errors(bad, exc, words):
    with pytest.raises(exc, match=words):
        Matrix(bad)
    with pytest.raises(exc, match=words):
        asmatrix(bad)


def test_named_constructors():
    same(Matrix.zeros(3, 4), np.zeros((3, 4)))
    same(Matrix.ones(2, 5), np.ones((2, 5)))
    same(Matrix.identity(4), np.eye(4))
    same(Matrix.identity(0), np.eye(0))
    same(Matrix.from_diag([1, 2, 3]), np.diag([1.0, 2, 3]))
    same(Matrix.from_diag(Vector([4, 5])), np.diag([4.0, 5]))
    same(Matrix.from_fn(3, 4, lambda i, j: 10 * i + j), np.add.outer(10.0 * np.arange(3),
                                                                    np.arange(4)))
    same(Matrix.random(5, 6, seed=7), np.random.default_rng(7).standard_normal((5, 6)))
    same(Matrix.random(0, 6, seed=7), np.zeros((0, 6)))
    assert Matrix.random(3, 3) != Matrix.random(3, 3)          # fresh entropy
    with pytest.raises(ValueError, match="negative"):
        Matrix.zeros(-1, 3)
    with pytest.raises(TypeError):
        Matrix.from_fn(2, 2, 3)
    with pytest.raises(TypeError):
        Matrix.from_fn(2, 2, lambda i, j: "x")


def test_nan_and_inf_are_stored():
    a = np.array([[np.nan, np.inf], [-np.inf, 0.0]])
    same(Matrix(a), a)


# ---- element and row access ----------------------------------------------------------
def test_element_access_with_negative_indices():
    a = data((5, 7), 2)
    A = Matrix(a)
    for i in range(-5, 5):
        for j in range(-7, 7):
            assert A[i, j] == a[i, j]
            assert A[np.int64(i), np.int32(j)] == a[i, j]
    assert isinstance(A[0, 0], float)


@pytest.mark.parametrize("key", [(5, 0), (0, 7), (-6, 0), (0, -8), 5, -6, (10**30, 0)])
def test_index_out_of_range_is_index_error(key):
    A = Matrix.zeros(5, 7)
    with pytest.raises(IndexError, match="out of range"):
        A[key]
    with pytest.raises(IndexError, match="out of range"):
        A[key] = 1.0


@pytest.mark.parametrize("key, exc", [((0, 0, 0), IndexError), (1.5, TypeError),
                                      ((0, "a"), TypeError), (None, TypeError),
                                      ([1.5, 2.0], TypeError), ([[0, 1]], TypeError)])
def test_bad_index_types(key, exc):
    A = Matrix.zeros(3, 3)
    with pytest.raises(exc):
        A[key]


def test_row_is_a_vector_view_and_iteration_yields_rows():
    a = data((4, 3), 3)
    A = Matrix(a)
    r = A[2]
    assert isinstance(r, Vector) and r.shape == (3,)
    np.testing.assert_array_equal(np.asarray(r), a[2])
    r[1] = -5.0
    assert A[2, 1] == -5.0
    a[2, 1] = -5.0
    rows = list(A)
    assert len(rows) == 4
    for row, ref in zip(rows, a):
        np.testing.assert_array_equal(np.asarray(row), ref)
    assert A.tolist() == a.tolist()
    assert all(type(x) is float for x in A.tolist()[0])


# ---- slicing: views and copies -------------------------------------------------------
SLICES = [slice(None), slice(1, 4), slice(2, None), slice(None, -2), slice(-3, -1),
          slice(4, 1), slice(0, 0), slice(None, None, 2), slice(1, None, 3),
          slice(None, None, -1), slice(5, 0, -2), slice(100, 200)]


@pytest.mark.parametrize("rs", SLICES)
@pytest.mark.parametrize("cs", SLICES)
def test_slices_match_numpy_and_share_memory_when_views(rs, cs):
    a = data((6, 5), 4)
    A = Matrix(a)
    V = A[rs, cs]
    same(V, a[rs, cs])
    is_view = (rs.step or 1) > 0 and (cs.step or 1) == 1
    if V.size:
        assert np.shares_memory(np.asarray(V), np.asarray(A)) == is_view
    if is_view and V.size:
        V[0, 0] = 123.0
        b = a.copy()
        b[rs, cs][0, 0] = 123.0
        same(A, b)                          # the write went through to the parent


@pytest.mark.parametrize("key", [(slice(None), 2), (slice(1, 4), -1), (slice(None, None, -2), 0),
                                 (3, slice(None, None, 2)), (-1, slice(None, None, -1)),
                                 ([0, 2, 2], slice(None)), (slice(None), [4, 0]),
                                 ([True, False, True, False, False, True], 1),
                                 ([1, -1], [0, 3]), (np.array([], dtype=int), slice(None)),
                                 (np.arange(3), 2)])
def test_columns_steps_and_index_sequences_are_copies(key):
    a = data((6, 5), 5)
    A = Matrix(a)
    r = A[key]
    kr, kc = key
    if isinstance(kr, list) and isinstance(kc, list):
        ref = a[np.ix_(kr, kc)]
    else:
        ref = a[key]
    np.testing.assert_array_equal(np.asarray(r), ref)
    assert isinstance(r, Vector if ref.ndim == 1 else Matrix)
    if r.size:
        assert not np.shares_memory(np.asarray(r), np.asarray(A))


def test_view_of_view_and_write_through():
    a = data((10, 12), 6)
    A = Matrix(a)
    V = A[2:9, 3:11]
    W = V[1:5:2, 2:6]
    same(W, a[2:9, 3:11][1:5:2, 2:6])
    W[:, :] = 0.0
    a[2:9, 3:11][1:5:2, 2:6] = 0.0
    same(A, a)
    np.asarray(V)[0, 0] = 7.0                # through numpy on the view
    a[2, 3] = 7.0
    same(A, a)
    # np.asarray(view) reflects the view: shape, strides, contents
    v = np.asarray(V)
    assert v.shape == (7, 8) and v.strides == (12 * 8, 8)
    np.testing.assert_array_equal(v, a[2:9, 3:11])


def test_views_and_arrays_outlive_the_matrix():
    A = Matrix.random(50, 40, seed=8)
    ref = np.array(A)
    view = A[10:20, 5:15]
    row = A[3]
    arr = np.asarray(A)
    arr_view = np.asarray(view)
    del A
    gc.collect()
    _ = [np.ones(1000) for _ in range(50)]      # reuse freed memory if it were freed
    same(view, ref[10:20, 5:15])
    np.testing.assert_array_equal(np.asarray(row), ref[3])
    np.testing.assert_array_equal(arr, ref)
    np.testing.assert_array_equal(arr_view, ref[10:20, 5:15])
    view[0, 0] = 1.0
    assert arr[10, 5] == 1.0                     # still the same memory


# ---- assignment ----------------------------------------------------------------------
ASSIGN_KEYS = [(1, 2), (slice(1, 4), slice(0, 3)), (2, slice(None)), (slice(None), 3),
               (slice(None, None, 2), slice(1, None, 2)), (slice(None, None, -1), slice(None)),
               ([0, 4], slice(1, 3)), (slice(None), [True, False, True, False, True]),
               (-1, slice(None, None, -1)), (slice(2, 2), slice(None))]


@pytest.mark.parametrize("key", ASSIGN_KEYS)
def test_assignment_matches_numpy(key):
    a = data((5, 5), 9)
    A = Matrix(a)
    ref = a.copy()
    ref[key] = 3.5
    A[key] = 3.5
    same(A, ref)
    value = data(np.shape(ref[key]), 10)
    ref[key] = value
    A[key] = value                               # numpy value
    same(A, ref)
    if np.ndim(value) == 2:
        A[key] = Matrix(value * 2)               # Matrix value
        ref[key] = value * 2
        same(A, ref)
        A[key] = (value * 3).tolist()            # nested list value
        ref[key] = value * 3
        same(A, ref)
    elif np.ndim(value) == 1:
        A[key] = Vector(value * 2)
        ref[key] = value * 2
        same(A, ref)


def test_assignment_errors():
    A = Matrix.zeros(4, 4)
    with pytest.raises(ValueError, match=r"\(3, 2\).*\(2, 2\)"):
        A[0:2, 0:2] = np.ones((3, 2))
    with pytest.raises(ValueError, match=r"\(4,\)"):
        A[0] = [1, 2, 3]
    with pytest.raises(TypeError):
        A[0, 0] = "x"
    with pytest.raises(TypeError, match="complex"):
        A[0:2, 0:2] = np.ones((2, 2), dtype=complex)
    with pytest.raises(TypeError):
        A[0] = None
    r = np.zeros((2, 2))
    r.flags.writeable = False
    R = asmatrix(r)
    assert not R.writeable
    for key in [(0, 0), (slice(None), slice(None)), 0, (slice(None), 0)]:
        with pytest.raises(ValueError, match="read-only"):
            R[key] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        R[0:1, :][0, 0] = 1.0                    # views of read-only memory too


def test_overlapping_assignment_reads_the_source_first():
    a = data((6, 6), 11)
    A = Matrix(a)
    A[1:, :] = A[:-1, :]
    a[1:, :] = a[:-1, :].copy()
    same(A, a)
    A[:, ::-1] = A
    a[:, ::-1] = a.copy()
    same(A, a)
    A[0:3, 0:3] = A[2:5, 1:4]
    a[0:3, 0:3] = a[2:5, 1:4].copy()
    same(A, a)


# ---- copies, transpose, diag ---------------------------------------------------------
@pytest.mark.parametrize("shape", SHAPES + [(65, 31), (100, 3)])
def test_transpose_copy_tolist(shape):
    a = data(shape, 12)
    for x in [Matrix(a), asmatrix(layout(a, "rows"))]:
        same(x.T, a.T)
        same(x.transpose(), a.T)
        c = x.copy()
        same(c, a)
        if c.size:
            c[0, 0] = 99.0
            assert x[0, 0] == a[0, 0]
        assert x.tolist() == a.tolist()


# ---- stacking and selection ----------------------------------------------------------
def test_hstack_vstack():
    a, b, c = data((4, 3), 13), data((4, 5), 14), data((2, 3), 15)
    same(hstack([Matrix(a), b, Matrix(a)[:, 1:2]]), np.hstack([a, b, a[:, 1:2]]))
    same(vstack([a, Matrix(c), c.tolist()]), np.vstack([a, c, c]))
    same(hcat([a]), a)
    same(vcat((a, a)), np.vstack([a, a]))
    v = np.arange(4.0)
    same(hstack([a, Vector(v)]), np.column_stack([a, v]))   # 1-D: a column
    same(vstack([np.arange(3.0), a]), np.vstack([np.arange(3.0), a]))  # 1-D: a row
    same(hstack([np.zeros((0, 2)), np.zeros((0, 3))]), np.zeros((0, 5)))
    with pytest.raises(ValueError, match=r"\(4, 3\).*\(2, 3\)"):
        hstack([a, c])
    with pytest.raises(ValueError, match=r"\(4, 3\).*\(4, 5\)"):
        vstack([a, b])
    with pytest.raises(ValueError, match="at least one"):
        hstack([])
    with pytest.raises(TypeError):
        vstack([a, "abc"])


def test_select_rows_and_cols():
    a = data((6, 4), 16)
    A = Matrix(a)
    same(A.select_rows([4, 0, 0, -1]), a[[4, 0, 0, -1]])
    same(A.select_cols([3, 1]), a[:, [3, 1]])
    same(A.select_rows([]), a[[]])
    same(A.select_cols(np.array([True, False, False, True])), a[:, [0, 3]])
    same(A.select_rows(2), a[[2]])
    with pytest.raises(IndexError, match="out of range"):
        A.select_rows([0, 6])
    with pytest.raises(IndexError, match="out of range"):
        A.select_cols([-5])
    with pytest.raises(TypeError):
        A.select_rows([0.5])


def test_apply():
    a = data((3, 4), 17)
    same(Matrix(a).apply(np.tanh), np.tanh(a))
    same(Matrix(a)[1:, 2:].apply(lambda x: x * x), a[1:, 2:] ** 2)
    with pytest.raises(TypeError):
        Matrix(a).apply(None)


# ---- pickling and printing -----------------------------------------------------------
@pytest.mark.parametrize("shape", SHAPES)
def test_pickle_round_trips_exactly(shape):
    a = data(shape, 18)
    if a.size:
        a.flat[0] = np.nan
        a.flat[-1] = -np.inf
    A = Matrix(a)
    for x in [A, A[1:, 1:], asmatrix(layout(a, "readonly"))]:
        for proto in [2, pickle.HIGHEST_PROTOCOL]:
            y = pickle.loads(pickle.dumps(x, protocol=proto))
            assert type(y) is Matrix and y.shape == x.shape and y.writeable
            np.testing.assert_array_equal(np.asarray(y), np.asarray(x))
            assert np.asarray(y).tobytes() == np.asarray(x).tobytes()


def test_repr_and_str_like_numpy():
    a = np.array([[1.0, -2.5], [3.0, 4.0]])
    assert repr(Matrix(a)) == "Matrix([[ 1. , -2.5],\n        [ 3. ,  4. ]])"
    assert repr(Vector([1, 2.5])) == "Vector([1. , 2.5])"
    assert str(Matrix(a)) == str(a)
    assert repr(Matrix.zeros(0, 3)) == "Matrix([], shape=(0, 3))"
    big = Matrix.random(200, 300, seed=0)
    r = repr(big)
    assert r.startswith("Matrix([[") and "..." in r and len(r) < 2000
    b = np.asarray(big)
    assert f"{b[0, 0]:.8f}"[:6] in r


def test_truth_value_and_hash():
    with pytest.raises(ValueError, match="ambiguous"):
        bool(Matrix.zeros(2, 2))
    assert bool(Matrix([[2.0]])) and not bool(Matrix([[0.0]]))
    with pytest.raises(TypeError, match="unhashable"):
        hash(Matrix.zeros(1, 1))


def test_reinitialising_an_existing_matrix_is_refused():
    """__init__ on a live Matrix would swap its memory under views and numpy arrays."""
    A = Matrix.zeros(2, 2)
    a = np.asarray(A)
    with pytest.raises(TypeError, match="re-initialise"):
        A.__init__([[1.0, 2.0]])
    with pytest.raises(TypeError, match="re-initialise"):
        Vector.zeros(2).__init__([1.0])
    assert A.shape == (2, 2) and np.shares_memory(a, np.asarray(A))
    empty = Matrix.__new__(Matrix)              # no __init__: a valid empty matrix
    assert empty.shape == (0, 0) and np.asarray(empty).shape == (0, 0)
    assert (empty + empty).shape == (0, 0) and empty.T.shape == (0, 0)


def test_contains_looks_at_entries():
    A = Matrix([[1.0, 2.0], [3.0, np.nan]])
    assert 3.0 in A and 3 in A and 2.5 not in A and np.nan not in A
    assert 2.0 not in A[1:, :] and 2.0 in A[0]
    with pytest.raises(TypeError):
        "a" in A

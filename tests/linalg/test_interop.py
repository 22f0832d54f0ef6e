"""numpy interop of Matrix and Vector: the buffer protocol (PEP 3118), __array__,
__array_ufunc__ = None (NEP 13), numpy functions that call our methods, memory
lifetime across the boundary, and property tests (hypothesis) against numpy."""
import ctypes
import gc

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from rusty_machine.linalg import Matrix, Vector, asmatrix, asvector

EPS = np.finfo(float).eps


# ---- buffer protocol -----------------------------------------------------------------
def test_memoryview_describes_the_storage():
    P = Matrix.random(6, 9, seed=0)
    for M, ld in [(P, 9), (P[1:4, 2:7], 9), (P[::2, 3:5], 18)]:
        m = memoryview(M)
        assert m.format == "d" and m.itemsize == 8 and m.ndim == 2
        assert m.shape == M.shape and m.strides == (ld * 8, 8)
        assert not m.readonly
        assert m.c_contiguous == (ld == M.cols or M.rows <= 1)
        np.testing.assert_array_equal(np.asarray(m), np.asarray(M))
    v = memoryview(Vector([1.0, 2.0]))
    assert (v.format, v.shape, v.strides, v.ndim) == ("d", (2,), (8,), 1)
    assert memoryview(Matrix.zeros(0, 3)).shape == (0, 3)


def test_asarray_is_a_zero_copy_view_and_keeps_the_matrix_alive():
    M = Matrix.random(5, 4, seed=1)
    a = np.asarray(M)
    b = np.asarray(M)
    assert a.dtype == np.float64 and a.flags.writeable
    assert np.shares_memory(a, b)
    a[2, 3] = -8.0
    assert M[2, 3] == -8.0
    M[0, 0] = 4.0
    assert a[0, 0] == 4.0
    ref = a.copy()
    del M, b
    gc.collect()
    _ = [np.ones((5, 4)) for _ in range(100)]
    np.testing.assert_array_equal(a, ref)


def test_readonly_is_respected_across_the_boundary():
    r = np.arange(6.0).reshape(2, 3)
    r.flags.writeable = False
    R = asmatrix(r)
    assert not R.writeable
    assert not np.asarray(R).flags.writeable
    assert memoryview(R).readonly
    assert not np.asarray(R[0:1, 1:]).flags.writeable
    assert not np.asarray(R[1]).flags.writeable
    with pytest.raises((BufferError, TypeError)):
        (ctypes.c_double * 6).from_buffer(R)            # asks for a writable buffer
    assert np.asarray(Matrix(R)).flags.writeable        # a copy is writable
    w = np.ones(3)
    w.flags.writeable = False
    assert not np.asarray(asvector(w)).flags.writeable


def test_writable_contiguous_request_for_a_strided_view_is_refused():
    P = Matrix.zeros(4, 4)
    (ctypes.c_double * 16).from_buffer(P)[5] = 2.0      # contiguous, writable: fine
    assert P[1, 1] == 2.0
    with pytest.raises((BufferError, TypeError, ValueError)):
        (ctypes.c_double * 4).from_buffer(P[0:2, 0:2])  # needs C-contiguous bytes


def test_dunder_array_with_dtype_and_copy():
    M = Matrix([[1.5, 2.0], [3.0, 4.0]])
    a = M.__array__()
    assert np.shares_memory(a, np.asarray(M))
    c = np.array(M)                                     # np.array copies by default
    assert not np.shares_memory(c, np.asarray(M))
    np.testing.assert_array_equal(c, [[1.5, 2.0], [3.0, 4.0]])
    assert M.__array__(np.float32).dtype == np.float32
    assert not np.shares_memory(M.__array__(copy=True), a)
    with pytest.raises(ValueError):
        M.__array__(np.int32, copy=False)
    assert np.asarray(M, dtype=np.int64).tolist() == [[1, 2], [3, 4]]
    assert np.asarray(Vector([1.0, 2.0]), dtype=np.float32).dtype == np.float32


# ---- numpy defers to our operators ---------------------------------------------------
def test_array_ufunc_none_makes_numpy_defer():
    a = np.arange(6.0).reshape(2, 3)
    M = Matrix(a)
    for r in [a + M, a - M, a * M, a / (M + 1), np.float64(2.0) * M, np.int32(3) + M,
              a.T @ M]:
        assert isinstance(r, Matrix)
    assert isinstance(np.ones(3) + Vector.ones(3), Vector)
    with pytest.raises(TypeError):
        np.add(a, M)                                    # ufuncs refuse explicitly
    with pytest.raises(TypeError):
        np.sin(M)
    assert (a == M) is True                             # comparison defers too


def test_numpy_functions_that_call_methods():
    a = np.random.default_rng(2).standard_normal((4, 5))
    M = Matrix(a)
    assert abs(np.sum(M) - a.sum()) <= 20 * EPS * np.abs(a).sum()
    np.testing.assert_allclose(np.asarray(np.sum(M, axis=0)), a.sum(axis=0), rtol=1e-14)
    assert np.min(M) == a.min() and np.max(M) == a.max()
    assert abs(np.mean(M) - a.mean()) <= 20 * EPS * np.abs(a).mean()
    np.testing.assert_array_equal(np.argmax(M, axis=1), a.argmax(axis=1))
    assert np.shape(M) == (4, 5) and np.ndim(M) == 2 and np.size(M) == 20
    np.testing.assert_array_equal(np.hstack([M, M]), np.hstack([a, a]))
    with pytest.raises(TypeError, match="out="):
        M.sum(out=np.zeros(1))


def test_asmatrix_of_numpy_view_of_matrix_round_trips():
    M = Matrix.random(6, 6, seed=3)
    a = np.asarray(M)[1:5, 2:4]
    W = asmatrix(a)                                     # wraps, no copy
    W[0, 0] = 11.0
    assert M[1, 2] == 11.0
    del M
    gc.collect()
    assert W[0, 0] == 11.0


def test_wrapped_array_cannot_be_resized_underneath():
    a = np.zeros(10)
    v = asvector(a)
    with pytest.raises((ValueError, RuntimeError)):
        a.resize(1000)                                  # numpy refuses: referenced
    v[0] = 1.0
    assert a[0] == 1.0


# ---- properties against numpy (hypothesis) ------------------------------------------
finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
arrays2d = hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=0,
                                                     max_side=12), elements=finite)


@settings(max_examples=30, deadline=None)
@given(a=arrays2d, data=st.data())
def test_property_ops_match_numpy(a, data):
    b = data.draw(hnp.arrays(np.float64, a.shape, elements=finite))
    s = data.draw(finite)
    transposed = data.draw(st.booleans())
    if transposed:                                     # Fortran-ordered input
        a, b = np.asfortranarray(a), np.asfortranarray(b)
    A, B = Matrix(a), asmatrix(b)
    np.testing.assert_array_equal(np.asarray(A + B), a + b)
    np.testing.assert_array_equal(np.asarray(A * s - B), a * s - b)
    np.testing.assert_array_equal(np.asarray(A.T), a.T)
    assert A == a and (A == b) == bool(np.array_equal(a, b))
    if a.size:
        assert A.max() == a.max() and A.argmin() == a.argmin()
        assert abs(A.sum() - a.sum()) <= a.size * EPS * np.abs(a).sum()
    r0 = data.draw(st.integers(0, a.shape[0]))
    r1 = data.draw(st.integers(r0, a.shape[0]))
    c0 = data.draw(st.integers(0, a.shape[1]))
    c1 = data.draw(st.integers(c0, a.shape[1]))
    V = A[r0:r1, c0:c1]
    np.testing.assert_array_equal(np.asarray(V), a[r0:r1, c0:c1])
    np.testing.assert_array_equal(np.asarray(V * 2.0), a[r0:r1, c0:c1] * 2.0)


@settings(max_examples=30, deadline=None)
@given(m=st.integers(0, 20), k=st.integers(0, 20), n=st.integers(0, 20),
       seed=st.integers(0, 2**32 - 1))
def test_property_matmul_matches_numpy(m, k, n, seed):
    rng = np.random.default_rng(seed)
    a, b, x = rng.standard_normal((m, k)), rng.standard_normal((k, n)), rng.standard_normal(k)
    bound = 2 * max(k, 1) * EPS * (np.abs(a) @ np.abs(b)) + np.finfo(float).tiny
    assert np.all(np.abs(np.asarray(Matrix(a) @ Matrix(b)) - a @ b) <= bound)
    bound = 2 * max(k, 1) * EPS * (np.abs(a) @ np.abs(x)) + np.finfo(float).tiny
    assert np.all(np.abs(np.asarray(Matrix(a) @ Vector(x)) - a @ x) <= bound)


def axis_keys(n):
    """Hypothesis strategy for one axis of an index into an axis of length n."""
    ints = st.integers(-n, n - 1) if n else st.nothing()
    bound = st.none() | st.integers(-n - 2, n + 2)
    steps = st.none() | st.integers(-3, 3).filter(lambda s: s != 0)
    slices = st.builds(slice, bound, bound, steps)
    lists = st.lists(ints, max_size=4) if n else st.just([])
    masks = st.lists(st.booleans(), min_size=n, max_size=n).map(lambda b: np.array(b, bool))
    return ints | slices | lists | masks


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_property_indexing_and_assignment_match_numpy(data):
    m, n = data.draw(st.integers(0, 6)), data.draw(st.integers(0, 6))
    a = np.arange(m * n, dtype=float).reshape(m, n)
    kr, kc = data.draw(axis_keys(m)), data.draw(axis_keys(n))
    A = Matrix(a)
    arrays = isinstance(kr, (list, np.ndarray)) and isinstance(kc, (list, np.ndarray))
    # two index sequences select the outer product (rows x columns), like np.ix_
    idx = np.ix_(np.arange(m)[kr], np.arange(n)[kc]) if arrays else (kr, kc)
    ref = a[idx]
    got = A[kr, kc]
    if np.ndim(ref) == 0:
        assert got == ref
    else:
        np.testing.assert_array_equal(np.asarray(got), ref)
        assert got.shape == ref.shape
    value = -1.0 - np.arange(np.size(ref), dtype=float).reshape(np.shape(ref))
    A[kr, kc] = value if np.ndim(ref) else float(value)
    b = a.copy()
    b[idx] = value
    np.testing.assert_array_equal(np.asarray(A), b)

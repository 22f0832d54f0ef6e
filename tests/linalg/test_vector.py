"""Vector (rusty_machine/linalg/matrix.pyx): construction, access, views, arithmetic,
dot products, reductions and norms against numpy on seeded data."""
import gc
import pickle

import numpy as np
import pytest

from rusty_machine.linalg import Matrix, Vector, asvector

EPS = np.finfo(float).eps
SIZES = [0, 1, 2, 7, 33, 200, 1001]


def data(n, seed=0):
    return np.random.default_rng(seed).standard_normal(n)


def layouts(x):
    """The same values as the 1-D array x in several memory layouts."""
    n = x.shape[0]
    big = np.full(3 * n + 1, np.nan)
    big[1::3] = x
    ro = x.copy()
    ro.flags.writeable = False
    return {"contiguous": x.copy(), "strided": big[1::3],
            "negative": x[::-1].copy()[::-1], "readonly": ro,
            "float32": x.astype(np.float32).astype(np.float64), "list": x.tolist()}


def same(v, x):
    assert isinstance(v, Vector)
    assert v.shape == np.shape(x)
    np.testing.assert_array_equal(np.asarray(v), x)


@pytest.mark.parametrize("n", SIZES)
def test_construction_from_every_layout(n):
    x = data(n, 1)
    for kind, y in layouts(x).items():
        v = Vector(y)
        same(v, np.asarray(y, dtype=float))
        assert v.writeable and (v.size, len(v), v.ndim) == (n, n, 1)
        w = asvector(y)
        same(w, np.asarray(y, dtype=float))
        if isinstance(y, np.ndarray) and n > 1:
            assert np.shares_memory(np.asarray(w), y) == (kind in ("contiguous", "readonly",
                                                                   "float32"))
            assert w.writeable == (kind != "readonly")


def test_dtypes_and_buffers():
    same(Vector(np.arange(4, dtype=np.int16)), np.arange(4.0))
    same(Vector([True, False]), np.array([1.0, 0.0]))
    same(Vector(np.float32([0.5, 1.5])), np.array([0.5, 1.5]))
    same(Vector(memoryview(np.arange(3.0))), np.arange(3.0))
    same(Vector(range(5)), np.arange(5.0))
    v = Vector([1, 2])
    assert asvector(v) is v


@pytest.mark.parametrize("bad, exc, words", [
    ([1, [2, 3]], ValueError, "ragged"), ("abc", TypeError, "numeric"),
    (None, TypeError, "numeric"), ([1, None], TypeError, "numeric"),
    ([1j, 2], TypeError, "complex"), (np.zeros((2, 2)), ValueError, "1-D"),
    (np.zeros((3, 1)), ValueError, "1-D"), (5.0, ValueError, "1-D"),
    (Matrix.zeros(1, 3), ValueError, "1-D")])
def test_bad_input(bad, exc, words):
    with pytest.raises(exc, match=words):
        Vector(bad)
    with pytest.raises(exc, match=words):
        asvector(bad)


def test_constructors():
    same(Vector.zeros(4), np.zeros(4))
    same(Vector.ones(3), np.ones(3))
    same(Vector.zeros(0), np.zeros(0))
    same(Vector.random(6, seed=3), np.random.default_rng(3).standard_normal(6))
    with pytest.raises(ValueError, match="negative"):
        Vector.zeros(-2)


def test_indexing_views_and_copies():
    x = data(10, 2)
    v = Vector(x)
    for i in range(-10, 10):
        assert v[i] == x[i]
    for key in [slice(2, 7), slice(None, None, 2), slice(None, None, -1), slice(8, 2, -3),
                slice(5, 5), [1, -1, 3], np.array([True] * 5 + [False] * 5),
                np.arange(3)]:
        same(v[key], x[key])
    s = v[2:7]
    assert np.shares_memory(np.asarray(s), np.asarray(v))
    s[0] = 100.0
    assert v[2] == 100.0
    assert not np.shares_memory(np.asarray(v[::2]), np.asarray(v))
    with pytest.raises(IndexError, match="out of range"):
        v[10]
    with pytest.raises(IndexError, match="out of range"):
        v[-11]
    with pytest.raises(IndexError, match="out of range"):
        v[[0, 10]]
    with pytest.raises(IndexError):
        v[0, 0]
    with pytest.raises(TypeError):
        v[1.0]
    assert list(v) == np.asarray(v).tolist() == v.tolist()


def test_assignment():
    x = data(8, 3)
    v = Vector(x)
    for key, val in [(3, -1.0), (slice(1, 4), [7.0, 8.0, 9.0]), (slice(None, None, 2), 0.5),
                     ([0, 7], np.array([1.0, 2.0])), (slice(None, None, -1), x),
                     (slice(2, 2), [])]:
        v[key] = val
        x[key] = val
        same(v, x)
    v[1:] = v[:-1]                                 # overlapping
    x[1:] = x[:-1].copy()
    same(v, x)
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        v[0:3] = [1.0, 2.0]
    with pytest.raises(TypeError):
        v[0] = "a"
    r = np.ones(3)
    r.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        asvector(r)[0] = 2.0
    with pytest.raises(ValueError, match="read-only"):
        asvector(r)[0:2] = 2.0


OPS = [lambda x, y: x + y, lambda x, y: x - y, lambda x, y: x * y, lambda x, y: x / y]


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("f", OPS)
def test_arithmetic_against_numpy(n, f):
    x, y = data(n, 4), data(n, 5)
    u = Matrix(np.vstack([x, y]))[1]              # a row view as one operand
    same(f(Vector(x), u), f(x, y))
    for kind, z in layouts(y).items():
        same(f(Vector(x), z), f(x, np.asarray(z, dtype=float)))
        if isinstance(z, np.ndarray):
            same(f(z, Vector(x)), f(z, x))
    same(f(Vector(x), 2.5), f(x, 2.5))
    same(f(-1.5, Vector(x)), f(-1.5, x))
    w = Vector(x)
    w2 = {0: w.__iadd__, 1: w.__isub__, 2: w.__imul__, 3: w.__itruediv__}[OPS.index(f)](y)
    assert w2 is w
    same(w, f(x, y))
    same(-Vector(x), -x)
    same(abs(Vector(x)), np.abs(x))


def test_arithmetic_errors():
    with pytest.raises(ValueError, match=r"\(3,\) and \(2,\)"):
        Vector.zeros(3) + Vector.zeros(2)
    with pytest.raises(ValueError, match=r"\(3,\) and \(1, 3\)"):
        Vector.zeros(3) * Matrix.zeros(1, 3)
    with pytest.raises(ValueError, match=r"\(2,\) and \(3,\)"):
        np.zeros(2) - Vector.zeros(3)
    with pytest.raises(TypeError):
        Vector.zeros(3) + "abc"
    with pytest.raises(TypeError, match="complex"):
        Vector.zeros(3) + 1j


@pytest.mark.parametrize("n", SIZES)
def test_dot_norms_reductions(n):
    x, y = data(n, 6), data(n, 7)
    v = Vector(x)
    bound = 2 * max(n, 1) * EPS * (np.abs(x) @ np.abs(y))
    assert abs(v @ Vector(y) - x @ y) <= bound
    assert abs(v.dot(y) - x @ y) <= bound
    assert abs(v @ y - x @ y) <= bound and abs(y @ v - x @ y) <= bound
    for ord in [None, 2, 1, np.inf, -np.inf]:
        ref = np.linalg.norm(x, ord) if n else 0.0
        assert abs(v.norm(ord) - ref) <= 2 * max(n, 1) * EPS * ref
    with pytest.raises(ValueError, match="invalid norm order"):
        v.norm("fro")
    assert abs(v.sum() - x.sum()) <= max(n, 1) * EPS * np.abs(x).sum()
    assert abs(v.sum(axis=0) - x.sum()) <= max(n, 1) * EPS * np.abs(x).sum()
    if n == 0:
        for name in ["mean", "min", "max", "argmin", "argmax"]:
            with pytest.raises(ValueError, match="empty"):
                getattr(v, name)()
        return
    assert abs(v.mean() - x.mean()) <= EPS * np.abs(x).sum()
    for name in ["min", "max", "argmin", "argmax"]:
        assert getattr(v, name)() == getattr(x, name)()
    with pytest.raises(ValueError, match="out of bounds"):
        v.sum(axis=1)


def test_nan_propagation_and_equality():
    x = np.array([1.0, np.nan, -3.0, np.nan])
    v = Vector(x)
    assert np.isnan(v.max()) and v.argmin() == 1 and v.argmax() == 1
    assert (v == v) is False
    assert (Vector([1, 2]) == [1.0, 2.0]) is True and (Vector([1, 2]) != [1, 3]) is True
    assert (Vector([1, 2]) == Vector([1, 2, 3])) is False
    assert Vector([1, 2]).allclose([1, 2 + 1e-9])
    assert not Vector([1, 2]).allclose([1, 2.1])


def test_pickle_views_lifetime_repr():
    x = data(50, 8)
    x[3] = np.nan
    v = Vector(x)
    for w in [v, v[10:20], Matrix(np.vstack([x, x]))[1]]:
        u = pickle.loads(pickle.dumps(w, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(u) is Vector and np.asarray(u).tobytes() == np.asarray(w).tobytes()
    view = v[5:15]
    arr = np.asarray(v)
    del v
    gc.collect()
    _ = [np.ones(100) for _ in range(100)]
    np.testing.assert_array_equal(np.asarray(view), x[5:15])
    np.testing.assert_array_equal(arr, x)
    assert repr(Vector([1.0, 2.0])) == "Vector([1., 2.])"
    assert repr(Vector.zeros(0)) == "Vector([], shape=(0,))"
    assert str(Vector([1.0, 2.0])) == str(np.array([1.0, 2.0]))
    assert "..." in repr(Vector.zeros(5000))
    same(Vector([1.0, 4.0]).apply(np.sqrt), np.array([1.0, 2.0]))
    c = Vector([1.0, 2.0])
    d = c.copy()
    d[0] = 5.0
    assert c[0] == 1.0

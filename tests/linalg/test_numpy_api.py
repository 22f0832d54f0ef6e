"""numpy.linalg's products, tensor functions, array-API helpers and norms
(rusty_machine/linalg/_products.py, _batched.pyx, _norms.py) against numpy on seeded data:
stacks, broadcasting, float32 and float64, integer and bool, 0-size; plus their errors
(tests/test_bad_input_sweep.py lists one per error path)."""
import numpy as np
import pytest

import rusty_machine.linalg as rl
from rusty_machine.linalg import LinAlgError, Matrix, Vector
from rusty_machine.linalg._batched import matmul_stack
from rusty_machine.linalg._products import _chain_order

DTYPES = [np.float32, np.float64]


def eps(dtype):
    return np.finfo(dtype).eps


def data(shape, seed, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def assert_product_close(got, ref, k, dtype):
    """|got - ref| <= k eps |A||B| elementwise bound, with |A||B| bounded by the max of
    |ref| plus a unit (the data are standard normal)."""
    got = np.asarray(got)
    assert got.shape == np.shape(ref)
    assert got.dtype == dtype
    tol = 4 * max(k, 1) * eps(dtype) * (np.abs(ref).max(initial=0) + 1)
    assert np.max(np.abs(got - ref), initial=0) <= tol


@pytest.fixture
def no_numpy_products(monkeypatch):
    """numpy's products raise while the test runs: ours must not call them."""
    def forbidden(*args, **kwargs):
        raise AssertionError("numpy product called")
    for name in ("matmul", "dot", "einsum", "tensordot", "inner", "vdot"):
        monkeypatch.setattr(np, name, forbidden)


# ---- matmul ----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sa, sb", [
    ((3, 4, 5), (3, 5, 2)),          # same stack
    ((3, 4, 5), (5, 2)),             # a matrix broadcast over a stack
    ((4, 5), (2, 3, 5, 6)),
    ((2, 1, 4, 5), (1, 3, 5, 2)),    # both broadcast
    ((5,), (3, 5, 2)),               # 1-D first operand: a row, removed after
    ((3, 4, 5), (5,)),               # 1-D second operand: a column
    ((0, 4, 5), (5, 2)),             # empty stack
    ((3, 0, 5), (3, 5, 2)),          # empty matrices
    ((3, 4, 0), (3, 0, 2)),          # K = 0: zeros
    ((70, 70, 70), (2, 70, 70, 3)),  # larger than the threads-over-the-batch cut-off
])
def test_matmul_stacks_match_numpy(sa, sb, dtype, no_numpy_products):
    a, b = data(sa, 1, dtype), data(sb, 2, dtype)
    got = rl.matmul(a, b)
    with np.errstate(all="ignore"):
        ref = a.astype(np.float64) @ b.astype(np.float64)   # (np.matmul is forbidden here,
    assert_product_close(got, ref, sa[-1], dtype)             # the operator is not)


def test_matmul_two_d_keeps_the_matrix_contract():
    a, b = data((3, 4), 3), data((4, 2), 4)
    assert isinstance(rl.matmul(a, b), Matrix)
    assert isinstance(rl.matmul(a, b[:, 0]), Vector)
    assert isinstance(rl.matmul(Matrix(a), Matrix(b)), Matrix)
    np.testing.assert_allclose(np.asarray(rl.matmul(a, b)), a @ b, rtol=1e-14, atol=1e-14)


def test_matmul_promotion_and_integers():
    a32, b64 = data((2, 3, 4), 5, np.float32), data((4, 2), 6)
    assert rl.matmul(a32, b64).dtype == np.float64
    assert rl.matmul(a32, b64.astype(np.float32)).dtype == np.float32
    ai = np.arange(24).reshape(2, 3, 4)
    r = rl.matmul(ai, ai.transpose(0, 2, 1))
    assert r.dtype == np.int64                        # numpy's integer matmul (part D)
    np.testing.assert_array_equal(r, ai @ ai.transpose(0, 2, 1))


def test_matmul_stack_kernel_indices_and_checks():
    a, b = data((3, 2, 4), 7), data((2, 4, 5), 8)
    ia, ib = np.array([2, 0, 1, 2]), np.array([1, 1, 0, 0])
    got = matmul_stack(a, b, ia, ib)
    np.testing.assert_allclose(got, a[ia] @ b[ib], rtol=1e-14, atol=1e-14)
    with pytest.raises(ValueError, match="out of range"):
        matmul_stack(a, b, [3], [0])
    with pytest.raises(TypeError):
        matmul_stack(a, b.astype(np.float32), [0], [0])
    with pytest.raises(ValueError, match="C-contiguous"):
        matmul_stack(a[:, :, ::2], b[:, ::2], [0], [0])


def test_integer_kernel_wraps_like_numpy():
    rng = np.random.default_rng(9)
    for dt in (np.int8, np.uint8, np.int32, np.int64, np.uint64):
        info = np.iinfo(dt)
        a = rng.integers(info.min, info.max, (3, 4, 5), dtype=dt, endpoint=True)
        b = rng.integers(info.min, info.max, (3, 5, 2), dtype=dt, endpoint=True)
        idx = np.arange(3)
        got = matmul_stack(a.astype(np.uint64), b.astype(np.uint64), idx, idx).astype(dt)
        np.testing.assert_array_equal(got, a @ b)


# ---- matrix_power --------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 13, -1, -3])
@pytest.mark.parametrize("shape", [(4, 4), (3, 4, 4), (2, 2, 3, 3), (0, 3, 3), (2, 0, 0)])
def test_matrix_power_matches_numpy(shape, n, dtype, no_numpy_products):
    m = shape[-1]
    # well conditioned, spectral radius near 1: powers stay O(1)
    a = (np.eye(m) + 0.3 * data(shape, 10 + m) / max(m, 1)).astype(dtype)
    got = rl.matrix_power(a, n)
    ref = np.linalg.matrix_power(a.astype(np.float64), n)
    assert_product_close(got, ref, 4 * m * (abs(n) + 1), dtype)
    if len(shape) == 2:
        assert isinstance(got, Matrix)


def test_matrix_power_identity_and_large_exponents():
    p = np.eye(4)[[3, 0, 1, 2]]                      # a cyclic shift: p**4 = I
    for n, k in [(0, 0), (2 ** 100 + 1, 1), (2 ** 100 + 2 ** 10 + 3, 3), (-(2 ** 64), 0)]:
        np.testing.assert_array_equal(np.asarray(rl.matrix_power(p, n)),
                                      np.linalg.matrix_power(p, k))
    np.testing.assert_array_equal(np.asarray(rl.matrix_power(np.ones((2, 2)), 0)), np.eye(2))


@pytest.mark.parametrize("dt", [np.bool_, np.int8, np.uint8, np.int16, np.int32, np.int64,
                                np.uint64])
def test_matrix_power_keeps_integer_dtypes_exactly(dt):
    rng = np.random.default_rng(11)
    a = rng.integers(0, 3, (2, 4, 4)).astype(dt)
    for n in (0, 1, 2, 3, 7, 20):
        got = rl.matrix_power(a, n)
        assert got.dtype == a.dtype and got.shape == a.shape
        np.testing.assert_array_equal(got, np.linalg.matrix_power(a, n))
    if dt is not np.bool_:
        inv = rl.matrix_power(np.array([[2, 1], [1, 1]], dtype=dt), -1)   # float64 inverse
        np.testing.assert_allclose(inv, [[1, -1], [-1, 2]], atol=1e-14)


def test_matrix_power_object_arrays():
    from fractions import Fraction
    a = np.array([[Fraction(1, 2), 1], [0, Fraction(1, 3)]], dtype=object)
    got = rl.matrix_power(a, 5)
    assert got.dtype == object
    assert got[0, 0] == Fraction(1, 32) and got[1, 1] == Fraction(1, 243)
    np.testing.assert_array_equal(got, np.linalg.matrix_power(a, 5))
    with pytest.raises(NotImplementedError):
        rl.matrix_power(np.ones((2, 2, 2), dtype=object), 2)
    with pytest.raises(TypeError):
        rl.matrix_power(a, -1)


def test_matrix_power_errors():
    with pytest.raises(LinAlgError, match="singular"):
        rl.matrix_power(np.array([[1.0, 0.0], [0.0, 0.0]]), -2)
    with pytest.raises(LinAlgError, match="square"):
        rl.matrix_power(np.ones((4, 3, 2)), 1)
    for n in (1.5, [1], "2", None):
        with pytest.raises(TypeError, match="integer"):
            rl.matrix_power(np.eye(2), n)


# ---- multi_dot -------------------------------------------------------------------------
def test_chain_order_is_cormens_example():
    # CLRS Fig. 15.5: dims 30 35 15 5 10 20 25, optimal ((A1 (A2 A3)) ((A4 A5) A6))
    s = _chain_order([30, 35, 15, 5, 10, 20, 25])
    assert s[0][5] == 2 and s[0][2] == 0 and s[3][5] == 4
    # numpy's own implementation agrees on every split
    from numpy.linalg._linalg import _multi_dot_matrix_chain_order
    arrays = [np.empty(d) for d in [(30, 35), (35, 15), (15, 5), (5, 10), (10, 20), (20, 25)]]
    ref = _multi_dot_matrix_chain_order(arrays)
    for i in range(6):
        for j in range(i + 1, 6):
            assert s[i][j] == ref[i, j]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shapes", [
    [(6, 2), (2, 6)], [(6, 2), (2, 6), (6, 2)], [(10, 30), (30, 5), (5, 60), (60, 3)],
    [(2,), (2, 6), (6, 2), (2, 2)], [(6, 2), (2, 6), (6, 2), (2,)], [(2,), (2, 6), (6, 2), (2,)],
    [(3, 0), (0, 4), (4, 2)]])
def test_multi_dot_matches_numpy(shapes, dtype, no_numpy_products):
    arrays = [data(s, 20 + i, dtype) for i, s in enumerate(shapes)]
    got = rl.multi_dot(arrays)
    with np.errstate(all="ignore"):
        ref = arrays[0].astype(np.float64)
        for x in arrays[1:]:
            ref = ref @ x.astype(np.float64)
    assert_product_close(got, ref, 100, dtype)
    if len(shapes[0]) == 1 and len(shapes[-1]) == 1:
        assert isinstance(got, np.generic)


def test_multi_dot_out():
    a, b, c = data((6, 2), 30), data((2, 6), 31), data((6, 2), 32)
    out = np.zeros((6, 2))
    assert rl.multi_dot([a, b, c], out=out) is out
    np.testing.assert_allclose(out, a @ b @ c, rtol=1e-13, atol=1e-13)
    with pytest.raises(ValueError, match="out must be"):
        rl.multi_dot([a, b, c], out=np.zeros((2, 2)))


# ---- tensordot, tensorsolve, tensorinv ------------------------------------------------
@pytest.mark.parametrize("sa, sb, axes", [
    ((2, 3, 4), (3, 4, 5), 2), ((2, 3, 4), (4, 5), 1), ((2, 3), (4, 5), 0),
    ((2, 3, 4), (4, 3, 5), ([1, 2], [1, 0])), ((3, 4), (3, 4), 2),
    ((3, 4, 5), (5, 3), ([0, 2], [1, 0])),
    ((0, 3), (3, 2), 1)])
def test_tensordot_matches_numpy(sa, sb, axes, no_numpy_products):
    a, b = data(sa, 40), data(sb, 41)
    got = rl.tensordot(a, b, axes)
    ref = _tensordot_reference(a, b, axes)
    assert_product_close(got, ref, 60, np.float64)


def _tensordot_reference(a, b, axes):
    # numpy.tensordot, with the product spelled as @ (np.dot is forbidden in the test)
    if isinstance(axes, int):
        axes = (list(range(a.ndim - axes, a.ndim)), list(range(axes)))
    xa, xb = list(axes[0]), list(axes[1])
    fa = [i for i in range(a.ndim) if i not in xa]
    fb = [i for i in range(b.ndim) if i not in xb]
    k = int(np.prod([a.shape[i] for i in xa]))
    a2 = a.transpose(fa + xa).reshape(-1, k)
    b2 = b.transpose(xb + fb).reshape(k, -1)
    return (a2 @ b2).reshape([a.shape[i] for i in fa] + [b.shape[i] for i in fb])


@pytest.mark.parametrize("shape, ind", [((6, 2, 3), 1), ((3, 4, 3, 4), 2), ((2, 3, 6), 2)])
def test_tensorsolve_and_tensorinv(shape, ind):
    # a square reshape (prod(shape[:ind]) == prod(shape[ind:])) plus a multiple of the
    # identity: well conditioned
    n = int(np.prod(shape[:ind]))
    a = (data((n, n), 50) + 3 * np.sqrt(n) * np.eye(n)).reshape(shape)
    b = data(shape[:ind], 51)
    x = rl.tensorsolve(a, b)
    assert x.shape == shape[ind:]
    np.testing.assert_allclose(x, np.linalg.tensorsolve(a, b), rtol=1e-12, atol=1e-12)
    assert np.allclose(np.tensordot(a, x, axes=x.ndim), b)
    inv = rl.tensorinv(a, ind)
    assert inv.shape == shape[ind:] + shape[:ind]
    np.testing.assert_allclose(inv, np.linalg.tensorinv(a, ind), rtol=1e-12, atol=1e-12)


def test_tensorsolve_axes_and_errors():
    a = data((6, 2, 3), 52)
    b = data(6, 53)
    at = a.transpose(1, 0, 2)                        # (2, 6, 3): axis 0 goes last
    np.testing.assert_allclose(rl.tensorsolve(at, b, axes=(0,)),
                               np.linalg.tensorsolve(at, b, axes=(0,)), rtol=1e-9, atol=1e-9)
    with pytest.raises(LinAlgError, match="prod"):
        rl.tensorsolve(np.ones((2, 3, 3)), np.ones(2))
    with pytest.raises(LinAlgError, match="singular"):
        rl.tensorinv(np.zeros((2, 2)), 1)


# ---- array-API helpers -----------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
def test_vecdot_outer_cross(dtype, no_numpy_products):
    x, y = data((4, 1, 5), 60, dtype), data((3, 5), 61, dtype)
    got = rl.vecdot(x, y)
    ref = (x.astype(np.float64) * y).sum(-1)
    assert_product_close(got, ref, 5, dtype)
    got0 = rl.vecdot(data((5, 3), 62, dtype), data((5, 3), 63, dtype), axis=0)
    assert got0.shape == (3,)
    s = rl.vecdot(x[0, 0], x[0, 0])
    assert isinstance(s, np.generic) and s.dtype == dtype
    u, v = data(4, 64, dtype), data(3, 65, dtype)
    assert_product_close(rl.outer(u, v), u[:, None].astype(np.float64) * v, 1, dtype)
    a, b = data((2, 3), 66, dtype), data((2, 3), 67, dtype)
    np.testing.assert_allclose(rl.cross(a, b), np.linalg.cross(a, b), rtol=10 * eps(dtype))
    np.testing.assert_array_equal(rl.cross(a.T, b.T, axis=0), np.cross(a.T, b.T, axis=0))


def test_diagonal_trace_matrix_transpose():
    x = np.arange(60).reshape(3, 4, 5)
    np.testing.assert_array_equal(rl.diagonal(x), np.linalg.diagonal(x))
    np.testing.assert_array_equal(rl.diagonal(x, offset=-1), np.linalg.diagonal(x, offset=-1))
    np.testing.assert_array_equal(rl.trace(x), np.linalg.trace(x))
    np.testing.assert_array_equal(rl.trace(x, offset=2), np.linalg.trace(x, offset=2))
    np.testing.assert_array_equal(rl.matrix_transpose(x), np.linalg.matrix_transpose(x))
    assert rl.trace(Matrix(np.eye(3))) == 3.0


# ---- norms -----------------------------------------------------------------------------
VECTOR_ORDS = [None, 0, 1, 2, 3, 0.5, -1, -2, np.inf, -np.inf]
MATRIX_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]


@pytest.mark.parametrize("dtype", DTYPES + [np.int64])
@pytest.mark.parametrize("ord", VECTOR_ORDS)
def test_vector_norms_along_axes(ord, dtype):
    x = (data((3, 4, 5), 70) * 10).astype(dtype)
    out = np.float32 if dtype == np.float32 else np.float64
    for axis in (0, 1, -1):
        for keepdims in (False, True):
            got = rl.norm(x, ord, axis, keepdims)
            with np.errstate(divide="ignore"):
                ref = np.linalg.norm(x.astype(np.float64), ord, axis, keepdims)
            assert got.dtype == out and got.shape == ref.shape
            np.testing.assert_allclose(got, ref, rtol=30 * eps(out))
    got = rl.vector_norm(x, axis=(0, 2), ord=3 if ord is None else ord, keepdims=True)
    with np.errstate(divide="ignore"):
        ref = np.linalg.vector_norm(x.astype(np.float64), axis=(0, 2),
                                    ord=3 if ord is None else ord, keepdims=True)
    np.testing.assert_allclose(got, ref, rtol=30 * eps(out))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ord", [o for o in MATRIX_ORDS if o not in (2, -2, "nuc")])
def test_matrix_norms_on_stacks(ord, dtype):
    x = data((2, 3, 4), 71, dtype)
    for axis in [(1, 2), (2, 1), (0, 2), (-1, 0)]:
        for keepdims in (False, True):
            got = rl.norm(x, ord, axis, keepdims)
            ref = np.linalg.norm(x.astype(np.float64), ord, axis, keepdims)
            assert got.dtype == dtype and got.shape == ref.shape
            np.testing.assert_allclose(got, ref, rtol=30 * eps(dtype))
    np.testing.assert_allclose(rl.matrix_norm(x, ord="fro" if ord is None else ord),
                               np.linalg.matrix_norm(x.astype(np.float64),
                                                     ord="fro" if ord is None else ord),
                               rtol=30 * eps(dtype))


@pytest.mark.parametrize("ord", [2, -2, "nuc"])
def test_two_norms_of_one_matrix_use_our_svd(ord):
    x = data((5, 3), 72)
    got = rl.norm(x, ord)
    assert isinstance(got, np.float64)
    assert got == pytest.approx(np.linalg.norm(x, ord), rel=100 * eps(np.float64))
    assert rl.norm(x.T, ord, axis=(1, 0)) == pytest.approx(got, rel=100 * eps(np.float64))


def test_norm_scalars_and_empty():
    assert isinstance(rl.norm([3, 4]), np.float64) and rl.norm([3, 4]) == 5.0
    assert isinstance(rl.norm(np.ones(3, np.float32)), np.float32)
    assert isinstance(rl.norm(np.eye(2, dtype=np.float32), 1), np.float32)
    assert rl.norm(np.ones((2, 2, 2))) == pytest.approx(np.sqrt(8.0))
    assert rl.norm(np.ones((2, 3)), keepdims=True).shape == (1, 1)
    for shape in [(0, 2), (2, 0), (0, 0)]:
        for dtype in DTYPES + [np.int32]:
            x = np.zeros(shape, dtype)
            for ord in ["fro", "nuc", 1, 2, np.inf]:
                assert rl.matrix_norm(x, ord=ord) == 0
    for dtype in DTYPES + [np.int32]:
        for ord in (1, 2, np.inf):
            assert rl.vector_norm(np.zeros(0, dtype), ord=ord) == 0
    with pytest.raises(ValueError, match="empty"):
        rl.norm(np.zeros(0), -np.inf, 0)
    # scaled: no overflow along an axis either
    big = np.full((2, 3), 1e300)
    np.testing.assert_allclose(rl.norm(big, axis=1), np.sqrt(3) * 1e300, rtol=4e-16)


# ---- lstsq and argmin/argmax ----------------------------------------------------------
def test_lstsq_numpy_rcond_and_dimension_errors():
    a = np.array([[0., 1., 0., 1., 2., 0.], [0., 2., 0., 0., 1., 0.],
                  [1., 0., 1., 0., 0., 4.], [0., 0., 0., 2., 3., 0.]]).T
    b = np.array([1, 0, 0, 0, 0, 0])
    assert rl.lstsq(a, b, rcond=-1)[2] == 4          # machine precision: the noise counts
    assert rl.lstsq(a, b)[2] == rl.lstsq(a, b, rcond=None)[2] == 3
    with pytest.raises(LinAlgError, match="Incompatible dimensions"):
        rl.lstsq(np.ones((4, 2)), np.ones(5))
    with pytest.raises(LinAlgError, match="1-D or 2-D"):
        rl.lstsq(np.ones((4, 2)), np.ones((4, 2, 1)))


def test_argmin_argmax_flat_index():
    a = data((4, 6), 80)
    A = Matrix(a)
    assert A.argmin() == a.argmin() and A.argmax() == a.argmax()
    view = Matrix(np.zeros((8, 8)))[2:5, 1:4]        # a view: ld 8, 3 columns
    view[2, 1] = 5.0
    assert view.argmax() == 2 * 3 + 1

"""_products.py: numpy.linalg's products and array-API helpers over our kernels.

``matmul`` with numpy's broadcasting over stacks, ``matrix_power``, ``multi_dot``,
``tensordot``, ``tensorsolve``, ``tensorinv``, ``vecdot``, ``outer``, ``cross``,
``diagonal``, ``trace``, ``matrix_transpose``, with numpy.linalg's signatures and
semantics [numpy-linalg]. Every product goes through our GEMM: one matrix through
``matrix.matmul`` (GEMM/GEMV/DOT), a stack through ``_batched.matmul_stack`` (one nogil
loop over the batch); solves and inverses through our ``solve``/``inv``. numpy is used
only to convert, broadcast shapes, reshape and transpose.

dtypes: products compute in float32 when every operand is float32, else in float64
(numpy.linalg's rule, and our Matrix's). Two exceptions follow numpy exactly, because
numpy's tests and users rely on them: ``matrix_power`` keeps integer and bool dtypes
(exact integer products modulo 2**64, _batched.pyx) and object arrays (Python's own
arithmetic, 2-D only, as numpy); ``diagonal``, ``matrix_transpose`` and ``trace`` do no
product and keep the input's dtype.

References
----------
[numpy-linalg] numpy.linalg documentation (numpy 2.x): matmul, matrix_power, multi_dot,
               tensordot, tensorsolve, tensorinv, vecdot, outer, cross, diagonal, trace,
               matrix_transpose; their shapes, promotions and errors.
[CLRS]         Cormen, Leiserson, Rivest & Stein, Introduction to Algorithms, 3rd ed.,
               Sec. 15.2 (matrix-chain multiplication: the O(n^3) dynamic programme over
               the costs m[i, j] and split points s[i, j], MATRIX-CHAIN-ORDER).
[Knuth]        D. E. Knuth, The Art of Computer Programming vol. 2, Sec. 4.6.3
               (evaluation of powers: right-to-left binary method).
"""
import operator

import numpy as np

from ..exceptions import LinAlgError
from . import matrix as _matrix
from ._batched import matmul_stack

__all__ = ["matmul", "matrix_power", "multi_dot", "tensordot", "tensorsolve", "tensorinv",
           "vecdot", "outer", "cross", "diagonal", "trace", "matrix_transpose"]


# ---- input conversion ------------------------------------------------------------------
def _real_array(x, func):
    """x as a numpy array of real numbers (bool, integer, float32/float64), or TypeError."""
    if isinstance(x, (_matrix.Matrix, _matrix.Vector)):
        return np.asarray(x)
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise TypeError("%s: expected numeric array-like input, got %s (%s)"
                        % (func, type(x).__name__, exc)) from None
    kind = arr.dtype.kind
    if kind == "c":
        raise TypeError("%s: complex input is not supported (rusty_machine is real-valued)"
                        % func)
    if kind not in "biuf":
        raise TypeError("%s: expected real numeric data, got dtype %s" % (func, arr.dtype))
    if kind == "f" and arr.dtype.type not in (np.float32, np.float64):
        raise TypeError("%s: %s input is not supported (float32 or float64)"
                        % (func, arr.dtype))
    return arr


def _float_dtype(*arrays):
    """float32 when every operand is float32, else float64 (numpy.linalg's rule)."""
    if all(a.dtype.type is np.float32 for a in arrays):
        return np.dtype(np.float32)
    return np.dtype(np.float64)


# ---- stacked products ------------------------------------------------------------------
def _count(shape):
    """The number of matrices in a stack whose leading shape is `shape`."""
    return int(np.prod(shape, dtype=np.int64))


def _stack_indices(lead, batch_shape):
    """For each matrix of the broadcast stack batch_shape, its index in a stack whose
    leading shape is lead (broadcasting: numpy's rules, no copy of the matrices)."""
    return np.broadcast_to(np.arange(_count(lead)).reshape(lead), batch_shape).ravel()


def _matmul_nd(A, B, dtype, func="matmul"):
    """A @ B for ndarrays of at least 2 dimensions: (..., M, K) @ (..., K, N), the
    leading axes broadcast; an ndarray of shape (..., M, N) in dtype."""
    if A.shape[-1] != B.shape[-2]:
        raise ValueError("%s: shapes %s and %s are not aligned: the last axis of the "
                         "first (%d) must equal the second-to-last of the second (%d)"
                         % (func, A.shape, B.shape, A.shape[-1], B.shape[-2]))
    try:
        batch_shape = np.broadcast_shapes(A.shape[:-2], B.shape[:-2])
    except ValueError:
        raise ValueError("%s: the stack shapes %s and %s do not broadcast"
                         % (func, A.shape[:-2], B.shape[:-2])) from None
    m, k = A.shape[-2:]
    n = B.shape[-1]
    # (an explicit batch count: reshape cannot infer -1 when a matrix is empty)
    a = np.ascontiguousarray(A, dtype=dtype).reshape((_count(A.shape[:-2]), m, k))
    b = np.ascontiguousarray(B, dtype=dtype).reshape((_count(B.shape[:-2]), k, n))
    ia = _stack_indices(A.shape[:-2], batch_shape)
    ib = _stack_indices(B.shape[:-2], batch_shape)
    return matmul_stack(a, b, ia, ib).reshape(batch_shape + (m, n))


def _matmul_nd_int(A, B):
    """A @ B for integer / bool stacks (part D, issue 14): numpy's result dtype
    (np.result_type: int64 for int64 operands, bool for bool ones). The products are
    exact modulo 2**64 in our uint64 GEMM loop (_batched.igemm_batch), then converted
    to the result dtype, which wraps around exactly as numpy's integer matmul does
    (two's complement: the low bits of a sum of products do not depend on the
    signedness); a bool product is (sum != 0), numpy's logical or of ands."""
    out = np.result_type(A.dtype, B.dtype)
    if out.kind == "f":
        # uint64 with a signed operand: numpy's result is float64, so is ours
        return _matmul_nd(A, B, np.dtype(np.float64))
    if A.shape[-1] != B.shape[-2]:
        raise ValueError("matmul: shapes %s and %s are not aligned: the last axis of the "
                         "first (%d) must equal the second-to-last of the second (%d)"
                         % (A.shape, B.shape, A.shape[-1], B.shape[-2]))
    try:
        batch_shape = np.broadcast_shapes(A.shape[:-2], B.shape[:-2])
    except ValueError:
        raise ValueError("matmul: the stack shapes %s and %s do not broadcast"
                         % (A.shape[:-2], B.shape[:-2])) from None
    m, k = A.shape[-2:]
    n = B.shape[-1]
    # sign-extended to 64 bits, then reinterpreted as uint64 (no copy of the bits)
    a = np.ascontiguousarray(A, dtype=np.int64).view(np.uint64)
    b = np.ascontiguousarray(B, dtype=np.int64).view(np.uint64)
    a = a.reshape((_count(A.shape[:-2]), m, k))
    b = b.reshape((_count(B.shape[:-2]), k, n))
    ia = _stack_indices(A.shape[:-2], batch_shape)
    ib = _stack_indices(B.shape[:-2], batch_shape)
    C = matmul_stack(a, b, ia, ib, out.kind == "b").reshape(batch_shape + (m, n))
    if out.kind == "b":
        return C != 0
    return C.view(np.int64).astype(out, copy=False)


def matmul(x1, x2):
    """Matrix product with numpy.matmul's rules, through our GEMM.

    Parameters
    ----------
    x1 : array-like of shape (..., M, K) or (K,)
    x2 : array-like of shape (..., K, N) or (K,)
        The leading (stack) axes broadcast against each other. A 1-D first operand is a
        row (a 1 is prepended to its shape and removed from the result), a 1-D second
        operand a column (likewise appended and removed).

    Returns
    -------
    Matrix, Vector or scalar when both operands have at most 2 dimensions (the one-matrix
    product, ``matrix.matmul``); otherwise an ndarray of shape (..., M, N) (without the
    promoted axes), float32 when both operands are float32, numpy's integer or bool
    dtype when both are integers / bools (exact, wrapping around as numpy's), else
    float64.

    Raises
    ------
    ValueError
        Inner dimensions that differ, stack shapes that do not broadcast.
    TypeError
        A 0-D (scalar) operand, non-numeric or complex data.
    """
    if isinstance(x1, (_matrix.Matrix, _matrix.Vector)) and \
            isinstance(x2, (_matrix.Matrix, _matrix.Vector)):
        return _matrix.matmul(x1, x2)
    if type(x1) is np.ndarray and type(x2) is np.ndarray and 0 < x1.ndim <= 2 \
            and 0 < x2.ndim <= 2 and x1.dtype.kind == "f" and x2.dtype.kind == "f":
        # the common case, real 1-D/2-D arrays: straight to the one-matrix product,
        # which checks them itself (the conversions below cost ~1.3 us of a 64 x 64's 13)
        return _matrix.matmul(x1, x2)
    A = _real_array(x1, "matmul")
    B = _real_array(x2, "matmul")
    if A.ndim == 0 or B.ndim == 0:
        # (numpy says ValueError; our 2-D matmul has always said TypeError, kept)
        raise TypeError("matmul: scalar operands are not allowed, use * to scale")
    if A.ndim <= 2 and B.ndim <= 2:
        return _matrix.matmul(A, B)
    row, col = A.ndim == 1, B.ndim == 1
    if row:
        A = A[None, :]
    if col:
        B = B[:, None]
    if A.dtype.kind in "biu" and B.dtype.kind in "biu":
        C = _matmul_nd_int(A, B)
    else:
        C = _matmul_nd(A, B, _float_dtype(A, B))
    if row:
        C = C[..., 0, :]
    if col:
        C = C[..., 0]
    return C


# ---- matrix power ----------------------------------------------------------------------
def _object_matmul(a, b):
    """a @ b for 2-D object arrays, by the triple loop in Python's own arithmetic (the
    entries may be fractions, big integers, ...: no kernel of ours holds them)."""
    m, k = a.shape
    n = b.shape[1]
    out = np.empty((m, n), dtype=object)
    for i in range(m):
        for j in range(n):
            s = 0
            for p in range(k):
                s = s + a[i, p] * b[p, j]
            out[i, j] = s
    return out


def _square_stack(arr, func):
    if arr.ndim < 2:
        raise LinAlgError("%s: %d-dimensional array given. Array must be at least "
                          "two-dimensional" % (func, arr.ndim))
    if arr.shape[-1] != arr.shape[-2]:
        raise LinAlgError("%s: last 2 dimensions of the array must be square, got shape %s"
                          % (func, arr.shape))


def _power_result(arr, two_d_float):
    """Matrix for one float32/float64 matrix (our 2-D contract), else the ndarray."""
    return _matrix.asmatrix(arr) if two_d_float else arr


def matrix_power(a, n):
    """Raise a square matrix (or a stack of them) to the integer power n.

    a**n by the right-to-left binary method (Knuth TAOCP 2, 4.6.3), numpy's order of
    products: z runs through a, a**2, a**4, ... and the result multiplies in the z whose
    bit of n is set; about 2 log2(n) products, each one batched GEMM over the whole stack.
    n = 0 gives the identity (in a's dtype), n < 0 the power of our ``inv(a)``.

    Parameters
    ----------
    a : array-like of shape (..., M, M)
        float32/float64 (computed in that dtype), or integer/bool (numpy's exact integer
        products, wrapping as numpy's do; a negative n gives float64 through the inverse),
        or a 2-D object array (Python arithmetic, as numpy).
    n : int
        Any integer (numpy's ``operator.index``): 2**100 takes about 200 products.

    Returns
    -------
    Matrix for one float32/float64 matrix, else an ndarray of a's shape and dtype (float64
    for integer input with n < 0).

    Raises
    ------
    TypeError
        n is not an integer; complex or non-numeric data.
    LinAlgError
        a has fewer than 2 dimensions, is not square, or (n < 0) is singular.
    NotImplementedError
        A stack of object arrays (as numpy).
    """
    if isinstance(a, (_matrix.Matrix, _matrix.Vector)):
        arr = np.asarray(a)
    else:
        arr = np.asarray(a)
        if arr.dtype.kind != "O":
            arr = _real_array(arr, "matrix_power")
    _square_stack(arr, "matrix_power")
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError("matrix_power: the exponent must be an integer, got %r" % (n,)) \
            from None
    if arr.dtype.kind == "O":
        if arr.ndim > 2:
            raise NotImplementedError("matrix_power: stacks of object arrays are not "
                                      "supported (as in numpy)")
        product = _object_matmul
    else:
        product = None
    size = arr.shape[-1]
    if n == 0:
        out = np.empty_like(arr)
        out[...] = np.eye(size, dtype=arr.dtype)
        return _power_result(out, arr.ndim == 2 and arr.dtype.kind == "f")
    if n < 0:
        if product is not None:
            raise TypeError("matrix_power: a negative power of an object array needs its "
                            "inverse, which is not defined for object data")
        from . import inv
        arr = np.asarray(inv(arr))
        n = -n
    if product is not None:
        return _binary_power(arr, n, product)
    kind = arr.dtype.kind
    batch = _count(arr.shape[:-2])
    if kind == "f":
        work = np.ascontiguousarray(arr)
        result = _binary_power(work.reshape((batch, size, size)), n, _stack_product)
        return _power_result(result.reshape(arr.shape), arr.ndim == 2)
    # integers and bools: exact products modulo 2**64, converted back (wrap-around)
    work = arr.astype(np.uint64).reshape((batch, size, size))
    boolean = kind == "b"
    result = _binary_power(work, n, lambda x, y: _stack_product(x, y, boolean))
    return result.astype(arr.dtype).reshape(arr.shape)


def _stack_product(x, y, boolean=False):
    """x[i] @ y[i] for two contiguous stacks (batch, M, M) of one dtype."""
    idx = np.arange(x.shape[0])
    return matmul_stack(x, y, idx, idx, boolean)


def _binary_power(a, n, product):
    """a**n for n >= 1 (numpy's sequence of products; Knuth 4.6.3, right to left)."""
    if n == 1:
        return a.copy()
    if n == 2:
        return product(a, a)
    if n == 3:
        return product(product(a, a), a)
    z = result = None
    while n > 0:
        z = a if z is None else product(z, z)
        n, bit = divmod(n, 2)
        if bit:
            result = z if result is None else product(result, z)
    return result


# ---- multi_dot -------------------------------------------------------------------------
def _chain_order(dims):
    """Optimal parenthesisation of A_0 A_1 ... A_{n-1}, A_i of shape dims[i] x dims[i+1]
    (CLRS 15.2, MATRIX-CHAIN-ORDER, 0-based): m[i, j] is the fewest scalar products for
    A_i..A_j, s[i, j] the split k of its best (A_i..A_k)(A_{k+1}..A_j). O(n^3)."""
    n = len(dims) - 1
    m = [[0] * n for _ in range(n)]
    s = [[0] * n for _ in range(n)]
    for length in range(1, n):                 # CLRS's l - 1: the chain's span
        for i in range(n - length):
            j = i + length
            m[i][j] = None
            for k in range(i, j):
                cost = m[i][k] + m[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if m[i][j] is None or cost < m[i][j]:
                    m[i][j] = cost
                    s[i][j] = k
    return s


def _chain_product(arrays, s, i, j):
    """A_i..A_j in the order s gives (CLRS 15.2, PRINT-OPTIMAL-PARENS as a product)."""
    if i == j:
        return arrays[i]
    k = s[i][j]
    return _matrix.matmul(_chain_product(arrays, s, i, k),
                          _chain_product(arrays, s, k + 1, j))


def multi_dot(arrays, *, out=None):
    """The product of two or more matrices in the cheapest order, as numpy.linalg.multi_dot.

    The order comes from the matrix-chain dynamic programme (CLRS Sec. 15.2): for shapes
    (10, 100), (100, 5), (5, 50), (A B) C costs 7,500 scalar products and A (B C) 75,000.

    Parameters
    ----------
    arrays : sequence of array-likes
        The first may be 1-D (a row vector), the last may be 1-D (a column); all others
        2-D.
    out : ndarray, optional
        Receives the result (its shape must be the result's); it is then returned.

    Returns
    -------
    Matrix, Vector or a numpy scalar (both ends 1-D), or ``out``.

    Raises
    ------
    ValueError
        Fewer than two arrays, a middle array that is not 2-D, shapes that do not chain,
        an ``out`` of the wrong shape.
    """
    arrays = list(arrays)
    if len(arrays) < 2:
        raise ValueError("multi_dot: expecting at least two arrays, got %d" % len(arrays))
    mats = [_real_array(x, "multi_dot") for x in arrays]
    dtype = _float_dtype(*mats)
    first_1d, last_1d = mats[0].ndim == 1, mats[-1].ndim == 1
    if first_1d:
        mats[0] = mats[0][None, :]
    if last_1d:
        mats[-1] = mats[-1][:, None]
    for i, x in enumerate(mats):
        if x.ndim != 2:
            raise ValueError("multi_dot: array %d has shape %s; all but the first and last "
                             "must be 2-D (those may be 1-D)" % (i, np.shape(arrays[i])))
    for i in range(len(mats) - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise ValueError("multi_dot: array %d of shape %s and array %d of shape %s "
                             "are not aligned" % (i, mats[i].shape, i + 1, mats[i + 1].shape))
    mats = [_matrix.asmatrix(np.ascontiguousarray(x, dtype=dtype)) for x in mats]
    dims = [x.shape[0] for x in mats] + [mats[-1].shape[1]]
    result = _chain_product(mats, _chain_order(dims), 0, len(mats) - 1)
    res = np.asarray(result)
    if first_1d and last_1d:
        res = res[0, 0]
        if out is None:
            return dtype.type(res)
    elif first_1d:
        res = res[0]
        result = _matrix.asvector(res)
    elif last_1d:
        res = res[:, 0]
        result = _matrix.asvector(np.ascontiguousarray(res))
    if out is None:
        return result
    if not isinstance(out, np.ndarray) or out.shape != np.shape(res):
        raise ValueError("multi_dot: out must be an ndarray of shape %s, got %s"
                         % (np.shape(res), getattr(out, "shape", type(out).__name__)))
    out[...] = res
    return out


# ---- tensordot, tensorsolve, tensorinv -------------------------------------------------
def tensordot(a, b, axes=2):
    """Sum of products over the given axes, as numpy.tensordot (numpy.linalg.tensordot).

    Parameters
    ----------
    a, b : array-like
    axes : int or (sequence of ints, sequence of ints)
        An int N sums over the last N axes of a and the first N of b; a pair lists
        the axes of a and of b to sum over, in matching order.

    Returns
    -------
    ndarray of shape (the free axes of a) + (the free axes of b): the contraction is
    a transpose and reshape of each operand to a matrix and one product through our
    GEMM. numpy's dtype: float32 for two float32 operands, the integer / bool result
    type for integer / bool ones (exact, wrapping as numpy's), else float64.

    Raises
    ------
    ValueError
        Summed axes of different lengths, or axes out of range.
    TypeError
        Non-numeric data, or axes that are not integers.
    """
    A = _real_array(a, "tensordot")
    B = _real_array(b, "tensordot")
    try:
        iter(axes)
    except TypeError:
        n = operator.index(axes)
        if n < 0 or n > min(A.ndim, B.ndim):
            raise ValueError("tensordot: axes=%d is out of range for arrays of %d and %d "
                             "dimensions" % (n, A.ndim, B.ndim)) from None
        axes_a = list(range(A.ndim - n, A.ndim))
        axes_b = list(range(n))
    else:
        axes_a, axes_b = axes
        axes_a = [axes_a] if np.ndim(axes_a) == 0 else list(axes_a)
        axes_b = [axes_b] if np.ndim(axes_b) == 0 else list(axes_b)
    if len(axes_a) != len(axes_b):
        raise ValueError("tensordot: %d axes of a but %d of b" % (len(axes_a), len(axes_b)))
    axes_a = [_check_axis(x, A.ndim, "tensordot") for x in axes_a]
    axes_b = [_check_axis(x, B.ndim, "tensordot") for x in axes_b]
    if len(set(axes_a)) != len(axes_a) or len(set(axes_b)) != len(axes_b):
        raise ValueError("tensordot: repeated axis in %s or %s" % (axes_a, axes_b))
    for xa, xb in zip(axes_a, axes_b):
        if A.shape[xa] != B.shape[xb]:
            raise ValueError("tensordot: shape mismatch for sum: axis %d of a has length "
                             "%d, axis %d of b has %d" % (xa, A.shape[xa], xb, B.shape[xb]))
    free_a = [i for i in range(A.ndim) if i not in axes_a]
    free_b = [i for i in range(B.ndim) if i not in axes_b]
    k = int(np.prod([A.shape[i] for i in axes_a], dtype=np.int64))
    shape_a = [A.shape[i] for i in free_a]
    shape_b = [B.shape[i] for i in free_b]
    m = int(np.prod(shape_a, dtype=np.int64))
    n = int(np.prod(shape_b, dtype=np.int64))
    a2 = A.transpose(free_a + axes_a).reshape(m, k)
    b2 = B.transpose(axes_b + free_b).reshape(k, n)
    # C = a2 @ b2, one product through our GEMM (integer / bool operands: the exact
    # integer product loop, numpy's result dtype)
    if A.dtype.kind in "biu" and B.dtype.kind in "biu":
        c = _matmul_nd_int(a2, b2)
    else:
        c = _matmul_nd(a2, b2, _float_dtype(A, B), "tensordot")
    return c.reshape(shape_a + shape_b)


def _check_axis(axis, ndim, func):
    """axis as an index in range(ndim); ValueError when out of bounds."""
    a = operator.index(axis)
    if not -ndim <= a < ndim:
        raise ValueError("%s: axis %d is out of bounds for an array of dimension %d"
                         % (func, a, ndim))
    return a % ndim


def tensorsolve(a, b, axes=None):
    """Solve the tensor equation ``tensordot(a, x, axes=x.ndim) = b`` for x.

    As numpy.linalg.tensorsolve: the axes of a not matched by b (after moving the listed
    ``axes`` to the end) form x's shape; a is reshaped to a square matrix and solved
    by our LU ``solve``.

    Parameters
    ----------
    a : array-like of shape b.shape + Q, with prod(Q) == prod(b.shape)
    b : array-like
    axes : tuple of ints, optional
        Axes of a moved to the end before the reshape.

    Returns
    -------
    ndarray of shape Q

    Raises
    ------
    LinAlgError
        prod(Q) != prod(b.shape) (the matrix would not be square), or a singular system.
    """
    A = _real_array(a, "tensorsolve")
    B = _real_array(b, "tensorsolve")
    an = A.ndim
    if axes is not None:
        allaxes = list(range(an))
        for k in axes:
            allaxes.remove(operator.index(k) % an if an else k)
            allaxes.insert(an, operator.index(k) % an)
        A = A.transpose(allaxes)
    oldshape = A.shape[-(an - B.ndim):] if an > B.ndim else ()
    prod = int(np.prod(oldshape, dtype=np.int64))
    if A.size != prod ** 2:
        raise LinAlgError("tensorsolve: input arrays must satisfy the requirement "
                          "prod(a.shape[b.ndim:]) == prod(a.shape[:b.ndim]); got a of "
                          "shape %s and b of shape %s" % (A.shape, B.shape))
    from . import solve
    x = np.asarray(solve(A.reshape(prod, prod), B.ravel()))
    return x.reshape(oldshape)


def tensorinv(a, ind=2):
    """The inverse of a tensor with respect to tensordot, as numpy.linalg.tensorinv:
    ``tensordot(tensorinv(a), a, ind)`` is the identity tensor.

    Parameters
    ----------
    a : array-like with prod(a.shape[:ind]) == prod(a.shape[ind:])
    ind : int > 0
        The number of first indices in the inverse sum.

    Returns
    -------
    ndarray of shape a.shape[ind:] + a.shape[:ind], through our ``inv`` of the square
    reshape.

    Raises
    ------
    ValueError
        ind <= 0.
    LinAlgError
        The reshaped matrix is not square, or singular.
    """
    A = _real_array(a, "tensorinv")
    ind = operator.index(ind)
    if ind <= 0:
        raise ValueError("tensorinv: invalid ind argument %d (must be > 0)" % ind)
    oldshape = A.shape
    invshape = oldshape[ind:] + oldshape[:ind]
    prod = int(np.prod(oldshape[ind:], dtype=np.int64))
    rest = int(np.prod(oldshape[:ind], dtype=np.int64))
    if prod != rest:
        raise LinAlgError("tensorinv: prod(a.shape[:ind]) = %d differs from "
                          "prod(a.shape[ind:]) = %d for a of shape %s" % (rest, prod, oldshape))
    from . import inv
    return np.asarray(inv(A.reshape(rest, prod))).reshape(invshape)


# ---- array-API helpers -----------------------------------------------------------------
def vecdot(x1, x2, /, *, axis=-1):
    """Dot products of vectors along ``axis``, broadcast over the other axes, as
    numpy.linalg.vecdot (real input: no conjugation).

    Each dot product is a 1 x K by K x 1 product of our batched GEMM.

    Parameters
    ----------
    x1, x2 : array-like, broadcastable, of equal length along ``axis``
    axis : int, default -1

    Returns
    -------
    ndarray of the broadcast shape without ``axis`` (a numpy scalar for two 1-D inputs)

    Raises
    ------
    ValueError
        Lengths along ``axis`` that differ, shapes that do not broadcast, an axis out
        of range, 0-D input.
    """
    A = _real_array(x1, "vecdot")
    B = _real_array(x2, "vecdot")
    if A.ndim == 0 or B.ndim == 0:
        raise ValueError("vecdot: 0-D input has no axis to sum over")
    for arr in (A, B):
        if not -arr.ndim <= axis < arr.ndim:
            raise ValueError("vecdot: axis %d is out of bounds for an array of dimension %d"
                             % (axis, arr.ndim))
    A = np.moveaxis(A, axis, -1)
    B = np.moveaxis(B, axis, -1)
    if A.shape[-1] != B.shape[-1]:
        raise ValueError("vecdot: the vectors have lengths %d and %d along axis %d"
                         % (A.shape[-1], B.shape[-1], axis))
    dtype = _float_dtype(A, B)
    # (..., 1, K) @ (..., K, 1)
    r = _matmul_nd(A[..., None, :], B[..., :, None], dtype, "vecdot")[..., 0, 0]
    return r if r.ndim else dtype.type(r)


def outer(x1, x2, /):
    """Outer product of two vectors, as numpy.linalg.outer: (M,) and (N,) -> (M, N).

    Computed as the rank-1 product x1[:, None] @ x2[None, :] of our GEMM (K = 1).

    Raises
    ------
    ValueError
        An input that is not 1-D.
    """
    A = _real_array(x1, "outer")
    B = _real_array(x2, "outer")
    if A.ndim != 1 or B.ndim != 1:
        raise ValueError("outer: input arrays must be one-dimensional, got shapes %s and %s"
                         % (A.shape, B.shape))
    return _matmul_nd(A[:, None], B[None, :], _float_dtype(A, B), "outer")


def cross(x1, x2, /, *, axis=-1):
    """Cross product of 3-element vectors along ``axis``, broadcast over the other axes,
    as numpy.linalg.cross (the array-API version: 3-vectors only).

    (u x v) = (u1 v2 - u2 v1, u2 v0 - u0 v2, u0 v1 - u1 v0): six elementwise products,
    keeping numpy's result dtype (integers stay integers).

    Raises
    ------
    ValueError
        A length other than 3 along ``axis``, shapes that do not broadcast.
    """
    A = _real_array(x1, "cross")
    B = _real_array(x2, "cross")
    if A.ndim == 0 or B.ndim == 0 or A.shape[axis] != 3 or B.shape[axis] != 3:
        raise ValueError("cross: input arrays must be (arrays of) 3-dimensional vectors, "
                         "but they are %s and %s dimensional respectively"
                         % (A.shape[axis] if A.ndim else 0, B.shape[axis] if B.ndim else 0))
    u = np.moveaxis(A, axis, -1)
    v = np.moveaxis(B, axis, -1)
    u0, u1, u2 = u[..., 0], u[..., 1], u[..., 2]
    v0, v1, v2 = v[..., 0], v[..., 1], v[..., 2]
    out = np.stack([u1 * v2 - u2 * v1, u2 * v0 - u0 * v2, u0 * v1 - u1 * v0], axis=-1)
    return np.moveaxis(out, -1, axis)


def _at_least_2d(x, func):
    arr = _real_array(x, func)
    if arr.ndim < 2:
        raise ValueError("%s: array must be at least 2-dimensional, got shape %s"
                         % (func, arr.shape))
    return arr


def diagonal(x, /, *, offset=0):
    """The diagonals of the last two axes, as numpy.linalg.diagonal: shape (..., K).
    ``offset`` > 0 above the main diagonal, < 0 below. A read-only view, as numpy's."""
    return np.diagonal(_at_least_2d(x, "diagonal"), offset=offset, axis1=-2, axis2=-1)


def trace(x, /, *, offset=0, dtype=None):
    """Sums of the diagonals of the last two axes, as numpy.linalg.trace: shape (...)."""
    return np.trace(_at_least_2d(x, "trace"), offset=offset, axis1=-2, axis2=-1,
                    dtype=dtype)


def matrix_transpose(x, /):
    """The last two axes swapped, as numpy.linalg.matrix_transpose (a view)."""
    return np.swapaxes(_at_least_2d(x, "matrix_transpose"), -1, -2)

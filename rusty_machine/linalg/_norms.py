"""Vector and matrix norms, and condition numbers.

Definitions (GVL4 Sec. 2.2-2.3, 2.6; Higham ASNA Ch. 6):

    vector:  ||x||_p = (sum |x_i|^p)^(1/p),  ||x||_inf = max |x_i|,
             ||x||_0 = number of nonzero entries (not a norm; as numpy)
    matrix:  ||A||_1   = max_j sum_i |a_ij|     (largest column sum)
             ||A||_inf = max_i sum_j |a_ij|     (largest row sum)
             ||A||_F   = sqrt(sum_ij a_ij^2)
             ||A||_2   = sigma_max(A)           (largest singular value)
             ||A||_*   = sum sigma_i(A)         (nuclear norm, ord="nuc")
    ord = -1, -inf, -2: the smallest column sum, row sum, singular value (as numpy).

    cond_p(A) = ||A||_p ||inv(A)||_p;  cond_2(A) = sigma_max / sigma_min
    (GVL4 Sec. 2.6.2; also for rectangular A, as numpy).

The 2-norms are computed with scaling (x / max|x_i| first), so they do not overflow
or underflow when the result is representable: norm([1e200, 1e200]) = 1.414e200 where
the naive sum of squares gives inf (Higham ASNA Sec. 27.8; LAPACK dnrm2/dlassq).

Condition numbers in the 1-, inf- and Frobenius norms use the LU factorisation and
the explicit inverse (lu_factor(A).inv(), LAPACK dgetri: 2 n^3 flops, the same cost
class as forming the factorisation itself). This gives the exact value, which is what
numpy.linalg.cond returns. With ``exact=False`` the 1- and inf-norm condition numbers
use instead the O(n^2) estimate of ||inv(A)|| from the LU factors (Hager 1984, Higham
1988, LAPACK dlacn2/dgecon): a lower bound, nearly always within a factor 3. The
2-norm condition number uses the singular values (rusty_machine.linalg.svdvals).

References
----------
[GVL4]   Golub & Van Loan, Matrix Computations, 4th ed., Sec. 2.2 (vector norms),
         2.3 (matrix norms), 2.6 (the condition of linear systems).
[Higham] N. J. Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., 2002,
         Ch. 6 (norms), Ch. 15 (condition number estimation), Sec. 27.8 (scaling).
[Hager]  W. W. Hager, "Condition estimates", SIAM J. Sci. Stat. Comput. 5(2), 1984.
[Hig88]  N. J. Higham, "FORTRAN codes for estimating the one-norm of a real or complex
         matrix, with applications to condition estimation", ACM TOMS 14(4), 1988.
"""
import numbers
import operator

import numpy as np
from numpy.exceptions import AxisError

from ..exceptions import LinAlgError
from .matrix import asvector
from .matrix import dot as _dot

__all__ = ["norm", "vector_norm", "matrix_norm", "cond"]


def _as_array(x, func):
    """float64 numpy view of a Matrix, Vector or array-like (no copy when possible).
    None is not a number: numpy would convert it to NaN, and a norm of NaN would hide
    the missing value, so an object array holding None is a TypeError."""
    if isinstance(x, (list, tuple)) or getattr(getattr(x, "dtype", None), "kind", "") == "O":
        try:
            probe = np.asarray(x, dtype=object)
        except ValueError:          # ragged: the conversion below says so
            probe = np.empty(0, dtype=object)
        if any(v is None for v in probe.ravel()):
            raise TypeError("%s: expected numeric data, the input holds None" % func)
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError("%s: expected numeric data, got %s (%s)"
                        % (func, type(x).__name__, exc)) from None
    if arr.ndim not in (1, 2):
        raise ValueError("%s: expected a vector (1-D) or a matrix (2-D), got %d-D input "
                         "of shape %s" % (func, arr.ndim, arr.shape))
    return arr


def _scaled_two_norm(a):
    """sqrt(sum a_i^2) without harmful overflow or underflow: scale by max |a_i|."""
    absa = np.abs(a)
    scale = absa.max()
    if not np.isfinite(scale):
        # inf (or NaN) in the data: the norm is inf (or NaN), as in numpy
        return float(np.sqrt(np.sum(absa * absa)))
    if scale == 0.0:
        return 0.0
    y = absa / scale
    return float(scale * np.sqrt(np.sum(y * y)))


def _is_ord(ord, value):
    return ord is not None and not isinstance(ord, str) and ord == value


def _norm_array(x, func):
    """x as a numpy array the norms compute on: float32/float64 as given, bool and
    integers as float64 (numpy's rule); None, complex and non-numeric data are a
    TypeError. Any number of dimensions (the axes say which are normed)."""
    if isinstance(x, (list, tuple)) or getattr(getattr(x, "dtype", None), "kind", "") == "O":
        try:
            probe = np.asarray(x, dtype=object)
        except ValueError:          # ragged: the conversion below says so
            probe = np.empty(0, dtype=object)
        if any(v is None for v in probe.ravel()):
            raise TypeError("%s: expected numeric data, the input holds None" % func)
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise TypeError("%s: expected numeric data, got %s (%s)"
                        % (func, type(x).__name__, exc)) from None
    kind = arr.dtype.kind
    if kind == "c":
        raise TypeError("%s: complex input is not supported (rusty_machine is real-valued)"
                        % func)
    if kind in "biu" or kind == "O":
        try:
            return arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError("%s: expected numeric data, got %s (%s)"
                            % (func, arr.dtype, exc)) from None
    if kind != "f":
        raise TypeError("%s: expected numeric data, got dtype %s" % (func, arr.dtype))
    if arr.dtype.type not in (np.float32, np.float64):
        raise TypeError("%s: %s input is not supported (float32 or float64)"
                        % (func, arr.dtype))
    return arr


def _axis_index(axis, ndim):
    """axis in range(ndim) (numpy's AxisError when out of bounds)."""
    try:
        a = operator.index(axis)
    except TypeError:
        raise TypeError("norm: 'axis' must be None, an integer or a tuple of integers, "
                        "got %r" % (axis,)) from None
    if not -ndim <= a < ndim:
        raise AxisError(a, ndim)
    return a % ndim


def _scaled_two_norm_axes(absx, axis, keepdims):
    """sqrt(sum x^2) over `axis` (an int or a tuple) with scaling by the largest |x|,
    so that no square overflows or underflows needlessly (Higham ASNA 27.8)."""
    scale = absx.max(axis=axis, keepdims=True, initial=0.0)
    safe = np.where((scale > 0) & np.isfinite(scale), scale, 1.0)
    y = absx / safe
    r = np.sqrt(np.sum(y * y, axis=axis, keepdims=True)) * safe
    return r if keepdims else np.squeeze(r, axis=axis)


def _vector_norms(x, ord, axis, keepdims):
    """numpy's vector norms of x along one axis (GVL4 2.2; ||x||_0 counts nonzeros)."""
    if isinstance(ord, str):
        raise ValueError("norm: ord=%r is not defined for vectors (use None, 0, a real p "
                         "or inf)" % (ord,))
    if ord is not None and not isinstance(ord, numbers.Real):
        raise ValueError("norm: ord must be a real number for vectors, got %r" % (ord,))
    absx = np.abs(x)
    if ord is None or ord == 2:
        return _scaled_two_norm_axes(absx, axis, keepdims)
    if ord == np.inf:
        return absx.max(axis=axis, keepdims=keepdims, initial=0.0)
    if ord == -np.inf:
        if x.shape[axis] == 0:
            raise ValueError("norm: ord=-inf of an empty vector (axis %d has length 0) is "
                             "not defined" % axis)
        return absx.min(axis=axis, keepdims=keepdims)
    if ord == 0:
        return np.sum(x != 0, axis=axis, keepdims=keepdims, dtype=np.float64)
    if ord == 1:
        return np.sum(absx, axis=axis, keepdims=keepdims)
    # general p: scale by the largest entry so that |x_i|^p cannot overflow
    p = float(ord)
    scale = absx.max(axis=axis, keepdims=True, initial=0.0)
    safe = np.where((scale > 0) & np.isfinite(scale), scale, 1.0)
    with np.errstate(divide="ignore", over="ignore", under="ignore"):
        r = np.sum((absx / safe) ** p, axis=axis, keepdims=True) ** (1.0 / p) * safe
    return r if keepdims else np.squeeze(r, axis=axis)


def _svd_norms(x, row_axis, col_axis, op):
    """op (max, min or sum) of the singular values of the matrices on (row_axis,
    col_axis), through our svdvals (one call on the whole stack)."""
    from rusty_machine.linalg import svdvals
    y = np.moveaxis(x, (row_axis, col_axis), (-2, -1))
    s = np.asarray(svdvals(y), dtype=np.float64)
    if op == "max":
        return s.max(axis=-1, initial=0.0)
    if op == "sum":
        return s.sum(axis=-1)
    if s.shape[-1] == 0:
        raise ValueError("norm: ord=-2 of an empty matrix (shape %s) is not defined"
                         % (y.shape,))
    return s.min(axis=-1)


def _matrix_norms(x, ord, row_axis, col_axis):
    """numpy's matrix norms of the matrices on (row_axis, col_axis) (GVL4 2.3)."""
    if ord is None or (isinstance(ord, str) and ord in ("fro", "f")):
        return _scaled_two_norm_axes(np.abs(x), (row_axis, col_axis), False)
    if ord == "nuc":
        return _svd_norms(x, row_axis, col_axis, "sum")
    if isinstance(ord, str) or not isinstance(ord, numbers.Real) or \
            ord not in (1, -1, 2, -2, np.inf, -np.inf):
        raise ValueError("norm: ord=%r is not defined for matrices (use None, 'fro', "
                         "'nuc', 1, -1, 2, -2, inf or -inf)" % (ord,))
    if ord == 2:
        return _svd_norms(x, row_axis, col_axis, "max")
    if ord == -2:
        return _svd_norms(x, row_axis, col_axis, "min")
    if ord in (1, -1):      # column sums (sum over the rows), then the extreme column
        sum_axis, ext_axis = row_axis, col_axis
    else:                   # row sums (sum over the columns), then the extreme row
        sum_axis, ext_axis = col_axis, row_axis
    if ext_axis > sum_axis:
        ext_axis -= 1
    sums = np.sum(np.abs(x), axis=sum_axis)
    if ord > 0:
        return sums.max(axis=ext_axis, initial=0.0)
    if sums.shape[ext_axis] == 0:
        raise ValueError("norm: ord=%r of an empty matrix is not defined" % (ord,))
    return sums.min(axis=ext_axis)


def _result(r, dtype):
    """numpy's result: a scalar of the input's float dtype, or an array of it."""
    r = np.asarray(r)
    if r.ndim == 0:
        return dtype.type(r)
    return r.astype(dtype, copy=False)


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm, with numpy.linalg.norm's ``ord``, ``axis`` and ``keepdims``.

    Parameters
    ----------
    x : Matrix, Vector or array-like of any number of dimensions
        With ``axis=None`` x must be 1-D or 2-D, unless ord is None (then the 2-norm
        of all the entries, whatever the shape).
    ord : {None, "fro", "nuc", 1, -1, 2, -2, inf, -inf} for matrices;
          None, 0, inf, -inf or any real p for vectors
        None is the 2-norm of a vector and the Frobenius norm of a matrix.
    axis : None, int or 2-tuple of ints
        An int: vector norms along that axis; a pair: matrix norms of the matrices on
        those (row, column) axes, for every index of the others (a stack); None: the
        whole of a 1-D or 2-D x.
    keepdims : bool, default False
        Keep the normed axes as axes of length one.

    Returns
    -------
    numpy scalar or ndarray of the input's float dtype (float32 stays float32; integers
    and bool give float64), as numpy. 0.0 for empty input (except ord=-inf / -1 / -2,
    which numpy leaves undefined). NaN or inf in the data give NaN or inf. The data are
    read into float64, the norm computed there and rounded once to float32 for float32
    input (at least as accurate as numpy's float32 result).

    Raises
    ------
    ValueError
        An ``ord`` not defined for vectors / matrices, a repeated axis, more than two
        axes, or x of more than 2 dimensions with axis=None and an ``ord``.
    numpy.exceptions.AxisError
        An axis out of range (a ValueError and an IndexError).
    TypeError
        Non-numeric, complex or None data; an axis that is not an integer.

    Notes
    -----
    The 2-norm of all the entries runs through our scaled dnrm2 kernel (Vector.norm);
    2-norms and Frobenius norms along axes are scaled by the largest entry first, so
    they do not overflow needlessly. ord=2 / -2 / "nuc" on matrices use our svdvals.
    """
    arr = _norm_array(x, "norm")
    dtype = arr.dtype
    nd = arr.ndim
    if axis is None:
        if ord is None or (nd == 2 and isinstance(ord, str) and ord in ("fro", "f")) \
                or (nd == 1 and not isinstance(ord, str) and ord == 2):
            # ||vec(x)||_2 through our scaled nrm2 kernel
            flat = np.ascontiguousarray(arr.ravel(), dtype=np.float64)
            r = asvector(flat).norm() if flat.size else 0.0
            if keepdims:
                return np.full((1,) * nd, r, dtype=dtype)
            return dtype.type(r)
        axis = tuple(range(nd))
    elif not isinstance(axis, tuple):
        axis = (axis,)
    work = arr.astype(np.float64, copy=False)
    if len(axis) == 1:
        ax = _axis_index(axis[0], nd)
        return _result(_vector_norms(work, ord, ax, keepdims), dtype)
    if len(axis) == 2:
        row_axis, col_axis = _axis_index(axis[0], nd), _axis_index(axis[1], nd)
        if row_axis == col_axis:
            raise ValueError("norm: duplicate axes given: %r" % (axis,))
        r = np.asarray(_matrix_norms(work, ord, row_axis, col_axis))
        if keepdims:
            shape = list(arr.shape)
            shape[row_axis] = shape[col_axis] = 1
            r = r.reshape(shape)
        return _result(r, dtype)
    raise ValueError("norm: improper number of dimensions to norm: axis=%r for input "
                     "of shape %s (give one axis for vector norms, two for matrix norms)"
                     % (axis, arr.shape))


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """Vector norm over any axes, as numpy.linalg.vector_norm (the array API's).

    Parameters
    ----------
    x : array-like
    axis : None, int or tuple of ints
        None: all the entries as one vector; a tuple: those axes flattened into one
        vector (numpy's transpose-and-reshape), for every index of the others.
    keepdims : bool, default False
    ord : {real p, inf, -inf, 0}, default 2

    Returns
    -------
    numpy scalar or ndarray of the input's float dtype (integers give float64)

    Raises
    ------
    ValueError
        A string ``ord``, repeated axes; AxisError for axes out of range; TypeError for
        non-numeric data.
    """
    arr = _norm_array(x, "vector_norm")
    shape = list(arr.shape)
    if axis is None:
        work = arr.ravel()
        ax = 0
    elif isinstance(axis, tuple):
        axes = [_axis_index(a, arr.ndim) for a in axis]
        if len(set(axes)) != len(axes):
            raise ValueError("vector_norm: repeated axis in %r" % (axis,))
        rest = [i for i in range(arr.ndim) if i not in axes]
        work = arr.transpose(axes + rest).reshape(
            (int(np.prod([arr.shape[i] for i in axes], dtype=np.int64)),)
            + tuple(arr.shape[i] for i in rest))
        ax = 0
    else:
        work = arr
        ax = _axis_index(axis, arr.ndim)
    if isinstance(ord, str):
        raise ValueError("vector_norm: ord=%r is not defined for vectors" % (ord,))
    res = norm(work, axis=ax, ord=ord)
    if keepdims:
        axes = range(len(shape)) if axis is None else \
            [_axis_index(a, len(shape)) for a in (axis if isinstance(axis, tuple) else (axis,))]
        for i in axes:
            shape[i] = 1
        res = _result(np.reshape(res, tuple(shape)), arr.dtype)
    return res


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """Matrix norm of the last two axes, as numpy.linalg.matrix_norm (the array API's):
    ``norm(x, ord, axis=(-2, -1), keepdims)``, for a matrix or a stack of them.

    Parameters
    ----------
    x : array-like of shape (..., M, N)
    keepdims : bool, default False
    ord : {"fro", "nuc", 1, -1, 2, -2, inf, -inf}, default "fro"

    Returns
    -------
    numpy scalar or ndarray of shape (...) in the input's float dtype

    Raises
    ------
    ValueError
        An ``ord`` not defined for matrices, x of fewer than 2 dimensions.
    """
    arr = _norm_array(x, "matrix_norm")
    if arr.ndim < 2:
        raise ValueError("matrix_norm: expected at least 2 dimensions (..., M, N), got "
                         "shape %s" % (arr.shape,))
    return norm(arr, ord=ord, axis=(-2, -1), keepdims=keepdims)


def _singular_values(a):
    """The singular values of a, through the library's SVD (imported when needed)."""
    from rusty_machine.linalg import svdvals
    return np.asarray(svdvals(a), dtype=np.float64)


def _valid_matrix_ord(ord):
    if ord is None:
        return True
    if isinstance(ord, str):
        return ord in ("fro", "nuc")
    return isinstance(ord, numbers.Real) and ord in (1, -1, 2, -2, np.inf, -np.inf)


def _matrix_norm(a, ord):
    if not _valid_matrix_ord(ord):
        raise ValueError("norm: ord=%r is not defined for matrices (use None, 'fro', "
                         "'nuc', 1, -1, 2, -2, inf or -inf)" % (ord,))
    if a.size == 0:
        return 0.0
    if ord is None or ord == "fro":
        return _scaled_two_norm(a)
    if ord == "nuc":
        return float(_singular_values(a).sum())
    if _is_ord(ord, 1):
        return float(np.abs(a).sum(axis=0).max())
    if _is_ord(ord, -1):
        return float(np.abs(a).sum(axis=0).min())
    if _is_ord(ord, np.inf):
        return float(np.abs(a).sum(axis=1).max())
    if _is_ord(ord, -np.inf):
        return float(np.abs(a).sum(axis=1).min())
    s = _singular_values(a)
    return float(s.max() if ord == 2 else s.min())


def _inv_one_norm_estimate(F, n, transpose=False, max_iter=5):
    """Lower bound on ||inv(A)||_1 from A's LU factors F (Hager 1984 with Higham's
    refinements, 1988; LAPACK dlacn2 / dgecon; Higham ASNA Ch. 15).

    Maximises ||B x||_1 over the unit 1-norm ball (B = inv(A), or inv(A)^T when
    `transpose`) by a gradient-like ascent over the vertices e_j: each step costs one
    solve with A and one with A^T (O(n^2) with the factors). At most `max_iter`
    steps (it usually stops after 2), then Higham's alternating-sign test vector
    catches the matrices where the ascent stalls."""
    def solve(v, t):
        return np.asarray(F.solve(v, trans=(t != transpose)))

    x = np.full(n, 1.0 / n)
    estimate = 0.0
    for k in range(max_iter):
        y = solve(x, False)                       # y = B x
        estimate_new = float(np.abs(y).sum())
        if k > 0 and estimate_new <= estimate:
            break
        estimate = estimate_new
        xi = np.where(y >= 0, 1.0, -1.0)          # the subgradient of ||y||_1
        z = solve(xi, True)                       # z = B^T xi
        j = int(np.argmax(np.abs(z)))
        # z . x by our level-1 kernel
        if k > 0 and np.abs(z[j]) <= float(_dot(z, x)):
            break                                 # no vertex improves: a local max
        x = np.zeros(n)
        x[j] = 1.0
    # Higham's extra vector b_i = (-1)^i (1 + i / (n - 1))
    if n > 1:
        b = (1.0 + np.arange(n) / (n - 1)) * np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
        estimate = max(estimate, 2.0 * float(np.abs(solve(b, False)).sum()) / (3.0 * n))
    return estimate


def cond(x, p=None, exact=True):
    """Condition number of a matrix or of each matrix of a stack, numpy.linalg.cond.

    p None, 2, -2: sigma_max / sigma_min (or its inverse for -2) from our singular
    values, any shape; 1, -1, inf, -inf, 'fro', 'nuc': ||A||_p ||inv(A)||_p, square
    matrices, with the inverse by LU (our inv). As numpy, an exactly singular matrix
    gives inf, not an exception (sigma_min = 0, or a zero pivot).

    Parameters
    ----------
    x : Matrix or array-like of shape (..., M, N)
        Square unless p is None, 2 or -2.
    p : {None, 1, -1, 2, -2, inf, -inf, "fro", "nuc"}
    exact : bool, default True
        2-D input and p = 1 or inf only: False replaces ||inv(A)||_p by the
        Hager-Higham estimate from the LU factors (LAPACK dgecon's method): O(n^2) work
        after the factorisation instead of the 2 n^3 of the inverse. The estimate is a
        lower bound, almost always exact or within a factor 3 (Higham ASNA Ch. 15).

    Returns
    -------
    numpy scalar of the input's dtype (float32 for float32, else float64) for one
    matrix; an ndarray of shape (...) for a stack.

    Raises
    ------
    LinAlgError (a ValueError)
        Empty matrices (numpy's "cond is not defined on empty arrays"), fewer than 2
        dimensions, non-square matrices for a p that needs the inverse.
    ValueError
        NaN or inf in x, an unknown p.
    """
    from .matrix import Matrix
    if isinstance(x, Matrix) or np.ndim(x) == 2:
        single = getattr(x, "dtype", None) == np.float32
        r = _cond_2d(x, p, exact)
        return np.float32(r) if single else np.float64(r)
    return _cond_stack(x, p)


def _cond_stack(x, p):
    """cond of a stack (..., M, N): numpy's construction over our stacked svdvals,
    inv and matrix norms; entries that come out NaN (a singular matrix: 0 / 0, or an
    inverse that does not exist) become inf."""
    from ._stacked import _as_real_array, _check_stack, _out_dtype
    arr = _as_real_array(x, "cond")
    _check_stack(arr, "cond", square=False)
    if arr.size == 0 and arr.shape[-1] * arr.shape[-2] == 0:
        raise LinAlgError("cond: the condition number of empty matrices (shape %s) is "
                          "not defined" % (arr.shape,))
    dtype = _out_dtype(arr)
    a = np.asarray(arr, dtype=np.float64)
    if not np.isfinite(a).all():
        raise ValueError("cond: the input contains NaN or infinity")
    if p is None or _is_ord(p, 2) or _is_ord(p, -2):
        from ._svd import _svd_any
        # (part B, issue 13) float32 input: the singular values computed in float32
        _, s, _, _, _ = _svd_any(a.astype(dtype, copy=False), False, False, False, "cond",
                                 keep64=True)
        with np.errstate(all="ignore"):
            if _is_ord(p, -2):
                r = s[..., -1] / s[..., 0]
            else:
                r = s[..., 0] / s[..., -1]
    else:
        if not _valid_matrix_ord(p):
            raise ValueError("cond: p=%r is not supported (use None, 1, -1, 2, -2, inf, "
                             "-inf, 'fro' or 'nuc')" % (p,))
        _check_stack(arr, "cond", square=True)
        from ._stacked import inv
        singular = np.zeros(a.shape[:-2], dtype=bool)
        try:
            ainv = np.asarray(inv(a))
        except LinAlgError:
            # some matrix is singular: invert one by one (the Python loop only runs
            # when the stacked inverse failed); a singular one gets cond = inf, as
            # numpy's (its inv's NaNs turned into inf)
            flat = a.reshape((-1,) + a.shape[-2:])
            ainv = np.zeros_like(flat)
            flat_singular = singular.reshape(-1)
            for i in range(flat.shape[0]):
                try:
                    ainv[i] = np.asarray(inv(flat[i]))
                except LinAlgError:
                    flat_singular[i] = True
            ainv = ainv.reshape(a.shape)
        with np.errstate(all="ignore"):
            r = (np.asarray(norm(a, p, axis=(-2, -1)), dtype=np.float64)
                 * np.asarray(norm(ainv, p, axis=(-2, -1)), dtype=np.float64))
        r = np.asarray(r)
        r[singular] = np.inf
    r = np.asarray(r)
    r[np.isnan(r)] = np.inf            # the input is finite: NaN means 0 / 0, singular
    return r.astype(dtype, copy=False)


def _cond_2d(A, p=None, exact=True):
    """Condition number of one matrix (the 2-D path of :func:`cond`).

    Parameters
    ----------
    A : Matrix or array-like of shape (m, n)
        Square unless p is None, 2 or -2.
    p : {None, 1, -1, 2, -2, inf, -inf, "fro", "nuc"}
        None and 2: sigma_max / sigma_min (any shape), -2: sigma_min / sigma_max;
        otherwise ||A||_p ||inv(A)||_p with the exact inverse from the LU
        factorisation (see the module notes).
    exact : bool, default True
        For p = 1 or inf only: False replaces ||inv(A)||_p by the Hager-Higham
        estimate from the LU factors (LAPACK dgecon's method): O(n^2) work after the
        factorisation instead of the 2 n^3 of the inverse. The estimate is a lower
        bound, almost always exact or within a factor 3 (Higham ASNA Ch. 15).

    Returns
    -------
    float
        inf for an exactly singular matrix (a zero pivot, or sigma_min = 0).

    Raises
    ------
    ValueError
        Empty or non-2-D input, NaN or inf in A, an unknown p, or a non-square A for
        a p that needs the inverse.
    """
    a = _as_array(A, "cond")
    if a.ndim != 2:
        raise ValueError("cond: expected a 2-D matrix, got shape %s" % (a.shape,))
    if a.size == 0:
        raise LinAlgError("cond: the condition number of an empty matrix (shape %s) is "
                          "not defined" % (a.shape,))
    if not np.all(np.isfinite(a)):
        raise ValueError("cond: the matrix contains NaN or infinity")
    if p is None or _is_ord(p, 2) or _is_ord(p, -2):
        s = _singular_values(a)
        smax, smin = s.max(), s.min()
        if _is_ord(p, -2):
            return float(smin / smax) if smax > 0 else float("inf")
        return float(smax / smin) if smin > 0 else float("inf")
    if not _valid_matrix_ord(p):
        raise ValueError("cond: p=%r is not supported (use None, 1, -1, 2, -2, inf, -inf, "
                         "'fro' or 'nuc')" % (p,))
    m, n = a.shape
    if m != n:
        raise ValueError("cond: p=%r needs a square matrix, got shape (%d, %d)" % (p, m, n))
    from rusty_machine.linalg import lu_factor
    F = lu_factor(a)
    if F.singular:
        return float("inf")
    if not exact and (_is_ord(p, 1) or _is_ord(p, np.inf)):
        inv_norm = _inv_one_norm_estimate(F, n, transpose=_is_ord(p, np.inf))
        return float(_matrix_norm(a, p) * inv_norm)
    try:
        ainv = np.asarray(F.inv())
    except LinAlgError:
        return float("inf")
    return float(_matrix_norm(a, p) * _matrix_norm(ainv, p))

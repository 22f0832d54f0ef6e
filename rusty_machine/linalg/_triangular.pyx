# cython: language_level=3
"""Triangular solves: op(T) x = b with T triangular, op(T) = T or T^T.

References
----------
[GVL4]   G. H. Golub and C. F. Van Loan, Matrix Computations, 4th ed., 2013.
         Sec. 3.1: Alg. 3.1.1 (row-oriented forward substitution), Alg. 3.1.2 (back
         substitution), Alg. 3.1.3/3.1.4 (column-oriented versions), Sec. 3.1.5-3.1.6
         (multiple right-hand sides; the level-3 blocked triangular solve).
         Sec. 3.1.1-3.1.2 and [Higham Ch. 8]: substitution is backward stable,
         (T + E) x = b with |E| <= n eps |T|.
[BLAS]   dtrsv (one right-hand side), dtrsm (several); ours live in blas.pyx, dtrsm
         blocked on GEMM by recursive halving.
[Higham] N. J. Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., 2002,
         Ch. 8 (triangular systems).

The semantics are scipy.linalg.solve_triangular's: only the triangle named by `lower`
is read (and not its diagonal when unit_diagonal=True), b is one right-hand side (1-D)
or several (2-D, one per column).

One source, two dtypes: the body is fused over _floating.floating; float32 T and b
solve in float32, a float64 on either side promotes both to float64 (numpy's rule).
"""
import numpy as np
cimport numpy as cnp

from rusty_machine.linalg.blas cimport xtrsv, xtrsm
from rusty_machine.linalg._floating cimport floating
from rusty_machine.linalg.matrix cimport (Matrix, Vector, matrix_empty, vector_empty,
                                          asmatrix, asvector, RM_FLOAT32, RM_FLOAT64)
from rusty_machine.linalg._checks cimport copy_finite, shape_str, input_matrix
from rusty_machine.exceptions import LinAlgError

cnp.import_array()


cdef Py_ssize_t first_nonfinite_triangle(bint lower, bint unit, Py_ssize_t n,
                                         const floating* T, Py_ssize_t ldt  # IN n x n
                                         ) noexcept nogil:
    """-1, or i * n + j for the first non-finite entry of the triangle that is read.

    x * 0 is 0 for finite x and NaN otherwise, so one running sum per row tells
    whether the row needs a closer look (no branch in the inner loop)."""
    cdef Py_ssize_t i, j, lo, hi
    cdef floating acc
    for i in range(n):
        lo = 0 if lower else (i + 1 if unit else i)
        hi = (i if unit else i + 1) if lower else n
        acc = 0.0
        for j in range(lo, hi):
            acc += T[i * ldt + j] * 0.0
        if acc != 0.0:
            for j in range(lo, hi):
                if T[i * ldt + j] * 0.0 != 0.0:
                    return i * n + j
    return -1


cdef bint _parse_trans(object trans) except -1:
    """scipy's trans: 0/'N' (T), 1/'T' (T^T), 2/'C' (T^H = T^T for real T); bools too."""
    if isinstance(trans, str):
        key = trans.upper()
        if key == "N":
            return False
        if key in ("T", "C"):
            return True
    elif isinstance(trans, (bool, np.bool_)):
        return bool(trans)
    elif isinstance(trans, (int, np.integer)) and int(trans) in (0, 1, 2):
        return int(trans) != 0
    raise ValueError("solve_triangular: trans must be 0, 1, 2, 'N', 'T' or 'C', got %r"
                     % (trans,))


def solve_triangular(T, b, lower=False, trans=False, unit_diagonal=False,
                     check_finite=True):
    """Solve op(T) x = b for triangular T (scipy.linalg.solve_triangular semantics).

    Substitution [GVL4 Alg. 3.1.1-3.1.4] through our xtrsv for one right-hand side,
    and the GEMM-blocked xtrsm [GVL4 Sec. 3.1.5] for several (float32 when T and b
    are both float32, else float64, as numpy's promotion).

    Parameters
    ----------
    T : Matrix or array-like of shape (n, n)
        Only the triangle named by `lower` is read (without its diagonal when
        `unit_diagonal`); the other entries are ignored.
    b : Vector or array-like of shape (n,), or Matrix / array-like of shape (n, k)
        One right-hand side, or k of them as columns.
    lower : bool, default False
        Use the lower triangle of T (default: the upper one, as scipy).
    trans : {0, 1, 2, 'N', 'T', 'C'} or bool, default False
        Solve T x = b (0, 'N', False) or T^T x = b (1, 'T', 2, 'C', True).
    unit_diagonal : bool, default False
        Assume ones on the diagonal of T (the stored diagonal is not read).
    check_finite : bool, default True
        Check T's triangle and b for NaN/inf first (ValueError). With False, non-finite
        input gives non-finite output.

    Returns
    -------
    Vector of shape (n,) for 1-D b, Matrix of shape (n, k) for 2-D b.
    For n = 0 an empty result of b's shape.

    Raises
    ------
    ValueError
        T not 2-D square, b with the wrong number of rows (the message gives both
        shapes) or not 1-D/2-D, NaN or infinity in the input.
    LinAlgError
        A zero on the diagonal (not unit_diagonal): "matrix is singular: T[i, i] is
        exactly zero", with 0-based i, the first such entry.
    """
    cdef bint low = bool(lower), tr = _parse_trans(trans), unit = bool(unit_diagonal)
    cdef bint check = bool(check_finite)
    # T: checked through the library's one input path (finiteness of the triangle that
    # is read is checked below); float32 only when T and b both are (numpy's promotion)
    cdef Matrix M = input_matrix(T, "solve_triangular", True, False, True)
    cdef bint vec = isinstance(b, Vector) or (not isinstance(b, Matrix) and np.ndim(b) == 1)
    if not vec and not isinstance(b, Matrix) and np.ndim(b) != 2:
        raise ValueError("solve_triangular: b must be 1-D or 2-D, got shape %s"
                         % shape_str(b))
    if M.kind == RM_FLOAT32 and _is_float32(b):
        return _solve(M, b, vec, low, tr, unit, check, <float>0)
    if M.kind == RM_FLOAT32:
        M = asmatrix(M, np.float64)
    return _solve(M, b, vec, low, tr, unit, check, <double>0)


cdef bint _is_float32(object b):
    if isinstance(b, (Matrix, Vector)):
        return b.dtype == np.float32
    dt = getattr(b, "dtype", None)
    return dt is not None and dt == np.float32


cdef object _solve(Matrix M, object b, bint vec, bint low, bint tr, bint unit,
                   bint check, floating tag):
    """solve_triangular's body in the dtype of `tag` (M has that dtype already)."""
    dtype = np.float32 if floating is float else np.float64
    cdef int kind = RM_FLOAT32 if floating is float else RM_FLOAT64
    cdef Py_ssize_t n = M.nrows, i, bad = -1, k
    cdef Vector v, x
    cdef Matrix B, X
    cdef bint finite = True
    cdef const floating* Tp = <const floating*>M.data
    # shapes first, then copy b (checking it), then T's triangle and its diagonal
    if vec:
        v = asvector(b, dtype)
        if v.n != n:
            raise ValueError("solve_triangular: T has shape (%d, %d) but b has shape (%d,)"
                             % (n, n, v.n))
        x = vector_empty(n, kind)
        with nogil:
            finite = copy_finite(1, n, <const floating*>v.data, n if n > 0 else 1,
                                 <floating*>x.data, n if n > 0 else 1)
    else:
        B = asmatrix(b, dtype)
        if B.nrows != n:
            raise ValueError("solve_triangular: T has shape (%d, %d) but b has shape "
                             "(%d, %d)" % (n, n, B.nrows, B.ncols))
        X = matrix_empty(n, B.ncols, kind)
        with nogil:
            finite = copy_finite(n, B.ncols, <const floating*>B.data, B.ld,
                                 <floating*>X.data, X.ld)
    if check:
        if not finite:
            raise ValueError("solve_triangular: b contains NaN or infinity")
        with nogil:
            bad = first_nonfinite_triangle(low, unit, n, Tp, M.ld)
        if bad >= 0:
            raise ValueError("solve_triangular: T contains NaN or infinity (T[%d, %d])"
                             % (bad // n, bad % n))
    if not unit:
        for i in range(n):
            if Tp[i * M.ld + i] == 0.0:
                raise LinAlgError("matrix is singular: T[%d, %d] is exactly zero" % (i, i))
    if vec:
        with nogil:
            # x = inv(op(T)) @ b     (substitution, GVL4 Alg. 3.1.1-3.1.4)
            xtrsv(low, tr, unit, n, Tp, M.ld, <floating*>x.data, 1)
        return x
    k = X.ncols
    with nogil:
        # X = inv(op(T)) @ B      (blocked on GEMM, GVL4 Sec. 3.1.5)
        xtrsm(True, low, tr, unit, n, k, <floating>1.0, Tp, M.ld, <floating*>X.data, X.ld)
    return X

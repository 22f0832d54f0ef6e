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

import numpy as np

from ..exceptions import LinAlgError
from .matrix import dot as _dot

__all__ = ["norm", "cond"]


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


def norm(A, ord=None):
    """Norm of a vector or a matrix, with numpy.linalg.norm's ``ord`` conventions.

    Parameters
    ----------
    A : Matrix, Vector or array-like of shape (n,) or (m, n)
    ord : {None, "fro", "nuc", 1, -1, 2, -2, inf, -inf} for matrices;
          None, 0, inf, -inf or any real p for vectors
        None is the 2-norm of a vector and the Frobenius norm of a matrix.

    Returns
    -------
    float, or numpy.float32 for float32 input (numpy's rule)
        0.0 for empty input. NaN or inf in the data give NaN or inf (as numpy; a norm
        does not need finite data to be defined). float32 data is read exactly into
        float64, the norm computed there and rounded once to float32 (a float32
        result at least as accurate as numpy's float32 one).

    Raises
    ------
    ValueError
        An ``ord`` that is not defined for the input's dimension, or input that is not
        1-D or 2-D.

    Notes
    -----
    ord=2 / -2 / "nuc" on a matrix need its singular values (svdvals). The 2-norm and
    Frobenius norm are computed with scaling and do not overflow needlessly.
    """
    a = _as_array(A, "norm")
    r = _vector_norm(a, ord) if a.ndim == 1 else _matrix_norm(a, ord)
    return np.float32(r) if getattr(A, "dtype", None) == np.float32 else r


def _vector_norm(x, ord):
    if isinstance(ord, str):
        raise ValueError("norm: ord=%r is not defined for vectors (use None, 0, a real p "
                         "or inf)" % (ord,))
    if x.size == 0:
        return 0.0
    if ord is None or ord == 2:
        return _scaled_two_norm(x)
    if not isinstance(ord, numbers.Real):
        raise ValueError("norm: ord must be a real number for vectors, got %r" % (ord,))
    absx = np.abs(x)
    if ord == np.inf:
        return float(absx.max())
    if ord == -np.inf:
        return float(absx.min())
    if ord == 0:
        return float(np.count_nonzero(x))
    if ord == 1:
        return float(absx.sum())
    # general p: scale by the largest entry so that |x_i|^p cannot overflow
    p = float(ord)
    scale = absx.max()
    if scale == 0.0 or not np.isfinite(scale):
        with np.errstate(divide="ignore"):
            return float(np.sum(absx ** p) ** (1.0 / p))
    with np.errstate(divide="ignore", over="ignore", under="ignore"):
        return float(scale * np.sum((absx / scale) ** p) ** (1.0 / p))


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


def cond(A, p=None, exact=True):
    """Condition number of a matrix, as numpy.linalg.cond.

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
        raise ValueError("cond: the condition number of an empty matrix (shape %s) is "
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

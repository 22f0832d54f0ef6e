"""lstsq.py: least squares, pseudo-inverse and numerical rank, built on our SVD.

References
----------
[GVL4]   G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., 2013.
         Sec. 5.5 (the rank-deficient least-squares problem: the minimum-norm solution
         via the SVD, x = sum_{i <= r} (u_i^T b / s_i) v_i), Sec. 5.4.1 (numerical
         rank), Alg. 5.3.2 (Householder least squares for full column rank).
[LAPACK] dgelss (least squares by the SVD with a relative threshold rcond), which
         numpy.linalg.lstsq mirrors in its results (numpy calls dgelsd).

Every product goes through our GEMM (``blas.gemm``); the SVD is ours
(:func:`rusty_machine.linalg.svd`).
"""
import numpy as np

from ..exceptions import LinAlgError
from .blas import gemm
from ._checks import work_copy as _work_copy
from ._svd import svd, svdvals

_EPS = np.finfo(np.float64).eps


def _rhs(b, m):
    """b as a float64 2-D array (m, k) and whether it was 1-D."""
    arr = np.asarray(b)
    if arr.dtype.kind not in "biuf":
        raise TypeError("lstsq: expected real numeric b, got dtype %s" % arr.dtype)
    if arr.ndim not in (1, 2):
        raise LinAlgError("lstsq: b must be 1-D or 2-D, got %d-D data of shape %s"
                          % (arr.ndim, arr.shape))
    if arr.shape[0] != m:
        # numpy's LinAlgError and words (a ValueError too: LinAlgError subclasses it)
        raise LinAlgError("lstsq: Incompatible dimensions: A has %d rows but b has shape %s"
                          % (m, arr.shape))
    one_d = arr.ndim == 1
    out = np.array(arr.reshape(m, 1) if one_d else arr, dtype=np.float64, order="C")
    if not np.isfinite(out).all():
        raise ValueError("lstsq: b contains NaN or infinity")
    return out, one_d


def lstsq(A, b, rcond=None):
    """Minimum-norm least-squares solution of A x ~= b (numpy.linalg.lstsq semantics).

    With the SVD A = U diag(s) V^T and the numerical rank r = #{i : s_i > rcond s_0},
    the solution of smallest 2-norm among the minimisers of ||A x - b||_2 is
    (GVL4 Sec. 5.5)

        x = V[:, :r] diag(1 / s[:r]) U[:, :r]^T b,

    which is also the unique least-squares solution when A has full column rank; that
    case (r == n <= m) is solved by Householder QR instead (GVL4 Alg. 5.3.2,
    :func:`rusty_machine.linalg.qr_factor`), the singular values only deciding the rank.

    Parameters
    ----------
    A : array-like of shape (m, n)
    b : array-like of shape (m,) or (m, k)
    rcond : float, optional
        Relative cut-off for small singular values; default ``eps * max(m, n)`` with the
        float64 eps, also for float32 input (numpy computes lstsq in float64 and takes
        ``finfo(float64).eps``). A negative value means machine precision as LAPACK's
        dgelsd reads it (numpy passes it through): the unit roundoff
        ``dlamch('Epsilon') = eps / 2 = 2**-53``.

    Returns
    -------
    x : ndarray of shape (n,) or (n, k)
    residuals : ndarray of shape (1,), (k,) or (0,)
        Sums of squared residuals ||b - A x||^2 per column when r == n and m > n,
        otherwise empty (as numpy).
    rank : int
        The numerical rank r.
    s : ndarray of shape (min(m, n),)
        Singular values of A, descending.

    Raises
    ------
    LinAlgError
        b's rows differ from A's ("Incompatible dimensions", numpy's words; the message
        gives both shapes), or b is not 1-D or 2-D (a ValueError too).
    ValueError
        NaN/inf, A not 2-D.
    LinAlgError
        The SVD did not converge.

    Notes
    -----
    float32 A and b (both, numpy's promotion) give float32 results, with numpy's
    default rcond (eps64 * max(m, n)); the full-rank QR solution is computed in
    float32 by our sgeqrf path. The singular values (the rank decision, and the
    rank-deficient path) come from our float64 SVD of the exactly converted data,
    rounded to float32.
    """
    a = _work_copy(A, "lstsq", square=False)
    m, n = a.shape
    bb, one_d = _rhs(b, m)
    single = _is_float32(A) and _is_float32(b)
    x, resid, rank, s = _lstsq(a, bb, m, n, rcond, _EPS, single)
    if one_d:
        x = x[:, 0]
    if single:
        return (x.astype(np.float32), resid.astype(np.float32), rank,
                s.astype(np.float32))
    return x, resid, rank, s


def _is_float32(x):
    return getattr(x, "dtype", None) == np.float32


def _lstsq(a, bb, m, n, rcond, eps, single):
    """lstsq on the float64 copies a (m x n) and bb (m x k): (x (n x k), residuals,
    rank, s); the full-rank QR solve in float32 when single."""
    nrhs = bb.shape[1]
    if rcond is None:
        rcond = eps * max(m, n)
    elif rcond < 0:
        rcond = eps / 2          # LAPACK dgelsd: machine precision dlamch('Epsilon')
    if min(m, n) == 0:
        x = np.zeros((n, nrhs))
        # rank 0: the residual is b itself, reported when rank == n and m > n
        resid = np.sum(bb * bb, axis=0) if (n == 0 and m > 0) else np.empty(0)
        return x, resid, 0, np.empty(0)
    # the singular values decide the numerical rank (and are returned, as numpy does)
    s = np.asarray(svdvals(a))
    rank = int(np.count_nonzero(s > rcond * s[0]))
    if rank == n and m >= n:
        # full column rank: the Householder QR solution x = inv(R) (Q^T b)[:n]
        # (GVL4 Alg. 5.3.2), cheaper than forming the singular vectors
        from ._qr import qr_factor
        if single:
            x = np.array(qr_factor(a.astype(np.float32)).solve(bb.astype(np.float32)),
                         dtype=np.float64).reshape(n, nrhs)
        else:
            x = np.array(qr_factor(a).solve(bb), dtype=np.float64).reshape(n, nrhs)
    else:
        # rank deficient: the minimum-norm solution through the SVD (GVL4 Sec. 5.5)
        U, s, Vt = svd(a)
        U, s, Vt = np.asarray(U), np.asarray(s), np.asarray(Vt)
        # c = U[:, :r]^T b ; c /= s[:r] ; x = Vt[:r]^T c
        c = gemm(U[:, :rank], bb, trans_a=True)
        c /= s[:rank, None]
        x = gemm(Vt[:rank], c, trans_a=True)
    if rank == n and m > n:
        r = bb - gemm(a, x)
        resid = np.sum(r * r, axis=0)
    else:
        resid = np.empty(0)
    return x, resid, rank, s


def pinv(A, rcond=1e-15):
    """Moore-Penrose pseudo-inverse A^+ = V diag(1/s_i for s_i > rcond s_0, else 0) U^T.

    (GVL4 Sec. 5.5.) The cut-off follows numpy.linalg.pinv: singular values at or
    below ``rcond * max(s)`` are treated as zero.

    Parameters
    ----------
    A : array-like of shape (m, n)
    rcond : float, default 1e-15

    Returns
    -------
    Matrix of shape (n, m)
    """
    from .matrix import asmatrix
    a = _work_copy(A, "pinv", square=False)
    m, n = a.shape
    if min(m, n) == 0:
        return asmatrix(np.zeros((n, m)))
    U, s, Vt = svd(a)
    U, s, Vt = np.asarray(U), np.asarray(s), np.asarray(Vt)
    keep = s > rcond * s[0]
    inv_s = np.zeros_like(s)
    inv_s[keep] = 1.0 / s[keep]
    # A^+ = (diag(1/s) Vt)^T @ U^T
    return asmatrix(gemm(Vt * inv_s[:, None], U, trans_a=True, trans_b=True))


def matrix_rank(A, tol=None):
    """Numerical rank: the number of singular values above ``tol`` (GVL4 Sec. 5.4.1).

    Default ``tol = max(s) * max(m, n) * eps``, as numpy.linalg.matrix_rank. A 1-D
    (or 0-D) input has rank 1 unless all its entries are zero, as in numpy.

    Parameters
    ----------
    A : array-like of shape (m, n), or a vector
    tol : float, optional

    Returns
    -------
    int
    """
    arr = np.asarray(A)
    if arr.ndim < 2:
        if arr.dtype.kind not in "biuf":
            raise TypeError("matrix_rank: expected real numeric data, got dtype %s" % arr.dtype)
        return int(not np.all(arr == 0))
    a = _work_copy(arr, "matrix_rank", square=False)
    if a.size == 0:
        return 0
    s = np.asarray(svdvals(a))
    if tol is None:
        tol = s[0] * max(a.shape) * _EPS
    return int(np.count_nonzero(s > tol))

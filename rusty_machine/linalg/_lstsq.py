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
from .matrix import Matrix, Vector

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
        U, s, Vt = svd(a, full_matrices=False)
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


class _NoValue:
    """numpy's ``np._NoValue``: tells "rtol not given" from ``rtol=None``."""

    def __repr__(self):
        return "<no value>"


_NO_VALUE = _NoValue()


def pinv(a, rcond=None, hermitian=False, *, rtol=_NO_VALUE):
    """Moore-Penrose pseudo-inverse A^+ = V diag(1/s_i for s_i > cutoff, else 0) U^T,
    numpy.linalg.pinv's contract, for a matrix or a stack (..., M, N).

    (GVL4 Sec. 5.5.) The cut-off follows numpy.linalg.pinv: singular values at or
    below ``rcond * max(s)`` are treated as zero, with rcond (broadcast over the stack)
    = ``rcond`` if given, else ``rtol`` if given (``rtol=None``: max(M, N) * eps of the
    input's dtype), else 1e-15. The SVD is ours (thin, or numpy's hermitian
    construction from our eigh); the products go through our GEMM (matmul for a
    stack). A float32 input's SVD runs in float32 (with the default rcond floored at
    max(M, N) * eps32, the size of its errors); the final product in float64, rounded
    once to float32.

    Parameters
    ----------
    a : array-like of shape (..., M, N)
    rcond : float or array-like broadcastable to the stack, optional
    hermitian : bool, default False
        a is symmetric (only its lower triangle is read).
    rtol : float, array-like or None, keyword only (numpy 2's array-API name)

    Returns
    -------
    Matrix of shape (N, M) for a 2-D input, else an ndarray (..., N, M); float32 for a
    float32 input.

    Raises
    ------
    ValueError
        Both rcond and rtol given; NaN/inf entries; fewer than 2 dimensions
        (LinAlgError).
    """
    from .matrix import asmatrix
    from ._svd import _svd_any
    arr = a if isinstance(a, (Matrix, Vector)) else np.asarray(a)
    default_rcond = rcond is None and rtol is _NO_VALUE       # (part B: see below)
    if rcond is None:
        if rtol is _NO_VALUE:
            rcond = 1e-15
        elif rtol is None:
            eps = np.finfo(np.float32 if arr.dtype == np.float32 else np.float64).eps
            rcond = max(arr.shape[-2:]) * eps if np.ndim(arr) >= 2 else eps
        else:
            rcond = rtol
    elif rtol is not _NO_VALUE:
        raise ValueError("pinv: `rtol` and `rcond` can't be both set.")
    # (part B, issue 13) a float32 input's SVD runs in float32: its singular values
    # carry errors of max(M, N) eps32 ||A||, so numpy's legacy default rcond = 1e-15
    # (meant for numpy's float64-computed ones) gets that floor; a given rcond or rtol
    # is used as is
    rcond = np.asarray(rcond, dtype=np.float64)
    U, s, Vt, stacked, dtype = _svd_any(a, False, True, hermitian, "pinv", keep64=True)
    m, n = U.shape[-2], Vt.shape[-1]
    if default_rcond and dtype == np.float32 and not hermitian:
        rcond = np.maximum(rcond, max(m, n) * np.finfo(np.float32).eps)
    if m == 0 or n == 0:
        res = np.zeros(s.shape[:-1] + (n, m), dtype=dtype)
        return res if stacked else asmatrix(res)
    # discard small singular values: s_i <= rcond * max(s) gives 0, else 1 / s_i
    cutoff = rcond[..., np.newaxis] * np.max(s, axis=-1, keepdims=True)
    large = s > cutoff
    inv_s = np.divide(1.0, s, where=large, out=np.zeros_like(s))
    if not stacked:
        # A^+ = (diag(1/s) Vt)^T @ U^T
        res = gemm(Vt * inv_s[:, None], U, trans_a=True, trans_b=True)
        return asmatrix(np.asarray(res, dtype=dtype))
    from ._products import matmul
    # A^+ = (Vt^T diag(1/s)) @ U^T, one GEMM per matrix through our batched matmul
    left = np.ascontiguousarray(np.swapaxes(Vt, -1, -2) * inv_s[..., np.newaxis, :])
    res = np.asarray(matmul(left, np.ascontiguousarray(np.swapaxes(U, -1, -2))))
    return res.astype(dtype, copy=False)


def matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    """Numerical rank: the number of singular values above ``tol`` (GVL4 Sec. 5.4.1),
    numpy.linalg.matrix_rank's contract, for a matrix or a stack (..., M, N).

    Default ``tol = max(s) * rtol`` with ``rtol = max(M, N) * eps`` (eps of the
    singular values' dtype), as numpy; ``tol`` and ``rtol`` broadcast over the stack.
    A 1-D (or 0-D) input has rank 1 unless all its entries are zero, as in numpy.

    Parameters
    ----------
    A : array-like of shape (..., M, N), or a vector
    tol : float or array-like, optional (absolute threshold)
    hermitian : bool, default False
        A is symmetric: singular values as |eigenvalues| from our eigvalsh.
    rtol : float or array-like, optional, keyword only (relative threshold)

    Returns
    -------
    numpy integer (intp) for a matrix, an intp array (...) for a stack; int for a
    vector.
    """
    from ._svd import _svd_any
    if tol is not None and rtol is not None:
        raise ValueError("matrix_rank: `tol` and `rtol` can't be both set.")
    arr = A if isinstance(A, Matrix) else np.asarray(A)
    if not isinstance(A, Matrix) and arr.ndim < 2:
        if arr.dtype.kind not in "biuf":
            raise TypeError("matrix_rank: expected real numeric data, got dtype %s" % arr.dtype)
        return int(not np.all(arr == 0))
    _, S, _, _, _ = _svd_any(A, False, False, hermitian, "matrix_rank")
    if tol is None:
        if rtol is None:
            rtol = max(arr.shape[-2:]) * np.finfo(S.dtype).eps
        else:
            rtol = np.asarray(rtol)[..., np.newaxis]
        tol = np.max(S, axis=-1, keepdims=True, initial=0) * rtol
    else:
        tol = np.asarray(tol)[..., np.newaxis]
    return np.count_nonzero(S > tol, axis=-1)

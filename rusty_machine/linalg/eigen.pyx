# cython: language_level=3
"""eigen.pyx: symmetric and general real eigenproblems, and the reductions behind them.

References
----------
[GVL4]   G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., 2013.
         Alg. 5.1.1 (Householder vector), 5.1.2 (Givens), Sec. 5.1.7 (compact WY),
         Alg. 7.4.2 (Householder Hessenberg reduction), Alg. 7.5.1 (Francis QR step),
         Alg. 7.5.2 (real Schur decomposition by the QR algorithm), Sec. 7.5.6-7.6.4
         (invariant subspaces, eigenvectors from the Schur form), Alg. 8.3.1
         (Householder tridiagonalisation), Alg. 8.3.2 (implicit symmetric QR step with
         Wilkinson shift), Alg. 8.3.3 (symmetric QR algorithm).
[LAPACK] E. Anderson et al., *LAPACK Users' Guide*, 3rd ed., 1999. The routines mirrored
         here: dlarfg (Householder vector), dsytrd/dlatrd (blocked tridiagonalisation),
         dorgtr/dlarft (forming Q blockwise in compact WY form), dsteqr/dsterf
         (tridiagonal QR), dgebal (balancing), dgehd2/dorghr (Hessenberg reduction and
         its Q), dlahqr (double-shift QR), dlanv2 (standardised 2x2 Schur blocks),
         dtrevc (eigenvectors of a quasi-triangular matrix), dgeev (the driver).
[PR69]   B. N. Parlett and C. Reinsch, "Balancing a matrix for calculation of eigenvalues
         and eigenvectors", Numer. Math. 13 (1969) 293-304.
[DSS94]  J. J. Dongarra, D. C. Sorensen, S. J. Hammarling, "Block reduction of matrices
         to condensed forms for eigenvalue computations", J. Comput. Appl. Math. 27
         (1989) 215-227 (the panel idea of dlatrd: V and W of A - V W^T - W V^T).

Storage is row-major (element (i, j) of X at X[i * ldx + j]). Two habits follow from it:
reflectors are stored as *rows* (Y^T), and rotations of the QR iterations are applied to
the rows of V^T (resp. Z^T), so every inner loop runs over contiguous memory; the
transpose to the returned column layout is done once at the end.
"""
import numpy as np

from libc.math cimport fabs, sqrt, hypot, copysign
from libc.stdlib cimport malloc, free
from libc.string cimport memset, memcpy

from rusty_machine.linalg.blas cimport (dgemm, dgemv, dger, ddot, daxpy, dscal, dnrm2,
                                        dcopy, dswap, dtrmm)
from rusty_machine.exceptions import LinAlgError
from rusty_machine.linalg.matrix import asmatrix, asvector, Matrix, Vector

# unit of accuracy used in the convergence tests: numpy's eps = 2**-52
cdef double EPS = 2.220446049250313e-16
cdef double SAFMIN = 2.2250738585072014e-308
# block size of the blocked reductions (panel width)
cdef Py_ssize_t NB = 32


# =================================================================================
# input checking (the def shells call these before any kernel touches memory)
# =================================================================================
def _work_copy(A, str name, bint square=True):
    """A C-contiguous float64 copy of a 2-D finite array-like (the caller's data is
    never modified). TypeError for non-numeric data, ValueError for wrong ndim, shape
    or non-finite entries."""
    if isinstance(A, (Matrix, Vector)):
        arr = np.asarray(A)
    else:
        arr = np.asarray(A)
        if arr.dtype.kind not in "biuf":
            raise TypeError("%s: expected real numeric data, got dtype %s" % (name, arr.dtype))
    if arr.ndim != 2:
        raise ValueError("%s: expected a 2-D matrix, got %d-D data of shape %s"
                         % (name, arr.ndim, arr.shape))
    if square and arr.shape[0] != arr.shape[1]:
        raise ValueError("%s: expected a square matrix, got shape %s" % (name, arr.shape))
    out = np.array(arr, dtype=np.float64, order="C", copy=True)
    if not np.isfinite(out).all():
        raise ValueError("%s: the matrix contains NaN or infinity" % name)
    return out


def _symmetric_from_lower(a):
    """Full symmetric matrix from the lower triangle of ``a`` (numpy's UPLO='L')."""
    low = np.tril(a)
    low += np.tril(a, -1).T
    return np.ascontiguousarray(low)


# =================================================================================
# small shared kernels
# =================================================================================
cdef double _house(Py_ssize_t n, double* alpha, double* x, Py_ssize_t incx) noexcept nogil:
    """Householder vector (GVL4 Alg. 5.1.1, LAPACK dlarfg).

    Finds tau, beta and v = [1; v'] with (I - tau v v^T) [alpha; x] = [beta; 0].
    On exit ``alpha`` holds beta and ``x`` (n - 1 entries) holds v'. Returns tau
    (0 when x is already zero: H = I)."""
    cdef double xnorm, beta, tau
    if n <= 1:
        return 0.0
    xnorm = dnrm2(n - 1, x, incx)
    if xnorm == 0.0:
        return 0.0
    # beta = -sign(alpha) * ||[alpha; x]||, the sign that avoids cancellation
    beta = -copysign(hypot(alpha[0], xnorm), alpha[0])
    tau = (beta - alpha[0]) / beta
    dscal(n - 1, 1.0 / (alpha[0] - beta), x, incx)
    alpha[0] = beta
    return tau


cdef void _rot_rows(Py_ssize_t n, double c, double s,
                    double* x,            # INOUT row k
                    double* y) noexcept nogil:   # INOUT row k + 1
    """[x; y] <- [c s; -s c] @ [x; y] (a Givens rotation of two contiguous rows)."""
    cdef Py_ssize_t j
    cdef double a, b
    for j in range(n):
        a = x[j]
        b = y[j]
        x[j] = c * a + s * b
        y[j] = c * b - s * a


cdef void _larft(Py_ssize_t k, Py_ssize_t r,
                 const double* YT, Py_ssize_t ldy,     # IN  k x r, row p = v_p (unit at p)
                 const double* tau,                    # IN  k
                 double* T, Py_ssize_t ldt,            # OUT k x k upper triangular
                 double* work) noexcept nogil:         # work k
    """Compact WY factor (GVL4 Sec. 5.1.7, LAPACK dlarft 'F','C'):
    H_0 H_1 ... H_{k-1} = I - Y T Y^T with T upper triangular."""
    cdef Py_ssize_t i, p, q
    cdef double acc
    for i in range(k):
        for p in range(k):
            T[i * ldt + p] = 0.0
    for i in range(k):
        T[i * ldt + i] = tau[i]
        if i == 0 or tau[i] == 0.0:
            for p in range(i):
                T[p * ldt + i] = 0.0
            continue
        # work = Y[:, :i]^T @ y_i  (y_i is zero before position i)
        dgemv(False, i, r - i, 1.0, YT + i, ldy, YT + i * ldy + i, 1, 0.0, work, 1)
        # T[:i, i] = -tau_i * T[:i, :i] @ work   (T[:i, :i] upper triangular)
        for p in range(i):
            acc = 0.0
            for q in range(p, i):
                acc += T[p * ldt + q] * work[q]
            T[p * ldt + i] = -tau[i] * acc


cdef void _apply_block_left(Py_ssize_t k, Py_ssize_t r, Py_ssize_t ncols,
                            const double* YT, Py_ssize_t ldy,   # IN  k x r reflectors
                            const double* T, Py_ssize_t ldt,    # IN  k x k
                            double* X, Py_ssize_t ldx,          # INOUT r x ncols
                            double* W) noexcept nogil:          # work k x ncols
    """X <- (I - Y T Y^T) X, the compact WY block applied with two GEMMs (GVL4 5.1.7)."""
    if k == 0 or r == 0 or ncols == 0:
        return
    # W = Y^T @ X
    dgemm(False, False, k, ncols, r, 1.0, YT, ldy, X, ldx, 0.0, W, ncols)
    # W = T @ W
    dtrmm(True, False, False, False, k, ncols, 1.0, T, ldt, W, ncols)
    # X -= Y @ W
    dgemm(True, False, r, ncols, k, -1.0, YT, ldy, W, ncols, 1.0, X, ldx)


# =================================================================================
# symmetric: tridiagonalisation (GVL4 Alg. 8.3.1, blocked as LAPACK dsytrd/dlatrd)
# =================================================================================
cdef void _sytrd(Py_ssize_t n,
                 double* S, Py_ssize_t lds,   # INOUT full symmetric n x n; on exit row k
                                              #       holds v_k[1:] in S[k, k+2:]
                 double* d,                   # OUT   n diagonal of T
                 double* e,                   # OUT   n-1 off-diagonal of T
                 double* tau,                 # OUT   n-1 reflector factors
                 double* VT, double* WT,      # work  NB x n each
                 double* tmp) noexcept nogil: # work  NB
    """A = Q T Q^T with Q = H_0 ... H_{n-2}, H_k = I - tau_k v_k v_k^T acting on
    rows/columns k+1..n-1 (GVL4 Alg. 8.3.1).

    Blocked like LAPACK dsytrd: within a panel of NB columns the trailing matrix is not
    updated; its current value is A - V W^T - W V^T (dlatrd [DSS94]), so each step does
    one matrix-vector product with the trailing block, and the panel's update of the
    rest is two GEMMs (a symmetric rank-2NB update)."""
    cdef Py_ssize_t k0, m, nbk, i, r, ldw = n
    cdef double* A
    cdef double* ri
    cdef double* vt
    cdef double* wt
    cdef double t, alpha2
    if n == 1:
        d[0] = S[0]
        return
    k0 = 0
    while k0 < n - 1:
        m = n - k0
        nbk = min(NB, n - 1 - k0)
        A = S + k0 * lds + k0
        for i in range(nbk):
            ri = A + i * lds
            vt = VT + i * ldw
            wt = WT + i * ldw
            if i > 0:
                # row i of the current matrix: a[i, i:] -= V[i, :i] W[i:, :i]^T + W[i, :i] V[i:, :i]^T
                dgemv(True, i, m - i, -1.0, WT + i, ldw, VT + i, ldw, 1.0, ri + i, 1)
                dgemv(True, i, m - i, -1.0, VT + i, ldw, WT + i, ldw, 1.0, ri + i, 1)
            d[k0 + i] = ri[i]
            # GVL4 Alg. 8.3.1 step: reflector annihilating a[i, i+2:]
            t = _house(m - i - 1, ri + i + 1, ri + i + 2, 1)
            e[k0 + i] = ri[i + 1]
            tau[k0 + i] = t
            memset(vt, 0, m * sizeof(double))
            memset(wt, 0, m * sizeof(double))
            vt[i + 1] = 1.0
            if m - i - 2 > 0:
                memcpy(vt + i + 2, ri + i + 2, (m - i - 2) * sizeof(double))
            if t == 0.0:
                continue
            r = m - i - 1
            # w = A22 @ v with A22 the trailing block as it was at the panel start
            dgemv(False, r, r, 1.0, A + (i + 1) * lds + i + 1, lds, vt + i + 1, 1,
                  0.0, wt + i + 1, 1)
            if i > 0:
                # w -= V (W^T v) + W (V^T v)   (the panel's pending update, dlatrd)
                dgemv(False, i, r, 1.0, WT + i + 1, ldw, vt + i + 1, 1, 0.0, tmp, 1)
                dgemv(True, i, r, -1.0, VT + i + 1, ldw, tmp, 1, 1.0, wt + i + 1, 1)
                dgemv(False, i, r, 1.0, VT + i + 1, ldw, vt + i + 1, 1, 0.0, tmp, 1)
                dgemv(True, i, r, -1.0, WT + i + 1, ldw, tmp, 1, 1.0, wt + i + 1, 1)
            # p = tau w ; w = p - (tau/2)(p^T v) v   (GVL4 Alg. 8.3.1)
            dscal(r, t, wt + i + 1, 1)
            alpha2 = -0.5 * t * ddot(r, wt + i + 1, 1, vt + i + 1, 1)
            daxpy(r, alpha2, vt + i + 1, 1, wt + i + 1, 1)
        # trailing update A22 -= V W^T + W V^T (two GEMMs on the full symmetric block)
        r = m - nbk
        dgemm(True, False, r, r, nbk, -1.0, VT + nbk, ldw, WT + nbk, ldw, 1.0,
              A + nbk * lds + nbk, lds)
        dgemm(True, False, r, r, nbk, -1.0, WT + nbk, ldw, VT + nbk, ldw, 1.0,
              A + nbk * lds + nbk, lds)
        k0 += nbk
    d[n - 1] = S[(n - 1) * lds + n - 1]


cdef void _orgtr(Py_ssize_t n,
                 const double* S, Py_ssize_t lds,   # IN  reflectors from _sytrd (rows)
                 const double* tau,                 # IN  n-1
                 double* Q, Py_ssize_t ldq,         # OUT n x n
                 double* YT, double* T, double* W,  # work NB x n, NB x NB, NB x n
                 double* tmp) noexcept nogil:
    """Q = H_0 H_1 ... H_{n-2} formed blockwise by backward accumulation (LAPACK
    dorgtr/dorgqr): Q <- (I - Y T Y^T) Q for the blocks from last to first, each block
    two GEMMs on the trailing part (the leading part of Q is still the identity)."""
    cdef Py_ssize_t i, j, k0, nbk, r, p
    for i in range(n):
        for j in range(n):
            Q[i * ldq + j] = 0.0
        Q[i * ldq + i] = 1.0
    if n <= 1:
        return
    # blocks start at multiples of NB, processed from the last
    k0 = ((n - 2) // NB) * NB
    while k0 >= 0:
        nbk = min(NB, n - 1 - k0)
        r = n - k0 - 1
        # YT[p, c] = v_{k0+p}[k0+1+c]
        for p in range(nbk):
            for j in range(r):
                YT[p * n + j] = 0.0
            YT[p * n + p] = 1.0
            for j in range(p + 1, r):
                YT[p * n + j] = S[(k0 + p) * lds + k0 + 1 + j]
        _larft(nbk, r, YT, n, tau + k0, T, NB, tmp)
        # Q[k0+1:, k0+1:] = (I - Y T Y^T) @ Q[k0+1:, k0+1:]
        _apply_block_left(nbk, r, r, YT, n, T, NB, Q + (k0 + 1) * ldq + k0 + 1, ldq, W)
        k0 -= NB


# =================================================================================
# symmetric tridiagonal QR (GVL4 Alg. 8.3.2 / 8.3.3, LAPACK dsteqr)
# =================================================================================
cdef inline bint _negligible(double e, double da, double db) noexcept nogil:
    # LAPACK dsteqr's test |e|^2 <= eps^2 |d_i d_{i+1}| + safmin (relative: keeps the
    # small eigenvalues of graded matrices accurate)
    return e * e <= (EPS * EPS) * fabs(da) * fabs(db) + SAFMIN


cdef Py_ssize_t _steqr(Py_ssize_t n,
                       double* d,                   # INOUT n: diagonal -> eigenvalues
                       double* e,                   # INOUT n-1: off-diagonal -> destroyed
                       double* X, Py_ssize_t ldx,   # INOUT rows rotated (V^T), or NULL
                       Py_ssize_t ncols,            # IN    row length of X
                       double* cs) noexcept nogil:  # work  2n
    """Implicit symmetric QR with Wilkinson shifts (GVL4 Alg. 8.3.3).

    T = Z diag(d) Z^T; when X is given, X <- Z^T X (X = Q^T on entry gives V^T).
    Returns 0, or the iteration cap when it was exceeded (caller raises)."""
    cdef Py_ssize_t maxit = 30 * n, it = 0, hi, lo, k
    cdef double a, b, dd, delta, denom, mu, x, z, r, c, s, bulge
    cdef double* sn = cs + n
    hi = n - 1
    while hi > 0:
        # GVL4 Alg. 8.3.3: deflate negligible off-diagonal entries at the bottom
        if _negligible(e[hi - 1], d[hi - 1], d[hi]):
            e[hi - 1] = 0.0
            hi -= 1
            continue
        lo = hi - 1
        while lo > 0:
            if _negligible(e[lo - 1], d[lo - 1], d[lo]):
                e[lo - 1] = 0.0
                break
            lo -= 1
        if it >= maxit:
            return maxit
        it += 1
        # Wilkinson shift: eigenvalue of the trailing 2x2 closer to d[hi] (GVL4 8.3.2)
        a = d[hi - 1]
        b = e[hi - 1]
        dd = d[hi]
        delta = 0.5 * (a - dd)
        denom = delta + copysign(hypot(delta, b), delta)
        mu = dd - b * (b / denom)
        # implicit QR step on T[lo:hi+1, lo:hi+1]: chase the bulge down
        x = d[lo] - mu
        z = e[lo]
        for k in range(lo, hi):
            # Givens [c s; -s c] [x; z] = [r; 0]  (GVL4 Alg. 5.1.3)
            r = hypot(x, z)
            if r == 0.0:
                c = 1.0
                s = 0.0
            else:
                c = x / r
                s = z / r
            if k > lo:
                e[k - 1] = r
            a = d[k]
            b = e[k]
            dd = d[k + 1]
            # the 2x2 block [a b; b dd] <- G [a b; b dd] G^T
            d[k] = c * c * a + 2.0 * c * s * b + s * s * dd
            d[k + 1] = s * s * a - 2.0 * c * s * b + c * c * dd
            e[k] = c * s * (dd - a) + (c * c - s * s) * b
            if k < hi - 1:
                bulge = s * e[k + 1]
                e[k + 1] = c * e[k + 1]
                x = e[k]
                z = bulge
            cs[k] = c
            sn[k] = s
        if X != NULL:
            # X <- G_k X for the sweep, in order (rows k, k+1 of V^T: contiguous)
            for k in range(lo, hi):
                _rot_rows(ncols, cs[k], sn[k], X + k * ldx, X + (k + 1) * ldx)
    return 0


cdef void _sort_ascending(Py_ssize_t n, double* d, double* X, Py_ssize_t ldx,
                          Py_ssize_t ncols) noexcept nogil:
    """Selection sort of d, swapping the rows of X alongside (LAPACK dsteqr's end)."""
    cdef Py_ssize_t i, j, jmin
    cdef double t
    for i in range(n - 1):
        jmin = i
        for j in range(i + 1, n):
            if d[j] < d[jmin]:
                jmin = j
        if jmin != i:
            t = d[i]
            d[i] = d[jmin]
            d[jmin] = t
            if X != NULL:
                dswap(ncols, X + i * ldx, 1, X + jmin * ldx, 1)


def _scale_factor(a):
    """Scale into a safe range when the largest entry is tiny or huge (LAPACK dsyev's
    rmin/rmax guard); returns the factor the matrix was multiplied by."""
    anrm = float(np.max(np.abs(a))) if a.size else 0.0
    if anrm == 0.0:
        return 1.0
    if anrm < 1e-140 or anrm > 1e140:
        return 1.0 / anrm
    return 1.0


def _tridiagonal_solve(double[:, ::1] S, bint want_vectors, str name):
    """Shared by eigh and eigvalsh: returns (w, VT or None)."""
    cdef Py_ssize_t n = S.shape[0]
    cdef double[::1] d = np.empty(n)
    cdef double[::1] e = np.zeros(max(n - 1, 1))
    cdef double[::1] tau = np.zeros(max(n - 1, 1))
    cdef double[:, ::1] VT = np.zeros((NB, n))
    cdef double[:, ::1] WT = np.zeros((NB, n))
    cdef double[::1] tmp = np.zeros(max(2 * n, NB))
    cdef double[:, ::1] T = np.zeros((NB, NB))
    cdef double[:, ::1] Q
    cdef double[:, ::1] X
    cdef double* xp = NULL
    cdef Py_ssize_t status
    Qa = None
    Xa = None
    if want_vectors:
        Qa = np.empty((n, n))
        Q = Qa
    with nogil:
        _sytrd(n, &S[0, 0], n, &d[0], &e[0], &tau[0], &VT[0, 0], &WT[0, 0], &tmp[0])
        if want_vectors:
            _orgtr(n, &S[0, 0], n, &tau[0], &Q[0, 0], n, &VT[0, 0], &T[0, 0], &WT[0, 0],
                   &tmp[0])
    if want_vectors:
        Xa = np.ascontiguousarray(Qa.T)     # X = Q^T; the QR sweeps rotate its rows
        X = Xa
        xp = &X[0, 0]
    with nogil:
        status = _steqr(n, &d[0], &e[0], xp, n, n, &tmp[0])
    if status:
        raise LinAlgError("%s: symmetric tridiagonal QR did not converge after %d sweeps"
                          % (name, status))
    with nogil:
        _sort_ascending(n, &d[0], xp, n, n)
    return np.asarray(d), Xa


def eigh(A):
    """Eigenvalues and eigenvectors of a real symmetric matrix.

    A = V diag(w) V^T with V orthogonal. Only the **lower triangle** of ``A`` is read
    (numpy's default ``UPLO='L'``); the strictly upper triangle is ignored.

    Method: Householder tridiagonalisation A = Q T Q^T, blocked as LAPACK dsytrd
    (GVL4 Alg. 8.3.1); Q formed blockwise in compact WY form; implicit symmetric QR
    with Wilkinson shifts on T = Z diag(w) Z^T (GVL4 Alg. 8.3.2/8.3.3), the rotations
    applied to the rows of V^T = Z^T Q^T.

    Parameters
    ----------
    A : array-like of shape (n, n)
        Real symmetric matrix (Matrix, numpy array, nested lists, ...). Not modified.

    Returns
    -------
    w : Vector of shape (n,)
        Eigenvalues in ascending order.
    V : Matrix of shape (n, n)
        Orthonormal eigenvectors as columns: ``A @ V[:, i] = w[i] * V[:, i]``.

    Raises
    ------
    ValueError
        Not 2-D, not square (the message names the shape), or NaN/inf entries.
    TypeError
        Non-numeric data.
    LinAlgError
        The QR iteration exceeded its cap of 30 n sweeps.
    """
    a = _work_copy(A, "eigh")
    n = a.shape[0]
    if n == 0:
        return asvector(np.empty(0)), asmatrix(np.empty((0, 0)))
    S = _symmetric_from_lower(a)
    f = _scale_factor(S)
    if f != 1.0:
        S *= f
    w, VT = _tridiagonal_solve(S, True, "eigh")
    if f != 1.0:
        w /= f
    return asvector(np.ascontiguousarray(w)), asmatrix(np.ascontiguousarray(VT.T))


def eigvalsh(A):
    """Eigenvalues of a real symmetric matrix, ascending (no eigenvectors).

    Reads only the **lower triangle** of ``A`` (numpy's default ``UPLO='L'``). Same
    tridiagonalisation as :func:`eigh` (GVL4 Alg. 8.3.1) but Q is never formed and the
    tridiagonal QR iteration (GVL4 Alg. 8.3.3) accumulates no rotations: O(n^2) work
    after the O(4/3 n^3) reduction, against about 4x more for ``eigh``.

    Parameters
    ----------
    A : array-like of shape (n, n)

    Returns
    -------
    w : Vector of shape (n,)
        Eigenvalues in ascending order.

    Raises
    ------
    ValueError, TypeError, LinAlgError
        As :func:`eigh`.
    """
    a = _work_copy(A, "eigvalsh")
    n = a.shape[0]
    if n == 0:
        return asvector(np.empty(0))
    S = _symmetric_from_lower(a)
    f = _scale_factor(S)
    if f != 1.0:
        S *= f
    w, _ = _tridiagonal_solve(S, False, "eigvalsh")
    if f != 1.0:
        w /= f
    return asvector(np.ascontiguousarray(w))


def tridiagonalize(A):
    """Householder tridiagonalisation of a symmetric matrix: A = Q T Q^T.

    Teaching view of the first step of :func:`eigh`. For k = 0..n-3 a reflector
    H_k = I - tau_k v_k v_k^T (GVL4 Alg. 5.1.1) zeroes column k below the subdiagonal;
    T = H_{n-2} ... H_0 A H_0 ... H_{n-2} is tridiagonal and Q = H_0 ... H_{n-2}
    (GVL4 Alg. 8.3.1, blocked as LAPACK dsytrd). Reads only the lower triangle.

    Parameters
    ----------
    A : array-like of shape (n, n)

    Returns
    -------
    T : Matrix of shape (n, n)
        Symmetric tridiagonal.
    Q : Matrix of shape (n, n)
        Orthogonal, with ``A = Q @ T @ Q.T``.
    """
    a = _work_copy(A, "tridiagonalize")
    cdef Py_ssize_t n = a.shape[0]
    if n == 0:
        return asmatrix(np.empty((0, 0))), asmatrix(np.empty((0, 0)))
    cdef double[:, ::1] S = _symmetric_from_lower(a)
    cdef double[::1] d = np.empty(n)
    cdef double[::1] e = np.zeros(max(n - 1, 1))
    cdef double[::1] tau = np.zeros(max(n - 1, 1))
    cdef double[:, ::1] VT = np.zeros((NB, n))
    cdef double[:, ::1] WT = np.zeros((NB, n))
    cdef double[::1] tmp = np.zeros(max(2 * n, NB))
    cdef double[:, ::1] T = np.zeros((NB, NB))
    Qa = np.empty((n, n))
    cdef double[:, ::1] Q = Qa
    with nogil:
        _sytrd(n, &S[0, 0], n, &d[0], &e[0], &tau[0], &VT[0, 0], &WT[0, 0], &tmp[0])
        _orgtr(n, &S[0, 0], n, &tau[0], &Q[0, 0], n, &VT[0, 0], &T[0, 0], &WT[0, 0],
               &tmp[0])
    Tm = np.diag(np.asarray(d))
    if n > 1:
        off = np.asarray(e)[:n - 1]
        Tm += np.diag(off, 1) + np.diag(off, -1)
    return asmatrix(Tm), asmatrix(Qa)

# cython: language_level=3
"""_eigh.pyx: the symmetric eigenproblem: eigh, eigvalsh, tridiagonalize.

A = Q T Q^T (Householder tridiagonalisation, blocked as LAPACK dsytrd/dlatrd), then the
tridiagonal T = Z diag(w) Z^T by divide and conquer (vectors, n > 32), by the implicit
QR algorithm with Wilkinson shifts (vectors, small n and the divide-and-conquer leaves)
or by the root-free QL iteration (eigenvalues only); V = Q Z by applying the blocked
reflectors to Z (dormtr; Q itself is never formed: ``tridiagonalize`` forms it).

All of it is one ``cdef nogil`` driver, ``syevd``, working on caller-provided memory
(its size from ``syevd_work_size``): the 2-D eigh / eigvalsh allocate it once per call,
the stacked driver (_stacked.pyx) once per thread for the whole stack and runs syevd in
one prange loop. Stacks of small matrices (order <= 16) use instead the cyclic Jacobi
kernel ``jacobi_eigh`` at the end of this file (GVL4 Alg. 8.5.3 in the round-robin
ordering of Sec. 8.5.5, Rutishauser's rotation formulas): no workspace, and faster than
syevd up to order ~16.

Threads (outside any parallel region; a matrix of a stack runs on one core): the
reduction's symmetric matrix-vector product (rows split in two, _symv) and its rank-2k
update (block rows over the threads, _syr2k_lower); divide and conquer's two halves of
each node of order >= DC_PAR_MIN, and the top merges' secular roots; the GEMMs of the
merges and of V = Q Z thread inside the GEMM. eigenvalues-only stays with the root-free
QL (dsterf) rather than MRRR (dstemr): O(n^2) and ~15% of eigvalsh at n = 1024, where the
memory-bound reduction is the rest; vectors by divide and conquer, whose merges are
GEMMs (MRRR's O(n^2) vectors would still pay the 2 n^3 of V = Q Z).

Every reflector used here (the tridiagonalisation's, and forming Q) is built by the
kernels of _householder.pyx; the rotations of the QR iteration too.

References
----------
[GVL4]   G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., 2013.
         Alg. 8.3.1 (Householder tridiagonalisation), Alg. 8.3.2 (implicit symmetric QR
         step with Wilkinson shift), Alg. 8.3.3 (symmetric QR algorithm), Sec. 8.4
         (divide and conquer).
[LAPACK] E. Anderson et al., *LAPACK Users' Guide*, 3rd ed., 1999. The routines mirrored
         here: dsytrd/dlatrd (blocked tridiagonalisation), dorgtr (forming Q),
         dsteqr/dsterf (tridiagonal QR, root-free QL), dstedc/dlaed0-4 (divide and
         conquer, the deflation rules of dlaed2), dsyev/dsyevd (the drivers).
[DSH89]  J. J. Dongarra, D. C. Sorensen, S. J. Hammarling, "Block reduction of matrices
         to condensed forms for eigenvalue computations", J. Comput. Appl. Math. 27
         (1989) 215-227 (the panel idea of dlatrd: V and W of A - V W^T - W V^T).
[Cup81]  J. J. M. Cuppen, "A divide and conquer method for the symmetric tridiagonal
         eigenproblem", Numer. Math. 36 (1981) 177-195.
[GE95]   M. Gu and S. C. Eisenstat, "A divide-and-conquer algorithm for the symmetric
         tridiagonal eigenproblem", SIAM J. Matrix Anal. Appl. 16 (1995) 172-191 (the
         recomputed z that keeps the eigenvectors orthogonal).
[Rut66]  H. Rutishauser, "The Jacobi method for real symmetric matrices", Numer. Math. 9
         (1966) 1-10 (the stable update formulas of jacobi_eigh).
[DV92]   J. Demmel and K. Veselic, "Jacobi's method is more accurate than QR", SIAM J.
         Matrix Anal. Appl. 13 (1992) 1204-1245 (the relative skip criterion).
[Li93]   R.-C. Li, "Solving secular equations stably and efficiently", LAPACK Working
         Note 89, 1993 (the two-pole rational model of _secular_root, as dlaed4).

Storage is row-major (element (i, j) of X at X[i * ldx + j]): reflectors are stored as
*rows*; the rotations of the QR iteration are applied to the rows of V^T, so every inner
loop runs over contiguous memory, with one transpose to the returned column layout at
the end.
"""
import numpy as np

from libc.math cimport fabs, sqrt, hypot, copysign, frexp, ldexp
from libc.string cimport memset, memcpy

from rusty_machine.linalg._floating cimport (floating, FLT_EPSILON, FLT_MIN, FLT_MAX,
                                             DBL_EPSILON, DBL_MIN, DBL_MAX)
from rusty_machine.linalg.blas cimport (xgemm, xgemv, xdot, xaxpy, xscal, xnrm2, xswap,
                                        get_num_threads, in_parallel)
from cython.parallel cimport prange, threadid
from rusty_machine.linalg._householder cimport (house, rot_rows, rot_strided, orgtr,
                                                org_work_size, ormtr_left)
from rusty_machine.exceptions import LinAlgError
from rusty_machine.linalg.matrix import asmatrix, asvector
from rusty_machine.linalg._checks import symmetric_from_lower as _symmetric_from_lower
from rusty_machine.linalg._checks cimport input_matrix
from rusty_machine.linalg.matrix cimport Matrix

# ---- the symmetric matrix-vector product of the tridiagonalisation ----------------
# Half of dsytrd's work is y = A v with the trailing symmetric block, memory bound:
# reading only the lower triangle halves the traffic. One pass over each row i of the
# lower triangle does both halves of the product: y_i += a_i[:i] . x[:i] (a dot
# product, so explicit 4-lane accumulators: gcc would not reassociate a scalar sum) and
# y[:i] += x_i a_i[:i]. The loop is C (csrc/rm_vec_impl.h, rm_symv_lower), compiled per
# instruction set and chosen at load time by the same CPU dispatch as the GEMM kernels.
from rusty_machine.linalg._csrc cimport rm_symv_lower, rm_ssymv_lower

# ---- the per-dtype constants (issue 13: one source for float32 and float64) ---------
# Every kernel below is fused over `floating` (float32 and float64 instances) and takes
# its constants from this table with `if floating is float:`, never from a literal in a
# loop. eps and the safe minimum are _floating.pxd's (LAPACK's slamch / dlamch 'E'
# times 2 and 'S', numpy's finfo(dtype).eps and .tiny): every convergence and deflation
# test (dsteqr's, dsterf's, dlaed2's, dlaed4's, Jacobi's) is in the input's own epsilon,
# as LAPACK's single-precision routines (ssteqr, ssterf, slaed2, slaed4) are.
#   HYP_LO, HYP_HI  the range where sqrt(x^2 + y^2) needs no scaling (_hyp): squares
#                   safely above the safe minimum and below the largest number
#   RMIN, RMAX      syevd scales A by 1 / max|a_ij| when that lies outside [RMIN, RMAX]
#                   (dsyev's rmin = sqrt(safmin / eps), rmax = 1 / rmin, here taken a
#                   little inside of 1e-146 and 3e-16 for the two types), so that the
#                   squares of the root-free QL (e_i^2, gamma^2 ~ (n max|a|)^2) neither
#                   overflow nor underflow
cdef inline floating _eps(floating x) noexcept nogil:
    if floating is float:
        return FLT_EPSILON
    else:
        return DBL_EPSILON


cdef inline floating _safmin(floating x) noexcept nogil:
    if floating is float:
        return FLT_MIN
    else:
        return DBL_MIN


cdef inline floating _big(floating x) noexcept nogil:
    # the largest finite number: a larger |x| is infinity (or NaN fails x <= big)
    if floating is float:
        return FLT_MAX
    else:
        return DBL_MAX


cdef inline floating _hyp_lo(floating x) noexcept nogil:
    if floating is float:
        return 1e-36
    else:
        return 1e-290


cdef inline floating _hyp_hi(floating x) noexcept nogil:
    if floating is float:
        return 1e36
    else:
        return 1e290


cdef inline floating _rmin(floating x) noexcept nogil:
    if floating is float:
        return 1e-12
    else:
        return 1e-140

# block size of the blocked reductions (panel width)
cdef Py_ssize_t NB = 32
cdef Py_ssize_t SYR2K_ROWS = 128   # block rows of the lower-triangular rank-2k update
cdef Py_ssize_t SYR2K_PAR_WORK = 64 * 256 * 256   # m^2 k above which it is threaded
cdef Py_ssize_t SYMV_PAR_MIN = 256                # order above which symv is threaded
cdef Py_ssize_t DC_PAR_MIN = 256    # order of a D&C node whose halves / roots get threads
cdef Py_ssize_t ORM_PAR_MIN = 256   # order from which V = Q Z is split by columns
cdef Py_ssize_t NBQ = 128          # reflectors per block when applying Q to the eigenvectors
# iteration caps: CAP_FACTOR * n QR sweeps (LAPACK's 30 n); tests lower it to see the error
cdef Py_ssize_t CAP_FACTOR = 30


def _set_par_min(Py_ssize_t symv, Py_ssize_t dc, Py_ssize_t orm):
    """Set the orders from which the symv, the divide-and-conquer nodes and V = Q Z use
    two threads; returns the previous ones. For tests and measurements."""
    global SYMV_PAR_MIN, DC_PAR_MIN, ORM_PAR_MIN
    old = (SYMV_PAR_MIN, DC_PAR_MIN, ORM_PAR_MIN)
    SYMV_PAR_MIN, DC_PAR_MIN, ORM_PAR_MIN = symv, dc, orm
    return old


def _set_cap_factor(Py_ssize_t k):
    """Set the sweep-cap factor (caps are k * n); returns the previous one. For tests."""
    global CAP_FACTOR
    old = CAP_FACTOR
    CAP_FACTOR = k
    return old


# =================================================================================
# symmetric: tridiagonalisation (GVL4 Alg. 8.3.1, blocked as LAPACK dsytrd/dlatrd)
# =================================================================================
cdef void _sytrd(Py_ssize_t n,
                 floating* S, Py_ssize_t lds,   # INOUT full symmetric n x n; on exit row k
                                                #       holds v_k[1:] in S[k, k+2:]
                 floating* d,                   # OUT   n diagonal of T
                 floating* e,                   # OUT   n-1 off-diagonal of T
                 floating* tau,                 # OUT   n-1 reflector factors
                 floating* VWT,                 # work  3 NB x n: V^T, W^T, V^T again
                 floating* tmp) noexcept nogil:  # work  NB + n
    """A = Q T Q^T with Q = H_0 ... H_{n-2}, H_k = I - tau_k v_k v_k^T acting on
    rows/columns k+1..n-1 (GVL4 Alg. 8.3.1).

    Blocked like LAPACK dsytrd: within a panel of NB columns the trailing matrix is not
    updated; its current value is A - V W^T - W V^T (dlatrd [DSH89]), so each step does
    one matrix-vector product with the trailing block (its lower triangle), and the
    panel's update of the rest is a symmetric rank-2NB update of the lower triangle by
    GEMMs on block rows (_syr2k_lower). Only the lower triangle of S is kept current.

    The panel's V^T and W^T rows sit in VWT as [V^T; W^T; V^T] (nbk rows each), so
    that [V W] and [W V] are both a contiguous run of 2 nbk rows: the rank-2k update is
    then ONE GEMM of depth 2 nbk per block row, not two of depth nbk."""
    cdef Py_ssize_t k0, m, nbk, i, j, r, ldw = n
    cdef floating* VT
    cdef floating* WT
    cdef floating* A
    cdef floating* ri
    cdef floating* vt
    cdef floating* wt
    cdef floating t, alpha2
    if n == 1:
        d[0] = S[0]
        return
    k0 = 0
    while k0 < n - 1:
        m = n - k0
        nbk = min(NB, n - 1 - k0)
        A = S + k0 * lds + k0
        VT = VWT
        WT = VWT + nbk * ldw
        for i in range(nbk):
            ri = A + i * lds
            vt = VT + i * ldw
            wt = WT + i * ldw
            # only the lower triangle is kept up to date: copy column i (rows i..) over
            # the stale row i, which then holds the current row by symmetry
            for j in range(i + 1, m):
                ri[j] = A[j * lds + i]
            if i > 0:
                # row i of the current matrix:
                # a[i, i:] -= V[i, :i] W[i:, :i]^T + W[i, :i] V[i:, :i]^T
                xgemv(True, i, m - i, -1.0, WT + i, ldw, VT + i, ldw, 1.0, ri + i, 1)
                xgemv(True, i, m - i, -1.0, VT + i, ldw, WT + i, ldw, 1.0, ri + i, 1)
            d[k0 + i] = ri[i]
            # GVL4 Alg. 8.3.1 step: reflector annihilating a[i, i+2:]
            t = house(m - i - 1, ri + i + 1, ri + i + 2, 1)
            e[k0 + i] = ri[i + 1]
            tau[k0 + i] = t
            memset(vt, 0, m * sizeof(floating))
            memset(wt, 0, m * sizeof(floating))
            vt[i + 1] = 1.0
            if m - i - 2 > 0:
                memcpy(vt + i + 2, ri + i + 2, (m - i - 2) * sizeof(floating))
            if t == 0.0:
                continue
            r = m - i - 1
            # w = A22 @ v with A22 the trailing block as it was at the panel start
            # (symmetric: only its lower triangle is read)
            _symv(r, A + (i + 1) * lds + i + 1, lds, vt + i + 1, wt + i + 1, tmp + NB)
            if i > 0:
                # w -= V (W^T v) + W (V^T v)   (the panel's pending update, dlatrd)
                xgemv(False, i, r, 1.0, WT + i + 1, ldw, vt + i + 1, 1, 0.0, tmp, 1)
                xgemv(True, i, r, -1.0, VT + i + 1, ldw, tmp, 1, 1.0, wt + i + 1, 1)
                xgemv(False, i, r, 1.0, VT + i + 1, ldw, vt + i + 1, 1, 0.0, tmp, 1)
                xgemv(True, i, r, -1.0, WT + i + 1, ldw, tmp, 1, 1.0, wt + i + 1, 1)
            # p = tau w ; w = p - (tau/2)(p^T v) v   (GVL4 Alg. 8.3.1)
            xscal(r, t, wt + i + 1, 1)
            alpha2 = -0.5 * t * xdot(r, wt + i + 1, 1, vt + i + 1, 1)
            xaxpy(r, alpha2, vt + i + 1, 1, wt + i + 1, 1)
        # trailing update A22 -= V W^T + W V^T (LAPACK dsyr2k): [V W] [W V]^T
        memcpy(VWT + 2 * nbk * ldw, VT, nbk * ldw * sizeof(floating))
        _syr2k_lower(m - nbk, 2 * nbk, VWT + nbk, VWT + nbk * ldw + nbk, ldw,
                     A + nbk * lds + nbk, lds)
        k0 += nbk
    d[n - 1] = S[(n - 1) * lds + n - 1]


cdef inline void _symv_lower(Py_ssize_t r, const floating* A, Py_ssize_t lda,
                             const floating* x, floating* y) noexcept nogil:
    # y = A x from the lower triangle: the C loop of the type (csrc/rm_vec_impl.h)
    if floating is float:
        rm_ssymv_lower(r, A, lda, x, y)
    else:
        rm_symv_lower(r, A, lda, x, y)


cdef void _symv(Py_ssize_t r,
                const floating* A, Py_ssize_t lda,   # IN  r x r symmetric, lower triangle
                const floating* x,                   # IN  r
                floating* y,                         # OUT r: y = A x
                floating* ybuf) noexcept nogil:      # work r
    """y = A x reading the lower triangle once (rm_symv_lower). With two threads
    (outside any parallel region, r >= SYMV_PAR_MIN) the rows are split at s: thread 0
    takes the leading s x s triangle, thread 1 the trailing triangle and the rectangle
    A21 = A[s:, :s] both ways (y[s:] += A21 x[:s], ybuf = A21^T x[s:], added to y[:s]
    after). Thread 1 reads A21 twice, so s = 0.81 r balances the traffic:
    s^2 / 2 = (r - s)^2 / 2 + 2 s (r - s)."""
    cdef Py_ssize_t s, part
    if r < SYMV_PAR_MIN or in_parallel() or get_num_threads() < 2:
        _symv_lower(r, A, lda, x, y)
        return
    s = (r * 81) // 100
    for part in prange(2, num_threads=2, schedule="static"):
        if part == 0:
            _symv_lower(s, A, lda, x, y)
        else:
            _symv_lower(r - s, A + s * lda + s, lda, x + s, y + s)
            # y[s:] += A21 @ x[:s] ; ybuf = A21.T @ x[s:]
            xgemv(False, r - s, s, 1.0, A + s * lda, lda, x, 1, 1.0, y + s, 1)
            xgemv(True, r - s, s, 1.0, A + s * lda, lda, x + s, 1, 0.0, ybuf, 1)
    xaxpy(s, 1.0, ybuf, 1, y, 1)


cdef void _syr2k_lower(Py_ssize_t m, Py_ssize_t k,
                       const floating* XT,             # IN    k x m: X^T = [V W]^T
                       const floating* YT,             # IN    k x m: Y^T = [W V]^T
                       Py_ssize_t ldw,               # IN    row stride of XT and YT
                       floating* A, Py_ssize_t lda     # INOUT m x m, lower triangle
                       ) noexcept nogil:
    """A -= X Y^T on the lower triangle (with X = [V W], Y = [W V]: the rank-2k update
    A - V W^T - W V^T of dsyr2k): block rows of SYR2K_ROWS, each one GEMM up to and
    including its diagonal block (whose upper part is written too and never read).
    The block rows are independent: with threads (outside any parallel region) they are
    spread over them, widest first and dynamically (a block row's width grows with its
    index), each GEMM on one core."""
    cdef Py_ssize_t nblk = (m + SYR2K_ROWS - 1) // SYR2K_ROWS, b, r0, r1
    cdef int nt = 1
    if not in_parallel() and nblk > 1 and m * m * k >= SYR2K_PAR_WORK:
        nt = get_num_threads()
        if nt > nblk:
            nt = <int>nblk
    if nt > 1:
        for b in prange(nblk, num_threads=nt, schedule="dynamic"):
            r0 = (nblk - 1 - b) * SYR2K_ROWS
            r1 = min(r0 + SYR2K_ROWS, m)
            # A[r0:r1, :r1] -= X[r0:r1] Y[:r1]^T
            xgemm(True, False, r1 - r0, r1, k, -1.0, XT + r0, ldw, YT, ldw,
                  1.0, A + r0 * lda, lda)
    else:
        for b in range(nblk):
            r0 = b * SYR2K_ROWS
            r1 = min(r0 + SYR2K_ROWS, m)
            xgemm(True, False, r1 - r0, r1, k, -1.0, XT + r0, ldw, YT, ldw,
                  1.0, A + r0 * lda, lda)


# =================================================================================
# symmetric tridiagonal QR (GVL4 Alg. 8.3.2 / 8.3.3, LAPACK dsteqr)
# =================================================================================
cdef inline floating _hyp(floating x, floating y) noexcept nogil:
    """sqrt(x^2 + y^2) without harmful overflow or underflow, as LAPACK 3.10's dlartg
    does it: the plain square root when the sum of squares is safely inside the range
    (a square that underflows there is negligible beside the other), libm's hypot
    otherwise (and for NaN). hypot alone was 15% of a 64 x 64 eigh: glibc's is exact
    to half an ulp at ~40 cycles, where one ulp is all the rotations need."""
    cdef floating s = x * x + y * y
    if _hyp_lo(s) < s < _hyp_hi(s):
        return sqrt(s)
    return hypot(x, y)


cdef inline bint _negligible(floating e, floating da, floating db) noexcept nogil:
    # LAPACK dsteqr's test |e|^2 <= eps^2 |d_i d_{i+1}| + safmin (relative: keeps the
    # small eigenvalues of graded matrices accurate)
    cdef floating eps = _eps(e)
    return e * e <= (eps * eps) * fabs(da) * fabs(db) + _safmin(e)


cdef Py_ssize_t _steqr(Py_ssize_t n,
                       floating* d,                   # INOUT n: diagonal -> eigenvalues
                       floating* e,                   # INOUT n-1: off-diagonal -> destroyed
                       floating* X, Py_ssize_t ldx,   # INOUT rows rotated (V^T), or NULL
                       Py_ssize_t ncols,            # IN    row length of X
                       floating* cs) noexcept nogil:  # work  2n
    """Implicit symmetric QR with Wilkinson shifts (GVL4 Alg. 8.3.3).

    T = Z diag(d) Z^T; when X is given, X <- Z^T X (X = Q^T on entry gives V^T).
    Returns 0, or -1 when the cap of CAP_FACTOR * n sweeps was reached (caller raises)."""
    cdef Py_ssize_t maxit = CAP_FACTOR * n, it = 0, hi, lo, k
    cdef floating a, b, dd, delta, denom, mu, x, z, r, c, s, bulge
    cdef floating* sn = cs + n
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
            return -1
        it += 1
        # Wilkinson shift: eigenvalue of the trailing 2x2 closer to d[hi] (GVL4 8.3.2)
        a = d[hi - 1]
        b = e[hi - 1]
        dd = d[hi]
        delta = 0.5 * (a - dd)
        denom = delta + copysign(_hyp(delta, b), delta)
        mu = dd - b * (b / denom)
        # implicit QR step on T[lo:hi+1, lo:hi+1]: chase the bulge down
        x = d[lo] - mu
        z = e[lo]
        for k in range(lo, hi):
            # Givens [c s; -s c] [x; z] = [r; 0]  (GVL4 Alg. 5.1.3)
            r = _hyp(x, z)
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
                rot_rows(ncols, cs[k], sn[k], X + k * ldx, X + (k + 1) * ldx)
    return 0


cdef void _eig2x2(floating a, floating b, floating c, floating* rt1, floating* rt2) noexcept nogil:
    """Eigenvalues of the symmetric [a b; b c] without cancellation (LAPACK dlae2):
    the larger-magnitude one from the sum, the other from the determinant."""
    cdef floating sm = a + c, df = a - c, rt, acmx, acmn
    rt = _hyp(df, 2.0 * b)
    if fabs(a) > fabs(c):
        acmx = a
        acmn = c
    else:
        acmx = c
        acmn = a
    if sm < 0.0:
        rt1[0] = 0.5 * (sm - rt)
        rt2[0] = (acmx / rt1[0]) * acmn - (b / rt1[0]) * b
    elif sm > 0.0:
        rt1[0] = 0.5 * (sm + rt)
        rt2[0] = (acmx / rt1[0]) * acmn - (b / rt1[0]) * b
    else:
        rt1[0] = 0.5 * rt
        rt2[0] = -0.5 * rt


cdef Py_ssize_t _sterf(Py_ssize_t n,
                       floating* d,                     # INOUT diagonal -> eigenvalues (unsorted)
                       floating* e) noexcept nogil:     # INOUT off-diagonal -> destroyed
    """Eigenvalues only: the root-free implicit QL iteration of Pal, Walker and Kahan
    (Reinsch's formulation; LAPACK dsterf; GVL4 Sec. 8.3 notes). It works on the squares
    e_i^2 and needs no square root per rotation (one per sweep, for the shift), which
    makes eigvalsh's O(n^2) phase several times cheaper than the QR sweeps with
    rotations. Deflation from the top when e_l^2 <= eps^2 |d_l d_{l+1}|. Returns 0, or
    -1 at the cap of CAP_FACTOR * n sweeps."""
    cdef Py_ssize_t maxit = CAP_FACTOR * n, it = 0, lo, m, i
    cdef floating eps2 = _eps(d[0]) * _eps(d[0]), safmin = _safmin(d[0])
    cdef floating rte, sigma, r, c, s, gamma, p, bb, oldc, oldgam, alpha
    cdef floating ir, rp
    cdef floating rt1, rt2
    for i in range(n - 1):
        e[i] = e[i] * e[i]
    lo = 0
    while lo < n - 1:
        if e[lo] <= eps2 * fabs(d[lo] * d[lo + 1]) + safmin:
            e[lo] = 0.0
            lo += 1
            continue
        # the unreduced block lo..m
        m = lo + 1
        while m < n - 1:
            if e[m] <= eps2 * fabs(d[m] * d[m + 1]) + safmin:
                e[m] = 0.0
                break
            m += 1
        if m == lo + 1:
            # a 2x2 block: its eigenvalues directly
            _eig2x2(d[lo], sqrt(e[lo]), d[lo + 1], &rt1, &rt2)
            d[lo] = rt1
            d[lo + 1] = rt2
            e[lo] = 0.0
            lo += 2
            continue
        if it >= maxit:
            return -1
        it += 1
        # Wilkinson shift from the top 2x2 (the end this QL sweep converges)
        rte = sqrt(e[lo])
        sigma = (d[lo + 1] - d[lo]) / (2.0 * rte)
        r = _hyp(sigma, 1.0)
        sigma = d[lo] - rte / (sigma + copysign(r, sigma))
        # root-free QL sweep from the bottom of the block to its top
        c = 1.0
        s = 0.0
        gamma = d[m] - sigma
        p = gamma * gamma
        # (dsterf's step, with its two chained divisions c = p / r and
        # p' = gamma^2 / c regrouped as ir = 1 / r and rp = r / p, which do not wait
        # for each other: gamma^2 / c = gamma (gamma rp). One division latency per step
        # on the dependent chain instead of two; the loop is latency bound, and it was
        # half of a 64 x 64 eigvalsh)
        for i in range(m - 1, lo - 1, -1):
            bb = e[i]
            r = p + bb
            if i != m - 1:
                e[i + 1] = s * r
            ir = 1.0 / r
            rp = r / p if p != 0.0 else 0.0
            oldc = c
            c = p * ir
            s = bb * ir
            oldgam = gamma
            alpha = d[i]
            gamma = c * (alpha - sigma) - s * oldgam
            d[i + 1] = oldgam + (alpha - gamma)
            if c != 0.0:
                p = gamma * (gamma * rp)
            else:
                p = oldc * bb
        e[lo] = s * p
        d[lo] = sigma + gamma
    return 0


cdef void _sort_ascending(Py_ssize_t n, floating* d, floating* X, Py_ssize_t ldx,
                          Py_ssize_t ncols) noexcept nogil:
    """Selection sort of d, swapping the rows of X alongside (LAPACK dsteqr's end)."""
    cdef Py_ssize_t i, j, jmin
    cdef floating t
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
                xswap(ncols, X + i * ldx, 1, X + jmin * ldx, 1)


# =================================================================================
# symmetric tridiagonal divide and conquer (Cuppen; Gu-Eisenstat; LAPACK dstedc/dlaed*)
# =================================================================================
cdef Py_ssize_t DC_LEAF = 32


cdef floating _secular_root(Py_ssize_t K, Py_ssize_t i,
                            const floating* dl,     # IN K poles (ascending)
                            const floating* zeta,   # IN K weights
                            floating rho, floating zsq,                 # IN rho > 0, sum zeta^2
                            floating* delta,                          # work K
                            Py_ssize_t* origin) noexcept nogil:     # OUT the pole mu is relative to
    """Root mu_i of f(mu) = 1 + rho sum_j zeta_j^2 / (d_j - mu) in (d_i, d_{i+1})
    (the last in (d_{K-1}, d_{K-1} + rho |zeta|^2)), returned as tau with
    mu = d[origin] + tau and origin the nearer pole, so that every difference
    d_j - mu = (d_j - d_origin) - tau is computed without cancellation [GE95].
    f is increasing between its poles. Each step fits f near tau by the two-pole
    rational model c0 + s1 / (delta_i - x) + s2 / (delta_{i+1} - x) (the poles beside
    the root, weights and constant matching the values and derivatives of the left
    and right partial sums: the "middle way" of [Li93], as dlaed4 uses it), whose root
    solves a quadratic; that step converges quadratically
    where Newton on f crawls next to a pole. The steps are kept inside a shrinking
    bracket: Newton when the model's root leaves it, bisection when Newton does too
    (at most 200 steps)."""
    cdef Py_ssize_t j, org
    cdef floating a, b, tau, f, fp, t, q, absum, tn, mid, gap
    cdef floating eps = _eps(rho)
    cdef floating psi, dpsi, phi, dphi, c0, s1, s2, ql, qr, qa, qb, qc, disc, qq, r1, r2
    if i < K - 1:
        gap = dl[i + 1] - dl[i]
        mid = 0.5 * gap
        f = 1.0
        for j in range(K):
            f += rho * zeta[j] * zeta[j] / ((dl[j] - dl[i]) - mid)
        if f >= 0.0:
            org = i
            a = 0.0
            b = mid
        else:
            org = i + 1
            a = -mid
            b = 0.0
    else:
        org = K - 1
        a = 0.0
        b = rho * zsq
    origin[0] = org
    for j in range(K):
        delta[j] = dl[j] - dl[org]
    tau = 0.5 * (a + b)
    for _ in range(200):
        # f = 1 + psi + phi: psi the poles j <= i (left of the root), phi the rest
        psi = 0.0
        dpsi = 0.0
        phi = 0.0
        dphi = 0.0
        absum = 1.0
        for j in range(i + 1):
            t = 1.0 / (delta[j] - tau)
            q = rho * zeta[j] * zeta[j] * t
            psi += q
            dpsi += q * t
            absum += fabs(q)
        for j in range(i + 1, K):
            t = 1.0 / (delta[j] - tau)
            q = rho * zeta[j] * zeta[j] * t
            phi += q
            dphi += q * t
            absum += fabs(q)
        f = 1.0 + psi + phi
        fp = dpsi + dphi
        if f == 0.0:
            break
        if f < 0.0:
            a = tau
        else:
            b = tau
        if fabs(f) <= 4.0 * eps * absum or b - a <= 2.0 * eps * max(fabs(a), fabs(b)):
            break
        # the two-pole model (Li's middle way): psi ~ psi - dpsi ql + s1 / (ql + tau - x),
        # ql = delta_i - tau, s1 = dpsi ql^2; phi likewise at delta_{i+1} (or constant
        # for the last root); its root x from c0 (dl - x)(dr - x) + s1 (dr - x)
        # + s2 (dl - x) = 0, solved without cancellation
        tn = a - 1.0                     # "no model step"
        ql = delta[i] - tau
        s1 = dpsi * ql * ql
        if i < K - 1:
            qr = delta[i + 1] - tau
            s2 = dphi * qr * qr
            c0 = 1.0 + (psi - dpsi * ql) + (phi - dphi * qr)
            # in y = x - tau: c0 y^2 - (c0 (ql + qr) + s1 + s2) y + c0 ql qr + s1 qr + s2 ql
            qa = c0
            qb = c0 * (ql + qr) + s1 + s2
            qc = c0 * ql * qr + s1 * qr + s2 * ql
            disc = qb * qb - 4.0 * qa * qc
            if disc >= 0.0:
                qq = 0.5 * (qb + copysign(sqrt(disc), qb))
                if qq != 0.0:
                    r2 = qc / qq
                    tn = tau + r2
                    if qa != 0.0 and not (a < tn < b):
                        r1 = qq / qa
                        tn = tau + r1
        else:
            c0 = 1.0 + (psi - dpsi * ql) + phi
            if c0 != 0.0:
                tn = tau + ql + s1 / c0
        if not (a < tn < b):
            tn = tau - f / fp
        if not (a < tn < b):
            tn = 0.5 * (a + b)
        if tn == tau:
            break
        tau = tn
    return tau


cdef floating _zhat_entry(Py_ssize_t K, Py_ssize_t j,
                          const floating* dk,          # IN K poles
                          const floating* tau,         # IN K roots, relative to their origins
                          const Py_ssize_t* org,     # IN K origins
                          floating rho, floating zj) noexcept nogil:
    """Entry j of the Gu-Eisenstat z [GE95] (LAPACK dlaed3's product formula):
    zhat_j^2 = (lam_K - d_j) / rho * prod_{i<j} (lam_i - d_j) / (d_i - d_j)
    * prod_{j<=i<K-1} (lam_i - d_j) / (d_{i+1} - d_j), with sign(z_j).

    The product runs in double for both types: its first K factors are below 1 and
    the rest above, so for float32 the partial products of a matrix with tiny
    eigenvalues (a graded one) leave float32's range long before the product does
    (for float64 the casts are no-ops)."""
    cdef Py_ssize_t i
    cdef double p = ((<double>dk[org[K - 1]] - dk[j]) + tau[K - 1]) / rho
    for i in range(j):
        p *= ((<double>dk[org[i]] - dk[j]) + tau[i]) / (<double>dk[i] - dk[j])
    for i in range(j, K - 1):
        p *= ((<double>dk[org[i]] - dk[j]) + tau[i]) / (<double>dk[i + 1] - dk[j])
    return copysign(sqrt(fabs(p)), zj)


cdef void _sort_keyed(Py_ssize_t m,
                      floating* key,               # INOUT m: sorted ascending
                      Py_ssize_t* idx            # INOUT m: permuted alongside key
                      ) noexcept nogil:
    """Stable insertion sort of key ascending, carrying idx along (the orderings of
    Cuppen's merge: poles before deflation, eigenvalues at the end)."""
    cdef Py_ssize_t i, j, r
    cdef floating t
    for i in range(1, m):
        t = key[i]
        r = idx[i]
        j = i - 1
        while j >= 0 and key[j] > t:
            key[j + 1] = key[j]
            idx[j + 1] = idx[j]
            j -= 1
        key[j + 1] = t
        idx[j + 1] = r


cdef int _dc_merge(Py_ssize_t m, Py_ssize_t k, floating beta,
                   floating* d,                   # INOUT m: eigenvalues of the two halves ->
                                                  #       of the merged problem, ascending
                   floating* Z, Py_ssize_t ldz,   # INOUT m x m: diag(Z1, Z2) -> eigenvectors
                   floating* work,                # work  12 m
                   Py_ssize_t* iwork,           # work  4 m
                   floating* mbuf) noexcept nogil:   # work  2 m^2 (U and the GEMM's result)
    """One merge of Cuppen's divide and conquer: T = diag(T1, T2) + beta v v^T with
    T_i = Z_i D_i Z_i^T gives T = Q (D + rho z z^T) Q^T, Q = diag(Z1, Z2),
    z = Q^T v / |Q^T v|. Deflation of negligible z_i and of close pairs by a rotation
    (LAPACK dlaed2), the secular equation for the rest, the Gu-Eisenstat recomputation
    of z from the computed roots so that the vectors come out orthogonal [GE95], and
    the new eigenvectors Q U by one GEMM on the kept columns (permuted to the front of
    Z in place; U and the product in mbuf, K^2 + m K <= 2 m^2). Returns 0."""
    cdef floating* z = work
    cdef floating* dd = work + m
    cdef floating* zz = work + 2 * m
    cdef floating* lam = work + 3 * m
    cdef floating* tau = work + 4 * m
    cdef floating* dk = work + 5 * m
    cdef floating* zk = work + 6 * m
    cdef floating* zhat = work + 7 * m
    cdef floating* tmp = work + 8 * m
    cdef floating* keyv = work + 9 * m
    cdef Py_ssize_t* colv = iwork            # Z column of sorted entry i
    cdef Py_ssize_t* kept = iwork + m
    cdef Py_ssize_t* defl = iwork + 2 * m
    cdef Py_ssize_t* org = iwork + 3 * m
    cdef Py_ssize_t* ordv = iwork + m        # column orders; overwrites `kept` as it reads it
    cdef Py_ssize_t i, j, K = 0, nd = 0, last = -1
    cdef int ex = 0
    cdef int npar
    cdef floating nrm, rho, sg, tol, dmax, c, s, hyp, t, zsq, a0, b0
    cdef floating* U = mbuf
    cdef floating* Znew = mbuf + m * m
    cdef floating* rowtmp = work + 10 * m
    # z = [last row of Z1, first row of Z2]
    for j in range(k):
        z[j] = Z[(k - 1) * ldz + j]
    for j in range(k, m):
        z[j] = Z[k * ldz + j]
    nrm = xnrm2(m, z, 1)
    for j in range(m):
        z[j] /= nrm
    rho = beta * nrm * nrm
    # a negative rho: solve -(D + rho z z^T) = (-D) + |rho| z z^T and negate back
    sg = 1.0 if rho >= 0.0 else -1.0
    rho = fabs(rho)
    # sort the poles sg*d ascending (insertion sort on a copy; colv = permutation)
    for i in range(m):
        colv[i] = i
        keyv[i] = sg * d[i]
    _sort_keyed(m, keyv, colv)
    dmax = 0.0
    for i in range(m):
        dd[i] = keyv[i]
        zz[i] = z[colv[i]]
        dmax = max(dmax, fabs(dd[i]))
    if floating is float:
        # float32: a merge at the graded end of a matrix has poles and rho all tiny
        # (1e-30 of ||T||), where the pole gaps, the tolerance and the secular
        # function's terms fall among float32's subnormals and lose their digits.
        # Solve it scaled by 2^-ex, max(|D|, rho) = m 2^ex (exact: same eigenvectors,
        # eigenvalues scaled back at the end); float64's range makes this moot.
        frexp(max(dmax, rho), &ex)
        if ex < -8:
            for i in range(m):
                dd[i] = ldexp(dd[i], -ex)
            rho = ldexp(rho, -ex)
            dmax = ldexp(dmax, -ex)
        else:
            ex = 0
    # deflation tolerance (LAPACK dlaed2): 8 eps max(|D|, rho)
    tol = 8.0 * _eps(rho) * max(dmax, rho)
    for i in range(m):
        if rho * fabs(zz[i]) <= tol:
            defl[nd] = i
            nd += 1
            continue
        if last >= 0:
            hyp = _hyp(zz[last], zz[i])
            c = zz[i] / hyp
            s = -zz[last] / hyp
            t = dd[i] - dd[last]
            if fabs(t * c * s) <= tol:
                # close poles: rotate columns (last, i) so that z_last becomes zero
                # q_last <- c q_last + s q_i ; q_i <- -s q_last + c q_i
                rot_strided(m, c, s, Z + colv[last], ldz, Z + colv[i], ldz)
                a0 = dd[last]
                b0 = dd[i]
                dd[last] = c * c * a0 + s * s * b0
                dd[i] = s * s * a0 + c * c * b0
                zz[i] = hyp
                zz[last] = 0.0
                K -= 1
                defl[nd] = last
                nd += 1
        kept[K] = i
        K += 1
        last = i
    if K > 0:
        zsq = 0.0
        for j in range(K):
            dk[j] = dd[kept[j]]
            zk[j] = zz[kept[j]]
            zsq += zk[j] * zk[j]
        # the secular equation, root by root; the roots are independent, and so are
        # the entries of zhat and the rows of U below: O(K^2) each, spread over two
        # threads for a large merge outside any parallel region (the top merges of a
        # large matrix), each thread with its own delta array (work + 8m, work + 11m)
        npar = 2 if (K >= DC_PAR_MIN and not in_parallel() and get_num_threads() >= 2) \
            else 1
        for i in prange(K, num_threads=npar, schedule="dynamic", chunksize=8):
            tau[i] = _secular_root(K, i, dk, zk, rho, zsq,
                                   tmp if threadid() == 0 else tmp + 3 * m, &org[i])
            lam[i] = dk[org[i]] + tau[i]
        # Gu-Eisenstat: the z whose rank-one update has exactly these eigenvalues
        for j in prange(K, num_threads=npar, schedule="static"):
            zhat[j] = _zhat_entry(K, j, dk, tau, org, rho, zk[j])
        # eigenvectors of D + rho zhat zhat^T: u_i = (zhat_j / (d_j - lam_i))_j,
        # normalised; row by row (contiguous), the column norms summed alongside in
        # keyv (free here). float64: the entries are O(1 / eps) relative to the
        # smallest pole gaps, far from overflow in the squares. float32: a root and
        # its pole of a graded matrix's tiny eigenvalues may lie float32 spacing
        # apart (1e-25 of ||T||), entries beyond 1e19 whose squares overflow float32
        # and would zero their column (LAPACK slaed3 avoids it with snrm2's
        # scaling): there the entries and the norms are formed in double (in
        # work[10m:12m], free now), then rounded once
        if floating is float:
            _merge_vectors_f32(K, zhat, dk, tau, org, U, <double*>(work + 10 * m))
        else:
            memset(keyv, 0, K * sizeof(floating))
            for j in range(K):
                for i in range(K):
                    t = zhat[j] / ((dk[j] - dk[org[i]]) - tau[i])
                    U[j * K + i] = t
                    keyv[i] += t * t
            for i in range(K):
                keyv[i] = 1.0 / sqrt(keyv[i])
            for j in range(K):
                for i in range(K):
                    U[j * K + i] *= keyv[i]
    # permute the columns of Z in place: the kept ones first, then the deflated ones
    for j in range(K):
        ordv[j] = colv[kept[j]]
    for i in range(nd):
        ordv[K + i] = colv[defl[i]]
    _permute_columns(m, Z, ldz, ordv, rowtmp)
    if K > 0:
        # Z[:, :K] = Z[:, :K] @ U  (the merge's GEMM)
        xgemm(False, False, m, K, K, 1.0, Z, ldz, U, K, 0.0, Znew, K)
        for j in range(m):
            memcpy(Z + j * ldz, Znew + j * K, K * sizeof(floating))
    # sort the eigenvalues ascending in the original sign, the columns alongside
    for i in range(K):
        keyv[i] = sg * lam[i]
        ordv[i] = i
    for i in range(nd):
        keyv[K + i] = sg * dd[defl[i]]
        ordv[K + i] = K + i
    if ex != 0:                         # float32's scaled merge: back to T's scale
        for i in range(m):
            keyv[i] = ldexp(keyv[i], ex)
    _sort_keyed(m, keyv, ordv)
    _permute_columns(m, Z, ldz, ordv, rowtmp)
    for i in range(m):
        d[i] = keyv[i]
    return 0


cdef void _merge_vectors_f32(Py_ssize_t K,
                             const float* zhat,         # IN  K: the Gu-Eisenstat z
                             const float* dk,           # IN  K poles
                             const float* tau,          # IN  K roots, relative to origins
                             const Py_ssize_t* org,     # IN  K origins
                             float* U,                  # OUT K x K: the unit columns u_i
                             double* nrm) noexcept nogil:   # work K doubles
    """_dc_merge's eigenvectors u_i = (zhat_j / (d_j - lam_i))_j / ||.|| for float32:
    each entry formed in double (it may pass the largest float32, its square surely
    can), the column norms summed in double, the unit entries rounded to float32.
    Two passes over the K x K entries (the divisions done twice) instead of storing
    them in double: no extra workspace beyond K doubles."""
    cdef Py_ssize_t i, j
    cdef double t
    memset(nrm, 0, K * sizeof(double))
    for j in range(K):
        for i in range(K):
            t = <double>zhat[j] / ((<double>dk[j] - <double>dk[org[i]]) - <double>tau[i])
            nrm[i] += t * t
    for i in range(K):
        nrm[i] = 1.0 / sqrt(nrm[i])
    for j in range(K):
        for i in range(K):
            t = <double>zhat[j] / ((<double>dk[j] - <double>dk[org[i]]) - <double>tau[i])
            U[j * K + i] = <float>(t * nrm[i])


cdef void _permute_columns(Py_ssize_t m,
                           floating* Z, Py_ssize_t ldz,        # INOUT m x m
                           const Py_ssize_t* src,            # IN    new column j = old src[j]
                           floating* rowtmp) noexcept nogil:   # work  m
    """Z[:, j] <- Z[:, src[j]] for all j, row by row through one temporary row."""
    cdef Py_ssize_t r, j
    for r in range(m):
        for j in range(m):
            rowtmp[j] = Z[r * ldz + src[j]]
        memcpy(Z + r * ldz, rowtmp, m * sizeof(floating))


cdef Py_ssize_t _steqr_vectors(Py_ssize_t m,
                               floating* d, floating* e,           # INOUT m, m-1 (e destroyed)
                               floating* Z, Py_ssize_t ldz,      # OUT   m x m eigenvectors
                               floating* cs) noexcept nogil:     # work  2m
    """T = Z diag(d) Z^T by the implicit QR algorithm (GVL4 Alg. 8.3.3), d ascending:
    Z^T = I rotated in place by the sweeps (rows: contiguous), sorted, transposed.
    Returns 0, or -1 at the sweep cap."""
    cdef Py_ssize_t i, j, status
    cdef floating t
    for i in range(m):
        memset(Z + i * ldz, 0, m * sizeof(floating))
        Z[i * ldz + i] = 1.0
    status = _steqr(m, d, e, Z, ldz, m, cs)
    if status:
        return status
    _sort_ascending(m, d, Z, ldz, m)
    for i in range(m):
        for j in range(i + 1, m):
            t = Z[i * ldz + j]
            Z[i * ldz + j] = Z[j * ldz + i]
            Z[j * ldz + i] = t
    return 0


cdef Py_ssize_t _stedc(Py_ssize_t m,
                       floating* d, floating* e,           # INOUT m, m-1 (e destroyed)
                       floating* Z, Py_ssize_t ldz,      # OUT   m x m eigenvectors (columns)
                       floating* work,                   # work  12 m
                       Py_ssize_t* iwork,              # work  4 m
                       floating* mbuf) noexcept nogil:   # work  2 m^2
    """Eigen-decomposition of a symmetric tridiagonal matrix by divide and conquer
    (Cuppen 1981; LAPACK dstedc): split T at the middle by a rank-one tear, solve the
    halves recursively, merge (_dc_merge). Leaves of at most DC_LEAF rows use the
    implicit QR algorithm. Returns 0, or -1 (a QR leaf reached its sweep cap)."""
    cdef Py_ssize_t i, k, status, half
    cdef Py_ssize_t st[2]
    cdef floating beta
    if m <= DC_LEAF:
        return _steqr_vectors(m, d, e, Z, ldz, work)
    k = m // 2
    beta = e[k - 1]
    # the tear: T = diag(T1 - beta e_k e_k^T, T2 - beta e_1 e_1^T) + beta v v^T
    d[k - 1] -= beta
    d[k] -= beta
    for i in range(k):
        memset(Z + i * ldz + k, 0, (m - k) * sizeof(floating))
    for i in range(k, m):
        memset(Z + i * ldz, 0, k * sizeof(floating))
    if m >= DC_PAR_MIN and not in_parallel() and get_num_threads() >= 2:
        # the halves are independent: one per thread, each on its own part of the
        # workspace (12 k + 12 (m - k) = 12 m, 2 k^2 + 2 (m - k)^2 <= 2 m^2), their
        # merges and GEMMs single-threaded inside; the merge below uses both again
        st[0] = 0
        st[1] = 0
        for half in prange(2, num_threads=2, schedule="static"):
            if half == 0:
                st[0] = _stedc(k, d, e, Z, ldz, work, iwork, mbuf)
            else:
                st[1] = _stedc(m - k, d + k, e + k, Z + k * ldz + k, ldz, work + 12 * k,
                               iwork + 4 * k, mbuf + 2 * k * k)
        if st[0] or st[1]:
            return -1
    else:
        status = _stedc(k, d, e, Z, ldz, work, iwork, mbuf)
        if status:
            return status
        status = _stedc(m - k, d + k, e + k, Z + k * ldz + k, ldz, work, iwork, mbuf)
        if status:
            return status
    return _dc_merge(m, k, beta, d, Z, ldz, work, iwork, mbuf)


# =================================================================================
# the driver: dsyev / dsyevd on caller-provided workspace
# =================================================================================
_USE_DC = True      # eigh's tridiagonal solver: divide and conquer (else QR); for tests


cdef inline Py_ssize_t _nbq(Py_ssize_t n) noexcept nogil:
    # reflectors per block of V = Q Z: NBQ, but 32 for small n (the workspace of a
    # matrix of a stack then stays in L2: 57 KB at n = 64 against 460 KB)
    return NBQ if n > 256 else 32


cdef void _ormtr_cols(Py_ssize_t n, const floating* A, Py_ssize_t lda, const floating* tau,
                      floating* V, Py_ssize_t ldv, floating* work) noexcept nogil:
    """V <- Q V (ormtr_left). With two threads (outside any parallel region, n >=
    ORM_PAR_MIN) the columns of V are split in two halves, one per thread, each with
    its own workspace and single-threaded GEMMs (Q V[:, :h] and Q V[:, h:] are
    independent); the few reflector blocks (larft) are formed twice, O(n^2 nb)."""
    cdef Py_ssize_t h = (n + 1) // 2, nbq = _nbq(n), lwo, part
    if n < ORM_PAR_MIN or in_parallel() or get_num_threads() < 2:
        ormtr_left(n, A, lda, tau, V, ldv, n, nbq, work)
        return
    lwo = org_work_size(n, h, nbq)
    for part in prange(2, num_threads=2, schedule="static"):
        if part == 0:
            ormtr_left(n, A, lda, tau, V, ldv, h, nbq, work)
        else:
            ormtr_left(n, A, lda, tau, V + h, ldv, n - h, nbq, work + lwo)


cdef Py_ssize_t syevd_work_size(Py_ssize_t n, bint want_vectors) noexcept nogil:
    cdef Py_ssize_t lw = 3 * NB * n + NB + n               # _sytrd's panels
    if want_vectors:
        lw = max(lw, 12 * n + 2 * n * n)                  # _stedc (and _steqr's 2n)
        lw = max(lw, org_work_size(n, n, _nbq(n)))        # ormtr_left
        if n >= ORM_PAR_MIN:                              # two column halves
            lw = max(lw, 2 * org_work_size(n, (n + 1) // 2, _nbq(n)))
    return 2 * n + lw + 1


cdef Py_ssize_t syevd_iwork_size(Py_ssize_t n) noexcept nogil:
    return 4 * n + 1


cdef int syevd(Py_ssize_t n,
               floating* A, Py_ssize_t lda,      # INOUT n x n, lower triangle read; destroyed
               floating* w,                      # OUT   n eigenvalues, ascending
               floating* V, Py_ssize_t ldv,      # OUT   n x n eigenvectors as columns (or
                                                 #       unused when not want_vectors)
               bint want_vectors,
               bint use_dc,                    # IN    divide and conquer (else QR) for Z
               floating* work,                   # work  syevd_work_size(n, want_vectors)
               Py_ssize_t* iwork               # work  syevd_iwork_size(n)
               ) noexcept nogil:
    """The symmetric eigenproblem A = V diag(w) V^T of one matrix, nothing allocated
    (LAPACK dsyevd's steps; the one-matrix eigh/eigvalsh and every matrix of order
    > 16 of a stack run this):

    1. one pass over the lower triangle: NaN/inf check and max |a_ij|; scale into the
       safe range when that is tiny or huge (dsyev's rmin/rmax guard), by the power of
       two 2^-ex with max |a_ij| = m 2^ex, 0.5 <= m < 1 (exact, and 2^-ex is never
       formed: for a subnormal max it would overflow, as 1 / max would);
    2. A = Q T Q^T (_sytrd, GVL4 Alg. 8.3.1 blocked as dsytrd/dlatrd), reading and
       updating only the lower triangle; Q stays as reflectors in A's upper triangle;
    3. eigenvalues only: root-free QL (_sterf, dsterf); vectors: T = Z diag(w) Z^T by
       divide and conquer (_stedc, dstedc; the implicit QR algorithm for n <= DC_LEAF
       or without use_dc) on T / ||T||_max, Z written into V, then V = Q Z (dormtr).

    Returns 0; -1 (nothing computed) when the lower triangle holds NaN or infinity;
    1 when the tridiagonal QR / QL iteration reached its cap of CAP_FACTOR * n sweeps;
    2 when a divide-and-conquer leaf reached its cap (CAP_FACTOR * DC_LEAF)."""
    cdef Py_ssize_t i, j, status
    cdef floating amax = 0.0, x, tnorm = 0.0
    cdef floating big = _big(amax)
    cdef int ex = 0
    cdef floating* e = work
    cdef floating* tau = work + n
    cdef floating* rest = work + 2 * n
    for i in range(n):
        for j in range(i + 1):
            x = fabs(A[i * lda + j])
            if not x <= big:                    # NaN or infinity
                return -1
            if x > amax:
                amax = x
    if amax == 0.0:
        memset(w, 0, n * sizeof(floating))
        if want_vectors:
            for i in range(n):
                memset(V + i * ldv, 0, n * sizeof(floating))
                V[i * ldv + i] = 1.0
        return 0
    if amax < _rmin(amax) or amax > 1.0 / _rmin(amax):
        frexp(amax, &ex)
        for i in range(n):
            for j in range(i + 1):
                A[i * lda + j] = ldexp(A[i * lda + j], -ex)
    # 2. the reduction (d of T lands in w)
    _sytrd(n, A, lda, w, e, tau, rest, rest + 3 * NB * n)
    if not want_vectors:
        # 3. dsterf
        if _sterf(n, w, e):
            return 1
        _sort_ascending(n, w, NULL, 0, 0)
    else:
        # 3. on T / ||T||_max (the deflation tolerances are then absolute)
        for i in range(n):
            tnorm = max(tnorm, fabs(w[i]))
        for i in range(n - 1):
            tnorm = max(tnorm, fabs(e[i]))
        for i in range(n):
            w[i] /= tnorm
        for i in range(n - 1):
            e[i] /= tnorm
        if use_dc and n > DC_LEAF:
            status = _stedc(n, w, e, V, ldv, rest, iwork, rest + 12 * n)
            if status:
                return 2
        elif _steqr_vectors(n, w, e, V, ldv, rest):
            return 1
        for i in range(n):
            w[i] *= tnorm
        # V = Q Z (LAPACK dsyevd's dormtr: Q never formed)
        _ormtr_cols(n, A, lda, tau, V, ldv, rest)
    if ex != 0:
        for i in range(n):
            w[i] = ldexp(w[i], ex)      # infinity if |w_i| passes the largest number
    return 0


def raise_for_status(int status, str name, Py_ssize_t n, str where=""):
    """The exception for a non-zero syevd status of an n x n matrix (`where` names a
    matrix of a stack)."""
    if status == -1:
        raise ValueError("%s: the matrix contains NaN or infinity%s" % (name, where))
    if status == 1:
        raise LinAlgError("%s: symmetric tridiagonal QR did not converge after %d sweeps%s"
                          % (name, CAP_FACTOR * n, where))
    if status == 2:
        raise LinAlgError("%s: symmetric tridiagonal QR did not converge after %d sweeps "
                          "(in a divide-and-conquer leaf of at most %d rows)%s"
                          % (name, CAP_FACTOR * DC_LEAF, DC_LEAF, where))


def _private_copy(A, str name):
    """A C-contiguous numpy copy of the square A (shape and type checked as every
    decomposition does), float32 for float32 input and float64 otherwise (numpy's
    rule: integers compute in float64); the finiteness of its lower triangle is
    syevd's check."""
    cdef Matrix M = input_matrix(A, name, True, False, True)
    return np.array(M, order="C", copy=True)


def _solve(floating[:, ::1] A, bint want_vectors, str name):
    """(w, V or None) of the C-contiguous n x n A (n >= 1; lower triangle read,
    destroyed) by syevd in A's own dtype (float32 or float64, no conversion), its
    workspace allocated here."""
    dtype = np.float32 if floating is float else np.float64
    cdef Py_ssize_t n = A.shape[0]
    cdef floating[::1] work = np.empty(syevd_work_size(n, want_vectors), dtype=dtype)
    cdef Py_ssize_t[::1] iwork = np.empty(syevd_iwork_size(n), dtype=np.intp)
    wa = np.empty(n, dtype=dtype)
    Va = np.empty((n, n), dtype=dtype) if want_vectors else np.empty((1, 1), dtype=dtype)
    cdef floating[::1] w = wa
    cdef floating[:, ::1] V = Va
    cdef int status
    cdef bint use_dc = _USE_DC
    with nogil:
        status = syevd(n, &A[0, 0], n, &w[0], &V[0, 0], n, want_vectors, use_dc,
                       &work[0], &iwork[0])
    raise_for_status(status, name, n)
    if not np.isfinite(wa).all():
        # |lambda| <= n max|a_ij| can pass the largest float32 (or double) when the
        # entries are near it: say so rather than return infinity
        raise ValueError("%s: the eigenvalues overflow %s (the matrix's norm exceeds "
                         "the largest %s); scale A" % (name, np.dtype(dtype).name,
                                                       np.dtype(dtype).name))
    return wa, (Va if want_vectors else None)


def eigh(A):
    """Eigenvalues and eigenvectors of a real symmetric matrix.

    A = V diag(w) V^T with V orthogonal. Only the **lower triangle** of ``A`` is read
    (numpy's default ``UPLO='L'``); the strictly upper triangle is ignored.

    Method: Householder tridiagonalisation A = Q T Q^T, blocked as LAPACK dsytrd
    (GVL4 Alg. 8.3.1), Q kept as reflectors; T = Z diag(w) Z^T by
    divide and conquer for n > 32 ([Cup81], [GE95], LAPACK dstedc: T is torn into two
    halves plus a rank-one term, the halves solved recursively, and each merge solves
    the secular equation 1 + rho sum z_j^2 / (d_j - w) = 0 and forms its eigenvectors
    with one GEMM), with the implicit symmetric QR algorithm with Wilkinson shifts
    (GVL4 Alg. 8.3.2/8.3.3) at the leaves and for small n; finally V = Q Z by the
    blocked reflectors (LAPACK dormtr, GEMM-rich).

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
        Both float32 for float32 input, computed in float32 throughout (every kernel
        is written once for both types; the tests are in float32's own epsilon),
        float64 otherwise.

    Raises
    ------
    ValueError
        Not 2-D, not square (the message names the shape), or NaN/inf entries.
    TypeError
        Non-numeric data.
    LinAlgError
        A QR iteration exceeded its cap of 30 n sweeps (30 * 32 in a leaf).
    """
    a = _private_copy(A, "eigh")
    if a.shape[0] == 0:
        return asvector(np.empty(0, a.dtype)), asmatrix(np.empty((0, 0), a.dtype))
    w, V = _solve(a, True, "eigh")
    return asvector(w), asmatrix(V)


def eigvalsh(A):
    """Eigenvalues of a real symmetric matrix, ascending (no eigenvectors).

    Reads only the **lower triangle** of ``A`` (numpy's default ``UPLO='L'``). Same
    tridiagonalisation as :func:`eigh` (GVL4 Alg. 8.3.1), but Q is never formed and
    the eigenvalues of T come from the root-free QL iteration of Pal, Walker and Kahan
    (LAPACK dsterf: no square root per rotation, no rotation accumulated): O(n^2) work
    after the 4/3 n^3 reduction, against about 4 n^3 more for ``eigh`` (Q, the
    divide-and-conquer GEMMs and V = Q Z).

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
    a = _private_copy(A, "eigvalsh")
    if a.shape[0] == 0:
        return asvector(np.empty(0, a.dtype))
    w, _ = _solve(a, False, "eigvalsh")
    return asvector(w)


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

    T and Q are float32 for float32 input (reduced in float32), float64 otherwise.
    """
    cdef Matrix M = input_matrix(A, "tridiagonalize", True, False, True)
    a = np.array(M, order="C", copy=True)
    cdef Py_ssize_t n = a.shape[0]
    if n == 0:
        return asmatrix(np.empty((0, 0), a.dtype)), asmatrix(np.empty((0, 0), a.dtype))
    if not np.isfinite(np.tril(a)).all():
        raise ValueError("tridiagonalize: the matrix contains NaN or infinity")
    Sa = _symmetric_from_lower(a)
    # T is linear in A and Q is not changed by scaling: reduce f A in the safe range
    # (dsytrd's callers scale first; syevd's RMIN / RMAX of the type), then
    # T = T(f A) / f
    # (by a power of two: exact, and no 1 / max to overflow for a subnormal max)
    anrm = float(np.max(np.abs(Sa)))
    rmin = _rmin(<float>0) if a.dtype == np.float32 else _rmin(<double>0)
    ex = int(np.frexp(anrm)[1]) if 0.0 < anrm and (anrm < rmin or anrm > 1.0 / rmin) else 0
    if ex:
        Sa = np.ldexp(Sa, -ex).astype(a.dtype, copy=False)
    Qa = np.empty((n, n), dtype=a.dtype)
    Ta = np.zeros((n, n), dtype=a.dtype)
    _tridiagonalize_into(Sa, Qa, Ta)
    if ex:
        with np.errstate(over="ignore"):
            Ta = np.ldexp(Ta, ex).astype(a.dtype, copy=False)
        if not np.isfinite(Ta).all():
            raise ValueError("tridiagonalize: the tridiagonal form overflows %s (the "
                             "matrix's norm exceeds its largest number); scale A"
                             % a.dtype.name)
    return asmatrix(Ta), asmatrix(Qa)


def _tridiagonalize_into(floating[:, ::1] S,    # INOUT n x n symmetric -> reflectors
                         floating[:, ::1] Q,    # OUT   n x n orthogonal factor
                         floating[:, ::1] T):   # OUT   n x n tridiagonal (zeros on entry)
    """tridiagonalize's kernels in S's own dtype: _sytrd then orgtr (LAPACK dorgtr)."""
    dtype = np.float32 if floating is float else np.float64
    cdef Py_ssize_t n = S.shape[0], i
    cdef floating[::1] d = np.empty(n, dtype=dtype)
    cdef floating[::1] e = np.zeros(max(n - 1, 1), dtype=dtype)
    cdef floating[::1] tau = np.zeros(max(n - 1, 1), dtype=dtype)
    cdef floating[:, ::1] VWT = np.zeros((3 * NB, n), dtype=dtype)
    cdef floating[::1] tmp = np.zeros(NB + n, dtype=dtype)
    cdef floating[::1] OW = np.empty(org_work_size(n, n, NB), dtype=dtype)
    with nogil:
        _sytrd(n, &S[0, 0], n, &d[0], &e[0], &tau[0], &VWT[0, 0], &tmp[0])
        orgtr(n, &S[0, 0], n, &tau[0], &Q[0, 0], n, NB, &OW[0])
        for i in range(n):
            T[i, i] = d[i]
        for i in range(n - 1):
            T[i + 1, i] = e[i]
            T[i, i + 1] = e[i]


# =================================================================================
# Cyclic Jacobi for small matrices (the stacked driver's kernel for n <= JACOBI_MAX)
# =================================================================================
# [GVL4] Alg. 8.5.3 (cyclic-by-row Jacobi) with the 2 x 2 symmetric Schur step of
# Alg. 8.5.1 written in Rutishauser's stable form (H. Rutishauser, "The Jacobi method
# for real symmetric matrices", Numer. Math. 9 (1966) 1-10; Handbook for Automatic
# Computation II, contribution II/1): with t = tan(theta) the smaller root of
# t^2 + 2 t zeta - 1 = 0, zeta = (a_qq - a_pp) / (2 a_pq),
#   a_pp -= t a_pq,  a_qq += t a_pq,  a_pq = 0,
#   a_rp <- a_rp - s (a_rq + tau a_rp),  a_rq <- a_rq + s (a_rp - tau a_rq),
# tau = s / (1 + c), which updates each entry by a small correction (no cancellation
# in c * a - s * b). No workspace: the matrix is rotated in place, so the stacked
# driver needs no per-matrix malloc.

cdef Py_ssize_t JACOBI_SWEEPS = 60     # cap: cyclic Jacobi converges quadratically,
#                                        5-10 sweeps in practice for n <= 16
cdef enum:
    JACOBI_NMAX = 64                   # the kernel's largest order (its index array)


cdef int jacobi_eigh(Py_ssize_t n, floating* A, floating* V, floating* w,
                     bint want_vectors) noexcept nogil:
    """Eigen-decomposition of the symmetric n x n row-major A whose LOWER triangle is
    read (the strictly upper one is ignored; A is destroyed) by cyclic Jacobi:
    w <- ascending eigenvalues; when want_vectors, V (n x n row-major) <- the
    eigenvectors as columns (A = V diag(w) V^T).

    Sweeps until the off-diagonal Frobenius norm is at most eps * ||A||_F; an entry
    below eps * sqrt(|a_pp a_qq|) is set to zero without a rotation (the relative
    criterion of Demmel and Veselic, SIAM J. Matrix Anal. Appl. 13 (1992) 1204-1245:
    a perturbation no larger than the rounding of the diagonal; tested as
    a_pq^2 <= eps^2 |a_pp a_qq|, no square root). The entries are first
    scaled by a power of two (exact) so that the sums of squares neither overflow nor
    underflow; the eigenvalues are scaled back. Returns 0; 1 when JACOBI_SWEEPS did not
    suffice; -1 (nothing computed) when the triangle holds NaN or infinity; -2 for
    n > JACOBI_NMAX (64)."""
    cdef Py_ssize_t i, j, p, q, r, k
    cdef floating amax = 0.0, fro2 = 0.0, off2, tol2, x
    cdef floating apq, app, aqq, zeta, t, u, s, tau, g, h
    cdef floating eps = _eps(amax), big = _big(amax)
    cdef int ex = 0, status = 1
    cdef Py_ssize_t m = n + (n & 1), _rnd, last
    cdef Py_ssize_t idx[JACOBI_NMAX + 1]
    if n > JACOBI_NMAX:
        return -2
    for i in range(n):
        for j in range(i + 1):
            x = fabs(A[i * n + j])
            if not x <= big:                    # NaN or infinity
                return -1
            if x > amax:
                amax = x
    if want_vectors:                            # V holds V^T while rotating (rows)
        memset(V, 0, n * n * sizeof(floating))
        for i in range(n):
            V[i * n + i] = 1.0
    if amax == 0.0:
        for i in range(n):
            w[i] = 0.0
        return 0
    frexp(amax, &ex)                            # amax = m 2^ex, 0.5 <= m < 1
    for i in range(n):
        for j in range(i + 1):
            A[i * n + j] = ldexp(A[i * n + j], -ex)     # now max |a_ij| < 1, exact
            x = A[i * n + j]
            fro2 += x * x if i == j else 2.0 * x * x
    tol2 = eps * eps * fro2
    for _ in range(JACOBI_SWEEPS):
        off2 = 0.0
        for i in range(1, n):
            for j in range(i):
                off2 += A[i * n + j] * A[i * n + j]
        if 2.0 * off2 <= tol2:
            status = 0
            break
        # the m - 1 rounds of the round-robin ordering (GVL4 Sec. 8.5.5): the m / 2
        # rotations of a round touch disjoint index pairs, so the CPU overlaps one's
        # square roots and divisions with the next one's updates (row-cyclic order
        # chains every rotation on the one before); a pair with the dummy index
        # m - 1 = n (odd n) is skipped
        for i in range(m):
            idx[i] = i
        for _rnd in range(m - 1):
            for k in range(m // 2):
                p = idx[k]
                q = idx[m - 1 - k]
                if p > q:
                    p, q = q, p
                if q >= n:
                    continue
                apq = A[q * n + p]
                app = A[p * n + p]
                aqq = A[q * n + q]
                if apq * apq <= eps * eps * fabs(app * aqq) or apq == 0.0:
                    A[q * n + p] = 0.0
                    continue
                # t = sign(zeta) / (|zeta| + sqrt(1 + zeta^2)), zeta = d / (2 a_pq),
                # multiplied through by |2 a_pq| (no zeta^2 to overflow, one division
                # less on the dependent chain); u = sqrt(1 + t^2) = 1 / c, so s = t c
                # and tau = s / (1 + c) = t / (1 + u) are independent divisions (the
                # Rutishauser updates need only s and tau)
                zeta = aqq - app
                t = copysign(2.0, zeta) * apq / (
                    fabs(zeta) + sqrt(zeta * zeta + 4.0 * apq * apq))
                u = sqrt(1.0 + t * t)
                s = t / u
                tau = t / (1.0 + u)
                A[p * n + p] = app - t * apq
                A[q * n + q] = aqq + t * apq
                A[q * n + p] = 0.0
                # (r, p) and (r, q) of the lower triangle, in the three ranges of r
                for r in range(p):
                    g = A[p * n + r]
                    h = A[q * n + r]
                    A[p * n + r] = g - s * (h + g * tau)
                    A[q * n + r] = h + s * (g - h * tau)
                for r in range(p + 1, q):
                    g = A[r * n + p]
                    h = A[q * n + r]
                    A[r * n + p] = g - s * (h + g * tau)
                    A[q * n + r] = h + s * (g - h * tau)
                for r in range(q + 1, n):
                    g = A[r * n + p]
                    h = A[r * n + q]
                    A[r * n + p] = g - s * (h + g * tau)
                    A[r * n + q] = h + s * (g - h * tau)
                if want_vectors:                # rows p, q of V^T
                    for r in range(n):
                        g = V[p * n + r]
                        h = V[q * n + r]
                        V[p * n + r] = g - s * (h + g * tau)
                        V[q * n + r] = h + s * (g - h * tau)
            # rotate the circle: idx[0] stays, the others move one place
            last = idx[m - 1]
            for i in range(m - 1, 1, -1):
                idx[i] = idx[i - 1]
            idx[1] = last
    for i in range(n):
        w[i] = A[i * n + i]
    # ascending order (selection sort: n is small), the rows of V^T alongside
    for i in range(n - 1):
        k = i
        for j in range(i + 1, n):
            if w[j] < w[k]:
                k = j
        if k != i:
            w[i], w[k] = w[k], w[i]
            if want_vectors:
                for r in range(n):
                    V[i * n + r], V[k * n + r] = V[k * n + r], V[i * n + r]
    if want_vectors:                            # V^T -> V in place
        for i in range(n):
            for j in range(i + 1, n):
                V[i * n + j], V[j * n + i] = V[j * n + i], V[i * n + j]
    for i in range(n):
        w[i] = ldexp(w[i], ex)
    return status

# cython: language_level=3
"""_eig.pyx: the general real eigenproblem: eig, eigvals, hessenberg.

Balancing (LAPACK dgebal), Householder reduction to upper Hessenberg form (blocked as
dgehrd/dlahr2), the real Schur form by the small-bulge multishift QR algorithm with
aggressive early deflation for n >= 200 (dlaqr0/dlaqr3/dlaqr5, in the included
_eig_multishift.pxi) and by the Francis double-shift QR below that and on its small
blocks (dlahqr, with dlanv2's standardised 2x2 blocks), and eigenvectors by back
substitution on the quasi-triangular factor (dtrevc), assembled as LAPACK's dgeev does
(dhseqr's choice between the two QR algorithms).

The whole driver is one nogil function, ``geev`` (declared in _eig.pxd), working in a
workspace its caller provides (``geev_work_size``): the 2-D eig/eigvals below call it
once, and _stacked.pyx's eig/eigvals call it for every matrix of a (..., M, M) stack in
one parallel loop, a workspace per thread. Every kernel is written once over the fused
`floating` (issue 13): float32 input is computed in float32, its convergence, deflation
and overflow tests in float32's own epsilon and range (the per-dtype table below), with
float32 / complex64 results (numpy 2 computes float32 in float64 and rounds; our
float32 answers agree with it to float32 accuracy, not to the last bit).

Every reflector used here (the Hessenberg reduction's, and forming Q) is built by the
kernels of _householder.pyx (short contiguous ones through _house_c, its unscaled fast
path), and so are the plane rotations of the deflation steps; the 3-element reflectors
of the Francis sweep are applied by C kernels in csrc/.

References
----------
[GVL4]   G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., 2013.
         Alg. 7.4.2 (Householder Hessenberg reduction), Alg. 7.5.1 (Francis QR step),
         Alg. 7.5.2 (real Schur decomposition by the QR algorithm), Sec. 7.6
         (invariant subspaces, eigenvectors from the Schur form), Sec. 7.5.7
         (multishift QR, aggressive early deflation).
[LAPACK] E. Anderson et al., *LAPACK Users' Guide*, 3rd ed., 1999. The routines mirrored
         here: dgebal (balancing), dgehd2/dgehrd/dlahr2 and dorghr (Hessenberg reduction
         and its Q), dlahqr (double-shift QR), dlanv2 (standardised 2x2 Schur blocks),
         dtrevc (eigenvectors of a quasi-triangular matrix), dgeev (the driver);
         dlaqr0/dlaqr3/dlaqr5 and dtrexc/dlaexc (_eig_multishift.pxi).
[BBM02]  K. Braman, R. Byers and R. Mathias, "The multishift QR algorithm", Parts I and
         II, SIAM J. Matrix Anal. Appl. 23(4) (2002) 929-973.
[PR69]   B. N. Parlett and C. Reinsch, "Balancing a matrix for calculation of eigenvalues
         and eigenvectors", Numer. Math. 13 (1969) 293-304.

Storage is row-major: reflectors are stored as *rows*; the rotations and reflectors of
the QR iteration are applied to the rows of Z^T, so every inner loop runs over contiguous
memory; the working copy of the Francis iteration gets a padded leading dimension (its
column walks would otherwise hit a single cache set when n is a multiple of 512).
"""
from collections import namedtuple

import numpy as np

from libc.math cimport fabs, sqrt, hypot, copysign, log
from libc.string cimport memset, memcpy

from rusty_machine.linalg.blas cimport xgemm, xgemv, xger, xdot, xnrm2, xswap, xtrmm
from rusty_machine.linalg._floating cimport (floating, DBL_EPSILON, DBL_MIN, DBL_MAX,
                                             FLT_EPSILON, FLT_MIN, FLT_MAX)
from rusty_machine.linalg._householder cimport (house, rot_rows, rot_strided, lartg,
                                                orgtr, org_work_size)
from rusty_machine.exceptions import LinAlgError
from rusty_machine.linalg.matrix import asmatrix
from rusty_machine.linalg._checks import (work_copy as _work_copy,
                                          padded_ld as _padded_ld)

# ---- the deferred reflectors of the Francis sweep -----------------------------------
# A double-shift sweep chases 3-element reflectors P_k down the Hessenberg matrix; the
# parts of each P_k that fall outside the active window (the rest of the rows, and the
# Schur vectors) are applied later in chunks by two C loops (csrc/rm_vec_impl.h:
# rm_refl_rows on rows, rm_refl_cols on columns), compiled per instruction set and
# chosen at load time by the same CPU dispatch as the GEMM kernels.
from rusty_machine.linalg._csrc cimport (rm_refl_rows, rm_refl_cols, rm_srefl_rows,
                                         rm_srefl_cols)

# ---- per-dtype constants: the one table -------------------------------------------
# Every kernel below is written once over `floating` (float32 and float64); each picks
# its row of this table through _lim(<floating>0, ...), whose `if floating is float:`
# is resolved at compile time. The range guards are LAPACK's, in the type's own range:
#   EPS      unit roundoff * base (xlamch 'P'): FLT_EPSILON / DBL_EPSILON
#   SAFMIN   smallest normal (xlamch 'S'): FLT_MIN / DBL_MIN
#   SCALE    dgeev's scaling window [1/SCALE, SCALE] for max |a_ij| (its SMLNUM =
#            sqrt(safmin) / eps ~ 9e-13 and 7e-139, rounded to a power of ten)
#   BAL      the balancing factors and scaled norms stay within [1/BAL, BAL]
#            (about sqrt of the type's largest number: squares never overflow)
#   HSS      _house_c's one-pass sum of squares is used when it lies in
#            [1/HSS, HSS] and |alpha| < sqrt(HSS) (else dlarfg's scaled path)
#   TQUOT    dtrevc's guarded divisions: a quotient above TQUOT scales the partial
#   TBIG     solution down; the solution is rescaled to max 1 once it passes TBIG
#            (with |T| <= SCALE: n |T| TQUOT stays far from overflow)
cdef enum:
    L_EPS = 0
    L_SAFMIN = 1
    L_SCALE = 2
    L_BAL = 3
    L_HSS = 4
    L_TQUOT = 5
    L_TBIG = 6
    L_MAX = 7
cdef double[8] _LIM_D = [DBL_EPSILON, DBL_MIN, 1e140, 1e150, 1e280, 1e100, 1e50, DBL_MAX]
cdef double[8] _LIM_S = [FLT_EPSILON, FLT_MIN, 1e12, 1e18, 1e30, 1e15, 1e8, FLT_MAX]


cdef inline floating _lim(floating dtype_tag, int which) noexcept nogil:
    """The row `which` of the per-dtype table for the type of dtype_tag (its value
    is ignored: it only selects the float or double instance)."""
    if floating is float:
        return <float>_LIM_S[which]
    else:
        return _LIM_D[which]


# block size of the blocked reductions (panel width)
cdef Py_ssize_t NB = 32
# ---- constants of the Francis iteration (LAPACK dlahqr) ------------------------------
# exceptional shifts after KEXSH and 2 KEXSH sweeps without a deflation; their ad hoc
# shift polynomial x^2 - 2 (DAT1 s + h) x + ... is dlahqr's, with DAT1 = 3/4,
# DAT2 = -0.4375
cdef Py_ssize_t KEXSH = 10
cdef double DAT1 = 0.75
cdef double DAT2 = -0.4375
# numpy 2's named result of eig (numpy.linalg.EigResult), the same field names
EigResult = namedtuple("EigResult", ["eigenvalues", "eigenvectors"],
                       module="rusty_machine.linalg._eig")

_last_sweeps = 0      # QR sweeps of the last eig/eigvals call (for tests and benchmarks)
# iteration caps: CAP_FACTOR * n QR sweeps (LAPACK's 30 n); tests lower it to see the error
cdef Py_ssize_t CAP_FACTOR = 30


def _set_cap_factor(Py_ssize_t k):
    """Set the sweep-cap factor (caps are k * n); returns the previous one. For tests."""
    global CAP_FACTOR
    old = CAP_FACTOR
    CAP_FACTOR = k
    return old


# =================================================================================
# general real matrices: balancing (LAPACK dgebal, [PR69])
# =================================================================================
cdef void _swap_rc(Py_ssize_t n, floating* A, Py_ssize_t lda, Py_ssize_t j,
                   Py_ssize_t m) noexcept nogil:
    """Symmetric permutation: swap rows j, m and columns j, m of A."""
    if j != m:
        xswap(n, A + j * lda, 1, A + m * lda, 1)
        xswap(n, A + j, lda, A + m, lda)


cdef void _balance(Py_ssize_t n,
                   floating* A, Py_ssize_t lda,   # INOUT A <- D^{-1} P^T A P D
                   floating* scale,               # OUT   n, the diagonal of D
                   Py_ssize_t* swaps,             # OUT   n, swaps[j] = m: step j swapped
                                                  #       rows/columns j and m (-1: none)
                   Py_ssize_t* ilo_out, Py_ssize_t* ihi_out) noexcept nogil:
    """Balancing (LAPACK dgebal 'B', [PR69]).

    1. Permutation: a row whose off-diagonal part (within the active block) is zero
       isolates its diagonal entry as an eigenvalue and is moved to the bottom; a
       column likewise to the top. The result is block upper triangular with the
       isolated parts triangular, so their eigenvalues are exact.
    2. Scaling of the remaining block ilo..ihi by powers of 2 so that the off-diagonal
       2-norms of each row and column are comparable (the 2-norm variant of LAPACK
       >= 3.5). Exact in floating point: only exponents change."""
    cdef Py_ssize_t i, j, sweep, ilo = 0, ihi = n - 1
    cdef double c, r, f, g, aij, aji      # norms in double: float32's squares may overflow
    cdef double bal = _lim(<floating>0, L_BAL)
    cdef bint changed = True, found
    for i in range(n):
        scale[i] = 1.0
        swaps[i] = -1
    # 1a. rows isolating an eigenvalue go to the bottom
    found = True
    while found and ihi > 0:
        found = False
        for j in range(ihi, -1, -1):
            c = 0.0
            for i in range(ihi + 1):
                if i != j and A[j * lda + i] != 0.0:
                    c = 1.0
                    break
            if c == 0.0:
                _swap_rc(n, A, lda, j, ihi)
                swaps[ihi] = j
                ihi -= 1
                found = True
                break
    # 1b. columns isolating an eigenvalue go to the top
    found = True
    while found and ilo < ihi:
        found = False
        for j in range(ilo, ihi + 1):
            c = 0.0
            for i in range(ilo, ihi + 1):
                if i != j and A[i * lda + j] != 0.0:
                    c = 1.0
                    break
            if c == 0.0:
                _swap_rc(n, A, lda, j, ilo)
                swaps[ilo] = j
                ilo += 1
                found = True
                break
    ilo_out[0] = ilo
    ihi_out[0] = ihi
    # 2. scaling of the block ilo..ihi
    sweep = 0
    while changed and sweep < 100:
        changed = False
        sweep += 1
        for i in range(ilo, ihi + 1):
            c = 0.0
            r = 0.0
            for j in range(ilo, ihi + 1):
                if j != i:
                    aji = A[j * lda + i]
                    aij = A[i * lda + j]
                    c += aji * aji
                    r += aij * aij
            c = sqrt(c)
            r = sqrt(r)
            if c == 0.0 or r == 0.0:
                continue
            # f = 2^k with c f ~ r / f; accept only a clear improvement (95% rule)
            f = 1.0
            g = r / 2.0
            while c < g and f < bal and c < bal:
                f *= 2.0
                c *= 2.0
                g /= 2.0
            g = r * 2.0
            while c >= g and f > 1.0 / bal and c > 1.0 / bal:
                f /= 2.0
                c /= 2.0
                g *= 2.0
            # c is now c * f, and the row norm becomes r / f
            if c + r / f >= 0.95 * (c / f + r):
                continue
            changed = True
            scale[i] *= f
            for j in range(n):
                A[j * lda + i] *= f        # column i times f
                A[i * lda + j] /= f        # row i divided by f


cdef inline floating _house_c(Py_ssize_t n, floating* alpha, floating* x) noexcept nogil:
    """_householder.house(n, alpha, x, 1) (dlarfg) for a contiguous x, with the norms
    taken by one sum of squares when every square is far from under/overflow (the
    3-element reflectors of the Francis sweep, the short columns of small matrices:
    house's scaled xnrm2 and hypot were a fifth of a 4 x 4 eigvals); else house."""
    cdef Py_ssize_t i
    cdef floating ss = 0.0, a = alpha[0], beta, d
    cdef floating hss = _lim(<floating>0, L_HSS)
    if n <= 1:
        return 0.0
    for i in range(n - 1):
        ss += x[i] * x[i]
    if not (1 / hss < ss < hss and fabs(a) * fabs(a) < hss):
        return house(n, alpha, x, 1)      # zero, tiny or huge: dlarfg's scaled path
    beta = -copysign(sqrt(a * a + ss), a)
    d = 1.0 / (a - beta)
    for i in range(n - 1):
        x[i] *= d
    alpha[0] = beta
    return (beta - a) / beta


# =================================================================================
# Hessenberg reduction (GVL4 Alg. 7.4.2, LAPACK dgehd2)
# =================================================================================
cdef void _gehd2(Py_ssize_t n,
                 floating* H, Py_ssize_t ldh,   # INOUT A -> upper Hessenberg
                 floating* tau,                 # OUT   n-1 (tau[n-2] = 0)
                 floating* R, Py_ssize_t ldr,   # OUT   reflector rows (v_k[1:] in R[k, k+2:])
                                                #       as _sytrd stores them, or NULL
                 floating* col, floating* y,    # work  n, n
                 Py_ssize_t kstart) noexcept nogil:   # IN first column to reduce
    """A = Q H Q^T, Q = H_0 ... H_{n-3}; H_k zeroes column k below the subdiagonal and
    is applied from both sides (left to rows k+1.., right to columns k+1..). Unblocked
    (LAPACK dgehd2), from column kstart on (the earlier ones were done by _lahr2)."""
    cdef Py_ssize_t k, i, r
    cdef floating t
    for k in range(kstart, max(n - 1, 0)):
        tau[k] = 0.0
    for k in range(kstart, n - 2):
        r = n - k - 1
        for i in range(r):
            col[i] = H[(k + 1 + i) * ldh + k]
        t = _house_c(r, col, col + 1)
        tau[k] = t
        H[(k + 1) * ldh + k] = col[0]
        for i in range(1, r):
            H[(k + 1 + i) * ldh + k] = 0.0
        col[0] = 1.0
        if R != NULL:
            for i in range(1, r):
                R[k * ldr + k + 1 + i] = col[i]
        if t == 0.0:
            continue
        # right first, as LAPACK dgehd2: H[:, k+1:] -= t (H[:, k+1:] v) v^T
        xgemv(False, n, r, 1.0, H + k + 1, ldh, col, 1, 0.0, y, 1)
        xger(n, r, -t, y, 1, col, 1, H + k + 1, ldh)
        # then left: H[k+1:, k+1:] -= t v (v^T H[k+1:, k+1:])
        xgemv(True, r, r, 1.0, H + (k + 1) * ldh + k + 1, ldh, col, 1, 0.0, y, 1)
        xger(r, r, -t, col, 1, y, 1, H + (k + 1) * ldh + k + 1, ldh)


cdef void _lahr2(Py_ssize_t n, Py_ssize_t k0,
                 floating* A, Py_ssize_t lda,   # INOUT columns k0..k0+NB-1 reduced, the rest
                                                #       updated from both sides
                 floating* tau,                 # OUT   NB factors
                 floating* R, Py_ssize_t ldr,   # OUT   reflector rows as _gehd2, or NULL
                 floating* VT,                  # work  NB x n: the panel's v_j as rows
                 floating* Y,                   # work  n x NB: Y = A V T
                 floating* T,                   # work  NB x NB: compact WY factor
                 floating* Wb,                  # work  NB x n
                 floating* c, floating* w1, floating* w2) noexcept nogil:  # work n, NB, NB
    """One panel of the blocked Hessenberg reduction (LAPACK dgehrd/dlahr2).

    With Q = H_{k0} ... H_{k0+j-1} = I - V T V^T (compact WY) and Y = A V T, the current
    column k = k0 + j is Q^T (A[:, k] - Y V[k, :]^T): one product with A per column
    (y = tau (A v - Y (V^T v)) extends Y) instead of the four level-2 sweeps of
    _gehd2. The rest of the matrix is then updated by GEMMs: from the right,
    A[:, k0+NB:] -= Y V[k0+NB:, :]^T; from the left, (I - V T^T V^T) A[k0+1:, k0+NB:]."""
    cdef Py_ssize_t j, k, i, p, q, c0 = k0 + NB, m1 = n - k0 - 1
    cdef floating t, acc
    cdef floating* vt
    for j in range(NB):
        k = k0 + j
        vt = VT + j * n
        # c = A[:, k] - Y[:, :j] V[k, :j]^T      (the right transforms so far)
        for i in range(n):
            c[i] = A[i * lda + k]
        if j > 0:
            for p in range(j):
                w1[p] = VT[p * n + k]
            xgemv(False, n, j, -1.0, Y, NB, w1, 1, 1.0, c, 1)
            # c[k0+1:] -= V T^T V^T c[k0+1:]   (the left transforms so far)
            xgemv(False, j, m1, 1.0, VT + k0 + 1, n, c + k0 + 1, 1, 0.0, w2, 1)
            for p in range(j - 1, -1, -1):
                acc = 0.0
                for q in range(p + 1):
                    acc += T[q * NB + p] * w2[q]
                w2[p] = acc
            xgemv(True, j, m1, -1.0, VT + k0 + 1, n, w2, 1, 1.0, c + k0 + 1, 1)
        # GVL4 Alg. 7.4.2: reflector zeroing c below the subdiagonal
        t = house(n - k - 1, c + k + 1, c + k + 2, 1)
        tau[k] = t
        for i in range(k + 2):
            A[i * lda + k] = c[i]
        for i in range(k + 2, n):
            A[i * lda + k] = 0.0
        memset(vt, 0, n * sizeof(floating))
        vt[k + 1] = 1.0
        for i in range(k + 2, n):
            vt[i] = c[i]
            if R != NULL:
                R[k * ldr + i] = c[i]
        # y = t (A v - Y[:, :j] (V[:, :j]^T v)), with A as at the panel start
        xgemv(False, n, n - k - 1, 1.0, A + k + 1, lda, vt + k + 1, 1, 0.0, c, 1)
        if j > 0:
            xgemv(False, j, n - k - 1, 1.0, VT + k + 1, n, vt + k + 1, 1, 0.0, w1, 1)
            xgemv(False, n, j, -1.0, Y, NB, w1, 1, 1.0, c, 1)
        for i in range(n):
            Y[i * NB + j] = t * c[i]
        # T[:j, j] = -t T[:j, :j] (V^T v), T[j, j] = t   (LAPACK dlarft)
        for p in range(j):
            acc = 0.0
            for q in range(p, j):
                acc += T[p * NB + q] * w1[q]
            T[p * NB + j] = -t * acc
        for p in range(j):
            T[j * NB + p] = 0.0
        T[j * NB + j] = t
    # right: A[:, c0:] -= Y @ V[c0:, :]^T
    xgemm(False, False, n, n - c0, NB, -1.0, Y, NB, VT + c0, n, 1.0, A + c0, lda)
    # left: A[k0+1:, c0:] -= V T^T (V^T A[k0+1:, c0:])
    xgemm(False, False, NB, n - c0, m1, 1.0, VT + k0 + 1, n, A + (k0 + 1) * lda + c0, lda,
          0.0, Wb, n - c0)
    xtrmm(True, False, True, False, NB, n - c0, 1.0, T, NB, Wb, n - c0)
    xgemm(True, False, m1, n - c0, NB, -1.0, VT + k0 + 1, n, Wb, n - c0, 1.0,
          A + (k0 + 1) * lda + c0, lda)


cdef void _gehrd(Py_ssize_t n,
                 floating* H, Py_ssize_t ldh,   # INOUT A -> upper Hessenberg
                 floating* tau,                 # OUT   n-1
                 floating* R, Py_ssize_t ldr,   # OUT   reflector rows, or NULL
                 floating* VT, floating* Y, floating* T, floating* Wb,  # work as _lahr2
                 floating* col, floating* y, floating* w1, floating* w2) noexcept nogil:
    """Blocked Hessenberg reduction (LAPACK dgehrd): _lahr2 panels while more than
    2 NB columns remain, then the unblocked _gehd2."""
    cdef Py_ssize_t k0 = 0
    while n - k0 - 1 > 2 * NB:
        _lahr2(n, k0, H, ldh, tau, R, ldr, VT, Y, T, Wb, col, w1, w2)
        k0 += NB
    _gehd2(n, H, ldh, tau, R, ldr, col, y, k0)


# =================================================================================
# real Schur form by the Francis double-shift QR algorithm (GVL4 Alg. 7.5.1/7.5.2,
# LAPACK dlahqr, dlanv2)
# =================================================================================
cdef inline floating _sign(floating a, floating b) noexcept nogil:
    return copysign(fabs(a), b)


cdef void _lanv2(floating* a, floating* b, floating* c, floating* d,
                 floating* rt1r, floating* rt1i, floating* rt2r, floating* rt2i,
                 floating* cs, floating* sn) noexcept nogil:
    """Standardise a real 2x2 block (LAPACK dlanv2):
    [a b; c d] = [cs -sn; sn cs] [a' b'; c' d'] [cs sn; -sn cs] with either c' = 0
    (real eigenvalues a', d') or a' = d' and b' c' < 0 (eigenvalues a' +- i sqrt(-b'c'),
    the one with positive imaginary part first)."""
    cdef floating p, bcmax, bcmis, scale, z, tau, sigma, aa, bb, cc, dd, temp, sab, sac
    cdef floating cs1, sn1, tmp
    cdef floating eps = _lim(<floating>0, L_EPS)
    if c[0] == 0.0:
        cs[0] = 1.0
        sn[0] = 0.0
    elif b[0] == 0.0:
        # swap rows and columns
        cs[0] = 0.0
        sn[0] = 1.0
        tmp = d[0]
        d[0] = a[0]
        a[0] = tmp
        b[0] = -c[0]
        c[0] = 0.0
    elif (a[0] - d[0]) == 0.0 and (b[0] > 0.0) != (c[0] > 0.0):
        cs[0] = 1.0
        sn[0] = 0.0
    else:
        temp = a[0] - d[0]
        p = 0.5 * temp
        bcmax = max(fabs(b[0]), fabs(c[0]))
        bcmis = min(fabs(b[0]), fabs(c[0])) * _sign(1.0, b[0]) * _sign(1.0, c[0])
        scale = max(fabs(p), bcmax)
        # z = (p^2 + b c) / scale: the discriminant, scaled against overflow
        z = (p / scale) * p + (bcmax / scale) * bcmis
        if z >= 4.0 * eps:
            # real eigenvalues: rotate the eigenvector (z, c) onto e_1
            z = p + _sign(sqrt(scale) * sqrt(z), p)
            a[0] = d[0] + z
            d[0] = d[0] - (bcmax / z) * bcmis
            tau = hypot(c[0], z)
            cs[0] = z / tau
            sn[0] = c[0] / tau
            b[0] = b[0] - c[0]
            c[0] = 0.0
        else:
            # complex or nearly equal real eigenvalues: make the diagonal equal
            sigma = b[0] + c[0]
            tau = hypot(sigma, temp)
            cs[0] = sqrt(0.5 * (1.0 + fabs(sigma) / tau))
            sn[0] = -(p / (tau * cs[0])) * _sign(1.0, sigma)
            aa = a[0] * cs[0] + b[0] * sn[0]
            bb = -a[0] * sn[0] + b[0] * cs[0]
            cc = c[0] * cs[0] + d[0] * sn[0]
            dd = -c[0] * sn[0] + d[0] * cs[0]
            a[0] = aa * cs[0] + cc * sn[0]
            b[0] = bb * cs[0] + dd * sn[0]
            c[0] = -aa * sn[0] + cc * cs[0]
            d[0] = -bb * sn[0] + dd * cs[0]
            temp = 0.5 * (a[0] + d[0])
            a[0] = temp
            d[0] = temp
            if c[0] != 0.0:
                if b[0] != 0.0:
                    if (b[0] > 0.0) == (c[0] > 0.0):
                        # rounding left real eigenvalues: finish the triangularisation
                        sab = sqrt(fabs(b[0]))
                        sac = sqrt(fabs(c[0]))
                        p = _sign(sab * sac, c[0])
                        tau = 1.0 / sqrt(fabs(b[0] + c[0]))
                        a[0] = temp + p
                        d[0] = temp - p
                        b[0] = b[0] - c[0]
                        c[0] = 0.0
                        cs1 = sab * tau
                        sn1 = sac * tau
                        temp = cs[0] * cs1 - sn[0] * sn1
                        sn[0] = cs[0] * sn1 + sn[0] * cs1
                        cs[0] = temp
                else:
                    b[0] = -c[0]
                    c[0] = 0.0
                    temp = cs[0]
                    cs[0] = -sn[0]
                    sn[0] = temp
    rt1r[0] = a[0]
    rt2r[0] = d[0]
    if c[0] == 0.0:
        rt1i[0] = 0.0
        rt2i[0] = 0.0
    else:
        rt1i[0] = sqrt(fabs(b[0])) * sqrt(fabs(c[0]))
        rt2i[0] = -rt1i[0]


cdef inline bint _negligible_subdiag(const floating* H, Py_ssize_t ldh, Py_ssize_t k,
                                     Py_ssize_t lo, Py_ssize_t hi,
                                     floating smlnum) noexcept nogil:
    """Is h[k, k-1] negligible (lo < k <= hi)? LAPACK dlahqr's test: GVL4 Alg. 7.5.2's
    |h| <= eps (|h_{k-1,k-1}| + |h_kk|) (the neighbouring subdiagonal entries standing
    in when both diagonal entries are zero), refined by the conservative criterion of
    Ahues and Tisseur (deflate only if the product h[k,k-1] h[k-1,k] is small against
    the local eigenvalue gap: keeps small eigenvalues of graded matrices accurate)."""
    cdef floating h = fabs(H[k * ldh + k - 1]), tst, ab, ba, aa, bb, s
    cdef floating hkk = H[k * ldh + k], hll = H[(k - 1) * ldh + k - 1]
    cdef floating eps = _lim(<floating>0, L_EPS)
    if h <= smlnum:
        return True
    tst = fabs(hll) + fabs(hkk)
    if tst == 0.0:
        if k - 2 >= lo:
            tst += fabs(H[(k - 1) * ldh + k - 2])
        if k + 1 <= hi:
            tst += fabs(H[(k + 1) * ldh + k])
    if h > eps * tst:
        return False
    ab = max(h, fabs(H[(k - 1) * ldh + k]))
    ba = min(h, fabs(H[(k - 1) * ldh + k]))
    aa = max(fabs(hkk), fabs(hll - hkk))
    bb = min(fabs(hkk), fabs(hll - hkk))
    s = aa + ab
    return ba * (ab / s) <= max(smlnum, eps * (bb * (aa / s)))


cdef Py_ssize_t _hqr(Py_ssize_t n,
                     floating* H, Py_ssize_t ldh,   # INOUT Hessenberg -> quasi-triangular T
                     floating* ZT, Py_ssize_t ldz,  # INOUT Z^T (rows rotated), or NULL
                     bint wantt,
                     floating* wr, floating* wi,    # OUT n, n
                     Py_ssize_t* iters,             # OUT number of QR sweeps
                     floating* rwork) noexcept nogil:  # work 3n
    """The double-shift QR of _hqr_window on the whole of H (LAPACK dlahqr with
    ilo = 0, ihi = n - 1)."""
    return _hqr_window(n, 0, n - 1, H, ldh, ZT, ldz, wantt, wr, wi, iters, rwork)


cdef Py_ssize_t _hqr_window(Py_ssize_t n,
                            Py_ssize_t ilo, Py_ssize_t ihi,  # IN    the active window
                            floating* H, Py_ssize_t ldh,     # INOUT -> quasi-triangular
                            floating* ZT, Py_ssize_t ldz,    # INOUT Z^T, or NULL
                            bint wantt,
                            floating* wr, floating* wi,      # OUT   eigenvalues ilo..ihi
                            Py_ssize_t* iters,               # OUT   number of QR sweeps
                            floating* rwork) noexcept nogil:  # work  3n
    """Francis double-shift QR (GVL4 Alg. 7.5.2) on the diagonal window ilo..ihi of an
    upper Hessenberg H, as LAPACK's dlahqr does it (its ILO/IHI: the multishift driver
    of _eig_multishift.pxi hands it the small active blocks and the deflation windows).
    H[ilo, ilo-1] and H[ihi+1, ihi] are zero (or outside H). The window becomes
    quasi-triangular; with wantt the rows above it and the columns right of it are
    updated too (the full Schur form), and ZT's rows ilo..ihi are rotated (n columns).

    1. Deflation (_negligible_subdiag: dlahqr's test with the Ahues-Tisseur criterion);
       1x1 blocks give real eigenvalues, 2x2 blocks are standardised by _lanv2.
    2. Shifts: the eigenvalues of the trailing 2x2 block (Francis' double shift); when
       they are real, twice the one closer to h_{hi,hi} (dlahqr). Exceptional shifts
       after every KEXSH sweeps without a deflation, built from the top of the active
       block, and after every 2 KEXSH from its bottom (dlahqr's KDEFL logic): they break
       the cycles of the standard shifts (orthogonal matrices such as the cyclic shift,
       tight clusters of eigenvalues).
    3. The sweep starts at row m >= lo where two consecutive small subdiagonal entries
       make the bulge's first column negligible against h[m, m-1] (GVL4 Sec. 7.5.6,
       dlahqr's loop 50), which keeps nearly-split matrices from re-coupling.
    Returns 0, or -1 at the cap (CAP_FACTOR max(ihi - ilo + 1, 10) sweeps in total)."""
    cdef Py_ssize_t nh = ihi - ilo + 1
    cdef Py_ssize_t maxit = CAP_FACTOR * max(nh, 10), total = 0, kdefl = 0
    cdef Py_ssize_t hi, lo, k, j, i, nr, rlast, m
    cdef floating hnorm = 0.0, s, tr, det, h11, h12, h21, h22, x, y, z, t, v1, v2
    cdef floating a, b, c, d, rt1r, rt1i, rt2r, rt2i, cs, sn, rtdisc, h00, h01
    cdef floating eps = _lim(<floating>0, L_EPS)
    cdef floating safmin = _lim(<floating>0, L_SAFMIN)
    cdef floating smlnum = safmin * (nh / eps)
    cdef floating vec[3]
    cdef floating* rtau = rwork
    cdef floating* rv1 = rwork + n
    cdef floating* rv2 = rwork + 2 * n
    iters[0] = 0
    for i in range(ilo, ihi + 1):
        for j in range(max(i - 1, ilo), ihi + 1):
            hnorm = max(hnorm, fabs(H[i * ldh + j]))
    if hnorm == 0.0:
        for i in range(ilo, ihi + 1):
            wr[i] = H[i * ldh + i]
            wi[i] = 0.0
        return 0
    hi = ihi
    while hi >= ilo:
        # 1. GVL4 Alg. 7.5.2 / dlahqr loop 30: a negligible subdiagonal entry, from the
        # bottom of the active block up
        lo = hi
        while lo > ilo:
            if _negligible_subdiag(H, ldh, lo, ilo, hi, smlnum):
                H[lo * ldh + lo - 1] = 0.0
                break
            lo -= 1
        if lo == hi:
            # a 1x1 block: a real eigenvalue has converged
            wr[hi] = H[hi * ldh + hi]
            wi[hi] = 0.0
            hi -= 1
            kdefl = 0
            continue
        if lo == hi - 1:
            # a 2x2 block: standardise it (real pair -> triangular; complex -> a = d)
            a = H[(hi - 1) * ldh + hi - 1]
            b = H[(hi - 1) * ldh + hi]
            c = H[hi * ldh + hi - 1]
            d = H[hi * ldh + hi]
            _lanv2(&a, &b, &c, &d, &rt1r, &rt1i, &rt2r, &rt2i, &cs, &sn)
            H[(hi - 1) * ldh + hi - 1] = a
            H[(hi - 1) * ldh + hi] = b
            H[hi * ldh + hi - 1] = c
            H[hi * ldh + hi] = d
            wr[hi - 1] = rt1r
            wi[hi - 1] = rt1i
            wr[hi] = rt2r
            wi[hi] = rt2i
            if wantt:
                # the same rotation on the rest of rows hi-1, hi and columns hi-1, hi
                if hi + 1 < n:
                    rot_strided(n - hi - 1, cs, sn, H + (hi - 1) * ldh + hi + 1, 1,
                                H + hi * ldh + hi + 1, 1)
                rot_strided(hi - 1, cs, sn, H + hi - 1, ldh, H + hi, ldh)
            if ZT != NULL:
                rot_rows(n, cs, sn, ZT + (hi - 1) * ldz, ZT + hi * ldz)
            hi -= 2
            kdefl = 0
            continue
        if total >= maxit:
            return -1
        total += 1
        iters[0] = total
        kdefl += 1
        # 2. the shifts (dlahqr): exceptional ones after 2 KEXSH / KEXSH sweeps without
        # a deflation, else the eigenvalues of the trailing 2x2 block
        if kdefl % (2 * KEXSH) == 0:
            s = fabs(H[hi * ldh + hi - 1]) + fabs(H[(hi - 1) * ldh + hi - 2])
            h11 = DAT1 * s + H[hi * ldh + hi]
            h12 = DAT2 * s
            h21 = s
            h22 = h11
        elif kdefl % KEXSH == 0:
            s = fabs(H[(lo + 1) * ldh + lo]) + fabs(H[(lo + 2) * ldh + lo + 1])
            h11 = DAT1 * s + H[lo * ldh + lo]
            h12 = DAT2 * s
            h21 = s
            h22 = h11
        else:
            h11 = H[(hi - 1) * ldh + hi - 1]
            h12 = H[(hi - 1) * ldh + hi]
            h21 = H[hi * ldh + hi - 1]
            h22 = H[hi * ldh + hi]
        s = fabs(h11) + fabs(h12) + fabs(h21) + fabs(h22)
        if s == 0.0:
            rt1r = 0.0
            rt1i = 0.0
            rt2r = 0.0
            rt2i = 0.0
        else:
            h11 /= s
            h12 /= s
            h21 /= s
            h22 /= s
            tr = 0.5 * (h11 + h22)
            det = (h11 - tr) * (h22 - tr) - h12 * h21
            rtdisc = sqrt(fabs(det))
            if det >= 0.0:
                # a complex conjugate pair of shifts
                rt1r = tr * s
                rt2r = rt1r
                rt1i = rtdisc * s
                rt2i = -rt1i
            else:
                # real shifts: use twice the one closer to h22 (two distinct real
                # shifts that both match eigenvalue clusters would make the step noise)
                rt1r = tr + rtdisc
                rt2r = tr - rtdisc
                if fabs(rt1r - h22) <= fabs(rt2r - h22):
                    rt1r *= s
                    rt2r = rt1r
                else:
                    rt2r *= s
                    rt1r = rt2r
                rt1i = 0.0
                rt2i = 0.0
        # 3. the first column of (H - s1 I)(H - s2 I) at row m (GVL4 Alg. 7.5.1),
        # scaled against overflow; start at the lowest m whose bulge leaves h[m, m-1]
        # negligible (dlahqr loop 50)
        m = hi - 2
        while True:
            h21 = H[(m + 1) * ldh + m]
            s = fabs(H[m * ldh + m] - rt2r) + fabs(rt2i) + fabs(h21)
            h21 = h21 / s
            x = (h21 * H[m * ldh + m + 1] + (H[m * ldh + m] - rt1r)
                 * ((H[m * ldh + m] - rt2r) / s) - rt1i * (rt2i / s))
            y = h21 * (H[m * ldh + m] + H[(m + 1) * ldh + m + 1] - rt1r - rt2r)
            z = h21 * H[(m + 2) * ldh + m + 1]
            s = fabs(x) + fabs(y) + fabs(z)
            x /= s
            y /= s
            z /= s
            if m == lo:
                break
            h00 = fabs(H[m * ldh + m - 1]) * (fabs(y) + fabs(z))
            h01 = eps * fabs(x) * (fabs(H[(m - 1) * ldh + m - 1]) + fabs(H[m * ldh + m])
                                   + fabs(H[(m + 1) * ldh + m + 1]))
            if h00 <= h01:
                break
            m -= 1
        for k in range(lo, m):
            rtau[k] = 0.0        # the deferred updates skip the rows above the bulge
        # The chase updates only the active window lo..hi; the sweep's reflectors are
        # stored and, for the full Schur form, applied afterwards to the rest of H and
        # to Z^T in long contiguous passes (rows above the window: each row once, all
        # reflectors in order; the columns right of it and Z^T: chunk by chunk). The
        # parts are independent, so the result equals the reflector-by-reflector order.
        # chase the bulge with 3x3 reflectors, the last one 2x2 (GVL4 Alg. 7.5.1)
        for k in range(m, hi):
            nr = min(3, hi - k + 1)
            if k > m:
                x = H[k * ldh + k - 1]
                y = H[(k + 1) * ldh + k - 1]
                z = H[(k + 2) * ldh + k - 1] if nr == 3 else 0.0
            vec[0] = x
            vec[1] = y
            vec[2] = z
            t = _house_c(nr, &vec[0], &vec[1])
            if k > m:
                H[k * ldh + k - 1] = vec[0]
                H[(k + 1) * ldh + k - 1] = 0.0
                if nr == 3:
                    H[(k + 2) * ldh + k - 1] = 0.0
            elif m > lo:
                # the first reflector of a sweep started inside the block meets column
                # m-1 only in h[m, m-1] (dlahqr: scaled rather than negated, which stays
                # right when v underflows)
                H[k * ldh + k - 1] *= (1.0 - t)
            v1 = vec[1]
            v2 = vec[2] if nr == 3 else 0.0
            rtau[k] = t
            rv1[k] = v1
            rv2[k] = v2
            if t == 0.0:
                continue
            rlast = min(k + 3, hi)
            if nr == 3:
                # rows k..k+2 <- P rows  (P = I - t v v^T), window columns
                for j in range(k, hi + 1):
                    s = t * (H[k * ldh + j] + v1 * H[(k + 1) * ldh + j] + v2 * H[(k + 2) * ldh + j])
                    H[k * ldh + j] -= s
                    H[(k + 1) * ldh + j] -= s * v1
                    H[(k + 2) * ldh + j] -= s * v2
                # columns k..k+2 <- columns P, window rows
                for i in range(lo, rlast + 1):
                    s = t * (H[i * ldh + k] + v1 * H[i * ldh + k + 1] + v2 * H[i * ldh + k + 2])
                    H[i * ldh + k] -= s
                    H[i * ldh + k + 1] -= s * v1
                    H[i * ldh + k + 2] -= s * v2
            else:
                for j in range(k, hi + 1):
                    s = t * (H[k * ldh + j] + v1 * H[(k + 1) * ldh + j])
                    H[k * ldh + j] -= s
                    H[(k + 1) * ldh + j] -= s * v1
                for i in range(lo, rlast + 1):
                    s = t * (H[i * ldh + k] + v1 * H[i * ldh + k + 1])
                    H[i * ldh + k] -= s
                    H[i * ldh + k + 1] -= s * v1
        if wantt:
            # H[:lo, lo:hi+1] <- H[:lo, lo:hi+1] P_lo ... P_{hi-1}, row by row
            if floating is float:
                rm_srefl_cols(lo, hi, rtau, rv1, rv2, H, ldh, 0, lo)
            else:
                rm_refl_cols(lo, hi, rtau, rv1, rv2, H, ldh, 0, lo)
            # H[lo:hi+1, hi+1:] <- P_{hi-1} ... P_lo H[lo:hi+1, hi+1:], chunk by chunk
            if floating is float:
                rm_srefl_rows(lo, hi, rtau, rv1, rv2, H, ldh, hi + 1, n, 128)
            else:
                rm_refl_rows(lo, hi, rtau, rv1, rv2, H, ldh, hi + 1, n, 128)
        if ZT != NULL:
            # Z <- Z P_lo ... P_{hi-1}: the rows lo..hi of Z^T
            if floating is float:
                rm_srefl_rows(lo, hi, rtau, rv1, rv2, ZT, ldz, 0, n, 128)
            else:
                rm_refl_rows(lo, hi, rtau, rv1, rv2, ZT, ldz, 0, n, 128)
    return 0


# =================================================================================
# eigenvectors of the quasi-triangular T by back substitution (LAPACK dtrevc)
# =================================================================================
cdef void _trevc(Py_ssize_t n,
                 const floating* T, Py_ssize_t ldt,        # IN  real Schur form
                 const floating* wr, const floating* wi,   # IN eigenvalues (pairs standardised)
                 floating* X, Py_ssize_t ldx,              # OUT n x n: column k the eigenvector
                                                           #     of a real w_k; columns (k, k+1)
                                                           #     (Re, Im) of the vector of w_k
                                                           #     for a pair w_k = p + iq, q > 0
                 floating* xwork) noexcept nogil:          # work 2n: Re and Im of the vector
    """Solve (T - w I) x = 0 with x_k = 1 (or the 2x2 block's eigenvector) by back
    substitution upward, 1x1 and 2x2 diagonal blocks in turn (GVL4 Sec. 7.6, LAPACK
    dtrevc). Near-singular pivots are perturbed to smin = max(eps |w|, smlnum) as in
    dtrevc, with guarded divisions and rescaling instead of overflow.

    The real and imaginary parts of x are kept in two real arrays, so each step's sums
    T[j, j+1:k+1] . x are real dot products (SIMD ddot; one of them for a real w)."""
    cdef Py_ssize_t k, j, i, len_
    cdef double complex lam, r1, r2, a11, a12, a21, a22, rr, x1, x2
    cdef double smin, q, big, sc
    cdef floating eps = _lim(<floating>0, L_EPS)
    cdef floating safmin = _lim(<floating>0, L_SAFMIN)
    cdef double smlnum = safmin * (n / eps)
    cdef double tquot = _lim(<floating>0, L_TQUOT), tbig = _lim(<floating>0, L_TBIG)
    cdef floating* xr = xwork
    cdef floating* xi = xwork + n
    cdef bint cplx
    for i in range(n):
        for j in range(n):
            X[i * ldx + j] = 0.0
    k = n - 1
    while k >= 0:
        for i in range(k + 1):
            xr[i] = 0.0
            xi[i] = 0.0
        cplx = wi[k] != 0.0
        if not cplx:
            lam = wr[k]
            xr[k] = 1.0
            j = k - 1
        else:
            # pair (k-1, k): w_{k-1} = p + iq; the vector of the 2x2 block
            lam = wr[k - 1] + 1j * wi[k - 1]
            q = wi[k - 1]
            if fabs(T[(k - 1) * ldt + k]) >= fabs(T[k * ldt + k - 1]):
                xr[k - 1] = 1.0
                xi[k] = q / T[(k - 1) * ldt + k]
            else:
                xi[k - 1] = q / T[k * ldt + k - 1]
                xr[k] = 1.0
            j = k - 2
        # perturbed pivots as dtrevc: smin = max(eps |w|, smlnum). Near-singular pivots
        # make the solution grow; every division is guarded (a quotient above TQUOT
        # first scales the whole partial solution down) and the solution is rescaled
        # to max 1 once it passes TBIG, so nothing overflows (dtrevc / dlaln2's scale;
        # the table's limits in the type's range). The 2x2 complex solves are scalar
        # arithmetic in double complex for both types (there is no fused complex type);
        # the vectors, the dot products and every threshold are the type's own.
        smin = max(eps * (fabs(lam.real) + fabs(lam.imag)), smlnum)
        while j >= 0:
            len_ = k - j
            if j > 0 and T[j * ldt + j - 1] != 0.0:
                # 2x2 diagonal block (j-1, j): complex 2x2 solve with partial pivoting
                # r = -T[j-1:j+1, j+1:k+1] @ x[j+1:k+1]
                r1 = -xdot(len_, T + (j - 1) * ldt + j + 1, 1, xr + j + 1, 1)
                r2 = -xdot(len_, T + j * ldt + j + 1, 1, xr + j + 1, 1)
                if cplx:
                    r1 = r1 - 1j * xdot(len_, T + (j - 1) * ldt + j + 1, 1, xi + j + 1, 1)
                    r2 = r2 - 1j * xdot(len_, T + j * ldt + j + 1, 1, xi + j + 1, 1)
                a11 = T[(j - 1) * ldt + j - 1] - lam
                a12 = T[(j - 1) * ldt + j]
                a21 = T[j * ldt + j - 1]
                a22 = T[j * ldt + j] - lam
                if _cabs(a21) > _cabs(a11):
                    # swap the two equations
                    a11, a21 = a21, a11
                    a12, a22 = a22, a12
                    r1, r2 = r2, r1
                if _cabs(a11) < smin:
                    a11 = smin
                rr = a21 / a11
                a22 = a22 - rr * a12
                r2 = r2 - rr * r1
                if _cabs(a22) < smin:
                    a22 = smin
                sc = _guard(r2, a22, tquot)
                if sc != 1.0:
                    _scale_ri(xr, xi, j + 1, k + 1, sc)
                    r1 = r1 * sc
                    r2 = r2 * sc
                x2 = r2 / a22
                r1 = r1 - a12 * x2
                sc = _guard(r1, a11, tquot)
                if sc != 1.0:
                    _scale_ri(xr, xi, j + 1, k + 1, sc)
                    x2 = x2 * sc
                    r1 = r1 * sc
                x1 = r1 / a11
                xr[j] = x2.real
                xi[j] = x2.imag
                xr[j - 1] = x1.real
                xi[j - 1] = x1.imag
                big = max(_cabs(x1), _cabs(x2))
                if big > tbig:
                    _scale_ri(xr, xi, j - 1, k + 1, 1.0 / big)
                j -= 2
            else:
                # r = -T[j, j+1:k+1] @ x[j+1:k+1]
                r1 = -xdot(len_, T + j * ldt + j + 1, 1, xr + j + 1, 1)
                if cplx:
                    r1 = r1 - 1j * xdot(len_, T + j * ldt + j + 1, 1, xi + j + 1, 1)
                a11 = T[j * ldt + j] - lam
                if _cabs(a11) < smin:
                    a11 = smin
                sc = _guard(r1, a11, tquot)
                if sc != 1.0:
                    _scale_ri(xr, xi, j + 1, k + 1, sc)
                    r1 = r1 * sc
                x1 = r1 / a11
                xr[j] = x1.real
                xi[j] = x1.imag
                big = _cabs(x1)
                if big > tbig:
                    _scale_ri(xr, xi, j, k + 1, 1.0 / big)
                j -= 1
        if not cplx:
            for i in range(k + 1):
                X[i * ldx + k] = xr[i]
            k -= 1
        else:
            for i in range(k + 1):
                X[i * ldx + k - 1] = xr[i]
                X[i * ldx + k] = xi[i]
            k -= 2


cdef inline void _scale_ri(floating* xr, floating* xi, Py_ssize_t lo, Py_ssize_t hi,
                           double sc) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(lo, hi):
        xr[i] *= sc
        xi[i] *= sc


cdef inline double _cabs(double complex z) noexcept nogil:
    """|Re z| + |Im z|: LAPACK dlaln2's CABS1, within a factor sqrt(2) of |z| and free
    of hypot (the pivot choices, the smin perturbation and the overflow guards only
    need the magnitude's scale)."""
    return fabs(z.real) + fabs(z.imag)


cdef inline double _guard(double complex r, double complex a, double big) noexcept nogil:
    """1, or the factor that keeps |r / a| <= big (|a| > 0)."""
    cdef double ra = _cabs(r), aa = _cabs(a)
    if ra > big * aa:
        return (big * aa) / ra
    return 1.0


# the multishift QR with aggressive early deflation (dlaqr0/dlaqr3/dlaqr5, dlaexc)
include "_eig_multishift.pxi"


# =================================================================================
# the driver (LAPACK dgeev): one nogil function for the 2-D path and for the stacks
# =================================================================================
# geev's return codes (0: success)
cdef int GEEV_NOCONV = 1      # the QR iteration reached its cap
cdef int GEEV_NONFINITE = 2   # NaN or infinity in the input


# Up to this order geev forms Q by unblocked reflections (_org2hr, LAPACK dorg2r's
# backward accumulation) and V = Z X by plain loops: the blocked orgtr and the GEMM
# pay a packing buffer and a thread-team entry per call, which dominated a 4 x 4 eig
# (5.3 us of which ~60% GEMM/orgtr overhead, measured with perf on 100,000 4 x 4).
cdef Py_ssize_t GEEV_SMALL = 16


def _set_geev_small(Py_ssize_t k):
    """Set geev's small-order crossover (GEEV_SMALL); returns the previous one. For
    tests, which run both paths."""
    global GEEV_SMALL
    old = GEEV_SMALL
    GEEV_SMALL = k
    return old


cdef void _org2hr(Py_ssize_t n,
                  const floating* R,        # IN  reflector rows (v_k[1:] in R[k, k+2:])
                  const floating* tau,      # IN  n-2 factors
                  floating* Q) noexcept nogil:  # OUT n x n (leading dimension n)
    """Q = H_0 H_1 ... H_{n-3} of the Hessenberg reduction, unblocked (LAPACK dorg2r /
    dorghr): from Q = I, each H_k applied from the left to Q[k+1:, k+1:], last one
    first, so that every product only touches the block that is not yet the identity."""
    cdef Py_ssize_t i, j, k
    cdef floating s, t
    memset(Q, 0, n * n * sizeof(floating))
    for i in range(n):
        Q[i * n + i] = 1.0
    for k in range(n - 3, -1, -1):
        t = tau[k]
        if t == 0.0:
            continue
        # Q[k+1:, k+1:] -= t v (v^T Q[k+1:, k+1:]),  v = (1, R[k, k+2:])
        for j in range(k + 1, n):
            s = Q[(k + 1) * n + j]
            for i in range(k + 2, n):
                s += R[k * n + i] * Q[i * n + j]
            s *= t
            Q[(k + 1) * n + j] -= s
            for i in range(k + 2, n):
                Q[i * n + j] -= s * R[k * n + i]


cdef inline Py_ssize_t _pad_ld(Py_ssize_t n) noexcept nogil:
    """_checks.padded_ld without the GIL: a row stride that is not a multiple of 4 KiB."""
    return n + 8 if n >= 32 and (n * 8) % 1024 == 0 else n


cdef inline Py_ssize_t _r8(Py_ssize_t k) noexcept nogil:
    """k rounded up to a multiple of 8 entries (each part of the workspace starts on a
    64-byte boundary of a double workspace, a 32-byte one of a float workspace)."""
    return (k + 7) & ~(<Py_ssize_t>7)


cdef Py_ssize_t _ms_work_size(Py_ssize_t n) noexcept nogil:
    """Entries (float or double) of the multishift QR's workspace for order n
    (_ms_carve's layout)."""
    cdef Py_ssize_t nwork = _ms_nwork(n), ldt = _pad_ld(nwork)
    return 3 * _r8(nwork * ldt) + _r8(nwork * n) + 2 * _r8(3 * nwork)


cdef void _ms_carve(Py_ssize_t n, MSWork* w, floating* base, floating* rwork) noexcept nogil:
    """Point w's arrays into base (_ms_work_size(n) entries, zeroed here)."""
    cdef Py_ssize_t nwork = _ms_nwork(n), ldt = _pad_ld(nwork)
    cdef floating* p = base
    memset(base, 0, _ms_work_size(n) * sizeof(floating))
    w.T = p
    p += _r8(nwork * ldt)
    w.VT = p
    p += _r8(nwork * ldt)
    w.U = p
    p += _r8(nwork * ldt)
    w.G = p
    p += _r8(nwork * n)
    w.sr = p
    p += _r8(3 * nwork)
    w.si = p
    w.rwork = rwork
    w.ldt = ldt
    w.nwork = nwork


cdef Py_ssize_t geev_work_size(Py_ssize_t n, bint want_vectors) noexcept nogil:
    """Entries of geev's workspace for order n, in the matrix's type (the same count
    for float and double; its iwork: n entries)."""
    cdef Py_ssize_t s = _r8(n * _pad_ld(n))                 # H, padded rows
    s += 3 * _r8(n) + _r8(max(2 * n, NB)) + 2 * _r8(NB)  # scale, tau, y; col; w1, w2
    s += _r8(3 * n)                                      # the Francis reflectors
    if n - 1 > 2 * NB:                                   # _lahr2's panel
        s += 3 * _r8(NB * n) + _r8(NB * NB)
    if want_vectors:                                     # R, Q (then X), Z^T; orgtr; trevc
        s += 3 * _r8(n * n) + _r8(org_work_size(n, n, NB)) + _r8(2 * n)
    if n >= MS_NMIN:
        s += _ms_work_size(n)
    return s


cdef int geev(Py_ssize_t n,
              const floating* A, Py_ssize_t lda,      # IN    n x n (not modified)
              floating* wr, floating* wi,             # OUT   n, n: eigenvalues, pairs adjacent,
                                                      #       positive imaginary part first
              floating* VR, Py_ssize_t ldv,           # OUT   n x n eigenvectors (LAPACK's real
                                                      #       packing: a pair's vector as the
                                                      #       columns (Re, Im)), or NULL: none
              floating* work,                         # work  geev_work_size(n, VR != NULL)
              Py_ssize_t* iwork,                      # work  n
              Py_ssize_t* iters) noexcept nogil:      # OUT   QR sweeps
    """Eigenvalues and (optionally) right eigenvectors of a general real matrix, as
    LAPACK's dgeev: 0, GEEV_NOCONV (the QR iteration hit its cap) or GEEV_NONFINITE.

    0. Scaling: a matrix whose largest entry is outside [1/SCALE, SCALE] (1e-140..1e140
       for double, 1e-12..1e12 for float: the per-dtype table) is scaled to the nearer
       end of that window (dgeev's dlascl guard to SMLNUM / BIGNUM: as little as needed,
       so that small entries of a huge matrix do not underflow), the eigenvalues
       scaled back at the end.
    1. Balancing (dgebal, [PR69]) and Householder reduction to Hessenberg form
       (dgehrd, GVL4 Alg. 7.4.2); with vectors, Q formed (dorghr).
    2. The real Schur form by the QR algorithm (dhseqr): the multishift QR with
       aggressive early deflation for n >= MS_NMIN ([BBM02], dlaqr0), else the Francis
       double-shift QR (GVL4 Alg. 7.5.2, dlahqr).
    3. With vectors: back substitution on the quasi-triangular T (dtrevc), back-
       transformation V = D P Z X (dgebak), then dgeev's normalisation: unit 2-norm
       columns; for a complex pair the vector's largest component made real by a
       rotation of its two columns (dlartg + drot).
    No allocation: every array lives in work / iwork (one per thread in the stacks)."""
    cdef bint want_vectors = VR != NULL
    cdef Py_ssize_t ldh = _pad_ld(n), i, j, k, m, ilo = 0, ihi = n - 1
    cdef floating anrm = 0.0, t, cs, sn, r
    cdef floating big = _lim(<floating>0, L_MAX), lim = _lim(<floating>0, L_SCALE)
    cdef double f = 1.0             # in double: SMLNUM / anrm of a subnormal fits
    cdef int status
    cdef floating* H
    cdef floating* scale
    cdef floating* tau
    cdef floating* y
    cdef floating* col
    cdef floating* w1
    cdef floating* w2
    cdef floating* rw
    cdef floating* p
    cdef floating* PVT = NULL
    cdef floating* PY = NULL
    cdef floating* PT = NULL
    cdef floating* PW = NULL
    cdef floating* R = NULL
    cdef floating* Q = NULL
    cdef floating* ZT = NULL
    cdef floating* OW = NULL
    cdef floating* xw = NULL
    cdef MSWork msw
    iters[0] = 0
    if n == 0:
        return 0
    # 0. the largest entry (and the finite check), dgeev's scaling
    for i in range(n):
        for j in range(n):
            t = fabs(A[i * lda + j])
            if not t <= big:                    # NaN or infinity
                return GEEV_NONFINITE
            if t > anrm:
                anrm = t
    if anrm != 0.0 and anrm < 1 / lim:
        f = (1.0 / <double>lim) / anrm      # dgeev: max |a_ij| -> SMLNUM
    elif anrm > lim:
        f = lim / <double>anrm              # dgeev: max |a_ij| -> BIGNUM
    # the workspace, in geev_work_size's order
    H = work
    scale = H + _r8(n * ldh)
    tau = scale + _r8(n)
    y = tau + _r8(n)
    col = y + _r8(n)
    w1 = col + _r8(max(2 * n, NB))
    w2 = w1 + _r8(NB)
    rw = w2 + _r8(NB)
    p = rw + _r8(3 * n)
    if n - 1 > 2 * NB:
        PVT = p
        PY = PVT + _r8(NB * n)
        PW = PY + _r8(NB * n)
        PT = PW + _r8(NB * n)
        p = PT + _r8(NB * NB)
    if want_vectors:
        R = p
        Q = R + _r8(n * n)
        ZT = Q + _r8(n * n)
        OW = ZT + _r8(n * n)
        xw = OW + _r8(org_work_size(n, n, NB))
        p = xw + _r8(2 * n)
        memset(R, 0, n * n * sizeof(floating))
    memset(work, 0, (rw + 3 * n - work) * sizeof(floating))
    # the working copy (padded rows: the QR sweeps walk down columns), scaled
    for i in range(n):
        for j in range(n):
            H[i * ldh + j] = A[i * lda + j] * f
    # 1. LAPACK dgeev: balance, reduce to Hessenberg form
    _balance(n, H, ldh, scale, iwork, &ilo, &ihi)
    # the permutation left H[ilo:ihi+1, ilo:ihi+1] as the only block to reduce; when it
    # is at most 2 x 2, H is already upper Hessenberg (triangular input, ...)
    if ihi - ilo >= 2:
        _gehrd(n, H, ldh, tau, R, n, PVT, PY, PT, PW, col, y, w1, w2)
    if want_vectors:
        # Z^T = Q^T: the QR iteration rotates its rows
        if ihi - ilo >= 2:
            if n <= GEEV_SMALL:
                _org2hr(n, R, tau, Q)
            else:
                orgtr(n, R, n, tau, Q, n, NB, OW)
            for i in range(n):
                for j in range(n):
                    ZT[i * n + j] = Q[j * n + i]
        else:
            memset(ZT, 0, n * n * sizeof(floating))    # no reduction was needed: Q = I
            for i in range(n):
                ZT[i * n + i] = 1.0
    # 2. the real Schur form H = Z T Z^T (dhseqr's choice of QR algorithm)
    if n >= MS_NMIN:
        _ms_carve(n, &msw, p, rw)
        status = _laqr0(n, H, ldh, ZT, n, want_vectors, wr, wi, iters, &msw)
    else:
        status = _hqr(n, H, ldh, ZT, n, want_vectors, wr, wi, iters, rw)
    if status:
        return GEEV_NOCONV
    if want_vectors:
        # 3. X: eigenvectors of T (dtrevc), in Q's place
        _trevc(n, H, ldh, wr, wi, Q, n, xw)
        # V = Z X, then undo the balancing D (eigenvectors of A are D v)   (dgebak)
        if n <= GEEV_SMALL:
            # V = Z X by loops: X is quasi upper triangular (column j has rows <= j+1)
            for i in range(n):
                for j in range(n):
                    t = 0.0
                    for k in range(min(j + 2, n)):
                        t += ZT[k * n + i] * Q[k * n + j]
                    VR[i * ldv + j] = t
        else:
            xgemm(True, False, n, n, n, 1.0, ZT, n, Q, n, 0.0, VR, ldv)
        for i in range(n):
            if scale[i] != 1.0:
                for j in range(n):
                    VR[i * ldv + j] *= scale[i]
        # undo the permutation, v = P_1 ... P_K v_bal: the swaps in reverse order of
        # execution (the column phase filled positions 0..ilo-1 after the row phase had
        # filled n-1 down to ihi+1)
        for k in range(ilo + n - 1 - ihi):
            j = ilo - 1 - k if k < ilo else ihi + 1 + (k - ilo)
            m = iwork[j]
            if m >= 0 and m != j:
                xswap(n, VR + j * ldv, 1, VR + m * ldv, 1)
        # dgeev's normalisation
        j = 0
        while j < n:
            if wi[j] == 0.0:
                t = xnrm2(n, VR + j, ldv)
                if t > 0.0:
                    for i in range(n):
                        VR[i * ldv + j] /= t
                j += 1
            else:
                t = hypot(xnrm2(n, VR + j, ldv), xnrm2(n, VR + j + 1, ldv))
                k = 0
                r = -1.0
                for i in range(n):
                    VR[i * ldv + j] /= t
                    VR[i * ldv + j + 1] /= t
                    cs = VR[i * ldv + j] * VR[i * ldv + j] + \
                        VR[i * ldv + j + 1] * VR[i * ldv + j + 1]
                    if cs > r:
                        r = cs
                        k = i
                # rotate the pair's columns so that component k becomes real
                lartg(VR[k * ldv + j], VR[k * ldv + j + 1], &cs, &sn, &r)
                rot_strided(n, cs, sn, VR + j, ldv, VR + j + 1, ldv)
                VR[k * ldv + j + 1] = 0.0
                j += 2
    if f != 1.0:
        for i in range(n):
            wr[i] /= f
            wi[i] /= f
    return 0


cdef void unpack_vectors(Py_ssize_t batch, Py_ssize_t n,
                         const floating* wi,  # IN  batch x n
                         const floating* VR,  # IN  batch x n x n, geev's real packing
                         floating* V          # OUT batch x n x n complex numbers as
                                              #     (re, im) pairs: a complex64 /
                                              #     complex128 array's memory
                         ) noexcept nogil:
    """The complex eigenvectors from geev's packing (numpy's
    mk_geev_complex_eigenvectors): a real w_j's column as it is; a pair (j, j+1) with
    columns (Re, Im) becomes v_j = Re + i Im, v_{j+1} = conj(v_j)."""
    cdef Py_ssize_t b, i, j
    cdef const floating* x
    cdef const floating* im
    cdef floating* z
    for b in range(batch):
        x = VR + b * n * n
        im = wi + b * n
        z = V + 2 * b * n * n
        j = 0
        while j < n:
            if im[j] != 0.0 and j + 1 < n:
                for i in range(n):
                    z[2 * (i * n + j)] = x[i * n + j]
                    z[2 * (i * n + j) + 1] = x[i * n + j + 1]
                    z[2 * (i * n + j + 1)] = x[i * n + j]
                    z[2 * (i * n + j + 1) + 1] = -x[i * n + j + 1]
                j += 2
            else:
                for i in range(n):
                    z[2 * (i * n + j)] = x[i * n + j]
                    z[2 * (i * n + j) + 1] = 0.0
                j += 1


def _unpack_all(floating[:, ::1] wi, floating[:, :, ::1] VR, floating[:, ::1] V2):
    """unpack_vectors on whole arrays; V2 is the complex result viewed as reals."""
    with nogil:
        unpack_vectors(wi.shape[0], wi.shape[1], &wi[0, 0], &VR[0, 0, 0], &V2[0, 0])


def geev_results(wr, wi, VR, shape, dtype):
    """numpy.linalg.eig's results from geev's arrays wr, wi (batch, n) and VR
    (batch, n, n) or None, all of the computing type dtype, shaped shape + (n,) and
    shape + (n, n): real (dtype) when every eigenvalue of the whole call is real, else
    complex (complex64 for float32), as numpy decides it (numpy/linalg/_linalg.py:
    ``all(w.imag == 0.0)``)."""
    cdef Py_ssize_t batch = wr.shape[0], n = wr.shape[1]
    if not (wi != 0.0).any():
        w = wr.astype(dtype, copy=False).reshape(shape + (n,))
        if VR is None:
            return w, None
        return w, VR.astype(dtype, copy=False).reshape(shape + (n, n))
    ctype = np.complex64 if dtype == np.float32 else np.complex128
    w = np.empty((batch, n), dtype=ctype)
    w.real = wr
    w.imag = wi
    w = w.reshape(shape + (n,))
    if VR is None:
        return w, None
    Vc = np.empty((batch, n, n), dtype=ctype)
    if batch and n:
        _unpack_all(wi, VR, Vc.reshape(batch, n * n).view(dtype))
    return w, Vc.reshape(shape + (n, n))


def _input_dtype(A):
    """float32 for a float32 input (Matrix or array), else float64 (numpy's rule)."""
    dt = getattr(A, "dtype", None)
    if dt is not None and np.dtype(dt).type is np.float32:
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def _geev_one(floating[:, ::1] a, floating[:, ::1] wr, floating[:, ::1] wi,
              floating[:, :, ::1] VR, bint want_vectors, floating[::1] work):
    """geev on the n x n a (n >= 1) into wr, wi (1 x n) and VR (1 x n x n, when
    want_vectors), in a's type; returns (status, sweeps)."""
    cdef Py_ssize_t n = a.shape[0], iters = 0
    cdef Py_ssize_t[::1] iwork = np.empty(n, dtype=np.intp)
    cdef floating* vp = &VR[0, 0, 0] if want_vectors else NULL
    cdef int status
    with nogil:
        status = geev(n, &a[0, 0], n, &wr[0, 0], &wi[0, 0], vp, n, &work[0],
                      &iwork[0], &iters)
    return status, iters


def _eig_impl(A, bint want_vectors, str name):
    """One matrix through geev, computed in the input's type (float32 or float64)."""
    dtype = _input_dtype(A)
    a = _work_copy(A, name).astype(dtype, copy=False)   # (float32 -> 64 -> 32: exact)
    cdef Py_ssize_t n = a.shape[0]
    wr = np.zeros((1, n), dtype=dtype)
    wi = np.zeros((1, n), dtype=dtype)
    VR = np.empty((1, n, n), dtype=dtype) if want_vectors else None
    status, iters = 0, 0
    if n:
        work = np.empty(geev_work_size(n, want_vectors), dtype=dtype)
        status, iters = _geev_one(a, wr, wi, VR if want_vectors else a[None], want_vectors,
                                  work)
    if status == GEEV_NONFINITE:
        raise ValueError("%s: the matrix contains NaN or infinity" % name)
    if status:
        raise LinAlgError("%s: Francis QR did not converge after %d sweeps"
                          % (name, CAP_FACTOR * max(n, 10)))
    global _last_sweeps
    _last_sweeps = iters
    w, V = geev_results(wr, wi, VR, (), dtype)
    return EigResult(w, V)


def eig(A):
    """Eigenvalues and right eigenvectors of a general real square matrix.

    A V = V diag(w). Method (LAPACK dgeev, the nogil driver ``geev``): balancing by a
    diagonal similarity of powers of 2 ([PR69], dgebal), Householder reduction to upper
    Hessenberg form A = Q H Q^T (GVL4 Alg. 7.4.2), QR iteration to the real Schur form
    H = Z T Z^T: for n >= 200 the small-bulge multishift QR with aggressive early
    deflation ([BBM02], LAPACK dlaqr0; most of its flops in GEMM), else Francis
    double-shift QR with deflation (GVL4 Alg. 7.5.1/7.5.2, exceptional shifts as
    dlahqr), 2x2 blocks standardised as dlanv2; eigenvectors of T by back substitution
    on the quasi-triangular factor (GVL4 Sec. 7.6, dtrevc), back-transformed
    V = D Q Z X and normalised to unit 2-norm (for a complex vector: largest component
    real, as dgeev). Stacks (..., M, M) are taken by ``rusty_machine.linalg.eig``
    (_stacked.pyx), which runs the same ``geev`` over the batch.

    Parameters
    ----------
    A : array-like of shape (n, n)

    Returns
    -------
    EigResult(eigenvalues, eigenvectors)
        eigenvalues : ndarray of shape (n,), real when all are real, else complex with
        each conjugate pair adjacent and the positive imaginary part first (as numpy);
        eigenvectors : ndarray of shape (n, n), unit-norm columns (complex when the
        eigenvalues are), ``V[:, i]`` for ``w[i]``; for a defective matrix the columns
        are nearly parallel. float64 / complex128, or float32 / complex64 for float32
        input (computed in float32: residuals of order n eps32 ||A||).

    Raises
    ------
    ValueError
        Not 2-D, not square (the message names the shape), or NaN/inf entries.
    TypeError
        Non-numeric data.
    LinAlgError
        The QR iteration exceeded its cap of 30 max(n, 10) iterations (sweeps of the
        double-shift QR per block, deflation-and-sweep steps of the multishift QR).
    """
    return _eig_impl(A, True, "eig")


def eigvals(A):
    """Eigenvalues of a general real square matrix (no eigenvectors).

    Same balancing, Hessenberg reduction and QR iteration as :func:`eig`
    (GVL4 Alg. 7.5.2, multishift for n >= 200), but Q and Z are never formed and each
    QR sweep only updates the active diagonal block, not the full Schur form: about
    10 n^3 flops against 25 n^3.

    Parameters
    ----------
    A : array-like of shape (n, n)

    Returns
    -------
    w : ndarray of shape (n,), real or complex, of the dtypes of :func:`eig`
    """
    return _eig_impl(A, False, "eigvals").eigenvalues


def hessenberg(A):
    """Householder reduction to upper Hessenberg form: A = Q H Q^T.

    Teaching view of the first step of :func:`eig` (without balancing). For
    k = 0..n-3 a reflector H_k = I - tau_k v_k v_k^T (GVL4 Alg. 5.1.1) zeroes column k
    below the subdiagonal and is applied from both sides, which keeps the similarity
    (GVL4 Alg. 7.4.2, LAPACK dgehd2); Q = H_0 ... H_{n-3} is formed blockwise
    (dorghr).

    Parameters
    ----------
    A : array-like of shape (n, n)

    Returns
    -------
    H : Matrix of shape (n, n)
        Upper Hessenberg (zero below the first subdiagonal).
    Q : Matrix of shape (n, n)
        Orthogonal, with ``A = Q @ H @ Q.T``. Both float32 for float32 input (computed
        in float32), else float64.
    """
    dtype = _input_dtype(A)
    a = _work_copy(A, "hessenberg").astype(dtype, copy=False)
    cdef Py_ssize_t n = a.shape[0]
    if n == 0:
        return asmatrix(np.empty((0, 0), dtype)), asmatrix(np.empty((0, 0), dtype))
    Qa = np.empty((n, n), dtype=dtype)
    _gehrd_orghr(a, Qa)
    return asmatrix(a), asmatrix(Qa)


def _gehrd_orghr(floating[:, ::1] H, floating[:, ::1] Q):
    """H <- the Hessenberg form of H (n x n, n >= 1) and Q its orthogonal factor, in
    H's type (_gehrd, then orgtr forms Q from the reflector rows)."""
    cdef Py_ssize_t n = H.shape[0]
    dtype = np.float32 if floating is float else np.float64
    cdef floating[::1] tau = np.zeros(n, dtype)
    cdef floating[::1] col = np.zeros(max(2 * n, NB), dtype)
    cdef floating[::1] y = np.zeros(n, dtype)
    cdef floating[:, ::1] PVT = np.zeros((NB, n), dtype)
    cdef floating[:, ::1] PY = np.zeros((n, NB), dtype)
    cdef floating[:, ::1] PT = np.zeros((NB, NB), dtype)
    cdef floating[:, ::1] PW = np.zeros((NB, n), dtype)
    cdef floating[::1] w1 = np.zeros(NB, dtype)
    cdef floating[::1] w2 = np.zeros(NB, dtype)
    cdef floating[:, ::1] R = np.zeros((n, n), dtype)
    cdef floating[::1] OW = np.empty(org_work_size(n, n, NB), dtype)
    with nogil:
        _gehrd(n, &H[0, 0], n, &tau[0], &R[0, 0], n, &PVT[0, 0], &PY[0, 0], &PT[0, 0],
               &PW[0, 0], &col[0], &y[0], &w1[0], &w2[0])
        orgtr(n, &R[0, 0], n, &tau[0], &Q[0, 0], n, NB, &OW[0])


def _cap_factor():
    """The current sweep-cap factor (caps are _cap_factor() * max(n, 10))."""
    return CAP_FACTOR

# cython: language_level=3
"""svd.pyx: singular value decomposition by bidiagonalisation, then divide and conquer
(vectors) or bidiagonal QR (values only).

References
----------
[GVL4]   G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., 2013.
         Alg. 5.1.1 (Householder vector), Alg. 5.4.2 (Householder bidiagonalisation),
         Alg. 8.6.1 (Golub-Kahan SVD step), Alg. 8.6.2 (the SVD algorithm),
         Sec. 5.1.7 (compact WY representation).
[GE95]   M. Gu and S. C. Eisenstat, "A divide-and-conquer algorithm for the bidiagonal
         SVD", SIAM J. Matrix Anal. Appl. 16 (1995) 79-92 (in _bdsdc.pyx).
[DK90]   J. Demmel and W. Kahan, "Accurate singular values of bidiagonal matrices",
         SIAM J. Sci. Stat. Comput. 11 (1990) 873-912 (the bidiagonal QR, _bdsdc.pyx).
[Chan82] T. F. Chan, "An improved algorithm for computing the singular value
         decomposition", ACM Trans. Math. Softw. 8 (1982) 72-83 (QR first when m >> n).
[DSH89]  J. J. Dongarra, D. C. Sorensen, S. J. Hammarling, "Block reduction of matrices
         to condensed forms for eigenvalue computations", J. Comput. Appl. Math. 27
         (1989) 215-227 (the panel form A - V Y^T - X U^T of dlabrd).
[LAPACK] dgebd2/dgebrd/dlabrd (bidiagonalisation, blocked), dormbr (applying Q_L and
         Q_R to the bidiagonal's vectors), dorgbr (forming them, for the QR path),
         dbdsdc (bidiagonal divide and conquer), dbdsqr (bidiagonal QR), dgesdd (the
         driver: QR first for tall matrices, vectors by divide and conquer).

Layout: row-major. A wide matrix is handled through its transpose (A^T = V S U^T).
With vectors: A = Q_L B Q_R^T, B = U_B S V_B^T by divide and conquer (_bdsdc.bdsdc),
then U = Q_L U_B and V = Q_R V_B by the blocked reflectors (Q_L, Q_R never formed).
Values only: the bidiagonal QR without any rotation accumulated, O(n^2) after the
reduction (no square roots are saved by dqds at these sizes: the reduction dominates).
"""
from collections import namedtuple

import numpy as np

from libc.string cimport memset, memcpy

from rusty_machine.linalg.blas cimport dgemm, dgemv, dger, dswap, dscal
from rusty_machine.linalg._householder cimport (house, org_q, orgtr, org_work_size,
                                                larft, larfb, ormtr_left)
from rusty_machine.linalg._bdsdc cimport bdsqr, bdsdc, cap_factor, SWEEP_BATCH
from rusty_machine.linalg._qr cimport (geqrf, orgqr, qr_block_size,
                                       work_size as qr_work_size)
from rusty_machine.linalg import _bdsdc
from rusty_machine.exceptions import LinAlgError
from rusty_machine.linalg.matrix import asmatrix, asvector
from rusty_machine.linalg._checks import (work_copy as _work_copy,
                                          scale_factor as _scale_factor,
                                          padded_ld as _padded_ld)


# numpy's named result (numpy.linalg's SVDResult), with the same field names
SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])

cdef double EPS = 2.220446049250313e-16
cdef double SAFMIN = 2.2250738585072014e-308
cdef Py_ssize_t NB = 32

# =================================================================================
# bidiagonalisation (GVL4 Alg. 5.4.2, LAPACK dgebd2), m >= n, upper bidiagonal
# =================================================================================
cdef void _gebd2(Py_ssize_t m, Py_ssize_t n,
                 double* W, Py_ssize_t ldw,     # INOUT m x n; on exit row k holds the right
                                                #       reflector v_k[1:] in W[k, k+2:]
                 double* d, double* e,          # OUT   n, n-1
                 double* tauq, double* taup,    # OUT   n, n (taup[n-2], taup[n-1] = 0)
                 double* QLT, Py_ssize_t ldq,   # OUT   n x m left reflectors as rows
                                                #       (unit at k, zeros before), or NULL
                 double* col, double* y,        # work  m, max(m, n)
                 Py_ssize_t kstart) noexcept nogil:   # IN first column to reduce
    """A = Q_L B Q_R^T with Q_L = H_0 ... H_{n-1}, Q_R = G_0 ... G_{n-3}, unblocked
    (LAPACK dgebd2), from column kstart on (the earlier ones were done by _labrd).

    Step k (GVL4 Alg. 5.4.2): H_k zeroes column k below the diagonal, then G_k zeroes
    row k right of the superdiagonal."""
    cdef Py_ssize_t k, i, r, c
    cdef double t
    for k in range(kstart, n):
        taup[k] = 0.0
    for k in range(kstart, n):
        r = m - k
        # gather column k (rows k..m-1): strided in row-major storage
        for i in range(r):
            col[i] = W[(k + i) * ldw + k]
        t = house(r, col, col + 1, 1)
        tauq[k] = t
        d[k] = col[0]
        col[0] = 1.0
        if QLT != NULL:
            memset(QLT + k * ldq, 0, k * sizeof(double))
            memcpy(QLT + k * ldq + k, col, r * sizeof(double))
        c = n - k - 1
        if t != 0.0 and c > 0:
            # W[k:, k+1:] -= t v (v^T W[k:, k+1:])
            dgemv(True, r, c, 1.0, W + k * ldw + k + 1, ldw, col, 1, 0.0, y, 1)
            dger(r, c, -t, col, 1, y, 1, W + k * ldw + k + 1, ldw)
        if k < n - 1:
            # right reflector on row k, columns k+1..n-1 (contiguous)
            t = house(c, W + k * ldw + k + 1, W + k * ldw + k + 2, 1)
            taup[k] = t
            e[k] = W[k * ldw + k + 1]
            if t != 0.0 and r > 1:
                # v = [1; W[k, k+2:]];  W[k+1:, k+1:] -= t (W[k+1:, k+1:] v) v^T
                col[0] = 1.0
                for i in range(1, c):
                    col[i] = W[k * ldw + k + 1 + i]
                dgemv(False, r - 1, c, 1.0, W + (k + 1) * ldw + k + 1, ldw, col, 1, 0.0, y, 1)
                dger(r - 1, c, -t, y, 1, col, 1, W + (k + 1) * ldw + k + 1, ldw)


cdef void _labrd(Py_ssize_t m, Py_ssize_t n, Py_ssize_t k0,
                 double* W, Py_ssize_t ldw,     # INOUT m x n, panel k0..k0+NB-1 reduced,
                                                #       trailing block updated
                 double* d, double* e,          # OUT   d, e of the panel
                 double* tauq, double* taup,    # OUT
                 double* QLT, Py_ssize_t ldq,   # OUT   left reflectors as rows (unit at k)
                 double* X, double* Y,          # work  m x NB, n x NB (row-major, ld NB)
                 double* col, double* y,        # work  m, max(m, n)
                 double* t1, double* t2) noexcept nogil:   # work NB + 1 each
    """One panel of the blocked bidiagonalisation (LAPACK dlabrd/dgebrd, m >= n).

    Within the panel the trailing matrix is not updated; its current value is
    A - V Y^T - X U^T, with V / U the panel's left / right reflectors and Y, X built
    column by column ([DSH89], the dlatrd idea on both sides). Each column then costs
    two matrix-vector products with the trailing block (not four), and the rest of the
    update is two GEMMs at the end of the panel."""
    cdef Py_ssize_t mr = m - k0, nr = n - k0, i, j, r, c
    cdef double* A = W + k0 * ldw + k0
    cdef double* VT = QLT + k0 * ldq + k0        # V^T: row j = v_j (local), ld ldq
    cdef double t
    for i in range(NB):
        r = mr - i
        c = nr - i - 1
        # (1) column i of the current matrix: a[i:, i] -= V[i:, :i] Y[i, :i]^T + X[i:, :i] U[:i, i]
        for j in range(r):
            col[j] = A[(i + j) * ldw + i]
        if i > 0:
            dgemv(True, i, r, -1.0, VT + i, ldq, Y + i * NB, 1, 1.0, col, 1)
            for j in range(i):
                t1[j] = A[j * ldw + i]
            dgemv(False, r, i, -1.0, X + i * NB, NB, t1, 1, 1.0, col, 1)
        # (2) left reflector H_i from the column (GVL4 Alg. 5.1.1)
        t = house(r, col, col + 1, 1)
        tauq[k0 + i] = t
        d[k0 + i] = col[0]
        col[0] = 1.0
        memset(QLT + (k0 + i) * ldq, 0, (k0 + i) * sizeof(double))
        memcpy(VT + i * ldq + i, col, r * sizeof(double))
        # (3) Y[i+1:, i] = t (A[i:, i+1:]^T v - Y[i+1:, :i] (V[i:, :i]^T v)
        #                     - U[:i, i+1:]^T (X[i:, :i]^T v))
        dgemv(True, r, c, 1.0, A + i * ldw + i + 1, ldw, col, 1, 0.0, y, 1)
        if i > 0:
            dgemv(False, i, r, 1.0, VT + i, ldq, col, 1, 0.0, t1, 1)
            dgemv(False, c, i, -1.0, Y + (i + 1) * NB, NB, t1, 1, 1.0, y, 1)
            dgemv(True, r, i, 1.0, X + i * NB, NB, col, 1, 0.0, t2, 1)
            dgemv(True, i, c, -1.0, A + i + 1, ldw, t2, 1, 1.0, y, 1)
        for j in range(i + 1):
            Y[j * NB + i] = 0.0
        for j in range(c):
            Y[(i + 1 + j) * NB + i] = t * y[j]
        # (4) row i of the current matrix: a[i, i+1:] -= Y[i+1:, :i+1] V[i, :i+1]^T
        #                                               + X[i, :i] U[:i, i+1:]
        for j in range(i + 1):
            t1[j] = VT[j * ldq + i]
        dgemv(False, c, i + 1, -1.0, Y + (i + 1) * NB, NB, t1, 1, 1.0, A + i * ldw + i + 1, 1)
        if i > 0:
            dgemv(True, i, c, -1.0, A + i + 1, ldw, X + i * NB, 1, 1.0, A + i * ldw + i + 1, 1)
        # (5) right reflector G_i from the row (unit kept in place during the panel)
        t = house(c, A + i * ldw + i + 1, A + i * ldw + i + 2, 1)
        taup[k0 + i] = t
        e[k0 + i] = A[i * ldw + i + 1]
        A[i * ldw + i + 1] = 1.0
        # (6) X[i+1:, i] = t (A[i+1:, i+1:] u - V[i+1:, :i+1] (Y[i+1:, :i+1]^T u)
        #                     - X[i+1:, :i] (U[:i, i+1:] u))
        dgemv(False, r - 1, c, 1.0, A + (i + 1) * ldw + i + 1, ldw, A + i * ldw + i + 1, 1,
              0.0, y, 1)
        dgemv(True, c, i + 1, 1.0, Y + (i + 1) * NB, NB, A + i * ldw + i + 1, 1, 0.0, t1, 1)
        dgemv(True, i + 1, r - 1, -1.0, VT + i + 1, ldq, t1, 1, 1.0, y, 1)
        if i > 0:
            dgemv(False, i, c, 1.0, A + i + 1, ldw, A + i * ldw + i + 1, 1, 0.0, t2, 1)
            dgemv(False, r - 1, i, -1.0, X + (i + 1) * NB, NB, t2, 1, 1.0, y, 1)
        for j in range(i + 1):
            X[j * NB + i] = 0.0
        for j in range(r - 1):
            X[(i + 1 + j) * NB + i] = t * y[j]
    # trailing update: A[NB:, NB:] -= V[NB:, :] Y[NB:, :]^T + X[NB:, :] U[:, NB:]
    dgemm(True, True, mr - NB, nr - NB, NB, -1.0, VT + NB, ldq, Y + NB * NB, NB, 1.0,
          A + NB * ldw + NB, ldw)
    dgemm(False, False, mr - NB, nr - NB, NB, -1.0, X + NB * NB, NB, A + NB, ldw, 1.0,
          A + NB * ldw + NB, ldw)
    # put the superdiagonal back where the units were
    for i in range(NB):
        A[i * ldw + i + 1] = e[k0 + i]


cdef void _gebrd(Py_ssize_t m, Py_ssize_t n,
                 double* W, Py_ssize_t ldw,     # INOUT as _gebd2
                 double* d, double* e,          # OUT
                 double* tauq, double* taup,    # OUT
                 double* QLT, Py_ssize_t ldq,   # OUT   n x m (always: the panels need V)
                 double* X, double* Y,          # work  m x NB, n x NB
                 double* col, double* y,        # work  m, max(m, n)
                 double* t1, double* t2) noexcept nogil:   # work NB + 1 each
    """Blocked bidiagonalisation (LAPACK dgebrd): _labrd panels while more than 2 NB
    columns remain, then the unblocked _gebd2 on the rest."""
    cdef Py_ssize_t k0 = 0
    while n - k0 > 2 * NB:
        _labrd(m, n, k0, W, ldw, d, e, tauq, taup, QLT, ldq, X, Y, col, y, t1, t2)
        k0 += NB
    _gebd2(m, n, W, ldw, d, e, tauq, taup, QLT, ldq, col, y, k0)


cdef void _sign_and_sort(Py_ssize_t n, double* d,
                         double* UT, Py_ssize_t ldu, Py_ssize_t ucols,
                         double* VT, Py_ssize_t ldv, Py_ssize_t vcols) noexcept nogil:
    """Make the singular values non-negative (negating rows of V^T) and sort them in
    descending order, permuting the rows of U^T and V^T alike."""
    cdef Py_ssize_t i, j, jmax
    cdef double t
    for i in range(n):
        if d[i] < 0.0:
            d[i] = -d[i]
            if VT != NULL:
                dscal(vcols, -1.0, VT + i * ldv, 1)
    for i in range(n - 1):
        jmax = i
        for j in range(i + 1, n):
            if d[j] > d[jmax]:
                jmax = j
        if jmax != i:
            t = d[i]
            d[i] = d[jmax]
            d[jmax] = t
            if UT != NULL:
                dswap(ucols, UT + i * ldu, 1, UT + jmax * ldu, 1)
            if VT != NULL:
                dswap(vcols, VT + i * ldv, 1, VT + jmax * ldv, 1)


def _bidiagonalise(double[:, ::1] W, double[::1] d, double[::1] e, double[::1] tauq,
                   double[::1] taup, bint want_reflectors):
    """Bidiagonalise the tall W in place (blocked when n > 2 NB); returns the left
    reflectors as rows (n x m) when wanted, else None."""
    cdef Py_ssize_t m = W.shape[0], n = W.shape[1]
    cdef bint blocked = n > 2 * NB
    cdef double[::1] col = np.zeros(max(m, NB))
    cdef double[::1] y = np.zeros(max(m, n))
    cdef double[::1] t1 = np.zeros(NB + 1)
    cdef double[::1] t2 = np.zeros(NB + 1)
    cdef double[:, ::1] X
    cdef double[:, ::1] Y
    cdef double[:, ::1] QLT
    cdef double* qlt = NULL
    QLTa = None
    if want_reflectors or blocked:
        QLTa = np.zeros((n, m))
        QLT = QLTa
        qlt = &QLT[0, 0]
    if blocked:
        X = np.zeros((m, NB))
        Y = np.zeros((n, NB))
        with nogil:
            _gebrd(m, n, &W[0, 0], n, &d[0], &e[0], &tauq[0], &taup[0], qlt, m,
                   &X[0, 0], &Y[0, 0], &col[0], &y[0], &t1[0], &t2[0])
    else:
        with nogil:
            _gebd2(m, n, &W[0, 0], n, &d[0], &e[0], &tauq[0], &taup[0], qlt, m,
                   &col[0], &y[0], 0)
    return QLTa if want_reflectors else None


def _set_cap_factor(Py_ssize_t k):
    """Set the sweep-cap factor of the bidiagonal QR (the cap is k * (n + 1)); returns
    the previous one (tests lower it to see the error)."""
    return _bdsdc._set_cap_factor(k)


# the bidiagonal SVD with vectors: divide and conquer (else QR throughout; tests)
_USE_DC = True
# reflectors per block when Q_L and Q_R are applied to the bidiagonal's vectors
cdef Py_ssize_t NBQ = 64


cdef void _orm_left(Py_ssize_t m, Py_ssize_t ncols, Py_ssize_t k,
                    const double* QLT, Py_ssize_t ldq,   # IN  k x m reflectors as rows
                    const double* tau,                   # IN  k
                    double* C, Py_ssize_t ldc,           # INOUT m x ncols: C <- Q_L C
                    double* T, double* W, double* W2     # work NBQ^2, NBQ ncols (each)
                    ) noexcept nogil:
    """C <- H_0 H_1 ... H_{k-1} C for the left reflectors of the bidiagonalisation,
    NBQ at a time from the last block back, each block as I - V T V^T (compact WY,
    LAPACK dormbr 'Q' 'L' 'N' through dlarft/dlarfb: two GEMMs per block)."""
    cdef Py_ssize_t k0, kb
    k0 = ((k - 1) // NBQ) * NBQ
    while k0 >= 0:
        kb = min(NBQ, k - k0)
        larft(kb, m - k0, QLT + k0 * ldq + k0, ldq, tau + k0, T, NBQ)
        larfb(True, False, m - k0, ncols, kb, QLT + k0 * ldq + k0, ldq, T, NBQ,
              C + k0 * ldc, ldc, W, W2)
        k0 -= NBQ


def _svd_core(double[:, ::1] W, bint want_vectors, bint full, str name):
    """SVD of the tall work matrix W (m >= n >= 1), destroyed.

    Returns (U, s, Vt): U of shape (m, m if full else n), Vt (n, n); both None when not
    wanted. Vectors: A = Q_L B Q_R^T (blocked bidiagonalisation), B = U_B S V_B^T by
    divide and conquer (_bdsdc), U = Q_L [U_B 0; 0 I] and V = Q_R V_B by the blocked
    reflectors (LAPACK dgesdd's path: Q_L and Q_R are never formed). Values only: the
    bidiagonal QR without rotations to accumulate (O(n^2) after the reduction)."""
    cdef Py_ssize_t m = W.shape[0], n = W.shape[1]
    cdef Py_ssize_t ku = m if full else n
    cdef Py_ssize_t i, status
    cdef double[::1] d = np.empty(n)
    cdef double[::1] e = np.zeros(max(n, 1))
    cdef double[::1] tauq = np.zeros(n)
    cdef double[::1] taup = np.zeros(n)
    cdef double[:, ::1] QLT
    cdef double[:, ::1] Um
    cdef double[:, ::1] Vm
    cdef double[::1] OW
    cdef double[::1] work
    QLTa = _bidiagonalise(W, d, e, tauq, taup, want_vectors)
    if not want_vectors:
        work = np.zeros((4 + 4 * SWEEP_BATCH) * n)
        with nogil:
            status = bdsqr(n, &d[0], &e[0], NULL, 0, 0, NULL, 0, 0, &work[0])
        if status:
            raise LinAlgError("%s: bidiagonal QR did not converge after %d sweeps"
                              % (name, cap_factor() * (n + 1)))
        s = np.sort(np.abs(np.asarray(d)))[::-1]
        return None, np.ascontiguousarray(s), None
    QLT = QLTa
    Ua = np.zeros((m, ku))
    Va = np.empty((n, n))
    Um = Ua
    Vm = Va
    if not _USE_DC:
        return _svd_core_qr(W, d, e, tauq, taup, QLT, Ua, Va, full, name)
    with nogil:
        # B = U_B diag(s) V_B^T into the top n x n of U and into V
        status = bdsdc(n, &d[0], &e[0], &Um[0, 0], ku, &Vm[0, 0], n)
    if status == -2:
        raise MemoryError("%s: out of memory in the divide-and-conquer merge" % name)
    if status:
        raise LinAlgError("%s: bidiagonal QR did not converge after %d sweeps (in a "
                          "divide-and-conquer leaf)" % (name, cap_factor()))
    for i in range(n, ku):
        Um[i, i] = 1.0
    OW = np.empty(max(NBQ * NBQ + 2 * NBQ * max(ku, n), org_work_size(n, n, NBQ)))
    with nogil:
        # U = Q_L [U_B 0; 0 I] (dormbr 'Q'), V = Q_R V_B (dormbr 'P', stored as dsytrd's)
        _orm_left(m, ku, n, &QLT[0, 0], m, &tauq[0], &Um[0, 0], ku,
                  &OW[0], &OW[NBQ * NBQ], &OW[NBQ * NBQ + NBQ * max(ku, n)])
        ormtr_left(n, &W[0, 0], n, &taup[0], &Vm[0, 0], n, n, NBQ, &OW[0])
    return Ua, np.asarray(d), np.ascontiguousarray(Va.T)


def _svd_core_qr(double[:, ::1] W, double[::1] d, double[::1] e, double[::1] tauq,
                 double[::1] taup, double[:, ::1] QLT, Ua, Va, bint full, str name):
    """The bidiagonal QR path of _svd_core with vectors (Q_L, Q_R formed, the rotations
    accumulated into their rows); kept to test the divide and conquer against."""
    cdef Py_ssize_t m = W.shape[0], n = W.shape[1]
    cdef Py_ssize_t ku = Ua.shape[1]
    cdef double[:, ::1] QL = Ua
    cdef double[:, ::1] QR = Va
    cdef double[::1] OW = np.empty(org_work_size(m, max(m, n), NB))
    cdef double[::1] work = np.zeros((4 + 4 * SWEEP_BATCH) * n)
    cdef double[:, ::1] UTm
    cdef double[:, ::1] VTm
    cdef Py_ssize_t status, ldu, ldv
    with nogil:
        org_q(m, ku, n, &QLT[0, 0], 1, m, &tauq[0], &QL[0, 0], ku, NB, &OW[0])
        orgtr(n, &W[0, 0], n, &taup[0], &QR[0, 0], n, NB, &OW[0])
    # U^T and V^T with a padded leading dimension: the rotation batches walk down
    # their rows, and a row stride of a multiple of 4 KiB would map every row to the
    # same cache sets
    ldu = _padded_ld(m)
    ldv = _padded_ld(n)
    UTbuf = np.zeros((ku, ldu))
    UTbuf[:, :m] = Ua.T
    VTbuf = np.zeros((n, ldv))
    VTbuf[:, :n] = Va.T
    UTm = UTbuf
    VTm = VTbuf
    with nogil:
        status = bdsqr(n, &d[0], &e[0], &UTm[0, 0], ldu, m, &VTm[0, 0], ldv, n, &work[0])
    if status:
        raise LinAlgError("%s: bidiagonal QR did not converge after %d sweeps"
                          % (name, cap_factor() * (n + 1)))
    with nogil:
        _sign_and_sort(n, &d[0], &UTm[0, 0], ldu, m, &VTm[0, 0], ldv, n)
    return (np.ascontiguousarray(UTbuf[:, :m].T), np.asarray(d),
            np.ascontiguousarray(VTbuf[:, :n]))


# LAPACK dgesvd's crossover: for m >= 1.6 n a QR factorisation first pays for itself
QR_FIRST_RATIO = 1.6


def _qr_first(Py_ssize_t m, Py_ssize_t n):
    return n >= 8 and m >= QR_FIRST_RATIO * n


def _qr_tall(double[:, ::1] W, bint form_q, bint full):
    """A = Q R for the tall work matrix W (m x n, destroyed) by the blocked Householder
    QR kernels (LAPACK dgeqrf, then dorgqr when Q is wanted). Returns (R, Q): R the
    n x n upper triangle (C order), Q (m x n, or m x m when full) or None."""
    cdef Py_ssize_t m = W.shape[0], n = W.shape[1], nq = m if full else n
    cdef double[::1] tau = np.zeros(n)
    cdef double[::1] work = np.empty(qr_work_size(m, nq, qr_block_size()))
    cdef double[:, ::1] Qm
    with nogil:
        geqrf(m, n, &W[0, 0], n, &tau[0], &work[0])
    R = np.triu(np.asarray(W)[:n])
    if not form_q:
        return R, None
    Qa = np.empty((m, nq))
    Qm = Qa
    with nogil:
        orgqr(m, nq, n, &W[0, 0], n, &tau[0], &Qm[0, 0], nq, &work[0])
    return R, Qa


def _svd_tall(W, bint full, str name):
    """U (m x k or m x m), s, Vt (n x n) of the tall W (m >= n >= 1), destroyed.

    Much taller than wide (m >= 1.6 n): A = Q R first, then the SVD of the n x n R,
    U = Q U_R (LAPACK dgesdd's path for tall matrices, [Chan82]): the
    bidiagonalisation then works on n x n instead of m x n."""
    cdef Py_ssize_t m = W.shape[0], n = W.shape[1]
    cdef double[:, ::1] Qm
    cdef double[:, ::1] URm
    cdef double[:, ::1] Um
    if _qr_first(m, n):
        R, Q = _qr_tall(W, True, full)
        U_R, s, VT = _svd_core(R, True, False, name)
        U = np.empty((m, m if full else n))
        Qm = Q
        URm = U_R
        Um = U
        with nogil:
            # U[:, :n] = Q[:, :n] @ U_R (dgesdd's final GEMM); the rest of a full U is
            # the rest of Q
            dgemm(False, False, m, n, n, 1.0, &Qm[0, 0], Qm.shape[1], &URm[0, 0], n,
                  0.0, &Um[0, 0], Um.shape[1])
        if full and m > n:
            U[:, n:] = Q[:, n:]
        return U, s, VT
    return _svd_core(W, True, full, name)


def _prepare(A, str name):
    a = _work_copy(A, name, square=False)
    m, n = a.shape
    return a, m, n


def _svd_array(a, bint full, bint compute_uv):
    """The SVD of one matrix: ``a`` a private finite float64 C-contiguous (m, n) array
    (destroyed). Returns ndarrays (U, s, Vt), or (None, s, None) without vectors."""
    m, n = a.shape
    k = min(m, n)
    if k == 0:
        if not compute_uv:
            return None, np.empty(0), None
        U = np.eye(m) if full else np.zeros((m, 0))
        Vt = np.eye(n) if full else np.zeros((0, n))
        return U, np.empty(0), Vt
    wide = m < n
    W = np.ascontiguousarray(a.T) if wide else a
    f = _scale_factor(W)
    if f != 1.0:
        W *= f
    if compute_uv:
        U, s, Vt = _svd_tall(W, full, "svd")
    else:
        if _qr_first(W.shape[0], W.shape[1]):
            # tall: the singular values of R from A = Q R (LAPACK dgesdd's path)
            W, _ = _qr_tall(W, False, False)
        _, s, _ = _svd_core(W, False, False, "svdvals")
        U = Vt = None
    if f != 1.0:
        s /= f
    if wide and compute_uv:
        # A^T = U' S V'^T  =>  A = V' S U'^T
        U, Vt = np.ascontiguousarray(Vt.T), np.ascontiguousarray(U.T)
    return U, np.ascontiguousarray(s), Vt


def _svd_hermitian_array(a, bint compute_uv):
    """numpy's hermitian=True path for one symmetric float64 matrix (lower triangle
    read): A = V diag(w) V^T (our eigh) gives A = U diag(|w|) Vt with the eigenvalues
    sorted by magnitude, U = V[:, order] and Vt = (V copysign(1, w))[:, order]^T
    (numpy.linalg.svd's own construction)."""
    from rusty_machine.linalg._eigh import eigh, eigvalsh
    if a.shape[0] == 0:
        if not compute_uv:
            return None, np.empty(0), None
        return np.eye(0), np.empty(0), np.eye(0)
    if not compute_uv:
        w = np.abs(np.asarray(eigvalsh(a), dtype=np.float64))
        return None, np.ascontiguousarray(np.sort(w)[::-1]), None
    w, V = eigh(a)
    w = np.asarray(w, dtype=np.float64)
    V = np.asarray(V, dtype=np.float64)
    order = np.argsort(np.abs(w))[::-1]
    s = np.abs(w)[order]
    U = np.ascontiguousarray(V[:, order])
    # copysign, not sign: a zero eigenvalue keeps its vector (numpy's "avoid zero sign")
    Vt = np.ascontiguousarray((U * np.copysign(1.0, w[order])).T)
    return U, np.ascontiguousarray(s), Vt


def _svd_any(a, full, compute_uv, hermitian, str func, bint keep64=False):
    """numpy.linalg.svd's contract for a 2-D input or a stack (..., M, N): the arrays
    (U, s, Vt) (U, Vt None without vectors) in the input's dtype (float64 when keep64,
    for callers that go on computing), whether the input was a stack, and the result
    dtype. Computed in float64 (the SVD kernels are float64; a float32 input is
    rounded to float32 once, at the end)."""
    from rusty_machine.linalg._stacked import (_as_real_array, _check_stack,
                                               _batch_copy, _out_dtype)
    from rusty_machine.linalg.matrix import Matrix
    if isinstance(a, Matrix) or np.ndim(a) == 2:
        # the 2-D path: the one input-checking path of every decomposition
        single = getattr(a, "dtype", None) == np.float32
        arr = _work_copy(a, func, square=bool(hermitian))
        arr = arr.reshape((1,) + arr.shape)
        batch_shape = None
    else:
        arr0 = _as_real_array(a, func)
        _check_stack(arr0, func, square=bool(hermitian))
        single = _out_dtype(arr0) == np.float32
        batch_shape = arr0.shape[:-2]
        arr = _batch_copy(arr0, batch_shape, func, np.float64)
    nb, m, n = arr.shape
    k = min(m, n)
    if hermitian:
        ku, kv = m, n
    else:
        ku = m if full else k
        kv = n if full else k
    s_all = np.empty((nb, k))
    U_all = np.empty((nb, m, ku)) if compute_uv else None
    Vt_all = np.empty((nb, kv, n)) if compute_uv else None
    # One matrix at a time through the 2-D driver (a Python call per matrix: the
    # driver's work arrays are allocated in def code, so there is no nogil batch loop
    # yet; each call runs its GEMMs and reflector blocks on the library's threads).
    for i in range(nb):
        if hermitian:
            U, s, Vt = _svd_hermitian_array(arr[i], compute_uv)
        else:
            U, s, Vt = _svd_array(arr[i], bool(full), bool(compute_uv))
        s_all[i] = s
        if compute_uv:
            U_all[i] = U
            Vt_all[i] = Vt
    out_dtype = np.dtype(np.float32 if single else np.float64)
    dtype = np.float64 if keep64 else out_dtype
    lead = (() if batch_shape is None else tuple(batch_shape))
    s_all = s_all.astype(dtype, copy=False).reshape(lead + (k,))
    if compute_uv:
        U_all = U_all.astype(dtype, copy=False).reshape(lead + (m, ku))
        Vt_all = Vt_all.astype(dtype, copy=False).reshape(lead + (kv, n))
    return U_all, s_all, Vt_all, batch_shape is not None, out_dtype


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """Singular value decomposition A = U diag(s) Vt, numpy.linalg.svd's contract.

    Method (LAPACK dgesdd): Householder bidiagonalisation A = Q_L B Q_R^T (GVL4
    Alg. 5.4.2, blocked as dgebrd), then B = U_B diag(s) V_B^T by divide and conquer
    ([GE95], dbdsdc: B is split at its middle row, the halves solved recursively,
    and each merge solves the secular equation 1 + sum z_j^2 / (d_j^2 - s^2) = 0 and
    forms its vectors with GEMMs; pieces of at most 25 rows by bidiagonal QR, GVL4
    Alg. 8.6.1 with Demmel-Kahan zero shifts); finally U = Q_L U_B and Vt = (Q_R
    V_B)^T by the blocked reflectors (compact WY). A wide A is decomposed through its
    transpose; a much taller than wide one (m >= 1.6 n) through A = Q R and the SVD of
    R, U = Q U_R. Without vectors: the bidiagonal QR (GVL4 Alg. 8.6.2) with no
    rotation accumulated.

    A stack (..., M, N) is decomposed one matrix at a time through the same 2-D driver
    (one Python-level call per matrix for now: the driver allocates its work arrays in
    def code, so there is no nogil batch loop yet). The kernels are float64: a float32
    input is computed in float64 and the results rounded to float32 once.

    Parameters
    ----------
    a : array-like of shape (..., M, N)
    full_matrices : bool, default True (numpy's default)
        True: U is (..., M, M) and Vt (..., N, N). False: U is (..., M, K) and Vt
        (..., K, N), K = min(M, N).
    compute_uv : bool, default True
        False: return only s (numpy's rule), by the cheaper values-only path.
    hermitian : bool, default False
        a is symmetric (only its lower triangle is read): numpy's construction from our
        eigh, s = |eigenvalues| in descending order, U = the eigenvectors in that
        order, Vt = (U copysign(1, w))^T. U and Vt are then (..., M, M) whatever full_matrices.

    Returns
    -------
    SVDResult(U, S, Vh) (a namedtuple, unpacks as ``U, s, Vt``), or s alone when
    compute_uv is False. A 2-D input gives Matrix / Vector results, a stack numpy
    arrays; float32 in, float32 out.

    Raises
    ------
    ValueError
        Fewer than 2 dimensions (LinAlgError, a ValueError, for a stack), NaN/inf
        entries.
    TypeError
        Non-numeric or complex data.
    LinAlgError
        hermitian=True with non-square matrices; a bidiagonal QR (a leaf of the divide
        and conquer) exceeded its cap of 40 (n + 1) sweeps.
    """
    U, s, Vt, stacked, _ = _svd_any(a, full_matrices, compute_uv, hermitian, "svd")
    if stacked:
        return SVDResult(U, s, Vt) if compute_uv else s
    if not compute_uv:
        return asvector(s)
    return SVDResult(asmatrix(U), asvector(s), asmatrix(Vt))


def svdvals(x):
    """Singular values only, in descending order (numpy.linalg.svdvals, the array API's
    ``svd(x, compute_uv=False)``).

    Same bidiagonalisation as :func:`svd`, then the bidiagonal QR (GVL4 Alg. 8.6.2), but
    no orthogonal factor is formed or updated: O(mn^2) for the reduction and O(n^2) for
    the iteration. A stack is done one matrix at a time, as :func:`svd`.

    Parameters
    ----------
    x : array-like of shape (..., M, N)

    Returns
    -------
    s : Vector of shape (min(M, N),) for a 2-D input, else an ndarray (..., min(M, N));
        float32 for a float32 input.
    """
    _, s, _, stacked, _ = _svd_any(x, False, False, False, "svdvals")
    return s if stacked else asvector(s)


def bidiagonalize(A):
    """Householder bidiagonalisation A = U B Vt (teaching view of the first step of
    :func:`svd`).

    For k = 0, 1, ...: a left reflector H_k (GVL4 Alg. 5.1.1) zeroes column k below the
    diagonal, then a right reflector G_k zeroes row k to the right of the superdiagonal
    (GVL4 Alg. 5.4.2, LAPACK dgebd2). For m >= n, B is upper bidiagonal; for m < n the
    reduction is done on A^T, so B is lower bidiagonal.

    Parameters
    ----------
    A : array-like of shape (m, n)

    Returns
    -------
    U : Matrix of shape (m, k), orthonormal columns, k = min(m, n)
    B : Matrix of shape (k, k), bidiagonal (upper for m >= n, lower for m < n)
    Vt : Matrix of shape (k, n), orthonormal rows
        with ``A = U @ B @ Vt``.
    """
    a, m, n = _prepare(A, "bidiagonalize")
    k = min(m, n)
    if k == 0:
        return asmatrix(np.zeros((m, 0))), asmatrix(np.zeros((0, 0))), asmatrix(np.zeros((0, n)))
    wide = m < n
    Wa = np.ascontiguousarray(a.T) if wide else a
    cdef double[:, ::1] W = Wa
    cdef Py_ssize_t mm = W.shape[0], nn = W.shape[1]
    cdef double[::1] d = np.empty(nn)
    cdef double[::1] e = np.zeros(max(nn, 1))
    cdef double[::1] tauq = np.zeros(nn)
    cdef double[::1] taup = np.zeros(nn)
    cdef double[:, ::1] QLT
    cdef double[::1] OW = np.empty(org_work_size(mm, max(mm, nn), NB))
    QLa = np.empty((mm, nn))
    QRa = np.empty((nn, nn))
    cdef double[:, ::1] QL = QLa
    cdef double[:, ::1] QR = QRa
    QLT = _bidiagonalise(W, d, e, tauq, taup, True)
    with nogil:
        org_q(mm, nn, nn, &QLT[0, 0], 1, mm, &tauq[0], &QL[0, 0], nn, NB, &OW[0])
        orgtr(nn, &W[0, 0], nn, &taup[0], &QR[0, 0], nn, NB, &OW[0])
    B = np.diag(np.asarray(d))
    if nn > 1:
        B += np.diag(np.asarray(e)[:nn - 1], 1)
    if wide:
        # A^T = Q_L B Q_R^T  =>  A = Q_R B^T Q_L^T
        return (asmatrix(np.ascontiguousarray(QRa)), asmatrix(np.ascontiguousarray(B.T)),
                asmatrix(np.ascontiguousarray(QLa.T)))
    return asmatrix(QLa), asmatrix(B), asmatrix(np.ascontiguousarray(QRa.T))

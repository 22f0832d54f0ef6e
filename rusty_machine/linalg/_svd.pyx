# cython: language_level=3
"""svd.pyx: singular value decomposition by bidiagonalisation, then divide and conquer
(vectors) or bidiagonal QR (values only); small matrices of a stack by one-sided Jacobi.

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
         driver: QR first for tall matrices, vectors by divide and conquer), dgesvj
         (one-sided Jacobi: its tolerance and sweep cap), dgelq2 (the LQ completion).
[Hes58]  M. R. Hestenes, "Inversion of matrices by biorthogonalization and related
         results", J. SIAM 6 (1958) 51-90 (one-sided Jacobi).
[DV92]   J. Demmel and K. Veselic, "Jacobi's method is more accurate than QR", SIAM J.
         Matrix Anal. Appl. 13 (1992) 1204-1245 (the relative convergence test).
[dR89]   P. P. M. de Rijk, "A one-sided Jacobi algorithm for computing the singular
         value decomposition on a vector computer", SIAM J. Sci. Stat. Comput. 10
         (1989) 359-371 (the pivoting by norms).

Layout: row-major. A wide matrix is handled through its transpose (A^T = V S U^T).
With vectors: A = Q_L B Q_R^T, B = U_B S V_B^T by divide and conquer (_bdsdc.bdsdc),
then U = Q_L U_B and V = Q_R V_B by the blocked reflectors (Q_L, Q_R never formed).
Values only: the bidiagonal QR without any rotation accumulated, O(n^2) after the
reduction (no square roots are saved by dqds at these sizes: the reduction dominates).

Kernels and the batch loop (issue 14): the whole driver is one cdef nogil function,
gesdd (wide through the transpose, QR first when tall, scaling, the steps above, on a
workspace the caller gives), and small matrices have a second kernel, jacobi_svd
(one-sided Jacobi, [Hes58]/[DV92]/[dR89]). svd_batch runs either over a stack
(batch, M, N) in ONE nogil loop: prange over the batch with single-threaded kernels for
matrices up to order 64, else one matrix after the other with the threads inside the
GEMMs; one workspace per thread, allocated once per call. A 2-D input is a stack of
one through the same loop (always gesdd; see _svd_all).

Two dtypes, one source (issue 13): every kernel here and in _bdsdc.pyx is fused over
`floating` (_floating.pxd), so a float32 input is computed in float32 (twice the
numbers per cache line and SIMD register) with its own eps and safe minimum in every
convergence, deflation and scaling test (LAPACK's s- routines beside the d- ones). Two
places keep a wider type on purpose: the one-sided Jacobi kernel accumulates its Gram
entries in double (a float32 row of norm 1e-20 has a squared norm below float32's safe
minimum), and the libm calls (fabs, sqrt, hypot, frexp/ldexp) are the double ones.
"""
from collections import namedtuple

import numpy as np

from cython.parallel cimport prange, threadid
from libc.math cimport fabs, sqrt, copysign, frexp, ldexp
from libc.stdlib cimport malloc, free

from libc.string cimport memset, memcpy

from rusty_machine.linalg.blas cimport (xgemm, xgemv, xger, xswap, xscal,
                                        get_num_threads, in_parallel,
                                        batch_threads as _threads_for)
from rusty_machine.linalg._floating cimport floating, DBL_EPSILON, FLT_EPSILON
from rusty_machine.linalg._householder cimport (house, org_q, orgtr, org_work_size,
                                                larft, larfb, ormtr_left)
from rusty_machine.linalg._matrix_kernels cimport _transpose
from rusty_machine.linalg._bdsdc cimport bdsqr, bdsdc, cap_factor, SWEEP_BATCH
from rusty_machine.linalg._qr cimport (geqrf, orgqr, qr_block_size,
                                       work_size as qr_work_size)
from rusty_machine.linalg import _bdsdc
from rusty_machine.exceptions import LinAlgError
from rusty_machine.linalg.matrix import asmatrix, asvector
from rusty_machine.linalg._checks import work_copy as _work_copy


# numpy's named result (numpy.linalg's SVDResult), with the same field names
SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])

# The per-dtype constants (eps, safe minimum) come from _floating.pxd's table, picked in
# each kernel by `if floating is float:` (issue 13: every test in the type's own eps).
cdef Py_ssize_t NB = 32

# =================================================================================
# bidiagonalisation (GVL4 Alg. 5.4.2, LAPACK dgebd2), m >= n, upper bidiagonal
# =================================================================================
cdef void _gebd2(Py_ssize_t m, Py_ssize_t n,
                 floating* W, Py_ssize_t ldw,   # INOUT m x n; on exit row k holds the right
                                                #       reflector v_k[1:] in W[k, k+2:]
                 floating* d, floating* e,      # OUT   n, n-1
                 floating* tauq, floating* taup,  # OUT   n, n (taup[n-2], taup[n-1] = 0)
                 floating* QLT, Py_ssize_t ldq,  # OUT   n x m left reflectors as rows
                                                #       (unit at k, zeros before), or NULL
                 floating* col, floating* y,    # work  m, max(m, n)
                 Py_ssize_t kstart) noexcept nogil:   # IN first column to reduce
    """A = Q_L B Q_R^T with Q_L = H_0 ... H_{n-1}, Q_R = G_0 ... G_{n-3}, unblocked
    (LAPACK dgebd2), from column kstart on (the earlier ones were done by _labrd).

    Step k (GVL4 Alg. 5.4.2): H_k zeroes column k below the diagonal, then G_k zeroes
    row k right of the superdiagonal."""
    cdef Py_ssize_t k, i, r, c
    cdef floating t
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
            memset(QLT + k * ldq, 0, k * sizeof(floating))
            memcpy(QLT + k * ldq + k, col, r * sizeof(floating))
        c = n - k - 1
        if t != 0.0 and c > 0:
            # W[k:, k+1:] -= t v (v^T W[k:, k+1:])
            xgemv(True, r, c, 1.0, W + k * ldw + k + 1, ldw, col, 1, 0.0, y, 1)
            xger(r, c, -t, col, 1, y, 1, W + k * ldw + k + 1, ldw)
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
                xgemv(False, r - 1, c, 1.0, W + (k + 1) * ldw + k + 1, ldw, col, 1, 0.0, y, 1)
                xger(r - 1, c, -t, y, 1, col, 1, W + (k + 1) * ldw + k + 1, ldw)


# Half of dgebrd's flops are the two matrix-vector products per column with the
# trailing block (memory bound). With two threads (outside any parallel region, a
# block of at least GEMV_PAR_WORK entries) each is split in two: y = A^T x by columns,
# y = A x by rows, each thread writing its own part of y.
cdef Py_ssize_t GEMV_PAR_WORK = 256 * 256


cdef void _gemv2(bint trans, Py_ssize_t m, Py_ssize_t n, const floating* A, Py_ssize_t lda,
                 const floating* x, floating* y) noexcept nogil:
    """y = op(A) x, op(A) = A^T (y has n entries) or A (m entries); A is m x n."""
    cdef Py_ssize_t part, h
    if m * n < GEMV_PAR_WORK or in_parallel() or get_num_threads() < 2:
        xgemv(trans, m, n, 1.0, A, lda, x, 1, 0.0, y, 1)
        return
    if trans:
        h = n // 2
        for part in prange(2, num_threads=2, schedule="static"):
            if part == 0:
                xgemv(True, m, h, 1.0, A, lda, x, 1, 0.0, y, 1)
            else:
                xgemv(True, m, n - h, 1.0, A + h, lda, x, 1, 0.0, y + h, 1)
    else:
        h = m // 2
        for part in prange(2, num_threads=2, schedule="static"):
            if part == 0:
                xgemv(False, h, n, 1.0, A, lda, x, 1, 0.0, y, 1)
            else:
                xgemv(False, m - h, n, 1.0, A + h * lda, lda, x, 1, 0.0, y + h, 1)


cdef void _labrd(Py_ssize_t m, Py_ssize_t n, Py_ssize_t k0,
                 floating* W, Py_ssize_t ldw,   # INOUT m x n, panel k0..k0+NB-1 reduced,
                                                #       trailing block updated
                 floating* d, floating* e,      # OUT   d, e of the panel
                 floating* tauq, floating* taup,  # OUT
                 floating* QLT, Py_ssize_t ldq,  # OUT   left reflectors as rows (unit at k)
                 floating* X, floating* Y,      # work  m x NB, n x NB (row-major, ld NB)
                 floating* col, floating* y,    # work  m, max(m, n)
                 floating* t1, floating* t2) noexcept nogil:  # work NB + 1 each
    """One panel of the blocked bidiagonalisation (LAPACK dlabrd/dgebrd, m >= n).

    Within the panel the trailing matrix is not updated; its current value is
    A - V Y^T - X U^T, with V / U the panel's left / right reflectors and Y, X built
    column by column ([DSH89], the dlatrd idea on both sides). Each column then costs
    two matrix-vector products with the trailing block (not four), and the rest of the
    update is two GEMMs at the end of the panel."""
    cdef Py_ssize_t mr = m - k0, nr = n - k0, i, j, r, c
    cdef floating* A = W + k0 * ldw + k0
    cdef floating* VT = QLT + k0 * ldq + k0      # V^T: row j = v_j (local), ld ldq
    cdef floating t
    for i in range(NB):
        r = mr - i
        c = nr - i - 1
        # (1) column i of the current matrix: a[i:, i] -= V[i:, :i] Y[i, :i]^T + X[i:, :i] U[:i, i]
        for j in range(r):
            col[j] = A[(i + j) * ldw + i]
        if i > 0:
            xgemv(True, i, r, -1.0, VT + i, ldq, Y + i * NB, 1, 1.0, col, 1)
            for j in range(i):
                t1[j] = A[j * ldw + i]
            xgemv(False, r, i, -1.0, X + i * NB, NB, t1, 1, 1.0, col, 1)
        # (2) left reflector H_i from the column (GVL4 Alg. 5.1.1)
        t = house(r, col, col + 1, 1)
        tauq[k0 + i] = t
        d[k0 + i] = col[0]
        col[0] = 1.0
        memset(QLT + (k0 + i) * ldq, 0, (k0 + i) * sizeof(floating))
        memcpy(VT + i * ldq + i, col, r * sizeof(floating))
        # (3) Y[i+1:, i] = t (A[i:, i+1:]^T v - Y[i+1:, :i] (V[i:, :i]^T v)
        #                     - U[:i, i+1:]^T (X[i:, :i]^T v))
        _gemv2(True, r, c, A + i * ldw + i + 1, ldw, col, y)
        if i > 0:
            xgemv(False, i, r, 1.0, VT + i, ldq, col, 1, 0.0, t1, 1)
            xgemv(False, c, i, -1.0, Y + (i + 1) * NB, NB, t1, 1, 1.0, y, 1)
            xgemv(True, r, i, 1.0, X + i * NB, NB, col, 1, 0.0, t2, 1)
            xgemv(True, i, c, -1.0, A + i + 1, ldw, t2, 1, 1.0, y, 1)
        for j in range(i + 1):
            Y[j * NB + i] = 0.0
        for j in range(c):
            Y[(i + 1 + j) * NB + i] = t * y[j]
        # (4) row i of the current matrix: a[i, i+1:] -= Y[i+1:, :i+1] V[i, :i+1]^T
        #                                               + X[i, :i] U[:i, i+1:]
        for j in range(i + 1):
            t1[j] = VT[j * ldq + i]
        xgemv(False, c, i + 1, -1.0, Y + (i + 1) * NB, NB, t1, 1, 1.0, A + i * ldw + i + 1, 1)
        if i > 0:
            xgemv(True, i, c, -1.0, A + i + 1, ldw, X + i * NB, 1, 1.0, A + i * ldw + i + 1, 1)
        # (5) right reflector G_i from the row (unit kept in place during the panel)
        t = house(c, A + i * ldw + i + 1, A + i * ldw + i + 2, 1)
        taup[k0 + i] = t
        e[k0 + i] = A[i * ldw + i + 1]
        A[i * ldw + i + 1] = 1.0
        # (6) X[i+1:, i] = t (A[i+1:, i+1:] u - V[i+1:, :i+1] (Y[i+1:, :i+1]^T u)
        #                     - X[i+1:, :i] (U[:i, i+1:] u))
        _gemv2(False, r - 1, c, A + (i + 1) * ldw + i + 1, ldw, A + i * ldw + i + 1, y)
        xgemv(True, c, i + 1, 1.0, Y + (i + 1) * NB, NB, A + i * ldw + i + 1, 1, 0.0, t1, 1)
        xgemv(True, i + 1, r - 1, -1.0, VT + i + 1, ldq, t1, 1, 1.0, y, 1)
        if i > 0:
            xgemv(False, i, c, 1.0, A + i + 1, ldw, A + i * ldw + i + 1, 1, 0.0, t2, 1)
            xgemv(False, r - 1, i, -1.0, X + (i + 1) * NB, NB, t2, 1, 1.0, y, 1)
        for j in range(i + 1):
            X[j * NB + i] = 0.0
        for j in range(r - 1):
            X[(i + 1 + j) * NB + i] = t * y[j]
    # trailing update: A[NB:, NB:] -= V[NB:, :] Y[NB:, :]^T + X[NB:, :] U[:, NB:]
    xgemm(True, True, mr - NB, nr - NB, NB, -1.0, VT + NB, ldq, Y + NB * NB, NB, 1.0,
          A + NB * ldw + NB, ldw)
    xgemm(False, False, mr - NB, nr - NB, NB, -1.0, X + NB * NB, NB, A + NB, ldw, 1.0,
          A + NB * ldw + NB, ldw)
    # put the superdiagonal back where the units were
    for i in range(NB):
        A[i * ldw + i + 1] = e[k0 + i]


cdef void _gebrd(Py_ssize_t m, Py_ssize_t n,
                 floating* W, Py_ssize_t ldw,   # INOUT as _gebd2
                 floating* d, floating* e,      # OUT
                 floating* tauq, floating* taup,  # OUT
                 floating* QLT, Py_ssize_t ldq,  # OUT   n x m (always: the panels need V)
                 floating* X, floating* Y,      # work  m x NB, n x NB
                 floating* col, floating* y,    # work  m, max(m, n)
                 floating* t1, floating* t2) noexcept nogil:  # work NB + 1 each
    """Blocked bidiagonalisation (LAPACK dgebrd): _labrd panels while more than 2 NB
    columns remain, then the unblocked _gebd2 on the rest."""
    cdef Py_ssize_t k0 = 0
    while n - k0 > 2 * NB:
        _labrd(m, n, k0, W, ldw, d, e, tauq, taup, QLT, ldq, X, Y, col, y, t1, t2)
        k0 += NB
    _gebd2(m, n, W, ldw, d, e, tauq, taup, QLT, ldq, col, y, k0)


cdef void _sign_and_sort(Py_ssize_t n, floating* d,
                         floating* UT, Py_ssize_t ldu, Py_ssize_t ucols,
                         floating* VT, Py_ssize_t ldv, Py_ssize_t vcols) noexcept nogil:
    """Make the singular values non-negative (negating rows of V^T) and sort them in
    descending order, permuting the rows of U^T and V^T alike."""
    cdef Py_ssize_t i, j, jmax
    cdef floating t
    for i in range(n):
        if d[i] < 0.0:
            d[i] = -d[i]
            if VT != NULL:
                xscal(vcols, -1.0, VT + i * ldv, 1)
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
                xswap(ucols, UT + i * ldu, 1, UT + jmax * ldu, 1)
            if VT != NULL:
                xswap(vcols, VT + i * ldv, 1, VT + jmax * ldv, 1)


def _bidiagonalise(floating[:, ::1] W, floating[::1] d, floating[::1] e, floating[::1] tauq,
                   floating[::1] taup, bint want_reflectors):
    """Bidiagonalise the tall W in place (blocked when n > 2 NB); returns the left
    reflectors as rows (n x m) when wanted, else None (all in W's dtype)."""
    cdef Py_ssize_t m = W.shape[0], n = W.shape[1]
    cdef bint blocked = n > 2 * NB
    dt = np.float32 if floating is float else np.float64
    cdef floating[::1] col = np.zeros(max(m, NB), dtype=dt)
    cdef floating[::1] y = np.zeros(max(m, n), dtype=dt)
    cdef floating[::1] t1 = np.zeros(NB + 1, dtype=dt)
    cdef floating[::1] t2 = np.zeros(NB + 1, dtype=dt)
    cdef floating[:, ::1] X
    cdef floating[:, ::1] Y
    cdef floating[:, ::1] QLT
    cdef floating* qlt = NULL
    QLTa = None
    if want_reflectors or blocked:
        QLTa = np.zeros((n, m), dtype=dt)
        QLT = QLTa
        qlt = &QLT[0, 0]
    if blocked:
        X = np.zeros((m, NB), dtype=dt)
        Y = np.zeros((n, NB), dtype=dt)
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
                    const floating* QLT, Py_ssize_t ldq,  # IN  k x m reflectors as rows
                    const floating* tau,                 # IN  k
                    floating* C, Py_ssize_t ldc,         # INOUT m x ncols: C <- Q_L C
                    floating* T, floating* W, floating* W2  # work NBQ^2, NBQ ncols (each)
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


# =================================================================================
# The one-matrix driver as a nogil kernel (LAPACK dgesdd): every SVD of the library,
# 2-D or stacked, runs through gesdd below (or, for small matrices of a stack or a 2-D
# call, through the one-sided Jacobi kernel jacobi_svd further down).
# =================================================================================
cdef inline Py_ssize_t _imax(Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    return a if a > b else b


cdef inline Py_ssize_t _al(Py_ssize_t n) noexcept nogil:
    """n entries rounded up to a multiple of 16 (64 bytes of float32, 128 of float64):
    every array carved out of a workspace starts on a 64-byte cache line (as the
    library's owned buffers do), the workspace itself being aligned by svd_batch."""
    return (n + 15) & ~(<Py_ssize_t>15)


cdef inline Py_ssize_t _padded(Py_ssize_t n) noexcept nogil:
    """_checks.padded_ld in C: a row stride that is not a multiple of 4 KiB."""
    return n + 8 if n >= 32 and (n * 8) % 1024 == 0 else n


# LAPACK dgesvd's crossover: for m >= 1.6 n a QR factorisation first pays for itself
QR_FIRST_RATIO = 1.6


cdef inline bint _qr_first(Py_ssize_t m, Py_ssize_t n) noexcept nogil:
    return n >= 8 and m >= 1.6 * n


cdef Py_ssize_t _core_work_size(Py_ssize_t m, Py_ssize_t n, bint want, bint full,
                                bint use_dc) noexcept nogil:
    """Entries (of the working type) of workspace _core needs for a tall m x n (m >= n >= 1)."""
    cdef Py_ssize_t ku = m if full else n
    cdef bint blocked = n > 2 * NB
    # e, tauq, taup, col, y, t1, t2
    cdef Py_ssize_t size = _al(3 * n + 1 + _imax(m, NB) + _imax(m, n) + 2 * (NB + 1))
    if want or blocked:
        size += _al(n * m)                                    # QLT
    if blocked:
        size += _al(m * NB) + _al(n * NB)                     # X, Y
    if not want:
        # bdsqr, or dqds and the copies of d, e it falls back from
        return size + _imax((4 + 4 * SWEEP_BATCH) * n, 7 * n + 1)
    size += _al(n * n)                                        # V (vectors as columns)
    if use_dc:
        return size + _imax(NBQ * NBQ + 2 * NBQ * _imax(ku, n), org_work_size(n, n, NBQ))
    # the bidiagonal QR path: Q_L, Q_R formed, rotated as padded U^T, V^T
    return (size + _al(org_work_size(m, _imax(m, n), NB)) + _al((4 + 4 * SWEEP_BATCH) * n)
            + _al(ku * _padded(m)) + n * _padded(n))


# Values only: dqds from this order on, the bidiagonal QR below. Measured on bidiagonals
# of standard normal matrices (CPU time, one thread, loaded machine; with a Python call
# of ~1 us each): n = 16: dqds 9.1 / QR 8.7 us, n = 32: 24.0 / 30.8, n = 64: 86.7 / 118.
cdef Py_ssize_t DQDS_MIN = 24


cdef int _core(Py_ssize_t m, Py_ssize_t n,
               floating* W, Py_ssize_t ldw,     # INOUT m x n, m >= n >= 1; destroyed
               floating* s,                     # OUT   n singular values, descending
               floating* U, Py_ssize_t ldu,     # OUT   m x ku (ku = m if full else n),
                                                #       or NULL: values only
               floating* VT, Py_ssize_t ldvt,   # OUT   n x n right vectors as rows
               bint full, bint use_dc,
               floating* work) noexcept nogil:  # work  _core_work_size(m, n, ...)
    """SVD of the tall W: A = Q_L B Q_R^T (blocked bidiagonalisation, GVL4 Alg. 5.4.2 /
    dgebrd), then with vectors B = U_B S V_B^T by divide and conquer ([GE95], dbdsdc)
    and U = Q_L [U_B 0; 0 I], V = Q_R V_B by the blocked reflectors (dormbr: Q_L, Q_R
    never formed); or, with use_dc off, Q_L and Q_R formed (dorgbr) and the bidiagonal
    QR's rotations accumulated into them (dbdsqr, the path the tests compare against).
    Values only: the bidiagonal QR without rotations (GVL4 Alg. 8.6.2, O(n^2)).

    Returns 0, -1 (bidiagonal QR: sweep cap), -2 (out of memory in a merge), -3 (a
    divide-and-conquer leaf's QR reached its cap)."""
    cdef Py_ssize_t ku = m if full else n
    cdef Py_ssize_t i, j, status, ldup, ldvp
    cdef bint want = U != NULL, blocked = n > 2 * NB
    cdef floating t
    cdef floating* p = work
    cdef floating* d = s
    cdef floating* e = p
    cdef floating* tauq = e + n + 1
    cdef floating* taup = tauq + n
    cdef floating* col = taup + n
    cdef floating* y = col + _imax(m, NB)
    cdef floating* t1 = y + _imax(m, n)
    cdef floating* t2 = t1 + NB + 1
    cdef floating* QLT = NULL
    cdef floating* X = NULL
    cdef floating* Y = NULL
    cdef floating* V
    cdef floating* OW
    cdef floating* UT
    cdef floating* VTb
    p = work + _al(3 * n + 1 + _imax(m, NB) + _imax(m, n) + 2 * (NB + 1))
    if want or blocked:
        QLT = p
        p += _al(n * m)
    if blocked:
        X = p
        Y = X + _al(m * NB)
        p = Y + _al(n * NB)
        _gebrd(m, n, W, ldw, d, e, tauq, taup, QLT, m, X, Y, col, y, t1, t2)
    else:
        _gebd2(m, n, W, ldw, d, e, tauq, taup, QLT, m, col, y, 0)
    if not want:
        if n >= DQDS_MIN:
            # dqds ([FP94]; LAPACK dgesdd's values-only path: dbdsdc 'N' -> dlasq1);
            # the bidiagonal QR on the saved (d, e) if it does not converge
            memcpy(p + 5 * n, d, n * sizeof(floating))
            memcpy(p + 6 * n, e, n * sizeof(floating))
            if dqds(n, d, e, p) == 0:
                return 0
            memcpy(d, p + 5 * n, n * sizeof(floating))
            memcpy(e, p + 6 * n, n * sizeof(floating))
        if bdsqr(n, d, e, NULL, 0, 0, NULL, 0, 0, p):
            return -1
        for i in range(n):
            d[i] = fabs(d[i])
        for i in range(1, n):                        # insertion sort, descending
            t = d[i]
            j = i - 1
            while j >= 0 and d[j] < t:
                d[j + 1] = d[j]
                j -= 1
            d[j + 1] = t
        return 0
    V = p
    OW = V + _al(n * n)
    for i in range(m):
        memset(U + i * ldu, 0, ku * sizeof(floating))
    if use_dc:
        # B = U_B diag(s) V_B^T into the top n x n of U and into V (columns)
        status = bdsdc(n, d, e, U, ldu, V, n)
        if status == -2:
            return -2
        if status:
            return -3
        for i in range(n, ku):
            U[i * ldu + i] = 1.0
        # U = Q_L [U_B 0; 0 I] (dormbr 'Q'), V = Q_R V_B (dormbr 'P', stored as dsytrd's)
        _orm_left(m, ku, n, QLT, m, tauq, U, ldu,
                  OW, OW + NBQ * NBQ, OW + NBQ * NBQ + NBQ * _imax(ku, n))
        ormtr_left(n, W, ldw, taup, V, n, n, NBQ, OW)
        _transpose(n, n, V, n, VT, ldvt)            # VT = V^T
        return 0
    # Q_L (m x ku) and Q_R formed (dorgbr), then the rotations of the bidiagonal QR
    # applied to the rows of U^T and V^T, kept with a padded leading dimension (the
    # rotation batches walk down their rows; a row stride of a multiple of 4 KiB would
    # map every row to the same cache sets)
    org_q(m, ku, n, QLT, 1, m, tauq, U, ldu, NB, OW)
    orgtr(n, W, ldw, taup, V, n, NB, OW)
    ldup = _padded(m)
    ldvp = _padded(n)
    UT = OW + _al(org_work_size(m, _imax(m, n), NB)) + _al((4 + 4 * SWEEP_BATCH) * n)
    VTb = UT + _al(ku * ldup)
    _transpose(m, ku, U, ldu, UT, ldup)
    _transpose(n, n, V, n, VTb, ldvp)
    if bdsqr(n, d, e, UT, ldup, m, VTb, ldvp, n, OW + _al(org_work_size(m, _imax(m, n), NB))):
        return -1
    _sign_and_sort(n, d, UT, ldup, m, VTb, ldvp, n)
    _transpose(ku, m, UT, ldup, U, ldu)
    for i in range(n):
        memcpy(VT + i * ldvt, VTb + i * ldvp, n * sizeof(floating))
    return 0


cdef Py_ssize_t gesdd_work_size(Py_ssize_t m, Py_ssize_t n, bint want, bint full,
                                bint use_dc) noexcept nogil:
    """Entries (of the working type) of workspace gesdd needs for an m x n matrix
    (min(m, n) >= 1)."""
    cdef Py_ssize_t mt = _imax(m, n), nt = m + n - _imax(m, n)
    cdef Py_ssize_t kut = mt if full else nt
    cdef Py_ssize_t nq = kut if want else nt, nb = qr_block_size()
    cdef Py_ssize_t size = 0
    if m < n:
        size += _al(mt * nt)                              # A^T
        if want:
            size += _al(mt * kut) + _al(nt * nt)          # its U and V^T
    if _qr_first(mt, nt):
        size += (_al(nt) + _al(nt * nt)                   # tau, R, geqrf/orgqr's work
                 + _al(_imax(qr_work_size(mt, nt, nb), qr_work_size(mt, nq, nb))))
        if want:
            size += _al(mt * nq) + _al(nt * nt)           # Q, U_R
        return size + _core_work_size(nt, nt, want, False, use_dc)
    return size + _core_work_size(mt, nt, want, full, use_dc)


cdef int gesdd(Py_ssize_t m, Py_ssize_t n,
               floating* A, Py_ssize_t lda,     # INOUT m x n, min(m, n) >= 1; destroyed
               floating* s,                     # OUT   min(m, n), descending
               floating* U, Py_ssize_t ldu,     # OUT   m x (m if full else k), or NULL:
                                                #       values only (VT then unused)
               floating* VT, Py_ssize_t ldvt,   # OUT   (n if full else k) x n
               bint full, bint use_dc,
               floating* work) noexcept nogil:  # work  gesdd_work_size(m, n, ...)
    """A = U diag(s) VT, the one-matrix driver (LAPACK dgesdd): a wide A through its
    transpose (A^T = V S U^T); a tall one much taller than wide (m >= 1.6 n) through
    A = Q R and the SVD of the n x n R, U = Q U_R ([Chan82], dgesdd's path: the
    bidiagonalisation then works on n x n); entries scaled by a power of two into a
    safe range when the largest is below 1e-140 or above 1e140 (float32: 1e-12,
    1e12; dgesdd's anrm guard, sqrt(safmin) / eps; exact), the singular values scaled
    back. Status as _core's."""
    cdef bint want = U != NULL, wide = m < n
    cdef Py_ssize_t mt = _imax(m, n), nt = m + n - _imax(m, n)
    cdef Py_ssize_t kut = mt if full else nt
    cdef Py_ssize_t nq = kut if want else nt, nb = qr_block_size()
    cdef Py_ssize_t i, j, ldw, ldut = 0, ldvtt = 0
    cdef int ex = 0, status
    cdef floating amax = 0.0, x, small, large
    cdef floating* p = work
    if floating is float:
        small, large = 1e-12, 1e12
    else:
        small, large = 1e-140, 1e140
    cdef floating* W
    cdef floating* Ut = U
    cdef floating* VTt = VT
    cdef floating* tau
    cdef floating* R
    cdef floating* qw
    cdef floating* Q
    cdef floating* UR
    if wide:
        W = p                                         # W = A^T (n x m), tall
        p += _al(mt * nt)
        ldw = nt
        _transpose(m, n, A, lda, W, nt)
        if want:
            Ut = p
            ldut = kut
            VTt = Ut + _al(mt * kut)
            ldvtt = nt
            p = VTt + _al(nt * nt)
    else:
        W = A
        ldw = lda
        ldut = ldu
        ldvtt = ldvt
    for i in range(mt):
        for j in range(nt):
            x = fabs(W[i * ldw + j])
            if x > amax:
                amax = x
    if amax != 0.0 and (amax < small or amax > large):
        frexp(amax, &ex)
        for i in range(mt):
            for j in range(nt):
                W[i * ldw + j] = ldexp(W[i * ldw + j], -ex)
    if _qr_first(mt, nt):
        # GVL4 Alg. 5.2.2 (dgeqrf): W = Q R, R the upper triangle of W's first nt rows
        tau = p
        R = tau + _al(nt)
        qw = R + _al(nt * nt)
        p = qw + _al(_imax(qr_work_size(mt, nt, nb), qr_work_size(mt, nq, nb)))
        geqrf(mt, nt, W, ldw, tau, qw)
        for i in range(nt):
            for j in range(nt):
                R[i * nt + j] = W[i * ldw + j] if j >= i else 0.0
        if want:
            Q = p
            UR = Q + _al(mt * nq)
            p = UR + _al(nt * nt)
            orgqr(mt, nq, nt, W, ldw, tau, Q, nq, qw)
            status = _core(nt, nt, R, nt, s, UR, nt, VTt, ldvtt, False, use_dc, p)
            if status:
                return status
            # U[:, :n] = Q[:, :n] @ U_R (dgesdd's final GEMM); a full U's other columns
            # are the rest of Q
            xgemm(False, False, mt, nt, nt, 1.0, Q, nq, UR, nt, 0.0, Ut, ldut)
            if full:
                for i in range(mt):
                    memcpy(Ut + i * ldut + nt, Q + i * nq + nt, (mt - nt) * sizeof(floating))
        else:
            status = _core(nt, nt, R, nt, s, NULL, 0, NULL, 0, False, use_dc, p)
            if status:
                return status
    else:
        status = _core(mt, nt, W, ldw, s, Ut if want else NULL, ldut, VTt, ldvtt, full,
                       use_dc, p)
        if status:
            return status
    if ex != 0:
        for i in range(nt):
            s[i] = ldexp(s[i], ex)
    if wide and want:
        # A^T = U' S V'^T  =>  A = V' S U'^T
        _transpose(nt, nt, VTt, nt, U, ldu)
        _transpose(mt, kut, Ut, kut, VT, ldvt)
    return 0


# =================================================================================
# One-sided Jacobi for small matrices (a stack's, or a small 2-D call's)
# =================================================================================
# [Hes58] M. R. Hestenes, "Inversion of matrices by biorthogonalization and related
#         results", J. SIAM 6 (1958) 51-90: rotate the rows g_p of G (A^T for a tall A,
#         A for a wide one) in pairs until they are mutually orthogonal; then
#         G = Q^T diag(s) X with s_p = ||g_p||, X's rows g_p / s_p orthonormal and Q^T
#         the product of the rotations. The rotation of the pair (p, q) is the 2 x 2
#         symmetric Schur step (GVL4 Alg. 8.5.1) of the Gram matrix's
#         [[d_p, c], [c, d_q]] (d = ||g||^2, c = g_p . g_q), in Rutishauser's form as
#         _eigh.pyx's jacobi_eigh: one-sided Jacobi is two-sided Jacobi on G G^T
#         without forming it (GVL4 Sec. 8.6.4).
# [DV92]  J. Demmel and K. Veselic, "Jacobi's method is more accurate than QR", SIAM J.
#         Matrix Anal. Appl. 13 (1992) 1204-1245: the pair is skipped when
#         |c| <= tol sqrt(d_p d_q), a test relative to the two norms (so the tiny
#         singular values come out with high relative accuracy and X orthonormal).
# [dR89]  P. P. M. de Rijk, "A one-sided Jacobi algorithm for computing the singular
#         value decomposition on a vector computer", SIAM J. Sci. Stat. Comput. 10
#         (1989) 359-371: before the pivot row p's rotations, the remaining row of
#         largest norm is swapped into place (faster convergence, s nearly sorted).
# [LAPACK] dgesvj: tol = sqrt(M) eps (its CTOL), a cap of 30 sweeps (its NSWEEP).
# The norms are recomputed from the rotated rows (not updated by d_p - t c, which can
# cancel). Rows with s_p = 0 (rank deficiency, a zero matrix) have no direction; those
# columns of U (or rows of Vt), and a full U's / Vt's extra ones, are the complement
# of X's rows: the LQ factorisation X = [L 0] H_{k-1} ... H_0 by Householder reflectors
# (GVL4 Alg. 5.2.1 applied to X^T, LAPACK dgelq2), whose Q = H_0 ... H_{k-1} (dorgl2 /
# org_q) has X's rows as its first columns (up to sign) and the complement after.

cdef Py_ssize_t JACOBI_SWEEPS = 30


cdef inline double _dot(Py_ssize_t n, const floating* x, const floating* y) noexcept nogil:
    """x . y with four partial sums (independent chains: the rows are short, and one
    chain of dependent additions would cost its full latency per entry), accumulated
    in double: for float32 rows the products are exact and the squared norms cannot
    underflow (rows of norm 1e-20 are squares of 1e-40, below float32's safe minimum;
    the pair test and the normalisation would lose them). The rotations themselves
    and every stored number stay float32."""
    cdef double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
    cdef Py_ssize_t i = 0
    while i + 4 <= n:
        a0 += <double>x[i] * y[i]
        a1 += <double>x[i + 1] * y[i + 1]
        a2 += <double>x[i + 2] * y[i + 2]
        a3 += <double>x[i + 3] * y[i + 3]
        i += 4
    while i < n:
        a0 += <double>x[i] * y[i]
        i += 1
    return (a0 + a1) + (a2 + a3)


cdef Py_ssize_t jacobi_work_size(Py_ssize_t m, Py_ssize_t n) noexcept nogil:
    """Entries (of the working type) of workspace jacobi_svd needs for an m x n matrix."""
    cdef Py_ssize_t L = _imax(m, n), k = m + n - _imax(m, n)
    return (_al(k * L) + _al(k * k) + _al(2 * k) + _al(k) + _al(L * L)
            + org_work_size(L, L, NB))


cdef int jacobi_svd(Py_ssize_t m, Py_ssize_t n,
                    const floating* A, Py_ssize_t lda,  # IN   m x n, finite, min(m, n) >= 1
                    floating* s,                      # OUT  min(m, n), descending
                    floating* U, Py_ssize_t ldu,      # OUT  m x (m if full else k), or
                                                      #      NULL: values only
                    floating* VT, Py_ssize_t ldvt,    # OUT  (n if full else k) x n
                    bint full,
                    floating* work) noexcept nogil:   # work jacobi_work_size(m, n)
    """A = U diag(s) VT by one-sided Jacobi ([Hes58], [DV92], [dR89]; see above).
    The entries are scaled by a power of two (exact) so that max |a_ij| < 1: the sums
    of squares cannot overflow. Returns 0, or 1 when JACOBI_SWEEPS sweeps did not
    suffice."""
    cdef bint want = U != NULL, wide = m < n
    cdef Py_ssize_t L = _imax(m, n), k = m + n - _imax(m, n)
    cdef Py_ssize_t kc = (L if full else k)          # columns of U (tall), rows of VT (wide)
    cdef Py_ssize_t i, j, p, q, r, rank, _sweep
    cdef int ex = 0, status = 1
    cdef bint rotated
    cdef floating amax = 0.0, x, g, h
    # the Gram entries, the squared norms and the rotation in double (see _dot)
    cdef double tol2, apq, dp, dq, zeta, t, u, sn, tau
    cdef floating* G = work                          # k x L, the rows to orthogonalise
    cdef floating* V = G + _al(k * L)                # k x k, the rotations (Q)
    cdef double* d = <double*>(V + _al(k * k))         # k squared row norms (doubles)
    cdef floating* taus = V + _al(k * k) + _al(2 * k)  # k, the LQ's reflectors
    cdef floating* Qc = taus + _al(k)                # L x kc, the LQ's Q
    cdef floating* ow = Qc + _al(L * L)
    cdef floating* gp
    cdef floating* gq
    for i in range(m):
        for j in range(n):
            x = fabs(A[i * lda + j])
            if x > amax:
                amax = x
    if amax != 0.0:
        frexp(amax, &ex)                             # amax = f 2^ex, 0.5 <= f < 1
    for i in range(m):                               # G = A (wide) or A^T (tall), scaled
        for j in range(n):
            x = ldexp(A[i * lda + j], -ex)
            if wide:
                G[i * L + j] = x
            else:
                G[j * L + i] = x
    if want:
        memset(V, 0, k * k * sizeof(floating))
        for i in range(k):
            V[i * k + i] = 1.0
    cdef double EPS = FLT_EPSILON if floating is float else DBL_EPSILON
    tol2 = <double>L * EPS * EPS                     # (sqrt(L) eps)^2, dgesvj's CTOL
    for _sweep in range(JACOBI_SWEEPS):
        rotated = False
        for p in range(k):                           # the norms afresh every sweep
            d[p] = _dot(L, G + p * L, G + p * L)
        for p in range(k - 1):
            # de Rijk's pivot: the largest remaining row moves to p
            q = p
            for j in range(p + 1, k):
                if d[j] > d[q]:
                    q = j
            if q != p:
                d[p], d[q] = d[q], d[p]
                for r in range(L):
                    G[p * L + r], G[q * L + r] = G[q * L + r], G[p * L + r]
                if want:
                    for r in range(k):
                        V[p * k + r], V[q * k + r] = V[q * k + r], V[p * k + r]
            gp = G + p * L
            for q in range(p + 1, k):
                gq = G + q * L
                apq = _dot(L, gp, gq)
                dp = d[p]
                dq = d[q]
                if apq == 0.0 or apq * apq <= tol2 * dp * dq:
                    continue
                rotated = True
                # t = tan(theta) of the 2 x 2 Schur step, zeta = dq - dp multiplied
                # through by |2 apq| (as jacobi_eigh); s = t / sqrt(1 + t^2),
                # tau = s / (1 + c) = t / (1 + sqrt(1 + t^2)) (Rutishauser's updates)
                zeta = dq - dp
                t = copysign(2.0, zeta) * apq / (fabs(zeta) + sqrt(zeta * zeta + 4.0 * apq * apq))
                u = sqrt(1.0 + t * t)
                sn = t / u
                tau = t / (1.0 + u)
                for r in range(L):
                    g = gp[r]
                    h = gq[r]
                    gp[r] = g - sn * (h + g * tau)
                    gq[r] = h + sn * (g - h * tau)
                # the new squared norms d_p - t c, d_q + t c (the Gram matrix's 2 x 2
                # Schur step); recomputed when d_p cancels (dgesvj's safeguard)
                d[q] = dq + t * apq
                d[p] = dp - t * apq
                if d[p] < 0.25 * dp:
                    d[p] = _dot(L, gp, gp)
                if want:                             # the same rotation on Q's rows
                    for r in range(k):
                        g = V[p * k + r]
                        h = V[q * k + r]
                        V[p * k + r] = g - sn * (h + g * tau)
                        V[q * k + r] = h + sn * (g - h * tau)
        if not rotated:
            status = 0
            break
    # s descending (selection sort: k is small), the rows of G and Q alongside
    for p in range(k - 1):
        q = p
        for j in range(p + 1, k):
            if d[j] > d[q]:
                q = j
        if q != p:
            d[p], d[q] = d[q], d[p]
            for r in range(L):
                G[p * L + r], G[q * L + r] = G[q * L + r], G[p * L + r]
            if want:
                for r in range(k):
                    V[p * k + r], V[q * k + r] = V[q * k + r], V[p * k + r]
    for p in range(k):
        d[p] = _dot(L, G + p * L, G + p * L)
    rank = 0
    for p in range(k):
        s[p] = sqrt(d[p])
        if s[p] > 0.0:
            rank += 1
    if want:
        # X's rows: g_p / s_p; the rows with s_p = 0 are zero (their direction comes
        # from the complement below)
        for p in range(k):
            if s[p] > 0.0:
                t = 1.0 / sqrt(d[p])
                for r in range(L):
                    G[p * L + r] *= t
            else:
                memset(G + p * L, 0, L * sizeof(floating))
        if wide:
            # A = G_0 = Q^T diag(s) X: U = Q^T, VT's first rows = X's
            for i in range(k):
                for j in range(k):
                    U[i * ldu + j] = V[j * k + i]
            for p in range(rank):
                memcpy(VT + p * ldvt, G + p * L, L * sizeof(floating))
        else:
            # A = G_0^T = X^T diag(s) Q: U's first columns = X's rows, VT = Q
            for i in range(L):
                for p in range(rank):
                    U[i * ldu + p] = G[p * L + i]
            for i in range(k):
                memcpy(VT + i * ldvt, V + i * k, k * sizeof(floating))
        if rank < kc:
            # the complement: X = [L 0] H_{k-1} ... H_0 (dgelq2: reflector p zeroes
            # row p right of the diagonal), Q = H_0 ... H_{k-1} (org_q), columns
            # rank..kc-1 of Q
            for p in range(k):
                gp = G + p * L
                t = house(L - p, gp + p, gp + p + 1, 1)
                taus[p] = t
                if t == 0.0:
                    continue
                for q in range(p + 1, k):            # row q <- row q (I - t v v^T)
                    gq = G + q * L
                    x = gq[p]
                    for r in range(p + 1, L):
                        x += gq[r] * gp[r]
                    x *= t
                    gq[p] -= x
                    for r in range(p + 1, L):
                        gq[r] -= x * gp[r]
            org_q(L, kc, k, G, 1, L, taus, Qc, kc, NB, ow)
            for j in range(rank, kc):
                if wide:
                    for i in range(L):
                        VT[j * ldvt + i] = Qc[i * kc + j]
                else:
                    for i in range(L):
                        U[i * ldu + j] = Qc[i * kc + j]
    for p in range(k):
        s[p] = ldexp(s[p], ex)
    return status


# =================================================================================
# Singular values of a bidiagonal by dqds (the values-only path's second half)
# =================================================================================
# [FP94]  K. V. Fernando and B. N. Parlett, "Accurate singular values and differential
#         qd algorithms", Numer. Math. 67 (1994) 191-229: the differential qd transform
#         with shift tau of the qd array q_i = d_i^2, e_i = e_i^2 (B^T B = L U),
#             t_0 = q_0 - tau;  q^_i = t_i + e_i,  e^_i = e_i q_{i+1} / q^_i,
#             t_{i+1} = t_i q_{i+1} / q^_i - tau;  q^_{n-1} = t_{n-1},
#         no square root and no subtraction but the shift, so every eigenvalue of
#         B^T B keeps high relative accuracy; a negative t means tau exceeded the
#         smallest eigenvalue (the transform is then rejected and retried smaller).
# [PM00]  B. N. Parlett and O. A. Marques, "An implementation of the dqds algorithm
#         (positive case)", Linear Algebra Appl. 309 (2000) 217-259, and LAPACK
#         dlasq1-dlasq6: deflation at the bottom when e_{n-2} <= tol^2 (sigma + q_{n-1})
#         (tol = 100 eps), the 2 x 2 blocks solved directly, splits at negligible e_i.
# Simplified shift strategy (dlasq4 estimates tau much more finely): the smaller
# eigenvalue of T = L U's trailing 2 x 2 (Wilkinson's shift, as dlasq4's converging
# cases), capped by dmin (the smallest t of the last transform, an upper bound of the
# smallest eigenvalue), times 0.9999; on rejection 0.99 and 0.5 of it, then 0 (dqd,
# always accepted). About 3.7 accepted transforms per eigenvalue on 64 x 64 standard
# normal bidiagonals (LAPACK's finer shifts: about 2). Outside the normal range (entries
# below ~1e-150 of the largest, whose squares underflow; float32: below ~1e-19) it may
# not converge: -1, and the caller falls back to the bidiagonal QR.
# The entries are scaled by a power of two so that max |d_i|, |e_i| is about 1 (exact).

cdef int _dqds_transform(Py_ssize_t lo, Py_ssize_t hi, floating tau,
                         const floating* q, const floating* e,  # IN  the block lo..hi
                         floating* qn, floating* en,         # OUT the transformed one
                         floating* dmin, floating* dmin1) noexcept nogil:
    """One dqds transform of the block; 0, or -1 (rejected: a negative t, or a NaN
    from a square that underflowed to zero: the caller falls back to the QR)."""
    cdef Py_ssize_t i
    cdef floating t = q[lo] - tau, qh, r
    if not t >= 0.0:
        return -1
    dmin[0] = t
    dmin1[0] = t
    for i in range(lo, hi):
        qh = t + e[i]
        r = q[i + 1] / qh
        qn[i] = qh
        en[i] = e[i] * r
        t = t * r - tau
        if not t >= 0.0:
            return -1
        if i < hi - 1 and t < dmin1[0]:
            dmin1[0] = t
        if t < dmin[0]:
            dmin[0] = t
    qn[hi] = t
    return 0


cdef int dqds(Py_ssize_t n,
              floating* d,            # INOUT n: B's diagonal -> the singular values,
                                      #       descending, non-negative
              floating* e,            # INOUT n - 1: B's superdiagonal (destroyed)
              floating* work) noexcept nogil:  # work 5 n
    """Singular values of the n x n upper bidiagonal (d, e) by dqds ([FP94], [PM00]).
    Returns 0, or -1 when 2.5 cap_factor() (n + 1) transforms (100 (n + 1) by default)
    did not suffice."""
    cdef floating* q = work
    cdef floating* ee = q + n
    cdef floating* sh = ee + n         # the shift accumulated by each entry's block
    cdef floating* qn = sh + n
    cdef floating* en = qn + n
    cdef Py_ssize_t i, j, lo, hi, it = 0, last_lo = -1, last_hi = -1
    # the cap follows the bidiagonal QR's factor (40: 100 (n + 1) transforms), so that
    # _set_cap_factor(0) makes every values-only path stop
    cdef Py_ssize_t maxit = (5 * cap_factor() * (n + 1)) // 2
    cdef floating EPS = FLT_EPSILON if floating is float else DBL_EPSILON
    cdef floating amax = 0.0, tol2 = (100.0 * EPS) * (100.0 * EPS), tau, dmin, dmin1
    cdef floating dnext = 0.0, q1, q2, e1, e0, disc, big, t
    cdef int ex = 0, attempt
    if n == 0:
        return 0
    for i in range(n):
        amax = max(amax, fabs(d[i]))
        if i < n - 1:
            amax = max(amax, fabs(e[i]))
    if amax == 0.0:
        for i in range(n):
            d[i] = 0.0
        return 0
    frexp(amax, &ex)
    for i in range(n):
        t = ldexp(d[i], -ex)
        q[i] = t * t
        sh[i] = 0.0
        if i < n - 1:
            t = ldexp(e[i], -ex)
            ee[i] = t * t
    hi = n - 1
    while hi >= 0:
        # the unreduced block lo..hi: split where an e_i is negligible against its
        # neighbours (or zero)
        lo = hi
        while lo > 0:
            t = ee[lo - 1]
            if t == 0.0 or t <= tol2 * min(q[lo - 1], q[lo]):
                ee[lo - 1] = 0.0
                break
            lo -= 1
        if lo == hi:                                   # 1 x 1: an eigenvalue
            d[hi] = q[hi] + sh[hi]
            hi -= 1
            continue
        if hi == lo + 1:
            # 2 x 2: lambda^2 - (q1 + e1 + q2) lambda + q1 q2 = 0, the discriminant
            # as (q1 + e1 - q2)^2 + 4 q2 e1 (no cancellation), the small root as
            # q1 q2 / big
            q1 = q[lo]
            e1 = ee[lo]
            q2 = q[hi]
            disc = (q1 + e1 - q2) * (q1 + e1 - q2) + 4.0 * q2 * e1
            big = 0.5 * (q1 + e1 + q2 + sqrt(disc))
            d[lo] = big + sh[lo]
            d[hi] = (q1 / big) * q2 + sh[hi]
            hi -= 2
            continue
        # deflation at the bottom (dlasq3)
        t = ee[hi - 1]
        if t <= tol2 * (sh[hi] + q[hi]) or t <= tol2 * q[hi - 1]:
            d[hi] = q[hi] + sh[hi]
            hi -= 1
            dnext = dmin1 if (last_hi == hi + 1 and last_lo == lo) else 0.0
            last_hi = hi
            continue
        if it >= maxit:
            return -1
        it += 1
        if last_lo != lo or last_hi != hi:
            dnext = 0.0                                # a new block: dqd first
        if dnext > 0.0:
            # the trailing 2 x 2's smaller eigenvalue: near convergence the smallest
            # eigenvalue of the block to many digits (Wilkinson's idea, as dlasq4's
            # cases for a converging bottom)
            # T = L U's trailing 2 x 2 [[q1 + e0, .], [., q2 + e1]], off-diagonal
            # product q1 e1: det = q1 q2 + e0 q2 + e0 e1 (no cancellation)
            q1 = q[hi - 1]
            e1 = ee[hi - 1]
            q2 = q[hi]
            e0 = ee[hi - 2]
            big = 0.5 * (q1 + e0 + q2 + e1) + sqrt(
                0.25 * (q1 + e0 - q2 - e1) * (q1 + e0 - q2 - e1) + q1 * e1)
            t = (q1 * q2 + e0 * (q2 + e1)) / big
            if t < dnext:
                dnext = t
        for attempt in range(4):
            if attempt == 3 or dnext <= 0.0:
                tau = 0.0
            elif attempt == 0:
                tau = 0.9999 * dnext
            elif attempt == 1:
                tau = 0.99 * dnext
            else:
                tau = 0.5 * dnext
            if _dqds_transform(lo, hi, tau, q, ee, qn, en, &dmin, &dmin1) == 0:
                break
            if tau == 0.0:                             # (only a NaN: t >= 0 for tau 0)
                return -1
        memcpy(q + lo, qn + lo, (hi - lo + 1) * sizeof(floating))
        memcpy(ee + lo, en + lo, (hi - lo) * sizeof(floating))
        for i in range(lo, hi + 1):
            sh[i] += tau
        dnext = dmin
        last_lo = lo
        last_hi = hi
    # s = sqrt(lambda) scaled back, descending (insertion sort)
    for i in range(n):
        d[i] = ldexp(sqrt(max(d[i], 0.0)), ex)
    for i in range(1, n):
        t = d[i]
        j = i - 1
        while j >= 0 and d[j] < t:
            d[j + 1] = d[j]
            j -= 1
        d[j + 1] = t
    return 0

# =================================================================================
# The batch loop (issue 14): one nogil loop over a stack (..., M, N)
# =================================================================================
# Stacks with min(M, N) <= JACOBI_MAX (JACOBI_MAX_VALUES without vectors) and
# max(M, N) <= JACOBI_LONG go through jacobi_svd, the others (and 2-D inputs, see
# _svd_all) through gesdd.
# Measured (CPU time per matrix, one thread, loaded 2-core machine; stacks of float64
# standard normal), Jacobi / gesdd, with vectors: 4x4 0.95 / 5.97 us, 8x8 5.5 / 9.9,
# 10x10 9.6 / 12.9, 12x12 15.1 / 16.4, 16x16 31.2 / 24.4, 64x8 13.3 / 17.6, 48x12
# 27.1 / 29.9; values only (gesdd's bidiagonal QR needs no rotations then): 4x4 0.86 /
# 1.04, 5x5 1.53 / 1.57, 6x6 2.49 / 2.19, 64x4 3.16 / 3.34, 64x8 12.4 / 7.5.
cdef Py_ssize_t JACOBI_MAX = 12
cdef Py_ssize_t JACOBI_MAX_VALUES = 4
cdef Py_ssize_t JACOBI_LONG = 64
# Threads over a stack: blas.batch_threads (cimported as _threads_for), the rule of
# _stacked.pyx too: one matrix per thread up to order 64, threads inside the kernels above.


cdef bint _use_jacobi(Py_ssize_t m, Py_ssize_t n, bint want) noexcept nogil:
    cdef Py_ssize_t L = _imax(m, n)
    return m + n - L <= (JACOBI_MAX if want else JACOBI_MAX_VALUES) and L <= JACOBI_LONG


cdef inline Py_ssize_t _batch_lw(Py_ssize_t m, Py_ssize_t n, bint want, bint full,
                                 bint use_dc, bint jacobi) noexcept nogil:
    if jacobi:
        return _al(jacobi_work_size(m, n))
    return _al(gesdd_work_size(m, n, want, full, use_dc))


cdef Py_ssize_t svd_batch_work_size(Py_ssize_t batch, Py_ssize_t m, Py_ssize_t n,
                                    bint want, bint full, bint use_dc,
                                    bint allow_jacobi) noexcept nogil:
    """Entries (of the working type) of the workspace svd_batch takes as work_in (its
    threads' share)."""
    cdef bint jacobi = allow_jacobi and _use_jacobi(m, n, want)
    return _threads_for(batch, _imax(m, n)) * _batch_lw(m, n, want, full, use_dc, jacobi)


cdef int svd_batch(Py_ssize_t batch, Py_ssize_t m, Py_ssize_t n,
                   floating* A,                   # INOUT batch x m x n, destroyed
                   floating* s,                   # OUT   batch x k
                   floating* U, Py_ssize_t ku,    # OUT   batch x m x ku, or NULL
                   floating* VT, Py_ssize_t kv,   # OUT   batch x kv x n
                   bint full, bint use_dc,
                   bint allow_jacobi,             # IN    False: gesdd whatever the size
                   floating* work_in,             # work  svd_batch_work_size(...) entries,
                                                  #       64-byte aligned, or NULL: malloc
                   Py_ssize_t* info) noexcept nogil:   # OUT batch kernel statuses
    """For each i: A_i = U_i diag(s_i) VT_i (min(m, n) >= 1), by jacobi_svd for small
    matrices (when allowed) and gesdd otherwise; prange over the batch when the
    matrices are small (each kernel on one thread), else one matrix after the other
    with the threads in the kernels' GEMMs. One workspace per thread, allocated once
    for the whole batch (or given). Returns -1 when it cannot be allocated, else 0."""
    cdef Py_ssize_t i, k = m + n - _imax(m, n), lw
    cdef bint want = U != NULL
    cdef bint jacobi = allow_jacobi and _use_jacobi(m, n, want)
    cdef int nt = _threads_for(batch, _imax(m, n))
    cdef floating* work
    cdef floating* w
    cdef floating* up
    cdef floating* vp
    cdef floating* raw = NULL
    lw = _batch_lw(m, n, want, full, use_dc, jacobi)
    if work_in != NULL:
        work = work_in
    else:
        raw = <floating*>malloc((nt * lw + 16) * sizeof(floating))
        if raw == NULL:
            return -1
        work = raw + ((64 - (<size_t>raw) % 64) % 64) // sizeof(floating)  # 64-byte aligned
    if nt == 1:
        # one matrix after the other, outside any parallel region (the kernels' GEMMs
        # then use the library's threads)
        for i in range(batch):
            up = U + i * m * ku if want else NULL
            vp = VT + i * kv * n if want else NULL
            if jacobi:
                info[i] = jacobi_svd(m, n, A + i * m * n, n, s + i * k, up, ku, vp, n, full,
                                     work)
            else:
                info[i] = gesdd(m, n, A + i * m * n, n, s + i * k, up, ku, vp, n, full,
                                use_dc, work)
        free(raw)
        return 0
    for i in prange(batch, num_threads=nt, schedule="static"):
        w = work + threadid() * lw
        up = U + i * m * ku if want else NULL
        vp = VT + i * kv * n if want else NULL
        if jacobi:
            info[i] = jacobi_svd(m, n, A + i * m * n, n, s + i * k, up, ku, vp, n, full, w)
        else:
            info[i] = gesdd(m, n, A + i * m * n, n, s + i * k, up, ku, vp, n, full,
                            use_dc, w)
    free(raw)
    return 0


# The workspace of one call, kept between calls up to WS_CACHE_MAX doubles (32 MB): a
# fresh malloc'd block is fresh pages, and their faults and zeroing cost ~15% of a
# 512 x 512 SVD (measured: 54 -> 47 ms); above that size the O(n^3) work hides them.
# One caller at a time uses it (taken and given back under the GIL); another thread
# calling meanwhile gets its own malloc'd block. One cache per dtype (float32 and
# float64 calls do not evict each other's), each capped at WS_CACHE_MAX entries.
cdef Py_ssize_t WS_CACHE_MAX = 1 << 22
_ws_cache = {}
_ws_busy = set()


def _workspace(Py_ssize_t need, dtype):
    """The cached workspace of this dtype, 64-byte aligned, at least need entries
    (grown as needed)."""
    dtype = np.dtype(dtype)
    cdef Py_ssize_t pad = 64 // dtype.itemsize
    buf = _ws_cache.get(dtype)
    if buf is None or buf.shape[0] < need + pad:
        buf = _ws_cache[dtype] = np.empty(need + pad, dtype=dtype)
    off = (-buf.ctypes.data % 64) // dtype.itemsize
    return buf[off:off + need]


def _svd_all(floating[:, :, ::1] Am, floating[:, ::1] sm, floating[:, :, ::1] Um,
             floating[:, :, ::1] Vm, bint want, bint full, bint stacked, str name):
    """Decompose every matrix of the (batch, m, n) float32 or float64 work array
    (computed in its own dtype; destroyed;
    batch >= 1, min(m, n) >= 1) into sm, and Um / Vm when want; raises on failure.
    The Jacobi kernel is for stacks only: a 2-D input keeps the bidiagonal path (its
    rounding in rank-deficient cases is LAPACK's, which numpy's own tests rely on:
    test_linalg's TestLstsq.test_rcond counts a rounding-level singular value of an
    exactly rank-3 matrix as rank 4; Jacobi computes it 15 times smaller, below the
    eps / 2 threshold)."""
    cdef Py_ssize_t batch = Am.shape[0], m = Am.shape[1], n = Am.shape[2]
    cdef floating* up = &Um[0, 0, 0] if want else NULL
    cdef floating* vp = &Vm[0, 0, 0] if want else NULL
    cdef Py_ssize_t ku = Um.shape[2], kv = Vm.shape[1]
    cdef bint use_dc = _USE_DC
    cdef int status
    cdef floating* work = NULL
    cdef floating[::1] wm
    dt = np.dtype(np.float32 if floating is float else np.float64)
    info = np.zeros(batch, dtype=np.intp)
    cdef Py_ssize_t[::1] inf = info
    cdef Py_ssize_t need = svd_batch_work_size(batch, m, n, want, full, use_dc, stacked)
    cached = need <= WS_CACHE_MAX and dt not in _ws_busy
    if cached:
        wm = _workspace(need, dt)
        work = &wm[0]
        _ws_busy.add(dt)                 # (under the GIL: one caller at a time)
    try:
        with nogil:
            status = svd_batch(batch, m, n, &Am[0, 0, 0], &sm[0, 0], up, ku, vp, kv, full,
                               use_dc, stacked, work, &inf[0])
    finally:
        if cached:
            _ws_busy.discard(dt)
    if status:
        raise MemoryError("%s: cannot allocate the SVD workspace" % name)
    bad = np.flatnonzero(info)
    if not bad.size:
        return
    i = int(bad[0])
    where = " (matrix %d of the stack)" % i if batch > 1 else ""
    code = int(info[i])
    if code == 1:
        raise LinAlgError("%s: one-sided Jacobi did not converge after %d sweeps%s"
                          % (name, JACOBI_SWEEPS, where))
    if code == -2:
        raise MemoryError("%s: out of memory in the divide-and-conquer merge" % name)
    if code == -3:
        raise LinAlgError("%s: bidiagonal QR did not converge after %d sweeps (in a "
                          "divide-and-conquer leaf)%s" % (name, cap_factor(), where))
    raise LinAlgError("%s: bidiagonal QR did not converge after %d sweeps%s"
                      % (name, cap_factor() * (min(m, n) + 1), where))


def _set_jacobi_limits(Py_ssize_t k, Py_ssize_t k_values, Py_ssize_t L):
    """Set (JACOBI_MAX, JACOBI_MAX_VALUES, JACOBI_LONG), returning the old triple (tests
    and crossover measurements; zeros turn the Jacobi kernel off)."""
    global JACOBI_MAX, JACOBI_MAX_VALUES, JACOBI_LONG
    old = (JACOBI_MAX, JACOBI_MAX_VALUES, JACOBI_LONG)
    JACOBI_MAX = k
    JACOBI_MAX_VALUES = k_values
    JACOBI_LONG = L
    return old


def _set_jacobi_sweeps(Py_ssize_t k):
    """Set the one-sided Jacobi sweep cap; returns the old one (tests: 0 makes every
    matrix report non-convergence)."""
    global JACOBI_SWEEPS
    old = JACOBI_SWEEPS
    JACOBI_SWEEPS = k
    return old


def _jacobi_run(floating[:, ::1] Am, floating[::1] sm, floating[:, ::1] Um,
                floating[:, ::1] Vm, bint compute_uv, bint full):
    """jacobi_svd on the given arrays, in their dtype; returns its status."""
    cdef Py_ssize_t m = Am.shape[0], n = Am.shape[1]
    cdef Py_ssize_t ku = Um.shape[1]
    dt = np.float32 if floating is float else np.float64
    cdef floating[::1] w = np.empty(jacobi_work_size(m, n), dtype=dt)
    cdef int status
    with nogil:
        status = jacobi_svd(m, n, &Am[0, 0], n, &sm[0], &Um[0, 0] if compute_uv else NULL,
                            ku, &Vm[0, 0], n, full, &w[0])
    return status


def _jacobi_py(a, bint compute_uv=True, bint full=False, dtype=np.float64):
    """(U, s, Vt) of one matrix by jacobi_svd alone, whatever its size, computed in
    dtype (float64 or float32; tests); (None, s, None) without vectors."""
    A = np.array(a, dtype=dtype, order="C")
    m, n = A.shape
    k = min(m, n)
    ku, kv = (m if full else k), (n if full else k)
    Ua = np.empty((m, ku), dtype=dtype)
    Va = np.empty((kv, n), dtype=dtype)
    sa = np.empty(k, dtype=dtype)
    if _jacobi_run(A, sa, Ua, Va, compute_uv, full):
        raise LinAlgError("jacobi_svd: did not converge")
    return (Ua, sa, Va) if compute_uv else (None, sa, None)


def _prepare(A, str name):
    a = _work_copy(A, name, square=False)
    m, n = a.shape
    return a, m, n


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


def _svd_hermitian_stack(arr, bint compute_uv):
    """_svd_hermitian_array's construction over a (batch, m, m) float64 stack at once:
    one call of the stacked eigh (_stacked._eigh_stack: cyclic Jacobi in one nogil loop
    for small orders), then numpy glue along the last axis (no Python loop per
    matrix). Returns (s, U, Vt), U and Vt None without vectors."""
    from rusty_machine.linalg._stacked import _eigh_stack
    w, V, _ = _eigh_stack(arr, "L", bool(compute_uv), "svd")
    order = np.argsort(np.abs(w), axis=-1)[..., ::-1]
    s = np.ascontiguousarray(np.take_along_axis(np.abs(w), order, axis=-1))
    if not compute_uv:
        return s, None, None
    U = np.ascontiguousarray(np.take_along_axis(V, order[..., None, :], axis=-1))
    sign = np.copysign(1.0, np.take_along_axis(w, order, axis=-1))
    # copysign, not sign: a zero eigenvalue keeps its vector (numpy's "avoid zero sign")
    Vt = np.ascontiguousarray(np.swapaxes(U * sign[..., None, :], -1, -2))
    return s, U, Vt


def _svd_any(a, full, compute_uv, hermitian, str func, bint keep64=False):
    """numpy.linalg.svd's contract for a 2-D input or a stack (..., M, N): the arrays
    (U, s, Vt) (U, Vt None without vectors) in the input's dtype (float64 when keep64,
    for callers that go on computing), whether the input was a stack, and the result
    dtype. Computed in the input's dtype: float32 by the float32 instances of the
    kernels (issue 13), everything else in float64 (numpy's rule for integers);
    hermitian=True still goes through the float64 eigh, rounded once. A 2-D input is
    a stack of one: the same nogil batch loop (svd_batch) runs both (a 2-D input
    always through gesdd)."""
    from rusty_machine.linalg._stacked import (_as_real_array, _check_stack,
                                               _batch_copy, _out_dtype)
    from rusty_machine.linalg.matrix import Matrix
    if isinstance(a, Matrix) or np.ndim(a) == 2:
        # the 2-D path: the one input-checking path of every decomposition
        single = getattr(a, "dtype", None) == np.float32
        arr = _work_copy(a, func, square=bool(hermitian))
        if single and not hermitian:
            # exact: the float64 copy holds the float32 entries (the one checking path)
            arr = arr.astype(np.float32)
        arr = arr.reshape((1,) + arr.shape)
        batch_shape = None
    else:
        arr0 = _as_real_array(a, func)
        _check_stack(arr0, func, square=bool(hermitian))
        single = _out_dtype(arr0) == np.float32
        batch_shape = arr0.shape[:-2]
        arr = _batch_copy(arr0, batch_shape, func,
                          np.float32 if single and not hermitian else np.float64)
    nb, m, n = arr.shape
    wt = arr.dtype                      # the working dtype
    k = min(m, n)
    if hermitian:
        ku, kv = m, n
    else:
        ku = m if full else k
        kv = n if full else k
    s_all = np.empty((nb, k), dtype=wt)
    U_all = np.empty((nb, m, ku), dtype=wt) if compute_uv else None
    Vt_all = np.empty((nb, kv, n), dtype=wt) if compute_uv else None
    if hermitian and batch_shape is not None:
        s_all, U_all, Vt_all = _svd_hermitian_stack(arr, compute_uv)
    elif hermitian:
        # a 2-D input: numpy's construction from the one-matrix eigh
        for i in range(nb):
            U, s, Vt = _svd_hermitian_array(arr[i], compute_uv)
            s_all[i] = s
            if compute_uv:
                U_all[i] = U
                Vt_all[i] = Vt
    elif nb and k:
        none = np.empty((1, 1, 1), dtype=wt)
        _svd_all(arr, s_all, U_all if compute_uv else none,
                 Vt_all if compute_uv else none, bool(compute_uv), bool(full),
                 batch_shape is not None, func)
    elif compute_uv:
        # 0-size matrices: no singular values, U and Vt identities (numpy's shapes)
        U_all[...] = np.eye(m, ku)
        Vt_all[...] = np.eye(kv, n)
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

    A stack (..., M, N) runs in one nogil loop over the same driver (svd_batch, threads
    over the batch for small matrices); stacks with min(M, N) <= 12 (4 without
    vectors) and max(M, N) <= 64 use one-sided Jacobi instead (Hestenes, de Rijk's
    pivoting, Demmel-Veselic's relative test). hermitian=True stacks run the stacked
    eigh in one call. Every kernel is written once for both float types: a float32
    input is computed in float32, with every convergence and deflation test in
    float32's own eps and safe minimum (issue 13).

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
        and conquer) exceeded its cap of 40 (n + 1) sweeps; one-sided Jacobi exceeded
        its 30 sweeps (the message names the matrix of the stack).
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
    the iteration. A stack runs in one nogil loop, as :func:`svd` (one-sided Jacobi
    for min(M, N) <= 4).

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
    # float32 in, float32 computed and out (issue 13); the copy is exact
    dt = np.float32 if getattr(A, "dtype", None) == np.float32 else np.float64
    k = min(m, n)
    if k == 0:
        return (asmatrix(np.zeros((m, 0), dtype=dt)), asmatrix(np.zeros((0, 0), dtype=dt)),
                asmatrix(np.zeros((0, n), dtype=dt)))
    wide = m < n
    Wa = np.ascontiguousarray(a.T if wide else a, dtype=dt)
    nn = Wa.shape[1]
    d = np.empty(nn, dtype=dt)
    e = np.zeros(max(nn, 1), dtype=dt)
    QLa, QRa = _bidiag_factors(Wa, d, e)
    B = np.diag(d)
    if nn > 1:
        B += np.diag(e[:nn - 1], 1)
    if wide:
        # A^T = Q_L B Q_R^T  =>  A = Q_R B^T Q_L^T
        return (asmatrix(np.ascontiguousarray(QRa)), asmatrix(np.ascontiguousarray(B.T)),
                asmatrix(np.ascontiguousarray(QLa.T)))
    return asmatrix(QLa), asmatrix(B), asmatrix(np.ascontiguousarray(QRa.T))


def _bidiag_factors(floating[:, ::1] W, floating[::1] d, floating[::1] e):
    """bidiagonalize's kernel calls on the tall W (destroyed), in its dtype: d, e of
    B filled, and (Q_L m x n, Q_R n x n) formed from the reflectors (dorgbr)."""
    cdef Py_ssize_t mm = W.shape[0], nn = W.shape[1]
    dt = np.float32 if floating is float else np.float64
    cdef floating[::1] tauq = np.zeros(nn, dtype=dt)
    cdef floating[::1] taup = np.zeros(nn, dtype=dt)
    cdef floating[:, ::1] QLT
    cdef floating[::1] OW = np.empty(org_work_size(mm, max(mm, nn), NB), dtype=dt)
    QLa = np.empty((mm, nn), dtype=dt)
    QRa = np.empty((nn, nn), dtype=dt)
    cdef floating[:, ::1] QL = QLa
    cdef floating[:, ::1] QR = QRa
    QLT = _bidiagonalise(W, d, e, tauq, taup, True)
    with nogil:
        org_q(mm, nn, nn, &QLT[0, 0], 1, mm, &tauq[0], &QL[0, 0], nn, NB, &OW[0])
        orgtr(nn, &W[0, 0], nn, &taup[0], &QR[0, 0], nn, NB, &OW[0])
    return QLa, QRa


def _bdsqr_run(floating[::1] d0, floating[::1] e0, floating[::1] dv, floating[::1] ev,
               Py_ssize_t reps):
    """The values-only bdsqr on fresh copies of (d0, e0) in (dv, ev), reps times."""
    cdef Py_ssize_t n = d0.shape[0], _r
    dt = np.float32 if floating is float else np.float64
    cdef floating[::1] work = np.empty((4 + 4 * SWEEP_BATCH) * n + 1, dtype=dt)
    cdef Py_ssize_t status = 0
    with nogil:
        for _r in range(reps):
            memcpy(&dv[0], &d0[0], n * sizeof(floating))
            memcpy(&ev[0], &e0[0], (n + 1) * sizeof(floating))
            status = bdsqr(n, &dv[0], &ev[0], NULL, 0, 0, NULL, 0, 0, &work[0])
    return status


def _bdsqr_values_py(d, e, Py_ssize_t reps=1, dtype=np.float64):
    """Singular values of the upper bidiagonal (d, e) by the values-only bidiagonal QR
    in dtype, unsorted (tests and timing; reps > 1 repeats it on fresh copies)."""
    d0 = np.array(d, dtype=dtype)
    n = d0.shape[0]
    e0 = np.zeros(n + 1, dtype=dtype)
    e0[:max(n - 1, 0)] = np.asarray(e, dtype=dtype)[:max(n - 1, 0)]
    dv = np.empty(max(n, 1), dtype=dtype)
    ev = np.empty(n + 1, dtype=dtype)
    if n and _bdsqr_run(d0, e0, dv, ev, reps):
        raise LinAlgError("bdsqr: did not converge")
    return dv[:n]


def _dqds_run(floating[::1] dv, floating[::1] ev):
    """dqds on (dv, ev) in their dtype; returns its status."""
    cdef Py_ssize_t n = dv.shape[0]
    dt = np.float32 if floating is float else np.float64
    cdef floating[::1] work = np.empty(5 * n + 1, dtype=dt)
    cdef int status
    with nogil:
        status = dqds(n, &dv[0], &ev[0], &work[0])
    return status


def _dqds_py(d, e, dtype=np.float64):
    """Singular values of the upper bidiagonal (d, e) by dqds in dtype, descending
    (tests)."""
    dv = np.array(d, dtype=dtype)
    n = dv.shape[0]
    ev = np.zeros(n + 1, dtype=dtype)
    ev[:max(n - 1, 0)] = np.asarray(e, dtype=dtype)[:max(n - 1, 0)]
    if n and _dqds_run(dv, ev):
        raise LinAlgError("dqds: did not converge")
    return dv

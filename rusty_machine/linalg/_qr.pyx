# cython: language_level=3
"""Householder QR with the compact WY representation: qr, qr_factor, QR.

This is the file to read first if you want to see how a modern dense factorisation is
organised: a few lines of mathematics, then the same mathematics rearranged so that
almost all the arithmetic happens inside matrix-matrix products (GEMM).

1. Householder reflections  [GVL4 Sec. 5.1.2-5.1.3, Alg. 5.1.1 "house"; LAPACK dlarfg]
-------------------------------------------------------------------------------------
For a vector x of length p, a Householder reflection is

    H = I - tau v v^T,     tau = 2 / (v^T v),

the reflection through the hyperplane orthogonal to v. H is symmetric and orthogonal
(H^T H = I). Choosing v = x - beta e_1 with |beta| = ||x||_2 gives

    H x = beta e_1,

i.e. H zeroes every entry of x but the first. Two of the choices matter numerically:
  * the sign: beta = -sign(x_1) ||x||, so that v_1 = x_1 - beta is a sum of numbers of
    the same sign and never suffers cancellation (GVL4 Sec. 5.1.3);
  * the scaling: v is normalised so that v_1 = 1. Then v is known from v_2..v_p, which
    fit exactly in the zeros H just created, and tau = (beta - x_1) / beta.
`house` computes (v, tau, beta) this way, and rescales when ||x|| is so small that
the formulas would underflow (as LAPACK dlarfg does).

2. Householder QR  [GVL4 Alg. 5.2.1; LAPACK dgeqr2]
------------------------------------------------
For A of shape (m, n) and k = min(m, n), step j applies the reflection H_j that zeroes
A[j+1:, j] to the trailing columns A[j:, j:]. After k steps

    H_{k-1} ... H_1 H_0 A = R   (upper trapezoidal),  so  A = Q R,  Q = H_0 H_1 ... H_{k-1}.

Nothing else is stored: R on and above the diagonal, v_j below the diagonal of column
j, tau_j in a vector (LAPACK's "compact form"). The cost is 2 m n^2 - 2 n^3 / 3 flops,
but every step is a matrix-vector product (w = A^T v) and a rank-1 update
(A -= tau v w^T): memory-bound, a few GFLOPS at best.

3. The compact WY representation  [Schreiber & Van Loan 1989; GVL4 Sec. 5.1.7 and
   Alg. 5.2.2; LAPACK dlarft]
---------------------------------------------------------------------------------
A product of b reflections is itself "identity minus low rank":

    Q_b = H_0 H_1 ... H_{b-1} = I - V T V^T,

with V = [v_0, ..., v_{b-1}] (m x b, unit lower trapezoidal) and T (b x b) upper
triangular. It grows one reflection at a time:

    (I - V T V^T)(I - tau v v^T) = I - [V v] [[T, -tau T V^T v], [0, tau]] [V v]^T,

so the new column of T is  T[:j, j] = -tau_j T[:j, :j] (V[:, :j]^T v_j),  T[j, j] = tau_j.
`larft` forms all the inner products V^T V with one GEMM first (the "UT transform"
view of Joffrain et al. 2006) and then runs this recurrence on the small b x b matrix.

Where the kernels live: the reflector kernels of sections 1, 3, 4 and 6 (`house`,
`larft`, `larfb`, `org_q`) are in rusty_machine/linalg/_householder.pyx, the one file
every factorisation and reduction of the library (QR here, the tridiagonal reduction of
eigh, the Hessenberg reduction of eig, the bidiagonal reduction of svd) cimports. They
hold a block of reflectors as the rows of an explicit V^T (row-major: contiguous rows);
this file keeps the QR-specific parts: the unblocked and recursive panel factorisations,
the blocked driver, the least-squares solve and the Python layer.

4. Applying a block reflection with GEMM  [LAPACK dlarfb]
-------------------------------------------------------
    Q_b^T C = C - V (T^T (V^T C))

is three matrix products: W = V^T C, W = T^T W, C -= V W, costing about 4 m b ncols
flops at GEMM speed, instead of b rank-1 updates at memory speed.

5. Blocked QR  [GVL4 Alg. 5.2.2 (block Householder QR); LAPACK dgeqrf]
--------------------------------------------------------------------
Take the columns NB_GEQRF at a time. For the panel A[j:, j:j+b]:
  (a) factor the panel (V, tau, and R's diagonal block) -- here recursively: split the
      panel in two halves, factor the left, apply its block reflection to the right,
      factor the right (Elmroth & Gustavson 2000), down to NB_LEAF columns where
      dgeqr2 runs;
  (b) build T for the panel (larft);
  (c) update the trailing matrix A[j:, j+b:] <- Q_b^T A[j:, j+b:] (larfb: GEMMs).
All but O(m n b) of the flops are now in (c). (The panel is factored in a contiguous
copy: its columns are then compact in memory instead of lda apart in the big matrix,
which matters for the row-major, column-at-a-time steps of (a).)

6. Forming Q  [LAPACK dorgqr; GVL4 Sec. 5.1.6 "backward accumulation"]
------------------------------------------------------------------
Q = H_0 ... H_{k-1} applied to the first columns of the identity. Going backwards
(last block first) keeps the work small: block j only touches Q[j:, j:], because the
identity's columns to the left of j are still untouched there. Each block is again
one larfb, so forming Q also runs at GEMM speed.

7. Least squares  [GVL4 Sec. 5.3.3, Alg. 5.3.2]
---------------------------------------------
For tall A of full column rank, min ||A x - b||_2 is solved by x = inv(R_1) (Q^T b)[:n]:
apply the reflections to b (never forming Q), then back-substitute with the n x n
upper block R_1 of R.

8. Two dtypes, one source
-------------------------
Every kernel here (and the reflectors of _householder) is fused over
_floating.floating: sgeqrf and dgeqrf are two instances of the code above. geqr2's
fast-path limits come per dtype (sfmin / eps from the table in _floating.pxd, and
SSQ_LO/SSQ_HI/BIG below). float32 input is factored in float32 and its Q, R, tau and
solutions are float32 (numpy.linalg's rule); float32 factors solving a float64 b
promote to float64.

References
----------
[GVL4]   G. H. Golub and C. F. Van Loan, Matrix Computations, 4th ed., 2013,
         Alg. 5.1.1 (house), Sec. 5.1.6-5.1.7 (factored form, WY), Alg. 5.2.1
         (Householder QR), Alg. 5.2.2 (block Householder QR), Sec. 5.3 (least squares).
[SVL89]  R. Schreiber and C. Van Loan, "A storage-efficient WY representation for
         products of Householder transformations", SIAM J. Sci. Stat. Comput. 10(1),
         1989.
[JLQVV06] T. Joffrain, T. M. Low, E. S. Quintana-Orti, R. van de Geijn, F. G. Van Zee,
         "Accumulating Householder transformations, revisited", ACM TOMS 32(2), 2006.
[EG00]   E. Elmroth and F. G. Gustavson, "Applying recursion to serial and parallel QR
         factorization leads to better performance", IBM J. Res. Dev. 44(4), 2000.
[LAPACK] dlarfg, dgeqr2, dgeqrf, dlarft, dlarfb, dorgqr, dormqr.
"""
from collections import namedtuple

import numpy as np
cimport numpy as cnp

from libc.math cimport fabs, hypot, copysign, sqrt
from libc.stdlib cimport malloc, free

from rusty_machine.linalg.blas cimport xtrsm, xtrsv
from rusty_machine.linalg._floating cimport (floating, FLT_MIN, FLT_EPSILON, DBL_MIN,
                                             DBL_EPSILON)
from rusty_machine.linalg._householder cimport house, gather_v, larft, larfb, org_q
from rusty_machine.linalg.matrix cimport (Matrix, Vector, matrix_empty, matrix_zeros, vector_empty,
                                          asmatrix, asvector, kind_itemsize,
                                          RM_FLOAT32, RM_FLOAT64)
from rusty_machine.linalg._checks cimport all_finite, copy_finite, shape_str, input_matrix
from rusty_machine.exceptions import LinAlgError

cnp.import_array()

# ---- block sizes: the one table ------------------------------------------------------
# (measured on AVX-512 at n = 256..2048: 32 beats 64 and 128 by 5-30% because the
#  explicit V / T products of larft and larfb add about m n nb flops, which grows with
#  nb faster than GEMM efficiency does; changed only by _set_block_sizes(), for tests)
cdef Py_ssize_t NB_GEQRF = 32    # panel width of the blocked QR (dgeqrf's NB)
cdef Py_ssize_t NB_LEAF = 8      # the recursive panel runs dgeqr2 from this width down
cdef Py_ssize_t NB_ORGQR = 32    # block width when forming Q (dorgqr's NB)

# geqr2's fast-path limits (the rest of the table is _floating.pxd's eps and sfmin):
# below sfmin / eps a Householder beta is rescaled before use (dlarfg); above BIG,
# alpha - beta could overflow; a sum of squares outside (SSQ_LO, SSQ_HI) may have
# under- or overflowed. geqr2 leaves such columns to house(), which scales.
cdef double BIG_DOUBLE = 1e300
cdef double SSQ_LO_DOUBLE = 1e-290
cdef double SSQ_HI_DOUBLE = 1e290
cdef float BIG_FLOAT = 1e36
cdef float SSQ_LO_FLOAT = 1e-30
cdef float SSQ_HI_FLOAT = 1e30


def _set_block_sizes(geqrf=None, leaf=None, orgqr=None):
    """Set the block sizes (testing aid); returns the previous values as a dict."""
    global NB_GEQRF, NB_LEAF, NB_ORGQR
    old = dict(geqrf=NB_GEQRF, leaf=NB_LEAF, orgqr=NB_ORGQR)
    for name, value in (("geqrf", geqrf), ("leaf", leaf), ("orgqr", orgqr)):
        if value is not None and int(value) < 1:
            raise ValueError("block size %s must be >= 1, got %r" % (name, value))
    if geqrf is not None:
        NB_GEQRF = geqrf
    if leaf is not None:
        NB_LEAF = leaf
    if orgqr is not None:
        NB_ORGQR = orgqr
    return old


cdef inline Py_ssize_t _imax(Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    return a if a > b else b


cdef Py_ssize_t qr_block_size() noexcept nogil:
    """The largest block size of the table (what work_size needs for geqrf/orgqr)."""
    return _imax(_imax(NB_GEQRF, NB_ORGQR), 1)


cdef inline Py_ssize_t _imin(Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    return a if a < b else b


# =================================================================================
# kernels: (pointer, leading dimension), row-major, no checks, no GIL
# =================================================================================

cdef void geqr2(Py_ssize_t m,              # IN   rows
                Py_ssize_t n,              # IN   columns
                floating* A,               # INOUT m x n -> R above, V below the diagonal
                Py_ssize_t lda,            # IN
                floating* tau,             # OUT  min(m, n) reflector scalars
                floating* w                # WORK n elements
                ) noexcept nogil:
    """Unblocked Householder QR (GVL4 Alg. 5.2.1; LAPACK dgeqr2).

    Row-major: every step reads and updates the panel a row at a time, so each
    access is to a contiguous run of at most n numbers. Each column costs two passes
    over the rows: (1) scale x into v and accumulate w = A^T v, (2) the rank-1 update
    A -= tau v w^T, which also sums the squares of the next column (its ||x||^2 for
    house). A plain sum of squares is used only where it can neither overflow nor
    underflow; otherwise (and for tiny columns) `house` does the careful scaled
    computation of LAPACK dlarfg."""
    cdef Py_ssize_t j, i, c, ncol, mj, k = _imin(m, n)
    cdef floating t, s, ssq, alpha, beta, scal
    # the plain sum of squares is trusted inside (ssq_lo, ssq_hi), |beta| inside
    # (safmin, big): the per-dtype table (_floating.pxd), with margins as dlarfg's
    cdef floating ssq_lo, ssq_hi, safmin, big
    if floating is float:
        ssq_lo, ssq_hi = SSQ_LO_FLOAT, SSQ_HI_FLOAT
        safmin, big = FLT_MIN / FLT_EPSILON, BIG_FLOAT
    else:
        ssq_lo, ssq_hi = SSQ_LO_DOUBLE, SSQ_HI_DOUBLE
        safmin, big = DBL_MIN / DBL_EPSILON, BIG_DOUBLE
    cdef floating* row
    cdef floating* top
    cdef floating* diag
    if k <= 0:
        return
    # ||A[1:, 0]||^2 for the first column
    ssq = 0.0
    for i in range(1, m):
        ssq += A[i * lda] * A[i * lda]
    for j in range(k):
        mj = m - j
        diag = A + j * lda + j
        t = 0.0
        scal = 1.0
        if mj > 1:
            if ssq_lo < ssq < ssq_hi:
                # GVL4 Alg. 5.1.1 with dlarfg's normalisation v_1 = 1 (see `house`):
                # beta = -sign(alpha) ||[alpha; x]||, tau = (beta - alpha) / beta,
                # v = x / (alpha - beta) -- the scaling is fused into pass 1 below
                alpha = diag[0]
                beta = -copysign(hypot(alpha, sqrt(ssq)), alpha)
                if safmin <= fabs(beta) <= big:
                    t = (beta - alpha) / beta
                    scal = 1.0 / (alpha - beta)
                    diag[0] = beta
                else:
                    t = house(mj, diag, diag + lda, lda)
            else:
                # zero, tiny or huge column: the careful path (it scales itself)
                t = house(mj, diag, diag + lda, lda)
        tau[j] = t
        ncol = n - j - 1
        ssq = 0.0
        if t == 0.0 or ncol <= 0:
            # no update of the columns to the right: finish v, then the next column's
            # sum of squares by its own pass
            if scal != 1.0:
                for i in range(j + 1, m):
                    A[i * lda + j] *= scal
            if j + 1 < k:
                for i in range(j + 2, m):
                    ssq += A[i * lda + j + 1] * A[i * lda + j + 1]
            continue
        top = diag + 1
        # pass 1: v = x * scal (v_j = 1 on row j), w = A[j:, j+1:].T @ v
        for c in range(ncol):
            w[c] = top[c]
        for i in range(j + 1, m):
            row = A + i * lda + j
            s = row[0] * scal
            row[0] = s
            if s != 0.0:
                for c in range(ncol):
                    w[c] += s * row[1 + c]
        # pass 2: A[j:, j+1:] -= tau * outer(v, w), and ||A[j+2:, j+1]||^2 on the way
        for c in range(ncol):
            top[c] -= t * w[c]
        for i in range(j + 1, m):
            row = A + i * lda + j
            s = t * row[0]
            if s != 0.0:
                for c in range(ncol):
                    row[1 + c] -= s * w[c]
            if i >= j + 2:
                ssq += row[1] * row[1]


# workspace (elements) for geqrf / orgqr / ormqr: V (m x nb), T (nb x nb), W and W2 (nb x n),
# and (geqrf) a contiguous copy of the panel (m x nb)
cdef Py_ssize_t work_size(Py_ssize_t m, Py_ssize_t n, Py_ssize_t nb) noexcept nogil:
    return 2 * m * nb + nb * nb + 2 * nb * _imax(n, nb) + n + 1


cdef void copy_block(Py_ssize_t m, Py_ssize_t n,
                     const floating* src, Py_ssize_t lds,    # IN
                     floating* dst, Py_ssize_t ldd           # OUT
                     ) noexcept nogil:
    cdef Py_ssize_t i, j
    for i in range(m):
        for j in range(n):
            dst[i * ldd + j] = src[i * lds + j]


cdef void geqrf_rec(Py_ssize_t m,          # IN   rows
                    Py_ssize_t n,          # IN   columns (a panel: n <= NB_GEQRF)
                    floating* A,           # INOUT m x n -> R and V
                    Py_ssize_t lda,        # IN
                    floating* tau,         # OUT  min(m, n)
                    floating* work         # WORK work_size(m, n, n)
                    ) noexcept nogil:
    """Recursive panel QR [EG00]: factor the left half, apply its block reflection to
    the right half with GEMMs (larft + larfb), factor the lower right half."""
    cdef Py_ssize_t k = _imin(m, n), n1, n2
    cdef floating* V
    cdef floating* T
    cdef floating* W
    if k <= NB_LEAF or n <= 1:
        geqr2(m, n, A, lda, tau, work)
        return
    n1 = k // 2
    n2 = n - n1
    V = work
    T = V + m * n1
    W = T + n1 * n1
    # [A_11; A_21] = Q_1 [R_11; 0]
    geqrf_rec(m, n1, A, lda, tau, work)
    # [A_12; A_22] <- Q_1^T [A_12; A_22]      (GVL4 Alg. 5.2.2 update, 3 GEMMs)
    gather_v(n1, m, A, lda, 1, V, m)
    larft(n1, m, V, m, tau, T, n1)
    larfb(1, 1, m, n2, n1, V, m, T, n1, A + n1, lda, W, W + n1 * n2)
    # A_22 = Q_2 R_22
    geqrf_rec(m - n1, n2, A + n1 * lda + n1, lda, tau + n1, work)


cdef void geqrf(Py_ssize_t m,              # IN   rows
                Py_ssize_t n,              # IN   columns
                floating* A,               # INOUT m x n -> R above, V below the diagonal
                Py_ssize_t lda,            # IN
                floating* tau,             # OUT  min(m, n) reflector scalars
                floating* work             # WORK work_size(m, n, NB_GEQRF)
                ) noexcept nogil:
    """Blocked Householder QR (GVL4 Alg. 5.2.2; LAPACK dgeqrf)."""
    cdef Py_ssize_t k = _imin(m, n), nb = NB_GEQRF, j = 0, jb, mr, nr
    cdef floating* V = work
    cdef floating* T = V + m * nb
    cdef floating* W = T + nb * nb
    cdef floating* W2 = W + nb * _imax(n, nb)
    cdef floating* panel = W2 + nb * _imax(n, nb)
    while j < k:
        jb = _imin(nb, k - j)
        mr = m - j
        nr = n - j - jb
        # (a) factor the panel A[j:, j:j+jb] = Q_j R_jj, in a contiguous copy: the
        # column-wise steps of the panel then walk a compact block instead of rows
        # lda apart (with a power-of-two lda those would all map to the same cache sets)
        copy_block(mr, jb, A + j * lda + j, lda, panel, jb)
        geqrf_rec(mr, jb, panel, jb, tau + j, work)
        copy_block(mr, jb, panel, jb, A + j * lda + j, lda)
        if nr > 0:
            # (b) Q_j = I - V T V^T
            gather_v(jb, mr, panel, jb, 1, V, mr)
            larft(jb, mr, V, mr, tau + j, T, jb)
            # (c) A[j:, j+jb:] <- Q_j^T A[j:, j+jb:]
            larfb(1, 1, mr, nr, jb, V, mr, T, jb, A + j * lda + j + jb, lda, W, W2)
        j += jb


cdef void orgqr(Py_ssize_t m,              # IN   rows of Q
                Py_ssize_t nq,             # IN   columns of Q to form (k <= nq <= m)
                Py_ssize_t k,              # IN   number of reflectors
                const floating* A,         # IN   factors from geqrf (V below diagonal)
                Py_ssize_t lda,            # IN
                const floating* tau,       # IN   k scalars
                floating* Q,               # OUT  m x nq, orthonormal columns
                Py_ssize_t ldq,            # IN
                floating* work             # WORK work_size(m, nq, NB_ORGQR)
                ) noexcept nogil:
    """The first nq columns of Q = H_0 ... H_{k-1} (LAPACK dorgqr; backward
    accumulation, GVL4 Sec. 5.1.6): _householder.org_q on the reflectors stored in the
    columns below R's diagonal (entry i of v_p at A[i * lda + p]), NB_ORGQR at a time.
    As dorgqr, k <= NB_ORGQR reflectors (one block or less) go to the unblocked org2r:
    for a stack of small matrices the block machinery (V, T, three GEMMs) costs more
    than the flops (10000 8x8 Q's: 2.4 us each blocked, 0.3 us unblocked)."""
    if k <= NB_ORGQR:
        org2r(m, nq, k, A, lda, tau, Q, ldq, work)
    else:
        org_q(m, nq, k, A, lda, 1, tau, Q, ldq, NB_ORGQR, work)


cdef void org2r(Py_ssize_t m,              # IN   rows of Q
                Py_ssize_t nq,             # IN   columns of Q to form (k <= nq <= m)
                Py_ssize_t k,              # IN   number of reflectors
                const floating* A,         # IN   factors from geqrf (V below diagonal)
                Py_ssize_t lda,            # IN
                const floating* tau,       # IN   k scalars
                floating* Q,               # OUT  m x nq, orthonormal columns
                Py_ssize_t ldq,            # IN
                floating* w                # WORK nq elements
                ) noexcept nogil:
    """Unblocked Q = H_0 ... H_{k-1} I[:, :nq] (LAPACK dorg2r; GVL4 Sec. 5.1.6, backward
    accumulation): column p of Q starts as e_p, then for i = k-1 down to 0 the reflector
    H_i = I - tau_i v_i v_i^T is applied to Q[i:, i:]. Its column i is e_i, so
    H_i e_i = e_i - tau_i v_i is written directly; the columns to its right get the
    rank-1 update Q[i:, i+1:] -= tau_i v_i (v_i^T Q[i:, i+1:]), row by row (contiguous).
    Rows above i of the columns right of i are still zero, as dorg2r relies on."""
    cdef Py_ssize_t i, r, c, ncol
    cdef floating t, vr
    cdef floating* row
    # columns k..nq-1 of the identity (dorg2r's first loop) and zeros elsewhere
    for r in range(m):
        row = Q + r * ldq
        for c in range(nq):
            row[c] = 0.0
        if r < nq and r >= k:
            row[r] = 1.0
    for i in range(k - 1, -1, -1):
        t = tau[i]
        ncol = nq - i - 1
        if ncol > 0 and t != 0.0:
            # w = Q[i:, i+1:]^T v_i   (v_i[i] = 1, v_i[r] = A[r, i] below)
            row = Q + i * ldq + i + 1
            for c in range(ncol):
                w[c] = row[c]
            for r in range(i + 1, m):
                vr = A[r * lda + i]
                row = Q + r * ldq + i + 1
                for c in range(ncol):
                    w[c] += vr * row[c]
            # Q[i:, i+1:] -= tau_i v_i w^T
            for c in range(ncol):
                w[c] *= t
            row = Q + i * ldq + i + 1
            for c in range(ncol):
                row[c] -= w[c]
            for r in range(i + 1, m):
                vr = A[r * lda + i]
                row = Q + r * ldq + i + 1
                for c in range(ncol):
                    row[c] -= vr * w[c]
        # column i: H_i e_i = e_i - tau_i v_i (rows above i stay zero)
        Q[i * ldq + i] = 1.0 - t
        for r in range(i + 1, m):
            Q[r * ldq + i] = -t * A[r * lda + i]


cdef void ormqr_lt(Py_ssize_t m,           # IN   rows of B
                   Py_ssize_t nrhs,        # IN   columns of B
                   Py_ssize_t k,           # IN   reflectors
                   const floating* A,      # IN   factors from geqrf
                   Py_ssize_t lda,         # IN
                   const floating* tau,    # IN
                   floating* B,            # INOUT m x nrhs -> Q^T B
                   Py_ssize_t ldb,         # IN
                   floating* work          # WORK work_size(m, nrhs, NB_ORGQR)
                   ) noexcept nogil:
    """B <- Q^T B = H_{k-1} ... H_0 B (LAPACK dormqr, left, transpose): one reflector
    at a time for a single column, block reflections (larfb) otherwise."""
    cdef Py_ssize_t j, jb, i, nb = NB_ORGQR
    cdef floating s, t
    cdef floating* V = work
    cdef floating* T = V + m * nb
    cdef floating* W = T + nb * nb
    cdef floating* W2 = W + nb * _imax(nrhs, nb)
    if nrhs == 1:
        for j in range(k):
            t = tau[j]
            if t == 0.0:
                continue
            # b[j:] -= tau * v * (v . b[j:])
            s = B[j * ldb]
            for i in range(j + 1, m):
                s += A[i * lda + j] * B[i * ldb]
            s *= t
            B[j * ldb] -= s
            for i in range(j + 1, m):
                B[i * ldb] -= s * A[i * lda + j]
        return
    j = 0
    while j < k:
        jb = _imin(nb, k - j)
        gather_v(jb, m - j, A + j * lda + j, lda, 1, V, m - j)
        larft(jb, m - j, V, m - j, tau + j, T, jb)
        # B[j:] = Q_j^T @ B[j:]
        larfb(1, 1, m - j, nrhs, jb, V, m - j, T, jb, B + j * ldb, ldb, W, W2)
        j += jb


# =================================================================================
# Python layer
# =================================================================================

cdef object _ndim(obj):
    return obj.ndim if hasattr(obj, "ndim") else np.ndim(obj)


cdef void* _alloc_work(Py_ssize_t size, int kind) except NULL:
    """size elements of the kind's type."""
    cdef void* w = malloc(_imax(size, 1) * kind_itemsize(kind))
    if w == NULL:
        raise MemoryError("cannot allocate %d elements of QR workspace" % size)
    return w


# numpy's dtype of each kind
_DTYPE = {RM_FLOAT64: np.dtype(np.float64), RM_FLOAT32: np.dtype(np.float32)}


cdef bint _is_float32(object b):
    if isinstance(b, (Matrix, Vector)):
        return b.dtype == np.float32
    dt = getattr(b, "dtype", None)
    return dt is not None and dt == np.float32


cdef class QR:
    """The Householder QR factorisation A = Q R of an m x n matrix, in compact form.

    Made by :func:`qr_factor`. Q is never stored: the packed matrix holds R on and
    above the diagonal and the Householder vectors v_j (with v_j[j] = 1 implied) below
    it, and ``tau`` their scalars, so H_j = I - tau[j] v_j v_j^T and
    Q = H_0 H_1 ... H_{k-1}, k = min(m, n) (LAPACK dgeqrf's output).

    Attributes
    ----------
    qr : Matrix of shape (m, n)
        The packed factors.
    tau : ndarray of shape (k,)
    shape : tuple
    """
    cdef Matrix _qr
    cdef Vector _tau            # k scalars, of _qr's dtype
    cdef Py_ssize_t _k

    def __init__(self, *args, **kwargs):
        raise TypeError("QR objects are made by rusty_machine.linalg.qr_factor(A)")

    @property
    def qr(self):
        return self._qr

    @property
    def shape(self):
        return (self._qr.nrows, self._qr.ncols)

    @property
    def tau(self):
        return np.array(self._tau)

    def __reduce__(self):
        # pickling: the packed factors and tau (restored by _qr_from_state)
        return (_qr_from_state, (np.array(self._qr), self.tau))

    def __repr__(self):
        return "<QR factorisation of a %dx%d matrix>" % (self._qr.nrows, self._qr.ncols)

    def q(self, mode="reduced"):
        """Form Q explicitly (blocked backward accumulation, LAPACK dorgqr).

        Parameters
        ----------
        mode : {"reduced", "complete"}
            "reduced": the m x k matrix with orthonormal columns (k = min(m, n));
            "complete": the full m x m orthogonal matrix.

        Returns
        -------
        Matrix
        """
        if mode not in ("reduced", "complete"):
            raise ValueError("mode must be 'reduced' or 'complete', got %r" % (mode,))
        cdef Py_ssize_t m = self._qr.nrows, nq = self._k if mode == "reduced" else m
        cdef Matrix F = self._qr
        cdef Matrix Q = matrix_empty(m, nq, F.kind)
        cdef void* work
        if m == 0 or nq == 0:
            return Q
        work = _alloc_work(work_size(m, nq, NB_ORGQR), F.kind)
        with nogil:
            if F.kind == RM_FLOAT32:
                orgqr(m, nq, self._k, <const float*>F.data, F.ld,
                      <const float*>self._tau.data, <float*>Q.data, Q.ld, <float*>work)
            else:
                orgqr(m, nq, self._k, <const double*>F.data, F.ld,
                      <const double*>self._tau.data, <double*>Q.data, Q.ld, <double*>work)
        free(work)
        return Q

    def r(self, mode="reduced"):
        """The upper-trapezoidal factor R.

        Parameters
        ----------
        mode : {"reduced", "complete"}
            "reduced": shape (k, n); "complete": shape (m, n), zero rows below.

        Returns
        -------
        Matrix
        """
        if mode not in ("reduced", "complete"):
            raise ValueError("mode must be 'reduced' or 'complete', got %r" % (mode,))
        cdef Py_ssize_t m = self._qr.nrows, n = self._qr.ncols
        cdef Py_ssize_t rows = self._k if mode == "reduced" else m
        cdef Matrix F = self._qr
        cdef Matrix R = matrix_zeros(rows, n, F.kind)
        # the upper triangle of the packed factors, zero rows below (a copy loop, not
        # numpy's triu: its mask and temporaries cost ~15% of a 256 x 256 mode "r")
        with nogil:
            if F.kind == RM_FLOAT32:
                _copy_upper(self._k, n, <const float*>F.data, F.ld, <float*>R.data, R.ld)
            else:
                _copy_upper(self._k, n, <const double*>F.data, F.ld, <double*>R.data, R.ld)
        return R

    def solve(self, b):
        """Least-squares solution of min ||A x - b||_2 for full-column-rank A, m >= n
        (GVL4 Alg. 5.3.2): x = inv(R_1) (Q^T b)[:n].

        Parameters
        ----------
        b : Vector or array-like of shape (m,), or Matrix / array-like of shape (m, k)

        Returns
        -------
        Vector of shape (n,) or Matrix of shape (n, k)
            For a square nonsingular A, the solution of A x = b.

        Raises
        ------
        ValueError
            A is wide (m < n: use lstsq for the minimum-norm solution), b's shape does
            not match, or b holds NaN/inf.
        LinAlgError
            R has an exactly zero diagonal entry (A is rank deficient).
        """
        cdef Py_ssize_t m = self._qr.nrows, n = self._qr.ncols
        if m < n:
            raise ValueError("QR.solve: least squares via QR needs m >= n, the factored "
                             "matrix has shape (%d, %d)" % (m, n))
        # numpy's promotion: float32 factors with a float64 b solve in float64 (the
        # float32 factors are exact in float64)
        if self._qr.kind == RM_FLOAT32 and _is_float32(b):
            return _solve(self, self._qr, self._tau, b, <float>0)
        return _solve(self, asmatrix(self._qr, np.float64), asvector(self._tau, np.float64),
                      b, <double>0)

    cdef int _check_rank(self) except -1:
        cdef Py_ssize_t i
        d = np.asarray(self._qr.diag())
        for i in range(min(self._qr.ncols, d.shape[0])):
            if d[i] == 0.0:
                raise LinAlgError("matrix is rank deficient: R[%d, %d] is exactly zero"
                                  % (i, i))
        return 0


cdef object _solve(QR self, Matrix F, Vector tau, object b, floating tag):
    """QR.solve in the dtype of `tag` (F, tau: the factors in that dtype)."""
    dtype = np.float32 if floating is float else np.float64
    cdef int kind = RM_FLOAT32 if floating is float else RM_FLOAT64
    cdef Py_ssize_t m = F.nrows, n = F.ncols, i, nrhs
    cdef Vector bv, yv, xv
    cdef Matrix bm, ym, xm
    cdef floating* work
    cdef bint finite
    cdef const floating* Fp = <const floating*>F.data
    cdef const floating* tp = <const floating*>tau.data
    is_vector = isinstance(b, Vector) or (not isinstance(b, Matrix) and _ndim(b) == 1)
    if is_vector:
        bv = asvector(b, dtype)
        if bv.n != m:
            raise ValueError("QR.solve: A has shape (%d, %d) but b has shape (%d,)"
                             % (m, n, bv.n))
        yv = vector_empty(m, kind)
        with nogil:
            finite = copy_finite(1, m, <const floating*>bv.data, m, <floating*>yv.data, m)
        if not finite:
            raise ValueError("QR.solve: b contains NaN or infinity")
        self._check_rank()
        xv = vector_empty(n, kind)
        if n == 0:
            return xv
        with nogil:
            # y = Q^T b ; x = inv(R_1) y[:n]
            ormqr_lt(m, 1, self._k, Fp, F.ld, tp, <floating*>yv.data, 1, <floating*>NULL)
            xtrsv(0, 0, 0, n, Fp, F.ld, <floating*>yv.data, 1)
            for i in range(n):
                (<floating*>xv.data)[i] = (<floating*>yv.data)[i]
        return xv
    if not isinstance(b, Matrix) and _ndim(b) != 2:
        raise ValueError("QR.solve: b must be 1-D or 2-D, got %d-D input of shape %s"
                         % (_ndim(b), shape_str(b)))
    bm = asmatrix(b, dtype)
    if bm.nrows != m:
        raise ValueError("QR.solve: A has shape (%d, %d) but b has shape (%d, %d)"
                         % (m, n, bm.nrows, bm.ncols))
    nrhs = bm.ncols
    ym = matrix_empty(m, nrhs, kind)
    with nogil:
        finite = copy_finite(m, nrhs, <const floating*>bm.data, bm.ld,
                             <floating*>ym.data, ym.ld)
    if not finite:
        raise ValueError("QR.solve: b contains NaN or infinity")
    self._check_rank()
    xm = matrix_empty(n, nrhs, kind)
    if n == 0 or nrhs == 0:
        return xm
    work = <floating*>_alloc_work(work_size(m, nrhs, NB_ORGQR), kind)
    with nogil:
        # Y = Q^T B ; X = inv(R_1) Y[:n]
        ormqr_lt(m, nrhs, self._k, Fp, F.ld, tp, <floating*>ym.data, ym.ld, work)
        xtrsm(1, 0, 0, 0, n, nrhs, <floating>1.0, Fp, F.ld, <floating*>ym.data, ym.ld)
        copy_finite(n, nrhs, <const floating*>ym.data, ym.ld, <floating*>xm.data, xm.ld)
    free(work)
    return xm


def _qr_from_state(qr, tau):
    """Rebuild a pickled QR object (see QR.__reduce__)."""
    cdef QR F = QR.__new__(QR)
    dtype = np.float32 if np.asarray(qr).dtype == np.float32 else np.float64
    cdef Matrix M = asmatrix(np.array(qr, dtype=dtype, order="C", copy=True))
    cdef Py_ssize_t k = min(M.nrows, M.ncols)
    tau = np.array(tau, dtype=dtype)
    if tau.shape != (k,):
        raise ValueError("invalid tau for a QR factorisation of shape %s" % (M.shape,))
    F._qr = M
    F._k = k
    F._tau = asvector(tau)
    return F


cdef void _copy_upper(Py_ssize_t k, Py_ssize_t n, const floating* src, Py_ssize_t lds,
                      floating* dst, Py_ssize_t ldd) noexcept nogil:
    """dst[i, j] = src[i, j] for i < k, j >= i (dst's other entries untouched)."""
    cdef Py_ssize_t i, j
    for i in range(k):
        for j in range(i, n):
            dst[i * ldd + j] = src[i * lds + j]


cdef QR _factor(Matrix M):
    """Factor M (our private copy) in place and wrap it in a QR object."""
    cdef QR F = QR.__new__(QR)
    cdef Py_ssize_t m = M.nrows, n = M.ncols, k = _imin(m, n)
    cdef void* work
    cdef Vector tau = vector_empty(k, M.kind)
    F._qr = M
    F._k = k
    F._tau = tau
    if k == 0:
        return F
    work = _alloc_work(work_size(m, n, NB_GEQRF), M.kind)
    cdef bint finite
    with nogil:
        # finite input can overflow only when entries approach the largest number
        if M.kind == RM_FLOAT32:
            geqrf(m, n, <float*>M.data, M.ld, <float*>tau.data, <float*>work)
            finite = all_finite(m, n, <const float*>M.data, M.ld)
        else:
            geqrf(m, n, <double*>M.data, M.ld, <double*>tau.data, <double*>work)
            finite = all_finite(m, n, <const double*>M.data, M.ld)
    free(work)
    if not finite:
        raise LinAlgError("the QR factorisation overflowed (entries near the largest %s);"
                          " rescale the matrix" % _DTYPE[M.kind])
    return F


def qr_factor(A):
    """Householder QR factorisation A = Q R, kept in compact form (LAPACK dgeqrf).

    Blocked by the compact WY representation (GVL4 Alg. 5.2.2, [SVL89]) with a
    recursive panel [EG00]: the updates are GEMMs.

    Parameters
    ----------
    A : Matrix or array-like of shape (m, n)
        Square, tall or wide. Not modified.

    Returns
    -------
    QR
        With ``.q(mode)``, ``.r(mode)``, ``.solve(b)`` (least squares, m >= n),
        ``.qr`` (packed) and ``.tau``.

    Raises
    ------
    ValueError
        A is not 2-D or holds NaN or infinity.
    LinAlgError
        The computation overflowed (only for entries near the largest double).
    """
    return _factor(input_matrix(A, "qr_factor", False, True, True))


# numpy.linalg.qr's named result (numpy's QRResult: fields Q and R)
QRResult = namedtuple("QRResult", ["Q", "R"])

# numpy's modes; its deprecated 'full'/'f' and 'economic'/'e' (numpy 1.8) are refused
QR_MODES = ("reduced", "complete", "r", "raw")


def check_mode(mode):
    """ValueError for a mode numpy.linalg.qr does not take (or has deprecated)."""
    if not isinstance(mode, str) or mode not in QR_MODES:
        raise ValueError("qr: mode must be 'reduced', 'complete', 'r' or 'raw', got %r "
                         "(numpy's deprecated 'full' and 'economic' are not supported)"
                         % (mode,))


def qr(A, mode="reduced"):
    """QR factorisation by Householder reflections, as numpy.linalg.qr (one matrix).

    Stacks (..., M, N) go through rusty_machine.linalg.qr (_stacked.pyx), which sends a
    2-D input here.

    Parameters
    ----------
    A : Matrix or array-like of shape (m, n)
    mode : {"reduced", "complete", "r", "raw"}
        "reduced" (default): Q (m, k) and R (k, n), k = min(m, n);
        "complete": Q (m, m) and R (m, n); "r": R (k, n) only;
        "raw": numpy's (h, tau), LAPACK dgeqrf's compact form in Fortran layout:
        h (n, m) is the transpose of the packed factors (R on and above the diagonal
        of h.T, the Householder vectors below it), tau (k,) their scalars.

    Returns
    -------
    QRResult(Q, R) : named tuple of Matrix for "reduced" and "complete";
    R : Matrix for "r"; (h, tau) : tuple of ndarray for "raw" (h an F-ordered view).
        R's diagonal may be negative (LAPACK's sign convention, as numpy); Q has
        orthonormal columns. Empty inputs give empty factors of the shapes above
        (Q = I for "complete"). float32 input gives float32 factors, anything else
        float64.

    Raises
    ------
    ValueError
        Unknown mode, A not 2-D, or NaN/inf in A.
    LinAlgError
        The computation overflowed (only for entries near the largest double).
    """
    check_mode(mode)
    cdef Matrix M = input_matrix(A, "qr", False, True, True)
    if M.kind == RM_FLOAT32 and M.nrows * M.ncols <= QR_FLOAT64_MAX:
        # tiny float32: factored in float64, rounded once (see QR_FLOAT64_MAX)
        res = _qr_results(_factor(M.astype(np.float64)), mode)
        if mode == "r":
            return res.astype(np.float32)
        if mode == "raw":
            return res[0].astype(np.float32), res[1].astype(np.float32)
        return QRResult(res[0].astype(np.float32), res[1].astype(np.float32))
    return _qr_results(_factor(M), mode)


# ---- part D (issue 14): tiny float32 matrices are factored in float64 ----------------
# numpy.linalg computes every float32 problem in float64 and rounds the results once
# (numpy/linalg/_linalg.py, _commonType: the computation type is double). Factored in
# float32, Q R reproduces A to about m eps32 ||A|| (a 3x2 with entries up to 6: 3.2e-6;
# LAPACK's own sgeqrf/sorgqr 1.4e-6), which is float32's accuracy, but numpy's own
# test_linalg (TestQR::test_mode_all_but_economic) asks Q R = A to 7 decimals, which only
# the float64 route meets (numpy's float32 Q R: 2.4e-7). Up to m n = 256 entries the
# float32 SIMD kernels gain nothing (a 16 x 16 fits in the L1 cache either way) and the
# conversion costs a copy of 1 KB, so there we compute as numpy does: Q, R, h and tau
# are float64 results rounded to float32. Larger float32 matrices stay in float32 (the
# point of issue 13: half the memory traffic, twice the SIMD lanes). The stacked qr of
# _stacked.pyx follows the same rule, so a stack of one matrix gives the 2-D answer.
# Measured (CPU time, one thread, loaded machine): see the commit message.
QR_FLOAT64_MAX = 256


def _qr_results(QR F, mode):
    """numpy.linalg.qr's results for `mode` from the factorisation F."""
    if mode == "r":
        return F.r("reduced")
    if mode == "raw":
        # numpy's raw layout: the column-major (LAPACK) packed matrix, i.e. our
        # row-major one transposed (a zero-copy F-ordered view)
        return np.asarray(F._qr).T, F.tau
    return QRResult(F.q(mode), F.r(mode))

# cython: language_level=3
"""LU factorisation with partial pivoting, and what it gives: solve, inv, det, slogdet.

For a matrix A of shape (m, n) and k = min(m, n), Gaussian elimination with partial
pivoting computes

    P^T A = L U        (equivalently A = P L U, the convention of scipy.linalg.lu)

with P an m x m permutation, L an m x k unit lower-trapezoidal matrix whose entries
satisfy |l_ij| <= 1, and U a k x n upper-trapezoidal matrix. L and U are stored packed in
one array (L strictly below the diagonal, its unit diagonal implied; U on and above),
and P as LAPACK's pivot vector: step i swapped row i with row piv[i] >= i.

References
----------
[GVL4]  G. H. Golub and C. F. Van Loan, Matrix Computations, 4th ed., 2013.
        Sec. 3.1 (triangular systems, Alg. 3.1.1/3.1.2), Sec. 3.2 (LU: Alg. 3.2.1,
        outer product LU, and the block LU of the same section), Sec. 3.4 (partial
        pivoting: Alg. 3.4.1, and its block form), Sec. 3.5 (error analysis).
[LAPACK] dgetrf (blocked right-looking driver), dgetrf2 (recursive panel), dgetf2
        (unblocked panel), dlaswp (row interchanges), dgetrs (solve), dgetri (inverse),
        dtrtri/dtrti2 (triangular inverse).  E. Anderson et al., LAPACK Users' Guide,
        3rd ed., SIAM 1999.
[Toledo] S. Toledo, "Locality of reference in LU decomposition with partial pivoting",
        SIAM J. Matrix Anal. Appl. 18(4), 1997 (the recursive panel).
[Higham] N. J. Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., 2002,
        Ch. 9 (backward error of GEPP: ||P^T A - LU|| <= gamma_n ||L|| ||U||) and
        Ch. 14 (matrix inversion: the dgetri method is "Method B").

How the time is spent
---------------------
The blocked algorithm (dgetrf) walks over panels of NB_GETRF columns. For the panel
starting at column j it

  1. factors the tall panel A[j:, j:j+nb] = P_j L_panel U_jj  (recursive, [Toledo]),
  2. applies the panel's row swaps to the columns left and right of it (dlaswp),
  3. solves the block row U_12 = inv(L_11) A_12                     (dtrsm),
  4. updates the trailing matrix A_22 -= L_21 U_12                   (dgemm).

Step 4 holds most of the 2/3 n^3 flops and runs at GEMM speed; the recursive panel
turns most of step 1 into GEMM too (and works on a contiguous copy of the panel, so a
column's entries are nb rather than lda apart in memory). The storage is row-major, so a
row swap is a contiguous memory swap and every row of a panel is a contiguous run of nb
numbers.

One source, two dtypes: every kernel below is fused over _floating.floating (compiled
for float32 and float64, as sgetrf and dgetrf are two instances of one LAPACK source);
the pivot threshold SFMIN comes from the per-dtype table in _floating.pxd. The Python
layer picks the instance from the Matrix's kind: float32 input is factored in float32
(numpy.linalg's rule), and solve with a float32 A and a float64 b promotes to float64.
"""
import numpy as np
cimport numpy as cnp

from libc.math cimport fabs, frexp, ldexp, log, INFINITY
from libc.stdlib cimport malloc, free

from rusty_machine.linalg.blas cimport xgemm, xtrsm, xtrmm, xtrsv, xswap, ixamax
from rusty_machine.linalg._floating cimport floating, FLT_MIN, DBL_MIN
from rusty_machine.linalg.matrix cimport (Matrix, Vector, matrix_empty, matrix_zeros,
                                          asmatrix, asvector, kind_itemsize,
                                          RM_FLOAT32, RM_FLOAT64)
from rusty_machine.linalg._checks cimport all_finite, copy_finite, shape_str, input_matrix
from rusty_machine.exceptions import LinAlgError

cnp.import_array()

# ---- block sizes: the one table --------------------------------------------------
# (changed only by _set_block_sizes(), which the tests use to reach every code path
#  with small matrices)
cdef Py_ssize_t NB_GETRF = 128   # columns per panel of the blocked LU (dgetrf's NB)
cdef Py_ssize_t NB_LEAF = 16     # the recursive panel runs unblocked from this width down
cdef Py_ssize_t NB_GETRI = 64    # block columns of the inverse (dgetri's NB)
cdef Py_ssize_t NB_TRTRI = 64    # diagonal blocks of the triangular inverse (dtrtri's NB)


def _set_block_sizes(getrf=None, leaf=None, getri=None, trtri=None):
    """Set the block sizes (testing aid); returns the previous values as a dict."""
    global NB_GETRF, NB_LEAF, NB_GETRI, NB_TRTRI
    old = dict(getrf=NB_GETRF, leaf=NB_LEAF, getri=NB_GETRI, trtri=NB_TRTRI)
    for name, value in (("getrf", getrf), ("leaf", leaf), ("getri", getri), ("trtri", trtri)):
        if value is not None and int(value) < 1:
            raise ValueError("block size %s must be >= 1, got %r" % (name, value))
    if getrf is not None:
        NB_GETRF = getrf
    if leaf is not None:
        NB_LEAF = leaf
    if getri is not None:
        NB_GETRI = getri
    if trtri is not None:
        NB_TRTRI = trtri
    return old


# =================================================================================
# kernels: (pointer, leading dimension), row-major, no checks, no GIL
# =================================================================================

cdef inline Py_ssize_t _imin(Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    return a if a < b else b


cdef void laswp(Py_ssize_t ncols,          # IN   number of columns to permute
                floating* A,               # INOUT rows k1..max(piv) of an ncols-wide block
                Py_ssize_t lda,            # IN
                Py_ssize_t k1,             # IN   first pivot to apply
                Py_ssize_t k2,             # IN   one past the last pivot to apply
                const Py_ssize_t* ipiv     # IN   row i was swapped with row ipiv[i]
                ) noexcept nogil:
    """Apply the row interchanges k1 .. k2-1 in order (LAPACK dlaswp, incx = 1).

    Row-major storage makes each interchange one contiguous swap."""
    cdef Py_ssize_t i, p
    if ncols <= 0:
        return
    for i in range(k1, k2):
        p = ipiv[i]
        if p != i:
            xswap(ncols, A + i * lda, 1, A + p * lda, 1)


cdef Py_ssize_t getf2(Py_ssize_t m,        # IN   rows
                      Py_ssize_t n,        # IN   columns (narrow: <= NB_LEAF)
                      floating* A,         # INOUT m x n, overwritten by L \ U
                      Py_ssize_t lda,      # IN
                      Py_ssize_t* ipiv     # OUT  min(m, n) pivots, 0-based, local rows
                      ) noexcept nogil:
    """Unblocked right-looking LU with partial pivoting of a narrow panel.

    GVL4 Alg. 3.4.1 (outer product LU with partial pivoting); LAPACK dgetf2.
    Returns 0, or 1 + the index of the first exactly-zero pivot (LAPACK's INFO):
    that column is already zero below the diagonal, so the step is skipped, no
    division by zero happens, and the factorisation carries on."""
    cdef Py_ssize_t info = 0, j, i, c, p, p_next, kmin = _imin(m, n)
    cdef floating pivot, rec, lij, a, best
    cdef floating sfmin        # below it 1/pivot overflows: divide instead (LAPACK's SFMIN)
    cdef bint by_division
    cdef floating* row_j
    cdef floating* row_i
    if kmin <= 0:
        return 0
    if floating is float:
        sfmin = FLT_MIN
    else:
        sfmin = DBL_MIN
    # GVL4 Alg. 3.4.1 step 1 for the first column: the entry of largest magnitude
    p = ixamax(m, A, lda)
    for j in range(kmin):
        ipiv[j] = p
        pivot = A[p * lda + j]
        if pivot == 0.0:
            # the whole column is zero below the diagonal: nothing to eliminate
            if info == 0:
                info = j + 1
            if j + 1 < kmin:
                p = j + 1 + ixamax(m - j - 1, A + (j + 1) * lda + j + 1, lda)
            continue
        # step 2: swap rows j and p (the whole panel width)
        if p != j:
            xswap(n, A + j * lda, 1, A + p * lda, 1)
        row_j = A + j * lda
        # step 3: multipliers l_ij = a_ij / a_jj and the rank-1 update
        #   A[j+1:, j+1:] -= A[j+1:, j:j+1] @ A[j:j+1, j+1:]
        # one pass over the rows, each a contiguous run; the same pass looks for the
        # next column's pivot (step 1 of step j+1), so each column costs one pass
        by_division = fabs(pivot) < sfmin          # 1/pivot would overflow
        rec = 1.0 / pivot
        best = -1.0
        p_next = j + 1
        for i in range(j + 1, m):
            row_i = A + i * lda
            lij = row_i[j] / pivot if by_division else row_i[j] * rec
            row_i[j] = lij
            if lij != 0.0:
                for c in range(j + 1, n):
                    row_i[c] -= lij * row_j[c]
            if j + 1 < n:
                a = fabs(row_i[j + 1])
                if a > best:
                    best = a
                    p_next = i
        p = p_next
    return info


cdef Py_ssize_t getrf2(Py_ssize_t m,       # IN   rows
                       Py_ssize_t n,       # IN   columns
                       floating* A,        # INOUT m x n, overwritten by L \ U
                       Py_ssize_t lda,     # IN
                       Py_ssize_t* ipiv    # OUT  min(m, n) pivots, 0-based, local rows
                       ) noexcept nogil:
    """Recursive LU with partial pivoting (LAPACK dgetrf2, [Toledo]).

    Split the columns in halves [A_1 | A_2] (n1 = min(m, n) / 2):
        factor A_1 = P_1 [L_11; L_21] U_11        (recursively)
        A_2 <- P_1^T A_2                           (dlaswp)
        U_12 = inv(L_11) A_2[:n1]                  (dtrsm)
        A_22 <- A_22 - L_21 U_12                   (dgemm: most of the flops)
        factor A_22 = P_2 L_22 U_22                (recursively)
        apply P_2 to L_21                          (dlaswp)
    Below NB_LEAF columns the unblocked getf2 is faster than more recursion."""
    cdef Py_ssize_t kmin = _imin(m, n), n1, n2, info, info2, i
    if kmin == 0:
        return 0
    if n <= NB_LEAF or kmin == 1:
        return getf2(m, n, A, lda, ipiv)
    n1 = kmin // 2
    n2 = n - n1
    # [A_11; A_21] = P_1 [L_11; L_21] U_11
    info = getrf2(m, n1, A, lda, ipiv)
    # [A_12; A_22] <- P_1^T [A_12; A_22]
    laswp(n2, A + n1, lda, 0, n1, ipiv)
    # A_12 <- inv(L_11) @ A_12          (L_11 unit lower, n1 x n1)
    xtrsm(1, 1, 0, 1, n1, n2, 1.0, A, lda, A + n1, lda)
    # A_22 -= A_21 @ A_12
    xgemm(0, 0, m - n1, n2, n1, -1.0, A + n1 * lda, lda, A + n1, lda,
          1.0, A + n1 * lda + n1, lda)
    # A_22 = P_2 L_22 U_22
    info2 = getrf2(m - n1, n2, A + n1 * lda + n1, lda, ipiv + n1)
    if info == 0 and info2 > 0:
        info = info2 + n1
    for i in range(n1, kmin):
        ipiv[i] += n1
    # A_21 <- P_2^T A_21
    laswp(n1, A, lda, n1, kmin, ipiv)
    return info


cdef Py_ssize_t getrf(Py_ssize_t m,        # IN   rows
                      Py_ssize_t n,        # IN   columns
                      floating* A,         # INOUT m x n, overwritten by L \ U
                      Py_ssize_t lda,      # IN
                      Py_ssize_t* ipiv,    # OUT  min(m, n) pivots, 0-based
                      floating* panel      # WORK m * NB_GETRF elements, or NULL
                      ) noexcept nogil:
    """Blocked right-looking LU with partial pivoting (LAPACK dgetrf; GVL4 Sec. 3.4, block form).

    With a `panel` buffer, each panel is factored in a contiguous copy (rows nb
    apart instead of lda apart: with a power-of-two lda, the rows of a column would
    all fall in the same cache sets); NULL factors in place.
    Returns LAPACK's INFO: 0, or 1 + the index of the first exactly-zero pivot."""
    cdef Py_ssize_t kmin = _imin(m, n), j, jb, i, iinfo, info = 0, nb = NB_GETRF
    if nb >= kmin:
        # one panel covers everything: the recursive algorithm is the blocked one
        return getrf2(m, n, A, lda, ipiv)
    j = 0
    while j < kmin:
        jb = _imin(nb, kmin - j)
        # step 1: factor the panel A[j:, j:j+jb] = P_j [L_jj; L_j+1,j] U_jj
        if panel != NULL:
            copy_block(m - j, jb, A + j * lda + j, lda, panel, jb)
            iinfo = getrf2(m - j, jb, panel, jb, ipiv + j)
            copy_block(m - j, jb, panel, jb, A + j * lda + j, lda)
        else:
            iinfo = getrf2(m - j, jb, A + j * lda + j, lda, ipiv + j)
        if info == 0 and iinfo > 0:
            info = iinfo + j
        for i in range(j, j + jb):
            ipiv[i] += j
        # step 2: the same row swaps in the columns left of the panel ...
        laswp(j, A, lda, j, j + jb, ipiv)
        if j + jb < n:
            # ... and right of it
            laswp(n - j - jb, A + j + jb, lda, j, j + jb, ipiv)
            # step 3: U_12 = inv(L_jj) @ A_12               (L_jj unit lower, jb x jb)
            xtrsm(1, 1, 0, 1, jb, n - j - jb, 1.0, A + j * lda + j, lda,
                  A + j * lda + j + jb, lda)
            if j + jb < m:
                # step 4: A_22 -= L_21 @ U_12                (rank-jb update, GEMM)
                xgemm(0, 0, m - j - jb, n - j - jb, jb, -1.0,
                      A + (j + jb) * lda + j, lda, A + j * lda + j + jb, lda,
                      1.0, A + (j + jb) * lda + j + jb, lda)
        j += jb
    return info


cdef void copy_block(Py_ssize_t m, Py_ssize_t n,
                     const floating* src, Py_ssize_t lds,    # IN
                     floating* dst, Py_ssize_t ldd         # OUT
                     ) noexcept nogil:
    cdef Py_ssize_t i, j
    for i in range(m):
        for j in range(n):
            dst[i * ldd + j] = src[i * lds + j]


# getrs up to this order runs its substitutions as plain loops (no kernel calls) when
# there are several right-hand sides (one goes to dtrsv, as fast)
cdef Py_ssize_t GETRS_SCALAR = 8


cdef void getrs(bint trans,                # IN   solve A^T X = B instead of A X = B
                Py_ssize_t n,              # IN   order of A
                Py_ssize_t nrhs,           # IN   right-hand sides (columns of B)
                const floating* LU,        # IN   n x n packed factors from getrf
                Py_ssize_t ldlu,           # IN
                const Py_ssize_t* ipiv,    # IN   pivots from getrf
                floating* B,               # INOUT n x nrhs: b in, x out
                Py_ssize_t ldb             # IN
                ) noexcept nogil:
    """Solve A X = B or A^T X = B from the factors (LAPACK dgetrs).

    A = P L U, so X = inv(U) inv(L) P^T B: the row swaps, then forward substitution
    with the unit lower L (GVL4 Alg. 3.1.1) and back substitution with U (Alg. 3.1.2),
    as triangular solves with many right-hand sides (dtrsm) or one (dtrsv).
    A^T = U^T L^T P^T, so X = P inv(L^T) inv(U^T) B: the same steps in reverse order."""
    cdef Py_ssize_t i, k, c
    cdef floating f, d
    if not trans:
        # B <- P^T B
        laswp(nrhs, B, ldb, 0, n, ipiv)
        if n <= GETRS_SCALAR and nrhs > 1:
            # the same substitutions as plain loops over B's rows (a stack of 4x4
            # systems: the kernel calls below cost more than their flops there)
            for i in range(1, n):
                for k in range(i):
                    f = LU[i * ldlu + k]
                    for c in range(nrhs):
                        B[i * ldb + c] -= f * B[k * ldb + c]
            for i in range(n - 1, -1, -1):
                for k in range(i + 1, n):
                    f = LU[i * ldlu + k]
                    for c in range(nrhs):
                        B[i * ldb + c] -= f * B[k * ldb + c]
                d = LU[i * ldlu + i]
                for c in range(nrhs):
                    B[i * ldb + c] /= d
            return
        if nrhs == 1:
            # b <- inv(L) b ; b <- inv(U) b
            xtrsv(1, 0, 1, n, LU, ldlu, B, ldb)
            xtrsv(0, 0, 0, n, LU, ldlu, B, ldb)
        else:
            # B <- inv(L) @ B ; B <- inv(U) @ B
            xtrsm(1, 1, 0, 1, n, nrhs, 1.0, LU, ldlu, B, ldb)
            xtrsm(1, 0, 0, 0, n, nrhs, 1.0, LU, ldlu, B, ldb)
        return
    if nrhs == 1:
        # b <- inv(U.T) b ; b <- inv(L.T) b
        xtrsv(0, 1, 0, n, LU, ldlu, B, ldb)
        xtrsv(1, 1, 1, n, LU, ldlu, B, ldb)
    else:
        # B <- inv(U.T) @ B ; B <- inv(L.T) @ B
        xtrsm(1, 0, 1, 0, n, nrhs, 1.0, LU, ldlu, B, ldb)
        xtrsm(1, 1, 1, 1, n, nrhs, 1.0, LU, ldlu, B, ldb)
    # B <- P B: the interchanges in reverse order
    for i in range(n - 1, -1, -1):
        if ipiv[i] != i:
            xswap(nrhs, B + i * ldb, 1, B + ipiv[i] * ldb, 1)


cdef void trti2_upper(Py_ssize_t n,        # IN   order (a diagonal block, small)
                      floating* U,         # INOUT upper triangle -> its inverse
                      Py_ssize_t ldu,      # IN
                      floating* row        # WORK n elements
                      ) noexcept nogil:
    """Unblocked inverse of a nonsingular upper-triangular block (LAPACK dtrti2).

    Row-oriented, from the bottom: with X = inv(U), row i of U X = e_i gives
        X[i, i] = 1 / U[i, i],
        X[i, i+1:] = -X[i, i] * U[i, i+1:] @ X[i+1:, i+1:],
    where the rows of X below i are already known (GVL4 Sec. 3.1, back substitution
    applied to the columns of the identity). Only the upper triangle is touched."""
    cdef Py_ssize_t i, k, c
    cdef floating d, u
    cdef floating* xk
    for i in range(n - 1, -1, -1):
        d = 1.0 / U[i * ldu + i]
        for c in range(i + 1, n):
            row[c] = 0.0
        # row[i+1:] = U[i, i+1:] @ X[i+1:, i+1:]   (X upper: row k starts at column k)
        for k in range(i + 1, n):
            u = U[i * ldu + k]
            xk = U + k * ldu
            for c in range(k, n):
                row[c] += u * xk[c]
        for c in range(i + 1, n):
            U[i * ldu + c] = -d * row[c]
        U[i * ldu + i] = d


cdef void trtri_upper(Py_ssize_t n,        # IN   order
                      floating* U,         # INOUT nonsingular upper triangle -> inverse
                      Py_ssize_t ldu,      # IN
                      floating* row        # WORK NB_TRTRI elements
                      ) noexcept nogil:
    """Blocked inverse of an upper-triangular matrix, in place (LAPACK dtrtri, upper).

    Left to right over diagonal blocks of NB_TRTRI: with X_11 = inv(U_11) already in
    place, the block column above the next diagonal block is
        X_12 = -X_11 @ U_12 @ inv(U_22)
    (dtrmm, then dtrsm), then U_22 is inverted unblocked (trti2_upper). The strictly
    lower triangle is not referenced."""
    cdef Py_ssize_t j, jb, nb = NB_TRTRI
    j = 0
    while j < n:
        jb = _imin(nb, n - j)
        if j > 0:
            # U[:j, j:j+jb] = X_11 @ U[:j, j:j+jb]       (X_11 = U[:j, :j], upper)
            xtrmm(1, 0, 0, 0, j, jb, 1.0, U, ldu, U + j, ldu)
            # U[:j, j:j+jb] = -U[:j, j:j+jb] @ inv(U_22)
            xtrsm(0, 0, 0, 0, j, jb, -1.0, U + j * ldu + j, ldu, U + j, ldu)
        trti2_upper(jb, U + j * ldu + j, ldu, row)
        j += jb


cdef void getri(Py_ssize_t n,              # IN   order
                floating* A,               # INOUT packed LU factors -> inv(A)
                Py_ssize_t lda,            # IN
                const Py_ssize_t* ipiv,    # IN   pivots from getrf
                floating* work             # WORK n * NB_GETRI + NB_TRTRI elements
                ) noexcept nogil:
    """Inverse from the LU factors (LAPACK dgetri; Higham Sec. 14.3, "method B").

    A = P L U gives inv(A) = inv(U) inv(L) P^T:
      1. U <- inv(U) in place (trtri_upper);
      2. solve X L = inv(U) for X, block columns from right to left: with the block
         column L[j:, j:j+jb] copied to `work` (and zeroed in A),
             X[:, j:j+jb] = (inv(U)[:, j:j+jb] - X[:, j+jb:] @ L[j+jb:, j:j+jb]) inv(L_jj)
         (dgemm, then dtrsm from the right);
      3. X <- X P^T: the column swaps in reverse order, applied one row at a time so
         each row stays in cache (row-major storage).
    2 n^3 flops with the factorisation, against 8/3 n^3 for solving with B = I."""
    cdef Py_ssize_t j, jb, i, r, c, nb = NB_GETRI, ldw = NB_GETRI
    cdef floating* row
    cdef floating t
    # step 1
    trtri_upper(n, A, lda, work + n * ldw)
    # step 2
    j = ((n - 1) // nb) * nb
    while j >= 0:
        jb = _imin(nb, n - j)
        # work[i - j, :] holds row i of L[:, j:j+jb] below the diagonal (unit diag implied)
        for i in range(j, n):
            row = A + i * lda + j
            for c in range(jb):
                if i - j > c:
                    work[(i - j) * ldw + c] = row[c]
                    row[c] = 0.0
                else:
                    work[(i - j) * ldw + c] = 1.0 if i - j == c else 0.0
        if j + jb < n:
            # A[:, j:j+jb] -= A[:, j+jb:] @ L[j+jb:, j:j+jb]
            xgemm(0, 0, n, jb, n - j - jb, -1.0, A + j + jb, lda,
                  work + jb * ldw, ldw, 1.0, A + j, lda)
        # A[:, j:j+jb] = A[:, j:j+jb] @ inv(L_jj)      (unit lower jb x jb)
        xtrsm(0, 1, 0, 1, n, jb, 1.0, work, ldw, A + j, lda)
        j -= nb
    # step 3: inv(A) = X P^T, i.e. undo the swaps on the columns, last one first
    for r in range(n):
        row = A + r * lda
        for i in range(n - 1, -1, -1):
            c = ipiv[i]
            if c != i:
                t = row[i]
                row[i] = row[c]
                row[c] = t


cdef double diag_product(Py_ssize_t n, const floating* LU, Py_ssize_t ld,
                         const Py_ssize_t* ipiv, int* exponent) noexcept nogil:
    """det(A) = (-1)^(number of swaps) * prod(U[i, i]) as mantissa * 2**exponent.

    The running product is renormalised with frexp at each step, so neither it nor
    any partial product can overflow or underflow (the determinant of A is that of U
    up to sign: GVL4 Sec. 3.2, Higham Ch. 14)."""
    cdef double mant = 1.0
    cdef int e, total = 0
    cdef Py_ssize_t i
    for i in range(n):
        if ipiv[i] != i:
            mant = -mant
        mant = frexp(mant * LU[i * ld + i], &e)
        total += e
    exponent[0] = total
    return mant


# =================================================================================
# Python layer
# =================================================================================

cdef Matrix _square_input(object A, str func, int kind=-1):
    """A private, finite, square copy of A (_checks.input_matrix), float32 for
    float32 input, float64 otherwise, or of the given kind."""
    cdef Matrix M = input_matrix(A, func, True, True, True)
    if kind >= 0 and M.kind != kind:
        M = asmatrix(M, _DTYPE[kind])
    return M


# numpy's dtype of each kind
_DTYPE = {RM_FLOAT64: np.dtype(np.float64), RM_FLOAT32: np.dtype(np.float32)}


cdef int _input_kind(object x):
    """The kind an array-like gets in linalg: float32 stays float32, everything else
    (float64, integers, bool, lists) is float64 (numpy.linalg's rule)."""
    if isinstance(x, (Matrix, Vector)):
        return (<Matrix>x).kind if isinstance(x, Matrix) else (<Vector>x).kind
    dt = getattr(x, "dtype", None)
    if dt is None:
        try:
            dt = np.asarray(x).dtype
        except Exception:               # the input path reports what is wrong with x
            return RM_FLOAT64
    return RM_FLOAT32 if dt == np.float32 else RM_FLOAT64


cdef class LU:
    """The LU factorisation P^T A = L U of an m x n matrix, stored compactly.

    Made by :func:`lu_factor`. L (unit lower, m x k) and U (upper, k x n), k = min(m, n),
    share one packed m x n Matrix; the permutation is LAPACK's pivot vector.

    Attributes
    ----------
    lu : Matrix of shape (m, n)
        The packed factors: U on and above the diagonal, L strictly below.
    piv : ndarray of int of shape (k,)
        Row i was interchanged with row ``piv[i]`` at step i (0-based, like
        scipy.linalg.lu_factor).
    perm : ndarray of int of shape (m,)
        The row permutation: ``A[perm] == L @ U``.
    shape : tuple
        The shape (m, n) of the factored matrix.
    singular : bool
        True when some pivot U[i, i] is exactly zero. The factors are still valid
        (``A = P L U`` holds), but solve / inv raise LinAlgError.
    """
    cdef Matrix _lu
    cdef Py_ssize_t* _ipiv
    cdef Py_ssize_t _k
    cdef Py_ssize_t _info

    def __cinit__(self):
        self._ipiv = NULL

    def __dealloc__(self):
        free(self._ipiv)

    def __init__(self, *args, **kwargs):
        raise TypeError("LU objects are made by rusty_machine.linalg.lu_factor(A)")

    @property
    def lu(self):
        return self._lu

    @property
    def shape(self):
        return (self._lu.nrows, self._lu.ncols)

    @property
    def piv(self):
        cdef Py_ssize_t i
        out = np.empty(self._k, dtype=np.intp)
        cdef cnp.intp_t[::1] o = out
        for i in range(self._k):
            o[i] = self._ipiv[i]
        return out

    @property
    def perm(self):
        cdef Py_ssize_t i, p, m = self._lu.nrows
        out = np.arange(m, dtype=np.intp)
        cdef cnp.intp_t[::1] o = out
        for i in range(self._k):
            p = self._ipiv[i]
            o[i], o[p] = o[p], o[i]
        return out

    @property
    def singular(self):
        return self._info > 0

    def __reduce__(self):
        # pickling: the packed factors and the pivots (restored by _lu_from_state)
        return (_lu_from_state, (np.array(self._lu), self.piv, self._info))

    def __repr__(self):
        return "<LU factorisation of a %dx%d matrix%s>" % (
            self._lu.nrows, self._lu.ncols, " (singular)" if self._info > 0 else "")

    cdef int _require_square(self, str what) except -1:
        if self._lu.nrows != self._lu.ncols:
            raise ValueError("%s needs a square matrix, the factored one has shape (%d, %d)"
                             % (what, self._lu.nrows, self._lu.ncols))
        return 0

    cdef int _require_nonsingular(self) except -1:
        cdef Py_ssize_t i
        if self._info > 0:
            i = self._info - 1
            raise LinAlgError("matrix is singular: U[%d, %d] is exactly zero" % (i, i))
        return 0

    def solve(self, b, trans=False):
        """Solve A x = b (or A^T x = b) with the stored factors (LAPACK dgetrs).

        Parameters
        ----------
        b : Vector or array-like of shape (n,), or Matrix / array-like of shape (n, k)
            One right-hand side, or k of them as columns.
        trans : bool, default False
            Solve with the transpose, A^T x = b (as scipy.linalg.lu_solve's trans=1).

        Returns
        -------
        Vector of shape (n,) or Matrix of shape (n, k)
            A new object; b is not modified. For n = 0 the result is empty.

        Raises
        ------
        ValueError
            A is not square, b's length does not match, or b holds NaN/inf.
        LinAlgError
            A is exactly singular (names the zero pivot).
        """
        self._require_square("solve")
        cdef Py_ssize_t n = self._lu.nrows, nrhs, ldx
        cdef bint do_trans = bool(trans)
        cdef Vector bv
        cdef Matrix bm, xm
        cdef Matrix F = self._lu
        cdef bint finite
        is_vector = isinstance(b, Vector) or (not isinstance(b, Matrix) and (
            b.ndim if hasattr(b, "ndim") else np.ndim(b)) == 1)
        # numpy's promotion: float32 factors with a float64 b solve in float64 (the
        # float32 factors are exact in float64)
        cdef int kind = RM_FLOAT32 if (F.kind == RM_FLOAT32
                                       and _input_kind(b) == RM_FLOAT32) else RM_FLOAT64
        if F.kind != kind:
            F = asmatrix(F, _DTYPE[kind])
        if is_vector:
            bv = asvector(b, _DTYPE[kind])
            if bv.n != n:
                raise ValueError("solve: A has shape (%d, %d) but b has shape (%d,)"
                                 % (n, n, bv.n))
            bm = asmatrix(bv)                                # one row: (1, n)
            nrhs = 1
        else:
            if not isinstance(b, Matrix):
                ndim = b.ndim if hasattr(b, "ndim") else np.ndim(b)
                if ndim != 2:
                    raise ValueError("solve: b must be 1-D or 2-D, got %d-D input of "
                                     "shape %s" % (ndim, shape_str(b)))
            bm = asmatrix(b, _DTYPE[kind])
            if bm.nrows != n:
                raise ValueError("solve: A has shape (%d, %d) but b has shape (%d, %d)"
                                 % (n, n, bm.nrows, bm.ncols))
            nrhs = bm.ncols
        # x is n x nrhs; a single right-hand side is a contiguous column (ld 1)
        xm = matrix_empty(1 if is_vector else n, n if is_vector else nrhs, kind)
        with nogil:
            if kind == RM_FLOAT32:
                finite = copy_finite(bm.nrows, bm.ncols, <const float*>bm.data, bm.ld,
                                     <float*>xm.data, xm.ld)
            else:
                finite = copy_finite(bm.nrows, bm.ncols, <const double*>bm.data, bm.ld,
                                     <double*>xm.data, xm.ld)
        if not finite:
            raise ValueError("solve: b contains NaN or infinity")
        self._require_nonsingular()
        ldx = 1 if is_vector else xm.ld
        if n > 0 and nrhs > 0:
            with nogil:
                if kind == RM_FLOAT32:
                    getrs(do_trans, n, nrhs, <const float*>F.data, F.ld, self._ipiv,
                          <float*>xm.data, ldx)
                else:
                    getrs(do_trans, n, nrhs, <const double*>F.data, F.ld, self._ipiv,
                          <double*>xm.data, ldx)
        if is_vector:
            return xm[0]
        return xm

    def det(self):
        """The determinant (-1)^(swaps) * prod(U[i, i]); 1.0 for a 0 x 0 matrix.

        Computed with a renormalised running product, so it is finite whenever the
        true determinant is representable; it overflows to +-inf (or underflows to 0)
        only when the determinant itself does (see :meth:`slogdet`)."""
        self._require_square("det")
        cdef int e
        cdef double mant = self._mantissa(&e)
        cdef float det32
        if self._lu.kind == RM_FLOAT32:
            det32 = <float>ldexp(mant, e)           # +-inf beyond float32's range
            return np.float32(det32)
        return float(ldexp(mant, e))

    cdef double _mantissa(self, int* e):
        """det = mantissa * 2**e[0] (diag_product of the kind's instance)."""
        cdef Matrix F = self._lu
        cdef double mant
        with nogil:
            if F.kind == RM_FLOAT32:
                mant = diag_product(F.nrows, <const float*>F.data, F.ld, self._ipiv, e)
            else:
                mant = diag_product(F.nrows, <const double*>F.data, F.ld, self._ipiv, e)
        return mant

    def slogdet(self):
        """(sign, log|det|) as numpy.linalg.slogdet: sign is 1.0, -1.0, or 0.0 with
        log|det| = -inf for a singular matrix; (1.0, 0.0) for a 0 x 0 matrix."""
        self._require_square("slogdet")
        cdef int e
        cdef double mant
        cast = np.float32 if self._lu.kind == RM_FLOAT32 else float
        if self._info > 0:
            return cast(0.0), cast(-INFINITY)
        mant = self._mantissa(&e)
        # |det| = |mant| 2^e with 0.5 <= |mant| < 1
        return (cast(1.0 if mant > 0 else -1.0),
                cast(log(fabs(mant)) + e * 0.6931471805599453))

    def inv(self):
        """inv(A) from the factors (LAPACK dgetri: inv(U), then X L = inv(U), then
        the column swaps). Raises LinAlgError naming the zero pivot when singular;
        a 0 x 0 matrix gives a 0 x 0 inverse."""
        self._require_square("inv")
        self._require_nonsingular()
        cdef Py_ssize_t n = self._lu.nrows
        cdef int kind = self._lu.kind
        cdef Matrix X = asmatrix(np.array(self._lu, order="C", copy=True))
        cdef void* work
        if n == 0:
            return X
        work = malloc((n * NB_GETRI + NB_TRTRI + 1) * kind_itemsize(kind))
        if work == NULL:
            raise MemoryError()
        try:
            with nogil:
                if kind == RM_FLOAT32:
                    getri(n, <float*>X.data, X.ld, self._ipiv, <float*>work)
                else:
                    getri(n, <double*>X.data, X.ld, self._ipiv, <double*>work)
        finally:
            free(work)
        return X

    def unpack(self):
        """(P, L, U) with A = P @ L @ U: P (m, m) permutation, L (m, k) unit lower
        trapezoidal, U (k, n) upper trapezoidal, k = min(m, n); Matrix objects."""
        cdef Py_ssize_t m = self._lu.nrows, k = self._k
        cdef Matrix P = matrix_zeros(m, m, self._lu.kind)
        # the triangles: numpy glue on the packed factors (a copy each, no arithmetic)
        packed = np.asarray(self._lu)
        lower = np.tril(packed[:, :k], -1)
        lower[np.arange(k), np.arange(k)] = 1.0
        upper = np.triu(packed[:k, :])
        # A[perm] = L U  <=>  A = P L U with P[perm[i], i] = 1
        np.asarray(P)[self.perm, np.arange(m)] = 1.0
        return P, asmatrix(np.ascontiguousarray(lower)), asmatrix(np.ascontiguousarray(upper))

    @property
    def L(self):
        """The unit lower-trapezoidal factor, a Matrix of shape (m, min(m, n))."""
        return self.unpack()[1]

    @property
    def U(self):
        """The upper-trapezoidal factor, a Matrix of shape (min(m, n), n)."""
        return self.unpack()[2]


def _lu_from_state(lu, piv, info):
    """Rebuild a pickled LU object (see LU.__reduce__)."""
    cdef LU F = LU.__new__(LU)
    cdef Matrix M = matrix_empty(lu.shape[0], lu.shape[1],
                                 RM_FLOAT32 if lu.dtype == np.float32 else RM_FLOAT64)
    cdef Py_ssize_t i, k = min(lu.shape[0], lu.shape[1])
    np.asarray(M)[...] = lu
    piv = np.asarray(piv, dtype=np.intp)
    if piv.shape != (k,) or (k and (piv.min() < 0 or piv.max() >= lu.shape[0])):
        raise ValueError("invalid pivots for an LU factorisation of shape %s" % (lu.shape,))
    F._lu = M
    F._k = k
    F._info = info
    F._ipiv = <Py_ssize_t*>malloc((k + 1) * sizeof(Py_ssize_t))
    if F._ipiv == NULL:
        raise MemoryError()
    for i in range(k):
        F._ipiv[i] = piv[i]
    return F


cdef LU _factor(Matrix M):
    """Factor M in place (M is our private copy) and wrap it in an LU object."""
    cdef LU F = LU.__new__(LU)
    cdef Py_ssize_t k = _imin(M.nrows, M.ncols)
    F._lu = M
    F._k = k
    F._ipiv = <Py_ssize_t*>malloc((k + 1) * sizeof(Py_ssize_t))
    if F._ipiv == NULL:
        raise MemoryError()
    cdef void* panel = NULL
    if k > NB_GETRF:
        panel = malloc(M.nrows * NB_GETRF * kind_itemsize(M.kind))
        # (without the buffer the panels are factored in place: slower, same result)
    cdef bint finite
    with nogil:
        # finite input can still overflow when its entries approach the largest number
        # (growth in the Schur complements): refuse such factors rather than return inf/NaN
        if M.kind == RM_FLOAT32:
            F._info = getrf(M.nrows, M.ncols, <float*>M.data, M.ld, F._ipiv,
                            <float*>panel)
            finite = all_finite(M.nrows, M.ncols, <const float*>M.data, M.ld)
        else:
            F._info = getrf(M.nrows, M.ncols, <double*>M.data, M.ld, F._ipiv,
                            <double*>panel)
            finite = all_finite(M.nrows, M.ncols, <const double*>M.data, M.ld)
    free(panel)
    if not finite:
        raise LinAlgError("the LU factorisation overflowed (entries near the largest %s);"
                          " rescale the matrix" % _DTYPE[M.kind])
    return F


def lu_factor(A):
    """LU factorisation with partial pivoting, kept in compact (LAPACK) form.

    Blocked right-looking algorithm (LAPACK dgetrf, GVL4 Sec. 3.4) with a recursive
    panel [Toledo]; the trailing updates are GEMM calls.

    Parameters
    ----------
    A : Matrix or array-like of shape (m, n)
        Not modified (the factorisation works on a copy).

    Returns
    -------
    LU
        With ``.solve(b)``, ``.det()``, ``.slogdet()``, ``.inv()``, ``.unpack()``,
        ``.piv`` and ``.perm``.

    Raises
    ------
    ValueError
        A is not 2-D or contains NaN or infinity.
    LinAlgError
        The elimination overflowed (only for entries near the largest double).

    Notes
    -----
    An exactly singular A is factored all the same (as LAPACK does: the step with a
    zero pivot is skipped, nothing is divided by zero); ``.singular`` is then True
    and ``.solve`` / ``.inv`` raise LinAlgError naming the zero pivot.
    """
    return _factor(input_matrix(A, "lu_factor", False, True, True))


def lu(A):
    """LU factorisation with partial pivoting: ``A = P @ L @ U``.

    Parameters
    ----------
    A : Matrix or array-like of shape (m, n)
        Square or rectangular (as scipy.linalg.lu).

    Returns
    -------
    P : Matrix of shape (m, m)
        Permutation matrix.
    L : Matrix of shape (m, k), k = min(m, n)
        Unit lower trapezoidal, |L[i, j]| <= 1.
    U : Matrix of shape (k, n)
        Upper trapezoidal.

    Raises
    ------
    ValueError
        A is not 2-D or contains NaN or infinity. (A singular A is fine.)
    """
    return _factor(input_matrix(A, "lu", False, True, True)).unpack()


def solve(A, b):
    """Solve the square system A x = b by LU with partial pivoting (dgetrf + dgetrs).

    Parameters
    ----------
    A : Matrix or array-like of shape (n, n)
    b : Vector or array-like of shape (n,), or Matrix / array-like of shape (n, k)

    Returns
    -------
    Vector of shape (n,) or Matrix of shape (n, k)
        As numpy.linalg.solve; for n = 0 an empty result of b's shape.

    Raises
    ------
    ValueError
        A not square, b's shape does not match A, NaN or infinity in A or b.
    LinAlgError
        A is exactly singular ("matrix is singular: U[i, i] is exactly zero").

    Notes
    -----
    Backward stable in practice: the computed x solves (A + E) x = b with
    ||E|| <= c n eps ||L|| ||U|| (Higham Thm. 9.4); its forward error grows with
    cond(A).
    """
    # numpy's promotion: float32 only when both A and b are float32
    cdef int kind = RM_FLOAT32 if (_input_kind(A) == RM_FLOAT32
                                   and _input_kind(b) == RM_FLOAT32) else RM_FLOAT64
    cdef Matrix M = _square_input(A, "solve", kind)
    cdef Py_ssize_t n = M.nrows
    # check b's shape before the O(n^3) work
    if isinstance(b, Vector):
        nb = (<Vector>b).n
    elif isinstance(b, Matrix):
        nb = (<Matrix>b).nrows
    else:
        shape = b.shape if hasattr(b, "shape") else np.shape(b)
        nb = shape[0] if len(shape) >= 1 else -1
    if nb != n:
        raise ValueError("solve: A has shape (%d, %d) but b has shape %s"
                         % (n, n, shape_str(b)))
    return _factor(M).solve(b)


def inv(A):
    """Inverse of a square matrix by LU (LAPACK dgetrf + dgetri, 2 n^3 flops).

    Parameters
    ----------
    A : Matrix or array-like of shape (n, n)

    Returns
    -------
    Matrix of shape (n, n)
        A 0 x 0 input gives a 0 x 0 Matrix (as numpy).

    Raises
    ------
    ValueError
        Not square, or NaN/inf in A.
    LinAlgError
        A is exactly singular (names the zero pivot).
    """
    return _factor(_square_input(A, "inv")).inv()


def det(A):
    """Determinant of a square matrix via LU: (-1)^(row swaps) * prod(U[i, i]).

    Parameters
    ----------
    A : Matrix or array-like of shape (n, n)

    Returns
    -------
    float
        0.0 when A is exactly singular, 1.0 for a 0 x 0 matrix (as numpy). The
        product is renormalised as it goes, so it overflows only when det(A) itself
        is not representable; use :func:`slogdet` then.

    Raises
    ------
    ValueError
        Not square, or NaN/inf in A.
    """
    return _factor(_square_input(A, "det")).det()


def slogdet(A):
    """Sign and natural log of |det(A)|, without overflow (numpy.linalg.slogdet).

    Parameters
    ----------
    A : Matrix or array-like of shape (n, n)

    Returns
    -------
    sign : float
        1.0 or -1.0; 0.0 when A is exactly singular.
    logabsdet : float
        log|det(A)|; -inf when singular; 0.0 for a 0 x 0 matrix (sign 1.0).

    Raises
    ------
    ValueError
        Not square, or NaN/inf in A.
    """
    return _factor(_square_input(A, "slogdet")).slogdet()

# cython: language_level=3
"""Cholesky factorisation of a symmetric positive definite matrix, and what it gives.

For a symmetric positive definite (SPD) A of order n,

    A = L L^T          L lower triangular with a positive diagonal, or
    A = U^T U          U = L^T upper triangular,

and then A x = b is two triangular solves, det(A) = prod(l_ii)^2, and
inv(A) = inv(L)^T inv(L).

References
----------
[GVL4]   G. H. Golub and C. F. Van Loan, Matrix Computations, 4th ed., 2013.
         Sec. 4.2: Alg. 4.2.1 (gaxpy Cholesky), Alg. 4.2.2 (outer-product Cholesky),
         Sec. 4.2.9 (block Cholesky: factor the diagonal block, triangular solve for the
         block column, symmetric rank-k update of the trailing matrix), Sec. 4.2.7
         (stability: the computed L satisfies L L^T = A + E, ||E|| <= c n eps ||A||).
         Sec. 3.1 (triangular systems), Sec. 3.1.5 (blocked triangular solves).
[LAPACK] dpotrf (blocked driver), dpotrf2 (recursive factor of a diagonal block),
         dpotf2 (unblocked), dpotrs (solve), dpotri = dtrtri (triangular inverse) +
         dlauum (the product inv(L)^T inv(L)). E. Anderson et al., LAPACK Users'
         Guide, 3rd ed., SIAM 1999.
[EGHJ]   E. Elmroth, F. Gustavson, I. Jonsson, B. Kagstrom, "Recursive blocked
         algorithms and hybrid data structures for dense matrix library software",
         SIAM Review 46(1), 2004 (the recursive splitting of dpotrf2/dtrtri/dlauum).

Storage and what is read
------------------------
Row-major float64. Only ONE triangle of A is read (the lower one for lower=True, the
upper one for lower=False), as LAPACK's dpotrf does: the other triangle is never read,
not even by the NaN check. The factor is computed in a fresh lower-triangular buffer
(the upper triangle of A is transposed into it for lower=False).

How the time is spent
---------------------
The blocked right-looking algorithm [GVL4 Sec. 4.2.9; LAPACK dpotrf] walks over block
columns of NB_POTRF: factor the diagonal block (dpotrf2: recursive halving down to
dpotf2 on blocks of <= NB_POTF2), solve the block column below it with dtrsm, and
update the trailing matrix with dsyrk. dtrsm and dsyrk are blocked on GEMM (blas.pyx),
so nearly all of the n^3/3 flops run in the GEMM.

One source, two dtypes: the kernels are fused over _floating.floating (spotrf and dpotrf
of one source); the Python layer runs the instance of the input's dtype (float32 input
stays float32, numpy.linalg's rule; a float32 factor solving a float64 b promotes).
"""
import numpy as np
cimport numpy as cnp

from libc.math cimport sqrt, frexp, ldexp, INFINITY

from rusty_machine.linalg.blas cimport xgemv, xscal, xdot, xtrsv, xtrsm, xtrmm, xsyrk
from rusty_machine.linalg._floating cimport floating
from rusty_machine.linalg.matrix cimport (Matrix, Vector, matrix_empty, vector_empty,
                                          asmatrix, asvector, RM_FLOAT32, RM_FLOAT64)
from rusty_machine.linalg._checks cimport copy_finite, shape_str, input_matrix
from rusty_machine.exceptions import LinAlgError

cnp.import_array()

# ---- block sizes: the one table ---------------------------------------------------
# (changed only through _set_block_sizes(), which the tests use to reach every path
#  with small matrices)
cdef Py_ssize_t NB_POTRF = 256   # block columns of the right-looking dpotrf
cdef Py_ssize_t NB_POTF2 = 32    # dpotrf2 recursion stops, dpotf2 runs, at this order
# (NB_POTF2 is also the base of the recursive dtrtri and dlauum)


def _set_block_sizes(potrf=None, potf2=None):
    """Set the block sizes (testing aid); returns the previous values as a dict."""
    global NB_POTRF, NB_POTF2
    old = dict(potrf=NB_POTRF, potf2=NB_POTF2)
    for name, value in (("potrf", potrf), ("potf2", potf2)):
        if value is not None and int(value) < 1:
            raise ValueError("block size %s must be >= 1, got %r" % (name, value))
    if potrf is not None:
        NB_POTRF = potrf
    if potf2 is not None:
        NB_POTF2 = potf2
    return old


# ==================================================================================
# kernels: (pointer, leading dimension), row-major, lower triangle, no checks, nogil.
# Each returns LAPACK's INFO: 0, or the order k >= 1 of the first leading minor that
# is not positive (the factorisation stops there).
# ==================================================================================
cdef inline Py_ssize_t _half(Py_ssize_t n) noexcept nogil:
    """About n/2, rounded up to a multiple of 8 when both halves stay non-empty."""
    cdef Py_ssize_t n1 = n // 2
    cdef Py_ssize_t r = ((n1 + 7) // 8) * 8
    return r if r < n else n1


cdef Py_ssize_t potf2(Py_ssize_t n,         # IN    order
                      floating* A,          # INOUT n x n, lower triangle -> L
                      Py_ssize_t lda        # IN
                      ) noexcept nogil:
    """Unblocked Cholesky, gaxpy form [GVL4 Alg. 4.2.1; LAPACK dpotf2 'L'].

    Column j of L from the rows above: with row-major storage, L[j, :j] and the rows
    L[i, :j] (i > j) are contiguous, so both steps are dot products along rows."""
    cdef Py_ssize_t j
    cdef floating ajj
    for j in range(n):
        # GVL4 Alg. 4.2.1: a_jj - L[j, :j] . L[j, :j] must be positive
        ajj = A[j * lda + j] - xdot(j, A + j * lda, 1, A + j * lda, 1)
        if not (ajj > 0.0):                    # also catches NaN
            A[j * lda + j] = ajj
            return j + 1
        ajj = sqrt(ajj)
        A[j * lda + j] = ajj
        if j + 1 < n:
            # A[j+1:, j] -= A[j+1:, :j] @ A[j, :j]      (dgemv on the rows below)
            xgemv(False, n - j - 1, j, -1.0, A + (j + 1) * lda, lda, A + j * lda, 1,
                  1.0, A + (j + 1) * lda + j, lda)
            # A[j+1:, j] /= l_jj
            xscal(n - j - 1, 1.0 / ajj, A + (j + 1) * lda + j, lda)
    return 0


cdef Py_ssize_t potrf2(Py_ssize_t n,        # IN    order
                       floating* A,         # INOUT n x n, lower triangle -> L
                       Py_ssize_t lda       # IN
                       ) noexcept nogil:
    """Recursive Cholesky of a diagonal block [LAPACK dpotrf2; EGHJ]:

        [A11  .  ]   [L11   0 ] [L11^T L21^T]
        [A21 A22 ] = [L21  L22] [  0   L22^T]

    L11 = chol(A11); L21 = A21 inv(L11)^T (dtrsm); L22 = chol(A22 - L21 L21^T)
    (dsyrk, then recursion). Below NB_POTF2 the unblocked dpotf2 runs."""
    cdef Py_ssize_t n1, n2, info
    if n <= NB_POTF2:
        return potf2(n, A, lda)
    n1 = _half(n)
    n2 = n - n1
    info = potrf2(n1, A, lda)
    if info:
        return info
    # A21 = A21 @ inv(L11).T
    xtrsm(False, True, True, False, n2, n1, 1.0, A, lda, A + n1 * lda, lda)
    # A22 -= A21 @ A21.T     (lower triangle)
    xsyrk(True, False, n2, n1, -1.0, A + n1 * lda, lda, 1.0, A + n1 * lda + n1, lda)
    info = potrf2(n2, A + n1 * lda + n1, lda)
    return info + n1 if info else 0


cdef Py_ssize_t potrf(Py_ssize_t n,         # IN    order
                      floating* A,          # INOUT n x n, lower triangle -> L
                      Py_ssize_t lda        # IN
                      ) noexcept nogil:
    """Blocked right-looking Cholesky [GVL4 Sec. 4.2.9; LAPACK dpotrf 'L'].

    For each block column j of width jb = min(NB_POTRF, n - j):
      1. L_jj = chol(A_jj)                         (dpotrf2, recursive)
      2. L_ij = A_ij inv(L_jj)^T for the rows below   (dtrsm, right/lower/trans)
      3. A_22 -= L_i,j L_i,j^T on the trailing matrix  (dsyrk, rank jb)"""
    cdef Py_ssize_t j, jb, rest, info, nb = NB_POTRF
    j = 0
    while j < n:
        jb = nb if nb < n - j else n - j
        rest = n - j - jb
        # step 1 [GVL4 Sec. 4.2.9]: the diagonal block
        info = potrf2(jb, A + j * lda + j, lda)
        if info:
            return info + j
        if rest > 0:
            # step 2: A[j+jb:, j:j+jb] = A[j+jb:, j:j+jb] @ inv(L_jj).T
            xtrsm(False, True, True, False, rest, jb, 1.0, A + j * lda + j, lda,
                  A + (j + jb) * lda + j, lda)
            # step 3: A[j+jb:, j+jb:] -= L21 @ L21.T   (lower triangle)
            xsyrk(True, False, rest, jb, -1.0, A + (j + jb) * lda + j, lda, 1.0,
                  A + (j + jb) * lda + j + jb, lda)
        j += jb
    return 0


cdef void trti2_lower(Py_ssize_t n,         # IN    order (small)
                      floating* A,          # INOUT lower L -> inv(L)
                      Py_ssize_t lda        # IN
                      ) noexcept nogil:
    """Unblocked inverse of a lower triangle, in place [LAPACK dtrti2 'L','N'].

    Row j of X = inv(L): x_jj = 1/l_jj and X[j, :j] = -x_jj L[j, :j] X[:j, :j], the row
    vector times the already inverted leading block (rows above j), formed in place by
    axpys along the rows of X[:j, :j]: for p = 0..j-1,
        X[j, :p] += l_jp X[p, :p];  X[j, p] = l_jp x_pp."""
    cdef Py_ssize_t j, p, c
    cdef floating xjj, b
    cdef floating* rj
    cdef const floating* rp
    for j in range(n):
        rj = A + j * lda
        xjj = 1.0 / rj[j]
        rj[j] = xjj
        for p in range(j):
            b = rj[p]
            rp = A + p * lda
            for c in range(p):
                rj[c] += b * rp[c]
            rj[p] = b * rp[p]
        for c in range(j):
            rj[c] *= -xjj


cdef void trtri_lower(Py_ssize_t n,         # IN    order
                      floating* A,          # INOUT lower L -> inv(L)
                      Py_ssize_t lda        # IN
                      ) noexcept nogil:
    """Recursive inverse of a lower triangle [LAPACK dtrtri; EGHJ]:

        inv([L11 0; L21 L22]) = [X11 0; -X22 L21 X11  X22],  Xii = inv(Lii)."""
    cdef Py_ssize_t n1, n2
    if n <= NB_POTF2:
        trti2_lower(n, A, lda)
        return
    n1 = _half(n)
    n2 = n - n1
    trtri_lower(n1, A, lda)
    trtri_lower(n2, A + n1 * lda + n1, lda)
    # L21 = L21 @ X11
    xtrmm(False, True, False, False, n2, n1, 1.0, A, lda, A + n1 * lda, lda)
    # L21 = -X22 @ L21
    xtrmm(True, True, False, False, n2, n1, -1.0, A + n1 * lda + n1, lda, A + n1 * lda, lda)


cdef void lauu2_lower(Py_ssize_t n,         # IN    order (small)
                      floating* A,          # INOUT lower X -> lower triangle of X^T X
                      Py_ssize_t lda        # IN
                      ) noexcept nogil:
    """Unblocked X^T X for lower triangular X, in place [LAPACK dlauu2 'L'].

    (X^T X)[i, :i+1] = sum_{p >= i} x_pi X[p, :i+1] reads only rows p >= i, which are
    still unmodified when the rows are done in increasing order."""
    cdef Py_ssize_t i, p, c
    cdef floating a
    cdef floating* ri
    cdef const floating* rp
    for i in range(n):
        ri = A + i * lda
        a = ri[i]
        for c in range(i + 1):
            ri[c] *= a
        for p in range(i + 1, n):
            rp = A + p * lda
            a = rp[i]
            for c in range(i + 1):
                ri[c] += a * rp[c]


cdef void lauum_lower(Py_ssize_t n,         # IN    order
                      floating* A,          # INOUT lower X -> lower triangle of X^T X
                      Py_ssize_t lda        # IN
                      ) noexcept nogil:
    """Recursive X^T X for lower triangular X [LAPACK dlauum; EGHJ]:

        [X11 0; X21 X22]^T [X11 0; X21 X22]
            = [X11^T X11 + X21^T X21   .         ]
              [X22^T X21               X22^T X22 ]"""
    cdef Py_ssize_t n1, n2
    if n <= NB_POTF2:
        lauu2_lower(n, A, lda)
        return
    n1 = _half(n)
    n2 = n - n1
    lauum_lower(n1, A, lda)
    # C11 += X21.T @ X21     (lower triangle)
    xsyrk(True, True, n1, n2, 1.0, A + n1 * lda, lda, 1.0, A, lda)
    # C21 = X22.T @ X21
    xtrmm(True, True, True, False, n2, n1, 1.0, A + n1 * lda + n1, lda, A + n1 * lda, lda)
    lauum_lower(n2, A + n1 * lda + n1, lda)


cdef Py_ssize_t copy_lower_checked(bint from_upper, Py_ssize_t n,
                                   const floating* S, Py_ssize_t lds,   # IN  n x n source
                                   floating* D, Py_ssize_t ldd          # OUT n x n
                                   ) noexcept nogil:
    """D = tril(S) (or tril(S^T) = the upper triangle of S transposed), zeros above the
    diagonal. Only the used triangle of S is read. Returns -1, or i * n + j for the
    first non-finite entry S[i, j] found.

    Finiteness test without branches in the inner loop: x * 0 is 0 for finite x and
    NaN for inf/NaN, so a running sum of them is non-zero iff a bad entry was seen."""
    cdef Py_ssize_t i, j, i0, j0, i1, j1
    cdef floating acc = 0.0, v
    if not from_upper:
        for i in range(n):
            for j in range(i + 1):
                v = S[i * lds + j]
                D[i * ldd + j] = v
                acc += v * 0.0
            for j in range(i + 1, n):
                D[i * ldd + j] = 0.0
    else:
        # D[i, j] = S[j, i] for j <= i, in 32 x 32 tiles (both sides cache-friendly)
        for i0 in range(0, n, 32):
            i1 = i0 + 32 if i0 + 32 < n else n
            for j0 in range(0, i1, 32):
                j1 = j0 + 32 if j0 + 32 < n else n
                for j in range(j0, j1):
                    for i in range(i0 if i0 > j else j, i1):
                        v = S[j * lds + i]
                        D[i * ldd + j] = v
                        acc += v * 0.0
        for i in range(n):
            for j in range(i + 1, n):
                D[i * ldd + j] = 0.0
    if acc == 0.0:
        return -1
    # locate the first bad entry (row-major order of the triangle read)
    for i in range(n):
        for j in range(i + 1):
            v = S[j * lds + i] if from_upper else S[i * lds + j]
            if v * 0.0 != 0.0:
                return (j * n + i) if from_upper else (i * n + j)
    return -1


cdef void transpose_lower_to_upper(Py_ssize_t n, const floating* L, Py_ssize_t ldl,
                                   floating* U, Py_ssize_t ldu) noexcept nogil:
    """U = L^T (full n x n, zeros below the diagonal), in 32 x 32 tiles."""
    cdef Py_ssize_t i, j, i0, j0, i1, j1
    for i in range(n):
        for j in range(i):
            U[i * ldu + j] = 0.0
    for j0 in range(0, n, 32):
        j1 = j0 + 32 if j0 + 32 < n else n
        for i0 in range(0, j1, 32):
            i1 = i0 + 32 if i0 + 32 < n else n
            for i in range(i0, i1):
                for j in range(j0 if j0 > i else i, j1):
                    U[i * ldu + j] = L[j * ldl + i]


cdef void mirror_lower_f(Py_ssize_t n, floating* C, Py_ssize_t ldc) noexcept nogil:
    """C[i, j] = C[j, i] for j > i: the upper triangle from the lower one."""
    cdef Py_ssize_t i, j
    for i in range(n):
        for j in range(i + 1, n):
            C[i * ldc + j] = C[j * ldc + i]


# ==================================================================================
# Python layer
# ==================================================================================

cdef Matrix _square_input(object A, str func):
    """A as a Matrix (no copy when possible), checked 2-D and square: the input path of
    _checks.input_matrix (finiteness is checked on the triangle that is read); float32
    input stays float32."""
    return input_matrix(A, func, True, False, True)


cdef Matrix _factor_lower(object A, bint lower, str func):
    """The lower Cholesky factor L of A, read from one triangle of A."""
    cdef Matrix M = _square_input(A, func)
    cdef Py_ssize_t n = M.nrows, bad = -1, info = 0
    cdef Matrix L = matrix_empty(n, n, M.kind)
    if n == 0:
        return L
    with nogil:
        if M.kind == RM_FLOAT32:
            bad = copy_lower_checked(not lower, n, <const float*>M.data, M.ld,
                                     <float*>L.data, L.ld)
            if bad < 0:
                info = potrf(n, <float*>L.data, L.ld)
        else:
            bad = copy_lower_checked(not lower, n, <const double*>M.data, M.ld,
                                     <double*>L.data, L.ld)
            if bad < 0:
                info = potrf(n, <double*>L.data, L.ld)
    if bad >= 0:
        raise ValueError("%s: the matrix contains NaN or infinity (entry [%d, %d] of the "
                         "%s triangle)" % (func, bad // n, bad % n,
                                           "lower" if lower else "upper"))
    if info:
        raise LinAlgError("matrix is not positive definite: the leading minor of order "
                          "%d is not positive" % info)
    return L


cdef Matrix _upper_from_lower(Matrix L):
    cdef Py_ssize_t n = L.nrows
    cdef Matrix U = matrix_empty(n, n, L.kind)
    with nogil:
        if L.kind == RM_FLOAT32:
            transpose_lower_to_upper(n, <const float*>L.data, L.ld, <float*>U.data, U.ld)
        else:
            transpose_lower_to_upper(n, <const double*>L.data, L.ld, <double*>U.data, U.ld)
    return U


cdef Matrix _copy_matrix(Matrix S):
    """A contiguous owned copy of S (same dtype)."""
    return asmatrix(np.array(S, order="C", copy=True))


cdef object _solve(Matrix L, object b, floating tag):
    """Cholesky.solve in the dtype of `tag` (L already has that dtype)."""
    dtype = np.float32 if floating is float else np.float64
    cdef int kind = RM_FLOAT32 if floating is float else RM_FLOAT64
    cdef Py_ssize_t n = L.nrows, k
    cdef Vector v, x
    cdef Matrix B, X
    cdef bint finite
    cdef const floating* Lp = <const floating*>L.data
    if isinstance(b, Vector) or (not isinstance(b, Matrix) and np.ndim(b) == 1):
        v = asvector(b, dtype)
        if v.n != n:
            raise ValueError("solve: A has shape (%d, %d) but b has shape (%d,)"
                             % (n, n, v.n))
        x = vector_empty(n, kind)
        with nogil:
            finite = copy_finite(1, n, <const floating*>v.data, n, <floating*>x.data, n)
        if not finite:
            raise ValueError("solve: b contains NaN or infinity")
        with nogil:
            # y = inv(L) @ b;  x = inv(L.T) @ y      [LAPACK dpotrs]
            xtrsv(True, False, False, n, Lp, L.ld, <floating*>x.data, 1)
            xtrsv(True, True, False, n, Lp, L.ld, <floating*>x.data, 1)
        return x
    if not isinstance(b, Matrix) and np.ndim(b) != 2:
        raise ValueError("solve: b must be 1-D or 2-D, got shape %s" % shape_str(b))
    B = asmatrix(b, dtype)
    if B.nrows != n:
        raise ValueError("solve: A has shape (%d, %d) but b has shape (%d, %d)"
                         % (n, n, B.nrows, B.ncols))
    k = B.ncols
    X = matrix_empty(n, k, kind)
    with nogil:
        finite = copy_finite(n, k, <const floating*>B.data, B.ld, <floating*>X.data, X.ld)
    if not finite:
        raise ValueError("solve: b contains NaN or infinity")
    with nogil:
        # Y = inv(L) @ B;  X = inv(L.T) @ Y
        xtrsm(True, True, False, False, n, k, <floating>1.0, Lp, L.ld,
              <floating*>X.data, X.ld)
        xtrsm(True, True, True, False, n, k, <floating>1.0, Lp, L.ld,
              <floating*>X.data, X.ld)
    return X


cdef bint _is_float32(object b):
    if isinstance(b, (Matrix, Vector)):
        return b.dtype == np.float32
    dt = getattr(b, "dtype", None)
    return dt is not None and dt == np.float32


def cholesky(A, lower=True):
    """Cholesky factor of a symmetric positive definite matrix.

    Computes L with ``A = L @ L.T`` (``lower=True``) or U with ``A = U.T @ U``
    (``lower=False``, U = L.T) by the blocked right-looking algorithm of LAPACK's
    dpotrf [GVL4 Sec. 4.2.9], running mostly in our GEMM.

    Only ONE triangle of ``A`` is read, as LAPACK does: the lower triangle when
    ``lower=True``, the upper one otherwise. The other triangle is never read (not
    even checked for NaN), so A need not be stored symmetric.

    Parameters
    ----------
    A : Matrix or array-like of shape (n, n)
        Symmetric positive definite (only the used triangle matters).
    lower : bool, default True
        Return the lower factor L (else the upper factor U = L.T).

    Returns
    -------
    Matrix of shape (n, n)
        The triangular factor, with exact zeros in the other triangle. For n = 0 an
        empty 0 x 0 Matrix (as numpy.linalg.cholesky returns an empty array).

    Raises
    ------
    ValueError
        A is not 2-D and square (the message gives its shape), or the used triangle
        holds NaN or infinity.
    LinAlgError
        A is not positive definite; the message names the order k of the first leading
        minor A[:k, :k] found not positive.

    Examples
    --------
    >>> L = cholesky([[4.0, 2.0], [2.0, 5.0]])
    >>> np.asarray(L).tolist()
    [[2.0, 0.0], [1.0, 2.0]]
    """
    cdef Matrix L = _factor_lower(A, bool(lower), "cholesky")
    return L if lower else _upper_from_lower(L)


def cho_factor(A, lower=True):
    """Factor a symmetric positive definite matrix for repeated use.

    Parameters
    ----------
    A : Matrix or array-like of shape (n, n)
        Only the lower triangle (``lower=True``) or the upper one (``lower=False``)
        is read, as in LAPACK's dpotrf; the other is never read.
    lower : bool, default True
        Which triangle of A holds the data, and which factor ``.factor`` returns.

    Returns
    -------
    Cholesky
        With ``solve(b)``, ``det()``, ``logdet()``, ``inv()``, ``L``, ``factor``.
        A 0 x 0 input gives an empty factorisation (as numpy: det = 1, logdet = 0,
        solve of an empty b returns an empty result).

    Raises
    ------
    ValueError, LinAlgError
        As `cholesky`.
    """
    cdef Matrix L = _factor_lower(A, bool(lower), "cho_factor")
    cdef Cholesky c = Cholesky.__new__(Cholesky)
    c._L = L
    c._lower = bool(lower)
    return c


cdef class Cholesky:
    """A Cholesky factorisation A = L L^T, stored compactly (the lower factor only).

    Build it with `cho_factor`. Methods follow LAPACK: `solve` is dpotrs, `inv` is
    dpotri; `det` and `logdet` come from the diagonal of L.
    """
    cdef Matrix _L
    cdef bint _lower

    def __init__(self, *args, **kwargs):
        raise TypeError("use cho_factor(A) to build a Cholesky factorisation")

    @property
    def n(self):
        """Order of the factored matrix."""
        return self._L.nrows

    @property
    def shape(self):
        """(n, n), the shape of the factored matrix."""
        return (self._L.nrows, self._L.nrows)

    @property
    def lower(self):
        """True if the factorisation was requested (and `factor` is) lower."""
        return self._lower

    @property
    def L(self):
        """The lower factor L (A = L @ L.T) as a new Matrix."""
        return _copy_matrix(self._L)

    @property
    def U(self):
        """The upper factor U = L.T (A = U.T @ U) as a new Matrix."""
        return _upper_from_lower(self._L)

    @property
    def factor(self):
        """The factor in the requested orientation: L if lower, else U."""
        return self.L if self._lower else self.U

    def solve(self, b):
        """Solve A x = b with the two triangular solves L y = b, L^T x = y
        [GVL4 Sec. 4.2; LAPACK dpotrs].

        Parameters
        ----------
        b : Vector or array-like of shape (n,), or Matrix / array-like of shape (n, k)
            One right-hand side, or k of them as columns.

        Returns
        -------
        Vector of shape (n,), or Matrix of shape (n, k)

        Raises
        ------
        ValueError
            b has the wrong number of rows (the message gives both shapes), is not
            1-D or 2-D, or holds NaN or infinity.
        """
        # numpy's promotion: a float32 factor with a float64 b solves in float64 (the
        # float32 factor is exact in float64)
        if self._L.kind == RM_FLOAT32 and _is_float32(b):
            return _solve(self._L, b, <float>0)
        return _solve(asmatrix(self._L, np.float64), b, <double>0)

    def logdet(self):
        """log(det(A)) = 2 sum log(l_ii), finite where det itself would overflow."""
        d = np.asarray(self._L.diag(), dtype=np.float64)      # the diagonal of L
        s = 2.0 * float(np.sum(np.log(d)))
        return np.float32(s) if self._L.kind == RM_FLOAT32 else s

    def det(self):
        """det(A) = prod(l_ii)^2 (1.0 for n = 0; inf if it overflows: use `logdet`).

        The product is kept as mantissa and exponent so that intermediate products
        neither overflow nor underflow before the end."""
        cdef Py_ssize_t i, n = self._L.nrows
        cdef double mant = 1.0
        cdef int e, total = 0
        cdef const double[::1] d = np.asarray(self._L.diag(), dtype=np.float64)
        with nogil:
            for i in range(n):
                mant = frexp(mant * d[i], &e)
                total += e
        # det = (mant * 2^total)^2, each factor in [0.5, 1)
        mant = mant * mant
        cdef double det
        cdef float det32
        if 2 * total > 2100:
            det = INFINITY
        elif 2 * total < -2200:
            det = 0.0
        else:
            det = ldexp(mant, 2 * total)
        if self._L.kind == RM_FLOAT32:
            det32 = <float>det                      # +-inf beyond float32's range
            return np.float32(det32)
        return det

    def inv(self):
        """inv(A) = inv(L)^T inv(L), symmetric [LAPACK dpotri = dtrtri + dlauum].

        Returns
        -------
        Matrix of shape (n, n), exactly symmetric.
        """
        cdef Py_ssize_t n = self._L.nrows
        cdef Matrix X = _copy_matrix(self._L)
        with nogil:
            if X.kind == RM_FLOAT32:
                trtri_lower(n, <float*>X.data, X.ld)       # X = inv(L)
                lauum_lower(n, <float*>X.data, X.ld)       # lower triangle of X.T @ X
                mirror_lower_f(n, <float*>X.data, X.ld)    # the upper triangle from the lower
            else:
                trtri_lower(n, <double*>X.data, X.ld)
                lauum_lower(n, <double*>X.data, X.ld)
                mirror_lower_f(n, <double*>X.data, X.ld)
        return X

    def __repr__(self):
        n = self._L.nrows
        if n == 0:
            return "Cholesky(n=0, lower=%r)" % (self._lower,)
        return "Cholesky(n=%d, lower=%r, logdet=%.6g)" % (n, self._lower, self.logdet())

    def __reduce__(self):
        return (_rebuild, (np.asarray(self._L).copy(), self._lower))


def _rebuild(L, lower):
    """Unpickle a Cholesky from its lower factor."""
    cdef Cholesky c = Cholesky.__new__(Cholesky)
    L = np.asarray(L)
    c._L = _copy_matrix(asmatrix(L, np.float32 if L.dtype == np.float32 else np.float64))
    c._lower = bool(lower)
    return c

"""_tsqr.pyx: the R factor of a tall matrix by a streamed, GEMM-blocked TSQR.

The least-squares solvers of linear_regression.py need only R of A = sqrt(W) [X - x_off,
Y - y_off] (m x ncol, m >> ncol). A is never formed: it is read one block of rows at a
time (copied, centred and weighted into a buffer that stays in cache), and each block is
folded into the running R [DGHL12, sequential TSQR]:

    R_k = R factor of [R_{k-1}; A_k]          (R_0 = 0)

1. The structured step  [LAPACK dtpqrt; GVL4 Alg. 5.2.1]
   [R; A_k] is upper triangular on top of a dense block, so reflector j only has to mix
   row j of R with the rows of A_k: H_j = I - tau_j v_j v_j^T with v_j = [e_j; a_j]. It
   zeroes column j of A_k (`house` of _householder.pxd on (R[j, j], A_k[:, j])) and
   creates no fill in R's other rows. v_j is left in A_k[:, j]. A step costs 2 b ncol^2
   flops for a block of b rows, the same as a QR of A_k alone.

2. Compact WY on the structure  [SVL89; GVL4 Sec. 5.1.7; LAPACK dtprfb]
   Reflectors j0..j1-1 together are I - V T V^T with V = [E; A_p] (E the rows j0..j1-1
   of the identity, A_p = A_k[:, j0:j1]). Since the E parts are orthonormal, the inner
   products V^T V are I + A_p^T A_p (one syrk), and T comes from dlarft's recurrence
   T[:i, i] = -tau_i T[:i, :i] (A_p[:, :i]^T a_i),   T[i, i] = tau_i.
   Applying Q^T = I - V T^T V^T to the columns c0..c1-1 of [R; A_k]:
       W = R[j0:j1, c0:c1] + A_p^T A_k[:, c0:c1]      (GEMM)
       W = T^T W                                       (trmm)
       R[j0:j1, c0:c1] -= W;  A_k[:, c0:c1] -= A_p W   (GEMM)

3. Recursive panels  [EG00]
   The columns are factored by recursive halving: factor the left half, apply its block
   reflector to the right half (the GEMMs of 2.), factor the right half; below LEAF
   columns the reflectors are made and applied one by one, a row of the block at a
   time (each step reads a few contiguous numbers per row of a block that is in cache).
   All but O(b ncol LEAF) of the flops run through our GEMM.

Every kernel below is written once for float32 and float64 (``floating``, _floating.pxd):
float32 X is factored in float32 (the blocks, the reflectors, R and the GEMMs: sgemm,
ssyrk, strmm), as scikit-learn's float32 least squares (LAPACK sgelsd) is; Y, the
offsets and the weights are float64 and rounded as a block is filled.

4. Threads  [DGHL12, parallel TSQR with a flat reduction tree]
   With t threads, the rows are split in t contiguous parts, each thread streams its
   part into its own R_t (the GEMMs run single-threaded inside the parallel region),
   and R = R factor of [R_0; R_1; ...; R_{t-1}] by the same structured step.

References
----------
[DGHL12] J. Demmel, L. Grigori, M. Hoemmen and J. Langou, "Communication-optimal parallel
         and sequential QR and LU factorizations", SIAM J. Sci. Comput. 34 (2012) A206.
[EG00]   E. Elmroth and F. G. Gustavson, "Applying recursion to serial and parallel QR
         factorization leads to better performance", IBM J. Res. Dev. 44(4), 2000.
[SVL89]  R. Schreiber and C. Van Loan, "A storage-efficient WY representation for
         products of Householder transformations", SIAM J. Sci. Stat. Comput. 10, 1989.
[GVL4]   G. H. Golub and C. F. Van Loan, Matrix Computations, 4th ed., 2013.
[Bjo67]  A. Bjorck, "Iterative refinement of linear least squares solutions I", BIT 7
         (1967) 257-278 (refinement with the residual of the data: ``normal_residual``).
[Hig02]  N. J. Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., 2002,
         Sec. 20.5 (iterative refinement for least squares).
[LAPACK] dtpqrt (triangular-pentagonal QR), dtprfb, dlarft.
"""
from cython.parallel cimport prange
from libc.stdlib cimport malloc, free
from libc.string cimport memset

import numpy as np

from rusty_machine.linalg.blas cimport get_num_threads, xgemm, xsyrk, xtrmm
from rusty_machine.linalg._householder cimport house
from rusty_machine.linalg._csrc cimport (rm_axpy_unit, rm_dot_unit, rm_saxpy_unit,
                                         rm_sdot_unit)
from rusty_machine.linalg._floating cimport floating

# Block sizes (one table): a block of rows of A takes about BLOCK_BYTES, so that it and
# R stay in the L2 cache while the GEMMs of a step sweep over it; LEAF columns are
# factored one reflector at a time. (100000 x 101 on a 1 MiB-L2 core: 1 MiB blocks and
# LEAF = 16 measured fastest among 64 KiB - 4 MiB and 4 - 32.)
cdef Py_ssize_t BLOCK_BYTES = 1024 * 1024
cdef Py_ssize_t MIN_BLOCK_ROWS = 64
cdef Py_ssize_t LEAF = 16
# below this many rows per thread the parallel split is not worth its reduction
cdef Py_ssize_t MIN_ROWS_PER_THREAD = 4096


def block_rows(Py_ssize_t ncol, Py_ssize_t itemsize=8):
    """Rows per streamed block for ncol columns (BLOCK_BYTES of the data's type, >= 64:
    a float32 block has twice the rows of a float64 one)."""
    cdef Py_ssize_t b = BLOCK_BYTES // (itemsize * (ncol if ncol > 0 else 1))
    return max(MIN_BLOCK_ROWS, b - b % 8)


cdef inline floating _dot(Py_ssize_t n, const floating* x, const floating* y) noexcept nogil:
    if floating is float:
        return rm_sdot_unit(n, x, y)
    else:
        return rm_dot_unit(n, x, y)


cdef inline void _axpy(Py_ssize_t n, floating alpha, const floating* x,
                       floating* y) noexcept nogil:
    if floating is float:
        rm_saxpy_unit(n, alpha, x, y)
    else:
        rm_axpy_unit(n, alpha, x, y)


cdef void _leaf(Py_ssize_t b, Py_ssize_t j0, Py_ssize_t j1,
                floating* R, Py_ssize_t ldr,   # INOUT ncol x ncol upper triangular
                floating* A, Py_ssize_t lda,   # INOUT b x ncol block; v_j left in A[:, j]
                floating* tau,                 # OUT   tau[j0:j1]
                floating* P                    # WORK  (j1 - j0) x b
                ) noexcept nogil:
    """Reflectors j0..j1-1 one by one, each applied to columns j + 1..j1 - 1 (step 1).

    The panel A[:, j0:j1] is worked on transposed (P[c] = A[:, j0 + c], contiguous), so
    that every step is a unit-stride vector kernel (csrc/rm_kernels.h)."""
    cdef Py_ssize_t w = j1 - j0, i, c, j
    cdef floating t, s
    cdef floating* pj
    for i in range(b):
        for c in range(w):
            P[c * b + i] = A[i * lda + j0 + c]
    for j in range(w):
        pj = P + j * b
        # H_j zeroes A[:, j0 + j] against R[j0 + j, j0 + j] (GVL4 Alg. 5.1.1 / dlarfg)
        t = house(b + 1, &R[(j0 + j) * ldr + j0 + j], pj, 1)
        tau[j0 + j] = t
        if t == 0.0:
            continue
        for c in range(j + 1, w):
            # [R; A][:, c] -= tau v_j (R[j, c] + A[:, j] . A[:, c]),  v_j = [e_j; A[:, j]]
            s = t * (R[(j0 + j) * ldr + j0 + c] + _dot(b, pj, P + c * b))
            R[(j0 + j) * ldr + j0 + c] -= s
            _axpy(b, -s, pj, P + c * b)
    for i in range(b):
        for c in range(w):
            A[i * lda + j0 + c] = P[c * b + i]


cdef void _build_t(Py_ssize_t b, Py_ssize_t j0, Py_ssize_t k,
                   const floating* A, Py_ssize_t lda,  # IN  v's in A[:, j0:j0+k]
                   const floating* tau,                # IN  tau[j0:j0+k]
                   floating* T,                        # OUT k x k upper triangular
                   floating* S                         # WORK k x k
                   ) noexcept nogil:
    """T of I - V T V^T for reflectors j0..j0+k-1 (step 2, dlarft's recurrence)."""
    cdef Py_ssize_t i, p, q
    cdef floating s
    # S (upper) = A_p^T A_p: the off-diagonal inner products of the v's
    xsyrk(False, True, k, b, 1.0, &A[j0], lda, 0.0, S, k)
    for i in range(k):
        for p in range(i):
            # T[p, i] = -tau_i sum_{q in [p, i)} T[p, q] S[q, i]
            s = 0.0
            for q in range(p, i):
                s += T[p * k + q] * S[q * k + i]
            T[p * k + i] = -tau[j0 + i] * s
        T[i * k + i] = tau[j0 + i]
        for p in range(i + 1, k):
            T[p * k + i] = 0.0


cdef void _apply(Py_ssize_t b, Py_ssize_t j0, Py_ssize_t j1, Py_ssize_t c0, Py_ssize_t c1,
                 floating* R, Py_ssize_t ldr, floating* A, Py_ssize_t lda,
                 const floating* T,                # IN  (j1 - j0) square, from _build_t
                 floating* W                       # WORK (j1 - j0) x (c1 - c0)
                 ) noexcept nogil:
    """Columns c0..c1-1 of [R; A] <- Q^T [R; A], Q = I - V T V^T (step 2, dtprfb)."""
    cdef Py_ssize_t k = j1 - j0, nc = c1 - c0, i, c
    for i in range(k):
        for c in range(nc):
            W[i * nc + c] = R[(j0 + i) * ldr + c0 + c]
    # W += A_p^T A[:, c0:c1]
    xgemm(True, False, k, nc, b, 1.0, &A[j0], lda, &A[c0], lda, 1.0, W, nc)
    # W = T^T W
    xtrmm(True, False, True, False, k, nc, 1.0, T, k, W, nc)
    for i in range(k):
        for c in range(nc):
            R[(j0 + i) * ldr + c0 + c] -= W[i * nc + c]
    # A[:, c0:c1] -= A_p W
    xgemm(False, False, b, nc, k, -1.0, &A[j0], lda, W, nc, 1.0, &A[c0], lda)


cdef void _tpqrt(Py_ssize_t b, Py_ssize_t j0, Py_ssize_t j1,
                 floating* R, Py_ssize_t ldr, floating* A, Py_ssize_t lda,
                 floating* tau, floating* T, floating* S, floating* W) noexcept nogil:
    """Fold columns j0..j1-1 of the block A into R by recursive halving (step 3)."""
    cdef Py_ssize_t mid
    if j1 - j0 <= LEAF:
        _leaf(b, j0, j1, R, ldr, A, lda, tau, W)
        return
    mid = j0 + (j1 - j0) // 2
    _tpqrt(b, j0, mid, R, ldr, A, lda, tau, T, S, W)
    _build_t(b, j0, mid - j0, A, lda, tau, T, S)
    _apply(b, j0, mid, mid, j1, R, ldr, A, lda, T, W)
    _tpqrt(b, mid, j1, R, ldr, A, lda, tau, T, S, W)


cdef void _fill(Py_ssize_t s, Py_ssize_t e, Py_ssize_t n, Py_ssize_t t,
                const floating* X, const double* Y,       # IN  (m, n) and (m, t)
                const double* x_off, const double* y_off,  # IN  (n,), (t,)
                const double* sqrt_w,                      # IN  (m,) or NULL
                floating* A                                # OUT (e - s) x (n + t)
                ) noexcept nogil:
    """A = sqrt(w) [X[s:e] - x_off, Y[s:e] - y_off]."""
    cdef Py_ssize_t i, j, ncol = n + t
    cdef double sw
    cdef const floating* xr
    cdef floating* ar
    for i in range(e - s):
        xr = X + (s + i) * n
        ar = A + i * ncol
        sw = sqrt_w[s + i] if sqrt_w != NULL else 1.0
        # (rounded once to the block's type)
        for j in range(n):
            ar[j] = <floating>((xr[j] - x_off[j]) * sw)
        for j in range(t):
            ar[n + j] = <floating>((Y[(s + i) * t + j] - y_off[j]) * sw)


cdef void _stream(Py_ssize_t s, Py_ssize_t e, Py_ssize_t n, Py_ssize_t t,
                  const floating* X, const double* Y, const double* x_off,
                  const double* y_off, const double* sqrt_w, Py_ssize_t brows,
                  floating* R,        # INOUT ncol x ncol (zeros on entry for a new R)
                  floating* work      # WORK  _work_size(ncol, brows) entries
                  ) noexcept nogil:
    """R <- R factor of [R; A[s:e]], streamed over blocks of brows rows."""
    cdef Py_ssize_t ncol = n + t, p, q
    cdef floating* A = work
    cdef floating* tau = A + brows * ncol
    cdef floating* T = tau + ncol
    cdef floating* S = T + ncol * ncol
    cdef floating* W = S + ncol * ncol
    p = s
    while p < e:
        q = e if e - p < brows else p + brows
        _fill(p, q, n, t, X, Y, x_off, y_off, sqrt_w, A)
        _tpqrt(q - p, 0, ncol, R, ncol, A, ncol, tau, T, S, W)
        p = q


cdef inline Py_ssize_t _work_size(Py_ssize_t ncol, Py_ssize_t brows) noexcept nogil:
    # A block, tau, T, S, and W (which is also the leaf's transposed panel)
    cdef Py_ssize_t rows = brows if brows > ncol else ncol
    return brows * ncol + ncol + 3 * ncol * ncol + LEAF * rows


def streamed_r(X, Y, x_off, y_off, sqrt_w=None):
    """R factor of A = sqrt(W) [X - x_off, Y - y_off] by streamed TSQR.

    Parameters
    ----------
    X : ndarray of shape (m, n), float32 or float64 (read in its own type)
    Y : ndarray of shape (m, t), float64
    x_off : ndarray of shape (n,)
    y_off : ndarray of shape (t,)
    sqrt_w : ndarray of shape (m,), optional
        Square roots of the sample weights (None: all ones).

    Returns
    -------
    R : ndarray of shape (n + t, n + t), upper triangular with R^T R = A^T A, in the
        dtype of X.
    """
    X = np.asarray(X)
    cdef bint f32 = X.dtype == np.float32
    X = np.ascontiguousarray(X, dtype=np.float32 if f32 else np.float64)
    cdef const double[:, ::1] Xv
    cdef const float[:, ::1] Xs
    if f32:
        Xs = X
    else:
        Xv = X
    cdef const double[:, ::1] Yv = np.ascontiguousarray(Y, dtype=np.float64)
    cdef Py_ssize_t m = X.shape[0], n = X.shape[1], t = Yv.shape[1]
    if Yv.shape[0] != m:
        raise ValueError("X and Y must have the same number of rows, got %d and %d"
                         % (m, Yv.shape[0]))
    cdef const double[::1] xo = np.ascontiguousarray(x_off, dtype=np.float64)
    cdef const double[::1] yo = np.ascontiguousarray(y_off, dtype=np.float64)
    if xo.shape[0] != n or yo.shape[0] != t:
        raise ValueError("offsets must have shapes (%d,) and (%d,)" % (n, t))
    cdef const double[::1] swv
    cdef const double* sw = NULL
    if sqrt_w is not None:
        swv = np.ascontiguousarray(sqrt_w, dtype=np.float64)
        if swv.shape[0] != m:
            raise ValueError("sqrt_w must have shape (%d,)" % m)
        if m > 0:
            sw = &swv[0]
    cdef Py_ssize_t ncol = n + t
    R = np.zeros((ncol, ncol), dtype=X.dtype)
    if m == 0 or ncol == 0:
        return R
    cdef float[:, ::1] Rs
    cdef double[:, ::1] Rv
    cdef const double* yp = &Yv[0, 0] if t > 0 else NULL
    cdef const double* xop = &xo[0] if n > 0 else NULL
    cdef const double* yop = &yo[0] if t > 0 else NULL
    cdef int err
    if f32:
        Rs = R
        err = _streamed_r_run(m, n, t, &Xs[0, 0] if n > 0 else <const float*>NULL, yp,
                              xop, yop, sw, &Rs[0, 0])
    else:
        Rv = R
        err = _streamed_r_run(m, n, t, &Xv[0, 0] if n > 0 else <const double*>NULL, yp,
                              xop, yop, sw, &Rv[0, 0])
    if err:
        raise MemoryError()
    return R


cdef int _streamed_r_run(Py_ssize_t m, Py_ssize_t n, Py_ssize_t t, const floating* xp,
                         const double* yp, const double* xop, const double* yop,
                         const double* sw,
                         floating* R) noexcept:   # INOUT ncol x ncol, zeros on entry
    """streamed_r's work in X's type: the threads' streams and their reduction. Returns
    0, or -1 when the work buffers cannot be allocated."""
    cdef Py_ssize_t ncol = n + t
    cdef Py_ssize_t brows = block_rows(ncol, sizeof(floating))
    cdef int nt = get_num_threads()
    if nt > m // MIN_ROWS_PER_THREAD:
        nt = <int>(m // MIN_ROWS_PER_THREAD)
    if nt < 1:
        nt = 1
    cdef Py_ssize_t wsize = _work_size(ncol, brows)
    cdef floating* work = <floating*>malloc(nt * wsize * sizeof(floating))
    # the other threads' R_t, stacked: (nt - 1) ncol x ncol
    cdef floating* Rt = <floating*>malloc((nt - 1) * ncol * ncol * sizeof(floating) + 8)
    if work == NULL or Rt == NULL:
        free(work)
        free(Rt)
        return -1
    cdef Py_ssize_t tid, s, e
    cdef floating* Rdst
    with nogil:
        if nt == 1:
            _stream(0, m, n, t, xp, yp, xop, yop, sw, brows, R, work)
        else:
            memset(Rt, 0, (nt - 1) * ncol * ncol * sizeof(floating))
            for tid in prange(nt, num_threads=nt, schedule="static", chunksize=1):
                s = m * tid // nt
                e = m * (tid + 1) // nt
                Rdst = R if tid == 0 else Rt + (tid - 1) * ncol * ncol
                _stream(s, e, n, t, xp, yp, xop, yop, sw, brows, Rdst, work + tid * wsize)
            # flat reduction: R <- R factor of [R_0; R_1; ...] (the stacked R_t are the
            # block, of (nt - 1) ncol rows; brows >= that is not needed: one call)
            _fold(nt - 1, ncol, R, Rt, work)
    free(work)
    free(Rt)
    return 0


cdef void _fold(Py_ssize_t k, Py_ssize_t ncol, floating* R, floating* Rt,
                floating* work) noexcept nogil:
    """R <- R factor of [R; Rt_1; ...; Rt_k] (Rt: k ncol x ncol blocks, overwritten).
    work: _work_size(ncol, ncol) entries at least."""
    cdef floating* tau = work
    cdef floating* T = tau + ncol
    cdef floating* S = T + ncol * ncol
    cdef floating* W = S + ncol * ncol
    cdef Py_ssize_t i
    for i in range(k):
        _tpqrt(ncol, 0, ncol, R, ncol, Rt + i * ncol * ncol, ncol, tau, T, S, W)


def _set_block_sizes(block_bytes=None, leaf=None):
    """Set the block sizes (testing and tuning aid); returns the previous values."""
    global BLOCK_BYTES, LEAF
    old = dict(block_bytes=BLOCK_BYTES, leaf=LEAF)
    for name, value in (("block_bytes", block_bytes), ("leaf", leaf)):
        if value is not None and int(value) < 1:
            raise ValueError("%s must be >= 1, got %r" % (name, value))
    if block_bytes is not None:
        BLOCK_BYTES = block_bytes
    if leaf is not None:
        LEAF = leaf
    return old


# ---------------------------------------------------------------------------------------
# The residual pass of iterative refinement (linear_regression's "auto" solver)
#
# One step of fixed-precision iterative refinement of the normal equations [Bjo67;
# Higham, ASNA 2nd ed., Sec. 20.5] needs the normal-equations residual computed from the
# data, not from the Gram matrix:  g = A_x^T (A_y - A_x W),  A = sqrt(W) [X - x_off,
# Y - y_off]. It is one more read of X, block by block (the block centred and weighted
# into a buffer that stays in L2 by the same _fill as the TSQR), two GEMMs per block:
#     A_y <- A_y - A_x W        (the block's residuals, in place)
#     g   <- g + A_x^T A_y

cdef void _normal_residual_run(Py_ssize_t m, Py_ssize_t n, Py_ssize_t t,
                               const floating* X, const double* Y,
                               const double* x_off, const double* y_off,
                               const double* sqrt_w,
                               const floating* W,     # IN  n x t, X's type
                               Py_ssize_t brows,
                               floating* A,           # WORK brows x (n + t)
                               floating* gb,          # WORK n x t
                               double* g              # OUT  n x t (zeros on entry)
                               ) noexcept nogil:
    cdef Py_ssize_t ncol = n + t, p = 0, q, i
    while p < m:
        q = m if m - p < brows else p + brows
        _fill(p, q, n, t, X, Y, x_off, y_off, sqrt_w, A)
        # A[:, n:] -= A[:, :n] @ W
        xgemm(False, False, q - p, t, n, -1.0, A, ncol, W, t, 1.0, &A[n], ncol)
        # gb = A[:, :n].T @ A[:, n:]   (per block in X's type, summed in float64)
        xgemm(True, False, n, t, q - p, 1.0, A, ncol, &A[n], ncol, 0.0, gb, t)
        for i in range(n * t):
            g[i] += gb[i]
        p = q


def normal_residual(X, Y, x_off, y_off, sqrt_w, W):
    """g = A_x^T (A_y - A_x W) with A = sqrt(w) [X - x_off, Y - y_off], in one pass.

    Parameters
    ----------
    X : ndarray of shape (m, n), float32 or float64 (read in its own type)
    Y : ndarray of shape (m, t), float64
    x_off, y_off : ndarrays of shapes (n,) and (t,)
    sqrt_w : ndarray of shape (m,) or None
    W : ndarray of shape (n, t), the current solution (rounded to X's type)

    Returns
    -------
    g : ndarray of shape (n, t), float64 (the blocks' products in X's type, summed in
        float64)
    """
    X = np.asarray(X)
    cdef bint f32 = X.dtype == np.float32
    dt = np.float32 if f32 else np.float64
    X = np.ascontiguousarray(X, dtype=dt)
    cdef const double[:, ::1] Yv = np.ascontiguousarray(Y, dtype=np.float64)
    cdef Py_ssize_t m = X.shape[0], n = X.shape[1], t = Yv.shape[1]
    if Yv.shape[0] != m:
        raise ValueError("X and Y must have the same number of rows, got %d and %d"
                         % (m, Yv.shape[0]))
    Wa = np.ascontiguousarray(W, dtype=dt)
    if Wa.shape != (n, t):
        raise ValueError("W must have shape (%d, %d), got %r" % (n, t, Wa.shape))
    cdef const double[::1] xo = np.ascontiguousarray(x_off, dtype=np.float64)
    cdef const double[::1] yo = np.ascontiguousarray(y_off, dtype=np.float64)
    if xo.shape[0] != n or yo.shape[0] != t:
        raise ValueError("offsets must have shapes (%d,) and (%d,)" % (n, t))
    cdef const double[::1] swv
    cdef const double* sw = NULL
    if sqrt_w is not None:
        swv = np.ascontiguousarray(sqrt_w, dtype=np.float64)
        if swv.shape[0] != m:
            raise ValueError("sqrt_w must have shape (%d,)" % m)
        if m > 0:
            sw = &swv[0]
    G = np.zeros((n, t))
    if m == 0 or n == 0 or t == 0:
        return G
    cdef Py_ssize_t brows = block_rows(n + t, 4 if f32 else 8)
    if brows > m:
        brows = m
    A = np.empty((brows, n + t), dtype=dt)
    gb = np.empty((n, t), dtype=dt)
    cdef double[:, ::1] gv = G
    cdef const double[:, ::1] Xd, Wd
    cdef const float[:, ::1] Xs, Ws
    cdef double[:, ::1] Ad, gbd
    cdef float[:, ::1] As, gbs
    if f32:
        Xs, Ws, As, gbs = X, Wa, A, gb
        with nogil:
            _normal_residual_run(m, n, t, &Xs[0, 0], &Yv[0, 0], &xo[0], &yo[0], sw,
                                 &Ws[0, 0], brows, &As[0, 0], &gbs[0, 0], &gv[0, 0])
    else:
        Xd, Wd, Ad, gbd = X, Wa, A, gb
        with nogil:
            _normal_residual_run(m, n, t, &Xd[0, 0], &Yv[0, 0], &xo[0], &yo[0], sw,
                                 &Wd[0, 0], brows, &Ad[0, 0], &gbd[0, 0], &gv[0, 0])
    return G

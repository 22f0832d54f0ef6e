# cython: wraparound=True
# (negative indices on shapes: numpy's "last two axes" are spelled [-2:] here)
"""numpy.linalg's contract for stacks of matrices: inputs of shape (..., M, N).

numpy's linalg functions work on the last two axes and loop over all the others (the
"generalized ufunc" signature of numpy.linalg, e.g. ``(m,m),(m,n)->(m,n)`` for solve): a
batch of covariance matrices, a million 3x3 rotations, per-pixel 4x4 systems. The public
functions of this module take numpy's arguments, send a 2-D input to the one-matrix
function of its own module (``_lu.solve`` ... ; that returns a Matrix or Vector as
always), and run a stack here:

1. the leading axes are broadcast (numpy's rules) and the stack is copied once into a
   private C-contiguous array of shape (batch, M, N) in the result dtype (float32 when
   every input is float32, as numpy; the kernels are written once for both);
2. one nogil loop runs the same kernels as the 2-D path (``getrf``/``getrs``/``potrf`` of
   _lu.pyx/_cholesky.pyx, cimported through their .pxd) on each matrix: over the batch on
   all threads when the matrices are small (each kernel then runs on one thread), one
   matrix after the other when they are large (the kernel's GEMMs use the threads);
3. the results come back as numpy arrays of the input's dtype (float32 stays float32),
   shape (..., ...) as numpy's.

Orders 1..8 of solve / inv / det / slogdet / cholesky take a third way (part D): the
batch-interleaved SIMD kernels of csrc/rm_batch_small.h factor W matrices at once, one
per vector lane, reading the stack where it lies and writing the results directly (see
``_batch_input`` and the kernels' header), 5-20x numpy's stacked calls at 4 x 4.

Orders 9..128 of solve / inv / det / slogdet take the same layout with a blocked LU
(issue 14, csrc/rm_stack_lu.h: dgetrf's panels and rank-4 trailing updates on W matrices
at once, [A | B] eliminated together): 2-2.4x numpy's stacked calls at 1000 x 64 x 64
float64 (one thread), where the per-matrix loop below was 0.95x. cholesky of these
orders runs dpotrf's blocked right-looking form in the same layout (rm_stack_potrf):
1.7x numpy at 1000 x 64 x 64 float64, where the per-matrix loop was 0.7x.

Per matrix this costs a few hundred nanoseconds of driver, against numpy's per-matrix
LAPACK call with its copies in and out (numpy/linalg/umath_linalg.cpp), which is why a
stack of small matrices is where this pays off.

Empty stacks and 0 x 0 matrices behave as numpy's: ``inv`` of (k, 0, 0) is (k, 0, 0),
``det`` of a 0 x 0 matrix is 1.0, ``slogdet`` (1.0, 0.0).

References
----------
[LAPACK] Anderson et al., LAPACK Users' Guide, 3rd ed., SIAM 1999 (dgetrf, dgetrs,
         dpotrf; dgesv with B = I for the inverse, as numpy's inv does).
[NEP-gufunc] numpy's generalized universal functions: the core-dimension signatures and
         the broadcasting of the loop dimensions used here.
"""
from collections import namedtuple

import numpy as np
cimport numpy as cnp
from cython.parallel cimport prange

from libc.stdlib cimport malloc, free

from rusty_machine.linalg._floating cimport floating
from rusty_machine.linalg.blas cimport batch_threads as _threads_for
from rusty_machine.linalg._lu cimport getrf, getrs, diag_product
from rusty_machine.linalg._cholesky cimport potrf
from rusty_machine.linalg.matrix import Matrix, Vector
from rusty_machine.exceptions import LinAlgError

cnp.import_array()

# numpy's named results (numpy.linalg's SlogdetResult ...), with the same field names
SlogdetResult = namedtuple("SlogdetResult", ["sign", "logabsdet"])

# Matrices up to order 64 (SMALL in the comments below) are spread over the threads one
# per thread (each matrix on one core), when the stack holds enough work; larger ones run
# one at a time with the threads inside the kernel: blas.batch_threads, cimported here as
# _threads_for (_svd.pyx's stacks follow the same rule).
# getrf's panel width (_lu.pyx's NB_GETRF): a matrix wider than this gets a panel buffer
cdef Py_ssize_t PANEL_NB = 128


# =================================================================================
# Input checks and the batch layout
# =================================================================================

def _out_dtype(*arrays):
    """numpy.linalg's result dtype: float32 when every input is float32, else float64
    (integers and bools compute in float64, as numpy's linalg does)."""
    for a in arrays:
        if a.dtype.type is not np.float32:          # (either byte order)
            return np.dtype(np.float64)
    return np.dtype(np.float32)


def _as_real_array(a, str func):
    """a as a numpy array of a real dtype numpy.linalg computes in; TypeError otherwise."""
    arr = np.asarray(a)
    kind = arr.dtype.kind
    if kind == "c":
        raise TypeError("%s: complex input is not supported (rusty_machine is real-valued)"
                        % func)
    if kind not in "biuf":
        raise TypeError("%s: expected real numeric data, got dtype %s" % (func, arr.dtype))
    if kind == "f" and arr.dtype.type not in (np.float32, np.float64):
        raise TypeError("%s: %s input is not supported (float32 or float64)"
                        % (func, arr.dtype))
    return arr


def _is_stack(x):
    """True for an input of more than 2 dimensions (a Matrix or Vector never is)."""
    if isinstance(x, (Matrix, Vector)):
        return False
    return np.ndim(x) > 2


def _check_stack(arr, str func, bint square=True):
    """numpy's LinAlgError for fewer than 2 dimensions or non-square last axes."""
    if arr.ndim < 2:
        raise LinAlgError("%s: %d-dimensional array given; the array must be at least "
                          "two-dimensional" % (func, arr.ndim))
    if square and arr.shape[-1] != arr.shape[-2]:
        raise LinAlgError("%s: the last 2 dimensions of the array must be square, got "
                          "shape %s" % (func, arr.shape))


def _batch_copy(arr, tuple batch_shape, str func, dtype):
    """A private C-contiguous float64 copy of arr broadcast to batch_shape + its last two
    axes, as (batch, M, N); ValueError on NaN or infinity (our contract: a finite
    answer or an exception, never a silent NaN)."""
    full = batch_shape + arr.shape[-2:]
    out = np.empty(full, dtype=dtype)
    out[...] = arr                                  # broadcast + convert, one copy
    cdef Py_ssize_t batch = 1
    for d in batch_shape:
        batch *= d
    out = out.reshape((batch,) + tuple(arr.shape[-2:]))
    if not np.isfinite(out).all():                  # (numpy's SIMD pass: 4x our all_finite)
        raise ValueError("%s: the input contains NaN or infinity" % func)
    return out


# =================================================================================
# Batch kernels (nogil loops over the per-matrix kernels of _lu / _cholesky)
# =================================================================================

cdef void* _panel(Py_ssize_t n, int nt, size_t itemsize) noexcept nogil:
    """getrf's panel buffer for matrices that run one at a time (NULL: in place)."""
    if nt > 1 or n <= PANEL_NB:
        return NULL
    return malloc(n * PANEL_NB * itemsize)


cdef void _lu_solve_batch(Py_ssize_t batch, Py_ssize_t n, Py_ssize_t k,
                          floating* A, floating* B, Py_ssize_t* ipiv,
                          Py_ssize_t* info) noexcept nogil:
    """For each i: A_i <- its LU factors, B_i <- inv(A_i) B_i (LAPACK dgesv);
    info[i] is getrf's: 0, or 1 + the first zero pivot (B_i then left unsolved)."""
    cdef Py_ssize_t i
    cdef int nt = _threads_for(batch, n)
    cdef floating* panel = <floating*>_panel(n, nt, sizeof(floating))
    for i in prange(batch, num_threads=nt, schedule="static"):
        info[i] = getrf(n, n, A + i * n * n, n, ipiv + i * n, panel)
        if info[i] == 0:
            getrs(False, n, k, A + i * n * n, n, ipiv + i * n, B + i * n * k, k)
    free(panel)


cdef void _det_batch(Py_ssize_t batch, Py_ssize_t n, floating* A, Py_ssize_t* ipiv,
                     double* mant, int* expo) noexcept nogil:
    """det(A_i) = mant[i] * 2**expo[i] by LU; mant[i] = 0 for a singular A_i."""
    cdef Py_ssize_t i
    cdef int nt = _threads_for(batch, n)
    cdef floating* panel = <floating*>_panel(n, nt, sizeof(floating))
    for i in prange(batch, num_threads=nt, schedule="static"):
        if getrf(n, n, A + i * n * n, n, ipiv + i * n, panel) == 0:
            mant[i] = diag_product(n, A + i * n * n, n, ipiv + i * n, expo + i)
        else:
            mant[i] = 0.0
            expo[i] = 0
    free(panel)


cdef void _cholesky_batch(Py_ssize_t batch, Py_ssize_t n, floating* A,
                          Py_ssize_t* info) noexcept nogil:
    """A_i <- L_i (lower triangle, exact zeros above); info[i] is potrf's."""
    cdef Py_ssize_t i
    cdef int nt = _threads_for(batch, n)
    for i in prange(batch, num_threads=nt, schedule="static"):
        info[i] = potrf(n, A + i * n * n, n)
        _zero_upper(n, A + i * n * n)


cdef void _zero_upper(Py_ssize_t n, floating* a) noexcept nogil:
    cdef Py_ssize_t r, c
    for r in range(n):
        for c in range(r + 1, n):
            a[r * n + c] = 0.0


# ---- part D (issue 14): batch-interleaved kernels for orders up to RM_BNMAX (8) ---------
# csrc/rm_batch_small.h factors W matrices at once, one per SIMD lane (the compact
# layout of Kim et al., SC17; W = 8 doubles / 16 floats with AVX-512), reading the
# input stack where it lies (no private copy when it already is a C-contiguous stack of
# the result dtype), checking NaN / infinity as it loads, writing the results straight
# into the output arrays (exact zeros of Cholesky's other triangle included), one pass.
from rusty_machine.linalg._csrc cimport (
    rm_batch_lanes, rm_dbatch_lu, rm_sbatch_lu, rm_dbatch_potrf, rm_sbatch_potrf,
    rm_vec_isa_name, rm_vec_set_isa, RM_BLU_SOLVE, RM_BLU_INV, RM_BLU_DET,
    RM_BINFO_NONFINITE, RM_BINFO_RANGE, RM_BNMAX, RM_BKMAX)


def _batch_kernel(name=None):
    """Test hook: (ISA name, float64 lanes, float32 lanes) of the batch kernels in use by
    this module, after switching to ISA `name` ("generic", "avx2", "avx512") if given;
    ValueError when this CPU or build cannot run it."""
    if name is not None:
        if rm_vec_set_isa(name.encode()) != 0:
            raise ValueError("batch kernel %r is not available here" % name)
    return rm_vec_isa_name().decode(), rm_batch_lanes(0), rm_batch_lanes(1)


def _small_ok(Py_ssize_t nb, Py_ssize_t n, Py_ssize_t k=1):
    """True when the interleaved kernels take this stack (else the per-matrix loop)."""
    return nb > 0 and 1 <= n <= RM_BNMAX and 1 <= k <= RM_BKMAX and rm_batch_lanes(0) > 0


def _batch_input(arr, tuple batch_shape, dtype):
    """arr as a C-contiguous (batch, M, N) array of dtype: arr itself, reshaped without a
    copy, when it already is one (read only: the kernels never write their input), else
    one broadcasting and converting copy. Not checked for NaN here: the kernels do it."""
    full = batch_shape + arr.shape[-2:]
    cdef Py_ssize_t nb = 1
    for d in batch_shape:
        nb *= d
    if arr.shape != full or arr.dtype != dtype or not arr.flags.c_contiguous:
        out = np.empty(full, dtype=dtype)
        out[...] = arr                              # broadcast + convert, one copy
        arr = out
    return arr.reshape((nb,) + tuple(arr.shape[-2:]))


cdef int _lu_small_batch(Py_ssize_t batch, Py_ssize_t n, Py_ssize_t k, int mode,
                         const floating* A,     # IN  batch x n x n
                         const floating* B,     # IN  batch x n x k (solve), else unused
                         floating* X,           # OUT batch x n x k / n x n (solve / inv)
                         double* det,           # OUT batch (det mode)
                         int* info) noexcept nogil:   # OUT batch
    """rm_<d|s>batch_lu over the stack, in chunks over the threads when the stack is
    big enough (blas.batch_threads); the number of matrices with info != 0."""
    cdef int nt = _threads_for(batch, n)
    cdef Py_ssize_t kb = n if mode == RM_BLU_INV else k
    cdef Py_ssize_t c, i0, cnt, chunk, nchunks = 4 * nt
    cdef int nbad = 0
    if nt <= 1:
        nchunks = 1
    chunk = (batch + nchunks - 1) // nchunks
    chunk = (chunk + 15) // 16 * 16                  # whole blocks of W <= 16 lanes
    for c in prange(nchunks, num_threads=nt, schedule="static"):
        i0 = c * chunk
        if i0 < batch:
            cnt = chunk if batch - i0 > chunk else batch - i0
            if floating is float:
                nbad += rm_sbatch_lu(cnt, n, k, mode, A + i0 * n * n,
                                     (B + i0 * n * k) if mode == RM_BLU_SOLVE else B,
                                     (X + i0 * n * kb) if mode != RM_BLU_DET else X,
                                     (det + i0) if mode == RM_BLU_DET else det, info + i0)
            else:
                nbad += rm_dbatch_lu(cnt, n, k, mode, A + i0 * n * n,
                                     (B + i0 * n * k) if mode == RM_BLU_SOLVE else B,
                                     (X + i0 * n * kb) if mode != RM_BLU_DET else X,
                                     (det + i0) if mode == RM_BLU_DET else det, info + i0)
    return nbad


cdef int _potrf_small_batch(Py_ssize_t batch, Py_ssize_t n, int upper,
                            const floating* A,      # IN  batch x n x n
                            floating* L,            # OUT batch x n x n
                            int* info) noexcept nogil:   # OUT batch
    """rm_<d|s>batch_potrf over the stack, chunked over the threads as above."""
    cdef int nt = _threads_for(batch, n)
    cdef Py_ssize_t c, i0, cnt, chunk, nchunks = 4 * nt
    cdef int nbad = 0
    if nt <= 1:
        nchunks = 1
    chunk = (batch + nchunks - 1) // nchunks
    chunk = (chunk + 15) // 16 * 16
    for c in prange(nchunks, num_threads=nt, schedule="static"):
        i0 = c * chunk
        if i0 < batch:
            cnt = chunk if batch - i0 > chunk else batch - i0
            if floating is float:
                nbad += rm_sbatch_potrf(cnt, n, upper, A + i0 * n * n, L + i0 * n * n,
                                        info + i0)
            else:
                nbad += rm_dbatch_potrf(cnt, n, upper, A + i0 * n * n, L + i0 * n * n,
                                        info + i0)
    return nbad


def _lu_small(const floating[:, :, ::1] Am, const floating[:, :, ::1] Bm,
              floating[:, :, ::1] Xm, double[::1] det, int[::1] info, int mode):
    """The interleaved LU of every matrix of Am (batch >= 1, order 1..RM_BNMAX): solve
    (Xm = inv(A) Bm), inv (Xm = inv(A); Bm unused) or det (det; Bm, Xm unused);
    returns the number of nonzero info entries."""
    cdef Py_ssize_t nb = Am.shape[0], n = Am.shape[1], k = Bm.shape[2]
    cdef int nbad
    with nogil:
        nbad = _lu_small_batch(nb, n, k, mode, &Am[0, 0, 0], &Bm[0, 0, 0], &Xm[0, 0, 0],
                               &det[0], &info[0])
    return nbad


def _potrf_small(const floating[:, :, ::1] Am, floating[:, :, ::1] Lm, int[::1] info,
                 bint upper):
    cdef int nbad
    with nogil:
        nbad = _potrf_small_batch(Am.shape[0], Am.shape[1], upper, &Am[0, 0, 0],
                                  &Lm[0, 0, 0], &info[0])
    return nbad


# ---- issue 14: orders RM_BNMAX+1 .. STACK_LU_MAX, W matrices at a time ---------------
# csrc/rm_stack_lu.h: the same compact layout as part D (one matrix per lane), carrying a
# blocked right-looking LU (dgetrf's panels and rank-NB trailing updates) with [A | B]
# eliminated together; it reads the stack where it lies and checks NaN / infinity as it
# loads (no private copy, no separate isfinite pass), with part D's info codes.
cdef extern from "rm_stack_lu.h" nogil:
    int rm_stack_lu_lanes(int is_float)
    int rm_dstack_lu(Py_ssize_t batch, Py_ssize_t n, Py_ssize_t k, int mode,
                     const double* A, const double* B, double* X, double* mant,
                     int* expo, int* info)
    int rm_sstack_lu(Py_ssize_t batch, Py_ssize_t n, Py_ssize_t k, int mode,
                     const float* A, const float* B, float* X, double* mant,
                     int* expo, int* info)
    int rm_dstack_potrf(Py_ssize_t batch, Py_ssize_t n, int upper, const double* A,
                        double* L, int* info)
    int rm_sstack_potrf(Py_ssize_t batch, Py_ssize_t n, int upper, const float* A,
                        float* L, int* info)

# The largest order taken by rm_stack_lu. Measured (AVX2, one thread, 1000 matrices,
# float64, rm_stack_lu against the per-matrix getrf loop): n = 16: solve 0.54 / 1.70 ms,
# n = 64: 15 / 35 ms, n = 128: solve 71 / 148 ms, inv 310 / 334 ms. Beyond, a block's
# workspace (W x n x (2n + 1) vectors for inv: 1 MB at n = 128 with AVX2) outgrows L2.
cdef Py_ssize_t STACK_LU_MAX = 128


def _stack_lu_ok(Py_ssize_t nb, Py_ssize_t n, Py_ssize_t k=0):
    """True when rm_stack_lu takes this stack: orders RM_BNMAX < n <= STACK_LU_MAX,
    at most n right-hand sides, at least one block of W matrices."""
    cdef int lanes = rm_stack_lu_lanes(0)
    return (lanes > 0 and RM_BNMAX < n <= STACK_LU_MAX and k <= n and nb >= lanes)


cdef int _stack_lu_batch(Py_ssize_t batch, Py_ssize_t n, Py_ssize_t k, int mode,
                         const floating* A,   # IN  batch x n x n
                         const floating* B,   # IN  batch x n x k (solve), else unused
                         floating* X,         # OUT batch x n x kb (solve, inv)
                         double* mant,        # OUT batch (det)
                         int* expo,           # OUT batch (det)
                         int* info) noexcept nogil:   # OUT batch
    """rm_<d|s>stack_lu over the stack, in chunks over the threads (whole blocks of
    lanes); the number of matrices with info != 0, or -1 when a workspace could not be
    allocated."""
    cdef int nt = _threads_for(batch, n)
    cdef Py_ssize_t kb = n if mode == RM_BLU_INV else k
    cdef Py_ssize_t c, i0, cnt, chunk, nchunks = nt
    cdef int nbad = 0, r, failed = 0
    chunk = (batch + nchunks - 1) // nchunks
    chunk = (chunk + 15) // 16 * 16                  # whole blocks of W <= 16 lanes
    for c in prange(nchunks, num_threads=nt, schedule="static"):
        i0 = c * chunk
        if i0 < batch:
            cnt = chunk if batch - i0 > chunk else batch - i0
            if floating is float:
                r = rm_sstack_lu(cnt, n, k, mode, A + i0 * n * n,
                                 (B + i0 * n * k) if mode == RM_BLU_SOLVE else B,
                                 (X + i0 * n * kb) if mode != RM_BLU_DET else X,
                                 (mant + i0) if mode == RM_BLU_DET else mant,
                                 (expo + i0) if mode == RM_BLU_DET else expo, info + i0)
            else:
                r = rm_dstack_lu(cnt, n, k, mode, A + i0 * n * n,
                                 (B + i0 * n * k) if mode == RM_BLU_SOLVE else B,
                                 (X + i0 * n * kb) if mode != RM_BLU_DET else X,
                                 (mant + i0) if mode == RM_BLU_DET else mant,
                                 (expo + i0) if mode == RM_BLU_DET else expo, info + i0)
            if r < 0:
                failed += 1
            else:
                nbad += r
    return -1 if failed else nbad


cdef int _stack_potrf_batch(Py_ssize_t batch, Py_ssize_t n, int upper,
                            const floating* A,   # IN  batch x n x n
                            floating* L,         # OUT batch x n x n
                            int* info) noexcept nogil:   # OUT batch
    """rm_<d|s>stack_potrf over the stack, chunked over the threads as _stack_lu_batch."""
    cdef int nt = _threads_for(batch, n)
    cdef Py_ssize_t c, i0, cnt, chunk = (batch + nt - 1) // nt
    cdef int nbad = 0, r, failed = 0
    chunk = (chunk + 15) // 16 * 16                  # whole blocks of W <= 16 lanes
    for c in prange(nt, num_threads=nt, schedule="static"):
        i0 = c * chunk
        if i0 < batch:
            cnt = chunk if batch - i0 > chunk else batch - i0
            if floating is float:
                r = rm_sstack_potrf(cnt, n, upper, A + i0 * n * n, L + i0 * n * n, info + i0)
            else:
                r = rm_dstack_potrf(cnt, n, upper, A + i0 * n * n, L + i0 * n * n, info + i0)
            if r < 0:
                failed += 1
            else:
                nbad += r
    return -1 if failed else nbad


def _stack_potrf(const floating[:, :, ::1] Am, floating[:, :, ::1] Lm, int[::1] info,
                 bint upper):
    """rm_stack_potrf on every matrix of Am (see _stack_lu_ok); the number of nonzero
    info entries."""
    cdef int nbad
    with nogil:
        nbad = _stack_potrf_batch(Am.shape[0], Am.shape[1], upper, &Am[0, 0, 0],
                                  &Lm[0, 0, 0], &info[0])
    if nbad < 0:
        raise MemoryError("cannot allocate the stacked Cholesky's workspace")
    return nbad


def _stack_lu(const floating[:, :, ::1] Am, const floating[:, :, ::1] Bm,
              floating[:, :, ::1] Xm, double[::1] mant, int[::1] expo, int[::1] info,
              int mode):
    """rm_stack_lu on every matrix of Am (see _stack_lu_ok): solve (Xm = inv(A) Bm),
    inv (Xm = inv(A); Bm unused) or det (mant, expo; Bm, Xm unused); returns the number
    of nonzero info entries."""
    cdef Py_ssize_t nb = Am.shape[0], n = Am.shape[1], k = Bm.shape[2]
    cdef int nbad
    with nogil:
        nbad = _stack_lu_batch(nb, n, k, mode, &Am[0, 0, 0], &Bm[0, 0, 0], &Xm[0, 0, 0],
                               &mant[0], &expo[0], &info[0])
    if nbad < 0:
        raise MemoryError("cannot allocate the stacked LU's workspace")
    return nbad


def _small_failures(info, str func, str what):
    """Raise for the info of an interleaved kernel, in the order of the per-matrix path:
    NaN / infinity anywhere first, then the first failing matrix (what), then an
    overflowed result."""
    if (info == RM_BINFO_NONFINITE).any():
        raise ValueError("%s: the input contains NaN or infinity" % func)
    bad = np.flatnonzero(info > 0)
    if bad.size:
        raise LinAlgError(what % int(bad[0]))
    if (info == RM_BINFO_RANGE).any():
        raise LinAlgError("%s: the result overflowed (entries near the largest double); "
                          "rescale the input" % func)


def _first_failure(info):
    """Index of the first matrix whose kernel failed, or -1."""
    bad = np.flatnonzero(info)
    return int(bad[0]) if bad.size else -1


# =================================================================================
# Public functions
# =================================================================================

def _dtype_2d(a):
    """The result dtype of a one-matrix input (already checked by the 2-D function)."""
    dt = getattr(a, "dtype", None)
    if dt is not None and np.dtype(dt).type is np.float32:
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def _scalar(value, dtype):
    """A numpy scalar of dtype (numpy.linalg returns numpy scalars, not Python floats)."""
    return dtype.type(value)


def solve(a, b):
    """Solve ``a @ x = b`` for x, as numpy.linalg.solve: stacks of systems included.

    Parameters
    ----------
    a : array-like of shape (..., M, M)
    b : array-like of shape (M,) or (..., M, K)
        As numpy 2: a 1-D ``b`` is one vector for every matrix of the stack; otherwise
        the leading axes of ``a`` and ``b`` broadcast against each other.

    Returns
    -------
    x : Vector / Matrix for a 2-D ``a`` with a 1-D / 2-D ``b`` (the one-matrix solver),
        else an ndarray of shape (..., M) or (..., M, K), in numpy's result dtype.

    Raises
    ------
    LinAlgError
        ``a`` has fewer than 2 dimensions or is not square, or a matrix of the stack is
        exactly singular ("Singular matrix").
    ValueError
        ``b`` does not match ``a``, or NaN / infinity in the input.
    """
    if not (_is_stack(a) or _is_stack(b)):
        from rusty_machine.linalg._lu import solve as solve_2d
        return solve_2d(a, b)
    A = _as_real_array(a, "solve")
    B = _as_real_array(b, "solve")
    _check_stack(A, "solve")
    dtype = _out_dtype(A, B)
    n = A.shape[-1]
    vector = B.ndim == 1
    if vector:
        if B.shape[0] != n:
            raise ValueError("solve: a has shape %s but b has shape %s" % (A.shape, B.shape))
        B = B[:, None]                                  # (M, 1): one column for all
    elif B.shape[-2] != n:
        raise ValueError("solve: a has shape %s but b has shape %s (b's rows must be %d)"
                         % (A.shape, B.shape, n))
    try:
        batch_shape = np.broadcast_shapes(A.shape[:-2], B.shape[:-2])
    except ValueError:
        raise ValueError("solve: the stack shapes %s of a and %s of b do not broadcast"
                         % (A.shape[:-2], B.shape[:-2])) from None
    k = B.shape[-1]
    nb = int(np.prod(batch_shape, dtype=np.intp))
    if _small_ok(nb, n, k):
        # part D: the interleaved kernel reads the stacks where they lie, writes x
        Aw = _batch_input(A, batch_shape, dtype)
        Bw = _batch_input(B, batch_shape, dtype)
        X = np.empty((nb, n, k), dtype=dtype)
        info = np.empty(nb, dtype=np.intc)
        if _lu_small(Aw, Bw, X, np.empty(1), info, RM_BLU_SOLVE):
            _small_failures(info, "solve", "solve: Singular matrix (matrix %d of the "
                            "stack is exactly singular)")
        out = X.reshape(batch_shape + (n, k))
        return _wrap_like(b, out[..., 0] if vector else out)
    if _stack_lu_ok(nb, n, k):
        Aw = _batch_input(A, batch_shape, dtype)
        Bw = _batch_input(B, batch_shape, dtype)
        X = np.empty((nb, n, k), dtype=dtype)
        info = np.empty(nb, dtype=np.intc)
        if _stack_lu(Aw, Bw, X, np.empty(1), np.empty(1, dtype=np.intc), info,
                     RM_BLU_SOLVE):
            _small_failures(info, "solve", "solve: Singular matrix (matrix %d of the "
                            "stack is exactly singular)")
        out = X.reshape(batch_shape + (n, k))
        return _wrap_like(b, out[..., 0] if vector else out)
    Aw = _batch_copy(A, batch_shape, "solve", dtype)
    Bw = _batch_copy(B, batch_shape, "solve", dtype)
    bad = _lu_solve(Aw, Bw)
    if bad >= 0:
        raise LinAlgError("solve: Singular matrix (matrix %d of the stack is exactly "
                          "singular)" % bad)
    out = Bw.reshape(batch_shape + (n, k))
    if vector:
        out = out[..., 0]
    return _wrap_like(b, _finite_result(out, "solve").astype(dtype, copy=False))


def _lu_solve(floating[:, :, ::1] Am, floating[:, :, ::1] Bm):
    """Bm[i] <- inv(Am[i]) Bm[i] over the (batch, n, n) and (batch, n, k) work arrays
    (one dtype); the index of the first singular matrix, or -1."""
    cdef Py_ssize_t nb = Am.shape[0], n = Am.shape[1], k = Bm.shape[2]
    if nb == 0 or n == 0 or k == 0:
        return -1
    info = np.zeros(nb, dtype=np.intp)
    cdef Py_ssize_t[::1] piv = np.empty(nb * n, dtype=np.intp)
    cdef Py_ssize_t[::1] inf = info
    with nogil:
        _lu_solve_batch(nb, n, k, &Am[0, 0, 0], &Bm[0, 0, 0], &piv[0], &inf[0])
    return _first_failure(info)


def _finite_result(out, str func):
    if not np.isfinite(out).all():
        raise LinAlgError("%s: the result overflowed (entries near the largest double); "
                          "rescale the input" % func)
    return out


def inv(a):
    """Inverse of a square matrix or of each matrix of a stack (numpy.linalg.inv).

    A stack is solved as numpy does, ``solve(A_i, I)`` (LU, dgesv with B = I).

    Returns
    -------
    Matrix for a 2-D input (the one-matrix ``inv``), else an ndarray (..., M, M).

    Raises
    ------
    LinAlgError
        Fewer than 2 dimensions, not square, or exactly singular.
    ValueError
        NaN or infinity in the input.
    """
    if not _is_stack(a):
        from rusty_machine.linalg._lu import inv as inv_2d
        return inv_2d(a)
    A = _as_real_array(a, "inv")
    _check_stack(A, "inv")
    dtype = _out_dtype(A)
    n = A.shape[-1]
    batch_shape = A.shape[:-2]
    nb = int(np.prod(batch_shape, dtype=np.intp))
    if _small_ok(nb, n):
        # part D: the interleaved kernel, B = I built in its registers
        Aw = _batch_input(A, batch_shape, dtype)
        X = np.empty((nb, n, n), dtype=dtype)
        info = np.empty(nb, dtype=np.intc)
        if _lu_small(Aw, Aw, X, np.empty(1), info, RM_BLU_INV):
            _small_failures(info, "inv", "inv: Singular matrix (matrix %d of the stack "
                            "is exactly singular)")
        return _wrap_like(a, X.reshape(A.shape))
    if _stack_lu_ok(nb, n, n):
        Aw = _batch_input(A, batch_shape, dtype)
        X = np.empty((nb, n, n), dtype=dtype)
        info = np.empty(nb, dtype=np.intc)
        if _stack_lu(Aw, Aw, X, np.empty(1), np.empty(1, dtype=np.intc), info,
                     RM_BLU_INV):
            _small_failures(info, "inv", "inv: Singular matrix (matrix %d of the stack "
                            "is exactly singular)")
        return _wrap_like(a, X.reshape(A.shape))
    Aw = _batch_copy(A, batch_shape, "inv", dtype)
    nb = Aw.shape[0]
    Bw = np.zeros((nb, n, n), dtype=dtype)
    Bw.reshape(nb, n * n)[:, ::n + 1] = 1.0         # identity in every slot
    bad = _lu_solve(Aw, Bw)
    if bad >= 0:
        raise LinAlgError("inv: Singular matrix (matrix %d of the stack is exactly "
                          "singular)" % bad)
    return _wrap_like(a, _finite_result(Bw.reshape(A.shape), "inv").astype(dtype, copy=False))


def _det_all(floating[:, :, ::1] Am, double[::1] mant, int[::1] expo):
    cdef Py_ssize_t nb = Am.shape[0], n = Am.shape[1]
    cdef Py_ssize_t[::1] piv = np.empty(nb * n, dtype=np.intp)
    with nogil:
        _det_batch(nb, n, &Am[0, 0, 0], &piv[0], &mant[0], &expo[0])


def _cholesky_all(floating[:, :, ::1] Am, Py_ssize_t[::1] info):
    with nogil:
        _cholesky_batch(Am.shape[0], Am.shape[1], &Am[0, 0, 0], &info[0])


def _det_parts(A, str func):
    """(mantissa, exponent) arrays of det over the stack A (..., n, n); exponent None
    when every det is the mantissa itself."""
    batch_shape = A.shape[:A.ndim - 2]
    dtype = _out_dtype(A)
    cdef Py_ssize_t nb = 1, n = A.shape[A.ndim - 1]
    for d in batch_shape:
        nb *= d
    if _small_ok(nb, n):
        # part D: the interleaved kernel's pivot products; a matrix whose product left
        # the normal range on the way (RM_BINFO_RANGE) is redone by the scalar path
        Aw = _batch_input(A, batch_shape, dtype)
        mant = np.empty(nb)
        info = np.empty(nb, dtype=np.intc)
        expo = None
        if _lu_small(Aw, Aw, np.empty((1, 1, 1), dtype=dtype), mant, info, RM_BLU_DET):
            if (info == RM_BINFO_NONFINITE).any():
                raise ValueError("%s: the input contains NaN or infinity" % func)
            redo = np.flatnonzero(info == RM_BINFO_RANGE)
            Ar = np.ascontiguousarray(Aw[redo])
            m_r = np.ones(redo.size)
            expo = np.zeros(nb, dtype=np.intc)
            e_r = np.zeros(redo.size, dtype=np.intc)
            _det_all(Ar, m_r, e_r)
            mant[redo] = m_r
            expo[redo] = e_r
            expo = expo.reshape(batch_shape)
        return mant.reshape(batch_shape), expo
    mant = np.ones(nb)
    expo = np.zeros(nb, dtype=np.intc)
    if _stack_lu_ok(nb, n):
        Aw = _batch_input(A, batch_shape, dtype)
        info = np.empty(nb, dtype=np.intc)
        if _stack_lu(Aw, Aw, np.empty((1, 1, 1), dtype=dtype), mant, expo, info,
                     RM_BLU_DET):
            raise ValueError("%s: the input contains NaN or infinity" % func)
        return mant.reshape(batch_shape), expo.reshape(batch_shape)
    Aw = _batch_copy(A, batch_shape, func, dtype)
    if nb and n:
        _det_all(Aw, mant, expo)
    return mant.reshape(batch_shape), expo.reshape(batch_shape)


def det(a):
    """Determinant of a square matrix or of each matrix of a stack (numpy.linalg.det).

    Returns
    -------
    A numpy scalar of the input's dtype for a 2-D input, else an ndarray of shape
    (...). 0.0 for an exactly singular matrix, 1.0 for a 0 x 0 one (as numpy).
    """
    if not _is_stack(a):
        from rusty_machine.linalg._lu import det as det_2d
        return _scalar(det_2d(a), _dtype_2d(a))
    A = _as_real_array(a, "det")
    _check_stack(A, "det")
    dtype = _out_dtype(A)
    mant, expo = _det_parts(A, "det")
    if expo is None:
        return mant.astype(dtype, copy=False)
    with np.errstate(over="ignore"):
        return np.ldexp(mant, expo).astype(dtype, copy=False)


def slogdet(a):
    """Sign and natural log of |det| of a matrix or a stack (numpy.linalg.slogdet).

    Returns
    -------
    SlogdetResult(sign, logabsdet)
        numpy scalars of the input's dtype for a 2-D input, else arrays of shape (...);
        (0.0, -inf) for an exactly singular matrix, (1.0, 0.0) for a 0 x 0 one.
    """
    if not _is_stack(a):
        from rusty_machine.linalg._lu import slogdet as slogdet_2d
        sign, logdet = slogdet_2d(a)
        dtype = _dtype_2d(a)
        return SlogdetResult(_scalar(sign, dtype), _scalar(logdet, dtype))
    A = _as_real_array(a, "slogdet")
    _check_stack(A, "slogdet")
    dtype = _out_dtype(A)
    mant, expo = _det_parts(A, "slogdet")
    sign = np.sign(mant)
    with np.errstate(divide="ignore"):
        if expo is None:
            logdet = np.log(np.abs(mant))           # log(0) = -inf: numpy's singular
        else:
            logdet = np.where(mant == 0, -np.inf,
                              np.log(np.abs(mant)) + expo * np.log(2.0))
    return SlogdetResult(sign.astype(dtype, copy=False), logdet.astype(dtype, copy=False))


def cholesky(a, lower=True, *, upper=None):
    """Cholesky factor of a symmetric positive definite matrix or of each matrix of a
    stack (numpy.linalg.cholesky).

    Parameters
    ----------
    a : array-like of shape (..., M, M)
        Only the triangle that is factored is read (the lower one for L, the upper one
        for U), as LAPACK and numpy do.
    lower : bool, default True
        rusty_machine's spelling: the lower factor L (``a = L @ L.T``), else U = L.T.
    upper : bool, optional (keyword only)
        numpy's spelling: ``upper=True`` is ``lower=False``; wins over ``lower``.

    Returns
    -------
    Matrix for a 2-D input (the one-matrix ``cholesky``), else an ndarray (..., M, M)
    with exact zeros in the other triangle.

    Raises
    ------
    LinAlgError
        Fewer than 2 dimensions, not square, or a matrix not positive definite.
    ValueError
        NaN or infinity in the input.
    """
    if upper is not None:
        lower = not upper
    if not _is_stack(a):
        from rusty_machine.linalg._cholesky import cholesky as cholesky_2d
        return cholesky_2d(a, lower=lower)
    A = _as_real_array(a, "cholesky")
    _check_stack(A, "cholesky")
    dtype = _out_dtype(A)
    cdef Py_ssize_t n = A.shape[A.ndim - 1]
    cdef Py_ssize_t nb = 1
    for d in A.shape[:-2]:
        nb *= d
    small = _small_ok(nb, n)
    if small or _stack_lu_ok(nb, n):
        # part D (orders <= 8) or rm_stack_potrf (the blocked dpotrf, W matrices at a
        # time): the interleaved kernel reads the triangle (lower, or upper for U)
        # where it lies and writes the factor with its exact zeros
        Aw = _batch_input(A, A.shape[:-2], dtype)
        L = np.empty((nb, n, n), dtype=dtype)
        info = np.empty(nb, dtype=np.intc)
        if (_potrf_small(Aw, L, info, not lower) if small
                else _stack_potrf(Aw, L, info, not lower)):
            _small_failures(info, "cholesky", "cholesky: Matrix is not positive definite "
                            "(matrix %d of the stack)")
        return L.reshape(A.shape)
    # the upper factor of A is the transpose of the lower factor of A^T (its upper
    # triangle read as a lower one)
    src = A if lower else np.swapaxes(A, -1, -2)
    Aw = _batch_copy(src, A.shape[:-2], "cholesky", dtype)
    info = np.zeros(max(Aw.shape[0], 1), dtype=np.intp)
    if Aw.shape[0] and n:
        _cholesky_all(Aw, info)
    bad = _first_failure(info)
    if bad >= 0:
        raise LinAlgError("cholesky: Matrix is not positive definite (matrix %d of the "
                          "stack)" % bad)
    out = Aw.reshape(A.shape)
    if not lower:
        out = np.ascontiguousarray(np.swapaxes(out, -1, -2))
    return out.astype(dtype, copy=False)


# =================================================================================
# ---- stacked qr (issue 14) ----
# numpy.linalg.qr over (..., M, N): geqrf then orgqr of _qr.pyx (LAPACK dgeqrf/dorgqr,
# GVL4 Alg. 5.2.2 and Sec. 5.1.6; see _qr.pyx's module docstring) on each matrix of
# the stack, in one nogil loop.
# =================================================================================
from rusty_machine.linalg._qr cimport geqrf, geqr2, orgqr, work_size, qr_block_size
from cython.parallel cimport threadid

# Up to this order a matrix of the stack is factored by the unblocked geqr2 (dgeqr2), as
# LAPACK's dgeqrf does below its crossover NX (128): the recursive panel and the block
# reflections' V/T/GEMMs cost more than they save on a small matrix. Measured (CPU time,
# one thread, machine shared and loaded), stacks of float64, mode "r", blocked -> unblocked:
# 2000 x 16x16 8.2 -> 3.4 ms, 1000 x 32x32 17.6 -> 9.2 ms, 200 x 64x64 11.1 -> 8.3 ms,
# 1000 x 60x20 17.1 -> 8.5 ms (numpy: 5.9, 11.9, 9.0, 7.4 ms). Equal to SMALL: the
# matrices that are spread over the threads one per thread.
cdef Py_ssize_t QR_UNBLOCKED = 64


cdef int _qr_batch(Py_ssize_t batch, Py_ssize_t m, Py_ssize_t n, Py_ssize_t mc,
                   floating* A,            # INOUT batch x m x n -> packed R and V
                   floating* tau,          # OUT   batch x k reflector scalars
                   floating* Q             # OUT   batch x m x mc, or NULL: no Q
                   ) noexcept nogil:
    """For each i: A_i = Q_i R_i (geqrf, compact form in A_i and tau_i), then the first
    mc columns of Q_i (orgqr) when Q is given; geqr2 instead of geqrf for matrices up
    to QR_UNBLOCKED. One workspace per thread, allocated once for the whole batch; -1
    when it cannot be allocated, else 0."""
    cdef Py_ssize_t i, k = m if m < n else n
    cdef Py_ssize_t nb = qr_block_size()
    cdef Py_ssize_t lw = work_size(m, n, nb)
    cdef Py_ssize_t lq = work_size(m, mc, nb)
    cdef int nt = _threads_for(batch, m if m > n else n)
    cdef bint unblocked = (m if m > n else n) <= QR_UNBLOCKED
    cdef floating* work
    cdef floating* w
    if Q != NULL and lq > lw:
        lw = lq
    work = <floating*>malloc(nt * lw * sizeof(floating))
    if work == NULL:
        return -1
    for i in prange(batch, num_threads=nt, schedule="static"):
        w = work + threadid() * lw
        if unblocked:
            # geqrf's factors up to rounding, one reflector at a time (GVL4 Alg. 5.2.1)
            geqr2(m, n, A + i * m * n, n, tau + i * k, w)
        else:
            geqrf(m, n, A + i * m * n, n, tau + i * k, w)
        if Q != NULL:
            # Q_i[:, :mc] = H_0 ... H_{k-1} I[:, :mc]
            orgqr(m, mc, k, A + i * m * n, n, tau + i * k, Q + i * m * mc, mc, w)
    free(work)
    return 0


def _qr_all(floating[:, :, ::1] Am, floating[:, ::1] taum, floating[:, :, ::1] Qm,
            bint form_q):
    """Factor every matrix of the (batch, m, n) work array in place (k = min(m, n) > 0
    and batch > 0 here); Qm (batch, m, mc) receives Q when form_q."""
    cdef Py_ssize_t batch = Am.shape[0], m = Am.shape[1], n = Am.shape[2]
    cdef Py_ssize_t mc = Qm.shape[2]
    cdef floating* q = &Qm[0, 0, 0] if form_q else NULL
    cdef int status
    with nogil:
        status = _qr_batch(batch, m, n, mc, &Am[0, 0, 0], &taum[0, 0], q)
    if status != 0:
        raise MemoryError("qr: cannot allocate the QR workspace")


def qr(a, mode="reduced"):
    """QR factorisation of a matrix or of each matrix of a stack (numpy.linalg.qr).

    Parameters
    ----------
    a : array-like of shape (..., M, N)
    mode : {"reduced", "complete", "r", "raw"}
        As numpy: "reduced" Q (..., M, K), R (..., K, N) with K = min(M, N);
        "complete" Q (..., M, M), R (..., M, N); "r" R (..., K, N) only; "raw"
        (h, tau), LAPACK's compact form in Fortran layout: h is the packed array
        with its last two axes swapped, shape (..., N, M) (a view, as numpy's),
        tau (..., K).

    Returns
    -------
    For a 2-D input, _qr.qr's (QRResult of Matrix, R Matrix, or raw ndarrays); for a
    stack, QRResult(Q, R) of ndarrays, R, or (h, tau), in numpy's result dtype
    (float32 for float32 input, float64 for everything else).

    Raises
    ------
    ValueError
        Unknown mode, NaN or infinity in the input.
    LinAlgError
        Fewer than 2 dimensions, or the computation overflowed.
    TypeError
        Complex or non-numeric input.
    """
    from rusty_machine.linalg._qr import check_mode, QRResult
    check_mode(mode)
    if not _is_stack(a):
        from rusty_machine.linalg._qr import qr as qr_2d
        return qr_2d(a, mode)
    A = _as_real_array(a, "qr")
    _check_stack(A, "qr", square=False)
    dtype = _out_dtype(A)
    batch_shape = A.shape[:-2]
    m, n = A.shape[-2:]
    k = min(m, n)
    # columns of Q: m for "complete" (then R has m rows), else k (numpy's mc)
    mc = m if mode == "complete" else k
    form_q = mode in ("reduced", "complete")
    # part D: tiny float32 matrices computed in float64 and rounded once, as the 2-D qr
    # (_qr.pyx's QR_FLOAT64_MAX explains why)
    from rusty_machine.linalg._qr import QR_FLOAT64_MAX
    work_dtype = dtype
    if dtype == np.float32 and m * n <= QR_FLOAT64_MAX:
        work_dtype = np.dtype(np.float64)
    Aw = _batch_copy(A, batch_shape, "qr", work_dtype)
    nb = Aw.shape[0]
    tau = np.zeros((nb, k), dtype=work_dtype)
    Qw = np.empty((nb, m, mc if form_q else 0), dtype=work_dtype)
    if nb and k:
        _qr_all(Aw, tau, Qw if form_q else Aw[:, :, :0], form_q)
        _finite_result(Aw, "qr")
    elif form_q:
        Qw[...] = np.eye(m, mc, dtype=dtype)        # no reflectors: Q = I[:, :mc]
    if mode == "raw":
        # numpy.linalg's transpose: the last two axes swapped (a view)
        return (np.swapaxes(Aw.reshape(batch_shape + (m, n)), -1, -2).astype(dtype, copy=False),
                tau.reshape(batch_shape + (k,)).astype(dtype, copy=False))
    # numpy glue: R is the upper triangle of the packed factors' first mc rows
    R = np.triu(Aw[:, :mc, :]).reshape(batch_shape + (mc, n)).astype(dtype, copy=False)
    if mode == "r":
        return R
    return QRResult(Qw.reshape(batch_shape + (m, mc)).astype(dtype, copy=False), R)


# ---- stacked eigh/eigvalsh -----------------------------------------------------------
# numpy.linalg.eigh / eigvalsh on (..., M, M): one float64 copy of the stack (the
# transpose for UPLO='U', so the triangle read is always the lower one), then ONE nogil
# loop runs the cyclic Jacobi kernel of _eigh.pyx (GVL4 Alg. 8.5.3, Rutishauser's
# rotations) on each matrix of order <= JACOBI_MAX, prange over the batch, in place (no
# workspace, no per-matrix malloc). Larger matrices run _eigh.pyx's syevd (the one-matrix
# driver of eigh/eigvalsh: tridiagonalisation, root-free QL or divide and conquer, V = Q Z)
# in the same kind of nogil loop: prange over the batch with one workspace per thread for
# n <= SMALL, else one matrix at a time with the threads inside its kernels.
# Part A (issue 13): the kernels are fused over `floating`; a float32 stack is copied
# into float32 buffers and solved in float32 end to end (float32 results, as numpy's).
from rusty_machine.linalg._eigh cimport jacobi_eigh
from rusty_machine.linalg._eigh cimport syevd, syevd_work_size, syevd_iwork_size

EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])

# Jacobi up to this order, the tridiagonal path above. Measured (one thread, CPU time,
# per matrix, loaded 2-core machine): eigh n = 12: Jacobi 13.6 us, tridiagonal 21.9 us;
# n = 16: 30.6 / 30.8 us; n = 20: 55 / 44 us. eigvalsh (no vectors; the tridiagonal
# path's root-free QL is O(n^2) after the reduction) crosses earlier: n = 12: 11.6 /
# 13.2 us, n = 16: 24.5 / 16.2 us. The tridiagonal path's fixed per-call cost is ~7-10 us
# (then its Python-level driver and work arrays; now a nogil loop over syevd).
cdef Py_ssize_t JACOBI_MAX = 16
cdef Py_ssize_t JACOBI_MAX_VALUES = 12


cdef void _jacobi_batch(Py_ssize_t batch, Py_ssize_t n, floating* A, floating* V,
                        floating* w, bint want_vectors, Py_ssize_t* info) noexcept nogil:
    """For each i: w_i, V_i <- eigen-decomposition of the symmetric A_i (destroyed)."""
    cdef Py_ssize_t i
    cdef int nt = _threads_for(batch, n)
    cdef floating* vp
    for i in prange(batch, num_threads=nt, schedule="static"):
        vp = V + i * n * n if want_vectors else V
        info[i] = jacobi_eigh(n, A + i * n * n, vp, w + i * n, want_vectors)


def _jacobi_all(floating[:, :, ::1] Am, floating[:, :, ::1] Vm, floating[:, ::1] wm,
                bint want_vectors, Py_ssize_t[::1] info):
    with nogil:
        _jacobi_batch(Am.shape[0], Am.shape[1], &Am[0, 0, 0], &Vm[0, 0, 0], &wm[0, 0],
                      want_vectors, &info[0])


cdef int _syevd_batch(Py_ssize_t batch, Py_ssize_t n,
                      floating* A,            # INOUT batch x n x n, lower triangles read
                      floating* V,            # OUT   batch x n x n eigenvectors (columns)
                      floating* w,            # OUT   batch x n eigenvalues, ascending
                      bint want_vectors,
                      int* info) noexcept nogil:   # OUT syevd's status per matrix
    """For each i: w_i, V_i <- syevd(A_i). One workspace per thread for the whole batch;
    returns -1 when it cannot be allocated, else 0."""
    cdef Py_ssize_t i
    cdef int nt = _threads_for(batch, n)
    cdef Py_ssize_t lw = syevd_work_size(n, want_vectors), liw = syevd_iwork_size(n)
    cdef floating* work = <floating*>malloc(nt * lw * sizeof(floating))
    cdef Py_ssize_t* iwork = <Py_ssize_t*>malloc(nt * liw * sizeof(Py_ssize_t))
    cdef int t
    if work == NULL or iwork == NULL:
        free(work)
        free(iwork)
        return -1
    for i in prange(batch, num_threads=nt, schedule="static"):
        t = threadid()
        info[i] = syevd(n, A + i * n * n, n, w + i * n,
                        V + i * n * n if want_vectors else V, n, want_vectors, True,
                        work + t * lw, iwork + t * liw)
    free(work)
    free(iwork)
    return 0


def _syevd_all(floating[:, :, ::1] Am, floating[:, :, ::1] Vm, floating[:, ::1] wm,
               bint want_vectors, int[::1] info):
    cdef int status
    with nogil:
        status = _syevd_batch(Am.shape[0], Am.shape[1], &Am[0, 0, 0], &Vm[0, 0, 0],
                              &wm[0, 0], want_vectors, &info[0])
    if status:
        raise MemoryError("eigh: cannot allocate the eigensolver's workspace")


def _check_uplo(UPLO, str func):
    if not isinstance(UPLO, str) or UPLO.upper() not in ("L", "U"):
        raise ValueError("%s: UPLO argument must be 'L' or 'U', got %r" % (func, UPLO))
    return UPLO.upper()


def _eigh_stack(a, str uplo, bint want_vectors, str func):
    """(w (..., M), V (..., M, M) or None, result dtype) of a stack or a 2-D array."""
    A = _as_real_array(a, func)
    _check_stack(A, func)
    dtype = _out_dtype(A)
    cdef Py_ssize_t n = A.shape[A.ndim - 1]
    batch_shape = A.shape[:-2]
    src = A if uplo == "L" else np.swapaxes(A, -1, -2)      # its upper triangle as lower
    cdef Py_ssize_t nb = 1
    for d in batch_shape:
        nb *= d
    # the work arrays in the result dtype: float32 stacks stay float32 (part A)
    Sw = np.empty(batch_shape + (n, n), dtype=dtype)
    Sw[...] = src                                            # broadcast + convert, one copy
    Sw = Sw.reshape((nb, n, n))
    w = np.empty((nb, n), dtype=dtype)
    V = np.empty((nb, n, n), dtype=dtype) if want_vectors else np.empty((1, 1, 1), dtype)
    if nb and n and n <= (JACOBI_MAX if want_vectors else JACOBI_MAX_VALUES):
        # the kernel reads the lower triangle only and flags NaN / infinity there
        info = np.zeros(nb, dtype=np.intp)
        _jacobi_all(Sw, V, w, want_vectors, info)
        if (info < 0).any():
            raise ValueError("%s: the input contains NaN or infinity" % func)
        bad = _first_failure(info)
        if bad >= 0:
            raise LinAlgError("%s: Jacobi did not converge (matrix %d of the stack)"
                              % (func, bad))
    elif nb and n:
        # syevd reads the lower triangles only and flags NaN / infinity there (-1)
        info = np.zeros(nb, dtype=np.intc)
        _syevd_all(Sw, V, w, want_vectors, info)
        if (info < 0).any():
            raise ValueError("%s: the input contains NaN or infinity" % func)
        bad = _first_failure(info)
        if bad >= 0:
            from rusty_machine.linalg._eigh import raise_for_status
            raise_for_status(int(info[bad]), func, n, " (matrix %d of the stack)" % bad)
    w = _finite_result(w, func).reshape(batch_shape + (n,))
    if want_vectors:
        V = V.reshape(batch_shape + (n, n))
    else:
        V = None
    return w, V, dtype


def eigh(a, UPLO="L"):
    """Eigenvalues and eigenvectors of a real symmetric matrix or of each matrix of a
    stack (numpy.linalg.eigh).

    Parameters
    ----------
    a : array-like of shape (..., M, M)
        Only the triangle named by UPLO is read (the other may hold anything).
    UPLO : {'L', 'U'}, default 'L'

    Returns
    -------
    EighResult(eigenvalues, eigenvectors)
        For a 2-D input: a Vector (M,) and a Matrix (M, M) (the one-matrix ``eigh`` of
        _eigh.pyx, tridiagonal + divide and conquer); else ndarrays (..., M) and
        (..., M, M). Eigenvalues ascending, eigenvectors orthonormal columns; float32
        for float32 input (computed in float32), float64 otherwise.
        Stacks of order <= 16 use cyclic Jacobi (GVL4 Alg. 8.5.3).

    Raises
    ------
    ValueError
        UPLO not 'L'/'U', or NaN / infinity in the triangle read.
    TypeError
        Complex or non-numeric input.
    LinAlgError
        Fewer than 2 dimensions, not square, or an iteration did not converge.
    """
    uplo = _check_uplo(UPLO, "eigh")
    if not _is_stack(a):
        from rusty_machine.linalg._eigh import eigh as eigh_2d
        if isinstance(a, (Matrix, Vector)) or np.ndim(a) == 2:
            src = a
            if uplo == "U":
                src = np.asarray(a).T
            w, V = eigh_2d(src)          # float32 input: float32 kernels and results
            return EighResult(w, V)
    w, V, _ = _eigh_stack(a, uplo, True, "eigh")
    return EighResult(w, V)


def eigvalsh(a, UPLO="L"):
    """Eigenvalues of a real symmetric matrix or of each matrix of a stack, ascending
    (numpy.linalg.eigvalsh).

    Parameters, dtypes and errors as :func:`eigh`. Returns a Vector (M,) for a 2-D
    input (the one-matrix ``eigvalsh``: tridiagonalisation + root-free QL), else an
    ndarray (..., M); stacks of order <= 12 by cyclic Jacobi without vectors.
    """
    uplo = _check_uplo(UPLO, "eigvalsh")
    if not _is_stack(a):
        from rusty_machine.linalg._eigh import eigvalsh as eigvalsh_2d
        if isinstance(a, (Matrix, Vector)) or np.ndim(a) == 2:
            src = a
            if uplo == "U":
                src = np.asarray(a).T
            return eigvalsh_2d(src)      # float32 input: float32 kernels and results
    w, _, _ = _eigh_stack(a, uplo, False, "eigvalsh")
    return w


# ---- part A: stacked eig/eigvals (issue 14) ------------------------------------------
# numpy.linalg.eig / eigvals on (..., M, M): one copy of the stack in its computing
# type, then ONE nogil loop runs _eig.pyx's geev (LAPACK xgeev: balancing, Hessenberg
# reduction, Francis or multishift QR, xtrevc; see _eig.pyx's references) on each
# matrix: prange over the batch for matrices up to SMALL (each geev on one thread), one
# after the other above (the GEMMs inside use the threads). One workspace per thread,
# allocated once for the batch. float32 stacks are computed in float32 (part C of
# issue 13: geev is fused over float/double), with complex64 results where numpy's
# per-call rule gives complex ones.
from rusty_machine.linalg._eig cimport geev, geev_work_size


cdef int _geev_batch(Py_ssize_t batch, Py_ssize_t n,
                     const floating* A,            # IN  batch x n x n
                     floating* wr, floating* wi,   # OUT batch x n each
                     floating* VR,                 # OUT batch x n x n, or NULL: eigvals
                     int* info) noexcept nogil:    # OUT batch: geev's return codes
    """geev on every matrix of the stack; -1 when the workspace cannot be allocated."""
    cdef Py_ssize_t i, t
    cdef int nt = _threads_for(batch, n)
    cdef Py_ssize_t lw = geev_work_size(n, VR != NULL), liw = n + 1
    cdef floating* work = <floating*>malloc(nt * lw * sizeof(floating))
    cdef Py_ssize_t* iwork = <Py_ssize_t*>malloc(nt * liw * sizeof(Py_ssize_t))
    if work == NULL or iwork == NULL:
        free(work)
        free(iwork)
        return -1
    for i in prange(batch, num_threads=nt, schedule="static"):
        t = threadid()
        # the thread's last iwork slot receives the sweep count (unused here)
        info[i] = geev(n, A + i * n * n, n, wr + i * n, wi + i * n,
                       (VR + i * n * n) if VR != NULL else NULL, n,
                       work + t * lw, iwork + t * liw, iwork + t * liw + n)
    free(work)
    free(iwork)
    return 0


def _wrap_like(x, out):
    """numpy.linalg's result class: an ndarray subclass input gets its class back on the
    results numpy wraps (numpy's _makearray / __array_wrap__: solve's x from b, inv's
    and eig's eigenvectors from a)."""
    if isinstance(x, np.ndarray) and type(x) is not np.ndarray:
        return x.__array_wrap__(out)
    return out


def _geev_all(floating[:, :, ::1] Am, floating[:, ::1] wrm, floating[:, ::1] wim,
              floating[:, :, ::1] VRm, bint want_vectors, int[::1] info):
    cdef int status
    with nogil:
        status = _geev_batch(Am.shape[0], Am.shape[1], &Am[0, 0, 0], &wrm[0, 0],
                             &wim[0, 0], &VRm[0, 0, 0] if want_vectors else NULL,
                             &info[0])
    if status:
        raise MemoryError("eig: cannot allocate the workspace")


def _eig_stack(a, bint want_vectors, str func):
    """EigResult of a stack (..., M, M) (eigenvectors None for eigvals)."""
    from rusty_machine.linalg._eig import geev_results, EigResult, _cap_factor
    A = _as_real_array(a, func)
    _check_stack(A, func)
    dtype = _out_dtype(A)
    batch_shape = A.shape[:-2]
    n = A.shape[-1]
    Aw = _batch_copy(A, batch_shape, func, dtype)
    nb = Aw.shape[0]
    wr = np.zeros((nb, n), dtype=dtype)
    wi = np.zeros((nb, n), dtype=dtype)
    VR = np.empty((nb, n, n), dtype=dtype) if want_vectors else None
    if nb and n:
        info = np.zeros(nb, dtype=np.intc)
        _geev_all(Aw, wr, wi, VR if want_vectors else Aw, want_vectors, info)
        bad = _first_failure(info)
        if bad >= 0:
            if info[bad] == 2:
                raise ValueError("%s: the input contains NaN or infinity" % func)
            raise LinAlgError("%s: Eigenvalues did not converge (matrix %d of the "
                              "stack: Francis QR stopped after %d sweeps)"
                              % (func, bad, _cap_factor() * max(n, 10)))
    w, V = geev_results(wr, wi, VR, batch_shape, dtype)
    return EigResult(w, None if V is None else _wrap_like(a, V))


def eig(a):
    """Eigenvalues and right eigenvectors of a general real matrix or of each matrix of
    a stack (numpy.linalg.eig).

    Parameters
    ----------
    a : array-like of shape (..., M, M)

    Returns
    -------
    EigResult(eigenvalues, eigenvectors)
        ndarrays (..., M) and (..., M, M) (for a 2-D input, _eig.eig's: the same
        driver). Real (float64; float32 for float32 input, computed in float32) when
        every eigenvalue of the whole call is real, else complex128 / complex64, as
        numpy decides it; each
        eigenvector of unit 2-norm with its largest component real (LAPACK dgeev).

    Raises
    ------
    LinAlgError
        Fewer than 2 dimensions, not square, or the QR iteration did not converge.
    ValueError
        NaN or infinity in the input.
    TypeError
        Complex or non-numeric input.
    """
    if not _is_stack(a):
        from rusty_machine.linalg._eig import eig as eig_2d
        return eig_2d(a)
    return _eig_stack(a, True, "eig")


def eigvals(a):
    """Eigenvalues of a general real matrix or of each matrix of a stack
    (numpy.linalg.eigvals): as :func:`eig` without the eigenvectors (the Schur vectors
    are never formed), an ndarray (..., M) of eig's dtypes."""
    if not _is_stack(a):
        from rusty_machine.linalg._eig import eigvals as eigvals_2d
        return eigvals_2d(a)
    return _eig_stack(a, False, "eigvals").eigenvalues

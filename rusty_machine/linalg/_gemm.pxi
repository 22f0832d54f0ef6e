# _gemm.pxi: included by blas.pyx. The bridge to the C core in csrc/: the GEMM driver,
# micro-kernel selection, threads, and the Python-level wrappers of the GEMM ladder.
# (blas.pyx is the only module that includes it, so the process holds one copy of the
# C state: the selected kernel and the thread count.)
#
# The GEMM ladder (csrc/rm_gemm_ref.c, csrc/rm_gemm.c), each rung the same contract
#     C = alpha * op(A) @ op(B) + beta * C:
#   "ref"      the textbook triple loop (the test oracle)
#   "blocked"  the loops tiled for the caches, no packing, no SIMD
#   "packed"   the BLIS-style driver: packed panels and a SIMD micro-kernel chosen at
#              run time (generic C, AVX2+FMA or AVX-512F); what dgemm() and gemm() run.
# Each rung exists for float64 (rm_dgemm*) and float32 (rm_sgemm*): one C driver
# instantiated for both types (csrc/rm_gemm_driver.h), a micro-kernel per type and
# instruction set; the Python wrappers below are written once over the fused type.
# Reference: K. Goto and R. van de Geijn, "Anatomy of high-performance matrix
# multiplication", ACM TOMS 34(3), 2008; F. Van Zee and R. van de Geijn, "BLIS: A
# framework for rapidly instantiating BLAS functionality", ACM TOMS 41(3), 2015.
cimport numpy as cnp
import contextlib
import numpy as np

cnp.import_array()

from rusty_machine.linalg._floating cimport floating
from rusty_machine.linalg._csrc cimport (
    rm_dgemm, rm_dgemm_ref, rm_dgemm_blocked, rm_gemm_kernel_name, rm_gemm_kernel_blocks,
    rm_sgemm, rm_sgemm_ref, rm_sgemm_blocked, rm_sgemm_kernel_blocks,
    rm_gemm_set_path, rm_gemm_kernel_supported, rm_gemm_set_kernel, rm_set_num_threads,
    rm_get_num_threads, rm_have_openmp, rm_in_parallel, rm_cpu_has_avx2_fma,
    rm_cpu_has_avx512f, rm_vec_isa_name, rm_vec_set_isa, rm_dsyrk, rm_ssyrk)


# ---- threads and configuration -------------------------------------------------
cdef int get_num_threads() noexcept nogil:
    return 1 if rm_in_parallel() else rm_get_num_threads()


cdef bint in_parallel() noexcept nogil:
    return rm_in_parallel() != 0


# Stacks of matrices (_stacked.pyx, _svd.pyx): matrices up to BATCH_SMALL are spread over
# the threads one per thread (each on one core); larger ones run one at a time with the
# threads inside the kernels. A thread team costs its wake-up (tens of microseconds,
# milliseconds on an oversubscribed machine: a stack of two 3x3 eigvals took 6.4 ms on 2
# threads against 42 us on one, load average 4.6 on 2 cores), so the batch is spread only
# when it holds at least BATCH_MIN_WORK in units of n^3 (a 4x4 geev with vectors is
# ~2 us: 512 of them, ~1 ms).
cdef Py_ssize_t BATCH_SMALL = 64
cdef Py_ssize_t BATCH_MIN_WORK = 32768


cdef int batch_threads(Py_ssize_t batch, Py_ssize_t n) noexcept nogil:
    """Threads over a stack of `batch` matrices of order n: all of ours for a stack of
    small matrices holding enough work, else one."""
    if batch < 2 or n > BATCH_SMALL or batch * n * n * n < BATCH_MIN_WORK:
        return 1
    cdef int nt = get_num_threads()
    return nt if nt < batch else <int>batch


def _set_num_threads(int n):
    rm_set_num_threads(n)


def _get_num_threads():
    return rm_get_num_threads()


def _config():
    """What show_config() prints: the kernel in use, the kernels this CPU/OS/build can
    run, the CPU features (cpuid + XGETBV), OpenMP and the thread count; and the
    instruction set of the vector kernels (csrc/rm_kernels.h) in this module."""
    return {
        "kernel": rm_gemm_kernel_name().decode(),
        "vector_kernels": rm_vec_isa_name().decode(),
        "supported_kernels": _supported_kernels(),
        "tiles": {"float64": "%(mr)dx%(nr)d" % _kernel_blocks(np.float64),
                  "float32": "%(mr)dx%(nr)d" % _kernel_blocks(np.float32)},
        "avx2": bool(rm_cpu_has_avx2_fma()),
        "avx512f": bool(rm_cpu_has_avx512f()),
        "openmp": bool(rm_have_openmp()),
        "threads": rm_get_num_threads(),
    }


# ---- GEMM ----------------------------------------------------------------------
cdef void dgemm(bint transa, bint transb, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                double alpha, const double* A, Py_ssize_t lda,
                const double* B, Py_ssize_t ldb,
                double beta, double* C, Py_ssize_t ldc) noexcept nogil:
    # C = alpha * op(A) @ op(B) + beta * C through the packed driver (csrc/rm_gemm.c);
    # k == 0 or alpha == 0 gives C = beta * C, beta == 0 never reads C
    if m <= 0 or n <= 0:
        return
    rm_dgemm(transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc)


cdef void sgemm(bint transa, bint transb, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                float alpha, const float* A, Py_ssize_t lda,
                const float* B, Py_ssize_t ldb,
                float beta, float* C, Py_ssize_t ldc) noexcept nogil:
    # the float32 instance of the same driver (csrc/rm_gemm_driver.h), float32 kernels
    if m <= 0 or n <= 0:
        return
    rm_sgemm(transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc)


GEMM_KERNELS = ("generic", "avx2", "avx512")


def _set_kernel(name):
    """Select the GEMM micro-kernel by name ("generic", "avx2", "avx512")."""
    if not isinstance(name, str):
        raise TypeError("kernel name must be a str, got %r" % (name,))
    rc = rm_gemm_set_kernel(name.encode())
    if rc == -1:
        raise ValueError("unknown GEMM kernel %r (choose from generic, avx2, avx512)" % name)
    if rc == -2:
        raise ValueError("GEMM kernel %r is not supported by this CPU/OS or build" % name)


def _set_vector_isa(name):
    """Select the vector kernels (csrc/rm_kernels.h) of this module (blas) by instruction
    set ("generic", "avx2", "avx512"); returns the previous one. For tests: the other
    modules keep the choice made at load time (RUSTY_MACHINE_KERNEL or the CPU's best)."""
    if not isinstance(name, str):
        raise TypeError("instruction set name must be a str, got %r" % (name,))
    old = rm_vec_isa_name().decode()
    rc = rm_vec_set_isa(name.encode())
    if rc == -1:
        raise ValueError("unknown instruction set %r (choose from generic, avx2, avx512)"
                         % name)
    if rc == -2:
        raise ValueError("instruction set %r is not supported by this CPU/OS or build"
                         % name)
    return old


def _kernel_name():
    """The name of the GEMM micro-kernel in use."""
    return rm_gemm_kernel_name().decode()


def _supported_kernels():
    """The GEMM micro-kernels this CPU, OS and build can run, slowest first."""
    return [k for k in GEMM_KERNELS if rm_gemm_kernel_supported(k.encode())]


def _kernel_blocks(dtype=np.float64):
    """The block-size table of the kernel in use for ``dtype`` (float64: the dgemm
    kernel, float32: the sgemm kernel; sizes in elements): dict with mr, nr (register
    tile), mc, kc, nc (cache blocks), small, skinny (products with m*n*k <= small**3,
    n <= skinny or m <= 2*mr skip packing)."""
    cdef int mr = 0, nr = 0
    cdef long mc = 0, kc = 0, nc = 0, small = 0, skinny = 0
    dt = np.dtype(dtype)
    if dt == np.float32:
        rm_sgemm_kernel_blocks(&mr, &nr, &mc, &kc, &nc, &small, &skinny)
    elif dt == np.float64:
        rm_gemm_kernel_blocks(&mr, &nr, &mc, &kc, &nc, &small, &skinny)
    else:
        raise TypeError("GEMM kernels exist for float32 and float64, got %s" % dt)
    return {"mr": mr, "nr": nr, "mc": mc, "kc": kc, "nc": nc, "small": small,
            "skinny": skinny}


@contextlib.contextmanager
def use_kernel(name):
    """Context manager: run the enclosed block with GEMM micro-kernel ``name``, then
    restore the previous one (tests and benchmarks)."""
    previous = _kernel_name()
    _set_kernel(name)
    try:
        yield
    finally:
        _set_kernel(previous)


_PATHS = {"auto": 0, "packed": 1, "direct": 2}


@contextlib.contextmanager
def use_path(path):
    """Context manager for tests: force the packed GEMM path ("packed": both operands
    packed whatever the size), the direct one ("direct": no packing except a transposed
    B) or the size-based choice ("auto", the default); restores the previous one."""
    if path not in _PATHS:
        raise ValueError("gemm path must be one of auto, packed, direct, got %r" % (path,))
    previous = rm_gemm_set_path(_PATHS[path])
    try:
        yield
    finally:
        rm_gemm_set_path(previous)


def _result_dtype(a, b):
    """The dtype of op(a) @ op(b) for two arrays: float32 when numpy's promotion of the
    two gives float32 (float32 with float32, or with a small integer or bool), float64
    otherwise (float64 with anything, integers, bools) -- numpy's own rule for matmul,
    restricted to the two types our kernels compute in."""
    return np.float32 if np.result_type(a.dtype, b.dtype) == np.float32 else np.float64


cdef object _operand(x, str what):
    """``x`` as a 2-D numpy array of real numbers (no copy)."""
    arr = np.asarray(x)
    if arr.ndim != 2:
        raise ValueError("gemm: %s must be 2-D, got shape %r" % (what, arr.shape))
    if arr.dtype.kind not in "biuf":
        raise TypeError("gemm: %s must hold real numbers, got dtype %s" % (what, arr.dtype))
    return arr


cdef object _rows_contiguous(arr, dtype):
    """``arr`` in ``dtype`` with contiguous rows (element (i, j) at data[i * ld + j]): a
    view when it already is one (a slice with a leading dimension larger than its number
    of columns is used in place), else a C-ordered copy. Returns (array, ld)."""
    if arr.dtype != dtype:
        arr = arr.astype(dtype)
    cdef Py_ssize_t rows = arr.shape[0], cols = arr.shape[1]
    cdef Py_ssize_t s0 = arr.strides[0], s1 = arr.strides[1], w = arr.itemsize
    if rows > 0 and cols > 0:
        if (cols == 1 or s1 == w) and (rows == 1 or (s0 > 0 and s0 % w == 0
                                                     and s0 >= w * cols)):
            return arr, (s0 // w if rows > 1 else cols)
        arr = np.ascontiguousarray(arr)
    return arr, max(cols, 1)


cdef int _gemm_run(int rung, bint ta, bint tb, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                   double alpha, const floating[:, :] Av, long la,
                   const floating[:, :] Bv, long lb, double beta,
                   floating[:, :] Cv, long ldc) except -1:
    # C = alpha * op(A) @ op(B) + beta * C on one rung, in the operands' type
    cdef floating* pc = &Cv[0, 0]
    cdef const floating* pa = &Av[0, 0] if k > 0 else NULL
    cdef const floating* pb = &Bv[0, 0] if k > 0 else NULL
    cdef floating al = <floating>alpha, be = <floating>beta
    with nogil:
        if k == 0:
            # C = beta * C (the empty product is zero)
            pa = pc
            pb = pc
            la = ldc
            lb = ldc
            al = 0
        if floating is float:
            if rung == 0 or k == 0:
                rm_sgemm(ta, tb, m, n, k, al, pa, la, pb, lb, be, pc, ldc)
            elif rung == 1:
                rm_sgemm_blocked(ta, tb, m, n, k, al, pa, la, pb, lb, be, pc, ldc)
            else:
                rm_sgemm_ref(ta, tb, m, n, k, al, pa, la, pb, lb, be, pc, ldc)
        else:
            if rung == 0 or k == 0:
                rm_dgemm(ta, tb, m, n, k, al, pa, la, pb, lb, be, pc, ldc)
            elif rung == 1:
                rm_dgemm_blocked(ta, tb, m, n, k, al, pa, la, pb, lb, be, pc, ldc)
            else:
                rm_dgemm_ref(ta, tb, m, n, k, al, pa, la, pb, lb, be, pc, ldc)
    return 0


def _gemm_impl(a, b, bint trans_a, bint trans_b, double alpha, c, double beta, int rung):
    a = _operand(a, "a")
    b = _operand(b, "b")
    dt = _result_dtype(a, b)
    A, lda = _rows_contiguous(a, dt)
    B, ldb = _rows_contiguous(b, dt)
    cdef Py_ssize_t m = A.shape[1] if trans_a else A.shape[0]
    cdef Py_ssize_t k = A.shape[0] if trans_a else A.shape[1]
    cdef Py_ssize_t kb = B.shape[1] if trans_b else B.shape[0]
    cdef Py_ssize_t n = B.shape[0] if trans_b else B.shape[1]
    if k != kb:
        raise ValueError("gemm: inner dimensions differ: op(a) is (%d, %d), op(b) is (%d, %d)"
                         % (m, k, kb, n))
    cdef Py_ssize_t ldc = max(n, 1)
    cdef Py_ssize_t w = np.dtype(dt).itemsize
    if c is None:
        out = np.empty((m, n), dtype=dt)
        beta = 0.0
    else:
        out = c
        if (not isinstance(out, np.ndarray) or out.dtype != dt or out.ndim != 2
                or not out.flags.writeable or out.shape != (m, n)):
            raise ValueError("gemm: c must be a writeable %s array of shape (%d, %d) (the "
                             "dtype of op(a) @ op(b))" % (np.dtype(dt).name, m, n))
        if m > 1 and n > 0:
            # rows of c must be contiguous; a leading dimension larger than n is fine
            if not ((n == 1 or out.strides[1] == w) and out.strides[0] % w == 0
                    and out.strides[0] >= w * n):
                raise ValueError("gemm: c must have contiguous rows (a C-ordered array or a "
                                 "slice of one), got strides %r" % (out.strides,))
            ldc = out.strides[0] // w
        elif m == 1 and n > 1 and out.strides[1] != w:
            raise ValueError("gemm: c must have contiguous rows, got strides %r"
                             % (out.strides,))
    if m == 0 or n == 0:
        return out
    if dt == np.float32:
        _gemm_run[float](rung, trans_a, trans_b, m, n, k, alpha, A, lda, B, ldb, beta,
                         out, ldc)
    else:
        _gemm_run[double](rung, trans_a, trans_b, m, n, k, alpha, A, lda, B, ldb, beta,
                          out, ldc)
    return out


def gemm(a, b, bint trans_a=False, bint trans_b=False, double alpha=1.0,
         c=None, double beta=0.0):
    """C = alpha * op(a) @ op(b) + beta * c on numpy arrays, through our GEMM.

    The library's Python layer uses this for products of numpy arrays (numpy's own
    matmul would call its BLAS). ``a`` and ``b`` must be 2-D. The product is computed in
    float32 (sgemm) when numpy's promotion of the two dtypes is float32 (float32 with
    float32), else in float64 (dgemm): float32 with float64 gives float64, integers and
    bools float64. An operand is converted to that dtype with contiguous rows only if it
    is not already (a slice such as
    ``x[2:5, 1:4]`` of a C-ordered array is used in place, through its leading
    dimension). ``op(x)`` is ``x.T`` when the trans flag is set: the transpose is
    absorbed by the kernel's packing, never copied.

    Parameters
    ----------
    a : array-like of shape (m, k), or (k, m) with trans_a
    b : array-like of shape (k, n), or (n, k) with trans_b
    c : ndarray of shape (m, n), the result's dtype, writeable, rows contiguous, optional
        Accumulated into when given (with beta); returned.  beta == 0 never reads c.

    Returns
    -------
    ndarray of shape (m, n), float32 or float64 as above
    """
    return _gemm_impl(a, b, trans_a, trans_b, alpha, c, beta, 0)


_RUNGS = {"packed": 0, "blocked": 1, "ref": 2}


def gemm_ladder(a, b, rung="packed", bint trans_a=False, bint trans_b=False,
                double alpha=1.0, c=None, double beta=0.0):
    """One rung of the GEMM teaching ladder on numpy arrays: same contract as
    :func:`gemm`.

    Parameters
    ----------
    a, b, trans_a, trans_b, alpha, c, beta
        As for :func:`gemm` (operands may be row-contiguous slices: leading dimension
        larger than the number of columns).
    rung : {"ref", "blocked", "packed"}
        "ref" the triple loop, "blocked" the cache-tiled loop, "packed" the BLIS driver
        with the selected SIMD micro-kernel.

    Returns
    -------
    ndarray of shape (m, n)
    """
    if rung not in _RUNGS:
        raise ValueError("gemm_ladder: rung must be one of 'ref', 'blocked', 'packed', "
                         "got %r" % (rung,))
    return _gemm_impl(a, b, trans_a, trans_b, alpha, c, beta, _RUNGS[rung])

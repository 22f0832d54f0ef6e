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
# Reference: K. Goto and R. van de Geijn, "Anatomy of high-performance matrix
# multiplication", ACM TOMS 34(3), 2008; F. Van Zee and R. van de Geijn, "BLIS: A
# framework for rapidly instantiating BLAS functionality", ACM TOMS 41(3), 2015.
cimport numpy as cnp
import contextlib
import numpy as np

cnp.import_array()

from rusty_machine.linalg._csrc cimport (
    rm_dgemm, rm_dgemm_ref, rm_dgemm_blocked, rm_gemm_kernel_name, rm_gemm_kernel_blocks,
    rm_gemm_set_path, rm_gemm_kernel_supported, rm_gemm_set_kernel, rm_set_num_threads,
    rm_get_num_threads, rm_have_openmp, rm_in_parallel, rm_cpu_has_avx2_fma,
    rm_cpu_has_avx512f, rm_vec_isa_name, rm_vec_set_isa)


# ---- threads and configuration -------------------------------------------------
cdef int get_num_threads() noexcept nogil:
    return 1 if rm_in_parallel() else rm_get_num_threads()


cdef bint in_parallel() noexcept nogil:
    return rm_in_parallel() != 0


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


def _kernel_blocks():
    """The block-size table of the kernel in use: dict with mr, nr (register tile), mc,
    kc, nc (cache blocks), small, skinny (products with m*n*k <= small**3, n <= skinny
    or m <= 2*mr skip packing)."""
    cdef int mr = 0, nr = 0
    cdef long mc = 0, kc = 0, nc = 0, small = 0, skinny = 0
    rm_gemm_kernel_blocks(&mr, &nr, &mc, &kc, &nc, &small, &skinny)
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


cdef object _operand(x, str what):
    """``x`` as a 2-D float64 array whose rows are contiguous (element (i, j) at
    data[i * ld + j]): a view of ``x`` when it already is one (a slice with a leading
    dimension larger than its number of columns is used in place), else a C-ordered copy.
    Returns (array, ld)."""
    arr = np.asarray(x)
    if arr.ndim != 2:
        raise ValueError("gemm: %s must be 2-D, got shape %r" % (what, arr.shape))
    if arr.dtype != np.float64:
        if arr.dtype.kind not in "biuf":
            raise TypeError("gemm: %s must hold real numbers, got dtype %s" % (what, arr.dtype))
        arr = arr.astype(np.float64)
    cdef Py_ssize_t rows = arr.shape[0], cols = arr.shape[1]
    cdef Py_ssize_t s0 = arr.strides[0], s1 = arr.strides[1]
    if rows > 0 and cols > 0:
        if (cols == 1 or s1 == 8) and (rows == 1 or (s0 > 0 and s0 % 8 == 0 and s0 >= 8 * cols)):
            return arr, (s0 // 8 if rows > 1 else cols)
        arr = np.ascontiguousarray(arr)
    return arr, max(cols, 1)


def _gemm_impl(a, b, bint trans_a, bint trans_b, double alpha, c, double beta, int rung):
    A, lda = _operand(a, "a")
    B, ldb = _operand(b, "b")
    cdef Py_ssize_t m = A.shape[1] if trans_a else A.shape[0]
    cdef Py_ssize_t k = A.shape[0] if trans_a else A.shape[1]
    cdef Py_ssize_t kb = B.shape[1] if trans_b else B.shape[0]
    cdef Py_ssize_t n = B.shape[0] if trans_b else B.shape[1]
    if k != kb:
        raise ValueError("gemm: inner dimensions differ: op(a) is (%d, %d), op(b) is (%d, %d)"
                         % (m, k, kb, n))
    cdef Py_ssize_t ldc = max(n, 1)
    if c is None:
        out = np.empty((m, n), dtype=np.float64)
        beta = 0.0
    else:
        out = c
        if (not isinstance(out, np.ndarray) or out.dtype != np.float64 or out.ndim != 2
                or not out.flags.writeable or out.shape != (m, n)):
            raise ValueError("gemm: c must be a writeable float64 array of shape (%d, %d)"
                             % (m, n))
        if m > 1 and n > 0:
            # rows of c must be contiguous; a leading dimension larger than n is fine
            if not ((n == 1 or out.strides[1] == 8) and out.strides[0] % 8 == 0
                    and out.strides[0] >= 8 * n):
                raise ValueError("gemm: c must have contiguous rows (a C-ordered array or a "
                                 "slice of one), got strides %r" % (out.strides,))
            ldc = out.strides[0] // 8
        elif m == 1 and n > 1 and out.strides[1] != 8:
            raise ValueError("gemm: c must have contiguous rows, got strides %r"
                             % (out.strides,))
    if m == 0 or n == 0:
        return out
    # strided views: rows contiguous, the leading dimensions computed above
    cdef const double[:, :] Av = A
    cdef const double[:, :] Bv = B
    cdef double[:, :] Cv = out
    cdef double* pc = &Cv[0, 0]
    cdef const double* pa = &Av[0, 0] if k > 0 else NULL
    cdef const double* pb = &Bv[0, 0] if k > 0 else NULL
    cdef long la = lda, lb = ldb
    with nogil:
        if k == 0:
            # C = beta * C (the empty product is zero)
            rm_dgemm(0, 0, m, n, 0, 0.0, pc, ldc, pc, ldc, beta, pc, ldc)
        elif rung == 0:
            # C = alpha * op(A) @ op(B) + beta * C, packed SIMD driver
            rm_dgemm(trans_a, trans_b, m, n, k, alpha, pa, la, pb, lb, beta, pc, ldc)
        elif rung == 1:
            rm_dgemm_blocked(trans_a, trans_b, m, n, k, alpha, pa, la, pb, lb, beta, pc, ldc)
        else:
            rm_dgemm_ref(trans_a, trans_b, m, n, k, alpha, pa, la, pb, lb, beta, pc, ldc)
    return out


def gemm(a, b, bint trans_a=False, bint trans_b=False, double alpha=1.0,
         c=None, double beta=0.0):
    """C = alpha * op(a) @ op(b) + beta * c on numpy arrays, through our GEMM.

    The library's Python layer uses this for products of numpy arrays (numpy's own
    matmul would call its BLAS). ``a`` and ``b`` must be 2-D; they are converted to
    float64 with contiguous rows only if they are not already (a slice such as
    ``x[2:5, 1:4]`` of a C-ordered array is used in place, through its leading
    dimension). ``op(x)`` is ``x.T`` when the trans flag is set: the transpose is
    absorbed by the kernel's packing, never copied.

    Parameters
    ----------
    a : array-like of shape (m, k), or (k, m) with trans_a
    b : array-like of shape (k, n), or (n, k) with trans_b
    c : ndarray of shape (m, n), float64, writeable, rows contiguous, optional
        Accumulated into when given (with beta); returned.  beta == 0 never reads c.

    Returns
    -------
    ndarray of shape (m, n)
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

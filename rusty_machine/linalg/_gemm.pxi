# _gemm.pxi: included by blas.pyx. The bridge to the C core in csrc/: the GEMM driver,
# micro-kernel selection, threads, and the Python-level wrappers of the GEMM ladder.
# (blas.pyx is the only module that includes it, so the process holds one copy of the
# C state: the selected kernel and the thread count.)
cimport numpy as cnp
import numpy as np

cnp.import_array()

cdef extern from "rm_gemm.h" nogil:
    void rm_dgemm(int transa, int transb, long m, long n, long k,
                  double alpha, const double *A, long lda,
                  const double *B, long ldb,
                  double beta, double *C, long ldc)
    const char *rm_gemm_kernel_name()
    int rm_gemm_kernel_supported(const char *name)
    int rm_gemm_set_kernel(const char *name)
    void rm_set_num_threads(int n)
    int rm_get_num_threads()
    int rm_have_openmp()
    int rm_in_parallel()
    int rm_cpu_has_avx2_fma()
    int rm_cpu_has_avx512f()


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
    names = [k for k in ("generic", "avx2", "avx512")
             if rm_gemm_kernel_supported(k.encode())]
    return {
        "kernel": rm_gemm_kernel_name().decode(),
        "supported_kernels": names,
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
    if m <= 0 or n <= 0:
        return
    rm_dgemm(transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc)



def _set_kernel(name):
    """Select the GEMM micro-kernel by name ("generic", "avx2", "avx512")."""
    if not isinstance(name, str):
        raise TypeError("kernel name must be a str, got %r" % (name,))
    rc = rm_gemm_set_kernel(name.encode())
    if rc == -1:
        raise ValueError("unknown GEMM kernel %r (choose from generic, avx2, avx512)" % name)
    if rc == -2:
        raise ValueError("GEMM kernel %r is not supported by this CPU/OS or build" % name)


def _kernel_name():
    return rm_gemm_kernel_name().decode()


def gemm(a, b, bint trans_a=False, bint trans_b=False, double alpha=1.0,
         c=None, double beta=0.0):
    """C = alpha * op(a) @ op(b) + beta * c on numpy arrays, through our GEMM.

    The library's Python layer uses this for products of numpy arrays (numpy's own
    matmul would call its BLAS). ``a`` and ``b`` must be 2-D; they are converted to
    C-contiguous float64 only if they are not already. ``op(x)`` is ``x.T`` when the
    trans flag is set: the transpose is absorbed by the kernel, never copied.

    Parameters
    ----------
    a : array-like of shape (m, k), or (k, m) with trans_a
    b : array-like of shape (k, n), or (n, k) with trans_b
    c : ndarray of shape (m, n), float64, C-contiguous, writeable, optional
        Accumulated into when given (with beta); returned.

    Returns
    -------
    ndarray of shape (m, n)
    """
    cdef const double[:, ::1] A = np.ascontiguousarray(a, dtype=np.float64)
    cdef const double[:, ::1] B = np.ascontiguousarray(b, dtype=np.float64)
    cdef Py_ssize_t m = A.shape[1] if trans_a else A.shape[0]
    cdef Py_ssize_t k = A.shape[0] if trans_a else A.shape[1]
    cdef Py_ssize_t kb = B.shape[1] if trans_b else B.shape[0]
    cdef Py_ssize_t n = B.shape[0] if trans_b else B.shape[1]
    if k != kb:
        raise ValueError("gemm: inner dimensions differ: op(a) is (%d, %d), op(b) is (%d, %d)"
                         % (m, k, kb, n))
    if c is None:
        out = np.empty((m, n), dtype=np.float64)
        beta = 0.0
    else:
        out = c
        if (not isinstance(out, np.ndarray) or out.dtype != np.float64
                or not out.flags.c_contiguous or not out.flags.writeable
                or out.shape != (m, n)):
            raise ValueError("gemm: c must be a writeable C-contiguous float64 array of "
                             "shape (%d, %d)" % (m, n))
    cdef double[:, ::1] C = out
    cdef const double* pa = &A[0, 0] if A.shape[0] > 0 and A.shape[1] > 0 else NULL
    cdef const double* pb = &B[0, 0] if B.shape[0] > 0 and B.shape[1] > 0 else NULL
    cdef double* pc = &C[0, 0] if m > 0 and n > 0 else NULL
    cdef Py_ssize_t lda = max(A.shape[1], 1), ldb = max(B.shape[1], 1), ldc = max(n, 1)
    if m == 0 or n == 0:
        return out
    with nogil:
        if k == 0:
            # C = beta * C (the empty product is zero)
            rm_dgemm(0, 0, m, n, 0, 0.0, pc, ldc, pc, ldc, beta, pc, ldc)
        else:
            dgemm(trans_a, trans_b, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc)
    return out

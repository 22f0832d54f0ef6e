"""_batched.pyx: products of stacks of matrices, C_i = A_{a(i)} @ B_{b(i)}, in one nogil loop.

numpy's matmul (and matrix_power, vecdot, ...) work on the last two axes and broadcast
the others: (..., M, K) @ (..., K, N) -> (..., M, N) ([numpy-matmul]). This module holds
the loop over the batch; the Python layer (_products.py) broadcasts the leading axes and
hands it, for each output matrix i, the index a(i) of its left operand in A's stack and
b(i) of its right one (broadcasting reuses a matrix without copying it).

Each product goes through our GEMM (blas.xgemm: sgemm or dgemm, one source for both
dtypes). As in _stacked.pyx, a stack of small matrices is spread over the threads, one
product per thread (each GEMM then runs serially), and large matrices run one after the
other with the threads inside the GEMM.

Integer products (``matrix_power`` keeps numpy's integer and bool dtypes, and numpy's
tests compare exactly) use a plain i-p-j triple loop on unsigned 64-bit integers: numpy
computes an int8 product with wrap-around in int8, and arithmetic modulo 2**64 reduced
modulo 2**8 gives the same bits (reduction mod 2**w is a ring homomorphism), so one
kernel serves every integer width, signed or not, once the caller converts in and out.
Unsigned arithmetic is used because signed overflow is undefined in C. For bool, numpy's
product is an OR of ANDs: the kernel then stores (sum != 0), so that powers stay 0/1.

References
----------
[numpy-matmul] numpy.matmul documentation: broadcasting of the stack dimensions, the
               promotion of 1-D operands.
[GVL4]         Golub & Van Loan, Matrix Computations, 4th ed., Sec. 1.1 (the i-k-j
               "saxpy" ordering of the triple loop used by the integer kernel).
"""
import numpy as np
cimport numpy as cnp
from cython.parallel cimport prange
from libc.stdint cimport uint64_t

from rusty_machine.linalg._floating cimport floating
from rusty_machine.linalg.blas cimport xgemm, get_num_threads

cnp.import_array()

# Products whose three dimensions are all at most this are spread one per thread
# (_stacked.pyx's SMALL); larger ones use the threads inside the GEMM.
cdef Py_ssize_t SMALL = 64


cdef int _threads_for(Py_ssize_t batch, Py_ssize_t size) noexcept nogil:
    """Threads over the batch: all of ours for a stack of small products, else one."""
    if batch < 2 or size > SMALL:
        return 1
    cdef int nt = get_num_threads()
    return nt if nt < batch else <int>batch


cdef void gemm_batch(Py_ssize_t batch, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                     const floating* A,          # IN  (batch_a, m, k) contiguous
                     const Py_ssize_t* offa,     # IN  element offset of A_{a(i)}
                     const floating* B,          # IN  (batch_b, k, n) contiguous
                     const Py_ssize_t* offb,     # IN  element offset of B_{b(i)}
                     floating* C) noexcept nogil:  # OUT (batch, m, n) contiguous
    """C_i = A_{a(i)} @ B_{b(i)} for i < batch, through xgemm."""
    cdef Py_ssize_t i, j
    cdef Py_ssize_t size = m if m > n else n
    if k > size:
        size = k
    cdef int nt = _threads_for(batch, size)
    if m == 0 or n == 0:
        return
    if k == 0:                      # an empty sum: numpy's zeros
        for j in range(batch * m * n):
            C[j] = 0
        return
    for i in prange(batch, num_threads=nt, schedule="static"):
        # C_i = A_a(i) @ B_b(i)
        xgemm(False, False, m, n, k, <floating>1.0, A + offa[i], k, B + offb[i], n,
              <floating>0.0, C + i * m * n, n)


cdef void _igemm(Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                 const uint64_t* A,          # IN  m x k, contiguous
                 const uint64_t* B,          # IN  k x n, contiguous
                 uint64_t* C,                # OUT m x n, contiguous
                 bint boolean) noexcept nogil:
    """C = A @ B modulo 2**64 (row i of C accumulates a_ip * row p of B: GVL4 1.1's
    saxpy form, contiguous inner loop); boolean: C = (A @ B != 0)."""
    cdef Py_ssize_t i, p, j
    cdef uint64_t a
    cdef uint64_t* c
    cdef const uint64_t* b
    for i in range(m):
        c = C + i * n
        for j in range(n):
            c[j] = 0
        for p in range(k):
            a = A[i * k + p]
            if a == 0:
                continue
            b = B + p * n
            for j in range(n):
                c[j] += a * b[j]
        if boolean:
            for j in range(n):
                c[j] = c[j] != 0


cdef void igemm_batch(Py_ssize_t batch, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                      const uint64_t* A, const Py_ssize_t* offa,
                      const uint64_t* B, const Py_ssize_t* offb,
                      uint64_t* C, bint boolean) noexcept nogil:
    """C_i = A_{a(i)} @ B_{b(i)} modulo 2**64 (or as bools), threads over the batch."""
    cdef Py_ssize_t i
    cdef int nt = _threads_for(batch, 0)
    for i in prange(batch, num_threads=nt, schedule="static"):
        _igemm(m, n, k, A + offa[i], B + offb[i], C + i * m * n, boolean)


def matmul_stack(a, b, ia, ib, bint boolean=False):
    """C[i] = a[ia[i]] @ b[ib[i]] for a stack of products.

    Parameters
    ----------
    a : ndarray of shape (batch_a, M, K), C-contiguous
    b : ndarray of shape (batch_b, K, N), C-contiguous, the same dtype as ``a``:
        float32 or float64 (our GEMM), or uint64 (products modulo 2**64)
    ia, ib : integer arrays of length batch, indices into a's / b's stack
    boolean : bool
        uint64 only: store (product != 0), numpy's bool matmul.

    Returns
    -------
    ndarray of shape (batch, M, N), the dtype of ``a``
    """
    if a.ndim != 3 or b.ndim != 3:
        raise ValueError("matmul_stack: expected 3-D stacks, got shapes %s and %s"
                         % (a.shape, b.shape))
    if a.dtype != b.dtype or a.dtype.type not in (np.float32, np.float64, np.uint64):
        raise TypeError("matmul_stack: expected two float32, float64 or uint64 stacks, "
                        "got %s and %s" % (a.dtype, b.dtype))
    if not (a.dtype.isnative and a.flags.c_contiguous and b.flags.c_contiguous):
        raise ValueError("matmul_stack: the stacks must be C-contiguous, native byte order")
    cdef Py_ssize_t m = a.shape[1], k = a.shape[2], n = b.shape[2]
    if b.shape[1] != k:
        raise ValueError("matmul_stack: shapes %s and %s are not aligned (%d != %d)"
                         % (a.shape, b.shape, k, b.shape[1]))
    ia = np.asarray(ia, dtype=np.intp)
    ib = np.asarray(ib, dtype=np.intp)
    if ia.ndim != 1 or ia.shape != ib.shape:
        raise ValueError("matmul_stack: ia and ib must be 1-D of one length")
    cdef Py_ssize_t batch = ia.shape[0]
    if batch and (ia.min() < 0 or ia.max() >= a.shape[0]
                  or ib.min() < 0 or ib.max() >= b.shape[0]):
        raise ValueError("matmul_stack: a stack index is out of range")
    # element offsets of the operands of each product
    cdef cnp.ndarray offa = np.ascontiguousarray(ia * (m * k))
    cdef cnp.ndarray offb = np.ascontiguousarray(ib * (k * n))
    cdef cnp.ndarray out = np.empty((batch, m, n), dtype=a.dtype)
    cdef cnp.ndarray A = a, B = b
    cdef const Py_ssize_t* pa = <const Py_ssize_t*>cnp.PyArray_DATA(offa)
    cdef const Py_ssize_t* pb = <const Py_ssize_t*>cnp.PyArray_DATA(offb)
    cdef void* da = cnp.PyArray_DATA(A)
    cdef void* db = cnp.PyArray_DATA(B)
    cdef void* dc = cnp.PyArray_DATA(out)
    if a.dtype.type is np.float64:
        with nogil:
            gemm_batch(batch, m, n, k, <const double*>da, pa, <const double*>db, pb,
                       <double*>dc)
    elif a.dtype.type is np.float32:
        with nogil:
            gemm_batch(batch, m, n, k, <const float*>da, pa, <const float*>db, pb,
                       <float*>dc)
    else:
        with nogil:
            igemm_batch(batch, m, n, k, <const uint64_t*>da, pa, <const uint64_t*>db, pb,
                        <uint64_t*>dc, boolean)
    return out

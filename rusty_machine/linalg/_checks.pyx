# cython: language_level=3
"""Input checks shared by the decompositions (lu, qr, cholesky, triangular).

Finiteness without a branch in the inner loop: x * 0 is 0 for finite x and NaN for
NaN or +-inf, so one running sum of x * 0 over a block is 0 exactly when every entry
is finite (IEEE 754 arithmetic; the sum of zeros stays 0, a NaN stays NaN).
"""
import numpy as np


cdef bint all_finite(Py_ssize_t m, Py_ssize_t n,
                     const double* A, Py_ssize_t lda       # IN
                     ) noexcept nogil:
    """True when every entry is finite (x * 0 is 0 only for finite x)."""
    cdef Py_ssize_t i, j
    cdef double acc = 0.0
    for i in range(m):
        for j in range(n):
            acc += A[i * lda + j] * 0.0
    return acc == 0.0


cdef bint copy_finite(Py_ssize_t m, Py_ssize_t n,
                      const double* src, Py_ssize_t lds,   # IN
                      double* dst, Py_ssize_t ldd          # OUT
                      ) noexcept nogil:
    """dst = src; True when every entry is finite (x * 0 is 0 only for finite x)."""
    cdef Py_ssize_t i, j
    cdef double acc = 0.0
    cdef const double* s
    cdef double* d
    for i in range(m):
        s = src + i * lds
        d = dst + i * ldd
        for j in range(n):
            d[j] = s[j]
            acc += s[j] * 0.0
    return acc == 0.0


cdef str shape_str(obj):
    """The shape of obj as a string of Python ints, "?" when it has none."""
    shape = getattr(obj, "shape", None)
    if shape is None:
        try:
            shape = np.shape(obj)
        except Exception:
            return "?"
    return str(tuple(int(s) for s in shape))

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


# ---------------------------------------------------------------------------------
# the conversion path of the decompositions that work on a numpy copy (eigh, eig,
# svd, lstsq): one definition, used by all of them
# ---------------------------------------------------------------------------------
def work_copy(A, str name, bint square=True, bint lower_only=False):
    """A C-contiguous float64 copy of a 2-D finite array-like (the caller's data is
    never modified). TypeError for non-numeric data, ValueError for wrong ndim, shape
    or non-finite entries (with lower_only, only the lower triangle must be finite:
    the symmetric solvers never read the rest)."""
    arr = np.asarray(A)
    if arr.dtype.kind not in "biuf":
        raise TypeError("%s: expected real numeric data, got dtype %s" % (name, arr.dtype))
    if arr.ndim != 2:
        raise ValueError("%s: expected a 2-D matrix, got %d-D data of shape %s"
                         % (name, arr.ndim, arr.shape))
    if square and arr.shape[0] != arr.shape[1]:
        raise ValueError("%s: expected a square matrix, got shape %s" % (name, arr.shape))
    out = np.array(arr, dtype=np.float64, order="C", copy=True)
    if not np.isfinite(np.tril(out) if lower_only else out).all():
        raise ValueError("%s: the matrix contains NaN or infinity" % name)
    return out


def symmetric_from_lower(a):
    """Full symmetric matrix from the lower triangle of ``a`` (numpy's UPLO='L')."""
    low = np.tril(a)
    low += np.tril(a, -1).T
    return np.ascontiguousarray(low)


def scale_factor(a):
    """Scale into a safe range when the largest entry is tiny or huge (LAPACK dsyev's
    rmin/rmax guard); returns the factor the matrix was multiplied by."""
    anrm = float(np.max(np.abs(a))) if a.size else 0.0
    if anrm == 0.0:
        return 1.0
    if anrm < 1e-140 or anrm > 1e140:
        return 1.0 / anrm
    return 1.0


def padded_ld(n):
    """A leading dimension >= n whose row stride is not a multiple of 4 KiB (one extra
    cache line when it would be), so that walking down a column does not hit one
    cache set only (the working copies of the Francis QR and the SVD)."""
    return n + 8 if n >= 32 and (n * 8) % 1024 == 0 else n

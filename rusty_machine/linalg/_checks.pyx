# cython: language_level=3
"""The one input path of rusty_machine.linalg: every public function checks and converts
its matrix argument here before any kernel touches memory.

input_matrix (cdef) is the path itself: ndim and shape checks with messages that name the
function and the shape, conversion through asmatrix (TypeError for non-numeric data),
and a private finite copy (or the caller's data wrapped, for the factorisations that
check finiteness of the one triangle they read). work_copy is the same path for the
modules that work on a numpy array (eigh, eig, svd, lstsq).

Finiteness without a branch in the inner loop: x * 0 is 0 for finite x and NaN for
NaN or +-inf, so one running sum of x * 0 over a block is 0 exactly when every entry
is finite (IEEE 754 arithmetic; the sum of zeros stays 0, a NaN stays NaN).
"""
import numpy as np

from rusty_machine.linalg._floating cimport floating

from rusty_machine.linalg.matrix cimport (Matrix, Vector, asmatrix, matrix_empty,
                                          RM_FLOAT32)


cdef bint all_finite(Py_ssize_t m, Py_ssize_t n,
                     const floating* A, Py_ssize_t lda       # IN
                     ) noexcept nogil:
    """True when every entry is finite (x * 0 is 0 only for finite x)."""
    cdef Py_ssize_t i, j
    cdef floating acc = 0.0
    for i in range(m):
        for j in range(n):
            acc += A[i * lda + j] * 0.0
    return acc == 0.0


cdef bint copy_finite(Py_ssize_t m, Py_ssize_t n,
                      const floating* src, Py_ssize_t lds,   # IN
                      floating* dst, Py_ssize_t ldd          # OUT
                      ) noexcept nogil:
    """dst = src; True when every entry is finite (x * 0 is 0 only for finite x)."""
    cdef Py_ssize_t i, j
    cdef floating acc = 0.0
    cdef const floating* s
    cdef floating* d
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
cdef Matrix input_matrix(object A, str func, bint square=False, bint copy=True,
                         bint keep_float32=False):
    """A checked 2-D Matrix for func: a private copy whose entries are all finite
    (copy=True), or A wrapped without a copy where asmatrix can (copy=False: the
    caller checks finiteness of what it reads). float64, or with keep_float32 float32
    for float32 input (asmatrix's rule: other real dtypes become float64)."""
    if isinstance(A, Vector):
        raise ValueError("%s: expected a 2-D matrix, got a Vector of shape (%d,)"
                         % (func, (<Vector>A).n))
    if not isinstance(A, Matrix):
        ndim = A.ndim if hasattr(A, "ndim") else np.ndim(A)
        if ndim != 2:
            raise ValueError("%s: expected a 2-D matrix, the input is %d-D: got shape %s"
                             % (func, ndim, shape_str(A)))
    cdef Matrix src = asmatrix(A)
    if src.kind == RM_FLOAT32 and not keep_float32:
        src = asmatrix(src, np.float64)
    if square and src.nrows != src.ncols:
        raise ValueError("%s: expected a square matrix, got shape (%d, %d)"
                         % (func, src.nrows, src.ncols))
    if not copy:
        return src
    cdef Matrix dst = matrix_empty(src.nrows, src.ncols, src.kind)
    cdef bint finite
    with nogil:
        if src.kind == RM_FLOAT32:
            finite = copy_finite(src.nrows, src.ncols, <const float*>src.data, src.ld,
                                 <float*>dst.data, dst.ld)
        else:
            finite = copy_finite(src.nrows, src.ncols, <const double*>src.data, src.ld,
                                 <double*>dst.data, dst.ld)
    if not finite:
        raise ValueError("%s: the matrix contains NaN or infinity" % func)
    return dst


def work_copy(A, str name, bint square=True, bint lower_only=False):
    """input_matrix's checks, then a C-contiguous float64 numpy copy (the caller's data
    is never modified) that must be finite (with lower_only, only its lower triangle:
    the symmetric solvers never read the rest)."""
    cdef Matrix M = input_matrix(A, name, square, False)
    out = np.array(M, dtype=np.float64, order="C", copy=True)
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

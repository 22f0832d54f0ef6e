# cython: language_level=3
"""matrix.pyx: the Matrix and Vector types (storage, views, numpy interop).

Storage (see matrix.pxd): float64, row-major; element (i, j) of a Matrix sits at
``data[i * ld + j]`` with a leading dimension ``ld >= cols``, so that a block
``A[r0:r1, c0:c1]`` is a view (same ``ld``, shifted ``data``) without a copy. ``owner``
keeps the memory alive: a ``_Buffer`` allocated here (64-byte aligned), or the numpy
array / buffer exporter that ``asmatrix`` wrapped. A Vector is always contiguous.

References
----------
[1] PEP 3118, "Revising the buffer protocol" (the export in __getbuffer__).
[2] NumPy NEP 13, "A mechanism for overriding ufuncs" (``__array_ufunc__ = None``).
"""
from libc.stdlib cimport malloc, free
from libc.string cimport memset
from libc.stdint cimport uintptr_t
from cpython.buffer cimport PyBUF_WRITABLE, PyBUF_FORMAT, PyBUF_ND, PyBUF_STRIDES

cimport numpy as cnp
import numpy as np

cnp.import_array()

cdef extern from "Python.h":
    const Py_ssize_t PY_SSIZE_T_MAX

# Owned buffers start on a 64-byte boundary (a cache line; an AVX-512 register).
cdef enum:
    ALIGNMENT = 64

cdef char* _FORMAT_DOUBLE = b"d"


# ---------------------------------------------------------------------------------
# owned memory
# ---------------------------------------------------------------------------------
cdef class _Buffer:
    """``n`` doubles of owned memory, 64-byte aligned, freed when the last view dies."""

    def __cinit__(self, Py_ssize_t n, bint zero=False):
        if n < 0:
            raise ValueError("negative buffer size %d" % n)
        if n > (PY_SSIZE_T_MAX - ALIGNMENT) // <Py_ssize_t>sizeof(double) - 1:
            raise MemoryError("cannot allocate %d doubles" % n)
        # one extra element so that empty matrices still have a valid pointer
        self.raw = malloc((n + 1) * sizeof(double) + ALIGNMENT)
        if self.raw == NULL:
            raise MemoryError("cannot allocate %d doubles" % n)
        self.ptr = <double*>((<uintptr_t>self.raw + ALIGNMENT - 1)
                             & ~(<uintptr_t>(ALIGNMENT - 1)))
        self.n = n
        if zero:
            memset(self.ptr, 0, n * sizeof(double))

    def __dealloc__(self):
        free(self.raw)
        self.raw = NULL
        self.ptr = NULL


cdef inline Py_ssize_t _checked_size(Py_ssize_t rows, Py_ssize_t cols) except -1:
    if rows < 0 or cols < 0:
        raise ValueError("negative dimensions (%d, %d) are not allowed" % (rows, cols))
    if cols > 0 and rows > PY_SSIZE_T_MAX // 16 // cols:
        raise MemoryError("matrix of shape (%d, %d) is too large" % (rows, cols))
    return rows * cols


cdef Matrix matrix_empty(Py_ssize_t rows, Py_ssize_t cols):
    cdef _Buffer buf = _Buffer.__new__(_Buffer, _checked_size(rows, cols))
    cdef Matrix M = Matrix.__new__(Matrix)
    M.data = buf.ptr
    M.nrows = rows
    M.ncols = cols
    M.ld = cols if cols > 0 else 1
    M.owner = buf
    M.readonly = False
    return M


cdef Matrix matrix_zeros(Py_ssize_t rows, Py_ssize_t cols):
    cdef _Buffer buf = _Buffer.__new__(_Buffer, _checked_size(rows, cols), True)
    cdef Matrix M = Matrix.__new__(Matrix)
    M.data = buf.ptr
    M.nrows = rows
    M.ncols = cols
    M.ld = cols if cols > 0 else 1
    M.owner = buf
    M.readonly = False
    return M


cdef Vector vector_empty(Py_ssize_t n):
    cdef _Buffer buf = _Buffer.__new__(_Buffer, _checked_size(n, 1))
    cdef Vector v = Vector.__new__(Vector)
    v.data = buf.ptr
    v.n = n
    v.owner = buf
    v.readonly = False
    return v


cdef Vector vector_zeros(Py_ssize_t n):
    cdef _Buffer buf = _Buffer.__new__(_Buffer, _checked_size(n, 1), True)
    cdef Vector v = Vector.__new__(Vector)
    v.data = buf.ptr
    v.n = n
    v.owner = buf
    v.readonly = False
    return v


# ---------------------------------------------------------------------------------
# conversion of user input
# ---------------------------------------------------------------------------------
cdef object _to_ndarray(object obj):
    """numpy view of ``obj`` (no copy when possible), with the dtype validated.

    Accepted dtypes: bool (as 0/1), signed/unsigned integers, floats. Complex values,
    strings, objects (including None and ragged sequences) are rejected."""
    cdef object arr
    if isinstance(obj, (str, bytes)):
        raise TypeError("expected numeric data, got %s" % type(obj).__name__)
    try:
        arr = np.asarray(obj)
    except ValueError as exc:
        # numpy >= 1.24 refuses ragged nested sequences
        raise ValueError("cannot build a matrix from a ragged nested sequence "
                         "(rows of different lengths): %s" % exc) from None
    kind = arr.dtype.kind
    if kind == "c":
        raise TypeError("complex values are not supported (got dtype %s)" % arr.dtype)
    if kind not in "biuf":
        if kind == "O" and arr.ndim > 0 and _looks_ragged(obj):
            raise ValueError("cannot build a matrix from a ragged nested sequence "
                             "(rows of different lengths)")
        raise TypeError("expected real numeric data, got dtype %s from %s"
                        % (arr.dtype, type(obj).__name__))
    return arr


cdef bint _looks_ragged(object obj):
    """True for a list/tuple of sequences with different lengths."""
    if not isinstance(obj, (list, tuple)) or len(obj) == 0:
        return False
    lengths = set()
    for item in obj:
        try:
            lengths.add(len(item))
        except TypeError:
            lengths.add(-1)
    return len(lengths) > 1


cdef inline bint _is_wrappable(cnp.ndarray arr):
    """float64, native byte order, aligned, with contiguous rows of positive stride."""
    if arr.dtype != np.float64 or not arr.flags.aligned:
        return False
    cdef Py_ssize_t rows, cols, s0, s1
    if arr.ndim == 1:
        return arr.shape[0] <= 1 or arr.strides[0] == sizeof(double)
    rows = arr.shape[0]
    cols = arr.shape[1]
    s0 = arr.strides[0]
    s1 = arr.strides[1]
    if cols > 1 and s1 != sizeof(double):
        return False
    if rows > 1 and (s0 <= 0 or s0 % sizeof(double) != 0 or s0 < cols * sizeof(double)):
        return False
    return True


cdef Matrix _wrap_matrix(cnp.ndarray arr):
    """A Matrix sharing the memory of a 2-D (or 1-D: one row) wrappable array."""
    cdef Matrix M = Matrix.__new__(Matrix)
    M.data = <double*>cnp.PyArray_DATA(arr)
    if arr.ndim == 1:
        M.nrows = 1
        M.ncols = arr.shape[0]
        M.ld = M.ncols if M.ncols > 0 else 1
    else:
        M.nrows = arr.shape[0]
        M.ncols = arr.shape[1]
        if M.nrows > 1:
            M.ld = arr.strides[0] // sizeof(double)
        else:
            M.ld = M.ncols if M.ncols > 0 else 1
    M.owner = arr
    M.readonly = not arr.flags.writeable
    return M


cdef Vector _wrap_vector(cnp.ndarray arr):
    cdef Vector v = Vector.__new__(Vector)
    v.data = <double*>cnp.PyArray_DATA(arr)
    v.n = arr.shape[0]
    v.owner = arr
    v.readonly = not arr.flags.writeable
    return v


cdef cnp.ndarray _matrix_array(object obj):
    """Validated numpy array of ndim 2 (1-D input is one row)."""
    cdef cnp.ndarray arr = _to_ndarray(obj)
    if arr.ndim == 0:
        raise ValueError("expected 2-D data for a Matrix, got a scalar")
    if arr.ndim > 2:
        raise ValueError("expected 2-D data for a Matrix, got %d-D data of shape %s"
                         % (arr.ndim, (<object>arr).shape))
    return arr


cdef cnp.ndarray _vector_array(object obj):
    cdef cnp.ndarray arr = _to_ndarray(obj)
    if arr.ndim != 1:
        raise ValueError("expected 1-D data for a Vector, got %d-D data of shape %s"
                         % (arr.ndim, (<object>arr).shape))
    return arr


cpdef Matrix asmatrix(object obj):
    """View ``obj`` as a Matrix without copying when possible.

    Parameters
    ----------
    obj : Matrix, Vector, array-like of shape (rows, cols) or (cols,)
        A float64 buffer whose rows are contiguous (C order, or a row-strided view of
        one) is wrapped without a copy and kept alive by the Matrix; read-only input
        gives a read-only Matrix. Anything else (lists, other dtypes, Fortran order,
        negative strides) is copied. 1-D input is one row (shape (1, n)); a Vector is
        wrapped the same way.

    Returns
    -------
    Matrix

    Raises
    ------
    TypeError
        Non-numeric data (strings, objects, None) or complex values.
    ValueError
        Ragged nested sequences, 0-D or 3-D (and higher) input.
    """
    cdef Matrix M
    cdef Vector v
    if type(obj) is Matrix:
        return <Matrix>obj
    if type(obj) is Vector:
        v = <Vector>obj
        M = Matrix.__new__(Matrix)
        M.data = v.data
        M.nrows = 1
        M.ncols = v.n
        M.ld = v.n if v.n > 0 else 1
        M.owner = v.owner
        M.readonly = v.readonly
        return M
    if isinstance(obj, Matrix):
        return <Matrix>obj
    cdef cnp.ndarray arr = _matrix_array(obj)
    if not _is_wrappable(arr):
        arr = np.array(arr, dtype=np.float64, order="C", ndmin=2)
    return _wrap_matrix(arr)


cpdef Vector asvector(object obj):
    """View ``obj`` as a Vector without copying when possible.

    Parameters
    ----------
    obj : Vector, array-like of shape (n,)
        A contiguous float64 buffer is wrapped without a copy (read-only stays
        read-only); anything else is copied. 2-D input is rejected, including
        (n, 1) and (1, n): use ``A[:, 0]`` or ``A[0]``.

    Returns
    -------
    Vector

    Raises
    ------
    TypeError
        Non-numeric data or complex values.
    ValueError
        Ragged sequences, input that is not 1-D.
    """
    if isinstance(obj, Vector):
        return <Vector>obj
    cdef cnp.ndarray arr = _vector_array(obj)
    if not _is_wrappable(arr):
        arr = np.array(arr, dtype=np.float64, order="C")
    return _wrap_vector(arr)


# ---------------------------------------------------------------------------------
# buffer export (PEP 3118): np.asarray(A) is a zero-copy view
# ---------------------------------------------------------------------------------
cdef double _EMPTY_SENTINEL = 0.0


cdef int _export(Py_buffer* view, object exporter, double* data, bint readonly, int ndim,
                 Py_ssize_t rows, Py_ssize_t cols, Py_ssize_t ld, int flags) except -1:
    """Fill ``view`` for a row-major block of doubles (ndim 1: cols elements)."""
    cdef bint contiguous = ndim == 1 or rows <= 1 or ld == cols
    if (flags & PyBUF_WRITABLE) == PyBUF_WRITABLE and readonly:
        raise BufferError("the matrix is read-only")
    if (flags & PyBUF_STRIDES) != PyBUF_STRIDES and not contiguous:
        raise BufferError("the matrix is a strided view: request strides (PyBUF_STRIDES)")
    cdef Py_ssize_t* dims = <Py_ssize_t*>malloc(4 * sizeof(Py_ssize_t))
    if dims == NULL:
        raise MemoryError()
    if ndim == 1:
        dims[0] = cols
        dims[2] = sizeof(double)
    else:
        dims[0] = rows
        dims[1] = cols
        dims[2] = ld * sizeof(double)
        dims[3] = sizeof(double)
    view.buf = <void*>data if data != NULL else <void*>&_EMPTY_SENTINEL
    view.obj = exporter
    view.len = rows * cols * sizeof(double)
    view.itemsize = sizeof(double)
    view.readonly = readonly
    view.ndim = ndim
    view.format = _FORMAT_DOUBLE if (flags & PyBUF_FORMAT) == PyBUF_FORMAT else NULL
    view.shape = dims if (flags & PyBUF_ND) == PyBUF_ND else NULL
    view.strides = dims + 2 if (flags & PyBUF_STRIDES) == PyBUF_STRIDES else NULL
    view.suboffsets = NULL
    view.internal = <void*>dims
    return 0


# ---------------------------------------------------------------------------------
# Matrix
# ---------------------------------------------------------------------------------
cdef class Matrix:
    """A dense float64 matrix stored row-major, with views and numpy interop.

    Parameters
    ----------
    data : array-like of shape (rows, cols)
        Nested sequences, numpy arrays of any real dtype and order, a Matrix, or
        anything with the buffer protocol or ``__array__``. Always copied to a fresh
        float64 matrix (use `asmatrix` to wrap without copying). 1-D data is one
        row, shape (1, n). bool is accepted as 0/1.

    Raises
    ------
    TypeError
        Non-numeric data (strings, objects, None) or complex values.
    ValueError
        Ragged nested sequences, 0-D data, 3-D (and higher) data.
    """

    # numpy must defer to our operators in mixed expressions (NEP 13)
    __array_ufunc__ = None

    def __cinit__(self):
        self.data = NULL
        self.nrows = 0
        self.ncols = 0
        self.ld = 1
        self.owner = None
        self.readonly = False
        self._exports = 0

    def __init__(self, data):
        cdef Matrix src = asmatrix(data)
        cdef Matrix dst = matrix_empty(src.nrows, src.ncols)
        _copy_block(src.nrows, src.ncols, src.data, src.ld, dst.data, dst.ld)
        self.data = dst.data
        self.nrows = dst.nrows
        self.ncols = dst.ncols
        self.ld = dst.ld
        self.owner = dst.owner
        self.readonly = False

    # ---- shape ----------------------------------------------------------------
    @property
    def shape(self):
        """(rows, cols)"""
        return (self.nrows, self.ncols)

    @property
    def rows(self):
        """Number of rows."""
        return self.nrows

    @property
    def cols(self):
        """Number of columns."""
        return self.ncols

    @property
    def size(self):
        """rows * cols"""
        return self.nrows * self.ncols

    @property
    def ndim(self):
        """Always 2."""
        return 2

    @property
    def writeable(self):
        """False when the Matrix wraps read-only memory (assignment raises)."""
        return not self.readonly

    def __len__(self):
        return self.nrows

    # ---- numpy interop ----------------------------------------------------------
    def __getbuffer__(self, Py_buffer* view, int flags):
        _export(view, self, self.data, self.readonly, 2, self.nrows, self.ncols,
                self.ld, flags)
        self._exports += 1

    def __releasebuffer__(self, Py_buffer* view):
        free(view.internal)
        view.internal = NULL
        self._exports -= 1

    def __array__(self, dtype=None, copy=None):
        arr = np.asarray(memoryview(self))
        if dtype is not None and np.dtype(dtype) != arr.dtype:
            if copy is False:
                raise ValueError("a dtype conversion needs a copy but copy=False")
            return arr.astype(dtype)
        if copy:
            return arr.copy()
        return arr


# ---------------------------------------------------------------------------------
# Vector
# ---------------------------------------------------------------------------------
cdef class Vector:
    """A dense contiguous float64 vector.

    Parameters
    ----------
    data : array-like of shape (n,)
        Sequences, numpy arrays of any real dtype, buffers; always copied (use
        `asvector` to wrap without copying).

    Raises
    ------
    TypeError
        Non-numeric data or complex values.
    ValueError
        Ragged sequences, data that is not 1-D.
    """

    __array_ufunc__ = None

    def __cinit__(self):
        self.data = NULL
        self.n = 0
        self.owner = None
        self.readonly = False
        self._exports = 0

    def __init__(self, data):
        cdef Vector src = asvector(data)
        cdef Vector dst = vector_empty(src.n)
        _copy_block(1, src.n, src.data, src.n, dst.data, dst.n)
        self.data = dst.data
        self.n = dst.n
        self.owner = dst.owner
        self.readonly = False

    @property
    def shape(self):
        """(n,)"""
        return (self.n,)

    @property
    def size(self):
        """n"""
        return self.n

    @property
    def ndim(self):
        """Always 1."""
        return 1

    @property
    def writeable(self):
        """False when the Vector wraps read-only memory."""
        return not self.readonly

    def __len__(self):
        return self.n

    def __getbuffer__(self, Py_buffer* view, int flags):
        _export(view, self, self.data, self.readonly, 1, 1, self.n, self.n, flags)
        self._exports += 1

    def __releasebuffer__(self, Py_buffer* view):
        free(view.internal)
        view.internal = NULL
        self._exports -= 1

    def __array__(self, dtype=None, copy=None):
        arr = np.asarray(memoryview(self))
        if dtype is not None and np.dtype(dtype) != arr.dtype:
            if copy is False:
                raise ValueError("a dtype conversion needs a copy but copy=False")
            return arr.astype(dtype)
        if copy:
            return arr.copy()
        return arr


# ---------------------------------------------------------------------------------
# kernels
# ---------------------------------------------------------------------------------
cdef void _copy_block(Py_ssize_t m, Py_ssize_t n,
                      const double* src, Py_ssize_t lds,       # IN
                      double* dst, Py_ssize_t ldd) noexcept nogil:  # OUT
    cdef Py_ssize_t i, j
    cdef const double* s
    cdef double* d
    for i in range(m):
        s = src + i * lds
        d = dst + i * ldd
        for j in range(n):
            d[j] = s[j]

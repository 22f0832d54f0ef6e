# cython: language_level=3
"""matrix.pyx: the Matrix and Vector types (storage, views, numpy interop).

Storage (see matrix.pxd): float64 or float32 (the ``kind``; ``A.dtype`` in Python),
row-major; element (i, j) of a Matrix sits at ``data[i * ld + j]`` with a leading
dimension ``ld >= cols``, so that a block ``A[r0:r1, c0:c1]`` is a view (same ``ld``,
shifted ``data``) without a copy. ``owner`` keeps the memory alive: a ``_Buffer``
allocated here (64-byte aligned), or the numpy array / buffer exporter that ``asmatrix``
wrapped. A Vector is always contiguous.

Decisions (the public contract leaves them open):

* dtype: float32 data stays float32; every other real dtype (float64, integers, bool,
  float16, longdouble) becomes float64, numpy.linalg's rule; ``dtype=`` forces one of
  the two. Operators promote like numpy: float32 with float32 stays float32, float32
  with float64 gives float64, a Python scalar keeps the array's dtype (the operand of
  the other dtype is converted first, by numpy, then one kernel instance runs).
* Input: bool is accepted as 0/1 (as numpy does); complex values, strings, objects and
  None raise TypeError; ragged sequences, 0-D data and 3-D data raise ValueError. 1-D
  data given to ``Matrix``/``asmatrix`` is a single row, shape (1, n). NaN and inf are
  stored as given (the decompositions check for them).
* ``asmatrix`` wraps without a copy any float64 or float32 buffer whose rows are contiguous and
  evenly spaced (C order, or a row-strided view such as ``a[::2, 1:3]``); read-only
  input gives a read-only Matrix (assignment and in-place operators raise ValueError).
* Views: ``A[i]`` is a row view (Vector), ``A[r0:r1, c0:c1]`` a Matrix view, also for a
  positive row step (``ld`` is multiplied by it). A column step other than 1, a negative
  row step, a column ``A[:, j]`` and integer/boolean sequences give copies; assignment
  writes through all of them.
* Operators are elementwise between operands of the same shape (no broadcasting of
  a row over a matrix), or with a real scalar on either side; ``x / 0`` follows IEEE
  (inf or NaN) as numpy does, without a warning. ``==`` is one bool.
* Reductions over nothing (mean/min/max/argmin/argmax of an empty matrix or over an
  axis of length 0) raise ValueError; ``sum`` of nothing is 0.0.

Kernels (_matrix_kernels.pyx, fused over float32 and float64; _kind_dispatch.pxi picks
the instance of a block's kind) work on (pointer, leading dimension) blocks inside
``with nogil``; a block whose rows are contiguous (``ld == cols``) is processed as one
long row, so every inner loop is a plain contiguous loop the compiler vectorises.
Products go through rusty_machine.linalg.blas (xgemm, xgemv, xdot); Vector norms
through xnrm2/xasum.

Module graph
------------
This module is the bottom of rusty_machine.linalg's Python-visible layers: it cimports
only blas (products and norms), _csrc (csrc/: huge-page advice) and _matrix_kernels
(its block kernels), and the decomposition modules cimport matrix.pxd. The
decomposition *methods* (``A.solve(b)``, ``A.lu()``, ``A.norm(2)``, ...) are
conveniences over the public functions: they look the function up in the public
package ``rusty_machine.linalg`` when they are called (``_linalg()``), never at import
time, and never name a decomposition module. So importing this module imports nothing
above it (Python has imported the package before any of its submodules, so the lookup
only reads an attribute), and the decomposition modules may be renamed or reorganised
without touching this file.

Files: this one (storage, conversion, buffer export, indexing, the two types, module
functions); _kind_dispatch.pxi, included here (one dispatcher per block kernel);
_dense.pxi, included here (the shared base class _Dense and the functions
behind its operators and reductions, written once for both types);
_matrix_kernels.pyx (the block kernels).

References
----------
[1] PEP 3118, "Revising the buffer protocol" (the export in __getbuffer__).
[2] NumPy NEP 13, "A mechanism for overriding ufuncs" (``__array_ufunc__ = None``).
[3] G. H. Golub, C. F. Van Loan, "Matrix Computations", 4th ed. (GVL4), sec. 2.3
    (matrix norms) and sec. 1.1 (gaxpy/dot formulations of the products).
[4] N. J. Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., sec. 4.2
    (pairwise summation, used by the sums).
"""
from libc.stdlib cimport malloc, calloc, free
from libc.string cimport memcpy
from libc.stdint cimport uintptr_t
from cpython.buffer cimport PyBUF_WRITABLE, PyBUF_FORMAT, PyBUF_ND, PyBUF_STRIDES
from cpython.slice cimport PySlice_GetIndicesEx

cimport numpy as cnp
import numpy as np
import operator

from rusty_machine.linalg.blas cimport xgemm, xgemv, xdot, xnrm2, xasum
from rusty_machine.linalg._csrc cimport rm_advise_hugepages
from rusty_machine.linalg._matrix_kernels cimport (
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, _copy_block, _fill_block, _ew_block, _ew_scalar,
    _neg_block, _abs_block, _pow_block, _transpose, _sum_block, _row_sums, _col_sums,
    _ext_row, _find, _ext_block, _argext_block, _argext_cols, _equal_block, _close_block,
    _fro_block, _gather, _scatter)

cnp.import_array()

cdef extern from "Python.h":
    const Py_ssize_t PY_SSIZE_T_MAX

# Owned buffers start on a 64-byte boundary (a cache line; an AVX-512 register).
cdef enum:
    ALIGNMENT = 64

cdef char* _FORMAT_DOUBLE = b"d"
cdef char* _FORMAT_FLOAT = b"f"

# numpy's dtype of each kind (indexed by RM_FLOAT64 / RM_FLOAT32)
_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))


cdef int kind_of(object dtype) except -1:
    """RM_FLOAT64 for None or float64, RM_FLOAT32 for float32; TypeError otherwise."""
    if dtype is None:
        return RM_FLOAT64
    dt = np.dtype(dtype)
    if dt == _DTYPES[RM_FLOAT64]:
        return RM_FLOAT64
    if dt == _DTYPES[RM_FLOAT32]:
        return RM_FLOAT32
    raise TypeError("dtype must be float64 or float32, got %s" % dt)


cdef inline int _promote(int ka, int kb) noexcept:
    """numpy's result kind of an operation between the two kinds."""
    return RM_FLOAT32 if ka == RM_FLOAT32 and kb == RM_FLOAT32 else RM_FLOAT64


cdef inline object _scalar(int kind, double value):
    """A reduction's result as numpy gives it: np.float32 for float32, else a float."""
    if kind == RM_FLOAT32:
        return np.float32(value)
    return value


# ---------------------------------------------------------------------------------
# owned memory (large buffers ask for transparent huge pages: csrc/rm_mem.c)
# ---------------------------------------------------------------------------------
cdef class _Buffer:
    """``n`` elements of ``itemsize`` bytes of owned memory, 64-byte aligned, freed
    when the last view dies."""

    def __cinit__(self, Py_ssize_t n, bint zero=False, Py_ssize_t itemsize=8):
        if n < 0:
            raise ValueError("negative buffer size %d" % n)
        if n > (PY_SSIZE_T_MAX - ALIGNMENT) // itemsize - 1:
            raise MemoryError("cannot allocate %d elements of %d bytes" % (n, itemsize))
        # one extra element so that empty matrices still have a valid pointer;
        # calloc for zeros: the OS hands out zeroed pages lazily for large sizes
        cdef size_t nbytes = (n + 1) * itemsize + ALIGNMENT
        if zero:
            self.raw = calloc(nbytes, 1)
        else:
            self.raw = malloc(nbytes)
        if self.raw == NULL:
            raise MemoryError("cannot allocate %d elements of %d bytes" % (n, itemsize))
        rm_advise_hugepages(self.raw, nbytes)
        self.ptr = <char*>((<uintptr_t>self.raw + ALIGNMENT - 1)
                           & ~(<uintptr_t>(ALIGNMENT - 1)))
        self.nbytes = n * itemsize

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


cdef Matrix matrix_empty(Py_ssize_t rows, Py_ssize_t cols, int kind=RM_FLOAT64):
    cdef _Buffer buf = _Buffer.__new__(_Buffer, _checked_size(rows, cols), False,
                                       kind_itemsize(kind))
    cdef Matrix M = Matrix.__new__(Matrix)
    M.data = buf.ptr
    M.kind = kind
    M.nrows = rows
    M.ncols = cols
    M.ld = cols if cols > 0 else 1
    M.owner = buf
    M.readonly = False
    return M


cdef Matrix matrix_zeros(Py_ssize_t rows, Py_ssize_t cols, int kind=RM_FLOAT64):
    cdef _Buffer buf = _Buffer.__new__(_Buffer, _checked_size(rows, cols), True,
                                       kind_itemsize(kind))
    cdef Matrix M = Matrix.__new__(Matrix)
    M.data = buf.ptr
    M.kind = kind
    M.nrows = rows
    M.ncols = cols
    M.ld = cols if cols > 0 else 1
    M.owner = buf
    M.readonly = False
    return M


cdef Vector vector_empty(Py_ssize_t n, int kind=RM_FLOAT64):
    cdef _Buffer buf = _Buffer.__new__(_Buffer, _checked_size(n, 1), False,
                                       kind_itemsize(kind))
    cdef Vector v = Vector.__new__(Vector)
    v.data = buf.ptr
    v.kind = kind
    v.n = n
    v.owner = buf
    v.readonly = False
    return v


cdef Vector vector_zeros(Py_ssize_t n, int kind=RM_FLOAT64):
    cdef _Buffer buf = _Buffer.__new__(_Buffer, _checked_size(n, 1), True,
                                       kind_itemsize(kind))
    cdef Vector v = Vector.__new__(Vector)
    v.data = buf.ptr
    v.kind = kind
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


cdef inline int _input_kind(cnp.ndarray arr, object dtype) except -1:
    """The kind a converted input gets: dtype's when given, float32 for float32 data,
    float64 for every other real dtype (numpy.linalg's rule)."""
    if dtype is not None:
        return kind_of(dtype)
    return RM_FLOAT32 if arr.dtype == _DTYPES[RM_FLOAT32] else RM_FLOAT64


cdef inline bint _is_wrappable(cnp.ndarray arr, int kind):
    """Of the kind's dtype (native byte order), aligned, with contiguous rows of
    positive stride."""
    if arr.dtype != _DTYPES[kind] or not arr.flags.aligned:
        return False
    cdef Py_ssize_t rows, cols, s0, s1, isz = kind_itemsize(kind)
    if arr.ndim == 1:
        return arr.shape[0] <= 1 or arr.strides[0] == isz
    rows = arr.shape[0]
    cols = arr.shape[1]
    s0 = arr.strides[0]
    s1 = arr.strides[1]
    if cols > 1 and s1 != isz:
        return False
    if rows > 1 and (s0 <= 0 or s0 % isz != 0 or s0 < cols * isz):
        return False
    return True


cdef Matrix _wrap_matrix(cnp.ndarray arr):
    """A Matrix sharing the memory of a 2-D (or 1-D: one row) wrappable array."""
    cdef Matrix M = Matrix.__new__(Matrix)
    M.data = <char*>cnp.PyArray_DATA(arr)
    M.kind = RM_FLOAT32 if arr.dtype == _DTYPES[RM_FLOAT32] else RM_FLOAT64
    if arr.ndim == 1:
        M.nrows = 1
        M.ncols = arr.shape[0]
        M.ld = M.ncols if M.ncols > 0 else 1
    else:
        M.nrows = arr.shape[0]
        M.ncols = arr.shape[1]
        if M.nrows > 1:
            M.ld = arr.strides[0] // kind_itemsize(M.kind)
        else:
            M.ld = M.ncols if M.ncols > 0 else 1
    M.owner = arr
    M.readonly = not arr.flags.writeable
    return M


cdef Vector _wrap_vector(cnp.ndarray arr):
    cdef Vector v = Vector.__new__(Vector)
    v.data = <char*>cnp.PyArray_DATA(arr)
    v.kind = RM_FLOAT32 if arr.dtype == _DTYPES[RM_FLOAT32] else RM_FLOAT64
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


cpdef Matrix asmatrix(object obj, object dtype=None):
    """View ``obj`` as a Matrix without copying when possible.

    Parameters
    ----------
    obj : Matrix, Vector, array-like of shape (rows, cols) or (cols,)
        A float64 or float32 buffer whose rows are contiguous (C order, or a row-strided view of
        one) is wrapped without a copy and kept alive by the Matrix; read-only input
        gives a read-only Matrix. Anything else (lists, other dtypes, Fortran order,
        negative strides) is copied. 1-D input is one row (shape (1, n)); a Vector is
        wrapped the same way.
    dtype : None, float64 or float32
        None keeps float32 data float32 and makes everything else float64; a dtype
        converts (a copy) when the data has the other one.

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
    cdef int kind
    if isinstance(obj, (Matrix, Vector)):
        kind = (<_Dense>obj).kind if dtype is None else kind_of(dtype)
        if kind != (<_Dense>obj).kind:
            obj = np.asarray(obj)                 # converted by the general path below
        elif isinstance(obj, Matrix):
            return <Matrix>obj
        else:
            v = <Vector>obj
            M = Matrix.__new__(Matrix)
            M.data = v.data
            M.kind = v.kind
            M.nrows = 1
            M.ncols = v.n
            M.ld = v.n if v.n > 0 else 1
            M.owner = v.owner
            M.readonly = v.readonly
            return M
    cdef cnp.ndarray arr = _matrix_array(obj)
    kind = _input_kind(arr, dtype)
    if not _is_wrappable(arr, kind):
        arr = np.array(arr, dtype=_DTYPES[kind], order="C", ndmin=2)
    return _wrap_matrix(arr)


cpdef Vector asvector(object obj, object dtype=None):
    """View ``obj`` as a Vector without copying when possible.

    Parameters
    ----------
    obj : Vector, array-like of shape (n,)
        A contiguous float64 or float32 buffer is wrapped without a copy (read-only
        stays read-only); anything else is copied. 2-D input is rejected, including
        (n, 1) and (1, n): use ``A[:, 0]`` or ``A[0]``.
    dtype : None, float64 or float32
        As for `asmatrix`.

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
        if dtype is None or kind_of(dtype) == (<Vector>obj).kind:
            return <Vector>obj
        obj = np.asarray(obj)
    cdef cnp.ndarray arr = _vector_array(obj)
    cdef int kind = _input_kind(arr, dtype)
    if not _is_wrappable(arr, kind):
        arr = np.array(arr, dtype=_DTYPES[kind], order="C")
    return _wrap_vector(arr)


# ---------------------------------------------------------------------------------
# buffer export (PEP 3118): np.asarray(A) is a zero-copy view
# ---------------------------------------------------------------------------------
cdef double _EMPTY_SENTINEL = 0.0


cdef int _export(Py_buffer* view, object exporter, char* data, int kind, bint readonly,
                 int ndim, Py_ssize_t rows, Py_ssize_t cols, Py_ssize_t ld,
                 int flags) except -1:
    """Fill ``view`` for a row-major block of the kind's elements (ndim 1: cols
    elements)."""
    cdef Py_ssize_t isz = kind_itemsize(kind)
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
        dims[2] = isz
    else:
        dims[0] = rows
        dims[1] = cols
        dims[2] = ld * isz
        dims[3] = isz
    view.buf = <void*>data if data != NULL else <void*>&_EMPTY_SENTINEL
    view.obj = exporter
    view.len = rows * cols * isz
    view.itemsize = isz
    view.readonly = readonly
    view.ndim = ndim
    if (flags & PyBUF_FORMAT) == PyBUF_FORMAT:
        view.format = _FORMAT_FLOAT if kind == RM_FLOAT32 else _FORMAT_DOUBLE
    else:
        view.format = NULL
    view.shape = dims if (flags & PyBUF_ND) == PyBUF_ND else NULL
    view.strides = dims + 2 if (flags & PyBUF_STRIDES) == PyBUF_STRIDES else NULL
    view.suboffsets = NULL
    view.internal = <void*>dims
    return 0


# ---------------------------------------------------------------------------------
# operand plumbing, reductions and the shared base class _Dense (written once for
# Matrix and Vector)
# ---------------------------------------------------------------------------------
include "_kind_dispatch.pxi"
include "_dense.pxi"


# ---- indexing -------------------------------------------------------------------
cdef enum:
    KEY_INT = 0
    KEY_SLICE = 1
    KEY_ARRAY = 2


cdef Py_ssize_t _norm_index(object key, Py_ssize_t n, str what) except -1:
    """Python-style index (negative counts from the end) checked against n."""
    k = operator.index(key)
    if k < -n or k >= n:
        raise IndexError("%s index %d is out of range for size %d" % (what, k, n))
    if k < 0:
        k += n
    return k


cdef tuple _axis_key(object key, Py_ssize_t n, str what):
    """Parse one axis of an index: (KEY_INT, i), (KEY_SLICE, start, step, length) or
    (KEY_ARRAY, intp ndarray of checked non-negative indices)."""
    cdef Py_ssize_t start, stop, step, length
    if type(key) is slice:
        PySlice_GetIndicesEx(key, n, &start, &stop, &step, &length)
        return (KEY_SLICE, start, step, length)
    if isinstance(key, (int, np.integer)):
        return (KEY_INT, _norm_index(key, n, what))
    if key is None or isinstance(key, (float, str, bytes, Matrix, Vector)):
        raise TypeError("%s indices must be integers, slices or integer/boolean sequences,"
                        " not %s" % (what, type(key).__name__))
    arr = np.asarray(key)
    if arr.ndim == 1 and arr.dtype.kind == "b":
        if arr.shape[0] != n:
            raise IndexError("boolean %s index of length %d does not match size %d"
                             % (what, arr.shape[0], n))
        return (KEY_ARRAY, np.ascontiguousarray(np.flatnonzero(arr), dtype=np.intp))
    if arr.ndim == 1 and (arr.dtype.kind in "iu" or arr.shape[0] == 0):
        idx = np.array(arr, dtype=np.intp)
        bad = (idx < -n) | (idx >= n)
        if bad.any():
            raise IndexError("%s index %d is out of range for size %d"
                             % (what, idx[bad][0], n))
        idx[idx < 0] += n
        return (KEY_ARRAY, idx)
    raise TypeError("%s indices must be integers, slices or integer/boolean sequences,"
                    " got %s" % (what, type(key).__name__))


cdef inline Py_ssize_t _key_len(tuple k):
    if k[0] == KEY_INT:
        return 1
    if k[0] == KEY_SLICE:
        return k[3]
    return (<object>k[1]).shape[0]


cdef cnp.ndarray _key_indices(tuple k):
    if k[0] == KEY_INT:
        return np.array([k[1]], dtype=np.intp)
    if k[0] == KEY_SLICE:
        return k[1] + k[2] * np.arange(k[3], dtype=np.intp)
    return k[1]


cdef inline bint _int_pair(object key, Py_ssize_t rows, Py_ssize_t cols,
                           Py_ssize_t* i, Py_ssize_t* j):
    """True (and i, j set, negatives wrapped) when key is a pair of in-range Python
    ints; everything else (including errors) goes through the general parser."""
    cdef object a, b
    cdef Py_ssize_t ii, jj
    if type(key) is not tuple or len(<tuple>key) != 2:
        return False
    a = (<tuple>key)[0]
    b = (<tuple>key)[1]
    if type(a) is not int or type(b) is not int:
        return False
    if not (-rows <= a < rows and -cols <= b < cols):
        return False
    ii = a
    jj = b
    i[0] = ii + rows if ii < 0 else ii
    j[0] = jj + cols if jj < 0 else jj
    return True


cdef Vector _row_view(Matrix A, Py_ssize_t i):
    """Row i (0 <= i < rows) as a Vector sharing A's memory."""
    cdef Vector v = Vector.__new__(Vector)
    v.data = A.data + i * A.ld * kind_itemsize(A.kind)
    v.kind = A.kind
    v.n = A.ncols
    v.owner = A.owner
    v.readonly = A.readonly
    return v


cdef tuple _matrix_keys(Matrix A, object key):
    if isinstance(key, tuple):
        if len(key) != 2:
            raise IndexError("a Matrix takes 1 or 2 indices, got %d" % len(key))
        return (_axis_key(key[0], A.nrows, "row"), _axis_key(key[1], A.ncols, "column"))
    return (_axis_key(key, A.nrows, "row"), (KEY_SLICE, 0, 1, A.ncols))


cdef inline bint _is_view_key(tuple kr, tuple kc):
    """Can A[kr, kc] be expressed as (pointer, rows, cols, ld)? Rows: an integer or
    a slice with a positive step (ld is multiplied by it); columns: a step-1 slice."""
    return ((kr[0] == KEY_INT or (kr[0] == KEY_SLICE and kr[2] > 0))
            and kc[0] == KEY_SLICE and kc[2] == 1)


cdef Block _view_block(Matrix A, tuple kr, tuple kc):
    cdef Block b
    cdef Py_ssize_t r0 = kr[1], c0 = kc[1]
    b.rows = 1 if kr[0] == KEY_INT else kr[3]
    b.cols = kc[3]
    b.ld = A.ld if kr[0] == KEY_INT else A.ld * <Py_ssize_t>kr[2]
    b.data = A.data
    b.kind = A.kind
    if b.rows > 0 and b.cols > 0:
        b.data = A.data + (r0 * A.ld + c0) * kind_itemsize(A.kind)
    return b


cdef object _selection_shape(tuple kr, tuple kc):
    if kr[0] == KEY_INT:
        return (_key_len(kc),)
    if kc[0] == KEY_INT:
        return (_key_len(kr),)
    return (_key_len(kr), _key_len(kc))


cdef Matrix _gather_matrix(Matrix A, cnp.ndarray ri, cnp.ndarray ci):
    cdef Matrix out = matrix_empty(ri.shape[0], ci.shape[0], A.kind)
    cdef const Py_ssize_t* rp = <const Py_ssize_t*>cnp.PyArray_DATA(ri)
    cdef const Py_ssize_t* cp = <const Py_ssize_t*>cnp.PyArray_DATA(ci)
    with nogil:
        # out = A[np.ix_(ri, ci)]
        k_gather(A.kind, out.nrows, out.ncols, A.data, A.ld, rp, cp, out.data, out.ld)
    return out


cdef object _assign(object target, Block dst, object shape, object value,
                    cnp.ndarray ri, cnp.ndarray ci, bint use_block):
    """Write value (scalar, or array-like of exactly `shape`) into dst (a block of
    target) or, when not use_block, into target's rows ri x columns ci. A value of
    the other dtype is cast to the target's (numpy's assignment rule)."""
    cdef object o = _operand(value)
    cdef Block src, whole
    cdef int kind = (<_Dense>target).kind
    cdef double s
    cdef double s64
    cdef float s32
    cdef const Py_ssize_t* rp
    cdef const Py_ssize_t* cp
    cdef bint is_scalar
    if o is NotImplemented:
        raise TypeError("cannot assign %s to a %s" % (type(value).__name__,
                                                      type(target).__name__))
    if not isinstance(o, float):
        if len(shape) == 1:
            ok = isinstance(o, Vector) and (<Vector>o).n == shape[0]
        else:
            ok = isinstance(o, Matrix) and o.shape == shape
        if not ok and o.size == 0 and np.prod(shape) == 0:
            return None                     # nothing to assign, e.g. A[2:2] = []
        if not ok:
            raise ValueError("could not assign a value of shape %s to a selection of "
                             "shape %s" % (_shape_str(o), shape))
        o = _astype(o, kind)
        src = _block(o)
        whole = _block(target)
        if _overlaps(whole, src):
            o = _copy_of(o)
            src = _block(o)
        if isinstance(o, Vector) and not use_block:
            # a 1-D value fills a row or a column selection: read it as ri x ci
            src.rows = ri.shape[0]
            src.cols = ci.shape[0]
            src.ld = src.cols if src.cols > 0 else 1
    else:
        s = <double>o
        s64 = s
        s32 = <float>s
        src.data = <char*>&s32 if kind == RM_FLOAT32 else <char*>&s64
        src.ld = 1
    is_scalar = isinstance(o, float)
    if use_block:
        with nogil:
            if is_scalar:
                k_fill(kind, dst.rows, dst.cols, s, dst.data, dst.ld)
            else:
                k_copy(kind, dst.rows, dst.cols, src.data, src.ld, dst.data, dst.ld)
        return None
    rp = <const Py_ssize_t*>cnp.PyArray_DATA(ri)
    cp = <const Py_ssize_t*>cnp.PyArray_DATA(ci)
    whole = _block(target)
    with nogil:
        k_scatter(kind, ri.shape[0], ci.shape[0], src.data, src.ld, is_scalar, rp, cp,
                  whole.data, whole.ld)
    return None


# ---------------------------------------------------------------------------------
# Matrix
# ---------------------------------------------------------------------------------
cdef class Matrix(_Dense):
    """A dense float64 or float32 matrix stored row-major, with views and numpy interop.

    Parameters
    ----------
    data : array-like of shape (rows, cols)
        Nested sequences, numpy arrays of any real dtype and order, a Matrix, or
        anything with the buffer protocol or ``__array__``. Always copied to a fresh
        matrix (`asmatrix` wraps without copying): float32 data stays float32, any
        other real data becomes float64. 1-D data is one row, shape (1, n). bool is
        accepted as 0/1. NaN and inf are stored as given.
    dtype : None, float64 or float32
        Forces the dtype (None: as above).

    Raises
    ------
    TypeError
        Non-numeric data (strings, objects, None) or complex values.
    ValueError
        Ragged nested sequences, 0-D data, 3-D (and higher) data.

    Notes
    -----
    Indexing follows numpy, with these rules:

    * ``A[i, j]`` is a float, ``A[i]`` / ``A[i, c0:c1]`` a Vector view of a row;
    * ``A[r0:r1, c0:c1]`` is a Matrix view sharing memory (it keeps the memory alive),
      also with a positive row step (``A[::2]``: the leading dimension is multiplied);
    * everything else is a copy: a column ``A[:, j]``, a column step other than 1, a
      negative row step, integer or boolean sequences (two sequences select the
      outer product of rows and columns, like `select_rows` then `select_cols`);
    * assignment ``A[key] = value`` writes through every form, with a scalar or an
      array-like of exactly the selection's shape.

    Operators are elementwise with a same-shape operand or a real scalar (no
    broadcasting of rows or columns); ``A ** p`` takes a real scalar p; ``@`` goes
    through GEMM/GEMV/DOT; ``==`` is exact equality of shape and entries and returns
    one bool; ``x in A`` looks at the entries.
    """

    def __cinit__(self):
        self.nrows = 0
        self.ncols = 0
        self.ld = 1

    def __init__(self, data, dtype=None):
        if self.owner is not None:
            raise TypeError("Matrix.__init__ cannot re-initialise an existing matrix "
                            "(views and exported buffers point into its memory)")
        cdef Matrix src = asmatrix(data, dtype)
        cdef Matrix dst = matrix_empty(src.nrows, src.ncols, src.kind)
        with nogil:
            k_copy(src.kind, src.nrows, src.ncols, src.data, src.ld, dst.data, dst.ld)
        self.data = dst.data
        self.kind = dst.kind
        self.nrows = dst.nrows
        self.ncols = dst.ncols
        self.ld = dst.ld
        self.owner = dst.owner
        self.readonly = False

    # ---- constructors -------------------------------------------------------------
    @staticmethod
    def zeros(Py_ssize_t rows, Py_ssize_t cols, dtype=None):
        """Matrix of shape (rows, cols) filled with 0 (dtype float64 or float32)."""
        return matrix_zeros(rows, cols, kind_of(dtype))

    @staticmethod
    def ones(Py_ssize_t rows, Py_ssize_t cols, dtype=None):
        """Matrix of shape (rows, cols) filled with 1 (dtype float64 or float32)."""
        cdef Matrix M = matrix_empty(rows, cols, kind_of(dtype))
        with nogil:
            k_fill(M.kind, rows, cols, 1.0, M.data, M.ld)
        return M

    @staticmethod
    def identity(Py_ssize_t n, dtype=None):
        """The n x n identity matrix (dtype float64 or float32)."""
        cdef Matrix M = matrix_zeros(n, n, kind_of(dtype))
        cdef Py_ssize_t i
        for i in range(n):
            k_set(M.kind, M.data, i * M.ld + i, 1.0)
        return M

    @staticmethod
    def from_diag(diag, dtype=None):
        """Square matrix with `diag` (array-like of shape (n,)) on its diagonal, of
        diag's dtype (as `asvector`) unless dtype is given."""
        cdef Vector d = asvector(diag, dtype)
        cdef Matrix M = matrix_zeros(d.n, d.n, d.kind)
        cdef Py_ssize_t i
        for i in range(d.n):
            k_set(M.kind, M.data, i * M.ld + i, k_get(d.kind, d.data, i))
        return M

    @staticmethod
    def from_fn(Py_ssize_t rows, Py_ssize_t cols, f, dtype=None):
        """Matrix with entry (i, j) equal to ``f(i, j)`` (a Python callable)."""
        if not callable(f):
            raise TypeError("from_fn: %s is not callable" % type(f).__name__)
        cdef Matrix M = matrix_empty(rows, cols, kind_of(dtype))
        cdef Py_ssize_t i, j
        for i in range(rows):
            for j in range(cols):
                k_set(M.kind, M.data, i * M.ld + j, f(i, j))
        return M

    @staticmethod
    def random(Py_ssize_t rows, Py_ssize_t cols, seed=None, dtype=None):
        """Matrix of independent standard normal entries (numpy's default Generator
        seeded with `seed`: an int, a Generator, or None for fresh entropy; float32
        entries are drawn in float32, as numpy's ``standard_normal(dtype=)``)."""
        cdef Matrix M = matrix_empty(rows, cols, kind_of(dtype))
        if rows * cols > 0:
            np.random.default_rng(seed).standard_normal(out=np.asarray(M),
                                                        dtype=_DTYPES[M.kind])
        return M

    # ---- shape ----------------------------------------------------------------------
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

    def __len__(self):
        return self.nrows

    def __bool__(self):
        if self.nrows * self.ncols != 1:
            raise ValueError("the truth value of a Matrix with %d elements is ambiguous;"
                             " use A == B, A.allclose(B) or A.size"
                             % (self.nrows * self.ncols))
        return k_get(self.kind, self.data, 0) != 0.0

    # ---- numpy interop ------------------------------------------------------------
    def __getbuffer__(self, Py_buffer* view, int flags):
        _export(view, self, self.data, self.kind, self.readonly, 2, self.nrows,
                self.ncols, self.ld, flags)
        self._exports += 1

    def __releasebuffer__(self, Py_buffer* view):
        free(view.internal)
        view.internal = NULL
        self._exports -= 1

    # ---- access ---------------------------------------------------------------------
    def __getitem__(self, key):
        cdef tuple kr, kc
        cdef Block b
        cdef Matrix M
        cdef Vector v
        cdef Py_ssize_t i, j
        if _int_pair(key, self.nrows, self.ncols, &i, &j):        # fast path: A[i, j]
            return _item(self.kind, k_get(self.kind, self.data, i * self.ld + j))
        if type(key) is int and -self.nrows <= key < self.nrows:   # fast path: A[i]
            i = key
            return _row_view(self, i + self.nrows if i < 0 else i)
        kr, kc = _matrix_keys(self, key)
        if kr[0] == KEY_INT and kc[0] == KEY_INT:
            return _item(self.kind, k_get(self.kind, self.data,
                                          <Py_ssize_t>kr[1] * self.ld + <Py_ssize_t>kc[1]))
        if _is_view_key(kr, kc):
            b = _view_block(self, kr, kc)
            if kr[0] == KEY_INT:
                v = Vector.__new__(Vector)
                v.data = b.data
                v.kind = b.kind
                v.n = b.cols
                v.owner = self.owner
                v.readonly = self.readonly
                return v
            M = Matrix.__new__(Matrix)
            M.data = b.data
            M.kind = b.kind
            M.nrows = b.rows
            M.ncols = b.cols
            M.ld = b.ld
            M.owner = self.owner
            M.readonly = self.readonly
            return M
        M = _gather_matrix(self, _key_indices(kr), _key_indices(kc))
        if kr[0] == KEY_INT or kc[0] == KEY_INT:
            return _as_vector_of(M)
        return M

    def __setitem__(self, key, value):
        cdef tuple kr, kc
        cdef Block b
        cdef Py_ssize_t i, j
        if self.readonly:
            raise ValueError("assignment destination is read-only")
        if _int_pair(key, self.nrows, self.ncols, &i, &j):        # fast path: A[i, j] = x
            k_set(self.kind, self.data, i * self.ld + j, value)
            return
        kr, kc = _matrix_keys(self, key)
        if kr[0] == KEY_INT and kc[0] == KEY_INT:
            k_set(self.kind, self.data, <Py_ssize_t>kr[1] * self.ld + <Py_ssize_t>kc[1],
                  value)
            return
        shape = _selection_shape(kr, kc)
        if _is_view_key(kr, kc):
            b = _view_block(self, kr, kc)
            _assign(self, b, shape, value, None, None, True)
        else:
            _assign(self, b, shape, value, _key_indices(kr), _key_indices(kc), False)

    def __iter__(self):
        """Iterate over the rows (Vector views)."""
        cdef Py_ssize_t i
        for i in range(self.nrows):
            yield _row_view(self, i)

    @property
    def T(self):
        """The transpose, as a new Matrix (a copy, tile by tile)."""
        return self.transpose()

    def transpose(self):
        """The transpose, as a new Matrix (a copy)."""
        cdef Matrix out = matrix_empty(self.ncols, self.nrows, self.kind)
        with nogil:
            k_transpose(self.kind, self.nrows, self.ncols, self.data, self.ld,
                        out.data, out.ld)
        return out

    def diag(self):
        """The main diagonal (min(rows, cols) entries), as a new Vector."""
        cdef Py_ssize_t k = min(self.nrows, self.ncols), i
        cdef Vector d = vector_empty(k, self.kind)
        for i in range(k):
            k_set(d.kind, d.data, i, k_get(self.kind, self.data, i * self.ld + i))
        return d

    def trace(self):
        """Sum of the main diagonal."""
        cdef Py_ssize_t k = min(self.nrows, self.ncols), i
        cdef double s = 0.0
        for i in range(k):
            s += k_get(self.kind, self.data, i * self.ld + i)
        return _scalar(self.kind, s)

    def select_rows(self, rows):
        """New Matrix made of the given rows.

        Parameters
        ----------
        rows : sequence of int (negative counts from the end), boolean mask, or slice
        """
        kr = _axis_key(rows, self.nrows, "row")
        return _gather_matrix(self, _key_indices(kr), np.arange(self.ncols, dtype=np.intp))

    def select_cols(self, cols):
        """New Matrix made of the given columns (same index forms as `select_rows`)."""
        kc = _axis_key(cols, self.ncols, "column")
        return _gather_matrix(self, np.arange(self.nrows, dtype=np.intp), _key_indices(kc))

    # ---- pickling -------------------------------------------------------------------
    def __reduce__(self):
        return (_matrix_from_bytes, (self.nrows, self.ncols, np.asarray(self).tobytes(),
                                     _DTYPES[self.kind].name))

    # ---- reductions -----------------------------------------------------------------
    def norm(self, ord=None):
        """Matrix norm.

        Parameters
        ----------
        ord : {None, "fro", 1, -1, inf, -inf, 2, -2, "nuc"}
            None/"fro": Frobenius (overflow-safe); 1 / -1: max / min column sum of
            |a_ij|; inf / -inf: max / min row sum; 2 / -2: largest / smallest singular
            value; "nuc": sum of singular values (GVL4 sec. 2.3).

        Returns
        -------
        float
        """
        cdef double r = 0.0
        cdef Vector sums
        cdef Py_ssize_t i, isz = kind_itemsize(self.kind)
        if ord is None or ord == "fro":
            with nogil:
                r = k_fro(self.kind, self.nrows, self.ncols, self.data, self.ld)
            return _scalar(self.kind, r)
        if isinstance(ord, str):
            if ord == "nuc":
                return float(np.sum(_svdvals(self)))
            raise ValueError("invalid norm order %r for a Matrix" % (ord,))
        if ord in (1, -1):
            if self.ncols == 0:
                return 0.0
            sums = vector_empty(self.ncols, self.kind)
            with nogil:
                k_col_sums(self.kind, True, self.nrows, self.ncols, self.data, self.ld,
                           sums.data)
            return sums.max() if ord == 1 else sums.min()
        if ord in (np.inf, -np.inf):
            if self.nrows == 0:
                return 0.0
            sums = vector_empty(self.nrows, self.kind)
            with nogil:
                for i in range(self.nrows):
                    k_set(sums.kind, sums.data, i,
                          k_asum(self.kind, self.ncols, self.data + i * self.ld * isz))
            return sums.max() if ord > 0 else sums.min()
        if ord in (2, -2):
            s = _svdvals(self)
            if len(s) == 0:
                return 0.0
            return float(s[0]) if ord == 2 else float(s[len(s) - 1])
        raise ValueError("invalid norm order %r for a Matrix" % (ord,))

    # ---- decompositions: the public package, looked up at call time (header) ---------
    def lu(self):
        """``(P, L, U)`` with ``A = P @ L @ U``; see `rusty_machine.linalg.lu`."""
        return _linalg().lu(self)

    def cholesky(self, *args, **kwargs):
        """Cholesky factor; see `rusty_machine.linalg.cholesky`."""
        return _linalg().cholesky(self, *args, **kwargs)

    def qr(self, *args, **kwargs):
        """QR factorisation; see `rusty_machine.linalg.qr`."""
        return _linalg().qr(self, *args, **kwargs)

    def eigh(self):
        """Symmetric eigendecomposition ``(w, V)``; see `rusty_machine.linalg.eigh`."""
        return _linalg().eigh(self)

    def eig(self):
        """General eigendecomposition ``(w, V)``; see `rusty_machine.linalg.eig`."""
        return _linalg().eig(self)

    def svd(self, *args, **kwargs):
        """``(U, s, Vt)``; see `rusty_machine.linalg.svd`."""
        return _linalg().svd(self, *args, **kwargs)

    def solve(self, b):
        """x with ``A @ x = b``; see `rusty_machine.linalg.solve`."""
        return _linalg().solve(self, b)

    def inv(self):
        """The inverse; see `rusty_machine.linalg.inv`."""
        return _linalg().inv(self)

    def det(self):
        """The determinant; see `rusty_machine.linalg.det`."""
        return _linalg().det(self)


cdef object _svdvals(Matrix A):
    return _linalg().svdvals(A)


cdef object _linalg():
    """The public package rusty_machine.linalg, for the decomposition methods (see
    "Module graph" in the header): imported at call time, never at import time."""
    import rusty_machine.linalg
    return rusty_machine.linalg


def _matrix_from_bytes(Py_ssize_t rows, Py_ssize_t cols, bytes data,
                       dtype="float64"):
    """Unpickle a Matrix (rows * cols elements of dtype, row-major, native byte
    order; pickles without a dtype are float64)."""
    cdef Matrix M = matrix_empty(rows, cols, kind_of(dtype))
    cdef Py_ssize_t nbytes = rows * cols * kind_itemsize(M.kind)
    if len(data) != nbytes:
        raise ValueError("pickled Matrix of shape (%d, %d) carries %d bytes"
                         % (rows, cols, len(data)))
    memcpy(M.data, <const char*>data, nbytes)
    return M


cdef inline object _item(int kind, double value):
    """One element as numpy gives it: np.float32 for float32, else a float."""
    if kind == RM_FLOAT32:
        return np.float32(value)
    return value


# ---------------------------------------------------------------------------------
# Vector
# ---------------------------------------------------------------------------------
cdef class Vector(_Dense):
    """A dense contiguous float64 or float32 vector.

    Parameters
    ----------
    data : array-like of shape (n,)
        Sequences, numpy arrays of any real dtype, buffers; always copied (use
        `asvector` to wrap without copying). float32 stays float32, other real
        data becomes float64; bool is accepted as 0/1.
    dtype : None, float64 or float32
        Forces the dtype.

    Raises
    ------
    TypeError
        Non-numeric data or complex values.
    ValueError
        Ragged sequences, data that is not 1-D.

    Notes
    -----
    ``v[i]`` is a float; ``v[a:b]`` a view; a slice with a step other than 1 and
    integer/boolean sequences give copies. Operators as for `Matrix`; ``u @ v`` is
    the dot product (a float).
    """

    def __cinit__(self):
        self.n = 0

    def __init__(self, data, dtype=None):
        if self.owner is not None:
            raise TypeError("Vector.__init__ cannot re-initialise an existing vector")
        cdef Vector src = asvector(data, dtype)
        cdef Vector dst = vector_empty(src.n, src.kind)
        with nogil:
            k_copy(src.kind, 1, src.n, src.data, src.n, dst.data, dst.n)
        self.data = dst.data
        self.kind = dst.kind
        self.n = dst.n
        self.owner = dst.owner
        self.readonly = False

    @staticmethod
    def zeros(Py_ssize_t n, dtype=None):
        """Vector of n zeros (dtype float64 or float32)."""
        return vector_zeros(n, kind_of(dtype))

    @staticmethod
    def ones(Py_ssize_t n, dtype=None):
        """Vector of n ones (dtype float64 or float32)."""
        cdef Vector v = vector_empty(n, kind_of(dtype))
        with nogil:
            k_fill(v.kind, 1, n, 1.0, v.data, n)
        return v

    @staticmethod
    def random(Py_ssize_t n, seed=None, dtype=None):
        """Vector of n independent standard normal entries (see `Matrix.random`)."""
        cdef Vector v = vector_empty(n, kind_of(dtype))
        if n > 0:
            np.random.default_rng(seed).standard_normal(out=np.asarray(v),
                                                        dtype=_DTYPES[v.kind])
        return v

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

    def __len__(self):
        return self.n

    def __bool__(self):
        if self.n != 1:
            raise ValueError("the truth value of a Vector with %d elements is ambiguous"
                             % self.n)
        return k_get(self.kind, self.data, 0) != 0.0

    def __getbuffer__(self, Py_buffer* view, int flags):
        _export(view, self, self.data, self.kind, self.readonly, 1, 1, self.n, self.n,
                flags)
        self._exports += 1

    def __releasebuffer__(self, Py_buffer* view):
        free(view.internal)
        view.internal = NULL
        self._exports -= 1

    # ---- access ---------------------------------------------------------------------
    def __getitem__(self, key):
        cdef tuple k
        cdef Vector v
        cdef Py_ssize_t length, i
        if type(key) is int and -self.n <= key < self.n:           # fast path: v[i]
            i = key
            return _item(self.kind, k_get(self.kind, self.data, i + self.n if i < 0 else i))
        k = _vector_key(self, key)
        if k[0] == KEY_INT:
            return _item(self.kind, k_get(self.kind, self.data, <Py_ssize_t>k[1]))
        if k[0] == KEY_SLICE and k[2] == 1:
            length = k[3]
            v = Vector.__new__(Vector)
            v.kind = self.kind
            v.data = self.data + ((<Py_ssize_t>k[1] if length > 0 else 0)
                                  * kind_itemsize(self.kind))
            v.n = length
            v.owner = self.owner
            v.readonly = self.readonly
            return v
        return _as_vector_of(_gather_matrix(asmatrix(self), np.zeros(1, dtype=np.intp),
                                            _key_indices(k)))

    def __setitem__(self, key, value):
        cdef tuple k
        cdef Block b
        if self.readonly:
            raise ValueError("assignment destination is read-only")
        k = _vector_key(self, key)
        if k[0] == KEY_INT:
            k_set(self.kind, self.data, <Py_ssize_t>k[1], value)
            return
        shape = (_key_len(k),)
        if k[0] == KEY_SLICE and k[2] == 1:
            b.kind = self.kind
            b.data = self.data + ((<Py_ssize_t>k[1] if k[3] > 0 else 0)
                                  * kind_itemsize(self.kind))
            b.rows = 1
            b.cols = k[3]
            b.ld = b.cols if b.cols > 0 else 1
            _assign(self, b, shape, value, None, None, True)
        else:
            _assign(self, b, shape, value, np.zeros(1, dtype=np.intp), _key_indices(k),
                    False)

    def __iter__(self):
        cdef Py_ssize_t i
        for i in range(self.n):
            yield _item(self.kind, k_get(self.kind, self.data, i))

    def dot(self, other):
        """The dot product with a Vector of the same length, through xdot."""
        return _matmul(self, asvector(other))

    def __reduce__(self):
        return (_vector_from_bytes, (self.n, np.asarray(self).tobytes(),
                                     _DTYPES[self.kind].name))

    # ---- reductions -----------------------------------------------------------------
    def norm(self, ord=None):
        """Vector norm.

        Parameters
        ----------
        ord : {None, 2, 1, inf, -inf}
            None/2: Euclidean (scaled, dnrm2); 1: sum of |x_i| (dasum); inf / -inf:
            largest / smallest |x_i|.

        Returns
        -------
        float
        """
        cdef double r = 0.0
        if ord is None or (not isinstance(ord, str) and ord == 2):
            with nogil:
                r = k_nrm2(self.kind, self.n, self.data)
            return _scalar(self.kind, r)
        if not isinstance(ord, str) and ord == 1:
            with nogil:
                r = k_asum(self.kind, self.n, self.data)
            return _scalar(self.kind, r)
        if not isinstance(ord, str) and ord in (np.inf, -np.inf):
            if self.n == 0:
                return 0.0
            return abs(self).max() if ord > 0 else abs(self).min()
        raise ValueError("invalid norm order %r for a Vector" % (ord,))


cdef tuple _vector_key(Vector v, object key):
    if isinstance(key, tuple):
        if len(key) != 1:
            raise IndexError("a Vector takes 1 index, got %d" % len(key))
        key = key[0]
    return _axis_key(key, v.n, "vector")


def _vector_from_bytes(Py_ssize_t n, bytes data, dtype="float64"):
    """Unpickle a Vector (n elements of dtype, native byte order)."""
    cdef Vector v = vector_empty(n, kind_of(dtype))
    cdef Py_ssize_t nbytes = n * kind_itemsize(v.kind)
    if len(data) != nbytes:
        raise ValueError("pickled Vector of length %d carries %d bytes" % (n, len(data)))
    memcpy(v.data, <const char*>data, nbytes)
    return v


# ---------------------------------------------------------------------------------
# module-level functions
# ---------------------------------------------------------------------------------
def matmul(A, B):
    """Matrix product of two array-likes through our GEMM/GEMV/DOT kernels.

    Parameters
    ----------
    A, B : Matrix, Vector or array-like of 1 or 2 dimensions

    Returns
    -------
    Matrix (2-D @ 2-D), Vector (2-D @ 1-D, 1-D @ 2-D) or float (1-D @ 1-D)

    Raises
    ------
    ValueError
        The inner dimensions differ (both shapes are named).
    TypeError
        Scalars or non-numeric operands.
    """
    r = _matmul(A, B)
    if r is NotImplemented:
        raise TypeError("matmul: unsupported operand types %s and %s"
                        % (type(A).__name__, type(B).__name__))
    return r


def dot(x, y):
    """Dot product, like numpy.dot for 1-D and 2-D operands (then equal to `matmul`);
    a real scalar on either side scales the other operand.

    Returns
    -------
    float, Vector or Matrix
    """
    if isinstance(x, (int, float)) or isinstance(y, (int, float)):
        if isinstance(x, (int, float)):
            x, y = y, x
        o = _operand(x)
        if isinstance(o, float):
            return o * float(y)
        if o is NotImplemented or not isinstance(o, (Matrix, Vector)):
            raise TypeError("dot: unsupported operand %s" % type(x).__name__)
        return o * y
    return matmul(x, y)


cdef Matrix _stack_piece(object x, bint as_column):
    """A stacking operand as a Matrix; 1-D input is a column (hstack) or a row."""
    cdef Vector v
    cdef Matrix M
    if isinstance(x, Matrix):
        return <Matrix>x
    arr = x if isinstance(x, Vector) else _matrix_array(x)
    if np.ndim(arr) == 2:
        return asmatrix(arr)
    v = asvector(arr)
    if not as_column:
        return asmatrix(v)
    M = Matrix.__new__(Matrix)
    M.data = v.data
    M.kind = v.kind
    M.nrows = v.n
    M.ncols = 1
    M.ld = 1
    M.owner = v.owner
    M.readonly = v.readonly
    return M


def hstack(blocks):
    """Concatenate matrices side by side.

    Parameters
    ----------
    blocks : sequence of Matrix / array-like, each of shape (rows, c_k)
        1-D pieces (Vector, lists) are columns of shape (rows, 1).

    Returns
    -------
    Matrix of shape (rows, sum c_k), float32 when every piece is float32

    Raises
    ------
    ValueError
        An empty sequence, or pieces with different numbers of rows.
    """
    pieces = [_stack_piece(b, True) for b in blocks]
    if not pieces:
        raise ValueError("hstack: need at least one matrix")
    cdef Py_ssize_t rows = (<Matrix>pieces[0]).nrows, cols = 0, c0 = 0, isz
    cdef int kind = RM_FLOAT32
    cdef Matrix P, out
    for P in pieces:
        if P.nrows != rows:
            raise ValueError("hstack: all pieces need %d rows, got shapes %s and %s"
                             % (rows, pieces[0].shape, P.shape))
        cols += P.ncols
        kind = _promote(kind, P.kind)
    out = matrix_empty(rows, cols, kind)
    isz = kind_itemsize(kind)
    for P in pieces:
        P = _astype(P, kind)
        with nogil:
            k_copy(kind, rows, P.ncols, P.data, P.ld, out.data + c0 * isz, out.ld)
        c0 += P.ncols
    return out


def vstack(blocks):
    """Concatenate matrices on top of each other.

    Parameters
    ----------
    blocks : sequence of Matrix / array-like, each of shape (r_k, cols)
        1-D pieces (Vector, lists) are rows of shape (1, cols).

    Returns
    -------
    Matrix of shape (sum r_k, cols), float32 when every piece is float32

    Raises
    ------
    ValueError
        An empty sequence, or pieces with different numbers of columns.
    """
    pieces = [_stack_piece(b, False) for b in blocks]
    if not pieces:
        raise ValueError("vstack: need at least one matrix")
    cdef Py_ssize_t cols = (<Matrix>pieces[0]).ncols, rows = 0, r0 = 0, isz
    cdef int kind = RM_FLOAT32
    cdef Matrix P, out
    for P in pieces:
        if P.ncols != cols:
            raise ValueError("vstack: all pieces need %d columns, got shapes %s and %s"
                             % (cols, pieces[0].shape, P.shape))
        rows += P.nrows
        kind = _promote(kind, P.kind)
    out = matrix_empty(rows, cols, kind)
    isz = kind_itemsize(kind)
    for P in pieces:
        P = _astype(P, kind)
        with nogil:
            k_copy(kind, P.nrows, cols, P.data, P.ld, out.data + r0 * out.ld * isz, out.ld)
        r0 += P.nrows
    return out


hcat = hstack
vcat = vstack

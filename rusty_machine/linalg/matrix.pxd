# matrix.pxd: the storage of Matrix and Vector, for modules that cimport them.
#
# A Matrix is a row-major block of float64 or float32 (its `kind`): element (i, j) at
# (<double*>data)[i * ld + j], or (<float*>data)[i * ld + j]. The pointer is held as
# char* so that one class serves both dtypes; a kernel fused over _floating.floating
# gets the pointer cast to its kind (see _kind_dispatch.pxi). `owner` keeps the memory
# alive (a _Buffer this module allocated 64-byte aligned, or the numpy array / buffer
# exporter it wraps); views share their parent's owner and kind.

# The element types (numpy's float64 and float32).
cdef enum:
    RM_FLOAT64 = 0
    RM_FLOAT32 = 1

cdef class _Buffer:
    cdef char* ptr            # 64-byte aligned start
    cdef void* raw            # what malloc returned (freed in __dealloc__)
    cdef Py_ssize_t nbytes    # usable bytes from ptr

# What both kinds hold (and the methods they share: operators, reductions, ...).
cdef class _Dense:
    cdef char* data           # the first element; its type is given by kind
    cdef int kind             # RM_FLOAT64 or RM_FLOAT32
    cdef object owner
    cdef bint readonly
    cdef Py_ssize_t _exports  # live buffer-protocol exports

cdef class Matrix(_Dense):
    cdef Py_ssize_t nrows
    cdef Py_ssize_t ncols
    cdef Py_ssize_t ld        # row stride in elements, >= ncols (>= 1)

cdef class Vector(_Dense):
    cdef Py_ssize_t n         # contiguous: element i at data[i]

# Bytes per element of a kind.
cdef inline Py_ssize_t kind_itemsize(int kind) noexcept nogil:
    return sizeof(float) if kind == RM_FLOAT32 else sizeof(double)

# The kind of a numpy dtype-like (None: float64); TypeError for anything but
# float32 / float64.
cdef int kind_of(object dtype) except -1

# Allocate an uninitialised (or zeroed) owned Matrix / Vector (float64 by default).
cdef Matrix matrix_empty(Py_ssize_t rows, Py_ssize_t cols, int kind=*)
cdef Matrix matrix_zeros(Py_ssize_t rows, Py_ssize_t cols, int kind=*)
cdef Vector vector_empty(Py_ssize_t n, int kind=*)
cdef Vector vector_zeros(Py_ssize_t n, int kind=*)
# Convert anything the public constructors accept; copy only when needed
# (asmatrix semantics): float32 data stays float32, other real data becomes float64,
# unless dtype forces one. Raises TypeError / ValueError on bad input.
cpdef Matrix asmatrix(object obj, object dtype=*)
cpdef Vector asvector(object obj, object dtype=*)

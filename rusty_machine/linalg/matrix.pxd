# matrix.pxd: the storage of Matrix and Vector, for modules that cimport them.
#
# A Matrix is a row-major float64 block: element (i, j) at data[i * ld + j].
# `owner` keeps the memory alive (a _Buffer this module allocated 64-byte aligned,
# or the numpy array / buffer exporter it wraps); views share their parent's owner.

cdef class _Buffer:
    cdef double* ptr          # 64-byte aligned start
    cdef void* raw            # what malloc returned (freed in __dealloc__)
    cdef Py_ssize_t n         # number of doubles

cdef class Matrix:
    cdef double* data
    cdef Py_ssize_t nrows
    cdef Py_ssize_t ncols
    cdef Py_ssize_t ld        # row stride in elements, >= ncols (>= 1)
    cdef object owner
    cdef bint readonly
    cdef Py_ssize_t _exports  # live buffer-protocol exports

cdef class Vector:
    cdef double* data
    cdef Py_ssize_t n
    cdef object owner
    cdef bint readonly
    cdef Py_ssize_t _exports

# Allocate an uninitialised (or zeroed) owned Matrix / Vector.
cdef Matrix matrix_empty(Py_ssize_t rows, Py_ssize_t cols)
cdef Matrix matrix_zeros(Py_ssize_t rows, Py_ssize_t cols)
cdef Vector vector_empty(Py_ssize_t n)
cdef Vector vector_zeros(Py_ssize_t n)
# Convert anything the public constructors accept; copy only when needed
# (asmatrix semantics). Raises TypeError / ValueError on bad input.
cpdef Matrix asmatrix(object obj)
cpdef Vector asvector(object obj)

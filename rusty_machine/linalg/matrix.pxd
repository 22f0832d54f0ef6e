# matrix.pxd: the storage of Matrix and Vector, for modules that cimport them.
#
# A Matrix is a row-major float64 block: element (i, j) at data[i * ld + j].
# `owner` keeps the memory alive (a _Buffer this module allocated 64-byte aligned,
# or the numpy array / buffer exporter it wraps); views share their parent's owner.

cdef class _Buffer:
    cdef double* ptr          # 64-byte aligned start
    cdef void* raw            # what malloc returned (freed in __dealloc__)
    cdef Py_ssize_t n         # number of doubles

# What both kinds hold (and the methods they share: operators, reductions, ...).
cdef class _Dense:
    cdef double* data
    cdef object owner
    cdef bint readonly
    cdef Py_ssize_t _exports  # live buffer-protocol exports

cdef class Matrix(_Dense):
    cdef Py_ssize_t nrows
    cdef Py_ssize_t ncols
    cdef Py_ssize_t ld        # row stride in elements, >= ncols (>= 1)

cdef class Vector(_Dense):
    cdef Py_ssize_t n         # contiguous: element i at data[i]

# Allocate an uninitialised (or zeroed) owned Matrix / Vector.
cdef Matrix matrix_empty(Py_ssize_t rows, Py_ssize_t cols)
cdef Matrix matrix_zeros(Py_ssize_t rows, Py_ssize_t cols)
cdef Vector vector_empty(Py_ssize_t n)
cdef Vector vector_zeros(Py_ssize_t n)
# Convert anything the public constructors accept; copy only when needed
# (asmatrix semantics). Raises TypeError / ValueError on bad input.
cpdef Matrix asmatrix(object obj)
cpdef Vector asvector(object obj)

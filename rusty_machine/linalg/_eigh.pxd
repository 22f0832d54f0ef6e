# Kernels of _eigh.pyx cimported by the stacked driver (_stacked.pyx). Fused over
# _floating.floating (issue 13): a call with float pointers is the float32 instance,
# with double pointers the float64 one. The workspace sizes are counts of elements of
# the matrix's type (the same for both).
from rusty_machine.linalg._floating cimport floating

cdef int jacobi_eigh(Py_ssize_t n, floating* A, floating* V, floating* w,
                     bint want_vectors) noexcept nogil

# The one-matrix symmetric eigensolver (LAPACK dsyevd's steps: dsytrd, dsterf or
# dstedc, dormtr) on caller-provided workspace; see its docstring for the statuses.
cdef Py_ssize_t syevd_work_size(Py_ssize_t n, bint want_vectors) noexcept nogil
cdef Py_ssize_t syevd_iwork_size(Py_ssize_t n) noexcept nogil
cdef int syevd(Py_ssize_t n, floating* A, Py_ssize_t lda, floating* w, floating* V,
               Py_ssize_t ldv, bint want_vectors, bint use_dc, floating* work,
               Py_ssize_t* iwork) noexcept nogil

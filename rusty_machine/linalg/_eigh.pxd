# Kernels of _eigh.pyx cimported by the stacked driver (_stacked.pyx).

cdef int jacobi_eigh(Py_ssize_t n, double* A, double* V, double* w,
                     bint want_vectors) noexcept nogil

# The one-matrix symmetric eigensolver (LAPACK dsyevd's steps: dsytrd, dsterf or
# dstedc, dormtr) on caller-provided workspace; see its docstring for the statuses.
cdef Py_ssize_t syevd_work_size(Py_ssize_t n, bint want_vectors) noexcept nogil
cdef Py_ssize_t syevd_iwork_size(Py_ssize_t n) noexcept nogil
cdef int syevd(Py_ssize_t n, double* A, Py_ssize_t lda, double* w, double* V,
               Py_ssize_t ldv, bint want_vectors, bint use_dc, double* work,
               Py_ssize_t* iwork) noexcept nogil

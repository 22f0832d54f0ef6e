# Kernels of _eigh.pyx cimported by the stacked driver (_stacked.pyx).

cdef int jacobi_eigh(Py_ssize_t n, double* A, double* V, double* w,
                     bint want_vectors) noexcept nogil

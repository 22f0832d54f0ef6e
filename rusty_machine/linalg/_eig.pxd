# Kernels of _eig.pyx cimported by the stacked driver (_stacked.pyx): LAPACK xgeev as
# one nogil function over caller-provided workspace, and the unpacking of its real
# eigenvector format into complex vectors; both written once for float32 and float64.
from rusty_machine.linalg._floating cimport floating

# Entries (of the matrix's type) of geev's workspace for order n (with or without
# eigenvectors); its iwork holds n entries.
cdef Py_ssize_t geev_work_size(Py_ssize_t n, bint want_vectors) noexcept nogil

# Eigenvalues wr + i wi and (VR != NULL) right eigenvectors of the n x n A (not
# modified), computed in A's type: 0, 1 (the QR iteration reached its cap) or 2
# (NaN/inf in A).
cdef int geev(Py_ssize_t n, const floating* A, Py_ssize_t lda, floating* wr,
              floating* wi, floating* VR, Py_ssize_t ldv, floating* work,
              Py_ssize_t* iwork, Py_ssize_t* iters) noexcept nogil

# V[b] (complex, n x n, stored as (re, im) pairs of floating) from geev's packed real
# VR[b] and wi[b], for b < batch.
cdef void unpack_vectors(Py_ssize_t batch, Py_ssize_t n, const floating* wi,
                         const floating* VR, floating* V) noexcept nogil

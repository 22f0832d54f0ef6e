# _householder.pxd: every Householder reflector and plane rotation kernel of the library.
# QR (_qr.pyx), the tridiagonal reduction (_eigh.pyx), the Hessenberg reduction and the
# Francis QR (_eig.pyx) and the bidiagonal reduction and bidiagonal QR (_svd.pyx) all
# cimport these; _householder.pyx explains the mathematics and cites LAPACK.
#
# One storage convention for blocks of reflectors: V^T stored explicitly as the ROWS of a
# k x r block VT (row p = v_p: zeros before p, 1 at p, the vector after p), leading
# dimension ldv. The packed factors that the reductions leave behind (QR's columns below
# the diagonal, the reductions' rows) are copied into that form by gather_v.
# Row-major (pointer, leading dimension) conventions of blas.pxd; no checks, no GIL.
# house, gather_v, larft, larfb and org_q are fused over _floating.floating (float32 and
# float64 instances; a call with double pointers is the float64 one, as before), and so
# are the rotations and the row-stored orgtr / ormtr_left.
from rusty_machine.linalg._floating cimport floating

# Householder vector (GVL4 Alg. 5.1.1 with LAPACK dlarfg's normalisation and scaling):
# (I - tau v v^T) [alpha; x] = [beta; 0], v = [1; x_out]. alpha <- beta, x (stride incx,
# n - 1 entries) <- v[1:]. Returns tau (0 means H = I).
cdef floating house(Py_ssize_t n, floating* alpha, floating* x, Py_ssize_t incx) noexcept nogil

# VT (k x r) <- the explicit rows v_0..v_{k-1}; entry i > p of v_p is read from
# src[p * inc_refl + i * inc_elem] (QR's columns: inc_elem = lda, inc_refl = 1;
# rows of a reduction: inc_elem = 1, inc_refl = ld).
cdef void gather_v(Py_ssize_t k, Py_ssize_t r, const floating* src, Py_ssize_t inc_elem,
                   Py_ssize_t inc_refl, floating* VT, Py_ssize_t ldv) noexcept nogil

# T (k x k upper triangular, zeros below) with H_0 ... H_{k-1} = I - V T V^T
# (LAPACK dlarft, forward, one GEMM for V^T V then the triangular recurrence).
cdef void larft(Py_ssize_t k, Py_ssize_t r, const floating* VT, Py_ssize_t ldv,
                const floating* tau, floating* T, Py_ssize_t ldt) noexcept nogil

# Apply Q = I - V T V^T or Q^T (trans) to C (LAPACK dlarfb). left: C (r x n) <- op(Q) C;
# right: C (n x r) <- C op(Q). W, W2: k x n elements each of workspace.
cdef void larfb(bint left, bint trans, Py_ssize_t r, Py_ssize_t n, Py_ssize_t k,
                const floating* VT, Py_ssize_t ldv, const floating* T, Py_ssize_t ldt,
                floating* C, Py_ssize_t ldc, floating* W, floating* W2) noexcept nogil

# Q (m x ncols) = H_0 ... H_{k-1} I[:, :ncols], reflector p acting on rows p..m-1 with its
# entries where gather_v finds them; nb reflectors per block (LAPACK dorgqr/dorgtr/dorgbr
# by backward accumulation). work: org_work_size(m, ncols, nb) elements.
cdef void org_q(Py_ssize_t m, Py_ssize_t ncols, Py_ssize_t k, const floating* src,
                Py_ssize_t inc_elem, Py_ssize_t inc_refl, const floating* tau,
                floating* Q, Py_ssize_t ldq, Py_ssize_t nb, floating* work) noexcept nogil
cdef Py_ssize_t org_work_size(Py_ssize_t m, Py_ssize_t ncols, Py_ssize_t nb) noexcept nogil

# Plane rotations (GVL4 Sec. 5.1.8-5.1.9; BLAS drot, LAPACK dlartg).
# [c s; -s c] [f; g] = [r; 0]
cdef void lartg(floating f, floating g, floating* c, floating* s, floating* r) noexcept nogil
# [x; y] <- [c s; -s c] [x; y] on two contiguous rows of length n
cdef void rot_rows(Py_ssize_t n, floating c, floating s, floating* x, floating* y) noexcept nogil
# the same on strided vectors
cdef void rot_strided(Py_ssize_t n, floating c, floating s, floating* x, Py_ssize_t incx,
                      floating* y, Py_ssize_t incy) noexcept nogil

# Q (n x n) = H_0 ... H_{n-2} for reflectors stored in rows by a reduction (row k holds
# v_k[1:] in S[k, k+2:]: dsytrd 'L', dgehrd, dgebrd's right side); LAPACK dorgtr/dorghr.
# work: org_work_size(n, n, nb) elements.
cdef void orgtr(Py_ssize_t n, const floating* S, Py_ssize_t lds, const floating* tau,
                floating* Q, Py_ssize_t ldq, Py_ssize_t nb, floating* work) noexcept nogil

# C (n x ncols) <- Q C for Q = H_0 ... H_{n-2} stored in rows as orgtr reads them
# (LAPACK dormtr 'L' 'N'), blocks of nb reflectors. work: org_work_size(n, ncols, nb).
cdef void ormtr_left(Py_ssize_t n, const floating* S, Py_ssize_t lds, const floating* tau,
                     floating* C, Py_ssize_t ldc, Py_ssize_t ncols, Py_ssize_t nb,
                     floating* work) noexcept nogil

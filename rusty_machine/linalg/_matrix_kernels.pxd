# _matrix_kernels.pxd: the block kernels of matrix.pyx (implemented in
# _matrix_kernels.pyx), for matrix.pyx to cimport; fused over _floating.floating
# (float32 and float64 instances; matrix.pyx picks one through _kind_dispatch.pxi).
#
# Conventions: a block is (pointer, leading dimension); element (i, j) of an m x n
# block a is a[i * lda + j], lda >= n. Every kernel is `noexcept nogil` and trusts its
# caller (shapes checked, outputs allocated); roles are marked IN / OUT / INOUT in the
# .pyx. Reductions over nothing are the caller's business (min/max need n >= 1).

from rusty_machine.linalg._floating cimport floating

# elementwise operators of _ew_block / _ew_scalar
cdef enum:
    OP_ADD = 0
    OP_SUB = 1
    OP_MUL = 2
    OP_DIV = 3

cdef void _copy_block(Py_ssize_t m, Py_ssize_t n,
                      const floating* src, Py_ssize_t lds,
                      floating* dst, Py_ssize_t ldd) noexcept nogil
cdef void _fill_block(Py_ssize_t m, Py_ssize_t n, floating value,
                      floating* dst, Py_ssize_t ldd) noexcept nogil
cdef void _ew_block(int op, Py_ssize_t m, Py_ssize_t n,
                    const floating* a, Py_ssize_t lda,
                    const floating* b, Py_ssize_t ldb,
                    floating* c, Py_ssize_t ldc) noexcept nogil
cdef void _ew_scalar(int op, bint scalar_first, Py_ssize_t m, Py_ssize_t n,
                     const floating* a, Py_ssize_t lda,
                     floating s,
                     floating* c, Py_ssize_t ldc) noexcept nogil
cdef void _neg_block(Py_ssize_t m, Py_ssize_t n,
                     const floating* a, Py_ssize_t lda,
                     floating* c, Py_ssize_t ldc) noexcept nogil
cdef void _abs_block(Py_ssize_t m, Py_ssize_t n,
                     const floating* a, Py_ssize_t lda,
                     floating* c, Py_ssize_t ldc) noexcept nogil
cdef void _pow_block(Py_ssize_t m, Py_ssize_t n,
                     const floating* a, Py_ssize_t lda,
                     double p,
                     floating* c, Py_ssize_t ldc) noexcept nogil
cdef void _transpose(Py_ssize_t m, Py_ssize_t n,
                     const floating* a, Py_ssize_t lda,
                     floating* b, Py_ssize_t ldb) noexcept nogil
cdef floating _sum_block(Py_ssize_t m, Py_ssize_t n,
                         const floating* a, Py_ssize_t lda) noexcept nogil
cdef void _row_sums(Py_ssize_t m, Py_ssize_t n,
                    const floating* a, Py_ssize_t lda,
                    floating* out) noexcept nogil
cdef void _col_sums(bint absolute, Py_ssize_t m, Py_ssize_t n,
                    const floating* a, Py_ssize_t lda,
                    floating* out) noexcept nogil
cdef floating _ext_row(bint want_max, Py_ssize_t n,
                       const floating* x) noexcept nogil
cdef Py_ssize_t _find(floating v, Py_ssize_t n, const floating* x) noexcept nogil
cdef floating _ext_block(bint want_max, Py_ssize_t m, Py_ssize_t n,
                         const floating* a, Py_ssize_t lda) noexcept nogil
cdef void _argext_block(bint want_max, Py_ssize_t m, Py_ssize_t n,
                        const floating* a, Py_ssize_t lda,
                        Py_ssize_t* bi, Py_ssize_t* bj) noexcept nogil
cdef void _argext_cols(bint want_max, Py_ssize_t m, Py_ssize_t n,
                       const floating* a, Py_ssize_t lda,
                       Py_ssize_t* index, floating* value) noexcept nogil
cdef bint _equal_block(Py_ssize_t m, Py_ssize_t n,
                       const floating* a, Py_ssize_t lda,
                       const floating* b, Py_ssize_t ldb) noexcept nogil
cdef bint _close_block(Py_ssize_t m, Py_ssize_t n,
                       const floating* a, Py_ssize_t lda,
                       const floating* b, Py_ssize_t ldb,
                       double rtol, double atol) noexcept nogil
cdef floating _fro_block(Py_ssize_t m, Py_ssize_t n,
                         const floating* a, Py_ssize_t lda) noexcept nogil
cdef void _gather(Py_ssize_t m, Py_ssize_t n,
                  const floating* a, Py_ssize_t lda,
                  const Py_ssize_t* ri, const Py_ssize_t* ci,
                  floating* out, Py_ssize_t ldo) noexcept nogil
cdef void _scatter(Py_ssize_t m, Py_ssize_t n,
                   const floating* src, Py_ssize_t lds, bint scalar,
                   const Py_ssize_t* ri, const Py_ssize_t* ci,
                   floating* a, Py_ssize_t lda) noexcept nogil

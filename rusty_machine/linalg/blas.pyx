# cython: language_level=3
"""blas.pyx: level-1/2/3 kernels on raw pointers (conventions in blas.pxd).

Every kernel is ``cdef ... noexcept nogil`` and trusts its caller; the ``def`` shells at
the end of the file (the ``*_py`` test wrappers and the numpy-level ``gemv``/``syrk``)
check shapes and strides, then enter ``with nogil:`` once.

References
----------
[BLAS]  The reference BLAS (netlib): ddot, daxpy, dscal, dcopy, dswap, dnrm2, dasum,
        idamax, dgemv, dger, dtrsv, dtrsm, dtrmm, dsyrk. Each kernel below has the
        semantics of the routine it is named after, on row-major storage.
[BLUE]  J. L. Blue, "A portable Fortran program to find the Euclidean norm of a vector",
        ACM TOMS 4(1), 1978; and E. Anderson, "Algorithm 978: Safe scaling in the level 1
        BLAS", ACM TOMS 44(1), 2017 (the dnrm2 of LAPACK 3.10, dnrm2.f90).
[GVL4]  G. H. Golub and C. F. Van Loan, Matrix Computations, 4th ed., 2013:
        Sec. 1.1-1.3 (gaxpy and outer-product forms), Sec. 3.1 (triangular systems:
        Alg. 3.1.1 row-oriented forward substitution, Alg. 3.1.2 back substitution,
        Alg. 3.1.3/3.1.4 the column-oriented versions), Sec. 3.1.4-3.1.5 (multiple
        right-hand sides and the level-3 blocked triangular solve).
[GOTO]  K. Goto and R. A. van de Geijn, "Anatomy of high-performance matrix
        multiplication", ACM TOMS 34(3), 2008; and "High-performance implementation of
        the level-3 BLAS", ACM TOMS 35(1), 2008: cast TRSM/TRMM/SYRK in terms of GEMM so
        that nearly all their flops run in the GEMM.
[EGHJ]  E. Elmroth, F. Gustavson, I. Jonsson, B. Kagstrom, "Recursive blocked
        algorithms and hybrid data structures for dense matrix library software",
        SIAM Review 46(1), 2004: the recursive splitting used by the level-3 kernels.

How the level-3 kernels are blocked
-----------------------------------
(Written once for float32 and float64: xtrsm, xtrmm, xsyrk are fused and their GEMMs go
to xgemm, i.e. sgemm or dgemm; dtrsm, dtrmm, dsyrk are the float64 instances.)
dtrsm, dtrmm and dsyrk split the triangular (or symmetric) dimension in two halves,
recurse on the diagonal blocks and update the off-diagonal block with ONE dgemm call
[GOTO, EGHJ]. The top-level GEMMs have inner dimension n/2, so for large n nearly all the
flops run at GEMM speed; only triangles of order <= TRI_BASE (16) are handled by the
simple substitution / multiplication kernels of [GVL4 Sec. 3.1], and only diagonal blocks
of order <= SYRK_BASE of a dsyrk by a small GEMM into scratch (the other triangle of C is
never written). A dsyrk with k >= n (the Gram matrix of tall data) goes instead to the
packed driver's own syrk (rm_dsyrk, csrc/rm_gemm_driver.h): one packing of op(A) per k
block and only the micro-tiles that meet the triangle [GOTO Sec. 6], lower triangle
only. The base kernels work on rows, which are contiguous in row-major
storage: left side, each row of the result is a combination of rows of B (long
vector loops); right side, blocks of rows of B are transposed into a small buffer and
solved as a left-side problem with the transposed operator.

Level 1 and 2
-------------
Written once for float32 and float64: the x-kernels (xdot, xaxpy, ..., xgemv, xger,
xtrsv) are fused over _floating.floating and call the C inner loops of either type
(csrc/rm_vec_level12.h, one source); ddot, daxpy, ... are their float64 instances, the
names the other modules cimport. xnrm2 in float32 sums the squares in double, where a
float's square can neither overflow nor underflow.
Unit-increment fast paths; the reductions (dot products, sums of squares) use explicit
4-lane SIMD accumulators (see "SIMD inner loops" below). dgemv reads A by rows: y = A x
as four row dot products at a time sharing each load of x, y = A^T x as four row axpys
per pass over y. dtrsv reads T by rows for every variant (dot or axpy form).
"""
from libc.math cimport fabs, sqrt
from libc.stdlib cimport malloc, free
from libc.string cimport memset

from rusty_machine.linalg._floating cimport floating
from rusty_machine.linalg._csrc cimport (rm_sdot_unit, rm_sdot4, rm_ssumsq_unit,
                                         rm_saxpy_unit, rm_saxpy4, rm_srow_combine)
from rusty_machine.linalg._csrc cimport (rm_dot_unit, rm_dot4, rm_sumsq_unit, rm_axpy_unit,
                                         rm_axpy4, rm_row_combine, RM_TRI_MAX)

include "_gemm.pxi"


# ---- SIMD inner loops --------------------------------------------------------------
# The few inner loops that need explicit SIMD (reductions: a dot product or a sum of
# squares cannot be vectorised from scalar code without -ffast-math) are C in
# csrc/rm_vec_impl.h, compiled per instruction set and chosen at load time (see
# csrc/rm_kernels.h); declared in _csrc.pxd and cimported at the top of this file.


# ---- block sizes: the one table -------------------------------------------------
cdef enum:
    # largest TRI_BASE allowed (sizes the base kernels' stack arrays and
    # rm_row_combine's, csrc/rm_kernels.h)
    TRI_MAX = RM_TRI_MAX
    CHUNK = 256         # left-side base kernels work on column chunks this wide (L1/L2)
    RIGHT_BUF = 4096    # doubles (32 KiB) of the right-side kernels' transposition buffer
    SPLIT_ALIGN = 8     # recursive splits are rounded up to multiples of this

# dtrsm / dtrmm: triangles of order <= TRI_BASE use the base kernels (substitution /
# multiplication by rows)
cdef Py_ssize_t TRI_BASE = 16
cdef Py_ssize_t SYRK_BASE = 32   # dsyrk: diagonal blocks of order <= this by GEMM + merge


def _set_block_sizes(tri=None, syrk=None):
    """Set TRI_BASE (1..TRI_MAX) and SYRK_BASE (>= 1); testing and tuning aid.
    Returns the previous values as a dict."""
    global TRI_BASE, SYRK_BASE
    old = dict(tri=TRI_BASE, syrk=SYRK_BASE)
    if tri is not None and not 1 <= int(tri) <= TRI_MAX:
        raise ValueError("tri must be in 1..%d, got %r" % (TRI_MAX, tri))
    if syrk is not None and int(syrk) < 1:
        raise ValueError("syrk must be >= 1, got %r" % (syrk,))
    if tri is not None:
        TRI_BASE = int(tri)
    if syrk is not None:
        SYRK_BASE = int(syrk)
    return old


cdef inline Py_ssize_t _split(Py_ssize_t n) noexcept nogil:
    """First-half size of a recursive split: about n/2, a multiple of SPLIT_ALIGN when
    that still leaves both halves non-empty (so GEMM sees register-tile multiples)."""
    cdef Py_ssize_t n1 = n // 2
    cdef Py_ssize_t r = ((n1 + SPLIT_ALIGN - 1) // SPLIT_ALIGN) * SPLIT_ALIGN
    if 0 < r < n:
        return r
    return n1 if n1 > 0 else 1


# ================================================================================
# Level 1 [BLAS]. Unit-increment fast paths with several independent accumulators:
# gcc cannot reorder a floating-point reduction itself (that would need -ffast-math),
# but independent partial sums break the dependency chain and are packed into SIMD
# registers by the SLP vectoriser. The strided paths are plain loops.
# ================================================================================
# ---- the C inner loops for either type (csrc/rm_vec_level12.h, one source) -----------
cdef inline floating _dot_unit(Py_ssize_t n, const floating* x,
                               const floating* y) noexcept nogil:
    if floating is float:
        return rm_sdot_unit(n, x, y)
    else:
        return rm_dot_unit(n, x, y)


cdef inline void _dot4(Py_ssize_t n, const floating* a0, const floating* a1,
                       const floating* a2, const floating* a3, const floating* x,
                       floating* out) noexcept nogil:
    if floating is float:
        rm_sdot4(n, a0, a1, a2, a3, x, out)
    else:
        rm_dot4(n, a0, a1, a2, a3, x, out)


cdef inline floating _sumsq_unit(Py_ssize_t n, const floating* x) noexcept nogil:
    if floating is float:
        return rm_ssumsq_unit(n, x)
    else:
        return rm_sumsq_unit(n, x)


cdef inline void _axpy_unit(Py_ssize_t n, floating alpha, const floating* x,
                            floating* y) noexcept nogil:
    if floating is float:
        rm_saxpy_unit(n, alpha, x, y)
    else:
        rm_axpy_unit(n, alpha, x, y)


cdef inline void _axpy4(Py_ssize_t n, floating c0, floating c1, floating c2, floating c3,
                        const floating* a0, const floating* a1, const floating* a2,
                        const floating* a3, floating* y) noexcept nogil:
    if floating is float:
        rm_saxpy4(n, c0, c1, c2, c3, a0, a1, a2, a3, y)
    else:
        rm_axpy4(n, c0, c1, c2, c3, a0, a1, a2, a3, y)


cdef floating xdot(Py_ssize_t n, const floating* x, Py_ssize_t incx,
                   const floating* y, Py_ssize_t incy) noexcept nogil:
    cdef floating s0 = 0, s1 = 0
    cdef Py_ssize_t i, n2
    if n <= 0:
        return 0
    if incx == 1 and incy == 1:
        return _dot_unit(n, x, y)              # explicit SIMD lanes (see above)
    # strided: two independent partial sums
    n2 = n - n % 2
    for i in range(0, n2, 2):
        s0 += x[i * incx] * y[i * incy]
        s1 += x[(i + 1) * incx] * y[(i + 1) * incy]
    if n2 < n:
        s0 += x[n2 * incx] * y[n2 * incy]
    return s0 + s1


cdef void xaxpy(Py_ssize_t n, floating alpha, const floating* x, Py_ssize_t incx,
                floating* y, Py_ssize_t incy) noexcept nogil:
    cdef Py_ssize_t i
    if n <= 0 or alpha == 0.0:
        return
    if incx == 1 and incy == 1 and (x + n <= y or y + n <= x):
        _axpy_unit(n, alpha, x, y)           # disjoint: the SIMD clone
    elif incx == 1 and incy == 1:
        for i in range(n):                     # overlapping: in order, as the BLAS
            y[i] += alpha * x[i]
    else:
        for i in range(n):
            y[i * incy] += alpha * x[i * incx]


cdef void xscal(Py_ssize_t n, floating alpha, floating* x, Py_ssize_t incx) noexcept nogil:
    # reference-BLAS semantics: x = alpha * x, so NaN * 0 stays NaN
    cdef Py_ssize_t i
    if n <= 0 or alpha == 1.0:
        return
    if incx == 1:
        for i in range(n):
            x[i] *= alpha
    else:
        for i in range(n):
            x[i * incx] *= alpha


cdef void xcopy(Py_ssize_t n, const floating* x, Py_ssize_t incx,
                floating* y, Py_ssize_t incy) noexcept nogil:
    cdef Py_ssize_t i
    if n <= 0:
        return
    if incx == 1 and incy == 1:
        for i in range(n):
            y[i] = x[i]
    else:
        for i in range(n):
            y[i * incy] = x[i * incx]


cdef void xswap(Py_ssize_t n, floating* x, Py_ssize_t incx,
                floating* y, Py_ssize_t incy) noexcept nogil:
    cdef Py_ssize_t i
    cdef floating t
    if n <= 0:
        return
    if incx == 1 and incy == 1:
        for i in range(n):
            t = x[i]
            x[i] = y[i]
            y[i] = t
    else:
        for i in range(n):
            t = x[i * incx]
            x[i * incx] = y[i * incy]
            y[i * incy] = t


# Blue's constants for IEEE double [BLUE; LAPACK 3.10 dnrm2.f90]:
#   tsml = 2^ceil((minexp - 1)/2),   tbig = 2^floor((maxexp - digits + 1)/2)
#   ssml = 2^-floor((minexp - digits)/2),  sbig = 2^-ceil((maxexp + digits - 1)/2)
# with minexp = -1021, maxexp = 1024, digits = 53. Squares of |x| in [tsml, tbig]
# neither underflow nor overflow; smaller ones are scaled up by ssml, larger ones
# down by sbig before squaring.
cdef double _NRM2_TSML = 1.4916681462400413e-154    # 2^-511
cdef double _NRM2_TBIG = 1.9979190722022350e+146    # 2^486
cdef double _NRM2_SSML = 4.4989137945431964e+161    # 2^537
cdef double _NRM2_SBIG = 1.1113793747425387e-162    # 2^-538


cdef double _dnrm2_blue(Py_ssize_t n, const double* x, Py_ssize_t incx) noexcept nogil:
    """Three accumulators (small, medium, big) [BLUE; LAPACK 3.10 dnrm2.f90]."""
    cdef double asml = 0.0, amed = 0.0, abig = 0.0, ax, ymin, ymax, scl, sumsq
    cdef bint notbig = True
    cdef Py_ssize_t i
    for i in range(n):
        ax = fabs(x[i * incx])
        if ax > _NRM2_TBIG:
            abig += (ax * _NRM2_SBIG) * (ax * _NRM2_SBIG)
            notbig = False
        elif ax < _NRM2_TSML:
            if notbig:
                asml += (ax * _NRM2_SSML) * (ax * _NRM2_SSML)
        else:
            amed += ax * ax                      # NaN lands here and propagates
    # combine the accumulators
    if abig > 0.0:
        # big values present: the medium sum can only matter if it is large too
        if amed > 0.0 or amed != amed:
            abig += (amed * _NRM2_SBIG) * _NRM2_SBIG
        scl = 1.0 / _NRM2_SBIG
        sumsq = abig
    elif asml > 0.0:
        if amed > 0.0 or amed != amed:
            amed = sqrt(amed)
            asml = sqrt(asml) / _NRM2_SSML
            if asml > amed:
                ymin = amed
                ymax = asml
            else:
                ymin = asml
                ymax = amed
            scl = 1.0
            sumsq = ymax * ymax * (1.0 + (ymin / ymax) * (ymin / ymax))
        else:
            scl = 1.0 / _NRM2_SSML
            sumsq = asml
    else:
        scl = 1.0
        sumsq = amed
    return scl * sqrt(sumsq)


cdef floating xnrm2(Py_ssize_t n, const floating* x, Py_ssize_t incx) noexcept nogil:
    # Fast path (unit stride): the plain sum of squares s, with SIMD lanes. It is
    # accurate whenever it is finite and s >= 2^-1022 (the smallest normal number):
    # finite means no square overflowed; and each square that underflowed lost at most
    # 2^-1075 (gradual underflow), n of them at most n 2^-1075 <= n eps/2 * s, the size
    # of the ordinary rounding error of the sum. Otherwise (some entry huge, inf or NaN,
    # or all entries tiny or zero) Blue's scaled algorithm gives the answer [BLUE].
    # float32: the squares of floats are accumulated in double, where none can overflow
    # or underflow harmfully (|x|^2 of a float lies in [2^-298, 2^256]); one rounding to
    # float at the end, as LAPACK 3.10's snrm2 reaches with float scaling constants.
    cdef double s, sd = 0.0
    cdef Py_ssize_t i
    if n <= 0:
        return 0
    if floating is float:
        for i in range(n):
            sd += <double>x[i * incx] * <double>x[i * incx]
        return <float>sqrt(sd)
    else:
        if incx == 1:
            s = _sumsq_unit(n, x)
            if 2.2250738585072014e-308 <= s <= 1.7976931348623157e308:
                return sqrt(s)
        return _dnrm2_blue(n, x, incx)


cdef floating xasum(Py_ssize_t n, const floating* x, Py_ssize_t incx) noexcept nogil:
    cdef floating s0 = 0, s1 = 0, s2 = 0.0, s3 = 0.0
    cdef Py_ssize_t i, n4
    if n <= 0:
        return 0
    if incx == 1:
        n4 = n - n % 4
        for i in range(0, n4, 4):
            s0 += fabs(x[i])
            s1 += fabs(x[i + 1])
            s2 += fabs(x[i + 2])
            s3 += fabs(x[i + 3])
        for i in range(n4, n):
            s0 += fabs(x[i])
        return (s0 + s1) + (s2 + s3)
    for i in range(n):
        s0 += fabs(x[i * incx])
    return s0


cdef Py_ssize_t ixamax(Py_ssize_t n, const floating* x, Py_ssize_t incx) noexcept nogil:
    # Reference-BLAS semantics: the FIRST index of the largest |x_i| (0-based here),
    # comparisons with ">" so NaN entries are skipped unless x[0] is NaN.
    # Two passes on the unit-stride path: the maximum with four independent running
    # maxima (no loop-carried dependency on an index), then the first index that
    # attains it.
    cdef Py_ssize_t i, n4
    cdef floating m0, m1, m2, m3, a
    if n <= 0:
        return -1
    if incx != 1:
        m0 = fabs(x[0])
        n4 = 0
        for i in range(1, n):
            a = fabs(x[i * incx])
            if a > m0:
                m0 = a
                n4 = i
        return n4
    m0 = fabs(x[0])
    if m0 != m0:
        return 0
    m1 = m0
    m2 = m0
    m3 = m0
    n4 = n - n % 4
    for i in range(0, n4, 4):
        a = fabs(x[i])
        m0 = a if a > m0 else m0
        a = fabs(x[i + 1])
        m1 = a if a > m1 else m1
        a = fabs(x[i + 2])
        m2 = a if a > m2 else m2
        a = fabs(x[i + 3])
        m3 = a if a > m3 else m3
    for i in range(n4, n):
        a = fabs(x[i])
        m0 = a if a > m0 else m0
    if m1 > m0:
        m0 = m1
    if m2 > m0:
        m0 = m2
    if m3 > m0:
        m0 = m3
    for i in range(n):
        if fabs(x[i]) == m0:
            return i
    return 0


# ================================================================================
# Level 2 [BLAS; GVL4 Sec. 1.1.7-1.1.8, 3.1]. Row-major: the rows of A are contiguous,
# so y = A x is computed by row dot products (four rows at a time, sharing each load
# of x) and y = A^T x by row axpys (four rows per pass over y) [GVL4 Sec. 1.1.8 "row"
# vs "column" gaxpy]. Non-unit increments are gathered into a contiguous buffer.
# ================================================================================
cdef void _gemv_n_unit(Py_ssize_t m, Py_ssize_t n, floating alpha,
                       const floating* A, Py_ssize_t lda,     # IN  m x n
                       const floating* x,                     # IN  n, unit stride
                       floating* y, Py_ssize_t incy) noexcept nogil:   # INOUT m
    # four row dot products at a time, sharing each load of x (rm_dot4, SIMD lanes)
    cdef Py_ssize_t i, m4 = m - m % 4
    cdef floating s[4]
    for i in range(0, m4, 4):
        _dot4(n, A + i * lda, A + (i + 1) * lda, A + (i + 2) * lda, A + (i + 3) * lda,
              x, s)
        y[i * incy] += alpha * s[0]
        y[(i + 1) * incy] += alpha * s[1]
        y[(i + 2) * incy] += alpha * s[2]
        y[(i + 3) * incy] += alpha * s[3]
    for i in range(m4, m):
        y[i * incy] += alpha * _dot_unit(n, A + i * lda, x)


cdef void _gemv_t_unit(Py_ssize_t m, Py_ssize_t n, floating alpha,
                       const floating* A, Py_ssize_t lda,     # IN  m x n
                       const floating* x, Py_ssize_t incx,    # IN  m
                       floating* y) noexcept nogil:           # INOUT n, unit stride
    # y += alpha * A.T @ x  =  sum_i (alpha x_i) A[i, :]
    cdef Py_ssize_t i, j, m4 = m - m % 4
    cdef const floating* a0
    cdef const floating* a1
    cdef const floating* a2
    cdef const floating* a3
    cdef floating c0, c1, c2, c3
    if not (y + n <= A or A + (m - 1) * lda + n <= y):
        # y inside A's rows (outside the BLAS contract): plain in-order loop, no SIMD
        for i in range(m):
            c0 = alpha * x[i * incx]
            for j in range(n):
                y[j] += c0 * A[i * lda + j]
        return
    for i in range(0, m4, 4):
        a0 = A + i * lda
        a1 = a0 + lda
        a2 = a1 + lda
        a3 = a2 + lda
        c0 = alpha * x[i * incx]
        c1 = alpha * x[(i + 1) * incx]
        c2 = alpha * x[(i + 2) * incx]
        c3 = alpha * x[(i + 3) * incx]
        # y += c0 A[i] + c1 A[i+1] + c2 A[i+2] + c3 A[i+3]
        _axpy4(n, c0, c1, c2, c3, a0, a1, a2, a3, y)
    for i in range(m4, m):
        xaxpy(n, alpha * x[i * incx], A + i * lda, 1, y, 1)


cdef void xgemv(bint trans, Py_ssize_t m, Py_ssize_t n, floating alpha,
                const floating* A, Py_ssize_t lda, const floating* x, Py_ssize_t incx,
                floating beta, floating* y, Py_ssize_t incy) noexcept nogil:
    cdef Py_ssize_t i, ny = n if trans else m, nx = m if trans else n
    cdef floating* buf
    if ny <= 0:
        return
    # y = beta * y; beta == 0 never reads y (NaN there does not propagate)
    if beta == 0.0:
        for i in range(ny):
            y[i * incy] = 0.0
    elif beta != 1.0:
        xscal(ny, beta, y, incy)
    if nx <= 0 or alpha == 0.0:
        return
    if not trans:
        if incx == 1:
            _gemv_n_unit(m, n, alpha, A, lda, x, y, incy)
            return
        buf = <floating*> malloc(n * sizeof(floating))
        if buf == NULL:                           # no memory: strided dot products
            for i in range(m):
                y[i * incy] += alpha * xdot(n, A + i * lda, 1, x, incx)
            return
        xcopy(n, x, incx, buf, 1)
        _gemv_n_unit(m, n, alpha, A, lda, buf, y, incy)
        free(buf)
    else:
        if incy == 1:
            _gemv_t_unit(m, n, alpha, A, lda, x, incx, y)
            return
        buf = <floating*> malloc(n * sizeof(floating))
        if buf == NULL:
            for i in range(m):
                xaxpy(n, alpha * x[i * incx], A + i * lda, 1, y, incy)
            return
        memset(buf, 0, n * sizeof(floating))
        _gemv_t_unit(m, n, alpha, A, lda, x, incx, buf)
        xaxpy(n, 1.0, buf, 1, y, incy)
        free(buf)


cdef void xger(Py_ssize_t m, Py_ssize_t n, floating alpha,
               const floating* x, Py_ssize_t incx, const floating* y, Py_ssize_t incy,
               floating* A, Py_ssize_t lda) noexcept nogil:
    # A += alpha * x @ y.T, one contiguous row axpy per row of A [GVL4 Sec. 1.1.9]
    cdef Py_ssize_t i
    cdef const floating* yc = y
    cdef floating* buf = NULL
    if m <= 0 or n <= 0 or alpha == 0.0:
        return
    if incy != 1:
        buf = <floating*> malloc(n * sizeof(floating))
        if buf != NULL:
            xcopy(n, y, incy, buf, 1)
            yc = buf
    for i in range(m):
        if buf != NULL or incy == 1:
            xaxpy(n, alpha * x[i * incx], yc, 1, A + i * lda, 1)
        else:
            xaxpy(n, alpha * x[i * incx], y, incy, A + i * lda, 1)
    if buf != NULL:
        free(buf)


cdef void xtrsv(bint lower, bint trans, bint unit, Py_ssize_t n,
                const floating* T, Py_ssize_t ldt, floating* x, Py_ssize_t incx) noexcept nogil:
    # Every variant reads T by rows (contiguous in row-major):
    #   T x = b            row-oriented substitution, a dot product per row
    #                      [GVL4 Alg. 3.1.1 (lower) / 3.1.2 (upper)];
    #   T^T x = b          column-oriented substitution on op(T) = T^T, whose columns are
    #                      the rows of T: an axpy per row [GVL4 Alg. 3.1.3 / 3.1.4].
    cdef Py_ssize_t i
    cdef floating xi
    if n <= 0:
        return
    if not trans:
        if lower:
            for i in range(n):
                # x_i = (b_i - T[i, :i] . x[:i]) / T[i, i]
                xi = x[i * incx] - xdot(i, T + i * ldt, 1, x, incx)
                x[i * incx] = xi if unit else xi / T[i * ldt + i]
        else:
            for i in range(n - 1, -1, -1):
                # x_i = (b_i - T[i, i+1:] . x[i+1:]) / T[i, i]
                xi = x[i * incx] - xdot(n - 1 - i, T + i * ldt + i + 1, 1,
                                        x + (i + 1) * incx, incx)
                x[i * incx] = xi if unit else xi / T[i * ldt + i]
    else:
        if not lower:
            # T^T is lower: forward, x[i+1:] -= x_i * T[i, i+1:]
            for i in range(n):
                xi = x[i * incx] if unit else x[i * incx] / T[i * ldt + i]
                x[i * incx] = xi
                xaxpy(n - 1 - i, -xi, T + i * ldt + i + 1, 1, x + (i + 1) * incx, incx)
        else:
            # T^T is upper: backward, x[:i] -= x_i * T[i, :i]
            for i in range(n - 1, -1, -1):
                xi = x[i * incx] if unit else x[i * incx] / T[i * ldt + i]
                x[i * incx] = xi
                xaxpy(i, -xi, T + i * ldt, 1, x, incx)


# ---- the float64 names the other modules cimport (blas.pxd): the fused kernels above
# at double
cdef double ddot(Py_ssize_t n, const double* x, Py_ssize_t incx,
                 const double* y, Py_ssize_t incy) noexcept nogil:
    return xdot(n, x, incx, y, incy)


cdef void daxpy(Py_ssize_t n, double alpha, const double* x, Py_ssize_t incx,
                double* y, Py_ssize_t incy) noexcept nogil:
    xaxpy(n, alpha, x, incx, y, incy)


cdef void dscal(Py_ssize_t n, double alpha, double* x, Py_ssize_t incx) noexcept nogil:
    xscal(n, alpha, x, incx)


cdef void dcopy(Py_ssize_t n, const double* x, Py_ssize_t incx,
                double* y, Py_ssize_t incy) noexcept nogil:
    xcopy(n, x, incx, y, incy)


cdef void dswap(Py_ssize_t n, double* x, Py_ssize_t incx,
                double* y, Py_ssize_t incy) noexcept nogil:
    xswap(n, x, incx, y, incy)


cdef double dnrm2(Py_ssize_t n, const double* x, Py_ssize_t incx) noexcept nogil:
    return xnrm2(n, x, incx)


cdef double dasum(Py_ssize_t n, const double* x, Py_ssize_t incx) noexcept nogil:
    return xasum(n, x, incx)


cdef Py_ssize_t idamax(Py_ssize_t n, const double* x, Py_ssize_t incx) noexcept nogil:
    return ixamax(n, x, incx)


cdef void dgemv(bint trans, Py_ssize_t m, Py_ssize_t n, double alpha,
                const double* A, Py_ssize_t lda, const double* x, Py_ssize_t incx,
                double beta, double* y, Py_ssize_t incy) noexcept nogil:
    xgemv(trans, m, n, alpha, A, lda, x, incx, beta, y, incy)


cdef void dger(Py_ssize_t m, Py_ssize_t n, double alpha,
               const double* x, Py_ssize_t incx, const double* y, Py_ssize_t incy,
               double* A, Py_ssize_t lda) noexcept nogil:
    xger(m, n, alpha, x, incx, y, incy, A, lda)


cdef void dtrsv(bint lower, bint trans, bint unit, Py_ssize_t n,
                const double* T, Py_ssize_t ldt, double* x, Py_ssize_t incx) noexcept nogil:
    xtrsv(lower, trans, unit, n, T, ldt, x, incx)


# ================================================================================
# Level 3 [BLAS; GOTO; EGHJ; GVL4 Sec. 3.1.5]: recursive halving onto dgemm.
#
# Notation: op(T) = T or T^T. A block op(T)[r0:, c0:] starts at T + r0*ldt + c0 when
# not transposed and at T + c0*ldt + r0 when transposed (then handed to dgemm with
# its trans flag set); diagonal blocks start at T + k*ldt + k either way.
# "op lower" below means op(T) is lower triangular, i.e. lower != trans.
# ================================================================================
cdef inline void _row_combine(Py_ssize_t w, floating pre, floating post, floating sign,
                              const floating* P, Py_ssize_t lo, Py_ssize_t hi,
                              const floating* B, Py_ssize_t ldb, floating* bi) noexcept nogil:
    if floating is float:
        rm_srow_combine(w, pre, post, sign, P, lo, hi, B, ldb, bi)
    else:
        rm_row_combine(w, pre, post, sign, P, lo, hi, B, ldb, bi)


cdef void xgemm(bint transa, bint transb, Py_ssize_t m, Py_ssize_t n, Py_ssize_t k,
                floating alpha, const floating* A, Py_ssize_t lda,
                const floating* B, Py_ssize_t ldb,
                floating beta, floating* C, Py_ssize_t ldc) noexcept nogil:
    # the GEMM of either type: sgemm or dgemm (one C driver, csrc/rm_gemm_driver.h)
    if floating is float:
        sgemm(transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc)
    else:
        dgemm(transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc)


cdef inline const floating* _opblk(const floating* T, Py_ssize_t ldt, bint trans,
                                   Py_ssize_t r0, Py_ssize_t c0) noexcept nogil:
    return T + (c0 * ldt + r0 if trans else r0 * ldt + c0)


cdef inline floating _opT(const floating* T, Py_ssize_t ldt, bint trans,
                          Py_ssize_t i, Py_ssize_t j) noexcept nogil:
    return T[j * ldt + i] if trans else T[i * ldt + j]


cdef void _scale_block(Py_ssize_t m, Py_ssize_t n, floating alpha,
                       floating* B, Py_ssize_t ldb) noexcept nogil:   # INOUT m x n
    # B *= alpha; alpha == 0 sets B to zero without reading it (as the BLAS do)
    cdef Py_ssize_t i, j
    if alpha == 1.0:
        return
    for i in range(m):
        if alpha == 0.0:
            for j in range(n):
                B[i * ldb + j] = 0.0
        else:
            xscal(n, alpha, B + i * ldb, 1)


cdef void _pack_op(Py_ssize_t t, const floating* T, Py_ssize_t ldt, bint trans,
                   bint oplow, bint unit,
                   floating* P,                    # OUT t x t (ld TRI_MAX): op(T), strict
                   floating* rd) noexcept nogil:   # OUT t: 1 / diagonal (1 when unit)
    # Copy the strict triangle of the tiny op(T) that is used into a contiguous square
    # (zeros elsewhere; the other triangle of T is never read), so the base kernels
    # index it by rows whatever `trans` is, and keep the reciprocals of the diagonal.
    cdef Py_ssize_t i, j
    for i in range(t):
        for j in range(t):
            if (j < i) if oplow else (j > i):
                P[i * TRI_MAX + j] = _opT(T, ldt, trans, i, j)
            else:
                P[i * TRI_MAX + j] = 0.0
        rd[i] = 1.0 if unit else 1.0 / T[i * ldt + i]


cdef void _trsm_left_base(bint oplow, bint trans, bint unit, Py_ssize_t t, Py_ssize_t n,
                          const floating* T, Py_ssize_t ldt,     # IN  t x t triangle
                          floating* B, Py_ssize_t ldb) noexcept nogil:   # INOUT t x n
    # B = inv(op(T)) @ B by rows [GVL4 Sec. 3.1.5, the multiple right-hand-side
    # substitution]: row i of X = (B[i] - sum_p op(T)[i, p] X[p]) / op(T)[i, i], where
    # p < i (forward, op lower) or p > i (backward, op upper). Column chunks of CHUNK
    # keep the t rows of B in L1/L2 while they are combined; the rows are contiguous,
    # so the inner loops are long unit-stride vector loops.
    cdef floating P[TRI_MAX * TRI_MAX]
    cdef floating rd[TRI_MAX]
    cdef Py_ssize_t c0 = 0, w, i, ii
    cdef floating* bi
    _pack_op(t, T, ldt, trans, oplow, unit, P, rd)
    while c0 < n:
        w = min(<Py_ssize_t> CHUNK, n - c0)
        for ii in range(t):
            i = ii if oplow else t - 1 - ii
            bi = B + i * ldb + c0
            # X[i] = (B[i] - op(T)[i, lo:hi] @ X[lo:hi]) / op(T)[i, i]
            if oplow:
                _row_combine(w, 1.0, rd[i], -1.0, P + i * TRI_MAX, 0, i, B + c0, ldb, bi)
            else:
                _row_combine(w, 1.0, rd[i], -1.0, P + i * TRI_MAX, i + 1, t, B + c0, ldb,
                             bi)
        c0 += CHUNK


cdef void _trmm_left_base(bint oplow, bint trans, bint unit, Py_ssize_t t, Py_ssize_t n,
                          const floating* T, Py_ssize_t ldt,     # IN  t x t triangle
                          floating* B, Py_ssize_t ldb) noexcept nogil:   # INOUT t x n
    # B = op(T) @ B by rows: row i of the product is d_i B[i] + sum_p op(T)[i, p] B[p];
    # op upper: rows in increasing order (B[p], p > i, still unmodified),
    # op lower: rows in decreasing order (B[p], p < i, still unmodified).
    cdef floating P[TRI_MAX * TRI_MAX]
    cdef floating rd[TRI_MAX]
    cdef Py_ssize_t c0 = 0, w, i, ii
    cdef floating* bi
    cdef floating di
    _pack_op(t, T, ldt, trans, oplow, unit, P, rd)
    while c0 < n:
        w = min(<Py_ssize_t> CHUNK, n - c0)
        for ii in range(t):
            i = t - 1 - ii if oplow else ii
            bi = B + i * ldb + c0
            # B[i] = op(T)[i, i] * B[i] + op(T)[i, lo:hi] @ B[lo:hi]
            di = 1.0 if unit else T[i * ldt + i]
            if oplow:
                _row_combine(w, di, 1.0, 1.0, P + i * TRI_MAX, 0, i, B + c0, ldb, bi)
            else:
                _row_combine(w, di, 1.0, 1.0, P + i * TRI_MAX, i + 1, t, B + c0, ldb, bi)
        c0 += CHUNK


cdef void _right_base(bint solve, bint oplow, bint trans, bint unit,
                      Py_ssize_t m, Py_ssize_t t,
                      const floating* T, Py_ssize_t ldt,        # IN  t x t triangle
                      floating* B, Py_ssize_t ldb) noexcept nogil:   # INOUT m x t
    # Right side by transposition: X op(T) = B  <=>  op(T)^T X^T = B^T (solve), and
    # B op(T) = (op(T)^T B^T)^T (multiply). Blocks of rows of B are transposed into a
    # t x mc buffer (its rows are columns of B, contiguous), handed to the left-side
    # kernel with the transposed operator (trans flipped, so "op lower" flips too), and
    # transposed back. The transposes cost 2 m t moves against m t^2 flops.
    cdef floating W[RIGHT_BUF]
    cdef Py_ssize_t mc = RIGHT_BUF // t, r0 = 0, rows, r, j
    while r0 < m:
        rows = min(mc, m - r0)
        for r in range(rows):
            for j in range(t):
                W[j * rows + r] = B[(r0 + r) * ldb + j]
        if solve:
            _trsm_left_base(not oplow, not trans, unit, t, rows, T, ldt, W, rows)
        else:
            _trmm_left_base(not oplow, not trans, unit, t, rows, T, ldt, W, rows)
        for r in range(rows):
            for j in range(t):
                B[(r0 + r) * ldb + j] = W[j * rows + r]
        r0 += rows


cdef void _trsm_rec(bint left, bint oplow, bint trans, bint unit,
                    Py_ssize_t m, Py_ssize_t n,
                    const floating* T, Py_ssize_t ldt,          # IN  triangle
                    floating* B, Py_ssize_t ldb) noexcept nogil:     # INOUT m x n
    cdef Py_ssize_t t = m if left else n, k1, k2
    if m <= 0 or n <= 0:
        return
    if t <= TRI_BASE:
        if left:
            _trsm_left_base(oplow, trans, unit, m, n, T, ldt, B, ldb)
        else:
            _right_base(True, oplow, trans, unit, m, n, T, ldt, B, ldb)
        return
    k1 = _split(t)
    k2 = t - k1
    cdef const floating* T22 = T + k1 * ldt + k1
    if left:
        if oplow:
            # [T11 0; T21 T22] [X1; X2] = [B1; B2]
            _trsm_rec(left, oplow, trans, unit, k1, n, T, ldt, B, ldb)
            # B2 -= op(T)21 @ X1
            xgemm(trans, False, k2, n, k1, -1.0, _opblk(T, ldt, trans, k1, 0), ldt,
                  B, ldb, 1.0, B + k1 * ldb, ldb)
            _trsm_rec(left, oplow, trans, unit, k2, n, T22, ldt, B + k1 * ldb, ldb)
        else:
            # [T11 T12; 0 T22] [X1; X2] = [B1; B2]
            _trsm_rec(left, oplow, trans, unit, k2, n, T22, ldt, B + k1 * ldb, ldb)
            # B1 -= op(T)12 @ X2
            xgemm(trans, False, k1, n, k2, -1.0, _opblk(T, ldt, trans, 0, k1), ldt,
                  B + k1 * ldb, ldb, 1.0, B, ldb)
            _trsm_rec(left, oplow, trans, unit, k1, n, T, ldt, B, ldb)
    else:
        if oplow:
            # [X1 X2] [T11 0; T21 T22] = [B1 B2]: X2 first
            _trsm_rec(left, oplow, trans, unit, m, k2, T22, ldt, B + k1, ldb)
            # B1 -= X2 @ op(T)21
            xgemm(False, trans, m, k1, k2, -1.0, B + k1, ldb,
                  _opblk(T, ldt, trans, k1, 0), ldt, 1.0, B, ldb)
            _trsm_rec(left, oplow, trans, unit, m, k1, T, ldt, B, ldb)
        else:
            # [X1 X2] [T11 T12; 0 T22] = [B1 B2]: X1 first
            _trsm_rec(left, oplow, trans, unit, m, k1, T, ldt, B, ldb)
            # B2 -= X1 @ op(T)12
            xgemm(False, trans, m, k2, k1, -1.0, B, ldb,
                  _opblk(T, ldt, trans, 0, k1), ldt, 1.0, B + k1, ldb)
            _trsm_rec(left, oplow, trans, unit, m, k2, T22, ldt, B + k1, ldb)


cdef void xtrsm(bint left, bint lower, bint trans, bint unit,
                Py_ssize_t m, Py_ssize_t n, floating alpha,
                const floating* T, Py_ssize_t ldt, floating* B, Py_ssize_t ldb) noexcept nogil:
    # [BLAS dtrsm] on row-major storage, blocked on GEMM by recursive halving [GOTO, EGHJ]
    if m <= 0 or n <= 0:
        return
    _scale_block(m, n, alpha, B, ldb)             # B = alpha * B (zero: T is not read)
    if alpha == 0.0:
        return
    _trsm_rec(left, lower != trans, trans, unit, m, n, T, ldt, B, ldb)


cdef void _trmm_rec(bint left, bint oplow, bint trans, bint unit,
                    Py_ssize_t m, Py_ssize_t n,
                    const floating* T, Py_ssize_t ldt,          # IN  triangle
                    floating* B, Py_ssize_t ldb) noexcept nogil:     # INOUT m x n
    cdef Py_ssize_t t = m if left else n, k1, k2
    if m <= 0 or n <= 0:
        return
    if t <= TRI_BASE:
        if left:
            _trmm_left_base(oplow, trans, unit, m, n, T, ldt, B, ldb)
        else:
            _right_base(False, oplow, trans, unit, m, n, T, ldt, B, ldb)
        return
    k1 = _split(t)
    k2 = t - k1
    cdef const floating* T22 = T + k1 * ldt + k1
    if left:
        if oplow:
            # [B1; B2] := [T11 B1; T21 B1 + T22 B2]
            _trmm_rec(left, oplow, trans, unit, k2, n, T22, ldt, B + k1 * ldb, ldb)
            # B2 += op(T)21 @ B1
            xgemm(trans, False, k2, n, k1, 1.0, _opblk(T, ldt, trans, k1, 0), ldt,
                  B, ldb, 1.0, B + k1 * ldb, ldb)
            _trmm_rec(left, oplow, trans, unit, k1, n, T, ldt, B, ldb)
        else:
            # [B1; B2] := [T11 B1 + T12 B2; T22 B2]
            _trmm_rec(left, oplow, trans, unit, k1, n, T, ldt, B, ldb)
            # B1 += op(T)12 @ B2
            xgemm(trans, False, k1, n, k2, 1.0, _opblk(T, ldt, trans, 0, k1), ldt,
                  B + k1 * ldb, ldb, 1.0, B, ldb)
            _trmm_rec(left, oplow, trans, unit, k2, n, T22, ldt, B + k1 * ldb, ldb)
    else:
        if oplow:
            # [B1 B2] := [B1 T11 + B2 T21, B2 T22]
            _trmm_rec(left, oplow, trans, unit, m, k1, T, ldt, B, ldb)
            # B1 += B2 @ op(T)21
            xgemm(False, trans, m, k1, k2, 1.0, B + k1, ldb,
                  _opblk(T, ldt, trans, k1, 0), ldt, 1.0, B, ldb)
            _trmm_rec(left, oplow, trans, unit, m, k2, T22, ldt, B + k1, ldb)
        else:
            # [B1 B2] := [B1 T11, B1 T12 + B2 T22]
            _trmm_rec(left, oplow, trans, unit, m, k2, T22, ldt, B + k1, ldb)
            # B2 += B1 @ op(T)12
            xgemm(False, trans, m, k2, k1, 1.0, B, ldb,
                  _opblk(T, ldt, trans, 0, k1), ldt, 1.0, B + k1, ldb)
            _trmm_rec(left, oplow, trans, unit, m, k1, T, ldt, B, ldb)


cdef void xtrmm(bint left, bint lower, bint trans, bint unit,
                Py_ssize_t m, Py_ssize_t n, floating alpha,
                const floating* T, Py_ssize_t ldt, floating* B, Py_ssize_t ldb) noexcept nogil:
    # [BLAS dtrmm] on row-major storage, blocked on GEMM by recursive halving [GOTO, EGHJ]
    if m <= 0 or n <= 0:
        return
    _scale_block(m, n, alpha, B, ldb)
    if alpha == 0.0:
        return
    _trmm_rec(left, lower != trans, trans, unit, m, n, T, ldt, B, ldb)


cdef void _syrk_triangle_scale(bint lower, Py_ssize_t n, floating beta,
                               floating* C, Py_ssize_t ldc) noexcept nogil:
    # the `lower` (or upper) triangle of C *= beta; beta == 0 writes zeros unread
    cdef Py_ssize_t i, j, lo, hi
    if beta == 1.0:
        return
    for i in range(n):
        lo = 0 if lower else i
        hi = i + 1 if lower else n
        for j in range(lo, hi):
            C[i * ldc + j] = 0.0 if beta == 0.0 else beta * C[i * ldc + j]


cdef void _syrk_diag(bint lower, bint trans, Py_ssize_t n, Py_ssize_t k, floating alpha,
                     const floating* A, Py_ssize_t lda,          # IN  n x k (k x n if trans)
                     floating beta,
                     floating* C, Py_ssize_t ldc,                # INOUT one triangle, n x n
                     floating* W) noexcept nogil:                # scratch n x n, or NULL
    # a diagonal block: the full n x n product into W by one GEMM, then the wanted
    # triangle merged into C (the other triangle of C is never touched). Without
    # scratch memory: one dot product per entry.
    cdef Py_ssize_t i, j, lo, hi
    cdef floating s
    if W != NULL:
        # W = alpha * op(A) @ op(A).T
        xgemm(trans, not trans, n, n, k, alpha, A, lda, A, lda, 0.0, W, n)
    for i in range(n):
        lo = 0 if lower else i
        hi = i + 1 if lower else n
        for j in range(lo, hi):
            if W != NULL:
                s = W[i * n + j]
            elif trans:
                s = alpha * xdot(k, A + i, lda, A + j, lda)
            else:
                s = alpha * xdot(k, A + i * lda, 1, A + j * lda, 1)
            C[i * ldc + j] = s if beta == 0.0 else s + beta * C[i * ldc + j]


cdef void _syrk_rec(bint lower, bint trans, Py_ssize_t n, Py_ssize_t k, floating alpha,
                    const floating* A, Py_ssize_t lda,          # IN  n x k (k x n if trans)
                    floating beta,
                    floating* C, Py_ssize_t ldc,                # INOUT one triangle
                    floating* W) noexcept nogil:                # scratch SYRK_BASE^2 or NULL
    cdef Py_ssize_t n1, n2
    cdef const floating* A2
    if n <= 0:
        return
    if n <= SYRK_BASE:
        _syrk_diag(lower, trans, n, k, alpha, A, lda, beta, C, ldc, W)
        return
    n1 = _split(n)
    n2 = n - n1
    # second block of rows of op(A): rows n1: of A, or columns n1: when transposed
    A2 = A + n1 if trans else A + n1 * lda
    _syrk_rec(lower, trans, n1, k, alpha, A, lda, beta, C, ldc, W)
    if lower:
        # C21 = alpha * op(A)2 @ op(A)1.T + beta * C21
        xgemm(trans, not trans, n2, n1, k, alpha, A2, lda, A, lda,
              beta, C + n1 * ldc, ldc)
    else:
        # C12 = alpha * op(A)1 @ op(A)2.T + beta * C12
        xgemm(trans, not trans, n1, n2, k, alpha, A, lda, A2, lda, beta, C + n1, ldc)
    _syrk_rec(lower, trans, n2, k, alpha, A2, lda, beta, C + n1 * ldc + n1, ldc, W)


cdef void xsyrk(bint lower, bint trans, Py_ssize_t n, Py_ssize_t k, floating alpha,
                const floating* A, Py_ssize_t lda, floating beta,
                floating* C, Py_ssize_t ldc) noexcept nogil:
    # [BLAS dsyrk] on row-major storage: recursive halving of C, the off-diagonal
    # blocks by GEMM [GOTO, EGHJ]; the diagonal blocks of order <= SYRK_BASE by one
    # small GEMM each, half of whose flops are wasted (n * SYRK_BASE * k in total).
    cdef floating* W
    cdef Py_ssize_t nw
    if n <= 0:
        return
    if k <= 0 or alpha == 0.0:
        _syrk_triangle_scale(lower, n, beta, C, ldc)
        return
    if lower and k >= n:
        # tall op(A): the packed syrk, which walks A once per k block (threads split k)
        if floating is float:
            rm_ssyrk(trans, n, k, alpha, A, lda, beta, C, ldc)
        else:
            rm_dsyrk(trans, n, k, alpha, A, lda, beta, C, ldc)
        return
    nw = SYRK_BASE if SYRK_BASE < n else n
    W = <floating*> malloc(nw * nw * sizeof(floating))
    _syrk_rec(lower, trans, n, k, alpha, A, lda, beta, C, ldc, W)
    if W != NULL:
        free(W)


# ================================================================================
# Python shells: validation, then one `with nogil:`. The *_py wrappers expose each
# kernel to the tests on numpy arrays (in place for the outputs, which must be
# writeable float64 arrays with positive increments / unit column stride, so that the
# tests can exercise increments and leading dimensions); `gemv` and `syrk` are the
# numpy-level helpers for the library's Python layer.
# ================================================================================
# ---- the float64 names of the level-3 kernels (blas.pxd): the fused ones at double
cdef void dtrsm(bint left, bint lower, bint trans, bint unit,
                Py_ssize_t m, Py_ssize_t n, double alpha,
                const double* T, Py_ssize_t ldt, double* B, Py_ssize_t ldb) noexcept nogil:
    xtrsm(left, lower, trans, unit, m, n, alpha, T, ldt, B, ldb)


cdef void dtrmm(bint left, bint lower, bint trans, bint unit,
                Py_ssize_t m, Py_ssize_t n, double alpha,
                const double* T, Py_ssize_t ldt, double* B, Py_ssize_t ldb) noexcept nogil:
    xtrmm(left, lower, trans, unit, m, n, alpha, T, ldt, B, ldb)


cdef void dsyrk(bint lower, bint trans, Py_ssize_t n, Py_ssize_t k, double alpha,
                const double* A, Py_ssize_t lda, double beta,
                double* C, Py_ssize_t ldc) noexcept nogil:
    xsyrk(lower, trans, n, k, alpha, A, lda, beta, C, ldc)


cdef double _ZERO = 0.0


cdef inline Py_ssize_t _vinc(const double[:] v) noexcept nogil:
    if v.shape[0] <= 1:
        return 1
    return v.strides[0] // <Py_ssize_t> sizeof(double)


cdef inline const double* _vptr(const double[:] v) noexcept nogil:
    return &v[0] if v.shape[0] > 0 else &_ZERO


cdef inline Py_ssize_t _mld(const double[:, :] a) noexcept nogil:
    if a.shape[0] <= 1:
        return max(a.shape[1], 1)
    return a.strides[0] // <Py_ssize_t> sizeof(double)


cdef inline const double* _mptr(const double[:, :] a) noexcept nogil:
    return &a[0, 0] if a.shape[0] > 0 and a.shape[1] > 0 else &_ZERO


cdef void mirror_lower(Py_ssize_t n, double* C, Py_ssize_t ldc) noexcept nogil:
    """C[i, j] = C[j, i] for j > i, in 32 x 32 tiles (the column reads stay in cache)."""
    cdef Py_ssize_t i0, j0, i, j, i1, j1
    for i0 in range(0, n, 32):
        i1 = i0 + 32 if i0 + 32 < n else n
        for j0 in range(i0, n, 32):
            j1 = j0 + 32 if j0 + 32 < n else n
            for i in range(i0, i1):
                for j in range(j0 if j0 > i else i + 1, j1):
                    C[i * ldc + j] = C[j * ldc + i]


def _as_vec(x, name, bint out=False):
    """A 1-D float64 array with a positive increment (outputs are never copied)."""
    a = x if (out and isinstance(x, np.ndarray)) else np.asarray(x, dtype=np.float64)
    if a.ndim != 1:
        raise ValueError("%s must be 1-D, got shape %s" % (name, a.shape))
    ok = a.dtype == np.float64 and (a.shape[0] <= 1
                                    or (a.strides[0] > 0 and a.strides[0] % 8 == 0))
    if out:
        if not ok or not a.flags.writeable:
            raise ValueError("%s must be a writeable float64 numpy array with a positive "
                             "increment" % name)
        return a
    return a if ok else np.ascontiguousarray(a)


def _as_mat(x, name, bint out=False):
    """A 2-D float64 array with unit column stride and a row stride >= cols."""
    a = x if (out and isinstance(x, np.ndarray)) else np.asarray(x, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError("%s must be 2-D, got shape %s" % (name, a.shape))
    r, c = a.shape
    ok = a.dtype == np.float64 and (a.size == 0 or (
        (c <= 1 or a.strides[1] == 8)
        and (r <= 1 or (a.strides[0] % 8 == 0 and a.strides[0] >= 8 * max(c, 1)))))
    if out:
        if not ok or not a.flags.writeable:
            raise ValueError("%s must be a writeable float64 numpy array with unit column "
                             "stride" % name)
        return a
    return a if ok else np.ascontiguousarray(a)


def _same_len(x, y, nx="x", ny="y"):
    if x.shape[0] != y.shape[0]:
        raise ValueError("%s and %s have different lengths: %d and %d"
                         % (nx, ny, x.shape[0], y.shape[0]))


def ddot_py(x, y):
    """x . y through ddot (positive increments taken from the strides)."""
    x = _as_vec(x, "x")
    y = _as_vec(y, "y")
    _same_len(x, y)
    cdef const double[:] xv = x
    cdef const double[:] yv = y
    cdef double r
    with nogil:
        r = ddot(xv.shape[0], _vptr(xv), _vinc(xv), _vptr(yv), _vinc(yv))
    return r


def daxpy_py(double alpha, x, y):
    """y += alpha * x in place (y: writeable float64 array); returns y."""
    x = _as_vec(x, "x")
    y = _as_vec(y, "y", out=True)
    _same_len(x, y)
    cdef const double[:] xv = x
    cdef double[:] yv = y
    with nogil:
        daxpy(xv.shape[0], alpha, _vptr(xv), _vinc(xv), <double*> _vptr(yv), _vinc(yv))
    return y


def dscal_py(double alpha, x):
    """x *= alpha in place; returns x."""
    x = _as_vec(x, "x", out=True)
    cdef double[:] xv = x
    with nogil:
        dscal(xv.shape[0], alpha, <double*> _vptr(xv), _vinc(xv))
    return x


def dcopy_py(x, y):
    """y[:] = x in place; returns y."""
    x = _as_vec(x, "x")
    y = _as_vec(y, "y", out=True)
    _same_len(x, y)
    cdef const double[:] xv = x
    cdef double[:] yv = y
    with nogil:
        dcopy(xv.shape[0], _vptr(xv), _vinc(xv), <double*> _vptr(yv), _vinc(yv))
    return y


def dswap_py(x, y):
    """Swap the contents of x and y in place; returns (x, y)."""
    x = _as_vec(x, "x", out=True)
    y = _as_vec(y, "y", out=True)
    _same_len(x, y)
    cdef double[:] xv = x
    cdef double[:] yv = y
    with nogil:
        dswap(xv.shape[0], <double*> _vptr(xv), _vinc(xv), <double*> _vptr(yv), _vinc(yv))
    return x, y


def dnrm2_py(x):
    """||x||_2 through the overflow-safe dnrm2."""
    x = _as_vec(x, "x")
    cdef const double[:] xv = x
    cdef double r
    with nogil:
        r = dnrm2(xv.shape[0], _vptr(xv), _vinc(xv))
    return r


def dasum_py(x):
    """sum |x_i| through dasum."""
    x = _as_vec(x, "x")
    cdef const double[:] xv = x
    cdef double r
    with nogil:
        r = dasum(xv.shape[0], _vptr(xv), _vinc(xv))
    return r


def idamax_py(x):
    """First (0-based) index of the largest |x_i|; -1 for an empty x."""
    x = _as_vec(x, "x")
    cdef const double[:] xv = x
    cdef Py_ssize_t r
    with nogil:
        r = idamax(xv.shape[0], _vptr(xv), _vinc(xv))
    return r


def dgemv_py(a, x, y, bint trans=False, double alpha=1.0, double beta=0.0):
    """y = alpha * op(a) @ x + beta * y in place (y writeable float64); returns y."""
    a = _as_mat(a, "a")
    x = _as_vec(x, "x")
    y = _as_vec(y, "y", out=True)
    m, n = a.shape
    if x.shape[0] != (m if trans else n) or y.shape[0] != (n if trans else m):
        raise ValueError("dgemv: shapes do not match: op(a) is %s, x has %d, y has %d"
                         % ((n, m) if trans else (m, n), x.shape[0], y.shape[0]))
    cdef const double[:, :] av = a
    cdef const double[:] xv = x
    cdef double[:] yv = y
    with nogil:
        dgemv(trans, av.shape[0], av.shape[1], alpha, _mptr(av), _mld(av),
              _vptr(xv), _vinc(xv), beta, <double*> _vptr(yv), _vinc(yv))
    return y


def dger_py(double alpha, x, y, a):
    """a += alpha * outer(x, y) in place; returns a."""
    x = _as_vec(x, "x")
    y = _as_vec(y, "y")
    a = _as_mat(a, "a", out=True)
    if a.shape != (x.shape[0], y.shape[0]):
        raise ValueError("dger: a has shape %s, outer(x, y) has shape %s"
                         % (a.shape, (x.shape[0], y.shape[0])))
    cdef const double[:] xv = x
    cdef const double[:] yv = y
    cdef double[:, :] av = a
    with nogil:
        dger(av.shape[0], av.shape[1], alpha, _vptr(xv), _vinc(xv), _vptr(yv), _vinc(yv),
             <double*> _mptr(av), _mld(av))
    return a


def _check_tri(t, name="T"):
    if t.shape[0] != t.shape[1]:
        raise ValueError("%s must be square, got shape %s" % (name, t.shape))


def dtrsv_py(t, x, bint lower=True, bint trans=False, bint unit=False):
    """x = inv(op(t)) @ x in place; returns x."""
    t = _as_mat(t, "t")
    x = _as_vec(x, "x", out=True)
    _check_tri(t)
    if x.shape[0] != t.shape[0]:
        raise ValueError("dtrsv: T has shape %s, x has length %d" % (t.shape, x.shape[0]))
    cdef const double[:, :] tv = t
    cdef double[:] xv = x
    with nogil:
        dtrsv(lower, trans, unit, tv.shape[0], _mptr(tv), _mld(tv),
              <double*> _vptr(xv), _vinc(xv))
    return x


def _tri_level3(name, t, b, bint left):
    t = _as_mat(t, "T")
    b = _as_mat(b, "B", out=True)
    _check_tri(t)
    nt = b.shape[0] if left else b.shape[1]
    if t.shape[0] != nt:
        raise ValueError("%s: T has shape %s but B has shape %s (%s side)"
                         % (name, t.shape, b.shape, "left" if left else "right"))
    return t, b


def dtrsm_py(t, b, bint left=True, bint lower=True, bint trans=False, bint unit=False,
             double alpha=1.0):
    """b = alpha * inv(op(t)) @ b (left) or alpha * b @ inv(op(t)) (right), in place;
    returns b."""
    t, b = _tri_level3("dtrsm", t, b, left)
    cdef const double[:, :] tv = t
    cdef double[:, :] bv = b
    with nogil:
        dtrsm(left, lower, trans, unit, bv.shape[0], bv.shape[1], alpha,
              _mptr(tv), _mld(tv), <double*> _mptr(bv), _mld(bv))
    return b


def dtrmm_py(t, b, bint left=True, bint lower=True, bint trans=False, bint unit=False,
             double alpha=1.0):
    """b = alpha * op(t) @ b (left) or alpha * b @ op(t) (right), in place; returns b."""
    t, b = _tri_level3("dtrmm", t, b, left)
    cdef const double[:, :] tv = t
    cdef double[:, :] bv = b
    with nogil:
        dtrmm(left, lower, trans, unit, bv.shape[0], bv.shape[1], alpha,
              _mptr(tv), _mld(tv), <double*> _mptr(bv), _mld(bv))
    return b


def dsyrk_py(a, c, bint lower=True, bint trans=False, double alpha=1.0, double beta=0.0):
    """One triangle of c = alpha * a @ a.T + beta * c (a.T @ a with trans), in place;
    the other triangle of c is left untouched. Returns c."""
    a = _as_mat(a, "a")
    c = _as_mat(c, "c", out=True)
    n = a.shape[1] if trans else a.shape[0]
    k = a.shape[0] if trans else a.shape[1]
    if c.shape != (n, n):
        raise ValueError("dsyrk: c has shape %s, the product has shape %s"
                         % (c.shape, (n, n)))
    cdef const double[:, :] av = a
    cdef double[:, :] cv = c
    cdef Py_ssize_t nn = n, kk = k
    with nogil:
        dsyrk(lower, trans, nn, kk, alpha, _mptr(av), _mld(av), beta,
              <double*> _mptr(cv), _mld(cv))
    return c


cdef object _out_vec(c, Py_ssize_t n, str fn):
    """The accumulator ``c`` of gemv: a writeable float64 array of shape (n,) with a
    positive increment (used in place, never copied)."""
    if (not isinstance(c, np.ndarray) or c.dtype != np.float64 or c.ndim != 1
            or not c.flags.writeable or c.shape[0] != n):
        raise ValueError("%s: c must be a writeable float64 array of shape (%d,)" % (fn, n))
    if n > 1 and not (c.strides[0] > 0 and c.strides[0] % 8 == 0):
        raise ValueError("%s: c must have a positive increment, got strides %r"
                         % (fn, c.strides))
    return c


cdef object _out_mat(c, Py_ssize_t n, str fn):
    """The accumulator ``c`` of syrk: a writeable float64 array of shape (n, n) whose rows
    are contiguous (a C-ordered array or a slice of one; used in place)."""
    if (not isinstance(c, np.ndarray) or c.dtype != np.float64 or c.ndim != 2
            or not c.flags.writeable or c.shape != (n, n)):
        raise ValueError("%s: c must be a writeable float64 array of shape (%d, %d)"
                         % (fn, n, n))
    if n > 1 and not (c.strides[1] == 8 and c.strides[0] % 8 == 0
                      and c.strides[0] >= 8 * n):
        raise ValueError("%s: c must have contiguous rows (a C-ordered array or a slice of "
                         "one), got strides %r" % (fn, c.strides))
    return c


def gemv(a, x, bint trans=False, double alpha=1.0, c=None, double beta=0.0):
    """c = alpha * op(a) @ x + beta * c on numpy arrays, through our dgemv
    (op(a) = a, or a.T with trans).

    Parameters
    ----------
    a : array-like of shape (m, n)
    x : array-like of shape (n,), or (m,) with trans
    trans : bool
        Use ``a.T`` (absorbed by the kernel, not copied).
    alpha : float
    c : ndarray of shape (m,), or (n,) with trans, float64, writeable, optional
        Accumulated into when given (with beta; a positive increment is fine) and
        returned, as in :func:`gemm`. beta == 0 never reads c.
    beta : float
        Ignored without c.

    Returns
    -------
    ndarray of shape (m,), or (n,) with trans (c itself when given)
    """
    a = _as_mat(a, "a")
    x = _as_vec(x, "x")
    m, n = a.shape
    if x.shape[0] != (m if trans else n):
        raise ValueError("gemv: %s has shape %s but x has shape (%d,)"
                         % ("a.T" if trans else "a", (n, m) if trans else (m, n),
                            x.shape[0]))
    if c is None:
        out = np.empty(n if trans else m, dtype=np.float64)
        beta = 0.0
    else:
        out = _out_vec(c, n if trans else m, "gemv")
    cdef const double[:, :] av = a
    cdef const double[:] xv = x
    cdef double[:] yv = out
    with nogil:
        # y = alpha * op(a) @ x + beta * y
        dgemv(trans, av.shape[0], av.shape[1], alpha, _mptr(av), _mld(av),
              _vptr(xv), _vinc(xv), beta, <double*> _vptr(yv), _vinc(yv))
    return out


cdef void _upper_minus_lower(Py_ssize_t n, double beta,
                             double* C, Py_ssize_t ldc) noexcept nogil:   # INOUT n x n
    """C[i, j] = beta * (C[i, j] - C[j, i]) for j > i, in 32 x 32 tiles (as mirror_lower)."""
    cdef Py_ssize_t i0, j0, i, j, i1, j1
    for i0 in range(0, n, 32):
        i1 = i0 + 32 if i0 + 32 < n else n
        for j0 in range(i0, n, 32):
            j1 = j0 + 32 if j0 + 32 < n else n
            for i in range(i0, i1):
                for j in range(j0 if j0 > i else i + 1, j1):
                    C[i * ldc + j] = beta * (C[i * ldc + j] - C[j * ldc + i])


cdef void _upper_plus_lower(Py_ssize_t n, double* C, Py_ssize_t ldc) noexcept nogil:
    """C[i, j] += C[j, i] for j > i, in 32 x 32 tiles."""
    cdef Py_ssize_t i0, j0, i, j, i1, j1
    for i0 in range(0, n, 32):
        i1 = i0 + 32 if i0 + 32 < n else n
        for j0 in range(i0, n, 32):
            j1 = j0 + 32 if j0 + 32 < n else n
            for i in range(i0, i1):
                for j in range(j0 if j0 > i else i + 1, j1):
                    C[i * ldc + j] += C[j * ldc + i]


def syrk(a, bint trans=False, double alpha=1.0, c=None, double beta=0.0):
    """c = alpha * a @ a.T + beta * c (or alpha * a.T @ a + beta * c) as a full numpy
    array.

    Computes one triangle of the product through our dsyrk (about half the flops of a
    GEMM) and fills the other one from it, so that without c, or with a symmetric c,
    the result is exactly symmetric. A c that is not symmetric is accumulated all the
    same (every entry, as :func:`gemm` would): its strict upper triangle first holds
    beta * (c_upper - c_lower.T), dsyrk updates the lower triangle in place, and the
    upper one becomes that difference plus the new lower triangle's transpose.

    Parameters
    ----------
    a : array-like of shape (n, k), or (k, n) with trans
    trans : bool
        Use ``a.T @ a`` instead of ``a @ a.T``.
    alpha : float
    c : ndarray of shape (n, n), float64, writeable, rows contiguous, optional
        Accumulated into when given (with beta) and returned, as in :func:`gemm`.
        beta == 0 never reads c.
    beta : float
        Ignored without c.

    Returns
    -------
    ndarray of shape (n, n) (c itself when given)
    """
    a = _as_mat(a, "a")
    n = a.shape[1] if trans else a.shape[0]
    k = a.shape[0] if trans else a.shape[1]
    if c is None:
        out = np.empty((n, n), dtype=np.float64)
        beta = 0.0
    else:
        out = _out_mat(c, n, "syrk")
    cdef const double[:, :] av = a
    cdef double[:, :] cv = out
    cdef Py_ssize_t nn = n, kk = k
    cdef Py_ssize_t ldc = _mld(cv)
    cdef double* pc = <double*> _mptr(cv)
    with nogil:
        if beta != 0.0:
            # upper(C) = beta * (upper(C) - lower(C).T)
            _upper_minus_lower(nn, beta, pc, ldc)
        # lower(C) = alpha * A @ A.T + beta * lower(C)
        dsyrk(True, trans, nn, kk, alpha, _mptr(av), _mld(av), beta, pc, ldc)
        if beta != 0.0:
            # upper(C) += lower(C).T  (= alpha * A @ A.T + beta * upper(C))
            _upper_plus_lower(nn, pc, ldc)
        else:
            mirror_lower(nn, pc, ldc)
    return out


# the test shells of the fused kernels (one def each, float32 and float64)
include "_blas_shells.pxi"

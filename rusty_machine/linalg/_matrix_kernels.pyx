# cython: language_level=3
"""_matrix_kernels.pyx: the kernel tier under matrix.pyx: elementwise, reduction,
transpose and gather/scatter kernels on (pointer, leading dimension) blocks, written once
for float32 and float64 (fused over _floating.floating: each kernel is compiled twice).

No Python objects, no GIL: matrix.pyx checks shapes, allocates, and calls these inside
``with nogil`` (declarations and conventions in _matrix_kernels.pxd). A block whose rows
are contiguous (``ld == cols``) is processed as one long row, so every inner loop is a
plain contiguous loop the compiler vectorises; the few reductions the compiler cannot
vectorise (max/min with numpy's NaN rule) call csrc/ (rm_ext_row, _csrc.pxd).

References
----------
[GVL4]  G. H. Golub, C. F. Van Loan, "Matrix Computations", 4th ed., sec. 2.3 (matrix
        norms; the Frobenius norm of _fro_block).
[HIGHAM] N. J. Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed.,
        sec. 4.2 (pairwise summation, used by the sums).
[BLUE]  J. L. Blue, "A portable Fortran program to find the Euclidean norm of a vector",
        ACM TOMS 4(1), 1978 (the scaling idea of _fro_block's slow path).
"""
from libc.math cimport fabs, isinf, sqrt, frexp, ldexp, pow
from libc.float cimport DBL_MAX

from rusty_machine.linalg._csrc cimport rm_ext_row, rm_first_nan

# Below this sum of squares, squares of small entries may have underflowed relative
# to it: the Frobenius norm then rescales (see _fro_block).
cdef double FRO_TINY = 2.0 ** -900

# Transpose tile: two 32 x 32 tiles of doubles (16 KiB) fit in any L1 cache.
cdef enum:
    TRANSPOSE_TILE = 32

# Below this many terms a row is summed with 8 running accumulators; above it the
# row is split in halves (pairwise summation, error O(log2(n) eps) instead of O(n eps);
# Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., sec. 4.2).
cdef enum:
    PAIRWISE_BLOCK = 128


cdef void _copy_block(Py_ssize_t m, Py_ssize_t n,
                      const floating* src, Py_ssize_t lds,            # IN
                      floating* dst, Py_ssize_t ldd) noexcept nogil:  # OUT
    """dst[:m, :n] = src[:m, :n]"""
    cdef Py_ssize_t i, j
    cdef const floating* s
    cdef floating* d
    if lds == n and ldd == n:          # both contiguous: one long row
        n = m * n
        m = 1 if n > 0 else 0
    for i in range(m):
        s = src + i * lds
        d = dst + i * ldd
        for j in range(n):
            d[j] = s[j]


cdef void _fill_block(Py_ssize_t m, Py_ssize_t n, floating value,
                      floating* dst, Py_ssize_t ldd) noexcept nogil:  # OUT
    """dst[:m, :n] = value"""
    cdef Py_ssize_t i, j
    cdef floating* d
    if ldd == n:
        n = m * n
        m = 1 if n > 0 else 0
    for i in range(m):
        d = dst + i * ldd
        for j in range(n):
            d[j] = value


cdef void _ew_block(int op, Py_ssize_t m, Py_ssize_t n,
                    const floating* a, Py_ssize_t lda,              # IN
                    const floating* b, Py_ssize_t ldb,              # IN
                    floating* c, Py_ssize_t ldc) noexcept nogil:  # OUT (may be a)
    """c = a (op) b elementwise; the op is chosen outside the inner loops so that
    each inner loop is a plain contiguous loop gcc vectorises."""
    cdef Py_ssize_t i, j
    cdef const floating* ar
    cdef const floating* br
    cdef floating* cr
    if lda == n and ldb == n and ldc == n:
        n = m * n
        m = 1 if n > 0 else 0
    for i in range(m):
        ar = a + i * lda
        br = b + i * ldb
        cr = c + i * ldc
        if op == OP_ADD:
            for j in range(n):
                cr[j] = ar[j] + br[j]
        elif op == OP_SUB:
            for j in range(n):
                cr[j] = ar[j] - br[j]
        elif op == OP_MUL:
            for j in range(n):
                cr[j] = ar[j] * br[j]
        else:
            for j in range(n):
                cr[j] = ar[j] / br[j]


cdef void _ew_scalar(int op, bint scalar_first, Py_ssize_t m, Py_ssize_t n,
                     const floating* a, Py_ssize_t lda,             # IN
                     floating s,                                   # IN
                     floating* c, Py_ssize_t ldc) noexcept nogil:  # OUT (may be a)
    """c = a (op) s, or c = s (op) a when scalar_first."""
    cdef Py_ssize_t i, j
    cdef const floating* ar
    cdef floating* cr
    if lda == n and ldc == n:
        n = m * n
        m = 1 if n > 0 else 0
    for i in range(m):
        ar = a + i * lda
        cr = c + i * ldc
        if op == OP_ADD:
            for j in range(n):
                cr[j] = ar[j] + s
        elif op == OP_MUL:
            for j in range(n):
                cr[j] = ar[j] * s
        elif op == OP_SUB and not scalar_first:
            for j in range(n):
                cr[j] = ar[j] - s
        elif op == OP_SUB:
            for j in range(n):
                cr[j] = s - ar[j]
        elif not scalar_first:
            for j in range(n):
                cr[j] = ar[j] / s
        else:
            for j in range(n):
                cr[j] = s / ar[j]


cdef void _neg_block(Py_ssize_t m, Py_ssize_t n,
                     const floating* a, Py_ssize_t lda,              # IN
                     floating* c, Py_ssize_t ldc) noexcept nogil:  # OUT
    """c = -a"""
    cdef Py_ssize_t i, j
    for i in range(m):
        for j in range(n):
            c[i * ldc + j] = -a[i * lda + j]


cdef void _abs_block(Py_ssize_t m, Py_ssize_t n,
                     const floating* a, Py_ssize_t lda,              # IN
                     floating* c, Py_ssize_t ldc) noexcept nogil:  # OUT
    """c = |a|"""
    cdef Py_ssize_t i, j
    for i in range(m):
        for j in range(n):
            c[i * ldc + j] = fabs(a[i * lda + j])


cdef void _pow_block(Py_ssize_t m, Py_ssize_t n,
                     const floating* a, Py_ssize_t lda,              # IN
                     double p,                                       # IN
                     floating* c, Py_ssize_t ldc) noexcept nogil:  # OUT
    """c = a ** p elementwise (C99 pow; p == 2 is a plain square)."""
    cdef Py_ssize_t i, j
    for i in range(m):
        if p == 2.0:
            for j in range(n):
                c[i * ldc + j] = a[i * lda + j] * a[i * lda + j]
        else:
            for j in range(n):
                c[i * ldc + j] = pow(a[i * lda + j], p)


cdef void _transpose(Py_ssize_t m, Py_ssize_t n,
                     const floating* a, Py_ssize_t lda,              # IN  m x n
                     floating* b, Py_ssize_t ldb) noexcept nogil:  # OUT n x m
    """b = a.T, tile by tile: inside a TRANSPOSE_TILE^2 tile the rows of a read and
    the rows of b written all stay in L1, so neither side streams through memory
    with a stride of a whole row."""
    cdef Py_ssize_t ii, jj, i, j, iend, jend
    ii = 0
    while ii < m:
        iend = ii + TRANSPOSE_TILE if ii + TRANSPOSE_TILE < m else m
        jj = 0
        while jj < n:
            jend = jj + TRANSPOSE_TILE if jj + TRANSPOSE_TILE < n else n
            for i in range(ii, iend):
                for j in range(jj, jend):
                    b[j * ldb + i] = a[i * lda + j]
            jj += TRANSPOSE_TILE
        ii += TRANSPOSE_TILE


cdef floating _sum_row(Py_ssize_t n, const floating* x) noexcept nogil:
    """sum(x[:n]), pairwise (see PAIRWISE_BLOCK)."""
    cdef floating s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    cdef floating s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0
    cdef Py_ssize_t j = 0, half
    if n > PAIRWISE_BLOCK:
        half = (n // 2) & ~(<Py_ssize_t>7)
        return _sum_row(half, x) + _sum_row(n - half, x + half)
    while j + 8 <= n:
        s0 += x[j]
        s1 += x[j + 1]
        s2 += x[j + 2]
        s3 += x[j + 3]
        s4 += x[j + 4]
        s5 += x[j + 5]
        s6 += x[j + 6]
        s7 += x[j + 7]
        j += 8
    while j < n:
        s0 += x[j]
        j += 1
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))


cdef floating _sum_block(Py_ssize_t m, Py_ssize_t n,
                         const floating* a, Py_ssize_t lda) noexcept nogil:  # IN
    """sum(a[:m, :n])"""
    cdef Py_ssize_t i
    cdef floating s = 0.0
    if lda == n or m == 1:
        return _sum_row(m * n, a)
    for i in range(m):
        s += _sum_row(n, a + i * lda)
    return s


cdef void _row_sums(Py_ssize_t m, Py_ssize_t n,
                    const floating* a, Py_ssize_t lda,               # IN
                    floating* out) noexcept nogil:                   # OUT m
    """out = a.sum(axis=1)"""
    cdef Py_ssize_t i
    for i in range(m):
        out[i] = _sum_row(n, a + i * lda)


cdef void _col_sums(bint absolute, Py_ssize_t m, Py_ssize_t n,
                    const floating* a, Py_ssize_t lda,               # IN
                    floating* out) noexcept nogil:                   # OUT n
    """out = a.sum(axis=0) (or abs(a).sum(axis=0)): four rows at a time are added
    into out, so the inner loop runs along contiguous memory and out is read and
    written once per four rows."""
    cdef Py_ssize_t i = 0, j
    cdef const floating* r0
    cdef const floating* r1
    cdef const floating* r2
    cdef const floating* r3
    for j in range(n):
        out[j] = 0.0
    while i + 4 <= m:
        r0 = a + i * lda
        r1 = r0 + lda
        r2 = r1 + lda
        r3 = r2 + lda
        if absolute:
            for j in range(n):
                out[j] += (fabs(r0[j]) + fabs(r1[j])) + (fabs(r2[j]) + fabs(r3[j]))
        else:
            for j in range(n):
                out[j] += (r0[j] + r1[j]) + (r2[j] + r3[j])
        i += 4
    while i < m:
        r0 = a + i * lda
        if absolute:
            for j in range(n):
                out[j] += fabs(r0[j])
        else:
            for j in range(n):
                out[j] += r0[j]
        i += 1


cdef floating _ext_row(bint want_max, Py_ssize_t n,
                       const floating* x) noexcept nogil:      # IN, n >= 1
    """max (min) of x[:n]; NaN when an entry is NaN, as in numpy (float64: csrc's
    vectorised rm_ext_row; float32: the plain loop)."""
    cdef Py_ssize_t j
    cdef floating v, y
    if floating is double:
        return rm_ext_row(want_max, n, x)
    v = x[0]
    if v != v:
        return v
    for j in range(1, n):
        y = x[j]
        if y != y:
            return y
        if (y > v) if want_max else (y < v):
            v = y
    return v


cdef Py_ssize_t _find(floating v, Py_ssize_t n, const floating* x) noexcept nogil:
    """First j with x[j] == v (or x[j] NaN when v is NaN); -1 when absent."""
    cdef Py_ssize_t j
    if v != v:
        for j in range(n):
            if x[j] != x[j]:
                return j
        return -1
    for j in range(n):
        if x[j] == v:
            return j
    return -1


cdef Py_ssize_t _argext_row(bint want_max, Py_ssize_t n,
                            const floating* x) noexcept nogil:       # IN, n >= 1
    """Index of the first max (min) of x[:n]; the first NaN wins, as in numpy.
    Two passes: the extreme value (`_ext_row`), then its first position."""
    return _find(_ext_row(want_max, n, x), n, x)


cdef floating _ext_block(bint want_max, Py_ssize_t m, Py_ssize_t n,
                         const floating* a, Py_ssize_t lda) noexcept nogil:  # IN, m, n >= 1
    """max (min) of a[:m, :n]; NaN when an entry is NaN."""
    cdef Py_ssize_t i
    cdef floating v, r
    if lda == n:
        return _ext_row(want_max, m * n, a)
    v = _ext_row(want_max, n, a)
    for i in range(1, m):
        if v != v:
            break
        r = _ext_row(want_max, n, a + i * lda)
        if r != r or ((r > v) if want_max else (r < v)):
            v = r
    return v


cdef void _argext_block(bint want_max, Py_ssize_t m, Py_ssize_t n,
                        const floating* a, Py_ssize_t lda,           # IN, m, n >= 1
                        Py_ssize_t* bi, Py_ssize_t* bj) noexcept nogil:  # OUT
    """(i, j) of the first max (min) in row-major order; the first NaN wins."""
    cdef Py_ssize_t i
    cdef floating v
    if lda == n:                        # contiguous: one long row
        bj[0] = _argext_row(want_max, m * n, a)
        bi[0] = bj[0] // n
        bj[0] = bj[0] - bi[0] * n
        return
    v = _ext_block(want_max, m, n, a, lda)
    for i in range(m):
        bj[0] = _find(v, n, a + i * lda)
        if bj[0] >= 0:
            bi[0] = i
            return


cdef void _argext_cols(bint want_max, Py_ssize_t m, Py_ssize_t n,
                       const floating* a, Py_ssize_t lda,            # IN, m >= 1
                       Py_ssize_t* index, floating* value) noexcept nogil:  # OUT n, n
    """Per column: index and value of the first max (min) over the rows (NaN wins)."""
    cdef Py_ssize_t i, j
    cdef floating v, bv
    cdef const floating* ar
    for j in range(n):
        index[j] = 0
        value[j] = a[j]
    for i in range(1, m):
        ar = a + i * lda
        for j in range(n):
            bv = value[j]
            v = ar[j]
            if bv == bv and (v != v or ((v > bv) if want_max else (v < bv))):
                value[j] = v
                index[j] = i


cdef bint _equal_block(Py_ssize_t m, Py_ssize_t n,
                       const floating* a, Py_ssize_t lda,            # IN
                       const floating* b, Py_ssize_t ldb) noexcept nogil:  # IN
    """all(a == b) (NaN is never equal)."""
    cdef Py_ssize_t i, j
    for i in range(m):
        for j in range(n):
            if not (a[i * lda + j] == b[i * ldb + j]):
                return False
    return True


cdef bint _close_block(Py_ssize_t m, Py_ssize_t n,
                       const floating* a, Py_ssize_t lda,            # IN
                       const floating* b, Py_ssize_t ldb,            # IN
                       double rtol, double atol) noexcept nogil:
    """all(|a - b| <= atol + rtol * |b|), with infinities equal only to themselves
    and NaN never close (numpy.allclose's rule)."""
    cdef Py_ssize_t i, j
    cdef double x, y
    for i in range(m):
        for j in range(n):
            x = a[i * lda + j]
            y = b[i * ldb + j]
            if x == y:
                continue
            if isinf(x) or isinf(y) or not (fabs(x - y) <= atol + rtol * fabs(y)):
                return False
    return True


cdef floating _absmax_row(Py_ssize_t n, const floating* x) noexcept nogil:  # IN
    """max |x_i| of x[:n] (0 when n == 0), NaN when an entry is NaN."""
    cdef floating e0 = 0.0, e1 = 0.0, x0, x1
    cdef int nan_seen = 0
    cdef Py_ssize_t j = 0
    while j + 2 <= n:
        x0 = fabs(x[j])
        x1 = fabs(x[j + 1])
        e0 = x0 if x0 > e0 else e0
        e1 = x1 if x1 > e1 else e1
        nan_seen |= (x0 != x0) | (x1 != x1)
        j += 2
    if j < n:
        x0 = fabs(x[j])
        e0 = x0 if x0 > e0 else e0
        nan_seen |= x0 != x0
    e0 = e1 if e1 > e0 else e0
    if nan_seen:
        if floating is double:
            return rm_first_nan(n, x)
        for j in range(n):
            if x[j] != x[j]:
                return x[j]
    return e0


cdef double _sumsq_row(Py_ssize_t n, const floating* x, double scale) noexcept nogil:
    """sum((scale * x[:n])**2) with four accumulators, in double for both dtypes."""
    cdef double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, t0, t1, t2, t3
    cdef Py_ssize_t j = 0
    while j + 4 <= n:
        t0 = scale * x[j]
        t1 = scale * x[j + 1]
        t2 = scale * x[j + 2]
        t3 = scale * x[j + 3]
        s0 += t0 * t0
        s1 += t1 * t1
        s2 += t2 * t2
        s3 += t3 * t3
        j += 4
    while j < n:
        t0 = scale * x[j]
        s0 += t0 * t0
        j += 1
    return (s0 + s1) + (s2 + s3)


cdef floating _fro_block(Py_ssize_t m, Py_ssize_t n,
                         const floating* a, Py_ssize_t lda) noexcept nogil:  # IN
    """||a||_F = sqrt(sum a_ij^2) without overflow or harmful underflow (GVL4
    sec. 2.3.1; LAPACK dlange/dlassq).

    Fast path first, checked afterwards (instead of the reference dnrm2's division
    per entry): the plain sum of squares. It is accurate unless it overflowed (inf),
    met a NaN/inf entry, or is so small (< 2^-900) that squares may have underflowed
    relative to it. Only then: amax = max |a_ij| and the sum of squares of the
    entries scaled by the exact power of two 2^-e nearest 1/amax. This is the idea
    behind Blue's algorithm (ACM TOMS 4, 1978) and LAPACK 3.10's dnrm2 (Anderson,
    ACM TOMS 44, 2017), with one scaling range instead of three."""
    cdef Py_ssize_t i
    cdef double amax = 0.0, r, scale, ssq = 0.0
    cdef int e
    if lda == n:
        n = m * n
        m = 1 if n > 0 else 0
        lda = n if n > 0 else 1
    for i in range(m):
        ssq += _sumsq_row(n, a + i * lda, 1.0)
    if floating is float:
        # float32 squares summed in double can neither overflow nor underflow
        return <float>sqrt(ssq)
    if ssq >= FRO_TINY and ssq <= DBL_MAX:
        return sqrt(ssq)
    for i in range(m):
        r = _absmax_row(n, a + i * lda)
        if r != r:
            return r
        amax = r if r > amax else amax
    if amax == 0.0 or isinf(amax):
        return amax
    frexp(amax, &e)
    scale = ldexp(1.0, -e)                 # exact: amax * scale in [0.5, 1)
    ssq = 0.0
    for i in range(m):
        ssq += _sumsq_row(n, a + i * lda, scale)
    return sqrt(ssq) / scale


cdef void _gather(Py_ssize_t m, Py_ssize_t n,
                  const floating* a, Py_ssize_t lda,                 # IN
                  const Py_ssize_t* ri, const Py_ssize_t* ci,      # IN m, n
                  floating* out, Py_ssize_t ldo) noexcept nogil:   # OUT m x n
    """out = a[np.ix_(ri, ci)]"""
    cdef Py_ssize_t i, j
    cdef const floating* ar
    for i in range(m):
        ar = a + ri[i] * lda
        for j in range(n):
            out[i * ldo + j] = ar[ci[j]]


cdef void _scatter(Py_ssize_t m, Py_ssize_t n,
                   const floating* src, Py_ssize_t lds, bint scalar,  # IN (src[0] if scalar)
                   const Py_ssize_t* ri, const Py_ssize_t* ci,      # IN m, n
                   floating* a, Py_ssize_t lda) noexcept nogil:     # INOUT
    """a[np.ix_(ri, ci)] = src (or = src[0] when scalar)"""
    cdef Py_ssize_t i, j
    cdef floating* ar
    for i in range(m):
        ar = a + ri[i] * lda
        if scalar:
            for j in range(n):
                ar[ci[j]] = src[0]
        else:
            for j in range(n):
                ar[ci[j]] = src[i * lds + j]

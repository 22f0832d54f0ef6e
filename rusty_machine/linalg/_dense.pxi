# _dense.pxi: included by matrix.pyx (one extension module, so the functions here are
# plain C calls for Matrix's and Vector's methods). Everything Matrix and Vector share,
# written once: the operand plumbing (a Matrix or a Vector seen as a Block, classifying
# the other operand, the elementwise operators, ==, allclose, @), the reductions, and
# _Dense, the base class whose methods (operators, reductions, copies, numpy protocol)
# both inherit. The kernels they call are in _matrix_kernels.pyx, reached through the
# k_* dispatchers of _kind_dispatch.pxi (the Block struct is declared there). Mixed
# float32/float64 operands are promoted first (_promoted), numpy's rule.


cdef inline Block _mblock(Matrix A):
    cdef Block b
    b.data = A.data
    b.kind = A.kind
    b.rows = A.nrows
    b.cols = A.ncols
    b.ld = A.ld
    return b


cdef inline Block _vblock(Vector v):
    """A Vector seen as one row."""
    cdef Block b
    b.data = v.data
    b.kind = v.kind
    b.rows = 1
    b.cols = v.n
    b.ld = v.n if v.n > 0 else 1
    return b


cdef inline Block _block(object x):
    if isinstance(x, Matrix):
        return _mblock(<Matrix>x)
    return _vblock(<Vector>x)


cdef inline bint _is_readonly(object x):
    if isinstance(x, Matrix):
        return (<Matrix>x).readonly
    return (<Vector>x).readonly


cdef object _new_like(object x):
    """An uninitialised owned Matrix/Vector of the same shape and dtype as x."""
    if isinstance(x, Matrix):
        return matrix_empty((<Matrix>x).nrows, (<Matrix>x).ncols, (<Matrix>x).kind)
    return vector_empty((<Vector>x).n, (<Vector>x).kind)


cdef object _astype(object x, int kind):
    """x itself when it has that kind, else a converted owned copy (numpy's cast:
    float64 -> float32 rounds to nearest)."""
    if (<_Dense>x).kind == kind:
        return x
    arr = np.array(np.asarray(x), dtype=_DTYPES[kind], order="C")
    if isinstance(x, Matrix):
        return _wrap_matrix(arr)
    return _wrap_vector(arr)


cdef Vector _as_vector_of(Matrix M):
    """The n elements of a contiguous 1 x n (or n x 1) owned Matrix, as a Vector."""
    cdef Vector v = Vector.__new__(Vector)
    v.data = M.data
    v.kind = M.kind
    v.n = M.nrows * M.ncols
    v.owner = M.owner
    v.readonly = M.readonly
    return v


cdef str _shape_str(object x):
    if isinstance(x, (Matrix, Vector)):
        return str(x.shape)
    return str(np.shape(x))


cdef bint _overlaps(Block a, Block b):
    """Do the memory ranges spanned by two blocks intersect?"""
    cdef uintptr_t a_lo, a_hi, b_lo, b_hi
    if a.rows == 0 or a.cols == 0 or b.rows == 0 or b.cols == 0:
        return False
    a_lo = <uintptr_t>a.data
    a_hi = <uintptr_t>(a.data + ((a.rows - 1) * a.ld + a.cols) * kind_itemsize(a.kind))
    b_lo = <uintptr_t>b.data
    b_hi = <uintptr_t>(b.data + ((b.rows - 1) * b.ld + b.cols) * kind_itemsize(b.kind))
    return a_lo < b_hi and b_lo < a_hi


cdef object _operand(object other):
    """Classify the other operand of an arithmetic operator.

    Returns a float for a real scalar, a Matrix (2-D) or Vector (1-D) for array-likes
    (wrapped without a copy when possible), a numpy array for other dimensions (the
    caller reports the shape mismatch), or NotImplemented for non-numeric objects."""
    if isinstance(other, (Matrix, Vector)):
        return other
    if isinstance(other, (float, int)):
        return float(other)
    if other is None or isinstance(other, (str, bytes)):
        return NotImplemented
    if isinstance(other, complex):
        raise TypeError("complex values are not supported")
    try:
        arr = np.asarray(other)
    except ValueError as exc:
        raise ValueError("cannot use a ragged nested sequence as an operand: %s" % exc) \
            from None
    except Exception:
        return NotImplemented
    kind = arr.dtype.kind
    if kind == "c":
        raise TypeError("complex values are not supported (got dtype %s)" % arr.dtype)
    if kind not in "biuf":
        return NotImplemented
    if arr.ndim == 0:
        return float(arr)
    if arr.ndim == 1:
        return asvector(arr)
    if arr.ndim == 2:
        return asmatrix(arr)
    return arr


cdef inline bint _same_kind_and_shape(object x, object y):
    if isinstance(x, Matrix):
        return (isinstance(y, Matrix) and (<Matrix>x).nrows == (<Matrix>y).nrows
                and (<Matrix>x).ncols == (<Matrix>y).ncols)
    return isinstance(y, Vector) and (<Vector>x).n == (<Vector>y).n


cdef object _copy_of(object x):
    cdef Block a = _block(x)
    cdef object out = _new_like(x)
    cdef Block c = _block(out)
    with nogil:
        k_copy(a.kind, a.rows, a.cols, a.data, a.ld, c.data, c.ld)
    return out


cdef object _elementwise(object self, object other, int op, bint reflected,
                         bint inplace, str symbol):
    """self (op) other, other (op) self when reflected, or self (op)= other.

    self is a Matrix or a Vector; other a same-kind same-shape operand or a real
    scalar. The result is a new owned Matrix/Vector (or self when inplace) of numpy's
    promoted dtype: a scalar keeps self's, float32 with float64 gives float64 (in
    place, the result is cast back to self's dtype, as numpy's same-kind casting)."""
    cdef object o = _operand(other)
    cdef Block a, b, c
    cdef double s
    cdef object result
    cdef int kind
    if o is NotImplemented:
        return NotImplemented
    if inplace and _is_readonly(self):
        raise ValueError("%s: the %s is read-only" % (symbol, type(self).__name__))
    a = _block(self)
    if isinstance(o, float):
        s = <double>o
        result = self if inplace else _new_like(self)
        c = _block(result)
        with nogil:
            k_ew_scalar(a.kind, op, reflected, a.rows, a.cols, a.data, a.ld, s,
                        c.data, c.ld)
        return result
    if not _same_kind_and_shape(self, o):
        if reflected:
            raise ValueError("operands could not be combined with '%s': shapes %s and %s"
                             % (symbol, _shape_str(o), _shape_str(self)))
        raise ValueError("operands could not be combined with '%s': shapes %s and %s"
                         % (symbol, _shape_str(self), _shape_str(o)))
    kind = _promote((<_Dense>self).kind, (<_Dense>o).kind)
    if inplace and kind != (<_Dense>self).kind:
        # float32 (op)= float64: computed in float64, then rounded once into self
        # (numpy's same-kind casting), a conversion numpy does for us
        result = _elementwise(self, o, op, reflected, False, symbol)
        np.asarray(self)[...] = np.asarray(result)
        return self
    x = _astype(self, kind)
    o = _astype(o, kind)
    a = _block(x)
    b = _block(o)
    if inplace and b.data != a.data and _overlaps(a, b):
        # e.g. A[1:] += A[:-1]: read the operand before any element is overwritten
        o = _copy_of(o)
        b = _block(o)
    result = self if inplace else _new_like(x)
    c = _block(result)
    with nogil:
        if reflected:
            k_ew(kind, op, a.rows, a.cols, b.data, b.ld, a.data, a.ld, c.data, c.ld)
        else:
            k_ew(kind, op, a.rows, a.cols, a.data, a.ld, b.data, b.ld, c.data, c.ld)
    return result


cdef object _equals(object self, object other):
    """Exact equality: same kind, same shape, every entry equal (NaN != NaN)."""
    cdef object o
    cdef Block a, b
    cdef bint eq
    cdef int kind
    try:
        o = _operand(other)
    except (TypeError, ValueError):
        return False
    if o is NotImplemented or isinstance(o, float) or not _same_kind_and_shape(self, o):
        return False
    kind = _promote((<_Dense>self).kind, (<_Dense>o).kind)
    a = _block(_astype(self, kind))
    b = _block(_astype(o, kind))
    with nogil:
        eq = k_equal(kind, a.rows, a.cols, a.data, a.ld, b.data, b.ld)
    return eq


cdef bint _allclose(object self, object other, double rtol, double atol) except -1:
    cdef object o = _operand(other)
    cdef Block a, b
    cdef bint close
    cdef int kind
    if o is NotImplemented:
        raise TypeError("allclose: cannot compare with %s" % type(other).__name__)
    if isinstance(o, float):
        raise TypeError("allclose: expected an array-like of shape %s, got a scalar"
                        % _shape_str(self))
    if not _same_kind_and_shape(self, o):
        raise ValueError("allclose: shapes %s and %s differ"
                         % (_shape_str(self), _shape_str(o)))
    kind = _promote((<_Dense>self).kind, (<_Dense>o).kind)
    a = _block(_astype(self, kind))
    b = _block(_astype(o, kind))
    with nogil:
        close = k_close(kind, a.rows, a.cols, a.data, a.ld, b.data, b.ld, rtol, atol)
    return close


cdef object _matmul_operand(object x):
    cdef object o
    if isinstance(x, (Matrix, Vector)):
        return x
    o = _operand(x)
    if o is NotImplemented:
        return o
    if isinstance(o, float):
        raise TypeError("matmul: scalar operands are not allowed, use * to scale")
    if not isinstance(o, (Matrix, Vector)):
        raise ValueError("matmul: expected 1-D or 2-D operands, got shape %s"
                         % _shape_str(o))
    return o


cdef object _matmul(object x, object y):
    """x @ y for the four Matrix/Vector pairings, through GEMM/GEMV/DOT."""
    cdef object a = _matmul_operand(x)
    cdef object b = _matmul_operand(y)
    cdef Matrix A, B, C
    cdef Vector u, v, w
    cdef double r
    cdef int kind
    if a is NotImplemented or b is NotImplemented:
        return NotImplemented
    kind = _promote((<_Dense>a).kind, (<_Dense>b).kind)
    a = _astype(a, kind)
    b = _astype(b, kind)
    if isinstance(a, Matrix) and isinstance(b, Matrix):
        A = <Matrix>a
        B = <Matrix>b
        if A.ncols != B.nrows:
            raise ValueError("matmul: shapes %s and %s are not aligned (%d != %d)"
                             % (A.shape, B.shape, A.ncols, B.nrows))
        C = matrix_empty(A.nrows, B.ncols, kind)
        with nogil:
            if A.ncols == 0:
                k_fill(kind, C.nrows, C.ncols, 0.0, C.data, C.ld)
            elif C.nrows > 0 and C.ncols > 0:
                # C = A @ B
                k_gemm(kind, A.nrows, B.ncols, A.ncols, A.data, A.ld, B.data, B.ld,
                       C.data, C.ld)
        return C
    if isinstance(a, Matrix):
        A = <Matrix>a
        v = <Vector>b
        if A.ncols != v.n:
            raise ValueError("matmul: shapes %s and %s are not aligned (%d != %d)"
                             % (A.shape, v.shape, A.ncols, v.n))
        w = vector_empty(A.nrows, kind)
        with nogil:
            if A.ncols == 0:
                k_fill(kind, 1, w.n, 0.0, w.data, w.n)
            elif w.n > 0:
                # w = A @ v
                k_gemv(kind, False, A.nrows, A.ncols, A.data, A.ld, v.data, w.data)
        return w
    if isinstance(b, Matrix):
        u = <Vector>a
        B = <Matrix>b
        if u.n != B.nrows:
            raise ValueError("matmul: shapes %s and %s are not aligned (%d != %d)"
                             % (u.shape, B.shape, u.n, B.nrows))
        w = vector_empty(B.ncols, kind)
        with nogil:
            if B.nrows == 0:
                k_fill(kind, 1, w.n, 0.0, w.data, w.n)
            elif w.n > 0:
                # w = B.T @ u  (= u @ B)
                k_gemv(kind, True, B.nrows, B.ncols, B.data, B.ld, u.data, w.data)
        return w
    u = <Vector>a
    v = <Vector>b
    if u.n != v.n:
        raise ValueError("matmul: shapes %s and %s are not aligned (%d != %d)"
                         % (u.shape, v.shape, u.n, v.n))
    with nogil:
        r = k_dot(kind, u.n, u.data, v.data)
    return _scalar(kind, r)


# ---- reductions -----------------------------------------------------------------
cdef object _check_axis(object axis, int ndim):
    if axis is None:
        return None
    a = operator.index(axis)
    if -ndim <= a < ndim:
        return a % ndim
    raise ValueError("axis %d is out of bounds for a %d-D %s"
                     % (a, ndim, "Matrix" if ndim == 2 else "Vector"))


cdef inline void _check_out(object dtype, object out) except *:
    if out is not None:
        raise TypeError("out= is not supported")
    if dtype is not None:
        kind_of(dtype)


cdef object _extremum(object self, bint want_max, bint want_index, object axis,
                      str name):
    """min/max/argmin/argmax of a Matrix or Vector (NaN propagates as in numpy)."""
    cdef Block a = _block(self)
    cdef bint is_matrix = isinstance(self, Matrix)
    cdef Py_ssize_t bi = 0, bj = 0, i, isz
    cdef double r
    cdef Vector values
    cdef cnp.ndarray index
    cdef Py_ssize_t* ip
    ax = _check_axis(axis, 2 if is_matrix else 1)
    if not is_matrix:
        ax = None
    if ax is None:
        if a.rows * a.cols == 0:
            raise ValueError("%s of an empty %s" % (name, type(self).__name__))
        if not want_index:
            with nogil:
                r = k_ext_block(a.kind, want_max, a.rows, a.cols, a.data, a.ld)
            return _scalar(a.kind, r)
        with nogil:
            k_argext_block(a.kind, want_max, a.rows, a.cols, a.data, a.ld, &bi, &bj)
        if is_matrix:
            return bi * a.cols + bj         # numpy's flat (C-order) index
        return bj
    if ax == 0:
        if a.rows == 0:
            raise ValueError("%s over axis 0 of a matrix with 0 rows" % name)
        values = vector_empty(a.cols, a.kind)
        index = np.empty(a.cols, dtype=np.intp)
        ip = <Py_ssize_t*>cnp.PyArray_DATA(index)
        with nogil:
            k_argext_cols(a.kind, want_max, a.rows, a.cols, a.data, a.ld, ip, values.data)
    else:
        if a.cols == 0:
            raise ValueError("%s over axis 1 of a matrix with 0 columns" % name)
        values = vector_empty(a.rows, a.kind)
        index = np.empty(a.rows, dtype=np.intp)
        ip = <Py_ssize_t*>cnp.PyArray_DATA(index)
        isz = kind_itemsize(a.kind)
        with nogil:
            for i in range(a.rows):
                r = k_ext_row(a.kind, want_max, a.cols, a.data + i * a.ld * isz)
                k_set(a.kind, values.data, i, r)
                if want_index:
                    ip[i] = k_find(a.kind, r, a.cols, a.data + i * a.ld * isz)
    return index if want_index else values


cdef object _sum(object self, object axis):
    cdef Block a = _block(self)
    cdef double s
    cdef Vector out
    cdef bint is_matrix = isinstance(self, Matrix)
    ax = _check_axis(axis, 2 if is_matrix else 1)
    if ax is None or not is_matrix:
        with nogil:
            s = k_sum(a.kind, a.rows, a.cols, a.data, a.ld)
        return _scalar(a.kind, s)
    if ax == 0:
        out = vector_empty(a.cols, a.kind)
        with nogil:
            k_col_sums(a.kind, False, a.rows, a.cols, a.data, a.ld, out.data)
    else:
        out = vector_empty(a.rows, a.kind)
        with nogil:
            k_row_sums(a.kind, a.rows, a.cols, a.data, a.ld, out.data)
    return out


cdef object _mean(object self, object axis):
    cdef bint is_matrix = isinstance(self, Matrix)
    cdef Block a = _block(self)
    cdef Py_ssize_t reduced, kept
    ax = _check_axis(axis, 2 if is_matrix else 1)
    if ax is None or not is_matrix:
        if a.rows * a.cols == 0:
            raise ValueError("mean of an empty %s" % type(self).__name__)
        return _scalar(a.kind, _sum(self, None) / (a.rows * a.cols))
    reduced = a.rows if ax == 0 else a.cols
    kept = a.cols if ax == 0 else a.rows
    if reduced == 0 and kept > 0:
        raise ValueError("mean over axis %d of length 0" % ax)
    total = _sum(self, ax)
    if reduced > 0:
        _elementwise(total, float(reduced), OP_DIV, False, True, "/=")
    return total


cdef object _apply(object self, object f):
    """Elementwise Python function: a new Matrix/Vector with f(x) for every entry."""
    if not callable(f):
        raise TypeError("apply: %s is not callable" % type(f).__name__)
    cdef Block a = _block(self)
    cdef object out = _new_like(self)
    cdef Block c = _block(out)
    cdef Py_ssize_t i, j
    for i in range(a.rows):
        for j in range(a.cols):
            k_set(c.kind, c.data, i * c.ld + j, f(k_get(a.kind, a.data, i * a.ld + j)))
    return out


cdef object _power(object self, object exponent, object modulo):
    """self ** exponent for a real scalar exponent, elementwise."""
    cdef Block a = _block(self), c
    cdef double p
    cdef object out
    if modulo is not None:
        return NotImplemented
    o = _operand(exponent)
    if not isinstance(o, float):
        if o is NotImplemented:
            return NotImplemented
        raise TypeError("** takes a real scalar exponent, got shape %s" % _shape_str(o))
    p = <double>o
    out = _new_like(self)
    c = _block(out)
    with nogil:
        k_pow(a.kind, a.rows, a.cols, a.data, a.ld, p, c.data, c.ld)
    return out


cdef bint _contains(object self, object value) except -1:
    cdef double x = value
    cdef Block a = _block(self)
    cdef Py_ssize_t i, j
    cdef bint found = False
    with nogil:
        for i in range(a.rows):
            for j in range(a.cols):
                if k_get(a.kind, a.data, i * a.ld + j) == x:
                    found = True
                    break
            if found:
                break
    return found


cdef str _repr(object self, str name):
    arr = np.asarray(self)
    suffix = ", dtype=float32" if (<_Dense>self).kind == RM_FLOAT32 else ""
    if arr.size == 0:
        return "%s([], shape=%s%s)" % (name, arr.shape, suffix)
    return "%s(%s%s)" % (name, np.array2string(arr, separator=", ", prefix=name + "("),
                         suffix)


# ---------------------------------------------------------------------------------
# _Dense: what Matrix and Vector share, written once
# ---------------------------------------------------------------------------------
cdef class _Dense:
    """The shared base of `Matrix` and `Vector`: elementwise operators, ``@``,
    comparisons, reductions, copies and the numpy protocol, written once for both.

    Every method sees its object as a block (``_block(self)``: a Vector is one row) and
    calls the shared functions above, which choose a Matrix or a Vector for the
    result. The storage fields (data, owner, readonly) are declared in matrix.pxd;
    the kind-specific ones (shape, leading dimension) in each subclass. Not
    instantiated by itself.
    """

    # numpy must defer to our operators in mixed expressions (NEP 13)
    __array_ufunc__ = None

    def __cinit__(self):
        if type(self) is _Dense:
            raise TypeError("_Dense is the shared base of Matrix and Vector; create one "
                            "of those")

    @property
    def dtype(self):
        """The element type: numpy.float64 or numpy.float32 (as a numpy dtype)."""
        return _DTYPES[self.kind]

    @property
    def itemsize(self):
        """Bytes per element: 8 for float64, 4 for float32."""
        return kind_itemsize(self.kind)

    def astype(self, dtype, copy=True):
        """The same entries as `dtype` (float64 or float32): a new owned object, or
        self when it has that dtype already and copy is False."""
        cdef int kind = kind_of(dtype)
        if kind == self.kind:
            return _copy_of(self) if copy else self
        return _astype(self, kind)

    @property
    def writeable(self):
        """False when it wraps read-only memory (assignment and in-place operators
        raise)."""
        return not self.readonly

    def __array__(self, dtype=None, copy=None):
        arr = np.asarray(memoryview(self))
        if dtype is not None and np.dtype(dtype) != arr.dtype:
            if copy is False:
                raise ValueError("a dtype conversion needs a copy but copy=False")
            return arr.astype(dtype)
        if copy:
            return arr.copy()
        return arr

    def __contains__(self, value):
        """True when some entry equals the real number `value`."""
        return _contains(self, value)

    def copy(self):
        """A contiguous owned copy."""
        return _copy_of(self)

    def tolist(self):
        """Python floats: nested lists for a Matrix, a list for a Vector."""
        return np.asarray(self).tolist()

    def apply(self, f):
        """A new object of the same kind and shape with ``f(x)`` applied to every entry
        (a Python function)."""
        return _apply(self, f)

    def __repr__(self):
        return _repr(self, "Matrix" if isinstance(self, Matrix) else "Vector")

    def __str__(self):
        return str(np.asarray(self))

    # ---- arithmetic: same-kind same-shape operand or a real scalar ------------------
    def __add__(self, other):
        return _elementwise(self, other, OP_ADD, False, False, "+")

    def __radd__(self, other):
        return _elementwise(self, other, OP_ADD, True, False, "+")

    def __sub__(self, other):
        return _elementwise(self, other, OP_SUB, False, False, "-")

    def __rsub__(self, other):
        return _elementwise(self, other, OP_SUB, True, False, "-")

    def __mul__(self, other):
        return _elementwise(self, other, OP_MUL, False, False, "*")

    def __rmul__(self, other):
        return _elementwise(self, other, OP_MUL, True, False, "*")

    def __truediv__(self, other):
        return _elementwise(self, other, OP_DIV, False, False, "/")

    def __rtruediv__(self, other):
        return _elementwise(self, other, OP_DIV, True, False, "/")

    def __iadd__(self, other):
        return _elementwise(self, other, OP_ADD, False, True, "+=")

    def __isub__(self, other):
        return _elementwise(self, other, OP_SUB, False, True, "-=")

    def __imul__(self, other):
        return _elementwise(self, other, OP_MUL, False, True, "*=")

    def __itruediv__(self, other):
        return _elementwise(self, other, OP_DIV, False, True, "/=")

    def __neg__(self):
        cdef Block a = _block(self)
        cdef object out = _new_like(self)
        cdef Block c = _block(out)
        with nogil:
            k_neg(a.kind, a.rows, a.cols, a.data, a.ld, c.data, c.ld)
        return out

    def __pos__(self):
        return _copy_of(self)

    def __pow__(self, exponent, modulo):
        """Elementwise power with a real scalar exponent (``A ** 2``), as numpy's
        ``a ** p`` (negative bases with fractional p give NaN)."""
        return _power(self, exponent, modulo)

    def __abs__(self):
        cdef Block a = _block(self)
        cdef object out = _new_like(self)
        cdef Block c = _block(out)
        with nogil:
            k_abs(a.kind, a.rows, a.cols, a.data, a.ld, c.data, c.ld)
        return out

    def __matmul__(self, other):
        return _matmul(self, other)

    def __rmatmul__(self, other):
        return _matmul(other, self)

    def __eq__(self, other):
        return _equals(self, other)

    def __ne__(self, other):
        return not _equals(self, other)

    def __hash__(self):
        raise TypeError("unhashable type: '%s' (it is mutable)"
                        % ("Matrix" if isinstance(self, Matrix) else "Vector"))

    def allclose(self, other, double rtol=1e-05, double atol=1e-08):
        """True when ``|self - other| <= atol + rtol * |other|`` everywhere (other of
        the same shape; NaN is never close, infinities only to themselves)."""
        return _allclose(self, other, rtol, atol)

    # ---- reductions -----------------------------------------------------------------
    def sum(self, axis=None, dtype=None, out=None):
        """Sum of all entries (axis=None, a float); for a Matrix also of each column
        (axis=0) or of each row (axis=1), as a Vector. Rows are summed pairwise."""
        _check_out(dtype, out)
        return _sum(self, axis)

    def mean(self, axis=None, dtype=None, out=None):
        """Mean over all entries, or for a Matrix over columns (axis=0) or rows
        (axis=1); ValueError when a mean over no entries is asked for."""
        _check_out(dtype, out)
        return _mean(self, axis)

    def min(self, axis=None, out=None):
        """Smallest entry (NaN propagates; ValueError when empty), or for a Matrix per
        column / row as a Vector."""
        _check_out(None, out)
        return _extremum(self, False, False, axis, "min")

    def max(self, axis=None, out=None):
        """Largest entry (NaN propagates; ValueError when empty), or for a Matrix per
        column / row as a Vector."""
        _check_out(None, out)
        return _extremum(self, True, False, axis, "max")

    def argmin(self, axis=None, out=None):
        """Index of the first smallest entry (the first NaN if any): an int for a
        Vector; for a Matrix with axis=None numpy's flat index ``i * cols + j`` (row-major
        order; ``divmod(k, A.cols)`` gives (i, j)), or for a Matrix the row index per
        column (axis=0) / column index per row (axis=1) as an integer numpy array."""
        _check_out(None, out)
        return _extremum(self, False, True, axis, "argmin")

    def argmax(self, axis=None, out=None):
        """Like `argmin`, for the largest entry."""
        _check_out(None, out)
        return _extremum(self, True, True, axis, "argmax")

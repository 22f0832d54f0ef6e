# _blas_shells.pxi: included by blas.pyx (kept apart only for its length). The Python
# test shells of the kernels written once for float32 and float64: each def takes fused
# memoryviews, so Cython compiles it for both types and dispatches on the arrays' dtype
# (all operands must share it; a mismatch raises "Buffer dtype mismatch"). Increments
# and leading dimensions come from the strides. The tests: tests/linalg/test_blas_float32.py.
cdef inline Py_ssize_t _finc(const floating[:] v) except -1:
    if v.shape[0] <= 1:
        return 1
    if v.strides[0] <= 0:
        raise ValueError("vectors must have a positive increment")
    return v.strides[0] // <Py_ssize_t> sizeof(floating)


cdef inline Py_ssize_t _fld(const floating[:, :] a) except -1:
    if a.shape[1] > 1 and a.strides[1] != sizeof(floating):
        raise ValueError("matrices must have contiguous rows")
    if a.shape[0] <= 1:
        return max(a.shape[1], 1)
    if a.strides[0] < <Py_ssize_t> sizeof(floating) * a.shape[1]:
        raise ValueError("matrices must have a leading dimension >= their columns")
    return a.strides[0] // <Py_ssize_t> sizeof(floating)


cdef inline floating* _fp(const floating[:] v) noexcept nogil:
    return <floating*> &v[0] if v.shape[0] > 0 else NULL


cdef inline floating* _fmp(const floating[:, :] a) noexcept nogil:
    return <floating*> &a[0, 0] if a.shape[0] > 0 and a.shape[1] > 0 else NULL


def _xdot_py(const floating[:] x, const floating[:] y):
    """x . y through the fused xdot, in the arrays' dtype."""
    _same_len(x, y)
    return xdot(x.shape[0], _fp(x), _finc(x), _fp(y), _finc(y))


def _xaxpy_py(double alpha, const floating[:] x, floating[:] y):
    """y += alpha * x in place (alpha rounded to the arrays' dtype)."""
    _same_len(x, y)
    xaxpy(x.shape[0], <floating> alpha, _fp(x), _finc(x), _fp(y), _finc(y))


def _xscal_py(double alpha, floating[:] x):
    xscal(x.shape[0], <floating> alpha, _fp(x), _finc(x))


def _xcopy_py(const floating[:] x, floating[:] y):
    _same_len(x, y)
    xcopy(x.shape[0], _fp(x), _finc(x), _fp(y), _finc(y))


def _xswap_py(floating[:] x, floating[:] y):
    _same_len(x, y)
    xswap(x.shape[0], _fp(x), _finc(x), _fp(y), _finc(y))


def _xnrm2_py(const floating[:] x):
    return xnrm2(x.shape[0], _fp(x), _finc(x))


def _xasum_py(const floating[:] x):
    return xasum(x.shape[0], _fp(x), _finc(x))


def _ixamax_py(const floating[:] x):
    return ixamax(x.shape[0], _fp(x), _finc(x))


def _xgemv_py(const floating[:, :] a, const floating[:] x, floating[:] y,
              bint trans=False, double alpha=1.0, double beta=0.0):
    """y = alpha * op(a) @ x + beta * y in place, in the arrays' dtype."""
    cdef Py_ssize_t m = a.shape[0], n = a.shape[1]
    if x.shape[0] != (m if trans else n) or y.shape[0] != (n if trans else m):
        raise ValueError("xgemv: shapes do not match")
    xgemv(trans, m, n, <floating> alpha, _fmp(a), _fld(a), _fp(x), _finc(x),
          <floating> beta, _fp(y), _finc(y))


def _xger_py(double alpha, const floating[:] x, const floating[:] y, floating[:, :] a):
    if a.shape[0] != x.shape[0] or a.shape[1] != y.shape[0]:
        raise ValueError("xger: shapes do not match")
    xger(a.shape[0], a.shape[1], <floating> alpha, _fp(x), _finc(x), _fp(y), _finc(y),
         _fmp(a), _fld(a))


def _xtrsv_py(const floating[:, :] t, floating[:] x, bint lower=True, bint trans=False,
              bint unit=False):
    if t.shape[0] != t.shape[1] or x.shape[0] != t.shape[0]:
        raise ValueError("xtrsv: shapes do not match")
    xtrsv(lower, trans, unit, t.shape[0], _fmp(t), _fld(t), _fp(x), _finc(x))


def _xtrsm_py(const floating[:, :] t, floating[:, :] b, bint left=True, bint lower=True,
              bint trans=False, bint unit=False, double alpha=1.0):
    """b = alpha * inv(op(t)) @ b (left) or alpha * b @ inv(op(t)) in place."""
    if t.shape[0] != t.shape[1] or t.shape[0] != (b.shape[0] if left else b.shape[1]):
        raise ValueError("xtrsm: shapes do not match")
    xtrsm(left, lower, trans, unit, b.shape[0], b.shape[1], <floating> alpha, _fmp(t),
          _fld(t), _fmp(b), _fld(b))


def _xtrmm_py(const floating[:, :] t, floating[:, :] b, bint left=True, bint lower=True,
              bint trans=False, bint unit=False, double alpha=1.0):
    """b = alpha * op(t) @ b (left) or alpha * b @ op(t) in place."""
    if t.shape[0] != t.shape[1] or t.shape[0] != (b.shape[0] if left else b.shape[1]):
        raise ValueError("xtrmm: shapes do not match")
    xtrmm(left, lower, trans, unit, b.shape[0], b.shape[1], <floating> alpha, _fmp(t),
          _fld(t), _fmp(b), _fld(b))


def _xsyrk_py(const floating[:, :] a, floating[:, :] c, bint lower=True, bint trans=False,
              double alpha=1.0, double beta=0.0):
    """One triangle of c = alpha * op(a) @ op(a).T + beta * c in place (op(a) = a.T when
    trans)."""
    cdef Py_ssize_t n = a.shape[1] if trans else a.shape[0]
    cdef Py_ssize_t k = a.shape[0] if trans else a.shape[1]
    if c.shape[0] != n or c.shape[1] != n:
        raise ValueError("xsyrk: shapes do not match")
    xsyrk(lower, trans, n, k, <floating> alpha, _fmp(a), _fld(a), <floating> beta,
          _fmp(c), _fld(c))

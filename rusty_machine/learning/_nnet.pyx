"""_nnet.pyx: the elementwise inner loops of the neural networks.

The matrix products of the forward and backward passes go through our GEMM (called from
nnet/_network.py); what is left, and what this module does in nogil loops over rows, is
elementwise: bias + activation, the activation's derivative, softmax and the losses. (The
optimisers' fused parameter updates are in _optim.pyx, shared with learning.optim.)

Every loop is written once for float32 and float64 (``floating``, _floating.pxd): a
float32 network keeps its activations and deltas in float32 (the GEMMs around these
loops are then sgemm); the transcendental functions are evaluated in double and rounded,
and the losses are accumulated in float64 whatever the type. Sample weights are float64.

Activation codes (shared with nnet/_layers.py):
    0 identity   f(z) = z                        f' = 1
    1 logistic   f(z) = 1 / (1 + e^-z)          f' = f (1 - f)
    2 tanh       f(z) = tanh z                   f' = 1 - f^2
    3 relu       f(z) = max(z, 0)                f' = [z > 0]
    4 leaky_relu f(z) = z if z > 0 else s z      f' = 1 if z > 0 else s
    5 gelu       f(z) = z Phi(z)                 f' = Phi(z) + z phi(z)   (needs z)
    6 softmax    f(z)_j = e^{z_j} / sum_k e^{z_k}  (rows; used with cross-entropy)

References
----------
[1] Goodfellow, Bengio & Courville, "Deep Learning", MIT Press 2016, Sec. 6.3 (hidden
    units), 6.5 (back-propagation).
[2] Hendrycks & Gimpel, "Gaussian Error Linear Units (GELUs)", arXiv:1606.08415, 2016.
"""
from cython.parallel cimport prange
from libc.math cimport erf, exp, log, log1p, tanh, INFINITY
from libc.stdlib cimport calloc, free

from rusty_machine.linalg.blas cimport get_num_threads
from rusty_machine.linalg._floating cimport floating, DBL_EPSILON, FLT_EPSILON

cdef double SQRT1_2 = 0.70710678118654752440     # 1 / sqrt(2)
cdef double INV_SQRT_2PI = 0.39894228040143267794  # 1 / sqrt(2 pi)
# Rows per parallel chunk: below this much work a second thread costs more than it saves.
cdef Py_ssize_t PAR_MIN_ELEMS = 32768


cdef inline double _logistic(double z) noexcept nogil:
    # stable for both signs: never exp of a large positive number
    cdef double e
    if z >= 0:
        return 1.0 / (1.0 + exp(-z))
    e = exp(z)
    return e / (1.0 + e)


cdef void _activate_row(int code, double slope,
                        floating* z,            # INOUT pre-activation -> activation
                        Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t j
    cdef double m, s, x
    if code == 1:
        for j in range(n):
            z[j] = _logistic(z[j])
    elif code == 2:
        for j in range(n):
            z[j] = tanh(z[j])
    elif code == 3:
        for j in range(n):
            if z[j] < 0.0:
                z[j] = 0.0
    elif code == 4:
        for j in range(n):
            if z[j] < 0.0:
                z[j] = <floating>(slope * z[j])
    elif code == 5:
        for j in range(n):
            x = z[j]
            z[j] = 0.5 * x * (1.0 + erf(x * SQRT1_2))
    elif code == 6:
        # softmax with the row maximum subtracted (no overflow) [1, Sec. 4.1]
        m = -INFINITY
        for j in range(n):
            if z[j] > m:
                m = z[j]
        s = 0.0
        for j in range(n):
            z[j] = exp(z[j] - m)
            s += z[j]
        s = 1.0 / s
        for j in range(n):
            z[j] = <floating>(z[j] * s)


def bias_activate(floating[:, ::1] Z, const floating[::1] b, int code, double slope=0.01,
                  floating[:, ::1] Zpre=None):
    """In place: Z = f(Z + b) row by row (b may be empty: no bias); Z, b and Zpre of one
    dtype, float32 or float64.

    When ``Zpre`` is given (GELU needs it for the backward pass) it receives Z + b
    before the activation."""
    cdef Py_ssize_t n = Z.shape[0], d = Z.shape[1], i, j
    cdef bint has_bias = b.shape[0] > 0
    cdef bint keep = Zpre is not None
    if has_bias and b.shape[0] != d:
        raise ValueError("bias has %d entries, the layer has %d units" % (b.shape[0], d))
    if keep and (Zpre.shape[0] != n or Zpre.shape[1] != d):
        raise ValueError("Zpre has the wrong shape")
    if n == 0 or d == 0:
        return
    cdef int threads = get_num_threads() if n * d >= PAR_MIN_ELEMS else 1
    for i in prange(n, nogil=True, schedule="static", num_threads=threads):
        if has_bias:
            for j in range(d):
                Z[i, j] += b[j]
        if keep:
            for j in range(d):
                Zpre[i, j] = Z[i, j]
        _activate_row(code, slope, &Z[i, 0], d)


cdef void _deriv_row(int code, double slope,
                     floating* delta,          # INOUT dL/dA -> dL/dZ
                     const floating* a,        # IN    activation output
                     const floating* zpre,     # IN    pre-activation (gelu only)
                     Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t j
    cdef double x, cdf
    if code == 1:
        for j in range(n):
            delta[j] *= a[j] * (1.0 - a[j])
    elif code == 2:
        for j in range(n):
            delta[j] *= 1.0 - a[j] * a[j]
    elif code == 3:
        for j in range(n):
            if a[j] <= 0.0:
                delta[j] = 0.0
    elif code == 4:
        for j in range(n):
            if a[j] <= 0.0:
                delta[j] = <floating>(delta[j] * slope)
    elif code == 5:
        for j in range(n):
            x = zpre[j]
            cdf = 0.5 * (1.0 + erf(x * SQRT1_2))
            delta[j] = <floating>(delta[j] * (cdf + x * INV_SQRT_2PI * exp(-0.5 * x * x)))


def activation_backward(floating[:, ::1] delta, const floating[:, ::1] A, int code,
                        double slope=0.01, const floating[:, ::1] Zpre=None):
    """In place: delta = delta * f'(Z), with f' written in terms of the output A
    (and of the pre-activation Zpre for GELU). Softmax is not handled here: with
    cross-entropy its gradient is fused into P - Y (see nnet/_network.py)."""
    cdef Py_ssize_t n = delta.shape[0], d = delta.shape[1], i
    if A.shape[0] != n or A.shape[1] != d:
        raise ValueError("activation_backward: delta is (%d, %d) but A is (%d, %d)"
                         % (n, d, A.shape[0], A.shape[1]))
    if code == 5 and (Zpre is None or Zpre.shape[0] != n or Zpre.shape[1] != d):
        raise ValueError("activation_backward: GELU needs the pre-activation")
    if code == 6:
        raise ValueError("softmax backward is fused with the cross-entropy loss")
    if n == 0 or d == 0 or code == 0:
        return
    cdef const floating* zp = NULL
    cdef int threads = get_num_threads() if n * d >= PAR_MIN_ELEMS else 1
    for i in prange(n, nogil=True, schedule="static", num_threads=threads):
        _deriv_row(code, slope, &delta[i, 0], &A[i, 0],
                   &Zpre[i, 0] if code == 5 else zp, d)


def column_sums(const floating[:, ::1] X, floating[::1] out):
    """out = X.sum(axis=0): the bias gradient. Rows accumulate in order (the inner loop
    stays contiguous) into a float64 row, rounded once to out's dtype (a float32 sum
    over a full batch of 10^4 rows would otherwise lose about 3 digits)."""
    cdef Py_ssize_t n = X.shape[0], d = X.shape[1], i, j
    if out.shape[0] != d:
        raise ValueError("column_sums: out has %d entries, X has %d columns" % (out.shape[0], d))
    cdef double* acc = <double*>calloc(d if d > 0 else 1, sizeof(double))
    if acc == NULL:
        raise MemoryError()
    with nogil:
        for i in range(n):
            for j in range(d):
                acc[j] += X[i, j]
        for j in range(d):
            out[j] = <floating>acc[j]
    free(acc)


# ---- losses ------------------------------------------------------------------------
# Each returns sum_i w_i * loss_i (the caller divides), computed in a numerically safe way,
# accumulated in float64 for either dtype of P and Y (w is float64). The clip of the
# log-losses is the eps of P's dtype (scikit-learn's rule: np.finfo(P.dtype).eps).

def log_loss_sum(const floating[:, ::1] P, const floating[:, ::1] Y, const double[::1] w):
    """sum_i w_i * (-sum_j Y_ij log P_ij) with P clipped to [eps, 1]."""
    cdef Py_ssize_t n = P.shape[0], d = P.shape[1], i, j
    cdef double total = 0.0, row, p
    cdef double tiny = FLT_EPSILON if floating is float else DBL_EPSILON
    if Y.shape[0] != n or Y.shape[1] != d or w.shape[0] != n:
        raise ValueError("log_loss_sum: shapes disagree")
    with nogil:
        for i in range(n):
            row = 0.0
            for j in range(d):
                if Y[i, j] != 0.0:
                    p = P[i, j] if P[i, j] > tiny else tiny
                    row -= Y[i, j] * log(p)
            total += w[i] * row
    return total


def binary_log_loss_sum(const floating[:, ::1] P, const floating[:, ::1] Y, const double[::1] w):
    """sum_i w_i * sum_j -(Y log P + (1 - Y) log(1 - P)), P clipped to [eps, 1 - eps]."""
    cdef Py_ssize_t n = P.shape[0], d = P.shape[1], i, j
    cdef double total = 0.0, row, p
    cdef double tiny = FLT_EPSILON if floating is float else DBL_EPSILON
    if Y.shape[0] != n or Y.shape[1] != d or w.shape[0] != n:
        raise ValueError("binary_log_loss_sum: shapes disagree")
    with nogil:
        for i in range(n):
            row = 0.0
            for j in range(d):
                p = P[i, j]
                if p < tiny:
                    p = tiny
                elif p > 1.0 - tiny:
                    p = 1.0 - tiny
                row -= Y[i, j] * log(p) + (1.0 - Y[i, j]) * log1p(-p)
            total += w[i] * row
    return total


def squared_loss_sum(const floating[:, ::1] P, const floating[:, ::1] Y, const double[::1] w):
    """sum_i w_i * sum_j (P_ij - Y_ij)^2."""
    cdef Py_ssize_t n = P.shape[0], d = P.shape[1], i, j
    cdef double total = 0.0, row, r
    if Y.shape[0] != n or Y.shape[1] != d or w.shape[0] != n:
        raise ValueError("squared_loss_sum: shapes disagree")
    with nogil:
        for i in range(n):
            row = 0.0
            for j in range(d):
                r = P[i, j] - Y[i, j]
                row += r * r
            total += w[i] * row
    return total


def residual_delta(const floating[:, ::1] P, const floating[:, ::1] Y, const double[::1] w,
                   double scale, floating[:, ::1] out):
    """out = scale * w[:, None] * (P - Y): the output-layer delta for the matching pairs
    (softmax, cross-entropy), (logistic, binary cross-entropy), (identity, squared error)."""
    cdef Py_ssize_t n = P.shape[0], d = P.shape[1], i, j
    cdef double s
    if Y.shape[0] != n or Y.shape[1] != d or w.shape[0] != n or out.shape[0] != n \
            or out.shape[1] != d:
        raise ValueError("residual_delta: shapes disagree")
    with nogil:
        for i in range(n):
            s = scale * w[i]
            for j in range(d):
                out[i, j] = <floating>(s * (P[i, j] - Y[i, j]))


# ---- penalty ------------------------------------------------------------------------

def l2_value_grad(const floating[::1] W, floating[::1] G, double coef):
    """G += coef * W and return sum(W * W) (accumulated in float64): the L2 penalty's
    value and gradient in one pass over the weights, no temporaries (called once per
    layer and training step)."""
    cdef Py_ssize_t n = W.shape[0], i
    cdef double acc = 0.0
    if G.shape[0] != n:
        raise ValueError("l2_value_grad: W has %d entries, G has %d" % (n, G.shape[0]))
    with nogil:
        for i in range(n):
            acc += <double>W[i] * W[i]
            G[i] = <floating>(G[i] + coef * W[i])
    return acc

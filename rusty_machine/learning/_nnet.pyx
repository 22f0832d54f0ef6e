"""_nnet.pyx: the elementwise inner loops of the neural networks.

The matrix products of the forward and backward passes go through our GEMM (called from
nnet/_network.py); what is left, and what this module does in nogil loops over rows, is
elementwise: bias + activation, the activation's derivative, softmax and the losses. (The
optimisers' fused parameter updates are in _optim.pyx, shared with learning.optim.)

``DenseTrainer`` runs a whole mini-batch of a plain multi-layer perceptron (dense layers,
the output activation fused with its loss) in one nogil call: the row gather, the
forward GEMMs with bias + activation, the loss fused with the output delta P - Y, the
backward GEMMs (the input layer's delta is never formed, as scikit-learn skips it) and
the L2 penalty, in buffers allocated once per fit; and, for Adam, the update with the
penalty's gradient folded in (csrc/rm_nnet_adam.h). Per batch that removes the Python
calls and the temporaries of the layer-by-layer path (nnet/_network.py), which the
small networks' batches are bound by.

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
from libc.math cimport erf, exp, log, log1p, sqrt, tanh, INFINITY
from libc.stdlib cimport calloc, free
from libc.string cimport memcpy

cimport numpy as cnp
import numpy as np

from rusty_machine.linalg.blas cimport get_num_threads, xgemm
from rusty_machine.linalg._floating cimport floating, DBL_EPSILON, FLT_EPSILON


cnp.import_array()


cdef extern from "rm_nnet_adam.h" nogil:
    # Adam with the L2 gradient folded in, on one segment of the parameters; returns
    # sum p^2 before the step (contract in the header); s = float, d = double
    const char* rm_nnet_adam_isa()
    double rm_nnet_sadam(Py_ssize_t n, float* p, const float* g, float* m, float* v,
                         float step, float e, float b1, float c1, float b2, float c2,
                         float coef, int vec)
    double rm_nnet_dadam(Py_ssize_t n, double* p, const double* g, double* m, double* v,
                         double step, double e, double b1, double c1, double b2, double c2,
                         double coef, int vec)

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


cdef void _bias_activate_row(int code, double slope,
                             floating* z,            # INOUT pre-activation -> activation
                             const floating* b,      # IN    bias (NULL: none)
                             floating* zpre,         # OUT   z + b (NULL: not kept)
                             Py_ssize_t n) noexcept nogil:
    # z = f(z + b) on one row; the sum z + b is rounded to the type once, as numpy's
    cdef Py_ssize_t j
    cdef double m, s
    cdef floating x
    if b != NULL:
        for j in range(n):
            z[j] = z[j] + b[j]
    if zpre != NULL:
        memcpy(zpre, z, n * sizeof(floating))
    if code == 1:
        for j in range(n):
            z[j] = <floating>_logistic(z[j])
    elif code == 2:
        for j in range(n):
            z[j] = <floating>tanh(z[j])
    elif code == 3:
        for j in range(n):
            # a select, not a branch (so the loop vectorises); NaN stays NaN
            x = z[j]
            z[j] = 0.0 if x < 0.0 else x
    elif code == 4:
        for j in range(n):
            x = z[j]
            z[j] = <floating>(slope * x) if x < 0.0 else x
    elif code == 5:
        for j in range(n):
            x = z[j]
            z[j] = <floating>(0.5 * x * (1.0 + erf(x * SQRT1_2)))
    elif code == 6:
        # softmax with the row maximum subtracted (no overflow) [1, Sec. 4.1]
        m = -INFINITY
        for j in range(n):
            if z[j] > m:
                m = z[j]
        s = 0.0
        for j in range(n):
            z[j] = <floating>exp(z[j] - m)
            s += z[j]
        s = 1.0 / s
        for j in range(n):
            z[j] = <floating>(z[j] * s)


cdef void _bias_activate_rows(int code, double slope, Py_ssize_t n, Py_ssize_t d,
                              floating* Z,          # INOUT (n, d), leading dimension d
                              const floating* b,    # IN    (d,) or NULL
                              floating* Zpre) noexcept nogil:  # OUT (n, d) or NULL
    # row by row, on the module's threads when the block is big enough
    cdef Py_ssize_t i
    cdef int threads = get_num_threads() if n * d >= PAR_MIN_ELEMS else 1
    for i in prange(n, schedule="static", num_threads=threads):
        _bias_activate_row(code, slope, Z + i * d, b,
                           Zpre + i * d if Zpre != NULL else NULL, d)


def bias_activate(floating[:, ::1] Z, const floating[::1] b, int code, double slope=0.01,
                  floating[:, ::1] Zpre=None):
    """In place: Z = f(Z + b) row by row (b may be empty: no bias); Z, b and Zpre of one
    dtype, float32 or float64.

    When ``Zpre`` is given (GELU needs it for the backward pass) it receives Z + b
    before the activation."""
    cdef Py_ssize_t n = Z.shape[0], d = Z.shape[1]
    cdef bint has_bias = b.shape[0] > 0
    cdef bint keep = Zpre is not None
    if has_bias and b.shape[0] != d:
        raise ValueError("bias has %d entries, the layer has %d units" % (b.shape[0], d))
    if keep and (Zpre.shape[0] != n or Zpre.shape[1] != d):
        raise ValueError("Zpre has the wrong shape")
    if n == 0 or d == 0:
        return
    with nogil:
        _bias_activate_rows(code, slope, n, d, &Z[0, 0], &b[0] if has_bias else NULL,
                            &Zpre[0, 0] if keep else NULL)


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
            delta[j] = 0.0 if a[j] <= 0.0 else delta[j]      # a select, as in the forward
    elif code == 4:
        for j in range(n):
            delta[j] = <floating>(delta[j] * slope) if a[j] <= 0.0 else delta[j]
    elif code == 5:
        for j in range(n):
            x = zpre[j]
            cdf = 0.5 * (1.0 + erf(x * SQRT1_2))
            delta[j] = <floating>(delta[j] * (cdf + x * INV_SQRT_2PI * exp(-0.5 * x * x)))


cdef void _deriv_rows(int code, double slope, Py_ssize_t n, Py_ssize_t d,
                      floating* delta,          # INOUT (n, d)
                      const floating* A,        # IN    (n, d)
                      const floating* Zpre) noexcept nogil:   # IN (n, d), gelu only
    cdef Py_ssize_t i
    cdef int threads = get_num_threads() if n * d >= PAR_MIN_ELEMS else 1
    if code == 0:
        return
    for i in prange(n, schedule="static", num_threads=threads):
        _deriv_row(code, slope, delta + i * d, A + i * d,
                   Zpre + i * d if Zpre != NULL else NULL, d)


def activation_backward(floating[:, ::1] delta, const floating[:, ::1] A, int code,
                        double slope=0.01, const floating[:, ::1] Zpre=None):
    """In place: delta = delta * f'(Z), with f' written in terms of the output A
    (and of the pre-activation Zpre for GELU). Softmax is not handled here: with
    cross-entropy its gradient is fused into P - Y (see nnet/_network.py)."""
    cdef Py_ssize_t n = delta.shape[0], d = delta.shape[1]
    if A.shape[0] != n or A.shape[1] != d:
        raise ValueError("activation_backward: delta is (%d, %d) but A is (%d, %d)"
                         % (n, d, A.shape[0], A.shape[1]))
    if code == 5 and (Zpre is None or Zpre.shape[0] != n or Zpre.shape[1] != d):
        raise ValueError("activation_backward: GELU needs the pre-activation")
    if code == 6:
        raise ValueError("softmax backward is fused with the cross-entropy loss")
    if n == 0 or d == 0:
        return
    with nogil:
        _deriv_rows(code, slope, n, d, &delta[0, 0], &A[0, 0],
                    &Zpre[0, 0] if code == 5 else NULL)


cdef void _column_sums(Py_ssize_t n, Py_ssize_t d,
                       const floating* X,           # IN  (n, d)
                       double* acc,                 # --  (d,) scratch
                       floating* out) noexcept nogil:   # OUT (d,)
    # rows accumulate in order into a float64 row, rounded once to out's type
    cdef Py_ssize_t i, j
    for j in range(d):
        acc[j] = 0.0
    for i in range(n):
        for j in range(d):
            acc[j] += X[i * d + j]
    for j in range(d):
        out[j] = <floating>acc[j]


def column_sums(const floating[:, ::1] X, floating[::1] out):
    """out = X.sum(axis=0): the bias gradient. Rows accumulate in order (the inner loop
    stays contiguous) into a float64 row, rounded once to out's dtype (a float32 sum
    over a full batch of 10^4 rows would otherwise lose about 3 digits)."""
    cdef Py_ssize_t n = X.shape[0], d = X.shape[1]
    if out.shape[0] != d:
        raise ValueError("column_sums: out has %d entries, X has %d columns" % (out.shape[0], d))
    if d == 0:
        return
    cdef double* acc = <double*>calloc(d, sizeof(double))
    if acc == NULL:
        raise MemoryError()
    with nogil:
        _column_sums(n, d, &X[0, 0] if n > 0 else NULL, acc, &out[0])
    free(acc)


# ---- losses ------------------------------------------------------------------------
# Each returns sum_i w_i * loss_i (the caller divides), computed in a numerically safe way,
# accumulated in float64 for either dtype of P and Y (w is float64). The clip of the
# log-losses is the eps of P's dtype (scikit-learn's rule: np.finfo(P.dtype).eps).

cdef inline double _log_loss_row(const floating* p, const floating* y, Py_ssize_t d,
                                 double tiny) noexcept nogil:
    # -sum_j y_j log p_j, p clipped below at tiny
    cdef Py_ssize_t j
    cdef double row = 0.0, pj
    for j in range(d):
        if y[j] != 0.0:
            pj = p[j] if p[j] > tiny else tiny
            row -= y[j] * log(pj)
    return row


cdef inline double _binary_log_loss_row(const floating* p, const floating* y, Py_ssize_t d,
                                        double tiny) noexcept nogil:
    # -sum_j (y_j log p_j + (1 - y_j) log(1 - p_j)), p clipped to [tiny, 1 - tiny]
    cdef Py_ssize_t j
    cdef double row = 0.0, pj
    for j in range(d):
        pj = p[j]
        if pj < tiny:
            pj = tiny
        elif pj > 1.0 - tiny:
            pj = 1.0 - tiny
        row -= y[j] * log(pj) + (1.0 - y[j]) * log1p(-pj)
    return row


cdef inline double _squared_row(const floating* p, const floating* y,
                                Py_ssize_t d) noexcept nogil:
    # sum_j (p_j - y_j)^2
    cdef Py_ssize_t j
    cdef double row = 0.0, r
    for j in range(d):
        r = p[j] - y[j]
        row += r * r
    return row


# the losses by code (DenseTrainer): what each fused output activation is paired with
cdef enum:
    LOSS_SQUARED = 0     # identity output, half the squared error (MSE)
    LOSS_BINARY = 1      # logistic output, binary cross-entropy (BCE)
    LOSS_LOG = 2         # softmax output, cross-entropy


cdef inline double _loss_row(int kind, const floating* p, const floating* y,
                             Py_ssize_t d) noexcept nogil:
    # one sample's loss; the clip of the log-losses is the eps of the type
    cdef double tiny = FLT_EPSILON if floating is float else DBL_EPSILON
    if kind == LOSS_LOG:
        return _log_loss_row(p, y, d, tiny)
    if kind == LOSS_BINARY:
        return _binary_log_loss_row(p, y, d, tiny)
    return _squared_row(p, y, d)


cdef double _loss_sum(int kind, const floating[:, ::1] P, const floating[:, ::1] Y,
                      const double[::1] w) except? -1:
    cdef Py_ssize_t n = P.shape[0], d = P.shape[1], i
    cdef double total = 0.0
    if Y.shape[0] != n or Y.shape[1] != d or w.shape[0] != n:
        raise ValueError("loss: P is (%d, %d), Y is (%d, %d), w has %d entries"
                         % (n, d, Y.shape[0], Y.shape[1], w.shape[0]))
    if d == 0:
        return 0.0
    with nogil:
        for i in range(n):
            total += w[i] * _loss_row(kind, &P[i, 0], &Y[i, 0], d)
    return total


def log_loss_sum(const floating[:, ::1] P, const floating[:, ::1] Y, const double[::1] w):
    """sum_i w_i * (-sum_j Y_ij log P_ij) with P clipped to [eps, 1]."""
    return _loss_sum(LOSS_LOG, P, Y, w)


def binary_log_loss_sum(const floating[:, ::1] P, const floating[:, ::1] Y, const double[::1] w):
    """sum_i w_i * sum_j -(Y log P + (1 - Y) log(1 - P)), P clipped to [eps, 1 - eps]."""
    return _loss_sum(LOSS_BINARY, P, Y, w)


def squared_loss_sum(const floating[:, ::1] P, const floating[:, ::1] Y, const double[::1] w):
    """sum_i w_i * sum_j (P_ij - Y_ij)^2."""
    return _loss_sum(LOSS_SQUARED, P, Y, w)


cdef inline void _residual_row(double s, const floating* p, const floating* y,
                               floating* out, Py_ssize_t d) noexcept nogil:
    cdef Py_ssize_t j
    for j in range(d):
        out[j] = <floating>(s * (p[j] - y[j]))


def residual_delta(const floating[:, ::1] P, const floating[:, ::1] Y, const double[::1] w,
                   double scale, floating[:, ::1] out):
    """out = scale * w[:, None] * (P - Y): the output-layer delta for the matching pairs
    (softmax, cross-entropy), (logistic, binary cross-entropy), (identity, squared error)."""
    cdef Py_ssize_t n = P.shape[0], d = P.shape[1], i
    if Y.shape[0] != n or Y.shape[1] != d or w.shape[0] != n or out.shape[0] != n \
            or out.shape[1] != d:
        raise ValueError("residual_delta: shapes disagree")
    if d == 0:
        return
    with nogil:
        for i in range(n):
            _residual_row(scale * w[i], &P[i, 0], &Y[i, 0], &out[i, 0], d)


# ---- penalty ------------------------------------------------------------------------

cdef double _l2_pass(Py_ssize_t n, const floating* W, floating* G,
                     double coef) noexcept nogil:
    # G += coef * W and return sum(W * W) in float64, one pass
    cdef Py_ssize_t i
    cdef double acc = 0.0
    for i in range(n):
        acc += <double>W[i] * W[i]
        G[i] = <floating>(G[i] + coef * W[i])
    return acc


def l2_value_grad(const floating[::1] W, floating[::1] G, double coef):
    """G += coef * W and return sum(W * W) (accumulated in float64): the L2 penalty's
    value and gradient in one pass over the weights, no temporaries (called once per
    layer and training step)."""
    cdef Py_ssize_t n = W.shape[0]
    cdef double acc = 0.0
    if G.shape[0] != n:
        raise ValueError("l2_value_grad: W has %d entries, G has %d" % (n, G.shape[0]))
    if n == 0:
        return 0.0
    with nogil:
        acc = _l2_pass(n, &W[0], &G[0], coef)
    return acc


# ---- the mini-batch trainer ---------------------------------------------------------

cdef class DenseTrainer:
    """One mini-batch of a plain multi-layer perceptron per call, in one nogil pass.

    The network: layers k = 0..L-1, each z = a W_k + b_k then a = f_k(z), with W_k of
    shape (widths[k], widths[k+1]) stored row-major at theta[w_off[k]:] and b_k at
    theta[b_off[k]:] (b_off[k] < 0: no bias); f_k has the activation code codes[k]
    (slope slopes[k] for leaky_relu). The last activation is the output one, paired
    with its loss so that the output delta is scale * w * (P - Y) [1, Sec. 6.2.2]:
    identity with half the squared error, logistic with the binary cross-entropy,
    softmax with the cross-entropy. The gradient fills ``grad``, laid out as theta.

    Each call reuses the buffers of the previous one (grown when a batch is larger):
    the gathered input rows, every layer's activations (and GELU's pre-activations), two
    delta blocks that the backward pass alternates between. No Python object is made
    per batch.
    """
    cdef readonly object theta, grad
    cdef object _buffers            # the numpy arrays behind the pointers below
    cdef readonly bint is_float
    cdef int n_layers
    cdef int loss_kind
    cdef Py_ssize_t rows_cap        # batch rows the buffers hold (0: none yet)
    cdef bint has_gather            # the buffers include the gathered input rows
    cdef Py_ssize_t* widths         # n_layers + 1
    cdef Py_ssize_t* w_off          # n_layers
    cdef Py_ssize_t* b_off          # n_layers
    cdef int* codes                 # n_layers
    cdef double* slopes             # n_layers
    cdef void* p_theta
    cdef void* p_grad
    cdef void* p_ws                 # the float workspace; offsets below in elements
    cdef Py_ssize_t* act_off        # n_layers + 1: [0] the gathered input, [k] layer k-1's a
    cdef Py_ssize_t* zpre_off       # n_layers + 1: GELU's z of layer k-1, or -1
    cdef Py_ssize_t delta_off[2]
    cdef double* acc                # column-sum accumulator, max width

    def __cinit__(self):
        self.widths = self.w_off = self.b_off = self.act_off = self.zpre_off = NULL
        self.codes = NULL
        self.slopes = NULL

    def __dealloc__(self):
        free(self.widths)
        free(self.w_off)
        free(self.b_off)
        free(self.codes)
        free(self.slopes)
        free(self.act_off)
        free(self.zpre_off)

    def __init__(self, theta, grad, widths, w_off, b_off, codes, slopes, str loss):
        """theta, grad: flat float32 or float64 vectors (one dtype, C-contiguous), kept
        by reference; widths: L + 1 layer widths; w_off, b_off, codes, slopes: L
        entries each (see the class docstring); loss: "squared", "binary" or "log"."""
        cdef Py_ssize_t L = len(codes), k, n_params
        if not isinstance(theta, np.ndarray) or not isinstance(grad, np.ndarray) \
                or theta.dtype != grad.dtype or theta.dtype not in (np.float32, np.float64) \
                or theta.ndim != 1 or grad.shape != theta.shape \
                or not theta.flags.c_contiguous or not grad.flags.c_contiguous:
            raise ValueError("DenseTrainer: theta and grad must be C-contiguous 1-D float32 "
                             "or float64 arrays of one shape and dtype")
        if L < 1 or len(widths) != L + 1 or len(w_off) != L or len(b_off) != L \
                or len(slopes) != L:
            raise ValueError("DenseTrainer: %d layers need %d widths and %d offsets, codes "
                             "and slopes" % (L, L + 1, L))
        kinds = {"squared": LOSS_SQUARED, "binary": LOSS_BINARY, "log": LOSS_LOG}
        outs = {"squared": 0, "binary": 1, "log": 6}
        if loss not in kinds or codes[L - 1] != outs[loss]:
            raise ValueError("DenseTrainer: loss %r does not fuse with output activation %r"
                             % (loss, codes[L - 1]))
        n_params = theta.shape[0]
        for k in range(L + 1):
            if widths[k] < 1:
                raise ValueError("DenseTrainer: layer widths must be positive, got %r"
                                 % (list(widths),))
        for k in range(L):
            if not 0 <= codes[k] <= 5 and not (k == L - 1 and codes[k] == 6):
                raise ValueError("DenseTrainer: activation code %r of layer %d" % (codes[k], k))
            if w_off[k] < 0 or w_off[k] + widths[k] * widths[k + 1] > n_params \
                    or b_off[k] + widths[k + 1] > n_params:
                raise ValueError("DenseTrainer: layer %d lies outside theta" % k)
        self.theta, self.grad = theta, grad
        self.is_float = theta.dtype == np.float32
        self.n_layers = <int>L
        self.loss_kind = kinds[loss]
        self.widths = <Py_ssize_t*>calloc(L + 1, sizeof(Py_ssize_t))
        self.act_off = <Py_ssize_t*>calloc(L + 1, sizeof(Py_ssize_t))
        self.zpre_off = <Py_ssize_t*>calloc(L + 1, sizeof(Py_ssize_t))
        self.w_off = <Py_ssize_t*>calloc(L, sizeof(Py_ssize_t))
        self.b_off = <Py_ssize_t*>calloc(L, sizeof(Py_ssize_t))
        self.codes = <int*>calloc(L, sizeof(int))
        self.slopes = <double*>calloc(L, sizeof(double))
        if (self.widths == NULL or self.act_off == NULL or self.zpre_off == NULL
                or self.w_off == NULL or self.b_off == NULL or self.codes == NULL
                or self.slopes == NULL):
            raise MemoryError()
        for k in range(L + 1):
            self.widths[k] = widths[k]
        for k in range(L):
            self.w_off[k], self.b_off[k] = w_off[k], b_off[k]
            self.codes[k], self.slopes[k] = codes[k], slopes[k]
        self.p_theta = cnp.PyArray_DATA(theta)
        self.p_grad = cnp.PyArray_DATA(grad)
        self.release()

    def release(self):
        """Free the buffers (the next batch allocates them again): a fitted model keeps
        no activations of its largest batch (L-BFGS's is the whole training set)."""
        self._buffers = None
        self.p_ws = NULL
        self.acc = NULL
        self.rows_cap = 0
        self.has_gather = False

    cdef int _reserve(self, Py_ssize_t rows, bint gather) except -1:
        # buffers for batches of up to `rows` rows (kept when big enough), with room for
        # the gathered input rows when `gather`
        cdef Py_ssize_t L = self.n_layers, k, off = 0, widest = 0
        if rows <= self.rows_cap and (self.has_gather or not gather):
            return 0
        gather = gather or self.has_gather
        for k in range(1, L + 1):
            widest = max(widest, self.widths[k])
        self.act_off[0] = off
        if gather:
            off += rows * self.widths[0]
        for k in range(1, L + 1):
            self.act_off[k] = off
            off += rows * self.widths[k]
            self.zpre_off[k] = -1
            if k < L and self.codes[k - 1] == 5:
                self.zpre_off[k] = off
                off += rows * self.widths[k]
        self.delta_off[0] = off
        self.delta_off[1] = off + rows * widest
        off += 2 * rows * widest
        ws = np.empty(off, dtype=self.theta.dtype)
        acc = np.empty(widest, dtype=np.float64)
        self._buffers = (ws, acc)
        self.p_ws = cnp.PyArray_DATA(ws)
        self.acc = <double*>cnp.PyArray_DATA(acc)
        self.rows_cap = rows
        self.has_gather = gather
        return 0

    def loss_grad(self, X, Y, w, rows=None, double norm=1.0, double alpha=0.0,
                  bint defer_l2=False):
        """Loss of the batch and its gradient (into ``grad``).

        The batch is X[rows], Y[rows], w[rows] (rows: an intp array; None: all rows),
        X of the network's dtype and C-contiguous. Returns
            sum_i w_i loss_i / norm + (alpha / (2 norm)) sum_k ||W_k||^2
        and fills grad with its gradient; with ``defer_l2`` the penalty is left out of
        both (the Adam step adds its gradient and returns sum ||W_k||^2)."""
        if norm <= 0 or not np.isfinite(norm):
            raise ValueError("loss_grad: norm must be positive, got %r" % (norm,))
        if self.is_float:
            return _trainer_loss_grad[float](self, X, Y, w, rows, norm, alpha, defer_l2)
        return _trainer_loss_grad[double](self, X, Y, w, rows, norm, alpha, defer_l2)

    def adam_step(self, m, v, double lr, double beta1, double beta2, double eps, long t,
                  double coef=0.0, bint vector=True):
        """One Adam step of theta from grad (scikit-learn's MLP form: eps added to sqrt(v)
        before the bias correction, csrc/rm_nnet_adam.h), with coef * W_k added to the
        weights' gradient (not the biases'); m and v are the moments, flat like theta.
        Returns sum_k ||W_k||^2 before the step. ``vector=False`` takes the scalar path
        (tests)."""
        if t < 1:
            raise ValueError("adam_step: the step counter starts at 1")
        if self.is_float:
            return _trainer_adam[float](self, m, v, lr, beta1, beta2, eps, t, coef, vector)
        return _trainer_adam[double](self, m, v, lr, beta1, beta2, eps, t, coef, vector)


cdef double _trainer_loss_grad(DenseTrainer tr, const floating[:, ::1] X,
                               const floating[:, ::1] Y, const double[::1] w,
                               const Py_ssize_t[::1] rows, double norm, double alpha,
                               bint defer_l2) except? -1:
    cdef Py_ssize_t n_total = X.shape[0], L = tr.n_layers, n, i
    cdef bint gather = rows is not None
    n = rows.shape[0] if gather else n_total
    if X.shape[1] != tr.widths[0]:
        raise ValueError("X has %d features, the network takes %d" % (X.shape[1], tr.widths[0]))
    if Y.shape[0] != n_total or Y.shape[1] != tr.widths[L] or w.shape[0] != n_total:
        raise ValueError("X has %d rows, Y is (%d, %d) (expected %d outputs), w has %d "
                         "entries" % (n_total, Y.shape[0], Y.shape[1], tr.widths[L],
                                      w.shape[0]))
    if n < 1:
        raise ValueError("loss_grad: the batch is empty")
    if gather:
        for i in range(n):
            if rows[i] < 0 or rows[i] >= n_total:
                raise IndexError("row %d is out of range for X with %d rows"
                                 % (rows[i], n_total))
    tr._reserve(n, gather)
    cdef double loss
    with nogil:
        loss = _batch_pass(tr, n, &X[0, 0], &rows[0] if gather else NULL, &Y[0, 0], &w[0],
                           1.0 / norm, alpha, defer_l2)
    return loss


cdef double _batch_pass(DenseTrainer tr, Py_ssize_t n,
                        const floating* X,          # IN  (n_total, widths[0])
                        const Py_ssize_t* rows,     # IN  (n,) the batch's rows, or NULL
                        const floating* Y,          # IN  (n_total, widths[L])
                        const double* w,            # IN  (n_total,) sample weights
                        double scale, double alpha, bint defer_l2) noexcept nogil:
    # forward, loss and output delta, backward, penalty: the steps of
    # nnet/_network.py's loss_and_grad, with the same products in the same order
    cdef floating* ws = <floating*>tr.p_ws
    cdef floating* theta = <floating*>tr.p_theta
    cdef floating* grad = <floating*>tr.p_grad
    cdef Py_ssize_t L = tr.n_layers, k, i, r, dk, dk1
    cdef Py_ssize_t d0 = tr.widths[0], dL = tr.widths[L]
    cdef const floating* A = X
    cdef const floating* A_in
    cdef floating* Z
    cdef floating* D
    cdef floating* Dn
    cdef double total = 0.0, loss, ssq
    cdef int which = 0
    if rows != NULL:
        # the batch's rows, gathered once: both products of the first layer read them
        for i in range(n):
            memcpy(ws + i * d0, X + rows[i] * d0, d0 * sizeof(floating))
        A = ws
    cdef const floating* A0 = A
    for k in range(L):
        dk, dk1 = tr.widths[k], tr.widths[k + 1]
        Z = ws + tr.act_off[k + 1]
        # Z = A @ W_k, then Z = f_k(Z + b_k) in one pass over the rows
        xgemm(False, False, n, dk1, dk, <floating>1, A, dk, theta + tr.w_off[k], dk1,
              <floating>0, Z, dk1)
        _bias_activate_rows(tr.codes[k], tr.slopes[k], n, dk1, Z,
                            theta + tr.b_off[k] if tr.b_off[k] >= 0 else NULL,
                            ws + tr.zpre_off[k + 1] if tr.zpre_off[k + 1] >= 0 else NULL)
        A = Z
    # the loss and the output delta D = scale * w * (P - Y), one pass over P
    D = ws + tr.delta_off[0]
    for i in range(n):
        r = rows[i] if rows != NULL else i
        total += w[r] * _loss_row(tr.loss_kind, A + i * dL, Y + r * dL, dL)
        _residual_row(scale * w[r], A + i * dL, Y + r * dL, D + i * dL, dL)
    if tr.loss_kind == LOSS_SQUARED:
        total = 0.5 * total
    loss = total * scale
    for k in range(L - 1, -1, -1):
        dk, dk1 = tr.widths[k], tr.widths[k + 1]
        A_in = A0 if k == 0 else ws + tr.act_off[k]
        # dW_k = A_in^T @ D (the transpose is the kernel's packing, not a copy)
        xgemm(True, False, dk, dk1, n, <floating>1, A_in, dk, D, dk1, <floating>0,
              grad + tr.w_off[k], dk1)
        if tr.b_off[k] >= 0:
            _column_sums(n, dk1, D, tr.acc, grad + tr.b_off[k])      # db_k = D.sum(0)
        if k > 0:
            # the previous layer's delta, D @ W_k^T times f'_{k-1} (never for the input)
            which = 1 - which
            Dn = ws + tr.delta_off[which]
            xgemm(False, True, n, dk, dk1, <floating>1, D, dk1, theta + tr.w_off[k], dk1,
                  <floating>0, Dn, dk)
            _deriv_rows(tr.codes[k - 1], tr.slopes[k - 1], n, dk, Dn, ws + tr.act_off[k],
                        ws + tr.zpre_off[k] if tr.zpre_off[k] >= 0 else NULL)
            D = Dn
    if alpha > 0 and not defer_l2:
        # the L2 penalty (alpha / 2) ||W_k||^2 / norm of every layer: value and gradient
        for k in range(L):
            ssq = _l2_pass(tr.widths[k] * tr.widths[k + 1], theta + tr.w_off[k],
                           grad + tr.w_off[k], scale * alpha)
            loss += 0.5 * scale * alpha * ssq
    return loss


cdef double _trainer_adam(DenseTrainer tr, floating[::1] m, floating[::1] v, double lr,
                          double beta1, double beta2, double eps, long t, double coef,
                          bint vector) except? -1:
    cdef Py_ssize_t n_params = tr.theta.shape[0], L = tr.n_layers, k, nw
    if m.shape[0] != n_params or v.shape[0] != n_params:
        raise ValueError("adam_step: the moments have %d and %d entries, theta %d"
                         % (m.shape[0], v.shape[0], n_params))
    # the bias correction folded into the step size (Kingma & Ba, end of Sec. 2), in
    # double and rounded once to the type, as _optim.adam_update
    cdef floating step = <floating>(lr * sqrt(1.0 - beta2 ** t) / (1.0 - beta1 ** t))
    cdef floating e = <floating>eps, cf = <floating>coef
    cdef floating b1 = <floating>beta1, c1 = <floating>(1.0 - beta1)
    cdef floating b2 = <floating>beta2, c2 = <floating>(1.0 - beta2)
    cdef floating* p = <floating*>tr.p_theta
    cdef const floating* g = <const floating*>tr.p_grad
    cdef double ssq = 0.0
    with nogil:
        for k in range(L):
            nw = tr.widths[k] * tr.widths[k + 1]
            ssq += _adam_segment(nw, p + tr.w_off[k], g + tr.w_off[k], &m[tr.w_off[k]],
                                 &v[tr.w_off[k]], step, e, b1, c1, b2, c2, cf, vector)
            if tr.b_off[k] >= 0:
                _adam_segment(tr.widths[k + 1], p + tr.b_off[k], g + tr.b_off[k],
                              &m[tr.b_off[k]], &v[tr.b_off[k]], step, e, b1, c1, b2, c2,
                              0, vector)
    return ssq


cdef inline double _adam_segment(Py_ssize_t n, floating* p, const floating* g, floating* m,
                                 floating* v, floating step, floating e, floating b1,
                                 floating c1, floating b2, floating c2, floating coef,
                                 bint vector) noexcept nogil:
    if floating is float:
        return rm_nnet_sadam(n, p, g, m, v, step, e, b1, c1, b2, c2, coef, vector)
    else:
        return rm_nnet_dadam(n, p, g, m, v, step, e, b1, c1, b2, c2, coef, vector)


def adam_isa():
    """The instruction set DenseTrainer.adam_step runs on ("avx2" or "generic")."""
    return rm_nnet_adam_isa().decode()

"""Neural networks: rusty-machine's layer-level ``NeuralNet`` and scikit-learn-style
``MLPClassifier`` / ``MLPRegressor``, with forward and backward passes on our GEMM.

A network is a sequence of layers. A fully connected layer computes, for a mini-batch X
of shape (n, n_in),

    Z = X W + b                                  (forward, one GEMM)

and, given the gradient of the loss with respect to its output, delta = dL/dZ,

    dL/dW = X^T delta,   dL/db = 1^T delta,   dL/dX = delta W^T   (backward, two GEMMs)

An activation layer applies f elementwise, A = f(Z), and back-propagates
dL/dZ = dL/dA * f'(Z). For the output pairs (softmax, cross-entropy), (logistic, binary
cross-entropy) and (identity, squared error) the two steps fuse into dL/dZ = (P - Y) / n,
which is both cheaper and numerically safer [1, Sec. 6.2.2].

The loss minimised is the mean over the samples (weighted by ``sample_weight`` when
given) plus a regularisation term that is divided by the same normaliser, so the value
and its gradient agree:

    L(theta) = (1 / sum_i w_i) * ( sum_i w_i loss(y_i, f(x_i)) + R(W) )
    L2(l): R = l/2 sum ||W||^2,  L1(l): R = l sum |W|,
    ElasticNet(l, r): R = l (r sum |W| + (1 - r)/2 sum ||W||^2)        (biases unpenalised)

All parameters of a network live in one flat vector (each layer's W and b are views
into it), so an optimiser step is one fused pass in Cython (_nnet.pyx) and L-BFGS sees
the network as a function of a single vector.

References
----------
[1] Goodfellow, Bengio & Courville, "Deep Learning", MIT Press 2016, Ch. 6 and 8.
[2] Glorot & Bengio, "Understanding the difficulty of training deep feedforward neural
    networks", AISTATS 2010 (uniform initialisation, bound sqrt(6 / (fan_in + fan_out))).
[3] He, Zhang, Ren & Sun, "Delving deep into rectifiers", ICCV 2015 (bound sqrt(6 / fan_in)).
[4] Kingma & Ba, "Adam: a method for stochastic optimization", ICLR 2015.
[5] scikit-learn's MLP user guide (parameter names, stopping rule, learning-rate schedules).
"""
import copy
import time
import warnings

import numpy as np

from ..exceptions import ConvergenceWarning, _sklearn_twin
from ..linalg.blas import gemm
from . import _nnet
from .base import BaseEstimator, ClassifierMixin, RegressorMixin
from .validation import (check_array, check_classification_targets, check_is_fitted,
                         check_random_state, check_sample_weight, column_or_1d,
                         type_of_target, validate_data)

__all__ = ["Linear", "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "GELU", "Softmax",
           "CrossEntropy", "BCE", "MSE", "L1", "L2", "ElasticNet",
           "NeuralNet", "MLPClassifier", "MLPRegressor"]

_EMPTY = np.empty(0)


# =====================================================================================
# Layers
# =====================================================================================

class Linear:
    """Fully connected layer: Z = X W + b.

    Parameters
    ----------
    n_in, n_out : int
        Input and output widths.
    bias : bool
        Learn an intercept b (default True).

    Attributes
    ----------
    weights : ndarray of shape (n_in, n_out)
    bias_ : ndarray of shape (n_out,) or None
    """

    def __init__(self, n_in, n_out, bias=True):
        for name, v in (("n_in", n_in), ("n_out", n_out)):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
                raise TypeError("Linear: %s must be an int, got %r" % (name, v))
            if v < 1:
                raise ValueError("Linear: %s must be >= 1, got %d" % (name, v))
        self.n_in, self.n_out, self.bias = int(n_in), int(n_out), bool(bias)
        self.weights = None
        self.bias_ = None

    @property
    def n_params(self):
        return self.n_in * self.n_out + (self.n_out if self.bias else 0)

    def __repr__(self):
        return "Linear(%d, %d%s)" % (self.n_in, self.n_out, "" if self.bias else ", bias=False")


class _Activation:
    """An elementwise activation layer (code shared with _nnet.pyx)."""
    code = 0
    name = "identity"
    slope = 0.0

    def __repr__(self):
        return "%s()" % type(self).__name__

    def __eq__(self, other):
        return type(self) is type(other) and self.slope == other.slope

    def __hash__(self):
        return hash((type(self).__name__, self.slope))


class Identity(_Activation):
    """f(z) = z."""
    code, name = 0, "identity"


class Sigmoid(_Activation):
    """f(z) = 1 / (1 + exp(-z)), f' = f (1 - f)."""
    code, name = 1, "logistic"


class Tanh(_Activation):
    """f(z) = tanh(z), f' = 1 - f^2."""
    code, name = 2, "tanh"


class ReLU(_Activation):
    """f(z) = max(z, 0), f' = [z > 0]."""
    code, name = 3, "relu"


class LeakyReLU(_Activation):
    """f(z) = z for z > 0, negative_slope * z otherwise."""
    code, name = 4, "leaky_relu"

    def __init__(self, negative_slope=0.01):
        if not np.isfinite(negative_slope) or negative_slope < 0:
            raise ValueError("LeakyReLU: negative_slope must be finite and >= 0, got %r"
                             % (negative_slope,))
        self.slope = float(negative_slope)

    def __repr__(self):
        return "LeakyReLU(negative_slope=%r)" % self.slope


class GELU(_Activation):
    """f(z) = z Phi(z) with Phi the standard normal CDF (Hendrycks & Gimpel 2016)."""
    code, name = 5, "gelu"


class Softmax(_Activation):
    """f(z)_j = exp(z_j) / sum_k exp(z_k) over each row (computed with the row max
    subtracted). Backward alone: dL/dz = a * (dL/da - sum_k a_k dL/da_k)."""
    code, name = 6, "softmax"


_ACTIVATION_BY_NAME = {"identity": Identity, "logistic": Sigmoid, "tanh": Tanh, "relu": ReLU,
                       "leaky_relu": LeakyReLU, "gelu": GELU, "softmax": Softmax}


# =====================================================================================
# Criteria (losses) and regularisation
# =====================================================================================

class _Criterion:
    fused_with = None            # the output activation whose backward fuses to P - Y

    def __repr__(self):
        return "%s()" % type(self).__name__

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self).__name__)


class CrossEntropy(_Criterion):
    """loss_i = -sum_j y_ij log p_ij, for probabilities from a Softmax output."""
    fused_with = Softmax

    def total(self, P, Y, w):
        return _nnet.log_loss_sum(P, Y, w)

    def gradient(self, P, Y, w, scale):
        # dL/dP = -scale * w * Y / P   (only used when not fused with Softmax)
        return -scale * w[:, None] * Y / np.maximum(P, np.finfo(float).eps)


class BCE(_Criterion):
    """Binary cross-entropy, loss_i = -sum_j [y log p + (1 - y) log(1 - p)], for
    probabilities from a Sigmoid output."""
    fused_with = Sigmoid

    def total(self, P, Y, w):
        return _nnet.binary_log_loss_sum(P, Y, w)

    def gradient(self, P, Y, w, scale):
        eps = np.finfo(float).eps
        Pc = np.clip(P, eps, 1 - eps)
        return scale * w[:, None] * (Pc - Y) / (Pc * (1 - Pc))


class MSE(_Criterion):
    """Squared error, loss_i = 1/2 sum_j (p_ij - y_ij)^2 (the 1/2 makes dL/dp = p - y)."""
    fused_with = Identity

    def total(self, P, Y, w):
        return 0.5 * _nnet.squared_loss_sum(P, Y, w)

    def gradient(self, P, Y, w, scale):
        return scale * w[:, None] * (P - Y)


class _Regularization:
    def __init__(self, l):
        if not np.isfinite(l) or l < 0:
            raise ValueError("%s: the regularisation strength must be finite and >= 0, got %r"
                             % (type(self).__name__, l))
        self.l = float(l)

    def __repr__(self):
        return "%s(%r)" % (type(self).__name__, self.l)


class L2(_Regularization):
    """R(W) = l/2 sum ||W||^2, dR/dW = l W."""

    def value_and_grad(self, W, G, scale):
        """Return scale * R(W) and add scale * dR/dW to G (in place)."""
        G += (scale * self.l) * W
        return 0.5 * scale * self.l * float(np.sum(W * W))


class L1(_Regularization):
    """R(W) = l sum |W|, dR/dW = l sign(W) (the subgradient 0 at 0)."""

    def value_and_grad(self, W, G, scale):
        G += (scale * self.l) * np.sign(W)
        return scale * self.l * float(np.sum(np.abs(W)))


class ElasticNet(_Regularization):
    """R(W) = l (ratio sum |W| + (1 - ratio)/2 sum ||W||^2)."""

    def __init__(self, l, ratio=0.5):
        super().__init__(l)
        if not 0.0 <= ratio <= 1.0:
            raise ValueError("ElasticNet: ratio must be in [0, 1], got %r" % (ratio,))
        self.ratio = float(ratio)

    def value_and_grad(self, W, G, scale):
        a, b = self.l * self.ratio, self.l * (1.0 - self.ratio)
        G += scale * (a * np.sign(W) + b * W)
        return scale * (a * float(np.sum(np.abs(W))) + 0.5 * b * float(np.sum(W * W)))

    def __repr__(self):
        return "ElasticNet(%r, ratio=%r)" % (self.l, self.ratio)


# =====================================================================================
# The network engine shared by NeuralNet and the MLP estimators
# =====================================================================================

class _Network:
    """Layers compiled into stages (Linear, activation), parameters in one flat vector.

    forward(X) keeps what backward needs (each stage's input, output, and GELU's
    pre-activation); loss_and_grad(X, Y, w) runs both and fills ``self.grad``."""

    def __init__(self, layers, criterion, regularization, rng):
        self.stages = []
        i = 0
        layers = list(layers)
        while i < len(layers):
            lin = act = None
            if isinstance(layers[i], Linear):
                lin, i = layers[i], i + 1
            if i < len(layers) and isinstance(layers[i], _Activation):
                act, i = layers[i], i + 1
            if lin is None and act is None:
                raise TypeError("NeuralNet: %r is not a layer (use Linear or an activation)"
                                % (layers[i],))
            self.stages.append((lin, act))
        linears = [lin for lin, _ in self.stages if lin is not None]
        if not linears:
            raise ValueError("NeuralNet: the network needs at least one Linear layer")
        for a, b in zip(linears, linears[1:]):
            if a.n_out != b.n_in:
                raise ValueError("NeuralNet: layer widths do not chain: %r feeds %r" % (a, b))
        for lin, act in self.stages[:-1]:
            if isinstance(act, Softmax):
                raise ValueError("NeuralNet: Softmax is only supported as the output layer")
        self.n_in, self.n_out = linears[0].n_in, linears[-1].n_out
        self.criterion, self.regularization = criterion, regularization
        last_act = self.stages[-1][1]
        self.fused = (criterion.fused_with is not None and
                      type(last_act if last_act is not None else Identity()) is criterion.fused_with)

        # one flat parameter vector; each layer's weights / bias_ become views into it
        self.n_params = sum(l.n_params for l in linears)
        self.theta = np.empty(self.n_params)
        self.grad = np.zeros(self.n_params)
        off = 0
        self.views = []                      # (layer, W, b, gW, gb)
        for k, lin in enumerate(linears):
            nw = lin.n_in * lin.n_out
            W = self.theta[off:off + nw].reshape(lin.n_in, lin.n_out)
            gW = self.grad[off:off + nw].reshape(lin.n_in, lin.n_out)
            off += nw
            if lin.bias:
                b, gb = self.theta[off:off + lin.n_out], self.grad[off:off + lin.n_out]
                off += lin.n_out
            else:
                b, gb = _EMPTY, _EMPTY
            if lin.weights is not None and lin.weights.shape == W.shape:
                W[...] = lin.weights
                if lin.bias:
                    b[...] = lin.bias_ if lin.bias_ is not None else 0.0
            else:
                self._initialise(lin, W, b, self._next_activation(lin), rng)
            lin.weights, lin.bias_ = W, (b if lin.bias else None)
            self.views.append((lin, W, b, gW, gb))

    def _next_activation(self, lin):
        for l, act in self.stages:
            if l is lin:
                return act
        return None

    @staticmethod
    def _initialise(lin, W, b, act, rng):
        """He-uniform for the ReLU family [3], Glorot-uniform otherwise [2] (with
        scikit-learn's factor 2 instead of 6 for the logistic function)."""
        if isinstance(act, (ReLU, LeakyReLU, GELU)):
            bound = np.sqrt(6.0 / lin.n_in)
        else:
            factor = 2.0 if isinstance(act, Sigmoid) else 6.0
            bound = np.sqrt(factor / (lin.n_in + lin.n_out))
        W[...] = rng.uniform(-bound, bound, size=W.shape)
        if b.size:
            b[...] = rng.uniform(-bound, bound, size=b.shape)

    def forward(self, X, keep=True):
        """Run the network on X (n, n_in) -> (n, n_out). With ``keep``, remember each
        stage's input, output and pre-activation for :meth:`backward`."""
        self.cache = []
        A = X
        for lin, act in self.stages:
            A_in = A
            if lin is not None:
                # Z = A_in @ W (one GEMM), then bias + activation in one pass
                Z = gemm(A_in, lin.weights)
                b = lin.bias_ if lin.bias_ is not None else _EMPTY
            else:
                Z, b = np.array(A_in, dtype=np.float64, order="C"), _EMPTY
            Zpre = np.empty_like(Z) if (keep and isinstance(act, GELU)) else None
            code = act.code if act is not None else 0
            _nnet.bias_activate(Z, b, code, act.slope if act is not None else 0.0, Zpre)
            if keep:
                self.cache.append((A_in, Z, Zpre))
            A = Z
        return A

    def loss_and_grad(self, X, Y, w, norm=None):
        """Loss L(theta) on (X, Y) with weights w and its gradient in ``self.grad``.

        The normaliser is sum(w) unless given."""
        P = self.forward(X, keep=True)
        if norm is None:
            norm = float(np.sum(w))
        scale = 1.0 / norm
        loss = self.criterion.total(P, Y, w) * scale
        # output delta: fused (P - Y) * w / norm, or the criterion's dL/dP then f'
        lin, act = self.stages[-1]
        if self.fused:
            delta = np.empty_like(P)
            _nnet.residual_delta(P, Y, w, scale, delta)
            start_with_activation = False
        else:
            delta = np.ascontiguousarray(self.criterion.gradient(P, Y, w, scale))
            start_with_activation = True
        self.backward(delta, start_with_activation)
        if self.regularization is not None:
            for _, W, _, gW, _ in self.views:
                loss += self.regularization.value_and_grad(W, gW, scale)
        return loss

    def backward(self, delta, start_with_activation=True):
        """Back-propagate dL/d(output) through all stages, filling the flat gradient."""
        view_of = {id(v[0]): v for v in self.views}
        first = True
        for k in range(len(self.stages) - 1, -1, -1):
            lin, act = self.stages[k]
            A_in, A_out, Zpre = self.cache[k]
            if act is not None and (start_with_activation or not first):
                if isinstance(act, Softmax):
                    # dL/dz = a * (dL/da - rowsum(a * dL/da))
                    delta = A_out * (delta - np.sum(A_out * delta, axis=1, keepdims=True))
                else:
                    _nnet.activation_backward(delta, A_out, act.code, act.slope, Zpre)
            first = False
            if lin is None:
                continue
            _, W, b, gW, gb = view_of[id(lin)]
            gemm(A_in, delta, trans_a=True, c=gW)          # dW = A_in^T @ delta
            if b.size:
                _nnet.column_sums(delta, gb)              # db = delta.sum(axis=0)
            if k > 0:
                delta = gemm(delta, W, trans_b=True)        # dA_in = delta @ W^T


# ---- optimisers: fused updates on the flat parameter vector -------------------------

class _Updater:
    """Applies one optimiser step to the flat parameters (fused Cython loops)."""

    def __init__(self, kind, n, lr, momentum=0.0, nesterov=False, beta1=0.9, beta2=0.999,
                 eps=1e-8, rho=0.9):
        self.kind, self.lr = kind, float(lr)
        self.momentum, self.nesterov = float(momentum), bool(nesterov)
        self.beta1, self.beta2, self.eps, self.rho = beta1, beta2, eps, rho
        self.t = 0
        self.a = np.zeros(n) if kind in ("sgd", "adam", "adagrad", "rmsprop") else _EMPTY
        self.b = np.zeros(n) if kind == "adam" else _EMPTY

    def step(self, theta, grad):
        self.t += 1
        if self.kind == "sgd":
            _nnet.sgd_update(theta, grad, self.a, self.lr, self.momentum, self.nesterov)
        elif self.kind == "adam":
            _nnet.adam_update(theta, grad, self.a, self.b, self.lr, self.beta1, self.beta2,
                              self.eps, self.t)
        elif self.kind == "adagrad":
            _nnet.adagrad_update(theta, grad, self.a, self.lr, self.eps)
        else:
            _nnet.rmsprop_update(theta, grad, self.a, self.lr, self.rho, self.eps)


def _updater_from_optimizer(opt, n):
    """Map a rusty_machine.learning.optim optimiser (SGD, Adam, AdaGrad, RMSProp) to the
    fused update, reading its hyper-parameters."""
    from . import optim
    get = lambda *names, default=None: next(
        (getattr(opt, k) for k in names if getattr(opt, k, None) is not None), default)
    lr = get("learning_rate", "lr", "step_size", default=0.01)
    if isinstance(opt, optim.Adam):
        return _Updater("adam", n, lr, beta1=get("beta1", "beta_1", default=0.9),
                        beta2=get("beta2", "beta_2", default=0.999),
                        eps=get("eps", "epsilon", default=1e-8))
    if isinstance(opt, optim.AdaGrad):
        return _Updater("adagrad", n, lr, eps=get("eps", "epsilon", default=1e-8))
    if isinstance(opt, optim.RMSProp):
        return _Updater("rmsprop", n, lr, rho=get("rho", "decay", "decay_rate", default=0.9),
                        eps=get("eps", "epsilon", default=1e-8))
    if isinstance(opt, (optim.SGD, optim.GradientDescent)):
        return _Updater("sgd", n, lr, momentum=get("momentum", default=0.0),
                        nesterov=get("nesterov", default=False))
    raise TypeError("NeuralNet: optimizer must be one of optim.SGD, optim.Adam, optim.AdaGrad, "
                    "optim.RMSProp, optim.GradientDescent; got %r" % (opt,))


def _check_positive_int(value, name, owner):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError("%s: %s must be a positive int, got %r" % (owner, name, value))
    if value <= 0:
        raise ValueError("%s: %s must be > 0, got %r" % (owner, name, value))
    return int(value)


# =====================================================================================
# NeuralNet: rusty-machine's layer-level model
# =====================================================================================

class NeuralNet(BaseEstimator):
    """A feed-forward network built from layers, as in rusty-machine.

    Parameters
    ----------
    layers : list
        For example ``[Linear(4, 16), ReLU(), Linear(16, 3), Softmax()]``. The layers are
        copied at ``fit``; the trained ones are in ``layers_``.
    criterion : CrossEntropy, BCE or MSE, default MSE()
    optimizer : optim.SGD, optim.Adam, optim.AdaGrad or optim.RMSProp, default Adam
        Stepped once per mini-batch.
    regularization : None, L1(l), L2(l) or ElasticNet(l, ratio)
        Penalises the weights (not the biases); divided by the number of samples.
    batch_size : int, default 32
    epochs : int, default 100
    shuffle : bool, default True
    random_state : int, RandomState or None

    Attributes
    ----------
    layers_ : list
        The trained layers; ``Linear.weights`` (n_in, n_out) and ``Linear.bias_``.
    loss_curve_ : list of float
        Mean training loss of each epoch.
    classes_ : ndarray, only when fitted on 1-D labels with CrossEntropy/BCE
    n_iter_ : int
        Epochs run.

    Notes
    -----
    ``predict`` returns the network's output (class probabilities for a Softmax output),
    as rusty-machine's did; with 1-D class labels in ``fit`` use :meth:`predict_classes`.
    """

    def __init__(self, layers=None, criterion=None, optimizer=None, regularization=None,
                 batch_size=32, epochs=100, shuffle=True, random_state=None, verbose=False):
        self.layers = layers
        self.criterion = criterion
        self.optimizer = optimizer
        self.regularization = regularization
        self.batch_size = batch_size
        self.epochs = epochs
        self.shuffle = shuffle
        self.random_state = random_state
        self.verbose = verbose

    def _targets(self, y, n_out, criterion):
        y_arr = np.asarray(y)
        if isinstance(criterion, (CrossEntropy, BCE)) and y_arr.ndim == 1:
            check_classification_targets(y_arr)
            self.classes_, idx = np.unique(y_arr, return_inverse=True)
            if isinstance(criterion, BCE) and n_out == 1:
                if len(self.classes_) > 2:
                    raise ValueError("NeuralNet: BCE with one output needs two classes, got %d"
                                     % len(self.classes_))
                return idx.reshape(-1, 1).astype(np.float64)
            if len(self.classes_) > n_out:
                raise ValueError("NeuralNet: %d classes but the output layer has %d units"
                                 % (len(self.classes_), n_out))
            Y = np.zeros((y_arr.shape[0], n_out))
            Y[np.arange(y_arr.shape[0]), idx] = 1.0
            return Y
        Y = np.asarray(y_arr, dtype=np.float64)
        if Y.ndim == 1:
            Y = Y.reshape(-1, 1)
        if Y.ndim != 2 or Y.shape[1] != n_out:
            raise ValueError("NeuralNet: targets of shape %s do not match %d output units"
                             % (np.asarray(y).shape, n_out))
        if not np.isfinite(Y).all():
            raise ValueError("Input y contains NaN or infinity.")
        return Y

    def fit(self, X, y, sample_weight=None):
        """Train with mini-batches for ``epochs`` passes over the data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_in)
        y : array-like of shape (n_samples, n_out), or (n_samples,) labels with
            CrossEntropy / BCE, or (n_samples,) targets with one output unit
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        if not self.layers:
            raise ValueError("NeuralNet: layers must be a non-empty list of layers")
        batch_size = _check_positive_int(self.batch_size, "batch_size", "NeuralNet")
        epochs = _check_positive_int(self.epochs, "epochs", "NeuralNet")
        criterion = self.criterion if self.criterion is not None else MSE()
        if not isinstance(criterion, _Criterion):
            raise TypeError("NeuralNet: criterion must be CrossEntropy(), BCE() or MSE(), got %r"
                            % (criterion,))
        if self.regularization is not None and not isinstance(self.regularization,
                                                              _Regularization):
            raise TypeError("NeuralNet: regularization must be None, L1, L2 or ElasticNet")
        rng = check_random_state(self.random_state)
        layers = copy.deepcopy(list(self.layers))
        X = validate_data(self, X)
        net = _Network(layers, criterion, self.regularization, rng)
        if X.shape[1] != net.n_in:
            raise ValueError("NeuralNet: X has %d features but the first layer takes %d"
                             % (X.shape[1], net.n_in))
        Y = self._targets(y, net.n_out, criterion)
        if Y.shape[0] != X.shape[0]:
            raise ValueError("Found input variables with inconsistent numbers of samples: "
                             "X has %d, y has %d" % (X.shape[0], Y.shape[0]))
        w = check_sample_weight(sample_weight, X.shape[0], allow_zero=False)
        if self.optimizer is None:
            upd = _Updater("adam", net.n_params, 1e-3)
        else:
            upd = _updater_from_optimizer(self.optimizer, net.n_params)
        n = X.shape[0]
        self.loss_curve_ = []
        for epoch in range(epochs):
            order = rng.permutation(n) if self.shuffle else np.arange(n)
            total = 0.0
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                Xb, Yb, wb = X[idx], Y[idx], w[idx]
                if not wb.sum() > 0:            # a batch of zero-weight rows
                    continue
                loss = net.loss_and_grad(Xb, Yb, wb)
                upd.step(net.theta, net.grad)
                total += loss * wb.sum()
            self.loss_curve_.append(total / max(w.sum(), np.finfo(float).tiny))
            if not np.isfinite(self.loss_curve_[-1]):
                raise ValueError("NeuralNet: the training loss became %r at epoch %d; lower the "
                                 "learning rate" % (self.loss_curve_[-1], epoch + 1))
            if self.verbose:
                print("epoch %d, loss = %.8f" % (epoch + 1, self.loss_curve_[-1]))
        self.layers_ = layers
        self._net = net
        self.n_iter_ = epochs
        return self

    def predict(self, X):
        """The network's output for X, shape (n_samples, n_out)."""
        check_is_fitted(self, "layers_")
        X = validate_data(self, X, reset=False)
        return self._net.forward(X, keep=False)

    def predict_classes(self, X):
        """Labels from the output: argmax (or > 0.5 for a single sigmoid unit)."""
        check_is_fitted(self, "classes_")
        P = self.predict(X)
        if P.shape[1] == 1:
            return self.classes_[(P[:, 0] > 0.5).astype(int)]
        return self.classes_[np.argmax(P[:, :len(self.classes_)], axis=1)]

    def loss(self, X, y, sample_weight=None):
        """The training objective (loss + regularisation) on (X, y)."""
        check_is_fitted(self, "layers_")
        X = validate_data(self, X, reset=False)
        Y = self._targets_for_loss(y)
        w = check_sample_weight(sample_weight, X.shape[0])
        return self._net.loss_and_grad(X, Y, w)

    def _targets_for_loss(self, y):
        if hasattr(self, "classes_") and np.asarray(y).ndim == 1:
            idx = np.searchsorted(self.classes_, np.asarray(y))
            if self._net.n_out == 1:
                return idx.reshape(-1, 1).astype(float)
            Y = np.zeros((len(idx), self._net.n_out))
            Y[np.arange(len(idx)), idx] = 1.0
            return Y
        Y = np.asarray(y, dtype=np.float64)
        return Y.reshape(-1, 1) if Y.ndim == 1 else Y

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_net", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "layers_" in state:
            self._net = _Network(self.layers_, self.criterion if self.criterion is not None
                                 else MSE(), self.regularization, np.random.RandomState(0))

    def _rm_tags(self, tags):
        tags.non_deterministic = False
        return tags


# =====================================================================================
# MLPClassifier / MLPRegressor: scikit-learn's parameters on the same engine
# =====================================================================================

class _BaseMLP(BaseEstimator):
    """Shared training loop of the multi-layer perceptrons (scikit-learn's algorithm [5]:
    mini-batch SGD or Adam with its stopping rule, or full-batch L-BFGS)."""

    _out_criterion = None

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun

    # ---- parameters ------------------------------------------------------------------
    def _validate_params(self):
        name = type(self).__name__
        hidden = self.hidden_layer_sizes
        if isinstance(hidden, (int, np.integer)) and not isinstance(hidden, bool):
            hidden = (hidden,)
        try:
            hidden = tuple(hidden)
        except TypeError:
            raise ValueError("%s: hidden_layer_sizes must be a tuple of positive ints, got %r"
                             % (name, self.hidden_layer_sizes)) from None
        if len(hidden) == 0:
            raise ValueError("%s: hidden_layer_sizes is empty; give at least one hidden layer"
                             % name)
        for h in hidden:
            if isinstance(h, bool) or not isinstance(h, (int, np.integer)) or h <= 0:
                raise ValueError("%s: hidden_layer_sizes must be positive ints, got %r"
                                 % (name, self.hidden_layer_sizes))
        if self.activation not in ("identity", "logistic", "tanh", "relu", "leaky_relu", "gelu"):
            raise ValueError("%s: activation must be one of identity, logistic, tanh, relu, "
                             "leaky_relu, gelu; got %r" % (name, self.activation))
        if self.solver not in ("adam", "sgd", "lbfgs"):
            raise ValueError("%s: solver must be 'adam', 'sgd' or 'lbfgs', got %r"
                             % (name, self.solver))
        if self.learning_rate not in ("constant", "invscaling", "adaptive"):
            raise ValueError("%s: learning_rate must be 'constant', 'invscaling' or 'adaptive', "
                             "got %r" % (name, self.learning_rate))
        checks = [("alpha", self.alpha, 0.0, True), ("learning_rate_init",
                  self.learning_rate_init, 0.0, False), ("tol", self.tol, 0.0, True),
                  ("momentum", self.momentum, 0.0, True), ("power_t", self.power_t, 0.0, True),
                  ("epsilon", self.epsilon, 0.0, False)]
        for pname, v, low, closed in checks:
            if isinstance(v, bool) or not isinstance(v, (int, float, np.number)) or \
                    not np.isfinite(v) or v < low or (v == low and not closed):
                raise ValueError("%s: %s must be a finite number %s %s, got %r"
                                 % (name, pname, ">=" if closed else ">", low, v))
        if self.momentum > 1:
            raise ValueError("%s: momentum must be in [0, 1], got %r" % (name, self.momentum))
        for pname, v in (("beta_1", self.beta_1), ("beta_2", self.beta_2)):
            if not 0 <= v < 1:
                raise ValueError("%s: %s must be in [0, 1), got %r" % (name, pname, v))
        if not 0 < self.validation_fraction < 1:
            raise ValueError("%s: validation_fraction must be in (0, 1), got %r"
                             % (name, self.validation_fraction))
        _check_positive_int(self.max_iter, "max_iter", name)
        _check_positive_int(self.n_iter_no_change, "n_iter_no_change", name)
        _check_positive_int(self.max_fun, "max_fun", name)
        if self.batch_size != "auto":
            _check_positive_int(self.batch_size, "batch_size", name)
        return tuple(int(h) for h in hidden)

    # ---- network -----------------------------------------------------------------------
    def _build(self, n_features, n_outputs, hidden, rng):
        act = _ACTIVATION_BY_NAME[self.activation]
        widths = [n_features] + list(hidden)
        layers = []
        for a, b in zip(widths, widths[1:]):
            layers += [Linear(a, b), act()]
        layers += [Linear(widths[-1], n_outputs), _ACTIVATION_BY_NAME[self.out_activation_]()]
        reg = L2(self.alpha) if self.alpha > 0 else None
        return _Network(layers, self._out_criterion_for(self.out_activation_), reg, rng)

    @staticmethod
    def _out_criterion_for(out_activation):
        return {"softmax": CrossEntropy(), "logistic": BCE(), "identity": MSE()}[out_activation]

    def _publish(self):
        """coefs_ / intercepts_ as views of the flat parameter vector."""
        self.coefs_ = [W for _, W, _, _, _ in self._net.views]
        self.intercepts_ = [b for _, _, b, _, _ in self._net.views]
        self.n_layers_ = len(self.coefs_) + 1

    def __getstate__(self):
        state = dict(self.__dict__)
        # the optimiser's state (_updater: Adam's moments, SGD's velocity) is kept, so a
        # pickled model continues partial_fit exactly (Incremental moves it between
        # processes after every chunk)
        for key in ("_net", "coefs_", "intercepts_"):
            state.pop(key, None)
        if "_net" in self.__dict__:
            state["_theta"] = self._net.theta.copy()
            state["_layout"] = [(W.shape, b.size) for _, W, b, _, _ in self._net.views]
        return state

    def __setstate__(self, state):
        theta = state.pop("_theta", None)
        layout = state.pop("_layout", None)
        self.__dict__.update(state)
        if theta is not None:
            self.__dict__.setdefault("_updater", None)     # pickles without the optimiser
            widths = [layout[0][0][0]] + [shape[1] for shape, _ in layout]
            self._net = self._build(widths[0], widths[-1], tuple(widths[1:-1]),
                                    np.random.RandomState(0))
            self._net.theta[...] = theta
            self._publish()

    # ---- fitting -----------------------------------------------------------------------
    def _fit(self, X, Y, sample_weight, incremental):
        hidden = self._validate_params()
        rng = check_random_state(self.random_state)
        n_samples, n_features = X.shape
        reuse = (incremental or self.warm_start) and hasattr(self, "_net")
        if reuse and (self._net.n_in != n_features or self._net.n_out != Y.shape[1]):
            raise ValueError("%s: the data changed shape since the last fit (network %d -> %d, "
                             "data %d -> %d)" % (type(self).__name__, self._net.n_in,
                                                  self._net.n_out, n_features, Y.shape[1]))
        if not reuse:
            self._net = self._build(n_features, Y.shape[1], hidden, rng)
            self._publish()
            self.n_iter_ = 0
            self.t_ = 0
            self.loss_curve_ = []
            self._no_improvement_count = 0
            self.best_loss_ = np.inf
            self.validation_scores_ = [] if self.early_stopping else None
            self.best_validation_score_ = -np.inf if self.early_stopping else None
            self._updater = None
        w = sample_weight
        if self.solver == "lbfgs":
            self._fit_lbfgs(X, Y, w)
        else:
            self._fit_stochastic(X, Y, w, rng, incremental)
        self.loss_ = self.loss_curve_[-1] if self.loss_curve_ else self.loss_
        return self

    def _fit_lbfgs(self, X, Y, w):
        from .optim import LBFGS
        net = self._net
        norm = float(np.sum(w))
        budget = {"left": int(self.max_fun), "best": (np.inf, None)}

        class _OutOfEvaluations(Exception):
            pass

        def fun(theta):
            if budget["left"] <= 0:
                raise _OutOfEvaluations
            budget["left"] -= 1
            net.theta[...] = theta
            loss = net.loss_and_grad(X, Y, w, norm)
            if loss < budget["best"][0]:
                budget["best"] = (loss, theta.copy())
            return loss, net.grad.copy()

        opt = LBFGS(max_iter=self.max_iter, tol=self.tol)
        try:
            res = opt.minimize(fun, net.theta.copy())
            net.theta[...] = res.x
            self.n_iter_, self.loss_, converged = int(res.n_iter), float(res.fun), res.converged
            reason = "iterations"
        except _OutOfEvaluations:           # max_fun reached: keep the best point seen
            self.loss_, theta = budget["best"]
            net.theta[...] = theta
            self.n_iter_, converged, reason = self.max_iter, False, "function evaluations"
        self.loss_curve_ = [self.loss_]
        self.best_loss_ = self.loss_
        if not converged:
            warnings.warn("lbfgs failed to converge (stopped by its limit on %s). Increase "
                          "max_iter / max_fun or scale the data." % reason,
                          _sklearn_twin(ConvergenceWarning))

    def _split_validation(self, X, Y, w, rng):
        n = X.shape[0]
        n_val = max(1, int(round(self.validation_fraction * n)))
        if n - n_val < 1:
            raise ValueError("%s: early_stopping needs more samples: validation_fraction=%r of "
                             "%d samples leaves none to train on"
                             % (type(self).__name__, self.validation_fraction, n))
        order = rng.permutation(n)
        val, train = order[:n_val], order[n_val:]
        return X[train], Y[train], w[train], X[val], Y[val]

    def _fit_stochastic(self, X, Y, w, rng, incremental):
        net = self._net
        early = self.early_stopping and not incremental
        if early:
            X, Y, w, X_val, Y_val = self._split_validation(X, Y, w, rng)
        n = X.shape[0]
        batch = min(200, n) if self.batch_size == "auto" else min(int(self.batch_size), n)
        if self._updater is None:
            if self.solver == "adam":
                self._updater = _Updater("adam", net.n_params, self.learning_rate_init,
                                         beta1=self.beta_1, beta2=self.beta_2, eps=self.epsilon)
            else:
                self._updater = _Updater("sgd", net.n_params, self.learning_rate_init,
                                         momentum=self.momentum,
                                         nesterov=self.nesterovs_momentum)
        upd = self._updater
        epochs = 1 if incremental else self.max_iter
        converged = False
        best_theta = None
        for _ in range(epochs):
            t0 = time.perf_counter()
            order = rng.permutation(n) if self.shuffle else np.arange(n)
            total = 0.0
            for start in range(0, n, batch):
                idx = order[start:start + batch]
                Xb, Yb, wb = X[idx], Y[idx], w[idx]
                if not wb.sum() > 0:            # a batch of zero-weight rows
                    continue
                # normalised by the batch's total weight (its size when unweighted)
                loss = net.loss_and_grad(Xb, Yb, wb)
                upd.step(net.theta, net.grad)
                total += loss * float(np.sum(wb))
            self.n_iter_ += 1
            self.t_ += n
            self.loss_ = total / float(np.sum(w))
            if not np.isfinite(self.loss_):
                raise ValueError("%s: the training loss became %r; lower learning_rate_init or "
                                 "scale the data" % (type(self).__name__, self.loss_))
            self.loss_curve_.append(self.loss_)
            if self.solver == "sgd" and self.learning_rate == "invscaling":
                upd.lr = self.learning_rate_init / (self.t_ + 1) ** self.power_t
            message = "Iteration %d, loss = %.8f" % (self.n_iter_, self.loss_)
            if early:
                score = self._validation_score(X_val, Y_val)
                self.validation_scores_.append(score)
                message += ", validation score = %.6f" % score
                if score < self.best_validation_score_ + self.tol:
                    self._no_improvement_count += 1
                else:
                    self._no_improvement_count = 0
                if score > self.best_validation_score_:
                    self.best_validation_score_ = score
                    best_theta = net.theta.copy()
            else:
                if self.loss_ > self.best_loss_ - self.tol:
                    self._no_improvement_count += 1
                else:
                    self._no_improvement_count = 0
                if self.loss_ < self.best_loss_:
                    self.best_loss_ = self.loss_
            if self.verbose:
                print(message + ", time = %.3fs" % (time.perf_counter() - t0))
            if incremental:
                continue
            if self._no_improvement_count > self.n_iter_no_change:
                what = ("Validation score" if early else "Training loss")
                if self.solver == "sgd" and self.learning_rate == "adaptive" and upd.lr > 1e-6:
                    upd.lr /= 5.0
                    self._no_improvement_count = 0
                    if self.verbose:
                        print("%s did not improve more than tol=%f for %d consecutive epochs. "
                              "Setting learning rate to %f" % (what, self.tol,
                                                               self.n_iter_no_change, upd.lr))
                    continue
                if self.verbose:
                    print("%s did not improve more than tol=%f for %d consecutive epochs. "
                          "Stopping." % (what, self.tol, self.n_iter_no_change))
                converged = True
                break
        if early and best_theta is not None:
            net.theta[...] = best_theta
        if early:
            self.best_loss_ = None
        if not incremental and not converged:
            warnings.warn("Stochastic Optimizer: Maximum iterations (%d) reached and the "
                          "optimization hasn't converged yet." % self.max_iter,
                          _sklearn_twin(ConvergenceWarning))

    def _forward(self, X):
        check_is_fitted(self, "coefs_")
        X = validate_data(self, X, reset=False)
        return self._net.forward(X, keep=False)

    def _rm_tags(self, tags):
        return tags


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """Multi-layer perceptron classifier (scikit-learn's parameters and behaviour).

    Hidden layers use ``activation``; the output is logistic for two classes and for
    multi-label targets (a 2-D 0/1 indicator y), softmax otherwise. The loss is the
    cross-entropy plus ``alpha/2 ||W||^2`` divided by the batch size. Solvers: "adam"
    and "sgd" on mini-batches (``batch_size="auto"`` = min(200, n_samples)), "lbfgs"
    on the full batch with our L-BFGS.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default (100,)
    activation : {"relu", "tanh", "logistic", "identity", "leaky_relu", "gelu"}
    solver : {"adam", "sgd", "lbfgs"}
    alpha, batch_size, learning_rate, learning_rate_init, power_t, max_iter, shuffle,
    random_state, tol, verbose, warm_start, momentum, nesterovs_momentum, early_stopping,
    validation_fraction, beta_1, beta_2, epsilon, n_iter_no_change, max_fun
        As in scikit-learn's MLPClassifier.

    Attributes
    ----------
    classes_, coefs_, intercepts_, loss_, loss_curve_, best_loss_, validation_scores_,
    best_validation_score_, n_iter_, t_, n_layers_, n_outputs_, out_activation_,
    n_features_in_
    """
    def _out_activation(self, Y_kind, n_classes):
        if Y_kind == "multilabel-indicator" or n_classes == 2:
            return "logistic"
        return "softmax"

    def _encode(self, y, first_call, classes=None):
        y_arr = np.asarray(y)
        if y_arr.ndim == 2 and y_arr.shape[1] > 1:
            kind = type_of_target(y_arr)
            if kind != "multilabel-indicator":
                raise ValueError("MLPClassifier: a 2-D y must be a 0/1 indicator matrix "
                                 "(multi-label); got %s" % kind)
            if first_call:
                self.classes_ = np.arange(y_arr.shape[1])
                self._multilabel = True
            return y_arr.astype(np.float64), "multilabel-indicator"
        y_arr = column_or_1d(y_arr)
        check_classification_targets(y_arr)
        if first_call:
            self.classes_ = np.unique(y_arr) if classes is None else np.unique(classes)
            self._multilabel = False
            if len(self.classes_) < 2 and classes is None:
                raise ValueError("MLPClassifier needs samples of at least 2 classes in the "
                                 "data, but the data contain only one class: %r"
                                 % (self.classes_[0],))
        unseen = np.setdiff1d(np.unique(y_arr), self.classes_)
        if unseen.size:
            raise ValueError("y contains labels not in classes_: %r" % (list(unseen),))
        idx = np.searchsorted(self.classes_, y_arr)
        if len(self.classes_) == 2:
            return idx.reshape(-1, 1).astype(np.float64), "binary"
        Y = np.zeros((y_arr.shape[0], len(self.classes_)))
        Y[np.arange(y_arr.shape[0]), idx] = 1.0
        return Y, "multiclass"

    def _class_sample_weight(self, y, sample_weight, n):
        w = check_sample_weight(sample_weight, n, allow_zero=False)
        cw = getattr(self, "class_weight", None)
        if cw is None or getattr(self, "_multilabel", False):
            return w
        y_arr = column_or_1d(np.asarray(y), warn=False)
        idx = np.searchsorted(self.classes_, y_arr)
        if cw == "balanced":
            counts = np.bincount(idx, minlength=len(self.classes_)).astype(float)
            per_class = np.where(counts > 0, n / (len(self.classes_) * np.maximum(counts, 1)), 0)
        elif isinstance(cw, dict):
            per_class = np.array([float(cw.get(c, 1.0)) for c in self.classes_])
        else:
            raise ValueError("MLPClassifier: class_weight must be None, 'balanced' or a dict, "
                             "got %r" % (cw,))
        return w * per_class[idx]

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000,
                 class_weight=None):
        super().__init__(hidden_layer_sizes, activation, solver=solver, alpha=alpha,
                         batch_size=batch_size, learning_rate=learning_rate,
                         learning_rate_init=learning_rate_init, power_t=power_t,
                         max_iter=max_iter, shuffle=shuffle, random_state=random_state, tol=tol,
                         verbose=verbose, warm_start=warm_start, momentum=momentum,
                         nesterovs_momentum=nesterovs_momentum, early_stopping=early_stopping,
                         validation_fraction=validation_fraction, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, n_iter_no_change=n_iter_no_change, max_fun=max_fun)
        self.class_weight = class_weight

    def fit(self, X, y, sample_weight=None):
        """Fit the network to X, y (labels, or a 2-D indicator matrix for multi-label).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        X, y = validate_data(self, X, y, multi_output=True, reset=not (
            self.warm_start and hasattr(self, "_net")))
        first = not (self.warm_start and hasattr(self, "_net"))
        Y, kind = self._encode(y, first_call=first)
        if first:
            self.out_activation_ = self._out_activation(kind, len(self.classes_))
            self.n_outputs_ = Y.shape[1]
        w = self._class_sample_weight(y, sample_weight, X.shape[0])
        return self._fit(X, Y, w, incremental=False)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch of mini-batch updates on (X, y) (solvers "sgd" and "adam").

        ``classes`` (all labels that will ever appear) is required on the first call."""
        if self.solver == "lbfgs":
            raise AttributeError("partial_fit is only available for the stochastic solvers "
                                 "('sgd', 'adam'), not for 'lbfgs'")
        first = not hasattr(self, "_net")
        X, y = validate_data(self, X, y, multi_output=True, reset=first)
        if first and classes is None and np.asarray(y).ndim == 1:
            raise ValueError("classes must be passed on the first call to partial_fit")
        if not first and classes is not None and not np.array_equal(np.unique(classes),
                                                                    self.classes_):
            # scikit-learn's rule: the label set is fixed by the first call
            raise ValueError("classes=%r is not the same as on the first call to "
                             "partial_fit: %r" % (classes, self.classes_))
        Y, kind = self._encode(y, first_call=first, classes=classes)
        if first:
            self.out_activation_ = self._out_activation(kind, len(self.classes_))
            self.n_outputs_ = Y.shape[1]
        w = self._class_sample_weight(y, sample_weight, X.shape[0])
        return self._fit(X, Y, w, incremental=True)

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes)."""
        P = self._forward(X)
        if self.out_activation_ == "logistic" and not self._multilabel:
            return np.hstack([1.0 - P, P])
        return P

    def predict_log_proba(self, X):
        """log of :meth:`predict_proba` (clipped away from 0)."""
        return np.log(np.maximum(self.predict_proba(X), np.finfo(float).tiny))

    def predict(self, X):
        """Predicted labels (or the 0/1 indicator matrix for multi-label)."""
        P = self._forward(X)
        if self._multilabel:
            return (P > 0.5).astype(int)
        if P.shape[1] == 1:
            return self.classes_[(P[:, 0] > 0.5).astype(int)]
        return self.classes_[np.argmax(P, axis=1)]

    def _validation_score(self, X_val, Y_val):
        P = self._net.forward(X_val, keep=False)
        if P.shape[1] == 1:
            return float(np.mean((P[:, 0] > 0.5) == (Y_val[:, 0] > 0.5)))
        if self._multilabel:
            return float(np.mean(np.all((P > 0.5) == (Y_val > 0.5), axis=1)))
        return float(np.mean(np.argmax(P, axis=1) == np.argmax(Y_val, axis=1)))

    def _rm_tags(self, tags):
        tags.classifier_tags.multi_label = True
        return tags


class MLPRegressor(RegressorMixin, _BaseMLP):
    """Multi-layer perceptron regressor (scikit-learn's parameters and behaviour).

    The output layer is the identity and the loss is half the mean squared error plus
    ``alpha/2 ||W||^2`` divided by the batch size. See :class:`MLPClassifier` for the
    parameters.
    """

    def fit(self, X, y, sample_weight=None):
        """Fit the network to X, y of shape (n_samples,) or (n_samples, n_outputs).

        Returns
        -------
        self
        """
        first = not (self.warm_start and hasattr(self, "_net"))
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True, reset=first)
        return self._fit_regression(X, y, sample_weight, incremental=False)

    def partial_fit(self, X, y, sample_weight=None):
        """One epoch of mini-batch updates on (X, y) (solvers "sgd" and "adam")."""
        if self.solver == "lbfgs":
            raise AttributeError("partial_fit is only available for the stochastic solvers "
                                 "('sgd', 'adam'), not for 'lbfgs'")
        first = not hasattr(self, "_net")
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True, reset=first)
        return self._fit_regression(X, y, sample_weight, incremental=True)

    def _fit_regression(self, X, y, sample_weight, incremental):
        self._y_1d = y.ndim == 1
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        self.out_activation_ = "identity"
        self.n_outputs_ = Y.shape[1]
        w = check_sample_weight(sample_weight, X.shape[0], allow_zero=False)
        return self._fit(X, np.ascontiguousarray(Y, dtype=np.float64), w, incremental)

    def predict(self, X):
        """Predictions, shape (n_samples,) or (n_samples, n_outputs)."""
        P = self._forward(X)
        return P[:, 0].copy() if self._y_1d else P

    def _validation_score(self, X_val, Y_val):
        P = self._net.forward(X_val, keep=False)
        ss_res = np.sum((Y_val - P) ** 2, axis=0)
        ss_tot = np.sum((Y_val - Y_val.mean(axis=0)) ** 2, axis=0)
        return float(np.mean(np.where(ss_tot > 0, 1 - ss_res / np.where(ss_tot > 0, ss_tot, 1),
                                      0.0)))

    def _rm_tags(self, tags):
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags

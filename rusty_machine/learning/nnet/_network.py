"""The network engine shared by ``NeuralNet`` and the MLP estimators, and ``NeuralNet``
itself (rusty-machine's layer-level model).

``_Network`` compiles a list of layers into stages (Linear, then an optional activation),
keeps every parameter in one flat vector ``theta`` (each layer's W and b are views into
it) with its gradient ``grad`` alongside, and runs the forward pass (one GEMM per Linear)
and the backward pass (two GEMMs per Linear). Training steps ``theta`` with an optimiser
of ``learning.optim`` (``opt.step(theta, grad)``, the library's one implementation of
SGD, AdaGrad, RMSProp and Adam).

References
----------
(numbered as in the package docstring)
[1] Goodfellow, Bengio & Courville, "Deep Learning", MIT Press 2016, Ch. 6 and 8.
[2] Glorot & Bengio, "Understanding the difficulty of training deep feedforward neural
    networks", AISTATS 2010 (uniform initialisation, bound sqrt(6 / (fan_in + fan_out))).
[3] He, Zhang, Ren & Sun, "Delving deep into rectifiers", ICCV 2015 (bound sqrt(6 / fan_in)).
"""
import copy

import numpy as np

from ...linalg.blas import gemm
from .. import _nnet
from ..base import BaseEstimator
from ..optim import Adam, _FirstOrder
from ..validation import (check_classification_targets, check_is_fitted, check_random_state,
                          check_sample_weight, validate_data)
from ._layers import GELU, Identity, LeakyReLU, Linear, ReLU, Sigmoid, Softmax, _Activation
from ._losses import BCE, L2, MSE, CrossEntropy, _Criterion, _Regularization

_EMPTY = {np.dtype(np.float64): np.empty(0), np.dtype(np.float32): np.empty(0, np.float32)}


class _Network:
    """Layers compiled into stages (Linear, activation), parameters in one flat vector.

    forward(X) keeps what backward needs (each stage's input, output, and GELU's
    pre-activation); loss_and_grad(X, Y, w) runs both and fills ``self.grad``."""

    def __init__(self, layers, criterion, regularization, rng, init_factor=None,
                 dtype=np.float64):
        self.dtype = np.dtype(dtype)
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
        out_act = last_act if last_act is not None else Identity()
        self.fused = (criterion.fused_with is not None
                      and type(out_act) is criterion.fused_with)

        # one flat parameter vector; each layer's weights / bias_ become views into it.
        # A float32 network (float32 training data) keeps theta, its gradient and every
        # activation in float32: its GEMMs are sgemm. The initial values are drawn in
        # float64 and rounded (as scikit-learn's float32 MLP).
        self.n_params = sum(l.n_params for l in linears)
        self.theta = np.empty(self.n_params, dtype=self.dtype)
        self.grad = np.zeros(self.n_params, dtype=self.dtype)
        empty = _EMPTY[self.dtype]
        off = 0
        self.views = []                      # (layer, W, b, gW, gb)
        offsets = []                         # (W's offset in theta, b's or -1)
        for k, lin in enumerate(linears):
            nw = lin.n_in * lin.n_out
            W = self.theta[off:off + nw].reshape(lin.n_in, lin.n_out)
            gW = self.grad[off:off + nw].reshape(lin.n_in, lin.n_out)
            offsets.append((off, off + nw if lin.bias else -1))
            off += nw
            if lin.bias:
                b, gb = self.theta[off:off + lin.n_out], self.grad[off:off + lin.n_out]
                off += lin.n_out
            else:
                b, gb = empty, empty
            if lin.weights is not None and lin.weights.shape == W.shape:
                W[...] = lin.weights
                if lin.bias:
                    b[...] = lin.bias_ if lin.bias_ is not None else 0.0
            else:
                self._initialise(lin, W, b, self._next_activation(lin), rng, init_factor)
            lin.weights, lin.bias_ = W, (b if lin.bias else None)
            self.views.append((lin, W, b, gW, gb))
        self.trainer = self._dense_trainer(linears, offsets)

    def _dense_trainer(self, linears, offsets):
        """The one-call mini-batch pass (_nnet.DenseTrainer) when the network is a plain
        perceptron: every stage a Linear (then an activation, or none), the output
        activation fused with the criterion, no penalty or L2. None otherwise (the
        layer-by-layer path below runs it)."""
        losses = {CrossEntropy: "log", BCE: "binary", MSE: "squared"}
        if (not self.fused or type(self.criterion) not in losses
                or any(lin is None for lin, _ in self.stages)
                or not (self.regularization is None or isinstance(self.regularization, L2))):
            return None
        acts = [act for _, act in self.stages]
        widths = [linears[0].n_in] + [lin.n_out for lin in linears]
        return _nnet.DenseTrainer(
            self.theta, self.grad, widths, [o for o, _ in offsets], [o for _, o in offsets],
            [act.code if act is not None else 0 for act in acts],
            [act.slope if act is not None else 0.0 for act in acts],
            losses[type(self.criterion)])

    def _next_activation(self, lin):
        for l, act in self.stages:
            if l is lin:
                return act
        return None

    @staticmethod
    def _initialise(lin, W, b, act, rng, init_factor=None):
        """He-uniform for the ReLU family [3], Glorot-uniform otherwise [2] (with
        scikit-learn's factor 2 instead of 6 for the logistic function). With
        ``init_factor`` every layer is Glorot-uniform with bound sqrt(init_factor /
        (fan_in + fan_out)), whatever its activation (scikit-learn's MLP rule [5])."""
        if init_factor is not None:
            bound = np.sqrt(init_factor / (lin.n_in + lin.n_out))
        elif isinstance(act, (ReLU, LeakyReLU, GELU)):
            bound = np.sqrt(6.0 / lin.n_in)
        else:
            factor = 2.0 if isinstance(act, Sigmoid) else 6.0
            bound = np.sqrt(factor / (lin.n_in + lin.n_out))
        W[...] = rng.uniform(-bound, bound, size=W.shape)
        if b.size:
            b[...] = rng.uniform(-bound, bound, size=b.shape)

    def forward(self, X, keep=True):
        """Run the network on X (n, n_in) -> (n, n_out). With ``keep``, remember each
        stage's input, output and pre-activation for :meth:`backward`.

        X in the network's dtype runs in it; a float64 X on a float32 network (predict
        after a float32 fit) runs in float64 with the parameters cast, and a float32 X on
        a float64 network in float64, as scikit-learn's MLP (numpy's promotion)."""
        self.cache = []
        dt = np.promote_types(X.dtype, self.dtype)
        A = X if X.dtype == dt else X.astype(dt)
        empty = _EMPTY[dt]
        for lin, act in self.stages:
            A_in = A
            if lin is not None:
                W = lin.weights if lin.weights.dtype == dt else lin.weights.astype(dt)
                # Z = A_in @ W (one GEMM: sgemm or dgemm), then bias + activation in one pass
                Z = gemm(A_in, W)
                b = lin.bias_ if lin.bias_ is not None else empty
                if b.dtype != dt:
                    b = b.astype(dt)
            else:
                Z, b = np.array(A_in, dtype=dt, order="C"), empty
            Zpre = np.empty_like(Z) if (keep and isinstance(act, GELU)) else None
            code = act.code if act is not None else 0
            _nnet.bias_activate(Z, b, code, act.slope if act is not None else 0.0, Zpre)
            if keep:
                self.cache.append((A_in, Z, Zpre))
            A = Z
        return A

    def release(self):
        """Drop the trainer's batch buffers (at the end of a fit)."""
        if self.trainer is not None:
            self.trainer.release()

    def loss_and_grad(self, X, Y, w, norm=None, rows=None, defer_l2=False):
        """Loss L(theta) on (X, Y) with weights w and its gradient in ``self.grad``.

        rows (an intp array) selects the batch X[rows], Y[rows], w[rows]; the normaliser
        is the batch's sum(w) unless given. With ``defer_l2`` (a plain network only, see
        _dense_trainer) the L2 penalty is left out of the loss and the gradient, for an
        optimiser step that folds it in (_MLPAdam.step_network)."""
        if self.trainer is not None and X.dtype == self.dtype:
            X = np.ascontiguousarray(X)
            Y = np.ascontiguousarray(Y, dtype=self.dtype)
            w = np.ascontiguousarray(w, dtype=np.float64)
            if norm is None:
                norm = float(np.sum(w if rows is None else w[rows]))
            alpha = self.regularization.l if self.regularization is not None else 0.0
            return self.trainer.loss_grad(X, Y, w, rows, norm, alpha, defer_l2)
        if defer_l2:
            raise ValueError("defer_l2 needs a plain network in its own dtype")
        if rows is not None:
            X, Y, w = X[rows], Y[rows], w[rows]
        P = self.forward(X, keep=True)
        Y = np.asarray(Y, dtype=P.dtype)     # the targets in the network's dtype
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
            delta = np.ascontiguousarray(self.criterion.gradient(P, Y, w, scale),
                                         dtype=P.dtype)
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


def _network_optimizer(optimizer):
    """A fresh copy (state reset) of the first-order optimiser that trains a network, so
    that the user's object is left as given and every fit starts from step 0. The
    default is Adam(1e-3) in scikit-learn's epsilon-hat form (NeuralNet's default update
    since it was written)."""
    if optimizer is None:
        return Adam(learning_rate=1e-3, epsilon_hat=True)
    if not isinstance(optimizer, _FirstOrder):
        raise TypeError("NeuralNet: optimizer must be one of optim.SGD, optim.Adam, "
                        "optim.AdaGrad, optim.RMSProp, optim.GradientDescent; got %r"
                        % (optimizer,))
    return copy.deepcopy(optimizer).reset()


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
    optimizer : optim.SGD, optim.Adam, optim.AdaGrad, optim.RMSProp or
        optim.GradientDescent, default Adam(1e-3, epsilon_hat=True)
        Stepped once per mini-batch (a copy is trained; the object given is untouched).
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

    float32 X trains in float32 (weights, activations, gradients and Adam's moments);
    ``predict`` returns the dtype numpy's promotion gives X and the weights.

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
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        # float32 X trains a float32 network (see _Network)
        net = _Network(layers, criterion, self.regularization, rng, dtype=X.dtype)
        if X.shape[1] != net.n_in:
            raise ValueError("NeuralNet: X has %d features but the first layer takes %d"
                             % (X.shape[1], net.n_in))
        Y = self._targets(y, net.n_out, criterion)
        if Y.shape[0] != X.shape[0]:
            raise ValueError("Found input variables with inconsistent numbers of samples: "
                             "X has %d, y has %d" % (X.shape[0], Y.shape[0]))
        w = check_sample_weight(sample_weight, X.shape[0], allow_zero=False)
        opt = _network_optimizer(self.optimizer)
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
                opt.step(net.theta, net.grad)
                total += loss * wb.sum()
            self.loss_curve_.append(total / max(w.sum(), np.finfo(float).tiny))
            if not np.isfinite(self.loss_curve_[-1]):
                raise ValueError("NeuralNet: the training loss became %r at epoch %d; lower the "
                                 "learning rate" % (self.loss_curve_[-1], epoch + 1))
            if self.verbose:
                print("epoch %d, loss = %.8f" % (epoch + 1, self.loss_curve_[-1]))
        net.release()
        self.layers_ = layers
        self._net = net
        self.n_iter_ = epochs
        return self

    def predict(self, X):
        """The network's output for X, shape (n_samples, n_out)."""
        check_is_fitted(self, "layers_")
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
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
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
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
            lins = [l for l in self.layers_ if isinstance(l, Linear) and l.weights is not None]
            dt = lins[0].weights.dtype if lins else np.float64
            self._net = _Network(self.layers_, self.criterion if self.criterion is not None
                                 else MSE(), self.regularization, np.random.RandomState(0),
                                 dtype=dt)

    def _rm_tags(self, tags):
        tags.non_deterministic = False
        return tags

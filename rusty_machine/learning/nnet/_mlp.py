"""``MLPClassifier`` and ``MLPRegressor``: scikit-learn's multi-layer perceptrons
(parameters, stopping rule, learning-rate schedules [5]) on the network engine of
``_network.py``, trained by ``learning.optim``'s Adam or SGD on mini-batches, or its L-BFGS
on the full batch.

References
----------
(numbered as in the package docstring)
[4] Kingma & Ba, "Adam: a method for stochastic optimization", ICLR 2015.
[5] scikit-learn's MLP user guide (parameter names, stopping rule, learning-rate schedules).
"""
import math
import time

import numpy as np

from ...exceptions import _warn_convergence
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ..optim import LBFGS, SGD, Adam, _FirstOrder
from ..validation import (check_classification_targets, check_is_fitted, check_random_state,
                          check_sample_weight, column_or_1d, type_of_target, validate_data)
from ._layers import _ACTIVATION_BY_NAME, Linear
from ._losses import BCE, L2, MSE, CrossEntropy
from ._network import _check_positive_int, _Network


def _approximate_mode(class_counts, n_draws, rng):
    """scikit-learn's _approximate_mode: the per-class counts of n_draws items drawn
    without replacement closest to the proportional ones; the rounding remainders are
    handed out by decreasing remainder, ties broken at random from ``rng``."""
    continuous = class_counts / class_counts.sum() * n_draws
    floored = np.floor(continuous)
    need = int(n_draws - floored.sum())
    if need > 0:
        remainder = continuous - floored
        for value in np.sort(np.unique(remainder))[::-1]:
            (inds,) = np.where(remainder == value)
            add_now = min(len(inds), need)
            inds = rng.choice(inds, size=add_now, replace=False)
            floored[inds] += 1
            need -= add_now
            if need == 0:
                break
    return floored.astype(int)


def _stratified_split(labels, n_train, n_test, rng):
    """scikit-learn's StratifiedShuffleSplit (one split) on ``labels`` with ``rng``: each
    class keeps its share of the training and validation rows. Returns (train, test)
    index arrays, each in the random order scikit-learn gives them."""
    classes, y_idx = np.unique(labels, return_inverse=True)
    counts = np.bincount(y_idx)
    if counts.min() < 2:
        raise ValueError("The least populated class in y has only 1 member, which is too "
                         "few. The minimum number of groups for any class cannot be less "
                         "than 2.")
    if n_train < len(classes) or n_test < len(classes):
        raise ValueError("The train_size = %d and test_size = %d should each be greater "
                         "or equal to the number of classes = %d"
                         % (n_train, n_test, len(classes)))
    class_indices = np.split(np.argsort(y_idx, kind="mergesort"), np.cumsum(counts)[:-1])
    n_i = _approximate_mode(counts, n_train, rng)
    t_i = _approximate_mode(counts - n_i, n_test, rng)
    train, test = [], []
    for i in range(len(classes)):
        perm = class_indices[i].take(rng.permutation(counts[i]), mode="clip")
        train.extend(perm[:n_i[i]])
        test.extend(perm[n_i[i]:n_i[i] + t_i[i]])
    return rng.permutation(train), rng.permutation(test)


class _MLPSGD(SGD):
    """optim.SGD with scikit-learn's MLP ranges: momentum in [0, 1] and Nesterov allowed
    with momentum 0 (then plain SGD). The estimator has checked its parameters."""

    def _validate(self):
        _FirstOrder._validate(self)


class _MLPAdam(Adam):
    """optim.Adam in scikit-learn's MLP form (``epsilon_hat``), with a step on a whole
    network that also adds the L2 penalty's gradient: one pass over the parameters
    (DenseTrainer.adam_step, csrc/rm_nnet_adam.h) where the penalty and the update took
    one each. Its moments and step count are those :meth:`step` keeps, so the two may
    follow each other (a pickled optimiser, partial_fit after fit)."""

    def step_network(self, net, coef):
        """theta -= Adam step from grad + coef * W (the weights', not the biases'); returns
        sum ||W||^2 before the step (the penalty's value at the batch's point)."""
        theta = net.theta
        if getattr(self, "_state", None) is None:
            self._validate()
            self.t = 0
            self._state = [None]
        if len(self._state) != 1:
            raise ValueError("step_network: this optimiser holds state for %d parameter "
                             "arrays, the network has one" % len(self._state))
        state = self._state[0]
        if state is None or state[0] != theta.shape or state[1][0].dtype != theta.dtype:
            state = self._state[0] = (theta.shape, [np.zeros(theta.size, theta.dtype)
                                                    for _ in range(2)])
        self.t += 1
        m, v = state[1]
        return net.trainer.adam_step(m, v, self.learning_rate, self.beta1, self.beta2,
                                     self.eps, self.t, coef)


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
    def _build(self, n_features, n_outputs, hidden, rng, dtype=np.float64):
        act = _ACTIVATION_BY_NAME[self.activation]
        widths = [n_features] + list(hidden)
        layers = []
        for a, b in zip(widths, widths[1:]):
            layers += [Linear(a, b), act()]
        layers += [Linear(widths[-1], n_outputs), _ACTIVATION_BY_NAME[self.out_activation_]()]
        reg = L2(self.alpha) if self.alpha > 0 else None
        # scikit-learn's initialisation [5]: U(-b, b), b = sqrt(f / (fan_in + fan_out)) on
        # every layer, f = 2 for a logistic network and 6 otherwise
        factor = 2.0 if self.activation == "logistic" else 6.0
        return _Network(layers, self._out_criterion_for(self.out_activation_), reg, rng,
                        init_factor=factor, dtype=dtype)

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
        # the optimiser's state (_optimizer: Adam's moments, SGD's velocity) is kept, so a
        # pickled model continues partial_fit exactly (rusty_machine.dask.Incremental
        # moves it between processes after every chunk)
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
            self.__dict__.setdefault("_optimizer", None)   # pickles without the optimiser
            widths = [layout[0][0][0]] + [shape[1] for shape, _ in layout]
            self._net = self._build(widths[0], widths[-1], tuple(widths[1:-1]),
                                    np.random.RandomState(0), dtype=theta.dtype)
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
        if reuse and X.dtype != self._net.dtype:
            X = X.astype(self._net.dtype)   # a warm start keeps the network's dtype
        # float32 X trains a float32 network (sgemm, float32 Adam moments), as
        # scikit-learn's MLP; the targets follow
        Y = np.ascontiguousarray(Y, dtype=X.dtype)
        if not reuse:
            self._net = self._build(n_features, Y.shape[1], hidden, rng, dtype=X.dtype)
            self._publish()
            self.n_iter_ = 0
            self.t_ = 0
            self.loss_curve_ = []
            self._no_improvement_count = 0
            self.best_loss_ = np.inf
            self.validation_scores_ = [] if self.early_stopping else None
            self.best_validation_score_ = -np.inf if self.early_stopping else None
            self._optimizer = None
        w = sample_weight
        try:
            if self.solver == "lbfgs":
                self._fit_lbfgs(X, Y, w)
            else:
                self._fit_stochastic(X, Y, w, rng, incremental)
        finally:
            self._net.release()
        self.loss_ = self.loss_curve_[-1] if self.loss_curve_ else self.loss_
        return self

    def _fit_lbfgs(self, X, Y, w):
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
            _warn_convergence("lbfgs failed to converge (stopped by its limit on %s). Increase "
                              "max_iter / max_fun or scale the data." % reason)

    def _stratify(self, Y):
        """The labels to stratify the validation split on, or None (scikit-learn's rule:
        a classifier with one output unit, i.e. binary; its multiclass and multi-label
        outputs are split by plain shuffling)."""
        return None

    def _split_validation(self, X, Y, w, rng):
        """scikit-learn's ``train_test_split(..., test_size=validation_fraction,
        stratify=...)`` on the model's random stream (after the weights): the same rows,
        in the same order, as scikit-learn's MLP trains and validates on."""
        n = X.shape[0]
        # ceil(fraction n) validation rows (scikit-learn's _validate_shuffle_split)
        n_val = int(math.ceil(self.validation_fraction * n))
        if n - n_val < 1:
            raise ValueError("%s: early_stopping needs more samples: validation_fraction=%r of "
                             "%d samples leaves none to train on"
                             % (type(self).__name__, self.validation_fraction, n))
        labels = self._stratify(Y)
        if labels is None:
            # ShuffleSplit: the first n_val entries of one permutation validate
            order = rng.permutation(n)
            val, train = order[:n_val], order[n_val:]
        else:
            train, val = _stratified_split(labels, n - n_val, n_val, rng)
        if val.shape[0] < 2:
            raise ValueError("The validation set is too small. Increase 'validation_fraction' "
                             "or the size of your dataset.")
        return X[train], Y[train], w[train], X[val], Y[val], w[val]

    def _fit_stochastic(self, X, Y, w, rng, incremental):
        net = self._net
        early = self.early_stopping and not incremental
        if early:
            X, Y, w, X_val, Y_val, w_val = self._split_validation(X, Y, w, rng)
        n = X.shape[0]
        batch = min(200, n) if self.batch_size == "auto" else min(int(self.batch_size), n)
        if self._optimizer is None or not incremental:
            # a fresh optimiser on every fit() (warm_start keeps the weights only); its
            # state (moments, velocities, decayed learning rate) lives across partial_fit
            # learning.optim's optimisers, as scikit-learn's MLP defines them: Adam with
            # eps added before the bias correction, SGD with momentum in [0, 1]
            if self.solver == "adam":
                self._optimizer = _MLPAdam(learning_rate=float(self.learning_rate_init),
                                           beta1=self.beta_1, beta2=self.beta_2,
                                           eps=self.epsilon, epsilon_hat=True)
            else:
                self._optimizer = _MLPSGD(learning_rate=float(self.learning_rate_init),
                                          momentum=float(self.momentum),
                                          nesterov=bool(self.nesterovs_momentum))
        opt = self._optimizer
        epochs = 1 if incremental else self.max_iter
        converged = False
        best_theta = None
        order = np.arange(n)
        unweighted = bool(np.all(w == 1.0))
        X = np.ascontiguousarray(X)
        # Adam steps the whole network in one pass with the L2 gradient folded in
        fused_adam = isinstance(opt, _MLPAdam) and net.trainer is not None
        alpha = float(self.alpha)
        for _ in range(epochs):
            t0 = time.perf_counter()
            if self.shuffle:
                # scikit-learn's order: the previous epoch's order, permuted again
                order = order[rng.permutation(n)]
            total = 0.0
            for start in range(0, n, batch):
                stop = min(start + batch, n)
                # the batch: rows of the epoch's order, gathered by the network's pass
                # (no copy of X per batch or per epoch), or a slice when not shuffling
                if self.shuffle:
                    Xb, Yb, wb, rows = X, Y, w, order[start:stop]
                else:
                    Xb, Yb, wb, rows = X[start:stop], Y[start:stop], w[start:stop], None
                # normalised by the batch's total weight (its size when unweighted)
                wsum = float(stop - start) if unweighted else float(
                    np.sum(wb if rows is None else wb[rows]))
                if not wsum > 0:                # a batch of zero-weight rows
                    continue
                if fused_adam:
                    loss = net.loss_and_grad(Xb, Yb, wb, wsum, rows, defer_l2=True)
                    scale = 1.0 / wsum
                    ssq = opt.step_network(net, scale * alpha)
                    loss += 0.5 * scale * alpha * ssq
                else:
                    loss = net.loss_and_grad(Xb, Yb, wb, wsum, rows)
                    opt.step(net.theta, net.grad)
                # scikit-learn's epoch loss: the batch losses (each normalised by its
                # batch's weight) averaged with the batch sizes as weights
                total += loss * (stop - start)
            self.n_iter_ += 1
            self.t_ += n
            self.loss_ = total / float(n)
            if not np.isfinite(self.loss_):
                raise ValueError("%s: the training loss became %r; lower learning_rate_init or "
                                 "scale the data" % (type(self).__name__, self.loss_))
            self.loss_curve_.append(self.loss_)
            if self.solver == "sgd" and self.learning_rate == "invscaling":
                opt.learning_rate = self.learning_rate_init / (self.t_ + 1) ** self.power_t
            message = "Iteration %d, loss = %.8f" % (self.n_iter_, self.loss_)
            if early:
                score = self._validation_score(X_val, Y_val, w_val)
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
                if (self.solver == "sgd" and self.learning_rate == "adaptive"
                        and opt.learning_rate > 1e-6):
                    opt.learning_rate /= 5.0
                    self._no_improvement_count = 0
                    if self.verbose:
                        print("%s did not improve more than tol=%f for %d consecutive epochs. "
                              "Setting learning rate to %f" % (what, self.tol,
                                                               self.n_iter_no_change,
                                                               opt.learning_rate))
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
            _warn_convergence("Stochastic Optimizer: Maximum iterations (%d) reached and the "
                              "optimization hasn't converged yet." % self.max_iter)

    def _forward(self, X):
        check_is_fitted(self, "coefs_")
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        return self._net.forward(X, keep=False)

    def _rm_tags(self, tags):
        return tags


_F32_NOTE = """
    float32 X trains a float32 network (weights, activations, gradients, Adam's moments;
    the GEMMs are sgemm), as scikit-learn's MLP: ``coefs_``, ``intercepts_`` and the
    outputs of a float32 fit are float32; a float64 X given to ``predict`` after a float32
    fit is computed in float64 (numpy's promotion, as scikit-learn).
"""


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
    __doc__ += _F32_NOTE
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
            self.warm_start and hasattr(self, "_net")), dtype=[np.float64, np.float32])
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
        X, y = validate_data(self, X, y, multi_output=True, reset=first,
                             dtype=[np.float64, np.float32])
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
        P = self.predict_proba(X)
        return np.log(np.maximum(P, np.finfo(P.dtype).tiny))

    def predict(self, X):
        """Predicted labels (or the 0/1 indicator matrix for multi-label)."""
        P = self._forward(X)
        if self._multilabel:
            return (P > 0.5).astype(int)
        if P.shape[1] == 1:
            return self.classes_[(P[:, 0] > 0.5).astype(int)]
        return self.classes_[np.argmax(P, axis=1)]

    def _stratify(self, Y):
        if Y.shape[1] == 1 and not self._multilabel:
            return Y[:, 0]                 # binary: stratified as scikit-learn's
        return None

    def _validation_score(self, X_val, Y_val, w_val):
        """Accuracy on the validation rows, weighted by their sample weights (scikit-learn's
        accuracy_score(y_val, predict(X_val), sample_weight=w_val))."""
        P = self._net.forward(X_val, keep=False)
        if P.shape[1] == 1:
            hit = (P[:, 0] > 0.5) == (Y_val[:, 0] > 0.5)
        elif self._multilabel:
            hit = np.all((P > 0.5) == (Y_val > 0.5), axis=1)
        else:
            hit = np.argmax(P, axis=1) == np.argmax(Y_val, axis=1)
        return float(np.sum(w_val * hit) / np.sum(w_val))

    def _rm_tags(self, tags):
        tags.classifier_tags.multi_label = True
        return tags


class MLPRegressor(RegressorMixin, _BaseMLP):
    """Multi-layer perceptron regressor (scikit-learn's parameters and behaviour).

    The output layer is the identity and the loss is half the mean squared error plus
    ``alpha/2 ||W||^2`` divided by the batch size. See :class:`MLPClassifier` for the
    parameters.
    """
    __doc__ += _F32_NOTE

    def fit(self, X, y, sample_weight=None):
        """Fit the network to X, y of shape (n_samples,) or (n_samples, n_outputs).

        Returns
        -------
        self
        """
        first = not (self.warm_start and hasattr(self, "_net"))
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True, reset=first,
                             dtype=[np.float64, np.float32])
        return self._fit_regression(X, y, sample_weight, incremental=False)

    def partial_fit(self, X, y, sample_weight=None):
        """One epoch of mini-batch updates on (X, y) (solvers "sgd" and "adam")."""
        if self.solver == "lbfgs":
            raise AttributeError("partial_fit is only available for the stochastic solvers "
                                 "('sgd', 'adam'), not for 'lbfgs'")
        first = not hasattr(self, "_net")
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True, reset=first,
                             dtype=[np.float64, np.float32])
        return self._fit_regression(X, y, sample_weight, incremental=True)

    def _fit_regression(self, X, y, sample_weight, incremental):
        self._y_1d = y.ndim == 1
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        self.out_activation_ = "identity"
        self.n_outputs_ = Y.shape[1]
        w = check_sample_weight(sample_weight, X.shape[0], allow_zero=False)
        return self._fit(X, Y, w, incremental)

    def predict(self, X):
        """Predictions, shape (n_samples,) or (n_samples, n_outputs)."""
        P = self._forward(X)
        return P[:, 0].copy() if self._y_1d else P

    def _validation_score(self, X_val, Y_val, w_val):
        """R^2 on the validation rows, weighted, averaged over the outputs (scikit-learn's
        r2_score(..., sample_weight=w_val): 1 where a constant target is predicted
        exactly, 0 where it is not)."""
        P = np.asarray(self._net.forward(X_val, keep=False), dtype=np.float64)
        Yv = np.asarray(Y_val, dtype=np.float64)
        wv = w_val[:, None]
        ss_res = np.sum(wv * (Yv - P) ** 2, axis=0)
        mean = np.sum(wv * Yv, axis=0) / np.sum(w_val)
        ss_tot = np.sum(wv * (Yv - mean) ** 2, axis=0)
        r2 = np.where(ss_tot > 0, 1 - ss_res / np.where(ss_tot > 0, ss_tot, 1),
                      np.where(ss_res == 0, 1.0, 0.0))
        return float(np.mean(r2))

    def _rm_tags(self, tags):
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags

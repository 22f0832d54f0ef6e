"""The multi-layer perceptrons' options, each checked for its effect by value:

- activation ("identity", "logistic", "tanh", "relu"), the loss and the L2 term: one plain
  SGD step from the same weights equals scikit-learn's (the gradient, and the loss it
  reports);
- the optimisers' options (momentum with and without Nesterov, invscaling's power_t,
  Adam's beta_1, beta_2 and epsilon, L-BFGS's max_fun): two steps worked by hand from
  scikit-learn's update formulas [Kingma & Ba 2015, Alg. 1 with the bias correction folded
  into the step size; Sutskever et al. 2013 for Nesterov's momentum], with the gradients
  taken from a stateless SGD step (momentum 0: W' = W - eta g) at the same weights.
The weights are set through ``coefs_`` / ``intercepts_``, the arrays the model trains.
"""
import warnings

import numpy as np
import pytest
from sklearn import neural_network as sknn

from rusty_machine.exceptions import ConvergenceWarning
from rusty_machine.learning import MLPClassifier, MLPRegressor

N, ETA, ALPHA = 30, 0.05, 1e-2
RNG = np.random.RandomState(0)
X = RNG.randn(N, 4)
Y = {"regressor": X @ [1.0, -2.0, 0.5, 0.0] + 0.1 * RNG.randn(N),
     "binary": (X[:, 0] + X[:, 1] > 0).astype(int),
     "multiclass": np.arange(N) % 3}
CLS = {"regressor": (MLPRegressor, sknn.MLPRegressor),
       "binary": (MLPClassifier, sknn.MLPClassifier),
       "multiclass": (MLPClassifier, sknn.MLPClassifier)}


def _params(model):
    return [a.copy() for a in model.coefs_ + model.intercepts_]


def _set(model, params):
    k = len(model.coefs_)
    for dst, src in zip(model.coefs_ + model.intercepts_, params[:k] + params[k:]):
        dst[...] = src


def _first_pass(model, task):
    """One partial_fit (one full-batch update): builds the model."""
    extra = {"classes": np.unique(Y[task])} if task != "regressor" else {}
    return model.partial_fit(X, Y[task], **extra)


def _model(cls, **kw):
    base = dict(hidden_layer_sizes=(5,), solver="sgd", momentum=0.0, learning_rate_init=ETA,
                batch_size=N, shuffle=False, random_state=0, alpha=ALPHA)
    base.update(kw)
    return cls(**base)


class _Gradient:
    """g(W) from one stateless full-batch SGD step at W: g = (W - W') / eta; also the
    training loss at W (the loss_ that step reports)."""

    def __init__(self, task, activation="relu"):
        self.task = task
        self.model = _first_pass(_model(CLS[task][0], activation=activation), task)

    def __call__(self, params):
        _set(self.model, params)
        self.model.partial_fit(X, Y[self.task])
        after = _params(self.model)
        return [(p - q) / ETA for p, q in zip(params, after)], self.model.loss_


def _initial(task, activation="relu"):
    """W0 of a fresh model (random_state=0): one step with eta and one with 2 eta give
    W0 - eta g and W0 - 2 eta g, so W0 = 2 W1(eta) - W1(2 eta)."""
    cls = CLS[task][0]
    w1 = _params(_first_pass(_model(cls, activation=activation), task))
    w2 = _params(_first_pass(_model(cls, activation=activation, learning_rate_init=2 * ETA),
                             task))
    return [2 * a - b for a, b in zip(w1, w2)]


def _assert_params(actual, expected, atol=1e-12):
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(a, e, rtol=0, atol=atol)


@pytest.mark.parametrize("task", sorted(Y))
@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
def test_one_sgd_step_equals_sklearns(activation, task):
    """The same weights, one full-batch SGD step with the L2 term: the same new weights and
    the same reported loss as scikit-learn (so the same forward pass, loss, gradient and
    alpha scaling for each activation and output layer)."""
    ours_cls, sk_cls = CLS[task]
    rng = np.random.RandomState(1)
    n_out = 3 if task == "multiclass" else 1
    params = [0.5 * rng.randn(4, 5), 0.5 * rng.randn(5, n_out), 0.1 * rng.randn(5),
              0.1 * rng.randn(n_out)]
    after, losses = [], []
    for cls in (ours_cls, sk_cls):
        model = _first_pass(_model(cls, activation=activation), task)
        _set(model, params)
        model.partial_fit(X, Y[task])
        after.append(_params(model))
        losses.append(model.loss_)
    _assert_params(after[0], after[1], atol=1e-13)
    assert losses[0] == pytest.approx(losses[1], rel=1e-13)
    assert not np.allclose(after[0][0], params[0])            # a step was taken


@pytest.mark.parametrize("nesterov", [True, False])
def test_momentum_and_nesterov_two_steps_by_hand(nesterov):
    """v <- mu v - eta g; W <- W + v (plain) or W <- W + mu v - eta g (Nesterov)."""
    mu = 0.7
    grad = _Gradient("regressor")
    W0 = _initial("regressor")
    model = _model(MLPRegressor, momentum=mu, nesterovs_momentum=nesterov)
    _first_pass(model, "regressor")
    model.partial_fit(X, Y["regressor"])
    W, v = W0, [np.zeros_like(p) for p in W0]
    for _ in range(2):
        g, _ = grad(W)
        v = [mu * vi - ETA * gi for vi, gi in zip(v, g)]
        W = [w + (mu * vi - ETA * gi if nesterov else vi) for w, vi, gi in zip(W, v, g)]
    _assert_params(_params(model), W)


def test_invscaling_power_t_by_hand():
    """After each epoch eta_t = eta / (t + 1)^power_t, t the number of samples seen."""
    power_t = 0.3
    grad = _Gradient("regressor")
    W = _initial("regressor")
    model = _model(MLPRegressor, learning_rate="invscaling", power_t=power_t)
    _first_pass(model, "regressor")
    model.partial_fit(X, Y["regressor"])
    model.partial_fit(X, Y["regressor"])
    for t in range(3):
        eta_t = ETA / (t * N + 1) ** power_t
        g, _ = grad(W)
        W = [w - eta_t * gi for w, gi in zip(W, g)]
    _assert_params(_params(model), W)


@pytest.mark.parametrize("beta_1, beta_2, epsilon", [(0.9, 0.999, 1e-8), (0.5, 0.9, 1e-2)])
def test_adam_two_steps_by_hand(beta_1, beta_2, epsilon):
    """m <- b1 m + (1 - b1) g, v <- b2 v + (1 - b2) g^2,
    W <- W - eta sqrt(1 - b2^t) / (1 - b1^t) m / (sqrt(v) + epsilon)."""
    grad = _Gradient("multiclass")
    W = _initial("multiclass")
    model = _model(MLPClassifier, solver="adam", beta_1=beta_1, beta_2=beta_2,
                   epsilon=epsilon)
    _first_pass(model, "multiclass")
    model.partial_fit(X, Y["multiclass"])
    m = [np.zeros_like(p) for p in W]
    v = [np.zeros_like(p) for p in W]
    for t in (1, 2):
        g, _ = grad(W)
        m = [beta_1 * mi + (1 - beta_1) * gi for mi, gi in zip(m, g)]
        v = [beta_2 * vi + (1 - beta_2) * gi ** 2 for vi, gi in zip(v, g)]
        step = ETA * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        W = [w - step * mi / (np.sqrt(vi) + epsilon) for w, mi, vi in zip(W, m, v)]
    _assert_params(_params(model), W)


def test_lbfgs_max_fun_stops_at_the_budget():
    """max_fun=1: the one evaluation is at the initial weights, so the fit keeps them and
    reports their loss, with a ConvergenceWarning naming the limit."""
    grad = _Gradient("binary")
    W0 = _initial("binary")
    _, loss0 = grad(W0)
    model = _model(MLPClassifier, solver="lbfgs", max_fun=1)
    with pytest.warns(ConvergenceWarning, match="function evaluations"):
        model.fit(X, Y["binary"])
    _assert_params(_params(model), W0)
    assert model.loss_ == pytest.approx(loss0, rel=1e-13)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        more = _model(MLPClassifier, solver="lbfgs", max_fun=20).fit(X, Y["binary"])
    assert more.loss_ < loss0


@pytest.mark.parametrize("cls", [MLPClassifier, pytest.param(sknn.MLPClassifier, id="sklearn")])
def test_warm_start_fit_starts_a_fresh_optimiser(cls):
    """After a first fit, a warm-started fit of one full-batch Adam step from the fitted
    weights W takes Adam's first step: W - eta g / (|g| + epsilon / sqrt(1 - beta_2))."""
    grad = _Gradient("multiclass")
    model = _model(cls, solver="adam", warm_start=True, max_iter=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, Y["multiclass"])
        W = _params(model)
        g, _ = grad(W)
        model.set_params(max_iter=1).fit(X, Y["multiclass"])
    expected = [w - ETA * gi / (np.abs(gi) + 1e-8 / np.sqrt(1 - 0.999)) for w, gi in zip(W, g)]
    _assert_params(_params(model), expected)


# ---- NeuralNet: criterion and regularization through the public loss() ------------------
def _forward_by_hand(layers, X, out):
    W1, b1 = layers[0].weights, layers[0].bias_
    W2, b2 = layers[2].weights, layers[2].bias_
    Z = np.tanh(X @ W1 + b1) @ W2 + b2
    if out == "softmax":
        E = np.exp(Z - Z.max(1, keepdims=True))
        return E / E.sum(1, keepdims=True)
    if out == "sigmoid":
        return 1.0 / (1.0 + np.exp(-Z))
    return Z


@pytest.mark.parametrize("reg", [None, "L1", "L2", "ElasticNet"])
@pytest.mark.parametrize("crit", ["CrossEntropy", "BCE", "MSE"])
def test_neuralnet_loss_is_the_documented_objective(crit, reg):
    """NeuralNet.loss(X, y, w) = (sum_i w_i loss_i + R(W)) / sum_i w_i, recomputed here from
    the trained layers: cross-entropy -sum y log p (softmax), binary cross-entropy
    (sigmoid), squared error 1/2 (p - y)^2 (identity); R = l/2 sum W^2 (L2),
    l sum |W| (L1), l (r sum |W| + (1 - r)/2 sum W^2) (ElasticNet), biases unpenalised."""
    from rusty_machine.learning import nnet
    rng = np.random.RandomState(4)
    Xn = rng.randn(25, 3)
    n_out, out_layer, out = {"CrossEntropy": (3, nnet.Softmax, "softmax"),
                             "BCE": (1, nnet.Sigmoid, "sigmoid"),
                             "MSE": (2, nnet.Identity, "identity")}[crit]
    y = {"CrossEntropy": rng.randint(0, 3, 25), "BCE": rng.randint(0, 2, 25),
         "MSE": rng.randn(25, 2)}[crit]
    regularization = {None: None, "L1": nnet.L1(0.3), "L2": nnet.L2(0.3),
                      "ElasticNet": nnet.ElasticNet(0.3, 0.25)}[reg]
    model = nnet.NeuralNet(layers=[nnet.Linear(3, 4), nnet.Tanh(), nnet.Linear(4, n_out),
                                   out_layer()],
                           criterion=getattr(nnet, crit)(), regularization=regularization,
                           epochs=3, batch_size=10, random_state=0).fit(Xn, y)
    w = rng.uniform(0.5, 2.0, 25)
    P = _forward_by_hand(model.layers_, Xn, out)
    if crit == "CrossEntropy":
        per_sample = -np.log(P[np.arange(25), y])
    elif crit == "BCE":
        per_sample = -(y * np.log(P[:, 0]) + (1 - y) * np.log(1 - P[:, 0]))
    else:
        per_sample = 0.5 * ((P - y) ** 2).sum(1)
    Ws = [model.layers_[0].weights, model.layers_[2].weights]
    l1 = sum(np.abs(W).sum() for W in Ws)
    l2 = sum((W ** 2).sum() for W in Ws)
    R = {None: 0.0, "L1": 0.3 * l1, "L2": 0.15 * l2,
         "ElasticNet": 0.3 * (0.25 * l1 + 0.375 * l2)}[reg]
    expected = (np.sum(w * per_sample) + R) / w.sum()
    assert model.loss(Xn, y, sample_weight=w) == pytest.approx(expected, rel=1e-12)
    assert model.loss(Xn, y) == pytest.approx((per_sample.sum() + R) / 25, rel=1e-12)


def _initial_of(cls, task, activation):
    w1 = _params(_first_pass(_model(cls, activation=activation), task))
    w2 = _params(_first_pass(_model(cls, activation=activation, learning_rate_init=2 * ETA),
                             task))
    return [2 * a - b for a, b in zip(w1, w2)]


@pytest.mark.parametrize("task", ["regressor", "multiclass"])
@pytest.mark.parametrize("activation", [
    "identity", "tanh", "relu", "logistic"])
def test_initial_weights_equal_sklearns(activation, task):
    """The same random_state gives scikit-learn's initial weights (so, with the one-step
    equality above, the same training trajectory for the same hyperparameters)."""
    ours, ref = (_initial_of(c, task, activation) for c in CLS[task])
    _assert_params(ours, ref, atol=1e-14)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize("task", ["regressor", "multiclass"])
def test_learning_curves_equal_sklearns_epoch_by_epoch(task, solver, shuffle, activation):
    """Mini-batches of 16, 8 epochs, reshuffled every epoch or not: the training loss after
    every epoch equals scikit-learn's to rounding."""
    rng = np.random.RandomState(0)
    Xl = rng.randn(60, 4)
    yl = Xl @ [1.0, -2.0, 0.5, 0.0] + 0.1 * rng.randn(60) if task == "regressor" \
        else np.arange(60) % 3
    kw = dict(hidden_layer_sizes=(6,), activation=activation, solver=solver, batch_size=16,
              shuffle=shuffle, random_state=0, max_iter=8, learning_rate_init=0.01)
    curves = []
    for cls in CLS[task]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            curves.append(np.array(cls(**kw).fit(Xl, yl).loss_curve_))
    np.testing.assert_allclose(curves[0], curves[1], rtol=1e-12)


@pytest.mark.parametrize("fraction", [0.1, 0.25])
def test_early_stopping_split_and_scores_equal_sklearns(fraction):
    """MLPRegressor with early_stopping: the validation rows are scikit-learn's
    (ceil(fraction n) of them, 203 rows so that rounding would differ, drawn from the
    same random stream after the initial weights), so the validation scores, the loss
    curve and the restored best weights agree to rounding."""
    rng = np.random.RandomState(0)
    Xe = rng.randn(203, 4)
    ye = Xe @ [1.0, -2.0, 0.5, 0.0] + 0.3 * rng.randn(203)
    kw = dict(hidden_layer_sizes=(8,), early_stopping=True, validation_fraction=fraction,
              random_state=0, max_iter=40, learning_rate_init=0.01)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, ref = MLPRegressor(**kw).fit(Xe, ye), sknn.MLPRegressor(**kw).fit(Xe, ye)
    np.testing.assert_allclose(ours.validation_scores_, ref.validation_scores_, rtol=1e-12)
    np.testing.assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=1e-12)
    np.testing.assert_allclose(ours.predict(Xe), ref.predict(Xe), rtol=1e-10, atol=1e-12)

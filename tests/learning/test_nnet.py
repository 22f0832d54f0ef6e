"""Neural networks: gradients against finite differences, a network worked by hand,
comparisons with scikit-learn, training invariants, the estimator contract, bad input."""
import pickle
import warnings

import numpy as np
import pytest

import rusty_machine
from rusty_machine.exceptions import ConvergenceWarning, NotFittedError
from rusty_machine.learning import nnet
from rusty_machine.learning.nnet import (BCE, GELU, L1, L2, MSE, CrossEntropy, ElasticNet,
                                         Identity, LeakyReLU, Linear, MLPClassifier,
                                         MLPRegressor, NeuralNet, ReLU, Sigmoid, Softmax, Tanh)

EPS = np.finfo(float).eps


def _network(layers, criterion, reg=None, seed=0):
    return nnet._Network(layers, criterion, reg, np.random.RandomState(seed))


def _numeric_grad(net, X, Y, w, h=1e-6):
    theta0 = net.theta.copy()
    g = np.empty_like(theta0)
    for i in range(theta0.size):
        net.theta[...] = theta0
        net.theta[i] += h
        up = net.loss_and_grad(X, Y, w)
        net.theta[...] = theta0
        net.theta[i] -= h
        down = net.loss_and_grad(X, Y, w)
        g[i] = (up - down) / (2 * h)
    net.theta[...] = theta0
    return g


HIDDEN = [Identity(), Sigmoid(), Tanh(), ReLU(), LeakyReLU(0.1), GELU()]
OUTPUTS = [  # (output activation or None, criterion, target kind)
    (Softmax(), CrossEntropy(), "onehot"),      # fused
    (Sigmoid(), BCE(), "binary"),               # fused
    (None, MSE(), "real"),                      # fused (identity)
    (Softmax(), MSE(), "real"),                 # softmax backward on its own
    (Sigmoid(), CrossEntropy(), "binary"),      # criterion gradient then f'
    (Tanh(), MSE(), "real"),
]


def _targets(kind, rng, n, d):
    if kind == "onehot":
        return np.eye(d)[rng.randint(0, d, size=n)]
    if kind == "binary":
        return rng.randint(0, 2, size=(n, d)).astype(float)
    return rng.randn(n, d)


@pytest.mark.parametrize("hidden", HIDDEN, ids=lambda a: type(a).__name__)
@pytest.mark.parametrize("out", OUTPUTS, ids=lambda o: "%s-%s" % (type(o[0]).__name__,
                                                                  type(o[1]).__name__))
def test_gradient_matches_finite_differences(hidden, out):
    act, crit, kind = out
    rng = np.random.RandomState(1)
    layers = [Linear(3, 4), hidden, Linear(4, 2)] + ([act] if act is not None else [])
    net = _network(layers, crit, L2(0.3))
    X = rng.randn(6, 3)
    Y = _targets(kind, rng, 6, 2)
    w = rng.uniform(0.5, 2.0, size=6)
    net.loss_and_grad(X, Y, w)
    analytic = net.grad.copy()
    numeric = _numeric_grad(net, X, Y, w)
    # central differences: error ~ h^2 f''' + eps f / h
    assert np.allclose(analytic, numeric, rtol=1e-5, atol=1e-7), \
        np.abs(analytic - numeric).max()


@pytest.mark.parametrize("reg", [L1(0.2), L2(0.5), ElasticNet(0.4, 0.3)], ids=repr)
def test_regularisation_value_and_gradient_agree(reg):
    rng = np.random.RandomState(2)
    net = _network([Linear(3, 5), Tanh(), Linear(5, 1, bias=False)], MSE(), reg)
    X, Y, w = rng.randn(7, 3), rng.randn(7, 1), np.ones(7)
    net.loss_and_grad(X, Y, w)
    assert np.allclose(net.grad, _numeric_grad(net, X, Y, w), rtol=1e-5, atol=1e-7)
    # the penalty is divided by the number of samples, and biases are not penalised
    base = _network([Linear(3, 5), Tanh(), Linear(5, 1, bias=False)], MSE(), None)
    base.theta[...] = net.theta
    diff = net.loss_and_grad(X, Y, w) - base.loss_and_grad(X, Y, w)
    weights = [W for _, W, _, _, _ in net.views]
    if isinstance(reg, L2):
        expected = 0.5 * reg.l * sum(np.sum(W ** 2) for W in weights) / 7
    elif isinstance(reg, L1):
        expected = reg.l * sum(np.sum(np.abs(W)) for W in weights) / 7
    else:
        expected = reg.l * (reg.ratio * sum(np.sum(np.abs(W)) for W in weights) +
                            0.5 * (1 - reg.ratio) * sum(np.sum(W ** 2) for W in weights)) / 7
    assert diff == pytest.approx(expected, rel=1e-12)


def test_xor_network_worked_by_hand():
    # h = relu(x1 + x2 - [0, 1]);  out = h1 - 2 h2  gives XOR on {0, 1}^2
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    first, second = Linear(2, 2), Linear(2, 1)
    first.weights, first.bias_ = np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0])
    second.weights, second.bias_ = np.array([[1.0], [-2.0]]), np.array([0.0])
    net = _network([first, ReLU(), second], MSE())
    assert np.array_equal(net.forward(X, keep=False).ravel(), [0.0, 1.0, 1.0, 0.0])
    # one backward pass by hand at x = (1, 1), y = 0.5: out = 0, delta = out - y = -0.5
    # h = (2, 1): dW2 = h^T delta = (-1, -0.5); db2 = -0.5;
    # dh = delta W2^T = (-0.5, 1) (both units active); dW1 = x^T dh; db1 = dh
    net.loss_and_grad(X[3:], np.array([[0.5]]), np.ones(1))
    W1g, b1g, W2g, b2g = [v for _, _, _, gW, gb in net.views for v in (gW, gb)]
    assert np.allclose(W2g.ravel(), [-1.0, -0.5]) and np.allclose(b2g, [-0.5])
    assert np.allclose(b1g, [-0.5, 1.0]) and np.allclose(W1g, [[-0.5, 1.0], [-0.5, 1.0]])


def test_neuralnet_learns_xor():
    from rusty_machine.learning.optim import Adam
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    model = NeuralNet([Linear(2, 8), Tanh(), Linear(8, 2), Softmax()], CrossEntropy(),
                      Adam(learning_rate=0.05), batch_size=4, epochs=300,
                      random_state=0).fit(X, y)
    assert np.array_equal(model.predict_classes(X), y)
    assert model.loss_curve_[-1] < 0.1 * model.loss_curve_[0]
    P = model.predict(X)
    assert P.shape == (4, 2) and np.allclose(P.sum(axis=1), 1.0)


def test_neuralnet_with_each_optimizer_decreases_loss():
    from rusty_machine.learning import optim
    rng = np.random.RandomState(0)
    X = rng.randn(200, 4)
    y = X @ np.array([1.0, -2.0, 0.5, 0.0]) + 0.1 * rng.randn(200)
    for opt in (optim.SGD(learning_rate=0.01, momentum=0.9), optim.Adam(learning_rate=0.01),
                optim.AdaGrad(learning_rate=0.1), optim.RMSProp(learning_rate=0.01)):
        model = NeuralNet([Linear(4, 8), ReLU(), Linear(8, 1)], MSE(), opt, batch_size=20,
                          epochs=30, random_state=0).fit(X, y)
        assert model.loss_curve_[-1] < 0.2 * model.loss_curve_[0], opt
        assert model.predict(X).shape == (200, 1)


def test_neuralnet_layers_are_accessible_and_input_layers_untouched():
    layers = [Linear(3, 4), Sigmoid(), Linear(4, 1)]
    model = NeuralNet(layers, MSE(), epochs=2, random_state=0).fit(np.ones((5, 3)), np.ones(5))
    assert layers[0].weights is None            # fit copies the layers
    assert model.layers_[0].weights.shape == (3, 4) and model.layers_[0].bias_.shape == (4,)
    back = pickle.loads(pickle.dumps(model))
    assert np.array_equal(back.predict(np.ones((2, 3))), model.predict(np.ones((2, 3))))


@pytest.mark.parametrize("bad, match", [
    (dict(layers=[]), "layers must be a non-empty"),
    (dict(layers=[Linear(3, 4), Linear(5, 1)]), "do not chain"),
    (dict(layers=["relu"]), "not a layer"),
    (dict(batch_size=0), "batch_size must be > 0"),
    (dict(epochs=-1), "epochs must be > 0"),
    (dict(layers=[Linear(2, 1)]), "X has 3 features but the first layer takes 2"),
])
def test_neuralnet_bad_configuration(bad, match):
    params = dict(layers=[Linear(3, 1)], criterion=MSE(), epochs=1)
    params.update(bad)
    with pytest.raises((ValueError, TypeError), match=match):
        NeuralNet(**params).fit(np.ones((4, 3)), np.ones(4))


def test_layer_constructors_validate():
    with pytest.raises(ValueError, match="n_out must be >= 1"):
        Linear(3, 0)
    with pytest.raises(TypeError, match="n_in must be an int"):
        Linear(2.5, 1)
    with pytest.raises(ValueError, match="negative_slope"):
        LeakyReLU(-1.0)
    with pytest.raises(ValueError, match="ratio"):
        ElasticNet(0.1, 2.0)


# ---- MLP estimators --------------------------------------------------------------------

@pytest.fixture(scope="module")
def digits():
    from sklearn import datasets
    X, y = datasets.load_digits(return_X_y=True)
    X = X / 16.0
    rng = np.random.RandomState(0)
    order = rng.permutation(len(y))
    train, test = order[:1250], order[1250:]
    return X[train], y[train], X[test], y[test]


@pytest.mark.filterwarnings("ignore::rusty_machine.exceptions.ConvergenceWarning")
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_digits_accuracy_matches_sklearn(digits, solver):
    from sklearn import neural_network as nn
    Xtr, ytr, Xte, yte = digits
    import threadpoolctl
    params = dict(hidden_layer_sizes=(64,), solver=solver, max_iter=60, random_state=0)
    # an accuracy comparison: small products, so one thread on both sides
    with rusty_machine.num_threads(1), threadpoolctl.threadpool_limits(1):
        ours = MLPClassifier(**params).fit(Xtr, ytr).score(Xte, yte)
        ref = nn.MLPClassifier(**params).fit(Xtr, ytr).score(Xte, yte)
    assert ours >= ref - 0.01, (ours, ref)


@pytest.mark.filterwarnings("ignore::rusty_machine.exceptions.ConvergenceWarning")
def test_regressor_fits_smooth_function_and_multioutput():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(300, 2))
    Y = np.column_stack([np.sin(2 * X[:, 0]) + X[:, 1] ** 2, X[:, 0] * X[:, 1]])
    model = MLPRegressor(hidden_layer_sizes=(32, 32), activation="tanh", max_iter=300,
                         random_state=0, learning_rate_init=0.01).fit(X, Y)
    assert model.predict(X).shape == (300, 2)
    assert model.score(X, Y) > 0.95
    single = MLPRegressor(hidden_layer_sizes=(16,), solver="lbfgs", max_iter=500,
                          random_state=0).fit(X, Y[:, 0])
    assert single.predict(X).shape == (300,) and single.score(X, Y[:, 0]) > 0.98


def test_loss_decreases_on_separable_problem_and_stops_on_tol():
    rng = np.random.RandomState(3)
    X = np.vstack([rng.randn(50, 2) + 3, rng.randn(50, 2) - 3])
    y = np.repeat(["a", "b"], 50)
    clf = MLPClassifier(hidden_layer_sizes=(5,), max_iter=500, learning_rate_init=0.01,
                        random_state=0).fit(X, y)
    curve = np.array(clf.loss_curve_)
    assert curve[-1] < curve[0] and clf.n_iter_ < 500
    assert clf.score(X, y) == 1.0
    assert set(clf.predict(X)) == {"a", "b"}
    proba = clf.predict_proba(X)
    assert proba.shape == (100, 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert np.allclose(np.exp(clf.predict_log_proba(X)), proba)


def test_multilabel_indicator_targets():
    rng = np.random.RandomState(0)
    X = rng.randn(120, 3)
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0, X[:, 0] + X[:, 2] > 0]).astype(int)
    clf = MLPClassifier(hidden_layer_sizes=(16,), solver="lbfgs", max_iter=2000,
                        random_state=0).fit(X, Y)
    assert clf.out_activation_ == "logistic"
    assert clf.predict(X).shape == (120, 3) and clf.score(X, Y) > 0.9


def test_partial_fit_warm_start_and_early_stopping():
    rng = np.random.RandomState(0)
    X = rng.randn(200, 4)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    clf = MLPClassifier(hidden_layer_sizes=(8,), learning_rate_init=0.05, random_state=0)
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    for _ in range(20):
        clf.partial_fit(X, y, classes=[0, 1])
    assert clf.n_iter_ == 20 and clf.score(X, y) > 0.9
    with pytest.raises(AttributeError, match="lbfgs"):
        MLPClassifier(solver="lbfgs").partial_fit(X, y, classes=[0, 1])

    warm = MLPClassifier(hidden_layer_sizes=(8,), max_iter=5, warm_start=True, random_state=0)
    with pytest.warns(ConvergenceWarning):
        warm.fit(X, y)
    coef = warm.coefs_[0].copy()
    with pytest.warns(ConvergenceWarning):
        warm.fit(X, y)
    assert warm.n_iter_ == 10 and not np.array_equal(coef, warm.coefs_[0])

    early = MLPClassifier(hidden_layer_sizes=(8,), early_stopping=True, max_iter=300,
                          n_iter_no_change=5, random_state=0).fit(X, y)
    assert len(early.validation_scores_) == early.n_iter_ < 300
    assert early.best_validation_score_ == max(early.validation_scores_)
    assert early.best_loss_ is None


def test_sgd_learning_rate_schedules_and_verbose(capsys):
    rng = np.random.RandomState(0)
    X, y = rng.randn(60, 3), rng.randn(60)
    for schedule in ("constant", "invscaling", "adaptive"):
        with pytest.warns(ConvergenceWarning):
            MLPRegressor(hidden_layer_sizes=(4,), solver="sgd", learning_rate=schedule,
                         max_iter=3, random_state=0, verbose=True).fit(X, y)
    out = capsys.readouterr().out
    assert "Iteration 3, loss = " in out and "time = " in out


def test_class_weight_and_sample_weight_are_the_weighted_loss():
    """class_weight is a per-class sample_weight, and an integer sample weight is a
    repeated row (alpha = 0, full-batch L-BFGS): the same fits, compared by value."""
    rng = np.random.RandomState(0)
    X = np.vstack([rng.randn(90, 2), rng.randn(10, 2) + 1.0])
    y = np.array([0] * 90 + [1] * 10)
    kw = dict(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=200, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = MLPClassifier(**kw).fit(X, y)
        balanced = MLPClassifier(class_weight="balanced", **kw).fit(X, y)
        # "balanced": n_samples / (n_classes * count) = 100 / 180 and 100 / 20
        by_weight = MLPClassifier(**kw).fit(X, y, sample_weight=np.where(y == 1, 5.0, 5 / 9))
        cw = MLPClassifier(class_weight={0: 1.0, 1: 9.0}, **kw).fit(X, y)
        sw = MLPClassifier(**kw).fit(X, y, sample_weight=np.where(y == 1, 9.0, 1.0))
        reps = rng.randint(1, 4, len(y))
        # 20 iterations: the two sums round differently, and L-BFGS on a non-convex loss
        # amplifies that over many more iterations
        kw0 = dict(kw, alpha=0.0, max_iter=20)
        weighted = MLPClassifier(**kw0).fit(X, y, sample_weight=reps.astype(float))
        repeated = MLPClassifier(**kw0).fit(np.repeat(X, reps, 0), np.repeat(y, reps))
    np.testing.assert_allclose(balanced.predict_proba(X), by_weight.predict_proba(X),
                               rtol=0, atol=1e-10)
    np.testing.assert_allclose(cw.predict_proba(X), sw.predict_proba(X), rtol=0, atol=1e-10)
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X),
                               rtol=0, atol=1e-10)
    assert weighted.loss_ == pytest.approx(repeated.loss_, rel=1e-12)
    assert not np.allclose(plain.predict_proba(X), balanced.predict_proba(X), atol=1e-3)


def test_pickle_roundtrip_exact():
    rng = np.random.RandomState(0)
    X, y = rng.randn(40, 3), rng.randint(0, 3, 40)
    with pytest.warns(ConvergenceWarning):
        clf = MLPClassifier(hidden_layer_sizes=(6,), max_iter=5, random_state=0).fit(X, y)
    back = pickle.loads(pickle.dumps(clf))
    assert np.array_equal(back.predict_proba(X), clf.predict_proba(X))
    assert all(np.array_equal(a, b) for a, b in zip(back.coefs_, clf.coefs_))


def test_threads_give_the_same_model():
    rng = np.random.RandomState(0)
    X, y = rng.randn(300, 20), rng.randint(0, 2, 300)
    fits = []
    for n in (1, 2):
        with rusty_machine.num_threads(n):
            with pytest.warns(ConvergenceWarning):
                fits.append(MLPClassifier(hidden_layer_sizes=(200,), max_iter=3,
                                          random_state=0).fit(X, y).predict_proba(X))
    assert np.allclose(fits[0], fits[1], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("params, match", [
    (dict(hidden_layer_sizes=()), "hidden_layer_sizes is empty"),
    (dict(hidden_layer_sizes=(3, 0)), "positive ints"),
    (dict(batch_size=0), "batch_size must be > 0"),
    (dict(learning_rate_init=0.0), "learning_rate_init must be a finite number >"),
    (dict(learning_rate_init=-1.0), "learning_rate_init"),
    (dict(activation="swish"), "activation must be one of"),
    (dict(solver="newton"), "solver must be"),
    (dict(alpha=np.nan), "alpha"),
    (dict(max_iter=0), "max_iter must be > 0"),
    (dict(validation_fraction=1.0), "validation_fraction"),
])
def test_mlp_rejects_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        MLPClassifier(**params).fit(np.ones((4, 2)), [0, 1, 0, 1])


def test_mlp_rejects_bad_data():
    X, y = np.random.RandomState(0).randn(10, 3), np.arange(10) % 2
    with pytest.raises(ValueError, match="NaN"):
        MLPClassifier().fit(np.where(X > 1, np.nan, X), y)
    with pytest.raises(ValueError, match="infinity"):
        MLPRegressor().fit(np.where(X > 1, np.inf, X), y.astype(float))
    with pytest.raises(ValueError, match="only one class"):
        MLPClassifier().fit(X, np.zeros(10))
    with pytest.raises(ValueError, match="Unknown label type"):
        MLPClassifier().fit(X, np.linspace(0, 1, 10))
    with pytest.raises(NotFittedError):
        MLPClassifier().predict(X)
    with pytest.warns(ConvergenceWarning):
        clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="X has 2 features, but MLPClassifier is expecting 3"):
        clf.predict(X[:, :2])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        MLPRegressor().fit(X, np.ones(9))

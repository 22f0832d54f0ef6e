"""Demo section: neural networks on the bundled datasets (held-out scores)."""
import time
import warnings

import numpy as np

from ..exceptions import ConvergenceWarning


def _split(X, y, seed=0, test=0.3):
    order = np.random.RandomState(seed).permutation(len(y))
    n_test = int(round(test * len(y)))
    return X[order[n_test:]], y[order[n_test:]], X[order[:n_test]], y[order[:n_test]]


def _standardise(train, test):
    mu, sd = train.mean(axis=0), train.std(axis=0)
    sd[sd == 0] = 1.0
    return (train - mu) / sd, (test - mu) / sd


def run(report):
    from ..datasets import load_iris, load_trees
    from ..learning import optim
    from ..learning.nnet import (CrossEntropy, Linear, MLPClassifier, MLPRegressor, NeuralNet,
                                 ReLU, Softmax)

    X, y = load_iris()
    Xtr, ytr, Xte, yte = _split(np.asarray(X), np.asarray(y))
    Xtr, Xte = _standardise(Xtr, Xte)

    def fit(model, Xa, ya):
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(Xa, ya)
        return time.perf_counter() - t0

    for solver in ("adam", "sgd", "lbfgs"):
        clf = MLPClassifier(hidden_layer_sizes=(16,), solver=solver, max_iter=500,
                            learning_rate_init=0.01, random_state=0)
        t = fit(clf, Xtr, ytr)
        report("MLPClassifier(solver=%r)" % solver, "iris", "accuracy", clf.score(Xte, yte), t)

    net = NeuralNet([Linear(4, 16), ReLU(), Linear(16, 3), Softmax()], CrossEntropy(),
                    optim.Adam(learning_rate=0.01), batch_size=16, epochs=200, random_state=0)
    t = fit(net, Xtr, ytr)
    report("NeuralNet(ReLU, Softmax)", "iris", "accuracy",
           float(np.mean(net.predict_classes(Xte) == yte)), t)

    X, y = load_trees()
    Xtr, ytr, Xte, yte = _split(np.asarray(X), np.asarray(y))
    Xtr, Xte = _standardise(Xtr, Xte)
    reg = MLPRegressor(hidden_layer_sizes=(8,), activation="tanh", solver="lbfgs",
                       alpha=1e-3, max_iter=2000, random_state=0)
    t = fit(reg, Xtr, ytr)
    report("MLPRegressor(solver='lbfgs')", "trees", "R^2", reg.score(Xte, yte), t)

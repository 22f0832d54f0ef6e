"""Demo section: neural networks on the bundled datasets (held-out scores)."""
import numpy as np

from . import holdout, timed_fit


def run(report):
    from ..datasets import load_iris, load_trees
    from ..learning import optim
    from ..learning.nnet import (CrossEntropy, Linear, MLPClassifier, MLPRegressor, NeuralNet,
                                 ReLU, Softmax)

    X, y = load_iris()
    Xtr, ytr, Xte, yte = holdout(X, y, standardise=True)

    for solver in ("adam", "sgd", "lbfgs"):
        clf = MLPClassifier(hidden_layer_sizes=(16,), solver=solver, max_iter=500,
                            learning_rate_init=0.01, random_state=0)
        t = timed_fit(clf, Xtr, ytr)
        report("MLPClassifier(solver=%r)" % solver, "iris", "accuracy", clf.score(Xte, yte), t)

    net = NeuralNet([Linear(4, 16), ReLU(), Linear(16, 3), Softmax()], CrossEntropy(),
                    optim.Adam(learning_rate=0.01), batch_size=16, epochs=200, random_state=0)
    t = timed_fit(net, Xtr, ytr)
    report("NeuralNet(ReLU, Softmax)", "iris", "accuracy",
           float(np.mean(net.predict_classes(Xte) == yte)), t)

    X, y = load_trees()
    Xtr, ytr, Xte, yte = holdout(X, y, standardise=True)
    reg = MLPRegressor(hidden_layer_sizes=(16,), solver="lbfgs", alpha=1.0, max_iter=2000,
                       random_state=0)
    t = timed_fit(reg, Xtr, ytr)
    report("MLPRegressor(solver='lbfgs')", "trees", "R^2", reg.score(Xte, yte), t)

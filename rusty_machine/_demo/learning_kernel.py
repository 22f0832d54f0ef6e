"""Demo section: support vector machines and Gaussian process regression on the bundled
datasets (seeded 70/30 hold-out split; accuracy for the classifiers, R^2 for the
regressors on the held-out part)."""
import numpy as np

from . import holdout, timed


def run(report):
    from ..datasets import load_iris, load_trees
    from ..learning import SVC, SVR, GaussianProcessRegressor
    from ..learning.kernels import RBF, Constant, Matern, White

    X, y = load_iris()
    Xtr, ytr, Xte, yte = holdout(X, y, standardise=True)
    for name, model in [("SVC(rbf, C=1)", SVC()),
                        ("SVC(linear, C=1)", SVC(kernel="linear")),
                        ("SVC(poly, degree=3)", SVC(kernel="poly")),
                        ("SVC(rbf, probability=True)", SVC(probability=True, random_state=0))]:
        m, t = timed(lambda: model.fit(Xtr, ytr))
        report(name, "iris", "accuracy", m.score(Xte, yte), t)

    # trees: volume from girth and height
    X, y = load_trees()
    Xtr, ytr, Xte, yte = holdout(X, y, standardise=True)
    mu, sd = ytr.mean(), ytr.std()
    m, t = timed(lambda: SVR(C=10.0, epsilon=0.05).fit(Xtr, (ytr - mu) / sd))
    r2 = 1 - np.sum((m.predict(Xte) * sd + mu - yte) ** 2) / np.sum((yte - yte.mean()) ** 2)
    report("SVR(rbf, C=10)", "trees", "R^2", r2, t)
    for name, kernel in [("GP(C*RBF(ARD)+White)", Constant(1.0) * RBF([1.0, 1.0]) + White(0.1)),
                         ("GP(C*Matern(2.5)+White)", Constant(1.0) * Matern(1.0, nu=2.5)
                          + White(0.1))]:
        gp = GaussianProcessRegressor(kernel=kernel, normalize_y=True)
        m, t = timed(lambda: gp.fit(Xtr, ytr))
        report(name, "trees", "R^2", m.score(Xte, yte), t)

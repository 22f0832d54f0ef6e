"""Demo section: linear models and GLMs on the bundled datasets (held-out scores).

trees (31 black cherry trees): volume from girth and height by least squares, ridge and
GLMs (a log-link Gamma / Poisson model of volume is the classical choice: volume grows
like girth^2 * height, i.e. linearly in log girth and log height). iris: logistic
regression with the three solvers. Every split is seeded.
"""
import numpy as np

from . import timed, timed_fit


def run(report):
    from ..analysis import KFold, cross_val_score, r2_score, train_test_split
    from ..data.transforms import Standardizer
    from ..datasets import load_iris, load_trees
    from ..learning import (GammaRegressor, GeneralizedLinearModel, LinearRegression,
                            LogisticRegression, PoissonRegressor, Ridge, TweedieRegressor)

    # ---- trees: regression of timber volume -----------------------------------------
    X, y = load_trees()
    logX = np.log(X)                                  # volume ~ girth^2 * height
    Xtr, Xte, Ltr, Lte, ytr, yte = train_test_split(X, logX, y, test_size=0.3,
                                                    random_state=0)
    for solver in ("qr", "cholesky", "svd"):
        model = LinearRegression(solver=solver)
        t = timed_fit(model, Xtr, ytr)
        report("LinearRegression(%s)" % solver, "trees", "R^2", model.score(Xte, yte), t)
    model = Ridge(alpha=1.0)
    t = timed_fit(model, Xtr, ytr)
    report("Ridge(alpha=1)", "trees", "R^2", model.score(Xte, yte), t)
    model = LinearRegression()
    t = timed_fit(model, Ltr, np.log(ytr))
    report("LinearRegression on logs", "trees", "R^2", r2_score(yte, np.exp(model.predict(Lte))), t)
    for name, model in [("GammaRegressor(log link)", GammaRegressor(alpha=0.0, tol=1e-8)),
                        ("PoissonRegressor", PoissonRegressor(alpha=0.0, tol=1e-8)),
                        ("TweedieRegressor(power=1.5)",
                         TweedieRegressor(power=1.5, alpha=0.0, tol=1e-8)),
                        ("GLM(inverse_gaussian, log)",
                         GeneralizedLinearModel(family="inverse_gaussian", link="log"))]:
        t = timed_fit(model, Ltr, ytr)
        report(name, "trees", "R^2", r2_score(yte, model.predict(Lte)), t)
    cv, t = timed(lambda: cross_val_score(LinearRegression(), X, y,
                                          cv=KFold(5, shuffle=True, random_state=0)))
    report("LinearRegression 5-fold CV", "trees", "mean R^2", float(np.mean(cv)), t)

    # ---- iris: logistic regression ----------------------------------------------------
    X, y = load_iris()
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    scaler = Standardizer().fit(Xtr)
    Str, Ste = scaler.transform(Xtr), scaler.transform(Xte)
    for solver, max_iter in (("lbfgs", 200), ("newton", 50), ("gd", 2000)):
        model = LogisticRegression(solver=solver, max_iter=max_iter)
        t = timed_fit(model, Str, ytr)
        report("LogisticRegression(%s)" % solver, "iris", "accuracy", model.score(Ste, yte), t)
    model = LogisticRegression(C=0.05, class_weight="balanced")
    t = timed_fit(model, Str, ytr)
    report("LogisticRegression(C=.05,balanced)", "iris", "accuracy", model.score(Ste, yte), t)
    # a binary GLM: is it virginica?
    model = GeneralizedLinearModel(family="bernoulli", link="probit", alpha=1e-3)
    t = timed_fit(model, Str, (ytr == 2).astype(float))
    acc = float(np.mean((model.predict(Ste) > 0.5) == (yte == 2)))
    report("GLM(bernoulli, probit)", "iris", "accuracy", acc, t)

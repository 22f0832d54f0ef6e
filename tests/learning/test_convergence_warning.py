"""Every iterating estimator warns through one route with one class: our
ConvergenceWarning, which is also scikit-learn's ConvergenceWarning once scikit-learn is
imported (so sklearn's warning filters and estimator checks recognise it)."""
import subprocess
import sys

import numpy as np
import pytest

from rusty_machine.exceptions import ConvergenceWarning
from rusty_machine.learning import (SVC, SVR, GammaRegressor, GaussianMixture,
                                    GaussianProcessRegressor, KMeans, LogisticRegression,
                                    MLPClassifier, MLPRegressor, PoissonRegressor)
from rusty_machine.learning import gp as gp_module
from rusty_machine.learning import kernels, optim

sk_exceptions = pytest.importorskip("sklearn.exceptions")


def _data():
    rng = np.random.RandomState(0)
    X = rng.randn(60, 3)
    y_class = (X[:, 0] + 0.5 * rng.randn(60) > 0).astype(int)
    y_real = X @ np.array([1.0, -1.0, 0.5]) + 0.1 * rng.randn(60)
    return X, y_class, y_real


def _gp_one_lbfgs_iteration(monkeypatch):
    # the GP's L-BFGS has no max_iter parameter: give it a one-iteration optimiser
    monkeypatch.setattr(gp_module, "LBFGS",
                        lambda bounds=None: optim.LBFGS(bounds=bounds, max_iter=1))
    return GaussianProcessRegressor(kernel=kernels.RBF(0.01) + kernels.White(1.0),
                                    random_state=0)


# (name, estimator factory taking monkeypatch, target: "class" | "real" | None)
CASES = [
    ("KMeans", lambda mp: KMeans(3, n_init=1, max_iter=1, random_state=0), None),
    ("GaussianMixture", lambda mp: GaussianMixture(3, max_iter=1, random_state=0), None),
    ("SVC", lambda mp: SVC(max_iter=1), "class"),
    ("SVR", lambda mp: SVR(max_iter=1), "real"),
    ("LogisticRegression", lambda mp: LogisticRegression(max_iter=1), "class"),
    ("LogisticRegression newton", lambda mp: LogisticRegression(solver="newton", max_iter=1),
     "class"),
    ("PoissonRegressor", lambda mp: PoissonRegressor(max_iter=1), "count"),
    ("GammaRegressor", lambda mp: GammaRegressor(max_iter=1), "positive"),
    ("MLPClassifier adam", lambda mp: MLPClassifier((4,), max_iter=1, random_state=0),
     "class"),
    ("MLPRegressor sgd", lambda mp: MLPRegressor((4,), solver="sgd", max_iter=1,
                                                 random_state=0), "real"),
    ("MLPRegressor lbfgs", lambda mp: MLPRegressor((4,), solver="lbfgs", max_iter=1,
                                                   random_state=0), "real"),
    ("GaussianProcessRegressor", _gp_one_lbfgs_iteration, "real"),
]


@pytest.mark.parametrize("name, make, target", CASES, ids=[c[0] for c in CASES])
def test_convergence_warning_is_ours_and_scikit_learns(name, make, target, monkeypatch):
    X, y_class, y_real = _data()
    y = {"class": y_class, "real": y_real, "count": np.round(np.exp(y_real / 3)),
         "positive": np.exp(y_real / 3), None: None}[target]
    est = make(monkeypatch)
    with pytest.warns(ConvergenceWarning) as record:
        if y is None:
            est.fit(X)
        else:
            est.fit(X, y)
    caught = [r.message for r in record if isinstance(r.message, ConvergenceWarning)]
    assert caught, name
    for message in caught:
        assert isinstance(message, ConvergenceWarning)
        assert isinstance(message, sk_exceptions.ConvergenceWarning), (name, type(message))


def test_without_scikit_learn_the_warning_is_our_class():
    # in a fresh interpreter that never imports scikit-learn the class is exactly ours
    code = (
        "import sys, warnings\n"
        "import numpy as np\n"
        "from rusty_machine.exceptions import ConvergenceWarning\n"
        "from rusty_machine.learning import KMeans\n"
        "X = np.random.RandomState(0).randn(40, 2)\n"
        "with warnings.catch_warnings(record=True) as rec:\n"
        "    warnings.simplefilter('always')\n"
        "    KMeans(3, n_init=1, max_iter=1, random_state=0).fit(X)\n"
        "assert 'sklearn' not in sys.modules\n"
        "kinds = [type(r.message) for r in rec]\n"
        "assert kinds and all(k is ConvergenceWarning for k in kinds), kinds\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

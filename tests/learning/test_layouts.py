"""Every estimator fits the same model, bit for bit, whatever the memory layout of its
input: C order, Fortran order, strided views and read-only buffers for X, y and
sample_weight. Layout is a property of the storage, not of the data, so nothing may change:
not the fitted attributes, not a prediction."""
import inspect
import warnings

import numpy as np
import pytest

from rusty_machine import learning
from rusty_machine.exceptions import ConvergenceWarning
from rusty_machine.learning.nnet import CrossEntropy, Linear, ReLU, Softmax

CLASSIFIERS = {"BernoulliNB", "GaussianNB", "MultinomialNB", "KNeighborsClassifier",
               "LogisticRegression", "MLPClassifier", "SVC", "NeuralNet"}
UNSUPERVISED = {"DBSCAN", "GaussianMixture", "KMeans", "MiniBatchKMeans", "PCA"}
PARAMS = {
    "GaussianMixture": dict(n_components=2, random_state=0),
    "KMeans": dict(n_clusters=3, random_state=0, n_init=2),
    "MiniBatchKMeans": dict(n_clusters=3, batch_size=16, random_state=0),
    "MLPClassifier": dict(hidden_layer_sizes=(8,), max_iter=30, random_state=0),
    "MLPRegressor": dict(hidden_layer_sizes=(8,), max_iter=30, random_state=0),
    "SVC": dict(probability=True, random_state=0),
    "GaussianProcessRegressor": dict(random_state=0),
    "DBSCAN": dict(eps=0.4, min_samples=3),
}
NAMES = sorted(n for n in learning.__all__ if inspect.isclass(getattr(learning, n))
               and hasattr(getattr(learning, n), "fit"))


def _make(name):
    cls = getattr(learning, name)
    if name == "NeuralNet":
        return cls(layers=[Linear(4, 6), ReLU(), Linear(6, 3), Softmax()],
                   criterion=CrossEntropy(), epochs=5, random_state=0)
    return cls(**PARAMS.get(name, {}))


def _data():
    rng = np.random.RandomState(0)
    X = np.abs(rng.randn(45, 4)) + 0.1 * np.arange(4)
    y_cls = np.arange(45) % 3
    y_reg = X @ [1.0, -0.5, 0.3, 0.2] + 0.1 * rng.randn(45) + 2.0
    w = rng.uniform(0.5, 2.0, 45)
    return X, y_cls, y_reg, w


def _strided(a):
    """A non-contiguous view holding the same values: every other element along each
    axis of a twice-as-large buffer."""
    big = np.full(tuple(2 * s for s in a.shape), np.nan if a.dtype.kind == "f" else -7,
                  dtype=a.dtype)                # the gaps hold values no fit may read
    big[(slice(None, None, 2),) * a.ndim] = a
    return big[(slice(None, None, 2),) * a.ndim]


def _reversed(a):
    """The same values through a view with negative strides."""
    return a[::-1].copy()[::-1]


def _readonly(a):
    b = a.copy()
    b.flags.writeable = False
    return b


LAYOUTS = {"fortran": np.asfortranarray, "strided": _strided, "reversed": _reversed,
           "readonly": _readonly}


def _fitted_state(est):
    return {k: v for k, v in vars(est).items() if k.endswith("_") and not k.startswith("_")}


def _assert_identical(a, b, where):
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), where
        for k in a:
            _assert_identical(a[k], b[k], "%s.%s" % (where, k))
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, z) in enumerate(zip(a, b)):
            _assert_identical(x, z, "%s[%d]" % (where, i))
    elif isinstance(a, np.ndarray) or np.isscalar(a):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape and a.dtype == b.dtype, where
        if a.dtype.kind in "fc":
            assert np.array_equal(a, b, equal_nan=True), where
        else:
            assert np.array_equal(a, b), where
    elif hasattr(a, "__dict__") and not callable(a):
        _assert_identical(vars(a), vars(b), where)
    else:
        assert a == b or type(a) is type(b), where


def _outputs(est, X):
    out = {}
    for method in ("predict", "predict_proba", "decision_function", "transform",
                   "score_samples"):
        if hasattr(est, method):
            out[method] = getattr(est, method)(X)
    return out


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("name", NAMES)
def test_layout_does_not_change_the_fit(name, layout):
    X, y_cls, y_reg, w = _data()
    y = y_cls if name in CLASSIFIERS else y_reg
    cast = LAYOUTS[layout]
    assert np.array_equal(cast(X), X) and (layout == "readonly") == \
        cast(X).flags.c_contiguous
    takes_weight = "sample_weight" in inspect.signature(getattr(learning, name).fit).parameters
    kw = dict(sample_weight=w) if takes_weight else {}
    kw_cast = dict(sample_weight=cast(w)) if takes_weight else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if name in UNSUPERVISED:
            ref = _make(name).fit(X, **kw)
            est = _make(name).fit(cast(X), **kw_cast)
        else:
            ref = _make(name).fit(X, y, **kw)
            est = _make(name).fit(cast(X), cast(y), **kw_cast)
    state = _fitted_state(ref)
    assert state, name
    _assert_identical(_fitted_state(est), state, name)
    _assert_identical(_outputs(est, cast(X)), _outputs(ref, X), name)

"""Every public entry point meets bad input with a clear exception (never a crash, a hang
or a silent NaN): a sweep over the linalg functions and the estimators."""
import inspect
import re

import numpy as np
import pytest

from rusty_machine import learning, linalg
from rusty_machine.exceptions import LinAlgError
from rusty_machine.learning.nnet import MSE, Linear, ReLU

SQUARE_FUNCS = ["lu", "lu_factor", "cholesky", "cho_factor", "qr", "qr_factor", "inv", "det",
                "slogdet", "eigh", "eigvalsh", "eig", "eigvals", "svd", "svdvals", "pinv",
                "matrix_rank", "cond", "norm", "hessenberg", "tridiagonalize",
                "bidiagonalize"]
NEEDS_SQUARE = {"cholesky", "cho_factor", "inv", "det", "slogdet", "eigh",
                "eigvalsh", "eig", "eigvals", "hessenberg", "tridiagonalize"}


def _spd(n=4):
    a = np.random.RandomState(0).randn(n, n)
    return a @ a.T + n * np.eye(n)


# norm propagates NaN/inf as numpy.linalg.norm does (the norm of such a matrix is NaN/inf);
# every factorisation and solver refuses them before starting.
@pytest.mark.parametrize("name", [f for f in SQUARE_FUNCS if f != "norm"])
@pytest.mark.parametrize("bad", ["nan", "inf"])
def test_non_finite_input_is_value_error(name, bad):
    A = _spd()
    A[1, 0] = A[0, 1] = np.nan if bad == "nan" else np.inf
    with pytest.raises(ValueError, match=r"^%s: the matrix contains NaN or infinity" % name):
        getattr(linalg, name)(A)


@pytest.mark.parametrize("name", sorted(NEEDS_SQUARE))
def test_non_square_is_value_error_naming_the_shape(name):
    with pytest.raises(ValueError,
                       match=r"^%s: expected a square matrix, got shape \(3, 4\)$" % name):
        getattr(linalg, name)(np.ones((3, 4)))


@pytest.mark.parametrize("name", SQUARE_FUNCS)
def test_non_numeric_input_is_rejected(name):
    with pytest.raises(TypeError, match=r"expected (real )?numeric data, got "):
        getattr(linalg, name)([["a", "b"], ["c", "d"]])


# numpy's stacked contract (..., M, M): these take a 3-D input as a stack of matrices
# (tests/linalg/test_stacked.py); a stack of non-square matrices is numpy's LinAlgError
STACKED = {"cholesky", "inv", "det", "slogdet"}


@pytest.mark.parametrize("name", [f for f in SQUARE_FUNCS if f not in STACKED])
def test_three_dimensional_input_is_rejected(name):
    with pytest.raises(ValueError, match=r"^%s: expected a (2-D|vector \(1-D\) or a).* "
                                         r"shape \(2, 2, 2\)$" % name):
        getattr(linalg, name)(np.ones((2, 2, 2)))


@pytest.mark.parametrize("name", sorted(STACKED))
def test_stack_of_non_square_matrices_is_rejected(name):
    with pytest.raises(LinAlgError, match=r"^%s: the last 2 dimensions .* square.*"
                                          r"\(2, 2, 3\)" % name):
        getattr(linalg, name)(np.ones((2, 2, 3)))


@pytest.mark.parametrize("name", ["solve", "lstsq", "solve_triangular"])
def test_solvers_reject_mismatched_right_hand_side(name):
    # the message names the function, A's shape (or its row count) and b's shape
    with pytest.raises(ValueError, match=r"^%s: [AT] has (shape \(4, 4\)|4 rows) but b has "
                                         r"shape \(3,\)$" % name):
        getattr(linalg, name)(_spd(), np.ones(3))


def test_norm_propagates_non_finite_like_numpy():
    A = _spd()
    A[0, 0] = np.nan
    assert np.isnan(linalg.norm(A)) and np.isnan(np.linalg.norm(A))
    A[0, 0] = np.inf
    assert linalg.norm(A, 1) == np.inf


def test_rectangular_lu_factor_cannot_solve():
    F = linalg.lu_factor(np.arange(12.0).reshape(3, 4))
    with pytest.raises(ValueError, match="square"):
        F.solve(np.ones(3))


def test_singular_and_not_positive_definite():
    with pytest.raises(LinAlgError, match="singular"):
        linalg.solve(np.zeros((3, 3)), np.ones(3))
    with pytest.raises(LinAlgError, match="positive definite"):
        linalg.cholesky(-np.eye(3))


CLASSIFIERS = {"BernoulliNB", "GaussianNB", "MultinomialNB", "KNeighborsClassifier",
               "LogisticRegression", "MLPClassifier", "SVC"}
UNSUPERVISED = {"DBSCAN", "GaussianMixture", "KMeans", "MiniBatchKMeans", "PCA"}
ESTIMATORS = sorted(name for name in learning.__all__
                    if inspect.isclass(getattr(learning, name)))


def _make(name):
    if name == "NeuralNet":                   # the layer-level model: layers for 3 inputs
        return learning.NeuralNet(layers=[Linear(3, 4), ReLU(), Linear(4, 1)],
                                  criterion=MSE(), epochs=2, random_state=0)
    return getattr(learning, name)()


def _fit(name, X, y, **kw):
    est = _make(name)
    return est.fit(X, **kw) if name in UNSUPERVISED else est.fit(X, y, **kw)


def _clean(name):
    rng = np.random.RandomState(0)
    X = np.abs(rng.rand(20, 3)) + 0.1
    y = np.arange(20) % 2 if name in CLASSIFIERS else X.sum(axis=1)
    return X, y


def test_sweep_covers_every_estimator():
    assert "NeuralNet" in ESTIMATORS and len(ESTIMATORS) >= 20
    for name in ESTIMATORS:
        assert name in CLASSIFIERS | UNSUPERVISED or hasattr(getattr(learning, name),
                                                             "predict"), name


@pytest.mark.parametrize("name", ESTIMATORS)
@pytest.mark.filterwarnings("ignore::rusty_machine.exceptions.ConvergenceWarning")
def test_estimators_reject_bad_X(name):
    X, y = _clean(name)
    by = re.escape(name)
    for bad, exc, msg in [
            (np.where(X > 0.9, np.nan, X), ValueError, "^Input X contains NaN by %s" % by),
            (np.where(X > 0.9, np.inf, X), ValueError, "^Input X contains infinity by %s" % by),
            (X[:, :, None] * np.ones(2), ValueError, "dim 3: X must be 2-D by %s" % by),
            (np.empty((0, 3)), ValueError, r"0 sample\(s\) \(shape=\(0, 3\)\) .* by %s" % by),
            ([["a", "b", "c"]] * 20, ValueError, "X contains strings; numeric data is "
                                                "required by %s" % by)]:
        with pytest.raises(exc, match=msg):
            _fit(name, bad, y)
    fitted = _fit(name, X, y)
    with pytest.raises(ValueError, match="^X has 2 features, but %s is expecting 3 features"
                       % by):
        (fitted.predict if hasattr(fitted, "predict") else fitted.transform)(X[:, :2])


@pytest.mark.parametrize("name", ESTIMATORS)
def test_estimators_reject_bad_y_and_sample_weight(name):
    X, y = _clean(name)
    if name not in UNSUPERVISED:
        with pytest.raises(ValueError, match="^Input y contains NaN or infinity"):
            _fit(name, X, np.where(np.arange(20) == 3, np.nan, y.astype(float)))
        with pytest.raises(ValueError, match="inconsistent numbers of samples: X has 20, "
                                             "y has 19"):
            _fit(name, X, y[:-1])
    if "sample_weight" in inspect.signature(getattr(learning, name).fit).parameters:
        with pytest.raises(ValueError, match="^Negative values in data passed to "
                                             "sample_weight"):
            _fit(name, X, y, sample_weight=-np.ones(20))
        with pytest.raises(ValueError, match=r"sample_weight.shape == \(5,\), expected "
                                             r"\(20,\)"):
            _fit(name, X, y, sample_weight=np.ones(5))
        with pytest.raises(ValueError, match="^Input sample_weight contains NaN or infinity"):
            _fit(name, X, y, sample_weight=np.where(np.arange(20) == 2, np.nan, 1.0))

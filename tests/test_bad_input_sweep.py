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
# ---- stacked qr ----
# qr takes any (..., M, N) stack, square or not (tests/linalg/test_stacked_qr.py), so it
# is in neither the 3-D rejection test nor the non-square-stack one
STACKED_ANY_SHAPE = {"qr"}
# ---- stacked eigh/eigvalsh ----: numpy's (..., M, M) stacks
STACKED |= {"eigh", "eigvalsh"}
# ---- stacked svd/svdvals/pinv/matrix_rank/cond ----: any (..., M, N) stack, as qr
# (tests/linalg/test_stacked_svd.py)
STACKED_ANY_SHAPE |= {"svd", "svdvals", "pinv", "matrix_rank", "cond"}


# norm follows numpy's axis rules instead: a 3-D input is the 2-norm of all its entries
# with ord=None, an error with any other ord (test_new_entry_points_reject_bad_input)
@pytest.mark.parametrize("name", [f for f in SQUARE_FUNCS
                                  if f not in STACKED | STACKED_ANY_SHAPE | {"norm"}])
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
    # the message names the function, A's shape (or its row count) and b's shape; lstsq's
    # starts with numpy's words (its LinAlgError is a ValueError)
    with pytest.raises(ValueError, match=r"^%s: (Incompatible dimensions: )?[AT] has "
                                         r"(shape \(4, 4\)|4 rows) but b has "
                                         r"shape \(3,\)$" % name):
        getattr(linalg, name)(_spd(), np.ones(3))


def test_norm_propagates_non_finite_like_numpy():
    A = _spd()
    A[0, 0] = np.nan
    assert np.isnan(linalg.norm(A)) and np.isnan(np.linalg.norm(A))
    A[0, 0] = np.inf
    assert linalg.norm(A, 1) == np.inf


# numpy.linalg's products, tensor functions and array-API helpers (_products.py, _norms.py):
# (function, arguments, exception, message)
NEW_ENTRY_POINTS = [
    ("matmul", (np.ones((2, 2, 3)), np.ones((2, 2, 3))), ValueError, r"^matmul: shapes .*aligned"),
    ("matmul", (np.ones((2, 2, 3)), np.ones((3, 3, 2))), ValueError,
     r"^matmul: the stack shapes \(2,\) and \(3,\) do not broadcast"),
    ("matmul", (np.ones((2, 2, 2)), 2.0), TypeError, "^matmul: scalar operands"),
    ("matmul", (np.ones((2, 2, 2)), np.full((2, 2), "a")), TypeError, "expected real numeric"),
    ("matrix_power", (np.ones(3), 2), LinAlgError, "at least two-dimensional"),
    ("matrix_power", (np.ones((2, 3)), 2), LinAlgError, "must be square"),
    ("matrix_power", (np.eye(2), 1.5), TypeError, "exponent must be an integer"),
    ("matrix_power", (np.zeros((2, 2)), -1), LinAlgError, "singular"),
    ("matrix_power", (np.full((2, 2), "a"), 2), TypeError, "expected real numeric"),
    ("multi_dot", ([np.eye(2)],), ValueError, "at least two arrays"),
    ("multi_dot", ([np.eye(2), np.ones((3, 3))],), ValueError, "not aligned"),
    ("multi_dot", ([np.eye(2), np.ones((2, 2, 2)), np.eye(2)],), ValueError, "must be 2-D"),
    ("tensordot", (np.ones((2, 3)), np.ones((2, 3)), 1), ValueError, "shape mismatch"),
    ("tensordot", (np.ones((2, 3)), np.ones((3, 2)), ([0], [5])), ValueError, "out of bounds"),
    ("tensorsolve", (np.ones((2, 3)), np.ones(2)), LinAlgError, "prod"),
    ("tensorinv", (np.ones((2, 3)), 1), LinAlgError, "prod"),
    ("tensorinv", (np.eye(2), 0), ValueError, "invalid ind"),
    ("vecdot", (np.ones(3), np.ones(4)), ValueError, "lengths 3 and 4"),
    ("vecdot", (np.ones(3), 2.0), ValueError, "0-D"),
    ("outer", (np.ones((2, 2)), np.ones(2)), ValueError, "one-dimensional"),
    ("cross", (np.ones(2), np.ones(3)), ValueError, "3-dimensional vectors"),
    ("diagonal", (np.ones(3),), ValueError, "at least 2-dimensional"),
    ("trace", (np.ones(3),), ValueError, "at least 2-dimensional"),
    ("matrix_transpose", (np.ones(3),), ValueError, "at least 2-dimensional"),
    ("norm", (np.ones((2, 2, 2)), 1), ValueError, "improper number of dimensions"),
    ("norm", (np.ones((2, 2)), "fro", 0), ValueError, "not defined for vectors"),
    ("norm", (np.ones((2, 2)), 3, (0, 1)), ValueError, "not defined for matrices"),
    ("norm", (np.ones((2, 2)), None, (0, 0)), ValueError, "duplicate axes"),
    ("norm", (np.ones((2, 2)), None, 2), np.exceptions.AxisError, "out of bounds"),
    ("norm", (np.ones((2, 2)), None, 1.5), TypeError, "'axis' must be"),
    ("norm", (np.ones(2, dtype=complex),), TypeError, "complex"),
    ("vector_norm", (np.ones(3),), ValueError, "not defined for vectors"),
    ("matrix_norm", (np.ones(3),), ValueError, "at least 2 dimensions"),
    ("matrix_norm", ([["a"]],), TypeError, "expected numeric data"),
]


@pytest.mark.parametrize("name, args, exc, msg", NEW_ENTRY_POINTS,
                         ids=["%s-%d" % (e[0], i) for i, e in enumerate(NEW_ENTRY_POINTS)])
def test_new_entry_points_reject_bad_input(name, args, exc, msg):
    kwargs = {"ord": "fro"} if name == "vector_norm" else {}
    with pytest.raises(exc, match=msg):
        getattr(linalg, name)(*args, **kwargs)


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

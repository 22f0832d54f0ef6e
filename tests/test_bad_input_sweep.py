"""Every public entry point meets bad input with a clear exception (never a crash, a hang
or a silent NaN): a sweep over the linalg functions and the estimators."""
import numpy as np
import pytest

from rusty_machine import learning, linalg
from rusty_machine.exceptions import LinAlgError

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
    with pytest.raises(ValueError, match="(?i)nan|inf|finite"):
        getattr(linalg, name)(A)


@pytest.mark.parametrize("name", sorted(NEEDS_SQUARE))
def test_non_square_is_value_error_naming_the_shape(name):
    with pytest.raises(ValueError, match=r"\(3, 4\)|3 x 4|3x4|square"):
        getattr(linalg, name)(np.ones((3, 4)))


@pytest.mark.parametrize("name", SQUARE_FUNCS)
def test_non_numeric_input_is_rejected(name):
    with pytest.raises((TypeError, ValueError)):
        getattr(linalg, name)([["a", "b"], ["c", "d"]])


@pytest.mark.parametrize("name", SQUARE_FUNCS)
def test_three_dimensional_input_is_rejected(name):
    with pytest.raises((ValueError, TypeError)):
        getattr(linalg, name)(np.ones((2, 2, 2)))


@pytest.mark.parametrize("name", ["solve", "lstsq", "solve_triangular"])
def test_solvers_reject_mismatched_right_hand_side(name):
    with pytest.raises(ValueError, match=r"\(4, 4\)|\(3,\)|3|4"):
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


def _estimators():
    for name in sorted(learning.__all__):
        if name == "NeuralNet":
            continue                          # layer-level model: own tests in test_nnet.py
        yield name


@pytest.mark.parametrize("name", list(_estimators()))
@pytest.mark.filterwarnings("ignore::rusty_machine.exceptions.ConvergenceWarning")
def test_estimators_reject_bad_X(name):
    cls = getattr(learning, name)
    rng = np.random.RandomState(0)
    X = np.abs(rng.rand(20, 3)) + 0.1
    y = np.arange(20) % 2 if hasattr(cls, "predict_proba") or name.endswith("NB") \
        or "Classifier" in name or name in ("SVC", "LogisticRegression") \
        else X.sum(axis=1)
    for bad, exc in [(np.where(X > 0.9, np.nan, X), ValueError),
                     (np.where(X > 0.9, np.inf, X), ValueError),
                     (X[:, :, None] * np.ones(2), ValueError),
                     (np.empty((0, 3)), ValueError),
                     ([["a", "b", "c"]] * 20, (ValueError, TypeError))]:
        with pytest.raises(exc):
            cls().fit(bad, y)
    fitted = cls().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        (fitted.predict if hasattr(fitted, "predict") else fitted.transform)(X[:, :2])

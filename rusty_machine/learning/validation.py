"""Input validation shared by every estimator.

The rules follow scikit-learn's so that its estimator checks and its users find what
they expect: any array-like (lists, numpy arrays, our Matrix, pandas frames) becomes a
float64 numpy array; NaN/inf, empty inputs, wrong dimensionality and mismatched lengths
raise a ValueError that names the problem; sparse matrices raise a TypeError.
"""
import numbers
import warnings

import numpy as np

from ..exceptions import NotFittedError, _data_conversion_warning_class, _sklearn_twin

__all__ = ["check_array", "check_X_y", "column_or_1d", "check_sample_weight",
           "check_random_state", "check_is_fitted", "validate_data",
           "check_classification_targets", "type_of_target", "check_scalar"]


def _is_sparse(X):
    mod = type(X).__module__ or ""
    return mod.startswith("scipy.sparse") or hasattr(X, "tocsr") and hasattr(X, "nnz")


def _feature_names(X):
    cols = getattr(X, "columns", None)
    if cols is None or not hasattr(X, "iloc"):
        return None
    names = np.asarray(list(cols), dtype=object)
    if len(names) == 0 or not all(isinstance(n, str) for n in names):
        return None
    return names


def check_array(X, *, name="X", ensure_2d=True, allow_nd=False, allow_nan=False,
                min_samples=1, min_features=1, dtype=np.float64, copy=False,
                order="C", estimator=None, ensure_all_finite=True):
    """Convert ``X`` to a validated numpy array.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Lists, numpy arrays, rusty_machine Matrix/Vector, anything with ``__array__``.
    name : str
        Used in error messages ("Input X contains NaN").
    ensure_2d : bool
        Require exactly two dimensions (a 1-D X is refused with a hint to reshape).
    allow_nan : bool
        Accept NaN (never inf).
    min_samples, min_features : int
        The least acceptable number of rows / columns.
    dtype : numpy dtype, list of dtypes, or None
        float64 by default; None keeps a numeric dtype as it is; a list (scikit-learn's
        ``[np.float64, np.float32]``) keeps a dtype in the list and converts anything else
        to the first one (how the float32-preserving estimators take their input).
    copy : bool
        Always return a copy.
    order : {"C", "F", None}
        Memory layout of the result.
    ensure_all_finite : bool
        Refuse NaN and inf (``allow_nan`` relaxes it for NaN). False skips the check: for
        a caller whose own pass over the data detects them (it then calls
        ``assert_all_finite`` to raise the same error).

    Returns
    -------
    ndarray
    """
    who = " by %s" % type(estimator).__name__ if estimator is not None else ""
    if _is_sparse(X):
        raise TypeError("%s: sparse input is not supported%s; convert it with "
                        "X.toarray()" % (name, who))
    if X is None:
        raise ValueError("%s is None: expected an array-like" % name)
    if isinstance(X, np.ndarray) and X.dtype.kind in "OUS" or not isinstance(X, np.ndarray):
        raw = np.asarray(X)
        if raw.dtype.kind in "US":
            raise ValueError("%s contains strings; numeric data is required%s" % (name, who))
        if raw.dtype.kind == "c":
            raise ValueError("Complex data not supported: %s is complex%s" % (name, who))
    else:
        raw = X
    if raw.dtype.kind == "c":
        raise ValueError("Complex data not supported: %s is complex%s" % (name, who))
    if isinstance(dtype, (list, tuple)):
        kept = getattr(raw, "dtype", None)
        dtype = kept if kept is not None and any(kept == d for d in dtype) else dtype[0]
    if dtype is not None:
        arr = np.asarray(raw, dtype=dtype)          # dict/object -> TypeError from float()
    elif raw.dtype.kind in "biuf":
        arr = np.asarray(raw)
    else:
        arr = np.asarray(raw, dtype=np.float64)
    if order == "C":
        arr = np.ascontiguousarray(arr)
    elif order == "F":
        arr = np.asfortranarray(arr)
    if ensure_2d:
        if arr.ndim == 0:
            raise ValueError("Expected 2D array, got scalar array instead: %s=%r. Reshape "
                             "your data." % (name, X))
        if arr.ndim == 1:
            raise ValueError("Expected 2D array, got 1D array instead: %s has shape %s. "
                             "Reshape your data either using array.reshape(-1, 1) if your "
                             "data has a single feature or array.reshape(1, -1) if it "
                             "contains a single sample." % (name, arr.shape))
        if arr.ndim > 2 and not allow_nd:
            raise ValueError("Found array with dim %d: %s must be 2-D%s" % (arr.ndim, name, who))
    if arr.ndim >= 1 and min_samples:
        n = arr.shape[0]
        if n < min_samples:
            raise ValueError("Found array with %d sample(s) (shape=%s) while a minimum of %d "
                             "is required%s." % (n, arr.shape, min_samples, who))
    if arr.ndim == 2 and min_features:
        f = arr.shape[1]
        if f < min_features:
            raise ValueError("Found array with %d feature(s) (shape=%s) while a minimum of %d "
                             "is required%s." % (f, arr.shape, min_features, who))
    if ensure_all_finite:
        assert_all_finite(arr, name=name, allow_nan=allow_nan, estimator=estimator)
    if copy and np.may_share_memory(arr, X if isinstance(X, np.ndarray) else arr):
        arr = arr.copy()
    elif copy and arr is X:
        arr = arr.copy()
    return arr


def assert_all_finite(arr, *, name="X", allow_nan=False, estimator=None):
    """Raise ValueError ("Input X contains NaN.") if a float array holds NaN or inf (only
    inf with ``allow_nan``)."""
    if arr.dtype.kind != "f" or not arr.size:
        return
    who = " by %s" % type(estimator).__name__ if estimator is not None else ""
    if allow_nan:
        if np.isinf(arr).any():
            raise ValueError("Input %s contains infinity%s." % (name, who))
    elif not np.isfinite(arr).all():
        what = "NaN" if np.isnan(arr).any() else "infinity"
        raise ValueError("Input %s contains %s%s." % (name, what, who))


def column_or_1d(y, *, name="y", warn=True, dtype=None):
    """Ravel a column vector to 1-D (with a DataConversionWarning); refuse other 2-D."""
    if _is_sparse(y):
        raise TypeError("%s: sparse input is not supported" % name)
    arr = np.asarray(y) if dtype is None else np.asarray(y, dtype=dtype)
    if arr.ndim == 1:
        return arr
    if arr.ndim == 2 and arr.shape[1] == 1:
        if warn:
            warnings.warn("A column-vector y was passed when a 1d array was expected. Please "
                          "change the shape of y to (n_samples, ), for example using ravel().",
                          _data_conversion_warning_class(), stacklevel=3)
        return arr.ravel()
    if arr.ndim == 0:
        raise ValueError("%s must be 1-D, got a scalar" % name)
    raise ValueError("%s should be a 1d array, got an array of shape %s instead."
                     % (name, arr.shape))


def _check_y(y, multi_output, y_numeric, name="y"):
    if y is None:
        raise ValueError("requires y to be passed, but the target y is None")
    if multi_output:
        arr = np.asarray(y)
        if arr.ndim not in (1, 2):
            raise ValueError("%s must be 1-D or 2-D, got shape %s" % (name, arr.shape))
    else:
        arr = column_or_1d(y, name=name)
    if y_numeric or arr.dtype.kind in "fc":
        if arr.dtype.kind == "O":
            arr = arr.astype(np.float64)
        if arr.dtype.kind == "c":
            raise ValueError("Complex data not supported: %s is complex" % name)
        if arr.dtype.kind in "US":
            raise ValueError("%s contains strings but a numeric target is required" % name)
        if y_numeric:
            arr = np.asarray(arr, dtype=np.float64)
        if arr.dtype.kind == "f" and not np.isfinite(arr).all():
            raise ValueError("Input %s contains NaN or infinity." % name)
    return arr


def check_X_y(X, y, *, multi_output=False, y_numeric=False, estimator=None, **kw):
    """Validate X (see :func:`check_array`) and y, and check their lengths agree.

    y is raveled to 1-D unless ``multi_output``; with ``y_numeric`` it becomes float64
    and must be finite."""
    X = check_array(X, estimator=estimator, **kw)
    y = _check_y(y, multi_output, y_numeric)
    if y.shape[0] != X.shape[0]:
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         "X has %d, y has %d" % (X.shape[0], y.shape[0]))
    return X, y


def check_sample_weight(sample_weight, n_samples, *, allow_zero=True):
    """None -> ones; a scalar -> constant; else a finite, non-negative 1-D float64 of
    length n_samples."""
    if sample_weight is None:
        return np.ones(n_samples, dtype=np.float64)
    if isinstance(sample_weight, numbers.Number):
        w = np.full(n_samples, float(sample_weight))
    else:
        w = np.asarray(sample_weight, dtype=np.float64)
        if w.ndim != 1:
            raise ValueError("Sample weights must be 1D array or scalar, got shape %s" % (w.shape,))
        if w.shape[0] != n_samples:
            raise ValueError("sample_weight.shape == (%d,), expected (%d,)!"
                             % (w.shape[0], n_samples))
        w = w.copy()
    if not np.isfinite(w).all():
        raise ValueError("Input sample_weight contains NaN or infinity.")
    if (w < 0).any():
        raise ValueError("Negative values in data passed to sample_weight")
    if not allow_zero and n_samples and w.sum() <= 0:
        raise ValueError("sample_weight sums to zero: at least one sample needs weight")
    return w


def check_random_state(seed):
    """None -> numpy's global RandomState; int -> a new seeded RandomState; a RandomState
    or Generator is returned as is."""
    if seed is None or seed is np.random:
        return np.random.mtrand._rand
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        return np.random.RandomState(int(seed))
    if isinstance(seed, (np.random.RandomState, np.random.Generator)):
        return seed
    raise ValueError("%r cannot be used to seed a numpy.random.RandomState instance" % (seed,))


def check_is_fitted(estimator, attributes=None):
    """Raise NotFittedError unless ``fit`` has set the given (or any trailing-underscore)
    attributes."""
    if attributes is None:
        fitted = [v for v in vars(estimator) if v.endswith("_") and not v.startswith("__")]
    else:
        names = [attributes] if isinstance(attributes, str) else list(attributes)
        fitted = [a for a in names if hasattr(estimator, a)]
        if len(fitted) != len(names):
            fitted = []
    if not fitted:
        raise _sklearn_twin(NotFittedError)(
            "This %s instance is not fitted yet. Call 'fit' with appropriate arguments "
            "before using this estimator." % type(estimator).__name__)


def validate_data(estimator, X, y="no_validation", *, reset=True, multi_output=False,
                  y_numeric=False, **check_params):
    """Validate X (and y) for ``estimator``.

    ``y`` is validated only when given: a supervised ``fit(X, y)`` passes its y (None
    then raises "requires y to be passed"); unsupervised code and predict omit it.
    With ``reset=True`` (in fit) it records ``n_features_in_`` (and ``feature_names_in_``
    for data frames with string column names); with ``reset=False`` (predict, transform)
    it checks the number of features and the names against them.
    """
    names = _feature_names(X)
    if isinstance(y, str) and y == "no_validation":
        out = check_array(X, estimator=estimator, **check_params)
        Xv = out
    else:
        Xv, yv = check_X_y(X, y, multi_output=multi_output, y_numeric=y_numeric,
                           estimator=estimator, **check_params)
        out = (Xv, yv)
    n_features = Xv.shape[1] if Xv.ndim >= 2 else 1
    if reset:
        estimator.n_features_in_ = n_features
        if names is not None:
            estimator.feature_names_in_ = names
        elif hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
    else:
        fitted_names = getattr(estimator, "feature_names_in_", None)
        if fitted_names is not None and names is None:
            warnings.warn("X does not have valid feature names, but %s was fitted with feature "
                          "names" % type(estimator).__name__, UserWarning, stacklevel=3)
        elif fitted_names is None and names is not None:
            warnings.warn("X has feature names, but %s was fitted without feature names"
                          % type(estimator).__name__, UserWarning, stacklevel=3)
        elif fitted_names is not None and names is not None and (
                len(names) != len(fitted_names) or (names != fitted_names).any()):
            raise ValueError("The feature names should match those that were passed during "
                             "fit: fitted with %s, got %s" % (list(fitted_names), list(names)))
        expected = getattr(estimator, "n_features_in_", None)
        if expected is not None and n_features != expected:
            raise ValueError("X has %d features, but %s is expecting %d features as input."
                             % (n_features, type(estimator).__name__, expected))
    return out


def type_of_target(y):
    """'binary', 'multiclass', 'continuous', 'multilabel-indicator',
    'multiclass-multioutput' or 'continuous-multioutput' (scikit-learn's vocabulary)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        if y.dtype.kind in "biu" or (y.dtype.kind == "f" and np.all(y == np.round(y))):
            vals = np.unique(y)
            if vals.size <= 2 and np.all(np.isin(vals, (0, 1))):
                return "multilabel-indicator"
            return "multiclass-multioutput"
        return "continuous-multioutput"
    y = y.ravel()
    if y.dtype.kind == "f" and y.size and np.any(y != np.round(y)):
        return "continuous"
    if y.dtype.kind == "O":
        try:
            yf = y.astype(np.float64)
            if np.any(yf != np.round(yf)):
                return "continuous"
        except (TypeError, ValueError):
            pass
    n = np.unique(y).size
    return "binary" if n <= 2 else "multiclass"


def check_classification_targets(y):
    """Refuse continuous targets for a classifier."""
    kind = type_of_target(y)
    if kind not in ("binary", "multiclass", "multiclass-multioutput", "multilabel-indicator"):
        raise ValueError("Unknown label type: %s. Maybe you are trying to fit a classifier, "
                         "which expects discrete classes on a regression target with continuous "
                         "values." % kind)


def check_scalar(x, name, target_type, *, min_val=None, max_val=None,
                 include_boundaries="both"):
    """Check a hyper-parameter's type and range; TypeError / ValueError naming it."""
    if isinstance(x, bool) and target_type not in (bool, (bool,)) and bool not in (
            target_type if isinstance(target_type, tuple) else (target_type,)):
        raise TypeError("%s must be an instance of %s, not bool." % (name, target_type))
    if not isinstance(x, target_type):
        raise TypeError("%s must be an instance of %s, not %s." % (name, target_type,
                                                                   type(x).__name__))
    low_ok = include_boundaries in ("left", "both")
    high_ok = include_boundaries in ("right", "both")
    if min_val is not None and (x < min_val or (x == min_val and not low_ok)):
        raise ValueError("%s == %r, must be %s %r." % (name, x, ">=" if low_ok else ">", min_val))
    if max_val is not None and (x > max_val or (x == max_val and not high_ok)):
        raise ValueError("%s == %r, must be %s %r." % (name, x, "<=" if high_ok else "<", max_val))
    return x

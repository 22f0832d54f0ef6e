"""Shared input validation: every estimator relies on these messages and conversions."""
import warnings

import numpy as np
import pytest

from rusty_machine.exceptions import DataConversionWarning
from rusty_machine.learning.base import BaseEstimator
from rusty_machine.learning.validation import (check_array, check_classification_targets,
                                               check_random_state, check_sample_weight,
                                               check_scalar, check_X_y, column_or_1d,
                                               type_of_target, validate_data)


def test_check_array_converts_layouts_and_dtypes():
    base = np.arange(12, dtype=np.int32).reshape(3, 4)
    for X in (base, base.tolist(), np.asfortranarray(base), base[:, ::2], base[::-1]):
        out = check_array(X)
        assert out.dtype == np.float64 and out.flags.c_contiguous
        assert np.array_equal(out, np.asarray(X, dtype=float))


def test_check_array_keeps_c_float64_without_copy_unless_asked():
    X = np.ones((3, 2))
    assert check_array(X) is X
    assert check_array(X, copy=True) is not X


@pytest.mark.parametrize("X, exc, match", [
    (np.array([[1.0, np.nan]]), ValueError, "contains NaN"),
    (np.array([[1.0, np.inf]]), ValueError, "contains infinity"),
    (np.ones(3), ValueError, "Expected 2D array, got 1D array"),
    (np.ones((2, 2, 2)), ValueError, "dim 3"),
    (np.ones((0, 3)), ValueError, "0 sample"),
    (np.ones((3, 0)), ValueError, "0 feature"),
    ([["a", "b"]], ValueError, "strings"),
    (np.array([[1 + 2j]]), ValueError, "Complex data not supported"),
    (None, ValueError, "None"),
])
def test_check_array_rejects_bad_input(X, exc, match):
    with pytest.raises(exc, match=match):
        check_array(X)


def test_check_array_object_with_dict_is_type_error():
    X = np.ones((2, 2)).astype(object)
    X[0, 0] = {"foo": "bar"}
    with pytest.raises(TypeError, match="argument must be a string.* number"):
        check_array(X)


def test_check_array_min_samples_message_names_count():
    with pytest.raises(ValueError, match="1 sample"):
        check_array(np.ones((1, 3)), min_samples=2)


def test_allow_nan_still_refuses_inf():
    assert np.isnan(check_array([[np.nan, 1.0]], allow_nan=True)).any()
    with pytest.raises(ValueError, match="infinity"):
        check_array([[np.inf, 1.0]], allow_nan=True)


def test_check_X_y_lengths_and_column_vector_warning():
    X = np.ones((4, 2))
    with pytest.raises(ValueError, match="X has 4, y has 3"):
        check_X_y(X, [1, 2, 3])
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        _, y = check_X_y(X, np.ones((4, 1)))
    assert y.shape == (4,)
    with pytest.raises(ValueError, match=r"shape \(4, 2\)"):
        column_or_1d(np.ones((4, 2)))
    with pytest.raises(ValueError, match="NaN or infinity"):
        check_X_y(X, [1.0, np.nan, 2.0, 3.0], y_numeric=True)


def test_sample_weight_checks():
    assert np.array_equal(check_sample_weight(None, 3), np.ones(3))
    assert np.array_equal(check_sample_weight(2.0, 2), [2.0, 2.0])
    with pytest.raises(ValueError, match="expected \\(3,\\)"):
        check_sample_weight([1.0, 2.0], 3)
    with pytest.raises(ValueError, match="Negative"):
        check_sample_weight([1.0, -1.0], 2)
    with pytest.raises(ValueError, match="NaN"):
        check_sample_weight([1.0, np.nan], 2)


def test_random_state():
    a = check_random_state(3).rand(4)
    assert np.array_equal(a, np.random.RandomState(3).rand(4))
    rs = np.random.RandomState(0)
    assert check_random_state(rs) is rs
    with pytest.raises(ValueError, match="cannot be used to seed"):
        check_random_state("seed")


def test_type_of_target_and_classification_targets():
    assert type_of_target([0, 1, 1]) == "binary"
    assert type_of_target(["a", "b", "c"]) == "multiclass"
    assert type_of_target([0.5, 1.0]) == "continuous"
    assert type_of_target(np.array([[0, 1], [1, 1]])) == "multilabel-indicator"
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        check_classification_targets([0.1, 0.2, 0.3])


def test_check_scalar():
    assert check_scalar(3, "n", int, min_val=1) == 3
    with pytest.raises(ValueError, match="n == 0, must be >= 1"):
        check_scalar(0, "n", int, min_val=1)
    with pytest.raises(TypeError, match="n must be an instance"):
        check_scalar(1.5, "n", int)
    with pytest.raises(ValueError, match="must be > 0"):
        check_scalar(0.0, "tol", float, min_val=0.0, include_boundaries="right")


def test_validate_data_records_and_checks_features():
    est = BaseEstimator()
    validate_data(est, np.ones((3, 4)))
    assert est.n_features_in_ == 4
    with pytest.raises(ValueError, match="X has 2 features, but BaseEstimator is expecting 4"):
        validate_data(est, np.ones((3, 2)), reset=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        validate_data(est, np.ones((1, 4)), reset=False)

"""Metrics against hand-worked values and scikit-learn."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from rusty_machine.analysis import (accuracy_score, confusion_matrix, f1_score, log_loss,
                                    mean_absolute_error, mean_squared_error,
                                    precision_score, r2_score, recall_score)

EPS = np.finfo(float).eps


def test_hand_worked_binary():
    y = [1, 1, 1, 0, 0, 0, 0, 1]
    p = [1, 1, 0, 0, 0, 1, 0, 1]       # tp = 3, fn = 1, fp = 1, tn = 3
    assert accuracy_score(y, p) == 0.75
    assert precision_score(y, p) == 0.75 and recall_score(y, p) == 0.75
    assert f1_score(y, p) == 0.75
    assert np.array_equal(confusion_matrix(y, p), [[3, 1], [1, 3]])
    assert accuracy_score(y, p, normalize=False) == 6.0
    # zero division -> 0
    assert precision_score([0, 0], [0, 0]) == 0.0


def test_hand_worked_regression():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    p = np.array([1.0, 2.0, 4.0, 2.0])
    assert mean_squared_error(y, p) == 5.0 / 4
    assert mean_absolute_error(y, p) == 3.0 / 4
    assert r2_score(y, p) == 1.0 - 5.0 / 5.0
    assert r2_score(y, y) == 1.0
    assert r2_score([2.0, 2.0], [2.0, 2.0]) == 1.0 and r2_score([2.0, 2.0], [1.0, 2.0]) == 0.0
    assert abs(log_loss([0, 1], [[0.5, 0.5], [0.5, 0.5]]) - np.log(2)) < 4 * EPS


@pytest.mark.parametrize("average", [None, "macro", "micro", "weighted"])
def test_classification_matches_sklearn(average):
    from sklearn import metrics as M
    rng = np.random.RandomState(0)
    labels = np.array(["a", "b", "c", "d"])
    y, p = labels[rng.randint(0, 4, 60)], labels[rng.randint(0, 4, 60)]
    p[p == "d"] = "c"                   # class d never predicted: zero division
    w = rng.uniform(0.1, 2, 60)
    for ours, ref in [(precision_score, M.precision_score), (recall_score, M.recall_score),
                      (f1_score, M.f1_score)]:
        a = ours(y, p, average=average, sample_weight=w)
        b = ref(y, p, average=average, sample_weight=w, zero_division=0)
        assert np.allclose(a, b, rtol=1e-12)
    assert np.array_equal(confusion_matrix(y, p), M.confusion_matrix(y, p))
    for norm in ("true", "pred", "all"):
        assert np.allclose(confusion_matrix(y, p, sample_weight=w, normalize=norm),
                           M.confusion_matrix(y, p, sample_weight=w, normalize=norm))
    P = rng.dirichlet(np.ones(4), 60)
    assert abs(log_loss(y, P, sample_weight=w) - M.log_loss(y, P, sample_weight=w)) < 1e-12


def test_regression_matches_sklearn():
    from sklearn import metrics as M
    rng = np.random.RandomState(1)
    y = rng.randn(50, 3)
    p = y + 0.3 * rng.randn(50, 3)
    w = rng.uniform(0.1, 2, 50)
    for ours, ref in [(mean_squared_error, M.mean_squared_error),
                      (mean_absolute_error, M.mean_absolute_error), (r2_score, M.r2_score)]:
        for mo in ("uniform_average", "raw_values", [0.2, 0.3, 0.5]):
            assert np.allclose(ours(y, p, sample_weight=w, multioutput=mo),
                               ref(y, p, sample_weight=w, multioutput=mo), rtol=1e-12)
        assert np.isclose(ours(y[:, 0], p[:, 0]), ref(y[:, 0], p[:, 0]), rtol=1e-12)


def test_bad_input():
    with pytest.raises(ValueError, match="inconsistent"):
        accuracy_score([0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="average"):
        f1_score([0, 1], [0, 1], average="samples")
    with pytest.raises(ValueError, match="multiclass"):
        f1_score([0, 1, 2], [0, 1, 2])
    with pytest.raises(ValueError, match="NaN"):
        mean_squared_error([0.0, np.nan], [0.0, 1.0])
    with pytest.raises(ValueError, match="outside"):
        log_loss([0, 1], [[1.5, -0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match="two samples"):
        r2_score([1.0], [1.0])




@given(seed=st.integers(0, 2 ** 31 - 1), n=st.integers(2, 40), k=st.integers(2, 5))
def test_random_labels_match_sklearn(seed, n, k):
    from sklearn import metrics as M
    rng = np.random.RandomState(seed)
    y, p = rng.randint(0, k, n), rng.randint(0, k, n)
    for avg in ("macro", "micro", "weighted"):
        assert np.isclose(f1_score(y, p, average=avg),
                          M.f1_score(y, p, average=avg, zero_division=0), rtol=1e-12)
    assert np.isclose(accuracy_score(y, p), M.accuracy_score(y, p))
    yr, pr = rng.randn(n), rng.randn(n)
    assert np.isclose(r2_score(yr, pr), M.r2_score(yr, pr), rtol=1e-12)

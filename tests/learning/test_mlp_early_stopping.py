"""MLP early stopping as scikit-learn's (issue 16): the validation split is
``train_test_split(test_size=validation_fraction, stratify=...)`` on the model's random
stream, stratified for a binary classifier (one output unit) and plain shuffled
otherwise; the validation score is weighted by the validation rows' sample weights; the
epoch loss averages the batch losses by batch size. Same data, same seed: the same
learning curve, validation scores and stopping epoch as scikit-learn's."""
import warnings

import numpy as np
import pytest
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor

from rusty_machine.learning import MLPClassifier, MLPRegressor


def _data(kind, n=300, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, 5)
    if kind == "binary":            # imbalanced (about 1 in 5 positive): stratification
        y = (X[:, 0] + 0.3 * rng.randn(n) > 0.8).astype(int)     # matters
    elif kind == "multiclass":
        y = np.digitize(X[:, 1] + 0.2 * rng.randn(n), [-0.5, 0.7])
    else:
        y = X[:, 0] - 2.0 * X[:, 2] + 0.1 * rng.randn(n)
    return X, y


def _fit_both(ours, theirs, X, y, w):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ours.fit(X, y, sample_weight=w), theirs.fit(X, y, sample_weight=w)


@pytest.mark.parametrize("kind", ["binary", "multiclass", "regression"])
@pytest.mark.parametrize("weighted", [False, True])
def test_early_stopping_curves_equal_sklearn(kind, weighted):
    X, y = _data(kind)
    w = np.random.RandomState(3).uniform(0.5, 2.0, len(y)) if weighted else None
    kw = dict(hidden_layer_sizes=(8,), early_stopping=True, max_iter=40, random_state=1,
              validation_fraction=0.2, n_iter_no_change=3)
    pair = (MLPRegressor, SkMLPRegressor) if kind == "regression" \
        else (MLPClassifier, SkMLPClassifier)
    ours, theirs = _fit_both(pair[0](**kw), pair[1](**kw), X, y, w)
    np.testing.assert_allclose(ours.validation_scores_, theirs.validation_scores_,
                               rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-9)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.best_validation_score_ == pytest.approx(theirs.best_validation_score_,
                                                        abs=1e-12)


def test_binary_split_is_sklearns_stratified_split():
    """The rows themselves: the same training rows in the same order, the same
    validation rows, as train_test_split(stratify=y) with the same random stream."""
    X, y = _data("binary", n=203)
    est = MLPClassifier(validation_fraction=0.15)
    est._multilabel = False
    Y = y.reshape(-1, 1).astype(np.float64)
    w = np.arange(len(y), dtype=np.float64)            # the weights follow their rows
    Xtr, Ytr, wtr, Xva, Yva, wva = est._split_validation(X, Y, w,
                                                         np.random.RandomState(7))
    Xtr_s, Xva_s, ytr_s, yva_s, wtr_s, wva_s = train_test_split(
        X, y, w, test_size=0.15, stratify=y, random_state=np.random.RandomState(7))
    assert np.array_equal(Xtr, Xtr_s) and np.array_equal(Xva, Xva_s)
    assert np.array_equal(Ytr[:, 0], ytr_s) and np.array_equal(wva, wva_s)
    # stratified: the validation share of positives is the data's, to one row
    assert abs(Yva.mean() - y.mean()) <= 1.0 / len(Yva)


def test_multiclass_split_is_not_stratified_as_sklearn():
    """scikit-learn stratifies only with one output unit: a multiclass split is the plain
    shuffle split (first ceil(fraction n) rows of one permutation)."""
    X, y = _data("multiclass", n=100)
    est = MLPClassifier(validation_fraction=0.2)
    est._multilabel = False
    Y = np.eye(3)[y]
    out = est._split_validation(X, Y, np.ones(100), np.random.RandomState(5))
    Xtr_s, Xva_s = train_test_split(X, test_size=0.2, random_state=np.random.RandomState(5))
    assert np.array_equal(out[0], Xtr_s) and np.array_equal(out[3], Xva_s)


def test_stratified_split_needs_two_of_each_class():
    X, y = _data("binary", n=50)
    y[:] = 0
    y[0] = 1                                           # one positive only
    with pytest.raises(ValueError, match="least populated class"):
        MLPClassifier(early_stopping=True, max_iter=2).fit(X, y)


def test_validation_set_too_small():
    X, y = _data("regression", n=12)
    with pytest.raises(ValueError, match="validation set is too small"):
        MLPRegressor(early_stopping=True, validation_fraction=0.05, max_iter=2).fit(X, y)

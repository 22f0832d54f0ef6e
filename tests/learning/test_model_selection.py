"""KFold, StratifiedKFold, cross_val_score, train_test_split."""
import numpy as np
import pytest

from rusty_machine.analysis import KFold, StratifiedKFold, cross_val_score, train_test_split
from rusty_machine.datasets import load_iris, load_trees
from rusty_machine.learning import LinearRegression, LogisticRegression


@pytest.mark.parametrize("shuffle, seed", [(False, None), (True, 0), (True, 7)])
def test_kfold_partitions_and_matches_sklearn(shuffle, seed):
    from sklearn import model_selection as ms
    n = 23
    folds = list(KFold(4, shuffle=shuffle, random_state=seed).split(np.zeros((n, 1))))
    tests = np.concatenate([te for _, te in folds])
    assert np.array_equal(np.sort(tests), np.arange(n))           # a partition
    assert [len(te) for _, te in folds] == [6, 6, 6, 5]
    for tr, te in folds:
        assert len(np.intersect1d(tr, te)) == 0 and len(tr) + len(te) == n
    ref = list(ms.KFold(4, shuffle=shuffle, random_state=seed).split(np.zeros((n, 1))))
    for (a, b), (c, d) in zip(folds, ref):
        assert np.array_equal(a, c) and np.array_equal(b, d)


def test_stratified_keeps_proportions():
    X, y = load_iris()
    for tr, te in StratifiedKFold(5).split(X, y):
        assert np.array_equal(np.bincount(y[te]), [10, 10, 10])


def test_cross_val_score():
    X, y = load_iris()
    scores = cross_val_score(LogisticRegression(max_iter=500), X, y, cv=5)
    assert scores.shape == (5,) and np.all(scores > 0.85)
    Xt, yt = load_trees()
    r2 = cross_val_score(LinearRegression(), Xt, yt, cv=KFold(3, shuffle=True, random_state=0))
    mse = cross_val_score(LinearRegression(), Xt, yt, cv=3, scoring="neg_mean_squared_error")
    assert np.all(r2 > 0.5) and np.all(mse < 0)
    ll = cross_val_score(LogisticRegression(max_iter=500), X, y, cv=3, scoring="neg_log_loss")
    assert np.all(ll < 0)
    custom = cross_val_score(LinearRegression(), Xt, yt, cv=[(np.arange(20), np.arange(20, 31))],
                             scoring=lambda est, X, y: 42.0)
    assert np.array_equal(custom, [42.0])
    with pytest.raises(ValueError, match="scoring"):
        cross_val_score(LinearRegression(), Xt, yt, scoring="nope")


def test_train_test_split():
    X, y = load_iris()
    Xa, Xb, ya, yb = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
    assert Xa.shape == (120, 4) and Xb.shape == (30, 4)
    assert np.array_equal(np.bincount(yb), [10, 10, 10])
    Xa2, Xb2, _, _ = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
    assert np.array_equal(Xb, Xb2)
    with pytest.raises(ValueError, match="inconsistent"):
        train_test_split(X, y[:10])


def test_bad_parameters():
    with pytest.raises(ValueError, match="n_splits"):
        KFold(1)
    with pytest.raises(ValueError, match="random_state"):
        KFold(3, random_state=0)
    with pytest.raises(ValueError, match="greater than the number of samples"):
        list(KFold(5).split(np.zeros((3, 1))))

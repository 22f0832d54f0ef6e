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
    """Each scoring gives the numbers scikit-learn's cross_val_score gives for the same
    estimator and folds (values, not signs). Our StratifiedKFold deals each class to the
    folds round-robin, scikit-learn's in contiguous runs: both sides get our folds."""
    from sklearn import model_selection as ms
    X, y = load_iris()
    Xt, yt = load_trees()
    cases = [(LogisticRegression(max_iter=500), X, y, 5, None),
             (LinearRegression(), Xt, yt, KFold(3, shuffle=True, random_state=0), None),
             (LinearRegression(), Xt, yt, 3, "neg_mean_squared_error"),
             (LogisticRegression(max_iter=500), X, y, 3, "neg_log_loss")]
    for est, Xc, yc, cv, scoring in cases:
        ours = cross_val_score(est, Xc, yc, cv=cv, scoring=scoring)
        if isinstance(cv, KFold):
            folds = list(cv.split(Xc))
        else:
            folds = list((StratifiedKFold(cv) if isinstance(est, LogisticRegression)
                          else KFold(cv)).split(Xc, yc))
        ref = ms.cross_val_score(est, Xc, yc, cv=folds, scoring=scoring)
        np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=0, err_msg=str(scoring))
    # by hand for one fold: the negated mean squared error of the held-out third
    tr, te = next(iter(KFold(3).split(Xt)))
    pred = LinearRegression().fit(Xt[tr], yt[tr]).predict(Xt[te])
    mse = cross_val_score(LinearRegression(), Xt, yt, cv=3, scoring="neg_mean_squared_error")
    assert mse[0] == pytest.approx(-np.mean((yt[te] - pred) ** 2), rel=1e-14)
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

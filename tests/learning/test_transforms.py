"""Standardizer, MinMaxScaler, Normalizer, Shuffler."""
import pickle

import numpy as np
import pytest

from rusty_machine.data.transforms import MinMaxScaler, Normalizer, Shuffler, Standardizer
from rusty_machine.exceptions import NotFittedError

EPS = np.finfo(float).eps


def data(seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(40, 4) * [1.0, 10.0, 0.1, 3.0] + [0.0, 1e6, -5.0, 2.0]
    X[:, 3] = 7.0                                   # a constant column
    return X


def test_standardizer_hand_worked_and_constant_column():
    X = np.array([[1.0, 5.0], [3.0, 5.0]])
    st = Standardizer().fit(X)
    assert np.array_equal(st.mean_, [2.0, 5.0]) and np.array_equal(st.scale_, [1.0, 1.0])
    assert np.array_equal(st.transform(X), [[-1.0, 0.0], [1.0, 0.0]])


def test_standardizer_matches_sklearn_and_round_trips():
    from sklearn import preprocessing as sk
    X = data()
    w = np.random.RandomState(1).uniform(0.5, 2, 40)
    for sw in (None, w):
        ours = Standardizer().fit(X, sample_weight=sw)
        ref = sk.StandardScaler().fit(X, sample_weight=sw)
        assert np.allclose(ours.mean_, ref.mean_, rtol=1e-14)
        assert np.allclose(ours.scale_, ref.scale_, rtol=1e-10)
        Z = ours.transform(X)
        assert np.allclose(Z, ref.transform(X), atol=1e-9)
        assert np.all(np.isfinite(Z)) and np.all(Z[:, 3] == 0)
        assert np.allclose(ours.inverse_transform(Z), X, rtol=1e-12)
    st = Standardizer().fit(X)
    Z = st.transform(X)
    # centring a column with |mean| / std ~ 1e5 leaves rounding of order n eps |mean| / std
    tol = len(X) * EPS * np.max(np.abs(st.mean_) / st.scale_)
    assert np.allclose(Z[:, :3].mean(0), 0, atol=tol) and np.allclose(Z[:, :3].std(0), 1)
    assert np.array_equal(Standardizer(with_mean=False, with_std=False).fit(X).transform(X), X)


def test_minmax_scaler():
    from sklearn import preprocessing as sk
    X = data()
    for rng_ in [(0, 1), (-2, 3)]:
        ours = MinMaxScaler(feature_range=rng_).fit(X)
        ref = sk.MinMaxScaler(feature_range=rng_).fit(X)
        Z = ours.transform(X)
        assert np.allclose(Z, ref.transform(X), atol=1e-12)
        assert np.allclose(Z[:, :3].min(0), rng_[0]) and np.allclose(Z[:, :3].max(0), rng_[1])
        assert np.all(Z[:, 3] == rng_[0])
        assert np.allclose(ours.inverse_transform(Z), X, rtol=1e-12)
    clipped = MinMaxScaler(clip=True).fit(X).transform(X * 2)
    assert clipped.min() >= 0 and clipped.max() <= 1
    with pytest.raises(ValueError, match="range"):
        MinMaxScaler(feature_range=(1, 0)).fit(X)


@pytest.mark.parametrize("norm", ["l1", "l2", "max"])
def test_normalizer(norm):
    X = np.array([[3.0, 4.0], [0.0, 0.0], [-1.0, 1.0], [1e300, 1e300]])
    Z = Normalizer(norm=norm).fit_transform(X)
    ords = {"l1": 1, "l2": 2, "max": np.inf}
    n = np.linalg.norm(Z, ord=ords[norm], axis=1)
    assert np.allclose(n[[0, 2, 3]], 1.0, rtol=4 * EPS) and np.all(Z[1] == 0)
    if norm == "l2":
        assert np.allclose(Z[0], [0.6, 0.8])
    assert np.allclose(Normalizer(norm=norm).transform(X[:3]), Z[:3])   # stateless
    with pytest.raises(ValueError, match="norm"):
        Normalizer(norm="l3").fit(X)


def test_shuffler():
    X = np.arange(20, dtype=float).reshape(10, 2)
    sh = Shuffler(random_state=3).fit(X)
    Z = sh.transform(X)
    assert sorted(Z[:, 0]) == sorted(X[:, 0]) and not np.array_equal(Z, X)
    assert np.array_equal(Z, X[np.random.RandomState(3).permutation(10)])
    assert np.array_equal(sh.inverse_transform(Z), X)
    y = X[:, 0] * 10
    assert np.array_equal(sh.permute(y), Z[:, 0] * 10)
    assert np.array_equal(Shuffler(random_state=3).fit_transform(X), Z)
    with pytest.raises(ValueError, match="rows"):
        sh.transform(X[:5])


def test_errors_and_pickle():
    X = data()
    for cls in (Standardizer, MinMaxScaler, Shuffler):
        with pytest.raises(NotFittedError):
            cls().transform(X)
    st = Standardizer().fit(X)
    with pytest.raises(ValueError, match="features"):
        st.transform(X[:, :2])
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Standardizer().fit(Xn)
    back = pickle.loads(pickle.dumps(st))
    assert np.array_equal(back.transform(X), st.transform(X))


@pytest.mark.parametrize("scale", [1e150, 1e300, 1e307, 2e307])
def test_standardizer_of_huge_columns_is_finite(scale):
    """Columns of |x| near the largest double: the mean and standard deviation are summed
    on the column divided by its largest |x|, so scale_ and the transform are finite and
    equal scikit-learn's on the unscaled data (var_ is the honest overflow, inf, where
    scale^2 is not a double); weighted too."""
    from sklearn.preprocessing import StandardScaler
    rng = np.random.RandomState(7)
    X = rng.randn(30, 3) + [0.0, 5.0, -2.0]
    w = rng.uniform(0.5, 2.0, 30)
    ours = Standardizer().fit(X * scale, sample_weight=w)
    ref = StandardScaler().fit(X, sample_weight=w)
    Z = ours.transform(X * scale)
    assert np.isfinite(Z).all() and np.isfinite(ours.scale_).all()
    np.testing.assert_allclose(Z, ref.transform(X), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.scale_ / scale, ref.scale_, rtol=1e-13)
    np.testing.assert_allclose(ours.mean_ / scale, ref.mean_, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(ours.inverse_transform(Z) / scale, X, rtol=1e-13, atol=1e-14)
    assert np.array_equal(np.isinf(ours.var_), ours.scale_ > 1.3e154)


def test_standardizer_at_the_largest_doubles():
    """|x| = 1.7e308 of both signs: mean 0, standard deviation 1.7e308 (a double: it is
    never more than max |x|), the transform +-1."""
    X = np.array([[1.7e308], [-1.7e308]] * 4)
    st = Standardizer().fit(X)
    assert st.mean_[0] == 0.0 and st.scale_[0] == 1.7e308
    assert np.array_equal(st.transform(X), np.array([[1.0], [-1.0]] * 4))

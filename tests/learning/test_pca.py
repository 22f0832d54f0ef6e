"""PCA: hand-worked case, scikit-learn comparison, properties, bad input."""
import pickle

import numpy as np
import pytest

from rusty_machine.exceptions import NotFittedError
from rusty_machine.learning import PCA

from sklearn import decomposition as sk_decomposition
EPS = np.finfo(float).eps


def correlated(n=300, d=6, seed=0):
    rng = np.random.RandomState(seed)
    return rng.randn(n, d) @ rng.randn(d, d) + 10.0


def test_by_hand():
    # points on the line y = x: one axis (1, 1)/sqrt(2) carries all the variance
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    pca = PCA(2).fit(X)
    np.testing.assert_allclose(pca.components_[0], [np.sqrt(0.5), np.sqrt(0.5)])
    # variance along the axis: sum of squared centred projections / (n - 1) = 2 * 5/3
    np.testing.assert_allclose(pca.explained_variance_, [10.0 / 3.0, 0.0], atol=1e-14)
    np.testing.assert_allclose(pca.explained_variance_ratio_, [1.0, 0.0], atol=1e-15)
    np.testing.assert_allclose(pca.mean_, [1.5, 1.5])
    np.testing.assert_allclose(pca.transform([[1.5, 1.5]]), [[0.0, 0.0]], atol=1e-15)


@pytest.mark.parametrize("shape", [(300, 6), (40, 12), (12, 40)])
@pytest.mark.parametrize("n_components", [None, 3, 0.8])
@pytest.mark.parametrize("whiten", [False, True])
def test_matches_sklearn(shape, n_components, whiten):
    X = correlated(*shape)
    ours = PCA(n_components, whiten=whiten, svd_solver="full").fit(X)
    ref = sk_decomposition.PCA(n_components, whiten=whiten, svd_solver="full").fit(X)
    assert ours.n_components_ == ref.n_components_
    k = min(ours.n_components_, min(shape) - 1)     # the last axis of a wide X is null
    scale = np.abs(X - X.mean(0)).max()
    tol = 100 * EPS * max(shape)
    np.testing.assert_allclose(ours.components_[:k], ref.components_[:k], atol=1e3 * tol)
    np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_,
                               rtol=tol, atol=tol * scale ** 2)
    np.testing.assert_allclose(ours.explained_variance_ratio_, ref.explained_variance_ratio_,
                               atol=tol)
    np.testing.assert_allclose(ours.singular_values_, ref.singular_values_,
                               rtol=tol, atol=tol * scale)
    assert ours.noise_variance_ == pytest.approx(ref.noise_variance_, rel=1e-10, abs=tol)
    np.testing.assert_allclose(ours.transform(X)[:, :k], ref.transform(X)[:, :k],
                               atol=1e4 * tol * scale)


@pytest.mark.parametrize("solver", ["auto", "covariance_eigh"])
def test_covariance_eigh_solver(solver):
    # well-conditioned data: the scatter-matrix route agrees with the SVD to about
    # eps * cond(Xc)^2 relative to the largest variance
    X = correlated(n=600, d=8, seed=5)
    ours = PCA(whiten=True, svd_solver=solver).fit(X)
    full = PCA(whiten=True, svd_solver="full").fit(X)
    s = full.singular_values_
    tol = 1e3 * EPS * (s[0] / s[-1]) ** 2
    np.testing.assert_allclose(ours.explained_variance_, full.explained_variance_, rtol=tol)
    np.testing.assert_allclose(ours.components_, full.components_, atol=tol)
    np.testing.assert_allclose(ours.transform(X), full.transform(X), atol=tol * 10)
    ref = sk_decomposition.PCA(whiten=True, svd_solver="covariance_eigh").fit(X)
    np.testing.assert_allclose(ours.components_, ref.components_, atol=tol)


@pytest.mark.parametrize("offset", [0.0, 0.5, 3.0, 1e6])
def test_scatter_matrix_is_accurate_with_or_without_the_centred_copy(offset):
    """The covariance route's scatter matrix: X^T X - n m m^T when the means are small
    next to the spreads, the centred copy otherwise (offset 1e6: the uncentred formula
    would lose about 12 digits there, and a constant column loses all of them); both
    agree with the centred product to a few eps, relative to sqrt(c_ii c_jj)."""
    from rusty_machine.learning.pca import _scatter
    rng = np.random.RandomState(3)
    X = rng.randn(500, 5) * [1.0, 2.0, 0.5, 3.0, 1.0] + offset
    X[:, 4] = 7.0 + offset                           # a constant column
    for Z in (X, X[:, :4]):               # with and without the constant column
        mean, C = _scatter(Z)
        np.testing.assert_allclose(mean, Z.mean(0), rtol=4 * EPS * len(Z))
        Zc = Z - Z.mean(0)
        ref = Zc.T @ Zc
        d = np.sqrt(np.diag(ref))
        assert np.array_equal(C, C.T)
        assert np.all(np.abs(C - ref) <= 64 * EPS * (np.outer(d, d) + np.abs(ref)))


@pytest.mark.parametrize("seed", range(4))
def test_mle_finds_the_signal_rank(seed):
    rng = np.random.RandomState(seed)
    rank = 1 + seed
    X = rng.randn(400, rank) @ rng.randn(rank, 7) * 3 + 0.3 * rng.randn(400, 7)
    ours = PCA("mle", svd_solver="full").fit(X)
    ref = sk_decomposition.PCA("mle", svd_solver="full").fit(X)
    assert ours.n_components_ == rank == ref.n_components_
    with pytest.raises(ValueError, match="mle"):
        PCA("mle").fit(X[:5])


def test_properties_and_roundtrip():
    X = correlated(seed=1)
    pca = PCA().fit(X)
    C = pca.components_
    np.testing.assert_allclose(C @ C.T, np.eye(C.shape[0]), atol=50 * EPS * C.shape[0])
    assert np.all(np.diff(pca.explained_variance_) <= 0)
    assert pca.explained_variance_ratio_.sum() == pytest.approx(1.0, abs=1e-12)
    # all components: exact reconstruction; whitened projections have unit variance
    np.testing.assert_allclose(pca.inverse_transform(pca.transform(X)), X, atol=1e-10)
    white = PCA(whiten=True).fit(X)
    Z = white.transform(X)
    np.testing.assert_allclose(Z.var(0, ddof=1), 1.0, rtol=1e-10)
    np.testing.assert_allclose(white.inverse_transform(Z), X, atol=1e-10)
    np.testing.assert_allclose(PCA().fit_transform(X), pca.transform(X), atol=1e-10)
    p2 = pickle.loads(pickle.dumps(pca))
    np.testing.assert_array_equal(p2.transform(X), pca.transform(X))


def test_bad_input():
    X = correlated(20, 4)
    with pytest.raises(ValueError, match="n_components"):
        PCA(5).fit(X)
    with pytest.raises(ValueError, match="n_components"):
        PCA(1.5).fit(X)
    with pytest.raises(ValueError, match="n_components"):
        PCA("mle2").fit(X)
    with pytest.raises(ValueError, match="svd_solver"):
        PCA(svd_solver="arpack").fit(X)
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        PCA().fit(bad)
    with pytest.raises(ValueError, match="sample"):
        PCA().fit(X[:1])
    with pytest.raises(NotFittedError):
        PCA().transform(X)
    with pytest.raises(ValueError, match="features"):
        PCA().fit(X).transform(X[:, :3])
    one = PCA().fit(X[:, :1])
    assert one.n_components_ == 1 and one.explained_variance_ratio_[0] == 1.0

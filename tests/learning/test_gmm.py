"""GaussianMixture: hand-worked case, scikit-learn comparison, EM invariants, bad input."""
import pickle

import numpy as np
import pytest

import rusty_machine as rm
from rusty_machine.exceptions import ConvergenceWarning, LinAlgError, NotFittedError
from rusty_machine.learning import GaussianMixture

from sklearn import mixture as sk_mixture
from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning
EPS = np.finfo(float).eps
COV_TYPES = ["full", "tied", "diag", "spherical"]


def mixture_data(seed=0):
    rng = np.random.RandomState(seed)
    A = rng.randn(3, 3)
    return np.vstack([rng.randn(150, 3) + [6.0, 0.0, 0.0],
                      0.5 * rng.randn(100, 3),
                      rng.randn(80, 3) @ A + [0.0, 7.0, 1.0]])


def test_one_component_is_the_gaussian_mle():
    # one full component: weight 1, mean = sample mean, covariance = biased sample
    # covariance + reg_covar, log-likelihood = the Gaussian log density at the MLE
    rng = np.random.RandomState(1)
    X = rng.randn(200, 2) @ np.array([[2.0, 0.0], [0.7, 0.5]]) + [1.0, -3.0]
    gm = GaussianMixture(1, reg_covar=0.0).fit(X)
    mu = X.mean(0)
    S = (X - mu).T @ (X - mu) / len(X)
    np.testing.assert_allclose(gm.weights_, [1.0])
    np.testing.assert_allclose(gm.means_[0], mu, atol=100 * EPS * np.abs(X).max())
    np.testing.assert_allclose(gm.covariances_[0], S, rtol=1e-12, atol=1e-13)
    # at the MLE the mean Mahalanobis term is exactly d: log L = -d/2 (log 2 pi + 1) - 1/2 log|S|
    expected = -0.5 * 2 * (np.log(2 * np.pi) + 1) - 0.5 * np.log(np.linalg.det(S))
    assert gm.score(X) == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(gm.precisions_[0], np.linalg.inv(S), rtol=1e-10)


@pytest.mark.parametrize("cov_type", COV_TYPES)
def test_same_initial_means_as_sklearn(cov_type):
    X = mixture_data()
    means_init = X[[0, 200, 300]]
    kw = dict(covariance_type=cov_type, means_init=means_init, tol=0.0, max_iter=30)
    with pytest.warns(ConvergenceWarning):
        ours = GaussianMixture(3, **kw).fit(X)
    with pytest.warns(SkConvergenceWarning):
        ref = sk_mixture.GaussianMixture(3, **kw).fit(X)
    assert ours.lower_bound_ == pytest.approx(ref.lower_bound_, rel=1e-6)
    for name in ("weights_", "means_", "covariances_", "precisions_cholesky_",
                 "precisions_"):
        np.testing.assert_allclose(getattr(ours, name), getattr(ref, name), rtol=1e-6,
                                   atol=1e-6, err_msg=name)
    np.testing.assert_allclose(ours.score_samples(X), ref.score_samples(X), rtol=1e-6)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    assert ours.bic(X) == pytest.approx(ref.bic(X), rel=1e-6)
    assert ours.aic(X) == pytest.approx(ref.aic(X), rel=1e-6)


def test_threads_give_the_same_fit():
    # n * K * d^2 above the kernels' threshold for going parallel
    rng = np.random.RandomState(9)
    X = np.vstack([rng.randn(1500, 6), rng.randn(1500, 6) + 3])
    means_init = X[[0, 1600, 2900]]
    fits = []
    for n_threads in (1, 2):
        with rm.num_threads(n_threads):
            fits.append(GaussianMixture(3, means_init=means_init, random_state=0).fit(X))
    assert fits[0].n_iter_ == fits[1].n_iter_
    np.testing.assert_allclose(fits[0].covariances_, fits[1].covariances_, rtol=1e-10,
                               atol=1e-12)
    assert fits[0].lower_bound_ == pytest.approx(fits[1].lower_bound_, rel=1e-12)


def test_kmeans_init_matches_sklearn_seeded():
    X = mixture_data(2)
    ours = GaussianMixture(3, random_state=0).fit(X)
    ref = sk_mixture.GaussianMixture(3, random_state=0).fit(X)
    assert ours.lower_bound_ == pytest.approx(ref.lower_bound_, rel=1e-9)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


@pytest.mark.parametrize("cov_type", COV_TYPES)
def test_em_lower_bound_never_decreases_and_resp_sum_to_one(cov_type):
    X = mixture_data(3)
    gm = GaussianMixture(4, covariance_type=cov_type, random_state=0, max_iter=1,
                         init_params="random", tol=0.0)
    bounds = []
    for i in range(25):
        gm.set_params(warm_start=i > 0)
        with pytest.warns(ConvergenceWarning):
            gm.fit(X)
        bounds.append(gm.lower_bound_)
        proba = gm.predict_proba(X)
        np.testing.assert_allclose(proba.sum(1), 1.0, atol=10 * EPS)
    scale = np.abs(bounds).max()
    assert np.all(np.diff(bounds) >= -100 * EPS * scale), bounds
    # the same in one fit, through the recorded history
    with pytest.warns(ConvergenceWarning):
        one = GaussianMixture(4, covariance_type=cov_type, random_state=0, max_iter=25,
                              init_params="random", tol=0.0).fit(X)
    assert one.lower_bounds_.shape == (25,)
    assert np.all(np.diff(one.lower_bounds_) >= -100 * EPS * scale)
    np.testing.assert_allclose(one.lower_bounds_, bounds, rtol=1e-9)


INIT_PARAMS = ["kmeans", "k-means++", "random", "random_from_data"]


@pytest.mark.parametrize("cov_type", COV_TYPES)
@pytest.mark.parametrize("init_params", INIT_PARAMS)
def test_init_params_match_sklearn(init_params, cov_type):
    """The same seed gives the same start as scikit-learn for every init_params and
    covariance type: the responsibilities after one EM iteration, then the final
    iteration count of a full fit, and the lower_bound_ of the best of two initialisations."""
    X = mixture_data(4)
    kw = dict(init_params=init_params, covariance_type=cov_type)
    seed = 1
    with pytest.warns(ConvergenceWarning):
        one = GaussianMixture(3, random_state=seed, max_iter=1, tol=0.0, **kw).fit(X)
    with pytest.warns(SkConvergenceWarning):
        ref_one = sk_mixture.GaussianMixture(3, random_state=seed, max_iter=1, tol=0.0,
                                             **kw).fit(X)
    np.testing.assert_allclose(one.predict_proba(X), ref_one.predict_proba(X),
                               rtol=0, atol=1e-9)
    # the iteration count of one initialisation; with two, both may reach the same
    # optimum and the last bit of the lower bound (which differs with the BLAS kernel
    # numpy's side runs: AVX2 or AVX-512) picks the one whose count is reported
    ours = GaussianMixture(3, random_state=seed, **kw).fit(X)
    ref = sk_mixture.GaussianMixture(3, random_state=seed, **kw).fit(X)
    assert ours.converged_ and ours.n_iter_ == ref.n_iter_
    ours = GaussianMixture(3, random_state=seed, n_init=2, **kw).fit(X)
    ref = sk_mixture.GaussianMixture(3, random_state=seed, n_init=2, **kw).fit(X)
    assert ours.converged_
    assert ours.lower_bound_ == pytest.approx(ref.lower_bound_, rel=1e-11)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_precisions_and_weights_init_and_sampling():
    X = mixture_data(5)
    ref = GaussianMixture(3, random_state=0).fit(X)
    gm = GaussianMixture(3, weights_init=ref.weights_, means_init=ref.means_,
                         precisions_init=ref.precisions_, max_iter=2).fit(X)
    np.testing.assert_allclose(gm.means_, ref.means_, atol=1e-6)
    Xs, ys = ref.set_params(random_state=3).sample(3000)
    assert Xs.shape == (3000, 3) and ys.shape == (3000,)
    for k in range(3):
        sel = Xs[ys == k]
        np.testing.assert_allclose(sel.mean(0), ref.means_[k],
                                   atol=5 * np.sqrt(ref.covariances_[k].diagonal().max()
                                                    / len(sel)))


def test_sample_weight_equals_repetition():
    X = mixture_data(6)
    rng = np.random.RandomState(0)
    reps = rng.randint(0, 3, size=len(X))
    means_init = X[[0, 200, 300]]
    a = GaussianMixture(3, means_init=means_init, tol=1e-10, max_iter=500).fit(
        X, sample_weight=reps.astype(float))
    b = GaussianMixture(3, means_init=means_init, tol=1e-10, max_iter=500).fit(
        np.repeat(X, reps, axis=0))
    np.testing.assert_allclose(a.means_, b.means_, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(a.covariances_, b.covariances_, rtol=1e-6, atol=1e-6)


def test_pickle_roundtrip():
    X = mixture_data(7)
    gm = GaussianMixture(2, random_state=0).fit(X)
    gm2 = pickle.loads(pickle.dumps(gm))
    np.testing.assert_array_equal(gm.score_samples(X), gm2.score_samples(X))


def test_collapsed_component_names_it_and_suggests_reg_covar():
    X = np.vstack([np.zeros((5, 2)), np.random.RandomState(0).randn(20, 2) + 5])
    with pytest.raises(LinAlgError, match=r"component \d.*reg_covar"):
        GaussianMixture(2, reg_covar=0.0, means_init=[[0.0, 0.0], [5.0, 5.0]]).fit(X)
    with pytest.raises(LinAlgError, match="reg_covar"):
        GaussianMixture(2, covariance_type="diag", reg_covar=0.0,
                        means_init=[[0.0, 0.0], [5.0, 5.0]]).fit(X)
    # with the default regularisation identical points are fine
    gm = GaussianMixture(2, means_init=[[0.0, 0.0], [5.0, 5.0]]).fit(X)
    assert np.isfinite(gm.covariances_).all()


def test_bad_input():
    X = mixture_data(8)
    with pytest.raises(ValueError, match="n_components"):
        GaussianMixture(400).fit(X[:10])
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        GaussianMixture(2).fit(bad)
    bad[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        GaussianMixture(2).fit(bad)
    with pytest.raises(ValueError, match="covariance_type"):
        GaussianMixture(2, covariance_type="nope").fit(X)
    with pytest.raises(ValueError, match="init_params"):
        GaussianMixture(2, init_params="nope").fit(X)
    with pytest.raises(ValueError, match="means_init"):
        GaussianMixture(2, means_init=np.zeros((3, 3))).fit(X)
    with pytest.raises(ValueError, match="weights_init"):
        GaussianMixture(2, weights_init=[0.3, 0.3]).fit(X)
    with pytest.raises(ValueError, match="reg_covar"):
        GaussianMixture(2, reg_covar=-1.0).fit(X)
    with pytest.raises(NotFittedError):
        GaussianMixture(2).predict(X)


def test_one_feature_and_one_sample():
    X = np.r_[np.random.RandomState(0).randn(50), 10 + np.random.RandomState(1).randn(50)]
    gm = GaussianMixture(2, random_state=0).fit(X[:, None])
    np.testing.assert_allclose(np.sort(gm.means_.ravel()), [0, 10], atol=0.5)
    one = GaussianMixture(1).fit([[1.0, 2.0]])
    np.testing.assert_allclose(one.means_, [[1.0, 2.0]])
    assert np.isfinite(one.score([[1.0, 2.0]]))


@pytest.mark.parametrize("cov_type", COV_TYPES)
def test_given_parameters_match_sklearn(cov_type):
    X = mixture_data(10)
    ref = sk_mixture.GaussianMixture(2, covariance_type=cov_type, random_state=0).fit(X)
    kw = dict(covariance_type=cov_type, weights_init=ref.weights_, means_init=ref.means_,
              precisions_init=ref.precisions_, max_iter=3, tol=0.0)
    with pytest.warns(ConvergenceWarning):
        ours = GaussianMixture(2, **kw).fit(X)
    with pytest.warns(SkConvergenceWarning):
        theirs = sk_mixture.GaussianMixture(2, **kw).fit(X)
    np.testing.assert_allclose(ours.covariances_, theirs.covariances_, rtol=1e-10,
                               atol=1e-12)
    assert ours.lower_bound_ == pytest.approx(theirs.lower_bound_, rel=1e-12)


def test_verbose_reports_progress(capsys):
    X = mixture_data(11)
    GaussianMixture(2, verbose=2, verbose_interval=1, random_state=0).fit(X)
    out = capsys.readouterr().out
    assert "Initialization 0" in out and "Iteration 1" in out and "converged" in out

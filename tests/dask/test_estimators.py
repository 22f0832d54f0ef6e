"""Each Dask estimator on a small array with several uneven chunks against our in-memory
estimator on the same data; lazy predictions; pickling and to_local()."""
import pickle
import warnings

import numpy as np
import pytest

import dask.array as da
from _dask_data import ROW_CHUNKS, blobs, chunked, regression

from rusty_machine import learning
from rusty_machine import dask as rmd
from rusty_machine.exceptions import ConvergenceWarning

EPS = np.finfo(np.float64).eps


def _rel(a, b):
    return np.max(np.abs(np.asarray(a) - np.asarray(b))) / max(np.max(np.abs(b)), 1e-300)


# ---- TSQR ---------------------------------------------------------------------------------
def test_tsqr_r_gives_the_gram_matrix_and_is_triangular():
    X, _ = regression(n_features=6)
    R = rmd.tsqr_r(chunked(X), split_every=2)        # a deeper tree than the default
    assert R.shape == (6, 6)
    assert np.all(np.tril(R, -1) == 0)
    np.testing.assert_allclose(R.T @ R, X.T @ X, rtol=1e-12 * 6)
    # R is numpy's R up to the signs of its rows
    R_np = np.linalg.qr(X, mode="r")
    np.testing.assert_allclose(np.abs(R), np.abs(R_np), rtol=1e-10, atol=1e-12)


def test_tsqr_wide_chunks_and_few_rows():
    X = np.random.RandomState(1).randn(4, 7)         # fewer rows than columns
    R = rmd.tsqr_r(chunked(X, (1, 2, 1)))
    assert R.shape == (4, 7)
    np.testing.assert_allclose(R.T @ R, X.T @ X, atol=1e-12 * np.abs(X).max() ** 2)


# ---- linear models ------------------------------------------------------------------------
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_linear_regression_matches_in_memory(weighted, fit_intercept):
    X, y = regression()
    sw = np.random.RandomState(2).uniform(0.1, 2, len(y)) if weighted else None
    ours = rmd.LinearRegression(fit_intercept=fit_intercept).fit(
        chunked(X), chunked(y), sample_weight=None if sw is None else chunked(sw))
    ref = learning.LinearRegression(fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    assert _rel(ours.coef_, ref.coef_) < 1e-12
    assert ours.intercept_ == pytest.approx(ref.intercept_, rel=1e-12, abs=1e-12)
    assert ours.rank_ == ref.rank_ == X.shape[1]
    # and the reference of the reference: numpy's least squares on the same problem
    A = np.column_stack([X, np.ones(len(y))]) if fit_intercept else X
    s = np.ones(len(y)) if sw is None else np.sqrt(sw)
    beta = np.linalg.lstsq(A * s[:, None], y * s, rcond=None)[0]
    assert _rel(ours.coef_, beta[:X.shape[1]]) < 1e-10


def test_linear_regression_multi_target_and_svd_solver():
    X, y = regression()
    Y = np.column_stack([y, -2 * y + X[:, 0]])
    ours = rmd.LinearRegression(solver="svd").fit(chunked(X), chunked(Y))
    ref = learning.LinearRegression(solver="svd").fit(X, Y)
    assert ours.coef_.shape == (2, X.shape[1])
    assert _rel(ours.coef_, ref.coef_) < 1e-12
    np.testing.assert_allclose(ours.singular_, ref.singular_, rtol=1e-12)
    pred = ours.predict(chunked(X))
    assert isinstance(pred, da.Array) and pred.chunks == (ROW_CHUNKS, (2,))
    np.testing.assert_allclose(pred.compute(), ref.predict(X), rtol=1e-12, atol=1e-10)


def test_rank_deficient_falls_back_to_minimum_norm():
    X, y = regression(n_features=3)
    X = np.column_stack([X, X[:, 0] + X[:, 1]])      # rank 3 of 4
    ours = rmd.LinearRegression().fit(chunked(X), chunked(y))
    ref = learning.LinearRegression().fit(X, y)
    assert ours.rank_ == ref.rank_ == 3
    assert _rel(ours.coef_, ref.coef_) < 1e-8


@pytest.mark.parametrize("alpha", [0.5, [0.1, 10.0]])
def test_ridge_matches_in_memory(alpha):
    X, y = regression()
    Y = np.column_stack([y, y[::-1]]) if np.ndim(alpha) else y
    ours = rmd.Ridge(alpha=alpha).fit(chunked(X), chunked(Y))
    ref = learning.Ridge(alpha=alpha).fit(X, Y)
    assert _rel(ours.coef_, ref.coef_) < 1e-12
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-12)


def test_logistic_regression_binary_matches_in_memory():
    X, y = regression()
    yc = (y > np.median(y)).astype(int)
    sw = np.random.RandomState(3).uniform(0.5, 2, len(y))
    ours = rmd.LogisticRegression(C=0.5, tol=1e-8).fit(chunked(X), chunked(yc),
                                                       sample_weight=chunked(sw))
    ref = learning.LogisticRegression(C=0.5, tol=1e-8).fit(X, yc, sample_weight=sw)
    # the same objective and optimiser: the same minimiser (to the optimiser's tolerance)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-6, atol=1e-8)
    assert ours.n_passes_ >= ours.n_iter_[0]
    proba = ours.predict_proba(chunked(X))
    assert proba.chunks == (ROW_CHUNKS, (2,))
    np.testing.assert_allclose(proba.compute().sum(1), 1.0)
    assert (ours.predict(chunked(X)).compute() == ref.predict(X)).mean() > 0.99


@pytest.mark.parametrize("solver", ["lbfgs", "newton"])
def test_logistic_regression_multinomial_string_labels(solver):
    X, y = blobs(k=3, n_features=4)
    names = np.array(["ant", "bee", "cat"])[y]
    ours = rmd.LogisticRegression(solver=solver, class_weight="balanced", max_iter=300,
                                  tol=1e-8).fit(chunked(X), chunked(names))
    ref = learning.LogisticRegression(solver=solver, class_weight="balanced", max_iter=300,
                                      tol=1e-8).fit(X, names)
    assert list(ours.classes_) == ["ant", "bee", "cat"]
    # separable blobs: the penalty fixes the minimiser, both reach it to ~tol
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-4, atol=1e-5)
    pred = ours.predict(chunked(X))
    assert pred.dtype == names.dtype
    assert (pred.compute() == ref.predict(X)).all()


# ---- PCA ------------------------------------------------------------------------------------
@pytest.mark.parametrize("n_components", [None, 2, 0.9, "mle"])
def test_pca_matches_in_memory(n_components):
    X, _ = regression(n_features=5)
    ours = rmd.PCA(n_components=n_components).fit(chunked(X))
    ref = learning.PCA(n_components=n_components, svd_solver="full").fit(X)
    assert ours.n_components_ == ref.n_components_
    np.testing.assert_allclose(ours.explained_variance_ratio_, ref.explained_variance_ratio_,
                               rtol=1e-12)
    np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=1e-12)
    np.testing.assert_allclose(ours.components_, ref.components_, atol=1e-10)
    np.testing.assert_allclose(ours.mean_, ref.mean_, rtol=1e-13)
    Z = ours.transform(chunked(X))
    assert Z.chunks == (ROW_CHUNKS, (ours.n_components_,))
    np.testing.assert_allclose(Z.compute(), ref.transform(X), atol=1e-9)
    back = ours.inverse_transform(Z).compute()
    np.testing.assert_allclose(back, ref.inverse_transform(ref.transform(X)), atol=1e-9)


def test_pca_against_numpy_svd():
    X, _ = regression(n_features=4, seed=5)
    ours = rmd.PCA(whiten=True).fit(chunked(X))
    s = np.linalg.svd(X - X.mean(0), compute_uv=False)
    np.testing.assert_allclose(ours.singular_values_, s, rtol=1e-12)
    Z = ours.transform(chunked(X)).compute()
    np.testing.assert_allclose(Z.var(0, ddof=1), 1.0, rtol=1e-10)


# ---- KMeans -------------------------------------------------------------------------------
@pytest.mark.parametrize("weighted", [False, True])
def test_kmeans_same_answers_from_same_centres(weighted):
    X, _ = blobs(k=4)
    sw = np.random.RandomState(4).uniform(0.2, 3, len(X)) if weighted else None
    init = X[[0, 1, 2, 3]]                 # deliberately poor: several Lloyd iterations
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = rmd.KMeans(4, init=init, tol=0.0).fit(
            chunked(X), sample_weight=None if sw is None else chunked(sw))
        ref = learning.KMeans(4, init=init, tol=0.0).fit(X, sample_weight=sw)
    assert ours.n_iter_ == ref.n_iter_
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-12,
                               atol=1e-12)
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-12)
    labels = ours.labels_
    assert isinstance(labels, da.Array) and labels.chunks == (ROW_CHUNKS,)
    assert (labels.compute() == ref.labels_).all()


def test_kmeans_parallel_init_finds_the_blobs():
    from sklearn.metrics import adjusted_rand_score
    X, truth = blobs(k=5, n_features=2, seed=7)
    ours = rmd.KMeans(5, random_state=0).fit(chunked(X))
    assert adjusted_rand_score(ours.labels_.compute(), truth) == 1.0
    ref = learning.KMeans(5, n_init=10, random_state=0).fit(X)
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-9)
    # a seeding pass count: moments + first centre + rounds + weights; then Lloyd + final
    assert ours.n_passes_ == 1 + 5 + 1 + ours.n_iter_ + 1
    # reproducible under a seed
    again = rmd.KMeans(5, random_state=0).fit(chunked(X))
    np.testing.assert_array_equal(again.cluster_centers_, ours.cluster_centers_)


@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_kmeans_other_seedings(init):
    from sklearn.metrics import adjusted_rand_score
    X, truth = blobs(k=3, n_features=2, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = rmd.KMeans(3, init=init, random_state=2).fit(chunked(X))
    assert ours.cluster_centers_.shape == (3, 2)
    if init == "k-means++":
        assert adjusted_rand_score(ours.labels_.compute(), truth) == 1.0


def test_kmeans_empty_cluster_is_relocated_like_in_memory():
    X, _ = blobs(k=3, n_features=2, seed=2)
    init = np.vstack([X[:2], [[1e3, 1e3]]])         # the third centre attracts nothing
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = rmd.KMeans(3, init=init, max_iter=20).fit(chunked(X))
        ref = learning.KMeans(3, init=init, max_iter=20).fit(X)
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-12)
    assert np.isfinite(ours.cluster_centers_).all()


def test_kmeans_score_transform_predict():
    X, _ = blobs()
    ours = rmd.KMeans(4, random_state=0).fit(chunked(X))
    local = ours.to_local()
    assert type(local) is learning.KMeans and local.init == "k-means++"
    assert ours.score(chunked(X)) == pytest.approx(local.score(X), rel=1e-12)
    np.testing.assert_allclose(ours.transform(chunked(X)).compute(), local.transform(X),
                               rtol=1e-12)
    assert (ours.predict(X) == local.predict(X)).all()     # numpy in, numpy out


# ---- GaussianNB ---------------------------------------------------------------------------
@pytest.mark.parametrize("weighted", [False, True])
def test_gaussian_nb_matches_in_memory(weighted):
    X, y = blobs(k=3, n_features=4, seed=3)
    sw = np.random.RandomState(5).uniform(0.1, 2, len(X)) if weighted else None
    ours = rmd.GaussianNB().fit(chunked(X), chunked(y),
                                sample_weight=None if sw is None else chunked(sw))
    ref = learning.GaussianNB().fit(X, y, sample_weight=sw)
    for name in ("theta_", "var_", "class_prior_", "class_count_"):
        np.testing.assert_allclose(getattr(ours, name), getattr(ref, name), rtol=1e-12,
                                   err_msg=name)
    assert ours.epsilon_ == pytest.approx(ref.epsilon_, rel=1e-12)
    np.testing.assert_allclose(ours.predict_proba(chunked(X)).compute(),
                               ref.predict_proba(X), rtol=1e-10, atol=1e-12)


def test_gaussian_nb_class_missing_from_some_chunks():
    X, y = blobs(k=3, n_features=2)
    order = np.argsort(y, kind="stable")               # chunk 1 holds class 0 only, ...
    X, y = X[order], y[order]
    ours = rmd.GaussianNB(priors=[0.2, 0.3, 0.5]).fit(chunked(X), chunked(y))
    ref = learning.GaussianNB(priors=[0.2, 0.3, 0.5]).fit(X, y)
    np.testing.assert_allclose(ours.var_, ref.var_, rtol=1e-12)
    np.testing.assert_allclose(ours.class_prior_, [0.2, 0.3, 0.5])


# ---- pickling and local use ---------------------------------------------------------------
def _fitted_models():
    X, y = regression()
    Xb, yb = blobs(k=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return [
            (rmd.LinearRegression().fit(chunked(X), chunked(y)), X),
            (rmd.Ridge(alpha=2.0).fit(chunked(X), chunked(y)), X),
            (rmd.PCA(2).fit(chunked(X)), X),
            (rmd.KMeans(3, random_state=0).fit(chunked(Xb)), Xb),
            (rmd.LogisticRegression().fit(chunked(Xb), chunked(yb)), Xb),
            (rmd.GaussianNB().fit(chunked(Xb), chunked(yb)), Xb),
        ]


def test_pickle_round_trip_and_local_estimators():
    for model, X in _fitted_models():
        method = "transform" if isinstance(model, learning.PCA) else "predict"
        expected = getattr(model, method)(X)
        again = pickle.loads(pickle.dumps(model))
        np.testing.assert_array_equal(getattr(again, method)(X), expected)
        local = model.to_local()
        assert type(local).__module__.startswith("rusty_machine.learning")
        assert isinstance(model, type(local))           # the Dask one *is* one of ours
        blob = pickle.dumps(local)
        assert b"rusty_machine.dask" not in blob        # unpickles without Dask
        np.testing.assert_array_equal(getattr(pickle.loads(blob), method)(X), expected)


def test_numpy_input_is_fitted_in_memory():
    X, y = regression()
    ours = rmd.LinearRegression(solver="cholesky").fit(X, y)
    ref = learning.LinearRegression(solver="cholesky").fit(X, y)
    np.testing.assert_array_equal(ours.coef_, ref.coef_)
    with pytest.raises(ValueError, match="cholesky"):
        rmd.LinearRegression(solver="cholesky").fit(chunked(X), chunked(y))

"""On a real 2-process distributed.LocalCluster (one per session, short): the fits move
their per-chunk work and the fitted models between processes (pickling), and
scikit-learn's GridSearchCV runs our estimators through joblib's Dask backend."""
import numpy as np
import pytest

from _dask_data import blobs, chunked, regression

from rusty_machine import dask as rmd
from rusty_machine import learning

pytest.importorskip("distributed")


def test_fits_on_the_cluster_equal_the_synchronous_ones(client):
    import dask
    X, y = regression()
    Xb, yb = blobs(k=3, n_features=3)
    lin = rmd.LinearRegression().fit(chunked(X), chunked(y))
    km = rmd.KMeans(3, random_state=0).fit(chunked(Xb))
    nb = rmd.GaussianNB().fit(chunked(Xb), chunked(yb))
    inc = rmd.Incremental(learning.MultinomialNB(), random_state=0).fit(
        chunked(np.abs(Xb)), chunked(yb), classes=[0, 1, 2])
    labels = km.labels_.compute()
    with dask.config.set(scheduler="synchronous"):
        lin_s = rmd.LinearRegression().fit(chunked(X), chunked(y))
        km_s = rmd.KMeans(3, random_state=0).fit(chunked(Xb))
        nb_s = rmd.GaussianNB().fit(chunked(Xb), chunked(yb))
    np.testing.assert_allclose(lin.coef_, lin_s.coef_, rtol=1e-14)
    np.testing.assert_allclose(km.cluster_centers_, km_s.cluster_centers_, rtol=1e-14)
    np.testing.assert_array_equal(labels, km_s.labels_.compute())
    np.testing.assert_allclose(nb.var_, nb_s.var_, rtol=1e-14)
    np.testing.assert_allclose(inc.estimator_.feature_count_,
                               learning.MultinomialNB().fit(np.abs(Xb), yb).feature_count_)
    # the workers are other processes: the models crossed process boundaries
    assert len(client.scheduler_info()["workers"]) == 2


def test_grid_search_with_joblib_dask_backend(client):
    import joblib
    from sklearn.model_selection import GridSearchCV
    X, y = blobs(k=3, n_features=4, seed=9)
    grid = {"C": [0.01, 100.0]}
    with joblib.parallel_config(backend="dask"):
        search = GridSearchCV(learning.LogisticRegression(max_iter=200), grid, cv=2,
                              n_jobs=-1).fit(X, y)
    serial = GridSearchCV(learning.LogisticRegression(max_iter=200), grid, cv=2).fit(X, y)
    np.testing.assert_allclose(search.cv_results_["mean_test_score"],
                               serial.cv_results_["mean_test_score"])
    assert search.best_params_ == serial.best_params_
    assert isinstance(search.best_estimator_, learning.LogisticRegression)

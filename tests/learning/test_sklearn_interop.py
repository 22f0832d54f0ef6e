"""Our estimators inside scikit-learn's machinery: Pipeline, GridSearchCV, clone,
cross_val_score. The results must equal what scikit-learn's own estimators give where
the algorithms agree exactly (k-means from the same seeding, least squares)."""
import numpy as np
import pytest

from sklearn import cluster, linear_model
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from rusty_machine.datasets import load_iris, load_trees
from rusty_machine.learning import (SVC, KMeans, LinearRegression,
                                    LogisticRegression, MLPClassifier)


def test_kmeans_grid_search_in_pipeline_equals_sklearn():
    X, _ = load_iris()
    grid = {"kmeans__n_clusters": [2, 3, 4]}
    scores = []
    for km in (KMeans(random_state=0, n_init=3), cluster.KMeans(random_state=0, n_init=3)):
        search = GridSearchCV(make_pipeline(StandardScaler(), km), grid, cv=3).fit(X)
        scores.append(search.cv_results_["mean_test_score"])
        assert search.best_params_ == {"kmeans__n_clusters": 3}
    # the same greedy k-means++ seeding and Lloyd iterations: the same inertia
    np.testing.assert_allclose(scores[0], scores[1], rtol=1e-10)


def test_linear_regression_cross_val_score_equals_sklearn():
    X, y = load_trees()
    cv = KFold(5, shuffle=True, random_state=0)
    ours = cross_val_score(make_pipeline(StandardScaler(), LinearRegression()), X, y, cv=cv)
    ref = cross_val_score(make_pipeline(StandardScaler(), linear_model.LinearRegression()),
                          X, y, cv=cv)
    np.testing.assert_allclose(ours, ref, rtol=1e-10)


@pytest.mark.parametrize("estimator, grid", [
    (LogisticRegression(max_iter=300), {"logisticregression__C": [0.01, 1.0]}),
    (SVC(), {"svc__C": [0.1, 10.0]}),
    (MLPClassifier(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=300, random_state=0),
     {"mlpclassifier__alpha": [1e-4, 1.0]}),
], ids=lambda v: type(v).__name__ if not isinstance(v, dict) else "")
@pytest.mark.filterwarnings("ignore::rusty_machine.exceptions.ConvergenceWarning")
def test_classifiers_in_grid_search(estimator, grid):
    X, y = load_iris()
    search = GridSearchCV(make_pipeline(StandardScaler(), estimator), grid, cv=3).fit(X, y)
    assert search.best_score_ > 0.85
    assert search.predict(X).shape == (150,)
    twin = clone(search.best_estimator_)
    assert twin.get_params()[next(iter(grid))] == search.best_params_[next(iter(grid))]

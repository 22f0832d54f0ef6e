"""The estimator contract in base.py: parameters, clone, repr, pickling, scores, tags."""
import pickle

import numpy as np
import pytest

from rusty_machine.exceptions import NotFittedError
from rusty_machine.learning.base import (BaseEstimator, ClassifierMixin, ClusterMixin,
                                         RegressorMixin, TransformerMixin, clone,
                                         is_classifier, is_regressor)
from rusty_machine.learning.validation import check_is_fitted, validate_data


class Mean(RegressorMixin, BaseEstimator):
    """Predicts the row sum times `scale`; fitted state is the column mean."""

    def __init__(self, scale=1.0, inner=None):
        self.scale = scale
        self.inner = inner

    def fit(self, X, y):
        X, y = validate_data(self, X, y, y_numeric=True)
        self.mean_ = X.mean(axis=0)
        return self

    def predict(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.scale * X.sum(axis=1)


class Sign(ClassifierMixin, BaseEstimator):
    def __init__(self, threshold=0.0):
        self.threshold = threshold

    def fit(self, X, y):
        X, y = validate_data(self, X, y)
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        X = validate_data(self, X, reset=False)
        return (X[:, 0] > self.threshold).astype(int)


def test_get_params_and_nested_set_params():
    est = Mean(scale=2.0, inner=Mean(scale=3.0))
    params = est.get_params()
    assert params["scale"] == 2.0 and params["inner__scale"] == 3.0
    assert set(est.get_params(deep=False)) == {"scale", "inner"}
    est.set_params(scale=5.0, inner__scale=7.0)
    assert est.scale == 5.0 and est.inner.scale == 7.0
    with pytest.raises(ValueError, match="Invalid parameter 'bogus'"):
        est.set_params(bogus=1)


def test_clone_is_unfitted_deep_copy():
    est = Mean(scale=np.array([1.0, 2.0]), inner=Mean(scale=4.0)).fit(np.eye(3), [1, 2, 3])
    twin = clone(est)
    assert not hasattr(twin, "mean_")
    assert twin.inner is not est.inner and twin.inner.scale == 4.0
    assert twin.scale is not est.scale and np.array_equal(twin.scale, est.scale)
    with pytest.raises(TypeError, match="get_params"):
        clone(object())


def test_repr_shows_only_changed_parameters():
    assert repr(Mean()) == "Mean()"
    assert repr(Mean(scale=3.0)) == "Mean(scale=3.0)"


def test_pickle_roundtrip_keeps_fitted_state():
    X = np.arange(12.0).reshape(4, 3)
    est = Mean(scale=2.0).fit(X, np.ones(4))
    back = pickle.loads(pickle.dumps(est))
    assert np.array_equal(back.mean_, est.mean_)
    assert np.array_equal(back.predict(X), est.predict(X))


def test_not_fitted_error_is_value_and_attribute_error():
    with pytest.raises(NotFittedError, match="Mean instance is not fitted yet"):
        Mean().predict(np.ones((2, 2)))
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)


def test_regressor_score_is_r2_worked_by_hand():
    X = np.array([[1.0], [2.0], [3.0]])
    y = np.array([1.0, 2.0, 4.0])          # predictions are 1, 2, 3
    # ss_res = 1, mean = 7/3, ss_tot = (16 + 1 + 25) / 9 = 42 / 9
    expected = 1.0 - 1.0 / (42.0 / 9.0)
    assert Mean().fit(X, y).score(X, y) == pytest.approx(expected, rel=1e-14)


def test_regressor_score_matches_sklearn_with_weights():
    from sklearn import metrics
    rng = np.random.RandomState(0)
    X, y, w = rng.rand(20, 3), rng.rand(20), rng.rand(20)
    est = Mean().fit(X, y)
    ref = metrics.r2_score(y, est.predict(X), sample_weight=w)
    assert est.score(X, y, sample_weight=w) == pytest.approx(ref, rel=1e-12)


def test_classifier_score_is_accuracy():
    X = np.array([[-1.0], [1.0], [2.0], [-3.0]])
    y = np.array([0, 1, 0, 0])
    clf = Sign().fit(X, y)
    assert clf.score(X, y) == 0.75
    assert clf.score(X, y, sample_weight=[1, 1, 2, 0]) == 0.5


def test_mixins_and_type_predicates():
    assert is_regressor(Mean()) and not is_classifier(Mean())
    assert is_classifier(Sign())

    class Cl(ClusterMixin, BaseEstimator):
        def fit(self, X):
            self.labels_ = np.zeros(len(X), dtype=int)
            return self

    class Tr(TransformerMixin, BaseEstimator):
        def fit(self, X, y=None):
            return self

        def transform(self, X):
            return np.asarray(X) * 2

    assert list(Cl().fit_predict(np.ones((3, 1)))) == [0, 0, 0]
    assert np.array_equal(Tr().fit_transform([[1.0, 2.0]]), [[2.0, 4.0]])


def test_sklearn_tags_are_built_lazily():
    from sklearn.utils import get_tags
    assert get_tags(Mean()).estimator_type == "regressor"
    assert get_tags(Sign()).estimator_type == "classifier"
    assert get_tags(Sign()).target_tags.required


def test_works_inside_sklearn_pipeline_and_grid_search():
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    rng = np.random.RandomState(1)
    X = rng.randn(40, 2)
    y = (X[:, 0] > 0).astype(int)
    search = GridSearchCV(make_pipeline(StandardScaler(), Sign()),
                          {"sign__threshold": [-5.0, 0.0, 5.0]}, cv=3).fit(X, y)
    assert search.best_params_ == {"sign__threshold": 0.0}

"""scikit-learn's estimator checks on the multi-layer perceptrons."""
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from rusty_machine.learning.nnet import MLPClassifier, MLPRegressor


@pytest.mark.filterwarnings("ignore::rusty_machine.exceptions.ConvergenceWarning")
@parametrize_with_checks([MLPClassifier(hidden_layer_sizes=(10,), max_iter=300,
                                        learning_rate_init=0.01, random_state=0),
                          MLPRegressor(hidden_layer_sizes=(10,), max_iter=300,
                                       learning_rate_init=0.01, random_state=0)])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)

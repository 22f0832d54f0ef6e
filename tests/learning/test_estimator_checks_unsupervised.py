"""scikit-learn's estimator checks on the Learning-II estimators."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from rusty_machine.learning.dbscan import DBSCAN
from rusty_machine.learning.gmm import GaussianMixture
from rusty_machine.learning.k_means import KMeans
from rusty_machine.learning.pca import PCA
from rusty_machine.learning.neighbors import (KNeighborsClassifier,
                                              KNeighborsRegressor)
from rusty_machine.learning.naive_bayes import (BernoulliNB, GaussianNB,
                                                MultinomialNB)

ESTIMATORS = [KMeans(n_clusters=3, random_state=0),
              GaussianMixture(n_components=2, random_state=0),
              GaussianNB(), BernoulliNB(), MultinomialNB(),
              DBSCAN(), KNeighborsClassifier(), KNeighborsRegressor(), PCA()]
_SEEDING = ("the random seeding draws from the samples, so repeated rows and integer "
            "weights consume the random stream differently (scikit-learn's KMeans has the "
            "same limitation)")
EXPECTED_FAILED = {
    "KMeans": {"check_sample_weight_equivalence_on_dense_data": _SEEDING},
    "GaussianMixture": {"check_sample_weight_equivalence_on_dense_data": (
        "the initial responsibilities come from a seeded k-means, whose random draws "
        "differ between repeated rows and integer weights; EM from the same start is "
        "weight/repetition-equivalent (tested in test_gmm.py)")},
}


def _expected(est):
    return EXPECTED_FAILED.get(type(est).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected)
def test_sklearn_compatible(estimator, check):
    check(estimator)

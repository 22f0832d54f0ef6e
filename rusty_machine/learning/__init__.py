"""rusty_machine.learning: estimators with scikit-learn's fit / predict contract.

Every estimator is importable from here and from its submodule. Kernels, optimisers and
network layers are only in their submodules (learning.kernels, learning.optim,
learning.nnet) because their names overlap (kernels.Linear is not nnet.Linear).
"""
from .._lazy import lazy_exports

_EXPORTS = {
    "LinearRegression": "linear_regression", "Ridge": "linear_regression",
    "LogisticRegression": "logistic_regression",
    "GeneralizedLinearModel": "glm", "PoissonRegressor": "glm",
    "GammaRegressor": "glm", "TweedieRegressor": "glm",
    "KMeans": "k_means",
    "GaussianMixture": "gmm",
    "GaussianNB": "naive_bayes", "BernoulliNB": "naive_bayes", "MultinomialNB": "naive_bayes",
    "DBSCAN": "dbscan",
    "KNeighborsClassifier": "neighbors", "KNeighborsRegressor": "neighbors",
    "PCA": "pca",
    "SVC": "svm", "SVR": "svm",
    "GaussianProcessRegressor": "gp",
    "MLPClassifier": "nnet", "MLPRegressor": "nnet", "NeuralNet": "nnet",
    "MiniBatchKMeans": "minibatch_k_means",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)

"""Demo section: clustering, mixtures, naive Bayes, neighbours and PCA on the bundled
datasets (held-out scores for the supervised models; cluster purity for the clusterers,
i.e. the share of samples whose cluster's majority species is their own)."""
import numpy as np

from . import holdout, timed


def _purity(labels, y):
    """Share of samples (noise, label -1, counted as wrong) in their cluster's majority."""
    good = 0
    for c in np.unique(labels):
        if c == -1:
            continue
        _, counts = np.unique(y[labels == c], return_counts=True)
        good += counts.max()
    return good / len(y)


def run(report):
    from ..datasets import load_iris, load_trees
    from ..learning import (DBSCAN, PCA, BernoulliNB, GaussianMixture, GaussianNB, KMeans,
                            KNeighborsClassifier, KNeighborsRegressor, MultinomialNB)

    X, y = load_iris()
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    Xs = (X - X.mean(0)) / X.std(0)

    km, t = timed(lambda: KMeans(3, random_state=0).fit(Xs))
    report("KMeans(3)", "iris", "purity", _purity(km.labels_, y), t)
    gm, t = timed(lambda: GaussianMixture(3, covariance_type="full", random_state=0).fit(X))
    report("GaussianMixture(3, full)", "iris", "purity", _purity(gm.predict(X), y), t)
    db, t = timed(lambda: DBSCAN(eps=0.8, min_samples=5).fit(Xs))
    report("DBSCAN(eps=0.8)", "iris", "purity", _purity(db.labels_, y), t)
    pca, t = timed(lambda: PCA(2).fit(Xs))
    report("PCA(2)", "iris", "var ratio", float(pca.explained_variance_ratio_.sum()), t)

    Xtr, ytr, Xte, yte = holdout(X, y)
    for name, model in [("GaussianNB()", GaussianNB()), ("MultinomialNB()", MultinomialNB()),
                        ("BernoulliNB(binarize=median)",
                         BernoulliNB(binarize=None))]:
        A, B = Xtr, Xte
        if name.startswith("Bernoulli"):
            med = np.median(Xtr, axis=0)
            A, B = (Xtr > med).astype(float), (Xte > med).astype(float)
        _, t = timed(lambda: model.fit(A, ytr))
        report(name, "iris", "accuracy", model.score(B, yte), t)
    Ztr, _, Zte, _ = holdout(X, y, standardise=True)
    knn = KNeighborsClassifier(5)
    _, t = timed(lambda: knn.fit(Ztr, ytr))
    report("KNeighborsClassifier(5)", "iris", "accuracy", knn.score(Zte, yte), t)

    X, y = load_trees()
    Ztr, ytr, Zte, yte = holdout(X, y, standardise=True)
    knr = KNeighborsRegressor(3, weights="distance")
    _, t = timed(lambda: knr.fit(Ztr, ytr))
    report("KNeighborsRegressor(3, distance)", "trees", "R^2", knr.score(Zte, yte), t)

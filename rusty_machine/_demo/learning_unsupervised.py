"""Demo section: clustering, mixtures, naive Bayes, neighbours and PCA on the bundled
datasets (held-out scores for the supervised models; cluster purity for the clusterers,
i.e. the share of samples whose cluster's majority species is their own)."""
import time

import numpy as np


def _split(X, y, seed=0, test=0.3):
    order = np.random.RandomState(seed).permutation(len(y))
    n_test = int(round(test * len(y)))
    return X[order[n_test:]], y[order[n_test:]], X[order[:n_test]], y[order[:n_test]]


def _standardise(train, test):
    mu, sd = train.mean(axis=0), train.std(axis=0)
    sd[sd == 0] = 1.0
    return (train - mu) / sd, (test - mu) / sd


def _purity(labels, y):
    """Share of samples (noise, label -1, counted as wrong) in their cluster's majority."""
    good = 0
    for c in np.unique(labels):
        if c == -1:
            continue
        _, counts = np.unique(y[labels == c], return_counts=True)
        good += counts.max()
    return good / len(y)


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def run(report):
    from ..datasets import load_iris, load_trees
    from ..learning import (DBSCAN, PCA, BernoulliNB, GaussianMixture, GaussianNB, KMeans,
                            KNeighborsClassifier, KNeighborsRegressor, MultinomialNB)

    X, y = load_iris()
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    Xs = (X - X.mean(0)) / X.std(0)

    km, t = _timed(lambda: KMeans(3, random_state=0).fit(Xs))
    report("KMeans(3)", "iris", "purity", _purity(km.labels_, y), t)
    gm, t = _timed(lambda: GaussianMixture(3, covariance_type="full", random_state=0).fit(X))
    report("GaussianMixture(3, full)", "iris", "purity", _purity(gm.predict(X), y), t)
    db, t = _timed(lambda: DBSCAN(eps=0.8, min_samples=5).fit(Xs))
    report("DBSCAN(eps=0.8)", "iris", "purity", _purity(db.labels_, y), t)
    pca, t = _timed(lambda: PCA(2).fit(Xs))
    report("PCA(2)", "iris", "var ratio", float(pca.explained_variance_ratio_.sum()), t)

    Xtr, ytr, Xte, yte = _split(X, y)
    for name, model in [("GaussianNB()", GaussianNB()), ("MultinomialNB()", MultinomialNB()),
                        ("BernoulliNB(binarize=median)",
                         BernoulliNB(binarize=None))]:
        A, B = Xtr, Xte
        if name.startswith("Bernoulli"):
            med = np.median(Xtr, axis=0)
            A, B = (Xtr > med).astype(float), (Xte > med).astype(float)
        _, t = _timed(lambda: model.fit(A, ytr))
        report(name, "iris", "accuracy", model.score(B, yte), t)
    Ztr, Zte = _standardise(Xtr, Xte)
    knn = KNeighborsClassifier(5)
    _, t = _timed(lambda: knn.fit(Ztr, ytr))
    report("KNeighborsClassifier(5)", "iris", "accuracy", knn.score(Zte, yte), t)

    X, y = load_trees()
    Xtr, ytr, Xte, yte = _split(np.asarray(X, dtype=np.float64), np.asarray(y, dtype=float))
    Ztr, Zte = _standardise(Xtr, Xte)
    knr = KNeighborsRegressor(3, weights="distance")
    _, t = _timed(lambda: knr.fit(Ztr, ytr))
    report("KNeighborsRegressor(3, distance)", "trees", "R^2", knr.score(Zte, yte), t)

"""partial_fit with scikit-learn's semantics for the estimators Incremental streams:
the naive Bayes models give scikit-learn's numbers batch after batch; the MLPs follow
its rules (classes on the first call and fixed after, one epoch per call, no lbfgs) and
continue exactly after a pickle round trip (what a Dask cluster does between chunks)."""
import pickle
import warnings

import numpy as np
import pytest

from _dask_data import ROW_CHUNKS, blobs, chunked, regression

from rusty_machine import dask as rmd
from rusty_machine import learning

sk_nb = pytest.importorskip("sklearn.naive_bayes")

BOUNDS = np.concatenate([[0], np.cumsum(ROW_CHUNKS)])


def _batches(*arrays):
    for s, e in zip(BOUNDS[:-1], BOUNDS[1:]):
        yield tuple(a[s:e] for a in arrays)


@pytest.mark.parametrize("name, kw, attrs", [
    ("GaussianNB", {}, ("theta_", "var_", "class_prior_", "class_count_")),
    ("MultinomialNB", {"alpha": 0.3}, ("feature_log_prob_", "class_log_prior_")),
    ("BernoulliNB", {"binarize": 4.0}, ("feature_log_prob_", "class_log_prior_")),
])
def test_naive_bayes_partial_fit_gives_sklearns_numbers(name, kw, attrs):
    X, y = blobs(k=3, n_features=4, seed=6)
    X = np.abs(X)
    sw = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    ours, theirs = getattr(learning, name)(**kw), getattr(sk_nb, name)(**kw)
    for Xb, yb, wb in _batches(X, y, sw):
        ours.partial_fit(Xb, yb, classes=[0, 1, 2], sample_weight=wb)
        theirs.partial_fit(Xb, yb, classes=[0, 1, 2], sample_weight=wb)
        for a in attrs:
            # var_: scikit-learn recomputes epsilon_ from every batch and subtracts the new
            # one from variances that carry the old one, so its var_ drifts by multiples of
            # var_smoothing * max variance; ours keeps the first batch's epsilon_ (var_ is
            # then exactly the variance + epsilon_). Equal up to that drift.
            atol = 10 * 1e-9 * X.var(0).max() if a == "var_" else 1e-12
            np.testing.assert_allclose(getattr(ours, a), getattr(theirs, a), rtol=1e-10,
                                       atol=atol, err_msg=a)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X),
                               rtol=1e-6 if name == "GaussianNB" else 1e-9, atol=1e-12)
    with pytest.raises(ValueError, match="classes"):
        ours.partial_fit(X[:5], y[:5], classes=[0, 1])
    with pytest.raises(ValueError, match="classes must be passed"):
        getattr(learning, name)(**kw).partial_fit(X, y)


def _mlp_runs(make, X, y, **kw):
    plain, pickled = make(), make()
    for Xb, yb in _batches(X, y):
        plain.partial_fit(Xb, yb, **kw)
        pickled = pickle.loads(pickle.dumps(pickled))
        pickled.partial_fit(Xb, yb, **kw)
    return plain, pickled


def test_mlp_classifier_partial_fit_semantics():
    X, y = blobs(k=3, n_features=4, seed=2)
    X = (X - X.mean(0)) / X.std(0)
    make = lambda: learning.MLPClassifier((8,), random_state=0,   # noqa: E731
                                          learning_rate_init=0.01)
    plain, pickled = _mlp_runs(make, X, y, classes=[0, 1, 2])
    # one epoch per call; the optimiser's state survives pickling
    assert plain.n_iter_ == len(ROW_CHUNKS) and plain.t_ == len(X)
    for a, b in zip(plain.coefs_, pickled.coefs_):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="classes must be passed"):
        make().partial_fit(X, y)
    with pytest.raises(ValueError, match="not the same as on the first call"):
        plain.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(AttributeError, match="lbfgs"):
        learning.MLPClassifier(solver="lbfgs").partial_fit(X, y, classes=[0, 1, 2])
    # a label of classes absent from the first batch is fine (scikit-learn's rule)
    m = make().partial_fit(X[y == 0], y[y == 0], classes=[0, 1, 2])
    assert m.predict_proba(X).shape == (len(X), 3)
    # learning happens: more epochs, lower loss
    losses = []
    for _ in range(15):
        plain.partial_fit(X, y)
        losses.append(plain.loss_)
    assert losses[-1] < losses[0]
    # Incremental streams the chunks the same way (in order, no shuffling)
    inc = rmd.Incremental(make(), shuffle_blocks=False).fit(chunked(X), chunked(y),
                                                            classes=[0, 1, 2])
    for a, b in zip(inc.estimator_.coefs_, pickled.coefs_):
        np.testing.assert_array_equal(a, b)


def test_mlp_regressor_partial_fit_semantics():
    X, y = regression(n_features=3, seed=4)
    X = (X - X.mean(0)) / X.std(0)
    y = (y - y.mean()) / y.std()
    make = lambda: learning.MLPRegressor((6,), solver="sgd", random_state=1,  # noqa: E731
                                         learning_rate_init=0.05)
    plain, pickled = _mlp_runs(make, X, y)
    for a, b in zip(plain.coefs_, pickled.coefs_):
        np.testing.assert_array_equal(a, b)
    assert plain.n_iter_ == len(ROW_CHUNKS)
    inc = rmd.Incremental(make(), shuffle_blocks=False).fit(chunked(X), chunked(y))
    np.testing.assert_array_equal(inc.estimator_.predict(X), plain.predict(X))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(30):
            plain.partial_fit(X, y)
    assert plain.score(X, y) > 0.9
    assert rmd.ParallelPostFit(plain).score(chunked(X), chunked(y)) == \
        pytest.approx(plain.score(X, y), rel=1e-12)

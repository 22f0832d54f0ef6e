"""ParallelPostFit and Incremental: lazy chunk-wise methods with the right meta and
chunks, chunk-summed scores, and partial_fit streaming equal to feeding the chunks by
hand (scikit-learn's partial_fit semantics)."""
import numpy as np
import pytest

import dask.array as da
from _dask_data import ROW_CHUNKS, blobs, chunked, regression

from rusty_machine import dask as rmd
from rusty_machine import learning


def test_parallel_post_fit_classifier():
    X, y = blobs(k=3, n_features=4)
    names = np.array(["a", "bb", "c"])[y]
    ppf = rmd.ParallelPostFit(learning.GaussianNB()).fit(chunked(X), chunked(names))
    ref = learning.GaussianNB().fit(X, names)
    pred = ppf.predict(chunked(X))
    assert isinstance(pred, da.Array) and pred.chunks == (ROW_CHUNKS,)
    assert pred.dtype == ref.predict(X).dtype and pred._meta.dtype == pred.dtype
    assert (pred.compute() == ref.predict(X)).all()
    proba = ppf.predict_proba(chunked(X))
    assert proba.chunks == (ROW_CHUNKS, (3,))
    np.testing.assert_allclose(proba.compute(), ref.predict_proba(X), rtol=1e-12)
    sw = np.random.RandomState(0).rand(len(X))
    assert ppf.score(chunked(X), chunked(names)) == pytest.approx(ref.score(X, names))
    assert ppf.score(chunked(X), chunked(names), sample_weight=chunked(sw)) == \
        pytest.approx(ref.score(X, names, sample_weight=sw))
    assert list(ppf.classes_) == ["a", "bb", "c"]
    # numpy in: numpy out
    assert (ppf.predict(X) == ref.predict(X)).all()


def test_parallel_post_fit_regressor_transformer_and_prefitted():
    X, y = regression()
    Y = np.column_stack([y, X[:, 0]])
    reg = learning.Ridge(alpha=1.0).fit(X, Y)
    ppf = rmd.ParallelPostFit(reg)                    # already fitted: used as is
    assert ppf.score(chunked(X), chunked(Y)) == pytest.approx(reg.score(X, Y), rel=1e-12)
    out = ppf.predict(chunked(X))
    assert out.chunks == (ROW_CHUNKS, (2,))
    pca = rmd.ParallelPostFit(learning.PCA(3)).fit(X)
    Z = pca.transform(chunked(X))
    assert Z.chunks == (ROW_CHUNKS, (3,))
    np.testing.assert_allclose(Z.compute(), learning.PCA(3).fit(X).transform(X))
    km = rmd.ParallelPostFit(learning.KMeans(3, random_state=0)).fit(X)
    assert km.score(chunked(X)) == pytest.approx(km.estimator_.score(X), rel=1e-12)
    with pytest.raises(AttributeError, match="predict_proba"):
        ppf.predict_proba(chunked(X))
    with pytest.raises(ValueError, match="not fitted"):
        rmd.ParallelPostFit(learning.Ridge()).predict(chunked(X))


def _by_hand(model, X, y, order, **kw):
    bounds = np.concatenate([[0], np.cumsum(ROW_CHUNKS)])
    for i in order:
        s, e = bounds[i], bounds[i + 1]
        if y is None:
            model.partial_fit(X[s:e], **kw)
        else:
            model.partial_fit(X[s:e], y[s:e], **kw)
    return model


@pytest.mark.parametrize("make, attrs", [
    (lambda: learning.GaussianNB(), ("theta_", "var_", "class_prior_")),
    (lambda: learning.MultinomialNB(alpha=0.5), ("feature_log_prob_", "class_log_prior_")),
    (lambda: learning.BernoulliNB(binarize=0.5), ("feature_log_prob_", "class_count_")),
])
def test_incremental_naive_bayes(make, attrs):
    X, y = blobs(k=3, n_features=4)
    X = np.abs(X)                                     # counts for MultinomialNB
    inc = rmd.Incremental(make(), random_state=3).fit(chunked(X), chunked(y),
                                                      classes=[0, 1, 2])
    order = np.arange(len(ROW_CHUNKS))
    np.random.RandomState(3).shuffle(order)
    hand = _by_hand(make(), X, y, order, classes=[0, 1, 2])
    for a in attrs:
        np.testing.assert_allclose(getattr(inc.estimator_, a), getattr(hand, a),
                                   rtol=1e-12, err_msg=a)
    # the naive Bayes statistics do not depend on the order: equal to a full fit
    full = make().fit(X, y)
    for a in attrs:
        np.testing.assert_allclose(getattr(inc.estimator_, a), getattr(full, a), rtol=1e-9,
                                   atol=1e-12, err_msg=a)
    assert inc.predict(chunked(X)).chunks == (ROW_CHUNKS,)
    # partial_fit continues: the counts double
    before = inc.estimator_.class_count_.copy()
    inc.partial_fit(chunked(X), chunked(y), classes=[0, 1, 2])
    np.testing.assert_allclose(inc.estimator_.class_count_, 2 * before)


def test_incremental_requires_classes_and_partial_fit():
    X, y = blobs(k=3)
    with pytest.raises(ValueError, match="classes must be passed"):
        rmd.Incremental(learning.GaussianNB(), shuffle_blocks=False).fit(chunked(X),
                                                                         chunked(y))
    with pytest.raises(ValueError, match="no partial_fit"):
        rmd.Incremental(learning.KMeans(3)).fit(chunked(X))


def test_incremental_minibatch_kmeans_in_order():
    X, truth = blobs(k=3, n_features=2, seed=4)
    make = lambda: learning.MiniBatchKMeans(3, random_state=0)   # noqa: E731
    inc = rmd.Incremental(make(), shuffle_blocks=False).fit(chunked(X))
    hand = _by_hand(make(), X, None, range(len(ROW_CHUNKS)))
    np.testing.assert_array_equal(inc.estimator_.cluster_centers_, hand.cluster_centers_)
    assert inc.estimator_.n_steps_ == len(ROW_CHUNKS)

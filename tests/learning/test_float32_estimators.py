"""float32 end to end in the estimators (issue 13).

For each estimator that scikit-learn keeps in float32: float32 X gives the fitted
attributes and outputs the dtypes scikit-learn's own estimator gives on the same data
(and a float64 X given to predict after a float32 fit the dtypes scikit-learn gives
then); the float32 fit answers what our float64 fit answers, to float32 accuracy; the
sample weights act the same in both types. Then the fused kernels themselves, once per
dtype against a float64 reference.
"""
import numpy as np
import pytest

import sklearn.decomposition as sk_decomposition
import sklearn.cluster as sk_cluster
import sklearn.linear_model as sk_linear
import sklearn.mixture as sk_mixture
import sklearn.naive_bayes as sk_nb
import sklearn.neighbors as sk_neighbors
import sklearn.neural_network as sk_nn

from rusty_machine.learning import (GaussianMixture, GaussianNB, KMeans, KNeighborsClassifier,
                                    KNeighborsRegressor, LinearRegression, MLPClassifier,
                                    MLPRegressor, PCA, Ridge)
from rusty_machine.learning import _gram, _k_means, _nnet, _optim
from rusty_machine.learning.nnet import CrossEntropy, Linear, NeuralNet, ReLU, Softmax

EPS32 = np.finfo(np.float32).eps

# the outputs whose dtype is compared with scikit-learn's (absent methods are skipped)
_METHODS = ("predict", "predict_proba", "predict_log_proba", "transform",
            "inverse_transform", "score_samples")


def _blobs(n=300, d=4, k=3, seed=0, spread=0.6):
    rng = np.random.RandomState(seed)
    centres = rng.uniform(-6, 6, size=(k, d))
    y = rng.randint(k, size=n)
    X = centres[y] + spread * rng.randn(n, d)
    return X, y


def _regression(n=200, d=5, seed=1):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    y = X @ rng.randn(d) + 0.5 + 0.1 * rng.randn(n)
    return X, y


def _float_attrs(est):
    """The dtypes of the fitted float arrays (and lists of arrays: the MLP's coefs_)."""
    out = {}
    for k, v in vars(est).items():
        if not k.endswith("_") or k.startswith("_"):
            continue
        if isinstance(v, list) and v and all(isinstance(e, np.ndarray) for e in v):
            v = v[0]
        if isinstance(v, np.ndarray) and v.dtype.kind == "f":
            out[k] = v.dtype
    return out


def _output_dtypes(est, X, reference=False):
    out = {}
    for m in _METHODS:
        if not hasattr(est, m):
            continue
        Xq = est.transform(X) if m == "inverse_transform" else X
        try:
            dt = np.asarray(getattr(est, m)(Xq)).dtype
        except ValueError:
            # scikit-learn's KMeans.predict refuses a float64 X on float32 centres
            # ("Buffer dtype mismatch"); ours runs it in float64 (an error of ours fails)
            if not reference:
                raise
            continue
        if dt.kind == "f":                  # float outputs (labels are compared elsewhere)
            out[m] = dt
    return out


# (ours, scikit-learn's, data kind): the same parameters on both sides
CASES = [
    (lambda: KMeans(3, n_init=1, random_state=0),
     lambda: sk_cluster.KMeans(3, n_init=1, random_state=0), "cluster"),
    (lambda: PCA(2), lambda: sk_decomposition.PCA(2), "cluster"),
    (lambda: PCA(3, svd_solver="full"), lambda: sk_decomposition.PCA(3, svd_solver="full"),
     "cluster"),
    (lambda: GaussianMixture(3, random_state=0),
     lambda: sk_mixture.GaussianMixture(3, random_state=0), "cluster"),
    (lambda: GaussianMixture(3, covariance_type="diag", random_state=0),
     lambda: sk_mixture.GaussianMixture(3, covariance_type="diag", random_state=0),
     "cluster"),
    (lambda: GaussianNB(), lambda: sk_nb.GaussianNB(), "classify"),
    (lambda: KNeighborsClassifier(5), lambda: sk_neighbors.KNeighborsClassifier(5),
     "classify"),
    (lambda: KNeighborsRegressor(5), lambda: sk_neighbors.KNeighborsRegressor(5),
     "regress"),
    (lambda: LinearRegression(), lambda: sk_linear.LinearRegression(), "regress"),
    (lambda: Ridge(alpha=1.0), lambda: sk_linear.Ridge(alpha=1.0), "regress"),
    (lambda: MLPClassifier((8,), max_iter=30, random_state=0),
     lambda: sk_nn.MLPClassifier((8,), max_iter=30, random_state=0), "classify"),
    (lambda: MLPRegressor(hidden_layer_sizes=(8,), max_iter=30, random_state=0),
     lambda: sk_nn.MLPRegressor(hidden_layer_sizes=(8,), max_iter=30, random_state=0),
     "regress"),
]
IDS = ["KMeans", "PCA", "PCA-full", "GaussianMixture", "GaussianMixture-diag",
       "GaussianNB", "KNeighborsClassifier", "KNeighborsRegressor", "LinearRegression",
       "Ridge", "MLPClassifier", "MLPRegressor"]


def _data(kind, dtype):
    if kind == "regress":
        X, y = _regression()
        return X.astype(dtype), y.astype(dtype)
    X, y = _blobs()
    return X.astype(dtype), (y if kind == "classify" else None)


def _fit(est, X, y, **kw):
    return est.fit(X, **kw) if y is None else est.fit(X, y, **kw)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.filterwarnings("ignore::rusty_machine.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("ours, theirs, kind", CASES, ids=IDS)
def test_float32_dtypes_match_sklearn(ours, theirs, kind):
    X, y = _data(kind, np.float32)
    a, b = _fit(ours(), X, y), _fit(theirs(), X, y)
    attrs_a, attrs_b = _float_attrs(a), _float_attrs(b)
    common = set(attrs_a) & set(attrs_b)
    if "KNeighbors" not in type(a).__name__:      # kNN stores no fitted float array
        assert common, "no fitted float attribute to compare"
    assert {k: attrs_a[k] for k in common} == {k: attrs_b[k] for k in common}
    # float32 queries, then float64 queries after the float32 fit
    for Xq in (X, X.astype(np.float64)):
        out_a, out_b = _output_dtypes(a, Xq), _output_dtypes(b, Xq, reference=True)
        common = set(out_a) & set(out_b)
        assert {k: out_a[k] for k in common} == {k: out_b[k] for k in common}


def test_float32_really_is_float32():
    """The comparison above must be able to fail: a float64 X keeps float64 attributes,
    which differ from a float32 fit's."""
    X, _ = _blobs()
    km32 = KMeans(3, n_init=1, random_state=0).fit(X.astype(np.float32))
    km64 = KMeans(3, n_init=1, random_state=0).fit(X)
    assert km32.cluster_centers_.dtype == np.float32
    assert km64.cluster_centers_.dtype == np.float64
    assert _float_attrs(km32) != _float_attrs(km64)


# ---- the float32 fit answers what the float64 fit answers ------------------------------

def _close(a, b, scale, factor=200):
    """|a - b| <= factor * eps32 * scale (scale: the magnitude of the float64 answer)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    assert np.all(np.abs(a - b) <= factor * EPS32 * scale), np.abs(a - b).max()


@pytest.mark.parametrize("weighted", [False, True])
def test_kmeans_float32_matches_float64(weighted):
    X, _ = _blobs(n=2000, d=6, k=5)
    w = np.random.RandomState(2).uniform(0.5, 2.0, X.shape[0]) if weighted else None
    init = X[[0, 1, 2, 3, 4]]
    km64 = KMeans(5, init=init, n_init=1).fit(X, sample_weight=w)
    km32 = KMeans(5, init=init, n_init=1).fit(X.astype(np.float32), sample_weight=w)
    assert np.array_equal(km32.labels_, km64.labels_)
    _close(km32.cluster_centers_, km64.cluster_centers_, np.abs(X).max())
    assert abs(km32.inertia_ - km64.inertia_) <= 1e3 * EPS32 * km64.inertia_
    assert np.array_equal(km32.predict(X.astype(np.float32)), km64.predict(X))
    # a float64 query on the float32 centres: the same labels, float64 distances
    assert np.array_equal(km32.predict(X), km64.predict(X))
    assert km32.transform(X).dtype == np.float64


def test_kmeans_float32_matches_sklearn():
    X, _ = _blobs(n=1500, d=5, k=4, seed=3)
    X32 = X.astype(np.float32)
    init = X32[:4]
    ours = KMeans(4, init=init, n_init=1).fit(X32)
    theirs = sk_cluster.KMeans(4, init=init, n_init=1).fit(X32)
    assert np.array_equal(ours.labels_, theirs.labels_)
    _close(ours.cluster_centers_, theirs.cluster_centers_, np.abs(X).max())


@pytest.mark.parametrize("solver", ["covariance_eigh", "full"])
def test_pca_float32_matches_float64(solver):
    rng = np.random.RandomState(4)
    X = rng.randn(400, 6) * [5.0, 3.0, 2.0, 1.0, 0.5, 0.2] + 1.0
    p64 = PCA(3, svd_solver=solver).fit(X)
    p32 = PCA(3, svd_solver=solver).fit(X.astype(np.float32))
    assert p32.components_.dtype == np.float32
    _close(p32.components_, p64.components_, 1.0, factor=2000)
    _close(p32.explained_variance_, p64.explained_variance_, p64.explained_variance_[0])
    _close(p32.transform(X.astype(np.float32)), p64.transform(X), np.abs(X).max(),
           factor=2000)


@pytest.mark.parametrize("weighted", [False, True])
def test_gaussian_nb_float32_matches_float64(weighted):
    X, y = _blobs(n=500)
    w = np.random.RandomState(5).uniform(0.5, 2.0, X.shape[0]) if weighted else None
    a = GaussianNB().fit(X, y, sample_weight=w)
    b = GaussianNB().fit(X.astype(np.float32), y, sample_weight=w)
    _close(b.theta_, a.theta_, np.abs(X).max())
    _close(b.var_, a.var_, a.var_.max())
    _close(b.predict_proba(X.astype(np.float32)), a.predict_proba(X), 1.0, factor=1000)
    assert np.array_equal(b.predict(X), a.predict(X))


@pytest.mark.parametrize("cov", ["full", "diag"])
def test_gmm_float32_matches_float64(cov):
    X, _ = _blobs(n=600, d=3, k=3, seed=6)
    rng = np.random.RandomState(0)
    w = rng.uniform(0.5, 2.0, X.shape[0])
    a = GaussianMixture(3, covariance_type=cov, random_state=0).fit(X, sample_weight=w)
    b = GaussianMixture(3, covariance_type=cov, random_state=0).fit(X.astype(np.float32),
                                                                     sample_weight=w)
    assert b.means_.dtype == np.float32 and b.covariances_.dtype == np.float32
    order_a, order_b = np.argsort(a.means_[:, 0]), np.argsort(b.means_[:, 0])
    _close(b.means_[order_b], a.means_[order_a], np.abs(X).max(), factor=2000)
    _close(b.weights_[order_b], a.weights_[order_a], 1.0, factor=2000)
    assert abs(b.lower_bound_ - a.lower_bound_) <= 1e4 * EPS32 * abs(a.lower_bound_)
    assert np.array_equal(np.argsort(order_b)[b.predict(X.astype(np.float32))],
                          np.argsort(order_a)[a.predict(X)])


@pytest.mark.parametrize("est", [LinearRegression(), Ridge(alpha=2.0),
                                 Ridge(alpha=2.0, solver="qr")],
                         ids=["ols", "ridge-cholesky", "ridge-qr"])
@pytest.mark.parametrize("weighted", [False, True])
def test_linear_float32_matches_float64_and_sklearn(est, weighted):
    X, y = _regression()
    w = np.random.RandomState(7).uniform(0.5, 2.0, X.shape[0]) if weighted else None
    a = type(est)(**est.get_params()).fit(X, y, sample_weight=w)
    b = type(est)(**est.get_params()).fit(X.astype(np.float32), y.astype(np.float32),
                                          sample_weight=w)
    assert b.coef_.dtype == np.float32
    _close(b.coef_, a.coef_, np.abs(a.coef_).max(), factor=500)
    _close(b.intercept_, a.intercept_, np.abs(a.coef_).max(), factor=500)
    pred = b.predict(X.astype(np.float32))
    assert pred.dtype == np.float32
    _close(pred, a.predict(X), np.abs(y).max(), factor=500)
    sk = {"LinearRegression": sk_linear.LinearRegression(),
          "Ridge": sk_linear.Ridge(alpha=2.0)}[type(est).__name__]
    sk.fit(X.astype(np.float32), y.astype(np.float32), sample_weight=w)
    _close(b.coef_, sk.coef_, np.abs(a.coef_).max(), factor=500)


def test_kneighbors_float32_matches_float64():
    X, y = _blobs(n=300)
    Xr, yr = _regression()
    c64 = KNeighborsClassifier(5).fit(X, y)
    c32 = KNeighborsClassifier(5).fit(X.astype(np.float32), y)
    assert np.array_equal(c32.predict(X.astype(np.float32)), c64.predict(X))
    r64 = KNeighborsRegressor(5).fit(Xr, yr)
    r32 = KNeighborsRegressor(5).fit(Xr.astype(np.float32), yr.astype(np.float32))
    p32 = r32.predict(Xr.astype(np.float32))
    assert p32.dtype == np.float32
    _close(p32, r64.predict(Xr), np.abs(yr).max())


def _mlp_data(n=400, d=10, k=3, seed=8):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    y = np.argmax(X @ rng.randn(d, k), axis=1)
    return X, y


@pytest.mark.filterwarnings("ignore::rusty_machine.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize("weighted", [False, True])
def test_mlp_classifier_float32_matches_float64(solver, weighted):
    X, y = _mlp_data()
    w = np.random.RandomState(9).uniform(0.5, 2.0, X.shape[0]) if weighted else None
    kw = dict(hidden_layer_sizes=(16,), solver=solver, max_iter=5, random_state=0)
    a = MLPClassifier(**kw).fit(X, y, sample_weight=w)
    b = MLPClassifier(**kw).fit(X.astype(np.float32), y, sample_weight=w)
    assert all(c.dtype == np.float32 for c in b.coefs_ + b.intercepts_)
    # 5 epochs of 2 mini-batches: the float32 rounding of each step, amplified a little
    _close(np.concatenate([c.ravel() for c in b.coefs_]),
           np.concatenate([c.ravel() for c in a.coefs_]), 1.0, factor=2000)
    np.testing.assert_allclose(b.loss_curve_, a.loss_curve_, rtol=1e-4)
    P32 = b.predict_proba(X.astype(np.float32))
    assert P32.dtype == np.float32
    _close(P32, a.predict_proba(X), 1.0, factor=2000)
    assert b.predict_proba(X).dtype == np.float64       # float64 query: as scikit-learn


@pytest.mark.filterwarnings("ignore::rusty_machine.exceptions.ConvergenceWarning")
def test_mlp_regressor_and_neural_net_float32():
    X, yc = _mlp_data()
    y = X[:, 0] - 2 * X[:, 1]
    a = MLPRegressor((16,), max_iter=5, random_state=0).fit(X, y)
    b = MLPRegressor((16,), max_iter=5, random_state=0).fit(X.astype(np.float32), y)
    assert b.coefs_[0].dtype == np.float32 and b.predict(X.astype(np.float32)).dtype == \
        np.float32
    _close(b.predict(X.astype(np.float32)), a.predict(X), np.abs(y).max(), factor=2000)
    layers = [Linear(10, 16), ReLU(), Linear(16, 3), Softmax()]
    n64 = NeuralNet(layers, CrossEntropy(), epochs=3, random_state=0).fit(X, yc)
    n32 = NeuralNet(layers, CrossEntropy(), epochs=3, random_state=0).fit(
        X.astype(np.float32), yc)
    assert n32.layers_[0].weights.dtype == np.float32
    P = n32.predict(X.astype(np.float32))
    assert P.dtype == np.float32
    _close(P, n64.predict(X), 1.0, factor=2000)


@pytest.mark.filterwarnings("ignore::rusty_machine.exceptions.ConvergenceWarning")
def test_mlp_float32_matches_sklearn_learning_curve():
    """sklearn's float32 MLP with the same initial weights and no shuffling: the same
    loss curve to float32 accuracy."""
    X, y = _mlp_data(n=200)
    X32 = X.astype(np.float32)
    kw = dict(hidden_layer_sizes=(12,), max_iter=4, shuffle=False, random_state=0,
              batch_size=50)
    ours = MLPClassifier(**kw).fit(X32, y)
    with pytest.warns(Warning):
        theirs = sk_nn.MLPClassifier(**kw).fit(X32, y)
    assert theirs.coefs_[0].dtype == ours.coefs_[0].dtype == np.float32
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-4)


# ---- the fused kernels, once per dtype --------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lloyd_iter_fused(dtype):
    X, _ = _blobs(n=700, d=5, k=4)
    C = X[:4].copy()
    Xd, Cd = X.astype(dtype), C.astype(dtype)
    labels = np.full(len(X), -1, dtype=np.int32)
    sums, wsum = np.empty((4, 5)), np.empty(4)
    w = np.ones(len(X))
    _k_means.lloyd_iter(Xd, w, Cd, sums, wsum, labels, True)
    d2 = ((X[:, None, :] - C[None]) ** 2).sum(-1)
    assert np.array_equal(labels, d2.argmin(1))
    ref = np.array([X[labels == j].sum(0) for j in range(4)])
    eps = np.finfo(dtype).eps
    assert np.all(np.abs(sums - ref) <= 10 * eps * np.abs(X).max() * len(X))
    inert = _k_means.inertia(Xd, w, Cd, labels)
    assert abs(inert - d2.min(1).sum()) <= 100 * eps * d2.min(1).sum()
    with pytest.raises(ValueError, match="dtype"):    # one dtype for X and the centres
        _k_means.lloyd_iter(Xd, w, C.astype(np.float32 if dtype == np.float64
                                            else np.float64), sums, wsum, labels, True)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gram_fused(dtype):
    X = np.random.RandomState(10).randn(300, 7)
    G = _gram.gram(X.astype(dtype))
    assert G.dtype == dtype and np.array_equal(G, G.T)
    ref = X.T @ X
    assert np.all(np.abs(G - ref) <= 30 * np.finfo(dtype).eps * 300 * np.abs(X).max() ** 2)
    G2 = _gram.gram(X.astype(dtype)[:, :4])            # a column slice, used in place
    assert np.allclose(G2, ref[:4, :4], rtol=1e-4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("code", [1, 2, 3, 4, 5, 6])
def test_nnet_activations_fused(dtype, code):
    rng = np.random.RandomState(code)
    Z = rng.randn(50, 7)
    b = rng.randn(7)
    Z64 = Z.copy()
    _nnet.bias_activate(Z64, b, code, 0.1, np.empty_like(Z64))
    Zt = Z.astype(dtype)
    pre = np.empty_like(Zt)
    _nnet.bias_activate(Zt, b.astype(dtype), code, 0.1, pre)
    assert Zt.dtype == dtype
    assert np.all(np.abs(Zt - Z64) <= 8 * np.finfo(dtype).eps * (1 + np.abs(Z64)))
    if code != 6:
        delta64 = rng.randn(50, 7)
        delta = delta64.astype(dtype)
        _nnet.activation_backward(delta64, Z64, code, 0.1, pre.astype(np.float64))
        _nnet.activation_backward(delta, Zt, code, 0.1, pre)
        assert np.allclose(delta, delta64, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adam_update_fused(dtype):
    rng = np.random.RandomState(11)
    p64, g = rng.randn(100), rng.randn(100)
    m64, v64 = np.zeros(100), np.zeros(100)
    p, m, v = p64.astype(dtype), m64.astype(dtype), v64.astype(dtype)
    for t in range(1, 4):
        _optim.adam_update(p64, g, m64, v64, 1e-2, 0.9, 0.999, 1e-8, t, True)
        _optim.adam_update(p, g.astype(dtype), m, v, 1e-2, 0.9, 0.999, 1e-8, t, True)
    assert p.dtype == m.dtype == v.dtype == dtype
    assert np.all(np.abs(p - p64) <= 20 * np.finfo(dtype).eps * (1 + np.abs(p64)))


_ARGMIN_SCRIPT = r"""
import numpy as np
from rusty_machine.learning import _k_means
rng = np.random.RandomState(12)
X = rng.randn(300, 3)
C = rng.randn(21, 3)
C[[9, 17, 20]] = C[2]          # ties: inside and across vector lanes, and in the tail
X[:40] = C[2] + 1e-3 * rng.randn(40, 3)
for dtype in (np.float32, np.float64):
    Xd, Cd = X.astype(dtype), C.astype(dtype)
    labels = np.full(len(X), -1, dtype=np.int32)
    _k_means.lloyd_iter(Xd, np.ones(len(X)), Cd, np.empty((21, 3)), np.empty(21), labels,
                        False)
    # the same expansion, in the same type, scanned by numpy (first index on ties)
    csq = np.array([float(np.dot(c.astype(np.float64), c)) for c in Cd], dtype=dtype)
    dist = (-2 * Xd.astype(np.float64) @ Cd.T.astype(np.float64)).astype(dtype)
    ref = np.argmin(csq[None, :] + dist, axis=1)
    agree = labels == ref
    # the kernel rounds differently from numpy: only near-ties may differ, never a tie
    assert agree.mean() > 0.98, agree.mean()
    assert not np.isin(labels, [9, 17, 20]).any()
    assert (labels[:40] == 2).all()
print("ok")
"""


@pytest.mark.parametrize("isa", ["generic", "avx2", "avx512"])
def test_argmin_rows_every_isa(isa):
    """k-means' assignment (the fused kernel of csrc/rm_kmeans_assign.h) on each
    instruction set: the first index of the smallest sum, ties broken towards the first
    centre (duplicated centres never win)."""
    import os
    import subprocess
    import sys
    from rusty_machine.linalg import blas
    env = dict(os.environ, RUSTY_MACHINE_KERNEL=isa)
    probe = subprocess.run([sys.executable, "-c", "from rusty_machine.linalg import blas; "
                            "print(blas._kernel_name())"], env=env, capture_output=True,
                           text=True, check=True)
    if isa not in probe.stdout:
        pytest.skip("%s not available here (running %s)" % (isa, blas._kernel_name()))
    out = subprocess.run([sys.executable, "-c", _ARGMIN_SCRIPT], env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0 and "ok" in out.stdout, out.stderr


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("threads", [1, 2])
def test_streamed_r_float32(weighted, threads):
    """_tsqr.streamed_r on float32 X: a float32 R (the TSQR ran in float32) with
    R^T R = A^T A to float32 accuracy, A = sqrt(w) [X - x_off, Y - y_off]; the same R as
    the float64 run up to the rows' signs, to float32 accuracy."""
    import rusty_machine
    from rusty_machine.learning import _tsqr
    rng = np.random.RandomState(13)
    m = 20000
    X32 = rng.randn(m, 7).astype(np.float32)
    Y = rng.randn(m, 2)
    x_off, y_off = 0.1 * rng.randn(7), 0.1 * rng.randn(2)
    sw = np.sqrt(rng.uniform(0.5, 2.0, m)) if weighted else None
    with rusty_machine.num_threads(threads):
        R32 = _tsqr.streamed_r(X32, Y, x_off, y_off, sw)
        R64 = _tsqr.streamed_r(X32.astype(np.float64), Y, x_off, y_off, sw)
    assert R32.dtype == np.float32 and R64.dtype == np.float64
    A = np.hstack([X32 - x_off, Y - y_off]) * (1.0 if sw is None else sw[:, None])
    G = A.T @ A
    R = R32.astype(np.float64)
    scale = np.sqrt(np.outer(np.diag(G), np.diag(G)))
    assert np.all(np.abs(R.T @ R - G) <= 50 * EPS32 * np.sqrt(m) * scale)
    signs = np.sign(np.diag(R)) * np.sign(np.diag(R64))
    assert np.allclose(signs[:, None] * R, R64, rtol=0,
                       atol=50 * EPS32 * np.sqrt(m) * np.abs(R64).max())


@pytest.mark.filterwarnings("ignore::rusty_machine.exceptions.ConvergenceWarning")
def test_float32_models_pickle_exactly():
    import pickle
    X, y = _mlp_data(n=120)
    X32 = X.astype(np.float32)
    for est in (MLPClassifier((6,), max_iter=3, random_state=0).fit(X32, y),
                KMeans(3, n_init=1, random_state=0).fit(X32),
                GaussianMixture(2, random_state=0).fit(X32), PCA(2).fit(X32)):
        back = pickle.loads(pickle.dumps(est))
        out = "predict_proba" if hasattr(est, "predict_proba") else "transform" \
            if hasattr(est, "transform") else "predict"
        a, b = getattr(est, out)(X32), getattr(back, out)(X32)
        assert a.dtype == b.dtype and np.array_equal(a, b), type(est).__name__


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_kmeans_tolerance_variance_blocked(dtype):
    """KMeans' tol scale (the mean column variance) by blocks of rows, without an n x d
    float64 temporary: equal to numpy's float64 variance (weighted: np.average's)."""
    from rusty_machine.learning import k_means
    rng = np.random.RandomState(14)
    X = (rng.randn(20000, 3) * [1.0, 10.0, 0.1] + 5.0).astype(dtype)
    w = rng.uniform(0.5, 2.0, 20000)
    X64 = X.astype(np.float64)
    np.testing.assert_allclose(k_means._column_variance(X), X64.var(0), rtol=1e-12)
    mean = np.average(X64, axis=0, weights=w)
    ref = np.average((X64 - mean) ** 2, axis=0, weights=w)
    np.testing.assert_allclose(k_means._column_variance(X, w), ref, rtol=1e-12)


def test_linear_regression_float32_rank_deficient():
    """Collinear float32 columns: the rank cut-off at float32's epsilon (a float32 R
    leaves about eps32 * ||X|| where float64's leaves zero) gives scikit-learn's rank and
    its minimum-norm coefficients (scipy's float32 lstsq)."""
    rng = np.random.RandomState(15)
    X = rng.randn(500, 4)
    X = np.hstack([X, X[:, :1] + X[:, 1:2]]).astype(np.float32)     # rank 4 of 5
    y = (X.astype(np.float64) @ [1.0, -2.0, 0.5, 3.0, 1.0] + 0.01 * rng.randn(500))
    ours = LinearRegression(solver="qr").fit(X, y.astype(np.float32))
    theirs = sk_linear.LinearRegression().fit(X, y.astype(np.float32))
    assert ours.rank_ == theirs.rank_ == 4
    _close(ours.coef_, theirs.coef_, np.abs(theirs.coef_).max(), factor=2000)


def test_pca_nb_gmm_float32_match_sklearn_float32():
    """The float32 fits against scikit-learn's float32 fits of the same data."""
    rng = np.random.RandomState(16)
    X = (rng.randn(600, 5) * [4.0, 2.0, 1.0, 0.5, 0.25] + 3.0).astype(np.float32)
    ours, theirs = PCA(3).fit(X), sk_decomposition.PCA(3).fit(X)
    # the same axes up to sign (the sign conventions differ: compare |cos| of the
    # angles between the axes) and the same variances
    cos = np.abs(np.sum(ours.components_.astype(np.float64) * theirs.components_, axis=1))
    assert np.all(cos > 1 - 1e-4)
    _close(ours.explained_variance_, theirs.explained_variance_,
           theirs.explained_variance_[0], factor=2000)
    Xb, yb = _blobs(n=400)
    Xb = Xb.astype(np.float32)
    a, b = GaussianNB().fit(Xb, yb), sk_nb.GaussianNB().fit(Xb, yb)
    _close(a.theta_, b.theta_, np.abs(Xb).max())
    _close(a.var_, b.var_, b.var_.max(), factor=1000)
    means_init = np.array([Xb[yb == c].mean(0) for c in range(3)])
    g_a = GaussianMixture(3, means_init=means_init, random_state=0).fit(Xb)
    g_b = sk_mixture.GaussianMixture(3, means_init=means_init, random_state=0).fit(Xb)
    _close(g_a.means_, g_b.means_, np.abs(Xb).max(), factor=2000)
    _close(g_a.weights_, g_b.weights_, 1.0, factor=2000)

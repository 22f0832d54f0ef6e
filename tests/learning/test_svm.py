"""SVC / SVR: a hand-worked case, KKT conditions of the SMO solution, seeded comparisons
with scikit-learn (LIBSVM), probabilities, kernels, weights and bad input."""
import pickle

import numpy as np
import pytest
from hypothesis import given, strategies as st
from scipy.optimize import minimize
from sklearn import datasets
from sklearn import svm as sksvm
from sklearn.preprocessing import StandardScaler

from rusty_machine.exceptions import ConvergenceWarning, NotFittedError
from rusty_machine.learning import kernels
from rusty_machine.learning import _smo
from rusty_machine.learning.svm import SVC, SVR, _sigmoid_train

EPS = np.finfo(float).eps


def _std(loader):
    X, y = loader(return_X_y=True)
    return StandardScaler().fit_transform(X), y


DATA = {"iris": _std(datasets.load_iris), "wine": _std(datasets.load_wine),
        "breast_cancer": _std(datasets.load_breast_cancer)}


def test_hand_worked_two_points():
    """x = 0 (class -1) and x = 2 (class +1), hard margin: w = 1, b = -1, alpha = 1/2."""
    X = np.array([[0.0], [2.0]])
    y = np.array([-1, 1])
    clf = SVC(kernel="linear", C=100.0, tol=1e-8).fit(X, y)
    np.testing.assert_allclose(clf.coef_, [[1.0]], atol=1e-10)
    np.testing.assert_allclose(clf.intercept_, [-1.0], atol=1e-10)
    np.testing.assert_allclose(clf.dual_coef_, [[-0.5, 0.5]], atol=1e-10)
    np.testing.assert_allclose(clf.decision_function([[1.0], [3.0]]), [0.0, 2.0], atol=1e-10)
    np.testing.assert_array_equal(clf.support_, [0, 1])
    np.testing.assert_array_equal(clf.n_support_, [1, 1])


@pytest.mark.parametrize("kernel", ["rbf", "linear", "poly"])
def test_smo_solution_satisfies_kkt(kernel):
    """0 <= a <= C, y'a = 0, and y_i f(x_i) >= 1 - tol (a = 0), = 1 (0 < a < C),
    <= 1 + tol (a = C) with f recomputed independently from the dual coefficients."""
    X, y = datasets.make_classification(300, 6, random_state=1)
    X = StandardScaler().fit_transform(X)
    tol, C = 1e-3, 2.0
    clf = SVC(kernel=kernel, C=C, tol=tol).fit(X, y)
    ys = np.where(y == clf.classes_[1], 1.0, -1.0)
    alpha = np.zeros(len(y))
    alpha[clf.support_] = clf.dual_coef_[0] * ys[clf.support_]     # dual_coef = y a
    assert (alpha >= 0).all() and (alpha <= C * (1 + 4 * EPS)).all()
    assert abs(np.dot(ys, alpha)) <= 100 * EPS * C * len(y)
    gamma = 1.0 / (X.shape[1] * X.var())
    if kernel == "rbf":
        Km = np.exp(-gamma * ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1))
    elif kernel == "linear":
        Km = X.dot(X.T)
    else:
        Km = (gamma * X.dot(X.T)) ** 3
    f = Km.dot(alpha * ys) + clf.intercept_[0]
    np.testing.assert_allclose(f, clf.decision_function(X), atol=1e-10 * np.abs(f).max())
    margin = ys * f
    at0 = alpha <= 0
    atC = alpha >= C
    free = ~at0 & ~atC
    assert (margin[at0] >= 1 - tol).all()
    assert (margin[atC] <= 1 + tol).all()
    assert np.abs(margin[free] - 1).max() <= tol


def test_solver_gradient_and_objective():
    """The returned gradient is Q a + p and the objective 1/2 a'Qa + p'a."""
    rng = np.random.RandomState(0)
    X = rng.randn(80, 3)
    y = np.where(X[:, 0] + 0.3 * rng.randn(80) > 0, 1.0, -1.0)
    C = np.full(80, 1.5)
    s = _smo.Solver(X, None, np.arange(80), y, -np.ones(80), C, 2, 0.5, 0.0, 3, 0.001)
    alpha, rho, it, G, obj = s.solve(1e-6, True, 10 ** 6)
    Q = np.outer(y, y) * np.exp(-0.5 * ((X[:, None] - X[None]) ** 2).sum(-1))
    np.testing.assert_allclose(G, Q.dot(alpha) - 1, atol=1e-10)
    assert obj == pytest.approx(0.5 * alpha.dot(Q.dot(alpha)) - alpha.sum(), rel=1e-12)
    # a tiny cache (0.001 MB: 2 rows) gives the same solution as a large one
    s2 = _smo.Solver(X, None, np.arange(80), y, -np.ones(80), C, 2, 0.5, 0.0, 3, 100)
    alpha2 = s2.solve(1e-6, True, 10 ** 6)[0]
    np.testing.assert_allclose(alpha, alpha2, atol=1e-10)
    assert s.n_rows_computed > s2.n_rows_computed


# ---- agreement with scikit-learn (LIBSVM) at tol=1e-10 ---------------------------------
# LIBSVM keeps its kernel rows in single precision (Qfloat = float): on a built-in kernel
# scikit-learn solves the dual of the kernel rounded to float32. Fed a kernel matrix that
# is already float32-exact (kernel="precomputed", or a callable returning such values) both
# libraries solve the same problem, and the same SMO (working-set selection, shrinking,
# stopping rule) lands on the same iterate: support, duals, intercepts and decision values
# agree to rounding. On built-in kernels the float32 rounding of scikit-learn's kernel is
# the only difference, so the comparison there is bounded by it.
EPS32 = float(np.finfo(np.float32).eps)
KERNEL_OPTS = {"linear": {}, "poly": {"degree": 2, "coef0": 1.0}, "rbf": {},
               "sigmoid": {"coef0": -0.5}}


def _scaled(loader, f):
    X, y = loader(return_X_y=True)
    return f * StandardScaler().fit_transform(X), y


# the scale factor makes X.var() != 1, so gamma="scale" and gamma="auto" differ
STRICT = {"iris": _scaled(datasets.load_iris, 0.6), "wine": _scaled(datasets.load_wine, 0.5),
          "breast_cancer": _scaled(datasets.load_breast_cancer, 0.8)}


def _gamma(X, setting):
    return 1.0 / (X.shape[1] * X.var()) if setting == "scale" else 1.0 / X.shape[1]


def _gram(kernel, A, B, gamma, degree=3, coef0=0.0):
    """The kernel matrix computed here with numpy (the reference definitions)."""
    d = A.dot(B.T)
    if kernel == "linear":
        return d
    if kernel == "poly":
        return (gamma * d + coef0) ** degree
    if kernel == "sigmoid":
        return np.tanh(gamma * d + coef0)
    sq_a, sq_b = (A ** 2).sum(1), (B ** 2).sum(1)
    return np.exp(-gamma * np.maximum(sq_a[:, None] + sq_b[None] - 2 * d, 0))


def _f32(K):
    return K.astype(np.float32).astype(np.float64)


def _weights(y):
    w = np.random.RandomState(0).uniform(0.3, 2.0, len(y))
    return w, {0: 1.5, 1: 0.7}


def _assert_same_svc(ours, ref, X_ours, X_ref, atol):
    np.testing.assert_array_equal(ours.support_, ref.support_)
    np.testing.assert_array_equal(ours.n_support_, ref.n_support_)
    np.testing.assert_allclose(ours.dual_coef_, ref.dual_coef_, rtol=0, atol=atol)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=0, atol=atol)
    np.testing.assert_allclose(ours.decision_function(X_ours), ref.decision_function(X_ref),
                               rtol=0, atol=atol)
    np.testing.assert_array_equal(ours.predict(X_ours), ref.predict(X_ref))


@pytest.mark.parametrize("gamma", ["scale", "auto"])
@pytest.mark.parametrize("kernel", sorted(KERNEL_OPTS))
@pytest.mark.parametrize("name", sorted(STRICT))
def test_svc_is_libsvm_on_a_float32_exact_kernel(name, kernel, gamma):
    """Same problem on both sides (kernel entries exact in float32, class and sample
    weights): the same support and duals to rounding, one-vs-one and one-vs-rest."""
    X, y = STRICT[name]
    w, cw = _weights(y)
    K = _f32(_gram(kernel, X, X, _gamma(X, gamma), **KERNEL_OPTS[kernel]))
    params = dict(kernel="precomputed", C=2.0, tol=1e-10, class_weight=cw)
    ours = SVC(**params).fit(K, y, sample_weight=w)
    ref = sksvm.SVC(**params).fit(K, y, sample_weight=w)
    _assert_same_svc(ours, ref, K, K, atol=100 * EPS * np.abs(K).max() * 2.0 * w.max())
    ours_ovo = SVC(decision_function_shape="ovo", **params).fit(K, y, sample_weight=w)
    ref_ovo = sksvm.SVC(decision_function_shape="ovo", **params).fit(K, y, sample_weight=w)
    np.testing.assert_allclose(ours_ovo.decision_function(K), ref_ovo.decision_function(K),
                               rtol=0, atol=1e-12 * np.abs(K).max() * len(y))


@pytest.mark.parametrize("gamma", ["scale", "auto"])
@pytest.mark.parametrize("kernel", sorted(KERNEL_OPTS))
@pytest.mark.parametrize("name", sorted(STRICT))
def test_svc_builtin_kernels_match_sklearn(name, kernel, gamma):
    """Every built-in kernel, both gamma settings, degree/coef0, class and sample weights:
    (1) ours on the built-in kernel equals ours on the same kernel precomputed in double
    (our two kernel paths: 1e-8); (2) scikit-learn differs only by its float32 kernel:
    the same support, and values within that rounding."""
    X, y = STRICT[name]
    w, cw = _weights(y)
    opts = KERNEL_OPTS[kernel]
    params = dict(C=2.0, tol=1e-10, class_weight=cw)
    ours = SVC(kernel=kernel, gamma=gamma, **opts, **params).fit(X, y, sample_weight=w)
    K = _gram(kernel, X, X, _gamma(X, gamma), **opts)
    scale = np.abs(K).max()
    pre = SVC(kernel="precomputed", **params).fit(K, y, sample_weight=w)
    _assert_same_svc(ours, pre, X, K, atol=1e-8 * max(1.0, scale))
    ref = sksvm.SVC(kernel=kernel, gamma=gamma, **opts, **params).fit(X, y,
                                                                      sample_weight=w)
    np.testing.assert_array_equal(ours.support_, ref.support_)
    np.testing.assert_array_equal(ours.n_support_, ref.n_support_)
    # a kernel perturbed by |dK| <= eps32 |K| moves f = sum_i a_i K(x_i, .) + b by about
    # eps32 max|K| sum|a| (plus the duals' own shift, of the same order)
    bound = 16 * EPS32 * max(1.0, scale) * (np.abs(ref.dual_coef_).sum() + 1)
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X),
                               rtol=0, atol=bound)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=0, atol=bound)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    if kernel == "linear":
        np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=bound)


def test_callable_kernel_matches_sklearn():
    """A callable kernel (float32-exact values) on both sides: the same fit to rounding,
    predictions on new rows through the callable's cross-kernel included."""
    X, y = STRICT["wine"]
    g = _gamma(X, "scale")

    def kernel(A, B):
        return _f32(_gram("rbf", np.asarray(A), np.asarray(B), g))

    w, cw = _weights(y)
    ours = SVC(kernel=kernel, C=2.0, tol=1e-10, class_weight=cw).fit(X, y, sample_weight=w)
    ref = sksvm.SVC(kernel=kernel, C=2.0, tol=1e-10, class_weight=cw).fit(X, y,
                                                                          sample_weight=w)
    Xt = X[::3] + 0.1
    _assert_same_svc(ours, ref, Xt, Xt, atol=1e-12)


def test_class_weight_balanced_matches_sklearn():
    X, y = STRICT["iris"]
    K = _f32(_gram("rbf", X, X, _gamma(X, "scale")))
    rows = np.arange(120)                      # unequal classes: 50, 50, 20
    Kb = K[np.ix_(rows, rows)]
    ours = SVC(kernel="precomputed", class_weight="balanced", tol=1e-10).fit(Kb, y[rows])
    ref = sksvm.SVC(kernel="precomputed", class_weight="balanced", tol=1e-10).fit(Kb, y[rows])
    _assert_same_svc(ours, ref, Kb, Kb, atol=1e-12)
    assert not np.array_equal(ours.dual_coef_,
                              SVC(kernel="precomputed", tol=1e-10).fit(Kb, y[rows]).dual_coef_)


def _diabetes():
    X, y = datasets.load_diabetes(return_X_y=True)
    X = 0.7 * StandardScaler().fit_transform(X)
    return X, (y - y.mean()) / y.std()


@pytest.mark.parametrize("gamma", ["scale", "auto"])
@pytest.mark.parametrize("kernel", sorted(KERNEL_OPTS))
def test_svr_matches_sklearn(kernel, gamma):
    """epsilon-SVR, every kernel and gamma setting, sample weights (some zero: left out of
    the problem): on the float32-exact kernel the same fit as LIBSVM to rounding, on the
    built-in kernel the same support and values within scikit-learn's float32 rounding."""
    X, y = _diabetes()
    w = np.random.RandomState(5).uniform(0.2, 3.0, len(y))
    w[:20] = 0.0
    opts = KERNEL_OPTS[kernel]
    params = dict(C=2.0, epsilon=0.2, tol=1e-10)
    K = _gram(kernel, X, X, _gamma(X, gamma), **opts)
    K32 = _f32(K)
    # scikit-learn drops zero-weight rows before LIBSVM sees them and then reports support_
    # (and, for a precomputed kernel, reads test-kernel columns) in the reduced numbering:
    # positive weights here, zero weights on the built-in kernel below
    w_pos = np.where(w > 0, w, 0.05)
    ours = SVR(kernel="precomputed", **params).fit(K32, y, sample_weight=w_pos)
    ref = sksvm.SVR(kernel="precomputed", **params).fit(K32, y, sample_weight=w_pos)
    np.testing.assert_array_equal(ours.support_, ref.support_)
    atol = 100 * EPS * np.abs(K).max() * 2.0 * w.max()
    np.testing.assert_allclose(ours.dual_coef_, ref.dual_coef_, rtol=0, atol=atol)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=0, atol=atol)
    np.testing.assert_allclose(ours.predict(K32), ref.predict(K32), rtol=0, atol=atol)

    ours_b = SVR(kernel=kernel, gamma=gamma, **opts, **params).fit(X, y, sample_weight=w)
    assert not np.isin(np.arange(20), ours_b.support_).any()
    pre = SVR(kernel="precomputed", **params).fit(K, y, sample_weight=w)
    np.testing.assert_array_equal(ours_b.support_, pre.support_)
    np.testing.assert_allclose(ours_b.predict(X), pre.predict(K), rtol=0,
                               atol=1e-8 * max(1.0, np.abs(K).max()))
    ref_b = sksvm.SVR(kernel=kernel, gamma=gamma, **opts, **params).fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(ours_b.support_, np.flatnonzero(w > 0)[ref_b.support_])
    bound = 16 * EPS32 * max(1.0, np.abs(K).max()) * (np.abs(ref_b.dual_coef_).sum() + 1)
    np.testing.assert_allclose(ours_b.predict(X), ref_b.predict(X), rtol=0, atol=bound)
    if kernel == "linear":
        np.testing.assert_allclose(ours_b.coef_, ref_b.coef_, rtol=0, atol=bound)
    # KKT for the tube: |residual| <= epsilon off the support (to the solver's tolerance)
    res = np.abs(ours_b.predict(X) - y)
    off = np.setdiff1d(np.arange(20, len(y)), ours_b.support_)
    assert (res[off] <= 0.2 + 1e-9).all()


def test_precomputed_and_callable_kernels():
    X, y = DATA["wine"]
    gamma, tol = 0.05, 1e-10
    # the kernel entries agree to rounding only, so the SMO paths may differ: solve
    # tightly (tol 1e-10) so that both land on the same optimum
    rbf = SVC(gamma=gamma, tol=tol).fit(X, y)
    Kxx = np.exp(-gamma * ((X[:, None] - X[None]) ** 2).sum(-1))
    pre = SVC(kernel="precomputed", tol=tol).fit(Kxx, y)
    np.testing.assert_array_equal(pre.support_, rbf.support_)
    np.testing.assert_allclose(pre.decision_function(Kxx), rbf.decision_function(X), atol=1e-7)
    # our kernel object: RBF(l) = exp(-||x - y||^2 / (2 l^2)), gamma = 1 / (2 l^2)
    call = SVC(kernel=kernels.RBF(np.sqrt(0.5 / gamma)), tol=tol).fit(X, y)
    np.testing.assert_allclose(call.decision_function(X[:20]), rbf.decision_function(X[:20]),
                               atol=1e-7)
    with pytest.raises(ValueError, match="square"):
        SVC(kernel="precomputed").fit(Kxx[:, :10], y)
    with pytest.raises(ValueError, match="178"):
        pre.predict(Kxx[:, :10])


def test_sigmoid_fit_minimises_regularised_likelihood():
    rng = np.random.RandomState(0)
    dec = rng.randn(200) * 2
    labels = np.where(dec + rng.randn(200) > 0, 1, -1)
    A, B = _sigmoid_train(dec, labels)
    n1, n0 = (labels > 0).sum(), (labels < 0).sum()
    t = np.where(labels > 0, (n1 + 1) / (n1 + 2), 1 / (n0 + 2))

    def nll(ab):
        f = dec * ab[0] + ab[1]
        return np.sum(t * f + np.logaddexp(0, -f))

    ref = minimize(nll, [0.0, 0.0], method="BFGS", options={"gtol": 1e-10})
    assert nll([A, B]) <= ref.fun + 1e-8
    np.testing.assert_allclose([A, B], ref.x, atol=1e-4)


@pytest.mark.filterwarnings("ignore:The `probability` parameter:FutureWarning")  # sklearn 1.9
def test_probabilities():
    X, y = DATA["iris"]
    clf = SVC(probability=True, random_state=0).fit(X, y)
    P = clf.predict_proba(X)
    assert P.shape == (150, 3)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, atol=1e-6)
    assert (P >= 0).all() and (P <= 1).all()
    # can disagree with predict, but not often on separable-ish data
    assert np.mean(P.argmax(1) == clf.predict(X)) > 0.9
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X[:5])), P[:5])
    ref = sksvm.SVC(probability=True, random_state=0).fit(X, y).predict_proba(X)
    assert np.abs(P - ref).mean() < 0.05           # different CV folds: close, not equal
    Xb, yb = DATA["breast_cancer"]
    Pb = SVC(probability=True, random_state=0).fit(Xb, yb).predict_proba(Xb)
    assert Pb.shape == (len(yb), 2)
    ref_b = sksvm.SVC(probability=True, random_state=0).fit(Xb, yb).predict_proba(Xb)
    assert np.abs(Pb - ref_b).mean() < 0.01
    assert not hasattr(SVC(), "predict_proba")
    clone_state = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(clone_state.predict_proba(X), P)


def test_bad_input():
    X, y = DATA["iris"]
    Xn = X.copy()
    Xn[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        SVC().fit(Xn, y)
    Xn[3, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        SVR().fit(Xn, y.astype(float))
    with pytest.raises(ValueError, match="class"):
        SVC().fit(X, np.zeros(len(y)))
    for g in (0.0, -1.0):
        with pytest.raises(ValueError, match="gamma"):
            SVC(gamma=g).fit(X, y)
    for C in (0.0, -2.0):
        with pytest.raises(ValueError, match="C must be"):
            SVC(C=C).fit(X, y)
        with pytest.raises(ValueError, match="C must be"):
            SVR(C=C).fit(X, y.astype(float))
    with pytest.raises(ValueError, match="kernel"):
        SVC(kernel="cubic").fit(X, y)
    with pytest.raises(ValueError, match="epsilon"):
        SVR(epsilon=-1.0).fit(X, y.astype(float))
    with pytest.raises(ValueError, match="overflows"):
        SVC(kernel="poly", gamma=1e200).fit(X, y)
    with pytest.raises(NotFittedError):
        SVC().predict(X)
    with pytest.raises(ValueError, match="features"):
        SVC().fit(X, y).predict(X[:, :2])


def test_iteration_cap_warns():
    X, y = DATA["breast_cancer"]
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        clf = SVC(max_iter=5).fit(X, y)
    assert clf.n_iter_[0] == 5



@given(seed=st.integers(0, 2 ** 31 - 1), n=st.integers(2, 40), d=st.integers(1, 5),
       kind=st.sampled_from([0, 1, 2, 3]), svr=st.booleans(), shrinking=st.booleans(),
       cache=st.sampled_from([1e-4, 200.0]))
def test_solver_stops_at_an_approximate_kkt_point(seed, n, d, kind, svr, shrinking, cache):
    """Whatever the data: 0 <= a <= C, y'a = 0, and the maximal violating pair's gap
    m(a) - M(a) = max_{I_up} -y G - min_{I_low} -y G is below tol [Fan et al. eq. 9],
    with G = Q a + p recomputed here from the kernel matrix."""
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    gamma, coef0, degree = 0.5, 0.3, 2
    dots = X.dot(X.T)
    sq = (X ** 2).sum(1)
    Kmat = [dots, (gamma * dots + coef0) ** degree,
            np.exp(-gamma * np.maximum(sq[:, None] + sq[None] - 2 * dots, 0)),
            np.tanh(gamma * dots + coef0)][kind]
    C = rng.uniform(0.1, 5.0, n)
    if svr:
        z = rng.randn(n)
        real = np.concatenate([np.arange(n)] * 2)
        y = np.concatenate([np.ones(n), -np.ones(n)])
        p = np.concatenate([0.1 - z, 0.1 + z])
        C = np.concatenate([C, C])
    else:
        real = np.arange(n)
        y = np.where(rng.rand(n) < 0.5, 1.0, -1.0)
        y[0], y[-1] = 1.0, -1.0
        p = -np.ones(n)
    tol = 1e-3
    s = _smo.Solver(X, None, real, y, p, C, kind, gamma, coef0, degree, cache)
    alpha, rho, it, G, obj = s.solve(tol, shrinking, 10 ** 6)
    assert it < 10 ** 6
    Q = np.outer(y, y) * Kmat[np.ix_(real, real)]
    G_ref = Q.dot(alpha) + p
    scale = 1 + np.abs(Q).sum(1).max() * C.max()
    np.testing.assert_allclose(G, G_ref, atol=1e-9 * scale)
    assert (alpha >= 0).all() and (alpha <= C).all()
    assert abs(y.dot(alpha)) <= 1e-9 * C.sum()
    v = -y * G_ref
    up = np.where(y > 0, alpha < C, alpha > 0)
    low = np.where(y > 0, alpha > 0, alpha < C)
    if up.any() and low.any():
        assert v[up].max() - v[low].min() < tol + 1e-9 * scale

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


@pytest.mark.parametrize("name", sorted(DATA))
def test_svc_matches_sklearn(name):
    X, y = DATA[name]
    ours = SVC(C=1.0, gamma="scale").fit(X, y)
    ref = sksvm.SVC(C=1.0, gamma="scale").fit(X, y)
    diff = np.setxor1d(ours.support_, ref.support_).size
    assert diff <= 0.02 * ref.support_.size
    assert abs(ours.score(X, y) - ref.score(X, y)) <= 0.005
    np.testing.assert_array_equal(ours.n_support_, ref.n_support_)
    if diff == 0:
        # same support: the same dual to the solver's tolerance
        np.testing.assert_allclose(ours.dual_coef_, ref.dual_coef_, atol=1e-2)
        np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X),
                                   atol=1e-2)
    ours_ovo = SVC(decision_function_shape="ovo").fit(X, y).decision_function(X)
    ref_ovo = sksvm.SVC(decision_function_shape="ovo").fit(X, y).decision_function(X)
    assert ours_ovo.shape == ref_ovo.shape
    np.testing.assert_allclose(ours_ovo, ref_ovo, atol=1e-2)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_linear_coef_and_weights_match_sklearn():
    X, y = DATA["iris"]
    cw = {0: 2.0, 1: 0.5, 2: 1.0}
    w = np.random.RandomState(3).uniform(0.5, 2.0, len(y))
    ours = SVC(kernel="linear", C=0.7, class_weight=cw).fit(X, y, sample_weight=w)
    ref = sksvm.SVC(kernel="linear", C=0.7, class_weight=cw).fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(ours.support_, ref.support_)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=5e-3)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=5e-3)
    ours = SVC(class_weight="balanced").fit(X[:120], y[:120])
    ref = sksvm.SVC(class_weight="balanced").fit(X[:120], y[:120])
    np.testing.assert_array_equal(ours.support_, ref.support_)


def test_svr_matches_sklearn():
    X, y = datasets.load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    y = (y - y.mean()) / y.std()
    for kernel in ("rbf", "linear"):
        ours = SVR(kernel=kernel, C=1.0, epsilon=0.2).fit(X, y)
        ref = sksvm.SVR(kernel=kernel, C=1.0, epsilon=0.2).fit(X, y)
        assert np.setxor1d(ours.support_, ref.support_).size <= 0.02 * ref.support_.size
        np.testing.assert_allclose(ours.predict(X), ref.predict(X), atol=1e-2)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-2)
    w = np.random.RandomState(5).uniform(0.2, 3.0, len(y))
    w[:20] = 0.0                                    # zero weight: left out of the problem
    ours_w = SVR(C=2.0).fit(X, y, sample_weight=w)
    ref_w = sksvm.SVR(C=2.0).fit(X, y, sample_weight=w)
    assert not np.isin(np.arange(20), ours_w.support_).any()
    np.testing.assert_allclose(ours_w.predict(X), ref_w.predict(X), atol=1e-2)
    # KKT for the tube: |residual| <= eps for non-support vectors (within tol)
    res = np.abs(ours.predict(X) - y)
    non_sv = np.setdiff1d(np.arange(len(y)), ours.support_)
    assert (res[non_sv] <= 0.2 + 1e-3).all()


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

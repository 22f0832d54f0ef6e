"""Optimisers: minima of a convex quadratic and of Rosenbrock's function, bounds,
the per-batch step API, and bad input."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from rusty_machine.learning.optim import (SGD, LBFGS, AdaGrad, Adam, GradientDescent,
                                          OptimizeResult, RMSProp)

EPS = np.finfo(float).eps


def rosen(x):
    f = np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)
    g = np.zeros_like(x)
    g[:-1] = -400.0 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2.0 * (1.0 - x[:-1])
    g[1:] += 200.0 * (x[1:] - x[:-1] ** 2)
    return f, g


def make_quadratic(n=6, seed=0):
    rng = np.random.RandomState(seed)
    A = rng.randn(3 * n, n)
    Q = A.T @ A + np.eye(n)
    b = rng.randn(n)
    x_star = np.linalg.solve(Q, b)
    return (lambda x: (0.5 * x @ Q @ x - b @ x, Q @ x - b)), Q, x_star


def test_rosenbrock_gradient_matches_finite_differences():
    x = np.array([-1.2, 1.0, 0.3])
    f, g = rosen(x)
    h = 1e-6
    fd = np.array([(rosen(x + h * e)[0] - rosen(x - h * e)[0]) / (2 * h) for e in np.eye(3)])
    assert np.allclose(g, fd, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("n", [2, 10])
def test_lbfgs_reaches_rosenbrock_minimum(n):
    res = LBFGS(tol=1e-9, ftol=0.0, max_iter=500).minimize(rosen, np.full(n, -1.2))
    assert isinstance(res, OptimizeResult) and res.converged
    assert np.max(np.abs(res.x - 1.0)) < 1e-7
    assert res.fun < 1e-14 and res.n_fev >= res.n_iter > 0
    assert np.array_equal(res.grad, rosen(res.x)[1])


@pytest.mark.parametrize("opt", [
    GradientDescent(max_iter=5000, tol=1e-9),
    GradientDescent(learning_rate=0.01, line_search=False, max_iter=20000, tol=1e-9),
    SGD(0.01, momentum=0.9, max_iter=5000, tol=1e-9),
    SGD(0.01, momentum=0.9, nesterov=True, max_iter=5000, tol=1e-9),
    AdaGrad(0.5, max_iter=20000, tol=1e-9),
    Adam(0.05, max_iter=20000, tol=1e-9),
    LBFGS(tol=1e-10, ftol=0.0),
], ids=lambda o: repr(o)[:40])
def test_reaches_quadratic_minimum(opt):
    fun, Q, x_star = make_quadratic()
    res = opt.minimize(fun, np.zeros(6))
    assert res.converged, res.message
    # |x - x*| <= |Q^-1| |grad| <= |grad| since Q >= I
    assert np.max(np.abs(res.x - x_star)) < 1e-8


def test_rmsprop_gets_close_to_quadratic_minimum():
    # with a fixed step RMSProp ends in an O(learning_rate) neighbourhood of the minimum
    fun, Q, x_star = make_quadratic()
    res = RMSProp(0.001, max_iter=5000, tol=1e-9).minimize(fun, np.zeros(6))
    assert np.max(np.abs(res.x - x_star)) < 1e-2
    assert fun(res.x)[0] < fun(np.zeros(6))[0]


def test_adam_reaches_rosenbrock_minimum():
    res = Adam(0.02, max_iter=20000, tol=1e-6).minimize(rosen, np.array([-1.2, 1.0]))
    assert np.max(np.abs(res.x - 1.0)) < 1e-3


def test_lbfgs_bounds_respected_and_match_scipy():
    from scipy import optimize as so
    bounds = [(-2.0, 0.5)] * 6
    res = LBFGS(bounds=bounds, tol=1e-10, ftol=0.0).minimize(rosen, np.full(6, -1.2))
    ref = so.minimize(rosen, np.full(6, -1.2), jac=True, method="L-BFGS-B", bounds=bounds,
                      options=dict(gtol=1e-12, ftol=1e-15, maxiter=1000))
    assert res.converged
    assert np.all(res.x >= -2.0) and np.all(res.x <= 0.5)
    assert np.max(np.abs(res.x - ref.x)) < 1e-7
    assert res.fun <= ref.fun * (1 + 1e-10)


def test_lbfgs_bounds_quadratic_kkt():
    fun, Q, x_star = make_quadratic(seed=3)
    low, high = np.zeros(6), np.full(6, 0.05)
    seen = []
    res = LBFGS(bounds=(low, high), tol=1e-12, ftol=0.0).minimize(
        fun, np.full(6, 3.0), callback=lambda x, f: seen.append(x.copy()))
    assert all(np.all(x >= low) and np.all(x <= high) for x in seen)
    g = fun(res.x)[1]
    # KKT: g >= 0 at the lower bound, g <= 0 at the upper, g = 0 in between
    free = (res.x > low) & (res.x < high)
    assert np.all(np.abs(g[free]) < 1e-9)
    assert np.all(g[res.x == low] >= -1e-9) and np.all(g[res.x == high] <= 1e-9)


def test_callback_can_stop():
    fun, _, _ = make_quadratic()
    res = LBFGS().minimize(fun, np.zeros(6), callback=lambda x, f: True)
    assert res.n_iter == 1 and not res.converged and "callback" in res.message


def test_step_api_updates_in_place_and_keeps_state():
    w = np.ones((3, 2))
    b = np.zeros(2)
    opt = Adam(learning_rate=0.1)
    for _ in range(3):
        out = opt.step([w, b], [2 * w, b - 1.0])
    assert out[0] is w and opt.t == 3
    assert np.all(w < 1.0) and np.all(b > 0.0)
    # first Adam step moves each coordinate by exactly lr (bias-corrected, sign of g)
    p = np.array([1.0, -1.0])
    Adam(learning_rate=0.1).step(p, np.array([3.0, -0.5]))
    assert np.allclose(p, [0.9, -0.9], rtol=0, atol=1e-8)
    # SGD with momentum: v1 = -lr g, v2 = mu v1 - lr g
    p = np.array([0.0])
    opt = SGD(learning_rate=0.5, momentum=0.5)
    opt.step(p, np.array([1.0]))
    opt.step(p, np.array([1.0]))
    assert np.allclose(p, [-0.5 + (-0.25 - 0.5)], rtol=0, atol=4 * EPS)
    opt.reset()
    assert opt.t == 0


def test_step_bad_input():
    opt = SGD()
    with pytest.raises(ValueError, match="shape"):
        opt.step(np.zeros(3), np.zeros(2))
    with pytest.raises(TypeError, match="float64"):
        SGD().step(np.zeros(3, dtype=int), np.zeros(3))
    opt = SGD()
    opt.step([np.zeros(2)], [np.zeros(2)])
    with pytest.raises(ValueError, match="reset"):
        opt.step([np.zeros(2), np.zeros(1)], [np.zeros(2), np.zeros(1)])


@pytest.mark.parametrize("opt, match", [
    (LBFGS(m=0), "m must be"), (LBFGS(c1=0.95), "c1"), (LBFGS(max_iter=-1), "max_iter"),
    (SGD(momentum=1.0), "momentum"), (Adam(beta1=-0.1), "beta1"),
    (AdaGrad(learning_rate=0.0), "learning_rate"), (RMSProp(rho=1.5), "rho"),
    (LBFGS(bounds=[(1, 0), (0, 1)]), "low > high"), (LBFGS(bounds=[(0, 1)]), "pairs"),
])
def test_bad_parameters(opt, match):
    fun, _, _ = make_quadratic(n=2)
    with pytest.raises(ValueError, match=match):
        opt.minimize(fun, np.zeros(2))


def test_bad_fun_and_x0():
    with pytest.raises(ValueError, match="NaN"):
        LBFGS().minimize(rosen, [np.nan, 1.0])
    with pytest.raises(ValueError, match="gradient of size"):
        LBFGS().minimize(lambda x: (0.0, np.zeros(3)), np.zeros(2))
    with pytest.raises(TypeError, match="pair"):
        LBFGS().minimize(lambda x: 1.0, np.zeros(2))
    with pytest.raises(ValueError, match="not finite"):
        LBFGS().minimize(lambda x: (np.inf, x), np.zeros(2))


def test_nonfinite_region_is_avoided():
    # f = -log(1 - x^2): infinite outside (-1, 1); the line search must back off
    def fun(x):
        with np.errstate(divide="ignore", invalid="ignore"):
            t = 1.0 - x * x
            if np.any(t <= 0):
                return np.inf, np.full_like(x, np.nan)
            return float(-np.sum(np.log(t)) + np.sum(3 * x)), 2 * x / t + 3
    res = LBFGS(tol=1e-10, ftol=0.0).minimize(fun, np.array([0.0, 0.5]))
    assert np.all(np.abs(res.x) < 1) and np.max(np.abs(res.grad)) < 1e-8


@pytest.mark.parametrize("bounds, n", [
    ((np.array([0.0, 1.0]), np.array([2.0, 3.0])), 2), ([(0.0, 2.0), (1.0, 3.0)], 2),
    (np.array([[0.0, 2.0], [1.0, 3.0]]), 2), ([(0.0, 2.0), (1.0, None)], 2),
    ((np.zeros(3), np.full(3, 2.0)), 3), ([[0.0] * 3, [2.0] * 3], 3),
])
def test_bounds_formats(bounds, n):
    low, high = LBFGS(bounds=bounds)._parse_bounds(n)
    assert low[0] == 0.0 and high[0] == 2.0 and low.shape == high.shape == (n,)
    if n == 2:
        assert low[1] == 1.0 and (high[1] == 3.0 or high[1] == np.inf)


def test_lbfgs_bounded_reaches_a_bound_it_starts_just_inside():
    # Found by the property test below: a variable 3e-4 inside its upper bound with the
    # gradient pushing outward must end on the bound (Bertsekas' direction moves the
    # epsilon-active variables along -g), not stall there with a "converged" result.
    n, seed = 8, 1404562773
    rng = np.random.RandomState(seed)
    A = rng.randn(n + 3, n)
    Q = A.T @ A + 0.1 * np.eye(n)
    b = rng.randn(n) * 3
    fun = lambda x: (0.5 * x @ Q @ x - b @ x, Q @ x - b)     # noqa: E731
    low, high = rng.uniform(-1, 0, n), rng.uniform(0, 1, n)
    res = LBFGS(bounds=(low, high), tol=1e-9, ftol=0.0, max_iter=2000).minimize(
        fun, rng.randn(n))
    g = fun(res.x)[1]
    assert res.x[3] == high[3] and g[3] < 0
    free = (res.x > low) & (res.x < high)
    assert np.all(np.abs(g[free]) <= 1e-7 * np.abs(b).max())




@given(n=st.integers(1, 8), seed=st.integers(0, 2 ** 31 - 1), bounded=st.booleans())
def test_lbfgs_kkt_on_random_convex_quadratics(n, seed, bounded):
    rng = np.random.RandomState(seed)
    A = rng.randn(n + 3, n)
    Q = A.T @ A + 0.1 * np.eye(n)
    b = rng.randn(n) * 3
    fun = lambda x: (0.5 * x @ Q @ x - b @ x, Q @ x - b)     # noqa: E731
    low = rng.uniform(-1, 0, n) if bounded else np.full(n, -np.inf)
    high = rng.uniform(0, 1, n) if bounded else np.full(n, np.inf)
    opt = LBFGS(bounds=(low, high) if bounded else None, tol=1e-9, ftol=0.0, max_iter=2000)
    res = opt.minimize(fun, rng.randn(n))
    g = fun(res.x)[1]
    scale = 1e-7 * max(1.0, np.abs(b).max())
    assert np.all(res.x >= low) and np.all(res.x <= high)
    free = (res.x > low) & (res.x < high)
    assert np.all(np.abs(g[free]) <= scale)
    assert np.all(g[res.x == low] >= -scale) and np.all(g[res.x == high] <= scale)


@pytest.mark.parametrize("c1, c2", [(1e-4, 0.9), (1e-4, 0.1), (0.3, 0.4)])
def test_lbfgs_steps_satisfy_the_strong_wolfe_conditions_for_c1_c2(c1, c2):
    """Every accepted step alpha d_k satisfies f_{k+1} <= f_k + c1 alpha g_k'd_k and
    |g_{k+1}'d_k| <= c2 |g_k'd_k| [N&W eq. 3.7] for the c1, c2 given."""
    evals = {}

    def fun(x):
        f, g = rosen(x)
        evals[x.tobytes()] = (f, g)
        return f, g

    iterates = []
    x0 = np.full(6, -1.2)
    res = LBFGS(c1=c1, c2=c2, tol=1e-8, ftol=0.0, max_iter=200).minimize(
        fun, x0, callback=lambda x, f: iterates.append(x.copy()))
    assert res.converged
    path = [x0] + iterates
    for xk, xn in zip(path, path[1:]):
        fk, gk = evals[xk.tobytes()]
        fn, gn = evals[xn.tobytes()]
        step = xn - xk                                   # alpha d_k
        assert gk @ step < 0                             # a descent direction
        assert fn <= fk + c1 * (gk @ step) + 1e-12 * abs(fk)
        assert abs(gn @ step) <= c2 * abs(gk @ step) * (1 + 1e-9) + 1e-300


def test_lbfgs_max_ls_caps_the_evaluations_per_line_search():
    """At most max_ls evaluations per line search: between two iterates one search, or two
    when a failed search is retried from steepest descent (the memory cleared); with a cap
    of 1 on Rosenbrock the search soon gives up, with a message, where 25 converges."""
    for max_ls in (1, 2, 3, 25):
        count = [0]
        marks = [1]

        def fun(x):
            count[0] += 1
            return rosen(x)

        res = LBFGS(max_ls=max_ls, c2=0.1, tol=1e-8, ftol=0.0, max_iter=300).minimize(
            fun, np.full(6, -1.2), callback=lambda x, f: marks.append(count[0]))
        per_iteration = np.diff(marks)
        assert per_iteration.max() <= 2 * max_ls, (max_ls, per_iteration.max())
        assert count[0] - marks[-1] <= 2 * max_ls          # the last, failed or not, search
        if max_ls == 1:
            assert not res.converged and "line search" in res.message
        if max_ls == 25:
            assert res.converged and per_iteration.max() > 3

"""Tests of rusty_machine.linalg.solve_triangular against scipy.linalg.solve_triangular.

Backward-error ratio ||op(T) x - b|| / (n ||T|| ||x|| eps) < 30 [GVL4 Sec. 3.1.2,
Higham Ch. 8: substitution is backward stable], over every variant (lower/upper,
trans, unit diagonal), one and several right-hand sides, sizes crossing the dtrsm
base size and recursion, and the layout zoo.
"""
import importlib
import itertools

import numpy as np
import pytest
import scipy.linalg

from rusty_machine.exceptions import LinAlgError
from rusty_machine.linalg import Matrix, Vector

solve_triangular = importlib.import_module("rusty_machine.linalg._triangular").solve_triangular

EPS = np.finfo(float).eps
NORM = lambda a: np.linalg.norm(a, 1)        # noqa: E731


def tri(n, lower, seed=0):
    g = np.random.default_rng(seed)
    a = g.standard_normal((n, n)) / np.sqrt(max(n, 1)) + 2.0 * np.eye(n)
    return np.tril(a) if lower else np.triu(a)


def dense(t, lower, unit):
    d = np.tril(t) if lower else np.triu(t)
    if unit:
        np.fill_diagonal(d, 1.0)
    return d


@pytest.mark.parametrize("lower,trans,unit",
                         list(itertools.product([False, True], [0, 1, 2], [False, True])))
@pytest.mark.parametrize("n", [1, 4, 17, 90])
def test_against_scipy(lower, trans, unit, n):
    t = tri(n, lower, seed=n)
    # garbage in the triangle that is not read (and on the diagonal when unit)
    t_read = t.copy()
    t_read[np.triu_indices(n, 1) if lower else np.tril_indices(n, -1)] = np.nan
    if unit:
        np.fill_diagonal(t_read, np.nan)
    op = dense(t, lower, unit)
    op = op.T if trans else op
    g = np.random.default_rng(100 + n)
    for b in (g.standard_normal(n), g.standard_normal((n, 3))):
        x = solve_triangular(t_read, b, lower=lower, trans=trans, unit_diagonal=unit)
        assert isinstance(x, Vector if b.ndim == 1 else Matrix)
        x = np.asarray(x)
        assert x.shape == b.shape
        res = NORM(op @ x - b) / (n * NORM(op) * max(NORM(x), 1e-300) * EPS)
        assert res < 30
        ref = scipy.linalg.solve_triangular(t, b, lower=lower, trans=trans, unit_diagonal=unit)
        np.testing.assert_allclose(x, ref, rtol=1e-11, atol=1e-12)


def test_layouts_and_types():
    n = 30
    t = tri(n, True, 3)
    b = np.random.default_rng(4).standard_normal((n, 5))
    ref = np.asarray(solve_triangular(t, b, lower=True))
    wide = np.zeros((n, n + 4))
    wide[:, :n] = t
    big = np.zeros((2 * n, 10))
    big[::2, ::2] = b
    ro = t.copy()
    ro.flags.writeable = False
    for tt in (np.asfortranarray(t), wide[:, :n], ro, Matrix(t), t.tolist()):
        for bb in (b, np.asfortranarray(b), big[::2, ::2], Matrix(b)):
            assert np.array_equal(np.asarray(solve_triangular(tt, bb, lower=True)), ref)
    # b is never modified, T neither
    b0 = b.copy()
    solve_triangular(t, b, lower=True)
    assert np.array_equal(b, b0)
    # 1-D: numpy, Vector, list, strided view
    v = b[:, 0].copy()
    xr = np.asarray(solve_triangular(t, v, lower=True))
    for vv in (Vector(v), v.tolist(), b[:, 0]):
        assert np.array_equal(np.asarray(solve_triangular(t, vv, lower=True)), xr)
    # trans given as a letter or bool
    xt = np.asarray(solve_triangular(t, v, lower=True, trans="T"))
    assert np.array_equal(xt, np.asarray(solve_triangular(t, v, lower=True, trans=True)))
    assert np.array_equal(xt, np.asarray(solve_triangular(t, v, lower=True, trans="C")))


def test_hand_worked():
    # [2 0; 1 4] x = [2, 9] -> x = [1, 2]
    x = solve_triangular([[2.0, 0.0], [1.0, 4.0]], [2.0, 9.0], lower=True)
    assert np.asarray(x).tolist() == [1.0, 2.0]
    # the default is upper, as scipy: [2 1; 0 4] x = [4, 8] -> [1, 2]
    x = solve_triangular([[2.0, 1.0], [99.0, 4.0]], [4.0, 8.0])
    assert np.asarray(x).tolist() == [1.0, 2.0]


def test_errors():
    with pytest.raises(LinAlgError, match=r"matrix is singular: T\[2, 2\] is exactly zero"):
        solve_triangular(np.diag([1.0, 2.0, 0.0, 0.0]), np.ones(4))
    # a zero diagonal is fine with unit_diagonal
    x = solve_triangular(np.diag([1.0, 2.0, 0.0]), np.ones(3), unit_diagonal=True)
    assert np.asarray(x).tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match=r"\(3, 4\)"):
        solve_triangular(np.ones((3, 4)), np.ones(3))
    with pytest.raises(ValueError, match=r"\(3, 3\).*\(4,\)"):
        solve_triangular(np.eye(3), np.ones(4))
    with pytest.raises(ValueError, match=r"\(3, 3\).*\(2, 5\)"):
        solve_triangular(np.eye(3), np.ones((2, 5)))
    with pytest.raises(ValueError, match="1-D or 2-D"):
        solve_triangular(np.eye(3), np.ones((3, 1, 1)))
    with pytest.raises(ValueError, match=r"got shape \(3,\)"):
        solve_triangular(np.ones(3), np.ones(3))
    t = np.triu(np.ones((3, 3)))
    t[0, 2] = np.nan
    with pytest.raises(ValueError, match=r"NaN or infinity \(T\[0, 2\]\)"):
        solve_triangular(t, np.ones(3))
    # NaN outside the triangle that is read is ignored
    assert np.isfinite(np.asarray(solve_triangular(t, np.ones(3), lower=True))).all()
    with pytest.raises(ValueError, match="b contains NaN"):
        solve_triangular(np.eye(3), [1.0, np.inf, 0.0])
    with pytest.raises(ValueError, match="trans"):
        solve_triangular(np.eye(3), np.ones(3), trans="X")
    with pytest.raises(TypeError):
        solve_triangular(np.eye(2), ["a", "b"])
    # check_finite=False: no check, non-finite output
    x = solve_triangular(np.eye(2), [np.nan, 1.0], check_finite=False)
    assert np.isnan(np.asarray(x)[0])


def test_empty():
    assert np.asarray(solve_triangular(np.empty((0, 0)), np.empty(0))).shape == (0,)
    assert np.asarray(solve_triangular(np.empty((0, 0)), np.empty((0, 2)))).shape == (0, 2)
    assert np.asarray(solve_triangular(np.eye(3), np.empty((3, 0)))).shape == (3, 0)

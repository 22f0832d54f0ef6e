"""Tests of rusty_machine.linalg.cholesky: cholesky, cho_factor and the Cholesky object.

Accuracy is checked with LAPACK-style ratios that must stay below 30 [GVL4 Sec. 4.2.7:
the computed factor satisfies L L^T = A + E with ||E|| <= c n eps ||A||]:
    factorisation  ||A - L L^T|| / (n ||A|| eps)
    solve          ||A x - b|| / (n ||A|| ||x|| eps)
over a matrix zoo and a layout zoo, and the results are compared with numpy.
"""
import importlib
import pickle

import numpy as np
import pytest

from rusty_machine.exceptions import LinAlgError
from rusty_machine.linalg import Matrix, Vector

chol = importlib.import_module("rusty_machine.linalg._cholesky")
cholesky, cho_factor, Cholesky = chol.cholesky, chol.cho_factor, chol.Cholesky

EPS = np.finfo(float).eps
NORM = lambda a: np.linalg.norm(a, 1)        # noqa: E731  (1-norm, as LAPACK's tests)


def spd(n, seed=0, cond=None):
    """Random SPD matrix; with `cond`, eigenvalues log-spaced from 1 to 1/cond."""
    g = np.random.default_rng(seed)
    if cond is None:
        x = g.standard_normal((n, n))
        return x @ x.T + n * np.eye(n)
    q, _ = np.linalg.qr(g.standard_normal((n, n)))
    a = (q * np.logspace(0, -np.log10(cond), n)) @ q.T
    return (a + a.T) / 2                      # exactly symmetric


def hilbert(n):
    i = np.arange(n)
    return 1.0 / (i[:, None] + i[None, :] + 1.0)


def graded(n, seed=1):
    d = np.logspace(-4, 4, n)                 # entries from 1e-8 to 1e8
    a = d[:, None] * spd(n, seed) * d[None, :]
    return (a + a.T) / 2


def factor_ratio(a, l):
    n = a.shape[0]
    return NORM(a - l @ l.T) / (n * NORM(a) * EPS)


@pytest.fixture(params=["default", "tiny"])
def blocks(request):
    """Run with the default block sizes and with tiny ones (every path on small n)."""
    if request.param == "tiny":
        old = chol._set_block_sizes(potrf=8, potf2=3)
        yield request.param
        chol._set_block_sizes(**old)
    else:
        yield request.param


ZOO = ([("random", n, lambda n=n: spd(n, n)) for n in
        [1, 2, 3, 7, 16, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 255, 256, 257, 300]]
       + [("cond1e12", n, lambda n=n: spd(n, 7, cond=1e12)) for n in [10, 50, 140]]
       + [("graded", n, lambda n=n: graded(n)) for n in [9, 80]]
       + [("hilbert", n, lambda n=n: hilbert(n)) for n in [2, 5, 8, 10, 12]]
       + [("diagonal", 40, lambda: np.diag(np.linspace(1e-3, 1e3, 40)))]
       + [("identity", 33, lambda: np.eye(33))])


@pytest.mark.parametrize("kind,n,make", ZOO, ids=[f"{k}-{n}" for k, n, _ in ZOO])
def test_factor_zoo(kind, n, make, blocks):
    a = make()
    l = cholesky(a)
    assert isinstance(l, Matrix) and l.shape == (n, n)
    l = np.asarray(l)
    assert np.array_equal(l, np.tril(l))                  # exact zeros above
    assert np.all(np.diag(l) > 0)
    assert factor_ratio(a, l) < 30
    # the same factor as LAPACK's up to the conditioning of the factorisation
    ref = np.linalg.cholesky(a)
    if kind in ("random", "diagonal", "identity"):
        np.testing.assert_allclose(l, ref, rtol=0, atol=100 * n * EPS * np.abs(ref).max())
    if kind == "identity":
        assert np.array_equal(l, np.eye(n))
    # upper: U = L.T exactly (the same arithmetic on the transposed triangle)
    u = np.asarray(cholesky(a, lower=False))
    assert np.array_equal(u, l.T)


@pytest.mark.parametrize("n", [5, 70])
def test_layout_zoo(n):
    a = spd(n, 3)
    ref = np.asarray(cholesky(a))
    big = np.full((2 * n, 2 * n), np.nan)
    big[::2, ::2] = a
    wide = np.full((n, n + 5), np.nan)
    wide[:, :n] = a
    ro = a.copy()
    ro.flags.writeable = False
    layouts = {
        "fortran": np.asfortranarray(a),
        "strided": big[::2, ::2],
        "ld>cols": wide[:, :n],
        "negative": a[::-1, ::-1][::-1, ::-1],
        "reversed-copy": np.flipud(np.flipud(a)),
        "readonly": ro,
        "list": a.tolist(),
        "Matrix": Matrix(a),
        "float32": a.astype(np.float32),
    }
    for name, x in layouts.items():
        got = np.asarray(cholesky(x))
        if name == "float32":
            # computed in float32 (numpy.linalg's rule): the ratio in float32's epsilon
            assert got.dtype == np.float32
            ratio64 = factor_ratio(a.astype(np.float32).astype(float), got.astype(float))
            assert ratio64 * EPS / np.finfo(np.float32).eps < 30
        else:
            assert np.array_equal(got, ref), name
    assert np.array_equal(a, ro)                         # input never modified
    ai = np.round(a * 10).astype(np.int64)               # integer input
    assert factor_ratio(ai.astype(float), np.asarray(cholesky(ai))) < 30


def test_reads_one_triangle_only():
    a = spd(40, 5)
    low, up = np.tril(a), np.triu(a)
    low_nan, up_nan = low.copy(), up.copy()
    low_nan[np.triu_indices(40, 1)] = np.nan
    up_nan[np.tril_indices(40, -1)] = np.nan
    assert np.array_equal(np.asarray(cholesky(low_nan)), np.asarray(cholesky(a)))
    assert np.array_equal(np.asarray(cholesky(up_nan, lower=False)),
                          np.asarray(cholesky(a, lower=False)))
    f = cho_factor(up_nan, lower=False)
    np.testing.assert_allclose(np.asarray(f.U), np.linalg.cholesky(a).T, atol=1e-10)


@pytest.mark.parametrize("n", [1, 17, 150])
def test_solve(n, blocks):
    a = spd(n, 11)
    f = cho_factor(a)
    g = np.random.default_rng(n)
    b = g.standard_normal(n)
    x = f.solve(b)
    assert isinstance(x, Vector) and x.shape == (n,)
    x = np.asarray(x)
    assert NORM(a @ x - b) / (n * NORM(a) * NORM(x) * EPS) < 30
    np.testing.assert_allclose(x, np.linalg.solve(a, b), rtol=1e-10)
    bm = g.standard_normal((n, 4))
    xm = f.solve(bm)
    assert isinstance(xm, Matrix) and xm.shape == (n, 4)
    xm = np.asarray(xm)
    assert NORM(a @ xm - bm) / (n * NORM(a) * NORM(xm) * EPS) < 30
    # Vector / Matrix / list right-hand sides and a column view
    assert np.allclose(np.asarray(f.solve(Vector(b))), x)
    assert np.allclose(np.asarray(f.solve(Matrix(bm))), xm)
    assert np.allclose(np.asarray(f.solve(b.tolist())), x)
    assert np.allclose(np.asarray(f.solve(np.asfortranarray(bm))), xm)
    # ill-conditioned: the residual ratio is still small (backward stability)
    a = spd(n, 12, cond=1e12) if n > 1 else np.array([[1e-12]])
    f = cho_factor(a)
    x = np.asarray(f.solve(b))
    assert NORM(a @ x - b) / (n * NORM(a) * NORM(x) * EPS) < 30


def test_det_logdet_inv():
    a = spd(30, 2)
    f = cho_factor(a)
    sign, ref = np.linalg.slogdet(a)
    assert abs(f.logdet() - ref) <= 30 * 30 * EPS * abs(ref)
    assert f.det() == pytest.approx(np.linalg.det(a), rel=1e-12)
    inv = np.asarray(f.inv())
    assert isinstance(f.inv(), Matrix)
    assert np.array_equal(inv, inv.T)
    # ||A inv(A) - I|| <= c n eps cond(A) (a forward bound, hence the condition number)
    n = 30
    assert NORM(a @ inv - np.eye(n)) / (n * NORM(a) * NORM(inv) * EPS) < 30
    np.testing.assert_allclose(inv, np.linalg.inv(a), rtol=0,
                               atol=100 * n * EPS * NORM(a) * NORM(inv) ** 2 / NORM(inv))
    # larger, crossing the recursive inverse's split and the base size
    old = chol._set_block_sizes(potf2=5)
    try:
        for n in [6, 47]:
            a = spd(n, n)
            inv = np.asarray(cho_factor(a).inv())
            assert NORM(a @ inv - np.eye(n)) / (n * NORM(a) * NORM(inv) * EPS) < 30
    finally:
        chol._set_block_sizes(**old)
    # det via mantissa/exponent: partial products of diag = (1e200, 1e-200, ...) are fine
    f = cho_factor(np.diag([1e200, 1e-200, 4.0]))
    assert f.det() == pytest.approx(4.0, rel=1e-14)


def test_logdet_where_det_overflows():
    n = 600
    x = np.random.default_rng(9).standard_normal((n, 20))
    base = np.eye(n) + x @ x.T / n               # eigenvalues in [1, ~2]
    a = 1e3 * base                               # det >= 1e1800: overflows
    f = cho_factor(a)
    assert f.det() == np.inf
    with pytest.warns(RuntimeWarning):
        assert np.linalg.det(a) == np.inf
    sign, ref = np.linalg.slogdet(a)
    assert sign == 1.0
    assert abs(f.logdet() - ref) <= n * EPS * abs(ref) * 30
    # and tiny determinants underflow to 0 while logdet stays finite
    f = cho_factor(1e-3 * base)
    assert f.det() == 0.0 and np.isfinite(f.logdet())


def test_not_positive_definite(blocks):
    with pytest.raises(LinAlgError, match="leading minor of order 3 is not positive"):
        cholesky(np.diag([1.0, 2.0, -1.0, 4.0]))
    with pytest.raises(LinAlgError, match="order 2 "):
        cholesky([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(LinAlgError, match="order 1 "):
        cholesky([[0.0]])
    # the failing order is located across block boundaries
    for bad in [0, 9, 37, 49]:
        a = spd(50, 4)
        a[bad, bad] = -1e6
        with pytest.raises(LinAlgError, match="order %d is not" % (bad + 1)):
            cho_factor(a)
    # LinAlgError is a ValueError
    with pytest.raises(ValueError):
        cholesky(-np.eye(3))


def test_bad_input():
    with pytest.raises(ValueError, match=r"\(3, 4\)"):
        cholesky(np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"\(5,\)"):
        cholesky(np.ones(5))
    with pytest.raises(ValueError, match=r"\(2, 2, 2\)"):
        cho_factor(np.ones((2, 2, 2)))
    a = spd(6)
    a[4, 2] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity"):
        cholesky(a)
    a = spd(6)
    a[1, 1] = np.inf
    with pytest.raises(ValueError, match="NaN or infinity"):
        cho_factor(a, lower=False)
    with pytest.raises(TypeError):
        cholesky([["a", "b"], ["c", "d"]])
    f = cho_factor(spd(4))
    with pytest.raises(ValueError, match=r"\(4, 4\).*\(3,\)"):
        f.solve(np.ones(3))
    with pytest.raises(ValueError, match=r"\(4, 4\).*\(5, 2\)"):
        f.solve(np.ones((5, 2)))
    with pytest.raises(ValueError, match="NaN"):
        f.solve([1.0, np.nan, 0.0, 0.0])
    with pytest.raises(ValueError, match="1-D or 2-D"):
        f.solve(np.ones((4, 1, 1)))
    with pytest.raises(TypeError):
        Cholesky()


def test_empty():
    l = cholesky(np.empty((0, 0)))
    assert isinstance(l, Matrix) and l.shape == (0, 0)
    assert np.linalg.cholesky(np.empty((0, 0))).shape == (0, 0)
    f = cho_factor(np.empty((0, 0)))
    assert f.det() == 1.0 and f.logdet() == 0.0
    assert np.asarray(f.solve(np.empty(0))).shape == (0,)
    assert np.asarray(f.solve(np.empty((0, 3)))).shape == (0, 3)
    assert f.inv().shape == (0, 0)
    assert "n=0" in repr(f)


def test_object_accessors_repr_pickle():
    a = spd(12, 8)
    f = cho_factor(a)
    l = np.asarray(f.L)
    assert np.array_equal(np.asarray(f.factor), l)
    assert np.array_equal(np.asarray(f.U), l.T)
    fu = cho_factor(a, lower=False)
    assert not fu.lower and np.array_equal(np.asarray(fu.factor), l.T)
    # the accessors return copies: modifying one does not change the factorisation
    np.asarray(f.L)[:] = 0.0
    assert np.array_equal(np.asarray(f.L), l)
    r = repr(f)
    assert r.startswith("Cholesky(n=12, lower=True") and "logdet" in r
    g = pickle.loads(pickle.dumps(f))
    assert isinstance(g, Cholesky) and np.array_equal(np.asarray(g.L), l)
    assert g.lower == f.lower and g.logdet() == f.logdet()
    assert f.shape == (12, 12) and f.n == 12


try:
    from hypothesis import given, settings, strategies as st
except ImportError:                                   # pragma: no cover
    given = None

if given is not None:
    @settings(max_examples=30, deadline=None)
    @given(n=st.integers(1, 70), seed=st.integers(0, 2**31 - 1),
           potrf=st.integers(1, 40), potf2=st.integers(1, 12),
           lower=st.booleans())
    def test_property_random_blocks(n, seed, potrf, potf2, lower):
        """For any order and any block sizes: A = L L^T to a few n eps ||A||, and
        the solve is backward stable."""
        old = chol._set_block_sizes(potrf=potrf, potf2=potf2)
        try:
            a = spd(n, seed)
            f = cho_factor(a, lower=lower)
            l = np.asarray(f.L)
            assert factor_ratio(a, l) < 30
            u = np.asarray(f.factor)
            assert np.array_equal(u, l if lower else l.T)
            b = np.random.default_rng(seed).standard_normal(n)
            x = np.asarray(f.solve(b))
            assert NORM(a @ x - b) / (n * NORM(a) * NORM(x) * EPS) < 30
        finally:
            chol._set_block_sizes(**old)

"""eig / eigvals / hessenberg: residual ||A V - V diag(w)|| / (n ||A|| eps) < 30, unit
eigenvectors, eigenvalues against numpy, numpy's dtype and pair conventions, and a zoo
(GVL4 Sec. 7.5-7.6)."""
import numpy as np
import pytest

from rusty_machine.linalg import Matrix, eig, eigvals, hessenberg

EPS = np.finfo(float).eps


def _check(a, value_tol=30.0, same_dtype=True):
    """value_tol scales the eigenvalue comparison (ill-conditioned eigenvalues get a
    bound scaled by their condition). same_dtype=False where rounding may leave
    numpy with tiny imaginary parts on real eigenvalues (repeated eigenvalues)."""
    n = a.shape[0]
    w, V = eig(a)
    ref = np.linalg.eigvals(a)
    assert V.dtype == w.dtype
    if same_dtype:
        assert w.dtype == ref.dtype
    assert w.shape == (n,) and V.shape == (n, n)
    nrm = max(np.linalg.norm(a, 2), np.finfo(float).tiny)
    assert np.linalg.norm(a @ V - V * w) / (n * nrm * EPS) < 30
    assert np.allclose(np.linalg.norm(V, axis=0), 1.0, rtol=0, atol=30 * n * EPS)
    if np.iscomplexobj(w):
        # conjugate pairs adjacent, positive imaginary part first
        k = 0
        while k < n:
            if w[k].imag != 0:
                assert w[k].imag > 0 and w[k + 1] == np.conj(w[k])
                assert np.array_equal(V[:, k + 1], np.conj(V[:, k]))
                k += 2
            else:
                k += 1
    ws, rs = np.sort_complex(w), np.sort_complex(ref)
    assert np.max(np.abs(ws - rs)) <= value_tol * n * nrm * EPS
    w2 = eigvals(a)
    assert w2.dtype == w.dtype
    assert np.max(np.abs(np.sort_complex(w2) - rs)) <= value_tol * n * nrm * EPS
    return w, V


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 8, 17, 32, 50, 101, 140])
def test_random(n):
    _check(np.random.default_rng(n).standard_normal((n, n)))


def test_hand_2x2_complex():
    # [[1, -2], [2, 1]] has eigenvalues 1 +- 2i with vectors (1, -+i)/sqrt2
    w, V = eig([[1.0, -2.0], [2.0, 1.0]])
    assert w.dtype == np.complex128
    assert np.allclose(w, [1 + 2j, 1 - 2j], rtol=0, atol=8 * EPS)
    assert np.allclose(np.abs(V), 2 ** -0.5, atol=8 * EPS)


def test_hand_2x2_real():
    # [[2, 1], [0, 3]]: eigenvalues 2 and 3
    w, V = eig([[2.0, 1.0], [0.0, 3.0]])
    assert w.dtype == np.float64
    assert np.allclose(np.sort(w), [2.0, 3.0], rtol=0, atol=8 * EPS)


@pytest.mark.parametrize("theta", [0.1, 1.0, np.pi / 2, 3.0])
def test_rotations(theta):
    c, s = np.cos(theta), np.sin(theta)
    a = np.eye(4)
    a[:2, :2] = [[c, -s], [s, c]]
    a[2:, 2:] = [[c, s], [-s, c]]
    w, _ = _check(a)
    assert np.allclose(np.sort(np.abs(w.imag)), np.sort([s, s, s, s]) * np.sign(s), atol=8 * EPS)


def test_companion():
    # roots 1, 2, 3, 4 and +-i, -1 +- 2i: eigenvalues of the companion matrix
    roots = np.array([1, 2, 3, 4, 1j, -1j, -1 + 2j, -1 - 2j])
    p = np.poly(roots).real
    C = np.diag(np.ones(len(p) - 2), -1)
    C[0, :] = -p[1:]
    w, _ = _check(C)
    # the polynomial's roots, not only numpy's values (conditioning ~1e3 here)
    assert np.max(np.abs(np.sort_complex(w) - np.sort_complex(roots))) < 1e-9


@pytest.mark.parametrize("kind", ["jordan", "zero", "diagonal", "upper", "lower",
                                  "graded", "repeated", "identity", "permutation",
                                  "symmetric", "tiny", "huge"])
def test_zoo(kind):
    rng = np.random.default_rng(21)
    n = 12
    tol = 30.0
    if kind == "jordan":
        # defective: eigenvalue 2 of multiplicity 6, computed only to ~eps^(1/6)
        a = 2 * np.eye(6) + np.eye(6, k=1)
        w, V = eig(a)
        assert np.max(np.abs(w - 2)) < 10 * EPS ** (1 / 6)
        assert np.linalg.norm(a @ V - V * w) / (6 * np.linalg.norm(a, 2) * EPS) < 30
        # a similarity-transformed Jordan block (not triangular any more)
        X = rng.standard_normal((6, 6))
        a = X @ (5 * np.eye(6) + np.eye(6, k=1)) @ np.linalg.inv(X)
        w2 = eigvals(a)
        assert np.max(np.abs(w2 - 5)) < 10 * (np.linalg.cond(X) * EPS) ** (1 / 6) * 5
        w, V = eig(a)
        assert np.linalg.norm(a @ V - V * w) / (6 * np.linalg.norm(a, 2) * EPS) < 30
        return
    if kind == "zero":
        a = np.zeros((n, n))
    elif kind == "diagonal":
        a = np.diag(rng.standard_normal(n))
    elif kind == "upper":
        a = np.triu(rng.standard_normal((n, n)))
    elif kind == "lower":
        a = np.tril(rng.standard_normal((n, n)))
    elif kind == "graded":
        g = 10.0 ** -np.arange(n, dtype=float)
        a = rng.standard_normal((n, n)) * np.outer(g, 1 / g) ** 0.5
    elif kind == "repeated":
        X = rng.standard_normal((n, n))
        a = X @ np.diag(np.repeat([1.0, -1.0, 3.0], 4)) @ np.linalg.inv(X)
        tol = 30.0 * np.linalg.cond(X)
    elif kind == "identity":
        a = np.eye(n)
    elif kind == "permutation":
        a = np.eye(n)[rng.permutation(n)]
    elif kind == "symmetric":
        b = rng.standard_normal((n, n))
        a = b + b.T
    elif kind == "tiny":
        a = rng.standard_normal((n, n)) * 1e-300
    else:
        a = rng.standard_normal((n, n)) * 1e300
    if kind in ("tiny", "huge"):
        sc = np.max(np.abs(a))
        w, V = eig(a)
        ref = np.linalg.eigvals(a / sc)
        err = np.max(np.abs(np.sort_complex(w / sc) - np.sort_complex(ref)))
        assert err < 30 * n * EPS * np.linalg.norm(a / sc, 2)
        an = a / sc
        assert np.linalg.norm(an @ V - V * (w / sc)) / (n * np.linalg.norm(an, 2) * EPS) < 30
        return
    _check(np.ascontiguousarray(a), tol, same_dtype=(kind != "repeated"))


def test_zero_eigenvalue_of_multiplicity_three():
    # zero rows and columns: eigenvalue 0 three times, isolated by the balancing
    # permutation; the back substitution meets exactly singular pivots (regression: NaN)
    rng = np.random.default_rng(131)
    a = rng.standard_normal((14, 14))
    a[[2, 5, 9], :] = 0.0
    a[:, [2, 5, 9]] = 0.0
    w, V = _check(a)
    assert np.all(np.isfinite(V))
    assert np.sum(np.abs(w) <= 30 * 14 * EPS * np.linalg.norm(a, 2)) >= 3


def test_sparse_defective_zero_eigenvalue():
    """A sparse 17 x 17 matrix (10% nonzeros) whose eigenvalue 0 is defective with high
    multiplicity: the back substitution meets chains of zero pivots (regression:
    residual ratio ~4e3 when the pivots were perturbed to eps ||T||; dtrevc's smin
    with guarded scaling gives O(1))."""
    rng = np.random.default_rng(1268)
    a = (rng.random((17, 17)) < 0.1) * rng.standard_normal((17, 17))
    w, V = eig(a)
    assert np.all(np.isfinite(V))
    assert np.linalg.norm(a @ V - V * w) / (17 * np.linalg.norm(a, 2) * EPS) < 30


def test_layouts_and_errors():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((15, 15))
    ref = np.sort_complex(np.linalg.eigvals(a))
    big = np.zeros((30, 45))
    big[::2, ::3] = a
    ro = a.copy()
    ro.flags.writeable = False
    for x in [a, np.asfortranarray(a), big[::2, ::3], ro, a.tolist(), Matrix(a)]:
        w, _ = eig(x)
        assert np.max(np.abs(np.sort_complex(w) - ref)) < 30 * 15 * EPS * np.linalg.norm(a, 2)
    before = a.copy()
    eig(a)
    eigvals(a)
    assert np.array_equal(a, before)
    w, V = eig(np.empty((0, 0)))
    assert w.shape == (0,) and V.shape == (0, 0)
    with pytest.raises(ValueError, match=r"\(3, 4\)"):
        eig(np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"\(3, 4\)"):
        eigvals(np.ones((3, 4)))
    with pytest.raises(ValueError, match="NaN"):
        eig([[1.0, np.nan], [0.0, 1.0]])
    with pytest.raises(ValueError):
        eigvals([[np.inf]])
    with pytest.raises(TypeError):
        eig([["x"]])


@pytest.mark.parametrize("n", [1, 2, 3, 10, 45, 70, 150])
def test_hessenberg(n):
    a = np.random.default_rng(n).standard_normal((n, n))
    H, Q = hessenberg(a)
    H, Q = np.asarray(H), np.asarray(Q)
    assert np.array_equal(H, np.triu(H, -1))
    nrm = np.linalg.norm(a, 2)
    assert np.linalg.norm(Q @ H @ Q.T - a) / (n * nrm * EPS) < 30
    assert np.linalg.norm(Q.T @ Q - np.eye(n)) / (n * EPS) < 30


def test_iteration_cap_raises():
    """With the sweep cap forced to zero every iterative solver must stop with
    LinAlgError('... did not converge after N sweeps') instead of looping."""
    import importlib
    from rusty_machine.linalg import LinAlgError, eigh, eigvalsh, svd, svdvals
    eig_mod = importlib.import_module("rusty_machine.linalg._eig")
    eigh_mod = importlib.import_module("rusty_machine.linalg._eigh")
    svd_mod = importlib.import_module("rusty_machine.linalg._svd")
    a = np.random.default_rng(0).standard_normal((40, 40))
    old_e = eig_mod._set_cap_factor(0)
    old_h = eigh_mod._set_cap_factor(0)
    old_s = svd_mod._set_cap_factor(0)
    try:
        for fn, x in [(eig, a), (eigvals, a), (eigh, a + a.T), (eigvalsh, a + a.T),
                      (svd, a), (svdvals, a)]:
            with pytest.raises(LinAlgError, match="did not converge after"):
                fn(x)
    finally:
        eig_mod._set_cap_factor(old_e)
        eigh_mod._set_cap_factor(old_h)
        svd_mod._set_cap_factor(old_s)
    assert np.all(np.isfinite(eigvals(a)))


from hypothesis import given, settings, strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 25).flatmap(
    lambda n: arrays(np.float64, (n, n), elements=st.integers(-2, 2).map(float))))
def test_property_small_integer_matrices(a):
    """Residual and unit vectors on small integer matrices (defective and derogatory
    ones are common here, so the eigenvalues are not compared with numpy's)."""
    n = a.shape[0]
    w, V = eig(a)
    nrm = max(np.linalg.norm(a, 2), np.finfo(float).tiny)
    assert np.all(np.isfinite(w)) and np.all(np.isfinite(V))
    assert np.linalg.norm(a @ V - V * w) / (n * nrm * EPS) < 30
    assert np.allclose(np.linalg.norm(V, axis=0), 1.0, rtol=0, atol=30 * n * EPS)
    # the trace is the sum of the eigenvalues (exact up to rounding)
    assert abs(np.sum(w) - np.trace(a)) <= 30 * n * EPS * nrm * max(n, 1)

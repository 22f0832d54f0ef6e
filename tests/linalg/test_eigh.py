"""eigh / eigvalsh / tridiagonalize: residual and orthogonality ratios (GVL4 Sec. 8.3),
eigenvalues against numpy, and a zoo of structured matrices.

Accuracy ratios, each expected O(1) for a backward-stable method and required < 30:
  ||A V - V diag(w)|| / (n ||A|| eps),  ||V^T V - I|| / (n eps),
  max |w - w_numpy| / (n ||A|| eps).
"""
import numpy as np
import pytest

from rusty_machine.linalg import LinAlgError, Matrix, eigh, eigvalsh, tridiagonalize

EPS = np.finfo(float).eps


def _check_eigh(a):
    n = a.shape[0]
    w, V = eigh(a)
    w, V = np.asarray(w), np.asarray(V)
    assert w.shape == (n,) and V.shape == (n, n)
    sym = np.tril(a) + np.tril(a, -1).T
    # compare in a scaled copy so that the reference norms neither overflow nor underflow
    sc = np.max(np.abs(sym)) or 1.0
    sym, w = sym / sc, w / sc
    nrm = max(np.linalg.norm(sym, 2), np.finfo(float).tiny)
    assert np.all(np.diff(w) >= 0)
    assert np.linalg.norm(sym @ V - V * w) / (n * nrm * EPS) < 30
    assert np.linalg.norm(V.T @ V - np.eye(n)) / (n * EPS) < 30
    ref = np.linalg.eigvalsh(sym)
    assert np.max(np.abs(w - ref)) / (n * nrm * EPS) < 30
    wv = np.asarray(eigvalsh(a)) / sc
    assert np.max(np.abs(wv - ref)) / (n * nrm * EPS) < 30
    return w, V


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7, 16, 31, 32, 33, 65, 100, 150])
def test_random_symmetric(n):
    rng = np.random.default_rng(n)
    a = rng.standard_normal((n, n))
    _check_eigh(a + a.T)


def test_hand_2x2():
    # [[2, 1], [1, 2]] has eigenvalues 1 and 3 with vectors (1, -1)/sqrt2, (1, 1)/sqrt2
    w, V = eigh([[2.0, 1.0], [1.0, 2.0]])
    assert np.allclose(np.asarray(w), [1.0, 3.0], rtol=0, atol=4 * EPS)
    V = np.asarray(V)
    assert abs(abs(V[0, 0]) - 2 ** -0.5) < 4 * EPS
    assert V[0, 1] * V[1, 1] > 0 and V[0, 0] * V[1, 0] < 0


def test_reads_lower_triangle_only():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((20, 20))
    ref = np.linalg.eigvalsh(a, UPLO="L")
    for fill in [1e6, np.nan, np.inf]:
        junk = a.copy()
        junk[np.triu_indices(20, 1)] = fill
        w1, _ = eigh(junk)
        assert np.max(np.abs(np.asarray(w1) - ref)) < 30 * 20 * EPS * np.linalg.norm(a)
        assert np.max(np.abs(np.asarray(eigvalsh(junk)) - ref)) < 30 * 20 * EPS * np.linalg.norm(a)


@pytest.mark.parametrize("kind", ["repeated", "clustered", "graded", "zero", "diagonal",
                                  "identity", "wilkinson", "rank1", "tiny", "huge"])
def test_zoo(kind):
    rng = np.random.default_rng(7)
    n = 40
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    if kind == "repeated":
        a = (Q * np.repeat([1.0, -2.0, 5.0, 5.0], 10)) @ Q.T
    elif kind == "clustered":
        a = (Q * (1.0 + 1e-13 * rng.standard_normal(n))) @ Q.T
    elif kind == "graded":
        g = 10.0 ** -np.arange(n, dtype=float) / 4
        b = rng.standard_normal((n, n))
        a = (b + b.T) * np.outer(g, g)
    elif kind == "zero":
        a = np.zeros((n, n))
    elif kind == "diagonal":
        a = np.diag(rng.standard_normal(n))
    elif kind == "identity":
        a = np.eye(n)
    elif kind == "wilkinson":
        a = np.diag(np.abs(np.arange(n) - (n - 1) / 2)) + np.eye(n, k=1) + np.eye(n, k=-1)
    elif kind == "rank1":
        v = rng.standard_normal(n)
        a = np.outer(v, v)
    elif kind == "tiny":
        b = rng.standard_normal((n, n))
        a = (b + b.T) * 1e-300
    else:
        b = rng.standard_normal((n, n))
        a = (b + b.T) * 1e300
    _check_eigh(np.ascontiguousarray(a))


def test_layouts_and_types():
    rng = np.random.default_rng(3)
    b = rng.standard_normal((24, 24))
    a = b + b.T
    ref = np.linalg.eigvalsh(a)
    tol = 30 * 24 * EPS * np.linalg.norm(a, 2)
    big = np.zeros((48, 48))
    big[::2, ::2] = a
    ro = a.copy()
    ro.flags.writeable = False
    for x in [a, np.asfortranarray(a), big[::2, ::2], ro, a.tolist(), Matrix(a)]:
        w, V = eigh(x)
        assert np.max(np.abs(np.asarray(w) - ref)) < tol
    a_before = a.copy()
    eigh(a)
    eigvalsh(a)
    assert np.array_equal(a, a_before)


def test_empty_and_errors():
    w, V = eigh(np.empty((0, 0)))
    assert np.asarray(w).shape == (0,) and np.asarray(V).shape == (0, 0)
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        eigh(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        eigvalsh(np.ones((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        eigh([[1.0, np.nan], [np.nan, 1.0]])
    with pytest.raises(ValueError):
        eigvalsh([[np.inf]])
    with pytest.raises(ValueError):
        eigh(np.ones(3))
    with pytest.raises(TypeError):
        eigh([["a", "b"], ["c", "d"]])
    assert issubclass(LinAlgError, ValueError)


@pytest.mark.parametrize("n", [1, 2, 5, 33, 70])
def test_tridiagonalize(n):
    rng = np.random.default_rng(n)
    b = rng.standard_normal((n, n))
    a = b + b.T
    T, Q = tridiagonalize(a)
    T, Q = np.asarray(T), np.asarray(Q)
    nrm = np.linalg.norm(a, 2)
    assert np.array_equal(T, np.triu(np.tril(T, 1), -1))
    assert np.array_equal(T, T.T)
    assert np.linalg.norm(Q @ T @ Q.T - a) / (n * nrm * EPS) < 30
    assert np.linalg.norm(Q.T @ Q - np.eye(n)) / (n * EPS) < 30


@pytest.mark.parametrize("kind", ["random", "glued_wilkinson", "clustered", "one_two"])
def test_divide_and_conquer_matches_qr(kind, monkeypatch):
    """eigh's divide and conquer (n > 32) against the plain QR path on the same input:
    both must pass the ratios, including inputs with heavy deflation."""
    import importlib
    eigen = importlib.import_module("rusty_machine.linalg._eigh")
    rng = np.random.default_rng(17)
    n = 97
    if kind == "random":
        b = rng.standard_normal((n, n))
        a = b + b.T
    elif kind == "glued_wilkinson":
        w = np.diag(np.abs(np.arange(21) - 10.0)) + np.eye(21, k=1) + np.eye(21, k=-1)
        a = np.kron(np.eye(4), w)
        a += 1e-10 * (np.eye(84, k=1) + np.eye(84, k=-1))
    elif kind == "clustered":
        q, _ = np.linalg.qr(rng.standard_normal((n, n)))
        a = (q * np.concatenate([np.ones(40), 1 + 1e-10 * np.arange(40), -np.ones(17)])) @ q.T
    else:
        a = np.diag(np.tile([1.0, 2.0], 40)) + 0.5 * (np.eye(80, k=1) + np.eye(80, k=-1))
    a = np.ascontiguousarray(a)
    w_dc, _ = _check_eigh(a)
    monkeypatch.setattr(eigen, "_USE_DC", False)
    w_qr, _ = _check_eigh(a)
    assert np.max(np.abs(w_dc - w_qr)) <= 30 * a.shape[0] * EPS * np.linalg.norm(a, 2)


from hypothesis import given, settings, strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40).flatmap(
    lambda n: arrays(np.float64, (n, n), elements=st.integers(-3, 3).map(float))))
def test_property_small_integer_matrices(a):
    # small integer entries: many repeated eigenvalues, zero rows, exact structure
    _check_eigh(a)


def test_output_types():
    from rusty_machine.linalg import Vector
    w, V = eigh(np.eye(3))
    assert isinstance(w, Vector) and isinstance(V, Matrix)
    assert isinstance(eigvalsh(np.eye(3)), Vector)
    T, Q = tridiagonalize(np.eye(3))
    assert isinstance(T, Matrix) and isinstance(Q, Matrix)

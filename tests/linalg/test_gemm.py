"""GEMM: every micro-kernel this machine supports, on every path of the driver, against
the reference triple loop (the first rung of the ladder) and numpy.

Tolerance: each entry of op(A) @ op(B) is a sum of k products, so its rounding error is
at most about k * eps * (|op(A)| @ |op(B)|)[i, j] (Higham, Accuracy and Stability of
Numerical Algorithms, 2nd ed., eq. 3.13); we allow twice that, plus the error of the
beta * C term.
"""
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rusty_machine
from rusty_machine.linalg import blas

EPS = np.finfo(float).eps
KERNELS = blas._supported_kernels()
TRANS = [(False, False), (True, False), (False, True), (True, True)]


def blocks(kernel):
    with blas.use_kernel(kernel):
        return blas._kernel_blocks()


def op(x, trans):
    return x.T if trans else x


def make(rng, m, n, k, ta, tb):
    a = rng.standard_normal((k, m) if ta else (m, k))
    b = rng.standard_normal((n, k) if tb else (k, n))
    return a, b


def bound(a, b, ta, tb, alpha=1.0, c=None, beta=0.0):
    """Entrywise error bound for alpha * op(a) @ op(b) + beta * c."""
    k = op(a, ta).shape[1]
    abs_ab = np.abs(op(a, ta)) @ np.abs(op(b, tb))
    tol = 2.0 * (k + 2) * EPS * abs(alpha) * abs_ab
    if c is not None and beta != 0.0:
        tol = tol + 2.0 * EPS * abs(beta) * np.abs(c)
    return tol + np.finfo(float).tiny


def assert_close(got, want, tol):
    assert got.shape == want.shape
    err = np.abs(got - want)
    assert np.all(err <= tol), "max error %.3e, worst ratio to bound %.3f" % (
        err.max(), (err / tol).max())


@pytest.fixture(params=KERNELS)
def kernel(request):
    with blas.use_kernel(request.param):
        yield request.param


def edge_shapes(kernel):
    """(m, n, k) around the register tile and the cache blocks of this kernel."""
    b = blocks(kernel)
    mr, nr, kc = b["mr"], b["nr"], b["kc"]
    return [
        (1, 1, 1), (mr - 1, nr - 1, 3), (mr, nr, 5), (mr + 1, nr + 1, 7),
        (2 * mr + 1, 3 * nr - 1, kc + 1), (3 * mr - 1, 2 * nr + 1, 2 * kc + 3),
        (1, 3 * nr + 5, 17), (4 * mr + 3, 1, 33), (2 * mr + 3, nr + 2, 1),
    ]


@pytest.mark.parametrize("path", ["packed", "direct", "auto"])
@pytest.mark.parametrize("ta,tb", TRANS)
def test_edge_shapes_against_reference(kernel, path, ta, tb):
    rng = np.random.default_rng(3)
    for m, n, k in edge_shapes(kernel):
        a, b = make(rng, m, n, k, ta, tb)
        want = blas.gemm_ladder(a, b, "ref", trans_a=ta, trans_b=tb)
        with blas.use_path(path):
            got = blas.gemm(a, b, trans_a=ta, trans_b=tb)
        tol = bound(a, b, ta, tb)
        assert_close(got, want, tol)
        assert_close(got, op(a, ta) @ op(b, tb), tol)


@pytest.mark.parametrize("path", ["packed", "auto"])
def test_beyond_the_cache_blocks(kernel, path):
    """m > MC and n > NC: loops 5 and 3 take several blocks (k small keeps it cheap)."""
    b = blocks(kernel)
    m, n, k = b["mc"] + b["mr"] + 1, b["nc"] + b["nr"] + 1, b["kc"] + 5
    rng = np.random.default_rng(5)
    for ta, tb in [(False, False), (True, True)]:
        a, bb = make(rng, m, n, k, ta, tb)
        with blas.use_path(path):
            got = blas.gemm(a, bb, trans_a=ta, trans_b=tb)
        assert_close(got, op(a, ta) @ op(bb, tb), bound(a, bb, ta, tb))


@pytest.mark.parametrize("path", ["packed", "direct", "auto"])
@pytest.mark.parametrize("alpha,beta", [(1.0, 0.0), (-0.75, 0.0), (1.0, 1.0),
                                        (2.5, -0.5), (0.0, 0.5), (0.0, 0.0)])
def test_alpha_beta(kernel, path, alpha, beta):
    rng = np.random.default_rng(7)
    b = blocks(kernel)
    for (m, n, k), (ta, tb) in zip([(b["mr"] + 1, b["nr"] - 1, 13),
                                    (3 * b["mr"] + 2, 3 * b["nr"] + 1, 40)], TRANS[1:3]):
        a, bb = make(rng, m, n, k, ta, tb)
        c0 = rng.standard_normal((m, n))
        if beta == 0.0:
            c0[::2, ::3] = np.nan          # beta == 0: C is never read
        c = c0.copy()
        with blas.use_path(path):
            out = blas.gemm(a, bb, trans_a=ta, trans_b=tb, alpha=alpha, c=c, beta=beta)
        assert out is c
        want = alpha * (op(a, ta) @ op(bb, tb))
        if beta != 0.0:
            want = want + beta * c0
        assert np.all(np.isfinite(c))
        assert_close(c, want, bound(a, bb, ta, tb, alpha, c0, beta))
        ref = c0.copy()
        if alpha != 0.0:   # the reference loop reads A and B even when alpha == 0
            blas.gemm_ladder(a, bb, "ref", trans_a=ta, trans_b=tb, alpha=alpha, c=ref,
                             beta=beta)
            assert_close(c, ref, bound(a, bb, ta, tb, alpha, c0, beta))


@pytest.mark.parametrize("ta,tb", TRANS)
def test_views_with_leading_dimension(kernel, ta, tb):
    """Operands and C that are slices of larger arrays (ld > cols), used in place."""
    rng = np.random.default_rng(11)
    b = blocks(kernel)
    for path in ["packed", "direct", "auto"]:
        for m, n, k in [(b["mr"] + 3, 2 * b["nr"] + 3, 21), (70, 90, 80)]:
            big_a = rng.standard_normal((max(m, k) + 5, max(m, k) + 7))
            big_b = rng.standard_normal((max(n, k) + 4, max(n, k) + 9))
            a = big_a[2:2 + (k if ta else m), 3:3 + (m if ta else k)]
            bb = big_b[1:1 + (n if tb else k), 5:5 + (k if tb else n)]
            assert a.strides[0] > 8 * a.shape[1] and bb.strides[0] > 8 * bb.shape[1]
            big_c = rng.standard_normal((m + 3, n + 6))
            keep = big_c.copy()
            c = big_c[1:1 + m, 2:2 + n]
            c0 = c.copy()
            with blas.use_path(path):
                blas.gemm(a, bb, trans_a=ta, trans_b=tb, alpha=1.5, c=c, beta=-1.0)
            want = 1.5 * (op(a, ta) @ op(bb, tb)) - c0
            assert_close(c, want, bound(a, bb, ta, tb, 1.5, c0, -1.0))
            # nothing outside the view was touched
            mask = np.ones(big_c.shape, bool)
            mask[1:1 + m, 2:2 + n] = False
            np.testing.assert_array_equal(big_c[mask], keep[mask])
            # every rung takes the same views
            for rung in ["ref", "blocked", "packed"]:
                cl = c0.copy()
                blas.gemm_ladder(a, bb, rung, trans_a=ta, trans_b=tb, alpha=1.5, c=cl,
                                 beta=-1.0)
                assert_close(cl, want, bound(a, bb, ta, tb, 1.5, c0, -1.0))


def test_threads_agree(kernel):
    """The threads split the MR x NR tiles; each tile is summed in the same order, so one
    and two threads give identical bits."""
    rng = np.random.default_rng(13)
    b = blocks(kernel)
    # direct path; B-only packing (wide); skinny; k > KC; packed: tall slabs (the last
    # case: four of them), and wide with the packed block of A shared by the threads
    for m, n, k, ta, tb in [(300, 260, 150, False, False), (2 * b["mr"] + 1, 700, 90, True, True),
                            (513, 3, 40, False, True), (129, 131, b["kc"] + 1, True, False),
                            (520, 400, 300, False, True), (700, 300, 300, True, False),
                            (400, 520, 300, False, False), (300, 700, 290, True, True),
                            (4100, 300, 50, False, False)]:
        a, bb = make(rng, m, n, k, ta, tb)
        with rusty_machine.num_threads(1):
            one = blas.gemm(a, bb, trans_a=ta, trans_b=tb)
        with rusty_machine.num_threads(2):
            two = blas.gemm(a, bb, trans_a=ta, trans_b=tb)
        np.testing.assert_array_equal(one, two)
        assert_close(two, op(a, ta) @ op(bb, tb), bound(a, bb, ta, tb))


@pytest.mark.parametrize("rung", ["ref", "blocked", "packed"])
def test_ladder_rungs(rung):
    rng = np.random.default_rng(17)
    for ta, tb in TRANS:
        for m, n, k in [(1, 1, 1), (33, 70, 65), (65, 17, 300)]:
            a, b = make(rng, m, n, k, ta, tb)
            got = blas.gemm_ladder(a, b, rung, trans_a=ta, trans_b=tb)
            assert_close(got, op(a, ta) @ op(b, tb), bound(a, b, ta, tb))


def test_empty_and_k_zero(kernel):
    rng = np.random.default_rng(19)
    assert blas.gemm(np.zeros((0, 3)), np.zeros((3, 4))).shape == (0, 4)
    assert blas.gemm(np.zeros((5, 3)), np.zeros((3, 0))).shape == (5, 0)
    # k == 0: the empty product is zero, so C = beta * C (and = 0 without c)
    np.testing.assert_array_equal(blas.gemm(np.zeros((4, 0)), np.zeros((0, 6))),
                                  np.zeros((4, 6)))
    c = rng.standard_normal((4, 6))
    want = 0.5 * c
    blas.gemm(np.zeros((4, 0)), np.zeros((0, 6)), c=c, beta=0.5)
    np.testing.assert_array_equal(c, want)
    c[:] = np.nan
    blas.gemm(np.zeros((4, 0)), np.zeros((0, 6)), c=c, beta=0.0)
    np.testing.assert_array_equal(c, np.zeros((4, 6)))
    for rung in ["ref", "blocked", "packed"]:
        np.testing.assert_array_equal(
            blas.gemm_ladder(np.zeros((2, 0)), np.zeros((0, 3)), rung), np.zeros((2, 3)))


def test_input_conversion():
    rng = np.random.default_rng(23)
    a = rng.integers(-5, 5, size=(7, 9))
    b = np.asfortranarray(rng.standard_normal((9, 4)))
    ro = rng.standard_normal((4, 3))
    ro.setflags(write=False)
    got = blas.gemm(a, b)
    assert_close(got, a @ b, bound(a.astype(float), b, False, False))
    assert_close(blas.gemm(b, ro), b @ ro, bound(b, ro, False, False))
    neg = rng.standard_normal((6, 8))[::-1, ::-2]      # negative strides: copied
    assert_close(blas.gemm(neg, neg, trans_b=True), neg @ neg.T, bound(neg, neg, False, True))


def test_bad_input():
    x = np.ones((3, 4))
    with pytest.raises(ValueError, match="inner dimensions"):
        blas.gemm(x, x)
    with pytest.raises(ValueError, match="2-D"):
        blas.gemm(np.ones(3), x)
    with pytest.raises(TypeError, match="real"):
        blas.gemm(x.astype(complex), x.T)
    with pytest.raises(ValueError, match="shape"):
        blas.gemm(x, x.T, c=np.zeros((4, 4)), beta=1.0)
    with pytest.raises(ValueError, match="contiguous rows"):
        blas.gemm(x, x.T, c=np.zeros((3, 6))[:, ::2], beta=1.0)
    with pytest.raises(ValueError, match="rung"):
        blas.gemm_ladder(x, x.T, "fast")
    with pytest.raises(ValueError, match="unknown"):
        blas._set_kernel("sse9")
    with pytest.raises(TypeError):
        blas._set_kernel(3)


def test_kernel_selection():
    best = KERNELS[-1]
    assert "generic" in KERNELS
    assert blas._kernel_name() in KERNELS
    cfg = blas._config()
    assert cfg["supported_kernels"] == KERNELS
    if cfg["avx512f"]:
        assert cfg["avx2"]
    for name in ["avx2", "avx512"]:
        if name not in KERNELS:
            with pytest.raises(ValueError, match="not supported"):
                blas._set_kernel(name)
    with blas.use_kernel("generic"):
        assert blas._kernel_name() == "generic"
        assert blas._kernel_blocks()["mr"] >= 1
    assert blas._kernel_name() == best or "RUSTY_MACHINE_KERNEL" in os.environ


@pytest.mark.parametrize("env,expect", [("generic", "generic"), ("avx2", "avx2"),
                                        ("no-such-isa", None), ("avx512", "avx512")])
def test_environment_variable(env, expect):
    """RUSTY_MACHINE_KERNEL forces a kernel; unknown or unsupported falls back to the best."""
    code = ("import numpy as np; from rusty_machine.linalg import blas; "
            "a = np.arange(12.).reshape(3, 4); "
            "assert np.allclose(blas.gemm(a, a.T), a @ a.T); print(blas._kernel_name())")
    envs = dict(os.environ, RUSTY_MACHINE_KERNEL=env)
    out = subprocess.run([sys.executable, "-c", code], env=envs, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    want = expect if expect in KERNELS else KERNELS[-1]
    assert out.stdout.strip() == want


@settings(max_examples=40, deadline=None)
@given(m=st.integers(1, 70), n=st.integers(1, 70), k=st.integers(1, 90),
       ta=st.booleans(), tb=st.booleans(), kern=st.sampled_from(KERNELS),
       path=st.sampled_from(["auto", "packed", "direct"]), nt=st.sampled_from([1, 2]),
       seed=st.integers(0, 2**16))
def test_property_random_shapes(m, n, k, ta, tb, kern, path, nt, seed):
    rng = np.random.default_rng(seed)
    a, b = make(rng, m, n, k, ta, tb)
    c0 = rng.standard_normal((m, n))
    c = c0.copy()
    with blas.use_kernel(kern), blas.use_path(path), rusty_machine.num_threads(nt):
        blas.gemm(a, b, trans_a=ta, trans_b=tb, alpha=-1.25, c=c, beta=0.5)
    want = -1.25 * (op(a, ta) @ op(b, tb)) + 0.5 * c0
    assert_close(c, want, bound(a, b, ta, tb, -1.25, c0, 0.5))

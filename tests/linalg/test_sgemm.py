"""sgemm: the float32 instance of the GEMM driver, every float32 micro-kernel this machine
supports, on every path, against the float64 product of the same (float32) operands.

Tolerance: each entry of op(A) @ op(B) is a sum of k products, so its rounding error in
float32 is at most about k * eps32 * (|op(A)| @ |op(B)|)[i, j] (Higham, Accuracy and
Stability of Numerical Algorithms, 2nd ed., eq. 3.13), plus one rounding of the result;
we allow twice that, plus the error of the beta * C term. The float64 reference of
float32 inputs is exact to within k * eps64, far inside that bound. The same bound with
float64's epsilon would fail (the checks below assert that the result is really float32
arithmetic, not a float64 product rounded at the end).
"""
import os
import subprocess
import sys

import numpy as np
import pytest

import rusty_machine
from rusty_machine.linalg import blas

EPS32 = float(np.finfo(np.float32).eps)
KERNELS = blas._supported_kernels()
TRANS = [(False, False), (True, False), (False, True), (True, True)]
F32 = np.float32


def blocks(kernel):
    with blas.use_kernel(kernel):
        return blas._kernel_blocks(F32)


def op(x, trans):
    return x.T if trans else x


def make(rng, m, n, k, ta, tb):
    a = rng.standard_normal((k, m) if ta else (m, k)).astype(F32)
    b = rng.standard_normal((n, k) if tb else (k, n)).astype(F32)
    return a, b


def ref(a, b, ta, tb, alpha=1.0, c=None, beta=0.0):
    """alpha * op(a) @ op(b) + beta * c in float64 (the float32 inputs are exact there)."""
    want = alpha * (op(a, ta).astype(float) @ op(b, tb).astype(float))
    if c is not None and beta != 0.0:
        want = want + beta * c.astype(float)
    return want


def bound(a, b, ta, tb, alpha=1.0, c=None, beta=0.0):
    """Entrywise float32 error bound for alpha * op(a) @ op(b) + beta * c."""
    k = op(a, ta).shape[1]
    abs_ab = np.abs(op(a, ta).astype(float)) @ np.abs(op(b, tb).astype(float))
    tol = 2.0 * (k + 2) * EPS32 * abs(alpha) * abs_ab
    if c is not None and beta != 0.0:
        tol = tol + 3.0 * EPS32 * abs(beta) * np.abs(c.astype(float))
    return tol + float(np.finfo(F32).tiny)


def assert_close(got, want, tol):
    assert got.dtype == F32
    assert got.shape == want.shape
    err = np.abs(got.astype(float) - want)
    assert np.all(err <= tol), "max error %.3e, worst ratio to bound %.3f" % (
        err.max(), (err / tol).max())


@pytest.fixture(params=KERNELS)
def kernel(request):
    with blas.use_kernel(request.param):
        yield request.param


def edge_shapes(kernel):
    """(m, n, k) around the float32 register tile and cache blocks of this kernel."""
    b = blocks(kernel)
    mr, nr, kc = b["mr"], b["nr"], b["kc"]
    return [
        (1, 1, 1), (mr - 1, nr - 1, 3), (mr, nr, 5), (mr + 1, nr + 1, 7),
        (2 * mr + 1, 3 * nr - 1, kc + 1), (3 * mr - 1, 2 * nr + 1, 2 * kc + 3),
        (1, 3 * nr + 5, 17), (4 * mr + 3, 1, 33), (2 * mr + 3, nr + 2, 1),
        (mr + 2, nr // 2 + 3, 9), (5, nr + nr // 4, 11),
    ]


def test_float32_tiles_are_their_own():
    """Each instruction set has a float32 tile of its own: as many rows as the float64
    one and twice the columns (twice the lanes per register)."""
    for name in KERNELS:
        d, s = None, blocks(name)
        with blas.use_kernel(name):
            d = blas._kernel_blocks(np.float64)
        assert s["mr"] == d["mr"] and s["nr"] == 2 * d["nr"], (name, s, d)
        assert blas._config()["tiles"]["float32"] == "%dx%d" % (
            blas._kernel_blocks(F32)["mr"], blas._kernel_blocks(F32)["nr"])
    with pytest.raises(TypeError, match="float32 and float64"):
        blas._kernel_blocks(np.int32)


@pytest.mark.parametrize("path", ["packed", "direct", "auto"])
@pytest.mark.parametrize("ta,tb", TRANS)
def test_edge_shapes_against_float64(kernel, path, ta, tb):
    rng = np.random.default_rng(3)
    for m, n, k in edge_shapes(kernel):
        a, b = make(rng, m, n, k, ta, tb)
        with blas.use_path(path):
            got = blas.gemm(a, b, trans_a=ta, trans_b=tb)
        assert_close(got, ref(a, b, ta, tb), bound(a, b, ta, tb))
        # the float32 reference rung agrees to the same bound
        want32 = blas.gemm_ladder(a, b, "ref", trans_a=ta, trans_b=tb)
        assert_close(want32, ref(a, b, ta, tb), bound(a, b, ta, tb))


def test_random_shapes(kernel):
    """Random shapes (seeded), random transposes, through the size-based path choice."""
    rng = np.random.default_rng(29)
    for _ in range(25):
        m, n, k = (int(v) for v in rng.integers(1, 200, size=3))
        ta, tb = (bool(v) for v in rng.integers(0, 2, size=2))
        a, b = make(rng, m, n, k, ta, tb)
        assert_close(blas.gemm(a, b, trans_a=ta, trans_b=tb), ref(a, b, ta, tb),
                     bound(a, b, ta, tb))


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
        assert_close(got, ref(a, bb, ta, tb), bound(a, bb, ta, tb))


@pytest.mark.parametrize("path", ["packed", "direct", "auto"])
@pytest.mark.parametrize("alpha,beta", [(1.0, 0.0), (-0.75, 0.0), (1.0, 1.0),
                                        (2.5, -0.5), (0.0, 0.5), (0.0, 0.0)])
def test_alpha_beta(kernel, path, alpha, beta):
    rng = np.random.default_rng(7)
    b = blocks(kernel)
    for (m, n, k), (ta, tb) in zip([(b["mr"] + 1, b["nr"] - 1, 13),
                                    (3 * b["mr"] + 2, 3 * b["nr"] + 1, 40)], TRANS[1:3]):
        a, bb = make(rng, m, n, k, ta, tb)
        c0 = rng.standard_normal((m, n)).astype(F32)
        if beta == 0.0:
            c0[::2, ::3] = np.nan          # beta == 0: C is never read
        c = c0.copy()
        with blas.use_path(path):
            out = blas.gemm(a, bb, trans_a=ta, trans_b=tb, alpha=alpha, c=c, beta=beta)
        assert out is c
        assert np.all(np.isfinite(c))
        assert_close(c, ref(a, bb, ta, tb, alpha, c0, beta),
                     bound(a, bb, ta, tb, alpha, c0, beta))


@pytest.mark.parametrize("ta,tb", TRANS)
def test_views_with_leading_dimension(kernel, ta, tb):
    """float32 operands and C that are slices of larger arrays (ld > cols), in place."""
    rng = np.random.default_rng(11)
    b = blocks(kernel)
    for path in ["packed", "direct", "auto"]:
        for m, n, k in [(b["mr"] + 3, 2 * b["nr"] + 3, 21), (70, 90, 80)]:
            big_a = rng.standard_normal((max(m, k) + 5, max(m, k) + 7)).astype(F32)
            big_b = rng.standard_normal((max(n, k) + 4, max(n, k) + 9)).astype(F32)
            a = big_a[2:2 + (k if ta else m), 3:3 + (m if ta else k)]
            bb = big_b[1:1 + (n if tb else k), 5:5 + (k if tb else n)]
            assert a.strides[0] > 4 * a.shape[1] and bb.strides[0] > 4 * bb.shape[1]
            big_c = rng.standard_normal((m + 3, n + 6)).astype(F32)
            keep = big_c.copy()
            c = big_c[1:1 + m, 2:2 + n]
            c0 = c.copy()
            with blas.use_path(path):
                blas.gemm(a, bb, trans_a=ta, trans_b=tb, alpha=1.5, c=c, beta=-1.0)
            want = ref(a, bb, ta, tb, 1.5, c0, -1.0)
            tol = bound(a, bb, ta, tb, 1.5, c0, -1.0)
            assert_close(c, want, tol)
            mask = np.ones(big_c.shape, bool)
            mask[1:1 + m, 2:2 + n] = False
            np.testing.assert_array_equal(big_c[mask], keep[mask])
            for rung in ["ref", "blocked", "packed"]:
                cl = c0.copy()
                blas.gemm_ladder(a, bb, rung, trans_a=ta, trans_b=tb, alpha=1.5, c=cl,
                                 beta=-1.0)
                assert_close(cl, want, tol)


@pytest.mark.parametrize("threads", [1, 2])
def test_threads(kernel, threads):
    """Every threaded path of the driver (direct tiles, B-only packing, skinny, k > KC,
    tall slabs, the shared packed A) on 1 and 2 threads; the threads split whole tiles,
    each summed in the same order, so the bits agree with one thread."""
    rng = np.random.default_rng(13)
    b = blocks(kernel)
    for m, n, k, ta, tb in [(300, 260, 150, False, False),
                            (2 * b["mr"] + 1, 700, 90, True, True),
                            (513, 3, 40, False, True), (129, 131, b["kc"] + 1, True, False),
                            (520, 400, 300, False, True), (700, 300, 300, True, False),
                            (400, 520, 300, False, False), (300, 700, 290, True, True),
                            (4100, 300, 50, False, False)]:
        a, bb = make(rng, m, n, k, ta, tb)
        with rusty_machine.num_threads(1):
            one = blas.gemm(a, bb, trans_a=ta, trans_b=tb)
        with rusty_machine.num_threads(threads):
            got = blas.gemm(a, bb, trans_a=ta, trans_b=tb)
        np.testing.assert_array_equal(one, got)
        assert_close(got, ref(a, bb, ta, tb), bound(a, bb, ta, tb))


@pytest.mark.parametrize("rung", ["ref", "blocked", "packed"])
def test_ladder_rungs(rung):
    rng = np.random.default_rng(17)
    for ta, tb in TRANS:
        for m, n, k in [(1, 1, 1), (33, 70, 65), (65, 17, 300)]:
            a, b = make(rng, m, n, k, ta, tb)
            got = blas.gemm_ladder(a, b, rung, trans_a=ta, trans_b=tb)
            assert_close(got, ref(a, b, ta, tb), bound(a, b, ta, tb))


def test_float32_arithmetic_not_float64():
    """The product is computed in float32: on a long sum its error is far above what
    float64 arithmetic rounded once at the end would leave (which would be <= eps32/2
    relative to the result), yet within the float32 bound."""
    rng = np.random.default_rng(31)
    a = rng.standard_normal((64, 4096)).astype(F32)
    b = rng.standard_normal((4096, 64)).astype(F32)
    got = blas.gemm(a, b)
    want = ref(a, b, False, False)
    assert_close(got, want, bound(a, b, False, False))
    rounded_once = want.astype(F32).astype(float)
    assert np.abs(got.astype(float) - want).max() > 4 * np.abs(rounded_once - want).max()


def test_dtype_promotion():
    """float32 @ float32 -> float32; anything with float64, or integers, -> float64 (as
    numpy's matmul)."""
    rng = np.random.default_rng(37)
    a32 = rng.standard_normal((5, 7)).astype(F32)
    b32 = rng.standard_normal((7, 3)).astype(F32)
    assert blas.gemm(a32, b32).dtype == F32
    for other in [b32.astype(np.float64), rng.integers(-3, 3, (7, 3)),
                  rng.integers(-3, 3, (7, 3)).astype(np.int32)]:
        got = blas.gemm(a32, other)
        assert got.dtype == np.result_type(a32, other) == np.float64
        np.testing.assert_allclose(got, a32.astype(float) @ other.astype(float),
                                   rtol=1e-12, atol=1e-12)
    # small integers and bools promote to float32 with float32 (numpy's rule)
    small = rng.integers(-3, 3, (7, 3)).astype(np.int8)
    assert blas.gemm(a32, small).dtype == F32 == np.result_type(a32, small)
    assert blas.gemm(a32, small.astype(bool)).dtype == F32
    # c must have the result's dtype
    with pytest.raises(ValueError, match="float32"):
        blas.gemm(a32, b32, c=np.zeros((5, 3)), beta=1.0)
    with pytest.raises(ValueError, match="float64"):
        blas.gemm(a32, b32.astype(float), c=np.zeros((5, 3), F32), beta=1.0)
    c = np.ones((5, 3), F32)
    assert blas.gemm(a32, b32, c=c, beta=2.0) is c


def test_empty_and_k_zero_float32():
    z = np.zeros
    assert blas.gemm(z((0, 3), F32), z((3, 4), F32)).dtype == F32
    assert blas.gemm(z((5, 3), F32), z((3, 0), F32)).shape == (5, 0)
    np.testing.assert_array_equal(blas.gemm(z((4, 0), F32), z((0, 6), F32)), z((4, 6)))
    c = np.full((4, 6), np.nan, F32)
    blas.gemm(z((4, 0), F32), z((0, 6), F32), c=c, beta=0.0)
    np.testing.assert_array_equal(c, z((4, 6)))
    c = np.full((4, 6), 3.0, F32)
    blas.gemm(z((4, 0), F32), z((0, 6), F32), c=c, beta=0.5)
    np.testing.assert_array_equal(c, np.full((4, 6), 1.5))


def test_bad_input_float32():
    x = np.ones((3, 4), F32)
    with pytest.raises(ValueError, match="inner dimensions"):
        blas.gemm(x, x)
    with pytest.raises(TypeError, match="real"):
        blas.gemm(x.astype(np.complex64), x.T)
    with pytest.raises(ValueError, match="contiguous rows"):
        blas.gemm(x, x.T, c=np.zeros((3, 6), F32)[:, ::2], beta=1.0)


@pytest.mark.parametrize("env", ["generic", "avx2", "avx512"])
def test_environment_variable_covers_sgemm(env):
    """RUSTY_MACHINE_KERNEL selects the instruction set of both dgemm and sgemm."""
    code = ("import numpy as np; from rusty_machine.linalg import blas; "
            "a = np.arange(12, dtype=np.float32).reshape(3, 4); "
            "assert np.array_equal(blas.gemm(a, a.T), a @ a.T); "
            "print(blas._kernel_name(), blas._config()['tiles']['float32'])")
    envs = dict(os.environ, RUSTY_MACHINE_KERNEL=env)
    out = subprocess.run([sys.executable, "-c", code], env=envs, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    name, tile = out.stdout.split()
    want = env if env in KERNELS else KERNELS[-1]
    assert name == want
    with blas.use_kernel(want):
        assert tile == "%(mr)dx%(nr)d" % blas._kernel_blocks(F32)

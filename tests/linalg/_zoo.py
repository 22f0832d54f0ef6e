"""Helpers shared by the linalg tests (imported as `from _zoo import ...`: pytest puts
this folder on sys.path, as tests/ has no packages).

- tiny_blocks / with_blocks / block_sizes_fixture: run a blocked algorithm with the
  library's block sizes and with tiny ones, so that small matrices take every path;
- hilbert: the classic ill-conditioned test matrix;
- SHAPES / LAYOUTS / data / layout: the shape zoo and the memory-layout zoo of the
  Matrix tests.
"""
import contextlib

import numpy as np
import pytest


# ---- block sizes ---------------------------------------------------------------------
@contextlib.contextmanager
def tiny_blocks(module, which, **tiny):
    """module's block sizes as they are ("default"), or set to `tiny` for the duration."""
    if which == "tiny":
        old = module._set_block_sizes(**tiny)
        try:
            yield
        finally:
            module._set_block_sizes(**old)
    else:
        yield


def with_blocks(params, limit=130):
    """Each case with the default block sizes, and the small ones also with tiny blocks."""
    out = []
    for p in params:
        size = max(p) if isinstance(p, tuple) else p
        out.append((p, "default"))
        if size <= limit:
            out.append((p, "tiny"))
    return out


def block_sizes_fixture(blocks):
    """A fixture running each test under blocks("default") and blocks("tiny")."""
    @pytest.fixture(params=["default", "tiny"])
    def block_sizes(request):
        with blocks(request.param):
            yield request.param
    return block_sizes


# ---- matrices ------------------------------------------------------------------------
def hilbert(n):
    i = np.arange(n)
    return 1.0 / (i[:, None] + i[None, :] + 1.0)


def ill_conditioned(rng, n):
    """The hard n x n cases every factorisation zoo starts with: "cond1e12" (random
    orthogonal Q1, Q2 around singular values from 1 down to 1e-12), "graded_rows" and
    "graded_cols" (rows / columns scaled from 1e-8 to 1e8). Draws from rng in that
    order, so a zoo that goes on drawing from rng gets the same data as before."""
    Q1, _ = np.linalg.qr(rng.standard_normal((n, n)))
    Q2, _ = np.linalg.qr(rng.standard_normal((n, n)))
    g = np.logspace(-8, 8, n)
    return {
        "cond1e12": Q1 @ np.diag(np.logspace(0, -12, n)) @ Q2,
        "graded_rows": g[:, None] * rng.standard_normal((n, n)),
        "graded_cols": rng.standard_normal((n, n)) * g[None, :],
    }


# ---- the shape zoo and the layout zoo (Matrix tests) ----------------------------------
SHAPES = [(0, 0), (0, 3), (3, 0), (1, 1), (7, 1), (1, 7), (17, 33), (40, 5), (5, 40)]
LAYOUTS = ["C", "F", "rows", "strided", "negative", "readonly"]


def data(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def layout(a, kind):
    """The same values (and dtype) as `a`, laid out in memory as `kind` says."""
    m, n = a.shape
    if kind == "C":
        return np.ascontiguousarray(a)
    if kind == "F":
        return np.asfortranarray(a)
    if kind == "rows":          # contiguous rows, row stride > cols (wrappable)
        big = np.full((m, n + 3), np.nan, dtype=a.dtype)
        big[:, 2:n + 2] = a
        return big[:, 2:n + 2]
    if kind == "strided":       # every other row, every third column
        big = np.full((2 * m + 1, 3 * n + 1), np.nan, dtype=a.dtype)
        big[1:2 * m + 1:2, 1:3 * n + 1:3] = a
        return big[1:2 * m + 1:2, 1:3 * n + 1:3]
    if kind == "negative":      # negative strides on both axes
        return np.ascontiguousarray(a[::-1, ::-1])[::-1, ::-1]
    if kind == "readonly":
        r = np.array(a)
        r.flags.writeable = False
        return r
    raise AssertionError(kind)

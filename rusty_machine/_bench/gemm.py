"""GEMM section of ``python -m rusty_machine bench``: our packed SIMD GEMM (and the lower
rungs of the teaching ladder) against numpy's ``@``, float64, single-threaded numpy.

Rows:
  matmul          square n x n @ n x n through rusty_machine.linalg.blas.gemm
  matmul          the non-square shapes users hit (outer-product-like, inner-product-like,
                  and 10000x50 @ 50x100, the distance computation of k-means)
  matmul A.T@B    transposed operands (absorbed by packing, never copied)
  ladder ref      rung 1, the textbook triple loop (small n only)
  ladder blocked  rung 2, the cache-blocked loop without packing or SIMD (small n only)
  ladder packed   rung 3, the BLIS driver (what matmul runs)
"""
import numpy as np

from rusty_machine._bench import Case
from rusty_machine.linalg import blas


def _operands(m, k, n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, k)), rng.standard_normal((k, n))


def _matmul_case(m, k, n, label=None, name="matmul"):
    a, b = _operands(m, k, n)
    size = label or ("%d" % n if m == n == k else "%dx%d@%dx%d" % (m, k, k, n))
    return Case(name=name, size=size, ours=lambda: blas.gemm(a, b), ref=lambda: a @ b,
                flops=2.0 * m * n * k)


def cases(quick=False):
    """The GEMM benchmark rows (see the module docstring)."""
    out = []
    for n in ([64, 256] if quick else [64, 256, 1024, 2048]):
        out.append(_matmul_case(n, n, n))
    shapes = [(1000, 64, 1000), (2000, 50, 100)] if quick else \
        [(4096, 256, 4096), (256, 4096, 256), (10000, 50, 100)]
    for m, k, n in shapes:
        out.append(_matmul_case(m, k, n))
    nt = 256 if quick else 1024
    a, b = _operands(nt, nt, nt, seed=1)
    out.append(Case(name="matmul A.T@B", size="%d" % nt,
                    ours=lambda a=a, b=b: blas.gemm(a, b, trans_a=True),
                    ref=lambda a=a, b=b: a.T @ b,
                    flops=2.0 * nt ** 3))
    out.append(Case(name="matmul A@B.T", size="%d" % nt,
                    ours=lambda a=a, b=b: blas.gemm(a, b, trans_b=True),
                    ref=lambda a=a, b=b: a @ b.T,
                    flops=2.0 * nt ** 3))
    for n in ([64] if quick else [64, 256]):
        a, b = _operands(n, n, n, seed=2)
        for rung in ["ref", "blocked", "packed"]:
            out.append(Case(name="ladder " + rung, size="%d" % n,
                            ours=(lambda r=rung, a=a, b=b: blas.gemm_ladder(a, b, r)),
                            ref=(lambda a=a, b=b: a @ b), flops=2.0 * n ** 3))
    return out

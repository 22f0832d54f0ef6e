"""GEMM section of ``python -m rusty_machine bench``: our packed SIMD GEMM (and the lower
rungs of the teaching ladder) against numpy's ``@``, single-threaded numpy; float64 rows,
float32 rows (``--dtype float32`` or ``both``), or both.

Rows:
  matmul          square n x n @ n x n through rusty_machine.linalg.blas.gemm
  matmul          the non-square shapes users hit (outer-product-like, inner-product-like,
                  and 10000x50 @ 50x100, the distance computation of k-means)
  matmul A.T@B    transposed operands (absorbed by packing, never copied)
  ladder ref      rung 1, the textbook triple loop (small n only)
  ladder blocked  rung 2, the cache-blocked loop without packing or SIMD (small n only)
  ladder packed   rung 3, the BLIS driver (what matmul runs)
float32 rows (sgemm, the same driver with the float32 micro-kernels):
  matmul f32      the square and non-square shapes above on float32 operands, against
                  numpy's float32 ``@``
  sgemm/dgemm     the same float32 product against OUR float64 one of the same shape
                  (ratio = dgemm time / sgemm time; the float32 kernels should run about
                  twice the flops per second: twice the lanes per FMA)
The float32 FMA peak of a core is twice the float64 one (../shared/tools/peak.c measures
the latter); the GFLOPS column of the f32 rows is to be read against it.
"""
import numpy as np

from rusty_machine._bench import Case
from rusty_machine.linalg import blas


def _operands(m, k, n, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((m, k)).astype(dtype),
            rng.standard_normal((k, n)).astype(dtype))


def _matmul_case(m, k, n, label=None, name="matmul"):
    a, b = _operands(m, k, n)
    size = label or ("%d" % n if m == n == k else "%dx%d@%dx%d" % (m, k, k, n))
    return Case(name=name, size=size, ours=lambda: blas.gemm(a, b), ref=lambda: a @ b,
                flops=2.0 * m * n * k)


def _float32_cases(quick):
    out = []
    sizes = [256] if quick else [256, 1024, 2048]
    shapes = [(1000, 64, 1000), (2000, 50, 100)] if quick else \
        [(4096, 256, 4096), (256, 4096, 256), (10000, 50, 100)]
    for m, k, n in [(n, n, n) for n in sizes] + shapes:
        a, b = _operands(m, k, n, dtype=np.float32)
        size = "%d" % n if m == n == k else "%dx%d@%dx%d" % (m, k, k, n)
        out.append(Case(name="matmul f32", size=size, ours=lambda a=a, b=b: blas.gemm(a, b),
                        ref=lambda a=a, b=b: a @ b, flops=2.0 * m * n * k))
    for m, k, n in [(n, n, n) for n in sizes] + shapes:
        a, b = _operands(m, k, n, dtype=np.float32)
        a64, b64 = a.astype(np.float64), b.astype(np.float64)
        size = "%d" % n if m == n == k else "%dx%d@%dx%d" % (m, k, k, n)
        out.append(Case(name="sgemm/dgemm", size=size,
                        ours=lambda a=a, b=b: blas.gemm(a, b),
                        ref=lambda a=a64, b=b64: blas.gemm(a, b), flops=2.0 * m * n * k,
                        ref_name="ours f64"))
    return out


def cases(quick=False, dtype="float64"):
    """The GEMM benchmark rows (see the module docstring); dtype "float64", "float32"
    or "both"."""
    if dtype not in ("float64", "float32", "both"):
        raise ValueError("dtype must be float64, float32 or both, got %r" % (dtype,))
    if dtype == "float32":
        return _float32_cases(quick)
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
    if dtype == "both":
        out += _float32_cases(quick)
    return out

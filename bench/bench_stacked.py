"""Stacks of matrices (issue 14): rusty_machine.linalg against numpy.linalg on (..., M, M).

    python bench/bench_stacked.py [--threads 1]

Rows: 100,000 stacked 4x4 and 1,000 stacked 64x64 float64 (and float32) solve, inv,
det, slogdet, cholesky, eigh and eigvalsh (eigh timed whole, its eigenvalues compared).
numpy's BLAS is held to one thread; ours runs on --threads (numpy's stacked calls loop
over the matrices on one thread whatever its BLAS does).
Ratio = numpy time / ours, best of the runs, both in this process.
"""
import argparse

import numpy as np
from threadpoolctl import threadpool_limits

import rusty_machine
from rusty_machine import linalg
from _common import timed


def _cases(dtype):
    rng = np.random.default_rng(0)
    for batch, n in ((100_000, 4), (1_000, 64)):
        a = (rng.standard_normal((batch, n, n)) + 2 * np.sqrt(n) * np.eye(n)).astype(dtype)
        spd = (a @ np.swapaxes(a, -1, -2) + n * np.eye(n)).astype(dtype)
        b = rng.standard_normal((batch, n, 1)).astype(dtype)
        yield "solve", batch, n, (a, b), linalg.solve, np.linalg.solve
        yield "inv", batch, n, (a,), linalg.inv, np.linalg.inv
        yield "det", batch, n, (a,), linalg.det, np.linalg.det
        yield "slogdet", batch, n, (a,), (lambda x: linalg.slogdet(x).logabsdet), \
            (lambda x: np.linalg.slogdet(x).logabsdet)
        yield "cholesky", batch, n, (spd,), linalg.cholesky, np.linalg.cholesky
        sym = (a + np.swapaxes(a, -1, -2)).astype(dtype)
        yield "eigh", batch, n, (sym,), (lambda x: linalg.eigh(x).eigenvalues), \
            (lambda x: np.linalg.eigh(x).eigenvalues)
        yield "eigvalsh", batch, n, (sym,), linalg.eigvalsh, np.linalg.eigvalsh
    # ---- stacked qr ----
    # 10,000 8x8 QRs: "qr" forms Q and R (mode "reduced"; the error is R's against
    # numpy's: the same Householder sign convention), "qr r" R only
    a = rng.standard_normal((10_000, 8, 8)).astype(dtype)
    yield "qr", 10_000, 8, (a,), (lambda x: linalg.qr(x).R), (lambda x: np.linalg.qr(x).R)
    yield "qr r", 10_000, 8, (a,), (lambda x: linalg.qr(x, mode="r")), \
        (lambda x: np.linalg.qr(x, mode="r"))
    # ---- stacked svd/svdvals (part B: the nogil batch loop of _svd.pyx) ----
    # "svd" is timed whole (full_matrices=False, vectors formed), its singular values
    # compared; 100,000 4x4 run the one-sided Jacobi kernel, 1,000 64x64 the
    # bidiagonalisation + divide and conquer driver (gesdd)
    for batch, n in ((100_000, 4), (1_000, 64)):
        a = rng.standard_normal((batch, n, n)).astype(dtype)
        yield "svd", batch, n, (a,), (lambda x: linalg.svd(x, full_matrices=False).S), \
            (lambda x: np.linalg.svd(x, full_matrices=False).S)
        yield "svdvals", batch, n, (a,), linalg.svdvals, \
            (lambda x: np.linalg.svd(x, compute_uv=False))
    # ---- part A: stacked eig/eigvals ----
    # general (nonsymmetric) Gaussian matrices, mostly with complex pairs; the timed
    # call sorts the moduli of the eigenvalues on both sides (for the error column,
    # which is real): ~2% of the 4x4 times
    for batch, n in ((100_000, 4), (1_000, 64)):
        g = rng.standard_normal((batch, n, n)).astype(dtype)
        yield "eig", batch, n, (g,), \
            (lambda x: np.sort(np.abs(linalg.eig(x).eigenvalues), axis=-1)), \
            (lambda x: np.sort(np.abs(np.linalg.eig(x).eigenvalues), axis=-1))
        yield "eigvals", batch, n, (g,), \
            (lambda x: np.sort(np.abs(linalg.eigvals(x)), axis=-1)), \
            (lambda x: np.sort(np.abs(np.linalg.eigvals(x)), axis=-1))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="threads for our kernels")
    parser.add_argument("--dtype", choices=["float64", "float32", "both"], default="both")
    args = parser.parse_args(argv)
    rusty_machine.set_num_threads(args.threads)
    dtypes = ["float64", "float32"] if args.dtype == "both" else [args.dtype]
    print("ours: %d thread(s); numpy: one BLAS thread" % args.threads)
    print("%-9s %-8s %-10s %10s %10s %7s %9s" % ("op", "dtype", "stack", "ours ms",
                                                 "numpy ms", "ratio", "max err"))
    with threadpool_limits(limits=1):
        for dtype in dtypes:
            for name, batch, n, inputs, ours, ref in _cases(np.dtype(dtype)):
                t_ours, got = timed(lambda: ours(*inputs))
                t_ref, want = timed(lambda: ref(*inputs))
                err = np.abs(np.asarray(got, dtype=np.float64) - want).max() / max(
                    np.abs(want).max(), 1e-300)
                print("%-9s %-8s %-10s %10.2f %10.2f %7.2f %9.1e"
                      % (name, dtype, "%dx%dx%d" % (batch, n, n), 1e3 * t_ours,
                         1e3 * t_ref, t_ref / t_ours, err))


if __name__ == "__main__":
    main()

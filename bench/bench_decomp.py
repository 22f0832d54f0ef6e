"""Decompositions benchmark: LU, Cholesky, QR (Q formed), solve, inv, det against numpy
and scipy, with the reference's BLAS held to one thread by threadpoolctl.

    python bench/bench_decomp.py                  # n = 256, 1024, 2048, our 1 thread
    python bench/bench_decomp.py --quick          # n = 128, 256
    python bench/bench_decomp.py --threads 2      # our kernels on 2 threads
    python bench/bench_decomp.py --only lu_factor qr

The rows are those of ``python -m rusty_machine bench --section decomp`` (defined in
rusty_machine/_bench/decomp.py): size, our time and GFLOPS, the reference time, ratio
= reference time / ours (above 1: we are faster) and an error column (a residual ratio
or max |ours - reference|, see that module). Times are the best of several runs after
a warm-up; on a shared machine run it two or three times and keep the best.
"""
from _common import linalg_main
from rusty_machine._bench.decomp import cases


def main(argv=None):
    linalg_main(__doc__.split("\n")[0], cases, "n = 128 and 256 only", argv)


if __name__ == "__main__":
    main()

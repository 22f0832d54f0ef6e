"""Eigenproblems and SVD benchmark: eigh, eigvalsh, svd, svdvals, eig, eigvals and a
tall 4000 x 200 svd against numpy,
with numpy's BLAS/LAPACK held to one thread by threadpoolctl.

    python bench/bench_eigen.py                  # n = 128, 512, 1024, our 1 thread
    python bench/bench_eigen.py --quick          # n = 64, 128
    python bench/bench_eigen.py --threads 2      # our kernels on 2 threads
    python bench/bench_eigen.py --only eigh svd

The rows are those of ``python -m rusty_machine bench --section eigen`` (defined in
rusty_machine/_bench/eigen.py): size, our time and GFLOPS, numpy's time, ratio = numpy
time / ours (above 1: we are faster) and an error column (a residual ratio
||A V - V diag(w)|| / (n ||A|| eps), or the largest eigenvalue / singular value
difference in units of n ||A|| eps). Times are the best of several runs after a
warm-up; on a shared machine run it two or three times and keep the best.
"""
from _common import linalg_main
from rusty_machine._bench.eigen import cases


def main(argv=None):
    linalg_main(__doc__.split("\n")[0], cases, "n = 64 and 128 only", argv)


if __name__ == "__main__":
    main()

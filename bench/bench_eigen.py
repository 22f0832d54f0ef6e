"""Eigenproblems and SVD benchmark: eigh, eigvalsh, svd, svdvals, eig against numpy,
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
import argparse

from threadpoolctl import threadpool_limits

import rusty_machine
from rusty_machine._bench import run_cases
from rusty_machine._bench.eigen import cases


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="n = 64 and 128 only")
    parser.add_argument("--threads", type=int, default=1, help="threads for our kernels")
    parser.add_argument("--only", nargs="*", default=None,
                        help="operations to run (prefixes of the row names)")
    args = parser.parse_args(argv)
    rusty_machine.set_num_threads(args.threads)
    rusty_machine.show_config()
    rows = cases(args.quick)
    if args.only:
        rows = [c for c in rows if any(c.name.startswith(o) for o in args.only)]
    with threadpool_limits(limits=1):
        print("reference: single-threaded; ours: %d thread(s)\n" % args.threads)
        run_cases(rows)


if __name__ == "__main__":
    main()

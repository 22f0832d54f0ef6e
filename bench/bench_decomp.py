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
import argparse

from threadpoolctl import threadpool_limits

import rusty_machine
from rusty_machine._bench import run_cases
from rusty_machine._bench.decomp import cases


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="n = 128 and 256 only")
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

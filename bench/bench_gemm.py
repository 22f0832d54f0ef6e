"""GEMM benchmark: every micro-kernel this machine supports, 1 and 2 threads, against
numpy's ``@`` kept single-threaded with threadpoolctl.

    python bench/bench_gemm.py                 # all kernels, threads 1 and 2
    python bench/bench_gemm.py --quick         # small sizes only
    python bench/bench_gemm.py --kernels avx512 --threads 1 2 4

Each row: kernel, our thread count, shape, our time and GFLOPS, numpy's time and GFLOPS
(one thread), ratio = numpy time / our time (above 1: we are faster) and the largest
|ours - numpy|.  The 2-thread speed-up over our own single-thread run is printed at the
end for every shape.  Times are the best of several runs after a warm-up, and the best
over --repeat rounds of the whole table (numpy and ours interleaved).
"""
import argparse
import sys

import numpy as np
from threadpoolctl import threadpool_limits

import rusty_machine
from rusty_machine._bench import best_time
from rusty_machine.linalg import blas

SQUARE = [64, 256, 1024, 2048]
SHAPES = [(4096, 256, 4096), (256, 4096, 256), (10000, 50, 100)]   # (m, k, n)


def label(m, k, n):
    return "%d" % n if m == k == n else "%dx%d@%dx%d" % (m, k, k, n)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="n <= 256 only")
    parser.add_argument("--kernels", nargs="*", default=None,
                        help="kernels to run (default: every supported one)")
    parser.add_argument("--threads", nargs="*", type=int, default=[1, 2])
    parser.add_argument("--min-time", type=float, default=0.3,
                        help="seconds of timed runs per measurement (best is kept)")
    parser.add_argument("--repeat", type=int, default=2,
                        help="rounds over the whole table (best of the rounds is kept)")
    args = parser.parse_args(argv)

    kernels = args.kernels or blas._supported_kernels()
    shapes = [(n, n, n) for n in SQUARE if not args.quick or n <= 256]
    shapes += [] if args.quick else SHAPES
    rng = np.random.default_rng(0)
    operands = {s: (rng.standard_normal(s[:2]), rng.standard_normal(s[1:])) for s in shapes}

    rusty_machine.show_config()
    print("numpy %s, kept single-threaded by threadpoolctl; best of %d rounds\n"
          % (np.__version__, args.repeat))
    ref_time, ours, err = {}, {}, {}
    with threadpool_limits(limits=1):
        ref_out = {s: operands[s][0] @ operands[s][1] for s in shapes}
        # rounds interleave numpy and ours, so that a busy spell on a shared machine
        # hits both; each figure is the best over the rounds
        for rnd in range(args.repeat):
            for s in shapes:
                a, b = operands[s]
                sys.stderr.write("round %d: numpy %s\n" % (rnd + 1, label(*s)))
                t = best_time(lambda: a @ b, min_time=args.min_time)
                ref_time[s] = min(t, ref_time.get(s, t))
            for kern in kernels:
                with blas.use_kernel(kern):
                    for nt in args.threads:
                        with rusty_machine.num_threads(nt):
                            for s in shapes:
                                a, b = operands[s]
                                sys.stderr.write("round %d: %s, %d thread(s), %s\n"
                                                 % (rnd + 1, kern, nt, label(*s)))
                                t = best_time(lambda: blas.gemm(a, b), min_time=args.min_time)
                                ours[kern, nt, s] = min(t, ours.get((kern, nt, s), t))
                                err[kern, nt, s] = float(np.max(np.abs(blas.gemm(a, b)
                                                                       - ref_out[s])))
    header = "%-8s %3s %-20s %10s %8s %10s %8s %7s %9s" % (
        "kernel", "thr", "shape", "ours ms", "GFLOPS", "numpy ms", "GFLOPS", "ratio", "max err")
    print(header)
    print("-" * len(header))
    for kern in kernels:
        for nt in args.threads:
            for s in shapes:
                flops = 2.0 * s[0] * s[1] * s[2]
                t, tr = ours[kern, nt, s], ref_time[s]
                print("%-8s %3d %-20s %10.3f %8.1f %10.3f %8.1f %7.2f %9.1e" % (
                    kern, nt, label(*s), t * 1e3, flops / t / 1e9, tr * 1e3, flops / tr / 1e9,
                    tr / t, err[kern, nt, s]))
    if len(args.threads) > 1 and 1 in args.threads:
        print("\nspeed-up over our own 1-thread run")
        for kern in kernels:
            for nt in args.threads:
                if nt == 1:
                    continue
                row = ", ".join("%s %.2fx" % (label(*s), ours[kern, 1, s] / ours[kern, nt, s])
                                for s in shapes)
                print("  %-7s %d threads: %s" % (kern, nt, row))


if __name__ == "__main__":
    main()

"""What the benchmark scripts share (imported as a sibling: ``python bench/bench_x.py``
puts bench/ on sys.path).

- best_of: the timing loop of the learning benchmarks;
- linalg_main: the command line of the linalg benchmarks (bench_decomp, bench_eigen),
  whose rows are defined in rusty_machine/_bench/.
"""
import argparse
import time

import numpy as np


def best_of(fn, repeats, min_total=0.0, max_repeats=200):
    """Best time of at least ``repeats`` runs of fn, continuing (up to ``max_repeats``
    runs) until ``min_total`` seconds were spent: millisecond fits need many runs on a
    busy machine. Returns (best seconds, the last result)."""
    best, out, total, runs = np.inf, None, 0.0, 0
    while runs < repeats or (total < min_total and runs < max_repeats):
        t0 = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        best, total, runs = min(best, dt), total + dt, runs + 1
    return best, out


def linalg_main(description, cases, quick_help, argv=None):
    """Parse --quick / --threads / --only, then time ``cases(quick)``'s rows with the
    reference's BLAS held to one thread and ours on --threads threads."""
    from threadpoolctl import threadpool_limits

    import rusty_machine
    from rusty_machine._bench import run_cases

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help=quick_help)
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

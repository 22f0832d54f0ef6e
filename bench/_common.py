"""What the benchmark scripts share (imported as a sibling: ``python bench/bench_x.py``
puts bench/ on sys.path).

- timed: the timing loop, the same one as ``python -m rusty_machine bench`` (defined in
  rusty_machine/_bench; it returns the best time and the last result); the learning
  benchmarks call it with ``**EVERY_RUN``: no untimed warm-up run and no cut after a long
  run (every fit counts);
- cpu_interleaved: best-of-N CPU time (time.process_time) of several functions run in
  turn, round after round, so that a burst of load from other processes on a shared
  machine lands on every side alike (the float32 against float64 rows);
- linalg_main: the command line of the linalg benchmarks (bench_decomp, bench_eigen),
  whose rows are defined in rusty_machine/_bench/.
"""
import argparse
import time

from rusty_machine._bench import timed

__all__ = ["EVERY_RUN", "cpu_interleaved", "linalg_main", "timed"]

EVERY_RUN = {"warmup": False, "long_run": None}


def cpu_interleaved(fns, rounds=3):
    """Best CPU seconds of each of ``fns`` over ``rounds`` rounds, each round running
    every function once in turn; returns (best times, the last result of each)."""
    best = [float("inf")] * len(fns)
    out = [None] * len(fns)
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            t0 = time.process_time()
            out[i] = fn()
            best[i] = min(best[i], time.process_time() - t0)
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

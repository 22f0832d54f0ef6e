"""The benchmark behind ``python -m rusty_machine bench``: our kernels against numpy
(and scipy when installed) in the same process, single-threaded on both sides.

Each section module (gemm.py, decomp.py, eigen.py) defines ``cases(quick)`` returning a
list of :class:`Case`. A row prints size, our time, GFLOPS, the reference's time, the
ratio (reference time / ours: above 1 means we are faster) and the largest difference
between the two results.
"""
import importlib
import inspect
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np

SECTIONS = ["gemm", "decomp", "eigen"]


@dataclass
class Case:
    name: str                           # what is timed, e.g. "matmul"
    size: str                           # shape label, e.g. "1024" or "4096x256@256x4096"
    ours: Callable[[], Any]             # our call
    ref: Callable[[], Any]              # the reference call
    flops: float = 0.0                  # floating-point operations, for GFLOPS (0: none)
    ref_name: str = "numpy"
    # error(ours_result, ref_result) -> float; default: max |ours - ref|
    error: Optional[Callable[[Any, Any], float]] = None


def max_abs_diff(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return float("nan")
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def timed(fn, min_time=0.25, max_repeats=50, repeats=3, warmup=True, long_run=2.0):
    """The one timing loop of the benchmarks (``python -m rusty_machine bench`` and the
    scripts in bench/): the best wall time of several runs of ``fn()``.

    Runs fn once untimed when ``warmup``, then times at least ``repeats`` runs and keeps
    going (up to ``max_repeats`` runs) until ``min_time`` seconds were spent: short calls
    need many runs on a busy machine. After a run longer than ``long_run`` seconds (None:
    no such limit) it stops, large cases being timed once.

    Returns
    -------
    (best seconds, the result of the last run)
    """
    out = fn() if warmup else None
    best, total, n = float("inf"), 0.0, 0
    while n < repeats or (total < min_time and n < max_repeats):
        t0 = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        best, total, n = min(best, dt), total + dt, n + 1
        if long_run is not None and dt > long_run:
            break
    return best, out


def best_time(fn, min_time=0.25, max_repeats=50, **options):
    """The best seconds of :func:`timed` (its defaults: a warm-up run, at least 3 timed
    runs and 0.25 s, one run for cases over 2 s): what the CLI's rows print."""
    return timed(fn, min_time, max_repeats, **options)[0]


def _progress(msg):
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K" + msg)
    else:
        sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def run_cases(cases, out=sys.stdout):
    header = "%-18s %-22s %10s %8s %10s %8s %7s %10s" % (
        "operation", "size", "ours ms", "GFLOPS", "ref ms", "ref", "ratio", "max err")
    print(header, file=out)
    print("-" * len(header), file=out)
    rows = []
    for i, case in enumerate(cases, 1):
        _progress("[%d/%d] %s %s ..." % (i, len(cases), case.name, case.size))
        t_ours = best_time(case.ours)
        t_ref = best_time(case.ref)
        err_fn = case.error or max_abs_diff
        err = err_fn(case.ours(), case.ref())
        gflops = case.flops / t_ours / 1e9 if case.flops else float("nan")
        ratio = t_ref / t_ours
        if sys.stderr.isatty():
            _progress("")
        line = "%-18s %-22s %10.3f %8s %10.3f %8s %7.2f %10.2e" % (
            case.name, case.size, t_ours * 1e3,
            "%.1f" % gflops if case.flops else "-", t_ref * 1e3, case.ref_name, ratio, err)
        print(line, file=out)
        out.flush()
        rows.append((case, t_ours, t_ref, ratio, err))
    return rows


def run_bench(sections=None, quick=False, threads=1, kernel=None, dtype="float64"):
    import rusty_machine
    from rusty_machine.linalg import blas
    if kernel is not None:
        blas._set_kernel(kernel)
    rusty_machine.set_num_threads(threads)
    rusty_machine.show_config()
    print("reference: numpy %s, single-threaded; ours: %d thread(s)\n" % (np.__version__, threads))
    results = []                        # (section, rows of run_cases): for _bench/report.py
    for name in sections or SECTIONS:
        if name not in SECTIONS:
            raise SystemExit("unknown bench section %r (choose from %s)"
                             % (name, ", ".join(SECTIONS)))
        try:
            module = importlib.import_module("rusty_machine._bench." + name)
        except ModuleNotFoundError as exc:
            if exc.name != "rusty_machine._bench." + name:
                raise
            continue
        params = inspect.signature(module.cases).parameters
        if "dtype" in params:
            section_cases = module.cases(quick, dtype=dtype)
        elif dtype == "float32":
            continue           # a section without float32 rows yet
        else:
            section_cases = module.cases(quick)
        print("== %s ==" % name)
        results.append((name, run_cases(section_cases)))
        print()
    return results

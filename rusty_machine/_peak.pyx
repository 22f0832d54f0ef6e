# cython: language_level=3
"""This core's floating-point peak, measured in the run: the yardstick for GEMM.

A benchmark that says "12 GFLOPS" says little until it also says out of how many. The
loops in csrc/rm_peak_<isa>.c (method and references in csrc/rm_peak.h) keep twelve
independent fused multiply-add chains in SIMD registers, so nothing waits on memory and
every cycle issues as many FMAs as the core has pipes. Timing them for a fraction of a
second gives the number a perfect kernel would reach on this core, at the clock it holds
while running that instruction set. float32 registers hold twice the lanes of float64
ones, so its peak is twice as high.

The instruction set is chosen at run time, as for GEMM, from what this build compiled
and what the CPU and OS support (csrc/rm_cpu.c). One core only: the loop runs in the
calling thread.
"""
import time

cdef extern from "rm_peak.h" nogil:
    const char *rm_peak_best_isa()
    int rm_peak_supported(const char *isa)
    double rm_peak_run(const char *isa, int single, long iters, double *sink)

ISAS = ("generic", "avx2", "avx512")
_cache = {}


def best_isa():
    """The instruction set the run-time choice picks: "avx512", "avx2" or "generic"."""
    return rm_peak_best_isa().decode()


def supported_isas():
    """The peak loops this build and this CPU can run, narrowest first."""
    return [isa for isa in ISAS if rm_peak_supported(isa.encode())]


cdef double _run(bytes isa, bint single, long iters) except? -2.0:
    cdef double sink = 0.0, flops
    cdef const char *name = isa
    with nogil:
        flops = rm_peak_run(name, single, iters, &sink)
    if flops < 0:
        raise ValueError("peak: instruction set %r is not available here" % isa.decode())
    return flops


def peak_gflops(dtype="float64", isa=None, min_time=0.002, repeats=30):
    """Measured peak of one core in GFLOPS (1e9 floating-point operations per second).

    Parameters
    ----------
    dtype : {"float64", "float32"}
    isa : {"generic", "avx2", "avx512"} or None
        None: the one chosen at run time (:func:`best_isa`).
    min_time : float
        Seconds one timed run should last; the round count is doubled until it does.
    repeats : int
        Timed runs; the best is kept (the others were disturbed by something else: on
        a busy machine many short runs find an undisturbed one more often than a few
        long ones).

    Returns
    -------
    float
    """
    if dtype not in ("float64", "float32"):
        raise ValueError("peak: dtype must be 'float64' or 'float32', got %r" % (dtype,))
    if isa is None:
        isa = best_isa()
    if isa not in ISAS:
        raise ValueError("peak: isa must be one of %s, got %r" % (", ".join(ISAS), isa))
    cdef bytes name = isa.encode()
    cdef bint single = dtype == "float32"
    cdef long iters = 1 << 12
    cdef double flops = 0.0
    # calibrate: double the rounds until one run takes min_time / 4
    while True:
        t0 = time.perf_counter()
        _run(name, single, iters)
        dt = time.perf_counter() - t0
        if dt >= min_time / 4 or iters >= (1L << 40):
            break
        iters *= 2
    iters = max(iters, <long>(iters * min_time / max(dt, 1e-9)))
    best = float("inf")
    for _ in range(max(int(repeats), 1)):
        t0 = time.perf_counter()
        flops = _run(name, single, iters)
        best = min(best, time.perf_counter() - t0)
    return flops / best / 1e9


def peak(min_time=0.002):
    """The peaks of the run-time choice of instruction set, measured once per process.

    Returns
    -------
    dict
        ``{"isa": str, "float64": GFLOPS, "float32": GFLOPS}``
    """
    key = float(min_time)
    if key not in _cache:
        isa = best_isa()
        _cache[key] = {"isa": isa,
                       "float64": peak_gflops("float64", isa, min_time),
                       "float32": peak_gflops("float32", isa, min_time)}
    return dict(_cache[key])


def print_peak(file=None):
    """Print the measured peak (the lines ``python -m rusty_machine info`` ends with)."""
    import sys
    out = file if file is not None else sys.stdout
    p = peak()
    print("  peak (1 core) %.1f GFLOPS float64, %.1f GFLOPS float32 (%s FMA loop, "
          "measured now)" % (p["float64"], p["float32"], p["isa"]), file=out)


def _flops(isa, dtype, long iters):
    """Run one loop untimed; the flop count it reports (tests)."""
    return _run(isa.encode(), dtype == "float32", iters)

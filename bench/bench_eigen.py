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


# ---- part B (issue 13): svd / svdvals in float32, in one run ----
def svd_dtype_table(shapes=((512, 512), (1024, 1024), (4000, 200)), reps=3):
    """svd (thin) and svdvals at each shape: our float32 CPU time, numpy's float32 (its
    BLAS/LAPACK held to one thread; numpy computes float32 in float64 and rounds), our
    float64, all on one thread and interleaved round by round (best of `reps`):

        cd bench && python -c "import bench_eigen; bench_eigen.svd_dtype_table()"
    """
    import time

    import numpy as np
    from threadpoolctl import threadpool_limits

    import rusty_machine
    from rusty_machine import linalg

    def once(f):
        t = time.process_time()
        f()
        return time.process_time() - t

    rng = np.random.default_rng(0)
    print("| function | shape | ours f32 CPU ms | numpy f32 CPU ms | ratio | ours f64 CPU ms "
          "| f64 / f32 |")
    print("|---|---|---|---|---|---|---|")
    old = rusty_machine.get_num_threads()
    rusty_machine.set_num_threads(1)
    try:
        with threadpool_limits(1):
            for shape in shapes:
                a64 = rng.standard_normal(shape)
                a32 = a64.astype(np.float32)
                for name, ours, ref in (
                        ("svd", lambda a: linalg.svd(a, full_matrices=False),
                         lambda a: np.linalg.svd(a, full_matrices=False)),
                        ("svdvals", linalg.svdvals, np.linalg.svdvals)):
                    runs = ((lambda: ours(a32)), (lambda: ref(a32)), (lambda: ours(a64)))
                    for f in runs:                                   # warm-up
                        f()
                    best = [float("inf")] * 3
                    for _ in range(reps):
                        for i, f in enumerate(runs):
                            best[i] = min(best[i], once(f))
                    t32, tn, t64 = (b * 1e3 for b in best)
                    print("| %s | %dx%d | %.1f | %.1f | %.2f | %.1f | %.2f |"
                          % (name, shape[0], shape[1], t32, tn, tn / t32, t64, t64 / t32),
                          flush=True)
    finally:
        rusty_machine.set_num_threads(old)



if __name__ == "__main__":
    main()


# ---- part C (issue 15): eigh / eigvalsh, one thread against two, in one run ----
def threads_table(sizes=(512, 1024), stack=(1000, 64), reps=5):
    """eigh and eigvalsh at each n (and a stack of `stack` = (batch, n) matrices):
    our CPU time on one thread, numpy's (its BLAS held to one thread), the ratio, and
    our wall time on one thread and on two with the speed-up, all in this process:

        cd bench && python -c "import bench_eigen; bench_eigen.threads_table()"

    CPU times are the best of `reps` (time.process_time), wall times likewise
    (time.perf_counter); on a shared machine run it when it is quiet."""
    import time

    import numpy as np
    from threadpoolctl import threadpool_limits

    import rusty_machine
    from rusty_machine import linalg

    def best(f, clock):
        f()
        b = float("inf")
        for _ in range(reps):
            t = clock()
            f()
            b = min(b, clock() - t)
        return b * 1e3

    rng = np.random.default_rng(0)
    inputs = []
    for n in sizes:
        b = rng.standard_normal((n, n))
        inputs.append((str(n), b + b.T))
    if stack:
        b = rng.standard_normal((stack[0], stack[1], stack[1]))
        inputs.append(("%dx%dx%d" % (stack[0], stack[1], stack[1]),
                       b + np.swapaxes(b, -1, -2)))
    print("| function | size | ours 1T CPU ms | numpy 1T CPU ms | ratio | ours 1T wall ms "
          "| ours 2T wall ms | 2T speed-up |")
    print("|---|---|---|---|---|---|---|---|")
    old = rusty_machine.get_num_threads()
    try:
        with threadpool_limits(1):
            for label, S in inputs:
                for name, ours, ref in (("eigh", linalg.eigh, np.linalg.eigh),
                                        ("eigvalsh", linalg.eigvalsh, np.linalg.eigvalsh)):
                    rusty_machine.set_num_threads(1)
                    t1 = best(lambda: ours(S), time.process_time)
                    tn = best(lambda: ref(S), time.process_time)
                    w1 = best(lambda: ours(S), time.perf_counter)
                    rusty_machine.set_num_threads(2)
                    w2 = best(lambda: ours(S), time.perf_counter)
                    print("| %s | %s | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f |"
                          % (name, label, t1, tn, tn / t1, w1, w2, w1 / w2), flush=True)
    finally:
        rusty_machine.set_num_threads(old)


# ---- part A (issue 13): eigh / eigvalsh in float32, in one run ----
def float32_table(sizes=(512, 1024), rounds=5):
    """eigh and eigvalsh on float32 input at each n: our CPU time (one thread), numpy's
    float32 (its LAPACK ssyevd / ssterf path, BLAS held to one thread), numpy's time /
    ours, our float64 time on the same matrix, and the error of our float32 eigenvalues
    against numpy's float64 ones in units of n ||A||_1 eps32, all interleaved round by
    round (_common.cpu_interleaved):

        cd bench && python -c "import bench_eigen; bench_eigen.float32_table()"
    """
    import numpy as np
    from threadpoolctl import threadpool_limits

    import rusty_machine
    from rusty_machine import linalg
    from _common import cpu_interleaved

    print("| function | n | ours f32 CPU ms | numpy f32 CPU ms | ratio | ours f64 CPU ms "
          "| error (n ||A|| eps32) |")
    print("|---|---|---|---|---|---|---|")
    old = rusty_machine.get_num_threads()
    rusty_machine.set_num_threads(1)
    try:
        with threadpool_limits(1):
            for n in sizes:
                b = np.random.default_rng(n).standard_normal((n, n))
                S64 = b + b.T
                S32 = S64.astype(np.float32)
                ref = np.linalg.eigvalsh(S32.astype(np.float64))
                unit = n * np.abs(S32.astype(np.float64)).sum(0).max() * float(
                    np.finfo(np.float32).eps)
                for name, ours, theirs in (("eigh", linalg.eigh, np.linalg.eigh),
                                           ("eigvalsh", linalg.eigvalsh, np.linalg.eigvalsh)):
                    (t32, tnp, t64), (r32, _, _) = cpu_interleaved(
                        [lambda: ours(S32), lambda: theirs(S32), lambda: ours(S64)], rounds)
                    w = np.asarray(r32[0] if name == "eigh" else r32, dtype=np.float64)
                    print("| %s | %d | %.1f | %.1f | %.2f | %.1f | %.2f |"
                          % (name, n, t32 * 1e3, tnp * 1e3, tnp / t32, t64 * 1e3,
                             np.abs(w - ref).max() / unit))
    finally:
        rusty_machine.set_num_threads(old)


# ---- part C (issue 13): eig / eigvals in float32, interleaved, in one run ----
def eig_float32_table(sizes=(512, 1024), reps=3):
    """eig and eigvals on float32 input: our CPU time (computed in float32), numpy's on
    the same float32 array (numpy computes it in float64 and rounds) and ours on the
    float64 copy, one thread each, the three timed in turn `reps` times (best kept):

        cd bench && python -c "import bench_eigen; bench_eigen.eig_float32_table()"

    ratio = numpy time / ours (above 1: we are faster); resid = our float32 residual
    ||A V - V diag(w)||_F / (n ||A||_2 eps32) (eig) or the largest eigenvalue distance
    to numpy's in units of n ||A||_2 eps32 (eigvals)."""
    import time

    import numpy as np
    from threadpoolctl import threadpool_limits

    import rusty_machine
    from rusty_machine import linalg

    def once(f):
        t = time.process_time()
        out = f()
        return time.process_time() - t, out

    print("| function | n | ours f32 CPU ms | numpy f32 CPU ms | ratio | ours f64 CPU ms "
          "| f64 / f32 | resid (eps32) |")
    print("|---|---|---|---|---|---|---|---|")
    old = rusty_machine.get_num_threads()
    rusty_machine.set_num_threads(1)
    try:
        with threadpool_limits(1):
            for n in sizes:
                a32 = np.random.default_rng(n).standard_normal((n, n)).astype(np.float32)
                a64 = a32.astype(np.float64)
                for name, ours, ref in (("eig", linalg.eig, np.linalg.eig),
                                        ("eigvals", linalg.eigvals, np.linalg.eigvals)):
                    runs = (lambda: ours(a32), lambda: ref(a32), lambda: ours(a64))
                    best = [float("inf")] * 3
                    outs = [None] * 3
                    for f in runs:
                        f()                               # warm-up
                    for _ in range(reps):
                        for k, f in enumerate(runs):
                            t, outs[k] = once(f)
                            best[k] = min(best[k], t)
                    eps = np.finfo(np.float32).eps
                    nrm = np.linalg.norm(a64, 2)
                    if name == "eig":
                        w, V = (np.asarray(x).astype(np.complex128) for x in outs[0])
                        err = np.linalg.norm(a64 @ V - V * w) / (n * nrm * eps)
                    else:
                        w = np.sort_complex(outs[0].astype(np.complex128))
                        r = np.sort_complex(outs[1].astype(np.complex128))
                        err = np.abs(w - r).max() / (n * nrm * eps)
                    t32, tnp, t64 = (1e3 * b for b in best)
                    print("| %s | %d | %.1f | %.1f | %.2f | %.1f | %.2f | %.2g |"
                          % (name, n, t32, tnp, tnp / t32, t64, t64 / t32, err), flush=True)
    finally:
        rusty_machine.set_num_threads(old)

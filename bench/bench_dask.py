"""rusty_machine.dask on a distributed.LocalCluster (issue 18's targets).

    python bench/bench_dask.py [--rows 50000000] [--chunk-rows 1000000]
                               [--inmem-rows 5000000] [--no-dask-ml] [--quick]

Data: an n x 10 float64 Dask array generated chunk by chunk on the workers and never
materialised (50M rows = 4 GB against 2 x 2 GB of worker memory). Each chunk is a cached
1M-row mixture of 20 Gaussian blobs (generated once per worker process) translated by a
per-chunk random vector: cheap, so that a pass measures the estimator rather than the
random number generator; the time of a generation-only pass is printed too.
y = X beta + noise for the regressions.

Rows:
1. Our in-memory KMeans (k = 20, 10 Lloyd iterations from given centres, tol = 0) on
   --inmem-rows rows, with 1 and with 2 threads (the cluster has 2 one-thread workers on
   the same cores, so the 2-thread figure is the fair reference).
2. rusty_machine.dask.KMeans on the cluster, same k, 10 Lloyd iterations: from the same
   kind of given centres (Lloyd only), then with k-means|| seeding (the whole fit).
   Throughput = rows x Lloyd iterations / fit time (every other pass counted as cost).
   Target: >= 70% of the in-memory throughput; peak RSS of each worker < 2 GB.
3. rusty_machine.dask.LinearRegression by TSQR on the full data; its coefficients
   against the in-memory fit on the first chunks (a subset small enough for one
   process), both computed both ways (TSQR on the subset's Dask array vs in-memory):
   relative difference <= 1e-10.
4. dask-ml's KMeans (from the same centres) and LinearRegression (L-BFGS, 10 passes)
   when dask-ml imports, on the same cluster and generator, on --dask-ml-rows rows (its
   iterative solvers take many passes), with ours on the same rows for the time ratio.
"""
import argparse
import functools
import os
import resource
import time
import warnings

import numpy as np

K = 20
D = 10


@functools.lru_cache(maxsize=2)
def _base(rows, seed):
    """The cached mixture block: (X, noise) for ``rows`` rows."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-20, 20, size=(K, D))
    labels = rng.integers(0, K, size=rows)
    X = centres[labels] + rng.standard_normal((rows, D))
    return X, rng.standard_normal(rows)


def gen_x(i, rows, seed):
    X, _ = _base(rows, seed)
    shift = np.random.default_rng([seed, i]).standard_normal(D) * 0.5
    return X + shift


BETA = np.linspace(-2.0, 3.0, D)


def gen_y(i, rows, seed):
    X = gen_x(i, rows, seed)
    _, noise = _base(rows, seed)
    return X @ BETA + 0.5 + noise


def dask_data(n_rows, chunk_rows, seed=0, with_y=False):
    import dask
    import dask.array as da
    n_chunks = n_rows // chunk_rows
    xs = [da.from_delayed(dask.delayed(gen_x, pure=True)(i, chunk_rows, seed),
                          shape=(chunk_rows, D), dtype=np.float64) for i in range(n_chunks)]
    X = da.concatenate(xs, axis=0)
    if not with_y:
        return X
    ys = [da.from_delayed(dask.delayed(gen_y, pure=True)(i, chunk_rows, seed),
                          shape=(chunk_rows,), dtype=np.float64) for i in range(n_chunks)]
    return X, da.concatenate(ys, axis=0)


def local_data(n_rows, chunk_rows, seed=0):
    n_chunks = n_rows // chunk_rows
    X = np.concatenate([gen_x(i, chunk_rows, seed) for i in range(n_chunks)])
    y = np.concatenate([gen_y(i, chunk_rows, seed) for i in range(n_chunks)])
    return X, y


def _maxrss_mb():
    """Peak resident memory of this process in MB: VmHWM of its own address space (Linux;
    ru_maxrss would also count what a parent held when the worker was forked)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _one_thread():
    import rusty_machine
    rusty_machine.set_num_threads(1)
    return rusty_machine.get_num_threads()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000_000)
    parser.add_argument("--chunk-rows", type=int, default=1_000_000)
    parser.add_argument("--inmem-rows", type=int, default=5_000_000)
    parser.add_argument("--memory-limit", default="2GB")
    parser.add_argument("--no-dask-ml", action="store_true")
    parser.add_argument("--only", nargs="*", default=["kmeans", "seeding", "linreg"],
                        choices=["kmeans", "seeding", "linreg"],
                        help="sections of our estimators to run (default all)")
    parser.add_argument("--dask-ml-rows", type=int, default=10_000_000,
                        help="rows for the dask-ml comparison (its solvers take many "
                             "passes)")
    parser.add_argument("--quick", action="store_true", help="2M rows, 200k-row chunks")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.chunk_rows, args.inmem_rows = 2_000_000, 200_000, 1_000_000
        args.dask_ml_rows = 1_000_000
    warnings.simplefilter("ignore")
    print("load average at start: %.1f %.1f %.1f (%d CPUs)"
          % (os.getloadavg() + (os.cpu_count(),)), flush=True)

    import distributed

    import rusty_machine
    from rusty_machine import dask as rmd
    from rusty_machine import learning

    iters = 10

    # ---- 1. in-memory reference --------------------------------------------------------
    Xm, ym = local_data(args.inmem_rows, args.chunk_rows)
    # given centres: K rows spread over the first chunk (the same for every run)
    init = Xm[np.linspace(0, args.chunk_rows - 1, K).astype(int) * 7 % args.chunk_rows]
    inmem = {}
    for threads in (1, 2):
        rusty_machine.set_num_threads(threads)
        t0 = time.perf_counter()
        km = learning.KMeans(K, init=init, max_iter=iters, tol=0.0).fit(Xm)
        dt = time.perf_counter() - t0
        inmem[threads] = args.inmem_rows * km.n_iter_ / dt
        print("in-memory KMeans  %9d rows  %d thread(s): %6.2f s  %6.2f M rows/s/iter"
              % (args.inmem_rows, threads, dt, inmem[threads] / 1e6))
    rusty_machine.set_num_threads(2)

    # ---- the cluster --------------------------------------------------------------------
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       memory_limit=args.memory_limit,
                                       dashboard_address=":0")
    client = distributed.Client(cluster)
    client.run(_one_thread)
    print("\ncluster: 2 worker processes x 1 thread, memory_limit %s each; rows %d in "
          "chunks of %d (%.1f GB)" % (args.memory_limit, args.rows, args.chunk_rows,
                                      args.rows * D * 8 / 1e9))
    X = dask_data(args.rows, args.chunk_rows)
    X[:4 * args.chunk_rows].sum().compute()         # warm-up: imports, cached blocks
    t0 = time.perf_counter()
    X.sum().compute()
    t_gen = time.perf_counter() - t0
    print("generation-only pass (X.sum()):            %7.2f s" % t_gen)

    # ---- 2. KMeans --------------------------------------------------------------------
    if "kmeans" in args.only:
        _kmeans_given(X, init, iters, inmem, args, rmd, t_gen)
    if "seeding" in args.only:
        t0 = time.perf_counter()
        km2 = rmd.KMeans(K, max_iter=iters, tol=0.0, random_state=0).fit(X)
        t_full = time.perf_counter() - t0
        print("dask KMeans, k-means|| + %d Lloyd its:    %7.2f s  %d passes  %6.2f M rows/s"
              "/iter (seeding included); inertia %.6g"
              % (km2.n_iter_, t_full, km2.n_passes_, args.rows * km2.n_iter_ / t_full / 1e6,
                 km2.inertia_), flush=True)

    # ---- 3. LinearRegression by TSQR ----------------------------------------------------
    if "linreg" in args.only:
        _linreg(Xm, ym, args, rmd, learning)

    # ---- 4. dask-ml ---------------------------------------------------------------------
    if not args.no_dask_ml:
        _dask_ml(init, iters, args, rmd)

    rss = client.run(_maxrss_mb)
    print("\nworker peak RSS (MB): %s  (limit %s each)"
          % (", ".join("%.0f" % v for v in rss.values()), args.memory_limit))
    print("client peak RSS (MB): %.0f" % _maxrss_mb())
    print("load average at the end: %.1f %.1f %.1f" % os.getloadavg())
    client.close()
    cluster.close()


def _kmeans_given(X, init, iters, inmem, args, rmd, t_gen):
    t0 = time.perf_counter()
    km = rmd.KMeans(K, init=init, max_iter=iters, tol=0.0).fit(X)
    t_lloyd = time.perf_counter() - t0
    rate = args.rows * km.n_iter_ / t_lloyd
    print("dask KMeans, given centres, %d Lloyd its: %7.2f s  %d passes  %6.2f M rows/s/iter"
          "  ratio to in-memory 2 threads %.2f (1 thread %.2f)"
          % (km.n_iter_, t_lloyd, km.n_passes_, rate / 1e6, rate / inmem[2], rate / inmem[1]))
    per_pass = t_lloyd / km.n_passes_
    print("   per pass %.2f s (generation alone %.2f s per pass)" % (per_pass, t_gen))


def _linreg(Xm, ym, args, rmd, learning):
    X, y = dask_data(args.rows, args.chunk_rows, with_y=True)
    t0 = time.perf_counter()
    lin = rmd.LinearRegression().fit(X, y)
    t_lin = time.perf_counter() - t0
    print("\ndask LinearRegression (TSQR), %d rows:    %7.2f s  coef[:3] %s"
          % (args.rows, t_lin, np.array2string(lin.coef_[:3], precision=6)))
    sub = args.inmem_rows
    Xs, ys = dask_data(sub, args.chunk_rows, with_y=True)
    lin_sub = rmd.LinearRegression().fit(Xs, ys)
    lin_mem = learning.LinearRegression().fit(Xm, ym)
    rel = np.max(np.abs(lin_sub.coef_ - lin_mem.coef_)) / np.max(np.abs(lin_mem.coef_))
    print("subset of %d rows: TSQR vs in-memory coefficients, max relative difference "
          "%.2e (target <= 1e-10)" % (sub, rel))
    print("full-data coefficients vs beta: max |diff| %.2e"
          % np.max(np.abs(lin.coef_ - BETA)))


def _dask_ml(init, iters, args, rmd):
    try:
        import dask_ml.cluster
        import dask_ml.linear_model
    except Exception as exc:                    # noqa: BLE001
        print("\ndask-ml not usable here: %s" % exc)
    else:
        n = min(args.dask_ml_rows, args.rows)
        print("\ndask-ml on the first %d rows (same cluster, same generator), ours on "
              "the same rows for the ratio:" % n)
        X = dask_data(n, args.chunk_rows)
        t0 = time.perf_counter()
        ours = rmd.KMeans(K, init=init, max_iter=iters, tol=0.0).fit(X)
        t_ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        dkm = dask_ml.cluster.KMeans(n_clusters=K, init=init, max_iter=iters,
                                     tol=0.0).fit(X)
        t_dkm = time.perf_counter() - t0
        print("KMeans given centres, %d its: ours %.2f s, dask-ml %.2f s: dask-ml time / "
              "ours %.2f; centres max |diff| %.2e"
              % (iters, t_ours, t_dkm, t_dkm / t_ours,
                 np.max(np.abs(np.asarray(dkm.cluster_centers_)
                               - ours.cluster_centers_))))
        X, y = dask_data(n, args.chunk_rows, with_y=True)
        t0 = time.perf_counter()
        ours = rmd.LinearRegression().fit(X, y)
        t_ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        dlin = dask_ml.linear_model.LinearRegression(solver="lbfgs", C=1e10,
                                                     max_iter=10).fit(X, y)
        t_dlin = time.perf_counter() - t0
        print("LinearRegression: ours (TSQR, exact) %.2f s, dask-ml (lbfgs, 10 its) "
              "%.2f s: dask-ml time / ours %.2f; max |coef diff| %.2e"
              % (t_ours, t_dlin, t_dlin / t_ours,
                 np.max(np.abs(dlin.coef_ - ours.coef_))))


if __name__ == "__main__":
    main()

"""Three columns: stock scikit-learn, oneDAL (Intel's kernels through scikit-learn-intelex,
when it is installed: ``pip install -e '.[bench]'``) and ours, one thread each, same data.

    python bench/bench_onedal.py [--quick] [--repeats N] [--only NAME ...]

Times are CPU seconds (``time.process_time``, the best of N runs, the three sides
interleaved run by run so that a burst of load from other processes falls on all of
them); with one thread each, CPU time is the work done. Ratios are the other side's time
over ours (above 1: we are faster). Every row checks that the answers agree (the "check"
column: max relative difference of the coefficients / distances, or agreement of labels).

Targets (issue 19): every workload oneDAL implements >= 1.0x oneDAL and >= 1.5x
scikit-learn; LinearRegression 100000x100 >= 1.5x oneDAL; neighbour queries (10000 on
50000 points, 8 / 32 / 128 features, k = 5 and 50) >= 1.2x oneDAL.
"""
import argparse
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

import rusty_machine


def _onedal():
    """sklearnex's estimators on one thread, or None when it is not installed."""
    try:
        import daal4py
        import sklearnex.cluster
        import sklearnex.decomposition
        import sklearnex.linear_model
        import sklearnex.neighbors
        import sklearnex.svm
    except ImportError:
        return None
    daal4py.daalinit(1)
    return {"cluster": sklearnex.cluster, "decomposition": sklearnex.decomposition,
            "linear_model": sklearnex.linear_model, "neighbors": sklearnex.neighbors,
            "svm": sklearnex.svm}


def _rel(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-300))


def _cases(quick):
    from sklearn import cluster, decomposition, linear_model, neighbors, svm

    from rusty_machine.learning import (DBSCAN, PCA, SVC, KMeans, KNeighborsClassifier,
                                        LinearRegression, LogisticRegression, Ridge)
    q = 10 if quick else 1
    rng = np.random.RandomState(0)
    dal = _onedal()
    cases = []

    def add(name, shape, ours, ref, onedal, check):
        cases.append((name, shape, ours, ref, onedal, check))

    # ---- linear models -------------------------------------------------------------
    Xl = rng.randn(100000 // q, 100)
    yl = Xl @ rng.randn(100) + 0.1 * rng.randn(len(Xl))
    for name, ours_cls, kw in (("LinearRegression", LinearRegression, {}),
                               ("Ridge alpha=1", Ridge, {"alpha": 1.0})):
        add(name, Xl.shape, lambda c=ours_cls, kw=kw: c(**kw).fit(Xl, yl),
            lambda n=name, kw=kw: getattr(linear_model, n.split()[0])(**kw).fit(Xl, yl),
            (lambda n=name, kw=kw: getattr(dal["linear_model"], n.split()[0])(**kw)
             .fit(Xl, yl)) if dal else None,
            lambda a, b: _rel(a.coef_, b.coef_))
    Xg = rng.randn(50000 // q, 50)
    yg = (Xg @ rng.randn(50) + rng.randn(len(Xg)) > 0).astype(int)
    add("LogisticRegression", Xg.shape,
        lambda: LogisticRegression().fit(Xg, yg),
        lambda: linear_model.LogisticRegression().fit(Xg, yg),
        (lambda: dal["linear_model"].LogisticRegression().fit(Xg, yg)) if dal else None,
        lambda a, b: _rel(a.coef_, b.coef_))
    # ---- unsupervised --------------------------------------------------------------
    Xk = rng.randn(100000 // q, 50)
    init = Xk[rng.choice(len(Xk), 100, replace=False)].copy()
    add("KMeans k=100 20it", Xk.shape,
        lambda: KMeans(100, init=init, tol=0.0, max_iter=20).fit(Xk),
        lambda: cluster.KMeans(100, init=init, n_init=1, tol=0.0, max_iter=20).fit(Xk),
        (lambda: dal["cluster"].KMeans(100, init=init, n_init=1, tol=0.0, max_iter=20)
         .fit(Xk)) if dal else None,
        lambda a, b: abs(a.inertia_ - b.inertia_) / b.inertia_)
    Xp = rng.randn(10000 // q, 100) @ rng.randn(100, 100)
    add("PCA", Xp.shape, lambda: PCA().fit(Xp), lambda: decomposition.PCA().fit(Xp),
        (lambda: dal["decomposition"].PCA().fit(Xp)) if dal else None,
        lambda a, b: _rel(a.explained_variance_, b.explained_variance_))
    Xd = np.vstack([0.5 * rng.randn(8000 // q, 2), 0.5 * rng.randn(8000 // q, 2) + 4,
                    10 * rng.rand(4000 // q, 2) - 3])
    add("DBSCAN eps=0.3 ms=10", Xd.shape,
        lambda: DBSCAN(eps=0.3, min_samples=10).fit(Xd),
        lambda: cluster.DBSCAN(eps=0.3, min_samples=10).fit(Xd),
        (lambda: dal["cluster"].DBSCAN(eps=0.3, min_samples=10).fit(Xd)) if dal else None,
        lambda a, b: float(np.mean(a.labels_ == b.labels_)))
    # ---- kernel --------------------------------------------------------------------
    Xs = rng.randn(10000 // q, 20)
    ys = (np.sum(Xs[:, :3] ** 2, 1) > 3).astype(int)
    add("SVC rbf fit", Xs.shape, lambda: SVC().fit(Xs, ys), lambda: svm.SVC().fit(Xs, ys),
        (lambda: dal["svm"].SVC().fit(Xs, ys)) if dal else None,
        lambda a, b: float(np.mean(a.predict(Xs[:2000]) == b.predict(Xs[:2000]))))
    # ---- neighbours: predict (classifier) and kneighbors over a grid ----------------
    for d in (8, 32, 128):
        Xn = rng.randn(50000 // q, d)
        yn = (Xn[:, 0] + 0.5 * Xn[:, 1] > 0).astype(int)
        Qn = rng.randn(10000 // q, d)
        for k in (5, 50):
            ours = KNeighborsClassifier(k).fit(Xn, yn)
            ref = neighbors.KNeighborsClassifier(k).fit(Xn, yn)
            od = dal["neighbors"].KNeighborsClassifier(k).fit(Xn, yn) if dal else None
            add("KNN predict d=%d k=%d" % (d, k), Xn.shape,
                lambda m=ours, Q=Qn: (m.kneighbors(Q), m.predict(Q)),
                lambda m=ref, Q=Qn: (m.kneighbors(Q), m.predict(Q)),
                (lambda m=od, Q=Qn: (m.kneighbors(Q), m.predict(Q))) if od else None,
                lambda a, b: max(_rel(a[0][0], b[0][0]), float(np.mean(a[1] != b[1]))))
    return cases


def _cpu(fn):
    t0 = time.process_time()
    out = fn()
    return time.process_time() - t0, out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sizes divided by 10")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=None,
                        help="workloads to run (prefixes of the row names)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    rusty_machine.set_num_threads(1)
    cases = _cases(args.quick)
    if args.only:
        cases = [c for c in cases if any(c[0].startswith(o) for o in args.only)]
    print("CPU seconds, best of %d, one thread each; ratio = their time / ours"
          % args.repeats)
    head = "%-24s %-10s %9s %9s %9s %8s %8s %10s %10s" % (
        "workload", "data", "sklearn", "oneDAL", "ours", "skl/ours", "dal/ours",
        "chk skl", "chk dal")
    print(head)
    print("-" * len(head))
    with threadpool_limits(1):
        for name, shape, ours, ref, dal, check in cases:
            best = {"ours": np.inf, "skl": np.inf, "dal": np.inf}
            out = {}
            for _ in range(args.repeats):
                for side, fn in (("ours", ours), ("skl", ref), ("dal", dal)):
                    if fn is None:
                        continue
                    t, out[side] = _cpu(fn)
                    best[side] = min(best[side], t)
            c_skl = check(out["ours"], out["skl"])
            c_dal = check(out["ours"], out["dal"]) if dal else float("nan")
            print("%-24s %-10s %9.4f %9.4f %9.4f %8.2f %8.2f %10.3g %10.3g" % (
                name, "%dx%d" % shape, best["skl"], best["dal"], best["ours"],
                best["skl"] / best["ours"], best["dal"] / best["ours"], c_skl, c_dal),
                flush=True)


if __name__ == "__main__":
    main()

"""Learning II against scikit-learn, single-threaded on both sides (plus KMeans with 2
threads against our own single thread).

    python bench/bench_learning_unsupervised.py [--quick]

Ratio = scikit-learn's time / ours (above 1: we are faster). Targets (issue 7):
KMeans 100000x50 k=100 20 iterations tol=0 same init >= 1.0; GaussianMixture full
20000x10 k=8 100 iterations >= 2.0; DBSCAN 20000 points in 2-D >= 1.0; GaussianNB
50000x50 >= 0.5; KNeighborsClassifier predict 10000 queries on 50000x8 >= 0.7;
PCA 10000x100 >= 0.5; KMeans with 2 threads >= 1.7x our single-thread speed.
The score columns check that both sides computed the same thing.
"""
import argparse
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

import rusty_machine
from _common import EVERY_RUN, cpu_interleaved, timed


def main():
    from sklearn import cluster, decomposition, mixture, naive_bayes, neighbors

    from rusty_machine.learning import (DBSCAN, PCA, GaussianMixture, GaussianNB, KMeans,
                                        KNeighborsClassifier)

    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    q = 10 if args.quick else 1
    rng = np.random.RandomState(0)

    def ari(a, b):
        from sklearn.metrics import adjusted_rand_score
        return adjusted_rand_score(a, b)

    # ---- data ---------------------------------------------------------------------
    Xk = rng.randn(100000 // q, 50)
    init_k = Xk[rng.choice(len(Xk), 100, replace=False)].copy()
    Xg = rng.randn(20000 // q, 10) + 1.5 * rng.randint(0, 8, 20000 // q)[:, None]
    means_g = Xg[rng.choice(len(Xg), 8, replace=False)].copy()
    Xd = np.vstack([0.5 * rng.randn(8000 // q, 2), 0.5 * rng.randn(8000 // q, 2) + 4,
                    10 * rng.rand(4000 // q, 2) - 3])
    Xn = rng.randn(50000 // q, 50)
    yn = rng.randint(0, 5, len(Xn))
    Xn += yn[:, None] * 0.2
    Xc = rng.randn(50000 // q, 8)
    yc = (Xc[:, 0] + 0.5 * Xc[:, 1] > 0).astype(int)
    Qc = rng.randn(10000 // q, 8)
    yq = (Qc[:, 0] + 0.5 * Qc[:, 1] > 0).astype(int)
    Xp = rng.randn(10000 // q, 100) @ rng.randn(100, 100)

    cases = [
        ("KMeans k=100 20it", Xk,
         lambda: KMeans(100, init=init_k, tol=0.0, max_iter=20).fit(Xk),
         lambda: cluster.KMeans(100, init=init_k, n_init=1, tol=0.0, max_iter=20).fit(Xk),
         lambda m: m.inertia_),
        ("GMM full k=8 100it", Xg,
         lambda: GaussianMixture(8, means_init=means_g, tol=0.0, max_iter=100,
                                 random_state=0).fit(Xg),
         lambda: mixture.GaussianMixture(8, means_init=means_g, tol=0.0, random_state=0,
                                         max_iter=100).fit(Xg),
         lambda m: m.lower_bound_),
        ("DBSCAN eps=0.3 ms=10", Xd,
         lambda: DBSCAN(eps=0.3, min_samples=10).fit(Xd),
         lambda: cluster.DBSCAN(eps=0.3, min_samples=10).fit(Xd),
         lambda m: float(m.labels_.max() + 1)),
        ("GaussianNB fit+pred", Xn,
         lambda: GaussianNB().fit(Xn, yn).predict(Xn),
         lambda: naive_bayes.GaussianNB().fit(Xn, yn).predict(Xn),
         lambda pred: float(np.mean(pred == yn))),
        ("KNN predict 10000q", Xc,
         None, None,
         lambda pred: float(np.mean(pred == yq))),
        ("PCA fit", Xp,
         lambda: PCA().fit(Xp),
         lambda: decomposition.PCA().fit(Xp),
         lambda m: float(m.explained_variance_ratio_[:10].sum())),
    ]
    knn_o = KNeighborsClassifier(5).fit(Xc, yc)
    knn_s = neighbors.KNeighborsClassifier(5).fit(Xc, yc)
    cases[4] = cases[4][:2] + (lambda: knn_o.predict(Qc), lambda: knn_s.predict(Qc),
                               cases[4][4])

    print("%-22s %-12s %9s %9s %7s %14s %14s" % ("estimator", "data", "ours s", "sklearn s",
                                                "ratio", "score ours", "score sklearn"))
    with threadpool_limits(1), rusty_machine.num_threads(1):
        for name, X, ours, ref, score in cases:
            t_o, m_o = timed(ours, 0.5, 200, repeats=args.repeats, **EVERY_RUN)
            t_r, m_r = timed(ref, 0.5, 200, repeats=args.repeats, **EVERY_RUN)
            print("%-22s %-12s %9.3f %9.3f %7.2f %14.6g %14.6g" % (
                name, "%dx%d" % X.shape, t_o, t_r, t_r / t_o, score(m_o), score(m_r)),
                flush=True)
    # 1 and 2 threads interleaved (best of each), so that a burst of load from other
    # processes does not land on one side only
    t1 = t2 = np.inf
    with threadpool_limits(1):
        for _ in range(max(args.repeats, 4)):
            with rusty_machine.num_threads(1):
                t1 = min(t1, timed(cases[0][2], 0.0, repeats=1, **EVERY_RUN)[0])
            with rusty_machine.num_threads(2):
                t2 = min(t2, timed(cases[0][2], 0.0, repeats=1, **EVERY_RUN)[0])
    print("%-22s %-12s %9.3f %9.3f %7.2f   (ours 1 thread / ours 2 threads)" % (
        "KMeans 2 threads", "%dx%d" % Xk.shape, t2, t1, t1 / t2), flush=True)
    kmeans_float32(Xk, init_k, args.repeats)


def kmeans_float32(Xk, init_k, repeats):
    """The float32 row (issue 13): the same fit on float32 data against our float64 fit
    (target >= 1.6x) and scikit-learn's float32 fit; CPU time (process_time), best of
    ``repeats`` interleaved rounds, one thread on every side. Agreement: the share of
    labels equal to the float64 fit's and the relative inertia difference."""
    from sklearn import cluster

    from rusty_machine.learning import KMeans

    X32, init32 = Xk.astype(np.float32), init_k.astype(np.float32)
    fns = [lambda: KMeans(100, init=init32, tol=0.0, max_iter=20).fit(X32),
           lambda: KMeans(100, init=init_k, tol=0.0, max_iter=20).fit(Xk),
           lambda: cluster.KMeans(100, init=init32, n_init=1, tol=0.0,
                                  max_iter=20).fit(X32)]
    with threadpool_limits(1), rusty_machine.num_threads(1):
        (t32, t64, tsk), (m32, m64, msk) = cpu_interleaved(fns, max(repeats, 2))
    print("\nfloat32 (CPU seconds, best of %d interleaved rounds, 1 thread)" % max(repeats, 2))
    print("%-22s %-12s %9s %9s %9s %8s %8s %9s %10s" % (
        "estimator", "data", "ours f32", "ours f64", "skl f32", "f64/f32", "skl/ours",
        "labels=", "d inertia"))
    print("%-22s %-12s %9.3f %9.3f %9.3f %8.2f %8.2f %9.5f %10.2e" % (
        "KMeans k=100 20it", "%dx%d" % Xk.shape, t32, t64, tsk, t64 / t32, tsk / t32,
        np.mean(m32.labels_ == m64.labels_), abs(m32.inertia_ - m64.inertia_) / m64.inertia_),
        flush=True)


if __name__ == "__main__":
    main()

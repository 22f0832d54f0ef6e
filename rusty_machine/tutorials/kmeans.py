"""k-means: Lloyd's iterations on 2-D blobs, one step at a time.

k-means looks for k centres c_1..c_k that minimise the inertia

    J = sum_i ||x_i - c_{l(i)}||^2,    l(i) = the centre nearest x_i.

Lloyd's algorithm [Lloyd 1982] alternates the two halves of that problem, each solved
exactly with the other held fixed:

    assign:  l(i) <- argmin_j ||x_i - c_j||^2     (the best labels for these centres)
    update:  c_j  <- mean of the x_i with l(i) = j  (the best centres for these labels)

Neither step can increase J, and there are finitely many labellings, so J decreases to a
fixed point in finitely many steps -- a local minimum, which is why the starting centres
matter. k-means++ [Arthur & Vassilvitskii 2007] picks them far apart, each sample with
probability proportional to its squared distance to the centres already chosen.

The distance computation is the only expensive part: ||x - c||^2 = ||x||^2 - 2 x.c +
||c||^2 turns the n x k distances into one GEMM, X C^T.

Ours: rusty_machine/learning/k_means.py (KMeans, kmeans_plusplus) with the Lloyd
iteration in rusty_machine/learning/_k_means.pyx. This lesson runs KMeans with
max_iter=1 again and again, each time starting from the previous centres, and checks
that the steps land where one full fit lands.
"""
import warnings

import numpy as np

from rusty_machine.exceptions import ConvergenceWarning
from rusty_machine.learning import KMeans
from rusty_machine.learning.k_means import kmeans_plusplus


def blobs(n_per, centres, spread, rng):
    X = np.vstack([c + spread * rng.standard_normal((n_per, 2)) for c in centres])
    return X


def run(lesson):
    say = lesson.say
    rng = np.random.default_rng(5)
    centres = np.array([[0.0, 0.0], [4.0, 1.0], [1.5, 4.0]])
    X = blobs(25 if lesson.quick else 60, centres, 0.9, rng)
    k = 3

    lesson.step("1. Seeding (k-means++), deliberately from a poor start")
    # a poor start makes the iterations visible: three samples of the same blob
    start = X[[0, 1, 2]].copy()
    pp = np.asarray(kmeans_plusplus(X, k, random_state=0)[0])
    lesson.show("k-means++ would start from", pp)
    lesson.show("this lesson starts from (three samples of one blob)", start)

    lesson.step("2. Lloyd's iterations: KMeans(init=centres, max_iter=1), repeated")
    C = start
    path, inertia = [C.copy()], []
    labels = []
    for it in range(1, 31):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)     # one step on purpose
            km = KMeans(n_clusters=k, init=C, n_init=1, max_iter=1, tol=0.0).fit(X)
        moved = float(np.abs(km.cluster_centers_ - C).max())
        C = km.cluster_centers_.copy()
        path.append(C.copy())
        inertia.append(km.inertia_)
        labels.append(km.labels_.copy())
        say("  iteration %2d: inertia %10.4f, centres moved by %.2e" % (it, inertia[-1], moved))
        if moved == 0.0:
            break
    full = KMeans(n_clusters=k, init=start, n_init=1, tol=0.0).fit(X)
    say("one full fit from the same start: inertia %.4f after %d iterations"
        % (full.inertia_, full.n_iter_))
    gap = float(np.abs(full.cluster_centers_ - C).max())
    say("max |centres(stepped) - centres(full fit)| = %.1e" % gap)
    say("inertia never increased: %s" % all(b <= a * (1 + 1e-12)
                                            for a, b in zip(inertia, inertia[1:])))

    with lesson.figure("iterations", 1, 2, size=(8, 3.5)) as f:
        if f:
            fig, (a0, a1) = f
            a0.scatter(X[:, 0], X[:, 1], c=labels[-1], s=8, cmap="viridis", alpha=0.7)
            P = np.array(path)
            for j in range(k):
                a0.plot(P[:, j, 0], P[:, j, 1], "r.-", markersize=5, lw=1)
            a0.plot(P[-1, :, 0], P[-1, :, 1], "rx", markersize=10, mew=2)
            a0.set_title("centres, iteration by iteration", fontsize=9)
            a1.plot(range(1, len(inertia) + 1), inertia, "o-", markersize=4)
            a1.set_xlabel("iteration")
            a1.set_ylabel("inertia")
            a1.set_title("Lloyd never increases the inertia", fontsize=9)
    return {"inertia": inertia, "path": path, "gap": gap, "full_inertia": full.inertia_}

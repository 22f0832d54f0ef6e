"""Support vector machines: SMO's progress, the decision boundary, the support vectors.

A soft-margin SVM looks for the boundary f(x) = 0 with the widest margin, paying C for
every point inside it. Its dual [Cortes & Vapnik 1995; Scholkopf & Smola 2002, Ch. 7] is

    maximise  W(alpha) = sum_i alpha_i - 1/2 sum_ij alpha_i alpha_j y_i y_j K(x_i, x_j)
    subject to 0 <= alpha_i <= C,  sum_i alpha_i y_i = 0,

and the classifier is f(x) = sum_i alpha_i y_i K(x_i, x) - rho. Only the points with
alpha_i > 0 appear in it: the *support vectors*, the points on or inside the margin.

SMO [Platt 1998] solves the dual two variables at a time, because two is the smallest
number that can move while keeping sum_i alpha_i y_i = 0, and a two-variable problem has
a closed-form solution. Each iteration picks the pair that most violates the optimality
(KKT) conditions -- LIBSVM's second-order working-set selection [Fan, Chen & Lin 2005] --
solves it exactly, and updates the gradient. The dual objective W rises at every step;
SMO stops when the largest violation is below tol. At the optimum (the KKT conditions):
y_i f(x_i) >= 1 where alpha_i = 0, = 1 where 0 < alpha_i < C, <= 1 where alpha_i = C.

Ours: rusty_machine/learning/svm.py (SVC, SVR) with the SMO solver in
rusty_machine/learning/_smo.pyx and the kernels in rusty_machine/learning/_kernels.pyx.
The lesson stops SMO after 1, 2, 4, ... iterations (max_iter) to watch it converge.
"""
import warnings

import numpy as np

from rusty_machine.learning import SVC


def rbf(A, B, gamma):
    d2 = (A * A).sum(1)[:, None] + (B * B).sum(1)[None, :] - 2.0 * (A[:, None, :] * B[None]).sum(2)
    return np.exp(-gamma * np.maximum(d2, 0.0))


def dual_objective(model, gamma):
    """W(alpha) from the fitted model: dual_coef_ holds alpha_i y_i of the support vectors."""
    a_y = model.dual_coef_[0]
    K = rbf(model.support_vectors_, model.support_vectors_, gamma)
    return float(np.abs(a_y).sum() - 0.5 * (a_y[:, None] * K * a_y[None, :]).sum())


def run(lesson):
    say = lesson.say
    rng = np.random.default_rng(7)
    n = 60 if lesson.quick else 120
    X = rng.uniform(-2, 2, (n, 2))
    y = np.where(X[:, 1] > 0.6 * np.sin(2.0 * X[:, 0]) + 0.15 * rng.standard_normal(n), 1, -1)
    C, gamma = 5.0, 1.0

    lesson.step("1. SMO stopped early, then run to convergence (SVC, max_iter)")
    caps = [1, 2, 4, 8, 16, 32, 64, -1]
    progress = []
    say("%9s %10s %12s %10s %10s" % ("max_iter", "SMO steps", "dual W", "n support",
                                     "accuracy"))
    models = {}
    for cap in caps:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")            # "SMO stopped at max_iter": on purpose
            model = SVC(C=C, kernel="rbf", gamma=gamma, max_iter=cap).fit(X, y)
        models[cap] = model
        W = dual_objective(model, gamma)
        acc = float(model.score(X, y))
        steps = int(np.asarray(model.n_iter_).ravel()[0])
        progress.append((cap, steps, W, int(len(model.support_)), acc))
        say("%9s %10d %12.5f %10d %10.3f" % ("none" if cap == -1 else cap, steps, W,
                                            len(model.support_), acc))
    duals = [p[2] for p in progress]
    say("the dual objective never went down: %s" % all(b >= a - 1e-9
                                                        for a, b in zip(duals, duals[1:])))

    lesson.step("2. The optimum: KKT conditions on every training point")
    model = models[-1]
    f = model.decision_function(X)
    yf = y * f
    alpha = np.zeros(n)
    alpha[model.support_] = np.abs(model.dual_coef_[0])
    tol = 1e-2
    free = (alpha > 1e-8) & (alpha < C - 1e-8)
    bound = alpha >= C - 1e-8
    zero = alpha <= 1e-8
    kkt = {"alpha = 0: min y f": float(yf[zero].min()) if zero.any() else float("nan"),
           "0 < alpha < C: max |y f - 1|": float(np.abs(yf[free] - 1).max()) if free.any()
           else 0.0,
           "alpha = C: max y f": float(yf[bound].max()) if bound.any() else float("nan")}
    for k, v in kkt.items():
        say("  %-30s %.4f" % (k, v))
    say("%d support vectors: %d on the margin (0 < alpha < C), %d inside it (alpha = C)"
        % (len(model.support_), free.sum(), bound.sum()))
    kkt_ok = ((not zero.any() or kkt["alpha = 0: min y f"] >= 1 - tol)
              and kkt["0 < alpha < C: max |y f - 1|"] <= tol
              and (not bound.any() or kkt["alpha = C: max y f"] <= 1 + tol))
    say("KKT satisfied to %.0e: %s" % (tol, kkt_ok))

    with lesson.figure("boundary", 1, 3, size=(10, 3.3)) as fig_axes:
        if fig_axes:
            fig, axes = fig_axes
            g = np.linspace(-2, 2, 80)
            GX, GY = np.meshgrid(g, g)
            grid = np.c_[GX.ravel(), GY.ravel()]
            for ax, cap in zip(axes[:2], [4, -1]):
                m = models[cap]
                Z = m.decision_function(grid).reshape(GX.shape)
                ax.contourf(GX, GY, Z, levels=20, cmap="RdBu", alpha=0.5)
                ax.contour(GX, GY, Z, levels=[-1, 0, 1], colors="k",
                           linestyles=[":", "-", ":"], linewidths=1)
                ax.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu", s=10, edgecolors="k",
                           linewidths=0.3)
                sv = m.support_vectors_
                ax.scatter(sv[:, 0], sv[:, 1], s=50, facecolors="none", edgecolors="k",
                           linewidths=0.8)
                ax.set_title("after %s SMO steps" % (np.asarray(m.n_iter_).ravel()[0]),
                             fontsize=9)
                ax.set_xticks([])
                ax.set_yticks([])
            steps = [p[1] for p in progress]
            axes[2].plot(steps, duals, "o-", markersize=4)
            axes[2].set_xscale("log")
            axes[2].set_xlabel("SMO steps")
            axes[2].set_ylabel("dual objective W")
            axes[2].set_title("SMO raises W at every step", fontsize=9)
    return {"progress": progress, "duals": duals, "kkt": kkt, "kkt_ok": kkt_ok}

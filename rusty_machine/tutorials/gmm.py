"""EM for a Gaussian mixture: responsibilities, weighted means and covariances, ellipses.

A Gaussian mixture models the data as drawn from one of K Gaussians N(mu_k, Sigma_k),
chosen with probabilities pi_k. Fitting it by maximum likelihood has no closed form,
but it would have one if we knew which component drew each point. EM [Dempster, Laird &
Rubin 1977; Bishop, PRML Sec. 9.2.2] alternates between guessing that softly and
refitting:

    E-step:  r_ik = pi_k N(x_i | mu_k, Sigma_k) / sum_j pi_j N(x_i | mu_j, Sigma_j)
             (the responsibility of component k for point i; each row sums to 1)
    M-step:  N_k = sum_i r_ik,  pi_k = N_k / n,  mu_k = sum_i r_ik x_i / N_k,
             Sigma_k = sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / N_k  (+ reg_covar I)

Each iteration never decreases the log-likelihood (EM's defining property, PRML Sec.
9.4): the plot of the lower bound per iteration is monotone. The Gaussian densities are
evaluated through the Cholesky factor of each precision matrix (our cholesky and
triangular solves), and a covariance that collapses onto a point is caught by that
same Cholesky factorisation.

Ours: rusty_machine/learning/gmm.py (GaussianMixture) with its inner loops in
rusty_machine/learning/_gmm.pyx. The lesson steps EM one iteration at a time
(warm_start=True, max_iter=1) and draws each component's 2-sigma ellipse, whose axes
come from our eigh of Sigma_k.
"""
import warnings

import numpy as np

from rusty_machine import linalg
from rusty_machine.exceptions import ConvergenceWarning
from rusty_machine.learning import GaussianMixture
from rusty_machine.linalg import blas


def ellipse(mean, cov, n_sigma=2.0, n_points=60):
    """Points of the n_sigma contour: mean + n_sigma V sqrt(Lambda) (cos t, sin t)."""
    lam, V = (np.asarray(M) for M in linalg.eigh(cov))
    t = np.linspace(0, 2 * np.pi, n_points)
    circle = np.vstack([np.cos(t), np.sin(t)])
    return (mean[:, None] + n_sigma * blas.gemm(V * np.sqrt(np.maximum(lam, 0)), circle)).T


def run(lesson):
    say = lesson.say
    rng = np.random.default_rng(6)
    n = 80 if lesson.quick else 200
    A1 = np.array([[1.0, 0.0], [0.8, 0.4]])
    A2 = np.array([[0.5, 0.0], [-0.3, 0.9]])
    X = np.vstack([blas.gemm(rng.standard_normal((n, 2)), A1, trans_b=True),
                   blas.gemm(rng.standard_normal((n, 2)), A2, trans_b=True) + [3.0, 2.0],
                   0.4 * rng.standard_normal((n // 2, 2)) + [0.0, 3.5]])
    K = 3
    lesson.step("1. EM one iteration at a time (GaussianMixture, warm_start, max_iter=1)")
    gm = GaussianMixture(n_components=K, covariance_type="full", warm_start=True,
                         max_iter=1, init_params="random", random_state=1, tol=0.0)
    history, bounds = [], []
    n_iter = 12 if lesson.quick else 40
    for it in range(1, n_iter + 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)    # one step on purpose
            gm.fit(X)
        history.append((gm.weights_.copy(), gm.means_.copy(), gm.covariances_.copy()))
        bounds.append(float(gm.lower_bound_))
        if it <= 5 or it % 5 == 0:
            say("  iteration %2d: mean log-likelihood %.6f, weights %s"
                % (it, bounds[-1], np.array2string(gm.weights_, precision=3)))
    monotone = all(b >= a - 1e-10 for a, b in zip(bounds, bounds[1:]))
    say("the log-likelihood never decreased: %s" % monotone)
    resp = gm.predict_proba(X)
    say("responsibilities sum to 1 per point: max |sum - 1| = %.1e"
        % np.abs(resp.sum(1) - 1).max())
    lesson.show("final means", gm.means_)
    lesson.show("final weights", gm.weights_)

    with lesson.figure("em", 1, 2, size=(8.5, 3.6)) as f:
        if f:
            fig, (a0, a1) = f
            a0.scatter(X[:, 0], X[:, 1], s=5, c="0.6")
            shown = [0, 1, 3, len(history) - 1]
            colors = ["C0", "C1", "C2"]
            for idx in shown:
                w, mu, cov = history[idx]
                alpha = 0.3 + 0.7 * idx / (len(history) - 1)
                for k in range(K):
                    E = ellipse(mu[k], cov[k])
                    a0.plot(E[:, 0], E[:, 1], color=colors[k], alpha=alpha,
                            lw=2.0 if idx == shown[-1] else 0.8)
            a0.set_title("2-sigma ellipses at iterations %s"
                         % ", ".join(str(i + 1) for i in shown), fontsize=8)
            a0.set_aspect("equal")
            a1.plot(range(1, len(bounds) + 1), bounds, "o-", markersize=3)
            a1.set_xlabel("iteration")
            a1.set_ylabel("mean log-likelihood")
            a1.set_title("EM never decreases the likelihood", fontsize=9)
    return {"bounds": bounds, "monotone": monotone, "history": history, "X": X}

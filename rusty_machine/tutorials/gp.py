"""Gaussian processes: the posterior before and after choosing hyperparameters by evidence.

A Gaussian process puts a prior directly on functions: any finite set of values f(x_1),
..., f(x_n) is jointly Gaussian with covariance K_ij = k(x_i, x_j). Conditioning on noisy
observations y = f(X) + noise is linear algebra [Rasmussen & Williams, "Gaussian
Processes for Machine Learning", 2006, Alg. 2.1]:

    L = cholesky(K + sigma_n^2 I),   alpha = L^T \\ (L \\ y)
    mean(x*) = k(x*, X) alpha,       var(x*) = k(x*, x*) - ||L \\ k(X, x*)||^2

The kernel's hyperparameters (here a signal variance, a length scale and a noise level)
decide what the posterior looks like, and a bad guess gives a bad fit: too long a length
scale and too much noise, and the mean is too smooth to follow the data; too short, and
it threads every point and falls back to the prior mean between them. They are
chosen by maximising the log marginal likelihood (the evidence, R&W eq. 5.8)

    log p(y | X, theta) = -1/2 y^T alpha - sum_i log L_ii - n/2 log(2 pi),

which trades data fit against complexity; its gradient in theta costs one more solve
(R&W eq. 5.9). Our optimiser is bounded L-BFGS on log(theta).

Ours: rusty_machine/learning/gp.py (GaussianProcessRegressor, following R&W Alg. 2.1
line by line, with Cholesky from rusty_machine/linalg/_cholesky.pyx), the kernels in
rusty_machine/learning/kernels.py and L-BFGS in rusty_machine/learning/optim.py. The
lesson hands the regressor an optimiser (the `optimizer=callable` hook scikit-learn also
has) that runs our L-BFGS and records every evaluation of the evidence.
"""
import numpy as np

from rusty_machine.learning import GaussianProcessRegressor
from rusty_machine.learning.kernels import RBF, Constant, White
from rusty_machine.learning.optim import LBFGS


def run(lesson):
    say = lesson.say
    rng = np.random.default_rng(8)
    n = 15 if lesson.quick else 25
    X = np.sort(rng.uniform(0, 10, n))[:, None]
    y = np.sin(X[:, 0]) + 0.5 * np.sin(2.3 * X[:, 0]) + 0.2 * rng.standard_normal(n)
    kernel = Constant(1.0) * RBF(length_scale=4.0) + White(noise_level=0.5)
    grid = np.linspace(-0.5, 10.5, 200)[:, None]

    lesson.step("1. The posterior with a poor guess (length scale 4, noise 0.5, optimizer=None)")
    before = GaussianProcessRegressor(kernel=kernel, optimizer=None).fit(X, y)
    lml_before = float(before.log_marginal_likelihood_value_)
    say("kernel %r" % before.kernel_)
    say("log marginal likelihood %.4f" % lml_before)

    lesson.step("2. Maximise the evidence (our L-BFGS, every evaluation recorded)")
    trace = []

    def recording_lbfgs(obj, theta0, bounds):
        def f(theta):
            value, grad = obj(theta)
            trace.append((np.exp(theta).copy(), -float(value)))
            return value, grad
        res = LBFGS(bounds=bounds).minimize(f, theta0)
        return res.x, res.fun

    after = GaussianProcessRegressor(kernel=kernel, optimizer=recording_lbfgs).fit(X, y)
    lml_after = float(after.log_marginal_likelihood_value_)
    for i, (theta, lml) in enumerate(trace):
        if i < 6 or i % 5 == 0 or i == len(trace) - 1:
            say("  evaluation %2d: variance %.3f, length scale %.3f, noise %.4f -> log ML %.4f"
                % (i + 1, theta[0], theta[1], theta[2], lml))
    say("kernel after: %r" % after.kernel_)
    say("log marginal likelihood %.4f -> %.4f" % (lml_before, lml_after))
    builtin = GaussianProcessRegressor(kernel=kernel).fit(X, y)
    say("(the built-in optimizer='lbfgs' reaches %.4f)"
        % builtin.log_marginal_likelihood_value_)
    truth = np.sin(grid[:, 0]) + 0.5 * np.sin(2.3 * grid[:, 0])
    errors = {}
    for label, model in (("before", before), ("after", after)):
        mean, std = model.predict(grid, return_std=True)
        errors[label] = float(np.sqrt(np.mean((mean - truth) ** 2)))
        say("%-6s: RMS distance of the posterior mean to the true function %.3f"
            % (label, errors[label]))

    with lesson.figure("posterior", 1, 2, size=(9, 3.3)) as f:
        if f:
            fig, axes = f
            for ax, (label, model) in zip(axes, (("before", before), ("after", after))):
                mean, std = model.predict(grid, return_std=True)
                ax.fill_between(grid[:, 0], mean - 2 * std, mean + 2 * std, alpha=0.25,
                                label="mean +- 2 sd")
                ax.plot(grid[:, 0], mean, lw=1.5, label="posterior mean")
                ax.plot(grid[:, 0], truth, "k:", lw=1, label="truth")
                ax.plot(X[:, 0], y, "k.", markersize=5)
                ax.set_title("%s optimisation: log ML %.1f" % (
                    label, model.log_marginal_likelihood_value_), fontsize=9)
                ax.set_ylim(-3, 3)
            axes[0].legend(fontsize=6, loc="lower left")
    return {"lml_before": lml_before, "lml_after": lml_after, "trace": trace,
            "builtin": float(builtin.log_marginal_likelihood_value_), "rms": errors}

"""Gaussian process regression with hyperparameters fitted by maximum marginal likelihood.

The prior is f ~ GP(m, k) with a mean function m ("zero", "constant" or a callable) and
a covariance ``kernel`` from ``rusty_machine.learning.kernels``; observations add
independent noise of variance ``alpha`` (a scalar or one per sample). Fitting follows
Rasmussen & Williams [1], Algorithm 2.1:

    line 2:  L = cholesky(K + alpha I)                                 (our dpotrf)
    line 3:  a = L^T \\ (L \\ y)                                        (our dpotrs)
    line 4:  f* = K*^T a                       (predictive mean, GEMM / gemv)
    line 5:  v = L \\ K*                                                (our dtrsm)
    line 6:  V[f*] = k(X*, X*) - v^T v         (predictive (co)variance)
    line 7:  log p(y | X) = -1/2 y^T a - sum_i log L_ii - n/2 log 2 pi

The hyperparameters theta (the kernel's, in log space) maximise line 7; its gradient is
[1, eq. 5.9]

    d log p / d theta_j = 1/2 tr((a a^T - K^-1) dK/dtheta_j)
                        = 1/2 sum_ij W_ij (dK/dtheta_j)_ij,   W = a a^T - K^-1,

with K^-1 formed once per evaluation from the Cholesky factor (dpotri: dtrtri + dlauum)
and the contraction with dK/dtheta done by the kernel itself without ever forming the
(n, n, n_theta) tensor (``Kernel._vjp``: for per-feature length scales one GEMM and
elementwise sums). The maximisation is our projected L-BFGS inside the log-space bounds
(``learning.optim.LBFGS``), from the kernel's theta and then from ``n_restarts_optimizer``
points drawn log-uniformly within the bounds; the best optimum wins.

If the Cholesky factorisation of K + alpha I fails (K singular, e.g. duplicated rows
with alpha = 0), it is retried with a growing jitter on the diagonal (with a warning);
if that fails too a LinAlgError asks to raise ``alpha``.

float32 input is upcast to float64 on purpose: the marginal likelihood and its
gradient go through the Cholesky factor of K + alpha I, whose condition number grows
quickly with the length scale; in float32 (about 7 digits) the factorisation fails or
the optimiser follows rounding noise. Fitted attributes and predictions are float64, as
scikit-learn's GaussianProcessRegressor.

References
----------
[1] C. E. Rasmussen & C. K. I. Williams, "Gaussian Processes for Machine Learning",
    MIT Press 2006: Alg. 2.1, eqs. 2.25-2.26 (prediction), Sec. 2.7 (mean functions),
    eq. 5.8-5.9 (marginal likelihood and its gradient), Sec. 5.4.1.
[2] Golub & Van Loan, "Matrix Computations", 4th ed., Alg. 4.2.2 (Cholesky), Sec. 3.1
    (triangular systems).
[3] J. Nocedal & S. J. Wright, "Numerical Optimization", 2nd ed., Alg. 7.5 (L-BFGS).
"""
import numbers
import warnings

import numpy as np

from ..exceptions import LinAlgError, _warn_convergence
from ..linalg import cho_factor, eigh, solve_triangular
from ..linalg.blas import dtrsm_py, gemm
from .base import BaseEstimator, RegressorMixin, clone
from .kernels import RBF, Constant, Kernel
from .optim import LBFGS
from .validation import check_is_fitted, check_random_state, validate_data

__all__ = ["GaussianProcessRegressor"]

_LOG_2PI = float(np.log(2.0 * np.pi))
_JITTER_TRIES = 6


def _default_kernel():
    return Constant(1.0) * RBF(1.0)


class GaussianProcessRegressor(RegressorMixin, BaseEstimator):
    """Gaussian process regression (Rasmussen & Williams, Alg. 2.1).

    Parameters
    ----------
    kernel : Kernel, default None
        The prior covariance; None means ``Constant(1.0) * RBF(1.0)`` (as scikit-learn).
        Its hyperparameters are the starting point of the optimisation; the fitted
        copy is ``kernel_``.
    mean : {"zero", "constant"} or callable, default "zero"
        Prior mean function: 0, the mean of the training targets, or ``mean(X)``
        returning shape (n_samples,) (or (n_samples, n_targets)).
    alpha : float or array-like of shape (n_samples,), default 1e-10
        Added to the diagonal of K: observation noise variance (and numerical jitter).
    optimizer : "lbfgs", None or callable, default "lbfgs"
        "lbfgs": our bounded L-BFGS on the negative log marginal likelihood. A callable
        is called as ``optimizer(obj_func, initial_theta, bounds)`` with
        ``obj_func(theta) -> (value, gradient)`` and returns ``(theta_opt, value_opt)``.
        None keeps the kernel's hyperparameters.
    n_restarts_optimizer : int, default 0
        Extra starts drawn log-uniformly within the bounds (finite bounds needed).
    normalize_y : bool, default False
        Scale the targets (after removing the mean function) to zero mean, unit variance.
    random_state : None, int or RandomState
        For the restarts (and the default of ``sample_y``).
    verbose : int, default 0
        > 0: print the log marginal likelihood after each L-BFGS iteration.

    Attributes
    ----------
    X_train_, y_train_ : the training data (y_train_ as used: after mean removal and
        normalisation)
    kernel_ : Kernel with the fitted hyperparameters
    L_ : ndarray (n, n), lower Cholesky factor of kernel_(X_train_) + alpha I
    alpha_ : ndarray (n,) or (n, n_targets), (K + alpha I)^-1 y_train_
    log_marginal_likelihood_value_ : float
    n_iter_ : int, L-BFGS iterations of the best run (0 without optimisation)
    """

    def __init__(self, kernel=None, mean="zero", alpha=1e-10, optimizer="lbfgs",
                 n_restarts_optimizer=0, normalize_y=False, random_state=None, verbose=0):
        self.kernel = kernel
        self.mean = mean
        self.alpha = alpha
        self.optimizer = optimizer
        self.n_restarts_optimizer = n_restarts_optimizer
        self.normalize_y = normalize_y
        self.random_state = random_state
        self.verbose = verbose

    def _rm_tags(self, tags):
        tags.requires_fit = False
        tags.target_tags.multi_output = True
        return tags

    # ---- helpers ---------------------------------------------------------------------
    def _check_params(self):
        if self.kernel is not None and not isinstance(self.kernel, Kernel):
            raise ValueError("kernel must be a rusty_machine.learning.kernels.Kernel or None, "
                             "got %r" % (self.kernel,))
        if not (callable(self.mean) or self.mean in ("zero", "constant")):
            raise ValueError("mean must be 'zero', 'constant' or a callable, got %r"
                             % (self.mean,))
        if not (self.optimizer is None or self.optimizer == "lbfgs" or callable(self.optimizer)):
            raise ValueError("optimizer must be 'lbfgs', None or a callable, got %r"
                             % (self.optimizer,))
        r = self.n_restarts_optimizer
        if isinstance(r, bool) or not isinstance(r, numbers.Integral) or r < 0:
            raise ValueError("n_restarts_optimizer must be a non-negative integer, got %r" % (r,))

    def _mean_values(self, X, n_targets=None):
        """m(X), shape (n,) or (n, n_targets)."""
        if callable(self.mean):
            m = np.asarray(self.mean(X), dtype=np.float64)
            if m.shape[0] != X.shape[0] or m.ndim > 2 or not np.isfinite(m).all():
                raise ValueError("mean(X) must return finite values of shape (n_samples,) "
                                 "or (n_samples, n_targets), got shape %s" % (m.shape,))
            return m
        if self.mean == "constant" and hasattr(self, "_const_mean"):
            return np.broadcast_to(self._const_mean, (X.shape[0],) + np.shape(self._const_mean))
        return np.zeros(X.shape[0])

    def _noise(self, n):
        a = np.asarray(self.alpha, dtype=np.float64)
        if a.ndim == 0:
            if not np.isfinite(a) or a < 0:
                raise ValueError("alpha must be >= 0, got %r" % (self.alpha,))
            return np.full(n, float(a))
        if a.shape != (n,):
            raise ValueError("alpha must be a scalar or an array with the same number of "
                             "entries as y: alpha has shape %s, y has %d samples"
                             % (a.shape, n))
        if not np.isfinite(a).all() or (a < 0).any():
            raise ValueError("alpha must be finite and >= 0")
        return a

    def _factor(self, K, jitter):
        """cho_factor(K) with the jitter path: retry with growing diagonal jitter (a
        warning), then a LinAlgError that says to raise alpha."""
        try:
            return cho_factor(K), 0.0
        except LinAlgError:
            if not jitter:
                raise
        scale = max(float(np.mean(np.abs(np.diag(K)))), np.finfo(float).tiny)
        eps = np.finfo(float).eps
        idx = np.arange(K.shape[0])
        for k in range(_JITTER_TRIES):
            j = scale * eps * 10.0 ** (2 + k)       # 2.2e-14 ... 2.2e-9 relative
            Kj = K.copy()
            Kj[idx, idx] += j
            try:
                c = cho_factor(Kj)
            except LinAlgError:
                continue
            warnings.warn("K + alpha I was not numerically positive definite; added a "
                          "jitter of %.3g to its diagonal (raise alpha to avoid this)" % j,
                          RuntimeWarning, stacklevel=4)
            return c, j
        raise LinAlgError("The kernel, %r, is not returning a positive definite matrix "
                          "(even with a jitter of %.3g on the diagonal). Try gradually "
                          "increasing the 'alpha' parameter of your GaussianProcessRegressor "
                          "estimator." % (self.kernel_ if hasattr(self, "kernel_")
                                          else self.kernel, j))

    # ---- the marginal likelihood -------------------------------------------------------
    def _lml(self, kernel, X, y, noise, eval_gradient):
        """R&W Alg. 2.1 lines 2, 3, 7 and eq. 5.9. y is (n, n_targets)."""
        n, t = y.shape
        K, ctx = kernel._eval(X, None, eval_gradient)
        K[np.arange(n), np.arange(n)] += noise
        try:
            c = cho_factor(K)                                   # line 2: L = chol(K)
        except ValueError:          # LinAlgError (not positive definite) or NaN/inf in K
            return (-np.inf, np.zeros(kernel.n_dims)) if eval_gradient else -np.inf
        a = np.asarray(c.solve(y))                              # line 3: a = K^-1 y
        logdet_half = 0.5 * c.logdet()                          # sum_i log L_ii
        # line 7, summed over the targets
        lml = -0.5 * float(np.sum(y * a)) - t * logdet_half - 0.5 * n * t * _LOG_2PI
        if not eval_gradient:
            return lml
        # eq. 5.9: W = a a^T - t K^-1 (summed over targets); K^-1 once (dpotri)
        W = np.asarray(c.inv())
        W *= -float(t)
        gemm(a, a, trans_b=True, c=W, beta=1.0)                 # W += a @ a.T
        grad = 0.5 * kernel._vjp(ctx, W)
        return lml, grad

    def log_marginal_likelihood(self, theta=None, eval_gradient=False, clone_kernel=True):
        """log p(y | X, theta) of the training data [R&W eq. 5.8] (and its gradient).

        Parameters
        ----------
        theta : array-like of shape (n_dims,), optional
            Log-space hyperparameters; None returns the fitted value.
        eval_gradient : bool
            Also return the gradient with respect to theta [R&W eq. 5.9].
        clone_kernel : bool
            Evaluate on a copy of ``kernel_`` (else ``kernel_`` itself is changed).

        Returns
        -------
        float, or (float, ndarray of shape (n_dims,)) with eval_gradient
        """
        check_is_fitted(self, "X_train_")
        if theta is None:
            if eval_gradient:
                raise ValueError("gradient can only be evaluated for theta != None")
            return self.log_marginal_likelihood_value_
        kernel = self.kernel_.clone_with_theta(theta) if clone_kernel else self.kernel_
        if not clone_kernel:
            kernel.theta = theta
        return self._lml(kernel, self.X_train_, self._y2d, self._noise_vec, eval_gradient)

    # ---- fit ---------------------------------------------------------------------------
    def fit(self, X, y):
        """Fit the hyperparameters (unless optimizer is None) and the posterior.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)

        Returns
        -------
        self
        """
        self._check_params()
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True)
        if y.ndim == 2 and y.shape[1] == 0:
            raise ValueError("y has no targets")
        self.kernel_ = _default_kernel() if self.kernel is None else clone(self.kernel)
        n = X.shape[0]
        noise = self._noise(n)
        # mean function [R&W Sec. 2.7]: work with the residual y - m(X)
        if self.mean == "constant":
            self._const_mean = np.mean(y, axis=0)
        elif hasattr(self, "_const_mean"):
            del self._const_mean
        m = self._mean_values(X)
        if y.ndim == 2 and m.ndim == 1:
            m = m[:, None]
        try:
            resid = y - m
        except ValueError:
            raise ValueError("mean(X) has shape %s but y has shape %s" % (m.shape, y.shape))
        if resid.shape != y.shape:
            raise ValueError("mean(X) has shape %s but y has shape %s" % (m.shape, y.shape))
        if self.normalize_y:
            self._y_train_mean = np.mean(resid, axis=0)
            std = np.std(resid, axis=0)
            self._y_train_std = np.where(std > 0, std, 1.0)
            resid = (resid - self._y_train_mean) / self._y_train_std
        else:
            self._y_train_mean = np.zeros(y.shape[1:])
            self._y_train_std = np.ones(y.shape[1:])
        self.X_train_ = X
        self.y_train_ = resid
        self._y_ndim = y.ndim
        self._y2d = np.ascontiguousarray(resid.reshape(n, -1))
        self._noise_vec = noise
        self.n_iter_ = 0

        if self.optimizer is not None and self.kernel_.n_dims > 0:
            self._optimise(X, noise)

        # posterior at the chosen hyperparameters: R&W Alg. 2.1 lines 2-3
        K = self.kernel_(X)
        K[np.arange(n), np.arange(n)] += noise
        c, _ = self._factor(K, jitter=True)
        self.L_ = np.asarray(c.L)
        a = np.asarray(c.solve(self._y2d))
        self.alpha_ = a[:, 0].copy() if y.ndim == 1 else a
        t = self._y2d.shape[1]
        self.log_marginal_likelihood_value_ = (
            -0.5 * float(np.sum(self._y2d * a)) - t * 0.5 * c.logdet() - 0.5 * n * t * _LOG_2PI)
        return self

    def _optimise(self, X, noise):
        kernel = self.kernel_
        y2 = self._y2d

        def obj(theta):
            k = kernel.clone_with_theta(theta)
            lml, grad = self._lml(k, X, y2, noise, True)
            if not np.isfinite(lml):
                return np.inf, np.zeros_like(theta)
            return -lml, -grad

        bounds = kernel.bounds
        starts = [kernel.theta]
        if self.n_restarts_optimizer > 0:
            if not np.isfinite(bounds).all():
                raise ValueError("Multiple optimizer restarts (n_restarts_optimizer>0) "
                                 "requires that all bounds are finite.")
            rng = check_random_state(self.random_state)
            for _ in range(self.n_restarts_optimizer):
                starts.append(rng.uniform(bounds[:, 0], bounds[:, 1]))
        best = None
        for theta0 in starts:
            if self.optimizer == "lbfgs":
                opt = LBFGS(bounds=bounds)
                try:
                    res = opt.minimize(obj, theta0, callback=self._progress())
                except ValueError:
                    # K + alpha I not positive definite at this start: skip it
                    continue
                theta, value, it = np.asarray(res.x), float(res.fun), int(res.n_iter)
                if not res.converged and it >= opt.max_iter:
                    _warn_convergence("L-BFGS stopped at max_iter=%d before converging (%s)"
                                      % (opt.max_iter, res.message),
                                      stacklevel=3)
            else:
                theta, value = self.optimizer(obj, theta0, bounds)
                theta, value, it = np.asarray(theta, dtype=np.float64), float(value), 0
            if best is None or value < best[1]:
                best = (theta, value, it)
        if best is None or not np.isfinite(best[1]):
            raise LinAlgError("The kernel matrix was not positive definite at any of the "
                              "optimiser's points; increase alpha.")
        self.kernel_.theta = best[0]
        self.n_iter_ = best[2]

    def _progress(self):
        """The L-BFGS callback of ``verbose``: one line per iteration (None if quiet)."""
        if not self.verbose:
            return None
        count = [0]

        def report(theta, value):
            count[0] += 1
            print("L-BFGS iteration %d: log marginal likelihood %.8g" % (count[0], -value))
        return report

    # ---- prediction --------------------------------------------------------------------
    def predict(self, X, return_std=False, return_cov=False):
        """Posterior (or, before fit, prior) predictive mean and uncertainty.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        return_std : bool
            Also return the standard deviation of f(X) (without observation noise).
        return_cov : bool
            Also return the covariance of f(X). Not both.

        Returns
        -------
        y_mean : ndarray of shape (n_samples,) or (n_samples, n_targets)
        y_std : ndarray of shape (n_samples,) or (n_samples, n_targets), optional
        y_cov : ndarray of shape (n_samples, n_samples) or (.., n_targets), optional
        """
        if return_std and return_cov:
            raise RuntimeError("At most one of return_std or return_cov can be requested.")
        if not hasattr(self, "X_train_"):                       # the prior
            self._check_params()
            kernel = _default_kernel() if self.kernel is None else self.kernel
            X = validate_data(self, X, reset=False) if hasattr(self, "n_features_in_") else \
                _check_X_unfitted(X)
            mean = self._mean_values(X) if callable(self.mean) else np.zeros(X.shape[0])
            if return_cov:
                return mean, kernel(X)
            if return_std:
                return mean, np.sqrt(np.maximum(kernel.diag(X), 0.0))
            return mean
        X = validate_data(self, X, reset=False)
        # R&W Alg. 2.1 line 4: f* = K*^T a  (K* here is k(X, X_train), (m, n))
        Ks = self.kernel_(X, self.X_train_)
        a2 = self.alpha_.reshape(self.alpha_.shape[0], -1)
        fmean = gemm(Ks, a2)                                     # (m, t)
        scale = np.asarray(self._y_train_std, dtype=np.float64).reshape(-1)
        shift = np.asarray(self._y_train_mean, dtype=np.float64).reshape(-1)
        y_mean = fmean * scale + shift
        m = self._mean_values(X)
        y_mean = y_mean + (m[:, None] if m.ndim == 1 else m)
        if self._y_ndim == 1:
            y_mean = y_mean[:, 0]
        if not (return_std or return_cov):
            return y_mean
        if return_std:
            # line 5 transposed, in place on the private K*: v^T = K* L^-T (one blocked
            # right-side triangular solve, our dtrsm; no transposed copy of K*), and the
            # diagonal of line 6, k(x, x) - ||v_x||^2, from its rows
            Vt = dtrsm_py(np.ascontiguousarray(self.L_), np.ascontiguousarray(Ks),
                          left=False, lower=True, trans=True)
            np.square(Vt, out=Vt)
            var = self.kernel_.diag(X) - Vt.sum(axis=1)
            # rounding can take k(x, x) - ||v_x||^2 a little below 0 where the posterior
            # variance is ~0 (x near the training points): clipped, with scikit-learn's
            # warning
            negative = var < 0.0
            if negative.any():
                warnings.warn("Predicted variances smaller than 0. Setting those "
                              "variances to 0.")
                var[negative] = 0.0
            if self._y_ndim == 1:
                return y_mean, np.sqrt(var) * scale[0]
            return y_mean, np.sqrt(var)[:, None] * scale
        # line 5: v = L \ K*^T  (one triangular solve with m right-hand sides)
        V = np.asarray(solve_triangular(self.L_, np.ascontiguousarray(Ks.T), lower=True,
                                        check_finite=False))
        # line 6: cov = k(X, X) - v^T v
        cov = self.kernel_(X)
        gemm(V, V, trans_a=True, alpha=-1.0, c=cov, beta=1.0)
        if self._y_ndim == 1:
            return y_mean, cov * scale[0] ** 2
        return y_mean, cov[:, :, None] * scale ** 2

    def sample_y(self, X, n_samples=1, random_state=0):
        """Draw functions from the posterior (prior before fit) at X.

        f = mean + V diag(sqrt(max(w, 0))) z with cov = V diag(w) V^T (our eigh: robust
        to a singular covariance) and z standard normal.

        Returns
        -------
        ndarray of shape (n_points, n_samples) or (n_points, n_targets, n_samples)
        """
        rng = check_random_state(random_state)
        mean, cov = self.predict(X, return_cov=True)
        if cov.ndim == 2:
            return self._draw(mean, cov, n_samples, rng)
        return np.stack([self._draw(mean[:, i], cov[:, :, i], n_samples, rng)
                         for i in range(cov.shape[2])], axis=1)

    @staticmethod
    def _draw(mean, cov, n_samples, rng):
        w, V = eigh(np.ascontiguousarray(cov))
        w, V = np.asarray(w), np.asarray(V)
        Z = rng.standard_normal((cov.shape[0], n_samples))
        B = V * np.sqrt(np.maximum(w, 0.0))
        return mean[:, None] + gemm(B, Z)


def _check_X_unfitted(X):
    from .validation import check_array
    return check_array(X)

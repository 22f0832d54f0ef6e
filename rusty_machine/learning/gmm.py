"""Gaussian mixture models fitted by expectation-maximisation, in log space.

p(x) = sum_k pi_k N(x | mu_k, Sigma_k). Each covariance is held through its Cholesky
factor: Sigma_k = L_k L_k^T (our ``cholesky``), and the precision factor
P_k = L_k^{-T} (a triangular solve, ``solve_triangular``), so that
Sigma_k^{-1} = P_k P_k^T and log det Sigma_k^{-1/2} = sum_j log (P_k)_jj. No explicit
inverse and no determinant by LU are ever formed (rusty-machine's GMM did both).

The E-step works with log probabilities and normalises them with the log-sum-exp trick;
the passes over the data for "full" (and "tied") covariances are the Cython kernels of
``_gmm.pyx`` (GEMM on chunks of rows, OpenMP).

References
----------
[1] C. M. Bishop, "Pattern Recognition and Machine Learning", Springer 2006, Sec. 9.2
    (EM for Gaussian mixtures, eqs. 9.23-9.28).
[2] A. P. Dempster, N. M. Laird & D. B. Rubin, "Maximum likelihood from incomplete data
    via the EM algorithm", JRSS B 39(1), 1977 (the likelihood never decreases).
[3] Golub & Van Loan, "Matrix Computations", 4th ed., Alg. 4.2.1 (Cholesky), Sec. 3.1
    (triangular solves).
[4] G. Schwarz, "Estimating the dimension of a model", Ann. Stat. 6(2), 1978 (BIC);
    H. Akaike, "A new look at the statistical model identification", IEEE TAC 19, 1974.
"""
import numbers
import time

import numpy as np

from ..exceptions import LinAlgError, _warn_convergence
from ..linalg import cholesky, solve_triangular
from ..linalg.blas import gemm
from .base import BaseEstimator
from .validation import (check_is_fitted, check_random_state, check_sample_weight,
                         validate_data)
from . import _gmm

__all__ = ["GaussianMixture"]

_COV_TYPES = ("full", "tied", "diag", "spherical")
_INIT_PARAMS = ("kmeans", "k-means++", "random", "random_from_data")
_LOG_2PI = np.log(2.0 * np.pi)
_EPS = np.finfo(np.float64).eps


def _collapse_error(k, cov_type, detail):
    who = "the shared (tied) covariance" if k is None else "component %d" % k
    return LinAlgError(
        "Fitting the mixture model failed: the covariance of %s is not positive definite "
        "(%s); the component has collapsed onto too few (or identical) samples. Increase "
        "reg_covar, use fewer components, or scale the data." % (who, detail))


def _precision_cholesky(covariances, cov_type):
    """P with Sigma^{-1} = P P^T from the covariances, through Cholesky [3]."""
    if cov_type in ("full", "tied"):
        covs = covariances[None] if cov_type == "tied" else covariances
        n_comp, d, _ = covs.shape
        prec = np.empty_like(covs)
        eye = np.eye(d)
        for k in range(n_comp):
            try:
                L = np.asarray(cholesky(covs[k], lower=True))          # Sigma = L L^T
            except LinAlgError as exc:
                raise _collapse_error(None if cov_type == "tied" else k, cov_type,
                                      str(exc)) from None
            # P = L^{-T}: solve L Y = I, P = Y^T (upper triangular)  [GVL4 Sec. 3.1]
            prec[k] = np.asarray(solve_triangular(L, eye, lower=True)).T
        return prec[0] if cov_type == "tied" else prec
    cov = np.asarray(covariances)
    bad = np.flatnonzero(~(cov > 0.0).reshape(cov.shape[0], -1).all(1)) \
        if cov_type == "diag" else np.flatnonzero(~(cov > 0.0))
    if bad.size:
        raise _collapse_error(int(bad[0]), cov_type, "a variance is <= 0")
    return 1.0 / np.sqrt(cov)


def _covariances_from_precisions(prec_chol, cov_type, lower):
    """Sigma = (P P^T)^{-1} = Y^T Y with Y = P^{-1} (a triangular solve, no inverse).

    ``lower`` says which triangle P occupies (lower when P is the Cholesky factor of a
    given precision matrix, upper when P = L^{-T} was built from a covariance)."""
    if cov_type in ("full", "tied"):
        P = prec_chol[None] if cov_type == "tied" else prec_chol
        out = np.empty_like(P)
        eye = np.eye(P.shape[1])
        for k in range(P.shape[0]):
            # Y = P^{-1}: solve P Y = I  [GVL4 Sec. 3.1]
            Y = np.asarray(solve_triangular(P[k], eye, lower=lower))
            out[k] = gemm(Y, Y, trans_a=True)       # Y.T @ Y
        return out[0] if cov_type == "tied" else out
    return 1.0 / prec_chol ** 2


def _precisions_from_cholesky(prec_chol, cov_type):
    if cov_type == "full":
        return np.stack([gemm(P, P, trans_b=True) for P in prec_chol])
    if cov_type == "tied":
        return gemm(prec_chol, prec_chol, trans_b=True)
    return prec_chol ** 2


class GaussianMixture(BaseEstimator):
    """Gaussian mixture model fitted by EM [1, 2].

    Parameters
    ----------
    n_components : int, default 1
    covariance_type : {"full", "tied", "diag", "spherical"}, default "full"
        One full matrix per component, one shared full matrix, one diagonal per
        component, or one variance per component.
    tol : float, default 1e-3
        EM stops when the gain of the lower bound (mean log-likelihood) is below tol.
    reg_covar : float, default 1e-6
        Added to the diagonal of every covariance (keeps them positive definite).
    max_iter : int, default 100
    n_init : int, default 1
        Number of initialisations; the best lower bound is kept.
    init_params : {"kmeans", "k-means++", "random", "random_from_data"}, default "kmeans"
        How the initial responsibilities are made.
    weights_init : array-like of shape (n_components,), optional
    means_init : array-like of shape (n_components, n_features), optional
    precisions_init : array-like, optional
        Initial precision matrices (the inverses of the covariances), shaped by
        covariance_type: (k, d, d) full, (d, d) tied, (k, d) diag, (k,) spherical.
    random_state : int, RandomState or None
    warm_start : bool, default False
        Start from the previous fit's parameters (n_init is then 1).
    verbose : int, default 0
        1 prints the start and end of each initialisation, 2 every iteration too.
    verbose_interval : int, default 10

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
    means_ : ndarray of shape (n_components, n_features)
    covariances_ : ndarray (shape as precisions_init)
    precisions_ : ndarray
    precisions_cholesky_ : ndarray
        P with precision = P P^T (upper triangular for full/tied, scikit-learn's
        convention).
    converged_ : bool
    n_iter_ : int
    lower_bound_ : float
        Mean log-likelihood of the training data at the best run's last iteration.
    lower_bounds_ : ndarray of shape (n_iter_,)
        The lower bound at each iteration of the best run (never decreasing, up to
        rounding: EM's monotonicity [2]).
    n_features_in_ : int

    Notes
    -----
    float32 X is kept in float32: the E-step's Mahalanobis products and the M-step's
    means and scatter matrices are sgemm passes over X (as scikit-learn's float32 EM),
    while the log-probabilities, the log-sum-exp and the d x d Cholesky factorisations
    run in float64; the fitted parameters are float32, and ``predict_proba`` /
    ``score_samples`` return the dtype of the X they are given.
    """
    _estimator_type = "density_estimator"

    def __init__(self, n_components=1, *, covariance_type="full", tol=1e-3, reg_covar=1e-6,
                 max_iter=100, n_init=1, init_params="kmeans", weights_init=None,
                 means_init=None, precisions_init=None, random_state=None, warm_start=False,
                 verbose=0, verbose_interval=10):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.verbose_interval = verbose_interval

    # ---- parameter checks -------------------------------------------------------------
    @staticmethod
    def _int_param(value, name, low):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
            raise ValueError("%s must be an integer >= %d, got %r" % (name, low, value))
        return int(value)

    @staticmethod
    def _real_param(value, name):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
            raise ValueError("%s must be a non-negative number, got %r" % (name, value))
        return float(value)

    def _check_params(self, X):
        n_samples, d = X.shape
        k = self._int_param(self.n_components, "n_components", 1)
        if n_samples < k:
            raise ValueError("Expected n_samples >= n_components but got n_components = %d, "
                             "n_samples = %d" % (k, n_samples))
        self._int_param(self.max_iter, "max_iter", 1)
        self._int_param(self.n_init, "n_init", 1)
        self._real_param(self.tol, "tol")
        self._real_param(self.reg_covar, "reg_covar")
        if self.covariance_type not in _COV_TYPES:
            raise ValueError("covariance_type must be one of %s, got %r"
                             % (_COV_TYPES, self.covariance_type))
        if self.init_params not in _INIT_PARAMS:
            raise ValueError("init_params must be one of %s, got %r"
                             % (_INIT_PARAMS, self.init_params))
        if self.weights_init is not None:
            w = np.asarray(self.weights_init, dtype=np.float64)
            if w.shape != (k,):
                raise ValueError("weights_init must have shape (%d,), got %s" % (k, w.shape))
            if not np.isfinite(w).all() or (w < 0).any() or (w > 1).any():
                raise ValueError("weights_init must be in [0, 1]")
            if not np.allclose(w.sum(), 1.0, rtol=0, atol=1e-6):
                raise ValueError("weights_init must sum to 1, got sum %r" % w.sum())
        if self.means_init is not None:
            m = np.asarray(self.means_init, dtype=np.float64)
            if m.shape != (k, d):
                raise ValueError("means_init must have shape (%d, %d), got %s"
                                 % (k, d, m.shape))
            if not np.isfinite(m).all():
                raise ValueError("means_init contains NaN or infinity")
        if self.precisions_init is not None:
            p = np.asarray(self.precisions_init, dtype=np.float64)
            shape = {"full": (k, d, d), "tied": (d, d), "diag": (k, d),
                     "spherical": (k,)}[self.covariance_type]
            if p.shape != shape:
                raise ValueError("precisions_init for covariance_type=%r must have shape %s, "
                                 "got %s" % (self.covariance_type, shape, p.shape))
            if not np.isfinite(p).all():
                raise ValueError("precisions_init contains NaN or infinity")
            if self.covariance_type in ("full", "tied"):
                mats = p[None] if p.ndim == 2 else p
                for i, P in enumerate(mats):
                    if not np.allclose(P, P.T, rtol=0, atol=1e-10 * max(1.0, np.abs(P).max())):
                        raise ValueError("precisions_init[%d] is not symmetric" % i)
            elif (p <= 0).any():
                raise ValueError("precisions_init must be positive")
        return k

    # ---- the two steps of EM ----------------------------------------------------------
    def _estimate_gaussian_parameters(self, X, resp, w):
        """M-step statistics [1, eqs. 9.24-9.27] with sample weights w."""
        cov_type = self.covariance_type
        reg = float(self.reg_covar)
        wresp = resp * w[:, None] if w is not None else resp
        nk = wresp.sum(0) + 10 * _EPS
        # the passes over X in X's dtype (sgemm for float32 data, as scikit-learn's EM);
        # nk and the covariances in float64
        wresp = np.ascontiguousarray(wresp, dtype=X.dtype)
        # means = wresp.T @ X / nk
        means = (gemm(wresp, X, trans_a=True) / nk[:, None]).astype(X.dtype)
        d = X.shape[1]
        if cov_type in ("full", "tied"):
            covs = np.empty((len(nk), d, d))
            _gmm.cov_full(X, wresp, means, nk, reg, covs)
            if cov_type == "tied":
                # shared covariance: sum_k N_k Sigma_k / sum_k N_k (same regularisation)
                cov = (nk[:, None, None] * (covs - reg * np.eye(d))).sum(0) / nk.sum()
                cov.flat[::d + 1] += reg
                covs = cov
        else:
            # centred data: the variance formula E[x^2] - E[x]^2 without cancellation
            shift = X.mean(0)
            Xc = X - shift
            mc = means - shift
            # E_k[x^2] = wresp.T @ Xc^2 / nk
            avg_x2 = gemm(wresp, Xc * Xc, trans_a=True) / nk[:, None]
            covs = np.maximum(avg_x2 - mc * mc, 0.0) + reg
            if cov_type == "spherical":
                covs = covs.mean(1)
        return nk, means, covs

    def _log_gaussian_prob(self, X, means, prec_chol):
        """log N(x_i | mu_k, Sigma_k), shape (n_samples, n_components), float64.

        The pass over X runs in X's dtype, the parameters cast to it (scikit-learn's
        rule for a float64 X on a float32 model and the other way round)."""
        n, d = X.shape
        K = means.shape[0]
        cov_type = self.covariance_type
        means = np.asarray(means, dtype=X.dtype)
        prec_chol = np.asarray(prec_chol, dtype=X.dtype)
        out = np.empty((n, K))
        if cov_type in ("full", "tied"):
            P = prec_chol if cov_type == "full" else np.broadcast_to(prec_chol, (K, d, d))
            P = np.ascontiguousarray(P)
            log_det = np.log(np.diagonal(P, axis1=1, axis2=2).astype(np.float64)).sum(1)
            _gmm.log_prob_full(X, np.ascontiguousarray(means), P,
                               log_det - 0.5 * d * _LOG_2PI, out)
            return out
        shift = X.mean(0)
        Xc, mc = X - shift, means - shift
        if cov_type == "diag":
            prec = prec_chol ** 2
            log_det = np.log(prec_chol).sum(1)
            # sum_f (x_f - mu_f)^2 prec_f = sum mu^2 prec - 2 x.(mu prec) + x^2.prec
            maha = gemm(Xc * Xc, prec, trans_b=True)
            maha -= gemm(Xc, mc * prec, trans_b=True, alpha=2.0)
            maha += (mc * mc * prec).sum(1)[None, :]
        else:
            prec = prec_chol ** 2
            log_det = d * np.log(prec_chol)
            maha = gemm(Xc, mc, trans_b=True, alpha=-2.0)
            maha += (Xc * Xc).sum(1)[:, None]
            maha += (mc * mc).sum(1)[None, :]
            maha *= prec[None, :]
        np.maximum(maha, 0.0, out=maha)
        out[:] = -0.5 * (d * _LOG_2PI + maha) + log_det
        return out

    def _e_step(self, X, w):
        """log-sum-exp normalised log responsibilities and the mean log-likelihood."""
        wlp = self._log_gaussian_prob(X, self.means_, self.precisions_cholesky_)
        wlp += np.log(np.asarray(self.weights_, dtype=np.float64))[None, :]
        resp = np.empty_like(wlp)
        log_norm = np.empty(X.shape[0])
        _gmm.normalize_log_resp(wlp, resp, log_norm)
        if w is None:
            mean_ll = float(log_norm.mean())
        else:
            mean_ll = float((w * log_norm).sum() / w.sum())
        return mean_ll, wlp, resp

    def _m_step(self, X, resp, w):
        nk, means, covs = self._estimate_gaussian_parameters(X, resp, w)
        self.weights_ = nk / nk.sum()
        self.means_ = means
        self.covariances_ = covs
        # the factorisations in float64 (d x d), the factors rounded to X's dtype
        self.precisions_cholesky_ = _precision_cholesky(covs, self.covariance_type).astype(
            X.dtype)

    # ---- initialisation ---------------------------------------------------------------
    def _initial_resp(self, X, w, rng):
        n, K = X.shape[0], self.n_components
        resp = np.zeros((n, K))
        if self.init_params == "kmeans":
            from .k_means import KMeans
            labels = KMeans(K, n_init=1, random_state=rng).fit(
                X, sample_weight=w).labels_
            resp[np.arange(n), labels] = 1.0
        elif self.init_params == "random":
            resp = rng.uniform(size=(n, K))
            resp /= resp.sum(1)[:, None]
        elif self.init_params == "random_from_data":
            idx = rng.choice(n, size=K, replace=False)
            resp[idx, np.arange(K)] = 1.0
        else:
            from .k_means import kmeans_plusplus
            _, idx = kmeans_plusplus(X, K, sample_weight=w, random_state=rng)
            resp[idx, np.arange(K)] = 1.0
        return resp

    def _tied_scatter(self, X, w, nk, means):
        """The starting tied covariance of the point initialisations, where resp has one
        non-zero row per component: sum_k N_k Sigma_k / N would be reg_covar * I (each
        component a single point), a start at which every other sample is millions of
        standard deviations away. Instead, scikit-learn's tied estimate
        (sum_i w_i x_i x_i' - sum_k N_k mu_k mu_k') / sum_k N_k + reg_covar I: the scatter of
        all the data about the chosen points, so the same seed gives the same start."""
        d = X.shape[1]
        Xw = X * w[:, None] if w is not None else X
        # cov = (Xw.T @ X - (nk * means.T) @ means) / nk.sum()
        cov = (gemm(Xw, X, trans_a=True) - gemm(means * nk[:, None], means, trans_a=True)) \
            / nk.sum()
        cov.flat[::d + 1] += float(self.reg_covar)
        return cov

    def _initialize(self, X, w, rng):
        K = self.n_components
        if self.weights_init is None or self.means_init is None \
                or self.precisions_init is None:
            resp = self._initial_resp(X, w, rng)
            nk, means, covs = self._estimate_gaussian_parameters(X, resp, w)
            if self.covariance_type == "tied" and \
                    self.init_params in ("k-means++", "random_from_data"):
                covs = self._tied_scatter(X, w, nk, means)
        else:
            nk, means, covs = np.ones(K), None, None
        self.weights_ = (np.asarray(self.weights_init, dtype=np.float64).copy()
                         if self.weights_init is not None else nk / nk.sum())
        self.means_ = (np.array(self.means_init, dtype=np.float64)
                       if self.means_init is not None else means)
        if self.precisions_init is not None:
            prec = np.asarray(self.precisions_init, dtype=np.float64)
            if self.covariance_type in ("full", "tied"):
                mats = prec[None] if self.covariance_type == "tied" else prec
                P = np.empty_like(mats)
                for k in range(mats.shape[0]):
                    # precision = P P^T with P its lower Cholesky factor (scikit-learn's
                    # convention for a given precision)
                    try:
                        P[k] = np.asarray(cholesky(mats[k], lower=True))
                    except LinAlgError as exc:
                        raise ValueError("precisions_init[%d] is not positive definite: %s"
                                         % (k, exc)) from None
                self.precisions_cholesky_ = P[0] if self.covariance_type == "tied" else P
            else:
                self.precisions_cholesky_ = np.sqrt(prec)
            self.covariances_ = _covariances_from_precisions(self.precisions_cholesky_,
                                                             self.covariance_type, True)
        else:
            self.covariances_ = covs
            self.precisions_cholesky_ = _precision_cholesky(covs, self.covariance_type)
        self.means_ = np.ascontiguousarray(self.means_, dtype=X.dtype)
        self.precisions_cholesky_ = self.precisions_cholesky_.astype(X.dtype)

    # ---- fitting ----------------------------------------------------------------------
    def fit(self, X, y=None, sample_weight=None):
        """Estimate the parameters by EM.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored
        sample_weight : array-like of shape (n_samples,), optional
            Each sample counts w_i times in the likelihood.

        Returns
        -------
        self
        """
        self.fit_predict(X, y, sample_weight=sample_weight)
        return self

    def fit_predict(self, X, y=None, sample_weight=None):
        """Fit, then return the most probable component of each training sample.

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        X = validate_data(self, X, reset=True, min_samples=2 if self.n_components != 1
                          else 1, dtype=[np.float64, np.float32])
        self._check_params(X)
        w = None
        if sample_weight is not None:
            w = check_sample_weight(sample_weight, X.shape[0])
            if not w.sum() > 0:
                raise ValueError("sample_weight sums to zero")
        do_init = not (self.warm_start and hasattr(self, "converged_"))
        n_init = self.n_init if do_init else 1
        rng = check_random_state(self.random_state)
        best = None
        max_lb = -np.inf
        self.converged_ = False
        n_iter = 0
        for init in range(n_init):
            if self.verbose:
                print("Initialization %d" % init)
                t_init = time.time()
            if do_init:
                self._initialize(X, w, rng)
            lower_bound = -np.inf if do_init else self.lower_bound_
            converged = False
            history = []
            for n_iter in range(1, self.max_iter + 1):
                previous = lower_bound
                lower_bound, log_resp, resp = self._e_step(X, w)
                self._m_step(X, resp, w)
                history.append(lower_bound)
                change = lower_bound - previous
                if self.verbose >= 2 and n_iter % self.verbose_interval == 0:
                    print("  Iteration %d\t change: %.5g\t lower bound: %.5g"
                          % (n_iter, change, lower_bound))
                if abs(change) < self.tol:
                    converged = True
                    break
            if self.verbose:
                print("Initialization %s. time lapse %.5fs\t lower bound %.5f"
                      % ("converged" if converged else "did not converge",
                         time.time() - t_init, lower_bound))
            if lower_bound > max_lb or best is None:
                max_lb = lower_bound
                best = (self.weights_, self.means_, self.covariances_,
                        self.precisions_cholesky_, n_iter, converged, history)
        (self.weights_, self.means_, self.covariances_, self.precisions_cholesky_,
         self.n_iter_, self.converged_, history) = best
        self.lower_bounds_ = np.array(history)
        self.lower_bound_ = float(max_lb)
        if not self.converged_ and self.max_iter > 0:
            _warn_convergence("Best performing initialization did not converge in max_iter=%d "
                              "iterations; try a larger max_iter or tol, or check the data."
                              % self.max_iter, stacklevel=2)
        self.precisions_ = _precisions_from_cholesky(self.precisions_cholesky_,
                                                     self.covariance_type)
        # float32 data: float32 fitted parameters, as scikit-learn's
        for name in ("weights_", "means_", "covariances_", "precisions_cholesky_",
                     "precisions_"):
            setattr(self, name, np.asarray(getattr(self, name), dtype=X.dtype))
        # a last E-step so that the labels agree with the final parameters
        _, log_resp, _ = self._e_step(X, w)
        return log_resp.argmax(1)

    # ---- inference --------------------------------------------------------------------
    def _check_X(self, X):
        check_is_fitted(self, "means_")
        return validate_data(self, X, reset=False, dtype=[np.float64, np.float32])

    def _weighted_log_prob(self, X):
        wlp = self._log_gaussian_prob(X, self.means_, self.precisions_cholesky_)
        wlp += np.log(self.weights_.astype(np.float64))[None, :]
        return wlp

    def score_samples(self, X):
        """log p(x_i) for each sample.

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        X = self._check_X(X)
        wlp = self._weighted_log_prob(X)
        log_norm = np.empty(X.shape[0])
        _gmm.normalize_log_resp(wlp, np.empty_like(wlp), log_norm)
        return log_norm.astype(X.dtype, copy=False)

    def score(self, X, y=None):
        """Mean log-likelihood of X."""
        return float(self.score_samples(X).mean())

    def predict_proba(self, X):
        """Posterior probability of each component (responsibilities).

        Returns
        -------
        ndarray of shape (n_samples, n_components), rows summing to 1
        """
        X = self._check_X(X)
        wlp = self._weighted_log_prob(X)
        resp = np.empty_like(wlp)
        _gmm.normalize_log_resp(wlp, resp, np.empty(X.shape[0]))
        return resp.astype(X.dtype, copy=False)

    def predict(self, X):
        """Most probable component of each sample.

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        X = self._check_X(X)
        return self._weighted_log_prob(X).argmax(1)

    def _n_parameters(self):
        K, d = self.means_.shape
        cov = {"full": K * d * (d + 1) / 2.0, "tied": d * (d + 1) / 2.0,
               "diag": K * d, "spherical": K}[self.covariance_type]
        return int(cov + K * d + K - 1)

    def bic(self, X):
        """Bayesian information criterion [4]: -2 log L + p log n (lower is better)."""
        X = self._check_X(X)
        n = X.shape[0]
        return -2.0 * self.score(X) * n + self._n_parameters() * np.log(n)

    def aic(self, X):
        """Akaike information criterion [4]: -2 log L + 2 p (lower is better)."""
        X = self._check_X(X)
        return -2.0 * self.score(X) * X.shape[0] + 2 * self._n_parameters()

    def sample(self, n_samples=1):
        """Draw samples from the fitted mixture.

        x = mu_k + L_k z with z ~ N(0, I) and Sigma_k = L_k L_k^T (Cholesky).

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
        y : ndarray of shape (n_samples,)
            The component of each sample.
        """
        check_is_fitted(self, "means_")
        if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral) \
                or n_samples < 1:
            raise ValueError("n_samples must be a positive integer, got %r" % (n_samples,))
        rng = check_random_state(self.random_state)
        K, d = self.means_.shape
        counts = rng.multinomial(n_samples, self.weights_)
        parts, labels = [], []
        for k in range(K):
            m = int(counts[k])
            if m == 0:
                continue
            z = rng.standard_normal(size=(m, d))
            if self.covariance_type in ("full", "tied"):
                cov = self.covariances_[k] if self.covariance_type == "full" \
                    else self.covariances_
                L = np.asarray(cholesky(cov, lower=True))
                x = gemm(z, L, trans_b=True)                  # z @ L.T
            elif self.covariance_type == "diag":
                x = z * np.sqrt(self.covariances_[k])
            else:
                x = z * np.sqrt(self.covariances_[k])
            parts.append(x + self.means_[k])
            labels.append(np.full(m, k, dtype=np.intp))
        return np.vstack(parts), np.concatenate(labels)

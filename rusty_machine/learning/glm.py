"""Generalized linear models fitted by iteratively reweighted least squares (IRLS).

Model: E[y | x] = mu = h(eta), eta = x' w + b + offset, Var[y | x] = phi V(mu), with the
link g = h^{-1} and the unit deviance d(y, mu) of the family. The objective is
scikit-learn's:

    F(w, b) = 1 / (2 S) sum_i s_i d(y_i, mu_i) + alpha / 2 ||w||^2,   S = sum_i s_i

(s_i the sample weights; for the binomial family y_i is a proportion and s_i the number
of trials.)

IRLS / Fisher scoring (McCullagh & Nelder 1989, Sec. 2.5; Green 1984): at the current
mu, with the working response and weights

    z_i = (eta_i - offset_i) + (y_i - mu_i) g'(mu_i),
    W_i = s_i / (V(mu_i) g'(mu_i)^2),

the next (w, b) is the weighted ridge solution of min sum_i W_i (z_i - x_i'w - b)^2 +
S alpha ||w||^2 (which is one Fisher-scoring step on F, a Newton step for the canonical
links). For the log link with a power variance V = mu^p (gamma, inverse Gaussian,
Tweedie) the observed information is used instead, i.e. the weights
s mu^(1-p) ((2-p) mu - (1-p) y) (always positive for 1 <= p <= 2; where one is not,
Fisher's weight is kept so the matrix stays positive definite), with the
working response z_i = (eta_i - offset_i) + (Fisher W_i / Newton W_i)(y_i - mu_i) g'(mu_i):
that is Newton's method, quadratically convergent where Fisher scoring is only linear. Its
normal equations (X~'W X~ + S alpha I_w) theta = X~'W z, X~ = [X, 1], are formed in one pass
over X: the Gram matrix of sqrt(W) [X, 1, z] accumulated block by block through our dsyrk,
then solved by our Cholesky (the centred streamed-QR ridge solve of
:mod:`.linear_regression` is the fallback when that matrix is not numerically positive
definite).

L-BFGS (scikit-learn's default solver for PoissonRegressor, GammaRegressor and
TweedieRegressor, ``solver="lbfgs"``; Nocedal & Wright, "Numerical Optimization", 2nd
ed., Alg. 7.5, through :class:`.optim.LBFGS`): for the log link F and its gradient come
from one pass over X per evaluation (``_glm.log_link_loss_grad``: eta by blocks of rows,
the means by the vector exp of csrc/rm_vmath.h, X' r by a transposed GEMV), started
where scikit-learn starts (w = 0, b = g(ybar)) and stopped by its rule (max |grad F| <=
tol, relative decrease of F <= 64 eps). IRLS (``solver="newton-cholesky"``, and every
other link) builds a Gram matrix per iteration, which at tens of features costs more
than the few extra gradient passes of L-BFGS.

Step halving (R's ``glm.fit``; McCullagh & Nelder Sec. 2.5): when the new point gives
a non-finite or invalid mu or raises F, the step is halved towards the previous point
(at most 30 times), so F never increases along the iterations
(``objective_path_`` records it). Iteration stops when max |grad F| <= tol, or when F
stops decreasing by more than a few ulps.

Families (unit deviances, McCullagh & Nelder Table 2.1; Jorgensen 1997 for Tweedie):

    normal            V = 1        d = (y - mu)^2
    bernoulli/binomial V = mu(1-mu) d = 2 [y log(y/mu) + (1-y) log((1-y)/(1-mu))]
    poisson           V = mu       d = 2 [y log(y/mu) - y + mu]
    gamma             V = mu^2     d = 2 [log(mu/y) + y/mu - 1]
    inverse_gaussian  V = mu^3     d = (y - mu)^2 / (y mu^2)
    tweedie (power p) V = mu^p     d = 2 [max(y,0)^(2-p) / ((1-p)(2-p)) - y mu^(1-p) / (1-p)
                                        + mu^(2-p) / (2-p)]   (p = 0, 1, 2 as above)

float32 input is upcast to float64 on purpose: the IRLS iterations solve weighted
least-squares problems whose weights span many orders of magnitude (Poisson, Gamma,
Tweedie variances), and the deviance-based stopping rule needs more than float32's 7
digits. Coefficients and predictions are float64.

References
----------
1. P. McCullagh and J. A. Nelder, *Generalized Linear Models*, 2nd ed., Chapman & Hall
   1989: Sec. 2.5 (IRLS), Table 2.1 (families), Sec. 4.5 (binomial with proportions).
2. P. J. Green, "Iteratively reweighted least squares for maximum likelihood
   estimation", J. R. Stat. Soc. B 46 (1984) 149-192.
3. B. Jorgensen, *The Theory of Dispersion Models*, Chapman & Hall 1997 (Tweedie
   deviance).
4. R Core Team, ``glm.fit`` in R's stats package (step halving, starting values).
"""
import math
import numbers

import numpy as np

from ..exceptions import LinAlgError, _warn_convergence
from ..linalg.blas import gemv
from .base import BaseEstimator, RegressorMixin
from .linear_regression import _linear_predict, _solve_least_squares
from .optim import LBFGS
from .validation import assert_all_finite, check_is_fitted, check_sample_weight, validate_data

__all__ = ["GeneralizedLinearModel", "PoissonRegressor", "GammaRegressor",
           "TweedieRegressor"]

_TINY = np.finfo(np.float64).tiny
_EPS = np.finfo(np.float64).eps


# ---------------------------------------------------------------------------------------
# links: g (link), h = g^{-1} (inverse), dg/dmu (deriv)

def _norm_cdf(x):
    """Phi(x) = erfc(-x / sqrt 2) / 2 (the standard normal CDF)."""
    return 0.5 * _ERFC(-np.asarray(x, dtype=np.float64) / math.sqrt(2.0)).astype(np.float64)


_ERFC = np.frompyfunc(math.erfc, 1, 1)


def _norm_pdf(x):
    return np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def _norm_ppf(p):
    """Phi^{-1}(p) by bisection on [-40, 40] (60 halvings: far below float spacing)."""
    p = np.asarray(p, dtype=np.float64)
    lo = np.full(p.shape, -40.0)
    hi = np.full(p.shape, 40.0)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        below = _norm_cdf(mid) < p
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return 0.5 * (lo + hi)


class _Identity:
    name = "identity"

    def link(self, mu):
        return mu

    def inverse(self, eta):
        return eta

    def deriv(self, mu, eta):
        return np.ones_like(mu)


class _Log:
    name = "log"

    def link(self, mu):
        return np.log(mu)

    def inverse(self, eta):
        with np.errstate(over="ignore"):
            return np.exp(eta)

    def deriv(self, mu, eta):
        return 1.0 / mu


class _Logit:
    name = "logit"

    def link(self, mu):
        return np.log(mu) - np.log1p(-mu)

    def inverse(self, eta):
        e = np.exp(-np.abs(eta))
        return np.where(eta >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def deriv(self, mu, eta):
        return 1.0 / (mu * (1.0 - mu))


class _Probit:
    name = "probit"

    def link(self, mu):
        return _norm_ppf(mu)

    def inverse(self, eta):
        return _norm_cdf(eta)

    def deriv(self, mu, eta):
        return 1.0 / np.maximum(_norm_pdf(eta), _TINY)


class _Inverse:
    name = "inverse"

    def link(self, mu):
        return 1.0 / mu

    def inverse(self, eta):
        with np.errstate(divide="ignore"):
            return 1.0 / eta

    def deriv(self, mu, eta):
        return -1.0 / (mu * mu)


_LINKS = {"identity": _Identity, "log": _Log, "logit": _Logit, "probit": _Probit,
          "inverse": _Inverse}


# ---------------------------------------------------------------------------------------
# families: variance V(mu), unit deviance d(y, mu), valid y and mu

def _xlogy_ratio(y, mu):
    """y log(y / mu) with 0 log 0 = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(y > 0, y * (np.log(np.where(y > 0, y, 1.0)) - np.log(mu)), 0.0)


def _xlogx(y):
    """y log y with 0 log 0 = 0."""
    out = np.zeros_like(y)
    pos = y > 0
    out[pos] = y[pos] * np.log(y[pos])
    return out


class _Family:
    _POWERS = {"normal": 0.0, "poisson": 1.0, "gamma": 2.0, "inverse_gaussian": 3.0}

    def __init__(self, name, power):
        self.name = name
        # the variance power is fixed by the family; only Tweedie takes it from the user
        self.power = float(self._POWERS.get(name, power))

    # -- domains ------------------------------------------------------------------------
    def check_y(self, y):
        n, p = self.name, self.power
        if n == "binomial":
            if np.any((y < 0) | (y > 1)):
                raise ValueError("the binomial family needs y in [0, 1] (proportions of "
                                 "successes, with the trial counts as sample_weight)")
        elif n == "bernoulli":
            if np.any((y != 0) & (y != 1)):
                raise ValueError("the bernoulli family needs y in {0, 1}")
        elif (n == "poisson" or (n == "tweedie" and 0 < p < 2)) and np.any(y < 0):
            raise ValueError("Some value(s) of y are negative which is not allowed for "
                             "the %s family (power=%g)" % (n, p))
        elif (n in ("gamma", "inverse_gaussian") or (n == "tweedie" and p >= 2)) and \
                np.any(y <= 0):
            raise ValueError("Some value(s) of y are out of the valid range (y > 0) for "
                             "the %s family" % n)

    def valid_mu(self, mu):
        if not np.all(np.isfinite(mu)):
            return False
        n, p = self.name, self.power
        if n in ("binomial", "bernoulli"):
            return bool(np.all((mu > 0) & (mu < 1)))
        if n == "normal" or (n == "tweedie" and p <= 0):
            return True
        return bool(np.all(mu > 0))

    # -- variance and deviance -------------------------------------------------------------
    def variance(self, mu):
        n, p = self.name, self.power
        if n in ("binomial", "bernoulli"):
            return mu * (1.0 - mu)
        if n == "normal" or p == 0:
            return np.ones_like(mu)
        if p == 1:
            return mu
        if p == 2:
            return mu * mu
        if p == 3:
            return mu * mu * mu
        return mu ** p

    def unit_deviance(self, y, mu, ylogy=None, log_mu=None):
        """d(y, mu); ``ylogy`` may hold the precomputed y-only terms (see
        :meth:`y_terms`) for the binomial and Poisson deviances, ``log_mu`` log(mu)
        when it is known (the linear predictor of a log link)."""
        n, p = self.name, self.power
        if ylogy is not None and n in ("binomial", "bernoulli"):
            return 2.0 * (ylogy - y * np.log(mu) - (1.0 - y) * np.log1p(-mu))
        if ylogy is not None and (n == "poisson" or (n == "tweedie" and p == 1)):
            if log_mu is None:
                log_mu = np.log(mu)
            return 2.0 * (ylogy - y * log_mu - y + mu)
        if n == "normal" or (n == "tweedie" and p == 0):
            return (y - mu) ** 2
        if n in ("binomial", "bernoulli"):
            return 2.0 * (_xlogy_ratio(y, mu) + _xlogy_ratio(1.0 - y, 1.0 - mu))
        if n == "poisson" or (n == "tweedie" and p == 1):
            return 2.0 * (_xlogy_ratio(y, mu) - y + mu)
        if n == "gamma" or (n == "tweedie" and p == 2):
            return 2.0 * (np.log(mu / y) + y / mu - 1.0)
        if n == "inverse_gaussian" or (n == "tweedie" and p == 3):
            return (y - mu) ** 2 / (y * mu * mu)
        # Jorgensen (1997): general Tweedie power
        ym = np.maximum(y, 0.0)
        return 2.0 * (ym ** (2 - p) / ((1 - p) * (2 - p)) - y * mu ** (1 - p) / (1 - p)
                      + mu ** (2 - p) / (2 - p))

    def y_terms(self, y):
        """The terms of the deviance that depend on y only (y log y, and (1-y) log(1-y)
        for the binomial), computed once per fit."""
        n, p = self.name, self.power
        if n in ("binomial", "bernoulli"):
            return _xlogx(y) + _xlogx(1.0 - y)
        if n == "poisson" or (n == "tweedie" and p == 1):
            return _xlogx(y)
        return None

    def start_mu(self, y, w):
        """R's glm.fit starting values (family$initialize)."""
        n, p = self.name, self.power
        if n in ("binomial", "bernoulli"):
            return (w * y + 0.5) / (w + 1.0)
        if n == "poisson" or (n == "tweedie" and 0 < p < 2):
            return y + 0.1
        if n == "normal" or (n == "tweedie" and p <= 0):
            return y.copy()
        return y.copy()


def _default_link(family, power):
    if family in ("binomial", "bernoulli"):
        return "logit"
    if family == "normal" or (family == "tweedie" and power <= 0):
        return "identity"
    return "log"


def _linalg():
    from .. import linalg
    return linalg


def _weighted_gram(X, z, W, fit_intercept):
    """Lower triangle of A' A for A = sqrt(W) [X, 1, z] (the column of ones only with an
    intercept), accumulated over blocks of rows through our dsyrk so that only one
    block of A exists at a time (the Cython kernel in _glm.pyx)."""
    from ._glm import weighted_gram
    return weighted_gram(X, np.ascontiguousarray(z, dtype=np.float64),
                         np.ascontiguousarray(W, dtype=np.float64), bool(fit_intercept))


_FAMILIES = ("normal", "bernoulli", "binomial", "poisson", "gamma", "inverse_gaussian",
             "tweedie")


# ---------------------------------------------------------------------------------------

_SOLVERS = ("lbfgs", "newton-cholesky")


def _check_solver(solver):
    if not isinstance(solver, str) or solver not in _SOLVERS:
        raise ValueError("solver must be one of %s, got %r" % (_SOLVERS, solver))
    return solver


class GeneralizedLinearModel(RegressorMixin, BaseEstimator):
    """Generalized linear model with an L2 penalty, fitted by IRLS with step halving.

    Parameters
    ----------
    family : {"normal", "bernoulli", "binomial", "poisson", "gamma", "inverse_gaussian",
        "tweedie"}, default "normal"
    link : {"auto", "identity", "log", "logit", "probit", "inverse"}, default "auto"
        "auto": logit for (bernoulli, binomial), identity for normal and Tweedie with
        power <= 0, log otherwise (scikit-learn's choice).
    power : float, default 0.0
        Tweedie power (used by family="tweedie" only): 0 normal, 1 Poisson, (1, 2)
        compound Poisson-gamma, 2 gamma, 3 inverse Gaussian; (0, 1) is not allowed.
    alpha : float >= 0, default 0.0
        L2 penalty: the objective is mean deviance / 2 + alpha / 2 ||w||^2.
    fit_intercept : bool, default True
    max_iter : int, default 100
    tol : float, default 1e-8
        Stop when max |gradient of the objective| <= tol.
    verbose : int, default 0
        > 0: print the objective after each IRLS iteration.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_iter_ : int
    objective_path_ : list of float
        The objective after each IRLS iteration (never increases).
    n_features_in_ : int
    """

    def __init__(self, family="normal", link="auto", power=0.0, alpha=0.0,
                 fit_intercept=True, max_iter=100, tol=1e-8, verbose=0):
        self.family = family
        self.link = link
        self.power = power
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose

    # ---- parameters ----------------------------------------------------------------------
    def _family_name(self):
        return self.family

    def _power(self):
        return self.power

    def _link_name(self):
        return self.link

    def _setup(self):
        fam = self._family_name()
        if fam not in _FAMILIES:
            raise ValueError("family must be one of %s, got %r" % (_FAMILIES, fam))
        power = self._power()
        if isinstance(power, bool) or not isinstance(power, numbers.Real) or \
                not math.isfinite(power):
            raise ValueError("power must be a finite real number, got %r" % (power,))
        if fam == "tweedie" and 0 < power < 1:
            raise ValueError("power must be <= 0 or >= 1 for the tweedie family (no "
                             "distribution exists for 0 < power < 1), got %r" % (power,))
        link = self._link_name()
        if link == "auto":
            link = _default_link(fam, power)
        if link not in _LINKS:
            raise ValueError("link must be 'auto' or one of %s, got %r"
                             % (tuple(_LINKS), link))
        alpha = self.alpha
        if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or \
                not (alpha >= 0) or not math.isfinite(alpha):
            raise ValueError("alpha must be a finite float >= 0, got %r" % (alpha,))
        if isinstance(self.max_iter, bool) or not isinstance(self.max_iter, numbers.Integral) \
                or self.max_iter < 1:
            raise ValueError("max_iter must be a positive integer, got %r" % (self.max_iter,))
        if isinstance(self.tol, bool) or not isinstance(self.tol, numbers.Real) or \
                not self.tol >= 0:
            raise ValueError("tol must be a non-negative float, got %r" % (self.tol,))
        if not isinstance(self.fit_intercept, (bool, np.bool_)):
            raise ValueError("fit_intercept must be a bool, got %r" % (self.fit_intercept,))
        return _Family(fam, power), _LINKS[link](), float(alpha)

    @staticmethod
    def _check_offset(offset, n):
        if offset is None:
            return np.zeros(n)
        off = np.asarray(offset, dtype=np.float64)
        if off.ndim == 0:
            off = np.full(n, float(off))
        if off.shape != (n,):
            raise ValueError("offset has shape %s, expected (%d,)" % (off.shape, n))
        if not np.isfinite(off).all():
            raise ValueError("offset contains NaN or infinity")
        return off

    # ---- fitting -------------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None, offset=None):
        """Fit by IRLS.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Responses (proportions in [0, 1] for the binomial family).
        sample_weight : array-like of shape (n_samples,), optional
            Prior weights (trial counts for the binomial family).
        offset : array-like of shape (n_samples,), optional
            Added to the linear predictor with coefficient 1 (e.g. log exposure for a
            Poisson rate model).

        Returns
        -------
        self
        """
        family, link, alpha = self._setup()
        # X's finiteness: checked below, or by the first pass over X of L-BFGS
        X, y = validate_data(self, X, y, y_numeric=True, ensure_all_finite=False)
        family.check_y(y)
        s = check_sample_weight(sample_weight, X.shape[0])
        if not s.sum() > 0:
            raise ValueError("sample_weight sums to zero: at least one sample needs weight")
        off = self._check_offset(offset, X.shape[0])
        n_features = X.shape[1]
        S = float(s.sum())
        fi = bool(self.fit_intercept)
        if self._solver() == "lbfgs" and link.name == "log" and \
                (family.power == 0 or family.power >= 1) and \
                family.name in ("poisson", "gamma", "tweedie"):
            # scikit-learn's start: w = 0, b = log(ybar) (0 when ybar <= 0: all-zero
            # counts, or least squares with the log link)
            ybar = float(np.sum(s * y) / S)
            b0 = math.log(ybar) if (fi and ybar > 0) else 0.0
            return self._fit_lbfgs(X, y, s, off, S, alpha, fi, family, link, b0,
                                   sample_weight is None, offset is not None)
        assert_all_finite(X, estimator=self)
        ylogy = family.y_terms(y)

        def objective(coef, b):
            eta = _linear_predict(X, coef, b) + off
            mu = link.inverse(eta)
            if not family.valid_mu(mu):
                return np.inf, eta, mu
            with np.errstate(divide="ignore", invalid="ignore"):
                dev = float(np.sum(s * family.unit_deviance(
                    y, mu, ylogy, eta if link.name == "log" else None)))
            return 0.5 * dev / S + 0.5 * alpha * float(np.sum(coef * coef)), eta, mu

        def gradient_max(coef, eta, mu):
            # grad F = -(1/S) X~' [s (y - mu) / (V(mu) g'(mu))] + alpha [w, 0]
            r = s * (y - mu) / (family.variance(mu) * link.deriv(mu, eta))
            g = -gemv(X, r, trans=True) / S + alpha * coef
            gmax = float(np.max(np.abs(g))) if g.size else 0.0
            return max(gmax, abs(float(r.sum())) / S) if fi else gmax

        # starting values (R's glm.fit, family$initialize): mu from y
        mu = family.start_mu(y, s)
        if link.name == "logit" or link.name == "probit":
            mu = np.clip(mu, 1e-10, 1 - 1e-10)
        eta = link.link(mu)
        coef = np.zeros(n_features)
        ybar = float(np.sum(s * y) / S)
        b = 0.0
        if fi:                  # the previous point of the first step: w = 0, b = g(ybar)
            if family.name in ("binomial", "bernoulli"):
                ybar = min(max(ybar, 1e-10), 1.0 - 1e-10)
            with np.errstate(divide="ignore", invalid="ignore"):
                b0 = float(link.link(np.array([ybar]))[0])
            b = b0 if math.isfinite(b0) else 0.0
        f, eta0, mu0 = objective(coef, b)
        converged = False
        consistent = False                   # do (mu, eta) belong to (coef, b)?
        if fi and np.isfinite(f):
            # start where scikit-learn does, at w = 0, b = g(ybar): usually a better
            # first point than R's mu from y
            eta, mu, consistent = eta0, mu0, True
            if gradient_max(coef, eta, mu) <= self.tol:
                converged = True
        path = []
        n_iter = 0
        newton_log = link.name == "log" and family.name not in ("binomial", "bernoulli") \
            and family.power != 1.0
        q = n_features + int(fi)
        pen = np.full(q, S * alpha)
        if fi:
            pen[-1] = 0.0                        # the intercept is not penalised
        for it in range(0 if converged else self.max_iter):
            # McCullagh & Nelder Sec. 2.5: working response z and working weights W
            gprime = link.deriv(mu, eta)
            z = (eta - off) + (y - mu) * gprime
            W = s / (family.variance(mu) * gprime * gprime)
            if newton_log:
                # full Newton for the log link: the observed information has the
                # weights s mu^(1-p) ((2-p) mu - (1-p) y) (> 0 for 1 <= p <= 2); the
                # working response changes so that W (z - eta') is still the score
                with np.errstate(over="ignore", invalid="ignore"):
                    Wn = s * mu ** (1.0 - family.power) * ((2.0 - family.power) * mu
                                                          - (1.0 - family.power) * y)
                ok = (Wn > 0) & np.isfinite(Wn)
                if ok.any():
                    # where a weight is not positive, keep Fisher's: a positive definite
                    # approximation of the Hessian, so still a descent direction
                    ratio = np.divide(W, Wn, out=np.ones_like(W), where=ok)
                    z = (eta - off) + ratio * ((y - mu) * gprime)
                    W = np.where(ok, Wn, W)
            if not (np.all(np.isfinite(z)) and np.all(np.isfinite(W))):
                keep = np.isfinite(z) & np.isfinite(W)
                z = np.where(keep, z, 0.0)
                W = np.where(keep, W, 0.0)
            if not W.sum() > 0:
                break
            # G = A' A, A = sqrt(W) [X, 1, z]: the Fisher information X~' W X~ and X~' W z
            G = _weighted_gram(X, z, W, fi)
            H = G[:q, :q]
            rhs = G[q, :q].copy()
            try:
                Hp = H.copy()
                Hp[np.diag_indices(q)] += pen
                # (X~' W X~ + S alpha I_w) theta = X~' W z: GVL4 Alg. 4.2.2 (Cholesky)
                theta_new = np.asarray(_linalg().cho_factor(Hp).solve(rhs))
                if not np.isfinite(theta_new).all():
                    raise LinAlgError("non-finite IRLS step")
            except LinAlgError:
                # ill-conditioned: the centred, streamed-QR ridge solve instead
                Wmat, x_off, z_off, _, _ = _solve_least_squares(
                    X, z[:, None], W, fi, np.float64(S * alpha), "qr")
                theta_new = Wmat[:, 0]
                if fi:
                    theta_new = np.append(theta_new, z_off[0] - np.sum(theta_new * x_off))
            coef_new = np.array(theta_new[:n_features])
            b_new = float(theta_new[n_features]) if fi else 0.0
            f_new, eta_new, mu_new = objective(coef_new, b_new)
            # step halving while F rises (beyond its rounding error) or mu leaves its
            # domain (R's glm.fit)
            noise = 8 * _EPS * abs(f) if np.isfinite(f) else 0.0
            halvings = 0
            while not (f_new <= f + noise) and halvings < 30 and np.isfinite(f):
                coef_new = 0.5 * (coef_new + coef)
                b_new = 0.5 * (b_new + b)
                f_new, eta_new, mu_new = objective(coef_new, b_new)
                halvings += 1
            n_iter = it + 1
            if not (f_new <= f + noise) and np.isfinite(f):
                # no decrease even after halving: at the optimum up to rounding
                converged = consistent
                break
            step = max(float(np.max(np.abs(coef_new - coef))) if n_features else 0.0,
                       abs(b_new - b))
            size = max(float(np.max(np.abs(coef_new))) if n_features else 0.0, abs(b_new), 1.0)
            coef, b, f, eta, mu = coef_new, b_new, f_new, eta_new, mu_new
            consistent = True
            path.append(f)
            if self.verbose:
                print("IRLS iteration %d: objective %.10g, step %.3e" % (n_iter, f, step))
            if gradient_max(coef, eta, mu) <= self.tol:
                converged = True
                break
            if step <= 16 * _EPS * size:
                # the iteration has reached a fixed point to working precision
                converged = True
                break
        if not np.isfinite(f):
            raise ValueError("IRLS could not find valid fitted means for the %s family with "
                             "the %s link; try another link or check y"
                             % (family.name, link.name))
        if not converged:
            _warn_convergence("%s: IRLS did not converge in max_iter=%d iterations"
                              % (type(self).__name__, self.max_iter), stacklevel=2)
        self.coef_ = coef
        self.intercept_ = float(b)
        self.n_iter_ = n_iter
        self.objective_path_ = path
        self._family_, self._link_ = family, link
        return self

    def _solver(self):
        return "newton-cholesky"

    def _fit_lbfgs(self, X, y, s, off, S, alpha, fi, family, link, b0, unit_weights,
                   offset_given):
        """scikit-learn's default solver for the log link: L-BFGS on F from w = 0,
        b = g(ybar), with its stopping rule (max |grad F| <= tol, ftol = 64 eps), each
        evaluation one pass over X (``_glm.log_link_loss_grad``)."""
        from ._glm import log_link_loss_grad, y_terms_sum
        n_features = X.shape[1]
        y, s, off = (np.ascontiguousarray(a, dtype=np.float64) for a in (y, s, off))
        p = float(family.power)
        Xc = np.ascontiguousarray(X, dtype=np.float64)
        # unit weights and a zero offset are not read at every pass over the data
        s_pass = None if unit_weights else s
        off_pass = off if offset_given else None
        g = np.empty(n_features)

        def fun(theta):
            # scikit-learn's objective: F without the y-only part sum_i s_i c(y_i) / S
            # of the half deviance (a constant: the same iterates, and its ftol rule on
            # the same values)
            w = theta[:n_features]
            b = float(theta[n_features]) if fi else 0.0
            loss, gb = log_link_loss_grad(Xc, y, s_pass, off_pass, np.ascontiguousarray(w),
                                          b, p, g)
            if not np.isfinite(g).all():
                # X was not checked on input: a NaN or inf in it makes X' r non-finite
                assert_all_finite(X, estimator=self)
            f = loss / S + 0.5 * alpha * float(np.sum(w * w))
            grad = np.empty_like(theta)
            grad[:n_features] = g / S + alpha * w
            if fi:
                grad[n_features] = gb / S
            return f, grad

        theta0 = np.zeros(n_features + int(fi))
        if fi:
            theta0[n_features] = b0
        path = []

        # objective_path_ holds F itself: the deviance's y-only part added back
        const = y_terms_sum(y, s_pass, p) / S

        def report(theta, f):
            f = float(f) + const
            path.append(f)
            if self.verbose:
                print("L-BFGS iteration %d: objective %.10g" % (len(path), f))

        opt = LBFGS(m=10, tol=self.tol, ftol=64 * _EPS, max_iter=self.max_iter, max_ls=50)
        res = opt.minimize(fun, theta0, callback=report)
        if not np.isfinite(res.fun):
            raise ValueError("L-BFGS could not find valid fitted means for the %s family "
                             "with the %s link; try another link or check y"
                             % (family.name, link.name))
        if not res.converged:
            _warn_convergence("%s: L-BFGS did not converge in max_iter=%d iterations"
                              % (type(self).__name__, self.max_iter), stacklevel=3)
        self.coef_ = np.array(res.x[:n_features])
        self.intercept_ = float(res.x[n_features]) if fi else 0.0
        self.n_iter_ = int(res.n_iter)
        self.objective_path_ = path
        self._family_, self._link_ = family, link
        return self

    # ---- prediction ----------------------------------------------------------------------
    def _eta(self, X, offset):
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, reset=False)
        off = self._check_offset(offset, X.shape[0])
        return _linear_predict(X, self.coef_, self.intercept_) + off

    def predict(self, X, offset=None):
        """Predicted mean mu = h(X w + b + offset).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        offset : array-like of shape (n_samples,), optional

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        family, link, _ = self._setup()
        return link.inverse(self._eta(X, offset))

    def deviance(self, X, y, sample_weight=None, offset=None):
        """Total weighted deviance sum_i s_i d(y_i, mu_i) of the fitted model on (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
        offset : array-like of shape (n_samples,), optional

        Returns
        -------
        float
        """
        family, link, _ = self._setup()
        mu = self.predict(X, offset=offset)
        y = np.asarray(y, dtype=np.float64).ravel()
        if y.shape[0] != mu.shape[0]:
            raise ValueError("y has %d samples, X has %d" % (y.shape[0], mu.shape[0]))
        family.check_y(y)
        s = check_sample_weight(sample_weight, y.shape[0])
        return float(np.sum(s * family.unit_deviance(y, mu)))

    def score(self, X, y, sample_weight=None, offset=None):
        """D^2, the fraction of deviance explained: 1 - D(y, mu) / D(y, mean_w(y)).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
        offset : array-like of shape (n_samples,), optional

        Returns
        -------
        float
        """
        family, link, _ = self._setup()
        y = np.asarray(y, dtype=np.float64).ravel()
        s = check_sample_weight(sample_weight, y.shape[0])
        dev = self.deviance(X, y, sample_weight=s, offset=offset)
        ybar = np.full_like(y, np.sum(s * y) / np.sum(s))
        dev_null = float(np.sum(s * family.unit_deviance(y, ybar)))
        if dev_null == 0:
            return 1.0 if dev == 0 else 0.0
        return 1.0 - dev / dev_null

    def _rm_tags(self, tags):
        fam = self._family_name()
        p = self._power()
        if fam in ("poisson", "gamma", "inverse_gaussian") or (fam == "tweedie" and p > 0):
            tags.target_tags.positive_only = True
        return tags


class PoissonRegressor(GeneralizedLinearModel):
    """Poisson GLM with the log link (scikit-learn's parameter names).

    Parameters
    ----------
    alpha : float, default 1.0
        L2 penalty: objective = mean deviance / 2 + alpha / 2 ||w||^2.
    fit_intercept : bool, default True
    max_iter : int, default 100
    tol : float, default 1e-4
        Stop when max |gradient| <= tol.
    verbose : int, default 0
    solver : {"lbfgs", "newton-cholesky"}, default "lbfgs"
        "lbfgs": scikit-learn's default, L-BFGS on the objective (each evaluation one
        pass over X); "newton-cholesky": IRLS / Newton with Cholesky solves (a few
        passes, each building the weighted Gram matrix). Both reach the same optimum;
        L-BFGS stops at scikit-learn's tolerance, Newton far below it.
    """

    def __init__(self, alpha=1.0, fit_intercept=True, max_iter=100, tol=1e-4, verbose=0,
                 solver="lbfgs"):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.solver = solver

    def _solver(self):
        return _check_solver(self.solver)

    def _family_name(self):
        return "poisson"

    def _power(self):
        return 1.0

    def _link_name(self):
        return "log"


class GammaRegressor(GeneralizedLinearModel):
    """Gamma GLM with the log link (scikit-learn's parameter names).

    Parameters
    ----------
    alpha : float, default 1.0
    fit_intercept : bool, default True
    max_iter : int, default 100
    tol : float, default 1e-4
    verbose : int, default 0
    solver : {"lbfgs", "newton-cholesky"}, default "lbfgs"
        "lbfgs": scikit-learn's default, L-BFGS on the objective (each evaluation one
        pass over X); "newton-cholesky": IRLS / Newton with Cholesky solves (a few
        passes, each building the weighted Gram matrix). Both reach the same optimum;
        L-BFGS stops at scikit-learn's tolerance, Newton far below it.
    """

    def __init__(self, alpha=1.0, fit_intercept=True, max_iter=100, tol=1e-4, verbose=0,
                 solver="lbfgs"):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.solver = solver

    def _solver(self):
        return _check_solver(self.solver)

    def _family_name(self):
        return "gamma"

    def _power(self):
        return 2.0

    def _link_name(self):
        return "log"


class TweedieRegressor(GeneralizedLinearModel):
    """Tweedie GLM (scikit-learn's parameter names).

    Parameters
    ----------
    power : float, default 0.0
        0 normal, 1 Poisson, (1, 2) compound Poisson-gamma, 2 gamma, 3 inverse Gaussian.
    alpha : float, default 1.0
    fit_intercept : bool, default True
    link : {"auto", "identity", "log"}, default "auto"
        "auto": identity for power <= 0, log otherwise.
    max_iter : int, default 100
    tol : float, default 1e-4
    verbose : int, default 0
    solver : {"lbfgs", "newton-cholesky"}, default "lbfgs"
        "lbfgs": scikit-learn's default, L-BFGS on the objective (each evaluation one
        pass over X); "newton-cholesky": IRLS / Newton with Cholesky solves (a few
        passes, each building the weighted Gram matrix). Both reach the same optimum;
        L-BFGS stops at scikit-learn's tolerance, Newton far below it.
        With the identity link IRLS is used either way.
    """

    def __init__(self, power=0.0, alpha=1.0, fit_intercept=True, link="auto", max_iter=100,
                 tol=1e-4, verbose=0, solver="lbfgs"):
        self.power = power
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.link = link
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.solver = solver

    def _solver(self):
        return _check_solver(self.solver)

    def _family_name(self):
        return "tweedie"

"""Logistic regression: binary (sigmoid) and multinomial (softmax), L2-penalised.

The objective (the same minimiser as scikit-learn's, which divides it by S = sum(s)):

    binary       F(w, b) = sum_i s_i [softplus(z_i) - y_i z_i]          + ||w||^2 / (2C),
                 z_i = x_i' w + b,  y_i in {0, 1},  softplus(z) = log(1 + e^z)
    multinomial  F(W, b) = sum_i s_i [logsumexp(z_i) - z_{i, y_i}]      + ||W||_F^2 / (2C),
                 z_i = W x_i + b  (one row of W per class)

with s_i = sample_weight_i * class_weight[y_i] and an unpenalised intercept b. The
solvers minimise F / S, so ``tol`` bounds max |gradient| of the *mean* loss, as in
scikit-learn.

Gradients (the products run in our GEMM/GEMV):

    binary       dF/dw = X' (s * (sigmoid(z) - y)) + w / C
    multinomial  dF/dW = (s * (P - Y))' X + W / C,   P = softmax(Z) row-wise

Numerical care: softplus(z) = max(z, 0) + log1p(exp(-|z|)); sigmoid from the sign of
z (never exp of a large positive number); log-softmax as z - logsumexp(z) with the row
maximum subtracted first. No overflow for any finite margin.

Solvers: ``"lbfgs"`` (our LBFGS, strong-Wolfe line search), ``"newton"`` (Newton's
method with the exact Hessian, factorised by our Cholesky, and Armijo backtracking;
for a moderate number of coefficients), ``"gd"`` (our GradientDescent with Armijo).

Hessian for the Newton solver (Bishop 2006, eqs. 4.97 and 4.110):

    binary       H = X~' diag(s p (1 - p)) X~ + I_w / C
    multinomial  H_{(k,:),(l,:)} = X~' diag(s p_k (delta_kl - p_l)) X~ + delta_kl I_w / C

(X~ = [X, 1] when fitting the intercept; I_w has zeros on the intercept entries.) The
softmax parametrisation leaves adding a constant to every class's intercept (and,
without a penalty, to every class's weights) free, so H is singular along those
directions; the gradient is orthogonal to them, so a tiny damping mu I (mu = 1e-10
max diag H, Levenberg 1944 / Marquardt 1963) leaves the step unchanged in the other
directions. The intercepts are centred to sum to zero at the end.

References
----------
1. C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer 2006, Sec. 4.3.2
   - 4.3.4 (logistic and softmax regression, IRLS / Newton, eqs. 4.91-4.110).
2. J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., 2006: Alg. 7.5
   (L-BFGS), Sec. 3.1 (Armijo backtracking), Sec. 3.4 (Newton with Hessian
   modification).
3. G. King and L. Zeng, "Logistic regression in rare events data", Political Analysis
   9 (2001) 137-163 (the "balanced" class weights n / (n_classes * n_k)).
"""
import math
import numbers

import numpy as np

from ..exceptions import LinAlgError, _warn_convergence
from ..linalg.blas import gemm, gemv
from . import _logistic
from ._glm import weighted_gram
from .base import BaseEstimator, ClassifierMixin
from .linear_regression import _linear_predict
from .optim import LBFGS, GradientDescent
from .validation import (check_classification_targets, check_is_fitted,
                         check_sample_weight, validate_data)

__all__ = ["LogisticRegression"]

_SOLVERS = ("lbfgs", "newton", "gd")


# ---------------------------------------------------------------------------------------
# numerically stable pieces

def _softplus(z):
    """log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|)), without overflow."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def _sigmoid(z):
    """1 / (1 + exp(-z)), evaluated from exp(-|z|) <= 1 on both signs."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _log_softmax(Z):
    """Z - logsumexp(Z) row-wise (the row maximum is subtracted first)."""
    m = Z.max(axis=1, keepdims=True)
    shifted = Z - m
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


# ---------------------------------------------------------------------------------------
# loss and gradient on the packed parameter vector theta

class _BinaryLoss:
    """F / S for the binary model; theta = [w (n_features), b]."""

    def __init__(self, X, y, s, l2, fit_intercept):
        self.X, self.y, self.s, self.l2, self.fit_intercept = X, y, s, l2, fit_intercept
        self._Xc = np.ascontiguousarray(X, dtype=np.float64)
        self._yc = np.ascontiguousarray(y, dtype=np.float64)
        self._sc = np.ascontiguousarray(s, dtype=np.float64)
        self.n_features = X.shape[1]
        self.S = float(s.sum())

    def split(self, theta):
        w = theta[:self.n_features]
        b = theta[self.n_features] if self.fit_intercept else 0.0
        return w, b

    def margins(self, theta):
        w, b = self.split(theta)
        z = gemv(self.X, w)                                   # z = X w
        z += b
        return z

    def __call__(self, theta):
        w, b = self.split(theta)
        # one blocked pass (_logistic.pyx): the loss, X' r and 1' r, r = dF/dz =
        # s (sigmoid(z) - y)
        grad = np.empty_like(theta)
        gw = np.empty(self.n_features)
        loss, gb = _logistic.binary_loss_grad(self._Xc, np.ascontiguousarray(w), float(b),
                                              self._yc, self._sc, gw)
        grad[:self.n_features] = gw
        grad[:self.n_features] += self.l2 * w
        if self.fit_intercept:
            grad[self.n_features] = gb
        loss += 0.5 * self.l2 * float(np.sum(w * w))
        return loss / self.S, grad / self.S

    def hessian(self, theta):
        z = self.margins(theta)
        p = _sigmoid(z)
        d = self.s * p * (1.0 - p)
        # H = X~' diag(d) X~ (+ l2 on the weights): Bishop eq. (4.97), the lower triangle
        # accumulated block by block (_glm.weighted_gram: no scaled copy of X, no column
        # of ones appended; its last row and column, for a working response, unused)
        q = self.n_features + int(self.fit_intercept)
        L = weighted_gram(self._Xc, np.zeros(self._Xc.shape[0]), d,
                          bool(self.fit_intercept))[:q, :q]
        H = np.tril(L)
        H += np.tril(L, -1).T
        H[np.arange(self.n_features), np.arange(self.n_features)] += self.l2
        return H / self.S


class _MultinomialLoss:
    """F / S for the softmax model; theta = [W, b] packed as (K, n_features + 1)."""

    def __init__(self, X, y_idx, n_classes, s, l2, fit_intercept):
        self.X, self.s, self.l2, self.fit_intercept = X, s, l2, fit_intercept
        self.K = n_classes
        self.n_features = X.shape[1]
        self.width = self.n_features + int(fit_intercept)
        self.Y = np.zeros((X.shape[0], n_classes))
        self.Y[np.arange(X.shape[0]), y_idx] = 1.0
        self.y_idx = y_idx
        self._y32 = np.ascontiguousarray(y_idx, dtype=np.int32)
        self.X = np.ascontiguousarray(X, dtype=np.float64)
        self.s = np.ascontiguousarray(s, dtype=np.float64)
        self.S = float(s.sum())

    def unpack(self, theta):
        T = theta.reshape(self.K, self.width)
        W = T[:, :self.n_features]
        b = T[:, self.n_features] if self.fit_intercept else np.zeros(self.K)
        return W, b

    def scores(self, theta):
        W, b = self.unpack(theta)
        Z = gemm(self.X, np.ascontiguousarray(W), trans_b=True)    # Z = X W'
        Z += b
        return Z

    def __call__(self, theta):
        W, b = self.unpack(theta)
        W = np.ascontiguousarray(W)
        # one blocked pass (_logistic.pyx): the loss, dF/dW = (s (P - Y))' X and
        # dF/db = (s (P - Y))' 1
        GW = np.empty((self.K, self.n_features))
        gb = np.empty(self.K)
        loss = _logistic.multinomial_loss_grad(self.X, W, np.ascontiguousarray(b),
                                               self._y32, self.s, GW, gb)
        G = np.empty((self.K, self.width))
        G[:, :self.n_features] = GW
        G[:, :self.n_features] += self.l2 * W
        if self.fit_intercept:
            G[:, self.n_features] = gb
        loss += 0.5 * self.l2 * float(np.sum(W * W))
        return loss / self.S, G.ravel() / self.S

    def hessian(self, theta):
        Z = self.scores(theta)
        P = np.exp(_log_softmax(Z))
        Xt = _with_ones(self.X) if self.fit_intercept else self.X
        q = self.width
        H = np.empty((self.K * q, self.K * q))
        for k in range(self.K):
            for l in range(k, self.K):
                # Bishop eq. (4.110): block (k, l) = X~' diag(s p_k (delta_kl - p_l)) X~
                d = self.s * P[:, k] * ((1.0 if k == l else 0.0) - P[:, l])
                blk = gemm(Xt, Xt * d[:, None], trans_a=True)
                H[k * q:(k + 1) * q, l * q:(l + 1) * q] = blk
                H[l * q:(l + 1) * q, k * q:(k + 1) * q] = blk.T
            idx = k * q + np.arange(self.n_features)
            H[idx, idx] += self.l2
        return H / self.S


def _with_ones(X):
    out = np.empty((X.shape[0], X.shape[1] + 1))
    out[:, :-1] = X
    out[:, -1] = 1.0
    return out


def _newton(loss, theta0, tol, max_iter, callback=None):
    """Damped Newton with Armijo backtracking (N&W Sec. 3.1 and 3.4). Returns
    (theta, n_iter, converged)."""
    from .. import linalg
    theta = theta0.copy()
    f, g = loss(theta)
    for it in range(max_iter):
        if np.max(np.abs(g)) <= tol:
            return theta, it, True
        H = loss.hessian(theta)
        mu = 1e-10 * max(float(np.max(np.diagonal(H))), 1e-300)
        step = None
        for _ in range(30):              # Levenberg-Marquardt damping until H + mu I > 0
            try:
                Hd = H.copy()
                Hd[np.diag_indices_from(Hd)] += mu
                step = -np.asarray(linalg.cho_factor(Hd).solve(g))
                if np.isfinite(step).all():
                    break
            except LinAlgError:
                pass
            step = None
            mu *= 100.0
        if step is None:
            step = -g
        gd = float(np.sum(g * step))
        alpha = 1.0
        for _ in range(50):                           # Armijo backtracking
            theta_new = theta + alpha * step
            f_new, g_new = loss(theta_new)
            if math.isfinite(f_new) and f_new <= f + 1e-4 * alpha * gd:
                break
            alpha *= 0.5
        else:
            return theta, it + 1, bool(np.max(np.abs(g)) <= tol)
        decrease = f - f_new
        theta, f, g = theta_new, f_new, g_new
        if callback is not None:
            callback(theta, f)
        if decrease <= 64 * np.finfo(float).eps * max(abs(f), 1.0) and \
                np.max(np.abs(g)) <= max(tol, 1e3 * np.finfo(float).eps):
            return theta, it + 1, True
    return theta, max_iter, bool(np.max(np.abs(g)) <= tol)


# ---------------------------------------------------------------------------------------

class LogisticRegression(ClassifierMixin, BaseEstimator):
    """Logistic regression (binary) and softmax regression (3 or more classes).

    Parameters
    ----------
    penalty : {"l2", None}, default "l2"
        L2 penalty ||w||^2 / (2C) on the weights (never on the intercept), or none.
    C : float > 0, default 1.0
        Inverse regularisation strength.
    solver : {"lbfgs", "newton", "gd"}, default "lbfgs"
        L-BFGS, Newton with the exact Hessian (Cholesky; best for a moderate number of
        features and classes), or gradient descent with Armijo backtracking.
    fit_intercept : bool, default True
    max_iter : int, default 100
    tol : float, default 1e-4
        Stop when max |gradient of the mean loss| <= tol.
    class_weight : None, "balanced" or dict, default None
        Per-class multipliers of the sample weights; "balanced" uses
        n_samples / (n_classes * count_k).
    verbose : int, default 0
        > 0: print the loss after each iteration of the solver.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) for two classes, else (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_ : ndarray of shape (1,)
    n_features_in_ : int

    Examples
    --------
    >>> from rusty_machine.datasets import load_iris
    >>> X, y = load_iris()
    >>> clf = LogisticRegression(max_iter=500).fit(X, y)
    >>> round(clf.score(X, y), 2)
    0.97
    """

    def __init__(self, penalty="l2", C=1.0, solver="lbfgs", fit_intercept=True,
                 max_iter=100, tol=1e-4, class_weight=None, verbose=0):
        self.penalty = penalty
        self.C = C
        self.solver = solver
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.class_weight = class_weight
        self.verbose = verbose

    def _validate_params(self):
        if self.penalty not in ("l2", None, "none"):
            raise ValueError("penalty must be 'l2' or None, got %r" % (self.penalty,))
        if isinstance(self.C, bool) or not isinstance(self.C, numbers.Real) or \
                not self.C > 0 or math.isnan(self.C):
            raise ValueError("C must be a positive float, got %r" % (self.C,))
        if self.solver not in _SOLVERS:
            raise ValueError("solver must be one of %s, got %r" % (_SOLVERS, self.solver))
        if isinstance(self.max_iter, bool) or not isinstance(self.max_iter, numbers.Integral) \
                or self.max_iter < 1:
            raise ValueError("max_iter must be a positive integer, got %r" % (self.max_iter,))
        if isinstance(self.tol, bool) or not isinstance(self.tol, numbers.Real) or \
                not self.tol >= 0:
            raise ValueError("tol must be a non-negative float, got %r" % (self.tol,))
        if not isinstance(self.fit_intercept, (bool, np.bool_)):
            raise ValueError("fit_intercept must be a bool, got %r" % (self.fit_intercept,))
        cw = self.class_weight
        if not (cw is None or cw == "balanced" or isinstance(cw, dict)):
            raise ValueError("class_weight must be None, 'balanced' or a dict, got %r" % (cw,))

    def _class_weights(self, y_idx, n_classes):
        cw = self.class_weight
        if cw is None:
            return np.ones(n_classes)
        if isinstance(cw, str):
            counts = np.bincount(y_idx, minlength=n_classes).astype(np.float64)
            return y_idx.shape[0] / (n_classes * counts)      # King & Zeng (2001)
        out = np.ones(n_classes)
        for label, weight in cw.items():
            hit = np.flatnonzero(self.classes_ == label)
            if hit.size == 0:
                raise ValueError("class_weight has the label %r which is not in the "
                                 "classes %s" % (label, list(self.classes_)))
            if not (isinstance(weight, numbers.Real) and math.isfinite(weight) and weight >= 0):
                raise ValueError("class_weight[%r] must be a finite non-negative number, "
                                 "got %r" % (label, weight))
            out[hit[0]] = weight
        return out

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (any sortable values: ints, strings, ...).
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        self._validate_params()
        X, y = validate_data(self, X, y)
        check_classification_targets(y)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        y_idx = y_idx.ravel()
        n_classes = self.classes_.shape[0]
        if n_classes < 2:
            raise ValueError("This solver needs samples of at least 2 classes in the data, "
                             "but the data contains only one class: %r" % (self.classes_[0],))
        sw = check_sample_weight(sample_weight, X.shape[0])
        sw = sw * self._class_weights(y_idx, n_classes)[y_idx]
        if not sw.sum() > 0:
            raise ValueError("the sample weights (times the class weights) sum to zero")
        l2 = 0.0 if self.penalty in (None, "none") else 1.0 / float(self.C)
        n_features = X.shape[1]
        if n_classes == 2:
            loss = _BinaryLoss(X, (y_idx == 1).astype(np.float64), sw, l2, self.fit_intercept)
            theta0 = np.zeros(n_features + int(self.fit_intercept))
        else:
            loss = _MultinomialLoss(X, y_idx, n_classes, sw, l2, self.fit_intercept)
            theta0 = np.zeros(n_classes * (n_features + int(self.fit_intercept)))

        report = None
        if self.verbose:
            count = [0]

            def report(theta, value):
                count[0] += 1
                print("%s iteration %d: loss %.10g" % (self.solver, count[0], value))
        if self.solver == "newton":
            theta, n_iter, converged = _newton(loss, theta0, self.tol, self.max_iter,
                                               callback=report)
        else:
            if self.solver == "lbfgs":
                # scikit-learn's stopping rule: gtol = tol, ftol = 64 eps
                opt = LBFGS(m=10, tol=self.tol, ftol=64 * np.finfo(float).eps,
                            max_iter=self.max_iter)
            else:
                opt = GradientDescent(learning_rate=1.0, max_iter=self.max_iter, tol=self.tol)
            res = opt.minimize(loss, theta0, callback=report)
            theta, n_iter, converged = res.x, res.n_iter, res.converged
            if n_iter < self.max_iter and not res.converged:
                converged = True          # stopped on a flat line search: at the optimum
        if not converged:
            _warn_convergence("LogisticRegression (solver=%r) did not converge in max_iter=%d "
                          "iterations; increase max_iter or scale the data."
                          % (self.solver, self.max_iter), stacklevel=2)

        if n_classes == 2:
            w, b = loss.split(theta)
            self.coef_ = np.array(w, dtype=np.float64).reshape(1, -1)
            self.intercept_ = np.array([b if self.fit_intercept else 0.0])
        else:
            W, b = loss.unpack(theta)
            self.coef_ = np.ascontiguousarray(W, dtype=np.float64)
            b = np.array(b, dtype=np.float64)
            if self.fit_intercept:
                b -= b.mean()                # the softmax is invariant to a common shift
            self.intercept_ = b
        self.n_iter_ = np.array([n_iter], dtype=np.int32)
        return self

    def decision_function(self, X):
        """Scores: the margin x'w + b for two classes (n_samples,), else the class
        scores (n_samples, n_classes).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray
        """
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, reset=False)
        scores = _linear_predict(X, self.coef_, self.intercept_)
        return scores.ravel() if self.coef_.shape[0] == 1 else scores

    def predict(self, X):
        """Most probable class for each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(np.intp)]
        return self.classes_[np.argmax(scores, axis=1)]

    def predict_log_proba(self, X):
        """Log class probabilities, computed stably.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            # log sigmoid(-z) = -softplus(z), log sigmoid(z) = -softplus(-z)
            return np.column_stack([-_softplus(scores), -_softplus(-scores)])
        return _log_softmax(scores)

    def predict_proba(self, X):
        """Class probabilities (rows sum to one).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            p = _sigmoid(scores)
            return np.column_stack([_sigmoid(-scores), p])
        return np.exp(_log_softmax(scores))

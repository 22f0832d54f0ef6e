"""Linear models on row-chunked Dask arrays.

LinearRegression and Ridge: least squares by TSQR (tall-skinny QR, Demmel et al. 2012;
Benson, Gleich & Demmel 2013; see ``_tsqr.py``). One pass computes the weighted column
means (pairwise-combined moments), a second the R factor of the centred, weighted
[X | y] by a tree of small QRs; the solve on R = [[R11, r12], [0, rho]] is the one of the
in-memory estimator: back substitution R11 w = r12 (GVL4 Alg. 5.3.2), the augmented
[R11; sqrt(alpha) I] for Ridge (GVL4 Sec. 6.1.4), or the SVD of R11 (minimum norm when
rank deficient, GVL4 Sec. 5.5.4). The normal equations are never formed.

LogisticRegression: the in-memory objective (see ``learning/logistic_regression.py``)
is a sum over samples, so its value, gradient (and Hessian for ``solver="newton"``) are
sums over chunks: every evaluation is one pass in which each task runs the in-memory
loss code (our GEMV/GEMM) on its chunk; the penalty is added once, on the client.
L-BFGS (Nocedal & Wright Alg. 7.5, our ``learning.optim.LBFGS``) drives the passes.

References
----------
[1] J. Demmel, L. Grigori, M. Hoemmen & J. Langou, "Communication-optimal parallel and
    sequential QR and LU factorizations", SIAM J. Sci. Comput. 34(1), 2012.
[2] A. R. Benson, D. F. Gleich & J. Demmel, "Direct QR factorizations for tall-and-skinny
    matrices in MapReduce architectures", IEEE BigData 2013.
[3] G. H. Golub & C. F. Van Loan, "Matrix Computations", 4th ed., 2013.
[4] J. Nocedal & S. J. Wright, "Numerical Optimization", 2nd ed., 2006, Alg. 7.5.
"""
import numpy as np

from ..exceptions import _warn_convergence
from ..learning import linear_regression as _lr
from ..learning import logistic_regression as _logr
from ..learning.optim import LBFGS, GradientDescent
from ..learning.validation import check_classification_targets
from ..linalg import solve_triangular
from ..linalg.blas import gemm
from ._base import DaskEstimatorMixin, moments_graph
from ._checks import (as_row_chunked, check_block, chunks_of, compute, rows_like, task,
                      tree_reduce)
from ._tsqr import r_factor, tsqr_graph

__all__ = ["LinearRegression", "Ridge", "LogisticRegression"]

_EPS = np.finfo(np.float64).eps


def _solve_from_r(R, n, alpha, solver):
    """W (n, n_targets), rank, singular values from the R of the centred [X | Y]: the
    in-memory estimator's solve (GVL4 Alg. 5.3.2, Sec. 6.1.4, Sec. 5.5.4)."""
    R11 = np.ascontiguousarray(R[:, :n])
    R12 = np.ascontiguousarray(R[:, n:])
    n_targets = R12.shape[1]
    alphas = np.broadcast_to(alpha, (n_targets,))
    no_penalty = bool(np.all(alphas == 0))
    if R11.shape[0] < n and solver == "qr" and no_penalty:
        solver = "svd"
    rank, full = _lr._rank_from_r(R11)
    singular = None
    if solver == "qr" and no_penalty and full:
        # GVL4 Alg. 5.3.2: back substitution R11 w = r12
        W = np.asarray(solve_triangular(R11[:n], R12[:n], lower=False))
    elif solver == "qr" and not no_penalty:
        cols = []
        for t in range(n_targets):
            # GVL4 Sec. 6.1.4: least squares on [R11; sqrt(alpha) I] w = [r12; 0]
            aug = np.zeros((R11.shape[0] + n, n + 1))
            aug[:R11.shape[0], :n] = R11
            aug[:R11.shape[0], n] = R12[:, t]
            aug[R11.shape[0]:, :n] = np.sqrt(alphas[t]) * np.eye(n)
            Ra = r_factor(aug)
            cols.append(np.asarray(solve_triangular(Ra[:n, :n], Ra[:n, n], lower=False)))
        W = np.column_stack(cols)
    else:
        W, singular, rank = _lr._svd_solve(R11, R12, alphas)
        if solver != "svd":
            singular = None
    return W.reshape(n, -1), rank, singular


class _DaskLinearModel(DaskEstimatorMixin):

    def _fit_dask(self, X, y, sample_weight, alpha):
        if self.solver not in ("qr", "svd"):
            raise ValueError("solver=%r on a Dask array: use 'qr' (TSQR, default) or 'svd'; "
                             "the normal equations ('cholesky') are not offered here"
                             % (self.solver,))
        if not isinstance(self.fit_intercept, (bool, np.bool_)):
            raise ValueError("fit_intercept must be a bool, got %r" % (self.fit_intercept,))
        X = as_row_chunked(X, estimator=self)
        if y is None:
            raise ValueError("requires y to be passed, but the target y is None")
        y = rows_like(y, X, "y", allow_2d=True, numeric=True)
        sw = rows_like(sample_weight, X, "sample_weight", numeric=True)
        n = X.shape[1]
        n_targets = 1 if y.ndim == 1 else y.shape[1]
        if np.ndim(alpha) == 1 and alpha.shape[0] not in (1, n_targets):
            raise ValueError("alpha has %d values but y has %d targets"
                             % (alpha.shape[0], n_targets))
        if self.fit_intercept:
            (W_total, mean, _), = compute(moments_graph(X, y, sw, self.split_every))
            if not W_total > 0:
                raise ValueError("sample_weight sums to zero: at least one sample needs "
                                 "weight")
            x_off, y_off = mean[:n], mean[n:]
        else:
            x_off, y_off = np.zeros(n), np.zeros(n_targets)
        (R,) = compute(tsqr_graph(X, y, sw, x_off, y_off, self.split_every))
        W, rank, singular = _solve_from_r(R, n, alpha, self.solver)
        coef = np.ascontiguousarray(W.T)                          # (n_targets, n_features)
        intercept = y_off - gemm(coef, x_off[:, None]).ravel() if self.fit_intercept \
            else np.zeros(n_targets)
        if y.ndim == 1:
            self.coef_ = coef.ravel()
            self.intercept_ = float(intercept[0]) if self.fit_intercept else 0.0
        else:
            self.coef_ = coef
            self.intercept_ = intercept
        self.rank_ = rank
        if singular is not None:
            self.singular_ = singular
        elif hasattr(self, "singular_"):
            del self.singular_
        self.n_features_in_ = n
        self.n_iter_ = 1
        return self

    def predict(self, X):
        """Predicted targets; lazy (a Dask array) for Dask input.

        Parameters
        ----------
        X : dask.array.Array or array-like of shape (n_samples, n_features)

        Returns
        -------
        dask.array.Array or ndarray of shape (n_samples,) or (n_samples, n_targets)
        """
        if self._any_dask(X):
            return self._mapped("predict", X)
        return super().predict(X)


class LinearRegression(_DaskLinearModel, _lr.LinearRegression):
    """Ordinary least squares on a row-chunked Dask array, by TSQR [1, 2].

    Parameters
    ----------
    fit_intercept : bool, default True
    solver : {"qr", "svd"}, default "qr"
        Back substitution on the TSQR factor, or the SVD of it (minimum norm; sets
        ``singular_``). numpy input is fitted in memory (``"cholesky"`` allowed there).
    split_every : int, default 8
        Fan-in of the reduction trees.

    Attributes
    ----------
    As :class:`rusty_machine.learning.LinearRegression`.
    """
    _local_class = _lr.LinearRegression

    def __init__(self, fit_intercept=True, solver="qr", split_every=8):
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.split_every = split_every

    def fit(self, X, y, sample_weight=None):
        """Fit by least squares (TSQR for Dask input).

        Parameters
        ----------
        X : dask.array.Array or array-like of shape (n_samples, n_features)
        y : dask.array.Array or array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : dask.array.Array or array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        if not self._any_dask(X, y, sample_weight):
            return super().fit(X, y, sample_weight)
        return self._fit_dask(X, y, sample_weight, np.float64(0.0))


class Ridge(_DaskLinearModel, _lr.Ridge):
    """Ridge regression on a row-chunked Dask array: TSQR [1, 2], then the augmented
    least squares [R11; sqrt(alpha) I] w = [r12; 0] (GVL4 Sec. 6.1.4).

    Parameters
    ----------
    alpha : float or array-like of shape (n_targets,), default 1.0
    fit_intercept : bool, default True
    solver : {"qr", "svd"}, default "qr"
    split_every : int, default 8

    Attributes
    ----------
    As :class:`rusty_machine.learning.Ridge`.
    """
    _local_class = _lr.Ridge

    def __init__(self, alpha=1.0, fit_intercept=True, solver="qr", split_every=8):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.split_every = split_every

    def fit(self, X, y, sample_weight=None):
        """Fit the ridge solution (TSQR for Dask input).

        Returns
        -------
        self
        """
        if not self._any_dask(X, y, sample_weight):
            return super().fit(X, y, sample_weight)
        alpha = self.alpha
        if isinstance(alpha, bool) or np.ndim(alpha) > 1:
            raise ValueError("alpha must be a non-negative float or a 1-D array, got %r"
                             % (alpha,))
        alpha = np.asarray(alpha, dtype=np.float64)
        if alpha.ndim == 1 and alpha.size == 1:
            alpha = alpha[0]
        if not np.all(np.isfinite(alpha)) or np.any(alpha < 0):
            raise ValueError("alpha must be finite and >= 0, got %r" % (self.alpha,))
        return self._fit_dask(X, y, sample_weight, alpha)


# ---------------------------------------------------------------------------------------
# logistic regression: loss and gradient summed over chunks

def _chunk_labels(y_block, w_block, chunk):
    """(sorted distinct labels, their weighted counts, their plain counts) of one chunk."""
    y = np.asarray(y_block)
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise ValueError("Input y: %r contains NaN or infinity" % (chunk,))
    labels, inv = np.unique(y, return_inverse=True)
    w = np.ones(len(y)) if w_block is None else check_block(w_block, chunk, "sample_weight")
    if (w < 0).any():
        raise ValueError("Negative values in sample_weight (%r)" % (chunk,))
    return labels, np.bincount(inv.ravel(), weights=w, minlength=len(labels)), \
        np.bincount(inv.ravel(), minlength=len(labels)).astype(np.float64)


def _merge_labels(parts):
    labels = np.unique(np.concatenate([p[0] for p in parts]))
    wc = np.zeros(len(labels))
    nc = np.zeros(len(labels))
    for lab, w, c in parts:
        idx = np.searchsorted(labels, lab)
        wc[idx] += w
        nc[idx] += c
    return labels, wc, nc


def _chunk_loss(block, chunk, y_block, w_block, theta, classes, class_w, fit_intercept,
                want_hessian):
    """One chunk's share of the unnormalised, unpenalised objective: (sum_i s_i l_i,
    its gradient[, its Hessian]) through the in-memory loss classes."""
    Xb = check_block(block, chunk, "X")
    y = np.asarray(y_block)
    y_idx = np.searchsorted(classes, y)
    s = np.ones(Xb.shape[0]) if w_block is None else check_block(w_block, chunk,
                                                                  "sample_weight")
    s = s * class_w[y_idx]
    S = float(s.sum())
    if S == 0:
        zero = (0.0, np.zeros_like(theta))
        return zero + ((np.zeros((theta.size, theta.size)),) if want_hessian else ())
    if len(classes) == 2:
        loss = _logr._BinaryLoss(Xb, (y_idx == 1).astype(np.float64), s, 0.0, fit_intercept)
    else:
        loss = _logr._MultinomialLoss(Xb, y_idx, len(classes), s, 0.0, fit_intercept)
    f, g = loss(theta)                        # mean loss over the chunk: times S below
    out = (f * S, g * S)
    if want_hessian:
        out = out + (loss.hessian(theta) * S,)
    return out


def _sum_parts(parts):
    out = list(parts[0])
    for p in parts[1:]:
        for i, v in enumerate(p):
            out[i] = out[i] + v
    return tuple(out)


class _ChunkedLogisticLoss:
    """F / S over the whole Dask array (the in-memory objective): one pass per call."""

    def __init__(self, X, y, sw, classes, class_w, l2, fit_intercept, total, split_every):
        self.parts = chunks_of(X, y, sw)
        self.classes, self.class_w = classes, class_w
        self.l2, self.fit_intercept, self.S = l2, fit_intercept, total
        self.n_features = X.shape[1]
        self.K = len(classes)
        self.width = self.n_features + int(fit_intercept)
        self.split_every = split_every
        self.n_passes = 0

    def _weights_mask(self, size):
        """True on the entries of theta that are weights (penalised), False on the
        intercepts."""
        if self.K == 2:
            mask = np.zeros(size, dtype=bool)
            mask[:self.n_features] = True
            return mask
        mask = np.zeros((self.K, self.width), dtype=bool)
        mask[:, :self.n_features] = True
        return mask.ravel()

    def _pass(self, theta, want_hessian):
        leaf = task(_chunk_loss)
        leaves = [leaf(xb, ch, yb, wb, theta, self.classes, self.class_w,
                       self.fit_intercept, want_hessian) for ch, xb, yb, wb in self.parts]
        (out,) = compute(tree_reduce(leaves, _sum_parts, self.split_every))
        self.n_passes += 1
        return out

    def __call__(self, theta):
        f, g = self._pass(theta, False)
        mask = self._weights_mask(theta.size)
        w = theta[mask]
        g = np.array(g)
        g[mask] += self.l2 * w
        f = f + 0.5 * self.l2 * float(np.sum(w * w))
        return f / self.S, g / self.S

    def hessian(self, theta):
        _, _, H = self._pass(theta, True)
        mask = self._weights_mask(theta.size)
        H = np.array(H)
        H[np.flatnonzero(mask), np.flatnonzero(mask)] += self.l2
        return H / self.S

    # the in-memory estimator's unpacking of theta
    def split(self, theta):
        return theta[:self.n_features], (theta[self.n_features] if self.fit_intercept
                                         else 0.0)

    def unpack(self, theta):
        T = theta.reshape(self.K, self.width)
        return T[:, :self.n_features], (T[:, self.n_features] if self.fit_intercept
                                        else np.zeros(self.K))


class LogisticRegression(DaskEstimatorMixin, _logr.LogisticRegression):
    """Logistic (binary) and softmax regression on a row-chunked Dask array.

    The objective, its gradient and (``solver="newton"``) its Hessian are summed over
    chunks at every evaluation; L-BFGS [4] (default), Newton or gradient descent run on
    the client over those sums. Every evaluation reads the data once: persist X first
    (``X = X.persist()``) when it fits in the cluster's memory.

    Parameters
    ----------
    As :class:`rusty_machine.learning.LogisticRegression`, plus
    split_every : int, default 8
        Fan-in of the reduction trees.

    Attributes
    ----------
    As :class:`rusty_machine.learning.LogisticRegression`; ``n_passes_`` counts the
    passes over the data.
    """
    _local_class = _logr.LogisticRegression

    def __init__(self, penalty="l2", C=1.0, solver="lbfgs", fit_intercept=True,
                 max_iter=100, tol=1e-4, class_weight=None, split_every=8):
        super().__init__(penalty=penalty, C=C, solver=solver, fit_intercept=fit_intercept,
                         max_iter=max_iter, tol=tol, class_weight=class_weight)
        self.split_every = split_every

    def fit(self, X, y, sample_weight=None):
        """Fit the model (chunk-summed objective for Dask input).

        Parameters
        ----------
        X : dask.array.Array or array-like of shape (n_samples, n_features)
        y : dask.array.Array or array-like of shape (n_samples,)
        sample_weight : dask.array.Array or array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        if not self._any_dask(X, y, sample_weight):
            return super().fit(X, y, sample_weight)
        self._validate_params()
        X = as_row_chunked(X, estimator=self)
        if y is None:
            raise ValueError("requires y to be passed, but the target y is None")
        y = rows_like(y, X, "y")
        sw = rows_like(sample_weight, X, "sample_weight", numeric=True)
        # pass 1: the labels (and their counts), every chunk checked
        leaf = task(_chunk_labels)
        (classes, wcounts, counts), = compute(tree_reduce(
            [leaf(yb, wb, ch) for ch, _, yb, wb in chunks_of(X, y, sw)], _merge_labels,
            self.split_every))
        check_classification_targets(classes)
        self.classes_ = classes
        n_classes = len(classes)
        if n_classes < 2:
            raise ValueError("This solver needs samples of at least 2 classes in the data, "
                             "but the data contains only one class: %r" % (classes[0],))
        cw = self.class_weight
        if isinstance(cw, str):
            class_w = X.shape[0] / (n_classes * counts)       # King & Zeng (2001)
        else:
            class_w = self._class_weights(np.zeros(1, dtype=np.intp), n_classes)
        total = float(np.sum(wcounts * class_w))
        if not total > 0:
            raise ValueError("the sample weights (times the class weights) sum to zero")
        l2 = 0.0 if self.penalty in (None, "none") else 1.0 / float(self.C)
        loss = _ChunkedLogisticLoss(X, y, sw, classes, class_w, l2, self.fit_intercept,
                                    total, self.split_every)
        n_features = X.shape[1]
        width = n_features + int(self.fit_intercept)
        theta0 = np.zeros(width if n_classes == 2 else n_classes * width)
        if self.solver == "newton":
            theta, n_iter, converged = _logr._newton(loss, theta0, self.tol, self.max_iter)
        else:
            if self.solver == "lbfgs":
                opt = LBFGS(m=10, tol=self.tol, ftol=64 * _EPS, max_iter=self.max_iter)
            else:
                opt = GradientDescent(learning_rate=1.0, max_iter=self.max_iter,
                                      tol=self.tol)
            res = opt.minimize(loss, theta0)
            theta, n_iter, converged = res.x, res.n_iter, res.converged
            if n_iter < self.max_iter and not res.converged:
                converged = True          # stopped on a flat line search: at the optimum
        if not converged:
            _warn_convergence("LogisticRegression (solver=%r) did not converge in "
                              "max_iter=%d iterations; increase max_iter or scale the data."
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
        self.n_passes_ = loss.n_passes
        self.n_features_in_ = n_features
        return self

    def decision_function(self, X):
        """Scores (lazy for Dask input); see the in-memory estimator."""
        if self._any_dask(X):
            return self._mapped("decision_function", X)
        return super().decision_function(X)

    def predict(self, X):
        """Most probable class (lazy for Dask input)."""
        if self._any_dask(X):
            return self._mapped("predict", X)
        return super().predict(X)

    def predict_proba(self, X):
        """Class probabilities (lazy for Dask input)."""
        if self._any_dask(X):
            return self._mapped("predict_proba", X)
        return super().predict_proba(X)

    def predict_log_proba(self, X):
        """Log class probabilities (lazy for Dask input)."""
        if self._any_dask(X):
            return self._mapped("predict_log_proba", X)
        return super().predict_log_proba(X)

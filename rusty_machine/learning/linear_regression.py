"""Ordinary least squares and ridge regression.

    LinearRegression:  min_w  sum_i s_i (y_i - x_i' w - b)^2
    Ridge:             min_w  sum_i s_i (y_i - x_i' w - b)^2 + alpha ||w||^2

(s_i the sample weights, b the unpenalised intercept.) The intercept is removed by
centring X and y on their weighted means; the weights enter by scaling the centred rows
by sqrt(s_i). The solvers never form an explicit inverse:

* ``"qr"`` (default): Householder QR of the centred, weighted [X | y], streamed over
  blocks of rows (sequential TSQR): R_k = qr([R_{k-1}; block_k]).r, each step a QR of
  R on top of a block that is blocked so that its flops run through our GEMM
  (``_tsqr.pyx``: compact WY, recursive panels, threads over parts of the rows). The final
  R = [[R11, r12], [0, rho]] holds everything least squares needs: w solves
  R11 w = r12 by back substitution (GVL4 Alg. 5.3.2). Only one block of rows is
  ever copied, so X is read once and no centred copy of it is made. A numerically
  rank-deficient R11 falls back to the SVD solver (minimum-norm solution, as
  scikit-learn / LAPACK dgelsd give).
* ``"svd"``: the same streamed R, then R11 = U diag(s) V' (our SVD); w = V diag(1/s) U' r12
  over the numerical rank (GVL4 Sec. 5.5.4); ``singular_`` holds s, which are the
  singular values of the centred, weighted X since X = Q R11.
* ``"cholesky"``: the normal equations (X'X + alpha I) w = X'y, with the Gram matrix
  of [X | y] accumulated block by block through our dsyrk (half the flops of a GEMM)
  and our blocked Cholesky (GVL4 Alg. 4.2.2 / LAPACK dpotrf + dpotrs). The fastest, but
  it squares the condition number; a matrix that is not numerically positive definite
  falls back to the QR path.

float32 data (as scikit-learn: ``coef_``, ``intercept_`` and ``predict`` stay float32):
the passes over X run in float32 where the kernel is written for both types (the
weighted means as one sgemm, the Cholesky route's Gram matrix as ssyrk blocks, ``predict``
as sgemm), and every d x d solve in float64 on the float64-accumulated Gram matrix or R,
its result rounded to float32. The streamed TSQR of the "qr" and "svd" solvers runs in
float32 for float32 X (``_tsqr.pyx``, fused: sgemm blocks, as scikit-learn's float32
lstsq, LAPACK sgelsd), its rank cut-off at float32's epsilon.

For Ridge the QR solver factors [R11; sqrt(alpha) I] (augmented least squares, GVL4
Sec. 6.1.4) and the SVD solver filters w = V diag(s / (s^2 + alpha)) U' r12.

References
----------
1. G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed. (GVL4), 2013:
   Alg. 5.2.1 (Householder QR), Alg. 5.3.2 (least squares by QR), Sec. 5.5.4 (SVD and
   the minimum-norm solution), Sec. 6.1.4 (ridge regression / Tikhonov), Alg. 4.2.2
   (Cholesky).
2. J. Demmel, L. Grigori, M. Hoemmen and J. Langou, "Communication-optimal parallel and
   sequential QR and LU factorizations", SIAM J. Sci. Comput. 34 (2012) A206-A239:
   the sequential TSQR used by the streamed QR.
3. A. E. Hoerl and R. W. Kennard, "Ridge regression: biased estimation for
   nonorthogonal problems", Technometrics 12 (1970) 55-67.
"""
import numbers

import numpy as np

from ..exceptions import LinAlgError
from ..linalg.blas import gemm, gemv
from .base import BaseEstimator, RegressorMixin
from .validation import check_is_fitted, check_sample_weight, validate_data
from . import _gram, _tsqr

__all__ = ["LinearRegression", "Ridge"]

_EPS = np.finfo(np.float64).eps
_SOLVERS = ("qr", "cholesky", "svd")


def _linalg():
    from .. import linalg
    return linalg


# ---------------------------------------------------------------------------------------
# shared helpers (also used by the GLM and logistic modules)

def _weighted_offsets(X, Y, sw, fit_intercept):
    """Weighted column means of X (n_features,) and Y (n_targets,), or zeros."""
    if not fit_intercept:
        return np.zeros(X.shape[1]), np.zeros(Y.shape[1])
    total = sw.sum()
    if total <= 0:
        raise ValueError("sample_weight sums to zero: at least one sample needs weight")
    # weighted means: X' w / sum(w)   (float64 offsets for either dtype of X)
    if X.dtype == np.float32:
        # w' X in one sgemm (no float64 copy of X), the weights rounded to float32
        sw32 = np.ascontiguousarray(sw, dtype=np.float32)[None, :]
        x_off = gemm(sw32, X).ravel().astype(np.float64) / total
        y_off = gemm(sw32, np.ascontiguousarray(Y, dtype=np.float32)).ravel().astype(
            np.float64) / total
        return x_off, y_off
    x_off = gemv(X, sw, trans=True) / total
    y_off = gemv(Y, sw, trans=True) / total
    return x_off, y_off


def _block_rows(n_cols):
    return max(2048, 4 * n_cols)


def _fill_block(buf, X, Y, s, e, x_off, y_off, sqrt_w):
    """buf[:e-s] = sqrt(w) * [X[s:e] - x_off, Y[s:e] - y_off] (one block of rows)."""
    k = e - s
    n = X.shape[1]
    blk = buf[:k]
    np.subtract(X[s:e], x_off, out=blk[:, :n])
    np.subtract(Y[s:e], y_off, out=blk[:, n:])
    if sqrt_w is not None:
        blk *= sqrt_w[s:e, None]
    return blk


def _streamed_r(X, Y, x_off, y_off, sqrt_w):
    """R factor of A = sqrt(W) [X - x_off, Y - y_off] by sequential TSQR (Demmel et al.
    2012): R_k = qr([R_{k-1}; A_k]).r over blocks of rows, each step a structured,
    GEMM-blocked Householder QR (``_tsqr.pyx``). Returns an upper-trapezoidal array of
    shape (min(m, n + k), n + k)."""
    R = _tsqr.streamed_r(X, Y, x_off, y_off, sqrt_w)
    return R[:min(X.shape[0], R.shape[0])]


def _streamed_gram(X, Y, x_off, y_off, sqrt_w):
    """A' A with A = sqrt(W) [X - x_off, Y - y_off], accumulated block by block through
    our syrk (only one block of centred rows exists at a time). The blocks and their
    syrk are in X's dtype (ssyrk for float32 data), the sum over blocks in float64."""
    m = X.shape[0]
    ncol = X.shape[1] + Y.shape[1]
    b = _block_rows(ncol)
    buf = np.empty((b, ncol), dtype=X.dtype)
    G = np.zeros((ncol, ncol))
    for s in range(0, m, b):
        e = min(s + b, m)
        blk = _fill_block(buf, X, Y, s, e, x_off, y_off, sqrt_w)
        # G += blk.T @ blk: syrk of the block, then one addition (n^2 next to the block's
        # b n^2 / 2 multiply-adds, b >= 2048 rows)
        G += _gram.gram(blk)
    return G


def _svd_solve(R11, R12, alpha, eps=_EPS):
    """min-norm (alpha = 0) or ridge solution of R11 W = R12 through R11 = U diag(s) V'.
    ``eps``: the machine epsilon of the data R11 came from (the rank cut-off).
    Returns (W, s, rank)."""
    la = _linalg()
    U, s, Vt = la.svd(R11, full_matrices=False)
    U, s, Vt = np.asarray(U), np.array(np.asarray(s)), np.asarray(Vt)
    UtR = gemm(U, R12, trans_a=True)                       # U' r12
    if np.all(alpha == 0):
        # GVL4 Sec. 5.5.4: keep s_i > rcond * s_0 (LAPACK dgelsd's default rcond = eps)
        cut = (s[0] * eps * max(R11.shape)) if s.size else 0.0
        keep = s > cut
        rank = int(keep.sum())
        inv = np.zeros_like(s)
        inv[keep] = 1.0 / s[keep]
        W = gemm(Vt, inv[:, None] * UtR, trans_a=True)
    else:
        rank = int(np.sum(s > (s[0] * eps * max(R11.shape) if s.size else 0.0)))
        # Hoerl & Kennard; GVL4 Sec. 6.1.4: filter factors s / (s^2 + alpha)
        filt = s[:, None] / (s[:, None] ** 2 + alpha[None, :])
        W = gemm(Vt, filt * UtR, trans_a=True)
    return W, s, rank


def _rank_from_r(R11, eps=_EPS):
    d = np.abs(np.diagonal(R11)) if R11.size else np.zeros(0)
    if d.size == 0 or d.max() == 0:
        return 0, False
    # back substitution only when every |R_ii| is clearly above the rank cut-off (a
    # margin of 10 over it); otherwise the SVD decides the rank and the minimum norm
    full = R11.shape[0] >= R11.shape[1] and d.min() > d.max() * eps * max(R11.shape) * 10
    return int(np.sum(d > d.max() * eps * max(R11.shape))), bool(full)


def _solve_least_squares(X, Y, sw, fit_intercept, alpha, solver):
    """Shared driver: returns (W (n_features, n_targets), x_off, y_off, rank, singular)."""
    n = X.shape[1]
    x_off, y_off = _weighted_offsets(X, Y, sw, fit_intercept)
    sqrt_w = None if np.all(sw == 1.0) else np.sqrt(sw)
    singular = None
    if solver == "cholesky":
        G = _streamed_gram(X, Y, x_off, y_off, sqrt_w)       # lower triangle only
        alphas = np.broadcast_to(alpha, (Y.shape[1],))
        groups = [np.arange(Y.shape[1])] if np.all(alphas == alphas[0]) \
            else [np.array([t]) for t in range(Y.shape[1])]
        W = np.empty((n, Y.shape[1]))
        try:
            for idx in groups:
                G11 = G[:n, :n].copy()
                G11[np.diag_indices(n)] += alphas[idx[0]]
                # (X'X + alpha I) w = X'y: GVL4 Alg. 4.2.2 + two triangular solves
                rhs = np.ascontiguousarray(G[n:, :n][idx].T)
                W[:, idx] = np.asarray(_linalg().cho_factor(G11).solve(rhs)).reshape(n, -1)
            if not np.isfinite(W).all():
                raise LinAlgError("non-finite solution")
            return W, x_off, y_off, n, None
        except LinAlgError:
            solver = "qr"                   # not numerically positive definite
    R = _streamed_r(X, Y, x_off, y_off, sqrt_w)
    # float32 X gives a float32 R (its QR ran in float32): the rank cut-offs use float32's
    # epsilon (scipy's float32 lstsq: rcond = eps32), the small solves below run in float64
    eps = np.finfo(R.dtype).eps
    R = R.astype(np.float64, copy=False)
    R11 = np.ascontiguousarray(R[:, :n])
    R12 = np.ascontiguousarray(R[:, n:])
    if R11.shape[0] < n and solver == "qr" and np.all(alpha == 0):
        solver = "svd"
    rank, full = _rank_from_r(R11, eps)
    if solver == "qr" and np.all(alpha == 0) and full:
        # GVL4 Alg. 5.3.2: back substitution R11 w = r12
        W = np.asarray(_linalg().solve_triangular(R11[:n], R12[:n], lower=False))
    elif solver == "qr" and not np.all(alpha == 0):
        cols = []
        alphas = np.broadcast_to(alpha, (Y.shape[1],))
        for t in range(Y.shape[1]):
            # GVL4 Sec. 6.1.4: least squares on [R11; sqrt(alpha) I] w = [r12; 0]
            aug = np.zeros((R11.shape[0] + n, n + 1))
            aug[:R11.shape[0], :n] = R11
            aug[:R11.shape[0], n] = R12[:, t]
            aug[R11.shape[0]:, :n] = np.sqrt(alphas[t]) * np.eye(n)
            Ra = np.asarray(_linalg().qr(aug, mode="r"))
            cols.append(np.asarray(_linalg().solve_triangular(Ra[:n, :n], Ra[:n, n],
                                                              lower=False)))
        W = np.column_stack(cols)
    else:
        W, singular, rank = _svd_solve(R11, R12, np.broadcast_to(alpha, (Y.shape[1],)), eps)
        if solver != "svd":
            singular = None
    return W.reshape(n, -1), x_off, y_off, rank, singular


def _linear_predict(X, coef, intercept):
    """X @ coef.T + intercept through our GEMM (coef of shape (n_targets, n_features) or
    (n_features,))."""
    if coef.ndim == 1:
        out = gemv(X, coef)
    else:
        out = gemm(X, coef, trans_b=True)
    out += intercept
    return out


def _linear_predict_any(X, coef, intercept):
    """_linear_predict in numpy's promotion of X and coef: float32 with float32 is one
    sgemm and a float32 result (scikit-learn's float32 linear models), else float64."""
    if X.dtype == np.float32 and coef.dtype == np.float32:
        if coef.ndim == 1:
            out = gemm(X, coef[:, None]).ravel()
        else:
            out = gemm(X, coef, trans_b=True)
        out += intercept
        return out
    return _linear_predict(X, coef, intercept)


def _check_solver(solver):
    if solver not in _SOLVERS:
        raise ValueError("solver must be one of %s, got %r" % (_SOLVERS, solver))


# ---------------------------------------------------------------------------------------

class _LinearModel(RegressorMixin, BaseEstimator):

    def _fit(self, X, y, sample_weight, alpha, solver=None):
        solver = self.solver if solver is None else solver
        _check_solver(solver)
        if not isinstance(self.fit_intercept, (bool, np.bool_)):
            raise ValueError("fit_intercept must be a bool, got %r" % (self.fit_intercept,))
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True,
                             dtype=[np.float64, np.float32])
        sw = check_sample_weight(sample_weight, X.shape[0])
        Y = y.reshape(X.shape[0], -1)
        if np.ndim(alpha) == 1 and alpha.shape[0] not in (1, Y.shape[1]):
            raise ValueError("alpha has %d values but y has %d targets"
                             % (alpha.shape[0], Y.shape[1]))
        W, x_off, y_off, rank, singular = _solve_least_squares(
            X, Y, sw, self.fit_intercept, alpha, solver)
        coef = np.ascontiguousarray(W.T, dtype=np.float64)   # (n_targets, n_features)
        intercept = y_off - gemm(coef, x_off[:, None]).ravel() if self.fit_intercept \
            else np.zeros(Y.shape[1])
        # float32 X: float32 coef_ / intercept_ (scikit-learn's rule), rounded once
        dt = X.dtype
        if y.ndim == 1:
            self.coef_ = coef.ravel().astype(dt)
            self.intercept_ = dt.type(intercept[0] if self.fit_intercept else 0.0)
        else:
            self.coef_ = coef.astype(dt)
            self.intercept_ = intercept.astype(dt)
        self.rank_ = rank
        if singular is not None:
            self.singular_ = np.asarray(singular).astype(dt)
        elif hasattr(self, "singular_"):
            del self.singular_
        self.n_iter_ = 1                    # one direct (non-iterative) solve
        return self

    def predict(self, X):
        """Predicted targets X w + b.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_targets)
        """
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        return _linear_predict_any(X, self.coef_, self.intercept_)

    def _rm_tags(self, tags):
        tags.target_tags.multi_output = True
        return tags


class LinearRegression(_LinearModel):
    """Ordinary least squares.

    Parameters
    ----------
    fit_intercept : bool, default True
        Fit an unpenalised intercept (by centring X and y).
    solver : {"qr", "cholesky", "svd"}, default "qr"
        See the module docstring: streamed Householder QR (accurate, default), normal
        equations by Cholesky (fastest, squares the condition number), or SVD (minimum
        norm for rank-deficient X; sets ``singular_``).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    rank_ : int
        Numerical rank of the centred, weighted X.
    singular_ : ndarray of shape (min(n_samples, n_features),)
        Singular values of the centred, weighted X (only with ``solver="svd"``).
    n_iter_ : int
        Always 1: the solvers are direct.
    n_features_in_ : int

    Examples
    --------
    >>> from rusty_machine.datasets import load_trees
    >>> X, y = load_trees()
    >>> LinearRegression().fit(X, y).coef_.round(3)
    array([4.708, 0.339])
    """

    def __init__(self, fit_intercept=True, solver="qr"):
        self.fit_intercept = fit_intercept
        self.solver = solver

    def fit(self, X, y, sample_weight=None):
        """Fit by least squares.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, np.float64(0.0))


class Ridge(_LinearModel):
    """Least squares with an L2 penalty alpha ||w||^2 (the intercept is not penalised).

    Parameters
    ----------
    alpha : float or array-like of shape (n_targets,), default 1.0
        Penalty strength (>= 0); one per target allowed.
    fit_intercept : bool, default True
    solver : {"auto", "qr", "cholesky", "svd"}, default "auto"
        QR of the augmented [R11; sqrt(alpha) I], Cholesky of X'X + alpha I, or SVD
        filter factors s / (s^2 + alpha). "auto" is Cholesky when every alpha is > 0
        (scikit-learn's choice for dense X: the Gram matrix is one syrk pass, and the
        penalty bounds its condition number; QR when it is not positive definite) and
        QR when an alpha is 0 (no squared condition number).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    rank_ : int
    singular_ : ndarray (only with ``solver="svd"``)
    n_features_in_ : int
    """

    def __init__(self, alpha=1.0, fit_intercept=True, solver="auto"):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver

    def fit(self, X, y, sample_weight=None):
        """Fit the ridge solution.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        alpha = self.alpha
        if isinstance(alpha, bool) or not (isinstance(alpha, numbers.Real)
                                           or np.ndim(alpha) == 1):
            raise ValueError("alpha must be a non-negative float or a 1-D array, got %r"
                             % (alpha,))
        alpha = np.asarray(alpha, dtype=np.float64)
        if alpha.ndim == 1 and alpha.size == 1:
            alpha = alpha[0]
        if not np.all(np.isfinite(alpha)) or np.any(alpha < 0):
            raise ValueError("alpha must be finite and >= 0, got %r" % (self.alpha,))
        solver = self.solver
        if isinstance(solver, str) and solver == "auto":
            solver = "cholesky" if np.all(alpha > 0) else "qr"
        return self._fit(X, y, sample_weight, alpha, solver)

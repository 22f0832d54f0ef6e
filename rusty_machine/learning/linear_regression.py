"""Ordinary least squares and ridge regression.

    LinearRegression:  min_w  sum_i s_i (y_i - x_i' w - b)^2
    Ridge:             min_w  sum_i s_i (y_i - x_i' w - b)^2 + alpha ||w||^2

(s_i the sample weights, b the unpenalised intercept.) The intercept is removed by
centring X and y on their weighted means; the weights enter by scaling the centred rows
by sqrt(s_i). The solvers never form an explicit inverse:

* ``"auto"`` (default): the normal equations of ``"cholesky"`` (one syrk pass over X,
  half the flops of the QR's), made as accurate as QR. With kappa the 2-norm condition
  number of the Jacobi-scaled Gram matrix (kappa = cond(X)^2 after equilibrating X's
  columns [van der Sluis 1969], our eigvalsh of the d x d matrix), the normal equations'
  forward error is O(kappa eps) and QR's O(sqrt(kappa) eps + kappa eps |r| / (|X||w|))
  [GVL4 Sec. 5.3.7; Higham ASNA Sec. 20.1]:

  - kappa <= 10: O(kappa eps) is within a factor ~3 of QR's bound; the Cholesky
    solution is returned as it is.
  - 10 < kappa <= 1e-6 / eps (cond(X) up to ~6.7e4): one step of fixed-precision
    iterative refinement, w += (X'X + alpha I)^-1 (X'(y - X w) - alpha w), with the
    residual computed from the data in one more pass over X (``_tsqr.normal_residual``).
    Its error contracts by a factor ~ kappa eps per step and then stops at the accuracy
    of the residual, which is QR's [Bjorck 1967; Higham ASNA Sec. 20.5].
  - kappa > 1e-6 / eps, or a Cholesky failure / tiny pivot: the QR path below.

  Measured (tests/learning/test_linear_regression_auto.py; 3000 x 40 seeded problems
  with a known solution, cond(X) = 1e1 .. 1e10, small and large residuals, 6 seeds):
  the relative error of "auto" stays within a factor 5 of the QR solver's at every
  condition number (worst 4.3, large residuals; plain Cholesky: up to 1e6 times QR's).
  On the 100000 x 100 benchmark (cond(X) ~ 1.07) it costs the Cholesky path's time,
  38 ms against QR's 109 ms (one thread); with refinement (cond(X) ~ 20) 50 ms.
* ``"qr"``: Householder QR of the centred, weighted [X | y], streamed over
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
4. A. Bjorck, "Iterative refinement of linear least squares solutions I", BIT 7 (1967)
   257-278; N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed.
   (ASNA), SIAM 2002, Sec. 7.3 (van der Sluis' scaling), 20.1 and 20.5 (least-squares
   perturbation theory and iterative refinement).
5. A. van der Sluis, "Condition numbers and equilibration of matrices", Numer. Math. 14
   (1969) 14-23.
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
_SOLVERS = ("auto", "qr", "cholesky", "svd")


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


# Largest m_j^2 n / (centred sum of squares of column j) for which the uncentred Gram
# matrix below is used: the subtraction then loses at most log2(1 + 16) ~ 4 bits of each
# entry (the same bound as PCA's scatter matrix, pca._scatter).
_UNCENTRED_MAX_RATIO2 = 16.0
# Smallest Cholesky pivot ratio L_ii^2 / G_ii the normal equations are solved with
# (eps^(2/3): below it cond(G) > ~1e10 and the QR path is the accurate one)
_PIVOT_MIN = _EPS ** (2.0 / 3.0)
# solver="auto" (see the module docstring): refine when the scaled cond(G) exceeds this,
# fall back to QR when cond(G) * eps exceeds that
_AUTO_KAPPA_REFINE = 10.0
_AUTO_KAPPA_EPS_MAX = 1e-6


def _gram_is_safe(G, n, m, dtype):
    """The Gram matrix is finite and its diagonal (the columns' sums of squares) is far
    from the subnormal range (each square above tiny / eps, on average) and from
    overflow; otherwise the squares have lost digits the data had, and the QR path,
    which never squares, decides."""
    fi = np.finfo(dtype)
    if not np.isfinite(G).all():
        return False
    d = np.diagonal(G)[:n]
    return bool(n == 0 or (d.min() > m * fi.tiny / fi.eps and d.max() < fi.max * fi.eps))


def _scaled_cond(G):
    """2-norm condition number of D^-1/2 G D^-1/2, D = diag(G) (G symmetric positive
    definite): the Jacobi-scaled Gram matrix, whose condition number is that of the
    column-equilibrated data squared and governs the normal equations' error [van der
    Sluis 1969; Higham ASNA Sec. 7.3]. Eigenvalues by our eigvalsh (n^3, next to the
    m n^2 / 2 of the Gram pass)."""
    d = 1.0 / np.sqrt(np.diagonal(G))
    ev = np.asarray(_linalg().eigvalsh(G * np.multiply.outer(d, d)))
    return np.inf if ev[0] <= 0 else float(ev[-1] / ev[0])


def _uncentred_gram(X, Y):
    """The centred Gram matrix of [X | Y] (unweighted float64 data) and the column means,
    in ONE pass over X and without a centred copy of it.

    Block by block of rows (each block read once, while it is in cache): our syrk gives
    X_b' X_b and one GEMM gives [Y_b, 1]' X_b (the cross products and the column sums of
    X together). Then the centring is algebraic, G_c = G - n m m' [GVL4 Sec. 2.7 for the
    cancellation this can cause]: accepted only when every column's mean is small next
    to its spread (n m_j^2 <= 16 G_c[j, j], at most 4 bits lost); otherwise None is
    returned and the caller centres the blocks explicitly (``_streamed_gram``).

    Returns
    -------
    None, or (G, x_off, y_off): G of shape (n_features + n_targets,) * 2 with its lower
    triangle filled (the X block symmetric), the column means of X and Y.
    """
    m, n = X.shape
    t = Y.shape[1]
    YE = np.empty((m, t + 1))
    YE[:, :t] = Y
    YE[:, t] = 1.0
    Gxx = np.zeros((n, n))
    Gyx = np.zeros((t + 1, n))
    b = _block_rows(n + t)
    for s in range(0, m, b):
        Xb = X[s:s + b]
        Gxx += _gram.gram(Xb)                               # X_b' X_b (syrk)
        Gyx += gemm(YE[s:s + b], Xb, trans_a=True)          # [Y_b, 1]' X_b
    Gee = gemm(YE, YE, trans_a=True)                        # [Y, 1]' [Y, 1], (t+1)^2
    x_off = Gyx[t] / m
    y_off = Gee[t, :t] / m
    G = np.zeros((n + t, n + t))
    # G_c = G - n m m'   (m m' symmetric by construction)
    G[:n, :n] = Gxx - m * np.multiply.outer(x_off, x_off)
    G[n:, :n] = Gyx[:t] - m * np.multiply.outer(y_off, x_off)
    G[n:, n:] = Gee[:t, :t] - m * np.multiply.outer(y_off, y_off)
    off2 = m * np.concatenate([x_off, y_off]) ** 2
    if not np.all(off2 <= _UNCENTRED_MAX_RATIO2 * np.diagonal(G)):
        return None
    return G, x_off, y_off


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
    unweighted = bool(np.all(sw == 1.0))
    fast = None
    if solver in ("cholesky", "auto") and unweighted and fit_intercept and X.dtype == np.float64:
        # the centred Gram matrix and the means in one pass over X (no centred copy);
        # squares that overflow or underflow are caught below (_gram_is_safe)
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            fast = _uncentred_gram(X, np.asarray(Y, dtype=np.float64))
    if fast is not None:
        G, x_off, y_off = fast
    else:
        x_off, y_off = _weighted_offsets(X, Y, sw, fit_intercept)
    sqrt_w = None if unweighted else np.sqrt(sw)
    singular = None
    if solver in ("cholesky", "auto"):
        if fast is None:
            with np.errstate(over="ignore", invalid="ignore", under="ignore"):
                G = _streamed_gram(X, Y, x_off, y_off, sqrt_w)   # lower triangle only
        alphas = np.broadcast_to(alpha, (Y.shape[1],))
        groups = [np.arange(Y.shape[1])] if np.all(alphas == alphas[0]) \
            else [np.array([t]) for t in range(Y.shape[1])]
        W = np.empty((n, Y.shape[1]))
        eps = np.finfo(X.dtype).eps
        try:
            if not _gram_is_safe(G, n, X.shape[0], X.dtype):
                raise LinAlgError("squares out of the floating-point range")
            factors = []
            for idx in groups:
                G11 = G[:n, :n].copy()
                G11[np.diag_indices(n)] += alphas[idx[0]]
                # (X'X + alpha I) w = X'y: GVL4 Alg. 4.2.2 + two triangular solves
                rhs = np.ascontiguousarray(G[n:, :n][idx].T)
                cf = _linalg().cho_factor(G11)
                # a pivot L_ii^2 / G_ii this small means cond(G) > ~1e10: the normal
                # equations would lose most digits (rank deficiency shows up here when
                # rounding lets the factorisation finish): the QR path decides instead
                if n and np.min(np.diagonal(np.asarray(cf.L)) ** 2
                                / np.diagonal(G11)) <= _PIVOT_MIN:
                    raise LinAlgError("numerically singular normal equations")
                kappa = _scaled_cond(G11) if solver == "auto" else 1.0
                if kappa * eps > _AUTO_KAPPA_EPS_MAX:
                    # too ill-conditioned for refined normal equations: QR (below)
                    raise LinAlgError("normal equations too ill-conditioned")
                W[:, idx] = np.asarray(cf.solve(rhs)).reshape(n, -1)
                factors.append((idx, cf, kappa))
            if not np.isfinite(W).all():
                raise LinAlgError("non-finite solution")
            for idx, cf, kappa in factors:
                if kappa > _AUTO_KAPPA_REFINE:
                    # one step of iterative refinement with the data's residual
                    # [Bjo67; Higham ASNA Sec. 20.5]: g = X'(y - Xw) - alpha w
                    Wi = W[:, idx]
                    g = _tsqr.normal_residual(X, Y[:, idx], x_off, y_off[idx], sqrt_w, Wi)
                    g -= alphas[idx][None, :] * Wi
                    W[:, idx] = Wi + np.asarray(cf.solve(g)).reshape(n, -1)
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
    solver : {"auto", "qr", "cholesky", "svd"}, default "auto"
        See the module docstring: "auto" is the normal equations with a condition check,
        refined once with the data's residual when the condition number calls for it and
        replaced by QR when it is too large (QR's accuracy, the normal equations' speed
        on well-conditioned data); streamed Householder QR; plain normal equations by
        Cholesky (squares the condition number); or SVD (minimum norm for rank-deficient
        X; sets ``singular_``).

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

    def __init__(self, fit_intercept=True, solver="auto"):
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
        filter factors s / (s^2 + alpha). "auto" is LinearRegression's: Cholesky of
        X'X + alpha I (scikit-learn's choice for dense X: one syrk pass), with its
        condition number checked, one refinement step with the data's residual when it
        is above 10 and QR when the normal equations would lose accuracy (an alpha of 0
        on rank-deficient X: QR's minimum-norm solution).

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
        return self._fit(X, y, sample_weight, alpha, self.solver)

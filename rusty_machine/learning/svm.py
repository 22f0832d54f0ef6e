"""Support vector machines: C-SVC (one-vs-one for several classes) and epsilon-SVR.

Both are solved in the dual by SMO with second-order working-set selection, shrinking
and an LRU cache of kernel rows (``_smo.pyx``). The Python layer validates, sets up the
sub-problems, assembles the model in LIBSVM's layout (the one scikit-learn exposes), and
predicts with a kernel block between test rows and support vectors (one GEMM) followed
by a product with the dual coefficients (GEMM / gemv).

Probabilities (``probability=True``) follow Platt [4] with the numerically careful
Newton fit of Lin, Lin & Weng [5] on decision values from an internal 5-fold
cross-validation, and for more than two classes the pairwise coupling of Wu, Lin & Weng
[6, method 2]. Because the sigmoid is fitted on cross-validated values, ``predict_proba``
can disagree with ``predict`` (which uses the decision function of the final model).

float32 input is upcast to float64 on purpose: SMO's dual updates and its stopping rule
(KKT violation below ``tol``) compare gradients that are differences of large kernel
sums; in float32 the working-set selection stalls on rounding noise. The fitted
attributes (dual coefficients, support vectors, intercepts) are float64, as libsvm's in
scikit-learn.

References
----------
[1] C. Cortes & V. Vapnik, "Support-vector networks", Machine Learning 20 (1995) (C-SVC).
[2] R.-E. Fan, P.-H. Chen & C.-J. Lin, "Working set selection using second order
    information for training support vector machines", JMLR 6 (2005) 1889-1918.
[3] C.-C. Chang & C.-J. Lin, "LIBSVM: a library for support vector machines", ACM TIST
    2(3) 2011: one-vs-one (Sec. 7), the dual forms (Sec. 2), the model layout.
[4] J. C. Platt, "Probabilistic outputs for support vector machines and comparisons to
    regularized likelihood methods", in Advances in Large Margin Classifiers, 1999.
[5] H.-T. Lin, C.-J. Lin & R. C. Weng, "A note on Platt's probabilistic outputs for
    support vector machines", Machine Learning 68 (2007) 267-276 (Alg. 1: Newton with
    backtracking, targets (N+ + 1)/(N+ + 2) and 1/(N- + 2), stable log(1 + exp)).
[6] T.-F. Wu, C.-J. Lin & R. C. Weng, "Probability estimates for multi-class
    classification by pairwise coupling", JMLR 5 (2004) 975-1005.
[7] A. J. Smola & B. Schoelkopf, "A tutorial on support vector regression",
    Statistics and Computing 14 (2004) (epsilon-SVR).
"""
import numbers

import numpy as np

from ..exceptions import NotFittedError, _warn_convergence
from ..linalg.blas import gemm, gemv
from .base import BaseEstimator, ClassifierMixin, RegressorMixin
from .validation import (check_classification_targets, check_is_fitted, check_random_state,
                         check_sample_weight, validate_data)
from . import _kernels, _smo

__all__ = ["SVC", "SVR"]

# Iterations per sub-problem when max_iter=-1: a guard so that a degenerate problem
# cannot run for hours (SMO typically needs a few times n_samples iterations).
_HARD_CAP_MIN = 1_000_000
_HARD_CAP_PER_SAMPLE = 100
_STRING_KERNELS = ("linear", "poly", "rbf", "sigmoid", "precomputed")


# =====================================================================================
# shared machinery
# =====================================================================================
class _BaseSVM(BaseEstimator):

    # ---- hyper-parameter validation ------------------------------------------------
    def _check_params(self):
        if isinstance(self.C, bool) or not isinstance(self.C, numbers.Real) or \
                not np.isfinite(self.C) or self.C <= 0:
            raise ValueError("C must be a positive finite number, got %r" % (self.C,))
        k = self.kernel
        if isinstance(k, str):
            if k not in _STRING_KERNELS:
                raise ValueError("kernel must be one of %s or a callable, got %r"
                                 % (", ".join(_STRING_KERNELS), k))
        elif not callable(k):
            raise ValueError("kernel must be a string or a callable, got %r" % (k,))
        g = self.gamma
        if isinstance(g, str):
            if g not in ("scale", "auto"):
                raise ValueError("gamma must be 'scale', 'auto' or a positive float, got %r" % g)
        elif isinstance(g, bool) or not isinstance(g, numbers.Real) or not np.isfinite(g) \
                or g <= 0:
            raise ValueError("gamma must be 'scale', 'auto' or a positive float, got %r" % (g,))
        if isinstance(self.degree, bool) or not isinstance(self.degree, numbers.Integral) \
                or self.degree < 0:
            raise ValueError("degree must be a non-negative integer, got %r" % (self.degree,))
        if not isinstance(self.coef0, numbers.Real) or not np.isfinite(self.coef0):
            raise ValueError("coef0 must be a finite number, got %r" % (self.coef0,))
        if not isinstance(self.tol, numbers.Real) or not self.tol > 0:
            raise ValueError("tol must be > 0, got %r" % (self.tol,))
        if not isinstance(self.cache_size, numbers.Real) or not self.cache_size > 0:
            raise ValueError("cache_size must be > 0 (MB), got %r" % (self.cache_size,))
        if isinstance(self.max_iter, bool) or not isinstance(self.max_iter, numbers.Integral) \
                or (self.max_iter != -1 and self.max_iter < 1):
            raise ValueError("max_iter must be -1 (no limit) or a positive integer, got %r"
                             % (self.max_iter,))

    def _rm_tags(self, tags):
        tags.input_tags.pairwise = self.kernel == "precomputed"
        return tags

    # ---- kernel setup ----------------------------------------------------------------
    def _setup_kernel(self, X):
        """Record the kernel kind and the actual gamma (``_gamma``)."""
        k = self.kernel
        if callable(k):
            self._kind = "callable"
        else:
            self._kind = k
        if self.gamma == "scale":
            var = float(X.var()) if k != "precomputed" else 0.0
            self._gamma = 1.0 / (X.shape[1] * var) if var > 0 else 1.0
        elif self.gamma == "auto":
            self._gamma = 1.0 / X.shape[1]
        else:
            self._gamma = float(self.gamma)

    def _gram_for(self, A, B):
        """k(A, B) for a callable kernel, validated."""
        K = np.asarray(self.kernel(A, B), dtype=np.float64)
        if K.shape != (A.shape[0], B.shape[0]):
            raise ValueError("the kernel callable returned shape %s, expected %s"
                             % (K.shape, (A.shape[0], B.shape[0])))
        if not np.isfinite(K).all():
            raise ValueError("the kernel callable returned NaN or infinity")
        return np.ascontiguousarray(K)

    def _solver(self, X, K, real, y, p, C):
        """An SMO Solver on the data X (or the kernel matrix K for precomputed and
        callable kernels) for the variables (real, y, p, C) of ``_smo.Solver``."""
        if self._kind in ("precomputed", "callable"):
            return _smo.Solver(np.zeros((K.shape[0], 0)), K, real, y, p, C,
                               _smo.KERNEL_KINDS["precomputed"], 1.0, 0.0, 3,
                               float(self.cache_size))
        return _smo.Solver(X, None, real, y, p, C, _smo.KERNEL_KINDS[self._kind],
                           self._gamma, float(self.coef0), int(self.degree),
                           float(self.cache_size))

    def _run(self, solver, n_vars):
        cap = (max(_HARD_CAP_MIN, _HARD_CAP_PER_SAMPLE * n_vars) if self.max_iter == -1
               else int(self.max_iter))
        alpha, rho, n_iter, G, obj = solver.solve(float(self.tol), bool(self.shrinking), cap)
        if self.verbose:
            print("optimization finished, #iter = %d, obj = %.6f, rho = %.6f, nSV = %d"
                  % (n_iter, obj, rho, int(np.count_nonzero(alpha))))
        if n_iter >= cap:
            _warn_convergence("SMO stopped at max_iter=%d iterations before reaching tol=%g; "
                              "the solution may be inaccurate (consider scaling the data)"
                              % (cap, self.tol), stacklevel=4)
        return alpha, rho, n_iter

    def _validate_X_fit(self, X, y, y_numeric):
        X, y = validate_data(self, X, y, y_numeric=y_numeric)
        if self.kernel == "precomputed" and X.shape[0] != X.shape[1]:
            raise ValueError("Precomputed matrix must be a square matrix. Input is a %dx%d "
                             "matrix." % X.shape)
        return X, y

    def _kernel_block(self, X):
        """K(X, support vectors), shape (n_test, n_SV)."""
        if self._kind == "precomputed":
            if X.shape[1] != self.shape_fit_[0]:
                raise ValueError("X.shape[1] = %d should be equal to %d, the number of "
                                 "samples at training time" % (X.shape[1], self.shape_fit_[0]))
            return np.ascontiguousarray(X[:, self.support_])
        SV = self.support_vectors_
        if self._kind == "callable":
            return self._gram_for(X, SV)
        if self._kind == "rbf":
            # exp(-gamma ||x - sv||^2): distances by GEMM (_kernels.sq_dists), then
            # numpy's vectorised exp in place
            D = _kernels.sq_dists(np.ascontiguousarray(X), SV)
            D *= -self._gamma
            return np.exp(D, out=D)
        return _smo.kernel_matrix(np.ascontiguousarray(X), SV,
                                  _smo.KERNEL_KINDS[self._kind], self._gamma,
                                  float(self.coef0), int(self.degree))

    def _validate_X_predict(self, X):
        check_is_fitted(self, "support_")
        X = validate_data(self, X, reset=False)
        return X


# =====================================================================================
# Platt scaling
# =====================================================================================
def _sigmoid_train(dec, labels):
    """Fit P(y = +1 | f) = 1 / (1 + exp(A f + B)) by Lin, Lin & Weng's Newton method
    with backtracking (Alg. 1 of [5]). ``labels`` > 0 marks the positive class."""
    dec = np.asarray(dec, dtype=np.float64)
    pos = labels > 0
    prior1 = float(pos.sum())
    prior0 = float(pos.size - prior1)
    # regularised targets [4, eq. 8 / 5, Sec. 2]
    hi, lo = (prior1 + 1.0) / (prior1 + 2.0), 1.0 / (prior0 + 2.0)
    t = np.where(pos, hi, lo)
    A, B = 0.0, float(np.log((prior0 + 1.0) / (prior1 + 1.0)))
    min_step, sigma, eps = 1e-10, 1e-12, 1e-5

    def objective(A, B):
        # sum t (fApB) + log(1 + exp(-fApB)), written stably for both signs [5, Sec. 3]
        f = dec * A + B
        return float(np.sum(np.where(f >= 0, t * f + np.log1p(np.exp(-np.abs(f))),
                                     (t - 1.0) * f + np.log1p(np.exp(-np.abs(f))))))

    fval = objective(A, B)
    for _ in range(100):
        f = dec * A + B
        e = np.exp(-np.abs(f))
        # p = P(y=1), q = 1 - p, computed without overflow
        p = np.where(f >= 0, e / (1.0 + e), 1.0 / (1.0 + e))
        q = np.where(f >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        d2 = p * q
        h11 = sigma + float(np.sum(dec * dec * d2))
        h22 = sigma + float(np.sum(d2))
        h21 = float(np.sum(dec * d2))
        d1 = t - p
        g1 = float(np.sum(dec * d1))
        g2 = float(np.sum(d1))
        if abs(g1) < eps and abs(g2) < eps:                  # stopping rule of [5]
            break
        # Newton direction: -H^{-1} g (2 x 2)
        det = h11 * h22 - h21 * h21
        dA = -(h22 * g1 - h21 * g2) / det
        dB = -(-h21 * g1 + h11 * g2) / det
        gd = g1 * dA + g2 * dB
        step = 1.0
        while step >= min_step:                             # backtracking (Armijo)
            newA, newB = A + step * dA, B + step * dB
            newf = objective(newA, newB)
            if newf < fval + 1e-4 * step * gd:
                A, B, fval = newA, newB, newf
                break
            step /= 2.0
        if step < min_step:
            break
    return A, B


def _sigmoid_predict(dec, A, B):
    f = dec * A + B
    e = np.exp(-np.abs(f))
    return np.where(f >= 0, e / (1.0 + e), 1.0 / (1.0 + e))


def _pairwise_coupling(r, max_iter=100):
    """Multi-class probabilities from pairwise ones, Wu, Lin & Weng's method 2 [6, Sec.
    4, eq. (21)-(22)], vectorised over samples. r[:, i, j] ~ P(i | i or j)."""
    n, k, _ = r.shape
    Q = -r.transpose(0, 2, 1) * r                  # Q_tj = -r_jt r_tj   (t != j)
    diag = np.sum(r.transpose(0, 2, 1) ** 2, axis=2) - \
        np.diagonal(r, axis1=1, axis2=2) ** 2      # Q_tt = sum_{j != t} r_jt^2
    idx = np.arange(k)
    Q[:, idx, idx] = diag
    P = np.full((n, k), 1.0 / k)
    eps = 0.005 / k
    todo = np.arange(n)                 # samples not yet converged (each on its own)
    for _ in range(max(max_iter, k)):
        Qs, Ps = Q[todo], P[todo]
        Qp = np.sum(Qs * Ps[:, None, :], axis=2)
        pQp = np.sum(Ps * Qp, axis=1)
        done = np.max(np.abs(Qp - pQp[:, None]), axis=1) < eps
        if done.all():
            break
        todo, Qs, Ps, Qp, pQp = todo[~done], Qs[~done], Ps[~done], Qp[~done], pQp[~done]
        for t in range(k):
            diff = (-Qp[:, t] + pQp) / Qs[:, t, t]
            Ps[:, t] += diff
            pQp = (pQp + diff * (diff * Qs[:, t, t] + 2 * Qp[:, t])) / (1 + diff) ** 2
            Qp = (Qp + diff[:, None] * Qs[:, t, :]) / (1 + diff)[:, None]
            Ps /= (1 + diff)[:, None]
        P[todo] = Ps
    return P


# =====================================================================================
# C-SVC
# =====================================================================================
class SVC(ClassifierMixin, _BaseSVM):
    """C-support vector classification (one-vs-one for more than two classes).

    Solves min_a 1/2 a'Qa - 1'a s.t. y'a = 0, 0 <= a_i <= C_i with Q_ij = y_i y_j
    k(x_i, x_j) and C_i = C * class_weight[y_i] * sample_weight_i [1; 3, Sec. 2.1].

    Parameters
    ----------
    C : float, default 1.0
        Penalty of the hinge loss (> 0).
    kernel : {"rbf", "linear", "poly", "sigmoid", "precomputed"} or callable
        A callable (for instance a ``rusty_machine.learning.kernels`` kernel) is called
        as ``kernel(A, B)`` and must return the (len(A), len(B)) Gram matrix.
    degree : int, default 3
        Degree of "poly".
    gamma : "scale", "auto" or float > 0, default "scale"
        "scale": 1 / (n_features * X.var()); "auto": 1 / n_features.
    coef0 : float, default 0.0
        Offset of "poly" and "sigmoid".
    tol : float, default 1e-3
        Stopping tolerance on the maximal KKT violation m(a) - M(a) [2, eq. 9].
    cache_size : float, default 200
        Megabytes of kernel rows kept in the LRU cache.
    max_iter : int, default -1
        Iteration limit per sub-problem (-1: an internal guard of max(10^6, 100 n)
        iterations); a ConvergenceWarning is issued when it is reached.
    shrinking : bool, default True
    class_weight : None, "balanced" or dict
        Multiplies C per class; "balanced" uses n_samples / (n_classes * count).
    probability : bool, default False
        Fit Platt sigmoids by internal 5-fold cross-validation (slower fit). The
        probabilities can disagree with ``predict``.
    decision_function_shape : {"ovr", "ovo"}, default "ovr"
    random_state : None, int or RandomState
        Shuffles the cross-validation folds of ``probability=True``.
    verbose : int, default 0
        > 0: print a line per solved SMO problem (iterations, objective, rho, support
        vectors), as LIBSVM does.

    Attributes
    ----------
    classes_, support_, support_vectors_, n_support_, dual_coef_, intercept_,
    coef_ (linear kernel), probA_, probB_, n_iter_, shape_fit_, fit_status_,
    n_features_in_
    """

    def __init__(self, C=1.0, kernel="rbf", degree=3, gamma="scale", coef0=0.0, tol=1e-3,
                 cache_size=200, max_iter=-1, shrinking=True, class_weight=None,
                 probability=False, decision_function_shape="ovr", random_state=None,
                 verbose=0):
        self.C = C
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.tol = tol
        self.cache_size = cache_size
        self.max_iter = max_iter
        self.shrinking = shrinking
        self.class_weight = class_weight
        self.probability = probability
        self.decision_function_shape = decision_function_shape
        self.random_state = random_state
        self.verbose = verbose

    def _class_weights(self, y_idx, n_classes):
        cw = self.class_weight
        if cw is None:
            return np.ones(n_classes)
        if isinstance(cw, str):
            if cw != "balanced":
                raise ValueError("class_weight must be None, 'balanced' or a dict, got %r" % cw)
            counts = np.bincount(y_idx, minlength=n_classes).astype(np.float64)
            return y_idx.size / (n_classes * counts)
        if not isinstance(cw, dict):
            raise ValueError("class_weight must be None, 'balanced' or a dict, got %r" % (cw,))
        w = np.ones(n_classes)
        for label, value in cw.items():
            hits = np.nonzero(self.classes_ == label)[0]
            if hits.size == 0:
                raise ValueError("class_weight: class label %r is not present in y" % (label,))
            w[hits[0]] = float(value)
        return w

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or (n_samples, n_samples) for
            kernel="precomputed"
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Per-sample multipliers of C; samples of weight 0 are left out.

        Returns
        -------
        self
        """
        self._check_params()
        if self.decision_function_shape not in ("ovr", "ovo"):
            raise ValueError("decision_function_shape must be 'ovr' or 'ovo', got %r"
                             % (self.decision_function_shape,))
        X, y = self._validate_X_fit(X, y, False)
        check_classification_targets(y)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        y_idx = y_idx.ravel()
        n_classes = self.classes_.size
        if n_classes < 2:
            raise ValueError("The number of classes has to be greater than one; got %d class"
                             % n_classes)
        w = check_sample_weight(sample_weight, X.shape[0])
        C_sample = float(self.C) * w * self._class_weights(y_idx, n_classes)[y_idx]
        keep = np.nonzero(C_sample > 0)[0]
        if keep.size == 0:
            raise ValueError("Invalid input - all samples have zero or negative weights.")
        if np.unique(y_idx[keep]).size < 2:
            raise ValueError("Invalid input - all samples with positive weights belong to "
                             "the same class (need at least 2 classes)")
        self.shape_fit_ = X.shape
        self._setup_kernel(X)
        K_full = None
        if self._kind == "precomputed":
            K_full = X
        elif self._kind == "callable":
            K_full = self._gram_for(X, X)
        # samples of each class, in order (LIBSVM groups the classes [3, Sec. 7])
        groups = [keep[y_idx[keep] == c] for c in range(n_classes)]
        is_sv = np.zeros(X.shape[0], dtype=bool)
        pair_models = []
        n_iter = []
        rng = check_random_state(self.random_state)
        probA, probB = [], []
        for a in range(n_classes):
            for b in range(a + 1, n_classes):
                rows = np.concatenate([groups[a], groups[b]])
                ysub = np.concatenate([np.ones(groups[a].size), -np.ones(groups[b].size)])
                Csub = C_sample[rows]
                if groups[a].size == 0 or groups[b].size == 0:
                    # a class left without weight: the pair's decision is its constant
                    pair_models.append((rows, np.zeros(rows.size), 1.0 if groups[a].size == 0
                                        else -1.0))
                    n_iter.append(0)
                    probA.append(0.0)
                    probB.append(0.0)
                    continue
                if self.probability:
                    A_, B_ = self._platt_cv(X, K_full, rows, ysub, Csub, rng)
                    probA.append(A_)
                    probB.append(B_)
                alpha, rho, it = self._fit_binary(X, K_full, rows, ysub, Csub)
                is_sv[rows[alpha > 0]] = True
                pair_models.append((rows, alpha * ysub, rho))
                n_iter.append(it)
        self._assemble(X, y_idx, is_sv, pair_models, n_classes)
        self.n_iter_ = np.asarray(n_iter, dtype=np.int32)
        self.fit_status_ = 0
        if self.probability:
            self.probA_ = np.asarray(probA)
            self.probB_ = np.asarray(probB)
        else:
            self.probA_ = np.zeros(0)
            self.probB_ = np.zeros(0)
        return self

    def _fit_binary(self, X, K_full, rows, ysub, Csub):
        """Solve one two-class dual on the samples `rows` (labels ysub = +-1)."""
        n = rows.size
        if K_full is not None:
            K = np.ascontiguousarray(K_full[np.ix_(rows, rows)])
            solver = self._solver(None, K, np.arange(n), ysub, -np.ones(n), Csub)
        else:
            solver = self._solver(np.ascontiguousarray(X[rows]), None, np.arange(n), ysub,
                                  -np.ones(n), Csub)
        return self._run(solver, n)

    def _platt_cv(self, X, K_full, rows, ysub, Csub, rng, n_folds=5):
        """Decision values by internal cross-validation, then the sigmoid fit [4, 5]."""
        n = rows.size
        perm = rng.permutation(n)
        dec = np.zeros(n)
        for f in range(n_folds):
            test = perm[f * n // n_folds:(f + 1) * n // n_folds]
            train = np.setdiff1d(perm, test, assume_unique=True)
            ytr = ysub[train]
            if test.size == 0:
                continue
            if (ytr > 0).all() or (ytr < 0).all() or train.size == 0:
                # one class in the training folds: its label as the decision value
                dec[test] = 1.0 if train.size and ytr[0] > 0 else -1.0
                continue
            alpha, rho, _ = self._fit_binary(X, K_full, rows[train], ytr, Csub[train])
            coef = alpha * ytr
            nz = coef != 0
            if K_full is not None:
                Kt = np.ascontiguousarray(K_full[np.ix_(rows[test], rows[train][nz])])
            else:
                Kt = _smo.kernel_matrix(np.ascontiguousarray(X[rows[test]]),
                                        np.ascontiguousarray(X[rows[train][nz]]),
                                        _smo.KERNEL_KINDS[self._kind], self._gamma,
                                        float(self.coef0), int(self.degree))
            dec[test] = (gemv(Kt, coef[nz]) if nz.any() else 0.0) - rho
        return _sigmoid_train(dec, ysub)

    def _assemble(self, X, y_idx, is_sv, pair_models, n_classes):
        """LIBSVM's model layout [3]: support vectors grouped by class; for the pair
        (i, j) the coefficients of class i's vectors in row j-1, of class j's in row i."""
        sv_per_class = [np.nonzero(is_sv & (y_idx == c))[0] for c in range(n_classes)]
        support = np.concatenate(sv_per_class).astype(np.int32)
        n_sv = support.size
        pos = np.full(X.shape[0], -1)
        pos[support] = np.arange(n_sv)
        dual = np.zeros((n_classes - 1, n_sv))
        intercept = np.zeros(len(pair_models))
        p = 0
        for a in range(n_classes):
            for b in range(a + 1, n_classes):
                rows, coef, rho = pair_models[p]
                nz = coef != 0
                r, c = rows[nz], coef[nz]
                in_a = y_idx[r] == a
                dual[b - 1, pos[r[in_a]]] = c[in_a]
                dual[a, pos[r[~in_a]]] = c[~in_a]
                intercept[p] = -rho
                p += 1
        self.support_ = support
        self.n_support_ = np.asarray([s.size for s in sv_per_class], dtype=np.int32)
        if self._kind == "precomputed":
            self.support_vectors_ = np.zeros((0, 0))
        else:
            self.support_vectors_ = np.ascontiguousarray(X[support])
        # LIBSVM's signs: decision of pair (i, j) > 0 votes for i
        self._dual_coef = dual
        self._intercept = intercept
        if n_classes == 2:      # public: decision > 0 means classes_[1]
            self.dual_coef_ = -dual
            self.intercept_ = -intercept
        else:
            self.dual_coef_ = dual
            self.intercept_ = intercept

    # ---- prediction ------------------------------------------------------------------
    def _pair_decisions(self, X):
        """LIBSVM's pairwise decision values, (n_samples, n_pairs), > 0 votes for the
        first class of the pair."""
        Kt = self._kernel_block(X)                      # (n, n_SV), one GEMM
        k = self.classes_.size
        if k == 2:
            # f = Kt @ dual + b
            return (gemv(Kt, self._dual_coef[0]) + self._intercept[0])[:, None]
        starts = np.concatenate([[0], np.cumsum(self.n_support_)])
        # per class block c: P_c = Kt[:, block_c] @ dual[:, block_c].T   (one GEMM each)
        P = [gemm(Kt[:, starts[c]:starts[c + 1]], self._dual_coef[:, starts[c]:starts[c + 1]],
                  trans_b=True) for c in range(k)]
        out = np.empty((X.shape[0], len(self._intercept)))
        p = 0
        for a in range(k):
            for b in range(a + 1, k):
                out[:, p] = P[a][:, b - 1] + P[b][:, a] + self._intercept[p]
                p += 1
        return out

    def decision_function(self, X):
        """Signed distance to the separating surface(s).

        Returns
        -------
        ndarray of shape (n_samples,) for two classes (> 0: classes_[1]);
        (n_samples, n_classes) for "ovr" (votes plus a bounded confidence, as LIBSVM's
        users in scikit-learn see it), (n_samples, n_classes * (n_classes - 1) / 2) for
        "ovo" (> 0 votes for the first class of each pair).
        """
        X = self._validate_X_predict(X)
        dec = self._pair_decisions(X)
        k = self.classes_.size
        if k == 2:
            return -dec[:, 0]
        if self.decision_function_shape == "ovo":
            return dec
        return _ovr_from_ovo(dec < 0, -dec, k)

    def predict(self, X):
        """Class labels by one-vs-one voting (ties to the smaller class index).

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        X = self._validate_X_predict(X)
        dec = self._pair_decisions(X)
        k = self.classes_.size
        if k == 2:
            return self.classes_[(dec[:, 0] <= 0).astype(np.intp)]
        votes = np.zeros((X.shape[0], k), dtype=np.int64)
        p = 0
        for a in range(k):
            for b in range(a + 1, k):
                win_a = dec[:, p] > 0
                votes[win_a, a] += 1
                votes[~win_a, b] += 1
                p += 1
        return self.classes_[np.argmax(votes, axis=1)]

    def _check_proba(self):
        if not self.probability:
            raise AttributeError("predict_proba is not available when probability=False")

    @property
    def predict_proba(self):
        """Class probabilities (Platt scaling + pairwise coupling); needs
        probability=True. May disagree with ``predict``.

        Returns
        -------
        callable: X -> ndarray of shape (n_samples, n_classes)
        """
        self._check_proba()
        return self._predict_proba

    @property
    def predict_log_proba(self):
        """log of :meth:`predict_proba`."""
        self._check_proba()
        return lambda X: np.log(self._predict_proba(X))

    def _predict_proba(self, X):
        X = self._validate_X_predict(X)
        if self.probA_.size == 0:
            raise NotFittedError("predict_proba needs a model fitted with probability=True")
        dec = self._pair_decisions(X)
        k = self.classes_.size
        min_prob = 1e-7
        r = np.zeros((X.shape[0], k, k))
        p = 0
        for a in range(k):
            for b in range(a + 1, k):
                pa = np.clip(_sigmoid_predict(dec[:, p], self.probA_[p], self.probB_[p]),
                             min_prob, 1 - min_prob)
                r[:, a, b] = pa
                r[:, b, a] = 1 - pa
                p += 1
        if k == 2:
            return np.column_stack([r[:, 0, 1], r[:, 1, 0]])
        return _pairwise_coupling(r)

    @property
    def coef_(self):
        """Primal weights for the linear kernel: (1, n_features) for two classes, else
        one row per pair (n_classes * (n_classes - 1) / 2, n_features)."""
        if self.kernel != "linear":
            raise AttributeError("coef_ is only available when using a linear kernel")
        check_is_fitted(self, "support_")
        k = self.classes_.size
        SV = self.support_vectors_
        if k == 2:
            return gemm(self.dual_coef_, SV)                     # dual_coef_ @ SV
        starts = np.concatenate([[0], np.cumsum(self.n_support_)])
        rows = []
        for a in range(k):
            for b in range(a + 1, k):
                sa = slice(starts[a], starts[a + 1])
                sb = slice(starts[b], starts[b + 1])
                w = gemv(SV[sa], self.dual_coef_[b - 1, sa], trans=True) \
                    + gemv(SV[sb], self.dual_coef_[a, sb], trans=True)
                rows.append(w)
        return np.asarray(rows)


def _ovr_from_ovo(predictions, confidences, n_classes):
    """One-vs-rest scores from one-vs-one results: votes plus the summed confidences
    squashed into (-1/3, 1/3) so they only break ties between vote counts."""
    n = predictions.shape[0]
    votes = np.zeros((n, n_classes))
    conf = np.zeros((n, n_classes))
    p = 0
    for a in range(n_classes):
        for b in range(a + 1, n_classes):
            conf[:, a] -= confidences[:, p]
            conf[:, b] += confidences[:, p]
            votes[predictions[:, p] == 0, a] += 1
            votes[predictions[:, p] == 1, b] += 1
            p += 1
    return votes + conf / (3 * (np.abs(conf) + 1))


# =====================================================================================
# epsilon-SVR
# =====================================================================================
class SVR(RegressorMixin, _BaseSVM):
    """Epsilon-support vector regression [7; 3, Sec. 2.3].

    Solves, with 2 n variables (a, a*),
        min 1/2 (a - a*)'K(a - a*) + eps 1'(a + a*) - z'(a - a*)
        s.t. 1'(a - a*) = 0, 0 <= a_i, a*_i <= C_i,
    on the same SMO solver as :class:`SVC`; the prediction is
    sum_i (a_i - a*_i) k(x_i, x) + b.

    Parameters
    ----------
    kernel, degree, gamma, coef0, tol, C, cache_size, shrinking, max_iter, verbose
        As for :class:`SVC`.
    epsilon : float, default 0.1
        Half-width of the insensitive tube (>= 0).

    Attributes
    ----------
    support_, support_vectors_, n_support_, dual_coef_ (1, n_SV), intercept_ (1,),
    coef_ (linear kernel), n_iter_, shape_fit_, n_features_in_
    """

    def __init__(self, kernel="rbf", degree=3, gamma="scale", coef0=0.0, tol=1e-3, C=1.0,
                 epsilon=0.1, shrinking=True, cache_size=200, max_iter=-1, verbose=0):
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.tol = tol
        self.C = C
        self.epsilon = epsilon
        self.shrinking = shrinking
        self.cache_size = cache_size
        self.max_iter = max_iter
        self.verbose = verbose

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) (or (n, n) precomputed)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Per-sample multipliers of C; samples of weight 0 are left out.

        Returns
        -------
        self
        """
        self._check_params()
        if not isinstance(self.epsilon, numbers.Real) or not np.isfinite(self.epsilon) \
                or self.epsilon < 0:
            raise ValueError("epsilon must be >= 0, got %r" % (self.epsilon,))
        X, y = self._validate_X_fit(X, y, True)
        w = check_sample_weight(sample_weight, X.shape[0])
        keep = np.nonzero(w > 0)[0]
        if keep.size == 0:
            raise ValueError("Invalid input - all samples have zero or negative weights.")
        self.shape_fit_ = X.shape
        self._setup_kernel(X)
        n = keep.size
        Ck = float(self.C) * w[keep]
        z = y[keep]
        eps = float(self.epsilon)
        # variables t < n: a_t (y = +1, p = eps - z); t >= n: a*_t (y = -1, p = eps + z)
        real = np.concatenate([np.arange(n), np.arange(n)])
        ysign = np.concatenate([np.ones(n), -np.ones(n)])
        p = np.concatenate([eps - z, eps + z])
        C2 = np.concatenate([Ck, Ck])
        if self._kind == "precomputed":
            K = np.ascontiguousarray(X[np.ix_(keep, keep)])
            solver = self._solver(None, K, real, ysign, p, C2)
        elif self._kind == "callable":
            Xk = np.ascontiguousarray(X[keep])
            solver = self._solver(None, self._gram_for(Xk, Xk), real, ysign, p, C2)
        else:
            solver = self._solver(np.ascontiguousarray(X[keep]), None, real, ysign, p, C2)
        alpha, rho, it = self._run(solver, 2 * n)
        coef = alpha[:n] - alpha[n:]
        nz = np.nonzero(coef != 0)[0]
        self.support_ = keep[nz].astype(np.int32)
        self.support_vectors_ = (np.zeros((0, 0)) if self._kind == "precomputed"
                                 else np.ascontiguousarray(X[self.support_]))
        self.dual_coef_ = coef[nz][None, :]
        self.intercept_ = np.array([-rho])
        self.n_support_ = np.array([nz.size], dtype=np.int32)
        self.n_iter_ = it
        self.fit_status_ = 0
        return self

    def predict(self, X):
        """Predicted values sum_i coef_i k(x_i, x) + b.

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        X = self._validate_X_predict(X)
        if self.support_.size == 0:
            return np.full(X.shape[0], self.intercept_[0])
        Kt = self._kernel_block(X)
        return gemv(Kt, self.dual_coef_[0]) + self.intercept_[0]

    @property
    def coef_(self):
        """Primal weights for the linear kernel, shape (1, n_features)."""
        if self.kernel != "linear":
            raise AttributeError("coef_ is only available when using a linear kernel")
        check_is_fitted(self, "support_")
        return gemm(self.dual_coef_, self.support_vectors_)

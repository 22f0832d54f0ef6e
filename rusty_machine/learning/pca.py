"""Principal component analysis on our SVD.

With Xc = X - mean and the thin SVD Xc = U S V^T, the principal axes are the rows of
V^T, the variance along axis j is s_j^2 / (n - 1), and the projection of a sample is
(x - mean) V [1, Sec. 14.5.1].

For a tall matrix (n_samples >= n_features) the SVD is taken of the triangular factor
of a Householder QR first: Xc = Q R, R = U_R S V^T, so Xc = (Q U_R) S V^T and V, S are
those of R [2, Sec. 8.6.3 ("R-SVD"); Chan 1982]. Q is never formed (PCA does not need U),
so the cost is one blocked QR of the data plus an SVD of a d x d matrix.

For a very tall matrix (n_samples >= 10 n_features, ``svd_solver="auto"``) the cheaper
route is the eigendecomposition of the d x d scatter matrix Xc^T Xc = V S^2 V^T (one
symmetric rank-k update, our ``syrk``, then our ``eigh``) [1, Sec. 14.5.1]. It squares
the condition number: singular values below about sqrt(eps) * s_max lose their relative
accuracy, which is why ``svd_solver="full"`` (the R-SVD above) is kept, and why "auto"
falls back to it when a kept eigenvalue is below n eps lambda_max (no correct digit).

Signs: each component is flipped so that its entry of largest absolute value is
positive (deterministic output; the same convention as scikit-learn's ``svd_flip``
with ``u_based_decision=False``).

References
----------
[1] T. Hastie, R. Tibshirani & J. Friedman, "The Elements of Statistical Learning",
    2nd ed., Springer 2009.
[2] Golub & Van Loan, "Matrix Computations", 4th ed., Sec. 5.2 (Householder QR), 8.6
    (the SVD), 8.6.3 (R-SVD for tall matrices).
[3] T. F. Chan, "An improved algorithm for computing the singular value decomposition",
    ACM TOMS 8(1), 1982.
[4] T. P. Minka, "Automatic choice of dimensionality for PCA", NIPS 13, 2000, Sec. 3
    (the Laplace approximation of the evidence p(D | k), used by n_components="mle").
"""
import math
import numbers

import numpy as np

from ..linalg import eigh, qr, svd
from ..linalg.blas import gemm
from .base import BaseEstimator, TransformerMixin
from .validation import assert_all_finite, check_is_fitted, validate_data
from . import _gram

__all__ = ["PCA"]


def _log_evidence(spectrum, k, n_samples):
    """Minka's Laplace approximation of log p(D | k) for probabilistic PCA [4, eq. 30].

    ``spectrum`` holds the d eigenvalues of the sample covariance (descending); the k
    leading ones are kept, the rest are pooled into the noise variance
    s2 = sum_{j > k} lambda_j / (d - k)."""
    d = len(spectrum)
    lam = spectrum
    if lam[k - 1] <= np.finfo(np.float64).eps * lam[0]:
        return -np.inf                 # the k-th direction carries no variance
    s2 = max(lam[k:].sum() / (d - k), np.finfo(np.float64).tiny)
    # log p(U): the uniform prior on the Stiefel manifold, 2^-k prod Gamma(a) pi^-a
    log_pu = -k * math.log(2.0)
    for i in range(1, k + 1):
        a = (d - i + 1) / 2.0
        log_pu += math.lgamma(a) - a * math.log(math.pi)
    m = d * k - k * (k + 1) / 2.0
    # log |A_Z| = sum_{i <= k < ... , j > i} log[ N (1/lhat_j - 1/lhat_i)(lambda_i - lambda_j) ]
    lhat = np.concatenate([lam[:k], np.full(d - k, s2)])
    log_az = 0.0
    for i in range(k):
        j = np.arange(i + 1, d)
        log_az += np.sum(np.log(n_samples * (1.0 / lhat[j] - 1.0 / lhat[i])
                                * (lam[i] - lam[j])))
    return (log_pu - 0.5 * n_samples * np.sum(np.log(lam[:k]))
            - 0.5 * n_samples * (d - k) * math.log(s2)
            + 0.5 * (m + k) * math.log(2.0 * math.pi) - 0.5 * log_az
            - 0.5 * k * math.log(n_samples))


# Largest |mean_j| / sd_j for which the scatter matrix is taken without a centred copy
# (below): the subtraction then loses at most log2(1 + 16) ~ 4 bits of each entry.
_UNCENTRED_MAX_RATIO2 = 16.0


def _scatter(X):
    """The mean m of the rows of X and the scatter matrix Xc^T Xc of Xc = X - m.

    One pass over X gives X^T X (one syrk, ``_gram.gram``) and the column sums, taken
    from each block of rows while it is in cache. When every column's mean is small next
    to its spread (n m_j^2 <= 16 Xc_j^T Xc_j) the scatter matrix is X^T X - n m m^T, no
    centred copy of X (scikit-learn's covariance route does the same): the cancellation
    then costs at most 4 bits per entry [2, Sec. 2.7 (cancellation)]. Otherwise (large
    offsets, constant columns) the centred copy and its syrk, as accurate as the data.

    The syrk runs in X's dtype (ssyrk for float32 data, as scikit-learn's float32
    covariance route); the mean, the rank-one correction and the result are float64.

    Returns ``(mean, C)``, C None when X^T X or the sums are not finite: X holds NaN or
    inf (a non-finite x_ij makes G_jj and sum_j non-finite), or its squares overflow.
    """
    n = X.shape[0]
    if X.shape[1] > 1 and X.strides[1] != X.itemsize:
        X = np.ascontiguousarray(X)
    G, sums = _gram.gram(X, with_sums=True)
    mean = sums / n
    if not (np.isfinite(sums).all() and np.isfinite(np.diagonal(G)).all()):
        return mean, None
    C = np.multiply.outer(mean, mean)     # m_i m_j = m_j m_i: exactly symmetric
    C *= -n
    C += G                                 # X^T X - n m m^T
    offset2 = n * mean * mean
    if np.all(offset2 <= _UNCENTRED_MAX_RATIO2 * np.diagonal(C)):
        return mean, C
    return mean, _gram.gram(np.ascontiguousarray(X - mean.astype(X.dtype))).astype(np.float64)


def _covariance_spectrum(X):
    """(mean, s, Vt) from the eigendecomposition Xc^T Xc = V diag(s^2) V^T (our syrk,
    then our eigh; ascending, so reversed) [1, Sec. 14.5.1]; None when X^T X is not
    finite (see ``_scatter``)."""
    n, d = X.shape
    mean, C = _scatter(X)
    if C is None:
        return None
    w, V = eigh(C)
    w = np.asarray(w)[::-1]
    s = np.sqrt(np.maximum(w, 0.0))
    Vt = np.array(np.asarray(V)[:, ::-1].T, dtype=np.float64)
    if n < d:
        s, Vt = s[:n], Vt[:n]
    return mean, s, Vt


def _svd_spectrum(X):
    """(mean, s, Vt) from the SVD of the centred data: for a tall X the R-SVD [2, Sec.
    8.6.3] (Xc = Q R, then the SVD of the d x d factor R; Q never formed), else the SVD
    of Xc itself."""
    n, d = X.shape
    mean = X.mean(0, dtype=np.float64)
    if n >= d:
        R = np.asarray(qr(X - mean.astype(X.dtype), mode="r"))[:d]
        _, s, Vt = svd(R.astype(np.float64), full_matrices=False)
    else:
        _, s, Vt = svd((X - mean).astype(np.float64), full_matrices=False)
    return mean, np.array(s, dtype=np.float64), np.array(Vt, dtype=np.float64)


class PCA(TransformerMixin, BaseEstimator):
    """Principal component analysis (linear dimensionality reduction).

    Parameters
    ----------
    n_components : int, float in (0, 1), "mle" or None, default None
        int: keep that many components; float: keep the fewest components whose
        explained variance ratio sums to more than it; "mle": the k maximising Minka's
        evidence [4] (needs n_samples >= n_features); None: min(n_samples, n_features).
    whiten : bool, default False
        Scale the projections to unit variance.
    svd_solver : {"auto", "full", "covariance_eigh"}, default "auto"
        "full": SVD of the centred data (through its QR factor when tall);
        "covariance_eigh": eigendecomposition of the d x d scatter matrix (fast for
        n_samples >> n_features, less accurate for tiny variances); "auto": the latter
        when n_samples >= 10 * n_features and n_features <= 1000 (and "full" after all
        when a kept variance is at the rounding level of the scatter matrix, below
        n_samples * eps * the largest one), else "full".

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        Principal axes (orthonormal rows), by decreasing variance.
    explained_variance_ : ndarray of shape (n_components,)
        s_j^2 / (n_samples - 1).
    explained_variance_ratio_ : ndarray of shape (n_components,)
    singular_values_ : ndarray of shape (n_components,)
    mean_ : ndarray of shape (n_features,)
    noise_variance_ : float
        Mean variance of the discarded directions (0 if none are discarded).
    n_components_ : int
    n_samples_ : int
    n_features_in_ : int
    """

    def __init__(self, n_components=None, *, whiten=False, svd_solver="auto"):
        self.n_components = n_components
        self.whiten = whiten
        self.svd_solver = svd_solver

    def fit(self, X, y=None):
        """Fit the principal axes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self
        """
        self._fit(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit, then project X."""
        return self._fit(X).transform(X)

    def _rm_tags(self, tags):
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def _fit(self, X):
        # finiteness is checked by the pass over X of either route (below)
        X = validate_data(self, X, reset=True, min_samples=2, dtype=[np.float64, np.float32],
                          ensure_all_finite=False)
        n, d = X.shape
        k_max = min(n, d)
        nc = self.n_components
        if nc is None:
            pass
        elif isinstance(nc, str):
            if nc != "mle":
                raise ValueError("n_components must be None, an int, a float in (0, 1) or "
                                 "'mle', got %r" % (nc,))
            if n < d:
                raise ValueError("n_components='mle' is only supported if n_samples >= "
                                 "n_features (got %d < %d)" % (n, d))
        elif isinstance(nc, bool):
            raise ValueError("n_components must be None, an int or a float in (0, 1), "
                             "got %r" % (nc,))
        elif isinstance(nc, numbers.Integral):
            if not 1 <= nc <= k_max:
                raise ValueError("n_components=%r must be between 1 and min(n_samples, "
                                 "n_features)=%d" % (nc, k_max))
        elif isinstance(nc, numbers.Real):
            if not 0.0 < nc < 1.0:
                raise ValueError("n_components=%r: a float must be in (0, 1)" % (nc,))
        else:
            raise ValueError("n_components must be None, an int or a float in (0, 1), "
                             "got %r" % (nc,))
        solver = self.svd_solver
        if solver not in ("auto", "full", "covariance_eigh"):
            raise ValueError("svd_solver must be 'auto', 'full' or 'covariance_eigh', got %r"
                             % (solver,))
        auto = solver == "auto"
        if auto:
            solver = "covariance_eigh" if (n >= 10 * d and d <= 1000) else "full"
        # float32 X: the n x d passes (mean, syrk or QR, projections) in float32; the
        # small d x d (or k x k) eigen/SVD problem is solved in float64 and its results
        # rounded to float32 (an O(d^3) solve, small next to the O(n d^2) pass, that
        # spends no float32 digits on top of those the scatter matrix already lost)
        spectrum = _covariance_spectrum(X) if solver == "covariance_eigh" else None
        if spectrum is not None:
            mean, s, Vt = spectrum
            k = self._n_kept(s, n)
            # Squaring the singular values: an eigenvalue of Xc^T Xc below n eps lambda_max
            # is at the level of the rounding errors of forming it (n terms per entry
            # [2, Sec. 2.7]) and has no correct digit. "auto" then takes the SVD of the
            # data (the caller asking for "covariance_eigh" gets what they asked for).
            if auto and s[k - 1] ** 2 <= n * np.finfo(X.dtype).eps * s[0] ** 2:
                spectrum = None
        if spectrum is None:
            # the data's finiteness was not checked on input: the syrk's pass checks it
            # on the covariance route, here the check is the usual one
            assert_all_finite(X, estimator=self)
            mean, s, Vt = _svd_spectrum(X)
            k = self._n_kept(s, n)
        # sign convention: the largest |entry| of each axis is positive
        pivot = np.argmax(np.abs(Vt), axis=1)
        signs = np.sign(Vt[np.arange(Vt.shape[0]), pivot])
        signs[signs == 0] = 1.0
        Vt *= signs[:, None]
        explained = s ** 2 / (n - 1)
        total = explained.sum()
        ratio = explained / total if total > 0 else np.zeros_like(explained)
        self.n_components_ = k
        self.n_samples_ = n
        # float32 data: float32 fitted attributes, as scikit-learn's
        dt = X.dtype
        self.mean_ = mean.astype(dt)
        self.components_ = np.ascontiguousarray(Vt[:k], dtype=dt)
        self.explained_variance_ = explained[:k].astype(dt)
        self.explained_variance_ratio_ = ratio[:k].astype(dt)
        self.singular_values_ = s[:k].astype(dt)
        self.noise_variance_ = dt.type(explained[k:].mean() if k < k_max else 0.0)
        return self

    def _n_kept(self, s, n_samples):
        """The number of components kept, from the singular values s (descending) of the
        centred data: n_components as given, or the fewest whose explained variance
        ratio exceeds it (a float), or Minka's MLE [4] ("mle")."""
        nc = self.n_components
        if nc is None:
            return len(s)
        explained = s ** 2 / (n_samples - 1)
        if isinstance(nc, str):
            # Minka's MLE [4]: the rank with the largest evidence among 1..d-1
            d = len(explained)
            if d == 1:
                return 1
            scores = [_log_evidence(explained, r, n_samples) for r in range(1, d)]
            return int(np.argmax(scores)) + 1
        if isinstance(nc, numbers.Integral):
            return int(nc)
        total = explained.sum()
        ratio = explained / total if total > 0 else np.zeros_like(explained)
        k = int(np.searchsorted(np.cumsum(ratio), nc, side="right")) + 1
        return min(k, len(s))

    def transform(self, X):
        """Project onto the principal axes: (X - mean) @ components.T (whitened: divided
        by sqrt(explained_variance)).

        Returns
        -------
        ndarray of shape (n_samples, n_components)
        """
        check_is_fitted(self, "components_")
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        # in X's dtype, the fitted arrays cast to it (float64 X on a float32 fit: float64)
        Z = gemm(X - self.mean_.astype(X.dtype), self.components_, trans_b=True)
        if self.whiten:
            Z /= np.sqrt(np.where(self.explained_variance_ > 0, self.explained_variance_,
                                  1.0))
        return Z

    def inverse_transform(self, X):
        """Back to feature space: Z @ components + mean (undoing the whitening).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self, "components_")
        Z = np.asarray(X)
        Z = Z if Z.dtype in (np.float32, np.float64) else Z.astype(np.float64)
        if Z.ndim != 2 or Z.shape[1] != self.n_components_:
            raise ValueError("inverse_transform expects shape (n_samples, %d), got %s"
                             % (self.n_components_, Z.shape))
        if not np.isfinite(Z).all():
            raise ValueError("Input X contains NaN or infinity.")
        C = self.components_
        if self.whiten:
            C = C * np.sqrt(self.explained_variance_)[:, None]
        return gemm(np.ascontiguousarray(Z), C) + self.mean_.astype(Z.dtype)

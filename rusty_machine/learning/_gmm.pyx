"""_gmm.pyx: the passes over the data of EM for Gaussian mixtures (full covariances).

E-step [1, Sec. 9.2.2]: with the Cholesky factor L_k of Sigma_k and the precision factor
P_k = L_k^{-T} (so Sigma_k^{-1} = P_k P_k^T, upper triangular),

    log N(x | mu_k, Sigma_k) = -d/2 log(2 pi) + sum_j log (P_k)_jj - 1/2 ||(x - mu_k) P_k||^2

The squared Mahalanobis distance is computed for a chunk of rows at once as
    Y = X_chunk @ P_k - (mu_k @ P_k)          (one GEMM per chunk and component)
followed by the row sums of squares of Y; no inverse and no determinant by LU is ever
formed. The responsibilities are then normalised in log space with the log-sum-exp
trick [2] (subtract the row maximum before exponentiating): never overflow, never NaN.

M-step [1, eqs. 9.24-9.27] for "full": with r_ik the (sample-weighted) responsibilities,
    Sigma_k = sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / N_k
accumulated per chunk as Z^T Z with Z_i = sqrt(r_ik) (x_i - mu_k) (one GEMM per chunk
and component), per-thread partial sums reduced after the parallel loop (the centred
form, not E[x x^T] - mu mu^T, which cancels catastrophically far from the origin).

Both passes over X are written once for float32 and float64 (``floating``): X, the
means, the precision factors and the responsibilities are read in X's type and the GEMMs
are sgemm or dgemm; the log-probabilities, the sums of squares and the covariances are
float64 (n x K and K x d x d: small next to X), so the log-sum-exp and the Cholesky
factorisations of the M-step run in float64 whatever the data's type.

References
----------
[1] C. M. Bishop, "Pattern Recognition and Machine Learning", Springer 2006, Ch. 9.
[2] P. Blanchard, D. J. Higham & N. J. Higham, "Accurately computing the log-sum-exp
    and softmax functions", IMA J. Numer. Anal. 41(4), 2021.
[3] Golub & Van Loan, "Matrix Computations", 4th ed., Alg. 4.2.1 (Cholesky) and
    Sec. 3.1 (triangular systems) for the precision factors (built in gmm.py).
"""
from cython.parallel cimport prange, threadid
from libc.stdlib cimport malloc, calloc, free
from libc.math cimport exp, log, sqrt, INFINITY

from rusty_machine.linalg.blas cimport get_num_threads, xgemm, xgemv
from rusty_machine.linalg._floating cimport floating

cdef Py_ssize_t CHUNK = 256
# Below this much work (multiply-adds) a pass runs on one thread: waking a team and
# meeting at its barrier would cost more than it saves.
cdef double PAR_MIN_WORK = 1 << 18


cdef int _threads_for(Py_ssize_t n_chunks, double work) noexcept nogil:
    cdef int nt = get_num_threads()
    if nt > n_chunks:
        nt = <int>n_chunks
    if work < PAR_MIN_WORK:
        nt = 1
    return nt if nt >= 1 else 1


def log_prob_full(const floating[:, ::1] X not None,
                  const floating[:, ::1] means not None,
                  const floating[:, :, ::1] prec_chol not None,
                  const double[::1] offset not None,
                  double[:, ::1] out not None):
    """out[i, k] = offset[k] - 1/2 ||(x_i - mu_k) P_k||^2.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float32 or float64
    means : ndarray of shape (n_components, n_features), the dtype of X
    prec_chol : ndarray of shape (n_components, n_features, n_features), the dtype of X
        P_k, with Sigma_k^{-1} = P_k @ P_k.T.
    offset : ndarray of shape (n_components,), float64
        Per-component constant (log weight + log det P_k - d/2 log 2 pi).
    out : ndarray of shape (n_samples, n_components), float64
        OUT.
    """
    cdef Py_ssize_t n = X.shape[0], d = X.shape[1], K = means.shape[0]
    if (means.shape[1] != d or prec_chol.shape[0] != K or prec_chol.shape[1] != d
            or prec_chol.shape[2] != d or offset.shape[0] != K or out.shape[0] != n
            or out.shape[1] != K):
        raise ValueError("log_prob_full: inconsistent shapes")
    if n == 0 or K == 0 or d == 0:
        return
    cdef Py_ssize_t n_chunks = (n + CHUNK - 1) // CHUNK
    cdef int nt = _threads_for(n_chunks, <double>n * K * d * d)
    cdef floating* b = <floating*>malloc(K * d * sizeof(floating))
    cdef floating* Y_all = <floating*>malloc(nt * CHUNK * d * sizeof(floating))
    if b == NULL or Y_all == NULL:
        free(b)
        free(Y_all)
        raise MemoryError()
    cdef const floating* Xp = &X[0, 0]
    cdef const floating* Mp = &means[0, 0]
    cdef const floating* Pp = &prec_chol[0, 0, 0]
    cdef double* Op = &out[0, 0]
    cdef Py_ssize_t c, k, i, j, start, rows
    cdef floating* Y
    cdef double s, v
    with nogil:
        for k in range(K):
            # b_k = P_k.T @ mu_k   (the row vector mu_k @ P_k)
            xgemv(True, d, d, 1.0, Pp + k * d * d, d, Mp + k * d, 1, 0.0, b + k * d, 1)
        for c in prange(n_chunks, num_threads=nt, schedule="static"):
            start = c * CHUNK
            rows = n - start
            if rows > CHUNK:
                rows = CHUNK
            Y = Y_all + threadid() * CHUNK * d
            for k in range(K):
                for i in range(rows):
                    for j in range(d):
                        Y[i * d + j] = -b[k * d + j]
                # Y = X_chunk @ P_k - mu_k @ P_k
                xgemm(False, False, rows, d, d, 1.0, Xp + start * d, d, Pp + k * d * d, d,
                      1.0, Y, d)
                for i in range(rows):
                    s = 0.0
                    for j in range(d):
                        v = Y[i * d + j]
                        s = s + v * v
                    Op[(start + i) * K + k] = offset[k] - 0.5 * s
    free(b)
    free(Y_all)


def normalize_log_resp(double[:, ::1] log_resp not None,
                       double[:, ::1] resp not None,
                       double[::1] log_norm not None):
    """Row-wise log-sum-exp [2]: log_norm[i] = log sum_k exp(L[i, k]); then
    L[i, k] -= log_norm[i] (the log responsibilities) and resp = exp(L).

    Parameters
    ----------
    log_resp : ndarray of shape (n_samples, n_components)
        INOUT: the weighted log probabilities in, the log responsibilities out.
    resp : ndarray of shape (n_samples, n_components)
        OUT: the responsibilities (rows sum to 1).
    log_norm : ndarray of shape (n_samples,)
        OUT: log p(x_i).
    """
    cdef Py_ssize_t n = log_resp.shape[0], K = log_resp.shape[1]
    if resp.shape[0] != n or resp.shape[1] != K or log_norm.shape[0] != n:
        raise ValueError("normalize_log_resp: inconsistent shapes")
    if n == 0 or K == 0:
        return
    cdef Py_ssize_t i, k
    cdef double m, s, lse
    cdef int nt = _threads_for((n + CHUNK - 1) // CHUNK, 20.0 * n * K)
    cdef double* L = &log_resp[0, 0]
    cdef double* R = &resp[0, 0]
    with nogil:
        for i in prange(n, num_threads=nt, schedule="static"):
            m = -INFINITY
            for k in range(K):
                if L[i * K + k] > m:
                    m = L[i * K + k]
            if m == -INFINITY:
                # every component has probability 0: keep the row finite and uniform
                lse = -INFINITY
                for k in range(K):
                    L[i * K + k] = -log(<double>K)
                    R[i * K + k] = 1.0 / K
            else:
                # one exp per entry: R = exp(L - m), s = sum R, then R /= s
                s = 0.0
                for k in range(K):
                    R[i * K + k] = exp(L[i * K + k] - m)
                    s = s + R[i * K + k]
                lse = m + log(s)
                for k in range(K):
                    L[i * K + k] = L[i * K + k] - lse
                    R[i * K + k] = R[i * K + k] / s
            log_norm[i] = lse


def cov_full(const floating[:, ::1] X not None,
             const floating[:, ::1] wresp not None,
             const floating[:, ::1] means not None,
             const double[::1] nk not None,
             double reg_covar,
             double[:, :, ::1] covs not None):
    """Sigma_k = sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / N_k + reg_covar * I.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float32 or float64
    wresp : ndarray of shape (n_samples, n_components), the dtype of X
        Sample-weighted responsibilities r_ik >= 0.
    means : ndarray of shape (n_components, n_features), the dtype of X
    nk : ndarray of shape (n_components,), float64
        N_k = sum_i r_ik (> 0).
    reg_covar : float
        Added to the diagonal.
    covs : ndarray of shape (n_components, n_features, n_features), float64
        OUT (symmetric). The per-chunk products are accumulated in X's dtype (sgemm
        or dgemm, as scikit-learn's float32 EM), the reduction over threads in float64.
    """
    cdef Py_ssize_t n = X.shape[0], d = X.shape[1], K = means.shape[0]
    if (wresp.shape[0] != n or wresp.shape[1] != K or means.shape[1] != d
            or nk.shape[0] != K or covs.shape[0] != K or covs.shape[1] != d
            or covs.shape[2] != d):
        raise ValueError("cov_full: inconsistent shapes")
    if K == 0 or d == 0:
        return
    cdef Py_ssize_t n_chunks = (n + CHUNK - 1) // CHUNK
    cdef int nt = _threads_for(n_chunks, <double>n * K * d * d)
    cdef Py_ssize_t dd = d * d
    cdef floating* Z_all = <floating*>malloc(nt * CHUNK * d * sizeof(floating))
    cdef floating* part = <floating*>calloc(nt * K * dd, sizeof(floating))
    if Z_all == NULL or part == NULL:
        free(Z_all)
        free(part)
        raise MemoryError()
    cdef const floating* Xp = &X[0, 0] if n > 0 else NULL
    cdef const floating* Rp = &wresp[0, 0] if n > 0 else NULL
    cdef const floating* Mp = &means[0, 0]
    cdef double* Cp = &covs[0, 0, 0]
    cdef Py_ssize_t c, k, i, j, t, start, rows, tid
    cdef floating* Z
    cdef floating sr
    cdef double s
    with nogil:
        for c in prange(n_chunks, num_threads=nt, schedule="static"):
            tid = threadid()
            start = c * CHUNK
            rows = n - start
            if rows > CHUNK:
                rows = CHUNK
            Z = Z_all + tid * CHUNK * d
            for k in range(K):
                for i in range(rows):
                    sr = <floating>sqrt(Rp[(start + i) * K + k])
                    for j in range(d):
                        Z[i * d + j] = sr * (Xp[(start + i) * d + j] - Mp[k * d + j])
                # part_k += Z.T @ Z
                xgemm(True, False, d, d, rows, 1.0, Z, d, Z, d, 1.0,
                      part + (tid * K + k) * dd, d)
        # reduce the per-thread partial sums; symmetrise from the lower triangle
        for k in range(K):
            for i in range(d):
                for j in range(i + 1):
                    s = 0.0
                    for t in range(nt):
                        s = s + part[(t * K + k) * dd + i * d + j]
                    s = s / nk[k]
                    Cp[k * dd + i * d + j] = s
                    Cp[k * dd + j * d + i] = s
                Cp[k * dd + i * d + i] += reg_covar
    free(Z_all)
    free(part)

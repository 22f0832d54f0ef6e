"""_naive_bayes.pyx: the passes over the data of Gaussian naive Bayes.

* ``gaussian_jll``: the joint log-likelihood of every sample under every class [1],
      log pi_c - 1/2 sum_j log(2 pi s2_cj) - 1/2 sum_j (x_j - theta_cj)^2 / s2_cj,
  computed directly from the differences (not through the expanded square
  x^2 - 2 x theta + theta^2, which cancels when the classes are far from the origin
  relative to their spread), in one pass over X with OpenMP over rows.
* ``class_sq_dev``: the per-class weighted sums of squared deviations from the class
  means, sum_{i in c} w_i (x_i - theta_c)^2 (the centred, two-pass form [2]), with
  per-thread partial sums reduced at the end.

Both read X in its own type, float32 or float64 (``floating``, written once); the class
statistics (means, inverse variances, constants, squared deviations) are float64 and
every sum is accumulated in float64; the log-likelihoods are stored in X's type.

References
----------
[1] C. D. Manning, P. Raghavan & H. Schuetze, "Introduction to Information Retrieval",
    Cambridge University Press 2008, Ch. 13.
[2] T. F. Chan, G. H. Golub & R. J. LeVeque, "Algorithms for computing the sample
    variance: analysis and recommendations", The American Statistician 37(3), 1983.
"""
from cython.parallel cimport prange, threadid
from libc.stdlib cimport calloc, free

from rusty_machine.linalg.blas cimport get_num_threads
from rusty_machine.linalg._floating cimport floating

# below this many multiply-adds a pass runs on one thread
cdef double PAR_MIN_WORK = 1 << 18


def gaussian_jll(const floating[:, ::1] X not None,
                 const double[:, ::1] theta not None,
                 const double[:, ::1] inv_var not None,
                 const double[::1] const_k not None,
                 floating[:, ::1] out not None):
    """out[i, c] = const_k[c] - 1/2 sum_j (X[i, j] - theta[c, j])^2 * inv_var[c, j].

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float32 or float64
    theta, inv_var : ndarrays of shape (n_classes, n_features), float64
    const_k : ndarray of shape (n_classes,), float64
        log pi_c - 1/2 sum_j log(2 pi s2_cj).
    out : ndarray of shape (n_samples, n_classes), the dtype of X
        OUT.
    """
    cdef Py_ssize_t n = X.shape[0], d = X.shape[1], K = theta.shape[0]
    if (theta.shape[1] != d or inv_var.shape[0] != K or inv_var.shape[1] != d
            or const_k.shape[0] != K or out.shape[0] != n or out.shape[1] != K):
        raise ValueError("gaussian_jll: inconsistent shapes")
    cdef int nt = get_num_threads()
    if <double>n * d * K < PAR_MIN_WORK:
        nt = 1
    cdef Py_ssize_t i, c, j
    cdef double s, t
    with nogil:
        for i in prange(n, num_threads=nt, schedule="static"):
            for c in range(K):
                s = 0.0
                for j in range(d):
                    t = X[i, j] - theta[c, j]
                    s = s + t * t * inv_var[c, j]
                out[i, c] = <floating>(const_k[c] - 0.5 * s)


def class_sq_dev(const floating[:, ::1] X not None,
                 const Py_ssize_t[::1] y_idx not None,
                 const double[::1] weights not None,
                 const double[:, ::1] theta not None,
                 double[:, ::1] out not None):
    """out[c] = sum_{i: y_i = c} w_i (x_i - theta_c)^2 (elementwise over features).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float32 or float64
    y_idx : ndarray of shape (n_samples,), each in [0, n_classes)
    weights : ndarray of shape (n_samples,), float64
    theta : ndarray of shape (n_classes, n_features), float64
    out : ndarray of shape (n_classes, n_features), float64
        OUT.
    """
    cdef Py_ssize_t n = X.shape[0], d = X.shape[1], K = theta.shape[0]
    if (y_idx.shape[0] != n or weights.shape[0] != n or theta.shape[1] != d
            or out.shape[0] != K or out.shape[1] != d):
        raise ValueError("class_sq_dev: inconsistent shapes")
    cdef Py_ssize_t i, j, c, t
    for i in range(n):
        if y_idx[i] < 0 or y_idx[i] >= K:
            raise ValueError("class_sq_dev: class index out of range")
    cdef int nt = get_num_threads()
    if <double>n * d < PAR_MIN_WORK:
        nt = 1
    cdef double* part = <double*>calloc(nt * K * d, sizeof(double))
    if part == NULL:
        raise MemoryError()
    cdef double* row
    cdef double diff, s
    cdef Py_ssize_t tid
    with nogil:
        for i in prange(n, num_threads=nt, schedule="static"):
            tid = threadid()
            c = y_idx[i]
            row = part + (tid * K + c) * d
            for j in range(d):
                diff = X[i, j] - theta[c, j]
                row[j] += weights[i] * diff * diff
        for c in range(K):
            for j in range(d):
                s = 0.0
                for t in range(nt):
                    s = s + part[(t * K + c) * d + j]
                out[c, j] = s
    free(part)

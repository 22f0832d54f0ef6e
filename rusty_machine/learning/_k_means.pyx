"""_k_means.pyx: the inner loops of k-means (Lloyd's algorithm).

One Lloyd iteration [1] assigns every sample to its nearest centre and recomputes each
centre as the weighted mean of its samples. Here it is one pass over the data:

* the rows are cut into fixed chunks of CHUNK rows, shared among OpenMP threads by a
  ``prange`` (the layout of scikit-learn's ``_k_means_lloyd`` [3], rewritten);
* on a chunk, squared distances come from the expansion [2]
      ||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2
  where ``x.c`` for all rows of the chunk and all centres is ONE call of our GEMM, and
  ||x||^2 is dropped since it does not change the arg-min over centres;
* each thread adds its samples' weighted coordinates into its own partial sums
  (no locks, no atomics); the partial sums are reduced once, after the parallel loop.

The GEMM is called inside the parallel region: it sees it is nested and runs serially
(blas.pxd), so there is exactly one level of threads.

Every loop is written once for float32 and float64 (``floating``, _floating.pxd): X and the
centres are read in their own type, the distances come from sgemm or dgemm (``xgemm``),
and the centre sums, the weights and the inertia are accumulated in float64 whatever the
type of X (a sum of 10^5 float32 terms would lose about 3 digits; these passes cost O(n d)
against the GEMM's O(n d k), so the wider accumulator is free). float32 data therefore
moves half the bytes through the GEMM and the arg-min, as scikit-learn's float32 k-means.

References
----------
[1] S. Lloyd, "Least squares quantization in PCM", IEEE Trans. Inf. Theory 28(2), 1982.
[2] Golub & Van Loan, "Matrix Computations", 4th ed., Sec. 1.1 (the dot-product /
    saxpy views of matrix multiplication used to batch the x.c products).
[3] scikit-learn, sklearn/cluster/_k_means_lloyd.pyx (design studied, not copied).
"""
from cython.parallel cimport prange, threadid
from libc.stdlib cimport malloc, calloc, free

import numpy as np

from rusty_machine.linalg.blas cimport get_num_threads, xgemm
from rusty_machine.linalg._floating cimport floating
from rusty_machine.linalg._csrc cimport rm_dargmin_rows, rm_sargmin_rows

# Rows per chunk: a chunk's distance block (CHUNK x n_clusters) and its rows of X stay in
# L2 while the GEMM and the arg-min run over them. The same bytes of a row block for both
# types, so float32 takes twice the rows; halved (down to 256 rows) while the distance
# block would pass DIST_BYTES. Measured at 100000 x 50, k = 100, one thread (AMD EPYC,
# 1 MiB L2 per core): a Lloyd pass 3-5% faster on 512-row float64 / 1024-row float32
# chunks than on 256-row ones.
cdef Py_ssize_t CHUNK_BYTES = 512 * 8
cdef Py_ssize_t DIST_BYTES = 512 * 1024
# Below this much work (n_samples * n_clusters * n_features multiply-adds) one thread does
# the pass: waking a team and meeting at its barrier would cost more than it saves.
cdef double PAR_MIN_WORK = 1 << 20


cdef void _assign_chunk(const floating* X,          # IN  (n_rows, n_features), ld n_features
                        Py_ssize_t n_rows,
                        Py_ssize_t n_features,
                        const floating* centers,    # IN  (n_clusters, n_features)
                        const floating* centers_sq,  # IN  (n_clusters,) ||c_j||^2
                        Py_ssize_t n_clusters,
                        floating* dist,             # OUT (n_rows, n_clusters) scratch
                        int* labels) noexcept nogil:  # OUT (n_rows,)
    """Nearest centre of each row of a chunk: arg-min_j ||c_j||^2 - 2 x_i.c_j."""
    # dist = -2 * X_chunk @ centers.T     (one GEMM for the whole chunk, [2]; sgemm or dgemm)
    xgemm(False, True, n_rows, n_clusters, n_features, -2.0, X, n_features,
          centers, n_features, 0.0, dist, n_clusters)
    # labels[i] = argmin_j (centers_sq[j] + dist[i, j]), first index on ties: the SIMD
    # scan of csrc/rm_argmin.h (one source, instantiated per type and per ISA)
    if floating is float:
        rm_sargmin_rows(n_rows, n_clusters, centers_sq, dist, n_clusters, labels)
    else:
        rm_dargmin_rows(n_rows, n_clusters, centers_sq, dist, n_clusters, labels)


cdef void _accumulate_chunk(const floating* X,          # IN  (n_rows, n_features)
                            const double* weights,      # IN  (n_rows,)
                            const int* labels,          # IN  (n_rows,)
                            Py_ssize_t n_rows,
                            Py_ssize_t n_features,
                            double* sums,               # INOUT (n_clusters, n_features)
                            double* weight_sums) noexcept nogil:  # INOUT (n_clusters,)
    """sums[l_i] += w_i x_i; weight_sums[l_i] += w_i (this thread's partial sums)."""
    cdef Py_ssize_t i, f
    cdef int lab
    cdef double w
    cdef double* row
    for i in range(n_rows):
        lab = labels[i]
        w = weights[i]
        weight_sums[lab] += w
        row = sums + lab * n_features
        for f in range(n_features):
            row[f] += w * X[i * n_features + f]


def lloyd_iter(const floating[:, ::1] X not None,
               const double[::1] sample_weight not None,
               const floating[:, ::1] centers not None,
               double[:, ::1] sums not None,
               double[::1] weight_sums not None,
               int[::1] labels not None,
               bint update_centers=True):
    """One Lloyd iteration: assign, then (optionally) accumulate the new centres' sums.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), C-contiguous float32 or float64
    sample_weight : ndarray of shape (n_samples,), float64
    centers : ndarray of shape (n_clusters, n_features), the dtype of X
        The current centres (read).
    sums : ndarray of shape (n_clusters, n_features), float64
        OUT: sum of w_i x_i over the samples assigned to each centre (not divided).
    weight_sums : ndarray of shape (n_clusters,), float64
        OUT: sum of w_i per centre.
    labels : ndarray of shape (n_samples,), int32
        INOUT: the previous labels in, the new labels out.
    update_centers : bool
        False: only assign (sums and weight_sums are left untouched).

    Returns
    -------
    int
        Number of samples whose label changed.
    """
    cdef Py_ssize_t n_samples = X.shape[0], n_features = X.shape[1]
    cdef Py_ssize_t n_clusters = centers.shape[0]
    if (sample_weight.shape[0] != n_samples or labels.shape[0] != n_samples
            or centers.shape[1] != n_features or sums.shape[0] != n_clusters
            or sums.shape[1] != n_features or weight_sums.shape[0] != n_clusters):
        raise ValueError("lloyd_iter: inconsistent shapes")
    if n_samples == 0 or n_clusters == 0:
        return 0
    cdef Py_ssize_t CHUNK = CHUNK_BYTES // sizeof(floating)
    while CHUNK > 256 and CHUNK * n_clusters * <Py_ssize_t>sizeof(floating) > DIST_BYTES:
        CHUNK //= 2
    cdef Py_ssize_t n_chunks = (n_samples + CHUNK - 1) // CHUNK
    cdef int n_threads = get_num_threads()
    if n_threads > n_chunks:
        n_threads = <int>n_chunks
    if <double>n_samples * n_clusters * n_features < PAR_MIN_WORK or n_threads < 1:
        n_threads = 1
    cdef Py_ssize_t t, c, j, f, start, rows, i, n_changed_chunk
    cdef int tid
    cdef floating* centers_sq = <floating*>malloc(n_clusters * sizeof(floating))
    cdef floating* dist_all = <floating*>malloc(n_threads * CHUNK * n_clusters
                                                * sizeof(floating))
    cdef int* new_labels = <int*>malloc(n_threads * CHUNK * sizeof(int))
    cdef double* sums_all = <double*>calloc(n_threads * n_clusters * n_features, sizeof(double))
    cdef double* wsum_all = <double*>calloc(n_threads * n_clusters, sizeof(double))
    # one counter per thread, 8 apart (64 bytes) so that threads never share a cache line
    cdef Py_ssize_t* changed = <Py_ssize_t*>calloc(8 * n_threads, sizeof(Py_ssize_t))
    cdef const floating* Xp = &X[0, 0]
    cdef const floating* Cp = &centers[0, 0]
    cdef const double* Wp = &sample_weight[0]
    cdef int* Lp = &labels[0]
    cdef floating* dist
    cdef int* lab
    cdef Py_ssize_t total_changed = 0
    cdef double s
    if (centers_sq == NULL or dist_all == NULL or new_labels == NULL or sums_all == NULL
            or wsum_all == NULL or changed == NULL):
        free(centers_sq)
        free(dist_all)
        free(new_labels)
        free(sums_all)
        free(wsum_all)
        free(changed)
        raise MemoryError()
    try:
        with nogil:
            for j in range(n_clusters):
                s = 0.0
                for f in range(n_features):
                    s = s + <double>Cp[j * n_features + f] * Cp[j * n_features + f]
                centers_sq[j] = <floating>s
            for c in prange(n_chunks, num_threads=n_threads, schedule="static"):
                tid = threadid()
                start = c * CHUNK
                rows = n_samples - start
                if rows > CHUNK:
                    rows = CHUNK
                dist = dist_all + tid * CHUNK * n_clusters
                lab = new_labels + tid * CHUNK
                _assign_chunk(Xp + start * n_features, rows, n_features, Cp, centers_sq,
                              n_clusters, dist, lab)
                n_changed_chunk = 0
                for i in range(rows):
                    if lab[i] != Lp[start + i]:
                        n_changed_chunk = n_changed_chunk + 1
                        Lp[start + i] = lab[i]
                changed[8 * tid] += n_changed_chunk
                if update_centers:
                    _accumulate_chunk(Xp + start * n_features, Wp + start, lab, rows,
                                      n_features, sums_all + tid * n_clusters * n_features,
                                      wsum_all + tid * n_clusters)
            # reduction of the per-thread partial sums, in thread order (deterministic for
            # a given thread count)
            for t in range(n_threads):
                total_changed += changed[8 * t]
            if update_centers:
                for j in range(n_clusters):
                    s = 0.0
                    for t in range(n_threads):
                        s = s + wsum_all[t * n_clusters + j]
                    weight_sums[j] = s
                    for f in range(n_features):
                        s = 0.0
                        for t in range(n_threads):
                            s = s + sums_all[(t * n_clusters + j) * n_features + f]
                        sums[j, f] = s
    finally:
        free(centers_sq)
        free(dist_all)
        free(new_labels)
        free(sums_all)
        free(wsum_all)
        free(changed)
    return total_changed


def inertia(const floating[:, ::1] X not None,
            const double[::1] sample_weight not None,
            const floating[:, ::1] centers not None,
            const int[::1] labels not None):
    """sum_i w_i ||x_i - c_{l_i}||^2, computed directly (no cancellation).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float32 or float64
    sample_weight : ndarray of shape (n_samples,), float64
    centers : ndarray of shape (n_clusters, n_features), the dtype of X
    labels : ndarray of shape (n_samples,), int32, each in [0, n_clusters)

    Returns
    -------
    float
        Accumulated in float64 for either dtype.
    """
    cdef Py_ssize_t n_samples = X.shape[0], n_features = X.shape[1]
    cdef Py_ssize_t n_clusters = centers.shape[0]
    if (sample_weight.shape[0] != n_samples or labels.shape[0] != n_samples
            or centers.shape[1] != n_features):
        raise ValueError("inertia: inconsistent shapes")
    cdef Py_ssize_t i, f
    for i in range(n_samples):
        if labels[i] < 0 or labels[i] >= n_clusters:
            raise ValueError("inertia: label %d out of range" % labels[i])
    cdef double total = 0.0, s, d
    cdef int n_threads = get_num_threads()
    if n_samples < 1024:
        n_threads = 1
    cdef const floating* Xp
    cdef const floating* Cp
    if n_samples == 0:
        return 0.0
    Xp = &X[0, 0]
    Cp = &centers[0, 0]
    with nogil:
        for i in prange(n_samples, num_threads=n_threads, schedule="static"):
            s = 0.0
            for f in range(n_features):
                d = <double>Xp[i * n_features + f] - Cp[labels[i] * n_features + f]
                s = s + d * d
            total += sample_weight[i] * s
    return total


def min_sq_dist_to_own(const floating[:, ::1] X not None,
                       const floating[:, ::1] centers not None,
                       const int[::1] labels not None):
    """||x_i - c_{l_i}||^2 for every sample (used to relocate empty clusters).

    Returns
    -------
    ndarray of shape (n_samples,), float64
    """
    cdef Py_ssize_t n_samples = X.shape[0], n_features = X.shape[1]
    cdef Py_ssize_t n_clusters = centers.shape[0]
    if labels.shape[0] != n_samples or centers.shape[1] != n_features:
        raise ValueError("min_sq_dist_to_own: inconsistent shapes")
    out = np.empty(n_samples, dtype=np.float64)
    cdef double[::1] o = out
    cdef Py_ssize_t i, f
    cdef double s, d
    for i in range(n_samples):
        if labels[i] < 0 or labels[i] >= n_clusters:
            raise ValueError("min_sq_dist_to_own: label out of range")
    with nogil:
        for i in range(n_samples):
            s = 0.0
            for f in range(n_features):
                d = <double>X[i, f] - centers[labels[i], f]
                s = s + d * d
            o[i] = s
    return out

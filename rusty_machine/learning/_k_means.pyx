"""_k_means.pyx: the inner loops of k-means (Lloyd's algorithm).

One Lloyd iteration [1] assigns every sample to its nearest centre and recomputes each
centre as the weighted mean of its samples. Here it is one pass over the data:

* the rows are cut into fixed chunks of CHUNK rows, shared among OpenMP threads by a
  ``prange`` (the layout of scikit-learn's ``_k_means_lloyd`` [3], rewritten);
* on a chunk, squared distances come from the expansion [2]
      ||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2
  with ||x||^2 dropped, since it does not change the arg-min over centres. The products
  x.c and the arg-min are ONE fused kernel (csrc/rm_kmeans_assign.h): a GEMM-like
  register tile of rows by centres, reduced to each row's running minimum in registers,
  so the n x k distance block is never stored; the centres are packed for it once per
  iteration;
* each thread adds its samples' weighted coordinates into its own partial sums
  (no locks, no atomics); the partial sums are reduced once, after the parallel loop.

Every loop is written once for float32 and float64 (``floating``, _floating.pxd): X and the
centres are read in their own type, the distances are computed in that type by the
float or double instance of the fused kernel, and the centre sums, the weights and the
inertia are accumulated in float64 whatever the type of X (a sum of 10^5 float32 terms
would lose about 3 digits; these passes cost O(n d) against the distances' O(n d k), so
the wider accumulator is free). float32 data therefore moves half the bytes and does
twice the multiply-adds per instruction, as scikit-learn's float32 k-means.

References
----------
[1] S. Lloyd, "Least squares quantization in PCM", IEEE Trans. Inf. Theory 28(2), 1982.
[2] Golub & Van Loan, "Matrix Computations", 4th ed., Sec. 1.1 (the dot-product /
    saxpy views of matrix multiplication used to batch the x.c products).
[3] scikit-learn, sklearn/cluster/_k_means_lloyd.pyx (design studied, not copied).
"""
from cython.parallel cimport prange, threadid
from libc.math cimport INFINITY, sqrt
from libc.stdlib cimport malloc, calloc, free

import numpy as np

from rusty_machine.linalg.blas cimport get_num_threads
from rusty_machine.linalg._floating cimport floating, DBL_EPSILON, FLT_EPSILON
from rusty_machine.linalg._csrc cimport rm_dot_unit, rm_sdot_unit


cdef extern from "rm_kmeans_assign.h" nogil:
    # the fused distance + arg-min kernel and its packing of the centres (contracts in
    # the header); s = float, d = double
    size_t rm_kmeans_scratch_bytes(Py_ssize_t m)
    const char* rm_kmeans_assign_isa()
    Py_ssize_t rm_kmeans_spacked_size(Py_ssize_t k, Py_ssize_t d)
    Py_ssize_t rm_kmeans_dpacked_size(Py_ssize_t k, Py_ssize_t d)
    void rm_kmeans_spack(Py_ssize_t k, Py_ssize_t d, const float* C, float* packed)
    void rm_kmeans_dpack(Py_ssize_t k, Py_ssize_t d, const double* C, double* packed)
    void rm_kmeans_sassign(Py_ssize_t m, Py_ssize_t d, const float* X, Py_ssize_t ldx,
                           const Py_ssize_t* rows, Py_ssize_t k, const float* packed,
                           void* scratch, int* labels, float* best, float* second)
    void rm_kmeans_dassign(Py_ssize_t m, Py_ssize_t d, const double* X, Py_ssize_t ldx,
                           const Py_ssize_t* rows, Py_ssize_t k, const double* packed,
                           void* scratch, int* labels, double* best, double* second)
    void rm_kmeans_saccumulate(Py_ssize_t m, Py_ssize_t d, const float* X, const double* w,
                               const int* labels, double* sums, double* wsums)
    void rm_kmeans_daccumulate(Py_ssize_t m, Py_ssize_t d, const double* X, const double* w,
                               const int* labels, double* sums, double* wsums)

# Rows per chunk (the unit of work of a thread, and the rows over which Hamerly lists the
# samples that need a full row). The same bytes of X for both types, so float32 takes
# twice the rows.
cdef Py_ssize_t CHUNK_BYTES = 512 * 8
# Below this much work (n_samples * n_clusters * n_features multiply-adds) one thread does
# the pass: waking a team and meeting at its barrier would cost more than it saves.
cdef double PAR_MIN_WORK = 1 << 20


cdef floating* _packed_centers(const floating* centers,   # IN  (n_clusters, n_features)
                               Py_ssize_t n_clusters,
                               Py_ssize_t n_features) noexcept nogil:
    """The centres in the fused kernel's packed layout (malloc'ed; NULL when out of
    memory): blocks of ||c_j||^2 and -2 c_j (csrc/rm_kmeans_assign.h)."""
    cdef floating* packed
    if floating is float:
        packed = <float*>malloc(rm_kmeans_spacked_size(n_clusters, n_features)
                                * sizeof(float))
        if packed != NULL:
            rm_kmeans_spack(n_clusters, n_features, centers, packed)
    else:
        packed = <double*>malloc(rm_kmeans_dpacked_size(n_clusters, n_features)
                                 * sizeof(double))
        if packed != NULL:
            rm_kmeans_dpack(n_clusters, n_features, centers, packed)
    return packed


cdef inline void _assign_rows(const floating* X,            # IN  rows of X, ld n_features
                              const Py_ssize_t* rows,       # IN  (n_rows,) or NULL: 0, 1..
                              Py_ssize_t n_rows,
                              Py_ssize_t n_features,
                              const floating* packed,       # IN  _packed_centers
                              Py_ssize_t n_clusters,
                              void* scratch,                # rm_kmeans_scratch_bytes(n_rows)
                              int* labels,                  # OUT (n_rows,)
                              floating* best,               # OUT (n_rows,) or NULL
                              floating* second) noexcept nogil:  # OUT (n_rows,) or NULL
    """labels[r] = argmin_j ||c_j||^2 - 2 x.c_j for the row x = X[rows[r]] (first index on
    ties); with ``best``, also the smallest and the second smallest of these values."""
    if floating is float:
        rm_kmeans_sassign(n_rows, n_features, X, n_features, rows, n_clusters, packed,
                          scratch, labels, best, second)
    else:
        rm_kmeans_dassign(n_rows, n_features, X, n_features, rows, n_clusters, packed,
                          scratch, labels, best, second)


cdef inline void _accumulate_chunk(const floating* X,        # IN  (n_rows, n_features)
                                   const double* weights,    # IN  (n_rows,)
                                   const int* labels,        # IN  (n_rows,)
                                   Py_ssize_t n_rows,
                                   Py_ssize_t n_features,
                                   double* sums,             # INOUT (n_clusters, n_features)
                                   double* weight_sums) noexcept nogil:  # INOUT (n_clusters,)
    """sums[l_i] += w_i x_i; weight_sums[l_i] += w_i (this thread's partial sums, in
    float64; csrc/rm_kmeans_assign.h)."""
    if floating is float:
        rm_kmeans_saccumulate(n_rows, n_features, X, weights, labels, sums, weight_sums)
    else:
        rm_kmeans_daccumulate(n_rows, n_features, X, weights, labels, sums, weight_sums)


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
    cdef Py_ssize_t n_chunks = (n_samples + CHUNK - 1) // CHUNK
    cdef int n_threads = get_num_threads()
    if n_threads > n_chunks:
        n_threads = <int>n_chunks
    if <double>n_samples * n_clusters * n_features < PAR_MIN_WORK or n_threads < 1:
        n_threads = 1
    cdef Py_ssize_t t, c, j, f, start, rows, i, n_changed_chunk
    cdef int tid
    cdef size_t scratch_bytes = rm_kmeans_scratch_bytes(CHUNK)
    cdef floating* packed = _packed_centers(&centers[0, 0], n_clusters, n_features)
    cdef char* scratch_all = <char*>malloc(n_threads * scratch_bytes)
    cdef int* new_labels = <int*>malloc(n_threads * CHUNK * sizeof(int))
    cdef double* sums_all = <double*>calloc(n_threads * n_clusters * n_features, sizeof(double))
    cdef double* wsum_all = <double*>calloc(n_threads * n_clusters, sizeof(double))
    # one counter per thread, 8 apart (64 bytes) so that threads never share a cache line
    cdef Py_ssize_t* changed = <Py_ssize_t*>calloc(8 * n_threads, sizeof(Py_ssize_t))
    cdef const floating* Xp = &X[0, 0]
    cdef const double* Wp = &sample_weight[0]
    cdef int* Lp = &labels[0]
    cdef int* lab
    cdef Py_ssize_t total_changed = 0
    cdef double s
    if (packed == NULL or scratch_all == NULL or new_labels == NULL or sums_all == NULL
            or wsum_all == NULL or changed == NULL):
        free(packed)
        free(scratch_all)
        free(new_labels)
        free(sums_all)
        free(wsum_all)
        free(changed)
        raise MemoryError()
    try:
        with nogil:
            for c in prange(n_chunks, num_threads=n_threads, schedule="static"):
                tid = threadid()
                start = c * CHUNK
                rows = n_samples - start
                if rows > CHUNK:
                    rows = CHUNK
                lab = new_labels + tid * CHUNK
                # lab[i] = argmin_j ||c_j||^2 - 2 x_i.c_j   (the fused kernel)
                _assign_rows(Xp + start * n_features, NULL, rows, n_features, packed,
                             n_clusters, scratch_all + tid * scratch_bytes, lab,
                             <floating*>NULL, <floating*>NULL)
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
        free(packed)
        free(scratch_all)
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


# ---------------------------------------------------------------------------------------
# Hamerly's bounds [4]: the same assignments as Lloyd's pass with most distance rows
# skipped.
#
# For every sample i with label a = l_i the kernel keeps two numbers:
#     upper[i] >= ||x_i - c_a||              (distance to its own centre)
#     lower[i] <= min_{j != a} ||x_i - c_j|| (distance to the second-nearest centre)
# When the centres move by delta_j = ||c_j^new - c_j^old||, the triangle inequality keeps
# them valid with upper[i] += delta_a and lower[i] -= max_{j != a} delta_j [4, Alg. 3].
# If moreover upper[i] <= s_a = (1/2) min_{j != a} ||c_a - c_j|| or upper[i] <= lower[i],
# no centre can be nearer than c_a [4, Sec. 3.1; Elkan, ICML 2003, Lemma 1]: the sample
# keeps its label without a distance row. Otherwise the upper bound is first tightened
# to the exact ||x_i - c_a|| (d flops) and the test repeated; the samples that still fail
# are listed and get a full distance row from the fused kernel, as in the Lloyd pass
# above (the label is its arg-min, the bounds its smallest and second-smallest).
#
# Rounding. Lloyd's pass picks the arg-min of the expansion ||x||^2 - 2 x.c + ||c||^2,
# computed in floating point: its error is at most e_i = gamma (||x_i|| + max_j ||c_j||)^2
# with gamma = 2 (d + 4) eps (Higham, "Accuracy and Stability of Numerical Algorithms",
# 2nd ed., Sec. 3.1 on inner products; d + 4 covers the dot product and the three
# additions). The bounds are kept as bounds on the exact distances (a full row
# enters as sqrt(est + e_i) and sqrt(est - e_i)) and a sample is skipped only when
# upper^2 + 2 e_i < m^2: then Lloyd's rounded distances would pick the same centre. A tie
# within rounding therefore always gets a full row, whose arg-min is Lloyd's.
#
# The centre sums are accumulated over every sample of the chunk in the same order as
# the Lloyd pass, so with the same labels the new centres are bit for bit Lloyd's.
#
# [4] G. Hamerly, "Making k-means even faster", SIAM Int. Conf. on Data Mining, 2010.
# ---------------------------------------------------------------------------------------

cdef inline floating _sq_dist_direct(const floating* x, const floating* c,
                                     Py_ssize_t n_features) noexcept nogil:
    """||x - c||^2 summed directly (four partial sums, in float64 for float32)."""
    cdef Py_ssize_t f
    cdef double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, t0, t1, t2, t3
    for f in range(0, n_features - 3, 4):
        t0 = <double>x[f] - c[f]
        t1 = <double>x[f + 1] - c[f + 1]
        t2 = <double>x[f + 2] - c[f + 2]
        t3 = <double>x[f + 3] - c[f + 3]
        s0 = s0 + t0 * t0
        s1 = s1 + t1 * t1
        s2 = s2 + t2 * t2
        s3 = s3 + t3 * t3
    for f in range(n_features - n_features % 4, n_features):
        t0 = <double>x[f] - c[f]
        s0 = s0 + t0 * t0
    return <floating>((s0 + s1) + (s2 + s3))


cdef void _hamerly_chunk(const floating* X,          # IN  (n_rows, n_features)
                         const double* x_sq,         # IN  (n_rows,) ||x_i||^2
                         Py_ssize_t n_rows,
                         Py_ssize_t n_features,
                         const floating* centers,    # IN  (n_clusters, n_features)
                         const floating* centers_sq,  # IN  (n_clusters,) ||c_j||^2
                         const floating* packed,     # IN  _packed_centers(centers)
                         const double* delta,        # IN  (n_clusters,) centre moves
                         const double* s_half,       # IN  (n_clusters,) half gaps
                         Py_ssize_t n_clusters,
                         double delta_max, int j_max, double delta_second,
                         double gamma, double c_norm_max,
                         bint bounds_valid,
                         double* upper,              # INOUT (n_rows,)
                         double* lower,              # INOUT (n_rows,)
                         int* labels,                # INOUT (n_rows,)
                         Py_ssize_t* rows_idx,       # scratch (n_rows,)
                         void* scratch,              # rm_kmeans_scratch_bytes(n_rows)
                         floating* best,             # scratch (n_rows,)
                         floating* second,           # scratch (n_rows,)
                         int* new_labels,            # scratch (n_rows,)
                         Py_ssize_t* n_changed) noexcept nogil:  # INOUT
    """Hamerly's assignment on one chunk of rows (the section comment above)."""
    cdef Py_ssize_t i, r, n_full = 0
    cdef int a
    cdef double e, m, u, t, xn
    for i in range(n_rows):
        xn = sqrt(x_sq[i]) + c_norm_max
        e = gamma * xn * xn
        a = labels[i]
        if bounds_valid and a >= 0:
            # [4, Alg. 3, lines 5-6]: the bounds follow the centres' moves
            upper[i] = upper[i] + delta[a]
            lower[i] = lower[i] - (delta_second if a == j_max else delta_max)
            m = lower[i] if lower[i] > s_half[a] else s_half[a]
            if m > 0.0:
                m = m * m - 2.0 * e
                u = upper[i]
                if u * u < m:
                    continue
                # tighten: the distance to the own centre (the expansion with a SIMD dot
                # product; within e of the exact one), and test again
                if floating is float:
                    t = rm_sdot_unit(n_features, X + i * n_features, centers + a * n_features)
                else:
                    t = rm_dot_unit(n_features, X + i * n_features, centers + a * n_features)
                u = x_sq[i] + centers_sq[a] - 2.0 * t
                u = sqrt((u if u > 0.0 else 0.0) + e)
                upper[i] = u
                if u * u < m:
                    continue
        rows_idx[n_full] = i              # this sample needs a full distance row
        n_full += 1
    if n_full == 0:
        return
    # the fused kernel on the listed rows, read in place: each row's arg-min (the labels
    # of lloyd_iter: the same values, summed in the same order) and its two smallest values
    _assign_rows(X, rows_idx, n_full, n_features, packed, n_clusters, scratch, new_labels,
                 best, second)
    for r in range(n_full):
        i = rows_idx[r]
        xn = sqrt(x_sq[i]) + c_norm_max
        e = gamma * xn * xn
        t = best[r] + x_sq[i] + e
        upper[i] = sqrt(t) if t > 0.0 else 0.0
        t = second[r] + x_sq[i] - e
        lower[i] = sqrt(t) if t > 0.0 else 0.0
        if new_labels[r] != labels[i]:
            n_changed[0] += 1
            labels[i] = new_labels[r]


def hamerly_iter(const floating[:, ::1] X not None,
                 const double[::1] x_sq not None,
                 const double[::1] sample_weight not None,
                 const floating[:, ::1] centers not None,
                 const double[::1] delta not None,
                 double[::1] upper not None,
                 double[::1] lower not None,
                 double[:, ::1] sums not None,
                 double[::1] weight_sums not None,
                 int[::1] labels not None,
                 bint bounds_valid,
                 bint update_centers=True):
    """One Lloyd iteration with Hamerly's bounds [4]: the labels of ``lloyd_iter``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), C-contiguous float32 or float64
    x_sq : ndarray of shape (n_samples,), float64
        ||x_i||^2 (``row_sq_norms(X)``).
    sample_weight : ndarray of shape (n_samples,), float64
    centers : ndarray of shape (n_clusters, n_features), the dtype of X
        The current centres.
    delta : ndarray of shape (n_clusters,), float64
        ||c_j - c_j^previous||: how far each centre moved since the bounds were last
        valid (ignored when ``bounds_valid`` is false).
    upper, lower : ndarray of shape (n_samples,), float64
        INOUT: the bounds (written for every sample; read only when ``bounds_valid``).
    sums, weight_sums, labels, update_centers
        As in ``lloyd_iter``.
    bounds_valid : bool
        False on the first pass (or after the labels were changed outside): every sample
        gets a full distance row.

    Returns
    -------
    int
        Number of samples whose label changed.
    """
    cdef Py_ssize_t n_samples = X.shape[0], n_features = X.shape[1]
    cdef Py_ssize_t n_clusters = centers.shape[0]
    if (sample_weight.shape[0] != n_samples or labels.shape[0] != n_samples
            or x_sq.shape[0] != n_samples or upper.shape[0] != n_samples
            or lower.shape[0] != n_samples or delta.shape[0] != n_clusters
            or centers.shape[1] != n_features or sums.shape[0] != n_clusters
            or sums.shape[1] != n_features or weight_sums.shape[0] != n_clusters):
        raise ValueError("hamerly_iter: inconsistent shapes")
    if n_samples == 0 or n_clusters == 0:
        return 0
    cdef Py_ssize_t CHUNK = CHUNK_BYTES // sizeof(floating)
    cdef Py_ssize_t n_chunks = (n_samples + CHUNK - 1) // CHUNK
    cdef int n_threads = get_num_threads()
    if n_threads > n_chunks:
        n_threads = <int>n_chunks
    if <double>n_samples * n_clusters * n_features < PAR_MIN_WORK or n_threads < 1:
        n_threads = 1
    cdef double eps = FLT_EPSILON if floating is float else DBL_EPSILON
    cdef double gamma = 2.0 * (n_features + 4) * eps
    cdef Py_ssize_t t, c, j, f, start, rows
    cdef int tid, j_max = -1
    cdef double s, delta_max = 0.0, delta_second = 0.0, c_norm_max = 0.0
    cdef const floating* Cp = &centers[0, 0]
    cdef const floating* Xp = &X[0, 0]
    cdef const double* Wp = &sample_weight[0]
    cdef const double* XSp = &x_sq[0]
    cdef const double* Dp = &delta[0]
    cdef double* Up = &upper[0]
    cdef double* Lop = &lower[0]
    cdef int* Lp = &labels[0]
    cdef Py_ssize_t total_changed = 0
    # the largest and second largest move [4, Alg. 3, line 4]
    if bounds_valid:
        for j in range(n_clusters):
            s = delta[j]
            if not s >= 0.0:
                raise ValueError("hamerly_iter: delta must be finite and >= 0")
            if s > delta_max:
                delta_second = delta_max
                delta_max = s
                j_max = <int>j
            elif s > delta_second:
                delta_second = s
    cdef floating* centers_sq = <floating*>malloc(n_clusters * sizeof(floating))
    cdef double* s_half = <double*>malloc(n_clusters * sizeof(double))
    cdef floating* packed = _packed_centers(Cp, n_clusters, n_features)
    cdef size_t scratch_bytes = rm_kmeans_scratch_bytes(CHUNK)
    cdef char* scratch_all = <char*>malloc(n_threads * scratch_bytes)
    cdef Py_ssize_t* idx_all = <Py_ssize_t*>malloc(n_threads * CHUNK * sizeof(Py_ssize_t))
    # per thread: the two smallest values of each full row and its new label
    cdef floating* two_all = <floating*>malloc(2 * n_threads * CHUNK * sizeof(floating))
    cdef int* lab_all = <int*>malloc(n_threads * CHUNK * sizeof(int))
    cdef double* sums_all = <double*>calloc(n_threads * n_clusters * n_features, sizeof(double))
    cdef double* wsum_all = <double*>calloc(n_threads * n_clusters, sizeof(double))
    cdef Py_ssize_t* changed = <Py_ssize_t*>calloc(8 * n_threads, sizeof(Py_ssize_t))
    if (centers_sq == NULL or s_half == NULL or packed == NULL or scratch_all == NULL
            or idx_all == NULL or two_all == NULL or lab_all == NULL or sums_all == NULL
            or wsum_all == NULL or changed == NULL):
        free(centers_sq)
        free(s_half)
        free(packed)
        free(scratch_all)
        free(idx_all)
        free(two_all)
        free(lab_all)
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
                if s > c_norm_max:
                    c_norm_max = s
            c_norm_max = sqrt(c_norm_max)
            # s_half[j] = (1/2) min_{j' != j} ||c_j - c_j'|| [4, Alg. 3, line 2], summed
            # directly and shrunk by its own rounding so that it stays a lower bound
            for j in range(n_clusters):
                s_half[j] = INFINITY
            for j in range(n_clusters):
                for c in range(j + 1, n_clusters):
                    s = _sq_dist_direct(Cp + j * n_features, Cp + c * n_features,
                                        n_features)
                    if s < s_half[j]:
                        s_half[j] = s
                    if s < s_half[c]:
                        s_half[c] = s
            for j in range(n_clusters):
                s_half[j] = 0.5 * sqrt(s_half[j] * (1.0 - gamma)) if s_half[j] < INFINITY \
                    else INFINITY
            # chunks dealt round-robin (static, 1): the skipped rows spread evenly over the
            # threads, and each thread's share (so the reduction) is fixed
            for c in prange(n_chunks, num_threads=n_threads, schedule="static", chunksize=1):
                tid = threadid()
                start = c * CHUNK
                rows = n_samples - start
                if rows > CHUNK:
                    rows = CHUNK
                _hamerly_chunk(Xp + start * n_features, XSp + start, rows, n_features,
                               Cp, centers_sq, packed, Dp, s_half, n_clusters,
                               delta_max, j_max, delta_second, gamma, c_norm_max,
                               bounds_valid, Up + start, Lop + start, Lp + start,
                               idx_all + tid * CHUNK, scratch_all + tid * scratch_bytes,
                               two_all + 2 * tid * CHUNK, two_all + (2 * tid + 1) * CHUNK,
                               lab_all + tid * CHUNK, &changed[8 * tid])
                if update_centers:
                    _accumulate_chunk(Xp + start * n_features, Wp + start, Lp + start, rows,
                                      n_features, sums_all + tid * n_clusters * n_features,
                                      wsum_all + tid * n_clusters)
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
        free(s_half)
        free(packed)
        free(scratch_all)
        free(idx_all)
        free(two_all)
        free(lab_all)
        free(sums_all)
        free(wsum_all)
        free(changed)
    return total_changed


def row_sq_norms(const floating[:, ::1] X not None):
    """||x_i||^2 of every row, summed in float64 (Hamerly's error bound uses it).

    Returns
    -------
    ndarray of shape (n_samples,), float64
    """
    cdef Py_ssize_t n_samples = X.shape[0], n_features = X.shape[1], i, f
    out = np.empty(n_samples, dtype=np.float64)
    cdef double[::1] o = out
    cdef double s
    with nogil:
        for i in range(n_samples):
            s = 0.0
            for f in range(n_features):
                s = s + <double>X[i, f] * X[i, f]
            o[i] = s
    return out


def center_moves(const floating[:, ::1] old not None, const floating[:, ::1] new not None):
    """||new_j - old_j|| for every centre, summed in float64 and rounded up by its own
    error bound (Hamerly's bounds need an upper bound on each move).

    Returns
    -------
    ndarray of shape (n_clusters,), float64
    """
    if old.shape[0] != new.shape[0] or old.shape[1] != new.shape[1]:
        raise ValueError("center_moves: inconsistent shapes")
    cdef Py_ssize_t k = old.shape[0], d = old.shape[1], j
    out = np.empty(k, dtype=np.float64)
    cdef double[::1] o = out
    cdef double grow = 1.0 + 2.0 * (d + 4) * DBL_EPSILON
    if d == 0:
        out[:] = 0.0
        return out
    with nogil:
        for j in range(k):
            o[j] = sqrt(<double>_sq_dist_direct(&old[j, 0], &new[j, 0], d) * grow) * grow
    return out


def _assign_isa():
    """The path of the fused assignment kernel in this module: "avx2" or "generic"
    (tests; RUSTY_MACHINE_KERNEL=generic forces the scalar one)."""
    return rm_kmeans_assign_isa().decode()

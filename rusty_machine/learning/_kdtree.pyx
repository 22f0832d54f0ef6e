"""_kdtree.pyx: a KD-tree and brute-force neighbour searches (k-nearest and radius),
shared by DBSCAN and the k-nearest-neighbour estimators; and DBSCAN's cluster expansion.

KD-tree [1, 2]
* Layout: a complete binary tree stored in arrays (node i has children 2i+1, 2i+2), the
  points of node i are ``idx[start_i:end_i]`` of one permutation array; a node is split
  at the median (``mid = (start + end) / 2``) of its coordinate of largest spread, found
  by quickselect [3] on the permutation, so the tree is balanced by construction and
  built without recursion (parents come before children in index order). The depth is
  chosen so that leaves hold at most ``leaf_size`` points.
* Every node keeps its bounding box, which gives a lower bound (and an upper bound) of
  the distance from a query to any point inside [2].
* k-nearest: depth-first with an explicit stack, nearer child first, subtrees pruned when
  their box is farther than the current k-th distance; candidates kept in a bounded
  max-heap of size k [4, Sec. 6.5] (root = current k-th distance).
* radius: the same traversal; a box entirely inside the ball is taken whole.
* Queries run in parallel over points (OpenMP ``prange``), each thread with its own heap
  and stack. Radius results are CSR (offsets, indices): one pass counts, a prefix sum
  sizes the output, a second pass fills.

Distances are compared in "reduced" form (no root): sum d^2 (euclidean), sum |d|
(manhattan), max |d| (chebyshev), sum |d|^p (minkowski); the root is taken at the end.

Brute force: for the euclidean metric in higher dimensions, squared distances of a block
of queries to a block of points come from ||q||^2 - 2 q.x + ||x||^2 with the cross term
one GEMM; the k selected neighbours' distances are then recomputed directly.

DBSCAN expansion [5]: clusters grown from core points with an explicit stack (any
cluster size, no recursion); a border point takes the label of the first cluster that
reaches it.

References
----------
[1] J. L. Bentley, "Multidimensional binary search trees used for associative
    searching", CACM 18(9), 1975.
[2] J. H. Friedman, J. L. Bentley & R. A. Finkel, "An algorithm for finding best matches
    in logarithmic expected time", ACM TOMS 3(3), 1977.
[3] C. A. R. Hoare, "Algorithm 65: Find", CACM 4(7), 1961.
[4] T. H. Cormen et al., "Introduction to Algorithms", 3rd ed., Ch. 6 (heaps).
[5] M. Ester, H.-P. Kriegel, J. Sander & X. Xu, "A density-based algorithm for
    discovering clusters in large spatial databases with noise", KDD 1996.
"""
from cython.parallel cimport prange, threadid
from libc.stdlib cimport malloc, free, realloc
from libc.string cimport memcpy
from libc.math cimport fabs, pow, sqrt, INFINITY

import numpy as np

from rusty_machine.linalg.blas cimport dgemm, get_num_threads

# metric codes
DEF M_EUCLIDEAN = 0
DEF M_MANHATTAN = 1
DEF M_CHEBYSHEV = 2
DEF M_MINKOWSKI = 3

METRICS = {"euclidean": M_EUCLIDEAN, "manhattan": M_MANHATTAN, "cityblock": M_MANHATTAN,
           "chebyshev": M_CHEBYSHEV, "minkowski": M_MINKOWSKI}


cdef inline double _acc(int metric, double p, double acc, double diff) noexcept nogil:
    """Fold one coordinate difference into a reduced distance."""
    diff = fabs(diff)
    if metric == M_EUCLIDEAN:
        return acc + diff * diff
    if metric == M_MANHATTAN:
        return acc + diff
    if metric == M_CHEBYSHEV:
        return acc if acc >= diff else diff
    return acc + pow(diff, p)


cdef inline double _rdist(int metric, double p, const double* a, const double* b,
                          Py_ssize_t d) noexcept nogil:
    cdef Py_ssize_t j
    cdef double acc = 0.0, t
    if metric == M_EUCLIDEAN:
        for j in range(d):
            t = a[j] - b[j]
            acc = acc + t * t
        return acc
    for j in range(d):
        acc = _acc(metric, p, acc, a[j] - b[j])
    return acc


cdef inline double _to_dist(int metric, double p, double rd) noexcept nogil:
    if metric == M_EUCLIDEAN:
        return sqrt(rd)
    if metric == M_MINKOWSKI:
        return pow(rd, 1.0 / p)
    return rd


cdef inline double _to_rdist(int metric, double p, double dist) noexcept nogil:
    if metric == M_EUCLIDEAN:
        return dist * dist
    if metric == M_MINKOWSKI:
        return pow(dist, p)
    return dist


# ---- bounded max-heap of (distance, index) -------------------------------------------
cdef inline void _heap_replace_root(double* hd, Py_ssize_t* hi, Py_ssize_t k,
                                    double d, Py_ssize_t i) noexcept nogil:
    """Replace the largest entry by (d, i) and sift it down [4, Sec. 6.2]."""
    cdef Py_ssize_t pos = 0, child, right
    while True:
        child = 2 * pos + 1
        if child >= k:
            break
        right = child + 1
        if right < k and hd[right] > hd[child]:
            child = right
        if hd[child] <= d:
            break
        hd[pos] = hd[child]
        hi[pos] = hi[child]
        pos = child
    hd[pos] = d
    hi[pos] = i


cdef void _heap_sort(double* hd, Py_ssize_t* hi, Py_ssize_t k) noexcept nogil:
    """Turn the max-heap into ascending order (heapsort's second phase)."""
    cdef Py_ssize_t end
    cdef double d
    cdef Py_ssize_t i
    end = k - 1
    while end > 0:
        d = hd[end]
        i = hi[end]
        hd[end] = hd[0]
        hi[end] = hi[0]
        _heap_replace_root(hd, hi, end, d, i)
        end -= 1


# ---- quickselect on a permutation by one coordinate ------------------------------------
cdef void _select(const double* X, Py_ssize_t d, Py_ssize_t dim, Py_ssize_t* idx,
                  Py_ssize_t lo, Py_ssize_t hi, Py_ssize_t kth) noexcept nogil:
    """Permute idx[lo:hi] so that idx[kth] holds the point whose coordinate ``dim`` has
    rank kth - lo, smaller-or-equal ones before it, larger-or-equal after (Hoare [3],
    median-of-three pivot, iterative)."""
    cdef Py_ssize_t i, j, mid, t
    cdef double pivot, a, b, c
    hi -= 1
    while hi > lo:
        mid = lo + (hi - lo) // 2
        a = X[idx[lo] * d + dim]
        b = X[idx[mid] * d + dim]
        c = X[idx[hi] * d + dim]
        if (a <= b <= c) or (c <= b <= a):
            pivot = b
        elif (b <= a <= c) or (c <= a <= b):
            pivot = a
        else:
            pivot = c
        i = lo
        j = hi
        while i <= j:
            while X[idx[i] * d + dim] < pivot:
                i += 1
            while X[idx[j] * d + dim] > pivot:
                j -= 1
            if i <= j:
                t = idx[i]
                idx[i] = idx[j]
                idx[j] = t
                i += 1
                j -= 1
        if kth <= j:
            hi = j
        elif kth >= i:
            lo = i
        else:
            return


cdef class KDTree:
    """KD-tree over the rows of X (a private copy).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    leaf_size : int, default 32
    metric : {"euclidean", "manhattan", "chebyshev", "minkowski"}
    p : float, default 2
        Minkowski power (used with metric="minkowski").
    """
    cdef readonly object data          # (n, d) float64 C-contiguous
    cdef readonly object idx_array     # (n,) permutation
    cdef object _bounds                 # (n_nodes, 2, d) box per node
    cdef object _start, _end
    cdef readonly Py_ssize_t n_samples, n_features, n_nodes, n_levels, leaf_size
    cdef readonly int metric_code
    cdef readonly double p
    cdef readonly str metric

    def __init__(self, X, leaf_size=32, metric="euclidean", p=2.0):
        if metric not in METRICS:
            raise ValueError("metric must be one of %s, got %r" % (sorted(METRICS), metric))
        self.metric = metric
        self.metric_code = METRICS[metric]
        self.p = float(p)
        if self.metric_code == M_MINKOWSKI:
            if not self.p >= 1:
                raise ValueError("p must be >= 1 for the minkowski metric, got %r" % (p,))
            if self.p == 2.0:
                self.metric_code = M_EUCLIDEAN
            elif self.p == 1.0:
                self.metric_code = M_MANHATTAN
            elif self.p == INFINITY:
                self.metric_code = M_CHEBYSHEV
        if int(leaf_size) < 1:
            raise ValueError("leaf_size must be >= 1, got %r" % (leaf_size,))
        data = np.array(X, dtype=np.float64, order="C", copy=True)
        if data.ndim != 2 or data.shape[0] < 1 or data.shape[1] < 1:
            raise ValueError("KDTree needs a non-empty 2-D array, got shape %s" % (data.shape,))
        if not np.isfinite(data).all():
            raise ValueError("KDTree: X contains NaN or infinity")
        self.data = data
        self.leaf_size = int(leaf_size)
        self.n_samples, self.n_features = data.shape
        self.n_levels = 1
        while (self.n_samples >> (self.n_levels - 1)) > self.leaf_size:
            self.n_levels += 1
        self.n_nodes = (1 << self.n_levels) - 1
        self.idx_array = np.arange(self.n_samples, dtype=np.intp)
        self._start = np.empty(self.n_nodes, dtype=np.intp)
        self._end = np.empty(self.n_nodes, dtype=np.intp)
        self._bounds = np.empty((self.n_nodes, 2, self.n_features))
        self._build()

    def __reduce__(self):
        return (KDTree, (self.data, self.leaf_size, self.metric, self.p))

    cdef void _build(self):
        cdef const double[:, ::1] X = self.data
        cdef Py_ssize_t[::1] idx = self.idx_array
        cdef Py_ssize_t[::1] start = self._start
        cdef Py_ssize_t[::1] end = self._end
        cdef double[:, :, ::1] bounds = self._bounds
        cdef Py_ssize_t n = self.n_samples, d = self.n_features
        cdef Py_ssize_t n_nodes = self.n_nodes, first_leaf = n_nodes // 2
        cdef Py_ssize_t node, lo, hi, mid, i, j, best_dim
        cdef double spread, best_spread, v, mn, mx
        with nogil:
            start[0] = 0
            end[0] = n
            for node in range(n_nodes):
                lo = start[node]
                hi = end[node]
                if node < first_leaf:
                    # split on the coordinate of largest spread, at the median [1, 2]
                    best_dim = 0
                    best_spread = -1.0
                    for j in range(d):
                        mn = INFINITY
                        mx = -INFINITY
                        for i in range(lo, hi):
                            v = X[idx[i], j]
                            if v < mn:
                                mn = v
                            if v > mx:
                                mx = v
                        spread = mx - mn if hi > lo else 0.0
                        if spread > best_spread:
                            best_spread = spread
                            best_dim = j
                    mid = lo + (hi - lo) // 2
                    if hi - lo > 1:
                        _select(&X[0, 0], d, best_dim, &idx[0], lo, hi, mid)
                    start[2 * node + 1] = lo
                    end[2 * node + 1] = mid
                    start[2 * node + 2] = mid
                    end[2 * node + 2] = hi
            # bounding boxes: leaves from their points, internal nodes from their children
            node = n_nodes - 1
            while node >= 0:
                if node >= first_leaf:
                    for j in range(d):
                        bounds[node, 0, j] = INFINITY
                        bounds[node, 1, j] = -INFINITY
                    for i in range(start[node], end[node]):
                        for j in range(d):
                            v = X[idx[i], j]
                            if v < bounds[node, 0, j]:
                                bounds[node, 0, j] = v
                            if v > bounds[node, 1, j]:
                                bounds[node, 1, j] = v
                else:
                    for j in range(d):
                        bounds[node, 0, j] = bounds[2 * node + 1, 0, j]
                        if bounds[2 * node + 2, 0, j] < bounds[node, 0, j]:
                            bounds[node, 0, j] = bounds[2 * node + 2, 0, j]
                        bounds[node, 1, j] = bounds[2 * node + 1, 1, j]
                        if bounds[2 * node + 2, 1, j] > bounds[node, 1, j]:
                            bounds[node, 1, j] = bounds[2 * node + 2, 1, j]
                node -= 1

    # ---- queries ------------------------------------------------------------------
    def query(self, Q, Py_ssize_t k):
        """k nearest neighbours of each row of Q.

        Parameters
        ----------
        Q : ndarray of shape (n_queries, n_features)
        k : int, 1 <= k <= n_samples

        Returns
        -------
        dist : ndarray of shape (n_queries, k), ascending
        ind : ndarray of shape (n_queries, k)
        """
        cdef const double[:, ::1] Qv = _check_queries(Q, self.n_features)
        if k < 1 or k > self.n_samples:
            raise ValueError("k=%d must be in [1, n_samples=%d]" % (k, self.n_samples))
        cdef Py_ssize_t m = Qv.shape[0]
        dist = np.empty((m, k))
        ind = np.empty((m, k), dtype=np.intp)
        if m == 0:
            return dist, ind
        cdef double[:, ::1] D = dist
        cdef Py_ssize_t[:, ::1] I = ind
        cdef const double[:, ::1] X = self.data
        cdef const Py_ssize_t[::1] idx = self.idx_array
        cdef const Py_ssize_t[::1] start = self._start
        cdef const Py_ssize_t[::1] end = self._end
        cdef const double[:, :, ::1] bounds = self._bounds
        cdef int nt = get_num_threads()
        if m < 256:
            nt = 1
        cdef Py_ssize_t stack_cap = 2 * self.n_levels + 4
        cdef Py_ssize_t* stack_all = <Py_ssize_t*>malloc(nt * stack_cap * sizeof(Py_ssize_t))
        cdef double* srd_all = <double*>malloc(nt * stack_cap * sizeof(double))
        if stack_all == NULL or srd_all == NULL:
            free(stack_all)
            free(srd_all)
            raise MemoryError()
        cdef Py_ssize_t q, j, tid
        cdef int metric = self.metric_code
        cdef double p = self.p
        with nogil:
            for q in prange(m, num_threads=nt, schedule="dynamic", chunksize=16):
                tid = threadid()
                _knn_one(&X[0, 0], &idx[0], &start[0], &end[0], &bounds[0, 0, 0],
                         self.n_features, self.n_nodes, metric, p, &Qv[q, 0], k,
                         &D[q, 0], &I[q, 0], stack_all + tid * stack_cap,
                         srd_all + tid * stack_cap)
                for j in range(k):
                    D[q, j] = _to_dist(metric, p, D[q, j])
        free(stack_all)
        free(srd_all)
        return dist, ind

    def query_radius(self, Q, double r, sample_weight=None, bint count_only=False,
                     counts=None):
        """Neighbours within distance r (inclusive) of each row of Q, as CSR.

        Parameters
        ----------
        Q : ndarray of shape (n_queries, n_features)
        r : float > 0
        sample_weight : ndarray of shape (n_samples,), optional
            With count_only: the weighted count sum_{x in ball} w(x).
        count_only : bool
            Return only the (weighted) counts.
        counts : ndarray of shape (n_queries,), optional
            The unweighted counts from an earlier ``count_only`` call with the same
            Q and r: the counting pass is skipped.

        Returns
        -------
        counts : ndarray of shape (n_queries,) (float64)   if count_only, else
        offsets : ndarray of shape (n_queries + 1,), indices : ndarray of shape (nnz,)
        """
        cdef const double[:, ::1] Qv = _check_queries(Q, self.n_features)
        cdef Py_ssize_t m = Qv.shape[0]
        cdef const double[:, ::1] X = self.data
        cdef const Py_ssize_t[::1] idx = self.idx_array
        cdef const Py_ssize_t[::1] start = self._start
        cdef const Py_ssize_t[::1] end = self._end
        cdef const double[:, :, ::1] bounds = self._bounds
        cdef int metric = self.metric_code
        cdef double p = self.p
        cdef double rr = _to_rdist(metric, p, r)
        counts_given = counts
        w = (np.ones(self.n_samples) if sample_weight is None
             else np.ascontiguousarray(sample_weight, dtype=np.float64))
        if w.shape != (self.n_samples,):
            raise ValueError("sample_weight must have shape (%d,)" % self.n_samples)
        cdef const double[::1] wv = w
        counts = np.zeros(m, dtype=np.float64)
        cdef double[::1] cv = counts
        cdef int nt = get_num_threads()
        if m < 256:
            nt = 1
        cdef Py_ssize_t stack_cap = 2 * self.n_levels + 4
        cdef Py_ssize_t* stack_all = <Py_ssize_t*>malloc(nt * stack_cap * sizeof(Py_ssize_t))
        if stack_all == NULL:
            raise MemoryError()
        cdef Py_ssize_t q, tid
        cdef Py_ssize_t[::1] offv
        cdef Py_ssize_t[::1] indv
        try:
            if counts_given is not None:
                counts_given = np.asarray(counts_given, dtype=np.float64)
                if counts_given.shape != (m,):
                    raise ValueError("counts must have shape (%d,)" % m)
                counts[:] = counts_given
            else:
                with nogil:
                    for q in prange(m, num_threads=nt, schedule="dynamic", chunksize=16):
                        tid = threadid()
                        cv[q] = _radius_one(&X[0, 0], &idx[0], &start[0], &end[0],
                                            &bounds[0, 0, 0], self.n_features, self.n_nodes,
                                            metric, p, &Qv[q, 0], rr, &wv[0], NULL, 0,
                                            stack_all + tid * stack_cap)
            if count_only or m == 0:
                if count_only:
                    return counts
                return np.zeros(1, dtype=np.intp), np.zeros(0, dtype=np.intp)
            # unweighted counts for the CSR layout
            if sample_weight is not None and counts_given is None:
                ones = np.ones(self.n_samples)
                wv = ones
                with nogil:
                    for q in prange(m, num_threads=nt, schedule="dynamic", chunksize=16):
                        tid = threadid()
                        cv[q] = _radius_one(&X[0, 0], &idx[0], &start[0], &end[0],
                                            &bounds[0, 0, 0], self.n_features, self.n_nodes,
                                            metric, p, &Qv[q, 0], rr, &wv[0], NULL, 0,
                                            stack_all + tid * stack_cap)
            offsets = np.zeros(m + 1, dtype=np.intp)
            np.cumsum(counts.astype(np.intp), out=offsets[1:])
            indices = np.empty(offsets[m], dtype=np.intp)
            offv = offsets
            indv = indices
            ones = np.ones(self.n_samples)
            wv = ones
            if offsets[m] > 0:
                with nogil:
                    for q in prange(m, num_threads=nt, schedule="dynamic", chunksize=16):
                        tid = threadid()
                        # each query fills its own slice, never past its end
                        cv[q] = _radius_one(&X[0, 0], &idx[0], &start[0], &end[0],
                                            &bounds[0, 0, 0], self.n_features, self.n_nodes,
                                            metric, p, &Qv[q, 0], rr, &wv[0],
                                            &indv[offv[q]], offv[q + 1] - offv[q],
                                            stack_all + tid * stack_cap)
                if not np.array_equal(counts, np.diff(offsets)):
                    raise ValueError("query_radius: the given counts do not match the "
                                     "neighbourhoods")
            return offsets, indices
        finally:
            free(stack_all)

    def radius_graph(self, Q, double r, Py_ssize_t max_total):
        """Neighbours within distance r (inclusive) of each row of Q as CSR, in ONE
        traversal per query (``query_radius`` without ``counts`` makes two: it counts
        first to lay out the CSR). Each thread appends its queries' neighbours to its own
        growing buffer (doubled when full, the query then listed again into the room);
        the CSR is assembled from the buffers at the end.

        Returns
        -------
        (offsets, indices) as ``query_radius``, or None when the neighbourhoods hold more
        than ``max_total`` entries (the caller then uses an O(n)-memory path).
        """
        cdef const double[:, ::1] Qv = _check_queries(Q, self.n_features)
        cdef Py_ssize_t m = Qv.shape[0]
        if m == 0:
            return np.zeros(1, dtype=np.intp), np.zeros(0, dtype=np.intp)
        cdef const double[:, ::1] X = self.data
        cdef const Py_ssize_t[::1] idx = self.idx_array
        cdef const Py_ssize_t[::1] start = self._start
        cdef const Py_ssize_t[::1] end = self._end
        cdef const double[:, :, ::1] bounds = self._bounds
        cdef int metric = self.metric_code
        cdef double p = self.p
        cdef double rr = _to_rdist(metric, p, r)
        ones = np.ones(self.n_samples)
        cdef const double[::1] wv = ones
        cdef int nt = get_num_threads()
        if m < 256:
            nt = 1
        cdef Py_ssize_t stack_cap = 2 * self.n_levels + 4
        counts = np.zeros(m, dtype=np.intp)
        owner = np.zeros(m, dtype=np.intc)
        pos = np.zeros(m, dtype=np.intp)
        cdef Py_ssize_t[::1] cnt = counts
        cdef int[::1] own = owner
        cdef Py_ssize_t[::1] at = pos
        cdef Py_ssize_t* stack_all = <Py_ssize_t*>malloc(nt * stack_cap * sizeof(Py_ssize_t))
        # per thread: buffer, length, capacity (8 apart: no shared cache lines)
        cdef Py_ssize_t** tbuf = <Py_ssize_t**>malloc(nt * sizeof(Py_ssize_t*))
        cdef Py_ssize_t* tlen = <Py_ssize_t*>malloc(8 * nt * sizeof(Py_ssize_t))
        # shared flag (written through memory: a variable assigned in a prange would be
        # thread-private): 1 over the budget, 2 out of memory
        fail_arr = np.zeros(1, dtype=np.intc)
        cdef int[::1] failed = fail_arr
        cdef Py_ssize_t q, t, k, room, c
        cdef int tid
        cdef Py_ssize_t* grown
        if stack_all == NULL or tbuf == NULL or tlen == NULL:
            free(stack_all)
            free(tbuf)
            free(tlen)
            raise MemoryError()
        for t in range(nt):
            tlen[8 * t] = 0
            tlen[8 * t + 1] = 4096
            tbuf[t] = <Py_ssize_t*>malloc(4096 * sizeof(Py_ssize_t))
            if tbuf[t] == NULL:
                failed[0] = 2
        try:
            if failed[0]:
                raise MemoryError()
            with nogil:
                for q in prange(m, num_threads=nt, schedule="dynamic", chunksize=16):
                    tid = threadid()
                    if failed[0]:
                        continue
                    while True:
                        room = tlen[8 * tid + 1] - tlen[8 * tid]
                        c = <Py_ssize_t>_radius_one(
                            &X[0, 0], &idx[0], &start[0], &end[0], &bounds[0, 0, 0],
                            self.n_features, self.n_nodes, metric, p, &Qv[q, 0], rr,
                            &wv[0], tbuf[tid] + tlen[8 * tid], room,
                            stack_all + tid * stack_cap)
                        if c <= room:
                            break
                        if tlen[8 * tid] + c > max_total:
                            failed[0] = 1           # over the memory budget: give up
                            break
                        # double the buffer (at least to fit this query) and list again
                        k = 2 * tlen[8 * tid + 1]
                        if k < tlen[8 * tid] + c:
                            k = tlen[8 * tid] + c
                        grown = <Py_ssize_t*>realloc(tbuf[tid], k * sizeof(Py_ssize_t))
                        if grown == NULL:
                            failed[0] = 2
                            break
                        tbuf[tid] = grown
                        tlen[8 * tid + 1] = k
                    if c <= room:
                        own[q] = tid
                        at[q] = tlen[8 * tid]
                        cnt[q] = c
                        tlen[8 * tid] += c
            if failed[0] == 2:
                raise MemoryError("radius_graph: cannot grow the neighbour buffers")
            if failed[0] == 1 or counts.sum() > max_total:
                return None
            offsets = np.zeros(m + 1, dtype=np.intp)
            np.cumsum(counts, out=offsets[1:])
            indices = np.empty(offsets[m], dtype=np.intp)
            offv = offsets
            indv = indices
            self._gather_csr(m, tbuf, own, at, cnt, offv, indv)
            return offsets, indices
        finally:
            free(stack_all)
            for t in range(nt):
                free(tbuf[t])
            free(tbuf)
            free(tlen)

    cdef void _gather_csr(self, Py_ssize_t m, Py_ssize_t** tbuf, const int[::1] own,
                          const Py_ssize_t[::1] at, const Py_ssize_t[::1] cnt,
                          const Py_ssize_t[::1] offv, Py_ssize_t[::1] indv) noexcept:
        cdef Py_ssize_t q
        with nogil:
            for q in range(m):
                if cnt[q] > 0:
                    memcpy(&indv[offv[q]], tbuf[own[q]] + at[q], cnt[q] * sizeof(Py_ssize_t))

    def dbscan_expand(self, const unsigned char[::1] is_core not None, double r):
        """DBSCAN expansion [5] without storing the neighbourhood graph: the
        neighbours of each core point are listed by a radius query when the point is
        popped (each core point once), so the memory is O(n_samples) whatever eps.

        Parameters
        ----------
        is_core : ndarray of shape (n_samples,), uint8
        r : float
            eps.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        cdef Py_ssize_t n = self.n_samples
        if is_core.shape[0] != n:
            raise ValueError("is_core must have shape (%d,)" % n)
        cdef const double[:, ::1] X = self.data
        cdef const Py_ssize_t[::1] idx = self.idx_array
        cdef const Py_ssize_t[::1] start = self._start
        cdef const Py_ssize_t[::1] end = self._end
        cdef const double[:, :, ::1] bounds = self._bounds
        cdef int metric = self.metric_code
        cdef double p = self.p
        cdef double rr = _to_rdist(metric, p, r)
        ones = np.ones(n)
        cdef const double[::1] ov = ones
        labels = np.full(n, -1, dtype=np.intp)
        cdef Py_ssize_t[::1] lab = labels
        cdef Py_ssize_t* stack = <Py_ssize_t*>malloc((n + 1) * sizeof(Py_ssize_t))
        cdef Py_ssize_t* tstack = <Py_ssize_t*>malloc(
            (2 * self.n_levels + 4) * sizeof(Py_ssize_t))
        # a neighbourhood has at most n points: O(n) memory, whatever eps
        cdef Py_ssize_t* buf = <Py_ssize_t*>malloc((n + 1) * sizeof(Py_ssize_t))
        if stack == NULL or tstack == NULL or buf == NULL:
            free(stack)
            free(tstack)
            free(buf)
            raise MemoryError()
        cdef Py_ssize_t i, j, t, nb, sp, cnt, cluster = 0
        with nogil:
            for i in range(n):
                if lab[i] != -1 or not is_core[i]:
                    continue
                lab[i] = cluster
                stack[0] = i
                sp = 1
                while sp > 0:
                    sp -= 1
                    j = stack[sp]
                    cnt = <Py_ssize_t>_radius_one(&X[0, 0], &idx[0], &start[0], &end[0],
                                                  &bounds[0, 0, 0], self.n_features,
                                                  self.n_nodes, metric, p, &X[j, 0], rr,
                                                  &ov[0], buf, n, tstack)
                    for t in range(cnt):
                        nb = buf[t]
                        if lab[nb] == -1:
                            lab[nb] = cluster
                            if is_core[nb]:
                                stack[sp] = nb
                                sp += 1
                cluster += 1
        free(stack)
        free(tstack)
        free(buf)
        return labels


cdef inline double _box_min_rdist(int metric, double p, const double* lo, const double* hi,
                                  const double* q, Py_ssize_t d) noexcept nogil:
    """Reduced distance from q to the nearest point of the box [lo, hi]."""
    cdef Py_ssize_t j
    cdef double acc = 0.0, t
    for j in range(d):
        if q[j] < lo[j]:
            t = lo[j] - q[j]
        elif q[j] > hi[j]:
            t = q[j] - hi[j]
        else:
            continue
        acc = _acc(metric, p, acc, t)
    return acc


cdef inline double _box_max_rdist(int metric, double p, const double* lo, const double* hi,
                                  const double* q, Py_ssize_t d) noexcept nogil:
    """Reduced distance from q to the farthest corner of the box [lo, hi]."""
    cdef Py_ssize_t j
    cdef double acc = 0.0, a, b
    for j in range(d):
        a = fabs(q[j] - lo[j])
        b = fabs(q[j] - hi[j])
        acc = _acc(metric, p, acc, a if a > b else b)
    return acc


cdef void _knn_one(const double* X, const Py_ssize_t* idx, const Py_ssize_t* start,
                   const Py_ssize_t* end,
                   const double* bounds,          # IN  (n_nodes, 2, d)
                   Py_ssize_t d, Py_ssize_t n_nodes, int metric, double p,
                   const double* q,               # IN  (d,) the query
                   Py_ssize_t k,
                   double* hd,                    # OUT (k,) reduced distances, ascending
                   Py_ssize_t* hi,                # OUT (k,) indices
                   Py_ssize_t* stack,             # scratch
                   double* stack_rd) noexcept nogil:  # scratch
    """k nearest neighbours of one query: depth-first, nearer child first [2]."""
    cdef Py_ssize_t j, sp, node, i, left, right, first_leaf = n_nodes // 2
    cdef double rd, rl, rr, dd
    for j in range(k):
        hd[j] = INFINITY
        hi[j] = -1
    sp = 0
    stack[0] = 0
    stack_rd[0] = _box_min_rdist(metric, p, bounds, bounds + d, q, d)
    sp = 1
    while sp > 0:
        sp -= 1
        node = stack[sp]
        rd = stack_rd[sp]
        if rd > hd[0]:
            continue                      # the box is farther than the k-th candidate
        if node >= first_leaf:
            for i in range(start[node], end[node]):
                dd = _rdist(metric, p, q, X + idx[i] * d, d)
                if dd < hd[0]:
                    _heap_replace_root(hd, hi, k, dd, idx[i])
        else:
            left = 2 * node + 1
            right = left + 1
            rl = _box_min_rdist(metric, p, bounds + left * 2 * d,
                                bounds + left * 2 * d + d, q, d)
            rr = _box_min_rdist(metric, p, bounds + right * 2 * d,
                                bounds + right * 2 * d + d, q, d)
            # push the farther child first so that the nearer one is searched first
            if rl <= rr:
                stack[sp] = right
                stack_rd[sp] = rr
                stack[sp + 1] = left
                stack_rd[sp + 1] = rl
            else:
                stack[sp] = left
                stack_rd[sp] = rl
                stack[sp + 1] = right
                stack_rd[sp + 1] = rr
            sp += 2
    _heap_sort(hd, hi, k)


cdef double _radius_one(const double* X, const Py_ssize_t* idx, const Py_ssize_t* start,
                        const Py_ssize_t* end, const double* bounds, Py_ssize_t d,
                        Py_ssize_t n_nodes, int metric, double p,
                        const double* q,          # IN  (d,) the query
                        double rr,                # IN  reduced radius
                        const double* w,          # IN  (n_samples,) weights for the count
                        Py_ssize_t* out,          # OUT indices (NULL: count only)
                        Py_ssize_t cap,           # IN  room in out (never written past)
                        Py_ssize_t* stack) noexcept nogil:
    """(Weighted) count of the points within reduced distance rr of q; with ``out`` also
    their indices (at most ``cap`` of them). Boxes entirely inside the ball are taken
    without distances."""
    cdef Py_ssize_t sp, node, i, n_out = 0, first_leaf = n_nodes // 2
    cdef double total = 0.0
    cdef const double* lo
    cdef const double* hi
    stack[0] = 0
    sp = 1
    while sp > 0:
        sp -= 1
        node = stack[sp]
        if start[node] == end[node]:
            continue
        lo = bounds + node * 2 * d
        hi = lo + d
        if _box_min_rdist(metric, p, lo, hi, q, d) > rr:
            continue                                   # the box misses the ball
        if _box_max_rdist(metric, p, lo, hi, q, d) <= rr:
            for i in range(start[node], end[node]):    # the box is inside the ball
                total += w[idx[i]]
                if out != NULL and n_out < cap:
                    out[n_out] = idx[i]
                    n_out += 1
        elif node >= first_leaf:
            for i in range(start[node], end[node]):
                if _rdist(metric, p, q, X + idx[i] * d, d) <= rr:
                    total += w[idx[i]]
                    if out != NULL and n_out < cap:
                        out[n_out] = idx[i]
                        n_out += 1
        else:
            stack[sp] = 2 * node + 1
            stack[sp + 1] = 2 * node + 2
            sp += 2
    return total


def _check_queries(Q, Py_ssize_t n_features):
    Qa = np.ascontiguousarray(Q, dtype=np.float64)
    if Qa.ndim != 2 or Qa.shape[1] != n_features:
        raise ValueError("queries must have shape (n_queries, %d), got %s"
                         % (n_features, Qa.shape))
    if not np.isfinite(Qa).all():
        raise ValueError("queries contain NaN or infinity")
    return Qa


# ---- brute force ------------------------------------------------------------------------
cdef Py_ssize_t QB = 64        # queries per block (one thread's unit of work)
cdef Py_ssize_t PB = 2048      # points per block: the QB x PB distance block stays in L2


def brute_knn(X, Q, Py_ssize_t k, metric="euclidean", double p=2.0):
    """k nearest neighbours by exhaustive search.

    Euclidean: ||x||^2 - 2 q.x per (query block, point block) with the cross term one
    GEMM, a bounded max-heap per query, then the k winners' distances recomputed
    directly (no cancellation in the returned distances). Other metrics: direct loops.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    Q : ndarray of shape (n_queries, n_features)
    k : int, 1 <= k <= n_samples
    metric, p : as for :class:`KDTree`

    Returns
    -------
    dist, ind : ndarrays of shape (n_queries, k), ascending distances
    """
    if metric not in METRICS:
        raise ValueError("metric must be one of %s, got %r" % (sorted(METRICS), metric))
    cdef int code = METRICS[metric]
    if code == M_MINKOWSKI and not p >= 1:
        raise ValueError("p must be >= 1 for the minkowski metric, got %r" % (p,))
    if code == M_MINKOWSKI and p == 2.0:
        code = M_EUCLIDEAN
    Xa = _check_queries(X, np.asarray(X).shape[1] if np.ndim(X) == 2 else -1)
    cdef const double[:, ::1] Xv = Xa
    cdef const double[:, ::1] Qv = _check_queries(Q, Xv.shape[1])
    cdef Py_ssize_t n = Xv.shape[0], d = Xv.shape[1], m = Qv.shape[0]
    if k < 1 or k > n:
        raise ValueError("k=%d must be in [1, n_samples=%d]" % (k, n))
    dist = np.empty((m, k))
    ind = np.empty((m, k), dtype=np.intp)
    if m == 0:
        return dist, ind
    cdef double[:, ::1] D = dist
    cdef Py_ssize_t[:, ::1] I = ind
    x_sq = (Xa * Xa).sum(1)
    cdef const double[::1] xs = x_sq
    cdef Py_ssize_t n_qblocks = (m + QB - 1) // QB
    cdef int nt = get_num_threads()
    if nt > n_qblocks:
        nt = <int>n_qblocks
    if <double>n * m * d < 1e6:
        nt = 1
    cdef double* blk_all = <double*>malloc(nt * QB * PB * sizeof(double))
    if blk_all == NULL:
        raise MemoryError()
    cdef Py_ssize_t b, q0, nq, p0, np_, i, j, t, tid
    cdef double* blk
    cdef double* hd
    cdef Py_ssize_t* hi
    cdef double v
    cdef Py_ssize_t vi
    with nogil:
        for b in prange(n_qblocks, num_threads=nt, schedule="dynamic"):
            tid = threadid()
            blk = blk_all + tid * QB * PB
            q0 = b * QB
            nq = m - q0
            if nq > QB:
                nq = QB
            for i in range(nq):
                for j in range(k):
                    D[q0 + i, j] = INFINITY
                    I[q0 + i, j] = -1
            p0 = 0
            while p0 < n:
                np_ = n - p0
                if np_ > PB:
                    np_ = PB
                if code == M_EUCLIDEAN:
                    # blk = -2 * Q_blk @ X_blk.T, then + ||x||^2
                    dgemm(False, True, nq, np_, d, -2.0, &Qv[q0, 0], d, &Xv[p0, 0], d,
                          0.0, blk, np_)
                    for i in range(nq):
                        for j in range(np_):
                            blk[i * np_ + j] += xs[p0 + j]
                else:
                    for i in range(nq):
                        for j in range(np_):
                            blk[i * np_ + j] = _rdist(code, p, &Qv[q0 + i, 0],
                                                      &Xv[p0 + j, 0], d)
                for i in range(nq):
                    hd = &D[q0 + i, 0]
                    hi = &I[q0 + i, 0]
                    for j in range(np_):
                        if blk[i * np_ + j] < hd[0]:
                            _heap_replace_root(hd, hi, k, blk[i * np_ + j], p0 + j)
                p0 = p0 + np_
            for i in range(nq):
                hd = &D[q0 + i, 0]
                hi = &I[q0 + i, 0]
                if code == M_EUCLIDEAN:
                    # exact distances of the winners, then insertion sort (k is small)
                    for j in range(k):
                        hd[j] = _rdist(code, p, &Qv[q0 + i, 0], &Xv[hi[j], 0], d)
                    for j in range(1, k):
                        v = hd[j]
                        vi = hi[j]
                        t = j - 1
                        while t >= 0 and (hd[t] > v or (hd[t] == v and hi[t] > vi)):
                            hd[t + 1] = hd[t]
                            hi[t + 1] = hi[t]
                            t = t - 1
                        hd[t + 1] = v
                        hi[t + 1] = vi
                else:
                    _heap_sort(hd, hi, k)
                for j in range(k):
                    hd[j] = _to_dist(code, p, hd[j])
    free(blk_all)
    return dist, ind


cdef double _brute_radius_one(const double* X, Py_ssize_t n, Py_ssize_t d, int metric,
                              double p,
                              const double* q,    # IN  (d,) the query
                              double rr,          # IN  reduced radius
                              const double* w,    # IN  (n,) weights for the count
                              Py_ssize_t* out,    # OUT indices (NULL: count only)
                              Py_ssize_t cap) noexcept nogil:   # IN room in out
    cdef Py_ssize_t i, n_out = 0
    cdef double total = 0.0
    for i in range(n):
        if _rdist(metric, p, q, X + i * d, d) <= rr:
            total += w[i]
            if out != NULL and n_out < cap:
                out[n_out] = i
                n_out += 1
    return total


def _brute_setup(X, metric, double p):
    if metric not in METRICS:
        raise ValueError("metric must be one of %s, got %r" % (sorted(METRICS), metric))
    code = METRICS[metric]
    if code == M_MINKOWSKI and not p >= 1:
        raise ValueError("p must be >= 1 for the minkowski metric, got %r" % (p,))
    Xa = np.ascontiguousarray(X, dtype=np.float64)
    if Xa.ndim != 2:
        raise ValueError("X must be 2-D")
    return Xa, code


def brute_radius(X, Q, double r, metric="euclidean", double p=2.0, sample_weight=None,
                 bint count_only=False):
    """Neighbours within distance r (inclusive) by exhaustive search.

    Returns
    -------
    count_only: (weighted_counts, counts), each of shape (n_queries,); else
    offsets : ndarray of shape (n_queries + 1,)
    indices : ndarray of shape (nnz,)
    weighted_counts : ndarray of shape (n_queries,)
    """
    Xa, code_obj = _brute_setup(X, metric, p)
    cdef int code = code_obj
    cdef const double[:, ::1] Xv = Xa
    cdef const double[:, ::1] Qv = _check_queries(Q, Xv.shape[1])
    cdef Py_ssize_t n = Xv.shape[0], d = Xv.shape[1], m = Qv.shape[0]
    w = (np.ones(n) if sample_weight is None
         else np.ascontiguousarray(sample_weight, dtype=np.float64))
    if w.shape != (n,):
        raise ValueError("sample_weight must have shape (%d,)" % n)
    cdef const double[::1] wv = w
    ones = np.ones(n)
    cdef const double[::1] ov = ones
    cdef double rr = _to_rdist(code, p, r)
    wcounts = np.zeros(m)
    counts = np.zeros(m)
    cdef double[::1] wc = wcounts
    cdef double[::1] cc = counts
    cdef int nt = get_num_threads()
    cdef Py_ssize_t q
    if <double>n * m < 1e6:
        nt = 1
    if n == 0 or m == 0:
        if count_only:
            return wcounts, counts
        return np.zeros(m + 1, dtype=np.intp), np.zeros(0, dtype=np.intp), wcounts
    with nogil:
        for q in prange(m, num_threads=nt, schedule="static"):
            cc[q] = _brute_radius_one(&Xv[0, 0], n, d, code, p, &Qv[q, 0], rr, &ov[0],
                                      NULL, 0)
    if sample_weight is None:
        wcounts[:] = counts
    else:
        with nogil:
            for q in prange(m, num_threads=nt, schedule="static"):
                wc[q] = _brute_radius_one(&Xv[0, 0], n, d, code, p, &Qv[q, 0], rr, &wv[0],
                                          NULL, 0)
    if count_only:
        return wcounts, counts
    offsets = np.zeros(m + 1, dtype=np.intp)
    np.cumsum(counts.astype(np.intp), out=offsets[1:])
    indices = np.empty(offsets[m], dtype=np.intp)
    cdef Py_ssize_t[::1] offv = offsets
    cdef Py_ssize_t[::1] indv = indices
    if offsets[m] > 0:
        with nogil:
            for q in prange(m, num_threads=nt, schedule="static"):
                _brute_radius_one(&Xv[0, 0], n, d, code, p, &Qv[q, 0], rr, &ov[0],
                                  &indv[offv[q]], offv[q + 1] - offv[q])
    return offsets, indices, wcounts


def brute_dbscan_expand(X, const unsigned char[::1] is_core not None, double r,
                        metric="euclidean", double p=2.0):
    """DBSCAN expansion [5] with exhaustive radius queries made when a core point is
    popped (each core point once): O(n_samples) memory whatever eps.

    Returns
    -------
    labels : ndarray of shape (n_samples,)
    """
    Xa, code_obj = _brute_setup(X, metric, p)
    cdef int code = code_obj
    cdef const double[:, ::1] Xv = Xa
    cdef Py_ssize_t n = Xv.shape[0], d = Xv.shape[1]
    if is_core.shape[0] != n:
        raise ValueError("is_core must have shape (%d,)" % n)
    labels = np.full(n, -1, dtype=np.intp)
    if n == 0:
        return labels
    cdef Py_ssize_t[::1] lab = labels
    ones = np.ones(n)
    cdef const double[::1] ov = ones
    cdef double rr = _to_rdist(code, p, r)
    cdef Py_ssize_t* stack = <Py_ssize_t*>malloc((n + 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* buf = <Py_ssize_t*>malloc((n + 1) * sizeof(Py_ssize_t))
    if stack == NULL or buf == NULL:
        free(stack)
        free(buf)
        raise MemoryError()
    cdef Py_ssize_t i, j, t, nb, sp, cnt, cluster = 0
    with nogil:
        for i in range(n):
            if lab[i] != -1 or not is_core[i]:
                continue
            lab[i] = cluster
            stack[0] = i
            sp = 1
            while sp > 0:
                sp -= 1
                j = stack[sp]
                cnt = <Py_ssize_t>_brute_radius_one(&Xv[0, 0], n, d, code, p, &Xv[j, 0],
                                                    rr, &ov[0], buf, n)
                for t in range(cnt):
                    nb = buf[t]
                    if lab[nb] == -1:
                        lab[nb] = cluster
                        if is_core[nb]:
                            stack[sp] = nb
                            sp += 1
            cluster += 1
    free(stack)
    free(buf)
    return labels


def dbscan_expand(const Py_ssize_t[::1] offsets not None,
                  const Py_ssize_t[::1] indices not None,
                  const unsigned char[::1] is_core not None):
    """Grow DBSCAN clusters [5] over the neighbourhood graph (CSR).

    Points are visited in index order; an unlabelled core point starts a new cluster,
    which is expanded with an explicit stack: every unlabelled neighbour of a core
    point joins the cluster, and core neighbours are expanded in turn. Border points
    (non-core with a core neighbour) thus take the first cluster that reaches them;
    the rest stay -1 (noise).

    Parameters
    ----------
    offsets : ndarray of shape (n_samples + 1,)
    indices : ndarray of shape (offsets[-1],), each in [0, n_samples)
    is_core : ndarray of shape (n_samples,), uint8

    Returns
    -------
    labels : ndarray of shape (n_samples,)
    """
    cdef Py_ssize_t n = is_core.shape[0]
    if offsets.shape[0] != n + 1 or indices.shape[0] != offsets[n]:
        raise ValueError("dbscan_expand: inconsistent CSR arrays")
    cdef Py_ssize_t i
    for i in range(n):
        if offsets[i] > offsets[i + 1]:
            raise ValueError("dbscan_expand: offsets must be non-decreasing")
    for i in range(indices.shape[0]):
        if indices[i] < 0 or indices[i] >= n:
            raise ValueError("dbscan_expand: neighbour index out of range")
    labels = np.full(n, -1, dtype=np.intp)
    cdef Py_ssize_t[::1] lab = labels
    cdef Py_ssize_t* stack = <Py_ssize_t*>malloc((n + 1) * sizeof(Py_ssize_t))
    if stack == NULL:
        raise MemoryError()
    cdef Py_ssize_t sp, j, t, nb, cluster = 0
    with nogil:
        for i in range(n):
            if lab[i] != -1 or not is_core[i]:
                continue
            lab[i] = cluster
            stack[0] = i
            sp = 1
            while sp > 0:                 # each core point is pushed at most once
                sp -= 1
                j = stack[sp]
                for t in range(offsets[j], offsets[j + 1]):
                    nb = indices[t]
                    if lab[nb] == -1:
                        lab[nb] = cluster
                        if is_core[nb]:
                            stack[sp] = nb
                            sp += 1
            cluster += 1
    free(stack)
    return labels

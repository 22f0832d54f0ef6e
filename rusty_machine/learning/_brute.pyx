"""_brute.pyx: exhaustive euclidean neighbour search on our GEMM (k-nearest and radius).

For queries q and points x, ||q - x||^2 = ||q||^2 + ||x||^2 - 2 q.x. The search walks
the points in blocks; for a block of QB queries and a block of PB points (sized so that
the QB x PB block stays in the L2 cache) one GEMM gives ||x||^2 - 2 q.x (the points are
stored as [x, ||x||^2] and the queries as [-2 q, 1]), and the same pass keeps, per
query, what it needs [1, 2]:

* k nearest: a bounded max-heap of the k smallest reduced distances ||x||^2 - 2 q.x
  (||q||^2 is the same for all points of a query) [3, Sec. 6.5]. Up to 128 features
  the GEMM and the scan are fused into one C tile (csrc/rm_knn_scan.h: the same
  products for 4 queries x 16 points held in registers, compared there with the
  queries' current k-th best; the points packed in blocks of 8 at fit time), which
  saves the stores and reloads of the distance block. In front of that tile sits a
  float32 filter (rm_knn_tile4f): the same products in float32 lanes (twice as many
  per instruction), compared with the k-th best raised by a bound on their rounding
  error [4, Sec. 3.1]; only the points that pass get their float64 value, formed as
  the float64 tile forms it, so the candidates and the answers are bit for bit the
  same, at 1.3-1.8x the speed. A point is a candidate
  only when it beats the heap's root; the scan that finds the candidates of a row runs
  four lanes at a time in C (csrc/rm_knn_scan.h, dispatched per instruction set like
  the other vector kernels). No distance matrix is stored and nothing is sorted but
  the k winners.
* radius: the points with ||q||^2 + ||x||^2 - 2 q.x <= r^2.

Accuracy. The GEMM form loses the digits that ||q||^2 and ||x||^2 share with the
distance (cancellation), about delta = c (d + 2) eps (||q||^2 + ||x||^2). Three measures:
the points and queries are centred on the points' mean first (which makes the norms, and
delta, as small as the data allow); the k winners' distances are recomputed directly
from the differences; and where the rounding could matter the answer is decided exactly:
a query whose k-th squared distance is within a few delta of zero (duplicates, points in
a tight cluster far from the mean) is searched again by direct differences, and a radius
candidate within delta of r^2 is checked directly.

Threads: OpenMP over blocks of queries, each thread with its own GEMM buffer (the GEMM
runs single-threaded inside the parallel region).

References
----------
[1] V. Garcia, E. Debreuve & M. Barlaud, "Fast k nearest neighbor search using GPU",
    CVPR Workshops 2008 (distances by one matrix product, then selection).
[2] J. Johnson, M. Douze & H. Jegou, "Billion-scale similarity search with GPUs", IEEE
    Trans. Big Data 7(3), 2019 (the k-selection fused with the distance pass).
[3] T. H. Cormen et al., "Introduction to Algorithms", 3rd ed., Ch. 6 (heaps).
[4] N. J. Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., SIAM 2002,
    Sec. 3.1 (the rounding error of inner products, behind delta).
"""
from cython.parallel cimport prange, threadid
from libc.stdlib cimport malloc, free
from libc.math cimport sqrt, nextafterf, INFINITY

import numpy as np

from rusty_machine.linalg.blas cimport dgemm, get_num_threads
from rusty_machine.linalg._csrc cimport rm_knn_scan, rm_knn_tile4, rm_knn_tile4f

# Block sizes (one table): QB queries x PB points of reduced distances = 256 KiB, inside
# a 1 MiB L2 next to the blocks of points and queries it was made from. (Measured with
# one thread, 50000 points, 8 - 128 features: 256-512 x 64-128 within 3% of each
# other, 64 x 256 10-20% slower.)
cdef Py_ssize_t QB = 256
cdef Py_ssize_t PB = 128
# the fused tile (csrc/rm_knn_scan.h) replaces the GEMM for k-nearest queries up to
# TILE_MAX_FEATURES features, over blocks of TILE_PB x 8 points. Measured with one
# thread, 50000 points, 2000 queries, k = 5 / 50 (seconds, GEMM -> tile): d=8 0.075 ->
# 0.045 / 0.118 -> 0.097; d=32 0.174 -> 0.140 / 0.224 -> 0.195; d=128 0.571 -> 0.518 /
# 0.645 -> 0.592. Above 128 features a block of points outgrows the L2 cache (the tile
# does not block the features; the GEMM does).
TILE_MAX_FEATURES = 128
cdef Py_ssize_t TILE_PB = 128
# The tile's float32 filter (rm_knn_tile4f: twice the lanes; the candidates, and so the
# answers, are bit for bit the float64 tile's). Used when every entry of the operands is
# at most FILTER32_MAX_ABS in magnitude (no float32 overflow). Measured with one thread,
# 50000 gaussian points, 10000 queries, k = 5 / 50 (CPU seconds, float64 tile -> float32
# filter, machine loaded): d=8 0.226 -> 0.143 / 0.489 -> 0.387; d=32 0.675 -> 0.393 /
# 0.957 -> 0.746; d=128 2.54 -> 1.40 / 3.00 -> 2.27.
cdef bint FILTER32 = True
cdef double FILTER32_MAX_ABS = 1e15
cdef double EPS32 = 1.1920928955078125e-07
# a query is searched again exactly when its k-th squared distance is below
# EXACT_FACTOR * delta (see the module docstring)
cdef double EXACT_FACTOR = 16.0
cdef double EPS = 2.220446049250313e-16
# below this many multiply-adds the search runs on one thread
cdef double SERIAL_WORK = 1e6


def make_index(X):
    """What the search needs of the points, computed once per fit: the points centred
    on their mean (C-contiguous float64), their squared norms, and the mean.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), finite

    Returns
    -------
    (Xg, x_sq, mean, Xp, Xs) : Xg of shape (n_samples, n_features + 1) holds the
    centred points and, in its last column, their squared norms x_sq; mean the points'
    mean; Xp the same packed for the fused tile (up to TILE_MAX_FEATURES features; else
    None), in blocks of 8 points, padded to a multiple of 16 points; Xs the same in
    float32 in blocks of 16 for the tile's float32 filter (None when the filter is off
    or an entry exceeds FILTER32_MAX_ABS).
    """
    Xa = np.asarray(X, dtype=np.float64)
    if Xa.ndim != 2:
        raise ValueError("points must be 2-D, got shape %s" % (Xa.shape,))
    if not np.isfinite(Xa).all():
        raise ValueError("points must be finite (no NaN or infinity)")
    n, d = Xa.shape
    mean = Xa.mean(0) if n else np.zeros(d)
    # [x - mean, ||x - mean||^2]: with queries [-2 (q - mean), 1], one GEMM gives the
    # reduced distances ||x||^2 - 2 q.x directly
    Xg = np.empty((n, d + 1))
    np.subtract(Xa, mean, out=Xg[:, :d])
    x_sq = (Xg[:, :d] * Xg[:, :d]).sum(1)
    Xg[:, d] = x_sq
    Xp = Xs = None
    if d <= TILE_MAX_FEATURES:
        # the same, packed for the fused tile (csrc/rm_knn_scan.h): blocks of 8 points,
        # feature-major inside a block; padding points (to a multiple of 16) have +inf
        # as their norm
        nb = 2 * ((n + 15) // 16)
        pad = np.zeros((nb * 8, d + 1))
        pad[:n] = Xg
        pad[n:, d] = np.inf
        Xp = np.ascontiguousarray(pad.reshape(nb, 8, d + 1).transpose(0, 2, 1))
        if FILTER32 and (n == 0 or np.abs(Xg).max() <= FILTER32_MAX_ABS):
            # float32, blocks of 16 points, for the float32 filter (rm_knn_tile4f)
            Xs = np.ascontiguousarray(
                pad.astype(np.float32).reshape(nb // 2, 16, d + 1).transpose(0, 2, 1))
    return Xg, x_sq, mean, Xp, Xs


def _prepare(X, Q, index):
    """The index of X (made unless given); the queries centred like the points (Qc) and
    as GEMM operands [-2 Qc, 1] (Qg); the squared norms of both."""
    Xg, x_sq, mean, Xp, Xs = make_index(X) if index is None else index
    d = Xg.shape[1] - 1
    Qa = np.asarray(Q, dtype=np.float64)
    if Qa.ndim != 2 or Qa.shape[1] != d:
        raise ValueError("queries must have shape (n_queries, %d), got %s"
                         % (d, Qa.shape))
    if not np.isfinite(Qa).all():
        raise ValueError("queries must be finite (no NaN or infinity)")
    Qc = np.ascontiguousarray(Qa - mean)
    Qg = np.empty((Qc.shape[0], d + 1))
    np.multiply(Qc, -2.0, out=Qg[:, :d])
    Qg[:, d] = 1.0
    return Xg, (Xp, Xs), Qc, Qg, x_sq, (Qc * Qc).sum(1)


cdef inline double _sqdist(const double* a, const double* b, Py_ssize_t d) noexcept nogil:
    cdef double s = 0.0, t
    cdef Py_ssize_t i
    for i in range(d):
        t = a[i] - b[i]
        s += t * t
    return s


cdef inline bint _before(double d1, Py_ssize_t i1, double d2, Py_ssize_t i2) noexcept nogil:
    """(d1, i1) sorts before (d2, i2): by distance, ties by index."""
    return d1 < d2 or (d1 == d2 and i1 < i2)


cdef inline void _heap_replace_root(double* hd, Py_ssize_t* hi, Py_ssize_t k,
                                    double v, Py_ssize_t vi) noexcept nogil:
    """Max-heap on (distance, index) of size k: drop the root, insert (v, vi) [3]."""
    cdef Py_ssize_t i = 0, c, r
    while True:
        c = 2 * i + 1
        if c >= k:
            break
        r = c + 1
        if r < k and _before(hd[c], hi[c], hd[r], hi[r]):
            c = r
        if not _before(v, vi, hd[c], hi[c]):
            break
        hd[i] = hd[c]
        hi[i] = hi[c]
        i = c
    hd[i] = v
    hi[i] = vi


cdef void _heap_sort(double* hd, Py_ssize_t* hi, Py_ssize_t k) noexcept nogil:
    """The max-heap of the k winners into ascending (distance, index) order, in place
    (heapsort [3, Sec. 6.4]: k log k, where insertion sort of a heap is k^2 / 4)."""
    cdef Py_ssize_t end, ri
    cdef double r
    for end in range(k - 1, 0, -1):
        r = hd[0]
        ri = hi[0]
        _heap_replace_root(hd, hi, end, hd[end], hi[end])
        hd[end] = r
        hi[end] = ri


cdef void _sort_pairs(double* hd, Py_ssize_t* hi, Py_ssize_t k) noexcept nogil:
    """Insertion sort of the k winners by (distance, index); k is small."""
    cdef Py_ssize_t j, t, vi
    cdef double v
    for j in range(1, k):
        v = hd[j]
        vi = hi[j]
        t = j - 1
        while t >= 0 and _before(v, vi, hd[t], hi[t]):
            hd[t + 1] = hd[t]
            hi[t + 1] = hi[t]
            t = t - 1
        hd[t + 1] = v
        hi[t + 1] = vi


cdef void _exact_query(const double* X, Py_ssize_t n, Py_ssize_t d, const double* q,
                       Py_ssize_t k, double* hd, Py_ssize_t* hi) noexcept nogil:
    """The k nearest by direct differences (the exact fallback); X: n x (d + 1)."""
    cdef Py_ssize_t j
    cdef double v
    for j in range(k):
        hd[j] = INFINITY
        hi[j] = n
    for j in range(n):
        v = _sqdist(q, X + j * (d + 1), d)
        if _before(v, j, hd[0], hi[0]):
            _heap_replace_root(hd, hi, k, v, j)


cdef void _knn_block(const double* X,                # IN  n x (d + 1), [x, ||x||^2]
                     Py_ssize_t n, Py_ssize_t d,
                     const double* Q,                # IN  nq x d, centred queries
                     const double* Qg,               # IN  nq x (d + 1), [-2 q, 1]
                     const double* qs, Py_ssize_t nq, Py_ssize_t k, double xs_max,
                     double* D, Py_ssize_t* I,        # OUT nq x k distances, indices
                     double* blk,                      # WORK QB x PB
                     Py_ssize_t* cand                  # WORK PB
                     ) noexcept nogil:
    """k nearest of the nq queries (nq <= QB) among the n points."""
    cdef Py_ssize_t i, j, c, p0, np_, ncand
    cdef double* hd
    cdef Py_ssize_t* hi
    cdef double* row
    for i in range(nq * k):
        D[i] = INFINITY
        I[i] = n
    p0 = 0
    while p0 < n:
        np_ = n - p0 if n - p0 < PB else PB
        # blk = Qg @ X[p0:p0+np_].T = ||x||^2 - 2 q.x
        dgemm(False, True, nq, np_, d + 1, 1.0, Qg, d + 1, X + p0 * (d + 1), d + 1, 0.0,
              blk, np_)
        for i in range(nq):
            hd = D + i * k
            hi = I + i * k
            row = blk + i * np_
            # candidates: below the current k-th best (C, 4 lanes at a time)
            ncand = rm_knn_scan(np_, row, hd[0], cand)
            for c in range(ncand):
                j = cand[c]
                if row[j] < hd[0]:
                    _heap_replace_root(hd, hi, k, row[j], p0 + j)
        p0 += np_
    _finish(X, n, d, Q, qs, nq, k, xs_max, D, I)


cdef void _finish(const double* X, Py_ssize_t n, Py_ssize_t d, const double* Q,
                  const double* qs, Py_ssize_t nq, Py_ssize_t k, double xs_max,
                  double* D, Py_ssize_t* I) noexcept nogil:
    """The winners' exact distances, sorted; the exact search where rounding matters."""
    cdef Py_ssize_t i, j
    cdef double* hd
    cdef Py_ssize_t* hi
    cdef double delta
    for i in range(nq):
        hd = D + i * k
        hi = I + i * k
        # exact distances of the winners (no cancellation in what is returned), sorted:
        # the heap's order first, which the exact distances almost keep (the insertion
        # sort then has next to nothing to move)
        _heap_sort(hd, hi, k)
        for j in range(k):
            hd[j] = _sqdist(Q + i * d, X + hi[j] * (d + 1), d)
        _sort_pairs(hd, hi, k)
        delta = 4.0 * (d + 2) * EPS * (qs[i] + xs_max)
        if hd[k - 1] < EXACT_FACTOR * delta:
            # rounding is of the order of the distances themselves: decide exactly
            _exact_query(X, n, d, Q + i * d, k, hd, hi)
            _sort_pairs(hd, hi, k)
        for j in range(k):
            hd[j] = sqrt(hd[j])


cdef void _knn_block_tile(const double* X,          # IN  n x (d + 1), [x, ||x||^2]
                          const double* Xp,         # IN  packed blocks of 8 (make_index)
                          const float* Xs,          # IN  float32 blocks of 16, or NULL
                          Py_ssize_t n, Py_ssize_t d,
                          const double* Q,          # IN  nq x d, centred queries
                          const double* Qg,         # IN  nq x (d + 1), [-2 q, 1]
                          const float* Qs,          # IN  Qg in float32 (with Xs)
                          const double* qs, Py_ssize_t nq, Py_ssize_t k, double xs_max,
                          double* D, Py_ssize_t* I,  # OUT nq x k distances, indices
                          double* work,              # WORK 8 (d + 1) + 32 TILE_PB + 64
                          Py_ssize_t* iwork          # WORK 64 TILE_PB + 64
                          ) noexcept nogil:
    """k nearest for few features: the fused tile of csrc/rm_knn_scan.h (4 queries x 8
    points in registers) over blocks of TILE_PB x 8 points that stay in cache; with Xs,
    the same behind its float32 filter (4 queries x 16 points, rm_knn_tile4f)."""
    cdef Py_ssize_t d1 = d + 1, nbt = 2 * ((n + 15) // 16), b0, nbb, g, r, rn, c, cnt, j
    cdef Py_ssize_t pb = TILE_PB + (TILE_PB & 1) if Xs != NULL else TILE_PB
    cdef double thr[4]
    cdef float thr32[4]
    cdef double t
    cdef double* qpad = work
    cdef float* qpad32 = <float*>(work + 4 * d1)
    cdef const float* qptr32 = NULL
    cdef double* ov = work + 8 * d1
    cdef Py_ssize_t* oq = iwork
    cdef Py_ssize_t* oj = iwork + 32 * pb
    cdef const double* qptr
    cdef double* hd
    cdef Py_ssize_t* hi
    for r in range(nq * k):
        D[r] = INFINITY
        I[r] = n
    # the thresholds are read once per tile call: the first calls are short (one k's
    # worth of points, then doubling) so that the heaps' roots tighten early
    # (an even number of blocks of 8: whole blocks of 16 for the float32 filter)
    cdef Py_ssize_t step = 2 * ((k + 15) // 16)
    # the float32 filter's margin per query: its rounding error is at most
    # gamma_{d+3} sum_p |q'_p x'_p| <= (d + 3) eps32 / 2 (||q||^2 + 2 ||x||^2) (Higham
    # ASNA Sec. 3.1, the inputs' rounding to float32 counted); 4 times that, plus an
    # absolute floor for float32 underflow (|entries| <= FILTER32_MAX_ABS)
    cdef double* margin = work + 8 * d1 + 32 * pb
    if Xs != NULL:
        for r in range(nq):
            margin[r] = 2.0 * (d + 3) * EPS32 * (qs[r] + 2.0 * xs_max) + d1 * 1e-29
    b0 = 0
    while b0 < nbt:
        nbb = step if step < pb else pb
        if nbb > nbt - b0:
            nbb = nbt - b0
        if step < pb:
            step *= 2           # (capped: doubling on would overflow after 62 calls)
        g = 0
        while g < nq:
            rn = nq - g if nq - g < 4 else 4
            for r in range(4):
                thr[r] = D[(g + r) * k] if r < rn else -INFINITY
            if rn == 4:
                qptr = Qg + g * d1
                if Xs != NULL:
                    qptr32 = Qs + g * d1
            else:
                # the last, partial group: absent queries are zeros with no candidates
                for r in range(4 * d1):
                    qpad[r] = Qg[g * d1 + r] if r < rn * d1 else 0.0
                    if Xs != NULL:
                        qpad32[r] = Qs[g * d1 + r] if r < rn * d1 else 0.0
                qptr = qpad
                qptr32 = qpad32
            if Xs != NULL:
                for r in range(4):
                    # thr32 >= thr + margin, rounded up (-inf stays -inf)
                    t = thr[r] + margin[g + r] if r < rn else -INFINITY
                    thr32[r] = <float>t
                    if <double>thr32[r] < t:
                        thr32[r] = nextafterf(thr32[r], INFINITY)
                cnt = rm_knn_tile4f(d1, nbb // 2, Xs + b0 * d1 * 8, Xp + b0 * d1 * 8,
                                    qptr32, qptr, d1, thr32, thr, oq, oj, ov)
            else:
                cnt = rm_knn_tile4(d1, nbb, Xp + b0 * d1 * 8, qptr, d1, thr, oq, oj, ov)
            for c in range(cnt):
                r = oq[c]
                j = b0 * 8 + oj[c]
                hd = D + (g + r) * k
                hi = I + (g + r) * k
                if j < n and ov[c] < hd[0]:
                    _heap_replace_root(hd, hi, k, ov[c], j)
            g += 4
        b0 += nbb
    _finish(X, n, d, Q, qs, nq, k, xs_max, D, I)


def knn(X, Q, Py_ssize_t k, index=None):
    """k nearest points of each query (euclidean), by blocked GEMM and per-query heaps.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    Q : array-like of shape (n_queries, n_features)
    k : int, 1 <= k <= n_samples
    index : tuple, optional
        ``make_index(X)``, when the caller keeps it between searches.

    Returns
    -------
    dist : ndarray of shape (n_queries, k), ascending (ties by index)
    ind : ndarray of shape (n_queries, k)
    """
    Xg, (Xp, Xs), Qc, Qg, x_sq, q_sq = _prepare(X, Q, index)
    cdef Py_ssize_t n = Xg.shape[0], d = Qc.shape[1], m = Qc.shape[0]
    if k < 1 or k > n:
        raise ValueError("k=%d must be in [1, n_samples=%d]" % (k, n))
    dist = np.empty((m, k))
    ind = np.empty((m, k), dtype=np.intp)
    if m == 0:
        return dist, ind
    if d == 0:
        dist[:] = 0.0
        ind[:] = np.arange(k)
        return dist, ind
    cdef const double[:, ::1] Xv = Xg
    cdef const double[:, ::1] Qv = Qc
    cdef const double[:, ::1] Qgv = Qg
    cdef const double[::1] qs = q_sq
    cdef double[:, ::1] Dv = dist
    cdef Py_ssize_t[:, ::1] Iv = ind
    cdef double xs_max = float(x_sq.max())
    cdef Py_ssize_t n_blocks = (m + QB - 1) // QB
    cdef int nt = get_num_threads()
    if nt > n_blocks:
        nt = <int>n_blocks
    if <double>n * m * d < SERIAL_WORK:
        nt = 1
    cdef bint tile = Xp is not None
    cdef const double[:, :, ::1] Xpv
    cdef const double* xp = NULL
    cdef const float[:, :, ::1] Xsv
    cdef const float[:, ::1] Qsv
    cdef const float* xs = NULL
    cdef const float* qsp = NULL
    if tile:
        Xpv = Xp
        xp = &Xpv[0, 0, 0]
        if Xs is not None and FILTER32 and np.abs(Qg).max() <= FILTER32_MAX_ABS:
            Xsv = Xs
            xs = &Xsv[0, 0, 0]
            Qsv = Qg.astype(np.float32)
            qsp = &Qsv[0, 0]
    # per thread: the GEMM block and the scan's candidates, or the tile's buffers
    cdef Py_ssize_t fsize = max(QB * PB, 8 * (d + 1) + 32 * (TILE_PB + 1) + QB)
    cdef Py_ssize_t isize = max(PB, 64 * (TILE_PB + 1))
    cdef double* blk_all = <double*>malloc(nt * fsize * sizeof(double))
    cdef Py_ssize_t* cand_all = <Py_ssize_t*>malloc(nt * isize * sizeof(Py_ssize_t))
    if blk_all == NULL or cand_all == NULL:
        free(blk_all)
        free(cand_all)
        raise MemoryError()
    cdef Py_ssize_t b, q0, nq, tid
    with nogil:
        for b in prange(n_blocks, num_threads=nt, schedule="dynamic"):
            tid = threadid()
            q0 = b * QB
            nq = m - q0 if m - q0 < QB else QB
            if tile:
                _knn_block_tile(&Xv[0, 0], xp, xs, n, d, &Qv[q0, 0], &Qgv[q0, 0],
                                qsp + q0 * (d + 1) if qsp != NULL else NULL, &qs[q0], nq,
                                k, xs_max, &Dv[q0, 0], &Iv[q0, 0], blk_all + tid * fsize,
                                cand_all + tid * isize)
            else:
                _knn_block(&Xv[0, 0], n, d, &Qv[q0, 0], &Qgv[q0, 0], &qs[q0], nq, k,
                           xs_max, &Dv[q0, 0], &Iv[q0, 0], blk_all + tid * fsize,
                           cand_all + tid * isize)
    free(blk_all)
    free(cand_all)
    return dist, ind


cdef void _radius_rows(const double* X,           # IN  n x (d + 1), [x, ||x||^2]
                       Py_ssize_t n, Py_ssize_t d,
                       const double* Q,           # IN  nq x d, centred queries
                       const double* Qg,          # IN  nq x (d + 1), [-2 q, 1]
                       const double* qs, Py_ssize_t nq, double r2,
                       double xs_max, const double* w,
                       double* wcount,        # OUT (nq,) weighted counts
                       Py_ssize_t* count,     # OUT (nq,) counts
                       Py_ssize_t* indices, const Py_ssize_t* offsets,  # OUT CSR, or NULL
                       double* blk, Py_ssize_t* cand) noexcept nogil:
    """Radius search for a block of queries: GEMM QB x PB, then one scan per row."""
    cdef Py_ssize_t i, p0, np_, c, j, ncand
    cdef double lo, hi_, v, delta
    cdef double* row
    for i in range(nq):
        wcount[i] = 0.0
        count[i] = 0
    p0 = 0
    while p0 < n:
        np_ = n - p0 if n - p0 < PB else PB
        # blk = Qg @ X[p0:p0+np_].T = ||x||^2 - 2 q.x
        dgemm(False, True, nq, np_, d + 1, 1.0, Qg, d + 1, X + p0 * (d + 1), d + 1, 0.0,
              blk, np_)
        for i in range(nq):
            row = blk + i * np_
            delta = 4.0 * (d + 2) * EPS * (qs[i] + xs_max)
            lo = r2 - qs[i] - delta
            hi_ = r2 - qs[i] + delta
            ncand = rm_knn_scan(np_, row, hi_, cand)
            for c in range(ncand):
                j = cand[c]
                v = row[j]
                if v <= lo or _sqdist(Q + i * d, X + (p0 + j) * (d + 1), d) <= r2:
                    if indices != NULL:
                        indices[offsets[i] + count[i]] = p0 + j
                    count[i] += 1
                    wcount[i] += w[p0 + j] if w != NULL else 1.0
        p0 += np_


def radius(X, Q, double r, sample_weight=None, bint count_only=False, index=None):
    """Points within euclidean distance r (inclusive) of each query.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    Q : array-like of shape (n_queries, n_features)
    r : float >= 0
    sample_weight : array-like of shape (n_samples,), optional
        Weights summed into the weighted counts.
    count_only : bool
        Only the counts.
    index : tuple, optional
        ``make_index(X)``.

    Returns
    -------
    count_only: (weighted_counts, counts), each of shape (n_queries,); else
    offsets : ndarray of shape (n_queries + 1,)
    indices : ndarray of shape (nnz,), each query's neighbours in ascending order
    weighted_counts : ndarray of shape (n_queries,)
    """
    if not r >= 0:
        raise ValueError("r must be a number >= 0, got %r" % (r,))
    Xg, _, Qc, Qg, x_sq, q_sq = _prepare(X, Q, index)
    cdef Py_ssize_t n = Xg.shape[0], d = Qc.shape[1], m = Qc.shape[0]
    w = None
    if sample_weight is not None:
        w = np.ascontiguousarray(sample_weight, dtype=np.float64)
        if w.shape != (n,):
            raise ValueError("sample_weight must have shape (%d,)" % n)
    wcounts = np.zeros(m)
    counts = np.zeros(m, dtype=np.intp)
    if n == 0 or m == 0 or d == 0:
        if d == 0 and n > 0:
            counts[:] = n
            wcounts[:] = n if w is None else w.sum()
        if count_only:
            return wcounts, counts.astype(np.float64)
        offsets = np.zeros(m + 1, dtype=np.intp)
        np.cumsum(counts, out=offsets[1:])
        return offsets, np.tile(np.arange(n), m), wcounts
    cdef const double[:, ::1] Xv = Xg
    cdef const double[:, ::1] Qv = Qc
    cdef const double[:, ::1] Qgv = Qg
    cdef const double[::1] qs = q_sq
    cdef const double[::1] wv
    cdef const double* wp = NULL
    if w is not None:
        wv = w
        wp = &wv[0]
    cdef double[::1] wc = wcounts
    cdef Py_ssize_t[::1] cc = counts
    cdef double xs_max = float(x_sq.max())
    cdef double r2 = r * r
    cdef Py_ssize_t n_blocks = (m + QB - 1) // QB
    cdef int nt = get_num_threads()
    if nt > n_blocks:
        nt = <int>n_blocks
    if <double>n * m * d < SERIAL_WORK:
        nt = 1
    cdef double* blk_all = <double*>malloc(nt * QB * PB * sizeof(double))
    cdef Py_ssize_t* cand_all = <Py_ssize_t*>malloc(nt * PB * sizeof(Py_ssize_t))
    if blk_all == NULL or cand_all == NULL:
        free(blk_all)
        free(cand_all)
        raise MemoryError()
    cdef Py_ssize_t b, q0, nq, tid
    cdef Py_ssize_t[::1] offv
    cdef Py_ssize_t[::1] indv
    cdef Py_ssize_t* ind_p = NULL
    try:
        # pass 1: counts
        with nogil:
            for b in prange(n_blocks, num_threads=nt, schedule="dynamic"):
                tid = threadid()
                q0 = b * QB
                nq = m - q0 if m - q0 < QB else QB
                _radius_rows(&Xv[0, 0], n, d, &Qv[q0, 0], &Qgv[q0, 0], &qs[q0], nq, r2, xs_max,
                             wp, &wc[q0], &cc[q0], NULL, NULL, blk_all + tid * QB * PB,
                             cand_all + tid * PB)
        if count_only:
            return wcounts, counts.astype(np.float64)
        # pass 2: the neighbour lists into the CSR arrays sized by pass 1
        offsets = np.zeros(m + 1, dtype=np.intp)
        np.cumsum(counts, out=offsets[1:])
        indices = np.empty(offsets[m], dtype=np.intp)
        offv = offsets
        if offsets[m] > 0:
            indv = indices
            ind_p = &indv[0]
            with nogil:
                for b in prange(n_blocks, num_threads=nt, schedule="dynamic"):
                    tid = threadid()
                    q0 = b * QB
                    nq = m - q0 if m - q0 < QB else QB
                    _radius_rows(&Xv[0, 0], n, d, &Qv[q0, 0], &Qgv[q0, 0], &qs[q0], nq, r2,
                                 xs_max, wp, &wc[q0], &cc[q0], ind_p, &offv[q0],
                                 blk_all + tid * QB * PB, cand_all + tid * PB)
        return offsets, indices, wcounts
    finally:
        free(blk_all)
        free(cand_all)


def _set_block_sizes(qb=None, pb=None, exact_factor=None, tile_pb=None, tile_max=None,
                     filter32=None):
    """Set the block sizes (testing and tuning aid); returns the previous values.
    tile_max: TILE_MAX_FEATURES (applies to indexes made afterwards); filter32: the
    tile's float32 filter on or off."""
    global QB, PB, EXACT_FACTOR, TILE_PB, TILE_MAX_FEATURES, FILTER32
    old = dict(qb=QB, pb=PB, exact_factor=EXACT_FACTOR, tile_pb=TILE_PB,
               tile_max=TILE_MAX_FEATURES, filter32=FILTER32)
    if filter32 is not None:
        FILTER32 = bool(filter32)
    if tile_pb is not None:
        if int(tile_pb) < 1:
            raise ValueError("tile_pb must be >= 1, got %r" % (tile_pb,))
        TILE_PB = tile_pb
    if tile_max is not None:
        TILE_MAX_FEATURES = tile_max
    for name, value in (("qb", qb), ("pb", pb)):
        if value is not None and int(value) < 1:
            raise ValueError("%s must be >= 1, got %r" % (name, value))
    if qb is not None:
        QB = qb
    if pb is not None:
        PB = pb
    if exact_factor is not None:
        EXACT_FACTOR = exact_factor
    return old

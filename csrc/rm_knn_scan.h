/* rm_knn_scan.h: the candidate scan of the brute-force k-nearest-neighbour search.
 *
 * Not a header to include anywhere else: rm_vec_impl.h includes it once per
 * instruction set (RM_SFX names the instance), and the table of rm_kernels.h carries it.
 *
 * The search (rusty_machine/learning/_brute.pyx) gets, for a block of queries and a
 * block of points, the reduced distances  v[j] = ||x_j||^2 - 2 q . x_j  (the squared
 * distance minus the query's constant ||q||^2) from one GEMM; they decide the order of
 * the neighbours.  A point
 * matters only when it beats the current k-th best (the root of the query's max-heap,
 * thr): after the first few blocks almost none do, so the scan is a compare of a whole
 * row against one threshold and its output is short.  Eight numbers at a time: two
 * 4-lane compares and a branch on "any lane below" (taken rarely).
 *
 * Contract: writes to out (room for n entries) the indices j in [0, n), ascending, with
 * v[j] < thr, and returns how many.  thr may be +inf; NaN never passes.
 *
 * Reference: the "GEMM then select" structure of brute-force k-NN on dense hardware,
 * V. Garcia, E. Debreuve & M. Barlaud, "Fast k nearest neighbor search using GPU",
 * CVPR Workshops 2008; J. Johnson, M. Douze & H. Jegou, "Billion-scale similarity search
 * with GPUs", IEEE Trans. Big Data 2019 (the per-query threshold filter before the heap).
 */
#if RM_HAVE_VEC
typedef long long rm_knn_v4i __attribute__((vector_size(32)));   /* compare results */
#endif

static ptrdiff_t RM_SFX(knn_scan)(ptrdiff_t n, const double *v, double thr,
                                  ptrdiff_t *out) {
    ptrdiff_t j = 0, cnt = 0;
#if RM_HAVE_VEC
    const rm_v4d tv = {thr, thr, thr, thr};
    for (; j + 8 <= n; j += 8) {
        rm_v4d a = rm_load4(v + j), b = rm_load4(v + j + 4);
        /* lane-wise a < thr: all ones (-1) where true */
        rm_knn_v4i ma = (rm_knn_v4i)(a < tv), mb = (rm_knn_v4i)(b < tv);
        rm_knn_v4i m = ma | mb;
        if (m[0] | m[1] | m[2] | m[3]) {
            for (ptrdiff_t t = 0; t < 8; t++)
                if (v[j + t] < thr) out[cnt++] = j + t;
        }
    }
#endif
    for (; j < n; j++)
        if (v[j] < thr) out[cnt++] = j;
    return cnt;
}

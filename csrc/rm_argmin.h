/* rm_argmin.h: the arg-min of k-means' assignment step (learning/_k_means.pyx), written
 * once for both element types.  Not a header to include anywhere else: rm_vec_impl.h
 * includes it twice per instruction set, after rm_vec_level12.h, with
 *     RM_T double, RM_VN(x) d##x, RM_VEC rm_v4d, RM_VI rm_v4l (4 lanes, 64-bit indices)
 *     RM_T float,  RM_VN(x) s##x, RM_VEC rm_v8f, RM_VI rm_v8i (8 lanes, 32-bit indices)
 * giving dargmin_rows_<isa> and sargmin_rows_<isa>.
 *
 * Contract: for each row i in [0, m), labels[i] = the first j in [0, n) with the
 * smallest c[j] + D[i * ldd + j]; the sums are compared exactly as the scalar loop
 *     best = +inf; bj = 0; for j: t = c[j] + d[j]; if (t < best) { best = t; bj = j; }
 * compares them (NaN never selected; a row of +inf or NaN gives 0).  D is not modified.
 *
 * Why vectors by hand: a compare-select reduction with its index is not vectorised by
 * the compiler without -ffast-math (rm_vec_impl.h, ext_row).  Each lane keeps its own
 * running minimum and the index where it was first reached (strict <, so the first
 * occurrence within the lane); the lanes are then merged by (value, index), which gives
 * the first occurrence over the row, and the tail (j beyond the last full vector, so
 * larger indices than every lane's) is scanned by the scalar loop.  The masks of the
 * vector comparisons are -1 / 0 integers of the lanes' width, so a select is
 * (a & mask) | (b & ~mask) on the bits.  One pass over the row, L sums per step: the
 * float instance does twice the entries per step of the double one, as sgemm does next to
 * dgemm before it.
 */
#define L RM_L
static void RM_SFX(RM_VN(argmin_rows))(ptrdiff_t m, ptrdiff_t n, const RM_T *c,
                                       const RM_T *D, ptrdiff_t ldd, int *labels) {
    for (ptrdiff_t i = 0; i < m; i++) {
        const RM_T *d = D + i * ldd;
        RM_T best = (RM_T)INFINITY;
        ptrdiff_t bj = 0, j = 0;
#if RM_HAVE_VEC
        if (n >= L) {
            RM_VEC mv, inf;
            RM_VI iv, jv, step;
            for (int l = 0; l < L; l++) {
                inf[l] = (RM_T)INFINITY;
                iv[l] = 0;
                jv[l] = l;
                step[l] = L;
            }
            mv = inf;
            for (; j + L <= n; j += L) {
                const RM_VEC v = RM_VLOAD(c + j) + RM_VLOAD(d + j);
                const RM_VI lt = (RM_VI)(v < mv);          /* -1 where v is smaller */
                mv = (RM_VEC)(((RM_VI)v & lt) | ((RM_VI)mv & ~lt));
                iv = (jv & lt) | (iv & ~lt);
                jv += step;
            }
            for (int l = 0; l < L; l++) {
                if (mv[l] < best || (mv[l] == best && (ptrdiff_t)iv[l] < bj)) {
                    best = mv[l];
                    bj = (ptrdiff_t)iv[l];
                }
            }
        }
#endif
        for (; j < n; j++) {
            const RM_T t = c[j] + d[j];
            if (t < best) {
                best = t;
                bj = j;
            }
        }
        labels[i] = (int)bj;
    }
}
#undef L

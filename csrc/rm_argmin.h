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

/* The same arg-min and, beside it, the two smallest sums of the row (Hamerly's bounds,
 * learning/_k_means.pyx: hamerly_iter): labels[i] exactly as argmin_rows gives it,
 * best[i] = c[labels[i]] + D[i, labels[i]] and second[i] = the smallest c[j] + D[i, j]
 * over j != labels[i] (+inf when n == 1; NaN never counted).  Each lane keeps its two
 * smallest sums: a new v below the lane's minimum pushes that minimum into the second
 * place, else a v below the second replaces it.  Merging the lanes, the row's second
 * smallest is the least of every lane's second and of the minima of the lanes that did
 * not win; the scalar tail then updates both as the scalar loop would. */
/* one step of argmin2_rows' lanes: v enters the lane set (mv, m2, iv) at indices jv */
#define RM_ARGMIN2_STEP(v, mv, m2, iv, jv)                                             \
    do {                                                                               \
        const RM_VI lt_ = (RM_VI)((v) < (mv));       /* -1 where v is the new min */    \
        const RM_VI lt2_ = (RM_VI)((v) < (m2)) | lt_; /* -1 where the second moves */   \
        const RM_VI cand_ = ((RM_VI)(mv) & lt_) | ((RM_VI)(v) & ~lt_);                  \
        (m2) = (RM_VEC)((cand_ & lt2_) | ((RM_VI)(m2) & ~lt2_));                        \
        (mv) = (RM_VEC)(((RM_VI)(v) & lt_) | ((RM_VI)(mv) & ~lt_));                     \
        (iv) = ((jv) & lt_) | ((iv) & ~lt_);                                            \
    } while (0)

static void RM_SFX(RM_VN(argmin2_rows))(ptrdiff_t m, ptrdiff_t n, const RM_T *c,
                                        const RM_T *D, ptrdiff_t ldd, int *labels,
                                        RM_T *best_out, RM_T *second_out) {
    for (ptrdiff_t i = 0; i < m; i++) {
        const RM_T *d = D + i * ldd;
        RM_T best = (RM_T)INFINITY, second = (RM_T)INFINITY;
        ptrdiff_t bj = 0, j = 0;
#if RM_HAVE_VEC
        if (n >= L) {
            /* two sets of lanes (even and odd vectors of the row): two independent
             * compare-select chains per step, merged as 2 L lanes at the end */
            RM_VEC mv[2], m2[2], inf;
            RM_VI iv[2], jv0, jv1, step, zero;
            for (int l = 0; l < L; l++) {
                inf[l] = (RM_T)INFINITY;
                zero[l] = 0;
                jv0[l] = l;
                jv1[l] = L + l;
                step[l] = 2 * L;
            }
            iv[0] = iv[1] = zero;
            mv[0] = mv[1] = m2[0] = m2[1] = inf;
            for (; j + 2 * L <= n; j += 2 * L) {
                const RM_VEC v0 = RM_VLOAD(c + j) + RM_VLOAD(d + j);
                const RM_VEC v1 = RM_VLOAD(c + j + L) + RM_VLOAD(d + j + L);
                RM_ARGMIN2_STEP(v0, mv[0], m2[0], iv[0], jv0);
                RM_ARGMIN2_STEP(v1, mv[1], m2[1], iv[1], jv1);
                jv0 += step;
                jv1 += step;
            }
            if (j + L <= n) {
                const RM_VEC v0 = RM_VLOAD(c + j) + RM_VLOAD(d + j);
                RM_ARGMIN2_STEP(v0, mv[0], m2[0], iv[0], jv0);
                j += L;
            }
            int win_s = 0, win_l = 0;
            for (int h = 0; h < 2; h++)
                for (int l = 0; l < L; l++)
                    if (mv[h][l] < best || (mv[h][l] == best && (ptrdiff_t)iv[h][l] < bj)) {
                        best = mv[h][l];
                        bj = (ptrdiff_t)iv[h][l];
                        win_s = h;
                        win_l = l;
                    }
            for (int h = 0; h < 2; h++)
                for (int l = 0; l < L; l++) {
                    if (m2[h][l] < second) second = m2[h][l];
                    if ((h != win_s || l != win_l) && mv[h][l] < second) second = mv[h][l];
                }
        }
#endif
        for (; j < n; j++) {
            const RM_T t = c[j] + d[j];
            if (t < best) {
                second = best;
                best = t;
                bj = j;
            } else if (t < second) {
                second = t;
            }
        }
        labels[i] = (int)bj;
        best_out[i] = best;
        second_out[i] = second;
    }
}
#undef RM_ARGMIN2_STEP
#undef L

/* rm_kmeans_assign_impl.h: one element type's instance of rm_kmeans_assign.h (which
 * includes it twice, with T, KN(name), VL, FMA_SCALAR and the vector macros defined;
 * contracts and references there).  Not a header to include anywhere else. */
#define NB (RM_KA_NV * VL)

/* Elements of the packed centres for k centres of d features. */
static inline ptrdiff_t KN(packed_size)(ptrdiff_t k, ptrdiff_t d) {
    return (k + NB - 1) / NB * (d + 1) * NB;
}

/* packed = the blocks of rm_kmeans_assign.h's layout, from C (k x d, row-major) */
static void KN(pack)(ptrdiff_t k, ptrdiff_t d, const T *C, T *packed) {
    for (ptrdiff_t j0 = 0; j0 < k; j0 += NB) {
        T *blk = packed + j0 / NB * (d + 1) * NB;
        for (ptrdiff_t l = 0; l < NB; l++) {
            double sq = 0.0;
            for (ptrdiff_t p = 0; p < d; p++) {
                const T cp = j0 + l < k ? C[(j0 + l) * d + p] : (T)0;
                sq += (double)cp * cp;
                blk[(1 + p) * NB + l] = -2 * cp;
            }
            blk[l] = j0 + l < k ? (T)sq : (T)INFINITY;
        }
    }
}

/* The generic path: the contract's scalar loop, v[r, j] summed as the vector path sums
 * it (one fma per feature, in feature order). */
static void KN(assign_generic)(ptrdiff_t m, ptrdiff_t d, const T *X, ptrdiff_t ldx,
                               const ptrdiff_t *rows, ptrdiff_t k, const T *packed,
                               int *labels, T *best, T *second) {
    for (ptrdiff_t r = 0; r < m; r++) {
        const T *x = X + (rows ? rows[r] : r) * ldx;
        T b = (T)INFINITY, s = (T)INFINITY;
        ptrdiff_t bj = 0;
        for (ptrdiff_t j = 0; j < k; j++) {
            const T *col = packed + j / NB * (d + 1) * NB + j % NB;
            T v = col[0];
            for (ptrdiff_t p = 0; p < d; p++) v = FMA_SCALAR(x[p], col[(1 + p) * NB], v);
            if (v < b) {
                s = b;
                b = v;
                bj = j;
            } else if (v < s) {
                s = v;
            }
        }
        labels[r] = (int)bj;
        if (best) {
            best[r] = b;
            second[r] = s;
        }
    }
}

/* The centre sums of a chunk (rm_kmeans_assign.h, "Centre sums"): the scalar loop. */
RM_KA_NOCONTRACT static void KN(accumulate_generic)(ptrdiff_t m, ptrdiff_t d, const T *X,
                                                    const double *w, const int *labels,
                                                    double *sums, double *wsums) {
    for (ptrdiff_t r = 0; r < m; r++) {
        double *row = sums + (ptrdiff_t)labels[r] * d;
        const T *x = X + r * d;
        wsums[labels[r]] += w[r];
        for (ptrdiff_t p = 0; p < d; p++) row[p] += w[r] * (double)x[p];
    }
}

#if RM_KA_AVX2
/* select on the index lanes: b where m, else a (the masks are the value type's) */
#define ISEL(a, b, m) VTOI(VSEL(ITOV(a), ITOV(b), m))

/* One tile: the v of MRE rows (xs[i]) by the first NVE vectors of block blk (centres
 * j0 ...), MRE * NVE = 12 accumulators, merged into the lane states of the first mr
 * rows (the others repeat a row and are dropped): per lane the running minimum mn, its
 * first index ix (strict <: the first occurrence in the lane) and, when TWO, the second
 * minimum m2 (a new minimum pushes the old one into second place, else a value below
 * the second replaces it). */
RM_KA_TARGET RM_KA_INLINE void KN(tile)(const int MRE, const int NVE, const int TWO,
                                        ptrdiff_t d, const T *const *xs, ptrdiff_t mr,
                                        const T *blk, ptrdiff_t j0, T *mn, T *m2, I *ix) {
    V acc[RM_KA_PANEL][RM_KA_NV];
#pragma GCC unroll 4
    for (int v = 0; v < NVE; v++) {
        const V c0 = VLOAD(blk + v * VL);          /* ||c_j||^2 starts every sum */
#pragma GCC unroll 12
        for (int i = 0; i < MRE; i++) acc[i][v] = c0;
    }
    const T *cp = blk + NB;
    for (ptrdiff_t p = 0; p < d; p++, cp += NB) {
        V cv[RM_KA_NV];
#pragma GCC unroll 4
        for (int v = 0; v < NVE; v++) cv[v] = VLOAD(cp + v * VL);
#pragma GCC unroll 12
        for (int i = 0; i < MRE; i++) {
            const V xi = VSET1(xs[i][p]);
#pragma GCC unroll 4
            for (int v = 0; v < NVE; v++) acc[i][v] = VFMA(xi, cv[v], acc[i][v]);
        }
    }
#pragma GCC unroll 12
    for (int i = 0; i < MRE; i++) {
        if (i >= mr) break;
        V mv = VLOAD(mn + i * VL), sv = TWO ? VLOAD(m2 + i * VL) : mv;
        __m256i iv = _mm256_loadu_si256((const __m256i *)(ix + i * VL));
        __m256i jv = IADD(ISET1(j0), ILANES);
#pragma GCC unroll 4
        for (int v = 0; v < NVE; v++) {
            const V a = acc[i][v];
            const V lt = VLT(a, mv);
            if (TWO) sv = VSEL(sv, VSEL(a, mv, lt), VOR(VLT(a, sv), lt));
            mv = VSEL(mv, a, lt);
            iv = ISEL(iv, jv, lt);
            jv = IADD(jv, ISET1(VL));
        }
        VSTORE(mn + i * VL, mv);
        _mm256_storeu_si256((__m256i *)(ix + i * VL), iv);
        if (TWO) VSTORE(m2 + i * VL, sv);
    }
}

/* One block for the pr rows of a panel: tiles of 4 rows x 3 vectors, or for the last
 * block when it has fewer vectors, 6 x 2 or 12 x 1 (always 12 independent chains of
 * FMAs; a 4 x 1 tile would wait on the FMA latency) */
RM_KA_TARGET RM_KA_INLINE void KN(block)(const int NVE, const int TWO, ptrdiff_t d,
                                         const T *const *xs, ptrdiff_t pr, const T *blk,
                                         ptrdiff_t j0, T *mn, T *m2, I *ix) {
    const int mre = RM_KA_PANEL / NVE;
    for (ptrdiff_t t = 0; t < pr; t += mre)
        KN(tile)(mre, NVE, TWO, d, xs + t, pr - t, blk, j0, mn + t * VL, m2 + t * VL,
                 ix + t * VL);
}

/* lane s-swap of a vector: lanes exchanged across halves (s = 0), then pairs, then
 * neighbours (log2 VL steps in all) */
RM_KA_TARGET RM_KA_INLINE V KN(swap)(V v, int s) {
    return s == 0 ? VSWAP0(v) : s == 1 ? VSWAP1(v) : VSWAP2(v);
}

/* The end of a row: its VL lane states merged by (value, index) in log2 VL swap steps,
 * after which every lane holds the smallest pair, i.e. the first index of the row's
 * minimum; with TWO, the second minimum is the least of every lane's second and of the
 * minima of the lanes that did not win. */
RM_KA_TARGET RM_KA_INLINE void KN(finish_row)(int two, const T *mn, const T *m2,
                                              const I *ix, int *label, T *best,
                                              T *second) {
    const V mv = VLOAD(mn);
    const __m256i iv = _mm256_loadu_si256((const __m256i *)ix);
    V bv = mv;
    __m256i bi = iv;
#pragma GCC unroll 3
    for (int s = 0; s < VLOG2; s++) {
        const V v2 = KN(swap)(bv, s);
        const __m256i i2 = VTOI(KN(swap)(ITOV(bi), s));
        const V take = VOR(VLT(v2, bv), VAND(VEQ(v2, bv), ILT(i2, bi)));
        bv = VSEL(bv, v2, take);
        bi = ISEL(bi, i2, take);
    }
    *label = (int)IFIRST(bi);
    if (two) {
        const V win = VAND(VEQ(mv, bv), IEQ(iv, bi));
        V sv = VMIN(VLOAD(m2), VSEL(mv, VSET1((T)INFINITY), win));
#pragma GCC unroll 3
        for (int s = 0; s < VLOG2; s++) sv = VMIN(sv, KN(swap)(sv, s));
        *best = VFIRST(bv);
        *second = VFIRST(sv);
    }
}

/* The vector path: the rows in panels of RM_KA_PANEL; a panel meets the blocks of one
 * group (RM_KA_GROUP_BYTES) before the next panel, and its rows are finished after the
 * last group. */
RM_KA_TARGET static void KN(assign_avx2)(ptrdiff_t m, ptrdiff_t d, const T *X,
                                         ptrdiff_t ldx, const ptrdiff_t *rows, ptrdiff_t k,
                                         const T *packed, void *scratch, int *labels,
                                         T *best, T *second) {
    T *mn = (T *)scratch, *m2 = mn + m * VL;
    I *ix = (I *)(m2 + m * VL);
    const int two = best != NULL;
    const ptrdiff_t n_blocks = (k + NB - 1) / NB, blk_size = (d + 1) * NB;
    const int nve_last = (int)((k - (n_blocks - 1) * NB + VL - 1) / VL);
    ptrdiff_t group = RM_KA_GROUP_BYTES / (blk_size * (ptrdiff_t)sizeof(T));
    if (group < 1) group = 1;
    for (ptrdiff_t g0 = 0; g0 < n_blocks; g0 += group) {
        const ptrdiff_t g1 = g0 + group < n_blocks ? g0 + group : n_blocks;
        for (ptrdiff_t r0 = 0; r0 < m; r0 += RM_KA_PANEL) {
            const ptrdiff_t pr = m - r0 < RM_KA_PANEL ? m - r0 : RM_KA_PANEL;
            const T *xs[RM_KA_PANEL];
            for (int i = 0; i < RM_KA_PANEL; i++) {
                const ptrdiff_t r = r0 + (i < pr ? i : pr - 1);
                xs[i] = X + (rows ? rows[r] : r) * ldx;
            }
            T *mn_r = mn + r0 * VL, *m2_r = m2 + r0 * VL;
            I *ix_r = ix + r0 * VL;
            if (g0 == 0)
                for (ptrdiff_t t = 0; t < pr * VL; t++) {
                    mn_r[t] = m2_r[t] = (T)INFINITY;
                    ix_r[t] = 0;
                }
            for (ptrdiff_t b = g0; b < g1; b++) {
                const T *blk = packed + b * blk_size;
                const int nve = b == n_blocks - 1 ? nve_last : RM_KA_NV;
                switch (two * 4 + nve) {
                case 3: KN(block)(3, 0, d, xs, pr, blk, b * NB, mn_r, m2_r, ix_r); break;
                case 2: KN(block)(2, 0, d, xs, pr, blk, b * NB, mn_r, m2_r, ix_r); break;
                case 1: KN(block)(1, 0, d, xs, pr, blk, b * NB, mn_r, m2_r, ix_r); break;
                case 7: KN(block)(3, 1, d, xs, pr, blk, b * NB, mn_r, m2_r, ix_r); break;
                case 6: KN(block)(2, 1, d, xs, pr, blk, b * NB, mn_r, m2_r, ix_r); break;
                default: KN(block)(1, 1, d, xs, pr, blk, b * NB, mn_r, m2_r, ix_r); break;
                }
            }
            if (g1 == n_blocks)
                for (ptrdiff_t r = r0; r < r0 + pr; r++)
                    KN(finish_row)(two, mn + r * VL, m2 + r * VL, ix + r * VL, labels + r,
                                   two ? best + r : NULL, two ? second + r : NULL);
        }
    }
}
/* The same sums, four features at a time (x widened to double, then w * x and the
 * addition rounded separately, as the scalar loop rounds them: the same sums). */
RM_KA_TARGET RM_KA_NOCONTRACT static void KN(accumulate_avx2)(ptrdiff_t m, ptrdiff_t d,
                                                              const T *X, const double *w,
                                                              const int *labels,
                                                              double *sums, double *wsums) {
    for (ptrdiff_t r = 0; r < m; r++) {
        double *row = sums + (ptrdiff_t)labels[r] * d;
        const T *x = X + r * d;
        const __m256d wv = _mm256_set1_pd(w[r]);
        ptrdiff_t p = 0;
        wsums[labels[r]] += w[r];
        for (; p + 4 <= d; p += 4)
            _mm256_storeu_pd(row + p, _mm256_add_pd(_mm256_loadu_pd(row + p),
                                                    _mm256_mul_pd(wv, VLOAD4D(x + p))));
        for (; p < d; p++) row[p] += w[r] * (double)x[p];
    }
}
#endif

/* The public entries: the vector path when the module's kernel table is not the
 * generic one (rm_kmeans_assign_isa), else the scalar loop. */
static void KN(assign)(ptrdiff_t m, ptrdiff_t d, const T *X, ptrdiff_t ldx,
                       const ptrdiff_t *rows, ptrdiff_t k, const T *packed, void *scratch,
                       int *labels, T *best, T *second) {
#if RM_KA_AVX2
    if (rm_kmeans_assign_isa()[0] == 'a') {
        KN(assign_avx2)(m, d, X, ldx, rows, k, packed, scratch, labels, best, second);
        return;
    }
#endif
    (void)scratch;
    KN(assign_generic)(m, d, X, ldx, rows, k, packed, labels, best, second);
}

static void KN(accumulate)(ptrdiff_t m, ptrdiff_t d, const T *X, const double *w,
                           const int *labels, double *sums, double *wsums) {
#if RM_KA_AVX2
    if (rm_kmeans_assign_isa()[0] == 'a') {
        KN(accumulate_avx2)(m, d, X, w, labels, sums, wsums);
        return;
    }
#endif
    KN(accumulate_generic)(m, d, X, w, labels, sums, wsums);
}

#undef NB
#undef T
#undef KN
#undef VL
#undef FMA_SCALAR
#if RM_KA_AVX2
#  undef V
#  undef I
#  undef VLOAD
#  undef VSTORE
#  undef VSET1
#  undef VFMA
#  undef VLT
#  undef VOR
#  undef VSEL
#  undef ISEL
#  undef VLOAD4D
#  undef VSWAP0
#  undef VSWAP1
#  undef VSWAP2
#  undef VLOG2
#  undef VEQ
#  undef VAND
#  undef VMIN
#  undef ILT
#  undef IEQ
#  undef ITOV
#  undef VTOI
#  undef IFIRST
#  undef VFIRST
#  undef IADD
#  undef ISET1
#  undef ILANES
#endif

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

/* The fused tile for few features (the GEMM's packing and its stores of the distance
 * block cost more than the arithmetic when d is small): for 4 queries at once and the
 * points in packed blocks of 8, the reduced distances stay in registers and only those
 * below their query's threshold leave, as (query, point, value) candidates.  With
 * AVX-512 a block of 8 points is one register and two blocks go together (8
 * accumulators, enough independent FMAs to fill both FMA ports); with AVX2+FMA a block
 * is two 4-lane registers; elsewhere plain vector arithmetic.  (FMAs here are explicit
 * intrinsics, as in the GEMM micro-kernels: the candidates' values only pick the
 * neighbours, whose distances the caller recomputes.)
 *
 * Contract: Xp holds nb blocks of 8 points, block b at Xp + b * d1 * 8, feature p of
 * point l at [p * 8 + l] (the points as [x, ||x||^2], padding points with +inf in their
 * last feature); Q holds 4 queries as [-2 q, 1] (row r at Q + r * ldq, d1 numbers);
 * thr[r] the threshold of query r (-inf: no candidates).  Writes the candidates
 * (r, 8 b + l, value) with value < thr[r] to out_q, out_j, out_v (room for 32 nb
 * each) and returns how many. */
#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif

/* candidates of one block of 8 points, v[r][l] the values */
static inline ptrdiff_t RM_SFX(knn_emit)(double v[4][8], const double *thr, ptrdiff_t j0,
                                         ptrdiff_t *out_q, ptrdiff_t *out_j,
                                         double *out_v) {
    ptrdiff_t cnt = 0;
    for (int r = 0; r < 4; r++)
        for (int l = 0; l < 8; l++)
            if (v[r][l] < thr[r]) {
                out_q[cnt] = r; out_j[cnt] = j0 + l; out_v[cnt] = v[r][l]; cnt++;
            }
    return cnt;
}

static ptrdiff_t RM_SFX(knn_tile4)(ptrdiff_t d1, ptrdiff_t nb, const double *Xp,
                                   const double *Q, ptrdiff_t ldq, const double *thr,
                                   ptrdiff_t *out_q, ptrdiff_t *out_j, double *out_v) {
    ptrdiff_t cnt = 0, b = 0;
    double v[4][8];
#if defined(__AVX512F__)
    const __m512d t0 = _mm512_set1_pd(thr[0]), t1 = _mm512_set1_pd(thr[1]);
    const __m512d t2 = _mm512_set1_pd(thr[2]), t3 = _mm512_set1_pd(thr[3]);
    for (; b < nb; b += 2) {
        const double *xa = Xp + b * d1 * 8;
        const double *xb = b + 1 < nb ? xa + d1 * 8 : xa;   /* odd tail: block b twice */
        __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
        __m512d c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        for (ptrdiff_t p = 0; p < d1; p++) {
            __m512d x = _mm512_loadu_pd(xa + p * 8), y = _mm512_loadu_pd(xb + p * 8);
            __m512d q0 = _mm512_set1_pd(Q[p]), q1 = _mm512_set1_pd(Q[ldq + p]);
            __m512d q2 = _mm512_set1_pd(Q[2 * ldq + p]), q3 = _mm512_set1_pd(Q[3 * ldq + p]);
            a0 = _mm512_fmadd_pd(q0, x, a0); a1 = _mm512_fmadd_pd(q1, x, a1);
            a2 = _mm512_fmadd_pd(q2, x, a2); a3 = _mm512_fmadd_pd(q3, x, a3);
            c0 = _mm512_fmadd_pd(q0, y, c0); c1 = _mm512_fmadd_pd(q1, y, c1);
            c2 = _mm512_fmadd_pd(q2, y, c2); c3 = _mm512_fmadd_pd(q3, y, c3);
        }
        __mmask8 ma = _mm512_cmp_pd_mask(a0, t0, _CMP_LT_OQ)
                    | _mm512_cmp_pd_mask(a1, t1, _CMP_LT_OQ)
                    | _mm512_cmp_pd_mask(a2, t2, _CMP_LT_OQ)
                    | _mm512_cmp_pd_mask(a3, t3, _CMP_LT_OQ);
        if (ma) {
            _mm512_storeu_pd(v[0], a0); _mm512_storeu_pd(v[1], a1);
            _mm512_storeu_pd(v[2], a2); _mm512_storeu_pd(v[3], a3);
            cnt += RM_SFX(knn_emit)(v, thr, b * 8, out_q + cnt, out_j + cnt, out_v + cnt);
        }
        if (b + 1 >= nb)
            break;
        __mmask8 mc = _mm512_cmp_pd_mask(c0, t0, _CMP_LT_OQ)
                    | _mm512_cmp_pd_mask(c1, t1, _CMP_LT_OQ)
                    | _mm512_cmp_pd_mask(c2, t2, _CMP_LT_OQ)
                    | _mm512_cmp_pd_mask(c3, t3, _CMP_LT_OQ);
        if (mc) {
            _mm512_storeu_pd(v[0], c0); _mm512_storeu_pd(v[1], c1);
            _mm512_storeu_pd(v[2], c2); _mm512_storeu_pd(v[3], c3);
            cnt += RM_SFX(knn_emit)(v, thr, (b + 1) * 8, out_q + cnt, out_j + cnt,
                                    out_v + cnt);
        }
    }
#elif defined(__AVX2__) && defined(__FMA__)
    const __m256d t0 = _mm256_set1_pd(thr[0]), t1 = _mm256_set1_pd(thr[1]);
    const __m256d t2 = _mm256_set1_pd(thr[2]), t3 = _mm256_set1_pd(thr[3]);
    for (; b < nb; b++) {
        const double *xb = Xp + b * d1 * 8;
        __m256d a00 = _mm256_setzero_pd(), a01 = a00, a10 = a00, a11 = a00;
        __m256d a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        for (ptrdiff_t p = 0; p < d1; p++) {
            __m256d x0 = _mm256_loadu_pd(xb + p * 8), x1 = _mm256_loadu_pd(xb + p * 8 + 4);
            __m256d q0 = _mm256_set1_pd(Q[p]), q1 = _mm256_set1_pd(Q[ldq + p]);
            __m256d q2 = _mm256_set1_pd(Q[2 * ldq + p]), q3 = _mm256_set1_pd(Q[3 * ldq + p]);
            a00 = _mm256_fmadd_pd(q0, x0, a00); a01 = _mm256_fmadd_pd(q0, x1, a01);
            a10 = _mm256_fmadd_pd(q1, x0, a10); a11 = _mm256_fmadd_pd(q1, x1, a11);
            a20 = _mm256_fmadd_pd(q2, x0, a20); a21 = _mm256_fmadd_pd(q2, x1, a21);
            a30 = _mm256_fmadd_pd(q3, x0, a30); a31 = _mm256_fmadd_pd(q3, x1, a31);
        }
        __m256d m = _mm256_or_pd(
            _mm256_or_pd(_mm256_or_pd(_mm256_cmp_pd(a00, t0, _CMP_LT_OQ),
                                      _mm256_cmp_pd(a01, t0, _CMP_LT_OQ)),
                         _mm256_or_pd(_mm256_cmp_pd(a10, t1, _CMP_LT_OQ),
                                      _mm256_cmp_pd(a11, t1, _CMP_LT_OQ))),
            _mm256_or_pd(_mm256_or_pd(_mm256_cmp_pd(a20, t2, _CMP_LT_OQ),
                                      _mm256_cmp_pd(a21, t2, _CMP_LT_OQ)),
                         _mm256_or_pd(_mm256_cmp_pd(a30, t3, _CMP_LT_OQ),
                                      _mm256_cmp_pd(a31, t3, _CMP_LT_OQ))));
        if (!_mm256_movemask_pd(m))
            continue;                                   /* the common case */
        _mm256_storeu_pd(&v[0][0], a00); _mm256_storeu_pd(&v[0][4], a01);
        _mm256_storeu_pd(&v[1][0], a10); _mm256_storeu_pd(&v[1][4], a11);
        _mm256_storeu_pd(&v[2][0], a20); _mm256_storeu_pd(&v[2][4], a21);
        _mm256_storeu_pd(&v[3][0], a30); _mm256_storeu_pd(&v[3][4], a31);
        cnt += RM_SFX(knn_emit)(v, thr, b * 8, out_q + cnt, out_j + cnt, out_v + cnt);
    }
#else
    for (; b < nb; b++) {
        const double *xb = Xp + b * d1 * 8;
        for (int r = 0; r < 4; r++)
            for (int l = 0; l < 8; l++) {
                double s = 0.0;
                for (ptrdiff_t p = 0; p < d1; p++) s += Q[r * ldq + p] * xb[p * 8 + l];
                v[r][l] = s;
            }
        cnt += RM_SFX(knn_emit)(v, thr, b * 8, out_q + cnt, out_j + cnt, out_v + cnt);
    }
#endif
    return cnt;
}

/* The float32 filter in front of the fused tile (issue 19, part F).  At few features
 * the tile above is bound by its multiply-adds, and float32 lanes are twice as many:
 * the reduced distances of 4 queries x 16 points are formed in float32 and compared
 * with thresholds thr32[r] that the caller has raised by a bound on the float32
 * rounding error (so that every point the float64 tile would emit passes); a point that
 * passes has its float64 value formed exactly as the float64 tile forms it (the same
 * fused multiply-adds in the same order, from the float64 packing) and is emitted when
 * that value is below thr[r].  The candidates, and so the heaps, are then bit for bit
 * those of the float64 tile.  (The error bound: Higham, "Accuracy and Stability of
 * Numerical Algorithms", 2nd ed., Sec. 3.1, |fl(x.y) - x.y| <= gamma_n |x|.|y|, with the
 * rounding of the inputs to float32 counted in n.)
 *
 * Contract: Xs holds nb blocks of 16 points in float32, block b at Xs + b * d1 * 16,
 * feature p of point l at [p * 16 + l]; Xp the same points in the float64 packing of
 * knn_tile4 (blocks of 8, 2 nb of them); Qs and Q the 4 queries [-2 q, 1] in float32
 * and float64 (row r at + r * ldq); thr32[r] >= thr[r] + (the error bound), rounded up.
 * Writes the candidates (r, 16 b + l, value) with value < thr[r] to out_q, out_j, out_v
 * (room for 64 nb each) and returns how many. */

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
/* the float64 value of point j for query row q, as knn_tile4 computes it */
static inline double RM_SFX(knn_v64)(ptrdiff_t d1, const double *Xp, ptrdiff_t j,
                                     const double *q) {
    const double *x = Xp + (j >> 3) * d1 * 8 + (j & 7);
    double s = 0.0;
    for (ptrdiff_t p = 0; p < d1; p++) s = fma(q[p], x[p * 8], s);
    return s;
}

/* emit the points of mask (bit l: point j0 + l) for query r that pass in float64 */
static inline ptrdiff_t RM_SFX(knn_emit_mask)(unsigned mask, int r, ptrdiff_t j0,
                                              ptrdiff_t d1, const double *Xp,
                                              const double *Q, ptrdiff_t ldq,
                                              const double *thr, ptrdiff_t *out_q,
                                              ptrdiff_t *out_j, double *out_v) {
    ptrdiff_t cnt = 0;
    while (mask) {
        int l = __builtin_ctz(mask);
        mask &= mask - 1;
        double v = RM_SFX(knn_v64)(d1, Xp, j0 + l, Q + r * ldq);
        if (v < thr[r]) {
            out_q[cnt] = r; out_j[cnt] = j0 + l; out_v[cnt] = v; cnt++;
        }
    }
    return cnt;
}
#endif

static ptrdiff_t RM_SFX(knn_tile4f)(ptrdiff_t d1, ptrdiff_t nb, const float *Xs,
                                    const double *Xp, const float *Qs, const double *Q,
                                    ptrdiff_t ldq, const float *thr32, const double *thr,
                                    ptrdiff_t *out_q, ptrdiff_t *out_j, double *out_v) {
    ptrdiff_t cnt = 0, b = 0;
#if defined(__AVX512F__)
    const __m512 t0 = _mm512_set1_ps(thr32[0]), t1 = _mm512_set1_ps(thr32[1]);
    const __m512 t2 = _mm512_set1_ps(thr32[2]), t3 = _mm512_set1_ps(thr32[3]);
    for (; b < nb; b += 2) {
        const float *xa = Xs + b * d1 * 16;
        const float *xb = b + 1 < nb ? xa + d1 * 16 : xa;   /* odd tail: block b twice */
        __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        __m512 c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        for (ptrdiff_t p = 0; p < d1; p++) {
            __m512 x = _mm512_loadu_ps(xa + p * 16), y = _mm512_loadu_ps(xb + p * 16);
            __m512 q0 = _mm512_set1_ps(Qs[p]), q1 = _mm512_set1_ps(Qs[ldq + p]);
            __m512 q2 = _mm512_set1_ps(Qs[2 * ldq + p]), q3 = _mm512_set1_ps(Qs[3 * ldq + p]);
            a0 = _mm512_fmadd_ps(q0, x, a0); a1 = _mm512_fmadd_ps(q1, x, a1);
            a2 = _mm512_fmadd_ps(q2, x, a2); a3 = _mm512_fmadd_ps(q3, x, a3);
            c0 = _mm512_fmadd_ps(q0, y, c0); c1 = _mm512_fmadd_ps(q1, y, c1);
            c2 = _mm512_fmadd_ps(q2, y, c2); c3 = _mm512_fmadd_ps(q3, y, c3);
        }
        __mmask16 m0 = _mm512_cmp_ps_mask(a0, t0, _CMP_LT_OQ);
        __mmask16 m1 = _mm512_cmp_ps_mask(a1, t1, _CMP_LT_OQ);
        __mmask16 m2 = _mm512_cmp_ps_mask(a2, t2, _CMP_LT_OQ);
        __mmask16 m3 = _mm512_cmp_ps_mask(a3, t3, _CMP_LT_OQ);
        if (m0 | m1 | m2 | m3) {
            ptrdiff_t j0 = b * 16;
            cnt += RM_SFX(knn_emit_mask)(m0, 0, j0, d1, Xp, Q, ldq, thr, out_q + cnt,
                                         out_j + cnt, out_v + cnt);
            cnt += RM_SFX(knn_emit_mask)(m1, 1, j0, d1, Xp, Q, ldq, thr, out_q + cnt,
                                         out_j + cnt, out_v + cnt);
            cnt += RM_SFX(knn_emit_mask)(m2, 2, j0, d1, Xp, Q, ldq, thr, out_q + cnt,
                                         out_j + cnt, out_v + cnt);
            cnt += RM_SFX(knn_emit_mask)(m3, 3, j0, d1, Xp, Q, ldq, thr, out_q + cnt,
                                         out_j + cnt, out_v + cnt);
        }
        if (b + 1 >= nb)
            break;
        m0 = _mm512_cmp_ps_mask(c0, t0, _CMP_LT_OQ);
        m1 = _mm512_cmp_ps_mask(c1, t1, _CMP_LT_OQ);
        m2 = _mm512_cmp_ps_mask(c2, t2, _CMP_LT_OQ);
        m3 = _mm512_cmp_ps_mask(c3, t3, _CMP_LT_OQ);
        if (m0 | m1 | m2 | m3) {
            ptrdiff_t j0 = (b + 1) * 16;
            cnt += RM_SFX(knn_emit_mask)(m0, 0, j0, d1, Xp, Q, ldq, thr, out_q + cnt,
                                         out_j + cnt, out_v + cnt);
            cnt += RM_SFX(knn_emit_mask)(m1, 1, j0, d1, Xp, Q, ldq, thr, out_q + cnt,
                                         out_j + cnt, out_v + cnt);
            cnt += RM_SFX(knn_emit_mask)(m2, 2, j0, d1, Xp, Q, ldq, thr, out_q + cnt,
                                         out_j + cnt, out_v + cnt);
            cnt += RM_SFX(knn_emit_mask)(m3, 3, j0, d1, Xp, Q, ldq, thr, out_q + cnt,
                                         out_j + cnt, out_v + cnt);
        }
    }
#elif defined(__AVX2__) && defined(__FMA__)
    const __m256 t0 = _mm256_set1_ps(thr32[0]), t1 = _mm256_set1_ps(thr32[1]);
    const __m256 t2 = _mm256_set1_ps(thr32[2]), t3 = _mm256_set1_ps(thr32[3]);
    for (; b < nb; b++) {
        const float *xb = Xs + b * d1 * 16;
        __m256 a00 = _mm256_setzero_ps(), a01 = a00, a10 = a00, a11 = a00;
        __m256 a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        for (ptrdiff_t p = 0; p < d1; p++) {
            __m256 x0 = _mm256_loadu_ps(xb + p * 16), x1 = _mm256_loadu_ps(xb + p * 16 + 8);
            __m256 q0 = _mm256_set1_ps(Qs[p]), q1 = _mm256_set1_ps(Qs[ldq + p]);
            __m256 q2 = _mm256_set1_ps(Qs[2 * ldq + p]), q3 = _mm256_set1_ps(Qs[3 * ldq + p]);
            a00 = _mm256_fmadd_ps(q0, x0, a00); a01 = _mm256_fmadd_ps(q0, x1, a01);
            a10 = _mm256_fmadd_ps(q1, x0, a10); a11 = _mm256_fmadd_ps(q1, x1, a11);
            a20 = _mm256_fmadd_ps(q2, x0, a20); a21 = _mm256_fmadd_ps(q2, x1, a21);
            a30 = _mm256_fmadd_ps(q3, x0, a30); a31 = _mm256_fmadd_ps(q3, x1, a31);
        }
        unsigned m0 = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(a00, t0, _CMP_LT_OQ))
                    | ((unsigned)_mm256_movemask_ps(_mm256_cmp_ps(a01, t0, _CMP_LT_OQ)) << 8);
        unsigned m1 = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(a10, t1, _CMP_LT_OQ))
                    | ((unsigned)_mm256_movemask_ps(_mm256_cmp_ps(a11, t1, _CMP_LT_OQ)) << 8);
        unsigned m2 = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(a20, t2, _CMP_LT_OQ))
                    | ((unsigned)_mm256_movemask_ps(_mm256_cmp_ps(a21, t2, _CMP_LT_OQ)) << 8);
        unsigned m3 = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(a30, t3, _CMP_LT_OQ))
                    | ((unsigned)_mm256_movemask_ps(_mm256_cmp_ps(a31, t3, _CMP_LT_OQ)) << 8);
        if (!(m0 | m1 | m2 | m3))
            continue;                                   /* the common case */
        ptrdiff_t j0 = b * 16;
        cnt += RM_SFX(knn_emit_mask)(m0, 0, j0, d1, Xp, Q, ldq, thr, out_q + cnt,
                                     out_j + cnt, out_v + cnt);
        cnt += RM_SFX(knn_emit_mask)(m1, 1, j0, d1, Xp, Q, ldq, thr, out_q + cnt,
                                     out_j + cnt, out_v + cnt);
        cnt += RM_SFX(knn_emit_mask)(m2, 2, j0, d1, Xp, Q, ldq, thr, out_q + cnt,
                                     out_j + cnt, out_v + cnt);
        cnt += RM_SFX(knn_emit_mask)(m3, 3, j0, d1, Xp, Q, ldq, thr, out_q + cnt,
                                     out_j + cnt, out_v + cnt);
    }
#else
    /* no float32 lanes to gain: the float64 tile itself, over the same points */
    (void)Xs; (void)Qs; (void)thr32; (void)b;
    cnt = RM_SFX(knn_tile4)(d1, 2 * nb, Xp, Q, ldq, thr, out_q, out_j, out_v);
#endif
    return cnt;
}

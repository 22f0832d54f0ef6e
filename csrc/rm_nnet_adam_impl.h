/* rm_nnet_adam_impl.h: the body of rm_nnet_adam.h, which includes it twice, with T,
 * KN(name), SQRT_SCALAR and (AVX2 builds) VL and the vector macros defined; contract and
 * references there.  Not a header to include anywhere else. */

/* one parameter: the contract's four lines, each operation rounded to T */
static inline T KN(adam_one)(T *p, const T *g, T *m, T *v, T step, T e, T b1, T c1,
                             T b2, T c2, T coef) {
    T p0 = *p;
    T gi = *g + coef * p0;
    T mi = b1 * *m + c1 * gi;
    T vi = b2 * *v + c2 * (gi * gi);
    *m = mi;
    *v = vi;
    *p = p0 - step * mi / (SQRT_SCALAR(vi) + e);
    return p0;
}

/* the generic path (and the vector path's tail): the scalar loop */
RM_NA_NOCONTRACT
static double KN(adam_generic)(ptrdiff_t n, T *p, const T *g, T *m, T *v, T step, T e,
                               T b1, T c1, T b2, T c2, T coef) {
    double ssq = 0.0;
    for (ptrdiff_t i = 0; i < n; i++) {
        double p0 = (double)KN(adam_one)(p + i, g + i, m + i, v + i, step, e, b1, c1,
                                          b2, c2, coef);
        ssq += p0 * p0;
    }
    return ssq;
}

#if RM_NA_AVX2
RM_NA_TARGET
static double KN(adam_avx2)(ptrdiff_t n, T *p, const T *g, T *m, T *v, T step, T e,
                            T b1, T c1, T b2, T c2, T coef) {
    const V vstep = VSET1(step), ve = VSET1(e), vb1 = VSET1(b1), vc1 = VSET1(c1);
    const V vb2 = VSET1(b2), vc2 = VSET1(c2), vcoef = VSET1(coef);
    __m256d acc = _mm256_setzero_pd();      /* sum p^2 per lane, in double */
    ptrdiff_t i = 0;
    for (; i + VL <= n; i += VL) {
        V p0 = VLOAD(p + i);
        V gi = VADD(VLOAD(g + i), VMUL(vcoef, p0));
        V mi = VADD(VMUL(vb1, VLOAD(m + i)), VMUL(vc1, gi));
        V vi = VADD(VMUL(vb2, VLOAD(v + i)), VMUL(vc2, VMUL(gi, gi)));
        VSTORE(m + i, mi);
        VSTORE(v + i, vi);
        VSTORE(p + i, VSUB(p0, VDIV(VMUL(vstep, mi), VADD(VSQRT(vi), ve))));
#if VL == 8
        __m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(p0));
        __m256d hi = _mm256_cvtps_pd(_mm256_extractf128_ps(p0, 1));
        acc = _mm256_add_pd(acc, _mm256_add_pd(_mm256_mul_pd(lo, lo), _mm256_mul_pd(hi, hi)));
#else
        acc = _mm256_add_pd(acc, _mm256_mul_pd(p0, p0));
#endif
    }
    double lanes[4];
    _mm256_storeu_pd(lanes, acc);
    return lanes[0] + lanes[1] + lanes[2] + lanes[3]
           + KN(adam_generic)(n - i, p + i, g + i, m + i, v + i, step, e, b1, c1, b2, c2,
                              coef);
}
#endif

/* The contract of rm_nnet_adam.h on p[0:n], g[0:n], m[0:n], v[0:n] (no overlap);
 * vec = 0 forces the generic path (tests). */
static double KN(adam)(ptrdiff_t n, T *p, const T *g, T *m, T *v, T step, T e, T b1,
                       T c1, T b2, T c2, T coef, int vec) {
#if RM_NA_AVX2
    if (vec && strcmp(rm_nnet_adam_isa(), "avx2") == 0)
        return KN(adam_avx2)(n, p, g, m, v, step, e, b1, c1, b2, c2, coef);
#endif
    (void)vec;
    return KN(adam_generic)(n, p, g, m, v, step, e, b1, c1, b2, c2, coef);
}

#undef T
#undef KN
#undef SQRT_SCALAR
#if RM_NA_AVX2
#  undef VL
#  undef V
#  undef VLOAD
#  undef VSTORE
#  undef VSET1
#  undef VADD
#  undef VSUB
#  undef VMUL
#  undef VDIV
#  undef VSQRT
#endif

/* rm_vmath.h: exp, log and log1p over arrays of doubles, four lanes at a time (the
 * logistic and softmax losses of learning/_logistic.pyx; part E, issue 16).
 *
 * Not a header to include anywhere else: rm_vec_impl.h includes it once per instruction
 * set, which gives vexp_<isa>, vlog_<isa> and vlog1p_<isa>.  As everywhere in csrc/ there
 * is no FMA contraction (rm_vec_impl.h), so every ISA computes the same roundings and the
 * same results; without GCC/Clang vector extensions the loops call libm.
 *
 * Contract: y[i] = exp(x[i]), log(x[i]), log1p(x[i]) for i in [0, n), within 2 ulp of the
 * correctly rounded value (tests/learning/test_vmath.py measures it against numpy's
 * results over the whole range); y may be x.  A vector of four with any lane outside the
 * polynomial's range (exp: x < -708 or x > 709, which includes overflow, underflow to
 * subnormals and NaN; log: x not a positive normal finite number; log1p: 1 + x not one)
 * is computed lane by lane by libm instead, so infinities, NaN, zeros and subnormals
 * get libm's answers.
 *
 * The algorithms (the classical table-free ones):
 * exp [Tang89, Cody-Waite reduction]: x = k ln2 + r with k = round(x / ln2) and
 *   |r| <= ln2/2 + tiny, r computed as (x - k ln2_hi) - k ln2_lo where ln2_hi has its low
 *   bits zero, so k ln2_hi is exact for |k| < 2^11 and x - k ln2_hi is exact (Sterbenz).
 *   exp(r) is its Taylor polynomial to degree 13 (remainder r^14 / 14! < 2^-58 relative)
 *   by Estrin's scheme (Knuth, TAOCP vol. 2, Sec. 4.6.4: a shallow tree of products),
 *   and 2^k is put in by building its bit pattern.  k is read from the
 *   low bits of x / ln2 + 1.5 * 2^52 (the sum rounds x / ln2 to an integer), so no
 *   float-to-integer conversion instruction is needed (AVX2 has none for 64-bit lanes).
 * log [fdlibm's e_log.c method, described in its comments; Muller06 Sec. 11]: x = 2^e m
 *   with m in [sqrt(2)/2, sqrt(2)); with f = m - 1 (exact) and s = f / (2 + f),
 *   log(1 + f) = 2 atanh(s) = 2 s + s R(s^2), R(z) = sum_j 2 z^j / (2 j + 1), which is
 *   arranged as f - (f^2/2 - s (f^2/2 + R)) so that the large part f is added last.  R is
 *   summed to j = 11 (|s| <= 0.172: the next term is below 2^-60 relative), by Estrin's
 *   scheme.  Then
 *   log(x) = e ln2_hi + (that + e ln2_lo).
 * log1p [Goldberg91, Theorem 4]: u = 1 + x rounded; c = (u - 1) - x is the rounding
 *   error of u (exact), and log1p(x) = log(u) - c / u to first order in c / u.
 *
 * [Tang89] P. T. P. Tang, "Table-driven implementation of the exponential function in
 *          IEEE floating-point arithmetic", ACM TOMS 15(2), 1989 (the reduction).
 * [Muller06] J.-M. Muller, "Elementary Functions: Algorithms and Implementation", 2nd
 *          ed., Birkhauser 2006 (range reduction, Ch. 11).
 * [Goldberg91] D. Goldberg, "What every computer scientist should know about
 *          floating-point arithmetic", ACM Computing Surveys 23(1), 1991.
 */
#if RM_HAVE_VEC

/* The helpers below pass and return rm_v4d by value; they are always inlined (RM_INLINE)
 * and file-local, so no call crosses a file with another vector ABI and gcc's -Wpsabi
 * note for the generic (SSE2) build does not apply.  (gcc reports that note at the end
 * of the translation unit, so it stays off to the end of rm_vec_impl.h, whose remaining
 * lines are the table.) */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

#define RM_VM_LN2_HI 6.93147180369123816490e-01   /* ln 2 rounded to 32 bits */
#define RM_VM_LN2_LO 1.90821492927058770002e-10   /* ln 2 - RM_VM_LN2_HI */
#define RM_VM_LOG2E 1.44269504088896338700e+00    /* 1 / ln 2 */
#define RM_VM_SHIFT 6755399441055744.0            /* 1.5 * 2^52 */
#define RM_VM_SQRT2 1.41421356237309514547e+00

RM_INLINE rm_v4d rm_vm_splat(double a) { return (rm_v4d){a, a, a, a}; }

RM_INLINE int rm_vm_all(rm_v4l m) { return (m[0] & m[1] & m[2] & m[3]) == -1; }

/* exp of four lanes, each in [-708, 709] */
RM_INLINE rm_v4d rm_vm_exp4(rm_v4d x) {
    const rm_v4d shift = rm_vm_splat(RM_VM_SHIFT);
    rm_v4d kd = x * rm_vm_splat(RM_VM_LOG2E) + shift;     /* round(x / ln2) + shift */
    rm_v4d k = kd - shift;                                /* exact */
    rm_v4d r = (x - k * rm_vm_splat(RM_VM_LN2_HI)) - k * rm_vm_splat(RM_VM_LN2_LO);
    /* 1 + r + r^2/2! + ... + r^13/13! by Estrin's scheme (Knuth, TAOCP vol. 2, Sec.
     * 4.6.4): pairs c_2i + c_2i+1 r, then combined with r^2, r^4, r^8 -- depth 4 instead
     * of Horner's 13, so the multiplications of one vector overlap; the terms added last
     * are the smallest, as in Horner's order */
    const rm_v4d r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    const rm_v4d q0 = rm_vm_splat(1.0) + r;
    const rm_v4d q1 = rm_vm_splat(1.0 / 2.0) + r * rm_vm_splat(1.0 / 6.0);
    const rm_v4d q2 = rm_vm_splat(1.0 / 24.0) + r * rm_vm_splat(1.0 / 120.0);
    const rm_v4d q3 = rm_vm_splat(1.0 / 720.0) + r * rm_vm_splat(1.0 / 5040.0);
    const rm_v4d q4 = rm_vm_splat(1.0 / 40320.0) + r * rm_vm_splat(1.0 / 362880.0);
    const rm_v4d q5 = rm_vm_splat(1.0 / 3628800.0) + r * rm_vm_splat(1.0 / 39916800.0);
    const rm_v4d q6 = rm_vm_splat(1.0 / 479001600.0) + r * rm_vm_splat(1.0 / 6227020800.0);
    const rm_v4d u1 = q2 + q3 * r2, u2 = q4 + q5 * r2;
    const rm_v4d v1 = u2 + q6 * r4;
    const rm_v4d q = q0 + (q1 * r2 + (u1 * r4 + v1 * r8));
    /* 2^k from its bits: k sits in the low bits of kd's pattern, offset by shift's */
    rm_v4l ki = (rm_v4l)kd - (rm_v4l)shift;
    rm_v4l two_k = (ki + 1023) << 52;
    return q * (rm_v4d)two_k;
}

/* log of four lanes, each a positive normal finite number */
RM_INLINE rm_v4d rm_vm_log4(rm_v4d x) {
    const rm_v4d shift = rm_vm_splat(RM_VM_SHIFT);
    const rm_v4l bits = (rm_v4l)x;
    const rm_v4l mant = (bits & 0x000FFFFFFFFFFFFFLL) | 0x3FF0000000000000LL;
    rm_v4d m = (rm_v4d)mant;                              /* in [1, 2) */
    /* the exponent as a double without a conversion instruction: bits >> 52 is in
     * [1, 2046]; added to shift's pattern it is shift + (bits >> 52) */
    rm_v4d e = (rm_v4d)((bits >> 52) + (rm_v4l)shift) - shift - rm_vm_splat(1023.0);
    const rm_v4l big = (rm_v4l)(m > rm_vm_splat(RM_VM_SQRT2));
    /* m > sqrt(2): halve it (exact) and add one to the exponent */
    m = (rm_v4d)(((rm_v4l)(m * rm_vm_splat(0.5)) & big) | ((rm_v4l)m & ~big));
    e = e + (rm_v4d)((rm_v4l)rm_vm_splat(1.0) & big);
    const rm_v4d f = m - rm_vm_splat(1.0);               /* exact */
    const rm_v4d s = f / (rm_vm_splat(2.0) + f);
    const rm_v4d z = s * s;
    /* R(z) = z (2/3 + 2z/5 + ... + 2z^10/23), the bracket by Estrin's scheme as in
     * exp: pairs, then z^2, z^4, z^8, the smallest terms added first */
    const rm_v4d z2 = z * z, z4 = z2 * z2, z8 = z4 * z4;
    const rm_v4d p0 = rm_vm_splat(2.0 / 3.0) + z * rm_vm_splat(2.0 / 5.0);
    const rm_v4d p1 = rm_vm_splat(2.0 / 7.0) + z * rm_vm_splat(2.0 / 9.0);
    const rm_v4d p2 = rm_vm_splat(2.0 / 11.0) + z * rm_vm_splat(2.0 / 13.0);
    const rm_v4d p3 = rm_vm_splat(2.0 / 15.0) + z * rm_vm_splat(2.0 / 17.0);
    const rm_v4d p4 = rm_vm_splat(2.0 / 19.0) + z * rm_vm_splat(2.0 / 21.0);
    const rm_v4d p5 = rm_vm_splat(2.0 / 23.0);
    const rm_v4d R = z * (p0 + (p1 * z2 + ((p2 + p3 * z2) * z4 + (p4 + p5 * z2) * z8)));
    const rm_v4d hfsq = rm_vm_splat(0.5) * f * f;
    return e * rm_vm_splat(RM_VM_LN2_HI)
           - ((hfsq - (s * (hfsq + R) + e * rm_vm_splat(RM_VM_LN2_LO))) - f);
}

/* lanes where the polynomial applies (all-ones) */
RM_INLINE rm_v4l rm_vm_exp_ok(rm_v4d x) {
    return (rm_v4l)(x >= rm_vm_splat(-708.0)) & (rm_v4l)(x <= rm_vm_splat(709.0));
}
RM_INLINE rm_v4l rm_vm_log_ok(rm_v4d x) {
    return (rm_v4l)(x >= rm_vm_splat(2.2250738585072014e-308))
           & (rm_v4l)(x <= rm_vm_splat(1.7976931348623157e308));
}

static void RM_SFX(vexp)(ptrdiff_t n, const double *x, double *y) {
    ptrdiff_t i = 0;
    /* two vectors per step (two independent polynomial chains in flight); a pair with
     * a lane out of range goes through the one-vector loop below */
    for (; i + 8 <= n; i += 8) {
        rm_v4d v0 = rm_load4(x + i), v1 = rm_load4(x + i + 4);
        if (!rm_vm_all(rm_vm_exp_ok(v0) & rm_vm_exp_ok(v1))) break;
        rm_v4d r0 = rm_vm_exp4(v0), r1 = rm_vm_exp4(v1);
        rm_store4(y + i, r0);
        rm_store4(y + i + 4, r1);
    }
    for (; i + 4 <= n; i += 4) {
        rm_v4d v = rm_load4(x + i);
        if (rm_vm_all(rm_vm_exp_ok(v)))
            rm_store4(y + i, rm_vm_exp4(v));
        else
            for (int l = 0; l < 4; l++) y[i + l] = exp(v[l]);
    }
    if (i < n) {
        /* the tail through one padded vector: the same roundings as the bulk */
        rm_v4d v = rm_vm_splat(0.0);
        for (ptrdiff_t l = 0; l < n - i; l++) v[l] = x[i + l];
        int ok = rm_vm_all(rm_vm_exp_ok(v));
        rm_v4d r = ok ? rm_vm_exp4(v) : v;
        for (ptrdiff_t l = 0; l < n - i; l++) y[i + l] = ok ? r[l] : exp(v[l]);
    }
}

static void RM_SFX(vlog)(ptrdiff_t n, const double *x, double *y) {
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) {                  /* as vexp: two vectors per step */
        rm_v4d v0 = rm_load4(x + i), v1 = rm_load4(x + i + 4);
        if (!rm_vm_all(rm_vm_log_ok(v0) & rm_vm_log_ok(v1))) break;
        rm_v4d r0 = rm_vm_log4(v0), r1 = rm_vm_log4(v1);
        rm_store4(y + i, r0);
        rm_store4(y + i + 4, r1);
    }
    for (; i + 4 <= n; i += 4) {
        rm_v4d v = rm_load4(x + i);
        if (rm_vm_all(rm_vm_log_ok(v)))
            rm_store4(y + i, rm_vm_log4(v));
        else
            for (int l = 0; l < 4; l++) y[i + l] = log(v[l]);
    }
    if (i < n) {
        rm_v4d v = rm_vm_splat(1.0);
        for (ptrdiff_t l = 0; l < n - i; l++) v[l] = x[i + l];
        int ok = rm_vm_all(rm_vm_log_ok(v));
        rm_v4d r = ok ? rm_vm_log4(v) : v;
        for (ptrdiff_t l = 0; l < n - i; l++) y[i + l] = ok ? r[l] : log(v[l]);
    }
}

/* log1p of four lanes whose u = 1 + x is a positive normal finite number */
RM_INLINE rm_v4d rm_vm_log1p4(rm_v4d v, rm_v4d u) {
    const rm_v4d c = (u - rm_vm_splat(1.0)) - v;         /* u's rounding error, exact */
    return rm_vm_log4(u) - c / u;
}

static void RM_SFX(vlog1p)(ptrdiff_t n, const double *x, double *y) {
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) {                  /* as vexp: two vectors per step */
        rm_v4d v0 = rm_load4(x + i), v1 = rm_load4(x + i + 4);
        rm_v4d u0 = rm_vm_splat(1.0) + v0, u1 = rm_vm_splat(1.0) + v1;
        if (!rm_vm_all(rm_vm_log_ok(u0) & rm_vm_log_ok(u1))) break;
        rm_v4d r0 = rm_vm_log1p4(v0, u0), r1 = rm_vm_log1p4(v1, u1);
        rm_store4(y + i, r0);
        rm_store4(y + i + 4, r1);
    }
    for (; i + 4 <= n; i += 4) {
        rm_v4d v = rm_load4(x + i);
        rm_v4d u = rm_vm_splat(1.0) + v;
        if (rm_vm_all(rm_vm_log_ok(u)))
            rm_store4(y + i, rm_vm_log1p4(v, u));
        else
            for (int l = 0; l < 4; l++) y[i + l] = log1p(v[l]);
    }
    if (i < n) {
        rm_v4d v = rm_vm_splat(0.0);
        for (ptrdiff_t l = 0; l < n - i; l++) v[l] = x[i + l];
        rm_v4d u = rm_vm_splat(1.0) + v;
        int ok = rm_vm_all(rm_vm_log_ok(u));
        rm_v4d r = ok ? rm_vm_log1p4(v, u) : v;
        for (ptrdiff_t l = 0; l < n - i; l++) y[i + l] = ok ? r[l] : log1p(v[l]);
    }
}

#else  /* no vector extensions: libm, element by element */

static void RM_SFX(vexp)(ptrdiff_t n, const double *x, double *y) {
    for (ptrdiff_t i = 0; i < n; i++) y[i] = exp(x[i]);
}
static void RM_SFX(vlog)(ptrdiff_t n, const double *x, double *y) {
    for (ptrdiff_t i = 0; i < n; i++) y[i] = log(x[i]);
}
static void RM_SFX(vlog1p)(ptrdiff_t n, const double *x, double *y) {
    for (ptrdiff_t i = 0; i < n; i++) y[i] = log1p(x[i]);
}

#endif

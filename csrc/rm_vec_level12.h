/* rm_vec_level12.h: the level-1/2 inner loops of blas.pyx, written once for both element
 * types.  Not a header to include anywhere else: rm_vec_impl.h includes it twice per
 * instruction set, with
 *     RM_T double, RM_VN(x) d##x, RM_VEC rm_v4d (L = 4 lanes of a 32-byte vector)
 *     RM_T float,  RM_VN(x) s##x, RM_VEC rm_v8f (L = 8 lanes)
 * defined, giving ddot_unit_<isa> ... and sdot_unit_<isa> ...  The float instance
 * accumulates in float (the products and sums of numpy's and the BLAS's sdot); the
 * vectors hold 32 bytes either way, so a float loop does twice the elements per step.
 * References as in rm_vec_impl.h ([BLAS], [GVL4] Sec. 1.1 and 3.1).
 */
#define L RM_L
#if RM_HAVE_VEC
/* x . y: four L-lane accumulators (4 L products in flight) */
static RM_T RM_SFX(RM_VN(dot_unit))(ptrdiff_t n, const RM_T *x, const RM_T *y) {
    RM_VEC s0 = RM_VZERO, s1 = s0, s2 = s0, s3 = s0;
    ptrdiff_t i = 0;
    for (; i + 4 * L <= n; i += 4 * L) {
        s0 += RM_VLOAD(x + i) * RM_VLOAD(y + i);
        s1 += RM_VLOAD(x + i + L) * RM_VLOAD(y + i + L);
        s2 += RM_VLOAD(x + i + 2 * L) * RM_VLOAD(y + i + 2 * L);
        s3 += RM_VLOAD(x + i + 3 * L) * RM_VLOAD(y + i + 3 * L);
    }
    for (; i + L <= n; i += L) s0 += RM_VLOAD(x + i) * RM_VLOAD(y + i);
    s0 = (s0 + s1) + (s2 + s3);
    RM_T s = RM_HSUM(s0);
    for (; i < n; i++) s += x[i] * y[i];
    return s;
}

/* out[r] = a_r . x for four rows sharing each load of x (the y = A x form of dgemv) */
static void RM_SFX(RM_VN(dot4))(ptrdiff_t n, const RM_T *a0, const RM_T *a1,
                                const RM_T *a2, const RM_T *a3, const RM_T *x,
                                RM_T *out) {
    RM_VEC s0 = RM_VZERO, s1 = s0, s2 = s0, s3 = s0;
    ptrdiff_t i = 0;
    for (; i + L <= n; i += L) {
        RM_VEC xv = RM_VLOAD(x + i);
        s0 += RM_VLOAD(a0 + i) * xv;
        s1 += RM_VLOAD(a1 + i) * xv;
        s2 += RM_VLOAD(a2 + i) * xv;
        s3 += RM_VLOAD(a3 + i) * xv;
    }
    RM_T r0 = RM_HSUM(s0), r1 = RM_HSUM(s1), r2 = RM_HSUM(s2), r3 = RM_HSUM(s3);
    for (; i < n; i++) {
        r0 += a0[i] * x[i]; r1 += a1[i] * x[i]; r2 += a2[i] * x[i]; r3 += a3[i] * x[i];
    }
    out[0] = r0; out[1] = r1; out[2] = r2; out[3] = r3;
}

/* sum of x_i^2: two L-lane accumulators */
static RM_T RM_SFX(RM_VN(sumsq_unit))(ptrdiff_t n, const RM_T *x) {
    RM_VEC s0 = RM_VZERO, s1 = s0;
    ptrdiff_t i = 0;
    for (; i + 2 * L <= n; i += 2 * L) {
        RM_VEC u = RM_VLOAD(x + i), v = RM_VLOAD(x + i + L);
        s0 += u * u;
        s1 += v * v;
    }
    s0 += s1;
    RM_T s = RM_HSUM(s0);
    for (; i < n; i++) s += x[i] * x[i];
    return s;
}
#else
static RM_T RM_SFX(RM_VN(dot_unit))(ptrdiff_t n, const RM_T *x, const RM_T *y) {
    RM_T s = 0;
    for (ptrdiff_t i = 0; i < n; i++) s += x[i] * y[i];
    return s;
}
static void RM_SFX(RM_VN(dot4))(ptrdiff_t n, const RM_T *a0, const RM_T *a1,
                                const RM_T *a2, const RM_T *a3, const RM_T *x,
                                RM_T *out) {
    out[0] = RM_SFX(RM_VN(dot_unit))(n, a0, x);
    out[1] = RM_SFX(RM_VN(dot_unit))(n, a1, x);
    out[2] = RM_SFX(RM_VN(dot_unit))(n, a2, x);
    out[3] = RM_SFX(RM_VN(dot_unit))(n, a3, x);
}
static RM_T RM_SFX(RM_VN(sumsq_unit))(ptrdiff_t n, const RM_T *x) {
    return RM_SFX(RM_VN(dot_unit))(n, x, x);
}
#endif

/* y += alpha * x and y += c0 a0 + c1 a1 + c2 a2 + c3 a3 (y distinct from the other
 * operands): no reduction, the compiler vectorises these loops itself, with the
 * registers of the file's ISA. */
static void RM_SFX(RM_VN(axpy_unit))(ptrdiff_t n, RM_T alpha, const RM_T *restrict x,
                              RM_T *restrict y) {
    for (ptrdiff_t i = 0; i < n; i++) y[i] += alpha * x[i];
}

static void RM_SFX(RM_VN(axpy4))(ptrdiff_t n, RM_T c0, RM_T c1, RM_T c2, RM_T c3,
                          const RM_T *restrict a0, const RM_T *restrict a1,
                          const RM_T *restrict a2, const RM_T *restrict a3,
                          RM_T *restrict y) {
    for (ptrdiff_t j = 0; j < n; j++)
        y[j] += (c0 * a0[j] + c1 * a1[j]) + (c2 * a2[j] + c3 * a3[j]);
}

/* bi[:w] = post * (pre * bi[:w] + sign * sum_{p in [lo, hi)} P[p] * B[p, :w]).  One pass
 * over bi: for each block of 4 L columns the sums stay in four L-lane registers while the
 * hi - lo rows of B stream past (one load per multiply-add, four independent add
 * chains), then one store; the scalings of the triangular kernels (1/t_ii, t_ii) are
 * folded into pre / post [GVL4 Sec. 3.1, row-oriented substitution]. */
static void RM_SFX(RM_VN(row_combine))(ptrdiff_t w, RM_T pre, RM_T post, RM_T sign,
                                const RM_T *P, ptrdiff_t lo, ptrdiff_t hi,
                                const RM_T *B, ptrdiff_t ldb, RM_T *restrict bi) {
    RM_T a[RM_TRI_MAX];
    const ptrdiff_t np = hi - lo;
    const RM_T *restrict B0 = B + lo * ldb;
    ptrdiff_t p, j = 0;
    for (p = 0; p < np; p++) a[p] = sign * P[lo + p];
#if RM_HAVE_VEC
    const RM_VEC vpre = RM_VZERO + pre, vpost = RM_VZERO + post;
    for (; j + 4 * L <= w; j += 4 * L) {
        RM_VEC s0 = vpre * RM_VLOAD(bi + j), s1 = vpre * RM_VLOAD(bi + j + L);
        RM_VEC s2 = vpre * RM_VLOAD(bi + j + 2 * L), s3 = vpre * RM_VLOAD(bi + j + 3 * L);
        for (p = 0; p < np; p++) {
            const RM_T *b = B0 + p * ldb + j;
            const RM_VEC av = RM_VZERO + a[p];
            s0 += av * RM_VLOAD(b);
            s1 += av * RM_VLOAD(b + L);
            s2 += av * RM_VLOAD(b + 2 * L);
            s3 += av * RM_VLOAD(b + 3 * L);
        }
        RM_VSTORE(bi + j, s0 * vpost);
        RM_VSTORE(bi + j + L, s1 * vpost);
        RM_VSTORE(bi + j + 2 * L, s2 * vpost);
        RM_VSTORE(bi + j + 3 * L, s3 * vpost);
    }
    for (; j + L <= w; j += L) {
        RM_VEC s0 = vpre * RM_VLOAD(bi + j);
        for (p = 0; p < np; p++) {
            const RM_VEC av = RM_VZERO + a[p];
            s0 += av * RM_VLOAD(B0 + p * ldb + j);
        }
        RM_VSTORE(bi + j, s0 * vpost);
    }
#endif
    for (; j < w; j++) {
        RM_T s = pre * bi[j];
        for (p = 0; p < np; p++) s += a[p] * B0[p * ldb + j];
        bi[j] = post * s;
    }
}

#undef L

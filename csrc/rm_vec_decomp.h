/* rm_vec_decomp.h: the inner loops of the eigensolvers and the SVD, written once for
 * both element types.  Not a header to include anywhere else: rm_vec_impl.h includes it
 * twice per instruction set, beside rm_vec_level12.h and with the same macros,
 *     RM_T double, RM_VN(x) d##x, RM_VEC rm_v4d (RM_L = 4 lanes of a 32-byte vector)
 *     RM_T float,  RM_VN(x) s##x, RM_VEC rm_v8f (RM_L = 8 lanes)
 * giving dsymv_lower_<isa> ... and ssymv_lower_<isa> ...  The float instances compute in
 * float throughout (LAPACK's ssytrd, shseqr and sbdsqr do the same).
 * References as in rm_vec_impl.h ([GVL4] Alg. 7.5.1, Sec. 8.3, Sec. 8.6.2; [VvdGQ14]).
 */

/* ---- eigensolvers (_eigh.pyx, _eig.pyx) ------------------------------------------ */
/* y = A x, A symmetric, only its lower triangle read.  Half of dsytrd's work [GVL4
 * Sec. 8.3] is this product with the trailing block, memory bound: one pass over each
 * row i of the lower triangle does both halves, y_i += a_i[:i] . x[:i] (a dot product:
 * explicit RM_L-lane accumulators) and y[:i] += x_i a_i[:i].  Four rows at a time (as
 * the dgemv-style kernels of rm_vec_level12.h): each load and store of y[j] then serves
 * four rows, so the loop is bound by the stream of A, not by the traffic on y. */
static void RM_SFX(RM_VN(symv_lower))(ptrdiff_t n, const RM_T *A, ptrdiff_t lda,
                                      const RM_T *x, RM_T *y) {
    for (ptrdiff_t i = 0; i < n; i++) y[i] = 0;
    ptrdiff_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const RM_T *a0 = A + i * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
        const RM_T x0 = x[i], x1 = x[i + 1], x2 = x[i + 2], x3 = x[i + 3];
        RM_T t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        ptrdiff_t j = 0;
#if RM_HAVE_VEC
        RM_VEC s0 = RM_VZERO, s1 = s0, s2 = s0, s3 = s0;
        const RM_VEC x0v = RM_VZERO + x0, x1v = RM_VZERO + x1;
        const RM_VEC x2v = RM_VZERO + x2, x3v = RM_VZERO + x3;
        for (; j + RM_L <= i; j += RM_L) {
            const RM_VEC c0 = RM_VLOAD(a0 + j), c1 = RM_VLOAD(a1 + j);
            const RM_VEC c2 = RM_VLOAD(a2 + j), c3 = RM_VLOAD(a3 + j);
            const RM_VEC xv = RM_VLOAD(x + j);
            s0 += c0 * xv;
            s1 += c1 * xv;
            s2 += c2 * xv;
            s3 += c3 * xv;
            RM_VSTORE(y + j, RM_VLOAD(y + j) + ((c0 * x0v + c1 * x1v) + (c2 * x2v + c3 * x3v)));
        }
        t0 = RM_HSUM(s0);
        t1 = RM_HSUM(s1);
        t2 = RM_HSUM(s2);
        t3 = RM_HSUM(s3);
#endif
        for (; j < i; j++) {
            t0 += a0[j] * x[j];
            t1 += a1[j] * x[j];
            t2 += a2[j] * x[j];
            t3 += a3[j] * x[j];
            y[j] += (a0[j] * x0 + a1[j] * x1) + (a2[j] * x2 + a3[j] * x3);
        }
        /* the 4 x 4 diagonal block (lower triangle) */
        t1 += a1[i] * x0;
        t2 += a2[i] * x0 + a2[i + 1] * x1;
        t3 += a3[i] * x0 + a3[i + 1] * x1 + a3[i + 2] * x2;
        y[i] += t0 + a0[i] * x0 + a1[i] * x1 + a2[i] * x2 + a3[i] * x3;
        y[i + 1] += t1 + a1[i + 1] * x1 + a2[i + 1] * x2 + a3[i + 1] * x3;
        y[i + 2] += t2 + a2[i + 2] * x2 + a3[i + 2] * x3;
        y[i + 3] += t3 + a3[i + 3] * x3;
    }
    for (; i < n; i++) {
        const RM_T *a = A + i * lda;
        const RM_T xi = x[i];
        RM_T t = 0;
        for (ptrdiff_t j = 0; j < i; j++) {
            t += a[j] * x[j];
            y[j] += a[j] * xi;
        }
        y[i] += t + a[i] * xi;
    }
}

/* The deferred reflectors of a Francis double-shift sweep [GVL4 Alg. 7.5.1], applied
 * from the left to rows lo..hi of X, one column chunk at a time (the chunk of the three
 * rows a reflector touches stays in L1 across the sweep). */
static void RM_SFX(RM_VN(refl_rows))(ptrdiff_t lo, ptrdiff_t hi, const RM_T *tau,
                                     const RM_T *v1, const RM_T *v2, RM_T *X,
                                     ptrdiff_t ldx, ptrdiff_t c0, ptrdiff_t c1,
                                     ptrdiff_t chunk) {
    for (ptrdiff_t j0 = c0; j0 < c1; j0 += chunk) {
        ptrdiff_t w = c1 - j0 < chunk ? c1 - j0 : chunk;
        for (ptrdiff_t k = lo; k < hi; k++) {
            const RM_T t = tau[k], a = v1[k], b = v2[k];
            if (t == 0) continue;
            RM_T *restrict x0 = X + k * ldx + j0;
            RM_T *restrict x1 = X + (k + 1) * ldx + j0;
            if (k + 1 < hi) {
                RM_T *restrict x2 = X + (k + 2) * ldx + j0;
                for (ptrdiff_t i = 0; i < w; i++) {
                    const RM_T s = t * (x0[i] + a * x1[i] + b * x2[i]);
                    x0[i] -= s; x1[i] -= s * a; x2[i] -= s * b;
                }
            } else {
                for (ptrdiff_t i = 0; i < w; i++) {
                    const RM_T s = t * (x0[i] + a * x1[i]);
                    x0[i] -= s; x1[i] -= s * a;
                }
            }
        }
    }
}

/* The same reflectors from the right, to columns lo..hi of rows r0..r1-1 of X. */
static void RM_SFX(RM_VN(refl_cols))(ptrdiff_t lo, ptrdiff_t hi, const RM_T *tau,
                                     const RM_T *v1, const RM_T *v2, RM_T *X,
                                     ptrdiff_t ldx, ptrdiff_t r0, ptrdiff_t r1) {
    for (ptrdiff_t r = r0; r < r1; r++) {
        RM_T *x = X + r * ldx;
        for (ptrdiff_t k = lo; k < hi; k++) {
            const RM_T t = tau[k], a = v1[k], b = v2[k];
            if (t == 0) continue;
            if (k + 1 < hi) {
                const RM_T s = t * (x[k] + a * x[k + 1] + b * x[k + 2]);
                x[k] -= s; x[k + 1] -= s * a; x[k + 2] -= s * b;
            } else {
                const RM_T s = t * (x[k] + a * x[k + 1]);
                x[k] -= s; x[k + 1] -= s * a;
            }
        }
    }
}

/* ---- SVD (_svd.pyx, _bdsdc.pyx): the stored sweeps of the bidiagonal QR [VvdGQ14],
 * two consecutive rotations per pass over a chunk (rows k, k+1, k+2 loaded and stored
 * once for both) ------------------------------------------------------------------- */
static void RM_SFX(RM_VN(svd_apply_sweeps))(ptrdiff_t nsweeps, const ptrdiff_t *lo,
                                            const ptrdiff_t *hi, const RM_T *cs,
                                            const RM_T *sn, ptrdiff_t ld, RM_T *X,
                                            ptrdiff_t ldx, ptrdiff_t ncols,
                                            ptrdiff_t chunk) {
    for (ptrdiff_t j0 = 0; j0 < ncols; j0 += chunk) {
        ptrdiff_t w = ncols - j0 < chunk ? ncols - j0 : chunk;
        for (ptrdiff_t q = 0; q < nsweeps; q++) {
            ptrdiff_t k = lo[q];
            for (; k + 1 < hi[q]; k += 2) {
                const RM_T c1 = cs[q * ld + k], s1 = sn[q * ld + k];
                const RM_T c2 = cs[q * ld + k + 1], s2 = sn[q * ld + k + 1];
                RM_T *restrict x = X + k * ldx + j0;
                RM_T *restrict y = X + (k + 1) * ldx + j0;
                RM_T *restrict z = X + (k + 2) * ldx + j0;
                for (ptrdiff_t i = 0; i < w; i++) {
                    const RM_T a = x[i], b = y[i], cz = z[i];
                    const RM_T b1 = c1 * b - s1 * a;
                    x[i] = c1 * a + s1 * b;
                    y[i] = c2 * b1 + s2 * cz;
                    z[i] = c2 * cz - s2 * b1;
                }
            }
            for (; k < hi[q]; k++) {
                const RM_T c = cs[q * ld + k], s = sn[q * ld + k];
                RM_T *restrict x = X + k * ldx + j0;
                RM_T *restrict y = X + (k + 1) * ldx + j0;
                for (ptrdiff_t i = 0; i < w; i++) {
                    const RM_T a = x[i], b = y[i];
                    x[i] = c * a + s * b;
                    y[i] = c * b - s * a;
                }
            }
        }
    }
}

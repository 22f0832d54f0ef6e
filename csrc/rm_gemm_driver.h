/* rm_gemm_driver.h: the packed GEMM driver of rm_gemm.c (packing loops, the direct path,
 * the five loops on one thread and on several), written once for both element types.
 *
 * Not a header to include anywhere else: rm_gemm.c includes it twice, with
 *     RM_T double, RM_P d, RM_KER_T rm_dgemm_kernel_t   -> rm_dgemm
 *     RM_T float,  RM_P s, RM_KER_T rm_sgemm_kernel_t   -> rm_sgemm
 * defined, after its shared helpers (kernel selection, per-thread workspace, round_up,
 * gemm_threads).  kernel_current()->RM_P is the instance's kernel of the instruction set
 * in use.  The algorithm, its references and its threading are described in rm_gemm.c's
 * header; everything here holds for either type (block sizes come from each kernel's
 * table, in elements; buffer offsets are computed in bytes).
 */
#if !defined(RM_T) || !defined(RM_P) || !defined(RM_KER_T)
#  error "rm_gemm_driver.h is instantiated by rm_gemm.c only"
#endif

/* ---------------------------------------------------------------------------------
 * Packing [GvdG08 section 5; BLIS15 section 3].  Each routine copies one block of op(X)
 * into micro-panels, zero-padding the last one, so the micro-kernel runs on full tiles.
 * ------------------------------------------------------------------------------- */

/* op(A)[0:mc, 0:kc] (element (i, p) at A[i*lda + p], or A[p*lda + i] when trans) into
 * MR-row micro-panels lo..hi-1; panel ip holds rows ip*MR.. as dst[ip*MR*kc + p*MR + i]. */
static void RM_TN(pack_a_, )(const RM_KER_T *ker, int trans, long mc, long kc,
                             const RM_T *A, long lda, long panel_lo, long panel_hi,
                             RM_T *dst) {                            /* OUT */
    const int MR = ker->MR;
    for (long ip = panel_lo; ip < panel_hi; ip++) {
        long i0 = ip * MR, mr = mc - i0 < MR ? mc - i0 : MR;
        ker->pack_a(trans, mr, kc, trans ? A + i0 : A + i0 * lda, lda, dst + ip * MR * kc);
    }
}

/* op(B)[0:kc, 0:nc] (element (p, j) at B[p*ldb + j], or B[j*ldb + p] when trans) into
 * NR-column micro-panels lo..hi-1; panel jp holds columns jp*NR.. as
 * dst[jp*NR*kc + p*NR + j]. */
static void RM_TN(pack_b_, )(const RM_KER_T *ker, int trans, long kc, long nc,
                             const RM_T *B, long ldb, long panel_lo, long panel_hi,
                             RM_T *dst) {                            /* OUT */
    const int NR = ker->NR;
    for (long jp = panel_lo; jp < panel_hi; jp++) {
        long j0 = jp * NR, nr = nc - j0 < NR ? nc - j0 : NR;
        ker->pack_b(trans, nr, kc, trans ? B + j0 * ldb : B + j0, ldb, dst + jp * NR * kc);
    }
}

/* C = beta * C on an m x n block (beta == 0 writes zeros without reading C) */
static void RM_TN(scale_c_, )(long m, long n, RM_T beta, RM_T *C, long ldc) {
    if (beta == (RM_T)1) return;
    for (long i = 0; i < m; i++) {
        RM_T *c = C + i * ldc;
        if (beta == (RM_T)0) memset(c, 0, (size_t)n * sizeof(RM_T));
        else for (long j = 0; j < n; j++) c[j] *= beta;
    }
}

/* The direct path: no packing at all [BLIS15 section 6: for small or skinny products
 * the copies cost more than they save].  The micro-kernel reads op(A) through strides
 * (rsa, csa) and the rows of B in place (so B must not be transposed).  The MR x NR tiles,
 * in row-major order, are cut into chunks that the threads take dynamically (a thread
 * slowed down by another process on the same core takes fewer); each chunk walks its
 * k blocks in order, so the threads never wait for each other. */
static void RM_TN(gemm_direct_, )(const RM_KER_T *ker, int transa, long m, long n, long k,
                                  RM_T alpha, const RM_T *A, long lda, const RM_T *B, long ldb,
                                  RM_T beta, RM_T *C, long ldc, int nt) {
    const int MR = ker->MR, NR = ker->NR;
    const long KC = ker->KC;
    const long rsa = transa ? 1 : lda, csa = transa ? lda : 1;
    const long mpanels = (m + MR - 1) / MR, npanels = (n + NR - 1) / NR;
    const long ntiles = mpanels * npanels;
    const long nchunks = nt > 1 ? (ntiles < 8L * nt ? ntiles : 8L * nt) : 1;
    (void)nt;
#pragma omp parallel for num_threads(nt) if (nt > 1) schedule(dynamic, 1)
    for (long ch = 0; ch < nchunks; ch++) {
        long t_lo = ntiles * ch / nchunks, t_hi = ntiles * (ch + 1) / nchunks;
        for (long pc = 0; pc < k; pc += KC) {                  /* k blocks, in order */
            long kc = k - pc < KC ? k - pc : KC;
            RM_T beta_p = pc == 0 ? beta : (RM_T)1;
            for (long t = t_lo; t < t_hi; t++) {               /* tiles, row-major */
                long i = (t / npanels) * MR, j = (t % npanels) * NR;
                /* C[i:i+MR, j:j+NR] = alpha * op(A)[i:, pc:pc+kc] @ B[pc:pc+kc, j:]
                 *                     + beta_p * C[i:i+MR, j:j+NR] */
                ker->ukr_direct(kc, alpha, A + i * rsa + pc * csa, rsa, csa,
                                B + pc * ldb + j, ldb, beta_p, C + i * ldc + j, ldc,
                                m - i < MR ? m - i : MR, n - j < NR ? n - j : NR);
            }
        }
    }
}

/* The packed path on one thread: the five loops of the file header.  pack_a_ok == 0
 * reads op(A) in place (a direct product whose B is transposed). */
static void RM_TN(gemm_packed_, )(const RM_KER_T *ker, int pack_a_ok, int transa, int transb,
                                  long m, long n, long k, RM_T alpha, const RM_T *A, long lda,
                                  const RM_T *B, long ldb, RM_T beta, RM_T *C, long ldc) {
    const int MR = ker->MR, NR = ker->NR;
    const long KC = ker->KC, NC = ker->NC;
    /* a shallow product (k < KC) affords a taller block of A in the same memory */
    long MC = ker->MC;
    if (k < KC) MC = round_up(MC * KC / k, MR);
    if (!pack_a_ok) MC = round_up(m, MR);
    long kc_max = k < KC ? k : KC;
    long mc_max = round_up(m < MC ? m : MC, MR);
    long nc_max = round_up(n < NC ? n : NC, NR);
    size_t a_sz = pack_a_ok ? (size_t)mc_max * kc_max : 0;
    size_t b_sz = (size_t)nc_max * kc_max;
    /* elements: B~ starts 4 KiB + 320 bytes after a page boundary past A~ */
    size_t a_off = round_up((long)a_sz, 4096 / (long)sizeof(RM_T)) + 320 / sizeof(RM_T);
    RM_T *buf = (RM_T *)workspace((a_off + b_sz + 8) * sizeof(RM_T));
    if (buf == NULL) {
        /* out of memory for the panels: the unpacked rung still gives the answer */
        RM_TN(rm_, gemm_blocked)(transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    RM_T *a_pack = buf, *b_pack = buf + a_off;

    for (long ic = 0; ic < m; ic += MC) {                             /* loop 5 */
        long mc = m - ic < MC ? m - ic : MC;
        long mpanels = (mc + MR - 1) / MR;
        for (long pc = 0; pc < k; pc += KC) {                         /* loop 4 */
            long kc = k - pc < KC ? k - pc : KC;
            RM_T beta_p = pc == 0 ? beta : (RM_T)1;   /* later k blocks accumulate */
            const RM_T *a_blk = transa ? A + pc * lda + ic : A + ic * lda + pc;
            /* A~ = op(A)[ic:ic+mc, pc:pc+kc] as MR-row micro-panels */
            if (pack_a_ok) RM_TN(pack_a_, )(ker, transa, mc, kc, a_blk, lda, 0, mpanels, a_pack);
            for (long jc = 0; jc < n; jc += NC) {                     /* loop 3 */
                long nc = n - jc < NC ? n - jc : NC;
                long npanels = (nc + NR - 1) / NR;
                const RM_T *b_blk = transb ? B + jc * ldb + pc : B + pc * ldb + jc;
                /* B~ = op(B)[pc:pc+kc, jc:jc+nc] as NR-column micro-panels */
                RM_TN(pack_b_, )(ker, transb, kc, nc, b_blk, ldb, 0, npanels, b_pack);
                for (long ip = 0; ip < mpanels; ip++) {               /* loop 2 */
                    long i = ip * MR, mr = mc - i < MR ? mc - i : MR;
                    const RM_T *ap = pack_a_ok ? a_pack + ip * MR * kc
                                     : transa ? a_blk + i : a_blk + i * lda;
                    for (long jp = 0; jp < npanels; jp++) {           /* loop 1 */
                        long j = jp * NR, nr = nc - j < NR ? nc - j : NR;
                        RM_T *c = C + (ic + i) * ldc + jc + j;
                        const RM_T *bp = b_pack + jp * NR * kc;
                        if (pack_a_ok)
                            /* C[i:i+MR, j:j+NR] = alpha * A~_ip @ B~_jp + beta_p * C[..] */
                            ker->ukr(kc, alpha, ap, 1, MR, bp, NR, beta_p, c, ldc, mr, nr);
                        else
                            /* the same with op(A) read in place */
                            ker->ukr_direct(kc, alpha, ap, transa ? 1 : lda,
                                            transa ? lda : 1, bp, NR, beta_p, c, ldc, mr, nr);
                    }
                }
            }
        }
    }
}

/* The packed path on nt threads for a wide C (loop 3 in parallel [SMITH14 section 5]).
 * For each block (ic, pc) the threads pack disjoint micro-panels of the shared A~ (in
 * the caller's buffer) and wait for each other; then they take the column blocks of C
 * (about NC wide, a multiple of NR, their number a multiple of nt) dynamically, each
 * packing its B~ into its own buffer (its core's L2) and running loops 2 and 1; the end
 * of that loop waits for all before A~ is overwritten.  Two barriers per MC x KC block
 * of A, a few per call, each after milliseconds of work; the dynamic column blocks let a
 * thread that shares its core with another process do less of the work. */
static void RM_TN(gemm_packed_shared_, )(const RM_KER_T *ker, int transa, int transb,
                                         long m, long n, long k, RM_T alpha,
                                         const RM_T *A, long lda, const RM_T *B, long ldb,
                                         RM_T beta, RM_T *C, long ldc, int nt) {
    const int MR = ker->MR, NR = ker->NR;
    const long KC = ker->KC, NC = ker->NC;
    long MC = ker->MC;
    if (k < KC) MC = round_up(MC * KC / k, MR);
    long kc_max = k < KC ? k : KC;
    long mc_max = round_up(m < MC ? m : MC, MR);
    RM_T *a_pack = (RM_T *)grow(&tls_shared, &tls_shared_cap,
                               ((size_t)mc_max * kc_max + 8) * sizeof(RM_T));
    if (a_pack == NULL) {
        RM_TN(rm_, gemm_blocked)(transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    /* column blocks: npan NR-wide panels in nblk blocks of about NC columns */
    const long npan = (n + NR - 1) / NR;
    long nblk = round_up((n + NC - 1) / NC, nt);
    if (nblk > npan) nblk = npan;
    const long blk_max = round_up(npan, nblk) / nblk * NR;      /* widest block */
    int fail = 0;
#pragma omp parallel num_threads(nt)
    {
#ifdef _OPENMP
        const int tid = omp_get_thread_num(), nth = omp_get_num_threads();
#else
        const int tid = 0, nth = 1;
#endif
        /* B~ starts 320 bytes into the buffer: not 4 KiB-aligned with A~ (aliasing) */
        RM_T *b_pack = (RM_T *)workspace(((size_t)blk_max * kc_max + 8) * sizeof(RM_T) + 320);
        if (b_pack == NULL) {
#pragma omp atomic write
            fail = 1;
        } else {
            b_pack += 320 / sizeof(RM_T);
        }
#pragma omp barrier
        for (long ic = 0; ic < m && !fail; ic += MC) {                /* loop 5 */
            long mc = m - ic < MC ? m - ic : MC;
            long mpanels = (mc + MR - 1) / MR;
            for (long pc = 0; pc < k; pc += KC) {                     /* loop 4 */
                long kc = k - pc < KC ? k - pc : KC;
                RM_T beta_p = pc == 0 ? beta : (RM_T)1;
                const RM_T *a_blk = transa ? A + pc * lda + ic : A + ic * lda + pc;
                /* A~ = op(A)[ic:ic+mc, pc:pc+kc], this thread's share of the panels */
                RM_TN(pack_a_, )(ker, transa, mc, kc, a_blk, lda, mpanels * tid / nth,
                       mpanels * (tid + 1) / nth, a_pack);
#pragma omp barrier
#pragma omp for schedule(dynamic, 1)
                for (long jb = 0; jb < nblk; jb++) {                  /* loop 3 */
                    long jc = npan * jb / nblk * NR;
                    long je = npan * (jb + 1) / nblk * NR;
                    long nc = (je < n ? je : n) - jc;
                    long npanels = (nc + NR - 1) / NR;
                    const RM_T *b_blk = transb ? B + jc * ldb + pc : B + pc * ldb + jc;
                    /* B~ = op(B)[pc:pc+kc, jc:jc+nc], this thread's own */
                    RM_TN(pack_b_, )(ker, transb, kc, nc, b_blk, ldb, 0, npanels, b_pack);
                    for (long ip = 0; ip < mpanels; ip++) {           /* loop 2 */
                        long i = ip * MR, mr = mc - i < MR ? mc - i : MR;
                        for (long jp = 0; jp < npanels; jp++) {       /* loop 1 */
                            long j = jp * NR, nr = nc - j < NR ? nc - j : NR;
                            /* C[i:i+MR, j:j+NR] = alpha * A~_ip @ B~_jp + beta_p * C[..] */
                            ker->ukr(kc, alpha, a_pack + ip * MR * kc, 1, MR,
                                     b_pack + jp * NR * kc, NR, beta_p,
                                     C + (ic + i) * ldc + jc + j, ldc, mr, nr);
                        }
                    }
                }
                /* (the implicit barrier of the loop above: A~ may now be overwritten) */
            }
        }
    }
    if (fail)
        RM_TN(rm_, gemm_blocked)(transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

void RM_TN(rm_, gemm)(int transa, int transb, long m, long n, long k,
                      RM_T alpha, const RM_T *A, long lda,
                      const RM_T *B, long ldb,
                      RM_T beta, RM_T *C, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0 || alpha == (RM_T)0) {
        /* the empty (or zero-weighted) product: C = beta * C, A and B not read */
        RM_TN(scale_c_, )(m, n, beta, C, ldc);
        return;
    }
    const RM_KER_T *ker = kernel_current()->RM_P;
    const int MR = ker->MR, NR = ker->NR;
    const int nt = gemm_threads(m, n, k);

    /* Direct (unpacked) when the product is small, when C is narrow (n <= skinny: the
     * kc x n block of B read in place stays in L2 while all of op(A) streams past it)
     * or when C has at most 2 MR rows (each packed B panel would serve at most two
     * micro-panels of A).  The kernel's table holds the sizes measured for it.  A short,
     * wide C (m small, n large) is packed: read in place, the kc x n block of B would be
     * swept from memory once per micro-panel of A (3-4x slower when it leaves L3). */
    int direct;
    if (rm_path == RM_GEMM_PATH_AUTO)
        direct = (double)m * (double)n * (double)k
                     <= (double)ker->small * (double)ker->small * (double)ker->small
                 || n <= ker->skinny || m <= 2 * MR;
    else
        direct = rm_path == RM_GEMM_PATH_DIRECT;
    if (direct && !transb) {
        RM_TN(gemm_direct_, )(ker, transa, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, nt);
        return;
    }
    /* the packed path; a direct product with a transposed B packs B only */
    if (nt <= 1) {
        RM_TN(gemm_packed_, )(ker, !direct, transa, transb, m, n, k, alpha, A, lda, B, ldb,
                    beta, C, ldc);
        return;
    }
    /* Threads.  A wide C (n >= m) runs loop 3 in parallel with the packed A~ shared
     * (gemm_packed_shared).  A tall C is cut into slabs of rows, each an independent
     * packed product with the thread's own buffers (loop 5 in parallel; each slab packs
     * all of op(B), the smaller operand, which costs a few percent but needs no
     * barrier).  Slabs are cut at multiples of MR. */
    if (n >= m && !direct) {
        RM_TN(gemm_packed_shared_, )(ker, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C,
                           ldc, nt);
        return;
    }
    const int wide = n >= m;
    const long units = wide ? (n + NR - 1) / NR : (m + MR - 1) / MR;
    /* slabs taken dynamically: nt of them, or up to 4 nt of at least 1024 rows (or
     * columns) each, so a thread slowed by another process takes fewer; each slab
     * packs the other operand again (about 20 / (rows of the slab) of its time) */
    long nslab = (wide ? n : m) / 1024;
    nslab = nslab > 4L * nt ? 4L * nt : nslab;
    nslab = round_up(nslab > nt ? nslab : nt, nt);
    if (nslab > units) nslab = units;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (long t = 0; t < nslab; t++) {
        long lo = units * t / nslab, hi = units * (t + 1) / nslab;
        if (wide) {
            /* (only a direct product with a transposed B: op(A) read in place) */
            long j0 = lo * NR, j1 = hi * NR < n ? hi * NR : n;
            /* C[:, j0:j1] = alpha * op(A) @ op(B)[:, j0:j1] + beta * C[:, j0:j1] */
            RM_TN(gemm_packed_, )(ker, !direct, transa, transb, m, j1 - j0, k, alpha, A, lda,
                        transb ? B + j0 * ldb : B + j0, ldb, beta, C + j0, ldc);
        } else {
            long i0 = lo * MR, i1 = hi * MR < m ? hi * MR : m;
            /* C[i0:i1, :] = alpha * op(A)[i0:i1, :] @ op(B) + beta * C[i0:i1, :] */
            RM_TN(gemm_packed_, )(ker, !direct, transa, transb, i1 - i0, n, k, alpha,
                        transa ? A + i0 : A + i0 * lda, lda, B, ldb, beta,
                        C + i0 * ldc, ldc);
        }
    }
}


/* ---------------------------------------------------------------------------------
 * The symmetric rank-k update on the packed path [GvdG08 section 6 (the other level-3
 * operations cast in terms of the GEMM kernel); BLIS15 section 5 (herk: the same loops,
 * the micro-tiles above the diagonal skipped)]:
 *
 *     lower(C) = alpha * op(A) @ op(A)^T + beta * lower(C)    (op(A) n x k, A^T if trans)
 *
 * is the GEMM with B = op(A)^T, both packed from the same memory, whose loops visit only
 * the MR x NR tiles of C that meet the lower triangle: about half the flops of the
 * GEMM.  A tile on or below the diagonal goes straight to C; a tile that crosses it is
 * computed into a scratch tile whose lower part is merged, so the strict upper triangle
 * of C is never touched (the BLAS contract).  Returns -1 (C untouched) when the packing
 * buffers cannot be allocated.
 * ------------------------------------------------------------------------------- */
static int RM_TN(syrk_packed_, )(const RM_KER_T *ker, int trans, long n, long k, RM_T alpha,
                                 const RM_T *A, long lda, RM_T beta,
                                 RM_T *C, long ldc) {                 /* INOUT lower */
    const int MR = ker->MR, NR = ker->NR;
    const long KC = ker->KC, NC = ker->NC, MC = ker->MC;
    long kc_max = k < KC ? k : KC;
    long mc_max = round_up(n < MC ? n : MC, MR);
    long nc_max = round_up(n < NC ? n : NC, NR);
    /* elements: A~, then B~ 4 KiB + 320 bytes past a page boundary, then the tile */
    size_t a_off = round_up(mc_max * kc_max, 4096 / (long)sizeof(RM_T)) + 320 / sizeof(RM_T);
    size_t t_off = a_off + (size_t)round_up(nc_max * kc_max, 64 / (long)sizeof(RM_T));
    RM_T *buf = (RM_T *)workspace((t_off + (size_t)MR * NR + 8) * sizeof(RM_T));
    if (buf == NULL) return -1;
    RM_T *a_pack = buf, *b_pack = buf + a_off, *tile = buf + t_off;

    for (long jc = 0; jc < n; jc += NC) {                            /* loop 3 */
        long nc = n - jc < NC ? n - jc : NC;
        long npanels = (nc + NR - 1) / NR;
        for (long pc = 0; pc < k; pc += KC) {                         /* loop 4 */
            long kc = k - pc < KC ? k - pc : KC;
            RM_T beta_p = pc == 0 ? beta : (RM_T)1;   /* later k blocks accumulate */
            /* B~ = op(A)^T[pc:pc+kc, jc:jc+nc]; op(A)^T[p, j] = A[p*lda + j] when trans */
            const RM_T *b_blk = trans ? A + pc * lda + jc : A + jc * lda + pc;
            RM_TN(pack_b_, )(ker, !trans, kc, nc, b_blk, lda, 0, npanels, b_pack);
            for (long ic = jc; ic < n; ic += MC) {     /* loop 5: rows on or below jc */
                long mc = n - ic < MC ? n - ic : MC;
                long mpanels = (mc + MR - 1) / MR;
                const RM_T *a_blk = trans ? A + pc * lda + ic : A + ic * lda + pc;
                /* A~ = op(A)[ic:ic+mc, pc:pc+kc] */
                RM_TN(pack_a_, )(ker, trans, mc, kc, a_blk, lda, 0, mpanels, a_pack);
                for (long ip = 0; ip < mpanels; ip++) {               /* loop 2 */
                    long i = ic + ip * MR, mr = mc - ip * MR < MR ? mc - ip * MR : MR;
                    const RM_T *ap = a_pack + ip * MR * kc;
                    for (long jp = 0; jp < npanels; jp++) {           /* loop 1 */
                        long j = jc + jp * NR, nr = nc - jp * NR < NR ? nc - jp * NR : NR;
                        if (j > i + mr - 1) break;        /* the rest is above the diagonal */
                        const RM_T *bp = b_pack + jp * NR * kc;
                        RM_T *c = C + i * ldc + j;
                        if (j + nr - 1 <= i) {
                            /* C[i:i+mr, j:j+nr] = alpha * A~_ip @ B~_jp + beta_p * C[..] */
                            ker->ukr(kc, alpha, ap, 1, MR, bp, NR, beta_p, c, ldc, mr, nr);
                            continue;
                        }
                        /* the tile crosses the diagonal: computed whole into the
                         * scratch tile, then C[i+r, j+s] for j+s <= i+r merged */
                        ker->ukr(kc, alpha, ap, 1, MR, bp, NR, (RM_T)0, tile, NR, mr, nr);
                        for (long r = 0; r < mr; r++)
                            for (long s = 0; s < nr && j + s <= i + r; s++)
                                c[r * ldc + s] = beta_p == (RM_T)0 ? tile[r * NR + s]
                                                 : tile[r * NR + s] + beta_p * c[r * ldc + s];
                    }
                }
            }
        }
    }
    return 0;
}

/* lower(C) = alpha * op(A)[0:n, k0:k1] @ op(A)[0:n, k0:k1]^T + beta * lower(C), by rows
 * through the unpacked rung: what rm_syrk does when the packing buffers cannot be had. */
static void RM_TN(syrk_rows_, )(int trans, long n, long k0, long k1, RM_T alpha,
                                const RM_T *A, long lda, RM_T beta, RM_T *C, long ldc) {
    const RM_T *Ak = trans ? A + k0 * lda : A + k0;
    for (long i = 0; i < n; i++)
        /* C[i, 0:i+1] = alpha * op(A)[i, :] @ op(A)[0:i+1, :]^T + beta * C[i, 0:i+1] */
        RM_TN(rm_, gemm_blocked)(trans, !trans, 1, i + 1, k1 - k0, alpha,
                                 trans ? Ak + i : Ak + i * lda, lda, Ak, lda,
                                 beta, C + i * ldc, ldc);
}

/* The entry point (declared in rm_gemm.h).  Threads split the k dimension into nt
 * contiguous ranges of whole KC blocks: each computes its own partial lower(C) (the
 * first into C itself, with beta; the others into zero-initialised n x n scratch) and
 * the partials are summed at the end.  That costs n^2 per thread against n^2 k / nt of
 * work, so it is meant for Gram matrices of tall data (k >> n); its callers (blas.pyx
 * xsyrk) send it only those. */
void RM_TN(rm_, syrk)(int trans, long n, long k, RM_T alpha, const RM_T *A, long lda,
                      RM_T beta, RM_T *C, long ldc) {
    if (n <= 0) return;
    if (k <= 0 || alpha == (RM_T)0) {
        for (long i = 0; i < n; i++)                     /* lower(C) = beta * lower(C) */
            RM_TN(scale_c_, )(1, i + 1, beta, C + i * ldc, ldc);
        return;
    }
    const RM_KER_T *ker = kernel_current()->RM_P;
    const long KC = ker->KC;
    int nt = gemm_threads(n, n, k / 2);          /* half the multiply-adds of the GEMM */
    long kblocks = (k + KC - 1) / KC;
    if (nt > kblocks) nt = (int)kblocks;
    RM_T *part = NULL;
    if (nt > 1) {
        part = (RM_T *)calloc((size_t)(nt - 1) * n * n, sizeof(RM_T));
        if (part == NULL) nt = 1;
    }
    if (nt <= 1) {
        if (RM_TN(syrk_packed_, )(ker, trans, n, k, alpha, A, lda, beta, C, ldc) != 0)
            RM_TN(syrk_rows_, )(trans, n, 0, k, alpha, A, lda, beta, C, ldc);
        return;
    }
#pragma omp parallel for num_threads(nt) schedule(static, 1)
    for (int t = 0; t < nt; t++) {
        long k0 = kblocks * t / nt * KC, k1 = kblocks * (t + 1) / nt * KC;
        if (k1 > k) k1 = k;
        RM_T *ct = t == 0 ? C : part + (size_t)(t - 1) * n * n;
        long ldt = t == 0 ? ldc : n;
        RM_T bt = t == 0 ? beta : (RM_T)0;
        if (RM_TN(syrk_packed_, )(ker, trans, n, k1 - k0, alpha,
                                  trans ? A + k0 * lda : A + k0, lda, bt, ct, ldt) != 0)
            RM_TN(syrk_rows_, )(trans, n, k0, k1, alpha, A, lda, bt, ct, ldt);
    }
    for (int t = 1; t < nt; t++) {                  /* lower(C) += the other partials */
        const RM_T *pt = part + (size_t)(t - 1) * n * n;
        for (long i = 0; i < n; i++)
            for (long j = 0; j <= i; j++) C[i * ldc + j] += pt[i * n + j];
    }
    free(part);
}

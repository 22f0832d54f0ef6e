/* rm_gemm.c: the third rung of the GEMM ladder, a BLIS-style packed driver, plus the
 * run-time choice of the micro-kernel.
 *
 *     C = alpha * op(A) @ op(B) + beta * C      (row-major; op(A) m x k, op(B) k x n)
 *
 * References
 *   [GvdG08] K. Goto, R. van de Geijn, "Anatomy of high-performance matrix
 *            multiplication", ACM TOMS 34(3), 2008: packing, the layered blocking.
 *   [BLIS15] F. Van Zee, R. van de Geijn, "BLIS: A framework for rapidly instantiating
 *            BLAS functionality", ACM TOMS 41(3), 2015: the five loops around one
 *            micro-kernel, edge handling inside the micro-kernel path.
 *   [LOW16]  T. M. Low et al., "Analytical modeling is enough for high-performance BLIS",
 *            ACM TOMS 43(2), 2016: block sizes from the cache sizes.
 *   [SMITH14] T. M. Smith et al., "Anatomy of high-performance many-threaded matrix
 *            multiplication", IPDPS 2014: which loop to parallelise.
 *
 * Row-major C is column-major C^T = op(B)^T op(A)^T, so this driver is the BLIS loop nest
 * with the roles of A and B exchanged: the micro-kernel vectorises along the rows of C
 * (NR columns of B per step) and broadcasts elements of A (MR rows).  The loops, outer to
 * inner ([BLIS15] Fig. 2, mirrored):
 *
 *   loop 5  ic: rows of C in blocks of MC
 *   loop 4  pc: the k dimension in blocks of KC; pack op(A)[ic:ic+MC, pc:pc+KC] into
 *               MR-row micro-panels (the MC x KC block, in L3)
 *   loop 3  jc: columns of C in blocks of NC; pack op(B)[pc:pc+KC, jc:jc+NC] into
 *               NR-column micro-panels (the KC x NC block, in the core's L2)
 *   loop 2  ir: MR-row micro-panel of A (stays in L1 for the whole of loop 1)
 *   loop 1  jr: NR-column micro-panel of B (streams from L2) -> micro-kernel, MR x NR of C
 *
 * Transposes are absorbed by the packing routines (the packed micro-kernel only ever
 * sees packed panels); the packing of one micro-panel is the kernel's own (it knows its
 * MR / NR and may use its instruction set).  Small or skinny products skip packing: the
 * micro-kernel reads the caller's operands directly (gemm_direct), sizes from each
 * kernel's table.
 *
 * Threads (OpenMP, one level: inside another parallel region everything runs serially),
 * [SMITH14 sections 4-5].  A wide C (n >= m) runs loop 3 in parallel: the threads pack
 * the shared A~ together, then take column blocks of C dynamically, each packing its
 * own B~ into its own buffer (its core's L2) -- two barriers per MC x KC block of A, a
 * handful per call, each after milliseconds of work.  (A barrier per KC x NC block of B,
 * sharing loop 2, made a 2048^3 product on 2 threads slower than on one while other
 * processes used the cores: every barrier waited for a descheduled thread; and static
 * column ranges left the whole call waiting for a thread that shared its core.)  A tall
 * C is cut into slabs of rows handed out dynamically (loop 5 in parallel), each an
 * independent packed product; the direct path hands out chunks of MR x NR tiles.
 * Neither of these synchronises at all.
 */
#define _POSIX_C_SOURCE 200112L
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "rm_gemm.h"
#include "rm_gemm_kernel.h"

/* ---------------------------------------------------------------------------------
 * Kernel selection: the best kernel the CPU and OS support, chosen at first use, or the
 * one named by RUSTY_MACHINE_KERNEL (an unknown or unsupported name falls back to the
 * best one).  rm_gemm_set_kernel changes it (tests and benchmarks).
 * ------------------------------------------------------------------------------- */
static const rm_gemm_kernel_t *kernel_lookup(const char *name) {
    if (name == NULL) return NULL;
    if (strcmp(name, "generic") == 0) return &rm_gemm_kernel_generic;
#ifdef RM_BUILD_AVX2
    if (strcmp(name, "avx2") == 0) return rm_cpu_has_avx2_fma() ? &rm_gemm_kernel_avx2 : NULL;
#endif
#ifdef RM_BUILD_AVX512
    if (strcmp(name, "avx512") == 0) return rm_cpu_has_avx512f() ? &rm_gemm_kernel_avx512 : NULL;
#endif
    return NULL;
}

static int kernel_known(const char *name) {
    return strcmp(name, "generic") == 0 || strcmp(name, "avx2") == 0
        || strcmp(name, "avx512") == 0;
}

static const rm_gemm_kernel_t *kernel_best(void) {
    const rm_gemm_kernel_t *k;
    if ((k = kernel_lookup("avx512")) != NULL) return k;
    if ((k = kernel_lookup("avx2")) != NULL) return k;
    return &rm_gemm_kernel_generic;
}

static const rm_gemm_kernel_t *rm_kernel = NULL;

static const rm_gemm_kernel_t *kernel_current(void) {
    const rm_gemm_kernel_t *k = __atomic_load_n(&rm_kernel, __ATOMIC_ACQUIRE);
    if (k == NULL) {
        /* the same answer whichever thread gets here first */
        k = kernel_lookup(getenv("RUSTY_MACHINE_KERNEL"));
        if (k == NULL) k = kernel_best();
        __atomic_store_n(&rm_kernel, k, __ATOMIC_RELEASE);
    }
    return k;
}

const char *rm_gemm_kernel_name(void) { return kernel_current()->name; }

int rm_gemm_kernel_supported(const char *name) { return kernel_lookup(name) != NULL; }

void rm_gemm_kernel_blocks(int *mr, int *nr, long *mc, long *kc, long *nc, long *small,
                           long *skinny) {
    const rm_gemm_kernel_t *k = kernel_current();
    *mr = k->MR; *nr = k->NR; *mc = k->MC; *kc = k->KC; *nc = k->NC;
    *small = k->small; *skinny = k->skinny;
}

int rm_gemm_set_kernel(const char *name) {
    if (name == NULL || !kernel_known(name)) return -1;
    const rm_gemm_kernel_t *k = kernel_lookup(name);
    if (k == NULL) return -2;
    __atomic_store_n(&rm_kernel, k, __ATOMIC_RELEASE);
    return 0;
}

/* ---------------------------------------------------------------------------------
 * Packing [GvdG08 section 5; BLIS15 section 3].  Each routine copies one block of op(X)
 * into micro-panels, zero-padding the last one, so the micro-kernel runs on full tiles.
 * ------------------------------------------------------------------------------- */

/* op(A)[0:mc, 0:kc] (element (i, p) at A[i*lda + p], or A[p*lda + i] when trans) into
 * MR-row micro-panels lo..hi-1; panel ip holds rows ip*MR.. as dst[ip*MR*kc + p*MR + i]. */
static void pack_a(const rm_gemm_kernel_t *ker, int trans, long mc, long kc,
                   const double *A, long lda, long panel_lo, long panel_hi,
                   double *dst) {                                     /* OUT */
    const int MR = ker->MR;
    for (long ip = panel_lo; ip < panel_hi; ip++) {
        long i0 = ip * MR, mr = mc - i0 < MR ? mc - i0 : MR;
        ker->pack_a(trans, mr, kc, trans ? A + i0 : A + i0 * lda, lda, dst + ip * MR * kc);
    }
}

/* op(B)[0:kc, 0:nc] (element (p, j) at B[p*ldb + j], or B[j*ldb + p] when trans) into
 * NR-column micro-panels lo..hi-1; panel jp holds columns jp*NR.. as
 * dst[jp*NR*kc + p*NR + j]. */
static void pack_b(const rm_gemm_kernel_t *ker, int trans, long kc, long nc,
                   const double *B, long ldb, long panel_lo, long panel_hi,
                   double *dst) {                                     /* OUT */
    const int NR = ker->NR;
    for (long jp = panel_lo; jp < panel_hi; jp++) {
        long j0 = jp * NR, nr = nc - j0 < NR ? nc - j0 : NR;
        ker->pack_b(trans, nr, kc, trans ? B + j0 * ldb : B + j0, ldb, dst + jp * NR * kc);
    }
}

/* ---------------------------------------------------------------------------------
 * Packing buffers: one per thread (the caller's or an OpenMP worker's), kept between
 * calls (a fresh allocation of a few MiB per call costs page faults comparable to a
 * 256^3 product) and never shared, so concurrent callers (Python threads without the
 * GIL) are safe.  Page aligned; B's block starts 4 KiB + 320 bytes after A's so that the
 * two streams do not alias in the L1 (4 KiB aliasing of loads and stores).
 * ------------------------------------------------------------------------------- */
static __thread double *tls_buf = NULL;
static __thread size_t tls_cap = 0;      /* doubles */

static double *grow(double **buf, size_t *cap, size_t n_doubles) {
    if (n_doubles > *cap) {
        free(*buf);
        *buf = NULL;
        *cap = 0;
        void *p = NULL;
        size_t bytes = (n_doubles * sizeof(double) + 4095) & ~(size_t)4095;
        if (posix_memalign(&p, 4096, bytes) != 0) return NULL;
        *buf = (double *)p;
        *cap = bytes / sizeof(double);
    }
    return *buf;
}

static double *workspace(size_t n_doubles) { return grow(&tls_buf, &tls_cap, n_doubles); }

static __thread double *tls_shared = NULL;
static __thread size_t tls_shared_cap = 0;

/* Which path rm_dgemm takes (tests force each one): RM_GEMM_PATH_AUTO decides by size. */
static int rm_path = RM_GEMM_PATH_AUTO;

int rm_gemm_set_path(int path) {
    int old = rm_path;
    if (path >= RM_GEMM_PATH_AUTO && path <= RM_GEMM_PATH_DIRECT) rm_path = path;
    return old;
}

static long round_up(long x, long to) { return (x + to - 1) / to * to; }

/* C = beta * C on an m x n block (beta == 0 writes zeros without reading C) */
static void scale_c(long m, long n, double beta, double *C, long ldc) {
    if (beta == 1.0) return;
    for (long i = 0; i < m; i++) {
        double *c = C + i * ldc;
        if (beta == 0.0) memset(c, 0, (size_t)n * sizeof(double));
        else for (long j = 0; j < n; j++) c[j] *= beta;
    }
}

/* Threads for an m x n x k product: 1 inside a parallel region or when the product is
 * too small to pay for waking the team (measured with AVX-512: 64^3 takes 4.5 us on one
 * thread or two, 80^3 12.5 us on one and 7.4 on two; so each thread gets at least
 * 54^3 ~ 160000 multiply-adds). */
static int gemm_threads(long m, long n, long k) {
    if (rm_in_parallel()) return 1;
    int nt = rm_get_num_threads();
    if (nt <= 1) return 1;
    double work = (double)m * (double)n * (double)k;
    double most = work / 160000.0;
    if (most < nt) nt = most < 1.0 ? 1 : (int)most;
    return nt;
}

/* The direct path: no packing at all [BLIS15 section 6: for small or skinny products
 * the copies cost more than they save].  The micro-kernel reads op(A) through strides
 * (rsa, csa) and the rows of B in place (so B must not be transposed).  The MR x NR tiles,
 * in row-major order, are cut into chunks that the threads take dynamically (a thread
 * slowed down by another process on the same core takes fewer); each chunk walks its
 * k blocks in order, so the threads never wait for each other. */
static void gemm_direct(const rm_gemm_kernel_t *ker, int transa, long m, long n, long k,
                        double alpha, const double *A, long lda, const double *B, long ldb,
                        double beta, double *C, long ldc, int nt) {
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
            double beta_p = pc == 0 ? beta : 1.0;
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
static void gemm_packed(const rm_gemm_kernel_t *ker, int pack_a_ok, int transa, int transb,
                        long m, long n, long k, double alpha, const double *A, long lda,
                        const double *B, long ldb, double beta, double *C, long ldc) {
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
    size_t a_off = round_up((long)a_sz, 512) + 40;   /* doubles: B starts 4 KiB + 320 B on */
    double *buf = workspace(a_off + b_sz + 8);
    if (buf == NULL) {
        /* out of memory for the panels: the unpacked rung still gives the answer */
        rm_dgemm_blocked(transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    double *a_pack = buf, *b_pack = buf + a_off;

    for (long ic = 0; ic < m; ic += MC) {                             /* loop 5 */
        long mc = m - ic < MC ? m - ic : MC;
        long mpanels = (mc + MR - 1) / MR;
        for (long pc = 0; pc < k; pc += KC) {                         /* loop 4 */
            long kc = k - pc < KC ? k - pc : KC;
            double beta_p = pc == 0 ? beta : 1.0;   /* later k blocks accumulate */
            const double *a_blk = transa ? A + pc * lda + ic : A + ic * lda + pc;
            /* A~ = op(A)[ic:ic+mc, pc:pc+kc] as MR-row micro-panels */
            if (pack_a_ok) pack_a(ker, transa, mc, kc, a_blk, lda, 0, mpanels, a_pack);
            for (long jc = 0; jc < n; jc += NC) {                     /* loop 3 */
                long nc = n - jc < NC ? n - jc : NC;
                long npanels = (nc + NR - 1) / NR;
                const double *b_blk = transb ? B + jc * ldb + pc : B + pc * ldb + jc;
                /* B~ = op(B)[pc:pc+kc, jc:jc+nc] as NR-column micro-panels */
                pack_b(ker, transb, kc, nc, b_blk, ldb, 0, npanels, b_pack);
                for (long ip = 0; ip < mpanels; ip++) {               /* loop 2 */
                    long i = ip * MR, mr = mc - i < MR ? mc - i : MR;
                    const double *ap = pack_a_ok ? a_pack + ip * MR * kc
                                     : transa ? a_blk + i : a_blk + i * lda;
                    for (long jp = 0; jp < npanels; jp++) {           /* loop 1 */
                        long j = jp * NR, nr = nc - j < NR ? nc - j : NR;
                        double *c = C + (ic + i) * ldc + jc + j;
                        const double *bp = b_pack + jp * NR * kc;
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
static void gemm_packed_shared(const rm_gemm_kernel_t *ker, int transa, int transb,
                               long m, long n, long k, double alpha, const double *A, long lda,
                               const double *B, long ldb, double beta, double *C, long ldc,
                               int nt) {
    const int MR = ker->MR, NR = ker->NR;
    const long KC = ker->KC, NC = ker->NC;
    long MC = ker->MC;
    if (k < KC) MC = round_up(MC * KC / k, MR);
    long kc_max = k < KC ? k : KC;
    long mc_max = round_up(m < MC ? m : MC, MR);
    double *a_pack = grow(&tls_shared, &tls_shared_cap, (size_t)mc_max * kc_max + 8);
    if (a_pack == NULL) {
        rm_dgemm_blocked(transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
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
        double *b_pack = workspace((size_t)blk_max * kc_max + 48);
        if (b_pack == NULL) {
#pragma omp atomic write
            fail = 1;
        } else {
            b_pack += 40;
        }
#pragma omp barrier
        for (long ic = 0; ic < m && !fail; ic += MC) {                /* loop 5 */
            long mc = m - ic < MC ? m - ic : MC;
            long mpanels = (mc + MR - 1) / MR;
            for (long pc = 0; pc < k; pc += KC) {                     /* loop 4 */
                long kc = k - pc < KC ? k - pc : KC;
                double beta_p = pc == 0 ? beta : 1.0;
                const double *a_blk = transa ? A + pc * lda + ic : A + ic * lda + pc;
                /* A~ = op(A)[ic:ic+mc, pc:pc+kc], this thread's share of the panels */
                pack_a(ker, transa, mc, kc, a_blk, lda, mpanels * tid / nth,
                       mpanels * (tid + 1) / nth, a_pack);
#pragma omp barrier
#pragma omp for schedule(dynamic, 1)
                for (long jb = 0; jb < nblk; jb++) {                  /* loop 3 */
                    long jc = npan * jb / nblk * NR;
                    long je = npan * (jb + 1) / nblk * NR;
                    long nc = (je < n ? je : n) - jc;
                    long npanels = (nc + NR - 1) / NR;
                    const double *b_blk = transb ? B + jc * ldb + pc : B + pc * ldb + jc;
                    /* B~ = op(B)[pc:pc+kc, jc:jc+nc], this thread's own */
                    pack_b(ker, transb, kc, nc, b_blk, ldb, 0, npanels, b_pack);
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
    if (fail) rm_dgemm_blocked(transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

void rm_dgemm(int transa, int transb, long m, long n, long k,
              double alpha, const double *A, long lda,
              const double *B, long ldb,
              double beta, double *C, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0 || alpha == 0.0) {
        /* the empty (or zero-weighted) product: C = beta * C, A and B not read */
        scale_c(m, n, beta, C, ldc);
        return;
    }
    const rm_gemm_kernel_t *ker = kernel_current();
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
        gemm_direct(ker, transa, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, nt);
        return;
    }
    /* the packed path; a direct product with a transposed B packs B only */
    if (nt <= 1) {
        gemm_packed(ker, !direct, transa, transb, m, n, k, alpha, A, lda, B, ldb,
                    beta, C, ldc);
        return;
    }
    /* Threads.  A wide C (n >= m) runs loop 3 in parallel with the packed A~ shared
     * (gemm_packed_shared).  A tall C is cut into slabs of rows, each an independent
     * packed product with the thread's own buffers (loop 5 in parallel; each slab packs
     * all of op(B), the smaller operand, which costs a few percent but needs no
     * barrier).  Slabs are cut at multiples of MR. */
    if (n >= m && !direct) {
        gemm_packed_shared(ker, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C,
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
            gemm_packed(ker, !direct, transa, transb, m, j1 - j0, k, alpha, A, lda,
                        transb ? B + j0 * ldb : B + j0, ldb, beta, C + j0, ldc);
        } else {
            long i0 = lo * MR, i1 = hi * MR < m ? hi * MR : m;
            /* C[i0:i1, :] = alpha * op(A)[i0:i1, :] @ op(B) + beta * C[i0:i1, :] */
            gemm_packed(ker, !direct, transa, transb, i1 - i0, n, k, alpha,
                        transa ? A + i0 : A + i0 * lda, lda, B, ldb, beta,
                        C + i0 * ldc, ldc);
        }
    }
}

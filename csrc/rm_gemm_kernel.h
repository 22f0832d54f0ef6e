/* rm_gemm_kernel.h: the contract between the GEMM driver (rm_gemm.c) and the
 * per-instruction-set micro-kernels (rm_gemm_generic.c, rm_gemm_avx2.c,
 * rm_gemm_avx512.c).  Internal to csrc/.
 *
 * A micro-kernel computes one MR x NR tile of C (row-major, leading dimension ldc):
 *
 *     C[0:mr, 0:nr] = alpha * Ablk @ Bblk + beta * C[0:mr, 0:nr]        (mr <= MR, nr <= NR)
 *
 where Ablk is mr x k and Bblk is k x nr.  Each kernel has two entry points:
 *   - ukr (packed, BLIS): a is an MR-row micro-panel, element (i, p) at a[p * MR + i], and
 *     b a NR-column micro-panel, element (p, j) at b[p * NR + j], both zero-padded to the
 *     full MR / NR and 64-byte aligned, so the kernel may read whole panels (rsa, csa,
 *     rsb are ignored);
 *   - ukr_direct (no packing, or only one operand packed): element (i, p) of A at
 *     a[i * rsa + p * csa] and element (p, j) of B at b[p * rsb + j] (rows of B are
 *     contiguous).  It never reads rows i >= mr of A nor columns j >= nr of B.
 * Edge tiles (mr < MR or nr < NR) are handled inside the kernel: it never writes outside
 * the mr x nr tile.  When beta == 0, C is never read (NaN in C does not propagate).
 *
 * Reference: Van Zee & van de Geijn, "BLIS: A Framework for Rapidly Instantiating BLAS
 * Functionality", ACM TOMS 41(3), 2015 (the micro-kernel interface and the five loops);
 * Low, Igual, Smith & Quintana-Orti, "Analytical Modeling Is Enough for High-Performance
 * BLIS", ACM TOMS 43(2), 2016 (how the block sizes follow from the caches).
 *
 * Files compiled with ISA flags (_avx2.c, _avx512.c) only define their kernel and its
 * table: they never call back into rm_core.
 */
#ifndef RM_GEMM_KERNEL_H
#define RM_GEMM_KERNEL_H

typedef void (*rm_dgemm_ukr_t)(long k, double alpha,
                               const double *a, long rsa, long csa,
                               const double *b, long rsb,
                               double beta, double *c, long ldc,
                               long mr, long nr);

/* Packing one micro-panel (see rm_gemm_pack.h): r = rows (A) or columns (B) of the
 * panel that exist, at most MR / NR; the rest is zero-padded. */
typedef void (*rm_pack_t)(int trans, long r, long kc, const double *x, long ldx,
                          double *d);

/* One kernel and its block-size table.
 *   MR, NR  register tile (C is updated MR x NR at a time)
 *   KC      depth of a packed panel: an MR x KC micro-panel of A stays in L1
 *   NC      columns of the packed KC x NC block of B, sized to stay in L2
 *   MC      rows of the packed MC x KC block of A, sized for (a share of) L3
 *   small, skinny  products with m * n * k <= small^3, or with n <= skinny (a narrow C),
 *           skip packing (the direct path; measured per kernel on the target machine) */
typedef struct {
    const char *name;
    rm_dgemm_ukr_t ukr;          /* packed panels */
    rm_dgemm_ukr_t ukr_direct;   /* strided operands */
    rm_pack_t pack_a, pack_b;    /* micro-panel packing with this kernel's MR / NR */
    int MR, NR;
    long MC, KC, NC;
    long small, skinny;
} rm_gemm_kernel_t;

extern const rm_gemm_kernel_t rm_gemm_kernel_generic;
#ifdef RM_BUILD_AVX2
extern const rm_gemm_kernel_t rm_gemm_kernel_avx2;
#endif
#ifdef RM_BUILD_AVX512
extern const rm_gemm_kernel_t rm_gemm_kernel_avx512;
#endif

#endif

/* rm_gemm_kernel.h: the contract between the GEMM driver (rm_gemm.c) and the
 * per-instruction-set micro-kernels (rm_gemm_generic.c, rm_gemm_avx2.c,
 * rm_gemm_avx512.c).  Internal to csrc/.
 *
 * Two element types, double (dgemm) and float (sgemm), under one contract (T below is
 * the element type).  A micro-kernel computes one MR x NR tile of C (row-major,
 * leading dimension ldc):
 *
 *     C[0:mr, 0:nr] = alpha * Ablk @ Bblk + beta * C[0:mr, 0:nr]        (mr <= MR, nr <= NR)
 *
 * where Ablk is mr x k and Bblk is k x nr.  Each kernel has two entry points:
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

/* The kernel types, one set per element type (d: double, s: float), stamped by one
 * macro so that the two contracts cannot drift apart.
 *
 * rm_<P>gemm_ukr_t: a micro-kernel entry point (packed or direct, see above).
 * rm_<P>pack_t: packing one micro-panel (see rm_gemm_pack.h): r = rows (A) or columns
 *   (B) of the panel that exist, at most MR / NR; the rest is zero-padded.
 * rm_<P>gemm_kernel_t: one kernel and its block-size table.
 *   MR, NR  register tile (C is updated MR x NR at a time)
 *   KC      depth of a packed panel: an MR x KC micro-panel of A stays in L1
 *   NC      columns of the packed KC x NC block of B, sized to stay in L2
 *   MC      rows of the packed MC x KC block of A, sized for (a share of) L3
 *   small, skinny  products with m * n * k <= small^3, or with n <= skinny (a narrow C),
 *           skip packing (the direct path; measured per kernel on the target machine)
 * The sizes are in elements: a float kernel has its own tile and table (twice the lanes
 * per register, half the bytes per element). */
#define RM_GEMM_KERNEL_TYPES(T, P)                                                      \
    typedef void (*rm_##P##gemm_ukr_t)(long k, T alpha, const T *a, long rsa, long csa, \
                                       const T *b, long rsb, T beta, T *c, long ldc,   \
                                       long mr, long nr);                              \
    typedef void (*rm_##P##pack_t)(int trans, long r, long kc, const T *x, long ldx,    \
                                   T *d);                                              \
    typedef struct {                                                                   \
        const char *name;                                                              \
        rm_##P##gemm_ukr_t ukr;          /* packed panels */                           \
        rm_##P##gemm_ukr_t ukr_direct;   /* strided operands */                        \
        rm_##P##pack_t pack_a, pack_b;   /* micro-panel packing with this MR / NR */    \
        int MR, NR;                                                                    \
        long MC, KC, NC;                                                               \
        long small, skinny;                                                            \
    } rm_##P##gemm_kernel_t;

RM_GEMM_KERNEL_TYPES(double, d)
RM_GEMM_KERNEL_TYPES(float, s)

/* Each instruction set provides both: rm_dgemm_kernel_<isa> and rm_sgemm_kernel_<isa>. */
extern const rm_dgemm_kernel_t rm_dgemm_kernel_generic;
extern const rm_sgemm_kernel_t rm_sgemm_kernel_generic;
#ifdef RM_BUILD_AVX2
extern const rm_dgemm_kernel_t rm_dgemm_kernel_avx2;
extern const rm_sgemm_kernel_t rm_sgemm_kernel_avx2;
#endif
#ifdef RM_BUILD_AVX512
extern const rm_dgemm_kernel_t rm_dgemm_kernel_avx512;
extern const rm_sgemm_kernel_t rm_sgemm_kernel_avx512;
#endif

/* Token pasting for the files written once and instantiated per element type: with
 * RM_P defined as d or s, RM_TN(rm_, gemm) is rm_dgemm or rm_sgemm. */
#define RM_TN3_(a, b, c) a##b##c
#define RM_TN3(a, b, c) RM_TN3_(a, b, c)
#define RM_TN(pre, post) RM_TN3(pre, RM_P, post)

#endif

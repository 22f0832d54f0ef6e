/* rm_gemm_generic.c: the portable micro-kernels dgemm_ukr_generic_4x4 and
 * sgemm_ukr_generic_4x8 (plain C99).
 *
 * Always built, chosen when the CPU has neither AVX2+FMA nor AVX-512F.  The MR x NR tile
 * of C is accumulated in a local array that the compiler keeps in registers: 8 of the 16
 * SSE2 registers on x86-64 for either type (4 x 4 doubles, or 4 x 8 floats at 4 floats
 * per register; a 4 x 8 double tile would need all 16 and spill: measured 20 vs 17
 * GFLOPS).  Each step p is a rank-1 update ab += a[:, p] @ b[p, :] (BLIS micro-kernel,
 * Van Zee & van de Geijn 2015, section 4; contract in rm_gemm_kernel.h).
 *
 * Written once for both element types: the file includes itself twice with RM_T, RM_P
 * and the type's tile (RM_G_MR x RM_G_NR) defined; each instance ends in its kernel's
 * table.
 */
#ifndef RM_GEMM_GENERIC_INSTANCE
#include "rm_gemm_kernel.h"
#include "rm_gemm_pack.h"

#define RM_GEMM_GENERIC_INSTANCE
/* Block sizes, conservative for an unknown target: the 4 x 256 micro-panel of A (8 KiB
 * of doubles) in L1, the 256 x 256 block of B (512 KiB) in L2, the 1024 x 256 block of A
 * (2 MiB) in L3; the float kernel keeps the same byte footprints with KC = 512.  Direct
 * (unpacked) below 24^3 or when C has at most MR rows or columns. */
#define RM_T double
#define RM_P d
#define RM_G_MR 4
#define RM_G_NR 4
#define RM_G_MC 1024
#define RM_G_KC 256
#define RM_G_NC 256
#define RM_G_NAME dgemm_ukr_generic_4x4
#include "rm_gemm_generic.c"
#undef RM_T
#undef RM_P
#undef RM_G_MR
#undef RM_G_NR
#undef RM_G_MC
#undef RM_G_KC
#undef RM_G_NC
#undef RM_G_NAME

#define RM_T float
#define RM_P s
#define RM_G_MR 4
#define RM_G_NR 8
#define RM_G_MC 1024
#define RM_G_KC 512
#define RM_G_NC 256
#define RM_G_NAME sgemm_ukr_generic_4x8
#include "rm_gemm_generic.c"

#else
/* ---- one instance ---- */
#define RM_G_CAT_(a, b) a##b
#define RM_G_CAT(a, b) RM_G_CAT_(a, b)

static inline void RM_TN(ukr_generic_, )(int packed, long k, RM_T alpha,
                                         const RM_T *a, long rsa, long csa,  /* IN mr x k */
                                         const RM_T *b, long rsb,            /* IN k x nr */
                                         RM_T beta, RM_T *c, long ldc,     /* INOUT mr x nr */
                                         long mr, long nr) {
    enum { MR = RM_G_MR, NR = RM_G_NR };
    RM_T ab[MR][NR] = {{(RM_T)0}};
    if (packed) {
        /* packed, zero-padded panels: the full tile, fixed strides */
        for (long p = 0; p < k; p++) {
            const RM_T *ap = a + p * MR, *bp = b + p * NR;
            for (int i = 0; i < MR; i++)
                for (int j = 0; j < NR; j++)
                    ab[i][j] += ap[i] * bp[j];
        }
    } else {
        /* direct: only the mr x nr part of the caller's operands is read */
        for (long p = 0; p < k; p++) {
            const RM_T *bp = b + p * rsb;
            for (long i = 0; i < mr; i++) {
                RM_T ai = a[i * rsa + p * csa];
                for (long j = 0; j < nr; j++)
                    ab[i][j] += ai * bp[j];
            }
        }
    }
    /* C = alpha * AB + beta * C; beta == 0 never reads C */
    for (long i = 0; i < mr; i++) {
        RM_T *ci = c + i * ldc;
        if (beta == (RM_T)0)
            for (long j = 0; j < nr; j++) ci[j] = alpha * ab[i][j];
        else
            for (long j = 0; j < nr; j++) ci[j] = alpha * ab[i][j] + beta * ci[j];
    }
}

static void RM_G_NAME(long k, RM_T alpha, const RM_T *a, long rsa, long csa,
                      const RM_T *b, long rsb, RM_T beta, RM_T *c, long ldc,
                      long mr, long nr) {
    RM_TN(ukr_generic_, )(1, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr);
}

static void RM_G_CAT(RM_G_NAME, _direct)(long k, RM_T alpha, const RM_T *a, long rsa,
                                         long csa, const RM_T *b, long rsb, RM_T beta,
                                         RM_T *c, long ldc, long mr, long nr) {
    RM_TN(ukr_generic_, )(0, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr);
}

static void RM_TN(pack_a_generic_, )(int trans, long mr, long kc, const RM_T *a, long lda,
                                     RM_T *d) {
    RM_TN(rm_, pack_a_panel)(trans, mr, kc, a, lda, d, RM_G_MR);
}

static void RM_TN(pack_b_generic_, )(int trans, long nr, long kc, const RM_T *b, long ldb,
                                     RM_T *d) {
    RM_TN(rm_, pack_b_panel)(trans, nr, kc, b, ldb, d, RM_G_NR);
}

const RM_TN(rm_, gemm_kernel_t) RM_TN(rm_, gemm_kernel_generic) = {
    "generic", RM_G_NAME, RM_G_CAT(RM_G_NAME, _direct),
    RM_TN(pack_a_generic_, ), RM_TN(pack_b_generic_, ), RM_G_MR, RM_G_NR,
    /* MC */ RM_G_MC, /* KC */ RM_G_KC, /* NC */ RM_G_NC, /* small */ 24, /* skinny */ RM_G_MR,
};
#endif

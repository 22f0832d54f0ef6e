/* rm_gemm_generic.c: the portable micro-kernel dgemm_ukr_generic_4x4 (plain C99).
 *
 * Always built, chosen when the CPU has neither AVX2+FMA nor AVX-512F.  The 4 x 4 tile of
 * C is accumulated in a local array that the compiler keeps in registers (8 of the 16
 * SSE2 registers on x86-64: a 4 x 8 tile would need all 16 and spill; measured 20 vs
 * 17 GFLOPS).  Each step p is a rank-1 update ab += a[:, p] @ b[p, :] (BLIS
 * micro-kernel, Van Zee & van de Geijn 2015, section 4; contract in rm_gemm_kernel.h).
 */
#include "rm_gemm_kernel.h"
#include "rm_gemm_pack.h"

enum { MR = 4, NR = 4 };

static inline void ukr_generic(int packed, long k, double alpha,
                               const double *a, long rsa, long csa,   /* IN  mr x k    */
                               const double *b, long rsb,             /* IN  k x nr    */
                               double beta, double *c, long ldc,      /* INOUT mr x nr */
                               long mr, long nr) {
    double ab[MR][NR] = {{0.0}};
    if (packed) {
        /* packed, zero-padded panels: the full tile, fixed strides */
        for (long p = 0; p < k; p++) {
            const double *ap = a + p * MR, *bp = b + p * NR;
            for (int i = 0; i < MR; i++)
                for (int j = 0; j < NR; j++)
                    ab[i][j] += ap[i] * bp[j];
        }
    } else {
        /* direct: only the mr x nr part of the caller's operands is read */
        for (long p = 0; p < k; p++) {
            const double *bp = b + p * rsb;
            for (long i = 0; i < mr; i++) {
                double ai = a[i * rsa + p * csa];
                for (long j = 0; j < nr; j++)
                    ab[i][j] += ai * bp[j];
            }
        }
    }
    /* C = alpha * AB + beta * C; beta == 0 never reads C */
    for (long i = 0; i < mr; i++) {
        double *ci = c + i * ldc;
        if (beta == 0.0)
            for (long j = 0; j < nr; j++) ci[j] = alpha * ab[i][j];
        else
            for (long j = 0; j < nr; j++) ci[j] = alpha * ab[i][j] + beta * ci[j];
    }
}

void dgemm_ukr_generic_4x4(long k, double alpha, const double *a, long rsa, long csa,
                           const double *b, long rsb, double beta, double *c, long ldc,
                           long mr, long nr) {
    ukr_generic(1, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr);
}

void dgemm_ukr_generic_4x4_direct(long k, double alpha, const double *a, long rsa, long csa,
                                  const double *b, long rsb, double beta, double *c,
                                  long ldc, long mr, long nr) {
    ukr_generic(0, k, alpha, a, rsa, csa, b, rsb, beta, c, ldc, mr, nr);
}

static void pack_a_generic(int trans, long mr, long kc, const double *a, long lda, double *d) {
    rm_pack_a_panel(trans, mr, kc, a, lda, d, MR);
}

static void pack_b_generic(int trans, long nr, long kc, const double *b, long ldb, double *d) {
    rm_pack_b_panel(trans, nr, kc, b, ldb, d, NR);
}

/* Block sizes, conservative for an unknown target: the 4 x 256 micro-panel of A (8 KiB)
 * in L1, the 256 x 256 block of B (512 KiB) in L2, the 1024 x 256 block of A (2 MiB) in
 * L3.  Direct (unpacked) below 24^3 or when C has at most MR rows or columns. */
const rm_gemm_kernel_t rm_gemm_kernel_generic = {
    "generic", dgemm_ukr_generic_4x4, dgemm_ukr_generic_4x4_direct,
    pack_a_generic, pack_b_generic, MR, NR,
    /* MC */ 1024, /* KC */ 256, /* NC */ 256, /* small */ 24, /* skinny */ MR,
};

/* rm_gemm_ref.c: the first two rungs of the GEMM teaching ladder.
 *
 *   rm_dgemm_ref      the textbook triple loop; the oracle the tests compare against.
 *   rm_dgemm_blocked  the same loop nest tiled for the caches, still no packing or SIMD.
 *
 * The third rung, the packed BLIS-style driver with SIMD micro-kernels, is rm_gemm.c.
 * Reference: Goto & van de Geijn, "Anatomy of high-performance matrix multiplication",
 * ACM TOMS 34(3), 2008.
 */
#include "rm_gemm.h"

/* element (i, j) of op(X) where X is row-major with leading dimension ld */
#define OP(X, ld, trans, i, j) ((trans) ? (X)[(long)(j) * (ld) + (i)] : (X)[(long)(i) * (ld) + (j)])

static void scale_c(long m, long n, double beta, double *C, long ldc) {
    for (long i = 0; i < m; i++)
        for (long j = 0; j < n; j++)
            C[i * ldc + j] = (beta == 0.0) ? 0.0 : beta * C[i * ldc + j];
}

void rm_dgemm_ref(int transa, int transb, long m, long n, long k,
                  double alpha, const double *A, long lda,
                  const double *B, long ldb,
                  double beta, double *C, long ldc) {
    for (long i = 0; i < m; i++)
        for (long j = 0; j < n; j++) {
            double s = 0.0;
            for (long p = 0; p < k; p++)
                s += OP(A, lda, transa, i, p) * OP(B, ldb, transb, p, j);
            C[i * ldc + j] = (beta == 0.0) ? alpha * s : alpha * s + beta * C[i * ldc + j];
        }
}

/* Tile sizes for the blocked rung: a KB x NB block of B (256 x 64 doubles = 128 KiB)
 * stays in L2 while MB rows of A stream past it. */
enum { BLK_MB = 64, BLK_NB = 64, BLK_KB = 256 };

void rm_dgemm_blocked(int transa, int transb, long m, long n, long k,
                      double alpha, const double *A, long lda,
                      const double *B, long ldb,
                      double beta, double *C, long ldc) {
    scale_c(m, n, beta, C, ldc);
    if (alpha == 0.0 || k == 0) return;
    for (long jj = 0; jj < n; jj += BLK_NB) {
        long nb = (n - jj < BLK_NB) ? n - jj : BLK_NB;
        for (long pp = 0; pp < k; pp += BLK_KB) {
            long kb = (k - pp < BLK_KB) ? k - pp : BLK_KB;
            for (long ii = 0; ii < m; ii += BLK_MB) {
                long mb = (m - ii < BLK_MB) ? m - ii : BLK_MB;
                for (long i = ii; i < ii + mb; i++)
                    for (long p = pp; p < pp + kb; p++) {
                        double a = alpha * OP(A, lda, transa, i, p);
                        double *c = C + i * ldc;
                        for (long j = jj; j < jj + nb; j++)
                            c[j] += a * OP(B, ldb, transb, p, j);
                    }
            }
        }
    }
}

/* rm_gemm_ref.c: the first two rungs of the GEMM teaching ladder.
 *
 *   rm_dgemm_ref      the textbook triple loop; the oracle the tests compare against.
 *   rm_dgemm_blocked  the same loop nest tiled for the caches, still no packing or SIMD.
 *
 * The third rung, the packed BLIS-style driver with SIMD micro-kernels, is rm_gemm.c.
 * Reference: Goto & van de Geijn, "Anatomy of high-performance matrix multiplication",
 * ACM TOMS 34(3), 2008.
 *
 * Written once for both element types: the file includes itself twice with RM_T (double,
 * float) and RM_P (d, s) defined, giving rm_dgemm_ref / rm_sgemm_ref and
 * rm_dgemm_blocked / rm_sgemm_blocked.  The float rungs accumulate in float, as the
 * float micro-kernels do.
 */
#ifndef RM_GEMM_REF_INSTANCE
#include "rm_gemm.h"
#include "rm_gemm_kernel.h"     /* RM_TN */

/* element (i, j) of op(X) where X is row-major with leading dimension ld */
#define OP(X, ld, trans, i, j) ((trans) ? (X)[(long)(j) * (ld) + (i)] : (X)[(long)(i) * (ld) + (j)])

/* Tile sizes for the blocked rung: a KB x NB block of B (256 x 64 doubles = 128 KiB,
 * half that in floats) stays in L2 while MB rows of A stream past it. */
enum { BLK_MB = 64, BLK_NB = 64, BLK_KB = 256 };

#define RM_GEMM_REF_INSTANCE
#define RM_T double
#define RM_P d
#include "rm_gemm_ref.c"
#undef RM_T
#undef RM_P
#define RM_T float
#define RM_P s
#include "rm_gemm_ref.c"
#undef RM_T
#undef RM_P

#else
/* ---- one instance: RM_T, RM_P defined above ---- */
static void RM_TN(scale_c_, )(long m, long n, RM_T beta, RM_T *C, long ldc) {
    for (long i = 0; i < m; i++)
        for (long j = 0; j < n; j++)
            C[i * ldc + j] = (beta == (RM_T)0) ? (RM_T)0 : beta * C[i * ldc + j];
}

void RM_TN(rm_, gemm_ref)(int transa, int transb, long m, long n, long k,
                          RM_T alpha, const RM_T *A, long lda,
                          const RM_T *B, long ldb,
                          RM_T beta, RM_T *C, long ldc) {
    for (long i = 0; i < m; i++)
        for (long j = 0; j < n; j++) {
            RM_T s = (RM_T)0;
            for (long p = 0; p < k; p++)
                s += OP(A, lda, transa, i, p) * OP(B, ldb, transb, p, j);
            C[i * ldc + j] = (beta == (RM_T)0) ? alpha * s : alpha * s + beta * C[i * ldc + j];
        }
}

void RM_TN(rm_, gemm_blocked)(int transa, int transb, long m, long n, long k,
                              RM_T alpha, const RM_T *A, long lda,
                              const RM_T *B, long ldb,
                              RM_T beta, RM_T *C, long ldc) {
    RM_TN(scale_c_, )(m, n, beta, C, ldc);
    if (alpha == (RM_T)0 || k == 0) return;
    for (long jj = 0; jj < n; jj += BLK_NB) {
        long nb = (n - jj < BLK_NB) ? n - jj : BLK_NB;
        for (long pp = 0; pp < k; pp += BLK_KB) {
            long kb = (k - pp < BLK_KB) ? k - pp : BLK_KB;
            for (long ii = 0; ii < m; ii += BLK_MB) {
                long mb = (m - ii < BLK_MB) ? m - ii : BLK_MB;
                for (long i = ii; i < ii + mb; i++)
                    for (long p = pp; p < pp + kb; p++) {
                        RM_T a = alpha * OP(A, lda, transa, i, p);
                        RM_T *c = C + i * ldc;
                        for (long j = jj; j < jj + nb; j++)
                            c[j] += a * OP(B, ldb, transb, p, j);
                    }
            }
        }
    }
}
#endif

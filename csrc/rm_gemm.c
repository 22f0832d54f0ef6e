/* rm_gemm.c: TEMPORARY driver so the package builds while the packed SIMD GEMM is written.
 * To be replaced by the BLIS-style driver (issue 3). */
#include <string.h>
#include "rm_gemm.h"

void rm_dgemm(int transa, int transb, long m, long n, long k,
              double alpha, const double *A, long lda,
              const double *B, long ldb,
              double beta, double *C, long ldc) {
    rm_dgemm_blocked(transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}
const char *rm_gemm_kernel_name(void) { return "generic"; }
int rm_gemm_kernel_supported(const char *name) { return strcmp(name, "generic") == 0; }
int rm_gemm_set_kernel(const char *name) { return rm_gemm_kernel_supported(name) ? 0 : -2; }
int rm_cpu_has_avx2_fma(void) { return 0; }
int rm_cpu_has_avx512f(void) { return 0; }

/* rm_gemm_pack.h: packing one micro-panel, written once and compiled into each kernel's
 * file with that kernel's MR / NR as constants (and its ISA flags), so every kernel file
 * stays self-contained.  [GvdG08 section 5; BLIS15 section 3]
 *
 *   pack_a: rows i0..i0+mr of op(A) (a = &op(A)[i0, p0]) -> d[p * MR + i], p < kc,
 *           rows mr..MR-1 zero;  op(A)[i, p] = a[i * lda + p], or a[p * lda + i] if trans.
 *   pack_b: columns j0..j0+nr of op(B) (b = &op(B)[p0, j0]) -> d[p * NR + j], p < kc,
 *           columns nr..NR-1 zero;  op(B)[p, j] = b[p * ldb + j], or b[j * ldb + p]
 *           if trans.
 *
 * Written once for both element types: this header includes itself twice with RM_P
 * (d or s) and RM_T (double or float) defined, giving rm_dpack_a_panel / rm_spack_a_panel
 * and rm_dpack_b_panel / rm_spack_b_panel.
 */
#ifndef RM_GEMM_PACK_H
#define RM_GEMM_PACK_H
#include "rm_gemm_kernel.h"

#define RM_GEMM_PACK_INSTANCE
#define RM_T double
#define RM_P d
#include "rm_gemm_pack.h"
#undef RM_T
#undef RM_P
#define RM_T float
#define RM_P s
#include "rm_gemm_pack.h"
#undef RM_T
#undef RM_P
#undef RM_GEMM_PACK_INSTANCE

#elif defined(RM_GEMM_PACK_INSTANCE)
/* ---- one instance: RM_T, RM_P defined by the block above ---- */
static inline __attribute__((always_inline))
void RM_TN(rm_, pack_a_panel)(int trans, long mr, long kc, const RM_T *a, long lda,  /* IN  */
                     RM_T *d, const int MR) {                              /* OUT */
    if (!trans && mr == MR) {
        /* MR row streams read in step, the panel written contiguously */
        for (long p = 0; p < kc; p++)
            for (int i = 0; i < MR; i++) d[p * MR + i] = a[i * lda + p];
    } else if (!trans) {
        for (long p = 0; p < kc; p++) {
            for (long i = 0; i < mr; i++) d[p * MR + i] = a[i * lda + p];
            for (long i = mr; i < MR; i++) d[p * MR + i] = (RM_T)0;
        }
    } else if (mr == MR) {
        /* a row of op(A) is a column of A: MR contiguous entries per step p */
        for (long p = 0; p < kc; p++)
            for (int i = 0; i < MR; i++) d[p * MR + i] = a[p * lda + i];
    } else {
        for (long p = 0; p < kc; p++) {
            const RM_T *ap = a + p * lda;
            for (long i = 0; i < mr; i++) d[p * MR + i] = ap[i];
            for (long i = mr; i < MR; i++) d[p * MR + i] = (RM_T)0;
        }
    }
}

static inline __attribute__((always_inline))
void RM_TN(rm_, pack_b_panel)(int trans, long nr, long kc, const RM_T *b, long ldb,  /* IN  */
                     RM_T *d, const int NR) {                              /* OUT */
    if (!trans) {
        if (nr == NR) {
            for (long p = 0; p < kc; p++)
                for (int j = 0; j < NR; j++) d[p * NR + j] = b[p * ldb + j];
        } else {
            for (long p = 0; p < kc; p++) {
                for (long j = 0; j < nr; j++) d[p * NR + j] = b[p * ldb + j];
                for (long j = nr; j < NR; j++) d[p * NR + j] = (RM_T)0;
            }
        }
    } else {
        /* a column of op(B) is a row of B: read rows in chunks of 8 along p */
        for (long p0 = 0; p0 < kc; p0 += 8) {
            long pe = p0 + 8 < kc ? p0 + 8 : kc;
            for (long j = 0; j < nr; j++)
                for (long p = p0; p < pe; p++) d[p * NR + j] = b[j * ldb + p];
            for (long p = p0; p < pe; p++)
                for (long j = nr; j < NR; j++) d[p * NR + j] = (RM_T)0;
        }
    }
}

#endif

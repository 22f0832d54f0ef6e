/* rm_kmeans_assign.h: k-means' assignment step as one fused kernel, distances and arg-min
 * together (learning/_k_means.pyx: lloyd_iter and hamerly_iter).  Not a header to include
 * anywhere else: only _k_means.pyx includes it, and it is written for that module.
 *
 * The step.  Row x_i of X goes to the centre j with the smallest
 *     v[i, j] = ||c_j||^2 - 2 x_i . c_j        (= ||x_i - c_j||^2 - ||x_i||^2)
 * (Lloyd 1982; the expansion of Golub & Van Loan, Matrix Computations 4th ed., Sec. 1.1,
 * that turns the n x k distances into one matrix product).  A GEMM followed by a scan of
 * its n x k output (the way scikit-learn's _k_means_lloyd.pyx does it) writes every v to
 * memory and reads it back, and packs each block of X for the GEMM.  Here the v of a tile
 * of MR rows x NB centres are accumulated in registers, as a GEMM micro-kernel does
 * (Van Zee & van de Geijn, "BLIS", ACM TOMS 41(3), 2015, Sec. 4: rank-1 updates of a
 * register tile), and reduced at once to each lane's running minimum: the distance block
 * never exists, X is read in place (broadcasts from its rows: nothing to pack) and the
 * centres are packed once per Lloyd iteration, not once per block of rows.
 *
 * Packed centres (rm_kmeans_{s,d}pack).  Blocks of NB = NV * VL centres (VL lanes of a
 * 256-bit vector: 8 floats or 4 doubles; NV = 3 vectors, so NB = 24 floats or 12
 * doubles); block b holds (d + 1) rows of NB numbers:
 *     row 0:      ||c_j||^2                (summed in double, rounded to T)
 *     row 1 + p:  -2 c[j, p]               (exact: a power-of-two scaling)
 * for j = b NB + l, and +inf / 0 in the lanes past the last centre (so they never win).
 * Then v[i, j] = row0[l] + sum_p x[i, p] * row(1 + p)[l], the sum in order p = 0..d-1,
 * one fused multiply-add per term: the same roundings in every lane, every tile and every
 * instruction set (the generic path calls C99's fma), so the labels of a row do not
 * depend on which rows it was computed with (Hamerly's gathered rows get exactly the
 * values Lloyd's full pass gives them).  Rounding: |v_computed - v| <= (d + 1) u
 * (||c||^2 + 2 |x . c|) <= (d + 1) u (||x|| + ||c||)^2, u = eps / 2 (the recursive
 * summation bound, Higham, Accuracy and Stability 2nd ed., Sec. 3.1, plus the rounding of
 * ||c||^2): hamerly_iter's margin gamma = 2 (d + 4) eps covers it.
 *
 * Contract of rm_kmeans_{s,d}assign(m, d, X, ldx, rows, k, packed, scratch, labels, best,
 * second): for r in [0, m), the row x = X + (rows ? rows[r] : r) * ldx gets
 *     labels[r] = the first j in [0, k) with the smallest v[r, j] (NaN never chosen, a
 *                 row of +inf or NaN gives 0), exactly the scalar loop
 *                     b = +inf; for j: if (v < b) { b = v; bj = j; }
 * and, when best != NULL, best[r] = that smallest v and second[r] = the smallest v over
 * j != labels[r] (+inf when k == 1).  scratch: rm_kmeans_scratch_bytes(m) bytes.
 *
 * Centre sums (rm_kmeans_{s,d}accumulate(m, d, X, w, labels, sums, wsums)): for r in
 * [0, m), sums[labels[r], :] += w[r] * X[r, :] and wsums[labels[r]] += w[r], in double
 * for either type, each product and sum rounded separately (no fused multiply-add: the
 * same sums on every path, those of the scalar loop).
 *
 * Instruction sets.  The vector path (AVX2 + FMA, 256-bit) is compiled here with a
 * function target attribute and taken when the module's vector-kernel table
 * (rm_kernels.h: rm_vec_isa_name, which honours RUSTY_MACHINE_KERNEL) is not the generic
 * one; the generic path is the scalar loop of the contract over the same packed layout
 * (the teaching version and the test oracle).  An AVX-512 tile would double the lanes;
 * it is not written because no machine this was measured on has AVX-512 (the AVX2 path
 * runs there too).
 */
#ifndef RM_KMEANS_ASSIGN_H
#define RM_KMEANS_ASSIGN_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "rm_kernels.h"

#if defined(__GNUC__) && defined(__x86_64__)
#  include <immintrin.h>
#  define RM_KA_AVX2 1
#  define RM_KA_TARGET __attribute__((target("avx2,fma")))
#  define RM_KA_INLINE static inline __attribute__((always_inline))
/* the module is compiled as GNU C, where gcc contracts a * b + c into an FMA in code
 * that may use FMA: not in the centre sums, whose roundings are the scalar loop's */
#  define RM_KA_NOCONTRACT __attribute__((optimize("fp-contract=off")))
#else
#  define RM_KA_AVX2 0
#  define RM_KA_NOCONTRACT
#endif

/* The register tile: 4 rows of X by NV = 3 vectors of centres.  With 16 vector
 * registers: 12 accumulators + 3 centre vectors + 1 broadcast of x[i, p]; 12 independent
 * FMA chains cover two FMA pipes of latency 5 (AMD Zen 2).  The last block of centres
 * may fill only 1 or 2 vectors: its tiles are then 12 x 1 or 6 x 2, still 12 chains, so
 * the rows go in panels of 12. */
enum { RM_KA_NV = 3, RM_KA_PANEL = 12 };

/* The packed centres are cut into groups of blocks of at most this many bytes, and every
 * row of X meets one group before the next one: a group stays in L2 while the rows
 * stream by (1 MiB L2 per core on the machine measured; a quarter of it). */
#define RM_KA_GROUP_BYTES (256 * 1024)

/* scratch of the vector path: three 32-byte vectors per row (running minimum, second
 * minimum and the minimum's index, per lane) */
static inline size_t rm_kmeans_scratch_bytes(ptrdiff_t m) { return (size_t)m * 96; }

/* "avx2" or "generic": the path rm_kmeans_{s,d}assign takes in this module */
static inline const char *rm_kmeans_assign_isa(void) {
#if RM_KA_AVX2
    if (strcmp(rm_vec_isa_name(), "generic") != 0) return "avx2";
#endif
    return "generic";
}

#define RM_KA_CAT_(a, b) a##b
#define RM_KA_CAT(a, b) RM_KA_CAT_(a, b)

/* ---- the float instance ---- */
#define T float
#define KN(name) RM_KA_CAT(rm_kmeans_s, name)
#define VL 8
#define FMA_SCALAR fmaf
#if RM_KA_AVX2
#  define V __m256
#  define I int32_t
#  define VLOAD _mm256_loadu_ps
#  define VSTORE _mm256_storeu_ps
#  define VSET1 _mm256_set1_ps
#  define VFMA _mm256_fmadd_ps
#  define VLT(a, b) _mm256_cmp_ps(a, b, _CMP_LT_OQ)
#  define VEQ(a, b) _mm256_cmp_ps(a, b, _CMP_EQ_OQ)
#  define VOR _mm256_or_ps
#  define VAND _mm256_and_ps
#  define VMIN _mm256_min_ps
#  define VSEL(a, b, m) _mm256_blendv_ps(a, b, m)              /* b where m, else a */
#  define VFIRST _mm256_cvtss_f32                                /* lane 0 */
#  define VLOG2 3
#  define VSWAP0(v) _mm256_permute2f128_ps(v, v, 1)             /* lanes 4-7, 0-3 */
#  define VSWAP1(v) _mm256_permute_ps(v, 0x4E)                  /* 2, 3, 0, 1 per half */
#  define VSWAP2(v) _mm256_permute_ps(v, 0xB1)                  /* 1, 0, 3, 2 per half */
#  define ITOV _mm256_castsi256_ps                              /* the index lanes' bits */
#  define VTOI _mm256_castps_si256
#  define ILT(a, b) ITOV(_mm256_cmpgt_epi32(b, a))
#  define IEQ(a, b) ITOV(_mm256_cmpeq_epi32(a, b))
#  define IFIRST _mm256_cvtsi256_si32
#  define IADD _mm256_add_epi32
#  define VLOAD4D(p) _mm256_cvtps_pd(_mm_loadu_ps(p))           /* 4 floats, widened */
#  define ISET1(x) _mm256_set1_epi32((int)(x))
#  define ILANES _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)
#endif
#include "rm_kmeans_assign_impl.h"

/* ---- the double instance ---- */
#define T double
#define KN(name) RM_KA_CAT(rm_kmeans_d, name)
#define VL 4
#define FMA_SCALAR fma
#if RM_KA_AVX2
#  define V __m256d
#  define I int64_t
#  define VLOAD _mm256_loadu_pd
#  define VSTORE _mm256_storeu_pd
#  define VSET1 _mm256_set1_pd
#  define VFMA _mm256_fmadd_pd
#  define VLT(a, b) _mm256_cmp_pd(a, b, _CMP_LT_OQ)
#  define VEQ(a, b) _mm256_cmp_pd(a, b, _CMP_EQ_OQ)
#  define VOR _mm256_or_pd
#  define VAND _mm256_and_pd
#  define VMIN _mm256_min_pd
#  define VSEL(a, b, m) _mm256_blendv_pd(a, b, m)
#  define VFIRST _mm256_cvtsd_f64
#  define VLOG2 2
#  define VSWAP0(v) _mm256_permute2f128_pd(v, v, 1)             /* lanes 2, 3, 0, 1 */
#  define VSWAP1(v) _mm256_permute_pd(v, 0x5)                   /* 1, 0, 3, 2 */
#  define VSWAP2(v) (v)                                         /* (no third step) */
#  define ITOV _mm256_castsi256_pd
#  define VTOI _mm256_castpd_si256
#  define ILT(a, b) ITOV(_mm256_cmpgt_epi64(b, a))
#  define IEQ(a, b) ITOV(_mm256_cmpeq_epi64(a, b))
#  define IFIRST(i) _mm_cvtsi128_si64(_mm256_castsi256_si128(i))
#  define IADD _mm256_add_epi64
#  define VLOAD4D(p) _mm256_loadu_pd(p)
#  define ISET1(x) _mm256_set1_epi64x((long long)(x))
#  define ILANES _mm256_setr_epi64x(0, 1, 2, 3)
#endif
#include "rm_kmeans_assign_impl.h"

#endif /* RM_KMEANS_ASSIGN_H */

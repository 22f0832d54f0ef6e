/* rm_nnet_adam.h: the Adam step of the multi-layer perceptrons with the L2 penalty's
 * gradient folded in (learning/_nnet.pyx: DenseTrainer.adam_step).  Not a header to
 * include anywhere else: only _nnet.pyx includes it, and it is written for that module.
 *
 * One pass over a segment of the flat parameter vector (a layer's weights or its bias)
 * does all of scikit-learn's MLP update, Kingma & Ba's Adam in the reordered form at the
 * end of their Sec. 2 (eps added to sqrt(v) before the bias correction) [1]:
 *     g' = g + coef p                  the L2 penalty's gradient (coef = alpha / n; 0 for
 *                                      a bias, which is not penalised)
 *     m  = b1 m + (1 - b1) g'
 *     v  = b2 v + (1 - b2) (g' g')
 *     p  = p - step m / (sqrt(v) + e)   step = lr sqrt(1 - b2^t) / (1 - b1^t)
 * and returns sum p^2 over the parameters as they were before the step (the penalty's
 * value at the point where the batch's loss was computed), summed in double.  numpy (and
 * scikit-learn's _AdamOptimizer) makes a temporary per operation and reads p, g, m, v
 * about ten times in all; here each is read once and p, m, v written once, and the
 * penalty's separate pass over the weights and their gradient disappears.
 *
 * Rounding.  Every operation is rounded to T in the order written, with no fused
 * multiply-add (the vector path is compiled for AVX2 without FMA, the scalar one with
 * contraction off), so both paths give the same p, m, v bit for bit, and the numbers
 * numpy gives for the same formulas.  Only sum p^2 is summed in another order by the
 * vector path (per lane, then the lanes in order).
 *
 * Instruction sets.  The vector path (AVX2, 256-bit: 4 doubles or 8 floats) is compiled
 * here with a function target attribute and taken when the module's vector-kernel table
 * (rm_kernels.h: rm_vec_isa_name, which honours RUSTY_MACHINE_KERNEL) is not the generic
 * one, as csrc/rm_kmeans_assign.h does; the scalar loop is the generic path and the
 * test oracle.  The update is bound by the square root and the division (one each per
 * parameter): 4 or 8 lanes of each per instruction is what the vector path buys.
 *
 * [1] D. Kingma & J. Ba, "Adam: a method for stochastic optimization", ICLR 2015.
 * [2] scikit-learn, sklearn/neural_network/_stochastic_optimizers.py (AdamOptimizer) and
 *     _multilayer_perceptron.py (_compute_loss_grad: the L2 term alpha W / n).
 */
#ifndef RM_NNET_ADAM_H
#define RM_NNET_ADAM_H

#include <math.h>
#include <stddef.h>
#include <string.h>
#include "rm_kernels.h"

#if defined(__GNUC__) && defined(__x86_64__)
#  include <immintrin.h>
#  define RM_NA_AVX2 1
#  define RM_NA_TARGET __attribute__((target("avx2")))
#else
#  define RM_NA_AVX2 0
#endif
#if defined(__GNUC__) && !defined(__clang__)
#  define RM_NA_NOCONTRACT __attribute__((optimize("fp-contract=off")))
#else
#  define RM_NA_NOCONTRACT
#endif

/* "avx2" or "generic": the path rm_nnet_{s,d}adam takes in this module */
static inline const char *rm_nnet_adam_isa(void) {
#if RM_NA_AVX2
    if (strcmp(rm_vec_isa_name(), "generic") != 0) return "avx2";
#endif
    return "generic";
}

#define RM_NA_CAT_(a, b) a##b
#define RM_NA_CAT(a, b) RM_NA_CAT_(a, b)

/* ---- the float instance ---- */
#define T float
#define KN(name) RM_NA_CAT(rm_nnet_s, name)
#define SQRT_SCALAR sqrtf
#if RM_NA_AVX2
#  define VL 8
#  define V __m256
#  define VLOAD _mm256_loadu_ps
#  define VSTORE _mm256_storeu_ps
#  define VSET1 _mm256_set1_ps
#  define VADD _mm256_add_ps
#  define VSUB _mm256_sub_ps
#  define VMUL _mm256_mul_ps
#  define VDIV _mm256_div_ps
#  define VSQRT _mm256_sqrt_ps
#endif
#include "rm_nnet_adam_impl.h"

/* ---- the double instance ---- */
#define T double
#define KN(name) RM_NA_CAT(rm_nnet_d, name)
#define SQRT_SCALAR sqrt
#if RM_NA_AVX2
#  define VL 4
#  define V __m256d
#  define VLOAD _mm256_loadu_pd
#  define VSTORE _mm256_storeu_pd
#  define VSET1 _mm256_set1_pd
#  define VADD _mm256_add_pd
#  define VSUB _mm256_sub_pd
#  define VMUL _mm256_mul_pd
#  define VDIV _mm256_div_pd
#  define VSQRT _mm256_sqrt_pd
#endif
#include "rm_nnet_adam_impl.h"

#endif

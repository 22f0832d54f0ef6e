/* rm_stack_lu.c: the baseline instance of rm_stack_lu_impl.h (no ISA flags: a lane
 * vector is two XMM registers) and the entry points of rm_stack_lu.h, which run the
 * instance of the vector-kernel table in use (rm_kernels.h: rm_vec_isa_name; the
 * AVX2 / AVX-512 instances exist when setup.py built their libraries, -DRM_BUILD_*). */
#include <string.h>
#define RM_ISA generic
#define SLU_T double
#define SLU_P d
#include "rm_stack_lu_impl.h"
#define SLU_T float
#define SLU_P s
#include "rm_stack_lu_impl.h"

#if RM_HAVE_VEC
#  define SLU_DECLARE(isa)                                                               \
    int rm_dstack_lu_##isa(ptrdiff_t, ptrdiff_t, ptrdiff_t, int, const double *,         \
                           const double *, double *, double *, int *, int *);            \
    int rm_sstack_lu_##isa(ptrdiff_t, ptrdiff_t, ptrdiff_t, int, const float *,          \
                           const float *, float *, double *, int *, int *);            \
    int rm_dstack_potrf_##isa(ptrdiff_t, ptrdiff_t, int, const double *, double *, int *);\
    int rm_sstack_potrf_##isa(ptrdiff_t, ptrdiff_t, int, const float *, float *, int *);
#  ifdef RM_BUILD_AVX2
SLU_DECLARE(avx2)
#  endif
#  ifdef RM_BUILD_AVX512
SLU_DECLARE(avx512)
#  endif
#endif

/* lanes per block of the instance in use; 0 without vector extensions (the caller
 * then keeps its per-matrix path) */
int rm_stack_lu_lanes(int is_float) {
#if RM_HAVE_VEC
    int bytes = 32;
#  ifdef RM_BUILD_AVX512
    if (strcmp(rm_vec_isa_name(), "avx512") == 0) bytes = 64;
#  endif
    return is_float ? bytes / (int)sizeof(float) : bytes / (int)sizeof(double);
#else
    (void)is_float;
    return 0;
#endif
}

/* each entry point runs the instance named by rm_vec_isa_name (ARGS: its arguments) */
#if RM_HAVE_VEC
#  define SLU_DISPATCH(name, ARGS)                                                         \
    const char *isa = rm_vec_isa_name();                                                 \
    (void)isa;                                                                           \
    SLU_AVX512(name, ARGS)                                                               \
    SLU_AVX2(name, ARGS)                                                                 \
    return name##_generic ARGS;
#  define SLU_LU_ARGS (batch, n, k, mode, A, B, X, mant, expo, info)
#  define SLU_PO_ARGS (batch, n, upper, A, L, info)
#else
/* no vector extensions: no instance (rm_stack_lu_lanes is 0, the caller never calls) */
#  define SLU_DISPATCH(name, ARGS) return -1;
#endif
#if RM_HAVE_VEC && defined(RM_BUILD_AVX512)
#  define SLU_AVX512(name, ARGS) if (strcmp(isa, "avx512") == 0) return name##_avx512 ARGS;
#else
#  define SLU_AVX512(name, ARGS)
#endif
#if RM_HAVE_VEC && defined(RM_BUILD_AVX2)
#  define SLU_AVX2(name, ARGS) if (strcmp(isa, "avx2") == 0) return name##_avx2 ARGS;
#else
#  define SLU_AVX2(name, ARGS)
#endif
int rm_dstack_lu(ptrdiff_t batch, ptrdiff_t n, ptrdiff_t k, int mode, const double *A,
                 const double *B, double *X, double *mant, int *expo, int *info) {
    SLU_DISPATCH(rm_dstack_lu, SLU_LU_ARGS)
}
int rm_sstack_lu(ptrdiff_t batch, ptrdiff_t n, ptrdiff_t k, int mode, const float *A,
                 const float *B, float *X, double *mant, int *expo, int *info) {
    SLU_DISPATCH(rm_sstack_lu, SLU_LU_ARGS)
}
int rm_dstack_potrf(ptrdiff_t batch, ptrdiff_t n, int upper, const double *A, double *L,
                    int *info) {
    SLU_DISPATCH(rm_dstack_potrf, SLU_PO_ARGS)
}
int rm_sstack_potrf(ptrdiff_t batch, ptrdiff_t n, int upper, const float *A, float *L,
                    int *info) {
    SLU_DISPATCH(rm_sstack_potrf, SLU_PO_ARGS)
}

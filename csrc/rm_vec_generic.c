/* rm_vec_generic.c: the vector kernels of rm_vec_impl.h for the baseline target (no ISA
 * flags: SSE2 on x86-64, where a 4-lane rm_v4d is two XMM registers).  Always built; the
 * table rm_vec_kernels_generic is in use until rm_vec.c has looked at the CPU, and on
 * CPUs without AVX2+FMA. */
#define RM_ISA generic
#include "rm_vec_impl.h"

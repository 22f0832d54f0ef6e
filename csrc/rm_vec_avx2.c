/* rm_vec_avx2.c: the vector kernels of rm_vec_impl.h compiled with -mavx2 -mfma (a
 * 4-lane rm_v4d is one YMM register; the compiler's own loops use YMM too).  Chosen by
 * rm_vec.c only when cpuid and XGETBV say the CPU and the OS support AVX2 and FMA. */
#define RM_ISA avx2
#include "rm_vec_impl.h"

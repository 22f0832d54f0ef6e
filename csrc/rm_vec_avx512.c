/* rm_vec_avx512.c: the vector kernels of rm_vec_impl.h compiled with -mavx512f (the
 * compiler's own loops, e.g. the axpy and rotation loops, may use ZMM registers).
 * Chosen by rm_vec.c only when the CPU and the OS support AVX-512F. */
#define RM_ISA avx512
#include "rm_vec_impl.h"

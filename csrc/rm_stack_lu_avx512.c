/* rm_stack_lu_avx512.c: the stacked LU of rm_stack_lu_impl.h compiled with -mavx512f
 * (a lane vector is one ZMM register: 8 doubles, 16 floats).  Called by rm_stack_lu.c
 * when the vector-kernel table in use is the AVX-512 one. */
#define RM_ISA avx512
#define SLU_T double
#define SLU_P d
#include "rm_stack_lu_impl.h"
#define SLU_T float
#define SLU_P s
#include "rm_stack_lu_impl.h"

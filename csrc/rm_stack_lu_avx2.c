/* rm_stack_lu_avx2.c: the stacked LU of rm_stack_lu_impl.h compiled with -mavx2 -mfma
 * (a lane vector is one YMM register: 4 doubles, 8 floats).  Called by rm_stack_lu.c
 * when the vector-kernel table in use is the AVX2 one. */
#define RM_ISA avx2
#define SLU_T double
#define SLU_P d
#include "rm_stack_lu_impl.h"
#define SLU_T float
#define SLU_P s
#include "rm_stack_lu_impl.h"

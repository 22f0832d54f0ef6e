/* rm_vec.c: which table of vector kernels (rm_vec_impl.h) this extension module uses.
 *
 * The choice is the GEMM's (rm_gemm.c): the environment variable RUSTY_MACHINE_KERNEL
 * (generic, avx2, avx512) if this CPU, OS and build can run it, else the best one they
 * can (rm_cpu.c: cpuid + XGETBV).  It is made once, by a constructor that runs when the
 * extension module is loaded (before any Python code can call a kernel, so no thread
 * can race it); until then, and with a compiler without constructors, the generic table
 * is in use, which is always correct.
 */
#include <stdlib.h>
#include <string.h>
#include "rm_gemm.h"          /* rm_cpu_has_avx2_fma, rm_cpu_has_avx512f */
#include "rm_kernels.h"

#ifdef RM_BUILD_AVX2
extern const rm_vec_kernels_t rm_vec_kernels_avx2;
#endif
#ifdef RM_BUILD_AVX512
extern const rm_vec_kernels_t rm_vec_kernels_avx512;
#endif

const rm_vec_kernels_t *rm_vec_active = &rm_vec_kernels_generic;

/* the table called `name`, if this CPU/OS and build can run it; NULL otherwise */
static const rm_vec_kernels_t *vec_lookup(const char *name) {
    if (name == NULL) return NULL;
    if (strcmp(name, "generic") == 0) return &rm_vec_kernels_generic;
#ifdef RM_BUILD_AVX2
    if (strcmp(name, "avx2") == 0) return rm_cpu_has_avx2_fma() ? &rm_vec_kernels_avx2 : NULL;
#endif
#ifdef RM_BUILD_AVX512
    if (strcmp(name, "avx512") == 0)
        return rm_cpu_has_avx512f() ? &rm_vec_kernels_avx512 : NULL;
#endif
    return NULL;
}

static const rm_vec_kernels_t *vec_best(void) {
    const rm_vec_kernels_t *k;
    if ((k = vec_lookup("avx512")) != NULL) return k;
    if ((k = vec_lookup("avx2")) != NULL) return k;
    return &rm_vec_kernels_generic;
}

#if defined(__GNUC__) || defined(__clang__)
__attribute__((constructor))
#endif
static void rm_vec_init(void) {
    const rm_vec_kernels_t *k = vec_lookup(getenv("RUSTY_MACHINE_KERNEL"));
    rm_vec_active = k != NULL ? k : vec_best();
}

const char *rm_vec_isa_name(void) { return rm_vec_active->isa; }

int rm_vec_set_isa(const char *name) {
    const rm_vec_kernels_t *k;
    if (name == NULL || (strcmp(name, "generic") != 0 && strcmp(name, "avx2") != 0
                         && strcmp(name, "avx512") != 0))
        return -1;
    if ((k = vec_lookup(name)) == NULL) return -2;
    rm_vec_active = k;
    return 0;
}

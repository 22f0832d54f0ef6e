/* rm_mem.c: memory advice for the owned buffers of matrix.pyx.
 *
 * Large buffers (>= 4 MiB) ask Linux for transparent huge pages, as numpy does for its
 * arrays (numpy/core/src/multiarray/alloc.c): a fresh 8 MB result then takes 4 page
 * faults instead of 2048.  madvise(2), MADV_HUGEPAGE (Linux >= 2.6.38).  Elsewhere the
 * advice is a no-op.
 */
#if defined(__linux__)
#  define _DEFAULT_SOURCE 1       /* madvise and MADV_HUGEPAGE under -std=c99 */
#  include <sys/mman.h>
#endif
#include <stdint.h>
#include "rm_kernels.h"

void rm_advise_hugepages(void *p, size_t nbytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (nbytes >= ((size_t)1 << 22)) {
        /* the whole pages inside [p, p + nbytes) */
        uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
        uintptr_t e = (uintptr_t)p + nbytes;
        if (e > a) madvise((void *)a, e - a, MADV_HUGEPAGE);
    }
#else
    (void)p; (void)nbytes;
#endif
}

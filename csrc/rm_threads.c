/* rm_threads.c: the one thread-count setting shared by GEMM and the Cython loops.
 *
 * The default honours OMP_NUM_THREADS, then the CPUs this process may run on
 * (sched_getaffinity), so a container limited to 2 CPUs gets 2 threads. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>
#ifdef __linux__
#include <sched.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif
#include "rm_gemm.h"

static int rm_threads = 0;   /* 0 = not decided yet */

static int rm_default_threads(void) {
    const char *env = getenv("OMP_NUM_THREADS");
    if (env && *env) {
        int n = atoi(env);           /* "4" or "4,2": the first level counts */
        if (n > 0) return n;
    }
#ifdef __linux__
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
#endif
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

void rm_set_num_threads(int n) { rm_threads = n > 0 ? n : rm_default_threads(); }

int rm_get_num_threads(void) {
    if (rm_threads <= 0) rm_threads = rm_default_threads();
#ifndef _OPENMP
    return 1;
#else
    return rm_threads;
#endif
}

int rm_have_openmp(void) {
#ifdef _OPENMP
    return 1;
#else
    return 0;
#endif
}

int rm_in_parallel(void) {
#ifdef _OPENMP
    return omp_in_parallel();
#else
    return 0;
#endif
}

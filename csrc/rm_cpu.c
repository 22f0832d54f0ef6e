/* rm_cpu.c: which SIMD instruction sets this CPU *and* this OS can run.
 *
 * cpuid says what the CPU implements; the OS must also save and restore the wider
 * registers on a context switch, which it announces in XCR0 (read with XGETBV once
 * CPUID.1:ECX.OSXSAVE[bit 27] says XGETBV is enabled).  Intel SDM vol. 1, sections
 * 14.3 (AVX: XCR0 bits 1-2, SSE and YMM state) and 15.2 (AVX-512: XCR0 bits 5-7,
 * opmask, ZMM_Hi256 and Hi16_ZMM state).  Feature bits: CPUID.1:ECX (FMA bit 12, OSXSAVE
 * bit 27, AVX bit 28), CPUID.(7,0):EBX (AVX2 bit 5, AVX512F bit 16).
 */
#include "rm_gemm.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static unsigned long long rm_xgetbv0(void) {
    unsigned int lo, hi;
    /* xgetbv with ecx = 0 (XCR0); encoded as bytes for assemblers without the mnemonic */
    __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

/* level 1: 0 none, 1 AVX2+FMA usable, 2 AVX-512F usable as well */
static int rm_cpu_level(void) {
    static int level = -1;
    if (level >= 0) return level;
    int lv = 0;
    unsigned int a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
        if (fma && osxsave && avx && __get_cpuid_max(0, 0) >= 7) {
            unsigned long long xcr0 = rm_xgetbv0();
            unsigned int a7, b7, c7, d7;
            __cpuid_count(7, 0, a7, b7, c7, d7);
            int avx2 = (b7 >> 5) & 1, avx512f = (b7 >> 16) & 1;
            int ymm_os = (xcr0 & 0x6) == 0x6;          /* SSE + AVX state */
            int zmm_os = (xcr0 & 0xe6) == 0xe6;        /* + opmask, ZMM_Hi256, Hi16_ZMM */
            if (avx2 && ymm_os) lv = 1;
            if (lv == 1 && avx512f && zmm_os) lv = 2;
        }
    }
    level = lv;
    return lv;
}

int rm_cpu_has_avx2_fma(void) { return rm_cpu_level() >= 1; }
int rm_cpu_has_avx512f(void) { return rm_cpu_level() >= 2; }

#else
int rm_cpu_has_avx2_fma(void) { return 0; }
int rm_cpu_has_avx512f(void) { return 0; }
#endif

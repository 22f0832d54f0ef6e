/* rm_port.h: the one portability header of the C core (every csrc/ file that needs more
 * than C99 includes it; nothing here is specific to one kernel).
 *
 *   restrict          C99's keyword; MSVC spells it __restrict
 *   RM_INLINE         static inline, forced where the compiler allows it
 *   RM_HAVE_VEC       1 when GCC/Clang vector extensions are available: then
 *   rm_v4d            four doubles in one vector value ("4 lanes"); +, -, * act lane-wise.
 *                     With -mavx2 a rm_v4d is one YMM register, with SSE2 (the x86-64
 *                     baseline) two XMM registers; the code is the same.
 *   rm_load4(p)       an unaligned 4-lane load from p, rm_store4(p, v) the store
 *   rm_hsum4(v)       (v0 + v1) + (v2 + v3), the fixed order of a horizontal sum
 *   rm_v8f, rm_load8f, rm_store8f, rm_hsum8f: the same for eight floats (32 bytes)
 *
 * Why the vector extension and not plain loops: a floating-point reduction (a dot product,
 * a sum of squares) cannot be vectorised by the compiler from scalar code without
 * -ffast-math, because SIMD lanes reassociate the sum.  With explicit 4-lane
 * accumulators the reassociation is written down, and nothing else is reassociated.
 *
 * rm_load4 is a macro (a statement expression), not a function: at -O0 a non-inlined
 * helper returning a 256-bit vector from a file compiled without AVX would change the
 * calling convention for vectors between files (gcc's -Wpsabi).
 */
#ifndef RM_PORT_H
#define RM_PORT_H

#include <stddef.h>
#include <string.h>

#if defined(_MSC_VER) && !defined(restrict)
#  define restrict __restrict
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define RM_INLINE static inline __attribute__((always_inline))
#else
#  define RM_INLINE static inline
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define RM_HAVE_VEC 1
typedef double rm_v4d __attribute__((vector_size(32)));
#  define rm_load4(p) ({ rm_v4d v_; memcpy(&v_, (p), sizeof v_); v_; })
#  define rm_store4(p, v) do { rm_v4d w_ = (v); memcpy((p), &w_, sizeof w_); } while (0)
#  define rm_hsum4(v) (((v)[0] + (v)[1]) + ((v)[2] + (v)[3]))
typedef float rm_v8f __attribute__((vector_size(32)));
#  define rm_load8f(p) ({ rm_v8f v_; memcpy(&v_, (p), sizeof v_); v_; })
#  define rm_store8f(p, v) do { rm_v8f w_ = (v); memcpy((p), &w_, sizeof w_); } while (0)
#  define rm_hsum8f(v) ((((v)[0] + (v)[1]) + ((v)[2] + (v)[3])) \
                        + (((v)[4] + (v)[5]) + ((v)[6] + (v)[7])))
#else
#  define RM_HAVE_VEC 0
#endif

#endif

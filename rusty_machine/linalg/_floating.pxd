# _floating.pxd: the one fused type of the library's kernels, for code written once for
# float32 and float64 (as scikit-learn's cython.floating): a cdef function taking a
# `floating` argument is compiled twice, and `if floating is float:` picks the C
# routine of each instance (rm_sgemm / rm_dgemm). Per-dtype constants (epsilon, safe
# minimum, block sizes) come from one table, never from a literal in a loop.
ctypedef fused floating:
    float
    double

# ---- the per-dtype constants: the one table (LAPACK's slamch / dlamch) -----------------
# eps: the spacing of the numbers at 1 (numpy's finfo(dtype).eps); sfmin: the smallest
# normal number, below which 1/x overflows (LAPACK's SFMIN); big: the largest finite.
# A kernel fused over `floating` picks its row with `if floating is float:`.
cdef extern from "float.h":
    const double DBL_EPSILON
    const double DBL_MIN
    const double DBL_MAX
    const float FLT_EPSILON
    const float FLT_MIN
    const float FLT_MAX

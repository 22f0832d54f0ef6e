# _floating.pxd: the one fused type of the library's kernels, for code written once for
# float32 and float64 (as scikit-learn's cython.floating): a cdef function taking a
# `floating` argument is compiled twice, and `if floating is float:` picks the C
# routine of each instance (rm_sgemm / rm_dgemm). Per-dtype constants (epsilon, safe
# minimum, block sizes) come from one table, never from a literal in a loop.
ctypedef fused floating:
    float
    double

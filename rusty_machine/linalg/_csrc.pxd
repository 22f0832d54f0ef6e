# _csrc.pxd: the one declaration of the C core (csrc/) for Cython. Every function of
# csrc/ that a Cython module calls is declared here and nowhere else; a module cimports
# the names it uses (`from rusty_machine.linalg._csrc cimport rm_dot_unit`).
#
# Two headers:
#   rm_gemm.h     the GEMM ladder (rm_dgemm float64, rm_sgemm float32: one driver),
#                 micro-kernel selection, threads, CPU features. These hold process
#                 state (the selected micro-kernel, the thread count): only blas.pyx
#                 (through _gemm.pxi) calls them; every other module uses blas.pxd's
#                 dgemm / sgemm / get_num_threads, so the process has one copy.
#   rm_kernels.h  the vector kernels (level-1/2 inner loops, the eigensolvers' symmetric
#                 product and Francis reflectors, the SVD's rotation sweeps, matrix
#                 reductions), each written once in csrc/rm_vec_impl.h, compiled per
#                 instruction set and dispatched at load time (see rm_kernels.h).
#                 Stateless: any module may call them directly.
# Sizes are Py_ssize_t here and ptrdiff_t in C (the same type on every platform
# CPython supports).

cdef extern from "rm_gemm.h" nogil:
    void rm_dgemm(int transa, int transb, long m, long n, long k,
                  double alpha, const double *A, long lda,
                  const double *B, long ldb,
                  double beta, double *C, long ldc)
    void rm_dgemm_ref(int transa, int transb, long m, long n, long k,
                      double alpha, const double *A, long lda,
                      const double *B, long ldb,
                      double beta, double *C, long ldc)
    void rm_dgemm_blocked(int transa, int transb, long m, long n, long k,
                          double alpha, const double *A, long lda,
                          const double *B, long ldb,
                          double beta, double *C, long ldc)
    void rm_sgemm(int transa, int transb, long m, long n, long k,
                  float alpha, const float *A, long lda,
                  const float *B, long ldb,
                  float beta, float *C, long ldc)
    void rm_sgemm_ref(int transa, int transb, long m, long n, long k,
                      float alpha, const float *A, long lda,
                      const float *B, long ldb,
                      float beta, float *C, long ldc)
    void rm_sgemm_blocked(int transa, int transb, long m, long n, long k,
                          float alpha, const float *A, long lda,
                          const float *B, long ldb,
                          float beta, float *C, long ldc)
    void rm_dsyrk(int trans, long n, long k, double alpha, const double *A, long lda,
                  double beta, double *C, long ldc)
    void rm_ssyrk(int trans, long n, long k, float alpha, const float *A, long lda,
                  float beta, float *C, long ldc)
    const char *rm_gemm_kernel_name()
    void rm_gemm_kernel_blocks(int *mr, int *nr, long *mc, long *kc, long *nc, long *small,
                               long *skinny)
    void rm_sgemm_kernel_blocks(int *mr, int *nr, long *mc, long *kc, long *nc,
                                long *small, long *skinny)
    int rm_gemm_set_path(int path)
    int rm_gemm_kernel_supported(const char *name)
    int rm_gemm_set_kernel(const char *name)
    void rm_set_num_threads(int n)
    int rm_get_num_threads()
    int rm_have_openmp()
    int rm_in_parallel()
    int rm_cpu_has_avx2_fma()
    int rm_cpu_has_avx512f()


cdef extern from "rm_kernels.h" nogil:
    # ---- dispatch ---------------------------------------------------------------
    const char *rm_vec_isa_name()
    int rm_vec_set_isa(const char *name)

    # ---- level-1/2 inner loops (blas.pyx); unit strides -------------------------
    enum: RM_TRI_MAX
    double rm_dot_unit(Py_ssize_t n, const double* x, const double* y)
    void rm_dot4(Py_ssize_t n, const double* a0, const double* a1, const double* a2,
                 const double* a3, const double* x, double* out)
    double rm_sumsq_unit(Py_ssize_t n, const double* x)
    void rm_axpy_unit(Py_ssize_t n, double alpha, const double* x, double* y)
    void rm_axpy4(Py_ssize_t n, double c0, double c1, double c2, double c3,
                  const double* a0, const double* a1, const double* a2, const double* a3,
                  double* y)
    void rm_row_combine(Py_ssize_t w, double pre, double post, double sign,
                        const double* P, Py_ssize_t lo, Py_ssize_t hi,
                        const double* B, Py_ssize_t ldb, double* bi)

    # the same in float32 (csrc/rm_vec_level12.h, one source for both types)
    float rm_sdot_unit(Py_ssize_t n, const float* x, const float* y)
    void rm_sdot4(Py_ssize_t n, const float* a0, const float* a1, const float* a2,
                  const float* a3, const float* x, float* out)
    float rm_ssumsq_unit(Py_ssize_t n, const float* x)
    void rm_saxpy_unit(Py_ssize_t n, float alpha, const float* x, float* y)
    void rm_saxpy4(Py_ssize_t n, float c0, float c1, float c2, float c3,
                   const float* a0, const float* a1, const float* a2, const float* a3,
                   float* y)
    void rm_srow_combine(Py_ssize_t w, float pre, float post, float sign,
                         const float* P, Py_ssize_t lo, Py_ssize_t hi,
                         const float* B, Py_ssize_t ldb, float* bi)

    # ---- eigensolvers ------------------------------------------------------------
    void rm_symv_lower(Py_ssize_t n, const double* A, Py_ssize_t lda, const double* x,
                       double* y)
    void rm_refl_rows(Py_ssize_t lo, Py_ssize_t hi, const double* tau, const double* v1,
                      const double* v2, double* X, Py_ssize_t ldx, Py_ssize_t c0,
                      Py_ssize_t c1, Py_ssize_t chunk)
    void rm_refl_cols(Py_ssize_t lo, Py_ssize_t hi, const double* tau, const double* v1,
                      const double* v2, double* X, Py_ssize_t ldx, Py_ssize_t r0,
                      Py_ssize_t r1)

    # ---- SVD ---------------------------------------------------------------------
    void rm_svd_apply_sweeps(Py_ssize_t nsweeps, const Py_ssize_t* lo, const Py_ssize_t* hi,
                             const double* cs, const double* sn, Py_ssize_t ld,
                             double* X, Py_ssize_t ldx, Py_ssize_t ncols,
                             Py_ssize_t chunk)

    # the float32 instances of the four above (csrc/rm_vec_decomp.h, one source)
    void rm_ssymv_lower(Py_ssize_t n, const float* A, Py_ssize_t lda, const float* x,
                        float* y)
    void rm_srefl_rows(Py_ssize_t lo, Py_ssize_t hi, const float* tau, const float* v1,
                       const float* v2, float* X, Py_ssize_t ldx, Py_ssize_t c0,
                       Py_ssize_t c1, Py_ssize_t chunk)
    void rm_srefl_cols(Py_ssize_t lo, Py_ssize_t hi, const float* tau, const float* v1,
                       const float* v2, float* X, Py_ssize_t ldx, Py_ssize_t r0,
                       Py_ssize_t r1)
    void rm_ssvd_apply_sweeps(Py_ssize_t nsweeps, const Py_ssize_t* lo,
                              const Py_ssize_t* hi, const float* cs, const float* sn,
                              Py_ssize_t ld, float* X, Py_ssize_t ldx, Py_ssize_t ncols,
                              Py_ssize_t chunk)

    # ---- matrix reductions and memory --------------------------------------------
    double rm_first_nan(Py_ssize_t n, const double* x)
    double rm_ext_row(bint want_max, Py_ssize_t n, const double* x)
    void rm_advise_hugepages(void* p, size_t nbytes)

    # ---- brute-force neighbours (learning/_brute.pyx; csrc/rm_knn_scan.h) ------------
    Py_ssize_t rm_knn_scan(Py_ssize_t n, const double* v, double thr, Py_ssize_t* out)
    Py_ssize_t rm_knn_tile4(Py_ssize_t d1, Py_ssize_t nb, const double* Xp, const double* Q,
                            Py_ssize_t ldq, const double* thr, Py_ssize_t* out_q,
                            Py_ssize_t* out_j, double* out_v)
    # (part F, issue 19) the same behind a float32 filter
    Py_ssize_t rm_knn_tile4f(Py_ssize_t d1, Py_ssize_t nb, const float* Xs, const double* Xp,
                             const float* Qs, const double* Q, Py_ssize_t ldq,
                             const float* thr32, const double* thr, Py_ssize_t* out_q,
                             Py_ssize_t* out_j, double* out_v)

    # ---- part D (issue 14): batch-interleaved small LU / Cholesky (csrc/rm_batch_small.h)
    enum: RM_BLU_SOLVE
    enum: RM_BLU_INV
    enum: RM_BLU_DET
    enum: RM_BINFO_NONFINITE
    enum: RM_BINFO_RANGE
    enum: RM_BNMAX
    enum: RM_BKMAX
    int rm_batch_lanes(int is_float)
    int rm_dbatch_lu(Py_ssize_t batch, Py_ssize_t n, Py_ssize_t k, int mode,
                     const double* A, const double* B, double* X, double* det, int* info)
    int rm_sbatch_lu(Py_ssize_t batch, Py_ssize_t n, Py_ssize_t k, int mode,
                     const float* A, const float* B, float* X, double* det, int* info)
    int rm_dbatch_potrf(Py_ssize_t batch, Py_ssize_t n, int upper, const double* A,
                        double* L, int* info)
    int rm_sbatch_potrf(Py_ssize_t batch, Py_ssize_t n, int upper, const float* A,
                        float* L, int* info)
    # (part E, issue 16) elementwise exp, log, log1p within 2 ulp (csrc/rm_vmath.h)
    void rm_vexp(Py_ssize_t n, const double* x, double* y)
    void rm_vlog(Py_ssize_t n, const double* x, double* y)
    void rm_vlog1p(Py_ssize_t n, const double* x, double* y)

# _eig_multishift.pxi: the small-bulge multishift QR algorithm with aggressive early
# deflation, included by _eig.pyx (it uses that file's _hqr_window, _lanv2,
# _negligible_subdiag and constants).
#
# References
# ----------
# [BBM02a] K. Braman, R. Byers and R. Mathias, "The multishift QR algorithm. Part I:
#          Maintaining well-focused shifts and level 3 performance", SIAM J. Matrix Anal.
#          Appl. 23(4) (2002) 929-947: chains of small (3x3) bulges chased together, the
#          transformations of a chain accumulated in a small orthogonal U so that the
#          rest of H and Z is updated by GEMM.
# [BBM02b] K. Braman, R. Byers and R. Mathias, "The multishift QR algorithm. Part II:
#          Aggressive early deflation", SIAM J. Matrix Anal. Appl. 23(4) (2002) 948-973.
# [LAPACK] dlaqr0 (the driver: window sizes, shift counts, exceptional shifts), dlaqr3
#          (aggressive early deflation), dlaqr5 (one multishift sweep), dtrexc/dlaexc
#          (reordering the real Schur form by swapping adjacent blocks), dlasy2 (the small
#          Sylvester equation of a swap), iparmq (the recommended sizes).
# [GVL4]   Golub and Van Loan, Sec. 7.5.7 (multishift and aggressive early deflation),
#          Sec. 7.6.2 (reordering the Schur form by swaps).
#
# Row-major, as the rest of _eig.pyx: the orthogonal factors are carried as Z^T (and the
# deflation window's V as V^T), whose rows are rotated; the accumulated U of a sweep
# applies as H[rows, W] <- H[rows, W] U, H[W, cols] <- U^T H[W, cols], Z^T[W, :] <-
# U^T Z^T[W, :], each one GEMM.

# ---- tuning constants (LAPACK dlaqr0 / iparmq) --------------------------------------
# active blocks smaller than this go to the double-shift QR of _hqr_window (iparmq's
# NMIN is 75). Measured here (random normal, one thread, CPU time, crossover c):
#   eigvals n = 100: c=75 1.98 ms, double shift only 1.60 ms;  n = 150: 5.03 / 4.23 ms;
#   n = 250: 15.6 ms (c = 75..200) / 16.7 ms;  n = 400: 42 ms / 60 ms
# (eig alike): with the recommended windows of iparmq the multishift QR only pays from
# about n = 200 on, and inner blocks below 200 rows go as fast by double shift.
cdef Py_ssize_t MS_NMIN = 200
cdef Py_ssize_t MS_KEXNW = 5      # grow the deflation window after 5 sweeps without one
cdef Py_ssize_t MS_KEXSH = 6      # exceptional shifts every 6 sweeps without a deflation
cdef Py_ssize_t MS_NIBBLE = 14    # skip the sweep when AED deflated >= 14% of its window
cdef double MS_WILK1 = 0.75         # the exceptional shifts' constants (dlaqr0)
cdef double MS_WILK2 = -0.4375


def _set_ms_crossover(Py_ssize_t k):
    """Set the active-block size below which the double-shift QR takes over from the
    multishift QR (at least 6); returns the previous one. For tests, which force the
    multishift path on small matrices."""
    global MS_NMIN
    old = MS_NMIN
    MS_NMIN = max(k, 6)
    return old


cdef Py_ssize_t _ms_num_shifts(Py_ssize_t nh) noexcept nogil:
    """Recommended number of simultaneous shifts for an active block of order nh
    (LAPACK iparmq, ISPEC = 15), an even number >= 2."""
    cdef Py_ssize_t ns = 2, lg
    if nh >= 30:
        ns = 4
    if nh >= 60:
        ns = 10
    if nh >= 150:
        lg = <Py_ssize_t>(log(<double>nh) / log(2.0) + 0.5)
        ns = max(10, nh // lg)
    if nh >= 590:
        ns = 64
    if nh >= 3000:
        ns = 128
    if nh >= 6000:
        ns = 256
    return max(2, ns - ns % 2)


cdef Py_ssize_t _ms_window_size(Py_ssize_t nh) noexcept nogil:
    """Recommended aggressive-early-deflation window (iparmq, ISPEC = 13)."""
    cdef Py_ssize_t ns = _ms_num_shifts(nh)
    return ns if nh <= 500 else 3 * ns // 2


# =================================================================================
# reordering the real Schur form (LAPACK dlaexc, dtrexc; GVL4 Sec. 7.6.2)
# =================================================================================
cdef bint _small_sylvester(int n1, int n2, const floating* D, Py_ssize_t ldd,
                           floating* X) noexcept nogil:    # OUT n1 x n2, row-major
    """Solve T11 X - X T22 = T12 for the n1 x n2 X (n1, n2 <= 2) where D = [T11 T12; 0 T22]
    (LAPACK dlasy2 with ISGN = -1): the Kronecker form (I kron T11 - T22^T kron I) x = t12
    of order <= 4 by Gaussian elimination with complete pivoting, a pivot below
    smin = eps max|T| raised to smin (the blocks' eigenvalues are close: the swap is then
    ill-conditioned and the caller's test rejects it). Returns False if nothing can be
    solved (all-zero system)."""
    cdef int nn = n1 * n2, i, j, k, l, r, c, p, q, ip, jp
    cdef floating K[4][4]
    cdef floating rhs[4]
    cdef floating sol[4]
    cdef int colperm[4]
    cdef floating eps = _lim(<floating>0, L_EPS)
    cdef floating safmin = _lim(<floating>0, L_SAFMIN)
    cdef floating smin = 0.0, piv, f, tmp
    for i in range(n1 + n2):
        for j in range(i, n1 + n2):
            smin = max(smin, fabs(D[i * ldd + j]))
        if i > 0:
            smin = max(smin, fabs(D[i * ldd + i - 1]))
    smin = max(eps * smin, safmin)
    for r in range(nn):
        rhs[r] = 0.0
        colperm[r] = r
        for c in range(nn):
            K[r][c] = 0.0
    # unknown (i, j) of X is x[i * n2 + j]; equation (i, j):
    #   sum_k T11[i, k] X[k, j] - sum_l X[i, l] T22[l, j] = T12[i, j]
    for i in range(n1):
        for j in range(n2):
            r = i * n2 + j
            rhs[r] = D[i * ldd + n1 + j]
            for k in range(n1):
                K[r][k * n2 + j] += D[i * ldd + k]
            for l in range(n2):
                K[r][i * n2 + l] -= D[(n1 + l) * ldd + n1 + j]
    for p in range(nn):
        # complete pivoting: the largest entry of the trailing block
        ip = p
        jp = p
        piv = 0.0
        for r in range(p, nn):
            for c in range(p, nn):
                if fabs(K[r][c]) > piv:
                    piv = fabs(K[r][c])
                    ip = r
                    jp = c
        if ip != p:
            for c in range(nn):
                tmp = K[p][c]
                K[p][c] = K[ip][c]
                K[ip][c] = tmp
            tmp = rhs[p]
            rhs[p] = rhs[ip]
            rhs[ip] = tmp
        if jp != p:
            for r in range(nn):
                tmp = K[r][p]
                K[r][p] = K[r][jp]
                K[r][jp] = tmp
            q = colperm[p]
            colperm[p] = colperm[jp]
            colperm[jp] = q
        if fabs(K[p][p]) < smin:
            K[p][p] = smin
        for r in range(p + 1, nn):
            f = K[r][p] / K[p][p]
            rhs[r] -= f * rhs[p]
            for c in range(p, nn):
                K[r][c] -= f * K[p][c]
    for p in range(nn - 1, -1, -1):
        tmp = rhs[p]
        for c in range(p + 1, nn):
            tmp -= K[p][c] * sol[c]
        sol[p] = tmp / K[p][p]
    for p in range(nn):
        X[colperm[p]] = sol[p]
    return True


cdef void _standardize_block(Py_ssize_t n, floating* T, Py_ssize_t ldt, floating* ZT,
                             Py_ssize_t ldz, Py_ssize_t nz, Py_ssize_t j,
                             Py_ssize_t rtop) noexcept nogil:
    """Standardise the 2x2 diagonal block at (j, j) of the quasi-triangular T (dlanv2)
    and apply its rotation to the rest of rows j, j+1 (columns j+2..n-1), columns j, j+1
    (rows rtop..j-1) and rows j, j+1 of Z^T (nz columns)."""
    cdef floating a, b, c, d, rt1r, rt1i, rt2r, rt2i, cs, sn
    a = T[j * ldt + j]
    b = T[j * ldt + j + 1]
    c = T[(j + 1) * ldt + j]
    d = T[(j + 1) * ldt + j + 1]
    _lanv2(&a, &b, &c, &d, &rt1r, &rt1i, &rt2r, &rt2i, &cs, &sn)
    T[j * ldt + j] = a
    T[j * ldt + j + 1] = b
    T[(j + 1) * ldt + j] = c
    T[(j + 1) * ldt + j + 1] = d
    if j + 2 < n:
        rot_strided(n - j - 2, cs, sn, T + j * ldt + j + 2, 1, T + (j + 1) * ldt + j + 2, 1)
    if j > rtop:
        rot_strided(j - rtop, cs, sn, T + rtop * ldt + j, ldt, T + rtop * ldt + j + 1, ldt)
    if ZT != NULL:
        rot_rows(nz, cs, sn, ZT + j * ldz, ZT + (j + 1) * ldz)


cdef bint _swap_blocks(Py_ssize_t n,
                       floating* T, Py_ssize_t ldt,   # INOUT quasi-triangular, n x n
                       floating* ZT, Py_ssize_t ldz,  # INOUT rows j1.. rotated, or NULL
                       Py_ssize_t nz,                 # IN    columns of Z^T
                       Py_ssize_t j1, int n1, int n2) noexcept nogil:
    """Swap the adjacent diagonal blocks T11 (n1 x n1 at j1) and T22 (n2 x n2 after it)
    of the real Schur form by an orthogonal similarity (LAPACK dlaexc; GVL4 Sec. 7.6.2).

    1x1 with 1x1: the rotation that takes the eigenvector [t12, t22 - t11] of t22 to e1.
    Otherwise (a 2x2 block involved, a complex pair): with X solving
    T11 X - X T22 = T12, the columns of [-X; I] span T22's invariant subspace, so with
    [-X; I] = Q [R; 0] (Householder QR) Q^T D Q = [T22' *; 0 T11']. The swap is refused
    (returns False, T untouched) when the computed lower-left block of Q^T D Q exceeds
    10 eps ||D||: the blocks' eigenvalues are too close for a stable swap (dlaexc's
    test). The new 2x2 blocks are standardised again (dlanv2)."""
    cdef Py_ssize_t m = n1 + n2, i, j, k, p
    cdef floating D[4][4]
    cdef floating Q[4][4]
    cdef floating W[4][4]
    cdef floating X[4]
    cdef floating tmp[4]
    cdef floating vec[4]
    cdef floating cs, sn, r, t11, t22, dnorm = 0.0, thresh, tau, acc
    cdef floating eps = _lim(<floating>0, L_EPS)
    cdef floating safmin = _lim(<floating>0, L_SAFMIN)
    cdef Py_ssize_t j2 = j1 + 1
    if n1 == 1 and n2 == 1:
        t11 = T[j1 * ldt + j1]
        t22 = T[j2 * ldt + j2]
        lartg(T[j1 * ldt + j2], t22 - t11, &cs, &sn, &r)
        if j2 + 1 < n:
            rot_strided(n - j2 - 1, cs, sn, T + j1 * ldt + j2 + 1, 1,
                        T + j2 * ldt + j2 + 1, 1)
        rot_strided(j1, cs, sn, T + j1, ldt, T + j2, ldt)
        T[j1 * ldt + j1] = t22
        T[j2 * ldt + j2] = t11
        if ZT != NULL:
            rot_rows(nz, cs, sn, ZT + j1 * ldz, ZT + j2 * ldz)
        return True
    for i in range(m):
        for j in range(m):
            D[i][j] = T[(j1 + i) * ldt + j1 + j]
            dnorm = max(dnorm, fabs(D[i][j]))
    thresh = max(10.0 * eps * dnorm, safmin * (n / eps))
    _small_sylvester(n1, n2, &D[0][0], 4, X)
    # W = [-X; I] (m x n2); Q = I
    for i in range(m):
        for j in range(m):
            Q[i][j] = 1.0 if i == j else 0.0
        for j in range(n2):
            if i < n1:
                W[i][j] = -X[i * n2 + j]
            else:
                W[i][j] = 1.0 if i - n1 == j else 0.0
    # Householder QR of W, Q = H_0 H_1 ... accumulated (GVL4 Alg. 5.2.1)
    for j in range(n2):
        for i in range(j, m):
            vec[i - j] = W[i][j]
        tau = house(m - j, &vec[0], &vec[1], 1)
        vec[0] = 1.0
        if tau == 0.0:
            continue
        for k in range(j, n2):                   # W[j:, k] <- H_j W[j:, k]
            acc = 0.0
            for i in range(j, m):
                acc += vec[i - j] * W[i][k]
            for i in range(j, m):
                W[i][k] -= tau * acc * vec[i - j]
        for i in range(m):                       # Q[:, j:] <- Q[:, j:] H_j
            acc = 0.0
            for k in range(j, m):
                acc += Q[i][k] * vec[k - j]
            for k in range(j, m):
                Q[i][k] -= tau * acc * vec[k - j]
    # W <- Q^T D Q
    for i in range(m):
        for j in range(m):
            acc = 0.0
            for k in range(m):
                acc += D[i][k] * Q[k][j]
            W[i][j] = acc               # W = D Q
    for i in range(m):
        for j in range(m):
            acc = 0.0
            for k in range(m):
                acc += Q[k][i] * W[k][j]
            D[i][j] = acc               # D = Q^T D Q
    for i in range(n2, m):
        for j in range(n2):
            if fabs(D[i][j]) > thresh:
                return False            # dlaexc: the swap would not be backward stable
    # apply Q: rows j1..j1+m-1 right of the block, columns above it, the block itself
    for j in range(j1 + m, n):
        for i in range(m):
            acc = 0.0
            for k in range(m):
                acc += Q[k][i] * T[(j1 + k) * ldt + j]
            tmp[i] = acc
        for i in range(m):
            T[(j1 + i) * ldt + j] = tmp[i]
    for i in range(j1):
        for j in range(m):
            acc = 0.0
            for k in range(m):
                acc += T[i * ldt + j1 + k] * Q[k][j]
            tmp[j] = acc
        for j in range(m):
            T[i * ldt + j1 + j] = tmp[j]
    for i in range(m):
        for j in range(m):
            T[(j1 + i) * ldt + j1 + j] = D[i][j]
    for i in range(n2, m):              # exactly block upper triangular
        for j in range(n2):
            T[(j1 + i) * ldt + j1 + j] = 0.0
    if ZT != NULL:
        for p in range(nz):
            for i in range(m):
                acc = 0.0
                for k in range(m):
                    acc += Q[k][i] * ZT[(j1 + k) * ldz + p]
                tmp[i] = acc
            for i in range(m):
                ZT[(j1 + i) * ldz + p] = tmp[i]
    # the new blocks: T22' at j1 (n2 rows), T11' at j1 + n2 (n1 rows); 2x2 ones in
    # standard form again (a real pair splits into two 1x1 blocks)
    if n2 == 2:
        _standardize_block(n, T, ldt, ZT, ldz, nz, j1, 0)
    if n1 == 2:
        _standardize_block(n, T, ldt, ZT, ldz, nz, j1 + n2, 0)
    return True


cdef bint _move_block_up(Py_ssize_t n, floating* T, Py_ssize_t ldt, floating* ZT,
                         Py_ssize_t ldz, Py_ssize_t ifst, int nbf,
                         Py_ssize_t ilst) noexcept nogil:
    """Move the diagonal block of order nbf starting at row ifst up to start at row ilst
    (a block boundary) by adjacent swaps (LAPACK dtrexc). Stops (False) at a refused swap,
    or when a moving 2x2 block splits into two real eigenvalues."""
    cdef Py_ssize_t here = ifst
    cdef int nbnext
    while here > ilst:
        nbnext = 1
        if here >= 2 and T[(here - 1) * ldt + here - 2] != 0.0:
            nbnext = 2
        if not _swap_blocks(n, T, ldt, ZT, ldz, n, here - nbnext, nbnext, nbf):
            return False
        here -= nbnext
        if nbf == 2 and T[(here + 1) * ldt + here] == 0.0:
            return False
    return True


# =================================================================================
# aggressive early deflation (LAPACK dlaqr3, [BBM02b])
# =================================================================================
cdef struct MSWork:
    # the workspace of one multishift QR call (all row-major, allocated by _eig_impl)
    # (untyped: float or double arrays, cast to floating* by the fused kernels)
    void* T           # nwork x nwork, leading dimension ldt: the deflation window
    void* VT          # nwork x nwork (ldt): its Schur vectors, transposed
    void* U           # nwork x nwork (ldt): a sweep's accumulated transformations
    void* G           # nwork x n (leading dimension n): GEMM results
    void* sr          # 3 nwork: shifts (real parts), candidates, scratch
    void* si          # 3 nwork: shifts (imaginary parts), candidates
    void* rwork       # 3 n: the double-shift QR's reflectors
    Py_ssize_t ldt
    Py_ssize_t nwork    # the largest window (deflation or sweep)


cdef Py_ssize_t _ms_nwork(Py_ssize_t n) noexcept nogil:
    """The largest window of _laqr0 for order n: the deflation window may grow to
    (n - 1) / 3 as in dlaqr0, a sweep's window is about 3 times its shifts."""
    return min(n, max(3 * _ms_num_shifts(n) + 6, (n - 1) // 3, 2 * _ms_window_size(n)))


cdef list _ms_workspace(Py_ssize_t n, MSWork* w, double* rwork):
    """Allocate the workspace of _laqr0 for order n (windows of up to nwork rows: the
    deflation window may grow to (n - 1) / 3 as in dlaqr0, a sweep's window is about
    3 times its shifts); returns the arrays, which must outlive the call."""
    cdef Py_ssize_t nwork = _ms_nwork(n)
    cdef Py_ssize_t ldt = _padded_ld(nwork)
    cdef double[:, ::1] T = np.zeros((nwork, ldt))
    cdef double[:, ::1] VT = np.zeros((nwork, ldt))
    cdef double[:, ::1] U = np.zeros((nwork, ldt))
    cdef double[::1] G = np.zeros(nwork * n)
    cdef double[::1] sr = np.zeros(3 * nwork)
    cdef double[::1] si = np.zeros(3 * nwork)
    w.T = &T[0, 0]
    w.VT = &VT[0, 0]
    w.U = &U[0, 0]
    w.G = &G[0]
    w.sr = &sr[0]
    w.si = &si[0]
    w.rwork = rwork
    w.ldt = ldt
    w.nwork = nwork
    return [T, VT, U, G, sr, si]


def _schur_py(A):
    """(T, Z) with A = Z T Z^T by the Hessenberg reduction and _laqr0 (no balancing),
    whatever the crossover. For tests of the real Schur form."""
    a = _work_copy(A, "schur")
    cdef Py_ssize_t n = a.shape[0], iters = 0, status
    if n < 3:
        raise ValueError("_schur_py: n >= 3 expected")
    cdef Py_ssize_t ldh = _padded_ld(n)
    Hfull = np.zeros((n, ldh))
    Hfull[:, :n] = a
    cdef double[:, ::1] H = Hfull
    cdef double[::1] tau = np.zeros(n)
    cdef double[::1] col = np.zeros(max(2 * n, NB))
    cdef double[::1] y = np.zeros(n)
    cdef double[:, ::1] PVT = np.zeros((NB, n))
    cdef double[:, ::1] PY = np.zeros((n, NB))
    cdef double[:, ::1] PT = np.zeros((NB, NB))
    cdef double[:, ::1] PW = np.zeros((NB, n))
    cdef double[::1] w1 = np.zeros(NB)
    cdef double[::1] w2 = np.zeros(NB)
    cdef double[:, ::1] R = np.zeros((n, n))
    cdef double[::1] wr = np.zeros(n)
    cdef double[::1] wi = np.zeros(n)
    cdef double[::1] rw = np.zeros(3 * n)
    Qa = np.empty((n, n))
    cdef double[:, ::1] Q = Qa
    cdef double[::1] OW = np.empty(org_work_size(n, n, NB))
    cdef MSWork msw
    with nogil:
        _gehrd(n, &H[0, 0], ldh, &tau[0], &R[0, 0], n, &PVT[0, 0], &PY[0, 0], &PT[0, 0],
               &PW[0, 0], &col[0], &y[0], &w1[0], &w2[0])
        orgtr(n, &R[0, 0], n, &tau[0], &Q[0, 0], n, NB, &OW[0])
    ZTa = np.ascontiguousarray(Qa.T)
    cdef double[:, ::1] ZT = ZTa
    _keep = _ms_workspace(n, &msw, &rw[0])
    with nogil:
        status = _laqr0(n, &H[0, 0], ldh, &ZT[0, 0], n, True, &wr[0], &wi[0], &iters, &msw)
    if status:
        raise LinAlgError("schur: multishift QR did not converge")
    return Hfull[:, :n].copy(), ZTa.T.copy(), np.asarray(wr) + 1j * np.asarray(wi)


def _swap_blocks_py(T, Py_ssize_t j1, int n1, int n2):
    """(T', Q, swapped): the blocks of orders n1, n2 at j1 of the real Schur form T
    swapped by _swap_blocks, with T' = Q^T T Q. For tests."""
    Ta = np.array(T, dtype=np.float64, order="C")
    cdef Py_ssize_t n = Ta.shape[0]
    if Ta.ndim != 2 or Ta.shape[1] != n or not (n1 in (1, 2) and n2 in (1, 2)
                                                and 0 <= j1 and j1 + n1 + n2 <= n):
        raise ValueError("_swap_blocks_py: bad block positions")
    QTa = np.eye(n)
    cdef double[:, ::1] Tv = Ta
    cdef double[:, ::1] QT = QTa
    cdef bint ok
    with nogil:
        ok = _swap_blocks(n, &Tv[0, 0], n, &QT[0, 0], n, n, j1, n1, n2)
    return Ta, QTa.T.copy(), bool(ok)


cdef void _copy_block(Py_ssize_t m, Py_ssize_t k, const floating* src, Py_ssize_t lds,
                      floating* dst, Py_ssize_t ldd) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(m):
        memcpy(dst + i * ldd, src + i * lds, k * sizeof(floating))


cdef void _apply_window(Py_ssize_t n, Py_ssize_t w0, Py_ssize_t kw,
                        const floating* UT, Py_ssize_t ldu,   # IN  kw x kw: U^T
                        floating* H, Py_ssize_t ldh,          # INOUT
                        floating* ZT, Py_ssize_t ldz,         # INOUT, or NULL
                        Py_ssize_t rtop, Py_ssize_t cend,     # IN rows rtop..w0-1 and
                                                              #    columns w0+kw..cend-1
                        floating* G) noexcept nogil:          # work kw x n, n x kw
    """The off-window part of a similarity by the kw x kw orthogonal U acting on rows
    and columns w0..w0+kw-1, given as U^T: three GEMMs ([BBM02a] Sec. 2.3)."""
    cdef Py_ssize_t c0 = w0 + kw
    if cend > c0:
        # H[W, c0:cend] <- U^T H[W, c0:cend]
        xgemm(False, False, kw, cend - c0, kw, 1.0, UT, ldu, H + w0 * ldh + c0, ldh, 0.0,
              G, n)
        _copy_block(kw, cend - c0, G, n, H + w0 * ldh + c0, ldh)
    if w0 > rtop:
        # H[rtop:w0, W] <- H[rtop:w0, W] U
        xgemm(False, True, w0 - rtop, kw, kw, 1.0, H + rtop * ldh + w0, ldh, UT, ldu, 0.0,
              G, kw)
        _copy_block(w0 - rtop, kw, G, kw, H + rtop * ldh + w0, ldh)
    if ZT != NULL:
        # Z^T[W, :] <- U^T Z^T[W, :]
        xgemm(False, False, kw, n, kw, 1.0, UT, ldu, ZT + w0 * ldz, ldz, 0.0, G, n)
        _copy_block(kw, n, G, n, ZT + w0 * ldz, ldz)


cdef Py_ssize_t _aed(Py_ssize_t n, Py_ssize_t ktop, Py_ssize_t kbot, Py_ssize_t nw,
                     floating* H, Py_ssize_t ldh,     # INOUT
                     floating* ZT, Py_ssize_t ldz,    # INOUT, or NULL
                     bint wantt,
                     MSWork* w,
                     Py_ssize_t* nshifts) noexcept nogil:  # OUT undeflated eigenvalues
    """Aggressive early deflation on the trailing nw x nw window of the active block
    ktop..kbot (LAPACK dlaqr3, [BBM02b]). Returns the number of deflated eigenvalues.

    1. The window H[kw:, kw:] = V T V^T (real Schur form, by the double-shift QR on a
       copy); the column left of it, s e1, becomes the spike s V^T e1 = s V[0, :]^T.
    2. From the bottom, each block of T whose spike entries are negligible
       (|s v| <= eps |lambda|) is deflated; an undeflatable one is moved to the top of
       the undeflated part by swaps (_move_block_up), so the next one down is tested.
    The undeflated eigenvalues are left in w.sr/w.si[0:nshifts].
    3. If anything deflated: the spike is reflected onto e1 and the undeflated part of T
       reduced to Hessenberg form again; T and V go back into H, V is applied to the rest
       of H and to Z by GEMM. The undeflated eigenvalues are returned as shifts."""
    cdef Py_ssize_t jw = min(nw, kbot - ktop + 1), kwtop = kbot - jw + 1
    cdef Py_ssize_t ldt = w.ldt, i, j, k, ns, ilst, it, ifst, rtop
    cdef floating* T = <floating*>w.T
    cdef floating* VT = <floating*>w.VT
    cdef floating eps = _lim(<floating>0, L_EPS)
    cdef floating safmin = _lim(<floating>0, L_SAFMIN)
    cdef floating s, foo, tau, beta, acc, smlnum = safmin * ((kbot - ktop + 1) / eps)
    cdef floating* v = <floating*>w.rwork  # reflector scratch (the QR's rwork is free)
    cdef floating* y = v + n
    cdef floating* wrw = v
    cdef floating* wsr = <floating*>w.sr
    cdef floating* wsi = <floating*>w.si
    cdef bint bulge
    s = 0.0 if kwtop == ktop else H[kwtop * ldh + kwtop - 1]
    if jw == 1:
        wsr[0] = H[kbot * ldh + kbot]
        wsi[0] = 0.0
        nshifts[0] = 1
        if fabs(s) <= max(smlnum, eps * fabs(H[kbot * ldh + kbot])):
            nshifts[0] = 0
            if kwtop > ktop:
                H[kwtop * ldh + kwtop - 1] = 0.0
            return 1
        return 0
    # 1. T = the window (upper Hessenberg), V = I; T = V^T H_w V by the double-shift QR
    for i in range(jw):
        memset(T + i * ldt, 0, jw * sizeof(floating))
        memset(VT + i * ldt, 0, jw * sizeof(floating))
        VT[i * ldt + i] = 1.0
        for j in range(max(i - 1, 0), jw):
            T[i * ldt + j] = H[(kwtop + i) * ldh + kwtop + j]
    if _hqr_window(jw, 0, jw - 1, T, ldt, VT, ldt, True, wsr, wsi, &it, wrw) != 0:
        # (no real matrix seen to need this: the window's QR hit its cap) no deflation,
        # the diagonal as shifts
        for i in range(jw):
            wsr[i] = H[(kwtop + i) * ldh + kwtop + i]
            wsi[i] = 0.0
        nshifts[0] = jw
        return 0
    # 2. deflation tests from the bottom; undeflatable blocks move up to ilst
    ns = jw
    ilst = 0
    while ilst < ns:
        bulge = ns > 1 and T[(ns - 1) * ldt + ns - 2] != 0.0
        if not bulge:
            foo = fabs(T[(ns - 1) * ldt + ns - 1])
            if foo == 0.0:
                foo = fabs(s)
            if fabs(s * VT[(ns - 1) * ldt]) <= max(smlnum, eps * foo):
                ns -= 1
            else:
                _move_block_up(jw, T, ldt, VT, ldt, ns - 1, 1, ilst)
                ilst += 1
        else:
            foo = (fabs(T[(ns - 1) * ldt + ns - 1])
                   + sqrt(fabs(T[(ns - 1) * ldt + ns - 2]))
                   * sqrt(fabs(T[(ns - 2) * ldt + ns - 1])))
            if foo == 0.0:
                foo = fabs(s)
            if (max(fabs(s * VT[(ns - 1) * ldt]), fabs(s * VT[(ns - 2) * ldt]))
                    <= max(smlnum, eps * foo)):
                ns -= 2
            else:
                _move_block_up(jw, T, ldt, VT, ldt, ns - 2, 2, ilst)
                ilst += 2
    if ns == 0:
        s = 0.0
    # the undeflated eigenvalues (T's blocks 0..ns-1) as shifts
    i = 0
    while i < ns:
        if i + 1 < ns and T[(i + 1) * ldt + i] != 0.0:
            wsr[i] = T[i * ldt + i]
            wsr[i + 1] = wsr[i]
            wsi[i] = sqrt(fabs(T[i * ldt + i + 1])) * sqrt(fabs(T[(i + 1) * ldt + i]))
            wsi[i + 1] = -wsi[i]
            i += 2
        else:
            wsr[i] = T[i * ldt + i]
            wsi[i] = 0.0
            i += 1
    nshifts[0] = ns
    if ns == jw and s != 0.0:
        return 0          # nothing deflated: H stays as it was (dlaqr3)
    # 3. the spike s V[0, 0:ns] back to a multiple of e1, T[0:ns, 0:ns] to Hessenberg
    # form; every reflector also on T's rows right of it and on V^T's rows
    if ns > 1 and s != 0.0:
        for k in range(-1, ns - 2):
            # k = -1: the spike (GVL4 Alg. 5.1.1); k >= 0: column k of T (dgehd2)
            for i in range(k + 1, ns):
                v[i] = s * VT[i * ldt] if k < 0 else T[i * ldt + k]
            tau = house(ns - k - 1, v + k + 1, v + k + 2, 1)
            beta = v[k + 1]
            v[k + 1] = 1.0
            if k >= 0:
                T[(k + 1) * ldt + k] = beta
                for i in range(k + 2, ns):
                    T[i * ldt + k] = 0.0
            if tau == 0.0:
                continue
            # rows k+1..ns-1 of T (columns k+1..jw-1) and of V^T: P x
            for j in range(k + 1, jw):
                y[j] = 0.0
            for i in range(k + 1, ns):
                for j in range(k + 1, jw):
                    y[j] += v[i] * T[i * ldt + j]
            for i in range(k + 1, ns):
                for j in range(k + 1, jw):
                    T[i * ldt + j] -= tau * v[i] * y[j]
            for j in range(jw):
                y[j] = 0.0
            for i in range(k + 1, ns):
                for j in range(jw):
                    y[j] += v[i] * VT[i * ldt + j]
            for i in range(k + 1, ns):
                for j in range(jw):
                    VT[i * ldt + j] -= tau * v[i] * y[j]
            # columns k+1..ns-1 of T (rows 0..ns-1): x P
            for i in range(ns):
                acc = 0.0
                for j in range(k + 1, ns):
                    acc += T[i * ldt + j] * v[j]
                acc *= tau
                for j in range(k + 1, ns):
                    T[i * ldt + j] -= acc * v[j]
    # T (zero below the subdiagonal) back into the window, the new spike left of it
    if kwtop > ktop:
        H[kwtop * ldh + kwtop - 1] = s * VT[0]
    for i in range(jw):
        for j in range(i - 1):
            T[i * ldt + j] = 0.0
        for j in range(max(i - 1, 0), jw):
            H[(kwtop + i) * ldh + kwtop + j] = T[i * ldt + j]
    # the rest of H and Z: H[rtop:kwtop, W] V, V^T H[W, kbot+1:], Z V (dlaqr3's GEMMs)
    rtop = 0 if wantt else ktop
    _apply_window(n, kwtop, jw, VT, ldt, H, ldh, ZT, ldz, rtop, n if wantt else kbot + 1,
                  <floating*>w.G)
    return jw - ns


# =================================================================================
# one multishift sweep: a chain of small bulges (LAPACK dlaqr5, [BBM02a])
# =================================================================================
cdef void _bulge_step(Py_ssize_t k, Py_ssize_t ktop, Py_ssize_t kbot, Py_ssize_t w0,
                      Py_ssize_t w1, floating sr1, floating si1, floating sr2, floating si2,
                      floating* H, Py_ssize_t ldh, floating* U, Py_ssize_t ldu) noexcept nogil:
    """Move one bulge a step: the reflector P on rows/columns k..k+2 (k..k+1 at the
    bottom) that introduces the bulge at k = ktop (from the first column of
    (H - s1 I)(H - s2 I), GVL4 Alg. 7.5.1) or pushes it from column k-1 down, applied
    inside the window w0..w1 only; U <- U P collects it for the rest (_apply_window)."""
    cdef Py_ssize_t nr = min(3, kbot - k + 1), i, j, ihi
    cdef floating x, y, z, s, h21, t, v1, v2
    cdef floating vec[3]
    if k == ktop:
        # (H - s1)(H - s2) e1 scaled against overflow (dlaqr1; H Hessenberg at the top)
        h21 = H[(k + 1) * ldh + k]
        s = fabs(H[k * ldh + k] - sr2) + fabs(si2) + fabs(h21)
        if s == 0.0:
            return
        h21 = h21 / s
        x = (h21 * H[k * ldh + k + 1] + (H[k * ldh + k] - sr1)
             * ((H[k * ldh + k] - sr2) / s) - si1 * (si2 / s))
        y = h21 * (H[k * ldh + k] + H[(k + 1) * ldh + k + 1] - sr1 - sr2)
        z = h21 * H[(k + 2) * ldh + k + 1] if nr == 3 else 0.0
    else:
        x = H[k * ldh + k - 1]
        y = H[(k + 1) * ldh + k - 1]
        z = H[(k + 2) * ldh + k - 1] if nr == 3 else 0.0
    vec[0] = x
    vec[1] = y
    vec[2] = z
    t = house(nr, &vec[0], &vec[1], 1)
    if k > ktop:
        H[k * ldh + k - 1] = vec[0]
        H[(k + 1) * ldh + k - 1] = 0.0
        if nr == 3:
            H[(k + 2) * ldh + k - 1] = 0.0
    if t == 0.0:
        return
    v1 = vec[1]
    v2 = vec[2] if nr == 3 else 0.0
    ihi = min(k + 3, kbot)
    # rows k..k+2 <- P rows (window columns k..w1)
    for j in range(k, w1 + 1):
        s = t * (H[k * ldh + j] + v1 * H[(k + 1) * ldh + j]
                 + (v2 * H[(k + 2) * ldh + j] if nr == 3 else 0.0))
        H[k * ldh + j] -= s
        H[(k + 1) * ldh + j] -= s * v1
        if nr == 3:
            H[(k + 2) * ldh + j] -= s * v2
    # columns k..k+2 <- columns P (window rows w0..k+3)
    for i in range(w0, ihi + 1):
        s = t * (H[i * ldh + k] + v1 * H[i * ldh + k + 1]
                 + (v2 * H[i * ldh + k + 2] if nr == 3 else 0.0))
        H[i * ldh + k] -= s
        H[i * ldh + k + 1] -= s * v1
        if nr == 3:
            H[i * ldh + k + 2] -= s * v2
    # U^T <- P U^T: rows k-w0.. of the transposed accumulator (contiguous)
    rot3_rows(w1 - w0 + 1, t, v1, v2, nr, U + (k - w0) * ldu, ldu)


cdef inline void rot3_rows(Py_ssize_t m, floating t, floating v1, floating v2, Py_ssize_t nr,
                           floating* R, Py_ssize_t ldr) noexcept nogil:
    """Rows 0..nr-1 of R (m columns) <- (I - t v v^T) R, v = [1, v1, v2][:nr]."""
    cdef Py_ssize_t j
    cdef floating s
    cdef floating* r0 = R
    cdef floating* r1 = R + ldr
    cdef floating* r2 = R + 2 * ldr
    if nr == 3:
        for j in range(m):
            s = t * (r0[j] + v1 * r1[j] + v2 * r2[j])
            r0[j] -= s
            r1[j] -= s * v1
            r2[j] -= s * v2
    else:
        for j in range(m):
            s = t * (r0[j] + v1 * r1[j])
            r0[j] -= s
            r1[j] -= s * v1


cdef void _ms_sweep(Py_ssize_t n, Py_ssize_t ktop, Py_ssize_t kbot, Py_ssize_t nshift,
                    const floating* sr, const floating* si,  # IN nshift shifts, in pairs
                    floating* H, Py_ssize_t ldh, floating* ZT, Py_ssize_t ldz, bint wantt,
                    MSWork* w) noexcept nogil:
    """One multishift QR sweep with nshift / 2 bulges chased together ([BBM02a],
    LAPACK dlaqr5), on the active block ktop..kbot (kbot - ktop >= 2).

    Bulge b (shifts 2b, 2b+1) is introduced 3 b steps after the first: at step s it sits
    at row k = ktop + s - 3 b, so neighbouring bulges are 3 rows apart and never share a
    row or column of their reflectors; each step moves the lower bulges first. The steps
    are taken in slabs of 3 nb (measured at n = 1024 against 2 nb and 4 nb: eig 0.885 s,
    0.914 s, 0.904 s; the deflation window at ns or 2 ns instead of dlaqr0's 3 ns / 2:
    0.881 s, 0.927 s, so iparmq's sizes stay): a slab touches the diagonal window w0..w1 only,
    whose transformations are accumulated in U (as U^T, rows updated); the rest of the
    rows and columns of H, and Z, are updated once per slab by GEMM (_apply_window).
    After a slab the subdiagonal entries the last bulge left behind are tested for
    deflation (dlaqr5's vigilant deflation check, with dlahqr's criterion)."""
    cdef Py_ssize_t nb = nshift // 2, ldu = w.ldt, last, s0, s1, w0, w1, kw, st, b, k, i
    cdef Py_ssize_t nstep = max(3 * nb, 6), kfin
    cdef Py_ssize_t rtop = 0 if wantt else ktop, cend = n if wantt else kbot + 1
    cdef floating eps = _lim(<floating>0, L_EPS)
    cdef floating safmin = _lim(<floating>0, L_SAFMIN)
    cdef floating smlnum = safmin * ((kbot - ktop + 1) / eps)
    cdef floating* U = <floating*>w.U
    # a slab's window spans at most nstep + 3 nb rows: keep it inside the workspace
    nstep = max(min(nstep, w.nwork - 3 * nb), 1)
    last = (kbot - 1 - ktop) + 3 * (nb - 1)      # the last bulge's last step
    s0 = 0
    while s0 <= last:
        s1 = min(s0 + nstep, last + 1)
        w0 = max(ktop, ktop + s0 - 3 * (nb - 1))
        w1 = min(kbot, ktop + s1 - 1 + 3)
        kw = w1 - w0 + 1
        for i in range(kw):
            memset(U + i * ldu, 0, kw * sizeof(floating))
            U[i * ldu + i] = 1.0
        for st in range(s0, s1):
            for b in range(nb):                      # lowest bulge first
                k = ktop + st - 3 * b
                if k < ktop:
                    break
                if k <= kbot - 1:
                    _bulge_step(k, ktop, kbot, w0, w1, sr[2 * b], si[2 * b],
                                sr[2 * b + 1], si[2 * b + 1], H, ldh, U, ldu)
        # vigilant deflation: the top bulge has passed rows < its position for good
        kfin = min(ktop + s1 - 1 - 3 * (nb - 1), kbot)
        for k in range(max(w0, ktop + 1), kfin + 1):
            if H[k * ldh + k - 1] != 0.0 and _negligible_subdiag(H, ldh, k, ktop, kbot,
                                                                 smlnum):
                H[k * ldh + k - 1] = 0.0
        _apply_window(n, w0, kw, U, ldu, H, ldh, ZT, ldz, rtop, cend, <floating*>w.G)
        s0 = s1


# =================================================================================
# the driver (LAPACK dlaqr0)
# =================================================================================
cdef Py_ssize_t _pick_shifts(Py_ssize_t ncand, const floating* cr, const floating* ci,
                             Py_ssize_t nwant, floating* sr, floating* si,
                             floating* real_work) noexcept nogil:  # work nwant
    """Up to nwant shifts from the last candidates (complex pairs adjacent, positive
    imaginary part first), arranged for the bulges: conjugate pairs together, real
    shifts in pairs (dlaqr0's shuffle). Returns the (even) number taken."""
    cdef Py_ssize_t i = ncand - 1, npair = 0, nreal = 0, out = 0
    # complex pairs go to the front of sr/si, real ones are gathered in real_work
    while i >= 0 and 2 * npair + nreal < nwant:
        if ci[i] != 0.0 and i > 0:
            if 2 * npair + nreal + 2 > nwant:
                break
            sr[2 * npair] = cr[i - 1]
            si[2 * npair] = ci[i - 1]
            sr[2 * npair + 1] = cr[i]
            si[2 * npair + 1] = ci[i]
            npair += 1
            i -= 2
        else:
            real_work[nreal] = cr[i]
            nreal += 1
            i -= 1
    nreal -= nreal % 2
    out = 2 * npair
    for i in range(nreal):
        sr[out + i] = real_work[i]
        si[out + i] = 0.0
    return out + nreal


cdef Py_ssize_t _laqr0(Py_ssize_t n,
                       floating* H, Py_ssize_t ldh,   # INOUT Hessenberg -> real Schur form
                                                      #       (the diagonal blocks only
                                                      #       when not wantt)
                       floating* ZT, Py_ssize_t ldz,  # INOUT Z^T, or NULL
                       bint wantt,
                       floating* wr, floating* wi,    # OUT n, n
                       Py_ssize_t* iters,             # OUT QR sweeps (both kinds)
                       MSWork* w) noexcept nogil:
    """Real Schur form by the small-bulge multishift QR algorithm with aggressive early
    deflation (LAPACK dlaqr0; [BBM02a], [BBM02b]; GVL4 Sec. 7.5.7). Each iteration:

    1. the active block ktop..kbot ends at the lowest zero subdiagonal entry above kbot;
       below MS_NMIN rows it is finished by the double-shift QR (_hqr_window);
    2. aggressive early deflation on its trailing window (_aed), which also yields the
       shifts: the window's undeflated eigenvalues;
    3. unless the deflation was large, a sweep with about _ms_num_shifts shifts
       (_ms_sweep): exceptional ones (dlaqr0's, from the subdiagonal) after every
       MS_KEXSH iterations without a deflation, and when AED gave too few, the
       eigenvalues of the trailing submatrix.
    Returns 0, or -1 at the cap (CAP_FACTOR max(n, 10) iterations)."""
    cdef Py_ssize_t maxit = CAP_FACTOR * max(n, 10), its = 0, total = 0, sub = 0
    cdef Py_ssize_t kbot = n - 1, ktop, k, nh, nw = 0, nwr, nsr, nwupbd, ld, ls, nsh
    cdef Py_ssize_t ndfl = 1, i, ks, ldt = w.ldt
    cdef floating ss, aa, bb, cc, dd, cs, sn, r1r, r1i, r2r, r2i
    cdef floating* wsr = <floating*>w.sr  # the workspace, typed
    cdef floating* wsi = <floating*>w.si
    cdef floating* wT = <floating*>w.T
    cdef floating* wrw = <floating*>w.rwork
    cdef floating* cand_r = wsr + w.nwork    # the shift candidates
    cdef floating* cand_i = wsi + w.nwork
    iters[0] = 0
    while kbot >= 0:
        # 1. the active block (dlaqr0: exact zeros, set by the deflation tests)
        k = kbot
        while k > 0 and H[k * ldh + k - 1] != 0.0:
            k -= 1
        ktop = k
        nh = kbot - ktop + 1
        if nh < MS_NMIN or nh < 6:
            if _hqr_window(n, ktop, kbot, H, ldh, ZT, ldz, wantt, wr, wi, &sub,
                           wrw) != 0:
                return -1
            total += sub
            iters[0] = total
            kbot = ktop - 1
            continue
        if its >= maxit:
            return -1
        its += 1
        # 2. the deflation window: recommended size, doubled while nothing deflates
        nwr = max(2, _ms_window_size(nh))
        nwupbd = min(nh, w.nwork)
        if ndfl < MS_KEXNW:
            nw = min(nwupbd, nwr)
        else:
            nw = min(nwupbd, 2 * nw)
        if nw < nh and nw >= nh - 1 and nh <= w.nwork:
            nw = nh           # (a window one row short of the block: take all of it)
        ld = _aed(n, ktop, kbot, nw, H, ldh, ZT, ldz, wantt, w, &ls)
        for i in range(ls):
            cand_r[i] = wsr[i]
            cand_i[i] = wsi[i]
        kbot -= ld
        ndfl = 1 if ld > 0 else ndfl + 1
        # dlaqr0: no sweep after a large deflation (unless the block stays large)
        if ld > 0 and (100 * ld > nw * MS_NIBBLE
                       or kbot - ktop + 1 <= min(MS_NMIN, w.nwork)):
            continue
        if kbot - ktop < 3:
            continue
        # 3. the shifts
        nsr = _ms_num_shifts(nh)
        nsh = min(nsr, kbot - ktop, w.nwork)
        nsh -= nsh % 2
        if nsh < 2:
            continue
        if ndfl % MS_KEXSH == 0:
            # exceptional shifts (dlaqr0): 2x2 blocks made of the subdiagonal's sizes
            nsh = 0
            i = kbot
            while i >= max(ktop + 2, kbot - _ms_num_shifts(nh) + 2) and nsh + 2 <= w.nwork:
                ss = fabs(H[i * ldh + i - 1]) + fabs(H[(i - 1) * ldh + i - 2])
                aa = MS_WILK1 * ss + H[i * ldh + i]
                bb = ss
                cc = MS_WILK2 * ss
                dd = aa
                _lanv2(&aa, &bb, &cc, &dd, &r1r, &r1i, &r2r, &r2i, &cs, &sn)
                wsr[nsh] = r1r
                wsi[nsh] = r1i
                wsr[nsh + 1] = r2r
                wsi[nsh + 1] = r2i
                nsh += 2
                i -= 2
            if nsh == 0:
                continue
        else:
            if ls < nsh // 2 or ls < 2:
                # too few from AED: the eigenvalues of the trailing nsh x nsh block
                ks = kbot - nsh + 1
                for i in range(nsh):
                    memset(wT + i * ldt, 0, nsh * sizeof(floating))
                    memcpy(wT + i * ldt + max(i - 1, 0),
                           H + (ks + i) * ldh + ks + max(i - 1, 0),
                           (nsh - max(i - 1, 0)) * sizeof(floating))
                if _hqr_window(nsh, 0, nsh - 1, wT, ldt, NULL, 0, False, cand_r, cand_i,
                               &sub, wrw) == 0:
                    ls = nsh
                else:
                    # (never seen) the trailing 2x2 block's eigenvalues
                    aa = H[(kbot - 1) * ldh + kbot - 1]
                    bb = H[(kbot - 1) * ldh + kbot]
                    cc = H[kbot * ldh + kbot - 1]
                    dd = H[kbot * ldh + kbot]
                    _lanv2(&aa, &bb, &cc, &dd, &cand_r[0], &cand_i[0], &cand_r[1],
                           &cand_i[1], &cs, &sn)
                    ls = 2
            nsh = _pick_shifts(ls, cand_r, cand_i, nsh, wsr, wsi, wsr + 2 * w.nwork)
            if nsh < 2:
                continue
            if nsh == 2 and wsi[0] == 0.0:
                # two real shifts: twice the one closer to h[kbot, kbot] (dlaqr0)
                if fabs(wsr[0] - H[kbot * ldh + kbot]) > fabs(wsr[1] - H[kbot * ldh + kbot]):
                    wsr[0] = wsr[1]
                else:
                    wsr[1] = wsr[0]
        _ms_sweep(n, ktop, kbot, nsh, wsr, wsi, H, ldh, ZT, ldz, wantt, w)
        total += 1
        iters[0] = total
    _schur_eigenvalues(n, H, ldh, wr, wi)
    return 0


cdef void _schur_eigenvalues(Py_ssize_t n, const floating* T, Py_ssize_t ldt,
                             floating* wr, floating* wi) noexcept nogil:
    """The eigenvalues of a real Schur form with standardised 2x2 blocks (dlanv2: equal
    diagonal, b c < 0): a +- i sqrt(|b|) sqrt(|c|)."""
    cdef Py_ssize_t i = 0
    while i < n:
        if i + 1 < n and T[(i + 1) * ldt + i] != 0.0:
            wr[i] = T[i * ldt + i]
            wr[i + 1] = T[(i + 1) * ldt + i + 1]
            wi[i] = sqrt(fabs(T[i * ldt + i + 1])) * sqrt(fabs(T[(i + 1) * ldt + i]))
            wi[i + 1] = -wi[i]
            i += 2
        else:
            wr[i] = T[i * ldt + i]
            wi[i] = 0.0
            i += 1

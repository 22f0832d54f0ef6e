# cython: language_level=3
"""_bdsdc.pyx: the SVD of an upper bidiagonal matrix, by divide and conquer (vectors) and by
bidiagonal QR (the leaves, and the singular values alone).

References
----------
[GE95]   M. Gu and S. C. Eisenstat, "A divide-and-conquer algorithm for the bidiagonal
         SVD", SIAM J. Matrix Anal. Appl. 16 (1995) 79-92: the splitting, deflation and
         the recomputation of z (Loewner's formula) that makes the vectors orthogonal.
[Li93]   R.-C. Li, "Solving secular equations stably and efficiently", LAPACK Working
         Note 89 (1993): the root finder (a two-pole rational model, "the middle way",
         with the origin at the nearer pole).
[JS94]   E. R. Jessup and D. C. Sorensen, "A parallel algorithm for computing the singular
         value decomposition of a matrix", SIAM J. Matrix Anal. Appl. 15 (1994) 530-548.
[DK90]   J. Demmel and W. Kahan, "Accurate singular values of bidiagonal matrices",
         SIAM J. Sci. Stat. Comput. 11 (1990) 873-912 (the zero-shift QR sweep).
[GVL4]   G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., 2013,
         Alg. 8.6.1/8.6.2 (the Golub-Kahan SVD step), Sec. 8.6.4 (divide and conquer).
[LAPACK] dbdsdc/dlasd0 (the recursion), dlasd1 (one merge), dlasd2 (deflation),
         dlasd3 (the vectors), dlasd4 (the secular equation), dlasdq/dbdsqr (leaves).

The divide step ([JS94], dlasd0). Remove row k of the n x (n + sqre) upper bidiagonal B
(sqre = 1: one extra column at the right, whose only entry is e[n - 1]):

    B = [ B1    0     ]    B1: k x (k + 1), rows 0..k-1, columns 0..k
        [ a e_k^T + b e_{k+1}^T ]   row k: a = d[k] in column k, b = e[k] in column k + 1
        [ 0     B2    ]    B2: (n - k - 1) x (n - k - 1 + sqre), columns k+1..

Both halves are again bidiagonal with at most one extra column, so the recursion solves
them alike: B1 = U1 [D1 0] V1^T, B2 = U2 [D2 (0)] V2^T. In their bases,

    diag(U1, 1, U2)^T B diag(V1, V2) = [ D1  0   0   0  ]
                                        [ z1  z0  z2  z0' ]    z1|z0 = a (last row of V1),
                                        [ 0   0   D2  0  ]    z2|z0' = b (first row of V2)

where z0 and z0' sit in the null columns of the halves. A rotation of those two columns
puts all of their weight in one (the other is the extra column of B, if any), and moving
the middle row to the top leaves the "broken arrow"

    M = [ z0 z1 ... z_{n-1} ]        d_0 = 0 < d_1 <= ... <= d_{n-1} after sorting,
        [     d_1           ]        M^T M = D^2 + z z^T.
        [          ...      ]
        [          d_{n-1}  ]

Deflation (dlasd2): a z_j below tol leaves d_j a singular value with unit vectors; two
d's within tol are separated by a rotation that zeroes one of their z's. The K singular
values s_i of what remains are the roots of the secular equation

    f(s) = 1 + sum_j z_j^2 / (d_j^2 - s^2) = 0,      d_i < s_i < d_{i+1},

solved in mu = s^2 - d_org^2 with the origin d_org the nearer pole, so that every
d_j^2 - s_i^2 = (d_j - d_org)(d_j + d_org) - mu is computed without cancellation [Li93].
The vectors are v_i = (zh_j / (d_j^2 - s_i^2))_j and u_i = (-1, d_j zh_j / (d_j^2 -
s_i^2))_j, normalised, with zh the z for which the computed s_i are exact (Loewner's
formula [GE95]): zh_j^2 = (s_{K-1}^2 - d_j^2) prod_{i<j} (s_i^2 - d_j^2) / (d_i^2 - d_j^2)
prod_{j<=i<K-1} (s_i^2 - d_j^2) / (d_{i+1}^2 - d_j^2). The new vectors are the old ones
times these K x K matrices: two GEMMs per side, one over the rows of each half, on only
the columns that are non-zero there (dlasd3's grouping).
"""
from libc.math cimport fabs, sqrt, copysign, hypot
from libc.stdlib cimport malloc, free
from libc.string cimport memset, memcpy

from rusty_machine.linalg.blas cimport xgemm, xnrm2
from rusty_machine.linalg._floating cimport (floating, DBL_EPSILON, DBL_MIN, FLT_EPSILON,
                                             FLT_MIN)
from rusty_machine.linalg._householder cimport rot_rows, rot_strided

# The per-dtype constants (eps, safe minimum: _floating.pxd's table) are picked in each
# kernel by `if floating is float:`, so every convergence and deflation test below is in
# the working type's own precision (LAPACK sbdsqr/slasd* beside dbdsqr/dlasd*).
# sweep cap of the bidiagonal QR: CAP_FACTOR * (n + 1); tests lower it to see the error
cdef Py_ssize_t CAP_FACTOR = 40
# largest subproblem solved by bidiagonal QR (LAPACK's SMLSIZ of dbdsdc)
cdef Py_ssize_t LEAF = 25


def _set_cap_factor(Py_ssize_t k):
    """Set the sweep-cap factor (the cap is k * (n + 1)); returns the previous one."""
    global CAP_FACTOR
    old = CAP_FACTOR
    CAP_FACTOR = k
    return old


def _set_leaf(Py_ssize_t k):
    """Set the leaf size of the divide and conquer (tests); returns the previous one."""
    global LEAF
    old = LEAF
    LEAF = max(k, 1)
    return old


cdef Py_ssize_t cap_factor() noexcept nogil:
    return CAP_FACTOR


# ---- the rotation kernel ----------------------------------------------------------
# The bidiagonal QR spends most of its time rotating pairs of rows of U^T and V^T.
# The sweeps are batched (SWEEP_BATCH at a time) and applied one column chunk at a
# time, so a chunk stays in cache across the batch (the idea of Van Zee, van de Geijn,
# Quintana-Orti, "Restructuring the tridiagonal and bidiagonal QR algorithms for
# performance", ACM TOMS 40 (2014)). The loop is C (csrc/rm_vec_impl.h,
# rm_svd_apply_sweeps), compiled per instruction set and chosen at load time by the same
# CPU dispatch as the GEMM kernels.
from rusty_machine.linalg._csrc cimport rm_svd_apply_sweeps, rm_ssvd_apply_sweeps

# (SWEEP_BATCH, the sweeps stored before they are applied, is in _bdsdc.pxd)
cdef Py_ssize_t CHUNK = 64    # columns of U^T / V^T per cache-resident chunk

cdef inline void lartg(floating f, floating g, floating* c, floating* s,
                       floating* r) noexcept nogil:
    """[c s; -s c] [f; g] = [r; 0] (GVL4 Alg. 5.1.3), r = sqrt(f^2 + g^2) >= 0.

    _householder.lartg's rotation, inlined here because the bidiagonal QR computes two
    per step and does little else: sqrt(f^2 + g^2) directly while the squares can
    neither overflow nor underflow (float64: 1e-280..1e280, float32: 1e-30..1e30),
    libm's (slower, scaled) hypot otherwise."""
    cdef floating h2 = f * f + g * g, h, inv, lo, hi
    if floating is float:
        lo, hi = 1e-30, 1e30
    else:
        lo, hi = 1e-280, 1e280
    if lo <= h2 <= hi:
        h = sqrt(h2)
    else:
        h = hypot(f, g)
    if h == 0.0:
        c[0] = 1.0
        s[0] = 0.0
        r[0] = 0.0
    else:
        inv = 1.0 / h
        c[0] = f * inv
        s[0] = g * inv
        r[0] = h


# =================================================================================
# bidiagonal QR (GVL4 Alg. 8.6.1/8.6.2, Demmel-Kahan zero shift, LAPACK dbdsqr)
# =================================================================================
cdef floating _smin2(floating f, floating g, floating h) noexcept nogil:
    """Smaller singular value of [f g; 0 h] without overflow or needless cancellation
    (the formula of LAPACK dlas2: s_min = |f h| / s_max with s_max from a hypot form)."""
    cdef floating fa = fabs(f), ga = fabs(g), ha = fabs(h)
    cdef floating fhmn = min(fa, ha), fhmx = max(fa, ha), a, t, u, c
    if fhmn == 0.0:
        return 0.0
    if ga < fhmx:
        a = 1.0 + fhmn / fhmx
        t = (fhmx - fhmn) / fhmx
        u = (ga / fhmx) * (ga / fhmx)
        c = 2.0 / (sqrt(a * a + u) + sqrt(t * t + u))
        return fhmn * c
    u = fhmx / ga
    if u == 0.0:
        return (fhmn * fhmx) / ga
    a = 1.0 + fhmn / fhmx
    t = (fhmx - fhmn) / fhmx
    c = 1.0 / (sqrt(1.0 + (a * u) * (a * u)) + sqrt(1.0 + (t * u) * (t * u)))
    return 2.0 * (fhmn * c) * u


cdef Py_ssize_t bdsqr(Py_ssize_t n,
                      floating* d, floating* e,       # INOUT n, n-1
                      floating* UT, Py_ssize_t ldu, Py_ssize_t ucols,  # INOUT rows, or NULL
                      floating* VT, Py_ssize_t ldv, Py_ssize_t vcols,  # INOUT rows, or NULL
                      floating* work) noexcept nogil:  # work (4 + 4 SWEEP_BATCH) n
    """B = U_B diag(s) V_B^T for upper bidiagonal B; U^T <- U_B^T U^T, V^T <- V_B^T V^T.

    Returns 0, or -1 when the sweep cap CAP_FACTOR * (n + 1) was reached. On exit d holds
    the singular values
    (unsorted, any sign: the caller fixes signs and order)."""
    cdef Py_ssize_t maxit = CAP_FACTOR * (n + 1), it = 0, hi, lo, i, j
    cdef floating bmax, sig, f, g, c, s, r, h, oc, os
    cdef floating* rc
    cdef floating* rs
    cdef floating* lc
    cdef floating* ls
    # batch of stored sweeps: rotations for V^T (rcb, rsb) and U^T (lcb, lsb)
    cdef floating* rcb = work
    cdef floating* rsb = work + SWEEP_BATCH * n
    cdef floating* lcb = work + 2 * SWEEP_BATCH * n
    cdef floating* lsb = work + 3 * SWEEP_BATCH * n
    cdef Py_ssize_t blo[SWEEP_BATCH]
    cdef Py_ssize_t bhi[SWEEP_BATCH]
    cdef Py_ssize_t nb = 0
    cdef bint zero_found
    cdef floating EPS, SAFMIN
    if floating is float:
        EPS, SAFMIN = FLT_EPSILON, FLT_MIN
    else:
        EPS, SAFMIN = DBL_EPSILON, DBL_MIN
    hi = n - 1
    while hi > 0:
        # GVL4 Alg. 8.6.2: negligible superdiagonal entries split the problem
        if fabs(e[hi - 1]) <= EPS * (fabs(d[hi - 1]) + fabs(d[hi])) or fabs(e[hi - 1]) <= SAFMIN:
            e[hi - 1] = 0.0
            hi -= 1
            continue
        lo = hi - 1
        while lo > 0:
            if (fabs(e[lo - 1]) <= EPS * (fabs(d[lo - 1]) + fabs(d[lo]))
                    or fabs(e[lo - 1]) <= SAFMIN):
                e[lo - 1] = 0.0
                break
            lo -= 1
        if it >= maxit:
            return -1
        it += 1
        bmax = 0.0
        for i in range(lo, hi + 1):
            bmax = max(bmax, fabs(d[i]))
            if i < hi:
                bmax = max(bmax, fabs(e[i]))
        # GVL4 Alg. 8.6.2: a negligible diagonal entry is set to zero and its row (or,
        # for the last one, its column) is cleared by a chase of rotations
        zero_found = False
        for i in range(lo, hi + 1):
            if fabs(d[i]) <= EPS * bmax:
                # the chase below rotates U^T / V^T at once: apply the stored sweeps first
                _flush(nb, blo, bhi, rcb, rsb, lcb, lsb, n, UT, ldu, ucols, VT, ldv, vcols)
                nb = 0
                d[i] = 0.0
                zero_found = True
                if i < hi:
                    # left rotations of rows (i, j), j = i+1..hi, zero the bulge f in row i
                    f = e[i]
                    e[i] = 0.0
                    for j in range(i + 1, hi + 1):
                        lartg(d[j], f, &c, &s, &r)
                        d[j] = r
                        # row_i' = c row_i - s row_j ; row_j' = s row_i + c row_j
                        if UT != NULL:
                            rot_rows(ucols, c, -s, UT + i * ldu, UT + j * ldu)
                        if j < hi:
                            f = -s * e[j]
                            e[j] = c * e[j]
                else:
                    # right rotations of columns (j, hi), j = hi-1..lo, clear column hi
                    f = e[hi - 1]
                    e[hi - 1] = 0.0
                    for j in range(hi - 1, lo - 1, -1):
                        lartg(d[j], f, &c, &s, &r)
                        d[j] = r
                        if VT != NULL:
                            rot_rows(vcols, c, s, VT + j * ldv, VT + hi * ldv)
                        if j > lo:
                            f = -s * e[j - 1]
                            e[j - 1] = c * e[j - 1]
                break
        if zero_found:
            continue
        # shift: smaller singular value of the trailing 2x2 (LAPACK dbdsqr); [DK90]: use
        # the zero shift when it is negligible against the top of the block
        # this sweep's rotations go to slot nb of the batch
        rc = rcb + nb * n
        rs = rsb + nb * n
        lc = lcb + nb * n
        ls = lsb + nb * n
        sig = _smin2(d[hi - 1], e[hi - 1], d[hi])
        if (sig / fabs(d[lo])) * (sig / fabs(d[lo])) < EPS:
            sig = 0.0
        if sig == 0.0:
            # [DK90] zero-shift QR sweep: no subtraction, so tiny singular values keep
            # their relative accuracy
            c = 1.0
            oc = 1.0
            os = 0.0
            for i in range(lo, hi):
                lartg(d[i] * c, e[i], &c, &s, &r)
                if i > lo:
                    e[i - 1] = os * r
                rc[i] = c
                rs[i] = s
                lartg(oc * r, d[i + 1] * s, &oc, &os, &d[i])
                lc[i] = oc
                ls[i] = os
            h = d[hi] * c
            d[hi] = h * oc
            e[hi - 1] = h * os
        else:
            # Golub-Kahan step with shift sig^2 (GVL4 Alg. 8.6.1), bulge chased down
            f = (fabs(d[lo]) - sig) * (copysign(1.0, d[lo]) + sig / d[lo])
            g = e[lo]
            for i in range(lo, hi):
                # right rotation of columns i, i+1
                lartg(f, g, &c, &s, &r)
                if i > lo:
                    e[i - 1] = r
                f = c * d[i] + s * e[i]
                e[i] = c * e[i] - s * d[i]
                g = s * d[i + 1]
                d[i + 1] = c * d[i + 1]
                rc[i] = c
                rs[i] = s
                # left rotation of rows i, i+1
                lartg(f, g, &c, &s, &r)
                d[i] = r
                f = c * e[i] + s * d[i + 1]
                d[i + 1] = c * d[i + 1] - s * e[i]
                if i < hi - 1:
                    g = s * e[i + 1]
                    e[i + 1] = c * e[i + 1]
                lc[i] = c
                ls[i] = s
            e[hi - 1] = f
        # accumulate: the rows of V^T combine like the columns of B, the rows of U^T
        # like the rows of B (stored; applied a batch at a time)
        blo[nb] = lo
        bhi[nb] = hi
        nb += 1
        if nb == SWEEP_BATCH:
            _flush(nb, blo, bhi, rcb, rsb, lcb, lsb, n, UT, ldu, ucols, VT, ldv, vcols)
            nb = 0
    _flush(nb, blo, bhi, rcb, rsb, lcb, lsb, n, UT, ldu, ucols, VT, ldv, vcols)
    return 0


cdef void _flush(Py_ssize_t nb, const Py_ssize_t* blo, const Py_ssize_t* bhi,
                 const floating* rcb, const floating* rsb, const floating* lcb,
                 const floating* lsb,
                 Py_ssize_t n,
                 floating* UT, Py_ssize_t ldu, Py_ssize_t ucols,   # INOUT or NULL
                 floating* VT, Py_ssize_t ldv, Py_ssize_t vcols) noexcept nogil:  # INOUT or NULL
    """Apply the nb stored sweeps to the rows of V^T and U^T, chunk by chunk."""
    if nb == 0:
        return
    if floating is float:
        if VT != NULL:
            rm_ssvd_apply_sweeps(nb, blo, bhi, rcb, rsb, n, VT, ldv, vcols, CHUNK)
        if UT != NULL:
            rm_ssvd_apply_sweeps(nb, blo, bhi, lcb, lsb, n, UT, ldu, ucols, CHUNK)
    else:
        if VT != NULL:
            rm_svd_apply_sweeps(nb, blo, bhi, rcb, rsb, n, VT, ldv, vcols, CHUNK)
        if UT != NULL:
            rm_svd_apply_sweeps(nb, blo, bhi, lcb, lsb, n, UT, ldu, ucols, CHUNK)


# =================================================================================
# divide and conquer ([GE95], LAPACK dbdsdc / dlasd0-dlasd4)
# =================================================================================
cdef int _leaf(Py_ssize_t n, Py_ssize_t sqre,
               floating* d, floating* e,      # INOUT n, n - 1 + sqre (destroyed)
               floating* U, Py_ssize_t ldu,   # OUT   n x n block, vectors as columns
               floating* V, Py_ssize_t ldv    # OUT   (n + sqre) x (n + sqre) block
               ) noexcept nogil:
    """A leaf of the recursion: B = U [diag(d) 0] V^T by bidiagonal QR (LAPACK dlasdq),
    d >= 0 ascending on exit, V's last column the null vector when sqre = 1.

    An extra column is first rotated away from the right, by the chase dbdsqr uses for a
    zero last diagonal entry (GVL4 Sec. 8.6.2), so the QR runs on an n x n matrix.
    Returns 0, -1 (sweep cap) or -2 (out of memory)."""
    cdef Py_ssize_t nc = n + sqre, i, j, jmin, status
    cdef floating f, c, s, r
    cdef floating* UT = <floating*>malloc((n * n + nc * nc + (4 + 4 * SWEEP_BATCH) * n)
                                          * sizeof(floating))
    cdef Py_ssize_t* order = <Py_ssize_t*>malloc(max(n, 1) * sizeof(Py_ssize_t))
    cdef floating* VT
    cdef floating* work
    if UT == NULL or order == NULL:
        free(UT)
        free(order)
        return -2
    VT = UT + n * n
    work = VT + nc * nc
    memset(UT, 0, (n * n + nc * nc) * sizeof(floating))
    for i in range(n):
        UT[i * n + i] = 1.0
    for i in range(nc):
        VT[i * nc + i] = 1.0
    if sqre:
        # right rotations of columns (j, n), j = n-1..0, clear the extra column (the
        # rows of V^T combine like the columns of B)
        f = e[n - 1]
        e[n - 1] = 0.0
        for j in range(n - 1, -1, -1):
            lartg(d[j], f, &c, &s, &r)
            d[j] = r
            rot_rows(nc, c, s, VT + j * nc, VT + n * nc)
            if j > 0:
                f = -s * e[j - 1]
                e[j - 1] = c * e[j - 1]
    status = bdsqr(n, d, e, UT, n, n, VT, nc, nc, work)
    if status == 0:
        # non-negative values (negate the row of V^T), then ascending order
        for i in range(n):
            order[i] = i
            if d[i] < 0.0:
                d[i] = -d[i]
                for j in range(nc):
                    VT[i * nc + j] = -VT[i * nc + j]
        for i in range(n - 1):
            jmin = i
            for j in range(i + 1, n):
                if d[j] < d[jmin]:
                    jmin = j
            f = d[i]
            d[i] = d[jmin]
            d[jmin] = f
            j = order[i]
            order[i] = order[jmin]
            order[jmin] = j
        # U = (U^T)^T, V = (V^T)^T, columns in the sorted order; V's row n (the null
        # vector, untouched by the QR) becomes its last column
        for i in range(n):
            for j in range(n):
                U[i * ldu + j] = UT[order[j] * n + i]
        for i in range(nc):
            for j in range(n):
                V[i * ldv + j] = VT[order[j] * nc + i]
            if sqre:
                V[i * ldv + n] = VT[n * nc + i]
    free(UT)
    free(order)
    return status


cdef inline floating _gap2(const floating* dk, Py_ssize_t j, Py_ssize_t o,
                           floating tau) noexcept nogil:
    """d_j^2 - s^2 for the root s^2 = d_o^2 + tau, without cancellation."""
    return (dk[j] - dk[o]) * (dk[j] + dk[o]) - tau


cdef floating _secular(Py_ssize_t K, Py_ssize_t i,
                       const floating* dk,  # IN K poles, 0 = dk[0] < dk[1] < ... (ascending)
                       const floating* zk,  # IN K weights, none zero
                       floating zsq,        # IN sum of zk^2
                       floating* delta,     # work K
                       Py_ssize_t* origin) noexcept nogil:   # OUT the pole tau is relative to
    """Root s_i of f(s) = 1 + sum_j z_j^2 / (d_j^2 - s^2) in (d_i, d_{i+1}) (the last in
    (d_{K-1}, sqrt(d_{K-1}^2 + |z|^2))), returned as tau = s_i^2 - d_o^2 with o = origin
    the nearer pole (decided by the sign of f at the midpoint in s^2, as dlasd4), so that
    d_j^2 - s_i^2 = (d_j - d_o)(d_j + d_o) - tau keeps its relative accuracy [Li93].

    In mu = s^2 - d_o^2 the equation is 1 + sum z_j^2 / (delta_j - mu) with
    delta_j = (d_j - d_o)(d_j + d_o), increasing between its poles. Each step fits it by
    the two-pole rational model of [Li93] (the poles beside the root, the constant and
    weights matching the values and slopes of the two partial sums: "the middle way"),
    whose root solves a quadratic; the steps stay inside a shrinking bracket (Newton
    when the model's root leaves it, bisection when Newton does too; at most 200)."""
    cdef Py_ssize_t j, org
    cdef floating a, b, tau, f, fp, t, q, absum, tn, mid
    cdef floating psi, dpsi, phi, dphi, c0, s1, s2, ql, qr, qa, qb, qc, disc, qq
    cdef floating EPS = FLT_EPSILON if floating is float else DBL_EPSILON
    if i < K - 1:
        mid = 0.5 * (dk[i + 1] - dk[i]) * (dk[i + 1] + dk[i])
        f = 1.0
        for j in range(K):
            f += zk[j] * zk[j] / ((dk[j] - dk[i]) * (dk[j] + dk[i]) - mid)
        if f >= 0.0:
            org = i
            a = 0.0
            b = mid
        else:
            org = i + 1
            a = -mid
            b = 0.0
    else:
        org = K - 1
        a = 0.0
        b = zsq
    origin[0] = org
    for j in range(K):
        delta[j] = (dk[j] - dk[org]) * (dk[j] + dk[org])
    tau = 0.5 * (a + b)
    for _ in range(200):
        # f = 1 + psi + phi: psi the poles j <= i (left of the root), phi the rest
        psi = 0.0
        dpsi = 0.0
        phi = 0.0
        dphi = 0.0
        absum = 1.0
        for j in range(i + 1):
            t = 1.0 / (delta[j] - tau)
            q = zk[j] * zk[j] * t
            psi += q
            dpsi += q * t
            absum += fabs(q)
        for j in range(i + 1, K):
            t = 1.0 / (delta[j] - tau)
            q = zk[j] * zk[j] * t
            phi += q
            dphi += q * t
            absum += fabs(q)
        f = 1.0 + psi + phi
        fp = dpsi + dphi
        if f == 0.0:
            break
        if f < 0.0:
            a = tau
        else:
            b = tau
        if fabs(f) <= 4.0 * EPS * absum or b - a <= 2.0 * EPS * max(fabs(a), fabs(b)):
            break
        # the two-pole model: psi ~ (psi - dpsi ql) + s1 / (delta_i - x), ql = delta_i -
        # tau, s1 = dpsi ql^2; phi likewise at delta_{i+1} (a constant for the last
        # root). In y = x - tau its root solves c0 y^2 - (c0 (ql + qr) + s1 + s2) y
        # + c0 ql qr + s1 qr + s2 ql = 0, taken in the form without cancellation
        tn = a - 1.0                     # "no model step"
        ql = delta[i] - tau
        s1 = dpsi * ql * ql
        if i < K - 1:
            qr = delta[i + 1] - tau
            s2 = dphi * qr * qr
            c0 = 1.0 + (psi - dpsi * ql) + (phi - dphi * qr)
            qa = c0
            qb = c0 * (ql + qr) + s1 + s2
            qc = c0 * ql * qr + s1 * qr + s2 * ql
            disc = qb * qb - 4.0 * qa * qc
            if disc >= 0.0:
                qq = 0.5 * (qb + copysign(sqrt(disc), qb))
                if qq != 0.0:
                    tn = tau + qc / qq
                    if qa != 0.0 and not (a < tn < b):
                        tn = tau + qq / qa
        else:
            c0 = 1.0 + (psi - dpsi * ql) + phi
            if c0 != 0.0:
                tn = tau + ql + s1 / c0
        if not (a < tn < b):
            tn = tau - f / fp
        if not (a < tn < b):
            tn = 0.5 * (a + b)
        if tn == tau:
            break
        tau = tn
    return tau


cdef inline Py_ssize_t _col(Py_ssize_t p, Py_ssize_t nl) noexcept nogil:
    """Block column of the arrow matrix's index p: 0 is the null column (nl), 1..nl the
    left half's columns 0..nl-1, the rest the right half's (their own numbers)."""
    if p == 0:
        return nl
    if p <= nl:
        return p - 1
    return p


cdef void _update(Py_ssize_t rows, Py_ssize_t K, Py_ssize_t nl,
                  const Py_ssize_t* kept,        # IN K arrow indices of the kept columns
                  const Py_ssize_t* typ,         # IN bit mask per arrow index
                  Py_ssize_t bit, Py_ssize_t first,   # IN which columns, from kc = first
                  const floating* X,             # IN K x K (row = kept index)
                  floating* Q, Py_ssize_t ldq,   # IN  rows x ... old vectors (columns)
                  floating* out, Py_ssize_t ldo,  # OUT rows x K (may alias nothing of Q
                                                 #     that is read)
                  floating* P, floating* XS,     # work rows x K, K x K
                  Py_ssize_t* cols) noexcept nogil:   # work K
    """out = Q[:, cols] @ X[sel, :] over the kept columns that are non-zero in these rows
    (those with `bit` set in their type): dlasd3's grouping, which halves the merge's
    GEMM flops (a column of one half is zero in the other half's rows)."""
    cdef Py_ssize_t kc, ns = 0, r, c
    cdef const floating* qr
    for kc in range(first, K):
        if typ[kept[kc]] & bit:
            memcpy(XS + ns * K, X + kc * K, K * sizeof(floating))
            cols[ns] = _col(kept[kc], nl)
            ns += 1
    # gather the columns row by row (contiguous reads within a row of Q)
    for r in range(rows):
        qr = Q + r * ldq
        for c in range(ns):
            P[r * K + c] = qr[cols[c]]
    if rows == 0:
        return
    if ns == 0:
        for r in range(rows):
            memset(out + r * ldo, 0, K * sizeof(floating))
        return
    # out = P @ XS
    xgemm(False, False, rows, K, ns, 1.0, P, K, XS, K, 0.0, out, ldo)


cdef int _merge(Py_ssize_t n, Py_ssize_t nl, Py_ssize_t sqre, floating alpha, floating beta,
                floating* d,                   # INOUT n: halves' values -> merged values
                floating* U, Py_ssize_t ldu,   # INOUT n x n block (middle column e_nl)
                floating* V, Py_ssize_t ldv    # INOUT (n + sqre) x (n + sqre) block
                ) noexcept nogil:
    """One merge (LAPACK dlasd1): the halves' SVDs in d[:nl], d[nl+1:] and the blocks of
    U, V become the SVD of the whole n x (n + sqre) block; alpha = d[nl], beta = e[nl]
    of the original matrix. On exit d is not sorted (the parent, or bdsdc, sorts).
    Returns 0, or -2 when memory ran out."""
    cdef Py_ssize_t nr = n - nl - 1, nc = n + sqre
    cdef Py_ssize_t i, j, p, q, K, nd, last, cp, cl
    cdef floating orgnrm, tol, zl, zr, hyp, c, s, zsq, prod, t, sq_lo, sq_hi
    cdef floating EPS = FLT_EPSILON if floating is float else DBL_EPSILON
    cdef floating* dw = <floating*>malloc(8 * n * sizeof(floating))
    cdef Py_ssize_t* iw = <Py_ssize_t*>malloc(7 * n * sizeof(Py_ssize_t))
    cdef floating* big = NULL
    cdef floating* X        # the arrow's left vectors (K x K), then
    cdef floating* Y        # its right vectors (K x K)
    cdef floating* P        # the new vector rows, and packed old columns
    cdef floating* XS       # the rows of X / Y that one GEMM uses
    cdef floating* DFL      # the deflated columns, set aside
    if dw == NULL or iw == NULL:
        free(dw)
        free(iw)
        return -2
    cdef floating* dd = dw            # arrow diagonal (scaled), by arrow index
    cdef floating* z = dw + n         # arrow first row (scaled), by arrow index
    cdef floating* dk = dw + 2 * n    # kept poles, ascending
    cdef floating* zk = dw + 3 * n    # their weights
    cdef floating* tau = dw + 4 * n   # roots as s_i^2 - dk[org_i]^2
    cdef floating* sig = dw + 5 * n   # the roots s_i
    cdef floating* zh = dw + 6 * n    # Loewner's z
    cdef floating* delta = dw + 7 * n  # work of the root finder
    cdef Py_ssize_t* perm = iw        # arrow indices 1..n-1 by ascending dd
    cdef Py_ssize_t* tyu = iw + n     # per arrow index: rows where its U column lives
    cdef Py_ssize_t* tyv = iw + 2 * n  # (bit 1: left half's rows, bit 2: right half's)
    cdef Py_ssize_t* kept = iw + 3 * n
    cdef Py_ssize_t* defl = iw + 4 * n
    cdef Py_ssize_t* org = iw + 5 * n
    # (1) scale to max |entry| = 1 (dlasd1), so the tolerances below are absolute
    orgnrm = max(fabs(alpha), fabs(beta))
    for j in range(n):
        if j != nl:
            orgnrm = max(orgnrm, fabs(d[j]))
    if orgnrm == 0.0:
        d[nl] = 0.0
        free(dw)
        free(iw)
        return 0
    alpha /= orgnrm
    beta /= orgnrm
    # (2) the arrow: z = alpha (last row of V1) | beta (first row of V2)
    for p in range(1, n):
        j = _col(p, nl)
        dd[p] = d[j] / orgnrm
        if p <= nl:
            z[p] = alpha * V[nl * ldv + j]
            tyu[p] = 1
        else:
            z[p] = beta * V[(nl + 1) * ldv + j]
            tyu[p] = 2
        tyv[p] = tyu[p]
    dd[0] = 0.0
    tyu[0] = 0
    tyv[0] = 1
    zl = alpha * V[nl * ldv + nl]
    z[0] = zl
    if sqre:
        # the two null columns: one rotation puts their z weight in column nl; the
        # other (column n) is the null vector of the whole block
        zr = beta * V[(nl + 1) * ldv + n]
        hyp = hypot(zl, zr)
        if hyp > 0.0:
            rot_strided(nc, zl / hyp, zr / hyp, V + nl, ldv, V + n, ldv)
        z[0] = hyp
        tyv[0] = 3
    # (3) sort the poles d_1..d_{n-1} ascending (insertion sort: the halves' runs)
    for q in range(n - 1):
        p = q + 1
        t = dd[p]
        i = q - 1
        while i >= 0 and dd[perm[i]] > t:
            perm[i + 1] = perm[i]
            i -= 1
        perm[i + 1] = p
    # (4) deflation (dlasd2), tol = 8 eps max|entry|
    tol = 8.0 * EPS
    if fabs(z[0]) <= tol:
        z[0] = copysign(tol, z[0])
    kept[0] = 0
    K = 1
    nd = 0
    last = 0
    for q in range(n - 1):
        p = perm[q]
        if fabs(z[p]) <= tol:
            # negligible z: d_p is a singular value, its vectors unchanged
            defl[nd] = p
            nd += 1
            continue
        if last == 0 and dd[p] <= tol:
            # d_p next to d_0 = 0: rotate V's columns (0, p) so that z_p becomes zero;
            # the entry s d_p <= tol this leaves below z_0 is dropped
            # (c >= 0, so that the value c d_p left in column p stays non-negative)
            hyp = hypot(z[0], z[p])
            c = fabs(z[0]) / hyp
            s = copysign(1.0, z[0]) * z[p] / hyp
            rot_strided(nc, c, s, V + nl, ldv, V + _col(p, nl), ldv)
            z[0] = copysign(hyp, z[0])
            z[p] = 0.0
            dd[p] *= c
            tyv[0] |= tyv[p]
            tyv[p] = tyv[0]
            defl[nd] = p
            nd += 1
            continue
        if last != 0 and dd[p] - dd[last] <= tol:
            # two close poles: rotate U's and V's columns (last, p) so that z_last
            # becomes zero (q_last <- c q_last + s q_p, q_p <- -s q_last + c q_p)
            hyp = hypot(z[last], z[p])
            c = z[p] / hyp
            s = -z[last] / hyp
            cl = _col(last, nl)
            cp = _col(p, nl)
            rot_strided(n, c, s, U + cl, ldu, U + cp, ldu)
            rot_strided(nc, c, s, V + cl, ldv, V + cp, ldv)
            z[p] = hyp
            z[last] = 0.0
            tyu[p] |= tyu[last]
            tyu[last] = tyu[p]
            tyv[p] |= tyv[last]
            tyv[last] = tyv[p]
            K -= 1
            defl[nd] = last
            nd += 1
        kept[K] = p
        K += 1
        last = p
    # (5) the secular equation, root by root (dlasd4)
    zsq = 0.0
    for i in range(K):
        dk[i] = dd[kept[i]]
        zk[i] = z[kept[i]]
        zsq += zk[i] * zk[i]
    for i in range(K):
        tau[i] = _secular(K, i, dk, zk, zsq, delta, &org[i])
        sig[i] = sqrt(dk[org[i]] * dk[org[i]] + tau[i])
    # (6) Loewner's formula [GE95]: the z whose arrow has exactly these singular values
    for j in range(K):
        prod = -_gap2(dk, j, org[K - 1], tau[K - 1])
        for i in range(j):
            prod *= -_gap2(dk, j, org[i], tau[i]) / ((dk[i] - dk[j]) * (dk[i] + dk[j]))
        for i in range(j, K - 1):
            prod *= (-_gap2(dk, j, org[i], tau[i])
                     / ((dk[i + 1] - dk[j]) * (dk[i + 1] + dk[j])))
        zh[j] = copysign(sqrt(fabs(prod)), zk[j])
    # (7) the arrow's vectors (dlasd3): X[:, i] = u_i, Y[:, i] = v_i, row = kept index
    big = <floating*>malloc((2 * K * K + 2 * nc * K + 2 * K * K + nc * max(nd, 1))
                            * sizeof(floating))
    if big == NULL:
        free(dw)
        free(iw)
        return -2
    X = big
    Y = big + K * K
    P = big + 2 * K * K
    XS = P + 2 * nc * K
    DFL = XS + 2 * K * K
    for i in range(K):
        X[i] = -1.0
        Y[i] = zh[0] / _gap2(dk, 0, org[i], tau[i])
        for j in range(1, K):
            t = zh[j] / _gap2(dk, j, org[i], tau[i])
            Y[j * K + i] = t
            X[j * K + i] = dk[j] * t
    # column norms, accumulated row by row (contiguous); a column whose sum of squares
    # over- or underflowed is measured again by the scaled dnrm2 (zk and delta are free
    # by now: they hold the reciprocal norms of X and Y)
    for i in range(K):
        zk[i] = 0.0
        delta[i] = 0.0
    for j in range(K):
        for i in range(K):
            zk[i] += X[j * K + i] * X[j * K + i]
            delta[i] += Y[j * K + i] * Y[j * K + i]
    # (the plain sums are trusted inside 1e-290..1e290, float32: 1e-35..1e35)
    if floating is float:
        sq_lo, sq_hi = 1e-35, 1e35
    else:
        sq_lo, sq_hi = 1e-290, 1e290
    for i in range(K):
        zk[i] = sqrt(zk[i]) if sq_lo < zk[i] < sq_hi else xnrm2(K, X + i, K)
        zk[i] = 1.0 / zk[i]
        delta[i] = sqrt(delta[i]) if sq_lo < delta[i] < sq_hi else xnrm2(K, Y + i, K)
        delta[i] = 1.0 / delta[i]
    for j in range(K):
        for i in range(K):
            X[j * K + i] *= zk[i]
            Y[j * K + i] *= delta[i]
    # (8) U: copy the deflated columns aside, then U[:, :K] = U_old[:, kept] X by rows
    # of the halves (the middle row of U_old is e_nl: its new row is X's first row)
    # (perm and org are free by now: perm holds column lists, org the deflated columns)
    for q in range(nd):
        org[q] = _col(defl[q], nl)
    for i in range(n):
        for q in range(nd):
            DFL[i * nd + q] = U[i * ldu + org[q]]
    _update(nl, K, nl, kept, tyu, 1, 1, X, U, ldu, P, K, P + nc * K, XS, perm)
    _update(nr, K, nl, kept, tyu, 2, 1, X, U + (nl + 1) * ldu, ldu, P + nl * K, K,
            P + nc * K, XS + K * K, perm)
    for i in range(nl):
        memcpy(U + i * ldu, P + i * K, K * sizeof(floating))
    memcpy(U + nl * ldu, X, K * sizeof(floating))
    for i in range(nr):
        memcpy(U + (nl + 1 + i) * ldu, P + (nl + i) * K, K * sizeof(floating))
    for i in range(n):
        memcpy(U + i * ldu + K, DFL + i * nd, nd * sizeof(floating))
    # (9) V likewise: rows 0..nl are the left half's, the rest the right half's
    for i in range(nc):
        for q in range(nd):
            DFL[i * nd + q] = V[i * ldv + org[q]]
    _update(nl + 1, K, nl, kept, tyv, 1, 0, Y, V, ldv, P, K, P + nc * K, XS, perm)
    _update(nc - nl - 1, K, nl, kept, tyv, 2, 0, Y, V + (nl + 1) * ldv, ldv,
            P + (nl + 1) * K, K, P + nc * K, XS + K * K, perm)
    for i in range(nc):
        memcpy(V + i * ldv, P + i * K, K * sizeof(floating))
    for i in range(nc):
        memcpy(V + i * ldv + K, DFL + i * nd, nd * sizeof(floating))
    # (10) the values, scaled back
    for i in range(K):
        d[i] = sig[i] * orgnrm
    for q in range(nd):
        d[K + q] = dd[defl[q]] * orgnrm
    free(big)
    free(dw)
    free(iw)
    return 0


cdef int _dc(Py_ssize_t n, Py_ssize_t sqre,
             floating* d, floating* e,        # INOUT n, n - 1 + sqre
             floating* U, Py_ssize_t ldu,     # OUT   n x n block (zero on entry)
             floating* V, Py_ssize_t ldv      # OUT   (n + sqre) x (n + sqre) (zero on entry)
             ) noexcept nogil:
    """The recursion of LAPACK dlasd0: split at row nl = n // 2 (the left half is
    nl x (nl + 1), the right (n - nl - 1) x (n - nl - 1 + sqre)), solve both, merge."""
    cdef Py_ssize_t nl, status
    cdef floating alpha, beta
    if n <= LEAF:
        return _leaf(n, sqre, d, e, U, ldu, V, ldv)
    nl = n // 2
    alpha = d[nl]
    beta = e[nl]
    status = _dc(nl, 1, d, e, U, ldu, V, ldv)
    if status:
        return status
    status = _dc(n - nl - 1, sqre, d + nl + 1, e + nl + 1,
                 U + (nl + 1) * ldu + nl + 1, ldu, V + (nl + 1) * ldv + nl + 1, ldv)
    if status:
        return status
    U[nl * ldu + nl] = 1.0
    return _merge(n, nl, sqre, alpha, beta, d, U, ldu, V, ldv)


cdef int bdsdc(Py_ssize_t n,
               floating* d, floating* e,      # INOUT n, n - 1: B's diagonals -> d = s
               floating* U, Py_ssize_t ldu,   # OUT   n x n, left vectors as columns
               floating* V, Py_ssize_t ldv    # OUT   n x n, right vectors as columns
               ) noexcept nogil:
    """B = U diag(s) V^T for the n x n upper bidiagonal B (LAPACK dbdsdc 'U', 'I'), s
    non-negative and descending. Returns 0, -1 (a leaf's QR reached its sweep cap) or
    -2 (out of memory)."""
    cdef Py_ssize_t i, j, jmax, status, start
    cdef floating t, orgnrm = 0.0
    cdef floating EPS = FLT_EPSILON if floating is float else DBL_EPSILON
    cdef Py_ssize_t* order
    cdef floating* row
    for i in range(n):
        memset(U + i * ldu, 0, n * sizeof(floating))
        memset(V + i * ldv, 0, n * sizeof(floating))
    for i in range(n):
        orgnrm = max(orgnrm, fabs(d[i]))
        if i < n - 1:
            orgnrm = max(orgnrm, fabs(e[i]))
    if orgnrm == 0.0:
        for i in range(n):
            U[i * ldu + i] = 1.0
            V[i * ldv + i] = 1.0
        return 0
    # scale to max |entry| = 1 and split where an e_i is below eps (dbdsdc): the pieces
    # are independent, and a tiny singular value of one is not mixed into a merge whose
    # tolerance is relative to the whole
    for i in range(n):
        d[i] /= orgnrm
        if i < n - 1:
            e[i] /= orgnrm
    start = 0
    for i in range(n):
        if i == n - 1 or fabs(e[i]) < EPS:
            status = _dc(i - start + 1, 0, d + start, e + start,
                         U + start * ldu + start, ldu, V + start * ldv + start, ldv)
            if status:
                return status
            start = i + 1
    for i in range(n):
        d[i] *= orgnrm
    # descending order, the columns permuted alike, one row at a time
    order = <Py_ssize_t*>malloc(n * sizeof(Py_ssize_t))
    row = <floating*>malloc(n * sizeof(floating))
    if order == NULL or row == NULL:
        free(order)
        free(row)
        return -2
    for i in range(n):
        order[i] = i
    for i in range(1, n):
        # insertion sort of the indices by descending d
        j = order[i]
        t = d[j]
        jmax = i - 1
        while jmax >= 0 and d[order[jmax]] < t:
            order[jmax + 1] = order[jmax]
            jmax -= 1
        order[jmax + 1] = j
    for i in range(n):
        row[i] = d[order[i]]
    memcpy(d, row, n * sizeof(floating))
    for i in range(n):
        for j in range(n):
            row[j] = U[i * ldu + order[j]]
        memcpy(U + i * ldu, row, n * sizeof(floating))
        for j in range(n):
            row[j] = V[i * ldv + order[j]]
        memcpy(V + i * ldv, row, n * sizeof(floating))
    free(order)
    free(row)
    return 0


# ---- test shells ------------------------------------------------------------------
def _bdsdc_run(floating[::1] dv, floating[::1] ev, floating[:, ::1] Um, floating[:, ::1] Vm):
    """bdsdc on the given arrays (in their dtype); returns its status."""
    cdef Py_ssize_t n = dv.shape[0]
    cdef int status = 0
    if n > 0:
        with nogil:
            status = bdsdc(n, &dv[0], &ev[0], &Um[0, 0], n, &Vm[0, 0], n)
    return status


def _bdsdc_py(d, e, dtype=None):
    """(U, s, V) of the upper bidiagonal matrix with diagonal d and superdiagonal e, by
    divide and conquer in dtype (float64 by default, or float32; tests)."""
    import numpy as np
    from rusty_machine.exceptions import LinAlgError
    dtype = np.dtype(np.float64 if dtype is None else dtype)
    dv = np.array(d, dtype=dtype)
    n = dv.shape[0]
    ev = np.zeros(max(n, 1), dtype=dtype)
    ev[:max(n - 1, 0)] = np.asarray(e, dtype=dtype)[:max(n - 1, 0)]
    Ua = np.zeros((n, n), dtype=dtype)
    Va = np.zeros((n, n), dtype=dtype)
    status = _bdsdc_run(dv, ev, Ua, Va)
    if status == -2:
        raise MemoryError("bdsdc: out of memory")
    if status:
        raise LinAlgError("bdsdc: bidiagonal QR did not converge")
    return Ua, dv, Va

# cython: language_level=3
"""_householder.pyx: the one home of every Householder reflector and plane rotation.

Every orthogonal transformation in rusty_machine.linalg is built here: QR (_qr.pyx), the
tridiagonal reduction of eigh (_eigh.pyx), the Hessenberg reduction and the Francis QR
of eig (_eig.pyx), and the bidiagonal reduction and bidiagonal QR of svd (_svd.pyx) all
cimport these kernels. _qr.pyx is the place that teaches the mathematics (sections 1-6
of its docstring); this file is the reference implementation it points to.

1. The reflector  [GVL4 Alg. 5.1.1; LAPACK dlarfg]
   H = I - tau v v^T with v_1 = 1 maps [alpha; x] to [beta; 0], beta = -sign(alpha)
   ||[alpha; x]||: the sign avoids cancellation in v_1 = alpha - beta. A tiny column is
   scaled up first (at most 20 times by 1 / safmin) and a huge one worked on scaled by
   2^-64, so that neither 1 / (alpha - beta) overflows nor v underflows. (`house`)
2. Blocks of reflectors, compact WY  [Schreiber & Van Loan 1989; GVL4 Sec. 5.1.7;
   LAPACK dlarft]
   H_0 ... H_{k-1} = I - V T V^T with T upper triangular:
       T[:j, j] = -tau_j T[:j, :j] (V[:, :j]^T v_j),   T[j, j] = tau_j,
   all the inner products V^T V by one GEMM first (Joffrain et al. 2006). (`larft`)
3. Applying a block  [LAPACK dlarfb]
   From the left, Q^T C = C - V (T^T (V^T C)); from the right, C Q = C - ((C V) T) V^T:
   three GEMMs either way. (`larfb`)
4. Forming Q  [LAPACK dorgqr, dorgtr, dorgbr; GVL4 Sec. 5.1.6, backward accumulation]
   Q = H_0 ... H_{k-1} I[:, :ncols], the last block of reflectors first: block j only
   touches Q[j:, j:], where the identity's columns to the left are still untouched.
   (`org_q`, and `orgtr` for the reflectors of a tridiagonal / Hessenberg / bidiagonal
   reduction, which act on rows 1.. and leave row and column 0 of Q alone.)
5. Plane rotations  [GVL4 Alg. 5.1.3 and Sec. 5.1.9; BLAS drot, LAPACK dlartg]
   [c s; -s c] [f; g] = [r; 0] with r = hypot(f, g). (`lartg`, `rot_rows`, `rot_strided`;
   the batched rotation sweeps of the bidiagonal QR and the 3-element reflectors of the
   Francis sweep run in C: csrc/, declared in blas.pxd.)

The storage convention: a block of k reflectors is V^T written out as the rows of a
k x r matrix VT (row p = v_p: zeros before p, a 1 at p, the vector after p). That is the
row-major way round: every kernel then reads contiguous rows. The factorisations keep
their reflectors packed where the zeros they created were (QR in the columns below R's
diagonal, the reductions in rows), and `gather_v` copies a block of them into VT, with
the unit diagonal and the zeros written out so that plain GEMMs can use it (LAPACK uses
dtrmm on the triangle instead; the k^2/2 extra flops per column are cheap).

References
----------
[GVL4]    G. H. Golub and C. F. Van Loan, Matrix Computations, 4th ed., 2013: Alg. 5.1.1
          (house), 5.1.3 (Givens), Sec. 5.1.6-5.1.7 (factored form, compact WY).
[SVL89]   R. Schreiber and C. Van Loan, "A storage-efficient WY representation for
          products of Householder transformations", SIAM J. Sci. Stat. Comput. 10(1), 1989.
[JLQVV06] T. Joffrain, T. M. Low, E. S. Quintana-Orti, R. van de Geijn, F. G. Van Zee,
          "Accumulating Householder transformations, revisited", ACM TOMS 32(2), 2006.
[LAPACK]  dlarfg, dlarft, dlarfb, dorgqr, dorgtr, dorgbr, dlartg; BLAS drot.
"""
import numpy as np

from libc.math cimport fabs, hypot, copysign

from rusty_machine.linalg.blas cimport xgemm, xnrm2, xscal
from rusty_machine.linalg._floating cimport (floating, FLT_MIN, FLT_EPSILON, DBL_MIN,
                                             DBL_EPSILON)

# dlarfg's thresholds (the rest of the table is _floating.pxd's): above BIG, alpha - beta
# could overflow and house() works on the column times 2^-64 (exact in both dtypes)
cdef double BIG_DOUBLE = 1e300
cdef float BIG_FLOAT = 1e36
cdef double TWO_M64 = 5.421010862427522e-20


cdef inline Py_ssize_t _imax(Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    return a if a > b else b


cdef inline Py_ssize_t _imin(Py_ssize_t a, Py_ssize_t b) noexcept nogil:
    return a if a < b else b


# =================================================================================
# 1. the reflector
# =================================================================================
cdef floating house(Py_ssize_t n,          # IN    length of the vector [alpha, x]
                    floating* alpha,       # INOUT x_1 in, beta out
                    floating* x,           # INOUT x_2..x_n in, v_2..v_n out (v_1 = 1)
                    Py_ssize_t incx        # IN    stride of x
                    ) noexcept nogil:
    """Householder vector (GVL4 Alg. 5.1.1 with LAPACK dlarfg's normalisation).

    Finds v (v_1 = 1) and tau with (I - tau v v^T) [alpha; x] = [beta; 0] and returns
    tau: 0 (H = I) when x is already zero, otherwise 1 <= tau <= 2."""
    cdef floating xnorm, beta, tau
    cdef floating safmin, big, two_m64 = TWO_M64
    cdef int knt = 0
    if n <= 1:
        return 0.0
    # dlarfg's thresholds, from the per-dtype table (_floating.pxd): below safmin =
    # sfmin / eps a column is scaled up; above big, alpha - beta could overflow
    if floating is float:
        safmin = FLT_MIN / FLT_EPSILON
        big = BIG_FLOAT
    else:
        safmin = DBL_MIN / DBL_EPSILON
        big = BIG_DOUBLE
    xnorm = xnrm2(n - 1, x, incx)
    if xnorm == 0.0:
        return 0.0
    # beta = -sign(alpha) ||[alpha; x]||: v_1 = alpha - beta has no cancellation
    beta = -copysign(hypot(alpha[0], xnorm), alpha[0])
    if fabs(beta) < safmin:
        # tiny column: scale it up (at most 20 times) so 1 / (alpha - beta) is safe
        while fabs(beta) < safmin and knt < 20:
            knt += 1
            xscal(n - 1, 1.0 / safmin, x, incx)
            beta /= safmin
            alpha[0] /= safmin
        xnorm = xnrm2(n - 1, x, incx)
        beta = -copysign(hypot(alpha[0], xnorm), alpha[0])
    if fabs(beta) > big:
        # huge column: alpha - beta may overflow, and 1 / (alpha - beta) be subnormal;
        # the same ratios on the column scaled by 2^-64 (exact) are safe
        tau = (beta * two_m64 - alpha[0] * two_m64) / (beta * two_m64)
        xscal(n - 1, two_m64, x, incx)
        xscal(n - 1, 1.0 / (alpha[0] * two_m64 - beta * two_m64), x, incx)
        alpha[0] = beta
        return tau
    tau = (beta - alpha[0]) / beta
    # v = x / (alpha - beta), so that v_1 = 1
    xscal(n - 1, 1.0 / (alpha[0] - beta), x, incx)
    for _ in range(knt):
        beta *= safmin
    alpha[0] = beta
    return tau


# =================================================================================
# 2. blocks of reflectors: gather into VT, the compact WY factor T
# =================================================================================
cdef void gather_v(Py_ssize_t k,           # IN   reflectors
                   Py_ssize_t r,           # IN   length of each (rows they act on)
                   const floating* src,    # IN   packed reflectors (entries below the unit)
                   Py_ssize_t inc_elem,    # IN   stride between entries of one reflector
                   Py_ssize_t inc_refl,    # IN   stride between reflectors
                   floating* VT,           # OUT  k x r explicit rows
                   Py_ssize_t ldv          # IN
                   ) noexcept nogil:
    """VT[p, :] = v_p written out: 0 before p, 1 at p, src[p*inc_refl + i*inc_elem] at
    i > p."""
    cdef Py_ssize_t p, i
    cdef floating* row
    cdef const floating* s
    for p in range(k):
        row = VT + p * ldv
        for i in range(_imin(p, r)):
            row[i] = 0.0
        if p < r:
            row[p] = 1.0
        s = src + p * inc_refl
        if inc_elem == 1:
            for i in range(p + 1, r):
                row[i] = s[i]
        else:
            for i in range(p + 1, r):
                row[i] = s[i * inc_elem]


cdef void larft(Py_ssize_t k,              # IN   number of reflectors
                Py_ssize_t r,              # IN   length of each reflector
                const floating* VT,        # IN   k x r explicit rows (gather_v)
                Py_ssize_t ldv,            # IN
                const floating* tau,       # IN   k scalars
                floating* T,               # OUT  k x k upper triangular (zeros below)
                Py_ssize_t ldt             # IN
                ) noexcept nogil:
    """T of the compact WY form H_0 ... H_{k-1} = I - V T V^T (LAPACK dlarft, forward;
    the recurrence of [SVL89], GVL4 Sec. 5.1.7).

    S = V^T V by one GEMM ([JLQVV06]), then for j = 0..k-1
        T[:j, j] = -tau_j T[:j, :j] S[:j, j],   T[j, j] = tau_j,
    where the triangular product runs in place over the column S[:j, j] (row p
    needs only entries p.. of that column, which are not overwritten yet)."""
    cdef Py_ssize_t i, p, c
    cdef floating s, t
    if k <= 0:
        return
    # T = VT @ VT.T    (the upper triangle is what is used)
    xgemm(0, 1, k, k, r, 1.0, VT, ldv, VT, ldv, 0.0, T, ldt)
    for i in range(k):
        t = tau[i]
        for p in range(i):
            s = 0.0
            for c in range(p, i):
                s += T[p * ldt + c] * T[c * ldt + i]
            T[p * ldt + i] = -t * s
        T[i * ldt + i] = t
        for c in range(i):
            T[i * ldt + c] = 0.0


# =================================================================================
# 3. applying a block reflector with GEMMs
# =================================================================================
cdef void larfb(bint left,                 # IN   op(Q) C (True) or C op(Q) (False)
                bint trans,                # IN   op(Q) = Q^T (True) or Q (False)
                Py_ssize_t r,              # IN   rows (left) / columns (right) of C = len(v)
                Py_ssize_t n,              # IN   the other dimension of C
                Py_ssize_t k,              # IN   reflectors
                const floating* VT,        # IN   k x r explicit rows
                Py_ssize_t ldv,            # IN
                const floating* T,         # IN   k x k upper triangular, zeros below
                Py_ssize_t ldt,            # IN
                floating* C,               # INOUT r x n (left) or n x r (right)
                Py_ssize_t ldc,            # IN
                floating* W,               # WORK k x n
                floating* W2               # WORK k x n
                ) noexcept nogil:
    """C <- op(Q) C or C op(Q) with Q = I - V T V^T (LAPACK dlarfb): three GEMMs."""
    if r <= 0 or n <= 0 or k <= 0:
        return
    if left:
        # W = V^T C
        xgemm(0, 0, k, n, r, 1.0, VT, ldv, C, ldc, 0.0, W, n)
        # W2 = T^T W (for Q^T = I - V T^T V^T)   or   W2 = T W (for Q)
        xgemm(trans, 0, k, n, k, 1.0, T, ldt, W, n, 0.0, W2, n)
        # C -= V W2
        xgemm(1, 0, r, n, k, -1.0, VT, ldv, W2, n, 1.0, C, ldc)
    else:
        # W = C V
        xgemm(0, 1, n, k, r, 1.0, C, ldc, VT, ldv, 0.0, W, k)
        # W2 = W T (for Q)   or   W2 = W T^T (for Q^T)
        xgemm(0, trans, n, k, k, 1.0, W, k, T, ldt, 0.0, W2, k)
        # C -= W2 V^T
        xgemm(0, 0, n, r, k, -1.0, W2, k, VT, ldv, 1.0, C, ldc)


# =================================================================================
# 4. forming Q by backward accumulation
# =================================================================================
cdef Py_ssize_t org_work_size(Py_ssize_t m, Py_ssize_t ncols, Py_ssize_t nb) noexcept nogil:
    # VT (nb x m), T (nb x nb), W and W2 (nb x max(ncols, nb))
    return nb * m + nb * nb + 2 * nb * _imax(ncols, nb) + 1


cdef void org_q(Py_ssize_t m,              # IN   rows of Q
                Py_ssize_t ncols,          # IN   columns of Q to form (k <= ncols <= m)
                Py_ssize_t k,              # IN   number of reflectors
                const floating* src,       # IN   packed reflectors, as gather_v reads them
                Py_ssize_t inc_elem,       # IN
                Py_ssize_t inc_refl,       # IN
                const floating* tau,       # IN   k scalars
                floating* Q,               # OUT  m x ncols
                Py_ssize_t ldq,            # IN
                Py_ssize_t nb,             # IN   reflectors per block
                floating* work             # WORK org_work_size(m, ncols, nb)
                ) noexcept nogil:
    """The first ncols columns of Q = H_0 ... H_{k-1} (LAPACK dorgqr; backward
    accumulation, GVL4 Sec. 5.1.6): Q[j:, j:] <- (I - V T V^T) Q[j:, j:] for the blocks
    of nb reflectors from the last to the first, each one gather_v + larft + larfb."""
    cdef Py_ssize_t i, c, j, jb, mr
    cdef floating* VT = work
    cdef floating* T = VT + nb * m
    cdef floating* W = T + nb * nb
    cdef floating* W2 = W + nb * _imax(ncols, nb)
    # Q = eye(m, ncols)
    for i in range(m):
        for c in range(ncols):
            Q[i * ldq + c] = 1.0 if i == c else 0.0
    if k <= 0:
        return
    j = ((k - 1) // nb) * nb
    while j >= 0:
        jb = _imin(nb, k - j)
        mr = m - j
        gather_v(jb, mr, src + j * inc_refl + j * inc_elem, inc_elem, inc_refl, VT, mr)
        larft(jb, mr, VT, mr, tau + j, T, jb)
        # Q[j:, j:] = (I - V T V^T) @ Q[j:, j:]
        larfb(1, 0, mr, ncols - j, jb, VT, mr, T, jb, Q + j * ldq + j, ldq, W, W2)
        j -= nb


cdef void orgtr(Py_ssize_t n,              # IN   order of Q
                const floating* S,           # IN   reflector k in row k: v_k[1:] in S[k, k+2:]
                Py_ssize_t lds,            # IN
                const floating* tau,         # IN   n - 1 scalars
                floating* Q,                 # OUT  n x n
                Py_ssize_t ldq,            # IN
                Py_ssize_t nb,             # IN   reflectors per block
                floating* work               # WORK org_work_size(n, n, nb)
                ) noexcept nogil:
    """Q = H_0 ... H_{n-2} for the reflectors a tridiagonal (dsytrd 'L'), Hessenberg
    (dgehrd) or bidiagonal (dgebrd, right side) reduction stores in rows: H_k acts on
    rows k+1.., so Q = diag(1, Q') with Q' formed by org_q (LAPACK dorgtr / dorghr /
    dorgbr)."""
    cdef Py_ssize_t i
    for i in range(n):
        Q[i] = 0.0
        Q[i * ldq] = 0.0
    Q[0] = 1.0
    if n <= 1:
        return
    # entry j > p of v'_p (local indices, shifted by one) is S[p * lds + 1 + j]
    org_q(n - 1, n - 1, n - 1, S + 1, 1, lds, tau, Q + ldq + 1, ldq, nb, work)


cdef void ormtr_left(Py_ssize_t n,        # IN   order of Q
                     const floating* S,      # IN   reflector k in row k: v_k[1:] in S[k, k+2:]
                     Py_ssize_t lds,       # IN
                     const floating* tau,    # IN   n - 1 scalars
                     floating* C,            # INOUT n x ncols, overwritten by Q C
                     Py_ssize_t ldc,       # IN
                     Py_ssize_t ncols,     # IN
                     Py_ssize_t nb,        # IN   reflectors per block
                     floating* work          # WORK org_work_size(n, ncols, nb)
                     ) noexcept nogil:
    """C <- Q C with Q = H_0 ... H_{n-2} stored in rows as orgtr reads them (LAPACK
    dormtr 'L', 'N' / dormhr): the blocks of nb reflectors from the last to the first,
    each gather_v + larft + larfb on the rows it touches. Cheaper than forming Q and
    multiplying (2 n^2 ncols flops against 4/3 n^3 + 2 n^2 ncols)."""
    cdef Py_ssize_t j, jb, mr, k = n - 1
    cdef floating* VT = work
    cdef floating* T = VT + nb * n
    cdef floating* W = T + nb * nb
    cdef floating* W2 = W + nb * _imax(ncols, nb)
    if k <= 0 or ncols <= 0:
        return
    j = ((k - 1) // nb) * nb
    while j >= 0:
        jb = _imin(nb, k - j)
        mr = k - j
        # reflector j + p acts on rows j + 1 + p.. of C; its entry i > p (local to row
        # j + 1) is S[(j + p) * lds + j + 1 + i]
        gather_v(jb, mr, S + j * lds + j + 1, 1, lds, VT, mr)
        larft(jb, mr, VT, mr, tau + j, T, jb)
        larfb(1, 0, mr, ncols, jb, VT, mr, T, jb, C + (j + 1) * ldc, ldc, W, W2)
        j -= nb


# =================================================================================
# 5. plane rotations
# =================================================================================
cdef void lartg(floating f, floating g, floating* c, floating* s, floating* r) noexcept nogil:
    """[c s; -s c] [f; g] = [r; 0] (GVL4 Alg. 5.1.3; r = hypot(f, g) >= 0). The float32
    instance takes the hypotenuse in double and rounds it once (no overflow either way)."""
    cdef floating h = <floating>hypot(<double>f, <double>g)
    if h == 0:
        c[0] = 1
        s[0] = 0
        r[0] = 0
    else:
        c[0] = f / h
        s[0] = g / h
        r[0] = h


cdef void rot_rows(Py_ssize_t n, floating c, floating s,
                   floating* x,              # INOUT row k
                   floating* y               # INOUT row k + 1
                   ) noexcept nogil:
    """[x; y] <- [c s; -s c] @ [x; y] (a Givens rotation of two contiguous rows)."""
    cdef Py_ssize_t j
    cdef floating a, b
    for j in range(n):
        a = x[j]
        b = y[j]
        x[j] = c * a + s * b
        y[j] = c * b - s * a


cdef void rot_strided(Py_ssize_t n, floating c, floating s, floating* x, Py_ssize_t incx,
                      floating* y, Py_ssize_t incy) noexcept nogil:
    """[x; y] <- [c s; -s c] [x; y] for strided vectors (BLAS drot)."""
    cdef Py_ssize_t j
    cdef floating a, b
    for j in range(n):
        a = x[j * incx]
        b = y[j * incy]
        x[j * incx] = c * a + s * b
        y[j * incy] = c * b - s * a


# =================================================================================
# test wrappers (tests/linalg/test_householder.py); production code never calls these
# =================================================================================
def house_py(x):
    """(beta, v, tau) for the vector x (float64, length >= 1): H x = beta e_1."""
    cdef double[::1] a = np.array(x, dtype=np.float64, copy=True).ravel()
    cdef Py_ssize_t n = a.shape[0]
    cdef double tau
    if n == 0:
        raise ValueError("house_py: x must not be empty")
    with nogil:
        tau = house(n, &a[0], &a[1] if n > 1 else &a[0], 1)
    v = np.asarray(a).copy()
    beta = v[0]
    v[0] = 1.0
    return beta, v, tau


def larft_py(VT, tau):
    """T for the k x r explicit reflector rows VT and the k scalars tau."""
    cdef double[:, ::1] V = np.ascontiguousarray(VT, dtype=np.float64)
    cdef double[::1] t = np.ascontiguousarray(tau, dtype=np.float64)
    cdef Py_ssize_t k = V.shape[0], r = V.shape[1]
    if t.shape[0] != k or k == 0 or r == 0:
        raise ValueError("larft_py: VT must be k x r (k, r >= 1) with k scalars in tau")
    Ta = np.empty((k, k))
    cdef double[:, ::1] T = Ta
    with nogil:
        larft(k, r, &V[0, 0], r, &t[0], &T[0, 0], k)
    return Ta


def larfb_py(VT, T, C, bint left=True, bint trans=False):
    """op(Q) C (left) or C op(Q) (right) for Q = I - V T V^T."""
    cdef double[:, ::1] V = np.ascontiguousarray(VT, dtype=np.float64)
    cdef double[:, ::1] Tm = np.ascontiguousarray(T, dtype=np.float64)
    Ca = np.array(C, dtype=np.float64, order="C", copy=True)
    cdef double[:, ::1] Cm = Ca
    cdef Py_ssize_t k = V.shape[0], r = V.shape[1]
    cdef Py_ssize_t n = Cm.shape[1] if left else Cm.shape[0]
    if Tm.shape[0] != k or Tm.shape[1] != k or (Cm.shape[0] if left else Cm.shape[1]) != r:
        raise ValueError("larfb_py: shapes do not match")
    if k == 0 or r == 0 or n == 0:
        return Ca
    cdef double[::1] W = np.empty(k * n)
    cdef double[::1] W2 = np.empty(k * n)
    with nogil:
        larfb(left, trans, r, n, k, &V[0, 0], r, &Tm[0, 0], k, &Cm[0, 0], Cm.shape[1],
              &W[0], &W2[0])
    return Ca


def org_q_py(A, tau, Py_ssize_t ncols, Py_ssize_t nb=32):
    """Q (m x ncols) from reflectors packed in the columns of A below its diagonal
    (QR's layout), k = len(tau)."""
    cdef double[:, ::1] Am = np.ascontiguousarray(A, dtype=np.float64)
    cdef double[::1] t = np.ascontiguousarray(tau, dtype=np.float64)
    cdef Py_ssize_t m = Am.shape[0], k = t.shape[0]
    if not (0 < k <= ncols <= m) or Am.shape[1] < k or nb < 1:
        raise ValueError("org_q_py: need 0 < len(tau) <= ncols <= rows of A, nb >= 1")
    Qa = np.empty((m, ncols))
    cdef double[:, ::1] Q = Qa
    cdef double[::1] work = np.empty(org_work_size(m, ncols, nb))
    with nogil:
        org_q(m, ncols, k, &Am[0, 0], Am.shape[1], 1, &t[0], &Q[0, 0], ncols, nb, &work[0])
    return Qa

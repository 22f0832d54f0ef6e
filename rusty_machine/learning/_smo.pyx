"""_smo.pyx: sequential minimal optimisation for the SVM duals, and the SVM kernels.

The solver minimises the dual of C-SVC and epsilon-SVR in one common form [2, Sec. 1]:

    min_a  1/2 a' Q a + p' a     s.t.  y' a = 0,  0 <= a_t <= C_t,

with Q_ts = y_t y_s K(x_r(t), x_r(s)) and y_t = +-1. C-SVC has one variable per sample
(p = -1, y the labels); epsilon-SVR has two per sample (t < n: y = +1, p = eps - z;
t >= n: y = -1, p = eps + z; both use sample t mod n) [3, Sec. 2.2-2.3].

Each iteration (the SMO of Platt [1], as organised in LIBSVM [3, Sec. 4]):

1. working set {i, j} by the second-order rule WSS 2 of Fan, Chen & Lin [2, Sec. 2]:
   i maximises -y_t G_t over I_up (first order), j minimises the decrease of the
   quadratic model -b_it^2 / a_it over I_low with -y_t G_t < -y_i G_i, where
   a_it = K_ii + K_tt - 2 K_it (tau > 0 when not positive) [2, eq. (12) / Alg. 2];
   stop when m(a) - M(a) < tol [2, eq. (9)] (the maximal violating pair's gap);
2. the two-variable subproblem solved analytically and clipped to the box
   [3, Sec. 4.1.2 / 6];
3. the gradient G = Q a + p updated with the two kernel rows involved, only on the
   active (not shrunk) variables; the same pass finds the next iteration's i (the
   passes are the C functions of csrc/rm_smo_scan.h, which says why they are shaped
   as they are).

Shrinking [3, Sec. 5.1; Joachims 1999]: every min(l, 1000) iterations the variables at
a bound whose gradient says they will stay there (be_shrunk of [3, Thm 5.1]) leave the
active set; when the gap first falls below 10 tol all are brought back ("unshrink") and
G rebuilt from G_bar = sum_{a_s = C_s} C_s Q_s, the part of the gradient from the
variables at the upper bound, which is kept up to date for this [3, Sec. 5.2].
As in LIBSVM the per-variable arrays are kept in "position" order, the active
variables first (perm[a] is the variable at position a), so the loops over the active
set read memory in order; the kernel rows stay indexed by sample.

Kernel rows live in an LRU cache holding as many rows K(x_r, .) (n_samples doubles
each) as fit in ``cache_size`` MB [3, Sec. 5.3]. A row's dot products x_r.x are one
dgemv (over a transposed copy of X: d long axpys), then the kernel's elementwise map
(for RBF exp(-gamma (||x_r||^2 - 2 x_r.x + ||x||^2)), the exponentials of a whole row
four lanes at a time by csrc/rm_vmath.h). While fewer than half of the variables are
active (RBF: an eighth, its vectorised map being cheap) only their samples are mapped
(LIBSVM's partial rows); such a row is tagged with the current "epoch" and stays valid
until the active set grows again (unshrinking), when it is recomputed on demand.

References
----------
[1] J. C. Platt, "Fast training of support vector machines using sequential minimal
    optimization", in Advances in Kernel Methods, MIT Press 1999.
[2] R.-E. Fan, P.-H. Chen & C.-J. Lin, "Working set selection using second order
    information for training support vector machines", JMLR 6 (2005) 1889-1918.
[3] C.-C. Chang & C.-J. Lin, "LIBSVM: a library for support vector machines",
    ACM TIST 2(3) 2011 (implementation document, Sec. 4-6): the algorithm studied, the
    code written from the papers.
[4] T. Joachims, "Making large-scale SVM learning practical", in Advances in Kernel
    Methods, MIT Press 1999 (shrinking).
"""
from libc.stdlib cimport malloc, free
from libc.math cimport exp, tanh, pow, INFINITY

import numpy as np

from rusty_machine.linalg.blas cimport dgemv, dgemm, ddot
from rusty_machine.linalg._csrc cimport rm_vexp


cdef extern from "rm_smo_scan.h" nogil:
    # the passes over the active variables, i-choice fused with the gradient update
    # (csrc/rm_smo_scan.h; statuses as signed char, chosen positions as ptrdiff_t)
    Py_ssize_t rm_smo_argmax_up(Py_ssize_t n, const double* y, const double* G,
                                const signed char* status, const signed char* up_excl,
                                double* gmax)
    Py_ssize_t rm_smo_update_argmax(Py_ssize_t n, const int* real, const double* y,
                                    const double* Ki, const double* Kj,
                                    double da_i, double da_j,
                                    const signed char* status,
                                    const signed char* up_excl,
                                    double* G, double* gmax)
    Py_ssize_t rm_smo_select_j(Py_ssize_t n, const int* real, const double* y,
                               const double* G, const double* QD,
                               const signed char* status, const signed char* low_excl,
                               const double* Ki, double QDi, double gmax_i, double tau,
                               double* gmax2)

cdef double TAU = 1e-12

# kernel kinds
cdef enum:
    K_LINEAR = 0
    K_POLY = 1
    K_RBF = 2
    K_SIGMOID = 3
    K_PRECOMPUTED = 4

# alpha status
cdef enum:
    LOWER = 0
    UPPER = 1
    FREE = 2

KERNEL_KINDS = {"linear": K_LINEAR, "poly": K_POLY, "rbf": K_RBF, "sigmoid": K_SIGMOID,
                "precomputed": K_PRECOMPUTED}


cdef inline double _rbf_exponent(double dot, double xi_sq, double xj_sq,
                                 double gamma) noexcept nogil:
    """-gamma ||x_i - x_j||^2 from x_i.x_j and the squared norms (the distance clamped
    at 0: rounding can take it a few ulps below)."""
    cdef double d2 = xi_sq + xj_sq - 2.0 * dot
    return -gamma * (d2 if d2 > 0.0 else 0.0)


cdef inline double _map(int kind, double dot, double xi_sq, double xj_sq,
                        double gamma, double coef0, int degree) noexcept nogil:
    """k(x_i, x_j) from the dot product x_i.x_j (and the squared norms for RBF)."""
    if kind == K_LINEAR:
        return dot
    if kind == K_RBF:
        return exp(_rbf_exponent(dot, xi_sq, xj_sq, gamma))
    if kind == K_POLY:
        return pow(gamma * dot + coef0, degree)
    return tanh(gamma * dot + coef0)


cdef class Solver:
    """SMO for min 1/2 a'Qa + p'a, y'a = 0, 0 <= a <= C (see the module docstring)."""
    cdef:
        # problem
        Py_ssize_t l, n_real, d
        const double* X
        const double* Xt             # X transposed (d, n_real): rows as long axpys
        const double* Kpre
        double* x_sq
        int kind, degree
        double gamma, coef0
        int* real
        double* y
        double* p
        double* C
        # state
        double* alpha
        double* G
        double* G_bar
        double* QD
        signed char* status
        signed char* up_excl         # the status that keeps t out of I_up (UPPER if y > 0)
        signed char* low_excl        # the status that keeps t out of I_low
        # the i of the next working set and its -y_i G_i, found by the gradient update's
        # pass (i_known) unless the active set changed since
        Py_ssize_t i_next
        double gmax_next
        bint i_known
        int* perm
        Py_ssize_t active_size
        bint unshrink
        # cache
        double** rows
        int* row_epoch               # epoch of a partial row; -1: the row is complete
        int epoch                    # bumped whenever the active set grows back
        int* stamp                   # SVR: samples already filled in this partial row
        int stamp_now
        int* prev
        int* next
        Py_ssize_t n_cached, capacity
        public long n_rows_computed   # kernel rows computed (cache misses)
        int head                     # sentinel index n_real in prev/next
        # keep the numpy buffers alive
        object _refs

    def __cinit__(self):
        self.rows = NULL
        self.row_epoch = NULL
        self.stamp = NULL
        self.stamp_now = 0
        self.epoch = 0
        self.prev = NULL
        self.next = NULL
        self.n_cached = 0
        self.n_rows_computed = 0

    def __dealloc__(self):
        cdef Py_ssize_t r
        if self.rows != NULL:
            for r in range(self.n_real):
                if self.rows[r] != NULL:
                    free(self.rows[r])
            free(self.rows)
        free(self.prev)
        free(self.next)
        free(self.row_epoch)
        free(self.stamp)

    def __init__(self, X, Kpre, real, y, p, C, int kind, double gamma, double coef0,
                 int degree, double cache_size):
        """Set up the problem. Shapes are checked here, before any kernel runs.

        Parameters
        ----------
        X : ndarray (n_real, d) float64 C-contiguous (ignored for precomputed)
        Kpre : ndarray (n_real, n_real) or None (precomputed kernel)
        real : int32 array (l,) sample of each variable, in [0, n_real)
        y : float64 (l,) +-1;  p : float64 (l,);  C : float64 (l,) > 0
        cache_size : float, MB of kernel rows to keep
        """
        cdef Py_ssize_t l = len(real), t
        X = np.ascontiguousarray(X, dtype=np.float64)
        if X.ndim != 2:
            raise ValueError("Solver: X must be 2-D")
        n_real = X.shape[0]
        if kind == K_PRECOMPUTED:
            Kpre = np.ascontiguousarray(Kpre, dtype=np.float64)
            if Kpre.ndim != 2 or Kpre.shape[0] != Kpre.shape[1]:
                raise ValueError("Solver: precomputed kernel must be square")
            n_real = Kpre.shape[0]
        elif kind < 0 or kind > 4:
            raise ValueError("Solver: unknown kernel kind %d" % kind)
        # private copies: the solver permutes them (active variables first)
        real = np.array(real, dtype=np.int32, order="C", copy=True)
        y = np.array(y, dtype=np.float64, order="C", copy=True)
        p = np.array(p, dtype=np.float64, order="C", copy=True)
        C = np.array(C, dtype=np.float64, order="C", copy=True)
        if not (y.shape[0] == p.shape[0] == C.shape[0] == l):
            raise ValueError("Solver: real, y, p and C must have the same length")
        if l == 0 or n_real == 0:
            raise ValueError("Solver: empty problem")
        if (real < 0).any() or (real >= n_real).any():
            raise ValueError("Solver: variable index out of range")
        if not ((y == 1) | (y == -1)).all():
            raise ValueError("Solver: y must be +-1")
        if not (C > 0).all() or not np.isfinite(C).all() or not np.isfinite(p).all():
            raise ValueError("Solver: C must be finite and > 0, p finite")
        self.l = l
        self.n_real = n_real
        self.d = X.shape[1]
        self.kind = kind
        self.gamma = gamma
        self.coef0 = coef0
        self.degree = degree
        x_sq = (X * X).sum(axis=1) if kind != K_PRECOMPUTED else np.zeros(n_real)
        alpha = np.zeros(l)
        G = p.copy()                       # a = 0: G = Q a + p = p
        G_bar = np.zeros(l)
        QD = np.empty(l)
        status = np.zeros(l, dtype=np.int8)
        up_excl = np.where(y > 0, UPPER, LOWER).astype(np.int8)
        low_excl = np.where(y > 0, LOWER, UPPER).astype(np.int8)
        perm = np.arange(l, dtype=np.int32)
        Xt = np.ascontiguousarray(X.T)
        self._refs = [X, Kpre, real, y, p, C, x_sq, alpha, G, G_bar, QD, status, perm,
                      up_excl, low_excl, Xt]
        cdef const double[:, ::1] Xv = X
        cdef double[::1] v
        self.X = &Xv[0, 0] if X.shape[0] > 0 and X.shape[1] > 0 else NULL
        cdef const double[:, ::1] Xtv = Xt
        self.Xt = &Xtv[0, 0] if X.shape[0] > 0 and X.shape[1] > 0 else NULL
        cdef const double[:, ::1] Kv
        self.Kpre = NULL
        if kind == K_PRECOMPUTED:
            Kv = Kpre
            self.Kpre = &Kv[0, 0]
        v = x_sq
        self.x_sq = &v[0]
        cdef int[::1] iv = real
        self.real = &iv[0]
        v = y
        self.y = &v[0]
        v = p
        self.p = &v[0]
        v = C
        self.C = &v[0]
        v = alpha
        self.alpha = &v[0]
        v = G
        self.G = &v[0]
        v = G_bar
        self.G_bar = &v[0]
        v = QD
        self.QD = &v[0]
        cdef signed char[::1] sv = status
        self.status = &sv[0]
        sv = up_excl
        self.up_excl = &sv[0]
        sv = low_excl
        self.low_excl = &sv[0]
        iv = perm
        self.perm = &iv[0]
        self.active_size = l
        self.unshrink = False
        self.i_known = False
        # the cache: [3, Sec. 5.3], whole rows of n_real doubles, LRU order
        self.capacity = max(2, <Py_ssize_t> (cache_size * 1048576.0 / (8.0 * self.n_real)))
        self.capacity = min(self.capacity, self.n_real)
        self.rows = <double**> malloc(n_real * sizeof(double*))
        self.row_epoch = <int*> malloc(n_real * sizeof(int))
        self.stamp = <int*> malloc(n_real * sizeof(int))
        self.prev = <int*> malloc((n_real + 1) * sizeof(int))
        self.next = <int*> malloc((n_real + 1) * sizeof(int))
        if self.rows == NULL or self.prev == NULL or self.next == NULL or \
                self.row_epoch == NULL or self.stamp == NULL:
            raise MemoryError("SVM kernel cache")
        for t in range(n_real):
            self.rows[t] = NULL
            self.stamp[t] = 0
        self.head = <int> n_real
        self.prev[self.head] = self.head
        self.next[self.head] = self.head
        # QD_t = K(x_r(t), x_r(t))
        cdef double xx
        cdef int r
        for t in range(l):
            r = self.real[t]
            if kind == K_PRECOMPUTED:
                self.QD[t] = self.Kpre[r * n_real + r]
            else:
                xx = self.x_sq[r]
                self.QD[t] = _map(kind, xx, xx, xx, gamma, coef0, degree)
        if not np.isfinite(QD).all():
            raise ValueError("the kernel overflows on this data (k(x, x) is not finite): "
                             "reduce gamma, coef0 or degree, or scale the data")

    # ---- kernel row cache ------------------------------------------------------------
    cdef inline void _unlink(self, int r) noexcept nogil:
        self.next[self.prev[r]] = self.next[r]
        self.prev[self.next[r]] = self.prev[r]

    cdef inline void _push_front(self, int r) noexcept nogil:
        self.next[r] = self.next[self.head]
        self.prev[r] = self.head
        self.prev[self.next[self.head]] = r
        self.next[self.head] = r

    cdef const double* row(self, int r, bint full) noexcept nogil:
        """K(x_r, x_s) from the cache, else computed (evicting the least recently used
        row when the cache is full). ``full``: for every sample s; otherwise only the
        samples of the active variables are guaranteed (LIBSVM's partial rows [3, Sec.
        5.3]: a row computed for an active set stays valid while the set only shrinks,
        i.e. within one epoch)."""
        cdef double* buf
        cdef int victim
        cdef Py_ssize_t a, s
        cdef double xr
        if self.kind == K_PRECOMPUTED:
            return self.Kpre + r * self.n_real
        buf = self.rows[r]
        if buf != NULL:
            self._unlink(r)
            self._push_front(r)
            if self.row_epoch[r] == -1 or (not full and self.row_epoch[r] == self.epoch):
                return buf
        else:
            if self.n_cached < self.capacity:
                buf = <double*> malloc(self.n_real * sizeof(double))
                if buf == NULL:
                    self.capacity = self.n_cached        # out of memory: stop growing
            if buf == NULL:
                victim = self.prev[self.head]           # least recently used
                self._unlink(victim)
                buf = self.rows[victim]
                self.rows[victim] = NULL
            else:
                self.n_cached += 1
            self.rows[r] = buf
            self._push_front(r)
        self.n_rows_computed += 1
        xr = self.x_sq[r]
        # at least half of the variables active (RBF: an eighth, where the dgemv below
        # is used anyway and the vectorised exp of the whole row costs about what the
        # partial map would): the whole row costs about the same and stays valid after
        # an unshrink
        if full or 2 * self.active_size >= self.l or \
                (self.kind == K_RBF and 8 * self.active_size >= self.l):
            # buf = Xt.T @ x_r = X @ x_r  (all the dot products of row r in one dgemv,
            # as d long axpys over the transposed data)
            dgemv(True, self.d, self.n_real, 1.0, self.Xt, self.n_real,
                  self.X + r * self.d, 1, 0.0, buf, 1)
            if self.kind == K_RBF:
                # the exponents, then exp over the whole row four lanes at a time
                # (csrc/rm_vmath.h, within 2 ulp of libm's)
                for s in range(self.n_real):
                    buf[s] = _rbf_exponent(buf[s], xr, self.x_sq[s], self.gamma)
                rm_vexp(self.n_real, buf, buf)
            elif self.kind != K_LINEAR:
                for s in range(self.n_real):
                    buf[s] = _map(self.kind, buf[s], xr, self.x_sq[s], self.gamma,
                                  self.coef0, self.degree)
            full = True
        else:
            # only the samples of active variables get the kernel map (each once: in
            # SVR two variables share a sample); the dot products come from one dgemv
            # unless few variables are active (then one ddot each)
            self.stamp_now += 1
            if 8 * self.active_size >= self.l:
                dgemv(True, self.d, self.n_real, 1.0, self.Xt, self.n_real,
                      self.X + r * self.d, 1, 0.0, buf, 1)
                for a in range(self.active_size):
                    s = self.real[a]
                    if self.stamp[s] == self.stamp_now:
                        continue
                    self.stamp[s] = self.stamp_now
                    buf[s] = _map(self.kind, buf[s], xr, self.x_sq[s], self.gamma,
                                  self.coef0, self.degree)
            else:
                for a in range(self.active_size):
                    s = self.real[a]
                    if self.stamp[s] == self.stamp_now:
                        continue
                    self.stamp[s] = self.stamp_now
                    buf[s] = _map(self.kind, ddot(self.d, self.X + r * self.d, 1,
                                                  self.X + s * self.d, 1),
                                  xr, self.x_sq[s], self.gamma, self.coef0, self.degree)
        self.row_epoch[r] = -1 if full else self.epoch
        return buf

    # ---- helpers -------------------------------------------------------------------------
    cdef void _swap(self, Py_ssize_t a, Py_ssize_t b) noexcept nogil:
        """Exchange the variables at positions a and b (LIBSVM's swap_index [3, Sec.
        5.1]): the active ones stay first and the hot loops read memory in order."""
        self.y[a], self.y[b] = self.y[b], self.y[a]
        self.p[a], self.p[b] = self.p[b], self.p[a]
        self.C[a], self.C[b] = self.C[b], self.C[a]
        self.alpha[a], self.alpha[b] = self.alpha[b], self.alpha[a]
        self.G[a], self.G[b] = self.G[b], self.G[a]
        self.G_bar[a], self.G_bar[b] = self.G_bar[b], self.G_bar[a]
        self.QD[a], self.QD[b] = self.QD[b], self.QD[a]
        self.status[a], self.status[b] = self.status[b], self.status[a]
        self.up_excl[a], self.up_excl[b] = self.up_excl[b], self.up_excl[a]
        self.low_excl[a], self.low_excl[b] = self.low_excl[b], self.low_excl[a]
        self.real[a], self.real[b] = self.real[b], self.real[a]
        self.perm[a], self.perm[b] = self.perm[b], self.perm[a]

    cdef inline void _update_status(self, int t) noexcept nogil:
        if self.alpha[t] >= self.C[t]:
            self.status[t] = UPPER
        elif self.alpha[t] <= 0.0:
            self.status[t] = LOWER
        else:
            self.status[t] = FREE

    cdef int _select(self, double tol, int* out_i, int* out_j) noexcept nogil:
        """WSS 2 of [2] (LIBSVM's select_working_set); 1 when optimal within tol.

        With v_t = -y_t G_t: I_up = {t : a_t can move up along y_t} (status != up_excl),
        I_low likewise; i = argmax v over I_up, j = argmax b^2 / a over I_low with
        b = v_i - v_t > 0, compared as cross products (no division per candidate). The
        passes are those of csrc/rm_smo_scan.h; i usually comes from the gradient
        update of the previous iteration (i_known), which this call uses up."""
        cdef double Gmax, Gmax2
        cdef Py_ssize_t i, j
        # i = argmax { -y_t G_t : t in I_up }   [2, eq. (9)]
        if self.i_known:
            i, Gmax = self.i_next, self.gmax_next
        else:
            i = rm_smo_argmax_up(self.active_size, self.y, self.G, self.status,
                                 self.up_excl, &Gmax)
        self.i_known = False
        if i == -1:
            return 1
        # j = argmin { -b_it^2 / a_it : t in I_low, -y_t G_t < -y_i G_i }   [2, Alg. 2]
        j = rm_smo_select_j(self.active_size, self.real, self.y, self.G, self.QD,
                            self.status, self.low_excl, self.row(self.real[i], False),
                            self.QD[i], Gmax, TAU, &Gmax2)
        # stopping rule m(a) - M(a) < tol   [2, eq. (9)]
        if Gmax + Gmax2 < tol or j == -1:
            return 1
        out_i[0] = <int> i
        out_j[0] = <int> j
        return 0

    cdef bint _be_shrunk(self, int t, double Gmax1, double Gmax2) noexcept nogil:
        if self.status[t] == UPPER:
            if self.y[t] > 0:
                return -self.G[t] > Gmax1
            return -self.G[t] > Gmax2
        if self.status[t] == LOWER:
            if self.y[t] > 0:
                return self.G[t] > Gmax2
            return self.G[t] > Gmax1
        return False

    cdef void _reconstruct_gradient(self) noexcept nogil:
        """G on the shrunk variables from G_bar and the free variables [3, Sec. 5.2]."""
        cdef Py_ssize_t a, b, l = self.l, act = self.active_size, nr_free = 0
        cdef int t, s
        cdef const double* Kr
        cdef double coef
        cdef double* G = self.G
        cdef const double* y = self.y
        cdef const int* real = self.real
        if act == l:
            return
        for a in range(act, l):
            t = a
            self.G[t] = self.G_bar[t] + self.p[t]
        for a in range(act):
            if self.status[a] == FREE:
                nr_free += 1
        if nr_free * l > 2 * act * (l - act):
            for a in range(act, l):                # one row per shrunk variable
                t = a
                Kr = self.row(self.real[t], False)
                for b in range(act):
                    s = b
                    if self.status[s] == FREE:
                        self.G[t] += self.alpha[s] * self.y[s] * self.y[t] * Kr[self.real[s]]
        else:
            for b in range(act):                   # one row per free variable
                s = b
                if self.status[s] != FREE:
                    continue
                Kr = self.row(real[s], True)
                # G[act:] += alpha_s y_s y[act:] K_s[real[act:]]  (coef in a register)
                coef = self.alpha[s] * y[s]
                for a in range(act, l):
                    G[a] += coef * y[a] * Kr[real[a]]

    cdef void _shrink(self, double tol) noexcept nogil:
        cdef double Gmax1 = -INFINITY, Gmax2 = -INFINITY
        cdef Py_ssize_t a
        cdef int t
        for a in range(self.active_size):
            t = a
            if self.y[t] > 0:
                if self.status[t] != UPPER and -self.G[t] >= Gmax1:
                    Gmax1 = -self.G[t]
                if self.status[t] != LOWER and self.G[t] >= Gmax2:
                    Gmax2 = self.G[t]
            else:
                if self.status[t] != UPPER and -self.G[t] >= Gmax2:
                    Gmax2 = -self.G[t]
                if self.status[t] != LOWER and self.G[t] >= Gmax1:
                    Gmax1 = self.G[t]
        self.i_known = False                      # positions are about to move
        if not self.unshrink and Gmax1 + Gmax2 <= tol * 10:
            self.unshrink = True
            self._reconstruct_gradient()
            self.active_size = self.l
            self.epoch += 1
        a = 0
        while a < self.active_size:
            if self._be_shrunk(a, Gmax1, Gmax2):
                self.active_size -= 1
                while self.active_size > a:
                    if not self._be_shrunk(self.active_size, Gmax1, Gmax2):
                        self._swap(a, self.active_size)
                        break
                    self.active_size -= 1
            a += 1

    cdef long _solve(self, double tol, bint shrinking, long max_iter) noexcept nogil:
        """The SMO loop; returns the number of iterations (== max_iter: cap hit)."""
        cdef long it = 0
        cdef long counter = min(self.l, 1000) + 1
        cdef int i = 0, j = 0
        cdef const double* Ki
        cdef const double* Kj
        cdef double Ci, Cj, old_ai, old_aj, quad, delta, diff, total, Kij, dai, daj
        cdef double yi, yj
        cdef bint ui, uj
        while it < max_iter:
            counter -= 1
            if counter == 0:
                counter = min(self.l, 1000)
                if shrinking:
                    self._shrink(tol)
            if self._select(tol, &i, &j) != 0:
                # optimal on the active set: check on all variables [3, Sec. 5.1]
                self._reconstruct_gradient()
                self.active_size = self.l
                self.epoch += 1
                if self._select(tol, &i, &j) != 0:
                    break
                counter = 1
            it += 1
            Ki = self.row(self.real[i], False)
            Kj = self.row(self.real[j], False)
            Ci = self.C[i]
            Cj = self.C[j]
            yi = self.y[i]
            yj = self.y[j]
            old_ai = self.alpha[i]
            old_aj = self.alpha[j]
            Kij = Ki[self.real[j]]
            # a_ij = K_ii + K_jj - 2 K_ij, tau if not positive   [2, Sec. 2.2 / 3, eq. 6]
            quad = self.QD[i] + self.QD[j] - 2.0 * Kij
            if quad <= 0:
                quad = TAU
            # two-variable subproblem, clipped to the box [3, Sec. 6]
            if yi != yj:
                delta = (-self.G[i] - self.G[j]) / quad
                diff = self.alpha[i] - self.alpha[j]
                self.alpha[i] += delta
                self.alpha[j] += delta
                if diff > 0:
                    if self.alpha[j] < 0:
                        self.alpha[j] = 0
                        self.alpha[i] = diff
                else:
                    if self.alpha[i] < 0:
                        self.alpha[i] = 0
                        self.alpha[j] = -diff
                if diff > Ci - Cj:
                    if self.alpha[i] > Ci:
                        self.alpha[i] = Ci
                        self.alpha[j] = Ci - diff
                else:
                    if self.alpha[j] > Cj:
                        self.alpha[j] = Cj
                        self.alpha[i] = Cj + diff
            else:
                delta = (self.G[i] - self.G[j]) / quad
                total = self.alpha[i] + self.alpha[j]
                self.alpha[i] -= delta
                self.alpha[j] += delta
                if total > Ci:
                    if self.alpha[i] > Ci:
                        self.alpha[i] = Ci
                        self.alpha[j] = total - Ci
                else:
                    if self.alpha[j] < 0:
                        self.alpha[j] = 0
                        self.alpha[i] = total
                if total > Cj:
                    if self.alpha[j] > Cj:
                        self.alpha[j] = Cj
                        self.alpha[i] = total - Cj
                else:
                    if self.alpha[i] < 0:
                        self.alpha[i] = 0
                        self.alpha[j] = total
            # the statuses move with the alphas (G_bar below needs the old ones)
            ui = self.status[i] == UPPER
            uj = self.status[j] == UPPER
            self._update_status(i)
            self._update_status(j)
            # G += Q_i da_i + Q_j da_j on the active set, and the next iteration's i
            # from the new G in the same pass
            dai = (self.alpha[i] - old_ai) * yi
            daj = (self.alpha[j] - old_aj) * yj
            self.i_next = rm_smo_update_argmax(self.active_size, self.real, self.y, Ki, Kj,
                                               dai, daj, self.status, self.up_excl, self.G,
                                               &self.gmax_next)
            self.i_known = True
            # G_bar follows the variables entering / leaving the upper bound
            if ui != (self.status[i] == UPPER):
                Ki = self.row(self.real[i], True)
                self._gbar_update(Ki, (-Ci if ui else Ci) * yi)
            if uj != (self.status[j] == UPPER):
                Kj = self.row(self.real[j], True)
                self._gbar_update(Kj, (-Cj if uj else Cj) * yj)
        if self.active_size < self.l:
            self._reconstruct_gradient()
            self.active_size = self.l
        return it

    cdef void _gbar_update(self, const double* Kr, double coef) noexcept nogil:
        """G_bar += coef * y o K_r (over all variables)."""
        cdef Py_ssize_t t
        for t in range(self.l):
            self.G_bar[t] += coef * self.y[t] * Kr[self.real[t]]

    cdef double _rho(self) noexcept nogil:
        """The offset: the mean of y_t G_t over free variables, else the middle of the
        feasible interval [3, Sec. 4.1.5]."""
        cdef double ub = INFINITY, lb = -INFINITY, sum_free = 0.0, yG
        cdef Py_ssize_t t, nr_free = 0
        for t in range(self.l):
            yG = self.y[t] * self.G[t]
            if self.status[t] == UPPER:
                if self.y[t] < 0:
                    ub = min(ub, yG)
                else:
                    lb = max(lb, yG)
            elif self.status[t] == LOWER:
                if self.y[t] > 0:
                    ub = min(ub, yG)
                else:
                    lb = max(lb, yG)
            else:
                nr_free += 1
                sum_free += yG
        if nr_free > 0:
            return sum_free / nr_free
        return (ub + lb) / 2

    def solve(self, double tol, bint shrinking, long max_iter):
        """Run SMO.

        Returns
        -------
        alpha : ndarray (l,)
        rho : float
            decision(x) = sum_t y_t alpha_t K(x_r(t), x) - rho
        n_iter : int
        G : ndarray (l,)
            The final gradient Q alpha + p (for KKT checks).
        obj : float
            The dual objective 1/2 a'Qa + p'a.
        """
        if not tol > 0:
            raise ValueError("tol must be > 0")
        if max_iter < 1:
            raise ValueError("max_iter must be >= 1")
        cdef long it
        cdef double rho, obj = 0.0
        cdef Py_ssize_t t
        with nogil:
            it = self._solve(tol, shrinking, max_iter)
            rho = self._rho()
            for t in range(self.l):
                obj += self.alpha[t] * (self.G[t] + self.p[t])
        if not (np.isfinite(self._refs[7]).all() and np.isfinite(rho)):
            raise ValueError("SMO produced non-finite values: the kernel matrix is not "
                             "finite on this data (reduce gamma, coef0 or degree, or scale "
                             "the data)")
        # back to the caller's order: position a holds variable perm[a]
        perm = self._refs[12]
        alpha = np.empty(self.l)
        G = np.empty(self.l)
        alpha[perm] = self._refs[7]
        G[perm] = self._refs[8]
        return alpha, rho, int(it), G, obj / 2


def kernel_matrix(const double[:, ::1] X, const double[:, ::1] Y, int kind,
                  double gamma=1.0, double coef0=0.0, int degree=3):
    """K[i, j] = k(x_i, y_j) for the SVM kernels (linear, poly, rbf, sigmoid).

    The dot products are one GEMM; RBF uses ||x||^2 - 2 x.y + ||y||^2 (clamped at 0).

    Returns
    -------
    ndarray of shape (n, m)
    """
    if X.shape[1] != Y.shape[1]:
        raise ValueError("kernel_matrix: X has %d features but Y has %d"
                         % (X.shape[1], Y.shape[1]))
    if kind < 0 or kind > 3:
        raise ValueError("kernel_matrix: unknown kind %d" % kind)
    cdef Py_ssize_t n = X.shape[0], m = Y.shape[0], d = X.shape[1], i, j
    out = np.zeros((n, m), dtype=np.float64)
    if n == 0 or m == 0 or d == 0:
        if kind != K_LINEAR and n and m:
            out[...] = [[_map(kind, 0.0, 0.0, 0.0, gamma, coef0, degree)]]
        return out
    cdef double[:, ::1] Kv = out
    x_sq = (np.asarray(X) ** 2).sum(axis=1)
    y_sq = (np.asarray(Y) ** 2).sum(axis=1)
    cdef const double[::1] xs = x_sq, ys = y_sq
    with nogil:
        # K = X @ Y.T
        dgemm(False, True, n, m, d, 1.0, &X[0, 0], d, &Y[0, 0], d, 0.0, &Kv[0, 0], m)
        if kind != K_LINEAR:
            for i in range(n):
                for j in range(m):
                    Kv[i, j] = _map(kind, Kv[i, j], xs[i], ys[j], gamma, coef0, degree)
    return out

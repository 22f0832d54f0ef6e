"""Demo section: a tour of the linear algebra, each factorisation checked by the property
that defines it (the score column is a residual: smaller is better, ~1e-15 is exact)."""
import time

import numpy as np

N = 300


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def run(report):
    from rusty_machine.linalg import (Matrix, cholesky, det, eigh, inv, lu, qr, slogdet,
                                      solve, svd)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((N, N))
    A = Matrix(a)
    S = A @ A.T + N * Matrix.identity(N)          # symmetric positive definite
    s = np.asarray(S)
    scale = np.abs(s).max()
    label = "random %dx%d" % (N, N)

    C, t = _timed(lambda: A @ A)
    report("matmul  A @ A", label, "max|diff|", float(np.abs(np.asarray(C) - a @ a).max()), t)

    (P, L, U), t = _timed(lambda: lu(A))
    res = np.abs(np.asarray(P) @ np.asarray(L) @ np.asarray(U) - a).max()
    report("lu      A = P L U", label, "residual", float(res), t)

    b = rng.standard_normal(N)
    x, t = _timed(lambda: solve(A, b))
    report("solve   A x = b", label, "residual", float(np.abs(a @ np.asarray(x) - b).max()), t)

    Ai, t = _timed(lambda: inv(A))
    report("inv     A^-1", label, "|A A^-1-I|",
           float(np.abs(a @ np.asarray(Ai) - np.eye(N)).max()), t)

    d, t = _timed(lambda: slogdet(S))
    report("slogdet log|det S|", label, "sign", float(d[0]), t)

    Lc, t = _timed(lambda: cholesky(S))
    lc = np.asarray(Lc)
    report("cholesky S = L L^T", label, "residual", float(np.abs(lc @ lc.T - s).max() / scale), t)

    (Q, R), t = _timed(lambda: qr(A))
    q = np.asarray(Q)
    report("qr      Q^T Q = I", label, "residual", float(np.abs(q.T @ q - np.eye(N)).max()), t)

    (w, V), t = _timed(lambda: eigh(S))
    v, wv = np.asarray(V), np.asarray(w)
    report("eigh    S V = V diag(w)", label, "residual",
           float(np.abs(s @ v - v * wv).max() / scale), t)

    (Us, sv, Vt), t = _timed(lambda: svd(A))
    rec = np.asarray(Us) * np.asarray(sv) @ np.asarray(Vt)
    report("svd     A = U S V^T", label, "residual", float(np.abs(rec - a).max()), t)

    small = Matrix([[4.0, 3.0], [6.0, 3.0]])
    value, t = _timed(lambda: det(small))
    report("det     [[4,3],[6,3]]", "2x2 by hand", "det", float(value), t)

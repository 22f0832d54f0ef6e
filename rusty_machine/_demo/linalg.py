"""Demo section: a tour of the linear algebra, each factorisation checked by the property
that defines it (the score column is a residual: smaller is better, ~1e-15 is exact)."""
import numpy as np

from . import timed

N = 300


def run(report):
    from rusty_machine.linalg import (Matrix, cholesky, det, eigh, inv, lu, qr, slogdet,
                                      solve, svd)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((N, N))
    A = Matrix(a)
    S = A @ A.T + N * Matrix.identity(N)          # symmetric positive definite
    scale = float(np.abs(np.asarray(S)).max())
    label = "random %dx%d" % (N, N)

    def err(M):                                   # max |entry| of a residual Matrix
        m = np.asarray(M)
        return float(np.abs(m).max()) if m.size else 0.0

    I = Matrix.identity(N)

    C, t = timed(lambda: A @ A)
    report("matmul  A @ A", label, "GFLOPS", 2.0 * N ** 3 / t / 1e9, t)

    (P, L, U), t = timed(lambda: lu(A))
    report("lu      A = P L U", label, "residual", err(P @ L @ U - A), t)

    b = Matrix(rng.standard_normal((N, 1)))
    x, t = timed(lambda: solve(A, b))
    report("solve   A x = b", label, "residual", err(A @ x - b), t)

    Ai, t = timed(lambda: inv(A))
    report("inv     A^-1", label, "|A A^-1-I|", err(A @ Ai - I), t)

    d, t = timed(lambda: slogdet(S))
    report("slogdet log|det S|", label, "logdet", float(d[1]), t)

    Lc, t = timed(lambda: cholesky(S))
    report("cholesky S = L L^T", label, "residual", err(Lc @ Lc.T - S) / scale, t)

    (Q, R), t = timed(lambda: qr(A))
    report("qr      Q^T Q = I", label, "residual", err(Q.T @ Q - I), t)

    (w, V), t = timed(lambda: eigh(S))
    report("eigh    S V = V diag(w)", label, "residual",
           err(S @ V - V @ Matrix.from_diag(w)) / scale, t)

    (Us, sv, Vt), t = timed(lambda: svd(A, full_matrices=False))
    report("svd     A = U S V^T", label, "residual", err(Us @ Matrix.from_diag(sv) @ Vt - A), t)

    small = Matrix([[4.0, 3.0], [6.0, 3.0]])
    value, t = timed(lambda: det(small))
    report("det     [[4,3],[6,3]]", "2x2 by hand", "det", float(value), t)

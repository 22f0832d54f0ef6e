"""Eigenvalues: from power iteration to the shifted QR algorithm, and deflation.

Power iteration [GVL4 Sec. 7.3.1]: multiply a vector by A again and again. Its component
along the dominant eigenvector grows like |lambda_1|^k, the others like |lambda_i|^k, so
the direction converges to the dominant eigenvector, with error shrinking by
|lambda_2 / lambda_1| per step. One eigenvalue, at a rate the matrix chooses.

Orthogonal iteration runs power iteration on n vectors at once, re-orthogonalising them
with a QR factorisation at every step. Written in the rotating frame it becomes the QR
algorithm [Francis 1961; GVL4 Sec. 7.3-7.5, 8.3]:

    A_k = Q_k R_k,    A_{k+1} = R_k Q_k  (= Q_k^T A_k Q_k, so the eigenvalues stay).

The subdiagonal entry (i+1, i) shrinks like |lambda_{i+1} / lambda_i|^k: all eigenvalues
at once, but still at the matrix's chosen rates. A shift mu changes the rates to
|lambda_{i+1} - mu| / |lambda_i - mu|: with mu close to an eigenvalue, the last
subdiagonal entry collapses. Wilkinson's shift (the eigenvalue of the trailing 2 x 2 block
closer to its last entry) makes that convergence cubic for symmetric matrices [GVL4 Sec.
8.3.5]. Once an entry is negligible the matrix splits in two and each part is finished
separately: *deflation*, here from the bottom, one eigenvalue at a time.

Two tricks make it cheap. First reduce A to tridiagonal form T = Q^T A Q (Hessenberg
for a general A) with n - 2 Householder reflections; QR steps keep that form and cost
O(n) instead of O(n^3). Second, do the step implicitly: chase a bulge down the band with
Givens rotations instead of forming Q and R (the implicit Q theorem says it is the same
step). This lesson does each step explicitly with our QR so you can see it; ours does it
implicitly.

Ours: rusty_machine/linalg/_eigh.pyx (eigh, eigvalsh, tridiagonalize: blocked
Householder tridiagonalisation, then divide and conquer or implicit symmetric QR with
Wilkinson shift, LAPACK dsytrd/dstedc/dsteqr) and rusty_machine/linalg/_eig.pyx (eig,
eigvals, hessenberg: balancing, Hessenberg reduction, Francis double-shift QR, LAPACK
dgeev). The teaching views `tridiagonalize` and `hessenberg` return the reduced matrix;
the sweeps below use our `qr` and GEMM on it.
"""
import numpy as np

from rusty_machine import linalg
from rusty_machine.linalg import blas


def _qr_step(T, mu):
    """One explicit QR step with shift mu: T - mu I = Q R, return R Q + mu I."""
    n = T.shape[0]
    Q, R = linalg.qr(T - mu * np.eye(n))
    return blas.gemm(np.asarray(R), np.asarray(Q)) + mu * np.eye(n)


def _wilkinson_shift(T):
    """The eigenvalue of the trailing 2 x 2 block closer to T[-1, -1] [GVL4 Sec. 8.3.5]."""
    a, b, c = T[-2, -2], T[-1, -2], T[-1, -1]
    d = 0.5 * (a - c)
    if d == 0.0:
        return c - abs(b)
    return c - b * b / (d + np.copysign(np.hypot(d, b), d))


def run(lesson):
    say = lesson.say
    rng = np.random.default_rng(4)
    n = 6
    eigenvalues = np.array([10.0, 7.0, 5.0, 3.0, 2.0, 1.0])
    V = np.asarray(linalg.qr(rng.standard_normal((n, n)))[0])
    A = blas.gemm(V * eigenvalues, V, trans_b=True)        # V diag(lambda) V^T
    A = 0.5 * (A + A.T)

    lesson.step("1. Power iteration: one eigenvalue, at rate |lambda_2 / lambda_1| = 0.7")
    lesson.show("A (eigenvalues 10, 7, 5, 3, 2, 1)", A)
    x = np.ones(n) / np.sqrt(n)
    power = []
    for k in range(40 if not lesson.quick else 25):
        y = blas.gemv(A, x)                                # y = A x
        rayleigh = float(np.sum(x * y))                    # x^T A x, ||x|| = 1
        x = y / linalg.norm(y)
        power.append(abs(rayleigh - eigenvalues[0]))
        if k < 5 or k % 5 == 4:
            say("  step %2d: Rayleigh quotient %.10f, error %.2e" % (k + 1, rayleigh, power[-1]))
    say("(the Rayleigh quotient's error shrinks by about 0.7^2 per step)")

    lesson.step("2. Reduce first: tridiagonalize(A) (ours, Householder)")
    T0, Q0 = (np.asarray(M) for M in linalg.tridiagonalize(A))
    lesson.show("T = Q^T A Q", T0)

    lesson.step("3. Unshifted QR: T <- R Q")
    sweeps = 30 if lesson.quick else 60
    T = T0.copy()
    unshifted = []
    for _ in range(sweeps):
        T = _qr_step(T, 0.0)
        unshifted.append(np.abs(np.diag(T, -1)).copy())
    say("|subdiagonal| after %d sweeps: %s" % (sweeps, np.array2string(unshifted[-1],
                                                                     precision=2)))
    say("diagonal: %s  (sorted by size: the QR algorithm is power iteration)"
        % np.array2string(np.diag(T), precision=6))

    lesson.step("4. Wilkinson shift and deflation")
    eps = np.finfo(float).eps
    T = T0.copy()
    active = n                       # T[:active, :active] still to finish
    shifted, found = [], []
    while active > 1 and len(shifted) < 100:
        mu = _wilkinson_shift(T[:active, :active])
        T[:active, :active] = _qr_step(T[:active, :active], mu)
        sub = np.abs(np.diag(T, -1)).copy()
        shifted.append(sub)
        say("  sweep %2d (block %d x %d, shift %.8f): |subdiagonal| %s"
            % (len(shifted), active, active, mu, np.array2string(sub, precision=1)))
        # deflate: a negligible last entry of the active block splits off an eigenvalue
        while active > 1 and abs(T[active - 1, active - 2]) <= eps * (
                abs(T[active - 1, active - 1]) + abs(T[active - 2, active - 2])):
            T[active - 1, active - 2] = T[active - 2, active - 1] = 0.0
            found.append(float(T[active - 1, active - 1]))
            say("           deflate: lambda = %.12f" % found[-1])
            active -= 1
    found.append(float(T[0, 0]))
    ours = np.sort(np.asarray(linalg.eigvalsh(A)))
    mine = np.sort(np.array(found))
    say("%d shifted sweeps; after %d unshifted ones the largest |subdiagonal| is still %.1e"
        % (len(shifted), sweeps, unshifted[-1].max()))
    say("eigenvalues by these sweeps: %s" % np.array2string(mine, precision=12))
    say("eigvalsh(A) (ours):          %s" % np.array2string(ours, precision=12))
    say("max difference %.1e" % np.abs(mine - ours).max())

    lesson.step("5. A general matrix: hessenberg, then Francis' double shift (eig)")
    G = np.array([[0.0, -2.0, 1.0, 0.5], [1.0, 0.0, 0.5, 0.0], [0.5, 1.0, 1.0, 0.0],
                  [0.2, 0.0, 1.0, 2.0]])
    H, _ = linalg.hessenberg(G)
    lesson.show("G", G)
    lesson.show("hessenberg(G)[0]", H)
    w = np.asarray(linalg.eigvals(G))
    say("eigvals(G) = %s" % np.array2string(w, precision=4))
    say("A real matrix can have complex pairs; Francis' double shift step")
    say("uses both of a pair's shifts at once and stays in real arithmetic.")

    with lesson.figure("qr_sweeps", 1, 2, size=(8.5, 3.3)) as f:
        if f:
            fig, (a0, a1) = f
            tiny = 1e-18
            U = np.maximum(np.array(unshifted), tiny)
            for i in range(n - 1):
                a0.semilogy(range(1, len(U) + 1), U[:, i], label="|T[%d,%d]|" % (i + 1, i))
            a0.set_title("unshifted QR", fontsize=9)
            a0.set_xlabel("sweep")
            a0.legend(fontsize=6)
            S = np.maximum(np.array(shifted), tiny)
            for i in range(n - 1):
                a1.semilogy(range(1, len(S) + 1), S[:, i], "o-", markersize=3)
            a1.axhline(eps, color="k", lw=0.5, ls=":")
            a1.set_title("Wilkinson shift + deflation", fontsize=9)
            a1.set_xlabel("sweep")
    return {"power_error": power, "unshifted": unshifted, "shifted": shifted,
            "eigenvalues": mine, "eigvalsh": ours, "T0": T0}

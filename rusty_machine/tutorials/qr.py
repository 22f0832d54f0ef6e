"""QR: Householder reflections step by step, against classical and modified Gram-Schmidt.

Every full-rank A (m x n, m >= n) is A = Q R with Q's columns orthonormal and R upper
triangular. There are two ways to get there, and they are not equally good.

Gram-Schmidt *builds Q*: column j of Q is column j of A minus its components along the
q's found so far, normalised. Classical Gram-Schmidt (CGS) computes all those components
from the original column, r_ij = q_i^T a_j; modified Gram-Schmidt (MGS) subtracts them
one at a time and computes each from the partly reduced vector. In exact arithmetic they
agree. In floating point the q's drift away from orthogonal, CGS by about eps * cond(A)^2
and MGS by eps * cond(A) [Bjorck, "Numerical Methods for Least Squares Problems", 1996,
Sec. 2.4; GVL4 Sec. 5.2.7-5.2.8].

Householder *builds R*: step j applies a reflection H_j = I - tau v v^T that zeroes the
column below the diagonal, and Q = H_0 H_1 ... H_{n-1} is a product of exactly
orthogonal matrices, orthogonal to within a few eps whatever cond(A) is [GVL4 Alg.
5.2.1, Sec. 5.2.3]. That is why every library (LAPACK dgeqrf, ours) uses it.

Ours: rusty_machine/linalg/_qr.pyx (qr_factor, qr), with the reflector kernels in
rusty_machine/linalg/_householder.pyx: blocked by the compact WY representation, its
trailing updates are GEMMs. The step-by-step view uses a property of the algorithm: the
first j steps of Householder QR on A are Householder QR of A's first j columns. So
qr_factor(A[:, :j]) gives H_0 ... H_{j-1}, and Q_j^T A (one of our GEMMs) is A after j
steps: columns 0..j-1 reduced, the rest transformed and waiting.
"""
import numpy as np

from rusty_machine import linalg
from rusty_machine.linalg import blas


def classical_gram_schmidt(A):
    """CGS: r_ij = q_i^T a_j for all i < j at once, from the original column."""
    m, n = A.shape
    Q = np.zeros((m, n))
    for j in range(n):
        a = np.ascontiguousarray(A[:, j])
        r = blas.gemv(Q[:, :j], a, trans=True) if j else np.zeros(0)   # Q_j^T a_j
        v = a - (blas.gemv(Q[:, :j], r) if j else 0.0)                 # a_j - Q_j r
        Q[:, j] = v / linalg.norm(v)
    return Q


def modified_gram_schmidt(A):
    """MGS: subtract each component from the partly reduced vector, one at a time."""
    m, n = A.shape
    Q = np.array(A, dtype=float)
    for j in range(n):
        Q[:, j] /= linalg.norm(Q[:, j])
        for k in range(j + 1, n):
            Q[:, k] -= np.sum(Q[:, j] * Q[:, k]) * Q[:, j]       # (q_j^T v_k) q_j
    return Q


def with_condition(m, n, cond, rng):
    """An m x n matrix with singular values spaced from 1 down to 1/cond (our QR for the
    random orthogonal factors)."""
    U = np.asarray(linalg.qr(rng.standard_normal((m, n)))[0])
    V = np.asarray(linalg.qr(rng.standard_normal((n, n)))[0])
    s = np.logspace(0, -np.log10(cond), n)
    return blas.gemm(U * s, V, trans_b=True)


def orthogonality(Q):
    """||Q^T Q - I||_max: how far from orthonormal the columns are."""
    G = blas.gemm(Q, Q, trans_a=True)
    return float(np.abs(G - np.eye(Q.shape[1])).max())


def run(lesson):
    say = lesson.say
    rng = np.random.default_rng(3)
    m, n = 5, 3
    A = np.round(rng.uniform(-3, 3, (m, n)), 1)

    lesson.step("1. Householder QR, one reflection at a time (ours: qr_factor)")
    lesson.show("A", A)
    steps = []
    for j in range(1, n + 1):
        F = linalg.qr_factor(A[:, :j])
        Qj = np.asarray(F.q("complete"))
        Aj = blas.gemm(Qj, A, trans_a=True)             # Q_j^T A: A after j reflections
        steps.append(Aj)
        tau = np.asarray(F.tau)
        say("\nstep %d: reflector H_%d (tau = %.4f) zeroes column %d below the diagonal"
            % (j, j - 1, tau[j - 1], j - 1))
        lesson.show("  H_%d ... H_0 A" % (j - 1), Aj)
    R = np.asarray(linalg.qr(A)[1])
    lesson.show("R from qr(A)", R)
    say("max |R - (last step)[:n]| = %.1e" % np.abs(R - steps[-1][:n]).max())

    lesson.step("2. Orthogonality of Q as A gets ill-conditioned")
    mm, nn = (30, 10) if lesson.quick else (60, 20)
    conds = np.logspace(1, 15, 8 if lesson.quick else 15)
    rows = {"CGS": [], "MGS": [], "Householder": []}
    say("%-10s %12s %12s %12s   (||Q^T Q - I||, %d x %d)" % ("cond(A)", "CGS", "MGS",
                                                            "Householder", mm, nn))
    for c in conds:
        B = with_condition(mm, nn, c, rng)
        rows["CGS"].append(orthogonality(classical_gram_schmidt(B)))
        rows["MGS"].append(orthogonality(modified_gram_schmidt(B)))
        rows["Householder"].append(orthogonality(np.asarray(linalg.qr(B)[0])))
        say("%-10.1e %12.2e %12.2e %12.2e" % (c, rows["CGS"][-1], rows["MGS"][-1],
                                             rows["Householder"][-1]))
    eps = np.finfo(float).eps
    say("eps = %.1e.  CGS loses orthogonality like eps cond^2 (and is useless past cond 1e8),"
        % eps)
    say("MGS like eps cond, Householder stays at a few eps.")

    with lesson.figure("orthogonality", size=(5.2, 3.6)) as f:
        if f:
            fig, ax = f
            for (k, v), style in zip(rows.items(), ["o-", "s-", "^-"]):
                ax.loglog(conds, np.maximum(v, 1e-17), style, label=k, markersize=4)
            ax.loglog(conds, eps * conds, "k:", lw=1, label="eps cond")
            ax.set_xlabel("cond(A)")
            ax.set_ylabel("||Q^T Q - I||")
            ax.set_ylim(1e-17, 10)
            ax.set_title("Loss of orthogonality")
            ax.legend(fontsize=7)
    return {"steps": steps, "R": R, "conds": conds, "orthogonality": rows}

"""LU: Gaussian elimination step by step, why it pivots, and where pivoting is not enough.

Gaussian elimination turns A x = b into a triangular system. Step k takes the pivot
A[k, k] and subtracts multiples l_ik = A[i, k] / A[k, k] of row k from the rows below,
zeroing column k under the diagonal. The multipliers form a unit lower triangular L, what
remains is an upper triangular U, and A = L U [GVL4 Alg. 3.2.1].

Partial pivoting [GVL4 Sec. 3.4.3]: before step k, swap up the row whose entry in
column k is largest in magnitude. Then every |l_ik| <= 1, so no row is ever added to
another after being multiplied by a huge number, and P A = L U with P the record of the
swaps. Without it, a tiny pivot (section 2) makes the multipliers huge and the rounding
errors of the elimination as large as the answer.

Pivoting bounds the multipliers, not the entries of U: each step can at most double the
largest entry, so the growth factor rho = max |U| / max |A| is at most 2^(n-1). Almost
no matrix comes near that bound, but Wilkinson's (1 on the diagonal and in the last
column, -1 below the diagonal) reaches it exactly, and the backward error grows with it
[Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., Sec. 9.3-9.4]. QR
(Householder, orthogonal transformations) has no such growth: the last section compares.

Ours: rusty_machine/linalg/_lu.pyx (lu_factor, lu, solve): a recursive, blocked
right-looking LU with partial pivoting (LAPACK dgetrf), the updates of the trailing
matrix done by our GEMM. Public names: rusty_machine.linalg.lu_factor / lu / solve.
This lesson shows the elimination state after each step k from our factors:
the Schur complement S_k = (P A)[k:, k:] - L[k:, :k] U[:k, k:] is the part of the
matrix that step k still has to eliminate.
"""
import numpy as np

from rusty_machine import linalg
from rusty_machine.linalg import blas


def _naive_lu_solve(A, b):
    """Gaussian elimination with no row exchanges (the thing pivoting protects us from)."""
    A = np.array(A, dtype=float)
    b = np.array(b, dtype=float)
    n = len(b)
    for k in range(n - 1):
        for i in range(k + 1, n):
            l = A[i, k] / A[k, k]
            A[i, k:] -= l * A[k, k:]
            b[i] -= l * b[k]
    x = np.zeros(n)
    for i in range(n - 1, -1, -1):
        x[i] = (b[i] - np.sum(A[i, i + 1:] * x[i + 1:])) / A[i, i]
    return x


def wilkinson(n):
    """Wilkinson's growth matrix: 1 on the diagonal and last column, -1 below."""
    W = np.eye(n) - np.tril(np.ones((n, n)), -1)
    W[:, -1] = 1.0
    return W


def run(lesson):
    say = lesson.say
    rng = np.random.default_rng(1)
    n = 4
    A = np.round(rng.uniform(-4, 4, (n, n)), 1)

    lesson.step("1. Elimination, one column at a time (ours: lu_factor)")
    lesson.show("A", A)
    F = linalg.lu_factor(A)
    L, U, perm = np.asarray(F.L), np.asarray(F.U), np.asarray(F.perm)
    PA = A[perm]
    say("pivot rows chosen (original row numbers, in order): %s" % list(perm))
    pivot_is_largest = []
    for k in range(n):
        S = PA[k:, k:] - blas.gemm(L[k:, :k], U[:k, k:])    # Schur complement
        largest = float(np.abs(S[:, 0]).max())
        pivot_is_largest.append(abs(S[0, 0]) == largest)
        say("\nstep %d: column %d still to eliminate; the pivot is %.3f, the largest |entry| "
            "of that column is %.3f" % (k, k, S[0, 0], largest))
        if k < n - 1:
            lesson.show("  multipliers l[%d:, %d] (all |l| <= 1)" % (k + 1, k), L[k + 1:, k])
        lesson.show("  S_%d (what is left)" % k, S)
    lesson.show("L", L)
    lesson.show("U", U)
    resid = float(np.abs(PA - blas.gemm(L, U)).max())
    say("max |P A - L U| = %.2e" % resid)

    lesson.step("2. Why pivot: a tiny pivot")
    delta = 1e-20
    T = np.array([[delta, 1.0], [1.0, 1.0]])
    b = np.array([1.0, 2.0])
    exact = np.array([1.0 / (1.0 - delta), (1.0 - 2.0 * delta) / (1.0 - delta)])
    x_naive = _naive_lu_solve(T, b)
    x_ours = np.asarray(linalg.solve(T, b))
    say("A = [[1e-20, 1], [1, 1]],  b = [1, 2]")
    say("without pivoting the multiplier is 1/%.0e and the 1 in A[1, 1] is lost in 1 - 1e20:"
        % delta)
    say("  naive x = %s   (exact x = [1, 1] to 20 digits)" % np.array2string(x_naive))
    say("  ours  x = %s   (solve: rows swapped, multiplier %.0e)" % (
        np.array2string(x_ours), delta))
    err_naive = float(np.abs(x_naive - exact).max())
    err_ours = float(np.abs(x_ours - exact).max())

    lesson.step("3. Where partial pivoting is not enough: Wilkinson's matrix")
    lesson.show("W (n = 5)", wilkinson(5))
    lesson.show("U of W (n = 5): the last column doubles at every step", linalg.lu(wilkinson(5))[2])
    ns = list(range(5, 31, 5)) if lesson.quick else list(range(5, 61, 5))
    growth, err_lu, err_qr = [], [], []
    say("\n%4s %12s %12s %14s %14s" % ("n", "growth rho", "2^(n-1)", "error LU", "error QR"))
    for m in ns:
        W = wilkinson(m)
        x_true = rng.standard_normal(m)
        b = blas.gemv(W, x_true)
        U = np.asarray(linalg.lu_factor(W).U)
        growth.append(float(np.abs(U).max() / np.abs(W).max()))
        x_lu = np.asarray(linalg.solve(W, b))
        Q = linalg.qr_factor(W)
        x_qr = np.asarray(Q.solve(b))
        norm = np.abs(x_true).max()
        err_lu.append(float(np.abs(x_lu - x_true).max() / norm))
        err_qr.append(float(np.abs(x_qr - x_true).max() / norm))
        say("%4d %12.3e %12.3e %14.2e %14.2e" % (m, growth[-1], 2.0 ** (m - 1), err_lu[-1],
                                                err_qr[-1]))
    say("W is well conditioned (cond ~ n), so the large LU errors are the algorithm's, not")
    say("the problem's: the growth of U's entries multiplies the rounding errors.")

    with lesson.figure("wilkinson", 1, 2, size=(8, 3.2)) as f:
        if f:
            fig, (a0, a1) = f
            a0.semilogy(ns, growth, "o-", label="growth max|U|/max|A|")
            a0.semilogy(ns, [2.0 ** (m - 1) for m in ns], "k:", label="2^(n-1)")
            a0.set_xlabel("n")
            a0.legend(fontsize=7)
            a0.set_title("Wilkinson's matrix: growth")
            a1.semilogy(ns, np.maximum(err_lu, 1e-17), "o-", label="LU (partial pivoting)")
            a1.semilogy(ns, np.maximum(err_qr, 1e-17), "s-", label="Householder QR")
            a1.set_xlabel("n")
            a1.set_ylabel("relative error of x")
            a1.legend(fontsize=7)
            a1.set_title("solve(W, b)")
    return {"perm": perm, "pivot_is_largest": pivot_is_largest, "resid": resid,
            "err_naive": err_naive, "err_ours": err_ours, "ns": ns, "growth": growth,
            "err_lu": err_lu, "err_qr": err_qr}

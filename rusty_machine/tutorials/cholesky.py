"""Cholesky: A = L L^T for symmetric positive definite A, and what a matrix that is not does.

A symmetric matrix is positive definite when x^T A x > 0 for every x != 0: covariance
matrices, Gram matrices of kernels, the normal equations A^T A. For them Gaussian
elimination needs no pivoting and half the work, because it can be written symmetric:

    A = L L^T,    L lower triangular with a positive diagonal,

column by column [GVL4 Alg. 4.2.1]:

    L[j, j] = sqrt(A[j, j] - sum_{p<j} L[j, p]^2)
    L[i, j] = (A[i, j] - sum_{p<j} L[i, p] L[j, p]) / L[j, j]      (i > j)

n^3 / 3 flops, half of LU's. The leading j x j block of L is the Cholesky factor of
the leading j x j block of A (nothing below or to the right is ever read), which section
1 shows by factoring the leading blocks one size at a time.

The number under the square root is d_j = det(A[:j+1, :j+1]) / det(A[:j, :j]), the
ratio of two leading principal minors. A is positive definite exactly when every leading
minor is positive (Sylvester's criterion), so the algorithm *is* the test: the first
j with d_j <= 0 stops it, and says which leading minor failed. That is the cheapest way
to check definiteness, and it is how our GaussianMixture and GaussianProcessRegressor
find out that a covariance matrix has collapsed.

Ours: rusty_machine/linalg/_cholesky.pyx (cholesky, cho_factor): a recursive blocked
factorisation (LAPACK dpotrf) whose trailing updates are our SYRK and GEMM
(rusty_machine/linalg/blas.pyx); it raises LinAlgError naming the leading minor.
"""
import numpy as np

from rusty_machine import linalg
from rusty_machine.exceptions import LinAlgError
from rusty_machine.linalg import blas


def run(lesson):
    say = lesson.say
    rng = np.random.default_rng(2)
    n = 5
    B = np.round(rng.uniform(-2, 2, (n, n)), 1)
    A = blas.gemm(B, B, trans_b=True) + np.eye(n)

    lesson.step("1. A = B B^T + I is positive definite; its factor grows one row at a time")
    lesson.show("A", A)
    L = np.asarray(linalg.cholesky(A))
    leading_agree = []
    for j in range(1, n + 1):
        Lj = np.asarray(linalg.cholesky(A[:j, :j]))
        leading_agree.append(float(np.abs(Lj - L[:j, :j]).max()))
        say("cholesky(A[:%d, :%d]) adds row %d: %s" % (j, j, j - 1,
                                                     np.array2string(Lj[j - 1], precision=3)))
    lesson.show("L = cholesky(A)", L)
    resid = float(np.abs(blas.gemm(L, L, trans_b=True) - A).max())
    say("max |L L^T - A| = %.2e;  leading blocks equal to L's: max diff %.1e"
        % (resid, max(leading_agree)))
    d = np.diag(L) ** 2
    say("the numbers under the square roots, d_j = L[j, j]^2: %s" % np.array2string(d, precision=3))
    minors = [float(np.asarray(linalg.det(A[:j, :j]))) for j in range(1, n + 1)]
    ratios = [minors[0]] + [minors[j] / minors[j - 1] for j in range(1, n)]
    say("ratios of leading minors det(A_j)/det(A_j-1):        %s"
        % np.array2string(np.array(ratios), precision=3))

    lesson.step("2. Not positive definite: shift A down past its smallest eigenvalue")
    lam = np.asarray(linalg.eigvalsh(A))
    say("eigenvalues of A (eigvalsh): %s" % np.array2string(lam, precision=3))
    shift = 0.5 * (lam[0] + lam[1])
    C = A - shift * np.eye(n)
    say("C = A - %.3f I has one negative eigenvalue, %.3f" % (shift, lam[0] - shift))
    C_minors = [float(np.asarray(linalg.det(C[:j, :j]))) for j in range(1, n + 1)]
    say("leading minors of C: %s" % np.array2string(np.array(C_minors), precision=3))
    first_bad = next(j + 1 for j, m in enumerate(C_minors) if m <= 0)
    try:
        linalg.cholesky(C)
        message = None
    except LinAlgError as exc:
        message = str(exc)
    say("cholesky(C) raised LinAlgError: %s" % message)
    say("(Sylvester: the first leading minor that is not positive is of order %d.)" % first_bad)

    with lesson.figure("factor", 1, 3, size=(8, 2.8)) as f:
        if f:
            fig, axes = f
            for ax, M, title in zip(axes, [A, L, np.abs(blas.gemm(L, L, trans_b=True) - A)],
                                    ["A", "L = cholesky(A)", "|L L^T - A|"]):
                im = ax.imshow(M, cmap="viridis")
                ax.set_title(title, fontsize=9)
                ax.set_xticks([])
                ax.set_yticks([])
                fig.colorbar(im, ax=ax, fraction=0.046)
    return {"resid": resid, "leading_agree": leading_agree, "d": d, "ratios": ratios,
            "error": message, "first_bad": first_bad, "minors_C": C_minors}

"""Conditioning: Hilbert matrices, and why a backward-stable solver can still be inaccurate.

Two separate things decide how accurate a computed solution of A x = b is.

The algorithm: a backward-stable solver (LU with partial pivoting in practice,
Householder QR always) returns the exact solution of a nearby problem,
(A + E) x_hat = b with ||E|| / ||A|| a small multiple of the unit roundoff eps.

The problem: how much can a small change of A move x? To first order

    ||x_hat - x|| / ||x||  <=  cond(A) * ||E|| / ||A||,    cond(A) = ||A|| ||A^-1||,

[Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., Thm. 7.2; GVL4 Sec.
2.6.2]. The rule of thumb: expect to lose log10(cond(A)) of the 16 digits a double holds.

The Hilbert matrix H_ij = 1 / (i + j + 1) is the classic example: perfectly innocent
entries, every one of its leading blocks positive definite, and cond(H_n) grows like
e^(3.5 n). At n = 12 it is beyond 1e16 and a solve returns no correct digit at all, by no
fault of the solver: its backward error (the residual) stays at eps level throughout.

Ours: cond in rusty_machine/linalg/_norms.py (2-norm: ratio of extreme singular values
from our SVD, rusty_machine/linalg/_svd.pyx); solve in rusty_machine/linalg/_lu.pyx.
"""
import numpy as np

from rusty_machine import linalg
from rusty_machine.linalg import blas


def hilbert(n):
    i = np.arange(n)
    return 1.0 / (i[:, None] + i[None, :] + 1.0)


def run(lesson):
    say = lesson.say
    eps = np.finfo(float).eps
    lesson.step("1. The Hilbert matrix")
    lesson.show("H_4", hilbert(4))
    lesson.show("its inverse (integers, and large)", linalg.inv(hilbert(4)))

    lesson.step("2. cond(H_n) against the error of solve(H_n, H_n x)")
    ns = list(range(2, 11)) if lesson.quick else list(range(2, 14))
    conds, forward, backward = [], [], []
    say("%3s %12s %14s %14s %16s %8s" % ("n", "cond(H_n)", "forward error", "eps * cond",
                                          "backward error", "digits"))
    for n in ns:
        H = hilbert(n)
        x = np.ones(n)
        b = blas.gemv(H, x)
        x_hat = np.asarray(linalg.solve(H, b))
        c = float(linalg.cond(H))
        fwd = float(linalg.norm(x_hat - x) / linalg.norm(x))
        # normwise backward error ||b - H x_hat|| / (||H|| ||x_hat|| + ||b||)  [Higham 7.1]
        r = b - blas.gemv(H, x_hat)
        bwd = float(linalg.norm(r) / (linalg.norm(H, 2) * linalg.norm(x_hat) + linalg.norm(b)))
        conds.append(c)
        forward.append(fwd)
        backward.append(bwd)
        digits = max(0.0, -np.log10(max(fwd, 1e-17)))
        if np.isfinite(c):
            say("%3d %12.2e %14.2e %14.2e %16.2e %8.1f" % (n, c, fwd, eps * c, bwd, digits))
        else:
            say("%3d %12s %14.2e %14s %16.2e %8.1f" % (n, "> 1/eps", fwd, "> 1", bwd, digits))
    say("The backward error stays near eps = %.1e: the solver did its job. The forward" % eps)
    say("error follows eps * cond: the problem itself amplifies every rounding.")
    say("Past cond ~ 1/eps the matrix is singular to working precision: the smallest")
    say("singular value is lost in the rounding of the largest (our SVD returns 0 there,")
    say("so cond is inf) and no digit of x survives.")

    with lesson.figure("hilbert", size=(5.2, 3.6)) as f:
        if f:
            fig, ax = f
            ok = np.isfinite(conds)
            cs = np.array(conds)[ok]
            ax.loglog(cs, np.maximum(np.array(forward)[ok], 1e-17), "o-", label="forward error")
            ax.loglog(cs, np.maximum(np.array(backward)[ok], 1e-19), "s-",
                      label="backward error")
            ax.loglog(cs, eps * cs, "k:", label="eps * cond")
            for n, c, e in zip(np.array(ns)[ok], cs, np.array(forward)[ok]):
                ax.annotate(str(n), (c, max(e, 1e-17)), fontsize=6, xytext=(2, 3),
                            textcoords="offset points")
            ax.set_xlabel("cond(H_n)")
            ax.set_ylabel("relative error")
            ax.set_title("Hilbert matrices: solve(H_n, H_n 1)")
            ax.legend(fontsize=7)
    return {"ns": ns, "cond": conds, "forward": forward, "backward": backward}

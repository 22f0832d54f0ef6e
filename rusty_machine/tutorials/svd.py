"""SVD: an image as a sum of rank-one layers, and the best low-rank approximation.

Every m x n matrix is A = U diag(s) V^T, with orthonormal U, V and singular values
s_1 >= s_2 >= ... >= 0. Read column by column it says

    A = s_1 u_1 v_1^T + s_2 u_2 v_2^T + ...,

a sum of rank-one layers in order of importance. Keeping the first k gives A_k, and the
Eckart-Young theorem [Eckart & Young 1936; GVL4 Thm. 2.4.8] says no rank-k matrix is
closer to A: the error is exactly what was dropped,

    ||A - A_k||_F = sqrt(s_{k+1}^2 + ... + s_r^2),    ||A - A_k||_2 = s_{k+1}.

An image is a matrix of grey levels. A smooth picture has fast-falling singular values, so
a handful of layers (k (m + n + 1) numbers instead of m n) already looks like it. This
lesson draws an image procedurally (no file needed), decomposes it with our SVD, and checks
the error of each truncation against the singular values it dropped.

Ours: rusty_machine/linalg/_svd.pyx (svd, svdvals, bidiagonalize): Householder
bidiagonalisation (LAPACK dgebrd; a QR first for tall matrices), then, in
rusty_machine/linalg/_bdsdc.pyx, the SVD of the bidiagonal B: with vectors by divide and
conquer (Gu & Eisenstat 1995, LAPACK dbdsdc: B split at a middle row, the halves solved
recursively, each merge solving the secular equation 1 + sum z_j^2 / (d_j^2 - s^2) = 0
and updating the vectors with matrix products), singular values alone by the implicit
zero-shift / shifted QR iteration (Demmel & Kahan 1990, LAPACK dbdsqr), which also
solves the small pieces of the recursion. The teaching view `bidiagonalize(A)` returns
the bidiagonal B and its factors.
"""
import numpy as np

from rusty_machine import linalg
from rusty_machine.linalg import blas


def make_image(m, n):
    """A grey-level picture: a sky gradient, a sun, rolling hills, a striped field."""
    y, x = np.mgrid[0:m, 0:n]
    y = y / (m - 1)
    x = x / (n - 1)
    img = 0.55 + 0.35 * y                                            # sky
    img = np.where((x - 0.72) ** 2 + (y - 0.25) ** 2 < 0.012, 1.0, img)   # sun
    hills = 0.55 + 0.08 * np.sin(6.0 * x) + 0.05 * np.sin(15.0 * x + 1.0)
    img = np.where(y > hills, 0.25 + 0.1 * np.sin(40.0 * x) * (y - hills), img)
    img = np.where(y > 0.85, 0.15 + 0.05 * ((x * 12).astype(int) % 2), img)  # field
    return img


def run(lesson):
    say = lesson.say
    m, n = (48, 64) if lesson.quick else (96, 128)
    A = make_image(m, n)

    lesson.step("1. Bidiagonalise, then diagonalise (ours: bidiagonalize, svd)")
    small = A[::m // 6, ::n // 5][:6, :5]
    lesson.show("a 6 x 5 sample of the image", small)
    Ub, B, Vb = (np.asarray(M) for M in linalg.bidiagonalize(small))
    lesson.show("B = U^T A V (two Householder reflections per column)", B)
    say("singular values of B: %s" % np.array2string(np.asarray(linalg.svdvals(B)), precision=4))
    say("singular values of A: %s" % np.array2string(np.asarray(linalg.svdvals(small)),
                                                     precision=4))

    lesson.step("2. The image's singular values, and rank-k approximations")
    U, s, Vt = (np.asarray(M) for M in linalg.svd(A, full_matrices=False))
    say("image %d x %d; the first singular values: %s" % (m, n, np.array2string(s[:8],
                                                                               precision=2)))
    ks = [1, 2, 5, 10, 20]
    normA = float(np.sqrt(np.sum(A * A)))
    measured, predicted, approximations = [], [], {}
    say("%4s %14s %18s %12s" % ("k", "||A - A_k||_F", "sqrt(sum s_>k^2)", "storage"))
    for k in ks:
        Ak = blas.gemm(U[:, :k] * s[:k], Vt[:k])          # sum of the first k layers
        approximations[k] = Ak
        measured.append(float(np.sqrt(np.sum((A - Ak) ** 2))))
        predicted.append(float(np.sqrt(np.sum(s[k:] ** 2))))
        say("%4d %14.6f %18.6f %11.1f%%" % (k, measured[-1], predicted[-1],
                                           100.0 * k * (m + n + 1) / (m * n)))
    say("relative error of the rank-10 image: %.1f%%" % (100 * measured[3] / normA))

    with lesson.figure("lowrank", 2, 3, size=(7.5, 4.2)) as f:
        if f:
            fig, axes = f
            axes[0].semilogy(np.arange(1, len(s) + 1), np.maximum(s, s[0] * 1e-17), ".-",
                             markersize=3)
            axes[0].set_title("singular values", fontsize=9)
            axes[0].set_xlabel("i", fontsize=8)
            axes[1].imshow(A, cmap="gray", vmin=0, vmax=1)
            axes[1].set_title("image (rank %d)" % int(np.sum(s > s[0] * 1e-12)), fontsize=9)
            for ax, k in zip(axes[2:], [1, 5, 10, 20]):
                ax.imshow(approximations[k], cmap="gray", vmin=0, vmax=1)
                ax.set_title("rank %d" % k, fontsize=9)
            for ax in axes[1:]:
                ax.set_xticks([])
                ax.set_yticks([])
    return {"s": s, "ks": ks, "measured": measured, "predicted": predicted, "B": B,
            "sample": small}

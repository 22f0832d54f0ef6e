"""Eigen/SVD section of ``python -m rusty_machine bench``: symmetric and general
eigenproblems and the SVD against numpy (single-threaded reference).

Rows (n x n, seeded standard normal entries; symmetric rows use B + B^T):
  eigh       eigh(A) vs numpy.linalg.eigh; error = ||A V - V diag(w)||_F / (n ||A||_2 eps)
             (< 30 is good)
  eigvalsh   eigvalsh(A) vs numpy.linalg.eigvalsh; error = max |w - w_numpy| / (n ||A||_2 eps)
  svd        svd(A) thin vs numpy.linalg.svd(full_matrices=False);
             error = ||A - U diag(s) Vt||_F / (n ||A||_2 eps)
  svdvals    svdvals(A) vs numpy.linalg.svd(compute_uv=False);
             error = max |s - s_numpy| / (n ||A||_2 eps)
  eig        eig(A) vs numpy.linalg.eig; error = ||A V - V diag(w)||_F / (n ||A||_2 eps)
  eigvals    eigvals(A) vs numpy.linalg.eigvals; error = max over ours of the distance
             to the nearest of numpy's, / (n ||A||_2 eps)
  svd tall   svd(A) thin of a 4000 x 200 matrix (QR first) vs numpy.linalg.svd
             (full_matrices=False); error as svd
GFLOPS use the usual approximate operation counts of the QR-iteration methods (GVL4
Sec. 8.3, 8.6, 7.5): eigh 9 n^3, eigvalsh 4/3 n^3, svd 16 n^3, svdvals 8/3 n^3, eig
25 n^3, eigvals 10 n^3, tall svd (R-SVD) 6 m n^2 + 20 n^3 -- a guide only, the
iterations' cost depends on the matrix.
"""
import numpy as np

from rusty_machine._bench import Case
from rusty_machine import linalg

EPS = np.finfo(float).eps


def _ratio(num, A):
    n = A.shape[0]
    return float(num / (n * np.linalg.norm(A, 2) * EPS))


def _eigh_case(S, n):
    def err(ours, _ref):
        w, V = (np.asarray(X) for X in ours)
        return _ratio(np.linalg.norm(S @ V - V * w), S)
    return Case(name="eigh", size=str(n), ours=lambda: linalg.eigh(S),
                ref=lambda: np.linalg.eigh(S), flops=9.0 * n ** 3, error=err)


def _eigvalsh_case(S, n):
    def err(ours, ref):
        return _ratio(np.max(np.abs(np.asarray(ours) - ref)), S)
    return Case(name="eigvalsh", size=str(n), ours=lambda: linalg.eigvalsh(S),
                ref=lambda: np.linalg.eigvalsh(S), flops=4.0 / 3.0 * n ** 3, error=err)


def _svd_case(A, n):
    def err(ours, _ref):
        U, s, Vt = (np.asarray(X) for X in ours)
        return _ratio(np.linalg.norm(A - (U * s) @ Vt), A)
    return Case(name="svd", size=str(n), ours=lambda: linalg.svd(A, full_matrices=False),
                ref=lambda: np.linalg.svd(A, full_matrices=False),
                flops=16.0 * n ** 3, error=err)


def _svdvals_case(A, n):
    def err(ours, ref):
        return _ratio(np.max(np.abs(np.asarray(ours) - ref)), A)
    return Case(name="svdvals", size=str(n), ours=lambda: linalg.svdvals(A),
                ref=lambda: np.linalg.svd(A, compute_uv=False),
                flops=8.0 / 3.0 * n ** 3, error=err)


def _eig_case(A, n):
    def err(ours, _ref):
        w, V = ours
        return _ratio(np.linalg.norm(A @ V - V * w), A)
    return Case(name="eig", size=str(n), ours=lambda: linalg.eig(A),
                ref=lambda: np.linalg.eig(A), flops=25.0 * n ** 3, error=err)


def _eigvals_case(A, n):
    def err(ours, ref):
        w = np.asarray(ours)
        return _ratio(np.max(np.min(np.abs(w[:, None] - ref[None, :]), axis=1)), A)
    return Case(name="eigvals", size=str(n), ours=lambda: linalg.eigvals(A),
                ref=lambda: np.linalg.eigvals(A), flops=10.0 * n ** 3, error=err)


def _svd_tall_case(A):
    m, n = A.shape

    def err(ours, _ref):
        U, s, Vt = (np.asarray(X) for X in ours)
        return float(np.linalg.norm(A - (U * s) @ Vt)
                     / (m * np.linalg.norm(A, 2) * EPS))
    return Case(name="svd tall", size=f"{m}x{n}", ours=lambda: linalg.svd(A, full_matrices=False),
                ref=lambda: np.linalg.svd(A, full_matrices=False),
                flops=6.0 * m * n * n + 20.0 * n ** 3, error=err)


def cases(quick=False):
    """The eigen/SVD benchmark rows (see the module docstring)."""
    out = []
    for n in ([64, 128] if quick else [128, 512, 1024]):
        rng = np.random.default_rng(n)
        A = rng.standard_normal((n, n))
        S = A + A.T
        out.append(_eigh_case(S, n))
        out.append(_eigvalsh_case(S, n))
        out.append(_svd_case(A, n))
        out.append(_svdvals_case(A, n))
        out.append(_eig_case(A, n))
        out.append(_eigvals_case(A, n))
    m, n = (400, 40) if quick else (4000, 200)
    out.append(_svd_tall_case(np.random.default_rng(m).standard_normal((m, n))))
    return out

"""Decompositions section of ``python -m rusty_machine bench``: LU, Cholesky, QR, solve,
inv and det against numpy / scipy (single-threaded reference).

Rows (n x n, standard normal entries unless said):
  lu_factor   rusty_machine.linalg.lu_factor vs scipy.linalg.lu_factor (numpy.linalg.det,
              which runs the same dgetrf, when scipy is missing); error = LAPACK ratio
              ||A[perm] - L U||_1 / (n ||A||_1 eps) of our factors (< 30 is good)
  cholesky    rusty_machine.linalg.cholesky vs numpy.linalg.cholesky on A A^T + n I;
              error = max |L - L_numpy|
  qr          qr(A) reduced, Q formed, vs numpy.linalg.qr; error = max |Q R - Q_np R_np|
              entries of (Q, R) compared directly (same sign convention as LAPACK)
  solve       solve(A, b), one right-hand side, vs numpy.linalg.solve; max |x - x_np|
  inv         inv(A) vs numpy.linalg.inv; max |X - X_np|
  det         det(A) vs numpy.linalg.det, A scaled so that |det A| ~ 1 (no overflow);
              error = |d - d_np| / |d_np|
GFLOPS use the textbook counts: LU 2/3 n^3, Cholesky 1/3 n^3, QR with Q 8/3 n^3 (dgeqrf
4/3 n^3 + dorgqr 4/3 n^3), solve 2/3 n^3 + 2 n^2, inv 2 n^3, det 2/3 n^3.

float32 rows (``--dtype float32`` or ``both``): the same LU, Cholesky, QR, solve and inv
on float32 matrices against numpy's / scipy's float32 routines (sgetrf, spotrf, sgeqrf,
...; the LU ratio in float32's epsilon), then "f32/f64" rows: our float32 routine
against OUR float64 one on the same matrix (ratio = float64 time / float32 time).
"""
import numpy as np

from rusty_machine._bench import Case, max_abs_diff
from rusty_machine import linalg

try:  # scipy is a test/bench extra, not a dependency
    import scipy.linalg as _sla
except ImportError:  # pragma: no cover
    _sla = None

EPS = np.finfo(float).eps


def _lu_case(A, n, name="lu_factor"):
    eps = np.finfo(A.dtype).eps

    def ours():
        return linalg.lu_factor(A)

    def lu_ratio(F, _ref):
        P, L, U = (np.asarray(X, dtype=np.float64) for X in F.unpack())
        Ap = A[F.perm].astype(np.float64)
        return float(np.linalg.norm(Ap - L @ U, 1) / (n * np.linalg.norm(Ap, 1) * eps))

    if _sla is not None:
        ref, ref_name = (lambda: _sla.lu_factor(A, check_finite=False)), "scipy"
    else:
        ref, ref_name = (lambda: np.linalg.det(A)), "np.det"
    return Case(name=name, size=str(n), ours=ours, ref=ref, ref_name=ref_name,
                flops=2.0 / 3.0 * n ** 3, error=lu_ratio)


def _qr_error(ours, ref):
    Q, R = (np.asarray(X) for X in ours)
    Qn, Rn = ref
    return max(max_abs_diff(Q, Qn), max_abs_diff(R, Rn))


def _det_error(d, dn):
    return abs(d - dn) / abs(dn) if dn != 0 else abs(d)


def _f32_vs_f64(ours, ref):
    """max |float32 result - float64 result| over the factors (LU: the packed ones)."""
    if isinstance(ours, linalg.LU):
        ours, ref = ours.lu, ref.lu
    if isinstance(ours, tuple):
        return max(max_abs_diff(np.asarray(o, dtype=np.float64), np.asarray(r))
                   for o, r in zip(ours, ref))
    return max_abs_diff(np.asarray(ours, dtype=np.float64), np.asarray(ref))


def _float32_cases(quick):
    """float32 rows: against numpy/scipy float32, then against our own float64."""
    out = []
    sizes = [256] if quick else [1024]
    for n in sizes:
        rng = np.random.default_rng(n)
        A = rng.standard_normal((n, n)).astype(np.float32)
        b = rng.standard_normal(n).astype(np.float32)
        B = rng.standard_normal((n, n))
        S = (B @ B.T + n * np.eye(n)).astype(np.float32)
        A64, b64, S64 = A.astype(np.float64), b.astype(np.float64), S.astype(np.float64)
        out.append(_lu_case(A, n, "lu_factor f32"))
        out.append(Case(name="cholesky f32", size=str(n),
                        ours=lambda S=S: linalg.cholesky(S),
                        ref=lambda S=S: np.linalg.cholesky(S), flops=n ** 3 / 3.0))
        out.append(Case(name="qr f32 (Q formed)", size=str(n),
                        ours=lambda A=A: linalg.qr(A), ref=lambda A=A: np.linalg.qr(A),
                        flops=8.0 / 3.0 * n ** 3, error=_qr_error))
        out.append(Case(name="solve f32 (1 rhs)", size=str(n),
                        ours=lambda A=A, b=b: linalg.solve(A, b),
                        ref=lambda A=A, b=b: np.linalg.solve(A, b),
                        flops=2.0 / 3.0 * n ** 3 + 2.0 * n ** 2))
        out.append(Case(name="inv f32", size=str(n),
                        ours=lambda A=A: linalg.inv(A), ref=lambda A=A: np.linalg.inv(A),
                        flops=2.0 * n ** 3))
        for name, f, x32, x64, flops in [
                ("lu_factor f32/f64", linalg.lu_factor, A, A64, 2.0 / 3.0 * n ** 3),
                ("cholesky f32/f64", linalg.cholesky, S, S64, n ** 3 / 3.0),
                ("qr f32/f64", linalg.qr, A, A64, 8.0 / 3.0 * n ** 3),
                ("inv f32/f64", linalg.inv, A, A64, 2.0 * n ** 3)]:
            out.append(Case(name=name, size=str(n), ours=lambda f=f, x=x32: f(x),
                            ref=lambda f=f, x=x64: f(x), flops=flops, ref_name="ours f64",
                            error=_f32_vs_f64))
        out.append(Case(name="solve f32/f64", size=str(n),
                        ours=lambda A=A, b=b: linalg.solve(A, b),
                        ref=lambda A=A64, b=b64: linalg.solve(A, b),
                        flops=2.0 / 3.0 * n ** 3 + 2.0 * n ** 2, ref_name="ours f64",
                        error=_f32_vs_f64))
    return out


def cases(quick=False, dtype="float64"):
    """The decomposition benchmark rows (see the module docstring); dtype "float64",
    "float32" or "both"."""
    if dtype not in ("float64", "float32", "both"):
        raise ValueError("dtype must be float64, float32 or both, got %r" % (dtype,))
    if dtype == "float32":
        return _float32_cases(quick)
    out = []
    sizes = [128, 256] if quick else [256, 1024, 2048]
    for n in sizes:
        rng = np.random.default_rng(n)
        A = rng.standard_normal((n, n))
        b = rng.standard_normal(n)
        B = rng.standard_normal((n, n))
        S = B @ B.T + n * np.eye(n)
        # scale A so that |det A| is about 1: the determinant stays representable
        _, logdet = np.linalg.slogdet(A)
        Ad = A * np.exp(-logdet / n)
        out.append(_lu_case(A, n))
        out.append(Case(name="cholesky", size=str(n),
                        ours=lambda S=S: linalg.cholesky(S),
                        ref=lambda S=S: np.linalg.cholesky(S),
                        flops=n ** 3 / 3.0))
        out.append(Case(name="qr (Q formed)", size=str(n),
                        ours=lambda A=A: linalg.qr(A),
                        ref=lambda A=A: np.linalg.qr(A),
                        flops=8.0 / 3.0 * n ** 3, error=_qr_error))
        out.append(Case(name="solve (1 rhs)", size=str(n),
                        ours=lambda A=A, b=b: linalg.solve(A, b),
                        ref=lambda A=A, b=b: np.linalg.solve(A, b),
                        flops=2.0 / 3.0 * n ** 3 + 2.0 * n ** 2))
        out.append(Case(name="inv", size=str(n),
                        ours=lambda A=A: linalg.inv(A),
                        ref=lambda A=A: np.linalg.inv(A),
                        flops=2.0 * n ** 3))
        out.append(Case(name="det", size=str(n),
                        ours=lambda Ad=Ad: linalg.det(Ad),
                        ref=lambda Ad=Ad: np.linalg.det(Ad),
                        flops=2.0 / 3.0 * n ** 3, error=_det_error))
    if dtype == "both":
        out += _float32_cases(quick)
    return out

"""The bidiagonal reduction's matrix-vector products split over two threads (_svd.pyx
_gemv2): the SVD on two threads is the one-thread SVD to rounding, with LAPACK-style
residual ratios (xBDT01 / xORT01) against numpy's singular values."""
import numpy as np
import pytest

import rusty_machine
from rusty_machine import linalg

EPS = np.finfo(np.float64).eps


@pytest.fixture
def two_threads():
    old = rusty_machine.get_num_threads()
    yield
    rusty_machine.set_num_threads(old)


@pytest.mark.parametrize("shape", [(300, 300), (420, 290), (290, 420), (600, 257)])
def test_two_thread_svd_matches_one_thread_and_numpy(shape, two_threads):
    A = np.random.default_rng(sum(shape)).standard_normal(shape)
    m, n = shape
    out = {}
    for t in (1, 2):
        rusty_machine.set_num_threads(t)
        U, s, Vt = (np.asarray(x) for x in linalg.svd(A, full_matrices=False))
        scale = max(m, n) * EPS
        assert np.abs(U * s @ Vt - A).max() / (np.abs(A).max() * scale) < 30
        assert np.abs(U.T @ U - np.eye(U.shape[1])).max() / scale < 30
        assert np.abs(Vt @ Vt.T - np.eye(Vt.shape[0])).max() / scale < 30
        ref = np.linalg.svd(A, compute_uv=False)
        assert np.abs(s - ref).max() / (ref[0] * scale) < 30
        out[t] = s
    # split products add the same terms in another order: rounding, not bitwise
    assert np.abs(out[1] - out[2]).max() <= 30 * max(m, n) * EPS * out[1][0]

"""The input contract of issue 16 at the edges the per-function tests do not reach: a
finite answer or a clear exception, never a silent NaN or inf.

- norm and cond of data holding None: TypeError (numpy's float conversion would make the
  missing value a NaN, and the norm a silent NaN);
- tridiagonalize of a matrix with entries near the largest double: scaled first (as
  LAPACK's drivers scale before dsytrd), so T and Q are finite whenever T is representable,
  and a ValueError when it is not.
"""
import numpy as np
import pytest

from rusty_machine.linalg import cond, norm, tridiagonalize


@pytest.mark.parametrize("func", [norm, cond])
@pytest.mark.parametrize("data", [
    np.array([[1.0, None], [0.0, 2.0]], dtype=object),
    [[1.0, 2.0], [None, 2.0]]])
def test_none_in_the_data_is_a_type_error(func, data):
    with pytest.raises(TypeError, match="None"):
        func(data)


def test_numeric_object_arrays_still_work():
    a = np.array([[3.0, 0.0], [0.0, 4.0]], dtype=object)
    assert norm(a) == pytest.approx(5.0, rel=1e-15)
    assert cond(a) == pytest.approx(4.0 / 3.0, rel=1e-15)
    assert norm([3, 4]) == pytest.approx(5.0, rel=1e-15)


@pytest.mark.parametrize("n", [7, 40, 150])
@pytest.mark.parametrize("scale", [1e-300, 1e300, 1e307])
def test_tridiagonalize_scales_extreme_matrices(n, scale):
    """A = Q T Q^T with T tridiagonal, checked on A / scale (exact for scale = 10^k up to
    one rounding), against the same reduction of the unscaled matrix."""
    rng = np.random.RandomState(n)
    b = rng.uniform(-1, 1, (n, n))
    b = (b + b.T) / 2
    T, Q = (np.asarray(m) for m in tridiagonalize(b * scale))
    assert np.isfinite(T).all() and np.isfinite(Q).all()
    Ts = T / scale
    assert np.abs(np.triu(Ts, 2)).max(initial=0.0) == 0.0
    np.testing.assert_allclose(Q @ Ts @ Q.T, b, atol=1e-13 * n)
    np.testing.assert_allclose(Q.T @ Q, np.eye(n), atol=1e-13 * n)
    np.testing.assert_allclose(np.sort(np.linalg.eigvalsh(Ts)), np.linalg.eigvalsh(b),
                               atol=1e-13 * n)


def test_tridiagonalize_of_an_unrepresentable_form_is_a_value_error():
    """All entries 1.5e308: the first subdiagonal entry of T is sqrt(n - 1) 1.5e308, more
    than the largest double."""
    with pytest.raises(ValueError, match="overflows"):
        tridiagonalize(np.full((20, 20), 1.5e308))

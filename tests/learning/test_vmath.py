"""The vector exp, log and log1p of csrc/rm_vmath.h (the logistic losses' elementwise
kernels): within 2 ulp of numpy's results over their whole ranges, libm's answers at the
special values, the same answer whatever the position of an entry in its vector."""
import numpy as np
import pytest

from rusty_machine.learning._logistic import _vmath_py

FUNCS = {"exp": np.exp, "log": np.log, "log1p": np.log1p}


def _ulps(ours, ref):
    ok = np.isfinite(ref) & (ref != 0)
    return np.abs(ours[ok] - ref[ok]) / np.spacing(np.abs(ref[ok]))


def _samples(name, rng):
    if name == "exp":
        return np.concatenate([rng.uniform(-708, 709, 100000), rng.uniform(-1, 1, 50000),
                               rng.uniform(-1e-12, 1e-12, 2000),
                               np.arange(-708.0, 709.0, 0.5) * np.log(2)])
    if name == "log":
        return np.concatenate([np.exp(rng.uniform(-707, 709, 100000)),
                               rng.uniform(0.5, 2.0, 50000),
                               1.0 + rng.uniform(-1e-9, 1e-9, 2000),
                               np.sqrt(2.0) * (1 + np.arange(-50, 50) * 2.0 ** -52)])
    return np.concatenate([rng.uniform(-0.999, 1.0, 100000),
                           np.exp(rng.uniform(-700, 700, 50000)),
                           -np.exp(rng.uniform(-700, -1e-3, 50000)),
                           rng.uniform(-1e-17, 1e-17, 2000)])


@pytest.mark.parametrize("name", ["exp", "log", "log1p"])
def test_within_two_ulp_of_numpy(name):
    x = _samples(name, np.random.RandomState(0))
    err = _ulps(_vmath_py(name, x), FUNCS[name](x))
    assert err.max() <= 2.0, (name, err.max())


@pytest.mark.parametrize("name", ["exp", "log", "log1p"])
def test_special_values_as_libm(name):
    x = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0, 1e-310, 5e-324, -1.0, -2.0,
                  710.0, -746.0, 709.5, -708.5, 1.7976931348623157e308])
    with np.errstate(all="ignore"):
        ref = FUNCS[name](x)
    ours = _vmath_py(name, x)
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(ref))
    ok = ~np.isnan(ref)
    assert (_ulps(ours[ok], ref[ok]) <= 2).all()
    np.testing.assert_array_equal(np.isinf(ours[ok]), np.isinf(ref[ok]))
    np.testing.assert_array_equal(np.signbit(ours[ok & (ref == 0)]),
                                  np.signbit(ref[ok & (ref == 0)]))


@pytest.mark.parametrize("name", ["exp", "log", "log1p"])
def test_lengths_and_positions(name):
    # every length 0..9 (the tail of 1-3 entries and whole vectors), the same value
    # whatever its position; a special value sends its vector of four to libm, within
    # 2 ulp of the polynomial, and leaves the other vectors alone
    x = {"exp": 0.7, "log": 3.1, "log1p": 0.3}[name]
    one = _vmath_py(name, np.array([x]))[0]
    for n in range(10):
        out = _vmath_py(name, np.full(n, x))
        assert out.shape == (n,)
        assert (out == one).all()
    mixed = np.array([x, x, x, x, x, np.nan, x, x, x])
    out = _vmath_py(name, mixed)
    assert (out[[0, 1, 2, 3, 8]] == one).all()
    assert np.isnan(out[5])
    assert (_ulps(out[[4, 6, 7]], np.full(3, one)) <= 2).all()


def test_by_hand_and_bad_name():
    assert _vmath_py("exp", np.array([0.0]))[0] == 1.0
    assert _vmath_py("log", np.array([1.0]))[0] == 0.0
    assert _vmath_py("log1p", np.array([0.0]))[0] == 0.0
    assert abs(_vmath_py("log", np.array([np.e]))[0] - 1.0) <= 2 * np.finfo(float).eps
    with pytest.raises(ValueError, match="exp, log or log1p"):
        _vmath_py("sin", np.array([1.0]))

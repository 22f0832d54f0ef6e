"""The FMA peak loop (csrc/rm_peak_*.c via rusty_machine._peak): flop counts and errors.
Nothing here is timed: a measured GFLOPS figure is only checked to be a positive number."""
import math
import subprocess
import sys

import pytest

from rusty_machine import _peak

LANES64 = {"generic": 4, "avx2": 4, "avx512": 8}


@pytest.mark.parametrize("isa", _peak.supported_isas())
def test_flop_count_is_chains_lanes_two(isa):
    # 2 flops per lane per FMA, RM_PEAK_CHAINS = 12 chains; float32 has twice the lanes
    assert _peak._flops(isa, "float64", 1000) == 1000 * 12 * LANES64[isa] * 2
    assert _peak._flops(isa, "float32", 1000) == 1000 * 12 * LANES64[isa] * 4


def test_best_isa_is_supported_and_widest():
    isas = _peak.supported_isas()
    assert "generic" in isas
    assert _peak.best_isa() == isas[-1]


def test_unknown_or_bad_arguments_raise():
    with pytest.raises(ValueError, match="isa"):
        _peak.peak_gflops("float64", isa="sse9")
    with pytest.raises(ValueError, match="dtype"):
        _peak.peak_gflops("float16")
    unsupported = [i for i in _peak.ISAS if i not in _peak.supported_isas()]
    for isa in unsupported:
        with pytest.raises(ValueError, match="not available"):
            _peak._flops(isa, "float64", 10)


def test_peak_dict_and_info_command():
    p = _peak.peak()
    assert p["isa"] == _peak.best_isa()
    assert all(math.isfinite(p[k]) and p[k] > 0 for k in ("float64", "float32"))
    out = subprocess.run([sys.executable, "-m", "rusty_machine", "info"], check=True,
                         capture_output=True, text=True).stdout
    assert "peak (1 core)" in out and "GFLOPS float64" in out and "GFLOPS float32" in out

"""numpy's own linalg tests, run against rusty_machine.linalg.

The test file is the installed numpy's ``numpy/linalg/tests/test_linalg.py``, found at run
time (nothing of it is copied into this repository). It is loaded as a private module and,
in that module only, every function of ``numpy.linalg`` is replaced by ours:

- the names the file imports (``linalg``, ``norm``, ``matrix_rank``, ``matrix_power``,
  ``multi_dot``, ``LinAlgError``) and ``np.linalg`` (``np`` there is a proxy of numpy whose
  ``linalg`` is the shim below) all lead to rusty_machine.linalg;
- there is no fallback: a function we lack, or one that raises, fails the test;
- every real-valued input goes to us; an input holding complex numbers, or floats narrower
  or wider than float32/float64 (float16, longdouble), skips with that reason, since
  rusty_machine's matrices are float32 and float64 only.

Our functions return ``Matrix``/``Vector`` for 2-D/1-D results; the shim hands numpy's tests
the same numbers as ndarrays (``np.asarray``, no copy), inside the same tuple type.

Tests that do not pass yet are listed in ``known_failures.txt`` beside this file, each with the
reason; conftest.py marks them strict xfails, so one that starts passing fails until it
leaves the list.
"""
import functools
import importlib.util
import pathlib
import types

import numpy as np
import pytest

import rusty_machine.linalg as rm_linalg
from rusty_machine.linalg import Matrix, Vector

NUMPY_TESTS = pathlib.Path(np.linalg.__file__).parent / "tests" / "test_linalg.py"

if not NUMPY_TESTS.exists():        # a numpy installed without its tests
    pytest.skip("this numpy was installed without numpy/linalg/tests/test_linalg.py",
                allow_module_level=True)

_REAL = (np.float32, np.float64)


def _unsupported(x):
    """The reason to skip an argument we do not take, or None."""
    if isinstance(x, (Matrix, Vector)):
        return None
    if isinstance(x, (complex, np.complexfloating)):
        return "complex input: rusty_machine's matrices are real"
    if isinstance(x, (list, tuple)) and x and not isinstance(x, tuple(_REAL)):
        try:
            x = np.asarray(x)
        except (ValueError, TypeError):
            return None
    if isinstance(x, (np.ndarray, np.generic)):
        kind = x.dtype.kind
        if kind == "c":
            return "complex input: rusty_machine's matrices are real"
        if kind == "f" and x.dtype.type not in _REAL:
            return "%s input: rusty_machine's matrices are float32 or float64" % x.dtype
    return None


def _to_numpy(result):
    """Our Matrix/Vector results as ndarrays, inside the same (named)tuple type."""
    if isinstance(result, (Matrix, Vector)):
        return np.asarray(result)
    if isinstance(result, tuple):
        items = [_to_numpy(r) for r in result]
        if hasattr(result, "_fields"):
            return type(result)(*items)
        return type(result)(items)
    return result


def _routed(name):
    ours = getattr(rm_linalg, name, None)

    def call(*args, **kwargs):
        for a in list(args) + list(kwargs.values()):
            reason = _unsupported(a)
            if reason is not None:
                pytest.skip(reason)
        if ours is None:
            pytest.fail("rusty_machine.linalg has no %s (numpy.linalg.%s)" % (name, name))
        return _to_numpy(ours(*args, **kwargs))

    if ours is not None:
        functools.update_wrapper(call, ours)
    call.__name__ = name
    return call


def _shim():
    """A stand-in for numpy.linalg whose every public function is ours."""
    shim = _Shim("numpy_linalg_as_rusty_machine")
    for name in np.linalg.__all__:
        if name == "LinAlgError":
            shim.LinAlgError = rm_linalg.LinAlgError
        else:
            setattr(shim, name, _routed(name))
    return shim


class _Shim(types.ModuleType):
    """numpy.linalg's public functions, ours. Its private parts (lapack_lite: the numpy
    build's own LAPACK) are not here: the tests of that build are skipped by conftest.py
    (NUMPY_BUILD_TESTS), and any other use is an AttributeError, never numpy's code."""

    def __getattr__(self, name):
        raise AttributeError("numpy.linalg.%s is part of numpy's own LAPACK build, not of "
                             "the numpy.linalg functions rusty_machine replaces" % name)


class _NumpyProxy(types.ModuleType):
    """numpy, except that ``.linalg`` is the shim."""

    def __init__(self, shim):
        super().__init__("numpy_with_rusty_machine_linalg")
        self.linalg = shim

    def __getattr__(self, name):
        return getattr(np, name)


def _load():
    spec = importlib.util.spec_from_file_location("numpy_linalg_tests_on_rusty_machine",
                                                  NUMPY_TESTS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shim = _shim()
    module.np = _NumpyProxy(shim)
    module.linalg = shim
    module.LinAlgError = shim.LinAlgError
    for name in ("norm", "matrix_rank", "matrix_power", "multi_dot"):
        setattr(module, name, getattr(shim, name))
    _real_cases_only(module.LinalgTestCase)
    return module


def _real_cases_only(cls):
    """numpy's case-table tests (check_cases) run every case of a table in one test; a
    pytest.skip from a complex case would end the whole test there, unseen real cases
    included. Run the real-valued cases and skip only when none is left."""
    check_cases = cls.check_cases

    def real_check_cases(self, require=set(), exclude=set()):
        cases = type(self).TEST_CASES
        kept = [c for c in cases if _unsupported(c.a) is None and _unsupported(c.b) is None]
        if not any(c.tags & require == require and not c.tags & exclude for c in kept):
            pytest.skip("every case of this table is complex (or float16/longdouble)")
        self.TEST_CASES = kept
        try:
            check_cases(self, require, exclude)
        finally:
            del self.TEST_CASES

    cls.check_cases = real_check_cases


_numpy_tests = _load()

# The test classes and functions of numpy's file become this module's: pytest collects them
# here, where their globals are the patched module's.
for _name, _obj in vars(_numpy_tests).items():
    if _name.startswith(("Test", "test_")):
        globals()[_name] = _obj
del _name, _obj

"""The package frame: threads, configuration, CLI, lazy exports, and the project's first
rule (no foreign linear algebra inside the library)."""
import io
import os
import pathlib
import re
import subprocess
import sys
import tokenize

import pytest

import rusty_machine
from rusty_machine import linalg, learning

ROOT = pathlib.Path(rusty_machine.__file__).parent


def test_thread_setting_roundtrip():
    before = rusty_machine.get_num_threads()
    try:
        rusty_machine.set_num_threads(1)
        assert rusty_machine.get_num_threads() == 1
        with rusty_machine.num_threads(2):
            config = linalg.blas._config()
            assert rusty_machine.get_num_threads() == (2 if config["openmp"] else 1)
        assert rusty_machine.get_num_threads() == 1
    finally:
        rusty_machine.set_num_threads(before)


@pytest.mark.parametrize("bad, exc", [(0, ValueError), (-3, ValueError), (1.5, TypeError),
                                      ("2", TypeError), (True, TypeError)])
def test_set_num_threads_rejects_bad_values(bad, exc):
    with pytest.raises(exc, match="number of threads"):
        rusty_machine.set_num_threads(bad)


def test_num_threads_restores_after_exception():
    before = rusty_machine.get_num_threads()
    with pytest.raises(RuntimeError):
        with rusty_machine.num_threads(1):
            raise RuntimeError("boom")
    assert rusty_machine.get_num_threads() == before


def test_show_config_reports_kernel_openmp_threads():
    buf = io.StringIO()
    rusty_machine.show_config(file=buf)
    text = buf.getvalue()
    assert rusty_machine.__version__ in text
    kernel = linalg.blas._config()["kernel"]
    assert "gemm kernel   %s" % kernel in text
    assert "openmp" in text and "threads" in text


def test_cli_info_matches_show_config():
    out = subprocess.run([sys.executable, "-m", "rusty_machine", "info"],
                         capture_output=True, text=True, check=True).stdout
    assert "gemm kernel" in out and rusty_machine.__version__ in out


def test_cli_without_command_prints_help_and_fails():
    proc = subprocess.run([sys.executable, "-m", "rusty_machine"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "demo" in proc.stdout and "bench" in proc.stdout


def test_cli_rejects_unknown_bench_section():
    proc = subprocess.run([sys.executable, "-m", "rusty_machine", "bench", "--section", "nope"],
                          capture_output=True, text=True)
    assert proc.returncode != 0
    assert "unknown bench section" in proc.stderr


@pytest.mark.parametrize("package", [linalg, learning])
def test_lazy_exports_resolve(package):
    missing = []
    for name in package.__all__:
        try:
            getattr(package, name)
        except (ImportError, AttributeError) as exc:
            missing.append("%s (%s)" % (name, exc))
    assert not missing, "public names that do not resolve: %s" % missing


def test_unknown_attribute_is_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        linalg.nope


# Rule 1 of the project: the library never leans on someone else's linear algebra.
FORBIDDEN = re.compile(
    r"np\.linalg|numpy\.linalg|^\s*import scipy|^\s*from scipy|"
    r"np\.(dot|matmul|einsum|tensordot|inner|vdot)\(")
SKLEARN = re.compile(r"^\s*(import|from) sklearn")
# scikit-learn may be imported lazily only where it asks for our estimator tags.
SKLEARN_ALLOWED = {"learning/base.py"}


def _library_sources():
    for path in sorted(ROOT.rglob("*")):
        if path.suffix in (".py", ".pyx", ".pxd", ".pxi") and "_bench" not in path.parts:
            yield path


def _code_lines(text):
    """The source with strings and comments blanked out (docstrings may well say
    "as numpy.linalg.qr"), as (line number, code) pairs."""
    lines = text.splitlines()
    keep = [list(line) for line in lines]
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in (tokenize.STRING, tokenize.COMMENT):
                (r0, c0), (r1, c1) = tok.start, tok.end
                for r in range(r0, r1 + 1):
                    row = keep[r - 1]
                    lo = c0 if r == r0 else 0
                    hi = c1 if r == r1 else len(row)
                    row[lo:hi] = " " * (hi - lo)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return [(i + 1, "".join(row)) for i, row in enumerate(keep)]


def test_library_uses_only_its_own_linear_algebra():
    hits = []
    for path in _library_sources():
        rel = path.relative_to(ROOT).as_posix()
        for lineno, code in _code_lines(path.read_text()):
            if FORBIDDEN.search(code) or (SKLEARN.search(code) and rel not in SKLEARN_ALLOWED):
                hits.append("%s:%d: %s" % (rel, lineno, code.strip()))
    assert not hits, "foreign linear algebra inside the library:\n" + "\n".join(hits)


def test_source_scan_sees_code_but_not_prose():
    text = 'x = 1  # np.linalg.inv here is a comment\n"""as numpy.linalg.qr"""\ny = np.linalg.inv(a)\n'
    found = [n for n, code in _code_lines(text) if FORBIDDEN.search(code)]
    assert found == [3]

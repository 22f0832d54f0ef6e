"""``python -m rusty_machine demo`` and ``bench --quick`` run end to end in a child process:
exit status, no traceback or warning on stderr, every section and row present, and the
numbers the rows print (scores, residuals, errors against numpy) checked. Nothing is timed:
the time columns are only parsed as numbers."""
import math
import os
import pathlib
import re
import subprocess
import sys

import pytest

import rusty_machine

PROJECT = pathlib.Path(rusty_machine.__file__).parent.parent


def _run(*args):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PROJECT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONWARNINGS"] = "error"          # a warning in the CLI is a failure too
    proc = subprocess.run([sys.executable, "-m", "rusty_machine", *args], cwd=PROJECT,
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    # stderr carries only progress lines ("[3/12] qr 256 ..."): no traceback, no warning
    for line in proc.stderr.splitlines():
        assert re.fullmatch(r"\[\d+/\d+\] .* \.\.\.", line), proc.stderr
    return proc.stdout, proc.stderr


def _sections(out):
    """{section name: [lines]} from the '== name ==' headers."""
    sections, current = {}, None
    for line in out.splitlines():
        m = re.fullmatch(r"== (\w+) ==", line)
        if m:
            current = sections.setdefault(m.group(1), [])
        elif current is not None and line.strip():
            current.append(line)
    return sections


def _demo_row(line):
    """(estimator, dataset, metric, score, fit ms) from a "%-34s %-14s %-10s %9.4f %9.1f"
    row."""
    assert len(line) == 34 + 1 + 14 + 1 + 10 + 1 + 9 + 1 + 9, line
    return (line[:34].strip(), line[35:49].strip(), line[50:60].strip(),
            float(line[61:70]), float(line[71:80]))


@pytest.fixture(scope="module")
def demo_out():
    out, err = _run("demo")
    assert err == ""
    return out


def test_demo_runs_every_section(demo_out):
    from rusty_machine._demo import SECTIONS
    sections = _sections(demo_out)
    assert list(sections) == SECTIONS
    for name, lines in sections.items():
        assert lines[0].split() == ["estimator", "dataset", "metric", "score", "fit", "ms"]
        assert len(lines) >= 5, (name, lines)
        for line in lines[1:]:
            _demo_row(line)


def test_demo_scores(demo_out):
    """Each model's score is a real result: accuracies, purities and R^2 well above chance,
    factorisation residuals at rounding level, the hand-worked determinant exact."""
    rows = {}
    for lines in _sections(demo_out).values():
        for line in lines[1:]:
            est, _, metric, score, ms = _demo_row(line)
            rows[est] = (metric, score, ms)
    assert len(rows) >= 35
    for est, (metric, score, ms) in rows.items():
        assert math.isfinite(score) and ms >= 0, est
        if metric in ("accuracy", "purity"):
            assert 0.6 <= score <= 1.0, (est, score)
        elif metric.endswith("R^2"):
            assert 0.85 <= score <= 1.0, (est, score)
        elif metric in ("residual", "|A A^-1-I|"):
            assert abs(score) < 5e-5, (est, score)      # printed with 4 decimals
    assert rows["det     [[4,3],[6,3]]"][1] == -6.0
    assert rows["PCA(2)"][1] == pytest.approx(0.9581, abs=1e-4)   # iris, 2 components


BENCH_ROW = re.compile(r"^(?P<op>.+?)\s{2,}(?P<size>\S+)\s+(?P<ours>\d+\.\d+)\s+"
                       r"(?P<gflops>\d+\.\d+)\s+(?P<ref_ms>\d+\.\d+)\s+(?P<ref>\w+)\s+"
                       r"(?P<ratio>\d+\.\d+)\s+(?P<err>\S+)$")


def test_bench_quick_runs_every_section_with_small_errors():
    out, err = _run("bench", "--quick")
    assert "gemm kernel" in out and rusty_machine.__version__ in out   # show_config first
    sections = _sections(out)
    assert list(sections) == ["gemm", "decomp", "eigen"]
    for name, lines in sections.items():
        rows = [BENCH_ROW.match(line) for line in lines
                if not line.startswith(("operation", "---"))]
        assert all(rows), (name, lines)
        assert len(rows) >= 5, name
        for row in rows:
            e = float(row["err"])
            assert math.isfinite(e) and e >= 0, row.group(0)
            for col in ("ours", "gflops", "ref_ms", "ratio"):
                assert float(row[col]) >= 0
            if name == "eigen" or row["op"].startswith("lu_factor"):
                # LAPACK-style ratios: the error in units of n ||A|| eps
                assert e < 30, row.group(0)
            else:
                # max |ours - reference| on O(1) data
                assert e < 1e-10, row.group(0)
    progress = err.splitlines()             # one "[k/N] case ..." per row, to stderr
    assert len(progress) == sum(len(lines) - 2 for lines in sections.values())


def test_bench_decomp_float32_rows_compute_their_errors():
    # the float32 decomposition rows (not timed here): each one runs, its result has
    # the float32 dtype and its error column is small (float32 LU ratio < 30)
    import numpy as np

    from rusty_machine._bench import decomp
    cases = decomp.cases(quick=True, dtype="float32")
    names = [c.name for c in cases]
    assert "lu_factor f32" in names and "solve f32/f64" in names
    for case in cases:
        ours, ref = case.ours(), case.ref()
        first = ours.lu if hasattr(ours, "unpack") else (
            ours[0] if isinstance(ours, tuple) else ours)
        assert np.asarray(first).dtype == np.float32, case.name
        err = (case.error or decomp.max_abs_diff)(ours, ref)
        assert math.isfinite(err) and err < (30 if case.name.startswith("lu") else 0.05), (
            case.name, err)

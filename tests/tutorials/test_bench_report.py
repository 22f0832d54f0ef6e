"""``python -m rusty_machine bench --plot/--json`` (rusty_machine/_bench/report.py).
The bench runs once at its --quick sizes (gemm section); nothing is timed in the checks."""
import json
import math
import subprocess
import sys

import pytest

from rusty_machine._bench import Case
from rusty_machine._bench import report

PNG = b"\x89PNG\r\n\x1a\n"


def _fake_results():
    c1 = Case(name="matmul", size="64", ours=None, ref=None, flops=2.0 * 64 ** 3)
    c2 = Case(name="matmul", size="256", ours=None, ref=None, flops=2.0 * 256 ** 3)
    c3 = Case(name="eigvalsh", size="128", ours=None, ref=None, flops=0.0, ref_name="scipy")
    return [("gemm", [(c1, 1e-4, 2e-4, 2.0, 1e-15), (c2, 4e-3, 2e-3, 0.5, float("nan"))]),
            ("eigen", [(c3, 1e-3, 1e-3, 1.0, 3e-14)])]


def test_collect_rows():
    rows = report.collect(_fake_results())
    assert [r["section"] for r in rows] == ["gemm", "gemm", "eigen"]
    assert rows[0]["gflops_ours"] == pytest.approx(2.0 * 64 ** 3 / 1e-4 / 1e9)
    assert rows[0]["gflops_ref"] == pytest.approx(2.0 * 64 ** 3 / 2e-4 / 1e9)
    assert rows[1]["max_err"] is None                      # NaN -> null
    assert rows[2]["gflops_ours"] is None and rows[2]["ref"] == "scipy"
    json.dumps(rows, allow_nan=False)                      # valid strict JSON


def test_plot_and_json_files(tmp_path):
    pytest.importorskip("matplotlib")
    rows = report.collect(_fake_results())
    meta = report.metadata(1, peak={"isa": "generic", "float64": 10.0, "float32": 20.0})
    assert report.plot(str(tmp_path / "b.png"), rows, meta)
    assert (tmp_path / "b.png").read_bytes()[:8] == PNG
    report.write_json(str(tmp_path / "b.json"), rows, meta)
    back = json.loads((tmp_path / "b.json").read_text())
    assert back["rows"] == rows and back["meta"]["peak_gflops_float64"] == 10.0


def test_plot_without_matplotlib_says_how(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    monkeypatch.setattr(report, "metadata", lambda threads: {"threads": threads})
    report.write_reports(_fake_results(), plot_path=str(tmp_path / "x.png"))
    assert "pip install 'rusty_machine[plot]'" in capsys.readouterr().out
    assert not (tmp_path / "x.png").exists()


def test_cli_bench_quick_plot_and_json(tmp_path):
    pytest.importorskip("matplotlib")
    png, js = tmp_path / "bench.png", tmp_path / "bench.json"
    out = subprocess.run([sys.executable, "-m", "rusty_machine", "bench", "--quick",
                          "--section", "gemm", "--plot", str(png), "--json", str(js)],
                         check=True, capture_output=True, text=True).stdout
    assert png.read_bytes()[:8] == PNG
    data = json.loads(js.read_text())
    printed = [line for line in out.splitlines()
               if line.startswith(("matmul", "ladder"))]
    assert len(data["rows"]) == len(printed) > 0
    for row, line in zip(data["rows"], printed):
        assert line.split()[0] == row["operation"].split()[0]
        assert row["size"] in line
        assert row["max_err"] is not None and row["max_err"] < 1e-10
        assert "%.2f" % row["ratio"] in line                # the printed ratio is the row's
    meta = data["meta"]
    assert meta["threads"] == 1 and math.isfinite(meta["peak_gflops_float64"])
    assert meta["gemm_kernel"] in ("generic", "avx2", "avx512")

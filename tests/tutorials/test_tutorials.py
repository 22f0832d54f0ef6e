"""Every tutorial runs headless at its quick size and shows what it says it shows.

Each lesson runs once with figures (matplotlib's Agg backend) and once on the text path
with matplotlib made unimportable; the checks compare what a lesson printed and returned
with independent computations. Nothing is timed."""
import io
import re
import subprocess
import sys

import numpy as np
import pytest

from rusty_machine import tutorials

EPS = np.finfo(float).eps

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def plotted(tmp_path_factory):
    """name -> (result dict, printed text), every lesson run once with --plot."""
    plot_dir = tmp_path_factory.mktemp("figures")
    runs = {}
    for name in tutorials.TUTORIALS:
        out = io.StringIO()
        result = tutorials.run(name, plot_dir=str(plot_dir), quick=True, out=out)
        runs[name] = (result, out.getvalue())
    return runs


@pytest.mark.parametrize("name", tutorials.TUTORIALS)
def test_lesson_writes_png_figures(plotted, name):
    result, text = plotted[name]
    assert result["figures"], name
    for path in result["figures"]:
        with open(path, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
        assert path in text                         # "figures written: ..."
    assert text.startswith("== %s: " % name)


@pytest.mark.parametrize("name", tutorials.TUTORIALS)
def test_lesson_docstring_cites_our_files(name):
    doc = sys.modules["rusty_machine.tutorials." + name].__doc__ if (
        "rusty_machine.tutorials." + name) in sys.modules else None
    if doc is None:
        doc = tutorials._module(name).__doc__
    assert re.search(r"rusty_machine/(linalg|learning)/\w+\.(pyx|py)|csrc/rm_\w+\.c", doc)
    assert len(doc.splitlines()) > 10


def test_text_path_without_matplotlib(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    for name in tutorials.TUTORIALS:
        out = io.StringIO()
        result = tutorials.run(name, plot_dir=str(tmp_path / "figs"), quick=True, out=out)
        assert result["figures"] == []
        assert "pip install 'rusty_machine[plot]'" in out.getvalue()
    assert not (tmp_path / "figs").exists()
    out = io.StringIO()
    tutorials.run("cholesky", quick=True, out=out)
    assert "run with --plot DIR" in out.getvalue() and "rusty_machine[plot]" in out.getvalue()


def test_cli_lists_and_rejects():
    py = [sys.executable, "-m", "rusty_machine", "tutorial"]
    listing = subprocess.run(py, check=True, capture_output=True, text=True).stdout
    for name in tutorials.TUTORIALS:
        assert re.search(r"^\s+%s\s+\S" % name, listing, re.M), name
    bad = subprocess.run(py + ["nope"], capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "unknown tutorial" in bad.stderr


# ---- what each lesson claims ---------------------------------------------------------

def test_gemm_rungs_agree_with_numpy_and_print_the_peak(plotted):
    result, text = plotted["gemm"]
    for n, by_rung in result["agree"].items():
        assert set(by_rung) == {"ref", "blocked", "packed"}
        assert all(v < 1.0 for v in by_rung.values()), (n, by_rung)   # < n eps |A||B|
    assert "%.1f GFLOPS in float64" % result["peak"]["float64"] in text
    for rung in ("blocked", "packed", "numpy"):
        assert all(np.isfinite(result["gflops"][rung]))
    b = result["blocks"]
    assert "MR x NR = %d x %d" % (b["mr"], b["nr"]) in text


def test_lu_pivots_are_largest_and_wilkinson_growth_is_two_to_the_n(plotted):
    r, text = plotted["lu"]
    assert all(r["pivot_is_largest"])
    assert r["resid"] < 10 * EPS * 8
    assert r["err_naive"] > 0.5 and r["err_ours"] <= 2 * EPS
    assert r["growth"] == [2.0 ** (n - 1) for n in r["ns"]]
    assert max(r["err_qr"]) < 1e-13
    assert r["err_lu"][-1] > 1e4 * max(r["err_qr"])     # the growth shows in the error


def test_cholesky_leading_blocks_and_sylvester(plotted):
    r, text = plotted["cholesky"]
    assert r["resid"] < 1e-13
    assert max(r["leading_agree"]) == 0.0
    np.testing.assert_allclose(r["d"], r["ratios"], rtol=1e-10)
    assert r["error"] is not None and ("order %d" % r["first_bad"]) in r["error"]
    assert all(m > 0 for m in r["minors_C"][:r["first_bad"] - 1])


def test_qr_steps_zero_columns_and_orthogonality_numbers_are_measured(plotted):
    r, text = plotted["qr"]
    for j, Aj in enumerate(r["steps"], 1):
        assert np.abs(np.tril(Aj[:, :j], -1)).max() < 1e-14 * np.abs(Aj).max()
    np.testing.assert_allclose(np.abs(r["R"]), np.abs(r["steps"][-1][:r["R"].shape[0]]),
                               atol=1e-13)
    rows = r["orthogonality"]
    # the printed table is the measured numbers
    printed = re.findall(r"^(\d\.\de[+-]\d\d)\s+(\S+)\s+(\S+)\s+(\S+)$", text, re.M)
    assert len(printed) == len(r["conds"])
    for i, (c, cgs, mgs, hh) in enumerate(printed):
        assert float(c) == pytest.approx(r["conds"][i], rel=0.06)
        assert (cgs, mgs, hh) == tuple("%.2e" % rows[k][i] for k in ("CGS", "MGS",
                                                                   "Householder"))
    n = 10
    assert max(rows["Householder"]) < 20 * n * EPS
    assert rows["MGS"][-1] > 1e-6 and rows["CGS"][-1] > 0.5
    assert rows["MGS"][-1] < rows["CGS"][-1]


def test_qr_helpers_against_numpy():
    from rusty_machine.tutorials import qr as lesson
    rng = np.random.default_rng(0)
    A = rng.standard_normal((12, 5))
    Q_np = np.linalg.qr(A)[0]
    for gs in (lesson.classical_gram_schmidt, lesson.modified_gram_schmidt):
        Q = gs(A)
        np.testing.assert_allclose(np.abs(Q), np.abs(Q_np), atol=1e-12)
    Q = np.linalg.qr(rng.standard_normal((9, 4)))[0] * [1, 1, 1, 1.001]
    assert lesson.orthogonality(Q) == pytest.approx(np.abs(Q.T @ Q - np.eye(4)).max())
    B = lesson.with_condition(20, 6, 1e6, rng)
    assert np.linalg.cond(B) == pytest.approx(1e6, rel=1e-6)


def test_eigen_sweeps_find_our_eigenvalues(plotted):
    r, text = plotted["eigen"]
    np.testing.assert_allclose(r["eigenvalues"], r["eigvalsh"], atol=1e-12)
    np.testing.assert_allclose(r["eigvalsh"], [1, 2, 3, 5, 7, 10], atol=1e-12)
    T0 = r["T0"]
    assert np.abs(np.triu(T0, 2)).max() == 0 and np.abs(np.tril(T0, -2)).max() == 0
    assert len(r["shifted"]) < 20
    assert r["unshifted"][-1].max() > 1e3 * EPS           # unshifted: still going
    p = r["power_error"]
    assert p[-1] / p[-2] == pytest.approx(0.7 ** 2, rel=1e-3)   # |lambda_2/lambda_1|^2
    assert p[-1] < 1e-4 * p[0]


def test_svd_truncation_error_is_the_dropped_singular_values(plotted):
    r, text = plotted["svd"]
    np.testing.assert_allclose(r["measured"], r["predicted"], rtol=1e-9,
                               atol=1e3 * EPS * r["s"][0])   # rank-k exact: rounding only
    assert np.all(np.diff(r["s"]) <= 0)
    np.testing.assert_allclose(r["s"][:5], np.linalg.svd(
        __import__("rusty_machine.tutorials.svd", fromlist=["x"]).make_image(48, 64),
        compute_uv=False)[:5], rtol=1e-12)
    B = r["B"]
    assert np.abs(B - np.diag(np.diag(B)) - np.diag(np.diag(B, 1), 1)).max() == 0
    s_sample = np.linalg.svd(r["sample"], compute_uv=False)
    # B = U^T A V exactly up to rounding: singular values within a few n eps ||A||
    np.testing.assert_allclose(np.linalg.svd(B, compute_uv=False), s_sample,
                               atol=50 * EPS * s_sample[0])


def test_conditioning_forward_error_within_eps_cond(plotted):
    r, text = plotted["conditioning"]
    for n, c, fwd, bwd in zip(r["ns"], r["cond"], r["forward"], r["backward"]):
        assert bwd < 10 * EPS
        if np.isfinite(c):
            assert fwd <= 10 * n * EPS * c
            assert c == pytest.approx(np.linalg.cond(1.0 / (np.add.outer(
                np.arange(n), np.arange(n)) + 1.0)), rel=1e-4)


def test_kmeans_steps_reach_the_full_fit(plotted):
    r, text = plotted["kmeans"]
    inertia = r["inertia"]
    assert all(b <= a * (1 + 1e-12) for a, b in zip(inertia, inertia[1:]))
    assert r["gap"] < 1e-12
    assert r["full_inertia"] == pytest.approx(inertia[-1], rel=1e-12)


def test_gmm_em_is_monotone(plotted):
    r, text = plotted["gmm"]
    assert r["monotone"]
    assert r["bounds"][-1] > r["bounds"][0]
    assert "never decreased: True" in text


def test_svm_dual_rises_and_kkt_holds(plotted):
    r, text = plotted["svm"]
    d = r["duals"]
    assert all(b >= a - 1e-9 for a, b in zip(d, d[1:]))
    assert r["kkt_ok"]


def test_gp_likelihood_rises(plotted):
    r, text = plotted["gp"]
    assert r["lml_after"] > r["lml_before"] + 1.0
    assert r["lml_after"] == pytest.approx(r["builtin"], rel=1e-6)
    assert max(l for _, l in r["trace"]) == pytest.approx(r["lml_after"], rel=1e-9)
    assert r["trace"][0][1] == pytest.approx(r["lml_before"], rel=1e-12)
    assert r["rms"]["after"] < r["rms"]["before"]


def test_backprop_matches_finite_differences_and_trains(plotted):
    r, text = plotted["backprop"]
    assert r["worst"] < 1e-6
    assert len(r["rows"]) == 2 * 8 + 8 + 8 + 1
    assert r["curve"][-1] < 0.5 * r["curve"][0]
    assert r["accuracy"] > 0.95

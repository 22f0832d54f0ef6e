"""What ``python -m rusty_machine bench`` measured, as a figure and as raw rows.

    python -m rusty_machine bench --plot bench.png     # GFLOPS and ratio per operation
    python -m rusty_machine bench --json bench.json    # the rows, for tracking over time

The figure has one column per section (gemm, decomp, eigen). Top: GFLOPS of ours (solid)
and of the reference (dashed) for each operation over its sizes, with this core's
float64 FMA peak (measured in the same run by rusty_machine._peak) as a red line, so a
row reads as a share of what the machine can do. Bottom: the ratio reference time / our
time per row (above 1: we are faster), on a log scale.

The JSON file holds ``{"meta": {...}, "rows": [...]}``: the configuration (version,
numpy, GEMM kernel, threads, the measured peaks, the date) and one object per row with
section, operation, size, both times in seconds, the flop count, both GFLOPS, the ratio
and the largest difference between the two results. NaN is written as null.

Rows come from ``rusty_machine._bench.run_cases``: tuples (case, t_ours, t_ref, ratio,
max_err) with ``case`` a ``_bench.Case``.
"""
import datetime
import json
import math
import platform

import numpy as np


def _finite(x):
    x = float(x)
    return x if math.isfinite(x) else None


def collect(results):
    """Flatten ``[(section, rows), ...]`` into a list of dicts."""
    out = []
    for section, rows in results:
        for case, t_ours, t_ref, ratio, err in rows:
            flops = float(case.flops or 0.0)
            out.append({
                "section": section, "operation": case.name, "size": case.size,
                "ours_s": _finite(t_ours), "ref_s": _finite(t_ref), "ref": case.ref_name,
                "flops": flops,
                "gflops_ours": _finite(flops / t_ours / 1e9) if flops and t_ours > 0 else None,
                "gflops_ref": _finite(flops / t_ref / 1e9) if flops and t_ref > 0 else None,
                "ratio": _finite(ratio), "max_err": _finite(err),
            })
    return out


def metadata(threads=1, peak=None):
    import rusty_machine
    from rusty_machine.linalg import blas
    if peak is None:
        from rusty_machine._peak import peak as measure
        peak = measure()
    return {"rusty_machine": rusty_machine.__version__, "numpy": np.__version__,
            "python": platform.python_version(), "machine": platform.machine(),
            "gemm_kernel": blas._kernel_name(), "threads": int(threads),
            "peak_isa": peak["isa"], "peak_gflops_float64": _finite(peak["float64"]),
            "peak_gflops_float32": _finite(peak["float32"]),
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}


def write_json(path, rows, meta):
    with open(path, "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=1)
        f.write("\n")


def plot(path, rows, meta):
    """Draw the rows to ``path`` (PNG); returns False when matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    sections = list(dict.fromkeys(r["section"] for r in rows)) or ["(none)"]
    fig, axes = plt.subplots(2, len(sections), figsize=(4.2 * len(sections), 6.0),
                             squeeze=False)
    for col, section in enumerate(sections):
        top, bottom = axes[0, col], axes[1, col]
        srows = [r for r in rows if r["section"] == section]
        ops = list(dict.fromkeys(r["operation"] for r in srows))
        labels = []
        for i, op in enumerate(ops):
            color = "C%d" % (i % 10)
            orows = [r for r in srows if r["operation"] == op]
            x = [labels.index(r["size"]) if r["size"] in labels
                 else (labels.append(r["size"]) or len(labels) - 1) for r in orows]
            g_ours = [r["gflops_ours"] if r["gflops_ours"] is not None else np.nan
                      for r in orows]
            g_ref = [r["gflops_ref"] if r["gflops_ref"] is not None else np.nan
                     for r in orows]
            if not all(np.isnan(g_ours)):
                top.plot(x, g_ours, "o-", color=color, label=op, markersize=4)
                top.plot(x, g_ref, "x--", color=color, markersize=4, alpha=0.7)
            ratios = [r["ratio"] if r["ratio"] is not None else np.nan for r in orows]
            bottom.plot(x, ratios, "o-", color=color, label=op, markersize=4)
        if meta.get("peak_gflops_float64"):
            top.axhline(meta["peak_gflops_float64"], color="red", lw=1,
                        label="FMA peak (1 core)")
        top.set_title("%s: GFLOPS, ours (-) vs %s (--)" % (
            section, srows[0]["ref"] if srows else "ref"), fontsize=9)
        top.set_ylabel("GFLOPS")
        top.legend(fontsize=6)
        bottom.axhline(1.0, color="k", lw=0.8)
        bottom.set_yscale("log")
        bottom.set_ylabel("ref time / our time")
        bottom.set_title("%s: ratio (> 1: ours faster)" % section, fontsize=9)
        for ax in (top, bottom):
            ax.set_xticks(range(len(labels)))
            ax.set_xticklabels(labels, rotation=45, ha="right", fontsize=6)
        if not any(r["gflops_ours"] for r in srows):
            top.text(0.5, 0.5, "no flop counts in this section", ha="center",
                     transform=top.transAxes, fontsize=8)
        bottom.legend(fontsize=6)
    fig.suptitle("rusty_machine %s, kernel %s, %d thread(s), numpy %s" % (
        meta.get("rusty_machine"), meta.get("gemm_kernel"), meta.get("threads", 1),
        meta.get("numpy")), fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return True


def write_reports(results, plot_path=None, json_path=None, threads=1):
    """The ``--plot`` / ``--json`` options of the bench command."""
    rows = collect(results)
    meta = metadata(threads)
    if json_path:
        write_json(json_path, rows, meta)
        print("rows written to %s" % json_path)
    if plot_path:
        if plot(plot_path, rows, meta):
            print("figure written to %s" % plot_path)
        else:
            print("--plot needs matplotlib: pip install 'rusty_machine[plot]'")
    return rows, meta

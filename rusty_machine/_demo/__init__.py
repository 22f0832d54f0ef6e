"""The tour behind ``python -m rusty_machine demo``.

Section modules (linalg.py, then one per family of models) define ``run(report)``;
each trained model calls ``report(estimator, dataset, metric, score, fit_seconds)``.
"""
import importlib
import sys

SECTIONS = ["linalg", "learning_linear", "learning_unsupervised", "learning_kernel",
            "learning_nnet"]


def run_demo(sections=None, out=sys.stdout):
    rows = []

    def report(estimator, dataset, metric, score, fit_seconds):
        rows.append((estimator, dataset, metric, score, fit_seconds))
        print("%-34s %-14s %-10s %9.4f %9.1f" % (estimator, dataset, metric, score,
                                               fit_seconds * 1e3), file=out)
        out.flush()

    for name in sections or SECTIONS:
        try:
            module = importlib.import_module("rusty_machine._demo." + name)
        except ModuleNotFoundError as exc:
            if exc.name != "rusty_machine._demo." + name:
                raise
            continue
        print("\n== %s ==" % name, file=out)
        if getattr(module, "HAS_TABLE", True):
            print("%-34s %-14s %-10s %9s %9s" % ("estimator", "dataset", "metric", "score",
                                               "fit ms"), file=out)
        module.run(report)
    return rows

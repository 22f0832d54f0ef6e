"""The tour behind ``python -m rusty_machine demo``.

Section modules (linalg.py, then one per family of models) define ``run(report)``;
each trained model calls ``report(estimator, dataset, metric, score, fit_seconds)``.
"""
import importlib
import sys
import warnings

SECTIONS = ["linalg", "learning_linear", "learning_unsupervised", "learning_kernel",
            "learning_nnet"]


def timed(fn):
    """Run fn() once; return (its result, seconds taken). The clock is the benchmarks'
    (rusty_machine._bench.timed) with one timed run and no warm-up: a demo fit runs once."""
    from .._bench import timed as bench_timed
    seconds, out = bench_timed(fn, 0.0, repeats=1, warmup=False, long_run=None)
    return out, seconds


def timed_fit(model, *args, **kwargs):
    """Fit a model, ignoring convergence warnings (the demo's iteration limits are
    deliberately small); return the seconds taken."""
    from ..exceptions import ConvergenceWarning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return timed(lambda: model.fit(*args, **kwargs))[1]


def holdout(X, y, test_size=0.3, standardise=False):
    """The seeded hold-out split every section uses (our train_test_split), with the
    features optionally standardised on the training part (our Standardizer)."""
    from ..analysis import train_test_split
    from ..data.transforms import Standardizer
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=test_size, random_state=0)
    if standardise:
        scaler = Standardizer().fit(Xtr)
        Xtr, Xte = scaler.transform(Xtr), scaler.transform(Xte)
    return Xtr, ytr, Xte, yte


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

"""Runnable lessons: watch the library's own algorithms work, step by step.

    python -m rusty_machine tutorial                  # the list
    python -m rusty_machine tutorial qr               # one lesson, in the terminal
    python -m rusty_machine tutorial qr --plot figs   # ... and its figures as PNG files

Each module here is a lesson meant to be read top to bottom: its docstring tells the
story and names the file and function of ours that does the real work; ``run(lesson)``
runs that code on a small example and prints every step. Nothing is re-implemented
except what a lesson compares against (classical Gram-Schmidt in the QR lesson, power
iteration in the eigenvalue one), and every number a figure shows was measured in the
same run. The figures need matplotlib (``pip install 'rusty_machine[plot]'``); without it
the lessons run and print all the same.

``run(name, plot_dir=None, quick=False, out=None)`` runs one lesson from Python and
returns the numbers it measured (the tests check them against what was printed).
"""
import contextlib
import importlib
import os
import sys

import numpy as np

# In the order a course would take them: linear algebra first, then learning.
TUTORIALS = ["gemm", "lu", "cholesky", "qr", "eigen", "svd", "conditioning",
             "kmeans", "gmm", "svm", "gp", "backprop"]

PLOT_HINT = "pip install 'rusty_machine[plot]'"


def _module(name):
    if name not in TUTORIALS:
        raise ValueError("unknown tutorial %r (choose from %s)" % (name, ", ".join(TUTORIALS)))
    return importlib.import_module("rusty_machine.tutorials." + name)


def summary(name):
    """The first line of a lesson's docstring."""
    return (_module(name).__doc__ or "").strip().splitlines()[0].rstrip(".")


def list_tutorials(out=None):
    out = out if out is not None else sys.stdout
    print("Tutorials (python -m rusty_machine tutorial NAME [--plot DIR]):\n", file=out)
    for name in TUTORIALS:
        print("  %-13s %s" % (name, summary(name)), file=out)


def _matplotlib_pyplot():
    """pyplot on the file-only Agg backend, or None when matplotlib is not installed."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    return plt


class Lesson:
    """What a tutorial prints and draws through: steps, matrices, figures.

    Parameters
    ----------
    name : str
        The tutorial, used to name its figures (``<name>_<figure>.png``).
    plot_dir : str or None
        Directory for the PNG figures; None draws nothing.
    quick : bool
        Smaller sizes (the test suite).
    out : file
        Where the text goes (stdout by default).
    """

    def __init__(self, name, plot_dir=None, quick=False, out=None):
        self.name = name
        self.quick = bool(quick)
        self.out = out if out is not None else sys.stdout
        self.plot_dir = plot_dir
        self.figures = []           # paths written
        self._plt = None
        self._told = False
        if plot_dir is not None:
            self._plt = _matplotlib_pyplot()
            if self._plt is None:
                self.say("(figures need matplotlib, which is not installed: %s)" % PLOT_HINT)
            else:
                os.makedirs(plot_dir, exist_ok=True)

    # ---- text ------------------------------------------------------------------------
    def say(self, text=""):
        print(text, file=self.out)

    def step(self, title):
        self.say()
        self.say("-- %s %s" % (title, "-" * max(3, 76 - len(title))))

    def show(self, label, A, precision=3):
        """Print a small matrix or vector under a label."""
        arr = np.asarray(A, dtype=float)
        text = np.array2string(arr, precision=precision, suppress_small=True,
                               max_line_width=100)
        self.say("%s =" % label)
        self.say("\n".join("    " + line for line in text.splitlines()))

    # ---- figures ---------------------------------------------------------------------
    @property
    def plotting(self):
        return self._plt is not None

    @contextlib.contextmanager
    def figure(self, tag, nrows=1, ncols=1, size=(5.0, 3.6)):
        """Yield (fig, axes) and save ``<plot_dir>/<name>_<tag>.png``; yield None when
        not plotting (the lesson skips its drawing code)."""
        if not self.plotting:
            yield None
            return
        plt = self._plt
        fig, axes = plt.subplots(nrows, ncols, figsize=size, squeeze=False)
        try:
            yield fig, (axes[0, 0] if nrows * ncols == 1 else axes.ravel())
            fig.tight_layout()
            path = os.path.join(self.plot_dir, "%s_%s.png" % (self.name, tag))
            fig.savefig(path, dpi=72)
            self.figures.append(path)
        finally:
            plt.close(fig)

    def finish(self):
        self.say()
        if self.figures:
            self.say("figures written: %s" % ", ".join(self.figures))
        elif self.plot_dir is None:
            hint = ("" if _matplotlib_pyplot() is not None
                    else " (needs matplotlib: %s)" % PLOT_HINT)
            self.say("run with --plot DIR to draw this lesson's figures%s" % hint)


def run(name, plot_dir=None, quick=False, out=None):
    """Run one lesson; return the dict of numbers it measured (and ``figures``)."""
    module = _module(name)
    lesson = Lesson(name, plot_dir=plot_dir, quick=quick, out=out)
    doc = (module.__doc__ or "").strip().splitlines()
    lesson.say("== %s: %s ==" % (name, doc[0] if doc else ""))
    lesson.say("(the lesson's text: rusty_machine/tutorials/%s.py)" % name)
    result = module.run(lesson) or {}
    lesson.finish()
    result["figures"] = list(lesson.figures)
    return result


def main(name=None, plot_dir=None, quick=False):
    """The ``tutorial`` command."""
    if name is None:
        list_tutorials()
        return 0
    if name not in TUTORIALS and name != "all":
        print("unknown tutorial %r (choose from %s)" % (name, ", ".join(TUTORIALS)),
              file=sys.stderr)
        return 2
    if name == "all":
        for n in TUTORIALS:
            run(n, plot_dir, quick)
        return 0
    run(name, plot_dir, quick)
    return 0

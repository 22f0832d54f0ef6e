"""rusty_machine: machine learning on linear algebra written from scratch.

A Python rebuild of the Rust library rusty-machine and its linear-algebra crate rulinalg.

    rusty_machine.linalg     Matrix, Vector, GEMM, LU / Cholesky / QR / eigen / SVD
    rusty_machine.learning   estimators with scikit-learn's fit / predict contract
    rusty_machine.data       transforms (Standardizer, MinMaxScaler, ...)
    rusty_machine.analysis   metrics and cross-validation
    rusty_machine.datasets   bundled data: load_iris(), load_trees()

``python -m rusty_machine demo | bench | info`` from the command line.
"""
import contextlib as _contextlib

from .exceptions import ConvergenceWarning, LinAlgError, NotFittedError

__version__ = "0.1.0"

__all__ = ["set_num_threads", "get_num_threads", "num_threads", "show_config",
           "LinAlgError", "NotFittedError", "ConvergenceWarning", "__version__"]


def set_num_threads(n):
    """Set the number of threads for GEMM and the parallel model loops.

    Parameters
    ----------
    n : int or None
        A positive count, or None to go back to the default (``OMP_NUM_THREADS``,
        else the CPUs available to this process).
    """
    from .linalg import blas
    if n is not None:
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError("number of threads must be an int or None, got %r" % (n,))
        if n < 1:
            raise ValueError("number of threads must be >= 1, got %d" % n)
    blas._set_num_threads(0 if n is None else n)


def get_num_threads():
    """The number of threads a top-level kernel will use (1 without OpenMP)."""
    from .linalg import blas
    return blas._get_num_threads()


@_contextlib.contextmanager
def num_threads(n):
    """Context manager: run the enclosed block with ``n`` threads, then restore.

    >>> with rusty_machine.num_threads(1):
    ...     C = A @ B
    """
    from .linalg import blas
    previous = blas._get_num_threads()
    set_num_threads(n)
    try:
        yield
    finally:
        blas._set_num_threads(previous)


def show_config(file=None):
    """Print the version, the GEMM micro-kernel in use, OpenMP and the thread count."""
    import sys
    import platform
    import numpy as np
    from .linalg import blas
    out = file if file is not None else sys.stdout
    info = blas._config()
    lines = [
        "rusty_machine %s" % __version__,
        "  python        %s (%s)" % (platform.python_version(), platform.machine()),
        "  numpy         %s (interop only)" % np.__version__,
        "  gemm kernel   %s (tiles: float64 %s, float32 %s)" % (
            info["kernel"], info["tiles"]["float64"], info["tiles"]["float32"]),
        "  kernels here  %s" % ", ".join(info["supported_kernels"]),
        "  cpu           avx2+fma: %s, avx512f: %s" % (
            "yes" if info["avx2"] else "no", "yes" if info["avx512f"] else "no"),
        "  openmp        %s" % ("on" if info["openmp"] else "off (serial build)"),
        "  threads       %d" % info["threads"],
    ]
    print("\n".join(lines), file=out)

"""rusty_machine.dask: fit and predict on Dask arrays, on one machine or a cluster.

The estimators here take a ``dask.array.Array`` chunked along its rows and run their
per-chunk work (our compiled kernels, which release the GIL) as Dask tasks; Dask's own
schedulers and ``distributed`` do the distribution. Each ends as an ordinary fitted
rusty_machine estimator: it subclasses the in-memory one, predicts on numpy input
without Dask, pickles, and ``to_local()`` gives the plain in-memory estimator.

* ``LinearRegression``, ``Ridge``, ``PCA``: tall-skinny QR (TSQR) with a tree reduction
  of the R factors, then our triangular solve / SVD of the small R;
* ``KMeans``: k-means|| seeding and Lloyd iterations reduced over chunks;
* ``LogisticRegression``: L-BFGS on the full objective, loss and gradient summed over
  chunks;
* ``GaussianNB``: per-class sufficient statistics reduced over chunks;
* ``ParallelPostFit``: predict / transform / score of any fitted estimator mapped lazily
  over the chunks; ``Incremental``: the chunks streamed through ``partial_fit``.

Install the optional dependencies with ``pip install 'rusty_machine[dask]'``.
``rusty_machine.learning`` never imports Dask; this package needs it.
"""
try:
    import dask                      # noqa: F401
    import dask.array                # noqa: F401
except ImportError as exc:           # pragma: no cover - exercised in a subprocess
    raise ImportError(
        "rusty_machine.dask needs Dask (dask[array]; distributed for a cluster), which is "
        "not installed: pip install 'rusty_machine[dask]'  (%s)" % exc) from exc

from .._lazy import lazy_exports

_EXPORTS = {
    "LinearRegression": "linear_model", "Ridge": "linear_model",
    "LogisticRegression": "linear_model",
    "PCA": "decomposition",
    "KMeans": "cluster",
    "GaussianNB": "naive_bayes",
    "ParallelPostFit": "wrappers", "Incremental": "wrappers",
    "tsqr_r": "_tsqr",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)

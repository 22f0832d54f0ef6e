"""Input checks and the chunk plumbing shared by the Dask estimators.

What the distributed algorithms need from their input, and the ValueError each refusal
raises (the message says which):

* a 2-D array chunked along rows only (every chunk holds whole rows): a column-chunked
  array is refused with the ``rechunk`` that fixes it;
* known chunk sizes (an array built by boolean indexing or from a dataframe of unknown
  length has NaN in ``chunks``): refused with ``compute_chunk_sizes()`` as the fix;
* finite values: every task checks its own chunk and names it ("chunk 3, rows 300 to
  400, contains NaN") - the check runs where the data are, so nothing is gathered.

A numpy array (or any array-like) is accepted too and wrapped as a one-chunk Dask array.
The per-chunk work is built with ``dask.delayed`` over ``Array.to_delayed()``; partial
results are combined by a tree reduction (fan-in ``split_every``), so the client only
ever receives the final small result.
"""
import numpy as np

from ..learning.validation import check_array

__all__ = ["as_row_chunked", "rows_like", "Chunk", "chunks_of", "tree_reduce", "check_block",
           "compute"]


def _da():
    import dask.array as da
    return da


def is_dask_array(x):
    """True for a ``dask.array.Array``."""
    try:
        import dask.array as da
    except ImportError:                  # pragma: no cover
        return False
    return isinstance(x, da.Array)


def _check_known(arr, name):
    if any(np.isnan(c) for dim in arr.chunks for c in dim):
        raise ValueError("%s has unknown chunk sizes (NaN in %s.chunks, e.g. after boolean "
                         "indexing); call %s.compute_chunk_sizes() (or rechunk to known "
                         "sizes) first" % (name, name, name))


def as_row_chunked(X, name="X", estimator=None):
    """A 2-D Dask array with whole rows in each chunk, float64.

    Parameters
    ----------
    X : dask.array.Array or array-like of shape (n_samples, n_features)

    Returns
    -------
    dask.array.Array
    """
    da = _da()
    if not isinstance(X, da.Array):
        arr = check_array(X, name=name, estimator=estimator)
        return da.from_array(arr, chunks=(max(arr.shape[0], 1), arr.shape[1]))
    if X.ndim != 2:
        raise ValueError("Expected a 2-D dask array for %s, got %d dimension(s) (shape %s)"
                         % (name, X.ndim, X.shape))
    _check_known(X, name)
    if len(X.chunks[1]) > 1:
        raise ValueError("%s is chunked along its columns (column chunks %s): the "
                         "distributed estimators need whole rows in every chunk; use "
                         "%s.rechunk({1: -1})" % (name, X.chunks[1], name))
    if X.shape[0] < 1:
        raise ValueError("Found array with 0 sample(s) (shape=%s) while a minimum of 1 is "
                         "required." % (X.shape,))
    if X.shape[1] < 1:
        raise ValueError("Found array with 0 feature(s) (shape=%s) while a minimum of 1 is "
                         "required." % (X.shape,))
    if X.dtype.kind in "US" or X.dtype.kind == "O":
        raise ValueError("%s contains strings or objects; numeric data is required" % name)
    if X.dtype.kind == "c":
        raise ValueError("Complex data not supported: %s is complex" % name)
    if X.dtype != np.float64:
        X = X.astype(np.float64)
    return X


def rows_like(v, X, name="y", allow_2d=False, numeric=False):
    """A 1-D (or, with ``allow_2d``, 2-D) Dask array whose row chunks are X's.

    None stays None; a numpy array-like is wrapped with X's row chunks; a Dask array with
    other row chunks is rechunked to X's."""
    if v is None:
        return None
    da = _da()
    if not isinstance(v, da.Array):
        arr = np.asarray(v)
        if numeric:
            arr = arr.astype(np.float64)
        v = da.from_array(arr, chunks=(X.chunks[0],) + tuple((s,) for s in arr.shape[1:]))
    _check_known(v, name)
    if v.ndim not in ((1, 2) if allow_2d else (1,)):
        if v.ndim == 2 and v.shape[1] == 1:
            v = v[:, 0]
        else:
            raise ValueError("%s must be 1-D%s, got shape %s"
                             % (name, " or 2-D" if allow_2d else "", v.shape))
    if v.shape[0] != X.shape[0]:
        raise ValueError("Found input variables with inconsistent numbers of samples: X has "
                         "%d, %s has %d" % (X.shape[0], name, v.shape[0]))
    if v.ndim == 2 and len(v.chunks[1]) > 1:
        v = v.rechunk({1: -1})
    if v.chunks[0] != X.chunks[0]:
        v = v.rechunk({0: X.chunks[0]})
    if numeric and v.dtype != np.float64:
        v = v.astype(np.float64)
    return v


class Chunk:
    """Where one row chunk sits: its index and first row (for error messages and for
    seeding per-chunk random streams)."""
    __slots__ = ("index", "start", "stop")

    def __init__(self, index, start, stop):
        self.index, self.start, self.stop = index, start, stop

    def __repr__(self):
        return "chunk %d (rows %d to %d)" % (self.index, self.start, self.stop)


def chunks_of(X, *others):
    """[(Chunk, X block, other blocks...)] with delayed blocks, one tuple per row chunk.

    ``others`` are arrays with X's row chunks (see :func:`rows_like`) or None."""
    xb = X.to_delayed()
    xb = xb.reshape(xb.shape[0], -1)[:, 0]
    parts = []
    for o in others:
        if o is None:
            parts.append([None] * len(xb))
        else:
            ob = o.to_delayed()
            parts.append(list(ob.reshape(ob.shape[0], -1)[:, 0]))
    bounds = np.concatenate([[0], np.cumsum(X.chunks[0])]).astype(np.int64)
    out = []
    for i in range(len(xb)):
        out.append((Chunk(i, int(bounds[i]), int(bounds[i + 1])), xb[i])
                   + tuple(p[i] for p in parts))
    return out


def check_block(block, chunk, name="X", finite=True):
    """Inside a task: the block as a C-contiguous float64 array, finite (else a ValueError
    naming the chunk). ``finite=False`` skips the scan, for the later passes of a fit
    whose first pass has checked every chunk already."""
    b = np.ascontiguousarray(block, dtype=np.float64)
    if finite and not np.isfinite(b).all():
        what = "NaN" if np.isnan(b).any() else "infinity"
        raise ValueError("Input %s: %r contains %s" % (name, chunk, what))
    return b


def tree_reduce(parts, combine, split_every=8):
    """Combine delayed partial results pairwise-up-a-tree: groups of ``split_every``
    are merged by ``combine(list)`` until one delayed value remains."""
    from dask import delayed
    parts = list(parts)
    if not parts:
        raise ValueError("nothing to reduce: the array has no chunks")
    merge = delayed(combine, pure=True)
    while len(parts) > 1:
        parts = [merge(parts[i:i + split_every]) if len(parts[i:i + split_every]) > 1
                 else parts[i] for i in range(0, len(parts), split_every)]
    return parts[0]


def compute(*values):
    """dask.compute with whatever scheduler is active (a distributed Client, or the
    configured local scheduler)."""
    import dask
    return dask.compute(*values)


def task(fn):
    """``dask.delayed(fn, pure=True)``: a per-chunk task."""
    from dask import delayed
    return delayed(fn, pure=True)

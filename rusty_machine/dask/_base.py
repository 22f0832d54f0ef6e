"""What every Dask estimator shares: the column moments pass, predict mapped over
chunks, and the conversion to the plain in-memory estimator.

Column moments are combined across chunks with the pairwise update of Chan, Golub &
LeVeque (1979): for parts a and b with weights W_a, W_b, means m_a, m_b and weighted
sums of squared deviations M_a, M_b,

    W = W_a + W_b,   m = m_a + (m_b - m_a) W_b / W,
    M = M_a + M_b + (m_b - m_a)^2 W_a W_b / W,

which never subtracts two large sums of squares (the textbook sum(x^2) - n mean^2 does).

References
----------
[1] T. F. Chan, G. H. Golub & R. J. LeVeque, "Updating formulae and a pairwise algorithm
    for computing sample variances", Stanford CS report STAN-CS-79-773, 1979.
"""
import numpy as np

from ..linalg.blas import gemv
from ._checks import check_block, chunks_of, is_dask_array, task, tree_reduce

__all__ = ["moments_graph", "combine_moments", "DaskEstimatorMixin"]


def _chunk_moments(block, chunk, y_block, w_block):
    """(W, mean, M2) of the columns of [X_i, Y_i] with weights w_i (one chunk)."""
    A = check_block(block, chunk, "X")
    if y_block is not None:
        Y = check_block(y_block, chunk, "y").reshape(A.shape[0], -1)
        A = np.concatenate([A, Y], axis=1)
    if w_block is None:
        w = np.ones(A.shape[0])
    else:
        w = check_block(w_block, chunk, "sample_weight")
        if (w < 0).any():
            raise ValueError("Negative values in sample_weight (%r)" % (chunk,))
    W = float(w.sum())
    if W == 0:
        return 0.0, np.zeros(A.shape[1]), np.zeros(A.shape[1])
    mean = gemv(A, w, trans=True) / W                 # A' w / W
    D = A - mean
    D *= D
    return W, mean, gemv(D, w, trans=True)            # (A - mean)^2' w


def combine_moments(parts):
    """Chan-Golub-LeVeque pairwise combination of (W, mean, M2) triples [1]."""
    W, mean, M2 = parts[0]
    mean, M2 = np.array(mean), np.array(M2)
    for Wb, mb, Mb in parts[1:]:
        if Wb == 0:
            continue
        if W == 0:
            W, mean, M2 = Wb, np.array(mb), np.array(Mb)
            continue
        tot = W + Wb
        delta = mb - mean
        mean = mean + delta * (Wb / tot)
        M2 = M2 + Mb + delta * delta * (W * Wb / tot)
        W = tot
    return W, mean, M2


def moments_graph(X, Y=None, sample_weight=None, split_every=8):
    """Delayed (W, mean, M2) of the columns of [X, Y] (also checks every chunk)."""
    leaf = task(_chunk_moments)
    return tree_reduce([leaf(xb, ch, yb, wb) for ch, xb, yb, wb in
                        chunks_of(X, Y, sample_weight)], combine_moments, split_every)


def _apply_method(block, estimator, method):
    return getattr(estimator, method)(block)


def map_method(estimator, method, X):
    """``estimator.method`` applied to every row chunk of the Dask array X, lazily.

    The output's dtype and column count come from one call on a single row of zeros
    (our estimators refuse zero-row input), so ``meta`` and the chunks are right without
    computing anything."""
    from ._checks import as_row_chunked
    X = as_row_chunked(X, estimator=estimator)
    probe = np.asarray(getattr(estimator, method)(np.zeros((1, X.shape[1]))))
    if probe.ndim == 1:
        return X.map_blocks(_apply_method, estimator, method, dtype=probe.dtype,
                            drop_axis=1, meta=np.empty((0,), dtype=probe.dtype))
    return X.map_blocks(_apply_method, estimator, method, dtype=probe.dtype,
                        chunks=(X.chunks[0], (probe.shape[1],)),
                        meta=np.empty((0, 0), dtype=probe.dtype))


class DaskEstimatorMixin:
    """Mixin placed before the in-memory estimator class: Dask input goes to
    ``_fit_dask``, predictions on Dask input are mapped lazily over its chunks, and
    ``to_local()`` returns the plain in-memory estimator with the same fitted state."""

    _local_class = None            # the in-memory estimator this one extends
    _lazy_fitted = ()              # fitted attributes that may hold Dask arrays

    @staticmethod
    def _any_dask(*values):
        return any(is_dask_array(v) for v in values)

    def to_local(self):
        """The fitted state as an instance of the in-memory rusty_machine estimator
        (no Dask needed to use or unpickle it). Fitted attributes holding a lazy Dask
        array (such as KMeans' ``labels_``) are left out."""
        names = self._local_class._get_param_names()
        local = self._local_class(**{k: v for k, v in self.get_params(deep=False).items()
                                     if k in names})
        for key, value in vars(self).items():
            if key.endswith("_") and not key.startswith("__") and not is_dask_array(value):
                setattr(local, key, value)
        return local

    def _mapped(self, method, X):
        return map_method(self.to_local(), method, X)

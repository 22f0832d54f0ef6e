"""Small seeded data sets as Dask arrays with several uneven row chunks (one of them
shorter than the number of features, to exercise trapezoidal R factors)."""
import numpy as np

import dask.array as da

ROW_CHUNKS = (60, 45, 3, 50, 29)          # 187 rows


def chunked(a, row_chunks=ROW_CHUNKS):
    a = np.asarray(a)
    return da.from_array(a, chunks=(row_chunks,) + a.shape[1:])


def regression(n_features=5, seed=0, offset=3.0):
    rng = np.random.RandomState(seed)
    n = sum(ROW_CHUNKS)
    X = rng.randn(n, n_features) * rng.uniform(0.5, 3, n_features) + offset
    y = X @ rng.randn(n_features) + 0.3 * rng.randn(n) + 1.5
    return X, y


def blobs(k=4, n_features=3, seed=0):
    rng = np.random.RandomState(seed)
    n = sum(ROW_CHUNKS)
    centres = rng.uniform(-10, 10, size=(k, n_features))
    labels = rng.randint(k, size=n)
    return centres[labels] + rng.randn(n, n_features), labels

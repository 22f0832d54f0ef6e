"""Bad input: a clear ValueError that says which (column chunks, unknown chunk sizes,
NaN in a chunk), and a clear ImportError naming the extra when Dask is missing."""
import pathlib
import subprocess
import sys
import warnings

import numpy as np
import pytest

import dask.array as da
from _dask_data import blobs, chunked, regression

from rusty_machine import dask as rmd
from rusty_machine import learning
from rusty_machine.exceptions import ConvergenceWarning

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _all_fits():
    X, y = regression()
    Xb, yb = blobs(k=3)
    return [
        (rmd.LinearRegression(), X, y), (rmd.Ridge(), X, y), (rmd.PCA(), X, None),
        (rmd.KMeans(3, random_state=0), Xb, None),
        (rmd.LogisticRegression(), Xb, yb), (rmd.GaussianNB(), Xb, yb),
        (rmd.Incremental(learning.GaussianNB()), Xb, yb),
    ]


def _fit(model, X, y):
    kw = {"classes": [0, 1, 2]} if isinstance(model, rmd.Incremental) else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X) if y is None else model.fit(X, y, **kw)


@pytest.mark.parametrize("case", range(7))
def test_column_chunked_array(case):
    model, X, y = _all_fits()[case]
    Xd = da.from_array(X, chunks=(50, 2))
    with pytest.raises(ValueError, match=r"chunked along its columns.*rechunk\(\{1: -1\}\)"):
        _fit(model, Xd, None if y is None else chunked(y, Xd.chunks[0]))


@pytest.mark.parametrize("case", range(7))
def test_unknown_chunk_sizes(case):
    model, X, y = _all_fits()[case]
    Xd = chunked(X)
    keep = da.from_array(np.arange(len(X)) % 7 != 0, chunks=Xd.chunks[0])
    Xu = Xd[keep]                                    # boolean indexing: NaN chunk sizes
    assert np.isnan(Xu.shape[0])
    with pytest.raises(ValueError, match=r"unknown chunk sizes.*compute_chunk_sizes"):
        _fit(model, Xu, None if y is None else chunked(y)[keep])


@pytest.mark.parametrize("case", range(7))
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_in_one_chunk_names_the_chunk(case, bad):
    model, X, y = _all_fits()[case]
    X = X.copy()
    X[110, 1] = bad                                  # rows 108..110: chunk 2 (3 rows)
    what = "NaN" if np.isnan(bad) else "infinity"
    with pytest.raises(ValueError, match=r"chunk 2 \(rows 105 to 108\)|chunk 3 \(rows "
                                         r"108 to 158\) contains " + what):
        _fit(model, chunked(X), None if y is None else chunked(y))


def test_nan_in_target_and_weights():
    X, y = regression()
    y = y.copy()
    y[5] = np.nan
    with pytest.raises(ValueError, match=r"Input y: chunk 0 \(rows 0 to 60\) contains NaN"):
        rmd.LinearRegression().fit(chunked(X), chunked(y))
    w = np.ones(len(X))
    w[-1] = -1.0
    with pytest.raises(ValueError, match="Negative values in sample_weight"):
        rmd.LinearRegression().fit(chunked(X), chunked(regression()[1]),
                                   sample_weight=chunked(w))


def test_shapes_and_types():
    X, y = regression()
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        rmd.LinearRegression().fit(chunked(X), chunked(y[:-1], (60, 45, 3, 50, 28)))
    with pytest.raises(ValueError, match="2-D dask array"):
        rmd.PCA().fit(chunked(X[:, 0]))
    with pytest.raises(ValueError, match="strings"):
        rmd.PCA().fit(da.from_array(np.array([["a", "b"]] * 4), chunks=2))
    with pytest.raises(ValueError, match="n_clusters=200"):
        rmd.KMeans(200).fit(chunked(X))
    fitted = rmd.PCA(2).fit(chunked(X))
    with pytest.raises(ValueError, match="features"):
        fitted.transform(chunked(X[:, :3])).compute()
    # a chunk mismatch between X and y is not an error: y is rechunked to X's rows
    ours = rmd.LinearRegression().fit(chunked(X), da.from_array(y, chunks=17))
    ref = learning.LinearRegression().fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-12)


def test_missing_dask_gives_an_import_error_naming_the_extra():
    code = ("import sys; sys.modules['dask'] = None\n"
            "import rusty_machine.learning as L; L.KMeans; L.LinearRegression\n"
            "from rusty_machine.learning import k_means, linear_regression, naive_bayes\n"
            "try:\n    import rusty_machine.dask\nexcept ImportError as e:\n"
            "    print('ERR', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "ERR rusty_machine.dask needs Dask" in out.stdout
    assert "pip install 'rusty_machine[dask]'" in out.stdout


def test_learning_never_imports_dask():
    code = ("import sys, rusty_machine, rusty_machine.learning as L\n"
            "for name in L.__all__: getattr(L, name)\n"
            "import rusty_machine.learning.optim, rusty_machine.learning.kernels\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('dask', 'distributed')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_kmeans_score_checks_its_chunks():
    X, _ = blobs(k=3)
    model = rmd.KMeans(3, random_state=0).fit(chunked(X))
    X = X.copy()
    X[70, 0] = np.nan
    with pytest.raises(ValueError, match=r"chunk 1 \(rows 60 to 105\) contains NaN"):
        model.score(chunked(X))

"""The fused assignment kernel of k-means (csrc/rm_kmeans_assign.h) and the float32 path:
labels against a float64 brute-force reference, the same numbers on every instruction set,
Lloyd and Hamerly in agreement on adversarial data, float32 fits close to float64 ones."""
import os
import subprocess
import sys

import numpy as np
import pytest

import rusty_machine as rm
from rusty_machine.learning import KMeans
from rusty_machine.learning import _k_means


def _reference(X, C):
    """Squared distances in float64 from the data as stored, and the rounding allowance
    of the kernel's expansion in X's dtype: (d + 4) eps (||x|| + max ||c||)^2."""
    X64, C64 = X.astype(np.float64), C.astype(np.float64)
    D = ((X64[:, None, :] - C64[None]) ** 2).sum(-1)
    eps = np.finfo(X.dtype).eps
    reach = np.sqrt((X64 ** 2).sum(1)) + np.sqrt((C64 ** 2).sum(1)).max()
    return D, 4 * (X.shape[1] + 4) * eps * reach ** 2


def _assign(X, C):
    labels = np.full(len(X), -1, dtype=np.int32)
    k, d = C.shape
    _k_means.lloyd_iter(X, np.ones(len(X)), C, np.empty((k, d)), np.empty(k), labels, False)
    return labels


def _check_labels(X, C, labels):
    """Each label is the first centre among those within rounding of the nearest."""
    D, tol = _reference(X, C)
    rows = np.arange(len(X))
    own = D[rows, labels]
    assert (own <= D.min(1) + tol).all()
    # no centre with a smaller index is clearly nearer or equally near (first on ties)
    for i in np.flatnonzero(labels > 0)[:200]:
        earlier = D[i, :labels[i]]
        assert (earlier > own[i] - tol[i]).all() or (earlier >= own[i]).all()
    return D, tol


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("k", [1, 2, 4, 5, 8, 11, 12, 13, 23, 24, 25, 36, 100, 257])
@pytest.mark.parametrize("d", [1, 3, 50])
def test_fused_labels_match_brute_force(dtype, k, d):
    # k covers one lane, part of a vector, one/two/three vectors of a block (12 doubles,
    # 24 floats) and several blocks; n = 301 is not a multiple of the 12-row panel
    rng = np.random.RandomState(1000 * k + d)
    X = rng.randn(301, d).astype(dtype)
    C = (X[rng.choice(len(X), k, replace=k > len(X))] + 0.1 * rng.randn(k, d)).astype(dtype)
    labels = _assign(X, C)
    D, tol = _check_labels(X, C, labels)
    # away from near-ties the label is the exact arg-min
    gap = np.sort(D, 1)[:, 1] - D.min(1) if k > 1 else np.full(len(X), np.inf)
    clear = gap > tol
    assert clear.mean() > 0.5          # (257 centres on a line leave many near-ties)
    np.testing.assert_array_equal(labels[clear], D.argmin(1)[clear])


_ISA_SCRIPT = r"""
import sys
import numpy as np
from rusty_machine.learning import _k_means
print(_k_means._assign_isa())
rng = np.random.RandomState(3)
for dtype in (np.float32, np.float64):
    for k, d in ((1, 4), (13, 50), (100, 7), (300, 20)):
        X = rng.randn(997, d).astype(dtype)
        C = X[rng.choice(len(X), k, replace=False)].copy()
        C[k // 2] = C[0]                                 # a duplicated centre
        lab = np.full(len(X), -1, dtype=np.int32)
        up, lo = np.empty(len(X)), np.empty(len(X))
        sums = np.empty((k, d))
        w = rng.uniform(0.5, 2.0, len(X))
        _k_means.hamerly_iter(X, _k_means.row_sq_norms(X), w, C, np.zeros(k), up, lo,
                              sums, np.empty(k), lab, False, True)
        sys.stdout.write(lab.tobytes().hex() + up.tobytes().hex() + lo.tobytes().hex()
                         + sums.tobytes().hex())
        sys.stdout.write("\n")
"""


def test_generic_and_vector_paths_give_the_same_numbers():
    """The scalar path sums each distance with the same fused multiply-adds in the same
    order as the AVX2 tiles, and the centre sums with the same separate roundings: the
    labels, Hamerly's bounds and the sums are bit for bit the same."""
    outs = {}
    for isa in ("generic", None):
        env = dict(os.environ)
        env.pop("RUSTY_MACHINE_KERNEL", None)
        if isa:
            env["RUSTY_MACHINE_KERNEL"] = isa
        run = subprocess.run([sys.executable, "-c", _ISA_SCRIPT], env=env,
                             capture_output=True, text=True, check=True)
        lines = run.stdout.split()
        outs[lines[0]] = lines[1:]
    assert "generic" in outs
    if len(outs) == 1:
        pytest.skip("no vector path on this machine")
    a, b = outs.values()
    assert a == b


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ties_and_duplicates_go_to_the_first_centre(dtype):
    # integer points and centres: every distance exact, ties everywhere; duplicated
    # centres (j and j + 13) never win over their first copy
    rng = np.random.RandomState(7)
    X = rng.randint(-3, 4, size=(500, 5)).astype(dtype)
    base = rng.randint(-3, 4, size=(13, 5)).astype(dtype)
    C = np.vstack([base, base])
    labels = _assign(X, C)
    D = ((X[:, None, :].astype(float) - C[None].astype(float)) ** 2).sum(-1)
    np.testing.assert_array_equal(labels, D.argmin(1))      # numpy: first on ties
    assert labels.max() < 13
    # duplicated points get the same label
    Xd = np.repeat(X[:50], 3, axis=0)
    np.testing.assert_array_equal(_assign(Xd, C), np.repeat(labels[:50], 3))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("scale", [1e-15, 1e-6, 1e6, 1e15])
def test_huge_and_tiny_magnitudes(dtype, scale):
    if dtype == np.float32 and scale in (1e-15, 1e15):
        scale = np.sqrt(scale)        # squared distances must stay in float32's range
    rng = np.random.RandomState(11)
    X = (scale * (rng.randn(600, 6) + 3.0)).astype(dtype)
    C = X[rng.choice(len(X), 20, replace=False)].copy()
    _check_labels(X, C, _assign(X, C))
    lloyd = KMeans(20, init=C, algorithm="lloyd", max_iter=50).fit(X)
    ham = KMeans(20, init=C, algorithm="hamerly", max_iter=50).fit(X)
    np.testing.assert_array_equal(ham.labels_, lloyd.labels_)
    np.testing.assert_array_equal(ham.cluster_centers_, lloyd.cluster_centers_)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_k_equals_one_and_k_equals_n(dtype):
    rng = np.random.RandomState(2)
    X = rng.randn(37, 4).astype(dtype)
    assert (_assign(X, X[:1].copy()) == 0).all()
    # every point is its own centre (distance 0, the others are farther)
    np.testing.assert_array_equal(_assign(X, X.copy()), np.arange(37))
    for alg in ("lloyd", "hamerly"):
        km = KMeans(37, init=X, algorithm=alg).fit(X)
        np.testing.assert_array_equal(km.labels_, np.arange(37))
        assert km.inertia_ == 0.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_hamerly_bounds_on_clustered_data_with_duplicates(dtype, n_threads):
    # tight, duplicated clusters: most bounds hold and skip their rows; every iteration
    # must keep upper >= the exact own distance and lower <= the exact second distance
    rng = np.random.RandomState(5)
    centres = 10 * rng.randn(30, 8)
    X = np.repeat(centres[rng.randint(30, size=700)] + 0.3 * rng.randn(700, 8), 2, axis=0)
    X = X.astype(dtype)
    k, d = 30, 8
    C = X[rng.choice(len(X), k, replace=False)].copy()
    x_sq = _k_means.row_sq_norms(X)
    w = np.ones(len(X))
    labels = np.full(len(X), -1, dtype=np.int32)
    up, lo = np.empty(len(X)), np.empty(len(X))
    sums, wsum = np.empty((k, d)), np.empty(k)
    delta = np.zeros(k)
    valid = False
    skipped = 0
    with rm.num_threads(n_threads):
        for _ in range(8):
            _k_means.hamerly_iter(X, x_sq, w, C, delta, up, lo, sums, wsum, labels, valid,
                                  True)
            np.testing.assert_array_equal(labels, _assign(X, C))
            D = np.sqrt(((X[:, None, :].astype(float) - C[None].astype(float)) ** 2).sum(2))
            own = D[np.arange(len(X)), labels]
            D[np.arange(len(X)), labels] = np.inf
            assert (up >= own * (1 - 1e-12)).all()
            assert (lo <= D.min(1) * (1 + 1e-12)).all()
            new = C.copy()
            nz = wsum > 0
            new[nz] = (sums[nz] / wsum[nz, None]).astype(dtype)
            delta = _k_means.center_moves(C, new)
            skipped += int((delta == 0).sum())
            C, valid = new, True
    assert skipped > 0                    # the loop reached a state where bounds matter


def test_float32_fit_agrees_with_float64():
    """The bench's workload, smaller: the float32 fit ends at the float64 answer to
    float32 accuracy (labels agree but for points within rounding of two centres)."""
    rng = np.random.RandomState(0)
    centres = 4 * rng.randn(40, 50)
    X = centres[rng.randint(40, size=8000)] + rng.randn(8000, 50)
    init = X[rng.choice(len(X), 40, replace=False)]
    f64 = KMeans(40, init=init, tol=0.0, max_iter=100).fit(X)
    f32 = KMeans(40, init=init.astype(np.float32), tol=0.0, max_iter=100).fit(
        X.astype(np.float32))
    assert f32.cluster_centers_.dtype == np.float32
    assert (f32.labels_ == f64.labels_).mean() > 0.999
    np.testing.assert_allclose(f32.cluster_centers_, f64.cluster_centers_, rtol=0,
                               atol=1e-4 * np.abs(X).max())
    assert f32.inertia_ == pytest.approx(f64.inertia_, rel=1e-5)

"""The MLPs' one-call mini-batch path (_nnet.DenseTrainer) and its fused Adam step
(csrc/rm_nnet_adam.h), against numpy references on seeded data, in float32 and float64:
the forward/backward pass with the row gather, the loss fused with the output delta, the
L2 penalty, and Adam with the penalty's gradient folded in."""
import pickle
import warnings

import numpy as np
import pytest

from rusty_machine.exceptions import ConvergenceWarning
from rusty_machine.learning import _nnet, _optim
from rusty_machine.learning.nnet import (BCE, GELU, MSE, CrossEntropy, L1, L2, LeakyReLU,
                                         Linear, MLPClassifier, ReLU, Sigmoid, Softmax, Tanh)
from rusty_machine.learning.nnet._network import _Network

DTYPES = [np.float32, np.float64]


def _tol(dtype, factor=64):
    return factor * float(np.finfo(dtype).eps)


# ---- numpy reference of a plain perceptron ------------------------------------------

_F = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
      "logistic": lambda z: 1 / (1 + np.exp(-z)), "identity": lambda z: z}
_DF = {"relu": lambda a: (a > 0).astype(a.dtype), "tanh": lambda a: 1 - a * a,
       "logistic": lambda a: a * (1 - a), "identity": lambda a: np.ones_like(a)}


def _reference(Ws, bs, hidden, out, X, Y, w, alpha):
    """(loss, [dW], [db]) of sum_i w_i loss_i / sum(w) + alpha/(2 sum w) sum ||W||^2,
    in float64 with numpy's matmul (Goodfellow et al., Deep Learning, Sec. 6.5)."""
    X, Y = X.astype(np.float64), Y.astype(np.float64)
    acts = [X]
    for k, (W, b) in enumerate(zip(Ws, bs)):
        Z = acts[-1] @ W.astype(np.float64) + b.astype(np.float64)
        if k < len(Ws) - 1:
            acts.append(_F[hidden](Z))
        elif out == "softmax":
            E = np.exp(Z - Z.max(axis=1, keepdims=True))
            acts.append(E / E.sum(axis=1, keepdims=True))
        else:
            acts.append(_F[out](Z))
    P, norm = acts[-1], w.sum()
    if out == "softmax":
        per_row = -np.sum(Y * np.log(P), axis=1)
    elif out == "logistic":
        per_row = -np.sum(Y * np.log(P) + (1 - Y) * np.log1p(-P), axis=1)
    else:
        per_row = 0.5 * np.sum((P - Y) ** 2, axis=1)
    loss = (w @ per_row + 0.5 * alpha * sum(np.sum(W.astype(np.float64) ** 2) for W in Ws)) / norm
    D = w[:, None] * (P - Y) / norm
    dWs, dbs = [], []
    for k in range(len(Ws) - 1, -1, -1):
        dWs.insert(0, acts[k].T @ D + alpha / norm * Ws[k].astype(np.float64))
        dbs.insert(0, D.sum(axis=0))
        if k > 0:
            D = (D @ Ws[k].T.astype(np.float64)) * _DF[hidden](acts[k])
    return loss, dWs, dbs


_ACT = {"relu": ReLU, "tanh": Tanh, "logistic": Sigmoid}
_OUT = {"softmax": (Softmax, CrossEntropy), "logistic": (Sigmoid, BCE),
        "identity": (None, MSE)}


def _net(widths, hidden, out, dtype, alpha=0.0, seed=0):
    layers = []
    for k in range(len(widths) - 1):
        layers.append(Linear(widths[k], widths[k + 1]))
        if k < len(widths) - 2:
            layers.append(_ACT[hidden]())
    act, crit = _OUT[out]
    if act is not None:
        layers.append(act())
    return _Network(layers, crit(), L2(alpha) if alpha > 0 else None,
                    np.random.RandomState(seed), dtype=dtype)


def _batch(widths, out, n_total, dtype, seed=1):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_total, widths[0]).astype(dtype)
    if out == "identity":
        Y = rng.randn(n_total, widths[-1])
    elif out == "logistic":
        Y = (rng.rand(n_total, widths[-1]) > 0.5).astype(float)
    else:
        Y = np.eye(widths[-1])[rng.randint(0, widths[-1], n_total)]
    return X, Y.astype(dtype), rng.rand(n_total) + 0.5


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("hidden,out", [("relu", "softmax"), ("tanh", "logistic"),
                                        ("logistic", "identity")])
def test_trainer_loss_and_gradient_match_numpy(dtype, hidden, out):
    widths = [7, 9, 5, 4]
    net = _net(widths, hidden, out, dtype, alpha=0.3)
    assert net.trainer is not None
    X, Y, w = _batch(widths, out, 40, dtype)
    rows = np.random.RandomState(2).permutation(40)[:23]
    loss = net.loss_and_grad(X, Y, w, rows=rows)
    Ws = [W for _, W, _, _, _ in net.views]
    bs = [b for _, _, b, _, _ in net.views]
    ref, dWs, dbs = _reference(Ws, bs, hidden, out, X[rows], Y[rows], w[rows], 0.3)
    tol = _tol(dtype, 256)
    assert abs(loss - ref) <= tol * abs(ref)
    for (_, _, _, gW, gb), dW, db in zip(net.views, dWs, dbs):
        assert gW.dtype == dtype and gb.dtype == dtype
        assert np.max(np.abs(gW - dW)) <= tol * np.max(np.abs(dW))
        assert np.max(np.abs(gb - db)) <= tol * np.max(np.abs(db))


@pytest.mark.parametrize("dtype", DTYPES)
def test_gathered_rows_give_the_bits_of_the_gathered_copy(dtype):
    widths = [6, 11, 3]
    net = _net(widths, "relu", "softmax", dtype, alpha=0.1)
    X, Y, w = _batch(widths, "softmax", 50, dtype)
    rows = np.random.RandomState(3).permutation(50)[:17]
    loss_rows = net.loss_and_grad(X, Y, w, rows=rows)
    grad_rows = net.grad.copy()
    loss_copy = net.loss_and_grad(X[rows], Y[rows], w[rows])
    assert loss_rows == loss_copy
    assert np.array_equal(grad_rows, net.grad)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("act", [ReLU, Tanh, LeakyReLU, GELU])
def test_trainer_matches_the_layer_by_layer_pass(dtype, act):
    # the same network through DenseTrainer and through _Network's generic path (the
    # trainer switched off): the same products, so the same numbers to rounding
    layers = [Linear(5, 8), act(), Linear(8, 6), act(), Linear(6, 3), Softmax()]
    fast = _Network(layers, CrossEntropy(), L2(0.2), np.random.RandomState(0), dtype=dtype)
    slow = _Network(layers, CrossEntropy(), L2(0.2), np.random.RandomState(0), dtype=dtype)
    slow.trainer = None
    X, Y, w = _batch([5, 3], "softmax", 30, dtype)
    a, b = fast.loss_and_grad(X, Y, w), slow.loss_and_grad(X, Y, w)
    assert abs(a - b) <= _tol(dtype, 8) * abs(b)
    assert np.allclose(fast.grad, slow.grad, rtol=_tol(dtype, 64),
                       atol=_tol(dtype, 64) * np.max(np.abs(slow.grad)))


def test_softmax_of_huge_logits_gives_a_finite_loss():
    net = _net([3, 4], "relu", "softmax", np.float64)
    net.theta[...] = 1e3                 # logits near 1e3 * 3: exp would overflow unshifted
    X, Y, w = _batch([3, 4], "softmax", 8, np.float64)
    loss = net.loss_and_grad(X, Y, w)
    assert np.isfinite(loss) and np.all(np.isfinite(net.grad))


def test_networks_outside_the_trainer_use_the_layer_path():
    layers = [Linear(3, 4), ReLU(), Linear(4, 2), Softmax()]
    assert _Network(layers, MSE(), None, np.random.RandomState(0)).trainer is None
    assert _Network(layers, CrossEntropy(), L1(0.1), np.random.RandomState(0)).trainer is None
    assert _Network(layers, CrossEntropy(), None, np.random.RandomState(0)).trainer is not None


def test_trainer_rejects_bad_batches():
    net = _net([4, 5, 3], "relu", "softmax", np.float64)
    X, Y, w = _batch([4, 3], "softmax", 10, np.float64)
    tr = net.trainer
    with pytest.raises(IndexError, match="out of range"):
        tr.loss_grad(X, Y, w, np.array([0, 10], dtype=np.intp), 2.0)
    with pytest.raises(IndexError, match="out of range"):
        tr.loss_grad(X, Y, w, np.array([-1], dtype=np.intp), 1.0)
    with pytest.raises(ValueError, match="features"):
        tr.loss_grad(X[:, :3].copy(), Y, w, None, 10.0)
    with pytest.raises(ValueError, match="rows"):
        tr.loss_grad(X, Y[:9], w, None, 10.0)
    with pytest.raises(ValueError, match="norm"):
        tr.loss_grad(X, Y, w, None, 0.0)
    with pytest.raises(ValueError, match="empty"):
        tr.loss_grad(X, Y, w, np.array([], dtype=np.intp), 1.0)
    with pytest.raises(ValueError):
        tr.loss_grad(X.astype(np.float32), Y, w, None, 10.0)      # not the network's dtype
    with pytest.raises(ValueError, match="fuse"):
        _nnet.DenseTrainer(net.theta, net.grad, [4, 5, 3], [0, 25], [20, 40], [3, 6],
                           [0.0, 0.0], "squared")
    with pytest.raises(ValueError, match="outside theta"):
        _nnet.DenseTrainer(net.theta, net.grad, [4, 5, 3], [0, 30], [20, 40], [3, 6],
                           [0.0, 0.0], "log")


# ---- the fused Adam step ---------------------------------------------------------------

def _adam_numpy(p, g, m, v, lr, b1, b2, eps, t, coef):
    """scikit-learn's _AdamOptimizer on one array, the L2 gradient coef * p added first,
    every operation in the array's dtype (numpy's promotion of Python floats)."""
    g = g + p.dtype.type(coef) * p
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * (g * g)
    step = p.dtype.type(lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t))
    return p - step * m / (np.sqrt(v) + p.dtype.type(eps)), m, v


@pytest.mark.parametrize("dtype", DTYPES)
def test_fused_adam_matches_numpy_and_its_scalar_path(dtype):
    net = _net([13, 7, 3], "relu", "softmax", dtype)        # segments of odd lengths
    rng = np.random.RandomState(4)
    n = net.theta.size
    net.grad[...] = rng.randn(n)
    m0, v0 = rng.randn(n).astype(dtype) * 0.1, rng.rand(n).astype(dtype) * 0.01
    theta0 = net.theta.copy()
    coef = 0.25
    # the reference: coef on the weights only, the biases unpenalised
    is_weight = np.zeros(n, bool)
    for _, W, _, _, _ in net.views:
        off = (W.__array_interface__["data"][0]
               - net.theta.__array_interface__["data"][0]) // net.theta.itemsize
        is_weight[off:off + W.size] = True
    refs = [_adam_numpy(theta0[mask], net.grad[mask], m0[mask], v0[mask], 1e-3, 0.9, 0.999,
                        1e-8, 7, coef if wt else 0.0)
            for mask, wt in ((is_weight, True), (~is_weight, False))]
    results = {}
    for vector in (True, False):
        net.theta[...] = theta0
        m, v = m0.copy(), v0.copy()
        ssq = net.trainer.adam_step(m, v, 1e-3, 0.9, 0.999, 1e-8, 7, coef, vector=vector)
        results[vector] = (net.theta.copy(), m, v)
        assert ssq == pytest.approx(np.sum(theta0[is_weight].astype(np.float64) ** 2),
                                    rel=_tol(np.float64))
        for (p_ref, m_ref, v_ref), mask in zip(refs, (is_weight, ~is_weight)):
            for got, ref in ((net.theta[mask], p_ref), (m[mask], m_ref), (v[mask], v_ref)):
                assert np.allclose(got, ref, rtol=_tol(dtype, 4), atol=0)
    # the vector and the scalar paths round alike: the same bits
    for a, b in zip(results[True], results[False]):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("dtype", DTYPES)
def test_fused_adam_without_penalty_is_the_library_adam(dtype):
    net = _net([6, 5, 2], "tanh", "logistic", dtype)
    rng = np.random.RandomState(5)
    net.grad[...] = rng.randn(net.theta.size)
    theta, m, v = net.theta.copy(), np.zeros_like(net.theta), np.zeros_like(net.theta)
    for t in (1, 2, 3):
        net.trainer.adam_step(m, v, 0.01, 0.9, 0.999, 1e-8, t)
    # the library's Adam (optim.Adam(epsilon_hat=True) -> _optim.adam_update) from zero
    theta_ref = net.theta.copy()
    p, m_ref, v_ref = theta.copy(), np.zeros_like(theta), np.zeros_like(theta)
    for t in (1, 2, 3):
        _optim.adam_update(p, net.grad, m_ref, v_ref, 0.01, 0.9, 0.999, 1e-8, t, True)
    assert np.allclose(theta_ref, p, rtol=_tol(dtype, 4), atol=0)
    assert np.allclose(m, m_ref, rtol=_tol(dtype, 4), atol=0)


def test_fused_adam_rejects_bad_moments():
    net = _net([3, 2], "relu", "softmax", np.float64)
    m = np.zeros(net.theta.size)
    with pytest.raises(ValueError, match="moments"):
        net.trainer.adam_step(m[:-1], m, 1e-3, 0.9, 0.999, 1e-8, 1)
    with pytest.raises(ValueError, match="starts at 1"):
        net.trainer.adam_step(m, m.copy(), 1e-3, 0.9, 0.999, 1e-8, 0)
    with pytest.raises(ValueError):
        net.trainer.adam_step(m.astype(np.float32), m.astype(np.float32), 1e-3, 0.9, 0.999,
                              1e-8, 1)


# ---- the estimator on the fast path ------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_fused_adam_fit_follows_the_step_by_step_fit(dtype):
    # one epoch through _MLPAdam.step_network (penalty folded in), then a partial_fit
    # after a pickle whose optimiser is stepped by optim.Adam.step (the penalty on the
    # layer path): both see the same moments, and the losses agree with a fit of two
    # epochs to rounding
    from sklearn.datasets import load_digits
    X, y = load_digits(return_X_y=True)
    X = (X[:300] / 16.0).astype(dtype)
    y = y[:300]
    params = dict(hidden_layer_sizes=(20,), alpha=0.05, random_state=0, shuffle=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        two = MLPClassifier(max_iter=2, **params).fit(X, y)
        one = MLPClassifier(max_iter=1, **params).fit(X, y)
    one = pickle.loads(pickle.dumps(one))
    one._net.trainer = None             # the rebuilt network on its layer-by-layer path
    one.set_params(warm_start=True).partial_fit(X, y)
    assert one.loss_curve_ == pytest.approx(two.loss_curve_, rel=_tol(dtype, 1024))
    assert np.allclose(one._net.theta, two._net.theta, rtol=0,
                       atol=_tol(dtype, 1024) * np.max(np.abs(two._net.theta)))

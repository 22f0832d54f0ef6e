"""Criteria (losses) and weight penalties of the networks.

A criterion gives the summed, sample-weighted loss of a batch (``total``, a loop of
``learning/_nnet.pyx``) and its gradient with respect to the network's output
(``gradient``, only needed when the output activation does not fuse with it: Softmax with
CrossEntropy, Sigmoid with BCE and Identity with MSE back-propagate P - Y directly).
A penalty adds scale * R(W) to the loss and scale * dR/dW to the weights' gradient.

Reference: Goodfellow, Bengio & Courville, "Deep Learning", MIT Press 2016, Sec. 6.2.2
(output units and their losses) and 7.1 (parameter norm penalties).
"""
import numpy as np

from .. import _nnet
from ._layers import Identity, Sigmoid, Softmax


class _Criterion:
    fused_with = None            # the output activation whose backward fuses to P - Y

    def __repr__(self):
        return "%s()" % type(self).__name__

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self).__name__)


class CrossEntropy(_Criterion):
    """loss_i = -sum_j y_ij log p_ij, for probabilities from a Softmax output."""
    fused_with = Softmax

    def total(self, P, Y, w):
        return _nnet.log_loss_sum(P, Y, w)

    def gradient(self, P, Y, w, scale):
        # dL/dP = -scale * w * Y / P   (only used when not fused with Softmax)
        return -scale * w[:, None] * Y / np.maximum(P, np.finfo(float).eps)


class BCE(_Criterion):
    """Binary cross-entropy, loss_i = -sum_j [y log p + (1 - y) log(1 - p)], for
    probabilities from a Sigmoid output."""
    fused_with = Sigmoid

    def total(self, P, Y, w):
        return _nnet.binary_log_loss_sum(P, Y, w)

    def gradient(self, P, Y, w, scale):
        eps = np.finfo(float).eps
        Pc = np.clip(P, eps, 1 - eps)
        return scale * w[:, None] * (Pc - Y) / (Pc * (1 - Pc))


class MSE(_Criterion):
    """Squared error, loss_i = 1/2 sum_j (p_ij - y_ij)^2 (the 1/2 makes dL/dp = p - y)."""
    fused_with = Identity

    def total(self, P, Y, w):
        return 0.5 * _nnet.squared_loss_sum(P, Y, w)

    def gradient(self, P, Y, w, scale):
        return scale * w[:, None] * (P - Y)


class _Regularization:
    def __init__(self, l):
        if not np.isfinite(l) or l < 0:
            raise ValueError("%s: the regularisation strength must be finite and >= 0, got %r"
                             % (type(self).__name__, l))
        self.l = float(l)

    def __repr__(self):
        return "%s(%r)" % (type(self).__name__, self.l)


class L2(_Regularization):
    """R(W) = l/2 sum ||W||^2, dR/dW = l W."""

    def value_and_grad(self, W, G, scale):
        """Return scale * R(W) and add scale * dR/dW to G (in place)."""
        if (W.dtype == G.dtype and W.dtype in (np.float32, np.float64)
                and W.flags.c_contiguous and G.flags.c_contiguous):
            # one fused pass (_nnet.pyx), no temporaries: once per layer and step
            ssq = _nnet.l2_value_grad(W.reshape(-1), G.reshape(-1), scale * self.l)
            return 0.5 * scale * self.l * ssq
        G += (scale * self.l) * W
        return 0.5 * scale * self.l * float(np.sum(W * W))


class L1(_Regularization):
    """R(W) = l sum |W|, dR/dW = l sign(W) (the subgradient 0 at 0)."""

    def value_and_grad(self, W, G, scale):
        G += (scale * self.l) * np.sign(W)
        return scale * self.l * float(np.sum(np.abs(W)))


class ElasticNet(_Regularization):
    """R(W) = l (ratio sum |W| + (1 - ratio)/2 sum ||W||^2)."""

    def __init__(self, l, ratio=0.5):
        super().__init__(l)
        if not 0.0 <= ratio <= 1.0:
            raise ValueError("ElasticNet: ratio must be in [0, 1], got %r" % (ratio,))
        self.ratio = float(ratio)

    def value_and_grad(self, W, G, scale):
        a, b = self.l * self.ratio, self.l * (1.0 - self.ratio)
        G += scale * (a * np.sign(W) + b * W)
        return scale * (a * float(np.sum(np.abs(W))) + 0.5 * b * float(np.sum(W * W)))

    def __repr__(self):
        return "ElasticNet(%r, ratio=%r)" % (self.l, self.ratio)

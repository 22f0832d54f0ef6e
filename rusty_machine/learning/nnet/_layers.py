"""Layers of the networks: the fully connected ``Linear`` and the elementwise
activations. An activation's ``code`` selects its loop in ``learning/_nnet.pyx``; its
``name`` is scikit-learn's ``activation=`` string.

References: Goodfellow, Bengio & Courville, "Deep Learning", MIT Press 2016, Sec. 6.3;
Hendrycks & Gimpel, "Gaussian Error Linear Units (GELUs)", arXiv:1606.08415, 2016.
"""
import numpy as np


class Linear:
    """Fully connected layer: Z = X W + b.

    Parameters
    ----------
    n_in, n_out : int
        Input and output widths.
    bias : bool
        Learn an intercept b (default True).

    Attributes
    ----------
    weights : ndarray of shape (n_in, n_out)
    bias_ : ndarray of shape (n_out,) or None
    """

    def __init__(self, n_in, n_out, bias=True):
        for name, v in (("n_in", n_in), ("n_out", n_out)):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
                raise TypeError("Linear: %s must be an int, got %r" % (name, v))
            if v < 1:
                raise ValueError("Linear: %s must be >= 1, got %d" % (name, v))
        self.n_in, self.n_out, self.bias = int(n_in), int(n_out), bool(bias)
        self.weights = None
        self.bias_ = None

    @property
    def n_params(self):
        return self.n_in * self.n_out + (self.n_out if self.bias else 0)

    def __repr__(self):
        return "Linear(%d, %d%s)" % (self.n_in, self.n_out, "" if self.bias else ", bias=False")


class _Activation:
    """An elementwise activation layer (code shared with _nnet.pyx)."""
    code = 0
    name = "identity"
    slope = 0.0

    def __repr__(self):
        return "%s()" % type(self).__name__

    def __eq__(self, other):
        return type(self) is type(other) and self.slope == other.slope

    def __hash__(self):
        return hash((type(self).__name__, self.slope))


class Identity(_Activation):
    """f(z) = z."""
    code, name = 0, "identity"


class Sigmoid(_Activation):
    """f(z) = 1 / (1 + exp(-z)), f' = f (1 - f)."""
    code, name = 1, "logistic"


class Tanh(_Activation):
    """f(z) = tanh(z), f' = 1 - f^2."""
    code, name = 2, "tanh"


class ReLU(_Activation):
    """f(z) = max(z, 0), f' = [z > 0]."""
    code, name = 3, "relu"


class LeakyReLU(_Activation):
    """f(z) = z for z > 0, negative_slope * z otherwise."""
    code, name = 4, "leaky_relu"

    def __init__(self, negative_slope=0.01):
        if not np.isfinite(negative_slope) or negative_slope < 0:
            raise ValueError("LeakyReLU: negative_slope must be finite and >= 0, got %r"
                             % (negative_slope,))
        self.slope = float(negative_slope)

    def __repr__(self):
        return "LeakyReLU(negative_slope=%r)" % self.slope


class GELU(_Activation):
    """f(z) = z Phi(z) with Phi the standard normal CDF (Hendrycks & Gimpel 2016)."""
    code, name = 5, "gelu"


class Softmax(_Activation):
    """f(z)_j = exp(z_j) / sum_k exp(z_k) over each row (computed with the row max
    subtracted). Backward alone: dL/dz = a * (dL/da - sum_k a_k dL/da_k)."""
    code, name = 6, "softmax"


_ACTIVATION_BY_NAME = {"identity": Identity, "logistic": Sigmoid, "tanh": Tanh, "relu": ReLU,
                       "leaky_relu": LeakyReLU, "gelu": GELU, "softmax": Softmax}

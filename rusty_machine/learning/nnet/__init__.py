"""Neural networks: rusty-machine's layer-level ``NeuralNet`` and scikit-learn-style
``MLPClassifier`` / ``MLPRegressor``, with forward and backward passes on our GEMM.

The package, read in this order:

    _layers.py    Linear and the activations (Identity, Sigmoid, Tanh, ReLU, ...)
    _losses.py    the criteria (CrossEntropy, BCE, MSE) and the penalties (L1, L2, ElasticNet)
    _network.py   the engine (forward, backward, flat parameters) and ``NeuralNet``
    _mlp.py       ``MLPClassifier`` / ``MLPRegressor``: scikit-learn's parameters on the engine

Their elementwise loops are in ``learning/_nnet.pyx``; every network is trained by the
optimisers of ``learning.optim`` (``step`` on the flat parameter vector, the one
implementation of SGD, AdaGrad, RMSProp and Adam), or by its L-BFGS for ``solver="lbfgs"``.
A plain perceptron (every MLP, and a NeuralNet of Linear layers whose output activation
fuses with its criterion) runs a whole mini-batch in one call of ``_nnet.DenseTrainer``,
the same steps as ``_network.py``'s layer-by-layer pass without the Python in between;
the MLPs' Adam steps it with the L2 gradient folded into the update.

A network is a sequence of layers. A fully connected layer computes, for a mini-batch X
of shape (n, n_in),

    Z = X W + b                                  (forward, one GEMM)

and, given the gradient of the loss with respect to its output, delta = dL/dZ,

    dL/dW = X^T delta,   dL/db = 1^T delta,   dL/dX = delta W^T   (backward, two GEMMs)

An activation layer applies f elementwise, A = f(Z), and back-propagates
dL/dZ = dL/dA * f'(Z). For the output pairs (softmax, cross-entropy), (logistic, binary
cross-entropy) and (identity, squared error) the two steps fuse into dL/dZ = (P - Y) / n,
which is both cheaper and numerically safer [1, Sec. 6.2.2].

The loss minimised is the mean over the samples (weighted by ``sample_weight`` when
given) plus a regularisation term that is divided by the same normaliser, so the value
and its gradient agree:

    L(theta) = (1 / sum_i w_i) * ( sum_i w_i loss(y_i, f(x_i)) + R(W) )
    L2(l): R = l/2 sum ||W||^2,  L1(l): R = l sum |W|,
    ElasticNet(l, r): R = l (r sum |W| + (1 - r)/2 sum ||W||^2)        (biases unpenalised)

All parameters of a network live in one flat vector (each layer's W and b are views
into it), so an optimiser step is one fused pass in Cython (learning/_optim.pyx, through
``optim``'s ``step``) and L-BFGS sees the network as a function of a single vector.

References
----------
[1] Goodfellow, Bengio & Courville, "Deep Learning", MIT Press 2016, Ch. 6 and 8.
[2] Glorot & Bengio, "Understanding the difficulty of training deep feedforward neural
    networks", AISTATS 2010 (uniform initialisation, bound sqrt(6 / (fan_in + fan_out))).
[3] He, Zhang, Ren & Sun, "Delving deep into rectifiers", ICCV 2015 (bound sqrt(6 / fan_in)).
[4] Kingma & Ba, "Adam: a method for stochastic optimization", ICLR 2015.
[5] scikit-learn's MLP user guide (parameter names, stopping rule, learning-rate schedules).
"""
from ._layers import GELU, Identity, LeakyReLU, Linear, ReLU, Sigmoid, Softmax, Tanh
from ._losses import BCE, L1, L2, MSE, CrossEntropy, ElasticNet
from ._mlp import MLPClassifier, MLPRegressor
from ._network import NeuralNet, _Network  # noqa: F401  (_Network: the engine, for tests)

__all__ = ["Linear", "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "GELU", "Softmax",
           "CrossEntropy", "BCE", "MSE", "L1", "L2", "ElasticNet",
           "NeuralNet", "MLPClassifier", "MLPRegressor"]

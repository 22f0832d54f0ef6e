"""The networks train with learning.optim's optimisers (one implementation of each
update): a NeuralNet epoch is exactly the optimiser's ``step`` on the flat parameters."""
import numpy as np
import pytest

from rusty_machine.learning import nnet, optim
from rusty_machine.learning.nnet import MSE, Linear, NeuralNet, Tanh


def _data():
    rng = np.random.RandomState(0)
    X = rng.randn(16, 3)
    return X, np.tanh(X @ np.array([[1.0], [-0.5], [0.25]]))


@pytest.mark.parametrize("opt", [
    optim.GradientDescent(0.1), optim.SGD(0.05, momentum=0.9, nesterov=True),
    optim.AdaGrad(0.1), optim.RMSProp(0.01), optim.Adam(0.01),
    optim.Adam(0.01, epsilon_hat=True)], ids=repr)
def test_neuralnet_epochs_are_optimizer_steps(opt):
    X, Y = _data()
    layers = [Linear(3, 4), Tanh(), Linear(4, 1)]
    # two full-batch epochs without shuffling: two steps of opt on the loss gradient
    model = NeuralNet(layers, MSE(), opt, batch_size=16, epochs=2, shuffle=False,
                      random_state=0).fit(X, Y)
    net = nnet._Network([Linear(3, 4), Tanh(), Linear(4, 1)], MSE(), None,
                        np.random.RandomState(0))
    by_hand = type(opt)(**opt.get_params())
    w = np.ones(len(X))
    for _ in range(2):
        net.loss_and_grad(X, Y, w)
        by_hand.step(net.theta, net.grad)
    assert np.array_equal(model._net.theta, net.theta)
    # the object given to NeuralNet is left as it was (a copy is trained)
    assert getattr(opt, "t", 0) == 0 and getattr(opt, "_state", None) is None


def test_neuralnet_rejects_a_non_first_order_optimizer():
    X, Y = _data()
    with pytest.raises(TypeError, match="optimizer"):
        NeuralNet([Linear(3, 1)], MSE(), optim.LBFGS()).fit(X, Y)


def test_step_handles_non_contiguous_parameters_like_contiguous_ones():
    rng = np.random.RandomState(1)
    P = rng.randn(4, 6)
    grads = [rng.randn(4, 3) for _ in range(3)]
    strided = P.copy()[:, ::2]              # a view with a column stride
    dense = np.ascontiguousarray(strided)
    a, b = optim.Adam(0.1), optim.Adam(0.1)
    for g in grads:
        a.step(strided, g)
        b.step(dense, g)
    assert np.array_equal(strided, dense)

"""Backpropagation: the chain rule, checked against finite differences, then training.

A feed-forward network is a composition: Z_1 = X W_1 + b_1, A_1 = tanh(Z_1), ...,
P = sigmoid(A_{L-1} W_L + b_L), and a loss L(P, y). Backpropagation [Rumelhart, Hinton &
Williams 1986; Goodfellow, Bengio & Courville, "Deep Learning", 2016, Sec. 6.5] is the
chain rule applied from the output back, reusing what the forward pass stored:

    delta_L = dL/dZ_L                         (for sigmoid + cross-entropy: P - y)
    dL/dW_l = A_{l-1}^T delta_l,  dL/db_l = sum of delta_l's rows
    delta_{l-1} = (delta_l W_l^T) * f'(Z_{l-1})

Two GEMMs per layer, the same cost as the forward pass. A wrong sign or a missed
transpose in it does not crash: training just goes worse, which is why every
implementation is checked against a finite difference, the derivative by definition:

    dL/dtheta_j  ~  (L(theta + h e_j) - L(theta - h e_j)) / (2 h),

accurate to O(h^2) plus a rounding error of O(eps / h): h ~ eps^(1/3) balances them.

How does this lesson read our gradient without reaching inside? One step of plain
gradient descent moves theta by -lr * grad. Two fits from the same initial weights,
each a single full-batch step, with learning rates 1 and 2, give theta - g and
theta - 2 g: their difference is the gradient g and twice the first minus the second is
the starting point theta.

Ours: the rusty_machine.learning.nnet module (NeuralNet and its layers; the MLPs), the forward
and backward passes written next to each other, the products by our GEMM
(rusty_machine.linalg.blas.gemm), the fused activations in rusty_machine/learning/_nnet.pyx.
"""
import numpy as np

from rusty_machine.learning.nnet import BCE, Linear, NeuralNet, Sigmoid, Tanh
from rusty_machine.learning.optim import SGD, Adam


def two_moons(n, noise, rng):
    t = rng.uniform(0, np.pi, n)
    upper = np.c_[np.cos(t), np.sin(t)]
    lower = np.c_[1.0 - np.cos(t), 0.5 - np.sin(t)]
    X = np.vstack([upper, lower]) + noise * rng.standard_normal((2 * n, 2))
    y = np.r_[np.zeros(n, int), np.ones(n, int)]
    return X, y


def layers(hidden):
    return [Linear(2, hidden), Tanh(), Linear(hidden, 1), Sigmoid()]


def run(lesson):
    say = lesson.say
    rng = np.random.default_rng(9)
    X, y = two_moons(60 if lesson.quick else 150, 0.12, rng)
    hidden = 8

    lesson.step("1. The gradient from one step of gradient descent (lr 1 and 2)")
    def one_step(lr):
        return NeuralNet(layers(hidden), criterion=BCE(), optimizer=SGD(lr), epochs=1,
                         batch_size=len(X), shuffle=False, random_state=0).fit(X, y)
    net1, net2 = one_step(1.0), one_step(2.0)
    lin1 = [l for l in net1.layers_ if isinstance(l, Linear)]
    lin2 = [l for l in net2.layers_ if isinstance(l, Linear)]
    grads = []
    for a, b in zip(lin1, lin2):
        grads.append((a.weights - b.weights, a.bias_ - b.bias_))      # g
        a.weights[...] = 2.0 * a.weights - b.weights                   # back to theta
        a.bias_[...] = 2.0 * a.bias_ - b.bias_
    lesson.show("dL/dW_2 (backprop), the output layer's %d weights" % hidden, grads[1][0].ravel())

    lesson.step("2. Central finite differences on every parameter")
    h = np.finfo(float).eps ** (1.0 / 3.0)
    worst = 0.0
    rows = []
    for li, (layer, (gW, gb)) in enumerate(zip(lin1, grads)):
        for arr, g, what in ((layer.weights, gW, "W"), (layer.bias_, gb, "b")):
            flat, gflat = arr.reshape(-1), g.reshape(-1)
            for j in range(flat.size):
                keep = flat[j]
                flat[j] = keep + h
                up = net1.loss(X, y)
                flat[j] = keep - h
                down = net1.loss(X, y)
                flat[j] = keep
                fd = (up - down) / (2.0 * h)
                rel = abs(fd - gflat[j]) / max(abs(fd) + abs(gflat[j]), 1e-12)
                worst = max(worst, rel)
                rows.append((li, what, j, float(gflat[j]), float(fd), float(rel)))
    for li, what, j, g, fd, rel in rows[:6] + rows[-3:]:
        say("  layer %d %s[%2d]: backprop %+.8f   finite difference %+.8f   rel. diff %.1e"
            % (li + 1, what, j, g, fd, rel))
    say("%d parameters, largest relative difference %.1e (h = eps^(1/3) = %.1e)"
        % (len(rows), worst, h))

    lesson.step("3. Training (Adam, mini-batches): loss per epoch and the boundary")
    epochs = 150 if lesson.quick else 300
    net = NeuralNet(layers(16), criterion=BCE(), optimizer=Adam(0.01), epochs=epochs,
                    batch_size=16,
                    random_state=0).fit(X, y)
    curve = list(net.loss_curve_)
    for e in [0, 1, 4, 9, epochs // 2 - 1, epochs - 1]:
        say("  epoch %3d: mean loss %.4f" % (e + 1, curve[e]))
    accuracy = float(np.mean(net.predict_classes(X) == y))
    say("training accuracy %.3f" % accuracy)

    with lesson.figure("training", 1, 2, size=(8.5, 3.4)) as f:
        if f:
            fig, (a0, a1) = f
            a0.plot(range(1, len(curve) + 1), curve)
            a0.set_xlabel("epoch")
            a0.set_ylabel("cross-entropy")
            a0.set_yscale("log")
            a0.set_title("loss curve", fontsize=9)
            gx = np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, 120)
            gy = np.linspace(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5, 100)
            GX, GY = np.meshgrid(gx, gy)
            P = net.predict(np.c_[GX.ravel(), GY.ravel()])[:, 0].reshape(GX.shape)
            a1.contourf(GX, GY, P, levels=20, cmap="RdBu_r", alpha=0.6)
            a1.contour(GX, GY, P, levels=[0.5], colors="k", linewidths=1)
            a1.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu_r", s=8, edgecolors="k",
                       linewidths=0.3)
            a1.set_title("decision boundary (accuracy %.2f)" % accuracy, fontsize=9)
    return {"rows": rows, "worst": worst, "curve": curve, "accuracy": accuracy}

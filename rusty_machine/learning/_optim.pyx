"""_optim.pyx: the fused per-parameter updates of the first-order optimisers.

``optim.py``'s GradientDescent, SGD, AdaGrad, RMSProp and Adam call these (through
``step``), and so does every network trainer (NeuralNet, MLPClassifier, MLPRegressor): one
implementation of each update. Each function updates a flat parameter vector
``p`` in place from its gradient ``g`` and the optimiser's state vectors, in one nogil
pass (no temporaries, where numpy would allocate one per operation). Written once for
float32 and float64 (``floating``): the parameters, the gradient and the state vectors
share one dtype, and so does the arithmetic (the scalar coefficients are rounded to it
once, as numpy does for ``float32_array * python_float``).

References
----------
[1] Goodfellow, Bengio & Courville, "Deep Learning", MIT Press 2016, Sec. 8.3-8.5 (SGD,
    momentum, AdaGrad, RMSProp, Adam).
[2] Sutskever, Martens, Dahl & Hinton, "On the importance of initialization and momentum
    in deep learning", ICML 2013 (Nesterov momentum in the form used below).
[3] Kingma & Ba, "Adam: a method for stochastic optimization", ICLR 2015, Alg. 1 and the
    reordered update at the end of Sec. 2.
"""
from libc.math cimport sqrt, sqrtf

from rusty_machine.linalg._floating cimport floating


cdef inline floating _sqrt(floating x) noexcept nogil:
    if floating is float:
        return sqrtf(x)
    else:
        return sqrt(x)


def sgd_update(floating[::1] p,            # INOUT parameters
               const floating[::1] g,      # IN    gradient
               floating[::1] vel,          # INOUT velocity (unused when momentum == 0)
               double lr, double momentum, bint nesterov):
    """SGD with (Nesterov) momentum [1, Alg. 8.2/8.3; 2]:
        v = momentum * v - lr * g
        p += momentum * v - lr * g   (Nesterov)   or   p += v   (classical)
    With momentum == 0 this is plain gradient descent, p -= lr * g (vel may then be
    empty)."""
    cdef Py_ssize_t n = p.shape[0], i
    if g.shape[0] != n or (momentum != 0.0 and vel.shape[0] != n):
        raise ValueError("sgd_update: parameter, gradient and velocity sizes differ")
    cdef floating lr_ = <floating>lr, mu = <floating>momentum
    with nogil:
        if momentum == 0.0:
            for i in range(n):
                p[i] -= lr_ * g[i]
        elif nesterov:
            for i in range(n):
                vel[i] = mu * vel[i] - lr_ * g[i]
                p[i] += mu * vel[i] - lr_ * g[i]
        else:
            for i in range(n):
                vel[i] = mu * vel[i] - lr_ * g[i]
                p[i] += vel[i]


def adam_update(floating[::1] p,           # INOUT parameters
                const floating[::1] g,     # IN    gradient
                floating[::1] m,           # INOUT first moment
                floating[::1] v,           # INOUT second moment
                double lr, double beta1, double beta2, double eps, long t,
                bint eps_hat=False):
    """Adam [3], with the bias correction folded into the step size (the reordering at
    the end of [3, Sec. 2]):
        m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
        p -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + e)
    With e = eps * sqrt(1 - b2^t) this is Alg. 1 exactly (eps added to sqrt(v_hat));
    with ``eps_hat`` e = eps is the paper's epsilon-hat (eps added to sqrt(v) before the
    correction), the form of scikit-learn's MLP."""
    cdef Py_ssize_t n = p.shape[0], i
    if g.shape[0] != n or m.shape[0] != n or v.shape[0] != n:
        raise ValueError("adam_update: sizes differ")
    if t < 1:
        raise ValueError("adam_update: the step counter starts at 1")
    cdef floating step = <floating>(lr * sqrt(1.0 - beta2 ** t) / (1.0 - beta1 ** t))
    cdef floating e = <floating>(eps if eps_hat else eps * sqrt(1.0 - beta2 ** t))
    cdef floating b1 = <floating>beta1, c1 = <floating>(1.0 - beta1)
    cdef floating b2 = <floating>beta2, c2 = <floating>(1.0 - beta2)
    with nogil:
        for i in range(n):
            m[i] = b1 * m[i] + c1 * g[i]
            v[i] = b2 * v[i] + c2 * g[i] * g[i]
            p[i] -= step * m[i] / (_sqrt(v[i]) + e)


def adagrad_update(floating[::1] p,        # INOUT parameters
                   const floating[::1] g,  # IN    gradient
                   floating[::1] acc,      # INOUT sum of squared gradients
                   double lr, double eps):
    """AdaGrad [1, Alg. 8.4]: acc += g^2; p -= lr * g / (sqrt(acc) + eps)."""
    cdef Py_ssize_t n = p.shape[0], i
    if g.shape[0] != n or acc.shape[0] != n:
        raise ValueError("adagrad_update: sizes differ")
    cdef floating lr_ = <floating>lr, e = <floating>eps
    with nogil:
        for i in range(n):
            acc[i] += g[i] * g[i]
            p[i] -= lr_ * g[i] / (_sqrt(acc[i]) + e)


def rmsprop_update(floating[::1] p,        # INOUT parameters
                   const floating[::1] g,  # IN    gradient
                   floating[::1] acc,      # INOUT decaying mean of squared gradients
                   double lr, double rho, double eps):
    """RMSProp [1, Alg. 8.5]: acc = rho acc + (1 - rho) g^2; p -= lr * g / (sqrt(acc) + eps)."""
    cdef Py_ssize_t n = p.shape[0], i
    if g.shape[0] != n or acc.shape[0] != n:
        raise ValueError("rmsprop_update: sizes differ")
    cdef floating lr_ = <floating>lr, e = <floating>eps
    cdef floating r = <floating>rho, c = <floating>(1.0 - rho)
    with nogil:
        for i in range(n):
            acc[i] = r * acc[i] + c * g[i] * g[i]
            p[i] -= lr_ * g[i] / (_sqrt(acc[i]) + e)

"""Numerical optimisers: first-order methods and (box-constrained) L-BFGS.

One interface for all of them::

    opt = LBFGS(tol=1e-6, max_iter=500)
    res = opt.minimize(fun, x0, callback=None)   # fun(x) -> (value, gradient)
    res.x, res.fun, res.grad, res.n_iter, res.n_fev, res.converged, res.message

The first-order methods (GradientDescent, SGD, AdaGrad, RMSProp, Adam) also have a
stateful per-batch API for training loops::

    opt = Adam(learning_rate=1e-3)
    for batch in batches:
        grads = backprop(params, batch)          # same structure as params
        opt.step(params, grads)                  # updates params IN PLACE
    opt.reset()                                  # forget moments / velocities

``params`` is one float64 ndarray or a list of them (each updated in place; the
optimiser keeps one state slot per list position). ``opt.t`` counts the steps taken.

This is the one implementation of these updates in the library: each parameter array is
updated by a fused nogil loop of ``_optim.pyx`` (one pass, no temporaries), and the
network trainers (``nnet.NeuralNet``, ``MLPClassifier``, ``MLPRegressor``) call ``step``
with their flat parameter vector, so an optimiser given to ``NeuralNet`` does exactly what
it does here.

References
----------
1. J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer 2006:
   Alg. 3.5 (line search for the strong Wolfe conditions), Alg. 3.6 (zoom), eq. (3.59)
   (cubic interpolation), Alg. 7.4 (L-BFGS two-loop recursion), Alg. 7.5 (L-BFGS),
   eq. (7.20) (initial Hessian scaling gamma_k = s'y / y'y), Sec. 3.1 (Armijo
   backtracking).
2. D. P. Bertsekas, "Projected Newton methods for optimization problems with simple
   constraints", SIAM J. Control Optim. 20 (1982) 221-246: the epsilon-active set and
   the projection arc x(alpha) = P(x + alpha d) with an Armijo rule along it.
3. D. Kim, S. Sra and I. S. Dhillon, "Tackling box-constrained optimization via a new
   projected quasi-Newton approach", SIAM J. Sci. Comput. 32 (2010) 3548-3563: the
   quasi-Newton direction restricted to the free variables (what ``LBFGS(bounds=...)``
   does; a simpler relative of L-BFGS-B, Byrd, Lu, Nocedal & Zhu 1995, without the
   generalised Cauchy point).
4. B. T. Polyak, "Some methods of speeding up the convergence of iteration methods",
   USSR Comput. Math. Math. Phys. 4 (1964) (momentum); Y. Nesterov, "A method of solving
   a convex programming problem with convergence rate O(1/k^2)", Soviet Math. Dokl. 27
   (1983), in the form of I. Sutskever et al., ICML 2013, Sec. 2.
5. J. Duchi, E. Hazan and Y. Singer, "Adaptive subgradient methods for online learning
   and stochastic optimization", JMLR 12 (2011) (AdaGrad).
6. T. Tieleman and G. Hinton, Lecture 6.5 "RMSProp", COURSERA Neural Networks, 2012.
7. D. P. Kingma and J. Ba, "Adam: a method for stochastic optimization", ICLR 2015,
   Algorithm 1.

The vectors here are the model's parameters (small next to the data); the expensive
part of every iteration is the user's ``fun``, so these loops are plain numpy
elementwise glue (no products of large arrays happen here).
"""
import math
import numbers

import numpy as np

from . import _optim

__all__ = ["OptimizeResult", "Optimizer", "GradientDescent", "SGD", "AdaGrad",
           "RMSProp", "Adam", "LBFGS"]


class OptimizeResult(dict):
    """The outcome of ``minimize``; a dict whose keys are also attributes.

    Attributes
    ----------
    x : ndarray
        The final point.
    fun : float
        f(x).
    grad : ndarray
        The gradient at x.
    n_iter : int
        Iterations taken.
    n_fev : int
        Calls of ``fun``.
    converged : bool
        True if the stopping test (gradient / function tolerance) was met.
    message : str
        Why the iteration stopped.
    """

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    __setattr__ = dict.__setitem__

    def __repr__(self):
        return ("OptimizeResult(fun=%r, n_iter=%d, n_fev=%d, converged=%r, message=%r)"
                % (self.get("fun"), self.get("n_iter", 0), self.get("n_fev", 0),
                   self.get("converged"), self.get("message")))


# ---------------------------------------------------------------------------------------
# shared checks

def _check_positive(value, name, allow_zero=False, integer=False):
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError("%s must be %s, got %r" % (name, "an integer" if integer else
                                                   "a real number", value))
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError("%s must be %s, got %r" % (name, ">= 0" if allow_zero else "> 0",
                                                    value))
    return value


def _check_unit(value, name):
    _check_positive(value, name, allow_zero=True)
    if value >= 1:
        raise ValueError("%s must be in [0, 1), got %r" % (name, value))
    return value


def _as_x0(x0):
    x = np.array(x0, dtype=np.float64, copy=True)
    if x.ndim == 0:
        x = x.reshape(1)
    if x.ndim != 1:
        raise ValueError("x0 must be 1-D, got shape %s" % (x.shape,))
    if x.size == 0:
        raise ValueError("x0 is empty: there is nothing to optimise")
    if not np.isfinite(x).all():
        raise ValueError("x0 contains NaN or infinity")
    return x


_EMPTY = np.empty(0)
_EMPTY32 = np.empty(0, dtype=np.float32)


def _vdot(a, b):
    """a . b for the (small) parameter vectors: elementwise product and a sum."""
    return float(np.sum(a * b))


def _evaluate(fun, x, n):
    """Call fun(x) -> (value, gradient) and check what came back."""
    out = fun(x)
    try:
        value, grad = out
    except (TypeError, ValueError):
        raise TypeError("fun(x) must return a pair (value, gradient), got %r"
                        % (type(out).__name__,)) from None
    value = float(value)
    grad = np.asarray(grad, dtype=np.float64).reshape(-1)
    if grad.shape[0] != n:
        raise ValueError("fun returned a gradient of size %d for x of size %d"
                         % (grad.shape[0], n))
    return value, grad


class Optimizer:
    """Base class: parameters are stored by ``__init__`` (read with get_params)."""

    def get_params(self, deep=True):
        import inspect
        names = [p for p in inspect.signature(type(self).__init__).parameters
                 if p != "self"]
        return {n: getattr(self, n) for n in names}

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__, ", ".join(
            "%s=%r" % kv for kv in self.get_params().items()))

    def minimize(self, fun, x0, callback=None):
        raise NotImplementedError


# ---------------------------------------------------------------------------------------
# first-order methods

class _FirstOrder(Optimizer):
    """Shared machinery of the first-order methods: per-batch ``step`` and a full-batch
    ``minimize`` that repeats it until ||grad||_inf <= tol or max_iter steps."""

    def _validate(self):
        _check_positive(self.learning_rate, "learning_rate")
        _check_positive(self.max_iter, "max_iter", integer=True)
        _check_positive(self.tol, "tol", allow_zero=True)

    # ---- stateful API ----------------------------------------------------------------
    def reset(self):
        """Forget the accumulated state (velocities, moments, step count)."""
        self._state = None
        self.t = 0
        return self

    def _new_state(self, n):
        """The state of one parameter array of n entries (velocities, moments)."""
        return ()

    def _update(self, p, g, state):
        """One update of the flat (1-D, contiguous) parameter vector p from g, in place."""
        raise NotImplementedError

    def step(self, params, grads):
        """One update of ``params`` with ``grads``, in place.

        Parameters
        ----------
        params : ndarray or list of ndarray (float64 or float32, writeable)
            Updated in place, in their own dtype (the gradient is cast to it and the
            optimiser's state vectors are kept in it, as scikit-learn's float32 MLP).
        grads : ndarray or list of ndarray
            Same structure and shapes as ``params``.

        Returns
        -------
        params
        """
        single = isinstance(params, np.ndarray)
        plist = [params] if single else list(params)
        glist = [grads] if single else list(grads)
        if len(plist) != len(glist):
            raise ValueError("step: %d parameter arrays but %d gradients"
                             % (len(plist), len(glist)))
        if getattr(self, "_state", None) is None:
            self._validate()
            self.t = 0
            self._state = [None] * len(plist)
        if len(self._state) != len(plist):
            raise ValueError("step: this optimiser holds state for %d parameter arrays, got "
                             "%d (call reset() to start over)" % (len(self._state), len(plist)))
        self.t += 1
        for i, (p, g) in enumerate(zip(plist, glist)):
            if not isinstance(p, np.ndarray) or p.dtype not in (np.float64, np.float32) \
                    or not p.flags.writeable:
                raise TypeError("step: parameter %d must be a writeable float64 or float32 "
                                "ndarray" % i)
            g = np.asarray(g, dtype=p.dtype)
            if g.shape != p.shape:
                raise ValueError("step: gradient %d has shape %s, parameter has shape %s"
                                 % (i, g.shape, p.shape))
            if (self._state[i] is None or self._state[i][0] != p.shape
                    or any(v.dtype != p.dtype for v in self._state[i][1])):
                self._state[i] = (p.shape, [v.astype(p.dtype) for v in
                                            self._new_state(p.size)])
            # the kernels take flat contiguous vectors: a view when p is C-contiguous,
            # else a copy written back after the update
            flat = p.reshape(-1) if p.flags.c_contiguous else p.ravel()
            self._update(flat, np.ascontiguousarray(g).reshape(-1), self._state[i][1])
            if not p.flags.c_contiguous:
                p[...] = flat.reshape(p.shape)
        return params

    # ---- full-batch minimisation -------------------------------------------------------
    def minimize(self, fun, x0, callback=None):
        """Minimise ``fun`` from ``x0`` by repeated full-gradient steps.

        Parameters
        ----------
        fun : callable
            ``fun(x) -> (value, gradient)``.
        x0 : array-like of shape (n,)
        callback : callable, optional
            ``callback(x, value)`` after each iteration; returning True stops.

        Returns
        -------
        OptimizeResult
        """
        self._validate()
        x = _as_x0(x0)
        self.reset()
        n_fev = 0
        message = "maximum number of iterations reached"
        converged = False
        f, g = _evaluate(fun, x, x.size)
        n_fev += 1
        it = 0
        while True:
            if not (math.isfinite(f) and np.isfinite(g).all()):
                message = "the function or its gradient became non-finite"
                break
            if np.max(np.abs(g)) <= self.tol:
                converged, message = True, "gradient norm below tol"
                break
            if it >= self.max_iter:
                break
            f, g = self._iterate(fun, x, f, g)
            n_fev += self._fev_last
            it += 1
            if callback is not None and callback(x, f):
                message = "stopped by the callback"
                break
        return OptimizeResult(x=x, fun=f, grad=g, n_iter=it, n_fev=n_fev,
                              converged=converged, message=message)

    def _iterate(self, fun, x, f, g):
        self.step(x, g)
        self._fev_last = 1
        return _evaluate(fun, x, x.size)


class GradientDescent(_FirstOrder):
    """Steepest descent x <- x - alpha * grad.

    Parameters
    ----------
    learning_rate : float, default 0.1
        The step alpha (the first trial step when ``line_search``).
    max_iter : int, default 1000
    tol : float, default 1e-6
        Stop when max |grad| <= tol.
    line_search : bool, default True
        In ``minimize``, backtrack alpha by halving until the Armijo condition
        f(x - alpha g) <= f(x) - c1 alpha ||g||^2 holds (N&W Sec. 3.1, c1 = 1e-4); every
        iteration starts again from ``learning_rate``. ``step`` always uses the fixed
        ``learning_rate``.
    """

    def __init__(self, learning_rate=0.1, max_iter=1000, tol=1e-6, line_search=True):
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.line_search = line_search

    def _update(self, p, g, state):
        # p -= lr * g
        _optim.sgd_update(p, g, _EMPTY if p.dtype == np.float64 else _EMPTY32,
                          self.learning_rate, 0.0, False)

    def _iterate(self, fun, x, f, g):
        if not self.line_search:
            return super()._iterate(fun, x, f, g)
        gg = float(np.sum(g * g))
        alpha = float(self.learning_rate)
        if self.t == 0:
            self._alpha_ok = None
        n_fev = 0
        x_old = x.copy()
        for _ in range(60):                     # N&W Sec. 3.1: backtracking (Armijo)
            np.subtract(x_old, alpha * g, out=x)
            f_new, g_new = _evaluate(fun, x, x.size)
            n_fev += 1
            if math.isfinite(f_new) and f_new <= f - 1e-4 * alpha * gg:
                self._alpha_ok = alpha
                break
            # near the minimum the predicted decrease drops below the rounding error of
            # f, so Armijo cannot tell; then reuse the last step Armijo did accept
            noise = 8.0 * np.finfo(np.float64).eps * max(abs(f), 1e-300)
            if self._alpha_ok is not None and self._alpha_ok * gg <= noise:
                np.subtract(x_old, self._alpha_ok * g, out=x)
                f_new, g_new = _evaluate(fun, x, x.size)
                n_fev += 1
                break
            alpha *= 0.5
        self.t += 1
        self._fev_last = n_fev
        return f_new, g_new


class SGD(_FirstOrder):
    """Stochastic gradient descent with optional (Nesterov) momentum.

    v <- momentum * v - lr * g;  p <- p + v                         (Polyak 1964)
    Nesterov (Sutskever et al. 2013, in the form used by most libraries):
    v <- momentum * v - lr * g;  p <- p + momentum * v - lr * g

    Parameters
    ----------
    learning_rate : float, default 0.01
    momentum : float in [0, 1), default 0.0
    nesterov : bool, default False
    max_iter : int, default 1000
        Iterations of ``minimize``.
    tol : float, default 1e-6
        ``minimize`` stops when max |grad| <= tol.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, max_iter=1000,
                 tol=1e-6):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.max_iter = max_iter
        self.tol = tol

    def _validate(self):
        super()._validate()
        _check_unit(self.momentum, "momentum")
        if self.nesterov and self.momentum <= 0:
            raise ValueError("nesterov=True needs momentum > 0")

    def _new_state(self, n):
        return [np.zeros(n)]

    def _update(self, p, g, state):
        _optim.sgd_update(p, g, state[0], self.learning_rate, self.momentum, self.nesterov)


class AdaGrad(_FirstOrder):
    """AdaGrad (Duchi, Hazan & Singer 2011): per-coordinate steps shrinking with the
    accumulated squared gradients.

    G <- G + g^2;  p <- p - lr * g / (sqrt(G) + eps)

    Parameters
    ----------
    learning_rate : float, default 0.1
    eps : float, default 1e-8
    max_iter : int, default 1000
    tol : float, default 1e-6
    """

    def __init__(self, learning_rate=0.1, eps=1e-8, max_iter=1000, tol=1e-6):
        self.learning_rate = learning_rate
        self.eps = eps
        self.max_iter = max_iter
        self.tol = tol

    def _validate(self):
        super()._validate()
        _check_positive(self.eps, "eps")

    def _new_state(self, n):
        return [np.zeros(n)]

    def _update(self, p, g, state):
        _optim.adagrad_update(p, g, state[0], self.learning_rate, self.eps)


class RMSProp(_FirstOrder):
    """RMSProp (Tieleman & Hinton 2012): AdaGrad with a decaying average.

    E <- rho * E + (1 - rho) * g^2;  p <- p - lr * g / (sqrt(E) + eps)

    Parameters
    ----------
    learning_rate : float, default 0.01
    rho : float in [0, 1), default 0.9
    eps : float, default 1e-8
    max_iter : int, default 1000
    tol : float, default 1e-6
    """

    def __init__(self, learning_rate=0.01, rho=0.9, eps=1e-8, max_iter=1000, tol=1e-6):
        self.learning_rate = learning_rate
        self.rho = rho
        self.eps = eps
        self.max_iter = max_iter
        self.tol = tol

    def _validate(self):
        super()._validate()
        _check_unit(self.rho, "rho")
        _check_positive(self.eps, "eps")

    def _new_state(self, n):
        return [np.zeros(n)]

    def _update(self, p, g, state):
        _optim.rmsprop_update(p, g, state[0], self.learning_rate, self.rho, self.eps)


class Adam(_FirstOrder):
    """Adam (Kingma & Ba 2015, Algorithm 1).

    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
    p <- p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)

    computed as p <- p - lr_t * m / (sqrt(v) + eps sqrt(1 - b2^t)) with
    lr_t = lr sqrt(1 - b2^t) / (1 - b1^t) (the same number, one pass).

    Parameters
    ----------
    learning_rate : float, default 0.001
    beta1 : float in [0, 1), default 0.9
    beta2 : float in [0, 1), default 0.999
    eps : float, default 1e-8
    max_iter : int, default 1000
    tol : float, default 1e-6
    epsilon_hat : bool, default False
        Use ``eps`` as the epsilon-hat of Kingma & Ba's reordered update (end of their
        Sec. 2): p <- p - lr_t * m / (sqrt(v) + eps), eps added before the bias
        correction. This is the form of scikit-learn's MLP (and of MLPClassifier /
        MLPRegressor here); it differs from Alg. 1 only while sqrt(v_hat) is not much
        larger than eps.
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, eps=1e-8,
                 max_iter=1000, tol=1e-6, epsilon_hat=False):
        self.learning_rate = learning_rate
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.max_iter = max_iter
        self.tol = tol
        self.epsilon_hat = epsilon_hat

    def _validate(self):
        super()._validate()
        _check_unit(self.beta1, "beta1")
        _check_unit(self.beta2, "beta2")
        _check_positive(self.eps, "eps")

    def _new_state(self, n):
        return [np.zeros(n), np.zeros(n)]

    def _update(self, p, g, state):
        # Kingma & Ba Alg. 1 (bias-corrected moments), with the correction folded into
        # the step size; epsilon_hat selects where eps is added (see the class docstring)
        _optim.adam_update(p, g, state[0], state[1], self.learning_rate, self.beta1,
                           self.beta2, self.eps, self.t, bool(self.epsilon_hat))


# ---------------------------------------------------------------------------------------
# L-BFGS with a strong-Wolfe line search (and a projected variant for box bounds)

def _cubic_min(a, fa, dfa, b, fb, dfb):
    """Minimiser of the cubic interpolating f and f' at a and b (N&W eq. 3.59), or None
    when it does not exist / is not finite."""
    if a == b:
        return None
    d1 = dfa + dfb - 3.0 * (fa - fb) / (a - b)
    rad = d1 * d1 - dfa * dfb
    if not math.isfinite(rad) or rad < 0:
        return None
    d2 = math.copysign(math.sqrt(rad), b - a)
    den = dfb - dfa + 2.0 * d2
    if den == 0 or not math.isfinite(den):
        return None
    t = b - (b - a) * (dfb + d2 - d1) / den
    return t if math.isfinite(t) else None


class _LineEval:
    """phi(alpha) = f(x + alpha d), phi'(alpha) = g(x + alpha d)' d, remembering the
    points it computed so the accepted one is not evaluated twice."""

    def __init__(self, fun, x, d):
        self.fun, self.x, self.d = fun, x, d
        self.n_fev = 0

    def __call__(self, alpha):
        xa = self.x + alpha * self.d
        f, g = _evaluate(self.fun, xa, xa.size)
        self.n_fev += 1
        dphi = _vdot(g, self.d)
        return f, dphi, xa, g


def _strong_wolfe(phi, f0, dphi0, alpha1, c1, c2, max_evals):
    """N&W Alg. 3.5 (bracketing) + Alg. 3.6 (zoom). Returns (alpha, f, x, g) of a point
    satisfying the strong Wolfe conditions, or the best Armijo point found, or None."""
    best = None                               # lowest Armijo-satisfying point seen
    flat = f0 + 16.0 * np.finfo(np.float64).eps * abs(f0)     # f0 plus its rounding

    def armijo(a, fa, dfa):
        if not math.isfinite(fa):
            return False
        if fa <= f0 + c1 * a * dphi0:
            return True
        # near a minimum f stops decreasing in floating point before the gradient is
        # small: there the approximate Wolfe conditions of Hager & Zhang (SIAM J. Optim.
        # 16(1), 2005, Sec. 4) take over, f within its rounding of f0 and the slope
        # (2 c1 - 1) phi'(0) >= phi'(a) >= c2 phi'(0) (Armijo's equivalent on a quadratic)
        return fa <= flat and (2.0 * c1 - 1.0) * dphi0 >= dfa >= c2 * dphi0

    def zoom(lo, f_lo, df_lo, hi, f_hi, df_hi, evals):
        nonlocal best
        # N&W Alg. 3.6: lo satisfies Armijo with the lowest f so far; the bracket holds
        # a strong-Wolfe point.
        while evals < max_evals:
            width = hi - lo
            a = None
            if math.isfinite(f_hi) and df_hi is not None:
                a = _cubic_min(lo, f_lo, df_lo, hi, f_hi, df_hi)     # eq. (3.59)
            lo_b, hi_b = sorted((lo + 0.1 * width, hi - 0.1 * width))
            if a is None or not (lo_b <= a <= hi_b):
                a = lo + 0.5 * width                                  # safeguard: bisect
            fa, dfa, xa, ga = phi(a)
            evals += 1
            if not armijo(a, fa, dfa) or fa >= f_lo:
                hi, f_hi, df_hi = a, fa, (dfa if math.isfinite(fa) else None)
            else:
                if best is None or fa < best[1]:
                    best = (a, fa, xa, ga)
                if abs(dfa) <= -c2 * dphi0:
                    return (a, fa, xa, ga)                            # strong Wolfe
                if dfa * (hi - lo) >= 0:
                    hi, f_hi, df_hi = lo, f_lo, df_lo
                lo, f_lo, df_lo = a, fa, dfa
            if abs(hi - lo) <= 1e-16 * max(1.0, abs(lo)):
                break
        return best

    a_prev, f_prev, df_prev = 0.0, f0, dphi0
    a = alpha1
    evals = 0
    for i in range(max_evals):
        fa, dfa, xa, ga = phi(a)
        evals += 1
        # N&W Alg. 3.5: sufficient decrease violated or no progress -> zoom(prev, a)
        if not armijo(a, fa, dfa) or (i > 0 and fa >= f_prev):
            return zoom(a_prev, f_prev, df_prev, a, fa,
                        dfa if math.isfinite(fa) else None, evals)
        if best is None or fa < best[1]:
            best = (a, fa, xa, ga)
        if abs(dfa) <= -c2 * dphi0:
            return (a, fa, xa, ga)
        if dfa >= 0:
            return zoom(a, fa, dfa, a_prev, f_prev, df_prev, evals)
        a_prev, f_prev, df_prev = a, fa, dfa
        a = 2.0 * a                                  # expand the trial step
    return best


class LBFGS(Optimizer):
    """Limited-memory BFGS, optionally with box bounds.

    Without bounds: N&W Alg. 7.5 with the two-loop recursion (Alg. 7.4), the initial
    scaling gamma_k = s'y / y'y (eq. 7.20) and a strong-Wolfe line search (Alg. 3.5/3.6
    with cubic interpolation, c1 = 1e-4, c2 = 0.9). A pair (s, y) is stored only when
    s'y > eps * y'y, so the inverse-Hessian model stays positive definite.

    With ``bounds``: a projected quasi-Newton method (Bertsekas 1982; Kim, Sra & Dhillon
    2010). Each iteration fixes the variables at a bound whose gradient pushes outward
    (the epsilon-active set), takes the L-BFGS direction on the remaining free
    variables, and backtracks along the projection arc x(alpha) = P(x + alpha d) until
    the Armijo condition f(x(alpha)) <= f(x) + c1 g'(x(alpha) - x) holds. Convergence is
    measured by the projected gradient ||P(x - g) - x||_inf. Iterates never leave the
    box (x0 is projected onto it first).

    Parameters
    ----------
    m : int, default 10
        Number of stored correction pairs.
    tol : float, default 1e-5
        Stop when the (projected) gradient satisfies max |g_i| <= tol.
    ftol : float, default 2.2e-9
        Stop when (f_k - f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) <= ftol (0 disables it).
    max_iter : int, default 500
    max_ls : int, default 25
        Function evaluations allowed per line search.
    bounds : None, sequence of (low, high) pairs (one per variable, e.g. an (n, 2)
        array), or a tuple of two 1-D numpy arrays (low, high)
        Box constraints; None / -inf / inf for an unbounded side. For n = 2 a tuple of
        two numpy arrays means (low, high); a list means two (low, high) pairs.
    c1, c2 : float, default 1e-4, 0.9
        Wolfe constants (0 < c1 < c2 < 1).
    """

    def __init__(self, m=10, tol=1e-5, ftol=2.2e-9, max_iter=500, max_ls=25, bounds=None,
                 c1=1e-4, c2=0.9):
        self.m = m
        self.tol = tol
        self.ftol = ftol
        self.max_iter = max_iter
        self.max_ls = max_ls
        self.bounds = bounds
        self.c1 = c1
        self.c2 = c2

    def _validate(self):
        _check_positive(self.m, "m", integer=True)
        _check_positive(self.tol, "tol", allow_zero=True)
        _check_positive(self.ftol, "ftol", allow_zero=True)
        _check_positive(self.max_iter, "max_iter", integer=True)
        _check_positive(self.max_ls, "max_ls", integer=True)
        if not (0 < self.c1 < self.c2 < 1):
            raise ValueError("c1 and c2 must satisfy 0 < c1 < c2 < 1, got c1=%r, c2=%r"
                             % (self.c1, self.c2))

    def _parse_bounds(self, n):
        if self.bounds is None:
            return None, None
        b = self.bounds
        two = isinstance(b, (tuple, list)) and len(b) == 2 and \
            all(np.ndim(v) == 1 and len(v) == n for v in b)
        # (low, high) arrays; for n = 2 only a tuple of numpy arrays (else: two pairs)
        if two and (n != 2 or (isinstance(b, tuple)
                               and all(isinstance(v, np.ndarray) for v in b))):
            low, high = b                              # a pair of arrays
        else:
            pairs = list(b)
            if len(pairs) != n:
                raise ValueError("bounds has %d (low, high) pairs for x of size %d"
                                 % (len(pairs), n))
            try:
                low = [(-np.inf if p[0] is None else p[0]) for p in pairs]
                high = [(np.inf if p[1] is None else p[1]) for p in pairs]
            except (TypeError, IndexError):
                raise ValueError("bounds must be a sequence of (low, high) pairs") from None
        low = np.array([(-np.inf if v is None else v) for v in low], dtype=np.float64)
        high = np.array([(np.inf if v is None else v) for v in high], dtype=np.float64)
        if low.shape != (n,) or high.shape != (n,):
            raise ValueError("bounds must give %d lower and upper values" % n)
        if np.isnan(low).any() or np.isnan(high).any():
            raise ValueError("bounds contain NaN")
        if (low > high).any():
            i = int(np.argmax(low > high))
            raise ValueError("bounds: low > high for variable %d (%r > %r)"
                             % (i, low[i], high[i]))
        return low, high

    @staticmethod
    def _two_loop(g, S, Y, rho):
        """N&W Alg. 7.4: r = H_k g with H_k^0 = gamma I, gamma = s'y / y'y (eq. 7.20)."""
        q = g.copy()
        k = len(S)
        alphas = [0.0] * k
        for i in range(k - 1, -1, -1):
            alphas[i] = rho[i] * _vdot(S[i], q)
            q -= alphas[i] * Y[i]
        if k:
            q *= _vdot(S[-1], Y[-1]) / _vdot(Y[-1], Y[-1])
        for i in range(k):
            beta = rho[i] * _vdot(Y[i], q)
            q += (alphas[i] - beta) * S[i]
        return q

    def minimize(self, fun, x0, callback=None):
        """Minimise ``fun`` from ``x0``.

        Parameters
        ----------
        fun : callable
            ``fun(x) -> (value, gradient)`` with x of shape (n,).
        x0 : array-like of shape (n,)
        callback : callable, optional
            ``callback(x, value)`` after each iteration; returning True stops.

        Returns
        -------
        OptimizeResult
        """
        self._validate()
        x = _as_x0(x0)
        n = x.size
        low, high = self._parse_bounds(n)
        bounded = low is not None
        if bounded:
            x = np.clip(x, low, high)
        f, g = _evaluate(fun, x, n)
        n_fev = 1
        if not (math.isfinite(f) and np.isfinite(g).all()):
            raise ValueError("fun(x0) is not finite (value %r)" % f)
        S, Y, rho = [], [], []
        eps = np.finfo(np.float64).eps
        converged, message = False, "maximum number of iterations reached"
        it = 0
        while True:
            pg = (np.clip(x - g, low, high) - x) if bounded else g
            if np.max(np.abs(pg)) <= self.tol:
                converged, message = True, "projected gradient below tol" if bounded \
                    else "gradient norm below tol"
                break
            if it >= self.max_iter:
                break
            if bounded:
                step = self._projected_step(fun, x, f, g, low, high, S, Y, rho, it)
            else:
                step = self._wolfe_step(fun, x, f, g, S, Y, rho, it)
            n_fev += step[-1]
            if step[0] is None:
                if S:                                  # retry from steepest descent
                    S.clear(), Y.clear(), rho.clear()
                    continue
                message = "line search could not find a lower point"
                converged = np.max(np.abs(pg)) <= max(self.tol, 1e3 * eps * max(1.0, abs(f)))
                break
            x_new, f_new, g_new = step[0], step[1], step[2]
            it += 1
            s = x_new - x
            yv = g_new - g
            sy = _vdot(s, yv)
            if sy > eps * _vdot(yv, yv):       # curvature condition: keep H pd
                if len(S) == self.m:
                    S.pop(0), Y.pop(0), rho.pop(0)
                S.append(s), Y.append(yv), rho.append(1.0 / sy)
            f_old = f
            x, f, g = x_new, f_new, g_new
            if callback is not None and callback(x, f):
                message = "stopped by the callback"
                break
            if f_old - f <= self.ftol * max(abs(f_old), abs(f), 1.0):
                pg = (np.clip(x - g, low, high) - x) if bounded else g
                converged = True
                message = ("gradient norm below tol" if np.max(np.abs(pg)) <= self.tol
                           else "relative reduction of f below ftol")
                break
        return OptimizeResult(x=x, fun=f, grad=g, n_iter=it, n_fev=n_fev,
                              converged=bool(converged), message=message)

    def _wolfe_step(self, fun, x, f, g, S, Y, rho, it):
        d = -self._two_loop(g, S, Y, rho)              # N&W Alg. 7.5: d = -H_k g_k
        dphi0 = _vdot(g, d)
        if not dphi0 < 0:                              # not a descent direction: restart
            S.clear(), Y.clear(), rho.clear()
            d = -g
            dphi0 = -_vdot(g, g)
        # first iteration: a unit step along -g could be huge; N&W Sec. 3.5 suggests a
        # scaled first trial, here a step of length 1 (alpha = 1 / ||g||_2, uncapped: the
        # first trial of L-BFGS-B, Byrd, Lu, Nocedal & Zhu 1995, whose iterates
        # scikit-learn's lbfgs follows); later iterations start at alpha = 1 (Alg. 7.5).
        alpha1 = 1.0 if S else 1.0 / max(float(np.sqrt(_vdot(g, g))), 1e-300)
        phi = _LineEval(fun, x, d)
        found = _strong_wolfe(phi, f, dphi0, alpha1, self.c1, self.c2, self.max_ls)
        if found is None:
            return (None, phi.n_fev)
        a, fa, xa, ga = found
        return (xa, fa, ga, phi.n_fev)

    def _projected_step(self, fun, x, f, g, low, high, S, Y, rho, it):
        # Bertsekas (1982): epsilon-active set, variables held at a bound by the gradient
        width = np.minimum(np.max(np.abs(np.clip(x - g, low, high) - x)), 1e-3)
        at_low = (x <= low + width) & (g > 0)
        at_high = (x >= high - width) & (g < 0)
        free = ~(at_low | at_high)
        gf = np.where(free, g, 0.0)
        # Kim, Sra & Dhillon (2010): quasi-Newton direction on the free variables
        Sf = [np.where(free, s, 0.0) for s in S]
        Yf = [np.where(free, y, 0.0) for y in Y]
        keep = [i for i in range(len(S)) if _vdot(Sf[i], Yf[i]) > 0]
        Sf = [Sf[i] for i in keep]
        Yf = [Yf[i] for i in keep]
        rf = [1.0 / _vdot(Sf[i], Yf[i]) for i in range(len(Sf))]
        d = -self._two_loop(gf, Sf, Yf, rf)
        if not _vdot(gf, d) < 0:
            d = -gf
        # Bertsekas (1982), the diagonally scaled direction: the epsilon-active variables
        # follow -g, so the projection arc x(alpha) = P(x + alpha d) puts them on their
        # bound (with d = 0 there, a variable just inside its bound would never reach it)
        d[~free] = -g[~free]
        alpha = 1.0 if Sf else min(1.0, 1.0 / max(float(np.sum(np.abs(gf))), 1e-300))
        n_fev = 0
        for _ in range(max(self.max_ls, 40)):
            # Bertsekas' Armijo rule along the projection arc x(alpha) = P(x + alpha d)
            xa = np.clip(x + alpha * d, low, high)
            fa, ga = _evaluate(fun, xa, xa.size)
            n_fev += 1
            if math.isfinite(fa) and fa <= f + self.c1 * _vdot(g, xa - x) \
                    and np.any(xa != x):
                return (xa, fa, ga, n_fev)
            alpha *= 0.5
        return (None, n_fev)

"""Covariance functions (kernels) for Gaussian processes and support vector machines.

A kernel ``k`` is called on data: ``K = k(X, Y=None)`` is the (n, m) matrix of
k(x_i, y_j) (``Y=None`` means ``Y = X``), ``k.diag(X)`` its diagonal for Y = X without
the full matrix, and ``k(X, eval_gradient=True)`` returns ``(K, dK)`` with ``dK`` of
shape (n, n, n_dims): the derivative of K with respect to each hyperparameter in LOG
space.

Hyperparameters are positive numbers optimised in log space (``theta = log(values)``),
each with ``bounds`` (also in log space) or fixed with ``*_bounds="fixed"``. Kernels
combine: ``k1 + k2`` (:class:`Sum`), ``k1 * k2`` (:class:`Product`), and a number times a
kernel ``2.0 * k`` (a :class:`Product` with a :class:`Constant`). ``get_params`` /
``set_params`` / ``clone_with_theta`` let a fitted Gaussian process keep its own copy
(``kernel_``) with the optimised hyperparameters.

For the Gaussian process's likelihood gradient the kernels also offer the contraction
``sum_ij W_ij dK_ij/dtheta_h`` for a given (n, n) matrix W without forming the (n, n, p)
tensor (``_eval`` + ``_vjp``); e.g. for per-feature length scales l_k with G the
profile factor (see ``_kernels.pyx``) and Z = X / l,
    sum_ij W_ij G_ij (z_ik - z_jk)^2 = 2 sum_i z_ik^2 (M 1)_i - 2 z_k' M z_k,   M = W o G,
which is one GEMM (M Z) and elementwise sums.

Formulas (r = ||x - y|| / l, per-feature l when anisotropic):

=====================  =====================================================  ===========
kernel                  k(x, y)                                                hyper
=====================  =====================================================  ===========
Linear(c)               x.y + c                                                (none)
Polynomial              (gamma x.y + coef0)^degree                             gamma
RBF(l)                  exp(-r^2 / 2)                              [R&W 4.9]    l
Exponential(l)          exp(-r)                       (= Matern nu=1/2)        l
Matern(l, nu)           nu=1/2, 3/2, 5/2 closed forms             [R&W 4.17]   l
RationalQuadratic       (1 + r^2 / (2 alpha))^-alpha               [R&W 4.19]   l, alpha
HyperTan(alpha, c)      tanh(alpha x.y + c)                                    alpha
Multiquadric(c)         sqrt(||x - y||^2 + c^2)                                c
White(noise_level)      noise_level if x is y (same row of the same X) else 0   noise_level
Constant(value)         value                                                  value
=====================  =====================================================  ===========

Linear's ``c``, Polynomial's ``coef0`` and ``degree`` and HyperTan's ``c`` may be zero or
negative, so they are plain parameters, not log-space hyperparameters.

References
----------
[1] C. E. Rasmussen & C. K. I. Williams, "Gaussian Processes for Machine Learning",
    MIT Press 2006, Ch. 4 (covariance functions), Ch. 5.4 (derivatives in log space).
[2] M. L. Stein, "Interpolation of Spatial Data", Springer 1999 (Matern class).
[3] B. Schoelkopf & A. J. Smola, "Learning with Kernels", MIT Press 2002, Sec. 2.3
    (polynomial, sigmoid / hyperbolic tangent kernels).
[4] Golub & Van Loan, "Matrix Computations", 4th ed., Sec. 1.1 (all pairwise products
    as one GEMM for ||x - y||^2 = ||x||^2 - 2 x.y + ||y||^2).
"""
import copy
import inspect
import numbers
from collections import namedtuple

import numpy as np

from ..linalg.blas import gemm, syrk
from . import _kernels

__all__ = ["Kernel", "Hyperparameter", "Linear", "Polynomial", "RBF", "Exponential",
           "Matern", "RationalQuadratic", "HyperTan", "Multiquadric", "White", "Constant",
           "Sum", "Product"]


class Hyperparameter(namedtuple("Hyperparameter",
                                ("name", "value_type", "bounds", "n_elements", "fixed"))):
    """A kernel hyperparameter: its name, bounds (array of shape (n_elements, 2), in
    the ORIGINAL scale), number of elements and whether it is fixed."""
    __slots__ = ()


def _as_2d(X, name="X"):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise ValueError("%s must be 2-D (n_samples, n_features), got shape %s"
                         % (name, X.shape))
    if not np.isfinite(X).all():
        raise ValueError("%s contains NaN or infinity" % name)
    return np.ascontiguousarray(X)


def _parse_bounds(bounds, name, n_elements):
    """'fixed' -> None; (low, high) or an (n_elements, 2) array -> (n_elements, 2)."""
    if isinstance(bounds, str):
        if bounds != "fixed":
            raise ValueError("%s_bounds must be 'fixed' or (low, high), got %r"
                             % (name, bounds))
        return None
    b = np.asarray(bounds, dtype=np.float64)
    if b.shape == (2,):
        b = np.tile(b, (n_elements, 1))
    if b.shape != (n_elements, 2):
        raise ValueError("%s_bounds must be (low, high) or of shape (%d, 2), got shape %s"
                         % (name, n_elements, b.shape))
    if not (np.isfinite(b).all() and (b[:, 0] > 0).all() and (b[:, 0] <= b[:, 1]).all()):
        raise ValueError("%s_bounds must satisfy 0 < low <= high (finite), got %r"
                         % (name, bounds))
    return b


class Kernel:
    """Base class of the kernels: parameters, log-space hyperparameters, algebra."""

    # names of the positive hyperparameters (each has a `<name>_bounds` parameter)
    _hyper_names = ()

    # ---- parameters ----------------------------------------------------------------
    @classmethod
    def _param_names(cls):
        sig = inspect.signature(cls.__init__)
        return sorted(p.name for p in sig.parameters.values() if p.name != "self")

    def get_params(self, deep=True):
        """Parameters of this kernel (for compound kernels, ``k1__...`` with deep)."""
        out = {}
        for name in self._param_names():
            value = getattr(self, name)
            if deep and isinstance(value, Kernel):
                for k, v in value.get_params().items():
                    out["%s__%s" % (name, k)] = v
            out[name] = value
        return out

    def set_params(self, **params):
        """Set parameters (``name`` or nested ``k1__name``); returns self."""
        valid = self.get_params(deep=True)
        for key, value in params.items():
            name, delim, sub = key.partition("__")
            if name not in valid:
                raise ValueError("Invalid parameter %r for kernel %s" % (name, type(self).__name__))
            if delim:
                getattr(self, name).set_params(**{sub: value})
            else:
                setattr(self, name, value)
        return self

    def clone_with_theta(self, theta):
        """A deep copy with the log-space hyperparameters set to ``theta``."""
        new = copy.deepcopy(self)
        new.theta = theta
        return new

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__, ", ".join(
            "%s=%s" % (n, _fmt(getattr(self, n))) for n in self._repr_names()))

    def _repr_names(self):
        return [n for n in self._param_names() if not n.endswith("_bounds")]

    def __eq__(self, other):
        """Same type and the same parameters (nested kernels compared recursively)."""
        if type(self) is not type(other):
            return False
        a, b = self.get_params(deep=False), other.get_params(deep=False)
        for k in a:
            if isinstance(a[k], Kernel) or isinstance(b[k], Kernel):
                same = a[k] == b[k]
            elif isinstance(a[k], str) or isinstance(b[k], str):
                same = isinstance(a[k], str) and isinstance(b[k], str) and a[k] == b[k]
            else:
                same = np.array_equal(np.asarray(a[k]), np.asarray(b[k]))
            if not same:
                return False
        return True

    __hash__ = None

    # ---- hyperparameters -------------------------------------------------------------
    def _n_elements(self, name):
        return int(np.size(getattr(self, name)))

    @property
    def hyperparameters(self):
        """List of :class:`Hyperparameter` (fixed ones included)."""
        out = []
        for name in self._hyper_names:
            n = self._n_elements(name)
            b = getattr(self, name + "_bounds")
            fixed = isinstance(b, str) and b == "fixed"
            out.append(Hyperparameter(name, "numeric", None if fixed else _parse_bounds(b, name, n),
                                      n, fixed))
        return out

    @property
    def n_dims(self):
        """Number of free (non-fixed) log-space hyperparameters."""
        return sum(h.n_elements for h in self.hyperparameters if not h.fixed)

    @property
    def theta(self):
        """Free hyperparameters in log space, shape (n_dims,)."""
        vals = []
        for h in self.hyperparameters:
            if h.fixed:
                continue
            v = np.atleast_1d(np.asarray(getattr(self, h.name), dtype=np.float64))
            if (v <= 0).any():
                raise ValueError("%s.%s must be > 0 to live in log space, got %r"
                                 % (type(self).__name__, h.name, getattr(self, h.name)))
            vals.append(np.log(v))
        return np.concatenate(vals) if vals else np.zeros(0)

    @theta.setter
    def theta(self, theta):
        theta = np.asarray(theta, dtype=np.float64).ravel()
        if theta.size != self.n_dims:
            raise ValueError("theta has %d entries, %s has %d free hyperparameters"
                             % (theta.size, type(self).__name__, self.n_dims))
        i = 0
        for h in self.hyperparameters:
            if h.fixed:
                continue
            v = np.exp(theta[i:i + h.n_elements])
            i += h.n_elements
            old = getattr(self, h.name)
            setattr(self, h.name, v if np.ndim(old) > 0 else float(v[0]))

    @property
    def bounds(self):
        """Log-space bounds of the free hyperparameters, shape (n_dims, 2)."""
        b = [np.log(h.bounds) for h in self.hyperparameters if not h.fixed]
        return np.vstack(b) if b else np.zeros((0, 2))

    # ---- algebra -------------------------------------------------------------------------
    def __add__(self, other):
        if isinstance(other, numbers.Real):
            other = Constant(float(other))
        if not isinstance(other, Kernel):
            return NotImplemented
        return Sum(self, other)

    def __radd__(self, other):
        if isinstance(other, numbers.Real):
            return Sum(Constant(float(other)), self)
        return NotImplemented

    def __mul__(self, other):
        if isinstance(other, numbers.Real):
            other = Constant(float(other))
        if not isinstance(other, Kernel):
            return NotImplemented
        return Product(self, other)

    def __rmul__(self, other):
        if isinstance(other, numbers.Real):
            return Product(Constant(float(other)), self)
        return NotImplemented

    # ---- evaluation --------------------------------------------------------------------
    def __call__(self, X, Y=None, eval_gradient=False):
        """Kernel matrix K[i, j] = k(x_i, y_j).

        Parameters
        ----------
        X : array-like of shape (n, d)
        Y : array-like of shape (m, d), optional
            None means Y = X (then White adds its noise on the diagonal).
        eval_gradient : bool
            Also return dK/dtheta (only with Y None), shape (n, n, n_dims), in log space.

        Returns
        -------
        K : ndarray of shape (n, m)
        dK : ndarray of shape (n, n, n_dims), with eval_gradient only
        """
        X = _as_2d(X)
        if Y is not None:
            if eval_gradient:
                raise ValueError("eval_gradient is only supported when Y is None")
            Y = _as_2d(Y, "Y")
            if Y.shape[1] != X.shape[1]:
                raise ValueError("X has %d features but Y has %d" % (X.shape[1], Y.shape[1]))
        self._check_dims(X)
        K, ctx = self._eval(X, Y, eval_gradient)
        if not eval_gradient:
            return K
        return K, self._full_grad(X, ctx)

    def diag(self, X):
        """The diagonal of k(X), shape (n,), without forming the matrix."""
        X = _as_2d(X)
        self._check_dims(X)
        return self._diag(X)

    def is_stationary(self):
        return False

    @property
    def requires_vector_input(self):
        return True

    def _check_dims(self, X):
        pass

    # Subclasses implement:
    #   _eval(X, Y, want_grad) -> (K, ctx)   ctx: whatever _vjp/_full_grad need
    #   _vjp(ctx, W) -> (n_dims,)           sum_ij W_ij dK_ij / dtheta_h
    #   _full_grad(X, ctx) -> (n, n, n_dims)
    #   _diag(X) -> (n,)
    # Ownership (it saves the n x n allocations that dominate a GP evaluation besides
    # the factorisation): the K returned by _eval belongs to the caller, which may
    # change it in place (ctx never refers to it); _vjp may overwrite the arrays of its
    # ctx (one _vjp or _full_grad per _eval) but never W, which siblings share.

    def _free_mask(self):
        """For each hyperparameter in order: (name, n_elements, free?)."""
        return [(h.name, h.n_elements, not h.fixed) for h in self.hyperparameters]


def _fmt(v):
    if isinstance(v, np.ndarray):
        return "[%s]" % ", ".join("%.3g" % x for x in v.ravel())
    if isinstance(v, float):
        return "%.3g" % v
    return repr(v)


def _positive(value, name, owner):
    v = np.asarray(value, dtype=np.float64)
    if not np.isfinite(v).all() or (v <= 0).any():
        raise ValueError("%s.%s must be finite and > 0, got %r" % (owner, name, value))
    return v


# =====================================================================================
# Stationary radial kernels: K = f(r^2), r^2 = sum_k (x_k - y_k)^2 / l_k^2
# =====================================================================================
class _Radial(Kernel):
    """Shared machinery of the length-scale kernels (RBF, Matern, RationalQuadratic)."""
    _kind = 0

    def is_stationary(self):
        return True

    @property
    def anisotropic(self):
        return np.ndim(self.length_scale) > 0 and np.size(self.length_scale) > 1

    def _check_dims(self, X):
        ls = np.ravel(np.asarray(self.length_scale, dtype=np.float64))
        if ls.size > 1 and ls.size != X.shape[1]:
            raise ValueError("%s has %d length scales but X has %d features"
                             % (type(self).__name__, ls.size, X.shape[1]))
        _positive(ls, "length_scale", type(self).__name__)

    def _alpha(self):
        return 1.0

    def _scaled(self, X):
        ls = np.ravel(np.asarray(self.length_scale, dtype=np.float64))
        return np.ascontiguousarray(X / ls if ls.size > 1 else X / ls[0])

    def _eval(self, X, Y, want_grad):
        Z = self._scaled(X)
        R2 = _kernels.sq_dists(Z, Z if Y is None else self._scaled(Y), Y is None)
        if not want_grad:                  # only K is wanted: written over R2
            return _kernels.profile(R2, self._kind, self._alpha(), inplace=True)[0], None
        K, G, GA = _kernels.profile(R2, self._kind, self._alpha(), want_grad)
        return K, (Z, R2, G, GA)

    def _diag(self, X):
        return np.ones(X.shape[0])

    def _length_scale_free(self):
        b = self.length_scale_bounds
        return not (isinstance(b, str) and b == "fixed")

    def _vjp(self, ctx, W):
        Z, R2, G, GA = ctx
        out = []
        for name, n_el, free in self._free_mask():
            if not free:
                continue
            if name == "length_scale":
                M = np.multiply(W, G, out=G)                     # M = W o G (in G)
                if n_el == 1:
                    # sum_ij W_ij dK_ij/dlog l = sum_ij M_ij r_ij^2
                    M *= R2
                    out.append(np.array([M.sum()]))
                else:
                    # sum_ij M_ij (z_ik - z_jk)^2 = 2 z_k'diag(M1) z_k - 2 z_k' M z_k
                    # (M symmetric since W and G are)
                    MZ = gemm(M, Z)                              # MZ = M @ Z
                    rs = M.sum(axis=1)
                    out.append(2.0 * np.sum((Z * Z) * rs[:, None], axis=0)
                               - 2.0 * np.sum(Z * MZ, axis=0))
            elif name == "alpha":
                GA *= W
                out.append(np.array([GA.sum()]))
        return np.concatenate(out) if out else np.zeros(0)

    def _full_grad(self, X, ctx):
        Z, R2, G, GA = ctx
        n = X.shape[0]
        grads = []
        for name, n_el, free in self._free_mask():
            if not free:
                continue
            if name == "length_scale":
                if n_el == 1:
                    grads.append((G * R2)[:, :, None])
                else:
                    D = (Z[:, None, :] - Z[None, :, :]) ** 2     # (n, n, d)
                    grads.append(G[:, :, None] * D)
            elif name == "alpha":
                grads.append(GA[:, :, None])
        return np.concatenate(grads, axis=2) if grads else np.zeros((n, n, 0))


class RBF(_Radial):
    """Squared exponential kernel k(x, y) = exp(-||(x - y) / l||^2 / 2) [R&W eq. 4.9].

    Parameters
    ----------
    length_scale : float or array-like of shape (n_features,), default 1.0
        One length scale (isotropic) or one per feature (anisotropic, ARD).
    length_scale_bounds : (low, high) or "fixed", default (1e-5, 1e5)
    """
    _hyper_names = ("length_scale",)
    _kind = 0

    def __init__(self, length_scale=1.0, length_scale_bounds=(1e-5, 1e5)):
        self.length_scale = length_scale
        self.length_scale_bounds = length_scale_bounds


class Matern(_Radial):
    """Matern kernel for nu in {0.5, 1.5, 2.5} [R&W eq. 4.17; Stein 1999]:

    * nu = 0.5: exp(-r)
    * nu = 1.5: (1 + sqrt(3) r) exp(-sqrt(3) r)
    * nu = 2.5: (1 + sqrt(5) r + 5 r^2 / 3) exp(-sqrt(5) r)

    with r = ||(x - y) / l||.

    Parameters
    ----------
    length_scale : float or array-like of shape (n_features,), default 1.0
    length_scale_bounds : (low, high) or "fixed", default (1e-5, 1e5)
    nu : {0.5, 1.5, 2.5}, default 1.5
    """
    _hyper_names = ("length_scale",)

    def __init__(self, length_scale=1.0, length_scale_bounds=(1e-5, 1e5), nu=1.5):
        self.length_scale = length_scale
        self.length_scale_bounds = length_scale_bounds
        self.nu = nu

    @property
    def _kind(self):
        kinds = {0.5: 1, 1.5: 2, 2.5: 3}
        if self.nu not in kinds:
            raise ValueError("Matern: nu must be 0.5, 1.5 or 2.5, got %r" % (self.nu,))
        return kinds[self.nu]


class Exponential(_Radial):
    """Exponential kernel k(x, y) = exp(-||(x - y) / l||), the Matern kernel with
    nu = 1/2 (the covariance of the Ornstein-Uhlenbeck process) [R&W Sec. 4.2.1].

    Parameters
    ----------
    length_scale : float or array-like of shape (n_features,), default 1.0
    length_scale_bounds : (low, high) or "fixed", default (1e-5, 1e5)
    """
    _hyper_names = ("length_scale",)
    _kind = 1

    def __init__(self, length_scale=1.0, length_scale_bounds=(1e-5, 1e5)):
        self.length_scale = length_scale
        self.length_scale_bounds = length_scale_bounds


class RationalQuadratic(_Radial):
    """Rational quadratic kernel (1 + ||x - y||^2 / (2 alpha l^2))^-alpha [R&W eq. 4.19],
    a scale mixture of RBF kernels; isotropic.

    Parameters
    ----------
    length_scale : float, default 1.0
    alpha : float, default 1.0
    length_scale_bounds, alpha_bounds : (low, high) or "fixed", default (1e-5, 1e5)
    """
    _hyper_names = ("alpha", "length_scale")
    _kind = 4

    def __init__(self, length_scale=1.0, alpha=1.0, length_scale_bounds=(1e-5, 1e5),
                 alpha_bounds=(1e-5, 1e5)):
        self.length_scale = length_scale
        self.alpha = alpha
        self.length_scale_bounds = length_scale_bounds
        self.alpha_bounds = alpha_bounds

    def _check_dims(self, X):
        if np.size(self.length_scale) != 1:
            raise ValueError("RationalQuadratic takes one (isotropic) length scale")
        _positive(self.length_scale, "length_scale", "RationalQuadratic")
        _positive(self.alpha, "alpha", "RationalQuadratic")

    def _alpha(self):
        return float(self.alpha)


# =====================================================================================
# Dot-product kernels
# =====================================================================================
class _DotProduct(Kernel):
    """K = g(X Y^T); the cross products are one GEMM."""

    def _eval(self, X, Y, want_grad):
        # P = X @ Y.T; for Y = X the symmetric product (syrk: one triangle, mirrored)
        P = syrk(X) if Y is None else gemm(X, Y, trans_b=True)
        return self._from_products(P, want_grad)

    def _diag(self, X):
        return self._from_products(np.sum(X * X, axis=1), False)[0]


class Linear(_DotProduct):
    """Linear kernel k(x, y) = x.y + c.

    Parameters
    ----------
    c : float, default 0.0
        Constant offset (any sign; not a log-space hyperparameter).
    """

    def __init__(self, c=0.0):
        self.c = c

    def _from_products(self, P, want_grad):
        return P + float(self.c), None

    def _vjp(self, ctx, W):
        return np.zeros(0)

    def _full_grad(self, X, ctx):
        return np.zeros((X.shape[0], X.shape[0], 0))


class Polynomial(_DotProduct):
    """Polynomial kernel k(x, y) = (gamma x.y + coef0)^degree [Schoelkopf & Smola 2.3].

    Parameters
    ----------
    degree : int, default 3
    gamma : float, default 1.0
        Positive scale of x.y: the log-space hyperparameter.
    coef0 : float, default 1.0
        Offset (any sign; plain parameter).
    gamma_bounds : (low, high) or "fixed", default (1e-5, 1e5)
    """
    _hyper_names = ("gamma",)

    def __init__(self, degree=3, gamma=1.0, coef0=1.0, gamma_bounds=(1e-5, 1e5)):
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.gamma_bounds = gamma_bounds

    def _check_dims(self, X):
        _positive(self.gamma, "gamma", "Polynomial")
        if not isinstance(self.degree, numbers.Integral) or self.degree < 1:
            raise ValueError("Polynomial: degree must be an integer >= 1, got %r" % (self.degree,))

    def _from_products(self, P, want_grad):
        g, d = float(self.gamma), int(self.degree)
        base = g * P + float(self.coef0)
        K = base ** d
        # dK/dlog gamma = d base^(d-1) gamma P
        return K, ((d * base ** (d - 1)) * (g * P) if want_grad else None)

    def _vjp(self, ctx, W):
        if self.n_dims == 0:
            return np.zeros(0)
        ctx *= W
        return np.array([ctx.sum()])

    def _full_grad(self, X, ctx):
        if self.n_dims == 0:
            return np.zeros((X.shape[0], X.shape[0], 0))
        return ctx[:, :, None]


class HyperTan(_DotProduct):
    """Hyperbolic tangent ("sigmoid") kernel k(x, y) = tanh(alpha x.y + c)
    [Schoelkopf & Smola 2.3]; not positive semi-definite in general.

    Parameters
    ----------
    alpha : float, default 1.0
        Positive scale (log-space hyperparameter).
    c : float, default 0.0
        Offset (any sign; plain parameter).
    alpha_bounds : (low, high) or "fixed", default (1e-5, 1e5)
    """
    _hyper_names = ("alpha",)

    def __init__(self, alpha=1.0, c=0.0, alpha_bounds=(1e-5, 1e5)):
        self.alpha = alpha
        self.c = c
        self.alpha_bounds = alpha_bounds

    def _check_dims(self, X):
        _positive(self.alpha, "alpha", "HyperTan")

    def _from_products(self, P, want_grad):
        a = float(self.alpha)
        K = np.tanh(a * P + float(self.c))
        # dK/dlog alpha = (1 - K^2) alpha P
        return K, ((1.0 - K * K) * (a * P) if want_grad else None)

    _vjp = Polynomial._vjp
    _full_grad = Polynomial._full_grad


# =====================================================================================
# Other kernels
# =====================================================================================
class Multiquadric(Kernel):
    """Multiquadric k(x, y) = sqrt(||x - y||^2 + c^2) (Hardy 1971); conditionally
    positive definite of order 1, used for interpolation rather than as a GP prior.

    Parameters
    ----------
    c : float, default 1.0
    c_bounds : (low, high) or "fixed", default (1e-5, 1e5)
    """
    _hyper_names = ("c",)

    def __init__(self, c=1.0, c_bounds=(1e-5, 1e5)):
        self.c = c
        self.c_bounds = c_bounds

    def is_stationary(self):
        return True

    def _check_dims(self, X):
        _positive(self.c, "c", "Multiquadric")

    def _eval(self, X, Y, want_grad):
        D2 = _kernels.sq_dists(X, X if Y is None else Y, Y is None)
        D2 += float(self.c) ** 2
        K = np.sqrt(D2)
        return K, np.sqrt(D2, out=D2) if want_grad else None     # ctx: a copy of K

    def _diag(self, X):
        return np.full(X.shape[0], abs(float(self.c)))

    def _vjp(self, ctx, W):
        if self.n_dims == 0:
            return np.zeros(0)
        # dK/dlog c = c^2 / K
        return np.array([float(self.c) ** 2 * np.sum(W / ctx)])

    def _full_grad(self, X, ctx):
        if self.n_dims == 0:
            return np.zeros(ctx.shape + (0,))
        return (float(self.c) ** 2 / ctx)[:, :, None]


class Constant(Kernel):
    """Constant kernel k(x, y) = constant_value (a prior variance when multiplied).

    Parameters
    ----------
    constant_value : float, default 1.0
    constant_value_bounds : (low, high) or "fixed", default (1e-5, 1e5)
    """
    _hyper_names = ("constant_value",)

    def __init__(self, constant_value=1.0, constant_value_bounds=(1e-5, 1e5)):
        self.constant_value = constant_value
        self.constant_value_bounds = constant_value_bounds

    def is_stationary(self):
        return True

    @property
    def requires_vector_input(self):
        return False

    def _eval(self, X, Y, want_grad):
        m = X.shape[0] if Y is None else Y.shape[0]
        return np.full((X.shape[0], m), float(self.constant_value)), None

    def _diag(self, X):
        return np.full(X.shape[0], float(self.constant_value))

    def _vjp(self, ctx, W):
        if self.n_dims == 0:
            return np.zeros(0)
        # dK/dlog c = c * ones
        return np.array([float(self.constant_value) * W.sum()])

    def _full_grad(self, X, ctx):
        n = X.shape[0]
        if self.n_dims == 0:
            return np.zeros((n, n, 0))
        return np.full((n, n, 1), float(self.constant_value))


class White(Kernel):
    """White noise k(x_i, x_j) = noise_level * [i == j]: added on the diagonal of
    k(X) only (k(X, Y) with a separate Y is zero), as for observation noise.

    Parameters
    ----------
    noise_level : float, default 1.0
    noise_level_bounds : (low, high) or "fixed", default (1e-5, 1e5)
    """
    _hyper_names = ("noise_level",)

    def __init__(self, noise_level=1.0, noise_level_bounds=(1e-5, 1e5)):
        self.noise_level = noise_level
        self.noise_level_bounds = noise_level_bounds

    def is_stationary(self):
        return True

    @property
    def requires_vector_input(self):
        return False

    def _eval(self, X, Y, want_grad):
        if Y is None:
            return float(self.noise_level) * np.eye(X.shape[0]), None
        return np.zeros((X.shape[0], Y.shape[0])), None

    def _diag(self, X):
        return np.full(X.shape[0], float(self.noise_level))

    def _vjp(self, ctx, W):
        if self.n_dims == 0:
            return np.zeros(0)
        # dK/dlog s = s I
        return np.array([float(self.noise_level) * np.trace(W)])

    def _full_grad(self, X, ctx):
        n = X.shape[0]
        if self.n_dims == 0:
            return np.zeros((n, n, 0))
        return float(self.noise_level) * np.eye(n)[:, :, None]


# =====================================================================================
# Compound kernels
# =====================================================================================
class _Binary(Kernel):
    def __init__(self, k1, k2):
        self.k1 = k1
        self.k2 = k2

    @property
    def hyperparameters(self):
        out = []
        for prefix, k in (("k1__", self.k1), ("k2__", self.k2)):
            for h in k.hyperparameters:
                out.append(Hyperparameter(prefix + h.name, h.value_type, h.bounds,
                                          h.n_elements, h.fixed))
        return out

    @property
    def n_dims(self):
        return self.k1.n_dims + self.k2.n_dims

    @property
    def theta(self):
        return np.concatenate([self.k1.theta, self.k2.theta])

    @theta.setter
    def theta(self, theta):
        theta = np.asarray(theta, dtype=np.float64).ravel()
        if theta.size != self.n_dims:
            raise ValueError("theta has %d entries, the kernel has %d free hyperparameters"
                             % (theta.size, self.n_dims))
        n1 = self.k1.n_dims
        self.k1.theta = theta[:n1]
        self.k2.theta = theta[n1:]

    @property
    def bounds(self):
        return np.vstack([self.k1.bounds, self.k2.bounds])

    def is_stationary(self):
        return self.k1.is_stationary() and self.k2.is_stationary()

    @property
    def requires_vector_input(self):
        return self.k1.requires_vector_input or self.k2.requires_vector_input

    def _check_dims(self, X):
        self.k1._check_dims(X)
        self.k2._check_dims(X)

    def __repr__(self):
        return "%r %s %r" % (self.k1, self._op, self.k2)


class Sum(_Binary):
    """k1 + k2: the gradients are concatenated (k1's first)."""
    _op = "+"

    def _eval(self, X, Y, want_grad):
        # white noise only touches the diagonal of K(X, X): add it in place
        if isinstance(self.k2, White):
            K, c1 = self.k1._eval(X, Y, want_grad)
            if Y is None:
                K[np.arange(K.shape[0]), np.arange(K.shape[0])] += float(self.k2.noise_level)
            return K, (c1, None)
        if isinstance(self.k1, White):
            K, c2 = self.k2._eval(X, Y, want_grad)
            if Y is None:
                K[np.arange(K.shape[0]), np.arange(K.shape[0])] += float(self.k1.noise_level)
            return K, (None, c2)
        K1, c1 = self.k1._eval(X, Y, want_grad)
        K2, c2 = self.k2._eval(X, Y, want_grad)
        K1 += K2                                    # K1 is ours (see Kernel._eval)
        return K1, (c1, c2)

    def _diag(self, X):
        return self.k1._diag(X) + self.k2._diag(X)

    def _vjp(self, ctx, W):
        return np.concatenate([self.k1._vjp(ctx[0], W), self.k2._vjp(ctx[1], W)])

    def _full_grad(self, X, ctx):
        return np.concatenate([self.k1._full_grad(X, ctx[0]),
                               self.k2._full_grad(X, ctx[1])], axis=2)


class Product(_Binary):
    """k1 * k2 (elementwise): d(K1 o K2) = dK1 o K2 + K1 o dK2, so the contraction
    with W is k1's with W o K2 and k2's with W o K1."""
    _op = "*"

    def _scaled_side(self):
        """1 or 2 when that factor is a Constant (K = c K_other, no n x n constant)."""
        if isinstance(self.k1, Constant):
            return 1
        if isinstance(self.k2, Constant):
            return 2
        return 0

    def _eval(self, X, Y, want_grad):
        side = self._scaled_side()
        if side:
            const, other = (self.k1, self.k2) if side == 1 else (self.k2, self.k1)
            K, c_other = other._eval(X, Y, want_grad)
            # d(c K)/dlog c = c K: keep a copy of K only when c is a free hyperparameter
            keep = K.copy() if (want_grad and const.n_dims) else None
            K *= float(const.constant_value)
            return K, ("scaled", c_other, keep)
        K1, c1 = self.k1._eval(X, Y, want_grad)
        K2, c2 = self.k2._eval(X, Y, want_grad)
        return K1 * K2, (c1, c2, K1, K2)

    def _diag(self, X):
        return self.k1._diag(X) * self.k2._diag(X)

    def _vjp(self, ctx, W):
        if ctx[0] == "scaled":
            # c K_o: the constant's part c sum(W o K_o); the other's is linear in W,
            # so its contraction with c W is c times its contraction with W
            _, c_other, keep = ctx
            side = self._scaled_side()
            const, other = (self.k1, self.k2) if side == 1 else (self.k2, self.k1)
            c = float(const.constant_value)
            g_const = np.zeros(0)
            if const.n_dims:
                keep *= W
                g_const = np.array([c * keep.sum()])
            g_other = c * other._vjp(c_other, W) if other.n_dims else np.zeros(0)
            return np.concatenate([g_const, g_other] if side == 1 else [g_other, g_const])
        c1, c2, K1, K2 = ctx
        parts = []
        if self.k1.n_dims:
            parts.append(self.k1._vjp(c1, np.multiply(W, K2, out=K2)))     # K1, K2: ours
        if self.k2.n_dims:
            parts.append(self.k2._vjp(c2, np.multiply(W, K1, out=K1)))
        return np.concatenate(parts) if parts else np.zeros(0)

    def _full_grad(self, X, ctx):
        if ctx[0] == "scaled":
            _, c_other, keep = ctx
            side = self._scaled_side()
            const, other = (self.k1, self.k2) if side == 1 else (self.k2, self.k1)
            c = float(const.constant_value)
            g_other = other._full_grad(X, c_other) * c
            g_const = (c * keep)[:, :, None] if const.n_dims else \
                np.zeros(g_other.shape[:2] + (0,))
            return np.concatenate([g_const, g_other] if side == 1 else [g_other, g_const],
                                  axis=2)
        c1, c2, K1, K2 = ctx
        return np.concatenate([self.k1._full_grad(X, c1) * K2[:, :, None],
                               self.k2._full_grad(X, c2) * K1[:, :, None]], axis=2)

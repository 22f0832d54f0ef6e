"""Exceptions and warnings shared by the whole library."""


class LinAlgError(ValueError):
    """A linear-algebra failure: singular matrix, matrix not positive definite,
    or an iteration that did not converge. The message says which and where."""


class NotFittedError(ValueError, AttributeError):
    """An estimator was used (predict, transform, ...) before ``fit``."""


class ConvergenceWarning(UserWarning):
    """An iterative solver stopped at its iteration limit before converging."""


class DataConversionWarning(UserWarning):
    """Input data was converted in a way the user may not expect (for instance a
    column-vector y raveled to 1-D)."""


_TWINS = {}


def _sklearn_twin(cls):
    """``cls``, or when scikit-learn is already loaded in this process a subclass of both
    ``cls`` and scikit-learn's class of the same name, so that code written against
    scikit-learn (``except sklearn.exceptions.NotFittedError``, its warning filters, its
    estimator checks) recognises ours. scikit-learn itself is never imported here."""
    import sys
    sk = sys.modules.get("sklearn.exceptions")
    other = getattr(sk, cls.__name__, None) if sk is not None else None
    if other is None:
        return cls
    twin = _TWINS.get(cls)
    if twin is None:
        twin = _TWINS[cls] = type(cls.__name__, (cls, other),
                                  {"__module__": __name__, "__doc__": cls.__doc__})
    return twin


def _data_conversion_warning_class():
    return _sklearn_twin(DataConversionWarning)


def _warn_convergence(message, stacklevel=1):
    """Warn that an iteration stopped at its limit: the one route every iterative
    estimator takes, so that all of them raise the same class, ``ConvergenceWarning``
    (scikit-learn's twin of it when scikit-learn is loaded, see :func:`_sklearn_twin`).
    ``stacklevel`` counts from the caller, as in ``warnings.warn``."""
    import warnings
    warnings.warn(message, _sklearn_twin(ConvergenceWarning), stacklevel=stacklevel + 1)

"""Exceptions and warnings shared by the whole library."""


class LinAlgError(ValueError):
    """A linear-algebra failure: singular matrix, matrix not positive definite,
    or an iteration that did not converge. The message says which and where."""


class NotFittedError(ValueError, AttributeError):
    """An estimator was used (predict, transform, ...) before ``fit``."""


class ConvergenceWarning(UserWarning):
    """An iterative solver stopped at its iteration limit before converging."""

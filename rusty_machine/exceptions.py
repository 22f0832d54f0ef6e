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


def _data_conversion_warning_class():
    """The category to warn with: ours, and also scikit-learn's when scikit-learn is
    already loaded in this process (so its filters and estimator checks see it), without
    ever importing scikit-learn ourselves."""
    import sys
    sk = sys.modules.get("sklearn.exceptions")
    if sk is None or not hasattr(sk, "DataConversionWarning"):
        return DataConversionWarning
    global _BOTH
    try:
        return _BOTH
    except NameError:
        _BOTH = type("DataConversionWarning", (DataConversionWarning, sk.DataConversionWarning),
                     {"__module__": __name__, "__doc__": DataConversionWarning.__doc__})
        return _BOTH

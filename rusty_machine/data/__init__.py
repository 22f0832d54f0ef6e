"""Data transforms (rusty_machine.data.transforms): Standardizer, MinMaxScaler,
Normalizer and Shuffler, each with fit / transform / inverse_transform (where it makes
sense) and scikit-learn's conventions.

    >>> from rusty_machine.data.transforms import Standardizer
"""
from .._lazy import lazy_exports

_EXPORTS = {"Standardizer": "transforms", "MinMaxScaler": "transforms",
            "Normalizer": "transforms", "Shuffler": "transforms"}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)

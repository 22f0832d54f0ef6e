"""Bundled datasets, shipped with the package: load_iris(), load_trees().

Both return ``(X, y)`` as numpy arrays (a :class:`Dataset` tuple that also has
``feature_names``); ``return_names=True`` returns the names as extra items.
"""
from ._loaders import Dataset, load_iris, load_trees

__all__ = ["Dataset", "load_iris", "load_trees"]

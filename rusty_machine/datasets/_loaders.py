"""Loaders for the datasets bundled with the package (CSV files next to this module).

References
----------
1. R. A. Fisher, "The use of multiple measurements in taxonomic problems", Annals of
   Eugenics 7 (1936) 179-188; measurements by E. Anderson, "The irises of the Gaspe
   Peninsula", Bulletin of the American Iris Society 59 (1935) 2-5.  (``iris.csv``:
   150 flowers, 50 of each of Iris setosa / versicolor / virginica.)
2. T. A. Ryan, B. L. Joiner and B. F. Ryan, *The Minitab Student Handbook*, Duxbury
   Press, 1976, and R's ``datasets::trees``. (``trees.csv``: girth (inches, measured at
   4 ft 6 in), height (ft) and timber volume (cubic ft) of 31 felled black cherry trees.)
"""
import os

import numpy as np

__all__ = ["Dataset", "load_iris", "load_trees"]

_HERE = os.path.dirname(os.path.abspath(__file__))


class Dataset(tuple):
    """``(X, y)`` that also carries its description, like a tiny scikit-learn Bunch.

    It unpacks as a 2-tuple (``X, y = load_iris()``) and has the attributes ``data``
    (= X), ``target`` (= y), ``feature_names``, ``target_names`` (None for a regression
    target) and ``name``.
    """

    def __new__(cls, data, target, feature_names, target_names, name):
        self = super().__new__(cls, (data, target))
        self.data = data
        self.target = target
        self.feature_names = list(feature_names)
        self.target_names = None if target_names is None else list(target_names)
        self.name = name
        return self

    def __reduce__(self):
        return (Dataset, (self.data, self.target, self.feature_names, self.target_names,
                          self.name))

    def __repr__(self):
        return "Dataset(name=%r, data shape=%s, target shape=%s)" % (
            self.name, self.data.shape, self.target.shape)


def _read(filename):
    path = os.path.join(_HERE, filename)
    with open(path, "r", encoding="ascii") as fh:
        header = fh.readline().strip().split(",")
    values = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
    return header, values


def load_iris(return_names=False):
    """Fisher's iris data: 150 flowers, 4 measurements, 3 species.

    Parameters
    ----------
    return_names : bool, default False
        If True, also return the feature names and the class names.

    Returns
    -------
    X : ndarray of shape (150, 4), float64
        Sepal length, sepal width, petal length, petal width (cm).
    y : ndarray of shape (150,), int64
        0 = setosa, 1 = versicolor, 2 = virginica.
    feature_names, target_names : list of str
        Only with ``return_names=True``.

    The returned pair is a :class:`Dataset` (a tuple subclass), so ``ds.data``,
    ``ds.target``, ``ds.feature_names`` and ``ds.target_names`` work as well.
    """
    header, values = _read("iris.csv")
    X = np.ascontiguousarray(values[:, :4])
    y = values[:, 4].astype(np.int64)
    target_names = ["setosa", "versicolor", "virginica"]
    ds = Dataset(X, y, header[:4], target_names, "iris")
    if return_names:
        return X, y, list(header[:4]), target_names
    return ds


def load_trees(return_names=False):
    """R's ``trees``: girth, height and timber volume of 31 black cherry trees.

    Parameters
    ----------
    return_names : bool, default False
        If True, also return the feature names and the target name.

    Returns
    -------
    X : ndarray of shape (31, 2), float64
        Girth (inches, the diameter at 4 ft 6 in above ground, as R labels it) and
        height (ft).
    y : ndarray of shape (31,), float64
        Volume of timber (cubic ft).
    feature_names : list of str, target_name : str
        Only with ``return_names=True``.

    The returned pair is a :class:`Dataset` (``ds.data``, ``ds.target``,
    ``ds.feature_names``; ``ds.target_names`` is None for this regression target).
    """
    header, values = _read("trees.csv")
    X = np.ascontiguousarray(values[:, :2])
    y = np.ascontiguousarray(values[:, 2])
    if return_names:
        return X, y, list(header[:2]), header[2]
    return Dataset(X, y, header[:2], None, "trees")

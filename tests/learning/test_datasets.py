"""The bundled datasets: shapes, dtypes, and known published values."""
import pickle

import numpy as np

from rusty_machine.datasets import Dataset, load_iris, load_trees


def test_iris_shape_and_classes():
    X, y = load_iris()
    assert X.shape == (150, 4) and X.dtype == np.float64 and X.flags.c_contiguous
    assert y.shape == (150,) and y.dtype.kind == "i"
    assert np.array_equal(np.bincount(y), [50, 50, 50])
    # first flower of Fisher's table and the class means of petal length (1.462, 4.26, 5.552)
    assert np.array_equal(X[0], [5.1, 3.5, 1.4, 0.2])
    means = [X[y == k, 2].mean() for k in range(3)]
    assert np.allclose(means, [1.462, 4.260, 5.552], atol=1e-12)


def test_iris_matches_scikit_learn_copy():
    from sklearn import datasets as sk
    Xs, ys = sk.load_iris(return_X_y=True)
    X, y = load_iris()
    assert np.array_equal(X, Xs) and np.array_equal(y, ys)


def test_trees_known_values():
    X, y = load_trees()
    assert X.shape == (31, 2) and y.shape == (31,)
    assert np.array_equal(X[0], [8.3, 70.0]) and y[0] == 10.3
    assert np.array_equal(X[-1], [20.6, 87.0]) and y[-1] == 77.0
    # summary(trees) in R: mean girth 13.25, mean height 76, mean volume 30.17
    assert abs(X[:, 0].mean() - 13.248387096774) < 1e-9
    assert X[:, 1].mean() == 76.0
    assert abs(y.mean() - 30.170967741935) < 1e-9


def test_names_and_dataset_object():
    X, y, names, classes = load_iris(return_names=True)
    assert len(names) == 4 and classes == ["setosa", "versicolor", "virginica"]
    ds = load_trees()
    assert isinstance(ds, Dataset) and ds.target_names is None
    assert ds.feature_names == ["girth_in", "height_ft"]
    assert ds.data is ds[0] and ds.target is ds[1]
    X, y, names, target = load_trees(return_names=True)
    assert target == "volume_ft3"
    back = pickle.loads(pickle.dumps(load_iris()))
    assert np.array_equal(back.data, load_iris().data) and back.name == "iris"

"""Neural networks against scikit-learn, single-threaded on both sides.

    python bench/bench_learning_nnet.py [--quick]

Rows: MLPClassifier on 60000x784 (MNIST's shape; synthetic 10-class data since the
benchmark must run offline), one hidden layer of 256, adam, batch 128, 2 epochs; and on
scikit-learn's digits, (100,), 50 epochs. Ratio = scikit-learn's time / ours.
"""
import argparse
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

import rusty_machine
from _common import EVERY_RUN, timed
from rusty_machine.exceptions import ConvergenceWarning
from rusty_machine.learning.nnet import MLPClassifier


def timed_fit(model, X, y, repeats=1):
    """Best time of ``repeats`` fits (the benchmarks' one timing loop)."""
    return timed(lambda: model.fit(X, y), 0.0, repeats=repeats, **EVERY_RUN)[0]


def main():
    from sklearn.datasets import load_digits, make_classification
    from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning
    from sklearn.neural_network import MLPClassifier as SkMLP

    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    warnings.simplefilter("ignore", SkConvergenceWarning)

    n_big = 12000 if args.quick else 60000
    X, y = make_classification(n_samples=n_big + 10000, n_features=784, n_informative=60,
                               n_classes=10, n_clusters_per_class=1, random_state=0)
    big = (X[:n_big], y[:n_big], X[n_big:], y[n_big:])
    Xd, yd = load_digits(return_X_y=True)
    Xd = Xd / 16.0
    order = np.random.RandomState(0).permutation(len(yd))
    digits = (Xd[order[:1300]], yd[order[:1300]], Xd[order[1300:]], yd[order[1300:]])

    cases = [
        ("MLP 784-256-10 adam b128 2ep", big,
         dict(hidden_layer_sizes=(256,), solver="adam", batch_size=128, max_iter=2,
              random_state=0), 1),
        ("MLP digits (100,) 50ep", digits,
         dict(hidden_layer_sizes=(100,), max_iter=50, random_state=0), 3),
    ]
    print("%-30s %-12s %9s %9s %7s %9s %9s" % ("case", "data", "ours s", "sklearn s", "ratio",
                                              "acc ours", "acc skl"))
    with threadpool_limits(1), rusty_machine.num_threads(1):
        for name, (Xtr, ytr, Xte, yte), params, repeats in cases:
            ours, ref = MLPClassifier(**params), SkMLP(**params)
            t_ours = timed_fit(ours, Xtr, ytr, repeats)
            t_ref = timed_fit(ref, Xtr, ytr, repeats)
            print("%-30s %-12s %9.3f %9.3f %7.2f %9.4f %9.4f" % (
                name, "%dx%d" % Xtr.shape, t_ours, t_ref, t_ref / t_ours,
                ours.score(Xte, yte), ref.score(Xte, yte)), flush=True)


if __name__ == "__main__":
    main()

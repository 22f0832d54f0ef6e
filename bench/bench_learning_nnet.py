"""Neural networks against scikit-learn, single-threaded on both sides.

    python bench/bench_learning_nnet.py [--quick]

Rows: MLPClassifier on 60000x784 (MNIST's shape; synthetic 10-class data since the
benchmark must run offline), one hidden layer of 256, adam, batch 128, 2 epochs; and on
scikit-learn's digits, (100,), 50 epochs. Ratio = scikit-learn's time / ours.
Then the float32 row (issue 13): the 784-256-10 fit on float32 data, ours against our
float64 fit (target >= 1.6x) and scikit-learn's float32 fit, in CPU seconds.
"""
import argparse
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

import rusty_machine
from _common import EVERY_RUN, cpu_interleaved, timed
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
    mlp_float32(big, cases[0][2])


def mlp_float32(data, params, rounds=2):
    """ours f32 / ours f64 / scikit-learn f32, CPU time (process_time), best of ``rounds``
    interleaved rounds, one thread. Agreement: test accuracies and the largest difference
    of the float32 and float64 fits' predicted probabilities."""
    from sklearn.neural_network import MLPClassifier as SkMLP

    Xtr, ytr, Xte, yte = data
    X32, Xte32 = Xtr.astype(np.float32), Xte.astype(np.float32)
    fns = [lambda: MLPClassifier(**params).fit(X32, ytr),
           lambda: MLPClassifier(**params).fit(Xtr, ytr),
           lambda: SkMLP(**params).fit(X32, ytr)]
    with threadpool_limits(1), rusty_machine.num_threads(1):
        (t32, t64, tsk), (m32, m64, msk) = cpu_interleaved(fns, rounds)
    dp = np.abs(m32.predict_proba(Xte32) - m64.predict_proba(Xte)).max()
    print("\nfloat32 (CPU seconds, best of %d interleaved rounds, 1 thread)" % rounds)
    print("%-30s %-12s %9s %9s %9s %8s %8s %8s %8s %8s %9s" % (
        "case", "data", "ours f32", "ours f64", "skl f32", "f64/f32", "skl/ours",
        "acc f32", "acc f64", "acc skl", "max dP"))
    print("%-30s %-12s %9.3f %9.3f %9.3f %8.2f %8.2f %8.4f %8.4f %8.4f %9.2e" % (
        "MLP 784-256-10 adam b128 2ep", "%dx%d" % Xtr.shape, t32, t64, tsk, t64 / t32,
        tsk / t32, m32.score(Xte32, yte), m64.score(Xte, yte), msk.score(Xte32, yte), dp),
        flush=True)


if __name__ == "__main__":
    main()

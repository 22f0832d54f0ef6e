"""Learning I against scikit-learn, single-threaded on both sides.

    python bench/bench_learning_linear.py [--quick] [--repeats N]

Ratio = scikit-learn's time / ours (above 1: we are faster). Targets (issue 6):
LinearRegression 100000x100 >= 1.0; LogisticRegression 50000x50 lbfgs >= 0.7;
PoissonRegressor 50000x20 >= 0.5. The score columns are held-out R^2 / accuracy / D^2
of both sides (they should agree to three decimals). Extra rows show the other solvers.
Times are the best of at least --repeats runs (more for fits under ~0.1 s, until half a
second was spent); on a shared machine run it two or three times.
"""
import argparse
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

import rusty_machine
from _common import EVERY_RUN, timed


def main(argv=None):
    from sklearn import linear_model as sk

    from rusty_machine.learning import (LinearRegression, LogisticRegression,
                                        PoissonRegressor, Ridge)

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="sizes divided by 10")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    q = 10 if args.quick else 1
    rng = np.random.RandomState(0)

    def split(X, y):
        # fit on the first 4/5 (the sizes of the targets), score on the last 1/5
        n = len(y) * 4 // 5
        return X[:n], y[:n], X[n:], y[n:]

    # LinearRegression 100000 x 100
    X = rng.randn(125000 // q, 100)
    y = X @ rng.randn(100) + 0.5 * rng.randn(len(X)) + 3.0
    lin = split(X, y)
    # LogisticRegression 50000 x 50 (binary and 3 classes)
    X = rng.randn(62500 // q, 50)
    w = rng.randn(50) * 0.3
    yb = (X @ w + rng.randn(len(X)) > 0).astype(int)
    ym = np.argmax(X[:, :3] + rng.randn(len(X), 3), axis=1)
    logb, logm = split(X, yb), split(X, ym)
    # PoissonRegressor 50000 x 20
    X = rng.randn(62500 // q, 20) * 0.3
    yp = rng.poisson(np.exp(X @ (rng.randn(20) * 0.5) + 0.2)).astype(float)
    poi = split(X, yp)

    cases = [
        ("LinearRegression (qr)", lin, lambda: LinearRegression(),
         lambda: sk.LinearRegression()),
        ("LinearRegression (cholesky)", lin, lambda: LinearRegression(solver="cholesky"),
         lambda: sk.LinearRegression()),
        ("LinearRegression (svd)", lin, lambda: LinearRegression(solver="svd"),
         lambda: sk.LinearRegression()),
        ("Ridge alpha=1 (auto / sk auto)", lin, lambda: Ridge(alpha=1.0),
         lambda: sk.Ridge(alpha=1.0)),
        ("LogisticRegression lbfgs, 2 cl.", logb, lambda: LogisticRegression(),
         lambda: sk.LogisticRegression()),
        ("LogisticRegression lbfgs, 3 cl.", logm, lambda: LogisticRegression(),
         lambda: sk.LogisticRegression()),
        ("LogisticRegression newton, 2 cl.", logb, lambda: LogisticRegression(solver="newton"),
         lambda: sk.LogisticRegression(solver="newton-cholesky")),
        ("PoissonRegressor alpha=1", poi, lambda: PoissonRegressor(),
         lambda: sk.PoissonRegressor()),
        ("PoissonRegressor alpha=1e-4", poi, lambda: PoissonRegressor(alpha=1e-4),
         lambda: sk.PoissonRegressor(alpha=1e-4)),
    ]
    rusty_machine.set_num_threads(1)
    print("both sides single-threaded; best of %d runs\n" % args.repeats)
    head = "%-34s %-12s %9s %9s %7s %11s %11s" % ("estimator", "data", "ours s", "sklearn s",
                                                  "ratio", "score ours", "score sk")
    print(head)
    print("-" * len(head))
    with threadpool_limits(limits=1):
        for name, (Xtr, ytr, Xte, yte), ours, theirs in cases:
            t_ours, m_ours = timed(lambda: ours().fit(Xtr, ytr), 0.5, 50,
                                       repeats=args.repeats, **EVERY_RUN)
            t_sk, m_sk = timed(lambda: theirs().fit(Xtr, ytr), 0.5, 50,
                                   repeats=args.repeats, **EVERY_RUN)
            print("%-34s %-12s %9.4f %9.4f %7.2f %11.5f %11.5f" % (
                name, "%dx%d" % Xtr.shape, t_ours, t_sk, t_sk / t_ours,
                m_ours.score(Xte, yte), m_sk.score(Xte, yte)), flush=True)


if __name__ == "__main__":
    main()

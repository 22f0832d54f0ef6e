"""Classification and regression metrics (scikit-learn's definitions and names).

Classification: :func:`accuracy_score`, :func:`precision_score`, :func:`recall_score`,
:func:`f1_score` (``average`` = "binary" | "macro" | "micro" | "weighted" | None),
:func:`confusion_matrix`, :func:`log_loss`. Regression: :func:`mean_squared_error`,
:func:`mean_absolute_error`, :func:`r2_score`. Short aliases ``accuracy``,
``precision``, ``recall``, ``f1`` are provided as well.

Every metric takes ``sample_weight``. Precision, recall and F1 follow the usual
definitions from the confusion matrix C (rows = true class, columns = predicted):

    precision_k = C[k, k] / sum_i C[i, k],   recall_k = C[k, k] / sum_j C[k, j],
    F1_k = 2 precision_k recall_k / (precision_k + recall_k)

with 0 where a denominator vanishes ("zero_division=0"). "micro" pools the counts,
"macro" averages the per-class values, "weighted" weights them by the class support.

References
----------
1. C. J. van Rijsbergen, *Information Retrieval*, 2nd ed., Butterworths 1979, Ch. 7
   (the F measure).
2. M. Sokolova and G. Lapalme, "A systematic analysis of performance measures for
   classification tasks", Information Processing & Management 45 (2009) 427-437
   (micro and macro averaging).
"""
import numpy as np

from ..learning.validation import check_sample_weight

__all__ = ["accuracy_score", "precision_score", "recall_score", "f1_score",
           "precision_recall_fscore_support", "confusion_matrix", "log_loss",
           "mean_squared_error", "mean_absolute_error", "r2_score",
           "accuracy", "precision", "recall", "f1"]


def _check_pair(y_true, y_pred, numeric=False):
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if numeric:
        y_true = y_true.astype(np.float64)
        y_pred = y_pred.astype(np.float64)
    if y_true.ndim == 2 and y_true.shape[1] == 1 and not numeric:
        y_true = y_true.ravel()
    if y_pred.ndim == 2 and y_pred.shape[1] == 1 and not numeric:
        y_pred = y_pred.ravel()
    if y_true.shape[0] != y_pred.shape[0]:
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         "y_true has %d, y_pred has %d" % (y_true.shape[0], y_pred.shape[0]))
    if y_true.shape[0] == 0:
        raise ValueError("empty input: y_true and y_pred have no samples")
    if numeric:
        if y_true.shape != y_pred.shape and not (
                y_true.ndim == 1 and y_pred.ndim == 2 and y_pred.shape[1] == 1):
            raise ValueError("y_true has shape %s but y_pred has shape %s"
                             % (y_true.shape, y_pred.shape))
        if not (np.isfinite(y_true).all() and np.isfinite(y_pred).all()):
            raise ValueError("Input contains NaN or infinity.")
        y_pred = y_pred.reshape(y_true.shape)
    elif y_true.ndim != 1 or y_pred.ndim != 1:
        raise ValueError("classification metrics need 1-D label arrays, got shapes %s and %s"
                         % (y_true.shape, y_pred.shape))
    return y_true, y_pred


# ---------------------------------------------------------------------------------------
# classification

def accuracy_score(y_true, y_pred, *, normalize=True, sample_weight=None):
    """Fraction (or weighted count with ``normalize=False``) of exact matches.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    normalize : bool, default True
    sample_weight : array-like of shape (n_samples,), optional

    Returns
    -------
    float
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    w = check_sample_weight(sample_weight, y_true.shape[0])
    hits = float(np.sum(w * (y_true == y_pred)))
    return hits / float(w.sum()) if normalize else hits


def confusion_matrix(y_true, y_pred, *, labels=None, sample_weight=None, normalize=None):
    """C[i, j] = (weighted) number of samples of true class i predicted as class j.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    labels : array-like, optional
        Class order (default: sorted union of the labels seen).
    sample_weight : array-like of shape (n_samples,), optional
    normalize : {None, "true", "pred", "all"}, default None
        Divide by the row sums, column sums or total.

    Returns
    -------
    ndarray of shape (n_classes, n_classes)
        Integer counts without weights or normalisation, float otherwise.
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    if labels is None:
        labels = np.unique(np.concatenate([y_true, y_pred]))
    else:
        labels = np.asarray(labels)
        if labels.size == 0:
            raise ValueError("'labels' should contain at least one label.")
        if not np.isin(y_true, labels).any():
            raise ValueError("At least one label specified must be in y_true")
    if normalize not in (None, "true", "pred", "all"):
        raise ValueError("normalize must be one of None, 'true', 'pred', 'all', got %r"
                         % (normalize,))
    n = labels.shape[0]
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]

    def index_of(v):
        pos = np.searchsorted(sorted_labels, v)
        pos = np.clip(pos, 0, n - 1)
        found = sorted_labels[pos] == v
        return order[pos], found

    it, ft = index_of(y_true)
    ip, fp = index_of(y_pred)
    keep = ft & fp
    w = check_sample_weight(sample_weight, y_true.shape[0])
    weighted = sample_weight is not None
    cm = np.zeros((n, n), dtype=np.float64)
    np.add.at(cm, (it[keep], ip[keep]), w[keep])
    if normalize is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            if normalize == "true":
                cm = cm / cm.sum(axis=1, keepdims=True)
            elif normalize == "pred":
                cm = cm / cm.sum(axis=0, keepdims=True)
            else:
                cm = cm / cm.sum()
        return np.nan_to_num(cm)
    return cm if weighted else cm.astype(np.int64)


def precision_recall_fscore_support(y_true, y_pred, *, labels=None, pos_label=1,
                                    average=None, sample_weight=None, beta=1.0):
    """Per-class or averaged precision, recall, F-beta and support.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    labels : array-like, optional
    pos_label : label, default 1
        The positive class for ``average="binary"``.
    average : {None, "binary", "macro", "micro", "weighted"}
    sample_weight : array-like, optional
    beta : float, default 1.0

    Returns
    -------
    precision, recall, fbeta, support
        Arrays of shape (n_classes,) with ``average=None``; floats (support None)
        otherwise.
    """
    if average not in (None, "binary", "macro", "micro", "weighted"):
        raise ValueError("average has to be one of (None, 'binary', 'micro', 'macro', "
                         "'weighted'), got %r" % (average,))
    y_true, y_pred = _check_pair(y_true, y_pred)
    present = np.unique(np.concatenate([y_true, y_pred]))
    if average == "binary":
        if present.shape[0] > 2:
            raise ValueError("Target is multiclass but average='binary'. Please choose "
                             "another average setting, one of [None, 'micro', 'macro', "
                             "'weighted'].")
        if pos_label not in present and present.shape[0] == 2:
            raise ValueError("pos_label=%r is not a valid label. It should be one of %s"
                             % (pos_label, list(present)))
        labels = np.asarray([pos_label])
        cm_labels = present if pos_label in present else np.append(present, pos_label)
    else:
        labels = present if labels is None else np.asarray(labels)
        # count over every class present, not only the requested ones: a prediction of
        # `a` for a true `c` is a false positive of `a` even when `c` is not requested
        cm_labels = np.concatenate([labels, present[~np.isin(present, labels)]])
    cm = confusion_matrix(y_true, y_pred, labels=cm_labels,
                          sample_weight=check_sample_weight(sample_weight, y_true.shape[0]))
    idx = np.array([int(np.flatnonzero(cm_labels == lab)[0]) for lab in labels])
    tp = np.diagonal(cm)[idx]
    pred_pos = cm.sum(axis=0)[idx]
    true_pos = cm.sum(axis=1)[idx]
    if average == "micro":
        tp, pred_pos, true_pos = tp.sum(keepdims=True), pred_pos.sum(keepdims=True), \
            true_pos.sum(keepdims=True)

    def ratio(a, b):
        return np.where(b > 0, a / np.where(b > 0, b, 1.0), 0.0)

    prec = ratio(tp, pred_pos)
    rec = ratio(tp, true_pos)
    b2 = beta * beta
    f = ratio((1 + b2) * prec * rec, b2 * prec + rec)
    if average is None:
        return prec, rec, f, true_pos
    if average == "weighted":
        total = true_pos.sum()
        wts = true_pos / total if total > 0 else np.zeros_like(true_pos)
        return float(np.sum(prec * wts)), float(np.sum(rec * wts)), \
            float(np.sum(f * wts)), None
    return float(prec.mean()), float(rec.mean()), float(f.mean()), None


def precision_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                    sample_weight=None):
    """Precision tp / (tp + fp); see :func:`precision_recall_fscore_support`."""
    return precision_recall_fscore_support(y_true, y_pred, labels=labels, pos_label=pos_label,
                                           average=average, sample_weight=sample_weight)[0]


def recall_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                 sample_weight=None):
    """Recall tp / (tp + fn); see :func:`precision_recall_fscore_support`."""
    return precision_recall_fscore_support(y_true, y_pred, labels=labels, pos_label=pos_label,
                                           average=average, sample_weight=sample_weight)[1]


def f1_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
             sample_weight=None):
    """F1 = 2 P R / (P + R); see :func:`precision_recall_fscore_support`."""
    return precision_recall_fscore_support(y_true, y_pred, labels=labels, pos_label=pos_label,
                                           average=average, sample_weight=sample_weight)[2]


def log_loss(y_true, y_prob, *, labels=None, sample_weight=None, normalize=True):
    """Cross-entropy -sum_i w_i log p_i[y_i] (mean with ``normalize``).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
    y_prob : array-like of shape (n_samples, n_classes) or (n_samples,)
        Predicted probabilities (columns in the sorted order of ``labels``); a 1-D array
        is the probability of the larger of two classes. Rows are renormalised, and
        probabilities are clipped to [eps, 1 - eps] so log 0 never occurs.
    labels : array-like, optional
    sample_weight : array-like, optional
    normalize : bool, default True

    Returns
    -------
    float
    """
    y_true = np.asarray(y_true)
    P = np.asarray(y_prob, dtype=np.float64)
    if y_true.ndim != 1:
        y_true = y_true.ravel()
    if P.ndim == 1:
        P = np.column_stack([1.0 - P, P])
    if P.shape[0] != y_true.shape[0]:
        raise ValueError("y_true has %d samples, y_prob has %d" % (y_true.shape[0], P.shape[0]))
    if not np.isfinite(P).all():
        raise ValueError("y_prob contains NaN or infinity.")
    if (P < 0).any() or (P > 1).any():
        raise ValueError("y_prob contains values outside [0, 1]")
    classes = np.unique(y_true) if labels is None else np.unique(np.asarray(labels))
    if classes.shape[0] == 1 and P.shape[1] == 2 and labels is None:
        raise ValueError("y_true contains only one label (%r). Please provide the true "
                         "labels explicitly through the labels argument." % (classes[0],))
    if P.shape[1] != max(classes.shape[0], 2):
        raise ValueError("y_true and y_prob contain different numbers of classes: %d vs %d"
                         % (classes.shape[0], P.shape[1]))
    idx = np.searchsorted(classes, y_true)
    if (idx >= classes.shape[0]).any() or (classes[np.minimum(idx, classes.shape[0] - 1)]
                                            != y_true).any():
        raise ValueError("y_true contains labels not in labels")
    eps = np.finfo(np.float64).eps
    P = P / P.sum(axis=1, keepdims=True)
    p = np.clip(P[np.arange(P.shape[0]), idx], eps, 1 - eps)
    w = check_sample_weight(sample_weight, y_true.shape[0])
    total = -float(np.sum(w * np.log(p)))
    return total / float(w.sum()) if normalize else total


# ---------------------------------------------------------------------------------------
# regression

def _reduce_outputs(values, multioutput):
    if values.ndim == 0:
        return float(values)
    if multioutput == "raw_values":
        return values
    if multioutput == "uniform_average":
        return float(np.mean(values))
    weights = np.asarray(multioutput, dtype=np.float64)
    if weights.shape != values.shape:
        raise ValueError("multioutput weights have shape %s, expected %s"
                         % (weights.shape, values.shape))
    return float(np.sum(weights * values) / np.sum(weights))


def mean_squared_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """(Weighted) mean of (y_true - y_pred)^2, per output then averaged.

    Returns
    -------
    float or ndarray (``multioutput="raw_values"``)
    """
    y_true, y_pred = _check_pair(y_true, y_pred, numeric=True)
    w = check_sample_weight(sample_weight, y_true.shape[0])
    err = (y_true - y_pred) ** 2
    vals = np.average(err, axis=0, weights=w)
    return _reduce_outputs(np.asarray(vals), multioutput)


def mean_absolute_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """(Weighted) mean of |y_true - y_pred|, per output then averaged.

    Returns
    -------
    float or ndarray (``multioutput="raw_values"``)
    """
    y_true, y_pred = _check_pair(y_true, y_pred, numeric=True)
    w = check_sample_weight(sample_weight, y_true.shape[0])
    vals = np.average(np.abs(y_true - y_pred), axis=0, weights=w)
    return _reduce_outputs(np.asarray(vals), multioutput)


def r2_score(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Coefficient of determination 1 - SS_res / SS_tot (1.0 for a perfect fit of a
    constant target, 0.0 for an imperfect one, as scikit-learn).

    Returns
    -------
    float or ndarray (``multioutput="raw_values"``)
    """
    y_true, y_pred = _check_pair(y_true, y_pred, numeric=True)
    if y_true.shape[0] < 2:
        raise ValueError("R^2 score is not well-defined with less than two samples.")
    w = check_sample_weight(sample_weight, y_true.shape[0])
    wcol = w if y_true.ndim == 1 else w[:, None]
    ss_res = np.sum(wcol * (y_true - y_pred) ** 2, axis=0)
    mean = np.average(y_true, axis=0, weights=w)
    ss_tot = np.sum(wcol * (y_true - mean) ** 2, axis=0)
    ss_res, ss_tot = np.atleast_1d(ss_res), np.atleast_1d(ss_tot)
    r2 = np.ones_like(ss_tot)
    ok = ss_tot > 0
    r2[ok] = 1.0 - ss_res[ok] / ss_tot[ok]
    r2[~ok & (ss_res > 0)] = 0.0
    if y_true.ndim == 1:
        return float(r2[0])
    return _reduce_outputs(r2, multioutput)


# short names
accuracy = accuracy_score
precision = precision_score
recall = recall_score
f1 = f1_score

"""Metrics and model selection (metrics.py, model_selection.py).

Everything below is importable from ``rusty_machine.analysis`` directly.
"""
from .._lazy import lazy_exports

_EXPORTS = {
    # metrics.py
    "accuracy_score": "metrics", "precision_score": "metrics", "recall_score": "metrics",
    "f1_score": "metrics", "precision_recall_fscore_support": "metrics",
    "confusion_matrix": "metrics", "log_loss": "metrics", "mean_squared_error": "metrics",
    "mean_absolute_error": "metrics", "r2_score": "metrics",
    "accuracy": "metrics", "precision": "metrics", "recall": "metrics", "f1": "metrics",
    # model_selection.py
    "KFold": "model_selection", "StratifiedKFold": "model_selection",
    "cross_val_score": "model_selection", "train_test_split": "model_selection",
    "get_scorer": "model_selection",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)

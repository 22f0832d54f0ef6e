"""Metrics and model selection (metrics.py, model_selection.py)."""

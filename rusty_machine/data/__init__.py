"""Data transforms: Standardizer, MinMaxScaler, Normalizer, Shuffler (transforms.py)."""

"""Bundled datasets, shipped with the package: load_iris(), load_trees()."""

"""Lazy re-exports: a package lists which submodule defines each public name, and the
submodule is imported the first time the name is used (PEP 562).

The submodules are private (``linalg._lu`` defines ``linalg.lu``), so the binding the
import system makes (``package._lu = <module>``) never shadows a public name."""
import importlib


def lazy_exports(package_name, table):
    """Return (__getattr__, __dir__, __all__) for a package.

    table maps public name -> submodule (relative, without the leading dot)."""
    def __getattr__(name):
        try:
            module = table[name]
        except KeyError:
            raise AttributeError("module %r has no attribute %r" % (package_name, name)) from None
        return getattr(importlib.import_module("." + module, package_name), name)

    def __dir__():
        return sorted(table)

    return __getattr__, __dir__, sorted(table)

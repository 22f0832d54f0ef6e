"""Lazy re-exports: a package lists which submodule defines each public name, and the
submodule is imported the first time the name is used (PEP 562)."""
import importlib
import sys
import types


class _LazyPackage(types.ModuleType):
    """A package whose public function may share its submodule's name (linalg.lu is the
    function defined in linalg/lu.pyx). The import system binds ``package.lu = <module>``
    right after importing the submodule, which would shadow the function; that one
    binding is dropped here, so ``package.lu`` always resolves through the table.
    (Reach such a submodule with importlib.import_module or sys.modules.)"""

    def __setattr__(self, name, value):
        table = self.__dict__.get("_lazy_table", {})
        if isinstance(value, types.ModuleType) and table.get(name) == name:
            return
        super().__setattr__(name, value)


def lazy_exports(package_name, table):
    """Return (__getattr__, __dir__, __all__) for a package.

    table maps public name -> submodule (relative, without the leading dot)."""
    def __getattr__(name):
        try:
            module = table[name]
        except KeyError:
            raise AttributeError("module %r has no attribute %r" % (package_name, name)) from None
        value = getattr(importlib.import_module("." + module, package_name), name)
        return value

    def __dir__():
        return sorted(table)

    package = sys.modules.get(package_name)
    if package is not None and type(package) is types.ModuleType:
        package._lazy_table = table
        package.__class__ = _LazyPackage

    return __getattr__, __dir__, sorted(table)

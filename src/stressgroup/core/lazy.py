"""Lazy re-exports: a package names its public objects and the module each lives in, and
a module is imported the first time one of its names is asked for (PEP 562).

``import stressgroup`` then costs what the package's own bottom layer costs, and the
command line loads the analyses it runs, not every analysis the library offers.

Examples
--------
>>> from stressgroup.core.lazy import attach
>>> getattr_, dir_, all_ = attach("stressgroup.core", {".errors": ["DataError"]})
>>> all_
['DataError']
>>> getattr_("DataError").__name__
'DataError'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence

__all__ = ["attach"]


def attach(package: str, exports: Mapping[str, Sequence[str]]
           ) -> "tuple[Callable[[str], object], Callable[[], list], list]":
    """Module ``__getattr__``, ``__dir__`` and ``__all__`` for lazy re-exports.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : mapping
        Relative module name (``"._alpha"``) to the names it exports.

    Returns
    -------
    (getattr, dir, all)
        Assign them to the package's ``__getattr__``, ``__dir__`` and ``__all__``.
    """
    where = {name: module for module, names in exports.items() for name in names}
    names = list(where)

    def __getattr__(name: str):
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        # later lookups find the name in the package's namespace, without this hook
        importlib.import_module(package).__dict__[name] = value
        return value

    def __dir__() -> list:
        return sorted(set(importlib.import_module(package).__dict__) | set(names))

    return __getattr__, __dir__, names

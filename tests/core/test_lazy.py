"""Lazy re-exports (core/lazy.py): every exported name resolves and the type checkers'
imports list the same names (what a fresh process sees: tests/test_package.py)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from stressgroup.core.lazy import attach

PACKAGES = ["stressgroup", "stressgroup.analysis", "stressgroup.reliability", "stressgroup.io",
            "stressgroup.instruments", "stressgroup.report"]


def _type_checking_imports(module) -> dict:
    """Relative module -> names imported under ``if TYPE_CHECKING:`` in its __init__."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    found: dict = {}
    for node in tree.body:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for imp in node.body:
                if isinstance(imp, ast.ImportFrom):
                    found.setdefault("." * imp.level + (imp.module or ""), []).extend(
                        a.name for a in imp.names)
    return found


@pytest.mark.parametrize("name", PACKAGES)
def test_every_export_resolves(name):
    mod = importlib.import_module(name)
    for attr in [*mod.__all__, *(n for names in mod._EXPORTS.values() for n in names)]:
        assert getattr(mod, attr) is not None, f"{name}.{attr}"
    assert set(mod.__all__) <= set(dir(mod))


@pytest.mark.parametrize("name", PACKAGES)
def test_type_checking_block_lists_the_exports(name):
    mod = importlib.import_module(name)
    assert _type_checking_imports(mod) == {k: list(v) for k, v in mod._EXPORTS.items()}


def test_unknown_name_is_an_attribute_error():
    import stressgroup.analysis as a

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        a.nope  # noqa: B018


def test_attach_returns_hooks():
    get, names, all_ = attach("stressgroup.core", {".errors": ["DataError", "InstrumentError"]})
    assert all_ == ["DataError", "InstrumentError"]
    assert get("InstrumentError").__name__ == "InstrumentError"
    assert "DataError" in names()


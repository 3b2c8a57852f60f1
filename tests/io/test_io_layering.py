"""io sits above core, report and instruments: none of them imports io, not even lazily."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import stressgroup

PACKAGE = Path(stressgroup.__file__).parent


def imported_modules(path: Path, package: str | None = None) -> set[str]:
    """Every ``stressgroup`` module a file imports, at any depth (functions, TYPE_CHECKING).

    ``package`` is the dotted package the file is in (default: from its place in the tree).
    """
    if package is None:
        package = ".".join(path.parent.relative_to(PACKAGE.parent).parts)
    here = package.split(".")
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
                names = [f"{mod}.{a.name}" for a in node.names] if not node.module else []
                out |= {mod, *names}
            else:
                out.add(node.module or "")
    return {m for m in out if m.startswith("stressgroup")}


def _stage_files(stage: str) -> list[Path]:
    return sorted((PACKAGE / stage).rglob("*.py"))


def test_the_parser_sees_lazy_and_type_only_imports(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                     "    from ..io import Responses\n"
                     "def f():\n    from ..io._sources import read_source\n"
                     "    import stressgroup.io._text\n", encoding="utf-8")
    found = imported_modules(probe, "stressgroup.instruments")
    assert {"stressgroup.io", "stressgroup.io._sources", "stressgroup.io._text"} <= found


@pytest.mark.parametrize("stage", ["core", "report", "instruments"])
def test_lower_stages_do_not_import_io(stage):
    bad = {f"{p.relative_to(PACKAGE)} imports {m}"
           for p in _stage_files(stage) if p.name != "__main__.py"
           for m in imported_modules(p)
           if m == "stressgroup.io" or m.startswith("stressgroup.io.")}
    assert not bad, sorted(bad)


def test_io_imports_only_the_stages_below():
    allowed = ("stressgroup.core", "stressgroup.report", "stressgroup.instruments",
               "stressgroup.io")
    bad = {f"{p.relative_to(PACKAGE)} imports {m}"
           for p in _stage_files("io") for m in imported_modules(p)
           if not any(m == a or m.startswith(a + ".") for a in allowed)}
    assert not bad, sorted(bad)

"""Imports flow downward: every import in the package (lazy and type-only ones included)
points at its own stage or a stage below it, and no two stages import each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "src" / "stressgroup"

#: Stages from the bottom up. report rests on the core alone.
ORDER = ["core", "report", "instruments", "io", "reliability", "analysis", "cli"]
ALLOWED = {stage: set(ORDER[: i + 1]) for i, stage in enumerate(ORDER)}
ALLOWED["report"] = {"core", "report"}
# the package root (the public facade) may import every stage
ALLOWED["root"] = set(ORDER) | {"root"}

_TOP = {"errors": "core", "_cli": "cli", "evaluate": "cli", "_instruments_cli": "cli",
        "__main__": "cli", "__init__": "root"}


def stage_of(module: str) -> str:
    """The stage of a dotted module name inside the package."""
    parts = module.split(".")[1:]  # drop "stressgroup"
    if not parts:
        return "root"
    if parts[-1] == "__main__":
        return "cli"  # entry points are command line
    head = parts[0]
    if head in ORDER:
        return head
    return _TOP.get(head, "root")


def module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[str, int]]:
    """Every module of the package that ``path`` imports, anywhere in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = module_name(path)
    is_pkg = path.name == "__init__.py"
    base = me.split(".") if is_pkg else me.split(".")[:-1]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names if a.name.startswith("stressgroup")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - node.level + 1]
                target = ".".join(anchor + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("stressgroup"):
                continue
            if node.module is None or node.level and not node.module:
                # "from . import x": each name may be a module
                out += [(f"{target}.{a.name}", node.lineno) for a in node.names]
            else:
                out.append((target, node.lineno))
    return out


def all_edges() -> list[tuple[str, str, str, int]]:
    edges = []
    for path in sorted(PKG.rglob("*.py")):
        me = module_name(path)
        for target, line in imports_of(path):
            edges.append((me, target, str(path.relative_to(PKG.parent)), line))
    return edges


def test_the_parser_sees_lazy_and_type_only_imports(tmp_path):
    src = PKG / "analysis" / "_evaluate.py"
    targets = {t for t, _ in imports_of(src)}
    assert "stressgroup.report" in targets  # module level
    assert "stressgroup.reliability" in targets  # inside a function


@pytest.mark.parametrize("module, stage", [
    ("stressgroup.core.document", "core"), ("stressgroup.errors", "core"),
    ("stressgroup.io._read", "io"), ("stressgroup.instruments.__main__", "cli"),
    ("stressgroup._cli", "cli"), ("stressgroup", "root"),
])
def test_stage_of(module, stage):
    assert stage_of(module) == stage


def test_imports_point_downward():
    bad = []
    for me, target, file, line in all_edges():
        a, b = stage_of(me), stage_of(target)
        if b not in ALLOWED[a]:
            bad.append(f"{file}:{line}: {a} imports {b} ({target})")
    assert not bad, "imports that point up or sideways:\n" + "\n".join(bad)


def test_no_circle_between_stages():
    graph: dict[str, set[str]] = {}
    for me, target, *_ in all_edges():
        a, b = stage_of(me), stage_of(target)
        if a != b:
            graph.setdefault(a, set()).add(b)
    seen, stack, cycles = set(), [], []

    def visit(node):
        if node in stack:
            cycles.append(stack[stack.index(node):] + [node])
            return
        if node in seen:
            return
        seen.add(node)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            visit(nxt)
        stack.pop()

    for n in sorted(graph):
        visit(n)
    assert not cycles, f"circles between stages: {cycles}"


def test_report_knows_no_analysis():
    for me, target, file, line in all_edges():
        if stage_of(me) == "report":
            assert stage_of(target) == "core" or stage_of(target) == "report", (file, line)

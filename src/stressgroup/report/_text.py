"""Plain-text rendering (the terminal): three-line tables drawn with box rules."""

from __future__ import annotations

import textwrap
import unicodedata

from ..core.document import Document
from ._layout import Item, lay_out

__all__ = ["text_table", "render_text"]


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def text_table(header: list[str], rows: list[list[str]], *, align: "str | list | None" = None,
               groups: "dict[int, str] | None" = None) -> str:
    """A plain three-line table (top rule, header rule, bottom rule).

    ``groups`` maps a row index to a group heading printed above that row.

    Examples
    --------
    >>> print(text_table(["Scale", "n"], [["Work", "5"]]))
    ────────
    Scale  n
    ────────
    Work   5
    ────────
    """
    cols = len(header)
    align = list(align or ("l" + "r" * (cols - 1)))
    w = [max(_width(r[j]) for r in [header] + rows) for j in range(cols)]

    def line(r: list[str]) -> str:
        cells = []
        for j, c in enumerate(r):
            pad = " " * (w[j] - _width(c))
            cells.append(c + pad if align[j] == "l" else pad + c)
        return "  ".join(cells).rstrip()

    rule = "─" * (sum(w) + 2 * (cols - 1))
    body = []
    for i, r in enumerate(rows):
        if groups and i in groups:
            body.append(groups[i])
        body.append(line(r))
    return "\n".join([rule, line(header), rule, *body, rule])


def _table_text(item: Item, max_rows: "int | None" = None) -> str:
    tab = item.table
    body, groups = [], {}
    rows = tab.rows
    cut = tab.omitted
    if max_rows is not None and len(rows) > max_rows:
        cut += sum(1 for k, _ in rows[max_rows:] if k == "row")
        rows = rows[:max_rows]
    for kind, cells in rows:
        if kind == "group":
            groups[len(body)] = cells
        else:
            body.append(cells)
    align = ["l" if a == "l" else "r" for a in tab.align]
    parts = [f"{tab.caption}  {tab.title}", text_table(tab.header, body, align=align,
                                                       groups=groups)]
    if cut:
        parts.append(f"... {cut} more rows (write a report with --out, or --json)")
    parts += [textwrap.fill(n, 100) for n in tab.notes]
    return "\n".join(parts)


def render_text(doc: Document, lang: str = "en", style=None, *,
                max_rows: "int | None" = None) -> str:
    """``doc`` as terminal text: numbered titled tables, notes below, paragraphs wrapped.

    Figures are listed by number and title only. ``max_rows`` shortens long tables (the
    rest is counted).
    """
    out: list[str] = []
    for item in lay_out(doc, lang, style, terminal=True, max_rows=max_rows):
        if item.kind == "title":
            out.append(item.text)
        elif item.kind == "subtitle":
            out.append(item.text)
        elif item.kind == "heading":
            out += ["", item.text]
        elif item.kind == "paragraph":
            prefix = "WARNING: " if item.style == "warning" and lang != "zh" else (
                "警告：" if item.style == "warning" else "")
            out += ["", textwrap.fill(prefix + item.text, 100)]
        elif item.kind == "table":
            out += ["", _table_text(item, max_rows)]
        elif item.kind == "figure":
            f = item.figure
            out += ["", f"{f.caption}  {f.title}"]
    return "\n".join(out) + "\n"

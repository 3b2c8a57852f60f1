"""Markdown rendering: pipe tables, bold captions, notes in italics."""

from __future__ import annotations

from ..core.document import Document
from ._layout import lay_out

__all__ = ["render_markdown"]


def _esc(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def _em(s: str) -> str:
    """``s`` in italics, its own asterisks (significance stars) escaped."""
    return "*" + _esc(s).replace("*", "\\*") + "*"


def render_markdown(doc: Document, lang: str = "en", style=None, *,
                    figures: "dict[int, str] | None" = None) -> str:
    """``doc`` as Markdown (GitHub pipe tables).

    ``figures`` maps a figure number to an image reference (a path or ``data:`` URI); without
    it figures are listed by caption only.

    Examples
    --------
    >>> from stressgroup.core.document import Column, Document, Table
    >>> tab = Table("x", "Scores", [Column("s", "Scale", "text"), Column("n", "n", "count")],
    ...             [{"s": "Work", "n": 5}])
    >>> print(render_markdown(Document("Report", [tab])))
    # Report
    <BLANKLINE>
    **Table 1.** Scores
    <BLANKLINE>
    | Scale | n |
    |:--|:-:|
    | Work | 5 |
    <BLANKLINE>
    """
    out: list[str] = []
    for item in lay_out(doc, lang, style):
        if item.kind == "title":
            out += [f"# {item.text}", ""]
        elif item.kind == "subtitle":
            out += [f"*{item.text}*", ""]
        elif item.kind == "heading":
            out += [f"{'#' * min(item.level + 1, 6)} {item.text}", ""]
        elif item.kind == "paragraph":
            if item.style == "warning":
                out += [f"> **{'警告：' if lang == 'zh' else 'Warning:'}** {item.text}", ""]
            elif item.style == "note":
                out += [_em(item.text), ""]
            else:
                out += [item.text, ""]
        elif item.kind == "table":
            tab = item.table
            sep = "." if lang != "zh" else ""
            out += [f"**{tab.caption}{sep}** {tab.title}", ""]
            out.append("| " + " | ".join(map(_esc, tab.header)) + " |")
            out.append("|" + "|".join(":--" if a == "l" else ":-:" for a in tab.align) + "|")
            for kind, cells in tab.rows:
                if kind == "group":
                    out.append("| **" + _esc(cells) + "** |" + " |" * (len(tab.header) - 1))
                else:
                    out.append("| " + " | ".join(map(_esc, cells)) + " |")
            out.append("")
            for n in tab.notes:
                out += [_em(n), ""]
        elif item.kind == "figure":
            f = item.figure
            sep = "." if lang != "zh" else ""
            if figures and f.number in figures:
                out += [f"![{f.caption}]({figures[f.number]})", ""]
            out += [f"**{f.caption}{sep}** {f.title}", ""]
            for n in f.notes:
                out += [_em(n), ""]
    return "\n".join(out)

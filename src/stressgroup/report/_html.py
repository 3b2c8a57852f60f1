"""HTML rendering: one self-contained page (inline CSS, figures as inline SVG), three-line
tables, readable on a phone; or a fragment for Jupyter."""

from __future__ import annotations

import html

from ..core.document import Document
from ._layout import Item, lay_out

__all__ = ["render_html", "CSS", "scoped_css"]

#: The page's style sheet (inline in the page; nothing is fetched).
CSS = """
body{font-family:"Times New Roman","Noto Serif CJK SC","Source Han Serif SC",SimSun,serif;
max-width:60rem;margin:1rem auto;padding:0 .8rem;line-height:1.45;color:#111}
h1{font-size:1.35rem}h2{font-size:1.15rem;margin-top:1.6rem}h3{font-size:1.02rem}
.sg-table{margin:1rem 0 1.4rem 0;overflow-x:auto}
.sg-table table{border-collapse:collapse;border-top:1.5pt solid #000;
border-bottom:1.5pt solid #000;font-size:.92rem}
.sg-table th{border-bottom:.75pt solid #000;padding:.2rem .6rem;font-weight:normal;white-space:nowrap}
.sg-table td{padding:.15rem .6rem;white-space:nowrap}
.sg-table .l{text-align:left}.sg-table .c{text-align:center}
.sg-table tr.g td{font-style:italic;padding-top:.35rem}
.sg-cap{margin:.2rem 0}.sg-cap b{margin-right:.5em}
.sg-note{font-size:.85rem;color:#333;margin:.25rem 0}
.sg-warn{border-left:4px solid #b00;background:#fff4f4;padding:.4rem .7rem}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}
"""

_E = html.escape


def scoped_css(css: str = CSS, scope: str = ".sg-doc") -> str:
    """The style sheet with every rule limited to ``scope`` (a fragment in a notebook must
    not restyle the notebook).

    Examples
    --------
    >>> scoped_css("body{color:red}h1,h2{margin:0}")
    '.sg-doc{color:red}.sg-doc h1,.sg-doc h2{margin:0}'
    """
    out = []
    for rule in css.replace("\n", "").split("}"):
        if "{" not in rule:
            continue
        sel, body = rule.split("{", 1)
        parts = [scope if p.strip() == "body" else f"{scope} {p.strip()}"
                 for p in sel.split(",")]
        out.append(",".join(parts) + "{" + body + "}")
    return "".join(out)


def _table_html(item: Item) -> str:
    tab = item.table
    head = "".join(f"<th class='{a}'>{_E(h)}</th>" for h, a in zip(tab.header, tab.align))
    body = []
    for kind, cells in tab.rows:
        if kind == "group":
            body.append(f"<tr class='g'><td colspan='{len(tab.header)}'>{_E(cells)}</td></tr>")
        else:
            body.append("<tr>" + "".join(f"<td class='{a}'>{_E(c)}</td>"
                                         for c, a in zip(cells, tab.align)) + "</tr>")
    notes = "".join(f"<p class='sg-note'>{_E(n)}</p>" for n in tab.notes)
    return (f"<div class='sg-table' id='{_E(tab.source.key)}'>"
            f"<p class='sg-cap'><b>{_E(tab.caption)}</b>{_E(tab.title)}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            f"{notes}</div>")


def render_html(doc: Document, lang: str = "en", style=None, *, full: bool = True,
                figures: bool = True) -> str:
    """``doc`` as HTML.

    Parameters
    ----------
    full : bool
        A whole self-contained page (``<!DOCTYPE html>``, inline CSS); else a fragment with
        the CSS in a ``<style>`` element scoped to it (for Jupyter).
    figures : bool
        Draw the figures (matplotlib) as inline SVG; else list their captions.

    Examples
    --------
    >>> from stressgroup.core.document import Column, Document, Table
    >>> tab = Table("x", "Scores", [Column("s", "Scale", "text")], [{"s": "A&B"}])
    >>> "A&amp;B" in render_html(Document("R", [tab]), full=False)
    True
    """
    parts = []
    for item in lay_out(doc, lang, style):
        if item.kind == "title":
            parts.append(f"<h1>{_E(item.text)}</h1>")
        elif item.kind == "subtitle":
            parts.append(f"<p><em>{_E(item.text)}</em></p>")
        elif item.kind == "heading":
            lv = min(item.level + 1, 6)
            parts.append(f"<h{lv}>{_E(item.text)}</h{lv}>")
        elif item.kind == "paragraph":
            cls = {"warning": "sg-warn", "note": "sg-note"}.get(item.style, "")
            parts.append(f"<p class='{cls}'>{_E(item.text)}</p>" if cls
                         else f"<p>{_E(item.text)}</p>")
        elif item.kind == "table":
            parts.append(_table_html(item))
        elif item.kind == "figure":
            f = item.figure
            svg = ""
            if figures:
                from ._figures import figure_svg

                svg = figure_svg(f.source, lang)
            notes = "".join(f"<p class='sg-note'>{_E(n)}</p>" for n in f.notes)
            parts.append(f"<figure>{svg}<figcaption class='sg-cap'><b>{_E(f.caption)}</b>"
                         f"{_E(f.title)}</figcaption>{notes}</figure>")
    body = "\n".join(parts)
    if not full:
        return f"<div class='sg-doc'><style>{scoped_css()}</style>{body}</div>"
    title = lay_out(doc, lang, style)[0].text
    return (f"<!DOCTYPE html>\n<html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head>"
            "<meta charset='utf-8'><meta name='viewport' content='width=device-width, "
            f"initial-scale=1'><title>{_E(title)}</title><style>{CSS}</style></head>"
            f"<body>\n{body}\n</body></html>\n")

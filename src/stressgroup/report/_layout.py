"""A document laid out for a language and a style: every text resolved, every number
formatted, tables and figures numbered. The text, Markdown, HTML, LaTeX and DOCX renderers
share it; only the spreadsheet renderer reads the raw values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.document import Document, Figure, Heading, Note, Paragraph, Table
from ..core.privacy import mask_personal
from ._labels import t
from ._numbers import Style, format_cell, get_style, stars_for

__all__ = ["LaidTable", "LaidFigure", "Item", "lay_out", "cell_texts"]

_NUMERIC_LEFT = ("text",)


@dataclass
class LaidTable:
    """A table ready to print: ``rows`` holds ``("row", cells)`` and ``("group", text)``."""

    number: int
    caption: str          # "Table 1" / "表 1"
    title: str
    header: list[str]
    rows: list[tuple[str, Any]]
    align: list[str]      # "l" (text) or "c" (numbers)
    notes: list[str]      # each already prefixed ("Note." / "注：") where it is a note
    source: Table = field(repr=False)
    #: data rows left out by ``lay_out(max_rows=...)`` (not in ``rows``)
    omitted: int = 0

    @property
    def body(self) -> list[list[str]]:
        """The cell rows only (group headings left out)."""
        return [cells for kind, cells in self.rows if kind == "row"]


@dataclass
class LaidFigure:
    number: int
    caption: str          # "Figure 1" / "图 1"
    title: str
    notes: list[str]
    source: Figure = field(repr=False)


@dataclass
class Item:
    """One laid-out block: kind is title, subtitle, heading, paragraph, table or figure."""

    kind: str
    text: str = ""
    level: int = 1
    style: str = "normal"
    table: "LaidTable | None" = None
    figure: "LaidFigure | None" = None


def _clean(s: str) -> str:
    return mask_personal(s) if isinstance(s, str) else s


#: Column kinds whose numbers are computed over people (a test statistic, a p value, a
#: count): a long one, such as a Wilcoxon V of 10,812,345,678.5 at 300,000 people, is not
#: masked as if it were a phone or ID-card number. Means, SDs and plain numbers may be one
#: person's own value (the maximum of a column someone typed a phone number into), and
#: stay masked.
COMPUTED_KINDS = frozenset({"statistic", "df", "p", "p_adj", "effect", "proportion",
                            "reliability", "correlation", "loading", "count", "percent"})


def _is_number(v) -> bool:
    import numbers

    return isinstance(v, numbers.Number) and not isinstance(v, bool)


def shown_columns(table: Table, style: Style) -> list:
    """The columns printed in ``style`` (a df column folded into its statistic is not)."""
    folded = {c.df for c in table.columns if c.df} if style.combine_df else set()
    return [c for c in table.columns if c.key not in folded]


def cell_texts(table: Table, row: dict, style: Style, lang: str = "en") -> list[str]:
    """The formatted cells of one row (stars appended where a column asks for them)."""
    out = []
    for c in shown_columns(table, style):
        v = row.get(c.key)
        if c.kind == "text":
            cell = t(v, lang) if v is not None else ""
        else:
            cell = format_cell(v, c.kind, style, digits=c.digits, blank_below=c.blank_below,
                               inner=c.inner)
            if style.combine_df and c.df and cell not in ("", "—"):
                df = format_cell(row.get(c.df), "df", style)
                cell = f"{c.symbol or t(c.label, lang)}({df}) = {cell}"
            if style.stars and c.stars and cell not in ("", "—"):
                cell += stars_for(row.get(c.stars))
        out.append(cell if c.kind in COMPUTED_KINDS and _is_number(v) else _clean(cell))
    return out


def _header(c, style: Style, lang: str) -> str:
    head = t(c.label, lang).replace("{msd}", style.mean_sd_header)
    if style.combine_df and c.df:
        head = f"{c.symbol or head}(df)"
    return _clean(head)


def _lay_table(table: Table, n: int, lang: str, style: Style,
               max_rows: "int | None" = None) -> LaidTable:
    rows: list[tuple[str, Any]] = []
    last_group: Any = None
    laid = 0
    for row in table.rows:
        if max_rows is not None and len(rows) >= max_rows:
            break   # the rest is only counted: formatting 40,000 rows to show 30 costs seconds
        laid += 1
        g = row.get("_group")
        if g is not None and g != last_group:
            rows.append(("group", _clean(t(g, lang))))
        last_group = g
        rows.append(("row", cell_texts(table, row, style, lang)))
    notes = [_clean(t(nt.text, lang)) for nt in table.notes]
    if style.stars and any(c.stars for c in table.columns):
        notes.append(t({"en": "*p < .05. **p < .01. ***p < .001.",
                        "zh": "*p < 0.05, **p < 0.01, ***p < 0.001"}, lang))
    if notes:
        notes[0] = f"{t({'en': 'Note.', 'zh': '注：'}, lang)}{' ' if lang != 'zh' else ''}{notes[0]}"
    return LaidTable(
        number=n, caption=t({"en": f"Table {n}", "zh": f"表 {n}"}, lang),
        title=_clean(t(table.title, lang)),
        header=[_header(c, style, lang) for c in shown_columns(table, style)], rows=rows,
        align=["l" if c.kind in _NUMERIC_LEFT else "c" for c in shown_columns(table, style)],
        notes=notes, source=table, omitted=len(table.rows) - laid)


def _paragraph(p: Paragraph, lang: str, style: Style) -> str:
    body = t(p.text, lang)
    if p.values:
        vals = {k: format_cell(v[0], v[1], style, digits=v[2] if len(v) > 2 else None)
                if isinstance(v, tuple) else t(v, lang) for k, v in p.values.items()}
        body = body.format(**vals)
    return _clean(body)


def lay_out(doc: Document, lang: str = "en", style: "str | Style | None" = None, *,
            terminal: bool = False, max_rows: "int | None" = None) -> list[Item]:
    """Resolve ``doc`` for ``lang`` and ``style`` (default: APA in English, Chinese-journal
    style in Chinese).

    ``max_rows`` lays out at most that many rows of a table (group headings included);
    the data rows after them are counted in ``LaidTable.omitted``.

    Examples
    --------
    >>> from stressgroup.core.document import Column, Document, Table
    >>> tab = Table("x", {"en": "Scores", "zh": "得分"},
    ...             [Column("s", "Scale", "text"), Column("a", "alpha", "reliability")],
    ...             [{"s": "Work", "a": 0.8123}])
    >>> items = lay_out(Document("Report", [tab]), "zh")
    >>> items[1].table.caption, items[1].table.body
    ('表 1', [['Work', '0.81']])
    """
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', not {lang!r}")
    st = get_style(style, lang, terminal=terminal)
    items = [Item("title", _clean(t(doc.title, lang)))]
    if doc.subtitle is not None:
        items.append(Item("subtitle", _clean(t(doc.subtitle, lang))))
    n_tab = n_fig = 0
    for b in doc.blocks:
        if isinstance(b, Heading):
            items.append(Item("heading", _clean(t(b.text, lang)), level=b.level))
        elif isinstance(b, Paragraph):
            items.append(Item("paragraph", _paragraph(b, lang, st), style=b.style))
        elif isinstance(b, Note):
            items.append(Item("paragraph", _clean(t(b.text, lang)), style="note"))
        elif isinstance(b, Table):
            n_tab += 1
            items.append(Item("table", table=_lay_table(b, n_tab, lang, st, max_rows)))
        elif isinstance(b, Figure):
            n_fig += 1
            notes = [_clean(t(nt.text, lang)) for nt in b.notes]
            items.append(Item("figure", figure=LaidFigure(
                n_fig, t({"en": f"Figure {n_fig}", "zh": f"图 {n_fig}"}, lang),
                _clean(t(b.title, lang)), notes, b)))
    return items

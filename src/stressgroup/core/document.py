"""The document model: how a result describes its tables, notes, paragraphs and figures.

A result builds a :class:`Document` of raw values; :mod:`stressgroup.report` turns any
document into text, Markdown, HTML, DOCX, XLSX or LaTeX. Nothing here is rounded or
formatted: every cell holds the number the analysis computed, and each :class:`Column`
declares what kind of number it is, so that the renderer can apply a house style (APA:
two decimals, no leading zero for p, r and alpha; Chinese journals: leading zero,
``M ± SD`` in one cell, significance stars).

Text is bilingual: a :data:`Text` is a plain string (the same in every language), a
mapping ``{"en": ..., "zh": ...}``, or a :class:`Label`, a reference into the report's
catalogue of en/zh labels (``Label("col.pre_mean_sd")``), with fields to fill in.
:func:`text` picks one language (English when a language is missing); labels are looked up
by :mod:`stressgroup.report`, the only place that holds their wording.

Column kinds (:data:`ColumnKind`), with the value a cell holds:

=============== ========================================================================
kind            cell value
=============== ========================================================================
``text``        a string (row labels, methods, notes in a cell)
``count``       an integer
``percent``     a percentage (50.0 means 50 %)
``number``      any number (two decimals)
``mean``        a mean
``sd``          a standard deviation
``mean_sd``     a pair ``(mean, sd)``: ``M (SD)`` in APA, ``M ± SD`` in Chinese style
``difference``  a difference of means
``ci``          a pair ``(low, high)``: ``[low, high]``
``estimate_ci`` a triple ``(estimate, low, high)``: ``est [low, high]``
``statistic``   a test statistic (t, F, chi-square, z, W, V)
``df``          degrees of freedom (integers shown without decimals)
``p``           a p value (``< .001`` below 0.001)
``p_adj``       an adjusted p value
``effect``      an effect size that may exceed 1 (d, g)
``proportion``  a value bounded by 1 in absolute value (eta squared, r_rb, W): no leading
                zero in APA
``reliability`` alpha, omega, ICC: bounded by 1, no leading zero in APA
``correlation`` r: bounded by 1, no leading zero in APA
``loading``     a factor loading (blank below ``Column.blank_below`` in absolute value)
=============== ========================================================================

Examples
--------
A result that has a table describes it like this (the renderers live in
:mod:`stressgroup.report`):

>>> from stressgroup.core.document import Column, Document, Note, Table
>>> t = Table(
...     key="example",
...     title={"en": "Pre/post comparison", "zh": "前后测比较"},
...     columns=(Column("scale", {"en": "Scale", "zh": "维度"}, "text"),
...              Column("pre", {"en": "Pre M (SD)", "zh": "前测 M ± SD"}, "mean_sd"),
...              Column("t", "t", "statistic", stars="p"),
...              Column("p", "p", "p")),
...     rows=({"scale": "Work", "pre": (3.41, 0.52), "t": 3.2, "p": 0.004},),
...     notes=(Note({"en": "Change = post - pre.", "zh": "变化 = 后测 - 前测。"}),))
>>> doc = Document(title="Example", blocks=(t,))
>>> [type(b).__name__ for b in doc.blocks]
['Table']
>>> text(t.title, "zh")
'前后测比较'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping, Sequence, Union

__all__ = ["Text", "Label", "ColumnKind", "Column", "Table", "Note", "Paragraph", "Heading",
           "Figure", "Document", "Block", "text", "COLUMN_KINDS", "LANGS"]

#: Languages every label should be given in.
LANGS = ("en", "zh")



@dataclass(frozen=True)
class Label:
    """A label of the report's catalogue (``stressgroup.report.LABELS``), by key.

    ``fields`` fill the label's ``{name}`` placeholders; each field is itself a Text.

    Examples
    --------
    >>> Label("table.paired", {"group": "intervention"}).key
    'table.paired'
    """

    key: str
    fields: Mapping[str, Any] = field(default_factory=dict)


Text = Union[str, Mapping[str, str], Label]

ColumnKind = Literal["text", "count", "percent", "number", "mean", "sd", "mean_sd",
                     "difference", "ci", "estimate_ci", "statistic", "df", "p", "p_adj",
                     "effect", "proportion", "reliability", "correlation", "loading"]

COLUMN_KINDS: tuple[str, ...] = ("text", "count", "percent", "number", "mean", "sd",
                                 "mean_sd", "difference", "ci", "estimate_ci", "statistic",
                                 "df", "p", "p_adj", "effect", "proportion", "reliability",
                                 "correlation", "loading")


class _KeepMissing(dict):
    """Placeholders without a field stay as they are (a paragraph fills them later)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def text(value: "Text | None", lang: str = "en", catalogue: "Mapping | None" = None) -> str:
    """The text of ``value`` in ``lang`` (English, then any language, as fallbacks).

    A :class:`Label` is looked up in ``catalogue`` (key -> {lang: template}); the report
    passes its own. Without a catalogue a label shows its key.

    Examples
    --------
    >>> text({"en": "Work", "zh": "工作层面"}, "zh"), text("n", "zh"), text({"en": "x"}, "zh")
    ('工作层面', 'n', 'x')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Label):
        entry = (catalogue or {}).get(value.key)
        if entry is None:
            return value.key
        template = text(entry, lang)
        fields = {k: text(v, lang, catalogue) if isinstance(v, (str, Mapping, Label)) else v
                  for k, v in value.fields.items()}
        return template.format_map(_KeepMissing(fields))
    if lang in value:
        return value[lang]
    if "en" in value:
        return value["en"]
    return next(iter(value.values()), "")


def _check_text(value: Any, what: str) -> None:
    if isinstance(value, (str, Label)):
        return
    if not isinstance(value, Mapping) or not value or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise TypeError(f"{what} must be a string or a mapping of language to string, "
                        f"not {value!r}")


@dataclass(frozen=True)
class Column:
    """One column of a :class:`Table`.

    Parameters
    ----------
    key : str
        The key of the column's value in each row mapping.
    label : Text
        The header (bilingual).
    kind : ColumnKind
        What the cells hold (see the module docstring).
    digits : int, optional
        Decimals shown (default: 2, p values 3, counts and df 0).
    stars : str, optional
        Key of a ``p`` column: in a style with significance stars the cell gets ``*``,
        ``**`` or ``***`` from that p value.
    blank_below : float, optional
        For loadings: cells with a smaller absolute value are left blank.
    df : str, optional
        For a statistic: key of its df column. A style that combines them prints
        ``t(22) = -4.34`` (with ``symbol``) in this column and leaves the df column out.
    symbol : str, optional
        The statistic's symbol for the combined cell (``t``, ``F``, ``χ²``).
    inner : ColumnKind, optional
        For ``ci`` and ``estimate_ci``: the kind of the numbers inside (``reliability``
        drops the leading zero in APA style, as the estimate does); default ``number``.

    A header may contain ``{msd}``: the renderer writes ``M (SD)`` or ``M ± SD`` there,
    as the style writes the ``mean_sd`` cells.
    """

    key: str
    label: Text
    kind: ColumnKind = "number"
    digits: "int | None" = None
    stars: "str | None" = None
    blank_below: "float | None" = None
    df: "str | None" = None
    symbol: "str | None" = None
    inner: "str | None" = None

    def __post_init__(self) -> None:
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"column {self.key!r}: kind must be one of "
                             f"{', '.join(COLUMN_KINDS)}, not {self.kind!r}")
        _check_text(self.label, f"column {self.key!r} label")


@dataclass(frozen=True)
class Note:
    """A note printed below a table (``Note.`` / ``注：``), or a general note."""

    text: Text


@dataclass(frozen=True)
class Paragraph:
    """A short paragraph of text.

    ``values`` holds raw numbers to put into the text: the text has ``{name}``
    placeholders and ``values[name]`` is ``(number, kind)`` or ``(number, kind, digits)``;
    the renderer formats each
    number by its kind (so "alpha = .82" follows the house style).
    ``style`` is ``"normal"``, ``"note"`` or ``"warning"`` (shown prominently).
    """

    text: Text
    values: Mapping[str, tuple] = field(default_factory=dict)
    style: Literal["normal", "note", "warning"] = "normal"


@dataclass(frozen=True)
class Heading:
    """A section heading (level 1 is the highest under the document title)."""

    text: Text
    level: int = 1


@dataclass(frozen=True)
class Table:
    """A titled table of raw values.

    Parameters
    ----------
    key : str
        A stable identifier (used as the sheet name in Excel, and by tests).
    title : Text
        Printed above the table after its number (``Table 1`` / ``表 1``).
    columns : sequence of Column
    rows : sequence of mapping
        One mapping per row from column key to raw value. A row may carry ``"_group"``
        (a Text): the renderers print a spanning group heading whenever it changes
        (e.g. the variable above its categories in a sample description).
    notes : sequence of Note
        Printed below the table.
    """

    key: str
    title: Text
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, Any]]
    notes: Sequence[Note] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "rows", tuple(self.rows))
        object.__setattr__(self, "notes", tuple(
            n if isinstance(n, Note) else Note(n) for n in self.notes))
        _check_text(self.title, f"table {self.key!r} title")
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"table {self.key!r}: column keys repeat: {keys}")
        refs = {c.stars for c in self.columns if c.stars} | {
            c.df for c in self.columns if c.df}
        if not refs <= set(keys):
            raise ValueError(f"table {self.key!r}: stars or df refer to missing columns "
                             f"{sorted(refs - set(keys))}")

    def column(self, key: str) -> Column:
        """The column with ``key``."""
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)


@dataclass(frozen=True)
class Figure:
    """A figure described by data, drawn by :mod:`stressgroup.report` (matplotlib).

    ``kind`` names a generic chart and ``data`` holds what it needs (plain lists and
    numbers, never ids or names):

    ``"slopes"``
        ``{"panels": [{"title": Text, "waves": [Text, ...], "lines": [[y_pre, y_post], ...],
        "means": [...], "ci_low": [...], "ci_high": [...]}, ...], "y_label": Text}``:
        each person's line with the means and their CIs, one panel per scale.
    ``"forest"``
        ``{"rows": [{"label": Text, "series": Text or None, "estimate": f, "low": f,
        "high": f}, ...], "x_label": Text, "reference": 0.0}``: an estimate with its CI
        per row, series (e.g. groups) side by side.
    ``"profile"``
        ``{"categories": [Text, ...], "series": [{"label": Text, "values": [...],
        "low": [...], "high": [...]}, ...], "y_label": Text}``: means across categories
        (e.g. the five levels), one line per series (pre, post).
    """

    key: str
    kind: Literal["slopes", "forest", "profile"]
    title: Text
    data: Mapping[str, Any]
    notes: Sequence[Note] = ()

    def __post_init__(self) -> None:
        if self.kind not in ("slopes", "forest", "profile"):
            raise ValueError(f"figure {self.key!r}: unknown kind {self.kind!r}")
        _check_text(self.title, f"figure {self.key!r} title")
        object.__setattr__(self, "notes", tuple(
            n if isinstance(n, Note) else Note(n) for n in self.notes))


Block = Union[Heading, Paragraph, Table, Figure, Note]


@dataclass(frozen=True)
class Document:
    """A titled sequence of blocks (headings, paragraphs, tables, figures, notes).

    Documents concatenate with ``+``; :meth:`tables` lists the tables.

    Examples
    --------
    >>> a = Document("A", (Heading("One"),))
    >>> b = Document("B", (Paragraph("Two"),))
    >>> [type(x).__name__ for x in (a + b).blocks], (a + b).title
    (['Heading', 'Paragraph'], 'A')
    """

    title: Text
    blocks: Sequence[Block] = ()
    subtitle: "Text | None" = None

    def __post_init__(self) -> None:
        blocks = tuple(self.blocks)
        for b in blocks:
            if not isinstance(b, (Heading, Paragraph, Table, Figure, Note)):
                raise TypeError(f"a document block must be a Heading, Paragraph, Table, "
                                f"Figure or Note, not {type(b).__name__}")
        object.__setattr__(self, "blocks", blocks)

    def __add__(self, other: "Document") -> "Document":
        if not isinstance(other, Document):
            return NotImplemented
        return Document(self.title, self.blocks + other.blocks, self.subtitle)

    def tables(self) -> list[Table]:
        """The tables, in order."""
        return [b for b in self.blocks if isinstance(b, Table)]

    def figures(self) -> list[Figure]:
        """The figures, in order."""
        return [b for b in self.blocks if isinstance(b, Figure)]

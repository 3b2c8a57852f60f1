"""Reporting: renders documents (terminal, Markdown, HTML, DOCX, XLSX, LaTeX).

The only place numbers are rounded and the only place that holds the en/zh wording. It
depends on :mod:`stressgroup.core` alone and knows nothing of the analyses: a result
describes itself as a :class:`~stressgroup.core.document.Document` and any renderer here
turns it into text.
"""

from typing import TYPE_CHECKING

from ..core.lazy import attach

_EXPORTS = {
    "._labels": ["LABELS", "label", "t"],
    "._numbers": ["STYLES", "Style", "fmt_num", "fmt_p", "format_cell", "get_style"],
    "._render": ["FORMATS", "render", "write_report"],
    "._result": ["Reportable"],
    "._text": ["text_table"],
}
__getattr__, __dir__, _ = attach(__name__, _EXPORTS)

if TYPE_CHECKING:  # the same names, for type checkers and IDEs
    from ._labels import LABELS, label, t
    from ._numbers import STYLES, Style, fmt_num, fmt_p, format_cell, get_style
    from ._render import FORMATS, render, write_report
    from ._result import Reportable
    from ._text import text_table

__all__ = ["render", "write_report", "FORMATS", "Reportable", "LABELS", "label", "t",
           "Style", "STYLES", "get_style", "format_cell", "fmt_num", "fmt_p", "text_table"]

"""One entry point: render a document to a format, or write it to a file by extension."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from ..core.document import Document

__all__ = ["render", "write_report", "FORMATS"]

#: File extension -> format name.
FORMATS = {".txt": "text", ".md": "markdown", ".html": "html", ".htm": "html",
           ".tex": "latex", ".docx": "docx", ".xlsx": "xlsx"}

Format = Literal["text", "markdown", "html", "latex"]


def render(doc: Document, fmt: Format = "text", lang: str = "en", style=None, **kw) -> str:
    """``doc`` as a string in ``fmt`` (text, markdown, html or latex).

    Examples
    --------
    >>> from stressgroup.core.document import Document, Paragraph
    >>> render(Document("Title", [Paragraph("Hello")]), "markdown")
    '# Title\\n\\nHello\\n'
    """
    if fmt == "text":
        from ._text import render_text

        return render_text(doc, lang, style, **kw)
    if fmt == "markdown":
        from ._markdown import render_markdown

        return render_markdown(doc, lang, style, **kw)
    if fmt == "html":
        from ._html import render_html

        return render_html(doc, lang, style, **kw)
    if fmt == "latex":
        from ._latex import render_latex

        return render_latex(doc, lang, style, **kw)
    raise ValueError(f"fmt must be text, markdown, html or latex, not {fmt!r}")


def write_report(doc: Document, path: "str | Path", lang: str = "en", style=None) -> Path:
    """Write ``doc`` to ``path``; the extension picks the format (.docx, .html, .md, .xlsx,
    .tex, .txt)."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"{path}: unknown report format {path.suffix!r}; use one of "
                         f"{', '.join(sorted(FORMATS))}")
    if fmt == "docx":
        from ._docx import render_docx

        return render_docx(doc, path, lang, style)
    if fmt == "xlsx":
        from ._xlsx import render_xlsx

        return render_xlsx(doc, path, lang, style)
    path.write_text(render(doc, fmt, lang, style), encoding="utf-8")
    return path

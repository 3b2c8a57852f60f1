"""The base class of every result that has a table: renderers derived from ``to_document``."""

from __future__ import annotations

from pathlib import Path

from ..core.document import Document
from ..core.results import ResultMixin

__all__ = ["Reportable"]


class Reportable(ResultMixin):
    """A result that describes itself as a :class:`~stressgroup.core.document.Document`.

    Subclasses implement :meth:`to_document`; the exports and the Jupyter view follow.
    ``lang`` is ``"en"`` or ``"zh"``; ``style`` is ``"apa"`` or ``"cn"`` (Chinese journals:
    leading zero, ``M ± SD``, significance stars), by default APA in English and ``cn`` in
    Chinese.
    """

    def to_document(self, lang: str = "en") -> Document:  # pragma: no cover - overridden
        raise NotImplementedError

    def to_text(self, lang: str = "en", style=None) -> str:
        """The tables as terminal text."""
        from ._render import render

        return render(self.to_document(), "text", lang, style)

    def to_markdown(self, lang: str = "en", style=None) -> str:
        """The tables as Markdown pipe tables."""
        from ._render import render

        return render(self.to_document(), "markdown", lang, style)

    def to_html(self, lang: str = "en", style=None, *, full: bool = False,
                figures: bool = False) -> str:
        """The tables as HTML (a fragment; ``full=True`` for a self-contained page)."""
        from ._render import render

        return render(self.to_document(), "html", lang, style, full=full, figures=figures)

    def to_latex(self, lang: str = "en", style=None) -> str:
        """The tables as LaTeX (booktabs), body only."""
        from ._render import render

        return render(self.to_document(), "latex", lang, style, standalone=False)

    def to_docx(self, path: "str | Path", lang: str = "en", style=None) -> Path:
        """Write a Word document with three-line tables."""
        from ._docx import render_docx

        return render_docx(self.to_document(), path, lang, style)

    def to_excel(self, path: "str | Path", lang: str = "en", style=None) -> Path:
        """Write an .xlsx workbook, one sheet per table, numbers unrounded."""
        from ._xlsx import render_xlsx

        return render_xlsx(self.to_document(), path, lang, style)

    def _repr_html_(self) -> str:
        return self.to_html()

"""Excel rendering: one sheet per table, numbers kept as unrounded numbers with a display
format, text cells that a spreadsheet would run as a formula neutralised."""

from __future__ import annotations

from pathlib import Path

from ..core.document import Document, Table
from ..core.privacy import mask_personal
from ._labels import t
from ._numbers import SUBCOLUMNS

__all__ = ["render_xlsx", "neutralise"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMATS = {"count": "0", "df": "0.##", "percent": "0.0", "p": "0.000", "p_adj": "0.000"}


def neutralise(value: str) -> str:
    """A text cell that begins like a formula gets a leading apostrophe (OWASP's advice
    against CSV/formula injection), so the spreadsheet shows it as text.

    Examples
    --------
    >>> neutralise("=HYPERLINK(1)"), neutralise("-0.5 [x]"), neutralise("Work")
    ("'=HYPERLINK(1)", "'-0.5 [x]", 'Work')
    """
    return "'" + value if value.startswith(_FORMULA_START) else value


def _sheet_name(key: str, taken: set) -> str:
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in key)[:28] or "table"
    name, i = base, 1
    while name.lower() in taken:
        i += 1
        name = f"{base[:25]}_{i}"
    taken.add(name.lower())
    return name


def _headers(table: Table, lang: str) -> list[tuple[str, str, str, int | None]]:
    """(header, column key, kind, part index) for every spreadsheet column."""
    out = []
    for c in table.columns:
        head = " ".join(t(c.label, lang).replace("{msd}", "").split())
        if c.kind in SUBCOLUMNS:
            for i, (kind, en, zh) in enumerate(SUBCOLUMNS[c.kind]):
                suffix = zh if lang == "zh" else en
                out.append((f"{head} {suffix}".strip(), c.key, kind, i))
        else:
            out.append((head, c.key, c.kind, None))
    return out


def render_xlsx(doc: Document, path: "str | Path", lang: str = "en", style=None) -> Path:
    """Write every table of ``doc`` to its own sheet of an .xlsx workbook at ``path``.

    The first sheet lists the tables with their titles and notes. Numbers are written as
    numbers at full precision, shown with two decimals (p with three); a ``mean_sd`` or CI
    cell becomes two or three numeric columns.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    path = Path(path)
    wb = Workbook()
    index = wb.active
    index.title = "contents" if lang != "zh" else "目录"
    index.append([t(doc.title, lang)])
    index["A1"].font = Font(bold=True)
    taken = {index.title.lower()}
    thick, thin = Side(style="medium"), Side(style="thin")
    for n, table in enumerate(doc.tables(), start=1):
        ws = wb.create_sheet(_sheet_name(table.key, taken))
        caption = t({"en": f"Table {n}", "zh": f"表 {n}"}, lang)
        title = mask_personal(t(table.title, lang))
        index.append([f"{caption}  {title}", ws.title])
        ws.append([neutralise(f"{caption}  {title}")])
        ws["A1"].font = Font(bold=True)
        cols = _headers(table, lang)
        ws.append([neutralise(mask_personal(h)) for h, *_ in cols])
        for j in range(1, len(cols) + 1):
            ws.cell(row=2, column=j).border = Border(top=thick, bottom=thin)
        last_group = None
        for row in table.rows:
            g = row.get("_group")
            if g is not None and g != last_group:
                ws.append([neutralise(mask_personal(t(g, lang)))])
            last_group = g
            values = []
            for head, key, kind, part in cols:
                v = row.get(key)
                if part is not None:
                    v = None if v is None or isinstance(v, str) else v[part]
                values.append(v)
            ws.append([_cell(v, kind, lang) for v, (_, _, kind, _) in zip(values, cols)])
            r = ws.max_row
            for j, (_, _, kind, _) in enumerate(cols, start=1):
                cell = ws.cell(row=r, column=j)
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    cell.number_format = _FORMATS.get(kind, "0.00")
                    cell.alignment = Alignment(horizontal="center")
        for j in range(1, len(cols) + 1):
            ws.cell(row=ws.max_row, column=j).border = Border(bottom=thick)
        for note in table.notes:
            ws.append([neutralise(mask_personal(t(note.text, lang)))])
        for j, (h, *_) in enumerate(cols, start=1):
            letter = ws.cell(row=2, column=j).column_letter
            ws.column_dimensions[letter].width = max(10, min(40, len(h) + 4))
    index.column_dimensions["A"].width = 80
    wb.save(path)
    return path


def _cell(v, kind: str, lang: str):
    import math

    if v is None:
        return None
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        f = float(v)
        if not math.isfinite(f):
            return None
        return int(v) if kind == "count" and f.is_integer() else f
    try:  # numpy scalars
        import numpy as np

        if isinstance(v, np.generic):
            return _cell(v.item(), kind, lang)
    except ImportError:  # pragma: no cover
        pass
    return neutralise(mask_personal(t(v, lang)))

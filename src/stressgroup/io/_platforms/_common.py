"""Shared helpers of the survey-platform readers (internal).

The platform readers read the file into a plain grid of text (every cell a
``str``), collapse the platform's header rows into one header, and hand the
result to :func:`stressgroup.io._sources._from_grid`, so that blank rows,
unnamed and duplicate columns and row numbers are handled exactly as for a
plain CSV or Excel file. The ``meta`` keys every reader fills are created by
:func:`empty_meta`.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ...core.errors import DataError
from .._columns import ID_NAMES
from .._sources import (
    EXCEL_SUFFIXES,
    RawTable,
    _decode,
    _excel_engine,
    _from_grid,
    _sniff_separator,
)
from .._text import cell_text, is_missing, name_key

__all__ = [
    "Grid",
    "build_table",
    "clean_head",
    "empty_meta",
    "find_id_hint",
    "present",
    "read_grid",
    "strip_html",
]

_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")


@dataclass
class Grid:
    """A file read as rows of text cells, before any header handling.

    Attributes
    ----------
    rows : list of list of str
        Every row of the file (or sheet), blank rows included, so that
        ``rows[i]`` is spreadsheet row ``i + 1``.
    source : str
        ``"csv"`` or ``"excel"``.
    encoding : str or None
        The text encoding used (CSV only).
    meta : dict
        ``sheet``, ``engine`` (Excel) or ``separator`` (CSV).
    """

    rows: list[list[str]]
    source: str
    encoding: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def read_grid(path: Path, *, file: str, sheet: str | int | None = None,
              encoding: str | None = None) -> Grid:
    """Read a CSV/TSV file or one Excel sheet as rows of text.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    file : str
        The file as the user named it (for messages).
    sheet : str or int, optional
        Excel only: the sheet (default the first).
    encoding : str, optional
        CSV only: the text encoding (default: detected, UTF-8 or GB18030).

    Returns
    -------
    Grid
        Rows of text cells; the row at index ``i`` is spreadsheet row ``i + 1``.
    """
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_excel_grid(path, file=file, sheet=sheet)
    data = path.read_bytes()
    if not data.strip():
        raise DataError(f"{file} is empty: no header row and no data. "
                        "Check that this is the exported survey file.")
    text, used = _decode(data, file, encoding)
    sep = _sniff_separator(text, suffix)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    try:
        rows = [list(r) for r in reader]
    except csv.Error as exc:
        raise DataError(
            f"{file}, line {reader.line_num}: the file could not be read as "
            f"{'tab' if sep == chr(9) else repr(sep)}-separated text ({exc}). Look for a quote "
            "(\") opened on or before that line and never closed, or export the file again."
        ) from None
    return Grid(rows=rows, source="csv", encoding=used, meta={"separator": sep})


def _read_excel_grid(path: Path, *, file: str, sheet: str | int | None) -> Grid:
    engine = _excel_engine(path.suffix.lower())
    try:
        book = pd.ExcelFile(path, engine=engine)
    except Exception as exc:  # noqa: BLE001  (corrupt or not really an Excel file)
        raise DataError(f"{file} could not be opened as an Excel workbook ({exc}). "
                        "Check the file, or export it again as .xlsx or CSV.") from None
    with book:
        names = list(book.sheet_names)
        chosen: str | int = 0 if sheet is None else sheet
        if isinstance(chosen, int) and not 0 <= chosen < len(names):
            raise DataError(f"{file} has no sheet number {chosen} (sheets: "
                            f"{', '.join(names)}; numbers start at 0).")
        if isinstance(chosen, str) and chosen not in names:
            raise DataError(f"{file} has no sheet {chosen!r}; its sheets are: "
                            f"{', '.join(names)}. Pass one of these as sheet=.")
        frame = pd.read_excel(book, sheet_name=chosen, header=None, dtype=object)
    rows = [[cell_text(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    sheet_name = names[chosen] if isinstance(chosen, int) else chosen
    return Grid(rows=rows, source="excel", meta={"sheet": sheet_name, "engine": engine})


def first_nonblank(rows: Sequence[Sequence[str]]) -> int | None:
    """Index of the first row with a non-blank cell, or None."""
    return next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)


def pad(row: Sequence[str], width: int) -> list[str]:
    """``row`` as a list of exactly ``width`` cells (blank-padded)."""
    out = list(row[:width])
    return out + [""] * (width - len(out))


def build_table(grid: Grid, header: list[str], body: list[list[str]], first_data_row: int,
                *, file: str, platform: str) -> RawTable:
    """A RawTable from one collapsed header row and the data rows.

    Parameters
    ----------
    grid : Grid
        The grid the rows came from (for encoding and sheet).
    header : list of str
        One name per column (position = column in the file).
    body : list of list of str
        The data rows, the first of which is spreadsheet row ``first_data_row``.
    first_data_row : int
        Spreadsheet row number (1-based) of ``body[0]``.
    file : str
        Name of the file for messages.
    platform : str
        The platform name, stored as ``meta["platform"]``.

    Returns
    -------
    RawTable
        With ``meta`` holding every platform key (see :func:`empty_meta`).
    """
    table = _from_grid([header, *body], file=file, source=grid.source,
                       first_row=first_data_row - 1, encoding=grid.encoding)
    table.meta.update(grid.meta)
    table.meta.update(empty_meta(platform))
    return table


def empty_meta(platform: str) -> dict[str, Any]:
    """The platform meta keys with empty values."""
    return {
        "platform": platform,
        "question_text": {},
        "exclude": {},
        "missing_values": {},
        "wave_column": None,
        "wave_map": {},
        "id_column": None,
        "time_column": None,
        "pii_columns": [],
        "value_labels": {},
    }


def by_position(table: RawTable, values: Mapping[int, Any]) -> dict[str, Any]:
    """Re-key ``{column position: value}`` by the table's final column names."""
    names = {j: name for name, j in table.meta["positions"].items()}
    return {names[j]: v for j, v in values.items() if j in names}


def clean_head(head: Sequence[Sequence[Any]] | None, rows: int = 5) -> list[list[str]]:
    """Sniffer input as text: leading blank rows dropped, BOM and spaces stripped."""
    out: list[list[str]] = []
    for row in head or []:
        cells = [("" if c is None else str(c)).replace("\ufeff", "").strip() for c in row]
        if not out and not any(cells):
            continue
        out.append(cells)
        if len(out) >= rows:
            break
    return out


def strip_html(text: str) -> str:
    """Question text without HTML tags, entities decoded and spaces collapsed."""
    return _SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", text))).strip()


def present(columns: Iterable[str], wanted: Iterable[str]) -> list[str]:
    """The columns whose name matches one of ``wanted`` (case/space-insensitive), in file order."""
    keys = {name_key(w) for w in wanted}
    return [c for c in columns if name_key(c) in keys]


def find_column(columns: Iterable[str], *wanted: str) -> str | None:
    """The first of ``wanted`` (case/space-insensitive) that is a column, or None."""
    cols = list(columns)
    for w in wanted:
        hit = present(cols, [w])
        if hit:
            return hit[0]
    return None


def find_id_hint(columns: Sequence[str], question_text: Mapping[str, str],
                 skip: Iterable[str] = ()) -> str | None:
    """A column that asks for the person's id (named ``id``, ``工号``, ``编号``...).

    The column name is tried first, then the question text, in the order of
    :data:`stressgroup.io._columns.ID_NAMES`. Columns in ``skip`` (the
    platform's own response ids) are never returned.
    """
    skipped = {name_key(s) for s in skip}
    candidates = [c for c in columns if name_key(c) not in skipped]
    for wanted in ID_NAMES:
        for c in candidates:
            if name_key(c) == wanted:
                return c
        for c in candidates:
            if name_key(question_text.get(c, "")) == wanted:
                return c
    # a question that asks for the id in a sentence: "Please enter your police ID number
    # (工号)", "请输入您的工号": one such question only, never an ID card (身份证)
    asking = [c for c in candidates if _asks_for_id(question_text.get(c, ""))]
    return asking[0] if len(asking) == 1 else None


_NOT_ID_RE = re.compile(r"card|passport|身份证|phone|手机|电话|e-?mail|邮箱|response|\bip\b",
                        re.IGNORECASE)


def _asks_for_id(text: str) -> bool:
    """True for a question text that asks for the person's id (see :func:`find_id_hint`)."""
    if not text or _NOT_ID_RE.search(text):
        return False
    inner = re.findall(r"[(（]([^()（）]*)[)）]", text)
    if any(name_key(part) in ID_NAMES for part in inner):
        return True
    if any(word in text for word in ("工号", "编号", "警号")):
        return True
    return bool(re.search(r"\b(?:id|identification)\b", text, re.IGNORECASE))


def filled_share(values: Sequence[str]) -> float:
    """Share of the cells that are not blank."""
    if not len(values):
        return 0.0
    return sum(not is_missing(v) for v in values) / len(values)

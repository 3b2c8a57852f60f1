"""Readers that turn a file or a DataFrame into a table of text.

Each reader returns a :class:`RawTable`: every cell as ``str`` (``""`` for an
empty cell), the header names, and the spreadsheet row number of every data
row (the header is row 1 when it is on the first line). Conversion to ids,
waves and numbers happens later, in one place, for every source.

Readers are registered in ``READERS`` under the ``source=`` name they answer
to; :func:`detect_source` picks one for ``source="auto"``: first 问卷星
(:mod:`._wjx`), then each survey-platform reader listed in
``stressgroup.io._platforms.PLATFORMS`` (its ``sniff(path, head)`` sees the first
rows of the file, see :func:`read_head`), then CSV or Excel by the extension.
The contract a platform reader follows is in ``_platforms/__init__.py``.

The generic grid reader (:func:`_from_grid`) finds the header row of hand-made
sheets (title rows and merged group headers above it are skipped and noted),
drops blank rows and columns, and marks footer lines ("制表人：张三 2024年6月")
for exclusion (``meta["exclude"]``) so they are counted, never read as a person.
"""

from __future__ import annotations

import contextvars
import csv
import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import DataError
from ._distinct import ASCII_SPACE, Texts, factorize_text
from ._text import cell_text

__all__ = [
    "FOOTER_REASON",
    "READERS",
    "SUPPORTED_SUFFIXES",
    "RawTable",
    "detect_source",
    "read_head",
    "read_source",
    "readers",
    "source_names",
]

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
SUPPORTED_SUFFIXES = CSV_SUFFIXES + EXCEL_SUFFIXES


@dataclass
class RawTable:
    """A table as read, before any conversion (internal).

    Attributes
    ----------
    file : str
        The file as the user named it, or ``"<DataFrame>"``.
    source : str
        The format read: ``"csv"``, ``"excel"``, ``"dataframe"``, ``"wjx"`` or a
        platform name.
    columns : list of str
        Header names, stripped; duplicates made unique with ``.1``, ``.2``.
    headers : list of str
        Header names as written (for messages).
    cells : dict of str to numpy.ndarray
        Column name -> object array of ``str``, one per data row. The loader frees an
        item column's text once its answers are read (:func:`release`); asked for
        after that, it is rebuilt from the column's codes.
    rows : numpy.ndarray
        Spreadsheet row number of each data row.
    encoding : str or None
        Text encoding used (CSV only).
    original : pandas.DataFrame or None
        For DataFrame input, the frame itself (extra columns keep its dtypes).
    notes : list of str
        Things the reader did that the report should mention.
    meta : dict
        Reader facts the pipeline honours: ``"platform"`` (reported as the
        source), ``"variant"`` (e.g. 问卷星 "numbers"/"text"/"scores"),
        ``"question_text"`` ({column: text for item matching}), ``"exclude"``
        ({row: reason}), ``"missing_values"`` ({column or "*": {raw: reason}}),
        ``"wave_column"``, ``"id_column"``, ``"time_column"`` (hints),
        ``"pii_columns"`` (columns known to be personal), plus ``"letters"``,
        ``"positions"``, ``"header_row"``, ``"sheet"``, ``"separator"``.
        See ``_platforms/__init__.py`` for the contract.
    """

    file: str
    source: str
    columns: list[str]
    headers: list[str]
    cells: dict[str, np.ndarray]
    rows: np.ndarray
    encoding: str | None = None
    original: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        return len(self.rows)


# ---------------------------------------------------------------------------
# building a RawTable from a grid of text
# ---------------------------------------------------------------------------

def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_NOTE_RE = re.compile(
    r"[:：]|制表|填表|统计人|备注|注明|说明|日期|审核|合计|总计|来源于|made by|prepared|note"
    r"|\d{4}\s*年|\d{4}[/.-]\d{1,2}", re.IGNORECASE)
FOOTER_REASON = "footer/notes line, not a response"


def _as_grid(grid: Any) -> np.ndarray:
    """Rows of text (lists or a 2-D array) -> a rectangular 2-D object array of str."""
    if isinstance(grid, np.ndarray) and grid.ndim == 2:
        return grid
    width = max((len(r) for r in grid), default=0)
    out = np.full((len(grid), width), "", dtype=object)
    for i, r in enumerate(grid):
        if r:
            out[i, :len(r)] = r
    return out


def _nonblank(column: np.ndarray) -> np.ndarray:
    """Boolean mask of cells holding more than whitespace (vectorised over distinct values)."""
    return _factorize_nonblank(column)[0]


def _nonblank_uniques(uniques: Any) -> np.ndarray:
    """``bool(str(u).strip())`` for each distinct value (text: one strip each, no str())."""
    if pd.api.types.infer_dtype(uniques, skipna=False) == "string":
        texts = Texts(uniques.tolist() if isinstance(uniques, np.ndarray) else list(uniques))
        if texts.plain:   # no whitespace at all: blank is empty
            return np.asarray(uniques, dtype=object) != ""
        return np.array([u.strip() for u in texts.values], dtype=object) != ""
    return np.fromiter((bool(str(u).strip()) for u in uniques), dtype=bool, count=len(uniques))


def _factorize_nonblank(column: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(non-blank mask, codes, uniques) of a column of text, each distinct value looked at once."""
    codes, uniques = factorize_text(column)
    keep = np.append(_nonblank_uniques(uniques), False)   # code -1 (a missing cell) is blank
    return keep[codes], codes, uniques


class _Filled:
    """Which cells of the body columns hold more than whitespace, asked per column and rows.

    A column asked about many rows is factorized (each distinct value looked at once;
    the factorization is kept for the loader's later steps); a few rows are looked at
    cell by cell. The whole table is never looked at unless a question needs it.
    """

    def __init__(self, columns: list[np.ndarray],
                 known: dict[int, tuple[np.ndarray, np.ndarray]] | None = None):
        self.columns = columns
        self.facts: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        #: codes and distinct values the parser gave (their blank mask made when asked)
        self.known = known or {}

    def fact(self, j: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        hit = self.facts.get(j)
        if hit is None:
            if j in self.known:
                codes, uniques = self.known.pop(j)
                keep = np.append(_nonblank_uniques(uniques), False)
                hit = self.facts[j] = (keep[codes], codes, uniques)
            else:
                hit = self.facts[j] = _factorize_nonblank(self.columns[j])
        return hit

    def factorization(self, j: int) -> tuple[np.ndarray, np.ndarray] | None:
        """The codes and distinct values of column ``j``, when known (no work done)."""
        if j in self.facts:
            return self.facts[j][1], self.facts[j][2]
        return self.known.get(j)

    def at(self, j: int, rows: np.ndarray) -> np.ndarray:
        """Non-blank mask of column ``j`` at ``rows``."""
        if isinstance(self.columns[j], _Raw) and j not in self.facts:
            return self.columns[j].nonblank(rows)
        if j in self.facts or 4 * len(rows) > len(self.columns[j]):
            return self.fact(j)[0][rows]
        return np.fromiter((bool(str(v).strip()) for v in self.columns[j][rows]), dtype=bool,
                           count=len(rows))

    def all_blank(self, cols: range | list[int], rows: np.ndarray) -> np.ndarray:
        """The ``rows`` blank in every column of ``cols`` (each column asked only about the
        rows still blank in the columns before it)."""
        for j in cols:
            if not len(rows):
                break
            rows = rows[~self.at(j, rows)]
        return rows


def _body_fact(codes: np.ndarray, uniques: np.ndarray, start: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """The codes and distinct values of a column's rows from ``start`` on, as factorizing
    those rows gives them (in order of first appearance there), from the whole column's."""
    rest = codes[start:]
    # the values first seen above ``start`` have the lowest codes (0 to m - 1): when
    # none recurs below, the others keep their order there
    m = int(codes[:start].max()) + 1 if start else 0
    if not m or not (rest < m).any():
        return (rest - m).astype(rest.dtype, copy=False) if m else rest, uniques[m:]
    present = pd.unique(rest)   # the codes in order of first appearance
    renumber = np.zeros(len(uniques), dtype=rest.dtype)
    renumber[present] = np.arange(len(present))
    return renumber[rest], uniques[present]


def factorized(table: RawTable, column: str) -> tuple[np.ndarray, np.ndarray]:
    """``pandas.factorize`` of a column's cells, cached in ``meta["_factorized"]``.

    The cache is used only while ``table.cells[column]`` is the very array it was
    computed from (a reader that replaces a column gets a fresh factorization).
    """
    cells = table.cells
    if isinstance(cells, _Cells):
        known = cells.codes(column)
        if known is not None:
            return known
    values = cells[column]
    cache = table.meta.setdefault("_factorized", {})
    hit = cache.get(column)
    if hit is not None and hit[0] is values:
        return hit[1], hit[2]
    codes, uniques = factorize_text(values)
    cache[column] = (values, codes, uniques)
    return codes, uniques


class _Cells(dict):
    """``RawTable.cells`` with columns held as codes: released ones (see :func:`release`)
    and those a large file's parser coded (see :func:`_c_parse`), or as the parser's
    bytes (a personal-data column, see :class:`_Raw`). Such a column's cells
    are rebuilt from its codes when asked for; :func:`factorized` gives its codes
    without rebuilding them (and those of a rebuilt column while it is not replaced)."""

    def __init__(self, cells: dict[str, np.ndarray],
                 released: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
                 raw: "dict[str, _Raw] | None" = None):
        super().__init__(cells)
        self.released: dict[str, tuple[np.ndarray, np.ndarray]] = dict(released or {})
        self.rebuilt: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        #: columns held as the parser's bytes (see _Raw): decoded when asked for
        self.raw: dict[str, _Raw] = dict(raw or {})

    def __missing__(self, column: str) -> np.ndarray:
        if column in self.raw:
            values = np.asarray(self.raw.pop(column))
            dict.__setitem__(self, column, values)
            return values
        if column not in self.released:
            raise KeyError(column)
        codes, uniques = self.released.pop(column)
        values = np.asarray(uniques, dtype=object)[codes]
        dict.__setitem__(self, column, values)
        self.rebuilt[column] = (values, codes, uniques)
        return values

    def __setitem__(self, column: str, values: np.ndarray) -> None:
        # new cells: the codes held for the column no longer describe them
        self.released.pop(column, None)
        self.rebuilt.pop(column, None)
        self.raw.pop(column, None)
        dict.__setitem__(self, column, values)

    def codes(self, column: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The codes and distinct values of a column held as codes (or rebuilt from them
        and still the array rebuilt), else None."""
        hit = self.released.get(column)
        if hit is not None:
            return hit
        rebuilt = self.rebuilt.get(column)
        if rebuilt is not None and dict.get(self, column) is rebuilt[0]:
            return rebuilt[1], rebuilt[2]
        return None

    def __contains__(self, column: object) -> bool:
        return super().__contains__(column) or column in self.released or column in self.raw

    def get(self, column: str, default: Any = None) -> Any:
        try:
            return self[column]
        except KeyError:
            return default


def first_cells(cells: dict[str, Any], column: str, n: int) -> np.ndarray:
    """The first ``n`` cells of a column, without making text of the rest of a column
    held as codes or as bytes (``cells[column][:n]`` would make all of it)."""
    if isinstance(cells, _Cells) and not dict.__contains__(cells, column):
        if column in cells.released:
            codes, uniques = cells.released[column]
            return np.asarray(uniques, dtype=object)[codes[:n]]
        if column in cells.raw:
            return cells.raw[column][:n]
    return cells[column][:n]


def replace_cells(table: RawTable, column: str, values: np.ndarray) -> None:
    """Give a column new cells (a reader's change): what was cached of it is dropped."""
    table.cells[column] = values
    table.meta.get("_factorized", {}).pop(column, None)
    table.meta.get("_stripped", {}).pop(column, None)


def _small_codes(codes: np.ndarray, n: int) -> np.ndarray:
    """``codes`` (0 to n - 1) in the smallest integer type that holds them."""
    for kind in (np.int8, np.int16, np.int32):
        if n < np.iinfo(kind).max:
            return codes.astype(kind, copy=False)
    return codes


def release(table: RawTable, column: str) -> None:
    """Free the text of a column whose cells no step reads any more (an item column
    once converted): one object per cell, 8 bytes each, and the cached codes, for a
    column of a million answers. Its codes are kept in the smallest integer type, and
    ``table.cells[column]`` rebuilds the cells from them if it is asked for after all."""
    if isinstance(table.cells, _Cells) and column in table.cells.released:
        return   # held as codes already
    codes, uniques = factorized(table, column)
    if len(codes) and codes.min() < 0:   # not all text (a DataFrame's): kept as it is
        return
    if not isinstance(table.cells, _Cells):
        table.cells = _Cells(table.cells)
    small = _small_codes(codes, len(uniques))
    del table.cells[column]
    table.cells.rebuilt.pop(column, None)
    table.meta.get("_factorized", {}).pop(column, None)
    table.meta.get("_stripped", {}).pop(column, None)
    table.cells.released[column] = (small, uniques)


def stripped_distinct(table: RawTable, column: str) -> tuple[list[str], np.ndarray]:
    """The distinct values of a column (as :func:`factorized` gives them) stripped, and
    which are missing markers (``is_missing``); cached like the factorization."""
    _, uniques = factorized(table, column)
    cache = table.meta.setdefault("_stripped", {})
    hit = cache.get(column)
    if hit is not None and hit[0] is uniques:
        return hit[1], hit[2]
    from ._distinct import stripped_missing

    stripped, blank = stripped_missing(uniques.tolist() if isinstance(uniques, np.ndarray)
                                       else list(uniques))
    cache[column] = (uniques, stripped, blank)
    return stripped, blank


def factorized_exactly(table: RawTable, column: str) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`factorized` when it is what ``pandas.factorize`` of the cells gives (the
    distinct values those of the cells, in order of first appearance); None when the
    reader dropped blank rows after factorizing (its distinct values are those of the
    rows before)."""
    if table.meta.get("_factorized_before_blank_rows"):
        if isinstance(table.cells, _Cells) and table.cells.codes(column) is not None:
            return None
        hit = table.meta.get("_factorized", {}).get(column)
        if hit is not None and hit[0] is table.cells[column]:
            return None
    return factorized(table, column)


def _find_header(filled: np.ndarray, counts: np.ndarray) -> int:
    """Index of the header row: the first row at least 60% as full as the fullest early row.

    Title rows ("2024年民警压力调查") and merged group headers ("个人层面" over five
    columns) hold only a few cells, so they are passed over.
    """
    rows = np.flatnonzero(counts)
    early = rows[:30]
    widest = int(counts[early].max())
    need = max(min(2, widest), 0.6 * widest)
    for i in early:
        if counts[i] >= need:
            return int(i)
    return int(rows[0])


def _from_grid(grid: Any, *, file: str, source: str, first_row: int,
               encoding: str | None = None,
               columns: "list[np.ndarray | _Coded] | None" = None) -> RawTable:
    """Build a RawTable from rows of text.

    ``grid`` is a list of rows of ``str`` or a 2-D object array (or None when
    ``columns`` gives the table as one 1-D object array of ``str`` per column, all of
    one length); ``first_row`` is the spreadsheet row number of ``grid[0]``. The header
    is the first row that is mostly filled (see :func:`_find_header`); rows above it
    are skipped (and noted), blank rows are skipped and not counted, columns with
    neither a header nor a value are dropped, and footer lines (text only in the first
    one or two cells, such as "制表人：张三  2024年6月") are kept as rows but listed in
    ``meta["exclude"]`` with the reason "footer/notes line, not a response".
    A column of ``columns`` may be a :class:`_Coded` (a large file's parser coded it): its
    body stays codes, derived from the whole column's.
    """
    if columns is None:
        arr = _as_grid(grid)
        columns = [arr[:, j] for j in range(arr.shape[1])] if arr.ndim == 2 else []
        n_all = len(arr)
    else:
        n_all = len(columns[0]) if columns else 0
    width = len(columns)
    # the header is looked for in the first rows; the body is looked at per distinct value
    head_n = min(n_all, 60)
    filled = np.array([[bool(str(col[i]).strip()) for col in columns] for i in range(head_n)],
                      dtype=bool).reshape(head_n, width)
    counts = filled.sum(axis=1) if filled.size else np.zeros(head_n, dtype=np.int64)
    if not counts.any() and n_all > head_n:   # 60 blank rows first: look at everything
        filled = np.column_stack([_nonblank(col) for col in columns])
        counts = filled.sum(axis=1)
    if not counts.any():
        raise DataError(
            f"{file} is empty: no header row and no data. Check that this is the "
            "exported survey file (and, for Excel, the right sheet)."
        )
    start = _find_header(filled, counts)
    notes: list[str] = []
    skipped_above = [first_row + i for i in range(start) if counts[i]]
    if skipped_above:
        rows_text = ", ".join(map(str, skipped_above))
        notes.append(f"{file}: the header is row {first_row + start}; row(s) {rows_text} above "
                     "it (a title or group headers) were skipped")
    header = [col[start].replace("\ufeff", "").strip() for col in columns]
    known = {j: _body_fact(col.codes, col.uniques, start + 1)
             for j, col in enumerate(columns) if isinstance(col, _Coded)}
    # a coded column's body stays codes (see _c_parse): no object per cell
    body = [_Coded(*known[j]) if isinstance(col, _Coded) else
            _Raw(col.cells[start + 1:]) if isinstance(col, _Raw) else
            np.ascontiguousarray(col[start + 1:]) for j, col in enumerate(columns)]
    n_body = n_all - start - 1
    row_numbers = np.arange(n_body, dtype=np.int64) + first_row + start + 1
    look = _Filled(body, known)
    blank_rows = look.all_blank(range(width), np.arange(n_body))
    blank = np.zeros(n_body, dtype=bool)
    blank[blank_rows] = True
    if blank.any():
        notes.append(f"{file}: {int(blank.sum())} blank rows skipped (not counted as rows read)")
        # every column's distinct values as in the whole body, then the blank rows dropped
        facts = [look.fact(j) for j in range(width)]
        body = [np.asarray(col)[~blank] for col in body]
        look = _Filled(body)
        look.facts = {j: (f[0][~blank], f[1][~blank], f[2]) for j, f in enumerate(facts)}
    row_numbers = row_numbers[~blank]
    n = len(row_numbers)
    if not n:
        raise DataError(
            f"{file} has a header row (row {first_row + start}) but no data rows. "
            "Export the survey again with the responses included."
        )
    # footer / notes lines: text only in the first one or two cells of the table
    named = [j for j, h in enumerate(header) if h]
    first_col = named[0] if named else 0
    footer = np.zeros(n, dtype=bool)
    if len(header) - first_col >= 4:
        cand = look.all_blank(range(first_col + 2, width), np.arange(n))
        for i in cand:
            texts = [str(body[j][i]) for j in range(width) if str(body[j][i]).strip()]
            if any(_NOTE_RE.search(t) or len(t) > 20 for t in texts):
                footer[i] = True
    real = np.flatnonzero(~footer)
    names: list[str] = []
    keep: list[int] = []
    seen: dict[str, int] = {}
    for j, name in enumerate(header):
        if not name:
            if not look.at(j, real).any():
                continue  # an empty (or trailing, or notes-only) column
            name = f"Unnamed: {_column_letter(j)}"
        if name in seen:
            seen[name] += 1
            new = f"{name}.{seen[name]}"
            notes.append(f"{file}: column {name!r} appears more than once; "
                         f"column {_column_letter(j)} was renamed {new!r}")
            name = new
        else:
            seen[name] = 0
        names.append(name)
        keep.append(j)
    headers = [header[j] for j in keep]
    cells: dict[str, Any] = {name: body[j] for name, j in zip(names, keep)
                             if not isinstance(body[j], (_Coded, _Raw))}
    coded = {name: (body[j].codes, body[j].uniques) for name, j in zip(names, keep)
             if isinstance(body[j], _Coded)}
    raw = {name: body[j] for name, j in zip(names, keep) if isinstance(body[j], _Raw)}
    meta: dict[str, Any] = {"letters": {nm: _column_letter(j) for nm, j in zip(names, keep)},
                            "positions": dict(zip(names, keep)),
                            "header_row": first_row + start,
                            "_factorized": {nm: (cells[nm], *fact) for nm, j in zip(names, keep)
                                            if nm in cells and
                                            (fact := look.factorization(j)) is not None}}
    if blank.any():
        meta["_factorized_before_blank_rows"] = True
    if footer.any():
        meta["exclude"] = {int(r): FOOTER_REASON for r in row_numbers[footer]}
    return RawTable(file=file, source=source, columns=names, headers=headers,
                    cells=_Cells(cells, released=coded, raw=raw) if coded or raw else cells,
                    rows=row_numbers, encoding=encoding, notes=notes, meta=meta)


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------

def _decode(data: bytes, file: str, encoding: str | None) -> tuple[str, str]:
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise DataError(
                f"{file} cannot be decoded as {encoding}: byte {exc.start} "
                f"({data[exc.start:exc.start + 4]!r}) is invalid. Leave encoding= unset to "
                "let stressgroup try UTF-8 and GB18030, or give the encoding the file was saved in."
            ) from None
        except LookupError:
            raise ValueError(f"encoding={encoding!r} is not a known text encoding") from None
        return text.lstrip("\ufeff"), encoding
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").lstrip("\ufeff"), "utf-16"
        except UnicodeDecodeError:
            pass
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("gb18030").lstrip("\ufeff"), "gb18030"
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{file} is neither UTF-8 nor GB18030/GBK text (byte {exc.start} is invalid). "
            "Save it again as CSV UTF-8, or pass encoding= with the encoding it was saved in."
        ) from None


def _first_lines(text: str, n: int) -> list[str]:
    """``text.splitlines()[:n]`` without splitting the whole text."""
    size = 16 * 1024
    while size < len(text):
        lines = text[:size].splitlines()
        if len(lines) > n + 1:   # the first n lines end well inside the piece
            return lines[:n]
        size *= 4
    return text.splitlines()[:n]


def _sniff_lines(lines: list[str]) -> str | None:
    """The separator csv.Sniffer finds in the first lines, or None."""
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",\t;").delimiter
    except csv.Error:
        return None


def _sniff_separator(text: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    found = _sniff_lines(_first_lines(text, 20))
    if found is not None:
        return found
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (",", "\t", ";")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


_BOM = b"\xef\xbb\xbf"


def _utf8_body(data: bytes, encoding: str | None, used: str) -> bytes | None:
    """The UTF-8 bytes of the text :func:`_decode` made of ``data`` (its byte-order marks
    dropped as ``_decode`` drops them), or None when the text was decoded otherwise."""
    if encoding is None:   # detected: "utf-8-sig" drops one mark, "utf-8" had none
        return data[3:] if used == "utf-8-sig" else data if used == "utf-8" else None
    if encoding in ("utf-8", "utf-8-sig"):   # decoded, then every leading mark stripped
        k = 0
        while data.startswith(_BOM, k):
            k += 3
        return data[k:]
    return None


#: Rows parsed at a time: each piece is copied into its place in the columns and freed,
#: so that the text of the file is held once (not the pieces and the joined columns).
_CHUNK_ROWS = 100_000


def _lines_of(text: "bytes | str") -> "int | None":
    """The number of lines of ``text`` (counted), or None when its first 64 KiB show it
    has far fewer than two pieces' lines (a survey export of some thousand rows is not
    counted through). Should the estimate be wrong, :func:`_c_parse` still reads every
    row: its columns grow as pieces come."""
    nl = b"\n" if isinstance(text, bytes) else "\n"
    head = text[:65_536]
    if len(text) > len(head):
        estimate = head.count(nl) * (len(text) / len(head))
        if estimate < _CHUNK_ROWS:   # half the one-piece limit
            return None
    return text.count(nl) + 1


#: A column whose pieces hold more distinct values than this is kept as text, not codes.
_CODED_MAX = 4096


class _Coded:
    """A column as codes and distinct values, indexed like the object array it stands
    for (an int gives a cell's text, a slice or an index array an object array)."""

    __slots__ = ("codes", "uniques")

    def __init__(self, codes: np.ndarray, uniques: np.ndarray):
        self.codes, self.uniques = codes, uniques

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, at: Any) -> Any:
        return self.uniques[self.codes[at]]

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.uniques[self.codes]


class _Coder:
    """One column's codes, piece by piece: each piece factorized (few distinct objects:
    by address), its distinct values numbered in order of first appearance in the whole
    column (exactly :func:`factorize_text` of the whole column)."""

    def __init__(self, size: int):
        self.index: dict[str, int] = {}
        self.codes = np.empty(size, dtype=np.int16)

    def add(self, piece: np.ndarray, at: int) -> bool:
        """Code ``piece`` as rows ``at`` on; False (nothing written) when the column would
        hold more than ``_CODED_MAX`` distinct values: it is then kept as text."""
        codes, uniques = factorize_text(piece)
        if len(uniques) > _CODED_MAX or (len(codes) and codes.min() < 0):
            return False
        index = self.index
        mapped = np.empty(len(uniques), dtype=np.int16)
        for k, u in enumerate(uniques.tolist()):
            code = index.get(u)
            if code is None:
                code = index[u] = len(index)
            mapped[k] = code
        if len(index) > _CODED_MAX:
            return False
        self.codes[at:at + len(codes)] = mapped[codes]
        return True

    def uniques(self) -> np.ndarray:
        out = np.empty(len(self.index), dtype=object)
        out[:] = list(self.index)
        return out


class _Raw:
    """A column kept as the parser's bytes (UTF-8, checked; one fixed-width cell per row)
    instead of one ``str`` per cell: its header names personal data (see
    :func:`_column_types`), which the loader drops unread. Indexed like the object
    array it stands for; its text is made only if a step asks for it."""

    __slots__ = ("cells",)

    def __init__(self, cells: np.ndarray):
        self.cells = cells

    def __len__(self) -> int:
        return len(self.cells)

    def __getitem__(self, at: Any) -> Any:
        if isinstance(at, (int, np.integer)):
            return self.cells[at].decode("utf-8")
        return _raw_text(self.cells[at])

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return _raw_text(self.cells)

    def nonblank(self, rows: np.ndarray) -> np.ndarray:
        """Whether the cells at ``rows`` hold more than whitespace (``str.strip``'s): a
        cell that starts with a byte of no whitespace does; the others are decoded."""
        cells = self.cells[rows]
        out = cells != b""
        first = cells.view(np.uint8).reshape(len(cells), -1)[:, 0] if len(cells) else \
            np.zeros(0, dtype=np.uint8)
        look = np.flatnonzero(out & (np.isin(first, _ASCII_SPACE_BYTES) | (first >= 0x80)))
        for k in look.tolist():
            out[k] = bool(cells[k].decode("utf-8").strip())
        return out


_ASCII_SPACE_BYTES = np.frombuffer(ASCII_SPACE.encode(), dtype=np.uint8)


def _raw_text(cells: np.ndarray) -> np.ndarray:
    out = np.empty(len(cells), dtype=object)
    out[:] = [c.decode("utf-8") for c in cells.tolist()]
    return out


#: A personal-data column is parsed as bytes this many times as wide as its widest cell
#: among the first rows (at least 32 bytes); a column holding a cell that wide is parsed
#: again as text (see :func:`_checked_columns`).
_RAW_SLACK = 2
#: A column whose first rows' cells are all shorter than this (answers, codes, small
#: numbers) is parsed as bytes of this width, or twice it for cells shorter than that
#: (answer labels: "比较不符合" is 15 bytes), and coded from them (see :func:`_short_coded`).
_SHORT = 8
#: The first rows of a text parsed as text, to plan the others' types.
_HEAD_BYTES = 65_536
_HEAD_ROWS = 61


@dataclass
class _Plan:
    """How :func:`_c_parse` reads each column (see :func:`_column_types`): ``types`` for
    pandas (``object``, or ``"S<bytes>"``), ``short`` the columns coded from their cells,
    and ``head`` the first rows' cells as text (the parse of those rows, exact)."""

    types: dict[int, Any]
    short: set[int]
    head: list[list[str]]


def _column_types(body: bytes, sep: str) -> _Plan | None:
    """How to parse each column of a UTF-8 text without one ``str`` per cell where none
    is needed, judged from its first rows (parsed as text by the C parser, exactly as the
    whole parse reads them):

    - a column whose header (found as :func:`_from_grid` finds it) names personal data is
      parsed as bytes (a :class:`_Raw`: the loader drops it unread);
    - a column whose cells in those rows are all shorter than 8 (or 16) bytes is parsed as
      8- (or 16-) byte cells and coded from their bytes (:func:`_short_coded`);
    - the others as text.

    None when every column is text, for a text with a NUL byte (the parser's bytes would
    drop it) or when its first rows cannot be parsed alone."""
    if b"\x00" in body:
        return None
    end = -1
    for _ in range(_HEAD_ROWS + 2):   # a few lines more than the rows looked at
        end = body.find(b"\n", end + 1, _HEAD_BYTES)
        if end < 0:
            break
    head = body[:end + 1] if end >= 0 else body[:_HEAD_BYTES]
    if len(body) > len(head) and end < 0:
        head = head[:head.rfind(b"\n") + 1]
    try:
        first = _c_parse(io.BytesIO(head), sep, "utf-8")
    except Exception:  # noqa: BLE001  (a quote open past the cut, ragged rows: no plan)
        return None
    if not first or not len(first[0]):
        return None
    h = min(len(first[0]), _HEAD_ROWS)
    if len(body) > len(head) and h < _HEAD_ROWS:
        h -= 1   # the last row may continue past the cut (a quoted line break)
    if h < 2:
        return None
    rows = [[str(col[i]) for col in first] for i in range(h)]
    width = len(first)
    filled = np.array([[bool(c.strip()) for c in r] for r in rows], dtype=bool)
    counts = filled.sum(axis=1)
    if not counts.any():
        return None
    from ..core.vocab import strip_question_number
    from ._columns import pii_header_reason

    start = _find_header(filled, counts)
    types: dict[int, Any] = {}
    short: set[int] = set()
    for j in range(width):
        name = rows[start][j].replace("\ufeff", "").strip()
        sizes = [len(r[j].encode("utf-8")) for r in rows[start + 1:]]
        if name and (pii_header_reason(name) or pii_header_reason(strip_question_number(name))):
            widest = max(len(r[j].encode("utf-8")) for r in rows)   # the header's too
            types[j] = f"S{max(32, _RAW_SLACK * widest)}"
        elif sizes and max(sizes) < 2 * _SHORT:
            types[j] = f"S{_SHORT if max(sizes) < _SHORT else 2 * _SHORT}"
            short.add(j)
        else:
            types[j] = object
    if all(t is object for t in types.values()):
        return None
    return _Plan(types, short, rows)


def _parse_utf8(body: bytes, sep: str, coded: bool = False) -> "list[np.ndarray | _Coded]":
    """:func:`_c_parse` of UTF-8 bytes, its columns typed as :func:`_column_types` plans
    (checked by :func:`_checked_columns`): exactly the columns of the plain parse (or its
    error), without one ``str`` per cell where none is needed."""
    n_lines = (lambda: _lines_of(body))
    plan = _column_types(body, sep)
    if plan is not None:
        columns = _c_parse(io.BytesIO(body), sep, "utf-8", n_lines=n_lines, coded=coded,
                           types=plan.types)
        checked = _checked_columns(columns, plan, body, sep)
        if checked is not None:
            return checked
    return _c_parse(io.BytesIO(body), sep, "utf-8", n_lines=n_lines, coded=coded)


def _as_text_column(body: bytes, sep: str, j: int) -> np.ndarray:
    """Column ``j`` of the text parsed as text alone (every row as the whole parse has
    it: the whole parse found no row too long)."""
    text = pd.read_csv(io.BytesIO(body), sep=sep, usecols=[j], dtype=object,
                       encoding="utf-8", **_C_OPTIONS)[j].to_numpy()
    _fill_short_rows([text])
    return text


def _checked_columns(columns: list[Any], plan: _Plan, body: bytes, sep: str
                     ) -> list[Any] | None:
    """The parser's columns as planned, once checked: a bytes column becomes a
    :class:`_Raw`, a short one a :class:`_Coded` (:func:`_short_coded`); a column with a
    cell that may have been cut (as wide as the column) is parsed again as text; bytes
    that are not UTF-8 raise UnicodeDecodeError, as the parser decoding them would have.
    None when the columns are not of the types planned."""
    types = plan.types
    if len(columns) != len(types) or any(
            (c.dtype == object) != (types[j] is object) for j, c in enumerate(columns)
            if isinstance(c, np.ndarray)):
        return None
    h = len(plan.head)
    if columns and len(columns[0]) < h:
        return None
    for j, kind in types.items():
        cells = columns[j]
        if kind is object:
            continue
        if j in plan.short:
            coded = _short_coded(cells, [r[j] for r in plan.head])
            columns[j] = coded if coded is not None else _as_text_column(body, sep, j)
            continue
        if (cells.view(np.uint8).reshape(len(cells), -1)[:, -1] != 0).any():
            columns[j] = _as_text_column(body, sep, j)
            continue
        _check_utf8(cells)
        columns[j] = _Raw(cells)
    return columns


def _check_utf8(cells: np.ndarray) -> None:
    flat = cells.tobytes()
    if not flat.isascii():
        flat.decode("utf-8")   # raises for bytes that are not UTF-8


def _short_coded(cells: np.ndarray, head: list[str]) -> "_Coded | None":
    """A column parsed as 8- or 16-byte cells, as codes numbered as :func:`factorize_text`
    numbers the whole column (a :class:`_Coded`). ``head``: its first rows as text (their
    cells may be cut: a header's). None when a later cell may have been cut (as wide as
    the column); UnicodeDecodeError for a cell that is not UTF-8.

    Each cell is one or two unsigned integers (the bytes past a cell's end are 0, and no
    byte of the text is), so factorizing those integers is factorizing the text; only
    the distinct cells are decoded."""
    width = cells.dtype.itemsize
    words = width // 8
    k = len(head)
    rest = cells[k:]
    if len(rest) and (rest.view(np.uint8).reshape(len(rest), -1)[:, -1] != 0).any():
        return None
    # the first rows' cells as integers too: a text as wide as the column or wider (no
    # later cell is) as one whose last byte is 0xFF, which no UTF-8 text holds
    long_of: dict[str, int] = {}
    first = np.zeros((k, words), dtype="<u8")
    for i, text in enumerate(head):
        raw = text.encode("utf-8")
        if len(raw) < width:
            first[i] = np.frombuffer(raw.ljust(width, b"\x00"), dtype="<u8")
        else:
            first[i, -1] = long_of.setdefault(text, 2**64 - 1 - len(long_of))
    every = np.concatenate([first, rest.view("<u8").reshape(len(rest), words)])
    if words == 1:
        codes, keys = pd.factorize(every[:, 0], sort=False)
        keys = keys.reshape(-1, 1)
    else:   # the two halves factorized, then their pairs
        c0, u0 = pd.factorize(every[:, 0], sort=False)
        c1, u1 = pd.factorize(every[:, 1], sort=False)
        codes, pairs = pd.factorize(c0.astype(np.int64) * len(u1) + c1, sort=False)
        keys = np.column_stack([u0[pairs // len(u1)], u1[pairs % len(u1)]])
    uniques = np.empty(len(keys), dtype=object)
    longs = np.flatnonzero(keys[:, -1] >> np.uint64(56))
    plain = np.ones(len(keys), dtype=bool)
    plain[longs] = False
    if len(longs):
        text_of = {key: text for text, key in long_of.items()}
        uniques[longs] = [text_of[int(key)] for key in keys[longs, -1].tolist()]
    # decoding the distinct cells checks that every cell is UTF-8
    shorts = keys[plain]
    if len(shorts):
        cells_u = np.ascontiguousarray(shorts, dtype="<u8").view(f"S{width}").ravel().tolist()
        uniques[plain] = b"\x00".join(cells_u).decode("utf-8").split("\x00")
    return _Coded(_small_codes(codes, len(uniques)), uniques)


#: How pandas' C parser reads a text here: every cell as it is written, blank lines kept.
_C_OPTIONS: dict[str, Any] = dict(header=None, keep_default_na=False, na_filter=False,
                                  skip_blank_lines=False, engine="c",
                                  quoting=csv.QUOTE_MINIMAL, doublequote=True)


def _c_parse(source: Any, sep: str, encoding: str | None,
             n_lines: Callable[[], int | None] | None = None,
             coded: bool = False, types: dict[int, Any] | None = None
             ) -> "list[np.ndarray | _Coded]":
    """pandas' C parser, every cell as text, blank lines kept: one object array per column.

    ``n_lines``: counts the lines of the text, if it can (an upper bound of the rows: a
    file of more than one piece gets its columns that long at once), or returns None for
    a text that clearly has no more than two pieces' lines (see :func:`_lines_of`).

    ``coded``: a text of more than one piece keeps each column of few distinct values
    as a :class:`_Coded` (its codes as the pieces come, never one object per cell).

    ``types``: the type of every column (``object``, or ``"S<bytes>"`` for a column parsed
    as fixed-width bytes, not text: see :func:`_column_types`); the caller applies
    :func:`_checked_columns`."""
    # a file of up to two pieces' lines is read as one piece (its columns as parsed)
    lines = n_lines() if n_lines else None
    one = (n_lines is not None and lines is None) or (
        lines is not None and lines <= 2 * _CHUNK_ROWS)
    reader = pd.read_csv(source, sep=sep, dtype=types or object, encoding=encoding,
                         chunksize=2 * _CHUNK_ROWS + 1 if one else _CHUNK_ROWS, **_C_OPTIONS)
    if coded and not one:
        return _c_parse_coded(reader, lines)
    columns: list[np.ndarray] = []
    at = 0
    with reader:
        head = next(reader, None)
        first = [] if head is None else [head[name].to_numpy() for name in head.columns]
        del head
        for frame in reader:
            n = len(frame)
            if not columns:   # a second piece: the columns made at full length
                at = len(first[0])
                size = max(lines or 0, at + n)
                columns = [np.empty(size, dtype=piece.dtype) for piece in first]
                for col, piece in zip(columns, first):
                    col[:at] = piece
                first = []
            if at + n > len(columns[0]):   # more rows than lines counted: room for more
                columns = [np.concatenate([c[:at], np.empty(max(at, n), dtype=c.dtype)])
                           for c in columns]
            for j, name in enumerate(frame.columns):
                columns[j][at:at + n] = frame[name].to_numpy()
            at += n
            del frame
    if not columns:   # one piece: its columns as they are (views of the dropped frame)
        columns, at = first, len(first[0]) if first else 0
        for j, col in enumerate(columns):
            if not col.flags.writeable:
                try:
                    col.flags.writeable = True
                except ValueError:
                    columns[j] = col.copy()
    # quoted line breaks leave room unused: trimmed when it is worth a copy
    columns = [c[:at] if len(c) - at <= at // 8 else c[:at].copy() for c in columns]
    _fill_short_rows(columns)
    return columns


def _fill_short_rows(columns: list[np.ndarray]) -> None:
    """``""`` for the NaN the parser pads short rows with (a bytes column has ``b""``).
    A short row leaves the last text column NaN, so it alone is looked at first."""
    text = [c for c in columns if c.dtype == object]
    if text and pd.isna(text[-1]).any():
        for col in text:
            missing = pd.isna(col)
            if missing.any():
                col[missing] = ""


def _c_parse_coded(reader: Any, lines: int | None) -> "list[np.ndarray | _Coded]":
    """:func:`_c_parse` of a text of many pieces, columns of few distinct values coded
    as the pieces come (each a :class:`_Coded`), the others copied into their place."""
    columns: list[Any] = []   # per column: a _Coder, or an object array
    at = size = 0
    with reader:
        for frame in reader:
            n = len(frame)
            if at + n > size and columns:   # more rows than lines counted: room for more
                grow = max(at, n)
                columns = [_grown(c, at, grow) for c in columns]
                size = at + grow
            pieces = [frame[name].to_numpy() for name in frame.columns]
            if not columns:   # a bytes column is copied into its place, as text is
                size = max(lines or 0, 2 * n)
                columns = [np.empty(size, dtype=p.dtype) if p.dtype != object else
                           _Coder(size) for p in pieces]
            _fill_short_rows(pieces)
            for j, piece in enumerate(pieces):
                col = columns[j]
                if isinstance(col, _Coder) and not col.add(piece, at):
                    col = columns[j] = _as_text(col, at, size)
                if not isinstance(col, _Coder):
                    col[at:at + n] = piece
            at += n
            del frame, pieces
    out: list[Any] = []
    for col in columns:
        if isinstance(col, _Coder):
            uniques = col.uniques()
            small = np.int8 if len(uniques) < 127 else np.int16
            out.append(_Coded(col.codes[:at].astype(small), uniques))
        else:
            out.append(col[:at] if len(col) - at <= at // 8 else col[:at].copy())
    return out


def _grown(col: Any, at: int, more: int) -> Any:
    if isinstance(col, _Coder):
        col.codes = np.concatenate([col.codes[:at], np.empty(more, dtype=np.int16)])
        return col
    return np.concatenate([col[:at], np.empty(more, dtype=col.dtype)])


def _as_text(col: _Coder, at: int, size: int) -> np.ndarray:
    """A coded column turned into text (its rows so far), room for ``size`` rows."""
    out = np.empty(size, dtype=object)
    out[:at] = col.uniques()[col.codes[:at]]
    return out


def _utf8_columns(data: bytes, suffix: str, sep: str | None
                  ) -> "tuple[list[np.ndarray | _Coded], str, str] | None":
    """``(columns, encoding, separator)`` of a UTF-8 file parsed from its bytes (the C
    parser decodes every cell strictly, so a parse is also the check that the file is
    UTF-8), or None: then the file is decoded first, as :func:`_decode` does. A file of
    many pieces keeps its columns of few distinct values coded (see :func:`_c_parse`)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    bom = data.startswith(_BOM)
    body = data[3:] if bom else data
    if sep is None:
        if suffix == ".tsv":
            sep = "\t"
        else:   # the first 20 lines, as _sniff_separator takes them from the whole text
            cut = body.rfind(b"\n", 0, 256 * 1024) + 1
            try:
                lines = body[:cut].decode("utf-8").splitlines()
            except UnicodeDecodeError:
                return None
            if len(lines) <= 21:
                return None
            sep = _sniff_lines(lines[:20])
            if sep is None:
                return None
    try:
        columns = _parse_utf8(body, sep, coded=True)
    except Exception:  # noqa: BLE001  (not UTF-8, ragged rows, a broken quote: the plain way says)
        return None
    return columns, "utf-8-sig" if bom else "utf-8", sep


def _csv_columns(text: str, sep: str, file: str,
                 body: bytes | None = None) -> list[np.ndarray] | np.ndarray:
    """Parse delimited text: one object array of str per column (pandas' C parser), or
    for ragged rows or a broken quote a 2-D object array of str (the csv module).
    ``body``: the text as UTF-8 bytes, when at hand (parsed without encoding it again)."""
    try:  # fast path: pandas' C parser, every cell as text, blank lines kept
        if body is not None:
            return _parse_utf8(body, sep)
        return _c_parse(io.StringIO(text), sep, None, n_lines=lambda: _lines_of(text))
    except (pd.errors.ParserError, ValueError):
        pass   # ragged rows or a broken quote: the csv module says where
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise DataError(
            f"{file}, line {reader.line_num}: the file could not be read as "
            f"{'tab' if sep == chr(9) else repr(sep)}-separated text ({exc}). Look for a quote "
            "(\") opened on or before that line and never closed, or save the file again "
            "from the spreadsheet."
        ) from None
    return _as_grid(rows)


def read_csv_text(path: Path, *, file: str, encoding: str | None = None,
                  sep: str | None = None, **_: Any) -> RawTable:
    """Read a delimited text file as text (separator sniffed: comma, tab or semicolon)."""
    data = path.read_bytes()
    if not data[:4096].strip() and not data.strip():   # the whole file only if need be
        raise DataError(f"{file} is empty: no header row and no data. "
                        "Check that this is the exported survey file.")
    fast = _utf8_columns(data, path.suffix.lower(), sep) if encoding is None else None
    if fast is not None:   # UTF-8: parsed from the bytes, never decoded as a whole
        parsed, used, sep = fast
    else:
        text, used = _decode(data, file, encoding)
        sep = sep or _sniff_separator(text, path.suffix.lower())
        parsed = _csv_columns(text, sep, file, body=_utf8_body(data, encoding, used))
    if isinstance(parsed, list):
        table = _from_grid(None, columns=parsed, file=file, source="csv", first_row=1,
                           encoding=used)
    else:
        table = _from_grid(parsed, file=file, source="csv", first_row=1, encoding=used)
    table.meta["separator"] = sep
    return table


# ---------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------

def _excel_engine(suffix: str) -> str:
    try:
        import python_calamine  # noqa: F401
        return "calamine"
    except ImportError:
        pass
    if suffix == ".xls":
        try:
            import xlrd  # noqa: F401
            return "xlrd"
        except ImportError:
            raise DataError(
                "reading .xls files needs python-calamine (pip install python-calamine); "
                "or save the file as .xlsx or CSV."
            ) from None
    return "openpyxl"


def _text_column(values: np.ndarray) -> np.ndarray:
    """Cells of one column as text, converting each distinct value once.

    A column of text only is its own text; a column of floats only (Excel's numbers)
    is factorized as float64, which groups the values exactly as the object
    factorization does (``-0.0`` with ``0.0``, every NaN as missing).
    """
    if len(values) == 0:
        return values.astype(object)
    kind = pd.api.types.infer_dtype(values, skipna=False)
    if kind == "string":
        return np.asarray(values, dtype=object)
    try:
        if kind == "floating":
            codes, uniques = pd.factorize(values.astype(np.float64), sort=False,
                                          use_na_sentinel=True)
            uniques = uniques.astype(object)
        else:
            codes, uniques = pd.factorize(values, sort=False, use_na_sentinel=True)
    except TypeError:   # unhashable oddities: cell by cell
        return np.array([cell_text(v) for v in values], dtype=object)
    texts = np.array([cell_text(u) for u in uniques] + [""], dtype=object)
    return texts[codes]   # code -1 (NaN/None) -> the trailing ""


def _sheet_choice(file: str, names: list[str], sheet: str | int | None) -> int:
    if sheet is None:
        return 0
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise DataError(f"{file} has no sheet number {sheet} (sheets: "
                            f"{', '.join(names)}; numbers start at 0).")
        return sheet
    if sheet not in names:
        raise DataError(f"{file} has no sheet {sheet!r}; its sheets are: "
                        f"{', '.join(names)}. Pass one of these as sheet=.")
    return names.index(sheet)


#: Within one :func:`read_source` call, the calamine sheets already parsed (a sheet is
#: parsed whole even for the few rows :func:`read_head` shows the sniffers), so that the
#: reader that follows does not parse the workbook a second time.
_SHEETS: contextvars.ContextVar[dict[tuple[Any, ...], tuple[list[str], int, Any]] | None] = \
    contextvars.ContextVar("stressgroup_io_sheets", default=None)


def _calamine_sheet(path: Path, file: str, sheet: str | int | None) -> tuple[list[str], int, Any]:
    """(sheet names, chosen index, the parsed CalamineSheet), from the cache when there is one."""
    from python_calamine import CalamineWorkbook

    cache = _SHEETS.get()
    key = None
    if cache is not None:
        try:
            st = os.stat(path)
            key = (os.path.realpath(path), st.st_mtime_ns, st.st_size, sheet)
        except OSError:
            key = None
        if key is not None and key in cache:
            return cache[key]
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # corrupt or not really an Excel file
        raise DataError(f"{file} could not be opened as an Excel workbook ({exc}). "
                        "Check the file, or save it again as .xlsx or CSV.") from None
    try:
        names = list(book.sheet_names)
        chosen = _sheet_choice(file, names, sheet)
        try:
            parsed = book.get_sheet_by_index(chosen)
        except Exception as exc:
            raise DataError(f"{file}: the sheet could not be read ({exc}).") from None
    finally:
        try:
            book.close()
        except Exception:  # pragma: no cover
            pass
    if key is not None:
        cache[key] = (names, chosen, parsed)
    return names, chosen, parsed


def _excel_rows(path: Path, file: str, sheet: str | int | None, engine: str,
                nrows: int | None = None) -> tuple[list[str], int, np.ndarray]:
    """(sheet names, chosen index, 2-D object array of raw cell values from A1)."""
    if engine == "calamine":
        names, chosen, parsed = _calamine_sheet(path, file, sheet)
        try:
            try:
                rows = parsed.to_python(skip_empty_area=False, nrows=nrows)
            except TypeError:  # older python-calamine without nrows
                rows = parsed.to_python(skip_empty_area=False)
                rows = rows[:nrows] if nrows else rows
        except DataError:
            raise
        except Exception as exc:  # noqa: BLE001  (whatever the reader says, as a DataError)
            raise DataError(f"{file}: the sheet could not be read ({exc}).") from None
        width = max((len(r) for r in rows), default=0)
        arr = np.empty((len(rows), width), dtype=object)
        for i, r in enumerate(rows):
            arr[i, :len(r)] = r
            if len(r) < width:
                arr[i, len(r):] = ""
        return names, chosen, arr
    try:
        book = pd.ExcelFile(path, engine=engine)
    except Exception as exc:  # corrupt or not really an Excel file
        raise DataError(f"{file} could not be opened as an Excel workbook ({exc}). "
                        "Check the file, or save it again as .xlsx or CSV.") from None
    with book:
        names = list(book.sheet_names)
        chosen = _sheet_choice(file, names, sheet)
        try:
            frame = pd.read_excel(book, sheet_name=chosen, header=None, dtype=object,
                                  nrows=nrows)
        except Exception as exc:
            raise DataError(f"{file}: the sheet could not be read ({exc}).") from None
    return names, chosen, frame.to_numpy(dtype=object)


def read_excel_text(path: Path, *, file: str, sheet: str | int | None = None,
                    **_: Any) -> RawTable:
    """Read one sheet of an Excel workbook as text (the first sheet unless ``sheet``).

    Uses python-calamine directly when it is installed (the fast engine pandas
    also uses for ``engine="calamine"``); whole numbers lose their ``.0``, dates
    become ISO text. Row numbers are those Excel shows (the grid starts at A1).
    """
    engine = _excel_engine(path.suffix.lower())
    names, chosen, raw = _excel_rows(path, file, sheet, engine)
    grid = np.empty(raw.shape, dtype=object)
    for j in range(raw.shape[1]):
        grid[:, j] = _text_column(raw[:, j])
    sheet_name = names[chosen]
    try:
        table = _from_grid(grid, file=file, source="excel", first_row=1)
    except DataError as exc:
        others = [n for n in names if n != sheet_name]
        hint = (f" Pass sheet= to read another sheet ({', '.join(map(repr, others))})."
                if others else "")
        raise DataError(f"{exc} (sheet {sheet_name!r}){hint}") from None
    table.meta["sheet"] = sheet_name
    table.meta["engine"] = engine
    return table


def read_head(path: Path, *, n: int = 5, encoding: str | None = None,
              sheet: str | int | None = None) -> list[list[str]]:
    """The first ``n`` non-blank rows of a file as text cells, for ``sniff`` functions.

    CSV/TSV/TXT: decoded as :func:`read_csv_text` would (BOM removed); Excel: the
    chosen sheet; any other file (e.g. SPSS ``.sav``): ``[]``. Never raises for a
    file that cannot be read: returns ``[]``.
    """
    suffix = path.suffix.lower()
    try:
        if suffix in CSV_SUFFIXES:
            with open(path, "rb") as fh:
                data = fh.read(64 * 1024)
            try:
                text, _used = _decode(data, str(path), encoding)
            except DataError:   # a multi-byte character cut at the end of the sample
                text, _used = _decode(data[:-3], str(path), encoding)
            lines = text.splitlines()[:40]
            sep = _sniff_separator("\n".join(lines), suffix)
            rows = list(csv.reader(lines, delimiter=sep))
        elif suffix in EXCEL_SUFFIXES:
            _names, _chosen, raw = _excel_rows(path, str(path), sheet,
                                               _excel_engine(suffix), nrows=40)
            rows = [[cell_text(v) for v in r] for r in raw]
        else:
            return []
    except Exception:
        return []
    out = [[c.replace("\ufeff", "").strip() for c in r] for r in rows if any(c.strip() for c in r)]
    return out[:n]


# ---------------------------------------------------------------------------
# DataFrame
# ---------------------------------------------------------------------------

def read_frame_text(frame: pd.DataFrame, *, file: str = "<DataFrame>", **_: Any) -> RawTable:
    """Hold a DataFrame as text; row numbers are the 0-based position + 2."""
    if frame.shape[1] == 0:
        raise DataError(f"{file} has no columns.")
    if frame.shape[0] == 0:
        raise DataError(f"{file} has columns but no rows.")
    names = [cell_text(c).replace("\ufeff", "").strip() for c in frame.columns]
    grid = [names] + [[cell_text(v) for v in row]
                      for row in frame.itertuples(index=False, name=None)]
    table = _from_grid(grid, file=file, source="dataframe", first_row=1)
    # keep the original frame (positional) so extra columns keep their dtypes
    original = frame.reset_index(drop=True)
    original.columns = list(range(frame.shape[1]))
    table.original = original
    return table


# ---------------------------------------------------------------------------
# registry
# ---------------------------------------------------------------------------

Reader = Callable[..., RawTable]

#: ``source=`` name -> reader for the generic formats. 问卷星 and the survey
#: platforms are looked up by :func:`readers` (they import lazily).
READERS: dict[str, Reader] = {
    "csv": read_csv_text,
    "excel": read_excel_text,
}


def _sniffers() -> list[tuple[str, Any]]:
    """(name, module with sniff/read) for 问卷星 and every registered platform, in order."""
    from . import _wjx
    from ._platforms import PLATFORMS

    return [("wjx", _wjx), *PLATFORMS.items()]


def readers() -> dict[str, Reader]:
    """Every ``source=`` name -> reader: csv, excel, wjx and the platforms."""
    out = dict(READERS)
    for name, module in _sniffers():
        out[name] = module.read
    return out


def source_names() -> tuple[str, ...]:
    """The values ``source=`` accepts (besides "auto" and "dataframe")."""
    return tuple(readers())


def detect_source(path: Path, *, encoding: str | None = None,
                  sheet: str | int | None = None) -> str:
    """Pick a reader for ``source="auto"``.

    问卷星 and each platform's ``sniff(path, head)`` are asked first (``head`` from
    :func:`read_head`); a sniffer that raises counts as "no". Otherwise the file
    extension decides between CSV and Excel.
    """
    suffix = path.suffix.lower()
    head = read_head(path, encoding=encoding, sheet=sheet)
    for name, module in _sniffers():
        try:
            if module.sniff(path, head):
                return name
        except Exception:  # a sniffer must never break loading  # noqa: BLE001
            continue
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in EXCEL_SUFFIXES:
        return "excel"
    raise DataError(
        f"{path}: unsupported file type {suffix or '(no extension)'!r}. stressgroup reads "
        f"{', '.join(SUPPORTED_SUFFIXES)} files (and the survey-platform exports it "
        "recognises) and pandas DataFrames; save the export as CSV or .xlsx."
    )


def read_source(src: Any, *, source: str = "auto", sheet: str | int | None = None,
                encoding: str | None = None, label: str | None = None) -> RawTable:
    """Read ``src`` (a path or a DataFrame) into a RawTable with the chosen reader."""
    if isinstance(src, pd.DataFrame):
        if source not in ("auto", "dataframe"):
            raise ValueError(f"source={source!r} cannot be used with a DataFrame; "
                             "use source='auto'")
        return read_frame_text(src, file=label or "<DataFrame>")
    if not isinstance(src, (str, os.PathLike)):
        raise TypeError("path_or_frame must be a file path or a pandas DataFrame, "
                        f"not {type(src).__name__}")
    path = Path(src)
    file = os.fspath(src)
    table = readers()
    if source != "auto" and source not in table:
        known = ", ".join(["auto", *table, "dataframe"])
        raise ValueError(f"source={source!r} is not a known source; use one of {known}")
    if not path.exists():
        raise DataError(f"file not found: {file}. Check the path and the file name "
                        f"(the working directory is {os.getcwd()}).")
    if path.is_dir():
        raise DataError(f"{file} is a folder, not a file; give the path of the exported survey file.")
    token = _SHEETS.set({})   # a workbook sniffed is parsed once for the reader too
    try:
        kind = detect_source(path, encoding=encoding, sheet=sheet) if source == "auto" \
            else source
        raw = table[kind](path, file=file, sheet=sheet, encoding=encoding)
    finally:
        _SHEETS.reset(token)
    if kind not in ("csv", "excel", "wjx"):
        # a platform reader may edit cells in place after building the table:
        # do not trust factorizations made before that
        raw.meta.pop("_factorized", None)
    return raw

"""Readers that turn a file or a DataFrame into a table of text.

Each reader returns a :class:`RawTable`: every cell as ``str`` (``""`` for an
empty cell), the header names, and the spreadsheet row number of every data
row (the header is row 1 when it is on the first line). Conversion to ids,
waves and numbers happens later, in one place, for every source.

Readers are registered in ``READERS`` under the ``source=`` name they answer
to; :func:`detect_source` picks one for ``source="auto"``. A survey-platform
reader (问卷星, Qualtrics, REDCap, SPSS) is added by writing one function that
returns a ``RawTable`` (it may reuse :func:`read_csv_text` /
:func:`read_excel_text` and then fix the header) and registering it here.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Callable

import numpy as np
import pandas as pd

from ..errors import DataError
from ._text import cell_text

__all__ = ["RawTable", "READERS", "detect_source", "read_source", "SUPPORTED_SUFFIXES"]

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
        The format read: ``"csv"``, ``"excel"`` or ``"dataframe"``.
    columns : list of str
        Header names, stripped; duplicates made unique with ``.1``, ``.2``.
    headers : list of str
        Header names as written (for messages).
    cells : dict of str to numpy.ndarray
        Column name -> object array of ``str``, one per data row.
    rows : numpy.ndarray
        Spreadsheet row number of each data row.
    encoding : str or None
        Text encoding used (CSV only).
    original : pandas.DataFrame or None
        For DataFrame input, the frame itself (extra columns keep its dtypes).
    notes : list of str
        Things the reader did that the report should mention.
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


def _from_grid(grid: list[list[str]], *, file: str, source: str, first_row: int,
               encoding: str | None = None) -> RawTable:
    """Build a RawTable from rows of text; the first non-blank row is the header.

    ``first_row`` is the spreadsheet row number of ``grid[0]``.
    """
    start = next((i for i, r in enumerate(grid) if any(c.strip() for c in r)), None)
    if start is None:
        raise DataError(
            f"{file} is empty: no header row and no data. Check that this is the "
            "exported survey file (and, for Excel, the right sheet)."
        )
    width = max(len(r) for r in grid[start:])
    header = [c.replace("\ufeff", "").strip() for c in grid[start]] + [""] * (width - len(grid[start]))
    body = [list(r) + [""] * (width - len(r)) for r in grid[start + 1:]]
    row_numbers = np.arange(len(body), dtype=np.int64) + first_row + start + 1
    blank = np.array([not any(c.strip() for c in r) for r in body], dtype=bool)
    notes: list[str] = []
    if blank.any():
        notes.append(f"{file}: {int(blank.sum())} blank rows skipped (not counted as rows read)")
    body = [r for r, b in zip(body, blank) if not b]
    row_numbers = row_numbers[~blank]
    if not body:
        raise DataError(
            f"{file} has a header row (row {first_row + start}) but no data rows. "
            "Export the survey again with the responses included."
        )
    columns: list[str] = []
    keep: list[int] = []
    seen: dict[str, int] = {}
    for j, name in enumerate(header):
        values = [r[j] for r in body]
        if not name:
            if not any(v.strip() for v in values):
                continue  # an empty trailing column (e.g. a trailing separator)
            name = f"Unnamed: {_column_letter(j)}"
        if name in seen:
            seen[name] += 1
            new = f"{name}.{seen[name]}"
            notes.append(f"{file}: column {name!r} appears more than once; "
                         f"column {_column_letter(j)} was renamed {new!r}")
            name = new
        else:
            seen[name] = 0
        columns.append(name)
        keep.append(j)
    headers = [header[j] for j in keep]
    cells = {name: np.array([r[j] for r in body], dtype=object) for name, j in zip(columns, keep)}
    return RawTable(file=file, source=source, columns=columns, headers=headers, cells=cells,
                    rows=row_numbers, encoding=encoding, notes=notes,
                    meta={"letters": {n: _column_letter(j) for n, j in zip(columns, keep)},
                          "positions": dict(zip(columns, keep))})


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


def _sniff_separator(text: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;").delimiter
    except csv.Error:
        first = next((line for line in text.splitlines() if line.strip()), "")
        counts = {sep: first.count(sep) for sep in (",", "\t", ";")}
        best = max(counts, key=lambda s: counts[s])
        return best if counts[best] else ","


def read_csv_text(path: Path, *, file: str, encoding: str | None = None,
                  sep: str | None = None, **_: Any) -> RawTable:
    """Read a delimited text file as text (separator sniffed: comma, tab or semicolon)."""
    data = path.read_bytes()
    if not data.strip():
        raise DataError(f"{file} is empty: no header row and no data. "
                        "Check that this is the exported survey file.")
    text, used = _decode(data, file, encoding)
    sep = sep or _sniff_separator(text, path.suffix.lower())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    try:
        grid = list(reader)
    except csv.Error as exc:
        raise DataError(
            f"{file}, line {reader.line_num}: the file could not be read as "
            f"{'tab' if sep == chr(9) else repr(sep)}-separated text ({exc}). Look for a quote "
            "(\") opened on or before that line and never closed, or save the file again "
            "from the spreadsheet."
        ) from None
    table = _from_grid(grid, file=file, source="csv", first_row=1, encoding=used)
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


def read_excel_text(path: Path, *, file: str, sheet: str | int | None = None,
                    **_: Any) -> RawTable:
    """Read one sheet of an Excel workbook as text (the first sheet unless ``sheet``)."""
    engine = _excel_engine(path.suffix.lower())
    try:
        book = pd.ExcelFile(path, engine=engine)
    except Exception as exc:  # corrupt or not really an Excel file
        raise DataError(f"{file} could not be opened as an Excel workbook ({exc}). "
                        "Check the file, or save it again as .xlsx or CSV.") from None
    with book:
        names = list(book.sheet_names)
        if sheet is None:
            chosen: str | int = 0
        elif isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise DataError(f"{file} has no sheet number {sheet} (sheets: "
                                f"{', '.join(names)}; numbers start at 0).")
            chosen = sheet
        else:
            if sheet not in names:
                raise DataError(f"{file} has no sheet {sheet!r}; its sheets are: "
                                f"{', '.join(names)}. Pass one of these as sheet=.")
            chosen = sheet
        try:
            frame = pd.read_excel(book, sheet_name=chosen, header=None, dtype=object)
        except Exception as exc:
            raise DataError(f"{file}: the sheet could not be read ({exc}).") from None
    grid = [[cell_text(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    sheet_name = names[chosen] if isinstance(chosen, int) else chosen
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

#: ``source=`` name -> reader. A new format registers itself here.
READERS: dict[str, Reader] = {
    "csv": read_csv_text,
    "excel": read_excel_text,
}


def detect_source(path: Path) -> str:
    """Pick a reader for ``source="auto"`` from the file name."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in EXCEL_SUFFIXES:
        return "excel"
    raise DataError(
        f"{path}: unsupported file type {suffix or '(no extension)'!r}. stressgroup reads "
        f"{', '.join(SUPPORTED_SUFFIXES)} files and pandas DataFrames; save the export "
        "as CSV or .xlsx."
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
    if not path.exists():
        raise DataError(f"file not found: {file}. Check the path and the file name "
                        f"(the working directory is {os.getcwd()}).")
    if path.is_dir():
        raise DataError(f"{file} is a folder, not a file; give the path of the exported survey file.")
    kind = detect_source(path) if source == "auto" else source
    if kind not in READERS:
        known = ", ".join(["auto", *READERS, "dataframe"])
        raise ValueError(f"source={source!r} is not a known source; use one of {known}")
    return READERS[kind](path, file=file, sheet=sheet, encoding=encoding)

"""``score_file``: score a survey file larger than memory, one chunk of rows at a time.

The file is read as a stream of text records (CSV through pandas' chunked C
parser, Parquet by record batches). The structure of the file (header row, id
and wave columns, layout, item columns, personal columns) is decided once, on
the first rows, by the same steps :func:`read_survey` runs on a whole file;
every chunk then goes through the loader's own steps (ids, waves, answers to
numbers, exclusions, assembly) and :func:`stressgroup.score`, and its scores are
appended to the output. What needs the whole file is kept small: counts, the
first few examples, and for duplicate submissions a hashed key per row spooled
to disk in buckets and resolved at the end.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import html
import io
import itertools
import operator
import os
import secrets
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..core.errors import DataError, DataQualityWarning
from ..core.results import ResultMixin, jsonable
from ..core.vocab import WAVE_ORDER, find_group_column
from ._columns import find_time_column, looks_like_pii, pii_header_reason, pii_reason
from ._convert import map_distinct, shown
from ._duplicates import parse_times
from ._extras import Extras, extra_series
from ._ids import find_id
from ._layouts import LongLayout, WideLayout, column_layout
from ._options import Job, Options, check_choice, resolve_instrument
from ._pii import pseudonym
from ._pipeline import _source_exclusions, unusable_message
from ._report import _reason_head, make_table
from ._scale import Scale
from ._sources import (
    _C_OPTIONS,
    _NOTE_RE,
    CSV_SUFFIXES,
    EXCEL_SUFFIXES,
    FOOTER_REASON,
    RawTable,
    _from_grid,
    _sniff_separator,
    _text_column,
    detect_source,
    factorized,
)
from ._text import MISSING_MARKERS, mask_personal, nfkc, normalise_id, personal_kind
from ._tidy import tidy_columns
from ._waves import fixed_wave, row_waves, wave_column, waves_of

__all__ = ["ScoreFileResult", "score_file"]

PARQUET_SUFFIXES = (".parquet", ".pq")
#: Data rows the structure of a file is decided on (the whole file when it is shorter).
HEAD_ROWS = 5000
_HEADER_SEARCH = 60              # records the header row is looked for in (as _from_grid)
_SAMPLE_BYTES = 1 << 20          # bytes read to detect the encoding and the separator
_BUCKETS = 64                    # spool files for the duplicate keys
_KEY = np.dtype([("h1", "<u8"), ("h2", "<u8"), ("t", "<i8"), ("row", "<i8"), ("pos", "<i8"),
                 ("n", "<i4"), ("bad", "<i4")])
_NAT = np.iinfo(np.int64).min
_HASH_KEYS = ("stressgroup-dup1", "stressgroup-dup2")   # two 64-bit hashes: a 128-bit key
_ID_PII_KINDS = ("phone number", "ID card number", "name", "e-mail address", "IP address")


def _pyarrow(what: str) -> Any:
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet as pq
    except ImportError:
        raise DataError(
            f"{what} needs pyarrow, which is not installed: pip install pyarrow (or "
            "pip install 'stressgroup[parquet]'); or use a .csv file instead.") from None
    return pq


# ---------------------------------------------------------------------------
# the result
# ---------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class ScoreFileResult(ResultMixin):
    """What :func:`score_file` read, wrote and left out. Plain data.

    Attributes
    ----------
    file, out : str
        The input file and the scored file written.
    source : {"csv", "parquet"}
    encoding : str or None
        Text encoding of a CSV file (``utf-8``, ``utf-8-sig``, ``gb18030``...).
    layout : {"long", "wide"}
    instrument : str
        The instrument's id.
    id_column, wave_column : str or None
        The columns used (``wave_column`` None for a wide file or with ``wave=``).
    kept_columns : tuple of str
        Extra columns copied to the output (the group column by default).
    columns : tuple of str
        The columns of the output, in order.
    rows_read, rows_kept, rows_excluded : int
        Data rows of the file (blank rows are skipped and not counted, as in
        :func:`read_survey`); ``rows_read == rows_kept + rows_excluded``.
    rows_written : int
        Rows of the output: one per person per wave (a wide row gives one per wave
        answered).
    excluded : dict of str to int
        Rows excluded, by reason ("missing id", "missing wave", "no item answers",
        "no answers in any wave", "duplicate submission", "footer/notes line...").
    excluded_examples : pandas.DataFrame
        The first ``examples`` rows excluded for each reason: ``file``, ``row`` (the
        row of the file, the header being row 1), ``id``, ``reason``.
    cells_missing : dict of str to dict of str to int
        Item cells set to missing, per column (as named in the file), by reason ("out of
        range", "not a number", "unknown answer", a format's missing code...).
    out_of_range : dict of str to int
        Per column, the answers outside the instrument's declared range.
    cells_in_superseded : int
        Of the cells counted, those in rows later superseded as duplicate submissions.
    cell_examples : pandas.DataFrame
        The first ``examples`` cells set to missing: ``file``, ``row``, ``column``,
        ``id``, ``value`` (personal data hidden), ``reason``.
    waves_absent : int
        Wide files: waves a person did not answer (attrition, not an exclusion).
    chunks : int
        Chunks read and scored.
    chunksize : int
    absent_items : dict of str to list of str
        Scales with items that have no column in the file (as ``score(...).attrs``).
    incomplete : tuple of str
        Scales scored without their absent items (``allow_absent_items=True``).
    pseudonymized : bool
        Every id replaced by its salted hash (``pseudonymize=True``). Ids that are
        phone or ID card numbers, e-mail or IP addresses are hashed in any case.
    ids_hashed : int
        Rows read whose id was replaced by its hash.
    notes : tuple of str
        Anything else worth knowing (personal data never appears here).
    """

    file: str
    out: str
    source: str
    encoding: str | None
    layout: str
    instrument: str
    id_column: str | None
    wave_column: str | None
    kept_columns: tuple[str, ...]
    columns: tuple[str, ...]
    rows_read: int
    rows_kept: int
    rows_excluded: int
    rows_written: int
    excluded: dict[str, int]
    excluded_examples: pd.DataFrame
    cells_missing: dict[str, dict[str, int]]
    out_of_range: dict[str, int]
    cells_in_superseded: int
    cell_examples: pd.DataFrame
    waves_absent: int
    chunks: int
    chunksize: int
    absent_items: dict[str, list[str]] = field(default_factory=dict)
    incomplete: tuple[str, ...] = ()
    pseudonymized: bool = False
    ids_hashed: int = 0
    notes: tuple[str, ...] = ()

    _title = "Scored file"

    _SCALARS = ("file", "out", "source", "encoding", "layout", "instrument", "id_column",
                "wave_column", "rows_read", "rows_kept", "rows_excluded", "rows_written",
                "cells_in_superseded", "waves_absent", "chunks", "chunksize",
                "pseudonymized", "ids_hashed")

    @property
    def cells_set_missing(self) -> int:
        """Item cells set to missing, in total."""
        return sum(sum(v.values()) for v in self.cells_missing.values())

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: the counts, the per-reason and per-column mappings, the examples as
        lists of records."""
        out = {k: getattr(self, k) for k in self._SCALARS}
        out.update(kept_columns=list(self.kept_columns), columns=list(self.columns),
                   excluded=dict(self.excluded), out_of_range=dict(self.out_of_range),
                   cells_missing={c: dict(v) for c, v in self.cells_missing.items()},
                   cells_set_missing=self.cells_set_missing,
                   absent_items={k: list(v) for k, v in self.absent_items.items()},
                   incomplete=list(self.incomplete), notes=list(self.notes),
                   excluded_examples=self.excluded_examples.to_dict("records"),
                   cell_examples=self.cell_examples.to_dict("records"))
        return jsonable(out)

    def to_frame(self) -> pd.DataFrame:
        """The counts, one row each: ``what`` and ``n`` (rows, exclusions by reason, cells
        set to missing by column and reason)."""
        rows: list[tuple[str, int]] = [
            ("rows read", self.rows_read), ("rows kept", self.rows_kept),
            ("rows excluded", self.rows_excluded), ("rows written", self.rows_written)]
        rows += [(f"excluded: {r}", n) for r, n in self.excluded.items()]
        for col, reasons in self.cells_missing.items():
            rows += [(f"cells set to missing: {col}: {r}", n) for r, n in reasons.items()]
        if self.waves_absent:
            rows.append(("waves absent (wide file)", self.waves_absent))
        rows.append(("chunks", self.chunks))
        return pd.DataFrame(rows, columns=["what", "n"])

    def _summary_lines(self) -> list[str]:
        ids = ", ids pseudonymized" if self.pseudonymized else ""
        where = (f"{self.file} -> {self.out} ({self.source}, {self.layout}, instrument "
                 f"{self.instrument}; {self.chunks} chunks of up to {self.chunksize} rows{ids})")
        counts = (f"{self.rows_read} rows read, {self.rows_kept} kept, {self.rows_excluded} "
                  f"excluded; {self.rows_written} rows written; {self.cells_set_missing} cells "
                  "set to missing")
        return [where, counts]

    def __repr__(self) -> str:
        lines = [self._title, *self._summary_lines()]
        with pd.option_context("display.width", 120, "display.max_colwidth", 60):
            lines.append(self.to_frame().to_string(index=False))
        lines += [f"note: {n}" for n in self.notes[:10]]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = f"<p><strong>{html.escape(self._title)}</strong></p>"
        extra = "".join(f"<p>{html.escape(s)}</p>" for s in self._summary_lines())
        return f"<div>{head}{extra}{self.to_frame().to_html(index=False)}</div>"


# ---------------------------------------------------------------------------
# input: a stream of text records (row number = record index + 1)
# ---------------------------------------------------------------------------

def _decode_sample(sample: bytes, file: str, encoding: str | None,
                   at_eof: bool) -> tuple[str, str]:
    """The first bytes decoded as :func:`read_survey` would decode the whole file."""

    def dec(enc: str) -> str:
        return codecs.getincrementaldecoder(enc)().decode(sample, final=at_eof)

    if encoding is not None:
        try:
            return dec(encoding).lstrip("\ufeff"), encoding
        except UnicodeDecodeError as exc:
            raise DataError(
                f"{file} cannot be decoded as {encoding}: byte {exc.start} "
                f"({sample[exc.start:exc.start + 4]!r}) is invalid. Leave encoding= unset to "
                "let stressgroup try UTF-8 and GB18030, or give the encoding the file was "
                "saved in.") from None
        except LookupError:
            raise ValueError(f"encoding={encoding!r} is not a known text encoding") from None
    tries = (["utf-16"] if sample.startswith((b"\xff\xfe", b"\xfe\xff")) else []) + (
        ["utf-8-sig"] if sample.startswith(b"\xef\xbb\xbf") else ["utf-8"])
    for enc in tries:
        try:
            return dec(enc).lstrip("\ufeff"), enc
        except UnicodeDecodeError:
            pass
    try:
        return dec("gb18030").lstrip("\ufeff"), "gb18030"
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{file} is neither UTF-8 nor GB18030/GBK text (byte {exc.start} is invalid). "
            "Save it again as CSV UTF-8, or pass encoding= with the encoding it was saved in."
        ) from None


def _width(text: str, sep: str, at_eof: bool) -> int:
    """The most fields of a record in the sample (its last, cut record left out)."""
    if not at_eof and "\n" in text:
        text = text[:text.rindex("\n")]
    width = 1
    try:
        for rec in csv.reader(io.StringIO(text, newline=""), delimiter=sep):
            width = max(width, len(rec))
    except csv.Error:
        pass   # a quote the sample cuts: pandas says where, if it is real
    return width


class _Input:
    """A file as text records: ``head`` (the first records, header included), then
    :meth:`blocks` (2-D object arrays of ``str``, the records that follow)."""

    file: str
    source: str
    encoding: str | None = None
    separator: str | None = None
    width: int
    head: np.ndarray

    def blocks(self, first: int | None = None) -> Iterator[np.ndarray]:  # pragma: no cover
        raise NotImplementedError

    def close(self) -> None:
        pass


class _CsvInput(_Input):
    source = "csv"

    def __init__(self, path: Path, file: str, encoding: str | None, chunksize: int,
                 head_records: int):
        self.file = file
        with open(path, "rb") as fh:
            sample = fh.read(_SAMPLE_BYTES)
            at_eof = not fh.read(1)
        if not sample.strip():
            raise DataError(f"{file} is empty: no header row and no data. "
                            "Check that this is the exported survey file.")
        text, used = _decode_sample(sample, file, encoding, at_eof)
        self.encoding = used
        self.separator = sep = _sniff_separator(text, path.suffix.lower())
        self.width = _width(text, sep, at_eof)
        self._reader = pd.read_csv(
            path, sep=sep, names=list(range(self.width)), index_col=False, dtype=object,
            encoding=used, chunksize=chunksize, **_C_OPTIONS)
        self._row = 0
        try:
            self.head = self._next(head_records)
        except StopIteration:
            self.close()
            raise DataError(f"{file} is empty: no header row and no data.") from None
        except DataError:
            self.close()
            raise
        if self.head.size:   # utf-16 and a given encoding keep their BOM in pandas
            self.head[0, 0] = str(self.head[0, 0]).lstrip("\ufeff")

    def _next(self, n: int | None = None) -> np.ndarray:
        try:
            frame = self._reader.get_chunk(n)
        except pd.errors.ParserError as exc:
            raise self._parse_error(exc) from None
        except UnicodeDecodeError as exc:
            raise DataError(
                f"{self.file}: the text after row {self._row} is not {self.encoding} "
                f"(byte {exc.object[exc.start:exc.start + 4]!r}); the first part of the file "
                "is. Pass encoding= with the encoding the file was saved in (e.g. "
                "encoding='gb18030'), or save it again as CSV UTF-8.") from None
        grid = frame.to_numpy(dtype=object)
        self._row += len(grid)
        return grid

    def _parse_error(self, exc: Exception) -> DataError:
        import re

        msg = str(exc)
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", msg)
        if m:
            return DataError(
                f"{self.file}, row {m.group(2)}: {m.group(3)} fields (cells), but the rows "
                f"before have at most {m.group(1)}. An extra separator "
                f"({'tab' if self.separator == chr(9) else repr(self.separator)}) or a quote "
                "(\") opened and never closed on or before that row; fix the row, or read the "
                "file with read_survey().")
        return DataError(
            f"{self.file}: the file could not be read as "
            f"{'tab' if self.separator == chr(9) else repr(self.separator)}-separated text "
            f"after row {self._row} ({msg.strip()}). Look for a quote (\") opened and never "
            "closed, or save the file again from the spreadsheet.")

    def blocks(self, first: int | None = None) -> Iterator[np.ndarray]:
        """The records after the head (``first``: how many to read at first, so that
        the reader's chunks then line up with the chunks scored, uncopied)."""
        size = first
        while True:
            try:
                yield self._next(size)
            except StopIteration:
                return
            size = None

    def close(self) -> None:
        self._reader.close()


class _ParquetInput(_Input):
    source = "parquet"

    def __init__(self, path: Path, file: str, chunksize: int, head_records: int):
        pq = _pyarrow("reading Parquet files")
        self.file = file
        try:
            self._pf = pq.ParquetFile(path)
        except Exception as exc:  # noqa: BLE001 - not a Parquet file
            raise DataError(f"{file} could not be opened as a Parquet file ({exc}).") from None
        from ._text import cell_text

        names = [cell_text(c).replace("\ufeff", "").strip() for c in self._pf.schema_arrow.names]
        if not names:
            raise DataError(f"{file} has no columns.")
        self.width = len(names)
        self._batches = self._pf.iter_batches(batch_size=chunksize)
        rows = [np.array([names], dtype=object)]
        have = 0
        while have < head_records:
            block = self._read()
            if block is None:
                break
            rows.append(block)
            have += len(block)
        self.head = np.concatenate(rows)
        if len(self.head) == 1:
            raise DataError(f"{file} has columns but no rows.")

    def _read(self) -> np.ndarray | None:
        try:
            batch = next(self._batches)
        except StopIteration:
            return None
        frame = batch.to_pandas()
        grid = np.empty(frame.shape, dtype=object)
        for j in range(frame.shape[1]):
            grid[:, j] = _text_column(frame.iloc[:, j].to_numpy(dtype=object))
        return grid

    def blocks(self, first: int | None = None) -> Iterator[np.ndarray]:
        while True:
            block = self._read()
            if block is None:
                return
            yield block

    def close(self) -> None:
        close = getattr(self._pf, "close", None)
        if close is not None:
            close()


def _rechunk(blocks: Iterator[np.ndarray], size: int) -> Iterator[np.ndarray]:
    """The records of ``blocks`` in blocks of exactly ``size`` (the last one shorter)."""
    buf: list[np.ndarray] = []
    have = 0
    for b in blocks:
        start = 0
        while start < len(b):
            take = min(size - have, len(b) - start)
            buf.append(b[start:start + take])
            have += take
            start += take
            if have == size:
                yield buf[0] if len(buf) == 1 else np.concatenate(buf)
                buf, have = [], 0
    if have:
        yield buf[0] if len(buf) == 1 else np.concatenate(buf)


# ---------------------------------------------------------------------------
# the plan: the structure of the file, decided once on its first rows
# ---------------------------------------------------------------------------

@dataclass
class _Plan:
    file: str
    source: str
    encoding: str | None
    width: int
    first_col: int                     # first named column (for footer lines)
    footer_check: bool
    columns: list[str]
    headers: list[str]
    positions: dict[str, int]
    letters: dict[str, str]
    header_row: int
    idc: str
    wcol: str | None
    fixed: str | None
    cmap: Any
    wide: bool
    tcol: str | None
    id_kind: str | None                # the id column holds personal data: hash every id
    keep: list[str]                    # extra columns copied (names in the file)
    keep_names: list[str]              # their names in the data
    absent: tuple[str, ...]
    used: list[int]                    # grid columns the steps read
    notes: list[str]


def _plan(raw: RawTable, header_cells: list[str], scale: Scale, opt: Options,
          keep: Sequence[str] | None) -> tuple[_Plan, list[str]]:
    """The decisions ``load()`` takes on a file, taken on its first rows."""
    job = Job(raw, scale, opt, notes=[n for n in raw.notes if "blank rows skipped" not in n])
    file, notes = raw.file, job.notes
    if tidy_columns(raw, scale, opt) is not None:
        raise DataError(
            f"{file} is a long tidy file (one row per answer: id, wave, item, value); "
            "score_file needs one row per person per wave (or per person, wide). Read it "
            "with read_survey() and score(), or pivot it first.")
    idc, _how = find_id(raw, opt)
    rest = [c for c in raw.columns if c != idc]
    fixed = fixed_wave(opt)
    wcol = wave_column(raw, opt, rest, fixed, notes)
    if wcol is not None:
        rest = [c for c in rest if c != wcol]
    layout = column_layout(job, rest, wcol, fixed)
    cmap = layout.map
    # the id column: personal data as a whole (hash every id) or id by id (private_ids)
    kind = pii_header_reason(idc)
    kind = kind if kind in _ID_PII_KINDS else None
    if kind is None:
        content = looks_like_pii(raw.cells[idc])
        kind = content if content in _ID_PII_KINDS else None
    if kind is not None:
        notes.append(f"{file}: the id column holds {kind}s; ids replaced by salted SHA-256 "
                     "hashes")
    personal = {c: r for c in cmap.extras
                if (r := pii_reason(c, raw.cells[c], raw.meta.get("pii_columns", ())))}
    tcol = find_time_column([c for c in cmap.extras if c not in personal],
                            raw.meta.get("time_column"))
    if keep is None:
        group = find_group_column([c for c in cmap.extras if c not in personal])
        keep = [group] if group is not None else []
    else:
        if isinstance(keep, str):
            keep = [keep]
        keep = list(dict.fromkeys(str(k) for k in keep))
        for k in keep:
            if k in personal:
                raise DataError(
                    f"{file}: column {k!r} holds {personal[k]}; score_file never copies "
                    "personal data to its output. Leave it out of keep=.")
            if k not in cmap.extras:
                what = ("the id column" if k == idc else "the wave column" if k == wcol
                        else "an item column" if k in cmap.item_cols.values() else None)
                raise DataError(
                    f"{file}: keep= names {k!r}, which is "
                    + (f"{what} (written anyway)" if what else "not a column of this file")
                    + ". The extra columns that can be kept are: "
                    + (", ".join(repr(c) for c in cmap.extras if c not in personal) or "none")
                    + ".")
    taken = {"id", "wave", *cmap.item_ids}
    names = []
    for c in keep:
        new = c
        while new in taken:
            new = f"{new}_extra"
        taken.add(new)
        names.append(new)
    restricted = dataclasses.replace(cmap, extras=list(keep), wave_extras={})
    absent = tuple(dict.fromkeys(str(m["item"]) for m in cmap.missing_items))
    positions = dict(raw.meta["positions"])
    used_cols = {idc, *cmap.item_cols.values(), *keep}
    if wcol is not None:
        used_cols.add(wcol)
    if tcol is not None:
        used_cols.add(tcol)
    named = [j for j, h in enumerate(header_cells) if h]
    first_col = named[0] if named else 0
    plan = _Plan(
        file=file, source=raw.source, encoding=raw.encoding, width=len(header_cells),
        first_col=first_col, footer_check=len(header_cells) - first_col >= 4,
        columns=list(raw.columns), headers=list(raw.headers), positions=positions,
        letters=dict(raw.meta["letters"]), header_row=int(raw.meta["header_row"]),
        idc=idc, wcol=wcol, fixed=fixed, cmap=restricted, wide=cmap.layout == "wide",
        tcol=tcol, id_kind=kind, keep=keep, keep_names=names, absent=absent,
        used=sorted(positions[c] for c in used_cols), notes=notes)
    return plan, list(job.warnings)


def _head_table(inp: _Input) -> tuple[RawTable, list[str]]:
    """The first records as :func:`read_survey`'s reader makes them (the header is found
    there), and the cells of the header row."""
    raw = _from_grid(inp.head, file=inp.file, source=inp.source, first_row=1,
                     encoding=inp.encoding)
    start = int(raw.meta["header_row"]) - 1
    return raw, [str(c).replace("\ufeff", "").strip() for c in inp.head[start]]


def _nonblank(column: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``_factorize_nonblank``: (non-blank mask, codes, uniques), each distinct text
    stripped once (by ``str.strip``, mapped in C)."""
    codes, uniques = pd.factorize(column, sort=False)
    keep = np.fromiter(map(bool, map(str.strip, uniques)), dtype=bool, count=len(uniques))
    return np.append(keep, False)[codes], codes, uniques


def _chunk_table(plan: _Plan, grid: np.ndarray, first_row: int
                 ) -> tuple[RawTable | None, int]:
    """One chunk of records as a RawTable, and the number of blank rows skipped.

    What ``_from_grid`` does to the body of a table, with the header, the columns and
    the row numbers of the whole file: blank rows skipped (not counted, None when every
    row is blank), footer lines marked for exclusion. Only the columns the steps read
    are held (each factorized once, for the blank test and the conversion alike).
    """
    n = len(grid)
    rows = np.arange(n, dtype=np.int64) + first_row
    facts = {j: _nonblank(grid[:, j]) for j in plan.used}
    filled_used = (np.column_stack([facts[j][0] for j in plan.used]) if plan.used
                   else np.zeros((n, 0), dtype=bool))
    others = [j for j in range(grid.shape[1]) if j not in facts]

    def filled_at(idx: np.ndarray, cols: Sequence[int]) -> np.ndarray:
        """Non-blank mask of the other columns, for the few rows ``idx``."""
        out = np.zeros((len(idx), len(cols)), dtype=bool)
        for k, j in enumerate(cols):
            out[:, k] = [bool(str(v).strip()) for v in grid[idx, j]]
        return out

    blank = ~filled_used.any(axis=1)
    if blank.any() and others:
        idx = np.flatnonzero(blank)
        blank[idx] = ~filled_at(idx, others).any(axis=1)
    n_blank = int(blank.sum())
    if n_blank == n:
        return None, n_blank
    live = np.flatnonzero(~blank)
    footer = np.zeros(n, dtype=bool)
    if plan.footer_check:   # text only in the first one or two cells of the table
        late = plan.first_col + 2
        late_used = [k for k, j in enumerate(plan.used) if j >= late]
        cand = live[~filled_used[np.ix_(live, late_used)].any(axis=1)] if late_used else live
        late_other = [j for j in others if j >= late]
        if len(cand) and late_other:
            cand = cand[~filled_at(cand, late_other).any(axis=1)]
        for i in cand:
            texts = [str(v) for v in grid[i] if str(v).strip()]
            if any(_NOTE_RE.search(t) or len(t) > 20 for t in texts):
                footer[i] = True
    cells: dict[str, np.ndarray] = {}
    fact_cache: dict[str, Any] = {}
    dense = n_blank == 0
    for name, j in plan.positions.items():
        if j not in facts:
            continue
        col = np.ascontiguousarray(grid[:, j] if dense else grid[live, j])
        _f, codes, uniques = facts[j]
        cells[name] = col
        fact_cache[name] = (col, codes if dense else codes[live], uniques)
    meta: dict[str, Any] = {"letters": plan.letters, "positions": plan.positions,
                            "header_row": plan.header_row, "_factorized": fact_cache}
    if footer.any():
        meta["exclude"] = {int(r): FOOTER_REASON for r in rows[footer]}
    raw = RawTable(file=plan.file, source=plan.source, columns=plan.columns,
                   headers=plan.headers, cells=cells, rows=rows[live],
                   encoding=plan.encoding, notes=[], meta=meta)
    return raw, n_blank


class _TextExtras(Extras):
    """The kept extra columns as text (stripped, None when missing): one type in every
    chunk, whatever the values of a chunk look like."""

    def values(self, c: str) -> pd.Series:
        raw = self.raw
        missing_values = raw.meta.get("missing_values") or {}
        marks = {**missing_values.get("*", {}), **missing_values.get(c, {})}
        cells = raw.cells[c]
        fact = factorized(raw, c)
        if marks:
            keys = {nfkc(k).strip() for k in marks}
            cells = map_distinct(cells, lambda v: "" if nfkc(v).strip() in keys else v, fact)
            fact = None
        series = extra_series(cells, as_text=True, fact=fact)
        values = series.astype(object).where(series.notna(), None).to_numpy()
        # a phone number or the like typed into a kept column never reaches the output
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        texts = np.array([mask_personal(str(u)) for u in uniques] + [None], dtype=object)
        return pd.Series(texts[codes], dtype=object)


# ---------------------------------------------------------------------------
# what is counted over the whole file
# ---------------------------------------------------------------------------

@dataclass
class _Tally:
    examples: int
    file: str
    rows_read: int = 0
    rows_blank: int = 0
    records: int = 0
    chunks: int = 0
    ids_hashed: int = 0
    waves_absent: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    excluded_examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    cells: dict[str, dict[str, int]] = field(default_factory=dict)
    cell_examples: list[dict[str, Any]] = field(default_factory=list)
    unknown_waves: dict[str, list[Any]] = field(default_factory=dict)   # label -> [n, rows]
    # the usability check of read_survey, over the whole file
    n_problems: int = 0
    n_numbers: int = 0
    first_problem: tuple[int, str, str, str] | None = None
    problem_examples: list[dict[str, Any]] = field(default_factory=list)
    texts: dict[str, int] = field(default_factory=dict)
    absent: tuple[dict[str, list[str]], tuple[str, ...]] = ({}, ())

    def exclude(self, reason: str, row: int, ident: str | None, n: int = 1) -> None:
        head = _reason_head(reason)
        self.excluded[head] = self.excluded.get(head, 0) + n
        ex = self.excluded_examples.setdefault(head, [])
        if len(ex) < self.examples:
            ex.append({"file": self.file, "row": row, "id": ident, "reason": reason})


class _KeySpool:
    """One record per kept row (128-bit hash of its key, submit time, row, output
    position), appended to bucket files on disk; duplicates are found bucket by bucket."""

    def __init__(self, folder: str):
        self.folder = folder
        self.handles: dict[int, Any] = {}
        self.n = 0

    def add(self, keys: tuple[np.ndarray, np.ndarray], times: np.ndarray, rows: np.ndarray,
            pos: np.ndarray, nrec: np.ndarray, bad: np.ndarray) -> None:
        if not len(rows):
            return
        rec = np.empty(len(rows), dtype=_KEY)
        rec["h1"], rec["h2"] = keys
        rec["t"], rec["row"], rec["pos"], rec["n"], rec["bad"] = times, rows, pos, nrec, bad
        bucket = (rec["h1"] >> np.uint64(58)).astype(np.int64)
        order = np.argsort(bucket, kind="stable")
        rec, bucket = rec[order], bucket[order]
        cuts = np.flatnonzero(np.diff(bucket)) + 1
        for part in np.split(rec, cuts):
            b = int(part["h1"][0] >> np.uint64(58))
            fh = self.handles.get(b)
            if fh is None:
                fh = self.handles[b] = open(os.path.join(self.folder, f"keys{b:02d}.bin"), "wb")
            part.tofile(fh)
        self.n += len(rec)

    def duplicates(self, latest: bool) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        """``(losers, their kept rows, groups)``: the records not kept (sorted by row),
        the row kept instead of each, and the first groups (for messages)."""
        for fh in self.handles.values():
            fh.close()
        losers: list[np.ndarray] = []
        kept_rows: list[np.ndarray] = []
        groups: list[np.ndarray] = []
        for b in sorted(self.handles):
            a = np.fromfile(os.path.join(self.folder, f"keys{b:02d}.bin"), dtype=_KEY)
            known = a["t"] != _NAT
            order = np.lexsort((a["row"], np.where(known, a["t"], 0), known, a["h2"], a["h1"]))
            a = a[order]
            same = (a["h1"][1:] == a["h1"][:-1]) & (a["h2"][1:] == a["h2"][:-1])
            if not same.any():
                continue
            start = np.flatnonzero(np.r_[True, ~same])
            size = np.diff(np.r_[start, len(a)])
            gid = np.repeat(np.arange(len(start)), size)
            dup = size[gid] > 1
            winner = start + (size - 1 if latest else 0)
            lose = dup & (np.arange(len(a)) != winner[gid])
            losers.append(a[lose])
            kept_rows.append(a["row"][winner[gid[lose]]])
            if len(groups) < 5:
                for g in np.flatnonzero(size > 1)[:5 - len(groups)]:
                    groups.append(np.sort(a["row"][start[g]:start[g] + size[g]]))
        if not losers:
            return np.empty(0, dtype=_KEY), np.empty(0, dtype=np.int64), []
        lost = np.concatenate(losers)
        kept = np.concatenate(kept_rows)
        order = np.argsort(lost["row"], kind="stable")
        return lost[order], kept[order], groups

    def close(self) -> None:
        for fh in self.handles.values():
            fh.close()


def _key_hashes(codes: np.ndarray, uniques: np.ndarray, waves: np.ndarray | None
                ) -> tuple[np.ndarray, np.ndarray]:
    """Two independent 64-bit hashes of each row's key (its id, and its wave unless None):
    each distinct id hashed once, the wave's hash mixed in."""
    out = []
    for key in _HASH_KEYS:
        h = pd.util.hash_array(np.asarray(uniques, dtype=object), hash_key=key,
                               categorize=False)[codes]
        if waves is not None:
            wcodes, wuniq = pd.factorize(waves, use_na_sentinel=False)
            hw = pd.util.hash_array(np.asarray(wuniq, dtype=object), hash_key=key,
                                    categorize=False)
            with np.errstate(over="ignore"):
                h = (h * np.uint64(0x9E3779B97F4A7C15)) ^ hw[wcodes]
        out.append(h)
    return out[0], out[1]


def _times(values: np.ndarray) -> np.ndarray:
    """Submit times as int64 nanoseconds (NaT as the minimum), as ``parse_times`` reads them."""
    if not len(values):
        return np.empty(0, dtype=np.int64)
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        # the usual case, one format for every row: the first parse_times would choose
        parsed = pd.to_datetime(pd.Series(values, dtype=object), format=fmt, errors="coerce")
        if parsed.notna().all():
            return parsed.to_numpy(dtype="datetime64[ns]").view(np.int64)
    return parse_times(values).view(np.int64)


# ---------------------------------------------------------------------------
# output: CSV or Parquet, written to a temporary file and moved into place at the end
# ---------------------------------------------------------------------------

class _Writer:
    """The scored rows, appended to a CSV file or to a Parquet file (row groups of at
    least ``row_group`` rows, one schema: text, int64 counts, float64 scores)."""

    def __init__(self, path: str, kind: str, text_columns: Sequence[str], row_group: int):
        self.path, self.kind = path, kind
        self.text_columns = set(text_columns)
        self.rows = 0
        self.columns: list[str] | None = None
        self._pending: list[pd.DataFrame] = []
        self._pending_rows = 0
        self._row_group = row_group
        self._fh = open(path, "w", encoding="utf-8", newline="") if kind == "csv" else None
        self._pq: Any = None
        self._schema: Any = None
        self.multiline = False    # a text field holds a line break (then lines != records)

    def write(self, frame: pd.DataFrame) -> None:
        """Append ``frame`` (the first call, even with no rows, writes the header)."""
        first = self.columns is None
        if first:
            self.columns = [str(c) for c in frame.columns]
        self.rows += len(frame)
        if self.kind == "csv":
            if first:
                self._fh.write(",".join(_csv_text(np.array(self.columns, dtype=object))[0])
                               + "\n")
            if len(frame):
                cols = [self._cells(frame[c]) for c in frame.columns]
                self._fh.write("\n".join(map(",".join, zip(*cols))) + "\n")
            return
        self._pending.append(frame)
        self._pending_rows += len(frame)
        if self._pending_rows >= self._row_group or first:
            self._flush()

    def _cells(self, col: pd.Series) -> list[str]:
        """A column as CSV fields: floats as their shortest round-trip text (``repr``,
        what ``DataFrame.to_csv`` writes), NaN and None empty, text quoted when needed."""
        values = col.to_numpy()
        if col.name in self.text_columns or values.dtype == object:
            texts, breaks = _csv_text(values.astype(object))
            self.multiline = self.multiline or breaks
            return texts
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        if values.dtype.kind == "f":
            text = [repr(float(u)) for u in uniques]
        else:
            text = [str(u) for u in uniques]
        return np.array(text + [""], dtype=object)[codes].tolist()

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._pending:
            return
        frame = (pd.concat(self._pending, ignore_index=True) if len(self._pending) > 1
                 else self._pending[0])
        self._pending, self._pending_rows = [], 0
        if self._pq is None:
            self._schema = pa.schema([
                pa.field(c, pa.string() if c in self.text_columns
                         else pa.int64() if pd.api.types.is_integer_dtype(frame[c])
                         else pa.float64()) for c in frame.columns])
            self._pq = pq.ParquetWriter(self.path, self._schema)
        if len(frame):
            self._pq.write_table(pa.Table.from_pandas(frame, schema=self._schema,
                                                      preserve_index=False))

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if self.kind != "csv":
            self._flush()
            if self._pq is not None:
                self._pq.close()
                self._pq = None


def _csv_text(values: np.ndarray) -> tuple[list[str], bool]:
    """Text fields of a CSV file (None empty; quoted as ``csv.QUOTE_MINIMAL`` quotes them),
    and whether one holds a line break."""
    texts = values.tolist()
    if None in texts:
        texts = ["" if v is None else v for v in texts]
    if not all(isinstance(v, str) for v in texts[:1]) or values.dtype != object:
        texts = [v if isinstance(v, str) else str(v) for v in texts]
    joined = "".join(texts)
    if not any(ch in joined for ch in ',"\n\r'):   # the usual case: nothing to quote
        return texts, False
    quoted = ['"' + v.replace('"', '""') + '"' if any(ch in v for ch in ',"\n\r') else v
              for v in texts]
    return quoted, "\n" in joined or "\r" in joined


def _read_back(path: str, kind: str, chunksize: int,
               columns: Sequence[str] | None = None) -> Iterator[Any]:
    """The temporary output again, in chunks (CSV as text: written back unchanged)."""
    if kind == "csv":
        with pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False,
                         chunksize=chunksize, usecols=columns, encoding="utf-8") as reader:
            yield from reader
    else:
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        yield from pf.iter_batches(batch_size=chunksize, columns=columns)


def _ids_at(path: str, kind: str, positions: np.ndarray, chunksize: int,
            lines: bool = False) -> dict[int, str]:
    """Output position -> id, for a few positions (``lines``: one record per line)."""
    want = np.unique(positions)
    out: dict[int, str] = {}
    if kind == "csv" and lines:
        wanted = set(int(p) for p in want)
        with open(path, encoding="utf-8", newline="") as fh:
            fh.readline()
            for k, line in enumerate(fh):
                if k in wanted:
                    out[k] = next(csv.reader([line]))[0]
                    if len(out) == len(wanted):
                        break
        return out
    start = 0
    for part in _read_back(path, kind, chunksize, columns=["id"]):
        ids = (part["id"].to_numpy() if kind == "csv"
               else part.column(0).to_numpy(zero_copy_only=False))
        hit = want[(want >= start) & (want < start + len(ids))]
        for p in hit:
            out[int(p)] = str(ids[p - start])
        start += len(ids)
        if start > want[-1]:
            break
    return out


def _filter_copy(src: str, dst: str, kind: str, drop: np.ndarray, chunksize: int,
                 lines: bool = False) -> int:
    """Copy the temporary output without the records at the sorted positions ``drop``
    (``lines``: a CSV file with one record per line, copied line by line)."""
    start = 0
    written = 0
    if kind == "csv" and lines:
        with open(src, encoding="utf-8", newline="") as fin, \
                open(dst, "w", encoding="utf-8", newline="") as fout:
            fout.write(fin.readline())
            while True:
                batch = fin.readlines(1 << 22)
                if not batch:
                    break
                lo, hi = np.searchsorted(drop, [start, start + len(batch)])
                if lo < hi:
                    gone = set((drop[lo:hi] - start).tolist())
                    batch = [line for k, line in enumerate(batch) if k not in gone]
                fout.write("".join(batch))
                written += len(batch)
                start += len(batch) + hi - lo
        return written
    if kind == "csv":
        with open(dst, "w", encoding="utf-8", newline="") as fh:
            first = True
            for part in _read_back(src, kind, chunksize):
                lo, hi = np.searchsorted(drop, [start, start + len(part)])
                mask = np.ones(len(part), dtype=bool)
                mask[drop[lo:hi] - start] = False
                sel = part[mask]
                sel.to_csv(fh, index=False, header=first, lineterminator="\n")
                first = False
                written += len(sel)
                start += len(part)
        return written
    import pyarrow as pa
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(src)
    with pq.ParquetWriter(dst, pf.schema_arrow) as writer:
        for part in pf.iter_batches(batch_size=chunksize):
            lo, hi = np.searchsorted(drop, [start, start + part.num_rows])
            mask = np.ones(part.num_rows, dtype=bool)
            mask[drop[lo:hi] - start] = False
            sel = part.filter(pa.array(mask))
            writer.write_table(pa.Table.from_batches([sel], schema=pf.schema_arrow))
            written += sel.num_rows
            start += part.num_rows
    return written


# ---------------------------------------------------------------------------
# one chunk
# ---------------------------------------------------------------------------

_PII_CHARS = "0123456789+.xX-"


def _ids(raw: RawTable, idc: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(normalised ids, looks like personal data)`` per row: ``normalise_id`` and
    ``personal_kind`` of each distinct id, with a shortcut for ids of printable ASCII
    without spaces, which ``normalise_id`` leaves as they are (unless they are a missing
    marker) and of which only those with an @, or made of digits, +, ., x and - alone,
    can be a phone or ID card number, an IP or e-mail address."""
    codes, uniques = factorized(raw, idc)
    uniques = list(uniques)
    joined = "".join(uniques)
    if joined.isascii() and joined.isprintable() and " " not in joined:
        norm = np.array(uniques + [""], dtype=object)
        short = np.flatnonzero(np.fromiter(map(len, uniques), dtype=np.int64,
                                           count=len(uniques)) <= 4)
        for k in short:
            if uniques[k].casefold() in MISSING_MARKERS:
                norm[k] = ""
        if "@" in joined:
            cand = np.arange(len(uniques))
        else:
            rest = map(bool, map(operator.methodcaller("strip", _PII_CHARS), uniques))
            cand = np.flatnonzero(~np.fromiter(rest, dtype=bool, count=len(uniques)))
        pii = np.zeros(len(uniques) + 1, dtype=bool)
        for k in cand:
            pii[k] = bool(norm[k]) and personal_kind(norm[k]) is not None
        return norm[codes], pii[codes], codes, norm
    norm = np.empty(len(uniques) + 1, dtype=object)
    pii = np.zeros(len(uniques) + 1, dtype=bool)
    for k, u in enumerate(uniques):
        v = normalise_id(u)
        norm[k] = v
        pii[k] = bool(v) and personal_kind(v) is not None
    norm[-1] = normalise_id("")
    return norm[codes], pii[codes], codes, norm



def _cell_events(answers) -> list:
    """(row index, column, value, reason) of every cell not used: the unusable answers,
    then the format's missing codes (the loader's order)."""
    m = answers.ev_marked
    rows = []
    for sel in (~m, m):
        rows += zip(answers.ev_index[sel].tolist(), answers.ev_column[sel].tolist(),
                    answers.ev_value[sel].tolist(), answers.ev_reason[sel].tolist())
    return rows

def _score_chunk(plan: _Plan, raw: RawTable, scale: Scale, opt: Options, inst: Any,
                 tally: _Tally, spool: _KeySpool, score_fn: Any, pseudonymize: bool,
                 allow_absent_items: bool, position: int) -> pd.DataFrame:
    """Load one chunk by the loader's steps (with the plan's decisions) and score it."""
    file = plan.file
    job = Job(raw, scale, opt)
    layout = (WideLayout if plan.wide else LongLayout)(job, plan.cmap)
    # ids: normalised, then hashed where they are personal data (or every one, when asked)
    ids, looks_personal, id_codes, id_uniques = _ids(raw, plan.idc)
    hashed = ids != "" if plan.id_kind is not None or pseudonymize else looks_personal
    final_ids = ids.copy()
    if hashed.any():
        final_ids[hashed] = map_distinct(ids[hashed], lambda i: pseudonym(i, opt.salt))
    tally.ids_hashed += int(hashed.sum())
    answers = layout.convert()
    # exclusions, in read_survey's order
    reason, hide_id = _source_exclusions(raw)
    reason[(reason == None) & (ids == "")] = "missing id"  # noqa: E711
    waves = row_waves(raw, plan.wcol, plan.fixed)
    if plan.wcol is not None and plan.fixed is not None:   # the column must agree with wave=
        other = np.array([w is not None and w != plan.fixed
                          for w in waves_of(raw, plan.wcol)], dtype=bool)
        if other.any():
            i = int(np.flatnonzero(other)[0])
            raise DataError(
                f"{file}, row {int(raw.rows[i])}, column {plan.wcol!r}: wave "
                f"{mask_personal(str(waves_of(raw, plan.wcol)[i]))!r}, but wave={opt.wave!r} "
                "was given. Give either one file per wave with wave=, or leave wave= out to "
                "use the column.")
    if plan.wcol is not None and plan.fixed is None:
        skip = reason != None  # noqa: E711
        odd = np.array([w is not None and w not in WAVE_ORDER for w in waves], dtype=bool) & ~skip
        for label in dict.fromkeys(waves[odd].tolist()):
            hit = np.flatnonzero(odd & (waves == label))
            if label not in tally.unknown_waves and len(tally.unknown_waves) >= 20:
                label = "(other labels)"   # bounded: 20 labels listed, the rest counted
            seen = tally.unknown_waves.setdefault(label, [0, []])
            seen[0] += len(hit)
            seen[1] += [int(r) for r in raw.rows[hit[:5 - len(seen[1])]]] if len(seen[1]) < 5 \
                else []
        reason[(reason == None) & (waves == None)] = "missing wave"  # noqa: E711
    layout.exclude(reason)
    # the usability check (more than half of the answers unusable), over the whole file
    rows_ok = layout.check_rows(reason)
    problems = [p for p in answers.problems if rows_ok[p[0]]]
    tally.n_numbers += int(answers.numbers[rows_ok].sum())
    tally.n_problems += len(problems)
    for i, c, v, r in problems:
        if tally.first_problem is None:
            tally.first_problem = (int(raw.rows[i]), c, v, r)
        if len(tally.problem_examples) < tally.examples:
            tally.problem_examples.append({"file": file, "row": int(raw.rows[i]), "column": c,
                                           "id": final_ids[i] or None, "value": shown(v),
                                           "reason": r})
        if str(r).startswith(("unknown answer", "not a number")) and (
                len(tally.texts) < 1000 or mask_personal(str(shown(v))) in tally.texts):
            key = mask_personal(str(shown(v)))
            tally.texts[key] = tally.texts.get(key, 0) + 1
    kept = reason == None  # noqa: E711
    for i in np.flatnonzero(~kept):
        tally.exclude(reason[i], int(raw.rows[i]), None if hide_id[i] else (final_ids[i] or None))
    # cells set to missing, in the rows kept
    bad_per_row = np.zeros(raw.n_rows, dtype=np.int32)
    for i, c, v, r in _cell_events(answers):
        if not kept[i]:
            continue
        bad_per_row[i] += 1
        head = _reason_head(r)
        per = tally.cells.setdefault(c, {})
        per[head] = per.get(head, 0) + 1
        if len(tally.cell_examples) < tally.examples:
            tally.cell_examples.append({"file": file, "row": int(raw.rows[i]), "column": c,
                                        "id": final_ids[i] or None, "value": shown(v),
                                        "reason": r})
    # rows out, scored
    data = layout.assemble(kept, final_ids, waves,
                           _TextExtras(raw, hashed=set(), salt=opt.salt, notes=[]))
    if plan.wide:
        absent = layout.waves_absent   # records, or columns of equal length
        tally.waves_absent += (len(next(iter(absent.values()), ())) if isinstance(absent, dict)
                               else len(absent))
    scores = score_fn(SimpleNamespace(data=data, absent_items=plan.absent), inst,
                      keep=plan.keep_names, allow_absent_items=allow_absent_items)
    scores["wave"] = scores["wave"].astype(object).astype(str) if len(scores) else \
        pd.Series([], dtype=object)
    tally.absent = (dict(scores.attrs.get("absent_items", {})),
                    tuple(scores.attrs.get("incomplete", ())))
    # one key per kept row, for the duplicates
    idx = np.flatnonzero(kept)
    if plan.wide:
        nrec = np.zeros(raw.n_rows, dtype=np.int32)
        for w in plan.cmap.waves_in:
            nrec += layout.present[w].astype(np.int32)
        nrec = nrec[idx]
    else:
        nrec = np.ones(len(idx), dtype=np.int32)
    keys = _key_hashes(id_codes[idx], id_uniques, None if plan.wide else waves[idx])
    pos = position + np.concatenate([[0], np.cumsum(nrec)[:-1]]).astype(np.int64) \
        if len(idx) else np.empty(0, dtype=np.int64)
    times = (_times(raw.cells[plan.tcol][idx]) if plan.tcol is not None
             else np.full(len(idx), _NAT, dtype=np.int64))
    spool.add(keys, times, raw.rows[idx], pos, nrec, bad_per_row[idx])
    return scores


# ---------------------------------------------------------------------------
# the public function
# ---------------------------------------------------------------------------

def score_file(
    path: str | os.PathLike[str],
    instrument: Any,
    out: str | os.PathLike[str],
    *,
    chunksize: int = 20_000,
    id_col: str | Sequence[str] | None = None,
    wave: str | None = None,
    wave_col: str | None = None,
    columns: Mapping[str, str] | None = None,
    keep: Sequence[str] | None = None,
    duplicates: Literal["latest", "first", "error"] = "latest",
    pseudonymize: bool = False,
    salt: str | None = None,
    encoding: str | None = None,
    source: Literal["auto", "csv", "parquet"] = "auto",
    allow_absent_items: bool = False,
    examples: int = 20,
) -> ScoreFileResult:
    """Score a survey file larger than memory, chunk by chunk, into a scored file.

    Reads ``path`` (CSV/TSV/TXT in UTF-8 or GBK/GB18030, or Parquet) ``chunksize``
    rows at a time, loads each chunk by the rules of :func:`read_survey` and scores
    it with :func:`stressgroup.score`, and appends the scores to ``out`` (``.csv``, or
    ``.parquet``/``.pq``). Memory stays bounded by the chunk size, whatever the
    size of the file. The scores are those of ``score(read_survey(path), instrument)``.

    Parameters
    ----------
    path : str or path-like
        The survey file: ``.csv``/``.tsv``/``.txt`` (separator sniffed: comma, tab or
        semicolon) or ``.parquet``/``.pq`` (needs pyarrow; read by record batches).
    instrument : Instrument or str
        The instrument, or a name/path for :func:`stressgroup.load_instrument`.
    out : str or path-like
        The scored file to write (replaced if it exists): ``.csv`` (UTF-8) or
        ``.parquet``/``.pq`` (needs pyarrow). Written to a temporary file beside it
        and moved into place at the end, so a failed run leaves no partial output.
    chunksize : int
        Rows per chunk. Memory grows with it (about 100 bytes per cell: 20,000 rows of
        31 columns, the default, peak near 160 MB with the interpreter); the scores do
        not depend on it.
    id_col, wave, wave_col, columns, duplicates, salt, encoding
        As in :func:`read_survey` (``id_col`` may list candidates). Duplicate
        submissions are found over the whole file.
    keep : sequence of str, optional
        Extra columns to copy to the output, as text. Default: the group column
        (group, 组别, 分组, arm, condition...) if the file has one. A column holding
        personal data is refused, and personal data typed into a kept value (a phone
        number in a remark) is replaced by ``"<personal data hidden>"``.
    pseudonymize : bool
        Replace every id by its salted SHA-256 hash (16 hex digits, the hash
        :func:`read_survey` uses for ``pii="pseudonymize"``); pass ``salt=`` to get the
        same pseudonyms in another run (pre and post files). Ids that are phone or ID
        card numbers, e-mail or IP addresses are hashed in any case.
    source : {"auto", "csv", "parquet"}
        The format; ``"auto"`` goes by the extension of ``path``.
    allow_absent_items : bool
        As in :func:`stressgroup.score`.
    examples : int
        Examples of excluded rows and of cells set to missing kept in the result
        (per reason for rows); the counts are always complete.

    Returns
    -------
    ScoreFileResult
        Counts of rows read, kept, excluded (by reason) and written, cells set to
        missing (by column and reason; ``out_of_range`` per column), the chunks, the
        output path and its columns: ``id``, ``wave``, the kept columns, one column
        per subscale and the total (and the instrument's indices), and one
        ``<score>_answered`` count per score, as :func:`stressgroup.score` returns them.

    Raises
    ------
    DataError
        The file cannot be used, as for :func:`read_survey` (no id column, no items,
        no way to tell the wave, more than half of the answers unusable, duplicates
        with ``duplicates="error"``), or a row that cannot be parsed; the message
        names the file, the row (of the file, the header being row 1) and the column.
        Also: a long tidy file, an Excel or survey-platform export (read those with
        :func:`read_survey`), a Parquet file or output without pyarrow.

    Notes
    -----
    The structure of the file is decided on its first ``HEAD_ROWS`` (5,000) data
    rows, as :func:`read_survey` decides it on the whole file: the header row, the id
    column, the wave column, the layout (long, or wide with ``pre_``/``post_``
    columns), the item columns, whether the id column holds personal data. A
    shorter file is decided exactly as :func:`read_survey` decides it.

    Whole-file rules: the check that more than half of the answers are unusable
    counts every chunk; duplicate submissions (same id and wave; same id in a wide
    file) are resolved by the same rule (latest or first by the submit-time column,
    else file order) from a 128-bit hash of each kept row's key, spooled to disk in
    buckets beside ``out`` (48 bytes a row, read back one bucket of 64 at a time); the
    superseded rows are then removed from the output (counted under
    ``excluded["duplicate submission"]``). Cells set to missing are counted in the rows
    kept before duplicates are resolved (``cells_in_superseded`` of them lie in
    superseded rows). Memory does not grow with the file: a 1 GB export (9.7 million
    rows, 31 columns) peaked at 145 MB with the default chunks, as a 60 MB one did.

    Not done: the load report's per-row tables (only counts and the first
    ``examples``), the warning that two waves hold identical answers, and the
    survey-platform readers (问卷星, Qualtrics...), whose rules need the whole file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> import stressgroup as sg
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "scores.csv"
    >>> res = sg.score_file("data/sample/qcity_long.csv", "five-level-stress", out,
    ...                     chunksize=25)
    >>> res.rows_read, res.rows_written, res.chunks
    (94, 94, 4)
    >>> scored = pd.read_csv(out, dtype={"id": str})
    >>> list(scored.columns[:4])
    ['id', 'wave', 'group', 'individual']
    >>> whole = sg.score(sg.read_survey("data/sample/qcity_long.csv",
    ...                                 instrument="five-level-stress"), "five-level-stress")
    >>> bool((scored["total"] - whole["total"]).abs().max() == 0)
    True
    """
    from ..instruments import load_instrument
    from ..instruments import score as score_fn

    check_choice("duplicates", duplicates, ("latest", "first", "error"))
    check_choice("source", source, ("auto", "csv", "parquet"))
    if not isinstance(chunksize, (int, np.integer)) or isinstance(chunksize, bool) \
            or chunksize < 1:
        raise ValueError(f"chunksize must be a whole number of rows >= 1, not {chunksize!r}")
    if not isinstance(examples, (int, np.integer)) or examples < 0:
        raise ValueError(f"examples must be a whole number >= 0, not {examples!r}")
    if not isinstance(pseudonymize, bool):
        raise TypeError("pseudonymize must be True or False")
    if columns is not None and not isinstance(columns, Mapping):
        raise TypeError("columns must be a mapping {export column name or regex: item id}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path, not {type(path).__name__}")
    if not isinstance(out, (str, os.PathLike)):
        raise TypeError(f"out must be a file path, not {type(out).__name__}")
    chunksize = int(chunksize)
    inst = load_instrument(resolve_instrument(instrument))
    scale = Scale.from_instrument(inst)
    file = os.fspath(path)
    in_path, out_path = Path(path), Path(out)
    kind_out = _out_kind(out_path)
    if not (out_path.parent if str(out_path.parent) else Path(".")).is_dir():
        raise ValueError(f"out={os.fspath(out)!r}: the folder {os.fspath(out_path.parent)!r} "
                         "does not exist")
    if in_path.exists() and out_path.exists() and os.path.samefile(in_path, out_path):
        raise ValueError("out is the input file; give another path for the scores")
    kind_in = _in_kind(in_path, file, source, encoding)
    if kind_out == "parquet":
        _pyarrow("writing a Parquet file")
    given = salt is not None
    opt = Options(id_col=id_col, wave=None if wave is None else str(wave), wave_col=wave_col,
                  columns=columns, duplicates=duplicates, pii="drop",
                  salt=salt if given else secrets.token_hex(16), salt_given=given)

    head_records = _HEADER_SEARCH + HEAD_ROWS
    inp: _Input = (_CsvInput(in_path, file, encoding, chunksize, head_records)
                   if kind_in == "csv" else
                   _ParquetInput(in_path, file, chunksize, head_records))
    try:
        folder = tempfile.mkdtemp(prefix=".score_file-", dir=out_path.parent or ".")
    except BaseException:
        inp.close()
        raise
    try:
        head_raw, header_cells = _head_table(inp)
        plan, warns = _plan(head_raw, header_cells, scale, opt, keep)
        for msg in warns:
            warnings.warn(msg, DataQualityWarning, stacklevel=2)
        scored = {s.id for s in inst.scored} | {ix.id for ix in inst.indices}
        clash = [k for k in plan.keep_names if k in scored | {f"{c}_answered" for c in scored}]
        if clash:
            raise DataError(
                f"{file}: the kept column {clash[0]!r} has the name of a score of "
                f"{inst.id!r}; rename it in the file, or leave it out of keep=.")
        del head_raw
        tally = _Tally(examples=int(examples), file=file)
        spool = _KeySpool(folder)
        tmp_out = os.path.join(folder, "scores" + out_path.suffix)
        writer = _Writer(tmp_out, kind_out, ["id", "wave", *plan.keep_names],
                         row_group=max(chunksize, 65_536))
        head, inp.head = inp.head[plan.header_row:], None   # the records after the header
        record = plan.header_row   # index of the next record; its row number is index + 1
        try:
            first = chunksize - len(head) % chunksize if len(head) % chunksize else None
            for block in _rechunk(itertools.chain([head], inp.blocks(first)), chunksize):
                raw, n_blank = _chunk_table(plan, block, record + 1)
                record += len(block)
                tally.chunks += 1
                tally.rows_blank += n_blank
                if raw is None:
                    continue
                tally.rows_read += raw.n_rows
                scores = _score_chunk(plan, raw, scale, opt, inst, tally, spool, score_fn,
                                      pseudonymize, allow_absent_items, writer.rows)
                if len(scores) or writer.columns is None:
                    writer.write(scores)
            if writer.columns is None:
                raise DataError(
                    f"{file} has a header row (row {plan.header_row}) but no data rows. "
                    "Export the survey again with the responses included.")
        finally:
            writer.close()
            inp.close()
        _check_usable(tally, file)
        # duplicates, over the whole file
        losers, kept_rows, groups = spool.duplicates(latest=duplicates == "latest")
        spool.close()
        if len(losers) and duplicates == "error":
            _duplicates_error(file, plan, groups)
        rows_written = writer.rows
        superseded_cells = int(losers["bad"].sum()) if len(losers) else 0
        if len(losers):
            drop = np.concatenate([np.arange(p, p + n) for p, n in
                                   zip(losers["pos"], losers["n"])]).astype(np.int64)
            drop.sort()
            lines = not writer.multiline
            shown_ids = _ids_at(tmp_out, kind_out, losers["pos"][:max(examples, 1)],
                                chunksize, lines)
            for k, (rec, kept_row) in enumerate(zip(losers, kept_rows)):
                if k < examples:
                    tally.exclude(f"duplicate submission (kept row {int(kept_row)})",
                                  int(rec["row"]), shown_ids.get(int(rec["pos"])))
                else:
                    tally.excluded["duplicate submission"] = \
                        tally.excluded.get("duplicate submission", 0) + len(losers) - k
                    break
            final_tmp = os.path.join(folder, "final" + out_path.suffix)
            rows_written = _filter_copy(tmp_out, final_tmp, kind_out, drop, chunksize, lines)
            tmp_out = final_tmp
        os.replace(tmp_out, out_path)
    finally:
        inp.close()
        shutil.rmtree(folder, ignore_errors=True)

    notes = [mask_personal(n) for n in plan.notes]
    if tally.rows_blank:
        notes.append(f"{file}: {tally.rows_blank} blank rows skipped (not counted as rows read)")
    for label, (n, rows) in tally.unknown_waves.items():
        msg = (f"{file}: wave label {mask_personal(str(label))!r} ({n} row"
               f"{'s' if n != 1 else ''}: {', '.join(map(str, rows))}{', ...' if n > 5 else ''}) "
               f"is not a known wave ({', '.join(WAVE_ORDER)}); check for a typo")
        notes.append(msg)
        warnings.warn(msg, DataQualityWarning, stacklevel=2)
    if pseudonymize or plan.id_kind is not None or tally.ids_hashed:
        notes.append(f"{file}: {tally.ids_hashed} ids replaced by salted SHA-256 hashes, with "
                     + ("the salt given" if given else
                        "a random salt made for this call (not stored, so the hashes cannot "
                        "be linked to another run; pass salt= to make them repeatable)"))
    excluded_n = sum(tally.excluded.values())
    ex_tables = [make_table("excluded", v) for v in tally.excluded_examples.values() if v]
    ex_frame = (pd.concat(ex_tables, ignore_index=True).sort_values("row", kind="stable")
                .reset_index(drop=True) if ex_tables else make_table("excluded", []))
    absent_by, incomplete = tally.absent
    out_of_range = {c: v["out of range"] for c, v in tally.cells.items() if "out of range" in v}
    return ScoreFileResult(
        file=file, out=os.fspath(out_path), source=inp.source, encoding=inp.encoding,
        layout="wide" if plan.wide else "long", instrument=str(inst.id),
        id_column=plan.idc, wave_column=plan.wcol, kept_columns=tuple(plan.keep),
        columns=tuple(writer.columns or ()), rows_read=tally.rows_read,
        rows_kept=tally.rows_read - excluded_n, rows_excluded=excluded_n,
        rows_written=int(rows_written), excluded=dict(tally.excluded),
        excluded_examples=ex_frame, cells_missing=tally.cells, out_of_range=out_of_range,
        cells_in_superseded=superseded_cells,
        cell_examples=make_table("cells", tally.cell_examples), waves_absent=tally.waves_absent,
        chunks=tally.chunks, chunksize=chunksize, absent_items=dict(absent_by),
        incomplete=tuple(incomplete), pseudonymized=pseudonymize,
        ids_hashed=tally.ids_hashed, notes=tuple(notes))


def _out_kind(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    raise ValueError(f"out={os.fspath(out)!r}: the scored file is written as .csv or "
                     ".parquet (by its extension), not {suffix or '(no extension)'!r}")


def _in_kind(path: Path, file: str, source: str, encoding: str | None) -> str:
    if not path.exists():
        raise DataError(f"file not found: {file}. Check the path and the file name "
                        f"(the working directory is {os.getcwd()}).")
    if path.is_dir():
        raise DataError(f"{file} is a folder, not a file; give the path of the survey file.")
    suffix = path.suffix.lower()
    if source == "parquet" or (source == "auto" and suffix in PARQUET_SUFFIXES):
        return "parquet"
    if source == "auto" and suffix in EXCEL_SUFFIXES:
        raise DataError(
            f"{file} is an Excel workbook; score_file streams CSV and Parquet files. Read it "
            "with read_survey() and score() (a sheet fits in memory), or save it as CSV.")
    if source == "auto" and suffix not in CSV_SUFFIXES:
        raise DataError(
            f"{file}: unsupported file type {suffix or '(no extension)'!r}; score_file "
            f"reads {', '.join(CSV_SUFFIXES + PARQUET_SUFFIXES)} files.")
    if source == "auto":
        kind = detect_source(path, encoding=encoding)
        if kind != "csv":
            raise DataError(
                f"{file} looks like a {kind} export, whose rules need the whole file; "
                "score_file reads plain CSV (one header row). Read it with read_survey() "
                "and score(), or pass source='csv' to read it as a plain CSV file.")
    return "csv"


def _check_usable(tally: _Tally, file: str) -> None:
    """read_survey's rule over the whole file: DataError when more than half of the
    answered cells cannot be used."""
    if not tally.n_problems:
        return
    answered = tally.n_numbers + tally.n_problems
    if tally.n_problems <= answered / 2:
        return
    row, c, v, r = tally.first_problem  # type: ignore[misc]
    raise DataError(
        unusable_message(file, tally.n_problems, answered, row, c, v, r, tally.texts,
                         "The first failing cells"),
        problems=make_table("cells", tally.problem_examples))


def _duplicates_error(file: str, plan: _Plan, groups: list[np.ndarray]) -> None:
    what = ("people have more than one row" if plan.wide
            else "people have more than one row for the same wave")
    text = "; ".join(f"rows {', '.join(str(int(r)) for r in g)}" for g in groups)
    recs = [{"file": file, "row": int(r), "id": None, "reason": "duplicate submission"}
            for g in groups for r in g]
    raise DataError(
        f"{file}: {what} (column {plan.idc!r}{'' if plan.wide else ' and the wave'}; "
        f"e.g. {text}). Remove the extra rows, or pass duplicates='latest' or 'first' to "
        "keep one.", problems=make_table("excluded", recs))

"""The load report: what a loader read, kept, excluded and altered."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd

from ..core.results import jsonable
from ..report import Reportable
from ._distinct import factorize_text, masked
from ._text import PERSONAL_PLACEHOLDER, mask_personal

__all__ = ["TABLE_COLUMNS", "FileReport", "LoadReport", "Premasked", "mask_value"]

#: Columns of each event table of a :class:`LoadReport`.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "excluded": ("file", "row", "id", "reason"),
    "cells": ("file", "row", "column", "id", "value", "reason"),
    "columns_dropped": ("file", "column", "reason"),
    "columns_pseudonymized": ("file", "column", "reason"),
    "id_changes": ("file", "row", "original", "id"),
    "waves_absent": ("file", "row", "id", "wave"),
    "items_missing": ("file", "item", "wave", "reason"),
    "columns_unmapped": ("file", "column", "reason"),
    "columns_mapped": ("file", "column", "item", "how"),
}

_KINDS = {
    "excluded": "row excluded",
    "cells": "cell set to missing",
    "columns_dropped": "column dropped",
    "columns_pseudonymized": "column pseudonymized",
    "id_changes": "id normalised",
    "waves_absent": "wave absent",
    "items_missing": "item missing",
    "columns_unmapped": "column not mapped",
}


_EMPTY: dict[str, pd.DataFrame] = {}


def empty_table(name: str) -> pd.DataFrame:
    """An empty event table with the right columns (row numbers as int64); a new frame
    each time (a copy of one made once)."""
    frame = _EMPTY.get(name)
    if frame is None:
        cols = TABLE_COLUMNS[name]
        frame = _EMPTY[name] = pd.DataFrame(
            {c: pd.Series(dtype="int64" if c == "row" else object) for c in cols})
    return frame.copy()


_HASH_RE = re.compile(r"[0-9a-f]{16}")


def _mask_value(value: Any) -> Any:
    """A raw value as the report keeps it: all of it hidden if it holds personal data."""
    if not isinstance(value, str):
        return value
    return PERSONAL_PLACEHOLDER if mask_personal(value) != value else value


mask_value = _mask_value   # what make_table does to a cell's value (for Premasked columns)


def _mask_id(value: Any) -> Any:
    if not isinstance(value, str) or _HASH_RE.fullmatch(value):
        return value   # a pseudonym is not personal data
    return _mask_value(value)


class Premasked(list):
    """A column for :func:`make_table` whose texts were already masked (each distinct
    text by the table's mask for that column)."""


def make_table(name: str, records: list[dict[str, Any]] | Mapping[str, Sequence[Any]]
               ) -> pd.DataFrame:
    """Build an event table from dict records (or from columns: ``{column: values}``),
    columns in the fixed order.

    Personal data (phone and ID card numbers, e-mail and IP addresses) in the
    values, original ids, ids and reasons is replaced by ``"<personal data hidden>"``
    (a reason keeps its other words), so the report, its JSON and the command
    line never repeat what a respondent typed there. Each distinct text is looked at once.
    """
    cols = list(TABLE_COLUMNS[name])
    masks = {"value": _mask_value, "original": _mask_value, "reason": mask_personal,
             "id": _mask_id}
    if isinstance(records, Mapping):   # masked first, then one frame
        if not len(records[cols[0]]):
            return empty_table(name)
        frame = pd.DataFrame({c: _masked_list(records[c], masks[c])
                              if c in masks and not isinstance(records[c], Premasked)
                              else records[c] for c in cols})
        if "row" in frame:
            frame["row"] = frame["row"].astype("int64")
        return frame
    if not records:
        return empty_table(name)
    frame = pd.DataFrame.from_records(records, columns=cols)
    if "row" in frame:
        frame["row"] = frame["row"].astype("int64")
    for col, func in masks.items():
        if col in frame:
            frame[col] = _masked(frame[col], func)
    return frame


def _masked_list(values: Sequence[Any], func: Any) -> list[Any]:
    """``func`` applied to each text of ``values`` (once per distinct text), other values
    unchanged."""
    obj = np.empty(len(values), dtype=object)
    obj[:] = values
    if pd.api.types.infer_dtype(obj, skipna=True) != "string":
        return _masked(pd.Series(obj, dtype=object), func)
    codes, uniques = factorize_text(obj)   # missing values: -1
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = masked(list(uniques), func)
    out = mapped[codes]
    missing = codes < 0
    out[missing] = obj[missing]
    return out.tolist()


def _masked(series: pd.Series, func: Any) -> list[Any]:
    """``func`` applied to each text of ``series`` (once per distinct text), other values
    unchanged; a list, as assigning it back to the frame infers the column's dtype."""
    values = series.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) == "string":
        codes, uniques = factorize_text(values)   # missing values: -1
        mapped = np.empty(len(uniques) + 1, dtype=object)
        mapped[:-1] = masked(list(uniques), func)   # texts without personal data: as they are
        out = mapped[codes]
        missing = codes < 0
        out[missing] = values[missing]
        return out.tolist()
    cache: dict[str, Any] = {}
    out_list = []
    for v in series:
        if isinstance(v, str):
            if v not in cache:
                cache[v] = func(v)
            v = cache[v]
        out_list.append(v)
    return out_list


@dataclass(frozen=True)
class FileReport:
    """What was read from one file (or DataFrame).

    Attributes
    ----------
    file : str
        The path as given, or ``"<DataFrame>"``.
    source : str
        Format read: ``"csv"``, ``"excel"`` or ``"dataframe"``.
    encoding : str or None
        ``"utf-8"``, ``"utf-8-sig"`` (UTF-8 with a byte-order mark), ``"gb18030"``
        (also covers GBK/GB2312) or the ``encoding=`` given; None for Excel and DataFrames.
    layout : str
        ``"long"`` (one row per person per wave), ``"wide"`` (one row per person,
        wave-prefixed item columns) or ``"tidy"`` (one row per answer: id, wave, item, value).
    rows_read, rows_kept, rows_excluded : int
        Data rows of the file (blank rows are skipped and not counted);
        ``rows_read == rows_kept + rows_excluded``. A wide row is one row read and,
        if it gives at least one wave, one row kept.
    records : int
        Rows this file contributed to ``Responses.data`` (a wide row gives one per
        wave answered, so ``records`` may exceed ``rows_kept``).
    sheet : str or None
        The Excel sheet read.
    wave : str or None
        The wave given for the whole file (``wave=`` or ``read_waves``).
    variant : str or None
        The kind of export when the format has several: 问卷星 ``"numbers"``
        (按选项序号), ``"text"`` (按选项文本) or ``"scores"`` (按分数); None when
        it cannot be told or does not apply.
    id_column : str or None
        The column that held the person ids.
    id_found : str or None
        How it was found: ``"given (id_col / --id)"``, ``"candidate 2 of 2 given ..."``,
        ``"by its name"``, ``"by its question text '...'"`` (a platform's question row),
        ``"named by the export format"``.
    time_column : str or None
        The submission-time column (提交答卷时间, RecordedDate, EndDate, End Date,
        Timestamp, submitdate...), when there is one.
    time_range : tuple of str or None
        ``(first, median, last)`` submission time of the kept rows (ISO 8601), when
        the times can be read; :func:`read_waves` uses them to check the wave order.
    superseded : tuple of dict
        Duplicate submissions not kept: ``row``, ``id``, ``submitted`` (as written),
        ``kept_row``, ``kept_submitted`` (also listed in ``LoadReport.excluded``).
    """

    file: str
    source: str
    encoding: str | None
    layout: str
    rows_read: int
    rows_kept: int
    rows_excluded: int
    records: int
    sheet: str | None = None
    wave: str | None = None
    variant: str | None = None
    id_column: str | None = None
    id_found: str | None = None
    time_column: str | None = None
    time_range: tuple[str, str, str] | None = None
    superseded: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-safe dict."""
        return jsonable({f.name: getattr(self, f.name) for f in fields(self)})


def _base(file: str) -> str:
    return PurePath(file).name if not file.startswith("<") else file


def _reason_head(reason: str) -> str:
    """Reason without its details: "out of range 1-5" -> "out of range"."""
    head = str(reason).split(" (", 1)[0]
    return re.sub(r"\s+-?[\d.]+\s*-\s*-?[\d.]+$", "", head)


def _count_phrase(series: pd.Series) -> str:
    counts = series.map(_reason_head).value_counts()
    return ", ".join(f"{n} {r}" for r, n in counts.items())


@dataclass(frozen=True, eq=False)
class LoadReport(Reportable):
    """What a loader read, kept, excluded and altered.

    Plain data: every table is a DataFrame, every row number is the row the user
    sees in a spreadsheet (the header is row 1, so the first data row is row 2;
    for a DataFrame it is the 0-based position + 2).

    Attributes
    ----------
    files : tuple of FileReport
        One entry per file read (see :class:`FileReport`).
    rows_read, rows_kept, rows_excluded : int
        Totals over the files; ``rows_read == rows_kept + rows_excluded`` always.
    excluded : pandas.DataFrame
        Excluded rows: ``file``, ``row``, ``id``, ``reason`` ("missing id", "missing wave",
        "no item answers", "no answers in any wave", "duplicate submission (kept row N, ...)",
        "footer/notes line, not a response", a platform's reason such as a survey preview).
    cells : pandas.DataFrame
        Item cells set to missing: ``file``, ``row``, ``column`` (as in the file), ``id``,
        ``value`` (as written; ``"<personal data hidden>"`` when it holds a phone or ID
        card number, an e-mail or IP address), ``reason`` ("not a number", "out of range 1-5",
        "not a whole number (answers are 1-5)", "unknown answer '比较付合' (did you mean
        '比较符合' = 4?)", "left blank (空)" and "skipped by logic (跳过)" for 问卷星's
        sentinels, a platform's user-missing codes).
    columns_dropped : pandas.DataFrame
        Columns removed (personal data): ``file``, ``column``, ``reason``.
    columns_pseudonymized : pandas.DataFrame
        Columns whose values were replaced by salted hashes: ``file``, ``column``, ``reason``.
    id_changes : pandas.DataFrame
        Ids changed by normalisation: ``file``, ``row``, ``original``, ``id``.
    waves_absent : pandas.DataFrame
        Wide files: people with no answers for a wave (attrition, not an exclusion):
        ``file``, ``row``, ``id``, ``wave``.
    items_missing : pandas.DataFrame
        Instrument items with no column in the file: ``file``, ``item``, ``wave``, ``reason``.
    columns_unmapped : pandas.DataFrame
        Columns that look like questions (numbered like ``8、…``, or a platform's
        question) but match no item; kept as extra columns: ``file``, ``column``, ``reason``.
    columns_mapped : pandas.DataFrame
        How each item column was found: ``file``, ``column``, ``item``, ``how`` (the
        ``columns`` mapping, the item id, the item's text, or a close text match).
    notes : tuple of str
        Anything else worth knowing (encoding guesses, columns matched by text, PII kept...).

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup.io import read_survey
    >>> df = pd.DataFrame({"id": ["01", "02", "02"], "wave": ["pre"] * 3,
    ...                    "Q1": ["3", "9", "4"]})
    >>> report = read_survey(df).report
    >>> print(report.summary())
    <DataFrame>: 3 rows read (dataframe, long), 2 kept, 1 excluded; 0 cells set to missing; 0 PII columns dropped
    excluded rows: 1 duplicate submission
    >>> report.rows_read == report.rows_kept + report.rows_excluded
    True
    """

    files: tuple[FileReport, ...] = ()
    rows_read: int = 0
    rows_kept: int = 0
    rows_excluded: int = 0
    excluded: pd.DataFrame = field(default_factory=lambda: empty_table("excluded"))
    cells: pd.DataFrame = field(default_factory=lambda: empty_table("cells"))
    columns_dropped: pd.DataFrame = field(default_factory=lambda: empty_table("columns_dropped"))
    columns_pseudonymized: pd.DataFrame = field(
        default_factory=lambda: empty_table("columns_pseudonymized"))
    id_changes: pd.DataFrame = field(default_factory=lambda: empty_table("id_changes"))
    waves_absent: pd.DataFrame = field(default_factory=lambda: empty_table("waves_absent"))
    items_missing: pd.DataFrame = field(default_factory=lambda: empty_table("items_missing"))
    columns_unmapped: pd.DataFrame = field(
        default_factory=lambda: empty_table("columns_unmapped"))
    columns_mapped: pd.DataFrame = field(
        default_factory=lambda: empty_table("columns_mapped"))
    notes: tuple[str, ...] = ()

    _title = "Load report"

    def __post_init__(self) -> None:
        if self.rows_read != self.rows_kept + self.rows_excluded:  # pragma: no cover - a bug
            raise RuntimeError(
                f"load report does not add up: {self.rows_read} read != "
                f"{self.rows_kept} kept + {self.rows_excluded} excluded")

    # -- convenience ----------------------------------------------------------
    def _unique(self, attr: str) -> str | None:
        values = {getattr(f, attr) for f in self.files}
        return values.pop() if len(values) == 1 else None

    @property
    def source(self) -> str | None:
        """The format read, if every file had the same one (else None; see ``files``)."""
        return self._unique("source")

    @property
    def encoding(self) -> str | None:
        """The text encoding used, if every file had the same one (else None; see ``files``)."""
        return self._unique("encoding")

    @property
    def layout(self) -> str | None:
        """``"long"`` or ``"wide"``, if every file had the same layout (else None)."""
        return self._unique("layout")

    @classmethod
    def combine(cls, reports: list[LoadReport], notes: tuple[str, ...] = ()) -> LoadReport:
        """One report for several loads (used by ``read_waves``)."""
        def cat(name: str) -> pd.DataFrame:
            parts = [getattr(r, name) for r in reports if len(getattr(r, name))]
            return pd.concat(parts, ignore_index=True) if parts else empty_table(name)

        return cls(
            files=tuple(f for r in reports for f in r.files),
            rows_read=sum(r.rows_read for r in reports),
            rows_kept=sum(r.rows_kept for r in reports),
            rows_excluded=sum(r.rows_excluded for r in reports),
            **{name: cat(name) for name in TABLE_COLUMNS},
            notes=tuple(n for r in reports for n in r.notes) + tuple(notes),
        )

    # -- views ---------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """All events in one table: ``kind``, ``file``, ``row``, ``column``, ``id``, ``value``, ``reason``.

        ``kind`` is one of "row excluded", "cell set to missing", "column dropped",
        "column pseudonymized", "id normalised" (``value`` is the id as written),
        "wave absent" (``value`` is the wave), "item missing" (``column`` is the item)
        and "note". ``row`` is a nullable integer.
        """
        cols = ["kind", "file", "row", "column", "id", "value", "reason"]
        parts = []
        for name, kind in _KINDS.items():
            table = getattr(self, name)
            if not len(table):
                continue
            t = table.copy()
            if name == "id_changes":
                t = t.rename(columns={"original": "value"})
                t["reason"] = "id normalised to " + t["id"].map(repr)
            elif name == "waves_absent":
                t["value"] = t["wave"]
                t["reason"] = "no answers for wave " + t["wave"].astype(str)
            elif name == "items_missing":
                t["column"] = t["item"]
            t.insert(0, "kind", kind)
            parts.append(t.reindex(columns=cols))
        if self.notes:
            parts.append(pd.DataFrame({"kind": "note", "reason": list(self.notes)}).reindex(columns=cols))
        if not parts:
            frame = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
        else:
            frame = pd.concat(parts, ignore_index=True)
        frame["row"] = frame["row"].astype("Int64")
        return frame

    def summary(self) -> str:
        """A few lines of plain text: one per file, then totals, exclusions and notes."""
        lines = []
        for f in self.files:
            cells = self.cells[self.cells["file"] == f.file]
            dropped = self.columns_dropped[self.columns_dropped["file"] == f.file]
            fmt = f.source if f.source not in ("csv", "excel", "dataframe") else None
            kind = f"{fmt} {f.variant}" if fmt and f.variant else fmt
            how = ", ".join(x for x in (kind, f.encoding if f.encoding else
                                        (None if fmt else f.source), f.layout) if x)
            cell_part = f"{len(cells)} cells set to missing"
            if len(cells):
                cell_part += f" ({_count_phrase(cells['reason'])})"
            lines.append(
                f"{_base(f.file)}: {f.rows_read} rows read ({how}), {f.rows_kept} kept, "
                f"{f.rows_excluded} excluded; {cell_part}; {len(dropped)} PII columns dropped")
        if len(self.files) > 1:
            lines.append(f"total: {self.rows_read} rows read, {self.rows_kept} kept, "
                         f"{self.rows_excluded} excluded; {len(self.cells)} cells set to missing")
        if len(self.excluded):
            lines.append(f"excluded rows: {_count_phrase(self.excluded['reason'])}")
        if len(self.waves_absent):
            per = self.waves_absent["wave"].astype(str).value_counts()
            lines.append("no answers (attrition): " + ", ".join(
                f"{n} for wave {w}" for w, n in per.items()))
        if len(self.id_changes):
            lines.append(f"{len(self.id_changes)} ids normalised (full-width characters or spaces)")
        if len(self.columns_pseudonymized):
            lines.append("pseudonymized columns: "
                         + ", ".join(dict.fromkeys(self.columns_pseudonymized["column"])))
        if len(self.items_missing):
            lines.append("items not in the data: " + ", ".join(
                dict.fromkeys(self.items_missing["item"].astype(str))))
        if len(self.columns_unmapped):
            lines.append(f"{len(self.columns_unmapped)} question columns matched no item "
                         "(kept as extra columns; see columns_unmapped)")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict: totals, ``source``, ``encoding``, ``files`` and each table as a list of records."""
        out: dict[str, Any] = {
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "rows_excluded": self.rows_excluded,
            "source": self.source,
            "encoding": self.encoding,
            "files": [f.to_dict() for f in self.files],
        }
        for name in TABLE_COLUMNS:
            table = getattr(self, name)
            out[name] = [
                {k: (None if _isna(v) else v) for k, v in rec.items()}
                for rec in table.to_dict("records")
            ]
        out["notes"] = list(self.notes)
        return jsonable(out)

    def __repr__(self) -> str:
        return self.summary()

    def to_document(self, lang: str = "en"):
        """Files read, rows excluded and cells set to missing, as a document."""
        from ._report_doc import load_document

        return load_document(self)



def _isna(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False

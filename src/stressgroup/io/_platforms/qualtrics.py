"""Qualtrics response exports (CSV or Excel; current and legacy layouts).

Layout
------
Current exports ("Data & Analysis > Export data", CSV/TSV/Excel) carry three
header rows:

1. the export tags (``StartDate``, ``EndDate``, ``Status``, ``IPAddress``,
   ``Progress``, ``Duration (in seconds)``, ``Finished``, ``RecordedDate``,
   ``ResponseId``, ``RecipientLastName``, ``RecipientFirstName``,
   ``RecipientEmail``, ``ExternalReference``, ``LocationLatitude``,
   ``LocationLongitude``, ``DistributionChannel``, ``UserLanguage``, then the
   questions ``Q1``, ``Q2_1`` ... and embedded data);
2. the question text (a matrix row is ``"<question> - <statement>"``);
3. the import ids as JSON, ``{"ImportId":"QID2_1"}`` (metadata columns
   ``{"ImportId":"startDate","timeZone":"..."}``).

The first response is on row 4. Answers are numbers ("Use numeric values") or
the choice text ("Use choice text"); text answers are left as text here and
mapped by the instrument's response labels in the pipeline.

The legacy export (before 2017) has two header rows: ``V1``...``V10`` over the
metadata (whose names, ``ResponseID``, ``ResponseSet``, ``Name``,
``ExternalDataReference``, ``EmailAddress``, ``IPAddress``, ``Status``,
``StartDate``, ``EndDate``, ``Finished``, are in row 2) and the export tags
over the questions, with the question text in row 2; data start on row 3.

What the reader does
--------------------
* one header row: the export tags (legacy: the row-2 names of the ``V``
  columns); ``meta["question_text"]`` is the row-2 text without HTML of every
  column but the metadata columns, and for
  matrix columns (several columns sharing ``"<question> - "``) only the
  statement, the question going to ``meta["question_stem"]``;
  ``meta["import_ids"]`` keeps row 3.
* ``meta["exclude"]``: rows whose ``Status`` is a preview (``1``, ``9``, ``17``
  or a text containing "Preview") or whose ``DistributionChannel`` is
  ``preview`` -> "Survey Preview response"; ``Status`` ``2`` / "Survey Test"
  or channel ``test`` -> "Survey Test response". Unfinished responses
  (``Finished`` = 0) are kept: their answers count, and the instrument's
  ``min_answered`` decides whether a score can be made.
* ``meta["id_column"]``: ``ResponseId`` identifies a response, not a person;
  the id is an asked or embedded column named like an id (``id``, ``工号``,
  ``编号``...; by export tag or question text), else ``ExternalReference``
  when it is filled for most rows, else none (the pipeline then asks for
  ``id_col``).
* ``meta["variant"]``: ``"numeric values"`` or ``"choice text"``, told by the
  ``Status``/``Finished`` cells (codes or words);
* ``meta["time_column"]``: ``RecordedDate`` (else ``EndDate``);
  ``meta["pii_columns"]``: ``IPAddress``, ``RecipientEmail``,
  ``RecipientFirstName``, ``RecipientLastName``, ``LocationLatitude``,
  ``LocationLongitude`` (legacy ``EmailAddress``, ``Name``).

Based on
--------
* Qualtrics support, "Understanding your data set" (columns of the response
  export) and "Distribution Summary" (channels Preview, Anonymous Link, ...).
  The numeric Response Type codes other than 0/1 (2 Survey Test, 9 preview
  spam, 17 offline preview) are from Qualtrics' Response Type list as
  remembered, not checked against a stored copy; text exports are matched by
  the words ("Preview", "Survey Test") instead.
* R package qualtRics, ``read_survey()`` (ropensci/qualtRics, R/read_survey.R):
  three header rows (skip 3; row 2 = labels, row 3 = ``ImportId`` JSON),
  ``legacy = TRUE`` skips 2; HTML stripped from the labels; matrix
  sub-question = text after ``"<punctuation> -"``.
* R package excluder, ``check_preview()`` / ``qualtrics_fetch`` data: ``Status``
  is 1 for previews (0 for real responses) in numeric exports, "Survey
  Preview" in text exports; ``DistributionChannel`` is ``preview``.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from .._sources import RawTable
from ._common import (
    build_table,
    by_position,
    clean_head,
    filled_share,
    find_column,
    find_id_hint,
    first_nonblank,
    pad,
    present,
    read_grid,
    strip_html,
)

__all__ = ["read", "sniff"]

PLATFORM = "qualtrics"

_IMPORT_RE = re.compile(r"""^\{\s*["']ImportId["']\s*:\s*["']([^"']*)["']""")
_V_RE = re.compile(r"^V\d+$")

#: The metadata columns of a current export (legacy names after the slash).
METADATA = ("StartDate", "EndDate", "Status", "IPAddress", "Progress",
            "Duration (in seconds)", "Finished", "RecordedDate", "ResponseId",
            "RecipientLastName", "RecipientFirstName", "RecipientEmail",
            "ExternalReference", "LocationLatitude", "LocationLongitude",
            "DistributionChannel", "UserLanguage",
            # legacy
            "ResponseID", "ResponseSet", "Name", "ExternalDataReference", "EmailAddress")
PII = ("IPAddress", "RecipientEmail", "RecipientFirstName", "RecipientLastName",
       "LocationLatitude", "LocationLongitude", "EmailAddress", "Name")

_PREVIEW_STATUS = {"1", "9", "17"}
_TEST_STATUS = {"2"}


def _import_row(row: list[str]) -> bool:
    cells = [c for c in row if c]
    return bool(cells) and sum(bool(_IMPORT_RE.match(c)) for c in cells) >= max(1, len(cells) / 2)


def _layout(head: list[list[str]]) -> str | None:
    """``"current"`` (3 header rows), ``"legacy"`` (2) or None."""
    if len(head) >= 3 and _import_row(head[2]):
        return "current"
    if len(head) >= 2:
        first = [c for c in head[0][:10] if c]
        if (len(first) >= 5 and all(_V_RE.match(c) for c in first)
                and "ResponseID" in head[1]):
            return "legacy"
    return None


def sniff(path: Path, head: list[list[str]]) -> bool:
    """True for a Qualtrics export (an ``ImportId`` header row, or the legacy V1... layout).

    Parameters
    ----------
    path : pathlib.Path
        The file (not opened).
    head : list of list of str
        The first rows of the file as text.

    Returns
    -------
    bool
    """
    try:
        return _layout(clean_head(head)) is not None
    except Exception:  # a sniffer never raises  # noqa: BLE001
        return False


def _split_matrix(texts: dict[int, str]) -> tuple[dict[int, str], dict[int, str]]:
    """Matrix statements: ``"Q - row"`` shared by several columns -> (row text, stem)."""
    stems: Counter[str] = Counter()
    splits: dict[int, list[int]] = {}
    for j, t in texts.items():
        cuts = [m.start() for m in re.finditer(r" - ", t)]
        splits[j] = cuts
        for c in cuts:
            stems[t[:c]] += 1
    rows: dict[int, str] = {}
    stem_of: dict[int, str] = {}
    for j, t in texts.items():
        rows[j] = t
        for c in splits[j]:
            if stems[t[:c]] >= 2 and t[c + 3:].strip():
                rows[j] = t[c + 3:].strip()
                stem_of[j] = t[:c].strip()
                break
    return rows, stem_of


def read(path: Path, *, file: str, sheet: str | int | None = None,
         encoding: str | None = None, **_: Any) -> RawTable:
    """Read a Qualtrics export into a RawTable with one header row.

    Parameters
    ----------
    path : pathlib.Path
        The ``.csv``/``.tsv``/``.xlsx`` export.
    file : str
        The file as the user named it (for messages).
    sheet : str or int, optional
        Excel only: the sheet.
    encoding : str, optional
        CSV only: the text encoding (default: detected).

    Returns
    -------
    RawTable
        Columns named by export tag; ``rows`` are the spreadsheet rows (the
        first response of a current export is row 4); ``meta`` as described in
        the module docstring.
    """
    grid = read_grid(path, file=file, sheet=sheet, encoding=encoding)
    start = first_nonblank(grid.rows) or 0
    head = grid.rows[start:start + 3]
    layout = _layout([[c.replace("\ufeff", "").strip() for c in r] for r in head]) or "current"
    n_head = 3 if layout == "current" else 2
    width = max((len(r) for r in grid.rows[start:]), default=0)
    names_row = pad(grid.rows[start], width)
    text_row = pad(grid.rows[start + 1], width) if len(grid.rows) > start + 1 else [""] * width
    import_row = (pad(grid.rows[start + 2], width)
                  if layout == "current" and len(grid.rows) > start + 2 else [""] * width)
    header: list[str] = []
    for j in range(width):
        name = names_row[j].replace("\ufeff", "").strip()
        if layout == "legacy" and _V_RE.match(name) and text_row[j].strip():
            name = text_row[j].strip()
        header.append(name)
    body = [pad(r, width) for r in grid.rows[start + n_head:]]
    table = build_table(grid, header, body, start + n_head + 1, file=file, platform=PLATFORM)

    texts = {j: strip_html(text_row[j]) for j in range(width) if text_row[j].strip()}
    rows_text, stems = _split_matrix(texts)
    meta = table.meta
    meta["layout"] = layout
    meta_cols = set(present(table.columns, METADATA))
    meta["question_text"] = {c: t for c, t in by_position(table, rows_text).items()
                             if c not in meta_cols}
    meta["question_stem"] = by_position(table, stems)
    meta["import_ids"] = by_position(table, {
        j: m.group(1) for j in range(width) if (m := _IMPORT_RE.match(import_row[j].strip()))})
    cols = table.columns

    meta["pii_columns"] = present(cols, PII)
    meta["time_column"] = find_column(cols, "RecordedDate", "EndDate")
    questions = [c for c in cols if c not in present(cols, METADATA)]
    hint = find_id_hint(questions, meta["question_text"])
    if hint is None:
        ext = find_column(cols, "ExternalReference", "ExternalDataReference")
        if ext is not None and filled_share(table.cells[ext]) > 0.5:
            hint = ext
    meta["id_column"] = hint
    meta["not_id_columns"] = present(cols, ("ResponseId", "ResponseID"))

    status = find_column(cols, "Status")
    channel = find_column(cols, "DistributionChannel")
    exclude: dict[int, str] = {}
    for i, row in enumerate(table.rows):
        s = table.cells[status][i].strip() if status else ""
        ch = table.cells[channel][i].strip().casefold() if channel else ""
        if s in _PREVIEW_STATUS or "preview" in s.casefold() or ch == "preview":
            exclude[int(row)] = "Survey Preview response"
        elif s in _TEST_STATUS or s.casefold() == "survey test" or ch == "test":
            exclude[int(row)] = "Survey Test response (generated by Qualtrics)"
    meta["exclude"] = exclude
    finished = find_column(cols, "Finished")
    shown = [v.strip() for c in (status, finished) if c for v in table.cells[c] if v.strip()]
    if shown:
        meta["variant"] = ("numeric values" if all(v.isdigit() for v in shown)
                           else "choice text")
    if layout == "legacy":
        table.notes.append(f"{file}: legacy Qualtrics export (two header rows); "
                           "data start on row 3")
    return table

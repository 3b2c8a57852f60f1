"""SurveyMonkey "All individual responses" exports (CSV or Excel, expanded columns).

Layout
------
Two header rows. Row 1 holds the respondent metadata (``Respondent ID``,
``Collector ID``, ``Start Date``, ``End Date``, ``IP Address``,
``Email Address``, ``First Name``, ``Last Name``, ``Custom Data 1``) and then
each question's text, written only over the FIRST column of the question: a
matrix (Likert) question spans one column per statement and the cells of row 1
over the others are blank. Row 2 is blank over the metadata and holds
``Response`` (single-answer questions), ``Open-Ended Response``, the option
text (multiple answers) or the matrix statement. Data start on row 3: the
choice text ("Actual answer text") or its position ("Numerical value").

What the reader does
--------------------
* the question text of row 1 is carried forward over the blank cells; each
  column is named ``"<question>"`` (row 2 ``Response``, ``Open-Ended
  Response`` or blank) or ``"<question> (<row 2>)"``; duplicates are made
  unique as for any file (``.1``);
* ``meta["question_text"]``: the statement for matrix/option columns, the
  question otherwise; ``meta["question_stem"]``: the question of every
  question column;
* ``meta["time_column"]`` ``End Date``; ``meta["pii_columns"]``
  ``IP Address``, ``Email Address``, ``First Name``, ``Last Name``;
* ``meta["id_column"]``: an asked question named like an id (``id``,
  ``工号``, ``编号``...). ``Respondent ID`` numbers a response, not a person,
  and is never proposed.

Based on
--------
* SurveyMonkey help, "Exporting all responses" (expanded / condensed columns,
  actual answer text vs numerical value) and the sample layout in the
  "survey_monkey_converter" README (two header rows, question over the first
  column of a matrix).
* The metadata column list of public SurveyMonkey CSV parsers (e.g. the
  ``METADATA_COLUMNS`` of a "Survey Monkey CSV parser with multi-row header
  handling"; EDSL's ``ImportSurveyMonkey``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .._sources import RawTable
from .._text import name_key
from ._common import (
    build_table,
    by_position,
    clean_head,
    find_column,
    find_id_hint,
    first_nonblank,
    pad,
    present,
    read_grid,
)

__all__ = ["read", "sniff"]

PLATFORM = "surveymonkey"

METADATA = ("Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
            "Email Address", "First Name", "Last Name", "Custom Data 1", "Custom Data")
PII = ("IP Address", "Email Address", "First Name", "Last Name")
#: Row-2 texts that only say "the answer" (no statement or option).
GENERIC = {"response", "openendedresponse", "openended", "answer", "回答", "答案"}


def sniff(path: Path, head: list[list[str]]) -> bool:
    """True for a SurveyMonkey export: ``Respondent ID`` and ``Collector ID`` in row 1.

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
        rows = clean_head(head)
        if len(rows) < 2:
            return False
        keys = {name_key(c) for c in rows[0]}
        return "respondentid" in keys and "collectorid" in keys
    except Exception:  # a sniffer never raises  # noqa: BLE001
        return False


def read(path: Path, *, file: str, sheet: str | int | None = None,
         encoding: str | None = None, **_: Any) -> RawTable:
    """Read a SurveyMonkey export into a RawTable with one header row.

    Parameters
    ----------
    path : pathlib.Path
        The ``.csv``/``.xlsx`` export.
    file : str
        The file as the user named it (for messages).
    sheet : str or int, optional
        Excel only: the sheet.
    encoding : str, optional
        CSV only: the text encoding (default: detected).

    Returns
    -------
    RawTable
        ``rows`` start at 3 (the first response); ``meta`` as described in the
        module docstring.
    """
    grid = read_grid(path, file=file, sheet=sheet, encoding=encoding)
    start = first_nonblank(grid.rows) or 0
    width = max((len(r) for r in grid.rows[start:]), default=0)
    top = [c.replace("\ufeff", "").strip() for c in pad(grid.rows[start], width)]
    sub = ([c.strip() for c in pad(grid.rows[start + 1], width)]
           if len(grid.rows) > start + 1 else [""] * width)
    meta_keys = {name_key(m) for m in METADATA}

    header: list[str] = []
    texts: dict[int, str] = {}
    stems: dict[int, str] = {}
    stem = ""
    for j in range(width):
        if top[j]:
            stem = top[j]
        elif not sub[j]:
            stem = ""   # blank over blank: an empty column
        if not stem:
            header.append(sub[j])
            continue
        if name_key(stem) in meta_keys and not sub[j]:
            header.append(stem)
            continue
        stems[j] = stem
        if not sub[j] or name_key(sub[j]) in GENERIC:
            header.append(stem)
            texts[j] = stem
        else:
            header.append(f"{stem} ({sub[j]})")
            texts[j] = sub[j]
    body = [pad(r, width) for r in grid.rows[start + 2:]]
    table = build_table(grid, header, body, start + 3, file=file, platform=PLATFORM)
    meta = table.meta
    meta["question_text"] = by_position(table, texts)
    meta["question_stem"] = by_position(table, stems)
    cols = table.columns
    meta["pii_columns"] = present(cols, PII)
    meta["time_column"] = find_column(cols, "End Date", "Start Date")
    questions = [c for c in cols if c in meta["question_stem"]]
    meta["id_column"] = find_id_hint(questions, meta["question_text"],
                                     skip=("Respondent ID", "Collector ID"))
    meta["not_id_columns"] = present(cols, ("Respondent ID", "Collector ID"))
    return table

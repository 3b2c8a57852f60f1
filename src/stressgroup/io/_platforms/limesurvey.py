"""LimeSurvey response exports ("Export responses", CSV or Excel).

Layout
------
One header row, in one of the export's heading formats:

* ``code`` (the default): question codes; an array (matrix) question gives one
  column per sub-question, ``IND[SQ001]``; system columns ``id``,
  ``submitdate``, ``lastpage``, ``startlanguage``, ``seed``, ``startdate``,
  ``datestamp``, ``ipaddr``, ``refurl``, ``token``;
* ``codetext``: the code, a separator (default ``". "``) and the text,
  ``IND[SQ001]. <question> [<sub-question>]``;
* ``full`` / ``abbreviated``: the text only, ``<question> [<sub-question>]``
  (system columns ``Response ID``, ``Date submitted``, ``Last page``,
  ``Start language``...).

Answers are codes ("short") or answer texts ("long"). ``submitdate`` is empty
for a response that was never submitted (an incomplete response).

What the reader does
--------------------
* columns are named by code when the heading has one (``IND[SQ001]``), by the
  heading text otherwise; ``meta["question_text"]`` is the sub-question text
  (the part in the last ``[...]``) or the question text, when the heading has
  text (``codetext``, ``full``), for every column but the system columns;
  ``meta["question_stem"]`` the question;
* ``meta["exclude"]``: rows with an empty ``submitdate`` -> "incomplete
  response (not submitted)";
* ``meta["time_column"]`` ``submitdate``; ``meta["pii_columns"]`` ``ipaddr``;
* ``meta["id_column"]``: an asked question named like an id (code or text
  ``id``, ``工号``, ``编号``...). The system column ``id`` is LimeSurvey's
  response number, not a person, and is reported as
  ``meta["response_id_column"]``, never as the id.

Based on
--------
* LimeSurvey source, ``application/helpers/admin/export/Writer.php``
  (heading formats ``code`` / ``full`` / ``abbreviated`` / ``codetext``, the
  code with ``[``/``]`` sub-question separators, text = question + ``" [sub]"``)
  and ``FormattingOptions.php`` (short = answer codes, long = full answers).
* LimeSurvey manual, "Exporting results" and the RemoteControl
  ``export_responses`` API (``sHeadingType`` code/full/abbreviated,
  ``sCompletionStatus`` complete/incomplete/all), as used by the R packages
  limer / limonaid ``get_responses()``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .._sources import RawTable
from .._text import is_missing, name_key
from ._common import (
    build_table,
    by_position,
    clean_head,
    find_column,
    find_id_hint,
    first_nonblank,
    pad,
    read_grid,
    strip_html,
)

__all__ = ["read", "sniff"]

PLATFORM = "limesurvey"

SYSTEM = ("id", "submitdate", "lastpage", "startlanguage", "seed", "startdate",
          "datestamp", "ipaddr", "refurl", "token")
#: English headings of the system columns in ``full`` heading exports.
SYSTEM_TEXT = {
    "responseid": "id", "datesubmitted": "submitdate", "lastpage": "lastpage",
    "startlanguage": "startlanguage", "seed": "seed", "datestarted": "startdate",
    "datelastaction": "datestamp", "ipaddress": "ipaddr", "referrerurl": "refurl",
    "accesscode": "token", "token": "token",
}
_CODE = r"[A-Za-z][A-Za-z0-9_]*(?:\[[A-Za-z0-9_#-]+\])*"
_CODE_RE = re.compile(_CODE)
_SUB_RE = re.compile(r"^(.*?)\s*\[([^\[\]]+)\]\s*$", re.DOTALL)


def _mode(row: list[str]) -> tuple[str, str] | None:
    """(heading format, code/text separator) of a header row, or None."""
    cells = [c.strip() for c in row]
    keys = {c.casefold() for c in cells}
    if sum(s in keys for s in ("id", "submitdate", "lastpage", "startlanguage")) >= 3:
        return "code", ""
    for c in cells:
        m = re.match(r"^submitdate(\W+)\S", c)
        if m:
            sep = m.group(1)
            heads = [x.split(sep, 1)[0].casefold() for x in cells if sep in x]
            if sum(s in heads for s in ("id", "submitdate", "lastpage", "startlanguage")) >= 3:
                return "codetext", sep
    full = {SYSTEM_TEXT.get(name_key(c)) for c in cells}
    if sum(s in full for s in ("id", "submitdate", "lastpage", "startlanguage")) >= 3:
        return "full", ""
    return None


def sniff(path: Path, head: list[list[str]]) -> bool:
    """True for a LimeSurvey export: ``id``, ``submitdate``, ``lastpage``, ``startlanguage``.

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
        return bool(rows) and _mode(rows[0]) is not None
    except Exception:  # a sniffer never raises  # noqa: BLE001
        return False


def _split_text(text: str) -> tuple[str, str | None]:
    """``"<question> [<sub>]"`` -> (sub, question); else (text, None)."""
    m = _SUB_RE.match(text)
    if m and m.group(1).strip():
        return m.group(2).strip(), m.group(1).strip()
    return text, None


def read(path: Path, *, file: str, sheet: str | int | None = None,
         encoding: str | None = None, **_: Any) -> RawTable:
    """Read a LimeSurvey export into a RawTable.

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
        Columns named by question code where the heading has one; ``meta`` as
        described in the module docstring.
    """
    grid = read_grid(path, file=file, sheet=sheet, encoding=encoding)
    start = first_nonblank(grid.rows) or 0
    width = max((len(r) for r in grid.rows[start:]), default=0)
    raw_head = [c.replace("\ufeff", "").strip() for c in pad(grid.rows[start], width)]
    mode, sep = _mode(raw_head) or ("code", "")

    header: list[str] = []
    texts: dict[int, str] = {}
    stems: dict[int, str] = {}
    system: dict[int, str] = {}
    for j, h in enumerate(raw_head):
        code, text = h, None
        if mode == "codetext" and sep in h:
            left, right = h.split(sep, 1)
            if _CODE_RE.fullmatch(left.strip()):
                code, text = left.strip(), strip_html(right)
        elif mode == "full":
            text = strip_html(h)
            sys_code = SYSTEM_TEXT.get(name_key(h))
            if sys_code:
                system[j] = sys_code
        if mode != "full" and code.casefold() in SYSTEM:
            system[j] = code.casefold()
        header.append(code)
        if text:
            sub, stem = _split_text(text)
            texts[j] = sub
            if stem:
                stems[j] = stem
    body = [pad(r, width) for r in grid.rows[start + 1:]]
    table = build_table(grid, header, body, start + 2, file=file, platform=PLATFORM)
    meta = table.meta
    meta["heading"] = mode
    sys_cols = by_position(table, system)           # column -> system code
    meta["question_text"] = {c: t for c, t in by_position(table, texts).items()
                             if c not in sys_cols}
    meta["question_stem"] = by_position(table, stems)
    by_code = {code: col for col, code in sys_cols.items()}
    meta["response_id_column"] = by_code.get("id")
    meta["time_column"] = by_code.get("submitdate") or find_column(table.columns, "submitdate")
    meta["pii_columns"] = [by_code["ipaddr"]] if "ipaddr" in by_code else []
    questions = [c for c in table.columns if c not in sys_cols]
    meta["id_column"] = find_id_hint(questions, meta["question_text"])
    meta["not_id_columns"] = [by_code["id"]] if "id" in by_code else []

    submit = by_code.get("submitdate")
    if submit is not None:
        meta["exclude"] = {int(row): "incomplete response (not submitted)"
                           for row, v in zip(table.rows, table.cells[submit]) if is_missing(v)}
    else:
        table.notes.append(f"{file}: no submitdate column; incomplete LimeSurvey responses "
                           "cannot be told apart")
    return table

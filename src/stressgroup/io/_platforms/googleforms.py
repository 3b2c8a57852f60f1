"""Google Forms responses (the form's "Download responses (.csv)" or its linked Sheet).

Layout
------
One header row: ``Timestamp`` first (the submit time; ``时间戳记`` in a
Chinese-language Sheet), ``Email Address`` when the form collects e-mail
addresses, ``Score`` for a quiz, then one column per question headed by the
question title. A multiple-choice grid or tick-box grid gives one column per
grid row, headed ``Question [Row]``; the cells hold the chosen column label
(several labels joined by ``;`` for a tick-box grid).

What the reader does
--------------------
* keeps the one header row; ``meta["question_text"]`` is the grid row text
  for grid columns (``Question [Row]`` -> ``Row``) and the title for the other
  questions (not for ``Timestamp``, ``Email Address``, ``Score``),
  ``meta["question_stem"]`` the grid title;
* ``meta["time_column"]`` the timestamp column; ``meta["pii_columns"]``
  ``Email Address``;
* ``meta["id_column"]``: a question named like an id (``id``, ``工号``,
  ``编号``...).

Based on
--------
* Google Docs Editors Help, "View & manage form responses" (download
  responses as .csv; the linked Sheet has a Timestamp column and one column per
  question) and "Multiple choice grid" (one column per row, ``Question [Row]``).
* Google Forms API reference, ``forms.responses`` (``createTime`` /
  ``lastSubmittedTime``, ``respondentEmail``), which the export's
  ``Timestamp`` / ``Email Address`` columns hold.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .._sources import RawTable
from .._text import name_key
from ._common import (
    build_table,
    by_position,
    clean_head,
    find_id_hint,
    first_nonblank,
    pad,
    present,
    read_grid,
)

__all__ = ["read", "sniff"]

PLATFORM = "googleforms"

#: ``Timestamp`` in the Sheet languages users are likely to have.
TIMESTAMP = ("Timestamp", "时间戳记", "時間戳記", "时间戳", "Marca temporal",
             "Horodateur", "Zeitstempel", "Carimbo de data/hora", "タイムスタンプ")
EMAIL = ("Email Address", "Email address", "电子邮件地址", "電子郵件地址")
_GRID_RE = re.compile(r"^(.+?)\s*\[([^\[\]]+)\]\s*$", re.DOTALL)


def sniff(path: Path, head: list[list[str]]) -> bool:
    """True for a Google Forms export: the first column is ``Timestamp``.

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
        if not rows or not rows[0]:
            return False
        return name_key(rows[0][0]) in {name_key(t) for t in TIMESTAMP}
    except Exception:  # a sniffer never raises  # noqa: BLE001
        return False


def read(path: Path, *, file: str, sheet: str | int | None = None,
         encoding: str | None = None, **_: Any) -> RawTable:
    """Read a Google Forms responses file into a RawTable.

    Parameters
    ----------
    path : pathlib.Path
        The ``.csv`` download or the Sheet saved as ``.xlsx``.
    file : str
        The file as the user named it (for messages).
    sheet : str or int, optional
        Excel only: the sheet.
    encoding : str, optional
        CSV only: the text encoding (default: detected).

    Returns
    -------
    RawTable
        ``meta`` as described in the module docstring.
    """
    grid = read_grid(path, file=file, sheet=sheet, encoding=encoding)
    start = first_nonblank(grid.rows) or 0
    width = max((len(r) for r in grid.rows[start:]), default=0)
    header = [c.replace("\ufeff", "").strip() for c in pad(grid.rows[start], width)]
    texts: dict[int, str] = {}
    stems: dict[int, str] = {}
    for j, h in enumerate(header):
        m = _GRID_RE.match(h)
        if m:
            texts[j], stems[j] = m.group(2).strip(), m.group(1).strip()
        elif h:
            texts[j] = h
    body = [pad(r, width) for r in grid.rows[start + 1:]]
    table = build_table(grid, header, body, start + 2, file=file, platform=PLATFORM)
    meta = table.meta
    cols = table.columns
    stamp = present(cols, TIMESTAMP)
    meta["time_column"] = stamp[0] if stamp else None
    meta["pii_columns"] = present(cols, EMAIL)
    fixed = {*stamp, *meta["pii_columns"], *present(cols, ("Score", "分数"))}
    meta["question_text"] = {c: t for c, t in by_position(table, texts).items()
                             if c not in fixed}
    meta["question_stem"] = by_position(table, stems)
    meta["id_column"] = find_id_hint(cols, meta["question_text"])
    return table

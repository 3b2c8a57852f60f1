"""REDCap record exports, raw (codes and variable names), including longitudinal projects.

Layout
------
One header row of variable names. The record id is the project's first field
(``record_id`` by default). A longitudinal project adds
``redcap_event_name`` (the unique event name, ``baseline_arm_1``,
``post_arm_1``, ``followup_arm_1``...): one row per record per event, and a
form that is only designated on the first event (demographics) is blank on
the rows of the other events. Repeating instruments/events add
``redcap_repeat_instrument`` and ``redcap_repeat_instance``: a row of a
repeating instrument carries only that instrument's fields. Each form has a
``<form>_complete`` status field (0 Incomplete, 1 Unverified, 2 Complete);
data access groups add ``redcap_data_access_group``, survey projects
``redcap_survey_identifier`` and ``<form>_timestamp``.

What the reader does
--------------------
* ``meta["id_column"]`` the first column (``record_id``);
  ``meta["wave_column"]`` ``redcap_event_name`` and ``meta["wave_map"]`` the
  waves of its event names: the arm suffix (``_arm_1``) is dropped, then
  ``baseline``/``pre``/``t1``... -> ``pre``, ``post``/``t2``... -> ``post``,
  ``followup``/``follow_up``/``fu``/``t3``... -> ``follow-up``; an event
  name that maps to no known wave keeps its name without the arm suffix, one
  whose wave an earlier event already took keeps its full name (a note says
  so in both cases). The pipeline applies ``wave_map`` to the wave column;
* **demographics are carried to the other events**: a field that is filled on
  the first event of some record and blank on every row of every other event
  (a form designated on the first event only) is copied, per record, from the
  record's first event to the record's other events where it is blank; the
  notes list the fields so copied;
* rows of a repeating instrument (``redcap_repeat_instrument`` filled) are not
  one row per person per wave: ``meta["exclude"]`` lists them
  ("REDCap repeating instrument <name>, instance <n>"); rows of a repeating
  event keep their event's wave;
* ``<form>_complete`` fields are status codes, not answers: they are kept
  as extra columns and listed in ``meta["status_columns"]``;
* ``meta["time_column"]`` a ``<form>_timestamp`` field if there is one.

Based on
--------
* REDCap API documentation, "Export Records" (``type=flat``,
  ``rawOrLabel=raw``, ``rawOrLabelHeaders=raw``; ``redcap_event_name``,
  ``redcap_repeat_instrument``, ``redcap_repeat_instance``) and "Export
  Repeating Instruments and Events", as quoted by the R packages REDCapR
  (``redcap_read_oneshot``, ``redcap_instrument_repeating``) and redcapAPI.
* REDCapTidieR, ``create_repeat_instance_vars()`` / ``clean_redcap_long()``:
  rows with ``redcap_repeat_instrument`` belong to that instrument only; the
  linkml-redcap ``FlatRecord`` model (record id = the project's first field).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .._sources import RawTable, replace_cells
from .._text import WAVE_ORDER, is_missing, name_key, normalise_wave
from ._common import build_table, clean_head, first_nonblank, pad, read_grid

__all__ = ["event_wave", "read", "sniff"]

PLATFORM = "redcap"

EVENT = "redcap_event_name"
REPEAT_INSTRUMENT = "redcap_repeat_instrument"
REPEAT_INSTANCE = "redcap_repeat_instance"
_ARM_RE = re.compile(r"[_\s]*arm[_\s]*\d+$", re.IGNORECASE)
_WAVE_WORDS = {
    "pre": ("baseline", "pre", "pretest", "preintervention", "t0", "t1", "time1", "wave1",
            "intake", "enrollment", "enrolment", "week0", "month0", "visit1", "前测", "基线"),
    "post": ("post", "posttest", "postintervention", "endoftreatment", "eot", "t2", "time2",
             "wave2", "visit2", "后测"),
    "follow-up": ("followup", "fu", "t3", "time3", "wave3", "visit3", "追踪", "随访"),
}
_WAVE_KEYS = {w: k for k, words in _WAVE_WORDS.items() for w in words}


def sniff(path: Path, head: list[list[str]]) -> bool:
    """True for a REDCap raw export: ``redcap_event_name`` / ``redcap_repeat_*`` in the header,
    or ``record_id`` first with ``<form>_complete`` fields.

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
        if not rows:
            return False
        cols = [c.casefold() for c in rows[0]]
        if any(c in (EVENT, REPEAT_INSTRUMENT, REPEAT_INSTANCE) for c in cols):
            return True
        return bool(cols) and cols[0] == "record_id" and any(c.endswith("_complete")
                                                            for c in cols)
    except Exception:  # a sniffer never raises  # noqa: BLE001
        return False


def event_wave(event: str) -> str | None:
    """The wave of a REDCap unique event name (``baseline_arm_1`` -> ``"pre"``), or None.

    Parameters
    ----------
    event : str
        A unique event name.

    Returns
    -------
    str or None
        ``"pre"``, ``"post"`` or ``"follow-up"``; None when the name says none.

    Examples
    --------
    >>> event_wave("baseline_arm_1"), event_wave("post_arm_1"), event_wave("follow_up_arm_2")
    ('pre', 'post', 'follow-up')
    >>> event_wave("visit_lab_arm_1") is None
    True
    """
    stem = _ARM_RE.sub("", event.strip())
    known = normalise_wave(stem)
    if known in WAVE_ORDER:
        return known
    key = name_key(stem)
    if key in _WAVE_KEYS:
        return _WAVE_KEYS[key]
    for word, wave in sorted(_WAVE_KEYS.items(), key=lambda kv: -len(kv[0])):
        if len(word) >= 4 and word in key:
            return wave
    return None


def read(path: Path, *, file: str, sheet: str | int | None = None,
         encoding: str | None = None, **_: Any) -> RawTable:
    """Read a REDCap raw export into a RawTable.

    Parameters
    ----------
    path : pathlib.Path
        The ``.csv`` export (or the same table in Excel).
    file : str
        The file as the user named it (for messages).
    sheet : str or int, optional
        Excel only: the sheet.
    encoding : str, optional
        CSV only: the text encoding (default: detected).

    Returns
    -------
    RawTable
        One row per record per event; ``meta`` as described in the module
        docstring. Cells copied from a record's first event are the only
        cells that differ from the file.
    """
    grid = read_grid(path, file=file, sheet=sheet, encoding=encoding)
    start = first_nonblank(grid.rows) or 0
    width = max((len(r) for r in grid.rows[start:]), default=0)
    header = [c.replace("\ufeff", "").strip() for c in pad(grid.rows[start], width)]
    body = [pad(r, width) for r in grid.rows[start + 1:]]
    table = build_table(grid, header, body, start + 2, file=file, platform=PLATFORM)
    meta = table.meta
    cols = table.columns
    lower = {c.casefold(): c for c in cols}
    idc = cols[0]
    meta["id_column"] = idc
    event = lower.get(EVENT)
    rep_inst = lower.get(REPEAT_INSTRUMENT)
    rep_n = lower.get(REPEAT_INSTANCE)
    status = [c for c in cols if c.casefold().endswith("_complete")]
    meta["status_columns"] = status
    stamps = [c for c in cols if c.casefold().endswith("_timestamp")]
    meta["time_column"] = stamps[-1] if stamps else None
    n = table.n_rows

    # -- repeating instruments -------------------------------------------------------
    repeat = [False] * n
    if rep_inst is not None:
        exclude = {}
        for i in range(n):
            name = table.cells[rep_inst][i].strip()
            if name:
                repeat[i] = True
                inst = table.cells[rep_n][i].strip() if rep_n else ""
                exclude[int(table.rows[i])] = (
                    f"REDCap repeating instrument {name!r}"
                    + (f", instance {inst}" if inst else "")
                    + " (not one row per person per wave)")
        meta["exclude"] = exclude

    if event is None:
        return table

    # -- waves -------------------------------------------------------------------------
    meta["wave_column"] = event
    wave_map: dict[str, str] = {}
    taken: dict[str, str] = {}
    unmapped: list[str] = []
    for name in dict.fromkeys(v.strip() for v in table.cells[event] if v.strip()):
        wave = event_wave(name)
        if wave is None:
            wave_map[name] = _ARM_RE.sub("", name) or name
            unmapped.append(name)
        elif wave in taken:
            wave_map[name] = name      # its own name: stripped, it would read as `wave`
            unmapped.append(name)
        else:
            wave_map[name] = wave
            taken[wave] = name
    meta["wave_map"] = wave_map
    table.notes.append(f"{file}: REDCap events read as waves: "
                       + ", ".join(f"{k} -> {v}" for k, v in wave_map.items()))
    if unmapped:
        table.notes.append(
            f"{file}: REDCap events {', '.join(map(repr, unmapped))} name no known wave (or one "
            "already taken by an earlier event) and keep their own names; pass wave_col= with "
            "a recoded column if they are waves")

    # -- demographics on the first event only -------------------------------------------
    skip = {idc, event, *(c for c in (rep_inst, rep_n) if c), *status}
    skip |= {c for c in cols if c.casefold().startswith("redcap_")}
    first: dict[str, int] = {}
    for i in range(n):
        if not repeat[i]:
            first.setdefault(table.cells[idc][i].strip(), i)
    first_rows = set(first.values())
    others = [i for i in range(n) if not repeat[i] and i not in first_rows]
    if not others:
        return table
    carried: list[str] = []
    for c in cols:
        if c in skip:
            continue
        values = table.cells[c]
        if any(not is_missing(values[i]) for i in others):
            continue
        if not any(not is_missing(values[i]) for i in first_rows):
            continue
        values = values.copy()   # new cells (the codes cached of the old ones stay true)
        changed = 0
        for i in others:
            src = first.get(table.cells[idc][i].strip())
            if src is not None and not is_missing(values[src]):
                values[i] = values[src]
                changed += 1
        if changed:
            replace_cells(table, c, values)
            carried.append(c)
    if carried:
        meta["carried_columns"] = carried
        table.notes.append(
            f"{file}: {', '.join(map(repr, carried))} are recorded on each record's first "
            "event only (REDCap form designated on that event); copied to the record's "
            "other events")
    return table

"""SPSS data files (``.sav``, ``.zsav``) via pyreadstat.

What the reader does
--------------------
* reads the file with ``pyreadstat.read_sav(..., user_missing=True)`` so that
  user-missing codes stay visible (they would otherwise become NaN and be
  indistinguishable from a blank), and turns every cell into text: whole
  numbers without ``.0`` (``3``, not ``3.0``), other numbers as Python writes
  them, system-missing as blank, dates as ISO text, strings as stored (an id
  held as a string keeps its leading zeros; a numeric id with SPSS format
  ``N<w>``, which SPSS shows zero-padded, is zero-padded to ``w`` digits);
* ``meta["missing_values"]``: per variable, every user-missing code (discrete
  values, and the values present in the file inside a missing range) ->
  ``"<value label> (SPSS user-missing <code>)"``, e.g. ``9`` -> ``"no answer
  (SPSS user-missing 9)"``; the pipeline turns such cells into missing
  values with that reason, never into scores;
* ``meta["value_labels"]``: ``{variable: {code as text: label}}``;
  ``meta["question_text"]``: the variable labels;
* ``rows`` are SPSS case numbers (the row numbers of the Data View, from 1);
* ``meta["id_column"]`` / ``meta["wave_column"]`` / ``meta["time_column"]``
  are left to the pipeline's detection by name, except that a variable
  labelled like an id (``工号``, ``编号``) is proposed as the id.

pyreadstat is imported when a file is read, not when stressgroup is imported.

Based on
--------
* pyreadstat documentation, ``read_sav`` (``user_missing``: "If true, the
  missing values will be deliver as is, and an extra piece of information will
  be set in the metadata (missing_ranges)"; ``metadata.missing_ranges``,
  ``variable_value_labels``, ``column_names_to_labels``,
  ``original_variable_types``) and ``write_sav`` (``missing_ranges``: discrete
  values or ``{"lo": .., "hi": ..}``).
* haven ``read_sav(user_na = TRUE)`` (the same ReadStat library), which keeps
  user-defined missing values as ``labelled_spss`` instead of NA.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from ...core.errors import DataError
from .._sources import RawTable, _from_grid
from .._text import cell_text
from ._common import empty_meta, find_id_hint

__all__ = ["read", "sniff"]

PLATFORM = "spss"
SUFFIXES = (".sav", ".zsav")
_N_FORMAT = re.compile(r"^N(\d+)$", re.IGNORECASE)


def sniff(path: Path, head: list[list[str]]) -> bool:
    """True for an SPSS system file: suffix ``.sav``/``.zsav`` or the ``$FL2``/``$FL3`` magic.

    Parameters
    ----------
    path : pathlib.Path
        The file; its first four bytes are read when the suffix is not ``.sav``.
    head : list of list of str
        Unused (``[]`` for binary files).

    Returns
    -------
    bool
    """
    try:
        if path.suffix.lower() in SUFFIXES:
            return True
        with open(path, "rb") as fh:
            return fh.read(4) in (b"$FL2", b"$FL3")
    except Exception:  # a sniffer never raises  # noqa: BLE001
        return False


def _text(value: Any, width: int | None = None) -> str:
    if isinstance(value, float) and not math.isnan(value) and width and value.is_integer() \
            and value >= 0:
        return str(int(value)).zfill(width)
    return cell_text(value)


def _code_text(code: Any) -> str:
    return cell_text(float(code)) if isinstance(code, (int, float)) else cell_text(code)


def read(path: Path, *, file: str, sheet: Any = None, encoding: str | None = None,
         **_: Any) -> RawTable:
    """Read an SPSS ``.sav``/``.zsav`` file into a RawTable of text.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    file : str
        The file as the user named it (for messages).
    sheet : None
        Not used.
    encoding : str, optional
        Passed to pyreadstat for old files without an encoding record.

    Returns
    -------
    RawTable
        ``rows`` are case numbers (1, 2, ...); ``meta`` as described in the
        module docstring.
    """
    try:
        import pyreadstat  # lazy: not needed unless an SPSS file is read
    except ImportError:
        raise DataError("reading SPSS .sav files needs pyreadstat (pip install pyreadstat); "
                        "or save the data from SPSS as .csv or .xlsx.") from None
    try:
        frame, info = pyreadstat.read_sav(str(path), user_missing=True,
                                          apply_value_formats=False, encoding=encoding)
    except Exception as exc:  # noqa: BLE001  (any ReadStat failure is a bad file)
        raise DataError(f"{file} could not be read as an SPSS data file ({exc}). "
                        "Check the file, or save it again from SPSS.") from None
    names = [str(c) for c in frame.columns]
    types = dict(getattr(info, "original_variable_types", None) or {})
    widths = {}
    for c in names:
        m = _N_FORMAT.match(str(types.get(c, "")))
        if m:
            widths[c] = int(m.group(1))
    columns = [frame[c].tolist() for c in names]
    grid = [names] + [[_text(col[i], widths.get(c)) for c, col in zip(names, columns)]
                      for i in range(len(frame))]
    table = _from_grid(grid, file=file, source="spss", first_row=0)
    table.meta.update(empty_meta(PLATFORM))
    meta = table.meta
    rename = {names[j]: name for name, j in meta["positions"].items()}

    labels = dict(getattr(info, "column_names_to_labels", None) or {})
    meta["question_text"] = {rename[c]: str(t) for c, t in labels.items()
                             if c in rename and t}
    value_labels = dict(getattr(info, "variable_value_labels", None) or {})
    meta["value_labels"] = {rename[c]: {_code_text(k): str(v) for k, v in vl.items()}
                            for c, vl in value_labels.items() if c in rename}

    missing: dict[str, dict[str, str]] = {}
    ranges = dict(getattr(info, "missing_ranges", None) or {})
    for c, specs in ranges.items():
        if c not in rename:
            continue
        col = rename[c]
        vl = meta["value_labels"].get(col, {})
        codes: dict[str, str] = {}
        for spec in specs or []:
            lo, hi = (spec.get("lo"), spec.get("hi")) if isinstance(spec, dict) else (spec, spec)
            if lo is None:
                continue
            if lo == hi:
                found = [_code_text(lo)]
            else:
                found = sorted({v for v in table.cells[col]
                                if v and _in_range(v, lo, hi)}, key=lambda v: float(v))
            for code in found:
                label = vl.get(code)
                codes[code] = (f"{label} (SPSS user-missing {code})" if label
                               else f"SPSS user-missing value {code}")
        if codes:
            missing[col] = codes
    meta["missing_values"] = missing
    # a variable named like an id, else one labelled like an id (工号, 编号...)
    meta["id_column"] = find_id_hint(table.columns, meta["question_text"])
    if widths:
        table.notes.append(f"{file}: numeric variables with SPSS format N (shown zero-padded) "
                           f"read as zero-padded text: {', '.join(map(repr, widths))}")
    return table


def _in_range(text: str, lo: Any, hi: Any) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return float(lo) <= value <= float(hi)

"""Ids: the id column, normalised ids, and the id changes the report lists."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._columns import find_column, find_id_column
from . import _distinct as distinct
from ._options import Options
from ._sources import FOOTER_REASON, RawTable, factorized
from ._text import name_key
from ..core.errors import DataError

__all__ = ["find_id", "footer_rows", "id_changes", "id_column", "normalised_distinct",
           "normalised_ids"]


def id_column(raw: RawTable, opt: Options, reserved: Sequence[str] = ()) -> str:
    """The id column: ``id_col=``, else found by name among the columns not ``reserved``."""
    return find_id(raw, opt, reserved)[0]


def find_id(raw: RawTable, opt: Options, reserved: Sequence[str] = ()) -> tuple[str, str]:
    """``(id column, how it was found)``.

    ``id_col=`` may be one name or several candidates: the first one the file has
    is the id (a DataError naming the file when it has none of them). Otherwise a
    reader's hint (a question whose name or text asks for the id) or a column named
    like an id.
    """
    cols = list(raw.columns)
    given = opt.id_col
    if given is not None:
        if isinstance(given, str):
            col = find_column(cols, given, what="id", param="id_col", file=raw.file)
            return col, "given (id_col / --id)"
        cands = [str(c) for c in given]
        for k, cand in enumerate(cands, start=1):
            try:
                col = find_column(cols, cand, what="id", param="id_col", file=raw.file)
            except DataError:
                continue
            return col, (f"candidate {k} of {len(cands)} given (id_col / --id: "
                         f"{', '.join(cands)})")
        raise DataError(
            f"{raw.file}: none of the id columns given ({', '.join(repr(c) for c in cands)}; "
            f"id_col / --id) is a column of this file. Its columns are: "
            f"{', '.join(repr(c) for c in cols)}.")
    hint = raw.meta.get("id_column")
    col = find_id_column([c for c in cols if c not in reserved], raw.file, hint=hint,
                         exclude=raw.meta.get("not_id_columns", ()))
    if hint is not None and col == hint:
        text = (raw.meta.get("question_text") or {}).get(col)
        how = (f"by its question text {text!r}" if text and name_key(text) != name_key(col)
               else "named by the export format")
        return col, how
    return col, "by its name"


def normalised_ids(raw: RawTable, idc: str) -> tuple[np.ndarray, np.ndarray]:
    """``(ids as written, normalised ids)``; a missing id is ``""``."""
    ids_raw = raw.cells[idc]
    codes, uniques = factorized(raw, idc)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = distinct.normalised_ids(uniques.tolist())
    mapped[-1] = ""   # normalise_id("")
    ids = mapped[codes]
    raw.meta["_normalised_ids"] = (ids, codes, mapped)
    raw.meta["_normalised_ids_column"] = idc
    return ids_raw, ids


def normalised_distinct(raw: RawTable, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``(codes, normalised id per code)`` when ``ids`` are the ids :func:`normalised_ids`
    made of ``raw`` (``ids == norm[codes]``), else None."""
    hit = raw.meta.get("_normalised_ids")
    if hit is None or hit[0] is not ids:
        return None
    return hit[1], hit[2]


def footer_rows(raw: RawTable) -> set[int]:
    """Spreadsheet rows the reader found to be footer/notes lines (not responses)."""
    return {int(r) for r, why in (raw.meta.get("exclude") or {}).items() if why == FOOTER_REASON}


def id_changes(raw: RawTable, ids_raw: np.ndarray, ids: np.ndarray,
               hashed: np.ndarray) -> list[dict[str, Any]]:
    """The ``id_changes`` rows: ids that normalising changed (full-width digits, spaces).

    A hashed id's original is personal data and a footer line's text is not an id
    (it may name a person, ``制表人：王小明``): neither is ever listed.
    """
    footer = footer_rows(raw)
    out = []
    for i in np.flatnonzero((ids != "") & (ids != ids_raw) & ~hashed):
        if int(raw.rows[i]) in footer:
            continue
        out.append({"file": raw.file, "row": int(raw.rows[i]), "original": ids_raw[i],
                    "id": ids[i]})
    return out

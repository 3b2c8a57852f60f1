"""Ids: the id column, normalised ids, and the id changes the report lists."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._columns import find_column, find_id_column
from ._convert import map_distinct
from ._options import Options
from ._sources import FOOTER_REASON, RawTable, factorized
from ._text import normalise_id

__all__ = ["footer_rows", "id_changes", "id_column", "normalised_ids"]


def id_column(raw: RawTable, opt: Options, reserved: Sequence[str] = ()) -> str:
    """The id column: ``id_col=``, else found by name among the columns not ``reserved``."""
    cols = list(raw.columns)
    if opt.id_col is not None:
        return find_column(cols, str(opt.id_col), what="id", param="id_col", file=raw.file)
    return find_id_column([c for c in cols if c not in reserved], raw.file,
                          hint=raw.meta.get("id_column"),
                          exclude=raw.meta.get("not_id_columns", ()))


def normalised_ids(raw: RawTable, idc: str) -> tuple[np.ndarray, np.ndarray]:
    """``(ids as written, normalised ids)``; a missing id is ``""``."""
    ids_raw = raw.cells[idc]
    return ids_raw, map_distinct(ids_raw, normalise_id, factorized(raw, idc))


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

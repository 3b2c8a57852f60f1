"""Extra columns (group, gender, age, ...): their values as kept, and their names in ``data``."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ._convert import factorize, map_distinct
from ._pii import pseudonymized
from ._sources import RawTable, factorized
from ._text import is_missing, name_key, nfkc

__all__ = ["Extras", "extra_series"]

# extra columns kept as text even when every value is a number (group codes "01", "02")
_TEXT_GROUP_NAMES = {"group", "组别", "分组", "组", "组名"}
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_LEADING_ZERO_RE = re.compile(r"[+-]?0\d")


class Extras:
    """The extra columns of one file: values by :meth:`values`, output names by :meth:`name`."""

    def __init__(self, raw: RawTable, *, hashed: set[str], salt: str, notes: list[str]):
        self.raw = raw
        self.hashed = hashed
        self.salt = salt
        self.notes = notes

    def values(self, c: str) -> pd.Series:
        """Column ``c`` as kept, one value per input row (numbers when all are numbers)."""
        raw = self.raw
        if c in self.hashed:
            return pd.Series(pseudonymized(raw.cells[c], self.salt))
        is_group = name_key(c) in _TEXT_GROUP_NAMES
        if raw.original is not None:
            pos = raw.meta["positions"][c]
            series = raw.original.iloc[(raw.rows - 2), pos].reset_index(drop=True)
            if is_group and (series.dtype == object or pd.api.types.is_string_dtype(series)):
                series = series.map(lambda v: v.strip() if isinstance(v, str) else v)
            return series
        missing_values = raw.meta.get("missing_values") or {}
        marks = {**missing_values.get("*", {}), **missing_values.get(c, {})}
        if marks:   # a format's missing codes ((空), -2 ...) are missing in extras too
            keys = {nfkc(k).strip() for k in marks}
            cells_c = map_distinct(raw.cells[c], lambda v: "" if nfkc(v).strip() in keys else v,
                                   factorized(raw, c))
            return extra_series(cells_c, as_text=is_group)
        return extra_series(raw.cells[c], as_text=is_group, fact=factorized(raw, c))

    def name(self, name: str, taken: set[str]) -> str:
        """``name``, or ``name_extra`` (noted) when ``data`` already has a column so named;
        the name returned is added to ``taken``."""
        new = name
        while new in taken:
            new = f"{new}_extra"
        if new != name:
            self.notes.append(f"{self.raw.file}: extra column {name!r} renamed {new!r} "
                              "(the name is taken)")
        taken.add(new)
        return new


def extra_series(values: np.ndarray, *, as_text: bool,
                  fact: tuple[np.ndarray, np.ndarray] | None = None) -> pd.Series:
    """Text of an extra column -> numbers when every answered value is a plain number."""
    codes, uniques = factorize(values, fact)
    stripped_u = [None if is_missing(u) else u.strip() for u in uniques]
    answered_u = [v for v in stripped_u if v is not None]
    missing_u = np.array([v is None for v in stripped_u] + [True], dtype=bool)
    any_missing = bool(missing_u[codes].any())
    if (not as_text and answered_u
            and all(_NUMBER_RE.fullmatch(v) for v in answered_u)
            and not any(_LEADING_ZERO_RE.match(v) for v in answered_u)):
        nums_u = np.array([np.nan if v is None else float(v) for v in stripped_u] + [np.nan])
        numbers = nums_u[codes]
        if not any_missing and all(float(v).is_integer() for v in answered_u):
            return pd.Series(numbers.astype("int64"))
        return pd.Series(numbers, dtype="float64")
    if not answered_u:
        return pd.Series([np.nan] * len(values), dtype="float64")
    obj_u = np.array(stripped_u + [None], dtype=object)
    return pd.Series(obj_u[codes], dtype=object)

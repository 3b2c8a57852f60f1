"""Extra columns (group, gender, age, ...): their values as kept, and their names in ``data``."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import _distinct as distinct
from ._convert import factorize
from ._distinct import Texts
from ._pii import pseudonymized
from ._sources import RawTable, factorized, stripped_distinct
from ._text import name_key, nfkc

__all__ = ["Extras", "extra_series"]

# extra columns kept as text even when every value is a number (group codes "01", "02")
_TEXT_GROUP_NAMES = {"group", "组别", "分组", "组", "组名"}
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_LEADING_ZERO_RE = re.compile(r"[+-]?0\d")
_NUMBER_CHARS = str.maketrans("", "", "0123456789+-.")
_SEP = "\x00"


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
        codes, uniques = factorized(raw, c)
        if marks:   # a format's missing codes ((空), -2 ...) are missing in extras too
            keys = {nfkc(k).strip() for k in marks}
            uniques = np.array(["" if nfkc(u).strip() in keys else u for u in uniques],
                               dtype=object)
            return extra_series(raw.cells[c], as_text=is_group, fact=(codes, uniques))
        return extra_series(raw.cells[c], as_text=is_group, fact=(codes, uniques),
                            clean=stripped_distinct(raw, c))

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
                  fact: tuple[np.ndarray, np.ndarray] | None = None,
                  clean: tuple[list[str], np.ndarray] | None = None) -> pd.Series:
    """Text of an extra column -> numbers when every answered value is a plain number.

    ``fact``: codes and a text per code (the distinct values, or their images: a value
    may appear more than once), as ``pandas.factorize`` gives them; ``clean``: those
    texts stripped and which are missing, when known.
    """
    codes, uniques = factorize(values, fact)
    if clean is not None:
        stripped, blank = clean
    else:
        stripped, blank = distinct.stripped_missing(
            uniques.tolist() if isinstance(uniques, np.ndarray) else list(uniques))
    missing_u = np.append(blank, True)   # code -1: a missing cell
    answered_at = np.flatnonzero(~missing_u[:-1])
    answered_u = stripped if len(answered_at) == len(stripped) else \
        [stripped[k] for k in answered_at.tolist()]
    any_missing = bool(missing_u[codes].any())
    numbers_u = None if as_text or not answered_u else _plain_numbers(answered_u)
    if numbers_u is not None:
        nums_u = np.full(len(uniques) + 1, np.nan)
        nums_u[answered_at] = numbers_u
        numbers = nums_u[codes]
        whole = np.isfinite(numbers_u) & (numbers_u == np.trunc(numbers_u))
        if not any_missing and whole.all():
            return pd.Series(numbers.astype("int64"))
        return pd.Series(numbers, dtype="float64")
    if not answered_u:
        return pd.Series([np.nan] * len(values), dtype="float64")
    obj_u = np.empty(len(uniques) + 1, dtype=object)
    obj_u[:-1] = stripped
    obj_u[missing_u] = None
    return pd.Series(obj_u[codes], dtype=object)


_POW10 = 10 ** np.arange(18, dtype=np.int64)   # a digit's place value, by look-up


def _digit_numbers(texts: Texts) -> np.ndarray | None:
    """``[float(v) for v in texts.values]`` when every value is 1 to 18 ASCII digits (a
    row number, an id), read from the digits at once; else None."""
    joined = texts.joined
    if joined is None or not texts.n or not joined.isascii() or any(
            ch in joined for ch in "+-."):
        return None
    lengths = texts.lengths
    if lengths.min() < 1 or lengths.max() > 18:
        return None
    units = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    digits = units[units != 0].astype(np.int64) - 48
    if len(digits) != int(lengths.sum()) or digits.min() < 0 or digits.max() > 9:
        return None
    # each digit times ten to the power of its place from the value's end
    ends = np.cumsum(lengths)
    place = np.repeat(ends, lengths) - np.arange(len(digits)) - 1
    values = np.add.reduceat(digits * _POW10[place], ends - lengths)
    return values.astype(np.float64)   # exact below 2**53, rounded as float() rounds


def _plain_numbers(answered: list[str]) -> np.ndarray | None:
    """The values as floats when every one is a plain number without a leading zero
    (``_NUMBER_RE``, ``_LEADING_ZERO_RE``), else None."""
    texts = Texts(answered)
    if texts.plain:
        # only digits, signs and points: float() reads exactly the _NUMBER_RE numbers
        if len(texts.joined.translate(_NUMBER_CHARS)) != texts.n - 1:
            return None
        numbers = _digit_numbers(texts)
        if numbers is None:
            try:
                numbers = np.array(answered, dtype=object).astype(np.float64)
            except ValueError:
                return None
        joined = texts.joined
        if (joined[:1] == "0" or joined[:2] in ("+0", "-0") or any(
                f"{_SEP}{p}" in joined for p in ("0", "+0", "-0"))) and any(
                _LEADING_ZERO_RE.match(v) for v in answered):
            return None
        return numbers
    if not all(_NUMBER_RE.fullmatch(v) for v in answered) or any(
            _LEADING_ZERO_RE.match(v) for v in answered):
        return None
    return np.array([float(v) for v in answered])

"""The text rules of :mod:`._text` applied to many values at once.

A column of 100,000 ids or submit times holds as many distinct values, and a Python
function called per value can cost more than reading the file. Here each rule is
decided for most values by a few whole-array operations (the values joined into one
string and searched for the characters that matter, lengths, a hash-table lookup),
and only the values these cannot decide are handed to the per-value function of
:mod:`._text` or :mod:`stressgroup.core.privacy`. Every function returns exactly
what the per-value function returns (``tests/io/test_io_vectorised.py`` compares
them on tricky input).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..core.privacy import personal_kind
from ._text import MISSING_MARKERS, is_missing, normalise_id

__all__ = ["Texts", "factorize_text", "masked", "missing", "normalised_ids", "personal_kinds", "short_plain",
           "stripped_missing"]

_SEP = "\x00"
#: Every character ``str.strip`` takes for whitespace (none is above U+3000).
_SPACE_CODES = np.array([c for c in range(0x3001) if chr(c).isspace()], dtype=np.uint32)
#: The ASCII whitespace (what ``str.split``/``strip`` and ``re``'s ``\s`` take for
#: whitespace among ASCII characters).
ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def _cases(word: str) -> set[str]:
    out = {""}
    for ch in word:
        out = {w + c for w in out for c in {ch.lower(), ch.upper()}}
    return out


# every ASCII spelling of the missing markers: an ASCII value without whitespace is
# missing exactly when it is one of these (NFKC leaves ASCII alone, casefold is lower)
_MARKER_SPELLINGS = frozenset(s for m in MISSING_MARKERS for s in _cases(m))
# deleted from an ASCII value, these leave nothing of a phone or ID-card number or an
# IPv4 address (digits, spaces and dashes, "+", "." and X)
_NUMBERISH = str.maketrans("", "", "0123456789" + ASCII_SPACE + "-+.Xx")


def factorize_text(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pandas.factorize(values, sort=False)`` of an object array, faster for text.

    For an array of ``str`` only, pandas itself uses its string hash table, after a pass
    checking that every value is a ``str``; here the table is used straight away, and the
    check comes after: that table codes any value that is no ``str`` as missing (-1),
    which text never is, so an array with a -1 is factorized by pandas instead.

    A column of few distinct values is factorized by the objects' addresses first (see
    :func:`_by_address`), then only its distinct objects by their text; its codes are
    then of a small integer type (``int8`` for fewer than 127 values).
    """
    values = np.asarray(values, dtype=object)
    try:
        from pandas._libs import hashtable

        fast = _by_address(values, hashtable)
        if fast is not None:
            return fast
        uniques, codes = hashtable.StringHashTable(len(values) or 1).factorize(
            values, na_sentinel=-1, na_value=None, mask=None, ignore_na=True)
        codes = np.asarray(codes, dtype=np.intp)
    except Exception:  # noqa: BLE001  (another pandas: its own way)
        return pd.factorize(values, sort=False)
    if len(codes) == len(values) and not (codes < 0).any():
        return codes, np.asarray(uniques, dtype=object)
    return pd.factorize(values, sort=False)


#: A column is factorized by address when its first values hold at most this many
#: distinct objects (an id or time column has about as many as values: by text).
_FEW = 256
_SAMPLE = 4096


def _addresses(values: np.ndarray) -> np.ndarray:
    """The addresses of the objects of an object array, as an intp array (a view: it
    lives only as long as ``values`` is kept)."""
    import ctypes

    return np.ctypeslib.as_array((ctypes.c_ssize_t * len(values)).from_address(
        values.ctypes.data))


def _by_address(values: np.ndarray, hashtable: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`factorize_text` of a column of few distinct values, or None.

    The CSV parser gives one object to all equal cells of a chunk (and Python one to
    every one-character text), so a column of answers holds a few distinct objects.
    Hashing their addresses (integers) is several times faster than hashing their
    text; the distinct objects, in order of first appearance, are then factorized by
    text, and the two codings composed: the codes and the distinct values in order of
    first appearance, exactly those of the text factorization.
    """
    n = len(values)
    if n < 4 * _SAMPLE or not values.flags.c_contiguous:
        return None
    if len(pd.unique(_addresses(values[:_SAMPLE]))) > _FEW:
        return None
    import ctypes

    addr = _addresses(values)
    objects, codes = hashtable.Int64HashTable(_FEW).factorize(
        addr, na_sentinel=-1, na_value=None, mask=None, ignore_na=False)
    if len(objects) > n // 4:
        return None
    # each distinct address is that of an object ``values`` holds (and keeps alive)
    first = np.empty(len(objects), dtype=object)
    first[:] = [ctypes.cast(int(a), ctypes.py_object).value for a in objects]
    uniques, text_codes = hashtable.StringHashTable(len(first) or 1).factorize(
        first, na_sentinel=-1, na_value=None, mask=None, ignore_na=True)
    text_codes = np.asarray(text_codes, dtype=np.intp)
    if (text_codes < 0).any():   # not every value is text: pandas decides
        return None
    # the codes in the smallest integer type that holds them (a byte per cell, not 8)
    small = np.int8 if len(uniques) < 127 else np.int16 if len(uniques) < 32767 else np.intp
    return (text_codes.astype(small)[np.asarray(codes, dtype=np.intp)],
            np.asarray(uniques, dtype=object))


class Texts:
    """Many values (``str``, as the readers hold every cell), with what whole-array
    operations tell of them: ``joined`` (the values joined by ``"\\x00"``, or None when
    a value holds that character or is no ``str``), ``plain`` (every value is ASCII
    without whitespace), ``lengths``."""

    def __init__(self, values: Sequence[Any]):
        self.values = values if isinstance(values, list) else list(values)
        self.n = len(self.values)
        try:
            joined = _SEP.join(self.values)
        except TypeError:   # not every value is text
            joined = None
        if joined is not None and self.n and joined.count(_SEP) != self.n - 1:
            joined = None
        self.joined = joined
        self.plain = joined is not None and joined.isascii() and not any(
            ch in joined for ch in ASCII_SPACE)
        self._lengths: np.ndarray | None = None
        self._units: np.ndarray | None = None
        self._ends: np.ndarray | None = None

    @property
    def lengths(self) -> np.ndarray:
        """``len`` of each value (found from the separators in ``joined``)."""
        if self._lengths is None:
            joined = self.joined
            if joined is None or not self.n:
                self._lengths = np.fromiter(map(len, self.values), dtype=np.int64,
                                            count=self.n)
            else:
                # one code unit per character: ASCII as bytes, other text as UTF-32
                units = (np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
                         if joined.isascii() else
                         np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32))
                ends = np.append(np.flatnonzero(units == 0), len(units))
                self._lengths = ends - np.append(0, ends[:-1] + 1)
                self._units, self._ends = units, ends
        return self._lengths

    def edge_space(self) -> bool:
        """Whether a value has whitespace (``str.strip``'s) at its start or end; only
        the first and last character of each value are looked at."""
        if self.joined is None:
            return any(v != v.strip() for v in self.values)
        if self.plain:
            return False
        lengths = self.lengths
        units, ends = self._units, self._ends
        full = lengths > 0
        first = units[(ends - lengths)[full]]
        last = units[ends[full] - 1]
        return bool(np.isin(first, _SPACE_CODES).any() or np.isin(last, _SPACE_CODES).any())

    def has(self, ch: str) -> np.ndarray:
        """Boolean mask: the values holding the character ``ch``."""
        if self.joined is not None and ch not in self.joined:
            return np.zeros(self.n, dtype=bool)
        return np.fromiter((ch in v for v in self.values), dtype=bool, count=self.n)


def _apply(values: list[Any], mask: np.ndarray, func: Callable[[Any], Any],
           out: np.ndarray) -> np.ndarray:
    for k in np.flatnonzero(mask).tolist():
        out[k] = func(values[k])
    return out


def _isin(values: list[str], words: frozenset[str]) -> np.ndarray:
    return np.asarray(pd.Index(values, dtype=object).isin(words), dtype=bool)


def missing(values: Sequence[str] | Texts) -> np.ndarray:
    """``[is_missing(v) for v in values]`` as a boolean array."""
    return stripped_missing(values)[1]


def stripped_missing(values: Sequence[str] | Texts) -> tuple[list[str], np.ndarray]:
    """``[v.strip() for v in values]`` and ``[is_missing(v) for v in values]``."""
    texts = values if isinstance(values, Texts) else Texts(values)
    if not texts.n:
        return [], np.zeros(0, dtype=bool)
    if texts.joined is None:
        return [v.strip() for v in texts.values], np.fromiter(
            (is_missing(v) for v in texts.values), dtype=bool, count=texts.n)
    # a value without whitespace at either end is its own strip: most values of a
    # column of times or free text
    same = not texts.edge_space()
    stripped = texts.values if same else [v.strip() for v in texts.values]
    lengths = texts.lengths if same else Texts(stripped).lengths
    out = lengths == 0
    # an ASCII value is missing when stripped it is blank or a marker's spelling (at most
    # 4 characters); another may be a full-width marker: the rule itself looks
    look = np.flatnonzero((lengths > 0) & (lengths <= (4 if texts.joined.isascii() else 8)))
    if len(look):
        sub = [stripped[k] for k in look.tolist()]
        hit = _isin(sub, _MARKER_SPELLINGS)
        if not "".join(sub).isascii():
            for k, v in enumerate(sub):
                if not v.isascii():
                    hit[k] = is_missing(v)
        out[look] = hit
    return stripped, out


def normalised_ids(values: Sequence[str]) -> np.ndarray:
    """``[normalise_id(v) for v in values]`` as an object array."""
    texts = Texts(values)
    out = np.empty(texts.n, dtype=object)
    out[:] = texts.values
    if texts.plain:   # an ASCII id without whitespace is itself, or missing
        out[missing(texts)] = ""
        return out
    odd = np.fromiter((not (v.isascii() and v.isprintable() and " " not in v)
                       for v in texts.values), dtype=bool, count=texts.n)
    plain = np.flatnonzero(~odd)
    if len(plain):
        sub = [texts.values[k] for k in plain.tolist()]
        out[plain[_isin(sub, _MARKER_SPELLINGS)]] = ""
    return _apply(texts.values, odd, normalise_id, out)


def short_plain(texts: Texts) -> np.ndarray:
    """The values shorter than 7 characters without ``"@"``: no phone or ID-card number,
    e-mail or IPv4 address is (``personal_kind`` and ``mask_personal`` leave them be)."""
    return (texts.lengths < 7) & ~texts.has("@")


def personal_kinds(ids: Sequence[str]) -> np.ndarray:
    """``[personal_kind(v) if v else None for v in ids]`` as an object array."""
    texts = Texts(ids)
    out = np.full(texts.n, None, dtype=object)
    if not texts.n:
        return out
    look = ~short_plain(texts) & (texts.lengths > 0)
    idx = np.flatnonzero(look)
    if len(idx):
        sub = Texts([texts.values[k] for k in idx.tolist()])
        if sub.joined is not None and sub.joined.isascii():
            # an ASCII value with another character than these (and no "@") is none
            rest = np.array(sub.joined.translate(_NUMBERISH).split(_SEP), dtype=object)
            look[idx] = (rest == "") | sub.has("@")
    return _apply(texts.values, look, personal_kind, out)


def _counts(texts: Texts, keep: str) -> np.ndarray:
    """How many of the characters ``keep`` each ASCII value holds (``texts.joined`` ASCII)."""
    drop = str.maketrans("", "", "".join(chr(c) for c in range(1, 128) if chr(c) not in keep))
    return np.fromiter(map(len, texts.joined.translate(drop).split(_SEP)), dtype=np.int64,
                       count=texts.n)


def masked(values: Sequence[Any], func: Callable[[Any], Any]) -> np.ndarray:
    """``[func(v) for v in values]`` for a function that hides personal data in a text
    (``mask_personal`` and the report's ``_mask_value``/``_mask_id``), which leaves a
    text as it is when ``mask_personal`` finds nothing in it.

    An ASCII text with fewer than 11 digits, fewer than three ``"."`` and no ``"@"`` is
    left as it is without looking: every phone or ID-card number ``mask_personal``
    finds has 11 digits or more, an IPv4 address three dots, an e-mail address ``"@"``.
    """
    texts = Texts(values)
    out = np.empty(texts.n, dtype=object)
    out[:] = texts.values
    if texts.joined is None:
        return _apply(texts.values, np.ones(texts.n, dtype=bool), func, out)
    if texts.joined.isascii():
        look = np.zeros(texts.n, dtype=bool)
    else:
        look = np.fromiter((not v.isascii() for v in texts.values), dtype=bool,
                           count=texts.n)
    # ASCII texts of 7 characters or more, or with "@", are counted
    plain = np.flatnonzero(~look & ~short_plain(texts))
    if len(plain):
        sub = texts if len(plain) == texts.n else Texts([texts.values[k] for k in plain.tolist()])
        look[plain] = (_counts(sub, "0123456789") >= 11) | (_counts(sub, ".") >= 3) \
            | sub.has("@")
    return _apply(texts.values, look, func, out)

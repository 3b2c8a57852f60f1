"""Answers as text -> numbers: labels, numbered labels, multi-select counts, range checks.

Each distinct text is converted once and the result spread over the rows
(vectorised with :func:`pandas.factorize`).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._distinct import factorize_text
from ._scale import Scale
from ._text import format_number, is_missing, nfkc, parse_number

__all__ = ["Converted", "convert_by_item", "convert_items", "factorize", "map_distinct",
           "map_uniques", "shown"]


def factorize(values: np.ndarray | None, fact: tuple[np.ndarray, np.ndarray] | None
               ) -> tuple[np.ndarray, np.ndarray]:
    if fact is not None:
        return fact
    return factorize_text(values)


def map_distinct(values: np.ndarray, func: Any,
                  fact: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """``func`` applied to each distinct value once; an object array like ``values``."""
    codes, uniques = factorize(values, fact)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    for k, u in enumerate(uniques):
        mapped[k] = func(u)
    mapped[-1] = func("")
    return mapped[codes]


def map_uniques(values: np.ndarray, func: Any,
                fact: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Like :func:`map_distinct`, ``func`` taking all the distinct values at once (a list)
    and returning their images (an array): see :mod:`._distinct`."""
    codes, uniques = factorize(values, fact)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = func(list(uniques))
    mapped[-1] = func([""])[0]
    return mapped[codes]


@dataclass
class Converted:
    """Answers as numbers, and the cells not used (one entry per cell, in row order)."""

    numbers: np.ndarray
    given: np.ndarray          # an answer was written (not blank, not a sentinel)
    ev_index: np.ndarray       # int64: the index of each cell not used
    ev_value: np.ndarray       # object: its raw text
    ev_reason: np.ndarray      # object: why it is not used
    ev_marked: np.ndarray      # bool: a format's missing code (else an unusable answer)
    n_labels: int

    @property
    def problems(self) -> list[tuple[int, str, str]]:
        """(index, raw value, reason) of the unusable answers."""
        return self._events(False)

    @property
    def marked(self) -> list[tuple[int, str, str]]:
        """(index, raw value, reason) of the format's missing codes."""
        return self._events(True)

    def _events(self, marked: bool) -> list[tuple[int, str, str]]:
        sel = self.ev_marked == marked
        return list(zip(self.ev_index[sel].tolist(), self.ev_value[sel].tolist(),
                        self.ev_reason[sel].tolist()))


def _no_events() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    return (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object), np.zeros(0, dtype=object),
            np.zeros(0, dtype=bool))


def convert_items(values: np.ndarray | None, scale: Scale, *, checked: bool,
                   sentinels: Mapping[str, str] | None = None,
                   fact: tuple[np.ndarray, np.ndarray] | None = None,
                   out: np.ndarray | None = None) -> Converted:
    """Text -> float, converting each distinct value once (vectorised over rows).

    ``values`` may be None when ``fact`` (their codes and distinct values) is given.
    ``out``: a float64 array (a view) to write the numbers into, when given; it is then
    ``numbers`` of the result."""
    codes, uniques = factorize(values, fact)
    k = len(uniques)
    nums = np.full(k + 1, np.nan)
    reasons = np.full(k + 1, None, dtype=object)
    is_mark = np.zeros(k + 1, dtype=bool)
    by_label = np.zeros(k + 1, dtype=bool)
    given_u = np.zeros(k + 1, dtype=bool)
    marks = {nfkc(key).strip(): why for key, why in (sentinels or {}).items()}
    for j, raw in enumerate(uniques):
        key = nfkc(raw).strip()
        if key in marks:
            reasons[j] = marks[key]
            is_mark[j] = True
            continue
        number, reason, label = _convert_one(raw, scale, checked=checked)
        given_u[j] = not is_missing(raw)
        if reason is not None:
            reasons[j] = reason
        else:
            nums[j] = number
            by_label[j] = label
    # code -1 (a missing cell): the last, NaN
    numbers = nums[codes] if out is None else np.take(nums, codes, out=out)
    bad = reasons != None   # elementwise
    if bad.any():
        idx = np.flatnonzero(bad[codes])
        at = codes[idx]
        text = np.append(np.asarray(uniques, dtype=object), "")   # as the cells hold them
        events = (idx.astype(np.int64), text[at], reasons[at], is_mark[at])
    else:
        events = _no_events()
    n_labels = 0
    if by_label.any():   # the cells answered by a response label
        seen = codes[codes >= 0] if len(codes) and codes.min() < 0 else codes
        n_labels = int(np.bincount(seen, minlength=k + 1)[by_label].sum())
    return Converted(numbers, given_u[codes], *events, n_labels=n_labels)


def convert_by_item(values: np.ndarray, items: np.ndarray, scale: Scale, *, checked: bool,
                     sentinels: Mapping[str, str] | None = None) -> Converted:
    """``convert_items`` for a tidy value column: each answer by its own item's scale."""
    n = len(values)
    codes, uniques = pd.factorize(np.asarray(items, dtype=object), sort=False)
    numbers = np.full(n, np.nan)
    given_all = np.zeros(n, dtype=bool)
    parts = [_no_events()]
    n_labels = 0
    groups = [(str(u), np.flatnonzero(codes == k)) for k, u in enumerate(uniques)]
    groups.append((None, np.flatnonzero(codes < 0)))   # rows without a known item
    for item, idx in groups:
        if not len(idx):
            continue
        sc = scale.for_item(item) if item is not None else scale
        conv = convert_items(values[idx], sc, checked=checked, sentinels=sentinels)
        numbers[idx] = conv.numbers
        given_all[idx] = conv.given
        n_labels += conv.n_labels
        parts.append((idx[conv.ev_index], conv.ev_value, conv.ev_reason, conv.ev_marked))
    ev_index, ev_value, ev_reason, ev_marked = (np.concatenate(x) for x in zip(*parts))
    order = np.argsort(ev_index, kind="stable")   # one event per row: row order
    return Converted(numbers, given_all, ev_index[order], ev_value[order], ev_reason[order],
                     ev_marked[order], n_labels=n_labels)


_PREFIX_RE = re.compile(r"^\s*[(（]?\s*([0-9]{1,2}|[A-Za-z])\s*[)）]?\s*[.、:：\-]?\s*(.+?)\s*$")
_OTHER_RE = re.compile(r"〖.*?〗", re.DOTALL)


def shown(value: str) -> str:
    """A cell value as the report shows it: free text of an "other" answer is not copied."""
    return _OTHER_RE.sub("〖…〗", value) if "〖" in value else value


def _label_number(scale: Scale, text: str) -> float | None:
    return scale.labels.get(nfkc(text).strip().casefold())


def _suggest(scale: Scale, text: str) -> str | None:
    """The nearest response label (difflib), as ``"'比较符合' = 4"``, or None."""
    if not scale.labels:
        return None
    key = nfkc(text).strip().casefold()
    close = difflib.get_close_matches(key, list(scale.labels), n=1, cutoff=0.6)
    if not close:
        return None
    return f"{close[0]!r} = {format_number(scale.labels[close[0]])}"


_OPTION_SPLIT = re.compile(r"[┋|;；,，、]")


def _count_options(raw: str, scale: Scale) -> tuple[float, str | None, bool]:
    """A multi-select answer ("配偶┋亲戚") as the number of options ticked."""
    keys = {nfkc(o).strip().casefold(): o for o in scale.options or ()}
    # an option whose text holds a separator ("宗教、社会团体等非官方组织") is taken whole first
    text = nfkc(_OTHER_RE.sub("", raw))
    chosen = []
    for key in sorted((k for k in keys if _OPTION_SPLIT.search(k)), key=len, reverse=True):
        whole = re.compile(re.escape(key), re.IGNORECASE)
        if whole.search(text):
            chosen.append(key)
            text = whole.sub("┋", text)
    chosen += [p.strip() for p in _OPTION_SPLIT.split(text)]
    chosen = [c for c in chosen if c]
    unknown = [c for c in chosen if c.casefold() not in keys]
    if unknown:
        return (math.nan, f"unknown option {unknown[0]!r} (options: "
                f"{', '.join(scale.options or ())})", False)
    picked = {keys[c.casefold()] for c in chosen}
    if scale.none is not None and scale.none in picked:
        if len(picked) > 1:   # "no source" and a source: which one is meant cannot be told
            return math.nan, f"{scale.none!r} (none) ticked together with other options", False
        return 0.0, None, True
    return float(len(picked)), None, True


def _convert_one(raw: str, scale: Scale, *, checked: bool) -> tuple[float, str | None, bool]:
    if is_missing(raw):
        return math.nan, None, False
    number = parse_number(raw)
    if number is None and scale.options is not None:
        return _count_options(nfkc(raw).strip(), scale)
    by_label = False
    if number is None:
        number = _label_number(scale, raw)
        by_label = number is not None
    if number is None and scale.labels:
        # "1 非常不符合", "A. 非常不符合", "(5)非常符合": a numbered label
        m = _PREFIX_RE.match(nfkc(raw))
        if m:
            label = _label_number(scale, m.group(2))
            if label is not None:
                prefix = m.group(1)
                if prefix.isdigit() and float(prefix) != label:
                    why = (f"number {prefix} and label {m.group(2)!r} "
                           f"(= {format_number(label)}) disagree")
                    return math.nan, why, False
                number, by_label = label, True
    if number is None:
        stripped = nfkc(raw).strip()
        if "┋" in stripped:
            return math.nan, "several options chosen (┋), not a score", False
        if "〖" in stripped:
            return math.nan, "an 'other' answer with free text (其他〖…〗), not a score", False
        hint = _suggest(scale, stripped)
        if hint is not None:
            return math.nan, f"unknown answer {shown(stripped)!r} (did you mean {hint}?)", False
        return math.nan, "not a number", False
    if checked and scale.low is not None and scale.high is not None:
        if not scale.low <= number <= scale.high:
            return math.nan, f"out of range {scale.range_text}", False
        if scale.whole and not float(number).is_integer():
            return math.nan, f"not a whole number (answers are {scale.range_text})", False
    if checked and scale.answers is not None and float(number) not in scale.answers:
        listed = ", ".join(format_number(a) for a in sorted(scale.answers))
        return math.nan, f"not one of the answers {listed} of this item", False
    return float(number), None, by_label

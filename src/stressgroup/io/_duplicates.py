"""Duplicates: several rows for one key (id and wave, or id, wave and item); keep one or stop."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import DataError
from . import _distinct as distinct
from ._distinct import Texts, factorize_text
from ._options import Options
from ._report import make_table
from ._sources import RawTable, factorized
from ._text import nfkc

__all__ = ["DuplicateRule", "parse_times", "resolve_duplicates"]


@dataclass(frozen=True)
class DuplicateRule:
    """How a layout keys and names its duplicates.

    ``keys`` are the key columns besides the id (``{"wave": waves}``; none in a
    wide file); ``what`` ends the error message's "N ..." ("people have more than
    one row for the same wave"); ``noun`` names one duplicate in the error's
    ``.problems``; ``reason(key, kept_row)`` is the exclusion reason of a row not
    kept, ``key`` being the key values besides the id.
    """

    keys: Mapping[str, np.ndarray]
    what: str
    noun: str
    reason: Callable[[tuple[Any, ...], int], str]


def resolve_duplicates(raw: RawTable, reason: np.ndarray, ids: np.ndarray,
                       final_ids: np.ndarray, rule: DuplicateRule, opt: Options,
                       tcol: str | None, notes: list[str]) -> list[dict[str, Any]]:
    """Mark in ``reason`` every duplicate not kept (``duplicates=`` "latest" or "first").

    Only rows not yet excluded count. ``duplicates="error"`` raises a DataError
    whose ``.problems`` lists every row of every duplicate group. Returns the rows
    superseded: ``row``, ``id``, ``submitted`` (as written, None without a time
    column), ``kept_row``, ``kept_submitted``.
    """
    file = raw.file
    live = np.flatnonzero(reason == None)
    arrays = list(rule.keys.values())
    dup_mask = _duplicated([_id_codes(raw, ids, live), *(a[live] for a in arrays)])
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i in live[dup_mask]:
        groups.setdefault((ids[i], *(a[i] for a in arrays)), []).append(int(i))
    if not groups:
        return []
    if opt.duplicates == "error":
        recs = []
        text = []
        for key, idx in groups.items():
            rows = [int(raw.rows[i]) for i in idx]
            label = f"id {final_ids[idx[0]]!r}" + "".join(
                f" {name} {value}" for name, value in zip(rule.keys, key[1:], strict=True)
                if value)
            text.append(f"{label}: rows {', '.join(map(str, rows))}")
            recs += [{"file": file, "row": r, "id": final_ids[idx[0]],
                      "reason": f"{rule.noun} ({label})"} for r in rows]
        shown = "; ".join(text[:5]) + ("; ..." if len(text) > 5 else "")
        raise DataError(
            f"{file}: {len(groups)} {rule.what} ({shown}). "
            "Remove the extra rows, or pass duplicates='latest' or 'first' to keep one.",
            problems=make_table("excluded", recs))
    times = None
    if tcol is not None:
        # only the rows of a duplicate group need a time
        at = np.array(sorted(i for idx in groups.values() for i in idx), dtype=np.int64)
        times = np.full(raw.n_rows, np.datetime64("NaT"), dtype="datetime64[ns]")
        times[at] = parse_times(raw.cells[tcol][at])
        if np.isnat(times[at]).all():
            times = None
            notes.append(f"{file}: submit-time column {tcol!r} could not be read as dates; "
                         "duplicates resolved by file order")
    superseded: list[dict[str, Any]] = []
    # each row's time as an integer: NaT is the smallest, so a row without a readable
    # time counts as earliest; ties keep file order (a group's rows are in file order)
    stamp = None if times is None else dict(zip(at.tolist(), times[at].view("i8").tolist()))
    for key, idx in groups.items():
        if stamp is not None:
            order = sorted(idx, key=lambda i: (stamp[i], i))
        else:
            order = list(idx)
        keep = order[-1] if opt.duplicates == "latest" else order[0]
        for i in idx:
            if i != keep:
                reason[i] = rule.reason(key[1:], int(raw.rows[keep]))
                superseded.append({
                    "row": int(raw.rows[i]), "id": final_ids[i] or None,
                    "submitted": None if tcol is None else str(raw.cells[tcol][i]),
                    "kept_row": int(raw.rows[keep]),
                    "kept_submitted": None if tcol is None else str(raw.cells[tcol][keep])})
    return superseded


def _id_codes(raw: RawTable, ids: np.ndarray, live: np.ndarray) -> np.ndarray:
    """``ids[live]``, or codes that tell the same ids apart: the id column's codes when
    normalising changed no distinct id (each code is then one id)."""
    from ._ids import normalised_distinct

    known = normalised_distinct(raw, ids)
    if known is not None:
        codes, mapped = known
        _, uniques = factorized(raw, raw.meta["_normalised_ids_column"])
        if len(mapped) == len(uniques) + 1 and not (codes < 0).any() \
                and bool((mapped[:-1] == np.asarray(uniques, dtype=object)).all()):
            return codes[live].astype(np.int64)
    return ids[live]


def _duplicated(columns: list[np.ndarray]) -> np.ndarray:
    """``DataFrame(columns).duplicated(keep=False)``: the rows whose values (all missing
    values equal) occur in more than one row."""
    n = len(columns[0]) if columns else 0
    key = np.zeros(n, dtype=np.int64)
    first = True
    for col in columns:
        if first and col.dtype.kind == "i" and n and 0 <= col.min() and col.max() < 2 * n:
            # codes already, and small: the key as they are (no hashing of a million ids)
            key, first = col.astype(np.int64, copy=False), False
            continue
        if col.dtype.kind == "i":   # codes already
            codes, uniques = pd.factorize(col, sort=False)
        else:
            codes, uniques = factorize_text(np.asarray(col, dtype=object))
        size = len(uniques)
        if (codes < 0).any():   # the missing values: one more value
            codes = np.where(codes < 0, size, codes)
            size += 1
        if size <= 1:
            continue   # the same value in every row
        # one code per pair of values seen, kept small
        key, _ = pd.factorize(key * size + codes, sort=False)
        first = False
    if not n:
        return np.zeros(0, dtype=bool)
    return np.bincount(key)[key] > 1


def _first_format(values: np.ndarray, blank: np.ndarray) -> np.ndarray | None:
    """The times of ``values`` (NaT where ``blank``) when the first format of
    :func:`parse_times` reads every value not blank as it is, else None.

    A value read as it is reads the same stripped and NFKC-normalised (the format's
    digits and separators are ASCII, and whitespace is no digit), so this is what the
    full rule gives whenever it applies: the first format then reads every value."""
    given = values.copy()
    given[blank] = None
    parsed = pd.to_datetime(given, errors="coerce", format="%Y/%m/%d %H:%M:%S")
    times = np.asarray(parsed, dtype="datetime64[ns]")
    if int((~np.isnat(times)).sum()) != int((~blank).sum()):
        return None
    return times


def parse_times(values: np.ndarray | None,
                fact: tuple[np.ndarray, np.ndarray] | None = None,
                clean: tuple[list[str], np.ndarray] | None = None) -> np.ndarray:
    """Submit times as datetime64 (NaT where unreadable); 问卷星's ``2024/5/12 9:03:15`` too.

    The format that reads the most values is used (tried in order: ``%Y/%m/%d %H:%M:%S``,
    ``%Y-%m-%d %H:%M:%S``, ISO 8601); the values it cannot read are read one by one
    (``format="mixed"``). Each distinct value is parsed once (counted as often as it
    occurs); ``fact``: the ``pandas.factorize`` of ``values`` when it is known (``values``
    may then be None), ``clean``: its distinct values stripped and which are missing.
    """
    codes, uniques = fact if fact is not None else \
        pd.factorize(np.asarray(values, dtype=object), sort=False)
    weights = np.bincount(codes[codes >= 0] if len(codes) and codes.min() < 0 else codes,
                          minlength=len(uniques))
    present = np.flatnonzero(weights > 0)
    values_u = np.asarray(uniques, dtype=object)[present]
    if clean is not None:
        fast = _first_format(values_u, np.asarray(clean[1], dtype=bool)[present])
        if fast is not None:
            out = np.full(len(uniques) + 1, np.datetime64("NaT"), dtype="datetime64[ns]")
            out[present] = fast
            return out[codes]
    texts_u = Texts(values_u.tolist())
    weights = weights[present]
    if clean is not None:
        blank = np.asarray(clean[1], dtype=bool)[present]
        stripped = np.asarray(clean[0], dtype=object)[present] if len(clean[0]) else values_u
    else:
        stripped, blank = distinct.stripped_missing(texts_u)
    if texts_u.joined is None or not texts_u.joined.isascii():
        stripped = [nfkc(v).strip() for v in texts_u.values]
    given = np.empty(len(texts_u.values), dtype=object)
    given[:] = stripped
    given[blank] = None
    texts = pd.Series(given, dtype=object)

    def read(parsed: pd.Series) -> int:
        return int(weights[parsed.notna().to_numpy()].sum())

    n_given = read(texts)
    best, best_n = None, -1
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "ISO8601"):
        parsed = pd.to_datetime(texts, errors="coerce", format=fmt)
        n = read(parsed)
        if best is None or n > best_n:
            best, best_n = parsed, n
        if best_n == n_given:
            break
    if best_n < n_given:
        rest = best.isna() & texts.notna()
        best[rest] = pd.to_datetime(texts[rest], errors="coerce", format="mixed")
    out = np.full(len(uniques) + 1, np.datetime64("NaT"), dtype="datetime64[ns]")
    out[present] = best.to_numpy(dtype="datetime64[ns]")
    return out[codes]

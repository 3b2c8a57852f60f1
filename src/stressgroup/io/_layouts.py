"""The layouts a file may have, each as the steps that differ between them.

``long``: one row per person per wave, one column per item. ``wide``: one row
per person, wave-affixed item columns (``pre_IND1``), reshaped to one row per
person per wave answered. ``tidy`` (in :mod:`._tidy`): one row per answer.
The shared steps (ids, waves, exclusions, personal data, duplicates, the report)
are in :mod:`._pipeline`; a layout supplies only what differs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import _distinct as distinct
from ._columns import looks_like_question
from ._convert import convert_items, map_uniques
from ._duplicates import DuplicateRule
from ._extras import Extras
from ._mapping import ColumnMap, map_columns
from ._options import Job
from ._sources import factorized, release
from ._waves import fixed_wave, wave_categorical, wave_categorical_codes

__all__ = ["Answers", "Layout", "LongLayout", "WideLayout", "column_layout"]


@dataclass
class Answers:
    """The answers of a file as numbers, and the cells not used (one entry per cell, as
    arrays: item columns in order, each in row order)."""

    ev_index: np.ndarray      # int64: row index of each cell not used
    ev_column: np.ndarray     # object: its column (as in raw.columns)
    ev_value: np.ndarray      # object: the raw text
    ev_reason: np.ndarray     # object: why
    ev_marked: np.ndarray     # bool: the format's missing code (else unusable)
    n_labels: int             # answers read by their response label
    numbers: np.ndarray       # per row: the answers read as numbers

    @classmethod
    def of(cls, parts: Sequence[tuple[str, Any]], n_labels: int, numbers: np.ndarray) -> Answers:
        """From ``(column, Converted)`` pairs, in order."""
        conv = [c for _, c in parts]
        if not conv:
            return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object),
                       np.zeros(0, dtype=object), np.zeros(0, dtype=object),
                       np.zeros(0, dtype=bool), n_labels, numbers)
        column = np.empty(sum(len(c.ev_index) for c in conv), dtype=object)
        at = 0
        for name, c in parts:
            column[at:at + len(c.ev_index)] = name
            at += len(c.ev_index)
        return cls(np.concatenate([c.ev_index for c in conv]), column,
                   np.concatenate([c.ev_value for c in conv]),
                   np.concatenate([c.ev_reason for c in conv]),
                   np.concatenate([c.ev_marked for c in conv]), n_labels, numbers)

    @property
    def problems(self) -> list[tuple[int, str, str, str]]:
        """(row index, column, value, reason) of the unusable answers, in order."""
        sel = ~self.ev_marked
        return list(zip(self.ev_index[sel].tolist(), self.ev_column[sel].tolist(),
                        self.ev_value[sel].tolist(), self.ev_reason[sel].tolist()))


class Layout:
    """What differs between layouts; the defaults are those of a long file."""

    name = "long"
    item_ids: tuple[str, ...] = ()
    extras: list[str]

    def __init__(self, job: Job):
        self.job = job
        self.extras = []

    def personal_candidates(self) -> list[str]:
        """Columns the personal-data rules look at."""
        return list(self.extras)

    def drop(self, columns: set[str]) -> None:
        """Forget the ``columns`` dropped as personal data."""
        self.extras = [c for c in self.extras if c not in columns]

    def convert(self) -> Answers:
        raise NotImplementedError

    def exclude(self, reason: np.ndarray) -> None:
        """Set the layout's own exclusion reasons (rows with a reason keep it)."""

    def check_rows(self, reason: np.ndarray) -> np.ndarray:
        """The rows whose answers count when deciding the file is unusable (all)."""
        return np.ones(len(reason), dtype=bool)

    def duplicate_rule(self, waves: np.ndarray) -> DuplicateRule:
        return DuplicateRule(keys={"wave": waves},
                             what="people have more than one row for the same wave",
                             noun="duplicate submission",
                             reason=lambda key, kept: f"duplicate submission (kept row {kept})")

    def cell_reason(self, i: int, reason: str) -> str:
        """The reason shown in ``report.cells`` for row index ``i``."""
        return reason

    def cell_reasons(self, rows: np.ndarray, reasons: np.ndarray) -> np.ndarray:
        """:meth:`cell_reason` of many cells (row indices ``rows``)."""
        return reasons

    def assemble(self, kept: np.ndarray, ids: np.ndarray, waves: np.ndarray,
                 extras: Extras) -> pd.DataFrame:
        raise NotImplementedError

    def tables(self, personal: Mapping[str, str]) -> dict[str, list[dict[str, Any]]]:
        """The layout's own report tables (``personal``: the personal-data columns)."""
        return {}


class _ColumnLayout(Layout):
    """A file with one column per item (per wave): long or wide."""

    def __init__(self, job: Job, cmap: ColumnMap):
        super().__init__(job)
        self.map = cmap
        self.item_ids = cmap.item_ids
        self.extras = list(cmap.extras)
        self.wave_extras = dict(cmap.wave_extras)
        self.values: dict[tuple[str, str | None], np.ndarray] = {}
        self.given: dict[tuple[str, str | None], np.ndarray] = {}   # an answer was written
        self.waves_absent: list[dict[str, Any]] | dict[str, list[Any]] = []

    def personal_candidates(self) -> list[str]:
        return self.extras + list(self.wave_extras.values())

    def drop(self, columns: set[str]) -> None:
        super().drop(columns)
        self.wave_extras = {k: c for k, c in self.wave_extras.items() if c not in columns}

    def convert(self) -> Answers:
        raw, scale = self.job.raw, self.job.scale
        checked = scale.id is not None
        missing_values = raw.meta.get("missing_values") or {}
        parts = []
        n_labels = 0
        numbers = np.zeros(raw.n_rows, dtype=np.int64)
        # every answer goes straight to its place in one block (item, row, wave): the
        # rows of data as they are, when every row is kept and answers every wave
        waves = list(self.map.waves_in)
        self.block = np.empty((len(self.item_ids), raw.n_rows, len(waves)))
        place = {(item, w): (j, k) for j, item in enumerate(self.item_ids)
                 for k, w in enumerate(waves)}
        for key in place.keys() - self.map.item_cols.keys():
            j, k = place[key]
            self.block[j, :, k] = np.nan
        keep = _time_columns(raw)
        done = {}
        # in the block's order: an item's waves side by side are filled (and their text
        # freed) together, so the block grows as the text shrinks
        order = sorted(self.map.item_cols, key=lambda k: place.get(k, (len(place), 0)))
        for key in order:
            c = self.map.item_cols[key]
            sentinels = {**missing_values.get("*", {}), **missing_values.get(c, {})}
            at = place.get(key)
            # the codes alone: a column a large file's parser coded stays codes
            conv = convert_items(None, scale.for_item(key[0]), checked=checked,
                                 sentinels=sentinels, fact=factorized(raw, c),
                                 out=None if at is None else self.block[at[0], :, at[1]])
            if c not in keep:   # its text is needed no more: free it (kept compact)
                release(raw, c)
            done[key] = conv
        for key, c in self.map.item_cols.items():   # the columns' order from here on
            conv = done[key]
            self.values[key] = conv.numbers
            self.given[key] = conv.given
            n_labels += conv.n_labels
            numbers += ~np.isnan(conv.numbers)
            parts.append((c, conv))
        return Answers.of(parts, n_labels, numbers)

    def _records(self, at: np.ndarray | None) -> np.ndarray:
        """The answers' block of the records (items x records): the block's rows and waves
        at the flat positions ``at`` (row * waves + wave), all of them when None."""
        block, self.block = self.block, None   # the frame holds what it needs
        flat = block.reshape(len(self.item_ids), block.shape[1] * block.shape[2])
        return flat if at is None else np.take(flat, at, axis=1)

    def _extra_names(self, extras: Extras) -> tuple[dict[str, pd.Series], dict[str, str]]:
        """``({name in data: values}, {stem of a per-wave extra: name in data})``."""
        taken = {"id", "wave", *self.item_ids}
        extra_out = {extras.name(c, taken): extras.values(c) for c in self.extras}
        wave_extra_names: dict[str, str] = {}
        for stem, _w in self.wave_extras:
            if stem not in wave_extra_names:
                wave_extra_names[stem] = extras.name(stem, taken)
        return extra_out, wave_extra_names

    def tables(self, personal: Mapping[str, str]) -> dict[str, list[dict[str, Any]]]:
        file, scale, cmap = self.job.file, self.job.scale, self.map
        unmapped = []
        if scale.id is not None:
            for c in self.extras:
                if c in personal or not (looks_like_question(c) or c in cmap.qtext):
                    continue
                unmapped.append({"file": file, "column": c,
                                 "reason": f"looks like a question but matches no item of "
                                           f"{scale.id}; kept as an extra column (pass columns="
                                           "{'column': 'item id'} if it is an item)"})
        return {
            "waves_absent": self.waves_absent, "items_missing": cmap.missing_items,
            "columns_unmapped": unmapped,
            "columns_mapped": [{"file": file, "column": c, "item": k[0],
                                "how": cmap.how.get(c, "id")}
                               for k, c in cmap.item_cols.items()]}


class LongLayout(_ColumnLayout):
    """One row per person per wave."""

    name = "long"

    def exclude(self, reason: np.ndarray) -> None:
        if self.map.item_cols:
            stack = np.vstack([self.given[(item, None)] for item in self.item_ids
                               if (item, None) in self.given])
            empty = ~np.any(stack, axis=0)
            reason[(reason == None) & empty] = "no item answers"

    def assemble(self, kept: np.ndarray, ids: np.ndarray, waves: np.ndarray,
                 extras: Extras) -> pd.DataFrame:
        extra_out, _ = self._extra_names(extras)
        idx = np.flatnonzero(kept)
        fixed = fixed_wave(self.job.opt)   # wave= given: every row's wave (see row_waves)
        wave = (wave_categorical_codes(np.zeros(len(idx), dtype=np.int64), [fixed])
                if fixed is not None else wave_categorical(waves[idx]))
        head: dict[str, Any] = {"id": pd.Series(ids[idx], dtype="str"), "wave": wave}
        block = self._records(None if len(idx) == self.job.raw.n_rows else idx)
        tail = {name: _take(series, idx) for name, series in extra_out.items()}
        return _frame(head, self.item_ids, block, tail)


class WideLayout(_ColumnLayout):
    """One row per person, wave-affixed item columns; a row gives one record per wave."""

    name = "wide"

    def exclude(self, reason: np.ndarray) -> None:
        raw, n, waves_in = self.job.raw, self.job.raw.n_rows, self.map.waves_in
        self.present = {}
        for w in waves_in:
            arrays = [self.given[(item, w)] for item in self.item_ids
                      if (item, w) in self.given]
            if not arrays:   # no instrument: the per-wave columns decide
                arrays = [~map_uniques(raw.cells[c], distinct.missing, factorized(raw, c))
                          .astype(bool) for (_stem, ww), c in self.wave_extras.items() if ww == w]
            self.present[w] = np.any(np.vstack(arrays), axis=0) if arrays \
                else np.zeros(n, dtype=bool)
        any_wave = np.any(np.vstack([self.present[w] for w in waves_in]), axis=0) if waves_in \
            else np.zeros(n, dtype=bool)
        reason[(reason == None) & ~any_wave] = "no answers in any wave"

    def duplicate_rule(self, waves: np.ndarray) -> DuplicateRule:
        rule = super().duplicate_rule(waves)
        return DuplicateRule(keys={}, what=rule.what, noun=rule.noun, reason=rule.reason)

    def assemble(self, kept: np.ndarray, ids: np.ndarray, waves: np.ndarray,
                 extras: Extras) -> pd.DataFrame:
        file, raw, waves_in = self.job.file, self.job.raw, self.map.waves_in
        extra_out, wave_extra_names = self._extra_names(extras)
        # records: each kept row, then each wave it answers, in the order of the waves
        idx = np.flatnonzero(kept)
        n_w = len(waves_in)
        given = (np.vstack([self.present[w][idx] for w in waves_in]).T.ravel() if n_w
                 else np.zeros(0, dtype=bool))
        row_of = np.repeat(idx, n_w)
        wave_of = np.tile(np.arange(n_w, dtype=np.int8 if n_w < 127 else np.int64), len(idx))
        if given.all():   # every kept row answers every wave: every (row, wave) a record
            sel, rec_wave = row_of.astype(np.int64, copy=False), wave_of
            absent_rows, absent_wave = row_of[:0], wave_of[:0]
        else:
            sel = row_of[given].astype(np.int64)
            rec_wave = wave_of[given]
            absent_rows, absent_wave = row_of[~given], wave_of[~given]
        del row_of, wave_of
        labels = np.array(list(waves_in), dtype=object)
        self.waves_absent = {"file": [file] * len(absent_rows),
                             "row": raw.rows[absent_rows].tolist(),
                             "id": ids[absent_rows].tolist(),
                             "wave": labels[absent_wave].tolist()}
        head: dict[str, Any] = {
            "id": pd.Series(ids[sel] if len(sel) else [], dtype="str"),
            "wave": wave_categorical_codes(rec_wave, list(waves_in))}
        every = len(sel) == raw.n_rows * n_w
        block = self._records(None if every else sel * n_w + rec_wave)
        tail = {name: _take(series, sel) for name, series in extra_out.items()}
        for stem, name in wave_extra_names.items():
            per_wave = {w: extras.values(c) for (s, w), c in self.wave_extras.items()
                        if s == stem}
            tail[name] = _per_wave(per_wave, waves_in, sel, rec_wave)
        return _frame(head, self.item_ids, block, tail)


def _per_wave(per_wave: Mapping[str, pd.Series], waves_in: Sequence[str], sel: np.ndarray,
              rec_wave: np.ndarray) -> pd.Series:
    """A per-wave extra column (``pre_note``, ``post_note``) as one column of the records:
    each record's value in its wave's column (NaN for a wave without one)."""
    vals = np.full(len(sel), np.nan, dtype=object)
    for k, w in enumerate(waves_in):
        if w not in per_wave:
            continue
        values = per_wave[w]._values   # what series.iloc[i] gives, element by element
        pos = np.flatnonzero(rec_wave == k)
        if isinstance(values, np.ndarray) and values.dtype == object:
            vals[pos] = values[sel[pos]]
        else:   # numbers: as numpy scalars, as element by element
            rows = sel.tolist()
            for q in pos.tolist():
                vals[q] = values[rows[q]]
    return pd.Series(vals, dtype=object).infer_objects() if len(vals) else \
        pd.Series([], dtype=object)


def _frame(head: Mapping[str, Any], items: Sequence[str], block: np.ndarray,
           tail: Mapping[str, Any]) -> pd.DataFrame:
    """``DataFrame({**head, item: block[j] ..., **tail})``, the answers' block used as it
    is (``DataFrame`` of a dict copies every float column into a new block)."""
    parts = [pd.DataFrame(dict(head), copy=False)]
    if len(items):
        parts.append(pd.DataFrame(block.T, columns=list(items), copy=False))
    if tail:
        parts.append(pd.DataFrame(dict(tail), copy=False))
    if len(parts) == 1:
        return parts[0]
    return pd.concat(parts, axis=1)


def _time_columns(raw: Any) -> set[str]:
    """The columns whose text the report still reads after the answers are converted."""
    from ._columns import find_time_column

    return {find_time_column(list(raw.columns), raw.meta.get("time_column"))} - {None}


def _take(series: pd.Series, rows: np.ndarray) -> pd.Series:
    """``series.iloc[rows].reset_index(drop=True)`` (for a NumPy-backed series, without the
    index work)."""
    values = series._values
    if isinstance(values, np.ndarray) and isinstance(series.index, pd.RangeIndex):
        return pd.Series(values[rows], dtype=series.dtype)
    return series.iloc[rows].reset_index(drop=True)


def column_layout(job: Job, rest: Sequence[str], wcol: str | None,
                  fixed: str | None) -> _ColumnLayout:
    """The long or wide layout of a file with one column per item."""
    cmap = map_columns(job, rest, wcol, fixed)
    return WideLayout(job, cmap) if cmap.layout == "wide" else LongLayout(job, cmap)

"""The tidy layout: one row per answer (``id, wave, item, value``), pivoted to one row per
person per wave.

Accounting: every input row is a row read; it is kept when it gives a cell
(even one then set to missing), and excluded with a reason otherwise: missing
id, missing wave, missing or unknown item, or a duplicated (id, wave, item)
(the latest by submit time, else the last in the file, is kept with
``duplicates="latest"``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import DataError
from ._columns import ItemMatcher, find_tidy_columns, split_wave_affix
from ._convert import convert_by_item, map_distinct
from ._duplicates import DuplicateRule
from ._extras import Extras
from ._layouts import Answers, Layout
from ._options import Job, Options
from ._scale import Scale
from ._sources import RawTable
from ._text import is_missing, nfkc
from ._waves import wave_categorical

__all__ = ["TidyLayout", "tidy_columns"]


def tidy_columns(raw: RawTable, scale: Scale, opt: Options) -> tuple[str, str] | None:
    """``(item column, value column)`` when the table is long tidy, else None."""
    pair = find_tidy_columns(raw.columns)
    if pair is None:
        return None
    matcher = ItemMatcher(scale.item_ids, scale.item_text, opt.columns)
    qtext = raw.meta.get("question_text") or {}
    for c in raw.columns:
        if c in pair:
            continue
        m = matcher.match(c, qtext.get(c))
        if m is not None and (scale.id is None or m[0] in scale.item_ids):
            return None   # a wide/long file that also has a "score" or "item" column
        aff = split_wave_affix(c)
        if aff is not None and matcher.match(aff[0]) is not None:
            return None
    return pair


class TidyLayout(Layout):
    """One row per answer; items named in ``item_col``, answers in ``value_col``."""

    name = "tidy"

    def __init__(self, job: Job, item_col: str, value_col: str, rest: Sequence[str],
                 wcol: str | None, fixed: str | None):
        super().__init__(job)
        raw, scale = job.raw, job.scale
        if wcol is None and fixed is None:
            raise DataError(
                f"{raw.file}: cannot tell which wave each answer belongs to: there is no wave "
                "column (looked for wave, time, 时间点, 测量, phase). Pass wave_col='COLUMN' "
                "(--wave COLUMN), or wave='pre' if the whole file is one wave.")
        self.value_col = value_col
        self.fixed = fixed
        self.extras = list(rest)
        matcher = ItemMatcher(scale.item_ids, scale.item_text, job.opt.columns)
        names = map_distinct(raw.cells[item_col],
                             lambda v: "" if is_missing(v) else nfkc(v).strip())
        item_of: dict[str, str | None] = {}
        for name in dict.fromkeys(names.tolist()):
            if not name:
                continue
            m = matcher.match(name)
            if scale.id is None:
                item_of[name] = m[0] if m is not None else name
            else:
                item_of[name] = m[0] if m is not None and m[0] in scale.item_ids else None
        self.names = names
        self.items = np.array([item_of.get(v) for v in names], dtype=object)
        self.item_ids = scale.item_ids if scale.id is not None else tuple(
            dict.fromkeys(v for v in self.items.tolist() if v is not None))
        self.missing_items: list[dict[str, Any]] = []

    def convert(self) -> Answers:
        raw, scale, vcol = self.job.raw, self.job.scale, self.value_col
        mv = raw.meta.get("missing_values") or {}
        conv = convert_by_item(raw.cells[vcol], self.items, scale, checked=scale.id is not None,
                               sentinels={**mv.get("*", {}), **mv.get(vcol, {})})
        self.numbers = conv.numbers
        return Answers.of([(vcol, conv)], conv.n_labels,
                          (~np.isnan(conv.numbers)).astype(np.int64))

    def exclude(self, reason: np.ndarray) -> None:
        reason[(reason == None) & (self.names == "")] = "missing item name"  # noqa: E711
        for i in np.flatnonzero((reason == None) & (self.items == None)):  # noqa: E711
            reason[i] = f"{self.names[i]!r} is not an item of {self.job.scale.id}"

    def check_rows(self, reason: np.ndarray) -> np.ndarray:
        return reason == None  # noqa: E711  (rows of unknown items do not count)

    def duplicate_rule(self, waves: np.ndarray) -> DuplicateRule:
        return DuplicateRule(
            keys={"wave": waves, "item": self.items},
            what="answers are given more than once", noun="duplicate answer",
            reason=lambda key, kept: (f"duplicate answer for (id, wave {key[0]}, item {key[1]}) "
                                      f"(kept row {kept})"))

    def cell_reason(self, i: int, reason: str) -> str:
        return f"{reason} [item {self.items[i]}]"

    def cell_reasons(self, rows: np.ndarray, reasons: np.ndarray) -> np.ndarray:
        return np.array([self.cell_reason(i, r) for i, r in zip(rows.tolist(), reasons.tolist())],
                        dtype=object)

    def assemble(self, kept: np.ndarray, ids: np.ndarray, waves: np.ndarray,
                 extras: Extras) -> pd.DataFrame:
        job, item_ids = self.job, self.item_ids
        k_idx = np.flatnonzero(kept)
        frame = pd.DataFrame({"id": ids[k_idx], "wave": waves[k_idx],
                              "item": self.items[k_idx], "value": self.numbers[k_idx]})
        records = frame[["id", "wave"]].drop_duplicates().reset_index(drop=True)
        index = pd.MultiIndex.from_frame(records)
        wide = frame.pivot(index=["id", "wave"], columns="item", values="value")
        wide = wide.reindex(index).reindex(columns=list(item_ids))
        out: dict[str, Any] = {"id": pd.Series(records["id"].tolist(), dtype="str"),
                               "wave": wave_categorical(records["wave"].tolist())}
        for item in item_ids:
            out[item] = wide[item].to_numpy(dtype=float)
        taken = {"id", "wave", *item_ids}
        for c in self.extras:
            sub = extras.values(c).iloc[k_idx].reset_index(drop=True)
            per = pd.DataFrame({"id": frame["id"], "wave": frame["wave"], "v": sub})
            firsts = per.groupby(["id", "wave"], sort=False)["v"].first()
            out[extras.name(c, taken)] = firsts.reindex(index).reset_index(drop=True)
        given = set(frame["item"])
        self.missing_items = [
            {"file": job.file, "item": it, "wave": self.fixed,
             "reason": "no answer for this item in the file; its answers are all missing"}
            for it in item_ids if it not in given]
        if self.missing_items and job.scale.id is not None:
            job.warnings.append(f"{job.file}: {len(self.missing_items)} item(s) of "
                                f"{job.scale.id} have no answer in the file")
        return pd.DataFrame(out)

    def tables(self, personal: Mapping[str, str]) -> dict[str, list[dict[str, Any]]]:
        return {"items_missing": self.missing_items}

"""Which column is which item, in a long file (one row per person per wave) or a wide one
(wave-affixed item columns such as ``pre_IND1``, one row per person)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import DataError
from ._columns import ItemMatcher, split_wave_affix
from ._options import Job
from ._waves import wave_rank

__all__ = ["ColumnMap", "map_columns"]

Key = tuple[str, "str | None"]   # (item, wave): wave None in a long file


@dataclass
class ColumnMap:
    """The columns of a long or wide file sorted into items and extras."""

    layout: str                                   # "long" or "wide"
    item_ids: tuple[str, ...]
    item_cols: dict[Key, str]                     # (item, wave) -> column
    how: dict[str, str]                           # column -> "columns", "id", "text", "fuzzy"
    extras: list[str]
    wave_extras: dict[tuple[str, str], str]       # (stem, wave) -> column (wide only)
    waves_in: list[Any]                           # the waves of a wide file; [None] if long
    qtext: Mapping[str, str]
    missing_items: list[dict[str, Any]] = field(default_factory=list)


def map_columns(job: Job, rest: Sequence[str], wcol: str | None, fixed: str | None) -> ColumnMap:
    """Match the columns ``rest`` (all but id and wave) to the instrument's items.

    Without a wave column and without ``wave=``, the file is wide: items are the
    wave-affixed columns. Notes and warnings go to ``job``.
    """
    raw, scale, opt, notes = job.raw, job.scale, job.opt, job.notes
    file, meta, cols = raw.file, raw.meta, list(raw.columns)
    columns_map = opt.columns
    if columns_map is not None and not isinstance(columns_map, Mapping):
        raise TypeError("columns must be a mapping {export column name or regex: item id}")
    matcher = ItemMatcher(scale.item_ids, scale.item_text, columns_map)
    qtext: Mapping[str, str] = meta.get("question_text") or {}
    if matcher.bad_patterns:
        unmatched = {k: why for k, why in matcher.bad_patterns.items() if k not in cols}
        if unmatched:
            k, why = next(iter(unmatched.items()))
            raise DataError(
                f"{file}: columns= key {k!r} is neither a column of this file nor a valid "
                f"regular expression ({why}); fix it, or escape the special characters "
                "to match a column name as written.")
    if scale.id is not None and columns_map:
        # a target with back-references (IND\1) is checked once filled in
        bad = [f"{k!r} -> {v!r}" for k, v in columns_map.items()
               if str(v) not in scale.item_ids and "\\" not in str(v)]
        if bad:
            raise DataError(
                f"columns= maps to ids that are not items of {scale.id}: {', '.join(bad)}. "
                f"Its items are: {', '.join(scale.item_ids)}.")
    if scale.id is not None:
        item_ids = scale.item_ids
    else:
        item_ids = tuple(dict.fromkeys(str(v) for v in (columns_map or {}).values()))

    item_cols: dict[Key, str] = {}
    how: dict[str, str] = {}
    extras: list[str] = []
    wave_extras: dict[tuple[str, str], str] = {}

    def claim(key: Key, col: str, kind: str) -> None:
        if key in item_cols and (kind == "columns") != (how[item_cols[key]] == "columns"):
            # an explicit columns= entry wins over a match by id or text
            loser, winner = (item_cols[key], col) if kind == "columns" else (col, item_cols[key])
            notes.append(f"{file}: column {loser!r} would match item {key[0]} but columns= "
                         f"gives {winner!r}; {loser!r} kept as an extra column")
            extras.append(loser)
            how.pop(loser, None)
            if kind != "columns":
                return
            del item_cols[key]
        if key in item_cols:
            wave_part = f" (wave {key[1]})" if key[1] else ""
            raise DataError(
                f"{file}: columns {item_cols[key]!r} and {col!r} both give item "
                f"{key[0]!r}{wave_part}. Remove one, or pass columns={{...}} to say which "
                "column is which item.")
        item_cols[key] = col
        how[col] = kind

    layout = "long"
    if wcol is None and fixed is None:
        affixed = {c: split_wave_affix(c) for c in rest}
        affixed = {c: a for c, a in affixed.items() if a is not None}
        wide_items = {}
        for c, (stem, w) in affixed.items():
            target = matcher.explicit(c)
            m = (target, "columns") if target is not None else matcher.match(stem, qtext.get(c))
            if m is not None and (m[0] in item_ids or scale.id is None):
                wide_items[c] = (m, w)
        if wide_items or (scale.id is None and affixed):
            layout = "wide"
        else:
            raise DataError(
                f"{file}: cannot tell which wave each row belongs to. There is no wave column "
                "(looked for wave, time, 时间点, 测量, phase) and no wave-prefixed item columns "
                "such as pre_IND1 / IND1_post. Pass wave_col='COLUMN' (--wave COLUMN), or "
                "wave='pre' if the whole file is one wave, or give one file per wave "
                "(read_waves({'pre': ..., 'post': ...})).")
        for c in rest:
            if c in wide_items:
                (item, kind), w = wide_items[c]
                claim((item, w), c, kind)
            elif c in affixed:
                stem, w = affixed[c]
                wave_extras[(stem, w)] = c
            else:
                m = matcher.match(c, qtext.get(c))
                if m is not None and m[0] in item_ids:
                    notes.append(f"{file}: column {c!r} looks like item {m[0]} but has no wave "
                                 "prefix (pre_/post_); kept as an extra column")
                extras.append(c)
        # a per-wave extra whose stem is also a plain column stays as it is
        for (stem, w), c in list(wave_extras.items()):
            if stem in extras or stem in ("id", "wave"):
                del wave_extras[(stem, w)]
                extras.append(c)
        extras.sort(key=cols.index)
    else:
        for c in rest:
            m = matcher.match(c, qtext.get(c))
            if m is None and fixed is not None:
                # one file per wave may still carry the wave in its names (pre_IND1)
                aff = split_wave_affix(c)
                if aff is not None and aff[1] == fixed:
                    m = matcher.match(aff[0])
            if m is not None and (m[0] in item_ids):
                claim((m[0], None), c, m[1])
            else:
                extras.append(c)

    extras = sorted(dict.fromkeys(extras), key=cols.index)
    _note_matches(job, matcher, item_cols, how, columns_map)

    # -- waves of a wide file, missing items --------------------------------------
    if layout == "wide":
        # with items, a wave exists when it has item columns (a lone fu_date is an extra)
        found = {w for (_, w) in item_cols} or {w for (_, w) in wave_extras}
        waves_in: list[Any] = sorted(found, key=wave_rank)
        for (stem, w), c in list(wave_extras.items()):
            if w not in waves_in:      # e.g. fu_date without follow-up items: a plain extra
                del wave_extras[(stem, w)]
                extras.append(c)
        extras.sort(key=cols.index)
    else:
        waves_in = [None]
    cmap = ColumnMap(layout=layout, item_ids=tuple(item_ids), item_cols=item_cols, how=how,
                     extras=extras, wave_extras=wave_extras, waves_in=waves_in, qtext=qtext)
    if scale.id is not None:
        cmap.missing_items = _missing_items(job, cmap, cols, fixed)
    return cmap


def _note_matches(job: Job, matcher: ItemMatcher, item_cols: Mapping[Key, str],
                  how: Mapping[str, str], columns_map: Mapping[str, str] | None) -> None:
    """Notes on columns matched by their text or fuzzily, and on unused ``columns=`` keys."""
    file, notes = job.file, job.notes
    by_text = [(c, k[0]) for k, c in item_cols.items() if how[c] == "text"]
    if by_text:
        first_c, first_item = by_text[0]
        short = first_c if len(first_c) <= 40 else first_c[:37] + "..."
        notes.append(f"{file}: {len(by_text)} columns matched to items by their text "
                     f"(e.g. {short!r} -> {first_item}; all in the report's columns_mapped)")
    by_fuzzy = [f"{c!r} -> {k[0]} (ratio {matcher.fuzzy_ratio.get(c, 0):.2f})"
                for k, c in item_cols.items() if how[c] == "fuzzy"]
    if by_fuzzy:
        notes.append(f"{file}: columns matched to items by a close (fuzzy) match of their "
                     "text, check them: " + ", ".join(by_fuzzy))
    if columns_map:
        unused = [k for k in columns_map if str(k) not in matcher.used_keys]
        if unused:
            notes.append(f"{file}: columns= entries that matched no column: "
                         + ", ".join(repr(str(k)) for k in unused))


def _missing_items(job: Job, cmap: ColumnMap, cols: Sequence[str],
                   fixed: str | None) -> list[dict[str, Any]]:
    """The items without a column (a warning); none at all is a DataError."""
    file, scale, wide = job.file, job.scale, cmap.layout == "wide"
    if not cmap.item_cols:
        raise DataError(
            f"{file}: none of the {len(cmap.item_ids)} items of {scale.id} "
            f"({', '.join(cmap.item_ids)}) was found. The columns are: "
            f"{', '.join(repr(c) for c in cols)}. Check that this is the right instrument, "
            "or pass columns={'export column': 'item id'} (a regex may be used as the key).")
    missing = []
    for w in cmap.waves_in:
        for item in cmap.item_ids:
            if (item, w) not in cmap.item_cols:
                missing.append({
                    "file": file, "item": item, "wave": w if wide else fixed,
                    "reason": "no column for this item" + (f" in wave {w}" if w else "")
                              + "; its answers are all missing"})
    if missing:
        listed = ", ".join(f"{m['item']}" + (f" ({m['wave']})" if wide else "") for m in missing)
        job.warnings.append(
            f"{file}: {len(missing)} item(s) of {scale.id} not found, left missing: "
            f"{listed}. Pass columns={{'export column': 'item id'}} if they are there "
            "under another name.")
    return missing

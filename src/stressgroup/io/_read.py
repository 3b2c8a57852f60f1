"""``read_survey`` and ``read_waves``: from an export to :class:`Responses`."""

from __future__ import annotations

import dataclasses

import difflib
import hashlib
import math
import os
import re
import secrets
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..core.errors import DataError, DataQualityWarning
from ._columns import (
    ItemMatcher,
    find_column,
    find_id_column,
    find_tidy_columns,
    find_time_column,
    find_wave_column,
    looks_like_pii,
    looks_like_question,
    pii_header_reason,
    pii_reason,
    split_wave_affix,
)
from ._report import FileReport, LoadReport, make_table
from ._responses import Responses
from ._sources import FOOTER_REASON, RawTable, factorized, read_source, source_names
from ._text import (
    WAVE_ORDER,
    format_number,
    is_missing,
    mask_personal,
    name_key,
    nfkc,
    normalise_id,
    normalise_wave,
    parse_number,
    personal_kind,
)

__all__ = ["read_survey", "read_waves"]

Duplicates = Literal["latest", "first", "error"]
PII = Literal["drop", "pseudonymize", "keep"]

_GROUP_NAMES = {"group", "组别", "分组", "组", "组名"}
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_LEADING_ZERO_RE = re.compile(r"[+-]?0\d")
_ID_PII_KINDS = ("phone number", "ID card number", "name", "e-mail address", "IP address")


# ---------------------------------------------------------------------------
# parameter checks
# ---------------------------------------------------------------------------

def _check_choice(name: str, value: Any, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ValueError(f"{name}={value!r} is not valid; use one of "
                         + ", ".join(repr(c) for c in choices))


_INSTRUMENTS: dict[str, tuple[Any, Any]] = {}   # name or path -> (mtime, instrument)


def _resolve_instrument(instrument: Any) -> Any:
    if instrument is None:
        return None
    if isinstance(instrument, (str, os.PathLike)):
        from ..instruments import load_instrument  # lazy: io does not need it otherwise

        key = os.fspath(instrument)
        try:
            stamp = os.stat(key).st_mtime_ns   # a file: reload when it changes
        except OSError:
            stamp = None                       # a built-in name
        hit = _INSTRUMENTS.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        inst = load_instrument(instrument)
        _INSTRUMENTS[key] = (stamp, inst)
        return inst
    if not hasattr(instrument, "item_ids"):
        raise TypeError("instrument must be an instrument name, a path to an instrument "
                        "file or an instrument object with .item_ids, not "
                        f"{type(instrument).__name__}")
    return instrument


@dataclass
class _Scale:
    """What the loader needs of an instrument: items, range, labels, texts."""

    id: str | None
    item_ids: tuple[str, ...]
    low: float | None
    high: float | None
    whole: bool
    labels: dict[str, float]
    item_text: Mapping[str, Any]
    ranges: Mapping[str, tuple[float, float]] = dataclasses.field(default_factory=dict)
    counts: Mapping[str, tuple[tuple[str, ...], str | None]] = dataclasses.field(
        default_factory=dict)
    options: tuple[str, ...] | None = None   # set on the scale of a count item
    none: str | None = None
    item_labels: Mapping[str, dict[str, float]] = dataclasses.field(default_factory=dict)
    # items with a ``values`` map: the answers it has (any other answer is not one)
    allowed: Mapping[str, frozenset[float]] = dataclasses.field(default_factory=dict)
    answers: frozenset[float] | None = None   # set on the scale of such an item

    def for_item(self, item: str) -> _Scale:
        """The scale of one input column: its own range and answers, or a count item's options."""
        if item in self.counts:
            options, none = self.counts[item]
            n = len(options) - (1 if none is not None else 0)
            return dataclasses.replace(self, low=0.0, high=float(n), whole=True, labels={},
                                       options=options, none=none)
        scale = self
        if item in self.item_labels:  # the item's own answer labels replace the shared ones
            scale = dataclasses.replace(scale, labels=self.item_labels[item])
        if item in self.ranges:
            low, high = self.ranges[item]
            scale = dataclasses.replace(scale, low=low, high=high)
        if item in self.allowed:
            scale = dataclasses.replace(scale, answers=self.allowed[item])
        return scale

    @classmethod
    def from_instrument(cls, inst: Any) -> _Scale:
        if inst is None:
            return cls(None, (), None, None, False, {}, {})
        labels_in = dict(getattr(inst, "labels", None) or {})
        labels: dict[str, float] = {}
        whole = bool(labels_in)
        for key, texts in labels_in.items():
            value = float(key)
            whole = whole and value.is_integer()
            values = texts.values() if isinstance(texts, Mapping) else [texts]
            for t in values:
                if isinstance(t, str) and t.strip():
                    labels.setdefault(nfkc(t).strip().casefold(), value)
        low = getattr(inst, "response_min", None)
        high = getattr(inst, "response_max", None)
        # sum items are read as their sub-items; items may declare their own range
        inputs = tuple(str(i) for i in getattr(inst, "input_items", inst.item_ids))
        ranges: dict[str, tuple[float, float]] = {}
        counts: dict[str, tuple[tuple[str, ...], str | None]] = {}
        item_labels: dict[str, dict[str, float]] = {}
        for spec in (getattr(inst, "item_specs", None) or {}).values():
            if spec.kind == "count":
                counts[spec.id] = (tuple(spec.options), spec.none)
            if getattr(spec, "labels", None):
                item_labels[spec.id] = {
                    nfkc(t).strip().casefold(): float(k)
                    for k, texts in spec.labels.items() for t in texts.values()
                    if isinstance(t, str) and t.strip()}
        if hasattr(inst, "input_range"):
            for c in inputs:
                r = tuple(float(v) for v in inst.input_range(c))
                if c not in counts and r != (low, high):
                    ranges[c] = r
        allowed: dict[str, frozenset[float]] = {}
        if hasattr(inst, "item_spec"):
            for c in inputs:
                spec = inst.item_spec(c)
                if c not in counts and getattr(spec, "values", None):
                    allowed[c] = frozenset(float(k) for k in spec.values)
        return cls(
            id=str(getattr(inst, "id", None)) if getattr(inst, "id", None) is not None else None,
            item_ids=inputs, ranges=ranges, counts=counts, item_labels=item_labels,
            allowed=allowed,
            low=None if low is None else float(low),
            high=None if high is None else float(high),
            whole=whole,
            labels=labels,
            item_text=dict(getattr(inst, "item_text", None) or {}),
        )

    @property
    def range_text(self) -> str:
        if self.low is None or self.high is None:
            return ""
        return f"{format_number(self.low)}-{format_number(self.high)}"


# ---------------------------------------------------------------------------
# conversions
# ---------------------------------------------------------------------------

def _factorize(values: np.ndarray, fact: tuple[np.ndarray, np.ndarray] | None
               ) -> tuple[np.ndarray, np.ndarray]:
    if fact is not None:
        return fact
    return pd.factorize(np.asarray(values, dtype=object), sort=False)


def _map_distinct(values: np.ndarray, func: Any,
                  fact: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """``func`` applied to each distinct value once; an object array like ``values``."""
    codes, uniques = _factorize(values, fact)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    for k, u in enumerate(uniques):
        mapped[k] = func(u)
    mapped[-1] = func("")
    return mapped[codes]


def parse_times(values: np.ndarray) -> np.ndarray:
    """Submit times as datetime64 (NaT where unreadable); 问卷星's ``2024/5/12 9:03:15`` too."""
    texts = pd.Series([None if is_missing(v) else nfkc(v).strip() for v in values], dtype=object)
    best = None
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "ISO8601"):
        parsed = pd.to_datetime(texts, errors="coerce", format=fmt)
        if best is None or parsed.notna().sum() > best.notna().sum():
            best = parsed
        if best.notna().sum() == texts.notna().sum():
            break
    if best.notna().sum() < texts.notna().sum():
        rest = best.isna() & texts.notna()
        best[rest] = pd.to_datetime(texts[rest], errors="coerce", format="mixed")
    return best.to_numpy(dtype="datetime64[ns]")


def _waves_of(raw: RawTable, wcol: str) -> np.ndarray:
    """Wave labels of a column, through the reader's ``meta["wave_map"]`` when it has one."""
    wave_map = {nfkc(str(k)).strip(): str(v) for k, v in (raw.meta.get("wave_map") or {}).items()}
    return _map_distinct(raw.cells[wcol],
                         lambda v: normalise_wave(wave_map.get(nfkc(v).strip(), v)))


@dataclass
class _Converted:
    numbers: np.ndarray
    given: np.ndarray                       # an answer was written (not blank, not a sentinel)
    problems: list[tuple[int, str, str]]    # (index, raw value, reason): unusable answers
    marked: list[tuple[int, str, str]]      # (index, raw value, reason): format's missing codes
    n_labels: int


def _convert_items(values: np.ndarray, scale: _Scale, *, checked: bool,
                   sentinels: Mapping[str, str] | None = None,
                   fact: tuple[np.ndarray, np.ndarray] | None = None) -> _Converted:
    """Text -> float, converting each distinct value once (vectorised over rows)."""
    codes, uniques = _factorize(values, fact)
    k = len(uniques)
    nums = np.full(k + 1, np.nan)
    reasons: list[str | None] = [None] * (k + 1)
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
    numbers = nums[codes]
    bad = np.array([r is not None for r in reasons], dtype=bool)
    problems: list[tuple[int, str, str]] = []
    marked: list[tuple[int, str, str]] = []
    if bad.any():
        for i in np.flatnonzero(bad[codes]):
            j = codes[i]
            (marked if is_mark[j] else problems).append((int(i), values[i], reasons[j]))
    counts = np.bincount(codes[codes >= 0], minlength=k + 1)
    return _Converted(numbers=numbers, given=given_u[codes], problems=problems, marked=marked,
                      n_labels=int(counts[by_label].sum()))


def _convert_by_item(values: np.ndarray, items: np.ndarray, scale: _Scale, *, checked: bool,
                     sentinels: Mapping[str, str] | None = None) -> _Converted:
    """``_convert_items`` for a tidy value column: each answer by its own item's scale."""
    n = len(values)
    codes, uniques = pd.factorize(np.asarray(items, dtype=object), sort=False)
    numbers = np.full(n, np.nan)
    given_all = np.zeros(n, dtype=bool)
    problems: list[tuple[int, str, str]] = []
    marked: list[tuple[int, str, str]] = []
    n_labels = 0
    groups = [(str(u), np.flatnonzero(codes == k)) for k, u in enumerate(uniques)]
    groups.append((None, np.flatnonzero(codes < 0)))   # rows without a known item
    for item, idx in groups:
        if not len(idx):
            continue
        sc = scale.for_item(item) if item is not None else scale
        conv = _convert_items(values[idx], sc, checked=checked, sentinels=sentinels)
        numbers[idx] = conv.numbers
        given_all[idx] = conv.given
        n_labels += conv.n_labels
        problems += [(int(idx[i]), v, r) for i, v, r in conv.problems]
        marked += [(int(idx[i]), v, r) for i, v, r in conv.marked]
    return _Converted(numbers=numbers, given=given_all, problems=sorted(problems),
                      marked=sorted(marked), n_labels=n_labels)


_PREFIX_RE = re.compile(r"^\s*[(（]?\s*([0-9]{1,2}|[A-Za-z])\s*[)）]?\s*[.、:：\-]?\s*(.+?)\s*$")
_OTHER_RE = re.compile(r"〖.*?〗", re.DOTALL)


def _shown(value: str) -> str:
    """A cell value as the report shows it: free text of an "other" answer is not copied."""
    return _OTHER_RE.sub("〖…〗", value) if "〖" in value else value


def _label_number(scale: _Scale, text: str) -> float | None:
    return scale.labels.get(nfkc(text).strip().casefold())


def _suggest(scale: _Scale, text: str) -> str | None:
    """The nearest response label (difflib), as ``"'比较符合' = 4"``, or None."""
    if not scale.labels:
        return None
    key = nfkc(text).strip().casefold()
    close = difflib.get_close_matches(key, list(scale.labels), n=1, cutoff=0.6)
    if not close:
        return None
    return f"{close[0]!r} = {format_number(scale.labels[close[0]])}"


_OPTION_SPLIT = re.compile(r"[┋|;；,，、]")


def _count_options(raw: str, scale: _Scale) -> tuple[float, str | None, bool]:
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


def _convert_one(raw: str, scale: _Scale, *, checked: bool) -> tuple[float, str | None, bool]:
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
            return math.nan, f"unknown answer {_shown(stripped)!r} (did you mean {hint}?)", False
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


def _file_report(raw: RawTable, meta: Mapping[str, Any], *, file: str, layout: str,
                 kept: np.ndarray, records: int, wave: Any, notes: list[str],
                 **tables: list[dict[str, Any]]) -> LoadReport:
    """The LoadReport of one file: its counts, its event tables (personal data masked by
    :func:`make_table`) and its notes (masked here)."""
    n = len(kept)
    rows_excluded = int((~kept).sum())
    freport = FileReport(file=file, source=str(meta.get("platform") or raw.source),
                         encoding=raw.encoding, layout=layout, rows_read=n,
                         rows_kept=n - rows_excluded, rows_excluded=rows_excluded,
                         records=records, sheet=meta.get("sheet"), wave=wave,
                         variant=meta.get("variant"))
    return LoadReport(
        files=(freport,), rows_read=n, rows_kept=n - rows_excluded,
        rows_excluded=rows_excluded,
        **{name: make_table(name, records_) for name, records_ in tables.items()},
        notes=tuple(mask_personal(x) for x in notes))


def _pseudonym(value: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}\x00{value}".encode()).hexdigest()[:16]


def _extra_series(values: np.ndarray, *, as_text: bool,
                  fact: tuple[np.ndarray, np.ndarray] | None = None) -> pd.Series:
    """Text of an extra column -> numbers when every answered value is a plain number."""
    codes, uniques = _factorize(values, fact)
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


def _wave_categorical(values: Sequence[str]) -> pd.Categorical:
    present = list(dict.fromkeys(values))
    known = [w for w in WAVE_ORDER if w in present]
    other = [w for w in present if w not in WAVE_ORDER]
    return pd.Categorical(list(values), categories=known + other, ordered=True)


def _wave_rank(wave: str) -> tuple[int, str]:
    return (WAVE_ORDER.index(wave), "") if wave in WAVE_ORDER else (len(WAVE_ORDER), wave)


# ---------------------------------------------------------------------------
# the loader
# ---------------------------------------------------------------------------

def _unknown_wave_notes(file: str, raw: RawTable, waves: np.ndarray,
                        skip: np.ndarray) -> list[str]:
    """One note per wave label that is not pre/post/follow-up (a typo such as 'psot'?)."""
    look = np.array([w is not None and w not in WAVE_ORDER for w in waves], dtype=bool) & ~skip
    out = []
    for label in dict.fromkeys(waves[look].tolist()):
        idx = np.flatnonzero(look & (waves == label))
        rows = ", ".join(str(int(r)) for r in raw.rows[idx[:5]]) + (", ..." if len(idx) > 5 else "")
        out.append(f"{file}: wave label {mask_personal(str(label))!r} ({len(idx)} "
                   f"row{'s' if len(idx) != 1 else ''}: {rows}) is not a known wave "
                   f"({', '.join(WAVE_ORDER)}); check for a typo")
    return out


def _private_ids(file: str, raw: RawTable, idc: str, ids_raw: np.ndarray, ids: np.ndarray,
                 opt: _Options) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]], list[str]]:
    """Ids as kept: ``(final ids, hashed, columns_pseudonymized rows, notes)``.

    An id column whose header names personal data, or whose values mostly look like
    it, is hashed whole; otherwise the single ids that look like a phone or ID card
    number, an e-mail or IP address are (unless ``pii="keep"``).
    """
    pseudo: list[dict[str, Any]] = []
    notes: list[str] = []
    id_kind = pii_header_reason(idc)
    id_kind = id_kind if id_kind in _ID_PII_KINDS else None
    if id_kind is None:
        content = looks_like_pii(ids_raw)
        id_kind = content if content in _ID_PII_KINDS else None
    if id_kind is not None:
        if opt.pii != "keep":
            hashed = ids != ""
            pseudo.append({"file": file, "column": idc,
                           "reason": f"the id column holds {id_kind}s; ids replaced by salted "
                                     "SHA-256 hashes (pass pii='keep' to keep them)"})
        else:
            hashed = np.zeros(len(ids), dtype=bool)
            notes.append(f"{file}: the id column {idc!r} holds {id_kind}s; kept because pii='keep'")
    else:
        kinds = _map_distinct(ids, lambda v: personal_kind(v) if v else None)
        hit = np.array([k is not None for k in kinds], dtype=bool)
        hashed = hit if opt.pii != "keep" else np.zeros(len(ids), dtype=bool)
        if hit.any():
            idx = np.flatnonzero(hit)
            what = " or ".join(f"{k}s" for k in dict.fromkeys(kinds[idx].tolist()))
            rows = (", ".join(str(int(r)) for r in raw.rows[idx[:10]])
                    + (", ..." if len(idx) > 10 else ""))
            many = "ids look" if len(idx) != 1 else "id looks"
            if opt.pii != "keep":
                pseudo.append({"file": file, "column": idc,
                               "reason": f"{len(idx)} {many} like {what} (rows {rows}); those ids "
                                         "replaced by salted SHA-256 hashes (pass pii='keep' "
                                         "to keep them)"})
            else:
                notes.append(f"{file}: {len(idx)} {many} in {idc!r} like {what} (rows {rows}); "
                             "kept because pii='keep'")
    final_ids = ids.copy()
    if hashed.any():
        final_ids[hashed] = _map_distinct(ids[hashed], lambda i: _pseudonym(i, opt.salt))
    return final_ids, hashed, pseudo, notes


@dataclass
class _Options:
    id_col: str | None
    wave: str | None
    wave_col: str | None
    columns: Mapping[str, str] | None
    duplicates: str
    pii: str
    salt: str
    salt_given: bool


@dataclass
class _Loaded:
    data: pd.DataFrame
    report: LoadReport
    item_ids: tuple[str, ...]
    warnings: list[str] = field(default_factory=list)


def _load(raw: RawTable, scale: _Scale, opt: _Options) -> _Loaded:
    file = raw.file
    cols = list(raw.columns)
    n = raw.n_rows
    notes = list(raw.notes)

    # -- id ----------------------------------------------------------------
    meta = raw.meta
    if opt.id_col is not None:
        idc = find_column(cols, str(opt.id_col), what="id", param="id_col", file=file)
    else:
        idc = find_id_column(cols, file, hint=meta.get("id_column"),
                             exclude=meta.get("not_id_columns", ()))
    rest = [c for c in cols if c != idc]

    # -- wave: column, fixed, or wide ------------------------------------------
    fixed = None
    if opt.wave is not None:
        fixed = normalise_wave(str(opt.wave))
        if fixed is None:
            raise ValueError(f"wave={opt.wave!r} is not a wave label; use e.g. 'pre' or 'post'")
    wcol = None
    if opt.wave_col is not None:
        wcol = find_column(rest, str(opt.wave_col), what="wave", param="wave_col", file=file)
    elif meta.get("wave_column") in rest:
        wcol = meta["wave_column"]
    else:
        wcol = find_wave_column(rest, raw.cells)
    if wcol is not None and fixed is not None:
        seen = set(_waves_of(raw, wcol).tolist()) - {None}
        if seen - {fixed}:
            raise DataError(
                f"{file}: wave={opt.wave!r} was given, but column {wcol!r} holds the waves "
                f"{', '.join(sorted(map(str, seen)))}. Give either one file per wave with wave= "
                "(or read_waves), or leave wave= out to use the column.")
        notes.append(f"{file}: column {wcol!r} agrees with wave={fixed!r} and was not kept")
    if wcol is not None:
        rest = [c for c in rest if c != wcol]

    columns_map = opt.columns
    if columns_map is not None and not isinstance(columns_map, Mapping):
        raise TypeError("columns must be a mapping {export column name or regex: item id}")
    matcher = ItemMatcher(scale.item_ids, scale.item_text, columns_map)
    qtext: Mapping[str, str] = meta.get("question_text") or {}
    if scale.id is not None and columns_map:
        bad = [f"{k!r} -> {v!r}" for k, v in columns_map.items() if str(v) not in scale.item_ids]
        if bad:
            raise DataError(
                f"columns= maps to ids that are not items of {scale.id}: {', '.join(bad)}. "
                f"Its items are: {', '.join(scale.item_ids)}.")
    if scale.id is not None:
        item_ids = scale.item_ids
    else:
        item_ids = tuple(dict.fromkeys(str(v) for v in (columns_map or {}).values()))

    item_cols: dict[tuple[str, str | None], str] = {}
    how: dict[str, str] = {}
    extras: list[str] = []
    wave_extras: dict[tuple[str, str], str] = {}   # (stem, wave) -> column (wide only)

    def claim(key: tuple[str, str | None], col: str, kind: str) -> None:
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

    # -- waves of a wide file, missing items --------------------------------------
    if layout == "wide":
        # with items, a wave exists when it has item columns (a lone fu_date is an extra)
        found = {w for (_, w) in item_cols} or {w for (_, w) in wave_extras}
        waves_in = sorted(found, key=_wave_rank)
        for (stem, w), c in list(wave_extras.items()):
            if w not in waves_in:      # e.g. fu_date without follow-up items: a plain extra
                del wave_extras[(stem, w)]
                extras.append(c)
        extras.sort(key=cols.index)
    else:
        waves_in = [None]
    missing_items: list[dict[str, Any]] = []
    warn_msgs: list[str] = []
    if scale.id is not None:
        if not item_cols:
            raise DataError(
                f"{file}: none of the {len(item_ids)} items of {scale.id} "
                f"({', '.join(item_ids)}) was found. The columns are: "
                f"{', '.join(repr(c) for c in cols)}. Check that this is the right instrument, "
                "or pass columns={'export column': 'item id'} (a regex may be used as the key).")
        for w in waves_in:
            for item in item_ids:
                if (item, w) not in item_cols:
                    missing_items.append({
                        "file": file, "item": item, "wave": w if layout == "wide" else fixed,
                        "reason": "no column for this item" + (f" in wave {w}" if w else "")
                                  + "; its answers are all missing"})
        if missing_items:
            listed = ", ".join(
                f"{m['item']}" + (f" ({m['wave']})" if layout == "wide" else "")
                for m in missing_items)
            warn_msgs.append(
                f"{file}: {len(missing_items)} item(s) of {scale.id} not found, left missing: "
                f"{listed}. Pass columns={{'export column': 'item id'}} if they are there "
                "under another name.")

    # -- ids ----------------------------------------------------------------------
    ids_raw = raw.cells[idc]
    ids = _map_distinct(ids_raw, normalise_id, factorized(raw, idc))

    # -- PII ----------------------------------------------------------------------
    dropped: list[dict[str, Any]] = []
    pseudo: list[dict[str, Any]] = []
    pii_cols: dict[str, str] = {}
    for c in extras + list(wave_extras.values()):
        reason = pii_reason(c, raw.cells[c], meta.get("pii_columns", ()))
        if reason:
            pii_cols[c] = reason
    if opt.pii == "drop":
        for c, reason in pii_cols.items():
            dropped.append({"file": file, "column": c,
                            "reason": f"{reason}; pass pii='keep' or 'pseudonymize' to keep it"})
    elif opt.pii == "pseudonymize":
        for c, reason in pii_cols.items():
            pseudo.append({"file": file, "column": c, "reason": f"{reason}; values replaced by "
                           "salted SHA-256 hashes"})
    elif pii_cols:
        notes.append(f"{file}: personal data kept because pii='keep': "
                     + ", ".join(f"{c!r} ({r})" for c, r in pii_cols.items()))
    drop_set = set(pii_cols) if opt.pii == "drop" else set()
    hash_set = set(pii_cols) if opt.pii == "pseudonymize" else set()
    extras = [c for c in extras if c not in drop_set]
    wave_extras = {k: c for k, c in wave_extras.items() if c not in drop_set}

    final_ids, hashed, id_pseudo, id_notes = _private_ids(file, raw, idc, ids_raw, ids, opt)
    pseudo += id_pseudo
    notes += id_notes
    if pseudo:
        notes.append(f"{file}: pseudonymized with "
                     + ("the salt given" if opt.salt_given else
                        "a random salt made for this call (not stored, so the hashes cannot be "
                        "linked to another load; pass salt= to make them repeatable)"))

    id_changes = []
    footer_rows = {int(r) for r, why in (meta.get("exclude") or {}).items()
                   if why == FOOTER_REASON}
    # a hashed id's original is personal data: it is never listed
    for i in np.flatnonzero((ids != "") & (ids != ids_raw) & ~hashed):
        if int(raw.rows[i]) in footer_rows:
            continue   # a footer's text is not an id (and may name a person)
        id_changes.append({"file": file, "row": int(raw.rows[i]),
                           "original": ids_raw[i], "id": ids[i]})

    # -- items -> numbers -----------------------------------------------------------
    checked = scale.id is not None
    missing_values = meta.get("missing_values") or {}
    values: dict[tuple[str, str | None], np.ndarray] = {}
    given: dict[tuple[str, str | None], np.ndarray] = {}   # an answer was written
    problems: list[tuple[int, str, str, str]] = []   # index, column, value, reason
    marked: list[tuple[int, str, str, str]] = []     # missing by a sentinel of the format
    n_labels = 0
    answered = 0
    for key, c in item_cols.items():
        sentinels = {**missing_values.get("*", {}), **missing_values.get(c, {})}
        conv = _convert_items(raw.cells[c], scale.for_item(key[0]), checked=checked,
                              sentinels=sentinels, fact=factorized(raw, c))
        values[key] = conv.numbers
        given[key] = conv.given
        n_labels += conv.n_labels
        answered += int(np.sum(~np.isnan(conv.numbers))) + len(conv.problems)
        problems += [(i, c, v, r) for i, v, r in conv.problems]
        marked += [(i, c, v, r) for i, v, r in conv.marked]
    if n_labels:
        notes.append(f"{file}: {n_labels} text answers converted to numbers by the response labels")
    if problems and len(problems) > answered / 2:
        table = make_table("cells", [
            {"file": file, "row": int(raw.rows[i]), "column": c, "id": final_ids[i] or None,
             "value": _shown(v), "reason": r} for i, c, v, r in problems])
        first = problems[0]
        raise DataError(
            f"{file}: {len(problems)} of {answered} answers cannot be used "
            f"(e.g. row {raw.rows[first[0]]}, column {first[1]!r}: "
            f"{mask_personal(repr(_shown(first[2])))}, {mask_personal(first[3])}). This is probably the wrong instrument or the wrong columns; check "
            "instrument= and columns=. The failing cells are in this error's .problems table.",
            problems=table)

    # -- exclusions -----------------------------------------------------------------
    reason = np.full(n, None, dtype=object)
    hide_id = np.zeros(n, dtype=bool)
    for row_no, why in (meta.get("exclude") or {}).items():
        hit = np.flatnonzero(raw.rows == int(row_no))
        reason[hit] = str(why)
        if why == FOOTER_REASON:
            hide_id[hit] = True    # a footer's first cell is text such as a name, not an id
    reason[(reason == None) & (ids == "")] = "missing id"
    if layout == "long":
        if wcol is not None and fixed is None:
            waves = _waves_of(raw, wcol)
            unknown = _unknown_wave_notes(file, raw, waves, skip=reason != None)
            notes += unknown
            warn_msgs += unknown
            reason[(reason == None) & (waves == None)] = "missing wave"
        else:
            waves = np.full(n, fixed, dtype=object)
        if item_cols:
            stack = np.vstack([given[(item, None)] for item in item_ids
                               if (item, None) in given])
            empty = ~np.any(stack, axis=0)
            reason[(reason == None) & empty] = "no item answers"
    else:
        waves = np.full(n, None, dtype=object)
        present = {}
        for w in waves_in:
            arrays = [given[(item, w)] for item in item_ids if (item, w) in given]
            if not arrays:   # no instrument: the per-wave columns decide
                arrays = [np.array([not is_missing(v) for v in raw.cells[c]], dtype=bool)
                          for (_stem, ww), c in wave_extras.items() if ww == w]
            present[w] = np.any(np.vstack(arrays), axis=0) if arrays \
                else np.zeros(n, dtype=bool)
        any_wave = np.any(np.vstack([present[w] for w in waves_in]), axis=0) if waves_in \
            else np.zeros(n, dtype=bool)
        reason[(reason == None) & ~any_wave] = "no answers in any wave"

    # duplicates per (id, wave) (long) or per id (wide)
    tcol = find_time_column(extras, meta.get("time_column"))
    live = np.flatnonzero(reason == None)
    key_frame = pd.DataFrame({"id": ids[live],
                              "wave": waves[live] if layout == "long" else ""})
    dup_mask = key_frame.duplicated(keep=False).to_numpy()
    groups: dict[tuple[str, Any], list[int]] = {}
    for i in live[dup_mask]:
        key = (ids[i], waves[i] if layout == "long" else None)
        groups.setdefault(key, []).append(int(i))
    dups = groups
    if dups and opt.duplicates == "error":
        recs = []
        text = []
        for (_pid, w), idx in dups.items():
            rows = [int(raw.rows[i]) for i in idx]
            label = f"id {final_ids[idx[0]]!r}" + (f" wave {w}" if w else "")
            text.append(f"{label}: rows {', '.join(map(str, rows))}")
            recs += [{"file": file, "row": r, "id": final_ids[idx[0]],
                      "reason": f"duplicate submission ({label})"} for r in rows]
        shown = "; ".join(text[:5]) + ("; ..." if len(text) > 5 else "")
        raise DataError(
            f"{file}: {len(dups)} people have more than one row for the same wave ({shown}). "
            "Remove the extra rows, or pass duplicates='latest' or 'first' to keep one.",
            problems=make_table("excluded", recs))
    times = None
    if dups and tcol is not None:
        # only the rows of a duplicate group need a time
        at = np.array(sorted(i for idx in dups.values() for i in idx), dtype=np.int64)
        times = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
        times[at] = parse_times(raw.cells[tcol][at])
        if np.isnat(times[at]).all():
            times = None
            notes.append(f"{file}: submit-time column {tcol!r} could not be read as dates; "
                         "duplicates resolved by file order")
    for idx in dups.values():
        if times is not None:
            # submission order: rows without a readable time count as earliest,
            # ties keep file order
            unknown = [i for i in idx if np.isnat(times[i])]
            known = sorted((i for i in idx if not np.isnat(times[i])), key=lambda i: (times[i], i))
            order = unknown + known
        else:
            order = list(idx)
        keep = order[-1] if opt.duplicates == "latest" else order[0]
        for i in idx:
            if i != keep:
                reason[i] = f"duplicate submission (kept row {raw.rows[keep]})"

    kept = reason == None
    excluded = [{"file": file, "row": int(raw.rows[i]),
                 "id": None if hide_id[i] else (final_ids[i] or None),
                 "reason": reason[i]} for i in np.flatnonzero(~kept)]
    order_of = {c: k for k, c in enumerate(cols)}
    cell_events = sorted(problems + marked, key=lambda p: (p[0], order_of[p[1]]))
    cells = [{"file": file, "row": int(raw.rows[i]), "column": c, "id": final_ids[i] or None,
              "value": _shown(v), "reason": r} for i, c, v, r in cell_events if kept[i]]

    # -- columns that look like questions but are no item ---------------------------------
    unmapped = []
    if scale.id is not None:
        for c in extras:
            if c in pii_cols or not (looks_like_question(c) or c in qtext):
                continue
            unmapped.append({"file": file, "column": c,
                             "reason": f"looks like a question but matches no item of "
                                       f"{scale.id}; kept as an extra column (pass columns="
                                       "{'column': 'item id'} if it is an item)"})

    # -- extra columns -------------------------------------------------------------------
    def extra_values(c: str) -> pd.Series:
        if c in hash_set:
            return pd.Series(_map_distinct(
                raw.cells[c], lambda v: None if is_missing(v) else _pseudonym(nfkc(v).strip(),
                                                                              opt.salt)))
        is_group = name_key(c) in _GROUP_NAMES
        if raw.original is not None:
            pos = raw.meta["positions"][c]
            series = raw.original.iloc[(raw.rows - 2), pos].reset_index(drop=True)
            if is_group and (series.dtype == object or pd.api.types.is_string_dtype(series)):
                series = series.map(lambda v: v.strip() if isinstance(v, str) else v)
            return series
        marks = {**missing_values.get("*", {}), **missing_values.get(c, {})}
        if marks:   # a format's missing codes ((空), -2 ...) are missing in extras too
            keys = {nfkc(k).strip() for k in marks}
            cells_c = _map_distinct(raw.cells[c], lambda v: "" if nfkc(v).strip() in keys else v,
                                    factorized(raw, c))
            return _extra_series(cells_c, as_text=is_group)
        return _extra_series(raw.cells[c], as_text=is_group, fact=factorized(raw, c))

    def out_name(name: str, taken: set[str]) -> str:
        new = name
        while new in taken:
            new = f"{new}_extra"
        if new != name:
            notes.append(f"{file}: extra column {name!r} renamed {new!r} (the name is taken)")
        return new

    taken = {"id", "wave", *item_ids}
    extra_out: dict[str, pd.Series] = {}
    for c in extras:
        name = out_name(c, taken)
        taken.add(name)
        extra_out[name] = extra_values(c)
    wave_extra_names: dict[str, str] = {}
    for stem, _w in wave_extras:
        if stem not in wave_extra_names:
            wave_extra_names[stem] = out_name(stem, taken)
            taken.add(wave_extra_names[stem])

    # -- assemble ---------------------------------------------------------------------------
    waves_absent: list[dict[str, Any]] = []
    if layout == "long":
        idx = np.flatnonzero(kept)
        out: dict[str, Any] = {"id": pd.Series(final_ids[idx].tolist(), dtype="str"),
                               "wave": _wave_categorical(waves[idx].tolist())}
        for item in item_ids:
            arr = values.get((item, None))
            out[item] = arr[idx] if arr is not None else np.full(len(idx), np.nan)
        for name, series in extra_out.items():
            out[name] = series.iloc[idx].reset_index(drop=True)
        data = pd.DataFrame(out)
        records = len(data)
    else:
        rec_rows: list[int] = []
        rec_waves: list[str] = []
        for i in np.flatnonzero(kept):
            for w in waves_in:
                if present[w][i]:
                    rec_rows.append(int(i))
                    rec_waves.append(w)
                else:
                    waves_absent.append({"file": file, "row": int(raw.rows[i]),
                                         "id": final_ids[i], "wave": w})
        sel = np.array(rec_rows, dtype=np.int64)
        out = {"id": pd.Series(final_ids[sel].tolist() if len(sel) else [], dtype="str"),
               "wave": _wave_categorical(rec_waves)}
        for item in item_ids:
            col = np.full(len(sel), np.nan)
            for w in waves_in:
                arr = values.get((item, w))
                mask = np.array([rw == w for rw in rec_waves], dtype=bool)
                if arr is not None and mask.any():
                    col[mask] = arr[sel[mask]]
            out[item] = col
        for name, series in extra_out.items():
            out[name] = series.iloc[sel].reset_index(drop=True)
        for stem, name in wave_extra_names.items():
            per_wave = {w: extra_values(c) for (s, w), c in wave_extras.items() if s == stem}
            vals = [per_wave[w].iloc[i] if w in per_wave else np.nan
                    for i, w in zip(rec_rows, rec_waves, strict=True)]
            out[name] = pd.Series(vals, dtype=object).infer_objects() if vals else \
                pd.Series([], dtype=object)
        data = pd.DataFrame(out)
        records = len(data)

    report = _file_report(
        raw, meta, file=file, layout=layout, kept=kept, records=records, wave=fixed,
        notes=notes, excluded=excluded, cells=cells, columns_dropped=dropped,
        columns_pseudonymized=pseudo, id_changes=id_changes, waves_absent=waves_absent,
        items_missing=missing_items, columns_unmapped=unmapped,
        columns_mapped=[{"file": file, "column": c, "item": k[0], "how": how.get(c, "id")}
                        for k, c in item_cols.items()])
    return _Loaded(data=data, report=report, item_ids=tuple(item_ids), warnings=warn_msgs)


# ---------------------------------------------------------------------------
# long tidy files: one row per answer (id, wave, item, value)
# ---------------------------------------------------------------------------

def _tidy_columns(raw: RawTable, scale: _Scale, opt: _Options) -> tuple[str, str] | None:
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


def _load_tidy(raw: RawTable, scale: _Scale, opt: _Options, item_col: str,
               value_col: str) -> _Loaded:
    """Pivot a long tidy table (one row per answer) to one row per person per wave.

    Accounting: every input row is a row read; it is kept when it gives a cell
    (even one then set to missing), and excluded with a reason otherwise: missing
    id, missing wave, missing or unknown item, or a duplicated (id, wave, item)
    (the latest by submit time, else the last in the file, is kept with
    ``duplicates="latest"``).
    """
    file, n, meta = raw.file, raw.n_rows, raw.meta
    cols = list(raw.columns)
    notes = list(raw.notes)
    notes.append(f"{file}: long tidy layout (one row per answer, items in {item_col!r}, "
                 f"answers in {value_col!r}); pivoted to one row per person per wave")
    if opt.id_col is not None:
        idc = find_column(cols, str(opt.id_col), what="id", param="id_col", file=file)
    else:
        idc = find_id_column([c for c in cols if c not in (item_col, value_col)], file,
                             hint=meta.get("id_column"), exclude=meta.get("not_id_columns", ()))
    rest = [c for c in cols if c not in (idc, item_col, value_col)]
    fixed = None
    if opt.wave is not None:
        fixed = normalise_wave(str(opt.wave))
        if fixed is None:
            raise ValueError(f"wave={opt.wave!r} is not a wave label; use e.g. 'pre' or 'post'")
    if opt.wave_col is not None:
        wcol = find_column(rest, str(opt.wave_col), what="wave", param="wave_col", file=file)
    elif meta.get("wave_column") in rest:
        wcol = meta["wave_column"]
    else:
        wcol = find_wave_column(rest, raw.cells)
    if wcol is None and fixed is None:
        raise DataError(
            f"{file}: cannot tell which wave each answer belongs to: there is no wave column "
            "(looked for wave, time, 时间点, 测量, phase). Pass wave_col='COLUMN' (--wave "
            "COLUMN), or wave='pre' if the whole file is one wave.")
    if wcol is not None:
        rest = [c for c in rest if c != wcol]
        if fixed is not None:
            seen = set(_waves_of(raw, wcol).tolist()) - {None}
            if seen - {fixed}:
                raise DataError(
                    f"{file}: wave={opt.wave!r} was given, but column {wcol!r} holds the waves "
                    f"{', '.join(sorted(map(str, seen)))}.")
    ids_raw = raw.cells[idc]
    ids = _map_distinct(ids_raw, normalise_id)
    if wcol is not None and fixed is None:
        waves = _waves_of(raw, wcol)
    else:
        waves = np.full(n, fixed, dtype=object)

    # items named in the item column
    matcher = ItemMatcher(scale.item_ids, scale.item_text, opt.columns)
    names = _map_distinct(raw.cells[item_col], lambda v: "" if is_missing(v) else nfkc(v).strip())
    item_of: dict[str, str | None] = {}
    for name in dict.fromkeys(names.tolist()):
        if not name:
            continue
        m = matcher.match(name)
        if scale.id is None:
            item_of[name] = m[0] if m is not None else name
        else:
            item_of[name] = m[0] if m is not None and m[0] in scale.item_ids else None
    items = np.array([item_of.get(v) for v in names], dtype=object)
    item_ids = scale.item_ids if scale.id is not None else tuple(
        dict.fromkeys(v for v in items.tolist() if v is not None))

    reason = np.full(n, None, dtype=object)
    hide_id = np.zeros(n, dtype=bool)
    for row_no, why in (meta.get("exclude") or {}).items():
        hit = np.flatnonzero(raw.rows == int(row_no))
        reason[hit] = str(why)
        hide_id[hit] = why == FOOTER_REASON
    warn: list[str] = []
    if wcol is not None and fixed is None:
        unknown = _unknown_wave_notes(file, raw, waves, skip=reason != None)
        notes += unknown
        warn += unknown
    reason[(reason == None) & (ids == "")] = "missing id"
    reason[(reason == None) & (waves == None)] = "missing wave"
    reason[(reason == None) & (names == "")] = "missing item name"
    for i in np.flatnonzero((reason == None) & (items == None)):
        reason[i] = f"{names[i]!r} is not an item of {scale.id}"

    # PII among the other columns; ids holding personal data are hashed
    pii_cols = {c: r for c in rest
                if (r := pii_reason(c, raw.cells[c], meta.get("pii_columns", ())))}
    dropped, pseudo = [], []
    for c, why in pii_cols.items():
        if opt.pii == "drop":
            dropped.append({"file": file, "column": c,
                            "reason": f"{why}; pass pii='keep' or 'pseudonymize' to keep it"})
        elif opt.pii == "pseudonymize":
            pseudo.append({"file": file, "column": c,
                           "reason": f"{why}; values replaced by salted SHA-256 hashes"})
    if opt.pii == "keep" and pii_cols:
        notes.append(f"{file}: personal data kept because pii='keep': " + ", ".join(map(repr, pii_cols)))
    final_ids, hashed, id_pseudo, id_notes = _private_ids(file, raw, idc, ids_raw, ids, opt)
    pseudo += id_pseudo
    notes += id_notes
    changed = np.flatnonzero((ids != "") & (ids != ids_raw) & ~hashed)
    id_changes = [{"file": file, "row": int(raw.rows[i]), "original": ids_raw[i],
                   "id": ids[i]} for i in changed]

    # duplicated (id, wave, item)
    live = np.flatnonzero(reason == None)
    keys = pd.DataFrame({"id": ids[live], "wave": waves[live], "item": items[live]})
    dup = keys.duplicated(keep=False).to_numpy()
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i in live[dup]:
        groups.setdefault((ids[i], waves[i], items[i]), []).append(int(i))
    if groups and opt.duplicates == "error":
        text = [f"id {final_ids[idx[0]]!r} wave {w} item {it}: rows "
                + ", ".join(str(int(raw.rows[i])) for i in idx)
                for (_p, w, it), idx in groups.items()]
        raise DataError(
            f"{file}: {len(groups)} answers are given more than once ({'; '.join(text[:5])}"
            f"{'; ...' if len(text) > 5 else ''}). Remove the extra rows, or pass "
            "duplicates='latest' or 'first' to keep one.")
    tcol = find_time_column(rest, meta.get("time_column"))
    times = None
    if groups and tcol is not None:
        times = parse_times(raw.cells[tcol])
        if np.isnat(times).all():
            times = None
    for (_p, w, it), idx in groups.items():
        if times is not None:
            unknown = [i for i in idx if np.isnat(times[i])]
            order = unknown + sorted((i for i in idx if not np.isnat(times[i])),
                                     key=lambda i: (times[i], i))
        else:
            order = list(idx)
        keep = order[-1] if opt.duplicates == "latest" else order[0]
        for i in idx:
            if i != keep:
                reason[i] = (f"duplicate answer for (id, wave {w}, item {it}) "
                             f"(kept row {raw.rows[keep]})")

    # answers
    checked = scale.id is not None
    mv = meta.get("missing_values") or {}
    conv = _convert_by_item(raw.cells[value_col], items, scale, checked=checked,
                            sentinels={**mv.get("*", {}), **mv.get(value_col, {})})
    kept = reason == None
    problems = [p for p in conv.problems if kept[p[0]]]
    answered = int(np.sum(~np.isnan(conv.numbers[kept]))) + len(problems)
    if problems and len(problems) > answered / 2:
        i, v, r = problems[0]
        raise DataError(
            f"{file}: {len(problems)} of {answered} answers cannot be used (e.g. row "
            f"{raw.rows[i]}, column {value_col!r}: {mask_personal(repr(_shown(v)))}, "
            f"{mask_personal(r)}). Check instrument=.",
            problems=make_table("cells", [
                {"file": file, "row": int(raw.rows[i]), "column": value_col,
                 "id": final_ids[i] or None, "value": _shown(v), "reason": r}
                for i, v, r in problems]))
    events = sorted(problems + [p for p in conv.marked if kept[p[0]]])
    cells = [{"file": file, "row": int(raw.rows[i]), "column": value_col,
              "id": final_ids[i] or None, "value": _shown(v), "reason": f"{r} [item {items[i]}]"}
             for i, v, r in events]
    excluded = [{"file": file, "row": int(raw.rows[i]),
                 "id": None if hide_id[i] else (final_ids[i] or None), "reason": reason[i]}
                for i in np.flatnonzero(~kept)]

    # pivot
    k_idx = np.flatnonzero(kept)
    frame = pd.DataFrame({"id": final_ids[k_idx], "wave": waves[k_idx],
                          "item": items[k_idx], "value": conv.numbers[k_idx]})
    records = frame[["id", "wave"]].drop_duplicates().reset_index(drop=True)
    wide = frame.pivot(index=["id", "wave"], columns="item", values="value")
    wide = wide.reindex(pd.MultiIndex.from_frame(records)).reindex(columns=list(item_ids))
    out: dict[str, Any] = {"id": pd.Series(records["id"].tolist(), dtype="str"),
                           "wave": _wave_categorical(records["wave"].tolist())}
    for item in item_ids:
        out[item] = wide[item].to_numpy(dtype=float)
    taken = {"id", "wave", *item_ids}
    first_row_of = frame.groupby(["id", "wave"], sort=False).cumcount().to_numpy() == 0
    for c in rest:
        if c in pii_cols and opt.pii == "drop":
            continue
        if c in pii_cols and opt.pii == "pseudonymize":
            series = pd.Series(_map_distinct(raw.cells[c], lambda v: None if is_missing(v)
                                             else _pseudonym(nfkc(v).strip(), opt.salt)))
        else:
            series = _extra_series(raw.cells[c], as_text=name_key(c) in _GROUP_NAMES)
        sub = series.iloc[k_idx].reset_index(drop=True)
        per = pd.DataFrame({"id": frame["id"], "wave": frame["wave"], "v": sub})
        firsts = per.groupby(["id", "wave"], sort=False)["v"].first()
        vals = firsts.reindex(pd.MultiIndex.from_frame(records)).reset_index(drop=True)
        name = c
        while name in taken:
            name = f"{name}_extra"
        taken.add(name)
        out[name] = vals
    del first_row_of
    data = pd.DataFrame(out)
    missing_items = [{"file": file, "item": it, "wave": fixed,
                      "reason": "no answer for this item in the file; its answers are all missing"}
                     for it in item_ids if it not in set(frame["item"])]
    report = _file_report(
        raw, meta, file=file, layout="tidy", kept=kept, records=len(data), wave=fixed,
        notes=notes, excluded=excluded, cells=cells, columns_dropped=dropped,
        columns_pseudonymized=pseudo, id_changes=id_changes, items_missing=missing_items)
    if missing_items and scale.id is not None:
        warn.append(f"{file}: {len(missing_items)} item(s) of {scale.id} have no answer in the file")
    return _Loaded(data=data, report=report, item_ids=tuple(item_ids), warnings=warn)


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------

def _read_one(src: Any, *, instrument: Any, source: str, id_col: str | None, wave: Any,
              wave_col: str | None, columns: Mapping[str, str] | None, duplicates: str,
              pii: str, sheet: str | int | None, encoding: str | None, salt: str,
              salt_given: bool, label: str | None = None) -> tuple[_Loaded, _Scale]:
    _check_choice("duplicates", duplicates, ("latest", "first", "error"))
    _check_choice("pii", pii, ("drop", "pseudonymize", "keep"))
    _check_choice("source", source, ("auto", *source_names(), "dataframe"))
    scale = _Scale.from_instrument(_resolve_instrument(instrument))
    raw = read_source(src, source=source, sheet=sheet, encoding=encoding, label=label)
    opt = _Options(id_col=id_col, wave=None if wave is None else str(wave), wave_col=wave_col,
                   columns=columns, duplicates=duplicates, pii=pii, salt=salt,
                   salt_given=salt_given)
    if columns is not None and not isinstance(columns, Mapping):
        raise TypeError("columns must be a mapping {export column name or regex: item id}")
    tidy = _tidy_columns(raw, scale, opt)
    if tidy is not None:
        return _load_tidy(raw, scale, opt, *tidy), scale
    return _load(raw, scale, opt), scale


def read_survey(
    path_or_frame: str | os.PathLike[str] | pd.DataFrame,
    *,
    instrument: Any = None,
    source: Literal["auto", "csv", "excel", "dataframe"] = "auto",
    id_col: str | None = None,
    wave: str | None = None,
    wave_col: str | None = None,
    columns: Mapping[str, str] | None = None,
    duplicates: Duplicates = "latest",
    pii: PII = "drop",
    sheet: str | int | None = None,
    encoding: str | None = None,
    salt: str | None = None,
) -> Responses:
    """Read a survey export (CSV, Excel or a DataFrame) into :class:`Responses`.

    Every cell is read as text first (so ``"007"`` stays ``"007"``), then ids,
    waves and answers are converted by one set of rules, and everything that was
    excluded or altered is listed in ``Responses.report``.

    Parameters
    ----------
    path_or_frame : str, path-like or pandas.DataFrame
        A ``.csv``/``.txt``/``.tsv`` file (separator sniffed: comma, tab or
        semicolon), an ``.xlsx``/``.xls`` workbook, or a DataFrame.
    instrument : instrument, str or None
        The instrument (an object with ``id``, ``item_ids``, ``response_min``,
        ``response_max``, ``labels``, ``item_text``) or a name/path for
        ``stressgroup.load_instrument``. Without one, no column is an item unless
        ``columns`` names it, and all other columns are kept as extra columns.
    source : {"auto", "csv", "excel", "dataframe"}
        The format; ``"auto"`` goes by the file extension.
    id_col : str, optional
        The id column. Default: a column named id, respondent_id, participant_id,
        participant, code, 编号 or 工号 (case-insensitive; 序号 is a row number, not an id).
    wave : str, optional
        The wave of every row, for a file that holds one wave (``"pre"``, ``"T2"``...).
    wave_col : str, optional
        The wave column. Default: a column named wave, time, 时间点, 测量 or phase.
        Labels are normalised: pre/pretest/baseline/T1/1/前测 -> ``"pre"``,
        post/posttest/T2/2/后测 -> ``"post"``, follow-up/fu/T3/3/追踪/随访 ->
        ``"follow-up"``; other labels are kept and ordered after these, with a
        report note and a DataQualityWarning per label (it may be a typo).
        Without a wave column or ``wave``, wave-affixed item columns (``pre_IND1``,
        ``IND1_post``, ``fu.IND1``) make the file *wide*; it is reshaped to one row
        per person per wave answered.
    columns : dict, optional
        ``{export column name or regex: item id}``; names are matched exactly first,
        then as ``re.fullmatch`` patterns. Otherwise a column is an item if its name
        is the item id (any case, wave affix removed) or its header is the item's
        text in the instrument (question numbers such as ``8、`` and matrix
        parentheses removed).
    duplicates : {"latest", "first", "error"}
        Several rows for one (id, wave): keep the latest (by a submit-time column
        such as submitted, 提交答卷时间, RecordedDate or EndDate if there is one,
        else the last in the file), the first (earliest submitted, else first in
        the file), or raise :class:`~stressgroup.errors.DataError`.
    pii : {"drop", "pseudonymize", "keep"}
        Columns holding personal data (name, phone, ID card, IP, e-mail, location,
        by header or because most values look like Chinese mobile numbers, ID card
        numbers, IPv4 or e-mail addresses): drop them, replace values by salted
        SHA-256 hashes (16 hex digits), or keep them. An id column of phone or ID
        card numbers is pseudonymized unless ``pii="keep"``; so is any single id
        that looks like one (or like an e-mail or IP address). Personal data typed
        into an answer is never copied into the report (shown as
        ``"<personal data hidden>"``).
    sheet : str or int, optional
        Excel sheet (name or 0-based number); default the first.
    encoding : str, optional
        Text encoding of a CSV file. Default: UTF-8 (with or without BOM), then
        GB18030 (which covers GBK).
    salt : str, optional
        Salt for pseudonymizing; default a random one per call.

    Returns
    -------
    Responses
        ``data`` with columns ``id`` (text), ``wave`` (ordered Categorical), one
        float64 column per item in questionnaire order, then the extra columns;
        ``report`` (:class:`LoadReport`); ``instrument_id``; ``item_ids``.

    Raises
    ------
    DataError
        The file cannot be used: not found, empty, no id column, no way to tell
        the wave, no item of the instrument found, more than half of the answers
        unusable, or duplicates with ``duplicates="error"``. The message names the
        file, row and column and says what to do; ``.problems`` lists the cells.

    Notes
    -----
    Row numbers are those of a spreadsheet: the header is row 1, so the first data
    row is row 2; for a DataFrame the row is its 0-based position + 2. Blank rows
    are skipped and not counted.

    Counting: ``rows_read`` is the number of data rows; each row is either kept or
    excluded once, with the first reason that applies, in this order: missing id,
    missing wave, no item answers (long) / no answers in any wave (wide), duplicate
    submission. A wide row is one row read and, if kept, one row kept even when it
    gives several waves (``FileReport.records`` counts the rows of ``data``); a wave
    with no answers is attrition, listed in ``report.waves_absent``, not an exclusion.

    Answers: missing markers (blank, NA, N/A, NaN, ``.``, ``-``) are missing. Other
    text is NFKC-normalised (full-width ``３`` -> ``3``) and read as a number or, if
    it is a response label of the instrument (zh or en, English case-insensitive),
    as the label's number. Anything else ("not a number"), a number outside the
    declared range ("out of range 1-5"), a fraction when the labels are whole
    numbers, an answer that is not a key of the item's ``values`` map, or a
    multi-select answer ticking the "none" option with others, becomes NaN and is
    listed in ``report.cells``; values are never clipped. If more than half of the answered cells fail, DataError is raised.
    Only kept rows' cells are listed.

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup.io import read_survey
    >>> df = pd.DataFrame({
    ...     "编号": ["007", "０08", "009"],
    ...     "wave": ["前测", "前测", "后测"],
    ...     "Q1": ["3", "非常同意", "7"],
    ...     "group": ["A ", "B", "A"],
    ... })
    >>> from types import SimpleNamespace
    >>> inst = SimpleNamespace(id="demo", item_ids=("Q1",), response_min=1, response_max=5,
    ...                        labels={5: {"en": "Strongly agree", "zh": "非常同意"}},
    ...                        item_text={})
    >>> r = read_survey(df, instrument=inst)
    >>> r.data
        id  wave   Q1 group
    0  007   pre  3.0     A
    1  008   pre  5.0     B
    2  009  post  NaN     A
    >>> r.report.cells[["row", "column", "value", "reason"]]
       row column value            reason
    0    4     Q1     7  out of range 1-5
    >>> r.report.id_changes[["row", "original", "id"]]
       row original   id
    0    3      ０08  008
    """
    given = salt is not None
    loaded, scale = _read_one(
        path_or_frame, instrument=instrument, source=source, id_col=id_col, wave=wave,
        wave_col=wave_col, columns=columns, duplicates=duplicates, pii=pii, sheet=sheet,
        encoding=encoding, salt=salt if given else secrets.token_hex(16), salt_given=given)
    for msg in loaded.warnings:
        warnings.warn(msg, DataQualityWarning, stacklevel=2)
    return Responses(data=loaded.data, report=loaded.report, instrument_id=scale.id,
                     item_ids=loaded.item_ids)


def read_waves(
    files: Mapping[str, Any] | Sequence[Any],
    **kwargs: Any,
) -> Responses:
    """Read one file per wave and stack them into one :class:`Responses`.

    Parameters
    ----------
    files : dict or sequence
        ``{"pre": path_or_frame, "post": path_or_frame, ...}``; the keys are wave
        labels (normalised as in :func:`read_survey`). A sequence is read as
        pre, post, follow-up in that order.
    **kwargs
        Passed to :func:`read_survey` for every file (``instrument``, ``id_col``,
        ``columns``, ``duplicates``, ``pii``, ``salt``...), except ``wave`` and
        ``wave_col``. One salt is shared by all files, so pseudonymized ids still
        match across waves.

    Returns
    -------
    Responses
        The rows of all files (ids normalised the same way), ``wave`` an ordered
        Categorical, and one report whose ``files`` has one entry per file.

    Raises
    ------
    DataError
        As :func:`read_survey`, or when two files give the same wave.

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup.io import read_waves
    >>> pre = pd.DataFrame({"id": ["1", "2"], "score": [10, 12]})
    >>> post = pd.DataFrame({"id": ["1", "２"], "score": [8, 11]})
    >>> r = read_waves({"pre": pre, "post": post})
    >>> r.data
      id  wave  score
    0  1   pre     10
    1  2   pre     12
    2  1  post      8
    3  2  post     11
    >>> [f.rows_read for f in r.report.files]
    [2, 2]
    """
    for bad in ("wave", "wave_col"):
        if bad in kwargs:
            raise TypeError(f"read_waves() takes the waves from the keys of files; "
                            f"do not pass {bad}=")
    if isinstance(files, Mapping):
        pairs = [(str(k), v) for k, v in files.items()]
    elif isinstance(files, (list, tuple)):
        if len(files) > len(WAVE_ORDER):
            raise ValueError(f"files: a list can hold at most {len(WAVE_ORDER)} files "
                             "(pre, post, follow-up); use a dict for more waves")
        pairs = list(zip(WAVE_ORDER, files, strict=False))
    else:
        raise TypeError("files must be a dict {wave: path_or_frame} or a list of paths")
    if not pairs:
        raise ValueError("files is empty; give at least one file")
    seen: dict[str, str] = {}
    for key, _ in pairs:
        w = normalise_wave(key)
        if w is None:
            raise ValueError(f"files: {key!r} is not a wave label")
        if w in seen:
            raise DataError(f"files {seen[w]!r} and {key!r} are both wave {w}; "
                            "give one file per wave.")
        seen[w] = key
    salt = kwargs.pop("salt", None)
    given = salt is not None
    salt = salt if given else secrets.token_hex(16)
    loads = []
    scale = None
    for key, src in pairs:
        label = f"<DataFrame: {key}>" if isinstance(src, pd.DataFrame) else None
        loaded, scale = _read_one(src, wave=key, wave_col=None, salt=salt, salt_given=given,
                                  label=label, **_defaults(kwargs))
        loads.append(loaded)
    for loaded in loads:
        for msg in loaded.warnings:
            warnings.warn(msg, DataQualityWarning, stacklevel=2)
    item_ids = loads[0].item_ids
    frames = [ld.data.assign(wave=ld.data["wave"].astype(object)) for ld in loads]
    data = pd.concat(frames, ignore_index=True)
    data["wave"] = _wave_categorical(data["wave"].tolist())
    report = LoadReport.combine([ld.report for ld in loads])
    return Responses(data=data, report=report, instrument_id=scale.id if scale else None,
                     item_ids=item_ids)


def _defaults(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    allowed = {"instrument": None, "source": "auto", "id_col": None, "columns": None,
               "duplicates": "latest", "pii": "drop", "sheet": None, "encoding": None}
    unknown = set(kwargs) - set(allowed)
    if unknown:
        raise TypeError(f"read_waves() got unexpected keyword argument(s): {', '.join(sorted(unknown))}")
    return {**allowed, **kwargs}

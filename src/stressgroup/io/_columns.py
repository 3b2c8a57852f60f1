"""Finding the id, wave, submit-time, item and PII columns of a table."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.errors import DataError
from ..core.vocab import QUESTION_NUMBER_RE, strip_question_number
from ..core.vocab import plain_key as _plain_key
from . import _distinct as distinct
from ._text import (
    WAVE_ORDER,
    is_missing,
    name_key,
    nfkc,
    normalise_wave,
    personal_kind,
    text_key,
)

__all__ = [
    "ID_NAMES",
    "WAVE_NAMES",
    "ItemMatcher",
    "find_column",
    "find_id_column",
    "find_tidy_columns",
    "find_time_column",
    "find_wave_column",
    "looks_like_pii",
    "looks_like_question",
    "pii_reason",
    "split_wave_affix",
    "strip_question_number",
]

#: Header names taken as the id column, in order of preference (compared with name_key).
#: 序号 is deliberately absent: in 问卷星 exports it is the row number, not a person.
ID_NAMES = ("id", "respondentid", "participantid", "participant", "personid", "code",
            "编号", "被试编号", "工号")
#: Header names taken as the wave column.
WAVE_NAMES = ("wave", "time", "timepoint", "时间点", "测量", "测量时间", "测量阶段", "phase", "阶段")
#: Header names taken as the submission time, best first.
TIME_NAMES = ("submitted", "submittime", "submittedat", "submissiontime", "提交答卷时间",
              "提交时间", "recordeddate", "enddate", "timestamp", "时间戳", "startdate")


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(repr(n) for n in names)


def find_column(columns: Sequence[str], wanted: str, *, what: str, param: str,
                file: str) -> str:
    """Find ``wanted`` among ``columns`` (exact, then case/space-insensitive) or raise."""
    if wanted in columns:
        return wanted
    key = name_key(wanted)
    hits = [c for c in columns if name_key(c) == key]
    if len(hits) == 1:
        return hits[0]
    if not hits:   # a 问卷星 question column: "3、工号" for --id 工号
        hits = [c for c in columns if _plain_key(c) == key]
        if len(hits) == 1:
            return hits[0]
    raise DataError(
        f"{file}: {param}={wanted!r} is not a column. The {what} column must be one of: "
        f"{_quoted(columns)}."
    )


def find_id_column(columns: Sequence[str], file: str, *, hint: str | None = None,
                   exclude: Iterable[str] = ()) -> str:
    """The id column by name (see ``ID_NAMES``), or a DataError saying to pass ``id_col``.

    A reader's ``hint`` (``meta["id_column"]``) wins when it is a column. A question
    column such as ``3、工号`` or ``3、您的工号：`` counts as ``工号``.
    """
    if hint is not None and hint in columns:
        return hint
    skip = set(exclude)
    keys = {c: name_key(c) for c in columns}
    for wanted in ID_NAMES:
        for col in columns:
            if col not in skip and keys[col] == wanted:
                return col
    plain = {c: _plain_key(c) for c in columns}
    for wanted in ID_NAMES:
        for col in columns:
            if col not in skip and plain[col] == wanted:
                return col
    raise DataError(
        f"{file}: no id column found (looked for a column named id, respondent_id, "
        f"participant, code, 编号 or 工号). The columns are: {_quoted(columns)}. "
        "Pass id_col='COLUMN' (on the command line --id COLUMN) to name the column that "
        "identifies each person."
    )


def find_wave_column(columns: Sequence[str], cells: Mapping[str, np.ndarray]) -> str | None:
    """A column named like a wave (wave, 时间点, phase, time...) whose values look like waves.

    A column named ``wave``, ``时间点``, ``测量``, ``phase``... is taken when at
    least one value is a known wave label or it has at most six distinct values.
    A column named only ``time`` must have mostly known wave labels (it is often
    a timestamp).
    """
    for wanted in WAVE_NAMES:
        for col in columns:
            if name_key(col) != wanted:
                continue
            # each distinct value looked at once, counted as often as it occurs
            import pandas as pd

            codes, uniques = pd.factorize(np.asarray(cells[col], dtype=object), sort=False)
            counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
            answered = ~distinct.missing(uniques.tolist())
            n_values = int(counts[answered].sum())
            known = int(sum(n for u, n, a in zip(uniques.tolist(), counts.tolist(),
                                                 answered.tolist())
                            if a and normalise_wave(u) in WAVE_ORDER))
            if wanted == "time":
                if n_values and known > n_values / 2:
                    return col
            elif known or int(answered.sum()) <= 6:
                return col
    return None


def find_time_column(columns: Sequence[str], hint: str | None = None) -> str | None:
    """The submission-time column (submitted, 提交答卷时间, RecordedDate, EndDate, ...)."""
    if hint is not None and hint in columns:
        return hint
    keys = {c: name_key(c) for c in columns}
    for wanted in TIME_NAMES:
        for col in columns:
            if keys[col] == wanted:
                return col
    return None


# ---------------------------------------------------------------------------
# wave affixes of wide files
# ---------------------------------------------------------------------------

_AFFIX = r"(pre|post|follow[-_.]?up|fu)"
_PREFIX_RE = re.compile(_AFFIX + r"[_.](.+)", re.IGNORECASE)
_SUFFIX_RE = re.compile(r"(.+?)[_.]" + _AFFIX, re.IGNORECASE)


def split_wave_affix(column: str) -> tuple[str, str] | None:
    """``"pre_IND1"`` / ``"IND1.post"`` -> ``("IND1", "pre")``; ``None`` without an affix."""
    name = nfkc(column).strip()
    m = _PREFIX_RE.fullmatch(name)
    if m:
        return m.group(2), normalise_wave(m.group(1)) or m.group(1)
    m = _SUFFIX_RE.fullmatch(name)
    if m:
        return m.group(1), normalise_wave(m.group(2)) or m.group(2)
    return None


# ---------------------------------------------------------------------------
# items
# ---------------------------------------------------------------------------

_PAREN_RE = re.compile(r"[(（]([^()（）]*)[)）]")
_QSTART_RE = re.compile(r"^\s*(?:(?:[QqＱｑ]\s*)?\d+\s*(?:[、.．:：)）\]】_]|\s)|第\s*\d+\s*题)")


def looks_like_question(name: str) -> bool:
    """True for headers numbered like survey questions: ``8、…``, ``Q8.…``, ``第8题…``."""
    return bool(_QSTART_RE.match(nfkc(name)))


def _text_candidates(name: str) -> list[str]:
    """Keys a column header might match an item text by (question number and brackets stripped)."""
    name = nfkc(name).strip()
    stripped = QUESTION_NUMBER_RE.sub("", name, count=1)
    out = [stripped]
    inner = _PAREN_RE.findall(stripped)
    out += inner
    outer = _PAREN_RE.sub("", stripped)
    out.append(outer)
    for sep in ("—", "——", "-", ":", "|"):
        if sep in stripped:
            out.append(stripped.rsplit(sep, 1)[-1])
    keys = []
    for c in out:
        k = text_key(c)
        if k and k not in keys:
            keys.append(k)
    return keys


#: A close text match needs at least this difflib ratio (and must be unique).
FUZZY_RATIO = 0.9


@dataclass
class ItemMatcher:
    """Maps export column names to item ids (explicit mapping, item id, item text).

    ``match`` returns ``(item, how)`` with ``how`` one of ``"columns"``, ``"id"``,
    ``"text"`` (the header, or the question text a platform reader gives, equals
    an item's zh or en text after NFKC, without question number, brackets,
    spaces and punctuation) or ``"fuzzy"`` (a unique close text match, difflib
    ratio >= 0.9; ``fuzzy_ratio[column]`` keeps the ratio for the report).
    """

    item_ids: tuple[str, ...]
    item_text: Mapping[str, Any]
    columns_map: Mapping[str, str] | None
    fuzzy_ratio: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_id = {name_key(i): i for i in self.item_ids}
        self._by_text: dict[str, str] = {}
        for item, texts in (self.item_text or {}).items():
            if item not in self.item_ids:
                continue
            values = texts.values() if isinstance(texts, Mapping) else [texts]
            for t in values:
                if isinstance(t, str) and text_key(t):
                    self._by_text.setdefault(text_key(t), item)
        self._patterns: list[tuple[str, re.Pattern[str] | None, str]] = []
        self.bad_patterns: dict[str, str] = {}   # key -> why it is not a regex
        for key, target in (self.columns_map or {}).items():
            try:
                pattern = re.compile(str(key))
            except re.error as exc:
                pattern = None
                self.bad_patterns[str(key)] = str(exc)
            self._patterns.append((str(key), pattern, str(target)))
        self.used_keys: set[str] = set()

    def explicit(self, name: str) -> str | None:
        """The item ``columns=`` gives ``name``: an exact key first, then the first key
        whose regex ``fullmatch``-es it, its target expanded (``IND\\1``, ``\\g<n>``)."""
        for key, _, target in self._patterns:
            if key == name:
                self.used_keys.add(key)
                return target
        for key, pattern, target in self._patterns:
            m = pattern.fullmatch(name) if pattern is not None else None
            if m is not None:
                self.used_keys.add(key)
                try:
                    item = m.expand(target)
                except (re.error, IndexError) as exc:
                    raise DataError(
                        f"columns= key {key!r}: its replacement {target!r} cannot be "
                        f"filled in from column {name!r} ({exc}); use \\1 ... for the "
                        "groups in parentheses of the key") from None
                if item != target and self.item_ids and item not in self.item_ids:
                    raise DataError(
                        f"columns= key {key!r} -> {target!r} gives column {name!r} the "
                        f"item id {item!r}, which is not an item of the instrument (its "
                        f"items: {', '.join(self.item_ids[:10])}"
                        f"{', ...' if len(self.item_ids) > 10 else ''})")
                return item
        return None

    def _fuzzy(self, keys: list[str]) -> tuple[str, float] | None:
        best: dict[str, float] = {}
        for key in keys:
            if len(key) < 4:
                continue
            for text, item in self._by_text.items():
                # SequenceMatcher.real_quick_ratio, before building the matcher
                total = len(key) + len(text)
                if (2.0 * min(len(key), len(text)) / total if total else 1.0) < FUZZY_RATIO:
                    continue
                sm = difflib.SequenceMatcher(None, key, text, autojunk=False)
                if sm.real_quick_ratio() < FUZZY_RATIO or sm.quick_ratio() < FUZZY_RATIO:
                    continue
                ratio = sm.ratio()
                if ratio >= FUZZY_RATIO and ratio > best.get(item, 0.0):
                    best[item] = ratio
        if len(best) == 1:
            return next(iter(best.items()))
        return None

    def match(self, name: str, text: str | None = None) -> tuple[str, str] | None:
        """``(item, how)`` for a column name (and a platform's question text); else None."""
        target = self.explicit(name)
        if target is not None:
            return target, "columns"
        item = self._by_id.get(name_key(name))
        if item is not None:
            return item, "id"
        keys = _text_candidates(name)
        if text:
            keys += [k for k in _text_candidates(text) if k not in keys]
        for key in keys:
            item = self._by_text.get(key)
            if item is not None:
                return item, "text"
        hit = self._fuzzy(keys) if self._by_text else None
        if hit is not None:
            self.fuzzy_ratio[name] = hit[1]
            return hit[0], "fuzzy"
        return None


# ---------------------------------------------------------------------------
# long tidy files (id, wave, item, value)
# ---------------------------------------------------------------------------

TIDY_ITEM_NAMES = ("item", "itemid", "题目", "条目", "题号", "question", "questionid", "variable")
TIDY_VALUE_NAMES = ("value", "score", "得分", "分数", "answer", "答案", "response", "回答", "选项")


def find_tidy_columns(columns: Sequence[str]) -> tuple[str, str] | None:
    """``(item column, value column)`` of a long tidy file, or None."""
    keys = {c: name_key(c) for c in columns}

    def pick(names: Sequence[str]) -> str | None:
        for wanted in names:
            for c in columns:
                if keys[c] == wanted:
                    return c
        return None

    item, value = pick(TIDY_ITEM_NAMES), pick(TIDY_VALUE_NAMES)
    if item is None or value is None or item == value:
        return None
    return item, value


# ---------------------------------------------------------------------------
# personal data
# ---------------------------------------------------------------------------

_PII_EXACT = {
    "name": "name", "fullname": "name", "firstname": "name", "lastname": "name",
    "recipientfirstname": "name", "recipientlastname": "name", "姓名": "name",
    "名字": "name", "真实姓名": "name", "您的姓名": "name", "联系人": "name",
    "紧急联系人": "name", "家属": "name", "家属姓名": "name", "称呼": "name",
    "wechat": "messenger account", "微信": "messenger account", "微信号": "messenger account",
    "qq": "messenger account", "qq号": "messenger account", "住址": "address",
    "家庭住址": "address", "地址": "address", "address": "address",
    "ip": "IP address", "ipaddress": "IP address", "ipaddr": "IP address",
    "来自ip": "IP address", "来源ip": "IP address", "ip地址": "IP address",
    "email": "e-mail address", "e-mail": "e-mail address", "mail": "e-mail address",
    "recipientemail": "e-mail address",
    "latitude": "location", "longitude": "location", "locationlatitude": "location",
    "locationlongitude": "location", "lat": "location", "lon": "location", "lng": "location",
    "idcard": "ID card number", "idcardnumber": "ID card number",
}
_PII_CONTAINS = (
    ("phone", "phone number"), ("mobile", "phone number"), ("手机", "phone number"),
    ("电话", "phone number"), ("联系方式", "phone number"),
    ("身份证", "ID card number"), ("idcard", "ID card number"),
    ("email", "e-mail address"), ("邮箱", "e-mail address"), ("ipaddress", "IP address"),
    ("姓名", "name"), ("纬度", "location"), ("经度", "location"), ("ip地址", "IP address"),
    ("联系人", "name"), ("微信", "messenger account"), ("住址", "address"),
)

def pii_header_reason(column: str) -> str | None:
    """What kind of personal data a header names (``"phone number"``...), or None."""
    key = name_key(column)
    if key in _PII_EXACT:
        return _PII_EXACT[key]
    for part, kind in _PII_CONTAINS:
        if part in key:
            return kind
    return None


_value_kind = personal_kind


def looks_like_pii(values: np.ndarray | None,
                   fact: tuple[np.ndarray, np.ndarray] | None = None,
                   clean: tuple[list[str], np.ndarray] | None = None) -> str | None:
    """The kind of personal data most (> half) of the answered values look like, or None.

    Each distinct value is looked at once (at most the first 2000 distinct values,
    weighted by how often they occur). ``fact``: the ``pandas.factorize`` of ``values``
    when it is known (``values`` may then be None); ``clean``: its distinct values stripped and which are missing
    (``stripped_missing`` of them), when known.
    """
    import pandas as pd

    codes, uniques = fact if fact is not None else \
        pd.factorize(np.asarray(values, dtype=object), sort=False)
    if not len(uniques):
        return None
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    limit = min(len(uniques), 2000)
    kinds: dict[str, int] = {}
    answered = 0
    head_array = np.asarray(uniques[:limit], dtype=object)
    head = head_array.tolist()
    if pd.api.types.infer_dtype(head_array, skipna=False) == "string":   # all text: the
        # rules over all the values at once
        blank = clean[1][:limit] if clean is not None else distinct.missing(head)
        value_kinds = distinct.personal_kinds(head)
    else:
        blank = [is_missing(u) for u in head]
        value_kinds = [_value_kind(u) for u in head]
    for n, b, k in zip(counts[:limit].tolist(), blank, value_kinds):
        if b:
            continue
        answered += n
        if k:
            kinds[k] = kinds.get(k, 0) + n
    if not kinds:
        return None
    kind, count = max(kinds.items(), key=lambda kv: kv[1])
    return kind if count > answered / 2 else None


def pii_reason(column: str, values: "np.ndarray | Callable[[], np.ndarray]",
               known: Iterable[str] = (), fact: Any = None, clean: Any = None) -> str | None:
    """Why a column holds personal data (``"header names a phone number"``), or None.

    ``values``: the column's cells, or a function giving them (asked only when the
    header does not tell: a column dropped by its header is never read).

    ``known``: columns a reader declared personal (``meta["pii_columns"]``); ``fact``:
    a function giving the ``pandas.factorize`` of ``values`` (asked only when the
    values are looked at), or None; ``clean``: a function giving its distinct values
    stripped and which are missing (asked only when ``fact`` gives a factorization).
    """
    kind = pii_header_reason(column) or pii_header_reason(strip_question_number(column))
    if kind is None and column in set(known):
        kind = "declared personal by the export format"
    if kind:
        return f"personal data ({kind}, by header)"
    known_fact = fact() if fact is not None else None
    if callable(values):   # the cells are needed only without their factorization
        values = values() if known_fact is None else None
    kind = looks_like_pii(values, fact=known_fact,
                          clean=clean() if clean is not None and known_fact is not None
                          else None)
    if kind:
        return f"personal data (values look like {kind}s)"
    return None

"""Small vocabulary shared by several stages: wave order, group-column names, header keys.

The loader (``io``) and the analyses (``analysis``) must agree on these, so they
live here, once, below both.

Examples
--------
>>> from stressgroup.core.vocab import WAVE_ORDER, plain_key
>>> WAVE_ORDER
('pre', 'post', 'follow-up')
>>> plain_key("6、您的组别：")
'组别'
>>> plain_key("Q3. Your Group")
'yourgroup'
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = [
    "GROUP_NAMES",
    "find_group_column",
    "guess_control",
    "order_groups",
    "CONTROL_WORDS",
    "QUESTION_NUMBER_RE",
    "WAVE_ORDER",
    "name_key",
    "nfkc",
    "plain_key",
    "strip_question_number",
]

#: Canonical wave labels in their fixed order; unknown labels sort after these.
WAVE_ORDER = ("pre", "post", "follow-up")

#: Names of a group column (compared by :func:`plain_key`), in the order they are looked for.
GROUP_NAMES = ("group", "groups", "组别", "分组", "组", "组名", "arm", "condition")

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)

#: A leading question number: ``8、``, ``Q8.``, ``8.``, ``第8题``.
QUESTION_NUMBER_RE = re.compile(
    r"^\s*(?:[QqＱｑ]|第)?\s*\d+\s*(?:题)?\s*(?:[、.．:：)）\]】_\-]\s*|\s+|$)")
_ASK_RE = re.compile(r"^(?:请输入|请填写|请问|您的|你的)+")
_TRAIL_RE = re.compile(r"[\s:：。.！!？?*＊]+$")


def nfkc(text: str) -> str:
    """NFKC-normalise ``text`` (full-width digits/letters/spaces to ASCII) and drop zero-width marks."""
    if text.isascii():   # NFKC leaves ASCII alone and it holds no zero-width marks
        return text
    return unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)


@functools.lru_cache(maxsize=8192)   # headers and item texts, asked for again and again
def name_key(text: str) -> str:
    """A column name reduced for matching: NFKC, casefolded, no spaces, ``_`` or ``-``."""
    return re.sub(r"[\s_\-]+", "", nfkc(text).casefold())


def strip_question_number(name: str) -> str:
    """``"8、题干"``, ``"Q8. 题干"``, ``"8.题干"``, ``"第8题 题干"`` -> ``"题干"`` (NFKC, stripped)."""
    return QUESTION_NUMBER_RE.sub("", nfkc(name).strip(), count=1).strip()


def plain_key(name: str) -> str:
    """Header without question number, "您的/请输入" and trailing punctuation, as a name key."""
    text = _TRAIL_RE.sub("", strip_question_number(name))
    return name_key(_ASK_RE.sub("", text))


def find_group_column(columns, wanted: "str | None" = None) -> "str | None":
    """The column named ``wanted`` (exactly, else by :func:`plain_key`), or without
    ``wanted`` the one column named like a group column (group, 组别, 分组, arm, ...); so
    ``6、您的组别：`` finds ``组别``.

    Examples
    --------
    >>> find_group_column(["id", "6、您的组别：", "Q1"]), find_group_column(["id"])
    ('6、您的组别：', None)
    """
    columns = list(columns)
    if wanted is not None and wanted in columns:
        return wanted
    by_key: dict[str, list] = {}
    for c in columns:
        by_key.setdefault(plain_key(str(c)), []).append(c)
    for name in ([wanted] if wanted is not None else list(GROUP_NAMES)):
        hits = by_key.get(plain_key(str(name)), [])
        if len(hits) == 1:
            return hits[0]
    return None


#: Words that name a control or waiting-list group.
CONTROL_WORDS = ("control", "waitlist", "wait-list", "wait list", "waiting list", "对照",
                 "控制组", "候补")


def guess_control(labels: "list[str]") -> "str | None":
    """The one label that names a control or waiting-list group, if any.

    Examples
    --------
    >>> guess_control(["intervention", "waitlist"]), guess_control(["A", "B"])
    ('waitlist', None)
    """
    hits = [lab for lab in labels if any(w in lab.lower() for w in CONTROL_WORDS)]
    return hits[0] if len(hits) == 1 else None


def order_groups(labels, control: "str | None" = None) -> "list[str]":
    """Group labels in report order: sorted, the control group (given or guessed) last.

    Examples
    --------
    >>> order_groups(["control", "intervention"])
    ['intervention', 'control']
    """
    labels = sorted(str(v) for v in labels)
    control = control if control in labels else guess_control(labels)
    return [lab for lab in labels if lab != control] + ([control] if control else [])


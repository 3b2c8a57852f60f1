"""Personal data in values: one set of detectors for PII columns, ids and every output.

The loader uses them to drop or hash personal columns and ids; the report applies
:func:`mask_personal` to every text it writes, as a last guard.
"""

from __future__ import annotations

import re

from .vocab import nfkc

__all__ = ["PERSONAL_PLACEHOLDER", "personal_kind", "mask_personal"]

#: What the report shows instead of personal data found in a value.
PERSONAL_PLACEHOLDER = "<personal data hidden>"

# whole values (after NFKC, spaces and dashes removed)
PHONE_RE = re.compile(r"(?:\+?86)?1[3-9]\d{9}")
IDCARD_RE = re.compile(r"\d{17}[\dXx]")
IPV4_RE = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

# the same inside free text; a Chinese name (2-4 characters) written next to a phone
# or ID card number goes with it
_NAME = r"(?:[\u4e00-\u9fff]{2,4}[\s:：,，、]*)?"
_NAME_AFTER = r"(?:[\s:：,，、]*[\u4e00-\u9fff]{2,4}(?![\u4e00-\u9fff]))?"
_IN_TEXT = re.compile(
    "|".join([
        # ID card: 18 characters, optionally grouped 6-8-4
        _NAME + r"(?<![\dA-Za-z])\d{6}[\s\-]?\d{8}[\s\-]?\d{3}[\dXx](?![\dA-Za-z])" + _NAME_AFTER,
        # mainland mobile: 1[3-9]x xxxx xxxx, optionally +86 and spaces or dashes
        _NAME + r"(?<!\d)(?:\+?86[\s\-]?)?1[3-9]\d(?:[\s\-]?\d){8}(?!\d)" + _NAME_AFTER,
        r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+",
        r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]*\d)",
    ]))


def personal_kind(value: str) -> str | None:
    """The kind of personal data a whole value is (``"phone number"``...), or None."""
    if len(value) < 7 and "@" not in value:  # shorter than any IPv4 address or number
        return None
    v = re.sub(r"[\s\-]", "", nfkc(value))
    if PHONE_RE.fullmatch(v):
        return "phone number"
    if IDCARD_RE.fullmatch(v):
        return "ID card number"
    m = IPV4_RE.fullmatch(v)
    if m and all(int(g) <= 255 for g in m.groups()):
        return "IP address"
    if EMAIL_RE.fullmatch(v):
        return "e-mail address"
    return None


def _hide(m: re.Match[str]) -> str:
    text = m.group(0)
    ip_like = re.fullmatch(r"(?:\d{1,3}\.){3}\d{1,3}", text)
    if ip_like and any(int(g) > 255 for g in text.split(".")):
        return text   # a dotted number that is no IPv4 address
    return PERSONAL_PLACEHOLDER


def mask_personal(text: str) -> str:
    """``text`` with personal data replaced by ``"<personal data hidden>"``.

    Finds Chinese mobile numbers, 18-character ID card numbers (with a Chinese
    name written next to them), e-mail and IPv4 addresses anywhere in the text;
    text without any is returned unchanged.

    >>> mask_personal("unknown answer '张伟 13712345679'")
    "unknown answer '<personal data hidden>'"
    >>> mask_personal("out of range 1-5")
    'out of range 1-5'
    """
    if not isinstance(text, str) or (len(text) < 7 and "@" not in text) \
            or not any(ch.isdigit() or ch == "@" for ch in text):
        return text  # too short for an IPv4 address or a number, or no digit at all
    norm = nfkc(text)
    masked = _IN_TEXT.sub(_hide, norm)
    return text if masked == norm else masked

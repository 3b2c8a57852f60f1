"""Text normalisation shared by the loaders: missing markers, ids, waves, numbers.

Everything a loader reads is first held as text (``str``); these helpers turn
that text into ids, wave labels and numbers, one rule each, so that every
reader (CSV, Excel, and the survey-platform readers to come) agrees.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
import unicodedata
from typing import Any

from ..core.privacy import (PERSONAL_PLACEHOLDER,  # noqa: F401  (io._report takes it from here)
                             mask_personal, personal_kind)
from ..core.vocab import WAVE_ORDER, name_key, nfkc

__all__ = [
    "MISSING_MARKERS",
    "WAVE_ORDER",
    "cell_text",
    "format_number",
    "is_missing",
    "mask_personal",
    "name_key",
    "nfkc",
    "normalise_id",
    "normalise_wave",
    "parse_number",
    "personal_kind",
    "text_key",
]

#: Cell values (after NFKC and stripping, compared case-insensitively) read as "not answered".
MISSING_MARKERS = frozenset({"", "na", "n/a", "nan", ".", "-", "<na>"})

_WAVE_ALIASES = {
    "pre": ("pre", "1", "t1", "time1", "wave1", "baseline", "pretest", "pre-test",
            "前测", "基线", "干预前"),
    "post": ("post", "2", "t2", "time2", "wave2", "posttest", "post-test",
             "后测", "干预后"),
    "follow-up": ("follow-up", "followup", "fu", "3", "t3", "time3", "wave3",
                  "追踪", "追踪测", "随访", "追踪测试"),
}

_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def cell_text(value: Any) -> str:
    """Turn one cell as a reader or a DataFrame holds it into text.

    ``None``/NaN/NaT become ``""``; whole floats lose their ``.0`` (Excel stores
    ``7`` as ``7.0``); dates become ISO text; everything else is ``str(value)``.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        if isinstance(value, _dt.datetime) and not value.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ") if isinstance(value, _dt.datetime) else value.isoformat()
    try:  # numpy and pandas scalars
        import numpy as np
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return ""
        if isinstance(value, pd.Timestamp):
            return cell_text(value.to_pydatetime())
        if isinstance(value, np.generic):
            return cell_text(value.item())
    except ImportError:  # pragma: no cover
        pass
    return str(value)


def is_missing(text: str) -> bool:
    """True if ``text`` is a missing marker: blank, whitespace-only, NA, N/A, NaN, ``.``, ``-``."""
    stripped = text.strip()
    if not stripped:
        return True
    if len(stripped) > 8:   # no marker is that long, even full-width
        return False
    return nfkc(stripped).strip().casefold() in MISSING_MARKERS


def normalise_id(text: str) -> str:
    """Normalise a respondent id: NFKC (full-width to ASCII), every whitespace removed.

    Leading zeros are kept (``"007"`` stays ``"007"``). Returns ``""`` for a missing id.
    """
    if is_missing(text):
        return ""
    return "".join(nfkc(text).split())


@functools.lru_cache(maxsize=8192)   # headers and item texts, asked for again and again
def text_key(text: str) -> str:
    """Item text reduced for matching: NFKC, casefolded, punctuation and spaces removed."""
    return "".join(
        ch for ch in nfkc(text).casefold()
        if not (ch.isspace() or unicodedata.category(ch)[0] in "PZS")
    )


_WAVE_LOOKUP = {name_key(alias): wave for wave, aliases in _WAVE_ALIASES.items()
                for alias in aliases}


def normalise_wave(text: str) -> str | None:
    """Map a wave label to ``"pre"``, ``"post"`` or ``"follow-up"``.

    Accepted (case-insensitive): pre/pretest/baseline/T1/time1/1/前测/基线,
    post/posttest/T2/time2/2/后测, follow-up/followup/fu/T3/time3/3/追踪/随访.
    An unknown label is returned stripped (NFKC) and unchanged otherwise; a
    missing one gives ``None``.
    """
    if is_missing(text):
        return None
    stripped = nfkc(text).strip()
    return _WAVE_LOOKUP.get(name_key(stripped), stripped)


def parse_number(text: str) -> float | None:
    """Parse a plain decimal number (``"3"``, ``" 3 "``, ``"３"``, ``"2.5"``); ``None`` if not one."""
    stripped = nfkc(text).strip()
    if _NUMBER_RE.fullmatch(stripped):
        return float(stripped)
    return None


def format_number(value: float) -> str:
    """Format a declared bound for messages: ``1.0`` -> ``"1"``, ``2.5`` -> ``"2.5"``."""
    return f"{value:g}"

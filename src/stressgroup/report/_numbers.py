"""Number formatting: the house styles (APA and Chinese journals). The only place numbers
are rounded."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = ["fmt_num", "fmt_p", "Style", "STYLES", "get_style", "format_cell", "stars_for",
           "split_cell"]


def fmt_num(x: "float | None", digits: int = 2, *, leading_zero: bool = True) -> str:
    """Format a number for a table (``—`` for missing).

    Examples
    --------
    >>> fmt_num(0.456), fmt_num(-0.456, leading_zero=False), fmt_num(float("nan"))
    ('0.46', '-.46', '—')
    """
    if x is None or isinstance(x, str) or not math.isfinite(x):
        return "—"
    s = f"{x:.{digits}f}"
    if s.startswith("-") and float(s) == 0:
        s = s[1:]
    if not leading_zero:
        s = s.replace("0.", ".", 1) if s.lstrip("-").startswith("0.") else s
    return s


def fmt_p(p: "float | None", *, leading_zero: bool = False, digits: int = 3) -> str:
    """Format a p value: ``< .001`` below 0.001, else three decimals.

    APA style drops the leading zero; Chinese journals keep it.

    Examples
    --------
    >>> fmt_p(0.0234), fmt_p(0.00002), fmt_p(0.0234, leading_zero=True)
    ('.023', '< .001', '0.023')
    """
    if p is None or isinstance(p, str) or not math.isfinite(p):
        return "—"
    floor = 10.0 ** -digits
    if p < floor:
        return "< " + fmt_num(floor, digits, leading_zero=leading_zero)
    return fmt_num(p, digits, leading_zero=leading_zero)


@dataclass(frozen=True)
class Style:
    """A house style for numbers.

    Attributes
    ----------
    name : str
        ``apa`` (APA 7) or ``cn`` (Chinese journals).
    leading_zero : bool
        Whether values bounded by 1 (p, r, alpha, proportions) keep their leading zero.
    mean_sd : str
        Template of a ``mean_sd`` cell.
    stars : bool
        Significance stars on the columns that ask for them, with a note below the table.
    combine_df : bool
        A statistic column that names its df column shows ``t(22) = -4.34`` in one cell
        (and the df column is left out).
    """

    name: str
    leading_zero: bool
    mean_sd: str
    stars: bool
    combine_df: bool = False

    @property
    def mean_sd_header(self) -> str:
        """How a ``mean_sd`` column's header writes the pair: ``M (SD)`` or ``M ± SD``."""
        return self.mean_sd.format(m="M", sd="SD")


STYLES = {
    "apa": Style("apa", leading_zero=False, mean_sd="{m} ({sd})", stars=False,
                 combine_df=True),
    "cn": Style("cn", leading_zero=True, mean_sd="{m} ± {sd}", stars=True),
    "plain": Style("plain", leading_zero=True, mean_sd="{m} ({sd})", stars=False,
                   combine_df=True),
}

_BOUNDED = ("p", "p_adj", "reliability", "correlation", "proportion", "loading")


def get_style(style: "str | Style | None", lang: str, *, terminal: bool = False) -> Style:
    """The style named ``style``; by default APA in English and ``cn`` (Chinese journals)
    in Chinese, except on the terminal, where Chinese uses ``plain`` (leading zeros,
    ``M (SD)``, ``t(df) = x``, no stars).

    Examples
    --------
    >>> get_style(None, "zh").name, get_style("apa", "zh").name
    ('cn', 'apa')
    >>> get_style(None, "zh", terminal=True).name
    'plain'
    """
    if isinstance(style, Style):
        return style
    if style is None:
        return STYLES[("plain" if terminal else "cn") if lang == "zh" else "apa"]
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, not {style!r}")
    return STYLES[style]


def stars_for(p: Any) -> str:
    """``*`` below .05, ``**`` below .01, ``***`` below .001.

    Examples
    --------
    >>> stars_for(0.03), stars_for(0.004), stars_for(0.0001), stars_for(0.2)
    ('*', '**', '***', '')
    """
    if p is None or isinstance(p, str) or not math.isfinite(p):
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def _num(x: Any, kind: str, digits: "int | None", style: Style) -> str:
    if kind in ("p", "p_adj"):
        return fmt_p(x, leading_zero=style.leading_zero, digits=3 if digits is None else digits)
    if kind in ("count",):
        if x is None or (isinstance(x, float) and not math.isfinite(x)):
            return "—"
        return f"{int(x)}" if float(x) == int(x) else fmt_num(x, digits or 2)
    if kind == "df":
        if x is None or not math.isfinite(x):
            return "—"
        return f"{int(x)}" if float(x).is_integer() else fmt_num(x, 2 if digits is None else digits)
    if kind == "percent":
        return fmt_num(x, 1 if digits is None else digits)
    lead = style.leading_zero or kind not in _BOUNDED
    return fmt_num(x, 2 if digits is None else digits, leading_zero=lead)


def format_cell(value: Any, kind: str, style: Style, *, digits: "int | None" = None,
                blank_below: "float | None" = None, inner: "str | None" = None) -> str:
    """One cell as text in ``style`` (see :mod:`stressgroup.core.document` for the kinds).

    Examples
    --------
    >>> apa, cn = STYLES["apa"], STYLES["cn"]
    >>> format_cell((3.412, 0.5), "mean_sd", apa), format_cell((3.412, 0.5), "mean_sd", cn)
    ('3.41 (0.50)', '3.41 ± 0.50')
    >>> format_cell(0.8234, "reliability", apa), format_cell(0.8234, "reliability", cn)
    ('.82', '0.82')
    >>> format_cell((-0.3, -0.51, -0.09), "estimate_ci", apa)
    '-0.30 [-0.51, -0.09]'
    >>> format_cell(0.21, "loading", apa, blank_below=0.3)
    ''
    >>> format_cell((0.61, 0.9), "ci", apa, inner="reliability")
    '[.61, .90]'
    """
    if value is None:
        return "—" if kind != "text" else ""
    if kind == "text":
        return str(value)
    if isinstance(value, str):  # a note in a numeric column ("not computed")
        return value
    if kind == "mean_sd":
        m, sd = value
        return style.mean_sd.format(m=_num(m, "mean", digits, style),
                                    sd=_num(sd, "sd", digits, style))
    if kind == "ci":
        lo, hi = value
        k = inner or "number"
        return f"[{_num(lo, k, digits, style)}, {_num(hi, k, digits, style)}]"
    if kind == "estimate_ci":
        est, lo, hi = value
        k = inner or "number"
        return (f"{_num(est, k, digits, style)} [{_num(lo, k, digits, style)}, "
                f"{_num(hi, k, digits, style)}]")
    if kind == "loading" and blank_below is not None:
        try:
            if not (abs(value) >= blank_below):
                return ""
        except TypeError:
            pass
    return _num(value, kind, digits, style)


def split_cell(value: Any, kind: str) -> list:
    """A cell as the plain numbers behind it (for spreadsheets: one number a column).

    Examples
    --------
    >>> split_cell((1.5, 0.2), "mean_sd"), split_cell(3, "count")
    ([1.5, 0.2], [3])
    """
    if kind in ("mean_sd", "ci", "estimate_ci"):
        width = 3 if kind == "estimate_ci" else 2
        if value is None or isinstance(value, str):
            return [value] + [None] * (width - 1)
        return list(value)
    return [value]


#: The parts a compound kind splits into (spreadsheet sub-columns), with en/zh suffixes.
SUBCOLUMNS: dict[str, list[tuple[str, str, str]]] = {
    "mean_sd": [("mean", "M", "M"), ("sd", "SD", "SD")],
    "ci": [("number", "low", "下限"), ("number", "high", "上限")],
    "estimate_ci": [("number", "", ""), ("number", "CI low", "CI 下限"),
                    ("number", "CI high", "CI 上限")],
}


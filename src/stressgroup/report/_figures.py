"""Figures of a document drawn with matplotlib: slopes, forest and profile charts.

:func:`draw` turns a :class:`~stressgroup.core.document.Figure` into a
:class:`matplotlib.figure.Figure`; :func:`figure_png` and :func:`figure_svg` give the bytes
of a PNG and the text of an inline SVG (glyphs as paths, so a page needs no font).

matplotlib is imported inside the functions (``import stressgroup`` stays light). Nothing
touches pyplot or matplotlib's global settings: each figure is a plain
``matplotlib.figure.Figure`` on an Agg canvas, drawn and saved inside an
``rc_context`` with the house style (white background, no top or right spines, 8-9 pt
text, the Okabe-Ito palette with a distinct marker per series so that a figure also reads
in greyscale).

Chinese labels need a CJK font. :func:`cjk_font` looks for an installed one (Noto Sans CJK,
Source Han Sans, WenQuanYi, SimHei, Microsoft YaHei, PingFang...); when ``lang="zh"`` and
there is none, a :class:`~stressgroup.errors.FontWarning` is issued once per process and
the figure falls back to the English labels rather than printing empty boxes.

Only the texts of a figure's data (titles, wave, row, category and series labels, axis
labels) are written on it; the numbers are drawn, never printed (the axes' tick labels
are the only numbers).
"""

from __future__ import annotations

import functools
import io
import re
import warnings
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from ..core.document import Figure
from ..core.errors import FontWarning
from ..core.privacy import mask_personal
from ._labels import t

if TYPE_CHECKING:  # pragma: no cover
    import matplotlib.axes
    import matplotlib.figure

__all__ = ["draw", "figure_png", "figure_svg", "cjk_font", "CJK_FONTS", "PALETTE", "MARKERS"]

#: CJK font families looked for, in order of preference (simplified Chinese first).
CJK_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "Source Han Sans", "Noto Sans CJK JP", "Noto Sans CJK TC", "Noto Sans CJK HK",
    "Noto Sans CJK KR", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei",
    "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC", "STHeiti",
    "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Songti SC", "Arial Unicode MS",
    "Droid Sans Fallback",
)

#: Latin sans-serif families, in order of preference (the first installed one is used).
_LATIN_FONTS: tuple[str, ...] = ("Arial", "Helvetica", "Liberation Sans", "Nimbus Sans",
                                 "DejaVu Sans")

#: Okabe-Ito colours (colour-blind safe), in the order series get them.
PALETTE: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                            "#56B4E9", "#000000")
#: One marker per series, so that series differ in greyscale too.
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X")

_INK = "#222222"        # means, axes and text
_PERSON = "#9a9a9a"     # each person's line
_CJK_CHARS = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")

# one CJK character, a run of other characters with its spaces, or spaces
_TOKENS = re.compile(r"[\u2e80-\u9fff\uf900-\uffef]|[^\s\u2e80-\u9fff\uf900-\uffef]+\s*|\s+")

_warned = False   # FontWarning issued in this process


# ---------------------------------------------------------------------------
# fonts and style
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _installed_families() -> frozenset[str]:
    from matplotlib import font_manager

    return frozenset(f.name for f in font_manager.fontManager.ttflist)


def cjk_font() -> "str | None":
    """The family name of an installed CJK font matplotlib can use, or None.

    The first of :data:`CJK_FONTS` that matplotlib's font manager knows; failing those,
    any family whose name contains ``CJK``.

    Examples
    --------
    >>> cjk_font() is None or isinstance(cjk_font(), str)
    True
    """
    names = _installed_families()
    for name in CJK_FONTS:
        if name in names:
            return name
    others = sorted(n for n in names if "CJK" in n and "Mono" not in n)
    return others[0] if others else None


def _font_message() -> str:
    from matplotlib import get_cachedir

    return ("No CJK font found for the Chinese figure labels, so the figures use the English "
            "labels. Install one (Debian/Ubuntu: apt install fonts-noto-cjk; or Source Han "
            "Sans, WenQuanYi Zen Hei, SimHei, Microsoft YaHei) and delete matplotlib's font "
            f"cache ({get_cachedir()}) so that it is found. / 未找到中文（CJK）字体，图中标签改用"
            "英文。请安装中文字体（Debian/Ubuntu：apt install fonts-noto-cjk；或思源黑体、文泉驿正黑、"
            "黑体、微软雅黑），并删除 matplotlib 的字体缓存目录后重试。")


def _warn_font() -> None:
    global _warned
    if not _warned:
        _warned = True
        warnings.warn(_font_message(), FontWarning, stacklevel=4)


def _families(cjk: "str | None", lang: str) -> list[str]:
    installed = _installed_families()
    latin = [f for f in _LATIN_FONTS if f in installed] or ["DejaVu Sans"]
    if cjk is None:
        return latin
    # Chinese: the CJK font sets the whole figure (its Latin letters match its glyphs);
    # English: the Latin font first, the CJK font for any Chinese a plain-string label holds
    return [cjk, *latin] if lang == "zh" else [*latin, cjk]


def _style(families: Sequence[str]) -> dict[str, Any]:
    return {
        "font.family": list(families),
        "font.size": 8.5,
        "axes.titlesize": 9,
        "axes.titleweight": "normal",
        "axes.labelsize": 9,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "legend.fontsize": 8,
        "legend.frameon": False,
        "legend.handlelength": 1.6,
        "text.parse_math": False,       # a "$" in a label is a dollar sign
        "text.color": _INK,
        "axes.labelcolor": _INK,
        "axes.edgecolor": _INK,
        "xtick.color": _INK,
        "ytick.color": _INK,
        "axes.linewidth": 0.8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": False,
        "axes.titlepad": 4,
        "xtick.major.width": 0.8,
        "ytick.major.width": 0.8,
        "xtick.major.size": 3,
        "ytick.major.size": 3,
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
        "savefig.edgecolor": "white",
        "figure.dpi": 100,
        "svg.fonttype": "path",
        "svg.hashsalt": "stressgroup",
        "lines.solid_capstyle": "round",
    }


class _Ctx:
    """The language, font and resolved-text helper of one drawing."""

    def __init__(self, fig: Figure, lang: str) -> None:
        if lang not in ("en", "zh"):
            raise ValueError(f"lang must be 'en' or 'zh', not {lang!r}")
        self.fig = fig
        self.cjk = cjk_font()
        if lang == "zh" and self.cjk is None:
            _warn_font()
            lang = "en"
        self.lang = lang
        self.families = _families(self.cjk, lang)

    def text(self, value: Any) -> str:
        if value is None:
            return ""
        s = mask_personal(t(value, self.lang))
        if self.cjk is None and _CJK_CHARS.search(s):
            _warn_font()     # a plain-string label in Chinese and nothing to draw it with
        return s

    def need(self, mapping: Mapping[str, Any], key: str, where: str = "data") -> Any:
        if not isinstance(mapping, Mapping) or key not in mapping:
            raise ValueError(f"figure {self.fig.key!r} ({self.fig.kind}): {where} needs the "
                             f"key {key!r}")
        return mapping[key]


def _floats(values: Any, n: "int | None", what: str, ctx: _Ctx) -> "Any":
    import numpy as np

    try:
        arr = np.array([np.nan if v is None else v for v in values], dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"figure {ctx.fig.key!r} ({ctx.fig.kind}): {what} must be numbers") \
            from None
    if n is not None and arr.shape != (n,):
        raise ValueError(f"figure {ctx.fig.key!r} ({ctx.fig.kind}): {what} has "
                         f"{arr.size} values, expected {n}")
    return arr


def _errors(est: Any, low: Any, high: Any) -> Any:
    """Error-bar lengths below and above (never negative; NaN where undefined)."""
    import numpy as np

    with np.errstate(invalid="ignore"):
        return np.vstack([np.fmax(est - low, 0) * np.where(np.isnan(low), np.nan, 1),
                          np.fmax(high - est, 0) * np.where(np.isnan(high), np.nan, 1)])


def _new_figure(width: float, height: float,
                constrained: bool = True) -> "matplotlib.figure.Figure":
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    out = MplFigure(figsize=(width, height), layout="constrained" if constrained else None)
    FigureCanvasAgg(out)
    if constrained:
        out.get_layout_engine().set(w_pad=0.04, h_pad=0.04, wspace=0.04, hspace=0.06)
    return out


def _wrap(s: str, inches: float, size: float) -> str:
    """``s`` broken into lines no wider than about ``inches`` at ``size`` points."""
    if _text_inches(s, size) <= inches:
        return s
    lines, line = [], ""
    for token in _TOKENS.findall(s):
        if line and _text_inches(line + token.rstrip(), size) > inches:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    lines.append(line.rstrip())
    return "\n".join(lines)


def _padded(lo: float, hi: float, frac: float = 0.06) -> tuple[float, float]:
    if not (lo == lo and hi == hi):   # NaN: nothing finite to show
        return 0.0, 1.0
    if hi <= lo:
        return lo - 0.5, hi + 0.5
    pad = (hi - lo) * frac
    return lo - pad, hi + pad


def _text_inches(s: str, size: float = 8.0) -> float:
    """A rough width of ``s`` at ``size`` points (CJK characters are one em wide)."""
    ems = sum(1.0 if _CJK_CHARS.match(ch) else 0.56 for ch in s)
    return ems * size / 72


def _label_ticks(ax: "matplotlib.axes.Axes", axis: str, labels: Sequence[str],
                 rotate: bool = False) -> None:
    ticks = list(range(len(labels)))
    if axis == "x":
        ax.set_xticks(ticks, labels, rotation=30 if rotate else 0,
                      ha="right" if rotate else "center",
                      rotation_mode="anchor" if rotate else "default")
    else:
        ax.set_yticks(ticks, labels)


# ---------------------------------------------------------------------------
# the three kinds
# ---------------------------------------------------------------------------

def _slopes(ctx: _Ctx) -> "matplotlib.figure.Figure":
    import numpy as np
    from matplotlib.collections import LineCollection

    data = ctx.fig.data
    panels = ctx.need(data, "panels")
    if not panels:
        raise ValueError(f"figure {ctx.fig.key!r} (slopes): no panels to draw")
    prepared = []
    lo, hi = np.inf, -np.inf
    for i, p in enumerate(panels):
        waves = [ctx.text(w) for w in ctx.need(p, "waves", f"panel {i}")]
        k = len(waves)
        lines = np.array([_floats(line, k, f"panel {i} line", ctx)
                          for line in ctx.need(p, "lines", f"panel {i}")],
                         dtype=float).reshape(-1, k)
        means = _floats(ctx.need(p, "means", f"panel {i}"), k, f"panel {i} means", ctx)
        low = _floats(p.get("ci_low", [None] * k), k, f"panel {i} ci_low", ctx)
        high = _floats(p.get("ci_high", [None] * k), k, f"panel {i} ci_high", ctx)
        every = np.concatenate([lines.ravel(), means, low, high])
        every = every[np.isfinite(every)]
        if every.size:
            lo, hi = min(lo, every.min()), max(hi, every.max())
        prepared.append((ctx.text(p.get("title")), waves, lines, means, low, high))
    y_range = data.get("y_range")
    ylim = (tuple(float(v) for v in y_range) if y_range is not None
            else _padded(float(lo), float(hi)) if np.isfinite(lo) else (0.0, 1.0))

    # a fixed grid (in inches) rather than constrained layout: the panels are alike and
    # measuring every tick label of six panels is the slowest part of drawing
    n = len(prepared)
    ncol = min(3, n)
    nrow = -(-n // ncol)
    panel_w, panel_h = 2.0, 1.5
    titles = [_wrap(p[0], panel_w + 0.2, 9) for p in prepared]
    title_h = 0.08 + 0.17 * max(tt.count("\n") + 1 for tt in titles) if any(titles) else 0.1
    out = _new_figure(1, 1, constrained=False)
    axes = np.atleast_1d(out.subplots(nrow, ncol, sharey=True, squeeze=False)).ravel()
    y_label = ctx.text(data.get("y_label"))
    axes[0].set_ylim(*ylim)
    ticks = [tl.get_text() for tl in axes[0].get_yticklabels()
             if ylim[0] <= tl.get_position()[1] <= ylim[1]]
    tick_w = max([_text_inches(tk) for tk in ticks] or [0.2]) + 0.1
    left = 0.1 + (0.2 if y_label else 0) + tick_w
    gap_w, right = tick_w + 0.28, 0.1
    bottom, gap_h = 0.3, 0.3 + title_h
    width = left + ncol * panel_w + (ncol - 1) * gap_w + right
    height = title_h + nrow * panel_h + (nrow - 1) * gap_h + bottom
    out.set_size_inches(width, height)
    out.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height,
                        top=1 - title_h / height, wspace=gap_w / panel_w,
                        hspace=gap_h / panel_h)
    for j, ax in enumerate(axes):
        if j >= n:
            ax.set_visible(False)
            continue
        _, waves, lines, means, low, high = prepared[j]
        x = np.arange(len(waves), dtype=float)
        segments = []
        for line in lines:
            ok = np.isfinite(line)
            if ok.sum() >= 2:
                segments.append(np.column_stack([x[ok], line[ok]]))
        if segments:
            width = 0.6 if len(segments) <= 60 else 0.4
            alpha = 0.45 if len(segments) <= 60 else 0.25
            ax.add_collection(LineCollection(segments, colors=_PERSON, linewidths=width,
                                             alpha=alpha, zorder=1), autolim=False)
        ax.errorbar(x, means, yerr=_errors(means, low, high), color=_INK, lw=2.0,
                    marker="o", ms=5, mfc=_INK, mec="white", mew=0.8, capsize=3.5,
                    elinewidth=1.2, capthick=1.2, zorder=3)
        ax.set_xlim(-0.35, len(waves) - 0.65)
        ax.set_ylim(*ylim)
        _label_ticks(ax, "x", waves)
        ax.set_title(titles[j])
        if j % ncol == 0 and y_label:
            ax.set_ylabel(y_label)
        ax.tick_params(axis="y", labelleft=True)   # sharey hides them off the first column
    return out


def _series_positions(m: int, spread: float) -> list[float]:
    if m <= 1:
        return [0.0]
    step = spread / (m - 1)
    return [-spread / 2 + i * step for i in range(m)]


def _forest(ctx: _Ctx) -> "matplotlib.figure.Figure":
    import numpy as np

    data = ctx.fig.data
    rows = ctx.need(data, "rows")
    if not rows:
        raise ValueError(f"figure {ctx.fig.key!r} (forest): no rows to draw")
    labels: list[str] = []
    series: list[str] = []
    has_series = False
    parsed = []
    for i, r in enumerate(rows):
        lab = ctx.text(ctx.need(r, "label", f"row {i}"))
        ser_value = r.get("series")
        has_series = has_series or ser_value is not None
        ser = ctx.text(ser_value)
        if lab not in labels:
            labels.append(lab)
        if ser not in series:
            series.append(ser)
        est, low, high = _floats([ctx.need(r, k, f"row {i}") for k in ("estimate", "low",
                                                                         "high")],
                                 3, f"row {i} estimate/low/high", ctx)
        parsed.append((lab, ser, est, low, high))
    m = len(series)
    offsets = _series_positions(m, min(0.5, 0.18 * (m - 1)))
    out = _new_figure(min(6.8, 3.4 + max(map(_text_inches, labels))),
                      0.9 + max(0.28 * len(labels) * max(1.0, 0.55 * m), 0.8)
                      + (0.25 if has_series and m > 1 else 0))
    ax = out.subplots()
    ref = data.get("reference", 0.0)
    if ref is not None:
        ax.axvline(float(ref), color="#777777", lw=0.8, ls=(0, (4, 3)), zorder=1)
    values = []
    for s_i, ser in enumerate(series):
        pts = [(labels.index(lab), est, low, high) for lab, s, est, low, high in parsed
               if s == ser]
        ypos = np.array([p[0] for p in pts], dtype=float) + offsets[s_i]
        est = np.array([p[1] for p in pts])
        low = np.array([p[2] for p in pts])
        high = np.array([p[3] for p in pts])
        values.extend([est, low, high])
        colour = PALETTE[s_i % len(PALETTE)] if m > 1 else _INK
        ax.errorbar(est, ypos, xerr=_errors(est, low, high), fmt=MARKERS[s_i % len(MARKERS)],
                    color=colour, ms=5 if m > 1 else 5.5, mec="white" if m > 1 else colour,
                    mew=0.6, elinewidth=1.2, capsize=2.5, capthick=1.0, lw=0, zorder=3,
                    label=ser if has_series and m > 1 else None)
    allv = np.concatenate(values + ([np.array([float(ref)])] if ref is not None else []))
    allv = allv[np.isfinite(allv)]
    if allv.size:
        ax.set_xlim(*_padded(float(allv.min()), float(allv.max()), 0.08))
    _label_ticks(ax, "y", labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)     # first row at the top
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_xlabel(ctx.text(data.get("x_label")))
    if has_series and m > 1:
        out.legend(loc="outside upper center", ncols=min(m, 4), handletextpad=0.3,
                   columnspacing=1.2)
    return out


def _profile(ctx: _Ctx) -> "matplotlib.figure.Figure":
    import numpy as np

    data = ctx.fig.data
    cats = [ctx.text(c) for c in ctx.need(data, "categories")]
    k = len(cats)
    if k == 0:
        raise ValueError(f"figure {ctx.fig.key!r} (profile): no categories to draw")
    series = ctx.need(data, "series")
    m = len(series)
    width = max(3.4, 0.85 * k + 1.2)
    long = max(map(_text_inches, cats)) > 0.92 * (width - 0.8) / k
    out = _new_figure(width, 2.8 + (0.35 if long else 0))
    ax = out.subplots()
    offsets = _series_positions(m, min(0.3, 0.12 * (m - 1)))
    x = np.arange(k, dtype=float)
    lo, hi = np.inf, -np.inf
    for s_i, s in enumerate(series):
        vals = _floats(ctx.need(s, "values", f"series {s_i}"), k, f"series {s_i} values", ctx)
        low = _floats(s.get("low", [None] * k), k, f"series {s_i} low", ctx)
        high = _floats(s.get("high", [None] * k), k, f"series {s_i} high", ctx)
        every = np.concatenate([vals, low, high])
        every = every[np.isfinite(every)]
        if every.size:
            lo, hi = min(lo, every.min()), max(hi, every.max())
        colour = PALETTE[s_i % len(PALETTE)]
        ax.errorbar(x + offsets[s_i], vals, yerr=_errors(vals, low, high),
                    marker=MARKERS[s_i % len(MARKERS)], color=colour, lw=1.4,
                    ls="-" if s_i % 2 == 0 else (0, (4, 2)), ms=5.5, mec="white", mew=0.6,
                    elinewidth=1.0, capsize=3, capthick=1.0, zorder=3,
                    label=ctx.text(s.get("label")) or None)
    y_range = data.get("y_range")
    if y_range is not None:
        ax.set_ylim(*(float(v) for v in y_range))
    elif np.isfinite(lo):
        ax.set_ylim(*_padded(float(lo), float(hi), 0.1))
    ax.set_xlim(-0.45, k - 0.55)
    _label_ticks(ax, "x", cats, rotate=long)
    ax.set_ylabel(ctx.text(data.get("y_label")))
    if any(ctx.text(s.get("label")) for s in series):
        out.legend(loc="outside upper center", ncols=min(m, 4), handletextpad=0.4,
                   columnspacing=1.5)
    return out


_KINDS = {"slopes": _slopes, "forest": _forest, "profile": _profile}


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------

def _check_figure(fig: Any) -> None:
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a stressgroup.core.document.Figure, not "
                        f"{type(fig).__name__}")
    if not isinstance(fig.data, Mapping):
        raise TypeError(f"figure {fig.key!r}: data must be a mapping")


def _drawn(fig: Figure, lang: str) -> "tuple[matplotlib.figure.Figure, list[str]]":
    import matplotlib

    _check_figure(fig)
    ctx = _Ctx(fig, lang)
    # every artist (ticks included: later ones copy the first) takes its font, size and
    # colour from this context, so the figure keeps the house style when saved outside it
    with matplotlib.rc_context(_style(ctx.families)):
        out = _KINDS[fig.kind](ctx)
    return out, ctx.families


def draw(fig: Figure, lang: str = "en") -> "matplotlib.figure.Figure":
    """Draw a document figure with matplotlib.

    Parameters
    ----------
    fig : stressgroup.core.document.Figure
        The figure's description: ``kind`` is ``"slopes"``, ``"forest"`` or
        ``"profile"`` and ``data`` holds what that kind needs (see
        :class:`~stressgroup.core.document.Figure`). Optionally ``data["y_range"]``
        (``(low, high)``, e.g. an instrument's declared score range) fixes the value axis of
        a slopes or profile figure; by default it spans the data.
    lang : {"en", "zh"}
        The language of the labels. Chinese needs a CJK font (see :func:`cjk_font`);
        without one the figure uses the English labels and a
        :class:`~stressgroup.errors.FontWarning` is issued (once per process).

    Returns
    -------
    matplotlib.figure.Figure
        A figure on an Agg canvas (not registered with pyplot). Its text artists carry their
        fonts; save it through :func:`figure_png` or :func:`figure_svg` (which apply the
        house style) or with ``savefig``. The figure's title is left to the caption the
        document renderer writes.

    Notes
    -----
    ``"slopes"``: one panel per scale (three per row), each person's line in thin light
    grey, the means as a bold line with their 95% CIs as error bars, one value range for all
    panels. ``"forest"``: one row per label, each series (e.g. group) with its own colour,
    marker and a small vertical offset, a dashed reference line at ``data["reference"]``.
    ``"profile"``: one line per series across the categories, with error bars.

    Only the labels of the data (texts) are written on the figure; numbers appear as
    positions only (tick labels are the axes' round values).

    Examples
    --------
    >>> from stressgroup.core.document import Figure
    >>> f = Figure("f", "profile", "Profile", {
    ...     "categories": ["A", "B"], "y_label": "Score",
    ...     "series": [{"label": "Pre", "values": [2.0, 3.0], "low": [1.5, 2.5],
    ...                 "high": [2.5, 3.5]}]})
    >>> m = draw(f)
    >>> [tick.get_text() for tick in m.axes[0].get_xticklabels()]
    ['A', 'B']
    """
    return _drawn(fig, lang)[0]


def _save(fig: Figure, lang: str, fmt: str, **kwargs: Any) -> bytes:
    import matplotlib

    out, families = _drawn(fig, lang)
    buf = io.BytesIO()
    with matplotlib.rc_context(_style(families)):
        out.savefig(buf, format=fmt, **kwargs)
    return buf.getvalue()


def figure_png(fig: Figure, lang: str = "en", dpi: int = 200) -> bytes:
    """The figure as PNG bytes (white background, ``dpi`` dots per inch).

    Examples
    --------
    >>> from stressgroup.core.document import Figure
    >>> f = Figure("f", "forest", "dz", {"rows": [{"label": "Total", "series": None,
    ...     "estimate": 0.4, "low": 0.1, "high": 0.7}], "x_label": "dz", "reference": 0})
    >>> figure_png(f, dpi=50)[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    if not isinstance(dpi, (int, float)) or isinstance(dpi, bool) or dpi <= 0:
        raise ValueError(f"dpi must be a positive number, not {dpi!r}")
    return _save(fig, lang, "png", dpi=dpi, metadata={"Software": None})


_ID = re.compile(r'\bid="([^"]+)"')


def figure_svg(fig: Figure, lang: str = "en") -> str:
    """The figure as inline SVG text: no XML prolog, glyphs drawn as paths, no reference to
    any file or font, element ids prefixed by the figure's key so that several figures can
    share a page.

    Examples
    --------
    >>> from stressgroup.core.document import Figure
    >>> f = Figure("f", "forest", "dz", {"rows": [{"label": "Total", "series": None,
    ...     "estimate": 0.4, "low": 0.1, "high": 0.7}], "x_label": "dz", "reference": 0})
    >>> s = figure_svg(f)
    >>> s.startswith("<svg"), "<text" in s
    (True, False)
    """
    raw = _save(fig, lang, "svg", metadata={"Date": None, "Creator": None, "Format": None,
                                              "Type": None}).decode("utf-8")
    svg = raw[raw.index("<svg"):]
    prefix = "sg-" + re.sub(r"[^A-Za-z0-9_-]", "_", fig.key) + f"-{lang}-"
    ids = set(_ID.findall(svg))
    svg = _ID.sub(lambda mt: f'id="{prefix}{mt.group(1)}"', svg)
    svg = re.sub(r'(href="#|url\(#)([^")]+)',
                 lambda mt: mt.group(1) + (prefix + mt.group(2) if mt.group(2) in ids
                                           else mt.group(2)), svg)
    # a <style> inside inline SVG applies to the whole page: scope it to this figure
    root = prefix.rstrip("-")
    svg = svg.replace("<svg ", f'<svg class="sg-figure" id="{root}" ', 1)
    svg = svg.replace("*{stroke-linejoin", f"#{root} *{{stroke-linejoin", 1)
    return svg.strip() + "\n"

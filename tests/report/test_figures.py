"""Figures drawn from document Figures: the three kinds, PNG and SVG, fonts, privacy."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import numpy as np
import pytest

from stressgroup.core.document import Figure, Label
from stressgroup.errors import FontWarning, StressgroupWarning
from stressgroup.report import _figures

SCALES = [{"en": "Individual", "zh": "个人层面"}, {"en": "Family", "zh": "家庭层面"},
          {"en": "Work", "zh": "工作层面"}, {"en": "Organization", "zh": "组织层面"},
          {"en": "Society", "zh": "社会层面"}, {"en": "Total", "zh": "总分"}]
GROUPS = [{"en": "Intervention", "zh": "干预组"}, {"en": "Control", "zh": "对照组"}]
# data values with many decimals: none of them may be printed on a figure
ODD = 3.1234567


def slopes(n_people: int = 8, n_panels: int = 3, seed: int = 1) -> Figure:
    rng = np.random.default_rng(seed)
    panels = []
    for scale in SCALES[:n_panels]:
        pre = rng.normal(3.2, 0.5, n_people)
        post = pre - rng.normal(0.3, 0.4, n_people)
        pre[0] = ODD
        panels.append({"title": scale, "waves": [Label("wave.pre"), Label("wave.post")],
                       "lines": np.column_stack([pre, post]).tolist(),
                       "means": [pre.mean(), post.mean()],
                       "ci_low": [pre.mean() - 0.2, post.mean() - 0.21],
                       "ci_high": [pre.mean() + 0.2, post.mean() + 0.21]})
    return Figure("slopes", "slopes", Label("fig.slopes", {"who": ""}),
                  {"panels": panels, "y_label": Label("fig.score")})


def forest(groups: bool = True) -> Figure:
    rows = []
    for g_i, g in enumerate(GROUPS if groups else [None]):
        for s_i, scale in enumerate(SCALES):
            est = -0.4 + 0.1 * s_i + 0.3 * g_i
            rows.append({"label": scale, "series": g, "estimate": est,
                         "low": est - 0.3123457, "high": est + ODD / 10})
    return Figure("forest", "forest", Label("fig.forest"),
                  {"rows": rows, "x_label": Label("fig.dz"), "reference": 0.0})


def profile() -> Figure:
    series = []
    for wave, mu in ((Label("wave.pre"), 3.3), (Label("wave.post"), 3.0)):
        values = [mu + 0.05 * i for i in range(5)]
        values[2] = ODD
        series.append({"label": wave, "values": values, "low": [v - 0.15 for v in values],
                       "high": [v + 0.15 for v in values]})
    return Figure("profile", "profile", Label("fig.profile", {"who": ""}),
                  {"categories": SCALES[:5], "series": series, "y_label": Label("fig.score")})


FIGURES = {"slopes": slopes, "forest": forest, "profile": profile}
HAS_CJK = _figures.cjk_font() is not None
needs_cjk = pytest.mark.skipif(not HAS_CJK, reason="no CJK font installed (fonts-noto-cjk)")


@pytest.fixture(autouse=True)
def fresh_warning_state(monkeypatch):
    """Each test sees a process in which the font warning has not been issued yet."""
    monkeypatch.setattr(_figures, "_warned", False)


def no_cjk(monkeypatch):
    monkeypatch.setattr(_figures, "cjk_font", lambda: None)


def texts(mfig) -> list:
    """Every visible text artist of a drawn figure (ticks included)."""
    from matplotlib.text import Text

    mfig.draw_without_rendering()     # tick labels get their text at draw time
    return [a for a in mfig.findobj(Text) if a.get_visible() and a.get_text()]


def label_texts(mfig) -> list[str]:
    """Titles, axis labels, legend entries and tick labels."""
    mfig.draw_without_rendering()
    out = [mfig.get_suptitle()] if mfig.get_suptitle() else []
    for ax in mfig.axes:
        if not ax.get_visible():
            continue
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        out += [tl.get_text() for tl in ax.get_xticklabels() + ax.get_yticklabels()]
    for leg in mfig.legends:
        out += [tx.get_text() for tx in leg.get_texts()]
    return [s for s in out if s]


def ascii_only(s: str) -> bool:
    """ASCII apart from matplotlib's minus sign (U+2212), which every font has."""
    return s.replace("\u2212", "-").isascii()


CAPS = (None, "None", "", "|", "_")   # error-bar caps are markers too
NUMBER = re.compile(r"[\u2212\-]?\d+(\.\d+)?")


# ---------------------------------------------------------------------------
# each kind draws
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(FIGURES))
def test_draws_in_english(kind):
    from matplotlib.figure import Figure as MplFigure

    mfig = _figures.draw(FIGURES[kind]())
    assert isinstance(mfig, MplFigure)
    shown = label_texts(mfig)
    assert all(map(ascii_only, shown)), shown
    expected = {"slopes": {"Individual", "Pre", "Post", "Score"},
                "forest": {"Total", "Intervention", "Control", "dz (post - pre)"},
                "profile": {"Society", "Pre", "Post", "Score"}}[kind]
    assert expected <= set(shown)


@needs_cjk
@pytest.mark.parametrize("kind", list(FIGURES))
def test_draws_in_chinese_with_a_cjk_font(kind):
    font = _figures.cjk_font()
    mfig = _figures.draw(FIGURES[kind](), "zh")
    expected = {"slopes": {"个人层面", "前测", "后测", "得分"},
                "forest": {"总分", "干预组", "对照组", "dz（后测 - 前测）"},
                "profile": {"社会层面", "前测", "后测", "得分"}}[kind]
    assert expected <= set(label_texts(mfig))
    chinese = [a for a in texts(mfig) if re.search(r"[\u4e00-\u9fff]", a.get_text())]
    assert chinese
    for artist in chinese:
        assert artist.get_fontfamily()[0] == font, (artist.get_text(), artist.get_fontfamily())


@pytest.mark.parametrize("kind", list(FIGURES))
def test_drawn_figure_keeps_the_house_style_outside_its_context(kind):
    import io

    mfig = _figures.draw(FIGURES[kind]())
    mfig.savefig(io.BytesIO(), format="png", dpi=30)     # global rcParams at their defaults
    ticks = [tl for ax in mfig.axes for tl in ax.get_yticklabels() + ax.get_xticklabels()]
    assert ticks and {tl.get_fontsize() for tl in ticks} == {8.0}
    assert {tuple(tl.get_fontfamily()) for tl in ticks} == {tuple(_figures._families(
        _figures.cjk_font(), "en"))}
    assert mfig.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    assert not mfig.axes[0].spines["top"].get_visible()
    assert not mfig.axes[0].spines["right"].get_visible()


def test_slopes_layout():
    mfig = _figures.draw(slopes(n_people=5, n_panels=4))
    visible = [ax for ax in mfig.axes if ax.get_visible()]
    assert len(mfig.axes) == 6 and len(visible) == 4          # a 2 x 3 grid
    assert [ax.get_title() for ax in visible] == ["Individual", "Family", "Work",
                                                   "Organization"]
    assert len({ax.get_ylim() for ax in visible}) == 1          # one shared range
    lo, hi = visible[0].get_ylim()
    every = np.concatenate([np.ravel(p["lines"]) for p in slopes(5, 4).data["panels"]])
    assert lo < every.min() and hi > every.max()
    # five people's lines in each panel, in light grey and thin
    from matplotlib.collections import LineCollection

    coll = [c for c in visible[0].collections if isinstance(c, LineCollection)
            and len(c.get_segments()) == 5]
    assert coll and coll[0].get_linewidths()[0] < 1 and coll[0].get_alpha() < 1


def test_slopes_y_range_option():
    f = slopes()
    f = Figure(f.key, f.kind, f.title, {**f.data, "y_range": (1, 5)})
    assert _figures.draw(f).axes[0].get_ylim() == (1.0, 5.0)


def test_forest_series_offsets_markers_and_reference():
    mfig = _figures.draw(forest())
    ax = mfig.axes[0]
    assert [tl.get_text() for tl in ax.get_yticklabels()] == [s["en"] for s in SCALES]
    lines = [ln for ln in ax.get_lines() if ln.get_marker() not in CAPS
             and len(ln.get_ydata()) == len(SCALES)]
    markers = {ln.get_marker() for ln in lines}
    assert len(markers) == 2
    y0, y1 = (np.asarray(ln.get_ydata(), float) for ln in lines[:2])
    assert np.all(np.abs(y0 - y1) > 0.1) and np.all(np.abs(y0 - y1) < 0.5)
    ref = [ln for ln in ax.get_lines() if list(ln.get_xdata()) == [0.0, 0.0]]
    assert ref, "no reference line at 0"
    assert [tx.get_text() for tx in mfig.legends[0].get_texts()] == ["Intervention", "Control"]


def test_forest_without_series_has_no_legend():
    mfig = _figures.draw(forest(groups=False))
    assert not mfig.legends and not mfig.axes[0].get_legend()


def test_profile_series_are_distinct():
    ax = _figures.draw(profile()).axes[0]
    lines = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == 5
             and ln.get_marker() not in CAPS]
    assert len({ln.get_marker() for ln in lines}) == 2
    assert len({ln.get_color() for ln in lines}) == 2
    assert len({str(ln.get_linestyle()) for ln in lines}) == 2   # greyscale-safe


def test_nan_values_are_left_out():
    f = profile()
    series = [dict(s) for s in f.data["series"]]
    series[1] = {**series[1], "values": [np.nan, *series[1]["values"][1:]],
                 "low": [None] * 5, "high": [None] * 5}
    _figures.figure_png(Figure("p", "profile", "P", {**f.data, "series": series}), dpi=40)


# ---------------------------------------------------------------------------
# PNG and SVG
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(FIGURES))
@pytest.mark.parametrize("lang", ["en", pytest.param("zh", marks=needs_cjk)])
def test_png_is_a_png_of_sensible_size(kind, lang):
    png = _figures.figure_png(FIGURES[kind](), lang, dpi=100)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert 5_000 < len(png) < 1_000_000
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert 250 <= width <= 1000 and 150 <= height <= 1000


def test_png_dpi_scales_pixels():
    small, big = (_figures.figure_png(profile(), dpi=d) for d in (50, 100))
    w = [int.from_bytes(p[16:20], "big") for p in (small, big)]
    assert abs(w[1] - 2 * w[0]) <= 2
    with pytest.raises(ValueError, match="dpi"):
        _figures.figure_png(profile(), dpi=0)


@pytest.mark.parametrize("kind", list(FIGURES))
@pytest.mark.parametrize("lang", ["en", pytest.param("zh", marks=needs_cjk)])
def test_svg_is_inline_and_self_contained(kind, lang):
    svg = _figures.figure_svg(FIGURES[kind](), lang)
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert "<text" not in svg                         # glyphs are paths
    assert "<image" not in svg and "@font-face" not in svg and "@import" not in svg
    assert not re.search(r"""href=["'](?!#)""", svg)   # internal references only
    assert not re.search(r"url\((?!#)", svg)
    assert "<metadata" not in svg
    # ids are prefixed, and every internal reference points at one of them
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    assert ids and all(i.startswith(f"sg-{kind}-{lang}") for i in ids)
    refs = set(re.findall(r'href="#([^"]+)"', svg)) | set(re.findall(r"url\(#([^)]+)\)", svg))
    assert refs <= ids
    # the style element is scoped to this figure
    assert f"#sg-{kind}-{lang} *{{" in svg


def test_two_svgs_on_one_page_share_no_ids():
    a = _figures.figure_svg(profile())
    b = _figures.figure_svg(forest())
    ida = set(re.findall(r'\bid="([^"]+)"', a))
    idb = set(re.findall(r'\bid="([^"]+)"', b))
    assert not ida & idb


def test_svg_is_deterministic():
    assert _figures.figure_svg(forest()) == _figures.figure_svg(forest())


# ---------------------------------------------------------------------------
# fonts
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(FIGURES))
def test_without_cjk_font_warns_once_and_falls_back_to_english(monkeypatch, kind):
    no_cjk(monkeypatch)
    with pytest.warns(FontWarning) as record:
        mfig = _figures.draw(FIGURES[kind](), "zh")
        _figures.figure_svg(FIGURES[kind](), "zh")
        _figures.draw(FIGURES[kind](), "zh")
    assert len([w for w in record if issubclass(w.category, FontWarning)]) == 1
    message = str(record[0].message)
    assert "fonts-noto-cjk" in message and "English" in message and "英文" in message
    shown = label_texts(mfig)
    assert shown and all(map(ascii_only, shown)), shown
    assert all(ascii_only(t.get_text()) for t in texts(mfig))


def test_font_warning_is_a_stressgroup_warning():
    assert issubclass(FontWarning, StressgroupWarning)


def test_english_needs_no_cjk_font(monkeypatch, recwarn):
    no_cjk(monkeypatch)
    _figures.draw(slopes())
    assert not [w for w in recwarn if issubclass(w.category, FontWarning)]


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")   # matplotlib's own
def test_chinese_plain_string_without_font_warns(monkeypatch):
    no_cjk(monkeypatch)
    f = Figure("f", "profile", "P", {"categories": ["工作"], "series": [{"values": [1.0]}]})
    with pytest.warns(FontWarning):
        _figures.draw(f)


def test_cjk_font_finder_prefers_simplified_chinese(monkeypatch):
    monkeypatch.setattr(_figures, "_installed_families",
                        lambda: frozenset({"DejaVu Sans", "Noto Sans CJK JP", "SimHei"}))
    assert _figures.cjk_font() == "Noto Sans CJK JP"
    monkeypatch.setattr(_figures, "_installed_families",
                        lambda: frozenset({"DejaVu Sans", "Foo CJK Bar", "Noto Sans Mono CJK"}))
    assert _figures.cjk_font() == "Foo CJK Bar"
    monkeypatch.setattr(_figures, "_installed_families", lambda: frozenset({"DejaVu Sans"}))
    assert _figures.cjk_font() is None


def test_global_rcparams_untouched():
    import matplotlib

    before = dict(matplotlib.rcParams)
    _figures.figure_png(slopes(), dpi=30)
    if HAS_CJK:
        _figures.figure_svg(forest(), "zh")
    assert dict(matplotlib.rcParams) == before


def test_matplotlib_is_lazy_and_pyplot_never_used():
    # import stressgroup leaves matplotlib out; drawing and saving never touch pyplot
    code = ("import stressgroup, sys; print('matplotlib' in sys.modules)\n"
            "from stressgroup.core.document import Figure\n"
            "from stressgroup.report import _figures\n"
            "print('matplotlib' in sys.modules)\n"
            "f = Figure('f', 'forest', 't', {'rows': [{'label': 'A', 'series': None, "
            "'estimate': 0.1, 'low': -0.1, 'high': 0.3}], 'x_label': 'dz'})\n"
            "_figures.figure_png(f, dpi=30); _figures.figure_svg(f); _figures.draw(f)\n"
            "print('matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["False", "False", "False"]


# ---------------------------------------------------------------------------
# privacy and validation
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(FIGURES))
def test_only_labels_and_axis_ticks_are_printed(kind):
    f = FIGURES[kind]()
    mfig = _figures.draw(f)
    for artist in texts(mfig):
        s = artist.get_text()
        if s in {"Individual", "Family", "Work", "Organization", "Society", "Total", "Pre",
                 "Post", "Score", "Intervention", "Control", "dz (post - pre)"}:
            continue
        # anything else is a round tick value of an axis, never a data value
        assert NUMBER.fullmatch(s), s
        assert "." not in s or len(s.split(".")[-1]) <= 2, s
    assert not any("3.12" in a.get_text() or "0.31" in a.get_text() for a in texts(mfig))


def test_personal_data_in_a_label_is_masked():
    f = Figure("f", "profile", "P", {"categories": ["A", "13812345678"],
                                     "series": [{"values": [1.0, 2.0]}]})
    shown = [tl.get_text() for tl in _figures.draw(f).axes[0].get_xticklabels()]
    assert "13812345678" not in shown and "<personal data hidden>" in shown


@pytest.mark.parametrize("data, match", [
    ({}, "'panels'"),
    ({"panels": []}, "no panels"),
    ({"panels": [{"waves": ["a", "b"], "lines": [[1, 2, 3]], "means": [1, 2]}]}, "line"),
    ({"panels": [{"waves": ["a", "b"], "lines": [[1, 2]], "means": ["x", 2]}]}, "numbers"),
])
def test_bad_data_raise_value_errors(data, match):
    with pytest.raises(ValueError, match=match):
        _figures.draw(Figure("bad", "slopes", "t", data))


def test_bad_arguments():
    with pytest.raises(TypeError, match="fig"):
        _figures.draw({"kind": "slopes"})
    with pytest.raises(ValueError, match="lang"):
        _figures.draw(profile(), "fr")


# ---------------------------------------------------------------------------
# speed
# ---------------------------------------------------------------------------

def test_six_panel_slopes_with_forty_people_is_fast():
    f = slopes(n_people=40, n_panels=6)
    _figures.draw(f)                       # imports and font loading out of the way
    times = []
    for _ in range(3):                     # the best of three, so a busy machine does not fail
        start = time.perf_counter()
        _figures.draw(f)
        times.append(time.perf_counter() - start)
    assert min(times) < 1.0

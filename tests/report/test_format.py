"""Number formatting and the rendered tables (snapshots: a formatting change is a diff)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stressgroup import evaluate
from stressgroup.report import fmt_num, fmt_p, text_table

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("STRESSGROUP_UPDATE_SNAPSHOTS") == "1"


@pytest.mark.parametrize("p,lead,expected", [
    (0.0234, False, ".023"), (0.0234, True, "0.023"), (0.0004, False, "< .001"),
    (0.0004, True, "< 0.001"), (1.0, False, "1.000"), (float("nan"), False, "—"),
    (0.001, False, ".001"), (0.04999, False, ".050"),
])
def test_fmt_p(p, lead, expected):
    assert fmt_p(p, leading_zero=lead) == expected


@pytest.mark.parametrize("x,digits,lead,expected", [
    (-0.004, 2, True, "0.00"), (0.456, 2, False, ".46"), (-0.456, 2, False, "-.46"),
    (12.345, 1, True, "12.3"), (None, 2, True, "—"),
])
def test_fmt_num(x, digits, lead, expected):
    assert fmt_num(x, digits, leading_zero=lead) == expected


def test_text_table_aligns_wide_characters():
    import unicodedata

    def width(s):
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    out = text_table(["维度", "n"], [["工作层面", "23"], ["Work", "5"]]).splitlines()
    assert width(out[3]) == width(out[4])  # right-aligned numbers end in one column


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sample_table_snapshot(sample_long_frame, five_level, lang):
    text = evaluate(sample_long_frame, five_level).table(lang=lang) + "\n"
    snap = SNAPSHOTS / f"sample_table_{lang}.txt"
    if UPDATE:
        snap.write_text(text, encoding="utf-8")
    assert snap.exists(), f"no snapshot {snap.name}: run with STRESSGROUP_UPDATE_SNAPSHOTS=1"
    assert text == snap.read_text(encoding="utf-8")


def test_html_view_has_the_same_cells_as_the_text(sample_long_frame, five_level):
    from stressgroup.report._layout import lay_out

    ev = evaluate(sample_long_frame, five_level)
    html = ev._repr_html_()
    tables = [i.table for i in lay_out(ev.to_document(), "en") if i.kind == "table"]
    import html as _html

    for tab in tables:
        for row in tab.body:
            for cell in row:
                assert _html.escape(cell) in html
    assert html.count("<table") == len(tables)

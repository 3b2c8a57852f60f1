"""Renderers of the document model: snapshots (Markdown, HTML), spreadsheets read back,
LaTeX rules, styles, formula injection and personal data."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from stressgroup.core.document import Column, Document, Figure, Heading, Label, Note, Paragraph, Table
from stressgroup.report import LABELS, STYLES, render, t, write_report
from stressgroup.report._layout import lay_out

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("STRESSGROUP_UPDATE_SNAPSHOTS") == "1"


@pytest.fixture
def doc() -> Document:
    tab = Table(
        key="demo", title={"en": "Pre/post comparison", "zh": "前后测比较"},
        columns=(Column("scale", {"en": "Scale", "zh": "维度"}, "text"),
                 Column("n", "n", "count"),
                 Column("pre", {"en": "Pre {msd}", "zh": "前测 {msd}"}, "mean_sd"),
                 Column("diff", {"en": "Diff [95% CI]", "zh": "差值 [95% CI]"}, "estimate_ci"),
                 Column("t", "t", "statistic", stars="p", df="df", symbol="t"),
                 Column("df", "df", "df"),
                 Column("p", "p", "p"),
                 Column("alpha", {"en": "alpha", "zh": "α"}, "reliability")),
        rows=({"_group": {"en": "Intervention", "zh": "干预组"}, "scale": "Work", "n": 23,
               "pre": (3.5012, 0.5549), "diff": (-0.6304, -0.93, -0.33), "t": -4.3429,
               "df": 22, "p": 0.000262, "alpha": 0.7712},
              {"_group": {"en": "Intervention", "zh": "干预组"}, "scale": "Family", "n": 23,
               "pre": (2.78, 0.56), "diff": (-0.12, -0.39, 0.15), "t": -0.92, "df": 22,
               "p": 0.365, "alpha": None}),
        notes=(Note({"en": "Change = post - pre.", "zh": "变化 = 后测 - 前测。"}),))
    return Document({"en": "Demo report", "zh": "示例报告"},
                    (Heading({"en": "Results", "zh": "结果"}),
                     Paragraph({"en": "alpha = {a}", "zh": "α = {a}"},
                               values={"a": (0.8234, "reliability")}),
                     tab, Paragraph("Check the waves.", style="warning")))


@pytest.mark.parametrize("fmt, ext", [("markdown", "md"), ("html", "html"), ("latex", "tex"),
                                      ("text", "txt")])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_snapshot(doc, fmt, ext, lang):
    out = render(doc, fmt, lang)
    snap = SNAPSHOTS / f"demo_{lang}.{ext}"
    if UPDATE:
        snap.write_text(out, encoding="utf-8")
    assert snap.exists(), f"no snapshot {snap.name}: run with STRESSGROUP_UPDATE_SNAPSHOTS=1"
    assert out == snap.read_text(encoding="utf-8")


@pytest.mark.parametrize("style, cells", [
    ("apa", ["Work", "23", "3.50 (0.55)", "-0.63 [-0.93, -0.33]", "t(22) = -4.34", "< .001",
             ".77"]),
    ("cn", ["Work", "23", "3.50 ± 0.55", "-0.63 [-0.93, -0.33]", "-4.34***", "22", "< 0.001",
            "0.77"]),
    ("plain", ["Work", "23", "3.50 (0.55)", "-0.63 [-0.93, -0.33]", "t(22) = -4.34",
               "< 0.001", "0.77"]),
])
def test_styles(doc, style, cells):
    tab = [i.table for i in lay_out(doc, "en", style) if i.kind == "table"][0]
    assert tab.body[0] == cells
    stars_note = any("***p" in n for n in tab.notes)
    assert stars_note == STYLES[style].stars
    assert ("M ± SD" in " ".join(tab.header)) == (style == "cn")


def test_default_style_follows_the_language(doc):
    zh = [i.table for i in lay_out(doc, "zh") if i.kind == "table"][0]
    en = [i.table for i in lay_out(doc, "en") if i.kind == "table"][0]
    assert "± " in zh.body[0][2] and zh.notes[0].startswith("注：")
    assert "(" in en.body[0][2] and en.notes[0].startswith("Note. ")
    assert zh.caption == "表 1" and en.caption == "Table 1"


def test_missing_values_are_dashes_not_nan(doc):
    out = render(doc, "markdown", "en")
    assert "nan" not in out.lower() and "—" in out


def test_html_is_self_contained(doc):
    page = render(doc, "html", "zh")
    assert page.startswith("<!DOCTYPE html>") and "<meta name='viewport'" in page
    assert not re.search(r"(src|href)\s*=\s*['\"]?(https?:|//)", page)
    assert "<link" not in page and "<script" not in page
    assert "border-top:1.5pt solid" in page and "sg-warn" in page


def test_latex_uses_booktabs(doc):
    tex = render(doc, "latex", "en")
    assert tex.count("\\toprule") == 1 and "\\midrule" in tex and "\\bottomrule" in tex
    assert "\\documentclass" in tex and "|" not in tex.split("\\begin{tabular}{")[1][:10]
    assert "\\usepackage[UTF8]{ctex}" in render(doc, "latex", "zh")


def test_xlsx_keeps_numbers_unrounded(doc, tmp_path):
    from openpyxl import load_workbook

    path = write_report(doc, tmp_path / "r.xlsx", "en")
    wb = load_workbook(path)
    assert wb.sheetnames == ["contents", "demo"]
    ws = wb["demo"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[1]
    assert header[:5] == ("Scale", "n", "Pre M", "Pre SD", "Diff [95% CI]")
    work = next(r for r in rows if r[0] == "Work")
    assert work[2] == 3.5012 and work[3] == 0.5549 and work[7] == -4.3429
    assert work[9] == pytest.approx(0.000262)
    assert ws.cell(row=4, column=3).number_format == "0.00"
    assert ws.cell(row=4, column=10).number_format == "0.000"


def test_xlsx_neutralises_formulas(tmp_path):
    from openpyxl import load_workbook

    tab = Table("x", "T", [Column("s", "Scale", "text"), Column("v", "v", "number")],
                [{"s": "=HYPERLINK(\"http://x\")", "v": 1.0}, {"s": "+1", "v": 2.0},
                 {"s": "@SUM(A1)", "v": 3.0}, {"s": "\tx", "v": 4.0}])
    wb = load_workbook(write_report(Document("D", [tab]), tmp_path / "x.xlsx"))
    texts = [r[0] for r in wb["x"].iter_rows(min_row=3, values_only=True)]
    assert all(v.startswith("'") for v in texts[:4]), texts
    for row in wb["x"].iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_personal_data_never_rendered(tmp_path):
    tab = Table("x", "T", [Column("s", "Reason", "text")],
                [{"s": "answer '张伟 13712345679' is not a label"}],
                notes=["from 192.168.10.23"])
    doc = Document("D", [tab, Paragraph("id 110101199003077777")])
    for fmt in ("text", "markdown", "html", "latex"):
        out = render(doc, fmt)
        for secret in ("13712345679", "张伟", "192.168.10.23", "110101199003077777"):
            assert secret not in out, (fmt, secret)
    from openpyxl import load_workbook

    wb = load_workbook(write_report(doc, tmp_path / "p.xlsx"))
    blob = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row)
    assert "13712345679" not in blob and "192.168.10.23" not in blob


def test_labels_have_both_languages():
    for key, entry in LABELS.items():
        assert set(entry) == {"en", "zh"}, key
    assert t(Label("eval.group", {"group": "A"}), "zh") == "组别：A"


def test_unknown_format_is_refused(doc, tmp_path):
    with pytest.raises(ValueError, match="unknown report format"):
        write_report(doc, tmp_path / "r.pdf")


def test_figure_needs_a_known_kind():
    with pytest.raises(ValueError, match="unknown kind"):
        Figure("f", "pie", "T", {})


@pytest.mark.parametrize("n_rows, groups", [(5, False), (31, False), (200, False), (200, True)])
def test_max_rows_lays_out_only_the_shown_rows(n_rows, groups):
    from stressgroup.core.document import Column, Document, Table
    from stressgroup.report._layout import lay_out
    from stressgroup.report._text import render_text

    rows = [{"id": f"P{i:04d}", "v": i / 7, **({"_group": f"g{i // 20}"} if groups else {})}
            for i in range(n_rows)]
    doc = Document("T", [Table("t", "Long", [Column("id", "ID", "text"),
                                             Column("v", "Value", "number")], rows)])
    full = lay_out(doc, "en", terminal=True)[1].table
    short = lay_out(doc, "en", terminal=True, max_rows=30)[1].table
    assert short.rows == full.rows[:len(short.rows)]
    assert short.omitted + len(short.body) == n_rows
    text = render_text(doc, max_rows=30)
    shown = sum(1 for k, _ in full.rows[:30] if k == "row")
    if n_rows > 30 or len(full.rows) > 30:
        assert f"... {n_rows - shown} more rows" in text
    else:
        assert "more rows" not in text

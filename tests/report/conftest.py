"""Fixtures for the Word renderer: a document with the table shapes the reports use."""

from __future__ import annotations

import io
import sys
import types

import pytest

from stressgroup.core.document import (Column, Document, Figure, Heading, Note, Paragraph,
                                       Table)


def docx_sample_document() -> Document:
    """Three tables (group rows; text, count, percent, mean_sd, estimate_ci, statistic with
    stars, df, p, p_adj, effect, reliability), headings, paragraphs of every style, a note
    and a figure."""
    sample = Table(
        key="sample", title={"en": "Sample characteristics", "zh": "样本基本情况"},
        columns=(Column("level", {"en": "Variable", "zh": "变量"}, "text"),
                 Column("n", "n", "count"),
                 Column("pct", "%", "percent", digits=1)),
        rows=({"_group": {"en": "Gender", "zh": "性别"}, "level": {"en": "Female", "zh": "女"},
               "n": 31, "pct": 62.0},
              {"_group": {"en": "Gender", "zh": "性别"}, "level": {"en": "Male", "zh": "男"},
               "n": 19, "pct": 38.0},
              {"_group": {"en": "Group", "zh": "组别"},
               "level": {"en": "Intervention", "zh": "干预组"}, "n": 26, "pct": 52.0},
              {"_group": {"en": "Group", "zh": "组别"},
               "level": {"en": "Waiting list", "zh": "等待组"}, "n": 24, "pct": 48.0}),
        notes=(Note({"en": "Percentages of the 50 people with a pre wave.",
                     "zh": "百分比以 50 名完成前测者为基数。"}),))
    paired = Table(
        key="paired", title={"en": "Pre/post comparison (change = post - pre)",
                             "zh": "前后测比较（变化 = 后测 - 前测）"},
        columns=(Column("scale", {"en": "Scale", "zh": "维度"}, "text"),
                 Column("pre", {"en": "Pre M (SD)", "zh": "前测 M ± SD"}, "mean_sd"),
                 Column("post", {"en": "Post M (SD)", "zh": "后测 M ± SD"}, "mean_sd"),
                 Column("diff", {"en": "Diff [95% CI]", "zh": "差值 [95% CI]"}, "estimate_ci"),
                 Column("t", "t", "statistic", stars="p"),
                 Column("df", "df", "df"),
                 Column("p", "p", "p"),
                 Column("p_holm", "p_holm", "p_adj")),
        rows=({"scale": {"en": "Work", "zh": "工作层面"}, "pre": (3.4142, 0.5213),
               "post": (3.0512, 0.6034), "diff": (-0.3630, -0.5512, -0.1748),
               "t": -3.8811, "df": 47, "p": 0.00032, "p_holm": 0.00096},
              {"scale": {"en": "Family", "zh": "家庭层面"}, "pre": (2.9011, 0.7120),
               "post": (2.7734, 0.6612), "diff": (-0.1277, -0.3015, 0.0461),
               "t": -1.4790, "df": 47, "p": 0.1458, "p_holm": 0.2916},
              {"scale": {"en": "Self", "zh": "自我层面"}, "pre": (3.1020, 0.6451),
               "post": (2.8876, 0.5990), "diff": (-0.2144, -0.4012, -0.0276),
               "t": -2.3095, "df": 47, "p": 0.0253, "p_holm": 0.0506},
              {"scale": {"en": "Total", "zh": "总分"}, "pre": (3.1391, 0.4402),
               "post": (2.9041, 0.4510), "diff": (-0.2350, -0.3588, -0.1112),
               "t": -3.8204, "df": 47, "p": 0.0039, "p_holm": float("nan")}),
        notes=(Note({"en": "p_holm: Holm-adjusted over the subscales; the total is not "
                           "adjusted.",
                     "zh": "p_holm 为各维度内的 Holm 校正 p 值；总分不作校正。"}),))
    reliability = Table(
        key="reliability", title={"en": "Reliability at pre", "zh": "前测信度"},
        columns=(Column("scale", {"en": "Scale", "zh": "维度"}, "text"),
                 Column("k", {"en": "Items", "zh": "题目数"}, "count"),
                 Column("alpha", {"en": "alpha", "zh": "α"}, "reliability"),
                 Column("omega", {"en": "omega", "zh": "ω"}, "reliability"),
                 Column("dz", "dz [95% CI]", "estimate_ci")),
        rows=({"scale": {"en": "Work", "zh": "工作层面"}, "k": 6, "alpha": 0.8312,
               "omega": 0.8455, "dz": (-0.5602, -0.8611, -0.2541)},
              {"scale": {"en": "Family", "zh": "家庭层面"}, "k": 5, "alpha": 0.7710,
               "omega": 0.7902, "dz": (-0.2135, -0.4987, 0.0741)}))
    forest = Figure(key="forest", kind="forest",
                    title={"en": "Effect size dz with 95% CI per scale",
                           "zh": "各维度效应量 dz 及其 95% CI"},
                    data={"rows": [
                        {"label": {"en": "Work", "zh": "工作层面"}, "series": None,
                         "estimate": -0.5602, "low": -0.8611, "high": -0.2541},
                        {"label": {"en": "Family", "zh": "家庭层面"}, "series": None,
                         "estimate": -0.2135, "low": -0.4987, "high": 0.0741},
                        {"label": {"en": "Total", "zh": "总分"}, "series": None,
                         "estimate": -0.3511, "low": -0.6402, "high": -0.0568}],
                        "x_label": {"en": "dz (post - pre)", "zh": "dz（后测 - 前测）"},
                        "reference": 0.0},
                    notes=(Note({"en": "Negative dz: scores fell.",
                                 "zh": "dz 为负表示得分下降。"}),))
    return Document(
        title={"en": "Group work evaluation", "zh": "团体工作成效评估"},
        subtitle={"en": "Five-level stress scale, pre and post", "zh": "五层面压力量表前后测"},
        blocks=(
            Heading({"en": "Data", "zh": "数据概况"}),
            Paragraph({"en": "Fifty people answered at pre and 48 at post; alpha = {a}.",
                       "zh": "前测 50 人，后测 48 人；α = {a}。"},
                      values={"a": (0.8312, "reliability")}),
            sample,
            Heading({"en": "Change", "zh": "前后变化"}),
            Heading({"en": "Paired tests", "zh": "配对样本 t 检验"}, level=2),
            paired,
            Paragraph({"en": "Two people answered only the pre wave.",
                       "zh": "有 2 人仅完成前测。"}, style="warning"),
            reliability,
            forest,
            Paragraph({"en": "Computed with stressgroup.", "zh": "由 stressgroup 计算。"},
                      style="note"),
            Note({"en": "All tests two-sided.", "zh": "所有检验均为双侧检验。"}),
        ))


@pytest.fixture(scope="session")
def docx_png() -> bytes:
    """A small PNG drawn by matplotlib (a stand-in for a figure)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3), dpi=80)
    ax.errorbar([-0.56, -0.21, -0.35], [2, 1, 0], xerr=[[0.3, 0.29, 0.2], [0.31, 0.29, 0.2]],
                fmt="o", color="black")
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks([0, 1, 2], ["Total", "Family", "Work"])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


@pytest.fixture
def docx_figures(monkeypatch, docx_png):
    """``stressgroup.report._figures.figure_png`` returning :func:`docx_png`; records calls."""
    calls: list = []

    def figure_png(fig, lang):
        calls.append((fig.key, lang))
        return docx_png

    try:
        import stressgroup.report._figures as mod
    except ImportError:
        mod = types.ModuleType("stressgroup.report._figures")
        monkeypatch.setitem(sys.modules, "stressgroup.report._figures", mod)
    monkeypatch.setattr(mod, "figure_png", figure_png, raising=False)
    return calls


@pytest.fixture
def docx_document() -> Document:
    return docx_sample_document()

"""The small-group and individual-change results describe themselves as documents."""

from __future__ import annotations

import pytest

from stressgroup.analysis import (clinical_significance, paired_effect_sizes, permutation_test,
                                  power_paired, shapiro_wilk, wilcoxon_exact)

PRE = [31, 28, 35, 40, 30, 26, 33, 38]
POST = [25, 29, 30, 31, 22, 24, 30, 28]


def _results():
    return {
        "permutation": permutation_test(PRE, POST),
        "permutation_mc": permutation_test(PRE, POST, method="monte_carlo", seed=1),
        "wilcoxon_exact": wilcoxon_exact(PRE, POST),
        "shapiro_wilk": shapiro_wilk(PRE, POST),
        "power_n": power_paired(dz=0.5),
        "power_dz": power_paired(n=9),
        "power_power": power_paired(n=9, dz=0.5, power=None),
        "effects": paired_effect_sizes(PRE, POST),
        "clinical": clinical_significance([2.6, 2.2, 3.0, 2.4, 1.9, 2.8],
                                          [1.5, 2.1, 2.9, 2.6, 1.2, 1.8], reliability=0.9,
                                          norms={"mean": 1.44, "sd": 0.43},
                                          ids=["A", "B", "C", "D", "E", "F"]),
        "clinical_sample": clinical_significance([2.6, 2.2, 3.0, 2.4, 1.9, 2.8],
                                                 [1.5, 2.1, 2.9, 2.6, 1.2, 1.8],
                                                 reliability=0.9),
    }


EXPECT = {
    "permutation": (["| 8 | 8 | -5.25 | exact | 256 | .016 |"], ["精确", "符号翻转"]),
    "permutation_mc": (["Monte Carlo", "9999"], ["蒙特卡洛"]),
    "wilcoxon_exact": (["| 1.0 | .016 |"], ["结值"]),
    "shapiro_wilk": (["0.966", "Read the permutation test"], ["置换检验"]),
    "power_n": (["33.37 | 34", "needs 34 pairs"], ["需要 34 对"]),
    "power_dz": (["dz = 1.07 or larger"], ["dz ≥ 1.07"]),
    "power_power": (["power .26"], ["0.26"]),
    "effects": (["| d_rm | -1.20 [-2.04, -0.32]", "mean(d) / ((sd_pre + sd_post) / 2)"],
                ["前后测标准差的平均"]),
    "clinical": (["| c (used) | 1.98 |", "| B | 2.20 | 2.10 |", ": B, C, D."],
                 ["康复", "重点干预名单（3 人", "常模（使用者给定）"]),
    "clinical_sample": (["| b | — |", "criterion a only"], ["仅有标准 a"]),
}


@pytest.mark.parametrize("name", list(EXPECT))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_renders_to_markdown(name, lang):
    res = _results()[name]
    md = res.to_markdown(lang)
    assert md.count("|") > 6
    for s in EXPECT[name][0 if lang == "en" else 1]:
        assert s in md, (s, md)
    doc = res.to_document()
    assert doc.tables() if hasattr(doc, "tables") else doc.blocks


@pytest.mark.parametrize("name", list(EXPECT))
def test_renders_to_every_text_format(name):
    res = _results()[name]
    for lang in ("en", "zh"):
        assert res.to_text(lang)
        assert "<table" in res.to_html(lang)
        assert "\\begin{tabular" in res.to_latex(lang) or "tabular" in res.to_latex(lang)

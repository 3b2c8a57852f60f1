"""The between-group results describe themselves as documents that render to Markdown."""

from __future__ import annotations

import pandas as pd
import pytest

from reftools import REFERENCE
from stressgroup.analysis import (ancova, baseline_equivalence, change_effect_sizes, lmm,
                                  mixed_anova)
from stressgroup.core.document import Document
from stressgroup.report import render


def _long(waves):
    gs = pd.read_csv(REFERENCE / "group_study.csv")
    return pd.concat([gs.assign(wave=f"{i + 1}{w}", score=gs[w]) for i, w in enumerate(waves)])


def _results():
    gs = pd.read_csv(REFERENCE / "group_study.csv")
    an = pd.read_csv(REFERENCE / "anorexia.csv")
    return {
        "ancova": (ancova(an, "Postwt", "Prewt", "Treat"),
                   ["ancova", "ancova_means", "ancova_pairs"]),
        "mixed_anova": (mixed_anova(_long(("pre", "post", "follow")), "score", "wave", "group",
                                    "id"), ["mixed_anova", "mixed_anova_means"]),
        "lmm": (lmm(_long(("pre", "post", "follow")), "score", "wave", "group", "id"),
                ["lmm_fixed", "lmm_means"]),
        "change": (change_effect_sizes(gs, "pre", "post", "group", control="control"),
                   ["change_by_group", "change_effects"]),
        "baseline": (baseline_equivalence(gs, "group", ["pre", "age", "gender", "smoker",
                                                        "rank"]),
                     ["baseline_equivalence", "baseline_descriptives"]),
    }


RESULTS = _results()


@pytest.mark.parametrize("name", sorted(RESULTS))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_document_renders_to_markdown(name, lang):
    res, keys = RESULTS[name]
    doc = res.to_document(lang)
    assert isinstance(doc, Document)
    assert [t.key for t in doc.tables()] == keys
    md = render(doc, "markdown", lang)
    assert md.count("|:") >= len(keys)          # one pipe table per table
    assert "nan" not in md.lower().replace("nan-", "")
    assert res.to_markdown(lang) == md
    if lang == "zh":
        assert "表 1" in md
    else:
        assert "Table 1" in md


def test_ancova_markdown_shows_the_numbers():
    res, _ = RESULTS["ancova"]
    md = res.to_markdown()
    assert "7.87" in md                          # F(2, 68) = 7.87 for MASS::anorexia
    assert "Tukey" in md and "Homogeneity of regression slopes" in md


def test_mixed_anova_markdown_has_gg():
    res, _ = RESULTS["mixed_anova"]
    md = res.to_markdown()
    assert "p (GG)" in md and "Greenhouse-Geisser epsilon" in md

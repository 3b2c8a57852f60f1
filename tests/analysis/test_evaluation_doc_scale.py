"""Under a table, thousands of exclusions are counted by reason, not listed one by one."""

import pytest

from stressgroup.analysis._evaluation_doc import MAX_LISTED, excluded_paragraphs
from stressgroup.report import t


@pytest.mark.parametrize("n", [1, MAX_LISTED])
def test_few_are_listed(n):
    ex = [{"id": f"P{i}", "reason": "no post wave (dropout)"} for i in range(n)]
    (par,) = excluded_paragraphs(ex, "eval.excluded")
    text = t(par.text, "en")
    assert all(f"P{i}:" in text for i in range(n))


@pytest.mark.parametrize("lang, more", [("en", "3,990 more"), ("zh", "另有 3,990 项")])
def test_many_are_counted(lang, more):
    ex = ([{"id": f"P{i}", "reason": "no post wave (dropout)"} for i in range(1000)]
          + [{"id": f"Q{i}", "reason": "work: fewer than 4 of 5 items answered at pre"}
             for i in range(3000)])
    listed, counts = excluded_paragraphs(ex, "eval.excluded")
    first = t(listed.text, lang)
    assert "P9:" in first and "P10:" not in first and more in first
    second = t(counts.text, lang)
    assert "4,000" in second and "3,000" in second and "1,000" in second
    assert second.index("work:") < second.index("no post wave")   # most frequent first


def test_none():
    assert excluded_paragraphs([], "eval.excluded") == []

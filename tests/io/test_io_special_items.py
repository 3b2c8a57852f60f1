"""Loading instruments with special items: sum items (sub-items), count items
(multi-select text), items with their own range (SSRS)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stressgroup import load_instrument, read_survey, score


@pytest.fixture(scope="module")
def ssrs():
    return load_instrument("ssrs")


def frame(rows):
    base = {f"SSRS{i}": 2 for i in (1, 2, 3, 4, 8, 9, 10)}
    base.update({f"SSRS5{x}": 3 for x in "ABCDE"})
    out = []
    for pid, six, seven in rows:
        out.append({"id": pid, **base, "SSRS6": six, "SSRS7": seven})
    return pd.DataFrame(out)


def test_multiselect_text_becomes_a_count(ssrs):
    df = frame([("001", "配偶┋亲戚┋同事", "无任何来源"), ("002", "2", "其他〖邻居〗"),
                ("003", "配偶┋朋友们", "配偶")])
    resp = read_survey(df, instrument=ssrs, wave="pre")
    data = resp.data.set_index("id")
    assert data.loc["001", "SSRS6"] == 3 and data.loc["001", "SSRS7"] == 0
    assert data.loc["002", "SSRS6"] == 2 and data.loc["002", "SSRS7"] == 1
    # an option that is not in the list is missing and reported, never guessed
    assert np.isnan(data.loc["003", "SSRS6"])
    cells = resp.report.cells
    bad = cells[cells["column"] == "SSRS6"]
    assert len(bad) == 1 and "unknown option '朋友们'" in bad["reason"].iloc[0]
    assert bad["row"].iloc[0] == 4
    assert resp.report.rows_read == resp.report.rows_kept + resp.report.rows_excluded


def test_sub_items_are_read_and_summed(ssrs):
    resp = read_survey(frame([("001", "配偶", "配偶┋同事")]), instrument=ssrs, wave="pre")
    assert {f"SSRS5{x}" for x in "ABCDE"} <= set(resp.data.columns)
    s = score(resp, ssrs).iloc[0]
    # subjective = 1 + 3 + 4 + 5 = 2 + 2 + 2 + (5 x 3) = 21; objective = 2 + 6 + 7 = 2 + 1 + 2
    assert s["subjective"] == 21 and s["objective"] == 5
    assert s["total"] == 2 * 7 + 15 + 1 + 2


def test_sub_item_out_of_range_is_listed(ssrs):
    df = frame([("001", "配偶", "配偶")])
    df["SSRS5C"] = 5
    resp = read_survey(df, instrument=ssrs, wave="pre")
    cells = resp.report.cells
    assert cells["column"].tolist() == ["SSRS5C"]
    assert "out of range 1-4" in cells["reason"].iloc[0]
    assert np.isnan(score(resp, ssrs)["subjective"].iloc[0])


ITEM_LABELS = """
id: own-labels
response:
  min: 1
  max: 4
  labels: {1: {zh: 从不}, 2: {zh: 偶尔}, 3: {zh: 经常}, 4: {zh: 总是}}
subscales:
  - id: a
    items:
      - id: Q1
        labels: {1: {zh: 一个也没有}, 2: {zh: 1-2个}, 3: {zh: 3-5个}, 4: {zh: 6个或6个以上}}
      - Q2
"""


def test_item_specific_labels(tmp_path):
    p = tmp_path / "own.yaml"
    p.write_text(ITEM_LABELS, encoding="utf-8")
    df = pd.DataFrame({"id": ["1", "2"], "Q1": ["3-5个", "经常"], "Q2": ["经常", "总是"]})
    resp = read_survey(df, instrument=p, wave="pre")
    data = resp.data.set_index("id")
    assert data.loc["1", "Q1"] == 3 and data.loc["1", "Q2"] == 3 and data.loc["2", "Q2"] == 4
    # Q1 has its own labels: the shared label '经常' is not one of its answers
    assert np.isnan(data.loc["2", "Q1"])
    assert resp.report.cells["column"].tolist() == ["Q1"]


def test_ssrs_scores_from_a_text_export(ssrs):
    # a 问卷星 按选项文本 export: every answer as its option text
    df = pd.DataFrame({
        "id": ["1"], "SSRS1": ["3-5个"], "SSRS2": ["和家人住在一起"],
        "SSRS3": ["有些邻居很关心您"], "SSRS4": ["遇到困难可能稍微关心"],
        **{f"SSRS5{x}": ["一般"] for x in "ABCDE"},
        "SSRS6": ["配偶┋同事"], "SSRS7": ["无任何来源"], "SSRS8": ["从不向任何人诉述"],
        "SSRS9": ["很少请求别人帮助"], "SSRS10": ["偶尔参加"]})
    resp = read_survey(df, instrument=ssrs, wave="pre")
    assert len(resp.report.cells) == 0
    s = score(resp, ssrs).iloc[0]
    # objective 4 + 2 + 0; subjective 3 + 3 + 2 + 5 x 3; utilisation 1 + 2 + 2
    assert (s["objective"], s["subjective"], s["utilization"], s["total"]) == (6, 23, 5, 34)

"""The evaluation warns, in the result and in the report, instead of printing silent NaN:
mis-keyed items, negative alpha, tiny groups, undefined reliability."""

from __future__ import annotations

import json
import re

import pytest

from stressgroup import DegenerateDataWarning, evaluate


def _codes(ev):
    return [w["code"] for w in ev.to_dict()["warnings"]]


def test_a_miskeyed_item_is_named(sample_long_frame, five_level):
    data = sample_long_frame.copy()
    data["IND4"] = 6 - data["IND4"]  # the questionnaire did not reverse-word IND4
    with pytest.warns(DegenerateDataWarning) as seen:
        ev = evaluate(data, five_level)
    assert any(re.search(r"IND4 correlates -0\.\d\d with the rest of 'individual' after "
                         r"reverse keying: is it reverse-keyed", str(w.message)) for w in seen)
    d = ev.to_dict()
    hits = [w for w in d["warnings"] if w["code"] == "miskeyed_item"]
    assert {w["group"] for w in hits} == {"intervention", "control"}
    assert all(w["subscale"] == "individual" for w in hits)
    assert d["groups"]["control"]["warnings"]
    md = ev.to_markdown()
    assert "**Warning:** control: " not in md and "IND4 correlates" in md


def test_a_correct_file_has_no_warnings(sample_long_frame, five_level):
    ev = evaluate(sample_long_frame, five_level)
    assert ev.to_dict()["warnings"] == []


def test_negative_alpha_is_named(sample_long_frame, five_level):
    data = sample_long_frame.copy()
    for item in ("FAM1", "FAM2"):
        data[item] = 6 - data[item]
    with pytest.warns(DegenerateDataWarning):
        ev = evaluate(data, five_level)
    assert "negative_alpha" in _codes(ev) or "miskeyed_item" in _codes(ev)


def test_a_tiny_group_says_so(sample_long_frame, five_level):
    ids = sorted(sample_long_frame["id"].unique())[:4]
    data = sample_long_frame[sample_long_frame["id"].isin(ids)]
    with pytest.warns(DegenerateDataWarning) as seen:
        ev = evaluate(data, five_level, group=False)
    assert any("4 complete pair(s), fewer than 5" in str(w.message) for w in seen)
    assert "small_group" in _codes(ev)
    assert "fewer than 5" in ev.to_text()
    json.dumps(ev.to_dict(), allow_nan=False)


def test_undefined_reliability_leaves_reliable_change_out_with_a_reason(sample_long_frame,
                                                                        five_level):
    data = sample_long_frame.copy()
    items = list(five_level.item_ids)
    data.loc[data["wave"] == "pre", items] = 3.0  # nobody varies at pre
    with pytest.warns(DegenerateDataWarning):
        ev = evaluate(data, five_level, group=False)
    codes = _codes(ev)
    assert "no_reliable_change" in codes
    g = ev.groups[None]
    assert g.reliable_change is None
    assert "reliable change on 'total' is left out" in ev.to_text()

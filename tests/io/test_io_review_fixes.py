"""Review fixes: answers outside an item's ``values`` map, contradictory multi-select
answers, personal data in the load report, unknown wave labels."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from stressgroup import load_instrument, read_survey
from stressgroup.errors import DataQualityWarning
from stressgroup.io import read_waves
from stressgroup.io._text import PERSONAL_PLACEHOLDER, mask_personal

VALUES_MAP = """
id: mapped
response:
  min: 1
  max: 4
subscales:
  - id: a
    items:
      - id: Q1
        values: {1: 0, 2: 1, 4: 3, 9: 0}
      - Q2
"""


@pytest.fixture
def mapped(tmp_path):
    p = tmp_path / "mapped.yaml"
    p.write_text(VALUES_MAP, encoding="utf-8")
    return load_instrument(p)


# -- 1. value-mapped items ---------------------------------------------------------

def test_answers_not_in_the_values_map_are_missing_and_listed(mapped):
    df = pd.DataFrame({"id": ["1", "2", "3", "4", "5", "6"],
                       "Q1": ["1", "3", "4", "5", "9", "2"],
                       "Q2": ["1", "2", "3", "4", "1", "2"]})
    r = read_survey(df, instrument=mapped, wave="pre")
    q1 = r.data.set_index("id")["Q1"]
    assert q1["1"] == 1 and q1["3"] == 4 and q1["5"] == 9 and q1["6"] == 2
    assert np.isnan(q1["2"]) and np.isnan(q1["4"])
    cells = r.report.cells
    assert cells[["row", "column", "value"]].values.tolist() == [[3, "Q1", "3"], [5, "Q1", "5"]]
    assert (cells["file"] == "<DataFrame>").all()
    assert set(cells["reason"]) == {"not one of the answers 1, 2, 4, 9 of this item"}
    # an item without a map keeps its range check only
    assert not (cells["column"] == "Q2").any()


def test_values_map_applies_in_long_tidy_files(mapped):
    df = pd.DataFrame({"id": ["1", "1", "2", "2"], "wave": ["pre"] * 4,
                       "item": ["Q1", "Q2", "Q1", "Q2"], "value": ["4", "3", "3", "3"]})
    r = read_survey(df, instrument=mapped)
    data = r.data.set_index("id")
    assert data.loc["1", "Q1"] == 4 and np.isnan(data.loc["2", "Q1"])
    assert data.loc["2", "Q2"] == 3    # Q2 has no map: 3 is a valid answer
    assert r.report.cells["reason"].tolist() == [
        "not one of the answers 1, 2, 4, 9 of this item [item Q1]"]


# -- 2. contradictory multi-select ---------------------------------------------------

def test_none_ticked_with_other_options_is_missing():
    ssrs = load_instrument("ssrs")
    base = {f"SSRS{i}": 2 for i in (1, 2, 3, 4, 8, 9, 10)}
    base.update({f"SSRS5{x}": 3 for x in "ABCDE"})
    df = pd.DataFrame([{"id": "1", **base, "SSRS6": "无任何来源┋配偶", "SSRS7": "无任何来源"},
                       {"id": "2", **base, "SSRS6": "配偶┋同事", "SSRS7": "配偶"}])
    r = read_survey(df, instrument=ssrs, wave="pre")
    data = r.data.set_index("id")
    assert np.isnan(data.loc["1", "SSRS6"])
    assert data.loc["1", "SSRS7"] == 0 and data.loc["2", "SSRS6"] == 2
    cells = r.report.cells
    assert cells[["row", "column", "value"]].values.tolist() == [[2, "SSRS6", "无任何来源┋配偶"]]
    assert cells["reason"].iloc[0] == "'无任何来源' (none) ticked together with other options"


def test_option_whose_text_holds_a_separator_counts_once():
    ssrs = load_instrument("ssrs")
    base = {f"SSRS{i}": 2 for i in (1, 2, 3, 4, 8, 9, 10)}
    base.update({f"SSRS5{x}": 3 for x in "ABCDE"})
    df = pd.DataFrame([{"id": "1", **base, "SSRS6": "配偶┋宗教、社会团体等非官方组织",
                        "SSRS7": "宗教、社会团体等非官方组织"}])
    r = read_survey(df, instrument=ssrs, wave="pre")
    assert r.data[["SSRS6", "SSRS7"]].iloc[0].tolist() == [2.0, 1.0]
    assert r.report.cells.empty


# -- 3. personal data ----------------------------------------------------------------

@pytest.mark.parametrize("text", ["13712345678", "张伟 13712345679", "137 1234 5678",
                                  "11010119900307123X", "110101199003071234",
                                  "zhang.wei@example.com", "192.168.1.20"])
def test_mask_personal_hides_personal_data(text):
    masked = mask_personal(text)
    assert PERSONAL_PLACEHOLDER in masked
    assert not any(ch.isdigit() for ch in masked.replace(PERSONAL_PLACEHOLDER, ""))
    assert "张伟" not in masked


@pytest.mark.parametrize("text", ["out of range 1-5", "3", "not a number", "2024/5/12 9:03:15",
                                  "1.2.3.999", "row 93", "'比较付合'"])
def test_mask_personal_leaves_other_text(text):
    assert mask_personal(text) == text


def test_personal_data_in_item_cells_is_not_in_the_report(inst3):
    df = pd.DataFrame({"id": [str(i) for i in range(1, 9)], "wave": ["pre"] * 8,
                       "A1": ["13712345678", "张伟 13712345679", "110101199003071234",
                             "me@example.com", "10.0.0.1", "2", "3", "1"],
                       "A2": ["1"] * 8, "A3": ["2"] * 8})
    r = read_survey(df, instrument=inst3)
    cells = r.report.cells
    assert len(cells) == 5 and cells["row"].tolist() == [2, 3, 4, 5, 6]
    assert (cells["value"] == PERSONAL_PLACEHOLDER).all()
    dumped = json.dumps(r.report.to_dict(), ensure_ascii=False)
    text = dumped + r.report.summary() + r.report.to_frame().to_string()
    for secret in ("13712345678", "13712345679", "张伟", "110101199003071234",
                   "me@example.com", "10.0.0.1"):
        assert secret not in text
    assert np.isnan(r.data["A1"].iloc[:5]).all()


def test_personal_data_in_unknown_answer_reason_is_masked():
    inst = load_instrument("ssrs")
    base = {f"SSRS{i}": 2 for i in (1, 2, 3, 4, 8, 9, 10)}
    base.update({f"SSRS5{x}": 3 for x in "ABCDE"})
    df = pd.DataFrame([{"id": "1", **base, "SSRS6": "配偶", "SSRS7": "配偶"},
                       {"id": "2", **base, "SSRS6": "张伟 13712345679", "SSRS7": "配偶"}])
    r = read_survey(df, instrument=inst, wave="pre")
    reason = r.report.cells["reason"].iloc[0]
    assert reason.startswith("unknown option '<personal data hidden>'")
    assert "137" not in reason and "张伟" not in reason


def test_single_personal_ids_are_pseudonymised(inst3):
    df = pd.DataFrame({"id": ["S01", "S02", "137 1234 5678", "S04", "S05", "S06"],
                       "wave": ["pre"] * 6, "A1": ["1"] * 6, "A2": ["2"] * 6, "A3": ["3"] * 6})
    r = read_survey(df, instrument=inst3, salt="s")
    ids = r.data["id"].tolist()
    assert ids[:2] == ["S01", "S02"] and ids[3:] == ["S04", "S05", "S06"]
    assert len(ids[2]) == 16 and all(c in "0123456789abcdef" for c in ids[2])
    pseudo = r.report.columns_pseudonymized
    assert pseudo["column"].tolist() == ["id"]
    assert "1 id looks like phone numbers (rows 4)" in pseudo["reason"].iloc[0]
    # the original (spaces removed by normalisation) is never listed
    assert r.report.id_changes.empty
    text = json.dumps(r.report.to_dict(), ensure_ascii=False) + r.report.summary()
    assert "1234" not in text
    # the same person gets the same pseudonym in another wave
    post = df.assign(wave="post", id=["S01", "S02", "13712345678", "S04", "S05", "S06"])
    both = read_waves({"pre": df.drop(columns="wave"), "post": post.drop(columns="wave")},
                      instrument=inst3, salt="s")
    assert both.data["id"].nunique() == 6


def test_single_personal_ids_kept_with_pii_keep(inst3):
    df = pd.DataFrame({"id": ["S01", "S02", "13712345678"], "wave": ["pre"] * 3,
                       "A1": ["1"] * 3, "A2": ["2"] * 3, "A3": ["3"] * 3})
    r = read_survey(df, instrument=inst3, pii="keep")
    assert r.data["id"].tolist() == ["S01", "S02", "13712345678"]
    assert r.report.columns_pseudonymized.empty
    assert any("kept because pii='keep'" in n for n in r.report.notes)


def test_id_change_of_a_personal_id_is_not_listed(inst3):
    df = pd.DataFrame({"id": ["S01", "Ｓ02", "１３７１２３４５６７８", "S04"], "wave": ["pre"] * 4,
                       "A1": ["1"] * 4, "A2": ["2"] * 4, "A3": ["3"] * 4})
    r = read_survey(df, instrument=inst3)
    changes = r.report.id_changes
    assert changes[["row", "original", "id"]].values.tolist() == [[3, "Ｓ02", "S02"]]


def test_excluded_rows_with_a_personal_id_hide_it(inst3):
    # a duplicate submission under a phone-number id: the report shows the pseudonym
    df = pd.DataFrame({"id": ["S01", "13712345678", "13712345678", "S04"],
                       "wave": ["pre"] * 4, "A1": ["1"] * 4, "A2": ["2"] * 4, "A3": ["3"] * 4})
    r = read_survey(df, instrument=inst3)
    excl = r.report.excluded
    assert len(excl) == 1 and "137" not in str(excl["id"].iloc[0])


# -- 4. unknown wave labels -------------------------------------------------------------

def test_unknown_wave_label_is_noted_and_warned(inst3):
    waves = ["pre"] * 3 + ["psot"] * 3 + ["post"] * 2
    df = pd.DataFrame({"id": [str(i) for i in range(8)], "wave": waves,
                       "A1": ["1"] * 8, "A2": ["2"] * 8, "A3": ["3"] * 8})
    msg = ("<DataFrame>: wave label 'psot' (3 rows: 5, 6, 7) is not a known wave "
           "(pre, post, follow-up); check for a typo")
    with pytest.warns(DataQualityWarning) as rec:
        r = read_survey(df, instrument=inst3)
    assert [str(w.message) for w in rec] == [msg]
    assert msg in r.report.notes
    assert r.report.rows_kept == 8     # the rows are kept: the label may be intended
    assert "psot" in list(r.data["wave"].cat.categories)


def test_unknown_wave_label_lists_first_rows_only(inst3):
    waves = ["pre"] * 2 + ["T4"] * 7
    df = pd.DataFrame({"id": [str(i) for i in range(9)], "wave": waves,
                       "A1": ["1"] * 9, "A2": ["2"] * 9, "A3": ["3"] * 9})
    with pytest.warns(DataQualityWarning, match=r"'T4' \(7 rows: 4, 5, 6, 7, 8, \.\.\.\)"):
        read_survey(df, instrument=inst3)


def test_known_wave_aliases_give_no_note(inst3):
    df = pd.DataFrame({"id": ["1", "2", "3"], "wave": ["前测", "T2", "随访"],
                       "A1": ["1"] * 3, "A2": ["2"] * 3, "A3": ["3"] * 3})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = read_survey(df, instrument=inst3)
    assert not any("wave label" in n for n in r.report.notes)


def test_unknown_wave_label_in_a_tidy_file(inst3):
    df = pd.DataFrame({"id": ["1", "1", "1", "2"], "wave": ["pre", "pre", "pre", "psot"],
                       "item": ["A1", "A2", "A3", "A1"], "value": ["1", "2", "3", "3"]})
    with pytest.warns(DataQualityWarning, match=r"wave label 'psot' \(1 row: 5\)"):
        r = read_survey(df, instrument=inst3)
    assert any("'psot'" in n for n in r.report.notes)


@pytest.mark.parametrize("header", ["联系人", "紧急联系人电话", "微信号", "家庭住址", "QQ号"])
def test_more_personal_headers_are_dropped(header):
    import stressgroup

    df = pd.DataFrame({"id": ["1", "2"], "wave": ["pre", "pre"], header: ["张伟", "李娜"]})
    r = stressgroup.read_survey(df)
    assert header not in r.data.columns
    assert r.report.columns_dropped["column"].tolist() == [header]

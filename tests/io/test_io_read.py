"""read_survey: ids, waves, items, values, duplicates, personal data."""

from __future__ import annotations

import dataclasses

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from stressgroup.errors import DataError, DataQualityWarning
from stressgroup.io import LoadReport, Responses, read_survey

# ---------------------------------------------------------------------------
# ids
# ---------------------------------------------------------------------------


def test_ids_keep_leading_zeros_and_are_normalised(write_text, inst3, check_counts):
    path = write_text("ids.csv",
                      "id,wave,A1,A2,A3\n"
                      "007,pre,1,2,3\n"
                      "００８,pre,1,2,3\n"        # full-width digits
                      "0\u300009,pre,1,2,3\n"     # ideographic space inside
                      " 010 ,pre,1,2,3\n"
                      "A\u200b11,pre,1,2,3\n")    # zero-width space
    r = read_survey(path, instrument=inst3)
    check_counts(r.report)
    assert r["id"].tolist() == ["007", "008", "009", "010", "A11"]
    changes = r.report.id_changes
    assert changes["row"].tolist() == [3, 4, 5, 6]
    assert changes["original"].tolist() == ["００８", "0\u300009", " 010 ", "A\u200b11"]
    assert changes["id"].tolist() == ["008", "009", "010", "A11"]


@pytest.mark.parametrize("missing", ["", "  ", "NA", "\u3000"])
def test_missing_id_is_excluded(missing, long_frame, inst3, check_counts):
    df = long_frame.copy()
    df.loc[1, "id"] = missing
    r = read_survey(df, instrument=inst3)
    check_counts(r.report)
    assert r.report.rows_excluded == 1
    ex = r.report.excluded.iloc[0]
    assert (ex["row"], ex["reason"]) == (3, "missing id")   # DataFrame: position + 2
    assert len(r) == 5


@pytest.mark.parametrize("header", ["ID", "编号", "工号", "respondent_id", "Participant", "code"])
def test_id_column_found_by_name(header, long_frame, inst3):
    df = long_frame.rename(columns={"id": header})
    r = read_survey(df, instrument=inst3)
    assert r["id"].tolist()[:3] == ["01", "02", "03"]
    assert header not in r.columns


def test_missing_id_column_message(long_frame, inst3):
    df = long_frame.rename(columns={"id": "序号"})   # 问卷星's row number is not an id
    with pytest.raises(DataError, match=r"no id column found.*'序号'.*id_col='COLUMN'.*--id"):
        read_survey(df, instrument=inst3)


def test_id_col_argument(long_frame, inst3):
    df = long_frame.rename(columns={"id": "officer"})
    r = read_survey(df, instrument=inst3, id_col="officer")
    assert r["id"].iloc[0] == "01"
    with pytest.raises(DataError, match=r"id_col='nobody' is not a column.*'officer'"):
        read_survey(df, instrument=inst3, id_col="nobody")


# ---------------------------------------------------------------------------
# waves
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("labels, expected", [
    (["pre", "post"], ["pre", "post"]),
    (["PRE", "Post"], ["pre", "post"]),
    (["T1", "T2"], ["pre", "post"]),
    (["time1", "time2"], ["pre", "post"]),
    (["1", "2"], ["pre", "post"]),
    (["前测", "后测"], ["pre", "post"]),
    (["baseline", "follow-up"], ["pre", "follow-up"]),
    (["pretest", "posttest"], ["pre", "post"]),
    (["T1", "T3"], ["pre", "follow-up"]),
    (["随访", "追踪"], ["follow-up", "follow-up"]),
    (["fu", "followup"], ["follow-up", "follow-up"]),
])
def test_wave_labels_normalised(labels, expected, inst3):
    df = pd.DataFrame({"id": ["1", "2"], "wave": labels, "A1": ["1", "2"]})
    with pytest.warns(DataQualityWarning):
        r = read_survey(df, instrument=inst3)
    assert r["wave"].astype(str).tolist() == expected
    assert isinstance(r["wave"].dtype, pd.CategoricalDtype) and r["wave"].cat.ordered


def test_unknown_waves_kept_after_known_in_order_of_appearance(inst3):
    df = pd.DataFrame({"id": list("123456"),
                       "时间点": ["month 6", "post", "month 3", "pre", "month 6", "T3"],
                       "A1": ["1"] * 6, "A2": ["1"] * 6, "A3": ["1"] * 6})
    with pytest.warns(DataQualityWarning) as rec:
        r = read_survey(df, instrument=inst3)
    # kept, but each unknown label is pointed out (a typo such as 'psot' looks the same)
    assert [str(w.message).split(" (")[0] for w in rec] == [
        "<DataFrame>: wave label 'month 6'", "<DataFrame>: wave label 'month 3'"]
    assert list(r["wave"].cat.categories) == ["pre", "post", "follow-up", "month 6", "month 3"]
    assert r.waves == ("pre", "post", "follow-up", "month 6", "month 3")


def test_missing_wave_value_is_excluded(long_frame, inst3, check_counts):
    df = long_frame.copy()
    df.loc[4, "wave"] = " "
    r = read_survey(df, instrument=inst3)
    check_counts(r.report)
    assert r.report.excluded[["row", "reason"]].values.tolist() == [[6, "missing wave"]]


def test_wave_argument_for_single_wave_file(long_frame, inst3):
    df = long_frame.drop(columns="wave").iloc[:3]
    r = read_survey(df, instrument=inst3, wave="T2")
    assert r["wave"].astype(str).tolist() == ["post"] * 3
    assert r.report.files[0].wave == "post"


def test_wave_argument_contradicting_column(long_frame, inst3):
    with pytest.raises(DataError, match=r"wave='pre' was given, but column 'wave' holds"):
        read_survey(long_frame, instrument=inst3, wave="pre")


def test_no_wave_information_message(long_frame, inst3):
    with pytest.raises(DataError, match=r"cannot tell which wave.*wave_col=.*--wave.*read_waves"):
        read_survey(long_frame.drop(columns="wave"), instrument=inst3)


def test_time_column_of_timestamps_is_not_a_wave(inst3):
    df = pd.DataFrame({"id": [str(i) for i in range(8)],
                       "time": [f"2024-03-0{i + 1} 10:00" for i in range(8)],
                       "A1": ["1"] * 8, "A2": ["1"] * 8, "A3": ["1"] * 8})
    with pytest.raises(DataError, match="cannot tell which wave"):
        read_survey(df, instrument=inst3)
    r = read_survey(df, instrument=inst3, wave="pre")
    assert "time" in r.columns


def test_wave_col_argument(long_frame, inst3):
    df = long_frame.rename(columns={"wave": "阶段X"})
    r = read_survey(df, instrument=inst3, wave_col="阶段X")
    assert r.waves == ("pre", "post")
    with pytest.raises(DataError, match=r"wave_col='nope' is not a column"):
        read_survey(df, instrument=inst3, wave_col="nope")


# ---------------------------------------------------------------------------
# wide files
# ---------------------------------------------------------------------------


@pytest.fixture
def wide_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["1", "2", "3", "4"],
        "group": ["a", "a", "b", "b"],
        "pre_A1": ["1", "2", "3", ""], "pre_A2": ["1", "2", "3", ""], "pre_A3": ["1", "2", "3", ""],
        "POST_A1": ["2", "", "4", ""], "POST_A2": ["2", "", "4", ""], "POST_A3": ["2", "", "", ""],
    })


def test_wide_is_reshaped_with_dropout_as_attrition(wide_frame, inst3, check_counts):
    r = read_survey(wide_frame, instrument=inst3)
    check_counts(r.report)
    assert r.report.layout == "wide"
    assert list(zip(r["id"], r["wave"].astype(str))) == [
        ("1", "pre"), ("1", "post"), ("2", "pre"), ("3", "pre"), ("3", "post")]
    assert list(r.columns) == ["id", "wave", "A1", "A2", "A3", "group"]
    assert np.isnan(r.data.loc[4, "A3"])
    # person 2 dropped out: attrition, not an excluded row
    absent = r.report.waves_absent
    assert absent[["row", "id", "wave"]].values.tolist() == [[3, "2", "post"]]
    # person 4 answered nothing at all: one row read, excluded
    assert r.report.excluded[["row", "id", "reason"]].values.tolist() == [
        [5, "4", "no answers in any wave"]]
    f = r.report.files[0]
    assert (f.rows_read, f.rows_kept, f.rows_excluded, f.records) == (4, 3, 1, 5)


@pytest.mark.parametrize("fmt", ["{w}_{i}", "{w}.{i}", "{i}_{w}", "{i}.{w}"])
def test_wide_affix_styles(fmt, inst3):
    cols = {"id": ["1"]}
    for w in ("pre", "post", "fu"):
        for item in inst3.item_ids:
            cols[fmt.format(w=w, i=item.lower())] = ["3"]
    r = read_survey(pd.DataFrame(cols), instrument=inst3)
    assert r["wave"].astype(str).tolist() == ["pre", "post", "follow-up"]
    assert r["A1"].tolist() == [3.0] * 3


def test_wide_without_instrument(wide_frame, check_counts):
    r = read_survey(wide_frame)
    check_counts(r.report)
    assert r.report.layout == "wide"
    assert set(r.columns) == {"id", "wave", "group", "A1", "A2", "A3"}
    assert len(r) == 5


def test_one_wave_file_with_prefixed_columns(inst3):
    df = pd.DataFrame({"id": ["1"], "post_A1": ["2"], "post_A2": ["3"], "post_A3": ["4"]})
    r = read_survey(df, instrument=inst3, wave="post")
    assert r.data[["A1", "A2", "A3"]].values.tolist() == [[2.0, 3.0, 4.0]]


# ---------------------------------------------------------------------------
# item columns
# ---------------------------------------------------------------------------


def test_item_columns_in_instrument_order_then_extras(inst3):
    df = pd.DataFrame({"gender": ["m"], "a3": ["3"], "id": ["1"], "wave": ["pre"],
                       "A1": ["1"], "age": ["40"], "a2": ["2"]})
    r = read_survey(df, instrument=inst3)
    assert list(r.columns) == ["id", "wave", "A1", "A2", "A3", "gender", "age"]
    assert r.item_columns == ("A1", "A2", "A3")
    assert r.data[["A1", "A2", "A3"]].dtypes.tolist() == [np.float64] * 3


@pytest.mark.parametrize("headers", [
    ["1、我经常感到身心疲惫。", "2、下班后我能很快放松下来。", "3、我担心自己的人身安全。"],
    ["Q1. I often feel exhausted.", "Q2 I can relax quickly after a shift", "Q3: I worry about my safety"],
    ["8.(我经常感到身心疲惫)", "8.(下班后我能很快放松下来)", "8.(我担心自己的人身安全)"],
    ["8、请选择—我经常感到身心疲惫", "8、请选择（下班后我能很快放松下来）", "第8题 我担心自己的人身安全"],
])
def test_items_matched_by_text(headers, inst3):
    df = pd.DataFrame({"id": ["1"], "wave": ["pre"], headers[0]: ["1"], headers[1]: ["2"],
                       headers[2]: ["3"]})
    r = read_survey(df, instrument=inst3)
    assert r.data[["A1", "A2", "A3"]].values.tolist() == [[1.0, 2.0, 3.0]]
    assert any("matched to items by their text" in n for n in r.report.notes)


def test_columns_mapping(inst3):
    df = pd.DataFrame({"id": ["1"], "wave": ["pre"], "Q1": ["1"], "Q2_x": ["2"], "Q3": ["5"]})
    r = read_survey(df, instrument=inst3, columns={"Q3": "A3", r"Q\d_x": "A2", "Q1": "A1",
                                                     "unused": "A1"})
    assert r.data[["A1", "A2", "A3"]].values.tolist() == [[1.0, 2.0, 5.0]]
    assert any("'unused'" in n for n in r.report.notes)


def test_two_columns_for_one_item(inst3):
    df = pd.DataFrame({"id": ["1"], "wave": ["pre"], "A1": ["1"], "a 1": ["2"], "A2": ["1"],
                       "A3": ["1"]})
    with pytest.raises(DataError, match=r"columns 'A1' and 'a 1' both give item 'A1'"):
        read_survey(df, instrument=inst3)


def test_columns_mapping_to_unknown_item(inst3, long_frame):
    with pytest.raises(DataError, match=r"not items of mini: 'A1' -> 'Z9'"):
        read_survey(long_frame, instrument=inst3, columns={"A1": "Z9"})


def test_some_items_missing_warns_and_reports(long_frame, inst3, check_counts):
    with pytest.warns(DataQualityWarning, match=r"1 item\(s\) of mini not found.*A3"):
        r = read_survey(long_frame.drop(columns="A3"), instrument=inst3)
    check_counts(r.report)
    assert r["A3"].isna().all()
    assert r.report.items_missing["item"].tolist() == ["A3"]


def test_all_items_missing_is_an_error(long_frame, inst3):
    df = long_frame.rename(columns={"A1": "x1", "A2": "x2", "A3": "x3"})
    with pytest.raises(DataError, match=r"none of the 3 items of mini \(A1, A2, A3\).*columns="):
        read_survey(df, instrument=inst3)


def test_without_instrument_columns_are_kept(tmp_path, long_frame, check_counts):
    long_frame.to_csv(tmp_path / "long.csv", index=False)
    r = read_survey(tmp_path / "long.csv")
    check_counts(r.report)
    assert r.item_columns == ()
    assert r.instrument_id is None
    assert r["A1"].dtype == np.int64          # inferred, as a CSV reader would
    assert r.extra_columns == ("group", "A1", "A2", "A3")


# ---------------------------------------------------------------------------
# values
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("marker", ["", " ", "NA", "N/A", "NaN", "na", ".", "-", "\u3000", "n/a"])
def test_missing_markers(marker, long_frame, inst3, check_counts):
    df = long_frame.copy()
    df.loc[0, "A2"] = marker
    r = read_survey(df, instrument=inst3)
    check_counts(r.report)
    assert np.isnan(r.data.loc[0, "A2"])
    assert len(r.report.cells) == 0


@pytest.mark.parametrize("text, value", [
    ("3", 3.0), (" 3 ", 3.0), ("３", 3.0), ("3.0", 3.0), ("非常符合", 5.0), (" 一般 ", 3.0),
    ("strongly DISAGREE", 1.0), ("Agree", 4.0),
])
def test_values_converted(text, value, long_frame, inst3):
    df = long_frame.copy()
    df.loc[2, "A1"] = text
    r = read_survey(df, instrument=inst3)
    assert r.data.loc[2, "A1"] == value
    assert len(r.report.cells) == 0


def test_bad_values_listed_with_rows_and_columns(write_text, inst3, check_counts):
    path = write_text("bad.csv",
                      "id,wave,A1,A2,A3\n"
                      "1,pre,3,4,5\n"
                      "2,pre,7,4,5\n"          # row 3: out of range
                      "3,pre,3,abc,2.5\n"      # row 4: not a number, not whole
                      "4,pre,0,4,5\n"          # row 5: out of range
                      "5,pre,3,4,5\n")
    r = read_survey(path, instrument=inst3)
    check_counts(r.report)
    cells = r.report.cells
    assert cells[["row", "column", "id", "value", "reason"]].values.tolist() == [
        [3, "A1", "2", "7", "out of range 1-5"],
        [4, "A2", "3", "abc", "not a number"],
        [4, "A3", "3", "2.5", "not a whole number (answers are 1-5)"],
        [5, "A1", "4", "0", "out of range 1-5"],
    ]
    assert r.data.loc[1, "A1"] != r.data.loc[1, "A1"]   # NaN, never clipped
    assert r.report.rows_kept == 5
    assert "4 cells set to missing (2 out of range, 1 not a number, 1 not a whole number)" \
        in r.report.summary()


def test_fractions_allowed_without_integer_labels(long_frame, inst3):
    inst3.labels = {}
    df = long_frame.copy()
    df.loc[0, "A1"] = "2.5"
    r = read_survey(df, instrument=inst3)
    assert r.data.loc[0, "A1"] == 2.5


def test_mostly_bad_values_is_an_error(long_frame, inst3):
    df = long_frame.copy()
    df[["A1", "A2"]] = "yes"
    with pytest.raises(DataError, match=r"12 of 18 answers cannot be used.*row 2, column 'A1'.*"
                                        r"wrong instrument") as info:
        read_survey(df, instrument=inst3)
    assert len(info.value.problems) == 12
    assert set(info.value.problems.columns) >= {"file", "row", "column", "value", "reason"}


def test_row_without_any_answer_is_excluded(long_frame, inst3, check_counts):
    df = long_frame.copy()
    df.loc[3, ["A1", "A2", "A3"]] = ["", "NA", " "]
    r = read_survey(df, instrument=inst3)
    check_counts(r.report)
    assert r.report.excluded[["row", "reason"]].values.tolist() == [[5, "no item answers"]]


# ---------------------------------------------------------------------------
# duplicates
# ---------------------------------------------------------------------------


@pytest.fixture
def dup_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["1", "2", "1", "1", "2"],
        "wave": ["pre", "pre", "pre", "post", "post"],
        "提交答卷时间": ["2024/3/1 10:00:00", "2024/3/1 11:00:00", "2024/2/28 09:00:00",
                   "2024/5/1 10:00:00", "2024/5/1 10:00:00"],
        "A1": ["1", "2", "3", "4", "5"], "A2": ["1"] * 5, "A3": ["1"] * 5,
    })


def test_duplicates_latest_by_submit_time(dup_frame, inst3, check_counts):
    r = read_survey(dup_frame, instrument=inst3)
    check_counts(r.report)
    # row 4 (id 1, pre) was submitted before row 2, so row 2 is kept
    assert r.report.excluded[["row", "id", "reason"]].values.tolist() == [
        [4, "1", "duplicate submission (kept row 2)"]]
    assert r.data.loc[(r["id"] == "1") & (r["wave"] == "pre"), "A1"].tolist() == [1.0]



@pytest.mark.parametrize("times, kept", [
    # an unreadable time counts as earliest; equal times keep file order (the last)
    (["?", "2024/3/1 11:00:00", "2024/2/28 09:00:00"], 4),
    (["2024/3/1 10:00:00", "2024/3/1 11:00:00", "?"], 2),
    (["2024/3/1 10:00:00", "2024/3/1 11:00:00", "2024/3/1 10:00:00"], 4),
    (["?", "2024/3/1 11:00:00", "?"], 4),
])
def test_duplicates_latest_with_unreadable_or_equal_times(dup_frame, inst3, times, kept):
    frame = dup_frame.copy()
    frame.loc[[0, 2], "提交答卷时间"] = [times[0], times[2]]
    r = read_survey(frame, instrument=inst3)
    gone = [row for row in (2, 4) if row != kept]
    assert r.report.excluded[["row", "reason"]].values.tolist() == [
        [gone[0], f"duplicate submission (kept row {kept})"]]

def test_duplicates_latest_by_file_order(dup_frame, inst3, check_counts):
    r = read_survey(dup_frame.drop(columns="提交答卷时间"), instrument=inst3)
    check_counts(r.report)
    assert r.report.excluded[["row", "reason"]].values.tolist() == [
        [2, "duplicate submission (kept row 4)"]]


def test_duplicates_first(dup_frame, inst3, check_counts):
    r = read_survey(dup_frame.drop(columns="提交答卷时间"), instrument=inst3, duplicates="first")
    check_counts(r.report)
    assert r.report.excluded[["row", "reason"]].values.tolist() == [
        [4, "duplicate submission (kept row 2)"]]


def test_duplicates_error(dup_frame, inst3):
    with pytest.raises(DataError, match=r"1 people have more than one row.*id '1' wave pre: "
                                        r"rows 2, 4.*duplicates='latest'") as info:
        read_survey(dup_frame, instrument=inst3, duplicates="error")
    assert info.value.problems["row"].tolist() == [2, 4]


def test_duplicates_after_id_normalisation(inst3, check_counts):
    df = pd.DataFrame({"id": ["007", "００7"], "wave": ["pre", "pre"], "A1": ["1", "2"],
                       "A2": ["1", "1"], "A3": ["1", "1"]})
    r = read_survey(df, instrument=inst3)
    check_counts(r.report)
    assert r["A1"].tolist() == [2.0]


def test_bad_option_values(long_frame):
    with pytest.raises(ValueError, match="duplicates='last' is not valid"):
        read_survey(long_frame, duplicates="last")
    with pytest.raises(ValueError, match="pii='hash' is not valid"):
        read_survey(long_frame, pii="hash")


# ---------------------------------------------------------------------------
# personal data
# ---------------------------------------------------------------------------


@pytest.fixture
def pii_frame(long_frame) -> pd.DataFrame:
    df = long_frame.copy()
    df["姓名"] = ["张三", "李四", "王五"] * 2
    df["来自IP"] = ["10.0.0.1"] * 6
    df["contact"] = ["13812345678", "13912345678", "", "15012345678", "", "18612345678"]
    df["Email"] = ["a@b.cn"] * 6
    df["LocationLatitude"] = ["31.2"] * 6
    return df


def test_pii_dropped_by_default(pii_frame, inst3, check_counts):
    r = read_survey(pii_frame, instrument=inst3)
    check_counts(r.report)
    dropped = r.report.columns_dropped
    assert dropped["column"].tolist() == ["姓名", "来自IP", "contact", "Email", "LocationLatitude"]
    assert "values look like phone numbers" in dropped["reason"].iloc[2]
    assert list(r.columns) == ["id", "wave", "A1", "A2", "A3", "group"]
    assert "5 PII columns dropped" in r.report.summary()


def test_pii_pseudonymized(pii_frame, inst3):
    r = read_survey(pii_frame, instrument=inst3, pii="pseudonymize", salt="s")
    assert r["姓名"].iloc[0] == r["姓名"].iloc[3] != "张三"
    assert re.fullmatch(r"[0-9a-f]{16}", r["姓名"].iloc[0])
    assert pd.isna(r["contact"].iloc[2])
    assert len(r.report.columns_pseudonymized) == 5
    assert any("the salt given" in n for n in r.report.notes)
    again = read_survey(pii_frame, instrument=inst3, pii="pseudonymize", salt="s")
    assert again["姓名"].tolist() == r["姓名"].tolist()
    other = read_survey(pii_frame, instrument=inst3, pii="pseudonymize")
    assert other["姓名"].iloc[0] != r["姓名"].iloc[0]
    assert any("random salt" in n for n in other.report.notes)


def test_pii_kept_on_request(pii_frame, inst3):
    r = read_survey(pii_frame, instrument=inst3, pii="keep")
    assert r["姓名"].iloc[0] == "张三"
    assert r["contact"].iloc[0] == "13812345678"
    assert len(r.report.columns_dropped) == 0
    assert any("pii='keep'" in n for n in r.report.notes)


@pytest.mark.parametrize("pii", ["drop", "pseudonymize"])
def test_phone_number_ids_are_pseudonymized(pii, inst3, check_counts):
    df = pd.DataFrame({"手机号": ["13812345678", "13912345678", "13812345678"],
                       "wave": ["pre", "pre", "post"], "A1": ["1", "2", "3"],
                       "A2": ["1", "2", "3"], "A3": ["1", "2", "3"]})
    r = read_survey(df, instrument=inst3, id_col="手机号", pii=pii)
    check_counts(r.report)
    assert r["id"].iloc[0] == r["id"].iloc[2]
    assert not r["id"].str.startswith("1").all() or not r["id"].str.len().eq(11).any()
    assert r.report.columns_pseudonymized["column"].tolist() == ["手机号"]
    assert "13812345678" not in r.report.to_frame().to_string()
    kept = read_survey(df, instrument=inst3, id_col="手机号", pii="keep")
    assert kept["id"].iloc[0] == "13812345678"


# ---------------------------------------------------------------------------
# extra columns
# ---------------------------------------------------------------------------


def test_extra_columns_from_text(write_text, inst3):
    path = write_text("x.csv", "id,wave,A1,A2,A3,group,age,code2,note\n"
                               "1,pre,1,1,1, control ,40,007,hi\n"
                               "2,pre,1,1,1,1,NA,008,\n")
    r = read_survey(path, instrument=inst3)
    assert r["group"].tolist() == ["control", "1"]          # text, stripped
    assert r["age"].tolist()[0] == 40.0 and np.isnan(r["age"].tolist()[1])
    assert r["code2"].tolist() == ["007", "008"]             # leading zeros: stays text
    assert r["note"].iloc[0] == "hi" and pd.isna(r["note"].iloc[1])


def test_extra_columns_from_frame_keep_dtypes(inst3):
    df = pd.DataFrame({"id": [1, 2], "wave": [1, 2], "A1": [1, 2], "A2": [1.0, np.nan],
                       "A3": [3, 3], "age": [40, 50], "group": [" a", "b "]})
    r = read_survey(df, instrument=inst3)
    assert r["id"].tolist() == ["1", "2"]
    assert r["age"].dtype == np.int64
    assert r["group"].tolist() == ["a", "b"]
    assert r.waves == ("pre", "post")


def test_responses_object(long_frame, inst3):
    r = read_survey(long_frame, instrument=inst3)
    assert isinstance(r, Responses) and isinstance(r.report, LoadReport)
    assert len(r) == 6
    frame = r.to_frame()
    frame.loc[0, "A1"] = 99
    assert r.data.loc[0, "A1"] == 1.0
    text = repr(r)
    assert "6 rows x 6 columns (3 people; 3 items, instrument mini)" in text
    assert "waves: pre 3, post 3" in text
    assert "<table" in r._repr_html_()
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.data = None   # frozen


def test_no_unexpected_warnings(long_frame, inst3):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_survey(long_frame, instrument=inst3)


def test_wide_per_wave_extra_columns(inst3):
    df = pd.DataFrame({"id": ["1", "2"], "pre_A1": ["1", "2"], "post_A1": ["2", ""],
                       "pre_A2": ["1", "1"], "post_A2": ["1", ""], "pre_A3": ["1", "1"],
                       "post_A3": ["1", ""], "pre_date": ["3/1", "3/2"], "post_date": ["5/1", ""],
                       "fu_date": ["9/1", ""]})
    r = read_survey(df, instrument=inst3)
    assert list(r.columns) == ["id", "wave", "A1", "A2", "A3", "fu_date", "date"]
    assert r["date"].tolist() == ["3/1", "5/1", "3/2"]
    assert r.report.items_missing.empty

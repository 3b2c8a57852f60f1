"""File formats: encodings, separators, Excel, bad files, read_waves."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stressgroup.errors import DataError
from stressgroup.io import read_survey, read_waves

ZH_CSV = (
    "编号,时间点,组别,1、我经常感到身心疲惫。,2、下班后我能很快放松下来。,3、我担心自己的人身安全。\n"
    "007,前测,干预组,非常符合,2,3\n"
    "008,前测,对照组,4,一般,\n"
    "007,后测,干预组,3,3,3\n"
)


@pytest.mark.parametrize("encoding, reported", [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),
    ("gbk", "gb18030"),
    ("gb18030", "gb18030"),
])
def test_chinese_csv_encodings(encoding, reported, write_text, inst3, check_counts):
    path = write_text("zh.csv", ZH_CSV, encoding)
    r = read_survey(path, instrument=inst3)
    check_counts(r.report)
    assert r.report.encoding == reported
    assert r.report.files[0].encoding == reported
    assert r["id"].tolist() == ["007", "008", "007"]
    assert r["wave"].astype(str).tolist() == ["pre", "pre", "post"]
    assert r["组别"].tolist() == ["干预组", "对照组", "干预组"]
    assert r.data[["A1", "A2"]].values.tolist() == [[5.0, 2.0], [4.0, 3.0], [3.0, 3.0]]
    assert np.isnan(r.data.loc[1, "A3"])


def test_bom_never_stays_in_first_header(write_text, inst3):
    path = write_text("bom.csv", "id,wave,A1,A2,A3\n1,pre,1,2,3\n", "utf-8-sig")
    r = read_survey(path, instrument=inst3, encoding="utf-8")   # BOM with an explicit encoding
    assert r["id"].tolist() == ["1"]


def test_explicit_encoding_failure_names_file_and_byte(write_text, inst3):
    path = write_text("gbk.csv", ZH_CSV, "gbk")
    with pytest.raises(DataError, match=r"gbk\.csv cannot be decoded as utf-8: byte 0 "):
        read_survey(path, instrument=inst3, encoding="utf-8")


def test_explicit_encoding_used(write_text, inst3):
    path = write_text("gbk.csv", ZH_CSV, "gbk")
    r = read_survey(path, instrument=inst3, encoding="gbk")
    assert r.report.encoding == "gbk"
    assert len(r) == 3


@pytest.mark.parametrize("name, sep", [("a.csv", ","), ("a.csv", ";"), ("a.csv", "\t"),
                                       ("a.tsv", "\t"), ("a.txt", "\t"), ("a.txt", ";")])
def test_separator_sniffed(name, sep, write_text, inst3):
    text = "\n".join(sep.join(r) for r in [["id", "wave", "A1", "A2", "A3"],
                                           ["1", "pre", "1", "2", "3"],
                                           ["2", "pre", "4", "5", ""]]) + "\n"
    r = read_survey(write_text(name, text), instrument=inst3)
    assert r.data[["A1", "A2"]].values.tolist() == [[1.0, 2.0], [4.0, 5.0]]
    assert r.report.source == "csv"


def test_quoted_fields_and_blank_lines_keep_row_numbers(write_text, inst3, check_counts):
    text = ('id,wave,A1,A2,A3,note\n'
            '1,pre,1,2,3,"two\nlines"\n'
            '\n'
            '2,pre,9,2,3,"a, b"\n')
    r = read_survey(write_text("q.csv", text), instrument=inst3)
    check_counts(r.report)
    assert r.report.rows_read == 2                      # the blank row is not counted
    assert r.report.cells["row"].tolist() == [4]         # record 3 (blank) is row 3
    assert r["note"].tolist() == ["two\nlines", "a, b"]
    assert any("blank rows skipped" in n for n in r.report.notes)


def test_ragged_rows(write_text, inst3, check_counts):
    text = "id,wave,A1,A2,A3\n1,pre,1,2\n2,pre,1,2,3,extra\n"
    r = read_survey(write_text("r.csv", text), instrument=inst3)
    check_counts(r.report)
    assert np.isnan(r.data.loc[0, "A3"])
    assert r["Unnamed: F"].tolist()[1] == "extra"


# ---------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------


@pytest.fixture
def xlsx_path(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append(["this sheet explains the survey"])
    ws2 = wb.create_sheet("data")
    ws2.append(["编号", "wave", "A1", "A2", "A3", "age", "提交答卷时间"])
    ws2.append(["007", "T1", 1, 2, 3, 40, "2024-03-01 10:00:00"])
    ws2.append([8, "T1", 4.0, "比较符合", 6, 35, "2024-03-01 11:00:00"])
    ws2.append([None, None, None, None, None, None, None])
    ws2.append(["009", "T2", "３", 2, 2.5, None, "2024-05-01 10:00:00"])
    path = tmp_path / "survey.xlsx"
    wb.save(path)
    return path


def test_xlsx(xlsx_path, inst3, check_counts):
    r = read_survey(xlsx_path, instrument=inst3, sheet="data")
    check_counts(r.report)
    assert r.report.source == "excel"
    assert r.report.files[0].sheet == "data"
    assert r.report.encoding is None
    assert r["id"].tolist() == ["007", "8", "009"]
    assert r.data[["A1", "A2"]].values.tolist() == [[1.0, 2.0], [4.0, 4.0], [3.0, 2.0]]
    assert r.report.cells[["row", "column", "value", "reason"]].values.tolist() == [
        [3, "A3", "6", "out of range 1-5"],
        [5, "A3", "2.5", "not a whole number (answers are 1-5)"],
    ]
    assert r["age"].tolist()[:2] == [40.0, 35.0]


def test_xlsx_sheet_by_number_and_missing_sheet(xlsx_path, inst3):
    r = read_survey(xlsx_path, instrument=inst3, sheet=1)
    assert len(r) == 3
    with pytest.raises(DataError, match=r"survey\.xlsx has no sheet 'nope'; its sheets are: 说明, data"):
        read_survey(xlsx_path, instrument=inst3, sheet="nope")
    with pytest.raises(DataError, match=r"no data rows.*\(sheet '说明'\) Pass sheet= .*'data'"):
        read_survey(xlsx_path, instrument=inst3)        # the first sheet is the notes


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_xlsx_engines_agree(engine, xlsx_path, inst3, monkeypatch):
    from stressgroup.io import _sources

    monkeypatch.setattr(_sources, "_excel_engine", lambda suffix: engine)
    r = read_survey(xlsx_path, instrument=inst3, sheet="data")
    assert r["id"].tolist() == ["007", "8", "009"]
    assert r.report.cells["row"].tolist() == [3, 5]


def test_frame_input_row_numbers_are_positions(inst3):
    df = pd.DataFrame({"id": ["1", "2"], "wave": ["pre", "pre"], "A1": ["1", "x"],
                       "A2": ["1", "1"], "A3": ["1", "1"]}, index=[10, 20])
    r = read_survey(df, instrument=inst3)
    assert r.report.files[0].file == "<DataFrame>"
    assert r.report.cells["row"].tolist() == [3]
    assert r.data.index.tolist() == [0, 1]


# ---------------------------------------------------------------------------
# bad inputs
# ---------------------------------------------------------------------------


def test_missing_file(tmp_path, inst3):
    with pytest.raises(DataError, match=r"file not found: .*nothere\.csv"):
        read_survey(tmp_path / "nothere.csv", instrument=inst3)


def test_folder(tmp_path, inst3):
    with pytest.raises(DataError, match="is a folder"):
        read_survey(tmp_path, instrument=inst3)


@pytest.mark.parametrize("text", ["", "\n\n", "\ufeff", " , ,\n"])
def test_empty_file(text, write_text, inst3):
    with pytest.raises(DataError, match=r"empty\.csv is empty"):
        read_survey(write_text("empty.csv", text), instrument=inst3)


def test_header_only_file(write_text, inst3):
    with pytest.raises(DataError, match=r"head\.csv has a header row \(row 1\) but no data rows"):
        read_survey(write_text("head.csv", "id,wave,A1\n\n"), instrument=inst3)


def test_empty_frame(inst3):
    with pytest.raises(DataError, match="no rows"):
        read_survey(pd.DataFrame({"id": []}), instrument=inst3)


def test_unsupported_extension(write_text, inst3):
    with pytest.raises(DataError, match=r"unsupported file type '\.pdf'"):
        read_survey(write_text("x.pdf", "abc"), instrument=inst3)


def test_bad_argument_types(inst3):
    with pytest.raises(TypeError, match="path_or_frame"):
        read_survey(123, instrument=inst3)
    with pytest.raises(TypeError, match="instrument"):
        read_survey(pd.DataFrame({"id": ["1"]}), instrument=42)


def test_unclosed_quote_is_a_data_error(write_text, inst3):
    path = write_text("q.csv", 'id,wave,A1,A2,A3\n1,pre,1,2,3\n2,pre,"1,2,3\n')
    with pytest.raises(DataError, match=r"q\.csv, line 3: .*quote"):
        read_survey(path, instrument=inst3)


# ---------------------------------------------------------------------------
# read_waves
# ---------------------------------------------------------------------------


def test_read_waves(write_text, inst3, check_counts):
    pre = write_text("pre.csv", "id,A1,A2,A3\n001,1,2,3\n002,2,2,2\n003,3,3,3\n")
    post = write_text("post.xlsx.csv", "编号,A1,A2,A3\n００1,2,2,2\n002,x,1,1\n", "gbk")
    r = read_waves({"pre": pre, "T2": post}, instrument=inst3)
    check_counts(r.report)
    assert [f.wave for f in r.report.files] == ["pre", "post"]
    assert [f.encoding for f in r.report.files] == ["utf-8", "gb18030"]
    assert r.report.encoding is None                 # files differ
    assert list(zip(r["id"], r["wave"].astype(str))) == [
        ("001", "pre"), ("002", "pre"), ("003", "pre"), ("001", "post"), ("002", "post")]
    assert r["wave"].cat.ordered
    assert r.report.rows_read == 5
    assert r.report.cells["file"].tolist() == [str(post)]
    assert r.report.id_changes["original"].tolist() == ["００1"]
    assert "total: 5 rows read" in r.report.summary()


def test_read_waves_list_and_frames(long_frame, inst3):
    pre = long_frame[long_frame.wave == "pre"].drop(columns="wave")
    post = long_frame[long_frame.wave == "post"].drop(columns="wave")
    r = read_waves([pre, post], instrument=inst3)
    assert r.waves == ("pre", "post")
    assert [f.file for f in r.report.files] == ["<DataFrame: pre>", "<DataFrame: post>"]


def test_read_waves_shares_the_salt(inst3):
    pre = pd.DataFrame({"phone": ["13812345678"], "A1": ["1"], "A2": ["1"], "A3": ["1"]})
    r = read_waves({"pre": pre, "post": pre.copy()}, instrument=inst3, id_col="phone")
    assert r["id"].nunique() == 1
    assert r["id"].iloc[0] != "13812345678"


def test_read_waves_errors(long_frame, inst3):
    with pytest.raises(DataError, match="'pre' and 'T1' are both wave pre"):
        read_waves({"pre": long_frame, "T1": long_frame}, instrument=inst3)
    with pytest.raises(TypeError, match="wave="):
        read_waves({"pre": long_frame}, wave="pre")
    with pytest.raises(TypeError, match="unexpected keyword"):
        read_waves({"pre": long_frame}, colums={})
    with pytest.raises(DataError, match="wave='pre' was given, but column 'wave' holds"):
        read_waves({"pre": long_frame}, instrument=inst3)

"""LoadReport: tables, to_frame, to_dict, summary, repr."""

from __future__ import annotations

import dataclasses

import json

import pandas as pd
import pytest

from stressgroup.io import LoadReport, read_survey


@pytest.fixture
def messy(inst3):
    df = pd.DataFrame({
        "id": ["1", "", "２", "2", "3"],
        "wave": ["pre"] * 5,
        "A1": ["1", "1", "9", "2", "x"],
        "A2": ["1", "1", "2", "2", "3"],
        "A3": ["1", "1", "2", "2", "3"],
        "phone": ["13812345678"] * 5,
    })
    return read_survey(df, instrument=inst3)


def test_tables(messy, check_counts):
    rep = messy.report
    check_counts(rep)
    assert list(rep.excluded.columns) == ["file", "row", "id", "reason"]
    assert rep.excluded[["row", "reason"]].values.tolist() == [
        [3, "missing id"], [4, "duplicate submission (kept row 5)"]]
    assert pd.isna(rep.excluded["id"].iloc[0]) and rep.excluded["id"].iloc[1] == "2"
    assert list(rep.cells.columns) == ["file", "row", "column", "id", "value", "reason"]
    assert rep.cells[["row", "value"]].values.tolist() == [[6, "x"]]   # row 4's 9: excluded row
    assert rep.columns_dropped["column"].tolist() == ["phone"]
    assert rep.id_changes[["row", "original", "id"]].values.tolist() == [[4, "２", "2"]]
    assert rep.rows_read == 5 and rep.rows_kept == 3 and rep.rows_excluded == 2


def test_to_frame(messy):
    frame = messy.report.to_frame()
    assert list(frame.columns) == ["kind", "file", "row", "column", "id", "value", "reason"]
    assert frame["kind"].value_counts().to_dict() == {
        "row excluded": 2, "cell set to missing": 1, "column dropped": 1, "id normalised": 1}
    assert str(frame["row"].dtype) == "Int64"


def test_to_dict_is_json(messy):
    d = messy.report.to_dict()
    text = json.dumps(d, allow_nan=False)
    back = json.loads(text)
    assert back["rows_read"] == 5 and back["rows_kept"] == 3 and back["rows_excluded"] == 2
    assert back["files"][0]["source"] == "dataframe"
    assert back["files"][0]["layout"] == "long"
    assert back["excluded"][0] == {"file": "<DataFrame>", "row": 3, "id": None,
                                   "reason": "missing id"}
    assert back["cells"][0]["column"] == "A1"
    assert back["columns_dropped"][0]["column"] == "phone"
    assert isinstance(back["notes"], list)


def test_summary_and_repr(messy):
    text = messy.report.summary()
    first = text.splitlines()[0]
    assert first == ("<DataFrame>: 5 rows read (dataframe, long), 3 kept, 2 excluded; "
                     "1 cells set to missing (1 not a number); 1 PII columns dropped")
    assert "excluded rows: 1 missing id, 1 duplicate submission" in text
    assert repr(messy.report) == text
    html = messy.report._repr_html_()
    assert "<table" in html and "duplicate submission" in html


def test_empty_report_is_consistent():
    rep = LoadReport()
    assert rep.rows_read == 0 and rep.to_frame().empty
    assert json.dumps(rep.to_dict())
    assert rep.summary() == ""


def test_report_is_frozen(messy):
    with pytest.raises(dataclasses.FrozenInstanceError):
        messy.report.rows_read = 1

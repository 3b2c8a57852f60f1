"""Survey-platform readers (stressgroup.io._platforms): sniff, read, and load back the truth.

Every platform file is rendered at test time, with a fixed seed, from the one
truth table of the sample study (see ``fixtures/platforms.py``), with the
defects each platform has injected: Qualtrics preview responses, an incomplete
LimeSurvey response, a REDCap repeating-instrument row, SPSS user-missing 9s,
text answers in choice-text exports.
"""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fixtures import platforms as fx

from stressgroup.io._platforms import (
    PLATFORMS,
    googleforms,
    limesurvey,
    qualtrics,
    redcap,
    spss,
    surveymonkey,
)

pytestmark = pytest.mark.skipif(not fx.SAMPLE.exists(), reason="sample data not generated")

META_KEYS = ("platform", "question_text", "exclude", "missing_values", "wave_column",
             "wave_map", "id_column", "time_column", "pii_columns", "value_labels")


@pytest.fixture(scope="module")
def study():
    return fx.Study.load()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Every platform's files, rendered once per module."""
    folder = tmp_path_factory.mktemp("platforms")
    out = {name: render(folder) for name, render in fx.RENDERERS.items()}
    out["qualtrics_legacy"] = fx.render_qualtrics_legacy(folder)
    out["limesurvey_code"] = fx.render_limesurvey_variant(folder, "code")
    out["limesurvey_full"] = fx.render_limesurvey_variant(folder, "full")
    out["spss_numeric_id"] = fx.render_spss_numeric_id(folder)
    return out


def _all_files(rendered) -> dict[Path, str]:
    """file -> the platform that wrote it (plus the plain sample CSV -> None)."""
    files: dict[Path, str | None] = {fx.SAMPLE: None}
    for name, r in rendered.items():
        if isinstance(r, fx.Rendered):
            files.update({p: name for p in r.files.values()})
    files[rendered["qualtrics_legacy"]] = "qualtrics"
    files[rendered["limesurvey_code"]] = "limesurvey"
    files[rendered["limesurvey_full"]] = "limesurvey"
    files[rendered["spss_numeric_id"]] = "spss"
    return files


# ---------------------------------------------------------------------------
# (a) sniff
# ---------------------------------------------------------------------------

def test_registry():
    assert set(PLATFORMS) == {"qualtrics", "surveymonkey", "limesurvey", "googleforms",
                              "redcap", "spss"}
    for module in PLATFORMS.values():
        assert callable(module.sniff) and callable(module.read)


def test_sniff_recognises_own_files_only(rendered):
    for path, owner in _all_files(rendered).items():
        head = fx.head_of(path)
        hits = [name for name, module in PLATFORMS.items() if module.sniff(path, head)]
        assert hits == ([owner] if owner else []), (path.name, hits)


@pytest.mark.parametrize("name", ["qualtrics", "surveymonkey", "limesurvey", "googleforms",
                                  "redcap", "spss"])
def test_sniff_never_raises(tmp_path, name):
    module = PLATFORMS[name]
    missing = tmp_path / "nope.csv"
    for head in ([], [[]], [[""]], [["a", None]], None, [["x"]] * 9):
        assert module.sniff(missing, head) in (True, False)
    assert module.sniff(missing, [["id", "wave", "IND1"], ["001", "pre", "3"]]) is False


def test_sniff_wjx_and_tidy_files_are_not_platforms(tmp_path):
    wjx = [["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、工号"],
           ["1", "2024/3/1 10:00:00", "120秒", "微信", "N/A", "1.2.3.4", "007"]]
    tidy = [["id", "wave", "item", "value"], ["007", "pre", "IND1", "3"]]
    for head in (wjx, tidy):
        assert [n for n, m in PLATFORMS.items() if m.sniff(tmp_path / "x.csv", head)] == []


# ---------------------------------------------------------------------------
# (b) read: header, rows, meta
# ---------------------------------------------------------------------------

def _check_common(table, platform):
    for key in META_KEYS:
        assert key in table.meta, key
    assert table.meta["platform"] == platform
    assert len(table.columns) == len(set(table.columns))
    for col, values in table.cells.items():
        assert len(values) == table.n_rows
        assert all(isinstance(v, str) for v in values), col
    assert list(table.rows) == sorted(table.rows)


def test_qualtrics_read(rendered, study):
    r = rendered["qualtrics"]
    pre = r.files["pre"]
    t = qualtrics.read(pre, file=str(pre))
    _check_common(t, "qualtrics")
    assert t.columns[:3] == ["StartDate", "EndDate", "Status"]
    assert "Q2_1" in t.columns and "Q6_5" in t.columns and "group" in t.columns
    assert t.rows[0] == 4                          # three header rows
    assert t.n_rows == (study.truth["wave"] == "pre").sum() + 1     # + the preview
    m = t.meta
    assert m["layout"] == "current" and m["variant"] == "choice text"
    assert m["question_text"]["Q2_1"] == study.text["IND1"]["zh"]     # matrix statement
    assert m["question_stem"]["Q2_1"].startswith("个人层面")
    assert m["question_text"]["Q1"] == "工号"
    assert m["import_ids"]["Q2_1"] == "QID2_1" and m["import_ids"]["StartDate"] == "startDate"
    assert m["id_column"] == "Q1" and "ResponseId" in m["not_id_columns"]
    assert m["time_column"] == "RecordedDate"
    assert set(m["pii_columns"]) == {"IPAddress", "RecipientEmail", "RecipientFirstName",
                                     "RecipientLastName", "LocationLatitude",
                                     "LocationLongitude"}
    line = r.excluded[0]["row"]
    assert m["exclude"] == {line: "Survey Preview response"}
    i = list(t.rows).index(line)
    assert t.cells["Status"][i] == "Survey Preview"
    # choice-text export: answers are the labels, left as text
    labels = {v["zh"] for v in study.labels.values()}
    typos = {c["value"] for c in r.cells}
    assert set(t.cells["Q2_1"]) - typos <= labels | {""}
    post = qualtrics.read(r.files["post"], file="post.csv")
    assert post.meta["variant"] == "numeric values"
    assert set(post.cells["Q2_1"]) <= {"1", "2", "3", "4", "5", ""}
    assert list(post.meta["exclude"].values()) == ["Survey Preview response"]   # Status "1"


def test_qualtrics_legacy(rendered):
    path = rendered["qualtrics_legacy"]
    t = qualtrics.read(path, file="legacy.csv")
    _check_common(t, "qualtrics")
    assert t.meta["layout"] == "legacy"
    assert t.columns[:3] == ["ResponseID", "ResponseSet", "Name"]
    assert "Q2_1" in t.columns and t.rows[0] == 3
    assert t.meta["exclude"] == {5: "Survey Preview response"}       # Status 1, third response
    assert "EmailAddress" in t.meta["pii_columns"] and "IPAddress" in t.meta["pii_columns"]
    assert t.meta["id_column"] == "Q1"


def test_qualtrics_test_responses_and_external_reference(tmp_path):
    rows = [["StartDate", "Status", "ResponseId", "ExternalReference", "DistributionChannel",
             "Q1"],
            ["Start Date", "Response Type", "Response ID", "External Data Reference",
             "Distribution Channel", "<b>How stressed?</b>"],
            ['{"ImportId":"startDate"}', '{"ImportId":"status"}', '{"ImportId":"_recordId"}',
             '{"ImportId":"externalDataReference"}', '{"ImportId":"distributionChannel"}',
             '{"ImportId":"QID1"}'],
            ["2024-01-01", "0", "R_1", "007", "email", "3"],
            ["2024-01-01", "2", "R_2", "008", "test", "4"],
            ["2024-01-01", "0", "R_3", "009", "email", "5"]]
    path = fx.write_csv(tmp_path / "q.csv", rows)
    t = qualtrics.read(path, file="q.csv")
    assert t.meta["exclude"] == {5: "Survey Test response (generated by Qualtrics)"}
    assert t.meta["id_column"] == "ExternalReference"
    assert t.meta["question_text"]["Q1"] == "How stressed?"            # HTML stripped


def test_surveymonkey_read(rendered, study):
    r = rendered["surveymonkey"]
    for wave, path in r.files.items():
        t = surveymonkey.read(path, file=str(path))
        _check_common(t, "surveymonkey")
        assert t.rows[0] == 3 and t.n_rows == (study.truth["wave"] == wave).sum()
        stem = "个人层面：" + fx.ZH_STEM
        first = f"{stem} ({study.text['IND1']['zh']})"
        second = f"{stem} ({study.text['IND2']['zh']})"
        assert first in t.columns and second in t.columns       # stem carried forward
        assert t.meta["question_text"][second] == study.text["IND2"]["zh"]
        assert t.meta["question_stem"][second] == stem
        assert t.meta["question_text"]["工号"] == "工号"
        assert t.meta["id_column"] == "工号"
        assert "Respondent ID" in t.meta["not_id_columns"]
        assert t.meta["time_column"] == "End Date"
        assert t.meta["pii_columns"] == ["IP Address", "Email Address", "First Name",
                                         "Last Name"]
        ids = list(t.cells["工号"])
        assert ids == study.wave(wave)["id"].tolist()          # "007" kept, also from Excel


def test_limesurvey_read(rendered, study):
    r = rendered["limesurvey"]
    pre = r.files["pre"]
    t = limesurvey.read(pre, file=str(pre))
    _check_common(t, "limesurvey")
    assert t.meta["heading"] == "codetext"
    assert t.columns[:4] == ["id", "submitdate", "lastpage", "startlanguage"]
    assert "IND[SQ001]" in t.columns and "SOC[SQ005]" in t.columns
    assert t.meta["question_text"]["IND[SQ001]"] == study.text["IND1"]["zh"]
    assert t.meta["question_stem"]["IND[SQ001]"].startswith("个人层面")
    assert t.meta["id_column"] == "PID" and t.meta["not_id_columns"] == ["id"]
    assert t.meta["response_id_column"] == "id"
    assert t.meta["time_column"] == "submitdate" and t.meta["pii_columns"] == ["ipaddr"]
    line = r.excluded[0]["row"]
    assert t.meta["exclude"] == {line: "incomplete response (not submitted)"}
    assert t.rows[0] == 2


@pytest.mark.parametrize("heading", ["code", "full"])
def test_limesurvey_headings(rendered, study, heading):
    path = rendered[f"limesurvey_{heading}"]
    t = limesurvey.read(path, file=path.name)
    _check_common(t, "limesurvey")
    assert t.meta["heading"] == heading
    if heading == "code":
        assert "IND[SQ001]" in t.columns
        assert t.meta["question_text"] == {}           # codes only: no text to match by
        assert t.meta["time_column"] == "submitdate"
        assert t.meta["id_column"] is None            # "PID" says nothing; "id" is a response
        assert t.meta["not_id_columns"] == ["id"]
    else:
        col = f"个人层面：{fx.ZH_STEM} [{study.text['IND1']['zh']}]"
        assert col in t.columns
        assert t.meta["question_text"][col] == study.text["IND1"]["zh"]
        assert t.meta["time_column"] == "Date submitted"
        assert t.meta["pii_columns"] == ["IP address"]
        assert t.meta["id_column"] == "工号" and t.meta["not_id_columns"] == ["Response ID"]
    assert t.meta["exclude"] == {}


def test_googleforms_read(rendered, study):
    r = rendered["googleforms"]
    t = googleforms.read(r.files["post"], file="post.csv")
    _check_common(t, "googleforms")
    col = f"Individual [{study.text['IND1']['en']}]"
    assert t.columns[:3] == ["Timestamp", "Email Address", "ID"] and col in t.columns
    assert t.meta["question_text"][col] == study.text["IND1"]["en"]
    assert t.meta["question_stem"][col] == "Individual"
    assert t.meta["time_column"] == "Timestamp" and t.meta["pii_columns"] == ["Email Address"]
    assert t.meta["id_column"] == "ID"
    assert t.rows[0] == 2
    pre = googleforms.read(r.files["pre"], file="pre.csv")
    assert pre.meta["id_column"] == "工号"


def test_redcap_read(rendered, study):
    r = rendered["redcap"]
    t = redcap.read(r.single, file="redcap.csv")
    _check_common(t, "redcap")
    m = t.meta
    assert m["id_column"] == "record_id" and m["wave_column"] == "redcap_event_name"
    assert m["wave_map"] == {"baseline_arm_1": "pre", "post_arm_1": "post"}
    assert m["status_columns"] == ["demographics_complete", "stress_complete",
                                   "contact_log_complete"]
    assert m["exclude"] == {r.excluded[0]["row"]: "REDCap repeating instrument 'contact_log', "
                                                  "instance 1 (not one row per person per wave)"}
    assert m["carried_columns"] == ["group", "gender", "age", "years_service", "job_post"]
    # demographics copied from baseline to the post event of the same record
    truth = study.truth.set_index(["id", "wave"])
    for i in range(t.n_rows):
        if t.cells["redcap_event_name"][i] == "post_arm_1":
            pid = t.cells["record_id"][i]
            assert t.cells["group"][i] == truth.loc[(pid, "post"), "group"]
            assert t.cells["age"][i] == str(truth.loc[(pid, "pre"), "age"])
    # the form-status and repeating-instrument fields are not carried
    post_rows = [i for i in range(t.n_rows) if t.cells["redcap_event_name"][i] == "post_arm_1"]
    assert all(t.cells["demographics_complete"][i] == "" for i in post_rows)
    assert all(t.cells["contact_date"][i] == "" for i in post_rows)


def test_redcap_event_names():
    assert redcap.event_wave("baseline_arm_1") == "pre"
    assert redcap.event_wave("followup_arm_1") == "follow-up"
    assert redcap.event_wave("follow_up_arm_2") == "follow-up"
    assert redcap.event_wave("t2_arm_1") == "post"
    assert redcap.event_wave("visit_lab_arm_1") is None


def test_redcap_unknown_and_repeated_waves(tmp_path):
    rows = [["study_id", "redcap_event_name", "ind1", "stress_complete"],
            ["1", "baseline_arm_1", "3", "2"], ["1", "screening_arm_1", "4", "2"],
            ["1", "pre_arm_1", "2", "2"]]
    path = fx.write_csv(tmp_path / "r.csv", rows)
    t = redcap.read(path, file="r.csv")
    assert t.meta["id_column"] == "study_id"
    assert t.meta["wave_map"] == {"baseline_arm_1": "pre", "screening_arm_1": "screening",
                                  "pre_arm_1": "pre_arm_1"}
    assert any("keep their own names" in n for n in t.notes)


def test_spss_read(rendered, study):
    r = rendered["spss"]
    t = spss.read(r.single, file="qcity.sav")
    _check_common(t, "spss")
    assert t.columns[:3] == ["id", "wave", "group"]
    assert t.rows[0] == 1 and t.n_rows == len(study.truth)
    assert list(t.cells["id"]) == study.truth["id"].tolist()        # string ids keep zeros
    assert set(t.cells["IND1"]) <= {"1", "2", "3", "4", "5", "9", ""}   # no "3.0"
    assert set(t.cells["age"]) == {str(a) for a in study.truth["age"]}
    m = t.meta
    assert m["missing_values"]["IND1"] == {"9": "no answer (SPSS user-missing 9)"}
    assert m["value_labels"]["IND1"]["5"] == "Strongly agree"
    assert m["question_text"]["IND1"] == study.text["IND1"]["zh"]
    assert m["id_column"] == "id"
    for cell in r.cells:
        assert t.cells[cell["column"]][cell["row"] - 1] == "9"


def test_spss_numeric_id_format_n(rendered):
    t = spss.read(rendered["spss_numeric_id"], file="n.sav")
    assert list(t.cells["id"]) == ["007", "012", "103"]
    assert list(t.cells["IND1"]) == ["1", "2.5", "3"]


def test_spss_missing_range(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    frame = pd.DataFrame({"id": ["a", "b", "c"], "x": [1.0, 98.0, 99.0]})
    path = tmp_path / "r.sav"
    pyreadstat.write_sav(frame, str(path), missing_ranges={"x": [{"lo": 97, "hi": 99}]},
                         variable_value_labels={"x": {99: "refused"}})
    t = spss.read(path, file="r.sav")
    assert t.meta["missing_values"]["x"] == {"98": "SPSS user-missing value 98",
                                             "99": "refused (SPSS user-missing 99)"}


def test_spss_import_is_lazy():
    import subprocess
    import sys

    code = ("import sys, stressgroup, stressgroup.io._platforms; "
            "print([m for m in ('pyreadstat', 'scipy', 'statsmodels', 'matplotlib') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_excel_export_of_a_platform(tmp_path, rendered):
    """A Qualtrics export saved as .xlsx reads like the CSV (rows and meta alike)."""
    path = rendered["qualtrics"].files["pre"]
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    xlsx = fx.write_xlsx(tmp_path / "q.xlsx", rows)
    a = qualtrics.read(path, file="a")
    b = qualtrics.read(xlsx, file="b")
    assert qualtrics.sniff(xlsx, fx.head_of(xlsx))
    assert a.columns == b.columns and list(a.rows) == list(b.rows)
    assert a.meta["exclude"] == b.meta["exclude"]
    assert a.meta["question_text"] == b.meta["question_text"]


# ---------------------------------------------------------------------------
# (c) end to end: read_survey / read_waves load back exactly the truth
# ---------------------------------------------------------------------------

def _load(r: fx.Rendered):
    import stressgroup

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if "all" in r.files:
            return stressgroup.read_survey(r.single, instrument=fx.INSTRUMENT)
        return stressgroup.read_waves(r.files, instrument=fx.INSTRUMENT)


def _frame(responses) -> pd.DataFrame:
    return getattr(responses, "data", responses)


@pytest.mark.parametrize("name", ["qualtrics", "surveymonkey", "limesurvey", "googleforms",
                                  "redcap", "spss"])
def test_end_to_end(rendered, study, check_counts, name):
    r = rendered[name]
    res = _load(r)
    report = res.report
    check_counts(report)
    got = _frame(res)
    items = list(study.items)
    cols = ["id", "wave", *items]
    want = r.truth[cols].copy()
    got = got[cols].copy()
    for frame in (want, got):
        frame["id"] = frame["id"].astype(str)
        frame["wave"] = frame["wave"].astype(str)
    key = ["id", "wave"]
    want = want.sort_values(key).reset_index(drop=True)
    got = got.sort_values(key).reset_index(drop=True)
    assert got["id"].tolist() == want["id"].tolist()            # ids as text, "007"
    assert got["wave"].tolist() == want["wave"].tolist()
    np.testing.assert_array_equal(got[items].to_numpy(float), want[items].to_numpy(float))

    # every injected defect is reported with file, row and reason
    excluded = report.excluded
    assert len(excluded) == len(r.excluded)
    for e in r.excluded:
        hit = excluded[(excluded["file"] == e["file"]) & (excluded["row"] == e["row"])]
        assert len(hit) == 1, e
        assert e["reason"] in hit["reason"].iloc[0]
    for c in r.cells:
        cells = report.cells
        hit = cells[(cells["file"] == c["file"]) & (cells["row"] == c["row"])
                    & (cells["column"] == c["column"])]
        assert len(hit) == 1, c
        assert c["reason"] in hit["reason"].iloc[0] and hit["reason"].iloc[0]
        if "value" in c:
            assert hit["value"].iloc[0] == c["value"]
    assert report.rows_read == sum(len(r.truth[r.truth["wave"] == w]) for w in ("pre", "post")) \
        + len(r.excluded)
    assert [f.source for f in report.files] == [name] * len(r.files)


def test_end_to_end_redcap_demographics(rendered, study):
    res = _load(rendered["redcap"])
    got = _frame(res).assign(id=lambda f: f["id"].astype(str), wave=lambda f: f["wave"].astype(str))
    want = study.truth.assign(wave=lambda f: f["wave"].astype(str))
    merged = got.merge(want[["id", "wave", "group"]], on=["id", "wave"], suffixes=("", "_truth"))
    assert len(merged) == len(want)
    assert (merged["group"].astype(str) == merged["group_truth"].astype(str)).all()


@pytest.mark.parametrize("name", ["qualtrics", "surveymonkey", "limesurvey", "googleforms"])
def test_end_to_end_pii_dropped(rendered, name):
    res = _load(rendered[name])
    data = _frame(res)
    dropped = set(res.report.columns_dropped["column"])
    pii = {"qualtrics": {"IPAddress", "LocationLatitude"},
           "surveymonkey": {"IP Address", "Email Address"},
           "limesurvey": {"ipaddr"}, "googleforms": {"Email Address"}}[name]
    assert pii <= dropped
    assert not pii & set(data.columns)


def test_end_to_end_code_headings_with_columns_and_source(rendered, study):
    """LimeSurvey code headings carry no text: columns= maps them, source= names the reader."""
    import stressgroup

    path = rendered["limesurvey_code"]
    mapping = {}
    for sid, _name, items in study.subscales:
        for k, item in enumerate(items, start=1):
            mapping[f"{sid[:3].upper()}[SQ{k:03d}]"] = item
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = stressgroup.read_survey(path, instrument=fx.INSTRUMENT, source="limesurvey",
                                      wave="pre", columns=mapping, id_col="PID")
    want = study.wave("pre").head(5)
    got = _frame(res)
    assert got["id"].astype(str).tolist() == want["id"].tolist()
    np.testing.assert_array_equal(got[list(study.items)].to_numpy(float),
                                  want[list(study.items)].to_numpy(float))
    assert res.report.files[0].source == "limesurvey"

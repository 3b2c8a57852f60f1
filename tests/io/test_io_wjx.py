"""问卷星 exports, hand-made Excel and long tidy files, rendered from the truth table."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from fixtures.truth import assert_truth

from stressgroup.errors import DataError
from stressgroup.io import read_survey, read_waves

WJX = [f"wjx_{k}_{s}" for k in ("numbers", "text", "scores") for s in ("xlsx", "csv")]
INST = "five-level-stress"


def _json(report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False) + report.to_frame().to_string()


def _check_events(report, events):
    for ev in events:
        table = getattr(report, ev["table"])
        hit = table[table["row"] == ev["row"]]
        assert len(hit), f"no {ev['table']} entry for row {ev['row']}"
        for key in ("column", "value", "original", "id"):
            if key in ev:
                assert ev[key] in hit[key].tolist(), (ev, hit)
        if "reason" in ev:
            assert any(ev["reason"] in r for r in hit["reason"]), (ev, hit["reason"].tolist())


@pytest.mark.parametrize("name", WJX)
def test_wjx_export_loads_to_the_truth(name, rendered, truth, check_counts):
    fx = rendered[name]
    r = read_survey(fx.path, instrument=INST, wave="pre")
    check_counts(r.report)
    assert_truth(r, truth, waves=("pre",))
    f = r.report.files[0]
    assert (f.source, f.variant) == ("wjx", name.split("_")[1])
    assert f.rows_read == fx.info["n_rows"] and f.rows_excluded == 1
    _check_events(r.report, fx.events)
    # sentinels: missing with their reason, blank and skipped counted apart, never scores
    reasons = r.report.cells["reason"].value_counts().to_dict()
    for why, count in fx.sentinels.items():
        assert reasons.get(why, 0) == count
    # 来自IP is personal: dropped, and no address reaches the report
    assert "来自IP" not in r.columns
    assert "来自IP" in r.report.columns_dropped["column"].tolist()
    text = _json(r.report)
    assert not [v for v in fx.pii_values if v in text]
    # 序号 is a row number, not the id; the id came from "1、工号"
    assert "序号" in r.columns and r["id"].str.fullmatch(r"\d{3}").all()


@pytest.mark.parametrize("enc, reported", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                           ("gbk", "gb18030"), ("gb18030", "gb18030")])
def test_wjx_csv_encodings(enc, reported, rendered, truth):
    r = read_survey(rendered[f"wjx_text_csv_{enc}"].path, instrument=INST, wave="pre")
    assert r.report.encoding == reported and r.report.source == "wjx"
    assert_truth(r, truth, waves=("pre",))
    assert "序号" in r.columns and not any("\ufeff" in c for c in r.columns)


def test_wjx_forced_and_refused(rendered, write_text):
    r = read_survey(rendered["wjx_numbers_csv"].path, instrument=INST, wave="pre", source="wjx")
    assert r.report.source == "wjx"
    other = write_text("plain.csv", "id,wave,IND1\n1,pre,3\n")
    with pytest.raises(DataError, match=r"plain\.csv was read as a 问卷星 export .*'序号'"):
        read_survey(other, instrument=INST, source="wjx")
    with pytest.raises(ValueError, match="source='nope' is not valid; use one of 'auto', 'csv', 'excel', 'wjx'"):
        read_survey(other, source="nope")


def test_wjx_matrix_columns_match_item_text(rendered):
    fx = rendered["wjx_numbers_xlsx"]
    r = read_survey(fx.path, instrument=INST, wave="pre")
    assert any("25 columns matched to items by their text" in n for n in r.report.notes)
    mapped = r.report.columns_mapped.set_index("column")
    for name, item in fx.info["matrix"].items():
        assert mapped.loc[name, "item"] == item and mapped.loc[name, "how"] == "text"
    # the other questions are reported as unmapped, kept as extra columns
    unmapped = r.report.columns_unmapped["column"].tolist()
    assert "2、您的性别" in unmapped and "12、(其他)" in unmapped
    assert "1、工号" not in unmapped
    assert "2、您的性别" in r.columns


def test_wjx_multiselect_is_text_never_a_score(rendered):
    r = read_survey(rendered["wjx_text_xlsx"].path, instrument=INST, wave="pre")
    col = r["12、您平时常用的减压方式有哪些？"]
    assert col.dropna().str.contains("┋|其他〖钓鱼〗|运动|听音乐|倾诉").all()
    # mapped onto an item by mistake, such answers are missing with a reason
    r2 = read_survey(rendered["wjx_text_xlsx"].path, instrument=INST, wave="pre",
                     columns={"12、您平时常用的减压方式有哪些？": "SOC5"}, )
    bad = r2.report.cells[r2.report.cells["column"] == "12、您平时常用的减压方式有哪些？"]
    assert bad["reason"].str.contains(r"several options chosen \(┋\)|'other' answer|").all()
    assert not bad["value"].str.contains("钓鱼").any()   # "other" free text is not copied


@pytest.mark.parametrize("dup, kept_first", [("latest", False), ("first", True)])
def test_wjx_duplicates_by_submit_time(dup, kept_first, rendered):
    fx = rendered["wjx_numbers_csv"]
    r = read_survey(fx.path, instrument=INST, wave="pre", duplicates=dup)
    ex = r.report.excluded
    assert len(ex) == 1
    # the extra row is later in the file but was submitted two hours earlier
    real_row, extra_row = 4, fx.info["n_rows"] + 1
    assert ex["row"].tolist() == [real_row if kept_first else extra_row]
    assert ex["reason"].tolist() == [
        f"duplicate submission (kept row {extra_row if kept_first else real_row})"]
    with pytest.raises(DataError, match=rf"rows {real_row}, {extra_row}"):
        read_survey(fx.path, instrument=INST, wave="pre", duplicates="error")


def test_wjx_two_files_pre_post(rendered, truth, check_counts):
    r = read_waves({"pre": rendered["wjx_pre_xlsx"].path, "post": rendered["wjx_post_xlsx"].path},
                   instrument=INST, id_col="工号")
    check_counts(r.report)
    assert_truth(r, truth)
    assert [f.source for f in r.report.files] == ["wjx", "wjx"]


def test_wjx_pseudonymize_and_keep(rendered):
    fx = rendered["wjx_numbers_csv"]
    r = read_survey(fx.path, instrument=INST, wave="pre", pii="pseudonymize", salt="s")
    assert r["来自IP"].str.fullmatch(r"[0-9a-f]{16}").all()
    assert not [v for v in fx.pii_values if v in _json(r.report)]
    k = read_survey(fx.path, instrument=INST, wave="pre", pii="keep")
    assert "来自IP" in k.columns
    assert any("personal data kept because pii='keep'" in n for n in k.report.notes)
    assert not [v for v in fx.pii_values if v in _json(k.report)]


def test_handmade_excel(rendered, truth, check_counts):
    fx = rendered["handmade"]
    r = read_survey(fx.path, instrument=INST)
    check_counts(r.report)
    assert_truth(r, truth)
    _check_events(r.report, fx.events)
    assert r.report.rows_excluded == 2          # the two footer lines, nothing else
    footers = r.report.excluded
    assert footers["id"].isna().all()             # "制表人：张三" is not an id
    assert "张三" not in _json(r.report)
    notes = "\n".join(r.report.notes)
    assert "the header is row 3; row(s) 1, 2 above it" in notes
    assert "blank rows skipped" in notes
    assert f"-> {fx.info['fuzzy_item']} (ratio 0.9" in notes
    assert "Unnamed" not in " ".join(r.columns)   # blank formatted columns are gone
    assert {"组别", "性别", "岗位"} <= set(r.columns)


def test_handmade_without_instrument_text_is_reported(rendered):
    # with the en wording only, nothing matches: an error naming the columns
    from types import SimpleNamespace

    inst = SimpleNamespace(id="other", item_ids=("X1",), response_min=1, response_max=5,
                           labels={}, item_text={"X1": {"zh": "完全无关的题目"}})
    with pytest.raises(DataError, match=r"handmade\.xlsx: none of the 1 items of other"):
        read_survey(rendered["handmade"].path, instrument=inst)


def test_long_tidy_file(rendered, truth, check_counts):
    fx = rendered["tidy"]
    r = read_survey(fx.path, instrument=INST)
    check_counts(r.report)
    assert_truth(r, truth)
    f = r.report.files[0]
    assert f.layout == "tidy" and f.rows_read == fx.info["n_rows"]
    assert f.records == len(truth) and f.rows_excluded == 2
    _check_events(r.report, fx.events)
    assert r["group"].notna().all()
    with pytest.raises(DataError, match="answers are given more than once"):
        read_survey(fx.path, instrument=INST, duplicates="error")


def test_long_tidy_small(write_text, inst3, check_counts):
    text = ("id,wave,item,value\n"
            "1,pre,A1,3\n1,pre,A2,比较符合\n1,pre,A3,9\n"
            "2,pre,A1,2\n,pre,A1,2\n2,post,我担心自己的人身安全。,4\n")
    r = read_survey(write_text("t.csv", text), instrument=inst3)
    check_counts(r.report)
    assert r.data[["id", "wave"]].astype(str).values.tolist() == [["1", "pre"], ["2", "pre"],
                                                                  ["2", "post"]]
    assert r.data["A2"].tolist()[0] == 4.0 and np.isnan(r.data["A3"].tolist()[0])
    assert r.data["A3"].tolist()[2] == 4.0          # item named by its text
    assert r.report.cells[["row", "reason"]].values.tolist() == [[4, "out of range 1-5 [item A3]"]]
    assert r.report.excluded[["row", "reason"]].values.tolist() == [[6, "missing id"]]


@pytest.mark.parametrize("raw, value", [("4 比较符合", 4.0), ("A. 非常不符合", 1.0),
                                        ("(5)非常符合", 5.0), ("３", 3.0), ("Agree", 4.0)])
def test_label_forms(raw, value, inst3):
    df = pd.DataFrame({"id": ["1"], "wave": ["pre"], "A1": [raw], "A2": ["1"], "A3": ["1"]})
    assert read_survey(df, instrument=inst3)["A1"].tolist() == [value]


@pytest.mark.parametrize("raw, reason", [
    ("比较付合", "unknown answer '比较付合' (did you mean '比较符合' = 4?)"),
    ("非常不附合", "unknown answer '非常不附合' (did you mean '非常不符合' = 1?)"),
    ("2 非常符合", "number 2 and label '非常符合' (= 5) disagree"),
    ("7", "out of range 1-5"),
    ("sometimes", "not a number"),
])
def test_bad_answers_listed_never_guessed(raw, reason, inst3):
    df = pd.DataFrame({"id": ["1", "2", "3"], "wave": ["pre"] * 3, "A1": [raw, "1", "2"],
                       "A2": ["1", "2", "3"], "A3": ["1", "2", "3"]})
    r = read_survey(df, instrument=inst3)
    assert np.isnan(r["A1"].tolist()[0])
    assert r.report.cells[["row", "column", "value", "reason"]].values.tolist() == [
        [2, "A1", raw, reason]]


def test_id_column_by_question_text(inst3):
    df = pd.DataFrame({"序号": ["1", "2"], "3、您的工号：": ["007", "008"], "wave": ["pre"] * 2,
                       "A1": ["1", "2"], "A2": ["1", "2"], "A3": ["1", "2"]})
    assert read_survey(df, instrument=inst3)["id"].tolist() == ["007", "008"]
    assert read_survey(df, instrument=inst3, id_col="工号")["id"].tolist() == ["007", "008"]


def test_matrix_row_text_and_fuzzy_and_unmapped(inst3):
    df = pd.DataFrame({
        "id": ["1"], "wave": ["pre"],
        "12、您在工作中的感受（我经常感到身心疲惫。）": ["3"],
        "12、(下班后我能很快放松下来!)": ["4"],
        "Q13. 我担心自己的人身安全吗": ["5"],          # close, not equal: fuzzy
        "14、您的爱好": ["读书"],
    })
    r = read_survey(df, instrument=inst3)
    assert r.data[["A1", "A2", "A3"]].values.tolist() == [[3.0, 4.0, 5.0]]
    assert any("close (fuzzy) match" in n and "-> A3" in n for n in r.report.notes)
    assert r.report.columns_unmapped["column"].tolist() == ["14、您的爱好"]


# ---------------------------------------------------------------------------
# the command line on 问卷星 exports
# ---------------------------------------------------------------------------

def test_cli_two_wjx_files(rendered, truth, tmp_path, capsys):
    from stressgroup._cli import main

    out = tmp_path / "r.json"
    pre, post = rendered["wjx_pre_xlsx"], rendered["wjx_post_xlsx"]
    code = main([str(pre.path), str(post.path), "--instrument", INST, "--id", "工号",
                 "--json", str(out)])
    _stdout, err = capsys.readouterr()
    assert code == 0, err
    d = json.loads(out.read_text(encoding="utf-8"))
    n_pre, n_post = (truth["wave"] == "pre").sum(), (truth["wave"] == "post").sum()
    assert d["n"]["pre"] == n_pre and d["n"]["post"] == n_post
    assert d["load"]["source"] == "wjx" and d["load"]["rows_excluded"] == 2
    text = json.dumps(d, ensure_ascii=False)
    assert not [v for v in pre.pii_values + post.pii_values if v in text]
    assert "duplicate submission" in err and "Traceback" not in err


def test_cli_wjx_errors_name_file_and_column(rendered, capsys):
    from stressgroup._cli import main

    pre, post = rendered["wjx_pre_xlsx"], rendered["wjx_post_xlsx"]
    code = main([str(pre.path), str(post.path), "--id", "员工号"])
    _out, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in err
    assert f"{pre.path}: id_col='员工号' is not a column" in err and "'1、工号'" in err


# ---------------------------------------------------------------------------
# the platform-reader contract (stressgroup.io._platforms)
# ---------------------------------------------------------------------------

def test_platform_contract_is_honoured(tmp_path, monkeypatch, inst3, check_counts):
    """A fake platform: sniff picks it, and every meta key of the contract is honoured."""
    import types

    from stressgroup.io import _platforms
    from stressgroup.io._sources import _from_grid

    path = tmp_path / "fake.csv"
    path.write_text("FAKE EXPORT\n", encoding="utf-8")

    def sniff(p, head):
        return bool(head) and head[0][:1] == ["FAKE EXPORT"]

    def read(p, *, file, sheet=None, encoding=None):
        grid = [["resp", "t", "when", "Q1", "Q2", "Q3", "ip", "mail"],
                ["r1", "1", "2024-01-01 10:00", "1", "2", "3", "1.2.3.4", "x"],
                ["r2", "1", "2024-01-01 11:00", "9", "2", "3", "1.2.3.5", "y"],
                ["preview", "1", "2024-01-01 12:00", "1", "1", "1", "1.2.3.6", "z"],
                ["r1", "1", "2024-01-02 10:00", "2", "2", "3", "1.2.3.4", "x"]]
        t = _from_grid(grid, file=file, source="csv", first_row=3)
        t.meta.update({
            "platform": "fake",
            "question_text": {"Q1": "我经常感到身心疲惫。", "Q2": "下班后我能很快放松下来。",
                              "Q3": "我担心自己的人身安全。"},
            "exclude": {6: "Survey Preview response"},
            "missing_values": {"*": {"9": "no answer (user-missing code 9)"}},
            "id_column": "resp", "wave_column": "t", "time_column": "when",
            "pii_columns": ["mail"],
        })
        return t

    fake = types.SimpleNamespace(sniff=sniff, read=read)
    monkeypatch.setitem(_platforms.PLATFORMS, "fake", fake)
    r = read_survey(path, instrument=inst3)
    check_counts(r.report)
    assert r.report.source == "fake"
    assert r["id"].tolist() == ["r2", "r1"]                    # file order of kept rows
    assert np.isnan(r["A1"][0]) and r["A1"][1] == 2.0           # 9 = user-missing; latest r1
    assert r.report.excluded[["row", "reason"]].values.tolist() == [
        [4, "duplicate submission (kept row 7)"], [6, "Survey Preview response"]]
    assert r.report.cells[["row", "value", "reason"]].values.tolist() == [
        [5, "9", "no answer (user-missing code 9)"]]
    assert set(r.report.columns_dropped["column"]) == {"ip", "mail"}
    r2 = read_survey(path, instrument=inst3, source="fake")
    assert r2.report.source == "fake"

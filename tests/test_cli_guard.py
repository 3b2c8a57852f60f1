"""Never a wrong number with exit 0 (issue 8): instrument fit, wave order, the same data
twice, options naming no column, and column mapping on the command line.

Every case runs through ``main(argv)`` on files rendered from the seeded fixtures of
``tests/io/fixtures`` (the truth table and the platform renderers).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent / "io"))

from fixtures.truth import ITEMS, load_truth  # noqa: E402

from stressgroup._cli import main  # noqa: E402

LEVELS = {"IND": "individual", "FAM": "family", "WRK": "work", "ORG": "organization",
          "SOC": "society"}
REVERSED = ("IND4", "FAM3", "WORK5", "ORG2", "SOC4")   # the built-in's reverse keys


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------------------
# 1. instrument fit
# ---------------------------------------------------------------------------

def _study(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    """The issue's study: items IND1..5, FAM1..5, WRK1..5, ORG1..5, SOC1..5, none of them
    reverse-keyed (the truth's reverse-worded answers turned round), one file, no group."""
    t = load_truth().drop(columns=["group"])
    for item in REVERSED:
        t[item] = 6 - t[item]
    t = t.rename(columns={f"WORK{i}": f"WRK{i}" for i in range(1, 6)})
    path = tmp_path / "study.csv"
    t.to_csv(path, index=False)
    return path, t


def _fitting_yaml(tmp_path: Path) -> Path:
    lines = ["id: my-five-levels", "response: {min: 1, max: 5}", "higher_is: worse",
             "scoring: mean", "min_answered: 0.8", "subscales:"]
    for prefix, sid in LEVELS.items():
        lines += [f"  - id: {sid}", f"    items: [{', '.join(f'{prefix}{k}' for k in range(1, 6))}]"]
    lines += ["total: {id: total, items: all}"]
    path = tmp_path / "mine.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _direct(t: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Scale means (>= 80% of items answered) and the paired t test, computed here."""
    out = {}
    scales = {sid: [f"{p}{k}" for k in range(1, 6)] for p, sid in LEVELS.items()}
    scales["total"] = [i for items in scales.values() for i in items]
    for sid, items in scales.items():
        x = t[items]
        need = int(np.ceil(0.8 * len(items)))
        s = x.mean(axis=1).where(x.notna().sum(axis=1) >= need)
        frame = pd.DataFrame({"id": t["id"], "wave": t["wave"], "s": s})
        wide = frame.pivot(index="id", columns="wave", values="s").dropna()
        res = stats.ttest_rel(wide["post"], wide["pre"])
        out[sid] = {"n": len(wide), "pre_mean": wide["pre"].mean(),
                    "mean_diff": (wide["post"] - wide["pre"]).mean(), "t": res.statistic,
                    "p": res.pvalue}
    return out


def test_unfitting_default_instrument_is_refused(capsys, tmp_path):
    path, _ = _study(tmp_path)
    code, out, err = run(capsys, path)
    assert code == 2 and out == ""
    assert "do not fit the default instrument five-level-stress" in err
    assert "WORK1, WORK2, WORK3, WORK4, WORK5" in err      # what is absent
    assert "WRK1, WRK2" in err                              # what was found
    assert "--instrument" in err and "python -m stressgroup.instruments draft" in err
    assert "Traceback" not in err


def test_unfitting_default_refused_even_when_absent_items_are_allowed(capsys, tmp_path):
    path, _ = _study(tmp_path)
    code, _, err = run(capsys, path, "--allow-absent-items")
    assert code == 2 and "do not fit the default instrument" in err


def test_fitting_instrument_gives_the_direct_numbers(capsys, tmp_path):
    path, t = _study(tmp_path)
    code, out, err = run(capsys, path, "--instrument", _fitting_yaml(tmp_path), "--json", "-")
    assert code == 0, err
    d = json.loads(out)
    want = _direct(t)
    assert [s["name"] for s in d["subscales"]] == [*LEVELS.values(), "total"]
    for s in d["subscales"]:
        w = want[s["name"]]
        assert s["n"] == w["n"]
        np.testing.assert_allclose([s["pre_mean"], s["mean_diff"], s["t"], s["p"]],
                                   [w["pre_mean"], w["mean_diff"], w["t"], w["p"]], rtol=1e-10)
        assert s["absent_items"] == [] and s["incomplete"] is False
    assert not [w for w in d["warnings"] if w["code"] == "miskeyed_item"]


def test_explicit_instrument_with_absent_items_leaves_scales_unscored(capsys, tmp_path):
    path, _ = _study(tmp_path)
    code, out, err = run(capsys, path, "--instrument", "five-level-stress", "--json", "-")
    assert code == 0, err
    d = json.loads(out)
    by = {s["name"]: s for s in d["subscales"]}
    assert by["work"]["absent_items"] == [f"WORK{i}" for i in range(1, 6)]
    assert by["work"]["n"] == 0 and by["work"]["t"] is None and by["work"]["p"] is None
    assert by["total"]["t"] is None and by["total"]["incomplete"] is False
    assert by["individual"]["absent_items"] == [] and by["individual"]["t"] is not None
    codes = [w["code"] for w in d["warnings"]]
    assert codes.count("absent_items") == 2
    assert "reliable_change" not in d


def test_allow_absent_items_scores_from_present_items_and_marks_them(capsys, tmp_path):
    t = load_truth().drop(columns=["group", "WORK3"])
    path = tmp_path / "no_work3.csv"
    t.to_csv(path, index=False)
    code, out, err = run(capsys, path, "--instrument", "five-level-stress",
                         "--allow-absent-items", "--json", "-")
    assert code == 0, err
    d = json.loads(out)
    by = {s["name"]: s for s in d["subscales"]}
    assert by["work"]["incomplete"] is True and by["work"]["absent_items"] == ["WORK3"]
    assert by["total"]["incomplete"] is True
    assert by["family"]["incomplete"] is False
    # the work scale from its four present items: at least ceil(0.8 * 4) = 4 answered
    x = t[["WORK1", "WORK2", "WORK4", "WORK5"]].assign(WORK5=6 - t["WORK5"])  # reverse-keyed
    s = x.mean(axis=1).where(x.notna().sum(axis=1) >= 4)
    wide = pd.DataFrame({"id": t["id"], "wave": t["wave"], "s": s}).pivot(
        index="id", columns="wave", values="s").dropna()
    np.testing.assert_allclose(by["work"]["t"],
                               stats.ttest_rel(wide["post"], wide["pre"]).statistic, rtol=1e-10)
    # the table says so under it
    code, out, _ = run(capsys, path, "--instrument", "five-level-stress", "--allow-absent-items")
    assert code == 0
    assert "Work is incomplete: scored from 4 of its 5 items; absent (no column in the data): " \
           "WORK3." in " ".join(out.split())


# ---------------------------------------------------------------------------
# 3-5. waves: wrong order, the same data twice, options naming no column
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """The seeded platform exports of the study (pre in March, post in May 2024)."""
    from fixtures.platforms import render_googleforms, render_qualtrics, render_surveymonkey

    folder = tmp_path_factory.mktemp("exports")
    return {"qualtrics": render_qualtrics(folder).files,
            "surveymonkey": render_surveymonkey(folder).files,
            "googleforms": render_googleforms(folder).files}


def test_files_swapped_by_date_are_refused(capsys, exports):
    q = exports["qualtrics"]
    code, out, err = run(capsys, q["post"], q["pre"])
    assert code == 2 and out == ""
    assert "the waves look swapped" in err
    assert "qualtrics_post.csv is given as wave pre" in err
    assert "2024-05-10 09:13:00 to 2024-05-10 23:20:00" in err   # both date ranges
    assert "2024-03-01 09:16:00 to 2024-03-02 03:03:00" in err
    code, _, err = run(capsys, q["pre"], q["post"], "--json", "-")
    assert code == 0, err


def test_the_same_file_twice_is_refused(capsys, exports):
    q = exports["qualtrics"]["pre"]
    code, _, err = run(capsys, q, q)
    assert code == 2 and "the same file" in err and "qualtrics_pre.csv" in err


def test_identical_content_under_two_names_is_refused(capsys, exports, tmp_path):
    copy = tmp_path / "post_export.csv"
    shutil.copyfile(exports["qualtrics"]["pre"], copy)
    code, _, err = run(capsys, exports["qualtrics"]["pre"], copy)
    assert code == 2 and "identical content" in err and "post_export.csv" in err


def test_post_identical_to_pre_warns(capsys, exports, tmp_path):
    """Another download of the pre wave (one submit time differs): not the same bytes, but
    every answer equal."""
    import csv

    with open(exports["qualtrics"]["pre"], encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[3][rows[0].index("StartDate")] = "2024-03-01 08:00:00"
    post = tmp_path / "q_post.csv"
    with open(post, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    code, out, err = run(capsys, exports["qualtrics"]["pre"], post, "--json", "-")
    assert code == 0, err
    assert "wave post is identical to wave pre" in err
    d = json.loads(out)
    assert [w["code"] for w in d["warnings"]].count("identical_waves") == 1
    assert any("identical to wave pre" in n for n in d["load"]["notes"])
    report = tmp_path / "r.md"
    code, _, err = run(capsys, exports["qualtrics"]["pre"], post, "--out", report)
    assert code == 0, err
    assert "identical to wave pre" in " ".join(report.read_text(encoding="utf-8").split())


def test_wave_naming_no_column_one_file(capsys, tmp_path):
    path = tmp_path / "long.csv"
    load_truth().to_csv(path, index=False)
    code, _, err = run(capsys, path, "--wave", "round")
    assert code == 2 and "long.csv" in err and "wave_col='round' is not a column" in err


def test_wave_naming_no_column_several_files(capsys, exports):
    q = exports["qualtrics"]
    code, _, err = run(capsys, q["pre"], q["post"], "--wave", "round")
    assert code == 2 and "qualtrics_pre.csv" in err and "'round' is not a column" in err


def test_id_naming_no_column_in_one_of_several_files(capsys, exports):
    code, _, err = run(capsys, exports["qualtrics"]["pre"], exports["surveymonkey"]["post"],
                       "--id", "Q1")
    assert code == 2 and "surveymonkey_post.csv" in err and "id_col='Q1' is not a column" in err


def test_id_candidates_across_two_platforms(capsys, exports):
    code, out, err = run(capsys, exports["qualtrics"]["pre"], exports["surveymonkey"]["post"],
                         "--id", "Q1,工号", "--json", "-")
    assert code == 0, err
    assert "qualtrics_pre.csv: ids from column 'Q1' (candidate 1 of 2" in err
    assert "surveymonkey_post.csv: ids from column '工号' (candidate 2 of 2" in err
    d = json.loads(out)
    files = d["load"]["files"]
    assert [f["id_column"] for f in files] == ["Q1", "工号"]
    assert d["n"]["paired"] > 20
    code, _, err = run(capsys, exports["qualtrics"]["pre"], exports["surveymonkey"]["post"],
                       "--id", "badge,PID")
    assert code == 2 and "none of the id columns given ('badge', 'PID'" in err


def test_qualtrics_question_text_row_names_the_id(capsys, exports, tmp_path):
    import csv

    out_files = []
    for wave in ("pre", "post"):
        with open(exports["qualtrics"][wave], encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        rows[1][rows[0].index("Q1")] = "Please enter your police ID number (工号)"
        path = tmp_path / f"q_{wave}.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
        out_files.append(path)
    code, out, err = run(capsys, *out_files, "--json", "-")
    assert code == 0, err
    assert "ids from column 'Q1' (by its question text 'Please enter your police ID " \
           "number (工号)')" in err
    assert json.loads(out)["n"]["paired"] > 20


def test_duplicates_and_normalised_ids_are_listed(capsys, tmp_path):
    from fixtures.render import render_wjx

    t = load_truth()
    pre = render_wjx(tmp_path / "pre.xlsx", t[t.wave == "pre"].drop(columns="wave"))
    post = render_wjx(tmp_path / "post.xlsx", t[t.wave == "post"].drop(columns="wave"),
                      kind="text")
    code, _, err = run(capsys, pre.path, post.path, "--json", str(tmp_path / "r.json"))
    assert code == 0, err
    assert "pre.xlsx, row 2: id '００１' normalised to '001'" in err
    assert "pre.xlsx, row 50: duplicate submission of id '003', submitted 2024/5/12 7:14:35, " \
           "superseded by row 4 submitted 2024/5/12 9:14:35" in err
    assert "pre.xlsx: ids from column '1、工号' (by its name)" in err


# ---------------------------------------------------------------------------
# exports only Python could read: --columns MAP
# ---------------------------------------------------------------------------

ZH_LEVEL = {"IND": "个人", "FAM": "家庭", "WORK": "工作", "ORG": "组织", "SOC": "社会"}


def _handmade_short_headers(tmp_path: Path) -> Path:
    """The hand-made workbook with its item headers shortened to 个人1 … 社会5."""
    from openpyxl import load_workbook

    from fixtures.render import render_handmade

    r = render_handmade(tmp_path / "handmade.xlsx", load_truth())
    wb = load_workbook(r.path)
    ws = wb.active
    short = {h: ZH_LEVEL[item.rstrip("12345")] + item[-1]
             for h, item in zip(r.info["item_headers"], ITEMS)}
    for cell in ws[3]:
        if cell.value in short:
            cell.value = short[cell.value]
    path = tmp_path / "handmade_short.xlsx"
    wb.save(path)
    return path


def test_columns_map_with_back_references_on_the_handmade_workbook(capsys, tmp_path):
    path = _handmade_short_headers(tmp_path)
    code, _, err = run(capsys, path, "--instrument", "five-level-stress")
    assert code == 2    # without the map no item is found
    cmap = tmp_path / "map.yaml"
    cmap.write_text("".join(f'"^{zh}(\\\\d)$": "{prefix}\\\\1"\n'
                            for prefix, zh in ZH_LEVEL.items()), encoding="utf-8")
    code, out, err = run(capsys, path, "--columns", cmap, "--json", "-")
    assert code == 0, err
    d = json.loads(out)
    mapped = {m["column"]: m["item"] for m in d["load"]["columns_mapped"]}
    assert mapped["个人1"] == "IND1" and mapped["社会5"] == "SOC5" and len(mapped) == 25
    # the same numbers as the built-in sample read with its own headers
    code, ref_out, err = run(capsys, load_truth_path(tmp_path), "--json", "-")
    assert code == 0, err
    ref = json.loads(ref_out)
    for g in ref["groups"]:
        for a, b in zip(d["groups"][g]["subscales"], ref["groups"][g]["subscales"]):
            np.testing.assert_allclose(a["mean_diff"], b["mean_diff"], rtol=1e-12)


def load_truth_path(tmp_path: Path) -> Path:
    path = tmp_path / "truth.csv"
    load_truth().to_csv(path, index=False)
    return path


def test_columns_map_json_on_limesurvey_code_headings(capsys, tmp_path):
    """Code headings (IND[SQ001], WOR[SQ001]) with no question text: mapped by one regex
    with two back-references; a post wave made from the pre one (one point less on every
    answer above 1, a later submit date)."""
    import csv

    from fixtures.platforms import render_limesurvey_variant

    pre = render_limesurvey_variant(tmp_path, "code")
    with open(pre, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    items = [j for j, c in enumerate(head) if "[SQ" in c]
    for row in rows[1:]:
        row[head.index("submitdate")] = row[head.index("submitdate")].replace("2024-03", "2024-05")
        for j in items:
            if row[j].isdigit() and int(row[j]) > 1:
                row[j] = str(int(row[j]) - 1)
    post = tmp_path / "limesurvey_code_post.csv"
    with open(post, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    cmap = tmp_path / "map.json"
    cmap.write_text(json.dumps({r"^(IND|FAM|ORG|SOC)\[SQ00(\d)\]$": r"\1\2",
                                r"^WOR\[SQ00(\d)\]$": r"WORK\1"}), encoding="utf-8")
    code, out, err = run(capsys, pre, post, "--columns", cmap, "--id", "PID", "--json", "-")
    assert code == 0, err
    d = json.loads(out)
    mapped = {m["column"]: m["item"] for m in d["load"]["columns_mapped"]}
    assert mapped["IND[SQ001]"] == "IND1" and mapped["WOR[SQ005]"] == "WORK5"
    assert len(d["load"]["columns_mapped"]) == 50 and d["n"]["paired"] == 5
    assert all(s["absent_items"] == [] for s in d["subscales"])


@pytest.mark.parametrize("text,message", [
    ("- a\n- b\n", "must be a mapping"),
    ('"^个人(\\\\d$": "IND\\\\1"\n', "is not a valid regular expression"),
    ('"^个人(\\\\d)$": "XYZ\\\\1"\n', "item id 'XYZ1', which is not an item"),
])
def test_bad_columns_map_is_a_user_error(capsys, tmp_path, text, message):
    path = _handmade_short_headers(tmp_path)
    cmap = tmp_path / "map.yaml"
    cmap.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, path, "--columns", cmap)
    assert code == 2 and message in err and "Traceback" not in err


# ---------------------------------------------------------------------------
# drafting from a text export; the export kind
# ---------------------------------------------------------------------------

def test_drafted_yaml_from_a_text_export_scores_that_export(capsys, tmp_path):
    from fixtures.render import render_wjx

    from stressgroup._instruments_cli import main as instruments_main

    t = load_truth()
    pre = render_wjx(tmp_path / "pre_按选项文本.xlsx", t[t.wave == "pre"].drop(columns="wave"),
                     kind="text")
    post = render_wjx(tmp_path / "post_按选项文本.xlsx", t[t.wave == "post"].drop(columns="wave"),
                      kind="text", seed=7)
    drafted = tmp_path / "drafted.yaml"
    assert instruments_main(["draft", str(pre.path), "-o", str(drafted), "--id", "drafted"]) == 0
    text = drafted.read_text(encoding="utf-8")
    assert "1: {zh: \"非常不符合\"}" in text and "5: {zh: \"非常符合\"}" in text
    capsys.readouterr()
    code, out, err = run(capsys, pre.path, post.path, "--instrument", drafted, "--json", "-")
    assert code == 0, err
    d = json.loads(out)
    # the drafted scales are the matrix questions in order, none reverse-keyed: the first
    # is IND1..IND5 as answered
    truth = pd.concat([pre.truth.assign(wave="pre"), post.truth.assign(wave="post")])
    items = ["IND1", "IND2", "IND3", "IND4", "IND5"]
    assert sorted(d["groups"]) == ["control", "intervention"]
    for g, sub in d["groups"].items():
        x = truth[truth["group"] == g]
        s = x[items].mean(axis=1).where(x[items].notna().sum(axis=1) >= 4)
        wide = pd.DataFrame({"id": x["id"], "wave": x["wave"], "s": s}).pivot(
            index="id", columns="wave", values="s").dropna()
        first = sub["subscales"][0]
        assert first["n"] == len(wide)
        np.testing.assert_allclose(first["mean_diff"], (wide["post"] - wide["pre"]).mean(),
                                   rtol=1e-12)


def test_unmatched_text_answers_list_the_labels_seen(capsys, tmp_path):
    t = load_truth().drop(columns="group")
    words = {1: "从不", 2: "很少", 3: "有时", 4: "经常", 5: "总是"}
    for item in ITEMS:
        t[item] = t[item].map(words)
    path = tmp_path / "words.csv"
    t.to_csv(path, index=False)
    code, _, err = run(capsys, path, "--instrument", "five-level-stress")
    assert code == 2
    assert "The text answers that match no label are: " in err
    for w in words.values():
        assert repr(w) in err
    assert "add them under response.labels" in err


def test_a_numbers_export_is_not_reported_as_text(tmp_path):
    from openpyxl import load_workbook

    from fixtures.render import render_wjx

    from stressgroup.io import read_survey

    t = load_truth()
    r = render_wjx(tmp_path / "export.xlsx", t[t.wave == "pre"].drop(columns="wave"))
    wb = load_workbook(r.path)
    ws = wb.active
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if str(cell.value) == "-2":
                cell.value = "(空)"          # a blank written as 问卷星 writes it in text
    path = tmp_path / "export2.xlsx"
    wb.save(path)
    rep = read_survey(path, instrument="five-level-stress", wave="pre").report
    assert rep.files[0].variant is None
    assert "按选项文本" not in rep.summary()

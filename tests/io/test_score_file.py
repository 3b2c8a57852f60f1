"""score_file: the chunked path gives score(read_survey(path)) exactly, whatever the chunks."""

from __future__ import annotations

import collections
import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import stressgroup as sg
from stressgroup.errors import DataError, DataQualityWarning
from stressgroup.io import _score_file
from stressgroup.io._pii import pseudonym
from stressgroup.io._report import _reason_head

INST = "five-level-stress"
SALT = "fixed-salt"
HAS_ARROW = True
try:
    import pyarrow  # noqa: F401
except ImportError:  # pragma: no cover - pyarrow is optional
    HAS_ARROW = False
needs_arrow = pytest.mark.skipif(not HAS_ARROW, reason="pyarrow not installed")


# ---------------------------------------------------------------------------
# helpers and fixtures
# ---------------------------------------------------------------------------

def quiet(func, *args, **kwargs):
    """Call with the loader's DataQualityWarnings silenced (tested on their own below)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return func(*args, **kwargs)


def reference(src, keep=("group",), **kwargs) -> pd.DataFrame:
    """score(read_survey(src)) with the text columns as text."""
    resp = quiet(sg.read_survey, src, instrument=INST, **kwargs)
    ref = sg.score(resp, INST, keep=[k for k in keep if k in resp.data.columns])
    ref["wave"] = ref["wave"].astype(str)
    return ref, resp


def read_out(path: Path, text=("id", "wave", "group")) -> pd.DataFrame:
    if path.suffix == ".csv":
        frame = pd.read_csv(path, dtype={c: str for c in text}, keep_default_na=False,
                            na_values={c: [""] for c in pd.read_csv(path, nrows=0).columns
                                       if c not in text})
    else:
        frame = pd.read_parquet(path)
    return frame


def assert_same(out: pd.DataFrame, ref: pd.DataFrame, text=("id", "wave", "group")) -> None:
    assert list(out.columns) == list(ref.columns)
    out, ref = out.reset_index(drop=True).copy(), ref.reset_index(drop=True).copy()
    for c in text:
        if c in ref:
            ref[c] = ref[c].map(lambda v: "" if pd.isna(v) else str(v))
            out[c] = out[c].map(lambda v: "" if pd.isna(v) else str(v))
    for c in ref.columns:
        if c not in text:   # scores bit for bit, answered counts as numbers
            np.testing.assert_array_equal(out[c].to_numpy(dtype=float),
                                          ref[c].to_numpy(dtype=float), err_msg=c)
        else:
            assert out[c].tolist() == ref[c].tolist(), c


def reason_counts(table: pd.DataFrame) -> dict[str, int]:
    return dict(collections.Counter(_reason_head(r) for r in table["reason"]))


def cell_counts(table: pd.DataFrame) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for c, r in zip(table["column"], table["reason"]):
        per = out.setdefault(c, {})
        per[_reason_head(r)] = per.get(_reason_head(r), 0) + 1
    return out


ITEMS = sg.load_instrument(INST).item_ids


def messy_lines(n_people: int = 24, seed: int = 5) -> list[list[str]]:
    """A hand-made long export: title row, blank rows, labels, full-width digits,
    out-of-range and text answers, missing ids and waves, an unknown wave label,
    all-blank answers, phone-number ids, a name column, duplicates with submit times
    (the later submission first in the file) and a footer line."""
    rng = np.random.default_rng(seed)
    header = ["id", "wave", "group", "姓名", "submitted", *ITEMS]
    rows = [["2024年民警压力调查"] + [""] * (len(header) - 1), header]
    labels = {4: "比较符合", 2: "不太符合"}
    k = 0
    for p in range(n_people):
        for wave in ("pre", "post"):
            k += 1
            x = rng.integers(1, 6, size=len(ITEMS)).astype(object)
            cells = [str(v) for v in x]
            for j in rng.choice(len(ITEMS), size=2, replace=False):
                cells[j] = ""
            if k % 5 == 0:
                cells[3] = labels.get(int(x[3]), "３")
            if k % 7 == 0:
                cells[6] = "7"           # out of range
            if k % 11 == 0:
                cells[8] = "abc"         # not a number
            ident = f"P{p:03d}"
            if p == 3:
                ident = "１３８００１３８０００" if wave == "pre" else "13800138000"
            if p == 4:
                ident = "Ｐ００４"
            w = wave
            if k == 9:
                ident = ""                # missing id
            if k == 13:
                w = ""                    # missing wave
            if k == 17:
                w = "psot"                # unknown label, kept as its own wave
            if k == 21:
                cells = [""] * len(ITEMS)  # no item answers
            group = "intervention" if p % 2 else "control"
            rows.append([ident, w, group, f"张{p}", f"2024/5/{1 + p % 20} 9:0{k % 10}:00",
                         *cells])
        if p == 6:
            rows.append([""] * len(header))   # a blank row
    # duplicates: the later submission earlier in the file; one without a time
    dup = list(rows[2 + 2 * 10])
    dup[4] = "2024/4/01 08:00:00"            # earlier: superseded by the row above
    dup[5:] = ["3"] * len(ITEMS)
    rows.insert(len(rows) - 3, dup)
    dup2 = list(rows[2 + 2 * 12 + 1])
    dup2[4] = "2024/12/31 23:59:59"          # later: supersedes the earlier row
    dup2[5:] = ["1"] * len(ITEMS)
    rows.append(dup2)
    rows.append(["制表人：王小明 2024年6月"] + [""] * (len(header) - 1))
    return rows


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8",
              sep: str = ",") -> Path:
    import csv

    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=sep).writerows(rows)
    return path


@pytest.fixture
def messy(tmp_path) -> Path:
    return write_csv(tmp_path / "messy.csv", messy_lines())


@pytest.fixture(params=[5000, 4], ids=["head=file", "head=4"])
def head_rows(request, monkeypatch):
    """The structure decided on the whole file, or on its first few rows only."""
    monkeypatch.setattr(_score_file, "HEAD_ROWS", request.param)
    if request.param < 100:
        monkeypatch.setattr(_score_file, "_HEADER_SEARCH", 3)
    return request.param


def run(src, out, **kwargs):
    kwargs.setdefault("salt", SALT)
    return quiet(sg.score_file, src, INST, out, **kwargs)


# ---------------------------------------------------------------------------
# the same scores as score(read_survey(path))
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("chunksize", [1, 7, 94, 1000])
@pytest.mark.parametrize("suffix", [".csv", pytest.param(".parquet", marks=needs_arrow)])
def test_sample_long_equals_score_read_survey(sample_long_path, tmp_path, chunksize, suffix):
    out = tmp_path / f"scores{suffix}"
    res = run(sample_long_path, out, chunksize=chunksize)
    ref, resp = reference(sample_long_path)
    assert_same(read_out(out), ref)
    assert (res.rows_read, res.rows_kept, res.rows_written) == (94, 94, 94)
    assert res.chunks == -(-94 // chunksize)
    assert res.columns == tuple(ref.columns) and res.kept_columns == ("group",)
    assert res.layout == "long" and res.encoding == resp.report.encoding


@pytest.mark.parametrize("chunksize", [1, 5, 1000])
def test_sample_wide_equals_score_read_survey(sample_wide_path, tmp_path, chunksize,
                                              head_rows):
    out = tmp_path / "scores.csv"
    res = run(sample_wide_path, out, chunksize=chunksize)
    ref, resp = reference(sample_wide_path)
    assert_same(read_out(out), ref)
    assert res.layout == "wide"
    assert res.rows_read == resp.report.rows_read and res.rows_written == len(ref)
    assert res.waves_absent == len(resp.report.waves_absent)


@pytest.mark.parametrize("chunksize", [1, 3, 17, 60, 10_000])
def test_messy_file_equals_score_read_survey(messy, tmp_path, chunksize, head_rows):
    out = tmp_path / "scores.csv"
    res = run(messy, out, chunksize=chunksize)
    ref, resp = reference(messy, salt=SALT)
    assert_same(read_out(out), ref)
    rep = resp.report
    assert (res.rows_read, res.rows_kept, res.rows_excluded) == (
        rep.rows_read, rep.rows_kept, rep.rows_excluded)
    assert res.rows_read == res.rows_kept + res.rows_excluded
    assert res.excluded == reason_counts(rep.excluded)
    assert set(res.excluded) >= {"missing id", "missing wave", "no item answers",
                                 "duplicate submission", "footer/notes line, not a response"}
    assert res.cells_missing == cell_counts(rep.cells)
    assert res.out_of_range == {c: v["out of range"] for c, v in cell_counts(rep.cells).items()
                                if "out of range" in v}
    assert res.cells_in_superseded == 0
    # the examples are the report's rows (absolute file rows, not chunk rows)
    ex = res.excluded_examples.merge(rep.excluded, on=["file", "row", "id", "reason"])
    assert len(ex) == len(res.excluded_examples) == len(rep.excluded)
    cells = res.cell_examples.merge(rep.cells, on=["row", "column", "value", "reason"])
    assert len(cells) == len(res.cell_examples) > 0


def test_messy_file_facts(messy, tmp_path):
    res = run(messy, tmp_path / "s.csv", chunksize=5)
    out = read_out(tmp_path / "s.csv")
    assert res.id_column == "id" and res.wave_column == "wave"
    assert "姓名" not in out.columns and "submitted" not in out.columns
    assert not out["id"].str.contains("138").any()        # phone ids hashed
    assert pseudonym("13800138000", SALT) in set(out["id"])
    assert "P004" in set(out["id"])                        # full-width folded
    assert set(out["wave"]) == {"pre", "post", "psot"}
    assert res.ids_hashed == 2
    assert any("blank rows skipped" in n for n in res.notes)
    assert any("psot" in n for n in res.notes)
    dup = res.excluded_examples[res.excluded_examples.reason.str.startswith("duplicate")]
    assert len(dup) == 2 and dup["id"].notna().all()
    # the title row is row 1, the header row 2: the first data row is row 3
    assert res.excluded_examples["row"].min() >= 3


@pytest.mark.parametrize("suffix", [".csv", pytest.param(".parquet", marks=needs_arrow)])
@pytest.mark.parametrize("duplicates", ["latest", "first"])
def test_duplicates_across_chunks_follow_read_survey(messy, tmp_path, duplicates, suffix):
    out = tmp_path / f"s{suffix}"
    res = run(messy, out, chunksize=2, duplicates=duplicates)
    ref, _ = reference(messy, salt=SALT, duplicates=duplicates)
    assert_same(read_out(out), ref)
    assert res.excluded["duplicate submission"] == 2


def test_text_with_separators_and_line_breaks(tmp_path):
    rows = [["id", "wave", "group", *ITEMS]]
    for i in range(12):
        group = ["a, \"quoted\"", "line\nbreak", "plain"][i % 3]
        rows.append([f"{i % 5}", "pre", group, *[str(1 + (i + j) % 5) for j in range(25)]])
    src = write_csv(tmp_path / "t.csv", rows)
    out = tmp_path / "s.csv"
    res = run(src, out, chunksize=4)
    ref, _ = reference(src)
    assert_same(read_out(out), ref)
    assert res.excluded == {"duplicate submission": 7} and res.rows_written == 5
    assert set(read_out(out)["group"]) <= {"a, \"quoted\"", "line\nbreak", "plain"}


def test_duplicates_error_names_the_rows(messy, tmp_path):
    out = tmp_path / "s.csv"
    with pytest.raises(DataError, match=r"more than one row for the same wave.*rows \d+, \d+"
                       ) as info:
        run(messy, out, chunksize=3, duplicates="error")
    assert len(info.value.problems) == 4
    assert not out.exists() and not list(tmp_path.glob(".score_file-*"))


def test_cells_of_superseded_rows_are_counted_apart(tmp_path):
    rows = [["id", "wave", "submitted", *ITEMS],
            ["1", "pre", "2024-01-01 10:00:00", "9", *["3"] * 24],
            ["2", "pre", "2024-01-01 10:00:00", *["3"] * 25],
            ["1", "pre", "2024-01-02 10:00:00", *["4"] * 25]]
    src = write_csv(tmp_path / "d.csv", rows)
    res = run(src, tmp_path / "s.csv", chunksize=1)
    assert res.out_of_range == {"IND1": 1} and res.cells_in_superseded == 1
    assert res.rows_written == 2 and res.excluded == {"duplicate submission": 1}
    ref, resp = reference(src)
    assert_same(read_out(tmp_path / "s.csv"), ref)
    assert resp.data["IND1"].tolist() == [3.0, 4.0]   # the row kept is the later one


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_encodings_and_separators(tmp_path, encoding, sep):
    src = write_csv(tmp_path / "enc.csv", messy_lines(14)[1:], encoding=encoding, sep=sep)
    out = tmp_path / "s.csv"
    res = run(src, out, chunksize=4)
    ref, resp = reference(src, salt=SALT)
    assert_same(read_out(out), ref)
    assert res.encoding == resp.report.encoding


def test_bare_title_line_above_the_header(tmp_path, sample_long_path):
    src = tmp_path / "title.csv"
    src.write_text("2024年民警压力调查\n\n" + sample_long_path.read_text(encoding="utf-8"),
                   encoding="utf-8")
    out = tmp_path / "s.csv"
    res = run(src, out, chunksize=10)
    ref, _ = reference(src)
    assert_same(read_out(out), ref)
    assert res.rows_read == 94 and any("header is row 3" in n for n in res.notes)


def test_wave_given_and_a_disagreeing_wave_column(tmp_path, monkeypatch):
    monkeypatch.setattr(_score_file, "HEAD_ROWS", 2)
    rows = [["id", "wave", *ITEMS]] + [[f"{i}", "pre", *["3"] * 25] for i in range(70)]
    rows.append(["99", "post", *["3"] * 25])   # beyond the first rows (60 + HEAD_ROWS)
    src = write_csv(tmp_path / "w.csv", rows)
    with pytest.raises(DataError, match=r"w\.csv, row 72, column 'wave': wave 'post'"):
        run(src, tmp_path / "s.csv", wave="pre", chunksize=2)


def test_encoding_changes_after_the_sample(tmp_path, monkeypatch):
    monkeypatch.setattr(_score_file, "_SAMPLE_BYTES", 256)
    rows = [["id", "wave", "group", *ITEMS]] + [[f"{i}", "pre", "a", *["3"] * 25]
                                                for i in range(40)]
    rows.append(["99", "pre", "干预组", *["3"] * 25])
    src = tmp_path / "mixed.csv"
    write_csv(src, rows)
    src.write_bytes(src.read_bytes().replace("干预组".encode(), "干预组".encode("gbk")))
    with pytest.raises(DataError, match=r"not utf-8.*encoding="):
        run(src, tmp_path / "s.csv", chunksize=8)
    res = run(src, tmp_path / "s.csv", chunksize=8, encoding="gb18030")
    assert res.rows_read == 41


@needs_arrow
@pytest.mark.parametrize("chunksize", [1, 9, 1000])
def test_parquet_input_equals_score_read_survey_of_the_frame(tmp_path, chunksize, head_rows):
    frame = pd.read_csv(write_csv(tmp_path / "m.csv", messy_lines()[1:]), dtype=str,
                        keep_default_na=False)
    frame["age"] = np.arange(len(frame)) % 40 + 20          # numbers as numbers
    frame.loc[3, "IND2"] = None
    src = tmp_path / "m.parquet"
    frame.to_parquet(src, row_group_size=10)
    out = tmp_path / "s.parquet"
    res = run(src, out, chunksize=chunksize)
    ref, resp = reference(pd.read_parquet(src), salt=SALT)
    assert_same(read_out(out), ref)
    assert res.source == "parquet" and res.rows_read == resp.report.rows_read
    assert res.excluded == reason_counts(resp.report.excluded)


def test_keep_columns_and_pseudonymize(sample_long_path, tmp_path):
    out = tmp_path / "s.csv"
    res = run(sample_long_path, out, keep=["group", "age"], pseudonymize=True, chunksize=10)
    scored = read_out(out, text=("id", "wave", "group", "age"))
    ref, resp = reference(sample_long_path, keep=("group", "age"))
    ref["id"] = [pseudonym(i, SALT) for i in ref["id"]]
    ref["age"] = ref["age"].astype(str)
    assert_same(scored, ref, text=("id", "wave", "group", "age"))
    assert res.pseudonymized and res.ids_hashed == 94
    assert not set(scored["id"]) & set(resp.data["id"])


def test_kept_columns_never_carry_personal_data(tmp_path, monkeypatch):
    monkeypatch.setattr(_score_file, "HEAD_ROWS", 2)
    monkeypatch.setattr(_score_file, "_HEADER_SEARCH", 2)
    rows = [["id", "wave", "note", "total", *ITEMS]] + [
        [f"{i}", "pre", "ok" if i < 6 else "call 13800138000", "x", *["3"] * 25]
        for i in range(8)]
    src = write_csv(tmp_path / "k.csv", rows)
    run(src, tmp_path / "s.csv", keep=["note"], chunksize=3)
    notes = read_out(tmp_path / "s.csv", text=("id", "wave", "note"))["note"].tolist()
    assert notes == ["ok"] * 6 + ["call <personal data hidden>"] * 2
    with pytest.raises(DataError, match="'total' has the name of a score"):
        run(src, tmp_path / "s.csv", keep=["total"])


def test_no_group_column_no_keep(tmp_path):
    rows = [["id", "wave", *ITEMS], ["1", "pre", *["2"] * 25]]
    res = run(write_csv(tmp_path / "g.csv", rows), tmp_path / "s.csv")
    assert res.kept_columns == () and res.columns[:3] == ("id", "wave", "individual")


def test_fixed_wave_and_absent_items(tmp_path):
    rows = [["编号", *ITEMS[:-1]], ["007", *["2"] * 24], ["008", *["4"] * 24]]
    src = write_csv(tmp_path / "a.csv", rows)
    for allow in (False, True):
        out = tmp_path / f"s{allow}.csv"
        with pytest.warns(DataQualityWarning, match="not found"):
            res = sg.score_file(src, INST, out, wave="post", allow_absent_items=allow)
        resp = quiet(sg.read_survey, src, instrument=INST, wave="post")
        ref = sg.score(resp, INST, allow_absent_items=allow)
        ref["wave"] = ref["wave"].astype(str)
        assert_same(read_out(out), ref)
        assert res.absent_items == {"society": ["SOC5"], "total": ["SOC5"]}
        assert res.incomplete == (("society", "total") if allow else ())
    assert read_out(out)["id"].tolist() == ["007", "008"]


# ---------------------------------------------------------------------------
# the result object
# ---------------------------------------------------------------------------

def test_result_is_plain_data(messy, tmp_path):
    res = run(messy, tmp_path / "s.csv", chunksize=6, examples=1)
    d = res.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["rows_read"] == d["rows_kept"] + d["rows_excluded"]
    assert d["excluded"] == res.excluded and d["out"].endswith("s.csv")
    assert all(len(v) <= 1 for v in
               res.excluded_examples.groupby(res.excluded_examples.reason.map(_reason_head)
                                             ).groups.values())
    assert len(res.cell_examples) == 1 and res.cells_set_missing > 1
    frame = res.to_frame()
    assert list(frame.columns) == ["what", "n"]
    assert frame.set_index("what").loc["rows read", "n"] == res.rows_read
    text = repr(res)
    assert "rows read" in text and "object at 0x" not in text and "张" not in text
    assert "<table" in res._repr_html_()


# ---------------------------------------------------------------------------
# user errors: DataError naming file, row and column; nothing written
# ---------------------------------------------------------------------------

def test_unusable_answers_over_the_whole_file(tmp_path, monkeypatch):
    monkeypatch.setattr(_score_file, "HEAD_ROWS", 2)
    good = [[f"{i}", "pre", *["3"] * 25] for i in range(4)]
    bad = [[f"b{i}", "pre", *["很少"] * 25] for i in range(6)]
    src = write_csv(tmp_path / "u.csv", [["id", "wave", *ITEMS], *good, *bad])
    out = tmp_path / "s.csv"
    with pytest.raises(DataError, match=r"u\.csv: 150 of 250 answers cannot be used "
                                        r"\(e\.g\. row 6, column 'IND1'.*'很少'") as info:
        run(src, out, chunksize=3)
    with pytest.raises(DataError, match="150 of 250"):
        quiet(sg.read_survey, src, instrument=INST)
    assert len(info.value.problems) == 20 and not out.exists()


@pytest.mark.parametrize("head", [5000, 2])
def test_ragged_row_names_the_row(tmp_path, monkeypatch, head):
    monkeypatch.setattr(_score_file, "_SAMPLE_BYTES", 200)
    monkeypatch.setattr(_score_file, "HEAD_ROWS", head)
    monkeypatch.setattr(_score_file, "_HEADER_SEARCH", min(head, 60))
    rows = [["id", "wave", *ITEMS]] + [[f"{i}", "pre", *["3"] * 25] for i in range(30)]
    rows[25] = rows[25] + ["x"]
    src = write_csv(tmp_path / "r.csv", rows)
    with pytest.raises(DataError, match=r"r\.csv, row 26: 28 fields"):
        run(src, tmp_path / "s.csv", chunksize=4)


@pytest.mark.parametrize("rows, match", [
    ([["name", "wave", *ITEMS], ["a", "pre", *["3"] * 25]], "no id column found"),
    ([["id", "wave", "x"], ["1", "pre", "3"]], "none of the 25 items"),
    ([["id", *ITEMS], ["1", *["3"] * 25]], "cannot tell which wave"),
    ([["id", "wave", "item", "value"], ["1", "pre", "IND1", "3"]], "long tidy file"),
    ([["id", "wave", *ITEMS]], "no data rows"),
])
def test_structural_errors(tmp_path, rows, match):
    out = tmp_path / "s.csv"
    with pytest.raises(DataError, match=match):
        run(write_csv(tmp_path / "e.csv", rows), out)
    assert not out.exists()


def test_keep_refuses_personal_and_unknown_columns(messy, tmp_path):
    with pytest.raises(DataError, match="'姓名' holds personal data"):
        run(messy, tmp_path / "s.csv", keep=["姓名"])
    with pytest.raises(DataError, match="'nope', which is not a column.*'group'"):
        run(messy, tmp_path / "s.csv", keep=["nope"])


def test_formats_refused(tmp_path, sample_long_path):
    (tmp_path / "x.xlsx").write_bytes(b"PK")
    with pytest.raises(DataError, match="Excel workbook"):
        run(tmp_path / "x.xlsx", tmp_path / "s.csv")
    wjx = write_csv(tmp_path / "w.csv", [["序号", "提交答卷时间", "所用时间", "来源", "id"],
                                          ["1", "2024/5/1 9:00:00", "100秒", "手机", "1"]])
    with pytest.raises(DataError, match="looks like a wjx export.*source='csv'"):
        run(wjx, tmp_path / "s.csv")
    with pytest.raises(DataError, match="file not found"):
        run(tmp_path / "missing.csv", tmp_path / "s.csv")
    with pytest.raises(ValueError, match=r"\.csv or \.parquet"):
        run(sample_long_path, tmp_path / "s.xlsx")
    with pytest.raises(ValueError, match="does not exist"):
        run(sample_long_path, tmp_path / "nope" / "s.csv")


def test_parquet_without_pyarrow_is_a_clear_error(sample_long_path, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(DataError, match="needs pyarrow.*pip install"):
        run(sample_long_path, tmp_path / "s.parquet")
    assert not (tmp_path / "s.parquet").exists()


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"chunksize": 0}, ValueError, "chunksize"),
    ({"chunksize": 2.5}, ValueError, "chunksize"),
    ({"duplicates": "keep"}, ValueError, "duplicates"),
    ({"pseudonymize": "yes"}, TypeError, "pseudonymize"),
    ({"columns": ["IND1"]}, TypeError, "columns"),
    ({"examples": -1}, ValueError, "examples"),
])
def test_parameter_checks(sample_long_path, tmp_path, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        run(sample_long_path, tmp_path / "s.csv", **kwargs)


def test_out_may_not_be_the_input(tmp_path, sample_long_path):
    src = tmp_path / "in.csv"
    src.write_bytes(sample_long_path.read_bytes())
    with pytest.raises(ValueError, match="out is the input"):
        run(src, src)


def test_warnings_as_read_survey(messy, tmp_path):
    with pytest.warns(DataQualityWarning, match="'psot'"):
        sg.score_file(messy, INST, tmp_path / "s.csv", chunksize=4)


def test_import_stays_light():
    # pandas itself imports pyarrow when it is installed; its Parquet module is ours to load
    code = "import sys, stressgroup; print('pyarrow.parquet' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"

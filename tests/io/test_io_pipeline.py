"""One pipeline for every layout: the tidy layout follows the same rules as long and wide.

Regression tests for two places where the tidy loader had drifted from the long one: a
footer line's text (a person's name) reached ``id_changes`` and the JSON, and
``duplicates="error"`` raised without the failing rows.
"""

from __future__ import annotations

import json

import pytest

from stressgroup.errors import DataError
from stressgroup.io import read_survey

NAME = "王小明"

TIDY = ("id,wave,item,value\n"
        "1,pre,A1,3\n1,pre,A2,4\n1,pre,A3,2\n"
        "2,pre,A1,2\n2,pre,A2,5\n2,pre,A3,1\n")
LONG = "id,wave,A1,A2,A3\n1,pre,3,4,2\n2,pre,2,5,1\n"


def _everything(report) -> str:
    """The report as its JSON, its text, its HTML and every table cell."""
    parts = [json.dumps(report.to_dict(), ensure_ascii=False), repr(report),
             report._repr_html_(), report.to_frame().to_string()]
    return "\n".join(parts)


@pytest.mark.parametrize("text", [TIDY, LONG], ids=["tidy", "long"])
@pytest.mark.parametrize("footer", [f"制表人：{NAME}", f"制表人:{NAME},,,", f"制表人： {NAME}"])
def test_footer_line_text_is_not_an_id_change(write_text, inst3, check_counts, text, footer):
    r = read_survey(write_text("t.csv", text + footer + "\n"), instrument=inst3)
    check_counts(r.report)
    assert r.report.id_changes.empty
    # the footer is an excluded row, shown without its text
    footer_row = text.count("\n") + 1
    assert r.report.excluded[["row", "id"]].values.tolist() == [[footer_row, None]]
    assert NAME not in _everything(r.report)
    assert r.data["id"].tolist() == ["1", "2"]


def test_tidy_id_changes_still_listed(write_text, inst3):
    # a real id change (a full-width digit) is still reported next to the footer
    text = TIDY.replace("2,pre,A1,2", "２,pre,A1,2") + f"制表人：{NAME}\n"
    r = read_survey(write_text("t.csv", text), instrument=inst3)
    assert r.report.id_changes[["row", "original", "id"]].values.tolist() == [[5, "２", "2"]]
    assert NAME not in _everything(r.report)


def test_tidy_duplicates_error_lists_the_rows(write_text, inst3):
    text = TIDY + "1,pre,A1,5\n2,pre,A3,4\n2,pre,A3,4\n"
    with pytest.raises(DataError, match=r"2 answers are given more than once \(id '1' wave pre "
                                        r"item A1: rows 2, 8; id '2' wave pre item A3: rows 7, "
                                        r"9, 10\)") as info:
        read_survey(write_text("t.csv", text), instrument=inst3, duplicates="error")
    problems = info.value.problems
    assert list(problems.columns) == ["file", "row", "id", "reason"]
    assert problems["row"].tolist() == [2, 8, 7, 9, 10]
    assert problems["id"].tolist() == ["1", "1", "2", "2", "2"]
    assert set(problems["file"]) == {str(write_text("t.csv", text))}
    assert problems["reason"].tolist()[:2] == ["duplicate answer (id '1' wave pre item A1)"] * 2


def test_tidy_and_long_duplicates_error_alike(write_text, inst3):
    long_text = LONG + "1,pre,5,5,5\n"
    with pytest.raises(DataError) as info:
        read_survey(write_text("l.csv", long_text), instrument=inst3, duplicates="error")
    assert info.value.problems["row"].tolist() == [2, 4]
    assert info.value.problems["reason"].tolist() == ["duplicate submission (id '1' wave pre)"] * 2


@pytest.mark.parametrize("keep, value", [("latest", 5.0), ("first", 3.0)])
def test_tidy_duplicates_resolved(write_text, inst3, keep, value):
    text = TIDY + "1,pre,A1,5\n"
    r = read_survey(write_text("t.csv", text), instrument=inst3, duplicates=keep)
    assert r.data.loc[r.data["id"] == "1", "A1"].tolist() == [value]
    kept = 8 if keep == "latest" else 2
    dropped = 2 if keep == "latest" else 8
    assert r.report.excluded[["row", "reason"]].values.tolist() == [
        [dropped, f"duplicate answer for (id, wave pre, item A1) (kept row {kept})"]]


def test_tidy_pseudonymized_ids_get_the_salt_note(write_text, inst3):
    # shared rule: every layout says how ids were pseudonymized
    text = TIDY.replace("1,pre", "13812345678,pre")
    r = read_survey(write_text("t.csv", text), instrument=inst3, salt="s")
    assert "13812345678" not in _everything(r.report)
    assert any("pseudonymized with the salt given" in n for n in r.report.notes)

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

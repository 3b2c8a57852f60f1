"""The evaluation's sections: each number equals the checked function on the same pairs;
a section that does not apply says why; --design picks sections."""

from __future__ import annotations

import json

import numpy as np
import pytest

from stressgroup import evaluate
from stressgroup.analysis import (clinical_significance, paired_effect_sizes, permutation_test,
                                  power_paired, section_names, shapiro_wilk)
from stressgroup._cli import main


def _pairs(frame, group, sid, inst):
    from stressgroup import score

    s = score(frame, inst, keep=["group"])
    s = s[s["group"] == group]
    a = s[s.wave == "pre"].set_index("id")[sid]
    b = s[s.wave == "post"].set_index("id")[sid]
    ids = sorted(set(a.index) & set(b.index))
    return a.reindex(ids).to_numpy(float), b.reindex(ids).to_numpy(float), ids


@pytest.fixture(scope="module")
def ev(sample_long_frame):
    from stressgroup import load_instrument

    return evaluate(sample_long_frame, load_instrument("five-level-stress"), seed=7)


def test_section_names():
    assert {"small_groups", "individual"} <= set(section_names())


@pytest.mark.parametrize("group", ["intervention", "control"])
@pytest.mark.parametrize("sid", ["work", "total"])
def test_small_groups_equal_the_functions(ev, sample_long_frame, five_level, group, sid):
    pre, post, _ = _pairs(sample_long_frame, group, sid, five_level)
    d = ev.to_dict()["small_groups"][group]
    entry = d["scales"][sid]
    assert entry["permutation"]["p"] == permutation_test(pre, post, seed=7).p
    assert entry["shapiro"]["p"] == pytest.approx(shapiro_wilk(pre, post).p, rel=1e-12)
    e = paired_effect_sizes(pre, post).to_dict()
    assert entry["d_rm"] == pytest.approx(e["d_rm"], rel=1e-12)
    n = ev.groups[group].n["paired"]
    assert d["power"]["dz"] == pytest.approx(power_paired(n=n).dz, rel=1e-12)


def test_individual_equals_clinical_significance(ev, sample_long_frame, five_level):
    pre, post, ids = _pairs(sample_long_frame, "intervention", "total", five_level)
    g = ev.groups["intervention"]
    base = ev.scores[(ev.scores["group"] == "intervention") & (ev.scores.wave == "pre")]
    r = clinical_significance(pre, post, reliability=g.alpha_pre["total"],
                              sd_pre=float(base["total"].std(ddof=1)), ids=ids)
    got = ev.to_dict()["individual"]["intervention"]["total"]
    assert got["improved"] == r.improved and got["recovered"] == r.recovered
    assert got["cutoff"] == "a"
    # criterion a: the targeted list holds the reliably deteriorated people
    assert got["targeted"] == [i for i, c in zip(r.table["id"], r.table["category"])
                               if c == "deteriorated"]


def test_the_same_numbers_on_every_run(sample_long_frame, five_level):
    a = evaluate(sample_long_frame, five_level).to_dict()["small_groups"]
    b = evaluate(sample_long_frame, five_level).to_dict()["small_groups"]
    assert a == b


def test_design_picks_sections(sample_long_frame, five_level):
    ev = evaluate(sample_long_frame, five_level, design=["individual"])
    d = ev.to_dict()
    assert "individual" in d and "small_groups" not in d
    assert d["design"]["sections"] == {"individual": "ran"}
    with pytest.raises(ValueError, match="unknown section"):
        evaluate(sample_long_frame, five_level, design=["nope"])


def test_cli_design_and_json(capsys, sample_long_path):
    assert main([str(sample_long_path), "--design", "small_groups", "--json", "-"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert "small_groups" in d and "individual" not in d
    assert main([str(sample_long_path), "--design", "bogus"]) == 2
    assert "unknown section" in capsys.readouterr().err


def test_a_skipped_section_says_why(sample_long_frame, five_level):
    ids = sorted(sample_long_frame["id"].unique())[:1]
    data = sample_long_frame[sample_long_frame["id"].isin(ids)]
    with pytest.warns(Warning):
        ev = evaluate(data, five_level, group=False)
    d = ev.to_dict()
    assert d["small_groups"] == {"skipped": "no group has two complete pairs"}
    assert "left out: no group has two complete pairs" in d["design"]["sections"]["small_groups"]
    assert "is left out: no group has two complete pairs" in ev.to_markdown()
    json.dumps(d, allow_nan=False)


def test_individual_json_lists_the_ids_once_per_group():
    from stressgroup import evaluate, read_survey

    ev = evaluate(read_survey("data/sample/qcity_long.csv", instrument="five-level-stress"))
    ind = ev.to_dict()["individual"]
    for lab, entry in ind.items():
        ids = entry["id"]
        scales = {k: v for k, v in entry.items() if k != "id"}
        assert scales and all("id" not in v for v in scales.values())
        for v in scales.values():
            if "left_out" not in v:
                assert len(v["rci"]) == len(v["category"]) == len(ids)
        assert ids == sorted(ids) and ev.groups[lab].n["paired"] == len(ids)


@pytest.fixture(scope="module")
def qcity_ev():
    from stressgroup import read_survey

    return evaluate(read_survey("data/sample/qcity_long.csv", instrument="five-level-stress"))


@pytest.mark.parametrize("limit, listed", [(10_000, True), (3, False)])
def test_individual_json_per_person_lists_up_to_the_limit(qcity_ev, monkeypatch, limit,
                                                          listed):
    from stressgroup.analysis import _sec_individual

    monkeypatch.setattr(_sec_individual, "PER_PERSON_JSON", limit)
    full = qcity_ev.sections["individual"].result.to_dict(per_person=True)
    got = qcity_ev.to_dict()["individual"]
    for lab, entry in got.items():
        assert ("id" in entry) is listed
        assert ("per_person" in entry) is not listed
        if not listed:
            assert "more than 3" in entry["per_person"] and "--persons" in entry["per_person"]
        for sid, v in entry.items():
            if sid in ("id", "per_person") or "left_out" in v:
                continue
            assert ("rci" in v) is listed and ("category" in v) is listed
            # the counts, cut-offs and the targeted ids never depend on the lists
            same = {k: x for k, x in full[lab][sid].items() if k not in ("rci", "category")}
            assert {k: x for k, x in v.items() if k not in ("rci", "category")} == same


def test_individual_json_per_person_false_and_true(qcity_ev):
    res = qcity_ev.sections["individual"].result
    assert all("id" not in e for e in res.to_dict(per_person=False).values())
    assert all("id" in e for e in res.to_dict(per_person=True).values())
    assert json.loads(json.dumps(qcity_ev.to_dict(per_person=False), allow_nan=False))


def test_pairs_follow_sorted_ids_whatever_the_row_order(sample_long_frame):
    from stressgroup import load_instrument

    inst = load_instrument("five-level-stress")
    frame = sample_long_frame.sample(frac=1.0, random_state=3)   # ids out of order
    ev1 = evaluate(sample_long_frame, inst, design=["individual"])
    ev2 = evaluate(frame, inst, design=["individual"])
    for lab, g in ev2.groups.items():
        assert list(g.paired_ids) == sorted(g.paired_ids)
        assert g.paired_ids == ev1.groups[lab].paired_ids
        a, b = g.to_dict(), ev1.groups[lab].to_dict()
        assert a["n"] == b["n"] and a["excluded"] == b["excluded"]
        for x, y in zip(a["subscales"], b["subscales"]):   # sums in another row order
            assert x.keys() == y.keys()
            for k in x:
                if isinstance(x[k], float):
                    assert x[k] == pytest.approx(y[k], rel=1e-12), k
                elif k != "dz_ci":
                    assert x[k] == y[k], k
    for lab, entry in ev2.to_dict()["individual"].items():
        assert entry["id"] == ev1.to_dict()["individual"][lab]["id"]


def test_cli_persons_writes_the_per_person_table(tmp_path):
    import pandas as pd

    out = tmp_path / "persons.csv"
    assert main(["data/sample/qcity_long.csv", "--json", str(tmp_path / "r.json"),
                 "--persons", str(out), "--quiet"]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig", dtype={"id": str})
    assert {"group", "scale", "id", "pre", "post", "rci", "category", "targeted"} <= set(table)
    d = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    for lab, entry in d["individual"].items():
        for sid, v in entry.items():
            if sid == "id" or "left_out" in v:
                continue
            rows = table[(table["group"].astype(str) == lab) & (table["scale"] == sid)]
            assert rows["id"].tolist() == entry["id"]
            np.testing.assert_allclose(rows["rci"].to_numpy(float),
                                       np.array(v["rci"], dtype=float), rtol=1e-12)


def test_cli_persons_without_the_section_is_refused(tmp_path, capsys):
    code = main(["data/sample/qcity_long.csv", "--design", "profile", "--persons",
                 str(tmp_path / "p.csv"), "--quiet"])
    assert code == 2
    assert "--persons" in capsys.readouterr().err


def test_ids_of_mixed_types_count_as_their_text(sample_long_frame):
    from stressgroup.core.errors import DataError

    frame = sample_long_frame.copy()
    frame["id"] = frame["id"].astype(object)
    first = frame.index[(frame["wave"] == "pre")][:2]
    frame.loc[first[0], "id"] = 7
    frame.loc[first[1], "id"] = "7"     # the same person once read as a number
    with pytest.raises(DataError, match="more than one row for the same wave"):
        evaluate(frame, "five-level-stress", design=[])
    frame.loc[first[1], "id"] = "  "    # a blank id is excluded, not a person
    ev = evaluate(frame, "five-level-stress", design=[])
    assert any(e["id"] is None and "no id" in e["reason"] for e in ev.to_dict()["excluded"])

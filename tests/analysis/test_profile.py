"""profile, subgroup_differences, sample_description, band_transitions against R
(tests/reference/profile.R, transitions.R)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from reftools import REFERENCE, RTOL, load_reference
from stressgroup.analysis import (band_transitions, band_values, profile, sample_description,
                                  subgroup_differences)
from stressgroup.analysis._subgroups import spearman_test

REF = load_reference("profile")
TR = load_reference("transitions")


@pytest.fixture(scope="module")
def data():
    from reftools import SAMPLE
    return pd.read_csv(SAMPLE / "qcity_long.csv", dtype={"id": str})


@pytest.mark.parametrize("who", ["all", "control", "intervention"])
def test_profile_matches_r(data, who):
    res = profile(data, "five-level-stress", wave="pre",
                  group=None if who == "all" else "group")
    b = res.groups[None if who == "all" else who]
    ref = REF["profile"][who]
    lv = b.levels
    for r, row in zip(ref["levels"], lv.to_dict("records")):
        assert row["scale"] == r["scale"] and row["n"] == r["n"]
        for k in ("mean", "sd", "rank", "t", "df", "p", "ci_low", "ci_high", "d"):
            assert_allclose(row[k], r[k], rtol=RTOL)
        assert_allclose([row["d_ci_low"], row["d_ci_high"]], r["d_ci_uniroot"], rtol=1e-9)
        assert_allclose([row["d_ci_low"], row["d_ci_high"]], r["d_ci"], atol=1e-5)
    for k in ("n", "n_dropped", "k", "chisq", "df", "p", "kendall_w"):
        assert_allclose(b.friedman[k], ref["friedman"][k], rtol=RTOL)
    for r, row in zip(ref["pairwise"], b.pairwise.to_dict("records")):
        assert (row["scale1"], row["scale2"], row["method"]) == (r["scale1"], r["scale2"],
                                                                 r["method"])
        assert_allclose([row["V"], row["p"], row["p_adj"]], [r["V"], r["p"], r["p_adj"]],
                        rtol=RTOL)


RENAME = {"hedges_g_ci_uniroot": "hedges_g_ci", "cohens_d_ci_uniroot": "cohens_d_ci",
          "eta2_effectsize": "eta2", "omega2_effectsize": "omega2", "omega2": "omega2_raw"}
SKIP = {"categories", "posthoc", "hedges_g_ci"}


@pytest.fixture(scope="module")
def subgroups(data):
    return subgroup_differences(data, "five-level-stress",
                                by=["gender", "post", "age", "years_service"],
                                bands={"age": [30, 40, 50], "years_service": [5, 10, 20]})


@pytest.mark.parametrize("var,rvar", [("gender", "gender"), ("post", "post"),
                                      ("age", "age_band"), ("years_service", "years_band")])
def test_subgroups_match_r(subgroups, var, rvar):
    v = subgroups.variables[var]
    for sc, R in REF["subgroups"][rvar].items():
        P = v["scales"][sc]
        assert v["categories"] == R["categories"]
        for k, val in R.items():
            if k in SKIP:
                continue
            assert_allclose(P[RENAME.get(k, k)], val, rtol=RTOL, atol=1e-12, err_msg=k)
        if "hedges_g_ci" in R:  # effectsize's Nelder-Mead roots
            assert_allclose(P["hedges_g_ci"], R["hedges_g_ci"], atol=1e-5)
        for ph, rp in zip(P.get("posthoc", []), R.get("posthoc", [])):
            assert (ph["group1"], ph["group2"]) == (rp["group1"], rp["group2"])
            for k in ("estimate", "se", "t", "df", "p_tukey", "holm_t_p"):
                assert_allclose(ph[k], rp[k], rtol=RTOL, atol=1e-12, err_msg=k)
            assert_allclose(ph["ci"], rp["ci"], rtol=1e-4)  # R's qtukey is approximate


@pytest.mark.parametrize("var", ["age", "years_service"])
def test_correlations_match_r(data, var):
    res = subgroup_differences(data, "five-level-stress", by=var)
    for sc, R in REF["correlations"][var].items():
        P = res.variables[var]["scales"][sc]
        assert P["spearman_method"] == R["spearman_method"]
        for k, val in R.items():
            if k != "spearman_method":
                assert_allclose(P[k], val, rtol=RTOL, err_msg=k)


@pytest.mark.parametrize("case", REF["spearman_cases"], ids=lambda c: f"n{len(c['x'])}")
def test_spearman_exact_and_edgeworth(case):
    s = spearman_test(case["x"], case["y"])
    assert s["method"] == case["method"]
    assert_allclose([s["rho"], s["S"], s["p"]], [case["rho"], case["S"], case["p"]],
                    rtol=RTOL, atol=1e-12)


def test_bands_left_closed():
    assert band_values([29.9, 30, 39, 40, 50], [30, 40, 50]).tolist() == [
        "< 30", "30-39", "30-39", "40-49", ">= 50"]
    with pytest.raises(ValueError, match="increasing"):
        band_values([1], [40, 30])


def test_small_category_dropped_with_note(data):
    d = data.copy()
    d.loc[d["id"] == "001", "post"] = "driver"
    res = subgroup_differences(d, "five-level-stress", by="post")
    assert "driver" in res.variables["post"]["dropped"]
    assert any("driver" in n for n in res.notes)


@pytest.mark.parametrize("key", ["sample", "sample_missing"])
def test_sample_description_matches_r(data, key):
    d = data.copy()
    if key == "sample_missing":
        d.loc[d["id"].isin(["003", "010"]), "gender"] = np.nan
    res = sample_description(d, ["gender", "post", "age", "years_service"], group="group")
    t = res.table
    for g, ref in REF[key].items():
        assert res.n[g] == ref["n"]
        for var in ("gender", "post"):
            for r in ref[var]:
                cat = "missing" if r["category"] is None else r["category"]
                row = t[(t.variable == var) & (t.category == cat) & (t.group == g)].iloc[0]
                assert row["n"] == r["n"]
                assert_allclose(row["percent"], r["percent"], rtol=RTOL)
        for var in ("age", "years_service"):
            row = t[(t.variable == var) & (t.group == g)].iloc[0]
            for k in ("n", "mean", "sd", "min", "max", "missing"):
                assert_allclose(row[k], ref[var][k], rtol=RTOL)


def test_transitions_match_r():
    d = pd.read_csv(REFERENCE / "transitions.csv", dtype={"id": str})
    res = band_transitions(d, "pss-10", "total")
    dd = res.to_dict()
    assert dd["table"] == TR["table"]
    for k in ("n_both", "only_first", "only_second", "not_evaluable", "flagged_first",
              "flagged_second", "moved_out", "moved_in", "stayed_flagged", "moved_up",
              "moved_down", "same"):
        assert dd[k] == TR[k], k
    with pytest.raises(ValueError, match="no bands"):
        band_transitions(d, "pss-10", "helplessness")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_documents_render(data, lang):
    d = pd.read_csv(REFERENCE / "transitions.csv", dtype={"id": str})
    results = [profile(data, "five-level-stress", group="group"),
               subgroup_differences(data, "five-level-stress", by=["gender", "post", "age"]),
               sample_description(data, ["gender", "age"], group="group"),
               band_transitions(d, "pss-10")]
    import json
    for r in results:
        md = r.to_markdown(lang)
        assert "|" in md
        json.dumps(r.to_dict())
        assert len(r.to_frame())
    assert "各维度得分" in results[0].to_markdown("zh")
    assert "样本基本情况" in results[2].to_markdown("zh")

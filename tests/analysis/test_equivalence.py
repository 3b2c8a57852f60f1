"""baseline_equivalence against R: t.test, oneway.test, effectsize::hedges_g / eta_squared /
cramers_v, chisq.test(correct = FALSE), fisher.test (2 x 2 and r x c)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from reftools import REFERENCE, RTOL, load_reference
from stressgroup.analysis import baseline_equivalence
from stressgroup.analysis._equivalence import fisher_exact_rxc
from stressgroup.errors import DataError, DegenerateDataWarning

REF = load_reference("equivalence")
CASES = {c["name"]: c for c in REF["cases"]}
FILES = {"group_study": "group_study.csv", "group_study_by_rank": "group_study.csv",
         "anorexia": "anorexia.csv"}
VARIABLES = [(c["name"], v["variable"]) for c in REF["cases"] for v in c["variables"]]


def _run(name, welch=True):
    c = CASES[name]
    data = pd.read_csv(REFERENCE / FILES[name])
    res = baseline_equivalence(data, c["between"], [v["variable"] for v in c["variables"]],
                               welch=welch)
    return c, data, res


@pytest.fixture(scope="module")
def results():
    return {name: _run(name) for name in CASES} | {
        (name, "student"): _run(name, welch=False) for name in CASES}


@pytest.mark.parametrize("name,variable", VARIABLES)
def test_each_variable_matches_r(results, name, variable):
    c, data, res = results[name]
    _, _, student = results[(name, "student")]
    ref = next(v for v in c["variables"] if v["variable"] == variable)
    row, srow = res.table.loc[variable], student.table.loc[variable]
    assert row["n"] == ref["n"] and row["n"] + row["n_missing"] == len(data)
    if ref["kind"] == "numeric" and len(ref["levels"]) == 2:
        assert row["test"] == "Welch t" and srow["test"] == "Student t"
        assert_allclose([row["statistic"], row["df1"], row["p"]],
                        [ref["welch_t"], ref["welch_df"], ref["welch_p"]], rtol=RTOL)
        assert_allclose([srow["statistic"], srow["df1"], srow["p"]],
                        [ref["student_t"], ref["student_df"], ref["student_p"]], rtol=RTOL)
        assert_allclose(row["effect_size"], ref["hedges_g"], rtol=RTOL)
        assert_allclose([row["ci_low"], row["ci_high"]], ref["hedges_g_ci"], rtol=1e-8)
        assert_allclose([row["ci_low"], row["ci_high"]], ref["hedges_g_ci_effectsize"],
                        atol=1e-5)
    elif ref["kind"] == "numeric":
        assert row["test"] == "Welch ANOVA" and srow["test"] == "one-way ANOVA"
        assert_allclose([row["statistic"], row["df1"], row["df2"], row["p"]],
                        [ref["welch_F"], ref["welch_df1"], ref["welch_df2"], ref["welch_p"]],
                        rtol=RTOL)
        assert_allclose([srow["statistic"], srow["df1"], srow["df2"], srow["p"]],
                        [ref["anova_F"], ref["anova_df1"], ref["anova_df2"], ref["anova_p"]],
                        rtol=RTOL)
        assert_allclose(row["effect_size"], ref["eta2"], rtol=RTOL)
    else:
        assert_allclose([row["statistic"], row["df1"], row["chisq_p"]],
                        [ref["chisq"], ref["chisq_df"], ref["chisq_p"]], rtol=RTOL)
        assert_allclose(row["min_expected"], ref["min_expected"], rtol=RTOL)
        assert_allclose(row["effect_size"], ref["cramers_v"], rtol=RTOL)
        if ref["min_expected"] < 5:
            assert row["test"].startswith("Fisher's exact")
            assert_allclose(row["p"], ref["fisher_p"], rtol=RTOL)
        else:
            assert row["test"] == "Pearson chi-square"
            assert_allclose(row["p"], ref["chisq_p"], rtol=RTOL)
        if np.isfinite(row["fisher_p"]):
            assert_allclose(row["fisher_p"], ref["fisher_p"], rtol=RTOL)


def test_descriptives_match_r(results):
    c, _, res = results["group_study"]
    d = res.descriptives
    pre = next(v for v in c["variables"] if v["variable"] == "pre")
    assert_allclose(d[d.variable == "pre"]["mean"], pre["means"], rtol=1e-12)
    assert_allclose(d[d.variable == "pre"]["sd"], pre["sds"], rtol=1e-12)
    rank = next(v for v in c["variables"] if v["variable"] == "rank")
    assert list(d[d.variable == "rank"]["count"]) == rank["counts"]


@pytest.mark.parametrize("table,expected", [
    ([[3, 1], [1, 3]], 0.4857142857142857),           # fisher.test(matrix(c(3,1,1,3), 2))
    ([[10, 0], [0, 10]], 1.082508822446903e-05),
    ([[2, 3, 4], [5, 1, 0]], 0.06013986013986024),
])
def test_fisher_exact_small_tables(table, expected):
    assert_allclose(fisher_exact_rxc(table), expected, rtol=1e-9)


def test_fisher_gives_up_on_huge_tables():
    assert np.isnan(fisher_exact_rxc([[20, 20, 20], [20, 20, 20], [20, 20, 21]],
                                     max_tables=100))


def test_to_dict_and_repr(results):
    _, _, res = results["group_study"]
    d = res.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["levels"] == ["control", "intervention"]
    assert d["variables"]["smoker"]["test"] == "Fisher's exact"
    assert "Baseline equivalence" in repr(res)


def test_numeric_codes_can_be_categorical():
    data = pd.read_csv(REFERENCE / "group_study.csv")
    data["male"] = (data["gender"] == "male").astype(int)
    res = baseline_equivalence(data, "group", ["male", "gender"], categorical=["male"])
    assert_allclose(res.table.loc["male", "p"], res.table.loc["gender", "p"], rtol=1e-12)


def test_user_errors():
    data = pd.read_csv(REFERENCE / "group_study.csv")
    with pytest.raises(DataError, match="'height' is not a column"):
        baseline_equivalence(data, "group", ["pre", "height"])
    with pytest.raises(ValueError, match="at least one"):
        baseline_equivalence(data, "group", [])
    with pytest.raises(DataError, match="two or more"):
        baseline_equivalence(data[data.group == "control"], "group", ["pre"])
    with pytest.raises(ValueError, match="categorical"):
        baseline_equivalence(data, "group", ["pre"], categorical=["age"])


def test_tiny_group_warns():
    df = pd.DataFrame({"g": ["a", "a", "b"], "x": [1.0, 2.0, 3.0]})
    with pytest.warns(DegenerateDataWarning, match="fewer than 2"):
        res = baseline_equivalence(df, "g", ["x"])
    assert np.isnan(res.table.loc["x", "p"])

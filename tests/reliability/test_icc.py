"""icc_matrix / icc against R psych::ICC (tests/reference/icc.R)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from reftools import REFERENCE, load_reference, nan_list
from stressgroup import DataError, DegenerateDataWarning
from stressgroup.reliability import icc, icc_matrix

REF = load_reference("icc")
CASES = {c["name"]: c for c in REF["cases"]}
TYPES = ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"]


@pytest.fixture(params=sorted(CASES), scope="module")
def case(request):
    c = CASES[request.param]
    x = pd.DataFrame({col: nan_list(c["data"][col]) for col in c["columns"]})
    return c, icc_matrix(x)


@pytest.mark.parametrize("kind", TYPES)
def test_rows_match_psych(case, kind):
    ref, res = case
    got, want = res[kind], ref["rows"][kind]
    for key in ("icc", "F", "p"):
        assert_allclose(got[key], want[key], rtol=1e-10, err_msg=f"{ref['name']} {key}")
    assert (got["df1"], got["df2"]) == (want["df1"], want["df2"])
    assert_allclose(got["ci"], want["ci"], rtol=1e-10)


def test_mean_squares_match_psych(case):
    ref, res = case
    assert_allclose([res.ms[k] for k in ("MSB", "MSJ", "MSE", "MSW")],
                    [ref[k] for k in ("MSB", "MSJ", "MSE", "MSW")], rtol=1e-12, atol=1e-15)
    assert (res.n, res.k) == (ref["n"], ref["k"])


def test_lmer_default_agrees_where_variance_components_are_positive(case):
    # psych's default (lmer = TRUE) reproduces the ANOVA table up to lme4's
    # optimiser; when a REML variance component stops at zero it does not
    ref, res = case
    lm = np.array([ref["lmer_rows"][t]["icc"] for t in TYPES])
    gap = np.max(np.abs(lm - res.table["icc"].to_numpy()))
    if res.ms["MSJ"] < res.ms["MSE"]:  # the REML judge variance stops at zero
        assert gap > 1e-3
    else:
        assert gap < 1e-4


@pytest.mark.parametrize("kind", TYPES)
def test_reml_matches_psych_default_lmer(case, kind):
    # psych::ICC(x) (lmer = TRUE): lme4's REML optimum, reached to its tolerance
    ref, _ = case
    x = pd.DataFrame({col: nan_list(ref["data"][col]) for col in ref["columns"]})
    res = icc_matrix(x, method="reml")
    want = ref["lmer_rows"][kind]
    for key in ("icc", "F"):
        assert_allclose(res[kind][key], want[key], rtol=2e-4, err_msg=f"{ref['name']} {key}")
    assert_allclose(res[kind]["ci"], want["ci"], rtol=2e-3, atol=2e-4)
    if res.ms["MSJ"] > res.ms["MSE"] and ref["lmer_agrees"]:
        assert_allclose(res[kind]["icc"], ref["rows"][kind]["icc"], rtol=1e-12)


def test_shrout_fleiss_published_values():
    ref = CASES["sf"]
    x = np.column_stack([ref["data"][c] for c in ref["columns"]])
    res = icc_matrix(x)
    assert_allclose(res.table["icc"], [0.17, 0.29, 0.71, 0.44, 0.62, 0.91], atol=0.005)
    assert res.table.loc["ICC3", "mcgraw_wong"] == "ICC(C,1)"
    assert res.table.loc["ICC2k", "description"].startswith("two-way random")


def test_dropped_rows_are_counted():
    data = pd.read_csv(REFERENCE / "icc_data.csv", dtype={"id": str}).set_index("id")
    res = icc_matrix(data)
    ref = CASES["seeded"]
    assert res.n == ref["n"] and list(res.dropped) == ref["ids_dropped"]
    assert_allclose(res["ICC2"]["icc"], ref["rows"]["ICC2"]["icc"], rtol=1e-12)
    d = res.to_dict()
    assert d["n_dropped"] == 3 and d["ICC2"]["mcgraw_wong"] == "ICC(A,1)"
    assert set(d["ICC1"]) >= {"icc", "F", "df1", "df2", "p", "ci"}


@pytest.fixture(scope="module")
def sample(sample_long_frame):
    return sample_long_frame


@pytest.mark.parametrize("subscale", ["individual", "family", "work", "organization",
                                      "society", "total"])
def test_icc_between_waves_on_the_sample(sample, five_level, subscale):
    ref = CASES[f"sample_{subscale}"]
    res = icc(sample, five_level, subscale)
    assert res.n == ref["n"] and list(res.dropped) == ref["ids_dropped"]
    assert res.waves == ("pre", "post") and res.subscale == subscale
    for t in TYPES:
        assert_allclose(res[t]["icc"], ref["rows"][t]["icc"], rtol=1e-10)
        assert_allclose(res[t]["ci"], ref["rows"][t]["ci"], rtol=1e-10)
    assert "between waves pre, post" in repr(res)


def test_icc_default_subscale_is_the_total(sample, five_level):
    assert icc(sample, five_level).subscale == "total"


def test_user_errors(sample, five_level):
    with pytest.raises(ValueError, match="subscale"):
        icc(sample, five_level, "nope")
    with pytest.raises(DataError, match="follow-up"):
        icc(sample, five_level, waves=("pre", "follow-up"))
    with pytest.raises(ValueError, match="waves"):
        icc(sample, five_level, waves=("pre", "pre"))
    with pytest.raises(DataError, match="'wave'"):
        icc(sample.drop(columns="wave"), five_level)
    with pytest.raises(DataError, match="duplicate"):
        icc(pd.concat([sample, sample]), five_level)
    with pytest.raises(DataError, match="complete rows"):
        icc_matrix(np.array([[1.0, 2.0], [np.nan, 3.0]]))
    with pytest.raises(TypeError, match="2-D"):
        icc_matrix([1, 2, 3])
    with pytest.raises(ValueError, match="method"):
        icc_matrix(np.ones((3, 2)), method="lmer")
    with pytest.raises(ValueError, match="confidence"):
        icc_matrix(np.ones((3, 2)), confidence=1.5)


def test_constant_data_warns():
    with pytest.warns(DegenerateDataWarning, match="no variance"):
        res = icc_matrix(np.ones((4, 2)))
    assert np.isnan(res.table["icc"]).all()


def test_renders_as_markdown(sample, five_level):
    res = icc(sample, five_level, "work")
    md = res.to_markdown()
    assert "Test-retest intraclass correlations: Work (pre, post)" in md
    assert "| ICC2 | ICC(A,1) | two-way random effects, absolute agreement" in md
    assert "2 left out" in md
    tab = res.to_document().tables()[0]
    assert [c.kind for c in tab.columns][3:] == ["reliability", "ci", "statistic", "df", "df",
                                                "p"]
    assert tab.rows[1]["icc"] == res.table.loc["ICC2", "icc"]
    assert "双向随机效应，绝对一致性" in res.to_markdown(lang="zh")
    assert "Intraclass correlations" in icc_matrix(np.array([[1, 2], [2, 2], [3, 5.0]])).to_markdown()

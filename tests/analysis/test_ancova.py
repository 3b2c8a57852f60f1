"""ancova against R: lm + car::Anova(type = 2), emmeans, anova(additive, interaction)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from reftools import REFERENCE, RTOL, load_reference
from stressgroup.analysis import ancova
from stressgroup.errors import DataError, DegenerateDataWarning

REF = load_reference("ancova")
CASES = {c["name"]: c for c in REF["cases"]}
FILES = {"anorexia": "anorexia.csv", "group_study": "group_study.csv",
         "group_study_rank": "group_study.csv"}


@pytest.fixture(params=sorted(CASES), scope="module")
def case(request):
    c = CASES[request.param]
    data = pd.read_csv(REFERENCE / FILES[c["name"]])
    return c, data


@pytest.mark.parametrize("key", ["F", "df1", "df2", "p", "partial_eta2"])
def test_group_and_covariate_rows_match_car_anova(case, key):
    ref, data = case
    res = ancova(data, ref["dv"], ref["covariate"], ref["between"])
    assert_allclose(getattr(res, key), ref["group"][key], rtol=RTOL)
    cov_key = "df2" if key == "df2" else f"covariate_{key}"
    assert_allclose(getattr(res, cov_key), ref["covariate_row"][key], rtol=RTOL)


def test_sums_of_squares_n_and_coefficients(case):
    ref, data = case
    res = ancova(data, ref["dv"], ref["covariate"], ref["between"])
    assert_allclose([res.SS, res.covariate_SS, res.residual_SS],
                    [ref["group"]["SS"], ref["covariate_row"]["SS"], ref["residual"]["SS"]],
                    rtol=RTOL)
    assert res.n == ref["n"] and res.n + res.n_dropped == len(data)
    assert list(res.levels) == ref["levels"]
    assert_allclose(list(res.coefficients.values()), ref["coefficients"], rtol=RTOL)
    assert_allclose(res.covariate_mean, ref["covariate_mean"], rtol=1e-12)


def test_adjusted_means_match_emmeans(case):
    ref, data = case
    res = ancova(data, ref["dv"], ref["covariate"], ref["between"])
    em = ref["adjusted_means"]
    assert list(res.adjusted_means) == em["level"]
    assert_allclose(list(res.adjusted_means.values()), em["emmean"], rtol=RTOL)
    assert_allclose(list(res.adjusted_se.values()), em["SE"], rtol=RTOL)
    ci = np.array(list(res.adjusted_ci.values()))
    assert_allclose(ci[:, 0], em["lower"], rtol=RTOL)
    assert_allclose(ci[:, 1], em["upper"], rtol=RTOL)


@pytest.mark.parametrize("adjust", ["tukey", "none", "bonferroni", "holm"])
def test_pairwise_differences_match_emmeans_pairs(case, adjust):
    ref, data = case
    res = ancova(data, ref["dv"], ref["covariate"], ref["between"], adjust=adjust)
    pr = ref["pairs"]
    tab = res.pairwise
    assert list(tab["contrast"]) == pr["contrast"]
    for ours, theirs in (("estimate", "estimate"), ("se", "SE"), ("df", "df"), ("t", "t")):
        assert_allclose(tab[ours], pr[theirs], rtol=RTOL)
    # R's ptukey/qtukey are accurate to about 1e-8 (relative 6e-8 on anorexia)
    assert_allclose(tab["p"], pr[adjust]["p"], rtol=RTOL)
    ci_ref = pr["bonferroni" if adjust == "holm" else adjust]   # emmeans: Holm CIs = Bonferroni
    assert_allclose(tab["ci_low"], ci_ref["lower"], rtol=RTOL)
    assert_allclose(tab["ci_high"], ci_ref["upper"], rtol=RTOL)


@pytest.mark.parametrize("key", ["F", "df1", "df2", "p"])
def test_slope_homogeneity_matches_anova_of_nested_models(case, key):
    ref, data = case
    res = ancova(data, ref["dv"], ref["covariate"], ref["between"])
    assert_allclose(getattr(res, f"slopes_{key}"), ref["slopes_homogeneity"][key], rtol=RTOL)


def test_to_dict_is_json_safe_with_binding_keys():
    data = pd.read_csv(REFERENCE / "anorexia.csv")
    res = ancova(data, "Postwt", "Prewt", "Treat")
    d = res.to_dict()
    for key in ("F", "df1", "df2", "p", "partial_eta2", "adjusted_means"):
        assert key in d
    assert set(d["adjusted_means"]) == {"CBT", "Cont", "FT"}
    json.dumps(d, allow_nan=False)
    F, p = res
    assert F == res.F and p == res.p
    assert "Adjusted means" in repr(res) and "<table" in res._repr_html_()
    assert list(res.to_frame().index) == ["Prewt", "Treat", "Residuals"]


def test_categorical_order_sets_the_levels():
    data = pd.read_csv(REFERENCE / "anorexia.csv")
    data["Treat"] = pd.Categorical(data["Treat"], categories=["Cont", "CBT", "FT"])
    res = ancova(data, "Postwt", "Prewt", "Treat")
    assert res.levels == ("Cont", "CBT", "FT")
    assert res.pairwise["contrast"][0] == "Cont - CBT"
    plain = ancova(pd.read_csv(REFERENCE / "anorexia.csv"), "Postwt", "Prewt", "Treat")
    assert_allclose(res.F, plain.F, rtol=1e-12)


def test_user_errors():
    data = pd.read_csv(REFERENCE / "anorexia.csv")
    with pytest.raises(DataError, match="'post' is not a column"):
        ancova(data, "post", "Prewt", "Treat")
    with pytest.raises(DataError, match="must hold numbers"):
        ancova(data, "Treat", "Prewt", "Treat")
    with pytest.raises(DataError, match="at least two"):
        ancova(data[data.Treat == "FT"], "Postwt", "Prewt", "Treat")
    with pytest.raises(DataError, match="constant"):
        ancova(data.assign(Prewt=80.0), "Postwt", "Prewt", "Treat")
    with pytest.raises(ValueError, match="adjust"):
        ancova(data, "Postwt", "Prewt", "Treat", adjust="scheffe")
    with pytest.raises(TypeError, match="DataFrame"):
        ancova(data.to_numpy(), "Postwt", "Prewt", "Treat")


def test_tiny_groups_warn_about_slopes():
    data = pd.DataFrame({"g": ["a", "a", "b", "b", "b"], "x": [2.0, 2, 1, 2, 3],
                         "y": [1.0, 2.5, 2, 2.9, 4.2]})
    with pytest.warns(DegenerateDataWarning, match="slope-homogeneity"):
        res = ancova(data, "y", "x", "g")
    assert np.isfinite(res.F) and np.isnan(res.slopes_p)

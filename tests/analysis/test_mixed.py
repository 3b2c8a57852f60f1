"""mixed_anova against R: aov(... + Error(subject/within)), afex ges, car GG/HF/Mauchly."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from reftools import REFERENCE, RTOL, load_reference
from stressgroup.analysis import mixed_anova
from stressgroup.errors import DataError, DegenerateDataWarning

REF = load_reference("mixed_anova")
CASES = {c["name"]: c for c in REF["cases"]}


def _group_study(waves):
    gs = pd.read_csv(REFERENCE / "group_study.csv")
    names = {"pre": "1pre", "post": "2post", "follow": "3follow"}
    return pd.concat([gs.assign(wave=names[w], score=gs[w]) for w in waves])


def _data(name):
    if name.startswith("weightloss"):
        wl = pd.read_csv(REFERENCE / "weightloss.csv")
        return wl, ("se" if name.endswith("_se") else "wl"), "month", "group", "id"
    waves = ("pre", "post") if name.endswith("2x2") else ("pre", "post", "follow")
    return _group_study(waves), "score", "wave", "group", "id"


@pytest.fixture(params=sorted(CASES), scope="module")
def case(request):
    c = CASES[request.param]
    return c, mixed_anova(*_data(c["name"]))


@pytest.mark.parametrize("effect,prefix", [("between", "between_"), ("within", "within_"),
                                           ("interaction", "")])
@pytest.mark.parametrize("key", ["SS", "F", "df1", "df2", "p", "partial_eta2", "ges"])
def test_effects_match_aov_error_strata(case, effect, prefix, key):
    ref, res = case
    assert_allclose(getattr(res, prefix + key), ref[effect][key], rtol=RTOL)


def test_ges_and_f_match_afex_and_car(case):
    ref, res = case
    assert_allclose([res.between_ges, res.within_ges, res.ges],
                    [ref["afex_ges"][k] for k in ("between", "within", "interaction")],
                    rtol=RTOL)
    for src in ("afex_F", "car_F"):
        assert_allclose([res.between_F, res.within_F, res.F],
                        [ref[src][k] for k in ("between", "within", "interaction")],
                        rtol=RTOL)


def test_sphericity_corrections_match_car(case):
    ref, res = case
    if "sphericity" not in ref:
        assert res.gg_eps == 1.0 and res.p_gg == res.p and np.isnan(res.mauchly_W)
        return
    s = ref["sphericity"]
    pairs = [("gg_eps", "gg_eps"), ("hf_eps", "hf_eps"), ("within_p_gg", "within_p_gg"),
             ("within_p_hf", "within_p_hf"), ("p_gg", "interaction_p_gg"),
             ("p_hf", "interaction_p_hf"), ("mauchly_W", "mauchly_W"),
             ("mauchly_p", "mauchly_p")]
    for ours, theirs in pairs:
        assert_allclose(getattr(res, ours), s[theirs], rtol=RTOL, err_msg=ours)


def test_incomplete_subjects_are_dropped_and_listed(case):
    ref, res = case
    assert res.n == ref["n_subjects"]
    assert [str(x) for x in res.dropped] == ref["dropped"]
    assert res.n_dropped == len(ref["dropped"])
    assert list(res.within_levels) == ref["levels_within"]
    assert list(res.between_levels) == ref["levels_between"]


def test_to_dict_frame_and_repr():
    res = mixed_anova(*_data("group_study_2x3"))
    d = res.to_dict()
    for key in ("F", "df1", "df2", "p", "p_gg", "partial_eta2", "between_F", "within_F",
                "ges", "dropped"):
        assert key in d
    json.dumps(d, allow_nan=False)
    assert list(res.to_frame().index) == ["group", "Residuals (between)", "wave",
                                          "group:wave", "Residuals (within)"]
    assert "GG epsilon" in repr(res)
    F, p = res
    assert (F, p) == (res.F, res.p)
    assert res.cell_means.shape == (2, 3)


def test_ordered_within_levels_keep_their_order():
    long = _group_study(("pre", "post"))
    long["wave"] = pd.Categorical(long["wave"].str[1:], categories=["post", "pre"],
                                  ordered=True)
    res = mixed_anova(long, "score", "wave", "group", "id")
    assert res.within_levels == ("post", "pre")
    assert_allclose(res.F, CASES["group_study_2x2"]["interaction"]["F"], rtol=RTOL)


def test_user_errors():
    long = _group_study(("pre", "post"))
    with pytest.raises(DataError, match="repeat"):
        mixed_anova(pd.concat([long, long.iloc[:1]]), "score", "wave", "group", "id")
    bad = long.reset_index(drop=True)
    bad.loc[0, "group"] = "intervention"
    with pytest.raises(DataError, match="more than one"):
        mixed_anova(bad, "score", "wave", "group", "id")
    with pytest.raises(DataError, match="two or more"):
        mixed_anova(long[long.group == "control"], "score", "wave", "group", "id")
    with pytest.raises(DataError, match="'time' is not a column"):
        mixed_anova(long, "score", "time", "group", "id")
    with pytest.raises(ValueError, match="four different"):
        mixed_anova(long, "score", "wave", "group", "group")


def test_constant_scores_warn():
    long = pd.DataFrame({"id": [1, 1, 2, 2, 3, 3, 4, 4], "g": list("aaaabbbb"),
                         "w": ["x", "y"] * 4, "y": [1.0, 2.0] * 4})
    with pytest.warns(DegenerateDataWarning, match="zero"):
        res = mixed_anova(long, "y", "w", "g", "id")
    assert np.isnan(res.F)

"""change_effect_sizes against R: Morris (2008) d_ppc2 by formula, t.test(var.equal = FALSE),
effectsize::hedges_g on the change scores."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from reftools import REFERENCE, RTOL, load_reference
from stressgroup.analysis import change_effect_sizes
from stressgroup.errors import DataError, DegenerateDataWarning

REF = load_reference("change_effects")
CASES = {c["name"]: c for c in REF["cases"]}


def _args(name):
    if name.startswith("anorexia"):
        an = pd.read_csv(REFERENCE / "anorexia.csv")
        drop = "FT" if name.endswith("cbt") else "CBT"
        return an[an.Treat != drop], "Prewt", "Postwt", "Treat", "Cont"
    gs = pd.read_csv(REFERENCE / "group_study.csv")
    return gs, "pre", ("follow" if name.endswith("follow") else "post"), "group", "control"


@pytest.fixture(params=sorted(CASES), scope="module")
def case(request):
    c = CASES[request.param]
    data, pre, post, between, control = _args(c["name"])
    return c, change_effect_sizes(data, pre, post, between, control=control)


SCALARS = ["n_treatment", "n_control", "mean_change_treatment", "mean_change_control",
           "sd_change_treatment", "sd_change_control", "mean_diff", "welch_t", "welch_df",
           "welch_p", "d_ppc2", "sd_pre_pooled", "c_p", "r_prepost", "g_change", "d_change",
           "sd_change_pooled"]


@pytest.mark.parametrize("key", SCALARS)
def test_scalars_match_r(case, key):
    ref, res = case
    assert_allclose(getattr(res, key), ref[key], rtol=RTOL)


def test_intervals_match_r(case):
    ref, res = case
    assert_allclose(res.welch_ci, ref["welch_ci"], rtol=RTOL)
    assert_allclose(res.d_ppc2_se ** 2, ref["d_ppc2_var"], rtol=RTOL)
    assert_allclose(res.d_ppc2_ci, ref["d_ppc2_ci"], rtol=RTOL)
    assert_allclose(res.g_change_ci, ref["g_change_ci_uniroot"], rtol=1e-8)
    # effectsize's Nelder-Mead limits agree to its own precision
    assert_allclose(res.g_change_ci, ref["g_change_ci"], rtol=0, atol=1e-5)
    assert res.treatment == ref["treatment"] and res.control == ref["control"]


def test_given_r_changes_only_the_interval():
    data, pre, post, between, control = _args("group_study")
    a = change_effect_sizes(data, pre, post, between, control=control)
    b = change_effect_sizes(data, pre, post, between, control=control, r=0.2)
    assert a.d_ppc2 == b.d_ppc2 and b.r_source == "given" and b.r_prepost == 0.2
    assert b.d_ppc2_se > a.d_ppc2_se     # a lower correlation widens the interval


def test_default_control_is_the_first_level_and_sign_flips():
    data, pre, post, between, _ = _args("group_study")
    a = change_effect_sizes(data, pre, post, between)
    b = change_effect_sizes(data, pre, post, between, control="intervention")
    assert a.control == "control"
    assert_allclose(b.d_ppc2, -a.d_ppc2, rtol=1e-12)
    assert_allclose(b.g_change_ci, [-a.g_change_ci[1], -a.g_change_ci[0]], rtol=1e-9)


def test_to_dict_frame_and_repr():
    data, pre, post, between, control = _args("group_study")
    res = change_effect_sizes(data, pre, post, between, control=control)
    d = res.to_dict()
    json.dumps(d, allow_nan=False)
    for key in ("d_ppc2", "d_ppc2_ci", "g_change", "g_change_ci", "welch_t", "welch_p"):
        assert key in d
    assert list(res.to_frame().index) == ["mean_diff", "d_ppc2", "g_change"]
    assert "Morris" in repr(res)
    t, p = res
    assert (t, p) == (res.welch_t, res.welch_p)


def test_user_errors():
    an = pd.read_csv(REFERENCE / "anorexia.csv")
    with pytest.raises(DataError, match="exactly two"):
        change_effect_sizes(an, "Prewt", "Postwt", "Treat")
    two = an[an.Treat != "FT"]
    with pytest.raises(DataError, match="not a group"):
        change_effect_sizes(two, "Prewt", "Postwt", "Treat", control="FT")
    with pytest.raises(ValueError, match="r must"):
        change_effect_sizes(two, "Prewt", "Postwt", "Treat", r=1.0)
    with pytest.raises(DataError, match="at least 2"):
        change_effect_sizes(two.iloc[[0, 1, 2, -1]], "Prewt", "Postwt", "Treat")


def test_constant_change_warns():
    df = pd.DataFrame({"g": list("aabb"), "x": [1.0, 2, 3, 4], "y": [2.0, 3, 4, 5]})
    with pytest.warns(DegenerateDataWarning):
        res = change_effect_sizes(df, "x", "y", "g")
    assert np.isnan(res.welch_t) and np.isnan(res.g_change)

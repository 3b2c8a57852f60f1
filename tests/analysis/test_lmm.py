"""lmm against R lmerTest::lmer(score ~ wave * group + (1 | id)) and emmeans.

lme4 stops its optimiser (bobyqa, rhoend 1e-12) at a tolerance: on group_study its REML
gradient is still about 5e-6 there, while ours (statsmodels, then Newton steps) is 1e-13, so the
variances differ by about 5e-8 relative and the Satterthwaite df by 5e-8 (lmerTest's numerical
derivatives add about 1e-10). Estimates, SEs, df and intervals are checked to 1e-6; p values,
whose relative error is amplified by |t| (p ~ 1e-34 for the intercept), to 1e-5.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from reftools import REFERENCE, load_reference
from stressgroup.analysis import lmm
from stressgroup.errors import DataError

REF = load_reference("lmm")
CASES = {c["name"]: c for c in REF["cases"]}
RTOL_LMM = 1e-6
RTOL_P = 1e-5


def _data(name):
    if name == "weightloss":
        return pd.read_csv(REFERENCE / "weightloss.csv").rename(
            columns={"month": "wave", "wl": "score"})
    gs = pd.read_csv(REFERENCE / "group_study.csv")
    return pd.concat([gs.assign(wave=w, score=gs[c]) for w, c in
                      (("1pre", "pre"), ("2post", "post"), ("3follow", "follow"))])


@pytest.fixture(params=sorted(CASES), scope="module")
def case(request):
    c = CASES[request.param]
    return c, lmm(_data(c["name"]), "score", "wave", "group", "id")


@pytest.mark.parametrize("key", ["estimate", "se", "df", "t", "ci_low", "ci_high", "p"])
def test_fixed_effects_match_lmertest(case, key):
    ref, res = case
    assert list(res.fixed.index) == ref["fixed"]["term"]
    rtol = RTOL_P if key == "p" else RTOL_LMM
    assert_allclose(res.fixed[key], ref["fixed"][key], rtol=rtol)


@pytest.mark.parametrize("ours,theirs", [("mean", "emmean"), ("se", "se"), ("df", "df"),
                                         ("ci_low", "lower"), ("ci_high", "upper")])
def test_estimated_means_match_emmeans(case, ours, theirs):
    ref, res = case
    m = ref["means"]
    assert [str(w) for w, _ in res.means.index] == m["wave"]
    assert [str(g) for _, g in res.means.index] == m["group"]
    assert_allclose(res.means[ours], m[theirs], rtol=RTOL_LMM)


def test_variances_and_reml_criterion(case):
    ref, res = case
    assert_allclose([res.var_intercept, res.var_residual],
                    [ref["var_intercept"], ref["var_residual"]], rtol=RTOL_LMM)
    assert_allclose(res.reml_criterion, ref["reml_criterion"], rtol=1e-10)
    assert res.n_obs == ref["n_obs"] and res.n_subjects == ref["n_subjects"]
    assert res.converged


def test_people_with_missing_waves_are_kept():
    res = lmm(_data("group_study"), "score", "wave", "group", "id")
    assert res.n_subjects == 38 and res.n_obs == 108 and res.n_dropped_rows == 6


def test_normal_df_gives_z_tests():
    ref = CASES["group_study"]
    res = lmm(_data("group_study"), "score", "wave", "group", "id", df_method="normal")
    assert np.isinf(res.fixed["df"]).all()
    # confint(fit, method = "Wald") is the normal interval
    assert_allclose(res.fixed["ci_low"], ref["fixed"]["wald_low"], rtol=RTOL_LMM)
    assert_allclose(res.fixed["ci_high"], ref["fixed"]["wald_high"], rtol=RTOL_LMM)


def test_to_dict_and_repr():
    res = lmm(_data("weightloss"), "score", "wave", "group", "id")
    d = res.to_dict()
    json.dumps(d, allow_nan=False)
    assert set(d["means"]) == {"m1", "m2", "m3"}
    assert set(d["means"]["m1"]) == {"Control", "Diet", "DietEx"}
    assert "(Intercept)" in d["fixed"] and "var_intercept" in d
    assert "Estimated means" in repr(res)


def test_user_errors():
    data = _data("group_study")
    with pytest.raises(DataError, match="repeat"):
        lmm(pd.concat([data, data.iloc[:1]]), "score", "wave", "group", "id")
    with pytest.raises(DataError, match="empty"):
        lmm(data[~((data.group == "control") & (data.wave == "3follow"))], "score", "wave",
            "group", "id")
    with pytest.raises(DataError, match="two or more levels"):
        lmm(data[data.group == "control"], "score", "wave", "group", "id")
    with pytest.raises(ValueError, match="df_method"):
        lmm(data, "score", "wave", "group", "id", df_method="kr")


def test_boundary_fit_warns_and_reduces_to_least_squares(rng):
    n = 30
    ids = np.repeat(np.arange(n), 3)
    e = rng.normal(0, 0.3, 3 * n)
    # every person has the same mean score: no between-person variance at all
    score = 3 + e - pd.Series(e).groupby(ids).transform("mean").to_numpy()
    data = pd.DataFrame({"id": ids, "wave": np.tile(["1pre", "2post", "3fu"], n),
                         "group": np.where(ids < n // 2, "c", "t"), "score": score})
    with pytest.warns(UserWarning, match="boundary"):
        res = lmm(data, "score", "wave", "group", "id")
    assert res.var_intercept == 0.0
    # lmerTest gives df = n - p for a singular fit
    assert_allclose(res.fixed["df"], 3 * n - 6, rtol=1e-9)
    X = np.column_stack([np.ones(3 * n)] + [(data.wave == w).to_numpy(float)
                                            for w in ("2post", "3fu")]
                        + [(data.group == "t").to_numpy(float)])
    X = np.column_stack([X, X[:, 1] * X[:, 3], X[:, 2] * X[:, 3]])
    ols = np.linalg.lstsq(X, score, rcond=None)[0]
    assert_allclose(res.fixed["estimate"], ols, rtol=1e-9, atol=1e-12)


def test_plain_wave_labels_follow_the_canonical_order():
    data = _data("group_study")
    data["wave"] = data["wave"].map({"1pre": "pre", "2post": "post", "3follow": "follow-up"})
    res = lmm(data, "score", "wave", "group", "id")
    assert res.wave_levels == ("pre", "post", "follow-up")
    ref = CASES["group_study"]
    assert_allclose(res.fixed["estimate"], ref["fixed"]["estimate"], rtol=RTOL_LMM)

"""paired_effect_sizes against the hand computation in R (tests/reference/effects.R)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from reftools import RTOL, load_reference, nan_list
from stressgroup.analysis import paired_effect_sizes, paired_test
from stressgroup.errors import DegenerateDataWarning

CASES = load_reference("effects")["cases"]
EFFECTS = ["dz", "g_z", "d_av", "g_av", "d_rm"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_matches_r(case):
    res = paired_effect_sizes(nan_list(case["pre"]), nan_list(case["post"]))
    d = res.to_dict()
    for key in ("n", "n_dropped"):
        assert d[key] == case[key]
    for key in ("mean_diff", "sd_diff", "sd_pre", "sd_post", "r", "t", "df", "J"):
        assert_allclose(d[key], case[key], rtol=RTOL, err_msg=key)
    for key in EFFECTS:
        assert_allclose(d[key], case[key], rtol=RTOL, err_msg=key)
        assert_allclose(d[f"{key}_ci"], case[f"{key}_ci"], rtol=RTOL, err_msg=key)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_agrees_with_paired_test(case):
    pre, post = nan_list(case["pre"]), nan_list(case["post"])
    es, pt = paired_effect_sizes(pre, post), paired_test(pre, post)
    assert_allclose(es["d_z"], pt.dz, rtol=1e-12)
    assert_allclose(es.ci("d_z"), pt.dz_ci, rtol=1e-12)
    assert_allclose(es["d_av"], pt.d_av, rtol=1e-12)
    assert_allclose(es["g_z"], pt.g_z, rtol=1e-12)


def test_table_names_each_d():
    res = paired_effect_sizes([31, 28, 35, 40, 30, 26, 33, 38], [25, 29, 30, 31, 22, 24, 30, 28])
    t = res.table
    assert t.index.tolist() == ["d_z", "g_z", "d_av", "g_av", "d_rm"]
    assert {"estimate", "ci_low", "ci_high", "standardiser", "formula", "ci_method",
            "reference"} <= set(t.columns)
    assert "sd_pre + sd_post" in t.loc["d_av", "formula"]
    assert "Lakens" in t.loc["d_rm", "reference"]
    assert (t["ci_low"] < t["estimate"]).all() and (t["estimate"] < t["ci_high"]).all()
    assert "d_rm" in repr(res)


def test_equal_sds_make_d_rm_equal_d_av():
    rng = np.random.default_rng(5)
    pre = rng.normal(size=30)
    pre = (pre - pre.mean()) / pre.std(ddof=1)
    post = rng.permutation(pre) + 0.5  # same SD
    res = paired_effect_sizes(pre, post)
    assert_allclose(res["d_rm"], res["d_av"], rtol=1e-12)


def test_degenerate():
    with pytest.warns(DegenerateDataWarning, match="same amount"):
        res = paired_effect_sizes([1.0, 2.0, 3.0], [2.0, 3.0, 4.0])
    assert np.isnan(res["d_z"]) and np.isnan(res["d_rm"])
    assert res["d_av"] == pytest.approx(1.0)
    with pytest.warns(DegenerateDataWarning, match="at least 2"):
        paired_effect_sizes([1.0], [2.0])
    with pytest.raises(ValueError, match="confidence"):
        paired_effect_sizes([1, 2, 3], [2, 2, 5], confidence=95)

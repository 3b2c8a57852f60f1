"""permutation_test, wilcoxon_exact and shapiro_wilk against R (tests/reference/permutation.R)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from reftools import RTOL, load_reference, nan_list
from stressgroup.analysis import permutation_test, shapiro_wilk, wilcoxon_exact
from stressgroup.errors import DegenerateDataWarning

CASES = load_reference("permutation")["cases"]
BRUTE = [c for c in CASES if "perm_p" in c]
COIN = [c for c in CASES if c.get("coin_symmetry_exact_p") is not None]
WILC = [c for c in CASES if "wilcoxon_exact_p" in c]


def _data(case):
    return nan_list(case["pre"]), nan_list(case["post"])


@pytest.mark.parametrize("case", BRUTE, ids=lambda c: c["name"])
def test_exact_matches_brute_force_in_r(case):
    pre, post = _data(case)
    res = permutation_test(pre, post, method="exact")
    assert res.method == "exact"
    assert res.n_resamples == case["perm_total"] == 2 ** case["n_nonzero"]
    assert_allclose(res.p, case["perm_p"], rtol=1e-12)
    assert (res.n, res.n_nonzero, res.n_dropped) == (
        case["n"], case["n_nonzero"], case["n_dropped"])
    assert_allclose(res.statistic, case["statistic"], rtol=1e-12)


@pytest.mark.parametrize("case", COIN, ids=lambda c: c["name"])
def test_exact_matches_coin_symmetry_test(case):
    pre, post = _data(case)
    res = permutation_test(pre, post, method="exact")
    assert_allclose(res.p, case["coin_symmetry_exact_p"], rtol=RTOL)


def test_tie_tolerance_matters():
    # in at least one case exact floating comparison would miss tied patterns,
    # and coin agrees with the tolerant count
    diff = [c for c in COIN if "perm_p" in c and c["perm_p"] != c["perm_p_no_tolerance"]]
    assert diff
    for c in diff:
        assert_allclose(c["coin_symmetry_exact_p"], c["perm_p"], rtol=RTOL)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_auto_picks_exact_up_to_20(case):
    pre, post = _data(case)
    res = permutation_test(pre, post, seed=1)
    want = "exact" if case["n_nonzero"] <= 20 else "monte_carlo"
    assert res.method == want
    assert str(case["n_nonzero"]) in res.reason
    if want == "exact":
        assert np.isnan(res.mc_se)
    else:
        assert res.n_resamples == 9999 and res.mc_se > 0


@pytest.mark.parametrize("case", [c for c in COIN if c["n_nonzero"] > 20],
                         ids=lambda c: c["name"])
def test_monte_carlo_is_close_to_exact_and_reproducible(case):
    pre, post = _data(case)
    a = permutation_test(pre, post, n_resamples=20000, seed=42)
    b = permutation_test(pre, post, n_resamples=20000, seed=42)
    assert a.p == b.p
    assert abs(a.p - case["coin_symmetry_exact_p"]) < 4 * a.mc_se
    assert_allclose(a.mc_se, np.sqrt(a.p * (1 - a.p) / 20000), rtol=1e-12)
    # p = (b + 1) / (m + 1): never zero
    assert (a.p * 20001) == pytest.approx(round(a.p * 20001))


def test_monte_carlo_p_never_zero():
    pre = np.zeros(30)
    post = np.linspace(1, 2, 30)
    res = permutation_test(pre, post, n_resamples=99, seed=0)
    assert res.p == 1 / 100


def test_series_aligned_by_index():
    pre = pd.Series([1.0, 2.0, 3.0, 4.0], index=list("abcd"))
    post = pd.Series([3.5, 2.5, 1.5, 0.5], index=list("dcba"))
    res = permutation_test(pre, post)
    assert res.statistic == pytest.approx(-0.5)


def test_degenerate_and_bad_arguments():
    with pytest.warns(DegenerateDataWarning, match="zero"):
        res = permutation_test([1, 2, 3], [1, 2, 3])
    assert res.p == 1.0
    with pytest.raises(ValueError, match="n_resamples"):
        permutation_test([1, 2], [2, 3], n_resamples=0)
    with pytest.raises(ValueError, match="method"):
        permutation_test([1, 2], [2, 3], method="bootstrap")
    with pytest.raises(ValueError, match="same length"):
        permutation_test([1, 2], [2, 3, 4])


def test_to_dict_keys():
    d = permutation_test([1, 2, 3, 4], [2, 2.5, 1, 6]).to_dict()
    assert {"p", "method", "n_resamples", "mc_se", "n", "n_nonzero", "statistic",
            "reason"} <= set(d)
    assert d["mc_se"] is None


@pytest.mark.parametrize("case", WILC, ids=lambda c: c["name"])
def test_wilcoxon_exact_matches_brute_force(case):
    pre, post = _data(case)
    res = wilcoxon_exact(pre, post)
    assert_allclose(res.p, case["wilcoxon_exact_p"], rtol=1e-12)
    assert res.V == case["wilcoxon_V"]
    assert (res.n_zero, res.n_tie_groups) == (case["n_zero"], case["n_tie_groups"])
    assert res.expected == case["wilcoxon_expected"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_wilcoxon_exact_matches_coin(case):
    pre, post = _data(case)
    res = wilcoxon_exact(pre, post)
    assert_allclose(res.p, case["coin_wilcoxsign_exact_p"], rtol=RTOL)
    if "wilcox_test_exact_p" in case:  # no ties, no zeros: R's own exact test
        assert_allclose(res.p, case["wilcox_test_exact_p"], rtol=RTOL)


@pytest.mark.parametrize("case", [c for c in CASES if "shapiro_W" in c],
                         ids=lambda c: c["name"])
def test_shapiro_matches_r(case):
    pre, post = _data(case)
    res = shapiro_wilk(pre, post)
    assert_allclose(res.W, case["shapiro_W"], rtol=RTOL)
    assert_allclose(res.p, case["shapiro_p"], rtol=RTOL)
    assert res.n == case["n"]


def test_shapiro_note():
    small = shapiro_wilk(np.arange(8.0) ** 2)
    assert small.t_test_doubtful and "8" in small.note["en"] and "置换检验" in small.note["zh"]
    rng = np.random.default_rng(3)
    skewed = rng.exponential(size=25) ** 3
    res = shapiro_wilk(skewed)
    assert res.p < 0.05 and res.t_test_doubtful and "W =" in res.note["en"]
    fine = shapiro_wilk(rng.normal(size=40) ** 3)  # non-normal but n >= 30: not flagged
    assert not fine.t_test_doubtful and fine.note == {"en": "", "zh": ""}
    normal = shapiro_wilk(np.linspace(-1.5, 1.5, 15) + rng.normal(0, 0.01, 15))
    assert normal.p > 0.05 and not normal.t_test_doubtful
    with pytest.warns(DegenerateDataWarning):
        assert np.isnan(shapiro_wilk([1, 1, 1, 1]).W)


@pytest.mark.parametrize("n, defined", [(5000, True), (5001, False)])
def test_shapiro_range_as_r(n, defined):
    # R's shapiro.test takes 3 to 5000 values; above, W and p are NaN with a warning
    x = np.random.default_rng(n).normal(size=n)
    if defined:
        assert np.isfinite(shapiro_wilk(x).p)
    else:
        with pytest.warns(DegenerateDataWarning, match="5000"):
            res = shapiro_wilk(x)
        assert np.isnan(res.W) and np.isnan(res.p) and res.n == n


@pytest.mark.parametrize("k", [1, 2, 3, 7, 12])
def test_meet_in_the_middle_equals_full_enumeration(k):
    from stressgroup.analysis._permutation import _count_exact, _subset_sums

    rng = np.random.default_rng(k)
    for _ in range(20):
        x = rng.choice([0.2, 0.4, 0.6, 1.0, 1.4], size=k)  # many ties
        thr = abs(float((x * rng.choice([-1, 1], size=k)).sum())) - 1e-9 * x.sum()
        full = int((np.abs(_subset_sums(x)) >= thr).sum())
        assert _count_exact(x, thr) == full


@pytest.mark.parametrize("k", [1, 4, 9, 13])
def test_wilcoxon_distribution_equals_enumeration(k):
    from itertools import product

    from scipy import stats

    from stressgroup.analysis._permutation import _signrank_distribution

    rng = np.random.default_rng(k)
    r2 = np.rint(2 * stats.rankdata(rng.choice([1.0, 2.0, 3.0, 5.0], size=k))).astype(int)
    dist = _signrank_distribution(r2)
    counts = np.zeros(r2.sum() + 1)
    for s in product((0, 1), repeat=k):
        counts[int(np.dot(s, r2))] += 1
    assert_allclose(dist, counts / 2**k, rtol=0, atol=1e-15)

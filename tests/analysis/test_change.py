"""reliable_change and adjust_p against R."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from reftools import RTOL, load_reference, nan_list
from stressgroup import adjust_p, reliable_change

RCI = load_reference("rci")["cases"]
PADJ = load_reference("padjust")["cases"]


@pytest.mark.parametrize("case", RCI, ids=lambda c: c["name"])
def test_reliable_change_matches_r(case):
    res = reliable_change(nan_list(case["pre"]), nan_list(case["post"]),
                          reliability=case["r_xx"], higher_is=case["higher_is"])
    assert_allclose(res.sd_pre, case["sd_pre"], rtol=RTOL)
    assert_allclose(res.s_diff, case["s_diff"], rtol=RTOL)
    assert_allclose(nan_list(res.to_dict()["rci"]), nan_list(case["rci"]), rtol=RTOL)
    counts = case["counts"]
    assert (res.improved, res.unchanged, res.deteriorated) == (
        counts["improved"], counts["unchanged"], counts["deteriorated"])
    got = [c for c in res.table["category"] if c is not None]
    assert got == [c for c in case["classification"] if c is not None]


def test_criterion_is_strict():
    # |RCI| exactly 1.96 is not reliable
    res = reliable_change([0.0, 0.0], [1.96, -1.96], reliability=0.5,
                          sd_pre=1 / (2**0.5 * 0.5**0.5))
    assert res.unchanged == 2


@pytest.mark.parametrize("case", PADJ, ids=lambda c: c["name"])
@pytest.mark.parametrize("method,key", [("holm", "holm"), ("fdr_bh", "BH")])
def test_adjust_p_matches_p_adjust(case, method, key):
    assert_allclose(adjust_p(nan_list(case["p"]), method), nan_list(case[key]), rtol=1e-12)


def test_bad_arguments():
    with pytest.raises(ValueError, match="higher_is"):
        reliable_change([1], [2], reliability=0.8, higher_is="up")
    with pytest.raises(ValueError, match="correction"):
        adjust_p([0.1], "bonferonni")

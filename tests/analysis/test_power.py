"""power_paired against R pwr::pwr.t.test and power.t.test (tests/reference/power.R)."""

from __future__ import annotations

import math

import pytest
from numpy.testing import assert_allclose

from reftools import RTOL, load_reference
from stressgroup.analysis import paired_power, power_paired
from stressgroup.errors import DegenerateDataWarning

REF = load_reference("power")


def _id(c):
    return ",".join(f"{k}={c[k]}" for k in ("n", "dz", "power", "alpha") if k in c)


@pytest.mark.parametrize("case", REF["power"], ids=_id)
def test_power_matches_pwr_and_power_t_test(case):
    res = power_paired(n=case["n"], dz=case["dz"], alpha=case["alpha"], power=None)
    assert res.solved_for == "power"
    assert_allclose(res.power, case["power"], rtol=1e-9)
    assert_allclose(res.power, case["power_strict"], rtol=1e-9)
    up = power_paired(n=case["n"], dz=case["dz"], alpha=case["alpha"], power=None,
                      tails="upper")
    assert_allclose(up.power, case["power_upper"], rtol=1e-9)
    # the sign of dz does not matter (two-sided)
    assert_allclose(paired_power(case["n"], -case["dz"], case["alpha"]), case["power"],
                    rtol=1e-9)


@pytest.mark.parametrize("case", REF["n"], ids=_id)
def test_solve_n(case):
    res = power_paired(dz=case["dz"], power=case["power"], alpha=case["alpha"])
    assert res.solved_for == "n"
    assert_allclose(res.n, case["n"], rtol=RTOL)
    assert res.n_whole == case["n_whole"] == math.ceil(case["n_pwr"])
    assert_allclose(res.power_whole, case["power_whole"], rtol=1e-9)
    assert res.power_whole >= case["power"]
    # R's own uniroot stops at ~1e-4
    assert_allclose(res.n, case["n_pwr"], rtol=1e-4)
    up = power_paired(dz=case["dz"], power=case["power"], alpha=case["alpha"],
                      tails="upper")
    assert_allclose(up.n, case["n_upper"], rtol=RTOL)


@pytest.mark.parametrize("case", REF["dz"], ids=_id)
def test_solve_dz(case):
    res = power_paired(n=case["n"], power=case["power"], alpha=case["alpha"])
    assert res.solved_for == "dz"
    assert_allclose(res.dz, case["dz"], rtol=RTOL)
    assert_allclose(res.dz, case["dz_pwr"], rtol=1e-3)
    up = power_paired(n=case["n"], power=case["power"], alpha=case["alpha"], tails="upper")
    assert_allclose(up.dz, case["dz_upper"], rtol=RTOL)


def test_to_dict_keys():
    d = power_paired(dz=0.5).to_dict()
    assert {"n", "n_whole", "dz", "power"} <= set(d)
    assert d["solved_for"] == "n" and d["n_whole"] == 34


def test_huge_effect_reaches_power_with_two_pairs():
    with pytest.warns(DegenerateDataWarning, match="2 pairs"):
        res = power_paired(dz=50)
    assert res.n_whole == 2


@pytest.mark.parametrize("kwargs,match", [
    ({}, "exactly one"),
    ({"n": 9, "dz": 0.5}, "pass power=None"),
    ({"n": 9, "dz": None, "power": None}, "exactly one"),
    ({"n": 1, "dz": None}, "n must be"),
    ({"dz": 0.5, "alpha": 1.5}, "alpha"),
    ({"dz": 0.5, "power": 1.0}, "power"),
    ({"dz": 0.0}, "dz = 0"),
    ({"dz": 0.5, "tails": "two"}, "tails"),
    ({"dz": 0.5, "power": 0.04}, "exceed alpha"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        power_paired(**kwargs)

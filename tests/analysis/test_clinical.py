"""clinical_significance against the hand computation in R (tests/reference/clinical.R)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from reftools import RTOL, load_reference, nan_list
from stressgroup.analysis import clinical_significance, jacobson_truax_cutoffs
from stressgroup.instruments import load_instrument

CASES = load_reference("clinical")["cases"]
BY_CUT = [(c, k) for c in CASES for k in c["by_cutoff"]]


def _run(case, cutoff=None):
    return clinical_significance(nan_list(case["pre"]), nan_list(case["post"]),
                                 reliability=case["r_xx"], higher_is=case["higher_is"],
                                 norms=case["norm"], ids=case["ids"], cutoff=cutoff)


def _opt(values):
    return [None if v is None else v for v in values]


@pytest.mark.parametrize("case,cut", BY_CUT, ids=lambda x: x if isinstance(x, str) else x["name"])
def test_matches_r(case, cut):
    res = _run(case, cut)
    ref = case["by_cutoff"][cut]
    assert_allclose(res.mean_pre, case["mean_pre"], rtol=RTOL)
    assert_allclose(res.sd_pre, case["sd_pre"], rtol=RTOL)
    assert_allclose(res.s_diff, case["s_diff"], rtol=RTOL)
    assert_allclose(res.table["rci"].to_numpy(float), nan_list(case["rci"]), rtol=RTOL)
    assert_allclose(res.cutoff_value, ref["cutoff_value"], rtol=RTOL)
    for k, v in case["cutoffs"].items():
        assert_allclose(res.cutoffs[k], v, rtol=RTOL)
    assert res.table["category"].tolist() == _opt(ref["category"])
    assert res.table["functional_post"].tolist() == _opt(ref["functional_post"])
    assert res.table["functional_pre"].tolist() == _opt(ref["functional_pre"])
    assert list(res.targeted) == ref["targeted"]
    assert res.table["targeted"].tolist() == ref["targeted_flag"]
    for k, v in ref["counts"].items():
        assert getattr(res, k) == v


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_default_cutoff_and_source(case):
    res = _run(case)
    if case["norm"] is None:
        assert res.cutoff == "a"
        assert "criterion a only" in res.cutoff_source
        assert math.isnan(res.cutoffs["b"]) and math.isnan(res.cutoffs["c"])
    else:
        assert res.cutoff == "c"
        assert res.cutoff_source.startswith("norms")
    d = res.to_dict()
    assert {"recovered", "improved", "unchanged", "deteriorated", "cutoff", "cutoff_value",
            "cutoff_source", "targeted", "rci", "category"} <= set(d)
    assert d["recovered"] + d["improved"] + d["unchanged"] + d["deteriorated"] == d["n"]


def test_norms_from_instrument():
    scl = load_instrument("scl-90")
    norm = scl.norm("gsi")
    case = CASES[0]
    res = clinical_significance(nan_list(case["pre"]), nan_list(case["post"]),
                                reliability=case["r_xx"], norms=norm, ids=case["ids"])
    assert "Chinese normal adults" in res.cutoff_source
    assert_allclose(res.cutoff_value, case["by_cutoff"]["c"]["cutoff_value"], rtol=RTOL)


def test_series_ids_from_index():
    pre = pd.Series([2.5, 2.8, 3.0], index=["x1", "x2", "x3"])
    post = pd.Series([1.2, 2.9, 3.6], index=["x1", "x2", "x3"])
    res = clinical_significance(pre, post, reliability=0.9)
    assert res.table["id"].tolist() == ["x1", "x2", "x3"]
    assert res.targeted == ("x2", "x3")


def test_cutoff_formulas():
    c = jacobson_truax_cutoffs(10.0, 2.0, 4.0, 1.0, "worse")
    assert c == {"a": 6.0, "b": 6.0, "c": (1 * 10 + 2 * 4) / 3}
    c = jacobson_truax_cutoffs(4.0, 1.0, 10.0, 2.0, "better")
    assert c["a"] == 6.0 and c["b"] == 6.0


def test_note_when_sample_is_not_dysfunctional():
    res = clinical_significance([1.2, 1.4, 1.3, 1.1], [1.1, 1.2, 1.4, 1.0], reliability=0.9,
                                norms=(1.44, 0.43))
    assert res.notes and "dysfunctional" in res.notes[0]


def test_bad_arguments():
    with pytest.raises(ValueError, match="norms"):
        clinical_significance([1, 2, 3], [1, 2, 2], reliability=0.8, cutoff="c")
    with pytest.raises(ValueError, match="cutoff"):
        clinical_significance([1, 2, 3], [1, 2, 2], reliability=0.8, cutoff="d")
    with pytest.raises(ValueError, match="higher_is"):
        clinical_significance([1, 2, 3], [1, 2, 2], reliability=0.8, higher_is="up")
    with pytest.raises(TypeError, match="norms"):
        clinical_significance([1, 2, 3], [1, 2, 2], reliability=0.8, norms="high")
    with pytest.raises(ValueError, match="positive sd"):
        clinical_significance([1, 2, 3], [1, 2, 2], reliability=0.8,
                              norms={"mean": 1, "sd": 0})
    with pytest.raises(ValueError, match="ids"):
        clinical_significance([1, 2, 3], [1, 2, 2], reliability=0.8, ids=["a", "b"])
    with pytest.raises(ValueError, match="criterion"):
        clinical_significance([1, 2, 3], [1, 2, 2], reliability=0.8, criterion=-1)
    assert np.isnan(jacobson_truax_cutoffs(2.0, 0.5)["c"])


def test_to_dict_lists_people_with_their_ids():
    from stressgroup.analysis import clinical_significance

    res = clinical_significance([3.0, 3.5, 2.0, 4.0], [2.0, 3.6, 2.1, 1.0], reliability=0.8,
                                ids=["b", "a", "c", "d"])
    d = res.to_dict()
    assert d["id"] == ["b", "a", "c", "d"]
    assert len(d["rci"]) == len(d["category"]) == 4
    assert d["category"][d["id"].index("d")] == "recovered"   # 4 -> 1: reliable, functional


def test_table_built_on_demand_from_the_inputs_as_given():
    import numpy as np

    pre = np.array([2.6, 2.2, 3.0, 2.4, 1.9, 2.8])
    post = np.array([1.5, 2.1, 2.9, 2.6, 1.2, 1.8])
    ids = np.array(list("ABCDEF"), dtype=object)
    res = clinical_significance(pre, post, reliability=0.9, norms={"mean": 1.44, "sd": 0.43},
                                ids=ids)
    pre[:] = 0.0
    ids[0] = "Z"   # later changes to the inputs do not reach the result
    t = res.table
    assert t["id"].tolist() == list("ABCDEF")
    assert t["pre"].tolist() == [2.6, 2.2, 3.0, 2.4, 1.9, 2.8]
    assert res.n_people == 6
    assert res.ids_in("recovered") == ["A", "F"]
    assert res.ids_in("improved") == ["E"]
    d = res.to_dict(per_person=True)
    assert d["id"] == t["id"].tolist()
    assert d["rci"] == t["rci"].tolist()
    assert d["category"] == t["category"].tolist()
    assert res.table is t   # built once

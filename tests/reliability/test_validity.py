"""kmo and bartlett against R psych::KMO and psych::cortest.bartlett (validity.R)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from reftools import REFERENCE, RTOL, load_reference, nan_list
from stressgroup.core.errors import DataError, MeasurementWarning
from stressgroup.reliability import BartlettResult, KMOResult, bartlett, kmo

REF = load_reference("validity")
CASES = {c["name"]: c for c in REF["cases"]}


@pytest.fixture(scope="module")
def bfi() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "bfi.csv")


def case_items(case, bfi) -> pd.DataFrame:
    if case["name"] == "npd":
        return pd.read_csv(REFERENCE / "npd.csv")
    x = bfi[case["items"]]
    return x.iloc[:60] if case["name"] == "bfiA_first60" else x


def run(case, bfi):
    x = case_items(case, bfi)
    missing = "listwise" if case["use"] == "complete" else "pairwise"
    if case["name"] == "npd":
        with pytest.warns(MeasurementWarning, match="not positive definite"):
            return kmo(x, missing=missing), bartlett(x, missing=missing)
    return kmo(x, missing=missing), bartlett(x, missing=missing)


@pytest.mark.parametrize("name", sorted(CASES))
def test_kmo_matches_psych(name, bfi):
    ref = CASES[name]
    k, _ = run(ref, bfi)
    assert k.kmo_per_item.index.tolist() == ref["items"]
    assert k.n == ref["n"]
    if ref["kmo"] is None:
        assert np.isnan(k.kmo) and k.kmo_per_item.isna().all()
        return
    assert_allclose(k.kmo, ref["kmo"], rtol=RTOL)
    assert_allclose(k.kmo_per_item.to_numpy(), nan_list(ref["kmo_per_item"]), rtol=RTOL)


@pytest.mark.parametrize("name", sorted(CASES))
def test_bartlett_matches_psych(name, bfi):
    ref = CASES[name]
    _, b = run(ref, bfi)
    assert b.n == ref["n"] and b.df == ref["df"]
    if ref["chisq"] is None:
        assert np.isnan(b.chisq) and np.isnan(b.p)
        return
    assert_allclose(b.chisq, ref["chisq"], rtol=RTOL)
    assert_allclose(b.p, ref["p"], rtol=RTOL, atol=1e-300)


def test_npd_case_is_not_positive_definite():
    assert CASES["npd"]["min_eigenvalue"] < 0


def test_bartlett_n_choice(bfi):
    x = bfi[CASES["bfi10"]["items"]]
    full = bartlett(x)
    assert full.n == len(x)
    smaller = bartlett(x, n=500)
    ratio = (500 - 1 - (2 * 10 + 5) / 6) / (len(x) - 1 - (2 * 10 + 5) / 6)
    assert_allclose(smaller.chisq, full.chisq * ratio, rtol=1e-12)
    listwise = bartlett(x, missing="listwise")
    assert listwise.n == int(x.notna().all(axis=1).sum())
    for bad in (1, 2.5, True, "all"):
        with pytest.raises(ValueError, match="n must be"):
            bartlett(x, n=bad)


def test_results_unpack_and_serialise(bfi):
    x = bfi[CASES["bfi10"]["items"]]
    k, b = kmo(x), bartlett(x)
    assert isinstance(k, KMOResult) and isinstance(b, BartlettResult)
    chisq, p = b
    assert (chisq, p) == (b.chisq, b.p)
    assert {"chisq", "df", "p", "n"} <= set(b.to_dict())
    d = k.to_dict()
    assert {"kmo", "kmo_per_item"} <= set(d) and set(d["kmo_per_item"]) == set(x.columns)
    assert k.label == "middling"
    assert "KMO" in repr(k) and "chi2(45)" in repr(b)


def test_low_kmo_warns(rng):
    x = pd.DataFrame(rng.normal(size=(300, 5)), columns=list("abcde"))
    with pytest.warns(MeasurementWarning, match="below .6"):
        res = kmo(x)
    assert res.kmo < 0.6


def test_zero_variance_items_refused(rng):
    x = pd.DataFrame(rng.normal(size=(50, 3)), columns=["a", "b", "c"])
    x["flat"] = 3.0
    x["lonely"] = np.nan
    x.loc[0, "lonely"] = 1.0
    for f in (kmo, bartlett):
        with pytest.raises(DataError, match="flat, lonely"):
            f(x)


def test_pairs_never_answered_together_refused(rng):
    x = pd.DataFrame(rng.normal(size=(40, 3)), columns=["a", "b", "c"])
    x.loc[:19, "a"] = np.nan
    x.loc[20:, "b"] = np.nan
    with pytest.raises(DataError, match="a-b"):
        kmo(x)


def test_singular_matrix_uses_r_as_psych(rng):
    f = rng.normal(size=(30, 1))
    x = pd.DataFrame(np.hstack([f, f, rng.normal(size=(30, 2))]), columns=list("abcd"))
    with pytest.warns(MeasurementWarning) as record:
        res = kmo(x)
    assert any("singular" in str(w.message) for w in record)
    # psych puts R in place of its inverse: sum r^2 / (sum r^2 + sum r^2)
    assert_allclose(res.kmo, 0.5, rtol=1e-12)


def test_bad_arguments(bfi):
    with pytest.raises(ValueError, match="missing"):
        kmo(bfi[["A1", "A2"]], missing="everything")
    with pytest.raises(TypeError, match="items"):
        kmo([1, 2, 3])


def test_documents_render_to_markdown(bfi):
    x = bfi[CASES["bfi10"]["items"]]
    md = kmo(x).to_markdown()
    assert "| Overall (KMO) | .78 |" in md and "| A1 | .72 |" in md and "middling" in md
    doc = kmo(x).to_document()
    assert [t.key for t in doc.tables()] == ["kmo"]
    assert doc.tables()[0].column("msa").kind == "proportion"
    zh = bartlett(x).to_markdown(lang="zh")
    assert "Bartlett 球形检验" in zh and "| 5664.89 | 45 | < 0.001 | 2800 | 10 |" in zh
    tab = bartlett(x).to_document().tables()[0]
    assert tab.rows[0]["chisq"] == bartlett(x).chisq          # raw, unrounded

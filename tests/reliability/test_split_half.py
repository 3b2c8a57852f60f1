"""split_half against R psych (tests/reference/split_half.R)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from reftools import REFERENCE, load_reference
from stressgroup import cronbach_alpha
from stressgroup.reliability import split_half

REF = load_reference("split_half")
CASES = {c["name"]: c for c in REF["cases"]}
KEYS = ["spearman_brown_first_second", "spearman_brown_odd_even",
        "flanagan_rulon_first_second", "flanagan_rulon_odd_even", "r_first_second",
        "r_odd_even", "lambda_2", "lambda_6", "alpha", "n", "k"]


@pytest.fixture(scope="module")
def bfi() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "bfi.csv")


def _items(case, bfi):
    x = bfi[case["items"]].astype(float)
    rev = case["reversed"]
    rev = [rev] if isinstance(rev, str) else list(rev or [])
    if case["name"] != "A_first4":
        x[rev] = 7 - x[rev]
    if case["name"].startswith("C_complete"):
        allk = [c for c in bfi.columns if c[0] in "ACENO" and c[1:].isdigit()]
        keep = bfi[allk].notna().all(axis=1)
        x = x[keep]
    if case["name"] == "A_first4":
        x = x[x.notna().all(axis=1)]
    return x


@pytest.fixture(params=sorted(CASES), scope="module")
def case(request, bfi):
    c = CASES[request.param]
    return c, split_half(_items(c, bfi), covar=c["covar"])


@pytest.mark.parametrize("key", KEYS)
def test_matches_psych(case, key):
    ref, res = case
    assert_allclose(getattr(res, key), ref[key], rtol=1e-10, err_msg=ref["name"])


def test_lambda6_is_alpha_g6(case, bfi):
    ref, res = case
    if not ref["covar"]:
        assert_allclose(res.lambda_6, cronbach_alpha(_items(ref, bfi)).g6, rtol=1e-12)
        assert_allclose(res.lambda_6, ref["alpha_g6"], rtol=1e-10)
        if "guttman_lambda_2" in ref:
            assert_allclose(res.lambda_2, ref["guttman_lambda_2"], rtol=1e-10)


def test_halves_follow_psych_and_odd_even():
    x = pd.DataFrame(np.arange(35, dtype=float).reshape(7, 5) % 7 + np.eye(7, 5),
                     columns=list("abcde"))
    res = split_half(x)
    assert res.first_half == ("a", "b") and res.second_half == ("c", "d", "e")
    assert res.odd_items == ("a", "c", "e") and res.even_items == ("b", "d")
    d = res.to_dict()
    assert d["spearman_brown_first_second"] == res.spearman_brown_first_second
    assert d["first_half"] == ["a", "b"]
    assert list(res.to_frame().index) == ["first_second", "odd_even"]
    assert "lambda_2" in repr(res)


def test_constant_item_is_refused():
    x = pd.DataFrame({"a": [1.0, 2, 3], "b": [2.0, 2, 2], "c": [1.0, 3, 2]})
    with pytest.raises(ValueError, match="without variance"):
        split_half(x)
    with pytest.raises(TypeError, match="covar"):
        split_half(x, covar="yes")


def test_renders_as_markdown(bfi):
    res = split_half(_items(CASES["A"], bfi))
    md = res.to_markdown()
    assert "| Split | Items in half A |" in md and "Spearman-Brown" in md
    doc = res.to_document()
    assert [t.key for t in doc.tables()] == ["split_half", "guttman"]
    assert doc.tables()[0].rows[1]["sb"] == res.spearman_brown_odd_even
    assert "分半信度" in res.to_markdown(lang="zh")

"""screen() and person_history(): bands, norms, flags with reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stressgroup import DataError, load_instrument, person_history, screen

INST = """
id: mini-screen
response: {min: 0, max: 4}
scoring: sum
subscales:
  - {id: a, items: [A1, A2, A3]}
  - {id: b, items: [B1, B2], scoring: mean}
total: {id: total, items: all}
indices:
  - {id: positive, type: count_at_least, items: all, value: 3}
norms:
  - {scale: total, mean: 6, sd: 2, population: test, source: made up}
bands:
  total:
    - {label: {en: low, zh: 低}}
    - {from: 6, label: {en: moderate, zh: 中}}
    - {from: 12, label: {en: high, zh: 高}}
screening:
  any:
    - {scale: total, op: ">", value: 15}
    - {scale: positive, op: ">=", value: 3}
    - {any_of: [b], op: ">=", value: 3.5}
"""

NO_RULE = INST.split("screening:")[0]


@pytest.fixture(scope="module")
def inst(tmp_path_factory):
    p = tmp_path_factory.mktemp("s") / "mini.yaml"
    p.write_text(INST, encoding="utf-8")
    return load_instrument(p)


def frame(rows):
    cols = ["A1", "A2", "A3", "B1", "B2"]
    return pd.DataFrame([{"id": i, "wave": w, **dict(zip(cols, v))} for i, w, v in rows])


def test_each_condition_alone(inst):
    df = frame([
        ("none", "pre", [1, 1, 1, 1, 1]),       # total 5: low, not flagged
        ("total", "pre", [4, 4, 2, 2, 2]),      # total 14 (prorated sum), positive 2 -> no
        ("pos", "pre", [3, 3, 3, 0, 0]),        # 3 items >= 3 -> flagged
        ("sub", "pre", [0, 0, 0, 4, 4]),        # subscale b mean 4 >= 3.5 -> flagged
        ("big", "pre", [4, 4, 4, 2, 2]),        # total 16 > 15 (and positive 3)
        ("gap", "pre", [np.nan, np.nan, 1, np.nan, np.nan]),  # scores missing: NA
    ])
    t = screen(df, inst).table.set_index("id")
    assert t.loc["none", "total_band"] == "low" and not t.loc["none", "flag"]
    assert t.loc["total", "total_band"] == "high" and not t.loc["total", "flag"]
    assert t.loc["pos", "flag"] and t.loc["pos", "reasons"] == "positive = 3 >= 3"
    assert t.loc["sub", "flag"] and t.loc["sub", "reasons"] == "b = 4 >= 3.5"
    assert t.loc["big", "reasons"] == "total = 16 > 15; positive = 3 >= 3"
    assert pd.isna(t.loc["gap", "flag"])
    assert t.loc["none", "total_z"] == pytest.approx((5 - 6) / 2)


def test_counts_and_flagged(inst):
    df = frame([("x", "pre", [4, 4, 4, 4, 4]), ("x", "post", [1, 1, 1, 1, 1]),
                ("y", "pre", [1, 1, 1, 1, 1])])
    res = screen(df, inst)
    c = res.counts()
    assert c.index.astype(str).tolist() == ["pre", "post"]
    assert c.loc["pre", "flagged"] == 1 and c.loc["post", "flagged"] == 0
    assert res.flagged["id"].tolist() == ["x"]
    assert "total > 15" in res.rule and "flagged" in repr(res)


def test_chinese_band_labels(inst):
    t = screen(frame([("x", "pre", [4, 4, 4, 4, 4])]), inst, lang="zh").table
    assert t["total_band"].tolist() == ["高"]


def test_default_rule_is_the_top_band(tmp_path):
    p = tmp_path / "norule.yaml"
    p.write_text(NO_RULE, encoding="utf-8")
    res = screen(frame([("x", "pre", [4, 4, 4, 4, 4]), ("y", "pre", [1, 2, 1, 1, 1])]), p)
    assert res.table["flag"].tolist() == [True, False]
    assert "band 'high'" in res.rule


def test_person_history(inst):
    # waves as plain text, post listed first: the history still runs pre -> post
    df = frame([("x", "post", [1, 1, 1, 1, 1]), ("x", "pre", [4, 4, 4, 4, 4]),
                ("y", "pre", [1, 1, 1, 1, 1])])
    h = person_history(df, "x", inst)
    assert h["wave"].astype(str).tolist() == ["pre", "post"]
    assert h["total_change"].tolist() == [0.0, -15.0]  # 20 at pre, 5 at post
    assert h["flag"].tolist() == [True, False]
    with pytest.raises(DataError, match="no rows for id 'z'"):
        person_history(df, "z", inst)

"""score(): reverse keying, mean/sum, min_answered, total from all items."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from reftools import REFERENCE, RTOL
from stressgroup import DataError, load_instrument, score
from stressgroup.instruments import key_items

MINI = """
id: mini
response: {min: 0, max: 4}
scoring: sum
min_answered: 0.5
subscales:
  - {id: a, items: [A1, A2, A3, A4], reverse: [A2]}
  - {id: b, items: [B1, B2], scoring: mean}
total: {id: total, items: all}
"""


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    p = tmp_path_factory.mktemp("inst") / "mini.yaml"
    p.write_text(MINI, encoding="utf-8")
    return load_instrument(p)


def test_hand_computed_sum_and_mean(mini):
    df = pd.DataFrame({"id": ["1", "2", "3"], "wave": ["pre"] * 3,
                       "A1": [4, 1, np.nan], "A2": [0, 4, np.nan], "A3": [2, np.nan, np.nan],
                       "A4": [3, 2, 1], "B1": [1, np.nan, 2], "B2": [2, 4, np.nan]})
    s = score(df, mini)
    # person 1: A = 4 + (4-0) + 2 + 3 = 13; B = mean(1, 2) = 1.5
    # person 2: A prorated: (1 + 0 + 2) / 3 * 4 = 4; B = 4 (1 of 2 answered, 0.5 share)
    # person 3: A has 1 of 4 answered (< 2): missing
    assert_allclose(s["a"], [13, 4, np.nan])
    assert_allclose(s["b"], [1.5, 4, 2])
    # total: sum of all 6 keyed items, prorated (mini sets scoring: sum)
    assert_allclose(s["total"], [16, (1 + 0 + 2 + 4) / 4 * 6, np.nan])
    assert s["a_answered"].tolist() == [4, 3, 1]
    assert s["total_answered"].tolist() == [6, 4, 2]


def test_total_is_not_the_mean_of_subscale_means(five_level):
    row = {i: 1.0 for i in five_level.item_ids}
    for i in five_level.reverse_items:
        row[i] = 5.0  # keyed 1
    row.update({"IND1": 5.0, "IND2": 5.0, "IND3": 5.0, "IND5": 5.0})  # IND4 keyed 1
    row["FAM1"] = np.nan
    s = score(pd.DataFrame([{"id": "1", "wave": "pre", **row}]), five_level)
    assert s.loc[0, "individual"] == pytest.approx(21 / 5)
    assert s.loc[0, "total"] == pytest.approx((21 + 4 + 5 + 5 + 5) / 24)
    # the mean of the subscale means would differ: (4.2 + 1 + 1 + 1 + 1) / 5
    assert s.loc[0, "total"] != pytest.approx(8.2 / 5)


def test_sample_scores_match_r(five_level, sample_long_frame):
    ref = pd.read_csv(REFERENCE / "sample_scores.csv", dtype={"id": str})
    s = score(sample_long_frame, five_level)
    merged = ref.merge(s, on=["id", "wave"], suffixes=("_r", ""))
    assert len(merged) == len(ref) == len(sample_long_frame)
    for sub in ("individual", "family", "work", "organization", "society", "total"):
        assert_allclose(merged[sub], merged[f"{sub}_r"], rtol=RTOL, equal_nan=True)


def test_declared_range_not_observed(five_level):
    # everyone answered IND4 with 2 or 3: reversal uses 1 + 5 - x, not 2 + 3 - x
    df = pd.DataFrame({"IND4": [2.0, 3.0]})
    assert key_items(df, five_level, ["IND4"])["IND4"].tolist() == [4.0, 3.0]


def test_out_of_range_raises(five_level):
    df = pd.DataFrame([{"id": "1", "wave": "pre", **{i: 3.0 for i in five_level.item_ids}}])
    df.loc[0, "WORK2"] = 7
    with pytest.raises(DataError, match="outside the declared range 1-5.*WORK2"):
        score(df, five_level)


def test_missing_item_column_raises(five_level):
    with pytest.raises(DataError, match="no column for item"):
        score(pd.DataFrame({"id": ["1"], "wave": ["pre"], "IND1": [3]}), five_level)


def test_text_item_column_raises(five_level):
    df = pd.DataFrame([{"id": "1", "wave": "pre", **{i: 3.0 for i in five_level.item_ids}}])
    df["IND1"] = ["three"]
    with pytest.raises(DataError, match="IND1.* holds text"):
        score(df, five_level)


answers = st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=25, max_size=25)


@settings(max_examples=60, deadline=None)
@given(st.lists(answers, min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_scoring_invariant_to_column_order(five_level, rows, rnd):
    items = list(five_level.item_ids)
    df = pd.DataFrame([[np.nan if v is None else float(v) for v in r] for r in rows],
                      columns=items)
    df.insert(0, "id", [str(i) for i in range(len(df))])
    shuffled = items[:]
    rnd.shuffle(shuffled)
    a = score(df, five_level)
    b = score(df[["id"] + shuffled], five_level)
    pd.testing.assert_frame_equal(a, b)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=1, max_size=20))
def test_reverse_keying_twice_is_identity(five_level, values):
    x = pd.DataFrame({"IND4": [np.nan if v is None else float(v) for v in values]})
    once = key_items(x, five_level, ["IND4"])
    twice = key_items(once, five_level, ["IND4"])
    pd.testing.assert_frame_equal(twice, x)


EXT = """
id: ext
response: {min: 1, max: 4}
scoring: sum
min_answered: 1.0
items:
  - {id: S1, values: {1: 0, 2: 0, 3: 1, 4: 1}}
  - {id: S5, type: sum, sub_items: [S5A, S5B, S5C]}
  - {id: S6, type: count, options: [none, spouse, parents, friends], none: none}
subscales:
  - {id: a, items: [S1, S5, S6]}
total: {id: total, items: all}
indices:
  - {id: high_items, type: count_at_least, items: all, value: 2}
  - {id: high_mean, type: mean_at_least, items: all, value: 2}
"""


@pytest.fixture(scope="module")
def ext(tmp_path_factory):
    p = tmp_path_factory.mktemp("ext") / "ext.yaml"
    p.write_text(EXT, encoding="utf-8")
    return load_instrument(p)


def test_value_map_sum_item_and_count_from_options(ext):
    df = pd.DataFrame({
        "id": ["1", "2", "3", "4"],
        "S1": [1, 4, 3, 2],
        "S5A": [1, 4, 2, np.nan], "S5B": [2, 4, 2, 1], "S5C": [3, 4, 2, 1],
        # options in order: none, spouse, parents, friends (0/1 columns)
        "S6_1": [0, 1, 0, np.nan], "S6_2": [1, 0, 0, np.nan],
        "S6_3": [1, 0, 0, np.nan], "S6_4": [0, 0, 1, np.nan],
    })
    keyed = key_items(df, ext)
    # S1 through its value map; S5 = A + B + C; S6 = spouse + parents + friends;
    # "none" alone gives 0 (person 2), nothing answered gives NaN (person 4)
    assert keyed["S1"].tolist() == [0, 1, 1, 0]
    assert_allclose(keyed["S5"], [6, 12, 6, np.nan])
    assert_allclose(keyed["S6"], [2, 0, 1, np.nan])
    s = score(df, ext)
    assert_allclose(s["a"], [8, 13, 8, np.nan])  # min_answered 1.0: all 3 needed
    # indices over keyed item scores: items >= 2 are S5 (6, 12, 6, -) and S6 (2, -, -, -);
    # person 4 answered 1 of 3 items, below min_answered (1.0): NaN, not a count of 0
    assert_allclose(s["high_items"], [2, 1, 1, np.nan])
    assert_allclose(s["high_mean"], [4, 12, 6, np.nan])


def test_count_item_from_a_numeric_column(ext):
    df = pd.DataFrame({"id": ["1"], "S1": [1], "S5": [7], "S6": [3]})
    assert score(df, ext)["a"].tolist() == [10.0]


def test_count_out_of_range(ext):
    df = pd.DataFrame({"id": ["1"], "S1": [1], "S5": [7], "S6": [4]})
    with pytest.raises(DataError, match="range 0-3.*S6"):
        score(df, ext)


def test_unmapped_answer_is_an_error(ext):
    df = pd.DataFrame({"id": ["1"], "S1": [5], "S5": [7], "S6": [1]})
    with pytest.raises(DataError, match="answer 5 in column 'S1'"):
        score(df, ext)


def test_rows_of_takes_the_block_as_pandas_does():
    import numpy as np
    import pandas as pd

    from stressgroup.instruments._scoring import rows_of

    rng = np.random.default_rng(2)
    frame = pd.DataFrame(rng.normal(size=(50, 6)), columns=list("abcdef"),
                         index=np.arange(100, 150))
    rows = np.array([3, 0, 7, 7, 49, 12])
    got = rows_of(frame, rows)(["e", "b", "c"])
    want = frame.iloc[rows][["e", "b", "c"]]
    pd.testing.assert_frame_equal(got, want)
    assert got.to_numpy().flags.f_contiguous == want.to_numpy().flags.f_contiguous

"""reliability() names its sample: per group by default with a group column, pooled on
request, and the title says which."""

from __future__ import annotations

import pandas as pd
import pytest

from stressgroup import DataError, reliability


def test_per_group_by_default(sample_long_frame, five_level):
    rel = reliability(sample_long_frame, five_level)
    assert rel.sample == "per group" and set(rel.groups) == {"intervention", "control"}
    sub = sample_long_frame[sample_long_frame["group"] == "control"]
    alone = reliability(sub, five_level, group=False)
    assert rel.table.loc[("control", "work"), "raw_alpha"] == pytest.approx(
        alone.table.loc["work", "raw_alpha"], rel=1e-15)
    assert "per group" in repr(rel)
    assert "each group on its own" in rel.to_markdown()
    d = rel.to_dict()
    assert d["sample"] == "per group" and "subscales" not in d
    assert d["groups"]["control"][0]["subscale"] == "individual"


def test_pooled_on_request(sample_long_frame, five_level):
    rel = reliability(sample_long_frame, five_level, pooled=True)
    assert rel.sample == "pooled" and rel.table.loc["total", "n"] == 48
    assert "all groups pooled" in rel.to_markdown() and "pooled" in repr(rel)


def test_without_a_group_column(sample_long_frame, five_level):
    rel = reliability(sample_long_frame.drop(columns="group"), five_level)
    assert rel.sample == "all" and "everyone" in rel.to_markdown()


def test_a_named_group_column_must_exist(sample_long_frame, five_level):
    with pytest.raises(DataError, match="group column 'arm' not found"):
        reliability(sample_long_frame, five_level, group="arm")


@pytest.mark.parametrize("group", [None, False])
def test_keyed_items_given_give_the_same_table(sample_long_frame, five_level, group):
    from types import SimpleNamespace

    from stressgroup.instruments import key_items

    plain = reliability(sample_long_frame, five_level, group=group)
    given = SimpleNamespace(data=sample_long_frame, absent_items=set(),
                            keyed=key_items(sample_long_frame, five_level))
    pd.testing.assert_frame_equal(reliability(given, five_level, group=group).table,
                                  plain.table)

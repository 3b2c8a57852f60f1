

def test_control_group_block_comes_last():
    import pandas as pd

    from stressgroup.analysis import sample_description

    data = pd.read_csv("data/sample/qcity_long.csv", dtype={"id": str})
    res = sample_description(data, ["gender"], group="group")
    groups = list(pd.unique(res.table["group"]))
    assert groups == ["intervention", "control", "total"]
    res = sample_description(data, ["gender"], group="group", control="intervention")
    assert list(pd.unique(res.table["group"])) == ["control", "intervention", "total"]

"""Category labels computed per distinct value equal the per-person conversion."""

import numpy as np
import pandas as pd
import pytest

from stressgroup.analysis._textvalues import text_values


def _slow(values):
    return [None if pd.isna(v) else str(v) for v in pd.Series(values, dtype=object)]


@pytest.mark.parametrize("values", [
    ["m", "f", None, "m", float("nan")],
    [1, 2, 2, None],
    [1.0, 2.5, np.nan],
    [1, 1.0, True, None],                 # mixed types: three labels
    pd.array(["a", None, "b"], dtype="string"),
    pd.array([1, None, 3], dtype="Int64"),
    ["男", "女", "男", pd.NA],
    [],
])
def test_equals_per_value_conversion(values):
    assert text_values(values).tolist() == _slow(values)

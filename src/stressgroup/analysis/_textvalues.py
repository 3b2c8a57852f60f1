"""Category labels as text, computed once per distinct value (not once per person)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["text_values"]


def text_values(values) -> np.ndarray:
    """``str(v)`` of every value, None where it is missing (None, NaN, pd.NA, NaT).

    Equal to ``[None if pd.isna(v) else str(v) for v in values]`` as an object array,
    with the conversion done once per distinct value.

    Examples
    --------
    >>> text_values(pd.Series(["m", None, "f", float("nan"), "m"])).tolist()
    ['m', None, 'f', None, 'm']
    >>> text_values([1, 1.0, True, None]).tolist()
    ['1', '1.0', 'True', None]
    """
    series = pd.Series(values, dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if len(set(map(type, series[series.notna()]))) > 1:
        # 1, 1.0 and True are one value to a hash table but three labels as text
        return np.array([None if pd.isna(v) else str(v) for v in series], dtype=object)
    labels = np.array([str(u) for u in uniques] + [None], dtype=object)
    return labels[codes]     # code -1 (missing) picks the trailing None

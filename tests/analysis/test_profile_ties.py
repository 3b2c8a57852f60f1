"""The vectorised Friedman tie term equals the per-row count it replaced."""

import numpy as np
import pytest

from stressgroup.analysis._profile import _tie_term


def _naive(x):
    total = 0
    for row in x:
        _, c = np.unique(row, return_counts=True)
        total += int((c**3 - c).sum())
    return float(total)


@pytest.mark.parametrize("k", [2, 3, 5, 10])
@pytest.mark.parametrize("block", [1, 7, 65536])
def test_tie_term_matches_per_row_count(k, block):
    rng = np.random.default_rng(k)
    x = np.rint(rng.normal(size=(300, k)) * 2) / 2   # many ties
    x[0] = 1.0                                       # a row of one value
    assert _tie_term(x, block=block) == _naive(x)


def test_no_ties_is_zero():
    x = np.arange(20.0).reshape(4, 5)
    assert _tie_term(x) == 0.0

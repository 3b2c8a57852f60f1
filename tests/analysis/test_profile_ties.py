"""The vectorised Friedman tie term and rank sums, and the hashed average ranks, equal
the per-row counts and scipy rankdata they replaced."""

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


@pytest.mark.parametrize("k", [2, 3, 5, 10])
@pytest.mark.parametrize("block", [1, 7, 262144])
def test_rank_sums_equal_rankdata(k, block):
    from scipy import stats

    from stressgroup.analysis._profile import _rank_sums_and_ties

    rng = np.random.default_rng(k)
    x = np.rint(rng.normal(size=(300, k)) * 2) / 2
    x[0] = 1.0
    x[1, 0] = -0.0
    x[1, 1:] = 0.0
    sums, ties = _rank_sums_and_ties(x, block=block)
    assert np.array_equal(sums, stats.rankdata(x, axis=1).sum(axis=0))
    assert ties == _naive(x)


@pytest.mark.parametrize("n", [1, 2, 10, 1000])
def test_average_ranks_equal_rankdata(n):
    from scipy import stats

    from stressgroup.analysis._paired import average_ranks

    rng = np.random.default_rng(n)
    for x in (rng.normal(size=n), rng.integers(-3, 4, n) / 5.0,
              np.where(rng.random(n) < 0.5, -0.0, 0.0), np.full(n, np.inf)):
        ranks, counts = average_ranks(x)
        assert np.array_equal(ranks, stats.rankdata(x))
        assert np.array_equal(counts, np.unique(x, return_counts=True)[1])

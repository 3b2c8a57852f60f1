"""Pairwise-complete covariances and correlations by matrix products equal pandas'
per-pair loops (which match R ``cov``/``cor(use = "pairwise")``)."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from stressgroup.reliability._matrix import pairwise_cor, pairwise_cov


def _likert(seed, n, k, missing):
    rng = np.random.default_rng(seed)
    x = np.rint(3 + rng.normal(size=(n, 1)) + rng.normal(size=(n, k)))
    x[rng.random(x.shape) < missing] = np.nan
    return x


@pytest.mark.parametrize("seed, n, k, missing", [
    (1, 5, 3, 0.2), (2, 40, 5, 0.05), (3, 300, 25, 0.02), (4, 60, 8, 0.5), (5, 2000, 10, 0.1)])
def test_matches_pandas(seed, n, k, missing):
    x = _likert(seed, n, k, missing)
    ref_cov = pd.DataFrame(x).cov().to_numpy()
    ref_cor = pd.DataFrame(x).corr().to_numpy()
    got_cov, got_cor = pairwise_cov(x), pairwise_cor(x)
    assert_allclose(got_cov, ref_cov, rtol=1e-12, atol=1e-14)
    assert_allclose(got_cor, ref_cor, rtol=1e-12, atol=1e-14)


def test_degenerate_pairs_are_nan_as_pandas():
    x = np.array([[1, 2, 5], [2, np.nan, 5], [3, np.nan, 5], [np.nan, 4, 5.0]])
    # columns 0 and 1 share one row; column 2 is constant
    for got, ref in ((pairwise_cov(x), pd.DataFrame(x).cov().to_numpy()),
                     (pairwise_cor(x), pd.DataFrame(x).corr().to_numpy())):
        assert np.array_equal(np.isnan(got), np.isnan(ref))
        ok = ~np.isnan(ref)
        assert_allclose(got[ok], ref[ok], rtol=1e-12, atol=1e-15)


def test_large_means_keep_precision():
    # centring first: scores around 1000 with unit spread lose nothing
    x = _likert(6, 500, 4, 0.1) + 1000.0
    assert_allclose(pairwise_cov(x), pd.DataFrame(x).cov().to_numpy(), rtol=1e-10)


@pytest.mark.parametrize("block", [7, 64, 1000])
def test_mask_in_row_blocks_gives_the_same_moments(monkeypatch, block):
    from stressgroup.reliability import _matrix

    x = _likert(9, 1000, 6, 0.1) + 0.37   # not integers: the sums are rounded
    whole = _matrix._pairwise_moments.__wrapped__(x)
    monkeypatch.setattr(_matrix, "MASK_ROWS", block)
    parts = _matrix._pairwise_moments.__wrapped__(x)
    np.testing.assert_array_equal(parts.n, whole.n)          # counts exact
    np.testing.assert_array_equal(parts.sxy, whole.sxy)      # not blocked
    np.testing.assert_array_equal(parts.ss, whole.ss)        # nanvar's, to the bit
    assert_allclose(parts.sx, whole.sx, rtol=1e-12, atol=1e-9)
    assert_allclose(parts.sxx, whole.sxx, rtol=1e-12)

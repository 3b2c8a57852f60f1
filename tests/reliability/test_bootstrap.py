"""The vectorised bootstrap (reliability._bootstrap) against a plain loop over resamples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from stressgroup import cronbach_alpha
from stressgroup.reliability._bootstrap import (block_size, cov_trace_and_sum,
                                                pairwise_cov_blocks, percentile_interval,
                                                resample_weights)
from stressgroup.reliability._matrix import pairwise_cov


def _data(rng, n=40, k=5, missing=0.0):
    x = np.rint(3 + rng.normal(size=(n, 1)) + rng.normal(size=(n, k)))
    if missing:
        x[rng.random(x.shape) < missing] = np.nan
    return x


def _indices(n, n_boot, seed):
    """The resampled rows, drawn as resample_weights documents (block by block)."""
    rng = np.random.default_rng(seed)
    bs = block_size(n)
    out, done = [], 0
    while done < n_boot:
        b = min(bs, n_boot - done)
        out.append(rng.integers(0, n, size=(b, n)))
        done += b
    return np.vstack(out)


@pytest.mark.parametrize("missing", [0.0, 0.1, 0.3])
def test_covariances_equal_loop(rng, missing):
    x = _data(rng, missing=missing)
    idx = _indices(len(x), 60, 11)
    loop = np.array([pairwise_cov(x[i]) for i in idx])
    vec = np.concatenate(list(pairwise_cov_blocks(x, 60, 11)))
    assert_allclose(vec, loop, rtol=1e-10, atol=1e-12)
    tr, tot = cov_trace_and_sum(x, 60, 11)
    assert_allclose(tr, np.trace(loop, axis1=1, axis2=2), rtol=1e-10)
    assert_allclose(tot, loop.sum(axis=(1, 2)), rtol=1e-10)


def test_weights_are_counts_of_the_drawn_rows():
    n, B = 7, 2500  # more than one block for n = 7? block_size(7) = 1024
    W = np.vstack(list(resample_weights(n, B, 3)))
    idx = _indices(n, B, 3)
    counts = np.array([np.bincount(i, minlength=n) for i in idx])
    assert W.shape == (B, n) and (W == counts).all()
    assert (W.sum(axis=1) == n).all()


def test_block_size_bounds_memory():
    assert block_size(500) == 1024
    assert block_size(100_000) == 5
    assert block_size(10**7) == 1


@pytest.mark.parametrize("missing", [0.0, 0.1])
def test_alpha_bootstrap_equals_loop_and_is_reproducible(rng, missing):
    x = _data(rng, n=50, k=6, missing=missing)
    res = cronbach_alpha(pd.DataFrame(x), ci="bootstrap", n_boot=300, seed=5)
    idx = _indices(50, 300, 5)
    vals = []
    for i in idx:
        C = pairwise_cov(x[i])
        vals.append((1 - np.trace(C) / C.sum()) * 6 / 5)
    lo, hi = np.nanquantile(vals, [0.025, 0.975])
    assert_allclose(res.ci, (lo, hi), rtol=1e-12)
    assert res.ci_method == "bootstrap"
    again = cronbach_alpha(pd.DataFrame(x), ci="bootstrap", n_boot=300, seed=5)
    assert again.ci == res.ci
    other = cronbach_alpha(pd.DataFrame(x), ci="bootstrap", n_boot=300, seed=6)
    assert other.ci != res.ci


def test_undefined_resamples_are_left_out():
    # two items answered together by only two people: many resamples lose the pair
    x = np.array([[1, 2, np.nan], [2, 3, np.nan], [3, 3, 4], [4, 5, 5], [2, 2, np.nan],
                  [5, 4, np.nan]], dtype=float)
    C = np.concatenate(list(pairwise_cov_blocks(x, 200, 1)))
    assert np.isnan(C[:, 0, 2]).any() and not np.isnan(C[:, 0, 1]).all()
    lo, hi = percentile_interval(np.array([np.nan, 1.0, 2.0, 3.0]), 0.5)
    assert_allclose((lo, hi), np.quantile([1.0, 2.0, 3.0], [0.25, 0.75]))
    assert np.isnan(percentile_interval(np.array([np.nan]))).all()


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_n_boot_is_checked(bad):
    with pytest.raises(ValueError, match="n_boot"):
        list(resample_weights(5, bad, 1))

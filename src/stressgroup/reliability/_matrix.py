"""Matrix helpers shared by the reliability functions (pairwise, as R)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from ._memo import memoised

__all__ = ["as_item_matrix", "pairwise_cov", "pairwise_cor", "cov2cor", "smc",
           "column_moments", "column_sd", "cov_and_item_moments"]


def as_item_matrix(items, name: str = "items") -> pd.DataFrame:
    """Validate and return the items as a float DataFrame."""
    if isinstance(items, pd.DataFrame):
        df = items
    elif isinstance(items, np.ndarray) and items.ndim == 2:
        df = pd.DataFrame(items, columns=[f"V{j + 1}" for j in range(items.shape[1])])
    else:
        raise TypeError(f"{name} must be a DataFrame or a 2-D array, one column per item")
    try:
        df = df.astype(float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must hold numbers (NaN for missing answers)") from None
    if df.shape[1] < 2:
        raise ValueError(f"{name} must have at least two item columns")
    return df


def column_moments(x: np.ndarray):
    """Per column: the answered mask, the counts, the means and the values centred at
    them (0 where missing).

    The steps are numpy's ``nanmean`` / ``nanvar`` ones (a copy with NaN set to 0 in
    the input's memory order, column sums, subtraction where answered), so means and
    SDs from here (:func:`column_sd`) equal ``np.nanmean`` / ``np.nanstd`` to the last
    bit, in one pass instead of one per statistic.
    """
    m = ~np.isnan(x)
    z = np.array(x, copy=True)
    np.copyto(z, 0.0, where=~m)
    cnt = m.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mu = z.sum(axis=0) / cnt
    np.subtract(z, mu, out=z, where=m)
    return m, cnt, mu, z


def column_sd(z: np.ndarray, cnt: np.ndarray, ddof: int = 1) -> np.ndarray:
    """``np.nanstd(x, axis=0, ddof=ddof)`` from :func:`column_moments`' centred values
    (NaN where fewer than ``ddof + 1`` answers)."""
    return _sd_from(np.multiply(z, z).sum(axis=0), cnt, ddof)


class Moments(NamedTuple):
    """Pairwise sums of :func:`_pairwise_moments` (k x k) and per-column counts, means
    and sums of squared deviations (k)."""

    n: np.ndarray
    sx: np.ndarray
    sxy: np.ndarray
    sxx: np.ndarray
    count: np.ndarray
    mean: np.ndarray
    ss: np.ndarray


#: Rows of the answered mask turned into numbers at a time by :func:`_pairwise_moments`.
MASK_ROWS = 65_536


@memoised
def _pairwise_moments(x: np.ndarray) -> Moments:
    """Per pair of columns, over the rows where both are answered: ``n``, the sums of
    the first column, of the second, their cross-products and squares; per column the
    count, mean and sum of squared deviations (``np.nanvar``'s, to the bit).

    Columns are centred at their own means first (the sums are then small and the
    one-pass formulas below lose no precision on questionnaire data); every sum is
    one matrix product, so the cost is BLAS over the rows, not a loop over pairs.
    """
    m, cnt, mu, z = column_moments(x)
    sxy = z.T @ z
    k = x.shape[1]
    n, sx, sxx = np.zeros((k, k)), np.zeros((k, k)), np.zeros((k, k))
    # the answered mask as numbers a block of rows at a time, not as a float copy of the
    # whole matrix (a screened province: 8 bytes per answer); one block below
    # MASK_ROWS rows, so a questionnaire's sums are those of one matrix product
    for r0 in range(0, len(x), MASK_ROWS):
        mf = m[r0:r0 + MASK_ROWS].astype(float)
        zc = z[r0:r0 + MASK_ROWS]
        n += mf.T @ mf
        sx += zc.T @ mf        # [i, j]: sum of column i over rows with i and j
        sxx += (zc * zc).T @ mf   # [i, j]: sum of squares of column i over those rows
    z *= z                     # z is ours: its squares in place
    return Moments(n, sx, sxy, sxx, cnt, mu, z.sum(axis=0))


def _cov_from(mom: Moments) -> np.ndarray:
    n, sx, sxy = mom.n, mom.sx, mom.sxy
    with np.errstate(invalid="ignore", divide="ignore"):
        c = (sxy - sx * sx.T / n) / (n - 1)
    c[n < 2] = np.nan
    return c


def _sd_from(ss: np.ndarray, cnt: np.ndarray, ddof: int = 1) -> np.ndarray:
    dof = cnt - ddof
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(ss / dof)
    sd[dof <= 0] = np.nan
    return sd


def pairwise_cov(x: np.ndarray) -> np.ndarray:
    """Covariances over pairwise-complete rows (R ``cov(use = "pairwise")``).

    NaN for a pair answered together by fewer than two people.
    """
    if not np.isnan(x).any():
        return np.cov(x, rowvar=False, ddof=1)
    return _cov_from(_pairwise_moments(x))


def cov_and_item_moments(x: np.ndarray):
    """``pairwise_cov(x)`` and per column the answer count, ``np.nanmean`` and
    ``np.nanstd(ddof=1)`` (the same numbers), from one pass over the data."""
    if not np.isnan(x).any():
        _, cnt, mu, z = column_moments(x)
        return np.cov(x, rowvar=False, ddof=1), cnt, mu, column_sd(z, cnt)
    mom = _pairwise_moments(x)
    return _cov_from(mom), mom.count, mom.mean, _sd_from(mom.ss, mom.count)


def pairwise_cor(x: np.ndarray) -> np.ndarray:
    """Correlations over pairwise-complete rows (R ``cor(use = "pairwise")``): each
    pair's covariance and SDs over the rows where both are answered.

    NaN for a pair with fewer than two rows or no variance in those rows.
    """
    if not np.isnan(x).any():
        return np.corrcoef(x, rowvar=False)
    n, sx, sxy, sxx = _pairwise_moments(x)[:4]
    with np.errstate(invalid="ignore", divide="ignore"):
        cxy = sxy - sx * sx.T / n
        vx = sxx - sx * sx / n
        vy = vx.T
        r = cxy / np.sqrt(vx * vy)
    bad = (n < 2) | ~(vx > 0) | ~(vy > 0)
    r[bad] = np.nan
    r = np.clip(r, -1.0, 1.0)
    d = np.diag(~bad).copy()
    r[np.diag_indices_from(r)] = np.where(d, 1.0, np.nan)
    return r


def cov2cor(C: np.ndarray) -> np.ndarray:
    d = 1 / np.sqrt(np.diag(C))
    R = C * d[:, None] * d[None, :]
    np.fill_diagonal(R, 1.0)
    return R


def smc(R: np.ndarray) -> np.ndarray:
    """Squared multiple correlations, ``1 - 1/diag(R^-1)``, clipped to [0, 1] (psych)."""
    inv = np.linalg.pinv(R, hermitian=True)
    s = 1 - 1 / np.diag(inv)
    return np.clip(s, 0.0, 1.0)

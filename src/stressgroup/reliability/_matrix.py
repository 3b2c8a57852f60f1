"""Matrix helpers shared by the reliability functions (pairwise, as R)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._memo import memoised

__all__ = ["as_item_matrix", "pairwise_cov", "pairwise_cor", "cov2cor", "smc"]


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


@memoised
def _pairwise_moments(x: np.ndarray):
    """Per pair of columns, over the rows where both are answered: ``n``, the sums of
    the first column, of the second, their cross-products and squares.

    Columns are centred at their own means first (the sums are then small and the
    one-pass formulas below lose no precision on questionnaire data); every sum is
    one matrix product, so the cost is BLAS over the rows, not a loop over pairs.
    """
    m = ~np.isnan(x)
    mf = m.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mu = np.nansum(x, axis=0) / m.sum(axis=0)
    z = np.where(m, x - mu, 0.0)
    n = mf.T @ mf
    sx = z.T @ mf              # [i, j]: sum of column i over rows with i and j
    sxy = z.T @ z
    sxx = (z * z).T @ mf       # [i, j]: sum of squares of column i over those rows
    return n, sx, sxy, sxx


def pairwise_cov(x: np.ndarray) -> np.ndarray:
    """Covariances over pairwise-complete rows (R ``cov(use = "pairwise")``).

    NaN for a pair answered together by fewer than two people.
    """
    if not np.isnan(x).any():
        return np.cov(x, rowvar=False, ddof=1)
    n, sx, sxy, _ = _pairwise_moments(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = (sxy - sx * sx.T / n) / (n - 1)
    c[n < 2] = np.nan
    return c


def pairwise_cor(x: np.ndarray) -> np.ndarray:
    """Correlations over pairwise-complete rows (R ``cor(use = "pairwise")``): each
    pair's covariance and SDs over the rows where both are answered.

    NaN for a pair with fewer than two rows or no variance in those rows.
    """
    if not np.isnan(x).any():
        return np.corrcoef(x, rowvar=False)
    n, sx, sxy, sxx = _pairwise_moments(x)
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

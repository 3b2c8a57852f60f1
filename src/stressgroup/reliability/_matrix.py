"""Matrix helpers shared by the reliability functions (pairwise, as R)."""

from __future__ import annotations

import numpy as np
import pandas as pd

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


def pairwise_cov(x: np.ndarray) -> np.ndarray:
    """Covariances over pairwise-complete rows (R ``cov(use = "pairwise")``)."""
    if not np.isnan(x).any():
        return np.cov(x, rowvar=False, ddof=1)
    return pd.DataFrame(x).cov().to_numpy()


def pairwise_cor(x: np.ndarray) -> np.ndarray:
    """Correlations over pairwise-complete rows (R ``cor(use = "pairwise")``)."""
    if not np.isnan(x).any():
        return np.corrcoef(x, rowvar=False)
    return pd.DataFrame(x).corr().to_numpy()


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

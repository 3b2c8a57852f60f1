"""Cronbach's alpha as computed by R psych ``alpha()``."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ..core.errors import DegenerateDataWarning
from ..core.results import jsonable, quiet_numpy
from ._memo import memoised
from ..report import Reportable
from ._matrix import as_item_matrix, cov2cor, cov_and_item_moments, smc

__all__ = ["cronbach_alpha", "AlphaResult"]


@dataclass(frozen=True, repr=False)
class AlphaResult(Reportable):
    """Cronbach's alpha with psych's companion statistics.

    Attributes
    ----------
    raw_alpha, std_alpha : float
        Alpha from the pairwise covariance and correlation matrices.
    g6 : float
        Guttman's lambda 6 (psych ``G6(smc)``).
    average_r, median_r : float
        Mean and median inter-item correlation.
    s_n : float
        Signal/noise ratio ``k * average_r / (1 - average_r)``.
    ase : float
        Asymptotic standard error of alpha (Duhachek & Iacobucci, 2004).
    mean, sd : float
        Mean and SD of the persons' item means.
    feldt_ci, duhachek_ci : tuple of float
        95 % (``confidence``) intervals by Feldt's F method and by ``ase``.
    ci : tuple of float
        The interval of the chosen ``ci_method``.
    ci_method : str
    n, k : int
        Rows (all rows, as psych) and items.
    item_stats : DataFrame
        Indexed by item: ``n``, ``raw_r``, ``std_r``, ``r_cor``, ``r_drop``,
        ``mean``, ``sd``, ``alpha_if_dropped``, ``std_alpha_if_dropped``.
    """

    raw_alpha: float
    std_alpha: float
    g6: float
    average_r: float
    median_r: float
    s_n: float
    ase: float
    mean: float
    sd: float
    feldt_ci: tuple[float, float]
    duhachek_ci: tuple[float, float]
    ci: tuple[float, float]
    ci_method: str
    n: int
    k: int
    confidence: float = 0.95
    item_stats: pd.DataFrame = field(default_factory=pd.DataFrame)
    _title = "Cronbach's alpha (psych::alpha conventions)"

    def to_dict(self) -> dict:
        keys = ("raw_alpha", "std_alpha", "g6", "average_r", "median_r", "s_n", "ase",
                "mean", "sd", "feldt_ci", "duhachek_ci", "ci", "ci_method", "n", "k",
                "confidence")
        return jsonable({k: getattr(self, k) for k in keys})

    def to_frame(self) -> pd.DataFrame:
        return self.item_stats.copy()

    def to_document(self, lang: str = "en"):
        """The table(s) as a :class:`~stressgroup.core.document.Document`."""
        from ._documents import alpha_document

        return alpha_document(self)

    def _summary_lines(self) -> list[str]:
        lo, hi = self.ci
        return [
            f"raw_alpha = {self.raw_alpha:.4f}, std_alpha = {self.std_alpha:.4f}, "
            f"G6 = {self.g6:.4f}, average_r = {self.average_r:.4f}, "
            f"S/N = {self.s_n:.4f}, ase = {self.ase:.4f}, n = {self.n}, k = {self.k}",
            f"{self.confidence:.0%} CI ({self.ci_method}): [{lo:.4f}, {hi:.4f}]; "
            f"Feldt [{self.feldt_ci[0]:.4f}, {self.feldt_ci[1]:.4f}], "
            f"Duhachek [{self.duhachek_ci[0]:.4f}, {self.duhachek_ci[1]:.4f}]",
            "Item statistics (alpha_if_dropped = psych alpha.drop raw_alpha):",
        ]


def _row_means(x: np.ndarray, rows: int = 65_536) -> np.ndarray:
    """``np.nanmean(x, axis=1)``, to the bit, a block of rows at a time (each row's mean
    is its own reduction): no copy of the whole matrix at once."""
    out = np.empty(x.shape[0])
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # a row with no answer: NaN
        for r0 in range(0, x.shape[0], rows):
            out[r0:r0 + rows] = np.nanmean(x[r0:r0 + rows], axis=1)
    return out


def _alpha_parts(C: np.ndarray, R: np.ndarray) -> dict:
    """psych ``alpha.1``: raw and standardised alpha, G6, r-bar, S/N, Q."""
    k = C.shape[0]
    sum_c, tr_c = C.sum(), np.trace(C)
    raw = (1 - tr_c / sum_c) * (k / (k - 1))
    sum_r = R.sum()
    std = (1 - k / sum_r) * (k / (k - 1))
    g6 = 1 - (k - smc(R).sum()) / sum_r
    av_r = (sum_r - k) / (k * (k - 1))
    lower = R[np.tril_indices(k, -1)]
    med_r = float(np.median(lower))
    s_n = k * av_r / (1 - av_r)
    cc = C @ C
    q = (2 * k**2 / ((k - 1) ** 2 * sum_c**3)) * (
        sum_c * (np.trace(cc) + tr_c**2) - 2 * (tr_c * cc.sum()))
    return dict(raw=raw, std=std, g6=g6, av_r=av_r, med_r=med_r, s_n=s_n, q=q)


def feldt_interval(alpha: float, n: int, k: int, confidence: float = 0.95
                   ) -> tuple[float, float]:
    """Feldt's F-based interval for alpha (psych ``alpha.ci``).

    ``1 - (1 - alpha) * F_q(n - 1, (n - 1)(k - 1))`` at ``q = 1 - a/2`` (lower)
    and ``q = a/2`` (upper), with ``a = 1 - confidence``.
    """
    from scipy import stats
    a = 1 - confidence
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * stats.f.ppf(1 - a / 2, df1, df2)
    high = 1 - (1 - alpha) * stats.f.ppf(a / 2, df1, df2)
    return float(low), float(high)


@memoised
@quiet_numpy
def cronbach_alpha(items: pd.DataFrame, *, ci: Literal["feldt", "duhachek", "bootstrap"]
                   = "feldt", n_boot: int = 10000, seed: "int | None" = None,
                   confidence: float = 0.95) -> AlphaResult:
    """Cronbach's alpha of keyed items, following R psych ``alpha()``.

    Parameters
    ----------
    items : DataFrame or 2-D array
        One column per item, already keyed (reverse items reversed); one row
        per person. Missing answers are NaN.
    ci : {"feldt", "duhachek", "bootstrap"}
        Which interval ``.ci`` holds; Feldt and Duhachek are always computed.
    n_boot : int
        Bootstrap resamples of persons (``ci="bootstrap"``; percentile interval).
        Each resample draws all ``n`` rows with replacement (psych
        ``alpha(n.iter = )``) and uses the pairwise-complete covariances of
        the drawn rows (a person drawn twice counts twice); a resample where
        alpha is undefined (a pair of items with fewer than two common
        answers) is left out. Computed without a loop: multinomial count
        weights times the data (see ``reliability._bootstrap``).
    seed : int, optional
        Seed of the bootstrap (``numpy.random.default_rng``); the same seed
        gives the same interval.
    confidence : float
        Coverage of the intervals.

    Returns
    -------
    AlphaResult

    Notes
    -----
    As psych: ``C`` is the pairwise-complete covariance matrix and ``R =
    cov2cor(C)``. ``raw_alpha = k/(k-1) (1 - tr C / sum C)``; ``std_alpha``
    the same on ``R``; ``G6 = 1 - (k - sum smc)/sum R``. ``ase = sqrt(Q/n)``
    with Duhachek and Iacobucci's ``Q``; the Duhachek interval is
    ``raw_alpha +/- 1.96 ase`` (psych's constant; ``z`` quantile at other
    confidence levels). Feldt's interval uses ``n`` = all rows. Item
    statistics: ``std_r = colSums(R)/sqrt(sum R)``; ``r_cor`` the same with
    SMCs on the diagonal; ``r_drop`` the covariance-based correlation of the
    item with the sum of the other items; ``raw_r`` the correlation of the
    item with the persons' mean of answered items. Matches
    ``psych::alpha(items)`` (psych 2.2.9) to 1e-10.

    Items with no variance are removed with a :class:`DegenerateDataWarning`
    (psych does the same).

    References
    ----------
    Cronbach (1951); Feldt, Woodruff & Salih (1987); Duhachek & Iacobucci
    (2004); Revelle, psych ``alpha``.

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup import cronbach_alpha
    >>> x = pd.DataFrame({"a": [1, 2, 3, 4, 5, 3], "b": [2, 2, 3, 5, 4, 3],
    ...                   "c": [1, 3, 3, 4, 5, 2]})
    >>> res = cronbach_alpha(x)
    >>> round(res.raw_alpha, 4)
    0.9318
    >>> res.item_stats.columns[:5].tolist()
    ['n', 'raw_r', 'std_r', 'r_cor', 'r_drop']
    """
    from scipy import stats
    if ci not in ("feldt", "duhachek", "bootstrap"):
        raise ValueError(f"ci must be 'feldt', 'duhachek' or 'bootstrap', not {ci!r}")
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie between 0 and 1")
    df = as_item_matrix(items, "items")
    x = df.to_numpy(dtype=float)
    # covariances and the items' counts, means and SDs (np.nanmean / np.nanstd to the
    # bit) from one pass over the data
    if x.shape[0] > 1:
        C, count, item_mean, item_sd = cov_and_item_moments(x)
    else:
        item_sd = np.zeros(x.shape[1])
    bad = ~(item_sd > 0)
    if bad.any():
        warnings.warn(f"item(s) {', '.join(map(str, df.columns[bad]))} have no variance "
                      "and were left out of alpha", DegenerateDataWarning, stacklevel=2)
        df = df.loc[:, ~bad]
        x = x[:, ~bad]
    n, k = x.shape
    if k < 2:
        raise ValueError("alpha needs at least two items with variance")
    if bad.any():
        C, count, item_mean, item_sd = cov_and_item_moments(x)
    R = cov2cor(C)
    parts = _alpha_parts(C, R)
    ase = float(np.sqrt(parts["q"] / n))
    z = 1.96 if abs(confidence - 0.95) < 1e-12 else stats.norm.ppf(0.5 + confidence / 2)
    raw = float(parts["raw"])
    feldt = feldt_interval(raw, n, k, confidence)
    duh = (raw - z * ase, raw + z * ase)

    total = _row_means(x)
    valid_t = ~np.isnan(total)
    raw_r = np.empty(k)
    for j in range(k):
        ok = valid_t & ~np.isnan(x[:, j])
        raw_r[j] = np.corrcoef(total[ok], x[ok, j])[0, 1]
    std_r = R.sum(axis=0) / np.sqrt(R.sum())
    RC = R.copy()
    np.fill_diagonal(RC, smc(R))
    r_cor = RC.sum(axis=0) / np.sqrt(RC.sum())
    r_drop = np.empty(k)
    a_drop = np.empty(k)
    s_drop = np.empty(k)
    for j in range(k):
        keep = np.arange(k) != j
        Cj = C[np.ix_(keep, keep)]
        r_drop[j] = (C[:, j].sum() - C[j, j]) / np.sqrt(C[j, j] * Cj.sum())
        if k > 2:
            pj = _alpha_parts(Cj, R[np.ix_(keep, keep)])
            a_drop[j], s_drop[j] = pj["raw"], pj["std"]
        else:  # psych's two-item convention
            other = 1 - j
            a_drop[j] = C[0, 1] / C[other, other]
            s_drop[j] = R[0, 1]
    item_stats = pd.DataFrame({
        "n": count,
        "raw_r": raw_r, "std_r": std_r, "r_cor": r_cor, "r_drop": r_drop,
        "mean": item_mean, "sd": item_sd,
        "alpha_if_dropped": a_drop, "std_alpha_if_dropped": s_drop,
    }, index=pd.Index(df.columns, name="item"))

    interval = {"feldt": feldt, "duhachek": duh}.get(ci)
    if ci == "bootstrap":
        interval = _bootstrap(x, n_boot, seed, confidence)
    return AlphaResult(
        raw_alpha=raw, std_alpha=float(parts["std"]), g6=float(parts["g6"]),
        average_r=float(parts["av_r"]), median_r=parts["med_r"], s_n=float(parts["s_n"]),
        ase=ase, mean=float(np.nanmean(total)) if valid_t.any() else float("nan"),
        sd=float(np.nanstd(total, ddof=1)) if valid_t.sum() > 1 else float("nan"),
        feldt_ci=feldt, duhachek_ci=(float(duh[0]), float(duh[1])),
        ci=(float(interval[0]), float(interval[1])), ci_method=ci, n=n, k=k,
        confidence=confidence, item_stats=item_stats)


def _bootstrap(x: np.ndarray, n_boot: int, seed, confidence: float) -> tuple[float, float]:
    """Percentile interval of raw alpha over bootstrap resamples of persons.

    As psych ``alpha(n.iter = )``: each resample draws ``n`` rows with
    replacement and computes raw alpha from ``cov(x[rows, ], use =
    "pairwise")``. Vectorised (``_bootstrap.cov_trace_and_sum``): the sums
    of all resamples are one product of multinomial count weights with the
    data. Resamples where alpha is undefined are left out of the quantiles.
    """
    from ._bootstrap import cov_trace_and_sum, percentile_interval
    k = x.shape[1]
    trace, total = cov_trace_and_sum(x, n_boot, seed)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (1 - trace / total) * (k / (k - 1))
    return percentile_interval(out, confidence)

"""Paired (pre/post) comparison: t test, effect sizes and Wilcoxon signed-rank."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..core.results import jsonable, quiet_numpy
from ..core.errors import DegenerateDataWarning
from ..report import Reportable

__all__ = ["paired_test", "PairedTestResult", "hedges_j", "dz_confidence_interval",
           "wilcoxon_signed_rank"]

_KEYS = ("n", "n_dropped", "pre_mean", "pre_sd", "post_mean", "post_sd", "mean_diff",
         "sd_diff", "ci_low", "ci_high", "t", "df", "p", "dz", "dz_ci", "d_av", "g_z",
         "wilcoxon_V", "wilcoxon_p", "wilcoxon_method", "rank_biserial", "confidence")


@dataclass(frozen=True, repr=False)
class PairedTestResult(Reportable):
    """Paired comparison of post with pre (change = post - pre).

    Unpacks as ``(t, p)`` like a scipy result; every other statistic is an
    attribute.

    Attributes
    ----------
    n : int
        Complete pairs used.
    n_dropped : int
        Pairs dropped because pre or post is missing.
    pre_mean, pre_sd, post_mean, post_sd : float
        Over the complete pairs (SD with n - 1).
    mean_diff, sd_diff : float
        Mean and SD of ``post - pre``.
    ci_low, ci_high : float
        Confidence interval of the mean difference (t distribution).
    t, df, p : float
        Paired t test, two-sided.
    dz : float
        ``mean_diff / sd_diff`` (Cohen's d for paired data, "d_z").
    dz_ci : tuple of float
        Interval for dz from the noncentral t distribution.
    d_av : float
        ``mean_diff / ((pre_sd + post_sd) / 2)``.
    g_z : float
        ``dz * J`` with the exact small-sample correction ``J``.
    wilcoxon_V, wilcoxon_p : float
        R's V (sum of the ranks of positive differences) and its p value.
    wilcoxon_method : {"exact", "normal"}
    rank_biserial : float
        ``(W+ - W-) / (W+ + W-)`` over non-zero differences.
    confidence : float
    """

    n: int
    n_dropped: int
    pre_mean: float
    pre_sd: float
    post_mean: float
    post_sd: float
    mean_diff: float
    sd_diff: float
    ci_low: float
    ci_high: float
    t: float
    df: float
    p: float
    dz: float
    dz_ci: tuple[float, float]
    d_av: float
    g_z: float
    wilcoxon_V: float
    wilcoxon_p: float
    wilcoxon_method: str
    rank_biserial: float
    confidence: float = 0.95
    _title = "Paired comparison (change = post - pre)"

    def __iter__(self):
        return iter((self.t, self.p))

    @property
    def statistic(self) -> float:
        return self.t

    @property
    def pvalue(self) -> float:
        return self.p

    def to_dict(self) -> dict:
        return jsonable({k: getattr(self, k) for k in _KEYS})

    def to_frame(self) -> pd.DataFrame:
        d = self.to_dict()
        d["dz_ci_low"], d["dz_ci_high"] = self.dz_ci
        del d["dz_ci"]
        return pd.DataFrame([d])

    def to_document(self, lang: str = "en"):
        """The table(s) as a :class:`~stressgroup.core.document.Document`."""
        from ._documents import paired_document

        return paired_document(self)

    def __repr__(self) -> str:
        c = f"{self.confidence:.0%}"
        return (
            f"{self._title}\n"
            f"  n = {self.n} pairs ({self.n_dropped} dropped for a missing value)\n"
            f"  pre  M = {self.pre_mean:.4f}, SD = {self.pre_sd:.4f}\n"
            f"  post M = {self.post_mean:.4f}, SD = {self.post_sd:.4f}\n"
            f"  mean difference = {self.mean_diff:.4f}, {c} CI [{self.ci_low:.4f}, "
            f"{self.ci_high:.4f}]\n"
            f"  t({self.df:g}) = {self.t:.4f}, p = {self.p:.4g}\n"
            f"  dz = {self.dz:.4f}, {c} CI [{self.dz_ci[0]:.4f}, {self.dz_ci[1]:.4f}]; "
            f"d_av = {self.d_av:.4f}; g_z = {self.g_z:.4f}\n"
            f"  Wilcoxon V = {self.wilcoxon_V:g}, p = {self.wilcoxon_p:.4g} "
            f"({self.wilcoxon_method}); rank-biserial r = {self.rank_biserial:.4f}")


def hedges_j(df: float) -> float:
    """Exact small-sample correction ``J = Γ(df/2) / (sqrt(df/2) Γ((df-1)/2))``.

    Examples
    --------
    >>> round(hedges_j(9), 6)
    0.913875
    """
    from scipy import special
    if df < 1:
        return float("nan")
    if df == 1:  # Γ(0) is infinite: J = 0 (as R effectsize)
        return 0.0
    return float(np.exp(special.gammaln(df / 2) - np.log(np.sqrt(df / 2))
                        - special.gammaln((df - 1) / 2)))


def ncp_limits(t: float, df: float, confidence: float = 0.95) -> tuple[float, float]:
    """Noncentrality parameters with ``P(T <= t | ncp)`` = ``1 - a/2`` and ``a/2``.

    The limits of the noncentral-t interval (Steiger & Fouladi, 1997), found with
    Brent's method to 1e-14; shared by every noncentral-t effect-size interval.
    """
    from scipy import optimize, special
    if not (np.isfinite(t) and df > 0):
        return (float("nan"), float("nan"))
    a = 1 - confidence

    def cdf(ncp: float) -> float:
        # scipy.stats.nct.cdf(t, df, ncp) is this function of scipy.special for a finite
        # t and df > 0, without the distribution's per-call argument handling (the
        # root-finding calls it a few dozen times per interval)
        p = special.nctdtr(df, ncp, t)
        if np.isnan(p):  # far tails: scipy returns NaN where the cdf is ~0 or ~1
            p = 0.0 if ncp > t else 1.0
        return float(p)

    # the limits lie within a few standard errors of t
    width = 4 * math.sqrt(1 + t * t / (2 * df)) + 2

    def solve(target: float) -> float:
        f = lambda ncp: cdf(ncp) - target  # noqa: E731
        lo, hi = t - width, t + width
        while f(lo) < 0:
            lo -= width
        while f(hi) > 0:
            hi += width
        return optimize.brentq(f, lo, hi, xtol=1e-14, rtol=1e-14, maxiter=500)

    return solve(1 - a / 2), solve(a / 2)


def dz_confidence_interval(t: float, n: int, confidence: float = 0.95
                           ) -> tuple[float, float]:
    """Interval for d_z by inverting the noncentral t distribution.

    Finds the noncentrality parameters ``ncp`` with ``P(T <= t | ncp)`` equal
    to ``1 - a/2`` and ``a/2`` (df = n - 1) and divides them by ``sqrt(n)``,
    as R effectsize's ``cohens_d(paired = TRUE)``.
    """
    from scipy import stats
    if n < 2 or not np.isfinite(t):
        return (float("nan"), float("nan"))
    df = n - 1
    a = 1 - confidence
    if abs(t) > 1000:
        # scipy's noncentral t has no usable tails this far out; for large |t|,
        # T ~ ncp / sqrt(chi2_df / df), so the limits are t * sqrt(chi2_q / df)
        warnings.warn(f"t = {t:.4g}: the dz interval uses the large-t limit of the "
                      "noncentral t", DegenerateDataWarning, stacklevel=3)
        lo_q, hi_q = (np.sqrt(stats.chi2.ppf([a / 2, 1 - a / 2], df) / df) * t)
        lo, hi = sorted((lo_q, hi_q))
        return (float(lo) / math.sqrt(n), float(hi) / math.sqrt(n))

    low, high = ncp_limits(t, df, confidence)
    return (low / math.sqrt(n), high / math.sqrt(n))


@lru_cache(maxsize=64)
def _signrank_cdf(n: int) -> np.ndarray:
    """P(V <= v) of the signed-rank statistic for n untied non-zero pairs."""
    counts = np.zeros(n * (n + 1) // 2 + 1)
    counts[0] = 1.0
    for r in range(1, n + 1):
        counts[r:] = counts[r:] + counts[:-r].copy()
    return np.cumsum(counts) / 2.0**n


def _signif(x: np.ndarray, digits: int) -> np.ndarray:
    """Round to ``digits`` significant digits (R ``signif``)."""
    out = x.copy()
    nz = (x != 0) & np.isfinite(x)
    mag = np.floor(np.log10(np.abs(x[nz])))
    scale = 10.0 ** (digits - 1 - mag)
    out[nz] = np.round(x[nz] * scale) / scale
    return out


def average_ranks(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ranks of ``x``, ties sharing the mean of their positions, and the size of each
    group of tied values (in increasing order of value): ``scipy.stats.rankdata(x)`` and
    the counts of ``np.unique(x)``, to the last digit.

    The values are hashed into their distinct values (``pandas.factorize``; -0.0 and
    0.0 tie, as they compare equal), and only those are sorted: O(n + k log k) for k
    distinct values instead of a sort of all n (scale means take a few hundred values).
    Average ranks are half-integers, exact in floating point, so every route gives the
    same numbers. ``x`` must be 1-D without NaN.
    """
    codes, uniques = pd.factorize(np.asarray(x, dtype=float), sort=True)
    counts = np.bincount(codes, minlength=len(uniques))
    first = np.cumsum(counts) - counts + 1      # rank of each value's first position
    return (first + (counts - 1) / 2)[codes], counts


def wilcoxon_signed_rank(diff: np.ndarray, digits_rank: "int | None" = None
                         ) -> tuple[float, float, str, float]:
    """Wilcoxon signed-rank test of paired differences, as R ``wilcox.test``.

    ``digits_rank`` rounds the differences to that many significant digits
    before ranking (R's ``digits.rank``; default: no rounding, as R), so that
    differences such as ``3.4 - 3.0`` and ``2.4 - 2.0``, which differ in the
    last bit, count as ties.

    Zeros are dropped. The exact distribution is used when fewer than 50
    non-zero differences remain and there are no ties and no zeros;
    otherwise the normal approximation with tie and continuity corrections.

    Returns
    -------
    V, p, method, rank_biserial
    """
    from scipy import stats
    d = np.asarray(diff, dtype=float)
    if digits_rank is not None:
        d = _signif(d, digits_rank)
    zeros = bool((d == 0).any())
    d = d[d != 0]
    n = d.size
    if n == 0:
        return 0.0, float("nan"), "normal", float("nan")
    if np.isnan(d).any():   # scipy's NaN propagation
        ranks = stats.rankdata(np.abs(d))
        _, tie_counts = np.unique(ranks, return_counts=True)
    else:
        ranks, tie_counts = average_ranks(np.abs(d))
    v = float(ranks[d > 0].sum())
    w_minus = float(ranks[d < 0].sum())
    rb = (v - w_minus) / (v + w_minus)
    ties = bool((tie_counts > 1).any())
    if n < 50 and not ties and not zeros:
        cdf = _signrank_cdf(n)
        if v > n * (n + 1) / 4:
            p = 1 - cdf[int(v) - 1]  # P(V >= v)
        else:
            p = cdf[int(v)]
        return v, float(min(2 * p, 1.0)), "exact", rb
    z = v - n * (n + 1) / 4
    sigma = math.sqrt(n * (n + 1) * (2 * n + 1) / 24
                      - float((tie_counts**3 - tie_counts).sum()) / 48)
    if sigma == 0:
        return v, float("nan"), "normal", rb
    z = (z - math.copysign(0.5, z) * (z != 0)) / sigma
    p = 2 * min(stats.norm.cdf(z), stats.norm.sf(z))
    return v, float(min(p, 1.0)), "normal", rb


@quiet_numpy
def paired_test(pre, post, *, confidence: float = 0.95,
                digits_rank: "int | None" = None) -> PairedTestResult:
    """Compare paired pre and post scores (change = post - pre).

    Parameters
    ----------
    pre, post : array-like or Series
        Scores of the same people: arrays are paired by position, two Series by
        their index (people in one only count as dropped pairs). Pairs with a
        missing value are dropped and counted in ``n_dropped``.
    confidence : float
        Coverage of the intervals (default 0.95).
    digits_rank : int, optional
        Round the differences to this many significant digits before the
        Wilcoxon ranks (R ``wilcox.test(digits.rank = )``). The default, no
        rounding, is R's; ``digits_rank=10`` treats differences of scale means
        that differ only in floating-point noise as ties.

    Returns
    -------
    PairedTestResult

    Notes
    -----
    ``t = mean(d) / (sd(d) / sqrt(n))`` with ``d = post - pre``, ``df = n - 1``
    (R ``t.test(post, pre, paired = TRUE)``). ``dz = mean(d) / sd(d)`` with a
    noncentral-t interval and ``g_z = dz * J`` (R effectsize
    ``cohens_d``/``hedges_g(paired = TRUE)``); ``d_av`` divides by the mean of
    the pre and post SDs (Cumming, 2012). The Wilcoxon test follows R
    ``wilcox.test(post, pre, paired = TRUE)``; ``V`` is the sum of the ranks of
    the positive differences. The rank-biserial correlation is
    ``(W+ - W-) / (W+ + W-)`` over the non-zero differences (Kerby, 2014).

    Examples
    --------
    >>> from stressgroup import paired_test
    >>> pre = [31, 28, 35, 40, 30, 26, 33, 38]
    >>> post = [25, 29, 30, 31, 22, 24, 30, 28]
    >>> res = paired_test(pre, post)
    >>> round(res.t, 4), res.df, round(res.p, 4)
    (-3.9386, 7.0, 0.0056)
    >>> round(res.dz, 4), res.wilcoxon_V, res.wilcoxon_method
    (-1.3925, 1.0, 'exact')
    >>> t, p = res  # unpacks like a scipy result
    """
    from scipy import stats
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie between 0 and 1")
    pre, post = align_pairs(pre, post)
    x0 = _as_1d(pre, "pre")
    x1 = _as_1d(post, "post")
    if x0.shape != x1.shape:
        raise ValueError(f"pre and post must have the same length ({x0.size} != {x1.size})")
    ok = ~(np.isnan(x0) | np.isnan(x1))
    a, b = x0[ok], x1[ok]
    n = int(ok.sum())
    nan = float("nan")
    d = b - a
    df = float(n - 1)
    mean_d = float(d.mean()) if n else nan
    if n < 2:
        warnings.warn(f"a paired test needs at least 2 complete pairs, got {n}",
                      DegenerateDataWarning, stacklevel=2)
        sd_d = pre_sd = post_sd = nan
    else:
        sd_d, pre_sd, post_sd = (float(np.std(v, ddof=1)) for v in (d, a, b))
    # R t.test: "data are essentially constant" when se < 10 eps |mean|; differences of
    # scale means carry floating-point noise, so sd_d is rarely exactly 0
    constant = n >= 2 and sd_d / math.sqrt(n) < 10 * np.finfo(float).eps * abs(mean_d)
    if n >= 2 and sd_d > 0 and not constant:
        se = sd_d / math.sqrt(n)
        t = mean_d / se
        p = float(2 * stats.t.sf(abs(t), df))
        q = stats.t.ppf(0.5 + confidence / 2, df)
        ci = (mean_d - q * se, mean_d + q * se)
        dz = mean_d / sd_d
        dz_ci = dz_confidence_interval(t, n, confidence)
    else:
        if n >= 2:
            warnings.warn("every pair changed by the same amount: t and d_z are undefined",
                          DegenerateDataWarning, stacklevel=2)
        t = p = dz = nan
        ci = dz_ci = (nan, nan)
    sd_av = (pre_sd + post_sd) / 2
    d_av = mean_d / sd_av if sd_av and sd_av > 0 else nan
    g_z = dz * hedges_j(df) if n >= 2 else nan
    V, wp, method, rb = wilcoxon_signed_rank(d, digits_rank)
    return PairedTestResult(
        n=n, n_dropped=int((~ok).sum()),
        pre_mean=float(a.mean()) if n else nan, pre_sd=pre_sd,
        post_mean=float(b.mean()) if n else nan, post_sd=post_sd,
        mean_diff=mean_d, sd_diff=sd_d, ci_low=float(ci[0]), ci_high=float(ci[1]),
        t=float(t), df=df, p=float(p), dz=float(dz),
        dz_ci=(float(dz_ci[0]), float(dz_ci[1])), d_av=float(d_av), g_z=float(g_z),
        wilcoxon_V=V, wilcoxon_p=wp, wilcoxon_method=method, rank_biserial=rb,
        confidence=confidence)


def align_pairs(pre, post):
    """Align two Series on their index (people), so pairs are never matched by position
    when the indexes differ; other inputs are returned unchanged."""
    if isinstance(pre, pd.Series) and isinstance(post, pd.Series) \
            and not pre.index.equals(post.index):
        if pre.index.has_duplicates or post.index.has_duplicates:
            raise ValueError("pre and post are Series with different indexes that contain "
                             "duplicates; give one row per person")
        pre, post = pre.align(post, join="outer")
    return pre, post


def _as_1d(x, name: str) -> np.ndarray:
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must hold numbers (NaN for missing)") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    return arr

"""Small-group tests of paired change: sign-flip permutation test, exact conditional
Wilcoxon signed-rank test and Shapiro-Wilk on the differences."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..core.document import Column, Document, Note, Table
from ..core.errors import DegenerateDataWarning
from ..core.progress import progress
from ..core.results import jsonable
from ..report import Reportable, label

__all__ = ["permutation_test", "PermutationTestResult", "wilcoxon_exact",
           "WilcoxonExactResult", "shapiro_wilk", "ShapiroWilkResult", "paired_differences"]

#: largest number of non-zero pairs enumerated exactly by default (2**20 sign patterns)
EXACT_MAX = 20
#: Monte Carlo resamples when ``n_resamples`` is not given (p has denominator 10 000)
DEFAULT_RESAMPLES = 9999
#: relative tolerance for ties between a flipped sum and the observed sum
TIE_RTOL = 1e-9


def paired_differences(pre, post) -> tuple[np.ndarray, int]:
    """Complete-pair differences ``post - pre`` and the number of pairs dropped.

    Arrays are paired by position, two Series by their index (as
    :func:`~stressgroup.paired_test`).

    Examples
    --------
    >>> d, dropped = paired_differences([1.0, 2.0, None], [2.0, 2.5, 3.0])
    >>> d.tolist(), dropped
    ([1.0, 0.5], 1)
    """
    from ._paired import _as_1d, align_pairs

    pre, post = align_pairs(pre, post)
    a, b = _as_1d(pre, "pre"), _as_1d(post, "post")
    if a.shape != b.shape:
        raise ValueError(f"pre and post must have the same length ({a.size} != {b.size})")
    ok = ~(np.isnan(a) | np.isnan(b))
    return b[ok] - a[ok], int((~ok).sum())


def _subset_sums(x: np.ndarray) -> np.ndarray:
    """Sums ``sum_i s_i x_i`` over all ``2**k`` sign patterns ``s`` (bit i of the
    pattern number set: ``s_i = -1``), vectorised over the patterns."""
    patterns = np.arange(2**x.size, dtype=np.int64)
    sums = np.zeros(patterns.size)
    for j, v in enumerate(x):  # one vector operation per difference
        sums += v * (1 - 2 * ((patterns >> j) & 1))
    return sums


def _count_exact(x: np.ndarray, threshold: float) -> int:
    """Number of the ``2**k`` sign patterns whose |sum| >= ``threshold``.

    Meet in the middle: the sums of the first and second half of the
    differences are enumerated from bit patterns (2**(k/2) each); for each
    first-half sum ``a`` the second-half sums with ``a + b >= threshold`` or
    ``a + b <= -threshold`` are counted by binary search. Exact and
    ``O(2**(k/2) k)`` instead of ``O(2**k k)``.
    """
    if threshold <= 0:  # every pattern counts (once)
        return int(2 ** x.size)
    h = x.size // 2
    left = _subset_sums(x[:h])
    right = np.sort(_subset_sums(x[h:]))
    upper = right.size - np.searchsorted(right, threshold - left, side="left")  # a+b >= thr
    lower = np.searchsorted(right, -threshold - left, side="right")             # a+b <= -thr
    return int((upper + lower).sum())


@dataclass(frozen=True, repr=False)
class PermutationTestResult(Reportable):
    """Sign-flip permutation test of the mean paired difference.

    Unpacks as ``(statistic, p)``.

    Attributes
    ----------
    statistic : float
        Observed mean difference ``mean(post - pre)`` over the complete pairs.
    p : float
        Two-sided p value.
    method : {"exact", "monte_carlo"}
    n_resamples : int
        Sign patterns evaluated: ``2**n_nonzero`` (exact) or the Monte Carlo draws.
    mc_se : float
        Monte Carlo standard error of ``p``; NaN for the exact test.
    n, n_nonzero, n_dropped : int
        Complete pairs, pairs with a non-zero difference, pairs dropped for a
        missing value.
    reason : str
        Which test was used and why.
    """

    statistic: float
    p: float
    method: str
    n_resamples: int
    mc_se: float
    n: int
    n_nonzero: int
    n_dropped: int
    reason: str
    _title = "Sign-flip permutation test of the mean difference (post - pre)"

    def __iter__(self):
        return iter((self.statistic, self.p))

    @property
    def pvalue(self) -> float:
        return self.p

    def to_dict(self) -> dict:
        return jsonable({k: getattr(self, k) for k in (
            "p", "method", "n_resamples", "mc_se", "n", "n_nonzero", "n_dropped",
            "statistic", "reason")})

    def to_frame(self) -> pd.DataFrame:
        d = self.to_dict()
        del d["reason"]
        return pd.DataFrame([d])

    def _summary_lines(self) -> list[str]:
        return [self.reason]

    def to_document(self, lang: str = "en") -> Document:
        """The test as a :class:`~stressgroup.core.document.Document` (one table)."""
        exact = self.method == "exact"
        if exact:
            how = {"en": f"Exact test: all 2^{self.n_nonzero} = {self.n_resamples} sign "
                         "patterns of the non-zero differences enumerated.",
                   "zh": f"精确检验：枚举了全部非零差值的 2^{self.n_nonzero} = "
                         f"{self.n_resamples} 种符号组合。"}
        else:
            how = {"en": f"Monte Carlo test: {self.n_resamples} random sign patterns, "
                         "p = (b + 1) / (m + 1).",
                   "zh": f"蒙特卡洛检验：随机抽取 {self.n_resamples} 种符号组合，"
                         "p = (b + 1) / (m + 1)。"}
        tab = Table(
            key="permutation",
            title={"en": "Sign-flip permutation test of the mean difference",
                   "zh": "平均差值的符号翻转置换检验"},
            columns=(Column("n", label("col.n"), "count"),
                     Column("n_nonzero", {"en": "Non-zero differences", "zh": "非零差值数"},
                            "count"),
                     Column("statistic", {"en": "Mean difference", "zh": "平均差值"},
                            "difference"),
                     Column("method", {"en": "Method", "zh": "方法"}, "text"),
                     Column("n_resamples", {"en": "Sign patterns", "zh": "符号组合数"},
                            "count"),
                     Column("p", label("col.p"), "p"),
                     Column("mc_se", {"en": "Monte Carlo SE", "zh": "蒙特卡洛标准误"},
                            "number", digits=4)),
            rows=[{"n": self.n, "n_nonzero": self.n_nonzero, "statistic": self.statistic,
                   "method": {"en": "exact", "zh": "精确"} if exact else
                   {"en": "Monte Carlo", "zh": "蒙特卡洛"},
                   "n_resamples": self.n_resamples, "p": self.p,
                   "mc_se": None if exact else self.mc_se}],
            notes=(Note({"en": "Change = post - pre; two-sided; the observed signs count "
                               "as one pattern.",
                         "zh": "变化 = 后测 - 前测；双侧检验；观测到的符号组合计为其中之一。"}),
                   Note(how)))
        return Document(tab.title, (tab,))


def permutation_test(pre, post, n_resamples: "int | None" = None,
                     seed: "int | np.random.Generator | None" = None, *,
                     method: Literal["auto", "exact", "monte_carlo"] = "auto"
                     ) -> PermutationTestResult:
    """Sign-flip (randomisation) test of the mean paired difference.

    Under the null hypothesis that the treatment has no effect, each person's
    difference ``post - pre`` is equally likely to have either sign. The test
    compares the observed mean difference with the means of all (or of
    randomly drawn) sign patterns.

    Parameters
    ----------
    pre, post : array-like or Series
        Scores of the same people (arrays by position, two Series by index);
        pairs with a missing value are dropped and counted.
    n_resamples : int, optional
        Monte Carlo sign patterns to draw (default 9999). Ignored by the exact test.
    seed : int or numpy Generator, optional
        Seed of the Monte Carlo draws (``numpy.random.default_rng(seed)``); the
        same seed gives the same p.
    method : {"auto", "exact", "monte_carlo"}
        ``"auto"`` (default) enumerates every sign pattern when there are at
        most 20 non-zero differences (2**20 = 1 048 576 patterns) and draws
        Monte Carlo patterns above that. ``"exact"`` forces enumeration (up to
        40 non-zero pairs), ``"monte_carlo"`` forces draws.

    Returns
    -------
    PermutationTestResult

    Notes
    -----
    Statistic: ``S = sum(d_i)`` (equivalently the mean ``S / n``) with
    ``d = post - pre``. Two-sided p value: the share of sign patterns ``s``
    with ``|sum s_i |d_i|| >= |S|``, the identity pattern (the observed data)
    included, so the exact p is never below ``2 / 2**n_nonzero``. Zero
    differences do not change any sum: they are counted in ``n`` but not in
    the patterns.

    Floating-point ties: mean scores such as 3.4 - 3.0 and 2.4 - 2.0 differ in
    the last bit, so a flipped sum that is mathematically equal to ``|S|`` can
    come out a hair smaller. A pattern counts when ``|sum| >= |S| - 1e-9 *
    sum|d_i|`` (a relative tolerance of 1e-9 of the largest possible sum).

    Exact test: every one of the ``2**k`` patterns of the ``k`` non-zero
    differences is enumerated from the bits of the pattern numbers (the two
    halves are enumerated separately and combined by binary search).

    Monte Carlo: ``m`` patterns with independent random signs; with ``b`` of
    them at least as extreme as the observed data, ``p = (b + 1) / (m + 1)``
    (Phipson & Smyth, 2010; the observed data count as one pattern, so p is
    never 0 and the test keeps its level), and ``mc_se = sqrt(p (1 - p) / m)``.

    The exact test is the same as R ``coin::symmetry_test(distribution =
    "exact")`` for paired data and a brute-force enumeration in R (checked in
    tests/reference/permutation.R).

    References
    ----------
    Fisher, R. A. (1935). *The design of experiments*. Oliver & Boyd, section 21.
    Phipson, B., & Smyth, G. K. (2010). Permutation p-values should never be
    zero. *Statistical Applications in Genetics and Molecular Biology*, 9(1), 39.

    Examples
    --------
    >>> from stressgroup.analysis import permutation_test
    >>> pre = [31, 28, 35, 40, 30, 26, 33, 38]
    >>> post = [25, 29, 30, 31, 22, 24, 30, 28]
    >>> res = permutation_test(pre, post)
    >>> res.method, res.n_resamples, res.p
    ('exact', 256, 0.015625)
    >>> res.statistic
    -5.25
    >>> mc = permutation_test(pre, post, method="monte_carlo", n_resamples=999, seed=1)
    >>> mc.method, mc.n_resamples, abs(mc.p - res.p) < 4 * mc.mc_se
    ('monte_carlo', 999, True)
    """
    if method not in ("auto", "exact", "monte_carlo"):
        raise ValueError(f"method must be 'auto', 'exact' or 'monte_carlo', not {method!r}")
    if n_resamples is not None:
        if isinstance(n_resamples, bool) or not isinstance(n_resamples, (int, np.integer)) \
                or n_resamples < 1:
            raise ValueError(f"n_resamples must be a positive integer, got {n_resamples!r}")
    d, dropped = paired_differences(pre, post)
    n = d.size
    nz = np.abs(d[d != 0])
    k = nz.size
    nan = float("nan")
    if n == 0:
        warnings.warn("no complete pairs: the permutation test is undefined",
                      DegenerateDataWarning, stacklevel=2)
        return PermutationTestResult(nan, nan, "exact", 0, nan, 0, 0, dropped,
                                     "no complete pairs")
    s_obs = float(d.sum())
    stat = float(d.mean())
    if k == 0:
        warnings.warn("every difference is zero: the permutation p value is 1",
                      DegenerateDataWarning, stacklevel=2)
        return PermutationTestResult(stat, 1.0, "exact", 1, nan, n, 0, dropped,
                                     "every difference is zero; the only sign pattern is "
                                     "the observed one (p = 1)")
    threshold = abs(s_obs) - TIE_RTOL * float(nz.sum())
    if method == "auto":
        method = "exact" if k <= EXACT_MAX else "monte_carlo"
        why = (f"{k} non-zero differences <= {EXACT_MAX}: all 2^{k} = {2**k} sign "
               "patterns enumerated" if method == "exact" else
               f"{k} non-zero differences > {EXACT_MAX}: 2^{k} sign patterns are too "
               "many to enumerate, so random patterns were drawn")
    elif method == "exact":
        if k > 40:
            raise ValueError(f"method='exact' enumerates 2^{k} sign patterns; use at most "
                             "40 non-zero differences or method='monte_carlo'")
        why = f"exact test requested: all 2^{k} = {2**k} sign patterns enumerated"
    else:
        why = "Monte Carlo test requested"
    if method == "exact":
        count = _count_exact(nz, threshold)
        total = 2**k
        return PermutationTestResult(stat, count / total, "exact", total, nan, n, k,
                                     dropped, f"exact sign-flip test: {why}")
    m = DEFAULT_RESAMPLES if n_resamples is None else int(n_resamples)
    rng = np.random.default_rng(seed)
    b = 0
    chunk = max(1, min(m, 2**22 // max(k, 1)))
    done = 0
    with progress(m, {"en": "permutation test", "zh": "置换检验"}) as bar:
        while done < m:
            size = min(chunk, m - done)
            signs = rng.integers(0, 2, size=(size, k), dtype=np.int8) * 2 - 1
            sums = signs.astype(float) @ nz
            b += int((np.abs(sums) >= threshold).sum())
            done += size
            bar.update(size)
    p = (b + 1) / (m + 1)
    se = math.sqrt(p * (1 - p) / m)
    return PermutationTestResult(
        stat, p, "monte_carlo", m, se, n, k, dropped,
        f"Monte Carlo sign-flip test: {why}; {m} random patterns, p = (b + 1)/(m + 1) "
        f"with b = {b} at least as extreme, Monte Carlo SE = {se:.2g}")


# ---------------------------------------------------------------- Wilcoxon exact


@dataclass(frozen=True, repr=False)
class WilcoxonExactResult(Reportable):
    """Exact Wilcoxon signed-rank test conditional on the observed ranks.

    Unpacks as ``(V, p)``.

    Attributes
    ----------
    V : float
        Sum of the (average) ranks of |d| over the positive differences (R's V).
    p : float
        Two-sided exact p value from the permutation distribution of V given the
        tied ranks.
    method : str
        ``"exact_conditional"``.
    n, n_nonzero, n_zero, n_dropped : int
    n_tie_groups : int
        Groups of tied |d| among the non-zero differences.
    expected : float
        Null mean of V, ``sum(ranks) / 2``.
    """

    V: float
    p: float
    method: str
    n: int
    n_nonzero: int
    n_zero: int
    n_dropped: int
    n_tie_groups: int
    expected: float
    _title = "Exact Wilcoxon signed-rank test (conditional on ties; zeros dropped)"

    def __iter__(self):
        return iter((self.V, self.p))

    @property
    def pvalue(self) -> float:
        return self.p

    def to_dict(self) -> dict:
        return jsonable({k: getattr(self, k) for k in (
            "V", "p", "method", "n", "n_nonzero", "n_zero", "n_dropped", "n_tie_groups",
            "expected")})

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([self.to_dict()])

    def to_document(self, lang: str = "en") -> Document:
        """The test as a :class:`~stressgroup.core.document.Document` (one table)."""
        tab = Table(
            key="wilcoxon_exact",
            title={"en": "Exact Wilcoxon signed-rank test (conditional on ties)",
                   "zh": "精确 Wilcoxon 符号秩检验（考虑结值）"},
            columns=(Column("n", label("col.n"), "count"),
                     Column("n_nonzero", {"en": "Non-zero differences", "zh": "非零差值数"},
                            "count"),
                     Column("n_zero", {"en": "Zero differences", "zh": "零差值数"}, "count"),
                     Column("n_tie_groups", {"en": "Tied groups", "zh": "结值组数"}, "count"),
                     Column("V", label("col.V"), "statistic", digits=1),
                     Column("p", label("col.p"), "p")),
            rows=[{"n": self.n, "n_nonzero": self.n_nonzero, "n_zero": self.n_zero,
                   "n_tie_groups": self.n_tie_groups, "V": self.V, "p": self.p}],
            notes=(Note({"en": "V = sum of the ranks of the positive differences (post - pre); "
                               "zero differences dropped; exact null distribution given the "
                               "tied ranks; two-sided.",
                         "zh": "V = 正差值（后测 - 前测）的秩和；零差值剔除；在给定结值秩的条件下"
                               "使用精确零分布；双侧检验。"}),))
        return Document(tab.title, (tab,))


def _signrank_distribution(doubled: np.ndarray) -> np.ndarray:
    """Null probabilities of ``2 V`` for the given doubled (integer) ranks: each rank
    enters the sum with probability 1/2 (dynamic programming over the ranks)."""
    dist = np.zeros(int(doubled.sum()) + 1)
    dist[0] = 1.0
    top = 0
    for r in doubled:
        r = int(r)
        new = dist.copy()
        new[r:top + r + 1] += dist[:top + 1]
        dist = new * 0.5
        top += r
    return dist


def wilcoxon_exact(pre, post, *, digits_rank: "int | None" = None) -> WilcoxonExactResult:
    """Exact Wilcoxon signed-rank test conditional on ties and zeros.

    R's ``wilcox.test`` falls back to the normal approximation as soon as one
    difference is zero or two are tied, which in small groups scored on a
    1-5 scale is nearly always. This test keeps the exact distribution:
    zeros are dropped (as R), the remaining |d| are ranked with average ranks
    for ties, and the null distribution of V is that of a sum in which each
    (tied) rank enters with probability 1/2.

    Parameters
    ----------
    pre, post : array-like or Series
        Scores of the same people; pairs with a missing value are dropped.
    digits_rank : int, optional
        Round the differences to this many significant digits before ranking
        (R ``wilcox.test(digits.rank = )``). Default: exact floating-point
        equality decides ties, as R.

    Returns
    -------
    WilcoxonExactResult

    Notes
    -----
    ``V = sum(rank(|d|)[d > 0])`` over the non-zero differences. Average ranks
    are multiples of 1/2, so the distribution of ``2 V`` is computed exactly
    on the integers by dynamic programming over the doubled ranks (no
    enumeration of the 2**n patterns). The distribution is symmetric about
    ``E = sum(ranks) / 2``; the two-sided p value is
    ``min(1, 2 min(P(V <= v), P(V >= v)))``, which equals
    ``P(|V - E| >= |v - E|)``.

    Matches R ``coin::wilcoxsign_test(distribution = "exact", zero.method =
    "Wilcoxon")`` and a brute-force enumeration of all sign patterns in R
    (tests/reference/permutation.R). Without ties and zeros it equals
    ``wilcox.test(paired = TRUE, exact = TRUE)``. Note that coin's default,
    ``zero.method = "Pratt"``, ranks the zeros before dropping them and gives
    a different answer when there are zeros.

    References
    ----------
    Wilcoxon, F. (1945). Individual comparisons by ranking methods.
    *Biometrics Bulletin*, 1(6), 80-83.
    Hothorn, T., Hornik, K., van de Wiel, M. A., & Zeileis, A. (2008).
    Implementing a class of permutation tests: the coin package.
    *Journal of Statistical Software*, 28(8).

    Examples
    --------
    >>> from stressgroup.analysis import wilcoxon_exact
    >>> pre = [3.2, 3.6, 2.8, 4.0, 3.0, 3.4, 2.6, 3.8, 3.0]
    >>> post = [2.8, 3.6, 2.4, 3.2, 3.0, 3.0, 2.8, 3.0, 2.6]
    >>> res = wilcoxon_exact(pre, post, digits_rank=10)
    >>> res.V, res.n_nonzero, res.n_zero, round(res.p, 6)
    (1.0, 7, 2, 0.03125)
    """
    from scipy import stats

    from ._paired import _signif

    d, dropped = paired_differences(pre, post)
    n = d.size
    if digits_rank is not None:
        d = _signif(d, digits_rank)
    n_zero = int((d == 0).sum())
    d = d[d != 0]
    k = d.size
    if k == 0:
        warnings.warn("no non-zero differences: the Wilcoxon test is undefined",
                      DegenerateDataWarning, stacklevel=2)
        return WilcoxonExactResult(0.0, float("nan"), "exact_conditional", n, 0, n_zero,
                                   dropped, 0, 0.0)
    ranks = stats.rankdata(np.abs(d))
    doubled = np.rint(2 * ranks).astype(np.int64)
    v2 = int(doubled[d > 0].sum())
    dist = _signrank_distribution(doubled)
    cdf = np.cumsum(dist)
    p_low = cdf[v2]
    p_high = 1.0 - (cdf[v2 - 1] if v2 > 0 else 0.0)
    p = float(min(1.0, 2 * min(p_low, p_high)))
    _, counts = np.unique(ranks, return_counts=True)
    return WilcoxonExactResult(v2 / 2, p, "exact_conditional", n, k, n_zero, dropped,
                               int((counts > 1).sum()), float(doubled.sum()) / 4)


# ---------------------------------------------------------------- Shapiro-Wilk

_NOTE_SMALL = {
    "en": ("With only {n} pairs the normality of the differences cannot be checked "
           "reliably, so the t test rests on an assumption the data cannot support. "
           "Read the permutation test (or the exact Wilcoxon test) beside it; if they "
           "agree, the conclusion does not depend on normality."),
    "zh": ("只有 {n} 对数据，无法可靠地检验差值是否服从正态分布，t 检验的前提得不到数据支持。"
           "请同时参看置换检验（或精确 Wilcoxon 符号秩检验）的结果；若二者一致，结论不依赖正态假设。"),
}
_NOTE_NONNORMAL = {
    "en": ("The differences do not look normally distributed (Shapiro-Wilk W = {W:.3f}, "
           "p = {p:.3f}) and with {n} pairs the t test cannot lean on large-sample "
           "robustness. Read the permutation test (or the exact Wilcoxon test) instead "
           "of the t test."),
    "zh": ("差值不像服从正态分布（Shapiro-Wilk W = {W:.3f}，p = {p:.3f}），且只有 {n} 对数据，"
           "t 检验不能依靠大样本的稳健性。请以置换检验（或精确 Wilcoxon 符号秩检验）的结果为准。"),
}


@dataclass(frozen=True, repr=False)
class ShapiroWilkResult(Reportable):
    """Shapiro-Wilk test of the paired differences, with a reading note.

    Unpacks as ``(W, p)``.

    Attributes
    ----------
    W, p : float
        Shapiro-Wilk statistic and p value (NaN when fewer than 3 differences
        or all identical).
    n : int
        Differences tested.
    t_test_doubtful : bool
        True when ``n < 10``, or ``p < .05`` with ``n < 30``.
    note : dict
        ``{"en": ..., "zh": ...}``: what to read instead of the t test; empty
        strings when the t test is not in doubt.
    """

    W: float
    p: float
    n: int
    t_test_doubtful: bool
    note: dict
    _title = "Shapiro-Wilk test of the differences (post - pre)"

    def __iter__(self):
        return iter((self.W, self.p))

    @property
    def pvalue(self) -> float:
        return self.p

    def to_dict(self) -> dict:
        return jsonable({"W": self.W, "p": self.p, "n": self.n,
                         "t_test_doubtful": self.t_test_doubtful, "note": dict(self.note)})

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"W": self.W, "p": self.p, "n": self.n,
                              "t_test_doubtful": self.t_test_doubtful}])

    def _summary_lines(self) -> list[str]:
        return [self.note["en"]] if self.note.get("en") else []

    def to_document(self, lang: str = "en") -> Document:
        """The test and its reading note as a :class:`~stressgroup.core.document.Document`."""
        tab = Table(
            key="shapiro_wilk",
            title={"en": "Shapiro-Wilk test of the differences (post - pre)",
                   "zh": "差值（后测 - 前测）的 Shapiro-Wilk 正态性检验"},
            columns=(Column("n", label("col.n"), "count"),
                     Column("W", "W", "statistic", digits=3),
                     Column("p", label("col.p"), "p"),
                     Column("doubtful", {"en": "t test in doubt", "zh": "t 检验存疑"},
                            "text")),
            rows=[{"n": self.n, "W": self.W, "p": self.p,
                   "doubtful": {"en": "yes", "zh": "是"} if self.t_test_doubtful
                   else {"en": "no", "zh": "否"}}],
            notes=(Note(dict(self.note)),) if self.t_test_doubtful else ())
        return Document(tab.title, (tab,))


def shapiro_wilk(pre, post=None, *, alpha: float = 0.05) -> ShapiroWilkResult:
    """Shapiro-Wilk normality test of the paired differences ``post - pre``.

    Parameters
    ----------
    pre, post : array-like or Series
        Scores of the same people; pairs with a missing value are dropped.
        With ``post=None``, ``pre`` itself is tested (e.g. change scores).
    alpha : float
        Level below which the differences count as non-normal (default .05).

    Returns
    -------
    ShapiroWilkResult

    Notes
    -----
    scipy's ``shapiro`` implements Royston's (1995) algorithm AS R94, as R
    ``shapiro.test``; W and p match R to 1e-6 (tests/reference/permutation.R).
    R refuses fewer than 3 or more than 5000 values and identical values;
    here W and p are NaN with a warning in those cases (scipy's p above 5000
    values is an extrapolation it warns about itself).

    The t test is flagged as doubtful when ``n < 10`` (too few pairs to judge
    normality at all) or when ``p < alpha`` with ``n < 30`` (non-normal, and too
    few pairs for the central limit theorem to help). The note (English and
    Chinese) then recommends the permutation test or the exact Wilcoxon test.

    References
    ----------
    Shapiro, S. S., & Wilk, M. B. (1965). An analysis of variance test for
    normality. *Biometrika*, 52, 591-611.
    Royston, P. (1995). Remark AS R94. *Applied Statistics*, 44(4), 547-551.

    Examples
    --------
    >>> from stressgroup.analysis import shapiro_wilk
    >>> pre = [31, 28, 35, 40, 30, 26, 33, 38]
    >>> post = [25, 29, 30, 31, 22, 24, 30, 28]
    >>> res = shapiro_wilk(pre, post)
    >>> round(res.W, 4), res.n, res.t_test_doubtful
    (0.9656, 8, True)
    >>> print(res.note["en"][:40])
    With only 8 pairs the normality of the d
    """
    from scipy import stats

    if not 0 < alpha < 1:
        raise ValueError("alpha must lie between 0 and 1")
    if post is None:
        from ._paired import _as_1d

        d = _as_1d(pre, "pre")
        d = d[~np.isnan(d)]
    else:
        d, _ = paired_differences(pre, post)
    n = d.size
    nan = float("nan")
    if n < 3 or np.ptp(d) == 0:
        warnings.warn(f"Shapiro-Wilk needs at least 3 differences that are not all "
                      f"identical (got {n})", DegenerateDataWarning, stacklevel=2)
        W = p = nan
    elif n > 5000:
        warnings.warn(f"Shapiro-Wilk is defined for 3 to 5000 values, as R shapiro.test "
                      f"(got {n}); at this size the t test rests on the central limit "
                      "theorem", DegenerateDataWarning, stacklevel=2)
        W = p = nan
    else:
        res = stats.shapiro(d)
        W, p = float(res.statistic), float(res.pvalue)
    if n < 10:
        doubtful, tmpl = True, _NOTE_SMALL
    elif n < 30 and p < alpha:
        doubtful, tmpl = True, _NOTE_NONNORMAL
    else:
        doubtful, tmpl = False, None
    note = ({lang: t.format(n=n, W=W, p=p) for lang, t in tmpl.items()} if tmpl
            else {"en": "", "zh": ""})
    return ShapiroWilkResult(W, p, n, doubtful, note)

"""Paired (pre/post) standardised mean differences, each named, each with a CI."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.document import Column, Document, Note, Table
from ..core.errors import DegenerateDataWarning
from ..core.results import jsonable, quiet_numpy
from ..report import Reportable

__all__ = ["paired_effect_sizes", "PairedEffectSizes"]

# name, standardiser, formula (plain text), CI method, reference
_ROWS = (
    ("d_z", "SD of the differences", "mean(d) / sd(d)",
     "noncentral t", "Cohen (1988); as R effectsize::cohens_d(paired = TRUE)"),
    ("g_z", "SD of the differences, bias-corrected", "d_z * J(n - 1)",
     "noncentral t, limits * J", "Hedges (1981); as R effectsize::hedges_g(paired = TRUE)"),
    ("d_av", "mean of the pre and post SDs", "mean(d) / ((sd_pre + sd_post) / 2)",
     "noncentral t, limits * sd(d) / sd_av", "Cumming (2012); Lakens (2013); "
     "CI: Algina & Keselman (2003)"),
    ("g_av", "mean of the pre and post SDs, bias-corrected", "d_av * J(n - 1)",
     "noncentral t, d_av limits * J", "Lakens (2013), with the exact J"),
    ("d_rm", "within-person SD, sd(d) / sqrt(2 (1 - r))",
     "t * sqrt(2 (1 - r) / n) = d_z * sqrt(2 (1 - r))",
     "noncentral t, limits * sqrt(2 (1 - r))", "Lakens (2013), eq. 9; Morris & DeShon (2002)"),
)

_STD_ZH = {"d_z": "差值的标准差", "g_z": "差值的标准差（小样本校正）",
           "d_av": "前后测标准差的平均", "g_av": "前后测标准差的平均（小样本校正）",
           "d_rm": "个体内标准差 sd(d) / sqrt(2 (1 - r))"}


@dataclass(frozen=True, repr=False)
class PairedEffectSizes(Reportable):
    """Standardised mean differences of paired data (change = post - pre).

    Attributes
    ----------
    n : int
        Complete pairs.
    n_dropped : int
        Pairs dropped for a missing value.
    mean_diff, sd_diff, sd_pre, sd_post : float
        Over the complete pairs (SDs with n - 1).
    r : float
        Pearson correlation of pre and post.
    t, df : float
        Paired t statistic and its degrees of freedom (n - 1).
    J : float
        Hedges' exact small-sample correction for df = n - 1.
    confidence : float
    table : DataFrame
        One row per effect size, indexed by its name (``d_z``, ``g_z``,
        ``d_av``, ``g_av``, ``d_rm``), with columns ``estimate``,
        ``ci_low``, ``ci_high``, ``standardiser``, ``formula``, ``ci_method``
        and ``reference``.
    """

    n: int
    n_dropped: int
    mean_diff: float
    sd_diff: float
    sd_pre: float
    sd_post: float
    r: float
    t: float
    df: float
    J: float
    confidence: float
    table: pd.DataFrame
    _title = "Paired effect sizes (change = post - pre)"

    def __getitem__(self, name: str) -> float:
        """The estimate of one effect size: ``res["d_av"]``."""
        return float(self.table.loc[name, "estimate"])

    def ci(self, name: str) -> tuple[float, float]:
        """The confidence interval of one effect size."""
        row = self.table.loc[name]
        return (float(row["ci_low"]), float(row["ci_high"]))

    def to_dict(self) -> dict:
        out = {"n": self.n, "n_dropped": self.n_dropped, "mean_diff": self.mean_diff,
               "sd_diff": self.sd_diff, "sd_pre": self.sd_pre, "sd_post": self.sd_post,
               "r": self.r, "t": self.t, "df": self.df, "J": self.J,
               "confidence": self.confidence}
        for name in self.table.index:
            key = "dz" if name == "d_z" else name
            out[key] = self[name]
            out[f"{key}_ci"] = list(self.ci(name))
        return jsonable(out)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def _summary_lines(self) -> list[str]:
        return [f"n = {self.n} pairs, mean difference = {self.mean_diff:.4f}, "
                f"r(pre, post) = {self.r:.4f}, {self.confidence:.0%} CIs"]

    def to_document(self, lang: str = "en") -> Document:
        """The effect sizes as a :class:`~stressgroup.core.document.Document`: one row per
        d, with what it is standardised by and its formula."""
        c = f"{self.confidence:.0%}"
        tab = Table(
            key="paired_effect_sizes",
            title={"en": "Paired effect sizes (change = post - pre)",
                   "zh": "配对效应量（变化 = 后测 - 前测）"},
            columns=(Column("effect", {"en": "Effect size", "zh": "效应量"}, "text"),
                     Column("estimate", {"en": f"Estimate [{c} CI]",
                                         "zh": f"估计值 [{c} CI]"}, "estimate_ci"),
                     Column("standardiser", {"en": "Standardised by", "zh": "标准化分母"},
                            "text"),
                     Column("formula", {"en": "Formula", "zh": "公式"}, "text"),
                     Column("ci_method", {"en": "CI method", "zh": "置信区间方法"}, "text")),
            rows=[{"effect": name,
                   "estimate": (row["estimate"], row["ci_low"], row["ci_high"]),
                   "standardiser": {"en": row["standardiser"], "zh": _STD_ZH[name]},
                   "formula": row["formula"], "ci_method": row["ci_method"]}
                  for name, row in self.table.iterrows()],
            notes=(Note({"en": f"n = {self.n} pairs; r(pre, post) = {self.r:.3f}; "
                               "J = Hedges' exact small-sample correction, df = n - 1.",
                         "zh": f"n = {self.n} 对；前后测相关 r = {self.r:.3f}；"
                               "J 为 Hedges 小样本精确校正，df = n - 1。"}),))
        return Document(tab.title, (tab,))

    def __repr__(self) -> str:
        lines = [self._title] + self._summary_lines()
        with pd.option_context("display.width", 160, "display.max_colwidth", 50):
            lines.append(self.table[["estimate", "ci_low", "ci_high", "formula",
                                     "ci_method"]].to_string(float_format="{:.4f}".format))
        return "\n".join(lines)


@quiet_numpy
def paired_effect_sizes(pre, post, confidence: float = 0.95) -> PairedEffectSizes:
    """Every common standardised mean difference for paired data, named, with CIs.

    "Cohen's d" for a pre/post design can mean several different numbers;
    pingouin, JASP, SPSS and R packages each report a different one by
    default. This function reports them side by side and says which is which.

    Parameters
    ----------
    pre, post : array-like or Series
        Scores of the same people (arrays by position, two Series by index);
        pairs with a missing value are dropped and counted.
    confidence : float
        Coverage of the intervals (default 0.95).

    Returns
    -------
    PairedEffectSizes
        ``.table`` has one row per effect size with its formula.

    Notes
    -----
    With ``d = post - pre``, ``n`` pairs, ``t = mean(d) / (sd(d) / sqrt(n))``,
    ``df = n - 1``, ``r`` the pre-post correlation and
    ``J = Γ(df/2) / (sqrt(df/2) Γ((df-1)/2))``:

    * ``d_z = mean(d) / sd(d)``; CI from the noncentral t: the
      noncentrality parameters ``λ`` with ``P(T <= t | λ) = 1 - a/2`` and
      ``a/2``, divided by ``sqrt(n)`` (Steiger & Fouladi, 1997); matches R
      ``effectsize::cohens_d(post, pre, paired = TRUE)`` (whose Nelder-Mead
      search is looser than this root finder, see tests/reference/NOTES.md).
    * ``g_z = d_z J``, CI limits times J (R ``effectsize::hedges_g(paired = TRUE)``).
    * ``d_av = mean(d) / ((sd_pre + sd_post) / 2)`` (Cumming, 2012; Lakens,
      2013). CI: the noncentral-t limits of ``t`` rescaled by
      ``sd(d) / (sqrt(n) sd_av)``, i.e. the ratio of the standardisers is
      treated as known (Algina & Keselman, 2003, for dependent samples).
    * ``g_av = d_av J`` (Lakens, 2013, here with the exact J rather
      than its approximation ``1 - 3 / (4 df - 1)``); CI limits times J.
    * ``d_rm = t sqrt(2 (1 - r) / n) = d_z sqrt(2 (1 - r))`` (Lakens, 2013,
      eq. 9): the mean difference over the within-person SD
      ``sd(d) / sqrt(2 (1 - r))``. CI: the d_z limits times ``sqrt(2 (1 - r))``
      (r treated as known).

    R effectsize 0.8.3 (the version checked here) offers only d_z and g_z for
    paired data; the d_av, g_av and d_rm values and CIs were computed in R by
    hand from these formulas (tests/reference/effects.R). Later effectsize
    versions (``repeated_measures_d``, 0.8.6+) standardise ``d_av`` by the root
    mean *variance* ``sqrt((sd_pre^2 + sd_post^2) / 2)``, apply J by default
    and use normal-approximation CIs, so their numbers differ from these.

    References
    ----------
    Algina, J., & Keselman, H. J. (2003). Approximate confidence intervals for
    effect sizes. *Educational and Psychological Measurement*, 63(4), 537-553.
    Cumming, G. (2012). *Understanding the new statistics*. Routledge.
    Lakens, D. (2013). Calculating and reporting effect sizes to facilitate
    cumulative science: a practical primer for t-tests and ANOVAs. *Frontiers
    in Psychology*, 4, 863.
    Morris, S. B., & DeShon, R. P. (2002). Combining effect size estimates in
    meta-analysis with repeated measures and independent-groups designs.
    *Psychological Methods*, 7(1), 105-125.

    Examples
    --------
    >>> from stressgroup.analysis import paired_effect_sizes
    >>> pre = [31, 28, 35, 40, 30, 26, 33, 38]
    >>> post = [25, 29, 30, 31, 22, 24, 30, 28]
    >>> res = paired_effect_sizes(pre, post)
    >>> res.table.index.tolist()
    ['d_z', 'g_z', 'd_av', 'g_av', 'd_rm']
    >>> round(res["d_z"], 4), round(res["d_av"], 4), round(res["d_rm"], 4)
    (-1.3925, -1.2914, -1.1997)
    >>> print(res.table.loc["d_rm", "formula"])
    t * sqrt(2 (1 - r) / n) = d_z * sqrt(2 (1 - r))
    """
    from ._paired import dz_confidence_interval, hedges_j
    from ._permutation import paired_differences

    if not 0 < confidence < 1:
        raise ValueError("confidence must lie between 0 and 1")
    from ._paired import _as_1d, align_pairs

    pre, post = align_pairs(pre, post)
    a, b = _as_1d(pre, "pre"), _as_1d(post, "post")
    d, dropped = paired_differences(a, b)
    ok = ~(np.isnan(a) | np.isnan(b))
    a, b = a[ok], b[ok]
    n = d.size
    nan = float("nan")
    df = float(n - 1)
    if n < 2:
        warnings.warn(f"effect sizes need at least 2 complete pairs, got {n}",
                      DegenerateDataWarning, stacklevel=2)
        m = float(d.mean()) if n else nan
        sd_d = sd_a = sd_b = r = nan
    else:
        m = float(d.mean())
        sd_d, sd_a, sd_b = (float(np.std(v, ddof=1)) for v in (d, a, b))
        r = float(np.corrcoef(a, b)[0, 1]) if sd_a > 0 and sd_b > 0 else nan
    J = hedges_j(df) if n >= 2 else nan
    if n >= 2 and sd_d > 0 and sd_d / math.sqrt(n) >= 10 * np.finfo(float).eps * abs(m):
        t = m / (sd_d / math.sqrt(n))
        dz = m / sd_d
        lo, hi = dz_confidence_interval(t, n, confidence)
    else:
        if n >= 2:
            warnings.warn("every pair changed by the same amount: d_z, g_z and d_rm are "
                          "undefined", DegenerateDataWarning, stacklevel=2)
        t = dz = lo = hi = nan
    sd_av = (sd_a + sd_b) / 2
    if sd_av > 0:
        d_av = m / sd_av
        scale = sd_d / sd_av
        av_lo, av_hi = (lo * scale, hi * scale) if math.isfinite(lo) else (nan, nan)
    else:
        d_av = av_lo = av_hi = nan
    f = math.sqrt(2 * (1 - r)) if math.isfinite(r) else nan
    values = [
        (dz, lo, hi),
        (dz * J, lo * J, hi * J),
        (d_av, av_lo, av_hi),
        (d_av * J, av_lo * J, av_hi * J),
        (dz * f, lo * f, hi * f),
    ]
    table = pd.DataFrame(
        [{"effect": name, "estimate": float(est), "ci_low": float(cl), "ci_high": float(ch),
          "standardiser": std, "formula": formula, "ci_method": cim, "reference": ref}
         for (name, std, formula, cim, ref), (est, cl, ch) in zip(_ROWS, values)]
    ).set_index("effect")
    return PairedEffectSizes(n=n, n_dropped=dropped, mean_diff=m, sd_diff=sd_d,
                             sd_pre=sd_a, sd_post=sd_b, r=r, t=float(t), df=df,
                             J=float(J), confidence=confidence, table=table)

"""Effect sizes of the difference in change between an intervention and a control group."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.errors import DataError, DegenerateDataWarning
from ..core.results import jsonable, quiet_numpy
from ..report import Reportable
from ._paired import ncp_limits
from ._ancova import check_columns, group_levels
from ._paired import hedges_j

__all__ = ["change_effect_sizes", "ChangeEffectsResult"]

_KEYS = ("treatment", "control", "n_treatment", "n_control", "n_dropped",
         "mean_change_treatment", "mean_change_control", "sd_change_treatment",
         "sd_change_control", "mean_diff", "welch_t", "welch_df", "welch_p", "welch_ci",
         "d_ppc2", "d_ppc2_se", "d_ppc2_ci", "sd_pre_pooled", "c_p", "r_prepost",
         "r_source", "g_change", "g_change_ci", "d_change", "sd_change_pooled",
         "confidence")


@dataclass(frozen=True, repr=False)
class ChangeEffectsResult(Reportable):
    """Between-group difference in change (change = post - pre; treatment - control).

    Unpacks as ``(welch_t, welch_p)``.

    Attributes
    ----------
    treatment, control : str
        The two group labels; differences are treatment minus control.
    n_treatment, n_control, n_dropped : int
        Complete pairs per group; rows dropped (missing pre, post or group).
    mean_change_*, sd_change_* : float
        Mean and SD (n - 1) of ``post - pre`` per group.
    mean_diff : float
        Difference of the mean changes.
    welch_t, welch_df, welch_p, welch_ci : float
        Welch t test on the change scores (R ``t.test(var.equal = FALSE)``).
    d_ppc2, d_ppc2_se, d_ppc2_ci : float
        Morris (2008) d_ppc2: difference of mean changes over the pooled pre-test SD,
        bias-corrected by ``c_p``; SE and normal interval from Morris' eq. 25.
    sd_pre_pooled, c_p, r_prepost : float
        The pooled pre-test SD, ``c_p`` and the pre-post correlation used.
    r_source : str
        ``"pooled within-group"`` or ``"given"``.
    g_change, g_change_ci : float
        Hedges' g of the change scores (pooled SD, exact J) with its noncentral-t
        interval (R ``effectsize::hedges_g(change_T, change_C)``).
    d_change, sd_change_pooled : float
        The uncorrected Cohen's d of the change scores and the pooled SD.
    """

    treatment: str
    control: str
    n_treatment: int
    n_control: int
    n_dropped: int
    mean_change_treatment: float
    mean_change_control: float
    sd_change_treatment: float
    sd_change_control: float
    mean_diff: float
    welch_t: float
    welch_df: float
    welch_p: float
    welch_ci: tuple
    d_ppc2: float
    d_ppc2_se: float
    d_ppc2_ci: tuple
    sd_pre_pooled: float
    c_p: float
    r_prepost: float
    r_source: str
    g_change: float
    g_change_ci: tuple
    d_change: float
    sd_change_pooled: float
    confidence: float = 0.95
    _title = "Difference in change between groups (change = post - pre; treatment - control)"

    def __iter__(self):
        return iter((self.welch_t, self.welch_p))

    def to_dict(self) -> dict:
        return jsonable({k: getattr(self, k) for k in _KEYS})

    def to_frame(self) -> pd.DataFrame:
        """One row per named effect size, with its interval."""
        return pd.DataFrame(
            {"value": [self.mean_diff, self.d_ppc2, self.g_change],
             "ci_low": [self.welch_ci[0], self.d_ppc2_ci[0], self.g_change_ci[0]],
             "ci_high": [self.welch_ci[1], self.d_ppc2_ci[1], self.g_change_ci[1]],
             "definition": ["difference of mean changes (Welch interval)",
                            "Morris (2008) d_ppc2: pooled pre-test SD, bias-corrected",
                            "Hedges' g of the change scores (pooled SD, exact J)"]},
            index=pd.Index(["mean_diff", "d_ppc2", "g_change"], name="effect"))

    def to_document(self, lang: str = "en"):
        """The change per group and the named effect sizes as a
        :class:`~stressgroup.core.document.Document`."""
        from ..core.document import Column, Document, Note, Table
        pct = f"{self.confidence:.0%}"
        groups = Table(
            key="change_by_group",
            title={"en": "Change (post - pre) by group", "zh": "各组变化量（后测 - 前测）"},
            columns=(Column("group", {"en": "Group", "zh": "组别"}, "text"),
                     Column("n", "n", "count"),
                     Column("change", {"en": "Change {msd}", "zh": "变化量 {msd}"},
                            "mean_sd")),
            rows=[{"group": str(self.treatment), "n": self.n_treatment,
                   "change": (self.mean_change_treatment, self.sd_change_treatment)},
                  {"group": str(self.control), "n": self.n_control,
                   "change": (self.mean_change_control, self.sd_change_control)}])
        effects = Table(
            key="change_effects",
            title={"en": f"Difference in change: {self.treatment} - {self.control}",
                   "zh": f"变化量的组间差异：{self.treatment} - {self.control}"},
            columns=(Column("effect", {"en": "Effect", "zh": "指标"}, "text"),
                     Column("value", {"en": f"Estimate [{pct} CI]",
                                      "zh": f"估计值 [{pct} CI]"}, "estimate_ci"),
                     Column("definition", {"en": "Definition", "zh": "定义"}, "text")),
            rows=[{"effect": {"en": "Difference of mean changes", "zh": "平均变化量之差"},
                   "value": (self.mean_diff, *self.welch_ci),
                   "definition": {"en": "Welch interval", "zh": "Welch 区间"}},
                  {"effect": "d_ppc2", "value": (self.d_ppc2, *self.d_ppc2_ci),
                   "definition": {"en": "Morris (2008): difference of mean changes / pooled "
                                        "pre-test SD, bias-corrected",
                                  "zh": "Morris (2008)：平均变化量之差 / 合并前测标准差，"
                                        "经偏差校正"}},
                  {"effect": {"en": "Hedges' g (change scores)", "zh": "Hedges' g（变化量）"},
                   "value": (self.g_change, *self.g_change_ci),
                   "definition": {"en": "difference of mean changes / pooled SD of the "
                                        "changes, exact J",
                                  "zh": "平均变化量之差 / 变化量的合并标准差，精确 J 校正"}}],
            notes=(Note({"en": f"Welch t({self.welch_df:.2f}) = {self.welch_t:.2f}, "
                               f"p = {self.welch_p:.3f} on the change scores. The d_ppc2 "
                               f"interval uses r(pre, post) = {self.r_prepost:.3f} "
                               f"({self.r_source}).",
                         "zh": f"变化量的 Welch t({self.welch_df:.2f}) = {self.welch_t:.2f}，"
                               f"p = {self.welch_p:.3f}。d_ppc2 的区间使用前后测相关 "
                               f"r = {self.r_prepost:.3f}。"}),))
        return Document({"en": "Intervention versus control: difference in change",
                         "zh": "干预组与对照组：变化量比较"}, (groups, effects))

    def _summary_lines(self) -> list[str]:
        return [f"  {self.treatment} (n = {self.n_treatment}) vs {self.control} "
                f"(n = {self.n_control}); {self.n_dropped} rows dropped",
                f"  Welch t({self.welch_df:.4g}) = {self.welch_t:.4f}, p = {self.welch_p:.4g}; "
                f"r(pre, post) = {self.r_prepost:.4f} ({self.r_source})"]


@quiet_numpy
def change_effect_sizes(data: pd.DataFrame, pre: str, post: str, between: str, *,
                        control=None, r: "float | None" = None,
                        confidence: float = 0.95) -> ChangeEffectsResult:
    """Effect sizes of the difference in change between two groups.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person with pre and post scores and the group.
    pre, post : str
        Numeric columns; change is ``post - pre`` (complete pairs only).
    between : str
        Group column with exactly two groups.
    control : optional
        Label of the control group; the other group is the treatment. Default:
        the first level (categorical order, else sorted).
    r : float, optional
        Pre-post correlation for the variance of d_ppc2. Default: the pooled
        within-group correlation of the data.
    confidence : float
        Coverage of the intervals.

    Returns
    -------
    ChangeEffectsResult

    Notes
    -----
    **d_ppc2** (Morris, 2008, eq. 8)::

        d_ppc2 = c_p * ((M_post,T - M_pre,T) - (M_post,C - M_pre,C)) / SD_pre
        SD_pre = sqrt(((n_T - 1) s_pre,T^2 + (n_C - 1) s_pre,C^2) / (n_T + n_C - 2))
        c_p = 1 - 3 / (4 (n_T + n_C - 2) - 1)

    Its variance (Morris, 2008, eq. 25), with ``delta`` estimated by d_ppc2 and
    ``rho`` by the pooled within-group pre-post correlation (the pooled
    cross-products over the root of the pooled sums of squares)::

        2 c_p^2 (1 - rho) (n_T + n_C)/(n_T n_C) (n_T + n_C - 2)/(n_T + n_C - 4)
          * (1 + delta^2 / (2 (1 - rho) (n_T + n_C)/(n_T n_C))) - delta^2

    and the interval is ``d_ppc2 -/+ z SE``. **g_change** is Hedges' g of the
    change scores with the pooled SD and the exact ``J`` (df = n_T + n_C - 2), its
    interval from the noncentral t of the Student t statistic times ``J``: R
    ``effectsize::hedges_g(change_T, change_C)`` (whose Nelder-Mead search of the
    limits is less precise than the root found here). The test is Welch's t on
    the change scores, R ``t.test(change_T, change_C, var.equal = FALSE)``.
    Negative values mean the treatment group's score fell more than the
    control group's (an improvement where higher is worse).

    References
    ----------
    Morris, S. B. (2008). Estimating effect sizes from pretest-posttest-control group
    designs. *Organizational Research Methods, 11*(2), 364-386.

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup.analysis import change_effect_sizes
    >>> df = pd.DataFrame({"group": ["c"] * 5 + ["t"] * 5,
    ...                    "pre": [3.1, 2.8, 3.5, 3.9, 3.0, 3.2, 2.9, 3.6, 3.8, 3.1],
    ...                    "post": [3.0, 2.9, 3.4, 3.8, 3.1, 2.7, 2.5, 3.1, 3.2, 2.6]})
    >>> res = change_effect_sizes(df, "pre", "post", "group", control="c")
    >>> round(res.d_ppc2, 4), round(res.g_change, 4), round(res.welch_p, 5)
    (-1.0673, -4.6998, 9e-05)
    """
    from scipy import stats
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie between 0 and 1")
    if r is not None and not -1 < r < 1:
        raise ValueError("r must lie strictly between -1 and 1")
    check_columns(data, {"pre": pre, "post": post, "between": between},
                  numeric=("pre", "post"))
    sub = data[[pre, post, between]]
    ok = sub.notna().all(axis=1).to_numpy()
    sub = sub[ok]
    levels = group_levels(sub[between])
    if len(levels) != 2:
        raise DataError(f"between={between!r} has {len(levels)} groups with complete pairs "
                        f"({', '.join(map(str, levels))}); the difference in change needs "
                        "exactly two (select two groups first)")
    if control is None:
        control = levels[0]
    if control not in levels:
        raise DataError(f"control={control!r} is not a group of {between!r} (groups: "
                        f"{', '.join(map(str, levels))})")
    treatment = levels[1] if control == levels[0] else levels[0]
    t_rows = sub[sub[between] == treatment]
    c_rows = sub[sub[between] == control]
    nT, nC = len(t_rows), len(c_rows)
    N = nT + nC
    nan = float("nan")
    if min(nT, nC) < 2:
        raise DataError(f"each group needs at least 2 complete pairs (found {treatment}: "
                        f"{nT}, {control}: {nC})")
    xT, yT = t_rows[pre].to_numpy(float), t_rows[post].to_numpy(float)
    xC, yC = c_rows[pre].to_numpy(float), c_rows[post].to_numpy(float)
    chT, chC = yT - xT, yC - xC
    mT, mC = float(chT.mean()), float(chC.mean())
    sT, sC = float(chT.std(ddof=1)), float(chC.std(ddof=1))
    diff = mT - mC
    df_p = N - 2
    # Welch
    vT, vC = sT ** 2 / nT, sC ** 2 / nC
    se_w = math.sqrt(vT + vC)
    q = 0.5 + confidence / 2
    if se_w > 0:
        wt = diff / se_w
        wdf = (vT + vC) ** 2 / (vT ** 2 / (nT - 1) + vC ** 2 / (nC - 1))
        wp = float(2 * stats.t.sf(abs(wt), wdf))
        crit = stats.t.ppf(q, wdf)
        wci = (diff - crit * se_w, diff + crit * se_w)
    else:
        warnings.warn("every person changed by the same amount: the Welch test and the "
                      "change-score effect sizes are undefined", DegenerateDataWarning,
                      stacklevel=2)
        wt = wdf = wp = nan
        wci = (nan, nan)
    # Morris d_ppc2
    ss = lambda v: float(((v - v.mean()) ** 2).sum())  # noqa: E731
    sd_pre = math.sqrt((ss(xT) + ss(xC)) / df_p)
    cp = 1 - 3 / (4 * df_p - 1)
    if r is None:
        sxy = float(((xT - xT.mean()) * (yT - yT.mean())).sum()
                    + ((xC - xC.mean()) * (yC - yC.mean())).sum())
        denom = math.sqrt((ss(xT) + ss(xC)) * (ss(yT) + ss(yC)))
        rho = sxy / denom if denom > 0 else nan
        r_source = "pooled within-group"
    else:
        rho, r_source = float(r), "given"
    if sd_pre > 0:
        d_ppc2 = cp * diff / sd_pre
    else:
        warnings.warn("the pre-test scores are constant within both groups: d_ppc2 is "
                      "undefined", DegenerateDataWarning, stacklevel=2)
        d_ppc2 = nan
    k = N / (nT * nC)
    if N > 4 and np.isfinite(rho) and rho < 1:
        var = (2 * cp ** 2 * (1 - rho) * k * (df_p / (N - 4))
               * (1 + d_ppc2 ** 2 / (2 * (1 - rho) * k)) - d_ppc2 ** 2)
    else:
        var = nan
    if not var > 0:
        if N <= 4:
            warnings.warn("the variance of d_ppc2 needs more than 4 people",
                          DegenerateDataWarning, stacklevel=2)
        var = nan
    d_se = math.sqrt(var) if np.isfinite(var) else nan
    z = stats.norm.ppf(q)
    # Hedges' g of the change scores (pooled SD)
    sp = math.sqrt(((nT - 1) * sT ** 2 + (nC - 1) * sC ** 2) / df_p)
    J = hedges_j(df_p)
    if sp > 0:
        d_ch = diff / sp
        t_st = d_ch / math.sqrt(1 / nT + 1 / nC)
        lo, hi = ncp_limits(t_st, df_p, confidence)
        g_ci = (lo * math.sqrt(1 / nT + 1 / nC) * J, hi * math.sqrt(1 / nT + 1 / nC) * J)
    else:
        d_ch = nan
        g_ci = (nan, nan)
    return ChangeEffectsResult(
        treatment=treatment, control=control, n_treatment=nT, n_control=nC,
        n_dropped=int((~ok).sum()), mean_change_treatment=mT, mean_change_control=mC,
        sd_change_treatment=sT, sd_change_control=sC, mean_diff=diff, welch_t=float(wt),
        welch_df=float(wdf), welch_p=wp, welch_ci=(float(wci[0]), float(wci[1])),
        d_ppc2=float(d_ppc2), d_ppc2_se=d_se,
        d_ppc2_ci=(float(d_ppc2 - z * d_se), float(d_ppc2 + z * d_se)),
        sd_pre_pooled=sd_pre, c_p=cp, r_prepost=float(rho), r_source=r_source,
        g_change=float(d_ch * J), g_change_ci=(float(g_ci[0]), float(g_ci[1])),
        d_change=float(d_ch), sd_change_pooled=sp, confidence=confidence)

"""Subgroup differences at baseline: t tests, one-way ANOVA, Welch's ANOVA, Kruskal-Wallis,
Games-Howell and Holm post-hoc tests, correlations with numeric variables."""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from ..core.errors import DegenerateDataWarning
from ..core.results import jsonable, quiet_numpy
from ..instruments import Instrument, load_instrument
from ..report import Reportable
from ._change import adjust_p
from ._paired import average_ranks, dz_confidence_interval, hedges_j
from ._profile import wave_scores
from ._textvalues import text_values

__all__ = ["subgroup_differences", "SubgroupResult", "band_values", "two_group_tests",
           "many_group_tests", "games_howell", "correlation_tests", "spearman_test"]


# ----------------------------------------------------------------------------- bands
def _fmt(v: float) -> str:
    return f"{int(v)}" if float(v).is_integer() else f"{v:g}"


def band_labels(cuts) -> list[str]:
    """Labels of the left-closed bands cut at ``cuts``.

    Integer cuts give ``"< 30"``, ``"30-39"``, ..., ``">= 50"`` (a band ``30-39`` holds
    30 <= x < 40); other cuts ``"30-<40.5"``.

    Examples
    --------
    >>> band_labels([30, 40, 50])
    ['< 30', '30-39', '40-49', '>= 50']
    """
    cuts = [float(c) for c in cuts]
    labs = [f"< {_fmt(cuts[0])}"]
    for a, b in zip(cuts[:-1], cuts[1:]):
        if a.is_integer() and b.is_integer():
            labs.append(f"{_fmt(a)}-{_fmt(b - 1)}")
        else:
            labs.append(f"{_fmt(a)}-<{_fmt(b)}")
    labs.append(f">= {_fmt(cuts[-1])}")
    return labs


def band_values(values, cuts) -> pd.Series:
    """Cut numbers into left-closed bands (ordered categorical; NaN stays missing).

    ``cuts`` must be strictly increasing; the value ``cuts[i]`` opens band ``i + 1``,
    as R ``findInterval``.

    Examples
    --------
    >>> band_values([25, 30, 39.5, 40, 61, None], [30, 40, 50]).tolist()
    ['< 30', '30-39', '30-39', '40-49', '>= 50', nan]
    """
    cuts = [float(c) for c in cuts]
    if not cuts or any(b <= a for a, b in zip(cuts[:-1], cuts[1:])):
        raise ValueError(f"bands must be a strictly increasing list of cut points, not {cuts}")
    x = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    labs = band_labels(cuts)
    idx = np.searchsorted(np.array(cuts), x, side="right")
    idx[np.isnan(x)] = -1                       # the code of a missing value
    return pd.Series(pd.Categorical.from_codes(idx, categories=labs, ordered=True))


# ----------------------------------------------------------------------------- tests
def two_group_tests(x1, x2, confidence: float = 0.95) -> dict:
    """Welch and Student t tests of ``x1`` against ``x2`` with Cohen's d and Hedges' g.

    ``mean_diff = mean(x1) - mean(x2)``. ``d`` uses the pooled SD; ``g = d * J`` with
    ``J`` from df = n1 + n2 - 2 and the noncentral-t interval of the Student t times
    ``sqrt(1/n1 + 1/n2)`` (times J for g), as R ``effectsize::hedges_g(x1, x2)``
    (which finds the roots by Nelder-Mead; we solve them exactly).
    """
    from scipy import stats

    a = np.asarray(x1, float)
    b = np.asarray(x2, float)
    n1, n2 = a.size, b.size
    m1, m2 = a.mean(), b.mean()
    v1, v2 = a.var(ddof=1), b.var(ddof=1)
    diff = m1 - m2
    out = {"n": [n1, n2], "mean": [m1, m2], "sd": [math.sqrt(v1), math.sqrt(v2)],
           "mean_diff": diff}
    se_w = math.sqrt(v1 / n1 + v2 / n2)
    df_w = (v1 / n1 + v2 / n2) ** 2 / ((v1 / n1) ** 2 / (n1 - 1) + (v2 / n2) ** 2 / (n2 - 1))
    df_s = n1 + n2 - 2
    sp = math.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / df_s)
    se_s = sp * math.sqrt(1 / n1 + 1 / n2)
    nan = float("nan")
    if not (se_w > 0 and se_s > 0):
        warnings.warn("both groups have no variance: the t tests are undefined",
                      DegenerateDataWarning, stacklevel=3)
        return {**out, "welch_t": nan, "welch_df": nan, "welch_p": nan, "student_t": nan,
                "student_df": float(df_s), "student_p": nan, "cohens_d": nan,
                "cohens_d_ci": [nan, nan], "hedges_g": nan, "hedges_g_ci": [nan, nan]}
    tw, ts = diff / se_w, diff / se_s
    d = diff / sp
    J = hedges_j(df_s)
    # dz_confidence_interval(t, n) solves the ncp roots with df = n - 1
    lo, hi = dz_confidence_interval(ts, df_s + 1, confidence)
    scale = math.sqrt(df_s + 1) * math.sqrt(1 / n1 + 1 / n2)
    return {**out, "welch_t": tw, "welch_df": df_w, "welch_p": float(2 * stats.t.sf(abs(tw), df_w)),
            "student_t": ts, "student_df": float(df_s),
            "student_p": float(2 * stats.t.sf(abs(ts), df_s)), "cohens_d": d,
            "cohens_d_ci": [lo * scale, hi * scale], "hedges_g": d * J,
            "hedges_g_ci": [lo * scale * J, hi * scale * J]}


def many_group_tests(groups: "list[np.ndarray]") -> dict:
    """One-way ANOVA, Welch's ANOVA and Kruskal-Wallis of three or more groups.

    Returns ``anova_F``, ``anova_df1``, ``anova_df2``, ``anova_p``, ``eta2``
    (SS_between / SS_total), ``omega2`` ((SS_b - df_b MS_w) / (SS_t + MS_w), set to 0
    when negative, as ``effectsize::omega_squared``) and ``omega2_raw`` (unclipped);
    ``welch_F``, ``welch_df1``, ``welch_df2``, ``welch_p`` (R ``oneway.test(var.equal
    = FALSE)``); ``kw_H``, ``kw_df``, ``kw_p`` (R ``kruskal.test``, tie-corrected),
    ``epsilon2 = H / ((n^2 - 1) / (n + 1))`` (= ``effectsize::rank_epsilon_squared``)
    and ``eta2_H = (H - k + 1) / (n - k)`` (``rstatix::kruskal_effsize``).
    """
    from scipy import stats

    k = len(groups)
    ns = np.array([g.size for g in groups], float)
    means = np.array([g.mean() for g in groups])
    vars_ = np.array([g.var(ddof=1) for g in groups])
    y = np.concatenate(groups)
    n = y.size
    grand = y.mean()
    ssb = float((ns * (means - grand) ** 2).sum())
    ssw = float(sum(((g - g.mean()) ** 2).sum() for g in groups))
    dfb, dfw = k - 1, n - k
    msw = ssw / dfw
    nan = float("nan")
    out: dict = {}
    if msw > 0:
        F = (ssb / dfb) / msw
        om = (ssb - dfb * msw) / (ssb + ssw + msw)
        out.update(anova_F=F, anova_df1=float(dfb), anova_df2=float(dfw),
                   anova_p=float(stats.f.sf(F, dfb, dfw)), eta2=ssb / (ssb + ssw),
                   omega2=max(om, 0.0), omega2_raw=om)
    else:
        warnings.warn("no variance within the groups: the ANOVA is undefined",
                      DegenerateDataWarning, stacklevel=3)
        out.update(anova_F=nan, anova_df1=float(dfb), anova_df2=float(dfw), anova_p=nan,
                   eta2=nan, omega2=nan, omega2_raw=nan)
    if (vars_ > 0).all():
        w = ns / vars_
        sw = w.sum()
        mt = (w * means).sum() / sw
        tmp = (((1 - w / sw) ** 2) / (ns - 1)).sum() / (k * k - 1)
        Fw = ((w * (means - mt) ** 2).sum() / (k - 1)) / (1 + 2 * (k - 2) * tmp)
        df2 = 1 / (3 * tmp)
        out.update(welch_F=float(Fw), welch_df1=float(k - 1), welch_df2=float(df2),
                   welch_p=float(stats.f.sf(Fw, k - 1, df2)))
    else:
        warnings.warn("a group has no variance: Welch's ANOVA is undefined",
                      DegenerateDataWarning, stacklevel=3)
        out.update(welch_F=nan, welch_df1=float(k - 1), welch_df2=nan, welch_p=nan)
    if np.isnan(y).any():   # scipy's NaN propagation
        r = stats.rankdata(y)
        _, t = np.unique(y, return_counts=True)
    else:
        r, t = average_ranks(y)
    corr = 1 - float((t**3 - t).sum()) / (n**3 - n)
    bounds = np.cumsum([0] + [g.size for g in groups])
    rs = np.array([r[bounds[i]:bounds[i + 1]].sum() for i in range(k)])
    if corr > 0:
        H = (12 / (n * (n + 1)) * float((rs**2 / ns).sum()) - 3 * (n + 1)) / corr
        out.update(kw_H=H, kw_df=float(k - 1), kw_p=float(stats.chi2.sf(H, k - 1)),
                   epsilon2=H / ((n * n - 1) / (n + 1)), eta2_H=(H - k + 1) / (n - k))
    else:
        out.update(kw_H=nan, kw_df=float(k - 1), kw_p=nan, epsilon2=nan, eta2_H=nan)
    return out


def games_howell(groups: "list[np.ndarray]", labels: "list[str]",
                 confidence: float = 0.95, *, ci: bool = True) -> list[dict]:
    """Games-Howell pairwise comparisons, as ``rstatix::games_howell_test``.

    Per pair (group1 before group2): ``estimate = mean2 - mean1``,
    ``t = |estimate| / sqrt(v1/n1 + v2/n2)``, Welch df, ``p = P(Q > t sqrt(2))`` of the
    studentized range with k groups (R ``ptukey``), CI ``estimate -/+ q se`` with
    ``se = sqrt((v1/n1 + v2/n2) / 2)`` and ``q`` the studentized range quantile (R's
    ``qtukey`` is accurate to about 1e-4 only, so the CI agrees with rstatix to that).
    ``ci=False`` leaves the interval out (NaN): the studentized-range quantile is a double
    integral solved by root finding, about 0.08 s per pair.
    """
    from scipy import stats

    k = len(groups)
    out = []
    for i, j in itertools.combinations(range(k), 2):
        a, b = groups[i], groups[j]
        va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
        est = b.mean() - a.mean()
        s = math.sqrt(va + vb)
        nan = float("nan")
        if s > 0:
            df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
            t = abs(est) / s
            p = float(stats.studentized_range.sf(t * math.sqrt(2), k, df))
            se = s * math.sqrt(0.5)
            if ci:
                q = float(stats.studentized_range.ppf(confidence, k, df))
                interval = [est - q * se, est + q * se]
            else:
                interval = [nan, nan]
        else:
            df = t = p = se = nan
            interval = [nan, nan]
        out.append({"group1": labels[i], "group2": labels[j], "estimate": est, "se": se,
                    "t": t, "df": df, "p_tukey": min(p, 1.0) if p == p else p,
                    "ci": interval})
    return out


def holm_pairwise_t(groups: "list[np.ndarray]") -> list[float]:
    """Holm-adjusted pairwise t tests with the pooled SD of all groups, as R
    ``pairwise.t.test(y, g, p.adjust.method = "holm")`` (``pool.sd = TRUE``)."""
    from scipy import stats

    ns = np.array([g.size for g in groups], float)
    dfw = ns.sum() - len(groups)
    sp = math.sqrt(sum(((g - g.mean()) ** 2).sum() for g in groups) / dfw)
    ps = []
    for i, j in itertools.combinations(range(len(groups)), 2):
        se = sp * math.sqrt(1 / ns[i] + 1 / ns[j])
        t = (groups[i].mean() - groups[j].mean()) / se if se > 0 else float("nan")
        ps.append(float(2 * stats.t.sf(abs(t), dfw)))
    return adjust_p(ps, "holm").tolist()


@lru_cache(maxsize=16)
def _perm_sums(n: int) -> np.ndarray:
    """sum (i - pi_i)^2 over every permutation of n elements (n <= 9)."""
    perms = np.array(list(itertools.permutations(range(1, n + 1))), dtype=np.int64)
    return ((np.arange(1, n + 1) - perms) ** 2).sum(axis=1)


def _prho(n: int, s: float, lower_tail: bool) -> float:
    """R's prho (AS 89): P(S >= s), or P(S < s) when ``lower_tail``."""
    from scipy import stats

    pv = 0.0 if lower_tail else 1.0
    if n <= 1 or s <= 0:
        return pv
    n3 = n * (n * n - 1) / 3
    if s > n3:
        return 1 - pv
    if n <= 9:
        nfac = math.factorial(n)
        ifr = 1 if s == n3 else int((_perm_sums(n) >= s).sum())
        return (nfac - ifr if lower_tail else ifr) / nfac
    c = (.2274, .2531, .1745, .0758, .1033, .3932, .0879, .0151, .0072, .0831, .0131, 4.6e-4)
    y = float(n)
    b = 1 / y
    x = (6 * (s - 1) * b / (y * y - 1) - 1) * math.sqrt(y - 1)
    y = x * x
    u = x * b * (c[0] + b * (c[1] + c[2] * b) + y * (-c[3] + b * (c[4] + c[5] * b)
                 - y * b * (c[6] + c[7] * b - y * (c[8] - c[9] * b + y * b * (c[10] - c[11] * y)))))
    y = u / math.exp(y / 2)
    pv = (-y if lower_tail else y) + (stats.norm.cdf(x) if lower_tail else stats.norm.sf(x))
    return min(max(pv, 0.0), 1.0)


def spearman_test(x, y) -> dict:
    """Spearman's rho with R ``cor.test(method = "spearman")``'s p value.

    Without ties: R's AS 89 (exact enumeration for n <= 9, Edgeworth series for
    10 <= n <= 1290); with ties or n > 1290: the t approximation
    ``t = rho sqrt((n - 2) / (1 - rho^2))``, df = n - 2. ``method`` says which
    (``exact``, ``edgeworth`` or ``t``); ``S = (n^3 - n)(1 - rho) / 6``.
    """
    from scipy import stats

    x = np.asarray(x, float)
    y = np.asarray(y, float)
    n = x.size
    if np.isnan(x).any() or np.isnan(y).any():   # scipy's NaN propagation
        rx, ry = stats.rankdata(x), stats.rankdata(y)
        ties = len(np.unique(x)) < n or len(np.unique(y)) < n
    else:
        (rx, cx), (ry, cy) = average_ranks(x), average_ranks(y)
        ties = len(cx) < n or len(cy) < n
    rho = float(np.corrcoef(rx, ry)[0, 1]) if n > 1 else float("nan")
    q = (n**3 - n) * (1 - rho) / 6
    exact = not ties and n <= 1290
    if not np.isfinite(rho):
        return {"rho": float("nan"), "S": float("nan"), "p": float("nan"), "method": "t"}
    upper = q > (n**3 - n) / 6
    if exact:
        qq = float(np.round(q)) + (0 if upper else 2)
        p = _prho(n, qq, lower_tail=not upper)
        method = "exact" if n <= 9 else "edgeworth"
    else:
        den = n * (n * n - 1) / 6
        r = 1 - q / den
        tt = r / math.sqrt((1 - r * r) / (n - 2)) if r * r < 1 else math.copysign(math.inf, r)
        p = float(stats.t.sf(tt, n - 2)) if upper is False else float(stats.t.cdf(tt, n - 2))
        method = "t"
    return {"rho": rho, "S": q, "p": min(2 * p, 1.0), "method": method}


def correlation_tests(x, y, confidence: float = 0.95) -> dict:
    """Pearson r (t test, Fisher-z CI, as R ``cor.test``) and Spearman rho
    (:func:`spearman_test`) over the complete pairs."""
    from scipy import stats

    x = np.asarray(x, float)
    y = np.asarray(y, float)
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    n = int(ok.sum())
    nan = float("nan")
    out = {"n": n}
    if n < 3 or x.std() == 0 or y.std() == 0:
        warnings.warn(f"a correlation needs at least 3 pairs that vary (n = {n})",
                      DegenerateDataWarning, stacklevel=3)
        return {**out, "pearson_r": nan, "pearson_t": nan, "pearson_df": float(n - 2),
                "pearson_p": nan, "pearson_ci": [nan, nan], "spearman_rho": nan,
                "spearman_S": nan, "spearman_p": nan, "spearman_method": None}
    r = float(np.corrcoef(x, y)[0, 1])
    df = n - 2
    t = r * math.sqrt(df / (1 - r * r)) if abs(r) < 1 else math.copysign(math.inf, r)
    if n > 3:
        z = math.atanh(r)
        h = stats.norm.ppf(0.5 + confidence / 2) / math.sqrt(n - 3)
        ci = [math.tanh(z - h), math.tanh(z + h)]
    else:
        ci = [nan, nan]
    s = spearman_test(x, y)
    return {**out, "pearson_r": r, "pearson_t": t, "pearson_df": float(df),
            "pearson_p": float(2 * stats.t.sf(abs(t), df)), "pearson_ci": ci,
            "spearman_rho": s["rho"], "spearman_S": s["S"], "spearman_p": s["p"],
            "spearman_method": s["method"]}


# ----------------------------------------------------------------------------- result
@dataclass(frozen=True, repr=False)
class SubgroupResult(Reportable):
    """Differences between subgroups of people at one wave (see
    :func:`subgroup_differences`).

    Attributes
    ----------
    instrument : str
    wave : str or None
    variables : dict
        Per ``by`` column: ``{"kind": "two_groups" | "anova" | "correlation" | "none",
        "banded": cut points or None, "categories": [...], "dropped": [...],
        "n_missing": int, "scales": {scale: {...}}}``. A two-group scale entry holds
        ``n``, ``mean``, ``sd`` (per category), ``mean_diff`` (first - second category),
        ``welch_t``, ``welch_df``, ``welch_p``, ``student_t``, ``student_df``,
        ``student_p``, ``cohens_d``, ``cohens_d_ci``, ``hedges_g``, ``hedges_g_ci``;
        an ANOVA entry the keys of :func:`many_group_tests` and ``posthoc`` (a list of
        pairs with ``group1``, ``group2``, ``estimate`` = mean2 - mean1, ``se``,
        ``t``, ``df``, ``p_tukey``, ``ci`` (Games-Howell) and ``holm_t_p``); a
        correlation entry the keys of :func:`correlation_tests`.
    notes : tuple of str
        Dropped categories and variables that could not be analysed.
    names : dict
        Scale id -> ``{"en": ..., "zh": ...}``.
    """

    instrument: str
    wave: "str | None"
    variables: dict
    notes: tuple = ()
    names: dict = field(default_factory=dict)
    _title = "Subgroup differences"

    def to_dict(self) -> dict:
        return jsonable({"instrument": self.instrument, "wave": self.wave,
                         "variables": self.variables, "notes": list(self.notes)})

    def to_frame(self) -> pd.DataFrame:
        """One row per variable and scale: the main test and its effect size."""
        rows = []
        for var, v in self.variables.items():
            for sc, r in v["scales"].items():
                row = {"variable": var, "kind": v["kind"], "scale": sc}
                if v["kind"] == "two_groups":
                    row.update(statistic=r["welch_t"], df=r["welch_df"], p=r["welch_p"],
                               effect=r["hedges_g"], effect_name="hedges_g")
                elif v["kind"] == "anova":
                    row.update(statistic=r["anova_F"], df=r["anova_df1"], p=r["anova_p"],
                               effect=r["eta2"], effect_name="eta2")
                elif v["kind"] == "correlation":
                    row.update(statistic=r["pearson_r"], df=r["pearson_df"],
                               p=r["pearson_p"], effect=r["spearman_rho"],
                               effect_name="spearman_rho")
                rows.append(row)
        return pd.DataFrame(rows)

    def to_document(self, lang: str = "en"):
        """The tables as a :class:`~stressgroup.core.document.Document`."""
        return _subgroup_document(self)

    def _summary_lines(self) -> list[str]:
        return list(self.notes)


def _kind_of(series: pd.Series, categorical) -> bool:
    """True when the column is numeric (analysed as a number unless listed)."""
    if series.name in categorical:
        return False
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


@quiet_numpy
def subgroup_differences(responses, instrument: "Instrument | str", by, wave: "str | None" = "pre",
                         bands: "dict | None" = None, *, categorical=(),
                         confidence: float = 0.95, posthoc_ci: bool = True) -> SubgroupResult:
    """Do the scores differ by gender, age, years of service, post ...?

    Parameters
    ----------
    responses : Responses or DataFrame
        One row per person per wave: ``id``, ``wave``, items and the ``by`` columns.
    instrument : Instrument or str
    by : str or list of str
        Columns to compare by.
    wave : str or None
        The wave analysed (default ``"pre"``); None uses every row.
    bands : dict, optional
        Cut points per numeric column, e.g. ``{"age": [30, 40, 50]}``: left-closed
        bands ``"< 30"``, ``"30-39"``, ``"40-49"``, ``">= 50"`` (30 <= age < 40 is
        ``"30-39"``). A numeric column without bands is analysed by correlations.
    categorical : sequence of str
        Numeric columns to treat as categories (codes such as 1 = male, 2 = female).
    confidence : float
        Coverage of the intervals.
    posthoc_ci : bool
        Compute the Games-Howell intervals (slow: about 0.08 s per pair; the evaluation
        leaves them out and keeps the estimates and p values).

    Returns
    -------
    SubgroupResult

    Notes
    -----
    Categories are compared as text, in sorted order (bands in band order); people
    with a missing value are left out of that variable, categories with fewer than 2
    people are dropped with a note. For each scale (levels and total):

    * two categories: Welch t (R ``t.test``) and Student t (``var.equal = TRUE``);
      Cohen's d and Hedges' g with the pooled SD and noncentral-t CIs (R
      ``effectsize::cohens_d`` / ``hedges_g``);
    * three or more: one-way ANOVA (R ``aov``), eta squared and omega squared (R
      ``effectsize::eta_squared`` / ``omega_squared(partial = FALSE)``; effectsize sets
      a negative omega squared to 0, ``omega2_raw`` keeps it), Welch's ANOVA (R
      ``oneway.test(var.equal = FALSE)``), Kruskal-Wallis (R ``kruskal.test``) with
      epsilon squared ``H / ((n^2 - 1) / (n + 1))`` (R
      ``effectsize::rank_epsilon_squared``) and ``eta2_H`` (R
      ``rstatix::kruskal_effsize``); post-hoc Games-Howell (R
      ``rstatix::games_howell_test``) and Holm-corrected pairwise t tests with the
      pooled SD (R ``pairwise.t.test``);
    * numeric (unbanded): Pearson r with its t test and Fisher-z CI (R ``cor.test``)
      and Spearman rho (R ``cor.test(method = "spearman")``: exact or Edgeworth p
      without ties, the t approximation with ties; ``spearman_method`` says which).

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup.analysis import subgroup_differences
    >>> data = pd.read_csv("data/sample/qcity_long.csv", dtype={"id": str})
    >>> res = subgroup_differences(data, "five-level-stress", by=["gender", "age"],
    ...                            bands={"age": [30, 40, 50]})
    >>> g = res.variables["gender"]
    >>> g["kind"], g["categories"], round(float(g["scales"]["work"]["welch_t"]), 4)
    ('two_groups', ['female', 'male'], 0.7094)
    >>> a = res.variables["age"]
    >>> a["kind"], a["categories"]
    ('anova', ['< 30', '30-39', '40-49', '>= 50'])
    """
    inst = load_instrument(instrument)
    if isinstance(by, str):
        by = [by]
    by = list(by)
    if not by:
        raise ValueError("by must name at least one column")
    bands = dict(bands or {})
    unknown = set(bands) - set(by)
    if unknown:
        raise ValueError(f"bands names columns not in by: {sorted(unknown)}")
    scores = wave_scores(responses, inst, wave, by)
    scales = [s.id for s in inst.scored]
    names = {s.id: dict(s.name) for s in inst.scored}
    variables: dict = {}
    notes: list[str] = []
    for var in by:
        col = scores[var]
        numeric = _kind_of(col, set(categorical))
        entry: dict = {"banded": None, "dropped": [], "scales": {}}
        if numeric and var not in bands:
            entry.update(kind="correlation", categories=[],
                         n_missing=int(pd.to_numeric(col, errors="coerce").isna().sum()))
            x = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
            for sc in scales:
                entry["scales"][sc] = correlation_tests(x, scores[sc].to_numpy(float),
                                                        confidence)
            variables[var] = entry
            continue
        if var in bands:
            if not numeric:
                raise ValueError(f"bands[{var!r}]: column {var!r} is not numeric")
            cat = band_values(col.to_numpy(), bands[var])
            order = list(cat.cat.categories)
            entry["banded"] = [float(c) for c in bands[var]]
            cat = cat.astype(object)
        else:
            cat = pd.Series(text_values(col), index=col.index)
            order = sorted(set(pd.unique(cat.dropna())))
        cat = pd.Series(cat.to_numpy(), index=scores.index)
        entry["n_missing"] = int(cat.isna().sum())
        if entry["n_missing"]:
            notes.append(f"{var}: {entry['n_missing']} people with no value left out")
        # each person's category as a code (-1: no value): one hashing pass instead of
        # comparing every row's text with each category, for every scale
        codes = pd.Categorical(cat.to_numpy(), categories=order).codes
        sizes = np.bincount(codes[codes >= 0], minlength=len(order))
        present = [c for c, size in zip(order, sizes) if size > 0]
        kept = [c for c, size in zip(order, sizes) if size >= 2]
        for c in present:
            if c not in kept:
                entry["dropped"].append(c)
                notes.append(f"{var}: category {c!r} has fewer than 2 people and is dropped")
        entry["categories"] = kept
        if len(kept) < 2:
            entry["kind"] = "none"
            notes.append(f"{var}: fewer than two categories with 2 or more people; "
                         "not compared")
            variables[var] = entry
            continue
        entry["kind"] = "two_groups" if len(kept) == 2 else "anova"
        members = [codes == order.index(c) for c in kept]
        for sc in scales:
            y = scores[sc].to_numpy(float)
            scored = ~np.isnan(y)
            gs = [y[m & scored] for m in members]
            if any(g.size < 2 for g in gs):
                notes.append(f"{var}, {sc}: a category has fewer than 2 scores; "
                             "not compared")
                entry["scales"][sc] = None
                continue
            if len(kept) == 2:
                entry["scales"][sc] = two_group_tests(gs[0], gs[1], confidence)
            else:
                r = many_group_tests(gs)
                r.update(n=[g.size for g in gs], mean=[float(g.mean()) for g in gs],
                         sd=[float(g.std(ddof=1)) for g in gs])
                gh = games_howell(gs, kept, confidence, ci=posthoc_ci)
                for row, p in zip(gh, holm_pairwise_t(gs)):
                    row["holm_t_p"] = p
                r["posthoc"] = gh
                entry["scales"][sc] = r
        variables[var] = entry
    return SubgroupResult(inst.id, None if wave is None else str(wave), variables,
                          tuple(notes), names)


def _subgroup_document(res: SubgroupResult):
    from ..core.document import Column, Document, Note, Table
    from ..report import label

    blocks = []
    diff_rows, corr_rows, post_rows = [], [], []
    for var, v in res.variables.items():
        for sc, r in v["scales"].items():
            if r is None:
                continue
            name = res.names.get(sc, sc)
            if v["kind"] in ("two_groups", "anova"):
                for c, n, m, s in zip(v["categories"], r["n"], r["mean"], r["sd"]):
                    row = {"_group": {"en": f"{var}: {_text(name, 'en')}",
                                      "zh": f"{var}：{_text(name, 'zh')}"},
                           "category": c, "n": n, "msd": (m, s)}
                    if c == v["categories"][0]:
                        if v["kind"] == "two_groups":
                            row.update(test="Welch t", stat=r["welch_t"], df=f"{r['welch_df']:.2f}",
                                       p=r["welch_p"], es_name="g",
                                       es=r["hedges_g"])
                        else:
                            row.update(test="F", stat=r["anova_F"],
                                       df=f"{r['anova_df1']:g}, {r['anova_df2']:g}",
                                       p=r["anova_p"], es_name="η²",
                                       es=r["eta2"],
                                       welch=r["welch_F"], welch_p=r["welch_p"],
                                       kw=r["kw_H"], kw_p=r["kw_p"])
                    diff_rows.append(row)
                if v["kind"] == "anova":
                    for ph in r["posthoc"]:
                        post_rows.append({"_group": {"en": f"{var}: {_text(name, 'en')}",
                                                     "zh": f"{var}：{_text(name, 'zh')}"},
                                          "pair": f"{ph['group2']} - {ph['group1']}",
                                          "est": (ph["estimate"], *ph["ci"]),
                                          "p_gh": ph["p_tukey"], "p_holm": ph["holm_t_p"]})
            elif v["kind"] == "correlation":
                corr_rows.append({"variable": var, "scale": name, "n": r["n"],
                                  "r": (r["pearson_r"], *r["pearson_ci"]),
                                  "p": r["pearson_p"], "rho": r["spearman_rho"],
                                  "p_s": r["spearman_p"]})
    if diff_rows:
        blocks.append(Table(
            key="subgroups", title=label("sub.title"),
            columns=(Column("category", label("sub.category"), "text"),
                     Column("n", label("col.n"), "count"),
                     Column("msd", label("sub.msd"), "mean_sd"),
                     Column("test", label("sub.test"), "text"),
                     Column("stat", label("sub.stat"), "statistic", stars="p"),
                     Column("df", label("col.df"), "text"),
                     Column("p", label("col.p"), "p"),
                     Column("es", label("sub.effect"), "effect"),
                     Column("welch", label("sub.welch_F"), "statistic"),
                     Column("welch_p", label("sub.welch_p"), "p"),
                     Column("kw", label("sub.kw_H"), "statistic"),
                     Column("kw_p", label("sub.kw_p"), "p")),
            rows=diff_rows, notes=(Note(label("sub.note")),)))
    if post_rows:
        blocks.append(Table(
            key="subgroups_posthoc", title=label("sub.posthoc"),
            columns=(Column("pair", label("sub.pair"), "text"),
                     Column("est", label("sub.diff_ci"), "estimate_ci"),
                     Column("p_gh", label("sub.p_gh"), "p_adj"),
                     Column("p_holm", label("sub.p_holm"), "p_adj")),
            rows=post_rows, notes=(Note(label("sub.posthoc_note")),)))
    if corr_rows:
        blocks.append(Table(
            key="subgroups_correlations", title=label("sub.correlations"),
            columns=(Column("variable", label("sub.variable"), "text"),
                     Column("scale", label("col.scale"), "text"),
                     Column("n", label("col.n"), "count"),
                     Column("r", label("sub.r_ci"), "estimate_ci"),
                     Column("p", label("col.p"), "p"),
                     Column("rho", label("sub.rho"), "correlation"),
                     Column("p_s", label("sub.p_rho"), "p")),
            rows=corr_rows, notes=(Note(label("sub.corr_note")),)))
    for n in res.notes:
        blocks.append(Note(n))
    return Document(label("sub.doc_title"), tuple(blocks))


def _text(name, lang: str) -> str:
    if isinstance(name, str):
        return name
    return name.get(lang) or name.get("en") or ""

"""Analysis of covariance: post-test on pre-test and group (any number of groups)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..core.errors import DataError, DegenerateDataWarning
from ..core.results import jsonable, quiet_numpy
from ..report import Reportable

__all__ = ["ancova", "AncovaResult", "group_levels", "check_columns"]

Adjust = Literal["tukey", "holm", "bonferroni", "none"]
_ADJUST = ("tukey", "holm", "bonferroni", "none")


# ----------------------------------------------------------------- shared helpers
def check_columns(data, columns: dict[str, str], numeric: tuple[str, ...] = ()) -> None:
    """Check that ``data`` is a DataFrame holding the named columns.

    ``columns`` maps the parameter name to the column it names; the parameters
    listed in ``numeric`` must name numeric columns.
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    for param, col in columns.items():
        if not isinstance(col, str):
            raise TypeError(f"{param} must be a column name (str), got {col!r}")
        if col not in data.columns:
            raise DataError(f"{param}={col!r} is not a column of the data (columns: "
                            f"{', '.join(map(str, data.columns))}); pass the name of an "
                            "existing column")
    for param in numeric:
        col = columns[param]
        if not (pd.api.types.is_numeric_dtype(data[col])
                and not pd.api.types.is_bool_dtype(data[col])):
            raise DataError(f"{param}={col!r} must hold numbers (NaN for missing), found "
                            f"dtype {data[col].dtype}; convert the column first")


def group_levels(values: pd.Series, waves: bool = False) -> list:
    """Levels of a grouping column in analysis order.

    A categorical column keeps its category order (unused categories dropped);
    otherwise the observed values are sorted, as R's ``factor()`` does. With
    ``waves=True`` the canonical wave labels (``pre``, ``post``, ``follow-up``)
    come first in that order, other labels sorted after them. The first level is
    the reference (R's treatment contrasts).

    Examples
    --------
    >>> group_levels(pd.Series(["post", "pre", "follow-up"]), waves=True)
    ['pre', 'post', 'follow-up']
    """
    s = values.dropna()
    if isinstance(s.dtype, pd.CategoricalDtype):
        present = set(s.unique())
        return [c for c in s.cat.categories if c in present]
    uniq = list(s.unique())
    known: list = []
    if waves:
        from ..core.vocab import WAVE_ORDER
        known = [w for w in WAVE_ORDER if w in uniq]
        uniq = [u for u in uniq if u not in WAVE_ORDER]
    try:
        return known + sorted(uniq)
    except TypeError:
        return known + sorted(uniq, key=str)


def _rss(X: np.ndarray, y: np.ndarray) -> float:
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    r = y - X @ beta
    return float(r @ r)


def _dummies(g: np.ndarray, k: int) -> np.ndarray:
    """Treatment-coded indicators (reference = level 0) for integer codes ``g``."""
    return (g[:, None] == np.arange(1, k)[None, :]).astype(float)


# ----------------------------------------------------------------- result
_KEYS = ("F", "df1", "df2", "p", "partial_eta2", "SS", "adjusted_means", "adjusted_se",
         "adjusted_ci", "covariate_F", "covariate_df1", "covariate_p",
         "covariate_partial_eta2", "slopes_F", "slopes_df1", "slopes_df2", "slopes_p",
         "n", "n_dropped", "covariate_mean", "levels", "group_n", "dv_means",
         "covariate_means", "adjust", "confidence")


@dataclass(frozen=True, repr=False)
class AncovaResult(Reportable):
    """ANCOVA of ``dv`` on ``covariate`` and ``between`` (no interaction).

    Unpacks as ``(F, p)`` of the group effect.

    Attributes
    ----------
    F, df1, df2, p, partial_eta2, SS : float
        Group effect adjusted for the covariate (type II = type III here).
    covariate_F, covariate_df1, covariate_p, covariate_partial_eta2, covariate_SS : float
        The covariate's row (adjusted for group), df2 as for the group effect.
    residual_SS : float
    adjusted_means : dict
        Group -> adjusted mean at the covariate's mean (emmeans).
    adjusted_se, adjusted_ci : dict
        Group -> its standard error and ``[low, high]`` interval (t, df2).
    pairwise : pandas.DataFrame
        One row per pair ``a - b`` (levels in order): ``contrast``, ``estimate``,
        ``se``, ``df``, ``t``, ``p`` and ``ci_low``/``ci_high``, adjusted by ``adjust``.
    slopes_F, slopes_df1, slopes_df2, slopes_p : float
        Homogeneity of regression slopes: the group x covariate interaction.
    coefficients : dict
        Intercept, covariate slope and the treatment-coded group effects.
    group_n, dv_means, covariate_means : dict
        Group -> rows used, unadjusted mean of ``dv`` and mean of the covariate.
    n, n_dropped : int
        Rows used; rows dropped for a missing dv, covariate or group.
    """

    F: float
    df1: float
    df2: float
    p: float
    partial_eta2: float
    SS: float
    covariate_F: float
    covariate_df1: float
    covariate_p: float
    covariate_partial_eta2: float
    covariate_SS: float
    residual_SS: float
    adjusted_means: dict
    adjusted_se: dict
    adjusted_ci: dict
    pairwise: pd.DataFrame
    slopes_F: float
    slopes_df1: float
    slopes_df2: float
    slopes_p: float
    coefficients: dict
    n: int
    n_dropped: int
    covariate_mean: float
    levels: tuple
    group_n: dict
    dv_means: dict
    covariate_means: dict
    dv: str = ""
    covariate: str = ""
    between: str = ""
    adjust: str = "tukey"
    confidence: float = 0.95
    _title = "ANCOVA (type II sums of squares)"

    def __iter__(self):
        return iter((self.F, self.p))

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in _KEYS}
        d["pairwise"] = self.pairwise.to_dict(orient="records")
        return jsonable(d)

    def to_frame(self) -> pd.DataFrame:
        """The ANOVA table: covariate, group and residual rows."""
        return pd.DataFrame(
            {"SS": [self.covariate_SS, self.SS, self.residual_SS],
             "df": [self.covariate_df1, self.df1, self.df2],
             "F": [self.covariate_F, self.F, np.nan],
             "p": [self.covariate_p, self.p, np.nan],
             "partial_eta2": [self.covariate_partial_eta2, self.partial_eta2, np.nan]},
            index=pd.Index([self.covariate or "covariate", self.between or "group",
                            "Residuals"], name="term"))

    def adjusted_frame(self) -> pd.DataFrame:
        """Adjusted means per group with SE, df and interval."""
        rows = [{"level": g, "mean": self.adjusted_means[g], "se": self.adjusted_se[g],
                 "df": self.df2, "ci_low": self.adjusted_ci[g][0],
                 "ci_high": self.adjusted_ci[g][1]} for g in self.levels]
        return pd.DataFrame(rows).set_index("level")

    def _summary_lines(self) -> list[str]:
        return [f"  n = {self.n} ({self.n_dropped} dropped); adjusted means at "
                f"{self.covariate or 'covariate'} = {self.covariate_mean:.4f}",
                f"  slopes homogeneity: F({self.slopes_df1:g}, {self.slopes_df2:g}) = "
                f"{self.slopes_F:.4f}, p = {self.slopes_p:.4g}"]

    def to_document(self, lang: str = "en"):
        """The ANOVA table, the adjusted means and the pairwise differences as a
        :class:`~stressgroup.core.document.Document`."""
        from ..core.document import Column, Document, Note, Paragraph, Table
        dv, cov, b = self.dv or "dv", self.covariate or "covariate", self.between or "group"
        pct = f"{self.confidence:.0%}"
        anova = Table(
            key="ancova",
            title={"en": f"ANCOVA of {dv} by {b}, adjusted for {cov}",
                   "zh": f"{dv}的协方差分析（组别：{b}，协变量：{cov}）"},
            columns=(Column("term", {"en": "Source", "zh": "变异来源"}, "text"),
                     Column("SS", {"en": "SS", "zh": "SS"}, "number"),
                     Column("df", {"en": "df", "zh": "df"}, "df"),
                     Column("F", "F", "statistic", stars="p"),
                     Column("p", "p", "p"),
                     Column("pe2", {"en": "Partial η²", "zh": "偏 η²"}, "proportion")),
            rows=[{"term": cov, "SS": self.covariate_SS, "df": self.covariate_df1,
                   "F": self.covariate_F, "p": self.covariate_p,
                   "pe2": self.covariate_partial_eta2},
                  {"term": b, "SS": self.SS, "df": self.df1, "F": self.F, "p": self.p,
                   "pe2": self.partial_eta2},
                  {"term": {"en": "Residual", "zh": "残差"}, "SS": self.residual_SS,
                   "df": self.df2, "F": None, "p": None, "pe2": None}],
            notes=(Note({"en": f"Type II sums of squares (equal to type III without the "
                               f"interaction); n = {self.n}, {self.n_dropped} rows with a "
                               "missing value left out.",
                         "zh": f"II 型平方和（无交互项时与 III 型相同）；n = {self.n}，"
                               f"{self.n_dropped} 行因缺失值未纳入。"}),))
        means = Table(
            key="ancova_means",
            title={"en": f"Adjusted means of {dv} at {cov} = {self.covariate_mean:.2f}",
                   "zh": f"{dv}的调整均值（{cov} = {self.covariate_mean:.2f}）"},
            columns=(Column("group", {"en": "Group", "zh": "组别"}, "text"),
                     Column("n", "n", "count"),
                     Column("cov", {"en": f"{cov} M", "zh": f"{cov} 均值"}, "mean"),
                     Column("raw", {"en": f"{dv} M", "zh": f"{dv} 均值"}, "mean"),
                     Column("adj", {"en": f"Adjusted M [{pct} CI]",
                                    "zh": f"调整均值 [{pct} CI]"}, "estimate_ci"),
                     Column("se", "SE", "sd")),
            rows=[{"group": str(g), "n": self.group_n[g], "cov": self.covariate_means[g],
                   "raw": self.dv_means[g],
                   "adj": (self.adjusted_means[g], *self.adjusted_ci[g]),
                   "se": self.adjusted_se[g]} for g in self.levels])
        adj = {"tukey": ("Tukey", "Tukey 法"), "holm": ("Holm (intervals: Bonferroni)",
                                                     "Holm 法（区间：Bonferroni）"),
               "bonferroni": ("Bonferroni", "Bonferroni 法"), "none": ("none", "未校正")}
        en_adj, zh_adj = adj[self.adjust]
        pairs = Table(
            key="ancova_pairs",
            title={"en": "Pairwise differences of adjusted means",
                   "zh": "调整均值的两两比较"},
            columns=(Column("contrast", {"en": "Contrast", "zh": "比较"}, "text"),
                     Column("est", {"en": f"Difference [{pct} CI]",
                                    "zh": f"差值 [{pct} CI]"}, "estimate_ci"),
                     Column("se", "SE", "sd"),
                     Column("t", "t", "statistic", stars="p"),
                     Column("df", "df", "df"),
                     Column("p", {"en": "p (adjusted)", "zh": "p（校正）"}, "p_adj")),
            rows=[{"contrast": r.contrast, "est": (r.estimate, r.ci_low, r.ci_high),
                   "se": r.se, "t": r.t, "df": r.df, "p": r.p}
                  for r in self.pairwise.itertuples()],
            notes=(Note({"en": f"Adjustment for multiple comparisons: {en_adj}.",
                         "zh": f"多重比较校正：{zh_adj}。"}),))
        slopes = Paragraph(
            {"en": f"Homogeneity of regression slopes ({b} x {cov}): "
                   "F({df1}, {df2}) = {F}, p = {p}.",
             "zh": f"回归斜率同质性检验（{b} × {cov}）：F({{df1}}, {{df2}}) = {{F}}，"
                   "p = {p}。"},
            values={"df1": (self.slopes_df1, "df"),
                    "df2": (self.slopes_df2, "df"), "F": (self.slopes_F, "statistic"),
                    "p": (self.slopes_p, "p")},
            style="note")
        return Document({"en": "Analysis of covariance", "zh": "协方差分析"},
                        (anova, means, pairs, slopes))

    def __repr__(self) -> str:
        with pd.option_context("display.width", 120, "display.precision", 4):
            return "\n".join([super().__repr__(), "Adjusted means",
                              self.adjusted_frame().to_string(),
                              f"Pairwise differences ({self.adjust})",
                              self.pairwise.to_string(index=False)])


# ----------------------------------------------------------------- function
@quiet_numpy
def ancova(data: pd.DataFrame, dv: str, covariate: str, between: str, *,
           adjust: Adjust = "tukey", confidence: float = 0.95) -> AncovaResult:
    """One-way analysis of covariance (e.g. post-test on pre-test and group).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person.
    dv, covariate : str
        Numeric columns: the outcome (post-test) and the covariate (pre-test).
    between : str
        The grouping column (two or more groups). Levels follow a categorical's
        order, else sorted order; the first is the reference of ``coefficients``.
    adjust : {"tukey", "holm", "bonferroni", "none"}
        Multiplicity adjustment of the pairwise differences of adjusted means
        (emmeans' default for ``pairs()`` is Tukey). Holm adjusts p only; its
        intervals are Bonferroni intervals, as emmeans does.
    confidence : float
        Coverage of the intervals (default 0.95).

    Returns
    -------
    AncovaResult

    Notes
    -----
    Fits ``dv ~ covariate + between`` by least squares (rows with a missing
    value dropped and counted). The group effect compares it with
    ``dv ~ covariate``: ``F = (SS_group / (k - 1)) / (SS_res / (n - k - 1))`` and
    ``partial_eta2 = SS_group / (SS_group + SS_res)``; the covariate's row
    compares it with ``dv ~ between``. Without an interaction term type II and
    type III sums of squares coincide: matches R
    ``car::Anova(lm(dv ~ covariate + between), type = 2)``. Adjusted means are
    the model's predictions at the covariate's mean with t intervals, and the
    pairwise differences match ``emmeans::emmeans(fit, "between")`` and
    ``pairs()`` (Tukey: studentized range with ``k`` means and df2). Slope
    homogeneity is the F test of ``anova(lm(dv ~ covariate + between),
    lm(dv ~ covariate * between))``; a small p means the groups' slopes
    differ and the adjusted means depend on where they are evaluated.

    References
    ----------
    Huitema, B. E. (2011). *The analysis of covariance and alternatives* (2nd ed.). Wiley.

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup.analysis import ancova
    >>> df = pd.DataFrame({"group": ["c"] * 5 + ["t"] * 5,
    ...                    "pre": [3.1, 2.8, 3.5, 3.9, 3.0, 3.2, 2.9, 3.6, 3.8, 3.1],
    ...                    "post": [3.0, 2.9, 3.4, 3.8, 3.1, 2.7, 2.5, 3.1, 3.2, 2.6]})
    >>> res = ancova(df, "post", "pre", "group")
    >>> round(res.F, 3), res.df1, res.df2, round(res.p, 5)
    (144.398, 1.0, 7.0, 1e-05)
    >>> {g: round(m, 3) for g, m in res.adjusted_means.items()}
    {'c': 3.265, 't': 2.795}
    """
    from scipy import stats
    if adjust not in _ADJUST:
        raise ValueError(f"adjust must be one of {', '.join(_ADJUST)}, got {adjust!r}")
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie between 0 and 1")
    check_columns(data, {"dv": dv, "covariate": covariate, "between": between},
                  numeric=("dv", "covariate"))
    sub = data[[dv, covariate, between]]
    ok = sub.notna().all(axis=1).to_numpy()
    sub = sub[ok]
    levels = group_levels(sub[between])
    k = len(levels)
    n = len(sub)
    if k < 2:
        raise DataError(f"between={between!r} has {k} group(s) with complete data; an "
                        "ANCOVA needs at least two")
    code = {g: i for i, g in enumerate(levels)}
    g = sub[between].map(code).to_numpy(dtype=int)
    y = sub[dv].to_numpy(dtype=float)
    x = sub[covariate].to_numpy(dtype=float)
    nan = float("nan")
    sizes = np.bincount(g, minlength=k)
    df2 = float(n - k - 1)
    if df2 < 1 or (sizes < 1).any():
        raise DataError(f"an ANCOVA with {k} groups needs more than {k + 1} complete rows "
                        f"(found {n}); collect more data or merge groups")
    one = np.ones((n, 1))
    D = _dummies(g, k)
    X = np.column_stack([one, x, D])
    rank = np.linalg.matrix_rank(X)
    if rank < X.shape[1]:
        raise DataError(f"{covariate!r} is constant (or constant within every group), so "
                        "it cannot adjust the group means; use a t test or ANOVA instead")
    Q, R = np.linalg.qr(X)
    beta = np.linalg.solve(R, Q.T @ y)
    resid = y - X @ beta
    ss_res = float(resid @ resid)
    ss_group = _rss(np.column_stack([one, x]), y) - ss_res
    ss_cov = _rss(np.column_stack([one, D]), y) - ss_res
    mse = ss_res / df2
    if mse <= 0:
        warnings.warn("the model fits the data exactly (zero residual variance): F, p and "
                      "the intervals are undefined", DegenerateDataWarning, stacklevel=2)

    def f_row(ss: float, df1: float) -> tuple[float, float, float]:
        if mse <= 0:
            return nan, nan, nan
        F = (ss / df1) / mse
        return float(F), float(stats.f.sf(F, df1, df2)), float(ss / (ss + ss_res))

    F, p, pe2 = f_row(ss_group, k - 1)
    cF, cp, cpe2 = f_row(ss_cov, 1)

    Rinv = np.linalg.inv(R)
    cov_b = mse * (Rinv @ Rinv.T)
    xbar = float(x.mean())
    L = np.column_stack([np.ones(k), np.full(k, xbar), np.vstack([np.zeros(k - 1),
                                                                  np.eye(k - 1)])])
    means = L @ beta
    se = np.sqrt(np.einsum("ij,jk,ik->i", L, cov_b, L))
    q = stats.t.ppf(0.5 + confidence / 2, df2)
    adj_means = {lv: float(means[i]) for i, lv in enumerate(levels)}
    adj_se = {lv: float(se[i]) for i, lv in enumerate(levels)}
    adj_ci = {lv: [float(means[i] - q * se[i]), float(means[i] + q * se[i])]
              for i, lv in enumerate(levels)}

    pairwise = _pairwise(levels, L, beta, cov_b, df2, adjust, confidence)

    # slope homogeneity: add the group x covariate interaction
    Xi = np.column_stack([X, D * x[:, None]])
    df_int = float(n - 2 * k)
    if df_int >= 1 and np.linalg.matrix_rank(Xi) == Xi.shape[1]:
        ss_int_res = _rss(Xi, y)
        if ss_int_res > 0:
            sF = ((ss_res - ss_int_res) / (k - 1)) / (ss_int_res / df_int)
            sp = float(stats.f.sf(sF, k - 1, df_int))
        else:
            sF = sp = nan
    else:
        warnings.warn("the slope-homogeneity test needs a covariate that varies within "
                      "every group and more than 2k rows; it is undefined here",
                      DegenerateDataWarning, stacklevel=2)
        sF = sp = nan
    names = ["(Intercept)", covariate] + [f"{between}{lv}" for lv in levels[1:]]
    return AncovaResult(
        F=F, df1=float(k - 1), df2=df2, p=p, partial_eta2=pe2, SS=float(ss_group),
        covariate_F=cF, covariate_df1=1.0, covariate_p=cp, covariate_partial_eta2=cpe2,
        covariate_SS=float(ss_cov), residual_SS=ss_res,
        adjusted_means=adj_means, adjusted_se=adj_se, adjusted_ci=adj_ci,
        pairwise=pairwise, slopes_F=float(sF), slopes_df1=float(k - 1),
        slopes_df2=df_int, slopes_p=sp,
        coefficients=dict(zip(names, map(float, beta))), n=n,
        n_dropped=int((~ok).sum()), covariate_mean=xbar, levels=tuple(levels),
        group_n={lv: int(sizes[i]) for i, lv in enumerate(levels)},
        dv_means={lv: float(y[g == i].mean()) for i, lv in enumerate(levels)},
        covariate_means={lv: float(x[g == i].mean()) for i, lv in enumerate(levels)}, dv=dv,
        covariate=covariate, between=between, adjust=adjust, confidence=confidence)


def _pairwise(levels, L, beta, cov_b, df, adjust, confidence) -> pd.DataFrame:
    """emmeans ``pairs()``: every difference ``a - b`` with a before b."""
    from scipy import stats
    k = len(levels)
    pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
    C = np.array([L[i] - L[j] for i, j in pairs])
    est = C @ beta
    se = np.sqrt(np.einsum("ij,jk,ik->i", C, cov_b, C))
    t = est / se
    p_raw = 2 * stats.t.sf(np.abs(t), df)
    m = len(pairs)
    a = 1 - confidence
    if adjust == "tukey" and k > 2:
        p = stats.studentized_range.sf(np.abs(t) * np.sqrt(2), k, df)
        crit = stats.studentized_range.ppf(confidence, k, df) / np.sqrt(2)
    elif adjust in ("bonferroni", "holm"):
        if adjust == "bonferroni":
            p = np.minimum(p_raw * m, 1.0)
        else:
            order = np.argsort(p_raw)
            adj = np.maximum.accumulate(p_raw[order] * (m - np.arange(m)))
            p = np.empty(m)
            p[order] = np.minimum(adj, 1.0)
        crit = stats.t.ppf(1 - a / (2 * m), df)
    else:  # none, or Tukey with two groups (the studentized range of 2 means is t)
        p = p_raw
        crit = stats.t.ppf(1 - a / 2, df)
    return pd.DataFrame({
        "contrast": [f"{levels[i]} - {levels[j]}" for i, j in pairs],
        "estimate": est, "se": se, "df": float(df), "t": t, "p": p,
        "ci_low": est - crit * se, "ci_high": est + crit * se})

"""Mixed (split-plot) ANOVA: group x time on long data, with sphericity corrections."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.errors import DataError, DegenerateDataWarning
from ..core.results import jsonable, quiet_numpy
from ..report import Reportable
from ._ancova import check_columns, group_levels

__all__ = ["mixed_anova", "MixedAnovaResult", "complete_subjects", "lmm", "LmmResult"]

_EFFECT_KEYS = ("F", "df1", "df2", "p", "partial_eta2", "ges", "SS")
_KEYS = ("F", "df1", "df2", "p", "p_gg", "p_hf", "partial_eta2", "ges", "SS",
         "between_F", "between_df1", "between_df2", "between_p", "between_partial_eta2",
         "between_ges", "between_SS", "within_F", "within_df1", "within_df2", "within_p",
         "within_p_gg", "within_p_hf", "within_partial_eta2", "within_ges", "within_SS",
         "gg_eps", "hf_eps", "mauchly_W", "mauchly_p", "n", "n_dropped", "dropped",
         "within_levels", "between_levels")


def _none(x):
    """A finite float, or None for a blank cell."""
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if np.isfinite(f) else None


def complete_subjects(data: pd.DataFrame, dv: str, within: str, between: str,
                      subject: str) -> tuple[pd.DataFrame, list, list, list]:
    """Wide table of the subjects observed at every level of ``within``.

    Returns ``(wide, within_levels, between_levels, dropped)``: ``wide`` is
    indexed by subject with a ``between`` column and one column per within
    level; ``dropped`` lists the subjects left out (a missing value or level).
    Raises :class:`DataError` when a subject has two rows for one level or
    belongs to two groups.
    """
    sub = data[[subject, within, between, dv]]
    all_subjects = sub[subject].dropna().unique()
    dup = sub[sub[[subject, within]].duplicated(keep=False) & sub[subject].notna()]
    if len(dup):
        raise DataError(f"{len(dup)} rows repeat a ({subject}, {within}) pair, e.g. "
                        f"{dup.iloc[0][subject]!r} at {dup.iloc[0][within]!r}; keep one row "
                        "per subject and level", problems=dup)
    ngroups = sub.dropna(subset=[between]).groupby(subject)[between].nunique()
    multi = ngroups[ngroups > 1]
    if len(multi):
        raise DataError(f"{len(multi)} subject(s) appear in more than one {between!r} group "
                        f"(e.g. {multi.index[0]!r}); a subject belongs to one group",
                        problems=sub[sub[subject].isin(multi.index)])
    wlevels = group_levels(sub[within], waves=True)
    ok = sub.dropna()
    counts = ok.groupby(subject).size()
    keep = counts.index[counts == len(wlevels)]
    dropped = sorted((x.item() if isinstance(x, np.generic) else x
                      for x in set(all_subjects) - set(keep)), key=str)
    ok = ok[ok[subject].isin(keep)]
    wide = ok.pivot(index=subject, columns=within, values=dv)[wlevels]
    wide.insert(0, between, ok.groupby(subject)[between].first().reindex(wide.index))
    blevels = group_levels(wide[between])
    return wide, wlevels, blevels, dropped


@dataclass(frozen=True, repr=False)
class MixedAnovaResult(Reportable):
    """Mixed ANOVA of a between-subjects factor and a within-subjects factor.

    Unpacks as ``(F, p)`` of the interaction. The unprefixed statistics
    (``F``, ``df1``, ``df2``, ``p``, ``p_gg``, ``p_hf``, ``partial_eta2``,
    ``ges``, ``SS``) are the interaction's; ``between_*`` and ``within_*`` are
    the main effects.

    Attributes
    ----------
    F, df1, df2, p : float
        Interaction, sphericity assumed.
    p_gg, p_hf : float
        Its p with the Greenhouse-Geisser / Huynh-Feldt (capped at 1) corrected
        df (equal to ``p`` with two within levels, where sphericity holds).
    partial_eta2, ges : float
        ``SS / (SS + SS_error)`` and generalised eta squared
        ``SS / (SS + SS_error_between + SS_error_within)``.
    gg_eps, hf_eps : float
        Epsilons (1 with two within levels; ``hf_eps`` is uncapped, as car).
    mauchly_W, mauchly_p : float
        Mauchly's sphericity test (NaN with two within levels).
    n, n_dropped : int
        Complete subjects used; subjects dropped.
    dropped : list
        Ids of the dropped subjects (a missing value or within level).
    cell_means : pandas.DataFrame
        Means by between level (rows) and within level (columns), complete subjects.
    """

    F: float
    df1: float
    df2: float
    p: float
    p_gg: float
    p_hf: float
    partial_eta2: float
    ges: float
    SS: float
    between_F: float
    between_df1: float
    between_df2: float
    between_p: float
    between_partial_eta2: float
    between_ges: float
    between_SS: float
    within_F: float
    within_df1: float
    within_df2: float
    within_p: float
    within_p_gg: float
    within_p_hf: float
    within_partial_eta2: float
    within_ges: float
    within_SS: float
    error_between_SS: float
    error_within_SS: float
    gg_eps: float
    hf_eps: float
    mauchly_W: float
    mauchly_p: float
    n: int
    n_dropped: int
    dropped: list
    within_levels: tuple
    between_levels: tuple
    cell_means: pd.DataFrame
    within: str = ""
    between: str = ""
    _title = "Mixed ANOVA (sphericity assumed; GG/HF-corrected p for the within terms)"

    def __iter__(self):
        return iter((self.F, self.p))

    def to_dict(self) -> dict:
        return jsonable({k: getattr(self, k) for k in _KEYS})

    def to_frame(self) -> pd.DataFrame:
        b, w = self.between or "between", self.within or "within"
        nan = np.nan
        rows = {
            b: (self.between_SS, self.between_df1, self.between_F, self.between_p, nan, nan,
                self.between_partial_eta2, self.between_ges),
            "Residuals (between)": (self.error_between_SS, self.between_df2, nan, nan, nan,
                                    nan, nan, nan),
            w: (self.within_SS, self.within_df1, self.within_F, self.within_p,
                self.within_p_gg, self.within_p_hf, self.within_partial_eta2,
                self.within_ges),
            f"{b}:{w}": (self.SS, self.df1, self.F, self.p, self.p_gg, self.p_hf,
                         self.partial_eta2, self.ges),
            "Residuals (within)": (self.error_within_SS, self.df2, nan, nan, nan, nan, nan,
                                   nan)}
        return pd.DataFrame.from_dict(
            rows, orient="index",
            columns=["SS", "df", "F", "p", "p_gg", "p_hf", "partial_eta2", "ges"]
        ).rename_axis("term")

    def to_document(self, lang: str = "en"):
        """The ANOVA table and the cell means as a
        :class:`~stressgroup.core.document.Document`."""
        from ..core.document import Column, Document, Note, Table
        b, w = self.between or "between", self.within or "within"
        three = len(self.within_levels) > 2
        cols = [Column("term", {"en": "Source", "zh": "变异来源"}, "text"),
                Column("SS", "SS", "number"), Column("df", "df", "df"),
                Column("F", "F", "statistic", stars="p"), Column("p", "p", "p")]
        if three:
            cols.append(Column("p_gg", {"en": "p (GG)", "zh": "p (GG)"}, "p"))
        cols += [Column("pe2", {"en": "Partial η²", "zh": "偏 η²"}, "proportion"),
                 Column("ges", {"en": "Generalised η²", "zh": "广义 η²"}, "proportion")]
        frame = self.to_frame()
        names = {b: b, w: w, f"{b}:{w}": f"{b} × {w}",
                 "Residuals (between)": {"en": "Error (between subjects)",
                                         "zh": "误差（被试间）"},
                 "Residuals (within)": {"en": "Error (within subjects)",
                                        "zh": "误差（被试内）"}}
        rows = []
        for term, r in frame.iterrows():
            rows.append({"term": names.get(term, str(term)), "SS": r["SS"], "df": r["df"],
                         "F": _none(r["F"]), "p": _none(r["p"]), "p_gg": _none(r["p_gg"]),
                         "pe2": _none(r["partial_eta2"]), "ges": _none(r["ges"])})
        notes = [Note({"en": f"Sphericity assumed; {self.n} subjects with every {w} level "
                             f"({self.n_dropped} left out for a missing level).",
                       "zh": f"假定球形；{self.n} 名被试具有全部{w}水平的数据"
                             f"（{self.n_dropped} 名因缺测未纳入）。"})]
        if three:
            notes.append(Note({
                "en": f"Greenhouse-Geisser epsilon = {self.gg_eps:.3f}, Huynh-Feldt epsilon = "
                      f"{self.hf_eps:.3f}; Mauchly's W = {self.mauchly_W:.3f}, "
                      f"p = {self.mauchly_p:.3f}.",
                "zh": f"Greenhouse-Geisser ε = {self.gg_eps:.3f}，Huynh-Feldt ε = "
                      f"{self.hf_eps:.3f}；Mauchly W = {self.mauchly_W:.3f}，"
                      f"p = {self.mauchly_p:.3f}。"}))
        anova = Table(key="mixed_anova",
                      title={"en": f"Mixed ANOVA: {b} x {w}", "zh": f"混合设计方差分析：{b} × {w}"},
                      columns=cols, rows=rows, notes=notes)
        cm = self.cell_means
        means = Table(
            key="mixed_anova_means",
            title={"en": "Means by group and wave (complete subjects)",
                   "zh": "各组各时点均值（完整数据被试）"},
            columns=[Column("group", {"en": "Group", "zh": "组别"}, "text")]
            + [Column(f"w{i}", str(lv), "mean") for i, lv in enumerate(cm.columns)],
            rows=[{"group": str(g), **{f"w{i}": float(v) for i, v in enumerate(cm.loc[g])}}
                  for g in cm.index])
        return Document({"en": "Mixed analysis of variance", "zh": "混合设计方差分析"},
                        (anova, means))

    def _summary_lines(self) -> list[str]:
        lines = [f"  n = {self.n} complete subjects ({self.n_dropped} dropped)"]
        if len(self.within_levels) > 2:
            lines.append(f"  GG epsilon = {self.gg_eps:.4f}, HF epsilon = {self.hf_eps:.4f}; "
                         f"Mauchly W = {self.mauchly_W:.4f}, p = {self.mauchly_p:.4g}")
        return lines


@quiet_numpy
def mixed_anova(data: pd.DataFrame, dv: str, within: str, between: str,
                subject: str) -> MixedAnovaResult:
    """Mixed ANOVA (group x time) on long data, one row per subject and level.

    Parameters
    ----------
    data : pandas.DataFrame
        Long data: one row per subject per level of ``within``.
    dv : str
        Numeric outcome column.
    within : str
        Within-subjects factor (e.g. ``wave``); an (ordered) categorical keeps
        its order, otherwise ``pre``, ``post``, ``follow-up`` come first in that
        order and other labels are sorted.
    between : str
        Between-subjects factor (e.g. ``group``), constant within a subject.
    subject : str
        Subject id column.

    Returns
    -------
    MixedAnovaResult

    Notes
    -----
    Only subjects observed at every level of ``within`` enter (those dropped
    are counted and listed). With ``N`` subjects in ``G`` groups and ``a``
    levels, the between stratum tests the group on the subject means
    (``df = G - 1, N - G``); the within stratum tests time (``a - 1``) and the
    interaction (``(G - 1)(a - 1)``) against the subject x time residual
    (``(N - G)(a - 1)``), time entered first: matches R
    ``summary(aov(dv ~ between * within + Error(subject / within)))`` (and
    ``car``/``afex`` type II, identical here because the within levels are
    complete). Generalised eta squared is ``SS / (SS + SS_error_between +
    SS_error_within)`` (Olejnik & Algina, 2003; both factors manipulated), as
    ``afex``/``ez``/``rstatix``. Greenhouse-Geisser
    ``eps = tr(E)^2 / ((a - 1) tr(E^2))`` from the residual SSP matrix ``E`` of
    orthonormal within contrasts, Huynh-Feldt
    ``((N - G + 1)(a - 1) eps - 2) / ((a - 1)(N - G - (a - 1) eps))`` (capped at
    1 for its p) and Mauchly's test follow ``summary(car::Anova(mlm, idata,
    idesign = ~ within))``.

    References
    ----------
    Olejnik, S., & Algina, J. (2003). Generalized eta and omega squared statistics.
    *Psychological Methods, 8*(4), 434-447.

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup.analysis import mixed_anova
    >>> long = pd.DataFrame({
    ...     "id": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7],
    ...     "group": ["c"] * 6 + ["t"] * 7,
    ...     "wave": ["pre", "post"] * 6 + ["pre"],
    ...     "score": [3.0, 3.1, 2.6, 2.9, 3.4, 3.3, 3.2, 2.5, 2.8, 2.4, 3.6, 2.9, 3.0]})
    >>> res = mixed_anova(long, "score", "wave", "group", "id")
    >>> round(res.F, 4), res.df1, res.df2, round(res.p, 4), res.dropped
    (21.0, 1.0, 4.0, 0.0102, [7])
    """
    from scipy import stats
    check_columns(data, {"dv": dv, "within": within, "between": between,
                         "subject": subject}, numeric=("dv",))
    if len({dv, within, between, subject}) < 4:
        raise ValueError("dv, within, between and subject must name four different columns")
    wide, wlevels, blevels, dropped = complete_subjects(data, dv, within, between, subject)
    a, G, N = len(wlevels), len(blevels), len(wide)
    if a < 2:
        raise DataError(f"within={within!r} has {a} level(s); a mixed ANOVA needs two or more")
    if G < 2:
        raise DataError(f"between={between!r} has {G} group(s) among the complete subjects; "
                        "a mixed ANOVA needs two or more")
    if N - G < 1:
        raise DataError(f"{N} complete subjects in {G} groups leave no error df; a mixed "
                        "ANOVA needs more subjects than groups")
    Y = wide[wlevels].to_numpy(dtype=float)
    g = wide[between].map({lv: i for i, lv in enumerate(blevels)}).to_numpy(dtype=int)
    n_g = np.bincount(g, minlength=G).astype(float)
    grand = Y.mean()
    m_i = Y.mean(axis=1)
    cell = np.vstack([Y[g == j].mean(axis=0) for j in range(G)])       # G x a
    mg = cell.mean(axis=1)                                               # group means
    ss_b = a * float(n_g @ (mg - grand) ** 2)
    ss_eb = a * float(((m_i - mg[g]) ** 2).sum())
    ss_w = N * float(((Y.mean(axis=0) - grand) ** 2).sum())
    ss_cells = float(n_g @ ((cell - mg[:, None]) ** 2).sum(axis=1))
    ss_int = ss_cells - ss_w
    ss_ew = float(((Y - m_i[:, None]) ** 2).sum()) - ss_cells
    df_b, df_eb = float(G - 1), float(N - G)
    df_w, df_int, df_ew = float(a - 1), float((G - 1) * (a - 1)), float((N - G) * (a - 1))
    err_total = ss_eb + ss_ew
    nan = float("nan")

    def test(ss, df1, ss_e, df2):
        if not ss_e > 0:
            return nan, nan, nan
        F = (ss / df1) / (ss_e / df2)
        return float(F), float(stats.f.sf(F, df1, df2)), float(ss / (ss + ss_e))

    bF, bp, bpe = test(ss_b, df_b, ss_eb, df_eb)
    wF, wp, wpe = test(ss_w, df_w, ss_ew, df_ew)
    iF, ip, ipe = test(ss_int, df_int, ss_ew, df_ew)
    if not (ss_eb > 0 and ss_ew > 0):
        warnings.warn("an error sum of squares is zero (scores constant within subjects or "
                      "groups): some F tests are undefined", DegenerateDataWarning,
                      stacklevel=2)
    ges = (lambda ss: float(ss / (ss + err_total)) if ss + err_total > 0 else nan)

    # sphericity: residual SSP matrix of orthonormal within contrasts
    if a > 2:
        Hm = np.linalg.qr(np.column_stack([np.ones(a), np.eye(a)[:, :a - 1]]))[0][:, 1:]
        Z = Y @ Hm
        Zc = Z - np.vstack([Z[g == j].mean(axis=0) for j in range(G)])[g]
        E = Zc.T @ Zc
        p_ = a - 1
        tr = np.trace(E)
        gg = float(tr ** 2 / (p_ * np.trace(E @ E))) if tr > 0 else nan
        hf = float(((df_eb + 1) * p_ * gg - 2) / (p_ * (df_eb - p_ * gg)))
        W, mp = _mauchly(E, a, df_eb)
    else:
        gg = hf = 1.0
        W = mp = nan

    def corrected(F, df1, df2, eps):
        if not np.isfinite(F) or not np.isfinite(eps):
            return nan
        return float(stats.f.sf(F, eps * df1, eps * df2))

    hf_c = min(1.0, hf) if np.isfinite(hf) else nan
    cell_means = pd.DataFrame(cell, index=pd.Index(blevels, name=between),
                              columns=pd.Index(wlevels, name=within))
    return MixedAnovaResult(
        F=iF, df1=df_int, df2=df_ew, p=ip, p_gg=corrected(iF, df_int, df_ew, gg),
        p_hf=corrected(iF, df_int, df_ew, hf_c), partial_eta2=ipe, ges=ges(ss_int),
        SS=ss_int, between_F=bF, between_df1=df_b, between_df2=df_eb, between_p=bp,
        between_partial_eta2=bpe, between_ges=ges(ss_b), between_SS=ss_b,
        within_F=wF, within_df1=df_w, within_df2=df_ew, within_p=wp,
        within_p_gg=corrected(wF, df_w, df_ew, gg), within_p_hf=corrected(wF, df_w, df_ew, hf_c),
        within_partial_eta2=wpe, within_ges=ges(ss_w), within_SS=ss_w,
        error_between_SS=ss_eb, error_within_SS=ss_ew, gg_eps=gg, hf_eps=hf,
        mauchly_W=W, mauchly_p=mp, n=N, n_dropped=len(dropped), dropped=list(dropped),
        within_levels=tuple(wlevels), between_levels=tuple(blevels), cell_means=cell_means,
        within=within, between=between)


def _mauchly(E: np.ndarray, a: int, df: float) -> tuple[float, float]:
    """Mauchly's test as car's ``summary.Anova.mlm`` (orthonormal contrasts).

    car writes ``3 * p`` with ``p`` the number of within levels (not ``pp = a - 1``)
    in the second-order term ``w2``; copied as is.
    """
    from scipy import stats
    pp = E.shape[0]
    sign, logdet = np.linalg.slogdet(E)
    if sign <= 0:
        return float("nan"), float("nan")
    logW = logdet - pp * np.log(np.trace(E) / pp)
    rho = 1 - (2 * pp ** 2 + pp + 2) / (6 * pp * df)
    w2 = ((pp + 2) * (pp - 1) * (pp - 2) * (2 * pp ** 3 + 6 * pp ** 2 + 3 * a + 2)
          / (288 * (df * pp * rho) ** 2))
    z = -df * rho * logW
    f = pp * (pp + 1) / 2 - 1
    pr1 = stats.chi2.sf(z, f)
    pr2 = stats.chi2.sf(z, f + 4)
    return float(np.exp(logW)), float(pr1 + w2 * (pr2 - pr1))


# ======================================================================= linear mixed model
_LMM_KEYS = ("fixed", "means", "var_intercept", "var_residual", "reml_criterion", "n_obs",
             "n_subjects", "n_dropped_rows", "df_method", "optimizer", "converged",
             "confidence")


@dataclass(frozen=True, repr=False)
class LmmResult(Reportable):
    """Random-intercept linear mixed model ``dv ~ wave * group + (1 | subject)`` (REML).

    Attributes
    ----------
    fixed : pandas.DataFrame
        One row per fixed effect (R's names, treatment coding; the first level of
        each factor is the reference): ``estimate``, ``se``, ``df``, ``t``, ``p``,
        ``ci_low``, ``ci_high``.
    means : pandas.DataFrame
        Estimated mean per wave x group (rows ``wave``, ``group``): ``mean``, ``se``,
        ``df``, ``ci_low``, ``ci_high``.
    var_intercept, var_residual : float
        Random-intercept variance and residual variance.
    reml_criterion : float
        -2 x REML log-likelihood (lme4's ``REMLcrit``).
    n_obs, n_subjects, n_dropped_rows : int
        Observations and people used; rows dropped for a missing value.
    df_method : str
        ``"satterthwaite"`` (or ``"normal"`` when asked for z tests).
    optimizer : str
        The statsmodels optimizer that produced the fit.
    """

    fixed: pd.DataFrame
    means: pd.DataFrame
    var_intercept: float
    var_residual: float
    reml_criterion: float
    n_obs: int
    n_subjects: int
    n_dropped_rows: int
    df_method: str
    optimizer: str
    converged: bool
    wave_levels: tuple
    group_levels: tuple
    confidence: float = 0.95
    _title = "Linear mixed model (REML): dv ~ wave * group + (1 | subject)"

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in _LMM_KEYS}
        d["fixed"] = {t: row for t, row in self.fixed.to_dict(orient="index").items()}
        d["means"] = {str(w): {str(g): self.means.loc[(w, g)].to_dict()
                               for g in self.group_levels} for w in self.wave_levels}
        return jsonable(d)

    def to_frame(self) -> pd.DataFrame:
        return self.fixed

    def to_document(self, lang: str = "en"):
        """The fixed effects and the estimated means as a
        :class:`~stressgroup.core.document.Document`."""
        from ..core.document import Column, Document, Note, Table
        pct = f"{self.confidence:.0%}"
        df_note = ({"en": "Satterthwaite df (as lmerTest)", "zh": "Satterthwaite 自由度（同 lmerTest）"}
                   if self.df_method == "satterthwaite"
                   else {"en": "z tests (normal distribution)", "zh": "z 检验（正态分布）"})
        fixed = Table(
            key="lmm_fixed",
            title={"en": "Linear mixed model: fixed effects", "zh": "线性混合模型：固定效应"},
            columns=(Column("term", {"en": "Term", "zh": "项"}, "text"),
                     Column("est", {"en": f"Estimate [{pct} CI]", "zh": f"估计值 [{pct} CI]"},
                            "estimate_ci"),
                     Column("se", "SE", "sd"),
                     Column("df", "df", "df", digits=1),
                     Column("t", "t", "statistic", stars="p"),
                     Column("p", "p", "p")),
            rows=[{"term": str(t), "est": (r.estimate, r.ci_low, r.ci_high), "se": r.se,
                   "df": _none(r.df), "t": r.t, "p": r.p}
                  for t, r in zip(self.fixed.index, self.fixed.itertuples())],
            notes=(Note({"en": f"REML; random intercept per person. {df_note['en']}. "
                               f"{self.n_obs} observations of {self.n_subjects} people; "
                               f"random-intercept variance = {self.var_intercept:.4f}, "
                               f"residual variance = {self.var_residual:.4f}.",
                         "zh": f"REML 估计；每人一个随机截距。{df_note['zh']}。"
                               f"{self.n_subjects} 人共 {self.n_obs} 次观测；随机截距方差 = "
                               f"{self.var_intercept:.4f}，残差方差 = {self.var_residual:.4f}。"}),))
        means = Table(
            key="lmm_means",
            title={"en": "Estimated means by wave and group", "zh": "各时点各组的估计均值"},
            columns=(Column("wave", {"en": "Wave", "zh": "测量时点"}, "text"),
                     Column("group", {"en": "Group", "zh": "组别"}, "text"),
                     Column("m", {"en": f"M [{pct} CI]", "zh": f"均值 [{pct} CI]"},
                            "estimate_ci"),
                     Column("se", "SE", "sd"),
                     Column("df", "df", "df", digits=1)),
            rows=[{"wave": str(w), "group": str(g), "m": (r.mean, r.ci_low, r.ci_high),
                   "se": r.se, "df": _none(r.df)}
                  for (w, g), r in zip(self.means.index, self.means.itertuples())])
        return Document({"en": "Linear mixed model", "zh": "线性混合模型"}, (fixed, means))

    def _summary_lines(self) -> list[str]:
        return [f"  {self.n_obs} observations of {self.n_subjects} people "
                f"({self.n_dropped_rows} rows dropped); df: {self.df_method}",
                f"  random-intercept variance = {self.var_intercept:.6g}, residual variance = "
                f"{self.var_residual:.6g}"]

    def __repr__(self) -> str:
        with pd.option_context("display.width", 120, "display.precision", 4):
            return "\n".join([super().__repr__(), "Estimated means",
                              self.means.to_string()])


def _lmm_design(wcode: np.ndarray, gcode: np.ndarray, nw: int, ng: int) -> np.ndarray:
    W = _treatment(wcode, nw)
    Gd = _treatment(gcode, ng)
    inter = [W[:, i] * Gd[:, j] for j in range(ng - 1) for i in range(nw - 1)]
    return np.column_stack([np.ones(len(wcode)), W, Gd] + inter)


def _treatment(code: np.ndarray, k: int) -> np.ndarray:
    return (code[:, None] == np.arange(1, k)[None, :]).astype(float)


@quiet_numpy
def lmm(data: pd.DataFrame, dv: str, wave: str, group: str, subject: str, *,
        df_method: str = "satterthwaite", confidence: float = 0.95) -> LmmResult:
    """Linear mixed model ``dv ~ wave * group + (1 | subject)`` on every available wave.

    Parameters
    ----------
    data : pandas.DataFrame
        Long data, one row per subject and wave; people with missing waves are kept.
    dv : str
        Numeric outcome column (rows where it is missing are dropped and counted).
    wave, group : str
        Within (time) and between factors. An (ordered) categorical keeps its
        order; otherwise waves ``pre``, ``post``, ``follow-up`` come first in that
        order and other labels (and the groups) are sorted. The first level is
        the reference.
    subject : str
        Person id (the random intercept).
    df_method : {"satterthwaite", "normal"}
        Degrees of freedom of the t tests and intervals: Satterthwaite (as
        lmerTest) or the normal distribution (z tests, as statsmodels'
        summary; df is then infinite).
    confidence : float
        Coverage of the intervals.

    Returns
    -------
    LmmResult

    Notes
    -----
    Fitted by REML with statsmodels ``MixedLM`` (BFGS with gradient tolerance
    1e-8; L-BFGS and Powell as fallbacks), then polished by Newton steps on the
    REML deviance with its analytic gradient and Hessian until the step is below
    1e-13 relative, so that the estimates do not depend on where an optimiser
    stopped. Fixed-effect standard errors are
    ``sqrt(diag((X' V^-1 X)^-1))`` at the REML estimates. Satterthwaite df for a
    contrast ``L``: ``df = 2 f^2 / (g' A g)`` with ``f = L C L'``, ``g`` its
    gradient in the variance parameters and ``A = 2 H^-1``, ``H`` the observed
    Hessian of the REML deviance, both computed analytically here (lmerTest
    differentiates numerically; the df are invariant to the parameterisation).
    Intervals are ``estimate -/+ t_{df} SE``. Estimated means per wave x group
    are the cell predictions with Satterthwaite df, as
    ``emmeans(fit, ~ wave * group, lmer.df = "satterthwaite")``. Matches R
    ``lmerTest::lmer(dv ~ wave * group + (1 | subject), REML = TRUE)`` to lme4's
    own convergence (about 1e-8 relative with a tight bobyqa; lmerTest's
    numerical derivatives add about 1e-9 to the df). Memory grows with the
    square of the number of observations (dense matrices); meant for studies of
    up to a few thousand rows.

    References
    ----------
    Kuznetsova, A., Brockhoff, P. B., & Christensen, R. H. B. (2017). lmerTest
    package: Tests in linear mixed effects models. *Journal of Statistical
    Software, 82*(13).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from stressgroup.analysis import lmm
    >>> rng = np.random.default_rng(1)
    >>> ids = np.repeat(np.arange(12), 3)
    >>> long = pd.DataFrame({"id": ids, "wave": np.tile(["1pre", "2post", "3fu"], 12),
    ...                      "group": np.where(ids < 6, "c", "t")})
    >>> long["score"] = 3 + rng.normal(0, .5, 12)[ids] + rng.normal(0, .3, 36)
    >>> res = lmm(long.iloc[:-1], "score", "wave", "group", "id")
    >>> res.n_obs, res.n_subjects, list(res.fixed.index)[:3]
    (35, 12, ['(Intercept)', 'wave2post', 'wave3fu'])
    """
    from scipy import stats
    if df_method not in ("satterthwaite", "normal"):
        raise ValueError(f"df_method must be 'satterthwaite' or 'normal', got {df_method!r}")
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie between 0 and 1")
    check_columns(data, {"dv": dv, "wave": wave, "group": group, "subject": subject},
                  numeric=("dv",))
    if len({dv, wave, group, subject}) < 4:
        raise ValueError("dv, wave, group and subject must name four different columns")
    sub = data[[subject, wave, group, dv]]
    ok = sub.notna().all(axis=1)
    sub = sub[ok]
    dup = sub[sub[[subject, wave]].duplicated(keep=False)]
    if len(dup):
        raise DataError(f"{len(dup)} rows repeat a ({subject}, {wave}) pair, e.g. "
                        f"{dup.iloc[0][subject]!r} at {dup.iloc[0][wave]!r}; keep one row "
                        "per person and wave", problems=dup)
    multi = sub.groupby(subject)[group].nunique()
    if (multi > 1).any():
        raise DataError(f"subject {multi.index[multi > 1][0]!r} appears in more than one "
                        f"{group!r} group; a person belongs to one group")
    wl, gl = group_levels(sub[wave], waves=True), group_levels(sub[group])
    if len(wl) < 2 or len(gl) < 2:
        raise DataError(f"an LMM of {wave!r} x {group!r} needs two or more levels of each "
                        f"(found {len(wl)} and {len(gl)})")
    sub = sub.iloc[np.argsort(pd.factorize(sub[subject])[0], kind="stable")]
    wcode = sub[wave].map({v: i for i, v in enumerate(wl)}).to_numpy(dtype=int)
    gcode = sub[group].map({v: i for i, v in enumerate(gl)}).to_numpy(dtype=int)
    X = _lmm_design(wcode, gcode, len(wl), len(gl))
    y = sub[dv].to_numpy(dtype=float)
    ids = sub[subject].to_numpy()
    n, p = X.shape
    if np.linalg.matrix_rank(X) < p:
        raise DataError(f"some {wave} x {group} cells are empty, so the interaction cannot "
                        "be estimated; check that every group was measured at every wave")
    n_subj = int(pd.unique(ids).size)
    if n_subj <= 1 or n - p < 1:
        raise DataError("too few people or observations for a mixed model")
    vb, ve, optimizer, converged = _fit_mixedlm(y, X, ids)
    sid = pd.factorize(ids)[0]                          # rows are sorted by subject
    starts = np.flatnonzero(np.r_[True, sid[1:] != sid[:-1]])
    # polish the statsmodels optimum with Newton steps on the REML deviance
    # (analytic gradient and Hessian), so the result does not depend on where
    # the optimiser stopped
    parts = _reml_parts(y, X, sid, starts, vb, ve)
    for _ in range(20):
        if not (vb > 0 and np.all(np.isfinite(parts["H"]))):
            break
        try:
            step = np.linalg.solve(parts["H"], parts["grad"])
        except np.linalg.LinAlgError:  # pragma: no cover
            break
        new_vb, new_ve = vb - step[0], ve - step[1]
        if new_vb <= 0 or new_ve <= 0:
            break
        new = _reml_parts(y, X, sid, starts, new_vb, new_ve)
        if new["reml"] > parts["reml"] + 1e-9:
            break
        vb, ve, parts = new_vb, new_ve, new
        if np.all(np.abs(step) <= 1e-13 * np.abs([vb, ve])):
            break
    boundary = vb <= 1e-8 * ve
    if boundary:
        # singular fit (lme4's words): the variance sits on its bound 0, the model is
        # ordinary least squares, and only the residual variance carries uncertainty
        # (lmerTest then gives df = n - p)
        warnings.warn("the random-intercept variance is estimated as zero (a boundary, "
                      "'singular' fit): the model reduces to ordinary least squares",
                      DegenerateDataWarning, stacklevel=2)
        beta0 = np.linalg.lstsq(X, y, rcond=None)[0]
        vb, ve = 0.0, float(((y - X @ beta0) ** 2).sum() / (n - p))
        parts = _reml_parts(y, X, sid, starts, vb, ve)
    beta, C, H, G, reml = (parts[k] for k in ("beta", "C", "H", "G", "reml"))
    if boundary:
        A = np.array([[0.0, 0.0], [0.0, 2 / H[1, 1]]])
    else:
        try:
            A = 2 * np.linalg.inv(H)
        except np.linalg.LinAlgError:  # pragma: no cover
            A = np.full((2, 2), np.nan)

    def infer(L: np.ndarray) -> pd.DataFrame:
        est = L @ beta
        f = np.einsum("ij,jk,ik->i", L, C, L)
        se = np.sqrt(f)
        if df_method == "normal":
            df = np.full(len(L), np.inf)
        else:
            g = np.column_stack([np.einsum("ij,jk,ik->i", L, Gk, L) for Gk in G])
            df = 2 * f ** 2 / np.einsum("ij,jk,ik->i", g, A, g)
        t = est / se
        if df_method == "normal":
            pv = 2 * stats.norm.sf(np.abs(t))
            q = np.full(len(L), stats.norm.ppf(0.5 + confidence / 2))
        else:
            pv = 2 * stats.t.sf(np.abs(t), df)
            q = stats.t.ppf(0.5 + confidence / 2, df)
        return pd.DataFrame({"estimate": est, "se": se, "df": df, "t": t, "p": pv,
                             "ci_low": est - q * se, "ci_high": est + q * se})

    names = (["(Intercept)"] + [f"{wave}{v}" for v in wl[1:]] + [f"{group}{v}" for v in gl[1:]]
             + [f"{wave}{w}:{group}{g}" for g in gl[1:] for w in wl[1:]])
    fixed = infer(np.eye(p))
    fixed.index = pd.Index(names, name="term")
    cw = np.repeat(np.arange(len(wl)), len(gl)).reshape(len(wl), len(gl)).T.ravel()
    cg = np.repeat(np.arange(len(gl)), len(wl))
    Lm = _lmm_design(cw, cg, len(wl), len(gl))
    means = infer(Lm).drop(columns=["t", "p"]).rename(columns={"estimate": "mean"})
    means.index = pd.MultiIndex.from_arrays([[wl[i] for i in cw], [gl[j] for j in cg]],
                                            names=[wave, group])
    return LmmResult(fixed=fixed, means=means, var_intercept=float(vb),
                     var_residual=float(ve), reml_criterion=reml, n_obs=n,
                     n_subjects=n_subj, n_dropped_rows=int((~ok).sum()),
                     df_method=df_method, optimizer=optimizer, converged=converged,
                     wave_levels=tuple(wl), group_levels=tuple(gl), confidence=confidence)


def _reml_parts(y: np.ndarray, X: np.ndarray, sid: np.ndarray, starts: np.ndarray,
                vb: float, ve: float) -> dict:
    """REML deviance, its gradient and Hessian in (var_intercept, var_residual), and the
    fixed-effect solution, for the random-intercept model (rows sorted by subject).

    With ``V = ve I + vb Z Z'`` and ``P = V^-1 - V^-1 X C X' V^-1``, ``C = (X' V^-1 X)^-1``:
    deviance ``log|V| + log|X' V^-1 X| + y' P y + (n - p) log(2 pi)``, gradient
    ``tr(P V_k) - y' P V_k P y`` and observed Hessian
    ``-tr(P V_k P V_l) + 2 y' P V_k P V_l P y`` (``V_b = Z Z'``, ``V_e = I``).
    Products with ``Z Z'`` are sums within subjects (O(n^2) overall).
    """
    n, p = X.shape
    ni = np.diff(np.r_[starts, n]).astype(float)
    c = vb / (ve + ni * vb)
    same = sid[:, None] == sid[None, :]
    Vi = (np.eye(n) - np.where(same, c[sid][:, None], 0.0)) / ve
    B = Vi @ X                                              # V^-1 X
    C = np.linalg.inv(X.T @ B)
    beta = C @ (B.T @ y)
    P = Vi - B @ C @ B.T
    u = P @ y                                               # P y = V^-1 (y - X beta)
    S = lambda M: np.add.reduceat(M, starts, axis=0)  # noqa: E731  (S' M)
    PS = np.add.reduceat(P, starts, axis=1)                 # P S
    SPS = S(PS)                                             # S' P S
    Su = S(u)
    zu = Su[sid]                                            # Z Z' P y
    logdetV = float((ni * np.log(ve) + np.log1p(ni * vb / ve)).sum())
    _, logdetX = np.linalg.slogdet(X.T @ B)
    reml = float(logdetV + logdetX + y @ u + (n - p) * np.log(2 * np.pi))
    grad = np.array([np.trace(SPS) - Su @ Su, np.trace(P) - u @ u])
    Pzu, Pu = P @ zu, P @ u
    H = np.empty((2, 2))
    H[0, 0] = -float((SPS * SPS).sum()) + 2 * zu @ Pzu
    H[0, 1] = H[1, 0] = -float((PS * PS).sum()) + 2 * zu @ Pu
    H[1, 1] = -float((P * P).sum()) + 2 * u @ Pu
    SB = S(B)
    G = [C @ (SB.T @ SB) @ C, C @ (B.T @ B) @ C]            # dC / d(vb), dC / d(ve)
    return {"beta": beta, "C": C, "H": H, "G": G, "reml": reml, "grad": grad}


def _fit_mixedlm(y, X, ids) -> tuple[float, float, str, bool]:
    """REML fit with statsmodels; returns (var_intercept, var_residual, optimizer, converged)."""
    from statsmodels.regression.mixed_linear_model import MixedLM
    last = None
    for method, kw in (("bfgs", {"gtol": 1e-8}), ("lbfgs", {}), ("powell", {})):
        model = MixedLM(y, X, groups=ids)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                fit = model.fit(reml=True, method=[method], **kw)
            except (np.linalg.LinAlgError, ValueError) as exc:  # pragma: no cover
                last = exc
                continue
        bad = [w for w in caught if "converge" in str(w.message).lower()]
        if fit.converged and not bad:
            return (float(np.asarray(fit.cov_re)[0, 0]), float(fit.scale), method, True)
        last = fit
    if last is None or isinstance(last, Exception):  # pragma: no cover
        raise DataError(f"the mixed model could not be fitted ({last}); check the data")
    warnings.warn("the mixed model did not converge cleanly; estimates may be inaccurate",
                  DegenerateDataWarning, stacklevel=3)
    return (float(np.asarray(last.cov_re)[0, 0]), float(last.scale), "powell", False)

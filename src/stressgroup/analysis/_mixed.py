"""Mixed (split-plot) ANOVA: group x time on long data, with sphericity corrections."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.errors import DataError, DegenerateDataWarning
from ..core.results import ResultMixin, jsonable, quiet_numpy
from ._ancova import check_columns, group_levels

__all__ = ["mixed_anova", "MixedAnovaResult", "complete_subjects"]

_EFFECT_KEYS = ("F", "df1", "df2", "p", "partial_eta2", "ges", "SS")
_KEYS = ("F", "df1", "df2", "p", "p_gg", "p_hf", "partial_eta2", "ges", "SS",
         "between_F", "between_df1", "between_df2", "between_p", "between_partial_eta2",
         "between_ges", "between_SS", "within_F", "within_df1", "within_df2", "within_p",
         "within_p_gg", "within_p_hf", "within_partial_eta2", "within_ges", "within_SS",
         "gg_eps", "hf_eps", "mauchly_W", "mauchly_p", "n", "n_dropped", "dropped",
         "within_levels", "between_levels")


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
    wlevels = group_levels(sub[within])
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
class MixedAnovaResult(ResultMixin):
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
        its order, otherwise levels are sorted.
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

"""Intraclass correlations (Shrout & Fleiss, 1979) as R psych ``ICC``; test-retest between waves."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ..core.errors import DataError, DegenerateDataWarning
from ..core.results import jsonable, quiet_numpy
from ..report import Reportable
from ..instruments import Instrument, load_instrument, score
from ..instruments._scoring import as_frame

__all__ = ["icc", "icc_matrix", "ICCResult", "ICC_TYPES"]

#: Shrout-Fleiss name -> (McGraw & Wong name, plain description).
ICC_TYPES: dict[str, tuple[str, str]] = {
    "ICC1": ("ICC(1)", "one-way random effects, single measurement"),
    "ICC2": ("ICC(A,1)", "two-way random effects, absolute agreement, single measurement"),
    "ICC3": ("ICC(C,1)", "two-way mixed effects, consistency, single measurement"),
    "ICC1k": ("ICC(k)", "one-way random effects, mean of k measurements"),
    "ICC2k": ("ICC(A,k)", "two-way random effects, absolute agreement, mean of k measurements"),
    "ICC3k": ("ICC(C,k)", "two-way mixed effects, consistency, mean of k measurements"),
}
_COLUMNS = ["icc", "F", "df1", "df2", "p", "ci_low", "ci_high", "mcgraw_wong", "description"]


@dataclass(frozen=True, repr=False)
class ICCResult(Reportable):
    """The six Shrout-Fleiss intraclass correlations with F tests and intervals.

    Attributes
    ----------
    table : DataFrame
        Indexed by type (``ICC1``, ``ICC2``, ``ICC3``, ``ICC1k``, ``ICC2k``,
        ``ICC3k``): ``icc``, ``F``, ``df1``, ``df2``, ``p``, ``ci_low``,
        ``ci_high``, ``mcgraw_wong`` (McGraw & Wong's name, as SPSS uses it)
        and ``description``.
    n, k : int
        Targets (people) and measurements per target (raters, waves).
    ms : dict
        Mean squares ``MSB`` (between targets), ``MSW`` (within targets),
        ``MSJ`` (between measurements), ``MSE`` (residual).
    confidence : float
    subscale : str or None
        The scored subscale (``icc()``); None for :func:`icc_matrix`.
    waves : tuple of str
        The measurement columns (waves, for ``icc()``).
    dropped : tuple of str
        Ids left out because a wave's score was missing (``icc()``).
    method : str
        ``"anova"`` or ``"reml"`` mean squares.
    subscale_label : dict, optional
        The subscale's name by language (``{"en": ..., "zh": ...}``), for tables.
    """

    table: pd.DataFrame
    n: int
    k: int
    ms: dict
    confidence: float = 0.95
    subscale: "str | None" = None
    waves: tuple = ()
    dropped: tuple = field(default_factory=tuple)
    method: str = "anova"
    subscale_label: "dict | None" = None

    @property
    def _title(self) -> str:  # type: ignore[override]
        what = f" of {self.subscale} between waves {', '.join(self.waves)}" \
            if self.subscale else ""
        return f"Intraclass correlations{what} (psych::ICC conventions)"

    def __getitem__(self, key: str) -> dict:
        row = self.table.loc[key]
        return {"icc": row["icc"], "F": row["F"], "df1": row["df1"], "df2": row["df2"],
                "p": row["p"], "ci": (row["ci_low"], row["ci_high"])}

    def to_dict(self) -> dict:
        out: dict = {name: dict(self[name], mcgraw_wong=ICC_TYPES[name][0],
                                description=ICC_TYPES[name][1]) for name in ICC_TYPES}
        out.update(n=self.n, k=self.k, confidence=self.confidence, subscale=self.subscale,
                   waves=list(self.waves), n_dropped=len(self.dropped),
                   dropped=list(self.dropped), method=self.method, **self.ms)
        return jsonable(out)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def to_document(self, lang: str = "en"):
        """The ICC table as a :class:`~stressgroup.core.document.Document`."""
        from ..core.document import Column, Document, Note, Table

        zh_desc = {
            "ICC1": "单向随机效应，单次测量", "ICC2": "双向随机效应，绝对一致性，单次测量",
            "ICC3": "双向混合效应，一致性，单次测量", "ICC1k": "单向随机效应，k 次测量均值",
            "ICC2k": "双向随机效应，绝对一致性，k 次测量均值",
            "ICC3k": "双向混合效应，一致性，k 次测量均值"}
        rows = []
        for name, r in self.table.iterrows():
            rows.append({"type": str(name), "mw": r["mcgraw_wong"],
                         "desc": {"en": r["description"], "zh": zh_desc[str(name)]},
                         "icc": r["icc"], "ci": (r["ci_low"], r["ci_high"]), "F": r["F"],
                         "df1": int(r["df1"]), "df2": int(r["df2"]), "p": r["p"]})
        if self.subscale:
            lab = self.subscale_label or {}
            en, zh = lab.get("en", self.subscale), lab.get("zh", lab.get("en", self.subscale))
            title = {"en": f"Test-retest intraclass correlations: {en} "
                           f"({', '.join(self.waves)})",
                     "zh": f"重测信度（组内相关系数）：{zh}（{'、'.join(self.waves)}）"}
        else:
            title = {"en": "Intraclass correlations", "zh": "组内相关系数"}
        pct = f"{self.confidence:.0%}"
        notes = [Note({"en": f"n = {self.n} people with every measurement, k = {self.k}"
                             + (f"; {len(self.dropped)} left out for a missing measurement"
                                if self.dropped else "") + ". "
                             "Shrout & Fleiss (1979) types with McGraw & Wong (1996) names; "
                             + ("ANOVA mean squares" if self.method == "anova"
                                else "REML variance components") + " (psych::ICC).",
                       "zh": f"n = {self.n}（各次测量均完整），k = {self.k}"
                             + (f"；{len(self.dropped)} 人因缺少某次测量被排除"
                                if self.dropped else "") + "。"
                             "Shrout & Fleiss (1979) 类型，括号为 McGraw & Wong (1996) 名称；"
                             + ("方差分析均方" if self.method == "anova" else "REML 方差成分")
                             + "（同 psych::ICC）。"})]
        tab = Table(
            key="icc", title=title,
            columns=(Column("type", {"en": "Type", "zh": "类型"}, "text"),
                     Column("mw", {"en": "McGraw & Wong", "zh": "McGraw & Wong"}, "text"),
                     Column("desc", {"en": "Model", "zh": "模型"}, "text"),
                     Column("icc", "ICC", "reliability"),
                     Column("ci", {"en": f"{pct} CI", "zh": f"{pct} 置信区间"}, "ci",
                            inner="reliability"),
                     Column("F", "F", "statistic"),
                     Column("df1", "df1", "df"), Column("df2", "df2", "df"),
                     Column("p", "p", "p")),
            rows=rows, notes=tuple(notes))
        return Document(title, (tab,))

    def _summary_lines(self) -> list[str]:
        lines = [f"n = {self.n} targets, k = {self.k} measurements; "
                 f"{self.confidence:.0%} intervals"]
        if self.dropped:
            more = " ..." if len(self.dropped) > 10 else ""
            lines.append(f"left out (a missing wave score): {len(self.dropped)} "
                         f"({', '.join(self.dropped[:10])}{more})")
        return lines


def _check_confidence(confidence: float, method: str = "anova") -> None:
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie between 0 and 1")
    if method not in ("anova", "reml"):
        raise ValueError(f"method must be 'anova' or 'reml', not {method!r}")


def _reml_mean_squares(ms: dict, df: dict, n: int) -> tuple[float, float, float]:
    """REML expected mean squares of the balanced two-way random model.

    The sums of squares are independent scaled chi-squares with expectations
    ``theta_B = k s2_id + s2_e``, ``theta_J = n s2_j + s2_e``, ``theta_E =
    s2_e``; REML maximises their likelihood under ``theta_B, theta_J >=
    theta_E`` (variances >= 0): a mean square below the residual one is
    pooled with it (df-weighted), smallest first.
    """
    pooled_ss = ms["E"] * df["E"]
    pooled_df = df["E"]
    theta = {"B": ms["B"], "J": ms["J"]}
    for key in sorted(theta, key=theta.get):
        if theta[key] < pooled_ss / pooled_df:
            pooled_ss += ms[key] * df[key]
            pooled_df += df[key]
    e = pooled_ss / pooled_df
    return max(theta["B"], e), max(theta["J"], e), e


@quiet_numpy
def icc_matrix(x, *, method: Literal["anova", "reml"] = "anova",
               confidence: float = 0.95) -> ICCResult:
    """Intraclass correlations of an ``n x k`` matrix (targets x measurements).

    Parameters
    ----------
    x : DataFrame or 2-D array
        One row per target (person), one column per measurement (rater,
        wave). Rows with a missing value are dropped (counted in
        ``dropped``, by index label).
    method : {"anova", "reml"}
        ``"anova"`` (default): the ANOVA mean squares (Shrout & Fleiss;
        SPSS; ``psych::ICC(x, lmer = FALSE)``). ``"reml"``: the mean squares
        implied by the REML variance components (what psych's default
        ``lmer = TRUE`` fits with lme4), different only when a component's
        ANOVA estimate is negative.
    confidence : float
        Coverage of the intervals (psych ``alpha = 1 - confidence``).

    Returns
    -------
    ICCResult

    Notes
    -----
    Two-way ANOVA without interaction on the complete rows: ``MSB``
    (targets, df ``n - 1``), ``MSJ`` (measurements, df ``k - 1``), ``MSE``
    (residual, df ``(n - 1)(k - 1)``) and ``MSW = (SSJ + SSE) / (n (k -
    1))``. Shrout & Fleiss (1979): ``ICC1 = (MSB - MSW) / (MSB + (k - 1)
    MSW)``, ``ICC2 = (MSB - MSE) / (MSB + (k - 1) MSE + k (MSJ - MSE) /
    n)``, ``ICC3 = (MSB - MSE) / (MSB + (k - 1) MSE)``, ``ICC1k = (MSB -
    MSW) / MSB``, ``ICC2k = (MSB - MSE) / (MSB + (MSJ - MSE) / n)``,
    ``ICC3k = (MSB - MSE) / MSB``. F tests: ``MSB / MSW`` on ``(n - 1, n (k
    - 1))`` for ICC1 and ICC1k, ``MSB / MSE`` on ``(n - 1, (n - 1)(k - 1))``
    otherwise; ``p`` is the upper tail. Intervals: exact F intervals for
    ICC1, ICC3 and their means; for ICC2 and ICC2k the Satterthwaite
    approximation, exactly as psych codes it. Matches ``psych::ICC(x, lmer
    = FALSE)`` to 1e-10. psych's default ``lmer = TRUE`` takes the mean
    squares from lme4 REML variance components instead: on complete data
    the same numbers (to lme4's optimiser tolerance, about 1e-7) unless a
    variance component's estimate would be negative (then REML stops it at
    zero and psych's values differ); this function keeps the ANOVA
    estimates, which are Shrout & Fleiss's and SPSS's; ``method = "reml"``
    gives psych's default exactly (the balanced-design REML solution in
    closed form: a mean square below the residual one is pooled into it; lme4
    reaches it only to its optimiser tolerance, 1e-7 to 1e-4 here).

    McGraw & Wong (1996) names: ICC1 = ICC(1), ICC2 = ICC(A,1), ICC3 =
    ICC(C,1), ICC1k = ICC(k), ICC2k = ICC(A,k), ICC3k = ICC(C,k).

    References
    ----------
    Shrout & Fleiss (1979); McGraw & Wong (1996); Revelle, psych ``ICC``.

    Examples
    --------
    >>> import numpy as np
    >>> from stressgroup.reliability import icc_matrix
    >>> sf = np.array([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6],
    ...                [10, 5, 6, 9], [6, 2, 4, 7]])  # Shrout & Fleiss (1979)
    >>> res = icc_matrix(sf)
    >>> res.table["icc"].round(2).tolist()
    [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]
    """
    from scipy import stats
    _check_confidence(confidence, method)
    if isinstance(x, pd.DataFrame):
        df = x
    elif isinstance(x, np.ndarray) and x.ndim == 2:
        df = pd.DataFrame(x)
    else:
        raise TypeError("x must be a DataFrame or a 2-D array (targets x measurements)")
    try:
        df = df.astype(float)
    except (TypeError, ValueError):
        raise TypeError("x must hold numbers (NaN for missing)") from None
    complete = df.notna().all(axis=1)
    dropped = tuple(map(str, df.index[~complete]))
    a = df[complete].to_numpy()
    n, k = a.shape
    if k < 2:
        raise ValueError("x needs at least two measurement columns")
    if n < 2:
        raise DataError(f"intraclass correlations need at least two complete rows; "
                        f"{n} of {len(df)} rows are complete")
    grand = a.mean()
    ss_b = k * ((a.mean(axis=1) - grand) ** 2).sum()
    ss_j = n * ((a.mean(axis=0) - grand) ** 2).sum()
    ss_e = ((a - grand) ** 2).sum() - ss_b - ss_j
    df_b, df_j, df_e = n - 1, k - 1, (n - 1) * (k - 1)
    msb, msj, mse = ss_b / df_b, ss_j / df_j, ss_e / df_e
    msw = (ss_j + ss_e) / (df_j + df_e)
    if method == "reml":
        msb, msj, mse = _reml_mean_squares({"B": msb, "J": msj, "E": mse},
                                           {"B": df_b, "J": df_j, "E": df_e}, n)
        msw = mse + (msj - mse) / n     # psych: residual + judge variance
    if not msb > 0 or not (msw > 0 and mse > 0):
        warnings.warn("no variance between or within targets: the intraclass correlations "
                      "are undefined", DegenerateDataWarning, stacklevel=2)
    icc1 = (msb - msw) / (msb + (k - 1) * msw)
    icc2 = (msb - mse) / (msb + (k - 1) * mse + k * (msj - mse) / n)
    icc3 = (msb - mse) / (msb + (k - 1) * mse)
    icc1k = (msb - msw) / msb
    icc2k = (msb - mse) / (msb + (msj - mse) / n)
    icc3k = (msb - mse) / msb
    f11 = msb / msw
    d11n, d11d = n - 1, n * (k - 1)
    p11 = stats.f.sf(f11, d11n, d11d)
    f21 = msb / mse
    d21n, d21d = n - 1, (n - 1) * (k - 1)
    p21 = stats.f.sf(f21, d21n, d21d)
    q = 1 - (1 - confidence) / 2
    f1l = f11 / stats.f.ppf(q, d11n, d11d)
    f1u = f11 * stats.f.ppf(q, d11d, d11n)
    f3l = f21 / stats.f.ppf(q, d21n, d21d)
    f3u = f21 * stats.f.ppf(q, d21d, d21n)
    fj = msj / mse
    vn = (k - 1) * (n - 1) * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    vd = (n - 1) * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
    v = vn / vd
    fu = stats.f.ppf(q, n - 1, v)
    fl = stats.f.ppf(q, v, n - 1)
    l2 = n * (msb - fu * mse) / (fu * (k * msj + (k * n - k - n) * mse) + n * msb)
    u2 = n * (fl * msb - mse) / (k * msj + (k * n - k - n) * mse + n * fl * msb)
    rows = {
        "ICC1": (icc1, f11, d11n, d11d, p11, (f1l - 1) / (f1l + k - 1),
                 (f1u - 1) / (f1u + k - 1)),
        "ICC2": (icc2, f21, d21n, d21d, p21, l2, u2),
        "ICC3": (icc3, f21, d21n, d21d, p21, (f3l - 1) / (f3l + k - 1),
                 (f3u - 1) / (f3u + k - 1)),
        "ICC1k": (icc1k, f11, d11n, d11d, p11, 1 - 1 / f1l, 1 - 1 / f1u),
        "ICC2k": (icc2k, f21, d21n, d21d, p21, l2 * k / (1 + l2 * (k - 1)),
                  u2 * k / (1 + u2 * (k - 1))),
        "ICC3k": (icc3k, f21, d21n, d21d, p21, 1 - 1 / f3l, 1 - 1 / f3u),
    }
    table = pd.DataFrame(
        [[float(v) for v in vals] + list(ICC_TYPES[name]) for name, vals in rows.items()],
        columns=_COLUMNS, index=pd.Index(list(rows), name="type"))
    table["df1"] = table["df1"].astype(int)
    table["df2"] = table["df2"].astype(int)
    return ICCResult(table=table, n=n, k=k,
                     ms={"MSB": float(msb), "MSW": float(msw), "MSJ": float(msj),
                         "MSE": float(mse)},
                     confidence=confidence, waves=tuple(map(str, df.columns)),
                     dropped=dropped, method=method)


def icc(responses, instrument: "Instrument | str", subscale: "str | None" = None, *,
        waves: "tuple[str, ...] | list[str]" = ("pre", "post"),
        method: Literal["anova", "reml"] = "anova", confidence: float = 0.95) -> ICCResult:
    """Test-retest intraclass correlations of a subscale score between waves.

    Parameters
    ----------
    responses : Responses or DataFrame
        One row per person per wave with ``id``, ``wave`` and item columns.
    instrument : Instrument or str
    subscale : str, optional
        A subscale id of the instrument, or its total id; default the
        total (or the only subscale).
    waves : sequence of str
        The waves to compare (two or more), in this order.
    method : {"anova", "reml"}
        Mean squares as in :func:`icc_matrix`.
    confidence : float
        Coverage of the intervals.

    Returns
    -------
    ICCResult
        With ``subscale``, ``waves`` and ``dropped`` (the ids without a
        score at every wave, left out and counted).

    Notes
    -----
    Scores come from :func:`stressgroup.score` (prorating rule of the
    instrument); people form the rows and waves the columns of
    :func:`icc_matrix`. Complete people only. For test-retest reliability
    ICC2 (ICC(A,1), absolute agreement) counts a shift between waves as
    disagreement; ICC3 (ICC(C,1), consistency) ignores it. After an
    intervention a change of the mean is expected, so say which one you
    report. Matches ``psych::ICC(wide, lmer = FALSE)``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from stressgroup import load_instrument
    >>> from stressgroup.reliability import icc
    >>> inst = load_instrument("five-level-stress")
    >>> rng = np.random.default_rng(3)
    >>> trait = rng.normal(size=(30, 1))
    >>> frames = []
    >>> for wave in ("pre", "post"):
    ...     x = np.clip(np.rint(3 + trait + 0.6 * rng.normal(size=(30, 25))), 1, 5)
    ...     d = pd.DataFrame(x, columns=inst.item_ids)
    ...     d.insert(0, "id", [f"{i:02d}" for i in range(30)])
    ...     d.insert(1, "wave", wave)
    ...     frames.append(d)
    >>> res = icc(pd.concat(frames), inst, "individual")
    >>> res.n, res.table.loc["ICC2", "mcgraw_wong"]
    (30, 'ICC(A,1)')
    """
    _check_confidence(confidence, method)
    instrument = load_instrument(instrument)
    waves = tuple(map(str, waves))
    if len(waves) < 2 or len(set(waves)) != len(waves):
        raise ValueError("waves must name at least two different waves")
    ids = [s.id for s in instrument.scored]
    if subscale is None:
        subscale = instrument.total.id if getattr(instrument, "total", None) else ids[-1]
    if subscale not in ids:
        raise ValueError(f"subscale must be one of {', '.join(ids)}, not {subscale!r}")
    data = as_frame(responses)
    for col in ("id", "wave"):
        if col not in data.columns:
            raise DataError(f"the responses have no {col!r} column; icc() needs one row per "
                            "person per wave with 'id' and 'wave'")
    scores = score(data, instrument)
    scores = scores.assign(wave=scores["wave"].astype(str), id=scores["id"].astype(str))
    present = set(scores["wave"])
    absent = [w for w in waves if w not in present]
    if absent:
        raise DataError(f"no rows for wave(s) {', '.join(absent)}; the data have "
                        f"{', '.join(sorted(present))}")
    scores = scores[scores["wave"].isin(waves)]
    dup = scores.duplicated(["id", "wave"])
    if dup.any():
        raise DataError(f"{int(dup.sum())} duplicate (id, wave) rows, e.g. id "
                        f"{scores.loc[dup, 'id'].iloc[0]!r}; keep one row per person per wave")
    sub = instrument.subscale(subscale)
    wide = scores.pivot(index="id", columns="wave", values=subscale).reindex(columns=list(waves))
    wide.columns = pd.Index(list(waves), name="wave")
    res = icc_matrix(wide, method=method, confidence=confidence)
    return ICCResult(table=res.table, n=res.n, k=res.k, ms=res.ms, confidence=confidence,
                     subscale=subscale, waves=waves, dropped=res.dropped, method=method,
                     subscale_label={lang: sub.label(lang) for lang in ("en", "zh")})

"""Baseline equivalence of two or more groups (pre scores and demographics)."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from ..core.errors import DataError, DegenerateDataWarning
from ..core.results import jsonable, quiet_numpy
from ..report import Reportable
from ._ancova import check_columns, group_levels
from ._paired import ncp_limits
from ._paired import hedges_j

__all__ = ["baseline_equivalence", "BaselineEquivalenceResult", "fisher_exact_rxc"]

_COLUMNS = ["variable", "kind", "test", "statistic", "df1", "df2", "p", "effect",
            "effect_size", "ci_low", "ci_high", "n", "n_missing", "min_expected",
            "sparse_cells", "chisq_p", "fisher_p", "note"]

#: R ``fisher.test``'s tolerance: tables with P <= P_observed * (1 + 1e-7) count
_REL_ERR = 1 + 1e-7


def fisher_exact_rxc(table, max_tables: int = 2_000_000) -> float:
    """Fisher's exact test of an r x c table (two-sided), by full enumeration.

    The p value is the total probability, under the multivariate hypergeometric
    distribution with the observed margins, of the tables no more probable
    than the observed one (``P <= P_obs (1 + 1e-7)``), as R ``fisher.test``.
    Returns NaN when more than ``max_tables`` tables would have to be visited.

    Examples
    --------
    >>> round(fisher_exact_rxc([[3, 1], [1, 3]]), 6)
    0.485714
    """
    from scipy.special import gammaln
    tab = np.asarray(table, dtype=np.int64)
    tab = tab[tab.sum(axis=1) > 0][:, tab.sum(axis=0) > 0]
    if tab.ndim != 2 or min(tab.shape) < 2:
        return 1.0
    if tab.shape[0] > tab.shape[1]:
        tab = tab.T
    # enumerate column by column; put the widest columns last (fewest branches first)
    tab = tab[:, np.argsort(tab.sum(axis=0), kind="stable")]
    rows, cols = tab.sum(axis=1), tab.sum(axis=0)
    n = int(tab.sum())
    lf = gammaln(np.arange(n + 2) + 1.0)
    const = lf[rows].sum() + lf[cols].sum() - lf[n]
    thr = const - lf[tab].sum() + math.log(_REL_ERR)
    r, c = tab.shape
    total = 0.0
    visited = 0

    def compositions(t: int, caps: np.ndarray, i: int = 0):
        if i == len(caps) - 1:
            if t <= caps[i]:
                yield (t,)
            return
        rest = int(caps[i + 1:].sum())
        for v in range(max(0, t - rest), min(t, int(caps[i])) + 1):
            for tail in compositions(t - v, caps, i + 1):
                yield (v,) + tail

    def fill(j: int, rem: np.ndarray, acc: float) -> None:
        nonlocal total, visited
        if j == c - 1:
            visited += 1
            lp = const - acc - lf[rem].sum()
            if lp <= thr:
                total += math.exp(lp)
            return
        for vec in compositions(int(cols[j]), rem):
            if visited > max_tables:
                return
            v = np.array(vec)
            fill(j + 1, rem - v, acc + lf[v].sum())

    fill(0, rows.copy(), 0.0)
    if visited > max_tables:
        return float("nan")
    return float(min(1.0, total))


@dataclass(frozen=True, repr=False)
class BaselineEquivalenceResult(Reportable):
    """Baseline comparison of groups, one row per variable.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by variable: ``kind`` (numeric or categorical), ``test`` (the test
        whose p is reported), ``statistic``, ``df1``, ``df2``, ``p``, ``effect``
        (its name: ``hedges_g``, ``eta2`` or ``cramers_v``), ``effect_size`` with
        ``ci_low``/``ci_high`` (Hedges' g only), ``n`` (people with the variable
        and a group), ``n_missing``, ``min_expected`` (smallest expected count),
        ``sparse_cells`` (expected counts below 5), ``chisq_p`` and ``fisher_p``
        (categorical; the table's ``statistic`` and ``df1`` are the chi-square's even when
        ``p`` is Fisher's) and a ``note``.
    descriptives : pandas.DataFrame
        Long table: ``variable``, ``group``, ``category`` (categorical only),
        ``n``, ``mean``, ``sd`` (numeric) or ``count``, ``percent`` (of the group).
    between : str
    levels : tuple
        The groups in order; Hedges' g is ``levels[1] - levels[0]``.
    """

    table: pd.DataFrame
    descriptives: pd.DataFrame
    between: str
    levels: tuple
    _title = "Baseline equivalence of the groups"

    def to_dict(self) -> dict:
        return jsonable({"between": self.between, "levels": list(self.levels),
                         "variables": self.table.to_dict(orient="index")})

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def to_document(self, lang: str = "en"):
        """The tests and the descriptives per group as a
        :class:`~stressgroup.core.document.Document`."""
        from ..core.document import Column, Document, Note, Table

        def cell(x):
            try:
                f = float(x)
            except (TypeError, ValueError):
                return None
            return f if np.isfinite(f) else None

        effect_names = {"hedges_g": "Hedges' g", "eta2": "η²", "cramers_v": "Cramér's V"}
        has_df2 = bool(np.isfinite(self.table["df2"].astype(float)).any())
        tests = Table(
            key="baseline_equivalence",
            title={"en": f"Baseline equivalence of the groups ({self.between})",
                   "zh": f"各组基线等同性检验（{self.between}）"},
            columns=(Column("variable", {"en": "Variable", "zh": "变量"}, "text"),
                     Column("test", {"en": "Test", "zh": "检验"}, "text"),
                     Column("statistic", {"en": "Statistic", "zh": "统计量"}, "statistic",
                            stars="p"),
                     Column("df1", "df", "df", digits=2))
            + ((Column("df2", "df2", "df", digits=2),) if has_df2 else ())
            + (Column("p", "p", "p"),
                     Column("effect", {"en": "Effect size", "zh": "效应量"}, "text"),
                     Column("es", {"en": "Value", "zh": "值"}, "effect"),
                     Column("n", "n", "count")),
            rows=[{"variable": str(v), "test": r["test"] or "",
                   # Fisher's test has no statistic: leave the chi-square out of its row
                   "statistic": None if exact else cell(r["statistic"]),
                   "df1": None if exact else cell(r["df1"]),
                   "df2": cell(r["df2"]), "p": cell(r["p"]),
                   "effect": effect_names.get(r["effect"], r["effect"] or ""),
                   "es": cell(r["effect_size"]), "n": int(r["n"])}
                  for v, r in self.table.iterrows()
                  for exact in [str(r["test"]).startswith("Fisher")]],
            notes=tuple(_sparse_note(v, r) for v, r in self.table.iterrows()
                        if r["kind"] == "categorical" and r["sparse_cells"])
            + tuple(Note(f"{v}: {r['note']}") for v, r in self.table.iterrows()
                    if r["note"] and not (r["kind"] == "categorical" and r["sparse_cells"]))
            + (
                Note({"en": (f"Hedges' g = ({self.levels[1]} - {self.levels[0]}) / pooled SD. "
                             if len(self.levels) == 2 else "η² of the one-way ANOVA. ")
                            + "Categorical variables: Pearson chi-square without continuity "
                            "correction, Fisher's exact test when an expected count is below 5.",
                      "zh": (f"Hedges' g = （{self.levels[1]} - {self.levels[0]}）/ 合并标准差。"
                             if len(self.levels) == 2 else "η² 来自单因素方差分析。")
                            + "分类变量：Pearson 卡方检验（无连续性校正），期望频数小于 5 时用 "
                            "Fisher 精确检验。"}),))
        d = self.descriptives
        rows = []
        for rec in d.to_dict("records"):
            numeric = rec["category"] is None or (isinstance(rec["category"], float)
                                                  and np.isnan(rec["category"]))
            rows.append({"_group": str(rec["variable"]), "group": str(rec["group"]),
                         "category": "" if numeric else str(rec["category"]),
                         "n": int(rec["count"]) if not numeric else int(rec["n"]),
                         "msd": (rec["mean"], rec["sd"]) if numeric else None,
                         "pct": None if numeric else cell(rec["percent"])})
        desc = Table(
            key="baseline_descriptives",
            title={"en": "Baseline characteristics by group", "zh": "各组基线特征"},
            columns=(Column("group", {"en": "Group", "zh": "组别"}, "text"),
                     Column("category", {"en": "Category", "zh": "类别"}, "text"),
                     Column("n", "n", "count"),
                     Column("msd", "{msd}", "mean_sd"),
                     Column("pct", "%", "percent")),
            rows=rows)
        return Document({"en": "Baseline equivalence", "zh": "基线等同性"}, (tests, desc))

    def _summary_lines(self) -> list[str]:
        return [f"  groups of {self.between!r}: {', '.join(map(str, self.levels))}"]


def _sparse_note(variable, row):
    from ..core.document import Note
    cells = int(row["sparse_cells"])
    if str(row["test"]).startswith("Fisher"):
        return Note({"en": f"{variable}: {cells} expected count(s) below 5 "
                           f"(smallest {row['min_expected']:.2f}): Fisher's exact test.",
                     "zh": f"{variable}：{cells} 个期望频数小于 5（最小 "
                           f"{row['min_expected']:.2f}），采用 Fisher 精确检验。"})
    return Note({"en": f"{variable}: {cells} expected count(s) below 5 and the table is too "
                       "large for the exact test: the chi-square p is approximate.",
                 "zh": f"{variable}：{cells} 个期望频数小于 5，且列联表过大无法做精确检验："
                       "卡方检验的 p 值为近似值。"})


def _welch_anova(groups: list[np.ndarray]) -> tuple[float, float, float, float]:
    """R ``oneway.test(var.equal = FALSE)``: F, df1, df2, p."""
    from scipy import stats
    k = len(groups)
    n = np.array([g.size for g in groups], float)
    m = np.array([g.mean() for g in groups])
    v = np.array([g.var(ddof=1) for g in groups])
    w = n / v
    sw = w.sum()
    tmp = (((1 - w / sw) ** 2) / (n - 1)).sum() / (k ** 2 - 1)
    mdot = (w * m).sum() / sw
    F = (w * (m - mdot) ** 2).sum() / ((k - 1) * (1 + 2 * (k - 2) * tmp))
    df2 = 1 / (3 * tmp)
    return float(F), float(k - 1), float(df2), float(stats.f.sf(F, k - 1, df2))


def _numeric_row(name: str, x: np.ndarray, g: np.ndarray, levels: list, welch: bool,
                 confidence: float) -> dict:
    from scipy import stats
    groups = [x[g == i] for i in range(len(levels))]
    sizes = [a.size for a in groups]
    row = dict(kind="numeric", n=int(x.size), effect=None, note="")
    nan = float("nan")
    if min(sizes) < 2:
        warnings.warn(f"{name!r}: a group has fewer than 2 values; its test is undefined",
                      DegenerateDataWarning, stacklevel=3)
        return {**row, "test": None, "statistic": nan, "df1": nan, "df2": nan, "p": nan,
                "effect_size": nan, "ci_low": nan, "ci_high": nan,
                "note": "a group has fewer than 2 values"}
    var = np.array([a.var(ddof=1) for a in groups])
    if len(levels) == 2:
        a, b = groups
        n1, n2 = a.size, b.size
        diff = b.mean() - a.mean()
        df = n1 + n2 - 2
        sp = math.sqrt(((n1 - 1) * var[0] + (n2 - 1) * var[1]) / df)
        if sp == 0 or (welch and (var == 0).all()):
            warnings.warn(f"{name!r} is constant within both groups: its test is undefined",
                          DegenerateDataWarning, stacklevel=3)
            return {**row, "test": None, "statistic": nan, "df1": nan, "df2": nan, "p": nan,
                    "effect": "hedges_g", "effect_size": nan, "ci_low": nan, "ci_high": nan,
                    "note": "constant within groups"}
        if welch:
            se = math.sqrt(var[0] / n1 + var[1] / n2)
            t = diff / se
            dfw = (var[0] / n1 + var[1] / n2) ** 2 / (
                (var[0] / n1) ** 2 / (n1 - 1) + (var[1] / n2) ** 2 / (n2 - 1))
            test = "Welch t"
        else:
            t = diff / (sp * math.sqrt(1 / n1 + 1 / n2))
            dfw, test = float(df), "Student t"
        p = float(2 * stats.t.sf(abs(t), dfw))
        J = hedges_j(df)
        d = diff / sp
        lo, hi = ncp_limits(d / math.sqrt(1 / n1 + 1 / n2), df, confidence)
        scale = math.sqrt(1 / n1 + 1 / n2) * J
        return {**row, "test": test, "statistic": float(t), "df1": float(dfw), "df2": nan,
                "p": p, "effect": "hedges_g", "effect_size": float(d * J),
                "ci_low": float(lo * scale), "ci_high": float(hi * scale)}
    # three or more groups
    N, k = x.size, len(levels)
    grand = x.mean()
    ssb = float(sum(a.size * (a.mean() - grand) ** 2 for a in groups))
    ssw = float(sum(((a - a.mean()) ** 2).sum() for a in groups))
    eta2 = ssb / (ssb + ssw) if ssb + ssw > 0 else nan
    if welch and (var > 0).all():
        F, df1, df2, p = _welch_anova(groups)
        test = "Welch ANOVA"
    elif ssw > 0:
        F = (ssb / (k - 1)) / (ssw / (N - k))
        df1, df2, test = float(k - 1), float(N - k), "one-way ANOVA"
        p = float(stats.f.sf(F, df1, df2))
        if welch:
            row["note"] = "a group has zero variance: classic ANOVA instead of Welch's"
    else:
        warnings.warn(f"{name!r} is constant within every group: its test is undefined",
                      DegenerateDataWarning, stacklevel=3)
        F = df1 = df2 = p = nan
        test = None
    return {**row, "test": test, "statistic": float(F), "df1": float(df1), "df2": float(df2),
            "p": float(p), "effect": "eta2", "effect_size": float(eta2), "ci_low": nan,
            "ci_high": nan}


def _categorical_row(name: str, tab: np.ndarray, fisher_max: int) -> dict:
    from scipy import stats
    nan = float("nan")
    tab = tab[:, tab.sum(axis=0) > 0]
    n = int(tab.sum())
    r, c = tab.shape
    row = dict(kind="categorical", n=n, effect="cramers_v", ci_low=nan, ci_high=nan,
               df2=nan, note="")
    if c < 2:
        return {**row, "test": None, "statistic": nan, "df1": nan, "p": nan,
                "effect_size": nan, "min_expected": nan, "sparse_cells": 0, "chisq_p": nan,
                "fisher_p": nan,
                "note": "a single category: nothing to compare"}
    expected = np.outer(tab.sum(axis=1), tab.sum(axis=0)) / n
    chi2 = float(((tab - expected) ** 2 / expected).sum())
    df = float((r - 1) * (c - 1))
    chisq_p = float(stats.chi2.sf(chi2, df))
    v = math.sqrt(chi2 / (n * (min(r, c) - 1)))
    min_e = float(expected.min())
    sparse = int((expected < 5).sum())
    fisher_p = nan
    if (r, c) == (2, 2) or sparse:
        fisher_p = fisher_exact_rxc(tab, fisher_max)
    if sparse and np.isfinite(fisher_p):
        test = "Fisher's exact" if (r, c) == (2, 2) else "Fisher's exact (r x c)"
        p = fisher_p
        note = f"{sparse} of {r * c} expected counts below 5"
    else:
        test, p = "Pearson chi-square", chisq_p
        note = (f"{sparse} of {r * c} expected counts below 5 and the table is too large "
                "for the exact test: chi-square is approximate") if sparse else ""
    return {**row, "test": test, "statistic": chi2, "df1": df, "p": float(p),
            "effect_size": v, "min_expected": min_e, "sparse_cells": sparse, "chisq_p": chisq_p,
            "fisher_p": fisher_p, "note": note}


@quiet_numpy
def baseline_equivalence(data: pd.DataFrame, between: str, variables: Sequence[str], *,
                         categorical: Sequence[str] = (), welch: bool = True,
                         confidence: float = 0.95,
                         fisher_max_tables: int = 2_000_000) -> BaselineEquivalenceResult:
    """Compare two or more groups on baseline variables, one row per variable.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per person (e.g. the pre wave).
    between : str
        Group column.
    variables : sequence of str
        Columns to compare. Numeric columns are compared as numbers, others
        (text, categorical, boolean) as categories.
    categorical : sequence of str
        Numeric columns to treat as categories (e.g. gender coded 1/2).
    welch : bool
        Welch's t (two groups) / Welch's ANOVA (more) (default), else Student's t /
        the classic one-way ANOVA.
    confidence : float
        Coverage of the Hedges' g interval.
    fisher_max_tables : int
        Largest number of tables the exact r x c test may enumerate.

    Returns
    -------
    BaselineEquivalenceResult

    Notes
    -----
    Each variable uses the people with a value and a group (``n_missing``
    counts the others). Numeric, two groups: R ``t.test(x2, x1, var.equal =
    FALSE)`` (or ``TRUE``) and Hedges' g ``= (M2 - M1) / SD_pooled * J`` with the
    exact ``J`` and a noncentral-t interval (``effectsize::hedges_g(x2, x1)``);
    ``1``/``2`` are the first and second group in order. Numeric, three or more
    groups: ``oneway.test(var.equal = FALSE)`` (or the classic F) and eta squared
    ``SS_between / SS_total`` of the one-way ANOVA. Categorical: the group x
    category table; Pearson's chi-square without continuity correction
    (``chisq.test(correct = FALSE)``) and Cramér's V ``= sqrt(X^2 / (n (min(r, c)
    - 1)))`` (``effectsize::cramers_v(adjust = FALSE)``). When an expected count
    is below 5 the reported p is Fisher's exact test instead (``fisher.test``;
    tables larger than 2 x 2 by full enumeration, same two-sided rule as R's
    network algorithm); ``chisq_p`` and ``fisher_p`` keep both.

    References
    ----------
    Welch, B. L. (1951). On the comparison of several mean values: An alternative
    approach. *Biometrika, 38*(3/4), 330-336.

    Hedges, L. V., & Olkin, I. (1985). *Statistical methods for meta-analysis*. Academic Press.

    Cramér, H. (1946). *Mathematical methods of statistics*. Princeton University Press.

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup.analysis import baseline_equivalence
    >>> df = pd.DataFrame({"group": ["c"] * 6 + ["t"] * 6,
    ...                    "pre": [3.1, 2.8, 3.5, 3.9, 3.0, 3.3, 3.2, 2.9, 3.6, 3.8, 3.1, 3.4],
    ...                    "gender": ["f", "m", "f", "f", "m", "f", "m", "m", "f", "m", "f", "m"]})
    >>> res = baseline_equivalence(df, "group", ["pre", "gender"])
    >>> list(res.table["test"]), list(res.table["effect"])
    (['Welch t', "Fisher's exact"], ['hedges_g', 'cramers_v'])
    """
    if isinstance(variables, str):
        variables = [variables]
    variables = list(variables)
    if not variables:
        raise ValueError("variables must name at least one column")
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie between 0 and 1")
    check_columns(data, {"between": between, **{f"variables[{i}]": v
                                                for i, v in enumerate(variables)}})
    unknown = [c for c in categorical if c not in variables]
    if unknown:
        raise ValueError(f"categorical names columns not in variables: {unknown}")
    if between in variables:
        raise ValueError(f"between={between!r} cannot also be a variable")
    levels_all = group_levels(data[between])
    if len(levels_all) < 2:
        raise DataError(f"between={between!r} has {len(levels_all)} group(s); baseline "
                        "equivalence needs two or more")
    rows, desc = [], []
    for var in variables:
        col = data[var]
        ok = (col.notna() & data[between].notna()).to_numpy()
        sub = data.loc[ok, [between, var]]
        levels = [lv for lv in levels_all if (sub[between] == lv).any()]
        code = sub[between].map({lv: i for i, lv in enumerate(levels)}).to_numpy(dtype=int)
        numeric = (pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
                   and var not in categorical)
        if len(levels) < 2:
            raise DataError(f"{var!r} is observed in {len(levels)} group(s) only; baseline "
                            "equivalence needs two or more")
        if numeric:
            x = sub[var].to_numpy(dtype=float)
            res = _numeric_row(var, x, code, levels, welch, confidence)
            res["min_expected"] = res["chisq_p"] = res["fisher_p"] = float("nan")
            res["sparse_cells"] = 0
            for i, lv in enumerate(levels):
                xs = x[code == i]
                desc.append({"variable": var, "group": lv, "category": None, "n": xs.size,
                             "mean": float(xs.mean()),
                             "sd": float(xs.std(ddof=1)) if xs.size > 1 else float("nan"),
                             "count": np.nan, "percent": np.nan})
        else:
            cats = group_levels(sub[var])
            ccode = sub[var].map({c: j for j, c in enumerate(cats)}).to_numpy(dtype=int)
            tab = np.zeros((len(levels), len(cats)), dtype=np.int64)
            np.add.at(tab, (code, ccode), 1)
            res = _categorical_row(var, tab, fisher_max_tables)
            for i, lv in enumerate(levels):
                for j, cat in enumerate(cats):
                    desc.append({"variable": var, "group": lv, "category": cat,
                                 "n": int(tab[i].sum()), "mean": np.nan, "sd": np.nan,
                                 "count": int(tab[i, j]),
                                 "percent": 100 * tab[i, j] / tab[i].sum()})
        if len(levels) < len(levels_all):
            missing = [str(lv) for lv in levels_all if lv not in levels]
            res["note"] = "; ".join(filter(None, [res["note"], "no values in group(s) "
                                                  + ", ".join(missing)]))
        res["variable"] = var
        res["n_missing"] = int((~ok).sum())
        rows.append(res)
    table = pd.DataFrame(rows)[_COLUMNS].set_index("variable")
    return BaselineEquivalenceResult(table=table, descriptives=pd.DataFrame(desc),
                                     between=between, levels=tuple(levels_all))

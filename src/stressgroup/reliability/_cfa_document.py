"""The CFA result described as a document: fit, loadings with AVE/CR, discriminant validity."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..core.document import Column, Document, Note, Table

if TYPE_CHECKING:  # pragma: no cover
    from ._cfa import CFAResult

__all__ = ["cfa_document"]

CUTOFFS = {"en": "Conventional cut-offs (rules of thumb, not tests): chi-square/df < 3, "
                 "CFI and TLI > .90, RMSEA < .08, SRMR < .08.",
           "zh": "常用判断标准（经验规则，并非检验）：χ²/df < 3，CFI 与 TLI > 0.90，"
                 "RMSEA < 0.08，SRMR < 0.08。"}


def _factor_name(res: "CFAResult", f: str, instrument):
    if instrument is None:
        return f
    try:
        s = instrument.subscale(f)
    except (KeyError, ValueError, AttributeError):
        return f
    return {"en": s.label("en"), "zh": s.label("zh")}


def _estimator_note(res: "CFAResult") -> dict:
    fiml = res.missing == "fiml"
    if res.n_dropped:
        how_en = ("no answer to any item" if fiml
                  else "missing answers, listwise deletion")
        how_zh = "全部题项未作答" if fiml else "含缺失值，成列删除"
        drop_en = f" {res.n_dropped} of {res.n_rows} rows dropped ({how_en})."
        drop_zh = f"{res.n_rows} 条记录中剔除 {res.n_dropped} 条（{how_zh}）。"
    else:
        drop_en = drop_zh = ""
    est_en = "Full-information maximum likelihood" if fiml else "Maximum likelihood"
    est_zh = "全信息极大似然估计" if fiml else "极大似然估计"
    return {"en": f"{est_en} (lavaan defaults), n = {res.n}.{drop_en}",
            "zh": f"{est_zh}（lavaan 默认设置），n = {res.n}。{drop_zh}"}


def _problem_notes(res: "CFAResult") -> list[dict]:
    """Bilingual notes on Heywood cases, negative loadings and an improper factor
    covariance matrix (the same checks as the warnings)."""
    import numpy as np

    par = res.parameters
    items = {i for its in res.factors.values() for i in its}
    out = []
    neg = par[(par["op"] == "~~") & (par["lhs"] == par["rhs"]) & par["lhs"].isin(items)
              & (par["est"] < 0)]["lhs"].tolist()
    lo = par[par["op"] == "=~"]
    big = [f"{r.rhs} ({r.lhs})" for r in lo[lo["std_all"].abs() > 1].itertuples()]
    if neg or big:
        en = ["Heywood case:"]
        zh = ["Heywood 现象："]
        if neg:
            en.append(f"negative residual variance of {', '.join(neg)};")
            zh.append(f"{'、'.join(neg)} 的残差方差为负；")
        if big:
            en.append(f"standardised loading above 1 for {', '.join(big)};")
            zh.append(f"{'、'.join(big)} 的标准化载荷大于 1；")
        en.append("the solution is improper for these items.")
        zh.append("这些题项的解不恰当。")
        out.append({"en": " ".join(en), "zh": "".join(zh)})
    negl = [f"{r.rhs} ({r.lhs})" for r in lo[lo["std_all"] < 0].itertuples()]
    if negl:
        out.append({"en": f"Negative standardised loading: {', '.join(negl)} (check the "
                          "item's keying).",
                    "zh": f"标准化载荷为负：{'、'.join(negl)}（请检查反向计分）。"})
    if len(res.factors) > 1 and np.linalg.eigvalsh(res.factor_correlations.to_numpy())[0] <= 0:
        out.append({"en": "The factor correlation matrix is not positive definite (a "
                          "correlation at or beyond 1): the factors are not distinct here.",
                    "zh": "因子相关矩阵非正定（存在绝对值不小于 1 的相关）：各因子在本样本中"
                          "区分不开。"})
    return out


def fit_table(res: "CFAResult") -> Table:
    row = {"n": res.n, "chisq": res.chisq, "df": res.df, "p": res.p, "chisq_df": res.chisq_df,
           "cfi": res.cfi, "tli": res.tli, "rmsea": res.rmsea, "rmsea_ci": tuple(res.rmsea_ci),
           "srmr": res.srmr, "aic": res.aic, "bic": res.bic}
    notes = [Note(_estimator_note(res)), Note(CUTOFFS)]
    notes += [Note(n) for n in _problem_notes(res)]
    return Table(
        key="cfa_fit",
        title={"en": "Confirmatory factor analysis: model fit", "zh": "验证性因子分析：模型拟合指标"},
        columns=(Column("n", "n", "count"),
                 Column("chisq", "χ²", "statistic", df="df", symbol="χ²"),
                 Column("df", "df", "df"),
                 Column("p", "p", "p"),
                 Column("chisq_df", "χ²/df", "number"),
                 Column("cfi", "CFI", "proportion"),
                 Column("tli", "TLI", "number"),
                 Column("rmsea", "RMSEA", "proportion", digits=3),
                 Column("rmsea_ci", {"en": "RMSEA 90% CI", "zh": "RMSEA 90% 置信区间"}, "ci",
                        digits=3),
                 Column("srmr", "SRMR", "proportion", digits=3),
                 Column("aic", "AIC", "number"),
                 Column("bic", "BIC", "number")),
        rows=(row,), notes=tuple(notes))


def loadings_table(res: "CFAResult", instrument=None) -> Table:
    rows = []
    lo = res.loadings
    for f, items in res.factors.items():
        group = _factor_name(res, f, instrument)
        for k, it in enumerate(items):
            r = lo.loc[(f, it)]
            rows.append({"_group": group, "item": it, "est": r["est"],
                         "se": r["se"] if r["se"] > 0 else None, "std_all": r["std_all"],
                         "std_se": r["std_se"], "p": r["std_p"],
                         "ave": res.ave[f] if k == 0 else None,
                         "cr": res.cr[f] if k == 0 else None})
    return Table(
        key="cfa_loadings",
        title={"en": "Standardised factor loadings, AVE and composite reliability",
               "zh": "标准化因子载荷、平均方差抽取量（AVE）与组合信度（CR）"},
        columns=(Column("item", {"en": "Item", "zh": "题项"}, "text"),
                 Column("est", {"en": "Unstandardised", "zh": "非标准化载荷"}, "number"),
                 Column("se", "SE", "number", digits=3),
                 Column("std_all", {"en": "Standardised", "zh": "标准化载荷"}, "loading",
                        stars="p"),
                 Column("std_se", {"en": "SE (std.)", "zh": "标准误（标准化）"}, "number",
                        digits=3),
                 Column("p", "p", "p"),
                 Column("ave", "AVE", "proportion"),
                 Column("cr", "CR", "reliability")),
        rows=tuple(rows),
        notes=(Note({"en": "The first item of each factor is its marker (unstandardised "
                           "loading fixed to 1, no SE). Standardised loadings: lavaan std.all "
                           "with delta-method SEs. AVE and CR as semTools (AVE, compRelSEM); "
                           "conventions: AVE > .50, CR > .70.",
                     "zh": "各因子的第一个题项为参照指标（非标准化载荷固定为 1，无标准误）。"
                           "标准化载荷为 lavaan std.all，标准误由 delta 法求得。AVE 与 CR 按 "
                           "semTools（AVE、compRelSEM）计算；常用标准：AVE > 0.50，CR > 0.70。"}),))


def discriminant_table(res: "CFAResult", instrument=None) -> Table:
    names = list(res.factors)
    fl = res.discriminant
    cols = [Column("factor", {"en": "Factor", "zh": "因子"}, "text")]
    cols += [Column(f"f{j}", _factor_name(res, f, instrument), "correlation")
             for j, f in enumerate(names)]
    rows = []
    for i, f in enumerate(names):
        row = {"factor": _factor_name(res, f, instrument)}
        for j in range(len(names)):
            v = fl.iloc[i, j]
            row[f"f{j}"] = None if (v is None or (isinstance(v, float) and math.isnan(v))) \
                else float(v)
        rows.append(row)
    return Table(
        key="cfa_discriminant",
        title={"en": "Discriminant validity (Fornell-Larcker criterion)",
               "zh": "区分效度（Fornell-Larcker 准则）"},
        columns=tuple(cols), rows=tuple(rows),
        notes=(Note({"en": "Diagonal: square root of AVE; below it: factor correlations. "
                           "The criterion holds when each diagonal value exceeds the "
                           "correlations in its row and column.",
                     "zh": "对角线为 AVE 的平方根，其下为因子间相关系数。对角线数值大于所在行、"
                           "列的相关系数即满足该准则。"}),))


def htmt_table(res: "CFAResult", instrument=None) -> Table:
    names = list(res.factors)
    cols = [Column("factor", {"en": "Factor", "zh": "因子"}, "text")]
    cols += [Column(f"f{j}", _factor_name(res, f, instrument), "number")
             for j, f in enumerate(names)]
    rows = []
    for i, f in enumerate(names):
        row = {"factor": _factor_name(res, f, instrument)}
        for j in range(len(names)):
            row[f"f{j}"] = float(res.htmt.iloc[i, j]) if j < i else None
        rows.append(row)
    how = {"geometric": ("geometric means (HTMT2, semTools' default)", "几何平均（HTMT2，semTools 默认）"),
           "arithmetic": ("arithmetic means (Henseler et al., 2015)", "算术平均（Henseler 等，2015）")}
    en, zh = how[res.htmt_method]
    return Table(
        key="cfa_htmt",
        title={"en": "Heterotrait-monotrait ratios (HTMT)", "zh": "异质-单质比率（HTMT）"},
        columns=tuple(cols), rows=tuple(rows),
        notes=(Note({"en": f"HTMT from the absolute item correlations, {en}. Convention: "
                           "below .85 (or .90) supports discriminant validity.",
                     "zh": f"HTMT 由题项相关系数的绝对值计算，{zh}。常用标准：小于 0.85"
                           "（或 0.90）支持区分效度。"}),))


def cfa_document(res: "CFAResult", instrument=None) -> Document:
    """Fit table, loadings with AVE/CR, Fornell-Larcker table and HTMT table."""
    title = {"en": "Confirmatory factor analysis", "zh": "验证性因子分析"}
    blocks = [fit_table(res), loadings_table(res, instrument)]
    if len(res.factors) > 1:
        blocks += [discriminant_table(res, instrument), htmt_table(res, instrument)]
    return Document(title, tuple(blocks))

"""Number formatting (APA and Chinese-journal conventions) and text tables."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis import Evaluation

__all__ = ["fmt_num", "fmt_p", "format_evaluation", "format_evaluation_html",
           "evaluation_blocks", "text_table"]

_LABELS = {
    "en": {
        "title": "Pre/post comparison (change = post - pre; higher scores = {dir} {hi})",
        "group": "Group", "all": "All participants", "subscale": "Subscale", "n": "n",
        "pre": "Pre M (SD)", "post": "Post M (SD)", "diff": "Diff [95% CI]",
        "t": "t(df)", "p": "p", "dz": "dz [95% CI]", "gz": "g_z", "dav": "d_av",
        "V": "V", "pW": "p (W)", "rrb": "r_rb", "alpha": "alpha", "omega": "omega",
        "worse": "more", "better": "more", "rc": "Reliable change on the {sub} (|RCI| > "
        "{crit:g}; SD_pre = {sd}, r_xx = {r}): improved {imp}, unchanged {unc}, "
        "deteriorated {det}",
        "counts": "n pre = {pre}, post = {post}, paired = {paired}",
        "effects": "Effect sizes, Wilcoxon signed-rank test and reliability at pre",
        "tests": "Paired t tests",
        "excluded": "Excluded from the pairs",
        "note": ("Note. p_{corr}: {corr_name}-adjusted over the {k} subscales; the total is "
                 "the primary outcome and is not adjusted. dz = mean change / SD of change "
                 "(95% CI from the noncentral t); g_z = dz x J; d_av = mean change / mean "
                 "of pre and post SDs. V: Wilcoxon signed-rank statistic (sum of ranks of "
                 "positive changes; e = exact, n = normal approximation). alpha, omega: "
                 "Cronbach's alpha and McDonald's omega total at pre."),
        "corr": {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg", "none": "un"},
    },
    "zh": {
        "title": "前后测比较（变化 = 后测 - 前测；{hi}）",
        "group": "组别", "all": "全体参与者", "subscale": "维度", "n": "n",
        "pre": "前测 M (SD)", "post": "后测 M (SD)", "diff": "差值 [95% CI]",
        "t": "t(df)", "p": "p", "dz": "dz [95% CI]", "gz": "g_z", "dav": "d_av",
        "V": "V", "pW": "p (W)", "rrb": "r_rb", "alpha": "α", "omega": "ω",
        "rc": "可靠变化（{sub}；|RCI| > {crit:g}；SD_pre = {sd}，r_xx = {r}）：改善 {imp} 人，"
        "无可靠变化 {unc} 人，恶化 {det} 人",
        "counts": "前测 n = {pre}，后测 n = {post}，配对 n = {paired}",
        "effects": "效应量、Wilcoxon 符号秩检验与前测信度",
        "tests": "配对样本 t 检验",
        "excluded": "未纳入配对分析",
        "note": ("注：p_{corr} 为 {k} 个维度内的 {corr_name} 校正 p 值；总分为主要结局，不作校正。"
                 "dz = 平均变化 / 变化的标准差（95% CI 基于非中心 t 分布）；g_z = dz × J；"
                 "d_av = 平均变化 / 前后测标准差均值。V 为 Wilcoxon 符号秩统计量（正变化的秩和；"
                 "e = 精确法，n = 正态近似）。α、ω 为前测的 Cronbach α 与 McDonald ω。"),
        "corr": {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg", "none": "未"},
    },
}


def fmt_num(x: float, digits: int = 2, *, leading_zero: bool = True) -> str:
    """Format a number for a table (``—`` for missing).

    Examples
    --------
    >>> fmt_num(0.456), fmt_num(-0.456, leading_zero=False), fmt_num(float("nan"))
    ('0.46', '-.46', '—')
    """
    if x is None or not math.isfinite(x):
        return "—"
    s = f"{x:.{digits}f}"
    if s.startswith("-") and float(s) == 0:
        s = s[1:]
    if not leading_zero:
        s = s.replace("0.", ".", 1) if s.lstrip("-").startswith("0.") else s
    return s


def fmt_p(p: float, *, leading_zero: bool = False, digits: int = 3) -> str:
    """Format a p value: ``< .001`` below 0.001, else three decimals.

    APA style drops the leading zero; Chinese journals keep it.

    Examples
    --------
    >>> fmt_p(0.0234), fmt_p(0.00002), fmt_p(0.0234, leading_zero=True)
    ('.023', '< .001', '0.023')
    """
    if p is None or not math.isfinite(p):
        return "—"
    floor = 10.0 ** -digits
    if p < floor:
        return "< " + fmt_num(floor, digits, leading_zero=leading_zero)
    return fmt_num(p, digits, leading_zero=leading_zero)


def text_table(header: list[str], rows: list[list[str]], *, align: "str | None" = None
               ) -> str:
    """A plain three-line table (top rule, header rule, bottom rule)."""
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    cols = len(header)
    align = align or ("l" + "r" * (cols - 1))
    w = [max(width(r[j]) for r in [header] + rows) for j in range(cols)]

    def line(r: list[str]) -> str:
        cells = []
        for j, c in enumerate(r):
            pad = " " * (w[j] - width(c))
            cells.append(c + pad if align[j] == "l" else pad + c)
        return "  ".join(cells).rstrip()

    rule = "─" * (sum(w) + 2 * (cols - 1))
    return "\n".join([rule, line(header), rule, *map(line, rows), rule])


def evaluation_blocks(ev: "Evaluation", lang: str = "en") -> list[tuple]:
    """The evaluation as renderer-neutral blocks: ``("title", text)``,
    ``("heading", text)``, ``("caption", text)``, ``("table", header, rows)`` and
    ``("text", text)``. The text and HTML renderers share it."""
    if lang not in _LABELS:
        raise ValueError(f"lang must be 'en' or 'zh', not {lang!r}")
    L = _LABELS[lang]
    lz = lang == "zh"  # Chinese journals keep the leading zero of p
    inst = ev.instrument_obj
    name = inst.label(lang) if inst is not None else ev.instrument
    hi = ("higher scores = more stress/symptoms" if ev.higher_is == "worse"
          else "higher scores = better") if lang == "en" else (
          "分数越高表示压力/症状越重" if ev.higher_is == "worse" else "分数越高表示状况越好")
    title = (f"{name}: pre/post comparison (change = post - pre; {hi})" if lang == "en"
             else f"{name}：前后测比较（变化 = 后测 - 前测；{hi}）")
    blocks: list[tuple] = [("title", title)]
    corr = ev.correction
    p_head = "p_adj" if corr == "none" else f"p_{'holm' if corr == 'holm' else 'BH'}"
    for lab, g in ev.groups.items():
        sep = ": " if lang == "en" else "："
        head = (f"{L['group']}{sep}{lab}" if lab is not None else L["all"])
        blocks.append(("heading", f"{head} ({L['counts'].format(**g.n)})" if lang == "en"
                       else f"{head}（{L['counts'].format(**g.n)}）"))
        rows_a, rows_b = [], []
        for sid, r in g.tests.items():
            sub = inst.subscale(sid).label(lang) if inst is not None else sid
            t = f"t({r.df:g}) = {fmt_num(r.t)}" if math.isfinite(r.t) else "—"
            rows_a.append([sub, str(r.n),
                           f"{fmt_num(r.pre_mean)} ({fmt_num(r.pre_sd)})",
                           f"{fmt_num(r.post_mean)} ({fmt_num(r.post_sd)})",
                           f"{fmt_num(r.mean_diff)} [{fmt_num(r.ci_low)}, {fmt_num(r.ci_high)}]",
                           t, fmt_p(r.p, leading_zero=lz),
                           fmt_p(g.p_adj[sid], leading_zero=lz)])
            m = "e" if r.wilcoxon_method == "exact" else "n"
            rows_b.append([sub,
                           f"{fmt_num(r.dz)} [{fmt_num(r.dz_ci[0])}, {fmt_num(r.dz_ci[1])}]",
                           fmt_num(r.g_z), fmt_num(r.d_av),
                           f"{r.wilcoxon_V:g}{m}", fmt_p(r.wilcoxon_p, leading_zero=lz),
                           fmt_num(r.rank_biserial),
                           fmt_num(g.alpha_pre[sid], leading_zero=lz),
                           fmt_num(g.omega_pre[sid], leading_zero=lz)])
        blocks.append(("caption", L["tests"]))
        blocks.append(("table", [L["subscale"], "n", L["pre"], L["post"], L["diff"], L["t"],
                                 "p", p_head], rows_a))
        blocks.append(("caption", L["effects"]))
        blocks.append(("table", [L["subscale"], L["dz"], L["gz"], L["dav"], L["V"], L["pW"],
                                 L["rrb"], L["alpha"], L["omega"]], rows_b))
        rc = g.reliable_change
        if rc is not None:
            sub = inst.subscale(g.rc_subscale).label(lang) if inst is not None else g.rc_subscale
            blocks.append(("text", L["rc"].format(
                sub=sub, crit=rc.criterion, sd=fmt_num(rc.sd_pre, 3), r=fmt_num(rc.r_xx, 3),
                imp=rc.improved, unc=rc.unchanged, det=rc.deteriorated)))
        if g.excluded:
            items = "; ".join(f"{e['id']}: {e['reason']}" for e in g.excluded)
            blocks.append(("text", f"{L['excluded']}{': ' if lang == 'en' else '：'}{items}"))
    k = len(inst.subscales) if inst is not None else "the"
    blocks.append(("note", L["note"].format(corr=p_head[2:], corr_name=L["corr"][corr], k=k)))
    if ev.excluded:
        blocks.append(("text", "; ".join(f"{e['id']}: {e['reason']}" for e in ev.excluded)))
    return blocks


def format_evaluation(ev: "Evaluation", lang: str = "en") -> str:
    """Render an :class:`~stressgroup.Evaluation` as APA-style text tables."""
    out: list[str] = []
    for block in evaluation_blocks(ev, lang):
        kind = block[0]
        after_table = bool(out) and out[-1].startswith("─")
        if kind in ("heading", "caption", "note") or (kind == "text" and after_table):
            out.append("")
        out.append(text_table(block[1], block[2]) if kind == "table" else block[1])
    return "\n".join(out)


def format_evaluation_html(ev: "Evaluation", lang: str = "en") -> str:
    """The same tables as :func:`format_evaluation`, as HTML three-line tables (Jupyter)."""
    import html

    e = html.escape
    css = ("border-collapse:collapse;border-top:2px solid #000;border-bottom:2px solid #000;"
           "margin:4px 0 10px 0")
    parts = []
    for block in evaluation_blocks(ev, lang):
        kind = block[0]
        if kind == "title":
            parts.append(f"<p><strong>{e(block[1])}</strong></p>")
        elif kind == "heading":
            parts.append(f"<p style='margin-top:12px'><strong>{e(block[1])}</strong></p>")
        elif kind == "caption":
            parts.append(f"<p style='margin:2px 0'><em>{e(block[1])}</em></p>")
        elif kind == "table":
            head = "".join(f"<th style='border-bottom:1px solid #000;padding:2px 8px;"
                           f"text-align:{'left' if j == 0 else 'right'}'>{e(h)}</th>"
                           for j, h in enumerate(block[1]))
            body = "".join(
                "<tr>" + "".join(f"<td style='padding:2px 8px;text-align:"
                                 f"{'left' if j == 0 else 'right'};white-space:nowrap'>"
                                 f"{e(c)}</td>" for j, c in enumerate(row)) + "</tr>"
                for row in block[2])
            parts.append(f"<table style='{css}'><thead><tr>{head}</tr></thead>"
                         f"<tbody>{body}</tbody></table>")
        else:
            style = "font-size:90%;color:#444" if kind == "note" else ""
            parts.append(f"<p style='{style}'>{e(block[1])}</p>")
    return "<div>" + "".join(parts) + "</div>"

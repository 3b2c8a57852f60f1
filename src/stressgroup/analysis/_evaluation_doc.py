"""The pre/post evaluation described as a document: tables, figures and the methods note."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..core.document import Column, Document, Figure, Heading, Note, Paragraph, Table
from ..report import label

if TYPE_CHECKING:  # pragma: no cover
    from ._evaluate import Evaluation, GroupEvaluation

__all__ = ["evaluation_document", "group_blocks"]


def _bilingual(obj) -> dict:
    """An instrument, subscale or None as {"en": ..., "zh": ...}."""
    return {"en": obj.label("en"), "zh": obj.label("zh")}


def _sub_label(inst, sid: str):
    return _bilingual(inst.subscale(sid)) if inst is not None else sid


def _who(lab) -> object:
    return label("eval.who", group=str(lab)) if lab is not None else ""


_CORR_HEAD = {"holm": "p_holm", "fdr_bh": "p_BH", "none": "p_adj"}


def _tests_table(g: "GroupEvaluation", inst, correction: str) -> Table:
    rows = []
    for sid, r in g.tests.items():
        rows.append({"scale": _sub_label(inst, sid), "n": r.n,
                     "pre": (r.pre_mean, r.pre_sd), "post": (r.post_mean, r.post_sd),
                     "diff": (r.mean_diff, r.ci_low, r.ci_high), "t": r.t, "df": r.df,
                     "p": r.p, "p_adj": g.p_adj[sid]})
    k = len(inst.subscales) if inst is not None else len(rows) - 1
    p_head = _CORR_HEAD[correction]
    return Table(
        key=f"paired_{g.label}" if g.label is not None else "paired",
        title=label("eval.tests", who=_who(g.label)),
        columns=(Column("scale", label("col.subscale"), "text"),
                 Column("n", label("col.n"), "count"),
                 Column("pre", label("col.pre"), "mean_sd"),
                 Column("post", label("col.post"), "mean_sd"),
                 Column("diff", label("col.diff_ci"), "estimate_ci"),
                 Column("t", label("col.t"), "statistic", stars="p", df="df", symbol="t"),
                 Column("df", label("col.df"), "df"),
                 Column("p", label("col.p"), "p"),
                 Column("p_adj", p_head, "p_adj")),
        rows=rows,
        notes=(Note(label("eval.note_tests", corr=p_head[2:], k=k,
                          corr_name=label(f"eval.corr.{correction}"))), *_absent_notes(g, inst)))


def _absent_notes(g: "GroupEvaluation", inst) -> list:
    """One note per scale with structurally absent items: incomplete, or not scored."""
    out = []
    for sid, items in getattr(g, "absent_items", {}).items():
        names = ", ".join(items)
        if sid in g.incomplete:
            k = len(inst.subscale(sid).items) if inst is not None else len(items)
            out.append(Note(label("eval.note_incomplete", sub=_sub_label(inst, sid),
                                  n=k - len(items), k=k, items=names)))
        else:
            out.append(Note(label("eval.note_absent", sub=_sub_label(inst, sid),
                                  items=names)))
    return out


def _effects_table(g: "GroupEvaluation", inst) -> Table:
    rows = []
    for sid, r in g.tests.items():
        rows.append({"scale": _sub_label(inst, sid), "dz": (r.dz, *r.dz_ci), "g_z": r.g_z,
                     "d_av": r.d_av, "V": r.wilcoxon_V,
                     "method": {"exact": "e", "normal": "n"}.get(r.wilcoxon_method,
                                                                 r.wilcoxon_method),
                     "p_w": r.wilcoxon_p, "r_rb": r.rank_biserial,
                     "alpha": g.alpha_pre[sid], "omega": g.omega_pre[sid]})
    return Table(
        key=f"effects_{g.label}" if g.label is not None else "effects",
        title=label("eval.effects", who=_who(g.label)),
        columns=(Column("scale", label("col.subscale"), "text"),
                 Column("dz", label("col.dz_ci"), "estimate_ci"),
                 Column("g_z", label("col.g_z"), "effect"),
                 Column("d_av", label("col.d_av"), "effect"),
                 Column("V", label("col.V"), "statistic", digits=1),
                 Column("method", label("col.method"), "text"),
                 Column("p_w", label("col.p_w"), "p"),
                 Column("r_rb", label("col.r_rb"), "proportion"),
                 Column("alpha", label("col.alpha"), "reliability"),
                 Column("omega", label("col.omega"), "reliability")),
        rows=rows, notes=(Note(label("eval.note_effects")),))


def group_blocks(g: "GroupEvaluation", inst, correction: str) -> list:
    """Heading, the two tables, reliable change and exclusions of one group."""
    head = label("eval.group", group=str(g.label)) if g.label is not None else label("eval.all")
    blocks: list = [Heading(label("eval.heading", head=head,
                                  counts=label("eval.counts", **g.n)))]
    blocks += [Paragraph(n["message"], style="warning") for n in g.notes]
    blocks += [_tests_table(g, inst, correction), _effects_table(g, inst)]
    rc = g.reliable_change
    if rc is not None:
        blocks.append(Paragraph(
            label("eval.rc", sub=_sub_label(inst, g.rc_subscale), crit=f"{rc.criterion:g}",
                  imp=rc.improved, unc=rc.unchanged, det=rc.deteriorated),
            values={"sd": (rc.sd_pre, "number", 3), "r": (rc.r_xx, "reliability", 3)}))
    blocks += excluded_paragraphs(g.excluded, "eval.excluded")
    return blocks


#: Exclusions listed one by one under a table; beyond this they are counted by reason
#: (a screened province can leave thousands out; each is in the JSON result).
MAX_LISTED = 30


def excluded_paragraphs(excluded: list, key: str) -> list:
    """The people or rows left out: one by one up to :data:`MAX_LISTED`, else the first
    ten and the count per reason."""
    if not excluded:
        return []
    if len(excluded) <= MAX_LISTED:
        listed = "; ".join(f"{e['id']}: {e['reason']}" for e in excluded)
        return [Paragraph(label(key, items=listed), style="note")]
    shown = 10
    listed = "; ".join(f"{e['id']}: {e['reason']}" for e in excluded[:shown])
    counts: dict = {}
    for e in excluded:
        counts[e["reason"]] = counts.get(e["reason"], 0) + 1
    more = label("eval.excluded_more", shown=listed, n=f"{len(excluded) - shown:,}")
    why = "; ".join(f"{r}: {c:,}" for r, c in sorted(counts.items(), key=lambda rc: -rc[1]))
    return [Paragraph(label(key, items=more), style="note"),
            Paragraph(label("eval.excluded_counts", n=f"{len(excluded):,}", items=why),
                      style="note")]


def _people_table(ev: "Evaluation") -> Table:
    """People per wave and group, with the number left out of the pairs."""
    rows = []
    for lab, g in ev.groups.items():
        left = len({e["id"] for e in g.excluded if "subscale" not in e})
        rows.append({"group": str(lab) if lab is not None else label("eval.all"),
                     "pre": g.n["pre"], "post": g.n["post"], "paired": g.n["paired"],
                     "left": left})
    return Table(
        key="people", title=label("load.people"),
        columns=(Column("group", label("col.group"), "text"),
                 Column("pre", label("wave.pre"), "count"),
                 Column("post", label("wave.post"), "count"),
                 Column("paired", label("col.paired"), "count"),
                 Column("left", label("col.left_out"), "count")),
        rows=rows, notes=(Note(label("eval.people_note")),))


def _ci(x: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    from scipy import stats

    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return (math.nan, math.nan, math.nan)
    m = float(x.mean())
    if n < 2:
        return (m, math.nan, math.nan)
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return (m, m - half, m + half)


def _declared_range(inst) -> "tuple[float, float] | None":
    """The common score range of the scales when every scale is a mean of items that share
    one declared range (the axes then show the whole scale, never only the data)."""
    if inst is None or any(s.scoring != "mean" for s in inst.scored):
        return None
    ranges = {inst.item_spec(i).score_range for s in inst.scored for i in s.items}
    return ranges.pop() if len(ranges) == 1 else None


def _figures(ev: "Evaluation") -> list:
    """Slopes per group, the forest plot of dz and the profile pre versus post."""
    inst = ev.instrument_obj
    scores = ev.scores
    gcol = ev.group_column
    figs: list = []
    forest_rows = []
    for lab, g in ev.groups.items():
        sel = scores if lab is None else scores[scores[gcol].astype(str) == str(lab)]
        wave = sel["wave"].astype(str)
        pre = sel[wave == "pre"].set_index("id")
        post = sel[wave == "post"].set_index("id")
        ids = sorted(set(pre.index) & set(post.index))
        panels, series_pre, series_post = [], [], []
        cats = []
        for sid in g.tests:
            a = pre[sid].reindex(ids).to_numpy(dtype=float)
            b = post[sid].reindex(ids).to_numpy(dtype=float)
            ok = np.isfinite(a) & np.isfinite(b)
            mp, mb = _ci(a[ok]), _ci(b[ok])
            panels.append({"title": _sub_label(inst, sid), "waves": [label("wave.pre"),
                                                                        label("wave.post")],
                           "lines": np.column_stack([a[ok], b[ok]]).tolist(),
                           "means": [mp[0], mb[0]], "ci_low": [mp[1], mb[1]],
                           "ci_high": [mp[2], mb[2]]})
            cats.append(_sub_label(inst, sid))
            series_pre.append(mp)
            series_post.append(mb)
            r = g.tests[sid]
            forest_rows.append({"label": _sub_label(inst, sid),
                                "series": str(lab) if lab is not None else None,
                                "estimate": r.dz, "low": r.dz_ci[0], "high": r.dz_ci[1]})
        key = f"_{lab}" if lab is not None else ""
        data = {"panels": panels, "y_label": label("fig.score")}
        if _declared_range(inst) is not None:
            data["y_range"] = _declared_range(inst)
        figs.append(Figure(f"slopes{key}", "slopes", label("fig.slopes", who=_who(lab)), data))
        figs.append(Figure(f"profile{key}", "profile", label("fig.profile", who=_who(lab)),
                           {"categories": cats, "y_label": label("fig.score"), "series": [
                               {"label": label("wave.pre"), "values": [m[0] for m in series_pre],
                                "low": [m[1] for m in series_pre],
                                "high": [m[2] for m in series_pre]},
                               {"label": label("wave.post"),
                                "values": [m[0] for m in series_post],
                                "low": [m[1] for m in series_post],
                                "high": [m[2] for m in series_post]}]}))
    figs.insert(0, Figure("forest", "forest", label("fig.forest"),
                          {"rows": forest_rows, "x_label": label("fig.dz"), "reference": 0.0}))
    return figs


def _methods(ev: "Evaluation") -> Paragraph:
    import numpy
    import pandas
    import scipy

    from ..core import __version__

    return Paragraph(label("eval.methods", corr_name=label(f"eval.corr.{ev.correction}"),
                           version=__version__, numpy=numpy.__version__,
                           scipy=scipy.__version__, pandas=pandas.__version__), style="note")


def evaluation_document(ev: "Evaluation", *, load: bool = True, figures: bool = True,
                        methods: bool = True) -> Document:
    """The whole evaluation as a document (see :meth:`Evaluation.to_document`)."""
    inst = ev.instrument_obj
    name = _bilingual(inst) if inst is not None else ev.instrument
    blocks: list = []
    if load and ev.load_report is not None:
        blocks += list(ev.load_report.to_document().blocks)
    if load:
        blocks.append(_people_table(ev))
    from ._sections import BEFORE_CHANGE

    def section_blocks(before: bool) -> list:
        out = []
        for key, sec in ev.sections.items():
            if (key in BEFORE_CHANGE) != before:
                continue
            if sec.result is not None:
                out += list(sec.result.to_document().blocks)
            else:
                out.append(Paragraph(label("design.skipped", name=key, reason=sec.skipped),
                                     style="note"))
        return out

    blocks += section_blocks(before=True)
    for g in ev.groups.values():
        blocks += group_blocks(g, inst, ev.correction)
    blocks += excluded_paragraphs(ev.excluded, "eval.excluded_rows")
    blocks += section_blocks(before=False)
    if figures:
        blocks += _figures(ev)
    if methods:
        blocks.append(_methods(ev))
    return Document(label("eval.title", instrument=name,
                          direction=label(f"eval.{ev.higher_is}")), blocks)

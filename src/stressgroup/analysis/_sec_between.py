"""Section ``between``: did the intervention group change more than the control group?

Per scale (subscales and total), on the people with both waves: ANCOVA of post on pre and
group (adjusted means, slope homogeneity), the group x time mixed ANOVA (with
Greenhouse-Geisser for three or more waves), Morris's d_ppc2 and Hedges' g of the change
scores with a Welch t test (two groups); the baseline equivalence of the groups (pre scores
and demographics); and, with three or more waves, a linear mixed model on every available
wave.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import pandas as pd

from ..core.document import Column, Document, Heading, Note, Table
from ..core.errors import DegenerateDataWarning
from ..core.results import jsonable
from ..core.vocab import WAVE_ORDER
from ..report import Reportable, label
from ._sections import Context, Skip

__all__ = ["BetweenResult", "run_between", "demographic_columns"]

#: Text columns with more distinct values than this are left out of the baseline table.
MAX_CATEGORIES = 12

#: Fisher's exact test of an r x c table enumerates at most this many tables in an
#: evaluation (beyond it the chi-square test is kept, with a note saying so).
FISHER_MAX_TABLES = 20_000

#: Columns that are never demographics.
_NOT_DEMOGRAPHIC = {"id", "wave", "_group"}


def demographic_columns(ctx: Context) -> list[str]:
    """Extra columns of the data (not id, wave, group or items) with 2+ distinct values."""
    items = set(ctx.instrument.item_ids)
    sub_items = {c for c in ctx.data.columns if any(str(c).startswith(f"{i}_") for i in items)}
    out = []
    for c in ctx.data.columns:
        if c in _NOT_DEMOGRAPHIC or c in items or c in sub_items or c == ctx.group_column:
            continue
        if str(c).startswith("_"):
            continue
        col = ctx.data[c]
        k = col.nunique(dropna=True)
        if k < 2 or (not pd.api.types.is_numeric_dtype(col) and k > MAX_CATEGORIES):
            continue  # constant, or free text / codes rather than categories
        out.append(c)
    return out


def _name(inst, sid):
    s = inst.subscale(sid)
    return {"en": s.label("en"), "zh": s.label("zh")}


@dataclass(frozen=True, repr=False)
class BetweenResult(Reportable):
    """Between-group comparison of change, per scale, and baseline equivalence.

    Attributes
    ----------
    scales : dict
        scale -> {"ancova": AncovaResult, "mixed_anova": MixedAnovaResult,
        "change_effects": ChangeEffectsResult or None, "lmm": LmmResult or None}
    baseline : BaselineEquivalenceResult or None
    treatment, control : str or None
    """

    scales: dict
    baseline: object = None
    treatment: "str | None" = None
    control: "str | None" = None
    instrument: object = field(default=None, compare=False)
    notes: tuple = ()

    def to_dict(self) -> dict:
        out: dict = {}
        for sid, r in self.scales.items():
            out[sid] = {k: (v.to_dict() if v is not None else None) for k, v in r.items()}
        out["baseline_equivalence"] = (self.baseline.to_dict() if self.baseline is not None
                                       else None)
        out["treatment"], out["control"] = self.treatment, self.control
        out["notes"] = list(self.notes)
        return jsonable(out)

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for sid, r in self.scales.items():
            a, m, c = r["ancova"], r["mixed_anova"], r.get("change_effects")
            rows.append({"scale": sid, "ancova_F": a.F, "ancova_p": a.p,
                         "partial_eta2": a.partial_eta2, "interaction_F": m.F,
                         "interaction_p": m.p, "ges": m.ges,
                         "d_ppc2": c.d_ppc2 if c is not None else None})
        return pd.DataFrame(rows).set_index("scale")

    def to_document(self, lang: str = "en") -> Document:
        inst = self.instrument
        rows = []
        for sid, r in self.scales.items():
            a, m, c = r["ancova"], r["mixed_anova"], r.get("change_effects")
            row = {"scale": _name(inst, sid), "F": a.F, "df1": a.df1, "df2": a.df2, "p": a.p,
                   "eta": a.partial_eta2, "slopes_p": a.slopes_p, "iF": m.F, "idf1": m.df1,
                   "idf2": m.df2, "ip": m.p, "ges": m.ges}
            if c is not None:
                row["d_ppc2"] = (c.d_ppc2, *c.d_ppc2_ci)
                row["g"] = (c.g_change, *c.g_change_ci)
                row["welch_p"] = c.welch_p
            rows.append(row)
        cols = [Column("scale", label("col.subscale"), "text"),
                Column("F", label("btw.ancova_F"), "statistic", stars="p"),
                Column("df1", "df1", "df"), Column("df2", "df2", "df"),
                Column("p", label("col.p"), "p"),
                Column("eta", label("btw.partial_eta2"), "proportion"),
                Column("slopes_p", label("btw.slopes_p"), "p"),
                Column("iF", label("btw.inter_F"), "statistic", stars="ip"),
                Column("ip", label("btw.inter_p"), "p"),
                Column("ges", label("btw.ges"), "proportion")]
        if any("d_ppc2" in r for r in rows):
            cols += [Column("d_ppc2", label("btw.d_ppc2"), "estimate_ci"),
                     Column("g", label("btw.g_change"), "estimate_ci"),
                     Column("welch_p", label("btw.welch_p"), "p")]
        pair = (label("btw.pair", treatment=self.treatment, control=self.control)
                if self.treatment is not None else "")
        summary = Table(key="between", title=label("btw.title", pair=pair), columns=cols,
                        rows=rows, notes=[Note(label("btw.note"))]
                        + [Note(n) for n in self.notes])
        blocks: list = [Heading(label("btw.heading")), summary]
        primary = getattr(inst.total, "id", None) or next(iter(self.scales))
        if primary in self.scales:  # the primary outcome's adjusted means, in full
            blocks.append(Heading(label("btw.primary", scale=_name(inst, primary)), level=2))
            blocks += [b for b in self.scales[primary]["ancova"].to_document().blocks
                       if isinstance(b, Table) and b.key in ("ancova_means", "ancova_pairs")]
        if self.baseline is not None:
            blocks += list(self.baseline.to_document().blocks)
        for sid, r in self.scales.items():
            if r.get("lmm") is not None and sid == getattr(inst.total, "id", None):
                blocks += list(r["lmm"].to_document().blocks)
        return Document(label("btw.heading"), blocks)


def _wide(ctx: Context, sid: str) -> pd.DataFrame:
    sc = ctx.scores
    w = sc["wave"].astype(str)
    wide = (sc.assign(_w=w).pivot_table(index=["id", "_group"], columns="_w", values=sid,
                                        aggfunc="first", observed=True)
            .reset_index().rename(columns={"_group": "group"}))
    return wide


def run_between(ctx: Context) -> BetweenResult:
    if ctx.group_column is None:
        raise Skip("the data have no group column (--group COL)")
    usable = [lab for lab in ctx.labels if ctx.groups[lab].n["paired"] >= 2]
    if len(usable) < 2:
        raise Skip("fewer than two groups with two or more people at both waves")
    from ._ancova import ancova
    from ._between_effects import change_effect_sizes
    from ._equivalence import baseline_equivalence
    from ._mixed import lmm, mixed_anova

    control = ctx.control if ctx.control in usable else None
    two = len(usable) == 2
    treatment = next((lab for lab in usable if lab != control), None) if two and control \
        else None
    notes = []
    if two and control is None:
        notes.append({"en": "No control group was named (--control LABEL): the difference in "
                            "change (d_ppc2) is left out.",
                      "zh": "未指定对照组（--control LABEL），未计算变化量差异效应量 d_ppc2。"})
    scales = {}
    waves = [w for w in WAVE_ORDER if w in ctx.waves]  # unknown wave labels stay out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        for sub in ctx.instrument.scored:
            sid = sub.id
            wide = _wide(ctx, sid)
            wide = wide[wide["group"].isin(usable)]
            pp = wide.dropna(subset=[ctx.pre, ctx.post])
            res: dict = {"ancova": ancova(pp, ctx.post, ctx.pre, "group",
                                          confidence=ctx.confidence)}
            long = pp.melt(id_vars=["id", "group"], value_vars=[ctx.pre, ctx.post],
                           var_name="wave", value_name="score")
            res["mixed_anova"] = mixed_anova(long, "score", "wave", "group", "id")
            res["change_effects"] = (change_effect_sizes(pp, ctx.pre, ctx.post, "group",
                                                         control=control,
                                                         confidence=ctx.confidence)
                                     if treatment is not None else None)
            res["lmm"] = None
            if len(waves) >= 3:
                allw = wide.melt(id_vars=["id", "group"], value_vars=waves, var_name="wave",
                                 value_name="score").dropna(subset=["score"])
                res["lmm"] = lmm(allw, "score", "wave", "group", "id",
                                 confidence=ctx.confidence)
            scales[sid] = res
        baseline = None
        base = ctx.scores[ctx.scores["wave"].astype(str) == ctx.pre]
        base = base[base["_group"].isin(usable)]
        extra = demographic_columns(ctx)
        if len(base):
            frame = base[["id", "_group"] + [s.id for s in ctx.instrument.scored]].copy()
            demo = (ctx.data[ctx.data["wave"].astype(str) == ctx.pre]
                    .drop_duplicates("id").set_index("id"))
            for c in extra:
                frame[c] = frame["id"].map(demo[c])
            categorical = [c for c in extra if not pd.api.types.is_numeric_dtype(frame[c])]
            variables = [s.id for s in ctx.instrument.scored] + extra
            baseline = baseline_equivalence(frame.rename(columns={"_group": "group"}), "group",
                                            variables, categorical=categorical,
                                            confidence=ctx.confidence,
                                            fisher_max_tables=FISHER_MAX_TABLES)
    return BetweenResult(scales, baseline=baseline, treatment=treatment, control=control,
                         instrument=ctx.instrument, notes=tuple(notes))

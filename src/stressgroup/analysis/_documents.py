"""Single results of the analysis stage described as documents: one paired test,
reliable change, screening."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..core.document import Column, Document, Note, Table
from ..report import label

if TYPE_CHECKING:  # pragma: no cover
    from ._change import ReliableChangeResult
    from ._paired import PairedTestResult
    from ._screening import ScreeningResult

__all__ = ["paired_document", "reliable_change_document", "screening_document"]


def paired_document(r: "PairedTestResult") -> Document:
    tab = Table(
        key="paired", title=label("paired.title"),
        columns=(Column("n", label("col.n"), "count"),
                 Column("pre", label("col.pre"), "mean_sd"),
                 Column("post", label("col.post"), "mean_sd"),
                 Column("diff", label("col.diff_ci"), "estimate_ci"),
                 Column("t", label("col.t"), "statistic", stars="p", df="df", symbol="t"),
                 Column("df", label("col.df"), "df"),
                 Column("p", label("col.p"), "p"),
                 Column("dz", label("col.dz_ci"), "estimate_ci"),
                 Column("g_z", label("col.g_z"), "effect"),
                 Column("d_av", label("col.d_av"), "effect"),
                 Column("V", label("col.V"), "statistic", digits=1),
                 Column("p_w", label("col.p_w"), "p"),
                 Column("r_rb", label("col.r_rb"), "proportion")),
        rows=[{"n": r.n, "pre": (r.pre_mean, r.pre_sd), "post": (r.post_mean, r.post_sd),
               "diff": (r.mean_diff, r.ci_low, r.ci_high), "t": r.t, "df": r.df, "p": r.p,
               "dz": (r.dz, *r.dz_ci), "g_z": r.g_z, "d_av": r.d_av, "V": r.wilcoxon_V,
               "p_w": r.wilcoxon_p, "r_rb": r.rank_biserial}],
        notes=(Note(label("eval.note_effects")),))
    return Document(label("paired.title"), (tab,))


def reliable_change_document(rc: "ReliableChangeResult") -> Document:
    total = rc.improved + rc.unchanged + rc.deteriorated
    counts = Table(
        key="reliable_change", title=label("rc.counts"),
        columns=(Column("category", label("col.category"), "text"),
                 Column("n", label("col.n"), "count"),
                 Column("pct", label("col.percent"), "percent")),
        rows=[{"category": label(f"rc.{k}"), "n": v,
               "pct": 100.0 * v / total if total else None}
              for k, v in (("improved", rc.improved), ("unchanged", rc.unchanged),
                           ("deteriorated", rc.deteriorated))],
        notes=(Note(label("rc.note", crit=f"{rc.criterion:g}", sd=f"{rc.sd_pre:.3f}",
                          r=f"{rc.r_xx:.3f}")),))
    t = rc.table
    people = Table(
        key="reliable_change_people", title=label("rc.people"),
        columns=(Column("id", label("col.id"), "text"),
                 Column("pre", label("col.pre_score"), "mean"),
                 Column("post", label("col.post_score"), "mean"),
                 Column("change", label("col.change"), "difference"),
                 Column("rci", label("col.rci"), "statistic"),
                 Column("category", label("col.category"), "text")),
        rows=[{"id": str(rec.get("id", i + 1)), "pre": rec["pre"], "post": rec["post"],
               "change": rec["change"], "rci": rec["rci"],
               "category": label(f"rc.{rec['category']}") if f"rc.{rec['category']}" in
               _RC_KEYS else str(rec["category"])}
              for i, rec in enumerate(t.to_dict("records"))])
    return Document(label("rc.title"), (counts, people))


_RC_KEYS = {"rc.improved", "rc.unchanged", "rc.deteriorated"}


def screening_document(s: "ScreeningResult") -> Document:
    c = s.counts()
    counts = Table(
        key="screening", title=label("screen.counts"),
        columns=(Column("wave", label("col.wave"), "text"),
                 Column("screened", label("col.screened"), "count"),
                 Column("flagged", label("col.flagged"), "count"),
                 Column("pct", label("col.percent"), "percent"),
                 Column("incomplete", label("col.incomplete"), "count")),
        rows=[{"wave": str(w), "screened": int(r.screened), "flagged": int(r.flagged),
               "pct": 100.0 * r.flagged / r.screened if r.screened else None,
               "incomplete": int(r.incomplete)} for w, r in c.iterrows()],
        notes=(Note(label("screen.rule", rule=s.rule)),))
    f = s.flagged
    flagged = Table(
        key="screening_flagged", title=label("screen.flagged"),
        columns=(Column("id", label("col.id"), "text"),
                 Column("wave", label("col.wave"), "text"),
                 Column("reasons", label("col.reasons"), "text")),
        rows=[{"id": str(rec["id"]), "wave": str(rec.get("wave", "")),
               "reasons": "; ".join(rec["reasons"]) if isinstance(rec["reasons"], (list, tuple))
               else ("" if pd.isna(rec["reasons"]) else str(rec["reasons"]))}
              for rec in f.to_dict("records")])
    return Document(label("screen.title", instrument=s.instrument), (counts, flagged))

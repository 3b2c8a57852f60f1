"""Reliability results described as documents (thesis tables: alpha, CITC, alpha if
deleted, omega)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.document import Column, Document, Note, Table
from ..report import label

if TYPE_CHECKING:  # pragma: no cover
    from ._alpha import AlphaResult
    from ._omega import OmegaResult
    from ._table import ReliabilityTable

__all__ = ["alpha_document", "omega_document", "reliability_document", "item_table"]


def item_table(a: "AlphaResult", key: str, scale) -> Table:
    """Item statistics: M, SD, r_cor, CITC (r_drop) and alpha if deleted."""
    st = a.item_stats
    rows = [{"item": str(item), "n": r.get("n"), "mean": r.get("mean"), "sd": r.get("sd"),
             "r_cor": r.get("r_cor"), "r_drop": r.get("r_drop"),
             "alpha_if_dropped": r.get("alpha_if_dropped")}
            for item, r in st.to_dict("index").items()]
    return Table(key=key, title=label("rel.items", scale=scale),
                 columns=(Column("item", label("col.item"), "text"),
                          Column("n", label("col.n"), "count"),
                          Column("mean", label("col.mean"), "mean"),
                          Column("sd", label("col.sd"), "sd"),
                          Column("r_cor", label("col.r_cor"), "correlation"),
                          Column("r_drop", label("col.r_drop"), "correlation"),
                          Column("alpha_if_dropped", label("col.alpha_if_dropped"),
                                 "reliability")),
                 rows=rows, notes=(Note(label("rel.item_note")),))


def alpha_document(a: "AlphaResult") -> Document:
    summary = Table(
        key="alpha", title=label("alpha.title"),
        columns=(Column("n", label("col.n"), "count"), Column("k", label("col.k"), "count"),
                 Column("raw", label("col.raw_alpha"), "reliability"),
                 Column("std", label("col.std_alpha"), "reliability"),
                 Column("g6", label("col.g6"), "reliability"),
                 Column("average_r", label("col.average_r"), "correlation"),
                 Column("s_n", label("col.s_n"), "number"),
                 Column("ase", label("col.ase"), "number", digits=3),
                 Column("feldt", label("col.feldt"), "ci", inner="reliability"),
                 Column("duhachek", label("col.duhachek"), "ci", inner="reliability")),
        rows=[{"n": a.n, "k": a.k, "raw": a.raw_alpha, "std": a.std_alpha, "g6": a.g6,
               "average_r": a.average_r, "s_n": a.s_n, "ase": a.ase,
               "feldt": tuple(a.feldt_ci), "duhachek": tuple(a.duhachek_ci)}])
    return Document(label("alpha.title"), (summary, item_table(a, "alpha_items", "")))


def omega_document(o: "OmegaResult") -> Document:
    rows = [{"item": str(i), "loading": float(o.loadings[i]), "h2": 1 - float(o.uniquenesses[i]),
             "u2": float(o.uniquenesses[i])} for i in o.loadings.index]
    tab = Table(key="omega", title=label("omega.title"),
                columns=(Column("item", label("col.item"), "text"),
                         Column("loading", label("col.loading"), "loading"),
                         Column("h2", label("col.h2"), "proportion"),
                         Column("u2", label("col.u2"), "proportion")),
                rows=rows, notes=(Note({"en": f"omega total = {o.omega_total:.4f}, n = {o.n}.",
                                        "zh": f"ω 总系数 = {o.omega_total:.4f}，n = {o.n}。"}),))
    return Document(label("omega.title"), (tab,))


def reliability_document(r: "ReliabilityTable", instrument=None) -> Document:
    """The thesis reliability table (the sample named in its title), then item statistics
    per subscale (per group with a group column)."""
    def name(sid):
        if instrument is None:
            return sid
        s = instrument.subscale(sid)
        return {"en": s.label("en"), "zh": s.label("zh")}

    wave = f"{r.wave}" if r.wave else None
    if r.sample == "per group":
        who = label("rel.who_groups", column=r.group_column)
    elif r.sample == "pooled":
        who = label("rel.who_pooled", column=r.group_column)
    else:
        who = label("rel.who_all")
    parts = {lab: g for lab, g in r.groups.items()} if r.groups else {None: r}
    rows, methods = [], set()
    for lab, part in parts.items():
        for sid, row in part.table.iterrows():
            a = part.alphas.get(sid)
            if a is not None:
                methods.add(a.ci_method)
            st = a.item_stats if a is not None else None
            citc = ((float(st["r_drop"].min()), float(st["r_drop"].max()))
                    if st is not None and "r_drop" in st else None)
            aid = float(st["alpha_if_dropped"].max()) if st is not None and \
                "alpha_if_dropped" in st else None
            rows.append({"_group": lab,
                         "scale": name(sid), "k": row["k"], "n": row["n"],
                         "alpha": row["raw_alpha"], "ci": (row["ci_low"], row["ci_high"]),
                         "std": row["std_alpha"], "citc": citc, "aid": aid,
                         "omega": row["omega_total"]})
    ci_method = ", ".join(sorted(methods)) or "Feldt"
    title = label("rel.table", wave=label("rel.wave_who", wave=wave, who=who) if wave
                  else label("rel.who_only", who=who))
    main = Table(key="reliability", title=title,
                 columns=(Column("scale", label("col.subscale"), "text"),
                          Column("k", label("col.k"), "count"),
                          Column("n", label("col.n"), "count"),
                          Column("alpha", label("col.raw_alpha"), "reliability"),
                          Column("ci", label("col.ci95"), "ci", inner="reliability"),
                          Column("std", label("col.std_alpha"), "reliability"),
                          Column("citc", label("col.citc_range"), "ci", inner="correlation"),
                          Column("aid", label("col.max_aid"), "reliability"),
                          Column("omega", label("col.omega"), "reliability")),
                 rows=rows, notes=(Note(label("rel.note", ci_method=ci_method)),
                                   Note(label("rel.note_range"))))
    blocks: list = [main]
    for lab, part in parts.items():
        for sid, a in part.alphas.items():
            if sid == "total":
                continue
            scale = name(sid) if lab is None else label("rel.scale_in_group", scale=name(sid),
                                                        group=lab)
            key = f"items_{sid}" if lab is None else f"items_{lab}_{sid}"
            blocks.append(item_table(a, key, scale))
    inst_name = ({"en": instrument.label("en"), "zh": instrument.label("zh")}
                 if instrument is not None else r.instrument)
    return Document(label("rel.title", instrument=inst_name,
                          wave=label("rel.wave", wave=wave) if wave else ""), blocks)

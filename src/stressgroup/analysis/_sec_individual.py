"""Section ``individual``: each person's change (Jacobson & Truax 1991) on every scale.

Per group and scale: reliable change and clinical significance (cut-off c from the
instrument's norms where it has them, else a from the group's baseline, and the table says
which), people classified as recovered / improved / unchanged / deteriorated, and the
targeted-intervention list: who deteriorated or is still beyond the cut-off after the group,
by pseudonymous id only.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.document import Column, Document, Note, Table
from ..core.errors import DegenerateDataWarning
from ..core.results import jsonable
from ..report import Reportable, label
from ._sec_small import _pairs
from ._sections import Context, Skip

__all__ = ["IndividualChangeResult", "run_individual"]


@dataclass(frozen=True, repr=False)
class IndividualChangeResult(Reportable):
    """Clinical significance per group and scale, and who needs targeted help.

    Attributes
    ----------
    groups : dict
        label -> {scale: ClinicalSignificanceResult or a str (why it was left out)}
    """

    groups: dict
    instrument: object = field(default=None, compare=False)
    #: its to_dict takes ``per_person`` (see :meth:`SectionResult.to_dict`)
    lists_people = True

    def to_dict(self, per_person: "bool | None" = None) -> dict:
        """Per group and scale the counts, cut-offs, the targeted-intervention ids and
        the per-person ``rci``/``category`` lists; the people's ``id`` list is given once
        per group when every scale lists the same people in the same order (it does: the
        group's pairs), else per scale.

        Parameters
        ----------
        per_person : bool, optional
            Include the per-person lists. Default: for a group of at most
            :data:`PER_PERSON_JSON` people. Above that a group's entry says
            ``"per_person": "left out ..."`` instead: a screened province's lists
            (millions of values) belong in a table, :meth:`to_frame` or the command
            line's ``--persons FILE``, not in a JSON result. The counts and the
            ``targeted`` ids are always given.
        """
        out = {}
        for lab, g in self.groups.items():
            people = _people(g)
            keep = per_person if per_person is not None else people <= PER_PERSON_JSON
            scales = {sid: (_scale_dict(r, keep) if not isinstance(r, str)
                            else {"left_out": r})
                      for sid, r in g.items()}
            ids = [d["id"] for d in scales.values() if "id" in d]
            entry: dict = {}
            if not keep and people:
                entry["per_person"] = (
                    f"left out: {people:,} people (more than {PER_PERSON_JSON:,}); the "
                    "per-person RCI and categories are in --persons FILE (command line) "
                    "or IndividualChangeResult.to_frame()")
            if ids and all(i == ids[0] for i in ids[1:]):
                entry["id"] = ids[0]
                for d in scales.values():
                    d.pop("id", None)
            entry.update(scales)
            out["all" if lab is None else str(lab)] = entry
        return jsonable(out)

    def to_frame(self) -> pd.DataFrame:
        frames = []
        for lab, g in self.groups.items():
            for sid, r in g.items():
                if isinstance(r, str):
                    continue
                t = r.table.copy()
                t.insert(0, "scale", sid)
                t.insert(0, "group", lab)
                frames.append(t)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def to_document(self, lang: str = "en") -> Document:
        inst = self.instrument

        def name(sid):
            s = inst.subscale(sid)
            return {"en": s.label("en"), "zh": s.label("zh")}

        blocks: list = []
        for lab, g in self.groups.items():
            who = label("eval.who", group=str(lab)) if lab is not None else ""
            rows, targeted, left_out = [], {}, []
            for sid, r in g.items():
                if isinstance(r, str):
                    left_out.append(f"{sid}: {r}")
                    continue
                rows.append({"scale": name(sid), "cutoff": r.cutoff_value,
                             "source": label(f"ind.source_{r.cutoff}"),
                             "recovered": r.recovered, "improved": r.improved,
                             "unchanged": r.unchanged, "deteriorated": r.deteriorated})
                for pid in _targeted(r):
                    targeted.setdefault(str(pid), []).append(sid)
            notes = [Note(label("ind.note"))]
            if any(not isinstance(r, str) and r.cutoff == "a" for r in g.values()):
                notes.append(Note(label("ind.a_note")))
            if left_out:
                notes.append(Note("; ".join(left_out)))
            blocks.append(Table(
                key=f"individual_{lab}" if lab is not None else "individual",
                title=label("ind.title", who=who),
                columns=(Column("scale", label("col.subscale"), "text"),
                         Column("cutoff", label("ind.cutoff"), "number"),
                         Column("source", label("ind.source"), "text"),
                         Column("recovered", label("ind.recovered"), "count"),
                         Column("improved", label("rc.improved"), "count"),
                         Column("unchanged", label("rc.unchanged"), "count"),
                         Column("deteriorated", label("rc.deteriorated"), "count")),
                rows=rows, notes=notes))
            blocks.append(Table(
                key=f"targeted_{lab}" if lab is not None else "targeted",
                title=label("ind.targeted", who=who),
                columns=(Column("id", label("col.id"), "text"),
                         Column("scales", label("ind.scales"), "text")),
                rows=[{"id": pid, "scales": ", ".join(s)} for pid, s in sorted(targeted.items())]
                or [{"id": label("ind.nobody"), "scales": ""}],
                notes=(Note(label("ind.targeted_note")),)))
        return Document(label("ind.doc"), blocks)


#: Largest group whose per-person lists (ids, RCI, category per scale) the JSON result holds
#: by default (see :meth:`IndividualChangeResult.to_dict`).
PER_PERSON_JSON = 10_000


def _people(scales: dict) -> int:
    """People in a group's per-person tables (the largest over its scales)."""
    return max((r.n_people for r in scales.values() if not isinstance(r, str)), default=0)


def _scale_dict(r, per_person: bool) -> dict:
    """One scale's JSON entry, with or without its per-person lists."""
    return {**r.to_dict(per_person=per_person), "targeted": _targeted(r)}


def _targeted(r) -> list:
    """Who needs targeted help on one scale: everyone who deteriorated reliably, and, when
    the cut-off comes from norms (criterion b or c), everyone still beyond it after the
    group. Criterion a is 2 SD from this group's own baseline, which almost nobody crosses:
    there only deterioration counts."""
    if r.cutoff == "a":
        return r.ids_in("deteriorated")
    return list(r.targeted)


def run_individual(ctx: Context) -> IndividualChangeResult:
    from ._clinical import clinical_significance

    inst = ctx.instrument
    out = {}
    for lab, g in ctx.groups.items():
        key = lab if ctx.group_column is not None else None
        per = {}
        ids = np.array(ctx.pairs(key)[0], dtype=object)   # shared by the scales' results
        ids.flags.writeable = False
        sc = ctx.scores if key is None else ctx.scores[ctx.scores["_group"] == key]
        sc = sc.loc[(sc["wave"].astype(str) == ctx.pre).to_numpy()]   # everyone at pre
        for sid in g.tests:
            r_xx = g.alpha_pre.get(sid, math.nan)
            if not (np.isfinite(r_xx) and 0 <= r_xx < 1):
                per[sid] = "no reliability at the first wave (alpha undefined or outside 0-1)"
                continue
            pre, post = _pairs(ctx, key, sid)
            base = sc[sid].dropna()
            if len(base) < 2:
                per[sid] = "fewer than 2 people with a score at the first wave"
                continue
            norm = inst.norm(sid)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DegenerateDataWarning)
                per[sid] = clinical_significance(
                    pre, post, reliability=r_xx, higher_is=inst.higher_is, norms=norm,
                    sd_pre=float(base.std(ddof=1)), ids=ids)
        out[key] = per
    if not out:
        raise Skip("no group has people with both waves")
    return IndividualChangeResult(out, instrument=inst)

"""The sections an evaluation runs beside the paired tables.

Adding an analysis to :func:`~stressgroup.evaluate` is one function here and one entry in
:data:`SECTIONS`: the function gets a :class:`Context` and returns a result with
``to_dict()`` and ``to_document()`` (a :class:`~stressgroup.report.Reportable`), or raises
:class:`Skip` with the reason it does not apply to these data. The evaluation puts each
result under its name in the JSON and its blocks into the report; a section that is left out
says why in both. Neither the command line nor any renderer changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from ..core.document import Column, Document, Table
from ..core.errors import StressgroupError
from ..core.progress import progress
from ..report import Reportable, label

__all__ = ["Context", "Skip", "SectionResult", "SECTIONS", "section_names", "run_sections",
           "DesignResult"]


class Skip(Exception):
    """Raised by a section that does not apply to the data; the message says why."""


@dataclass(frozen=True)
class Context:
    """What a section may use.

    Attributes
    ----------
    data : DataFrame
        The responses (``id``, ``wave``, items, extra columns) with ``_group``.
    scores : DataFrame
        Scores per person and wave (``id``, ``wave``, each scale, ``_group``).
    keyed : DataFrame
        Keyed items, row-aligned with ``data``.
    instrument : Instrument
    groups : dict
        :class:`GroupEvaluation` per label (None without a group column).
    group_column, control : str or None
    labels : list of str
        Group labels in report order (the control group last).
    pre, post : str
    waves : list of str
        Every wave in the data, in order.
    correction : str
    confidence : float
    seed : int or None
    """

    data: pd.DataFrame
    scores: pd.DataFrame
    keyed: pd.DataFrame
    instrument: Any
    groups: dict
    group_column: "str | None"
    control: "str | None"
    labels: list
    pre: str
    post: str
    waves: list
    correction: str
    confidence: float
    seed: "int | None"
    absent_items: tuple = ()
    allow_absent_items: bool = False
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def pairs(self, label) -> "tuple[np.ndarray, pd.DataFrame, pd.DataFrame]":
        """People of group ``label`` (None: everyone) with both waves, sorted by id,
        and their scores at the first and the second wave, row-aligned.

        Computed once per group and shared by the sections (vectorised: no per-person
        Python work).
        """
        key = ("pairs", label)
        if key not in self._cache:
            sc = self.scores
            if label is not None:
                sc = sc[sc["_group"].eq(label).fillna(False).to_numpy(dtype=bool)]
            w = sc["wave"].astype(str).to_numpy()
            a = sc[w == self.pre].set_index("id")
            b = sc[w == self.post].set_index("id")
            g = self.groups.get(label)
            if g is not None and g.paired_ids:    # sorted by the paired tests already
                ids = np.array(g.paired_ids, dtype=object)
            else:  # fixed-width strings sort in C, in the order of Python's sorted()
                ids = np.intersect1d(a.index.to_numpy(dtype=object).astype(str),
                                     b.index.to_numpy(dtype=object).astype(str)
                                     ).astype(object)
            self._cache[key] = (ids, a.reindex(ids), b.reindex(ids))
        return self._cache[key]

    def with_scores(self, data: pd.DataFrame):
        """``data`` (row-aligned with :attr:`scores`) with the evaluation's scores
        attached, so that a stage reading scores does not compute them again; the
        frame itself when items are absent (then the stage scores as it always did)."""
        from types import SimpleNamespace

        if self.absent_items or self.allow_absent_items:
            return data
        return SimpleNamespace(data=data, absent_items=set(),
                               scores=self.scores.drop(columns=["_group"]),
                               scores_instrument=self.instrument)

    def responses(self):
        """The data (without ``_group``) with the structurally absent items attached, as
        the stage functions read them, and the keyed items when no item is absent (a
        stage that keys items takes them instead of keying again)."""
        from types import SimpleNamespace

        return SimpleNamespace(data=self.data.drop(columns=["_group"]),
                               absent_items=set(self.absent_items),
                               keyed=None if self.absent_items else self.keyed)


@dataclass(frozen=True)
class SectionResult:
    """One section's outcome: its result, or the reason it was left out."""

    name: str
    result: "Reportable | None" = None
    skipped: "str | None" = None

    def to_dict(self, per_person: "bool | None" = None) -> dict:
        """The result's JSON entry; ``per_person`` reaches a result that lists people
        (the ``individual`` section), see :meth:`IndividualChangeResult.to_dict`."""
        if self.result is None:
            return {"skipped": self.skipped}
        if getattr(self.result, "lists_people", False):
            return self.result.to_dict(per_person=per_person)
        return self.result.to_dict()


@dataclass(frozen=True, repr=False)
class DesignResult(Reportable):
    """What the evaluation is: groups, waves and the sections that ran or were left out."""

    groups: tuple
    control: "str | None"
    waves: tuple
    pre: str
    post: str
    sections: dict = field(default_factory=dict)  # name -> None (ran) or reason

    def to_dict(self) -> dict:
        return {"groups": list(self.groups), "control": self.control,
                "waves": list(self.waves), "compared": [self.pre, self.post],
                "sections": {k: ("ran" if v is None else f"left out: {v}")
                             for k, v in self.sections.items()}}

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"section": k, "status": "ran" if v is None else "left out",
                              "reason": v or ""} for k, v in self.sections.items()])

    def to_document(self, lang: str = "en") -> Document:
        rows = [{"section": k, "status": label("design.ran") if v is None
                 else label("design.left_out"), "reason": v or ""}
                for k, v in self.sections.items()]
        return Document(label("design.title"), (Table(
            key="design", title=label("design.title"),
            columns=(Column("section", label("design.section"), "text"),
                     Column("status", label("design.status"), "text"),
                     Column("reason", label("col.reason"), "text")),
            rows=rows),))


#: (name, function), in report order. A function imports what it needs (heavy modules
#: load only when the section runs).
SECTIONS: list[tuple[str, Callable[[Context], Reportable]]] = []


def _small_groups(ctx: Context) -> Reportable:
    from ._sec_small import run_small_groups

    return run_small_groups(ctx)


def _individual(ctx: Context) -> Reportable:
    from ._sec_individual import run_individual

    return run_individual(ctx)


def _between(ctx: Context) -> Reportable:
    from ._sec_between import run_between

    return run_between(ctx)


def _reliability(ctx: Context) -> Reportable:
    from ..reliability import reliability

    return reliability(ctx.responses(), ctx.instrument, ctx.pre,
                       group=ctx.group_column if ctx.group_column is not None else False,
                       allow_absent_items=ctx.allow_absent_items)


def _validity(ctx: Context) -> Reportable:
    from ..reliability import validity

    if ctx.absent_items:
        raise Skip(f"item(s) {', '.join(ctx.absent_items)} have no column in the data; a "
                   "factor analysis of the instrument needs all its items")
    return validity(ctx.data.drop(columns=["_group"]), ctx.instrument, ctx.pre,
                    seed=ctx.seed if ctx.seed is not None else 20240601)


def _demographics(ctx: Context) -> list:
    from ._sec_between import demographic_columns

    cols = demographic_columns(ctx)
    if not cols:
        raise Skip("the data have no demographic columns (gender, age, years of service, post, "
                   "...)")
    return cols


def _sample(ctx: Context) -> Reportable:
    from ._sample import sample_description

    return sample_description(ctx.data.drop(columns=["_group"]), variables=_demographics(ctx),
                              group=ctx.group_column, wave=ctx.pre, control=ctx.control)


def _profile(ctx: Context) -> Reportable:
    from ._profile import profile

    if len(ctx.instrument.subscales) < 2:
        raise Skip("the instrument has fewer than two subscales to compare")
    return profile(ctx.with_scores(ctx.data), ctx.instrument, wave=ctx.pre,
                   group="_group" if ctx.group_column else None)


def _subgroups(ctx: Context) -> Reportable:
    from ._subgroups import subgroup_differences

    return subgroup_differences(ctx.with_scores(ctx.data.drop(columns=["_group"])),
                                ctx.instrument, by=_demographics(ctx), wave=ctx.pre,
                                posthoc_ci=False)


def _screening(ctx: Context) -> Reportable:
    from ._transitions import band_transitions

    if not ctx.instrument.bands:
        raise Skip(f"the instrument {ctx.instrument.id!r} declares no score bands")
    return band_transitions(ctx.data.drop(columns=["_group"]), ctx.instrument, scale=None,
                            waves=(ctx.pre, ctx.post))


SECTIONS += [("sample", _sample), ("reliability", _reliability), ("validity", _validity),
             ("profile", _profile), ("subgroups", _subgroups), ("between", _between),
             ("small_groups", _small_groups), ("individual", _individual),
             ("screening", _screening)]

#: Sections the report shows before the pre/post tables (a thesis describes the sample and
#: the measurement before the change).
BEFORE_CHANGE = {"sample", "reliability", "validity", "profile", "subgroups"}

#: Sections that run only when asked for (``design=[...]``, ``validity=True``, --validity).
ON_REQUEST = {"validity"}


def section_names() -> list[str]:
    """The names ``design=`` accepts."""
    return [name for name, _ in SECTIONS]


def default_sections() -> list[str]:
    """The sections that run when ``design`` is not given."""
    return [name for name, _ in SECTIONS if name not in ON_REQUEST]


def run_sections(ctx: Context, design: "list[str] | None") -> dict[str, SectionResult]:
    """Run the chosen sections (the defaults when ``design`` is None; sections in
    :data:`ON_REQUEST` only when named); a Skip or a user error becomes a reason."""
    names = section_names()
    if design is not None:
        unknown = [d for d in design if d not in names]
        if unknown:
            raise ValueError(f"design: unknown section(s) {', '.join(unknown)}; choose from "
                             f"{', '.join(names)}")
    out: dict[str, SectionResult] = {}
    todo = [(name, fn) for name, fn in SECTIONS
            if not ((design is None and name in ON_REQUEST)
                    or (design is not None and name not in design))]
    with progress(len(todo)) as bar:   # drawn on a terminal only, after a delay
        for name, fn in bar.iterate(todo, label=_progress_label):
            try:
                out[name] = SectionResult(name, result=fn(ctx))
            except Skip as why:
                out[name] = SectionResult(name, skipped=str(why))
            except StressgroupError as why:  # the data do not allow this section: say why
                out[name] = SectionResult(name, skipped=str(why))
    return out


def _progress_label(section: tuple) -> dict:
    return {"en": f"evaluation: {section[0]}", "zh": f"评估：{section[0]}"}

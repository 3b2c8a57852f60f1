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

import pandas as pd

from ..core.document import Column, Document, Table
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


@dataclass(frozen=True)
class SectionResult:
    """One section's outcome: its result, or the reason it was left out."""

    name: str
    result: "Reportable | None" = None
    skipped: "str | None" = None

    def to_dict(self) -> dict:
        if self.result is None:
            return {"skipped": self.skipped}
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


def section_names() -> list[str]:
    """The names ``design=`` accepts."""
    return [name for name, _ in SECTIONS]


def run_sections(ctx: Context, design: "list[str] | None") -> dict[str, SectionResult]:
    """Run the chosen sections (all when ``design`` is None); a Skip becomes a reason."""
    names = section_names()
    if design is not None:
        unknown = [d for d in design if d not in names]
        if unknown:
            raise ValueError(f"design: unknown section(s) {', '.join(unknown)}; choose from "
                             f"{', '.join(names)}")
    out: dict[str, SectionResult] = {}
    for name, fn in SECTIONS:
        if design is not None and name not in design:
            continue
        try:
            out[name] = SectionResult(name, result=fn(ctx))
        except Skip as why:
            out[name] = SectionResult(name, skipped=str(why))
    return out

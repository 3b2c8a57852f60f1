"""The validity tables a thesis shows before it reports change: KMO, Bartlett, EFA and a
CFA of the instrument's own structure, at one wave, with the warnings a careful analyst
would give."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import pandas as pd

from ..core.document import Column, Document, Note, Paragraph, Table
from ..core.errors import DataError, StressgroupWarning
from ..core.results import jsonable
from ..instruments import Instrument, load_instrument
from ..instruments._scoring import as_frame, key_items
from ..report import Reportable, label

__all__ = ["validity", "ValidityResult"]


@dataclass(frozen=True, repr=False)
class ValidityResult(Reportable):
    """KMO, Bartlett's test, an EFA and a CFA of one instrument at one wave.

    Attributes
    ----------
    instrument : str
    wave : str or None
    n : int
        People with a row at the wave (all groups together; validity concerns the
        instrument in this sample).
    kmo, bartlett, efa, cfa
        The results (:class:`KMOResult`, :class:`BartlettResult`, :class:`EFAResult`,
        :class:`CFAResult`); ``None`` where the data did not allow it (see ``left_out``).
    left_out : dict
        Method -> why it was not computed.
    warnings : tuple of str
        What the methods warned about (also issued as warnings).
    """

    instrument: str
    wave: "str | None"
    n: int
    kmo: object = None
    bartlett: object = None
    efa: object = None
    cfa: object = None
    left_out: dict = field(default_factory=dict)
    warnings: tuple = ()
    instrument_obj: object = field(default=None, compare=False)

    _title = "Validity"

    def to_dict(self) -> dict:
        return jsonable({"instrument": self.instrument, "wave": self.wave, "n": self.n,
                         "sample": "all groups together",
                         **{k: (getattr(self, k).to_dict() if getattr(self, k) is not None
                                else None) for k in ("kmo", "bartlett", "efa", "cfa")},
                         "left_out": dict(self.left_out), "warnings": list(self.warnings)})

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([self._summary_row()])

    def _summary_row(self) -> dict:
        row = {"n": self.n, "kmo": self.kmo.kmo if self.kmo is not None else None}
        if self.bartlett is not None:
            row.update(chisq=self.bartlett.chisq, df=self.bartlett.df, p=self.bartlett.p)
        if self.efa is not None:
            row["factors"] = self.efa.n_factors
            var = self.efa.variance
            col = "rotation_cum_pct" if "rotation_cum_pct" in var and \
                var["rotation_cum_pct"].notna().any() else "extraction_cum_pct"
            row["cum_pct"] = float(var[col].dropna().iloc[-1]) if var[col].notna().any() \
                else None
        return row

    def to_document(self, lang: str = "en") -> Document:
        row = self._summary_row()
        wave = self.wave or ""
        cols = (Column("n", label("col.n"), "count"),
                Column("kmo", "KMO", "proportion", digits=3),
                Column("chisq", label("val.chisq"), "statistic", stars="p"),
                Column("df", "df", "df"), Column("p", label("col.p"), "p"),
                Column("factors", label("val.factors"), "count"),
                Column("cum_pct", label("val.cum_pct"), "percent"))
        notes = [Note(label("val.note"))]
        notes += [Note(f"{k}: {v}") for k, v in self.left_out.items()]
        blocks: list = [Table("validity", label("val.title", wave=wave), cols, [row],
                              notes=notes)]
        blocks += [Paragraph(w, style="warning") for w in self.warnings]
        for res in (self.efa, self.cfa):
            if res is not None:
                blocks += list(res.to_document().blocks)
        return Document(label("val.doc"), blocks)


def validity(responses, instrument: "Instrument | str", wave: "str | None" = "pre", *,
             n_factors: "int | None" = None, rotation: str = "oblimin",
             seed: "int | None" = None) -> ValidityResult:
    """KMO and Bartlett's test, an EFA (factors by parallel analysis unless given) and a
    CFA of the instrument's subscales, on the keyed items of everyone at ``wave``.

    Parameters
    ----------
    responses : Responses or DataFrame
    instrument : Instrument or str
    wave : str or None
        The wave (default ``"pre"``, the baseline); None uses every row.
    n_factors : int, optional
        Factors for the EFA; by default parallel analysis decides (seeded).
    rotation : str
        EFA rotation (``oblimin`` as psych, ``varimax`` with Kaiser normalisation as SPSS).
    seed : int, optional
        Seed of the parallel analysis' simulated data.

    Returns
    -------
    ValidityResult

    Notes
    -----
    Every method is the project's R-checked one: :func:`kmo` and :func:`bartlett` as
    psych::KMO and cortest.bartlett, :func:`efa` as psych::fa (and fa.parallel), :func:`cfa`
    as lavaan::cfa with semTools' AVE, CR and HTMT. A method that the data do not allow
    (too few people, zero-variance items) is left out with the reason; the warnings the
    methods give (KMO below .6, Heywood cases, fewer than 5 people per item, a matrix that
    is not positive definite) are kept in the result and shown in the report.
    """
    from ._cfa import cfa
    from ._efa import efa
    from ._validity import bartlett, kmo

    inst = load_instrument(instrument)
    data = as_frame(responses)
    if wave is not None and "wave" in data.columns:
        data = data[data["wave"].astype(str) == str(wave)]
    if not len(data):
        raise DataError(f"no rows at wave {wave!r} for the validity tables")
    items = key_items(data, inst)
    results: dict = {}
    left_out: dict = {}
    seen: list = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", StressgroupWarning)
        for name, fn in (("kmo", lambda: kmo(items)), ("bartlett", lambda: bartlett(items)),
                         ("efa", lambda: efa(items, n_factors, rotation=rotation, seed=seed)),
                         ("cfa", lambda: cfa(data, inst, wave=None))):
            try:
                results[name] = fn()
            except DataError as exc:
                left_out[name] = str(exc)
    kinds = {}
    for w in caught:
        text = str(w.message)
        if issubclass(w.category, StressgroupWarning) and text not in kinds:
            kinds[text] = w.category
            seen.append(text)
    for text in seen:
        warnings.warn(text, kinds[text], stacklevel=2)
    return ValidityResult(inst.id, wave, len(data), left_out=left_out, warnings=tuple(seen),
                          instrument_obj=inst, **results)

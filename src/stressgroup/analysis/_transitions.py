"""Repeated screenings: each person's band at two waves, the transition table, and how many
moved out of (or into) the flagged band."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..core.errors import DataError
from ..core.results import jsonable
from ..instruments import Instrument, load_instrument, score
from ..instruments._scoring import as_frame
from ..report import Reportable
from ._screening import band_of

__all__ = ["band_transitions", "TransitionResult"]

_COUNTS = ("n_both", "only_first", "only_second", "not_evaluable", "flagged_first",
           "flagged_second", "moved_out", "moved_in", "stayed_flagged", "moved_up",
           "moved_down", "same")


@dataclass(frozen=True, repr=False)
class TransitionResult(Reportable):
    """Band changes between two screenings (see :func:`band_transitions`).

    Attributes
    ----------
    instrument, scale : str
    waves : tuple of str
        The first and the second wave.
    bands : tuple of str
        Band labels (English), lowest first; the last is the flagged band.
    band_names : tuple of dict
        The bands' ``{"en": ..., "zh": ...}`` labels.
    table : DataFrame
        Counts: band at the first wave (index) x band at the second (columns), every
        band present (zeros included); people with both scores.
    people : DataFrame
        ``id``, ``score_first``, ``score_second``, ``band_first``, ``band_second`` for
        everyone with a row at either wave (NaN/None where missing).
    n_both : int
        People with a band at both waves (the table's total).
    only_first, only_second : int
        People with a row at one of the waves only.
    not_evaluable : int
        People with rows at both waves but a missing score at one of them.
    flagged_first, flagged_second : int
        People (of ``n_both``) in the flagged band at each wave.
    moved_out, moved_in, stayed_flagged : int
        Flagged at the first wave and not at the second; not flagged and then flagged;
        flagged at both.
    moved_up, moved_down, same : int
        To a higher band, to a lower band, the same band.
    """

    instrument: str
    scale: str
    waves: tuple
    bands: tuple
    band_names: tuple
    table: pd.DataFrame
    people: pd.DataFrame
    n_both: int
    only_first: int
    only_second: int
    not_evaluable: int
    flagged_first: int
    flagged_second: int
    moved_out: int
    moved_in: int
    stayed_flagged: int
    moved_up: int
    moved_down: int
    same: int
    _title = "Band transitions"

    @property
    def flagged_band(self) -> str:
        return self.bands[-1]

    def to_dict(self) -> dict:
        return jsonable({
            "instrument": self.instrument, "scale": self.scale, "waves": list(self.waves),
            "bands": list(self.bands), "flagged_band": self.flagged_band,
            "table": {str(a): {str(b): int(self.table.loc[a, b]) for b in self.table.columns}
                      for a in self.table.index},
            **{k: getattr(self, k) for k in _COUNTS}})

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def _summary_lines(self) -> list[str]:
        return [f"{self.scale}: {self.waves[0]} -> {self.waves[1]}, n = {self.n_both} "
                f"(only {self.waves[0]}: {self.only_first}, only {self.waves[1]}: "
                f"{self.only_second}, not evaluable: {self.not_evaluable})",
                f"flagged band {self.flagged_band!r}: moved out {self.moved_out}, moved in "
                f"{self.moved_in}, stayed {self.stayed_flagged}"]

    def to_document(self, lang: str = "en"):
        """The transition table and the counts as a
        :class:`~stressgroup.core.document.Document`."""
        from ..core.document import Column, Document, Note, Table
        from ..report import label

        w1, w2 = (label(f"wave.{w}") if w in ("pre", "post", "follow-up") else str(w)
                  for w in self.waves)
        cols = [Column("from", label("trans.from", wave=w1), "text")]
        cols += [Column(f"b{j}", dict(nm), "count") for j, nm in enumerate(self.band_names)]
        cols.append(Column("total", label("trans.total"), "count"))
        rows = []
        for i, (b, nm) in enumerate(zip(self.bands, self.band_names)):
            row = {"from": dict(nm), "total": int(self.table.loc[b].sum())}
            row.update({f"b{j}": int(self.table.loc[b, c]) for j, c in enumerate(self.bands)})
            rows.append(row)
        tot = {"from": label("trans.total"), "total": self.n_both}
        tot.update({f"b{j}": int(self.table[c].sum()) for j, c in enumerate(self.bands)})
        rows.append(tot)
        tab = Table(key="transitions", title=label("trans.title", scale=self.scale, first=w1,
                                                   second=w2),
                    columns=cols, rows=rows,
                    notes=(Note(label("trans.note", wave=w2)),))
        counts = Table(
            key="transitions_counts", title=label("trans.counts"),
            columns=(Column("what", label("col.what"), "text"),
                     Column("n", label("col.n"), "count")),
            rows=[{"what": label(f"trans.{k}"), "n": getattr(self, k)} for k in _COUNTS])
        return Document(label("trans.doc_title"), (tab, counts))


def band_transitions(responses, instrument: "Instrument | str", scale: "str | None" = None,
                     waves=("pre", "post")) -> TransitionResult:
    """Each person's band at two screenings and the table of band changes.

    Parameters
    ----------
    responses : Responses or DataFrame
        One row per person per wave: ``id``, ``wave``, item columns.
    instrument : Instrument or str
        An instrument with ``bands`` (e.g. ``pss-10``: total low / moderate / high).
    scale : str, optional
        The banded scale (default: the only banded one, or ``total``).
    waves : pair of str
        The first and the second screening.

    Returns
    -------
    TransitionResult

    Notes
    -----
    Bands are the instrument's (:func:`~stressgroup.analysis.band_of`: a band holds the
    scores from its start up to the next band's start). The flagged band is the highest.
    The table counts people with a score at both waves; people with one wave only and
    people whose score is missing at a wave are counted apart.

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup import load_instrument
    >>> from stressgroup.analysis import band_transitions
    >>> pss = load_instrument("pss-10")
    >>> def rows(wave, answers):
    ...     return [{"id": i, "wave": wave, **{it: a for it in pss.item_ids}}
    ...             for i, a in answers.items()]
    >>> df = pd.DataFrame(rows("pre", {"a": 4, "b": 2, "c": 0}) + rows("post", {"a": 2, "b": 4}))
    >>> res = band_transitions(df, pss)
    >>> res.bands, res.n_both, res.only_first, res.moved_out, res.moved_in
    (('low', 'moderate', 'high'), 2, 1, 0, 0)
    """
    inst = load_instrument(instrument)
    if not inst.bands:
        raise DataError(f"instrument {inst.id!r} declares no bands; band transitions need "
                        "an instrument with bands (e.g. pss-10)")
    if scale is None:
        scale = next(iter(inst.bands)) if len(inst.bands) == 1 else (
            "total" if "total" in inst.bands else None)
        if scale is None:
            raise ValueError(f"scale: give one of the banded scales {sorted(inst.bands)}")
    if scale not in inst.bands:
        raise ValueError(f"scale {scale!r} has no bands in {inst.id!r}; banded scales: "
                         f"{', '.join(sorted(inst.bands))}")
    waves = tuple(str(w) for w in waves)
    if len(waves) != 2 or waves[0] == waves[1]:
        raise ValueError(f"waves must be two different wave labels, not {waves!r}")
    data = as_frame(responses)
    for col in ("id", "wave"):
        if col not in data.columns:
            raise DataError(f"the data has no {col!r} column")
    w = data["wave"].astype(str)
    data = data[w.isin(waves).to_numpy()]
    if data.duplicated(["id", "wave"]).any():
        raise DataError("some people have more than one row for the same wave; give one "
                        "row per person and wave")
    sc = score(data, inst)
    bands = inst.bands[scale]
    labels = tuple(b.text("en") for b in bands)
    sc["band"] = band_of(sc[scale].tolist(), bands, "en")
    sc["wave"] = sc["wave"].astype(str)
    sc["id"] = sc["id"].astype(str)
    a = sc[sc["wave"] == waves[0]].set_index("id")
    b = sc[sc["wave"] == waves[1]].set_index("id")
    ids = list(a.index) + [i for i in b.index if i not in a.index]
    people = pd.DataFrame({"id": ids})
    people["score_first"] = a[scale].reindex(ids).to_numpy()
    people["score_second"] = b[scale].reindex(ids).to_numpy()
    people["band_first"] = a["band"].reindex(ids).to_numpy()
    people["band_second"] = b["band"].reindex(ids).to_numpy()
    in_a = people["id"].isin(a.index)
    in_b = people["id"].isin(b.index)
    both = in_a & in_b
    ok = both & people["band_first"].notna() & people["band_second"].notna()
    p = people[ok]
    table = pd.crosstab(pd.Categorical(p["band_first"], categories=labels),
                        pd.Categorical(p["band_second"], categories=labels),
                        dropna=False).reindex(index=labels, columns=labels, fill_value=0)
    table.index.name, table.columns.name = waves
    order = {lab: i for i, lab in enumerate(labels)}
    i1 = p["band_first"].map(order)
    i2 = p["band_second"].map(order)
    top = len(labels) - 1
    return TransitionResult(
        inst.id, scale, waves, labels, tuple(dict(bd.label) for bd in bands),
        table.astype(int), people.reset_index(drop=True),
        n_both=int(ok.sum()), only_first=int((in_a & ~in_b).sum()),
        only_second=int((in_b & ~in_a).sum()), not_evaluable=int((both & ~ok).sum()),
        flagged_first=int((i1 == top).sum()), flagged_second=int((i2 == top).sum()),
        moved_out=int(((i1 == top) & (i2 != top)).sum()),
        moved_in=int(((i1 != top) & (i2 == top)).sum()),
        stayed_flagged=int(((i1 == top) & (i2 == top)).sum()),
        moved_up=int((i2 > i1).sum()), moved_down=int((i2 < i1).sum()),
        same=int((i2 == i1).sum()))

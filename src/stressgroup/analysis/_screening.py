"""Screening: score bands, norm comparisons, flags with reasons, person histories."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.results import jsonable
from ..core.errors import DataError
from ..core.vocab import WAVE_ORDER
from ..instruments import Instrument, load_instrument, score
from ..instruments._scoring import as_frame
from ..report import Reportable

__all__ = ["screen", "ScreeningResult", "person_history", "band_of"]

_OPS = {">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal}


def ordered_waves(wave: pd.Series) -> pd.Series:
    """Waves as an ordered categorical: pre < post < follow-up < others (as they come)."""
    if isinstance(wave.dtype, pd.CategoricalDtype) and wave.cat.ordered:
        return wave
    seen = [str(w) for w in pd.unique(wave.dropna().astype(str))]
    cats = [w for w in WAVE_ORDER if w in seen] + [w for w in seen if w not in WAVE_ORDER]
    return pd.Series(pd.Categorical(wave.astype(str), categories=cats, ordered=True),
                     index=wave.index, name=wave.name)


def band_of(values, bands, lang: str = "en") -> list:
    """Label of the band each value falls in (``None`` for missing values).

    A band holds the values from its ``start`` up to the next band's start.

    Examples
    --------
    >>> from stressgroup.instruments import Band
    >>> bands = [Band({"en": "low"}), Band({"en": "moderate"}, 16), Band({"en": "high"}, 22)]
    >>> band_of([12, 16, 21.5, 30, None], bands)
    ['low', 'moderate', 'moderate', 'high', None]
    """
    starts = np.array([b.start for b in bands])
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
            continue
        j = int(np.searchsorted(starts, v, side="right") - 1)
        out.append(bands[max(j, 0)].text(lang))
    return out


@dataclass(frozen=True, repr=False)
class ScreeningResult(Reportable):
    """Per-person screening: scores, bands, norm z scores, flag and reasons.

    Attributes
    ----------
    instrument : str
    rule : str
        The screening rule in words.
    table : DataFrame
        ``id``, ``wave``, every score, ``<scale>_band`` for banded scales,
        ``<scale>_z`` against the instrument's norms, ``flag`` (boolean; NA
        when no condition holds and a score the rule needs is missing) and
        ``reasons`` (the conditions that hold, with the person's values).
    """

    instrument: str
    rule: str
    table: pd.DataFrame
    _title = "Screening"

    @property
    def flagged(self) -> pd.DataFrame:
        """The rows flagged by the rule."""
        return self.table[self.table["flag"].fillna(False).astype(bool)]

    def counts(self) -> pd.DataFrame:
        """Screened, flagged and not evaluable people per wave."""
        t = self.table
        g = t.groupby("wave", observed=True) if "wave" in t else t.groupby(lambda _: "all")
        return pd.DataFrame({
            "screened": g.size(),
            "flagged": g["flag"].apply(lambda f: int(f.fillna(False).astype(bool).sum())),
            "incomplete": g["flag"].apply(lambda f: int(f.isna().sum())),
        })

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def to_document(self, lang: str = "en"):
        """The table(s) as a :class:`~stressgroup.core.document.Document`."""
        from ._documents import screening_document

        return screening_document(self)

    def to_dict(self) -> dict:
        return jsonable({"instrument": self.instrument, "rule": self.rule,
                         "people": self.table.to_dict("records")})

    def _summary_lines(self) -> list[str]:
        c = self.counts()
        parts = [f"{w}: {r.flagged} of {r.screened} flagged"
                 + (f" ({r.incomplete} incomplete)" if r.incomplete else "")
                 for w, r in c.iterrows()]
        return [f"rule: {self.rule}", "; ".join(parts)]


def _rule(inst: Instrument):
    """The declared rule, or: any banded scale in its highest band."""
    if inst.screening is not None:
        conds = [(c.scales, c.op, c.value, c.any_of) for c in inst.screening.conditions]
        joiner = " or " if inst.screening.combine == "any" else " and "
        text = joiner.join(c.describe() for c in inst.screening.conditions)
        return conds, inst.screening.combine, text
    conds = [((scale,), ">=", bands[-1].start, False) for scale, bands in inst.bands.items()]
    text = " or ".join(f"{s[0]} in band {inst.bands[s[0]][-1].text()!r} (>= {v:g})"
                       for s, _, v, _ in conds)
    return conds, "any", text


def screen(responses, instrument: "Instrument | str", *, wave: "str | None" = None,
           lang: str = "en") -> ScreeningResult:
    """Score, band and flag every person (and wave) by the instrument's rules.

    Parameters
    ----------
    responses : Responses or DataFrame
    instrument : Instrument or str
        An instrument with ``bands``, ``norms`` and/or a ``screening`` rule
        (for example ``scl-90``: total > 160, or more than 43 positive items,
        or any factor mean >= 2).
    wave : str, optional
        Only this wave (default: every wave, one row per person per wave).
    lang : {"en", "zh"}
        Language of the band labels.

    Returns
    -------
    ScreeningResult

    Notes
    -----
    Without a declared ``screening`` rule, a person is flagged when any
    banded scale falls in its highest band. A condition on a missing score
    is not met; when no condition is met and a needed score is missing, the
    flag is NA (not evaluable) rather than False.

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup import load_instrument, screen
    >>> scl = load_instrument("scl-90")
    >>> df = pd.DataFrame({"id": ["a", "b"], "wave": ["pre", "pre"],
    ...                    **{i: [1, 2] for i in scl.item_ids}})
    >>> res = screen(df, scl)
    >>> res.table[["id", "total", "positive_items", "flag"]].values.tolist()
    [['a', 90.0, 0.0, False], ['b', 180.0, 90.0, True]]
    """
    inst = load_instrument(instrument)
    data = as_frame(responses)
    if wave is not None:
        if "wave" not in data.columns:
            raise DataError("the data has no 'wave' column to select a wave from")
        data = data[data["wave"].astype(str) == str(wave)]
    scores = score(data, inst).reset_index(drop=True)
    if "wave" in scores.columns:
        scores["wave"] = ordered_waves(scores["wave"])
    table = scores[[c for c in ("id", "wave") if c in scores.columns]].copy()
    for sid in inst.score_ids:
        table[sid] = scores[sid]
    for scale, bands in inst.bands.items():
        table[f"{scale}_band"] = band_of(scores[scale].tolist(), bands, lang)
    for norm in inst.norms:
        table[f"{norm.scale}_z"] = (scores[norm.scale] - norm.mean) / norm.sd
    conds, combine, text = _rule(inst)
    n = len(scores)
    met = np.zeros((n, len(conds)), dtype=bool)
    unknown = np.zeros((n, len(conds)), dtype=bool)
    reasons: list[list[str]] = [[] for _ in range(n)]
    for j, (scales, op, value, any_of) in enumerate(conds):
        vals = scores[list(scales)].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            hit = _OPS[op](vals, value) & ~np.isnan(vals)
        met[:, j] = hit.any(axis=1)
        unknown[:, j] = ~met[:, j] & np.isnan(vals).any(axis=1)
        for r in np.flatnonzero(met[:, j]):
            reasons[r] += [f"{scales[k]} = {vals[r, k]:.4g} {op} {value:g}"
                           for k in np.flatnonzero(hit[r])]
    if combine == "any":
        flag = met.any(axis=1)
        na = ~flag & unknown.any(axis=1)
    else:
        flag = met.all(axis=1)
        na = ~flag & ~(~met & ~unknown).any(axis=1)
    table["flag"] = pd.array(np.where(na, None, flag), dtype="boolean")
    table["reasons"] = ["; ".join(r) for r in reasons]
    return ScreeningResult(inst.id, text, table)


def person_history(responses, id: str, instrument: "Instrument | str | None" = None
                   ) -> pd.DataFrame:
    """One person's scores, bands and flags across every wave, with the change
    from their first wave.

    Parameters
    ----------
    responses : Responses or DataFrame
    id : str
        The person's id (as loaded: text, normalised).
    instrument : Instrument or str, optional
        Default: the instrument the responses were loaded with.

    Returns
    -------
    DataFrame
        One row per wave (in wave order): the columns of :func:`screen` and
        ``<scale>_change`` (score minus the first wave's score).
    """
    if instrument is None:
        instrument = getattr(responses, "instrument_id", None)
        if instrument is None:
            raise ValueError("give the instrument (the responses do not name one)")
    data = as_frame(responses)
    mine = data[data["id"].astype(str) == str(id)]
    if mine.empty:
        raise DataError(f"no rows for id {id!r}")
    res = screen(mine, instrument).table
    if "wave" in res.columns:
        res = res.sort_values("wave", kind="stable").reset_index(drop=True)
    inst = load_instrument(instrument)
    for sid in (s.id for s in inst.scored):
        res[f"{sid}_change"] = res[sid] - res[sid].iloc[0]
    return res

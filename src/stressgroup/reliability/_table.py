"""Reliability of every subscale of an instrument at one wave."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.errors import DataError, DegenerateDataWarning, MeasurementWarning
from ..core.results import jsonable
from ..core.vocab import find_group_column, order_groups
from ..instruments import Instrument, load_instrument
from ..instruments._scoring import absent_items, as_frame, key_items, rows_of
from ..report import Reportable
from ._alpha import AlphaResult, cronbach_alpha
from ._omega import omega

__all__ = ["reliability", "ReliabilityTable"]


@dataclass(frozen=True, repr=False)
class ReliabilityTable(Reportable):
    """Alpha (with Feldt CI) and omega total per subscale and total.

    Attributes
    ----------
    instrument : str
    wave : str or None
    table : DataFrame
        Indexed by subscale: ``n``, ``k``, ``raw_alpha``, ``std_alpha``,
        ``ci_low``, ``ci_high`` (``ci_method``), ``omega_total``.
        With a group column: indexed by ``group`` and ``subscale``.
    alphas : dict
        The full :class:`AlphaResult` per subscale (item statistics); with a group
        column see ``groups``.
    sample : str
        Whose answers: ``"all"`` (no group column), ``"pooled"`` (every group together,
        asked for with ``pooled=True``) or ``"per group"``.
    groups : dict
        One ReliabilityTable per group label (``sample == "per group"``), else empty.
    group_column : str or None
    """

    instrument: str
    wave: "str | None"
    table: pd.DataFrame
    alphas: dict
    instrument_obj: "Instrument | None" = field(default=None, compare=False)
    sample: str = "all"
    groups: dict = field(default_factory=dict)
    group_column: "str | None" = None

    @property
    def _title(self) -> str:  # type: ignore[override]
        w = f" at wave {self.wave!r}" if self.wave else ""
        who = {"all": "", "pooled": f", all groups pooled ({self.group_column})",
               "per group": f", per group ({self.group_column})"}.get(self.sample, "")
        return f"Reliability of {self.instrument}{w}{who}"

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def to_document(self, lang: str = "en"):
        """The table(s) as a :class:`~stressgroup.core.document.Document`."""
        from ._documents import reliability_document

        return reliability_document(self, instrument=self.instrument_obj)

    def to_dict(self) -> dict:
        d = {"instrument": self.instrument, "wave": self.wave, "sample": self.sample,
             "group_column": self.group_column}
        if self.groups:
            d["groups"] = {lab: g.to_dict()["subscales"] for lab, g in self.groups.items()}
        else:
            d["subscales"] = self.table.reset_index().to_dict("records")
        return jsonable(d)


def reliability(responses, instrument: "Instrument | str", wave: "str | None" = "pre", *,
                ci: str = "feldt", group: "str | None | bool" = None,
                pooled: bool = False, allow_absent_items: bool = False) -> ReliabilityTable:
    """Cronbach's alpha and omega total of every subscale at one wave.

    Parameters
    ----------
    responses : Responses or DataFrame
        Item answers, one row per person per wave.
    instrument : Instrument or str
    wave : str or None
        The wave to use (default ``"pre"``); ``None`` uses every row.
    ci : {"feldt", "duhachek", "bootstrap"}
        Interval reported in ``ci_low``/``ci_high``.
    group : str or False, optional
        The group column; by default one named like a group column (group, 组别, 分组,
        arm, ...) is used when present. With a group column each group gets its own
        table (groups are never pooled silently); ``False`` ignores any group column.
    pooled : bool
        With a group column, analyse everyone together instead; the title says so.
    allow_absent_items : bool
        A scale with items that have no column in the data (structurally absent,
        see :func:`stressgroup.instruments.score`) gets no alpha (NaN, with a
        DegenerateDataWarning naming the items) unless True: then its alpha is that of
        its present items (``k`` counts them).

    Returns
    -------
    ReliabilityTable

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from stressgroup import load_instrument, reliability
    >>> inst = load_instrument("five-level-stress")
    >>> rng = np.random.default_rng(1)
    >>> latent = rng.normal(size=(40, 1))
    >>> x = np.clip(np.rint(3 + latent + rng.normal(size=(40, 25)) * 0.7), 1, 5)
    >>> df = pd.DataFrame(x, columns=inst.item_ids)
    >>> df[list(inst.reverse_items)] = 6 - df[list(inst.reverse_items)]
    >>> df.insert(0, "id", [f"{i:03d}" for i in range(40)])
    >>> df.insert(1, "wave", "pre")
    >>> rel = reliability(df, inst)
    >>> rel.table.index.tolist()[-1], bool(rel.table.loc["total", "raw_alpha"] > 0.9)
    ('total', True)
    """
    instrument = load_instrument(instrument)
    data = as_frame(responses)
    recorded = set(getattr(responses, "absent_items", None) or ())
    # the keyed items when the caller has them (the evaluation passes its own, and a
    # group's table the rows of the group: ``keyed_rows``), so that they are not keyed
    # again; the items absent are then those without a column in them
    known = getattr(responses, "keyed", None)
    if known is None:
        known_rows = None
        gone = set(absent_items(responses, instrument))
    else:
        known_rows = getattr(responses, "keyed_rows", None)
        if known_rows is None:
            known_rows = np.arange(len(known))    # the data's rows' positions in ``known``
        items = set(instrument.item_ids)
        gone = recorded | (items - set(map(str, known.columns)))
        # the items come from ``known``: the rows below are taken without them
        data = data[[c for c in data.columns if c not in items]]
    if wave is not None and "wave" in data.columns:
        at = (data["wave"].astype(str) == str(wave)).to_numpy()
        data = data[at]
        known_rows = None if known_rows is None else known_rows[at]
    gcol = None if group is False else find_group_column(
        data, None if group in (None, True) else group)
    if group not in (None, False, True) and gcol is None:
        raise DataError(f"group column {group!r} not found; columns are: "
                        f"{', '.join(map(str, data.columns))}")
    if gcol is not None and not pooled:
        from types import SimpleNamespace

        labels = order_groups(pd.unique(data[gcol].dropna()))
        groups = {}
        for lab in labels:
            at = (data[gcol].astype(str) == lab).to_numpy()
            groups[lab] = reliability(
                SimpleNamespace(data=data[at], absent_items=recorded, keyed=known,
                                keyed_rows=None if known_rows is None else known_rows[at]),
                instrument, None, ci=ci, group=False, allow_absent_items=allow_absent_items)
        table = pd.concat({lab: g.table for lab, g in groups.items()}, names=["group"])
        return ReliabilityTable(instrument.id, wave, table, {}, instrument_obj=instrument,
                                sample="per group", groups=groups, group_column=gcol)
    if known is not None:
        take = rows_of(known, known_rows)   # the items' block of these rows, by scale
    else:
        keyed = key_items(data, instrument, absent=gone if allow_absent_items else recorded)

        def take(cols):
            return keyed[cols]
    rows, alphas = [], {}
    nan = float("nan")
    for sub in instrument.scored:
        missing = [i for i in sub.items if i in gone]
        x = take([i for i in sub.items if i not in gone])
        if sub.k < 3:
            warnings.warn(f"{sub.id}: alpha on {sub.k} item(s) is hardly informative (it "
                          "depends on the number of items); report the inter-item correlation "
                          "or the Spearman-Brown coefficient instead", MeasurementWarning,
                          stacklevel=2)
        row = {"subscale": sub.id, "n": len(x), "k": sub.k, "raw_alpha": nan,
               "std_alpha": nan, "ci_low": nan, "ci_high": nan, "omega_total": nan}
        if missing and not allow_absent_items:
            warnings.warn(f"{sub.id}: no alpha, item(s) {', '.join(missing)} have no column "
                          "in the data (pass allow_absent_items=True to use the items "
                          "present)", DegenerateDataWarning, stacklevel=2)
            rows.append(row)
            continue
        try:
            a: AlphaResult = cronbach_alpha(x, ci=ci)  # type: ignore[arg-type]
        except ValueError as exc:  # one item, or fewer than two items with variance
            warnings.warn(f"{sub.id}: no alpha ({exc})", DegenerateDataWarning, stacklevel=2)
            rows.append(row)
            continue
        alphas[sub.id] = a
        row.update(n=a.n, k=a.k, raw_alpha=a.raw_alpha, std_alpha=a.std_alpha,
                   ci_low=a.ci[0], ci_high=a.ci[1])
        try:
            row["omega_total"] = omega(x).omega_total
        except ValueError as exc:
            warnings.warn(f"{sub.id}: no omega ({exc})", DegenerateDataWarning, stacklevel=2)
        rows.append(row)
    table = pd.DataFrame(rows).set_index("subscale")
    return ReliabilityTable(instrument.id, wave, table, alphas, instrument_obj=instrument,
                            sample="pooled" if gcol is not None else "all",
                            group_column=gcol)

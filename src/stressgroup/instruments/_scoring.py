"""Vectorised scoring of an instrument's subscales and total."""

from __future__ import annotations

import math
import warnings
from typing import Protocol

import numpy as np
import pandas as pd

from ..core.errors import DataError, DataQualityWarning
from ._schema import Instrument, Subscale, load_instrument

__all__ = ["score", "key_items", "as_frame", "absent_items"]


class _HasData(Protocol):
    """What scoring needs of a ``stressgroup.io.Responses`` (duck typed: io is a stage above)."""

    data: pd.DataFrame


def as_frame(responses: "_HasData | pd.DataFrame") -> pd.DataFrame:
    """Return the DataFrame behind a :class:`Responses` (or the frame itself)."""
    data = getattr(responses, "data", responses)
    if not isinstance(data, pd.DataFrame):
        raise TypeError("responses must be a Responses object or a pandas DataFrame, "
                        f"not {type(responses).__name__}")
    return data


def _numeric(data: pd.DataFrame, col: str, instrument: Instrument) -> np.ndarray:
    """The column as floats (callers never write into the array returned)."""
    column = data[col]
    if column.dtype == np.float64:   # the loader's item columns: nothing to convert
        return column.to_numpy()
    try:
        return np.array(pd.to_numeric(data[col], errors="raise").to_numpy(
            dtype=float, na_value=np.nan), dtype=float, copy=True)
    except (TypeError, ValueError):
        raise DataError(
            f"item column {col!r} holds text; load the file with read_survey(), which "
            "converts answers and lists the cells it cannot read") from None


def _check_range(x: np.ndarray, lo: float, hi: float, col: str, instrument: Instrument
                 ) -> None:
    bad = (x < lo) | (x > hi)
    if bad.any():
        r = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{int(bad.sum())} answer(s) lie outside the declared range {lo:g}-{hi:g} of "
            f"{instrument.id!r}, e.g. {x[r]:g} in column {col!r} (position {r} in the data); read the file "
            "with read_survey(), which sets such cells to missing and lists them")


def _item_score(data: pd.DataFrame, item: str, instrument: Instrument) -> np.ndarray:
    """Score of one item before reverse keying (value maps, counts, sums applied)."""
    spec = instrument.item_spec(item)
    if spec.kind == "sum":
        if item in data.columns and not set(spec.sub_items) <= set(data.columns):
            x = _numeric(data, item, instrument)
            _check_range(x, spec.min, spec.max, item, instrument)
            return x
        parts = [_numeric(data, c, instrument) for c in spec.sub_items]
        for c, x in zip(spec.sub_items, parts):
            _check_range(x, spec.sub_min, spec.sub_max, c, instrument)
        return np.sum(parts, axis=0)  # NaN when any sub-item is missing
    if spec.kind == "count":
        if item in data.columns:
            x = _numeric(data, item, instrument)
            _check_range(x, spec.min, spec.max, item, instrument)
            return x
        cols = [f"{item}_{k}" for k in range(1, len(spec.options) + 1)]
        ticks = np.column_stack([_numeric(data, c, instrument) for c in cols])
        for c, x in zip(cols, ticks.T):
            _check_range(x, 0, 1, c, instrument)
        counted = [k for k, o in enumerate(spec.options) if o != spec.none]
        with np.errstate(invalid="ignore"):
            count = np.nansum(ticks[:, counted], axis=1)
        count[np.isnan(ticks).all(axis=1)] = np.nan
        if spec.none is not None:
            none_col = ticks[:, spec.options.index(spec.none)]
            count[none_col == 1] = 0.0
            both = (none_col == 1) & (np.nansum(ticks[:, counted], axis=1) > 0)
            if both.any():
                rows = ", ".join(str(r) for r in data.index[both][:10])
                warnings.warn(
                    f"{item}: {spec.none!r} is ticked together with other options in "
                    f"{int(both.sum())} row(s) (index {rows}); those answers are set to "
                    "missing", DataQualityWarning, stacklevel=4)
                count[both] = np.nan
        return count
    x = _numeric(data, item, instrument)
    if spec.values:
        known = np.isin(x, list(spec.values)) | np.isnan(x)
        if not known.all():
            r = int(np.flatnonzero(~known)[0])
            raise DataError(
                f"answer {x[r]:g} in column {item!r} (position {r} in the data) is not one of the answers "
                f"{sorted(spec.values)} that {instrument.id!r} scores for this item")
        out = np.full(x.shape, np.nan)
        ok = ~np.isnan(x)
        out[ok] = [spec.values[v] for v in x[ok]]
        return out
    _check_range(x, spec.min, spec.max, item, instrument)
    return x


def _has_column(data: pd.DataFrame, item: str, instrument: Instrument) -> bool:
    """True when ``data`` holds a column (or the sub-item / option columns) for ``item``."""
    if item in data.columns:
        return True
    spec = instrument.item_spec(item)
    if spec.kind == "sum":
        return set(spec.sub_items) <= set(data.columns)
    if spec.kind == "count":
        return {f"{item}_{k}" for k in range(1, len(spec.options) + 1)} <= set(data.columns)
    return False


def absent_items(responses: "_HasData | pd.DataFrame", instrument: Instrument
                 ) -> tuple[str, ...]:
    """The instrument's items that are *structurally absent*: no column in the data.

    An absent item differs from an unanswered one (a column of missing answers): the
    questionnaire that was given did not ask it. For a :class:`Responses` the loader's
    record counts too (``report.items_missing``: items it could not find in a file or
    a wave, whose columns it filled with missing answers).

    Returns
    -------
    tuple of str
        In questionnaire order.

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup import load_instrument
    >>> from stressgroup.instruments._scoring import absent_items
    >>> inst = load_instrument("five-level-stress")
    >>> absent_items(pd.DataFrame({i: [3.0] for i in inst.item_ids[5:]}), inst)
    ('IND1', 'IND2', 'IND3', 'IND4', 'IND5')
    """
    data = as_frame(responses)
    recorded = set(getattr(responses, "absent_items", None) or ())
    return tuple(it for it in instrument.item_ids
                 if it in recorded or not _has_column(data, it, instrument))


def key_items(data: pd.DataFrame, instrument: Instrument,
              items: "tuple[str, ...] | list[str] | None" = None, *,
              absent: "tuple[str, ...] | list[str] | set[str]" = ()) -> pd.DataFrame:
    """Return the keyed item scores: reverse items become ``min + max - x``.

    The declared response range of the instrument is used, never the
    observed one. Items with a value map, count items (options ticked) and
    sum items (sub-items added) are scored first. Values outside the declared
    range raise :class:`DataError` (loaders set them to missing and list them
    first).

    Parameters
    ----------
    data : DataFrame
        One column per item (sub-item, or option for count items given as
        ``<item>_1 ... <item>_k`` 0/1 columns); other columns are ignored.
    instrument : Instrument
    items : sequence of str, optional
        Items to return (default: all the instrument's items).
    absent : sequence of str, optional
        Items known to be structurally absent (see :func:`absent_items`): returned as
        missing (NaN) instead of raising when they have no column.

    Returns
    -------
    DataFrame
        Float columns in the order of ``items``.

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup import load_instrument
    >>> from stressgroup.instruments import key_items
    >>> inst = load_instrument("five-level-stress")
    >>> key_items(pd.DataFrame({"IND4": [1.0, 5.0, None]}), inst, ["IND4"])["IND4"].tolist()
    [5.0, 1.0, nan]
    """
    items = list(instrument.item_ids if items is None else items)
    absent = set(absent)
    needed = []
    for it in items:
        spec = instrument.item_spec(it)
        if it in data.columns or it in absent:
            continue
        if spec.kind == "sum":
            needed += [c for c in spec.sub_items if c not in data.columns]
        elif spec.kind == "count":
            cols = [f"{it}_{k}" for k in range(1, len(spec.options) + 1)]
            if not set(cols) <= set(data.columns):
                needed.append(it)
        else:
            needed.append(it)
    if needed:
        raise DataError(
            f"the data has no column for item(s) {', '.join(needed)} of instrument "
            f"{instrument.id!r}; name the columns after the item ids or map them with "
            "columns= / read_survey, or pass allow_absent_items=True to score each scale "
            "from the items it has (marked incomplete)")
    rev = set(instrument.reverse_items)
    # one (item, row) block, handed to pandas without a copy: the frame's columns are
    # its rows (a million people: no dict of columns consolidated afterwards)
    block = np.empty((len(items), len(data)))
    for j, it in enumerate(items):
        if it in absent:
            block[j] = np.nan
            continue
        x = _item_score(data, it, instrument)
        if it in rev:
            lo, hi = instrument.item_spec(it).score_range
            x = lo + hi - x
        block[j] = x
    return pd.DataFrame(block.T, index=data.index, columns=items, copy=False)


def _index_values(x: np.ndarray, idx) -> np.ndarray:
    answered = (~np.isnan(x)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if idx.type == "mean":
            v = np.nansum(x, axis=1) / answered
        elif idx.type == "sum":
            v = np.nansum(x, axis=1)
        elif idx.type == "count_at_least":
            v = (x >= idx.value).sum(axis=1).astype(float)
        else:  # mean_at_least
            hit = x >= idx.value
            v = np.where(hit, x, 0.0).sum(axis=1) / hit.sum(axis=1)
    return np.where(answered >= idx.min_items, v, np.nan)


def _score_block(keyed: np.ndarray, cols: "list[int]", sub: Subscale, n_absent: int = 0
                 ) -> tuple[np.ndarray, np.ndarray]:
    # item by item, as numpy's nansum adds the columns of this (column-major) block:
    # the same sums to the bit, without copying the block or its NaN mask
    n = keyed.shape[0]
    total = np.zeros(n)
    answered = np.zeros(n, dtype=np.intp)
    for j in cols:
        col = keyed[:, j]
        ok = ~np.isnan(col)
        answered += ok
        total += np.where(ok, col, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / answered
    # with absent items (allowed), the share that must be answered is of the present ones
    need = sub.min_items if not n_absent else max(
        1, math.ceil(round(sub.min_answered * (sub.k - n_absent), 9)))
    ok = answered >= need
    if sub.scoring == "mean":
        value = mean
    else:
        # a sum with missing items is prorated: mean of answered items times k
        value = np.where(answered == sub.k, total, mean * sub.k)
    return np.where(ok, value, np.nan), answered


def score(responses: "_HasData | pd.DataFrame", instrument: "Instrument | str",
          *, keep: "list[str] | tuple[str, ...] | None" = None,
          allow_absent_items: bool = False) -> pd.DataFrame:
    """Score every subscale and the total of an instrument.

    Parameters
    ----------
    responses : Responses or DataFrame
        One row per person per wave with ``id``, ``wave`` (optional) and one
        column per item.
    instrument : Instrument or str
        An instrument or the id/path passed to :func:`load_instrument`.
    keep : list of str, optional
        Extra columns to carry over (for example ``["group"]``).
    allow_absent_items : bool
        An item with no column in the data is *structurally absent* (see
        :func:`absent_items`). By default a scale with an absent item is not scored
        (NaN), and a plain DataFrame lacking item columns raises DataError. With
        True, such a scale is scored from its present items and marked incomplete.

    Returns
    -------
    DataFrame
        ``id``, ``wave``, the ``keep`` columns, one column per subscale and
        the total (the score, NaN when too few items were answered), one
        column per instrument index (e.g. SCL-90 ``gsi``, ``positive_items``,
        ``psdi``), and one ``<subscale>_answered`` column per score with the
        number of answered items. ``.attrs["absent_items"]`` maps each scale
        with absent items to them (empty when none), and ``.attrs["incomplete"]``
        lists the scales scored without them (``allow_absent_items=True``).

    Notes
    -----
    Reverse-keyed items are keyed as ``min + max - x`` from the declared
    range. A score needs at least ``ceil(min_answered * k)`` answered items.
    ``mean`` scoring averages the answered keyed items; ``sum`` scoring adds
    them, prorating a partly answered scale as ``mean * k`` (the same rule
    as ``mean``). The total is scored from all its items, not as the mean of
    the subscale means. An incomplete scale (absent items allowed) needs
    ``ceil(min_answered * k_present)`` answered items; its mean is that of the
    answered present items, its sum is prorated to all ``k`` items.

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup import load_instrument, score
    >>> inst = load_instrument("five-level-stress")
    >>> row = {i: 3.0 for i in inst.item_ids}
    >>> row.update(IND1=5.0, IND4=1.0, IND5=None)  # IND4 is reverse-keyed
    >>> s = score(pd.DataFrame([dict(id="001", wave="pre", **row)]), inst)
    >>> float(s.loc[0, "individual"]), int(s.loc[0, "individual_answered"])
    (4.0, 4)
    """
    return score_and_key(responses, instrument, keep=keep,
                         allow_absent_items=allow_absent_items)[0]


def score_and_key(responses, instrument: "Instrument | str", *,
                  keep: "list[str] | tuple[str, ...] | None" = None,
                  allow_absent_items: bool = False) -> "tuple[pd.DataFrame, pd.DataFrame]":
    """:func:`score` and the keyed items it scored (:func:`key_items` with the absent
    items as missing), for a caller that needs both (keying a million rows twice costs)."""
    instrument = load_instrument(instrument)
    data = as_frame(responses)
    if not isinstance(allow_absent_items, bool):
        raise TypeError("allow_absent_items must be True or False")
    recorded = set(getattr(responses, "absent_items", None) or ())
    absent = absent_items(responses, instrument)
    # a plain frame lacking columns raises unless allowed (key_items names the items)
    keyed = key_items(data, instrument, absent=absent if allow_absent_items else recorded)
    gone = set(absent)
    idx = {it: j for j, it in enumerate(instrument.item_ids)}
    x = keyed.to_numpy()
    out = pd.DataFrame(index=data.index)
    for col in ("id", "wave", *(keep or ())):
        if col in data.columns:
            out[col] = data[col]
    counts = {}
    absent_by: dict[str, list[str]] = {}
    incomplete: list[str] = []
    for sub in instrument.scored:
        missing = [i for i in sub.items if i in gone]
        value, answered = _score_block(x, [idx[i] for i in sub.items], sub, len(missing))
        if missing:
            absent_by[sub.id] = missing
            if allow_absent_items and len(missing) < sub.k:
                incomplete.append(sub.id)
            else:
                value = np.full(len(data), np.nan)
        out[sub.id] = value
        counts[f"{sub.id}_answered"] = answered
    for ix in instrument.indices:
        out[ix.id] = _index_values(x[:, [idx[i] for i in ix.items]], ix)
    for k, v in counts.items():
        out[k] = v
    out.attrs["absent_items"] = absent_by
    out.attrs["incomplete"] = incomplete
    return out, keyed


def rows_of(frame: pd.DataFrame, rows: np.ndarray):
    """``cols -> frame.iloc[rows][cols]``: the block of those rows and columns, taken in
    one copy (no copy of every column's rows first), laid out as pandas lays it out
    (column-major), so that the numbers computed from it are the same to the bit."""
    values = frame.to_numpy(dtype=float)   # a view when the items are one block
    where = {c: j for j, c in enumerate(frame.columns)}

    by_item = values.T   # (items, rows), each item's values contiguous

    def take(cols: list) -> pd.DataFrame:
        block = np.empty((len(cols), len(rows)))
        for j, c in enumerate(cols):   # a gather per item, into its row of the block
            np.take(by_item[where[c]], rows, out=block[j])
        return pd.DataFrame(block.T, index=frame.index[rows], columns=cols, copy=False)

    return take

"""Vectorised scoring of an instrument's subscales and total."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import DataError
from ._schema import Instrument, Subscale, load_instrument

if TYPE_CHECKING:  # pragma: no cover
    from ..io import Responses

__all__ = ["score", "key_items", "as_frame"]


def as_frame(responses: "Responses | pd.DataFrame") -> pd.DataFrame:
    """Return the DataFrame behind a :class:`Responses` (or the frame itself)."""
    data = getattr(responses, "data", responses)
    if not isinstance(data, pd.DataFrame):
        raise TypeError("responses must be a Responses object or a pandas DataFrame, "
                        f"not {type(responses).__name__}")
    return data


def key_items(data: pd.DataFrame, instrument: Instrument,
              items: "tuple[str, ...] | list[str] | None" = None) -> pd.DataFrame:
    """Return the keyed item values: reverse items become ``min + max - x``.

    The declared response range of the instrument is used, never the
    observed one. Values outside the declared range raise :class:`DataError`
    (loaders set them to missing and list them first).

    Parameters
    ----------
    data : DataFrame
        One column per item (other columns are ignored).
    instrument : Instrument
    items : sequence of str, optional
        Items to return (default: all the instrument's items).

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
    missing = [i for i in items if i not in data.columns]
    if missing:
        raise DataError(
            f"the data has no column for item(s) {', '.join(missing)} of instrument "
            f"{instrument.id!r}; name the columns after the item ids or map them with "
            "columns= / read_survey")
    block = data[items]
    try:
        x = np.array(block.to_numpy(dtype=float, na_value=np.nan), dtype=float, copy=True)
    except (TypeError, ValueError):
        bad = [c for c in items if not pd.api.types.is_numeric_dtype(block[c])]
        raise DataError(
            f"item column(s) {', '.join(bad)} hold text; load the file with "
            "read_survey(), which converts answers and lists the cells it cannot read"
        ) from None
    lo, hi = instrument.response_min, instrument.response_max
    out_of_range = (x < lo) | (x > hi)
    if out_of_range.any():
        r, c = np.argwhere(out_of_range)[0]
        raise DataError(
            f"{int(out_of_range.sum())} answer(s) lie outside the declared range "
            f"{lo:g}-{hi:g} of {instrument.id!r}, e.g. {x[r, c]:g} in column {items[c]!r} "
            f"(row {r}); read the file with read_survey(), which sets such cells to "
            "missing and lists them")
    rev = set(instrument.reverse_items)
    cols = [j for j, it in enumerate(items) if it in rev]
    if cols:
        x[:, cols] = lo + hi - x[:, cols]
    return pd.DataFrame(x, columns=items, index=data.index)


def _score_block(keyed: np.ndarray, sub: Subscale) -> tuple[np.ndarray, np.ndarray]:
    answered = (~np.isnan(keyed)).sum(axis=1)
    total = np.nansum(keyed, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / answered
    ok = answered >= sub.min_items
    if sub.scoring == "mean":
        value = mean
    else:
        # a sum with missing items is prorated: mean of answered items times k
        value = np.where(answered == sub.k, total, mean * sub.k)
    return np.where(ok, value, np.nan), answered


def score(responses: "Responses | pd.DataFrame", instrument: "Instrument | str",
          *, keep: "list[str] | tuple[str, ...] | None" = None) -> pd.DataFrame:
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

    Returns
    -------
    DataFrame
        ``id``, ``wave``, the ``keep`` columns, one column per subscale and
        the total (the score, NaN when too few items were answered), and one
        ``<subscale>_answered`` column per score with the number of answered
        items.

    Notes
    -----
    Reverse-keyed items are keyed as ``min + max - x`` from the declared
    range. A score needs at least ``ceil(min_answered * k)`` answered items.
    ``mean`` scoring averages the answered keyed items; ``sum`` scoring adds
    them, prorating a partly answered scale as ``mean * k`` (the same rule
    as ``mean``). The total is scored from all its items, not as the mean of
    the subscale means.

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
    instrument = load_instrument(instrument)
    data = as_frame(responses)
    keyed = key_items(data, instrument)
    idx = {it: j for j, it in enumerate(instrument.item_ids)}
    x = keyed.to_numpy()
    out = pd.DataFrame(index=data.index)
    for col in ("id", "wave", *(keep or ())):
        if col in data.columns:
            out[col] = data[col]
    counts = {}
    for sub in instrument.scored:
        value, answered = _score_block(x[:, [idx[i] for i in sub.items]], sub)
        out[sub.id] = value
        counts[f"{sub.id}_answered"] = answered
    for k, v in counts.items():
        out[k] = v
    return out

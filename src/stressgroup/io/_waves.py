"""Waves: the wave of every row (a column, ``wave=``, or none for a wide file), their order."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..core.errors import DataError
from ..core.vocab import WAVE_ORDER
from ._columns import find_column, find_wave_column
from ._convert import map_distinct
from ._options import Options
from ._sources import RawTable
from ._text import mask_personal, nfkc, normalise_wave

__all__ = ["fixed_wave", "row_waves", "unknown_wave_notes", "wave_categorical",
           "wave_categorical_codes", "wave_column", "wave_rank", "waves_of"]


def fixed_wave(opt: Options) -> str | None:
    """The normalised ``wave=`` of the call, or None."""
    if opt.wave is None:
        return None
    fixed = normalise_wave(str(opt.wave))
    if fixed is None:
        raise ValueError(f"wave={opt.wave!r} is not a wave label; use e.g. 'pre' or 'post'")
    return fixed


def wave_column(raw: RawTable, opt: Options, rest: Sequence[str], fixed: str | None,
                notes: list[str]) -> str | None:
    """The wave column among ``rest`` (``wave_col=``, the reader's hint, or by its name).

    With ``wave=`` too, the column must agree with it (it is then not kept).
    """
    file, meta = raw.file, raw.meta
    if opt.wave_col is not None:
        wcol = find_column(rest, str(opt.wave_col), what="wave", param="wave_col", file=file)
    elif meta.get("wave_column") in rest:
        wcol = meta["wave_column"]
    else:
        wcol = find_wave_column(rest, raw.cells)
    if wcol is not None and fixed is not None:
        seen = set(waves_of(raw, wcol).tolist()) - {None}
        if seen - {fixed}:
            raise DataError(
                f"{file}: wave={opt.wave!r} was given, but column {wcol!r} holds the waves "
                f"{', '.join(sorted(map(str, seen)))}. Give either one file per wave with wave= "
                "(or read_waves), or leave wave= out to use the column.")
        notes.append(f"{file}: column {wcol!r} agrees with wave={fixed!r} and was not kept")
    return wcol


def row_waves(raw: RawTable, wcol: str | None, fixed: str | None) -> np.ndarray:
    """The wave of each row: from the column, else ``fixed`` (None in a wide file)."""
    if wcol is not None and fixed is None:
        return waves_of(raw, wcol)
    return np.full(raw.n_rows, fixed, dtype=object)


def waves_of(raw: RawTable, wcol: str) -> np.ndarray:
    """Wave labels of a column, through the reader's ``meta["wave_map"]`` when it has one."""
    wave_map = {nfkc(str(k)).strip(): str(v) for k, v in (raw.meta.get("wave_map") or {}).items()}
    return map_distinct(raw.cells[wcol],
                         lambda v: normalise_wave(wave_map.get(nfkc(v).strip(), v)))


def wave_categorical(values: Sequence[str] | np.ndarray) -> pd.Categorical:
    """Wave labels as an ordered Categorical: pre < post < follow-up, then the other
    labels in order of appearance."""
    arr = np.asarray(values, dtype=object) if len(values) else np.zeros(0, dtype=object)
    codes, uniques = pd.factorize(arr, sort=False)
    if (codes < 0).any():   # a missing label: as the plain construction has it
        present = list(dict.fromkeys(arr.tolist()))
        known = [w for w in WAVE_ORDER if w in present]
        other = [w for w in present if w not in WAVE_ORDER]
        return pd.Categorical(arr.tolist(), categories=known + other, ordered=True)
    return _ordered(codes, uniques.tolist())


def wave_categorical_codes(codes: np.ndarray, labels: Sequence[str]) -> pd.Categorical:
    """``wave_categorical([labels[c] for c in codes])``, from the codes (distinct labels)."""
    codes = np.asarray(codes)
    seen = pd.unique(codes).astype(np.int64) if len(codes) else np.zeros(0, np.int64)
    first = np.full(len(labels), -1, dtype=np.int8 if len(labels) < 127 else np.int64)
    first[seen] = np.arange(len(seen))
    return _ordered(first[codes] if len(codes) else np.zeros(0, dtype=np.int64),
                    [labels[c] for c in seen.tolist()])


def _ordered(codes: np.ndarray, present: list[str]) -> pd.Categorical:
    """The Categorical of ``present[codes]`` (``present``: the labels in order of appearance)."""
    known = [w for w in WAVE_ORDER if w in present]
    other = [w for w in present if w not in WAVE_ORDER]
    categories = known + other
    at = {w: k for k, w in enumerate(categories)}
    recode = np.array([at[w] for w in present],
                      dtype=np.int8 if len(categories) < 127 else np.int64)
    return pd.Categorical.from_codes(recode[codes] if len(codes) else codes, categories=categories,
                                     ordered=True)


def wave_rank(wave: str) -> tuple[int, str]:
    return (WAVE_ORDER.index(wave), "") if wave in WAVE_ORDER else (len(WAVE_ORDER), wave)


def unknown_wave_notes(file: str, raw: RawTable, waves: np.ndarray,
                        skip: np.ndarray) -> list[str]:
    """One note per wave label that is not pre/post/follow-up (a typo such as 'psot'?)."""
    codes, uniques = pd.factorize(np.asarray(waves, dtype=object), sort=False)   # None: -1
    odd = np.array([u not in WAVE_ORDER for u in uniques.tolist()] + [False], dtype=bool)
    look = odd[codes] & ~skip
    out = []
    for label in dict.fromkeys(waves[look].tolist()):
        idx = np.flatnonzero(look & (waves == label))
        rows = ", ".join(str(int(r)) for r in raw.rows[idx[:5]]) + (", ..." if len(idx) > 5 else "")
        out.append(f"{file}: wave label {mask_personal(str(label))!r} ({len(idx)} "
                   f"row{'s' if len(idx) != 1 else ''}: {rows}) is not a known wave "
                   f"({', '.join(WAVE_ORDER)}); check for a typo")
    return out

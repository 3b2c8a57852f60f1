"""Options of one load and what a load returns; the parameter checks."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ._report import LoadReport
from ._scale import Scale
from ._sources import RawTable

__all__ = ["Job", "Loaded", "Options", "check_choice", "resolve_instrument"]


def check_choice(name: str, value: Any, choices: Sequence[str]) -> None:
    """ValueError naming ``name`` unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{name}={value!r} is not valid; use one of "
                         + ", ".join(repr(c) for c in choices))


_INSTRUMENTS: dict[str, tuple[Any, Any]] = {}   # name or path -> (mtime, instrument)


def resolve_instrument(instrument: Any) -> Any:
    """An instrument object from a name, a path (cached until the file changes) or itself."""
    if instrument is None:
        return None
    if isinstance(instrument, (str, os.PathLike)):
        from ..instruments import load_instrument  # lazy: io does not need it otherwise

        key = os.fspath(instrument)
        try:
            stamp = os.stat(key).st_mtime_ns   # a file: reload when it changes
        except OSError:
            stamp = None                       # a built-in name
        hit = _INSTRUMENTS.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        inst = load_instrument(instrument)
        _INSTRUMENTS[key] = (stamp, inst)
        return inst
    if not hasattr(instrument, "item_ids"):
        raise TypeError("instrument must be an instrument name, a path to an instrument "
                        "file or an instrument object with .item_ids, not "
                        f"{type(instrument).__name__}")
    return instrument


@dataclass
class Options:
    """The options of one ``read_survey`` call, as a loader uses them."""

    id_col: str | Sequence[str] | None
    wave: str | None
    wave_col: str | None
    columns: Mapping[str, str] | None
    duplicates: str
    pii: str
    salt: str
    salt_given: bool


@dataclass
class Loaded:
    """One file loaded: its rows, its report, its items and the warnings to give."""

    data: pd.DataFrame
    report: LoadReport
    item_ids: tuple[str, ...]
    warnings: list[str] = field(default_factory=list)


@dataclass
class Job:
    """One file being loaded: the table, the scale, the options, and the notes and warnings
    the steps add as they go (in that order in the report)."""

    raw: RawTable
    scale: Scale
    opt: Options
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def file(self) -> str:
        return self.raw.file

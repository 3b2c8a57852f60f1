"""Instruments: the YAML schema, the built-in instruments and scoring."""

from typing import TYPE_CHECKING

from ..core.lazy import attach

_EXPORTS = {
    "._schema": ["Band", "Condition", "Index", "Instrument", "ItemSpec", "Norm", "Screening",
                 "Subscale", "builtin_instrument_ids", "list_instruments", "load_instrument"],
    "._scoring": ["key_items", "score"],
}
__getattr__, __dir__, _ = attach(__name__, _EXPORTS)

if TYPE_CHECKING:  # the same names, for type checkers and IDEs
    from ._schema import (Band, Condition, Index, Instrument, ItemSpec, Norm, Screening, Subscale,
                          builtin_instrument_ids, list_instruments, load_instrument)
    from ._scoring import key_items, score

__all__ = ["Instrument", "Subscale", "ItemSpec", "Norm", "Band", "Index", "Condition",
           "Screening", "load_instrument", "list_instruments",
           "builtin_instrument_ids", "score", "key_items"]

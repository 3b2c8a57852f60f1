"""Loading survey exports into :class:`Responses` (one row per person per wave).

``read_survey`` reads one file (CSV/TSV, Excel) or DataFrame; ``read_waves`` reads
one file per wave. Every load carries a :class:`LoadReport` listing what was read,
kept, excluded and altered, with spreadsheet row numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.lazy import attach

_EXPORTS = {
    "._read": ["read_survey", "read_waves"],
    "._report": ["FileReport", "LoadReport"],
    "._responses": ["Responses"],
    "._score_file": ["ScoreFileResult", "score_file"],
}
__getattr__, __dir__, _ = attach(__name__, _EXPORTS)

if TYPE_CHECKING:  # the same names, for type checkers and IDEs
    from ._read import read_survey, read_waves
    from ._report import FileReport, LoadReport  # noqa: F401  (FileReport: stressgroup.io.FileReport)
    from ._responses import Responses
    from ._score_file import ScoreFileResult, score_file

__all__ = ["read_survey", "read_waves", "Responses", "LoadReport", "score_file",
           "ScoreFileResult"]

"""stressgroup: evaluate group work with questionnaires.

Load survey exports, score instruments (subscales, reverse keys, missing
items), check reliability, test pre/post change per group, and report.

Examples
--------
>>> import stressgroup as sg
>>> sg.load_instrument("five-level-stress").id
'five-level-stress'
"""

from __future__ import annotations

from .analysis import (Evaluation, GroupEvaluation, PairedTestResult, ReliableChangeResult,
                       ScreeningResult, adjust_p, evaluate, paired_test, person_history,
                       reliable_change, screen)
from .core.errors import (DataError, DataQualityWarning, DegenerateDataWarning, InstrumentError,
                     StressgroupError, StressgroupWarning)
from .instruments import Instrument, Subscale, list_instruments, load_instrument, score
from .io import LoadReport, Responses, read_survey, read_waves
from .reliability import (AlphaResult, OmegaResult, ReliabilityTable, cronbach_alpha, omega,
                          reliability)

from .core import __version__

__all__ = [
    "read_survey", "read_waves", "Responses", "LoadReport",
    "load_instrument", "list_instruments", "Instrument", "Subscale", "score",
    "cronbach_alpha", "AlphaResult", "omega", "OmegaResult", "reliability",
    "ReliabilityTable",
    "paired_test", "PairedTestResult", "reliable_change", "ReliableChangeResult",
    "adjust_p", "evaluate", "Evaluation", "GroupEvaluation",
    "screen", "ScreeningResult", "person_history",
    "StressgroupError", "DataError", "InstrumentError", "StressgroupWarning",
    "DegenerateDataWarning", "DataQualityWarning",
    "__version__",
]

"""Analysis of change: paired tests, effect sizes, reliable change, evaluation."""

from ._change import ReliableChangeResult, adjust_p, reliable_change
from ._evaluate import Evaluation, GroupEvaluation, evaluate
from ._paired import PairedTestResult, hedges_j, paired_test
from ._screening import ScreeningResult, band_of, person_history, screen
from ._sections import section_names

__all__ = ["paired_test", "PairedTestResult", "hedges_j", "reliable_change",
           "ReliableChangeResult", "adjust_p", "evaluate", "Evaluation", "GroupEvaluation",
           "screen", "ScreeningResult", "person_history", "band_of", "section_names"]

"""stressgroup: evaluate group work with questionnaires.

Load survey exports, score instruments (subscales, reverse keys, missing items), check
reliability and validity, test pre/post change per group and against a control group, and
write thesis-ready reports.

Examples
--------
>>> import stressgroup as sg
>>> sg.load_instrument("five-level-stress").id
'five-level-stress'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import analysis, core, instruments, io, report  # noqa: F401  (cheap: lazy)
from .core import __version__
from .core.document import Document
from .core.errors import (DataError, DataQualityWarning, DegenerateDataWarning, FontWarning,
                          InstrumentError, MeasurementWarning, StressgroupError,
                          StressgroupWarning)
from .core.lazy import attach

_EXPORTS = {
    ".analysis": ["AncovaResult", "BaselineEquivalenceResult", "ChangeEffectsResult",
                  "ClinicalSignificanceResult", "Evaluation", "GroupEvaluation", "LmmResult",
                  "MixedAnovaResult", "PairedEffectSizes", "PairedTestResult",
                  "PermutationTestResult", "PowerResult", "ReliableChangeResult",
                  "ScreeningResult", "ShapiroWilkResult", "WilcoxonExactResult", "adjust_p",
                  "ancova", "baseline_equivalence", "change_effect_sizes",
                  "clinical_significance", "evaluate", "lmm", "mixed_anova",
                  "paired_effect_sizes", "paired_test", "permutation_test", "person_history",
                  "power_paired", "reliable_change", "screen", "shapiro_wilk",
                  "wilcoxon_exact", "profile", "ProfileResult", "subgroup_differences",
                  "SubgroupResult", "sample_description", "SampleDescription",
                  "band_transitions", "TransitionResult"],
    ".instruments": ["Instrument", "Subscale", "list_instruments", "load_instrument", "score"],
    ".io": ["LoadReport", "Responses", "ScoreFileResult", "read_survey", "read_waves",
            "score_file"],
    ".reliability": ["AlphaResult", "BartlettResult", "CFAResult", "EFAResult", "ICCResult",
                     "KMOResult", "OmegaHierarchicalResult", "OmegaResult", "ParallelResult",
                     "ReliabilityTable", "SplitHalfResult", "ValidityResult", "bartlett",
                     "cfa", "cfa_model", "cronbach_alpha", "efa", "icc", "icc_matrix", "kmo",
                     "omega", "omega_hierarchical", "parallel_analysis", "split_half",
                     "validity"],
    ".report": ["write_report"],
}
__getattr__, __dir__, _ = attach(__name__, _EXPORTS)

# ``reliability`` is both a subpackage and a function: bound now, once the subpackage is
# imported, so that a later import of the subpackage cannot shadow the function
from .reliability import reliability  # noqa: E402

if TYPE_CHECKING:  # the same names, for type checkers and IDEs
    from .analysis import (AncovaResult, BaselineEquivalenceResult, ChangeEffectsResult,
                           ClinicalSignificanceResult, Evaluation, GroupEvaluation, LmmResult,
                           MixedAnovaResult, PairedEffectSizes, PairedTestResult,
                           PermutationTestResult, PowerResult, ReliableChangeResult,
                           ScreeningResult, ShapiroWilkResult, WilcoxonExactResult, adjust_p,
                           ancova, baseline_equivalence, change_effect_sizes,
                           clinical_significance, evaluate, lmm, mixed_anova, paired_effect_sizes,
                           paired_test, permutation_test, person_history, power_paired,
                           reliable_change, screen, shapiro_wilk, wilcoxon_exact, profile,
                           ProfileResult, subgroup_differences, SubgroupResult, sample_description,
                           SampleDescription, band_transitions, TransitionResult)
    from .instruments import Instrument, Subscale, list_instruments, load_instrument, score
    from .io import LoadReport, Responses, ScoreFileResult, read_survey, read_waves, score_file
    from .reliability import (AlphaResult, BartlettResult, CFAResult, EFAResult, ICCResult,
                              KMOResult, OmegaHierarchicalResult, OmegaResult, ParallelResult,
                              ReliabilityTable, SplitHalfResult, ValidityResult, bartlett, cfa,
                              cfa_model, cronbach_alpha, efa, icc, icc_matrix, kmo, omega,
                              omega_hierarchical, parallel_analysis, split_half, validity)
    from .report import write_report

__all__ = [
    # loading and scoring
    "read_survey", "read_waves", "Responses", "LoadReport",
    "load_instrument", "list_instruments", "Instrument", "Subscale", "score",
    "score_file", "ScoreFileResult",
    # reliability and validity
    "cronbach_alpha", "AlphaResult", "omega", "OmegaResult", "reliability",
    "ReliabilityTable", "omega_hierarchical", "OmegaHierarchicalResult", "split_half",
    "SplitHalfResult", "icc", "icc_matrix", "ICCResult", "cfa", "cfa_model", "CFAResult",
    "kmo", "KMOResult", "bartlett", "BartlettResult", "efa", "EFAResult",
    "parallel_analysis", "ParallelResult", "validity", "ValidityResult",
    # change
    "paired_test", "PairedTestResult", "reliable_change", "ReliableChangeResult",
    "adjust_p", "evaluate", "Evaluation", "GroupEvaluation",
    "permutation_test", "PermutationTestResult", "wilcoxon_exact", "WilcoxonExactResult",
    "shapiro_wilk", "ShapiroWilkResult", "power_paired", "PowerResult",
    "paired_effect_sizes", "PairedEffectSizes", "clinical_significance",
    "ClinicalSignificanceResult",
    "ancova", "AncovaResult", "mixed_anova", "MixedAnovaResult", "lmm", "LmmResult",
    "change_effect_sizes", "ChangeEffectsResult", "baseline_equivalence",
    "BaselineEquivalenceResult",
    # baseline profile, subgroups, sample
    "profile", "ProfileResult", "subgroup_differences", "SubgroupResult",
    "sample_description", "SampleDescription",
    # screening
    "screen", "ScreeningResult", "person_history", "band_transitions", "TransitionResult",
    # documents and reports
    "Document", "write_report",
    # errors and warnings
    "StressgroupError", "DataError", "InstrumentError", "StressgroupWarning",
    "DegenerateDataWarning", "DataQualityWarning", "MeasurementWarning", "FontWarning",
    "__version__",
]

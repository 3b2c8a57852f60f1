"""Analysis of change: paired tests, effect sizes, reliable change, evaluation."""

from ._ancova import AncovaResult, ancova
from ._mixed import LmmResult, MixedAnovaResult, lmm, mixed_anova
from ._between_effects import ChangeEffectsResult, change_effect_sizes
from ._equivalence import BaselineEquivalenceResult, baseline_equivalence
from ._change import ReliableChangeResult, adjust_p, reliable_change
from ._evaluate import Evaluation, GroupEvaluation, evaluate
from ._paired import PairedTestResult, hedges_j, paired_test
from ._screening import ScreeningResult, band_of, person_history, screen
from ._sections import section_names
from ._clinical import ClinicalSignificanceResult, clinical_significance, jacobson_truax_cutoffs
from ._effects import PairedEffectSizes, paired_effect_sizes
from ._permutation import (PermutationTestResult, ShapiroWilkResult, WilcoxonExactResult,
                           permutation_test, shapiro_wilk, wilcoxon_exact)
from ._power import PowerResult, paired_power, power_paired

__all__ = ["paired_test", "PairedTestResult", "hedges_j", "reliable_change",
           "ReliableChangeResult", "adjust_p", "evaluate", "Evaluation", "GroupEvaluation",
           "screen", "ScreeningResult", "person_history", "band_of", "section_names"]
__all__ += ["permutation_test", "PermutationTestResult", "wilcoxon_exact", "WilcoxonExactResult",
            "shapiro_wilk", "ShapiroWilkResult", "power_paired", "paired_power", "PowerResult",
            "paired_effect_sizes", "PairedEffectSizes", "clinical_significance",
            "ClinicalSignificanceResult", "jacobson_truax_cutoffs"]
__all__ += ["ancova", "AncovaResult", "mixed_anova", "MixedAnovaResult", "lmm", "LmmResult",
            "change_effect_sizes", "ChangeEffectsResult", "baseline_equivalence",
            "BaselineEquivalenceResult"]

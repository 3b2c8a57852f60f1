"""Analysis of change: paired tests, effect sizes, reliable change, evaluation."""

from typing import TYPE_CHECKING

from ..core.lazy import attach

_EXPORTS = {
    "._ancova": ["AncovaResult", "ancova"],
    "._mixed": ["LmmResult", "MixedAnovaResult", "lmm", "mixed_anova"],
    "._between_effects": ["ChangeEffectsResult", "change_effect_sizes"],
    "._equivalence": ["BaselineEquivalenceResult", "baseline_equivalence"],
    "._change": ["ReliableChangeResult", "adjust_p", "reliable_change"],
    "._evaluate": ["Evaluation", "GroupEvaluation", "evaluate"],
    "._paired": ["PairedTestResult", "hedges_j", "paired_test"],
    "._screening": ["ScreeningResult", "band_of", "person_history", "screen"],
    "._sections": ["section_names"],
    "._clinical": ["ClinicalSignificanceResult", "clinical_significance",
                   "jacobson_truax_cutoffs"],
    "._effects": ["PairedEffectSizes", "paired_effect_sizes"],
    "._permutation": ["PermutationTestResult", "ShapiroWilkResult", "WilcoxonExactResult",
                      "permutation_test", "shapiro_wilk", "wilcoxon_exact"],
    "._power": ["PowerResult", "paired_power", "power_paired"],
    "._profile": ["ProfileBlock", "ProfileResult", "profile"],
    "._sample": ["SampleDescription", "sample_description"],
    "._subgroups": ["SubgroupResult", "band_values", "subgroup_differences"],
    "._transitions": ["TransitionResult", "band_transitions"],
}
__getattr__, __dir__, _ = attach(__name__, _EXPORTS)

if TYPE_CHECKING:  # the same names, for type checkers and IDEs
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

    from ._profile import ProfileBlock, ProfileResult, profile
    from ._sample import SampleDescription, sample_description
    from ._subgroups import SubgroupResult, band_values, subgroup_differences
    from ._transitions import TransitionResult, band_transitions

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
__all__ += ["profile", "ProfileResult", "ProfileBlock", "subgroup_differences",
            "SubgroupResult", "band_values", "sample_description", "SampleDescription",
            "band_transitions", "TransitionResult"]

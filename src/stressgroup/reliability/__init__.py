"""Reliability and validity: alpha, omega, split-half, ICC, KMO, Bartlett, EFA, CFA
(R psych, lavaan and semTools conventions)."""

from typing import TYPE_CHECKING

from ..core.lazy import attach

_EXPORTS = {
    "._alpha": ["AlphaResult", "cronbach_alpha"],
    "._cfa": ["CFAResult", "cfa", "cfa_model"],
    "._efa": ["EFAResult", "ParallelResult", "efa", "parallel_analysis"],
    "._icc": ["ICCResult", "icc", "icc_matrix"],
    "._omega": ["OmegaResult", "omega"],
    "._omega_h": ["OmegaHierarchicalResult", "omega_hierarchical", "omega_hierarchical_items"],
    "._split_half": ["SplitHalfResult", "split_half"],
    "._table": ["ReliabilityTable", "reliability"],
    "._validity": ["BartlettResult", "KMOResult", "bartlett", "kmo"],
    "._validity_summary": ["ValidityResult", "validity"],
}
__getattr__, __dir__, _ = attach(__name__, _EXPORTS)

if TYPE_CHECKING:  # the same names, for type checkers and IDEs
    from ._alpha import AlphaResult, cronbach_alpha
    from ._cfa import CFAResult, cfa, cfa_model
    from ._efa import EFAResult, ParallelResult, efa, parallel_analysis
    from ._icc import ICCResult, icc, icc_matrix
    from ._omega import OmegaResult, omega
    from ._omega_h import OmegaHierarchicalResult, omega_hierarchical, omega_hierarchical_items
    from ._split_half import SplitHalfResult, split_half
    from ._table import ReliabilityTable, reliability
    from ._validity import BartlettResult, KMOResult, bartlett, kmo
    from ._validity_summary import ValidityResult, validity

__all__ = ["cronbach_alpha", "AlphaResult", "omega", "OmegaResult", "reliability",
           "ReliabilityTable", "cfa", "cfa_model", "CFAResult", "split_half",
           "SplitHalfResult", "icc", "icc_matrix", "ICCResult", "omega_hierarchical",
           "omega_hierarchical_items", "OmegaHierarchicalResult", "kmo", "KMOResult",
           "bartlett", "BartlettResult", "efa", "EFAResult", "parallel_analysis",
           "ParallelResult", "validity", "ValidityResult"]

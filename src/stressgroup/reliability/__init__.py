"""Reliability: Cronbach's alpha and McDonald's omega (psych conventions)."""

from ._alpha import AlphaResult, cronbach_alpha
from ._omega import OmegaResult, omega
from ._table import ReliabilityTable, reliability

__all__ = ["cronbach_alpha", "AlphaResult", "omega", "OmegaResult", "reliability",
           "ReliabilityTable"]
from ._validity import BartlettResult, KMOResult, bartlett, kmo
from ._efa import EFAResult, ParallelResult, efa, parallel_analysis

__all__ += ["kmo", "KMOResult", "bartlett", "BartlettResult", "efa", "EFAResult",
            "parallel_analysis", "ParallelResult"]

"""Reliability: Cronbach's alpha and McDonald's omega (psych conventions)."""

from ._alpha import AlphaResult, cronbach_alpha
from ._cfa import CFAResult, cfa, cfa_model
from ._omega import OmegaResult, omega
from ._table import ReliabilityTable, reliability

__all__ = ["cronbach_alpha", "AlphaResult", "omega", "OmegaResult", "reliability",
           "ReliabilityTable", "cfa", "cfa_model", "CFAResult"]

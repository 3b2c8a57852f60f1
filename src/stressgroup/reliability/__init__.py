"""Reliability: Cronbach's alpha and McDonald's omega (psych conventions)."""

from ._alpha import AlphaResult, cronbach_alpha
from ._omega import OmegaResult, omega
from ._table import ReliabilityTable, reliability

__all__ = ["cronbach_alpha", "AlphaResult", "omega", "OmegaResult", "reliability",
           "ReliabilityTable"]

"""Exception and warning classes (public path; defined in :mod:`stressgroup.core.errors`)."""

from .core.errors import (DataError, DataQualityWarning, DegenerateDataWarning, FontWarning,
                          InstrumentError, MeasurementWarning, StressgroupError,
                          StressgroupWarning)

__all__ = ["StressgroupError", "DataError", "InstrumentError", "StressgroupWarning",
           "DegenerateDataWarning", "DataQualityWarning", "MeasurementWarning", "FontWarning"]

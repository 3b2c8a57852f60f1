"""Exception and warning classes used across stressgroup.

Every problem a user can cause (a bad file, a bad instrument, a bad option)
raises a subclass of :class:`StressgroupError`; the command line turns these
into a short message and exit status 2, never a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "StressgroupError",
    "DataError",
    "InstrumentError",
    "StressgroupWarning",
    "DegenerateDataWarning",
    "DataQualityWarning",
    "FontWarning",
    "MeasurementWarning",
]


class StressgroupError(Exception):
    """Base class of every user-facing error raised by stressgroup."""


class DataError(StressgroupError, ValueError):
    """The data cannot be used as given.

    Parameters
    ----------
    message : str
        One paragraph saying what is wrong and what to do.
    problems : pandas.DataFrame, optional
        One row per failing cell or row (columns such as ``file``, ``row``,
        ``column``, ``value``, ``reason``), collected before raising so that
        the user sees every failure at once.
    """

    def __init__(self, message: str, problems: "pd.DataFrame | None" = None) -> None:
        super().__init__(message)
        self.problems = problems


class InstrumentError(StressgroupError, ValueError):
    """An instrument file breaks the schema.

    ``problems`` lists every problem found (each a string that names the key
    and, where known, the line of the YAML file).
    """

    def __init__(self, message: str, problems: "list[str] | None" = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


class StressgroupWarning(UserWarning):
    """Base class of warnings issued by stressgroup."""


class DegenerateDataWarning(StressgroupWarning):
    """A statistic is undefined or unstable for the data (zero variance, n < 3...)."""


class DataQualityWarning(StressgroupWarning):
    """Input data was altered or partly excluded (see the load report)."""


class FontWarning(StressgroupWarning):
    """No font can draw the requested labels (no CJK font for Chinese figure labels).

    The figures fall back to English labels; the message (in English and Chinese) says
    which font to install.
    """


class MeasurementWarning(StressgroupWarning):
    """A measurement model or method is questionable for these data.

    Issued by ``kmo``, ``bartlett``, ``efa`` and ``cfa``: a correlation or covariance matrix
    that is not positive definite, KMO below .6, fewer than about five people per item, a
    Heywood case, no convergence, a factor with fewer than 3 items. The result is still
    computed (as R psych and lavaan would); the message says what was done.
    """

"""Shared behaviour of result objects: ``to_frame``, ``repr``, JSON-safe values (core layer)."""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np

__all__ = ["ResultMixin", "jsonable", "quiet_numpy"]


def quiet_numpy(func):
    """Run ``func`` with numpy's floating-point and empty-slice warnings off.

    On tiny or constant data the statistics are NaN by design (and say so in
    their own :class:`~stressgroup.DegenerateDataWarning` where it matters);
    numpy's RuntimeWarnings about 0/0 would only add noise.
    """
    import functools
    import warnings

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return func(*args, **kwargs)

    return wrapper


def jsonable(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers to JSON-safe Python values.

    NaN and infinities become ``None`` so that ``json.dumps`` writes ``null``.
    """
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return None if not math.isfinite(f) else f
    if value is None or isinstance(value, str):
        return value
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    return str(value)


class ResultMixin:
    """Mixin giving a result dataclass a readable repr and an HTML view.

    Subclasses implement ``to_frame()`` and may set ``_title``.
    """

    _title: str = "Result"

    def to_frame(self):  # pragma: no cover - overridden
        raise NotImplementedError

    def _summary_lines(self) -> list[str]:
        return []

    def __repr__(self) -> str:
        import pandas as pd

        lines = [self._title]
        lines += self._summary_lines()
        with pd.option_context("display.width", 120, "display.max_columns", 30,
                               "display.precision", 4):
            lines.append(self.to_frame().to_string())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = f"<p><strong>{html.escape(self._title)}</strong></p>"
        extra = "".join(f"<p>{html.escape(s)}</p>" for s in self._summary_lines())
        table = self.to_frame().to_html(float_format=lambda x: f"{x:.4f}", na_rep="")
        return f"<div>{head}{extra}{table}</div>"

"""Shared behaviour of result objects: ``to_frame``, ``repr``, JSON-safe values (core layer)."""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np

__all__ = ["ResultMixin", "jsonable", "json_text", "quiet_numpy"]


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


def _scalar(value: Any) -> Any:
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


class _Scalars(list):
    """A list that :func:`jsonable` has made of JSON scalars only (str, int, float,
    bool, None): converting it again, or asking whether it nests, costs nothing."""

    __slots__ = ()


def _array(value: np.ndarray) -> list:
    kind = value.dtype.kind
    if kind == "f":
        out = value.astype(object)       # Python floats
        out[~np.isfinite(value)] = None
        return _Scalars(out.tolist())
    if kind in "biu":
        return _Scalars(value.tolist())
    return _sequence(value.tolist())


_PLAIN = frozenset({str, int, bool, type(None)})


def _sequence(values) -> list:
    # The common cases (str, int, float, None) are checked by exact type, without
    # recursion: per-person columns of a screened province are millions of values.
    if set(map(type, values)) <= _PLAIN:      # ids, categories: nothing to convert
        return _Scalars(values)
    out = []
    append = out.append
    nested = False
    for v in values:
        t = type(v)
        if t is str or t is int or v is None or t is bool:
            append(v)
        elif t is float:
            append(v if v - v == 0 else None)     # NaN and infinities: null
        elif t is _Scalars:
            append(v)
            nested = True
        elif t is dict and set(map(type, v.values())) <= _PLAIN and all(
                type(k) is str for k in v):   # an exclusion record: a copy is enough
            append(dict(v))
            nested = True
        else:
            v = jsonable(v)
            nested = nested or isinstance(v, (dict, list))
            append(v)
    return out if nested else _Scalars(out)


def jsonable(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers to JSON-safe Python values.

    NaN and infinities become ``None`` so that ``json.dumps`` writes ``null``.

    Examples
    --------
    >>> import numpy as np
    >>> jsonable({"x": np.float64(1.5), "v": np.array([1.0, np.nan]), 2: (np.int64(3),)})
    {'x': 1.5, 'v': [1.0, None], '2': [3]}
    """
    t = type(value)
    if t is _Scalars:
        return value
    if t is dict or isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if t is list or t is tuple or isinstance(value, (list, tuple)):
        return _sequence(value)
    if isinstance(value, np.ndarray):
        return _array(value)
    return _scalar(value)


def json_text(value: Any, indent: int = 2) -> str:
    """JSON text of a :func:`jsonable` value, indented for reading.

    Mappings are indented; a list of scalars, and each mapping inside a list
    that holds only scalars, is written on one line. This keeps per-person
    lists (hundreds of thousands of values) readable and lets the C encoder of
    :mod:`json` write them: ``json.dumps(indent=...)`` runs in pure Python.
    Non-ASCII text (Chinese labels) is written as is; NaN is refused.

    Examples
    --------
    >>> print(json_text({"n": 2, "rci": [1.5, None], "rows": [{"id": "a", "p": 0.5}]}))
    {
      "n": 2,
      "rci": [1.5, null],
      "rows": [
        {"id": "a", "p": 0.5}
      ]
    }
    """
    import json

    dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
    parts: list[str] = []

    def flat(v) -> bool:
        if isinstance(v, dict):
            return all(not isinstance(x, (dict, list)) for x in v.values())
        if isinstance(v, list):
            return type(v) is _Scalars or not ({dict, list, _Scalars} & set(map(type, v)))
        return True

    def emit(v, level: int) -> None:
        pad = " " * (indent * (level + 1))
        if isinstance(v, dict) and v:
            parts.append("{\n")
            last = len(v) - 1
            for i, (k, x) in enumerate(v.items()):
                parts.append(f"{pad}{dumps(str(k))}: ")
                emit(x, level + 1)
                parts.append(",\n" if i < last else "\n")
            parts.append(" " * (indent * level) + "}")
        elif isinstance(v, list) and v and not flat(v):
            parts.append("[\n")
            last = len(v) - 1
            for i, x in enumerate(v):
                parts.append(pad)
                if flat(x):
                    parts.append(dumps(x))
                else:
                    emit(x, level + 1)
                parts.append(",\n" if i < last else "\n")
            parts.append(" " * (indent * level) + "]")
        else:
            parts.append(dumps(v))

    emit(value, 0)
    return "".join(parts)


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

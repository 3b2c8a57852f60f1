"""Reliable change (Jacobson & Truax, 1991) and multiple-comparison adjustment."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..core.results import jsonable
from ..report import Reportable

__all__ = ["reliable_change", "ReliableChangeResult", "adjust_p"]


@dataclass(frozen=True, repr=False)
class ReliableChangeResult(Reportable):
    """Per-person reliable change index and the counts per category.

    Attributes
    ----------
    improved, unchanged, deteriorated : int
        People with both scores, by category (``|RCI| > criterion`` is reliable).
    rci : tuple of float
        One value per input pair, NaN where pre or post is missing.
    sd_pre, r_xx, s_diff : float
        ``s_diff = sqrt(2) * sd_pre * sqrt(1 - r_xx)``.
    criterion : float
    higher_is : {"worse", "better"}
    table : DataFrame
        ``id`` (when given), ``pre``, ``post``, ``change``, ``rci``, ``category``.
    """

    improved: int
    unchanged: int
    deteriorated: int
    rci: tuple
    sd_pre: float
    r_xx: float
    s_diff: float
    criterion: float
    higher_is: str
    table: pd.DataFrame
    _title = "Reliable change (Jacobson & Truax, 1991)"

    def to_dict(self) -> dict:
        return jsonable({"improved": self.improved, "unchanged": self.unchanged,
                         # an array: converted in bulk (NaN -> None), not float by float
                         "deteriorated": self.deteriorated,
                         "rci": np.asarray(self.rci, dtype=float),
                         "sd_pre": self.sd_pre, "r_xx": self.r_xx, "s_diff": self.s_diff,
                         "criterion": self.criterion, "higher_is": self.higher_is})

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def to_document(self, lang: str = "en"):
        """The table(s) as a :class:`~stressgroup.core.document.Document`."""
        from ._documents import reliable_change_document

        return reliable_change_document(self)

    def _summary_lines(self) -> list[str]:
        return [f"improved {self.improved}, unchanged {self.unchanged}, deteriorated "
                f"{self.deteriorated} (|RCI| > {self.criterion:g}; higher is "
                f"{self.higher_is}); SD_pre = {self.sd_pre:.4f}, r_xx = {self.r_xx:.4f}, "
                f"S_diff = {self.s_diff:.4f}"]


def reliable_change(pre, post, *, reliability: float, sd_pre: "float | None" = None,
                    higher_is: Literal["worse", "better"] = "worse",
                    criterion: float = 1.96, ids=None) -> ReliableChangeResult:
    """Jacobson-Truax reliable change index for each person.

    Parameters
    ----------
    pre, post : array-like or Series
        Scores of the same people (arrays by position, two Series by index);
        missing values allowed.
    reliability : float
        Reliability of the score (``r_xx``, e.g. Cronbach's alpha at baseline).
    sd_pre : float, optional
        Baseline SD. Default: the SD (n - 1) of every non-missing ``pre``,
        including people without a post score.
    higher_is : {"worse", "better"}
        Direction of the scale: with ``"worse"`` a reliable decrease is an
        improvement.
    criterion : float
        ``|RCI|`` must exceed this (strictly) to count as reliable.
    ids : array-like, optional
        Person ids for the per-person table.

    Returns
    -------
    ReliableChangeResult

    Notes
    -----
    ``RCI = (post - pre) / S_diff`` with ``S_diff = sqrt(2) * SD_pre *
    sqrt(1 - r_xx)`` (Jacobson & Truax, 1991).

    Examples
    --------
    >>> from stressgroup import reliable_change
    >>> res = reliable_change([3.0, 3.5, 2.0, 4.0], [2.0, 3.4, 2.1, None],
    ...                       reliability=0.8, sd_pre=0.5)
    >>> res.improved, res.unchanged, res.deteriorated
    (1, 2, 0)
    """
    ch = change_arrays(pre, post, reliability=reliability, sd_pre=sd_pre,
                       higher_is=higher_is, criterion=criterion, ids=ids)
    table = pd.DataFrame({"pre": ch.pre, "post": ch.post, "change": ch.change,
                          "rci": ch.rci, "category": RC_LABELS[ch.code]})
    if ch.ids is not None:
        table.insert(0, "id", list(ch.ids))
    counts = np.bincount(ch.code, minlength=len(RC_LABELS))
    return ReliableChangeResult(
        improved=int(counts[IMPROVED]), unchanged=int(counts[UNCHANGED]),
        deteriorated=int(counts[DETERIORATED]), rci=tuple(ch.rci.tolist()),
        sd_pre=ch.sd_pre, r_xx=float(reliability), s_diff=ch.s_diff,
        criterion=float(criterion), higher_is=higher_is, table=table)


#: Category codes of :class:`ChangeArrays` and their labels (None: not classified).
UNCHANGED, IMPROVED, DETERIORATED, MISSING = 0, 1, 2, 3
RC_LABELS = np.array(["unchanged", "improved", "deteriorated", None], dtype=object)


@dataclass(frozen=True)
class ChangeArrays:
    """The per-person arrays behind :func:`reliable_change` (no per-person objects).

    ``code`` holds :data:`UNCHANGED`, :data:`IMPROVED`, :data:`DETERIORATED` or
    :data:`MISSING` (the RCI is NaN) as int8; ``RC_LABELS[code]`` are the labels.
    """

    pre: np.ndarray
    post: np.ndarray
    change: np.ndarray
    rci: np.ndarray
    code: np.ndarray
    ids: object
    sd_pre: float
    s_diff: float


def change_arrays(pre, post, *, reliability: float, sd_pre: "float | None" = None,
                  higher_is: str = "worse", criterion: float = 1.96,
                  ids=None) -> ChangeArrays:
    """Validate and align the scores and compute the RCI and its category codes (the
    work of :func:`reliable_change`, shared with ``clinical_significance``)."""
    if higher_is not in ("worse", "better"):
        raise ValueError(f"higher_is must be 'worse' or 'better', not {higher_is!r}")
    if not 0 <= reliability < 1:
        raise ValueError(f"reliability must lie in [0, 1), got {reliability!r}")
    from ._paired import align_pairs

    pre, post = align_pairs(pre, post)
    if ids is None and isinstance(pre, pd.Series) and isinstance(post, pd.Series):
        ids = pre.index
    a = np.asarray(pre, dtype=float)
    b = np.asarray(post, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("pre and post must be aligned 1-D arrays of the same length")
    if sd_pre is None:
        base = a[~np.isnan(a)]
        sd_pre = float(np.std(base, ddof=1)) if base.size > 1 else float("nan")
    s_diff = math.sqrt(2) * sd_pre * math.sqrt(1 - reliability)
    change = b - a
    with np.errstate(invalid="ignore", divide="ignore"):
        rci = change / s_diff
    sign = -1.0 if higher_is == "worse" else 1.0
    signed = sign * rci
    code = np.where(np.isnan(rci), np.int8(MISSING), np.int8(UNCHANGED))
    code[signed > criterion] = IMPROVED        # NaN compares False: stays MISSING
    code[signed < -criterion] = DETERIORATED
    return ChangeArrays(a, b, change, rci, code, ids, float(sd_pre), float(s_diff))


_METHODS = {"holm": "holm", "fdr_bh": "fdr_bh", "bh": "fdr_bh", "none": None}


def adjust_p(p, method: str = "holm") -> np.ndarray:
    """Adjust a family of p values (Holm or Benjamini-Hochberg), as R ``p.adjust``.

    NaN p values are left out of the family and stay NaN.

    Notes
    -----
    Holm: sort ascending, multiply the i-th smallest by ``m - i + 1``, take the running
    maximum, cap at 1. BH: sort descending, multiply by ``m / rank``, take the running
    minimum, cap at 1. (statsmodels' ``multipletests`` computes the same but runs the
    garbage collector on every call, which cost 0.07 s each.)

    Examples
    --------
    >>> adjust_p([0.01, 0.04, 0.03], "holm").round(4).tolist()
    [0.03, 0.06, 0.06]
    """
    if method not in _METHODS:
        raise ValueError(f"correction must be one of holm, fdr_bh, none; not {method!r}")
    p = np.asarray(p, dtype=float)
    out = p.copy()
    ok = ~np.isnan(p)
    if _METHODS[method] is None or not ok.any():
        return out
    x = p[ok]
    m = x.size
    if _METHODS[method] == "holm":
        order = np.argsort(x, kind="mergesort")
        adj = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * x[order]))
    else:  # Benjamini-Hochberg
        order = np.argsort(x, kind="mergesort")[::-1]
        ranks = np.arange(m, 0, -1)
        adj = np.minimum(1.0, np.minimum.accumulate(m / ranks * x[order]))
    res = np.empty(m)
    res[order] = adj
    out[ok] = res
    return out

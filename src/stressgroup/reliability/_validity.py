"""Sampling adequacy: Kaiser-Meyer-Olkin (psych ``KMO``) and Bartlett's test of
sphericity (psych ``cortest.bartlett``), and the correlation matrix they share
with :func:`~stressgroup.efa`."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..core.errors import DataError, MeasurementWarning
from ..core.results import jsonable, quiet_numpy
from ..report import Reportable
from ._matrix import as_item_matrix, pairwise_cor

__all__ = ["kmo", "KMOResult", "bartlett", "BartlettResult", "item_correlation",
           "kaiser_label"]

Missing = Literal["pairwise", "listwise"]

#: Kaiser (1974)'s words for the overall MSA, lower bounds.
_KAISER = [(0.9, "marvelous"), (0.8, "meritorious"), (0.7, "middling"), (0.6, "mediocre"),
           (0.5, "miserable"), (-np.inf, "unacceptable")]


_KAISER_ZH = {"marvelous": "极好", "meritorious": "良好", "middling": "中等",
              "mediocre": "一般", "miserable": "较差", "unacceptable": "不可接受",
              "undefined": "无法计算"}
_MISSING = {"en": {"pairwise": "Pairwise-complete correlations",
                   "listwise": "Complete cases only"},
            "zh": {"pairwise": "相关系数按成对删除计算", "listwise": "仅用完整个案"}}


def _num(x) -> "float | None":
    return None if x is None or not np.isfinite(x) else float(x)


def kaiser_label(value: float) -> str:
    """Kaiser's (1974) label for an MSA value ("marvelous" ... "unacceptable")."""
    if not np.isfinite(value):
        return "undefined"
    return next(lab for low, lab in _KAISER if value >= low)


def item_correlation(items, missing: Missing = "pairwise", *, name: str = "items"
                     ) -> tuple[pd.DataFrame, np.ndarray, int]:
    """Validated items, their correlation matrix and the number of rows used.

    ``missing="pairwise"`` is R ``cor(x, use = "pairwise")`` (what psych uses on
    raw data) and counts all rows, as psych does; ``"listwise"`` keeps the
    complete rows only (R ``use = "complete"``) and counts those.

    Raises
    ------
    DataError
        Items without variance (or answered by fewer than two people), pairs
        of items never answered together, or fewer than three usable rows.
    """
    if missing not in ("pairwise", "listwise"):
        raise ValueError(f"missing must be 'pairwise' or 'listwise', not {missing!r}")
    df = as_item_matrix(items, name)
    if missing == "listwise":
        df = df.dropna(axis=0, how="any")
    x = df.to_numpy(dtype=float)
    if x.shape[0] < 3:
        raise DataError(f"{name}: only {x.shape[0]} usable rows ({missing}); a correlation "
                        "matrix needs at least three people")
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sd = np.nanstd(x, axis=0, ddof=1)
    flat = [str(c) for c, s in zip(df.columns, sd) if not (np.isfinite(s) and s > 0)]
    if flat:
        raise DataError(f"{name}: no variance in item(s) {', '.join(flat)} (every answer is the "
                        "same, or fewer than two answers); drop them before a factor analysis")
    R = pairwise_cor(x)
    bad = np.argwhere(np.triu(np.isnan(R), 1))
    if len(bad):
        pairs = ", ".join(f"{df.columns[i]}-{df.columns[j]}" for i, j in bad[:10])
        raise DataError(f"{name}: item pairs never answered together ({pairs}); their "
                        "correlation is undefined, drop one item of each pair")
    return df, R, int(x.shape[0])


def _warn_not_pd(R: np.ndarray, what: str) -> bool:
    """Warn when ``R`` is not positive definite (psych's cor.smooth test)."""
    ev = np.linalg.eigvalsh(R)
    if ev[0] < np.finfo(float).eps:
        warnings.warn(f"the item correlation matrix is not positive definite (smallest "
                      f"eigenvalue {ev[0]:.3g}, usual with pairwise deletion or more items "
                      f"than people); {what}", MeasurementWarning, stacklevel=3)
        return True
    return False


@dataclass(frozen=True, repr=False)
class KMOResult(Reportable):
    """Kaiser-Meyer-Olkin measure of sampling adequacy.

    Attributes
    ----------
    kmo : float
        Overall MSA.
    kmo_per_item : pandas.Series
        MSA of each item (psych's ``MSAi``), by item.
    n : int
        Rows used for the correlations.
    missing : str
        ``"pairwise"`` or ``"listwise"``.
    """

    kmo: float
    kmo_per_item: pd.Series
    n: int
    missing: str = "pairwise"
    _title = "Kaiser-Meyer-Olkin measure of sampling adequacy (psych::KMO)"

    @property
    def label(self) -> str:
        """Kaiser's (1974) word for the overall value."""
        return kaiser_label(self.kmo)

    def to_dict(self) -> dict:
        return jsonable({"kmo": self.kmo, "kmo_per_item": self.kmo_per_item.to_dict(),
                         "n": self.n, "missing": self.missing, "label": self.label})

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"msa": self.kmo_per_item})

    def _summary_lines(self) -> list[str]:
        return [f"KMO = {self.kmo:.4f} ({self.label}; n = {self.n}, {self.missing})"]

    def to_document(self, lang: str = "en"):
        """The overall and per-item MSA as a :class:`~stressgroup.core.document.Document`."""
        from ..core.document import Column, Document, Note, Table

        word = _KAISER_ZH.get(self.label, self.label)
        rows = [{"item": {"en": "Overall (KMO)", "zh": "总体 (KMO)"}, "msa": _num(self.kmo)}]
        rows += [{"item": str(i), "msa": _num(v)} for i, v in self.kmo_per_item.items()]
        table = Table(
            key="kmo", title={"en": "Kaiser-Meyer-Olkin measure of sampling adequacy",
                              "zh": "KMO 取样适切性量数"},
            columns=(Column("item", {"en": "Item", "zh": "题项"}, "text"),
                     Column("msa", {"en": "MSA", "zh": "MSA"}, "proportion")),
            rows=rows,
            notes=(Note({"en": f"Kaiser (1974): {self.label}; .60 or more is usually "
                               f"required. {_MISSING['en'][self.missing]}, n = {self.n}.",
                         "zh": f"Kaiser (1974) 评价：{word}；通常要求不低于 0.60。"
                               f"{_MISSING['zh'][self.missing]}，n = {self.n}。"}),))
        return Document(table.title, (table,))


@dataclass(frozen=True, repr=False)
class BartlettResult(Reportable):
    """Bartlett's test that the correlation matrix is an identity matrix.

    Unpacks as ``(chisq, p)``.

    Attributes
    ----------
    chisq : float
        ``-ln det(R) * (n - 1 - (2k + 5) / 6)``.
    df : float
        ``k (k - 1) / 2``.
    p : float
        Upper tail of the chi-square distribution.
    n, k : int
        People counted and items.
    missing : str
    """

    chisq: float
    df: float
    p: float
    n: int
    k: int
    missing: str = "pairwise"
    _title = "Bartlett's test of sphericity (psych::cortest.bartlett)"

    def __iter__(self):
        return iter((self.chisq, self.p))

    def to_dict(self) -> dict:
        return jsonable({"chisq": self.chisq, "df": self.df, "p": self.p, "n": self.n,
                         "k": self.k, "missing": self.missing})

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"chisq": [self.chisq], "df": [self.df], "p": [self.p],
                             "n": [self.n]}, index=pd.Index(["bartlett"]))

    def _summary_lines(self) -> list[str]:
        return [f"chi2({self.df:g}) = {self.chisq:.2f}, p = {self.p:.3g} (n = {self.n})"]

    def to_document(self, lang: str = "en"):
        """The test as a :class:`~stressgroup.core.document.Document`."""
        from ..core.document import Column, Document, Note, Table

        table = Table(
            key="bartlett", title={"en": "Bartlett's test of sphericity",
                                   "zh": "Bartlett 球形检验"},
            columns=(Column("chisq", {"en": "Chi-square", "zh": "近似卡方"}, "statistic",
                            df="df", symbol="χ²"),
                     Column("df", {"en": "df", "zh": "自由度"}, "df"),
                     Column("p", "p", "p"),
                     Column("n", "n", "count"),
                     Column("k", {"en": "Items", "zh": "题项数"}, "count")),
            rows=({"chisq": _num(self.chisq), "df": self.df, "p": _num(self.p), "n": self.n,
                   "k": self.k},),
            notes=(Note({"en": f"H0: the item correlation matrix is an identity matrix. "
                               f"{_MISSING['en'][self.missing]}; n = all rows used.",
                         "zh": f"原假设：题项相关矩阵为单位矩阵。{_MISSING['zh'][self.missing]}"
                               f"；n 为所用的全部行数。"}),))
        return Document(table.title, (table,))


def _rcond(R: np.ndarray) -> float:
    with np.errstate(all="ignore"):
        try:
            c = np.linalg.cond(R, 1)
        except np.linalg.LinAlgError:
            return 0.0
    return 0.0 if not np.isfinite(c) else 1.0 / c


@quiet_numpy
def kmo(items, *, missing: Missing = "pairwise") -> KMOResult:
    """Kaiser-Meyer-Olkin measure of sampling adequacy (overall and per item).

    Parameters
    ----------
    items : DataFrame or 2-D array
        One column per item; NaN for missing answers.
    missing : {"pairwise", "listwise"}
        ``"pairwise"`` (default): correlations over pairwise-complete rows,
        as ``psych::KMO`` on raw data (``cor(x, use = "pairwise")``);
        ``"listwise"``: complete rows only.

    Returns
    -------
    KMOResult
        ``kmo``, ``kmo_per_item``, ``n``, ``missing``; ``label`` gives Kaiser's word.

    Notes
    -----
    With ``Q`` the anti-image correlations (``cov2cor(solve(R))``, off-diagonal),
    ``KMO = sum r_ij^2 / (sum r_ij^2 + sum q_ij^2)`` over ``i != j`` and
    ``MSA_j`` the same sums over column ``j``. Matches R ``psych::KMO``. If
    ``R`` is numerically singular (R's ``solve`` refuses when the reciprocal
    condition number is below machine epsilon), psych uses ``R`` itself in place
    of its inverse; so does this function, with a warning. A
    non-positive-definite ``R`` can give an inverse with a negative diagonal:
    the anti-image correlations and the KMO are then NaN (as in psych).
    A :class:`~stressgroup.MeasurementWarning` is given when KMO < .6.

    References
    ----------
    Kaiser, H. F. (1974). An index of factorial simplicity. *Psychometrika*, 39, 31-36.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from stressgroup.reliability import kmo
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(200, 1))
    >>> x = pd.DataFrame(f + rng.normal(size=(200, 4)), columns=list("abcd"))
    >>> round(kmo(x).kmo, 3)
    0.782
    """
    df, R, n = item_correlation(items, missing)
    _warn_not_pd(R, "KMO computed from it as it is (as psych::KMO)")
    if _rcond(R) < np.finfo(float).eps:
        warnings.warn("the correlation matrix is singular: its inverse does not exist, so "
                      "(as psych::KMO) the correlation matrix itself stands in for it",
                      MeasurementWarning, stacklevel=2)
        Q = R.copy()
    else:
        Q = np.linalg.solve(R, np.eye(R.shape[0]))
    d = np.diag(Q)
    s = np.sqrt(1 / d)                    # NaN where the diagonal is negative (as R)
    Q = Q * s[:, None] * s[None, :]
    np.fill_diagonal(Q, 0.0)
    r = R.copy()
    np.fill_diagonal(r, 0.0)
    r2, q2 = r**2, Q**2
    overall = float(r2.sum() / (r2.sum() + q2.sum()))
    per = r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))
    if not np.isfinite(overall):
        warnings.warn("KMO is undefined: the inverse of the correlation matrix has a "
                      "non-positive diagonal (the matrix is not positive definite)",
                      MeasurementWarning, stacklevel=2)
    elif overall < 0.6:
        warnings.warn(f"KMO = {overall:.3f} is below .6 ({kaiser_label(overall)}): the items "
                      "share too little common variance for a factor analysis to be "
                      "recommended", MeasurementWarning, stacklevel=2)
    idx = pd.Index([str(c) for c in df.columns], name="item")
    return KMOResult(overall, pd.Series(per, index=idx, name="msa"), n, missing)


@quiet_numpy
def bartlett(items, *, missing: Missing = "pairwise", n: int | None = None) -> BartlettResult:
    """Bartlett's test of sphericity (is the correlation matrix an identity?).

    Parameters
    ----------
    items : DataFrame or 2-D array
        One column per item; NaN for missing answers.
    missing : {"pairwise", "listwise"}
        Correlations over pairwise-complete rows (default, as psych on raw
        data) or over complete rows only.
    n : int, optional
        Sample size in the statistic. Default: the rows the correlations came
        from, i.e. **all rows** with ``missing="pairwise"`` (as
        ``psych::cortest.bartlett(x)``, which takes ``nrow(x)`` even when cells
        are missing) and the complete rows with ``"listwise"``. Give an
        explicit ``n`` (e.g. the smallest pairwise count) for a more cautious test.

    Returns
    -------
    BartlettResult
        ``chisq``, ``df``, ``p``, ``n``, ``k``; unpacks as ``(chisq, p)``.

    Notes
    -----
    ``chisq = -ln det(R) * (n - 1 - (2k + 5) / 6)`` on ``df = k (k - 1) / 2``,
    as R ``psych::cortest.bartlett(R, n)``. If ``det(R) <= 0`` (not positive
    definite) the statistic is undefined: NaN with a warning (R gives NaN
    from the log of a negative number).

    References
    ----------
    Bartlett, M. S. (1951). The effect of standardization on a chi-square
    approximation in factor analysis. *Biometrika*, 38, 337-344.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from stressgroup.reliability import bartlett
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(200, 1))
    >>> x = pd.DataFrame(f + rng.normal(size=(200, 4)), columns=list("abcd"))
    >>> res = bartlett(x)
    >>> res.df, res.p < 0.001
    (6.0, True)
    """
    df, R, rows = item_correlation(items, missing)
    if n is None:
        n = rows
    elif isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be an integer of at least 2, not {n!r}")
    k = R.shape[0]
    det = float(np.linalg.det(R))
    dof = k * (k - 1) / 2
    from scipy import stats
    if det > 0:
        chisq = float(-np.log(det) * (n - 1 - (2 * k + 5) / 6))
        p = float(stats.chi2.sf(chisq, dof))
    else:
        warnings.warn(f"Bartlett's test is undefined: det(R) = {det:.3g} is not positive "
                      "(the correlation matrix is not positive definite)",
                      MeasurementWarning, stacklevel=2)
        chisq = p = float("nan")
    return BartlettResult(chisq, float(dof), p, int(n), k, missing)


"""Split-half reliability and Guttman's lambda 2 and lambda 6 (R psych conventions)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.results import jsonable, quiet_numpy
from ..report import Reportable
from ._matrix import as_item_matrix, cov2cor, pairwise_cov, smc

__all__ = ["split_half", "SplitHalfResult"]


@dataclass(frozen=True, repr=False)
class SplitHalfResult(Reportable):
    """Split-half coefficients (first/second and odd/even halves) and Guttman's lambdas.

    Attributes
    ----------
    spearman_brown_first_second, spearman_brown_odd_even : float
        ``2 r / (1 + r)`` with ``r`` the correlation of the two half scores.
    flanagan_rulon_first_second, flanagan_rulon_odd_even : float
        ``4 cov(A, B) / var(A + B)`` (Flanagan-Rulon, Guttman's split-half
        coefficient; psych ``splitHalf``'s split statistic).
    r_first_second, r_odd_even : float
        Correlation of the two half scores.
    lambda_2, lambda_6 : float
        Guttman's lambda 2 and lambda 6 (from squared multiple correlations).
    alpha : float
        Lambda 3 (alpha) of the same matrix, for comparison.
    first_half, second_half, odd_items, even_items : tuple of str
    n, k : int
        Rows and items.
    covar : bool
        ``True``: raw (covariance) scale; ``False``: standardised items.
    """

    spearman_brown_first_second: float
    spearman_brown_odd_even: float
    flanagan_rulon_first_second: float
    flanagan_rulon_odd_even: float
    r_first_second: float
    r_odd_even: float
    lambda_2: float
    lambda_6: float
    alpha: float
    first_half: tuple
    second_half: tuple
    odd_items: tuple
    even_items: tuple
    n: int
    k: int
    covar: bool = False
    _title = "Split-half reliability (psych::splitHalf conventions)"

    _KEYS = ("spearman_brown_first_second", "spearman_brown_odd_even",
             "flanagan_rulon_first_second", "flanagan_rulon_odd_even", "r_first_second",
             "r_odd_even", "lambda_2", "lambda_6", "alpha", "first_half", "second_half",
             "odd_items", "even_items", "n", "k", "covar")

    def to_dict(self) -> dict:
        return jsonable({k: getattr(self, k) for k in self._KEYS})

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"r_halves": [self.r_first_second, self.r_odd_even],
             "spearman_brown": [self.spearman_brown_first_second,
                                self.spearman_brown_odd_even],
             "flanagan_rulon": [self.flanagan_rulon_first_second,
                                self.flanagan_rulon_odd_even],
             "k_a": [len(self.first_half), len(self.odd_items)],
             "k_b": [len(self.second_half), len(self.even_items)]},
            index=pd.Index(["first_second", "odd_even"], name="split"))

    def to_document(self, lang: str = "en"):
        """The split-half and Guttman tables as a :class:`~stressgroup.core.document.Document`."""
        from ..core.document import Column, Document, Note, Table

        title = {"en": "Split-half reliability", "zh": "分半信度"}
        names = {"first_second": {"en": "First / second half", "zh": "前后分半"},
                 "odd_even": {"en": "Odd / even items", "zh": "奇偶分半"}}
        rows = [{"split": names["first_second"], "k_a": len(self.first_half),
                 "k_b": len(self.second_half), "r": self.r_first_second,
                 "sb": self.spearman_brown_first_second,
                 "fr": self.flanagan_rulon_first_second},
                {"split": names["odd_even"], "k_a": len(self.odd_items),
                 "k_b": len(self.even_items), "r": self.r_odd_even,
                 "sb": self.spearman_brown_odd_even, "fr": self.flanagan_rulon_odd_even}]
        scale = ({"en": "raw item scores (covariances)", "zh": "原始分（协方差）"} if self.covar
                 else {"en": "standardised items (correlations)", "zh": "标准化题目（相关矩阵）"})
        split = Table(
            key="split_half", title=title,
            columns=(Column("split", {"en": "Split", "zh": "分半方式"}, "text"),
                     Column("k_a", {"en": "Items in half A", "zh": "A 半题数"}, "count"),
                     Column("k_b", {"en": "Items in half B", "zh": "B 半题数"}, "count"),
                     Column("r", {"en": "r between halves", "zh": "两半相关 r"},
                            "correlation"),
                     Column("sb", {"en": "Spearman-Brown", "zh": "Spearman-Brown 系数"},
                            "reliability"),
                     Column("fr", {"en": "Flanagan-Rulon (Guttman split-half)",
                                   "zh": "Flanagan-Rulon（Guttman 分半）系数"},
                            "reliability")),
            rows=rows,
            notes=(Note({"en": f"n = {self.n}, k = {self.k}; computed from "
                               f"{scale['en']}, pairwise-complete. First half: the first "
                               f"{self.k // 2} items (as psych::splitHalf).",
                         "zh": f"n = {self.n}，k = {self.k}；基于{scale['zh']}，成对删除。"
                               f"前半为前 {self.k // 2} 题（同 psych::splitHalf）。"}),))
        guttman = Table(
            key="guttman", title={"en": "Guttman's lower bounds", "zh": "Guttman 信度下限"},
            columns=(Column("coef", {"en": "Coefficient", "zh": "系数"}, "text"),
                     Column("value", {"en": "Value", "zh": "值"}, "reliability")),
            rows=[{"coef": "λ2 (lambda 2)", "value": self.lambda_2},
                  {"coef": {"en": "λ6 (lambda 6, from SMCs)", "zh": "λ6（基于 SMC）"},
                   "value": self.lambda_6},
                  {"coef": {"en": "α (lambda 3)", "zh": "α（λ3）"}, "value": self.alpha}])
        return Document(title, (split, guttman))

    def _summary_lines(self) -> list[str]:
        scale = "raw covariances" if self.covar else "standardised items"
        return [f"lambda_2 = {self.lambda_2:.4f}, lambda_6 = {self.lambda_6:.4f}, "
                f"alpha = {self.alpha:.4f} ({scale}; n = {self.n}, k = {self.k})"]


def _split(M: np.ndarray, a: np.ndarray) -> tuple[float, float, float]:
    """Half-score correlation, Spearman-Brown and Flanagan-Rulon for the split ``a``."""
    b = ~a
    v_a = M[np.ix_(a, a)].sum()
    v_b = M[np.ix_(b, b)].sum()
    c_ab = M[np.ix_(a, b)].sum()
    r = c_ab / np.sqrt(v_a * v_b)
    return float(r), float(2 * r / (1 + r)), float(4 * c_ab / M.sum())


def _pick(names: tuple, mask: np.ndarray) -> tuple:
    return tuple(nm for nm, m in zip(names, mask) if m)


@quiet_numpy
def split_half(items: pd.DataFrame, *, covar: bool = False) -> SplitHalfResult:
    """Split-half reliability (first/second, odd/even) and Guttman's lambda 2 and 6.

    Parameters
    ----------
    items : DataFrame or 2-D array
        One column per keyed item (reverse items already reversed), in
        questionnaire order; NaN for missing answers.
    covar : bool
        ``False`` (default, as ``psych::splitHalf``): the statistics of the
        standardised items (correlation matrix). ``True``: of the raw item
        scores (covariance matrix), as SPSS's split-half model reports them
        (SPSS uses listwise deletion; here the covariances are pairwise).

    Returns
    -------
    SplitHalfResult

    Notes
    -----
    ``C`` is the pairwise-complete covariance matrix and ``M = C``
    (``covar=True``) or ``M = cov2cor(C)`` (default), as psych ``splitHalf``
    and ``alpha``. For a split of the items into halves ``A`` and ``B`` with
    half scores (sums) ``a`` and ``b``: ``cov(a, b) = sum M[A, B]``,
    ``var(a) = sum M[A, A]``, ``r = cov(a, b) / sqrt(var(a) var(b))``,
    Spearman-Brown ``2 r / (1 + r)``, Flanagan-Rulon ``4 cov(a, b) / sum M``
    (psych's split statistic ``rab``). First/second: ``A`` = the first
    ``floor(k / 2)`` items (psych's first split; SPSS puts the extra item of
    an odd ``k`` into the first part instead); odd/even: ``A`` = items 1, 3,
    5, ... With ``off`` the off-diagonal of ``M``: ``lambda_2 = (sum off +
    sqrt(k / (k - 1) sum off^2)) / sum M``; ``lambda_6 = 1 - (k - sum smc) /
    sum M`` with the squared multiple correlations of ``cov2cor(C)`` (equals
    ``cronbach_alpha(...).g6``; with ``covar=True`` each smc is scaled by the
    item's variance, ``sum(diag C) - sum(var * smc)`` replacing ``k - sum
    smc``). Matches ``psych::splitHalf(x, check.keys = FALSE)$lambda2``,
    ``$lambda6`` and ``psych::alpha`` G6(smc) to 1e-12, and ``psych::guttman``
    on complete data (guttman correlates pairwise; with missing answers it
    differs from ``cov2cor`` of the pairwise covariances).

    References
    ----------
    Guttman (1945); Spearman (1910); Brown (1910); Flanagan (1937); Rulon
    (1939); Revelle, psych ``splitHalf``.

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup.reliability import split_half
    >>> x = pd.DataFrame({"a": [1, 2, 3, 4, 5, 3], "b": [2, 2, 3, 5, 4, 3],
    ...                   "c": [1, 3, 3, 4, 5, 2], "d": [2, 3, 3, 5, 5, 2]})
    >>> res = split_half(x)
    >>> res.odd_items, res.even_items
    (('a', 'c'), ('b', 'd'))
    >>> round(res.spearman_brown_odd_even, 4), round(res.lambda_6, 4)
    (0.9431, 0.9897)
    """
    if not isinstance(covar, (bool, np.bool_)):
        raise TypeError("covar must be True or False")
    df = as_item_matrix(items, "items")
    x = df.to_numpy(dtype=float)
    n, k = x.shape
    C = pairwise_cov(x)
    if np.isnan(C).any() or not (np.diag(C) > 0).all():
        raise ValueError("the covariance matrix has missing entries or an item without "
                         "variance (two items never answered together, or a constant item)")
    R = cov2cor(C)
    M = C if covar else R
    names = tuple(map(str, df.columns))
    first = np.arange(k) < k // 2
    odd = np.arange(k) % 2 == 0
    r_fs, sb_fs, fr_fs = _split(M, first)
    r_oe, sb_oe, fr_oe = _split(M, odd)
    total = M.sum()
    off = M - np.diag(np.diag(M))
    lam2 = (off.sum() + np.sqrt((off**2).sum() * k / (k - 1))) / total
    s = smc(R)
    if covar:
        s = s * np.diag(C)
    lam6 = (off.sum() + s.sum()) / total
    alpha = off.sum() / total * k / (k - 1)
    return SplitHalfResult(
        spearman_brown_first_second=sb_fs, spearman_brown_odd_even=sb_oe,
        flanagan_rulon_first_second=fr_fs, flanagan_rulon_odd_even=fr_oe,
        r_first_second=r_fs, r_odd_even=r_oe, lambda_2=float(lam2), lambda_6=float(lam6),
        alpha=float(alpha),
        first_half=_pick(names, first), second_half=_pick(names, ~first),
        odd_items=_pick(names, odd), even_items=_pick(names, ~odd),
        n=n, k=k, covar=bool(covar))

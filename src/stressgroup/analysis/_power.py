"""Power of the paired t test: solve for n, the detectable d_z, or the power."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from ..core.document import Column, Document, Note, Paragraph, Table
from ..core.errors import DegenerateDataWarning
from ..core.results import jsonable
from ..report import Reportable, label

__all__ = ["power_paired", "PowerResult", "paired_power"]

_KEYS = ("solved_for", "n", "n_whole", "dz", "power", "power_whole", "alpha", "tails")


def paired_power(n: float, dz: float, alpha: float = 0.05,
                 tails: Literal["both", "upper"] = "both") -> float:
    """Power of the two-sided paired t test for ``n`` pairs and effect ``dz``.

    ``df = n - 1``, noncentrality ``sqrt(n) * dz``, critical value
    ``q = t_{1 - alpha/2, df}``. ``tails="both"``:
    ``P(T > q) + P(T < -q)`` (R ``pwr::pwr.t.test`` and ``power.t.test(strict =
    TRUE)``); ``tails="upper"``: ``P(T > q)`` for ``dz >= 0`` (R ``power.t.test``
    with its default ``strict = FALSE``). ``n`` may be fractional.

    Examples
    --------
    >>> round(paired_power(9, 0.8), 6)
    0.559096
    """
    from scipy import stats

    df = n - 1
    ncp = math.sqrt(n) * abs(dz)
    q = stats.t.isf(alpha / 2, df)
    up = float(stats.nct.sf(q, df, ncp))
    if math.isnan(up):
        up = 1.0 - float(stats.nct.cdf(q, df, ncp))
    if tails == "upper":
        return up
    low = float(stats.nct.cdf(-q, df, ncp))
    if math.isnan(low):
        # scipy gives NaN far in the tail; P(T < -q) <= P(T < q), and both are ~0 there
        low = 0.0
    return up + low


@dataclass(frozen=True, repr=False)
class PowerResult(Reportable):
    """Power analysis of the two-sided paired t test.

    Attributes
    ----------
    solved_for : {"n", "dz", "power"}
        The quantity that was left as None and solved for.
    n : float
        Pairs (the exact, fractional solution when solved for).
    n_whole : int
        ``n`` rounded up to whole people (equal to ``n`` when n was given).
    dz : float
        Effect size ``d_z = mean(d) / sd(d)`` (the smallest detectable one
        when solved for; positive, the test being two-sided).
    power : float
        Power at ``n`` and ``dz``.
    power_whole : float
        Power at ``n_whole`` (at least ``power`` when n was solved for).
    alpha : float
    tails : {"both", "upper"}
        Which rejection regions the power counts (see :func:`power_paired`).
    """

    solved_for: str
    n: float
    n_whole: int
    dz: float
    power: float
    power_whole: float
    alpha: float
    tails: str
    _title = "Power of the paired t test (two-sided)"

    def to_dict(self) -> dict:
        return jsonable({k: getattr(self, k) for k in _KEYS})

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([self.to_dict()])

    def _summary_lines(self) -> list[str]:
        if self.solved_for == "dz":
            s = (f"with n = {self.n:g} pairs, alpha = {self.alpha:g}: the smallest effect "
                 f"detected with power {self.power:g} is dz = {self.dz:.4f}")
        elif self.solved_for == "n":
            s = (f"dz = {self.dz:g}, alpha = {self.alpha:g}, power {self.power:g}: "
                 f"n = {self.n:.4f}, i.e. {self.n_whole} pairs")
        else:
            s = (f"n = {self.n:g}, dz = {self.dz:g}, alpha = {self.alpha:g}: "
                 f"power = {self.power:.4f}")
        return [s]

    def to_document(self, lang: str = "en") -> Document:
        """The power analysis as a :class:`~stressgroup.core.document.Document`: a table
        and a sentence that reads it."""
        solved = {"n": {"en": "n (pairs needed)", "zh": "n（所需配对数）"},
                  "dz": {"en": "dz (smallest detectable effect)", "zh": "dz（最小可检测效应）"},
                  "power": {"en": "power", "zh": "统计功效"}}[self.solved_for]
        tab = Table(
            key="power_paired",
            title={"en": "Power of the paired t test (two-sided)",
                   "zh": "配对 t 检验的统计功效（双侧）"},
            columns=(Column("solved_for", {"en": "Solved for", "zh": "求解"}, "text"),
                     Column("n", label("col.n"), "number"),
                     Column("n_whole", {"en": "n (whole people)", "zh": "n（取整）"}, "count"),
                     Column("dz", "dz", "effect"),
                     Column("alpha", "α", "proportion"),
                     Column("power", {"en": "Power", "zh": "功效"}, "proportion"),
                     Column("power_whole", {"en": "Power at n (whole)",
                                            "zh": "取整 n 下的功效"}, "proportion")),
            rows=[{"solved_for": solved, "n": self.n, "n_whole": self.n_whole, "dz": self.dz,
                   "alpha": self.alpha, "power": self.power,
                   "power_whole": self.power_whole}],
            notes=(Note({"en": "Noncentral t, df = n - 1, ncp = sqrt(n) dz; rejections in "
                               + ("both tails (R pwr::pwr.t.test)." if self.tails == "both"
                                  else "the upper tail only (R power.t.test, strict = FALSE)."),
                         "zh": "非中心 t 分布，df = n - 1，非中心参数 = sqrt(n) dz；"
                               + ("计入双尾拒绝域（同 R pwr::pwr.t.test）。" if self.tails == "both"
                                  else "只计上尾拒绝域（同 R power.t.test, strict = FALSE）。")}),))
        v = {"n": (self.n, "number"), "nw": (self.n_whole, "count"),
             "dz": (abs(self.dz), "effect"), "power": (self.power, "proportion"),
             "alpha": (self.alpha, "proportion")}
        if self.solved_for == "dz":
            para = {"en": "With {nw} pairs the test detects, with power {power} at alpha = "
                          "{alpha}, only effects of dz = {dz} or larger; a non-significant "
                          "result does not rule out smaller effects.",
                    "zh": "{nw} 对数据在 α = {alpha} 时，只有 dz ≥ {dz} 的效应才能以 {power} "
                          "的功效被检出；不显著的结果不能排除更小的效应。"}
        elif self.solved_for == "n":
            para = {"en": "Detecting dz = {dz} with power {power} at alpha = {alpha} needs "
                          "{nw} pairs (exact solution n = {n}).",
                    "zh": "要在 α = {alpha} 时以 {power} 的功效检出 dz = {dz}，需要 {nw} 对数据"
                          "（精确解 n = {n}）。"}
        else:
            para = {"en": "With {nw} pairs, an effect of dz = {dz} is detected at alpha = "
                          "{alpha} with power {power}.",
                    "zh": "{nw} 对数据、效应 dz = {dz} 时，在 α = {alpha} 下的统计功效为 {power}。"}
        return Document(tab.title, (tab, Paragraph(para, v)))


def _check_prob(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not 0 < value < 1:
        raise ValueError(f"{name} must be a number strictly between 0 and 1, got {value!r}")
    return float(value)


def power_paired(n: "float | None" = None, dz: "float | None" = None,
                 alpha: float = 0.05, power: "float | None" = 0.8, *,
                 tails: Literal["both", "upper"] = "both") -> PowerResult:
    """Solve the power equation of the paired t test for the one quantity left as None.

    Parameters
    ----------
    n : float, optional
        Number of pairs (at least 2). Leave as None to solve for it.
    dz : float, optional
        Effect size ``d_z`` (mean difference over the SD of the differences).
        Leave as None to solve for the minimum detectable effect at this ``n``.
    alpha : float
        Two-sided significance level (default .05).
    power : float or None
        Target power (default .8). Pass ``power=None`` with ``n`` and ``dz`` to
        compute the power.
    tails : {"both", "upper"}
        ``"both"`` (default) counts rejections in both tails, as R
        ``pwr::pwr.t.test(type = "paired")`` and ``power.t.test(type = "paired",
        strict = TRUE)``; ``"upper"`` counts only the tail of the effect, as
        ``power.t.test``'s default ``strict = FALSE``. The difference is
        negligible except for tiny effects.

    Returns
    -------
    PowerResult

    Notes
    -----
    With ``df = n - 1``, ``ncp = sqrt(n) dz`` and ``q = t_{1 - alpha/2, df}``,
    power ``= P(T' > q) + P(T' < -q)`` for ``T'`` noncentral t (Cohen, 1988,
    ch. 2). Solving for ``n`` or ``dz`` uses Brent's method to 1e-12; R's
    ``pwr.t.test`` and ``power.t.test`` stop ``uniroot`` at its default
    tolerance (about 1e-4), so their ``n`` and ``d`` agree with these only to
    about 4 digits, while the power for given ``n`` and ``dz`` matches to
    1e-10 (tests/reference/power.R stores both).
    ``n_whole = ceil(n)``; ``power_whole`` is the power with that many pairs.

    References
    ----------
    Cohen, J. (1988). *Statistical power analysis for the behavioral sciences*
    (2nd ed.). Erlbaum.
    Champely, S. (2020). *pwr: Basic functions for power analysis*. R package 1.3-0.

    Examples
    --------
    >>> from stressgroup.analysis import power_paired
    >>> res = power_paired(dz=0.5)            # pairs needed for dz = 0.5
    >>> round(res.n, 4), res.n_whole
    (33.3671, 34)
    >>> round(power_paired(n=9).dz, 4)          # smallest dz detectable with 9 pairs
    1.067
    >>> round(power_paired(n=9, dz=0.5, power=None).power, 4)
    0.2627
    """
    from scipy import optimize

    if tails not in ("both", "upper"):
        raise ValueError(f"tails must be 'both' or 'upper', not {tails!r}")
    alpha = _check_prob("alpha", alpha)
    missing = [k for k, v in (("n", n), ("dz", dz), ("power", power)) if v is None]
    if len(missing) != 1:
        hint = (" (to compute the power for given n and dz, pass power=None)"
                if not missing else "")
        raise ValueError("leave exactly one of n, dz and power as None (to solve for it); "
                         f"now {len(missing)} are None: {missing or 'none'}{hint}")
    if n is not None:
        if isinstance(n, bool) or not isinstance(n, (int, float)) or not n > 1:
            raise ValueError(f"n must be a number of pairs greater than 1, got {n!r}")
        n = float(n)
    if dz is not None:
        if isinstance(dz, bool) or not isinstance(dz, (int, float)) or not math.isfinite(dz):
            raise ValueError(f"dz must be a finite number, got {dz!r}")
        dz = float(dz)
    if power is not None:
        power = _check_prob("power", power)
        if power <= alpha:
            raise ValueError(f"power ({power:g}) must exceed alpha ({alpha:g})")

    def pw(nn: float, d: float) -> float:
        return paired_power(nn, d, alpha, tails)

    solved = missing[0]
    if solved == "power":
        pwr = pw(n, dz)
        n_whole = math.ceil(n - 1e-9)
        return PowerResult("power", n, n_whole, dz, pwr, pw(n_whole, dz), alpha, tails)
    if solved == "dz":
        hi = 1.0
        while pw(n, hi) < power:
            hi *= 2
            if hi > 1e6:
                raise ValueError(f"no effect size reaches power {power:g} with n = {n:g}")
        d = optimize.brentq(lambda x: pw(n, x) - power, 0.0, hi, xtol=1e-14, rtol=1e-14,
                            maxiter=500)
        n_whole = math.ceil(n - 1e-9)
        return PowerResult("dz", n, n_whole, d, power, pw(n_whole, d), alpha, tails)
    # solve for n
    if dz == 0:
        raise ValueError("dz = 0 cannot be detected with any n; give a non-zero effect")
    lo = 2.0
    if pw(lo, dz) >= power:
        warnings.warn(f"dz = {dz:g} reaches power {power:g} with 2 pairs already; "
                      "n is reported as 2", DegenerateDataWarning, stacklevel=2)
        return PowerResult("n", 2.0, 2, dz, pw(2.0, dz), pw(2.0, dz), alpha, tails)
    hi = 4.0
    while pw(hi, dz) < power:
        hi *= 2
        if hi > 1e10:
            raise ValueError(f"dz = {dz:g} is too small to reach power {power:g}")
    nn = optimize.brentq(lambda x: pw(x, dz) - power, lo, hi, xtol=1e-12, rtol=1e-14,
                         maxiter=500)
    n_whole = math.ceil(nn - 1e-9)
    return PowerResult("n", nn, n_whole, dz, power, pw(n_whole, dz), alpha, tails)

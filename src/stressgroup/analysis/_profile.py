"""Baseline profile: how stressed, and from which level (per-level means, ranks, Friedman,
pairwise Wilcoxon, one-sample t against the scale midpoint)."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.errors import DataError, DegenerateDataWarning
from ..core.results import jsonable, quiet_numpy
from ..instruments import Instrument, load_instrument, score
from ..instruments._scoring import as_frame
from ..report import Reportable
from ._change import adjust_p
from ._paired import dz_confidence_interval, wilcoxon_signed_rank

__all__ = ["profile", "ProfileResult", "ProfileBlock", "one_sample_t", "friedman_test",
           "wave_scores"]


def wave_scores(responses, instrument: Instrument, wave: "str | None",
                keep: "list[str] | tuple[str, ...]" = ()) -> pd.DataFrame:
    """Scores of one wave (every row when ``wave`` is None), one row per person.

    ``keep`` columns are carried over; a missing one raises :class:`DataError`.
    """
    data = as_frame(responses)
    missing = [c for c in keep if c not in data.columns]
    if missing:
        raise DataError(f"the data has no column {', '.join(map(repr, missing))}; columns: "
                        f"{', '.join(map(str, data.columns))}")
    scored = getattr(responses, "scores", None)   # the evaluation's scores of these rows
    if (scored is not None and getattr(responses, "scores_instrument", None) is instrument
            and len(scored) == len(data)):
        scored = scored.reset_index(drop=True)
        at = sum(c in scored.columns for c in ("id", "wave"))   # as score(keep=...) orders
        for c in keep:
            if c not in scored.columns:
                scored.insert(at, c, data[c].reset_index(drop=True))
                at += 1
    else:
        scored = None
    if wave is not None:
        if "wave" not in data.columns:
            raise DataError("the data has no 'wave' column to select the wave "
                            f"{wave!r} from; pass wave=None to use every row")
        w = data["wave"].astype(str)
        rows = (w == str(wave)).to_numpy()
        if not rows.any():
            have = ", ".join(map(str, pd.unique(w)))
            raise DataError(f"no rows for wave {wave!r} (waves in the data: {have})")
        if scored is not None:
            scored = scored[rows]
            # only the ids are read from here on: copy no other column
            data = data.loc[rows, [c for c in ("id",) if c in data.columns]]
        else:
            data = data[rows]
    if "id" in data.columns and data["id"].duplicated().any():
        dup = ", ".join(map(str, pd.unique(data.loc[data["id"].duplicated(), "id"])[:5]))
        raise DataError(f"some people have more than one row in wave {wave!r} ({dup}); "
                        "give one row per person and wave")
    if scored is not None:
        return scored.reset_index(drop=True)
    return score(data, instrument, keep=list(keep)).reset_index(drop=True)


def one_sample_t(x, mu: float, confidence: float = 0.95) -> dict:
    """One-sample t test of ``x`` against ``mu`` with Cohen's d and its CI.

    Returns a dict with ``n``, ``mean``, ``sd``, ``t``, ``df``, ``p``, ``ci_low``,
    ``ci_high`` (interval of the mean, as R ``t.test(x, mu = mu)$conf.int``),
    ``mean_diff`` (mean - mu), ``d`` = (mean - mu) / sd and ``d_ci`` (noncentral t,
    as R ``effectsize::cohens_d(x, mu = mu)``). NaN (with a warning) for n < 2 or sd 0.
    """
    from scipy import stats

    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    n = int(x.size)
    nan = float("nan")
    out = {"n": n, "mean": float(x.mean()) if n else nan,
           "sd": float(np.std(x, ddof=1)) if n > 1 else nan, "t": nan, "df": float(n - 1),
           "p": nan, "ci_low": nan, "ci_high": nan, "mean_diff": nan, "d": nan,
           "d_ci": (nan, nan)}
    if n:
        out["mean_diff"] = out["mean"] - mu
    if n < 2 or not out["sd"] > 0:
        warnings.warn(f"a one-sample t test needs at least 2 values that vary (n = {n})",
                      DegenerateDataWarning, stacklevel=3)
        return out
    se = out["sd"] / math.sqrt(n)
    t = out["mean_diff"] / se
    q = stats.t.ppf(0.5 + confidence / 2, n - 1)
    out.update(t=float(t), p=float(2 * stats.t.sf(abs(t), n - 1)),
               ci_low=out["mean"] - q * se, ci_high=out["mean"] + q * se,
               d=out["mean_diff"] / out["sd"],
               d_ci=tuple(float(v) for v in dz_confidence_interval(t, n, confidence)))
    return out


def _tie_term(x: np.ndarray, block: int = 65536) -> float:
    """``sum(t**3 - t)`` over the groups of tied values within each row of ``x``.

    An element in a group of ``t`` equal values of its row contributes ``t**2 - 1``,
    so the sum over elements is the sum over groups of ``t**3 - t``; counted for
    blocks of rows at once (memory ``block * k * k``), exact in integers.
    """
    total = 0
    for start in range(0, x.shape[0], block):
        xb = x[start:start + block]
        c = (xb[:, :, None] == xb[:, None, :]).sum(axis=2, dtype=np.int64)
        total += int((c * c - 1).sum())
    return float(total)


def _rank_sums_and_ties(x: np.ndarray, block: int = 262144) -> tuple[np.ndarray, float]:
    """Column sums of the within-row average ranks of ``x`` and ``sum(t**3 - t)`` over
    the groups of tied values within each row (as :func:`_tie_term`).

    With ``lt`` the values of its row below an element and ``eq`` those equal to it
    (itself included), its average rank is ``lt + (eq + 1) / 2`` (as
    ``scipy.stats.rankdata(x, axis=1)``), and it contributes ``eq**2 - 1`` to the tie
    term, so the sum over elements is the sum over groups of ``t**3 - t``. Counted per
    pair of columns (two comparisons of two columns each) for blocks of rows, in
    integers: the rank sums are exact half-integers, equal to summing rankdata's ranks,
    without sorting each row.
    """
    n, k = x.shape
    lt_sum = np.zeros(k, dtype=np.int64)    # per column: values of its rows below it
    eq_sum = np.zeros(k, dtype=np.int64)    # ... and equal to it (itself included)
    ties = 0
    for start in range(0, n, block):
        xb = np.asfortranarray(x[start:start + block])
        eq = np.ones((k, xb.shape[0]), dtype=np.int64)
        for i in range(k):
            for j in range(i + 1, k):
                same = xb[:, i] == xb[:, j]
                below = np.count_nonzero(xb[:, i] < xb[:, j])   # i below j
                tied = np.count_nonzero(same)
                lt_sum[j] += below
                lt_sum[i] += xb.shape[0] - below - tied
                eq[i] += same
                eq[j] += same
        eq_sum += eq.sum(axis=1)
        ties += int((eq * eq - 1).sum())
    return lt_sum + (eq_sum + n) / 2, float(ties)


def friedman_test(x: np.ndarray) -> dict:
    """Friedman rank-sum test of the columns of ``x`` (rows: complete people).

    As R ``friedman.test(x)``: ranks within each row (ties averaged), tie-corrected
    chi-square with ``k - 1`` df; Kendall's ``W = chisq / (n (k - 1))`` as
    ``rstatix::friedman_effsize``.
    """
    from scipy import stats

    n, k = x.shape
    nan = float("nan")
    if n < 2 or k < 2:
        return {"n": n, "k": k, "chisq": nan, "df": float(k - 1), "p": nan,
                "kendall_w": nan}
    if np.isnan(x).any():   # scipy's NaN propagation
        colsum = stats.rankdata(x, axis=1).sum(axis=0)
        ties = _tie_term(x)
    else:
        colsum, ties = _rank_sums_and_ties(x)
    denom = n * k * (k + 1) - ties / (k - 1)
    if denom <= 0:
        warnings.warn("every person has the same score on every level: the Friedman test "
                      "is undefined", DegenerateDataWarning, stacklevel=3)
        return {"n": n, "k": k, "chisq": nan, "df": float(k - 1), "p": nan,
                "kendall_w": nan}
    chisq = 12 * float(((colsum - n * (k + 1) / 2) ** 2).sum()) / denom
    return {"n": n, "k": k, "chisq": chisq, "df": float(k - 1),
            "p": float(stats.chi2.sf(chisq, k - 1)), "kendall_w": chisq / (n * (k - 1))}


@dataclass(frozen=True, repr=False)
class ProfileBlock(Reportable):
    """The profile of one group (or of everyone).

    Attributes
    ----------
    levels : DataFrame
        One row per level (subscale), in the instrument's order: ``scale``, ``n``,
        ``mean``, ``sd``, ``rank`` (highest mean = 1, ties averaged), the one-sample t
        test against the midpoint (``mean_diff`` = mean - midpoint, ``t``, ``df``,
        ``p``, ``ci_low``/``ci_high`` of the mean) and Cohen's ``d`` with ``d_ci_low``,
        ``d_ci_high``.
    friedman : dict
        ``n`` (complete people), ``n_dropped``, ``k``, ``chisq``, ``df``, ``p``,
        ``kendall_w``.
    pairwise : DataFrame
        ``scale1``, ``scale2``, ``n``, ``V`` (Wilcoxon statistic of scale2 - scale1),
        ``p``, ``p_adj`` (Holm over all pairs), ``method`` (exact or normal).
    """

    levels: pd.DataFrame
    friedman: dict
    pairwise: pd.DataFrame
    _title = "Baseline profile"

    def to_dict(self) -> dict:
        return jsonable({"levels": self.levels.to_dict("records"),
                         "friedman": self.friedman,
                         "pairwise": self.pairwise.to_dict("records")})

    def to_frame(self) -> pd.DataFrame:
        return self.levels.copy()


@dataclass(frozen=True, repr=False)
class ProfileResult(Reportable):
    """Per-level profile at one wave (see :func:`profile`).

    Attributes
    ----------
    instrument : str
    wave : str or None
    midpoint : float
        ``(min + max) / 2`` of the declared response range, or of the declared score
        range for sum-scored levels.
    group_column : str or None
    groups : dict
        :class:`ProfileBlock` per group label (key ``None`` without a group column).
    names : dict
        Level id -> ``{"en": ..., "zh": ...}`` (for the report).
    """

    instrument: str
    wave: "str | None"
    midpoint: float
    group_column: "str | None"
    groups: dict
    names: dict
    _title = "Baseline profile"

    def to_dict(self) -> dict:
        head = {"instrument": self.instrument, "wave": self.wave, "midpoint": self.midpoint}
        if self.group_column is None:
            return jsonable({**head, **self.groups[None].to_dict()})
        return jsonable({**head, "group_column": self.group_column,
                         "groups": {str(k): v.to_dict() for k, v in self.groups.items()}})

    def to_frame(self) -> pd.DataFrame:
        frames = []
        for k, b in self.groups.items():
            f = b.levels.copy()
            if self.group_column is not None:
                f.insert(0, "group", k)
            frames.append(f)
        return pd.concat(frames, ignore_index=True)

    def to_document(self, lang: str = "en"):
        """The tables as a :class:`~stressgroup.core.document.Document`."""
        return _profile_document(self)

    def _summary_lines(self) -> list[str]:
        out = []
        for k, b in self.groups.items():
            f = b.friedman
            who = f"{k}: " if k is not None else ""
            out.append(f"{who}Friedman chi2({f['df']:g}) = {f['chisq']:.4f}, p = {f['p']:.4g}, "
                       f"W = {f['kendall_w']:.4f} (n = {f['n']})")
        return out


def _midpoint(inst: Instrument, sub) -> float:
    lo, hi = inst.response_min, inst.response_max
    if sub.scoring == "sum":
        return (lo + hi) / 2 * sub.k
    return (lo + hi) / 2


@quiet_numpy
def _block(scores: pd.DataFrame, inst: Instrument, mids: dict,
           confidence: float) -> ProfileBlock:
    subs = [s.id for s in inst.subscales]
    rows = []
    for s in subs:
        r = one_sample_t(scores[s].to_numpy(dtype=float), mids[s], confidence)
        rows.append({"scale": s, "n": r["n"], "mean": r["mean"], "sd": r["sd"],
                     "midpoint": mids[s], "mean_diff": r["mean_diff"], "t": r["t"],
                     "df": r["df"], "p": r["p"], "ci_low": r["ci_low"],
                     "ci_high": r["ci_high"], "d": r["d"], "d_ci_low": r["d_ci"][0],
                     "d_ci_high": r["d_ci"][1]})
    levels = pd.DataFrame(rows)
    from scipy import stats

    means = levels["mean"].to_numpy(dtype=float)
    rank = np.full(len(means), np.nan)
    ok = ~np.isnan(means)
    rank[ok] = stats.rankdata(-means[ok])
    levels.insert(4, "rank", rank)
    x = scores[subs].to_numpy(dtype=float)
    complete = ~np.isnan(x).any(axis=1)
    xc = x[complete]
    fr = friedman_test(xc)
    fr = {"n": fr["n"], "n_dropped": int((~complete).sum()), **{
        k: v for k, v in fr.items() if k != "n"}}
    pairs = []
    for i in range(len(subs)):
        for j in range(i + 1, len(subs)):
            V, p, method, _ = wilcoxon_signed_rank(xc[:, j] - xc[:, i])
            pairs.append({"scale1": subs[i], "scale2": subs[j], "n": int(xc.shape[0]),
                          "V": V, "p": p, "method": method})
    pw = pd.DataFrame(pairs, columns=["scale1", "scale2", "n", "V", "p", "method"])
    pw.insert(5, "p_adj", adjust_p(pw["p"].to_numpy(dtype=float), "holm") if len(pw) else [])
    return ProfileBlock(levels, fr, pw)


def profile(responses, instrument: "Instrument | str", wave: "str | None" = "pre",
            group: "str | None" = None, *, confidence: float = 0.95) -> ProfileResult:
    """Baseline profile: mean, SD and rank of each level; do the levels differ, and is each
    above the scale's midpoint?

    Parameters
    ----------
    responses : Responses or DataFrame
        One row per person per wave: ``id``, ``wave``, item columns.
    instrument : Instrument or str
    wave : str or None
        The wave to describe (default ``"pre"``); None uses every row (one per person).
    group : str, optional
        A group column: each group is profiled on its own (groups are never pooled).
    confidence : float
        Coverage of the intervals (default 0.95).

    Returns
    -------
    ProfileResult
        ``groups[label]`` (``groups[None]`` without a group) is a :class:`ProfileBlock`
        with ``levels``, ``friedman`` and ``pairwise``.

    Notes
    -----
    The levels are the subscales (the total is not a level). Per level: M, SD (n - 1)
    and n over everyone with that score; rank 1 is the highest mean (ties averaged, as
    R ``rank(-m)``). One-sample t test against the midpoint ``(min + max) / 2`` of the
    declared response range (times k for sum-scored levels), as R
    ``t.test(x, mu = mid)``; ``d = (M - mid) / SD`` with the noncentral-t interval, as
    R ``effectsize::cohens_d(x, mu = mid)`` (whose Nelder-Mead search may differ from
    the exact root by about 1e-6; we solve the root exactly).

    Friedman test over the people with every level scored (the others are counted in
    ``n_dropped``): matches R ``friedman.test(as.matrix(scores))``; Kendall's
    ``W = chisq / (n (k - 1))`` as ``rstatix::friedman_effsize``. Pairwise Wilcoxon
    signed-rank tests on the same people, Holm-corrected over all ``k (k - 1) / 2``
    pairs: matches R ``pairwise.wilcox.test(x, level, paired = TRUE,
    p.adjust.method = "holm")`` (exact p below 50 non-zero differences without ties
    or zeros, else the normal approximation with tie and continuity corrections).

    References
    ----------
    Friedman, M. (1937). JASA, 32, 675-701. Kendall, M. G., & Babington Smith, B.
    (1939). Ann. Math. Stat., 10, 275-287.

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup import load_instrument
    >>> from stressgroup.analysis import profile
    >>> data = pd.read_csv("data/sample/qcity_long.csv", dtype={"id": str})
    >>> res = profile(data, load_instrument("five-level-stress"), wave="pre")
    >>> lv = res.groups[None].levels
    >>> lv[["scale", "rank"]].values.tolist()[:2]
    [['individual', 3.0], ['family', 4.0]]
    >>> res.groups[None].friedman["n"], round(res.groups[None].friedman["kendall_w"], 3)
    (48, 0.505)
    """
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie between 0 and 1")
    inst = load_instrument(instrument)
    if not inst.subscales:
        raise DataError(f"instrument {inst.id!r} has no subscales to profile")
    keep = [group] if group is not None else []
    scores = wave_scores(responses, inst, wave, keep)
    mids = {s.id: _midpoint(inst, s) for s in inst.subscales}
    names = {s.id: dict(s.name) for s in inst.subscales}
    if group is None:
        groups = {None: _block(scores, inst, mids, confidence)}
    else:
        labels = scores[group]
        groups = {}
        for lab in sorted(pd.unique(labels.dropna().astype(str))):
            groups[lab] = _block(scores[(labels.astype(str) == lab).to_numpy()
                                        & labels.notna().to_numpy()].reset_index(drop=True),
                                 inst, mids, confidence)
    mid_all = sorted(set(mids.values()))
    return ProfileResult(inst.id, None if wave is None else str(wave),
                         mid_all[0] if len(mid_all) == 1 else float("nan"),
                         group, groups, names)


def _profile_document(res: ProfileResult):
    from ..core.document import Column, Document, Note, Table
    from ..report import label

    blocks = []
    for g, b in res.groups.items():
        who = label("profile.who", group=str(g)) if g is not None else ""
        f = b.friedman
        rows = [{"scale": res.names.get(r["scale"], r["scale"]), "n": r["n"],
                 "msd": (r["mean"], r["sd"]), "rank": r["rank"], "t": r["t"], "df": r["df"],
                 "p": r["p"], "d": (r["d"], r["d_ci_low"], r["d_ci_high"])}
                for r in b.levels.to_dict("records")]
        mid = ", ".join(sorted({f"{m:g}" for m in b.levels["midpoint"]}))
        blocks.append(Table(
            key="profile" if g is None else f"profile_{g}",
            title=label("profile.title", who=who),
            columns=(Column("scale", label("profile.level"), "text"),
                     Column("n", label("col.n"), "count"),
                     Column("msd", label("profile.msd"), "mean_sd"),
                     Column("rank", label("profile.rank"), "number", digits=1),
                     Column("t", label("profile.t_mid"), "statistic", stars="p", df="df",
                            symbol="t"),
                     Column("df", label("col.df"), "df"),
                     Column("p", label("col.p"), "p"),
                     Column("d", label("profile.d_ci"), "estimate_ci")),
            rows=rows,
            notes=(Note(label("profile.note", mid=mid, n=str(f["n"]), df=f"{f['df']:g}",
                              chisq=f"{f['chisq']:.2f}", p=_p_text(f["p"]),
                              w=f"{f['kendall_w']:.3f}")),)))
        blocks.append(Table(
            key="profile_pairwise" if g is None else f"profile_pairwise_{g}",
            title=label("profile.pairwise", who=who),
            columns=(Column("pair", label("profile.pair"), "text"),
                     Column("n", label("col.n"), "count"),
                     Column("V", label("col.V"), "statistic", digits=1),
                     Column("p", label("col.p"), "p"),
                     Column("p_adj", label("profile.p_holm"), "p_adj"),
                     Column("method", label("col.method"), "text")),
            rows=[{"pair": f"{r['scale1']} - {r['scale2']}", "n": r["n"], "V": r["V"],
                   "p": r["p"], "p_adj": r["p_adj"], "method": r["method"]}
                  for r in b.pairwise.to_dict("records")],
            notes=(Note(label("profile.pw_note")),)))
    return Document(label("profile.doc_title"), tuple(blocks))


def _p_text(p: float) -> str:
    if p != p:
        return "p = NA"
    return "p < .001" if p < 0.001 else f"p = {p:.3f}"

"""Clinical significance of individual change (Jacobson & Truax, 1991)."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ..core.document import Column, Document, Note, Paragraph, Table
from ..core.results import jsonable
from ..report import Reportable, label

__all__ = ["clinical_significance", "ClinicalSignificanceResult", "jacobson_truax_cutoffs"]

CATEGORIES = ("recovered", "improved", "unchanged", "deteriorated")


def jacobson_truax_cutoffs(mean_dys: float, sd_dys: float, mean_fun: float = math.nan,
                           sd_fun: float = math.nan,
                           higher_is: Literal["worse", "better"] = "worse"
                           ) -> dict[str, float]:
    """Cut-offs a, b and c of Jacobson & Truax (1991).

    * a: two SDs beyond the dysfunctional mean, towards the functional side;
    * b: two SDs beyond the functional mean, towards the dysfunctional side;
    * c: ``(sd_fun * mean_dys + sd_dys * mean_fun) / (sd_dys + sd_fun)``, where
      the two distributions are equally likely (the SD-weighted midpoint).

    b and c are NaN without a functional (normative) mean and SD.

    Examples
    --------
    >>> cuts = jacobson_truax_cutoffs(2.4, 0.5, 1.44, 0.43)
    >>> {k: round(v, 4) for k, v in cuts.items()}
    {'a': 1.4, 'b': 2.3, 'c': 1.8839}
    """
    toward_fun = -1.0 if higher_is == "worse" else 1.0
    a = mean_dys + toward_fun * 2 * sd_dys
    b = mean_fun - toward_fun * 2 * sd_fun
    c = (sd_fun * mean_dys + sd_dys * mean_fun) / (sd_dys + sd_fun)
    return {"a": float(a), "b": float(b), "c": float(c)}


@dataclass(frozen=True, repr=False)
class ClinicalSignificanceResult(Reportable):
    """Reliable and clinically significant change per person.

    Attributes
    ----------
    recovered, improved, unchanged, deteriorated : int
        People with both scores, by category.
    n : int
        People with both scores (classified).
    cutoff : {"a", "b", "c"}
        The criterion used to decide "functional".
    cutoff_value : float
        Its value.
    cutoffs : dict
        ``{"a": ..., "b": ..., "c": ...}``; b and c NaN without norms.
    cutoff_source : str
        Where the cut-off came from (the norms' population, or the sample).
    mean_pre, sd_pre : float
        Mean and SD of the dysfunctional (pre-treatment) sample: everyone with
        a pre score (``sd_pre`` as given, when given).
    norm_mean, norm_sd : float
        Functional (normative) mean and SD; NaN without norms.
    r_xx, s_diff, criterion : float
        Reliability, standard error of the difference and the RCI criterion.
    higher_is : {"worse", "better"}
    table : DataFrame
        One row per person: ``id``, ``pre``, ``post``, ``change``, ``rci``,
        ``reliable`` ("improvement", "deterioration" or "none"),
        ``functional_pre``, ``functional_post`` (on the functional side of the
        cut-off), ``category`` (None without both scores), ``targeted``.
    targeted : tuple
        Ids of the people who deteriorated reliably or are still beyond the
        cut-off (dysfunctional side) at post: the targeted-intervention list.
    notes : tuple of str
        Warnings about the reading of the criteria.
    norm_population : str
        The norms' population (or source) as declared, empty when not given.
    """

    recovered: int
    improved: int
    unchanged: int
    deteriorated: int
    n: int
    cutoff: str
    cutoff_value: float
    cutoffs: dict
    cutoff_source: str
    mean_pre: float
    sd_pre: float
    norm_mean: float
    norm_sd: float
    r_xx: float
    s_diff: float
    criterion: float
    higher_is: str
    people: "PersonCodes" = field(repr=False, compare=False)
    targeted: tuple = ()
    notes: tuple = ()
    norm_population: str = ""
    _title = "Clinically significant change (Jacobson & Truax, 1991)"

    @functools.cached_property
    def table(self) -> pd.DataFrame:
        """One row per person (see the class's attributes), built when first asked for:
        a screened province's evaluation keeps the people as small codes until a table,
        a document or ``--persons`` needs them."""
        return self.people.frame()

    def ids_in(self, category: str) -> list:
        """Ids of the people in one category (``"recovered"``, ..., ``"deteriorated"``),
        in the table's order."""
        return _ids_where(self.people, self.people.cat == CATEGORIES.index(category))

    @property
    def n_people(self) -> int:
        """Rows of :attr:`table` (everyone given, classified or not)."""
        return len(self.people.pre)

    def to_dict(self, per_person: bool = True) -> dict:
        """Counts, cut-offs and the targeted ids; with ``per_person`` also the per-person
        ``id``, ``rci`` and ``category`` lists (in the order of :attr:`table`)."""
        d = {
            "recovered": self.recovered, "improved": self.improved,
            "unchanged": self.unchanged, "deteriorated": self.deteriorated, "n": self.n,
            "cutoff": self.cutoff, "cutoff_value": self.cutoff_value,
            "cutoff_a": self.cutoffs["a"], "cutoff_b": self.cutoffs["b"],
            "cutoff_c": self.cutoffs["c"], "cutoff_source": self.cutoff_source,
            "mean_pre": self.mean_pre, "sd_pre": self.sd_pre,
            "norm_mean": self.norm_mean, "norm_sd": self.norm_sd, "r_xx": self.r_xx,
            "s_diff": self.s_diff, "criterion": self.criterion,
            "higher_is": self.higher_is, "targeted": list(self.targeted)}
        if per_person:   # per person, in the same order: id (pseudonymous), RCI, category
            pp = self.people
            d.update(id=pp.id_array(), rci=pp.rci, category=_CAT_LABELS[pp.cat])
        d["notes"] = list(self.notes)
        return jsonable(d)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def _summary_lines(self) -> list[str]:
        lines = [f"recovered {self.recovered}, improved {self.improved}, unchanged "
                 f"{self.unchanged}, deteriorated {self.deteriorated} of {self.n}; "
                 f"cut-off {self.cutoff} = {self.cutoff_value:.4f} ({self.cutoff_source}); "
                 f"|RCI| > {self.criterion:g}",
                 f"targeted-intervention list ({len(self.targeted)}): "
                 + (", ".join(str(i) for i in self.targeted) or "none")]
        return lines + list(self.notes)

    def _source_zh(self) -> str:
        if math.isfinite(self.norm_mean):
            return (f"常模（{self.norm_population or '使用者给定'}）：功能正常组 M = "
                    f"{self.norm_mean:g}，SD = {self.norm_sd:g}；功能失调组的 M、SD 取自前测样本")
        sign = "-" if self.higher_is == "worse" else "+"
        return f"样本：仅有标准 a（前测 M {sign} 2 SD，未提供常模）"

    def to_document(self, lang: str = "en") -> Document:
        """Counts, cut-offs, the per-person table and the targeted-intervention list as a
        :class:`~stressgroup.core.document.Document`."""
        counts = Table(
            key="clinical_significance",
            title={"en": "Clinically significant change by person (Jacobson & Truax, 1991)",
                   "zh": "临床意义变化（Jacobson & Truax, 1991）"},
            columns=(Column("category", label("col.category"), "text"),
                     Column("n", label("col.n"), "count"),
                     Column("pct", label("col.percent"), "percent")),
            rows=[{"category": _CAT_TEXT[k], "n": getattr(self, k),
                   "pct": 100.0 * getattr(self, k) / self.n if self.n else None}
                  for k in CATEGORIES],
            notes=(Note({"en": f"Reliable: |RCI| > {self.criterion:g} (r_xx = {self.r_xx:.3f},"
                               f" SD_pre = {self.sd_pre:.3f}). Recovered: reliable improvement"
                               " from beyond the cut-off to its functional side.",
                         "zh": f"可靠变化：|RCI| > {self.criterion:g}（r_xx = {self.r_xx:.3f}，"
                               f"前测 SD = {self.sd_pre:.3f}）。康复：可靠改善且从临界值的功能失调"
                               "一侧进入功能正常一侧。"}),))
        side = ("<" if self.higher_is == "worse" else ">")
        cut_rows = []
        for k in ("a", "b", "c"):
            v = self.cutoffs[k]
            cut_rows.append({"criterion": {"en": k + (" (used)" if k == self.cutoff else ""),
                                           "zh": k + ("（采用）" if k == self.cutoff else "")},
                             "value": v if math.isfinite(v) else None,
                             "definition": _CUT_TEXT[k]})
        cuts = Table(
            key="clinical_cutoffs",
            title={"en": "Cut-offs for functional scores", "zh": "功能正常的临界值"},
            columns=(Column("criterion", {"en": "Criterion", "zh": "标准"}, "text"),
                     Column("value", {"en": "Cut-off", "zh": "临界值"}, "number"),
                     Column("definition", {"en": "Definition", "zh": "定义"}, "text")),
            rows=cut_rows,
            notes=(Note({"en": f"Functional: score {side} cut-off. Source: {self.cutoff_source}.",
                         "zh": f"功能正常：得分 {side} 临界值。来源：{self._source_zh()}。"}),)
            + tuple(Note(n) for n in self.notes))
        t = self.table
        people = Table(
            key="clinical_people",
            title={"en": "Each person's change", "zh": "每位参与者的变化"},
            columns=(Column("id", label("col.id"), "text"),
                     Column("pre", {"en": "Pre", "zh": "前测"}, "mean"),
                     Column("post", {"en": "Post", "zh": "后测"}, "mean"),
                     Column("change", label("col.change"), "difference"),
                     Column("rci", label("col.rci"), "statistic"),
                     Column("category", label("col.category"), "text"),
                     Column("targeted", {"en": "Follow up", "zh": "需跟进"}, "text")),
            rows=[{"id": str(rec["id"]), "pre": _num(rec["pre"]), "post": _num(rec["post"]),
                   "change": _num(rec["change"]), "rci": _num(rec["rci"]),
                   "category": _CAT_TEXT.get(rec["category"], ""),
                   "targeted": {"en": "yes", "zh": "是"} if rec["targeted"] else ""}
                  for rec in t.to_dict("records")])
        ids = ", ".join(str(i) for i in self.targeted)
        para = Paragraph(
            {"en": f"Targeted-intervention list ({len(self.targeted)}; deteriorated or beyond "
                   f"the cut-off at post): {ids or 'none'}.",
             "zh": f"重点干预名单（{len(self.targeted)} 人；恶化或后测仍未达到功能正常临界值）："
                   f"{ids or '无'}。"})
        return Document(counts.title, (counts, cuts, people, para))


_CAT_TEXT = {"recovered": {"en": "recovered", "zh": "康复"},
             "improved": {"en": "improved", "zh": "改善"},
             "unchanged": {"en": "unchanged", "zh": "无可靠变化"},
             "deteriorated": {"en": "deteriorated", "zh": "恶化"}}
_CUT_TEXT = {"a": {"en": "2 SD beyond the baseline (dysfunctional) mean",
                   "zh": "距基线（功能失调）均值 2 个标准差"},
             "b": {"en": "2 SD beyond the normative (functional) mean",
                   "zh": "距常模（功能正常）均值 2 个标准差"},
             "c": {"en": "SD-weighted midpoint of the two means",
                   "zh": "两个均值按标准差加权的中点"}}


#: Codes of the per-person columns; the labels are what the table holds (None: not
#: classified, or the score is missing).
_RECOVERED, _IMPROVED, _UNCHANGED, _DETERIORATED, _NONE = range(5)
_CAT_LABELS = np.array(list(CATEGORIES) + [None], dtype=object)
_REL_LABELS = np.array(["none", "improvement", "deterioration", None], dtype=object)
_FLAG_LABELS = np.array([False, True, None], dtype=object)
_FROM_RC = np.array([_UNCHANGED, _IMPROVED, _DETERIORATED, _NONE], dtype=np.int8)  # by RC code


@dataclass(frozen=True, repr=False)
class PersonCodes:
    """The per-person columns of :class:`ClinicalSignificanceResult` as arrays and small
    integer codes (row-aligned); :meth:`frame` makes the table."""

    ids: object            # sequence of ids, or None (positions)
    pre: np.ndarray
    post: np.ndarray
    s_diff: float
    cat: np.ndarray        # _RECOVERED ... _NONE (int8)
    rel: np.ndarray        # 0 none, 1 improvement, 2 deterioration, 3 missing (int8)
    fun_pre: np.ndarray    # bool
    fun_post: np.ndarray   # bool
    targeted: np.ndarray   # bool

    @property
    def change(self) -> np.ndarray:
        return self.post - self.pre

    @property
    def rci(self) -> np.ndarray:   # as change_arrays computes it, to the bit
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.change / self.s_diff

    def id_array(self) -> np.ndarray:
        if self.ids is None:
            return np.arange(len(self.pre)).astype(object)
        return np.asarray(self.ids, dtype=object)

    def frame(self) -> pd.DataFrame:
        def col(values) -> pd.Series:  # object dtype keeps None (no inference to str)
            return pd.Series(values, dtype=object, copy=False)

        change = self.change
        with np.errstate(invalid="ignore", divide="ignore"):
            rci = change / self.s_diff
        tab = pd.DataFrame({"pre": self.pre, "post": self.post, "change": change,
                            "rci": rci, "category": col(_CAT_LABELS[self.cat]),
                            "reliable": col(_REL_LABELS[self.rel]),
                            "functional_pre": col(_flags(self.fun_pre, self.pre)),
                            "functional_post": col(_flags(self.fun_post, self.post)),
                            "targeted": self.targeted})
        tab.insert(0, "id", list(self.ids) if self.ids is not None else list(range(len(tab))))
        return tab


def _flags(f: np.ndarray, x: np.ndarray) -> np.ndarray:
    """True / False, None where the score is missing (Python objects, shared)."""
    code = f.astype(np.int8)
    code[np.isnan(x)] = 2
    return _FLAG_LABELS[code]


def _ids_where(people: PersonCodes, mask: np.ndarray) -> list:
    """The ids of the people where ``mask`` holds, as the table's ``id`` column gives them."""
    at = np.flatnonzero(mask)
    ids = people.ids   # None, a tuple, an Index or an array (see clinical_significance)
    if ids is None:
        return at.tolist()
    if isinstance(ids, tuple):
        return [ids[i] for i in at.tolist()]
    return ids[at].tolist()


def _num(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _norm_values(norms) -> tuple[float, float, str]:
    if norms is None:
        return math.nan, math.nan, ""
    if isinstance(norms, Mapping):
        mean, sd = norms.get("mean"), norms.get("sd")
        label = str(norms.get("population", "") or norms.get("source", ""))
    elif isinstance(norms, (tuple, list)) and len(norms) == 2:
        (mean, sd), label = norms, ""
    elif hasattr(norms, "mean") and hasattr(norms, "sd"):
        mean, sd = norms.mean, norms.sd
        label = str(getattr(norms, "population", "") or getattr(norms, "source", ""))
    else:
        raise TypeError("norms must be an instrument Norm, a mapping with 'mean' and 'sd', "
                        f"or a (mean, sd) pair; got {type(norms).__name__}")
    try:
        mean, sd = float(mean), float(sd)
    except (TypeError, ValueError):
        raise TypeError("norms needs a numeric mean and sd") from None
    if not (math.isfinite(mean) and math.isfinite(sd) and sd > 0):
        raise ValueError(f"norms needs a finite mean and a positive sd, got {mean!r}, {sd!r}")
    return mean, sd, label


def clinical_significance(pre, post, *, reliability: float,
                          higher_is: Literal["worse", "better"] = "worse", norms=None,
                          sd_pre: "float | None" = None, ids=None,
                          cutoff: "Literal['a', 'b', 'c'] | None" = None,
                          criterion: float = 1.96) -> ClinicalSignificanceResult:
    """Classify each person's change as recovered, improved, unchanged or deteriorated.

    Parameters
    ----------
    pre, post : array-like or Series
        Scores of the same people (arrays by position, two Series by index).
        Missing values allowed; only people with both scores are classified.
    reliability : float
        Reliability ``r_xx`` of the score (e.g. Cronbach's alpha at baseline).
    higher_is : {"worse", "better"}
        Direction of the scale.
    norms : Norm, mapping or (mean, sd), optional
        Mean and SD of the functional (normative) population, e.g.
        ``instrument.norm("gsi")`` of a built-in instrument. Without norms only
        criterion a (from the sample) is available.
    sd_pre : float, optional
        SD of the dysfunctional population. Default: the SD (n - 1) of every
        non-missing pre score (also used by the RCI, as
        :func:`~stressgroup.reliable_change`).
    ids : array-like, optional
        Person ids (pseudonymous, as given); default the Series index of ``pre``
        when both are Series, else the positions 0, 1, ...
    cutoff : {"a", "b", "c"}, optional
        Criterion deciding "functional". Default ``"c"`` with norms (Jacobson
        & Truax's recommendation when the distributions overlap), ``"a"``
        without.
    criterion : float
        ``|RCI|`` must exceed this (default 1.96) to count as reliable.

    Returns
    -------
    ClinicalSignificanceResult

    Notes
    -----
    ``RCI = (post - pre) / S_diff``, ``S_diff = sqrt(2) sd_pre sqrt(1 - r_xx)``
    (computed by :func:`~stressgroup.reliable_change`). The dysfunctional
    population is the sample at pre (mean and SD of every pre score); the
    functional population is given by ``norms``. For ``higher_is="worse"``:
    ``a = M_pre - 2 SD_pre``, ``b = M_norm + 2 SD_norm``, and for
    ``"better"`` the signs are reversed; ``c = (SD_norm M_pre + SD_pre M_norm) /
    (SD_pre + SD_norm)`` in both cases. A score is *functional* when it is
    strictly on the functional side of the cut-off (below it when higher is
    worse), *beyond the cut-off* otherwise.

    Categories (Jacobson & Truax, 1991; Jacobson et al., 1999):

    * recovered: reliable improvement, beyond the cut-off at pre and functional at post;
    * improved: reliable improvement without that crossing;
    * deteriorated: reliable worsening;
    * unchanged: no reliable change.

    The targeted-intervention list holds the ids of the classified people who
    deteriorated or who are beyond the cut-off at post. Checked against a
    hand computation in R (tests/reference/clinical.R).

    References
    ----------
    Jacobson, N. S., & Truax, P. (1991). Clinical significance: a statistical
    approach to defining meaningful change in psychotherapy research.
    *Journal of Consulting and Clinical Psychology*, 59(1), 12-19.
    Jacobson, N. S., Roberts, L. J., Berns, S. B., & McGlinchey, J. B. (1999).
    Methods for defining and determining the clinical significance of
    treatment effects. *Journal of Consulting and Clinical Psychology*, 67(3), 300-307.

    Examples
    --------
    >>> from stressgroup.analysis import clinical_significance
    >>> pre = [2.6, 2.2, 3.0, 2.4, 1.9, 2.8]
    >>> post = [1.5, 2.1, 2.9, 2.6, 1.2, 1.8]
    >>> res = clinical_significance(pre, post, reliability=0.9,
    ...                             norms={"mean": 1.44, "sd": 0.43},
    ...                             ids=["A", "B", "C", "D", "E", "F"])
    >>> res.cutoff, round(res.cutoff_value, 4)
    ('c', 1.9792)
    >>> res.table["category"].tolist()
    ['recovered', 'unchanged', 'unchanged', 'unchanged', 'improved', 'recovered']
    >>> res.targeted
    ('B', 'C', 'D')
    """
    from ._change import DETERIORATED, IMPROVED, change_arrays

    if higher_is not in ("worse", "better"):
        raise ValueError(f"higher_is must be 'worse' or 'better', not {higher_is!r}")
    if cutoff not in (None, "a", "b", "c"):
        raise ValueError(f"cutoff must be 'a', 'b' or 'c', not {cutoff!r}")
    if not (isinstance(criterion, (int, float)) and criterion > 0):
        raise ValueError(f"criterion must be a positive number, got {criterion!r}")
    if ids is not None and len(ids) != len(pre):
        raise ValueError(f"ids must give one id per person: {len(ids)} ids for "
                         f"{len(pre)} scores")
    norm_mean, norm_sd, population = _norm_values(norms)
    has_norms = norms is not None
    if cutoff is None:
        cutoff = "c" if has_norms else "a"
    elif cutoff in ("b", "c") and not has_norms:
        raise ValueError(f"cutoff {cutoff!r} needs the functional population's mean and SD: "
                         "pass norms=... (or use cutoff='a', from the sample)")
    rc = change_arrays(pre, post, reliability=reliability, sd_pre=sd_pre,
                       higher_is=higher_is, criterion=criterion, ids=ids)
    a, b = rc.pre, rc.post
    base = a[~np.isnan(a)]
    mean_pre = float(base.mean()) if base.size else math.nan
    cuts = jacobson_truax_cutoffs(mean_pre, rc.sd_pre, norm_mean, norm_sd, higher_is)
    value = cuts[cutoff]
    toward_fun = -1.0 if higher_is == "worse" else 1.0
    with np.errstate(invalid="ignore"):
        fun_pre = toward_fun * (a - value) > 0
        fun_post = toward_fun * (b - value) > 0
    both = ~(np.isnan(a) | np.isnan(b))
    # Everything per person is a small-integer code; the object columns of the table
    # are one take from a tiny label array (cells share its few objects).
    improved = rc.code == IMPROVED
    deteriorated = rc.code == DETERIORATED
    cat = _FROM_RC[rc.code]
    cat[improved & both & ~fun_pre & fun_post] = _RECOVERED
    rel = np.where(improved, np.int8(1), np.int8(0))
    rel[deteriorated] = 2
    rel[~both] = 3
    targeted = both & (deteriorated | ~fun_post)
    # the table is built later: its columns must not follow later changes to the inputs
    own = [x if x.base is None and x is not pre and x is not post else x.copy()
           for x in (a, b)]
    ids_kept = rc.ids if rc.ids is None or isinstance(rc.ids, (tuple, pd.Index)) or (
        isinstance(rc.ids, np.ndarray) and rc.ids.base is None and not rc.ids.flags.writeable
    ) else np.fromiter(rc.ids, dtype=object, count=len(rc.ids))   # a copy (an id each,
    # a tuple id too); a read-only array of its own, as the individual section gives, is shared
    people = PersonCodes(ids_kept, *own, rc.s_diff, cat, rel, fun_pre, fun_post, targeted)
    counts = np.bincount(cat[both], minlength=len(_CAT_LABELS))
    if has_norms:
        source = (f"norms ({population})" if population else "norms (as given)")
        source += f": functional M = {norm_mean:g}, SD = {norm_sd:g}; dysfunctional M, SD " \
                  "from the sample at pre"
    else:
        source = ("sample: criterion a only (M - 2 SD of the pre scores, no norms given)"
                  if higher_is == "worse" else
                  "sample: criterion a only (M + 2 SD of the pre scores, no norms given)")
    notes = []
    if has_norms and toward_fun * (norm_mean - mean_pre) <= 0:
        notes.append("the normative mean is not on the functional side of the sample's "
                     "baseline mean: the sample does not look like a dysfunctional "
                     "population, so criteria b and c are hard to read")
    return ClinicalSignificanceResult(
        recovered=int(counts[_RECOVERED]), improved=int(counts[_IMPROVED]),
        unchanged=int(counts[_UNCHANGED]), deteriorated=int(counts[_DETERIORATED]),
        n=int(both.sum()),
        cutoff=cutoff, cutoff_value=float(value), cutoffs=cuts, cutoff_source=source,
        mean_pre=mean_pre, sd_pre=rc.sd_pre, norm_mean=norm_mean, norm_sd=norm_sd,
        r_xx=float(reliability), s_diff=rc.s_diff, criterion=float(criterion),
        higher_is=higher_is,
        people=people, targeted=tuple(_ids_where(people, targeted)), notes=tuple(notes),
        norm_population=population)

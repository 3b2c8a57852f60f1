"""The whole pre/post evaluation of an instrument, per group."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ..core.results import jsonable, quiet_numpy
from ..core.errors import DataError, DegenerateDataWarning
from ..core.progress import progress
from ..core.vocab import find_group_column, guess_control
from ..instruments import Instrument, load_instrument
from ..instruments._scoring import absent_items, as_frame, rows_of, score_and_key
from ..reliability._memo import shared_results
from ..report import Reportable
from ._change import ReliableChangeResult, adjust_p, reliable_change
from ._paired import PairedTestResult, paired_test

__all__ = ["evaluate", "Evaluation", "GroupEvaluation"]

_PAIRED_LABEL = {"en": "evaluation: paired tests", "zh": "评估：前后测检验"}

_SUBSCALE_KEYS = ("name", "n", "pre_mean", "pre_sd", "post_mean", "post_sd", "mean_diff",
                  "ci_low", "ci_high", "t", "df", "p", "p_adj", "dz", "dz_ci", "d_av", "g_z",
                  "wilcoxon_V", "wilcoxon_p", "wilcoxon_method", "rank_biserial",
                  "alpha_pre", "omega_pre")


@dataclass(frozen=True, repr=False)
class GroupEvaluation(Reportable):
    """The pre/post analysis of one group (or of everyone).

    Attributes
    ----------
    label : str or None
        The group, or None when the data has no group column.
    n : dict
        ``pre``, ``post`` and ``paired`` (people with both waves).
    tests : dict
        :class:`PairedTestResult` per subscale id (the total last).
    p_adj : dict
        Adjusted p per subscale (the total keeps its own p).
    alpha_pre, omega_pre : dict
        Raw alpha and omega total at pre per subscale (everyone with a pre row).
    reliable_change : ReliableChangeResult or None
        On the total (when the instrument has one).
    excluded : list of dict
        ``id`` and ``reason`` for each person or score left out of a test.
    """

    label: "str | None"
    n: dict
    tests: dict
    p_adj: dict
    alpha_pre: dict
    omega_pre: dict
    reliable_change: "ReliableChangeResult | None"
    excluded: list = field(default_factory=list)
    rc_subscale: "str | None" = None
    notes: tuple = ()
    absent_items: dict = field(default_factory=dict)   # scale -> items with no column
    incomplete: tuple = ()                             # scales scored without them
    #: ids of the people with both waves, sorted (shared with the evaluation's sections)
    paired_ids: tuple = field(default=(), repr=False, compare=False)

    @property
    def _title(self) -> str:  # type: ignore[override]
        return f"Pre/post evaluation: {self.label}" if self.label else "Pre/post evaluation"

    def subscale_dicts(self) -> list[dict]:
        out = []
        for sid, res in self.tests.items():
            d = res.to_dict()
            row = {"name": sid, **{k: d[k] for k in _SUBSCALE_KEYS if k in d}}
            row["p_adj"] = self.p_adj[sid]
            row["alpha_pre"] = self.alpha_pre[sid]
            row["omega_pre"] = self.omega_pre[sid]
            out.append({**{k: row[k] for k in _SUBSCALE_KEYS},
                        "absent_items": list(self.absent_items.get(sid, ())),
                        "incomplete": sid in self.incomplete})
        return jsonable(out)

    def to_dict(self) -> dict:
        d = {"n": dict(self.n), "subscales": self.subscale_dicts(),
             "excluded": list(self.excluded), "warnings": [dict(n) for n in self.notes]}
        if self.reliable_change is not None:
            rc = self.reliable_change   # its counts only: the per-person RCI stay out
            d["reliable_change"] = {"subscale": self.rc_subscale,
                                    **{k: getattr(rc, k) for k in ("improved", "unchanged",
                                                                   "deteriorated", "sd_pre",
                                                                   "r_xx", "s_diff",
                                                                   "criterion")}}
        return jsonable(d)

    def to_frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.subscale_dicts()).set_index("name")
        df[["dz_ci_low", "dz_ci_high"]] = pd.DataFrame(df.pop("dz_ci").tolist(),
                                                       index=df.index)
        return df

    def _summary_lines(self) -> list[str]:
        return [f"n pre = {self.n['pre']}, post = {self.n['post']}, "
                f"paired = {self.n['paired']}"]

    def to_document(self, lang: str = "en", *, instrument: "Instrument | None" = None,
                    correction: str = "holm"):
        """This group's tables as a :class:`~stressgroup.core.document.Document`."""
        from ..core.document import Document
        from ._evaluation_doc import group_blocks

        return Document(self._title, group_blocks(self, instrument, correction))


@dataclass(frozen=True, repr=False)
class Evaluation(Reportable):
    """Result of :func:`evaluate`.

    Attributes
    ----------
    instrument : str
    groups : dict
        :class:`GroupEvaluation` per group label; a single entry with key
        ``None`` when the data has no group column.
    group_column : str or None
    control : str or None
    correction : str
    scores : DataFrame
        The per-person scores the tests used.
    higher_is : str
    """

    instrument: str
    groups: dict
    group_column: "str | None"
    control: "str | None"
    correction: str
    scores: pd.DataFrame
    higher_is: str = "worse"
    excluded: list = field(default_factory=list)
    instrument_obj: "Instrument | None" = field(default=None, compare=False)
    load: "dict | None" = None
    seed: "int | None" = None
    load_report: "object | None" = field(default=None, compare=False)
    warnings: tuple = ()
    sections: dict = field(default_factory=dict, compare=False)
    design: "object | None" = field(default=None, compare=False)
    _title = "stressgroup evaluation (change = post - pre)"

    @property
    def grouped(self) -> bool:
        return self.group_column is not None

    def to_dict(self, per_person: "bool | None" = None) -> dict:
        """The contract's JSON result (see README, "JSON result").

        ``per_person``: include the per-person lists of the ``individual`` section
        (default: for groups of at most 10,000 people; see
        :meth:`IndividualChangeResult.to_dict`).
        """
        d: dict = {"instrument": self.instrument, "direction": "post - pre",
                   "higher_is": self.higher_is, "correction": self.correction}
        if self.grouped:
            d["group_column"] = self.group_column
            d["control"] = self.control
            d["n"] = {k: sum(g.n[k] for g in self.groups.values())
                      for k in ("pre", "post", "paired")}
            d["excluded"] = list(self.excluded) + [
                {**e, "group": lab} for lab, g in self.groups.items() for e in g.excluded]
            d["groups"] = {lab: g.to_dict() for lab, g in self.groups.items()}
        else:
            g = self.groups[None]
            gd = g.to_dict()
            d["n"] = gd["n"]
            d["excluded"] = list(self.excluded) + gd["excluded"]
            d["subscales"] = gd["subscales"]
            if "reliable_change" in gd:
                d["reliable_change"] = gd["reliable_change"]
        d["warnings"] = [dict(w) for w in self.warnings]
        if self.design is not None:
            d["design"] = self.design.to_dict()
        for name, sec in self.sections.items():
            d[name] = sec.to_dict(per_person=per_person)
        if self.seed is not None:
            d["seed"] = self.seed
        if self.load is not None:
            d["load"] = self.load
        return jsonable(d)

    def to_frame(self) -> pd.DataFrame:
        frames = []
        for lab, g in self.groups.items():
            f = g.to_frame()
            if self.grouped:
                f.insert(0, "group", lab)
            frames.append(f)
        return pd.concat(frames)

    def to_document(self, lang: str = "en", *, load: bool = True, figures: bool = True,
                    methods: bool = True):
        """The evaluation as a :class:`~stressgroup.core.document.Document`.

        It opens with what was loaded (when the data came through :func:`read_survey`),
        then per group the paired tests, the effect sizes with reliability at pre and
        reliable change, then the figures (each person's change, dz per scale, the profile
        pre versus post) and a note on methods and software versions.
        """
        from ._evaluation_doc import evaluation_document

        return evaluation_document(self, load=load, figures=figures, methods=methods)

    def table(self, lang: str = "en", style=None) -> str:
        """The APA-style text tables printed by the command line."""
        from ..report import render

        doc = self.to_document(load=False, figures=False, methods=False)
        return render(doc, "text", lang, style, max_rows=TERMINAL_ROWS)

    def __repr__(self) -> str:
        return self.table()

    def _repr_html_(self) -> str:
        return self.to_html(figures=False)


def _group_values(data: pd.DataFrame, group: str) -> tuple[pd.Series, list[dict]]:
    g = data[group]
    excluded = []
    lab = g.astype("string").str.strip().replace("", pd.NA)
    per_id = pd.DataFrame({"id": data["id"], "g": lab}).dropna().drop_duplicates()
    conflict = per_id["id"][per_id["id"].duplicated()].unique()
    for pid in conflict:
        vals = sorted(per_id.loc[per_id["id"] == pid, "g"].unique())
        excluded.append({"id": str(pid), "reason": f"group differs between waves ({', '.join(vals)})"})
    missing_ids = data.loc[lab.isna().to_numpy(dtype=bool), "id"].unique()
    for pid in missing_ids:
        if pid not in conflict and pid not in set(per_id["id"]):
            excluded.append({"id": str(pid), "reason": f"no value in group column {group!r}"})
    mapping = per_id[~per_id["id"].isin(conflict)].set_index("id")["g"]
    return data["id"].map(mapping), excluded


@shared_results()   # within one evaluation, alpha and omega of the same items once
def evaluate(responses, instrument: "Instrument | str" = "five-level-stress", *,
             group: "str | None | Literal[False]" = None, control: "str | None" = None,
             pre: str = "pre", post: str = "post",
             correction: Literal["holm", "fdr_bh", "none"] = "holm",
             confidence: float = 0.95, seed: "int | None" = None,
             design: "list[str] | None" = None, validity: bool = False,
             allow_absent_items: bool = False) -> Evaluation:
    """Evaluate pre/post change on every subscale and the total.

    Parameters
    ----------
    responses : Responses or DataFrame
        One row per person per wave: ``id``, ``wave`` and item columns
        (see :func:`read_survey`).
    instrument : Instrument or str
        Default: the built-in five-level occupational stressor scale.
    group : str, optional
        Column with the group (e.g. intervention / control). By default a
        column named ``group`` (or 组别, 分组, arm, condition; any case) is used
        when present; pass ``False`` to pool everyone. Each group is analysed on
        its own, never pooled.
    control : str, optional
        Label of the control group (listed last; recorded in the result). By
        default a single label containing "control", "waitlist" or 对照 is
        taken as the control group.
    pre, post : str
        Wave labels to compare.
    correction : {"holm", "fdr_bh", "none"}
        Adjustment of the subscale p values (one family); the total is the
        primary outcome and is not adjusted.
    confidence : float
        Coverage of the confidence intervals.
    seed : int, optional
        Seed of the resampling methods (permutation tests, bootstraps); recorded.
    design : list of str, optional
        The sections to run beside the paired tables (see
        ``stressgroup.analysis.section_names()``); by default every section the data
        allow. A section that does not apply is listed with the reason.
    validity : bool
        Add the validity tables (KMO, Bartlett, EFA, CFA at the ``pre`` wave, all groups
        together) to the default sections.
    allow_absent_items : bool
        A scale with items that have no column in the data (structurally absent) is not
        scored: its row is empty and says which items are absent. With True it is scored
        from its present items and marked incomplete (JSON ``absent_items``,
        ``incomplete``; a note under the tables).

    Returns
    -------
    Evaluation

    Notes
    -----
    Per subscale: the paired test over people with a score at both waves
    (:func:`paired_test`); ``alpha_pre``/``omega_pre`` from the keyed items
    of everyone with a pre row (psych conventions); reliable change on the
    total with ``SD_pre`` and ``r_xx`` (raw alpha) from everyone with a pre
    total in the group.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from stressgroup import evaluate, load_instrument
    >>> inst = load_instrument("five-level-stress")
    >>> rng = np.random.default_rng(7)
    >>> n = 20
    >>> trait = rng.normal(size=(n, 1))
    >>> def wave(shift):
    ...     x = np.clip(np.rint(3.2 + shift + trait + 0.6 * rng.normal(size=(n, 25))), 1, 5)
    ...     df = pd.DataFrame(x, columns=inst.item_ids)
    ...     rev = list(inst.reverse_items)
    ...     df[rev] = 6 - df[rev]
    ...     return df
    >>> pre, post = wave(0), wave(-0.5)
    >>> pre.insert(0, "id", [f"{i:03d}" for i in range(n)]); pre.insert(1, "wave", "pre")
    >>> post.insert(0, "id", [f"{i:03d}" for i in range(n)]); post.insert(1, "wave", "post")
    >>> ev = evaluate(pd.concat([pre, post]), inst)
    >>> ev.to_dict()["n"]
    {'pre': 20, 'post': 20, 'paired': 20}
    >>> ev.to_dict()["subscales"][-1]["name"]
    'total'
    """
    inst = load_instrument(instrument)
    if correction not in ("holm", "fdr_bh", "none"):
        raise ValueError(f"correction must be holm, fdr_bh or none, not {correction!r}")
    # pandas >= 3 copies on write: a shallow copy keeps the caller's frame unchanged
    data = as_frame(responses).copy(deep=int(pd.__version__.split(".")[0]) < 3)
    for col in ("id", "wave"):
        if col not in data.columns:
            raise DataError(f"the data has no {col!r} column; read it with read_survey() "
                            "or name the columns id and wave")
    # blank ids tested once per distinct id (a screened province: millions of rows)
    codes, uniq = pd.factorize(data["id"])
    uniq = np.asarray(uniq, dtype=object)   # a string array's own iterator is slow
    blank = _blank_ids(uniq)
    no_id = (codes < 0) | np.append(blank, True)[codes]   # code -1: a missing id
    excluded_rows = [{"id": None, "reason": f"row {i}: no id"} for i in data.index[no_id]]
    if no_id.any():
        data = data[~no_id]
    # ids as objects: pandas' own string arrays compare, take and test for NaN one
    # Python object at a time, through checks, in every section (a second per million)
    data["id"] = data["id"].astype(str).astype(object)
    wave_str = data["wave"].astype(str).astype(object)
    for w in (pre, post):
        if not (wave_str == w).any():
            have = ", ".join(map(str, pd.unique(wave_str)))
            raise DataError(f"no rows for wave {w!r} (waves in the data: {have}); a pre/post "
                            "evaluation needs both waves")
    other = ~wave_str.isin([pre, post])
    for pid, w in zip(data.loc[other.to_numpy(), "id"], wave_str[other]):
        excluded_rows.append({"id": str(pid), "reason": (
            f"a row with wave {w!r} is not part of the {pre!r}/{post!r} comparison")})
    # one key per person and compared wave (rows of other waves get keys of their own)
    # ids of mixed types: 1 and "1" became one id as text, so count them again
    if pd.api.types.infer_dtype(uniq, skipna=False) == "string":
        person = codes[~no_id] if no_id.any() else codes    # row-aligned with data
    else:
        person = pd.factorize(data["id"])[0]
    w_arr = wave_str.to_numpy()
    in_waves = (w_arr == pre) | (w_arr == post)
    key = np.where(in_waves, person * 2 + (w_arr == post), -1 - np.arange(len(data)))
    dup = pd.Series(key).duplicated(keep=False).to_numpy()
    if dup.any():
        ids = ", ".join(sorted(data.loc[dup, "id"].unique())[:10])
        raise DataError(f"some people have more than one row for the same wave ({ids}); "
                        "read the data with read_survey(), which keeps the latest "
                        "submission and reports the others")
    if group is None:
        group = find_group_column(data)
    elif group is False:
        group = None
    else:
        group = find_group_column(data, group) or group
    if control is not None:
        control = str(control).strip()
    excluded_global: list[dict] = list(excluded_rows)
    if group is not None:
        if group not in data.columns:
            raise DataError(f"group column {group!r} not found; columns are: "
                            f"{', '.join(map(str, data.columns))}")
        data["_group"], excluded_group = _group_values(data, group)
        excluded_global += excluded_group
        labels = [str(v) for v in pd.unique(data["_group"].dropna())]
        if not labels:
            raise DataError(f"the group column {group!r} has no values; fill it in, name "
                            "another column with --group, or analyse everyone together "
                            "(evaluate(..., group=False))")
        labels.sort()
        if control is None:
            control = guess_control(labels)
        if control is not None:
            if control not in labels:
                raise DataError(f"control group {control!r} not found in column {group!r} "
                                f"(groups: {', '.join(labels)})")
            labels = [lab for lab in labels if lab != control] + [control]
    else:
        if control is not None:
            raise DataError("--control needs a group column (--group COL)")
        data["_group"] = "all"
        labels = ["all"]

    from types import SimpleNamespace

    gone = absent_items(responses, inst)
    # the keyed items the scores came from (the absent items as missing: gone is what
    # the scoring found absent, whether allowed or not)
    scores, keyed = score_and_key(SimpleNamespace(data=data, absent_items=gone), inst,
                                  keep=["_group"], allow_absent_items=allow_absent_items)
    absent = dict(scores.attrs.get("absent_items", {}))
    incomplete = tuple(scores.attrs.get("incomplete", ()))
    groups: dict = {}
    with progress(len(labels), _PAIRED_LABEL) as bar:   # on a terminal only, after a delay
        for lab in bar.iterate(labels):
            in_g = (data["_group"] == lab).fillna(False).to_numpy(dtype=bool)
            if in_g.all():   # one group: no copies of the frames
                parts = (data, scores, keyed)
            else:
                parts = (data[in_g], scores[in_g], keyed[in_g])
            groups[lab if group is not None else None] = _evaluate_group(
                lab if group is not None else None, *parts,
                inst, pre, post, correction, confidence, absent, incomplete)
    from ._sections import Context, DesignResult, run_sections

    waves = [str(w) for w in pd.unique(wave_str)]
    ctx = Context(data=data, scores=scores, keyed=keyed, instrument=inst, groups=groups,
                  group_column=group, control=control,
                  labels=labels if group is not None else [], pre=pre, post=post,
                  waves=waves, correction=correction, confidence=confidence, seed=seed,
                  absent_items=tuple(gone), allow_absent_items=allow_absent_items)
    if validity:
        from ._sections import default_sections

        design = list(design or default_sections()) + ["validity"]
    sections = run_sections(ctx, design)
    design_result = DesignResult(groups=tuple(labels) if group is not None else (),
                                 control=control, waves=tuple(waves), pre=pre, post=post,
                                 sections={k: v.skipped for k, v in sections.items()})
    found = [n for g in groups.values() for n in g.notes]
    for n in found:
        warnings.warn(n["message"] if n["group"] is None else f"{n['group']}: {n['message']}",
                      DegenerateDataWarning, stacklevel=2)
    scores = scores.rename(columns={"_group": group or "group"})
    if group is None:
        scores = scores.drop(columns="group")
    return Evaluation(instrument=inst.id, groups=groups, group_column=group, control=control,
                      correction=correction, scores=scores, higher_is=inst.higher_is,
                      excluded=excluded_global, instrument_obj=inst, seed=seed,
                      load_report=getattr(responses, "report", None), warnings=tuple(found),
                      sections=sections, design=design_result)


#: Rows of a table shown on the terminal (reports show every row).
TERMINAL_ROWS = 30

#: Fewer complete pairs than this in a group: the tables say so.
MIN_PAIRS = 5


def _check_keying(res, sub, inst: Instrument, note) -> None:
    """Warn about an item that correlates negatively with the rest of its scale after
    keying, and about a negative alpha: the signs of a mis-keyed questionnaire."""
    if sub.id == (inst.total.id if inst.total is not None else None):
        return  # a total mixes scales; the subscales speak for its items
    r_drop = res.item_stats.get("r_drop")
    if r_drop is not None:
        for item, r in r_drop.items():
            if np.isfinite(r) and r < 0:
                keyed = item in sub.reverse
                cause = ("is it reverse-keyed in this questionnaire?" if keyed else
                         "is it a reverse-worded item that the instrument does not "
                         "reverse-key?")
                note("miskeyed_item", f"{item} correlates {r:.2f} with the rest of "
                     f"{sub.id!r} after {'reverse ' if keyed else ''}keying: {cause}",
                     sub.id)
    if np.isfinite(res.raw_alpha) and res.raw_alpha < 0:
        note("negative_alpha", f"alpha of {sub.id!r} is {res.raw_alpha:.2f} (negative): some "
             "items are probably keyed the wrong way; check the instrument's reverse keys",
             sub.id)


def _sorted_codes(uniq: np.ndarray) -> np.ndarray:
    """Positions of ``uniq`` (distinct str ids) in sorted order, as ``sorted()`` sorts."""
    if pd.Index(uniq).is_monotonic_increasing:   # ids in file order are often sorted
        return np.arange(len(uniq))
    return pd.Index(uniq).get_indexer(sorted(uniq.tolist()))


def _blank_ids(uniq: np.ndarray) -> np.ndarray:
    """``not str(v).strip()`` for each distinct id: for ids of ASCII text without
    whitespace (a loader's, normalised), whether it is empty, at once."""
    if pd.api.types.infer_dtype(uniq, skipna=False) == "string":
        from ..io._distinct import Texts

        texts = Texts(uniq.tolist())
        if texts.plain:
            return texts.lengths == 0
    return np.fromiter((not str(v).strip() for v in uniq), dtype=bool, count=len(uniq))


@quiet_numpy
def _evaluate_group(label, data, scores, keyed, inst: Instrument, pre: str, post: str,
                    correction: str, confidence: float, absent: "dict | None" = None,
                    incomplete: tuple = ()) -> GroupEvaluation:
    wave = data["wave"].astype(str)
    w = wave.to_numpy()
    is_pre, is_post = w == pre, w == post
    # each person's row at each wave, by position, in the sorted order of the ids: one
    # hash pass over the ids (no per-scale lookups, no sort when they come sorted)
    codes, uniq = pd.factorize(data["id"].to_numpy(dtype=object))
    perm = _sorted_codes(uniq)
    row_pre = np.full(len(uniq), -1, dtype=np.int64)
    row_post = row_pre.copy()
    row_pre[codes[is_pre]] = np.flatnonzero(is_pre)
    row_post[codes[is_post]] = np.flatnonzero(is_post)
    row_pre, row_post, ids_sorted = row_pre[perm], row_post[perm], uniq[perm]
    has_pre, has_post = row_pre >= 0, row_post >= 0
    both = has_pre & has_post
    order = ids_sorted[both].tolist()   # the pairs, sorted
    at_pre, at_post = row_pre[both], row_post[both]
    excluded = [{"id": i, "reason": f"no {post} wave (dropout)"}
                for i in ids_sorted[has_pre & ~has_post].tolist()]
    excluded += [{"id": i, "reason": f"no {pre} wave"}
                 for i in ids_sorted[has_post & ~has_pre].tolist()]
    n_pre, n_post = int(has_pre.sum()), int(has_post.sum())

    def pairs(scale: str) -> tuple[np.ndarray, np.ndarray]:
        col = scores[scale].to_numpy(dtype=float)
        return col[at_pre], col[at_post]

    tests: dict[str, PairedTestResult] = {}
    alpha_pre: dict[str, float] = {}
    omega_pre: dict[str, float] = {}
    from ..reliability import cronbach_alpha, omega

    pre_items = rows_of(keyed, np.flatnonzero(is_pre))
    notes: list[dict] = []

    def note(code: str, message: str, subscale: "str | None" = None) -> None:
        notes.append({"group": label, "subscale": subscale, "code": code,
                      "message": message})

    if len(order) < MIN_PAIRS:
        who = f"group {label!r}" if label is not None else "the sample"
        note("small_group", f"{who} has {len(order)} complete pair(s), fewer than "
             f"{MIN_PAIRS}: tests and effect sizes are unstable or undefined; read them as "
             "a description of these people, not as evidence")
    absent = absent or {}
    for sub in inst.scored:
        a, b = pairs(sub.id)
        missing = absent.get(sub.id, [])
        if missing and sub.id not in incomplete:
            # structurally absent items: the scale is not scored, its row says why
            note("absent_items", f"{sub.id} is not scored: item(s) {', '.join(missing)} "
                 "have no column in the data (pass allow_absent_items=True, "
                 "--allow-absent-items, to score it from its present items)", sub.id)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DegenerateDataWarning)
                tests[sub.id] = paired_test(a, b, confidence=confidence)
            alpha_pre[sub.id] = omega_pre[sub.id] = float("nan")
            continue
        if missing:
            note("incomplete_scale", f"{sub.id} is incomplete: scored from "
                 f"{sub.k - len(missing)} of its {sub.k} items; absent: "
                 f"{', '.join(missing)}", sub.id)
        na_pre, na_post = np.isnan(a), np.isnan(b)
        for j in np.flatnonzero(na_pre | na_post):
            miss = " and ".join(v for v, m in ((pre, na_pre[j]), (post, na_post[j])) if m)
            excluded.append({"id": order[j], "subscale": sub.id,
                             "reason": f"{sub.id}: fewer than {sub.min_items} of "
                                       f"{sub.k} items answered at {miss}"})
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always", DegenerateDataWarning)
            tests[sub.id] = paired_test(a, b, confidence=confidence)
        for w in seen:
            if issubclass(w.category, DegenerateDataWarning):
                note("degenerate_test", f"{sub.id}: {w.message}", sub.id)
        items = pre_items([i for i in sub.items if i not in missing])
        alpha_pre[sub.id] = omega_pre[sub.id] = float("nan")
        try:
            with warnings.catch_warnings(record=True) as seen:
                warnings.simplefilter("always", DegenerateDataWarning)
                res = cronbach_alpha(items)
                alpha_pre[sub.id] = res.raw_alpha
                omega_pre[sub.id] = omega(items).omega_total
            for w in seen:
                if issubclass(w.category, DegenerateDataWarning):
                    note("degenerate_reliability", f"{sub.id}: {w.message}", sub.id)
            _check_keying(res, sub, inst, note)
        except (ValueError, np.linalg.LinAlgError) as exc:
            note("no_reliability", f"{sub.id}: alpha and omega at {pre} cannot be computed "
                 f"({exc})", sub.id)
    sub_ids = [s.id for s in inst.subscales]
    adj = adjust_p([tests[s].p for s in sub_ids], correction)
    p_adj = dict(zip(sub_ids, adj.tolist()))
    rc = None
    rc_sub = None
    rc_reason = None
    # reliable change on the total; a one-factor scale without a total uses its scale
    rc_scale = inst.total if inst.total is not None else (
        inst.subscales[0] if len(inst.subscales) == 1 else None)
    if rc_scale is not None:
        rc_sub = rc_scale.id
        r_xx = alpha_pre[rc_sub]
        if np.isfinite(r_xx) and 0 <= r_xx < 1:
            base = pd.Series(scores[rc_sub].to_numpy(dtype=float)[is_pre]).dropna()
            sd_pre = float(base.std(ddof=1)) if len(base) > 1 else float("nan")
            rc = reliable_change(*pairs(rc_sub), reliability=r_xx, sd_pre=sd_pre,
                                 higher_is=inst.higher_is, ids=order)
        else:
            rc_reason = (f"reliable change on {rc_sub!r} is left out: it needs the reliability "
                         f"at {pre} (alpha) between 0 and 1, and alpha is "
                         f"{'undefined' if not np.isfinite(r_xx) else f'{r_xx:.3f}'}")
            note("no_reliable_change", rc_reason, rc_sub)
        if inst.total is not None:
            p_adj[rc_sub] = tests[rc_sub].p
    return GroupEvaluation(label=label, n={"pre": n_pre, "post": n_post,
                                           "paired": len(order)},
                           tests=tests, p_adj=p_adj, alpha_pre=alpha_pre,
                           omega_pre=omega_pre, reliable_change=rc, excluded=excluded,
                           rc_subscale=rc_sub, notes=tuple(notes),
                           absent_items={k: tuple(v) for k, v in absent.items()},
                           incomplete=tuple(incomplete), paired_ids=tuple(order))

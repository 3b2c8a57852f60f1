"""Draft an instrument YAML from a questionnaire export (问卷星 first)."""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from pathlib import Path

import pandas as pd

from ..core.errors import DataError
from ._sources import read_source

__all__ = ["draft_instrument"]

# columns every 问卷星 export starts with (and other platforms' meta columns)
_META = {"序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自ip", "ip", "总分",
         "timestamp", "startdate", "enddate", "status", "ipaddress", "progress",
         "duration (in seconds)", "finished", "recordeddate", "responseid"}
_QNUM = re.compile(r"^\s*(?:Q|q|第)?(\d+)\s*(?:[、.．:：)）]|题)\s*(.*)$", re.S)
_ROW = re.compile(r"^(.*?)[(（]([^()（）]*)[)）]\s*$", re.S)

def _likert_sets() -> list[list[str]]:
    """The common answer-label sets, 4 to 7 points, low to high (zh and en)."""
    sets: list[list[str]] = []
    zh_mid = ("一般", "中立", "不确定", "说不清")
    en_mid = ("Neutral", "Neither agree nor disagree", "Undecided", "Not sure")
    # agree - disagree
    for lo2, hi2 in (("不同意", "同意"), ("比较不同意", "比较同意")):
        for ends in (("非常不同意", "非常同意"), ("完全不同意", "完全同意")):
            sets.append([ends[0], lo2, hi2, ends[1]])
            sets += [[ends[0], lo2, m, hi2, ends[1]] for m in zh_mid]
            sets.append([ends[0], lo2, "有点不同意", "有点同意", hi2, ends[1]])
            sets += [[ends[0], lo2, "有点不同意", m, "有点同意", hi2, ends[1]] for m in zh_mid]
    # fits me - does not fit me
    for ends in (("完全不符合", "完全符合"), ("非常不符合", "非常符合")):
        for lo2, hi2 in (("比较不符合", "比较符合"), ("不太符合", "比较符合"),
                         ("不符合", "符合")):
            sets.append([ends[0], lo2, hi2, ends[1]])
            sets += [[ends[0], lo2, m, hi2, ends[1]] for m in zh_mid]
            sets.append([ends[0], lo2, "有点不符合", "有点符合", hi2, ends[1]])
            sets += [[ends[0], lo2, "有点不符合", m, "有点符合", hi2, ends[1]] for m in zh_mid]
    # frequency, severity
    sets += [["从不", "有时", "经常", "总是"], ["从不", "很少", "有时", "经常", "总是"],
             ["从不", "偶尔", "有时", "经常", "总是"], ["从不", "很少", "有时", "经常", "总是"],
             ["从不", "几乎不", "很少", "有时", "经常", "总是"],
             ["从不", "几乎不", "很少", "有时", "经常", "几乎总是", "总是"],
             ["没有", "很轻", "中等", "偏重", "严重"], ["没有", "轻度", "中度", "偏重", "严重"],
             ["完全不正确", "有点正确", "多数正确", "完全正确"]]
    # English
    for m in en_mid:
        sets.append(["Strongly disagree", "Disagree", m, "Agree", "Strongly agree"])
        sets.append(["Strongly disagree", "Disagree", "Somewhat disagree", m,
                     "Somewhat agree", "Agree", "Strongly agree"])
    sets += [["Strongly disagree", "Disagree", "Agree", "Strongly agree"],
             ["Strongly disagree", "Disagree", "Somewhat disagree", "Somewhat agree",
              "Agree", "Strongly agree"],
             ["Never", "Sometimes", "Often", "Always"],
             ["Never", "Rarely", "Sometimes", "Often", "Always"],
             ["Never", "Rarely", "Sometimes", "Often", "Very often"],
             ["Never", "Almost never", "Sometimes", "Fairly often", "Very often"],
             ["Never", "Rarely", "Occasionally", "Sometimes", "Often", "Always"],
             ["Never", "Rarely", "Occasionally", "Sometimes", "Frequently", "Usually",
              "Always"],
             ["None of the time", "A little of the time", "Some of the time",
              "Most of the time", "All of the time"],
             ["Not at all true", "Hardly true", "Moderately true", "Exactly true"],
             ["Not at all", "A little bit", "Moderately", "Quite a bit", "Extremely"]]
    out: list[list[str]] = []
    for labels in sets:
        if labels not in out:
            out.append(labels)
    return out


#: Known Likert label sets, low to high (matched when drafting from text exports): the
#: common Chinese and English sets of 4 to 7 points (agree, fits me, frequency, severity).
LIKERT_SETS: list[list[str]] = _likert_sets()
_SENTINELS = {"(空)", "（空）", "(跳过)", "（跳过）", "-2", "-3", ""}


def _norm(s: str) -> str:
    return unicodedata.normalize("NFKC", str(s)).strip()


def _read_any(path: Path) -> pd.DataFrame:
    """The export as text, through the loader's own readers (any supported format)."""
    raw = read_source(path)
    return pd.DataFrame({c: raw.cells[c] for c in raw.columns}, columns=raw.columns)


def _parse_columns(columns) -> "OrderedDict[str, dict]":
    """Group export columns into questions: number -> stem, rows [(column, row text)]."""
    questions: "OrderedDict[str, dict]" = OrderedDict()
    for col in columns:
        if _norm(col).lower() in _META:
            continue
        name = str(col).strip()  # the wording stays as written (full-width punctuation too)
        m = _QNUM.match(name)
        if not m:
            continue
        num, rest = m.group(1), m.group(2).strip()
        q = questions.setdefault(num, {"stem": "", "rows": []})
        r = _ROW.match(rest)
        if r:
            stem, row = r.group(1).strip(), r.group(2).strip()
            if stem and not q["stem"]:
                q["stem"] = stem
            q["rows"].append((col, row))
        else:
            q["stem"] = q["stem"] or rest
            q["rows"].append((col, None))
    return questions


def _labels_from(values: "dict[str, int]") -> "tuple[dict[int, str] | None, list[str]]":
    """Match observed text answers (with their counts) to a known Likert set.

    Returns the labels (low to high) of the set that covers at least 90% of the
    answers, and the answers outside it (typos to check); or ``(None, answers)``.
    """
    found = {v: n for v, n in values.items() if v not in _SENTINELS}
    if not found:
        return None, []
    if all(re.fullmatch(r"-?\d+(\.\d+)?", v) for v in found):
        return None, sorted(found, key=float)
    total = sum(found.values())
    best, best_key = None, (0.0, 0)
    for labels in LIKERT_SETS:
        # English labels compare case-insensitively; ties go to the set with the fewest
        # labels no one chose (a 4-point set over a 5-point one whose middle is unused)
        known = {lab.casefold() for lab in labels}
        share = sum(n for v, n in found.items() if v.casefold() in known) / total
        seen = {v.casefold() for v in found}
        key = (round(share, 12), -len(known - seen))
        if key > best_key:
            best, best_key = labels, key
    best_share = best_key[0]
    if best is not None and best_share >= 0.9:
        as_written = {v.casefold(): v for v in found}
        known = {lab.casefold() for lab in best}
        return ({k + 1: as_written.get(lab.casefold(), lab) for k, lab in enumerate(best)},
                sorted(v for v in found if v.casefold() not in known))
    return None, sorted(found, key=lambda v: -found[v])


def _q(s: str) -> str:
    """Quote a YAML scalar."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def draft_instrument(export: "str | Path", *, instrument_id: str | None = None) -> str:
    """Draft an instrument YAML from a survey export.

    Each matrix (Likert) question becomes a subscale and each of its rows an
    item with its wording; answer labels are taken from the answers of a text
    export (按选项文本) when they match a known Likert set, otherwise left for
    the user to fill in; the range comes from the labels or the observed
    numbers. The user then renames subscales, marks reverse-keyed items and
    checks the range. Questions that are not matrices (gender, age, ...) are
    listed as comments: they stay demographic columns.

    Parameters
    ----------
    export : path
        A 问卷星 (or similarly numbered, ``N、题干(行)``) Excel or CSV export.
    instrument_id : str, optional
        Id of the drafted instrument (default: from the file name).

    Returns
    -------
    str
        The YAML text.
    """
    path = Path(export)
    frame = _read_any(path)
    questions = _parse_columns(frame.columns)

    def multi_select(q) -> bool:
        vals = {_norm(v) for col, _ in q["rows"] for v in frame[col].unique()} - _SENTINELS
        return vals <= {"0", "1"} or any("┋" in v for v in vals)

    matrices = {n: q for n, q in questions.items() if len(q["rows"]) >= 2
                and all(r is not None for _, r in q["rows"]) and not multi_select(q)}
    if not matrices:
        raise DataError(
            f"{path}: found no matrix (Likert) questions: expected headers like "
            "'12、stem(row text)' followed by '12、(row text)' as 问卷星 writes them")
    slug = re.sub(r"[^0-9A-Za-z_-]+", "-", path.stem).strip("-").lower()
    if len(re.findall(r"[a-z]", slug)) < 3:
        slug = "my-instrument"
    iid = instrument_id or slug
    answers: dict[str, int] = {}
    for q in matrices.values():
        for col, _ in q["rows"]:
            for v, n in frame[col].map(_norm).value_counts().items():
                answers[v] = answers.get(v, 0) + int(n)
    labels, observed = _labels_from(answers)
    lines = [
        f"# Drafted by stressgroup from {path.name}. Check every line marked TODO,",
        "# rename the subscales, list reverse-keyed items under 'reverse', then load it",
        "# with stressgroup.load_instrument('this-file.yaml').",
        f"id: {iid}" + ("" if instrument_id else "  # TODO: a short id for this questionnaire"),
        f"name: {{en: {_q(iid)}, zh: {_q(iid)}}}  # TODO: the questionnaire's name",
        "response:",
    ]
    if labels:
        lines += [f"  min: {min(labels)}", f"  max: {max(labels)}", "  labels:"]
        lines += [f"    {k}: {{zh: {_q(v)}}}" for k, v in labels.items()]
        if observed:
            lines.append("  # TODO: answers outside these labels (typos? they will be "
                         "reported as unknown): " + ", ".join(observed))
    elif observed and all(re.fullmatch(r"-?\d+(\.\d+)?", v) for v in observed):
        # the range of the answers people actually gave; a stray value (a 7 on a 1-5
        # scale) is left out and mentioned
        total = sum(answers.get(v, 0) for v in observed)
        common = [v for v in observed if answers.get(v, 0) >= max(2, 0.005 * total)]
        rare = [v for v in observed if v not in common]
        nums = [float(v) for v in (common or observed)]
        if rare:
            lines.append("  # TODO: rare answers left out of the range (errors?): "
                         + ", ".join(rare))
        lines += [f"  min: {min(nums):g}  # TODO: the lowest possible answer, not the observed",
                  f"  max: {max(nums):g}  # TODO: the highest possible answer",
                  "  # labels:  # TODO (optional): 1: {zh: 非常不符合, en: Strongly disagree}"]
    else:
        lines += ["  min: 1  # TODO", "  max: 5  # TODO",
                  "  # TODO: give each answer its number, e.g. 1: {zh: 非常不符合}, and "
                  "uncomment 'labels:'", "  # labels:"]
        lines += [f"  #   ?: {{zh: {_q(v)}}}" for v in observed]
    lines += ["higher_is: worse  # TODO: worse (stress, symptoms) or better (support)",
              "scoring: mean", "min_answered: 0.8", "subscales:"]
    for n, q in matrices.items():
        stem = q["stem"] or f"question {n}"
        lines += [f"  - id: q{n}  # TODO: a short id such as 'work'",
                  f"    name: {{zh: {_q(stem)}}}", "    items:"]
        for k, (_, row) in enumerate(q["rows"], start=1):
            lines.append(f"      - {{id: Q{n}_{k}, text: {{zh: {_q(row)}}}}}")
        lines.append("    reverse: []  # TODO: reverse-keyed items of this subscale")
    lines += ["total:", "  id: total", "  items: all"]
    others = [f"{n}、{q['stem']}" + ("  (multi-select)" if multi_select(q) else "")
              for n, q in questions.items() if n not in matrices]
    if others:
        lines.append("# Not included (not matrix questions; kept as extra columns):")
        lines += [f"#   {o}" for o in others]
    return "\n".join(lines) + "\n"

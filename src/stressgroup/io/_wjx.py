"""问卷星 (wjx.cn) exports: the three downloads, as Excel or CSV.

Layout (what this reader assumes)
---------------------------------
问卷星 offers the answers as 按选项序号 (option numbers), 按选项文本 (option
text) and 按分数 (scores), each as .xlsx or .csv (GBK/GB18030 when saved by
Excel on Chinese Windows, else UTF-8, often with a BOM). The download is named
like ``386540716_按文本_<问卷名>_79_78.xlsx`` or ``..._按序号_...``, which tells
the variant. One header row, then one row per submission:

* fixed leading columns ``序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP``:
  序号 is the running number of the submission (not a person), 提交答卷时间 the
  submit time (``2024/5/12 9:03:15``), 所用时间 the time taken (``125秒``),
  来自IP the respondent's IP address with the place in brackets (personal data);
* one column per question, named ``N、题干`` (``3、您的工号``);
* a matrix (Likert) question expands to one column per row: the first is
  ``N、stem(row text)``, the others ``N、(row text)`` (full-width or ASCII
  parentheses); older exports name the rows ``第N题(row text)``;
* sentinels: in number and score exports ``-2`` = left blank (空) and ``-3`` =
  skipped by logic (跳过); in text exports ``(空)`` and ``(跳过)``;
* multi-select answers are joined with ``┋``; an "other" option carries its text
  as ``其他〖…〗``. Neither is ever a score.

Based on public parsers of these files: reportgen's ``wenjuanxing()`` (drops
the six leading columns, replaces -2/-3 by NaN, finds questions by
``^(\\d+)[、：:]`` and matrix rows by ``第N题(row)``), analysis scripts that
split ``┋``, strip ``其他〖.*?〗`` and treat ``(空)``/``（空）``/``(跳过)`` as
missing (text export named ``..._按文本_...xlsx``, 所用时间 as ``NNN秒``), and
scripts dropping ``序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP`` before
analysis; the matrix header form follows the issue's description of the export.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..core.errors import DataError
from ._sources import (
    CSV_SUFFIXES,
    EXCEL_SUFFIXES,
    RawTable,
    first_cells,
    read_csv_text,
    read_excel_text,
)
from ._text import nfkc

__all__ = ["LEADING", "question_parts", "read", "sniff"]

#: The fixed leading columns of every 问卷星 download.
LEADING = ("序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP")

BLANK = "left blank (空)"
SKIPPED = "skipped by logic (跳过)"
#: Raw cell text of a question column -> why it is missing.
SENTINELS = {
    "-2": BLANK, "-3": SKIPPED,
    "(空)": BLANK, "（空）": BLANK, "(跳过)": SKIPPED, "（跳过）": SKIPPED,
}

_QNUM_RE = re.compile(r"^\s*(\d+)\s*[、.．:：]\s*(.*)$", re.DOTALL)
_OLD_MATRIX_RE = re.compile(r"^\s*第\s*(\d+)\s*题\s*(.*)$", re.DOTALL)
_VARIANTS = (("按选项序号", "numbers"), ("按序号", "numbers"), ("按选项文本", "text"),
             ("按文本", "text"), ("按分数", "scores"), ("按得分", "scores"))
_OPEN = "(（"
_CLOSE = ")）"


def sniff(path: Path, head: list[list[str]]) -> bool:
    """True when the first rows of the file start with 问卷星's fixed columns."""
    for row in head[:3]:
        cells = [nfkc(c).strip() for c in row[:8]]
        if "序号" in cells and "提交答卷时间" in cells and (
                {"所用时间", "来自IP", "来源"} & set(cells)):
            return True
    return False


def _trailing_group(text: str) -> tuple[str, str] | None:
    """``"stem(row (x))"`` -> ``("stem", "row (x)")``: the last balanced bracket group at the end."""
    text = text.rstrip()
    if not text or text[-1] not in _CLOSE:
        return None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        ch = text[i]
        if ch in _CLOSE:
            depth += 1
        elif ch in _OPEN:
            depth -= 1
            if depth == 0:
                return text[:i].strip(), text[i + 1:-1].strip()
    return None


def question_parts(name: str) -> tuple[int, str, str | None] | None:
    """Split a 问卷星 column name: ``(question number, stem, matrix row text or None)``.

    ``"12、您在工作中的感受(我经常需要值夜班)"`` -> ``(12, "您在工作中的感受", "我经常需要值夜班")``;
    ``"12、(我经常需要值夜班)"`` -> ``(12, "", "我经常需要值夜班")``; ``"3、您的工号"`` ->
    ``(3, "您的工号", None)``; a column that is not a question -> None. Whether a
    bracket group is a matrix row is decided by :func:`read` (several columns
    with one number).
    """
    text = nfkc(name).strip()
    m = _QNUM_RE.match(text) or _OLD_MATRIX_RE.match(text)
    if not m:
        return None
    number, rest = int(m.group(1)), m.group(2).strip()
    group = _trailing_group(rest)
    if group is None:
        return number, rest, None
    return number, group[0], group[1]


def _variant(path: Path, cells: dict[str, Any], questions: list[str],
             matrix: "list[str] | None" = None) -> str | None:
    """``"numbers"``, ``"text"`` or ``"scores"`` by the file name, else ``"text"`` when most
    answers of the choice (matrix) questions are words. Blank/skip marks ((空), (跳过)) and
    open questions (a name, a typed id) do not count: a 按选项序号 file holds them too."""
    name = nfkc(path.name)
    for word, variant in _VARIANTS:
        if word in name:
            return variant
    numeric = other = 0
    for col in (matrix or questions):
        for v in first_cells(cells, col, 500).tolist():
            v = v.strip()
            if not v or v in ("(空)", "（空）", "(跳过)", "（跳过）", "-2", "-3"):
                continue
            if re.fullmatch(r"-?\d+(\.\d+)?", v):
                numeric += 1
            else:
                other += 1
    if other and other > numeric:
        return "text"
    return None   # numbers or scores: the content does not tell which


def read(path: Path, *, file: str, sheet: str | int | None = None,
         encoding: str | None = None) -> RawTable:
    """Read a 问卷星 export (.xlsx/.xls or .csv) into a RawTable with 问卷星 metadata.

    Sets ``meta["platform"] = "wjx"``, ``meta["variant"]`` ("numbers", "text",
    "scores" or None when it cannot tell), ``meta["question_text"]`` (the stem of
    a question, or the row text of a matrix column: what is matched against the
    instrument's item text), ``meta["missing_values"]`` (the sentinels -2, -3,
    (空), (跳过) in every question column), ``meta["time_column"]`` (提交答卷时间)
    and ``meta["pii_columns"]`` (来自IP).
    """
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        table = read_csv_text(path, file=file, encoding=encoding)
    elif suffix in EXCEL_SUFFIXES:
        table = read_excel_text(path, file=file, sheet=sheet)
    else:
        raise DataError(f"{file}: a 问卷星 export is an .xlsx, .xls or .csv file, not "
                        f"{suffix or '(no extension)'!r}.")
    missing = [c for c in ("序号", "提交答卷时间") if c not in table.columns]
    if missing:
        raise DataError(
            f"{file} was read as a 问卷星 export (source='wjx') but has no column "
            f"{', '.join(map(repr, missing))} in its header (row {table.meta.get('header_row', 1)}). "
            "Use source='auto' (or 'csv'/'excel') for other files.")
    parts = {c: question_parts(c) for c in table.columns if c not in LEADING}
    parts = {c: p for c, p in parts.items() if p is not None}
    per_number: dict[int, list[str]] = {}
    for c, (number, _stem, _row) in parts.items():
        per_number.setdefault(number, []).append(c)
    question_text: dict[str, str] = {}
    matrix: dict[str, int] = {}
    for number, cols in per_number.items():
        stem = next((parts[c][1] for c in cols if parts[c][1]), "")
        for c in cols:
            _n, own_stem, row = parts[c]
            if len(cols) > 1 and row is not None:
                question_text[c] = row          # a matrix row (or an "other" text column)
                matrix[c] = number
            elif own_stem or row is None:
                question_text[c] = own_stem or stem
            else:
                question_text[c] = row
    questions = list(parts)
    variant = _variant(path, table.cells, questions, [c for c in questions if c in matrix])
    table.source = "wjx"
    table.meta.update({
        "platform": "wjx",
        "variant": variant,
        "question_text": question_text,
        "question_number": {c: p[0] for c, p in parts.items()},
        "matrix_rows": matrix,
        "missing_values": {c: dict(SENTINELS) for c in questions},
        "time_column": "提交答卷时间",
        "pii_columns": [c for c in ("来自IP",) if c in table.columns],
        "not_id_columns": ["序号"],
    })
    kind = {"numbers": "按选项序号 (option numbers)", "text": "按选项文本 (option text)",
            "scores": "按分数 (scores)"}.get(variant or "", "numbers or scores (the file "
                                                         "name does not say which)")
    table.notes.append(f"{file}: 问卷星 export, {kind}; {len(questions)} question columns, "
                       f"{len(matrix)} of them matrix rows")
    return table

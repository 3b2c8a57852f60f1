"""One loading pipeline for every layout: a :class:`RawTable` in, rows and a report out.

The steps, in order, each written once: the layout (tidy, else long or wide by
the columns), the id column, the waves, the item columns (the layout's part),
personal data, id changes, answers to numbers, exclusions, the check that the
file is usable at all, duplicates, the extra columns, and the load report.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..core.errors import DataError
from ._columns import find_time_column
from ._convert import shown
from ._distinct import factorize_text, masked
from ._duplicates import parse_times, resolve_duplicates
from ._extras import Extras
from ._ids import find_id, id_changes, normalised_ids
from ._layouts import Answers, Layout, column_layout
from ._options import Job, Loaded, Options
from ._pii import personal_data
from ._report import FileReport, LoadReport, Premasked, make_table, mask_value
from ._scale import Scale
from ._sources import FOOTER_REASON, RawTable, factorized, stripped_distinct
from ._text import mask_personal
from ._tidy import TidyLayout, tidy_columns
from ._waves import fixed_wave, row_waves, unknown_wave_notes, wave_column

__all__ = ["load"]


def load(raw: RawTable, scale: Scale, opt: Options) -> Loaded:
    """Load one table read from a file (or DataFrame) by the rules of ``read_survey``."""
    job = Job(raw, scale, opt, notes=list(raw.notes))
    file, notes = raw.file, job.notes

    # -- layout, id, wave --------------------------------------------------------
    tidy = tidy_columns(raw, scale, opt)
    if tidy is not None:
        notes.append(f"{file}: long tidy layout (one row per answer, items in {tidy[0]!r}, "
                     f"answers in {tidy[1]!r}); pivoted to one row per person per wave")
    reserved = tidy or ()
    idc, id_how = find_id(raw, opt, reserved)
    rest = [c for c in raw.columns if c != idc and c not in reserved]
    fixed = fixed_wave(opt)
    wcol = wave_column(raw, opt, rest, fixed, notes)
    if wcol is not None:
        rest = [c for c in rest if c != wcol]
    layout: Layout = (TidyLayout(job, *tidy, rest, wcol, fixed) if tidy is not None
                      else column_layout(job, rest, wcol, fixed))

    # -- ids and personal data ---------------------------------------------------------
    ids_raw, ids = normalised_ids(raw, idc)
    personal = personal_data(raw, idc, ids_raw, ids, layout.personal_candidates(), opt, notes)
    layout.drop(personal.drop)
    final_ids = personal.final_ids
    changes = id_changes(raw, ids_raw, ids, personal.hashed)

    # -- answers -> numbers ------------------------------------------------------------
    answers = layout.convert()
    if answers.n_labels:
        notes.append(f"{file}: {answers.n_labels} text answers converted to numbers by the "
                     "response labels")

    # -- exclusions ----------------------------------------------------------------------
    reason, hide_id = _source_exclusions(raw)
    reason[(reason == None) & (ids == "")] = "missing id"  # noqa: E711
    waves = row_waves(raw, wcol, fixed)
    if wcol is not None and fixed is None:
        unknown = unknown_wave_notes(file, raw, waves, skip=reason != None)  # noqa: E711
        notes += unknown
        job.warnings += unknown
        reason[(reason == None) & (waves == None)] = "missing wave"  # noqa: E711
    layout.exclude(reason)
    _check_usable(raw, answers, layout.check_rows(reason), final_ids)
    tcol = find_time_column(layout.extras, raw.meta.get("time_column"))
    superseded = resolve_duplicates(raw, reason, ids, final_ids,
                                    layout.duplicate_rule(waves), opt, tcol, notes)

    kept = reason == None  # noqa: E711
    gone = np.flatnonzero(~kept)
    gone_ids = final_ids[gone].astype(object)
    gone_ids[(gone_ids == "") | hide_id[gone]] = None
    excluded = {"file": [file] * len(gone), "row": raw.rows[gone].astype(np.int64),
                "id": gone_ids.tolist(), "reason": reason[gone].tolist()}
    cells = _cells(raw, answers, layout, kept, final_ids)

    # -- rows out, report ------------------------------------------------------------------
    extras = Extras(raw, hashed=personal.hash, salt=opt.salt, notes=notes)
    data = layout.assemble(kept, final_ids, waves, extras)
    report = file_report(
        raw, layout=layout.name, kept=kept, records=len(data), wave=fixed, notes=notes,
        id_column=idc, id_found=id_how, superseded=superseded,
        excluded=excluded, cells=cells, columns_dropped=personal.dropped,
        columns_pseudonymized=personal.pseudonymized, id_changes=changes,
        **layout.tables(personal.columns))
    return Loaded(data=data, report=report, item_ids=tuple(layout.item_ids),
                  warnings=job.warnings)


def _source_exclusions(raw: RawTable) -> tuple[np.ndarray, np.ndarray]:
    """``(reason, hide_id)`` per row: the rows the reader excluded (footer lines, a
    platform's test responses); a footer's first cell is text such as a name, not an id."""
    reason = np.full(raw.n_rows, None, dtype=object)
    hide_id = np.zeros(raw.n_rows, dtype=bool)
    for row_no, why in (raw.meta.get("exclude") or {}).items():
        hit = np.flatnonzero(raw.rows == int(row_no))
        reason[hit] = str(why)
        if why == FOOTER_REASON:
            hide_id[hit] = True
    return reason, hide_id


def _cells(raw: RawTable, answers: Answers, layout: Layout, kept: np.ndarray,
           final_ids: np.ndarray) -> dict[str, list[Any]]:
    """The ``cells`` table of the kept rows, as columns: by row, then by column in the file."""
    order_of = {c: k for k, c in enumerate(raw.columns)}
    col_codes, col_names = factorize_text(answers.ev_column)
    position = np.array([order_of[c] for c in col_names], dtype=np.int64)[col_codes]
    idx = answers.ev_index
    order = np.lexsort((position, idx))
    order = order[kept[idx[order]]]
    rows = idx[order]
    ids = final_ids[rows].astype(object)
    ids[ids == ""] = None
    # values and reasons: each distinct one shown and masked once (as make_table would)
    v_codes, v_uniques = factorize_text(answers.ev_value[order])
    value_u = np.empty(len(v_uniques) + 1, dtype=object)
    value_u[:-1] = masked([shown(v) for v in v_uniques], mask_value)
    r_codes, r_uniques = factorize_text(layout.cell_reasons(rows, answers.ev_reason[order]))
    reason_u = np.empty(len(r_uniques) + 1, dtype=object)
    reason_u[:-1] = masked(r_uniques.tolist(), mask_personal)
    return {"file": [raw.file] * len(rows), "row": raw.rows[rows].astype(np.int64),
            "column": answers.ev_column[order].tolist(), "id": ids.tolist(),
            "value": Premasked(value_u[v_codes].tolist()),
            "reason": Premasked(reason_u[r_codes].tolist())}


def _check_usable(raw: RawTable, answers: Answers, rows: np.ndarray,
                  final_ids: np.ndarray) -> None:
    """DataError when more than half of the answers (of ``rows``) cannot be used."""
    usable = ~answers.ev_marked & rows[answers.ev_index]
    n_problems = int(usable.sum())
    if not n_problems:
        return
    answered = int(answers.numbers[rows].sum()) + n_problems
    if n_problems <= answered / 2:
        return
    problems = [p for p in answers.problems if rows[p[0]]]
    file = raw.file
    table = make_table("cells", [
        {"file": file, "row": int(raw.rows[i]), "column": c, "id": final_ids[i] or None,
         "value": shown(v), "reason": r} for i, c, v, r in problems])
    i, c, v, r = problems[0]
    # text answers that match no label: list them, the instrument may lack its labels
    texts: dict[str, int] = {}
    for _i, _c, value, why in problems:
        if str(why).startswith(("unknown answer", "not a number")):
            key = mask_personal(str(shown(value)))
            texts[key] = texts.get(key, 0) + 1
    raise DataError(unusable_message(file, len(problems), answered, raw.rows[i], c, v, r,
                                     texts, "The failing cells"), problems=table)


def unusable_message(file: str, n_problems: int, answered: int, row, column, value,
                     reason, texts: dict, cells: str) -> str:
    """The message of the "more than half of the answers cannot be used" refusal (shared
    by read_survey and score_file): the first failing cell and the unmatched texts."""
    seen = ""
    if texts:
        top = sorted(texts, key=lambda t: -texts[t])
        seen = (f" The text answers that match no label are: "
                f"{', '.join(repr(t) for t in top[:12])}"
                f"{f' and {len(top) - 12} more' if len(top) > 12 else ''}; if they are this "
                "questionnaire's answer options, add them under response.labels of the "
                "instrument file (e.g. 1: {zh: 从不}), or draft one: python -m "
                "stressgroup.instruments draft FILE.")
    return (f"{file}: {n_problems} of {answered} answers cannot be used "
            f"(e.g. row {row}, column {column!r}: "
            f"{mask_personal(repr(shown(value)))}, {mask_personal(reason)}). This is "
            "probably the wrong instrument or the wrong columns; check instrument= and "
            f"columns=.{seen} {cells} are in this error's .problems table.")


def _times(raw: RawTable, kept: np.ndarray) -> dict[str, Any]:
    """``time_column`` and ``time_range`` (first, median, last submit time of the kept rows)."""
    tcol = find_time_column(list(raw.columns), raw.meta.get("time_column"))
    if tcol is None:
        return {}
    codes, uniques = factorized(raw, tcol)
    times = parse_times(None, fact=(codes[kept], uniques),
                        clean=stripped_distinct(raw, tcol))
    times = np.sort(times[~np.isnat(times)])
    if not len(times):
        return {"time_column": tcol}
    median = times[len(times) // 2] if len(times) % 2 else \
        times[len(times) // 2 - 1] + (times[len(times) // 2] - times[len(times) // 2 - 1]) / 2
    iso = [str(np.datetime_as_string(t, unit="s")) for t in (times[0], median, times[-1])]
    return {"time_column": tcol, "time_range": tuple(iso)}


def file_report(raw: RawTable, *, layout: str, kept: np.ndarray, records: int, wave: Any,
                notes: list[str], id_column: str | None = None, id_found: str | None = None,
                superseded: list[dict[str, Any]] | None = None,
                **tables: list[dict[str, Any]]) -> LoadReport:
    """The LoadReport of one file: its counts, its event tables (personal data masked by
    :func:`make_table`) and its notes (masked here)."""
    meta: Mapping[str, Any] = raw.meta
    n = len(kept)
    rows_excluded = int((~kept).sum())
    freport = FileReport(file=raw.file, source=str(meta.get("platform") or raw.source),
                         encoding=raw.encoding, layout=layout, rows_read=n,
                         rows_kept=n - rows_excluded, rows_excluded=rows_excluded,
                         records=records, sheet=meta.get("sheet"), wave=wave,
                         variant=meta.get("variant"), id_column=id_column,
                         id_found=id_found, **_times(raw, kept),
                         superseded=tuple(superseded or ()))
    return LoadReport(
        files=(freport,), rows_read=n, rows_kept=n - rows_excluded,
        rows_excluded=rows_excluded,
        **{name: make_table(name, records_) for name, records_ in tables.items()},
        notes=tuple(mask_personal(x) for x in notes))

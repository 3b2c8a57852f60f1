"""``read_survey`` and ``read_waves``: from an export to :class:`Responses`.

The steps of a load are in :mod:`._pipeline`; this module holds the public
functions, their parameter checks and the stacking of one file per wave.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..core.errors import DataError, DataQualityWarning
from ..core.vocab import WAVE_ORDER
from ._options import Loaded, Options, check_choice, resolve_instrument
from ._pipeline import load
from ._report import LoadReport
from ._responses import Responses
from ._scale import Scale
from ._sources import read_source, source_names
from ._text import normalise_wave
from ._waves import wave_categorical, wave_rank

__all__ = ["read_survey", "read_waves"]

Duplicates = Literal["latest", "first", "error"]
PII = Literal["drop", "pseudonymize", "keep"]


def _read_one(src: Any, *, instrument: Any, source: str, id_col: str | None, wave: Any,
              wave_col: str | None, columns: Mapping[str, str] | None, duplicates: str,
              pii: str, sheet: str | int | None, encoding: str | None, salt: str,
              salt_given: bool, label: str | None = None) -> tuple[Loaded, Scale]:
    check_choice("duplicates", duplicates, ("latest", "first", "error"))
    check_choice("pii", pii, ("drop", "pseudonymize", "keep"))
    check_choice("source", source, ("auto", *source_names(), "dataframe"))
    scale = Scale.from_instrument(resolve_instrument(instrument))
    raw = read_source(src, source=source, sheet=sheet, encoding=encoding, label=label)
    opt = Options(id_col=id_col, wave=None if wave is None else str(wave), wave_col=wave_col,
                   columns=columns, duplicates=duplicates, pii=pii, salt=salt,
                   salt_given=salt_given)
    if columns is not None and not isinstance(columns, Mapping):
        raise TypeError("columns must be a mapping {export column name or regex: item id}")
    return load(raw, scale, opt), scale


def read_survey(
    path_or_frame: str | os.PathLike[str] | pd.DataFrame,
    *,
    instrument: Any = None,
    source: Literal["auto", "csv", "excel", "dataframe"] = "auto",
    id_col: str | None = None,
    wave: str | None = None,
    wave_col: str | None = None,
    columns: Mapping[str, str] | None = None,
    duplicates: Duplicates = "latest",
    pii: PII = "drop",
    sheet: str | int | None = None,
    encoding: str | None = None,
    salt: str | None = None,
) -> Responses:
    """Read a survey export (CSV, Excel or a DataFrame) into :class:`Responses`.

    Every cell is read as text first (so ``"007"`` stays ``"007"``), then ids,
    waves and answers are converted by one set of rules, and everything that was
    excluded or altered is listed in ``Responses.report``.

    Parameters
    ----------
    path_or_frame : str, path-like or pandas.DataFrame
        A ``.csv``/``.txt``/``.tsv`` file (separator sniffed: comma, tab or
        semicolon), an ``.xlsx``/``.xls`` workbook, or a DataFrame.
    instrument : instrument, str or None
        The instrument (an object with ``id``, ``item_ids``, ``response_min``,
        ``response_max``, ``labels``, ``item_text``) or a name/path for
        ``stressgroup.load_instrument``. Without one, no column is an item unless
        ``columns`` names it, and all other columns are kept as extra columns.
    source : {"auto", "csv", "excel", "dataframe"}
        The format; ``"auto"`` goes by the file extension.
    id_col : str, optional
        The id column. Default: a column named id, respondent_id, participant_id,
        participant, code, 编号 or 工号 (case-insensitive; 序号 is a row number, not an id).
    wave : str, optional
        The wave of every row, for a file that holds one wave (``"pre"``, ``"T2"``...).
    wave_col : str, optional
        The wave column. Default: a column named wave, time, 时间点, 测量 or phase.
        Labels are normalised: pre/pretest/baseline/T1/1/前测 -> ``"pre"``,
        post/posttest/T2/2/后测 -> ``"post"``, follow-up/fu/T3/3/追踪/随访 ->
        ``"follow-up"``; other labels are kept and ordered after these, with a
        report note and a DataQualityWarning per label (it may be a typo).
        Without a wave column or ``wave``, wave-affixed item columns (``pre_IND1``,
        ``IND1_post``, ``fu.IND1``) make the file *wide*; it is reshaped to one row
        per person per wave answered.
    columns : dict, optional
        ``{export column name or regex: item id}``; names are matched exactly first,
        then as ``re.fullmatch`` patterns. Otherwise a column is an item if its name
        is the item id (any case, wave affix removed) or its header is the item's
        text in the instrument (question numbers such as ``8、`` and matrix
        parentheses removed).
    duplicates : {"latest", "first", "error"}
        Several rows for one (id, wave): keep the latest (by a submit-time column
        such as submitted, 提交答卷时间, RecordedDate or EndDate if there is one,
        else the last in the file), the first (earliest submitted, else first in
        the file), or raise :class:`~stressgroup.errors.DataError`.
    pii : {"drop", "pseudonymize", "keep"}
        Columns holding personal data (name, phone, ID card, IP, e-mail, location,
        by header or because most values look like Chinese mobile numbers, ID card
        numbers, IPv4 or e-mail addresses): drop them, replace values by salted
        SHA-256 hashes (16 hex digits), or keep them. An id column of phone or ID
        card numbers is pseudonymized unless ``pii="keep"``; so is any single id
        that looks like one (or like an e-mail or IP address). Personal data typed
        into an answer is never copied into the report (shown as
        ``"<personal data hidden>"``).
    sheet : str or int, optional
        Excel sheet (name or 0-based number); default the first.
    encoding : str, optional
        Text encoding of a CSV file. Default: UTF-8 (with or without BOM), then
        GB18030 (which covers GBK).
    salt : str, optional
        Salt for pseudonymizing; default a random one per call.

    Returns
    -------
    Responses
        ``data`` with columns ``id`` (text), ``wave`` (ordered Categorical), one
        float64 column per item in questionnaire order, then the extra columns;
        ``report`` (:class:`LoadReport`); ``instrument_id``; ``item_ids``.

    Raises
    ------
    DataError
        The file cannot be used: not found, empty, no id column, no way to tell
        the wave, no item of the instrument found, more than half of the answers
        unusable, or duplicates with ``duplicates="error"``. The message names the
        file, row and column and says what to do; ``.problems`` lists the cells.

    Notes
    -----
    Row numbers are those of a spreadsheet: the header is row 1, so the first data
    row is row 2; for a DataFrame the row is its 0-based position + 2. Blank rows
    are skipped and not counted.

    Counting: ``rows_read`` is the number of data rows; each row is either kept or
    excluded once, with the first reason that applies, in this order: missing id,
    missing wave, no item answers (long) / no answers in any wave (wide), duplicate
    submission. A wide row is one row read and, if kept, one row kept even when it
    gives several waves (``FileReport.records`` counts the rows of ``data``); a wave
    with no answers is attrition, listed in ``report.waves_absent``, not an exclusion.

    Answers: missing markers (blank, NA, N/A, NaN, ``.``, ``-``) are missing. Other
    text is NFKC-normalised (full-width ``３`` -> ``3``) and read as a number or, if
    it is a response label of the instrument (zh or en, English case-insensitive),
    as the label's number. Anything else ("not a number"), a number outside the
    declared range ("out of range 1-5"), a fraction when the labels are whole
    numbers, an answer that is not a key of the item's ``values`` map, or a
    multi-select answer ticking the "none" option with others, becomes NaN and is
    listed in ``report.cells``; values are never clipped. If more than half of the answered cells fail, DataError is raised.
    Only kept rows' cells are listed.

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup.io import read_survey
    >>> df = pd.DataFrame({
    ...     "编号": ["007", "０08", "009"],
    ...     "wave": ["前测", "前测", "后测"],
    ...     "Q1": ["3", "非常同意", "7"],
    ...     "group": ["A ", "B", "A"],
    ... })
    >>> from types import SimpleNamespace
    >>> inst = SimpleNamespace(id="demo", item_ids=("Q1",), response_min=1, response_max=5,
    ...                        labels={5: {"en": "Strongly agree", "zh": "非常同意"}},
    ...                        item_text={})
    >>> r = read_survey(df, instrument=inst)
    >>> r.data
        id  wave   Q1 group
    0  007   pre  3.0     A
    1  008   pre  5.0     B
    2  009  post  NaN     A
    >>> r.report.cells[["row", "column", "value", "reason"]]
       row column value            reason
    0    4     Q1     7  out of range 1-5
    >>> r.report.id_changes[["row", "original", "id"]]
       row original   id
    0    3      ０08  008
    """
    given = salt is not None
    loaded, scale = _read_one(
        path_or_frame, instrument=instrument, source=source, id_col=id_col, wave=wave,
        wave_col=wave_col, columns=columns, duplicates=duplicates, pii=pii, sheet=sheet,
        encoding=encoding, salt=salt if given else secrets.token_hex(16), salt_given=given)
    for msg in loaded.warnings:
        warnings.warn(msg, DataQualityWarning, stacklevel=2)
    report, identical = _note_identical(loaded.report, loaded.data, loaded.item_ids)
    return Responses(data=loaded.data, report=report, instrument_id=scale.id,
                     item_ids=loaded.item_ids, _identical_waves=identical)


def read_waves(
    files: Mapping[str, Any] | Sequence[Any],
    **kwargs: Any,
) -> Responses:
    """Read one file per wave and stack them into one :class:`Responses`.

    Parameters
    ----------
    files : dict or sequence
        ``{"pre": path_or_frame, "post": path_or_frame, ...}``; the keys are wave
        labels (normalised as in :func:`read_survey`). A sequence is read as
        pre, post, follow-up in that order.
    **kwargs
        Passed to :func:`read_survey` for every file (``instrument``, ``id_col``,
        ``columns``, ``duplicates``, ``pii``, ``salt``...), except ``wave`` and
        ``wave``; ``wave_col`` (optional) names a wave column every file must have and
        agree with. One salt is shared by all files, so pseudonymized ids still
        match across waves.

    Returns
    -------
    Responses
        The rows of all files (ids normalised the same way), ``wave`` an ordered
        Categorical, and one report whose ``files`` has one entry per file.

    Raises
    ------
    DataError
        As :func:`read_survey`; when two files give the same wave; when two waves are
        the same file or files with identical content; when the submit times show the
        files in the wrong order (see :func:`check_wave_order`). Every person with two
        waves answering identically in both is a DataQualityWarning and a report note.

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup.io import read_waves
    >>> pre = pd.DataFrame({"id": ["1", "2"], "score": [10, 12]})
    >>> post = pd.DataFrame({"id": ["1", "２"], "score": [8, 11]})
    >>> r = read_waves({"pre": pre, "post": post})
    >>> r.data
      id  wave  score
    0  1   pre     10
    1  2   pre     12
    2  1  post      8
    3  2  post     11
    >>> [f.rows_read for f in r.report.files]
    [2, 2]
    """
    if "wave" in kwargs:
        raise TypeError("read_waves() takes the waves from the keys of files; "
                        "do not pass wave=")
    wave_col = kwargs.pop("wave_col", None)
    if isinstance(files, Mapping):
        pairs = [(str(k), v) for k, v in files.items()]
    elif isinstance(files, (list, tuple)):
        if len(files) > len(WAVE_ORDER):
            raise ValueError(f"files: a list can hold at most {len(WAVE_ORDER)} files "
                             "(pre, post, follow-up); use a dict for more waves")
        pairs = list(zip(WAVE_ORDER, files, strict=False))
    else:
        raise TypeError("files must be a dict {wave: path_or_frame} or a list of paths")
    if not pairs:
        raise ValueError("files is empty; give at least one file")
    seen: dict[str, str] = {}
    for key, _ in pairs:
        w = normalise_wave(key)
        if w is None:
            raise ValueError(f"files: {key!r} is not a wave label")
        if w in seen:
            raise DataError(f"files {seen[w]!r} and {key!r} are both wave {w}; "
                            "give one file per wave.")
        seen[w] = key
    _check_distinct(pairs)
    salt = kwargs.pop("salt", None)
    given = salt is not None
    salt = salt if given else secrets.token_hex(16)
    loads = []
    scale = None
    for key, src in pairs:
        label = f"<DataFrame: {key}>" if isinstance(src, pd.DataFrame) else None
        loaded, scale = _read_one(src, wave=key, wave_col=wave_col, salt=salt,
                                  salt_given=given, label=label, **_defaults(kwargs))
        loads.append(loaded)
    for loaded in loads:
        for msg in loaded.warnings:
            warnings.warn(msg, DataQualityWarning, stacklevel=2)
    item_ids = loads[0].item_ids
    frames = [ld.data.assign(wave=ld.data["wave"].astype(object)) for ld in loads]
    data = pd.concat(frames, ignore_index=True)
    data["wave"] = wave_categorical(data["wave"].tolist())
    report = LoadReport.combine([ld.report for ld in loads])
    check_wave_order(report)
    report, identical = _note_identical(report, data, item_ids)
    return Responses(data=data, report=report, instrument_id=scale.id if scale else None,
                     item_ids=item_ids, _identical_waves=identical)


def _check_distinct(pairs: Sequence[tuple[str, Any]]) -> None:
    """DataError when two waves are the same file, or files with the same content."""
    import hashlib

    seen_path: dict[str, str] = {}
    seen_hash: dict[str, tuple[str, Any]] = {}
    for key, src in pairs:
        if isinstance(src, pd.DataFrame):
            continue
        try:
            real = os.path.realpath(os.fspath(src))
        except TypeError:
            continue
        if real in seen_path:
            raise DataError(
                f"the same file {os.fspath(src)!r} is given as wave {seen_path[real]!r} and "
                f"wave {key!r}; give one file per wave (pre, then post).")
        seen_path[real] = key
        try:
            with open(real, "rb") as fh:
                digest = hashlib.sha256(fh.read()).hexdigest()
        except OSError:
            continue   # the reader names a missing file
        if digest in seen_hash:
            other_key, other = seen_hash[digest]
            raise DataError(
                f"{os.fspath(other)!r} (wave {other_key}) and {os.fspath(src)!r} (wave {key}) "
                "have identical content: the same data given twice. Give the file of each "
                "wave.")
        seen_hash[digest] = (key, src)


def check_wave_order(report: LoadReport) -> None:
    """DataError when the submit times show the files in the wrong wave order.

    Rule: for two files given as consecutive waves (pre, then post...), the files are
    refused when at least half of one lies beyond all of the other in the wrong
    direction: the earlier wave's median submission time is later than the later
    wave's last one, or the earlier wave's first time is later than the later wave's
    median. A pre file filled in after the post file has every time after the
    other's; the medians keep the rule robust to a few latecomers or test responses,
    and waves collected on overlapping days (a one-day workshop) are not refused.
    Files without readable submit times are not checked.
    """
    timed = [f for f in report.files if f.wave is not None and f.time_range is not None]
    timed.sort(key=lambda f: wave_rank(f.wave))
    for a, b in zip(timed, timed[1:]):
        (a_first, a_median, _), (_, b_median, b_last) = a.time_range, b.time_range
        if wave_rank(a.wave) == wave_rank(b.wave) or not (
                a_median > b_last or a_first > b_median):
            continue

        def span(f: Any) -> str:
            return f"{f.time_range[0]} to {f.time_range[2]}".replace("T", " ")

        raise DataError(
            f"the waves look swapped: {a.file} is given as wave {a.wave} but was "
            f"submitted {span(a)} ({a.time_column}), after {b.file}, given as wave "
            f"{b.wave}, submitted {span(b)} ({b.time_column}). Give the files in the "
            f"order they were filled in (the {b.wave} file first?) or check them; every "
            "change would have the wrong sign otherwise.")


def identical_waves(data: pd.DataFrame, item_ids: Sequence[str]) -> str | None:
    """A message when every person with two waves gave the same answers in both (the
    same data loaded as two waves), else None. Needs at least two such people whose
    answers differ from one another.

    The first two waves present are compared, each person by the first row of each wave;
    NaN equals NaN. Vectorised over people and items (no Python loop over rows).
    """
    items = [c for c in item_ids if c in data.columns]
    if not items or "wave" not in data.columns:
        return None
    wave = data["wave"]
    categories = list(wave.cat.categories)
    codes = np.asarray(wave.cat.codes, dtype=np.int64)
    present = np.bincount(codes[codes >= 0], minlength=len(categories)) > 0
    waves = [k for k in range(len(categories)) if present[k]]
    if len(waves) < 2:
        return None
    first, second = waves[0], waves[1]
    ids = data["id"].to_numpy(dtype=object)
    columns = [data[c].to_numpy(dtype=float) for c in items]
    if _differ_early(codes, first, second, ids, columns):
        return None

    def firsts(code: int) -> np.ndarray:
        rows = np.flatnonzero(codes == code)
        return rows[~pd.Index(ids[rows]).duplicated(keep="first")]

    rows_a, rows_b = firsts(first), firsts(second)
    at = pd.Index(ids[rows_b]).get_indexer(ids[rows_a])
    both = at >= 0
    if int(both.sum()) < 2:
        return None
    ra, rb = rows_a[both], rows_b[at[both]]
    x = np.column_stack([col[ra] for col in columns])
    y = np.column_stack([col[rb] for col in columns])
    nan_x = np.isnan(x)
    same = (x == y) | (nan_x & np.isnan(y))
    if not same.all() or nan_x.all():
        return None
    # people must differ from one another: identical answer patterns across two
    # waves are then the fingerprint of one data set loaded twice (NaN as one value)
    patterns = np.nan_to_num(x, nan=-1e300)
    if (patterns == patterns[0]).all():
        return None
    return (f"wave {categories[second]} is identical to wave {categories[first]} for all "
            f"{len(ra)} people with both waves (every item answer equal): probably the same "
            "data loaded twice; every change is zero")


def _differ_early(codes: np.ndarray, first: int, second: int, ids: np.ndarray,
                  columns: Sequence[np.ndarray], n: int = 1000) -> bool:
    """True when one of the first ``n`` people of wave ``first`` answers differently in
    wave ``second`` (each person by the first row of each wave; NaN equals NaN): then
    the waves are not identical, found without comparing every person."""
    rows_a = np.flatnonzero(codes == first)[:n]
    rows_a = rows_a[~pd.Index(ids[rows_a]).duplicated(keep="first")]
    rows_b = np.flatnonzero(codes == second)
    at = pd.Index(ids[rows_a]).get_indexer(ids[rows_b])   # each row of b: its person in a
    hit = np.flatnonzero(at >= 0)
    if not len(hit):
        return False
    person, first_b = np.unique(at[hit], return_index=True)   # first row of b per person
    ra, rb = rows_a[person], rows_b[hit[first_b]]
    for col in columns:
        x, y = col[ra], col[rb]
        if not ((x == y) | (np.isnan(x) & np.isnan(y))).all():
            return True
    return False


def identical_waves_of(responses: Responses) -> str | None:
    """:func:`identical_waves` of ``responses``: the message found when it was loaded
    (``read_survey`` / ``read_waves`` compute it once), else computed now."""
    cached = responses._identical_waves
    if cached is not None and cached[0] is responses.data:
        return cached[1]
    return identical_waves(responses.data, responses.item_ids)


def _note_identical(report: LoadReport, data: pd.DataFrame,
                    item_ids: Sequence[str]) -> tuple[LoadReport, tuple[Any, str | None]]:
    """The report with the identical-waves note (and warning) if there is one, and the
    ``(data, message)`` pair the Responses keeps for :func:`identical_waves_of`."""
    msg = identical_waves(data, item_ids)
    if msg is None:
        return report, (data, None)
    warnings.warn(msg, DataQualityWarning, stacklevel=3)
    return dataclasses.replace(report, notes=(*report.notes, msg)), (data, msg)


def _defaults(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    allowed = {"instrument": None, "source": "auto", "id_col": None, "columns": None,
               "duplicates": "latest", "pii": "drop", "sheet": None, "encoding": None}
    unknown = set(kwargs) - set(allowed)
    if unknown:
        raise TypeError(f"read_waves() got unexpected keyword argument(s): {', '.join(sorted(unknown))}")
    return {**allowed, **kwargs}


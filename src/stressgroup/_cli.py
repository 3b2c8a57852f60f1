"""Command line: ``python -m stressgroup.evaluate DATA [DATA ...] [options]``."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from typing import Sequence

from .core.results import json_text

__all__ = ["main", "build_parser"]

_WAVES = ("pre", "post", "follow-up")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m stressgroup.evaluate",
        description="Evaluate pre/post change on a questionnaire: per subscale and total, "
                    "paired t test with 95% CI, Holm-adjusted p, dz with CI, Wilcoxon, "
                    "alpha and omega at pre, and reliable change per person.",
        epilog="One file holds a wave column (one row per person per wave) or wave-prefixed "
               "item columns (pre_IND1, post_IND1, ...); two files are pre and post.")
    p.add_argument("data", nargs="+", metavar="DATA",
                   help="survey export(s): CSV/Excel, 问卷星, Qualtrics, SurveyMonkey, "
                        "LimeSurvey, Google Forms, REDCap, SPSS .sav")
    p.add_argument("--source", default="auto",
                   help="force the export format (wjx, qualtrics, surveymonkey, limesurvey, "
                        "googleforms, redcap, spss, csv, excel; default: detected)")
    p.add_argument("--instrument", default=None, metavar="NAME|PATH",
                   help="built-in instrument id or YAML file (default: five-level-stress; "
                        "data that do not carry its items are then refused)")
    p.add_argument("--id", dest="id_col", metavar="COL[,COL...]",
                   help="column holding person ids; several candidates separated by commas "
                        "(each file uses the first it has)")
    p.add_argument("--wave", dest="wave_col", metavar="COL",
                   help="column holding the wave (pre/post/...); with several files, "
                        "checked to agree with each file's wave")
    p.add_argument("--columns", metavar="MAP",
                   help="YAML or JSON file mapping export column names or regular "
                        "expressions to item ids (a regex's replacement may use \\1)")
    p.add_argument("--allow-absent-items", action="store_true",
                   help="score a scale even when some of its items have no column in the "
                        "data (marked incomplete); without it such a scale is not scored")
    p.add_argument("--group", metavar="COL",
                   help="column holding the group (default: a column named 'group')")
    p.add_argument("--control", metavar="LABEL", help="label of the control group")
    p.add_argument("--correction", choices=("holm", "fdr_bh", "none"), default="holm",
                   help="p adjustment over the subscales (default: holm)")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="table language")
    p.add_argument("--seed", type=int, default=None, help="seed for resampling methods")
    p.add_argument("--json", metavar="PATH", help="write the JSON result (- for stdout)")
    p.add_argument("--persons", metavar="CSV",
                   help="write each person's change per scale (pre, post, RCI, category, "
                        "targeted) as a CSV table; the JSON result lists people only for "
                        "groups of at most 10,000")
    p.add_argument("--out", metavar="REPORT", action="append", default=[],
                   help="write a report; the extension picks the format: .docx (Word, "
                        "three-line tables), .html (one self-contained page), .md, .xlsx, "
                        ".tex; repeatable")
    p.add_argument("--design", metavar="SECTIONS",
                   help="comma-separated sections to run beside the paired tables (default: "
                        "every section the data allow)")
    p.add_argument("--validity", action="store_true",
                   help="add the validity tables (KMO, Bartlett, EFA, CFA with AVE, CR and "
                        "HTMT) at the baseline wave")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="no progress display, and on stderr only what needs attention: "
                        "errors, warnings and the rows or answers excluded or changed "
                        "(the load summary of clean data and the 'wrote FILE' lines are "
                        "left out)")
    p.add_argument("--debug", action="store_true",
                   help="show the traceback of an internal error (a bug) on stderr")
    p.add_argument("--style", choices=("apa", "cn", "plain"), default=None,
                   help="number style of the reports: apa (no leading zero for p, r, alpha), "
                        "cn (Chinese journals: leading zero, M ± SD, significance stars); "
                        "default: apa in English, cn in Chinese")
    return p


def _check_out(paths: "list[str]") -> None:
    """Refuse an unknown report extension before any work is done."""
    from .report import FORMATS

    for path in paths:
        ext = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
        if ext not in FORMATS or FORMATS[ext] == "text":
            raise SystemExit(_fail(
                f"--out {path}: unknown report format {ext or '(no extension)'!r}; use .docx, "
                ".html, .md, .xlsx or .tex"))


def _write_persons(ev, args) -> None:
    """``--persons CSV``: the individual section's per-person table (pseudonymous ids)."""
    if not args.persons:
        return
    sec = ev.sections.get("individual")
    if sec is None or sec.result is None:
        why = sec.skipped if sec is not None else "the section was not run (--design)"
        raise SystemExit(_fail(f"--persons {args.persons}: no per-person change to write: "
                               f"{why}"))
    import time

    start = time.perf_counter()
    # utf-8 with a byte-order mark: Excel then reads Chinese labels correctly
    sec.result.to_frame().to_csv(args.persons, index=False, encoding="utf-8-sig")
    if not args.quiet:
        print(f"wrote {args.persons} ({time.perf_counter() - start:.1f} s)", file=sys.stderr)


def _design(args) -> "list[str] | None":
    """``--design a,b`` as a list, every name checked (exit 2 naming the known ones)."""
    if args.design is None:
        return None
    from .analysis import section_names

    wanted = [d.strip() for d in args.design.split(",") if d.strip()]
    unknown = [d for d in wanted if d not in section_names()]
    if unknown:
        raise SystemExit(_fail(f"--design: unknown section(s) {', '.join(unknown)}; choose "
                               f"from {', '.join(section_names()) or '(none yet)'}"))
    return wanted


def _write_reports(ev, args) -> None:
    import time

    from .report import write_report

    if not args.out:
        return
    from .core.errors import StressgroupWarning

    doc = ev.to_document()
    for path in args.out:
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:  # e.g. no CJK font for figures
            warnings.simplefilter("always", StressgroupWarning)
            write_report(doc, path, lang=args.lang, style=args.style)
        _print_notes(caught)
        if not args.quiet:
            print(f"wrote {path} ({time.perf_counter() - start:.1f} s)", file=sys.stderr)


def _load(args):
    from .io import read_survey, read_waves
    from .io._sources import source_names

    known = ("auto", *source_names())
    if args.source not in known:
        raise SystemExit(_fail(f"--source {args.source}: unknown format; use one of "
                               f"{', '.join(known)}"))

    kw = dict(instrument=args.instrument_obj, id_col=_id_candidates(args.id_col),
              source=args.source, columns=_columns_map(args.columns))
    if len(args.data) > len(_WAVES):
        raise SystemExit(_fail(f"give at most {len(_WAVES)} files (pre, post, follow-up)"))
    with _reading(args.data):
        if len(args.data) == 1:
            return read_survey(args.data[0], wave_col=args.wave_col, **kw)
        if args.wave_col is not None:
            kw["wave_col"] = args.wave_col
        return read_waves(dict(zip(_WAVES, args.data)), **kw)


#: File sizes from which reading takes a second or more (workbooks parse far slower than
#: text): a "reading FILE (size)" line is shown meanwhile, on a terminal only.
_BIG_WORKBOOK = 2_000_000
_BIG_FILE = 8_000_000


def _reading(paths: "list[str]"):
    """A progress line while big files are read (a no-op context for small ones)."""
    import contextlib
    import os

    from .core.progress import phase

    sizes = []
    for path in paths:
        try:
            sizes.append(os.path.getsize(path))
        except (OSError, TypeError, ValueError):  # the loader reports a missing file
            sizes.append(0)
    big = any(size >= (_BIG_WORKBOOK if str(path).lower().endswith((".xlsx", ".xlsm", ".xls"))
                       else _BIG_FILE) for path, size in zip(paths, sizes))
    if not big:
        return contextlib.nullcontext()
    names = ", ".join(os.path.basename(str(p)) for p in paths)
    mb = sum(sizes) / 1e6
    size = f"{mb:,.0f} MB" if mb >= 10 else f"{mb:.1f} MB"
    return phase({"en": f"reading {names} ({size})", "zh": f"正在读取 {names}（{size}）"})


def _id_candidates(value: "str | None"):
    """``--id A,B`` as a list of candidates (a single name stays a string)."""
    if value is None:
        return None
    names = [v.strip() for v in value.split(",") if v.strip()]
    if not names:
        raise SystemExit(_fail("--id: give a column name (or several, separated by commas)"))
    return names[0] if len(names) == 1 else names


def _columns_map(path: "str | None"):
    """The ``--columns MAP`` file as a dict {export column or regex: item id}."""
    if path is None:
        return None
    from .core.errors import DataError

    try:
        with open(path, encoding="utf-8-sig") as fh:
            text = fh.read()
    except OSError as exc:
        raise DataError(f"--columns {path}: {exc.strerror or exc}") from None
    import yaml

    try:
        mapping = json.loads(text) if path.lower().endswith(".json") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:  # a syntax error of the user's file
        raise DataError(f"--columns {path}: cannot be read as "
                        f"{'JSON' if path.lower().endswith('.json') else 'YAML'} ({exc})"
                        ) from None
    if isinstance(mapping, dict) and set(mapping) == {"columns"} and isinstance(
            mapping["columns"], dict):
        mapping = mapping["columns"]
    if not isinstance(mapping, dict) or not mapping:
        raise DataError(f"--columns {path}: must be a mapping of export column names (or "
                        "regular expressions) to item ids, e.g. '\"^个人(\\d)$\": IND\\1'")
    out = {}
    for key, value in mapping.items():
        if not isinstance(value, (str, int)) or isinstance(value, bool) or not str(value):
            raise DataError(f"--columns {path}: key {str(key)!r} maps to {value!r}; each "
                            "entry must map to one item id (text)")
        out[str(key)] = str(value)
    import re

    for key in out:
        try:
            re.compile(key)
        except re.error as exc:
            raise DataError(f"--columns {path}: key {key!r} is not a valid regular "
                            f"expression ({exc}); fix it, or escape the special characters "
                            "(\\( \\[ \\.) to match a column name as written") from None
    return out


_DEFAULT_INSTRUMENT = "five-level-stress"


def _check_fit(args, responses) -> None:
    """With the implicit default instrument, data that do not carry its items are refused:
    the numbers would be those of another questionnaire."""
    absent = responses.absent_items
    if args.instrument is not None or not absent:
        return
    from .core.errors import DataError

    inst = args.instrument_obj
    table = responses.report.columns_unmapped
    found = [str(c) for c in table["column"]] if len(table) else []
    found += [c for c in responses.extra_columns if c not in found and c.lower() not in
              _NOT_QUESTIONS]
    shown = ", ".join(found[:8]) + (f", ... ({len(found)} in all)" if len(found) > 8 else "")
    files = " ".join(args.data[:1])
    raise DataError(
        f"the data do not fit the default instrument {inst.id} ({len(inst.item_ids)} items): "
        f"{len(absent)} of its items have no column ({_short_list(absent)})"
        + (f"; columns found that match none of its items: {shown}" if shown else "")
        + ". Give the questionnaire with --instrument NAME|PATH (python -m "
        "stressgroup.instruments list), or draft one from the file: python -m "
        f"stressgroup.instruments draft {files} -o my-scale.yaml, check it, then "
        "--instrument my-scale.yaml.")


_NOT_QUESTIONS = {"group", "gender", "age", "sex", "years_service", "post", "wave", "id"}


def _short_list(items, limit: int = 8) -> str:
    items = list(items)
    return ", ".join(items[:limit]) + (f", ... ({len(items)} in all)" if len(items) > limit
                                      else "")


_MAX_DETAILS = 20
_PLATFORM_MISSING = ("left blank", "skipped by logic")


def _needs_attention(report) -> bool:
    """Whether loading changed what is analysed beyond the export's own blanks: rows
    excluded (duplicates included), answers set to missing, items without a column,
    question columns matching no item, or a note. ``--quiet`` prints the load summary
    and its details only then."""
    altered = any(not str(r).startswith(_PLATFORM_MISSING) for r in report.cells["reason"])
    return bool(report.rows_excluded or altered or len(report.items_missing)
                or len(report.columns_unmapped) or report.notes
                or any(f.superseded for f in report.files))


def _print_details(report, quiet: bool = False) -> None:
    """List excluded rows and altered cells (file, row, column) on stderr."""
    lines = []
    for r in report.excluded.itertuples(index=False):
        lines.append(f"  {r.file}, row {r.row}: excluded ({r.reason})")
    # answers the survey platform marks as blank or skipped are counted in the summary;
    # the cells listed here are the ones a person should look at
    for c in report.cells.itertuples(index=False):
        if str(c.reason).startswith(_PLATFORM_MISSING):
            continue
        lines.append(f"  {c.file}, row {c.row}, column {c.column}: {c.value!r} set to "
                     f"missing ({c.reason})")
    for line in lines[:_MAX_DETAILS]:
        print(line, file=sys.stderr)
    if len(lines) > _MAX_DETAILS:
        print(f"  ... and {len(lines) - _MAX_DETAILS} more (see --json, key 'load')",
              file=sys.stderr)
    _print_ids(report, quiet)


def _print_ids(report, quiet: bool = False) -> None:
    """The id column of each file and how it was found (not with ``quiet``), the ids
    normalised and the duplicate submissions superseded (id, row, submit time), up to a
    limit each."""
    import os

    for f in report.files:
        if f.id_column is not None and not quiet:
            print(f"  {os.path.basename(f.file)}: ids from column {f.id_column!r} "
                  f"({f.id_found})", file=sys.stderr)
    changes = report.id_changes
    for r in changes.head(_MAX_DETAILS).itertuples(index=False):
        print(f"  {r.file}, row {r.row}: id {r.original!r} normalised to {r.id!r}",
              file=sys.stderr)
    if len(changes) > _MAX_DETAILS:
        print(f"  ... and {len(changes) - _MAX_DETAILS} more ids normalised (see --json, "
              "key 'load', id_changes)", file=sys.stderr)
    dups = [(f, d) for f in report.files for d in f.superseded]
    for f, d in dups[:_MAX_DETAILS]:
        when = (f" submitted {d['submitted']}, superseded by row {d['kept_row']} submitted "
                f"{d['kept_submitted']}" if d["submitted"] is not None
                else f" superseded by row {d['kept_row']} (later in the file)")
        print(f"  {f.file}, row {d['row']}: duplicate submission of id {d['id']!r},{when}",
              file=sys.stderr)
    if len(dups) > _MAX_DETAILS:
        print(f"  ... and {len(dups) - _MAX_DETAILS} more duplicate submissions (see --json, "
              "key 'load', files)", file=sys.stderr)


def _load_warnings(responses) -> "list[dict]":
    """Warnings about the data as loaded, in the form of the evaluation's JSON warnings."""
    from .io._read import identical_waves_of

    msg = identical_waves_of(responses)   # found once, at load
    return [] if msg is None else [{"group": None, "subscale": None,
                                    "code": "identical_waves", "message": msg}]


def _print_notes(caught, shown=()) -> None:
    """Recorded warnings as one ``note:`` line each (called outside the recording); a
    warning whose text is among ``shown`` (the notes of a load summary just printed) is
    not repeated."""
    seen = {f"note: {n}" for n in shown}
    for w in caught:
        text = f"note: {w.message}"
        if text not in seen:
            seen.add(text)
            print(text, file=sys.stderr)


def _fail(msg: str) -> int:
    print(f"stressgroup: error: {msg}", file=sys.stderr)
    return 2


def _internal_error(exc: BaseException, debug: bool) -> int:
    """A bug, not a user error: one line, the traceback in a file (or on stderr with
    --debug), exit 1. Personal data in the traceback's text is masked."""
    import tempfile
    import time
    import traceback

    from .core.privacy import mask_personal

    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    tb = "\n".join(mask_personal(line) for line in tb.splitlines()) + "\n"
    if debug:
        print(tb, file=sys.stderr, end="")
        print(f"stressgroup: internal error ({type(exc).__name__}): this is a bug in "
              "stressgroup, please report it with the traceback above", file=sys.stderr)
        return 1
    fd, path = tempfile.mkstemp(prefix=f"stressgroup-error-{time.strftime('%Y%m%d-%H%M%S')}-",
                                suffix=".txt")
    with open(fd, "w", encoding="utf-8") as fh:
        fh.write(tb)
    print(f"stressgroup: internal error ({type(exc).__name__}): this is a bug in stressgroup, "
          f"please report it; the traceback is in {path} (or run again with --debug)",
          file=sys.stderr)
    return 1


def _blas_single_threaded() -> None:
    """Run BLAS/LAPACK on one thread unless the user chose a thread count.

    The command line's matrices are small (items x items, or a few columns over the
    people): waking BLAS threads for each of the thousands of small calls (eigh in the
    omega fit, L-BFGS-B steps) cost more than it saved, most on a busy 2-core machine
    (benchmarks/run.py: the 40-person run 1.5x -> 1.2x of importing pandas and scipy).
    The Python API leaves the thread count alone.
    """
    import os

    if any(v in os.environ for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                     "MKL_NUM_THREADS")):
        return
    try:
        import scipy.linalg  # noqa: F401  (loads scipy's own OpenBLAS, to limit it too)
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - dependencies of the project
        return
    threadpool_limits(1, user_api="blas")


def main(argv: "Sequence[str] | None" = None) -> int:
    """Run the command line; return the exit status (0 ok, 2 user error, 1 internal
    error: a bug)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or usage error (2)
        return int(exc.code or 0)
    _blas_single_threaded()
    from .core import progress

    shown = progress.set_enabled(False) if args.quiet else None
    lang = progress.set_language(args.lang)
    try:
        return _run(args)
    except Exception as exc:  # anything not raised on purpose for the user is a bug
        return _internal_error(exc, args.debug)
    finally:
        if args.quiet:
            progress.set_enabled(shown)
        progress.set_language(lang)


def _run(args) -> int:
    from .core.errors import StressgroupError, StressgroupWarning

    caught: list = []
    try:
        _check_out(args.out)
        from .analysis import evaluate
        from .instruments import load_instrument

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", StressgroupWarning)
            # numerical warnings (0/0 on tiny or constant data) become NaN cells in
            # the tables; the command line itself stays free of Python warnings
            warnings.simplefilter("ignore", RuntimeWarning)
            args.instrument_obj = load_instrument(args.instrument or _DEFAULT_INSTRUMENT)
            responses = _load(args)
        report = responses.report
        # what happened to the rows is shown before the analysis, which may fail on it;
        # --quiet leaves out the summary of a load that changed nothing
        shown = ()
        if not args.quiet or _needs_attention(report):
            print(report.summary(), file=sys.stderr)
            _print_details(report, quiet=args.quiet)
            shown = report.notes
        _print_notes(caught, shown)
        _check_fit(args, responses)
        pending: list = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", StressgroupWarning)
                warnings.simplefilter("ignore", RuntimeWarning)
                try:
                    ev = evaluate(responses, args.instrument_obj, group=args.group,
                                  control=args.control, correction=args.correction,
                                  seed=args.seed, design=_design(args),
                                  validity=args.validity,
                                  allow_absent_items=args.allow_absent_items)
                finally:
                    pending = list(caught)
        finally:  # the notes are shown before an error message too, outside the recording
            _print_notes(pending)
        _write_reports(ev, args)
        _write_persons(ev, args)
        if args.json:
            result = ev.to_dict()
            result["load"] = report.to_dict()
            result["warnings"] = list(result.get("warnings", [])) + _load_warnings(responses)
            text = json_text(result)
            if args.json == "-":
                print(text)
            else:
                with open(args.json, "w", encoding="utf-8") as fh:
                    fh.write(text + "\n")
                print(ev.table(lang=args.lang))
        else:
            print(ev.table(lang=args.lang))
    except StressgroupError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{exc.strerror or exc}: {exc.filename or ''}".strip())
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0

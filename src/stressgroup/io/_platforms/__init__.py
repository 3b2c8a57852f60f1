"""Survey-platform readers (Qualtrics, SurveyMonkey, LimeSurvey, Google Forms, REDCap, SPSS).

Contract with the loading pipeline (``stressgroup.io._read`` / ``_sources``)
--------------------------------------------------------------------------
A platform reader is a module ``stressgroup/io/_platforms/<name>.py`` listed in
``PLATFORMS`` below (name -> module). Names: ``"qualtrics"``, ``"surveymonkey"``,
``"limesurvey"``, ``"googleforms"``, ``"redcap"``, ``"spss"``. The name is also
what users pass as ``read_survey(..., source=<name>)``.

Each module exposes two functions:

``sniff(path: Path, head: list[list[str]]) -> bool``
    True when the file is this platform's export. ``head`` holds the first ~5
    rows of the file as text cells (CSV decoded with the detected encoding;
    Excel first sheet read as text), or ``[]`` for binary files such as .sav
    (then sniff by suffix / by opening the file). Must be cheap and must never
    raise: return False on doubt. Sniffers are tried in ``PLATFORMS`` order,
    after 问卷星 (``stressgroup.io._wjx``), before the csv/excel fallback.

``read(path: Path, *, file: str, sheet=None, encoding=None) -> RawTable``
    Read the file into a :class:`stressgroup.io._sources.RawTable` with ONE header
    row (collapse multi-row headers into one name per column). ``file`` is the
    name to use in messages; raise ``stressgroup.errors.DataError`` naming file,
    row and column for user errors. ``RawTable.rows`` are the row numbers as the
    user sees them (spreadsheet/CSV line of each data row). Helpers:
    ``_sources._from_grid(grid, file=, source=, first_row=, encoding=)`` builds
    the table from a list of text rows; ``_sources.read_csv_text`` /
    ``_sources.read_excel_text`` / ``_sources._decode`` read and decode.

``RawTable.meta`` keys honoured by the pipeline (all optional):

``"platform"`` : str
    Reported as the source (``LoadReport`` source for the file).
``"question_text"`` : dict[str, str]
    column -> question text; used for text matching of columns to instrument
    items (after stripping question numbers / matrix parentheses) when the
    column name itself does not map.
``"exclude"`` : dict[int, str]
    spreadsheet row -> reason; these rows are excluded (counted in
    rows_excluded) with that reason, e.g. ``"Survey Preview response"``.
``"missing_values"`` : dict[str, dict[str, str]]
    column (or ``"*"`` for every column) -> {raw cell text: reason}; such cells
    become missing with that reason recorded, never scores, e.g.
    ``{"*": {"9": "no answer (user-missing code 9)"}}``.
``"wave_column"``, ``"id_column"``, ``"time_column"`` : str
    Hints for auto-detection of the wave, person id and submit-time columns
    (used when the caller did not name them).
``"wave_map"`` : dict[str, str]
    raw value of the wave column -> wave label (e.g. REDCap
    ``{"baseline_arm_1": "pre"}``), applied before the usual wave normalisation.
``"variant"`` : str
    The kind of export when a format has several (reported in ``FileReport.variant``).
``"pii_columns"`` : list[str]
    Columns known to be personal (dropped / pseudonymised per ``pii=``).
"""

from __future__ import annotations

from types import ModuleType

from . import googleforms, limesurvey, qualtrics, redcap, spss, surveymonkey

#: platform name -> reader module (with ``sniff`` and ``read``), tried in order.
PLATFORMS: dict[str, ModuleType] = {
    "spss": spss,
    "qualtrics": qualtrics,
    "surveymonkey": surveymonkey,
    "limesurvey": limesurvey,
    "redcap": redcap,
    "googleforms": googleforms,
}

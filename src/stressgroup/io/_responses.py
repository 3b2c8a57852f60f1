"""The :class:`Responses` result of every loader."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ._report import LoadReport

__all__ = ["Responses"]


@dataclass(frozen=True, eq=False)
class Responses:
    """Questionnaire answers, one row per person per wave, with their load report.

    Attributes
    ----------
    data : pandas.DataFrame
        Columns ``id`` (text, normalised: NFKC, no spaces, leading zeros kept),
        ``wave`` (ordered Categorical: pre < post < follow-up < other labels in
        order of appearance), one float64 column per instrument item in
        questionnaire order (NaN = not answered or set to missing, see the
        report), then the extra columns (group, gender, age...) as they came.
    report : LoadReport
        Rows read, kept and excluded, altered cells, dropped columns.
    instrument_id : str or None
        The instrument the columns were matched against.
    item_ids : tuple of str
        The item columns of ``data`` (empty without an instrument or ``columns=``).

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup.io import read_survey
    >>> r = read_survey(pd.DataFrame({"id": ["1", "2"], "wave": ["T1", "T1"], "age": [30, 41]}))
    >>> len(r), list(r.columns)
    (2, ['id', 'wave', 'age'])
    >>> r["wave"].tolist()
    ['pre', 'pre']
    """

    data: pd.DataFrame
    report: LoadReport
    instrument_id: str | None = None
    item_ids: tuple[str, ...] = ()
    # (data, message of io._read.identical_waves) as found at load; reused by the CLI
    _identical_waves: tuple[Any, str | None] | None = field(default=None, repr=False,
                                                            compare=False)

    _title = "Responses"

    def to_frame(self) -> pd.DataFrame:
        """A copy of ``data``."""
        return self.data.copy()

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, key: Any) -> Any:
        return self.data[key]

    @property
    def columns(self) -> pd.Index:
        """Columns of ``data``."""
        return self.data.columns

    @property
    def item_columns(self) -> tuple[str, ...]:
        """The item columns, in questionnaire order."""
        return tuple(self.item_ids)

    @property
    def absent_items(self) -> tuple[str, ...]:
        """Items of the instrument with no column in a file (or a wave of a wide file):
        *structurally absent*, not unanswered. Their columns in ``data`` are all missing;
        scoring leaves a scale with absent items unscored unless
        ``allow_absent_items=True`` (see ``report.items_missing``)."""
        table = self.report.items_missing
        if table is None or not len(table):
            return ()
        return tuple(dict.fromkeys(str(i) for i in table["item"]))

    @property
    def extra_columns(self) -> tuple[str, ...]:
        """Columns that are neither ``id``, ``wave`` nor items (group, gender...)."""
        skip = {"id", "wave", *self.item_ids}
        return tuple(c for c in self.data.columns if c not in skip)

    @property
    def waves(self) -> tuple[str, ...]:
        """Waves present, in order."""
        present = set(self.data["wave"].dropna().astype(str))
        return tuple(w for w in self.data["wave"].cat.categories if w in present)

    def _summary_lines(self) -> list[str]:
        n_rows, n_cols = self.data.shape
        inst = f", instrument {self.instrument_id}" if self.instrument_id else ""
        counts = self.data["wave"].value_counts(sort=False)
        waves = ", ".join(f"{w} {n}" for w, n in counts.items() if n) or "none"
        people = self.data["id"].nunique()
        first = self.report.summary().splitlines()
        return [
            f"{n_rows} rows x {n_cols} columns ({people} people; {len(self.item_ids)} items{inst})",
            f"waves: {waves}",
            *(["report: " + first[0]] if first else []),
        ]

    def __repr__(self) -> str:
        lines = [self._title, *self._summary_lines()]
        with pd.option_context("display.width", 120, "display.max_columns", 12):
            lines.append(self.data.head(5).to_string())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = f"<p><strong>{html.escape(self._title)}</strong></p>"
        extra = "".join(f"<p>{html.escape(s)}</p>" for s in self._summary_lines())
        table = self.data.head(10).to_html(na_rep="")
        return f"<div>{head}{extra}{table}</div>"

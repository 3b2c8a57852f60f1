"""The sample description table (样本基本情况): n and % per category, M and SD of numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.errors import DataError
from ..core.vocab import order_groups
from ..core.results import jsonable
from ..instruments._scoring import as_frame
from ..report import Reportable
from ._screening import ordered_waves
from ._textvalues import text_values

__all__ = ["sample_description", "SampleDescription"]

MISSING = {"en": "missing", "zh": "缺失"}


@dataclass(frozen=True, repr=False)
class SampleDescription(Reportable):
    """Who took part: counts and percentages per category, M and SD of numeric variables.

    Attributes
    ----------
    table : DataFrame
        One row per variable, category (None for a numeric variable; ``"missing"`` for
        people without a value) and group (``"total"`` for everyone): ``variable``,
        ``kind`` (``categorical`` or ``numeric``), ``category``, ``group``, ``n``,
        ``percent`` (of the group's people), and for numeric variables ``mean``, ``sd``,
        ``min``, ``max`` and ``missing``.
    n : dict
        People per group and ``"total"``.
    group_column : str or None
    groups : list of str
        Group labels in order (the table's columns in a report), then ``"total"``.
    """

    table: pd.DataFrame
    n: dict
    group_column: "str | None"
    groups: list
    _title = "Sample description"

    def to_dict(self) -> dict:
        out: dict = {"n": self.n, "group_column": self.group_column, "variables": {}}
        for (var, kind), t in self.table.groupby(["variable", "kind"], sort=False):
            if kind == "categorical":
                cats: dict = {}
                for rec in t.to_dict("records"):
                    cats.setdefault(rec["category"], {})[rec["group"]] = {
                        "n": rec["n"], "percent": rec["percent"]}
                out["variables"][var] = {"kind": kind, "categories": cats}
            else:
                out["variables"][var] = {"kind": kind, "groups": {
                    rec["group"]: {k: rec[k] for k in ("n", "mean", "sd", "min", "max",
                                                       "missing")}
                    for rec in t.to_dict("records")}}
        return jsonable(out)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def to_document(self, lang: str = "en"):
        """The table as a :class:`~stressgroup.core.document.Document`: one row per
        category (n (%)) or numeric variable (M ± SD, min-max), one column pair per
        group and the total."""
        from ..core.document import Column, Document, Note, Table
        from ..report import label

        cols = [Column("item", label("sample.item"), "text")]
        for i, g in enumerate(self.groups):
            head = label("sample.total") if g == "total" else str(g)
            cols.append(Column(f"n{i}", label("sample.n_of", group=head), "count"))
            cols.append(Column(f"p{i}", label("sample.pct_of", group=head), "percent",
                               digits=1))
            cols.append(Column(f"m{i}", label("sample.msd_of", group=head), "mean_sd"))
        rows = []
        t = self.table
        for var in pd.unique(t["variable"]):
            tv = t[t["variable"] == var]
            if tv["kind"].iloc[0] == "categorical":
                for cat in pd.unique(tv["category"]):
                    row = {"_group": str(var),
                           "item": label("sample.missing") if cat == "missing" else str(cat)}
                    for i, g in enumerate(self.groups):
                        r = tv[(tv["category"] == cat) & (tv["group"] == g)]
                        row[f"n{i}"] = int(r["n"].iloc[0]) if len(r) else 0
                        row[f"p{i}"] = float(r["percent"].iloc[0]) if len(r) else 0.0
                    rows.append(row)
            else:
                row = {"_group": str(var), "item": {"en": "M ± SD", "zh": "M ± SD"}}
                for i, g in enumerate(self.groups):
                    r = tv[tv["group"] == g].iloc[0]
                    row[f"n{i}"] = int(r["n"])
                    row[f"m{i}"] = (float(r["mean"]), float(r["sd"]))
                rows.append(row)
        tab = Table(key="sample", title=label("sample.title"), columns=cols, rows=rows,
                    notes=(Note(label("sample.note")),))
        return Document(label("sample.title"), (tab,))


def _first_rows(data: pd.DataFrame, wave: "str | None") -> pd.DataFrame:
    if "id" not in data.columns:
        raise DataError("the data has no 'id' column; one person must be counted once")
    if "wave" not in data.columns:
        if data["id"].duplicated().any():
            raise DataError("the data has no 'wave' column but ids repeat")
        return data
    order = ordered_waves(data["wave"]).cat.codes.to_numpy()
    if wave is not None:
        # the chosen wave first, then the others in wave order
        order = np.where(data["wave"].astype(str) == str(wave), -1, order)
    if not (data.index.is_unique and data.index.is_monotonic_increasing):
        d = data.assign(_order=order).sort_values("_order", kind="stable")
        return d[~d["id"].duplicated()].drop(columns="_order").sort_index()
    # Each person's first row in (wave order, position): a stable sort of the small wave
    # codes (radix) and a hash pass over the ids find the rows; only those are copied,
    # in their original order (= the index order here), instead of sorting the frame.
    perm = np.argsort(order, kind="stable")
    person = pd.factorize(data["id"], use_na_sentinel=False)[0]
    first = perm[~pd.Series(person[perm]).duplicated().to_numpy()]
    first.sort()
    return data.iloc[first]


def sample_description(responses, variables, group: "str | None" = None,
                       wave: "str | None" = "pre", *, categorical=(),
                       control: "str | None" = None) -> SampleDescription:
    """The sample description table (样本基本情况), per group and in total.

    Parameters
    ----------
    responses : Responses or DataFrame
        One row per person per wave with ``id`` (and ``wave``) and the variables.
    variables : str or list of str
        Columns to describe (gender, age, years of service, post ...).
    group : str, optional
        A group column: one column block per group, then the total.
    wave : str or None
        Each person is described by their row of this wave (default ``"pre"``), or, when
        they have none, by their first wave (pre < post < follow-up); None: the first
        wave of everyone. One person is counted once.
    categorical : sequence of str
        Numeric columns to treat as categories (codes).
    control : str, optional
        The control group's label: its block comes last, as in the other tables
        (by default a label such as "control", "waitlist" or 对照 is taken).

    Returns
    -------
    SampleDescription

    Notes
    -----
    Text, categorical and boolean columns are categorical: n and % per category (sorted
    as text), people without a value in a row ``missing``; percentages are of all the
    group's people, so they add to 100. Numeric columns: n, M, SD (n - 1), min and max
    over the people with a value (matches R ``table``, ``mean``, ``sd``, ``range``).
    People without a group value appear in the total only.

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup.analysis import sample_description
    >>> data = pd.read_csv("data/sample/qcity_long.csv", dtype={"id": str})
    >>> res = sample_description(data, ["gender", "age"], group="group")
    >>> res.n
    {'intervention': 24, 'control': 24, 'total': 48}
    >>> t = res.table
    >>> t[(t.variable == "gender") & (t.group == "total")][["category", "n"]].values.tolist()
    [['female', 10], ['male', 38]]
    """
    data = as_frame(responses)
    if isinstance(variables, str):
        variables = [variables]
    variables = list(variables)
    if not variables:
        raise ValueError("variables must name at least one column")
    missing = [c for c in variables + ([group] if group else []) if c not in data.columns]
    if missing:
        raise DataError(f"the data has no column {', '.join(map(repr, missing))}")
    people = _first_rows(data, wave).reset_index(drop=True)
    if group is not None:
        gcol = pd.Series(text_values(people[group]), dtype=object)
        groups = order_groups(pd.unique(gcol.dropna()), control)   # the control group last
    else:
        gcol = pd.Series([None] * len(people))
        groups = []
    sets = [(g, (gcol == g).to_numpy()) for g in groups]
    sets.append(("total", np.ones(len(people), dtype=bool)))
    rows = []
    for var in variables:
        col = people[var]
        numeric = (var not in set(categorical) and pd.api.types.is_numeric_dtype(col)
                   and not pd.api.types.is_bool_dtype(col))
        if numeric:
            x = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
            for g, m in sets:
                v = x[m]
                ok = v[~np.isnan(v)]
                nan = float("nan")
                rows.append({"variable": var, "kind": "numeric", "category": None,
                             "group": g, "n": int(ok.size), "percent": nan,
                             "mean": float(ok.mean()) if ok.size else nan,
                             "sd": float(ok.std(ddof=1)) if ok.size > 1 else nan,
                             "min": float(ok.min()) if ok.size else nan,
                             "max": float(ok.max()) if ok.size else nan,
                             "missing": int(np.isnan(v).sum())})
            continue
        txt = pd.Series(text_values(col), dtype=object)
        cats = sorted(set(pd.unique(txt.dropna())))
        has_missing = bool(txt.isna().any())
        for c in cats + (["missing"] if has_missing else []):
            hit = (txt.isna() if c == "missing" else txt == c).to_numpy()
            for g, m in sets:
                k = int((hit & m).sum())
                rows.append({"variable": var, "kind": "categorical", "category": c,
                             "group": g, "n": k,
                             "percent": 100.0 * k / m.sum() if m.sum() else float("nan")})
    table = pd.DataFrame(rows, columns=["variable", "kind", "category", "group", "n",
                                        "percent", "mean", "sd", "min", "max", "missing"])
    n = {g: int(m.sum()) for g, m in sets}
    return SampleDescription(table, n, group, groups + ["total"])

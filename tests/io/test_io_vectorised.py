"""The loader's vectorised helpers give exactly what the plain per-value code gave.

Each test keeps the slow, obviously-correct version (the code the helper replaced) and
compares on tricky input: NaN, duplicates, mixed types, full-width digits, blank and
whitespace-only text, personal data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stressgroup.io._read import identical_waves, identical_waves_of
from stressgroup.io._waves import wave_categorical


# ---------------------------------------------------------------------------
# identical_waves
# ---------------------------------------------------------------------------

def _identical_waves_slow(data: pd.DataFrame, item_ids) -> str | None:
    """The row-by-row version identical_waves replaced."""
    items = [c for c in item_ids if c in data.columns]
    if not items or "wave" not in data.columns:
        return None
    waves = [w for w in data["wave"].cat.categories if (data["wave"] == w).any()]
    if len(waves) < 2:
        return None
    first, second = waves[0], waves[1]
    a = data[data["wave"] == first].drop_duplicates("id").set_index("id")[items]
    b = data[data["wave"] == second].drop_duplicates("id").set_index("id")[items]
    ids = a.index.intersection(b.index)
    if len(ids) < 2:
        return None
    x, y = a.loc[ids].to_numpy(dtype=float), b.loc[ids].to_numpy(dtype=float)
    same = (x == y) | (np.isnan(x) & np.isnan(y))
    patterns = {tuple(np.nan_to_num(row, nan=-1e300)) for row in x}
    if not same.all() or np.isnan(x).all() or len(patterns) < 2:
        return None
    return (f"wave {second} is identical to wave {first} for all {len(ids)} people with both "
            "waves (every item answer equal): probably the same data loaded twice; every "
            "change is zero")


def _two_waves(pre: np.ndarray, post: np.ndarray, ids_pre, ids_post, waves=("pre", "post"),
               extra_rows=None) -> pd.DataFrame:
    k = pre.shape[1]
    items = [f"Q{j}" for j in range(k)]
    frame = pd.concat([
        pd.DataFrame({"id": list(ids_pre), "wave": waves[0], **dict(zip(items, pre.T))}),
        pd.DataFrame({"id": list(ids_post), "wave": waves[1], **dict(zip(items, post.T))}),
        *([extra_rows] if extra_rows is not None else [])], ignore_index=True)
    frame["id"] = frame["id"].astype("str")
    frame["wave"] = wave_categorical(frame["wave"].tolist())
    return frame


def _cases():
    rng = np.random.default_rng(11)
    x = rng.integers(1, 6, size=(30, 4)).astype(float)
    x[rng.random(x.shape) < 0.2] = np.nan
    ids = [f"{i:03d}" for i in range(30)]
    yield "identical", _two_waves(x, x.copy(), ids, ids)
    y = x.copy()
    y[4, 2] = 5.0 if y[4, 2] != 5.0 else 1.0
    yield "one answer differs", _two_waves(x, y, ids, ids)
    z = x.copy()
    z[7, 1] = np.nan if not np.isnan(z[7, 1]) else 3.0
    yield "NaN against a number", _two_waves(x, z, ids, ids)
    same = np.tile(x[:1], (30, 1))
    yield "everyone answers alike", _two_waves(same, same.copy(), ids, ids)
    yield "all missing", _two_waves(np.full((5, 3), np.nan), np.full((5, 3), np.nan),
                                    ids[:5], ids[:5])
    neg = np.array([[0.0, 1.0], [-0.0, 1.0], [0.0, 1.0]])
    yield "signed zeros are one pattern", _two_waves(neg, neg.copy(), ids[:3], ids[:3])
    neg2 = np.array([[0.0, np.nan], [-0.0, np.nan]])
    yield "signed zeros and NaN", _two_waves(neg2, neg2.copy(), ids[:2], ids[:2])
    # people in one wave only, a shuffled order, duplicated ids (first row counts)
    order = rng.permutation(30)
    yield "shuffled, partial overlap", _two_waves(
        x[:20], x[order][:25], ids[:20], [ids[i] for i in order[:25]])
    dup = pd.DataFrame({"id": ["000", "001"], "wave": ["post", "post"],
                        **{f"Q{j}": [9.0, 9.0] for j in range(4)}})
    yield "duplicate ids after the first", _two_waves(x, x.copy(), ids, ids, extra_rows=dup)
    dup_first = _two_waves(x, x.copy(), ids, ids)
    dup_first = pd.concat([dup_first.iloc[[35]].assign(Q0=-7.0), dup_first],
                          ignore_index=True)
    dup_first["wave"] = wave_categorical(dup_first["wave"].astype(str).tolist())
    yield "duplicate id first in the file", dup_first
    yield "one person in both", _two_waves(x[:3], x[:3].copy(), ids[:3], ["000", "x1", "x2"])
    three = _two_waves(x, x.copy(), ids, ids, extra_rows=pd.DataFrame(
        {"id": ids[:3], "wave": "follow-up", **{f"Q{j}": [1.0] * 3 for j in range(4)}}))
    yield "three waves", three
    yield "other labels", _two_waves(x, x.copy(), ids, ids, waves=("T9", "T10"))
    one = _two_waves(x, x.copy(), ids, ids)
    one["wave"] = wave_categorical(["pre"] * len(one))
    yield "one wave", one
    empty_cat = _two_waves(x, x.copy(), ids, ids)
    empty_cat["wave"] = pd.Categorical(empty_cat["wave"].astype(str),
                                       categories=["pre", "mid", "post"], ordered=True)
    yield "a category without rows", empty_cat
    big = np.array([[np.inf, 1.0], [np.finfo(float).max, 1.0]])
    yield "inf and the largest float", _two_waves(big, big.copy(), ids[:2], ids[:2])


@pytest.mark.parametrize("name,data", list(_cases()), ids=[c[0] for c in _cases()])
def test_identical_waves_matches_the_row_by_row_version(name, data):
    items = [c for c in data.columns if c.startswith("Q")]
    assert identical_waves(data, items) == _identical_waves_slow(data, items)
    assert identical_waves(data, items + ["absent"]) == _identical_waves_slow(data, items)
    assert identical_waves(data, []) is None


def test_identical_waves_found_once_at_load_and_reused():
    pre = pd.DataFrame({"id": ["1", "2", "3"], "Q1": ["1", "2", "3"], "Q2": ["2", "2", "5"]})
    from stressgroup.io import read_waves

    with pytest.warns(Warning, match="identical to wave pre"):
        r = read_waves({"pre": pre, "post": pre.copy()}, columns={"Q1": "Q1", "Q2": "Q2"})
    assert r._identical_waves[0] is r.data
    assert identical_waves_of(r) == r._identical_waves[1] == identical_waves(r.data, r.item_ids)
    # a Responses whose data was replaced is looked at again
    import dataclasses

    other = dataclasses.replace(r, data=r.data.iloc[:4].reset_index(drop=True))
    assert identical_waves_of(other) == identical_waves(other.data, other.item_ids)


# ---------------------------------------------------------------------------
# Excel cells as text
# ---------------------------------------------------------------------------

def _text_column_slow(values: np.ndarray) -> np.ndarray:
    from stressgroup.io._text import cell_text

    codes, uniques = pd.factorize(values, sort=False, use_na_sentinel=True)
    texts = np.array([cell_text(u) for u in uniques] + [""], dtype=object)
    return texts[codes]


def _column(values) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


@pytest.mark.parametrize("values", [
    ["a", "b", "a", "", " a"],
    [1.0, 2.5, np.nan, -0.0, 0.0, 1e16, 7.0, 1.0, float("inf"), 0.1 + 0.2],
    [-0.0, 0.0, 3.0],
    [np.float32(0.1), 2.0, np.nan],
    [1.0, "1", True, 1, None, np.nan, "x"],
    [True, False, True],
    [pd.Timestamp("2024-05-12 09:03:15"), pd.Timestamp("2024-05-12"), None],
    [np.nan, np.nan],
    ["３", "０08", "007"],
], ids=["text", "floats", "signed zeros", "float32", "mixed", "bools", "dates", "all NaN",
        "full-width"])
def test_text_column_matches_the_object_factorization(values):
    from stressgroup.io._sources import _text_column

    col = _column(values)
    assert _text_column(col).tolist() == _text_column_slow(col).tolist()


def test_an_excel_workbook_is_parsed_once_per_load(tmp_path, monkeypatch):
    from openpyxl import Workbook
    import python_calamine

    from stressgroup.io import read_survey

    wb = Workbook()
    ws = wb.active
    ws.append(["id", "wave", "score"])
    for i in range(5):
        ws.append([f"{i:02d}", "pre", i])
    path = tmp_path / "one.xlsx"
    wb.save(path)
    opened = []
    real = python_calamine.CalamineWorkbook.from_path

    def counting(p, *a, **k):
        opened.append(p)
        return real(p, *a, **k)

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", counting)
    r = read_survey(path)
    assert len(r) == 5 and len(opened) == 1
    read_survey(path)
    assert len(opened) == 2   # nothing is kept from one load to the next

"""The loader's vectorised helpers give exactly what the plain per-value code gave.

Each test keeps the slow, obviously-correct version (the code the helper replaced) and
compares on tricky input: NaN, duplicates, mixed types, full-width digits, blank and
whitespace-only text, personal data.
"""

from __future__ import annotations

import warnings

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
    import python_calamine
    from openpyxl import Workbook

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


# ---------------------------------------------------------------------------
# io._distinct: the text rules over many values at once
# ---------------------------------------------------------------------------

import re

from stressgroup.core.privacy import mask_personal, personal_kind
from stressgroup.io import _distinct as distinct
from stressgroup.io._text import is_missing, normalise_id

TRICKY = [
    "", " ", "\t", "  \n ", "\u3000", "\u00a0", "\x1c", "NA", "na", "Na", "nA", "N/A", "n/a ",
    " nan", "NaN", "NAN", ".", "-", "--", "...", "<NA>", "<na>", "<Na>", "ＮＡ", "\u3000NA",
    "N\u200bA", "na\u200b", "nana", "n a", "1", "0", "-1", "+1", "007", "０08", " 0 07 ",
    "A-1", "a\tb", "x y", "空", "(空)", "（空）", "-2", "非常符合", "ﬁ", "Ⅻ", "①", "١٢٣",
    "P0000001", "13712345678", "+8613712345678", "137 1234 5678", "137-1234-5678",
    "１３７１２３４５６７８", "11010119900101123X", "110101199001011234", "١" * 18,
    "192.168.0.1", "256.1.1.1", "1.2.3.4.5", "10.0.0", "a@b.cn", "a＠b.cn", "x@y", "@",
    "user@example.com", "张伟 13712345679", "call 13712345678 now", "ip 10.0.0.1",
    "2024/5/12 9:00:00", "2024-05-12T09:00:00+08:00", "out of range 1-5",
    "duplicate submission (kept row 12345)", "0123456789abcdef", "12345678901",
    "123456789012345678901", "1.2.3", "a.b.c.d", "x" * 40, "😀", "e\u0301", "\x01",
    "line\nbreak", "9" * 400,
]


def _groups(values):
    """The values alone, all together, and mixed into plain-ASCII company (the helpers
    take different paths for all-ASCII, spaced, non-ASCII and odd arrays)."""
    plain = [f"{i:06d}" for i in range(30)]
    yield [v] if isinstance(v := values, str) else list(values)
    yield plain + list(values)
    for v in values:
        yield [v]
        yield plain + [v] + plain[:3]
        yield [f"{i} x" for i in range(5)] + [v]
    yield list(values) + ["with\x00nul"]


def test_ascii_whitespace_is_what_python_strips_and_splits():
    space = re.compile(r"\s")
    for c in range(0x110000):
        ch = chr(c)
        assert bool(space.match(ch)) == ch.isspace() == (ch.strip() == "") \
            == (len(f"a{ch}b".split()) == 2), hex(c)
    assert set(distinct.ASCII_SPACE) == {chr(c) for c in range(128) if chr(c).isspace()}
    # ASCII text without whitespace is printable unless it holds a control character
    assert all((chr(c).isprintable() or chr(c).isspace() or c < 32 or c == 127)
               for c in range(128))


@pytest.mark.parametrize("k", range(len(TRICKY)))
def test_missing_and_stripped_match_is_missing(k):
    for values in _groups([TRICKY[k]]):
        stripped, blank = distinct.stripped_missing(values)
        assert blank.tolist() == [is_missing(v) for v in values]
        assert list(stripped) == [v.strip() for v in values]
        assert distinct.missing(values).tolist() == [is_missing(v) for v in values]


def test_the_rules_over_every_tricky_value_at_once():
    for values in _groups(TRICKY):
        assert distinct.missing(values).tolist() == [is_missing(v) for v in values]
        assert distinct.normalised_ids(values).tolist() == [normalise_id(v) for v in values]
        assert distinct.personal_kinds(values).tolist() == [
            personal_kind(v) if v else None for v in values]
        for func in (mask_personal, _report_mask("_mask_value"), _report_mask("_mask_id")):
            assert distinct.masked(values, func).tolist() == [func(v) for v in values]


def _report_mask(name):
    from stressgroup.io import _report

    return getattr(_report, name)


@pytest.mark.parametrize("k", range(len(TRICKY)))
def test_ids_kinds_and_masks_match_the_per_value_rules(k):
    for values in _groups([TRICKY[k]]):
        assert distinct.normalised_ids(values).tolist() == [normalise_id(v) for v in values]
        assert distinct.personal_kinds(values).tolist() == [
            personal_kind(v) if v else None for v in values]
        for func in (mask_personal, _report_mask("_mask_value"), _report_mask("_mask_id")):
            assert distinct.masked(values, func).tolist() == [func(v) for v in values]


def test_random_ids_match_the_per_value_rules():
    rng = np.random.default_rng(5)
    alphabet = list("0123456789 -+.Xx@aP\t") + ["０", "１", "\u3000", "张", "@"]
    values = ["".join(rng.choice(alphabet, size=rng.integers(0, 20))) for _ in range(3000)]
    values += [f"1{rng.integers(3, 10)}{rng.integers(10**8, 10**9)}" for _ in range(200)]
    assert distinct.missing(values).tolist() == [is_missing(v) for v in values]
    assert distinct.normalised_ids(values).tolist() == [normalise_id(v) for v in values]
    assert distinct.personal_kinds(values).tolist() == [
        personal_kind(v) if v else None for v in values]
    assert distinct.masked(values, mask_personal).tolist() == [mask_personal(v) for v in values]


@pytest.mark.parametrize("values", [
    ["b", "a", "b", "c"], [], ["x"], ["a", None, "a"], ["a", np.nan, "b", np.nan],
    ["1", 1, 1.0, True, "1"], [1, 2, 1], ["０", "0", "０"], ["é", "e\u0301", "é"],
], ids=["text", "empty", "one", "None", "NaN", "mixed", "ints", "full-width", "accents"])
def test_factorize_text_is_pandas_factorize(values):
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    codes, uniques = distinct.factorize_text(arr)
    want_codes, want_uniques = pd.factorize(arr, sort=False)
    assert codes.tolist() == want_codes.tolist()
    assert [type(u) for u in uniques] == [type(u) for u in want_uniques]
    assert list(uniques) == list(want_uniques)


# ---------------------------------------------------------------------------
# extras, submit times, duplicates, waves: the plain versions they replaced
# ---------------------------------------------------------------------------

def _extra_series_slow(values, *, as_text):
    from stressgroup.io._extras import _LEADING_ZERO_RE, _NUMBER_RE

    codes, uniques = pd.factorize(np.asarray(values, dtype=object), sort=False)
    stripped_u = [None if is_missing(u) else u.strip() for u in uniques]
    answered_u = [v for v in stripped_u if v is not None]
    missing_u = np.array([v is None for v in stripped_u] + [True], dtype=bool)
    any_missing = bool(missing_u[codes].any())
    if (not as_text and answered_u
            and all(_NUMBER_RE.fullmatch(v) for v in answered_u)
            and not any(_LEADING_ZERO_RE.match(v) for v in answered_u)):
        nums_u = np.array([np.nan if v is None else float(v) for v in stripped_u] + [np.nan])
        numbers = nums_u[codes]
        if not any_missing and all(float(v).is_integer() for v in answered_u):
            return pd.Series(numbers.astype("int64"))
        return pd.Series(numbers, dtype="float64")
    if not answered_u:
        return pd.Series([np.nan] * len(values), dtype="float64")
    obj_u = np.array(stripped_u + [None], dtype=object)
    return pd.Series(obj_u[codes], dtype=object)


def _number_words(max_len=4):
    import itertools

    for n in range(1, max_len + 1):
        for t in itertools.product("01+-.", repeat=n):
            yield "".join(t)


EXTRA_COLUMNS = [
    ["1", "2", "3"], ["1", "2", ""], ["1", " 2 ", "NA"], ["007", "008"], ["0", "1"],
    ["0.5", "1"], ["+0", "1"], ["-0", "3"], ["00", "1"], ["1.", ".5", "+.5", "-2"],
    ["1e5", "2"], ["inf", "1"], ["nan", "1"], ["1_000", "2"], ["١٢", "3"], ["٠١", "3"],
    ["9" * 400, "1"], ["-", ".", "1"], [".", "-"], ["", " "], ["a", "b", "a"],
    ["2024/5/12 9:00:00", "2024/5/12 9:00:37", ""], ["１", "2"], ["1.5", "2.5", "NA"],
    ["+1", "-1", "0"], ["1.2.3", "4"], [str(i) for i in range(3000)],
    [f"{i}.25" for i in range(500)] + ["NA"], ["A ", " B", "A"],
]


@pytest.mark.parametrize("k", range(len(EXTRA_COLUMNS)))
@pytest.mark.parametrize("as_text", [False, True])
def test_extra_series_matches_the_per_value_version(k, as_text):
    from stressgroup.io._extras import extra_series

    values = np.array(EXTRA_COLUMNS[k] * 2, dtype=object)
    pd.testing.assert_series_equal(extra_series(values, as_text=as_text),
                                   _extra_series_slow(values, as_text=as_text))


def test_extra_series_numbers_exhaustively():
    from stressgroup.io._extras import extra_series

    words = list(_number_words())
    for w in words:   # each short word of digits, signs and points, with a plain number
        for values in ([w], [w, "12"], [w, "12", ""]):
            arr = np.array(values, dtype=object)
            pd.testing.assert_series_equal(extra_series(arr, as_text=False),
                                           _extra_series_slow(arr, as_text=False), obj=w)


def _parse_times_slow(values):
    from stressgroup.io._text import nfkc

    texts = pd.Series([None if is_missing(v) else nfkc(v).strip() for v in values], dtype=object)
    best = None
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "ISO8601"):
        parsed = pd.to_datetime(texts, errors="coerce", format=fmt)
        if best is None or parsed.notna().sum() > best.notna().sum():
            best = parsed
        if best.notna().sum() == texts.notna().sum():
            break
    if best.notna().sum() < texts.notna().sum():
        rest = best.isna() & texts.notna()
        best[rest] = pd.to_datetime(texts[rest], errors="coerce", format="mixed")
    return best.to_numpy(dtype="datetime64[ns]")


TIME_COLUMNS = [
    ["2024/5/12 9:03:15", "2024/5/12 10:00:00", ""],
    ["2024-05-12 09:03:15", "2024/5/12 9:03:15", "2024-05-12 09:03:15", "2024-05-12 09:03:15"],
    # one format reads more distinct values, the other more rows: rows decide
    ["2024/5/12 9:00:00"] * 5 + ["2024-05-12 09:00:00", "2024-05-13 09:00:00"],
    ["2024-05-12T09:03:15", "May 12 2024", "garbage", "NA", "１２", " 2024/5/12 9:03:15 "],
    ["２０２４/5/12 9:03:15", "2024/5/12 9:03:15"], ["", " "], [], ["garbage"],
    ["2024-05-12 09:03", "2024-05-12", "12/05/2024 10:00"],
    # every value read by the first format, some only once stripped or normalised
    [" 2024/5/12 9:03:15", "2024/5/12 9:03:16 ", "2024/5/12 9:03:17"],
    ["２０２４/5/12 9:03:15", "2024/５/12 9:03:15", "-", "2024/5/12 9:03:15"],
    ["2024/2/30 9:00:00", "2024/2/29 9:00:00", "2024/5/12 24:00:00"],
]


@pytest.mark.parametrize("k", range(len(TIME_COLUMNS)))
def test_parse_times_by_distinct_values_matches_row_by_row(k):
    from stressgroup.io._duplicates import parse_times

    values = np.array(TIME_COLUMNS[k], dtype=object)
    want = _parse_times_slow(values)
    np.testing.assert_array_equal(parse_times(values), want)
    codes, uniques = pd.factorize(values, sort=False)
    clean = distinct.stripped_missing(uniques.tolist())
    np.testing.assert_array_equal(parse_times(values, fact=(codes, uniques), clean=clean), want)
    if len(values) > 2:   # a subset of the rows, with the column's distinct values
        sub = np.arange(len(values)) % 2 == 0
        np.testing.assert_array_equal(
            parse_times(values[sub], fact=(codes[sub], uniques), clean=clean),
            _parse_times_slow(values[sub]))


def test_duplicated_keys_match_pandas():
    from stressgroup.io._duplicates import _duplicated

    rng = np.random.default_rng(2)
    for _ in range(30):
        n = int(rng.integers(0, 40))
        ids = np.array(rng.choice(["a", "b", "c", "", "d"], size=n), dtype=object)
        waves = np.array(rng.choice(["pre", "post", None], size=n), dtype=object)
        items = np.array(rng.choice(["I1", "I2"], size=n), dtype=object)
        for cols in ([ids], [ids, waves], [ids, waves, items], [ids, np.full(n, "pre", object)]):
            want = pd.DataFrame({str(k): c for k, c in enumerate(cols)}).duplicated(keep=False)
            assert _duplicated(cols).tolist() == want.tolist()
        codes = pd.factorize(ids)[0].astype(np.int64)
        assert _duplicated([codes, waves]).tolist() == \
            pd.DataFrame({"i": ids, "w": waves}).duplicated(keep=False).tolist()


def _wave_categorical_slow(values):
    from stressgroup.core.vocab import WAVE_ORDER

    present = list(dict.fromkeys(values))
    known = [w for w in WAVE_ORDER if w in present]
    other = [w for w in present if w not in WAVE_ORDER]
    return pd.Categorical(list(values), categories=known + other, ordered=True)


@pytest.mark.parametrize("values", [
    ["pre", "post", "pre"], ["post", "pre"], [], ["T9", "pre", "T10", "T9"], ["follow-up"],
    ["post", "follow-up", "x", "pre"],
])
def test_wave_categoricals_match_the_plain_construction(values):
    from stressgroup.io._waves import wave_categorical, wave_categorical_codes

    want = _wave_categorical_slow(values)
    pd.testing.assert_extension_array_equal(wave_categorical(values), want)
    pd.testing.assert_extension_array_equal(wave_categorical(np.array(values, dtype=object)),
                                            want)
    labels = list(dict.fromkeys(values))[::-1] + ["unused"]
    codes = np.array([labels.index(v) for v in values], dtype=np.int64)
    pd.testing.assert_extension_array_equal(wave_categorical_codes(codes, labels), want)


# ---------------------------------------------------------------------------
# the CSV reader: first lines, bytes parsed as the decoded text
# ---------------------------------------------------------------------------

def test_first_lines_match_splitlines():
    from stressgroup.io._sources import _first_lines

    chunk = 16 * 1024
    texts = ["", "a", "a\nb", "a\r\nb\r\n" * 3, "x" * (chunk - 1) + "\r\n" + "y\n" * 30,
             ("z" * 700 + "\r\n") * 60, "a\u2028b\x0cc\rd\n" * 20, "q" * (3 * chunk) + "\n1\n2"]
    for text in texts:
        for n in (1, 20):
            assert _first_lines(text, n) == text.splitlines()[:n]


@pytest.mark.parametrize("body", [
    b"id,wave,Q\n" + b"".join(b"%d,pre,%d\n" % (i, i % 5) for i in range(40)),
    b"\xef\xbb\xbfid,wave,Q\r\n" + b"".join(b"%d,pre,%d\r\n" % (i, i % 5) for i in range(40)),
    b"\xef\xbb\xbf\xef\xbb\xbfid;wave;Q\n" + b"".join(b"%d;pre;x\n" % i for i in range(40)),
    "编号,wave,Q\n".encode() + "".join(f'{i},前测,"a\nb{i}"\n' for i in range(40)).encode(),
])
def test_utf8_bytes_parse_as_the_decoded_text(tmp_path, body):
    from stressgroup.io._sources import _csv_columns, _decode, _utf8_columns

    fast = _utf8_columns(body, ".csv", None)
    assert fast is not None
    columns, used, sep = fast
    text, used_text = _decode(body, "f", None)
    assert used == used_text
    slow = _csv_columns(text, sep, "f")
    assert [np.asarray(c).tolist() for c in columns] == [np.asarray(c).tolist() for c in slow]


def test_make_table_from_columns_is_the_table_from_records():
    from stressgroup.io._report import make_table

    records = [
        {"file": "f", "row": 2, "column": "Q1", "id": "007", "value": "13712345678",
         "reason": "not a number"},
        {"file": "f", "row": 3, "column": "Q1", "id": None, "value": "x",
         "reason": "unknown answer 'a@b.cn'"},
        {"file": "f", "row": 4, "column": "Q2", "id": "13712345679", "value": "7",
         "reason": "out of range 1-5"},
    ]
    cols = {k: [r[k] for r in records] for k in records[0]}
    pd.testing.assert_frame_equal(make_table("cells", cols), make_table("cells", records))
    no_ids = [{**r, "id": None} for r in records]
    pd.testing.assert_frame_equal(make_table("cells", {k: [r[k] for r in no_ids] for k in cols}),
                                  make_table("cells", no_ids))


# ---------------------------------------------------------------------------
# answers and personal-data columns
# ---------------------------------------------------------------------------

def _convert_items_slow(values, scale, *, checked, sentinels=None):
    """The per-cell event lists of the convert_items the array version replaced."""
    from stressgroup.io._convert import _convert_one
    from stressgroup.io._text import nfkc

    codes, uniques = pd.factorize(np.asarray(values, dtype=object), sort=False)
    k = len(uniques)
    nums = np.full(k + 1, np.nan)
    reasons = [None] * (k + 1)
    is_mark = np.zeros(k + 1, dtype=bool)
    by_label = np.zeros(k + 1, dtype=bool)
    given_u = np.zeros(k + 1, dtype=bool)
    marks = {nfkc(key).strip(): why for key, why in (sentinels or {}).items()}
    for j, raw in enumerate(uniques):
        key = nfkc(raw).strip()
        if key in marks:
            reasons[j] = marks[key]
            is_mark[j] = True
            continue
        number, reason, label = _convert_one(raw, scale, checked=checked)
        given_u[j] = not is_missing(raw)
        if reason is not None:
            reasons[j] = reason
        else:
            nums[j] = number
            by_label[j] = label
    problems, marked = [], []
    for i in range(len(values)):
        j = codes[i]
        if reasons[j] is not None:
            (marked if is_mark[j] else problems).append((i, values[i], reasons[j]))
    counts = np.bincount(codes[codes >= 0], minlength=k + 1)
    return nums[codes], given_u[codes], problems, marked, int(counts[by_label].sum())


@pytest.mark.parametrize("checked", [True, False])
def test_convert_items_events_match_the_per_cell_lists(inst3, checked):
    from stressgroup.io._convert import convert_by_item, convert_items
    from stressgroup.io._scale import Scale

    scale = Scale.from_instrument(inst3)
    cells = ["1", "3", "７", "", "NA", "-2", "非常符合", "比较付合", "2.5", "1┋2", "(空)",
             "4 比较符合", "9", " 5 ", "-3", "abc"]
    rng = np.random.default_rng(4)
    values = np.array(rng.choice(cells, size=300), dtype=object)
    sentinels = {"-2": "left blank (空)", "(空)": "left blank (空)", "-3": "skipped"}
    got = convert_items(values, scale, checked=checked, sentinels=sentinels)
    nums, given, problems, marked, n_labels = _convert_items_slow(
        values, scale, checked=checked, sentinels=sentinels)
    np.testing.assert_array_equal(got.numbers, nums)
    np.testing.assert_array_equal(got.given, given)
    assert got.problems == problems and got.marked == marked and got.n_labels == n_labels
    # the tidy version: each answer by its own item's scale, events in row order
    items = np.array(rng.choice(["A1", "A2", "nope"], size=300), dtype=object)
    items[items == "nope"] = None
    tidy = convert_by_item(values, items, scale, checked=checked, sentinels=sentinels)
    assert [p[0] for p in tidy.problems] == sorted(p[0] for p in tidy.problems)
    assert sorted(tidy.problems) == sorted(problems) and sorted(tidy.marked) == sorted(marked)


def _looks_like_pii_slow(values):
    from stressgroup.io._text import personal_kind

    codes, uniques = pd.factorize(np.asarray(values, dtype=object), sort=False)
    if not len(uniques):
        return None
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    limit = min(len(uniques), 2000)
    kinds, answered = {}, 0
    for u, n in zip(uniques[:limit], counts[:limit]):
        if is_missing(u):
            continue
        answered += int(n)
        k = personal_kind(u)
        if k:
            kinds[k] = kinds.get(k, 0) + int(n)
    if not kinds:
        return None
    kind, count = max(kinds.items(), key=lambda kv: kv[1])
    return kind if count > answered / 2 else None


def test_looks_like_pii_matches_the_per_value_version():
    from stressgroup.io._columns import looks_like_pii

    rng = np.random.default_rng(9)
    phones = [f"13{rng.integers(10**8, 10**9)}" for _ in range(3000)]
    columns = [
        phones, phones[:10] + ["x"] * 20, ["", "NA"] * 5 + phones[:11],
        [f"{i}" for i in range(2500)] + phones, phones[:2100] + ["a"] * 5000,
        [f"u{i}@ex.cn" for i in range(50)] + ["", " "], ["192.168.0.1", "10.0.0.1", "x"],
        TRICKY, [],
    ]
    for values in columns:
        arr = np.array(values, dtype=object)
        assert looks_like_pii(arr) == _looks_like_pii_slow(arr)
        assert looks_like_pii(arr, fact=pd.factorize(arr, sort=False)) == \
            _looks_like_pii_slow(arr)


# ---------------------------------------------------------------------------
# the grid reader: blank rows, footers, unnamed columns, column by column
# ---------------------------------------------------------------------------

def _from_grid_slow(grid, *, file, source, first_row):
    """The grid reader before it looked at cells column by column (every column factorized)."""
    from stressgroup.core.errors import DataError
    from stressgroup.io._sources import (
        _NOTE_RE,
        FOOTER_REASON,
        RawTable,
        _as_grid,
        _column_letter,
        _find_header,
    )

    def fact_nonblank(column):
        codes, uniques = pd.factorize(column, sort=False)
        keep = np.fromiter((bool(str(u).strip()) for u in uniques), dtype=bool,
                           count=len(uniques))
        return np.append(keep, False)[codes], codes, uniques

    arr = _as_grid(grid)
    head_n = min(len(arr), 60)
    filled = np.array([[bool(str(c).strip()) for c in r] for r in arr[:head_n]],
                      dtype=bool).reshape(head_n, arr.shape[1] if arr.ndim == 2 else 0)
    counts = filled.sum(axis=1) if filled.size else np.zeros(head_n, dtype=np.int64)
    if not counts.any() and len(arr) > head_n:
        filled = np.column_stack([fact_nonblank(arr[:, j])[0] for j in range(arr.shape[1])])
        counts = filled.sum(axis=1)
    if not counts.any():
        raise DataError(f"{file} is empty")
    start = _find_header(filled, counts)
    notes = []
    skipped_above = [first_row + i for i in range(start) if counts[i]]
    if skipped_above:
        notes.append(f"{file}: the header is row {first_row + start}; row(s) "
                     f"{', '.join(map(str, skipped_above))} above it (a title or group "
                     "headers) were skipped")
    header = [c.replace("\ufeff", "").strip() for c in arr[start]]
    body = arr[start + 1:]
    facts = [fact_nonblank(body[:, j]) for j in range(body.shape[1])]
    bfilled = (np.column_stack([f[0] for f in facts]) if facts
               else np.zeros((len(body), 0), dtype=bool))
    row_numbers = np.arange(len(body), dtype=np.int64) + first_row + start + 1
    blank = ~bfilled.any(axis=1) if len(body) else np.zeros(0, dtype=bool)
    if blank.any():
        notes.append(f"{file}: {int(blank.sum())} blank rows skipped (not counted as rows read)")
    body, bfilled = body[~blank], bfilled[~blank]
    if blank.any():
        facts = [(f[0][~blank], f[1][~blank], f[2]) for f in facts]
    row_numbers = row_numbers[~blank]
    if not len(body):
        raise DataError(f"{file} has a header row (row {first_row + start}) but no data rows.")
    named = [j for j, h in enumerate(header) if h]
    first_col = named[0] if named else 0
    footer = np.zeros(len(body), dtype=bool)
    if len(header) - first_col >= 4:
        for i in np.flatnonzero(~bfilled[:, first_col + 2:].any(axis=1)):
            texts = [str(body[i, j]) for j in np.flatnonzero(bfilled[i])]
            if any(_NOTE_RE.search(t) or len(t) > 20 for t in texts):
                footer[i] = True
    real = ~footer
    columns, keep, seen = [], [], {}
    for j, name in enumerate(header):
        if not name:
            if not bfilled[real, j].any():
                continue
            name = f"Unnamed: {_column_letter(j)}"
        if name in seen:
            seen[name] += 1
            new = f"{name}.{seen[name]}"
            notes.append(f"{file}: column {name!r} appears more than once; "
                         f"column {_column_letter(j)} was renamed {new!r}")
            name = new
        else:
            seen[name] = 0
        columns.append(name)
        keep.append(j)
    cells = {name: np.ascontiguousarray(body[:, j]) for name, j in zip(columns, keep)}
    meta = {"header_row": first_row + start,
            "facts": {name: (facts[j][1], facts[j][2]) for name, j in zip(columns, keep)}}
    if footer.any():
        meta["exclude"] = {int(r): FOOTER_REASON for r in row_numbers[footer]}
    return RawTable(file=file, source=source, columns=columns, headers=[header[j] for j in keep],
                    cells=cells, rows=row_numbers, notes=notes, meta=meta)


def _random_grids():
    rng = np.random.default_rng(21)
    words = ["", "", " ", "\u3000", "1", "2", "a", "制表人：王小明", "x" * 25, "2024年6月", "NA"]
    for k in range(60):
        width = int(rng.integers(1, 8))
        n = int(rng.integers(1, 30 if k % 10 else 90))
        grid = [[str(rng.choice(words)) for _ in range(width)] for _ in range(n)]
        if k % 3:   # a header somewhere near the top, maybe a title above it
            grid.insert(int(rng.integers(0, 3)), [f"h{j}" if rng.random() < 0.8 else ""
                                                  for j in range(width)])
        if k % 4 == 0:
            grid.append(["制表人：张三 2024年6月"] + [""] * (width - 1))
        if k % 5 == 0:
            grid[int(rng.integers(0, len(grid)))] = ["  "] * width
        if k % 7 == 0:
            grid = [[""] * width for _ in range(62)] + grid
        yield grid


@pytest.mark.parametrize("k", range(60))
def test_grid_reader_matches_the_table_it_made_before(k):
    from stressgroup.core.errors import DataError
    from stressgroup.io._sources import _from_grid, factorized, factorized_exactly

    grid = list(_random_grids())[k]
    try:
        want = _from_grid_slow(grid, file="f", source="csv", first_row=1)
    except DataError as exc:
        for make in (lambda: _from_grid(grid, file="f", source="csv", first_row=1),
                     lambda: _from_grid(None, file="f", source="csv", first_row=1, columns=[
                         np.array([r[j] for r in grid], dtype=object)
                         for j in range(len(grid[0]))])):
            with pytest.raises(DataError, match=re.escape(str(exc).split(".")[0][:30])):
                make()
        return
    width = len(grid[0])
    as_columns = [np.array([r[j] for r in grid], dtype=object) for j in range(width)]
    for got in (_from_grid(grid, file="f", source="csv", first_row=1),
                _from_grid(None, file="f", source="csv", first_row=1, columns=as_columns)):
        assert got.columns == want.columns and got.headers == want.headers
        assert got.notes == want.notes
        np.testing.assert_array_equal(got.rows, want.rows)
        assert got.meta.get("exclude") == want.meta.get("exclude")
        assert got.meta["header_row"] == want.meta["header_row"]
        for c in want.columns:
            assert got.cells[c].tolist() == want.cells[c].tolist()
            codes, uniques = factorized(got, c)
            assert codes.tolist() == want.meta["facts"][c][0].tolist()
            assert list(uniques) == list(want.meta["facts"][c][1])
            exact = factorized_exactly(got, c)
            fresh = pd.factorize(want.cells[c], sort=False)
            if exact is not None:
                assert exact[0].tolist() == fresh[0].tolist()
                assert list(exact[1]) == list(fresh[1])


# ---------------------------------------------------------------------------
# large files: factorizing by address, the CSV read in pieces, released columns
# ---------------------------------------------------------------------------

def _few_valued(n: int, shared: bool, seed: int = 0) -> np.ndarray:
    """``n`` answers of a few distinct texts; equal texts one object each (as the CSV
    parser gives them) or not (built apart)."""
    words = ["1", "2", "3", "10", "非常同意", "", " 3", "abc"]
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(words), n)
    out = np.empty(n, dtype=object)
    out[:] = [words[k] if shared or i % 3 else "".join(list(words[k]))
              for i, k in enumerate(picks.tolist())]
    return out


@pytest.mark.parametrize("shared", [True, False])
@pytest.mark.parametrize("odd", [None, "None", "NaN", "int"])
def test_factorize_text_by_address_is_pandas_factorize(shared, odd):
    values = _few_valued(40_000, shared)
    if odd is not None:
        values[len(values) // 2] = {"None": None, "NaN": np.nan, "int": 3}[odd]
    codes, uniques = distinct.factorize_text(values)
    want_codes, want_uniques = pd.factorize(values, sort=False)
    assert codes.tolist() == want_codes.tolist()
    assert list(uniques) == list(want_uniques)
    if shared and odd is None:   # the fast path was taken, and its codes are small
        from pandas._libs import hashtable

        assert distinct._by_address(values, hashtable) is not None


def test_stripped_missing_with_whitespace_at_the_ends():
    import random

    from stressgroup.io._text import is_missing

    rnd = random.Random(0)
    chars = ["a", " ", "\u3000", "x", "N", "A", "/", "-", "\t", "é", "\n", "\x85", "1", "Ｎ"]
    for _ in range(2000):
        values = ["".join(rnd.choice(chars) for _ in range(rnd.randint(0, 4)))
                  for _ in range(rnd.randint(1, 6))]
        stripped, miss = distinct.stripped_missing(values)
        assert list(stripped) == [v.strip() for v in values]
        assert miss.tolist() == [is_missing(v) for v in values]
        assert distinct.Texts(values).edge_space() == any(v != v.strip() for v in values)


def test_digit_numbers_are_float_of_each_value():
    import random

    from stressgroup.io._extras import _digit_numbers

    rnd = random.Random(1)
    for _ in range(1000):
        values = ["".join(rnd.choice("0123456789") for _ in range(rnd.randint(1, 18)))
                  for _ in range(rnd.randint(1, 8))]
        assert _digit_numbers(distinct.Texts(values)).tolist() == [float(v) for v in values]
    for bad in (["1", ""], ["1a"], ["+1"], ["1.5"], ["1" * 19], ["１"], ["-1"]):
        assert _digit_numbers(distinct.Texts(bad)) is None


def test_a_csv_read_in_pieces_is_the_csv_read_whole(tmp_path, monkeypatch):
    from stressgroup.io import _sources

    lines = ["id,wave,Q1,note"]
    for i in range(60):
        note = '"two\nlines"' if i % 7 == 0 else ("" if i % 5 else " x ")
        lines.append(f"{i:03d},{'pre' if i % 2 else 'post'},{i % 6},{note}")
        if i % 11 == 0:
            lines.append("")   # a blank line
    lines.append("999,pre")    # a short row
    path = tmp_path / "pieces.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = _sources.read_source(path)
    for rows in (1, 4, 7, 50):
        monkeypatch.setattr(_sources, "_CHUNK_ROWS", rows)
        pieces = _sources.read_source(path)
        assert pieces.columns == whole.columns and pieces.notes == whole.notes
        np.testing.assert_array_equal(pieces.rows, whole.rows)
        for c in whole.columns:
            assert pieces.cells[c].tolist() == whole.cells[c].tolist()


@pytest.mark.parametrize("coded_max", [2, 5, 4096])
@pytest.mark.parametrize("title", [False, True])
@pytest.mark.parametrize("blank", [False, True])
def test_a_csv_read_in_pieces_is_factorized_as_the_csv_read_whole(tmp_path, monkeypatch,
                                                                  coded_max, title, blank):
    """Pieces coded as they are read give each column the codes and distinct values that
    factorizing the whole column gives (title rows above the header, the header's own
    text recurring below it, short rows padded, a column turning to text midway)."""
    from stressgroup.io import _sources
    from stressgroup.io._distinct import factorize_text

    lines = ["2024 survey,,,,"] if title else []
    lines.append("id,wave,1,note,Q2")
    for i in range(80):
        note = "note" if i % 9 == 0 else ("" if i % 4 else f"n{i % 7}")
        q2 = "" if i == 70 else str(i // 10)   # a new value in a late piece
        lines.append(f"{i:03d},{'pre' if i % 2 else 'post'},{i % 3},{note},{q2}")
        if blank and i % 13 == 0:
            lines.append("")
    lines.append("999,pre")   # a short row
    path = tmp_path / "coded.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = _sources.read_source(path)
    monkeypatch.setattr(_sources, "_CODED_MAX", coded_max)
    for rows in (3, 8, 25):
        monkeypatch.setattr(_sources, "_CHUNK_ROWS", rows)
        pieces = _sources.read_source(path)
        assert pieces.columns == whole.columns and pieces.notes == whole.notes
        np.testing.assert_array_equal(pieces.rows, whole.rows)
        exact = not pieces.meta.get("_factorized_before_blank_rows")
        assert exact != blank
        for c in whole.columns:
            assert pieces.cells[c].tolist() == whole.cells[c].tolist()
            codes, uniques = _sources.factorized(pieces, c)
            if exact:
                want_codes, want_uniques = factorize_text(whole.cells[c])
                assert list(uniques) == list(want_uniques), c
                assert codes.tolist() == want_codes.tolist(), c
            else:   # blank rows dropped after coding: the codes still name the cells
                assert np.asarray(uniques, dtype=object)[codes].tolist() == \
                    whole.cells[c].tolist()


def test_body_codes_from_the_whole_column():
    from stressgroup.io._distinct import factorize_text
    from stressgroup.io._sources import _body_fact

    rnd = np.random.default_rng(5)
    for _ in range(300):
        values = rnd.choice(list("abcde"), size=rnd.integers(2, 12)).astype(object)
        codes, uniques = factorize_text(values)
        for start in range(len(values)):
            got_codes, got_uniques = _body_fact(codes, uniques, start)
            want_codes, want_uniques = factorize_text(values[start:])
            assert list(got_uniques) == list(want_uniques)
            assert got_codes.tolist() == want_codes.tolist()


def test_lines_counted_only_when_the_file_may_need_pieces():
    from stressgroup.io._sources import _CHUNK_ROWS, _lines_of

    small = b"id,Q1\n" + b"".join(b"%d,1\n" % i for i in range(100))
    assert _lines_of(small) == small.count(b"\n") + 1       # under 64 KiB: counted
    many = b"id,Q1\n" + b"1,2\n" * (3 * _CHUNK_ROWS)
    assert _lines_of(many) == many.count(b"\n") + 1        # may need pieces: counted
    few = b"id,Q1\n" + b"1,2345678901234567890123456789\n" * 20_000
    assert _lines_of(few) is None                          # clearly one piece
    assert _lines_of(few.decode()) is None


def test_a_file_whose_lines_were_underestimated_is_read_whole(tmp_path, monkeypatch):
    """A long header makes the first 64 KiB look sparse: the file is read in pieces after
    all, every row kept."""
    from stressgroup.io import _sources

    header = "id," + ",".join(f"Q{j} " + "long question text " * 200 for j in range(20))
    body = "".join(f"{i}," + ",".join(str((i + j) % 5) for j in range(20)) + "\n"
                   for i in range(3000))
    path = tmp_path / "sparse.csv"
    path.write_text(header + "\n" + body, encoding="utf-8")
    monkeypatch.setattr(_sources, "_CHUNK_ROWS", 500)
    assert _sources._lines_of(path.read_bytes()) is None
    raw = _sources.read_source(path)
    assert raw.n_rows == 3000 and raw.cells[raw.columns[0]][-1] == "2999"

def test_a_released_column_is_rebuilt_when_asked_for(tmp_path):
    from stressgroup.io import _sources

    path = tmp_path / "r.csv"
    path.write_text("id,Q1\n" + "".join(f"{i},{i % 3}\n" for i in range(50)), encoding="utf-8")
    raw = _sources.read_source(path)
    before = raw.cells["Q1"].tolist()
    codes, uniques = _sources.factorized(raw, "Q1")
    _sources.release(raw, "Q1")
    assert "Q1" in raw.cells and raw.cells.get("Q1") is not None
    assert raw.cells["Q1"].tolist() == before
    again = _sources.factorized(raw, "Q1")
    assert again[0].tolist() == codes.tolist() and list(again[1]) == list(uniques)


@pytest.mark.parametrize("released", [False, True])
def test_new_cells_drop_the_codes_cached_of_the_old(tmp_path, released):
    """A reader that changes a column (REDCap's carried demographics) gets the codes of
    the new cells, whether the old were cached as text or held as codes only."""
    from stressgroup.io import _sources

    path = tmp_path / "r.csv"
    path.write_text("id,sex\n" + "".join(f"{i},{'' if i % 2 else 'f'}\n" for i in range(40)),
                    encoding="utf-8")
    raw = _sources.read_source(path)
    _sources.factorized(raw, "sex")
    if released:
        _sources.release(raw, "sex")
    new = np.array(["m"] * 40, dtype=object)
    _sources.replace_cells(raw, "sex", new)
    codes, uniques = _sources.factorized(raw, "sex")
    assert list(uniques) == ["m"] and codes.tolist() == [0] * 40
    assert raw.cells["sex"] is new


# -- personal-data columns parsed as bytes ----------------------------------------------

def _wjx_like(n=60, ip=lambda i: f"10.0.{i % 250}.{i % 7}(浙江-杭州)", sep=",", eol="\r\n"):
    head = sep.join(["序号", "提交答卷时间", "来自IP", "1、工号", "2、您的性别"])
    rows = [sep.join([str(i + 1), f"2024/5/12 9:{i % 60:02d}:00", ip(i), f"{i:06d}", str(i % 2 + 1)])
            for i in range(n)]
    return (head + eol + eol.join(rows) + eol).encode("utf-8")


def _read_both(tmp_path, monkeypatch, data: bytes, name="f.csv"):
    """read_source of ``data`` with its personal columns as bytes, and without."""
    from stressgroup.io import _sources

    path = tmp_path / name
    path.write_bytes(data)
    fast = _sources.read_source(path)
    with monkeypatch.context() as m:
        m.setattr(_sources, "_column_types", lambda body, sep: None)
        plain = _sources.read_source(path)
    return fast, plain


def _same_tables(a, b):
    assert (a.columns, a.headers, a.rows.tolist(), a.encoding, a.notes) == \
        (b.columns, b.headers, b.rows.tolist(), b.encoding, b.notes)
    for c in a.columns:
        assert np.asarray(a.cells[c]).tolist() == np.asarray(b.cells[c]).tolist(), c


LONG_IP = "10.1.2.3(" + "浙江省杭州市" * 30 + ")"

PERSONAL_FILES = {
    "wjx": _wjx_like(),
    "lf": _wjx_like(eol="\n"),
    "a cell longer than the first rows'": _wjx_like(
        n=200, ip=lambda i: LONG_IP if i == 150 else "1.2.3.4"),
    "an ASCII cell longer than the first rows'": _wjx_like(
        n=200, ip=lambda i: "1.2.3.4" * 20 if i == 150 else "1.2.3.4"),
    # valid GBK, not UTF-8 (past the first rows), though every byte outside that column
    # is ASCII
    "GBK bytes in that column only": "id,time,IP,Q1\n".encode() + "".join(
        f"{i},9:00,10.0.0.{i}{'(浙江)' if i > 15000 else ''},{i % 5}\n"
        for i in range(16000)).encode("gbk"),
    "quoted cells": _wjx_like(ip=lambda i: f'"1.2.3.{i}, 杭州\n滨江"' if i % 3 else "1.2.3.4"),
    "quoted cells on one line": _wjx_like(ip=lambda i: f'"1.2.3.{i}, 杭州"' if i % 3 else "1.2.3.4"),
    "short rows and blank lines": _wjx_like() + b"61,2024/5/12 9:00:00\r\n\r\n\r\n62\r\n",
    "the column last, short rows": ("id,b,手机号\n" + "1,2,138\n3\n4,5,139\n" * 10).encode(),
    "a title row": "2024年民警压力调查\n".encode() + _wjx_like(),
    "a NUL byte": _wjx_like().replace(b"000003", b"000\x003"),
    "tabs": _wjx_like(sep="\t"),
    "empty column": ("手机号,x\n,1\n,2\n").encode(),
    # short columns (coded from 8-byte cells): a later cell of 7, 8 or more bytes, text
    # of several bytes per character, a column of many distinct values, an empty one
    "short, then longer": ("id,Q1,Q2\n" + "".join(
        f"{i},{i % 5},{'abcdefg' if i == 70 else 'abcdefgh' if i == 80 else 'x' * 30 if i == 90 else i % 3}\n"
        for i in range(100))).encode(),
    "short text": ("编号,性别,满意度\n" + "".join(
        f"{i},{'男女'[i % 2]},{['非常', '一般', '', ' 不 '][i % 4]}\n" for i in range(300))).encode(),
    "many distinct short": ("id,Q1\n" + "".join(f"{i},{i * 7 % 9973}\n" for i in range(9000))).encode(),
    "not UTF-8 past the first rows": ("id,Q1\n" + "".join(
        f"{i},{'男' if i == 55000 else i % 5}\n" for i in range(60000))).encode("gbk"),
    "answer labels (按文本)": ("id,Q1,Q2\n" + "".join(
        f"{i},{['比较不符合', '非常符合', '一般', '(跳过)'][i % 4]},"
        f"{'比较不符合（1）' if i == 150 else '符合'}\n" for i in range(200))).encode(),
    "header as a row of the head": ("Q1,Q2\n1,2\nQ1,Q2\n" + "".join(
        f"{i % 4},Q{i % 2 + 1}\n" for i in range(200))).encode(),
}


#: files whose first rows cannot be parsed alone: a quoted line break past the cut, a
#: title row narrower than the header (the whole text then goes to the csv module), NUL
UNPLANNED = {"quoted cells", "a title row", "a NUL byte"}


@pytest.mark.parametrize("name", list(PERSONAL_FILES))
def test_personal_columns_as_bytes_read_as_the_plain_parse(tmp_path, monkeypatch, name):
    from stressgroup.io._sources import _column_types

    data = PERSONAL_FILES[name]
    planned = _column_types(data, "\t" if name == "tabs" else ",") is not None
    assert planned == (name not in UNPLANNED)   # the typed parse is what is compared
    fast, plain = _read_both(tmp_path, monkeypatch, data,
                             "f.tsv" if name == "tabs" else "f.csv")
    _same_tables(fast, plain)


def test_personal_columns_as_bytes_in_a_file_of_many_pieces(tmp_path, monkeypatch):
    from stressgroup.io import _sources

    monkeypatch.setattr(_sources, "_CHUNK_ROWS", 700)
    data = _wjx_like(n=5000, ip=lambda i: LONG_IP if i == 4321 else f"1.2.{i % 9}.4")
    fast, plain = _read_both(tmp_path, monkeypatch, data)
    _same_tables(fast, plain)
    assert isinstance(fast.cells[fast.columns[2]], np.ndarray)   # parsed again as text
    fast, plain = _read_both(tmp_path, monkeypatch, _wjx_like(n=5000))
    _same_tables(fast, plain)


def test_which_columns_are_parsed_as_bytes():
    from stressgroup.io._sources import _column_types

    plan = _column_types(_wjx_like(), ",")
    # 序号, 工号 and 性别 short (coded from 8-byte cells); the IP column bytes; the time text
    assert plan.short == {0, 3, 4} and plan.types[1] is object and len(plan.types) == 5
    widest = max(len(f"10.0.{i % 250}.{i % 7}(浙江-杭州)".encode()) for i in range(60))
    assert plan.types[2] == f"S{2 * widest}"     # twice the widest of the first rows
    assert len(plan.head) == 61 and plan.head[0][2] == "来自IP"
    assert _column_types(b"id,Q1\n1234567890123456,abcdefghijklmnop\n", ",") is None
    assert _column_types("编号,Q1\n1,比较不符合\n".encode(), ",").types == {0: "S8", 1: "S16"}
    assert _column_types(_wjx_like().replace(b"000003", b"0\x00"), ",") is None


@pytest.mark.parametrize("pii", ["drop", "keep"])
def test_a_dropped_personal_column_is_never_decoded(tmp_path, monkeypatch, pii):
    """The loader drops 问卷星's IP column by its header: its bytes are never made text
    (with pii='keep' they are, and the column is there)."""
    from stressgroup.io import _sources, read_survey

    decoded = []
    real = _sources._raw_text
    monkeypatch.setattr(_sources, "_raw_text", lambda cells: decoded.append(1) or real(cells))
    items = [f"{p}{k}" for p in ("IND", "FAM", "WORK", "ORG", "SOC") for k in range(1, 6)]
    head = "序号,提交答卷时间,来自IP,id," + ",".join(items)
    rows = [f"{i + 1},2024/5/12 9:00:00,10.0.0.{i}(浙江-杭州),{i:04d},"
            + ",".join(str((i + k) % 5 + 1) for k in range(25)) for i in range(30)]
    path = tmp_path / "s.csv"
    path.write_text(head + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = read_survey(path, instrument="five-level-stress", wave="pre", pii=pii)
    if pii == "drop":
        assert not decoded and "来自IP" not in out.data.columns
        assert [d["column"] for d in out.report.to_dict()["columns_dropped"]] == ["来自IP"]
    else:
        assert decoded and out.data["来自IP"].iloc[3] == "10.0.0.3(浙江-杭州)"


def test_bytes_cells_blank_as_their_text_is():
    from stressgroup.io._sources import _Raw

    texts = ["", " ", "\u3000", "\xa0x", "\u3000\u3000", " a", "\t\n", "x", "张三", "\x1f", "\u2003 b"]
    raw = _Raw(np.array([t.encode() for t in texts], dtype="S16"))
    rows = np.arange(len(texts))
    assert raw.nonblank(rows).tolist() == [bool(t.strip()) for t in texts]
    assert raw.nonblank(rows[::-2]).tolist() == [bool(t.strip()) for t in texts[::-2]]
    assert raw[3] == "\xa0x" and np.asarray(raw).tolist() == texts


@pytest.mark.parametrize("width", [8, 16])
@pytest.mark.parametrize("seed", range(6))
def test_short_cells_coded_from_their_bytes_as_the_text_factorizes(seed, width):
    from stressgroup.io._distinct import factorize_text
    from stressgroup.io._sources import _CODED_MAX, _Coded, _short_coded

    rng = np.random.default_rng(seed)
    words = ["", "1", "2", "-2", "男", "非常", "7", " 3", "abc", "ab\u3000"][: 3 + seed]
    if width == 16:
        words += ["比较不符合", "abcdefghijklmno", "1234567"]
    n = 500 if seed < 5 else 3 * _CODED_MAX
    texts = [str(x) for x in rng.integers(0, 10 * _CODED_MAX, n)] if seed == 5 else \
        [words[k] for k in rng.integers(0, len(words), n)]
    head = ["题目一（很长的题干）", "1", "abcdefghij"] + texts[3:5]
    column = np.array([t.encode() for t in head + texts[5:]], dtype=f"S{width}")
    got = _short_coded(column, head)
    want = np.array(head + texts[5:], dtype=object)
    assert isinstance(got, _Coded)   # many distinct values too: their codes are known
    codes, uniques = factorize_text(want)
    assert got.codes.tolist() == codes.tolist() and list(got.uniques) == list(uniques)
    cut = column.copy()
    cut[-1] = b"abcdefghijklmnop"[:width]   # as wide as the column: may have been cut
    assert _short_coded(cut, head) is None


def test_first_cells_of_a_coded_column_leave_the_rest_as_codes(tmp_path):
    from stressgroup.io import _sources

    path = tmp_path / "f.csv"
    path.write_text("id,Q1,手机号\n" + "".join(f"{i},{i % 3},1380000{i:04d}\n" for i in range(900)),
                    encoding="utf-8")
    raw = _sources.read_source(path)
    assert "Q1" in raw.cells.released and "手机号" in raw.cells.raw
    assert _sources.first_cells(raw.cells, "Q1", 4).tolist() == ["0", "1", "2", "0"]
    assert _sources.first_cells(raw.cells, "手机号", 2).tolist() == ["13800000000", "13800000001"]
    assert "Q1" in raw.cells.released and "手机号" in raw.cells.raw   # still held so
    assert _sources.first_cells(raw.cells, "id", 2).tolist() == ["0", "1"]

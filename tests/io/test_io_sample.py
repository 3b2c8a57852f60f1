"""The Q city sample files load with the built-in instrument, long and wide alike."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stressgroup.io import read_survey, read_waves

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
LONG = SAMPLE / "qcity_long.csv"
WIDE = SAMPLE / "qcity_wide.csv"

needs_sample = pytest.mark.skipif(not (LONG.exists() and WIDE.exists()),
                                  reason="sample data not generated")


@pytest.fixture(scope="module")
def five():
    instruments = pytest.importorskip("stressgroup.instruments")
    return instruments.load_instrument("five-level-stress")


@needs_sample
def test_sample_long(five, check_counts):
    r = read_survey(LONG, instrument=five)
    check_counts(r.report)
    assert r.instrument_id == "five-level-stress"
    assert r.report.encoding == "utf-8" and r.report.layout == "long"
    assert r.report.rows_read == 94 and r.report.rows_excluded == 0
    assert r.item_columns == five.item_ids
    assert list(r.columns[:2]) == ["id", "wave"]
    assert list(r.columns[2:27]) == list(five.item_ids)
    assert r.extra_columns == ("group", "gender", "age", "years_service", "post")
    assert r["id"].iloc[0] == "001"
    assert r["wave"].value_counts().to_dict() == {"pre": 48, "post": 46}
    values = r.data[list(five.item_ids)].to_numpy()
    assert np.all((values[~np.isnan(values)] >= 1) & (values[~np.isnan(values)] <= 5))


@needs_sample
def test_sample_wide_matches_long(five, check_counts):
    wide = read_survey(WIDE, instrument=five)
    check_counts(wide.report)
    assert wide.report.layout == "wide"
    assert wide.report.rows_read == 48 and wide.report.rows_kept == 48
    assert wide.report.files[0].records == 94
    assert len(wide.report.waves_absent) == 2
    assert set(wide.report.waves_absent["wave"]) == {"post"}
    long = read_survey(LONG, instrument=five)
    key = ["wave", "id"]
    a = long.data.sort_values(key).reset_index(drop=True)
    b = wide.data.sort_values(key).reset_index(drop=True)[list(a.columns)]
    pd.testing.assert_frame_equal(a, b)


@needs_sample
def test_sample_by_instrument_name(check_counts):
    pytest.importorskip("stressgroup.instruments")
    r = read_survey(LONG, instrument="five-level-stress")
    check_counts(r.report)
    assert len(r) == 94


@needs_sample
def test_sample_split_into_wave_files(tmp_path, five, check_counts):
    df = pd.read_csv(LONG, dtype=str, keep_default_na=False)
    paths = {}
    for wave in ("pre", "post"):
        part = df[df.wave == wave].drop(columns="wave")
        paths[wave] = tmp_path / f"{wave}.csv"
        part.to_csv(paths[wave], index=False, encoding="gb18030")
    r = read_waves(paths, instrument=five)
    check_counts(r.report)
    assert len(r) == 94
    assert r.report.encoding == "utf-8"      # ASCII content decodes as UTF-8


@needs_sample
def test_sample_with_labels_and_text_headers(tmp_path, five, check_counts):
    """A 问卷星-style export: numbered Chinese item texts as headers, text answers."""
    df = pd.read_csv(LONG, dtype=str, keep_default_na=False).iloc[:10]
    zh = {v: k for k, v in {1: "非常不符合", 2: "不太符合", 3: "一般", 4: "比较符合",
                           5: "非常符合"}.items()}
    inv = {str(v): k for k, v in zh.items()}
    renamed = {}
    for n, item in enumerate(five.item_ids, start=1):
        renamed[item] = f"{n}、{five.item_text[item]['zh']}"
        df[item] = df[item].map(lambda v: inv.get(v, v))
    df = df.rename(columns=renamed)
    path = tmp_path / "wjx.csv"
    df.to_csv(path, index=False, encoding="utf-8-sig")
    r = read_survey(path, instrument=five)
    check_counts(r.report)
    assert r.report.encoding == "utf-8-sig"
    assert r.report.cells.empty
    orig = read_survey(LONG, instrument=five).data.iloc[:10]
    np.testing.assert_array_equal(r.data[list(five.item_ids)].to_numpy(),
                                  orig[list(five.item_ids)].to_numpy())


def test_import_is_light():
    code = ("import sys, stressgroup.io; "
            "print([m for m in ('statsmodels', 'pingouin', 'matplotlib', 'factor_analyzer') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

"""Fixtures for the loader tests: a small duck-typed instrument and file writers."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

TEXTS = {
    "A1": {"zh": "我经常感到身心疲惫。", "en": "I often feel exhausted."},
    "A2": {"zh": "下班后我能很快放松下来。", "en": "I can relax quickly after a shift."},
    "A3": {"zh": "我担心自己的人身安全。", "en": "I worry about my safety."},
}
LABELS = {
    1: {"en": "Strongly disagree", "zh": "非常不符合"},
    2: {"en": "Disagree", "zh": "不太符合"},
    3: {"en": "Neutral", "zh": "一般"},
    4: {"en": "Agree", "zh": "比较符合"},
    5: {"en": "Strongly agree", "zh": "非常符合"},
}


@pytest.fixture
def inst3():
    """A three-item instrument with answers 1-5, zh/en labels and item texts."""
    return SimpleNamespace(id="mini", item_ids=("A1", "A2", "A3"), response_min=1.0,
                           response_max=5.0, labels=dict(LABELS), item_text=dict(TEXTS))


@pytest.fixture
def check_counts():
    """Assert that a report adds up, in total and per file."""

    def check(report) -> None:
        assert report.rows_read == report.rows_kept + report.rows_excluded
        assert report.rows_excluded == len(report.excluded)
        assert report.rows_read == sum(f.rows_read for f in report.files)
        for f in report.files:
            assert f.rows_read == f.rows_kept + f.rows_excluded
            assert f.rows_excluded == int((report.excluded["file"] == f.file).sum())

    return check


@pytest.fixture
def write_text(tmp_path: Path):
    """Write text to a file in tmp_path with the given encoding and return the path."""

    def write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture
def long_frame() -> pd.DataFrame:
    """Long data, all text, as exported: 3 people x 2 waves."""
    return pd.DataFrame({
        "id": ["01", "02", "03", "01", "02", "03"],
        "wave": ["pre", "pre", "pre", "post", "post", "post"],
        "group": ["a", "a", "b", "a", "a", "b"],
        "A1": ["1", "2", "3", "2", "3", "4"],
        "A2": ["5", "4", "3", "4", "3", "2"],
        "A3": ["1", "1", "2", "2", "3", "3"],
    })


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """Every core fixture file rendered once from the truth table (see fixtures/render.py)."""
    from fixtures.render import render_all

    return render_all(tmp_path_factory.mktemp("rendered"))


@pytest.fixture(scope="session")
def truth():
    """The truth table the fixtures are rendered from (data/sample/qcity_long.csv)."""
    from fixtures.truth import load_truth

    return load_truth()

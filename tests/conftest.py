"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reftools import SAMPLE


@pytest.fixture(autouse=True)
def _no_forced_progress(monkeypatch):
    """A STRESSGROUP_PROGRESS=1 in the developer's shell must not draw into the tests."""
    monkeypatch.delenv("STRESSGROUP_PROGRESS", raising=False)


@pytest.fixture(scope="session")
def sample_long_path() -> Path:
    return SAMPLE / "qcity_long.csv"


@pytest.fixture(scope="session")
def sample_wide_path() -> Path:
    return SAMPLE / "qcity_wide.csv"


@pytest.fixture(scope="session")
def sample_long_frame(sample_long_path) -> pd.DataFrame:
    return pd.read_csv(sample_long_path, dtype={"id": str})


@pytest.fixture
def text_in_item_csv(tmp_path, sample_long_frame) -> Path:
    """The sample with the text 'sometimes' in WORK2 of row 5 (spreadsheet numbering)."""
    df = sample_long_frame.copy()
    df["WORK2"] = df["WORK2"].astype("object")
    df.loc[3, "WORK2"] = "sometimes"
    path = tmp_path / "bad.csv"
    df.to_csv(path, index=False)
    return path


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261127)


@pytest.fixture(scope="session")
def five_level():
    from stressgroup import load_instrument

    return load_instrument("five-level-stress")

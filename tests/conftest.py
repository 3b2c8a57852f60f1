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
def rng() -> np.random.Generator:
    return np.random.default_rng(20261127)


@pytest.fixture(scope="session")
def five_level():
    from stressgroup import load_instrument

    return load_instrument("five-level-stress")

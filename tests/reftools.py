"""Reference values computed by R (tests/reference/*.R) and shared paths."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "reference"
SAMPLE = ROOT / "data" / "sample"

# Agreement required with R: relative tolerance (see README "Checked against R").
RTOL = 1e-6


def load_reference(name: str) -> dict:
    with open(REFERENCE / f"{name}.json", encoding="utf-8") as fh:
        return json.load(fh)


def nan_list(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)

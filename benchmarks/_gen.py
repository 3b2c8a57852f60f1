"""Synthetic data for the benchmarks (seeded; nothing here is committed data).

``wide_csv(path, n)`` writes a wide export of the five-level-stress instrument:
one row per person, an id, gender and age, then ``pre_<item>`` and
``post_<item>`` for its 25 items (answers 1-5, 2% unanswered, a small
improvement at post; the five reverse-keyed items answered
reversed), the shape a service centre's merged screening file has.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

ITEMS = [f"{p}{i}" for p in ("IND", "FAM", "WORK", "ORG", "SOC") for i in range(1, 6)]
REVERSED = {"IND4", "FAM3", "WORK5", "ORG2", "SOC4"}   # answered the other way round


def wide_frame(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=(n, 1))
    cols: dict[str, object] = {
        "id": np.char.add("P", np.char.zfill(np.arange(n).astype(str), 7)),
        "gender": rng.choice(["male", "female"], size=n, p=[0.7, 0.3]),
        "age": rng.integers(22, 60, size=n),
    }
    for wave, shift in (("pre", 0.0), ("post", -0.3)):
        x = np.clip(np.rint(3 + shift + trait + 0.8 * rng.normal(size=(n, 25))), 1, 5)
        x[rng.random(x.shape) < 0.02] = np.nan
        for j, item in enumerate(ITEMS):
            raw = 6 - x[:, j] if item in REVERSED else x[:, j]
            cols[f"{wave}_{item}"] = pd.array(raw, dtype="Int64")
    return pd.DataFrame(cols)


def wide_csv(path: Path, n: int, seed: int = 1) -> Path:
    path = Path(path)
    if not path.exists():
        wide_frame(n, seed).to_csv(path, index=False)
    return path


if __name__ == "__main__":
    import sys

    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    print(wide_csv(Path(sys.argv[1]), n))

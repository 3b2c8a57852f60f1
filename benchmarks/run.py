"""Speed benchmarks, reported as ratios to a baseline measured in the same run.

Run: ``python benchmarks/run.py``. Nothing here is asserted by the tests; a
ratio that grows between commits is the signal to look at.

Each benchmark pairs a stressgroup operation with the plainest
implementation of the same arithmetic (numpy/scipy on arrays), so the ratio
is the price of stressgroup's checks, bookkeeping and result objects.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def make_data(n_people: int, seed: int = 1):
    import stressgroup as sg

    inst = sg.load_instrument("five-level-stress")
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=(n_people, 1))
    frames = []
    for wave, shift in (("pre", 0.0), ("post", -0.3)):
        x = np.clip(np.rint(3 + shift + trait + 0.8 * rng.normal(size=(n_people, 25))), 1, 5)
        x[rng.random(x.shape) < 0.02] = np.nan
        df = pd.DataFrame(x, columns=inst.item_ids)
        df.insert(0, "id", [f"{i:05d}" for i in range(n_people)])
        df.insert(1, "wave", wave)
        frames.append(df)
    return inst, pd.concat(frames, ignore_index=True)


def bench_evaluate(n_people: int = 2000) -> tuple[float, float]:
    import stressgroup as sg
    from scipy import stats

    inst, data = make_data(n_people)

    def ours():
        sg.evaluate(data, inst, group=False)

    def baseline():
        keyed = data[list(inst.item_ids)].to_numpy().copy()
        for sub in inst.scored:
            cols = [inst.item_ids.index(i) for i in sub.items]
            s = np.nanmean(keyed[:, cols], axis=1)
            a, b = s[:n_people], s[n_people:]
            ok = ~(np.isnan(a) | np.isnan(b))
            stats.ttest_rel(b[ok], a[ok])
            stats.wilcoxon(b[ok] - a[ok])
            c = pd.DataFrame(keyed[:n_people][:, cols]).cov().to_numpy()
            (1 - np.trace(c) / c.sum()) * len(cols) / (len(cols) - 1)

    return best_of(ours, 3), best_of(baseline, 3)


def bench_alpha(n: int = 5000, k: int = 25) -> tuple[float, float]:
    import stressgroup as sg

    rng = np.random.default_rng(2)
    x = pd.DataFrame(np.rint(3 + rng.normal(size=(n, 1)) + rng.normal(size=(n, k))))
    x[x.columns[:5]] = x[x.columns[:5]].mask(rng.random((n, 5)) < 0.05)

    def baseline():
        c = x.cov().to_numpy()
        return (1 - np.trace(c) / c.sum()) * k / (k - 1)

    return best_of(lambda: sg.cronbach_alpha(x)), best_of(baseline)


def bench_import() -> tuple[float, float]:
    def run(code: str) -> float:
        return best_of(lambda: subprocess.run([sys.executable, "-c", code], check=True), 3)

    return run("import stressgroup"), run("import pandas")


def bench_cli() -> tuple[float, float]:
    sample = ROOT / "data" / "sample" / "qcity_long.csv"

    def ours():
        subprocess.run([sys.executable, "-m", "stressgroup.evaluate", str(sample), "--json",
                        "-"], check=True, capture_output=True)

    def baseline():
        subprocess.run([sys.executable, "-c", "import pandas, scipy.stats, statsmodels.api"],
                       check=True, capture_output=True)

    return best_of(ours, 3), best_of(baseline, 3)


BENCHMARKS = {
    "evaluate, 2000 people x 2 waves vs scipy t/Wilcoxon + numpy alpha": bench_evaluate,
    "cronbach_alpha, 5000 x 25 with missing vs covariance-only alpha": bench_alpha,
    "import stressgroup vs import pandas": bench_import,
    "CLI on the sample vs importing pandas+scipy.stats+statsmodels": bench_cli,
}


def main() -> None:
    print(f"{'benchmark':<70} {'ours (s)':>9} {'base (s)':>9} {'ratio':>7}")
    for name, fn in BENCHMARKS.items():
        ours, base = fn()
        print(f"{name:<70} {ours:9.4f} {base:9.4f} {ours / base:7.2f}")


if __name__ == "__main__":
    main()

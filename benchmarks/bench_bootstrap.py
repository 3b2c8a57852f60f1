"""Bootstrap CI of Cronbach's alpha, as a ratio to one multinomial-weight matrix product.

Run: ``python benchmarks/bench_bootstrap.py``. Nothing is asserted; the
ratios are the signal (issue 9 asks for <= 3 against the baseline below).

Workload: 10,000 resamples of 500 people x 25 items (complete data, and
with 2 % of the answers missing).

Baselines, timed in the same run:

* ``draw + W @ X``: draw the 10,000 x 500 multinomial count matrix with
  ``rng.multinomial(n, [1/n] * n, size=B)`` and multiply it with the data,
  i.e. the cost of "one multinomial-weight matrix product" including the
  weights it needs;
* ``W @ X`` alone (weights drawn beforehand), the bare BLAS product.

Contenders: ``cronbach_alpha(x, ci="bootstrap")`` as it is now (vectorised)
and the loop it replaced (``loop``: one ``pairwise_cov`` per resample),
kept here for the before/after ratio.

Each figure is the median of ``REPEAT`` runs, contender and baseline
alternated so that drift in the machine's speed hits both alike.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

N, K, B = 500, 25, 10_000
REPEAT = 7


def make_data(missing: float = 0.0, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.clip(np.rint(3 + rng.normal(size=(N, 1)) + 0.8 * rng.normal(size=(N, K))), 1, 5)
    if missing:
        x[rng.random(x.shape) < missing] = np.nan
    return x


def loop_bootstrap(x: np.ndarray, n_boot: int, seed) -> tuple[float, float]:
    """The implementation before the vectorisation (stressgroup <= b4cb0b6)."""
    from stressgroup.reliability._matrix import pairwise_cov

    rng = np.random.default_rng(seed)
    n, k = x.shape
    out = np.empty(n_boot)
    for b in range(n_boot):
        C = pairwise_cov(x[rng.integers(0, n, n)])
        out[b] = (1 - np.trace(C) / C.sum()) * (k / (k - 1))
    lo, hi = np.nanquantile(out, [0.025, 0.975])
    return float(lo), float(hi)


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def alternate(a, b, repeat: int = REPEAT) -> tuple[float, float]:
    ta, tb = [], []
    for _ in range(repeat):
        ta.append(timed(a))
        tb.append(timed(b))
    return float(np.median(ta)), float(np.median(tb))


def main(repeat: int = REPEAT) -> None:
    import pandas as pd

    import stressgroup as sg

    rng = np.random.default_rng(5)
    W = rng.multinomial(N, np.full(N, 1 / N), size=B).astype(float)
    rows = []
    for label, miss in (("complete", 0.0), ("2% missing", 0.02)):
        x = make_data(miss)
        df = pd.DataFrame(x)
        x0 = np.nan_to_num(x)

        def draw_and_multiply():
            w = np.random.default_rng(6).multinomial(N, np.full(N, 1 / N), size=B)
            return w.astype(float) @ x0

        def product_only():
            return W @ x0

        def ours():
            return sg.cronbach_alpha(df, ci="bootstrap", n_boot=B, seed=1)

        def loop():
            return loop_bootstrap(x, B, 1)

        for name, fn, reps in (("vectorised", ours, repeat), ("loop (before)", loop, 1)):
            for base_name, base in (("draw + W @ X", draw_and_multiply),
                                    ("W @ X", product_only)):
                t_ours, t_base = alternate(fn, base, max(reps, 1) if name == "loop (before)"
                                           else reps)
                rows.append((label, name, base_name, t_ours, t_base, t_ours / t_base))
    print(f"{'data':<11} {'bootstrap':<14} {'baseline':<13} {'ours (s)':>9} {'base (s)':>9} "
          f"{'ratio':>7}")
    for label, name, base_name, t_ours, t_base, ratio in rows:
        print(f"{label:<11} {name:<14} {base_name:<13} {t_ours:9.4f} {t_base:9.4f} "
              f"{ratio:7.2f}")


if __name__ == "__main__":
    main()

"""Print the largest relative difference from R for each checked quantity.

Run ``python tests/reference/max_diff.py``; the numbers go into the README's
"Checked against R" table and the closing notes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import stressgroup as sg  # noqa: E402
from reftools import nan_list  # noqa: E402


def rel(a, b) -> float:
    a, b = np.atleast_1d(np.asarray(a, float)), np.atleast_1d(np.asarray(b, float))
    ok = ~(np.isnan(a) & np.isnan(b))
    d = np.abs(a[ok] - b[ok]) / np.maximum(np.abs(b[ok]), 1e-300)
    d[(a[ok] == b[ok])] = 0.0
    return float(d.max()) if d.size else 0.0


def main() -> None:
    worst: dict[str, float] = {}

    def note(key, a, b):
        worst[key] = max(worst.get(key, 0.0), rel(a, b))

    paired = json.loads((HERE / "paired.json").read_text())
    for c in paired["cases"]:
        r = sg.paired_test(nan_list(c["pre"]), nan_list(c["post"]))
        for k in ("mean_diff", "ci_low", "ci_high", "t", "df", "p", "pre_mean", "pre_sd",
                  "post_mean", "post_sd", "dz", "g_z", "d_av"):
            note("paired t, CI, means, SDs, dz, g_z, d_av", getattr(r, k), c[k])
        for k in ("wilcoxon_V", "wilcoxon_p", "rank_biserial"):
            note("Wilcoxon V, p, rank-biserial", getattr(r, k), c[k])
        note("dz CI vs R uniroot", r.dz_ci, c["dz_ci_uniroot"])
        note("dz CI vs effectsize 0.8.3", r.dz_ci, c["dz_ci"])
    alpha = json.loads((HERE / "alpha.json").read_text())
    bfi = pd.read_csv(HERE / "bfi.csv")
    for c in alpha["cases"]:
        if "data" in c:
            x = pd.DataFrame({k: nan_list(v) for k, v in c["data"].items()})[c["items"]]
        else:
            x = bfi[c["items"]].astype(float)
            rev = c["reversed"]
            rev = [rev] if isinstance(rev, str) else list(rev or [])
            x[rev] = 7 - x[rev]
        a = sg.cronbach_alpha(x)
        for k in ("raw_alpha", "std_alpha", "g6", "average_r", "s_n", "ase", "mean", "sd",
                  "median_r"):
            note("alpha totals", getattr(a, k), c[k])
        note("alpha CIs (Feldt, Duhachek)", a.feldt_ci + a.duhachek_ci,
             c["feldt_ci"] + c["duhachek_ci"])
        for k in ("raw_r", "std_r", "r_cor", "r_drop", "alpha_if_dropped"):
            note("alpha item statistics", a.item_stats[k], c["item_stats"][k])
        note("omega total (psych optimiser)", sg.omega(x).omega_total, c["omega_total"])
        note("omega total exact vs converged R fit",
             sg.omega(x, optimizer="exact").omega_total, c["omega_total_converged"])
    sample = json.loads((HERE / "sample.json").read_text())
    resp = pd.read_csv(HERE.parents[1] / "data" / "sample" / "qcity_long.csv",
                       dtype={"id": str})
    ev = sg.evaluate(resp, "five-level-stress").to_dict()
    for g, ref in sample["groups"].items():
        for got, want in zip(ev["groups"][g]["subscales"], ref["subscales"]):
            for k in ("t", "p", "p_adj", "dz", "g_z", "d_av", "wilcoxon_V", "wilcoxon_p",
                      "alpha_pre", "mean_diff", "ci_low", "ci_high"):
                note("sample evaluation (t, p, p_adj, effects, Wilcoxon, alpha)", got[k],
                     want[k])
            key = "sample omega_pre (Heywood case)" if want["heywood_pre"] else \
                "sample omega_pre"
            note(key, got["omega_pre"], want["omega_pre"])
        rc, rrc = ev["groups"][g]["reliable_change"], ref["reliable_change"]
        note("reliable change SD_pre, r_xx", [rc["sd_pre"], rc["r_xx"]],
             [rrc["sd_pre"], rrc["r_xx"]])
    for c in json.loads((HERE / "rci.json").read_text())["cases"]:
        r = sg.reliable_change(nan_list(c["pre"]), nan_list(c["post"]), reliability=c["r_xx"],
                               higher_is=c["higher_is"])
        note("reliable change SD_pre, r_xx", [r.sd_pre, r.s_diff], [c["sd_pre"], c["s_diff"]])
        note("reliable change RCI", nan_list(r.to_dict()["rci"]), nan_list(c["rci"]))
    for c in json.loads((HERE / "padjust.json").read_text())["cases"]:
        note("Holm / BH", np.r_[sg.adjust_p(nan_list(c["p"]), "holm"),
                                sg.adjust_p(nan_list(c["p"]), "fdr_bh")],
             np.r_[nan_list(c["holm"]), nan_list(c["BH"])])
    scores = sg.score(resp, "five-level-stress")
    ref = pd.read_csv(HERE / "sample_scores.csv", dtype={"id": str})
    m = ref.merge(scores, on=["id", "wave"], suffixes=("_r", ""))
    for s in ("individual", "family", "work", "organization", "society", "total"):
        note("scores", m[s], m[f"{s}_r"])
    width = max(map(len, worst))
    for k, v in worst.items():
        print(f"{k:<{width}}  {v:.2e}")


if __name__ == "__main__":
    main()

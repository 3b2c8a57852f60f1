"""Section ``small_groups``: what a small group can and cannot show.

Per group and scale: the sign-flip permutation test of the mean change (exact up to 20
non-zero pairs), Shapiro-Wilk on the changes with a plain note when the t test is doubtful,
d_rm and g_av with their CIs beside dz; per group the smallest effect detectable with 80 %
power for the group's number of pairs, so that a null result at n = 9 is read honestly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.document import Column, Document, Note, Paragraph, Table
from ..core.results import jsonable
from ..report import Reportable, label
from ._sections import Context, Skip

__all__ = ["SmallGroupsResult", "run_small_groups", "MAX_PERMUTATION_PAIRS"]

#: Above this many pairs the permutation test is left out (the t test is robust there and a
#: Monte Carlo test over every person costs time without telling more).
MAX_PERMUTATION_PAIRS = 200

#: Seed of the Monte Carlo permutation draws when the user gives none (reports reproduce).
DEFAULT_SEED = 20240601


def _pairs(ctx: Context, lab, sid: str) -> tuple[np.ndarray, np.ndarray]:
    """Scores of ``sid`` at the first and second wave of the people of group ``lab``
    with both waves, sorted by id."""
    _, a, b = ctx.pairs(lab)
    return a[sid].to_numpy(float), b[sid].to_numpy(float)


@dataclass(frozen=True, repr=False)
class SmallGroupsResult(Reportable):
    """Per group: permutation test, normality of the changes, effect sizes, power.

    Attributes
    ----------
    groups : dict
        label -> {"power": PowerResult, "scales": {scale: {"permutation": ...,
        "shapiro": ..., "effects": PairedEffectSizes}}}
    instrument : Instrument
    """

    groups: dict
    instrument: object = field(default=None, compare=False)
    alpha: float = 0.05
    target_power: float = 0.8
    seed: "int | None" = None

    def to_dict(self) -> dict:
        out = {}
        for lab, g in self.groups.items():
            scales = {}
            for sid, r in g["scales"].items():
                e = r["effects"].to_dict() if r["effects"] is not None else {}
                scales[sid] = {
                    "permutation": r["permutation"].to_dict() if r["permutation"] else None,
                    "permutation_left_out": r.get("permutation_left_out"),
                    "shapiro": r["shapiro"].to_dict() if r["shapiro"] else None,
                    **{k: e.get(k) for k in ("d_rm", "d_rm_ci", "g_av", "d_av", "d_av_ci")}}
            out["all" if lab is None else str(lab)] = {"seed": self.seed,
                "power": g["power"].to_dict() if g["power"] is not None else None,
                "scales": scales}
        return jsonable(out)

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for lab, g in self.groups.items():
            for sid, r in g["scales"].items():
                rows.append({"group": lab, "scale": sid,
                             "permutation_p": r["permutation"].p if r["permutation"] else None,
                             "shapiro_p": r["shapiro"].p if r["shapiro"] else None})
        return pd.DataFrame(rows)

    def to_document(self, lang: str = "en") -> Document:
        inst = self.instrument
        blocks: list = []
        for lab, g in self.groups.items():
            rows = []
            doubtful = []
            for sid, r in g["scales"].items():
                e = r["effects"]
                perm, sw = r["permutation"], r["shapiro"]
                name = ({"en": inst.subscale(sid).label("en"),
                         "zh": inst.subscale(sid).label("zh")} if inst is not None else sid)
                row = {"scale": name, "n": e.n if e is not None else None,
                       "perm_p": perm.p if perm is not None else
                       r.get("permutation_left_out_short"),
                       "perm_method": ({"exact": label("small.exact"),
                                        "monte_carlo": label("small.mc")}.get(perm.method)
                                       if perm is not None else ""),
                       "W": sw.W if sw is not None else None,
                       "sw_p": sw.p if sw is not None else None}
                if e is not None:
                    tab = e.table
                    for key in ("d_rm", "g_av"):
                        if key in tab.index:
                            row[key] = (tab.loc[key, "estimate"], tab.loc[key, "ci_low"],
                                        tab.loc[key, "ci_high"])
                rows.append(row)
                if sw is not None and sw.t_test_doubtful:
                    doubtful.append(sw.note)
            who = label("eval.who", group=str(lab)) if lab is not None else ""
            blocks.append(Table(
                key=f"small_{lab}" if lab is not None else "small",
                title=label("small.title", who=who),
                columns=(Column("scale", label("col.subscale"), "text"),
                         Column("n", label("col.n"), "count"),
                         Column("perm_p", label("small.perm_p"), "p"),
                         Column("perm_method", label("col.method"), "text"),
                         Column("W", label("small.W"), "statistic", digits=3),
                         Column("sw_p", label("small.sw_p"), "p"),
                         Column("d_rm", label("small.d_rm"), "estimate_ci"),
                         Column("g_av", label("small.g_av"), "estimate_ci")),
                rows=rows, notes=(Note(label("small.note")),)))
            pw = g["power"]
            if pw is not None and math.isfinite(pw.dz):
                blocks.append(Paragraph(label("small.power", n=f"{pw.n:g}"),
                                        values={"dz": (pw.dz, "effect"),
                                                "alpha": (pw.alpha, "p", 2),
                                                "power": (pw.power, "proportion", 2)}))
            if doubtful:
                blocks.append(Paragraph(doubtful[0], style="note"))
        return Document(label("small.doc"), blocks)


def run_small_groups(ctx: Context) -> SmallGroupsResult:
    from ._effects import paired_effect_sizes
    from ._permutation import permutation_test, shapiro_wilk
    from ._power import power_paired

    import warnings

    from ..core.errors import DegenerateDataWarning

    # the same numbers on every run: without --seed the Monte Carlo draws use DEFAULT_SEED
    seed = DEFAULT_SEED if ctx.seed is None else ctx.seed
    out = {}
    for lab, g in ctx.groups.items():
        n = g.n["paired"]
        key = lab if ctx.group_column is not None else None
        if n < 2:
            continue
        scales = {}
        for sid in g.tests:
            pre, post = _pairs(ctx, key, sid)
            r: dict = {"permutation": None, "shapiro": None, "effects": None}
            ok = np.isfinite(pre) & np.isfinite(post)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DegenerateDataWarning)
                if ok.sum() <= MAX_PERMUTATION_PAIRS:
                    r["permutation"] = permutation_test(pre, post, seed=seed)
                else:
                    r["permutation_left_out"] = (
                        f"{int(ok.sum())} pairs: more than {MAX_PERMUTATION_PAIRS}, the t test "
                        "is robust here")
                    r["permutation_left_out_short"] = "—"
                if ok.sum() >= 3:
                    r["shapiro"] = shapiro_wilk(pre, post)
                    r["effects"] = paired_effect_sizes(pre, post, confidence=ctx.confidence)
            scales[sid] = r
        power = None
        if n >= 2:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DegenerateDataWarning)
                power = power_paired(n=n, dz=None, alpha=0.05, power=0.8)
        out[key] = {"power": power, "scales": scales}
    if not out:
        raise Skip("no group has two complete pairs")
    return SmallGroupsResult(out, instrument=ctx.instrument, seed=seed)

"""Generate the fictional "Q city compulsory drug-rehabilitation centre" sample.

Run as ``python data/sample/make_sample.py`` (from any directory). Writes
``qcity_long.csv`` and ``qcity_wide.csv`` next to this file and prints a short
summary. Output is deterministic (fixed seed) and uses only numpy and pandas.

The data are generated, not collected: 48 police officers, 24 in a 6-session
stress-management group ("intervention") and 24 on a waiting list
("control"), measured pre and post with the 25-item five-level stressor scale
(instrument id ``five-level-stress``). Reverse-keyed items are stored raw, as
answered (keyed value = 6 - raw).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261127
HERE = Path(__file__).resolve().parent

N_PER_GROUP = 24
N = 2 * N_PER_GROUP
N_MALE = 38
WAVES = ("pre", "post")

LEVELS = {
    "individual": ["IND1", "IND2", "IND3", "IND4", "IND5"],
    "family": ["FAM1", "FAM2", "FAM3", "FAM4", "FAM5"],
    "work": ["WORK1", "WORK2", "WORK3", "WORK4", "WORK5"],
    "organization": ["ORG1", "ORG2", "ORG3", "ORG4", "ORG5"],
    "society": ["SOC1", "SOC2", "SOC3", "SOC4", "SOC5"],
}
REVERSE = {"IND4", "FAM3", "WORK5", "ORG2", "SOC4"}
ITEMS = [item for items in LEVELS.values() for item in items]

# Latent model (keyed metric, 1-5, higher = more stress).
LEVEL_MEAN = {  # pre-test latent mean per level
    "individual": 3.05,
    "family": 2.75,
    "work": 3.55,
    "organization": 3.40,
    "society": 2.70,
}
LEVEL_SD = 0.60  # between-person SD of each level's latent stress
GENERAL_LOADING = 0.85  # loading of each level on the person's general factor
ITEM_NOISE_SD = 0.55  # residual noise per item answer (before rounding)
# Within-person change SD per level (occasion noise, lowers pre-post correlation).
CHANGE_SD = 0.45
# Mean change pre -> post in the latent (keyed) metric. Organization is set a
# little beyond its target (-0.50) so that, with this seed, the observed
# change lands near it after rounding, clipping and item non-response.
EFFECT = {
    "intervention": {
        "individual": -0.30,
        "family": -0.15,
        "work": -0.60,
        "organization": -0.55,
        "society": -0.10,
    },
    "control": {level: 0.0 for level in LEVELS},
}
# Per-item intercept offsets (keyed metric); sum to about zero within a level.
ITEM_OFFSET = {
    "IND1": 0.10, "IND2": 0.25, "IND3": -0.15, "IND4": 0.05, "IND5": -0.25,
    "FAM1": 0.40, "FAM2": -0.05, "FAM3": -0.30, "FAM4": 0.10, "FAM5": -0.15,
    "WORK1": 0.20, "WORK2": 0.15, "WORK3": -0.20, "WORK4": 0.25, "WORK5": -0.40,
    "ORG1": 0.20, "ORG2": -0.10, "ORG3": 0.15, "ORG4": 0.25, "ORG5": -0.50,
    "SOC1": 0.20, "SOC2": -0.20, "SOC3": 0.35, "SOC4": -0.15, "SOC5": -0.20,
}
P_LEVEL_MISSING = 0.125  # chance a person-wave skips one item of a level

POSTS = ["frontline", "management", "medical", "logistics"]
POST_P = [0.55, 0.20, 0.10, 0.15]

DEMOGRAPHICS = ["gender", "age", "years_service", "post"]


def make_people(rng: np.random.Generator) -> pd.DataFrame:
    ids = [f"{i:03d}" for i in range(1, N + 1)]
    order = rng.permutation(N)
    group = np.empty(N, dtype=object)
    group[order[:N_PER_GROUP]] = "intervention"
    group[order[N_PER_GROUP:]] = "control"
    # Exactly 38 of 48 (79%) male: the 38 lowest of N uniform draws.
    gender = np.where(np.argsort(np.argsort(rng.random(N))) < N_MALE, "male", "female")
    age = rng.integers(24, 57, size=N)  # 24..56
    max_service = np.minimum(33, age - 22)
    years_service = np.array([rng.integers(1, m + 1) for m in max_service])
    post = rng.choice(POSTS, size=N, p=POST_P)
    return pd.DataFrame(
        {
            "id": ids,
            "group": group,
            "gender": gender,
            "age": age,
            "years_service": years_service,
            "post": post,
        }
    )


def make_latents(
    rng: np.random.Generator, group: np.ndarray, completer: np.ndarray
) -> dict:
    """Latent keyed stress per person, level and wave."""
    # General factor standardised within group: randomised groups start out
    # comparable (a chance baseline gap would distract from the example).
    general = rng.standard_normal(N)
    for g in EFFECT:
        general[group == g] = _standardise(general[group == g])
    unique = np.sqrt(1.0 - GENERAL_LOADING**2)
    latent = {}
    for level in LEVELS:
        z = GENERAL_LOADING * general + unique * rng.standard_normal(N)
        pre = LEVEL_MEAN[level] + LEVEL_SD * _standardise(z)
        effect = np.array([EFFECT[g][level] for g in group])
        # Occasion noise, centred within group among completers so that the
        # sample's latent change equals the intended effect.
        noise = _centre(rng.standard_normal(N), group, completer)
        post = pre + effect + CHANGE_SD * noise
        latent[level] = {"pre": pre, "post": post}
    return latent


def _standardise(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / x.std()


def _centre(x: np.ndarray, group: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Subtract the group mean among ``present`` people (all rows shifted)."""
    x = x.copy()
    for g in EFFECT:
        x[group == g] -= x[(group == g) & present].mean()
    return x


def answer_items(
    rng: np.random.Generator, latent: dict, group: np.ndarray, completer: np.ndarray
) -> dict:
    """Raw item answers (reverse items stored as answered) per wave."""
    answers = {}
    for wave in WAVES:
        present = completer if wave == "post" else np.ones(N, dtype=bool)
        cols = {}
        for level, items in LEVELS.items():
            for item in items:
                # Item noise, centred within group so that 24 people do not
                # drift the group means away from the intended effects.
                noise = _centre(rng.standard_normal(N), group, present)
                keyed = np.rint(
                    latent[level][wave] + ITEM_OFFSET[item] + ITEM_NOISE_SD * noise
                )
                keyed = np.clip(keyed, 1, 5).astype(int)
                cols[item] = 6 - keyed if item in REVERSE else keyed
        answers[wave] = pd.DataFrame(cols)
    return answers


def build_long(rng: np.random.Generator) -> pd.DataFrame:
    people = make_people(rng)
    group = people["group"].to_numpy()

    # Dropouts: one per group, no post wave.
    completer = np.ones(N, dtype=bool)
    for g in ("intervention", "control"):
        completer[rng.choice(np.flatnonzero(group == g))] = False

    latent = make_latents(rng, group, completer)
    answers = answer_items(rng, latent, group, completer)

    frames = []
    for wave in WAVES:
        frame = people.copy()
        frame.insert(1, "wave", wave)
        frame = pd.concat([frame, answers[wave].astype("Int64")], axis=1)
        if wave == "post":
            frame = frame[completer]
        frames.append(frame)
    long = pd.concat(frames, ignore_index=True)

    # Item non-response: at most one missing item per person-wave per level.
    for items in LEVELS.values():
        skip = rng.random(len(long)) < P_LEVEL_MISSING
        which = rng.integers(0, len(items), size=len(long))
        for row in np.flatnonzero(skip):
            long.loc[row, items[which[row]]] = pd.NA

    # One control at post skips exactly two family items -> family score
    # missing (fewer than 4 of 5 answered).
    post_controls = np.flatnonzero(
        (long["wave"] == "post") & (long["group"] == "control")
    )
    row = rng.choice(post_controls)
    family = LEVELS["family"]
    person = np.flatnonzero(people["id"] == long.loc[row, "id"])[0]
    long.loc[row, family] = answers["post"].loc[person, family].to_numpy()
    for k in rng.choice(len(family), size=2, replace=False):
        long.loc[row, family[k]] = pd.NA

    long["wave"] = pd.Categorical(long["wave"], categories=list(WAVES), ordered=True)
    long = long.sort_values(["wave", "id"]).reset_index(drop=True)
    long["wave"] = long["wave"].astype(str)
    return long


def to_wide(long: pd.DataFrame) -> pd.DataFrame:
    people = long.loc[long["wave"] == "pre", ["id", "group", *DEMOGRAPHICS]]
    wide = people.set_index("id")
    for wave in WAVES:
        part = long.loc[long["wave"] == wave].set_index("id")[ITEMS]
        part.columns = [f"{wave}_{item}" for item in ITEMS]
        wide = wide.join(part, how="left")
    return wide.reset_index().sort_values("id").reset_index(drop=True)


def level_scores(long: pd.DataFrame) -> pd.DataFrame:
    """Keyed mean per level; missing if fewer than 4 of 5 items answered."""
    scores = long[["id", "wave", "group"]].copy()
    for level, items in LEVELS.items():
        block = long[items].astype("float64")
        for item in items:
            if item in REVERSE:
                block[item] = 6 - block[item]
        mean = block.mean(axis=1)
        mean[block.notna().sum(axis=1) < 4] = np.nan
        scores[level] = mean
    return scores


def cronbach_alpha(block: pd.DataFrame) -> float:
    x = block.dropna().to_numpy(dtype=float)
    k = x.shape[1]
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))


def summarise(long: pd.DataFrame) -> None:
    scores = level_scores(long)
    levels = list(LEVELS)
    print(f"Q city sample: {long['id'].nunique()} officers, {len(long)} person-waves")
    means = scores.groupby(["group", "wave"], sort=False)[levels].mean()
    means = means.reindex(
        pd.MultiIndex.from_product([["intervention", "control"], list(WAVES)])
    )
    with pd.option_context(
        "display.width", 120, "display.float_format", "{:.2f}".format
    ):
        print("Mean keyed level scores (1-5, higher = more stress):")
        print(means)
        wide = scores.pivot(index="id", columns="wave", values=levels)
        group = scores.drop_duplicates("id").set_index("id")["group"]
        rows = {}
        for g in ("intervention", "control"):
            ids = group.index[group == g]
            diff = {lv: (wide[(lv, "post")] - wide[(lv, "pre")])[ids] for lv in levels}
            rows[(g, "change")] = {lv: d.mean() for lv, d in diff.items()}
            rows[(g, "dz")] = {lv: d.mean() / d.std(ddof=1) for lv, d in diff.items()}
        print("Pre-post change among completers:")
        print(pd.DataFrame(rows).T[levels])
    keyed = long.loc[long["wave"] == "pre", ITEMS].astype("float64")
    for item in REVERSE:
        keyed[item] = 6 - keyed[item]
    alphas = {lv: cronbach_alpha(keyed[items]) for lv, items in LEVELS.items()}
    alphas["total"] = cronbach_alpha(keyed[ITEMS])
    print("Cronbach alpha at pre (complete cases):",
          ", ".join(f"{k} {v:.2f}" for k, v in alphas.items()))
    n_missing = int(long[ITEMS].isna().sum().sum())
    print(f"Missing item answers: {n_missing} of {long[ITEMS].size} "
          f"({n_missing / long[ITEMS].size:.1%})")


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def main() -> None:
    rng = np.random.default_rng(SEED)
    long = build_long(rng)
    wide = to_wide(long)
    write_csv(long, HERE / "qcity_long.csv")
    write_csv(wide, HERE / "qcity_wide.csv")
    summarise(long)


if __name__ == "__main__":
    main()

"""Omega hierarchical (Schmid-Leiman), as R psych ``omega(x, nfactors)``."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.errors import DataError, DegenerateDataWarning
from ..core.results import jsonable, quiet_numpy
from ..report import Reportable
from ..instruments import Instrument, load_instrument
from ..instruments._scoring import as_frame, key_items
from ._matrix import as_item_matrix, pairwise_cor, smc
from ._omega import minres_one_factor
from ._rotation import oblimin, varimax

__all__ = ["omega_hierarchical", "omega_hierarchical_items", "OmegaHierarchicalResult",
           "minres"]

_EPS = np.finfo(float).eps
_LOWER_BOUND = 0.005


@dataclass(frozen=True, repr=False)
class OmegaHierarchicalResult(Reportable):
    """Omega hierarchical and total from a Schmid-Leiman solution.

    Attributes
    ----------
    omega_h : float
        ``(sum g)^2 / sum R``: the share of total-score variance due to the
        general factor.
    omega_total : float
        ``(sum R - sum u2) / sum R``.
    omega_limit : float
        ``(sum g)^2 / (sum R - sum u2)`` (psych ``omega.lim``).
    alpha, g6, ecv : float
        Standardised alpha and Guttman's lambda 6 of the (sign-flipped)
        correlation matrix; explained common variance of the general factor.
    omega_subscales : DataFrame
        One row per group factor (``F1*`` ... ``Fk*``; psych ``omega.group``
        without its ``g`` row): ``total``, ``general`` and ``group`` omegas
        over the items whose largest group loading is on that factor, the
        ``items`` themselves and the instrument ``subscale`` most of them
        belong to.
    loadings : DataFrame
        The Schmid-Leiman table by item: ``g``, ``F1*`` ... ``Fk*``, ``h2``,
        ``u2``, ``p2`` (psych ``schmid$sl``, rows of flipped items negated).
    oblique, phi : DataFrame
        Oblimin pattern loadings and factor correlations before the
        Schmid-Leiman transformation (psych ``schmid$oblique``, ``$phi``).
    g_loadings : ndarray
        Loadings of the oblique factors on the general factor.
    flipped : tuple of str
        Items whose general loading was negative and which were reversed
        (psych's ``flip``); empty when all items load positively.
    n, k, n_factors : int
    converged : bool
        Whether the minres optimiser and the oblimin rotation converged.
    heywood : bool
        A uniqueness reached the lower bound 0.005 (a Heywood case).
    instrument, wave : str or None
    uniquenesses : ndarray
        The minres optimiser's uniquenesses (psych ``1 - communalities``).
    subscale_labels : dict
        Subscale id -> its name by language, for tables.
    """

    omega_h: float
    omega_total: float
    omega_limit: float
    alpha: float
    g6: float
    ecv: float
    omega_subscales: pd.DataFrame
    loadings: pd.DataFrame
    oblique: pd.DataFrame
    phi: pd.DataFrame
    g_loadings: np.ndarray
    flipped: tuple
    n: int
    k: int
    n_factors: int
    converged: bool = True
    heywood: bool = False
    instrument: "str | None" = None
    wave: "str | None" = None
    uniquenesses: np.ndarray = field(default_factory=lambda: np.array([]))
    subscale_labels: dict = field(default_factory=dict)

    @property
    def _title(self) -> str:  # type: ignore[override]
        what = f" of {self.instrument}" if self.instrument else ""
        at = f" at wave {self.wave!r}" if self.wave else ""
        return (f"Omega hierarchical{what}{at} (Schmid-Leiman, {self.n_factors} group "
                "factors; psych::omega conventions)")

    def to_dict(self) -> dict:
        subs = {idx: {"total": row["total"], "general": row["general"],
                      "group": row["group"], "items": list(row["items"]),
                      "subscale": row["subscale"]}
                for idx, row in self.omega_subscales.iterrows()}
        return jsonable({
            "omega_h": self.omega_h, "omega_total": self.omega_total,
            "omega_limit": self.omega_limit, "alpha": self.alpha, "g6": self.g6,
            "ecv": self.ecv, "omega_subscales": subs,
            "loadings": {c: self.loadings[c].to_dict() for c in self.loadings.columns},
            "phi": self.phi.to_numpy().tolist(), "g_loadings": self.g_loadings,
            "flipped": list(self.flipped), "n": self.n, "k": self.k,
            "n_factors": self.n_factors, "converged": self.converged,
            "heywood": self.heywood, "instrument": self.instrument, "wave": self.wave})

    def to_frame(self) -> pd.DataFrame:
        return self.loadings.copy()

    def to_document(self, lang: str = "en"):
        """Omega summary, per-factor omegas and the Schmid-Leiman loadings as a document."""
        from ..core.document import Column, Document, Note, Table

        what = f" ({self.instrument})" if self.instrument else ""
        title = {"en": f"Omega hierarchical{what}", "zh": f"ω 层级系数{what}"}
        summary = Table(
            key="omega_h", title=title,
            columns=(Column("n", "n", "count"),
                     Column("k", {"en": "Items", "zh": "题数"}, "count"),
                     Column("nf", {"en": "Group factors", "zh": "群因子数"}, "count"),
                     Column("omega_h", "ωh", "reliability"),
                     Column("omega_total", {"en": "ω total", "zh": "ω 总系数"},
                            "reliability"),
                     Column("omega_limit", {"en": "ωh / ω total", "zh": "ωh / ω 总"},
                            "reliability"),
                     Column("ecv", "ECV", "proportion"),
                     Column("alpha", "α", "reliability")),
            rows=[{"n": self.n, "k": self.k, "nf": self.n_factors, "omega_h": self.omega_h,
                   "omega_total": self.omega_total, "omega_limit": self.omega_limit,
                   "ecv": self.ecv, "alpha": self.alpha}],
            notes=(Note({"en": "psych::omega: minres on pairwise correlations, oblimin, "
                               "Schmid-Leiman; alpha of the standardised items.",
                         "zh": "同 psych::omega：成对相关矩阵、最小残差法、oblimin 斜交旋转、"
                               "Schmid-Leiman 变换；α 为标准化题目的 α。"}),))
        groups = Table(
            key="omega_groups",
            title={"en": "Omega per group factor", "zh": "各群因子的 ω 系数"},
            columns=(Column("factor", {"en": "Factor", "zh": "因子"}, "text"),
                     Column("subscale", {"en": "Subscale", "zh": "维度"}, "text"),
                     Column("k", {"en": "Items", "zh": "题数"}, "count"),
                     Column("total", {"en": "ω total", "zh": "ω 总系数"}, "reliability"),
                     Column("general", {"en": "ω general", "zh": "ω 一般因子"},
                            "reliability"),
                     Column("group", {"en": "ω group", "zh": "ω 群因子"}, "reliability")),
            rows=[{"factor": str(f), "subscale": self.subscale_labels.get(r["subscale"],
                                                                          r["subscale"] or ""),
                   "k": len(r["items"]),
                   "total": r["total"], "general": r["general"], "group": r["group"]}
                  for f, r in self.omega_subscales.iterrows()],
            notes=(Note({"en": "Each item belongs to the group factor of its largest group "
                               "loading (psych omega.group).",
                         "zh": "每题归入其群因子载荷绝对值最大的因子（同 psych omega.group）。"}),))
        fcols = [c for c in self.loadings.columns if c.endswith("*")]
        cols = [Column("item", {"en": "Item", "zh": "题目"}, "text"),
                Column("g", "g", "loading")]
        cols += [Column(c, c, "loading") for c in fcols]
        cols += [Column("h2", "h²", "proportion"), Column("u2", "u²", "proportion"),
                 Column("p2", "p²", "proportion")]
        rows = [{"item": str(i), **{c: float(r[c]) for c in ["g", *fcols, "h2", "u2", "p2"]}}
                for i, r in self.loadings.iterrows()]
        notes = []
        if self.flipped:
            notes.append(Note({"en": "Reversed for a negative general loading: "
                                     + ", ".join(self.flipped) + ".",
                               "zh": "因一般因子载荷为负而反向：" + "、".join(self.flipped) + "。"}))
        if self.heywood:
            notes.append(Note({"en": "Heywood case: a uniqueness reached the bound 0.005.",
                               "zh": "出现 Heywood 情形：某题独特性达到下限 0.005。"}))
        sl = Table(key="schmid_leiman",
                   title={"en": "Schmid-Leiman loadings", "zh": "Schmid-Leiman 载荷"},
                   columns=tuple(cols), rows=rows, notes=tuple(notes))
        return Document(title, (summary, groups, sl))

    def _summary_lines(self) -> list[str]:
        lines = [f"omega_h = {self.omega_h:.4f}, omega_total = {self.omega_total:.4f}, "
                 f"omega_limit = {self.omega_limit:.4f}, ECV = {self.ecv:.4f} "
                 f"(n = {self.n}, k = {self.k})"]
        for idx, row in self.omega_subscales.iterrows():
            lines.append(f"{idx} ({row['subscale']}): omega total {row['total']:.4f}, "
                         f"general {row['general']:.4f}, group {row['group']:.4f}")
        if self.flipped:
            lines.append(f"reversed for a negative general loading: {', '.join(self.flipped)}")
        if self.heywood:
            lines.append("Heywood case: a uniqueness reached the bound 0.005")
        return lines


def _top_eigen(S: np.ndarray, nf: int) -> tuple[np.ndarray, np.ndarray]:
    vals, vecs = np.linalg.eigh(S)
    return vals[::-1][:nf], vecs[:, ::-1][:, :nf]


def _minres_loadings(R: np.ndarray, psi: np.ndarray, nf: int, floor: bool) -> np.ndarray:
    S = R.copy()
    np.fill_diagonal(S, 1 - psi)
    vals, vecs = _top_eigen(S, nf)
    if floor:  # psych fit.residuals
        vals = np.where(vals < _EPS, 100 * _EPS, vals)
    else:      # psych FAgr.minres / FAout.wls
        vals = np.maximum(vals, 0.0)
    return vecs * np.sqrt(vals)


def minres(R: np.ndarray, n_factors: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Unrotated minres loadings as psych ``fa(R, nfactors, fm = "minres", rotate = "none")``.

    psych's optimisation repeated: L-BFGS-B on the uniquenesses from ``1 -
    smc``, bounds [0.005, 1], ``parscale = 0.01``, psych's objective (sum of
    squared lower-triangle residuals) and its gradient (the diagonal
    residual ``rowSums(L^2) + psi - 1``), R's stopping rule. Columns signed
    to positive sums (psych).

    Returns
    -------
    loadings : ndarray (k x n_factors)
    psi : ndarray
        The optimiser's uniquenesses (psych ``1 - communalities``).
    converged : bool
    """
    from scipy import optimize
    if n_factors == 1:
        L, ok = minres_one_factor(R, optimizer="psych")
        return L[:, None], 1 - L**2, ok
    k = R.shape[0]
    lower = np.tril_indices(k, -1)
    scale = 0.01

    def fn(y):
        L = _minres_loadings(R, scale * y, n_factors, floor=True)
        r = (R - L @ L.T)[lower]
        return float(r @ r)

    def gr(y):
        psi = scale * y
        L = _minres_loadings(R, psi, n_factors, floor=False)
        return scale * ((L**2).sum(axis=1) + psi - 1)

    res = optimize.minimize(fn, (1 - smc(R)) / scale, jac=gr, method="L-BFGS-B",
                            bounds=[(_LOWER_BOUND / scale, 1.0 / scale)] * k,
                            options={"ftol": 1e7 * _EPS, "gtol": 0.0, "maxcor": 5,
                                     "maxiter": 100})
    psi = scale * res.x
    L = _minres_loadings(R, psi, n_factors, floor=False)
    sign = np.sign(L.sum(axis=0))
    sign[sign == 0] = 1
    return L * sign, psi, bool(res.success)


def _psych_varimax(L: np.ndarray) -> np.ndarray:
    """fa(rotate = "varimax"): stats::varimax, columns signed positive, sorted by variance."""
    L = np.where(L == 0, 1e-15, L)
    rot, _ = varimax(L)
    sign = np.sign(rot.sum(axis=0))
    sign[sign == 0] = 1
    rot = rot * sign
    order = np.argsort(-(rot**2).sum(axis=0), kind="stable")
    return rot[:, order]


def _schmid_leiman(R: np.ndarray, nf: int):
    """psych ``schmid(R, nf, fm = "minres", rotate = "oblimin")`` (option = "equal")."""
    L0, psi, ok_fa = minres(R, nf)
    orth = _psych_varimax(L0)
    fload, phi, info = oblimin(orth, return_info=True)
    if nf > 2:
        g, _, ok_g = minres(phi, 1)
        gload = g[:, 0]
    else:
        ok_g = True
        r12 = phi[0, 1]
        gload = np.array([np.sqrt(abs(r12)), np.sign(r12) * np.sqrt(abs(r12))])
    gprimary = fload @ gload
    h2 = (orth**2).sum(axis=1)
    u2 = 1 - h2
    uniq2 = fload**2 - (fload * gload[None, :]) ** 2   # 1 - (1 - f^2) - (f g)^2
    uniq2 = np.where(uniq2 < 0, 0.0, uniq2)
    sm = np.sign(fload) * np.sqrt(uniq2)
    converged = ok_fa and info["converged"] and ok_g
    return dict(g=gprimary, sm=sm, h2=h2, u2=u2, fload=fload, phi=phi, gload=gload,
                psi=psi, converged=converged)


@quiet_numpy
def omega_hierarchical_items(items: pd.DataFrame, n_factors: int, *,
                             subscales: "dict[str, list[str]] | None" = None
                             ) -> OmegaHierarchicalResult:
    """Omega hierarchical of keyed items with ``n_factors`` group factors.

    The engine behind :func:`omega_hierarchical`; see there for the method.

    Parameters
    ----------
    items : DataFrame or 2-D array
        One column per keyed item; NaN for missing answers.
    n_factors : int
        Number of group factors (at least 2).
    subscales : dict, optional
        Subscale id -> its items, used to label the group factors.

    Returns
    -------
    OmegaHierarchicalResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from stressgroup.reliability import omega_hierarchical_items
    >>> rng = np.random.default_rng(7)
    >>> g, f = rng.normal(size=(300, 1)), rng.normal(size=(300, 3))
    >>> x = 0.6 * g + 0.5 * np.repeat(f, 3, axis=1) + 0.6 * rng.normal(size=(300, 9))
    >>> res = omega_hierarchical_items(pd.DataFrame(x), 3)
    >>> bool(0.4 < res.omega_h < res.omega_total < 1)
    True
    """
    if isinstance(n_factors, bool) or not isinstance(n_factors, (int, np.integer)) \
            or n_factors < 2:
        raise ValueError(f"n_factors must be an integer of at least 2, not {n_factors!r}")
    df = as_item_matrix(items, "items")
    x = df.to_numpy(dtype=float)
    n, k = x.shape
    if k < 2 * n_factors:
        raise ValueError(f"{n_factors} group factors need at least {2 * n_factors} items; "
                         f"there are {k}")
    R = pairwise_cor(x)
    if np.isnan(R).any():
        raise ValueError("the correlation matrix has missing entries (an item without "
                         "variance, or two items never answered together)")
    if np.linalg.eigvalsh(R)[0] < 1e-10:
        warnings.warn("the correlation matrix is not positive definite (fewer people than "
                      "items, or items that are linear combinations of others); the squared "
                      "multiple correlations come from a pseudo-inverse, as psych does",
                      DegenerateDataWarning, stacklevel=2)
    if n_factors == 2:
        warnings.warn("with two group factors the general factor is not identified: its "
                      "loadings on the two factors are set equal (sqrt|phi_12|, psych's "
                      "option 'equal'); omega_h needs three or more group factors to be "
                      "meaningful", DegenerateDataWarning, stacklevel=2)
    sl = _schmid_leiman(R, n_factors)
    names = [str(c) for c in df.columns]
    g, sm = sl["g"].copy(), sl["sm"].copy()
    key = np.sign(g)
    key[key == 0] = 1
    M = R
    flipped: tuple = ()
    if (key < 0).any():
        M = R * key[:, None] * key[None, :]
        g, sm = g * key, sm * key[:, None]
        flipped = tuple(nm for nm, s in zip(names, key) if s < 0)
    vt = M.sum()
    u2 = sl["u2"]
    gsq = g.sum() ** 2
    om_tot = (vt - u2.sum()) / vt
    om_h = gsq / vt
    om_lim = gsq / (vt - u2.sum())
    alpha = (vt - np.trace(M)) / vt * k / (k - 1)
    g6 = (vt + smc(M).sum() - np.trace(M)) / vt
    ev = np.concatenate([[(g**2).sum()], (sm**2).sum(axis=0)])
    ecv = ev[0] / ev.sum()
    # psych omega.group: each item to the group factor with its largest |loading|
    sub = np.argmax(np.abs(sm), axis=1)
    rows = []
    member = {}
    for nm, items_ in (subscales or {}).items():
        for it in items_:
            member.setdefault(str(it), nm)
    for j in range(n_factors):
        gi = np.flatnonzero(sub == j)
        label = f"F{j + 1}*"
        if gi.size:
            vgr = M[np.ix_(gi, gi)].sum()
            gr = sm[gi, j].sum()
            gg = g[gi].sum()
            its = tuple(names[i] for i in gi)
            owners = [member[i] for i in its if i in member]
            subscale = max(set(owners), key=lambda s: (owners.count(s), -owners.index(s))) \
                if owners else None
            rows.append((label, (gr**2 + gg**2) / vgr, gg**2 / vgr, gr**2 / vgr, its, subscale))
        else:
            rows.append((label, np.nan, np.nan, np.nan, (), None))
    om_sub = pd.DataFrame(rows, columns=["factor", "total", "general", "group", "items",
                                         "subscale"]).set_index("factor")
    idx = pd.Index(names, name="item")
    fcols = [f"F{j + 1}*" for j in range(n_factors)]
    loadings = pd.DataFrame(np.column_stack([g, sm, sl["h2"], u2, g**2 / sl["h2"]]),
                            index=idx, columns=["g", *fcols, "h2", "u2", "p2"])
    ocols = [f"F{j + 1}" for j in range(n_factors)]
    heywood = bool((sl["psi"] <= _LOWER_BOUND + 1e-9).any() or (sl["h2"] >= 1).any())
    if heywood:
        warnings.warn("Heywood case: an item's uniqueness reached the lower bound 0.005 "
                      "(its communality is about 1); the solution may be improper and "
                      "psych's optimiser may stop at a slightly different point",
                      DegenerateDataWarning, stacklevel=2)
    if not sl["converged"]:
        warnings.warn("the minres optimiser or the oblimin rotation did not converge",
                      DegenerateDataWarning, stacklevel=2)
    return OmegaHierarchicalResult(
        omega_h=float(om_h), omega_total=float(om_tot), omega_limit=float(om_lim),
        alpha=float(alpha), g6=float(g6), ecv=float(ecv), omega_subscales=om_sub,
        loadings=loadings, oblique=pd.DataFrame(sl["fload"], index=idx, columns=ocols),
        phi=pd.DataFrame(sl["phi"], index=ocols, columns=ocols), g_loadings=sl["gload"],
        flipped=flipped, n=n, k=k, n_factors=n_factors, converged=sl["converged"],
        heywood=heywood, uniquenesses=sl["psi"])


def omega_hierarchical(responses, instrument: "Instrument | str", wave: "str | None" = "pre",
                       *, n_factors: "int | None" = None) -> OmegaHierarchicalResult:
    """Omega hierarchical and omega total of an instrument, as R ``psych::omega``.

    Parameters
    ----------
    responses : Responses or DataFrame
        One row per person per wave with the item columns (and ``wave``).
    instrument : Instrument or str
    wave : str or None
        The wave to use (default ``"pre"``); ``None`` uses every row.
    n_factors : int, optional
        Group factors; default the number of subscales.

    Returns
    -------
    OmegaHierarchicalResult

    Notes
    -----
    As ``psych::omega(keyed, nfactors = n_factors)`` (psych 2.2.9,
    GPArotation 2022.10-2): ``R`` is the pairwise-complete correlation
    matrix of the keyed items (reverse items as ``min + max - x``, from the
    declared range) of the subscales; ``n_factors`` minres factors (psych's
    L-BFGS-B repeated, see :func:`minres`), varimax (``stats::varimax``),
    oblimin from there (GPArotation's GPFoblq, quartimin, no normalisation,
    ``eps = 1e-5``); the factor correlations ``Phi`` get a one-factor minres
    fit whose loadings ``gamma`` are the factors' general loadings (with two
    factors ``sqrt(|phi_12|)`` each, psych's ``option = "equal"``).
    Schmid-Leiman: ``g = F gamma``, group loadings ``sign(F) sqrt(F^2 (1 -
    gamma^2))``, ``h2`` and ``u2 = 1 - h2`` from the varimax loadings.
    Items with a negative ``g`` are reversed (``R`` and their loadings;
    ``flipped``). ``omega_h = (sum g)^2 / sum R``, ``omega_total = (sum R -
    sum u2) / sum R``. Per group factor (items assigned by their largest
    group loading, psych ``omega.group``): ``group = (sum s_j)^2 /
    sum R_jj``, ``general = (sum g_j)^2 / sum R_jj``, ``total`` their sum.

    The rotations repeat R's iterations exactly; the minres step uses
    scipy's L-BFGS-B with psych's settings, which agrees with R's to about
    1e-7 when the optimum is interior. In a Heywood case (a uniqueness at
    the bound 0.005) the two optimisers stop at different points and the
    loadings differ by up to about 1e-4 (:class:`DegenerateDataWarning`).

    References
    ----------
    McDonald (1999); Zinbarg, Revelle, Yovel & Li (2005); Schmid & Leiman
    (1957); Bernaards & Jennrich (2005), GPArotation; Revelle, psych
    ``omega``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from stressgroup import load_instrument
    >>> from stressgroup.reliability import omega_hierarchical
    >>> inst = load_instrument("five-level-stress")
    >>> rng = np.random.default_rng(11)
    >>> g, f = rng.normal(size=(400, 1)), rng.normal(size=(400, 5))
    >>> z = 0.6 * g + 0.5 * np.repeat(f, 5, axis=1) + 0.6 * rng.normal(size=(400, 25))
    >>> x = np.clip(np.rint(3 + z), 1, 5)
    >>> df = pd.DataFrame(x, columns=inst.item_ids)
    >>> df[list(inst.reverse_items)] = 6 - df[list(inst.reverse_items)]
    >>> df.insert(0, "wave", "pre")
    >>> res = omega_hierarchical(df, inst)
    >>> res.n_factors, sorted(res.omega_subscales["subscale"])[:2]
    (5, ['family', 'individual'])
    """
    instrument = load_instrument(instrument)
    data = as_frame(responses)
    if wave is not None and "wave" in data.columns:
        data = data[data["wave"].astype(str) == str(wave)]
        if data.empty:
            raise DataError(f"no rows for wave {wave!r}")
    subs = {s.id: list(s.items) for s in instrument.subscales}
    in_subs = {i for its in subs.values() for i in its}
    items = [i for i in instrument.item_ids if i in in_subs]
    keyed = key_items(data, instrument, items)
    nf = len(subs) if n_factors is None else n_factors
    if nf < 2:
        raise ValueError("omega hierarchical needs at least two group factors (the "
                         "instrument has one subscale; pass n_factors)")
    res = omega_hierarchical_items(keyed, nf, subscales=subs)
    names = {s.id: {lang: s.label(lang) for lang in ("en", "zh")}
             for s in instrument.subscales}
    return OmegaHierarchicalResult(**{**res.__dict__, "instrument": instrument.id,
                                      "wave": wave, "subscale_labels": names})

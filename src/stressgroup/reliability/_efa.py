"""Exploratory factor analysis as R ``psych::fa`` and ``psych::fa.parallel``.

Fitting (minres, principal axis), rotation (GPArotation's oblimin, stats'
varimax) and psych's ordering and sign conventions are repeated step by step,
so that the loadings agree with R to about 1e-9 (see tests/reference/efa.R).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..core.errors import MeasurementWarning
from ..core.progress import progress
from ..core.results import jsonable, quiet_numpy
from ..report import Reportable
from ._matrix import cov2cor
from ._validity import Missing, item_correlation

__all__ = ["efa", "EFAResult", "parallel_analysis", "ParallelResult", "cor_smooth"]

Method = Literal["minres", "pa"]
Rotation = Literal["oblimin", "varimax", "none"]
_PREFIX = {"minres": "MR", "pa": "PA"}
_EPS = np.finfo(float).eps


# --------------------------------------------------------------------- helpers
def _eigh_desc(S: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    vals, vecs = np.linalg.eigh(S)
    return vals[::-1], vecs[:, ::-1]


def cor_smooth(R: np.ndarray, eig_tol: float = 1e-12) -> np.ndarray:
    """Smooth a non-positive-definite correlation matrix as ``psych::cor.smooth``.

    Eigenvalues below ``eig_tol`` become ``100 * eig_tol``, all are rescaled to
    sum to the number of items, the matrix is rebuilt and rescaled to a unit
    diagonal. A positive-definite matrix is returned unchanged.
    """
    vals, vecs = _eigh_desc(R)
    if vals.min() >= _EPS:
        return R
    vals = vals.copy()
    vals[vals < eig_tol] = 100 * eig_tol
    vals = vals * R.shape[0] / vals.sum()
    return cov2cor((vecs * vals) @ vecs.T)


def smc(R: np.ndarray) -> np.ndarray:
    """Squared multiple correlations as psych ``smc``: ``1 - 1/diag(Pinv(R))``,
    clipped to [0, 1].

    psych's ``Pinv`` drops singular values at or below ``sqrt(eps)`` times the
    largest, which matters for nearly singular (e.g. smoothed) matrices;
    ``_matrix.smc`` (numpy's default cut-off) agrees with it otherwise.
    """
    u, d, vt = np.linalg.svd(R)
    keep = d > max(np.sqrt(_EPS) * d[0], 0.0)
    inv = (vt[keep].T / d[keep]) @ u[:, keep].T
    return np.clip(1 - 1 / np.diag(inv), 0.0, 1.0)


def _wls_loadings(R: np.ndarray, psi: np.ndarray, nf: int) -> np.ndarray:
    """psych ``FAout.wls``: principal axes of ``R - diag(psi)``."""
    vals, vecs = _eigh_desc(R - np.diag(psi))
    return vecs[:, :nf] * np.sqrt(np.maximum(vals[:nf], 0.0))


def _minres(R: np.ndarray, nf: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """psych ``fa(fm = "minres")``: L-BFGS-B on the uniquenesses.

    The one-factor version of this optimisation is
    :func:`stressgroup.reliability._omega.minres_one_factor` (``optimizer =
    "psych"``); this is the same with ``nf`` factors: start ``1 - smc``,
    bounds [0.005, 1], ``parscale = 0.01``, psych's objective (sum of squared
    lower-triangle residuals, eigenvalues below machine epsilon set to
    ``100 eps``) and psych's gradient (the diagonal residual, ``FAgr.minres``),
    R's default stopping rule (``factr = 1e7``, ``lmm = 5``, ``maxit = 100``).
    """
    from scipy import optimize
    k = R.shape[0]
    lower = np.tril_indices(k, -1)
    scale = 0.01
    s = smc(R)
    start = np.full(k, 0.5) if (s.sum() == nf and nf > 1) else 1 - s

    def fn(y):
        vals, vecs = _eigh_desc(R - np.diag(scale * y))
        v = vals[:nf].copy()
        v[v < _EPS] = 100 * _EPS
        L = vecs[:, :nf] * np.sqrt(v)
        r = (R - L @ L.T)[lower]
        return float(r @ r)

    def gr(y):
        psi = scale * y
        L = _wls_loadings(R, psi, nf)
        return scale * ((L**2).sum(axis=1) + psi - 1)

    res = optimize.minimize(fn, start / scale, jac=gr, method="L-BFGS-B",
                            bounds=[(0.005 / scale, 1.0 / scale)] * k,
                            options={"ftol": 1e7 * _EPS, "gtol": 0.0, "maxcor": 5,
                                     "maxiter": 100})
    psi = scale * res.x
    return _wls_loadings(R, psi, nf), psi, bool(res.success)


def _principal_axis(R: np.ndarray, nf: int, min_err: float = 0.001, max_iter: int = 50
                    ) -> tuple[np.ndarray, np.ndarray, bool]:
    """psych ``fa(fm = "pa")``: iterated principal axes from the smc.

    Stops when the sum of the communalities changes by less than ``min_err``
    or after ``max_iter`` passes (psych's defaults). Returns the loadings, the
    eigenvalues of the last reduced matrix factored (psych's ``values``) and
    whether it converged.
    """
    S = R.copy()
    np.fill_diagonal(S, smc(R))
    comm = float(np.trace(S))
    err, i, ok = comm, 1, True
    vals = np.full(R.shape[0], np.nan)
    L = np.zeros((R.shape[0], nf))
    while err > min_err:
        vals, vecs = _eigh_desc(S)
        with np.errstate(invalid="ignore"):
            L = vecs[:, :nf] * np.sqrt(vals[:nf])
        new = (L**2).sum(axis=1)
        comm1 = float(new.sum())
        np.fill_diagonal(S, new)
        err = abs(comm - comm1)
        if np.isnan(err):
            ok = False
            break
        comm = comm1
        i += 1
        if i > max_iter:
            ok = False
            err = 0.0
    return L, vals, ok


def _oblimin(A: np.ndarray, gam: float = 0.0, eps: float = 1e-5, maxit: int = 1000,
             normalize: bool = False) -> tuple[np.ndarray, np.ndarray, bool]:
    """GPArotation ``oblimin`` (``GPFoblq``, identity start; ``normalize = TRUE``
    divides each row by its length before and multiplies after, Kaiser's
    normalisation)."""
    if normalize:
        w = np.sqrt((A**2).sum(axis=1))[:, None]
        L, phi, ok = _oblimin(A / w, gam, eps, maxit)
        return L * w, phi, ok
    m = A.shape[1]
    off = 1.0 - np.eye(m)
    p = A.shape[0]

    def vgq(L):
        X = (L**2) @ off
        if gam != 0:
            X = (np.eye(p) - gam / p) @ X
        return L * X, float((L**2 * X).sum() / 4)

    T = np.eye(m)
    al = 1.0
    Ti = np.linalg.inv(T)
    L = A @ Ti.T
    Gq, f = vgq(L)
    G = -(L.T @ Gq @ Ti).T
    s = np.inf
    for _ in range(maxit + 1):
        Gp = G - T * (T * G).sum(axis=0)
        s = float(np.sqrt((Gp**2).sum()))
        if s < eps:
            break
        al *= 2
        for _ in range(11):
            X = T - al * Gp
            Tt = X / np.sqrt((X**2).sum(axis=0))
            Tti = np.linalg.inv(Tt)
            L = A @ Tti.T
            Gqt, ft = vgq(L)
            if f - ft > 0.5 * s**2 * al:
                break
            al /= 2
        T, f = Tt, ft
        G = -(L.T @ Gqt @ Tti).T
    return L, T.T @ T, bool(s < eps)


def _varimax(x: np.ndarray, eps: float = 1e-5, normalize: bool = True
             ) -> tuple[np.ndarray, bool]:
    """R ``stats::varimax(x, normalize, eps = 1e-5)`` (Kaiser normalisation by default)."""
    sc = np.sqrt((x**2).sum(axis=1)) if normalize else np.ones(x.shape[0])
    x = x / sc[:, None]
    p, nc = x.shape
    TT = np.eye(nc)
    d = 0.0
    ok = False
    for _ in range(1000):
        z = x @ TT
        B = x.T @ (z**3 - z * (z**2).sum(axis=0) / p)
        u, sv, vt = np.linalg.svd(B)
        TT = u @ vt
        dpast, d = d, float(sv.sum())
        if d < dpast * (1 + eps):
            ok = True
            break
    return (x @ TT) * sc[:, None], ok


def _fa_values(R: np.ndarray, method: str) -> np.ndarray:
    """psych ``fa(R, nfactors = 1, rotate = "none", fm)$values`` (what
    ``fa.parallel`` compares): eigenvalues of ``R`` with the one-factor
    communalities on the diagonal (principal axis: of the last reduced matrix)."""
    if method == "pa":
        return _principal_axis(R, 1)[1]
    L = _minres(R, 1)[0]
    S = R.copy()
    np.fill_diagonal(S, (L**2).sum(axis=1))
    return _eigh_desc(S)[0]


# ------------------------------------------------------------ parallel analysis
@dataclass(frozen=True, repr=False)
class ParallelResult(Reportable):
    """Horn's parallel analysis on factor eigenvalues (psych ``fa.parallel(fa = "fa")``).

    Attributes
    ----------
    n_factors : int
        Number of leading observed eigenvalues above the simulated quantile.
    observed : pandas.Series
        Eigenvalues of the correlation matrix with one-factor communalities on
        its diagonal (psych's ``fa.values``), indexed 1..k.
    simulated_mean, simulated_quantile, simulated_sd : pandas.Series
        Over the simulated normal data sets (psych's ``fa.sim`` is the mean).
    simulated : numpy.ndarray
        The simulated eigenvalues, one row per data set.
    n, n_iter : int
    quantile : float
    seed : int or None
    """

    n_factors: int
    observed: pd.Series
    simulated_mean: pd.Series
    simulated_quantile: pd.Series
    simulated_sd: pd.Series
    simulated: np.ndarray
    n: int
    n_iter: int
    quantile: float
    seed: int | None
    method: str = "minres"
    _title = "Parallel analysis (factor eigenvalues; psych::fa.parallel)"

    def to_dict(self) -> dict:
        return jsonable({"n_factors": self.n_factors, "observed": self.observed.to_numpy(),
                         "simulated_mean": self.simulated_mean.to_numpy(),
                         "simulated_quantile": self.simulated_quantile.to_numpy(),
                         "simulated_sd": self.simulated_sd.to_numpy(), "n": self.n,
                         "n_iter": self.n_iter, "quantile": self.quantile,
                         "seed": self.seed, "method": self.method})

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"observed": self.observed, "simulated_mean": self.simulated_mean,
                             "simulated_quantile": self.simulated_quantile})

    def _summary_lines(self) -> list[str]:
        return [f"suggested factors: {self.n_factors} ({self.n_iter} simulated data sets of "
                f"{self.n} x {len(self.observed)}, quantile {self.quantile:g})"]

    def _table(self):
        from ..core.document import Column, Note, Table

        q = f"{100 * self.quantile:g}"
        rows = [{"factor": int(f), "observed": float(self.observed[f]),
                 "mean": float(self.simulated_mean[f]),
                 "quantile": float(self.simulated_quantile[f]),
                 "kept": {"en": "yes", "zh": "是"} if f <= self.n_factors else ""}
                for f in self.observed.index]
        return Table(
            key="efa_parallel", title={"en": "Parallel analysis", "zh": "平行分析"},
            columns=(Column("factor", {"en": "Factor", "zh": "因子"}, "count"),
                     Column("observed", {"en": "Observed eigenvalue", "zh": "实际特征值"}),
                     Column("mean", {"en": "Simulated mean", "zh": "模拟均值"}),
                     Column("quantile", {"en": f"Simulated {q}th percentile",
                                         "zh": f"模拟第 {q} 百分位数"}),
                     Column("kept", {"en": "Retained", "zh": "保留"}, "text")),
            rows=rows,
            notes=(Note({"en": f"Eigenvalues of the correlation matrix with one-factor "
                               f"communalities ({self.method}); {self.n_iter} simulated normal "
                               f"data sets of {self.n} x {len(self.observed)}. Factors are "
                               f"retained while the observed eigenvalue exceeds the simulated "
                               f"percentile: {self.n_factors}.",
                         "zh": f"特征值取自以单因子共同度为对角线的相关矩阵（{self.method}）；"
                               f"模拟 {self.n_iter} 组 {self.n} × {len(self.observed)} 的正态"
                               f"数据。实际特征值大于模拟百分位数的因子予以保留：{self.n_factors} 个。"}),))

    def to_document(self, lang: str = "en"):
        """The parallel analysis table as a :class:`~stressgroup.core.document.Document`."""
        from ..core.document import Document

        table = self._table()
        return Document(table.title, (table,))


def _parallel_from_matrix(R: np.ndarray, n: int, *, n_iter: int, quantile: float,
                          method: str, seed, simulated) -> ParallelResult:
    k = R.shape[0]
    observed = _fa_values(R, method)
    if simulated is None:
        rng = np.random.default_rng(seed)
        simulated = np.empty((n_iter, k))
        with progress(n_iter, {"en": "parallel analysis", "zh": "平行分析"}) as bar:
            for i in bar.iterate(range(n_iter)):
                z = rng.standard_normal((n, k))
                simulated[i] = _fa_values(np.corrcoef(z, rowvar=False), method)
    else:
        simulated = np.asarray(simulated, dtype=float)
        if simulated.ndim != 2 or simulated.shape[1] != k:
            raise ValueError(f"simulated must be an array of shape (n_iter, {k})")
        n_iter = simulated.shape[0]
    q = np.quantile(simulated, quantile, axis=0)      # R quantile type 7
    above = ~(observed > q)
    nf = int(np.argmax(above)) if above.any() else k
    idx = pd.RangeIndex(1, k + 1, name="factor")
    return ParallelResult(nf, pd.Series(observed, index=idx),
                          pd.Series(simulated.mean(axis=0), index=idx),
                          pd.Series(q, index=idx),
                          pd.Series(simulated.std(axis=0, ddof=1) if n_iter > 1
                                    else np.full(k, np.nan), index=idx),
                          simulated, int(n), int(n_iter), float(quantile), seed, method)


def _check_common(n_iter, quantile, method):
    if method not in _PREFIX:
        raise ValueError(f"method must be 'minres' or 'pa', not {method!r}")
    if isinstance(n_iter, bool) or not isinstance(n_iter, (int, np.integer)) or n_iter < 2:
        raise ValueError(f"n_iter must be an integer of at least 2, not {n_iter!r}")
    if not 0 < quantile < 1:
        raise ValueError(f"quantile must lie between 0 and 1, not {quantile!r}")


@quiet_numpy
def parallel_analysis(items, *, n_iter: int = 20, quantile: float = 0.95,
                      method: Method = "minres", seed: int | None = None,
                      simulated=None, missing: Missing = "pairwise") -> ParallelResult:
    """Horn's parallel analysis for the number of factors (psych ``fa.parallel(fa = "fa")``).

    Parameters
    ----------
    items : DataFrame or 2-D array
        One column per item; NaN for missing answers.
    n_iter : int
        Simulated data sets (psych's default 20).
    quantile : float
        Quantile of the simulated eigenvalues an observed one must exceed (psych's ``quant``).
    method : {"minres", "pa"}
        Factoring method for the one-factor communalities (psych's ``fm``).
    seed : int, optional
        Seed for ``numpy.random.default_rng``.
    simulated : array of shape (n_iter, k), optional
        Simulated eigenvalues to use instead of simulating (e.g. the ones R
        drew); then ``n_iter`` and ``seed`` are ignored.
    missing : {"pairwise", "listwise"}

    Returns
    -------
    ParallelResult

    Notes
    -----
    Observed: the eigenvalues of ``R`` with the communalities of a one-factor
    fit on its diagonal (``fa(R, 1, rotate = "none", fm)$values``).
    Simulated: the same for the correlations of ``n x k`` standard normal data
    (``n`` = all rows, as psych). The number of factors is the count of
    leading observed eigenvalues that exceed the simulated ``quantile``
    (``which(!(fa.values > fa.sim.ci))[1] - 1``, psych's rule with its
    default ``sim = TRUE``). psych also resamples the observed data; with
    ``sim = TRUE`` those values do not enter the decision and are not drawn
    here. R's random numbers cannot be reproduced: the observed eigenvalues
    and the rule match R exactly, the simulated quantiles only in distribution
    (pass R's own draws as ``simulated`` to reproduce R's decision). If every
    observed eigenvalue exceeds its quantile (R: NA) ``n_factors`` is ``k``.

    References
    ----------
    Horn, J. L. (1965). A rationale and test for the number of factors in factor
    analysis. *Psychometrika*, 30, 179-185.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from stressgroup.reliability import parallel_analysis
    >>> rng = np.random.default_rng(2)
    >>> f = rng.normal(size=(300, 2))
    >>> x = pd.DataFrame(np.repeat(f, 3, axis=1) + rng.normal(size=(300, 6)))
    >>> parallel_analysis(x, seed=1).n_factors
    2
    """
    _check_common(n_iter, quantile, method)
    _, R, n = item_correlation(items, missing)
    return _parallel_from_matrix(R, n, n_iter=n_iter, quantile=quantile, method=method,
                                 seed=seed, simulated=simulated)


# ------------------------------------------------------------------------- efa
@dataclass(frozen=True, repr=False)
class EFAResult(Reportable):
    """An exploratory factor analysis (psych ``fa`` conventions).

    Attributes
    ----------
    loadings : pandas.DataFrame
        Items x factors: the pattern matrix after rotation, columns in psych's
        order (by variance explained) and named as psych names them (``MR2``,
        ``MR1``, ... keep the extraction order's numbers).
    communalities, uniquenesses : pandas.Series
        ``h2`` (row sums of squared unrotated loadings) and ``u2 = 1 - h2``, by item.
    eigenvalues : pandas.Series
        Eigenvalues of the correlation matrix (SPSS's initial eigenvalues), 1..k.
    factor_eigenvalues : pandas.Series
        Eigenvalues of the reduced matrix (psych's ``values``).
    phi : pandas.DataFrame or None
        Factor correlations (oblique rotations).
    structure : pandas.DataFrame
        Structure matrix ``loadings @ phi`` (the loadings when orthogonal).
    variance : pandas.DataFrame
        SPSS's "Total Variance Explained", one row per factor 1..k: initial
        ``initial_total``, ``initial_pct``, ``initial_cum_pct``; extraction
        ``extraction_total``, ``extraction_pct``, ``extraction_cum_pct``;
        rotation ``rotation_total``, ``rotation_pct``, ``rotation_cum_pct``
        (NaN past ``n_factors``; oblique: totals only, see :func:`efa`), and
        ``rotation_total_psych`` (oblique only).
    n_factors, n, k : int
    method, rotation, missing : str
    parallel : ParallelResult or None
        The parallel analysis, when it chose ``n_factors``.
    converged : bool
    smoothed : bool
        Whether the correlation matrix was smoothed before fitting.
    """

    loadings: pd.DataFrame
    communalities: pd.Series
    uniquenesses: pd.Series
    eigenvalues: pd.Series
    factor_eigenvalues: pd.Series
    phi: pd.DataFrame | None
    structure: pd.DataFrame
    variance: pd.DataFrame
    n_factors: int
    n: int
    k: int
    method: str
    rotation: str
    missing: str
    parallel: ParallelResult | None
    converged: bool
    smoothed: bool
    _title = "Exploratory factor analysis (psych::fa conventions)"

    def to_dict(self) -> dict:
        return jsonable({
            "loadings": {f: self.loadings[f].to_dict() for f in self.loadings.columns},
            "communalities": self.communalities.to_dict(),
            "uniquenesses": self.uniquenesses.to_dict(),
            "eigenvalues": self.eigenvalues.to_numpy(),
            "variance": {c: self.variance[c].to_numpy() for c in self.variance.columns},
            "phi": (None if self.phi is None
                    else {f: self.phi[f].to_dict() for f in self.phi.columns}),
            "n_factors": self.n_factors, "n": self.n, "k": self.k, "method": self.method,
            "rotation": self.rotation, "missing": self.missing,
            "parallel": None if self.parallel is None else self.parallel.to_dict(),
            "converged": self.converged, "smoothed": self.smoothed})

    def to_frame(self) -> pd.DataFrame:
        out = self.loadings.copy()
        out["h2"] = self.communalities
        out["u2"] = self.uniquenesses
        return out

    def to_document(self, lang: str = "en"):
        """The EFA tables (variance explained, sorted loadings, factor correlations,
        parallel analysis) as a :class:`~stressgroup.core.document.Document`."""
        from ..core.document import Column, Document, Note, Table

        m, k = self.n_factors, self.k
        v = self.variance
        oblique = self.phi is not None

        def val(x):
            return None if x is None or not np.isfinite(x) else float(x)

        cols = [Column("factor", {"en": "Factor", "zh": "因子"}, "count"),
                Column("initial_total", {"en": "Initial eigenvalue", "zh": "初始特征值"}),
                Column("initial_pct", {"en": "% of variance", "zh": "方差百分比"}, "percent"),
                Column("initial_cum_pct", {"en": "Cumulative %", "zh": "累积 %"}, "percent"),
                Column("extraction_total", {"en": "Extraction SS loadings",
                                            "zh": "提取载荷平方和"}),
                Column("extraction_pct", {"en": "% of variance", "zh": "方差百分比"}, "percent"),
                Column("extraction_cum_pct", {"en": "Cumulative %", "zh": "累积 %"},
                       "percent")]
        if m > 1:
            cols.append(Column("rotation_total", {"en": "Rotation SS loadings",
                                                  "zh": "旋转载荷平方和"}))
            if not oblique:
                cols += [Column("rotation_pct", {"en": "% of variance", "zh": "方差百分比"},
                                "percent"),
                         Column("rotation_cum_pct", {"en": "Cumulative %", "zh": "累积 %"},
                                "percent")]
        keys = [c.key for c in cols]
        rows = [{"factor": int(f), **{c: val(v.loc[f, c]) for c in keys[1:]}} for f in v.index]
        method = {"minres": {"en": "minimum residual", "zh": "最小残差法"},
                  "pa": {"en": "principal axis factoring", "zh": "主轴因子法"}}[self.method]
        rot = {"oblimin": {"en": "direct oblimin", "zh": "直接斜交 (oblimin)"},
               "varimax": {"en": "varimax with Kaiser normalisation",
                           "zh": "最大方差法 (Kaiser 标准化)"},
               "none": {"en": "no rotation", "zh": "未旋转"}}[self.rotation]
        how = ({"en": f" The number of factors ({m}) was chosen by parallel analysis "
                      f"({self.parallel.n_iter} simulated data sets).",
                "zh": f"因子数 ({m}) 由平行分析确定（{self.parallel.n_iter} 组模拟数据）。"}
               if self.parallel is not None else {"en": "", "zh": ""})
        var_notes = [Note({"en": f"Extraction: {method['en']}; rotation: {rot['en']}; "
                                 f"n = {self.n}, {k} items.{how['en']}",
                           "zh": f"提取方法：{method['zh']}；旋转方法：{rot['zh']}；"
                                 f"n = {self.n}，{k} 个题项。{how['zh']}"})]
        if oblique:
            var_notes.append(Note({"en": "When factors are correlated, sums of squared "
                                         "loadings cannot be added to obtain a total "
                                         "variance (rotation SS from the structure matrix).",
                                   "zh": "因子相关时，旋转载荷平方和不能相加得到总方差"
                                         "（由结构矩阵计算）。"}))
        variance = Table(key="efa_variance",
                         title={"en": "Total variance explained", "zh": "总方差解释"},
                         columns=cols, rows=rows, notes=var_notes)

        L = self.loadings
        main = L.abs().to_numpy().argmax(axis=1)
        order = sorted(range(k), key=lambda i: (main[i], -abs(L.iloc[i, main[i]])))
        lcols = ([Column("item", {"en": "Item", "zh": "题项"}, "text")]
                 + [Column(f"f_{f}", f, "loading", blank_below=0.30) for f in L.columns]
                 + [Column("h2", {"en": "h2", "zh": "共同度 h2"}, "proportion"),
                    Column("u2", {"en": "u2", "zh": "独特性 u2"}, "proportion")])
        lrows = [{"item": str(L.index[i]),
                  **{f"f_{f}": float(L.iloc[i, j]) for j, f in enumerate(L.columns)},
                  "h2": float(self.communalities.iloc[i]),
                  "u2": float(self.uniquenesses.iloc[i])} for i in order]
        what = ({"en": "pattern matrix", "zh": "模式矩阵"} if oblique
                else {"en": "rotated loadings" if self.rotation != "none" else "loadings",
                      "zh": "旋转后载荷" if self.rotation != "none" else "载荷"})
        loadings = Table(key="efa_loadings",
                         title={"en": f"Factor loadings ({what['en']})",
                                "zh": f"因子载荷（{what['zh']}）"},
                         columns=lcols, rows=lrows,
                         notes=[Note({"en": "Loadings below .30 in absolute value are left "
                                            "blank; items sorted by their main factor.",
                                      "zh": "绝对值小于 0.30 的载荷未列出；题项按主要因子排序。"})])
        blocks = [variance, loadings]
        if oblique:
            pcols = ([Column("factor", {"en": "Factor", "zh": "因子"}, "text")]
                     + [Column(f"f_{f}", f, "correlation") for f in self.phi.columns])
            prow = [{"factor": str(f), **{f"f_{g}": float(self.phi.loc[f, g])
                                          for g in self.phi.columns}} for f in self.phi.index]
            blocks.append(Table(key="efa_phi", title={"en": "Factor correlations",
                                                      "zh": "因子相关矩阵"},
                                columns=pcols, rows=prow))
        if self.parallel is not None:
            blocks.append(self.parallel._table())
        return Document({"en": "Exploratory factor analysis", "zh": "探索性因子分析"},
                        tuple(blocks))

    def _summary_lines(self) -> list[str]:
        lines = [f"{self.n_factors} factor(s), {self.method}, rotation {self.rotation}, "
                 f"n = {self.n}, k = {self.k}"]
        if self.parallel is not None:
            lines.append(f"n_factors chosen by parallel analysis ({self.parallel.n_iter} "
                         "simulated data sets)")
        v = self.variance
        m = self.n_factors
        lines.append(f"extraction: {v['extraction_cum_pct'].iloc[m - 1]:.1f}% of the variance")
        return lines


def _heywood_and_fit_warnings(h2, psi, items, method, ok, rot_ok):
    heywood = [str(c) for c, v in zip(items, h2) if v >= 1]
    if heywood:
        warnings.warn(f"Heywood case: communality >= 1 for {', '.join(heywood)} (a uniqueness "
                      "at or below zero); the solution is improper, try fewer factors or "
                      "drop/merge near-duplicate items", MeasurementWarning, stacklevel=3)
    elif method == "minres":
        at = [str(c) for c, v in zip(items, psi) if v <= 0.005 * (1 + 1e-9)]
        if at:
            warnings.warn(f"Heywood case: the uniqueness of {', '.join(at)} stopped at the "
                          "lower bound 0.005 (as psych::fa); the solution is improper",
                          MeasurementWarning, stacklevel=3)
    if not ok:
        warnings.warn(f"the {method} fit did not converge within psych's iteration limit; "
                      "the estimates are those of the last iteration", MeasurementWarning,
                      stacklevel=3)
    if not rot_ok:
        warnings.warn("the rotation did not converge (1000 iterations); the loadings are those "
                      "of the last iteration", MeasurementWarning, stacklevel=3)


@quiet_numpy
def efa(items, n_factors: int | None = None, method: Method = "minres",
        rotation: Rotation = "oblimin", seed: int | None = None, *,
        missing: Missing = "pairwise", smooth: bool = False, normalize: bool | None = None,
        n_iter: int = 20, quantile: float = 0.95, simulated=None) -> EFAResult:
    """Exploratory factor analysis with psych's fitting, rotation and conventions.

    Parameters
    ----------
    items : DataFrame or 2-D array
        One column per item; NaN for missing answers.
    n_factors : int, optional
        Factors to extract (1 to k - 1). ``None``: chosen by
        :func:`parallel_analysis` (``n_iter``, ``quantile``, ``seed``,
        ``simulated`` are passed on).
    method : {"minres", "pa"}
        Minimum residual (psych's default; unweighted least squares) or
        principal axis factoring (SPSS's "Principal axis factoring").
    rotation : {"oblimin", "varimax", "none"}
        ``"oblimin"``: GPArotation's direct oblimin, gamma = 0 (quartimin), no
        row normalisation (psych's default; SPSS normalises rows for oblimin,
        so SPSS's oblimin loadings differ slightly); ``"varimax"``: varimax with
        Kaiser normalisation (``stats::varimax``, what SPSS prints; psych's
        ``rotate = "varimax"``). A single factor is not rotated.
    seed : int, optional
        Seed of the parallel analysis.
    missing : {"pairwise", "listwise"}
        Pairwise-complete correlations (default, as psych on raw data) or
        complete rows only.
    smooth : bool
        Smooth a non-positive-definite correlation matrix first (as
        ``psych::cor.smooth``). Default False: psych::fa fits such a matrix
        as it is (with a warning here either way).
    normalize : bool, optional
        Kaiser (row) normalisation during the rotation. Default: psych's
        choice, i.e. False for oblimin (``GPArotation::oblimin``) and True for
        varimax (``stats::varimax``). ``rotation="oblimin", normalize=True``
        is SPSS's default Direct Oblimin (delta = 0) criterion and matches
        ``psych::fa(..., rotate = "oblimin", normalize = TRUE)``.
    n_iter, quantile, simulated
        Passed to :func:`parallel_analysis` when ``n_factors`` is None.

    Returns
    -------
    EFAResult

    Notes
    -----
    *minres* minimises the sum of squared off-diagonal residuals
    ``sum_{i<j} (r_ij - (L L')_ij)^2`` over the uniquenesses ``psi`` with
    ``L`` the first ``n_factors`` principal axes of ``R - diag(psi)``; the
    optimisation repeats psych's (L-BFGS-B from ``1 - smc``, bounds [0.005,
    1], psych's gradient and R's stopping rule), so the loadings match
    ``psych::fa`` rather than the exact minimum (they differ by about 1e-7).
    *pa* iterates principal axes from the smc until the total communality
    changes by less than .001 (at most 50 passes), as psych.
    After extraction the columns are signed so that each sums to a positive
    value; after rotation again, then sorted by variance explained
    (``diag(phi L' L)`` when oblique), as psych. Communalities ``h2`` are the
    row sums of squared unrotated loadings (unchanged by rotation).

    Variance explained (SPSS layout): initial eigenvalues of ``R`` with % of
    ``k``; extraction sums of squared (unrotated) loadings; rotation sums of
    squared loadings. For oblique rotations SPSS prints rotation totals only
    (correlated factors' variances cannot be added): ``rotation_total`` is
    then the column sums of squared *structure* loadings (``L @ phi``; SPSS's
    definition as documented by its users; not checked against SPSS output
    here), ``rotation_total_psych`` psych's ``SS loadings`` (``diag(phi L' L)``).
    SPSS finds varimax and oblimin with its own iterations and stopping
    rules, so its printed loadings can differ from R's (and these) in the
    fourth decimal.

    Warnings (:class:`~stressgroup.MeasurementWarning`): a correlation matrix
    that is not positive definite, fewer than 5 people per item, KMO below
    .6, Heywood cases (communality >= 1, or a minres uniqueness at psych's
    bound), no convergence. Items without variance raise
    :class:`~stressgroup.DataError`.

    Matches R ``psych::fa(x, nfactors, fm, rotate)`` (psych 2.2.9,
    GPArotation 2022.10-2; loadings, communalities, phi and eigenvalues within
    about 1e-11 on bfi); see tests/reference/efa.R. Exception: when a minres
    uniqueness stops at the bound 0.005 (a Heywood case) scipy's and R's
    L-BFGS-B end at slightly different points (study sample, 48 x 25, five
    factors: loadings within 6e-7, i.e. 1e-4 relative on a loading of .006).
    factor_analyzer 0.5.1 is not used: given the same correlation matrix its minres loadings differ
    from psych's by about 1e-6 (its own objective floor, numerical gradient
    and stopping rule); on raw data with missing cells it imputes medians
    instead of using pairwise correlations (loadings off by about 6e-3 on
    bfi); its ``phi_`` keeps the unsorted factor order while its loadings are
    sorted (by squared pattern loadings, not psych's ``diag(phi L' L)``); its
    ``get_communalities()`` sums squared pattern loadings, which is not the
    communality under an oblique rotation; it does not flip a single
    factor's sign; and its ``"principal"`` method is not principal axis
    factoring.

    References
    ----------
    Revelle, W. psych: ``fa``, ``fa.parallel``. Bernaards, C. A., & Jennrich,
    R. I. (2005). Gradient projection algorithms and software for arbitrary
    rotation criteria in factor analysis. *Educational and Psychological
    Measurement*, 65, 676-696. Kaiser, H. F. (1958). The varimax criterion for
    analytic rotation in factor analysis. *Psychometrika*, 23, 187-200.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from stressgroup.reliability import efa
    >>> rng = np.random.default_rng(2)
    >>> f = rng.normal(size=(300, 2))
    >>> x = pd.DataFrame(np.repeat(f, 3, axis=1) + rng.normal(size=(300, 6)),
    ...                  columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    >>> res = efa(x, seed=1)
    >>> res.n_factors, list(res.loadings.columns)
    (2, ['MR1', 'MR2'])
    """
    if method not in _PREFIX:
        raise ValueError(f"method must be 'minres' or 'pa', not {method!r}")
    if rotation not in ("oblimin", "varimax", "none"):
        raise ValueError(f"rotation must be 'oblimin', 'varimax' or 'none', not {rotation!r}")
    if normalize is not None and not isinstance(normalize, (bool, np.bool_)):
        raise TypeError(f"normalize must be True, False or None, not {normalize!r}")
    df, R, n = item_correlation(items, missing)
    k = R.shape[0]
    if n_factors is not None and (isinstance(n_factors, bool)
                                  or not isinstance(n_factors, (int, np.integer))
                                  or not 1 <= n_factors < k):
        raise ValueError(f"n_factors must be an integer from 1 to {k - 1} (k - 1), "
                         f"not {n_factors!r}")
    from ._validity import _warn_not_pd
    not_pd = _warn_not_pd(R, "smoothed as psych::cor.smooth before fitting" if smooth
                          else "fitted as it is (as psych::fa); smooth=True smooths it first")
    smoothed = bool(smooth and not_pd)
    if smoothed:
        R = cor_smooth(R)
    answered = int(df.notna().any(axis=1).sum())
    if answered < 5 * k:
        warnings.warn(f"only {answered} people for {k} items ({answered / k:.1f} per item); "
                      "an exploratory factor analysis usually needs at least 5 per item",
                      MeasurementWarning, stacklevel=2)
    if not not_pd:
        from ._validity import kmo as _kmo
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MeasurementWarning)
            overall = _kmo(df, missing=missing).kmo
        if np.isfinite(overall) and overall < 0.6:
            warnings.warn(f"KMO = {overall:.3f} is below .6: factor analysis is not "
                          "recommended for these items", MeasurementWarning, stacklevel=2)
    parallel = None
    if n_factors is None:
        _check_common(n_iter, quantile, method)
        parallel = _parallel_from_matrix(R, n, n_iter=n_iter, quantile=quantile,
                                         method=method, seed=seed, simulated=simulated)
        n_factors = parallel.n_factors
        if n_factors < 1:
            warnings.warn("parallel analysis suggests no common factor (the first observed "
                          "eigenvalue does not exceed the simulated ones); one factor is "
                          "extracted", MeasurementWarning, stacklevel=2)
            n_factors = 1
        n_factors = min(n_factors, k - 1)
    nf = int(n_factors)

    # extraction
    if method == "minres":
        L, psi, ok = _minres(R, nf)
    else:
        L, pa_vals, ok = _principal_axis(R, nf)
        psi = 1 - (L**2).sum(axis=1)
    sign = np.sign(L.sum(axis=0))
    sign[sign == 0] = 1
    L = L * sign
    L[L == 0] = 1e-15
    h2 = (L**2).sum(axis=1)
    S = R.copy()
    np.fill_diagonal(S, h2)
    fvals = pa_vals if method == "pa" else _eigh_desc(S)[0]
    unrot = L.copy()

    # rotation
    phi = None
    rot_ok = True
    rot = rotation if nf > 1 else "none"
    if rot == "oblimin":
        L, phi, rot_ok = _oblimin(L, normalize=bool(normalize))
    elif rot == "varimax":
        L, rot_ok = _varimax(L, normalize=normalize is None or bool(normalize))
    sign = np.sign(L.sum(axis=0))
    sign[sign == 0] = 1
    L = L * sign
    if phi is not None:
        phi = phi * np.outer(sign, sign)
    names = [f"{_PREFIX[method]}{j + 1}" for j in range(nf)]
    if nf > 1:
        ev = np.diag(phi @ L.T @ L) if phi is not None else (L**2).sum(axis=0)
        order = np.argsort(-ev, kind="stable")
        L = L[:, order]
        names = [names[j] for j in order]
        if phi is not None:
            phi = phi[np.ix_(order, order)]
    _heywood_and_fit_warnings(h2, psi, df.columns, method, ok, rot_ok)

    items_idx = pd.Index([str(c) for c in df.columns], name="item")
    fac_idx = pd.Index(names, name="factor")
    loadings = pd.DataFrame(L, index=items_idx, columns=fac_idx)
    phi_df = None if phi is None else pd.DataFrame(phi, index=fac_idx, columns=fac_idx)
    structure = loadings if phi is None else pd.DataFrame(L @ phi, index=items_idx,
                                                          columns=fac_idx)
    evals = _eigh_desc(R)[0]
    variance = _variance_table(evals, unrot, L, phi, k)
    idx = pd.RangeIndex(1, k + 1, name="factor")
    return EFAResult(loadings, pd.Series(h2, index=items_idx, name="h2"),
                     pd.Series(1 - h2, index=items_idx, name="u2"),
                     pd.Series(evals, index=idx, name="eigenvalue"),
                     pd.Series(fvals, index=idx, name="factor_eigenvalue"),
                     phi_df, structure, variance, nf, n, k, method, rot, missing, parallel,
                     bool(ok and rot_ok), smoothed)


def _variance_table(evals, unrot, L, phi, k) -> pd.DataFrame:
    nf = unrot.shape[1]

    def pad(v):
        out = np.full(k, np.nan)
        out[:len(v)] = v
        return out

    ext = (unrot**2).sum(axis=0)
    tab = {"initial_total": evals, "initial_pct": 100 * evals / k,
           "initial_cum_pct": np.cumsum(100 * evals / k),
           "extraction_total": pad(ext), "extraction_pct": pad(100 * ext / k),
           "extraction_cum_pct": pad(np.cumsum(100 * ext / k))}
    if nf == 1:
        pass
    elif phi is None:
        rot = (L**2).sum(axis=0)
        tab.update(rotation_total=pad(rot), rotation_pct=pad(100 * rot / k),
                   rotation_cum_pct=pad(np.cumsum(100 * rot / k)))
    else:
        tab.update(rotation_total=pad(((L @ phi) ** 2).sum(axis=0)),
                   rotation_pct=np.full(k, np.nan), rotation_cum_pct=np.full(k, np.nan),
                   rotation_total_psych=pad(np.diag(phi @ L.T @ L)))
    return pd.DataFrame(tab, index=pd.RangeIndex(1, k + 1, name="factor"))

"""McDonald's omega total, as R psych ``omega(nfactors = 1)``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..core.results import jsonable, quiet_numpy
from ._memo import memoised
from ..report import Reportable
from ._matrix import as_item_matrix, pairwise_cor, smc

__all__ = ["omega", "OmegaResult", "minres_one_factor"]


@dataclass(frozen=True, repr=False)
class OmegaResult(Reportable):
    """Omega total from a one-factor minres solution.

    Attributes
    ----------
    omega_total : float
        ``1 - sum(u2) / sum(R)``.
    loadings, uniquenesses : pandas.Series
        The one-factor minres loadings and ``u2 = 1 - loading**2``, by item.
    n, k : int
    converged : bool
    """

    omega_total: float
    loadings: pd.Series
    uniquenesses: pd.Series
    n: int
    k: int
    converged: bool = True
    _title = "McDonald's omega total (one factor, minres; psych::omega conventions)"

    def to_dict(self) -> dict:
        return jsonable({"omega_total": self.omega_total, "n": self.n, "k": self.k,
                         "loadings": self.loadings.to_dict(),
                         "converged": self.converged})

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"loading": self.loadings, "h2": 1 - self.uniquenesses,
                             "u2": self.uniquenesses})

    def to_document(self, lang: str = "en"):
        """The table(s) as a :class:`~stressgroup.core.document.Document`."""
        from ._documents import omega_document

        return omega_document(self)

    def _summary_lines(self) -> list[str]:
        return [f"omega_total = {self.omega_total:.4f} (n = {self.n}, k = {self.k})"]


def _loadings(R: np.ndarray, psi: np.ndarray) -> np.ndarray:
    S = R.copy()
    np.fill_diagonal(S, 1 - psi)
    vals, vecs = np.linalg.eigh(S)
    v = vecs[:, -1]
    return v * np.sqrt(max(vals[-1], 0.0))


def _fn_grad(psi: np.ndarray, R: np.ndarray) -> tuple[float, np.ndarray]:
    """psych's minres objective (sum of squared off-diagonal residuals) and
    its exact gradient with respect to the uniquenesses."""
    k = R.shape[0]
    S = R.copy()
    np.fill_diagonal(S, 1 - psi)
    vals, vecs = np.linalg.eigh(S)
    lam, v = vals[-1], vecs[:, -1]
    root = np.sqrt(max(lam, 1e-300))
    L = v * root
    E = R - np.outer(L, L)
    np.fill_diagonal(E, 0.0)
    f = float((E**2).sum() / 2)
    EL = E @ L
    others, Vo = vals[:-1], vecs[:, :-1]
    grad = np.empty(k)
    for i in range(k):
        # dS = -e_i e_i^T: first-order perturbation of the leading eigenpair
        dv = Vo @ ((-Vo[i, :] * v[i]) / (lam - others))
        dL = dv * root - v * v[i] ** 2 / (2 * root)
        grad[i] = -2 * (EL @ dL)
    return f, grad


def _psych_minres(R: np.ndarray) -> tuple[np.ndarray, bool]:
    """psych ``fa(fm = "minres")`` step by step: L-BFGS-B from ``1 - smc`` on the
    residual objective with psych's gradient (the diagonal residual
    ``l^2 + psi - 1``), ``parscale = 0.01``, bounds [0.005, 1], R's default
    stopping rule (``factr = 1e7``, ``lmm = 5``, ``maxit = 100``)."""
    from scipy import optimize
    k = R.shape[0]
    lower = np.tril_indices(k, -1)
    scale = 0.01

    def fn(y):
        L = _loadings(R, scale * y)
        r = (R - np.outer(L, L))[lower]
        return float(r @ r)

    def gr(y):
        psi = scale * y
        L = _loadings(R, psi)
        return scale * (L**2 + psi - 1)

    res = optimize.minimize(fn, (1 - smc(R)) / scale, jac=gr, method="L-BFGS-B",
                            bounds=[(0.005 / scale, 1.0 / scale)] * k,
                            options={"ftol": 1e7 * np.finfo(float).eps, "gtol": 0.0,
                                     "maxcor": 5, "maxiter": 100})
    return _loadings(R, scale * res.x), bool(res.success)


def minres_one_factor(R: np.ndarray, *, optimizer: str = "psych", tol: float = 1e-12,
                      max_iter: int = 10000) -> tuple[np.ndarray, bool]:
    """One-factor minimum-residual (ULS) loadings of a correlation matrix.

    Minimises the sum of squared off-diagonal residuals over the
    uniquenesses ``psi`` (bounded to [0.005, 1] as psych ``fa``), starting at
    ``1 - smc``. ``optimizer="psych"`` repeats psych's own optimisation
    (L-BFGS-B with psych's gradient and stopping rule) and so reproduces its
    loadings; ``optimizer="exact"`` uses the exact gradient and polishes the
    solution to ``tol``, giving the true minimum.

    Returns
    -------
    loadings : ndarray
        Signed so that their sum is positive (psych's flip).
    converged : bool
    """
    from scipy import optimize
    if optimizer == "psych":
        L, ok = _psych_minres(R)
        return (-L if L.sum() < 0 else L), ok
    if optimizer != "exact":
        raise ValueError(f"optimizer must be 'psych' or 'exact', not {optimizer!r}")
    k = R.shape[0]
    start = 1 - smc(R)
    res = optimize.minimize(_fn_grad, start, args=(R,), jac=True, method="L-BFGS-B",
                            bounds=[(0.005, 1.0)] * k,
                            options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": max_iter})
    psi = res.x
    # polish: the minres optimum is the fixed point of iterated principal axes
    # (communality = loading^2) when no bound is active
    converged = bool(res.success)
    active = (psi <= 0.005 + 1e-9) | (psi >= 1.0 - 1e-9)
    for _ in range(0 if active.any() else max_iter):
        L = _loadings(R, psi)
        new = np.clip(1 - L**2, 0.005, 1.0)
        if np.max(np.abs(new - psi)) < tol:
            psi = new
            break
        psi = new
    L = _loadings(R, psi)
    if L.sum() < 0:
        L = -L
    return L, converged


@memoised
@quiet_numpy
def omega(items: pd.DataFrame, *, optimizer: Literal["psych", "exact"] = "psych"
          ) -> OmegaResult:
    """McDonald's omega total of keyed items (psych ``omega(nfactors = 1)``).

    Parameters
    ----------
    items : DataFrame or 2-D array
        One column per keyed item; NaN for missing answers.
    optimizer : {"psych", "exact"}
        ``"psych"`` (default) repeats psych's minres optimisation and its
        stopping rule, reproducing ``psych::omega`` to about 1e-15;
        ``"exact"`` solves to the true minimum (the two differ by 1e-7 or less,
        more where a uniqueness sits at psych's bound of 0.005).

    Returns
    -------
    OmegaResult

    Notes
    -----
    ``R`` is the pairwise-complete correlation matrix. A single factor is
    extracted by minres; ``u2 = 1 - loading^2`` and
    ``omega_total = 1 - sum(u2) / sum(R)``, as ``psych::omega(x,
    nfactors = 1)$omega.tot``. psych stops its optimiser slightly before the
    optimum; the default repeats that. Where a uniqueness reaches the bound
    (a Heywood case) scipy's and R's L-BFGS-B take different paths and the
    results differ by about 2e-5 (see tests/reference/NOTES.md).

    References
    ----------
    McDonald (1999); Revelle & Zinbarg (2009); Revelle, psych ``omega``.

    Examples
    --------
    >>> import pandas as pd
    >>> from stressgroup import omega
    >>> x = pd.DataFrame({"a": [1, 2, 3, 4, 5, 3], "b": [2, 2, 3, 5, 4, 3],
    ...                   "c": [1, 3, 3, 4, 5, 2]})
    >>> round(omega(x).omega_total, 3)
    0.935
    """
    df = as_item_matrix(items, "items")
    x = df.to_numpy(dtype=float)
    R = pairwise_cor(x)
    if np.isnan(R).any():
        raise ValueError("the correlation matrix has missing entries (an item without "
                         "variance, or two items never answered together)")
    L, ok = minres_one_factor(R, optimizer=optimizer)
    u2 = 1 - L**2
    om = 1 - u2.sum() / R.sum()
    idx = pd.Index(df.columns, name="item")
    return OmegaResult(float(om), pd.Series(L, index=idx, name="loading"),
                       pd.Series(u2, index=idx, name="u2"), x.shape[0], x.shape[1], ok)

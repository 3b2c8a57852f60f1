"""Factor rotations as R computes them: ``stats::varimax`` and GPArotation's oblimin (GPFoblq).

Private module; the EFA code may share it (see issue 9). Both functions
repeat R's iterations step by step, including the stopping rules, so that a
loosely converged R solution (varimax stops at a relative change of 1e-5,
GPFoblq at a projected-gradient norm of 1e-5) is reproduced, not merely
approximated.

factor_analyzer's ``Rotator`` is not used: its oblimin reorders the loading
columns without reordering ``phi_``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["varimax", "oblimin", "gpf_oblique"]


def varimax(x: np.ndarray, *, normalize: bool = True, eps: float = 1e-5,
            max_iter: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """Varimax rotation, exactly R ``stats::varimax`` (Kaiser normalisation by default).

    Returns
    -------
    loadings : ndarray (p x m)
    rotmat : ndarray (m x m)
        ``loadings = x @ rotmat``.

    Examples
    --------
    >>> L = np.array([[0.8, 0.3], [0.7, 0.4], [0.3, 0.8], [0.2, 0.7]])
    >>> rot, T = varimax(L)
    >>> bool(np.allclose(rot, L @ T)), bool(np.allclose(T.T @ T, np.eye(2)))
    (True, True)
    """
    x = np.array(x, dtype=float)
    p, nc = x.shape
    if nc < 2:
        return x, np.eye(nc)
    if normalize:
        sc = np.sqrt((x**2).sum(axis=1))
        x = x / sc[:, None]
    TT = np.eye(nc)
    d = 0.0
    for _ in range(max_iter):
        z = x @ TT
        B = x.T @ (z**3 - z * ((z**2).sum(axis=0) / p))
        u, s, vt = np.linalg.svd(B)
        TT = u @ vt
        dpast, d = d, s.sum()
        if d < dpast * (1 + eps):
            break
    z = x @ TT
    if normalize:
        z = z * sc[:, None]
    return z, TT


def _vgq_oblimin(L: np.ndarray, gamma: float) -> tuple[np.ndarray, float]:
    """GPArotation ``vgQ.oblimin``: gradient and criterion."""
    m = L.shape[1]
    X = (L**2) @ (1 - np.eye(m))
    if gamma != 0:
        p = L.shape[0]
        X = (np.eye(p) - gamma / p) @ X
    return L * X, float((L**2 * X).sum() / 4)


def gpf_oblique(A: np.ndarray, vgq, *, T: "np.ndarray | None" = None, normalize: bool = False,
                eps: float = 1e-5, max_iter: int = 1000) -> dict:
    """Gradient projection for oblique rotation, GPArotation ``GPFoblq`` line by line.

    ``vgq(L) -> (gradient, criterion)``. Returns a dict with ``loadings``,
    ``phi`` (``T' T``), ``T``, ``iterations`` and ``converged``.
    """
    A = np.array(A, dtype=float)
    m = A.shape[1]
    if m < 2:
        raise ValueError("rotation needs at least two factors")
    if normalize:
        W = np.sqrt((A**2).sum(axis=1))[:, None]
        A = A / W
    Tmat = np.eye(m) if T is None else np.array(T, dtype=float)
    al = 1.0
    Ti = np.linalg.inv(Tmat)
    L = A @ Ti.T
    Gq, f = vgq(L)
    G = -(L.T @ Gq @ Ti).T
    s = np.inf
    it = 0
    for it in range(max_iter + 1):
        Gp = G - Tmat * (Tmat * G).sum(axis=0)[None, :]
        s = float(np.sqrt((Gp**2).sum()))
        if s < eps:
            break
        al = 2 * al
        for _ in range(11):
            X = Tmat - al * Gp
            v = 1 / np.sqrt((X**2).sum(axis=0))
            Tt = X * v[None, :]
            Tti = np.linalg.inv(Tt)
            L = A @ Tti.T
            Gqt, ft = vgq(L)
            if f - ft > 0.5 * s**2 * al:
                break
            al = al / 2
        Tmat = Tt
        f = ft
        G = -(L.T @ Gqt @ Tti).T
    if normalize:
        L = L * W
    return {"loadings": L, "phi": Tmat.T @ Tmat, "T": Tmat, "iterations": it,
            "converged": bool(s < eps)}


def oblimin(loadings: np.ndarray, gamma: float = 0.0, normalize: bool = False, *,
            T: "np.ndarray | None" = None, eps: float = 1e-5, max_iter: int = 1000,
            return_info: bool = False):
    """Oblimin rotation as ``GPArotation::oblimin`` (quartimin at ``gamma = 0``).

    Parameters
    ----------
    loadings : ndarray (p x m)
        Unrotated (or orthogonally rotated) loadings.
    gamma : float
        Oblimin's gamma (0 quartimin, 0.5 biquartimin, 1 covarimin).
    normalize : bool
        Kaiser row normalisation before rotating (GPArotation's
        ``normalize = TRUE``); psych's default is ``False``.
    T : ndarray, optional
        Start rotation matrix (identity, as GPArotation).
    eps, max_iter : float, int
        GPFoblq's stopping rule: projected-gradient norm below ``eps``.
    return_info : bool
        Also return a dict with ``T``, ``iterations``, ``converged``.

    Returns
    -------
    rotated : ndarray (p x m)
        ``loadings @ inv(T).T``, columns in the input's order.
    phi : ndarray (m x m)
        Factor correlations ``T' T``, in the same column order as ``rotated``.

    Examples
    --------
    >>> L = np.array([[0.8, 0.3], [0.7, 0.4], [0.3, 0.8], [0.2, 0.7], [0.5, 0.5]])
    >>> rot, phi = oblimin(L)
    >>> bool(np.allclose(np.diag(phi), 1)), bool(np.allclose(rot @ phi @ rot.T, L @ L.T))
    (True, True)
    """
    res = gpf_oblique(loadings, lambda L: _vgq_oblimin(L, gamma), T=T, normalize=normalize,
                      eps=eps, max_iter=max_iter)
    if return_info:
        return res["loadings"], res["phi"], {k: res[k] for k in ("T", "iterations",
                                                                  "converged")}
    return res["loadings"], res["phi"]

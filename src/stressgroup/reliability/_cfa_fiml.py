"""Full-information ML for the CFA (lavaan's ``missing = "ml"``).

The casewise likelihood is summed over missing-data patterns: for pattern k
with observed items o, n_k rows, mean ``ybar_k`` and biased covariance ``S_k``

    l_k = -n_k/2 [p_o log 2 pi + log|Sigma_oo| + tr(Sigma_oo^-1 (S_k + d d'))],
    d = ybar_k - mu_o.

The model has free intercepts ``mu`` (lavaan's mean structure). The
unrestricted (h1) model's means and covariances come from EM; the baseline
model (independent items, free means and variances) factorises over items, so
its estimates are each item's available-case mean and biased variance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._cfa_ml import CFASpec, fit_ml

__all__ = ["Patterns", "patterns", "em_moments", "loglik", "fit_fiml"]

LOG2PI = float(np.log(2 * np.pi))


@dataclass(frozen=True)
class Patterns:
    obs: list          # observed column indices per pattern
    n: np.ndarray      # rows per pattern
    mean: list         # pattern means of the observed columns
    cov: list          # biased pattern covariances of the observed columns
    rows: list         # the data rows of each pattern (observed columns only)
    p: int
    N: int


def patterns(X: np.ndarray) -> Patterns:
    mask = ~np.isnan(X)
    keys, inv = np.unique(mask, axis=0, return_inverse=True)
    obs, n, mean, cov, rows = [], [], [], [], []
    for k, key in enumerate(keys):
        o = np.flatnonzero(key)
        if o.size == 0:
            continue
        Y = X[inv.ravel() == k][:, o]
        m = Y.mean(axis=0)
        D = Y - m
        obs.append(o)
        n.append(len(Y))
        mean.append(m)
        cov.append(D.T @ D / len(Y))
        rows.append(Y)
    return Patterns(obs, np.asarray(n), mean, cov, rows, X.shape[1], int(sum(n)))


def loglik(sig: np.ndarray, mu: np.ndarray, pats: Patterns) -> float:
    total = 0.0
    for o, nk, m, S in zip(pats.obs, pats.n, pats.mean, pats.cov):
        so = sig[np.ix_(o, o)]
        try:
            c = np.linalg.cholesky(so)
        except np.linalg.LinAlgError:
            return -np.inf
        d = m - mu[o]
        ic = np.linalg.inv(c)
        W = S + np.outer(d, d)
        total += -nk / 2 * (len(o) * LOG2PI + 2 * np.log(np.diag(c)).sum()
                            + float(np.sum((ic @ W) * ic)))
    return float(total)


def loglik_grad(sig: np.ndarray, mu: np.ndarray, pats: Patterns):
    """dl/dSigma (as a p x p matrix, symmetric, not doubled) and dl/dmu."""
    p = pats.p
    G = np.zeros((p, p))
    gmu = np.zeros(p)
    for o, nk, m, S in zip(pats.obs, pats.n, pats.mean, pats.cov):
        ix = np.ix_(o, o)
        inv = np.linalg.inv(sig[ix])
        d = m - mu[o]
        Ad = inv @ d
        IS = inv @ S
        G[ix] += -nk / 2 * (inv - IS @ inv - np.outer(Ad, Ad))
        gmu[o] += nk * Ad
    return G, gmu


def em_moments(pats: Patterns, *, tol: float = 1e-13, max_iter: int = 20000):
    """Saturated-model ML means and covariances by EM (lavaan's h1)."""
    p = pats.p
    mu = np.zeros(p)
    cnt = np.zeros(p)
    for o, nk, m in zip(pats.obs, pats.n, pats.mean):
        mu[o] += nk * m
        cnt[o] += nk
    mu = mu / cnt
    var = np.zeros(p)
    for o, Y in zip(pats.obs, pats.rows):
        var[o] += ((Y - mu[o]) ** 2).sum(axis=0)
    sig = np.diag(var / cnt)
    it = 0
    for it in range(1, max_iter + 1):
        T1 = np.zeros(p)
        T2 = np.zeros((p, p))
        for o, Y in zip(pats.obs, pats.rows):
            nk = len(Y)
            if len(o) == p:
                T1 += Y.sum(axis=0)
                T2 += Y.T @ Y
                continue
            mis = np.setdiff1d(np.arange(p), o)
            B = np.linalg.solve(sig[np.ix_(o, o)], sig[np.ix_(o, mis)])   # o x m
            Xh = np.empty((nk, p))
            Xh[:, o] = Y
            Xh[:, mis] = mu[mis] + (Y - mu[o]) @ B
            C = sig[np.ix_(mis, mis)] - sig[np.ix_(mis, o)] @ B
            T1 += Xh.sum(axis=0)
            T2 += Xh.T @ Xh
            T2[np.ix_(mis, mis)] += nk * C
        new_mu = T1 / pats.N
        new_sig = T2 / pats.N - np.outer(new_mu, new_mu)
        delta = max(np.max(np.abs(new_mu - mu)), np.max(np.abs(new_sig - sig)))
        mu, sig = new_mu, new_sig
        if delta < tol:
            break
    return mu, sig, it


@dataclass(frozen=True)
class FIMLFit:
    theta: np.ndarray
    mu: np.ndarray
    loglik: float
    converged: bool
    iterations: int
    max_gradient: float
    sigma: np.ndarray
    hessian: np.ndarray        # of -loglik, parameters (theta, mu)


def _grad(spec: CFASpec, x: np.ndarray, pats: Patterns) -> np.ndarray:
    q = spec.nparams
    theta, mu = x[:q], x[q:]
    G, gmu = loglik_grad(spec.sigma(theta), mu, pats)
    # dl/dtheta_a = sum(G * dSigma_a): spec.gradient works with M where
    # dF/dtheta_a = tr(M dSigma_a); here M = G
    return -np.concatenate([spec.gradient_from(G, theta), gmu])


def _hess(spec: CFASpec, x: np.ndarray, pats: Patterns) -> np.ndarray:
    k = len(x)
    H = np.empty((k, k))
    for a in range(k):
        h = 1e-5 * max(1.0, abs(x[a]))
        xp, xm = x.copy(), x.copy()
        xp[a] += h
        xm[a] -= h
        H[:, a] = (_grad(spec, xp, pats) - _grad(spec, xm, pats)) / (2 * h)
    return (H + H.T) / 2


def fit_fiml(spec: CFASpec, pats: Patterns, mu_h1: np.ndarray, sig_h1: np.ndarray, *,
             max_iter: int = 500, tol: float = 1e-10) -> FIMLFit:
    """Scoring steps on -loglik, then the observed Hessian for the SEs.

    Starts from the complete-data ML fit to the EM moments. Each step solves
    with the complete-data expected information at the current estimates
    (``N * info`` for the model parameters, ``N Sigma^-1`` for the means),
    which is close to the FIML information when few cells are missing; the
    observed Hessian (central differences of the analytic gradient), which
    lavaan's default ``information = "observed"`` uses for the SEs, is
    computed once at the optimum. Converged when the largest gradient
    element of ``-loglik / N`` is below ``tol``.
    """
    from ._cfa_ml import expected_information

    start = fit_ml(spec, sig_h1, float(np.linalg.slogdet(sig_h1)[1]))
    x = np.concatenate([start.theta, mu_h1])
    q = spec.nparams
    N = float(pats.N)
    f = -loglik(spec.sigma(x[:q]), x[q:], pats)
    g = _grad(spec, x, pats)
    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        theta = x[:q]
        A = np.zeros((len(x), len(x)))
        A[:q, :q] = N * expected_information(spec, theta)
        A[q:, q:] = N * np.linalg.inv(spec.sigma(theta))
        try:
            step = np.linalg.solve(A, -g)
        except np.linalg.LinAlgError:
            step = -g / N
        t = 1.0
        for _ in range(60):
            cand = x + t * step
            nf = -loglik(spec.sigma(cand[:q]), cand[q:], pats)
            if np.isfinite(nf) and nf <= f + 1e-13 * max(1.0, abs(f)):
                break
            t /= 2
        else:
            break
        x, f = cand, nf
        g = _grad(spec, x, pats)
        if np.max(np.abs(g)) / N < tol:
            converged = True
            break
    gmax = float(np.max(np.abs(g)) / N)
    converged = converged or gmax < 1e-7
    H = _hess(spec, x, pats)
    return FIMLFit(x[:q], x[q:], -f, converged, it, gmax, spec.sigma(x[:q]), H)

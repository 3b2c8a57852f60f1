"""Maximum-likelihood estimation of a simple-structure CFA (lavaan's defaults).

The model is ``Sigma = Lambda Phi Lambda' + Theta`` with the first item of each
factor as its marker (loading fixed to 1, lavaan's ``std.lv = FALSE``), free
factor variances and covariances and a diagonal ``Theta``. Residual variances
are not bounded (lavaan's default), so Heywood cases are estimated, not
hidden. The discrepancy is

    F_ML = log|Sigma| + tr(S Sigma^-1) - log|S| - p

with ``S`` the biased (divisor N) sample covariance; lavaan's ``fmin`` is
``F_ML / 2`` and its chi-square ``N * F_ML``. The fit is Fisher scoring with
the expected information (quadratic convergence, step halving when the
discrepancy would rise or Sigma leave the positive-definite cone).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

__all__ = ["CFASpec", "MLFit", "fit_ml", "expected_information", "standardized"]


@dataclass(frozen=True)
class CFASpec:
    """Free parameters of the model, in lavaan's parameter-table order.

    ``pattern`` is the p x m 0/1 loading pattern; ``markers[j]`` the row of
    factor j's marker. Parameters: free loadings (factor by factor, items in
    order, markers excluded), residual variances (items in order), factor
    variances and covariances (lower triangle, row by row as lavaan:
    ``f1~~f1, f2~~f2, ...`` then ``f1~~f2, f1~~f3, ...``).
    """

    items: tuple[str, ...]
    factors: tuple[str, ...]
    pattern: np.ndarray
    markers: tuple[int, ...]

    @property
    def p(self) -> int:
        return len(self.items)

    @property
    def m(self) -> int:
        return len(self.factors)

    @cached_property
    def loading_index(self) -> list[tuple[int, int]]:
        out = []
        for j in range(self.m):
            for i in range(self.p):
                if self.pattern[i, j] and i != self.markers[j]:
                    out.append((i, j))
        return out

    @cached_property
    def phi_index(self) -> list[tuple[int, int]]:
        var = [(j, j) for j in range(self.m)]
        cov = [(j, k) for j in range(self.m) for k in range(j + 1, self.m)]
        return var + cov

    @cached_property
    def nparams(self) -> int:
        return len(self.loading_index) + self.p + len(self.phi_index)

    def unpack(self, theta: np.ndarray):
        """Lambda, Phi and the residual variances from the parameter vector."""
        dtype = theta.dtype
        lam = np.zeros((self.p, self.m), dtype=dtype)
        for j, i in enumerate(self.markers):
            lam[i, j] = 1.0
        li = self.loading_index
        nl = len(li)
        for a, (i, j) in enumerate(li):
            lam[i, j] = theta[a]
        psi = theta[nl:nl + self.p]
        phi = np.zeros((self.m, self.m), dtype=dtype)
        for a, (j, k) in enumerate(self.phi_index):
            phi[j, k] = phi[k, j] = theta[nl + self.p + a]
        return lam, phi, psi

    def sigma(self, theta: np.ndarray) -> np.ndarray:
        lam, phi, psi = self.unpack(theta)
        return lam @ phi @ lam.T + np.diag(psi)

    def dsigma(self, theta: np.ndarray) -> np.ndarray:
        """Derivatives of Sigma with respect to each parameter, shape (q, p, p)."""
        lam, phi, _ = self.unpack(theta)
        p, q = self.p, self.nparams
        out = np.zeros((q, p, p))
        a = 0
        lp = lam @ phi                       # p x m
        for i, j in self.loading_index:
            c = lp[:, j]
            out[a, i, :] += c
            out[a, :, i] += c
            a += 1
        for i in range(p):
            out[a, i, i] = 1.0
            a += 1
        for j, k in self.phi_index:
            if j == k:
                out[a] = np.outer(lam[:, j], lam[:, j])
            else:
                o = np.outer(lam[:, j], lam[:, k])
                out[a] = o + o.T
            a += 1
        return out

    def gradient(self, theta: np.ndarray, S: np.ndarray) -> np.ndarray:
        """Analytic gradient of F_ML."""
        lam, phi, psi = self.unpack(theta)
        sig = lam @ phi @ lam.T + np.diag(psi)
        inv = np.linalg.inv(sig)
        return self.gradient_from(inv @ (sig - S) @ inv, theta)

    def gradient_from(self, M: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """``tr(M dSigma/dtheta_a)`` for every parameter (M symmetric)."""
        lam, phi, _ = self.unpack(theta)
        g_lam = 2 * M @ lam @ phi
        g_phi = lam.T @ M @ lam
        out = [g_lam[i, j] for i, j in self.loading_index]
        out += list(np.diag(M))
        out += [g_phi[j, k] * (1.0 if j == k else 2.0) for j, k in self.phi_index]
        return np.asarray(out)


def make_spec(items, factors: dict) -> CFASpec:
    items = tuple(items)
    names = tuple(factors)
    pattern = np.zeros((len(items), len(names)), dtype=int)
    pos = {it: i for i, it in enumerate(items)}
    for j, f in enumerate(names):
        for it in factors[f]:
            pattern[pos[it], j] = 1
    markers = tuple(pos[factors[f][0]] for f in names)
    return CFASpec(items, names, pattern, markers)


def discrepancy(sig: np.ndarray, S: np.ndarray, logdet_s: float) -> float:
    """F_ML; ``inf`` when Sigma is not positive definite."""
    try:
        c = np.linalg.cholesky(sig)
    except np.linalg.LinAlgError:
        return float("inf")
    logdet = 2 * np.log(np.diag(c)).sum()
    inv_c = np.linalg.inv(c)
    tr = float(np.sum((inv_c @ S) * inv_c))      # tr(S Sigma^-1) = tr(C^-1 S C^-T)
    return float(logdet + tr - logdet_s - S.shape[0])


def expected_information(spec: CFASpec, theta: np.ndarray) -> np.ndarray:
    """Unit expected information ``0.5 tr(Sigma^-1 dS_a Sigma^-1 dS_b)``.

    ``vcov = inv(N * information)`` is lavaan's ``information = "expected"``,
    ``h1.information = "structured"`` covariance for complete data.
    """
    inv = np.linalg.inv(spec.sigma(theta))
    A = np.einsum("ij,ajk->aik", inv, spec.dsigma(theta))
    return 0.5 * np.einsum("aij,bji->ab", A, A)


def start_values(spec: CFASpec, S: np.ndarray) -> np.ndarray:
    """Start from one principal component per factor (any sensible start
    reaches the same optimum; lavaan uses its ``fabin3`` values)."""
    sd = np.sqrt(np.diag(S))
    R = S / np.outer(sd, sd)
    std = np.zeros((spec.p, spec.m))
    for j in range(spec.m):
        idx = np.flatnonzero(spec.pattern[:, j])
        if len(idx) == 1:
            std[idx, j] = 0.7
            continue
        vals, vecs = np.linalg.eigh(R[np.ix_(idx, idx)])
        v = vecs[:, -1] * np.sqrt(max(vals[-1], 1e-6))
        if v.sum() < 0:
            v = -v
        std[idx, j] = np.clip(v, -0.95, 0.95)
        std[idx, j] = np.where(np.abs(std[idx, j]) < 0.2, 0.2 * np.sign(v + 1e-12),
                               std[idx, j])
    theta = []
    scale = np.array([std[spec.markers[j], j] * sd[spec.markers[j]] for j in range(spec.m)])
    for i, j in spec.loading_index:
        theta.append(std[i, j] * sd[i] / scale[j])
    h2 = np.clip((std**2).sum(axis=1), 0.05, 0.9)
    theta += list((1 - h2) * np.diag(S))
    # factor covariances from the correlations of the unit-weighted composites
    comp = spec.pattern * np.sign(std + 1e-12) / sd[:, None]
    C = comp.T @ S @ comp
    dc = np.sqrt(np.diag(C))
    rc = C / np.outer(dc, dc)
    for j, k in spec.phi_index:
        if j == k:
            theta.append(scale[j] ** 2)
        else:
            theta.append(0.9 * rc[j, k] * scale[j] * scale[k])
    return np.asarray(theta, dtype=float)


@dataclass(frozen=True)
class MLFit:
    theta: np.ndarray
    fml: float                  # F_ML at the optimum (chi-square / N)
    converged: bool
    iterations: int
    max_gradient: float
    sigma: np.ndarray


def numeric_hessian(spec: CFASpec, theta: np.ndarray, S: np.ndarray) -> np.ndarray:
    """Hessian of F_ML by central differences of the analytic gradient."""
    q = len(theta)
    H = np.empty((q, q))
    for a in range(q):
        h = 1e-5 * max(1.0, abs(theta[a]))
        tp, tm = theta.copy(), theta.copy()
        tp[a] += h
        tm[a] -= h
        H[:, a] = (spec.gradient(tp, S) - spec.gradient(tm, S)) / (2 * h)
    return (H + H.T) / 2


def fit_ml(spec: CFASpec, S: np.ndarray, logdet_s: float, *, max_iter: int = 500,
           tol: float = 1e-10) -> MLFit:
    """Fisher scoring on F_ML from :func:`start_values`, finished by Newton steps.

    Fisher scoring (expected information) is robust far from the optimum but
    converges only linearly when the model does not fit exactly; once the
    largest gradient element is below 1e-4 the steps use the observed Hessian
    (central differences of the analytic gradient), which converges
    quadratically. Stops when the largest absolute gradient element is below
    ``tol``, or after ``max_iter`` steps (then ``converged`` is False unless
    the gradient is below 1e-6). ``logdet_s`` may be any constant when S is
    singular (only F's value shifts).
    """
    theta = start_values(spec, S)
    f = discrepancy(spec.sigma(theta), S, logdet_s)
    if not np.isfinite(f):  # start outside the PD cone: drop the covariances
        theta = theta.copy()
        nl = len(spec.loading_index)
        for a, (j, k) in enumerate(spec.phi_index):
            if j != k:
                theta[nl + spec.p + a] = 0.0
        f = discrepancy(spec.sigma(theta), S, logdet_s)
    converged = False
    it = 0
    g = spec.gradient(theta, S)
    gmax = float(np.max(np.abs(g)))
    for it in range(1, max_iter + 1):
        step = None
        if gmax < 1e-4:
            H = numeric_hessian(spec, theta, S)
            try:
                np.linalg.cholesky(H)
                step = np.linalg.solve(H, -g)
            except np.linalg.LinAlgError:
                step = None
        if step is None:
            info = expected_information(spec, theta)
            try:
                step = np.linalg.solve(info, -0.5 * g)
            except np.linalg.LinAlgError:
                step = np.linalg.lstsq(info, -0.5 * g, rcond=None)[0]
        t = 1.0
        for _ in range(60):
            cand = theta + t * step
            new_f = discrepancy(spec.sigma(cand), S, logdet_s)
            # near the optimum F changes below rounding: accept what does not
            # raise F by more than rounding
            if np.isfinite(new_f) and new_f <= f + 1e-13 * max(1.0, abs(f)):
                break
            t /= 2
        else:
            break
        theta, f = cand, new_f
        g = spec.gradient(theta, S)
        gmax = float(np.max(np.abs(g)))
        if gmax < tol:
            converged = True
            break
    converged = converged or gmax < 1e-6
    return MLFit(theta, f, converged, it, gmax, spec.sigma(theta))


def standardized(spec: CFASpec, theta: np.ndarray) -> np.ndarray:
    """lavaan's ``std.all`` values of every parameter, in parameter order, then
    the standardised marker loadings (one per factor).

    Loadings ``lambda_ij sqrt(phi_jj) / sqrt(sigma_ii)``, residual variances
    ``psi_i / sigma_ii`` (sigma the model-implied variance), factor
    variances 1 and correlations ``phi_jk / sqrt(phi_jj phi_kk)``. Works on
    complex input (for the complex-step Jacobian).
    """
    lam, phi, psi = spec.unpack(theta)
    var = np.einsum("ij,jk,ik->i", lam, phi, lam) + psi
    fsd = np.sqrt(np.diag(phi))
    isd = np.sqrt(var)
    out = [lam[i, j] * fsd[j] / isd[i] for i, j in spec.loading_index]
    out += [psi[i] / var[i] for i in range(spec.p)]
    out += [phi[j, k] / (fsd[j] * fsd[k]) for j, k in spec.phi_index]
    out += [lam[spec.markers[j], j] * fsd[j] / isd[spec.markers[j]] for j in range(spec.m)]
    return np.asarray(out)


def standardized_jacobian(spec: CFASpec, theta: np.ndarray) -> np.ndarray:
    """Exact Jacobian of :func:`standardized` by complex steps (as lavaan's
    ``lav_func_jacobian_complex``, here to machine precision)."""
    h = 1e-30
    q = len(theta)
    base = standardized(spec, theta.astype(complex))
    jac = np.empty((len(base), q))
    for a in range(q):
        t = theta.astype(complex)
        t[a] += 1j * h
        jac[:, a] = standardized(spec, t).imag / h
    return jac

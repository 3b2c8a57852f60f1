"""Confirmatory factor analysis with lavaan's ML defaults, plus semTools' AVE, CR and HTMT."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Literal, Sequence

import numpy as np
import pandas as pd

from ..core.errors import DataError, MeasurementWarning
from ..core.results import jsonable
from ..report import Reportable
from ..instruments import Instrument, load_instrument
from ..instruments._scoring import as_frame, key_items
from ._cfa_ml import (expected_information, fit_ml, make_spec, standardized,
                      standardized_jacobian)

__all__ = ["cfa", "cfa_model", "CFAResult"]


@dataclass(frozen=True, repr=False)
class CFAResult(Reportable):
    """A fitted confirmatory factor model (lavaan's ML defaults).

    Attributes
    ----------
    chisq, df, p : float
        Model chi-square ``N * F_ML``, its degrees of freedom and p value.
    chisq_df : float
        ``chisq / df``.
    cfi, tli : float
        Comparative fit and Tucker-Lewis indices against the independence
        model (``baseline_chisq`` on ``baseline_df``).
    rmsea, rmsea_ci, rmsea_p : float, tuple, float
        RMSEA, its 90 % interval ``(low, high)`` and the close-fit p value
        (H0: RMSEA <= .05).
    srmr : float
        Bentler's standardised root mean square residual (lavaan's ``srmr``).
    loglik, loglik_unrestricted, aic, bic, bic2 : float
        Log-likelihoods of the model and the saturated model, AIC, BIC and the
        sample-size adjusted BIC (lavaan's ``bic2``).
    npar : int
        Free parameters.
    n, n_rows, n_dropped : int
        People used, rows given, rows dropped (listwise).
    baseline_chisq, baseline_df, baseline_p : float
    converged : bool
    iterations : int
    parameters : DataFrame
        lavaan's ``parameterEstimates`` joined with ``standardizedSolution``:
        ``lhs``, ``op`` (``=~``, ``~~``; ``~1`` intercepts with FIML), ``rhs``, ``est``, ``se``, ``z``,
        ``p``, ``std_all``, ``std_se``, ``std_z``, ``std_p`` (fixed marker
        loadings have ``se`` 0 and ``z``, ``p`` NaN, as lavaan, but a
        standardised SE).
    ave, cr : dict
        Per factor: average variance extracted (``semTools::AVE``) and
        composite reliability (``semTools::compRelSEM``, omega).
    ave_std : dict
        Per factor: mean squared standardised loading (Fornell & Larcker's
        AVE computed from ``std_all``; equals ``ave`` only when the model
        reproduces the item variances).
    htmt : DataFrame
        Heterotrait-monotrait ratios between factors (``semTools::htmt``).
    htmt_method : str
        ``"geometric"`` (semTools' default ``htmt2 = TRUE``) or ``"arithmetic"``.
    factors : dict
        Factor -> items.
    instrument, wave : str or None
    notes : tuple of str
        Rows dropped, Heywood cases, an improper factor covariance matrix.
    missing : str
        ``"listwise"`` or ``"fiml"``.
    """

    chisq: float
    df: int
    p: float
    chisq_df: float
    cfi: float
    tli: float
    rmsea: float
    rmsea_ci: tuple[float, float]
    rmsea_p: float
    srmr: float
    loglik: float
    loglik_unrestricted: float
    aic: float
    bic: float
    bic2: float
    npar: int
    n: int
    n_rows: int
    n_dropped: int
    baseline_chisq: float
    baseline_df: int
    baseline_p: float
    converged: bool
    iterations: int
    parameters: pd.DataFrame
    ave: dict
    cr: dict
    ave_std: dict
    htmt: pd.DataFrame
    htmt_method: str
    factors: dict
    instrument: "str | None" = None
    wave: "str | None" = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    missing: str = "listwise"
    instrument_obj: "Instrument | None" = field(default=None, compare=False)

    @property
    def _title(self) -> str:  # type: ignore[override]
        what = f" of {self.instrument}" if self.instrument else ""
        w = f" at wave {self.wave!r}" if self.wave else ""
        return f"Confirmatory factor analysis{what}{w} (ML, lavaan defaults)"

    @property
    def loadings(self) -> pd.DataFrame:
        """Loadings indexed by (factor, item): ``est``, ``se``, ``z``, ``p``,
        ``std_all``, ``std_se``, ``std_z``, ``std_p``."""
        lo = self.parameters[self.parameters["op"] == "=~"]
        out = lo.drop(columns="op").rename(columns={"lhs": "factor", "rhs": "item"})
        return out.set_index(["factor", "item"])

    @property
    def factor_correlations(self) -> pd.DataFrame:
        """Factor correlation matrix (standardised factor covariances)."""
        names = list(self.factors)
        R = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
        par = self.parameters
        cov = par[(par["op"] == "~~") & par["lhs"].isin(names) & (par["lhs"] != par["rhs"])]
        for _, r in cov.iterrows():
            R.loc[r["lhs"], r["rhs"]] = R.loc[r["rhs"], r["lhs"]] = r["std_all"]
        return R

    @property
    def discriminant(self) -> pd.DataFrame:
        """Fornell-Larcker table: ``sqrt(ave)`` on the diagonal, factor
        correlations below it, NaN above."""
        R = self.factor_correlations.to_numpy().copy()
        R[np.triu_indices_from(R, 1)] = np.nan
        np.fill_diagonal(R, [math.sqrt(v) if v is not None and v >= 0 else np.nan
                             for v in (self.ave[f] for f in self.factors)])
        names = list(self.factors)
        return pd.DataFrame(R, index=names, columns=names)

    @property
    def factor_table(self) -> pd.DataFrame:
        """Per factor: ``k``, ``ave``, ``cr``, ``ave_std``, ``sqrt_ave``."""
        rows = [{"factor": f, "k": len(items), "ave": self.ave[f], "cr": self.cr[f],
                 "ave_std": self.ave_std[f],
                 "sqrt_ave": math.sqrt(self.ave[f]) if self.ave[f] >= 0 else np.nan}
                for f, items in self.factors.items()]
        return pd.DataFrame(rows).set_index("factor")

    def fit_indices(self) -> dict:
        return {"chisq": self.chisq, "df": self.df, "p": self.p, "chisq_df": self.chisq_df,
                "cfi": self.cfi, "tli": self.tli, "rmsea": self.rmsea,
                "rmsea_ci_low": self.rmsea_ci[0], "rmsea_ci_high": self.rmsea_ci[1],
                "rmsea_p": self.rmsea_p, "srmr": self.srmr, "aic": self.aic, "bic": self.bic,
                "bic2": self.bic2, "loglik": self.loglik,
                "loglik_unrestricted": self.loglik_unrestricted, "npar": self.npar,
                "n": self.n, "baseline_chisq": self.baseline_chisq,
                "baseline_df": self.baseline_df, "baseline_p": self.baseline_p}

    def to_frame(self) -> pd.DataFrame:
        """The fit indices, one row each (column ``value``)."""
        d = self.fit_indices()
        return pd.DataFrame({"value": [float(v) for v in d.values()]},
                            index=pd.Index(list(d), name="index"))

    def to_document(self, lang: str = "en"):
        """The fit table, the loadings with AVE and CR, the Fornell-Larcker and the
        HTMT tables as a :class:`~stressgroup.core.document.Document`."""
        from ._cfa_document import cfa_document

        return cfa_document(self, instrument=self.instrument_obj)

    def to_dict(self) -> dict:
        lo = self.loadings
        loadings: dict = {}
        for (f, it), r in lo.iterrows():
            loadings.setdefault(f, {})[it] = {k: r[k] for k in lo.columns}
        fc = self.factor_correlations
        return jsonable({
            "chisq": self.chisq, "df": self.df, "p": self.p, "chisq_df": self.chisq_df,
            "cfi": self.cfi, "tli": self.tli, "rmsea": self.rmsea,
            "rmsea_ci": list(self.rmsea_ci), "rmsea_p": self.rmsea_p, "srmr": self.srmr,
            "aic": self.aic, "bic": self.bic, "bic2": self.bic2, "loglik": self.loglik,
            "loglik_unrestricted": self.loglik_unrestricted, "npar": self.npar,
            "n": self.n, "n_rows": self.n_rows, "n_dropped": self.n_dropped,
            "baseline_chisq": self.baseline_chisq, "baseline_df": self.baseline_df,
            "baseline_p": self.baseline_p, "converged": self.converged,
            "iterations": self.iterations,
            "ave": self.ave, "cr": self.cr, "ave_std": self.ave_std,
            "htmt": {f: {g: self.htmt.loc[f, g] for g in self.htmt.columns}
                     for f in self.htmt.index},
            "htmt_method": self.htmt_method,
            "factor_cor": {f: {g: fc.loc[f, g] for g in fc.columns} for f in fc.index},
            "loadings": loadings,
            "factors": {f: list(v) for f, v in self.factors.items()},
            "instrument": self.instrument, "wave": self.wave, "notes": list(self.notes),
            "missing": self.missing,
        })

    def _summary_lines(self) -> list[str]:
        lo, hi = self.rmsea_ci
        lines = [f"n = {self.n} ({self.n_dropped} of {self.n_rows} rows dropped, "
                 f"{self.missing}); "
                 f"chisq({self.df}) = {self.chisq:.3f}, p = {self.p:.4g}; "
                 f"CFI = {self.cfi:.3f}, TLI = {self.tli:.3f}, RMSEA = {self.rmsea:.3f} "
                 f"[{lo:.3f}, {hi:.3f}], SRMR = {self.srmr:.3f}"]
        lines += list(self.notes)
        return lines


def _warn(msg: str) -> None:
    """Warn at the first caller outside stressgroup."""
    import sys

    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_globals.get("__name__", "").startswith("stressgroup."):
        frame, level = frame.f_back, level + 1
    warnings.warn(msg, MeasurementWarning, stacklevel=level)


def _check_factors(items: pd.DataFrame, factors) -> dict[str, list[str]]:
    if not isinstance(factors, dict) or not factors:
        raise TypeError("factors must be a non-empty dict: factor name -> list of item columns")
    out: dict[str, list[str]] = {}
    for f, its in factors.items():
        if isinstance(its, str) or not hasattr(its, "__iter__"):
            raise TypeError(f"factors[{f!r}] must be a list of item columns")
        its = [str(i) for i in its]
        if len(set(its)) != len(its):
            raise ValueError(f"factors[{f!r}] lists an item twice")
        out[str(f)] = its
    names = set(out)
    missing = sorted({i for its in out.values() for i in its} - set(map(str, items.columns)))
    if missing:
        raise DataError(f"cfa: item columns not in the data: {', '.join(missing)}")
    clash = names & {i for its in out.values() for i in its}
    if clash:
        raise ValueError(f"factors: a factor is named like an item ({', '.join(sorted(clash))})")
    return out


def _rmsea_ci(X2: float, df: float, N: int, level: float = 0.9) -> tuple[float, float]:
    """lavaan's ``lav_fit_rmsea_ci`` with exact roots (lavaan's ``uniroot``
    stops at tol = 1.2e-4 on the noncentrality, ~1e-6 relative here)."""
    from scipy.optimize import brentq
    from scipy.stats import ncx2, chi2

    if not (np.isfinite(X2) and df > 0):
        return (float("nan"), float("nan"))
    up, lo = 1 - (1 - level) / 2, (1 - level) / 2

    def cdf(lam: float) -> float:
        return float(chi2.cdf(X2, df)) if lam == 0 else float(ncx2.cdf(X2, df, lam))

    if df < 1 or cdf(0) - up < 0:
        low = 0.0
    else:
        low = math.sqrt(brentq(lambda x: cdf(x) - up, 0, X2, xtol=1e-14, rtol=1e-15,
                               maxiter=1000) / (N * df))
    nr = max(N, X2 * 4)
    if df < 1 or cdf(nr) - lo > 0 or cdf(0) - lo < 0:
        high = 0.0
    else:
        high = math.sqrt(brentq(lambda x: cdf(x) - lo, 0, nr, xtol=1e-14, rtol=1e-15,
                                maxiter=1000) / (N * df))
    return (low, high)


def _htmt(R: np.ndarray, groups: list[np.ndarray], method: str) -> np.ndarray:
    A = np.abs(R.copy())
    np.fill_diagonal(A, np.nan)

    def avg(block: np.ndarray) -> float:
        v = block[np.isfinite(block)]
        if v.size == 0:
            return float("nan")
        if method == "geometric":
            with np.errstate(divide="ignore"):
                return float(np.exp(np.mean(np.log(v))))
        return float(np.mean(v))

    m = len(groups)
    within = np.array([avg(A[np.ix_(g, g)]) for g in groups])
    out = np.empty((m, m))
    for a in range(m):
        for b in range(m):
            out[a, b] = avg(A[np.ix_(groups[a], groups[b])]) / math.sqrt(within[a] * within[b])
    return out


def cfa_model(items: pd.DataFrame, factors: "dict[str, list[str]]", *,
              missing: Literal["listwise", "fiml"] = "listwise",
              htmt_method: Literal["geometric", "arithmetic"] = "geometric",
              _instrument: "Instrument | None" = None, _wave: "str | None" = None) -> CFAResult:
    """Fit a correlated-factors CFA by maximum likelihood, as ``lavaan::cfa``.

    Parameters
    ----------
    items : DataFrame
        One numeric column per item (already keyed), one row per person; NaN
        is missing.
    missing : {"listwise", "fiml"}
        ``"listwise"`` (lavaan's default) drops rows with any missing item of
        the model and reports the count. ``"fiml"`` is lavaan's
        ``missing = "ml"``: full-information ML over every row with at least
        one answer, free intercepts, the saturated (h1) moments by EM, SEs
        from the observed information (lavaan's default for
        ``missing = "ml"``), SRMR with the mean residuals; AVE, CR and HTMT
        use the EM covariances (semTools with ``missing = "ml"``).
    factors : dict of str -> list of str
        Factor name -> its item columns. Every factor loads on its own items
        only (an item listed under two factors loads on both); the first item
        is the marker (loading fixed to 1). All factors correlate.
    htmt_method : {"geometric", "arithmetic"}
        Mean used by HTMT: ``"geometric"`` is semTools 0.5.6's default
        (``htmt2 = TRUE``, Roemer et al., 2021); ``"arithmetic"`` is the
        original HTMT of Henseler et al. (2015). Both on absolute correlations.

    Returns
    -------
    CFAResult

    Raises
    ------
    DataError
        Items absent, not numeric, without variance (named), a factor with a
        single item, fewer complete rows than two, or more free parameters
        than sample moments.

    Warns
    -----
    MeasurementWarning
        Non-convergence; a Heywood case (negative residual variance or a
        standardised loading beyond 1, items named); a factor correlation
        matrix that is not positive definite; a sample covariance matrix that
        is not positive definite (the chi-square and the indices built on it
        are then NaN); fewer than 5 people per item; a factor with fewer than
        3 items; a negative standardised loading (a mis-keyed item).

    Notes
    -----
    Matches R ``lavaan::cfa(model, data, std.lv = FALSE)`` (lavaan 0.6.14)
    with all defaults, and semTools 0.5.6 for AVE, CR and HTMT:

    * ``S`` is the listwise sample covariance with divisor N; ML minimises
      ``F = log|Sigma| + tr(S Sigma^-1) - log|S| - p``; ``chisq = N F``,
      ``df = p(p + 1)/2 - npar`` (no mean structure).
    * baseline: ``N (sum log s_ii - log|S|)`` on ``p(p - 1)/2`` df;
      ``cfi = 1 - max(chisq - df, 0) / max(chisq - df, chisq_b - df_b, 0)``;
      ``tli = (chisq_b/df_b - chisq/df) / (chisq_b/df_b - 1)``.
    * ``rmsea = sqrt(max(chisq/(N df) - 1/N, 0))``; the 90 % interval solves
      ``pchisq(chisq, df, ncp = lambda) = .95 / .05`` and reports
      ``sqrt(lambda / (N df))`` (lavaan ``lav_fit_rmsea_ci``; here the roots
      are exact, lavaan's uniroot tolerance moves them ~1e-6);
      ``rmsea_p = 1 - pchisq(chisq, df, ncp = N df .05^2)``.
    * ``srmr = sqrt(mean(r_ij^2))`` over the lower triangle with the
      diagonal, ``r_ij = (s_ij - sigma_ij) / sqrt(s_ii s_jj)`` (Bentler).
    * ``loglik = -N/2 (p log 2 pi + log|Sigma| + tr(S Sigma^-1))``,
      ``aic = -2 loglik + 2 npar``, ``bic = -2 loglik + npar log N``,
      ``bic2`` with ``log((N + 2)/24)``.
    * SEs: inverse of N times the expected information
      ``0.5 tr(Sigma^-1 dSigma_a Sigma^-1 dSigma_b)`` at the estimates
      (lavaan ``se = "standard"``, ``information = "expected"``). The
      standardised solution (``std.all``: ``lambda sqrt(phi_jj) /
      sqrt(sigma_ii)`` with model-implied ``sigma_ii``) takes delta-method SEs
      with an exact (complex-step) Jacobian, as ``standardizedSolution``; it
      does not depend on the identification (marker or unit variance).
    * ``ave = sum(lambda^2) phi / sum(s_ii)`` and ``cr = (sum lambda)^2 phi /
      sum(S_f)`` over the factor's items, with the sample (co)variances
      (semTools ``AVE`` and ``compRelSEM`` with ``obs.var = TRUE``; factors
      with one item or cross-loading items get NaN). ``ave_std`` is the
      classic mean of squared standardised loadings.
    * ``htmt``: mean absolute heterotrait correlation over the geometric mean
      of the two mean monotrait correlations (off-diagonal), on the listwise
      correlations (``semTools::htmt``).

    FIML (``missing="fiml"``) matches ``lavaan::cfa(..., missing = "ml")``:
    ``chisq = 2 (loglik_h1 - loglik)``, ``npar`` counts the intercepts,
    the baseline is fitted by FIML (independent items), SEs are
    ``inv(-Hessian)`` of the casewise log-likelihood.

    References
    ----------
    Rosseel, Y. (2012). lavaan: An R package for structural equation modeling.
    *Journal of Statistical Software, 48*(2).
    Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation
    models with unobservable variables and measurement error. *Journal of
    Marketing Research, 18*(1), 39-50.
    Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for
    assessing discriminant validity in variance-based structural equation
    modeling. *JAMS, 43*, 115-135.
    Roemer, E., Schuberth, F., & Henseler, J. (2021). HTMT2. *Industrial
    Management & Data Systems, 121*(12), 2637-2650.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from stressgroup.reliability import cfa_model
    >>> rng = np.random.default_rng(3)
    >>> f = rng.multivariate_normal([0, 0], [[1, .4], [.4, 1]], size=300)
    >>> x = np.repeat(f, 3, axis=1) * 0.8 + rng.normal(scale=0.6, size=(300, 6))
    >>> items = pd.DataFrame(x, columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    >>> res = cfa_model(items, {"A": ["a1", "a2", "a3"], "B": ["b1", "b2", "b3"]})
    >>> res.df, bool(res.cfi > 0.95), bool(res.loadings["std_all"].min() > 0.6)
    (8, True, True)
    """
    if not isinstance(items, pd.DataFrame):
        raise TypeError("items must be a DataFrame, one column per item")
    if missing not in ("listwise", "fiml"):
        raise ValueError("missing must be 'listwise' or 'fiml'")
    if htmt_method not in ("geometric", "arithmetic"):
        raise ValueError("htmt_method must be 'geometric' or 'arithmetic'")
    items = items.copy()
    items.columns = [str(c) for c in items.columns]
    factors = _check_factors(items, factors)
    used = list(dict.fromkeys(i for its in factors.values() for i in its))
    try:
        data = items[used].astype(float)
    except (TypeError, ValueError):
        raise DataError("cfa: the item columns must hold numbers (NaN for missing)") from None
    single = [f for f, its in factors.items() if len(its) < 2]
    if single:
        raise DataError(f"cfa: factor(s) {', '.join(single)} have a single item; a one-item "
                        "factor is not identified (merge it or drop it from the model)")
    n_rows = len(data)
    complete = data.dropna() if missing == "listwise" else data.dropna(how="all")
    n = len(complete)
    n_dropped = n_rows - n
    notes = []
    if n_dropped:
        why = ("missing answers; listwise" if missing == "listwise"
               else "no answer to any item; FIML uses every other row")
        notes.append(f"{n_dropped} of {n_rows} rows dropped ({why})")
    if n < 2:
        raise DataError(f"cfa: only {n} usable row(s) ({missing})")
    X = complete.to_numpy()
    var = np.nanvar(X, axis=0)
    flat = [c for c, v in zip(used, var) if not v > 0]
    if flat:
        raise DataError(f"cfa: item(s) without variance in the {n} rows used: "
                        f"{', '.join(flat)}; drop them from the model")
    p = len(used)
    spec = make_spec(used, factors)
    q = spec.nparams
    df = p * (p + 1) // 2 - q
    if df < 0:
        raise DataError(f"cfa: the model has {q} free parameters but only {p * (p + 1) // 2} "
                        "sample moments (not identified)")
    few = [f for f, its in factors.items() if len(its) < 3]
    if few:
        _warn(f"cfa: factor(s) {', '.join(few)} have fewer than 3 items; they are identified "
              "only through their correlations with the other factors")
    if n < 5 * p:
        _warn(f"cfa: {n} people for {p} items (fewer than 5 per item); the ML estimates, "
              "standard errors and chi-square are unreliable")
    pats = mu_h1 = None
    if missing == "fiml":
        from ._cfa_fiml import em_moments, patterns

        pats = patterns(X)
        mu_h1, S, _ = em_moments(pats)
    else:
        S = np.cov(X, rowvar=False, ddof=0)
    eig = np.linalg.eigvalsh(S)
    s_pd = bool(eig[0] > eig[-1] * 1e-12)
    if s_pd:
        logdet_s = float(np.linalg.slogdet(S)[1])
    else:
        _warn(f"cfa: the sample covariance matrix is not positive definite ({n} complete "
              f"rows, {p} items; smallest eigenvalue {eig[0]:.3g}); the model is fitted but "
              "the chi-square, CFI, TLI, RMSEA and the baseline model are NaN")
        logdet_s = 0.0
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return _estimate(spec, S, logdet_s, s_pd, n, n_rows, n_dropped, notes, used, factors,
                         htmt_method, _instrument, _wave, pats, mu_h1)


def _estimate(spec, S, logdet_s, s_pd, n, n_rows, n_dropped, notes, used, factors,
              htmt_method, _instrument, _wave, pats=None, mu_h1=None) -> CFAResult:
    p, q = spec.p, spec.nparams
    df = p * (p + 1) // 2 - q
    fiml = pats is not None
    if fiml:
        from ._cfa_fiml import fit_fiml, loglik as fiml_loglik

        fit = fit_fiml(spec, pats, mu_h1, S)
    else:
        fit = fit_ml(spec, S, logdet_s)
    if not fit.converged:
        _warn(f"cfa: the ML fit did not converge ({fit.iterations} iterations, largest "
              f"gradient {fit.max_gradient:.3g}); do not interpret the estimates")
    nan = float("nan")
    theta = fit.theta
    sig = fit.sigma
    N = float(n)
    if fiml:
        ll_h1 = fiml_loglik(S, mu_h1, pats)
        loglik = fit.loglik
        chisq = 2 * (ll_h1 - loglik)
        # baseline: independent items; FIML = available-case means and variances
        ll_b = 0.0
        for i in range(p):
            col = np.concatenate([r[:, list(o).index(i)] for o, r in zip(pats.obs, pats.rows)
                                  if i in o])
            v = col.var()
            ll_b += -len(col) / 2 * (math.log(2 * math.pi) + math.log(v) + 1)
        base = 2 * (ll_h1 - ll_b)
    elif s_pd:
        chisq = N * fit.fml
        base = N * (float(np.log(np.diag(S)).sum()) - logdet_s)
    else:
        chisq = base = nan
    from scipy.stats import chi2, ncx2, norm

    dfb = p * (p - 1) // 2
    pval = float(chi2.sf(chisq, df)) if df > 0 else nan
    pb = float(chi2.sf(base, dfb))
    t1 = max(chisq - df, 0.0)
    t2 = max(chisq - df, base - dfb, 0.0)
    cfi = nan if not np.isfinite(chisq) else (1.0 if t1 == 0 and t2 == 0 else 1 - t1 / t2)
    if df > 0 and np.isfinite(chisq):
        a1 = base / dfb - chisq / df
        a2 = base / dfb - 1
        tli = 1.0 if (a1 < 0 and a2 < 0) else a1 / a2
        rmsea = math.sqrt(max(chisq / N / df - 1 / N, 0.0))
        rmsea_p = float(ncx2.sf(chisq, df, N * df * 0.05**2))
    else:
        tli = nan
        rmsea = 0.0 if df == 0 else nan
        rmsea_p = nan
    rmsea_ci = _rmsea_ci(chisq, df, n)
    sd = 1 / np.sqrt(np.diag(S))
    res = (S - sig) * np.outer(sd, sd)
    if fiml:   # lavaan's srmr with a mean structure: mean residuals included
        rm = (mu_h1 - fit.mu) * sd
        srmr = float(np.sqrt((np.sum(res[np.tril_indices(p)] ** 2) + np.sum(rm**2))
                             / (p * (p + 1) / 2 + p)))
        ll_unres = ll_h1
        q = q + p          # the intercepts are free parameters
    else:
        srmr = float(np.sqrt(np.mean(res[np.tril_indices(p)] ** 2)))
        sign, logdet_sig = np.linalg.slogdet(sig)
        tr = float(np.trace(S @ np.linalg.inv(sig)))
        loglik = -N / 2 * (p * math.log(2 * math.pi) + logdet_sig + tr)
        ll_unres = -N / 2 * (p * math.log(2 * math.pi) + logdet_s + p) if s_pd else nan
    aic = -2 * loglik + 2 * q
    bic = -2 * loglik + q * math.log(N)
    bic2 = -2 * loglik + q * math.log((N + 2) / 24)

    # standard errors and the standardised solution
    qt = spec.nparams
    try:
        if fiml:     # observed information (lavaan's default with missing = "ml")
            vfull = np.linalg.inv(fit.hessian)
            vcov = vfull[:qt, :qt]
            se_mu = np.sqrt(np.where(np.diag(vfull)[qt:] >= 0, np.diag(vfull)[qt:], np.nan))
        else:
            vcov = np.linalg.inv(N * expected_information(spec, theta))
        se = np.sqrt(np.where(np.diag(vcov) >= 0, np.diag(vcov), np.nan))
    except np.linalg.LinAlgError:
        _warn("cfa: the information matrix is singular; no standard errors")
        vcov = np.full((qt, qt), np.nan)
        se = np.full(qt, np.nan)
        se_mu = np.full(p, np.nan)
    std = standardized(spec, theta)
    jac = standardized_jacobian(spec, theta)
    std_var = np.einsum("ia,ab,ib->i", jac, vcov, jac)
    std_se = np.sqrt(np.where(std_var >= 0, std_var, np.nan))
    lam, phi, psi = spec.unpack(theta)

    rows = []
    li = spec.loading_index
    pos_l = {ij: a for a, ij in enumerate(li)}
    nl = len(li)
    npos = nl + p + len(spec.phi_index)
    for j, f in enumerate(spec.factors):
        for i in np.flatnonzero(spec.pattern[:, j]):
            if (i, j) in pos_l:
                a = pos_l[(i, j)]
                rows.append((f, "=~", used[i], theta[a], se[a], std[a], std_se[a]))
            else:
                a = npos + j
                rows.append((f, "=~", used[i], 1.0, 0.0, std[a], std_se[a]))
    for i in range(p):
        a = nl + i
        rows.append((used[i], "~~", used[i], theta[a], se[a], std[a], std_se[a]))
    for b, (j, k) in enumerate(spec.phi_index):
        a = nl + p + b
        rows.append((spec.factors[j], "~~", spec.factors[k], theta[a], se[a], std[a],
                     std_se[a]))
    if fiml:
        isd = 1 / np.sqrt(np.diag(sig))
        for i in range(p):   # intercepts; std.all = mu / sd (no standardised SE here)
            rows.append((used[i], "~1", "", fit.mu[i], se_mu[i], fit.mu[i] * isd[i], nan))
    par = pd.DataFrame(rows, columns=["lhs", "op", "rhs", "est", "se", "std_all", "std_se"])
    # lavaan's order: loadings, residual variances, factor variances, covariances
    with np.errstate(divide="ignore", invalid="ignore"):
        par["z"] = np.where(par["se"] > 0, par["est"] / par["se"], np.nan)
    par["p"] = 2 * norm.sf(np.abs(par["z"]))
    fixed_std = (par["lhs"].isin(spec.factors)) & (par["lhs"] == par["rhs"])
    par.loc[fixed_std, "std_se"] = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        par["std_z"] = np.where(par["std_se"] > 0, par["std_all"] / par["std_se"], np.nan)
    par["std_p"] = 2 * norm.sf(np.abs(par["std_z"]))
    par = par[["lhs", "op", "rhs", "est", "se", "z", "p", "std_all", "std_se", "std_z",
               "std_p"]]

    # Heywood cases and an improper factor correlation matrix
    neg = [used[i] for i in range(p) if psi[i] < 0]
    big = par[(par["op"] == "=~") & (par["std_all"].abs() > 1)]
    if neg or len(big):
        what = []
        if neg:
            what.append(f"negative residual variance for {', '.join(neg)}")
        if len(big):
            what.append("standardised loading above 1 for "
                        + ", ".join(f"{r.rhs} on {r.lhs}" for r in big.itertuples()))
        _warn("cfa: Heywood case: " + "; ".join(what) + " (the model does not fit these "
              "items; consider fewer factors, more data, or dropping the item)")
        notes.append("Heywood case: " + "; ".join(what))
    negl = par[(par["op"] == "=~") & (par["std_all"] < 0)]
    if len(negl):
        what = ", ".join(f"{r.rhs} on {r.lhs}" for r in negl.itertuples())
        _warn(f"cfa: negative standardised loading for {what}; check the item's keying "
              "(reverse items must be keyed before the analysis)")
        notes.append(f"negative loading: {what}")
    if spec.m > 1 and np.linalg.eigvalsh(phi)[0] <= 0:
        _warn("cfa: the factor covariance matrix is not positive definite (a factor "
              "correlation at or beyond 1); the factors are not distinct in these data")
        notes.append("factor covariance matrix not positive definite")

    # AVE, CR (semTools, sample variances), classic AVE and HTMT
    ave, cr, ave_std = {}, {}, {}
    cross = spec.pattern.sum(axis=1) > 1
    for j, f in enumerate(spec.factors):
        idx = np.flatnonzero(spec.pattern[:, j])
        l = lam[idx, j]
        if len(idx) < 2 or cross[idx].any():
            ave[f] = cr[f] = nan
        else:
            ave[f] = float((l**2).sum() * phi[j, j] / np.diag(S)[idx].sum())
            cr[f] = float(l.sum() ** 2 * phi[j, j] / S[np.ix_(idx, idx)].sum())
        sl = l * math.sqrt(phi[j, j]) / np.sqrt(np.diag(sig)[idx]) if phi[j, j] > 0 else l * nan
        ave_std[f] = float(np.mean(sl**2))
    R = S * np.outer(sd, sd)
    groups = [np.flatnonzero(spec.pattern[:, j]) for j in range(spec.m)]
    ht = pd.DataFrame(_htmt(R, groups, htmt_method), index=list(spec.factors),
                      columns=list(spec.factors))

    return CFAResult(
        chisq=chisq, df=df, p=pval, chisq_df=chisq / df if df > 0 else nan, cfi=cfi,
        tli=tli, rmsea=rmsea, rmsea_ci=rmsea_ci, rmsea_p=rmsea_p, srmr=srmr, loglik=loglik,
        loglik_unrestricted=ll_unres, aic=aic, bic=bic, bic2=bic2, npar=q, n=n,
        n_rows=n_rows, n_dropped=n_dropped, baseline_chisq=base, baseline_df=dfb,
        baseline_p=pb, converged=fit.converged, iterations=fit.iterations, parameters=par,
        ave=ave, cr=cr, ave_std=ave_std, htmt=ht, htmt_method=htmt_method,
        factors={f: tuple(v) for f, v in factors.items()},
        instrument=_instrument.id if _instrument is not None else None,
        wave=_wave, notes=tuple(notes), missing="fiml" if fiml else "listwise",
        instrument_obj=_instrument)


def cfa(responses, instrument: "Instrument | str", wave: "str | None" = "pre", *,
        missing: Literal["listwise", "fiml"] = "listwise",
        htmt_method: Literal["geometric", "arithmetic"] = "geometric",
        subscales: "Sequence[str] | None" = None) -> CFAResult:
    """CFA of an instrument's own structure at one wave (lavaan defaults).

    Each subscale is a factor over its keyed items (reverse items keyed as
    ``min + max - x`` from the declared range), all factors correlate; an
    instrument without subscales is fitted as one factor over the total's
    items. See :func:`cfa_model` for the estimator, the indices and the
    warnings.

    Parameters
    ----------
    responses : Responses or DataFrame
        Item answers, one row per person per wave (``id``, ``wave``, items).
    instrument : Instrument or str
    wave : str or None
        The wave to use (default ``"pre"``); ``None`` uses every row.
    missing : {"listwise", "fiml"}
        ``"listwise"``: rows with any missing item are dropped (lavaan's
        default) and counted in ``n_dropped``. ``"fiml"``: lavaan's
        ``missing = "ml"`` (see :func:`cfa_model`).
    htmt_method : {"geometric", "arithmetic"}
        See :func:`cfa_model`.
    subscales : sequence of str, optional
        The subscales to model (default: all of them), e.g. to leave out
        SCL-90's "additional items", which are not a factor.

    Returns
    -------
    CFAResult

    Notes
    -----
    Matches R ``lavaan::cfa(model, data, std.lv = FALSE)`` (0.6.14) and
    semTools 0.5.6 ``AVE``, ``compRelSEM`` and ``htmt``; see
    :func:`cfa_model`.

    References
    ----------
    Rosseel, Y. (2012). lavaan: An R package for structural equation modeling.
    *Journal of Statistical Software, 48*(2).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from stressgroup import load_instrument
    >>> from stressgroup.reliability import cfa
    >>> inst = load_instrument("five-level-stress")
    >>> rng = np.random.default_rng(7)
    >>> f = rng.multivariate_normal(np.zeros(5), 0.5 * np.eye(5) + 0.5, size=400)
    >>> x = np.clip(np.rint(3 + np.repeat(f, 5, axis=1) * 0.8
    ...                     + rng.normal(scale=0.7, size=(400, 25))), 1, 5)
    >>> df = pd.DataFrame(x, columns=inst.item_ids)
    >>> df[list(inst.reverse_items)] = 6 - df[list(inst.reverse_items)]
    >>> df.insert(0, "id", [f"{i:03d}" for i in range(400)])
    >>> df.insert(1, "wave", "pre")
    >>> res = cfa(df, inst)
    >>> res.n, res.df, list(res.ave)
    (400, 265, ['individual', 'family', 'work', 'organization', 'society'])
    """
    if missing not in ("listwise", "fiml"):
        raise ValueError("missing must be 'listwise' or 'fiml'")
    instrument = load_instrument(instrument)
    data = as_frame(responses)
    if wave is not None and "wave" in data.columns:
        data = data[data["wave"].astype(str) == str(wave)]
        if data.empty:
            raise DataError(f"cfa: no rows at wave {wave!r}")
    subs = instrument.subscales or ((instrument.total,) if instrument.total else ())
    if subscales is not None:
        if isinstance(subscales, str):
            raise TypeError("subscales must be a list of subscale ids")
        known = {sub.id: sub for sub in subs}
        bad = [sid for sid in subscales if sid not in known]
        if bad:
            raise ValueError(f"subscales: unknown subscale(s) {', '.join(map(str, bad))} of "
                             f"{instrument.id!r} (known: {', '.join(known)})")
        subs = tuple(known[sid] for sid in subscales)
    if not subs:
        raise DataError(f"cfa: instrument {instrument.id!r} has no subscales to model")
    factors = {s.id: list(s.items) for s in subs}
    needed = list(dict.fromkeys(i for its in factors.values() for i in its))
    keyed = key_items(data, instrument, needed)
    return cfa_model(keyed, factors, missing=missing, htmt_method=htmt_method,
                     _instrument=instrument,
                     _wave=wave)

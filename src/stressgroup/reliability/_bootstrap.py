"""Vectorised nonparametric bootstrap of persons: resampling weights times one matrix product.

A bootstrap resample of ``n`` persons drawn with replacement is described by
its count vector ``w`` (how often each person was drawn; a multinomial
``(n; 1/n, ..., 1/n)`` draw, ``sum(w) = n``). Any sum over the persons of a
resample is then ``w @ z``, so the sums of *all* resamples are one matrix
product ``W @ Z`` (``W``: resamples x persons, ``Z``: persons x the columns a
statistic needs). Weighted means, variances and (pairwise-complete)
covariances follow from these sums exactly, with no loop over resamples.

Resamples are drawn in blocks (``block_size(n)`` resamples at a time, a
number that depends on ``n`` only) to bound memory; block ``i`` is
``rng.integers(0, n, size=(b_i, n))``, with ``rng =
numpy.random.default_rng(seed)``, turned into counts. The same seed, ``n``
and ``n_boot`` therefore give the same resamples on every machine, and
every statistic built on :func:`resample_weights` sees the same resamples
(the persons a resample holds are those a loop drawing
``x[rng.integers(0, n, n)]`` block by block would hold).

Functions
---------
resample_weights
    The count matrices, block by block.
cov_trace_and_sum
    Per resample ``tr(C)`` and ``sum(C)`` of the covariance matrix (what raw
    alpha needs): ``k + 3`` columns for complete data.
pairwise_cov_blocks
    Per resample the full pairwise-complete covariance matrix (any other
    statistic of the covariance or correlation matrix).
percentile_interval
    The percentile interval (R ``quantile(type = 7)``), ignoring NaN.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..core.progress import progress

__all__ = ["block_size", "resample_weights", "cov_trace_and_sum", "pairwise_cov_blocks",
           "percentile_interval"]

_BLOCK_CELLS = 2**19  # resamples x persons per block (4 MB of float64 weights)
_LABEL = {"en": "bootstrap", "zh": "自助抽样"}


def block_size(n: int) -> int:
    """Resamples per block: ``max(1, min(1024, 2**19 // n))`` (depends on ``n`` only)."""
    return int(max(1, min(1024, _BLOCK_CELLS // max(n, 1))))


def _check(n: int, n_boot: int) -> None:
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer, not {n_boot!r}")
    if n < 1:
        raise ValueError("the bootstrap needs at least one person")


def resample_weights(n: int, n_boot: int, seed=None) -> Iterator[np.ndarray]:
    """Yield the resampling count matrices ``W`` (float, resamples x persons), block by block.

    Row ``b`` of a block counts how often each of the ``n`` persons was drawn
    in resample ``b`` (``n`` draws with replacement, so each row sums to
    ``n``). ``seed`` is passed to :func:`numpy.random.default_rng` (an int,
    a ``SeedSequence`` or a ``Generator``).

    Examples
    --------
    >>> W = np.vstack(list(resample_weights(5, 3, seed=1)))
    >>> W.shape, W.sum(axis=1).tolist()
    ((3, 5), [5.0, 5.0, 5.0])
    """
    _check(n, n_boot)
    rng = np.random.default_rng(seed)
    bs = block_size(n)
    done = 0
    while done < n_boot:
        b = min(bs, n_boot - done)
        idx = rng.integers(0, n, size=(b, n))
        idx += (np.arange(b, dtype=idx.dtype) * n)[:, None]
        counts = np.bincount(idx.ravel(), minlength=b * n).reshape(b, n)
        yield counts.astype(float)
        done += b


def _centred(x: np.ndarray) -> np.ndarray:
    # covariances are shift invariant (also pairwise); centring first keeps the
    # one-pass sums free of cancellation
    with np.errstate(invalid="ignore"):
        mu = np.nanmean(x, axis=0)
    return x - np.where(np.isnan(mu), 0.0, mu)


def cov_trace_and_sum(x: np.ndarray, n_boot: int, seed=None) -> tuple[np.ndarray, np.ndarray]:
    """Per resample ``tr(C)`` and ``sum(C)`` of the covariance matrix ``C`` (n - 1).

    With complete data ``sum(C)`` is the variance of the row sums and
    ``tr(C)`` the sum of the item variances, so one product ``W @ [X, q, s,
    s^2]`` (``q`` the row sums of squares, ``s`` the row sums of the centred
    data) gives both. With missing answers ``C`` is the pairwise-complete
    covariance of each resample (see :func:`pairwise_cov_blocks`).

    Returns
    -------
    trace, total : ndarray of shape (n_boot,)
    """
    x = np.asarray(x, dtype=float)
    n, k = x.shape
    if np.isnan(x).any():
        tr, tot = [], []
        with progress(n_boot, _LABEL) as bar:   # drawn on a terminal only, after a delay
            for C in pairwise_cov_blocks(x, n_boot, seed):
                tr.append(np.trace(C, axis1=1, axis2=2))
                tot.append(C.sum(axis=(1, 2)))
                bar.update(len(C))
        return np.concatenate(tr), np.concatenate(tot)
    xc = _centred(x)
    s = xc.sum(axis=1)
    Z = np.column_stack([xc, (xc**2).sum(axis=1), s, s**2])
    trace = np.empty(n_boot)
    total = np.empty(n_boot)
    at = 0
    with progress(n_boot, _LABEL) as bar:
        for W in resample_weights(n, n_boot, seed):
            S = W @ Z
            b = len(S)
            sx = S[:, :k]
            trace[at:at + b] = (S[:, k] - (sx**2).sum(axis=1) / n) / (n - 1)
            total[at:at + b] = (S[:, k + 2] - S[:, k + 1] ** 2 / n) / (n - 1)
            at += b
            bar.update(b)
    return trace, total


def _pair_columns(x: np.ndarray):
    """The persons x columns matrices whose weighted sums give pairwise covariances."""
    from scipy import sparse

    n, k = x.shape
    miss = np.isnan(x)
    x0 = np.where(miss, 0.0, _centred(x))
    iu, ju = np.triu_indices(k)
    prod = x0[:, iu] * x0[:, ju]                          # sum w x_i x_j over pairs
    q = miss.astype(float)
    # sparse corrections for the rows where one item of a pair is missing:
    # sum over rows with both answered of x_i = sum w x0_i - sum w q_j x0_i, and
    # count of such rows = n - sum w q_i - sum w q_j + sum w q_i q_j
    oi, oj = np.nonzero(~np.eye(k, dtype=bool))          # ordered pairs i != j
    li, lj = np.triu_indices(k, 1)
    corr = sparse.hstack([sparse.csc_matrix(q),
                          sparse.csc_matrix(q[:, li] * q[:, lj]),
                          sparse.csc_matrix(q[:, oj] * x0[:, oi])], format="csr")
    return x0, prod, corr.T.tocsr(), (iu, ju, li, lj, oi, oj)


def pairwise_cov_blocks(x: np.ndarray, n_boot: int, seed=None) -> Iterator[np.ndarray]:
    """Yield, block by block, each resample's pairwise-complete covariance matrix.

    For resample weights ``w`` and the pair ``(i, j)``, over the persons who
    answered both items: ``N_ij = w . (m_i m_j)``, ``S_i = w . (m_j x_i)``,
    ``S_ij = w . (x_i x_j)`` and ``C_ij = (S_ij - S_i S_j / N_ij) / (N_ij -
    1)``, which is R's ``cov(x[resample, ], use = "pairwise")`` (each drawn
    copy of a person counts once). A pair with fewer than two common answers
    in a resample gives NaN, as R does. The dense part is ``W @ [x_i x_j]``
    (``k (k + 1) / 2`` columns); the corrections for missing answers are
    sparse products whose cost grows with the number of missing cells.

    Yields
    ------
    ndarray of shape (b, k, k)
    """
    x = np.asarray(x, dtype=float)
    n, k = x.shape
    x0, prod, corrT, (iu, ju, li, lj, oi, oj) = _pair_columns(x)
    npair = len(li)
    for W in resample_weights(n, n_boot, seed):
        b = len(W)
        G = W @ prod                                      # b x k(k+1)/2
        sx = W @ x0                                       # b x k
        cr = (corrT @ W.T).T                              # b x (k + npair + k(k-1))
        wq = cr[:, :k]
        wqq = cr[:, k:k + npair]
        wqx = cr[:, k + npair:]
        N = np.empty((b, k, k))
        N[:, np.arange(k), np.arange(k)] = n - wq
        nij = n - wq[:, li] - wq[:, lj] + wqq
        N[:, li, lj] = nij
        N[:, lj, li] = nij
        Sx = np.empty((b, k, k))                          # Sx[:, i, j]: sum of x_i, pair (i, j)
        Sx[:, np.arange(k), np.arange(k)] = sx
        Sx[:, oi, oj] = sx[:, oi] - wqx
        Sxy = np.empty((b, k, k))
        Sxy[:, iu, ju] = G
        Sxy[:, ju, iu] = G
        with np.errstate(invalid="ignore", divide="ignore"):
            C = (Sxy - Sx * np.swapaxes(Sx, 1, 2) / N) / (N - 1)
        C[N < 2] = np.nan
        yield C


def percentile_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float]:
    """Percentile interval of bootstrap values (R ``quantile``, type 7), NaN left out."""
    a = 1 - confidence
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return float("nan"), float("nan")
    lo, hi = np.quantile(v, [a / 2, 1 - a / 2])
    return float(lo), float(hi)

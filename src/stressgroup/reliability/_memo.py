"""Results shared within one evaluation: the same alpha or omega is asked for twice
(the paired tables' reliability column and the reliability section use the same
people's keyed items), and computed once.

Off unless a caller opens :func:`shared_results` (the evaluation does): a user calling
:func:`~stressgroup.cronbach_alpha` gets a fresh result every time. The key is the
function, its arguments and the exact content of the items (column names and every
value), so a hit returns the very numbers a fresh call would; warnings the first call
raised are raised again on every hit.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import warnings
import weakref
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import pandas as pd

__all__ = ["shared_results", "memoised"]

_ACTIVE: ContextVar = ContextVar("stressgroup_shared_results", default=None)

#: Item matrices larger than this (cells) are not memoised. Hashing costs about 0.5 ns
#: per byte, an order of magnitude less than computing alpha or omega again, so the
#: limit only bounds what one evaluation keeps alive (25 items x 5,000,000 people).
MAX_CELLS = 125_000_000


@contextmanager
def shared_results():
    """Within the block, :func:`memoised` functions compute each distinct call once."""
    token = _ACTIVE.set({})
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def _key(func, sig, items, args, kwargs):
    if isinstance(items, np.ndarray) and items.dtype == float:
        values, names = items, None
    elif isinstance(items, pd.DataFrame):
        try:
            values = items.to_numpy(dtype=float)  # a view when the items are one block
        except (TypeError, ValueError):
            return None
        names = tuple(map(str, items.columns))
    else:
        return None
    if not 0 < values.size <= MAX_CELLS:
        return None
    bound = sig.bind(items, *args, **kwargs)
    bound.apply_defaults()
    rest = tuple((k, repr(v)) for k, v in bound.arguments.items() if k != "items")
    return (func.__module__, func.__qualname__, names, values.shape,
            bool(values.flags.c_contiguous), _digest(values), rest)


def _digest(values: np.ndarray) -> str:
    """SHA-1 of the matrix's bytes, computed once per buffer within the block.

    alpha, the moments inside it and omega are asked for the same items in turn (views
    of one buffer): the digest is remembered by the buffer's address, shape and strides
    while the array owning the buffer is alive (a weak reference says so; a freed
    buffer's address may be reused). Functions memoised here never change their items
    in place, nor does the evaluation between two calls.
    """
    owner = values
    while isinstance(owner.base, np.ndarray):
        owner = owner.base
    ident = ("digest", values.__array_interface__["data"][0], values.shape,
             values.strides, values.dtype.str)
    memo = _ACTIVE.get()
    known = memo.get(ident)
    if known is not None and known[0]() is owner:
        return known[1]
    # the bytes in memory order (a transposed view when the block is column-major):
    # SHA-1 runs at about 2 GB/s, without copying the matrix
    buf = values if values.flags.c_contiguous else (
        values.T if values.flags.f_contiguous else np.ascontiguousarray(values))
    digest = hashlib.sha1(memoryview(buf).cast("B")).hexdigest()
    try:
        memo[ident] = (weakref.ref(owner), digest)
    except TypeError:   # an owner that takes no weak reference: hash it every time
        pass
    return digest


def memoised(func):
    """Decorator: share ``func(items, ...)`` results inside :func:`shared_results`."""
    sig = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(items, *args, **kwargs):
        memo = _ACTIVE.get()
        key = None if memo is None else _key(func, sig, items, args, kwargs)
        if key is None:
            return func(items, *args, **kwargs)
        if key not in memo:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = func(items, *args, **kwargs)
            memo[key] = (result, [(w.message, w.category) for w in caught])
        result, raised = memo[key]
        for message, category in raised:
            warnings.warn(message, category, stacklevel=2)
        return result

    return wrapper

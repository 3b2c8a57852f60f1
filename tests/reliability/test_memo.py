"""Within one evaluation, an alpha or omega asked for twice is computed once; outside,
every call is fresh."""

import warnings

import numpy as np
import pandas as pd
import pytest

from stressgroup.core.errors import DegenerateDataWarning
from stressgroup.reliability import cronbach_alpha, omega
from stressgroup.reliability import _memo
from stressgroup.reliability._memo import memoised, shared_results


@pytest.fixture
def items():
    rng = np.random.default_rng(4)
    x = np.rint(3 + rng.normal(size=(60, 1)) + rng.normal(size=(60, 5)))
    return pd.DataFrame(x, columns=[f"I{i}" for i in range(5)])


@pytest.mark.parametrize("func", [cronbach_alpha, omega])
def test_shared_inside_fresh_outside(func, items):
    assert func(items) is not func(items)
    with shared_results():
        a, b = func(items), func(items)
        assert a is b
        changed = items.copy()
        changed.iloc[0, 0] += 1
        assert func(changed) is not a                     # other content: computed anew
        assert func(items.rename(columns={"I0": "X"})) is not a   # other names too
    assert func(items) is not a


def test_defaults_and_explicit_arguments_share(items):
    with shared_results():
        assert cronbach_alpha(items) is cronbach_alpha(items, ci="feldt")
        assert cronbach_alpha(items, ci="duhachek") is not cronbach_alpha(items)


def test_warnings_are_raised_on_every_hit():
    calls = []

    @memoised
    def stat(items):
        calls.append(1)
        warnings.warn("degenerate", DegenerateDataWarning)
        return 1.0

    df = pd.DataFrame({"a": [1.0, 2.0], "b": [1.0, 2.0]})
    with shared_results():
        for _ in range(2):
            with pytest.warns(DegenerateDataWarning, match="degenerate"):
                assert stat(df) == 1.0
    assert len(calls) == 1


def test_large_matrices_are_not_memoised(items, monkeypatch):
    monkeypatch.setattr(_memo, "MAX_CELLS", 10)
    with shared_results():
        assert omega(items) is not omega(items)


def test_arrays_are_keyed_by_content():
    from stressgroup.reliability._matrix import _pairwise_moments

    x = np.array([[1.0, 2.0], [np.nan, 3.0], [2.0, 5.0]])
    with shared_results():
        a = _pairwise_moments(x)
        assert _pairwise_moments(x.copy()) is a
        assert _pairwise_moments(np.asfortranarray(x)) is not a   # other memory order
        y = x.copy()
        y[0, 0] = 9.0
        assert _pairwise_moments(y) is not a


def test_views_of_one_buffer_hashed_once(monkeypatch, items):
    calls = []
    real = _memo.hashlib.sha1

    def counting(buf):
        calls.append(1)
        return real(buf)

    monkeypatch.setattr(_memo.hashlib, "sha1", counting)
    with shared_results():
        cronbach_alpha(items)   # alpha, its moments and omega: one buffer
        omega(items)
        assert len(calls) == 1
        other = items.copy()    # equal content, another buffer: hashed, and a hit
        assert cronbach_alpha(other) is cronbach_alpha(items)
        assert len(calls) == 2


def test_freed_buffer_is_not_trusted(items):
    with shared_results():
        first = cronbach_alpha(items.copy()).raw_alpha   # its buffer is freed at once
        changed = items.copy()
        changed.iloc[:, 0] = changed.iloc[::-1, 0].to_numpy()
        assert cronbach_alpha(changed).raw_alpha != first
        assert cronbach_alpha(changed).raw_alpha == cronbach_alpha(changed.copy()).raw_alpha


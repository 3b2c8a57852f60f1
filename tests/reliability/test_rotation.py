"""varimax / oblimin against R stats::varimax and GPArotation::oblimin."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from reftools import load_reference
from stressgroup.reliability._rotation import oblimin, varimax

CASES = {c["name"]: c for c in load_reference("omega_h")["cases"]}


@pytest.mark.parametrize("name", sorted(CASES))
def test_psych_varimax_then_oblimin(name):
    c = CASES[name]
    U = np.array(c["unrotated"]).T
    v, T = varimax(U)
    s = np.sign(v.sum(axis=0))
    v = v * s
    v = v[:, np.argsort(-(v**2).sum(axis=0), kind="stable")]
    assert_allclose(v, np.array(c["varimax"]).T, atol=1e-13)
    rot, phi, info = oblimin(np.array(c["varimax"]).T, return_info=True)
    assert_allclose(rot, np.array(c["oblimin"]).T, atol=1e-13)
    assert_allclose(phi, np.array(c["phi"]).T, atol=1e-13)
    assert info["iterations"] == c["oblimin_iterations"] and info["converged"]


def test_oblimin_reproduces_the_common_part():
    rng = np.random.default_rng(4)
    L = rng.normal(size=(12, 3))
    rot, phi = oblimin(L, gamma=0.5, normalize=True)
    assert_allclose(rot @ phi @ rot.T, L @ L.T, atol=1e-10)
    assert_allclose(np.diag(phi), 1)
    with pytest.raises(ValueError, match="two factors"):
        oblimin(L[:, :1])

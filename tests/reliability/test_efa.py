"""efa and parallel_analysis against R psych::fa / psych::fa.parallel (efa.R)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from reftools import REFERENCE, RTOL, SAMPLE, load_reference
from stressgroup import omega
from stressgroup.core.errors import DataError, MeasurementWarning
from stressgroup.reliability import EFAResult, efa, parallel_analysis
from stressgroup.reliability._efa import _fa_values, cor_smooth
from stressgroup.reliability._matrix import pairwise_cor

REF = load_reference("efa")
CASES = {c["name"]: c for c in REF["cases"]}
PARALLEL = {p["name"]: p for p in REF["parallel"]}


@pytest.fixture(scope="module")
def bfi() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "bfi.csv")


@pytest.fixture(scope="module")
def npd() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "npd.csv")


def sample_pre_keyed() -> pd.DataFrame:
    """The study sample's pre wave, keyed as tests/reference/sample.R keys it."""
    dat = pd.read_csv(SAMPLE / "qcity_long.csv", dtype={"id": str})
    items = [f"{s}{i}" for s in ("IND", "FAM", "WORK", "ORG", "SOC") for i in range(1, 6)]
    x = dat.loc[dat.wave == "pre", items].astype(float)
    for it in ("IND4", "FAM3", "WORK5", "ORG2", "SOC4"):
        x[it] = 6 - x[it]
    return x.reset_index(drop=True)


def tol(ref) -> dict:
    """rtol/atol for a case. In the study sample's minres Heywood case (IND1 at
    psych's bound 0.005) scipy's and R's L-BFGS-B stop at slightly different
    points: loadings differ by up to 6e-7 (1e-4 relative on a loading of .006)."""
    if ref["name"] == "sample_pre_minres_oblimin_5":
        return {"rtol": 1e-4, "atol": 2e-6}
    return {"rtol": RTOL, "atol": 1e-9}


def names_of(ref) -> list[str]:
    f = ref["factor_names"]
    return [f] if isinstance(f, str) else list(f)


@pytest.fixture(params=sorted(CASES), scope="module")
def fitted(request, bfi, npd):
    ref = CASES[request.param]
    if ref["name"].startswith("npd"):
        with pytest.warns(MeasurementWarning) as record:
            res = efa(npd, ref["n_factors"], method=ref["method"], rotation=ref["rotation"],
                      smooth=ref["smooth"])
        assert any("not positive definite" in str(w.message) for w in record)
    elif ref["name"].startswith("sample_pre"):
        x = sample_pre_keyed()
        with pytest.warns(MeasurementWarning) as record:
            res = efa(x, 5, method=ref["method"], rotation=ref["rotation"])
        messages = " | ".join(str(w.message) for w in record)
        assert "Heywood case" in messages and "IND1" in messages
        assert "1.9 per item" in messages and "KMO = 0.586" in messages
    elif ref["name"].startswith("heywood"):
        with pytest.warns(MeasurementWarning) as record:
            res = efa(pd.read_csv(REFERENCE / "heywood_efa.csv"), 1, method=ref["method"])
        messages = [str(w.message) for w in record]
        assert any("Heywood case: communality >= 1 for h1" in m for m in messages)
        assert any("KMO = 0.571" in m for m in messages)
    else:
        res = efa(bfi[ref["items"]], ref["n_factors"], method=ref["method"],
                  rotation=ref["rotation"], normalize=ref.get("normalize"))
    return ref, res


def test_loadings_match_psych(fitted):
    ref, res = fitted
    names = names_of(ref)
    assert list(res.loadings.columns) == names          # psych's order and names
    assert res.loadings.index.tolist() == ref["items"]
    want = np.column_stack([ref["loadings"][f] for f in names])
    assert_allclose(res.loadings.to_numpy(), want, **tol(ref))


@pytest.mark.parametrize("attr, key", [("communalities", "communalities"),
                                       ("uniquenesses", "uniquenesses"),
                                       ("factor_eigenvalues", "values")])
def test_item_quantities_match_psych(fitted, attr, key):
    ref, res = fitted
    assert_allclose(getattr(res, attr).to_numpy(), ref[key], **tol(ref))


def test_eigenvalues_match_r(fitted):
    ref, res = fitted
    # the smoothed npd matrix has an eigenvalue of 8e-11: compare it absolutely
    assert_allclose(res.eigenvalues.to_numpy(), ref["e_values"], rtol=RTOL, atol=1e-12)


def test_phi_and_variance_match_psych(fitted):
    ref, res = fitted
    v = res.variance
    m = ref["n_factors"]
    assert_allclose(v["extraction_total"].iloc[:m], ref["extraction_ss"], **tol(ref))
    assert v["extraction_total"].iloc[m:].isna().all()
    assert_allclose(v["initial_cum_pct"].iloc[-1], 100.0, rtol=1e-12)
    assert_allclose(v["initial_pct"], 100 * np.asarray(ref["e_values"]) / len(ref["items"]),
                    rtol=RTOL, atol=1e-10)
    if "phi" in ref:
        assert res.rotation == "oblimin"
        assert_allclose(res.phi.to_numpy(), np.array(ref["phi"]), **tol(ref))
        assert list(res.phi.columns) == names_of(ref)
        assert_allclose(v["rotation_total"].iloc[:m], ref["rotation_ss_structure"], **tol(ref))
        assert_allclose(v["rotation_total_psych"].iloc[:m], ref["rotation_ss_psych"],
                        **tol(ref))
        assert v["rotation_pct"].isna().all()             # SPSS: no % when oblique
        assert_allclose(res.structure.to_numpy(), res.loadings.to_numpy() @ res.phi.to_numpy())
    else:
        assert res.phi is None
    if "rotation_ss" in ref:
        assert_allclose(v["rotation_total"].iloc[:m], ref["rotation_ss"], rtol=RTOL)
        assert_allclose(v["rotation_cum_pct"].iloc[m - 1], v["extraction_cum_pct"].iloc[m - 1],
                        rtol=1e-10)   # an orthogonal rotation keeps the total


def test_one_factor_equals_omega_minres(bfi):
    x = bfi[CASES["bfi25_minres_1"]["items"]]
    res = efa(x, 1)
    assert res.rotation == "none"
    assert_allclose(res.loadings["MR1"].to_numpy(), omega(x).loadings.to_numpy(), rtol=1e-12)


def test_smoothing_as_psych(npd):
    R = pairwise_cor(npd.to_numpy(dtype=float))
    assert_allclose(cor_smooth(R), np.array(REF["npd_smoothed"]), rtol=0, atol=1e-14)
    with pytest.warns(MeasurementWarning) as record:
        res = efa(npd, 1, smooth=True)
    assert res.smoothed
    assert any("cor.smooth" in str(w.message) for w in record)


def test_heywood_case_warns(npd):
    with pytest.warns(MeasurementWarning) as record:
        res = efa(npd, 1)
    assert any("Heywood" in str(w.message) and " b " in str(w.message) for w in record)
    assert res.communalities["b"] > 1 and not res.smoothed


# ------------------------------------------------------------ parallel analysis
@pytest.mark.parametrize("name", sorted(PARALLEL))
def test_parallel_with_r_draws_matches_r(name, bfi):
    ref = PARALLEL[name]
    res = parallel_analysis(bfi[ref["items"]], simulated=np.array(ref["sim_values"]))
    assert_allclose(res.observed.to_numpy(), ref["observed"], rtol=RTOL)
    assert_allclose(res.simulated_mean.to_numpy(), ref["sim_mean"], rtol=1e-12)
    assert_allclose(res.simulated_quantile.to_numpy(), ref["sim_quantile"], rtol=1e-12)
    assert_allclose(res.simulated_sd.to_numpy(), ref["sim_sd"], rtol=1e-12)
    assert res.n_factors == ref["nfact"] and res.n == ref["n"]


@pytest.mark.parametrize("i", range(len(REF["sim_check"])))
def test_simulated_eigenvalues_of_given_data_match_r(i):
    # weak one-factor fits of random data: scipy's and R's L-BFGS-B stop at
    # slightly different points (2.6e-6 at most here)
    s = REF["sim_check"][i]
    C = np.corrcoef(np.array(s["data"]), rowvar=False)
    assert_allclose(_fa_values(C, "minres"), s["values"], rtol=0, atol=1e-5)


@pytest.mark.parametrize("name", sorted(PARALLEL))
def test_own_simulation_agrees_with_r_in_distribution(name, bfi):
    ref = PARALLEL[name]
    res = parallel_analysis(bfi[ref["items"]], seed=20261201)
    if name == "bfi25":   # clear margins (bfi10's 4th eigenvalue is 0.5 sd from R's cut)
        assert res.n_factors == ref["nfact"]
    # means of 20 draws each: difference within 4.5 standard errors; the first
    # eigenvalue has a heavy right tail (a few degenerate one-item fits, in R
    # too), so its median is compared with R's range instead
    se = np.sqrt(2 / 20) * np.asarray(ref["sim_sd"])
    z = (res.simulated_mean.to_numpy() - ref["sim_mean"]) / se
    assert np.all(np.abs(z[1:]) < 4.5), z
    first = np.array(ref["sim_values"])[:, 0]
    assert first.min() <= np.median(res.simulated[:, 0]) <= first.max()


def test_parallel_is_reproducible_with_seed(bfi):
    x = bfi[PARALLEL["bfi10"]["items"]]
    a = parallel_analysis(x, seed=3, n_iter=5)
    b = parallel_analysis(x, seed=3, n_iter=5)
    assert_allclose(a.simulated, b.simulated, rtol=0)
    assert a.simulated.shape == (5, 10)


def test_efa_chooses_factors_by_parallel_analysis(bfi):
    ref = PARALLEL["bfi25"]
    res = efa(bfi[ref["items"]], simulated=np.array(ref["sim_values"]))
    assert res.n_factors == ref["nfact"] == 6
    assert res.parallel is not None and res.parallel.n_factors == 6
    assert res.loadings.shape == (25, 6)
    d = res.to_dict()
    assert d["parallel"]["n_factors"] == 6
    assert efa(bfi[ref["items"]], 5).parallel is None


# --------------------------------------------------------- output and checks
def test_to_dict_keys_and_repr(bfi):
    res = efa(bfi[CASES["bfi10_minres_oblimin_2"]["items"]], 2)
    assert isinstance(res, EFAResult)
    d = res.to_dict()
    for key in ("loadings", "communalities", "uniquenesses", "eigenvalues", "variance",
                "n_factors", "parallel", "phi"):
        assert key in d
    assert set(d["loadings"]) == {"MR1", "MR2"} and len(d["eigenvalues"]) == 10
    assert "h2" in res.to_frame().columns
    assert "rotation oblimin" in repr(res)
    import json
    json.dumps(d)


def test_few_people_per_item_warns(rng):
    f = rng.normal(size=(30, 1))
    x = pd.DataFrame(f + rng.normal(size=(30, 8)), columns=[f"i{j}" for j in range(8)])
    with pytest.warns(MeasurementWarning, match="per item"):
        efa(x, 1)


def test_low_kmo_warns_in_efa(rng):
    x = pd.DataFrame(rng.normal(size=(400, 6)), columns=list("abcdef"))
    with pytest.warns(MeasurementWarning, match="KMO"):
        efa(x, 1)


def test_zero_variance_refused(bfi):
    x = bfi[["A1", "A2", "A3"]].copy()
    x["same"] = 2.0
    with pytest.raises(DataError, match="same"):
        efa(x, 1)


@pytest.mark.parametrize("kw, match", [({"n_factors": 0}, "n_factors"),
                                       ({"n_factors": 5}, "n_factors"),
                                       ({"n_factors": 1.5}, "n_factors"),
                                       ({"method": "ml"}, "method"),
                                       ({"rotation": "promax"}, "rotation"),
                                       ({"normalize": "yes"}, "normalize"),
                                       ({"n_iter": 1}, "n_iter"),
                                       ({"quantile": 1.0}, "quantile")])
def test_bad_arguments(bfi, kw, match):
    with pytest.raises((ValueError, TypeError), match=match):
        efa(bfi[["A1", "A2", "A3", "A4", "A5"]], **kw)


def test_parallel_edge_decisions(bfi):
    x = bfi[PARALLEL["bfi10"]["items"]]
    none = parallel_analysis(x, simulated=np.full((3, 10), 100.0))
    assert none.n_factors == 0
    every = parallel_analysis(x, simulated=np.full((3, 10), -100.0))
    assert every.n_factors == 10                      # R: NA
    with pytest.warns(MeasurementWarning, match="no common factor"):
        res = efa(x, simulated=np.full((3, 10), 100.0))
    assert res.n_factors == 1
    with pytest.warns(MeasurementWarning) as record:  # 9 factors of 10 items: improper
        res = efa(x, simulated=np.full((3, 10), -100.0))
    assert res.n_factors == 9                         # at most k - 1
    assert any("did not converge" in str(w.message) for w in record)
    with pytest.raises(ValueError, match="shape"):
        parallel_analysis(x, simulated=np.zeros((3, 4)))
    d = none.to_dict()
    assert d["n_factors"] == 0 and len(d["simulated_quantile"]) == 10
    assert "suggested factors: 0" in repr(none)


def test_documents_render_to_markdown(bfi):
    ref = PARALLEL["bfi25"]
    res = efa(bfi[ref["items"]], simulated=np.array(ref["sim_values"]))
    doc = res.to_document()
    assert [t.key for t in doc.tables()] == ["efa_variance", "efa_loadings", "efa_phi",
                                            "efa_parallel"]
    loadings = doc.tables()[1]
    assert loadings.column("f_MR2").kind == "loading"
    assert loadings.column("f_MR2").blank_below == 0.30
    assert loadings.rows[0]["item"] == "N1"                  # sorted by main factor
    assert loadings.rows[0]["f_MR2"] == res.loadings.loc["N1", "MR2"]   # raw value
    variance = doc.tables()[0]
    assert "rotation_pct" not in [c.key for c in variance.columns]     # oblique: totals only
    md = res.to_markdown()
    assert "| N1 | .84 |  |" in md                          # below .30 blank
    assert "parallel analysis (20 simulated data sets)" in md
    zh = efa(bfi[ref["items"]], 3, rotation="varimax").to_markdown(lang="zh")
    assert "总方差解释" in zh and "旋转载荷平方和" in zh and "最大方差法" in zh
    par = res.parallel.to_markdown()
    assert "| 6 | 0.26 | 0.09 | 0.10 | yes |" in par


def test_every_validity_result_prints_renders_html_and_serialises(bfi):
    import json

    from stressgroup.reliability import bartlett, kmo

    x = bfi[CASES["bfi10_minres_oblimin_2"]["items"]]
    res = efa(x, simulated=np.array(PARALLEL["bfi10"]["sim_values"]))
    for r in (kmo(x), bartlett(x), res, res.parallel, efa(x, 2, rotation="varimax")):
        text = repr(r)
        assert text and "object at 0x" not in text, type(r)
        assert "<table" in r._repr_html_(), type(r)
        json.dumps(r.to_dict(), allow_nan=False)
        assert r.to_frame() is not None

"""cfa / cfa_model against R lavaan 0.6.14 and semTools 0.5.6 (tests/reference/cfa.R)."""

from __future__ import annotations

import json
import time
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from reftools import REFERENCE, RTOL, load_reference
from stressgroup import DataError, load_instrument
from stressgroup.core.errors import MeasurementWarning
from stressgroup.reliability import CFAResult, cfa, cfa_model

REF = load_reference("cfa")
CASES = {c["name"]: c for c in REF["cases"]}
# lavaan's default fit stops with a gradient of ~1e-6 and its RMSEA interval
# uses uniroot's tol = 1.2e-4: the "default" block is matched to 1e-4, the
# tightly converged "tight" block (Gauss-Newton, gradient ~1e-14) to RTOL.
RTOL_DEFAULT = 1e-4
# The study sample has 26 complete people for 25 items: lavaan's default nlminb
# stops with a gradient of 1e-4 (estimates 1.7e-4 from the optimum) and even
# Gauss-Newton only reaches optim.gn.tol.x = 1e-10 (estimates ~3e-7 away).
CASE_RTOL = {"sample": {"tight": 1e-5, "default": 1e-3}}


def rtol_for(name: str, block: str) -> float:
    return CASE_RTOL.get(name, {}).get(block, RTOL if block == "tight" else RTOL_DEFAULT)
FIT_KEYS = ["chisq", "df", "p", "cfi", "tli", "rmsea", "rmsea_p", "srmr", "aic", "bic", "bic2",
            "npar", "n", "baseline_chisq", "baseline_df", "baseline_p"]
EXPECTED_WARNINGS = {"holzinger": [], "bfi": [],
                     "sample": ["fewer than 5 per item", "factor covariance matrix is not"],
                     "heywood": ["Heywood case: negative residual variance for h1"]}
BFI_REVERSED = ["A1", "C4", "C5", "E1", "E2", "O2", "O5"]


def case_items(name: str, sample_long_frame: pd.DataFrame) -> pd.DataFrame:
    if name == "holzinger":
        return pd.read_csv(REFERENCE / "holzinger.csv")
    if name == "heywood":
        return pd.read_csv(REFERENCE / "heywood.csv")
    if name == "bfi":
        x = pd.read_csv(REFERENCE / "bfi.csv")
        x[BFI_REVERSED] = 7 - x[BFI_REVERSED]
        return x
    raise KeyError(name)


@pytest.fixture(params=sorted(CASES), scope="module")
def fitted(request, sample_long_frame):
    ref = CASES[request.param]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if request.param == "sample":
            res = cfa(sample_long_frame, "five-level-stress", wave="pre")
        else:
            res = cfa_model(case_items(request.param, sample_long_frame), ref["factors"])
    msgs = [str(w.message) for w in caught if issubclass(w.category, MeasurementWarning)]
    return ref, res, msgs


def fit_value(res: CFAResult, key: str):
    return getattr(res, key)


@pytest.mark.parametrize("key", FIT_KEYS)
def test_fit_indices_match_converged_lavaan(fitted, key):
    ref, res, _ = fitted
    # atol: lavaan's rmsea_p is 1 - pchisq(), which is 0 below 1e-16 (ours: the exact tail)
    assert_allclose(fit_value(res, key), ref["tight"][key], rtol=RTOL, atol=1e-15,
                    err_msg=ref["name"])


@pytest.mark.parametrize("key", FIT_KEYS)
def test_fit_indices_match_default_lavaan(fitted, key):
    ref, res, _ = fitted
    assert_allclose(fit_value(res, key), ref["default"][key], rtol=rtol_for(ref["name"], "default"),
                    atol=1e-15,
                    err_msg=ref["name"])


def test_loglik_and_chisq_df(fitted):
    ref, res, _ = fitted
    t = ref["tight"]
    assert_allclose(res.loglik, t["loglik"], rtol=RTOL)
    assert_allclose(res.loglik_unrestricted, t["unrestricted_loglik"], rtol=RTOL)
    assert_allclose(res.chisq_df, t["chisq"] / t["df"], rtol=RTOL)
    assert res.converged


def test_rmsea_interval(fitted):
    ref, res, _ = fitted
    assert_allclose(res.rmsea_ci, ref["tight"]["rmsea_ci_exact"], rtol=RTOL)
    assert_allclose(res.rmsea_ci, ref["default"]["rmsea_ci"], rtol=RTOL_DEFAULT)


@pytest.mark.parametrize("col,ref_key", [("est", "est"), ("se", "se"), ("std_all", "std_all"),
                                         ("std_se", "std_se"), ("std_z", "std_z"),
                                         ("std_p", "std_p")])
@pytest.mark.parametrize("block", ["tight", "default"])
def test_loadings(fitted, col, ref_key, block):
    ref, res, _ = fitted
    rtol = rtol_for(ref["name"], block)
    lo = ref[block]["loadings"]
    got = res.loadings
    assert [f for f, _ in got.index] == lo["factor"]
    assert [i for _, i in got.index] == lo["item"]
    want = np.array([np.nan if v is None else v for v in lo[ref_key]], dtype=float)
    assert_allclose(got[col].to_numpy(), want, rtol=rtol, atol=1e-12, err_msg=ref["name"])


def test_residual_variances_and_factor_covariances(fitted):
    ref, res, _ = fitted
    t = ref["tight"]
    par = res.parameters
    rv = par[(par["op"] == "~~") & par["lhs"].isin(t["residual_variances"]["item"])]
    assert rv["lhs"].tolist() == t["residual_variances"]["item"]
    for col, key in [("est", "est"), ("se", "se"), ("std_all", "std_all"),
                     ("std_se", "std_se")]:
        assert_allclose(rv[col].to_numpy(), t["residual_variances"][key], rtol=RTOL)
    fv = par[(par["op"] == "~~") & par["lhs"].isin(list(res.factors))]
    fc = t["factor_cov"]
    got = {(r.lhs, r.rhs): (r.est, r.se) for r in fv.itertuples()}
    for lhs, rhs, est, se in zip(fc["lhs"], fc["rhs"], fc["est"], fc["se"]):
        assert_allclose(got[(lhs, rhs)], (est, se), rtol=RTOL)
    cor = t["factor_cor"]
    R = res.factor_correlations
    corr_rows = {(r.lhs, r.rhs): r for r in fv.itertuples()}
    for lhs, rhs, est, se in zip(cor["lhs"], cor["rhs"], cor["est"], cor["se"]):
        assert_allclose(R.loc[lhs, rhs], est, rtol=RTOL)
        assert_allclose(corr_rows[(lhs, rhs)].std_se, se, rtol=RTOL)


@pytest.mark.parametrize("key", ["ave", "cr"])
def test_ave_cr_match_semtools(fitted, key):
    ref, res, _ = fitted
    want = ref["tight"][key]
    assert list(getattr(res, key)) == list(want)
    assert_allclose(list(getattr(res, key).values()), list(want.values()), rtol=RTOL)
    assert_allclose(list(getattr(res, key).values()),
                    list(ref["default"][key].values()), rtol=RTOL_DEFAULT)


@pytest.mark.parametrize("method,key", [("geometric", "htmt"), ("arithmetic", "htmt_arithmetic")])
def test_htmt_matches_semtools(fitted, sample_long_frame, method, key):
    ref, res, _ = fitted
    if method != res.htmt_method:
        if ref["name"] == "sample":
            with pytest.warns(MeasurementWarning):
                res = cfa(sample_long_frame, "five-level-stress", htmt_method=method)
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", MeasurementWarning)
                res = cfa_model(case_items(ref["name"], sample_long_frame), ref["factors"],
                                htmt_method=method)
    assert_allclose(res.htmt.to_numpy(), np.array(ref["tight"][key]), rtol=RTOL)


def test_expected_warnings(fitted):
    ref, _, msgs = fitted
    expected = EXPECTED_WARNINGS[ref["name"]]
    assert len(msgs) == len(expected), msgs
    for want in expected:
        assert any(want in m for m in msgs), (want, msgs)


def test_listwise_counts(fitted):
    ref, res, _ = fitted
    assert res.n == ref["n_complete"]
    assert res.n_rows == ref["n_rows"]
    assert res.n_dropped == ref["n_rows"] - ref["n_complete"]
    assert (res.n_dropped > 0) == any("listwise" in n for n in res.notes)


def test_heywood_loading_above_one():
    items = pd.read_csv(REFERENCE / "heywood.csv")
    with pytest.warns(MeasurementWarning, match="standardised loading above 1 for h1 on F1"):
        res = cfa_model(items, CASES["heywood"]["factors"])
    assert res.loadings.loc[("F1", "h1"), "std_all"] > 1
    par = res.parameters
    assert par[(par["lhs"] == "h1") & (par["rhs"] == "h1")]["est"].iloc[0] < 0


def test_discriminant_table(fitted):
    _, res, _ = fitted
    fl = res.discriminant
    names = list(res.factors)
    assert fl.index.tolist() == names and fl.columns.tolist() == names
    assert_allclose(np.diag(fl), np.sqrt(list(res.ave.values())), rtol=1e-14)
    R = res.factor_correlations.to_numpy()
    low = np.tril_indices(len(names), -1)
    assert_allclose(fl.to_numpy()[low], R[low], rtol=1e-14)
    assert np.isnan(fl.to_numpy()[np.triu_indices(len(names), 1)]).all()
    ft = res.factor_table
    assert ft.columns.tolist() == ["k", "ave", "cr", "ave_std", "sqrt_ave"]
    std = res.loadings["std_all"]
    for f in names:
        assert_allclose(ft.loc[f, "ave_std"], np.mean(std.loc[f].to_numpy() ** 2), rtol=1e-12)


def test_to_dict_and_frame(fitted):
    _, res, _ = fitted
    d = res.to_dict()
    for key in ["chisq", "df", "p", "cfi", "tli", "rmsea", "rmsea_ci", "srmr", "ave", "cr",
                "htmt", "chisq_df", "aic", "bic", "n", "baseline_chisq", "baseline_df",
                "rmsea_p", "loadings", "factor_cor", "n_dropped"]:
        assert key in d
    json.dumps(d, allow_nan=False)
    assert len(d["rmsea_ci"]) == 2
    f0 = list(res.factors)[0]
    item0 = res.factors[f0][0]
    assert d["loadings"][f0][item0]["std_all"] == pytest.approx(
        res.loadings.loc[(f0, item0), "std_all"])
    frame = res.to_frame()
    assert frame.loc["cfi", "value"] == res.cfi
    assert frame.loc["rmsea_ci_high", "value"] == res.rmsea_ci[1]
    text = repr(res)
    assert "CFI" in text and "chisq" in text
    assert "<table" in res._repr_html_()


def test_instrument_version_equals_model_version(sample_long_frame):
    from stressgroup.instruments import key_items

    inst = load_instrument("five-level-stress")
    pre = sample_long_frame[sample_long_frame["wave"] == "pre"]
    keyed = key_items(pre, inst)
    factors = {s.id: list(s.items) for s in inst.subscales}
    with pytest.warns(MeasurementWarning):
        a = cfa_model(keyed, factors)
    with pytest.warns(MeasurementWarning):
        b = cfa(sample_long_frame, inst, wave="pre")
    assert a.chisq == b.chisq and b.instrument == inst.id and b.wave == "pre"
    assert_allclose(a.loadings["std_all"], b.loadings["std_all"], rtol=0)


@pytest.fixture
def two_factor(rng) -> tuple[pd.DataFrame, dict]:
    f = rng.multivariate_normal([0, 0], [[1, 0.3], [0.3, 1]], size=200)
    x = np.repeat(f, 3, axis=1) * 0.7 + rng.normal(scale=0.7, size=(200, 6))
    cols = ["a1", "a2", "a3", "b1", "b2", "b3"]
    return pd.DataFrame(x, columns=cols), {"A": cols[:3], "B": cols[3:]}


def test_zero_variance_item_is_named(two_factor):
    x, factors = two_factor
    x["a2"] = 3.0
    with pytest.raises(DataError, match="without variance.*a2"):
        cfa_model(x, factors)


def test_single_item_factor_refused(two_factor):
    x, _ = two_factor
    with pytest.raises(DataError, match="single item"):
        cfa_model(x, {"A": ["a1", "a2", "a3", "b1", "b2"], "B": ["b3"]})


def test_absent_item_refused(two_factor):
    x, factors = two_factor
    with pytest.raises(DataError, match="not in the data: zz"):
        cfa_model(x, {"A": factors["A"], "B": factors["B"] + ["zz"]})


@pytest.mark.parametrize("bad,exc", [([1, 2], TypeError), ({}, TypeError),
                                     ({"A": "a1"}, TypeError)])
def test_bad_factors_argument(two_factor, bad, exc):
    x, _ = two_factor
    with pytest.raises(exc, match="factors"):
        cfa_model(x, bad)


def test_bad_options(two_factor, sample_long_frame):
    x, factors = two_factor
    with pytest.raises(ValueError, match="htmt_method"):
        cfa_model(x, factors, htmt_method="median")
    with pytest.raises(ValueError, match="missing"):
        cfa(sample_long_frame, "five-level-stress", missing="pairwise")
    with pytest.raises(TypeError, match="items"):
        cfa_model(x.to_numpy(), factors)


def test_two_item_factor_warns(two_factor):
    x, _ = two_factor
    with pytest.warns(MeasurementWarning, match="fewer than 3 items"):
        res = cfa_model(x, {"A": ["a1", "a2", "a3", "b1"], "B": ["b2", "b3"]})
    assert res.df == 8


def test_non_positive_definite_sample_covariance_warns(rng):
    x = pd.DataFrame(rng.normal(size=(8, 9)), columns=[f"v{i}" for i in range(9)])
    factors = {"A": ["v0", "v1", "v2"], "B": ["v3", "v4", "v5"], "C": ["v6", "v7", "v8"]}
    with pytest.warns(MeasurementWarning) as rec:
        res = cfa_model(x, factors)
    assert any("not positive definite" in str(w.message) for w in rec)
    assert np.isnan(res.chisq) and np.isnan(res.cfi) and np.isnan(res.rmsea)


def test_identification_invariance(two_factor):
    """Reordering the items in a factor changes the marker but not the
    standardised solution or the fit (lavaan's std.lv = TRUE gives the same)."""
    x, factors = two_factor
    a = cfa_model(x, factors)
    b = cfa_model(x, {"A": ["a3", "a1", "a2"], "B": ["b2", "b3", "b1"]})
    assert_allclose(a.chisq, b.chisq, rtol=1e-10)
    sa = a.loadings["std_all"]
    sb = b.loadings["std_all"].reindex(sa.index)
    assert_allclose(sa, sb, rtol=1e-8)
    assert_allclose(a.loadings["std_se"], b.loadings["std_se"].reindex(sa.index), rtol=1e-7)


def test_runtime_25_items_500_people(rng):
    f = rng.multivariate_normal(np.zeros(5), 0.6 * np.eye(5) + 0.4, size=500)
    x = np.repeat(f, 5, axis=1) * 0.7 + rng.normal(scale=0.7, size=(500, 25))
    cols = [f"i{j}" for j in range(25)]
    items = pd.DataFrame(x, columns=cols)
    factors = {f"F{k}": cols[5 * k:5 * k + 5] for k in range(5)}
    cfa_model(items, factors)  # warm-up (scipy imports)
    t0 = time.perf_counter()
    res = cfa_model(items, factors)
    elapsed = time.perf_counter() - t0
    assert res.converged and elapsed < 1.0, elapsed


# ------------------------------------------------------------------ FIML
FIML_CASES = {c["name"]: c for c in REF["fiml_cases"]}


def fiml_items(name: str) -> pd.DataFrame:
    if name == "holzinger_missing":
        return pd.read_csv(REFERENCE / "holzinger_missing.csv")
    return case_items(name, None)


def fit_fiml(name: str, sample_long_frame, **kw) -> CFAResult:
    ref = FIML_CASES[name]
    if name == "sample":
        with pytest.warns(MeasurementWarning, match="fewer than 5 per item"):
            return cfa(sample_long_frame, "five-level-stress", missing="fiml", **kw)
    return cfa_model(fiml_items(name), ref["factors"], missing="fiml", **kw)


@pytest.fixture(params=sorted(FIML_CASES), scope="module")
def fitted_fiml(request, sample_long_frame):
    return FIML_CASES[request.param], fit_fiml(request.param, sample_long_frame)


@pytest.mark.parametrize("key", FIT_KEYS)
def test_fiml_fit_indices_match_lavaan(fitted_fiml, key):
    ref, res = fitted_fiml
    assert_allclose(getattr(res, key), ref["default"][key], rtol=RTOL_DEFAULT, atol=1e-15,
                    err_msg=ref["name"])


def test_fiml_loglik_counts_and_interval(fitted_fiml):
    ref, res = fitted_fiml
    d = ref["default"]
    assert_allclose(res.loglik, d["loglik"], rtol=1e-8)
    assert_allclose(res.loglik_unrestricted, d["unrestricted_loglik"], rtol=1e-8)
    assert_allclose(res.rmsea_ci, d["rmsea_ci"], rtol=RTOL_DEFAULT)
    assert res.n == ref["n_used"] and res.converged


@pytest.mark.parametrize("col", ["est", "se", "std_all", "std_se", "std_z", "std_p"])
def test_fiml_loadings_match_lavaan(fitted_fiml, col):
    ref, res = fitted_fiml
    want = np.array([np.nan if v is None else v for v in ref["default"]["loadings"][col]],
                    dtype=float)
    # p values of z ~ 4-6 magnify the estimates' 1e-5 differences (sample: lavaan stops
    # with a gradient of 1.7e-5): absolute 1e-8 for them
    atol = 1e-8 if col == "std_p" else 1e-12
    assert_allclose(res.loadings[col].to_numpy(), want, rtol=RTOL_DEFAULT, atol=atol)


def test_fiml_intercepts_and_residual_variances(fitted_fiml):
    ref, res = fitted_fiml
    d = ref["default"]
    par = res.parameters
    ints = par[par["op"] == "~1"]
    assert ints["lhs"].tolist() == d["intercepts"]["item"]
    assert_allclose(ints["est"], d["intercepts"]["est"], rtol=RTOL_DEFAULT)
    assert_allclose(ints["se"], d["intercepts"]["se"], rtol=RTOL_DEFAULT)
    rv = par[(par["op"] == "~~") & par["lhs"].isin(d["residual_variances"]["item"])]
    assert_allclose(rv["est"], d["residual_variances"]["est"], rtol=RTOL_DEFAULT)
    assert_allclose(rv["se"], d["residual_variances"]["se"], rtol=RTOL_DEFAULT)


def test_fiml_ave_cr_htmt(fitted_fiml, sample_long_frame):
    ref, res = fitted_fiml
    d = ref["default"]
    assert_allclose(list(res.ave.values()), list(d["ave"].values()), rtol=RTOL_DEFAULT)
    assert_allclose(list(res.cr.values()), list(d["cr"].values()), rtol=RTOL_DEFAULT)
    assert_allclose(res.htmt.to_numpy(), np.array(d["htmt_ml"]), rtol=RTOL_DEFAULT)
    ar = fit_fiml(ref["name"], sample_long_frame, htmt_method="arithmetic")
    assert_allclose(ar.htmt.to_numpy(), np.array(d["htmt_ml_arithmetic"]), rtol=RTOL_DEFAULT)


def test_fiml_on_complete_data_equals_ml_with_means():
    """Without missing cells FIML gives the listwise ML solution (the means are
    the sample means), with observed-information SEs."""
    items = pd.read_csv(REFERENCE / "holzinger.csv")
    factors = CASES["holzinger"]["factors"]
    a = cfa_model(items, factors)
    b = cfa_model(items, factors, missing="fiml")
    assert_allclose(b.chisq, a.chisq, rtol=1e-8)
    assert_allclose(b.loadings["est"], a.loadings["est"], rtol=1e-7)
    assert b.npar == a.npar + 9 and b.df == a.df


def test_negative_loading_warns(two_factor):
    x, factors = two_factor
    x["a3"] = -x["a3"]
    with pytest.warns(MeasurementWarning, match="negative standardised loading for a3 on A"):
        res = cfa_model(x, factors)
    assert res.loadings.loc[("A", "a3"), "std_all"] < 0


def test_subscale_selection(sample_long_frame):
    with pytest.warns(MeasurementWarning):
        res = cfa(sample_long_frame, "five-level-stress", subscales=["work", "family"])
    assert list(res.factors) == ["work", "family"] and res.df == 34
    with pytest.raises(ValueError, match="unknown subscale.*nope"):
        cfa(sample_long_frame, "five-level-stress", subscales=["work", "nope"])
    with pytest.raises(TypeError, match="subscales"):
        cfa(sample_long_frame, "five-level-stress", subscales="work")


def test_no_rows_at_wave(sample_long_frame):
    with pytest.raises(DataError, match="no rows at wave 'mid'"):
        cfa(sample_long_frame, "five-level-stress", wave="mid")


# ------------------------------------------------------------------ document
def test_document_tables_and_markdown():
    from stressgroup.report import render

    items = pd.read_csv(REFERENCE / "holzinger.csv")
    res = cfa_model(items, CASES["holzinger"]["factors"])
    doc = res.to_document()
    tabs = doc.tables()
    assert [t.key for t in tabs] == ["cfa_fit", "cfa_loadings", "cfa_discriminant", "cfa_htmt"]
    fit = tabs[0].rows[0]
    assert fit["chisq"] == res.chisq and fit["rmsea_ci"] == tuple(res.rmsea_ci)
    assert fit["df"] == 24 and fit["cfi"] == res.cfi
    lo = tabs[1].rows
    assert len(lo) == 9 and lo[0]["std_all"] == res.loadings["std_all"].iloc[0]
    assert lo[0]["se"] is None and lo[0]["ave"] == res.ave["visual"] and lo[1]["ave"] is None
    assert tabs[2].rows[1]["f0"] == pytest.approx(res.factor_correlations.loc["textual",
                                                                              "visual"])
    assert tabs[2].rows[0]["f0"] == pytest.approx(np.sqrt(res.ave["visual"]))
    assert tabs[3].rows[2]["f1"] == res.htmt.loc["speed", "textual"]
    md = res.to_markdown()
    assert "χ²(24) = 85.31" in md and "CFI" in md and "not tests" in md
    assert "| x1 | 1.00 | — | .77 |" in md
    zh = render(doc, "markdown", "zh")
    assert "验证性因子分析" in zh and "区分效度" in zh and "异质-单质比率" in zh


def test_document_notes_heywood_and_dropped_rows(sample_long_frame):
    items = pd.read_csv(REFERENCE / "heywood.csv")
    with pytest.warns(MeasurementWarning):
        res = cfa_model(items, CASES["heywood"]["factors"])
    md = res.to_markdown()
    assert "Heywood case: negative residual variance of h1" in md
    assert "Heywood 现象" in res.to_markdown(lang="zh")
    with pytest.warns(MeasurementWarning):
        res = cfa(sample_long_frame, "five-level-stress")
    md = res.to_markdown()
    assert "22 of 48 rows dropped (missing answers, listwise deletion)" in md
    assert "**Individual**" in md and "not positive definite" in md
    assert "个人层面" in res.to_markdown(lang="zh")

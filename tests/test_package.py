"""Package-level promises: public API, lazy heavy imports, stressgroup.evaluate."""

from __future__ import annotations

import subprocess
import sys

import pytest

import stressgroup

HEAVY = ("statsmodels", "pingouin", "matplotlib", "factor_analyzer", "scipy", "sklearn",
         "docx", "semopy", "pyreadstat", "openpyxl", "python_calamine", "threadpoolctl",
         "pyarrow.parquet")   # pandas itself imports pyarrow when it is installed


def fresh(code: str) -> str:
    """What ``code`` prints in a fresh interpreter (pytest has imported much already)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_import_leaves_heavy_modules_out():
    assert fresh("import sys, stressgroup; "
                 f"print([m for m in {HEAVY!r} if m in sys.modules])") == "[]"


def test_import_loads_no_analysis():
    assert fresh("import sys, stressgroup; print(sorted(m for m in sys.modules "
                 "if m.startswith('stressgroup.analysis.')))") == "[]"


@pytest.mark.parametrize("first", ["import stressgroup.reliability",
                                   "import stressgroup.analysis._evaluate",
                                   "import stressgroup.analysis as a; a.evaluate"])
def test_reliability_stays_the_function(first):
    # the subpackage of that name, imported later, must not shadow the function
    assert fresh(f"import stressgroup; {first}; "
                 "print(callable(stressgroup.reliability))") == "True"


def test_all_names_exist():
    for name in stressgroup.__all__:
        assert hasattr(stressgroup, name), name


def test_evaluate_attribute_is_the_function():
    # in a fresh process (pytest's doctest collection imports the CLI module)
    assert fresh("import stressgroup, stressgroup.analysis as a; "
                 "print(stressgroup.evaluate is a.evaluate)") == "True"


def test_cli_module_import_keeps_evaluate_callable(sample_long_frame, five_level):
    import importlib

    mod = importlib.import_module("stressgroup.evaluate")
    res = mod(sample_long_frame, five_level)  # the module itself calls evaluate()
    assert res.to_dict()["groups"]["intervention"]["n"]["paired"] == 23


def test_every_result_prints_and_renders_html(sample_long_path, five_level):
    import json

    resp = stressgroup.read_survey(sample_long_path, instrument=five_level)
    pre = resp.data[resp.data.wave == "pre"]
    from stressgroup.instruments import key_items

    items = key_items(pre, five_level)[list(five_level.subscale("work").items)]
    ev = stressgroup.evaluate(resp, five_level)
    results = [
        resp, resp.report, five_level, ev, ev.groups["intervention"],
        stressgroup.cronbach_alpha(items), stressgroup.omega(items),
        stressgroup.paired_test([1, 2, 3, 5], [2, 2, 4, 7]),
        stressgroup.reliable_change([1, 2, 3], [1, 1, 4], reliability=0.8),
        stressgroup.reliability(resp, five_level),
        stressgroup.screen(resp, five_level),
    ]
    for res in results:
        text = repr(res)
        assert text and "object at 0x" not in text, type(res)
        assert "<" in res._repr_html_(), type(res)
        if hasattr(res, "to_dict"):
            json.dumps(res.to_dict(), allow_nan=False)
        if hasattr(res, "to_frame"):
            assert res.to_frame() is not None

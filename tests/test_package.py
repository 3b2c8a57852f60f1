"""Package-level promises: public API, lazy heavy imports, stressgroup.evaluate."""

from __future__ import annotations

import subprocess
import sys

import stressgroup

HEAVY = ("statsmodels", "pingouin", "matplotlib", "factor_analyzer", "scipy", "sklearn",
         "docx")


def test_import_leaves_heavy_modules_out():
    code = ("import sys, stressgroup; "
            f"print([m for m in {HEAVY!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_all_names_exist():
    for name in stressgroup.__all__:
        assert hasattr(stressgroup, name), name


def test_evaluate_attribute_is_the_function():
    # in a fresh process (pytest's doctest collection imports the CLI module)
    code = ("import stressgroup, stressgroup.analysis as a; "
            "print(stressgroup.evaluate is a.evaluate)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "True"


def test_cli_module_import_keeps_evaluate_callable(sample_long_frame, five_level):
    import importlib

    mod = importlib.import_module("stressgroup.evaluate")
    res = mod(sample_long_frame, five_level)  # the module itself calls evaluate()
    assert res.to_dict()["groups"]["intervention"]["n"]["paired"] == 23

"""The command line: main(argv) in process, and once as python -m."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from reftools import ROOT, load_reference
from stressgroup._cli import main


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_table_for_the_sample(capsys, sample_long_path):
    code, out, err = run(capsys, sample_long_path)
    assert code == 0
    assert "Group: intervention" in out and "Group: control" in out
    assert out.index("Group: intervention") < out.index("Group: control")
    for word in ("Individual", "Family", "Work", "Organization", "Society", "Total",
                 "p_holm", "dz [95% CI]", "alpha", "omega", "Reliable change"):
        assert word in out
    assert "t(22) = -4.34" in out  # intervention, work (R: t = -4.3429)
    assert "94 rows read" in err and "Traceback" not in err


def test_json_to_stdout_matches_r(capsys, sample_long_path):
    code, out, _ = run(capsys, sample_long_path, "--json", "-")
    assert code == 0
    d = json.loads(out)
    ref = load_reference("sample")
    assert d["direction"] == "post - pre" and d["instrument"] == "five-level-stress"
    for group, g in ref["groups"].items():
        got = d["groups"][group]
        assert got["n"] == g["n"]
        assert got["subscales"][2]["t"] == pytest.approx(g["subscales"][2]["t"], rel=1e-6)
    assert d["load"]["rows_read"] == d["load"]["rows_kept"] + d["load"]["rows_excluded"]


def test_json_to_file_and_two_files(capsys, tmp_path, sample_long_frame):
    pre = tmp_path / "pre.csv"
    post = tmp_path / "post.csv"
    sample_long_frame[sample_long_frame["wave"] == "pre"].drop(columns="wave").to_csv(pre, index=False)
    sample_long_frame[sample_long_frame["wave"] == "post"].drop(columns="wave").to_csv(post, index=False)
    out_json = tmp_path / "result.json"
    code, out, _ = run(capsys, pre, post, "--json", out_json, "--correction", "fdr_bh")
    assert code == 0 and "p_BH" in out
    d = json.loads(out_json.read_text(encoding="utf-8"))
    assert d["correction"] == "fdr_bh" and d["n"]["paired"] == 46


def test_chinese_table(capsys, sample_long_path):
    code, out, _ = run(capsys, sample_long_path, "--lang", "zh")
    assert code == 0 and "前测 M (SD)" in out and "工作层面" in out
    assert "0.0" in out  # leading zeros kept in Chinese journal style


def test_group_and_control_options(capsys, sample_wide_path):
    code, out, _ = run(capsys, sample_wide_path, "--group", "group", "--control", "intervention")
    assert code == 0
    assert out.index("Group: control") < out.index("Group: intervention")


@pytest.mark.parametrize("argv,message", [
    (["missing.csv"], "missing.csv"),
    (["{sample}", "--instrument", "nope"], "unknown instrument 'nope'"),
    (["{sample}", "--group", "cohort"], "group column 'cohort' not found"),
    (["{sample}", "--control", "placebo"], "control group 'placebo' not found"),
    (["{sample}", "--id", "badge"], "badge"),
    (["{sample}", "--source", "paper"], "paper"),
])
def test_user_errors_exit_2_without_traceback(capsys, sample_long_path, argv, message):
    argv = [a.replace("{sample}", str(sample_long_path)) for a in argv]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert "stressgroup: error:" in err


def test_usage_error_exits_2(capsys):
    code, _, err = run(capsys, "--correction", "sidak", "x.csv")
    assert code == 2 and "invalid choice" in err


def test_text_in_item_column_is_reported(capsys, text_in_item_csv):
    code, _, err = run(capsys, text_in_item_csv)
    assert code == 0
    # row 5 in the spreadsheet (header = row 1), column WORK2, the raw value and why
    assert "bad.csv, row 5, column WORK2: 'sometimes' set to missing (not a number)" in err


def test_python_dash_m_subprocess(sample_long_path):
    env = {**os.environ, "PYTHONWARNINGS": "error::UserWarning,error::RuntimeWarning"}
    proc = subprocess.run([sys.executable, "-m", "stressgroup.evaluate", str(sample_long_path),
                           "--json", "-"], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Warning" not in proc.stderr
    assert json.loads(proc.stdout)["groups"]["intervention"]["n"]["paired"] == 23


def test_all_rows_excluded_shows_the_load_report(capsys, tmp_path, sample_long_frame):
    path = tmp_path / "noids.csv"
    sample_long_frame.assign(id="").to_csv(path, index=False)
    code, _, err = run(capsys, path)
    assert code == 2
    # the reason (every row lacks an id) is on screen before the error
    assert "94 excluded" in err and "missing id" in err
    assert err.index("missing id") < err.index("stressgroup: error:")


def test_json_to_unwritable_path_exit_2(capsys, sample_long_path, tmp_path):
    code, _, err = run(capsys, sample_long_path, "--json", tmp_path / "no" / "dir" / "r.json")
    assert code == 2 and "No such file or directory" in err


def test_small_group_subprocess_finishes_without_warnings(tmp_path, sample_long_frame):
    few = sample_long_frame[sample_long_frame["id"].isin(sorted(set(sample_long_frame.id))[:8])]
    path = tmp_path / "s8.csv"
    few.to_csv(path, index=False)
    env = {**os.environ, "PYTHONWARNINGS": "error::UserWarning,error::RuntimeWarning"}
    proc = subprocess.run([sys.executable, "-m", "stressgroup.evaluate", str(path)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Warning" not in proc.stderr and "Traceback" not in proc.stderr


def _malloc_probe(env_extra: dict) -> str:
    """Run ``_keep_freed_memory`` in a fresh process (it changes that process's malloc)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_",
                        "MALLOC_TOP_PAD_", "GLIBC_TUNABLES")}
    env.update(env_extra)
    code = ("from stressgroup.evaluate import _keep_freed_memory; import numpy as np; "
            "done = _keep_freed_memory(); a = np.ones(2**22); del a; b = np.ones(2**22); "
            "print(done, float(b.sum()))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_command_line_keeps_freed_memory_unless_the_user_tuned_malloc():
    import platform

    done, total = _malloc_probe({})
    assert total == str(float(2**22))   # arrays still work after the change
    assert done == str(platform.libc_ver()[0] == "glibc")
    # a user's own malloc settings are left alone
    assert _malloc_probe({"MALLOC_TRIM_THRESHOLD_": "1000000"})[0] == "False"
    assert _malloc_probe({"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=1000000"})[0] == "False"

"""Progress on the command line and ``--quiet``: no progress line unless stderr is a
terminal (or it is forced), none with ``--quiet``, and ``--quiet`` keeps every warning,
error and changed row or answer while it drops the chatter."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from reftools import ROOT
from stressgroup._cli import build_parser, main
from stressgroup.core import progress


@pytest.fixture
def no_delay(monkeypatch):
    """Every bar draws at once (the evaluation of the sample is shorter than the delay)."""
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "_TICK", False)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def strip_progress(err: str) -> str:
    """stderr without the progress frames (each ``\\r...`` up to the next ``\\r``)."""
    return re.sub(r"\r[^\r\n]*(?=\r)", "", err).replace("\r", "")


def test_quiet_is_in_the_help():
    text = build_parser().format_help()
    assert "-q, --quiet" in text and "no progress display" in text


def test_forced_progress_draws_and_clears(capsys, monkeypatch, no_delay, sample_long_path):
    """The control for the tests below: forced on, the sections draw their line."""
    monkeypatch.setenv(progress.ENV, "1")
    code, out, err = run(capsys, sample_long_path)
    assert code == 0
    assert "\revaluation: sample  0% 0/" in err and "\revaluation: screening" in err
    monkeypatch.delenv(progress.ENV)
    _, out_plain, err_plain = run(capsys, sample_long_path)
    assert strip_progress(err) == err_plain and out == out_plain


def test_no_progress_when_stderr_is_not_a_terminal(capsys, no_delay, sample_long_path):
    code, _, err = run(capsys, sample_long_path)
    assert code == 0 and "\r" not in err and "%" not in err


def test_quiet_draws_no_progress_even_when_forced(capsys, monkeypatch, no_delay,
                                                  sample_long_path):
    monkeypatch.setenv(progress.ENV, "1")
    code, out, err = run(capsys, sample_long_path, "--quiet")
    assert code == 0 and "\r" not in err
    assert progress._forced is None          # main() restored the setting


def test_quiet_clean_load_prints_nothing_on_stderr(capsys, sample_long_path, tmp_path):
    code, out, err = run(capsys, sample_long_path, "-q", "--out", tmp_path / "r.md")
    assert code == 0 and err == ""
    assert "individual" in out and (tmp_path / "r.md").exists()
    _, out_plain, err_plain = run(capsys, sample_long_path, "--out", tmp_path / "r.md")
    assert out == out_plain
    assert "94 rows read" in err_plain and "wrote" in err_plain


def test_quiet_keeps_the_changed_answers(capsys, text_in_item_csv):
    code, _, err = run(capsys, text_in_item_csv, "--quiet")
    assert code == 0
    assert "1 cells set to missing" in err          # the summary that explains it
    assert "bad.csv, row 5, column WORK2: 'sometimes' set to missing (not a number)" in err
    assert "ids from column" not in err


def test_quiet_keeps_the_data_quality_warnings(capsys, tmp_path, sample_long_frame):
    """Every post answer a copy of the pre answer: a warning and a note, also quiet."""
    df = sample_long_frame.copy()
    items = [c for c in df.columns if c[:3] in ("IND", "FAM", "WOR", "ORG", "SOC")]
    pre = df[df.wave == "pre"].set_index("id")[items]
    post = df.wave == "post"
    df.loc[post, items] = pre.loc[df.loc[post, "id"]].to_numpy()
    path = tmp_path / "same.csv"
    df.to_csv(path, index=False)
    code, _, err_plain = run(capsys, path)
    assert code == 0 and "identical to wave pre" in err_plain
    code, _, err = run(capsys, path, "--quiet")
    assert code == 0
    notes = [line for line in err_plain.splitlines() if "identical to wave pre" in line]
    assert notes and all(line in err.splitlines() for line in notes)
    # the warning repeats the load summary's note: shown once
    assert err.count("identical to wave pre") == err_plain.count("identical to wave pre") == 1


def test_quiet_keeps_the_error_and_its_reason(capsys, tmp_path, sample_long_frame):
    path = tmp_path / "noids.csv"
    sample_long_frame.assign(id="").to_csv(path, index=False)
    code, _, err = run(capsys, path, "--quiet")
    assert code == 2
    assert "94 excluded" in err and "missing id" in err
    assert err.index("missing id") < err.index("stressgroup: error:")


def test_quiet_keeps_the_refusal_of_unfitting_data(capsys, tmp_path, sample_long_frame):
    path = tmp_path / "other.csv"
    sample_long_frame.rename(columns=lambda c: c.replace("WORK", "WRK")).to_csv(path,
                                                                               index=False)
    code, _, err = run(capsys, path, "-q")
    assert code == 2 and "do not fit the default instrument" in err


def test_a_big_file_gets_a_reading_line(capsys, monkeypatch, no_delay, sample_long_path):
    monkeypatch.setenv(progress.ENV, "1")
    monkeypatch.setattr("stressgroup._cli._BIG_FILE", 1_000)
    code, _, err = run(capsys, sample_long_path, "--lang", "zh")
    assert code == 0 and "\r正在读取 qcity_long.csv（0.0 MB）" in err
    monkeypatch.setattr("stressgroup._cli._BIG_FILE", 10**9)
    code, _, err = run(capsys, sample_long_path)
    assert code == 0 and "reading" not in err and "正在读取" not in err


def test_subprocess_stderr_has_no_progress(sample_long_path):
    """``python -m``-style run with stderr a pipe: not a frame, even with no delay."""
    env = {k: v for k, v in os.environ.items() if k != progress.ENV}
    code = ("import sys; from stressgroup.core import progress; progress.DELAY = 0; "
            "from stressgroup._cli import main; sys.exit(main(sys.argv[1:]))")
    proc = subprocess.run([sys.executable, "-c", code, str(sample_long_path)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stderr and "evaluation:" not in proc.stderr
    assert "94 rows read" in proc.stderr

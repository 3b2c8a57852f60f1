"""The command line writes reports (--out) and tells a bug from a user error."""

from __future__ import annotations

import re

import pytest

from stressgroup._cli import main


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("ext", ["md", "xlsx", "tex", "html", "docx"])
def test_out_writes_each_format(capsys, tmp_path, sample_long_path, ext):
    path = tmp_path / f"report.{ext}"
    code, out, err = run(capsys, sample_long_path, "--lang", "zh", "--out", path)
    assert code == 0, err
    assert path.exists() and path.stat().st_size > 500
    assert f"wrote {path}" in err


def test_out_markdown_opens_with_what_was_loaded(capsys, tmp_path, sample_long_path):
    path = tmp_path / "r.md"
    assert run(capsys, sample_long_path, "--out", path)[0] == 0
    md = path.read_text(encoding="utf-8")
    assert md.index("Files read") < md.index("People per wave and group") < md.index(
        "Paired t tests")
    assert "Methods." in md and "stressgroup 0.1.0" in md


def test_out_refuses_an_unknown_extension(capsys, tmp_path, sample_long_path):
    code, _, err = run(capsys, sample_long_path, "--out", tmp_path / "r.pdf")
    assert code == 2 and "unknown report format" in err and not (tmp_path / "r.pdf").exists()


def test_a_bug_exits_1_with_the_traceback_in_a_file(capsys, monkeypatch, sample_long_path):
    import stressgroup.analysis as analysis

    def broken(*a, **k):
        raise KeyError("a programming error")

    monkeypatch.setattr(analysis, "evaluate", broken)
    code, _, err = run(capsys, sample_long_path)
    assert code == 1
    assert "internal error (KeyError)" in err and "Traceback" not in err
    path = re.search(r"the traceback is in (\S+)", err).group(1)
    with open(path, encoding="utf-8") as fh:
        assert "a programming error" in fh.read()


def test_debug_shows_the_traceback(capsys, monkeypatch, sample_long_path):
    import stressgroup.analysis as analysis

    monkeypatch.setattr(analysis, "evaluate", lambda *a, **k: 1 / 0)
    code, _, err = run(capsys, sample_long_path, "--debug")
    assert code == 1 and "Traceback" in err and "ZeroDivisionError" in err


def test_a_value_error_from_a_bug_is_not_a_user_error(capsys, monkeypatch, sample_long_path):
    import stressgroup.analysis as analysis

    def broken(*a, **k):
        raise ValueError("shapes (3,) and (4,) not aligned")

    monkeypatch.setattr(analysis, "evaluate", broken)
    code, _, err = run(capsys, sample_long_path)
    assert code == 1 and "internal error" in err


def test_unknown_source_is_a_user_error(capsys, sample_long_path):
    code, _, err = run(capsys, sample_long_path, "--source", "bogus")
    assert code == 2 and "unknown format" in err

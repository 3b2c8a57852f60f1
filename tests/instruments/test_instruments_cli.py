"""python -m stressgroup.instruments: list, show, template, draft."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from stressgroup import load_instrument, read_survey, score
from stressgroup._instruments_cli import main

WJX_META = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]


def wjx_export(tmp_path, text: bool, encoding: str = "utf-8-sig"):
    """A small 问卷星 export: two single questions and two matrix questions."""
    cols = WJX_META + ["1、您的性别", "2、您的工号",
                       "3、工作中的压力(我经常需要值夜班)", "3、(我担心在工作中被感染)",
                       "3、(我能按时下班)",
                       "4、家庭方面(家人支持我的工作)", "4、(我陪伴家人的时间太少)",
                       "5、减压方式(运动)", "5、(听音乐)"]
    labels = ["非常不符合", "不太符合", "一般", "比较符合", "非常符合"]
    rows = []
    for i, answers in enumerate([[5, 4, 1, 2, 5], [3, 3, 2, 4, 4], [1, 2, 5, 5, 1]]):
        meta = [str(i + 1), f"2024/5/{12 + i} 9:03:15", "120秒", "手机提交", "直接访问",
                f"10.0.0.{i}(浙江-杭州)"]
        vals = [labels[a - 1] if text else str(a) for a in answers]
        if text and i == 2:
            vals[1] = "(空)"
        if text and i == 1:
            vals[0] = "比较付合"  # an input-method typo: the label set is still found
        multi = ["运动┋听音乐", ""] if text else ["1", "0"]
        rows.append(meta + ["男", f"00{i + 1}"] + vals + multi)
    path = tmp_path / ("wjx_text.csv" if text else "wjx_numbers.csv")
    pd.DataFrame(rows, columns=cols).to_csv(path, index=False, encoding=encoding)
    return path


def test_list(capsys):
    assert main(["list"]) == 0
    assert "five-level-stress" in capsys.readouterr().out


def test_show_prints_keys(capsys):
    assert main(["show", "five-level-stress"]) == 0
    out = capsys.readouterr().out
    assert "IND4 (R)" in out and "score needs 4" in out


def test_template_round_trips(tmp_path, capsys):
    out = tmp_path / "mine.yaml"
    assert main(["template", "five-level-stress", "-o", str(out)]) == 0
    assert load_instrument(out).item_ids == load_instrument("five-level-stress").item_ids


@pytest.mark.parametrize("text", [True, False])
def test_draft_from_wjx_export(tmp_path, capsys, text):
    export = wjx_export(tmp_path, text)
    out = tmp_path / "draft.yaml"
    assert main(["draft", str(export), "-o", str(out), "--id", "my-stress"]) == 0
    inst = load_instrument(out)
    assert inst.id == "my-stress"
    assert [s.id for s in inst.subscales] == ["q3", "q4"]
    assert inst.item_text["Q3_2"]["zh"] == "我担心在工作中被感染"
    assert inst.subscales[0].label("zh") == "工作中的压力"
    assert (inst.response_min, inst.response_max) == (1, 5)
    if text:
        assert inst.labels[4]["zh"] == "比较符合"
    body = out.read_text(encoding="utf-8")
    assert "1、您的性别" in body and "TODO" in body
    assert "5、减压方式  (multi-select)" in body  # never drafted as a Likert subscale
    if text:
        assert "比较付合" in body.split("higher_is")[0]  # the typo is pointed out


def test_drafted_instrument_scores_the_export(tmp_path):
    export = wjx_export(tmp_path, text=True)
    yaml_path = tmp_path / "draft.yaml"
    assert main(["draft", str(export), "-o", str(yaml_path)]) == 0
    resp = read_survey(export, instrument=yaml_path, id_col="2、您的工号", wave="pre")
    s = score(resp, load_instrument(yaml_path))
    assert s["q3"].tolist()[0] == pytest.approx((5 + 4 + 1) / 3)


def test_draft_without_matrix_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "plain.csv"
    pd.DataFrame({"id": ["1"], "x": ["2"]}).to_csv(path, index=False)
    assert main(["draft", str(path)]) == 2
    assert "no matrix" in capsys.readouterr().err


def test_unknown_instrument_exit_2(capsys):
    assert main(["show", "nope"]) == 2
    assert "unknown instrument" in capsys.readouterr().err


def test_python_dash_m():
    proc = subprocess.run([sys.executable, "-m", "stressgroup.instruments", "list"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "five-level-stress" in proc.stdout


@pytest.mark.parametrize("content,suffix", [
    (b"", ".csv"), (b"\x00\x01garbage\xff" * 50, ".xlsx"), (b"PK\x03\x04broken", ".xlsx"),
])
def test_draft_bad_files_exit_2(tmp_path, capsys, content, suffix):
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(content)
    assert main(["draft", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("stressgroup: error:") and "Traceback" not in err

"""Benchmark: read_survey on a 50,000-row 问卷星 export (xlsx and csv).

Builds a 按选项序号 export of the five-level-stress instrument (six fixed leading
columns, six profile questions, five 5-row matrix questions, -2/-3 sentinels,
a few out-of-range answers, duplicate submissions) in a temporary folder, then
times ``read_survey`` against a baseline measured in the same run: pandas
``read_csv`` / ``read_excel`` of the same file with ``dtype=str`` (Excel with
both the calamine and the openpyxl engine). Prints seconds and ratios.

Run: ``python benchmarks/bench_wjx.py [N_ROWS]`` (default 50000).
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
import warnings
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from stressgroup import load_instrument
from stressgroup.io import read_survey


def build(folder: Path, n: int, seed: int = 1) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    inst = load_instrument("five-level-stress")
    header = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP",
              "1、工号", "2、您的性别", "3、您的年龄：", "4、您的工龄（年）：", "5、您的岗位", "6、组别"]
    q = 7
    for sub in inst.subscales:
        for j, item in enumerate(sub.items):
            text = inst.item_text[item]["zh"]
            header.append(f"{q}、请判断以下描述是否符合您的情况({text})" if j == 0 else f"{q}、({text})")
        q += 1
    start = datetime(2024, 5, 12, 9, 0, 0)
    answers = rng.integers(1, 6, size=(n, 25)).astype(object)
    answers[rng.random((n, 25)) < 0.02] = -2
    answers[rng.random((n, 25)) < 0.01] = -3
    answers[rng.random((n, 25)) < 0.0005] = 7
    ids = [f"{i:06d}" for i in range(n)]
    for i in rng.choice(n, size=n // 100, replace=False):   # 1% resubmissions
        ids[i] = ids[max(i - 1, 0)]
    rows = []
    for i in range(n):
        d = start + timedelta(seconds=int(37 * i))
        rows.append([i + 1, f"{d.year}/{d.month}/{d.day} {d.hour}:{d.minute:02d}:{d.second:02d}",
                     f"{int(rng.integers(90, 900))}秒", "手机提交", "直接访问",
                     f"{rng.integers(1, 223)}.{rng.integers(0, 255)}.{rng.integers(0, 255)}.{rng.integers(1, 254)}(浙江-杭州)",
                     ids[i], int(rng.integers(1, 3)), int(rng.integers(22, 60)),
                     int(rng.integers(0, 30)), int(rng.integers(1, 5)), int(rng.integers(1, 3)),
                     *answers[i].tolist()])
    csv_path = folder / "123_按序号_bench.csv"
    with open(csv_path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    xlsx_path = folder / "123_按序号_bench.xlsx"
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(xlsx_path)
    return csv_path, xlsx_path


def best_of(func, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(n: int = 50_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        csv_path, xlsx_path = build(folder, n)
        print(f"built {n} rows in {time.perf_counter() - t0:.1f} s "
              f"(csv {csv_path.stat().st_size / 1e6:.1f} MB, xlsx {xlsx_path.stat().st_size / 1e6:.1f} MB)")

        def load(path):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return read_survey(path, instrument="five-level-stress", wave="pre")

        r = load(csv_path)
        print(f"loaded: {len(r)} rows kept, {r.report.rows_excluded} excluded, "
              f"{len(r.report.cells)} cells listed; source {r.report.source} "
              f"({r.report.files[0].variant})")
        base_csv = best_of(lambda: pd.read_csv(csv_path, dtype=str))
        ours_csv = best_of(lambda: load(csv_path))
        base_xl = best_of(lambda: pd.read_excel(xlsx_path, dtype=str, engine="calamine"), 2)
        ours_xl = best_of(lambda: load(xlsx_path), 2)
        base_xl_op = best_of(lambda: pd.read_excel(xlsx_path, dtype=str, engine="openpyxl"), 1)
        print(f"{'':28s}{'seconds':>9s}{'ratio':>8s}")
        print(f"{'pandas.read_csv(dtype=str)':28s}{base_csv:9.3f}{1:8.2f}")
        print(f"{'read_survey(csv)':28s}{ours_csv:9.3f}{ours_csv / base_csv:8.2f}")
        print(f"{'read_excel(calamine, str)':28s}{base_xl:9.3f}{1:8.2f}")
        print(f"{'read_survey(xlsx)':28s}{ours_xl:9.3f}{ours_xl / base_xl:8.2f}")
        print(f"{'read_excel(openpyxl, str)':28s}{base_xl_op:9.3f}{base_xl_op / base_xl:8.2f}"
              f"   (read_survey is {base_xl_op / ours_xl:.1f}x faster than this)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)

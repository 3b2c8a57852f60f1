"""Benchmark: read_survey on a 50,000-row 问卷星 export (xlsx and csv) and a wide CSV.

Builds a 按选项序号 export of the five-level-stress instrument (six fixed leading
columns, six profile questions, five 5-row matrix questions, -2/-3 sentinels,
a few out-of-range answers, duplicate submissions) in a temporary folder, then
times ``read_survey`` against a baseline measured in the same run: pandas
``read_csv`` / ``read_excel`` of the same file with ``dtype=str`` (Excel with
both the calamine and the openpyxl engine). ``wide`` times ``read_survey`` on a
wide export (``benchmarks/_gen.py``: id, gender, age, pre_/post_ items; one row
per person) against ``pandas.read_csv`` of it. Each time is the median of
``--repeat`` runs, ours and the baseline alternated. Prints seconds and ratios,
one line per row.

Run: ``python benchmarks/bench_wjx.py [N_ROWS] [--only csv|xlsx|wide] [--repeat K]
[--wide-rows N]`` (default 50000 rows, 100000 wide rows, every benchmark).
"""

from __future__ import annotations

import argparse
import csv
import statistics
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


def alternated(ours, base, repeat: int) -> tuple[float, float]:
    """Median seconds of ``ours`` and of ``base``, run alternately ``repeat`` times each
    (after one warm-up run of each)."""
    ours()
    base()
    t_ours, t_base = [], []
    for k in range(repeat):
        for fn, out in ((ours, t_ours), (base, t_base)) if k % 2 == 0 else \
                ((base, t_base), (ours, t_ours)):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
    return statistics.median(t_ours), statistics.median(t_base)


def _quiet(fn):
    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn()
    return run


def _line(label: str, seconds: float, ratio: float, extra: str = "") -> None:
    print(f"{label:28s}{seconds:9.3f}{ratio:8.2f}{extra}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rows", nargs="?", type=int, default=50_000)
    ap.add_argument("--only", choices=("csv", "xlsx", "wide"), action="append",
                    help="run only this benchmark (may be repeated)")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of each (median)")
    ap.add_argument("--wide-rows", type=int, default=100_000)
    args = ap.parse_args(argv)
    only = set(args.only or ("csv", "xlsx", "wide"))
    n = args.rows
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        header_done = False

        def header():
            nonlocal header_done
            if not header_done:
                print(f"{'':28s}{'seconds':>9s}{'ratio':>8s}")
                header_done = True

        if only & {"csv", "xlsx"}:
            t0 = time.perf_counter()
            csv_path, xlsx_path = build(folder, n)
            print(f"built {n} rows in {time.perf_counter() - t0:.1f} s "
                  f"(csv {csv_path.stat().st_size / 1e6:.1f} MB, "
                  f"xlsx {xlsx_path.stat().st_size / 1e6:.1f} MB)")

            def load(path):
                return _quiet(lambda: read_survey(path, instrument="five-level-stress",
                                                  wave="pre"))

            r = load(csv_path)()
            print(f"loaded: {len(r)} rows kept, {r.report.rows_excluded} excluded, "
                  f"{len(r.report.cells)} cells listed; source {r.report.source} "
                  f"({r.report.files[0].variant})")
        if "csv" in only:
            ours, base = alternated(load(csv_path), lambda: pd.read_csv(csv_path, dtype=str),
                                    args.repeat)
            header()
            _line("pandas.read_csv(dtype=str)", base, 1)
            _line("read_survey(csv)", ours, ours / base)
        if "xlsx" in only:
            ours, base = alternated(
                load(xlsx_path),
                lambda: pd.read_excel(xlsx_path, dtype=str, engine="calamine"),
                max(1, args.repeat - 2))
            header()
            _line("read_excel(calamine, str)", base, 1)
            _line("read_survey(xlsx)", ours, ours / base)
            t0 = time.perf_counter()
            pd.read_excel(xlsx_path, dtype=str, engine="openpyxl")
            base_op = time.perf_counter() - t0
            _line("read_excel(openpyxl, str)", base_op, base_op / base,
                  f"   (read_survey is {base_op / ours:.1f}x faster than this)")
        if "wide" in only:
            import sys

            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from _gen import wide_csv

            wide = wide_csv(folder / f"wide{args.wide_rows}.csv", args.wide_rows)
            ours, base = alternated(
                _quiet(lambda: read_survey(wide, instrument="five-level-stress")),
                lambda: pd.read_csv(wide), args.repeat)
            header()
            _line(f"pandas.read_csv(wide {args.wide_rows})", base, 1)
            _line("read_survey(wide csv)", ours, ours / base)


if __name__ == "__main__":
    main()

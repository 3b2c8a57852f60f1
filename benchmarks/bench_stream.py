"""Bounded memory and throughput of ``score_file`` on a CSV larger than its memory.

Run: ``python benchmarks/bench_stream.py [--size-mb 200] [--chunksize 20000]
[--repeat 3]``. It writes (once, into /tmp, never committed) a seeded long export of
the five-level-stress scale -- id, wave, group, gender, age, submit time, 25 items, 2%
unanswered, 0.1% resubmissions -- generated block by block, so that making it needs
no more memory than scoring it. Then, each in a fresh child process:

* peak RSS (``os.wait4`` rusage ``ru_maxrss`` of that child) of ``score_file``, of a
  bare chunked ``pandas.read_csv(chunksize=...)`` pass over the same file, of
  ``pandas.read_csv`` loading it whole, and of the interpreter after the imports;
* throughput: ``score_file`` (A) and the bare chunked pass (B) alternated, ``--repeat``
  times each, median wall time; the ratio A/B is the price of reading every cell as
  text, the loader's rules, scoring and writing, per byte pandas merely parses;
* with pyarrow importable, the part of the work another CSV reader could take over
  (every cell as text, each column factorized), pandas against pyarrow's streaming
  reader with dictionary encoding, alternated.

Nothing here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ITEMS = [f"{p}{i}" for p in ("IND", "FAM", "WORK", "ORG", "SOC") for i in range(1, 6)]
REVERSED = {"IND4", "FAM3", "WORK5", "ORG2", "SOC4"}
BLOCK = 50_000   # people per generated block


def long_block(start: int, n: int, seed: int):
    """Rows of people ``start .. start + n``: a pre and a post row each (seeded per block)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng([seed, start])
    trait = rng.normal(size=(n, 1))
    ids = np.char.add("P", np.char.zfill(np.arange(start, start + n).astype(str), 8))
    group = rng.choice(["intervention", "control"], size=n)
    gender = rng.choice(["male", "female"], size=n, p=[0.7, 0.3])
    age = rng.integers(22, 60, size=n)
    frames = []
    for wave, shift, day in (("pre", 0.0, 3), ("post", -0.3, 6)):
        x = np.clip(np.rint(3 + shift + trait + 0.8 * rng.normal(size=(n, 25))), 1, 5)
        x[:, [j for j, it in enumerate(ITEMS) if it in REVERSED]] *= -1
        x[:, [j for j, it in enumerate(ITEMS) if it in REVERSED]] += 6
        x[rng.random(x.shape) < 0.02] = np.nan
        secs = rng.integers(0, 86_400 * 3, size=n)
        t = (np.datetime64(f"2024-05-0{day}T08:00:00") + secs.astype("timedelta64[s]"))
        cols = {"id": ids, "wave": wave, "group": group, "gender": gender, "age": age,
                "submitted": pd.to_datetime(t).strftime("%Y/%m/%d %H:%M:%S")}
        for j, item in enumerate(ITEMS):
            cols[item] = pd.array(x[:, j], dtype="Int64")
        frames.append(pd.DataFrame(cols))
    out = pd.concat(frames, ignore_index=True)
    again = out.sample(frac=0.001, random_state=int(rng.integers(1 << 31)))
    again = again.assign(submitted=[s.replace("08:", "23:", 1) for s in again["submitted"]])
    return pd.concat([out, again], ignore_index=True)


def long_csv(path: Path, size_mb: float, seed: int = 1) -> Path:
    """A long CSV of about ``size_mb`` megabytes, written block by block (kept once made).

    Made in a child process: this one stays small, so that the peak RSS the children
    it measures inherit from it at fork (Linux counts it) is negligible.
    """
    if path.exists():
        return path
    subprocess.run([sys.executable, __file__, "--generate", str(path), str(size_mb),
                    str(seed)], check=True)
    return path


def _generate(path: Path, size_mb: float, seed: int) -> None:
    tmp = path.with_suffix(".part")
    start = 0
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        while fh.tell() < size_mb * 1e6:
            long_block(start, BLOCK, seed).to_csv(fh, index=False, header=start == 0,
                                                  lineterminator="\n")
            start += BLOCK
    tmp.replace(path)
    return path


# -- the measured programs, each run in a fresh child -----------------------------

CHILD = {
    "imports": "import stressgroup, pandas",
    "score_file": ("import stressgroup as sg\n"
                   "r = sg.score_file({path!r}, 'five-level-stress', {out!r}, "
                   "chunksize={chunksize})\n"
                   "print('RESULT', r.rows_read, r.rows_written, r.chunks)"),
    "chunked_read_csv": ("import pandas as pd\n"
                         "n = 0\n"
                         "for chunk in pd.read_csv({path!r}, chunksize={chunksize}):\n"
                         "    n += len(chunk)\n"
                         "print('RESULT', n)"),
    "read_csv_whole": ("import pandas as pd\n"
                       "df = pd.read_csv({path!r})\n"
                       "print('RESULT', len(df))"),
    # the part of score_file another engine could take over: every cell as text, each
    # column factorized (distinct texts and a code per row)
    "pandas_text_factorize": (
        "import pandas as pd\n"
        "n = 0\n"
        "for c in pd.read_csv({path!r}, header=None, dtype=object, keep_default_na=False, "
        "na_filter=False, skip_blank_lines=False, chunksize={chunksize}):\n"
        "    for j in c.columns:\n"
        "        codes, uniques = pd.factorize(c[j].to_numpy(dtype=object))\n"
        "    n += len(c)\n"
        "print('RESULT', n)"),
    "arrow_text_dictionary": (
        "import pyarrow as pa, pyarrow.csv as pv\n"
        "names = [f'c{{j}}' for j in range({width})]\n"
        "r = pv.open_csv({path!r}, read_options=pv.ReadOptions(column_names=names), "
        "parse_options=pv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False), "
        "convert_options=pv.ConvertOptions(column_types={{k: pa.string() for k in names}}, "
        "strings_can_be_null=False, quoted_strings_can_be_null=False))\n"
        "n = 0\n"
        "for b in r:\n"
        "    for j in range(b.num_columns):\n"
        "        d = b.column(j).dictionary_encode()\n"
        "        codes, uniques = d.indices.to_numpy(), d.dictionary.to_pylist()\n"
        "    n += b.num_rows\n"
        "print('RESULT', n)"),
}


def run_child(name: str, **fmt) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, the child's RESULT line) of one program in a new process:
    ``ru_maxrss`` of that child alone, from ``os.wait4`` (``getrusage(RUSAGE_CHILDREN)``
    would give the largest child so far)."""
    code = CHILD[name].format(**fmt)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=env,
                            text=True)
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{name} failed ({proc.returncode})")
    rss_mb = usage.ru_maxrss / 1024   # kilobytes on Linux
    line = next((ln for ln in out.splitlines() if ln.startswith("RESULT")), "")
    return seconds, rss_mb, line


def _has(module: str) -> bool:
    code = f"import {module}"
    return subprocess.run([sys.executable, "-c", code], capture_output=True,
                          check=False).returncode == 0


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=float, default=200.0, help="CSV size (default 200)")
    ap.add_argument("--chunksize", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "stressgroup-bench"))
    ap.add_argument("--skip-whole", action="store_true",
                    help="do not load the file whole with pandas (needs several times its size)")
    ap.add_argument("--json", help="write the figures to this file")
    args = ap.parse_args(argv)
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = long_csv(folder / f"long_{args.size_mb:g}mb.csv", args.size_mb)
    out = folder / "scores.csv"
    size_mb = path.stat().st_size / 1e6
    with open(path, encoding="utf-8") as fh:
        width = fh.readline().count(",") + 1
    fmt = {"path": str(path), "out": str(out), "chunksize": args.chunksize, "width": width}
    print(f"file: {path} ({size_mb:.0f} MB)")

    t_a, t_b, rss_a, rss_b = [], [], [], []
    for _ in range(args.repeat):   # A and B alternated
        s, r, line_a = run_child("score_file", **fmt)
        t_a.append(s)
        rss_a.append(r)
        s, r, line_b = run_child("chunked_read_csv", **fmt)
        t_b.append(s)
        rss_b.append(r)
    _, rss_imports, _ = run_child("imports", **fmt)
    rows = int(line_b.split()[1])
    figures = {
        "file_mb": size_mb, "rows": rows, "chunksize": args.chunksize,
        "score_file_result": line_a, "repeat": args.repeat,
        "score_file_s": statistics.median(t_a), "chunked_read_csv_s": statistics.median(t_b),
        "score_file_peak_rss_mb": max(rss_a), "chunked_read_csv_peak_rss_mb": max(rss_b),
        "imports_rss_mb": rss_imports,
    }
    figures["ratio_score_file_to_chunked_read_csv"] = (figures["score_file_s"]
                                                       / figures["chunked_read_csv_s"])
    figures["score_file_mb_per_s"] = size_mb / figures["score_file_s"]
    figures["score_file_rows_per_s"] = rows / figures["score_file_s"]
    if not args.skip_whole:
        s, r, _ = run_child("read_csv_whole", **fmt)
        figures["read_csv_whole_s"], figures["read_csv_whole_peak_rss_mb"] = s, r
    out.unlink(missing_ok=True)
    if _has("pyarrow"):   # could pyarrow's CSV reader take over the text and factorize part?
        t_p, t_r = [], []
        for _ in range(args.repeat):
            t_p.append(run_child("pandas_text_factorize", **fmt)[0])
            t_r.append(run_child("arrow_text_dictionary", **fmt)[0])
        figures["pandas_text_factorize_s"] = statistics.median(t_p)
        figures["arrow_text_dictionary_s"] = statistics.median(t_r)

    print(f"rows: {rows:,} ({figures['score_file_result']})")
    print(f"peak RSS: score_file {figures['score_file_peak_rss_mb']:.0f} MB "
          f"({figures['score_file_peak_rss_mb'] / size_mb:.2f} x the file; imports alone "
          f"{rss_imports:.0f} MB), chunked read_csv {figures['chunked_read_csv_peak_rss_mb']:.0f}"
          " MB" + (f", read_csv whole {figures['read_csv_whole_peak_rss_mb']:.0f} MB "
                   f"({figures['read_csv_whole_peak_rss_mb'] / size_mb:.2f} x the file)"
                   if "read_csv_whole_peak_rss_mb" in figures else ""))
    print(f"time (median of {args.repeat}, alternated): score_file "
          f"{figures['score_file_s']:.1f} s ({figures['score_file_mb_per_s']:.1f} MB/s, "
          f"{figures['score_file_rows_per_s']:,.0f} rows/s), chunked read_csv "
          f"{figures['chunked_read_csv_s']:.1f} s: ratio "
          f"{figures['ratio_score_file_to_chunked_read_csv']:.2f}")
    if "arrow_text_dictionary_s" in figures:
        saved = figures["pandas_text_factorize_s"] - figures["arrow_text_dictionary_s"]
        print(f"text + factorize, the part another reader could do: pandas "
              f"{figures['pandas_text_factorize_s']:.1f} s, pyarrow "
              f"{figures['arrow_text_dictionary_s']:.1f} s (at most "
              f"{100 * saved / figures['score_file_s']:.0f}% of score_file's time)")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    if sys.argv[1:2] == ["--generate"]:
        _generate(Path(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]))
    else:
        main()

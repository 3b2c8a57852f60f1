"""Command line for instruments: ``list``, ``show ID``, ``template ID``, ``draft EXPORT``.

Run as ``python -m stressgroup.instruments`` (``instruments/__main__.py`` calls :func:`main`).
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from typing import Sequence

__all__ = ["main"]


def _show(inst) -> str:
    lines = [repr(inst), ""]
    for s in inst.scored:
        rev = set(s.reverse)
        keyed = ", ".join(f"{i}{' (R)' if i in rev else ''}" for i in s.items)
        lines.append(f"{s.id} [{s.label('en')} / {s.label('zh')}] {s.scoring} of {s.k} "
                     f"items (score needs {s.min_items}): {keyed}")
    for it, spec in inst.item_specs.items():
        if spec.kind == "count":
            lines.append(f"{it}: count of options ticked ({', '.join(spec.options)}; "
                         f"{spec.none!r} = 0)")
        elif spec.kind == "sum":
            lines.append(f"{it}: sum of {', '.join(spec.sub_items)}")
        elif spec.values:
            lines.append(f"{it}: scored {spec.values}")
    for ix in inst.indices:
        what = f"{ix.type} {ix.value:g}" if ix.type.endswith("at_least") else ix.type
        lines.append(f"index {ix.id}: {what} over {len(ix.items)} items")
    for scale, bands in inst.bands.items():
        parts = [f"{b.text('en')}" + (f" >= {b.start:g}" if b.start > float("-inf") else "")
                 for b in bands]
        lines.append(f"bands of {scale}: " + "; ".join(parts))
    for n in inst.norms:
        lines.append(f"norm {n.scale}: M = {n.mean:g}, SD = {n.sd:g}"
                     + (f", n = {n.n}" if n.n else "") + f" ({n.population}; {n.source})")
    if inst.screening is not None:
        joiner = " or " if inst.screening.combine == "any" else " and "
        lines.append("screening: flag when " + joiner.join(
            c.describe() for c in inst.screening.conditions))
    if inst.citation:
        lines += ["", f"citation: {inst.citation}"]
    if inst.licence:
        lines.append(f"licence: {inst.licence}")
    return "\n".join(lines)


def main(argv: "Sequence[str] | None" = None) -> int:
    """Run ``python -m stressgroup.instruments``; returns the exit status."""
    from .core.errors import StressgroupError
    from .instruments import builtin_instrument_ids, list_instruments, load_instrument
    from .io._draft import draft_instrument

    p = argparse.ArgumentParser(prog="python -m stressgroup.instruments",
                                description="List, show and write instrument files.")
    sub = p.add_subparsers(dest="cmd")
    sub.add_parser("list", help="the built-in instruments")
    s = sub.add_parser("show", help="an instrument's keys (built-in id or YAML path)")
    s.add_argument("instrument")
    t = sub.add_parser("template", help="write a built-in's YAML for you to edit")
    t.add_argument("instrument")
    t.add_argument("-o", "--output", help="file to write (default: stdout)")
    d = sub.add_parser("draft", help="draft a YAML from a questionnaire export (问卷星)")
    d.add_argument("export")
    d.add_argument("-o", "--output", help="file to write (default: stdout)")
    d.add_argument("--id", dest="iid", help="id of the new instrument")
    try:
        args = p.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        if args.cmd in (None, "list"):
            import pandas as pd

            table = list_instruments()
            table["citation"] = [c if len(c) <= 48 else c[:45] + "..." for c in table["citation"]]
            with pd.option_context("display.max_colwidth", 70, "display.width", 250):
                # subscales are listed by `show ID`
                print(table.drop(columns=["subscales"]).to_string(index=False))
            return 0
        if args.cmd == "show":
            print(_show(load_instrument(args.instrument)))
            return 0
        if args.cmd == "template":
            if args.instrument in builtin_instrument_ids():
                text = resources.files("stressgroup.instruments.data").joinpath(
                    f"{args.instrument}.yaml").read_text(encoding="utf-8")
            else:
                load_instrument(args.instrument)  # validates; raises a clear error
                with open(args.instrument, encoding="utf-8-sig") as fh:
                    text = fh.read()
            text = ("# A copy of the built-in instrument; change 'id', then edit.\n"
                    "# Load it with stressgroup.load_instrument('this-file.yaml').\n" + text)
        else:
            text = draft_instrument(args.export, instrument_id=args.iid)
        if args.output:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(text)
            print(f"wrote {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(text)
        return 0
    except StressgroupError as exc:
        print(f"stressgroup: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"stressgroup: error: {exc}", file=sys.stderr)
        return 2

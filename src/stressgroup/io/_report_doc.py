"""The load report described as a document: what was read, kept, excluded and altered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.document import Column, Document, Paragraph, Table
from ..report import label

if TYPE_CHECKING:  # pragma: no cover
    from ._report import LoadReport

__all__ = ["load_document"]

#: Excluded rows and altered cells listed one by one up to this many (then counted only).
MAX_LISTED = 50


def load_document(report: "LoadReport") -> Document:
    """Files read, rows excluded and why, and cells set to missing and why."""
    from ._report import _base, _reason_head

    files = Table(
        key="load_files", title=label("load.files"),
        columns=(Column("file", label("col.file"), "text"),
                 Column("format", label("load.col_format"), "text"),
                 Column("encoding", label("load.col_encoding"), "text"),
                 Column("read", label("load.col_read"), "count"),
                 Column("kept", label("load.col_kept"), "count"),
                 Column("excluded", label("load.col_excluded"), "count"),
                 Column("cells", label("load.col_cells"), "count")),
        rows=[{"file": _base(f.file),
               "format": " ".join(x for x in (f.source, f.variant, f.layout) if x),
               "encoding": f.encoding or "", "read": f.rows_read, "kept": f.rows_kept,
               "excluded": f.rows_excluded,
               "cells": int((report.cells["file"] == f.file).sum())} for f in report.files])
    blocks: list = [files]
    for name, title in (("excluded", "load.excluded"), ("cells", "load.cells")):
        table = getattr(report, name)
        if not len(table):
            continue
        counts = table["reason"].map(_reason_head).value_counts()
        rows = [{"_group": {"en": "Count by reason", "zh": "按原因计数"}, "what": r,
                 "file": "", "row": None, "column": "", "n": int(n)} for r, n in counts.items()]
        listed = table.head(MAX_LISTED)
        rows += [{"_group": {"en": "Each row", "zh": "逐条列出"}, "what": str(rec["reason"]),
                  "file": _base(str(rec["file"])), "row": rec["row"],
                  "column": str(rec.get("column", "") or ""), "n": None}
                 for rec in listed.to_dict("records")]
        cols = [Column("what", label("col.reason"), "text"),
                Column("file", label("col.file"), "text"),
                Column("row", label("col.row"), "count")]
        if name == "cells":
            cols.append(Column("column", label("col.column"), "text"))
        cols.append(Column("n", label("col.count"), "count"))
        notes = ()
        if len(table) > MAX_LISTED:
            notes = ({"en": f"The first {MAX_LISTED} of {len(table)} are listed; the JSON "
                            "result ('load') has all of them.",
                      "zh": f"仅列出前 {MAX_LISTED} 条（共 {len(table)} 条）；JSON 结果（load）"
                            "中有全部记录。"},)
        blocks.append(Table(key=f"load_{name}", title=label(title), columns=cols, rows=rows,
                            notes=notes))
    for note in report.notes:
        blocks.append(Paragraph(note, style="note"))
    return Document(label("load.title"), blocks)

"""Personal data: columns dropped or pseudonymized, ids that are phone numbers hashed."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import _distinct as distinct
from ._columns import looks_like_pii, pii_header_reason, pii_reason
from ._convert import map_distinct, map_uniques
from ._ids import normalised_distinct
from ._options import Options
from ._sources import RawTable, factorized_exactly, stripped_distinct
from ._text import is_missing, nfkc

__all__ = ["Personal", "personal_data", "pseudonym", "pseudonymized"]

_ID_PII_KINDS = ("phone number", "ID card number", "name", "e-mail address", "IP address")


@dataclass
class Personal:
    """What the personal-data rules decided for one file."""

    final_ids: np.ndarray                  # ids as kept (hashed where they are personal data)
    hashed: np.ndarray                     # rows whose id was hashed
    columns: dict[str, str]                # column -> why it holds personal data
    dropped: list[dict[str, Any]]          # columns_dropped rows
    pseudonymized: list[dict[str, Any]]    # columns_pseudonymized rows
    drop: set[str]
    hash: set[str]


def personal_data(raw: RawTable, idc: str, ids_raw: np.ndarray, ids: np.ndarray,
                  columns: Sequence[str], opt: Options, notes: list[str]) -> Personal:
    """Apply ``pii=`` to the extra ``columns`` and to the ids; notes go to ``notes``."""
    file, meta = raw.file, raw.meta
    dropped: list[dict[str, Any]] = []
    pseudo: list[dict[str, Any]] = []
    pii_cols: dict[str, str] = {}
    for c in columns:
        reason = pii_reason(c, lambda c=c: raw.cells[c], meta.get("pii_columns", ()),
                            fact=lambda c=c: factorized_exactly(raw, c),
                            clean=lambda c=c: stripped_distinct(raw, c))
        if reason:
            pii_cols[c] = reason
    if opt.pii == "drop":
        for c, reason in pii_cols.items():
            dropped.append({"file": file, "column": c,
                            "reason": f"{reason}; pass pii='keep' or 'pseudonymize' to keep it"})
    elif opt.pii == "pseudonymize":
        for c, reason in pii_cols.items():
            pseudo.append({"file": file, "column": c, "reason": f"{reason}; values replaced by "
                           "salted SHA-256 hashes"})
    elif pii_cols:
        notes.append(f"{file}: personal data kept because pii='keep': "
                     + ", ".join(f"{c!r} ({r})" for c, r in pii_cols.items()))
    final_ids, hashed, id_pseudo, id_notes = private_ids(file, raw, idc, ids_raw, ids, opt)
    pseudo += id_pseudo
    notes += id_notes
    if pseudo:
        notes.append(f"{file}: pseudonymized with "
                     + ("the salt given" if opt.salt_given else
                        "a random salt made for this call (not stored, so the hashes cannot be "
                        "linked to another load; pass salt= to make them repeatable)"))
    return Personal(final_ids=final_ids, hashed=hashed, columns=pii_cols, dropped=dropped,
                    pseudonymized=pseudo,
                    drop=set(pii_cols) if opt.pii == "drop" else set(),
                    hash=set(pii_cols) if opt.pii == "pseudonymize" else set())


def pseudonymized(values: np.ndarray, salt: str) -> np.ndarray:
    """A column's values replaced by their salted hashes (missing stays missing)."""
    return map_distinct(values, lambda v: None if is_missing(v) else pseudonym(nfkc(v).strip(),
                                                                               salt))


def pseudonym(value: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}\x00{value}".encode()).hexdigest()[:16]


def private_ids(file: str, raw: RawTable, idc: str, ids_raw: np.ndarray, ids: np.ndarray,
                 opt: Options) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]], list[str]]:
    """Ids as kept: ``(final ids, hashed, columns_pseudonymized rows, notes)``.

    An id column whose header names personal data, or whose values mostly look like
    it, is hashed whole; otherwise the single ids that look like a phone or ID card
    number, an e-mail or IP address are (unless ``pii="keep"``).
    """
    pseudo: list[dict[str, Any]] = []
    notes: list[str] = []
    id_kind = pii_header_reason(idc)
    id_kind = id_kind if id_kind in _ID_PII_KINDS else None
    if id_kind is None:
        content = looks_like_pii(ids_raw, fact=factorized_exactly(raw, idc))
        id_kind = content if content in _ID_PII_KINDS else None
    if id_kind is not None:
        if opt.pii != "keep":
            hashed = ids != ""
            pseudo.append({"file": file, "column": idc,
                           "reason": f"the id column holds {id_kind}s; ids replaced by salted "
                                     "SHA-256 hashes (pass pii='keep' to keep them)"})
        else:
            hashed = np.zeros(len(ids), dtype=bool)
            notes.append(f"{file}: the id column {idc!r} holds {id_kind}s; kept because pii='keep'")
    else:
        known = normalised_distinct(raw, ids)
        if known is not None:   # the kind of each distinct id, spread over the rows
            codes, norm = known
            kinds = np.asarray(distinct.personal_kinds(norm.tolist()), dtype=object)[codes]
        else:
            kinds = map_uniques(ids, distinct.personal_kinds)
        hit = ~pd.isna(kinds)   # a kind is a text or None
        hashed = hit if opt.pii != "keep" else np.zeros(len(ids), dtype=bool)
        if hit.any():
            idx = np.flatnonzero(hit)
            what = " or ".join(f"{k}s" for k in dict.fromkeys(kinds[idx].tolist()))
            rows = (", ".join(str(int(r)) for r in raw.rows[idx[:10]])
                    + (", ..." if len(idx) > 10 else ""))
            many = "ids look" if len(idx) != 1 else "id looks"
            if opt.pii != "keep":
                pseudo.append({"file": file, "column": idc,
                               "reason": f"{len(idx)} {many} like {what} (rows {rows}); those ids "
                                         "replaced by salted SHA-256 hashes (pass pii='keep' "
                                         "to keep them)"})
            else:
                notes.append(f"{file}: {len(idx)} {many} in {idc!r} like {what} (rows {rows}); "
                             "kept because pii='keep'")
    final_ids = ids.copy()
    if hashed.any():
        final_ids[hashed] = map_distinct(ids[hashed], lambda i: pseudonym(i, opt.salt))
    return final_ids, hashed, pseudo, notes

"""Instrument files: parsing, validation and the :class:`Instrument` object."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from ..errors import InstrumentError

__all__ = ["Instrument", "Subscale", "load_instrument", "list_instruments",
           "builtin_instrument_ids"]

_TOP_KEYS = {"id", "name", "version", "citation", "licence", "license", "description",
             "response", "higher_is", "scoring", "items", "min_answered", "subscales",
             "total", "notes"}
_SUB_KEYS = {"id", "name", "items", "reverse", "scoring", "min_answered", "description"}
_RESPONSE_KEYS = {"min", "max", "labels"}
_ITEM_KEYS = {"id", "text"}


@dataclass(frozen=True)
class Subscale:
    """One scored part of an instrument (a subscale, or the total).

    Attributes
    ----------
    id : str
        Identifier used as the score column name.
    name : dict
        Labels by language (``{"en": ..., "zh": ...}``); the id when absent.
    items : tuple of str
        Item ids scored in this subscale.
    reverse : tuple of str
        Items keyed as ``min + max - x`` (a subset of ``items``).
    scoring : {"mean", "sum"}
        Mean or (prorated) sum of the answered keyed items.
    min_answered : float
        Share of items that must be answered: ``ceil(min_answered * k)``.
    """

    id: str
    name: dict[str, str]
    items: tuple[str, ...]
    reverse: tuple[str, ...] = ()
    scoring: Literal["mean", "sum"] = "mean"
    min_answered: float = 0.8

    @property
    def k(self) -> int:
        """Number of items."""
        return len(self.items)

    @property
    def min_items(self) -> int:
        """Smallest number of answered items that gives a score."""
        # round() guards against 0.8 * 5 = 4.000000000000001
        return max(1, math.ceil(round(self.min_answered * self.k, 9)))

    def label(self, lang: str = "en") -> str:
        """Display label in ``lang``, falling back to English, then the id."""
        return self.name.get(lang) or self.name.get("en") or self.id


@dataclass(frozen=True)
class Instrument:
    """A questionnaire with its keys, as described by an instrument YAML file.

    Use :func:`load_instrument` to obtain one.

    Attributes
    ----------
    id : str
    name : dict
        Names by language.
    response_min, response_max : float
        The declared answer range (used for reverse keying and range checks).
    labels : dict
        Answer labels by value, each ``{"en": ..., "zh": ...}``.
    higher_is : {"worse", "better"}
    item_ids : tuple of str
        All items in questionnaire order.
    item_text : dict
        Item wording by item id and language (may be empty).
    subscales : tuple of Subscale
    total : Subscale or None
    citation, licence : str
    source : str
        Where the instrument was read from.
    """

    id: str
    name: dict[str, str]
    response_min: float
    response_max: float
    labels: dict[int, dict[str, str]]
    higher_is: Literal["worse", "better"]
    item_ids: tuple[str, ...]
    item_text: dict[str, dict[str, str]]
    subscales: tuple[Subscale, ...]
    total: Subscale | None = None
    citation: str = ""
    licence: str = ""
    version: str = ""
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def scored(self) -> tuple[Subscale, ...]:
        """The subscales followed by the total (when there is one)."""
        return self.subscales + ((self.total,) if self.total is not None else ())

    @property
    def reverse_items(self) -> tuple[str, ...]:
        """Every reverse-keyed item, in questionnaire order."""
        rev = {i for s in self.scored for i in s.reverse}
        return tuple(i for i in self.item_ids if i in rev)

    def subscale(self, sid: str) -> Subscale:
        """Return the subscale (or total) with id ``sid``."""
        for s in self.scored:
            if s.id == sid:
                return s
        raise KeyError(f"instrument {self.id!r} has no subscale {sid!r}; "
                       f"it has {[s.id for s in self.scored]}")

    def label(self, lang: str = "en") -> str:
        return self.name.get(lang) or self.name.get("en") or self.id

    def to_frame(self):
        """One row per item: subscale, reverse-keyed flag and wording."""
        import pandas as pd

        rows = []
        for s in self.subscales:
            for it in s.items:
                txt = self.item_text.get(it, {})
                rows.append({"item": it, "subscale": s.id, "reverse": it in s.reverse,
                             "text_zh": txt.get("zh", ""), "text_en": txt.get("en", "")})
        return pd.DataFrame(rows).set_index("item")

    def __repr__(self) -> str:
        subs = ", ".join(f"{s.id} ({s.k})" for s in self.subscales)
        rev = ", ".join(self.reverse_items) or "none"
        tot = f"; total from {self.total.k} items" if self.total else ""
        return (f"Instrument {self.id!r}: {self.label('en')}\n"
                f"  {len(self.item_ids)} items, answers {self.response_min:g}-"
                f"{self.response_max:g}, higher is {self.higher_is}\n"
                f"  subscales: {subs}{tot}\n  reverse-keyed: {rev}")

    def _repr_html_(self) -> str:
        import html

        return (f"<p><strong>{html.escape(self.label('en'))}</strong> "
                f"({html.escape(self.id)}; {len(self.item_ids)} items, "
                f"{self.response_min:g}-{self.response_max:g}, higher is "
                f"{self.higher_is})</p>" + self.to_frame().to_html())


# ----------------------------------------------------------------------------
# parsing with line numbers


class _Problems:
    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[str] = []

    def add(self, msg: str, node: yaml.Node | None = None) -> None:
        where = f"line {node.start_mark.line + 1}: " if node is not None else ""
        self.items.append(f"{where}{msg}")


def _to_py(node: yaml.Node) -> Any:
    return yaml.safe_load(yaml.serialize(node)) if node is not None else None


def _mapping(node: yaml.Node | None) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            out[str(k.value)] = (k, v)
    return out


def _check_keys(node: yaml.Node, allowed: set[str], where: str, P: _Problems) -> None:
    seen: set[str] = set()
    for k, _ in node.value:
        key = str(k.value)
        if key in seen:
            P.add(f"duplicate key {key!r} in {where}", k)
        seen.add(key)
        if key not in allowed:
            P.add(f"unknown key {key!r} in {where} (allowed: {', '.join(sorted(allowed))})", k)


def _names(value: Any, default: str) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, str):
        return {"en": value}
    return {"en": default}


def _parse_items(node: yaml.Node | None, where: str, P: _Problems,
                 texts: dict[str, dict[str, str]]) -> list[tuple[str, yaml.Node]]:
    if not isinstance(node, yaml.SequenceNode):
        P.add(f"{where}: 'items' must be a list of item ids", node)
        return []
    out = []
    for it in node.value:
        if isinstance(it, yaml.ScalarNode):
            out.append((str(it.value), it))
        elif isinstance(it, yaml.MappingNode):
            _check_keys(it, _ITEM_KEYS, f"an item of {where}", P)
            m = _mapping(it)
            if "id" not in m:
                P.add(f"{where}: an item has no 'id'", it)
                continue
            iid = str(m["id"][1].value)
            if "text" in m:
                texts[iid] = _names(_to_py(m["text"][1]), iid)
            out.append((iid, m["id"][1]))
        else:
            P.add(f"{where}: an item must be an id or {{id: ..., text: ...}}", it)
    return out


def _parse(text: str, source: str) -> Instrument:
    P = _Problems(source)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise InstrumentError(f"{source}: not valid YAML: {exc}", [str(exc)]) from None
    if not isinstance(root, yaml.MappingNode):
        raise InstrumentError(f"{source}: an instrument file must be a mapping of keys",
                              ["top level is not a mapping"])
    _check_keys(root, _TOP_KEYS, "the instrument", P)
    top = _mapping(root)

    def val(key: str, default: Any = None) -> Any:
        return _to_py(top[key][1]) if key in top else default

    iid = val("id")
    if not isinstance(iid, str) or not iid:
        P.add("'id' is required and must be text", top.get("id", (root,))[0])
        iid = str(iid or "instrument")

    # response range
    rmin = rmax = math.nan
    labels: dict[int, dict[str, str]] = {}
    if "response" not in top:
        P.add("'response' with 'min' and 'max' is required", root)
    else:
        rnode = top["response"][1]
        if not isinstance(rnode, yaml.MappingNode):
            P.add("'response' must be a mapping with 'min' and 'max'", rnode)
        else:
            _check_keys(rnode, _RESPONSE_KEYS, "response", P)
            rm = _mapping(rnode)
            for key in ("min", "max"):
                if key not in rm:
                    P.add(f"response.{key} is required", rnode)
            try:
                rmin = float(_to_py(rm["min"][1])) if "min" in rm else math.nan
                rmax = float(_to_py(rm["max"][1])) if "max" in rm else math.nan
            except (TypeError, ValueError):
                P.add("response.min and response.max must be numbers", rnode)
            if rmin == rmin and rmax == rmax and rmin >= rmax:
                P.add(f"response.min ({rmin:g}) must be less than response.max ({rmax:g})",
                      rnode)
            if "labels" in rm:
                lab = _to_py(rm["labels"][1])
                if not isinstance(lab, dict):
                    P.add("response.labels must map values to labels", rm["labels"][1])
                else:
                    for k, v in lab.items():
                        try:
                            kv = int(k)
                        except (TypeError, ValueError):
                            P.add(f"response label key {k!r} is not a whole number",
                                  rm["labels"][1])
                            continue
                        if rmin < rmax and not rmin <= kv <= rmax:
                            P.add(f"response label {kv} is outside {rmin:g}-{rmax:g}",
                                  rm["labels"][1])
                        labels[kv] = _names(v, str(kv))

    higher_is = val("higher_is", "worse")
    if higher_is not in ("worse", "better"):
        P.add(f"higher_is must be 'worse' or 'better', not {higher_is!r}",
              top.get("higher_is", (None, None))[1])
    scoring = val("scoring", "mean")
    if scoring not in ("mean", "sum"):
        P.add(f"scoring must be 'mean' or 'sum', not {scoring!r}",
              top.get("scoring", (None, None))[1])
    min_answered = val("min_answered", 0.8)
    if not isinstance(min_answered, (int, float)) or not 0 < float(min_answered) <= 1:
        P.add(f"min_answered must be a share in (0, 1], not {min_answered!r}",
              top.get("min_answered", (None, None))[1])
        min_answered = 0.8

    texts: dict[str, dict[str, str]] = {}
    declared: list[str] = []
    if "items" in top:
        for item, node in _parse_items(top["items"][1], "items", P, texts):
            if item in declared:
                P.add(f"item {item!r} listed twice in 'items'", node)
            declared.append(item)

    subscales: list[Subscale] = []
    owner: dict[str, str] = {}
    order: list[str] = []
    snode = top.get("subscales", (None, None))[1]
    if not isinstance(snode, yaml.SequenceNode) or not snode.value:
        P.add("'subscales' must be a non-empty list", snode if snode is not None else root)
    else:
        seen_ids: set[str] = set()
        for sn in snode.value:
            if not isinstance(sn, yaml.MappingNode):
                P.add("each subscale must be a mapping with 'id' and 'items'", sn)
                continue
            sm = _mapping(sn)
            sid = str(_to_py(sm["id"][1])) if "id" in sm else ""
            where = f"subscale {sid!r}" if sid else "a subscale"
            _check_keys(sn, _SUB_KEYS, where, P)
            if not sid:
                P.add("a subscale has no 'id'", sn)
            elif sid in seen_ids:
                P.add(f"duplicate subscale id {sid!r}", sm["id"][1])
            seen_ids.add(sid)
            items = _parse_items(sm.get("items", (None, None))[1], where, P, texts)
            ids = []
            for item, node in items:
                if item in owner and owner[item] != sid:
                    P.add(f"item {item!r} is in two subscales ({owner[item]!r} and {sid!r})",
                          node)
                elif item in ids:
                    P.add(f"item {item!r} listed twice in {where}", node)
                owner.setdefault(item, sid)
                ids.append(item)
                if item not in order:
                    order.append(item)
            rev: list[str] = []
            if "reverse" in sm:
                rv = _to_py(sm["reverse"][1])
                if not isinstance(rv, list):
                    P.add(f"{where}: 'reverse' must be a list of item ids", sm["reverse"][1])
                else:
                    for r in map(str, rv):
                        if r not in ids:
                            P.add(f"reverse-keyed item {r!r} is not an item of {where}",
                                  sm["reverse"][1])
                        else:
                            rev.append(r)
            s_scoring = _to_py(sm["scoring"][1]) if "scoring" in sm else scoring
            if s_scoring not in ("mean", "sum"):
                P.add(f"{where}: scoring must be 'mean' or 'sum'", sm["scoring"][1])
                s_scoring = "mean"
            s_min = _to_py(sm["min_answered"][1]) if "min_answered" in sm else min_answered
            if not isinstance(s_min, (int, float)) or not 0 < float(s_min) <= 1:
                P.add(f"{where}: min_answered must be a share in (0, 1]",
                      sm["min_answered"][1])
                s_min = min_answered
            name = _names(_to_py(sm["name"][1]) if "name" in sm else None, sid)
            if not ids:
                P.add(f"{where} has no items", sn)
            subscales.append(Subscale(sid, name, tuple(ids), tuple(rev), s_scoring,
                                      float(s_min)))

    if declared:
        missing = [i for i in order if i not in declared]
        unused = [i for i in declared if i not in owner]
        if missing:
            P.add(f"items {missing} are in subscales but not in 'items'", top["items"][1])
        if unused:
            P.add(f"items {unused} are listed in 'items' but in no subscale",
                  top["items"][1])
        item_ids = tuple(declared)
    else:
        item_ids = tuple(order)

    total = None
    if "total" in top:
        tnode = top["total"][1]
        tv = _to_py(tnode)
        if tv is None or tv is False:
            total = None
        elif not isinstance(tv, dict):
            P.add("'total' must be a mapping (id, items: all)", tnode)
        else:
            _check_keys(tnode, _SUB_KEYS, "total", P)
            tid = str(tv.get("id", "total"))
            if tid in {s.id for s in subscales}:
                P.add(f"total id {tid!r} is also a subscale id", tnode)
            titems = tv.get("items", "all")
            if titems == "all":
                t_ids = item_ids
            elif isinstance(titems, list):
                t_ids = tuple(map(str, titems))
                bad = [i for i in t_ids if i not in owner]
                if bad:
                    P.add(f"total items {bad} are in no subscale", tnode)
            else:
                P.add("total.items must be 'all' or a list of item ids", tnode)
                t_ids = item_ids
            t_rev = tuple(i for i in t_ids for s in subscales if i in s.reverse)
            t_scoring = tv.get("scoring", scoring)
            if t_scoring not in ("mean", "sum"):
                P.add("total: scoring must be 'mean' or 'sum'", tnode)
                t_scoring = "mean"
            total = Subscale(tid, _names(tv.get("name"), tid), tuple(t_ids), t_rev,
                             t_scoring, float(tv.get("min_answered", min_answered)))

    if P.items:
        lines = "\n".join(f"  - {p}" for p in P.items)
        raise InstrumentError(
            f"{source}: the instrument file has {len(P.items)} problem(s):\n{lines}", P.items)
    citation = val("citation", "") or ""
    licence = val("licence", val("license", "")) or ""
    return Instrument(
        id=iid, name=_names(val("name"), iid), response_min=rmin, response_max=rmax,
        labels=labels, higher_is=higher_is, item_ids=item_ids, item_text=texts,
        subscales=tuple(subscales), total=total, citation=str(citation).strip(),
        licence=str(licence), version=str(val("version", "") or ""), source=source,
        extra={k: val(k) for k in ("description", "notes") if k in top})


_DATA = "stressgroup.instruments.data"


def builtin_instrument_ids() -> list[str]:
    """Ids of the instruments shipped with stressgroup."""
    files = resources.files(_DATA).iterdir()
    return sorted(f.name[:-5] for f in files if f.name.endswith(".yaml"))


def load_instrument(name_or_path: "str | Path | Instrument") -> Instrument:
    """Load a built-in instrument by id, or a user's instrument YAML file.

    Parameters
    ----------
    name_or_path : str or path-like
        A built-in id such as ``"five-level-stress"`` (see
        :func:`list_instruments`) or the path of a YAML file following the
        schema in the README.

    Returns
    -------
    Instrument

    Raises
    ------
    InstrumentError
        Unknown id, unreadable file, or a file that breaks the schema; every
        problem is listed at once with its line number.

    Examples
    --------
    >>> from stressgroup import load_instrument
    >>> inst = load_instrument("five-level-stress")
    >>> [s.id for s in inst.subscales]
    ['individual', 'family', 'work', 'organization', 'society']
    >>> len(inst.item_ids), inst.response_min, inst.response_max
    (25, 1.0, 5.0)
    """
    if isinstance(name_or_path, Instrument):
        return name_or_path
    s = str(name_or_path)
    path = Path(s)
    if s in builtin_instrument_ids():
        text = resources.files(_DATA).joinpath(f"{s}.yaml").read_text(encoding="utf-8")
        return _parse(text, f"built-in instrument {s!r}")
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise InstrumentError(f"instrument file not found: {s}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InstrumentError(f"cannot read instrument file {s}: {exc}") from None
        return _parse(text, str(path))
    raise InstrumentError(
        f"unknown instrument {s!r}: give a built-in id "
        f"({', '.join(builtin_instrument_ids())}) or the path of a YAML file")


def list_instruments():
    """Table of the built-in instruments.

    Returns
    -------
    pandas.DataFrame
        One row per instrument with ``id``, ``name_en``, ``name_zh``,
        ``items``, ``subscales``, ``range``, ``higher_is`` and ``citation``.

    Examples
    --------
    >>> from stressgroup import list_instruments
    >>> "five-level-stress" in list_instruments()["id"].tolist()
    True
    """
    import pandas as pd

    rows = []
    for iid in builtin_instrument_ids():
        inst = load_instrument(iid)
        rows.append({"id": inst.id, "name_en": inst.name.get("en", ""),
                     "name_zh": inst.name.get("zh", ""), "items": len(inst.item_ids),
                     "subscales": ", ".join(s.id for s in inst.subscales),
                     "range": f"{inst.response_min:g}-{inst.response_max:g}",
                     "higher_is": inst.higher_is, "citation": inst.citation})
    return pd.DataFrame(rows)

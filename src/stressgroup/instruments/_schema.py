"""Instrument files: parsing, validation and the :class:`Instrument` object."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from ..core.errors import InstrumentError

__all__ = ["Instrument", "Subscale", "ItemSpec", "Norm", "Band", "Index", "Condition",
           "Screening", "load_instrument", "list_instruments", "builtin_instrument_ids"]

_TOP_KEYS = {"id", "name", "version", "citation", "licence", "license", "description",
             "response", "higher_is", "scoring", "items", "min_answered", "subscales",
             "total", "notes", "norms", "bands", "indices", "screening", "population"}
_SUB_KEYS = {"id", "name", "items", "reverse", "scoring", "min_answered", "description"}
_RESPONSE_KEYS = {"min", "max", "labels"}
_ITEM_KEYS = {"id", "text", "type", "values", "options", "none", "sub_items", "range",
              "labels"}


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
class ItemSpec:
    """How one item turns answers into a score (see the README's schema).

    ``kind`` is ``likert`` (the answer, optionally through ``values``),
    ``count`` (the number of ``options`` ticked; the ``none`` option counts
    0) or ``sum`` (the sum of ``sub_items``). ``min``/``max`` is the range
    of the item's score, used for range checks and reverse keying.
    """

    id: str
    kind: Literal["likert", "count", "sum"] = "likert"
    values: dict = field(default_factory=dict)
    options: tuple[str, ...] = ()
    none: "str | None" = None
    sub_items: tuple[str, ...] = ()
    min: float = math.nan
    max: float = math.nan
    sub_min: float = math.nan
    sub_max: float = math.nan
    labels: dict = field(default_factory=dict)

    @property
    def score_range(self) -> tuple[float, float]:
        if self.values:
            v = list(self.values.values())
            return float(min(v)), float(max(v))
        return self.min, self.max


@dataclass(frozen=True)
class Norm:
    """Normative mean and SD of a scale in a named population."""

    scale: str
    mean: float
    sd: float
    n: "int | None" = None
    population: str = ""
    source: str = ""


@dataclass(frozen=True)
class Band:
    """A named score band: scores ``>= start`` (and below the next band)."""

    label: dict
    start: float = -math.inf

    def text(self, lang: str = "en") -> str:
        return self.label.get(lang) or self.label.get("en") or next(iter(self.label.values()))


@dataclass(frozen=True)
class Index:
    """An instrument-specific score computed from item scores.

    ``type`` is ``mean``/``sum`` (of answered items), ``count_at_least``
    (number of items scored ``>= value``) or ``mean_at_least`` (mean of the
    items scored ``>= value``; SCL-90's PSDI).
    """

    id: str
    type: str
    items: tuple[str, ...]
    value: float = math.nan
    name: dict = field(default_factory=dict)
    min_answered: float = 0.8

    @property
    def min_items(self) -> int:
        """Answered items needed for a value (else NaN), as for subscales."""
        return max(1, math.ceil(round(self.min_answered * len(self.items), 9)))


@dataclass(frozen=True)
class Condition:
    """One screening condition: ``scale op value``, or any of ``scales``."""

    scales: tuple[str, ...]
    op: str
    value: float
    any_of: bool = False

    def describe(self) -> str:
        target = (f"any of {', '.join(self.scales)}" if self.any_of else self.scales[0])
        return f"{target} {self.op} {self.value:g}"


@dataclass(frozen=True)
class Screening:
    """A screening rule: a person is flagged when any (or all) conditions hold."""

    conditions: tuple[Condition, ...]
    combine: Literal["any", "all"] = "any"
    name: dict = field(default_factory=dict)
    source: str = ""


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
    item_specs: dict = field(default_factory=dict, repr=False)
    norms: tuple = ()
    bands: dict = field(default_factory=dict, repr=False)
    indices: tuple = ()
    screening: "Screening | None" = None

    def item_spec(self, item: str) -> ItemSpec:
        """The scoring spec of ``item`` (a plain Likert item by default)."""
        spec = self.item_specs.get(item)
        if spec is None:
            return ItemSpec(item, min=self.response_min, max=self.response_max)
        return spec

    @property
    def input_items(self) -> tuple[str, ...]:
        """The columns read from the data: items, with sum items replaced by their
        sub-items (a loader maps and range-checks these)."""
        out: list[str] = []
        for it in self.item_ids:
            spec = self.item_specs.get(it)
            out.extend(spec.sub_items if spec is not None and spec.kind == "sum" else (it,))
        return tuple(out)

    def input_range(self, column: str) -> tuple[float, float]:
        """Declared range of an input column (item or sub-item)."""
        for spec in self.item_specs.values():
            if column in spec.sub_items:
                return spec.sub_min, spec.sub_max
        spec = self.item_spec(column)
        if spec.values:
            return float(min(spec.values)), float(max(spec.values))
        return spec.min, spec.max

    @property
    def score_ids(self) -> tuple[str, ...]:
        """Every score column ``score()`` returns: subscales, total, indices."""
        return tuple(s.id for s in self.scored) + tuple(i.id for i in self.indices)

    def norm(self, scale: str) -> "Norm | None":
        return next((n for n in self.norms if n.scale == scale), None)

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
    """Python value of a composed YAML node (safe constructors)."""
    if node is None:
        return None
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


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
                 texts: dict[str, dict[str, str]],
                 specs: "dict[str, tuple[dict, yaml.Node]] | None" = None
                 ) -> list[tuple[str, yaml.Node]]:
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
            extra = {k: _to_py(v) for k, (_, v) in m.items() if k not in ("id", "text")}
            if extra and specs is not None:
                if iid in specs:
                    P.add(f"item {iid!r}: its type/values are given twice", it)
                specs[iid] = (extra, it)
            out.append((iid, m["id"][1]))
        else:
            P.add(f"{where}: an item must be an id or {{id: ..., text: ...}}", it)
    return out


def _number(x: Any) -> "float | None":
    if isinstance(x, bool):
        return None
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def _build_item_specs(specs: dict, rmin: float, rmax: float, texts: dict,
                      P: _Problems) -> dict[str, ItemSpec]:
    """Validate the per-item keys (type, values, options, none, sub_items, range)."""
    out: dict[str, ItemSpec] = {}
    for iid, (d, node) in specs.items():
        kind = d.get("type", "likert")
        if kind not in ("likert", "count", "sum"):
            P.add(f"item {iid!r}: type must be likert, count or sum, not {kind!r}", node)
            continue
        lo, hi = rmin, rmax
        if "range" in d:
            r = d["range"]
            lo2 = _number(r.get("min")) if isinstance(r, dict) else None
            hi2 = _number(r.get("max")) if isinstance(r, dict) else None
            if lo2 is None or hi2 is None or lo2 >= hi2:
                P.add(f"item {iid!r}: range must be {{min: a, max: b}} with a < b", node)
            else:
                lo, hi = lo2, hi2
        values: dict[float, float] = {}
        if "values" in d:
            v = d["values"]
            if not isinstance(v, dict) or not v:
                P.add(f"item {iid!r}: values must map answers to scores", node)
            else:
                for raw, sc in v.items():
                    a, b = _number(raw), _number(sc)
                    if a is None or b is None:
                        P.add(f"item {iid!r}: values {raw!r}: {sc!r} must be numbers", node)
                    else:
                        values[a] = b
                if "range" not in d and values:
                    lo, hi = min(values), max(values)
        options: tuple[str, ...] = ()
        none = None
        subs: tuple[str, ...] = ()
        if kind == "count":
            opts = d.get("options")
            if not isinstance(opts, list) or not opts:
                P.add(f"item {iid!r}: a count item needs a list of options", node)
                opts = []
            options = tuple(map(str, opts))
            none = d.get("none")
            if none is not None and str(none) not in options:
                P.add(f"item {iid!r}: none option {none!r} is not one of its options", node)
            none = None if none is None else str(none)
            lo, hi = 0.0, float(len(options) - (1 if none is not None else 0))
        elif "options" in d or "none" in d:
            P.add(f"item {iid!r}: options/none need type: count", node)
        if kind == "sum":
            sub = d.get("sub_items")
            if not isinstance(sub, list) or len(sub) < 2:
                P.add(f"item {iid!r}: a sum item needs a list of at least two sub_items",
                      node)
                sub = []
            ids = []
            for x in sub:
                if isinstance(x, dict):
                    sid = str(x.get("id", ""))
                    if "text" in x:
                        texts[sid] = _names(x["text"], sid)
                else:
                    sid = str(x)
                ids.append(sid)
            subs = tuple(ids)
            lo, hi = len(subs) * lo, len(subs) * hi
        elif "sub_items" in d:
            P.add(f"item {iid!r}: sub_items need type: sum", node)
        labels: dict = {}
        if "labels" in d:
            lab = d["labels"]
            if not isinstance(lab, dict) or not lab:
                P.add(f"item {iid!r}: labels must map answers to labels", node)
            else:
                for k, v in lab.items():
                    kv = _number(k)
                    if kv is None:
                        P.add(f"item {iid!r}: label key {k!r} is not a number", node)
                    else:
                        labels[kv] = _names(v, str(k))
        out[iid] = ItemSpec(iid, kind, values, options, none, subs, lo, hi,
                            sub_min=rmin if kind == "sum" else lo,
                            sub_max=rmax if kind == "sum" else hi, labels=labels)
    return out


def _parse(text: str, source: str) -> Instrument:
    try:
        return _parse_checked(text, source)
    except InstrumentError:
        raise
    except (TypeError, AttributeError, ValueError, KeyError, IndexError,
            yaml.YAMLError) as exc:
        # a structure no check anticipated: still a clear message, never a traceback
        raise InstrumentError(
            f"{source}: the file's structure is not what the instrument schema expects "
            f"({type(exc).__name__}: {exc}). Compare it with a template: python -m "
            "stressgroup.instruments template five-level-stress", [str(exc)]) from None


def _parse_checked(text: str, source: str) -> Instrument:
    P = _Problems(source)
    try:
        # libyaml's parser when PyYAML has it (several times faster; the nodes carry the
        # same line numbers); the error of a broken file is the Python parser's, in full
        try:
            root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError:
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
    raw_specs: dict = {}
    declared: list[str] = []
    if "items" in top:
        for item, node in _parse_items(top["items"][1], "items", P, texts, raw_specs):
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
            items = _parse_items(sm.get("items", (None, None))[1], where, P, texts, raw_specs)
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
                twice = sorted({i for i in t_ids if t_ids.count(i) > 1})
                if twice:
                    P.add(f"total items {twice} are listed twice", tnode)
            else:
                P.add("total.items must be 'all' or a list of item ids", tnode)
                t_ids = item_ids
            t_rev = tuple(i for i in t_ids for s in subscales if i in s.reverse)
            t_scoring = tv.get("scoring", scoring)
            if t_scoring not in ("mean", "sum"):
                P.add("total: scoring must be 'mean' or 'sum'", tnode)
                t_scoring = "mean"
            if "reverse" in tv:
                P.add("total: 'reverse' is not allowed; the total takes its reverse keys "
                      "from the subscales", tnode)
            t_min = _number(tv.get("min_answered", min_answered))
            if t_min is None or not 0 < t_min <= 1:
                P.add(f"total: min_answered must be a share in (0, 1], not "
                      f"{tv.get('min_answered')!r}", tnode)
                t_min = float(min_answered)
            total = Subscale(tid, _names(tv.get("name"), tid), tuple(t_ids), t_rev,
                             t_scoring, float(t_min))

    item_specs = _build_item_specs(raw_specs, rmin, rmax, texts, P)
    for it, spec in item_specs.items():
        if it not in item_ids:
            P.add(f"item {it!r} has a type or values but is in no subscale",
                  raw_specs[it][1])
        clash = [x for x in spec.sub_items if x in item_ids]
        if clash:
            P.add(f"sub-items {clash} of {it!r} are also items", raw_specs[it][1])
        if spec.kind != "likert" and it in {r for s_ in subscales for r in s_.reverse}:
            P.add(f"item {it!r}: only likert items can be reverse-keyed", raw_specs[it][1])
    scale_ids = {s_.id for s_ in subscales} | ({total.id} if total else set())
    indices = _parse_indices(top.get("indices", (None, None))[1], item_ids, scale_ids, P,
                             float(min_answered))
    scale_ids |= {i.id for i in indices}
    norms = _parse_norms(top.get("norms", (None, None))[1], scale_ids, P)
    bands = _parse_bands(top.get("bands", (None, None))[1], scale_ids, P)
    screening = _parse_screening(top.get("screening", (None, None))[1], scale_ids,
                                 [s_.id for s_ in subscales], P)

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
        extra={k: val(k) for k in ("description", "notes", "population") if k in top},
        item_specs=item_specs, norms=norms, bands=bands, indices=indices,
        screening=screening)


_OPS = {">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b}
_INDEX_TYPES = ("mean", "sum", "count_at_least", "mean_at_least")


def _parse_indices(node, item_ids, scale_ids, P: _Problems, min_answered: float = 0.8
                   ) -> tuple[Index, ...]:
    if node is None:
        return ()
    if not isinstance(node, yaml.SequenceNode):
        P.add("'indices' must be a list of {id, type, items, value}", node)
        return ()
    out = []
    for n in node.value:
        d = _to_py(n)
        if not isinstance(d, dict) or "id" not in d or "type" not in d:
            P.add("an index needs 'id' and 'type'", n)
            continue
        iid = str(d["id"])
        if iid in scale_ids or iid in {i.id for i in out}:
            P.add(f"index id {iid!r} is already used", n)
        if not isinstance(d["type"], str):
            P.add(f"index {iid!r}: type must be text", n)
            continue
        unknown = set(d) - {"id", "type", "items", "value", "name", "min_answered"}
        if unknown:
            P.add(f"index {iid!r}: unknown key(s) {sorted(unknown)}", n)
        if d["type"] not in _INDEX_TYPES:
            P.add(f"index {iid!r}: type must be one of {', '.join(_INDEX_TYPES)}", n)
        items = d.get("items", "all")
        if items != "all" and not isinstance(items, list):
            P.add(f"index {iid!r}: items must be 'all' or a list of item ids", n)
            continue
        items = tuple(item_ids) if items == "all" else tuple(map(str, items or []))
        bad = [i for i in items if i not in item_ids]
        if bad:
            P.add(f"index {iid!r}: unknown items {bad}", n)
        value = _number(d.get("value"))
        if d["type"].endswith("_at_least") and value is None:
            P.add(f"index {iid!r}: type {d['type']} needs a numeric 'value'", n)
        share = _number(d.get("min_answered", min_answered))
        if share is None or not 0 < share <= 1:
            P.add(f"index {iid!r}: min_answered must be a share in (0, 1]", n)
            share = min_answered
        out.append(Index(iid, str(d["type"]), items, math.nan if value is None else value,
                         _names(d.get("name"), iid), float(share)))
    return tuple(out)


def _parse_norms(node, scale_ids, P: _Problems) -> tuple[Norm, ...]:
    if node is None:
        return ()
    if not isinstance(node, yaml.SequenceNode):
        P.add("'norms' must be a list of {scale, mean, sd, population, source}", node)
        return ()
    out = []
    for n in node.value:
        d = _to_py(n)
        if not isinstance(d, dict):
            P.add("each norm must be a mapping", n)
            continue
        unknown = set(d) - {"scale", "mean", "sd", "n", "population", "source"}
        if unknown:
            P.add(f"norm: unknown key(s) {sorted(unknown)}", n)
        scale = str(d.get("scale", ""))
        if scale not in scale_ids:
            P.add(f"norm for unknown scale {scale!r}", n)
        m, sd = _number(d.get("mean")), _number(d.get("sd"))
        if m is None or sd is None or sd <= 0:
            P.add(f"norm for {scale!r} needs a numeric mean and a positive sd", n)
            continue
        out.append(Norm(scale, m, sd, d.get("n"), str(d.get("population", "")),
                        str(d.get("source", ""))))
    return tuple(out)


def _parse_bands(node, scale_ids, P: _Problems) -> dict[str, tuple[Band, ...]]:
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        P.add("'bands' must map a scale id to a list of {from, label}", node)
        return {}
    out = {}
    for k, v in node.value:
        scale = str(k.value)
        if scale not in scale_ids:
            P.add(f"bands for unknown scale {scale!r}", k)
        lst = _to_py(v)
        if not isinstance(lst, list) or len(lst) < 2:
            P.add(f"bands of {scale!r} must be a list of at least two bands", v)
            continue
        bands = []
        for j, b in enumerate(lst):
            if not isinstance(b, dict) or "label" not in b:
                P.add(f"bands of {scale!r}: each band needs a label", v)
                continue
            start = _number(b.get("from")) if j else -math.inf
            if j and start is None:
                P.add(f"bands of {scale!r}: band {j + 1} needs a numeric 'from'", v)
                continue
            if j == 0 and "from" in b and _number(b["from"]) is not None:
                start = -math.inf  # the first band starts at the bottom of the scale
            if bands and start <= bands[-1].start:
                P.add(f"bands of {scale!r} must be in increasing order of 'from'", v)
            bands.append(Band(_names(b["label"], str(b["label"])), float(start)))
        out[scale] = tuple(bands)
    return out


def _parse_screening(node, scale_ids, subscale_ids, P: _Problems) -> "Screening | None":
    if node is None:
        return None
    d = _to_py(node)
    if not isinstance(d, dict):
        P.add("'screening' must be a mapping with 'any' or 'all' conditions", node)
        return None
    combine = "any" if "any" in d else "all" if "all" in d else None
    if combine is None:
        P.add("screening needs a list under 'any' or 'all'", node)
        return None
    unknown = set(d) - {"any", "all", "name", "source"}
    if unknown:
        P.add(f"screening: unknown key(s) {sorted(unknown)}", node)
    conds = []
    if not isinstance(d[combine], list):
        P.add(f"screening: '{combine}' must be a list of conditions", node)
        return None
    for c in d[combine] or []:
        if not isinstance(c, dict) or "op" not in c or "value" not in c:
            P.add("a screening condition needs 'scale' (or 'any_of'), 'op' and 'value'",
                  node)
            continue
        if not isinstance(c["op"], str) or c["op"] not in _OPS:
            P.add(f"screening op must be one of {', '.join(_OPS)}, not {c['op']!r}", node)
            continue
        value = _number(c["value"])
        if value is None:
            P.add("screening value must be a number", node)
            continue
        if "any_of" in c:
            if c["any_of"] != "subscales" and not isinstance(c["any_of"], list):
                P.add("screening: any_of must be 'subscales' or a list of scale ids", node)
                continue
            scales = subscale_ids if c["any_of"] == "subscales" else list(map(str, c["any_of"]))
            any_of = True
        else:
            scales = [str(c.get("scale", ""))]
            any_of = False
        bad = [x for x in scales if x not in scale_ids]
        if bad:
            P.add(f"screening refers to unknown scale(s) {bad}", node)
        conds.append(Condition(tuple(scales), str(c["op"]), value, any_of))
    return Screening(tuple(conds), combine, _names(d.get("name"), "screening"),
                     str(d.get("source", "")))


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

"""What the loader needs of an instrument: its input items, ranges, labels and texts."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._text import format_number, nfkc

__all__ = ["Scale"]


@dataclass
class Scale:
    """What the loader needs of an instrument: items, range, labels, texts."""

    id: str | None
    item_ids: tuple[str, ...]
    low: float | None
    high: float | None
    whole: bool
    labels: dict[str, float]
    item_text: Mapping[str, Any]
    ranges: Mapping[str, tuple[float, float]] = dataclasses.field(default_factory=dict)
    counts: Mapping[str, tuple[tuple[str, ...], str | None]] = dataclasses.field(
        default_factory=dict)
    options: tuple[str, ...] | None = None   # set on the scale of a count item
    none: str | None = None
    item_labels: Mapping[str, dict[str, float]] = dataclasses.field(default_factory=dict)
    # items with a ``values`` map: the answers it has (any other answer is not one)
    allowed: Mapping[str, frozenset[float]] = dataclasses.field(default_factory=dict)
    answers: frozenset[float] | None = None   # set on the scale of such an item

    def for_item(self, item: str) -> Scale:
        """The scale of one input column: its own range and answers, or a count item's options."""
        if item in self.counts:
            options, none = self.counts[item]
            n = len(options) - (1 if none is not None else 0)
            return dataclasses.replace(self, low=0.0, high=float(n), whole=True, labels={},
                                       options=options, none=none)
        scale = self
        if item in self.item_labels:  # the item's own answer labels replace the shared ones
            scale = dataclasses.replace(scale, labels=self.item_labels[item])
        if item in self.ranges:
            low, high = self.ranges[item]
            scale = dataclasses.replace(scale, low=low, high=high)
        if item in self.allowed:
            scale = dataclasses.replace(scale, answers=self.allowed[item])
        return scale

    @classmethod
    def from_instrument(cls, inst: Any) -> Scale:
        if inst is None:
            return cls(None, (), None, None, False, {}, {})
        labels_in = dict(getattr(inst, "labels", None) or {})
        labels: dict[str, float] = {}
        whole = bool(labels_in)
        for key, texts in labels_in.items():
            value = float(key)
            whole = whole and value.is_integer()
            values = texts.values() if isinstance(texts, Mapping) else [texts]
            for t in values:
                if isinstance(t, str) and t.strip():
                    labels.setdefault(nfkc(t).strip().casefold(), value)
        low = getattr(inst, "response_min", None)
        high = getattr(inst, "response_max", None)
        # sum items are read as their sub-items; items may declare their own range
        inputs = tuple(str(i) for i in getattr(inst, "input_items", inst.item_ids))
        ranges: dict[str, tuple[float, float]] = {}
        counts: dict[str, tuple[tuple[str, ...], str | None]] = {}
        item_labels: dict[str, dict[str, float]] = {}
        for spec in (getattr(inst, "item_specs", None) or {}).values():
            if spec.kind == "count":
                counts[spec.id] = (tuple(spec.options), spec.none)
            if getattr(spec, "labels", None):
                item_labels[spec.id] = {
                    nfkc(t).strip().casefold(): float(k)
                    for k, texts in spec.labels.items() for t in texts.values()
                    if isinstance(t, str) and t.strip()}
        if hasattr(inst, "input_range"):
            for c in inputs:
                r = tuple(float(v) for v in inst.input_range(c))
                if c not in counts and r != (low, high):
                    ranges[c] = r
        allowed: dict[str, frozenset[float]] = {}
        if hasattr(inst, "item_spec"):
            for c in inputs:
                spec = inst.item_spec(c)
                if c not in counts and getattr(spec, "values", None):
                    allowed[c] = frozenset(float(k) for k in spec.values)
        return cls(
            id=str(getattr(inst, "id", None)) if getattr(inst, "id", None) is not None else None,
            item_ids=inputs, ranges=ranges, counts=counts, item_labels=item_labels,
            allowed=allowed,
            low=None if low is None else float(low),
            high=None if high is None else float(high),
            whole=whole,
            labels=labels,
            item_text=dict(getattr(inst, "item_text", None) or {}),
        )

    @property
    def range_text(self) -> str:
        if self.low is None or self.high is None:
            return ""
        return f"{format_number(self.low)}-{format_number(self.high)}"

"""The document model validates what a result describes."""

from __future__ import annotations

import pytest

from stressgroup.core.document import (COLUMN_KINDS, Column, Document, Label, Note, Paragraph,
                                       Table, text)


def test_column_kind_is_checked():
    with pytest.raises(ValueError, match="kind must be one of"):
        Column("x", "X", "money")


@pytest.mark.parametrize("kind", COLUMN_KINDS)
def test_every_kind_is_accepted(kind):
    assert Column("x", "X", kind).kind == kind


def test_table_refuses_repeated_keys_and_dangling_references():
    with pytest.raises(ValueError, match="repeat"):
        Table("t", "T", [Column("a", "A"), Column("a", "B")], [])
    with pytest.raises(ValueError, match="missing columns"):
        Table("t", "T", [Column("a", "A", "statistic", stars="p")], [])


def test_labels_need_a_string_or_mapping():
    with pytest.raises(TypeError, match="label"):
        Column("a", 3)
    with pytest.raises(TypeError, match="title"):
        Table("t", {"en": 1}, [], [])


def test_document_blocks_are_checked_and_concatenate():
    with pytest.raises(TypeError, match="block"):
        Document("D", ["not a block"])
    d = Document("A", [Paragraph("x")]) + Document("B", [Note("y")])
    assert len(d.blocks) == 2 and d.title == "A"


def test_text_fallbacks_and_labels():
    cat = {"k": {"en": "Group {g}", "zh": "组别 {g}"}}
    assert text(Label("k", {"g": {"en": "A", "zh": "甲"}}), "zh", cat) == "组别 甲"
    assert text(Label("k", {}), "en", cat) == "Group {g}"  # placeholders left for later
    assert text(Label("nope"), "en", cat) == "nope"
    assert text({"zh": "只有中文"}, "en") == "只有中文"

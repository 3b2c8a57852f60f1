"""Instrument YAML loading and validation."""

from __future__ import annotations

import textwrap

import pytest

from stressgroup import InstrumentError, list_instruments, load_instrument

GOOD = """
id: mini
name: {en: Mini scale, zh: 小量表}
response:
  min: 1
  max: 4
  labels:
    1: {en: Never, zh: 从不}
    4: {en: Always, zh: 总是}
higher_is: better
scoring: sum
subscales:
  - id: a
    items: [A1, A2, A3]
    reverse: [A2]
  - id: b
    name: {en: B part}
    items:
      - {id: B1, text: {zh: 我能应对, en: I can cope}}
      - B2
total:
  id: total
  items: all
"""


def write(tmp_path, text: str):
    p = tmp_path / "inst.yaml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_builtin_five_level(five_level):
    assert [s.id for s in five_level.subscales] == ["individual", "family", "work",
                                                    "organization", "society"]
    assert len(five_level.item_ids) == 25 and len(set(five_level.item_ids)) == 25
    assert all(s.k == 5 for s in five_level.subscales)
    assert five_level.total is not None and five_level.total.k == 25
    assert set(five_level.reverse_items) == {"IND4", "FAM3", "WORK5", "ORG2", "SOC4"}
    assert five_level.higher_is == "worse"
    assert (five_level.response_min, five_level.response_max) == (1.0, 5.0)
    # every item has wording in both languages
    for item in five_level.item_ids:
        assert five_level.item_text[item]["zh"] and five_level.item_text[item]["en"]


def test_user_file_loads(tmp_path):
    inst = load_instrument(write(tmp_path, GOOD))
    assert inst.item_ids == ("A1", "A2", "A3", "B1", "B2")
    assert inst.subscale("a").reverse == ("A2",)
    assert inst.subscale("a").scoring == "sum"
    assert inst.subscale("b").label("en") == "B part"
    assert inst.subscale("a").label("zh") == "a"  # the id when no name is given
    assert inst.item_text["B1"]["zh"] == "我能应对"
    assert inst.total.reverse == ("A2",)
    assert inst.labels[1]["zh"] == "从不"


@pytest.mark.parametrize("edit,message", [
    (("items: [A1, A2, A3]", "items: [A1, A2, A3, B1]"), "'B1' is in two subscales"),
    (("reverse: [A2]", "reverse: [B2]"), "reverse-keyed item 'B2' is not an item"),
    (("max: 4", "max: 1"), r"response.min \(1\) must be less than response.max \(1\)"),
    (("scoring: sum", "scoring: sum\ncolour: blue"), "unknown key 'colour'"),
    (("  - id: b\n", "  - id: a\n"), "duplicate subscale id 'a'"),
    (("higher_is: better", "higher_is: up"), "higher_is must be"),
    (("items: [A1, A2, A3]", "items: [A1, A2, A2]"), "'A2' listed twice"),
])
def test_schema_errors_name_problem_and_line(tmp_path, edit, message):
    bad = textwrap.dedent(GOOD).replace(*edit, 1)
    with pytest.raises(InstrumentError, match=message) as err:
        load_instrument(write(tmp_path, bad))
    assert any(p.startswith("line ") for p in err.value.problems)


def test_every_problem_is_listed_at_once(tmp_path):
    bad = (textwrap.dedent(GOOD).replace("max: 4", "max: 0")
           .replace("reverse: [A2]", "reverse: [Z9]").replace("higher_is: better", "higher_is: x"))
    with pytest.raises(InstrumentError) as err:
        load_instrument(write(tmp_path, bad))
    assert len(err.value.problems) == 3
    assert "3 problem(s)" in str(err.value)


@pytest.mark.parametrize("arg,message", [
    ("no-such-instrument", "unknown instrument 'no-such-instrument'"),
    ("missing/file.yaml", "instrument file not found"),
])
def test_unknown_instrument(arg, message):
    with pytest.raises(InstrumentError, match=message):
        load_instrument(arg)


def test_not_yaml(tmp_path):
    with pytest.raises(InstrumentError, match="not valid YAML"):
        load_instrument(write(tmp_path, "id: [unclosed"))


def test_list_instruments_table():
    table = list_instruments()
    row = table.set_index("id").loc["five-level-stress"]
    assert row["items"] == 25 and row["range"] == "1-5"
    assert {"name_en", "name_zh", "subscales", "citation"} <= set(table.columns)


def test_repr_mentions_reverse_items(five_level):
    text = repr(five_level)
    assert "IND4" in text and "25 items" in text
    assert "<table" in five_level._repr_html_()


EXTENDED = """
id: ext
response: {min: 1, max: 4}
scoring: sum
min_answered: 1.0
items:
  - {id: S1, values: {1: 0, 2: 0, 3: 1, 4: 1}}
  - {id: S5, type: sum, sub_items: [S5A, S5B, S5C]}
  - {id: S6, type: count, options: [none, spouse, parents, friends], none: none}
subscales:
  - {id: a, items: [S1, S5, S6]}
total: {id: total, items: all}
indices:
  - {id: high_items, type: count_at_least, items: all, value: 2}
norms:
  - {scale: total, mean: 10, sd: 3, n: 100, population: adults, source: somewhere}
bands:
  total:
    - {label: {en: low, zh: 低}}
    - {from: 8, label: {en: high, zh: 高}}
screening:
  any:
    - {scale: total, op: ">", value: 12}
    - {scale: high_items, op: ">=", value: 3}
"""


def test_extended_schema_loads(tmp_path):
    inst = load_instrument(write(tmp_path, EXTENDED))
    assert inst.item_spec("S1").values == {1.0: 0.0, 2.0: 0.0, 3.0: 1.0, 4.0: 1.0}
    assert inst.item_spec("S5").sub_items == ("S5A", "S5B", "S5C")
    assert (inst.item_spec("S5").min, inst.item_spec("S5").max) == (3, 12)
    assert (inst.item_spec("S6").min, inst.item_spec("S6").max) == (0, 3)
    assert inst.input_items == ("S1", "S5A", "S5B", "S5C", "S6")
    assert inst.input_range("S5B") == (1, 4)
    assert inst.score_ids == ("a", "total", "high_items")
    assert inst.norm("total").sd == 3
    assert [b.text("zh") for b in inst.bands["total"]] == ["低", "高"]
    assert inst.screening.conditions[1].describe() == "high_items >= 3"


@pytest.mark.parametrize("edit,message", [
    (("type: count, options: [none, spouse, parents, friends], none: none",
      "type: count, none: none"), "a count item needs a list of options"),
    (("none: none}", "none: nobody}"), "none option 'nobody' is not one of its options"),
    (("type: sum, sub_items: [S5A, S5B, S5C]", "type: sum, sub_items: [S5A]"),
     "at least two sub_items"),
    (("values: {1: 0, 2: 0, 3: 1, 4: 1}", "values: {1: zero}"), "must be numbers"),
    (("- {from: 8, label: {en: high, zh: 高}}",
      "- {from: 8, label: {en: high, zh: 高}}\n    - {from: 6, label: mid}"),
     "increasing order"),
    (("{scale: total, op: \">\", value: 12}", "{scale: totl, op: \">\", value: 12}"),
     r"unknown scale\(s\) \['totl'\]"),
    (("op: \">=\", value: 3", "op: \"=>\", value: 3"), "screening op must be one of"),
    (("{scale: total, mean: 10, sd: 3,", "{scale: total, mean: 10, sd: 0,"),
     "positive sd"),
    (("type: count_at_least", "type: count_above"), "type must be one of"),
    (("type: sum, sub_items", "type: summed, sub_items"), "type must be likert, count or sum"),
])
def test_extended_schema_errors(tmp_path, edit, message):
    bad = EXTENDED.replace(*edit, 1)
    assert bad != EXTENDED
    with pytest.raises(InstrumentError, match=message):
        load_instrument(write(tmp_path, bad))


@pytest.mark.parametrize("edit,message", [
    (("total: {id: total, items: all}", "total: {id: total, items: all, min_answered: 2}"),
     r"total: min_answered must be a share in \(0, 1\]"),
    (("total: {id: total, items: all}", "total: {id: total, items: all, min_answered: abc}"),
     "total: min_answered must be a share"),
    (("total: {id: total, items: all}", "total: {id: total, items: [S1, S1, S5]}"),
     r"total items \['S1'\] are listed twice"),
    (("total: {id: total, items: all}", "total: {id: total, items: all, reverse: [S1]}"),
     "'reverse' is not allowed"),
    (("type: count_at_least", "type: 3"), "type must be text"),
    (("items: all, value: 2}", "items: 5, value: 2}"), "items must be 'all' or a list"),
    (("op: \">=\", value: 3", "op: [\">=\"], value: 3"), "screening op must be one of"),
    (("    - {scale: total, op: \">\", value: 12}",
      "    - {any_of: 5, op: \">\", value: 12}"), "any_of must be 'subscales' or a list"),
])
def test_wrong_types_are_listed_not_tracebacks(tmp_path, edit, message):
    bad = EXTENDED.replace(*edit, 1)
    assert bad != EXTENDED
    with pytest.raises(InstrumentError, match=message):
        load_instrument(write(tmp_path, bad))


def test_screening_any_must_be_a_list(tmp_path):
    bad = EXTENDED.split("screening:")[0] + "screening: {any: 5}\n"
    with pytest.raises(InstrumentError, match="'any' must be a list"):
        load_instrument(write(tmp_path, bad))

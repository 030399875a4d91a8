"""The declarative record reader, on tiny records declared here: values, defaults, places,
every problem with its place, and the JSON Schema the same declarations give editors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from generator.problems import Pos, Problem, Problems
from generator.source.declare import DictOf, ListOf, Record, json_schema, key_names, read, spec
from generator.source.scalars import Bool, Count, Id, Text, enum
from generator.source.yamlsource import parse

record = dataclass(frozen=True, kw_only=True)
FILE = "box.yaml"


@record
class Item(Record):
    """One thing in a box."""

    name: str = spec(Text, doc="What it is.")
    size: int = spec(Count, 1, doc="How big.")


@record
class Box(Record):
    """A box of things."""

    title: str = spec(Text, doc="The box's title.")
    kind: str = spec(enum("plain", "fancy"), "plain", key="type", doc="Written as `type`.")
    items: list[Item] = spec(ListOf(Item, min_items=1))
    tags: list[str] = spec(ListOf(Text), factory=list)
    by_id: dict[str, Item] = spec(DictOf(Item), factory=dict)
    lid: Item | None = spec(Item, None)
    sealed: bool = spec(Bool, False)


@record
class Pair(Record):
    pair: list[str] = spec(ListOf(Text, min_items=2))


@record
class Undocumented(Record):
    value: str = spec(Text, "x")


def load(cls: type[Record], text: str) -> tuple[Any, list[Problem]]:
    problems = Problems()
    found = read(cls, parse(text, FILE, problems), FILE, problems)
    return found, list(problems)


def ok(cls: type[Record], text: str) -> Any:
    found, problems = load(cls, text)
    assert problems == [], problems
    assert found is not None
    return found


def errors(cls: type[Record], text: str) -> list[tuple[int, int, str, str | None]]:
    found, problems = load(cls, text)
    assert found is None, "a record with problems must not be built"
    assert all(p.severity == "error" and p.pos.file == FILE for p in problems)
    return [(p.pos.line, p.pos.col, p.message, p.hint) for p in problems]


VALID = """\
title: Tools
type: fancy
items:
  - name: hammer
  - {name: saw, size: 3}
tags: [steel, wood]
by_id:
  h1: {name: nail}
  k-2:
    name: screw
    size: 0
lid: {name: cover}
sealed: true
"""


# --- values and defaults ---------------------------------------------------------------------


def test_values_are_read_by_their_shapes_and_keys() -> None:
    box = ok(Box, VALID)
    assert box == Box(title="Tools", kind="fancy",
                      items=[Item(name="hammer"), Item(name="saw", size=3)],
                      tags=["steel", "wood"],
                      by_id={"h1": Item(name="nail"), "k-2": Item(name="screw", size=0)},
                      lid=Item(name="cover"), sealed=True)
    assert type(box.items[1].size) is int and type(box.title) is str


def test_defaults_fill_in_what_is_not_written() -> None:
    box = ok(Box, "title: T\nitems: [{name: a}]\n")
    assert (box.kind, box.tags, box.by_id, box.lid, box.sealed) == ("plain", [], {}, None, False)
    assert box.items == [Item(name="a", size=1)]


def test_factory_defaults_are_not_shared_between_records() -> None:
    first = ok(Box, "title: A\nitems: [{name: a}]\n")
    second = ok(Box, "title: B\nitems: [{name: b}]\n")
    assert first.tags == second.tags == []
    assert first.tags is not second.tags


def test_records_are_frozen() -> None:
    box = ok(Box, VALID)
    with pytest.raises(AttributeError):
        box.title = "changed"


# --- places ----------------------------------------------------------------------------------


def test_a_record_knows_where_it_and_each_value_were_written() -> None:
    box = ok(Box, VALID)
    assert box.pos == Pos(FILE, 1, 1)
    assert box.at("title") == Pos(FILE, 1, 8)
    assert box.at("type") == Pos(FILE, 2, 7)  # by YAML key, not attribute name
    assert box.at("items", 0) == Pos(FILE, 4, 5)
    assert box.at("items", 1) == Pos(FILE, 5, 5)
    assert box.at("by_id", "k-2") == Pos(FILE, 9, 3)  # a mapping child: where its key is
    assert box.items[1].pos == Pos(FILE, 5, 5)
    assert box.items[1].at("size") == Pos(FILE, 5, 23)
    assert box.by_id["k-2"].at("size") == Pos(FILE, 11, 11)
    assert box.lid is not None and box.lid.pos == Pos(FILE, 12, 6)


def test_at_falls_back_to_the_key_then_to_the_record() -> None:
    box = ok(Box, VALID)
    assert box.at("items", 7) == box.at("items")  # no such index
    assert box.at("by_id", "nope") == box.at("by_id")
    assert box.at("tags", 0) == Pos(FILE, 6, 8)
    short = ok(Box, "\n\n  title: T\n  items: [{name: a}]\n")
    assert short.at("sealed") == short.pos == Pos(FILE, 3, 3)  # a default: the record's place


def test_given_tells_written_values_from_defaults() -> None:
    box = ok(Box, "title: T\nitems: [{name: a}]\nsealed: false\n")
    assert box.given("title") and box.given("sealed")
    assert not box.given("type") and not box.given("tags") and not box.given("lid")
    assert box.sealed is False  # written, and equal to the default: still given


def test_records_built_in_python_have_no_place() -> None:
    item = Item(name="x")
    assert item.pos == Pos("<default>", 0, 0)
    assert not item.given("name")
    assert item.at("name") == item.pos


def test_places_do_not_affect_equality() -> None:
    a = ok(Box, "title: T\nitems: [{name: a}]\n")
    b = ok(Box, "\n\n\ntitle: T\nitems:\n  - name: a\n")
    assert a.pos != b.pos
    assert a == b


# --- empty values ----------------------------------------------------------------------------


@pytest.mark.parametrize("empty", ["", " ~", " null", " Null", " NULL"])
def test_an_empty_value_of_a_known_key_means_not_given(empty: str) -> None:
    box = ok(Box, f"title: T\nitems: [{{name: a}}]\ntype:{empty}\ntags:{empty}\nsealed:{empty}\n")
    assert (box.kind, box.tags, box.sealed) == ("plain", [], False)
    assert not box.given("type") and not box.given("tags") and not box.given("sealed")
    assert box.at("sealed") == box.pos


def test_an_empty_value_of_a_required_key_is_missing() -> None:
    assert errors(Box, "title:\nitems: [{name: a}]\n") == [
        (1, 1, "missing required key 'title'", "add `title: ...` (the box's title)")]


def test_quoted_empty_text_is_a_value_not_an_empty_key() -> None:
    box = ok(Box, 'title: ""\nitems: [{name: a}]\n')
    assert box.title == "" and box.given("title")


def test_an_empty_record_key_is_not_given() -> None:
    assert ok(Box, "title: T\nitems: [{name: a}]\nlid:\n").lid is None


def test_a_null_record_value_in_a_dict_is_an_empty_mapping() -> None:
    # `founder-network:` with nothing after it: a record of defaults.
    @record
    class Shelf(Record):
        spots: dict[str, Undocumented] = spec(DictOf(Undocumented))

    shelf = ok(Shelf, "spots:\n  top:\n  low: ~\n  mid: {value: z}\n")
    assert shelf.spots == {"top": Undocumented(value="x"), "low": Undocumented(value="x"),
                           "mid": Undocumented(value="z")}
    assert shelf.spots["top"].pos == Pos(FILE, 2, 3)
    # An empty record with a required key is that key missing, reported where it is.
    assert errors(Box, "title: T\nitems: [{name: a}]\nby_id:\n  k1:\n") == [
        (4, 3, "missing required key 'name'", "add `name: ...` (what it is)")]


def test_a_null_list_item_record_is_an_empty_mapping() -> None:
    assert errors(Box, "title: T\nitems:\n  -\n") == [
        (3, 4, "missing required key 'name'", "add `name: ...` (what it is)")]


def test_a_null_document_is_an_empty_mapping_but_no_document_is_not_a_mapping() -> None:
    assert ok(Undocumented, "~\n") == Undocumented(value="x")
    assert errors(Item, "null\n") == [
        (1, 1, "missing required key 'name'", "add `name: ...` (what it is)")]
    # An empty file parses to nothing at all; the loader reports it as "file is empty".
    assert errors(Undocumented, "") == [(1, 1, "expected a mapping of key: value pairs", None)]


# --- problems --------------------------------------------------------------------------------


BOX_KEYS = "by_id, items, lid, sealed, tags, title, type"


def test_unknown_keys_are_errors_with_did_you_mean() -> None:
    assert errors(Box, "title: T\nitems: [{name: a, sise: 2}]\ntittle: x\nzzz: 1\n") == [
        (3, 1, "unknown key 'tittle'", "did you mean 'title'?"),
        (4, 1, "unknown key 'zzz'", f"expected one of: {BOX_KEYS}"),
        (2, 19, "unknown key 'sise'", "did you mean 'size'?"),
    ]


@record
class Secret(Record):
    """A record with a private field, as a call or an account event."""

    name: str = spec(Text)
    whisper: str | None = spec(Text, None, private=True)


def test_an_unknown_key_beside_private_fields_is_never_repeated() -> None:
    """Block or flow: `Kanary Corp: CEO` under a private entry is private text read as a key.
    The place and the expected keys are given, the text never; a known key may be suggested."""
    hidden = "unknown key (its text is not repeated: this entry holds private fields)"
    assert errors(Secret, "name: a\nwhisper: Jane Roe\nKanary Corp: CEO\n") == [
        (3, 1, hidden, "expected one of: name, whisper; quote text that contains ': '")]
    assert errors(Secret, "{name: a, whisper: Jane Roe, Kanary Corp: CEO}\n") == [
        (1, 30, hidden, "expected one of: name, whisper; in {...}, quote text that contains "
         "': ' or ', '")]
    assert errors(Secret, "name: a\nwhispr: x\n") == [(2, 1, hidden, "did you mean 'whisper'?")]
    # A record without private fields names the key, as everywhere else
    assert errors(Item, "name: a\nKanary Corp: CEO\n") == [
        (2, 1, "unknown key 'Kanary Corp'", "expected one of: name, size")]


def test_key_names_are_every_key_of_a_record_and_those_inside_it() -> None:
    assert key_names(Box) == {"title", "type", "items", "tags", "by_id", "lid", "sealed",
                              "name", "size"}
    assert key_names(Pair) == {"pair"}


def test_the_attribute_name_is_not_a_key_when_a_yaml_key_is_declared() -> None:
    assert errors(Box, "title: T\nitems: [{name: a}]\nkind: fancy\n") == [
        (3, 1, "unknown key 'kind'", f"expected one of: {BOX_KEYS}")]


def test_an_unknown_key_with_an_empty_value_is_still_an_error() -> None:
    assert errors(Box, "title: T\nitems: [{name: a}]\ntitel:\n") == [
        (3, 1, "unknown key 'titel'", "did you mean 'title'?")]


def test_missing_required_keys_are_reported_at_the_record() -> None:
    assert errors(Box, "\n  tags: [a]\n") == [
        (2, 3, "missing required key 'title'", "add `title: ...` (the box's title)"),
        (2, 3, "missing required key 'items'", "add `items: ...`"),
    ]


def test_every_problem_is_collected_not_just_the_first() -> None:
    found = errors(Box, """\
        type: wooden
        items:
          - {name: a, size: -1}
          - size: 2
        by_id: {"bad id": {name: b}, ok: {name: [1]}}
        sealed: yes
        """.replace("        ", ""))
    assert found == [
        (1, 1, "missing required key 'title'", "add `title: ...` (the box's title)"),
        (1, 7, "'wooden' is not one of: plain, fancy", None),
        (3, 21, "expected a count of 0 or more, got -1", None),
        (4, 5, "missing required key 'name'", "add `name: ...` (what it is)"),
        (5, 9, "not a valid id",
         "use letters, digits, '-' and '_', starting with a letter or digit"),
        (5, 41, "expected text, got a list", None),
        (6, 9, "'yes' is ambiguous (YAML 1.1 boolean), expected true or false",
         "write true or false"),
    ]


def test_a_record_where_a_mapping_belongs_is_refused() -> None:
    assert errors(Box, "- title: T\n") == [(1, 1, "expected a mapping of key: value pairs", None)]
    assert errors(Box, "title: T\nitems: [{name: a}]\nlid: cover\n") == [
        (3, 6, "expected a mapping of key: value pairs", None)]
    assert errors(Box, "title: T\nitems: [oops]\n") == [
        (2, 9, "expected a mapping of key: value pairs", None)]


def test_a_list_where_a_scalar_or_mapping_is_given_is_refused() -> None:
    assert errors(Box, "title: T\nitems: {name: a}\n") == [
        (2, 8, "expected a list", "start each item on its own line with '- '")]
    assert errors(Box, "title: T\nitems: [{name: a}]\ntags: steel\n") == [
        (3, 7, "expected a list", "start each item on its own line with '- '")]


def test_min_items() -> None:
    assert errors(Box, "title: T\nitems: []\n") == [(2, 8, "expected at least one item", None)]
    assert errors(Pair, "pair: [a]\n") == [(1, 7, "expected at least 2 items", None)]
    assert ok(Pair, "pair: [a, b]\n").pair == ["a", "b"]
    assert ok(Box, "title: T\nitems: [{name: a}]\ntags: []\n").tags == []  # min_items 0


def test_a_dict_where_a_list_is_given_is_refused() -> None:
    assert errors(Box, "title: T\nitems: [{name: a}]\nby_id: [a]\n") == [
        (3, 8, "expected a mapping of key: value pairs", None)]


@pytest.mark.parametrize(("key", "ok_"), [("a", True), ("A-1_b", True), ("9lives", True),
                                          ("-x", False), ("_x", False), ("a b", False),
                                          ("a.b", False), ("ü", False)])
def test_dict_keys_are_validated_by_the_key_kind(key: str, ok_: bool) -> None:
    text = f'title: T\nitems: [{{name: a}}]\nby_id:\n  "{key}": {{name: b}}\n'
    if ok_:
        assert list(ok(Box, text).by_id) == [key]
    else:
        assert errors(Box, text) == [(4, 3, "not a valid id",
                                      "use letters, digits, '-' and '_', starting with a "
                                      "letter or digit")]


def test_a_dict_can_declare_another_key_kind() -> None:
    @record
    class Weights(Record):
        weights: dict[str, int] = spec(DictOf(Count, key=enum("light", "heavy")))

    assert ok(Weights, "weights: {light: 1, heavy: 9}\n").weights == {"light": 1, "heavy": 9}
    assert errors(Weights, "weights: {lite: 1}\n") == [
        (1, 11, "'lite' is not one of: light, heavy", "did you mean 'light'?")]


def test_nested_records_in_lists_in_records() -> None:
    @record
    class Shelf(Record):
        boxes: list[Box] = spec(ListOf(Box))

    shelf = ok(Shelf, "boxes:\n  - title: A\n    items: [{name: a}]\n  - title: B\n"
               "    items:\n      - name: b\n        size: 2\n")
    assert [b.title for b in shelf.boxes] == ["A", "B"]
    assert shelf.boxes[1].items[0].at("size") == Pos(FILE, 7, 15)
    assert errors(Shelf, "boxes:\n  - title: A\n    items: [{name: a, colour: red}]\n") == [
        (3, 23, "unknown key 'colour'", "expected one of: name, size")]


# --- JSON Schema ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json_schema(Box)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_the_schema_is_draft_2020_12_and_describes_the_record() -> None:
    schema = json_schema(Box)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "Box" and schema["description"] == "A box of things."
    assert schema["required"] == ["title", "items"]
    assert schema["additionalProperties"] is False
    assert list(schema["properties"]) == ["title", "type", "items", "tags", "by_id", "lid",
                                          "sealed"]
    assert schema["properties"]["title"] == {"type": "string", "description": "The box's title."}
    assert schema["properties"]["type"]["default"] == "plain"
    assert schema["properties"]["sealed"]["default"] is False
    assert schema["properties"]["items"]["minItems"] == 1
    assert schema["properties"]["items"]["items"] == {"$ref": "#/$defs/Item"}
    assert list(schema["$defs"]) == ["Item"]
    assert schema["$defs"]["Item"]["required"] == ["name"]


def test_a_record_without_a_docstring_has_no_description() -> None:
    schema = json_schema(Undocumented)
    Draft202012Validator.check_schema(schema)
    assert "description" not in schema and "$defs" not in schema and "required" not in schema


def test_the_schema_accepts_a_valid_document(validator: Draft202012Validator) -> None:
    import yaml

    document = yaml.safe_load(VALID)
    assert list(validator.iter_errors(document)) == []
    # Empty values of optional keys are "not given", for editors too.
    assert list(validator.iter_errors({"title": "T", "items": [{"name": "a"}],
                                       "type": None, "tags": None, "lid": None})) == []


@pytest.mark.parametrize("document", [
    {"title": "T", "items": [{"name": "a"}], "tittle": "x"},  # unknown key
    {"title": "T", "items": [{"name": "a", "sise": 1}]},  # unknown key in a nested record
    {"title": "T", "items": [{"name": "a"}], "by_id": {"x": {"name": "b", "extra": 1}}},
    {"title": 5, "items": [{"name": "a"}]},  # wrong types
    {"title": "T", "items": [{"name": "a", "size": -1}]},
    {"title": "T", "items": [{"name": "a"}], "sealed": "yes"},
    {"title": "T", "items": [{"name": "a"}], "type": "wooden"},
    {"title": "T", "items": {"name": "a"}},
    {"title": "T", "items": []},  # min_items
    {"title": "T", "items": [{"name": "a"}], "by_id": {"bad id": {"name": "b"}}},
    {"items": [{"name": "a"}]},  # required
    {"title": None, "items": [{"name": "a"}]},  # a required key may not be empty
])
def test_the_schema_rejects_what_the_reader_rejects(validator: Draft202012Validator,
                                                     document: dict[str, Any]) -> None:
    assert list(validator.iter_errors(document)) != []


def test_a_record_used_twice_gets_one_definition() -> None:
    @record
    class Pack(Record):
        main: Item = spec(Item)
        spares: dict[str, Item] = spec(DictOf(Item), factory=dict)

    schema = json_schema(Pack)
    Draft202012Validator.check_schema(schema)
    assert list(schema["$defs"]) == ["Item"]
    assert schema["properties"]["main"] == {"$ref": "#/$defs/Item"}
    assert schema["properties"]["spares"]["anyOf"][0] == {
        "type": "object", "propertyNames": {"type": "string", "pattern": Id.json["pattern"]},
        "additionalProperties": {"$ref": "#/$defs/Item"}}
    valid = Draft202012Validator(schema)
    assert valid.is_valid({"main": {"name": "a"}, "spares": {"s1": {"name": "b"}}})
    assert not valid.is_valid({"main": {"name": "a"}, "spares": {"-s": {"name": "b"}}})

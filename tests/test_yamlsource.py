"""Strict YAML reading: every trap is an error with file:line:col, on both parser paths.

`fast=True` uses libyaml's C parser, `fast=False` the pure-Python one; both must
give the same values, the same positions and the same problems, byte for byte.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from generator.problems import Pos, Problem, Problems
from generator.source import yamlsource
from generator.source.declare import key_names
from generator.source.schema import WeekLog
from generator.source.yamlsource import (
    MAX_FILE_BYTES,
    LocDict,
    LocList,
    Plain,
    Quoted,
    decode,
    parse,
    parse_file_bytes,
)

FAST = pytest.mark.parametrize("fast", [True, False], ids=["libyaml", "pure-python"])
WEEK_KEYS = key_names(WeekLog)  # as the loader passes them: messages may repeat these


def dump(value: Any) -> Any:
    """Everything a parse result holds: types, exact text and every position."""
    if isinstance(value, LocDict):
        return ("map", str(value.pos), [
            (key, str(value.key_pos[key]), str(value.value_pos[key]), dump(item))
            for key, item in value.items()])
    if isinstance(value, LocList):
        return ("seq", str(value.pos), [
            (str(pos), dump(item)) for pos, item in zip(value.item_pos, value, strict=True)])
    if value is None:
        return None
    assert isinstance(value, Plain | Quoted), type(value)
    return (type(value).__name__, str(value), str(value.pos))


def problems_of(found: list[Problem]) -> list[tuple[str, str, str, str | None]]:
    return [(p.severity, str(p.pos), p.message, p.hint) for p in found]


def read(data: bytes, fast: bool, file: str = "weeks/2026-W47.yaml",
         known_keys: frozenset[str] = WEEK_KEYS) -> tuple[Any, list[Problem]]:
    """The value and the problems reported, as a pair (the parser reports to a sink)."""
    problems = Problems()
    value = parse_file_bytes(data, file, problems, fast=fast, known_keys=known_keys)
    return value, list(problems)


def read_both(data: bytes, file: str = "weeks/2026-W47.yaml") -> tuple[Any, list[Problem]]:
    """Parse with both parsers, insist they agree completely, return the result."""
    fast_value, fast_problems = read(data, True, file)
    slow_value, slow_problems = read(data, False, file)
    assert dump(fast_value) == dump(slow_value)
    assert problems_of(fast_problems) == problems_of(slow_problems)
    return fast_value, fast_problems


def only_error(data: bytes, fast: bool, file: str = "weeks/2026-W47.yaml") -> Problem:
    value, found = read(data, fast, file)
    assert value is None
    assert len(found) == 1, found
    assert found[0].severity == "error"
    return found[0]


def test_the_fast_path_really_is_libyaml() -> None:
    # Without libyaml every `fast=True` case below would silently test the same parser twice.
    assert yamlsource._FAST_LOADER is yaml.CSafeLoader


@pytest.mark.parametrize(("fast", "loader"), [(True, "CSafeLoader"), (False, "SafeLoader")])
def test_each_path_uses_its_parser(monkeypatch: pytest.MonkeyPatch, fast: bool,
                                   loader: str) -> None:
    used: list[str] = []
    real_events = yamlsource._events

    def spy(loader_class: Any, text: str) -> Any:
        used.append(loader_class.__name__)
        return real_events(loader_class, text)

    monkeypatch.setattr(yamlsource, "_events", spy)
    parse("week: 2026-W47\n", "f.yaml", Problems(), fast=fast)
    assert used == [loader]


# --- values and positions ---------------------------------------------------------------

SAMPLE = b"""\
week: 2026-W47
summary: |
  Closed Initech.
  Next: Globex.
calls:
  - date: 2026-11-17
    with: "Jane Roe, Globex"
    notes: 'it''s going well'
  - {date: 2026-11-18, type: demo, account: acme}
list:
  subscribers: 0012
  events: [question, 12:30, +49 30 1234]
empty:
tilde: ~
"""


@FAST
def test_values_keep_their_exact_text_and_1_based_positions(fast: bool) -> None:
    data, found = read(SAMPLE, fast)
    assert found == []
    assert isinstance(data, LocDict)
    assert data.pos == Pos("weeks/2026-W47.yaml", 1, 1)
    assert data.key_pos["week"] == Pos("weeks/2026-W47.yaml", 1, 1)
    assert data["week"] == "2026-W47" and type(data["week"]) is Plain
    assert data["week"].pos == Pos("weeks/2026-W47.yaml", 1, 7)
    assert data["summary"] == "Closed Initech.\nNext: Globex.\n"
    assert type(data["summary"]) is Quoted  # block scalars are always text
    assert str(data.value_pos["summary"]) == "weeks/2026-W47.yaml:2:10"

    calls = data["calls"]
    assert isinstance(calls, LocList)
    assert [str(p) for p in calls.item_pos] == ["weeks/2026-W47.yaml:6:5",
                                                "weeks/2026-W47.yaml:9:5"]
    first = calls[0]
    assert first["with"] == "Jane Roe, Globex" and type(first["with"]) is Quoted
    assert str(first["with"].pos) == "weeks/2026-W47.yaml:7:11"
    assert first["notes"] == "it's going well"
    assert str(first.key_pos["notes"]) == "weeks/2026-W47.yaml:8:5"
    flow = calls[1]
    assert dict(flow) == {"date": "2026-11-18", "type": "demo", "account": "acme"}
    assert str(flow.key_pos["account"]) == "weeks/2026-W47.yaml:9:36"
    assert str(flow["account"].pos) == "weeks/2026-W47.yaml:9:45"

    # YAML 1.1 would turn these into 10, 750 and 49301234: here they stay text, as written.
    signals = data["list"]
    assert signals["subscribers"] == "0012" and type(signals["subscribers"]) is Plain
    assert list(signals["events"]) == ["question", "12:30", "+49 30 1234"]
    assert [str(p) for p in signals["events"].item_pos] == [
        "weeks/2026-W47.yaml:12:12", "weeks/2026-W47.yaml:12:22", "weeks/2026-W47.yaml:12:29"]
    assert data["empty"] == "" and data["tilde"] == "~"  # the schema decides what null means


def test_both_parsers_agree_on_every_value_and_position() -> None:
    read_both(SAMPLE)


@FAST
def test_an_empty_value_is_placed_at_its_key(fast: bool) -> None:
    # libyaml and the pure-Python parser put an empty flow value in different columns;
    # both agree on the key, so that is where an empty value is.
    data, found = read(b"a: {x: , z: 1}\nb:\n", fast)
    assert found == []
    assert data["a"]["x"] == "" and str(data["a"]["x"].pos) == "weeks/2026-W47.yaml:1:5"
    assert str(data["a"].value_pos["x"]) == "weeks/2026-W47.yaml:1:5"
    assert str(data.value_pos["b"]) == "weeks/2026-W47.yaml:2:1"


@FAST
def test_columns_count_characters_not_bytes(fast: bool) -> None:
    problem = only_error("a: [é😀, x, *y]\n".encode(), fast)
    assert str(problem.pos) == "weeks/2026-W47.yaml:1:12"


@FAST
def test_empty_and_comment_only_files_parse_to_nothing(fast: bool) -> None:
    assert read(b"", fast) == (None, [])
    assert read(b"# nothing yet\n", fast) == (None, [])


@FAST
def test_a_single_leading_document_marker_is_fine(fast: bool) -> None:
    data, found = read(b"---\nweek: 2026-W47\n...\n", fast)
    assert found == [] and dict(data) == {"week": "2026-W47"}


# --- traps ------------------------------------------------------------------------------

# (name, file bytes, line, col, message, hint)
TRAPS: list[tuple[str, bytes, int, int, str, str | None]] = [
    ("duplicate key", b"week: 2026-W47\nsummary: a\nweek: 2026-W48\n", 3, 1,
     "duplicate key 'week' (first at line 1)", "each key may appear once in a mapping"),
    ("duplicate key in a list item",
     b"calls:\n  - date: 2026-11-17\n    type: demo\n    date: 2026-11-18\n", 4, 5,
     "duplicate key 'date' (first at line 2)", "each key may appear once in a mapping"),
    ("duplicate key in a flow mapping", b"calls:\n  - {date: 2026-11-17, date: 2026-11-18}\n",
     2, 24, "duplicate key (first at line 2)",
     "each key may appear once in a mapping; in {...}, quote text that contains ': ' or ', '"),
    ("number key in a flow mapping", b"calls:\n  - {date: 2026-11-17, notes: Budget, 50000: ok}\n",
     2, 39, "key is not text in YAML 1.1",
     "quote it; in {...}, quote text that contains ': ' or ', '"),
    ("anchor", b"base: &b\n  x: 1\nother: 2\n", 1, 7, "anchors (&name) are not allowed",
     "write the value out in full"),
    ("anchor on a scalar", b"a: &x 1\n", 1, 4, "anchors (&name) are not allowed",
     "write the value out in full"),
    ("alias", b"a: 1\nb: *x\n", 2, 4, "aliases (*name) are not allowed",
     "write the value out in full"),
    ("merge key", b"defaults: {x: 1}\nweek:\n  <<: {x: 2}\n", 3, 3,
     "merge keys (<<) are not allowed", "write the values out in full"),
    ("merge key with alias", b"a:\n  x: 1\nb:\n  <<: *a\n", 4, 3,
     "merge keys (<<) are not allowed", "write the values out in full"),
    ("integer key", b"1: a\n", 1, 1, "key '1' is not text in YAML 1.1", 'quote it: "1"'),
    ("yes key", b"calls: []\nyes: a\n", 2, 1, "key 'yes' is not text in YAML 1.1",
     'quote it: "yes"'),
    ("on key", b"on: push\n", 1, 1, "key 'on' is not text in YAML 1.1", 'quote it: "on"'),
    ("date key", b"2026-01-01: a\n", 1, 1, "key '2026-01-01' is not text in YAML 1.1",
     'quote it: "2026-01-01"'),
    ("time key", b"x:\n  12:30: a\n", 2, 3, "key '12:30' is not text in YAML 1.1",
     'quote it: "12:30"'),
    ("float key", b"1.5: a\n", 1, 1, "key '1.5' is not text in YAML 1.1", 'quote it: "1.5"'),
    ("null key", b"~: a\n", 1, 1, "key '~' is not text in YAML 1.1", 'quote it: "~"'),
    ("mapping as key", b"{a: 1}: 2\n", 1, 1, "a mapping key must be plain text",
     "use a simple word as the key"),
    ("python object tag", b"a: !!python/object:os.system x\n", 1, 4,
     "YAML tags (!tag) are not allowed",
     "remove the tag; quote text instead"),
    ("python apply tag on a sequence", b"a: !!python/object/apply:os.system [ls]\n", 1, 4,
     "YAML tags (!tag) are not allowed",
     "remove the tag"),
    ("int tag", b"a: !!int 12\n", 1, 4, "YAML tags (!tag) are not allowed",
     "remove the tag; quote text instead"),
    ("local tag", b"a: !secret x\n", 1, 4, "YAML tags (!tag) are not allowed",
     "remove the tag; quote text instead"),
    ("block scalar header run into a comment", b"summary: |#\n  text\n", 1, 11,
     "invalid YAML: expected chomping or indentation indicators, but found '#'",
     "check indentation and that every `key: value` pair is complete"),
    ("folded header run into a comment", b"summary: >-#\n  text\n", 1, 12,
     "invalid YAML: expected chomping or indentation indicators, but found '#'",
     "check indentation and that every `key: value` pair is complete"),
    ("question mark in a flow mapping", b"a: {date: 2?026-10-20}\n", 1, 12,
     "invalid YAML: expected ',' or '}', but got '?'",
     "check indentation and that every `key: value` pair is complete"),
    ("two documents", b"week: 2026-W47\n---\nweek: 2026-W48\n", 2, 1,
     "more than one YAML document in file", "remove the extra `---` line"),
    ("two explicit documents", b"---\na: 1\n...\n---\nb: 2\n", 4, 1,
     "more than one YAML document in file", "remove the extra `---` line"),
    ("tab indentation", b"calls:\n\t- date: 2026-11-17\n", 2, 1, "tab character in indentation",
     "indent YAML with spaces only"),
    ("tab after spaces", b"a:\n  b:\n  \tc: 1\n", 3, 3, "tab character in indentation",
     "indent YAML with spaces only"),
    ("tab after a colon", b"a:\tb\n", 1, 3, "tab character outside quotes",
     "use spaces; a tab may appear only inside quoted text"),
    ("tab before a comment", b"a: 1\t# note\n", 1, 5, "tab character outside quotes",
     "use spaces; a tab may appear only inside quoted text"),
    ("tab inside plain text", b"a: x\ty\n", 1, 5, "tab character outside quotes",
     "use spaces; a tab may appear only inside quoted text"),
    ("tab in a flow list", b"a: [1,\t2]\n", 1, 7, "tab character outside quotes",
     "use spaces; a tab may appear only inside quoted text"),
    ("BOM", b"\xef\xbb\xbfweek: 2026-W47\n", 1, 1, "file starts with a byte-order mark (BOM)",
     "save the file as UTF-8 without BOM"),
    ("NUL byte", b"week: 2026-W47\nsummary: x\x00y\n", 2, 11, "NUL byte in file",
     "remove the NUL character"),
    ("control character", b"week: 2026-W47\nsummary: a\x07b\n", 2, 11,
     "control character U+0007 in file", "remove it; YAML allows only printable characters"),
    ("invalid UTF-8", b"week: 2026-W47\nsummary: ab\xffc\n", 2, 12, "invalid UTF-8 byte sequence",
     "save the file as UTF-8"),
    ("invalid UTF-8 after multi-byte characters", "a: 1\nb: xé".encode() + b"\xc3\n", 2, 6,
     "invalid UTF-8 byte sequence", "save the file as UTF-8"),
    ("Latin-1 file", "week: 2026-W47\nsummary: Café\n".encode("latin-1"), 2, 13,
     "invalid UTF-8 byte sequence", "save the file as UTF-8"),
    ("unclosed flow list", b"a: [1, 2\nb: 3\n", 2, 2,
     "invalid YAML: expected ',' or ']', but got ':'",
     "check indentation and that every `key: value` pair is complete"),
    ("value that looks like a key", b"a: b: c\n", 1, 5,
     "invalid YAML: mapping values are not allowed here",
     "check indentation and that every `key: value` pair is complete"),
    ("bad indentation", b"a:\n    b: 1\n  c: 2\n", 3, 3,
     "invalid YAML: expected <block end>, but found '<block mapping start>'",
     "check indentation and that every `key: value` pair is complete"),
    ("unclosed quote", b"a: 'abc\nb: 2\n", 3, 1, "invalid YAML: found unexpected end of stream",
     "check indentation and that every `key: value` pair is complete"),
    ("bad escape", b'a: "x\\qy"\n', 1, 7, "invalid YAML: found unknown escape character 'q'",
     "check indentation and that every `key: value` pair is complete"),
    ("reserved indicator", b"a: @x\n", 1, 4,
     "invalid YAML: found character '@' that cannot start any token",
     "check indentation and that every `key: value` pair is complete"),
    ("nesting too deep", b"a: " + b"[" * 60 + b"]" * 60 + b"\n", 1, 53,
     "nested more than 50 levels deep", "a traction log needs only a few levels"),
    ("comma inside an unquoted flow value", b"calls:\n  - {date: 2026-11-17, with: Roe, Globex}\n",
     2, 35, "a comma in the value of 'with' started a new key",
     "quote the whole value of 'with', or write numbers without thousands separators"),
    ("thousands separator in a flow value", b"spend:\n  - {source: ads, amount: 1,200}\n", 2, 29,
     "a comma in the value of 'amount' started a new key",
     "quote the whole value of 'amount', or write numbers without thousands separators"),
    # In a list entry (a call, an account event) any key but the format's own may be private
    # text read as a key: never repeated.
    ("private duplicate key in a list item",
     b"calls:\n  - date: 2026-11-17\n    Kanary Roe: CEO\n    Kanary Roe: CTO\n", 4, 5,
     "duplicate key (first at line 3)", "each key may appear once in a mapping"),
    ("non-text key in a list item", b"calls:\n  - date: 2026-11-17\n    2026-01-01: met\n", 3, 5,
     "key is not text in YAML 1.1", "quote it"),
    ("yes key in a list entry's nested mapping",
     b"spend:\n  - source: ads\n    amount:\n      yes: 12\n", 4, 7,
     "key is not text in YAML 1.1", "quote it"),
    ("comma after a split-off key",
     b"calls:\n  - {date: 2026-11-17, with: Roe, Kanary: CEO, Tok}\n", 2, 48,
     "a comma in the value started a new key",
     "quote the whole value, or write numbers without thousands separators"),
    ("escaped control character", b'summary: "a\\x01b"\n', 1, 10,
     "non-printable character U+0001 written as an escape",
     "remove the escape; an emoji is written as itself or as \\U0001F600, not as two \\u"),
    ("escaped NUL in a private field", b'calls:\n  - {date: 2026-11-17, notes: "x\\0"}\n', 2, 31,
     "non-printable character U+0000 written as an escape",
     "remove the escape; an emoji is written as itself or as \\U0001F600, not as two \\u"),
    ("escaped surrogate", b'summary: "\\ud83d\\ude00"\n', 1, 10,
     "non-printable character U+D83D written as an escape",
     "remove the escape; an emoji is written as itself or as \\U0001F600, not as two \\u"),
]
TRAP_IDS = [case[0] for case in TRAPS]


@pytest.mark.parametrize(("name", "data", "line", "col", "message", "hint"), TRAPS, ids=TRAP_IDS)
@FAST
def test_trap_is_an_error_with_its_place(fast: bool, name: str, data: bytes, line: int, col: int,
                                         message: str, hint: str | None) -> None:
    problem = only_error(data, fast)
    assert problem == Problem("error", Pos("weeks/2026-W47.yaml", line, col), message, hint)


@pytest.mark.parametrize("data", [case[1] for case in TRAPS], ids=TRAP_IDS)
def test_trap_is_reported_identically_by_both_parsers(data: bytes) -> None:
    value, found = read_both(data)
    assert value is None and len(found) == 1


@FAST
def test_oversized_file_is_refused_before_parsing(fast: bool) -> None:
    data = b"summary: " + b"x" * MAX_FILE_BYTES + b"\n"
    problem = only_error(data, fast)
    assert problem.pos == Pos("weeks/2026-W47.yaml", 1, 1)
    assert problem.message == (f"file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}")
    assert problem.hint == "split the log: one file per ISO week"


def test_a_file_of_exactly_the_limit_is_accepted() -> None:
    found = Problems()
    text = decode(b"#" * MAX_FILE_BYTES, "f.yaml", found)
    assert len(found) == 0 and text is not None and len(text) == MAX_FILE_BYTES
    text = decode(b"#" * (MAX_FILE_BYTES + 1), "f.yaml", found)
    assert text is None and len(found) == 1 and found.errors == 1


@FAST
def test_nesting_up_to_the_limit_is_fine(fast: bool) -> None:
    depth = yamlsource.MAX_DEPTH - 1  # the top-level mapping is the first level
    value, found = read(b"a: " + b"[" * depth + b"]" * depth + b"\n", fast)
    assert found == []
    inner = value["a"]
    for _ in range(depth - 1):
        inner = inner[0]
    assert inner == []


@FAST
def test_a_huge_pathological_file_fails_fast(fast: bool) -> None:
    # PyYAML's pure-Python scanner is quadratic in nesting depth; the depth cap keeps a
    # 2 MB file of brackets from hanging `traction check`.
    problem = only_error(b"[" * MAX_FILE_BYTES, fast)
    assert problem.message == "nested more than 50 levels deep"
    assert str(problem.pos) == "weeks/2026-W47.yaml:1:51"


@FAST
def test_a_bom_later_in_the_file_is_just_a_character(fast: bool) -> None:
    # Only a leading BOM changes how the file is read; U+FEFF inside quotes is text.
    data, found = read('a: "x\ufeffy"\n'.encode(), fast)
    assert found == [] and data["a"] == "x\ufeffy"


# --- what is allowed --------------------------------------------------------------------

ALLOWED: list[tuple[str, bytes, dict[str, Any]]] = [
    ("quoted keys that look like other types", b"'yes': 1\n\"1\": 2\n'2026-01-01': 3\n",
     {"yes": "1", "1": "2", "2026-01-01": "3"}),
    ("explicit string tag", b"a: !!str 0012\n", {"a": "0012"}),
    ("non-specific tag", b"a: ! 12\n", {"a": "12"}),
    ("tab inside double quotes", b'a: "x\ty"\n', {"a": "x\ty"}),
    ("tab inside a block scalar", b"a: |\n  x\ty\n", {"a": "x\ty\n"}),
    ("JSON-style flow mapping", b'a: {"x":1,"y":2}\n', {"a": {"x": "1", "y": "2"}}),
    ("comma inside quotes", b'a: {with: "Roe, Globex", k: 1}\n',
     {"a": {"with": "Roe, Globex", "k": "1"}}),
    ("URL with a port", b"a: http://x:80/y\n", {"a": "http://x:80/y"}),
    ("hash without a space is text", b"a: b#c\n", {"a": "b#c"}),
    ("Windows line endings", b"a: 1\r\nb: 2\r\n", {"a": "1", "b": "2"}),
]


def plain_data(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_data(v) for v in value]
    return str(value)


@pytest.mark.parametrize(("name", "data", "expected"), ALLOWED, ids=[c[0] for c in ALLOWED])
@FAST
def test_harmless_yaml_is_accepted(fast: bool, name: str, data: bytes,
                                   expected: dict[str, Any]) -> None:
    value, found = read(data, fast)
    assert found == []
    assert plain_data(value) == expected


@pytest.mark.parametrize("data", [c[1] for c in ALLOWED], ids=[c[0] for c in ALLOWED])
def test_harmless_yaml_parses_identically_on_both_paths(data: bytes) -> None:
    value, found = read_both(data)
    assert found == [] and value is not None


def test_quoted_key_tag_and_block_scalars_are_quoted_text() -> None:
    value, _ = read_both(b"'yes': !!str 12\nb: >\n  folded\n  text\n")
    assert type(value["yes"]) is Quoted and type(value["b"]) is Quoted
    assert value["b"] == "folded text\n"


# --- front matter offsets ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "line", "col", "message"), [
    ("title: a\ntitle: b\n", 3, 1, "duplicate key 'title' (first at line 2)"),
    ("title: a\n\tdraft: true\n", 3, 1, "tab character in indentation"),
    ("title: a\ndate: \x07\n", 3, 7, "control character U+0007 in file"),
    ("title: [a\ndraft: b\n", 3, 6, "invalid YAML: expected ',' or ']', but got ':'"),
    ("tags: *x\n", 2, 7, "aliases (*name) are not allowed"),
], ids=["duplicate", "tab", "control character", "syntax", "alias"])
@FAST
def test_first_line_shifts_every_line_number(fast: bool, text: str, line: int, col: int,
                                             message: str) -> None:
    found = Problems()
    assert parse(text, "case-studies/acme.md", found, fast=fast, first_line=2) is None
    [problem] = found
    assert problem.pos == Pos("case-studies/acme.md", line, col)
    assert problem.message == message


@FAST
def test_first_line_shifts_value_positions(fast: bool) -> None:
    value = parse("title: Acme\ntags: [a, b]\n", "pages/about.md", Problems(), fast=fast,
                  first_line=2)
    assert str(value["title"].pos) == "pages/about.md:2:8"
    assert [str(p) for p in value["tags"].item_pos] == ["pages/about.md:3:8",
                                                        "pages/about.md:3:11"]


def test_both_parsers_agree_on_mutated_real_logs() -> None:
    """Seeded mutations of the demo's files (YAML's special characters inserted, replaced and
    deleted): the C and the pure-Python path give the same values and the same problems.
    A larger run of this found `|#` and `?` in flow text, where libyaml is more lenient."""
    import random

    from conftest import DEMO

    files = [p.read_bytes() for p in sorted((DEMO / "weeks").glob("*.yaml"))[:8]]
    files.append((DEMO / "traction.yaml").read_bytes())
    alphabet = b" :-#|>!&*{}[],'\"\n?%@`0aZ.\\"
    rng = random.Random(20261201)
    for _ in range(1500):
        data = bytearray(rng.choice(files))
        for _ in range(rng.randint(1, 4)):
            pos, op = rng.randrange(len(data)), rng.random()
            if op < 0.4:
                data[pos:pos + 1] = bytes([rng.choice(alphabet)])
            elif op < 0.7:
                data.insert(pos, rng.choice(alphabet))
            else:
                del data[pos]
        fast = read(bytes(data), True, "f.yaml", frozenset())
        slow = read(bytes(data), False, "f.yaml", frozenset())
        assert fast[1] == slow[1], bytes(data).decode("utf-8", "replace")
        assert dump(fast[0]) == dump(slow[0]), bytes(data).decode("utf-8", "replace")

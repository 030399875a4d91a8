"""tools.yamledit: an item goes into a list, or a paragraph into a text, as inserted text;
every other byte of the file stays."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.problems import Problems
from generator.source.yamlsource import parse
from generator.tools.yamledit import append_item, append_paragraph, quote, word

ITEM = (("date", "2026-11-17"), ("with", quote("Jane Roe, Globex")), ("type", "demo"))
LOADED = {"date": yaml.safe_load("2026-11-17"), "with": "Jane Roe, Globex", "type": "demo"}


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def inserted(old: str, new: str) -> str:
    """What `new` adds to `old`, asserting that it only inserts one run of text."""
    start = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b),
                 len(old))
    added = len(new) - len(old)
    assert added > 0
    assert new[:start] + new[start + added:] == old, "the edit changed more than it inserted"
    return new[start:start + added]


def test_a_block_list_of_block_mappings_gets_a_block_item_after_its_last_one() -> None:
    old = dedent("""
        # my log
        week: 2026-W47
        calls:
          - date: 2026-11-16   # first
            with: "A"

            notes: |
              # not a comment: text

          # between calls and accounts
        accounts: []   # none yet
        """)
    new = append_item(old, ["calls"], ITEM, block=False)
    assert new is not None
    assert inserted(old, new) == ('  - date: 2026-11-17\n    with: "Jane Roe, Globex"\n'
                                  "    type: demo\n")
    assert new.index("type: demo") < new.index("# between calls")
    assert yaml.safe_load(new)["calls"][-1] == LOADED
    assert yaml.safe_load(new)["calls"][0]["notes"] == "# not a comment: text\n"


@pytest.mark.parametrize("layout", ["- date: 1\n  type: demo\n", "-   date: 1\n    type: demo\n"])
def test_a_block_item_takes_the_dash_and_key_columns_of_the_last_one(layout: str) -> None:
    old = "week: 2026-W47\ncalls:\n" + layout + "accounts: []\n"
    new = append_item(old, ["calls"], ITEM, block=False)
    assert new is not None
    dash, key = layout.index("-"), layout.index("d")
    assert inserted(old, new) == (" " * dash + "-" + " " * (key - dash - 1) + "date: 2026-11-17\n"
                                  + " " * key + 'with: "Jane Roe, Globex"\n'
                                  + " " * key + "type: demo\n")


def test_a_block_list_of_flow_mappings_gets_a_flow_item() -> None:
    old = dedent("""
        accounts:
          - {id: globex, event: qualified, date: 2026-11-16}  # from the fair
        # Open qualified leads
        spend: []
        """)
    new = append_item(old, ["accounts"], (("id", "globex"), ("event", "won")), block=True)
    assert new is not None
    assert inserted(old, new) == "  - {id: globex, event: won}\n"
    assert new.index("# from the fair") < new.index("event: won")


def test_a_flow_list_on_one_line_gets_the_item_before_its_bracket() -> None:
    old = "calls: [{date: 2026-11-16}]  # c\nweek: 2026-W47\n"
    new = append_item(old, ["calls"], ITEM, block=True)
    assert new == ('calls: [{date: 2026-11-16}, {date: 2026-11-17, with: "Jane Roe, Globex", '
                   "type: demo}]  # c\nweek: 2026-W47\n")


def test_a_flow_list_of_one_item_a_line_gets_a_line() -> None:
    old = "calls: [\n    {date: 2026-11-16},  # one\n]\n"
    new = append_item(old, ["calls"], (("date", "2026-11-17"),), block=True)
    assert new == "calls: [\n    {date: 2026-11-16},\n    {date: 2026-11-17},  # one\n]\n"
    assert yaml.safe_load(new) == {"calls": [{"date": yaml.safe_load("2026-11-16")},
                                             {"date": yaml.safe_load("2026-11-17")}]}


@pytest.mark.parametrize("empty", ["[]", "~", "null", "", "{}"])
def test_an_empty_value_becomes_a_block_list_and_keeps_its_comment(empty: str) -> None:
    old = f"week: 2026-W47\ncalls: {empty}   # none yet\n#  - date: example\naccounts: []\n"
    new = append_item(old, ["calls"], ITEM, block=True)
    head = "calls:" + ("" if empty else " ")  # nothing to take out of `calls:`
    assert new == ("week: 2026-W47\n" + head + "   # none yet\n  - date: 2026-11-17\n"
                   '    with: "Jane Roe, Globex"\n    type: demo\n#  - date: example\n'
                   "accounts: []\n")


def test_a_missing_top_level_key_is_added_at_the_end_of_the_file() -> None:
    old = "week: 2026-W47\ncalls: []\n# trailing comment"
    new = append_item(old, ["spend"], (("source", "ads"), ("amount", "300")), block=False)
    assert new == old + "\nspend:\n  - {source: ads, amount: 300}\n"


def test_a_nested_list_is_created_inside_its_block_mapping() -> None:
    old = "list:\n  subscribers: 4   # end of week\n# about spend\nspend: []\n"
    new = append_item(old, ["list", "events"], (("type", "question"),), block=False)
    assert new is not None
    assert inserted(old, new) == "  events:\n    - {type: question}\n"
    assert new.index("events") < new.index("# about spend")


def test_nested_keys_missing_or_in_flow_style() -> None:
    assert append_item("week: 1\n", ["list", "events"], (("type", "sale"),), block=False) == (
        "week: 1\nlist:\n  events:\n    - {type: sale}\n")
    assert append_item("list: {subscribers: 4}\n", ["list", "events"], (("type", "sale"),),
                       block=False) == "list: {subscribers: 4, events: [{type: sale}]}\n"
    assert append_item("list: {events: [{type: a}]}\n", ["list", "events"], (("type", "b"),),
                       block=False) == "list: {events: [{type: a}, {type: b}]}\n"
    assert append_item("list:\n  events:\n", ["list", "events"], (("type", "b"),),
                       block=False) == "list:\n  events:\n    - {type: b}\n"


def test_an_empty_value_inside_a_flow_mapping_stays_in_flow_style() -> None:
    item = (("type", "sale"),)
    assert append_item("{week: 1, calls: []}\n", ["calls"], item, block=True) == (
        "{week: 1, calls: [{type: sale}]}\n")
    assert append_item("{list: {}}\n", ["list", "events"], item, block=True) == (
        "{list: {events: [{type: sale}]}}\n")
    assert append_item("{calls: ~}\n", ["calls"], item, block=True) == "{calls: [{type: sale}]}\n"
    assert append_item("{list: ~}\n", ["list", "events"], item, block=True) == (
        "{list: {events: [{type: sale}]}}\n")
    assert append_item("{calls: {}}\n", ["calls"], item, block=True) is None


def test_crlf_files_get_crlf_lines() -> None:
    old = "week: 1\r\ncalls:\r\n  - date: 1\r\n    type: demo\r\n"
    new = append_item(old, ["calls"], (("date", "2"), ("type", "sales")), block=True)
    assert new == old + "  - date: 2\r\n    type: sales\r\n"


def test_what_is_not_a_list_is_refused() -> None:
    assert append_item("calls: 3\n", ["calls"], ITEM, block=True) is None
    assert append_item("calls: {a: 1}\n", ["calls"], ITEM, block=True) is None
    assert append_item("- a\n", ["calls"], ITEM, block=True) is None
    assert append_item("calls: [\n", ["calls"], ITEM, block=True) is None
    assert append_item("list: [1]\n", ["list", "events"], ITEM, block=True) is None


# --- paragraphs --------------------------------------------------------------------------------


def test_a_paragraph_joins_a_literal_block_after_a_blank_line() -> None:
    old = dedent("""
        week: 2026-W47
        summary: |
          First paragraph.

          - a list item
        # next: calls
        calls: []
        """)
    new = append_paragraph(old, "summary", "Closed Initech.\n  indented line")
    assert new is not None
    assert inserted(old, new) == "\n  Closed Initech.\n    indented line\n"
    assert yaml.safe_load(new)["summary"] == (
        "First paragraph.\n\n- a list item\n\nClosed Initech.\n  indented line\n")


def test_a_paragraph_joins_a_folded_block_as_a_paragraph_of_its_own() -> None:
    new = append_paragraph("summary: >\n  One\n  line.\n", "summary", "Two.")
    assert new == "summary: >\n  One\n  line.\n\n\n  Two.\n"
    assert yaml.safe_load(new)["summary"] == "One line.\n\nTwo.\n"


def test_a_paragraph_replaces_the_placeholder() -> None:
    old = "summary: |\n  What happened.\ncalls: []\n"
    assert append_paragraph(old, "summary", "Closed.", replace="What happened.\n") == (
        "summary: |\n  Closed.\ncalls: []\n")
    assert append_paragraph("summary: |\ncalls: []\n", "summary", "Closed.") == (
        "summary: |\n  Closed.\ncalls: []\n")


def test_a_paragraph_in_other_text_forms() -> None:
    assert append_paragraph("summary: Hi  # c\n", "summary", "Closed: yes.") == (
        'summary: "Hi\\n\\nClosed: yes."  # c\n')
    assert append_paragraph("summary:\ncalls: []\n", "summary", "Closed.") == (
        'summary: "Closed."\ncalls: []\n')
    assert append_paragraph("week: 1", "summary", "Closed.\n\nMore.") == (
        "week: 1\nsummary: |\n  Closed.\n\n  More.\n")
    assert append_paragraph("summary: [a]\n", "summary", "x") is None


# --- scalars -----------------------------------------------------------------------------------

HOSTILE = ["Jane: Roe", "a # b", 'say "hi"', "it's", "back\\slash", "Zoë Ærø 東京 🚀", "",
           " lead", "trail ", "- item", "{a: b}", "[x]", "*alias", "&anchor", "!tag", "%dir",
           "@at", "`tick`", "yes", "no", "null", "~", "12:30", "0012", "1e3", "line\nbreak",
           "tab\there", "nel\x85", "ls\u2028ps\u2029", "bom\ufeff", "---", "...", "? key",
           "a, b", "<script>"]


def _read_back(item: str) -> Any:
    problems = Problems()
    data = parse(item, "x.yaml", problems)
    assert not problems.errors, problems.sorted()
    return data


@pytest.mark.parametrize("value", HOSTILE)
def test_quoted_text_reads_back_exactly_in_flow_and_block_items(value: str) -> None:
    for block in (True, False):
        new = append_item("calls: []\n", ["calls"], (("with", quote(value)),), block=block)
        assert new is not None and "\n" not in new.split("with: ", 1)[1].rstrip("}\n")
        assert yaml.safe_load(new) == {"calls": [{"with": value}]}
        assert _read_back(new)["calls"][0]["with"] == value


@settings(deadline=None)  # the machine may be busy; speed is bench/'s to measure
@given(st.text())
def test_any_text_reads_back_exactly(value: str) -> None:
    assert yaml.safe_load("{with: " + quote(value) + "}") == {"with": value}


def test_words_are_plain_only_when_yaml_reads_them_as_written() -> None:
    assert [word(w) for w in ("cold-email", "2026-11-17", "1200", "49.5")] == [
        "cold-email", "2026-11-17", "1200", "49.5"]
    assert [word(w) for w in ("yes", "null", "Globex", "a: b", "1,200", "0x10", "")] == [
        '"yes"', '"null"', '"Globex"', '"a: b"', '"1,200"', '"0x10"', '""']


VALUES = st.text(max_size=12) | st.integers(-5, 5) | st.booleans()
ITEMS = st.lists(st.dictionaries(st.sampled_from(["a", "with", "notes"]), VALUES, min_size=1),
                 max_size=3)


@settings(deadline=None, max_examples=300)
@given(st.fixed_dictionaries({"week": st.just("2026-W47"), "calls": ITEMS},
                             optional={"list": st.fixed_dictionaries(
                                 {}, optional={"events": ITEMS, "subscribers": VALUES}),
                                 "summary": st.text(max_size=20)}),
       st.sampled_from([False, True, None]), st.sampled_from([2, 4]), st.text(max_size=8))
def test_any_dumped_log_gets_exactly_one_more_item(data: dict[str, Any], flow: bool | None,
                                                   indent: int, value: str) -> None:
    """Whatever layout PyYAML writes (block, flow, indentless lists, wrapped text)."""
    old = yaml.safe_dump(data, default_flow_style=flow, indent=indent, allow_unicode=True,
                         sort_keys=False, width=30)
    for path in (["calls"], ["list", "events"], ["spend"]):
        new = append_item(old, path, (("with", quote(value)), ("n", "1")), block=True)
        assert new is not None, old
        expected = yaml.safe_load(old)
        holder = expected
        for key in path[:-1]:
            holder = holder.setdefault(key, {})
        holder[path[-1]] = (holder.get(path[-1]) or []) + [{"with": value, "n": 1}]
        assert yaml.safe_load(new) == expected, (old, new)

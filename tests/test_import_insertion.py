"""Appending entries to a week file's text: comments, blank lines and key order stay."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import yaml

from generator.problems import Problems
from generator.source.declare import read
from generator.source.schema import WeekLog
from generator.source.yamlsource import parse
from generator.tools.importers.insertion import (
    append_entries,
    block_item,
    flow_item,
    plain_text,
    scalar,
)

WEEK = """\
# top comment
week: 2026-W47
summary: |
  calls: not a key, inside the summary
calls:
  - date: 2026-11-17   # first call
    with: "Jane Roe, Globex"

  # a comment before accounts
accounts:
- {id: globex, event: qualified, date: 2026-11-17, source: cold-email}
# trailing comment
"""


def test_entries_go_after_the_last_item_of_their_list_in_its_indentation() -> None:
    text = append_entries(WEEK, "calls", ["date: 2026-11-18\nwith: \"Bob\""])
    text = append_entries(text, "accounts", ["{id: globex, event: won, date: 2026-11-18}"])
    assert text == WEEK.replace(
        '    with: "Jane Roe, Globex"\n',
        '    with: "Jane Roe, Globex"\n  - date: 2026-11-18\n    with: "Bob"\n').replace(
        "source: cold-email}\n",
        "source: cold-email}\n- {id: globex, event: won, date: 2026-11-18}\n")


def test_an_empty_inline_list_becomes_a_block_and_keeps_its_comment() -> None:
    text = "week: 2026-W47\ncalls: []  # none yet\n#  - date: example\naccounts: []\n"
    assert append_entries(text, "calls", ["date: 2026-11-18"]) == (
        "week: 2026-W47\ncalls:  # none yet\n  - date: 2026-11-18\n#  - date: example\n"
        "accounts: []\n")


def test_a_missing_list_is_added_at_the_end_even_without_a_final_newline() -> None:
    assert append_entries("week: 2026-W47", "accounts", ["{id: a, event: won}"]) == (
        "week: 2026-W47\naccounts:\n  - {id: a, event: won}\n")


def test_crlf_files_stay_crlf() -> None:
    text = "week: 2026-W47\r\ncalls:\r\n  - date: 2026-11-17\r\n"
    assert append_entries(text, "calls", ["date: 2026-11-18\ntype: demo"]) == (
        text + "  - date: 2026-11-18\r\n    type: demo\r\n")


def test_an_inline_list_with_items_is_refused_with_its_line() -> None:
    with pytest.raises(ValueError) as refused:
        append_entries("week: 2026-W47\ncalls: [{date: 2026-11-17}]\n", "calls", ["date: x"])
    assert refused.value.args == (2, "`calls:` is written inline; write it as a list of `- ` "
                                  "lines to import into it")


def test_nothing_to_add_changes_nothing() -> None:
    assert append_entries(WEEK, "calls", []) == WEEK


HOSTILE = ["Evil, \"Quote\"\nNewline Inc", "O'Brien: CEO # not a comment", "yes", "no",
           "12:30", "0012", "~", "", "- dash", "{not: flow}", "[list]", "&anchor *alias",
           "line\u2028separator", "tab\there", "back\\slash", "émoji 🚀", "null", "3pl",
           "\ufeffbom", "bidi\u202eevil", "2026-11-17",
           "  spaces  ", "#hash", "%percent", "@at", "`tick`", "!tag", "|pipe", ">fold", "'"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_value_reads_back_exactly_with_the_strict_reader(value: str) -> None:
    fragment = flow_item({"id": "a", "event": "paid", "date": datetime.date(2026, 11, 18),
                          "note": value, "amount": Decimal("1200.50")})
    text = append_entries("week: 2026-W47\n", "accounts", [fragment])
    text = append_entries(text, "calls", [block_item({"date": datetime.date(2026, 11, 18),
                                                      "with": value})])
    problems = Problems()
    week = read(WeekLog, parse(text, "w.yaml", problems), "w.yaml", problems)
    assert not list(problems), list(problems)
    assert week is not None
    assert week.accounts[0].note == value and week.accounts[0].amount == Decimal("1200.50")
    assert week.calls[0].with_ == value
    assert yaml.safe_load(text)["calls"][0]["with"] == value


def test_ids_and_numbers_stay_plain() -> None:
    assert flow_item({"id": "stripe-85e54017", "amount": Decimal("7E+2"),
                      "interval": "month"}) == "{id: stripe-85e54017, amount: 700, interval: month}"
    assert scalar("stripe:ch_1") == '"stripe:ch_1"'
    assert scalar(True) == "true"


@pytest.mark.parametrize("word", ["year", "month", "once", "demo", "noon", "yesterday"])
def test_words_that_only_start_like_a_boolean_stay_plain(word: str) -> None:
    assert scalar(word) == word


def test_text_from_another_program_is_cleaned_to_what_a_log_may_hold() -> None:
    value = plain_text("\x1b[31mRed\x1b[0m  Corp\x00\n\tInc\u2028Ltd\ud800")
    assert value == "[31mRed[0m Corp Inc Ltd"
    text = append_entries("week: 2026-W47\n", "calls", [block_item({"with": value})])
    assert yaml.safe_load(text)["calls"][0]["with"] == value

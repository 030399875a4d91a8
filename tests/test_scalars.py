"""What a scalar means where it is used: text stays text, numbers/dates/booleans are strict.

Values come from the real YAML reader (both parser paths), so `Plain` and `Quoted`
are exactly what a founder's file produces.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from generator.problems import Pos, Problem, Problems
from generator.source.loader import validate
from generator.source.scalars import (
    ValueProblem,
    parse_amount,
    parse_bool,
    parse_count,
    parse_date,
    parse_int,
    parse_number,
    parse_private_number,
    parse_private_text,
    parse_share,
    parse_text,
    parse_url,
    parse_week,
    quoted,
)
from generator.source.schema import AccountEvent, Call, CaseStudyMeta, ListEvent, Spend, WeekLog
from generator.source.yamlsource import Plain, parse

FAST = pytest.mark.parametrize("fast", [True, False], ids=["libyaml", "pure-python"])


def scalar(source: str, fast: bool = True) -> Any:
    """The value of `v:` in a one-line YAML document, as the reader hands it over."""
    return parse(f"v: {source}\n", "f.yaml", Problems(), fast=fast)["v"]


def refused(parser: Any, value: Any) -> tuple[str, str]:
    with pytest.raises(ValueProblem) as caught:
        parser(value)
    return caught.value.message, caught.value.hint


def check(model: Any, text: str, fast: bool, file: str = "weeks/2026-W47.yaml",
          ) -> tuple[Any, list[Problem]]:
    problems = Problems()
    value = validate(model, parse(text, file, problems, fast=fast), file, problems)
    return value, list(problems)


def lines(found: list[Problem]) -> list[str]:
    return [f"{p.pos}: {p.severity}: {p.message}" for p in found]


# --- text -------------------------------------------------------------------------------

@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes", "NO", "On", "OFF", "y", "n",
                                  "true", "False"])
@FAST
def test_yaml_11_booleans_are_refused_where_text_is_expected(fast: bool, word: str) -> None:
    message, hint = refused(parse_text, scalar(word, fast))
    assert message == f"'{word}' is a boolean in YAML 1.1, expected text"
    assert hint == 'put it in quotes, e.g. "yes"'


@pytest.mark.parametrize("word", ["'yes'", '"no"', "'on'", '"off"'])
def test_quoted_booleans_are_text(word: str) -> None:
    assert parse_text(scalar(word)) == word[1:-1]


@pytest.mark.parametrize("source", ["0012", "+49 30 1234", "12:30", "1_000", "0x1F", "1e3",
                                    "2026-11-17", ".inf", "Null", "yesterday", "007 Bond"])
@FAST
def test_text_is_kept_exactly_as_written(fast: bool, source: str) -> None:
    assert parse_text(scalar(source, fast)) == source


@FAST
def test_text_fields_of_records_keep_their_text(fast: bool) -> None:
    meta, found = check(CaseStudyMeta, (
        "title: 0012\n"
        "results:\n"
        "  - {metric: Phone, before: +49 30 1234, after: 12:30}\n"
        "tags: [0012, 12:30]\n"), fast, "case-studies/x.md")
    assert found == []
    assert meta.title == "0012"
    assert (meta.results[0].before, meta.results[0].after) == ("+49 30 1234", "12:30")
    assert meta.tags == ["0012", "12:30"]


@FAST
def test_boolean_in_a_text_field_of_a_record_is_an_error_with_its_place(fast: bool) -> None:
    _, found = check(WeekLog, "week: 2026-W47\nsummary: no\n", fast)
    assert lines(found) == [
        "weeks/2026-W47.yaml:2:10: error: 'no' is a boolean in YAML 1.1, expected text"]


@FAST
def test_text_refuses_lists_and_mappings(fast: bool) -> None:
    assert refused(parse_text, scalar("[a]", fast))[0] == "expected text, got a list"
    assert refused(parse_text, scalar("{a: b}", fast))[0] == "expected text, got a mapping"


# --- numbers ----------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "message", "hint"), [
    ("0012", "'0012' has a leading zero (octal in YAML 1.1), expected a number",
     "drop the leading zeros"),
    ("00", "'00' has a leading zero (octal in YAML 1.1), expected a number",
     "drop the leading zeros"),
    ("012.5", "'012.5' has a leading zero (octal in YAML 1.1), expected a number",
     "drop the leading zeros"),
    ("12:30", "'12:30' is a base-60 number (a time?) in YAML 1.1, expected a number",
     "write a plain number"),
    ("1:02:03", "'1:02:03' is a base-60 number (a time?) in YAML 1.1, expected a number",
     "write a plain number"),
    ("'12'", "expected a number, got quoted text", "remove the quotes"),
    ('"1.5"', "expected a number, got quoted text", "remove the quotes"),
    ("1_000", "expected a number, got '1_000'", "write digits with an optional decimal point"),
    ("0x1F", "expected a number, got '0x1F'", "write digits with an optional decimal point"),
    ("1e3", "expected a number, got '1e3'", "write digits with an optional decimal point"),
    (".inf", "expected a number, got '.inf'", "write digits with an optional decimal point"),
    ("yes", "expected a number, got 'yes'", "write digits with an optional decimal point"),
    ("[1]", "expected a number, got a list", ""),
])
@FAST
def test_ambiguous_numbers_are_errors(fast: bool, source: str, message: str, hint: str) -> None:
    assert refused(parse_number, scalar(source, fast)) == (message, hint)


@pytest.mark.parametrize(("source", "value"), [
    ("0", Decimal(0)), ("12", Decimal(12)), ("-3", Decimal(-3)), ("+4", Decimal(4)),
    ("0.30", Decimal("0.30")), (".5", Decimal("0.5")), ("1200.50", Decimal("1200.50")),
])
@FAST
def test_plain_numbers_are_exact_decimals(fast: bool, source: str, value: Decimal) -> None:
    result = parse_number(scalar(source, fast))
    assert result == value and isinstance(result, Decimal)


@pytest.mark.parametrize(("source", "message"), [
    ("0012", "'0012' has a leading zero (octal in YAML 1.1), expected a whole number"),
    ("12:30", "'12:30' is a base-60 number (a time?) in YAML 1.1, expected a whole number"),
    ("'12'", "expected a whole number, got quoted text"),
    ("1.5", "expected a whole number, got '1.5'"),
])
def test_whole_numbers_are_strict(source: str, message: str) -> None:
    assert refused(parse_int, scalar(source))[0] == message


def test_whole_numbers() -> None:
    assert parse_int(scalar("412")) == 412
    assert parse_int(scalar("0")) == 0


@FAST
def test_number_fields_of_a_weekly_log(fast: bool) -> None:
    _, found = check(WeekLog, (
        "week: 2026-W47\n"
        "list:\n"
        "  subscribers: 0012\n"), fast)
    assert lines(found) == ["weeks/2026-W47.yaml:3:16: error: '0012' has a leading zero "
                            "(octal in YAML 1.1), expected a whole number"]
    _, found = check(WeekLog, "week: 2026-W47\nlist:\n  subscribers: 12:30\n", fast)
    assert lines(found) == ["weeks/2026-W47.yaml:3:16: error: '12:30' is a base-60 number "
                            "(a time?) in YAML 1.1, expected a whole number"]
    _, found = check(WeekLog, "week: 2026-W47\nlist:\n  subscribers: \"412\"\n", fast)
    assert lines(found) == [
        "weeks/2026-W47.yaml:3:16: error: expected a whole number, got quoted text"]
    _, found = check(WeekLog, "week: 2026-W47\nlist:\n  subscribers: -1\n", fast)
    assert lines(found) == [
        "weeks/2026-W47.yaml:3:16: error: expected a count of 0 or more, got -1"]
    week, found = check(WeekLog, "week: 2026-W47\nlist:\n  subscribers: 412\n", fast)
    assert found == [] and week.list_.subscribers == 412


# --- dates and weeks --------------------------------------------------------------------

@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "2025-02-29", "2026-04-31",
                                  "2026-00-10"])
@FAST
def test_impossible_dates_are_errors(fast: bool, text: str) -> None:
    assert refused(parse_date, scalar(text, fast)) == (f"'{text}' is not a real date",
                                                       "check the day and month")


@pytest.mark.parametrize("text", ["2026-2-3", "17.11.2026", "2026-11-17T10:00", "2026/11/17",
                                  "20261117", "yesterday"])
def test_dates_must_be_iso(text: str) -> None:
    assert refused(parse_date, scalar(text)) == (f"expected a date YYYY-MM-DD, got '{text}'",
                                                 "write dates like 2026-11-17")


def test_real_dates_including_leap_days() -> None:
    assert parse_date(scalar("2028-02-29")) == datetime.date(2028, 2, 29)
    assert parse_date(scalar("2026-11-17")) == datetime.date(2026, 11, 17)


@FAST
def test_impossible_date_in_a_call_names_its_place(fast: bool) -> None:
    _, found = check(WeekLog, "week: 2026-W09\ncalls:\n  - date: 2026-02-30\n", fast)
    assert lines(found) == ["weeks/2026-W47.yaml:3:11: error: '2026-02-30' is not a real date"]


@pytest.mark.parametrize("week", ["2020-W53", "2026-W53", "2015-W53", "2026-W01", "2026-W52"])
def test_valid_iso_weeks(week: str) -> None:
    assert parse_week(scalar(week)) == week


@pytest.mark.parametrize(("week", "year"), [("2025-W53", 2025), ("2027-W53", 2027),
                                            ("2026-W54", 2026), ("2026-W00", 2026)])
def test_weeks_that_do_not_exist(week: str, year: int) -> None:
    # 2020 and 2026 start on a Thursday (2020 is a leap year starting on Wednesday) and
    # have 53 ISO weeks; 2025 and 2027 have 52.
    assert refused(parse_week, scalar(week)) == (f"'{week}' is not a week of {year}",
                                                 "ISO years have 52 or 53 weeks")


@pytest.mark.parametrize(("parser", "text", "year"), [
    (parse_week, "9999-W52", 9999), (parse_week, "0026-W47", 26), (parse_week, "1899-W52", 1899),
    (parse_date, "0026-11-17", 26), (parse_date, "9999-12-31", 9999),
])
def test_years_out_of_range_are_typos(parser: Any, text: str, year: int) -> None:
    """A year like 0026 would make the engine walk 2,000 years of weeks; 9999-W52 ends past
    the last date Python knows."""
    assert refused(parser, scalar(text)) == (
        f"'{text}' is in the year {year}", "a typo? Traction reads years 1900 to 9998")


@pytest.mark.parametrize("text", ["2026-W5", "2026W47", "2026-w47", "W47", "2026-47"])
def test_weeks_must_be_written_yyyy_www(text: str) -> None:
    assert refused(parse_week, scalar(text))[0] == (
        f"expected an ISO week like 2026-W47, got '{text}'")


# --- booleans ---------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "value"), [("true", True), ("True", True), ("TRUE", True),
                                               ("false", False), ("False", False)])
@FAST
def test_booleans_are_true_or_false(fast: bool, source: str, value: bool) -> None:
    assert parse_bool(scalar(source, fast)) is value


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Y", "N"])
def test_yaml_11_booleans_are_ambiguous(word: str) -> None:
    assert refused(parse_bool, scalar(word)) == (
        f"'{word}' is ambiguous (YAML 1.1 boolean), expected true or false", "write true or false")


@pytest.mark.parametrize("source", ["1", "0", "'true'", '"false"', "t", "[true]"])
def test_anything_else_is_not_a_boolean(source: str) -> None:
    message, _ = refused(parse_bool, scalar(source))
    assert message in ("expected true or false", "expected true or false, got a list")


@FAST
def test_boolean_field_of_a_record(fast: bool) -> None:
    _, found = check(CaseStudyMeta, "title: T\ndraft: yes\n", fast, "case-studies/x.md")
    assert lines(found) == ["case-studies/x.md:2:8: error: 'yes' is ambiguous "
                            "(YAML 1.1 boolean), expected true or false"]
    meta, found = check(CaseStudyMeta, "title: T\ndraft: true\n", fast, "case-studies/x.md")
    assert found == [] and meta.draft is True


# --- private fields ---------------------------------------------------------------------

@pytest.mark.parametrize("source", ["Yes", "OFF", "On"])
def test_private_text_refuses_booleans_without_echoing(source: str) -> None:
    message, hint = refused(parse_private_text, scalar(source))
    assert message == "this value is a boolean in YAML 1.1, expected text"
    assert hint == "put the text in quotes"
    # the public variant does name the value, so the assertion above can fail
    assert source in refused(parse_text, scalar(source))[0]


@pytest.mark.parametrize("source", ["0098761", "9876:54:32", "98761.5.4", "'98761'", "98761e2",
                                    "[98761]", "{k98761: 1}", "x98761"])
def test_private_numbers_never_echo_the_value(source: str) -> None:
    message, hint = refused(parse_private_number, scalar(source))
    assert "98761" not in message and "98761" not in hint
    assert "9876" not in message and "9876" not in hint


@pytest.mark.parametrize(("source", "message", "hint"), [
    ("0098761", "the value has a leading zero (octal in YAML 1.1), expected a number",
     "drop the leading zeros"),
    ("9876:54:32", "the value is a base-60 number (a time?) in YAML 1.1, expected a number",
     "write a plain number"),
    ("98761.5.4", "expected a number", "write digits with an optional decimal point"),
    ("'98761'", "expected a number, got quoted text", "remove the quotes"),
])
def test_private_number_messages(source: str, message: str, hint: str) -> None:
    assert refused(parse_private_number, scalar(source)) == (message, hint)


@pytest.mark.parametrize("source", ["0098761", "9876:54:32", "98761.5.4", "x98761"])
def test_public_numbers_do_echo_the_value(source: str) -> None:
    # the same inputs in a public field are named, so the test above can fail
    assert "9876" in refused(parse_number, scalar(source))[0]


PRIVATE_CASES: list[tuple[Any, str, str]] = [
    (Call, "date: 2026-11-17\nwith: {Secret98761 Roe: 1}\n", "with"),
    (Call, "date: 2026-11-17\nwith: [Secret98761]\n", "with"),
    (Call, "date: 2026-11-17\nwith: Yes\n", "with"),
    (Call, "date: 2026-11-17\nnotes: [Secret98761 notes]\n", "notes"),
    (Call, "date: 2026-11-17\nnotes: Off\n", "notes"),
    (AccountEvent, "id: a\nevent: paid\ndate: 2026-11-17\namount: 0098761\n", "amount"),
    (AccountEvent, "id: a\nevent: paid\ndate: 2026-11-17\namount: 9876:54:32\n", "amount"),
    (AccountEvent, "id: a\nevent: paid\ndate: 2026-11-17\namount: '98761'\n", "amount"),
    (AccountEvent, "id: a\nevent: paid\ndate: 2026-11-17\namount: 98761 EUR\n", "amount"),
    (AccountEvent, "id: a\nevent: meh\ndate: 2026-11-17\nnote: {Secret98761: x}\n", "note"),
    (AccountEvent, "id: a\nevent: meh\ndate: 2026-11-17\nnote: ON\n", "note"),
    (ListEvent, "date: 2026-11-17\ntype: sale\nprice: 98761.5.4\n", "price"),
    (ListEvent, "date: 2026-11-17\ntype: sale\nprice: $98761\n", "price"),
    (ListEvent, "date: 2026-11-17\ntype: inquiry\nnote: [Secret98761]\n", "note"),
    (Spend, "source: ads\namount: 98,761\n", "amount"),
]


@pytest.mark.parametrize(("model", "text", "field"), PRIVATE_CASES,
                         ids=[f"{m.__name__}.{f}-{i}" for i, (m, _, f) in enumerate(PRIVATE_CASES)])
@FAST
def test_private_field_messages_never_echo_the_value(fast: bool, model: Any, text: str,
                                                     field: str) -> None:
    record, found = check(model, text, fast)
    assert record is None and len(found) == 1
    problem = found[0]
    line = text.split("\n").index(next(ln for ln in text.split("\n")
                                       if ln.startswith(f"{field}:"))) + 1
    assert problem.pos.line == line  # the error is about that very field
    said = f"{problem.message} {problem.hint or ''}"
    value = text.split("\n")[line - 1].split(":", 1)[1].strip()
    for secret in ("98761", "9876", "Secret", "Yes", "Off", "ON", value):
        assert secret not in said, (secret, said)


@pytest.mark.parametrize(("text", "ok"), [
    ("https://acme.github.io/progress/", True), ("http://127.0.0.1:8000", True),
    ("https://x.com/a%22b/", True), ("acme.github.io/progress/", False),
    ('https://x.com/a"><script>/', False), ("https://x.com/it's/", False),
    ("https://x.com/a b/", False),
])
def test_site_urls_are_absolute_and_need_no_escaping(text: str, ok: bool) -> None:
    if ok:
        assert parse_url(scalar(text)).endswith("/")
    else:
        assert refused(parse_url, scalar(text))[0].startswith("expected an absolute http(s) URL")


def plain(text: str) -> Plain:
    return Plain(text, Pos("weeks/2026-W47.yaml", 3, 5))


# --- bounded numbers and values (issue 10 §4) -------------------------------------------------


@pytest.mark.parametrize("parse", [parse_int, parse_count, parse_number])
def test_a_number_of_thousands_of_digits_is_refused_not_a_crash(parse: Any) -> None:
    # int() of more than 4,300 digits raises ValueError; it must be a message instead.
    with pytest.raises(ValueProblem, match="at most 15 digits"):
        parse(plain("9" * 5000))
    with pytest.raises(ValueProblem, match="at most 15 digits"):
        parse(plain("1" * 16))
    assert parse(plain("9" * 15)) == 10**15 - 1


@pytest.mark.parametrize("text", ["-1", "-0.5"])
def test_negative_amounts_are_refused_without_echo(text: str) -> None:
    with pytest.raises(ValueProblem) as private:
        parse_private_number(plain(text))
    assert private.value.message == "expected an amount of 0 or more"
    with pytest.raises(ValueProblem, match="0 or more"):
        parse_amount(plain(text))


@pytest.mark.parametrize(("text", "share"), [
    ("0.3", Decimal("0.3")), ("30%", Decimal("0.3")), ("30 %", Decimal("0.3")),
    ("100%", Decimal(1)), ("0", Decimal(0)), ("12.5%", Decimal("0.125"))])
def test_a_share_is_a_number_from_0_to_1_or_a_percentage(text: str, share: Decimal) -> None:
    assert parse_share(plain(text)) == share


@pytest.mark.parametrize(("text", "message"), [
    ("130%", "expected a share from 0 to 1"), ("1.5", "expected a share from 0 to 1"),
    ("abc%", "expected a number"), ("%", "expected a number")])
def test_a_share_out_of_range_or_not_a_number_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValueProblem, match=message):
        parse_share(plain(text))


def test_a_message_repeats_at_most_40_characters_of_a_value() -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_date(plain("x" * 500))
    assert "x" * 37 + "..." in caught.value.message and "x" * 38 not in caught.value.message
    assert quoted("y" * 40) == "'" + "y" * 40 + "'"

"""ISO weeks: the one value type every module reads, names and steps through weeks with."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.isoweek import IsoWeek, week_index


def test_parse_and_format() -> None:
    week = IsoWeek.parse("2026-W47")
    assert (week.year, week.week, week.label, str(week)) == (2026, 47, "2026-W47", "2026-W47")
    assert (week.monday, week.sunday) == (datetime.date(2026, 11, 16), datetime.date(2026, 11, 22))


@pytest.mark.parametrize(("label", "message"), [
    ("2026-W54", "2026-W54 is not a week of 2026"),
    ("2025-W53", "2025-W53 is not a week of 2025"),
    ("2026-47", "'2026-47' is not an ISO week like 2026-W47"),
    ("2026-W7", "'2026-W7' is not an ISO week like 2026-W47"),
])
def test_parse_refuses_what_is_not_a_week(label: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        IsoWeek.parse(label)


def test_week_53_and_weeks_that_start_in_the_year_before() -> None:
    assert IsoWeek.parse("2026-W53").sunday == datetime.date(2027, 1, 3)
    assert IsoWeek.of(datetime.date(2027, 1, 1)) == IsoWeek(2026, 53)
    assert IsoWeek.parse("2026-W53").next() == IsoWeek(2027, 1)
    assert IsoWeek.of(datetime.date(2024, 12, 30)).label == "2025-W01"


@given(st.dates(min_value=datetime.date(1900, 1, 8), max_value=datetime.date(9998, 12, 20)))
def test_index_label_and_dates_agree(day: datetime.date) -> None:
    week = IsoWeek.of(day)
    assert week.monday <= day <= week.sunday
    assert week_index(day) == week.index == week_index(week.monday)
    assert IsoWeek.from_index(week.index) == week == IsoWeek.parse(week.label)
    assert week.next().index == week.index + 1 and week < week.next()

"""The log as one ordered stream of dated facts.

Validation and the milestone engine both read the log in this order, which
depends only on the facts themselves, never on where they were written: the
same entries in another order, or in another file, give the same stream.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal

from generator.schema import AccountEvent, Call, ListEvent, WeekLog

WeekIndex = int  # consecutive integers for consecutive ISO weeks
AccountId = str

# Same-day events happen in lifecycle order: a lead is qualified before it is won,
# paid before it is judged, and a churn that day is final.
LIFECYCLE_RANK = {
    "qualified": 0, "won": 1, "lost": 2, "paid": 3,
    "hell-yes": 4, "meh": 5, "renewed": 6, "churned": 7,
}


def week_index(day: datetime.date) -> WeekIndex:
    # date.toordinal() is 1 on Monday 0001-01-01, so this counts whole ISO weeks.
    return (day.toordinal() - 1) // 7


def week_monday(index: WeekIndex) -> datetime.date:
    return datetime.date.fromordinal(index * 7 + 1)


def week_label(index: WeekIndex) -> str:
    year, week, _ = week_monday(index).isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(label: str) -> datetime.date:
    year, week = label.split("-W")
    return datetime.date.fromisocalendar(int(year), int(week), 1)


def _account_key(event: AccountEvent) -> tuple[object, ...]:
    return (event.date, LIFECYCLE_RANK[event.event], event.id, event.source or "",
            event.owner or "", event.amount or Decimal(0), event.interval or "")


def account_events(weeks: Iterable[WeekLog]) -> list[AccountEvent]:
    """All account lifecycle events, in lifecycle order."""
    return sorted((e for w in weeks for e in w.accounts), key=_account_key)


def calls(weeks: Iterable[WeekLog]) -> list[Call]:
    return sorted((c for w in weeks for c in w.calls), key=lambda c: c.date)


def list_events(weeks: Iterable[WeekLog]) -> list[ListEvent]:
    return sorted(
        (e for w in weeks if w.list_ is not None for e in w.list_.events),
        key=lambda e: (e.date, e.type, e.price or Decimal(0), e.spontaneous),
    )


def days(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    day = first
    step = datetime.timedelta(days=1)
    while day <= last:
        yield day
        day += step

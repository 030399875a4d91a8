"""The log as one ordered stream of dated facts.

Validation and the milestone engine both read the log in this order: by date,
and facts of the same day in the order they were written, earlier weeks'
files first, then by line and column (as Beancount breaks ties). The order
depends on the files' names and contents only, never on the order the file
system lists them in.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from generator.problems import Pos
from generator.source.schema import AccountEvent, Call, ListEvent, WeekLog

WeekIndex = int  # consecutive integers for consecutive ISO weeks
AccountId = str
Dated = TypeVar("Dated", Call, AccountEvent, ListEvent)


def _in_order(items: Iterable[tuple[WeekLog, Dated]]) -> list[Dated]:
    """By date, then as written: the week's label orders its file among the others."""
    def key(item: tuple[WeekLog, Dated]) -> tuple[object, ...]:
        week, record = item
        return (record.date, week.week, record.pos.line, record.pos.col)

    return [record for _, record in sorted(items, key=key)]


# The rules, the engine and the views each ask for the same streams of the same log: a
# stream of a tuple of weeks is sorted once, and kept while that very tuple is (weeks are
# immutable, and holding the tuple keeps its id from being reused). Bounded.
_STREAMS: dict[tuple[int, str], tuple[tuple[WeekLog, ...], list[object]]] = {}


def _stream(weeks: Iterable[WeekLog], kind: str,
            items: Callable[[Iterable[WeekLog]], Iterable[tuple[WeekLog, Dated]]]
            ) -> list[Dated]:
    if not isinstance(weeks, tuple):
        return _in_order(items(weeks))
    key = (id(weeks), kind)
    kept = _STREAMS.get(key)
    if kept is None or kept[0] is not weeks:
        if len(_STREAMS) >= 12:
            _STREAMS.clear()
        kept = _STREAMS[key] = (weeks, list(_in_order(items(weeks))))
    return list(kept[1])  # type: ignore[arg-type]  # a copy: callers may change theirs


def account_events(weeks: Iterable[WeekLog]) -> list[AccountEvent]:
    """All account lifecycle events, by date and then as written."""
    return _stream(weeks, "accounts", lambda ws: ((w, e) for w in ws for e in w.accounts))


def calls(weeks: Iterable[WeekLog]) -> list[Call]:
    return _stream(weeks, "calls", lambda ws: ((w, c) for w in ws for c in w.calls))


def list_events(weeks: Iterable[WeekLog]) -> list[ListEvent]:
    return _stream(weeks, "list", lambda ws: (
        (w, e) for w in ws if w.list_ is not None for e in w.list_.events))


def latest_day(weeks: Iterable[WeekLog]) -> tuple[datetime.date, Pos] | None:
    """The latest day the log mentions, and where: its latest dated entry, or the Monday of
    its latest week file if that is later (the default as-of date, SPEC §4)."""
    found: tuple[datetime.date, Pos] | None = None
    for week in weeks:
        sunday = week.sunday
        if found is None or week.monday > found[0]:
            found = (week.monday, week.at("week"))
        for entry in (*week.calls, *week.accounts, *(week.list_.events if week.list_ else ())):
            day = entry.date
            if found[0] < day <= sunday:  # after its Sunday: an error, not the latest day
                found = (day, entry.at("date"))
    return found


def days(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    day = first
    step = datetime.timedelta(days=1)
    while day <= last:
        yield day
        day += step

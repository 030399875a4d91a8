"""ISO weeks, one small value type: parse, format, Monday, Sunday, next, index.

A log is kept one file per ISO week (`weeks/2026-W47.yaml`); the engine counts
weeks as consecutive integers. Everything that reads, names or steps through
weeks goes through `IsoWeek`, so the rules of ISO 8601 weeks (week 53, weeks
that start in the previous year) live here alone.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

PATTERN = re.compile(r"^([0-9]{4})-W([0-9]{2})$")
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def parse(cls, label: str) -> IsoWeek:
        """`2026-W47`; ValueError for anything else, or a week its year does not have."""
        found = PATTERN.match(label)
        if found is None:
            raise ValueError(f"'{label}' is not an ISO week like 2026-W47")
        week = cls(int(found[1]), int(found[2]))
        try:
            datetime.date.fromisocalendar(week.year, week.week, 1)
        except ValueError:
            raise ValueError(f"{label} is not a week of {week.year}") from None
        return week

    @classmethod
    def of(cls, day: datetime.date) -> IsoWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @classmethod
    def from_index(cls, index: int) -> IsoWeek:
        return cls.of(datetime.date.fromordinal(index * 7 + 1))

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    def __str__(self) -> str:
        return self.label

    @property
    def monday(self) -> datetime.date:
        return datetime.date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> datetime.date:
        return self.monday + 6 * ONE_DAY

    @property
    def index(self) -> int:
        """Consecutive integers for consecutive weeks (date.toordinal() is 1 on Monday
        0001-01-01, so this counts whole ISO weeks)."""
        return (self.monday.toordinal() - 1) // 7

    def next(self) -> IsoWeek:
        return IsoWeek.of(self.monday + 7 * ONE_DAY)


def week_index(day: datetime.date) -> int:
    """The index of the ISO week `day` falls in (see IsoWeek.index)."""
    return (day.toordinal() - 1) // 7

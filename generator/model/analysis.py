"""What one content directory amounts to: its analysis, and the as-of date it is taken at.

The as-of rule (SPEC §4) lives here: `--as-of`, else SOURCE_DATE_EPOCH, else the latest
day the log mentions; never earlier than that day, never years after it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

from generator.model.engine import Progress
from generator.model.ladders import Ladders
from generator.model.provenance import Provenance
from generator.problems import Problem, Problems
from generator.source.events import latest_day
from generator.source.history import NoHistory
from generator.source.loader import Content

# An as-of date this far past the log's latest day would be a typo; the engine walks every
# day up to it, so it is bounded like the milestone windows.
MAX_AS_OF_AHEAD = datetime.timedelta(days=3_660)


@dataclass(frozen=True)
class AsOf:
    """The date milestones are evaluated at, when not the latest day the log mentions
    (SPEC §4). `--as-of` must not be earlier than that day; a SOURCE_DATE_EPOCH earlier
    than it (a commit made before the day its last entry is dated) yields to the log."""

    date: datetime.date
    source: Literal["--as-of", "SOURCE_DATE_EPOCH", "commit date"]

    @property
    def strict(self) -> bool:
        return self.source == "--as-of"


class AsOfError(ValueError):
    """A SOURCE_DATE_EPOCH that is not a whole number of seconds in range."""


def source_date(value: str) -> AsOf:
    """SOURCE_DATE_EPOCH (seconds since 1970, UTC) as an as-of date."""
    try:
        seconds = int(value.strip())
        day = datetime.datetime.fromtimestamp(seconds, datetime.UTC).date()
    except (ValueError, OverflowError, OSError):
        raise AsOfError(f"SOURCE_DATE_EPOCH={value[:40]!r} is not a time in seconds since "
                        "1970 (e.g. `git log -1 --format=%ct`)") from None
    return AsOf(day, "SOURCE_DATE_EPOCH")


@dataclass(frozen=True)
class Analysis:
    """A content directory, checked and (when free of errors) evaluated."""

    content: Content
    problems: tuple[Problem, ...]  # sorted; errors and warnings
    ladders: Ladders | None
    progress: Progress | None  # None when there are errors
    # From the git history, when the command reads it (a build does, `status` text not):
    # the provenance, or why there is none. None when not read or there are errors.
    provenance: Provenance | NoHistory | None = None

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def resolve_as_of(content: Content, given: AsOf | None, problems: Problems
                  ) -> datetime.date | None:
    """The as-of date to evaluate at; None for an empty log, or after reporting what is
    wrong with `given`."""
    latest = latest_day(content.weeks)
    if latest is None:
        return None
    day, where = latest
    if given is None:
        return day
    if given.date < day:
        if given.strict:
            problems.error(where, f"--as-of {given.date} is before this entry ({day}), the "
                           "latest the log mentions",
                           f"give a date on or after {day}, or leave --as-of out")
            return None
        return day
    if given.date - day > MAX_AS_OF_AHEAD:
        problems.error(where, f"{given.source} {given.date} is more than ten years after the "
                       f"latest day the log mentions ({day})", "a typo in the year?")
        return None
    return given.date

"""When each milestone's achievement was first logged, from the entries it rests on.

A milestone is first achieved on a day (`achieved_on`) because of what the log holds by the
end of that day. It rests on the entries of that day that its metrics read (calls, account
events, list events); when none is dated that day (a lead going stale flipped it), on the
latest earlier day with such entries. It was *first logged* when the last of them was first
committed (`source.history`): no one could have computed it before. When that is more than
`provenance.late_after_days` after `achieved_on`, it was **logged late**. Pure: the history
is read by the pipeline.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from generator.model.engine import MilestoneStatus, Progress
from generator.model.metrics import METRICS
from generator.source.history import Commit, Entry, History, Revision
from generator.source.schema import AccountEvent, Call, ListEvent, WeekLog

# Which entries feed a metric input (model.metrics.Metric.inputs).
_READS: dict[str, type] = {"calls": Call, "accounts": AccountEvent, "signals": ListEvent}


@dataclass(frozen=True)
class FirstLogged:
    """When an achievement could first be read from the committed log."""

    commit: Commit | None  # None: an entry it rests on is not committed yet
    days_after: int  # from achieved_on to the commit's date
    late: bool


def _dated(weeks: tuple[WeekLog, ...]) -> Iterator[Entry]:
    for week in weeks:
        yield from week.calls
        yield from week.accounts
        if week.list_ is not None:
            yield from week.list_.events


def first_logged(progress: Progress, weeks: tuple[WeekLog, ...], history: History,
                 late_after_days: int) -> dict[str, FirstLogged]:
    """By milestone id, for each milestone shown that was ever achieved."""
    by_kind: dict[type, dict[datetime.date, list[Entry]]] = {}
    for entry in _dated(weeks):
        by_kind.setdefault(type(entry), {}).setdefault(entry.date, []).append(entry)
    found = {}
    for status in progress.milestones():
        if status.achieved_on is not None:
            resting = _resting(status, by_kind)
            if resting:  # else it held from the start, before any entry
                found[status.milestone.id] = _when(resting, status.achieved_on, history,
                                                   late_after_days)
    return found


def _resting(status: MilestoneStatus, by_kind: dict[type, dict[datetime.date, list[Entry]]]
             ) -> list[Entry]:
    assert status.achieved_on is not None
    kinds = {_READS[i] for c in status.milestone.conditions for i in METRICS[c.metric].inputs
             if i in _READS}
    days = {day for kind in kinds for day in by_kind.get(kind, {}) if day <= status.achieved_on}
    if not days:
        return []
    day = max(days)
    return [e for kind in kinds for e in by_kind.get(kind, {}).get(day, [])]


def _when(resting: list[Entry], achieved_on: datetime.date, history: History,
          late_after_days: int) -> FirstLogged:
    origins = [history.origin(e) for e in resting]
    if any(o is None for o in origins):
        return FirstLogged(None, 0, False)
    commit = max((o.first for o in origins if o is not None), key=lambda c: (c.time, c.id))
    days = (commit.day - achieved_on).days
    return FirstLogged(commit, days, days > late_after_days)


@dataclass(frozen=True)
class Provenance:
    """What the git history says about the content: the commit it is as of, when each
    achievement was first logged, and the entries revised after they were committed."""

    head: Commit
    milestones: dict[str, FirstLogged]  # by milestone id
    revisions: tuple[tuple[Entry, Revision], ...]  # current entry, one of its revisions


def provenance(progress: Progress, weeks: tuple[WeekLog, ...], history: History,
               late_after_days: int) -> Provenance:
    revisions = []
    for entry in _dated(weeks):
        origin = history.origin(entry)
        if origin is not None:
            revisions += [(entry, revision) for revision in origin.revisions]
    revisions.sort(key=lambda item: (item[1].after.time, item[1].after.id, item[0].date))
    return Provenance(history.head, first_logged(progress, weeks, history, late_after_days),
                      tuple(revisions))

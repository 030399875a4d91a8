"""When each milestone's achievement was first logged, from the git history of its entries.

A milestone is first achieved on a day (`achieved_on`). It was *first logged* at the first
commit whose log, as committed by then, already reaches it by that day: before that commit
no reader of the log could have seen it. When that commit is more than
`provenance.late_after_days` after `achieved_on`, it was **logged late**.

Replaying the engine for every commit would cost a build seconds, so the candidates are
few. The first is the commit that added the last of the entries dated on the day it rests
on: the entries its metrics read (calls, account events, list events) of `achieved_on`, or
of the latest earlier day with such entries (when a lead going stale flipped it). If every
entry it reads dated up to that day was committed by then, that commit is the answer, with
no replay. Otherwise the engine is replayed on the log as committed at each of a few
candidates: that commit, the later ones that added entries dated up to `achieved_on` (an
earlier entry backfilled later), and the earlier commits of that day's entries (one of them
may be enough): the first that reaches it wins. A replay uses each entry as it is now,
counted from its first commit (a later revision is listed on /numbers/). Pure: the history
is read by the pipeline.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from generator.model.engine import MilestoneStatus, Progress, evaluate
from generator.model.ladders import Ladders, Milestone
from generator.model.metrics import METRICS
from generator.source.history import Commit, Entry, History, Origin, Revision, entries
from generator.source.schema import AccountEvent, Call, Config, ListEvent, WeekLog

# Which entries feed a metric input (model.metrics.Metric.inputs).
_READS: dict[str, type] = {"calls": Call, "accounts": AccountEvent, "signals": ListEvent}


@dataclass(frozen=True)
class FirstLogged:
    """When an achievement could first be read from the committed log."""

    commit: Commit | None  # None: an entry it rests on is not committed yet
    days_after: int  # from achieved_on to the commit's date
    late: bool


def _order(commit: Commit) -> tuple[int, str]:
    return (commit.time, commit.id)


class _Replays:
    """The engine on the log as committed at a commit, each computed once."""

    def __init__(self, config: Config, weeks: tuple[WeekLog, ...], ladders: Ladders,
                 history: History) -> None:
        self.config, self.weeks, self.ladders, self.history = config, weeks, ladders, history
        self.done: dict[tuple[str, datetime.date], dict[Milestone, datetime.date | None]] = {}

    def reached(self, commit: Commit, milestone: Milestone, by: datetime.date
                ) -> datetime.date | None:
        """When `milestone` was first achieved in the log as committed at `commit`, if it
        was by `by` (the weeks after it are not replayed)."""
        key = (commit.id, by)
        if key not in self.done:
            def kept(entry: Entry) -> bool:
                origin = self.history.origin(entry)
                return (entry.date <= by and origin is not None
                        and _order(origin.first) <= _order(commit))

            replayed = (dataclasses.replace(
                week, calls=[c for c in week.calls if kept(c)],
                accounts=[a for a in week.accounts if kept(a)], assertions=[],
                list_=dataclasses.replace(week.list_, events=[e for e in week.list_.events
                                                              if kept(e)])
                if week.list_ is not None else None) for week in self.weeks)
            # the weeks after `by` only for an entry logged late in them, dated by then
            weeks = tuple(w for w in replayed if w.monday <= by or w.calls or w.accounts
                          or (w.list_ is not None and w.list_.events))
            progress = evaluate(self.config, weeks, self.ladders)
            self.done[key] = {m.milestone: m.achieved_on for m in progress.milestones()}
        return self.done[key].get(milestone)


def first_logged(progress: Progress, weeks: tuple[WeekLog, ...], history: History,
                 late_after_days: int, config: Config, ladders: Ladders
                 ) -> dict[str, FirstLogged]:
    """By milestone id, for each milestone shown that was ever achieved."""
    by_kind: dict[type, dict[datetime.date, list[Entry]]] = {}
    for entry in (e for week in weeks for e in entries(week)):
        by_kind.setdefault(type(entry), {}).setdefault(entry.date, []).append(entry)
    replays = _Replays(config, weeks, ladders, history)
    found = {}
    for status in progress.milestones():
        if status.achieved_on is None:
            continue
        kinds = {_READS[i] for c in status.milestone.conditions
                 for i in METRICS[c.metric].inputs if i in _READS}
        read = [e for kind in kinds for day, entries in by_kind.get(kind, {}).items()
                if day <= status.achieved_on for e in entries]
        if read:  # else it held from the start, before any entry
            found[status.milestone.id] = _when(status, read, history, replays,
                                               late_after_days)
    return found


def _when(status: MilestoneStatus, read: list[Entry], history: History, replays: _Replays,
          late_after_days: int) -> FirstLogged:
    achieved_on = status.achieved_on
    assert achieved_on is not None
    day = max(e.date for e in read)
    resting = [e for e in read if e.date == day]
    origins = {id(e): history.origin(e) for e in read}
    if any(origins[id(e)] is None for e in resting):
        return FirstLogged(None, 0, False)
    firsts = sorted({o.first for o in origins.values() if o is not None}, key=_order)
    last_resting = max((_first(origins[id(e)]) for e in resting), key=_order)
    uncommitted = any(o is None for o in origins.values())
    commit = last_resting
    if uncommitted or _order(firsts[-1]) > _order(last_resting) or len(
            {_first(origins[id(e)]) for e in resting}) > 1:
        # an entry it reads was committed after the day's last one, or is not committed yet,
        # or that day's entries came in several commits: replay the few commits that can be
        # the first to reach it
        candidates = sorted({*(c for c in firsts if _order(c) >= _order(last_resting)),
                             *(_first(origins[id(e)]) for e in resting)}, key=_order)
        reaching = _first_reaching(candidates, status.milestone, achieved_on, replays)
        if reaching is None and uncommitted:  # it needs what is not committed yet
            return FirstLogged(None, 0, False)
        commit = reaching or firsts[-1]
    days = (commit.day - achieved_on).days
    return FirstLogged(commit, days, days > late_after_days)


def _first_reaching(candidates: list[Commit], milestone: Milestone,
                    achieved_on: datetime.date, replays: _Replays) -> Commit | None:
    """The first candidate whose log reaches the milestone by `achieved_on`, by bisection
    (more of the log committed reaches it no later, but for a loss or churn logged later:
    then a later commit is named, erring toward late). A backfill of a hundred commits costs
    seven replays, not a hundred."""
    def reaches(commit: Commit) -> bool:
        on = replays.reached(commit, milestone, achieved_on)
        return on is not None and on <= achieved_on

    low, high = 0, len(candidates)
    while low < high:
        middle = (low + high) // 2
        if reaches(candidates[middle]):
            high = middle
        else:
            low = middle + 1
    return candidates[low] if low < len(candidates) else None


def _first(origin: Origin | None) -> Commit:
    assert origin is not None
    return origin.first


@dataclass(frozen=True)
class Provenance:
    """What the git history says about the content: the commit it is as of, when each
    achievement was first logged, and the entries revised after they were committed."""

    head: Commit
    milestones: dict[str, FirstLogged]  # by milestone id
    revisions: tuple[tuple[Entry, Revision], ...]  # current entry, one of its revisions


def provenance(progress: Progress, weeks: tuple[WeekLog, ...], history: History,
               late_after_days: int, config: Config, ladders: Ladders) -> Provenance:
    revisions = []
    for entry in (e for week in weeks for e in entries(week)):
        origin = history.origin(entry)
        if origin is not None:
            revisions += [(entry, revision) for revision in origin.revisions]
    revisions.sort(key=lambda item: (item[1].after.time, item[1].after.id, item[0].date))
    return Provenance(history.head, first_logged(progress, weeks, history, late_after_days,
                                                 config, ladders), tuple(revisions))

"""The cohort, summed up from the documents that passed: pure, no clock, no files.

- One row per startup: stage, current goal, the last milestone reached and when, and
  whole weeks from its latest logged week to the cohort's.
- A funnel per milestone id. Startups on different ladders, or custom ones, are compared
  only on what they share: each milestone's denominator is the startups whose document
  holds it ("3 of 5 that track it").
- The median weeks from the cohort's start to each milestone, over the startups that
  reached it (a milestone reached before the start counts as 0 weeks).
- Who slipped in the cohort's latest week: a transition into `slipped` dated from that
  week's Monday up to the as-of date.
- Every transition into `achieved`, newest first, for the feed.

Each startup's statuses are as of its own document's `as_of`; the cohort's as-of is the
one given, else the latest of theirs that is not far past the others (`cohort_as_of`).
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass
from typing import Any

from generator.isoweek import IsoWeek
from generator.tools.cohort.documents import Published, Skipped
from generator.tools.cohort.roster import Roster

STAGES = {"prototype": "Prototype", "traction": "Traction", "growth": "Growth"}


@dataclass(frozen=True)
class MilestoneRef:
    id: str
    title: str
    url: str


@dataclass(frozen=True)
class Reached:
    """A milestone a startup reached, and when (its latest transition into achieved)."""

    milestone: MilestoneRef
    date: datetime.date


@dataclass(frozen=True)
class Row:
    """One startup in the table."""

    name: str  # as cohort.yaml names it
    company: str  # as its own document does
    url: str  # its published site
    as_of: datetime.date | None
    stage: str
    goal: MilestoneRef | None  # None: every milestone reached (or none tracked)
    goal_status: str | None
    tracked: int  # milestones in its document
    achieved: int  # of them, achieved now
    last: Reached | None
    latest_week: str | None
    weeks_since_log: int | None  # None: no log yet, or the cohort has no as-of date

    @property
    def stage_label(self) -> str:
        return STAGES.get(self.stage, self.stage)


@dataclass(frozen=True)
class Step:
    """One milestone of the funnel."""

    id: str
    title: str
    number: int  # its place in the ladder it was first seen in
    tracked: int  # startups whose document holds it
    reached: int  # of them, reached it at some point (achieved_on)
    achieved: int  # of them, achieved now
    median_weeks: float | None  # from the cohort's start; None without start or anyone
    timed: int  # startups the median is over

    @property
    def share(self) -> float:
        return self.reached / self.tracked if self.tracked else 0.0


@dataclass(frozen=True)
class Group:
    """The milestones first seen in one ladder, in its order."""

    id: str
    title: str
    tracked: int  # startups on this ladder
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Event:
    """A startup's milestone moved into achieved or slipped on a date."""

    date: datetime.date
    startup: str
    startup_url: str
    milestone: MilestoneRef
    status: str


@dataclass(frozen=True)
class Cohort:
    title: str
    url: str | None
    start: datetime.date | None
    as_of: datetime.date | None
    week: str | None  # the ISO week of as_of
    rows: tuple[Row, ...]
    funnel: tuple[Group, ...]
    slipped: tuple[Event, ...]  # in the latest week, newest first
    achievements: tuple[Event, ...]  # every transition into achieved, newest first
    skipped: tuple[Skipped, ...]

    @property
    def size(self) -> int:
        return len(self.rows) + len(self.skipped)


def _day(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _milestones(document: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(ladder, m) for ladder in document["ladders"] for m in ladder["milestones"]]


def _ref(milestone: dict[str, Any]) -> MilestoneRef:
    return MilestoneRef(milestone["id"], milestone["title"], milestone["url"])


# A document dated this far past the cohort's median is not what the cohort's week is: one
# startup's mistyped date (9999-12-31) would make every other startup years behind.
OUTLIER = datetime.timedelta(days=28)


def cohort_as_of(published: list[Published], given: datetime.date | None
                 ) -> datetime.date | None:
    """`--as-of`, else the latest `as_of` of the documents that is no more than four weeks
    past their median (never the clock)."""
    if given is not None:
        return given
    days = sorted(d for p in published if (d := _day(p.document["as_of"])) is not None)
    if not days:
        return None
    median = days[(len(days) - 1) // 2]
    return max(d for d in days if d <= median + OUTLIER)


def summarise(roster: Roster, loaded: list[Published | Skipped],
              as_of: datetime.date | None = None) -> Cohort:
    published = [p for p in loaded if isinstance(p, Published)]
    skipped = tuple(s for s in loaded if isinstance(s, Skipped))
    day = cohort_as_of(published, as_of)
    week = IsoWeek.of(day) if day is not None else None
    events = [e for p in published for e in _events(p)]
    achievements = tuple(sorted(
        (e for e in events if e.status == "achieved"),
        key=lambda e: (-e.date.toordinal(), e.startup.casefold(), e.milestone.id)))
    slipped = () if week is None or day is None else tuple(sorted(
        (e for e in events if e.status == "slipped" and week.monday <= e.date <= day),
        key=lambda e: (-e.date.toordinal(), e.startup.casefold(), e.milestone.id)))
    return Cohort(roster.title, roster.url, roster.start, day,
                  week.label if week else None,
                  tuple(_row(p, week) for p in published),
                  _funnel(published, roster.start), slipped, achievements, skipped)


def _events(published: Published) -> list[Event]:
    name, url = published.startup.name, published.document["url"]
    return [Event(d, name, url, _ref(m), change["status"])
            for _, m in _milestones(published.document)
            for change in m["history"] if (d := _day(change["date"])) is not None]


def _row(published: Published, week: IsoWeek | None) -> Row:
    document = published.document
    milestones = [m for _, m in _milestones(document)]
    by_id = {m["id"]: m for m in milestones}
    goal = by_id.get(document["current_goal"]) if document["current_goal"] else None
    last = None
    for order, m in enumerate(milestones):
        since = _day(m["since"] or m["achieved_on"]) if m["status"] == "achieved" else None
        # the latest; on the same day, the later one in the ladders
        if since is not None and (last is None or (since, order) >= last[0]):
            last = ((since, order), Reached(_ref(m), since))
    latest = document["latest_week"]
    since_log = None
    if latest is not None and week is not None:
        since_log = max(0, week.index - IsoWeek.parse(latest).index)
    return Row(
        name=published.startup.name, company=document["company"]["name"],
        url=document["url"], as_of=_day(document["as_of"]), stage=document["stage"],
        goal=_ref(goal) if goal else None, goal_status=goal["status"] if goal else None,
        tracked=len(milestones), achieved=sum(m["status"] == "achieved" for m in milestones),
        last=last[1] if last else None, latest_week=latest, weeks_since_log=since_log)


def _funnel(published: list[Published], start: datetime.date | None) -> tuple[Group, ...]:
    """Per milestone id, grouped under the ladder it is first seen in (roster order)."""
    ladders: dict[str, tuple[str, list[str]]] = {}  # ladder id -> title, milestone ids
    on_ladder: dict[str, int] = {}
    seen: dict[str, dict[str, Any]] = {}  # milestone id -> its first appearance
    holders: dict[str, list[dict[str, Any]]] = {}
    for p in published:
        for ladder in p.document["ladders"]:
            title, ids = ladders.setdefault(ladder["id"], (ladder["title"], []))
            on_ladder[ladder["id"]] = on_ladder.get(ladder["id"], 0) + 1
            for m in ladder["milestones"]:
                if m["id"] not in seen:
                    seen[m["id"]] = m
                    ids.append(m["id"])
                holders.setdefault(m["id"], []).append(m)
    groups = []
    for ladder_id, (title, ids) in ladders.items():
        steps = tuple(_step(seen[i], holders[i], start) for i in ids)
        if steps:
            groups.append(Group(ladder_id, title, on_ladder[ladder_id], steps))
    return tuple(groups)


def _step(first: dict[str, Any], holders: list[dict[str, Any]],
          start: datetime.date | None) -> Step:
    reached = [d for m in holders if (d := _day(m["achieved_on"])) is not None]
    median = None
    if start is not None and reached:
        weeks = [max(0, (d - start).days) / 7 for d in reached]
        median = round(statistics.median(weeks), 1)
    return Step(first["id"], first["title"], first["number"], len(holders), len(reached),
                sum(m["status"] == "achieved" for m in holders), median,
                len(reached) if start is not None else 0)
